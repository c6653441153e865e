//! QUIC Initial packets (RFC 9000 §17.2.2, RFC 9001 §5): the ClientHello a
//! QUIC client sends is encrypted with keys anyone can derive from the
//! Destination Connection ID, so it is fingerprinted like a TCP one, with
//! JA4's `q` prefix. The server's Initial (ServerHello) is read the same way.
//!
//! Per connection (unordered address pair), the first Initial seen fixes the
//! client and its original DCID; CRYPTO frames of each side are reassembled
//! by offset (clients such as Chrome split and reorder them across packets)
//! up to [`MAX_CRYPTO_BYTES`]. QUIC v1, v2 (RFC 9369) and draft-29 salts.

use std::collections::BTreeMap;

use aes::Aes128;
use aes::cipher::{BlockCipherEncrypt, KeyInit};
use aes_gcm::Aes128Gcm;
use aes_gcm::aead::{Aead, Payload};
use hkdf::Hkdf;
use sha2::Sha256;

use super::client_hello::{parse_client_hello, parse_server_hello};
use super::flows::{Endpoint, Flows};
use super::handshake::{CLIENT_HELLO, SERVER_HELLO};
use super::ja4::Ja4Transport;
use super::report::{hello_report, server_hello_report, stream_report};
use fx_facts::tls::TlsStream;
use fx_formats::tls::HandshakeHeader;

/// CRYPTO bytes kept per direction.
pub const MAX_CRYPTO_BYTES: u64 = 64 * 1024;
/// QUIC connections tracked per capture.
pub const MAX_CONNECTIONS: usize = 100_000;
/// Packets coalesced in one datagram that are looked at.
const MAX_COALESCED: usize = 8;

/// Initial salts by version.
fn salt(version: u32) -> Option<&'static [u8; 20]> {
    const V1: [u8; 20] = [
        0x38, 0x76, 0x2c, 0xf7, 0xf5, 0x59, 0x34, 0xb3, 0x4d, 0x17, 0x9a, 0xe6, 0xa4, 0xc8, 0x0c,
        0xad, 0xcc, 0xbb, 0x7f, 0x0a,
    ];
    const V2: [u8; 20] = [
        0x0d, 0xed, 0xe3, 0xde, 0xf7, 0x00, 0xa6, 0xdb, 0x81, 0x93, 0x81, 0xbe, 0x6e, 0x26, 0x9d,
        0xcb, 0xf9, 0xbd, 0x2e, 0xd9,
    ];
    const DRAFT29: [u8; 20] = [
        0xaf, 0xbf, 0xec, 0x28, 0x99, 0x93, 0xd2, 0x4c, 0x9e, 0x97, 0x86, 0xf1, 0x9c, 0x61, 0x11,
        0xe0, 0x43, 0x90, 0xa8, 0x99,
    ];
    match version {
        0x0000_0001 => Some(&V1),
        0x6b33_43cf => Some(&V2),
        0xff00_001d..=0xff00_0020 => Some(&DRAFT29),
        _ => None,
    }
}

fn is_v2(version: u32) -> bool {
    version == 0x6b33_43cf
}

/// HKDF-Expand-Label (RFC 8446 §7.1) with an empty context.
fn expand_label(secret: &[u8], label: &str, len: usize) -> Option<Vec<u8>> {
    let hk = Hkdf::<Sha256>::from_prk(secret).ok()?;
    let full = format!("tls13 {label}");
    let mut info = Vec::with_capacity(4 + full.len());
    info.extend((len as u16).to_be_bytes());
    info.push(full.len() as u8);
    info.extend(full.as_bytes());
    info.push(0);
    let mut out = vec![0u8; len];
    hk.expand(&info, &mut out).ok()?;
    Some(out)
}

/// Packet protection keys of one side.
#[derive(Clone)]
struct Keys {
    aead: Aes128Gcm,
    iv: [u8; 12],
    hp: Aes128,
}

fn initial_keys(version: u32, dcid: &[u8], server: bool) -> Option<Keys> {
    let (initial, _) = Hkdf::<Sha256>::extract(Some(salt(version)?), dcid);
    let side = expand_label(&initial, if server { "server in" } else { "client in" }, 32)?;
    let (lk, li, lh) = if is_v2(version) {
        ("quicv2 key", "quicv2 iv", "quicv2 hp")
    } else {
        ("quic key", "quic iv", "quic hp")
    };
    let key = expand_label(&side, lk, 16)?;
    let iv = expand_label(&side, li, 12)?;
    let hp = expand_label(&side, lh, 16)?;
    Some(Keys {
        aead: Aes128Gcm::new_from_slice(&key).ok()?,
        iv: iv.try_into().ok()?,
        hp: Aes128::new_from_slice(&hp).ok()?,
    })
}

fn varint(b: &[u8]) -> Option<(u64, usize)> {
    let first = *b.first()?;
    let len = 1usize << (first >> 6);
    let bytes = b.get(..len)?;
    let mut v = u64::from(first & 0x3f);
    for x in &bytes[1..] {
        v = (v << 8) | u64::from(*x);
    }
    Some((v, len))
}

/// A long-header Initial packet, header fields located.
struct Initial<'a> {
    version: u32,
    dcid: &'a [u8],
    /// Offset of the packet number in `packet`.
    pn_offset: usize,
    /// The whole packet (header through end of payload).
    packet: &'a [u8],
}

/// Reads the long header at the start of `d`; returns the Initial (if it is
/// one) and the length of the whole packet (to step to coalesced packets).
fn long_header(d: &[u8]) -> Option<(Option<Initial<'_>>, usize)> {
    let first = *d.first()?;
    if first & 0x80 == 0 {
        return None; // short header: nothing more in this datagram is readable
    }
    let version = u32::from_be_bytes(d.get(1..5)?.try_into().ok()?);
    salt(version)?;
    let mut p = 5;
    let dlen = usize::from(*d.get(p)?);
    let dcid = d.get(p + 1..p + 1 + dlen)?;
    p += 1 + dlen;
    let slen = usize::from(*d.get(p)?);
    p += 1 + slen;
    let ptype = (first >> 4) & 3;
    let initial_type = if is_v2(version) { 1 } else { 0 };
    let retry_type = if is_v2(version) { 0 } else { 3 };
    if ptype == retry_type {
        return Some((None, d.len()));
    }
    if ptype == initial_type {
        let (tlen, n) = varint(d.get(p..)?)?;
        p += n + usize::try_from(tlen).ok()?;
    }
    let (len, n) = varint(d.get(p..)?)?;
    p += n;
    let end = p.checked_add(usize::try_from(len).ok()?)?;
    let packet = d.get(..end)?;
    let initial = (ptype == initial_type).then_some(Initial {
        version,
        dcid,
        pn_offset: p,
        packet,
    });
    Some((initial, end))
}

/// Removes header protection and decrypts; returns the plaintext payload.
fn decrypt(init: &Initial<'_>, keys: &Keys) -> Option<Vec<u8>> {
    let sample = init.packet.get(init.pn_offset + 4..init.pn_offset + 20)?;
    let mut block = aes::Block::try_from(sample).ok()?;
    keys.hp.encrypt_block(&mut block);
    let mask = block;
    let mut header = init.packet.get(..init.pn_offset + 4)?.to_vec();
    header[0] ^= mask[0] & 0x0f;
    let pn_len = usize::from(header[0] & 3) + 1;
    header.truncate(init.pn_offset + pn_len);
    let mut pn = 0u64;
    for i in 0..pn_len {
        header[init.pn_offset + i] ^= mask[1 + i];
        pn = (pn << 8) | u64::from(header[init.pn_offset + i]);
    }
    let mut nonce = keys.iv;
    for (i, b) in pn.to_be_bytes().iter().enumerate() {
        nonce[4 + i] ^= b;
    }
    let ct = init.packet.get(init.pn_offset + pn_len..)?;
    let nonce = aes_gcm::Nonce::try_from(&nonce[..]).ok()?;
    keys.aead
        .decrypt(
            &nonce,
            Payload {
                msg: ct,
                aad: &header,
            },
        )
        .ok()
}

/// CRYPTO frames of a decrypted Initial payload: (offset, data).
fn crypto_frames(p: &[u8]) -> Vec<(u64, &[u8])> {
    let mut out = Vec::new();
    let mut i = 0usize;
    while i < p.len() {
        let Some((ftype, n)) = varint(&p[i..]) else {
            break;
        };
        i += n;
        match ftype {
            0x00 | 0x01 => {}
            0x02 | 0x03 => {
                // ACK: largest, delay, range count, first range, ranges, [ECN counts]
                let mut fields = 4usize;
                let mut k = 0usize;
                while k < fields {
                    let Some((v, n)) = p.get(i..).and_then(varint) else {
                        return out;
                    };
                    if k == 2 {
                        fields += 2 * v.min(1024) as usize;
                    }
                    i += n;
                    k += 1;
                }
                if ftype == 0x03 {
                    for _ in 0..3 {
                        let Some((_, n)) = p.get(i..).and_then(varint) else {
                            return out;
                        };
                        i += n;
                    }
                }
            }
            0x06 => {
                let Some((off, n1)) = p.get(i..).and_then(varint) else {
                    break;
                };
                let Some((len, n2)) = p.get(i + n1..).and_then(varint) else {
                    break;
                };
                let start = i + n1 + n2;
                let Some(data) = usize::try_from(len)
                    .ok()
                    .and_then(|l| p.get(start..start.checked_add(l)?))
                else {
                    break;
                };
                out.push((off, data));
                i = start + data.len();
            }
            _ => break, // CONNECTION_CLOSE or anything unexpected ends the payload
        }
    }
    out
}

/// CRYPTO stream of one side, reassembled by offset.
#[derive(Default)]
struct CryptoStream {
    chunks: BTreeMap<u64, Vec<u8>>,
    bytes: u64,
}

impl CryptoStream {
    fn add(&mut self, off: u64, data: &[u8]) {
        if off >= MAX_CRYPTO_BYTES || self.bytes + data.len() as u64 > MAX_CRYPTO_BYTES {
            return;
        }
        let slot = self.chunks.entry(off).or_default();
        if data.len() > slot.len() {
            self.bytes += (data.len() - slot.len()) as u64;
            *slot = data.to_vec();
        }
    }

    /// The contiguous prefix from offset 0.
    fn prefix(&self) -> Vec<u8> {
        let mut out: Vec<u8> = Vec::new();
        for (&off, data) in &self.chunks {
            let have = out.len() as u64;
            if off > have {
                break;
            }
            let skip = (have - off) as usize;
            if skip < data.len() {
                out.extend_from_slice(&data[skip..]);
            }
        }
        out
    }
}

struct Connection {
    client: Endpoint,
    server: Endpoint,
    version: u32,
    client_keys: Option<Keys>,
    server_keys: Option<Keys>,
    client_crypto: CryptoStream,
    server_crypto: CryptoStream,
}

/// Collects QUIC Initial packets of a capture.
pub struct QuicCollector {
    conns: Flows<Connection>,
}

impl Default for QuicCollector {
    fn default() -> QuicCollector {
        QuicCollector {
            conns: Flows::new(MAX_CONNECTIONS),
        }
    }
}

impl QuicCollector {
    /// Offers one UDP datagram.
    pub fn datagram(&mut self, src: Endpoint, dst: Endpoint, payload: &[u8]) {
        let mut rest = payload;
        for _ in 0..MAX_COALESCED {
            let Some((initial, len)) = long_header(rest) else {
                return;
            };
            if let Some(init) = initial {
                self.initial(src, dst, &init);
            }
            rest = rest.get(len..).unwrap_or(&[]);
            if rest.is_empty() {
                return;
            }
        }
    }

    fn initial(&mut self, src: Endpoint, dst: Endpoint, init: &Initial<'_>) {
        // the first Initial of a connection is the client's: its DCID keys both sides
        let Some(conn) = self.conns.entry(src, dst, || Connection {
            client: src,
            server: dst,
            version: init.version,
            client_keys: initial_keys(init.version, init.dcid, false),
            server_keys: initial_keys(init.version, init.dcid, true),
            client_crypto: CryptoStream::default(),
            server_crypto: CryptoStream::default(),
        }) else {
            return;
        };
        if init.version != conn.version {
            return;
        }
        let from_client = src == conn.client;
        let keys = if from_client {
            &conn.client_keys
        } else {
            &conn.server_keys
        };
        let Some(plain) = keys.as_ref().and_then(|k| decrypt(init, k)) else {
            return;
        };
        let stream = if from_client {
            &mut conn.client_crypto
        } else {
            &mut conn.server_crypto
        };
        for (off, data) in crypto_frames(&plain) {
            stream.add(off, data);
        }
    }

    /// The QUIC connections with their ClientHellos, numbered after the TCP streams.
    pub fn finish(self, budget: &mut u32, capped: &mut bool) -> Vec<TlsStream> {
        let mut out = Vec::new();
        for (i, c) in self.conns.iter().enumerate() {
            let Some(ch_body) = message(&c.client_crypto.prefix(), CLIENT_HELLO) else {
                continue;
            };
            let Some(ch) = parse_client_hello(&ch_body) else {
                continue;
            };
            if *budget == 0 {
                *capped = true;
                break;
            }
            *budget -= 1;
            let mut s = stream_report(i as u64, "quic", c.client, c.server);
            s.client_hellos.push(hello_report(&ch, Ja4Transport::Quic));
            if let Some(sh) = message(&c.server_crypto.prefix(), SERVER_HELLO)
                .and_then(|b| parse_server_hello(&b))
            {
                s.server_hellos.push(server_hello_report(&sh));
            }
            out.push(s);
        }
        *capped |= self.conns.capped();
        out
    }
}

/// The body of the first handshake message of `kind` at the start of a CRYPTO stream.
fn message(stream: &[u8], kind: u8) -> Option<Vec<u8>> {
    let h = HandshakeHeader::read(stream, 0).filter(|h| h.msg_type == kind)?;
    h.body(stream, 0).map(<[u8]>::to_vec)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 9001 Appendix A.1: keys derived from DCID 0x8394c8f03e515708.
    #[test]
    fn rfc9001_initial_secrets() {
        let dcid = hex::decode("8394c8f03e515708").unwrap_or_default();
        let (initial, _) = Hkdf::<Sha256>::extract(Some(salt(1).unwrap_or(&[0; 20])), &dcid);
        let client = expand_label(&initial, "client in", 32).unwrap_or_default();
        assert_eq!(
            hex::encode(&client),
            "c00cf151ca5be075ed0ebfb5c80323c42d6b7db67881289af4008f1f6c357aea"
        );
        assert_eq!(
            hex::encode(expand_label(&client, "quic key", 16).unwrap_or_default()),
            "1f369613dd76d5467730efcbe3b1a22d"
        );
        assert_eq!(
            hex::encode(expand_label(&client, "quic hp", 16).unwrap_or_default()),
            "9f50449e04a0e810283a1e9933adedd2"
        );
    }

    #[test]
    fn varints() {
        assert_eq!(varint(&[0x25]), Some((37, 1)));
        assert_eq!(varint(&[0x7b, 0xbd]), Some((15293, 2)));
        assert_eq!(varint(&[0x9d, 0x7f, 0x3e, 0x7d]), Some((494_878_333, 4)));
        assert_eq!(varint(&[0xc0]), None);
    }
}
