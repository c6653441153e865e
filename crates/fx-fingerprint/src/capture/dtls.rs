//! DTLS over UDP (RFC 6347 for DTLS 1.0/1.2, RFC 9147 for DTLS 1.3): the
//! plaintext handshake records of each datagram, their fragmented handshake
//! messages reassembled, and the ClientHellos fingerprinted with JA4's `d`.
//!
//! A datagram is read as DTLS when it starts with a record header whose
//! content type is 20–26 and whose version is 0xfeff (DTLS 1.0), 0xfefd
//! (1.2) or 0xfefc (1.3); the records after it are walked until one does not
//! fit. Only epoch-0 handshake records are read (everything later is
//! encrypted). A handshake message carries a 12-byte header (`msg_type`,
//! `length`, `message_seq`, `fragment_offset`, `fragment_length`);
//! ClientHello and ServerHello fragments are placed by offset into one
//! buffer per `(msg_type, message_seq)` until the whole `length` is covered,
//! the first copy of a byte winning, within [`MAX_MESSAGE`] bytes,
//! [`MAX_PENDING`] messages and [`MAX_FRAGMENTS`] disjoint pieces per
//! message. HelloVerifyRequests are counted by `message_seq`.
//!
//! Connections are unordered address pairs, numbered in order of their first
//! DTLS handshake record (the `dtls` streams of the report, after TCP and
//! QUIC). A ClientHello sent again after a HelloVerifyRequest (with the
//! server's cookie and the next `message_seq`) is a second ClientHello of
//! the stream, as a ClientHello after a HelloRetryRequest is in TLS; a
//! retransmission of a message already read (the same type, `message_seq`
//! and bytes) is not.

use super::client_hello::{parse_dtls_client_hello, parse_server_hello};
use super::flows::{Endpoint, Flows};
use super::handshake::{CLIENT_HELLO, SERVER_HELLO};
use super::ja4::Ja4Transport;
use super::report::{hello_report, server_hello_report, stream_report};
use fx_facts::tls::TlsStream;

/// Handshake message type of a HelloVerifyRequest (RFC 6347 §4.2.1).
pub const HELLO_VERIFY_REQUEST: u8 = 3;
/// Bytes of a DTLS record header: type, version (2), epoch (2), sequence (6), length (2).
pub const RECORD_HEADER_LEN: usize = 13;
/// Bytes of a DTLS handshake header: type, length (3), message_seq (2),
/// fragment_offset (3), fragment_length (3).
pub const HANDSHAKE_HEADER_LEN: usize = 12;
/// Largest handshake message reassembled.
pub const MAX_MESSAGE: usize = 64 * 1024;
/// Messages being reassembled at once per direction.
pub const MAX_PENDING: usize = 4;
/// Disjoint pieces one message may be in before it is given up.
pub const MAX_FRAGMENTS: usize = 64;
/// DTLS connections tracked per capture.
pub const MAX_CONNECTIONS: usize = 100_000;
/// Hello messages kept per direction (retransmissions not counted).
const MAX_HELLOS: usize = 8;
/// HelloVerifyRequests counted per direction.
const MAX_VERIFY_REQUESTS: usize = 64;
/// Records read per datagram.
const MAX_RECORDS: usize = 64;

/// True for the record-layer versions of DTLS 1.0, 1.2 and 1.3.
pub fn is_dtls_version(v: u16) -> bool {
    matches!(v, 0xfeff | 0xfefd | 0xfefc)
}

/// A DTLS record header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RecordHeader {
    /// Content type (22 for handshake).
    pub content_type: u8,
    /// Record-layer version.
    pub version: u16,
    /// Epoch (0 before the first ChangeCipherSpec).
    pub epoch: u16,
    /// Body length.
    pub len: usize,
}

impl RecordHeader {
    /// Reads the header at `at`, if 13 bytes are there.
    pub fn read(b: &[u8], at: usize) -> Option<RecordHeader> {
        let h = b.get(at..at.checked_add(RECORD_HEADER_LEN)?)?;
        Some(RecordHeader {
            content_type: h[0],
            version: u16::from_be_bytes([h[1], h[2]]),
            epoch: u16::from_be_bytes([h[3], h[4]]),
            len: usize::from(u16::from_be_bytes([h[11], h[12]])),
        })
    }

    /// True for a DTLS record: a known content type and a DTLS version.
    pub fn is_dtls(&self) -> bool {
        is_dtls_version(self.version) && matches!(self.content_type, 20..=26)
    }
}

/// A DTLS handshake header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HandshakeHeader {
    /// Message type.
    pub msg_type: u8,
    /// Length of the whole message body.
    pub length: usize,
    /// message_seq.
    pub message_seq: u16,
    /// Where this fragment starts in the body.
    pub fragment_offset: usize,
    /// Bytes of this fragment.
    pub fragment_length: usize,
}

fn u24(b: &[u8]) -> usize {
    (usize::from(b[0]) << 16) | (usize::from(b[1]) << 8) | usize::from(b[2])
}

impl HandshakeHeader {
    /// Reads the header at `at`, if 12 bytes are there.
    pub fn read(b: &[u8], at: usize) -> Option<HandshakeHeader> {
        let h = b.get(at..at.checked_add(HANDSHAKE_HEADER_LEN)?)?;
        Some(HandshakeHeader {
            msg_type: h[0],
            length: u24(&h[1..4]),
            message_seq: u16::from_be_bytes([h[4], h[5]]),
            fragment_offset: u24(&h[6..9]),
            fragment_length: u24(&h[9..12]),
        })
    }
}

/// One message being reassembled.
#[derive(Debug)]
struct Pending {
    msg_type: u8,
    seq: u16,
    length: usize,
    /// Bytes received so far, grown to the furthest fragment end.
    buf: Vec<u8>,
    /// Disjoint, sorted `[start, end)` ranges of `buf` received.
    have: Vec<(usize, usize)>,
}

impl Pending {
    /// Copies the parts of `[off, off + data.len())` not yet received;
    /// `false` when the message is in too many pieces and must be given up.
    fn add(&mut self, off: usize, data: &[u8]) -> bool {
        let end = off + data.len();
        if self.buf.len() < end {
            self.buf.resize(end, 0);
        }
        // fill the gaps between the ranges already received
        let mut at = off;
        for &(s, e) in &self.have {
            if e < off || s > end {
                continue;
            }
            if s > at {
                self.buf[at..s].copy_from_slice(&data[at - off..s - off]);
            }
            at = at.max(e);
        }
        if at < end {
            self.buf[at..end].copy_from_slice(&data[at - off..]);
        }
        self.have.push((off, end));
        self.have.sort_unstable();
        let mut merged: Vec<(usize, usize)> = Vec::with_capacity(self.have.len());
        for &(s, e) in &self.have {
            match merged.last_mut() {
                Some(last) if s <= last.1 => last.1 = last.1.max(e),
                _ => merged.push((s, e)),
            }
        }
        self.have = merged;
        self.have.len() <= MAX_FRAGMENTS
    }

    fn complete(&self) -> bool {
        self.have.first() == Some(&(0, self.length))
    }
}

/// A complete hello message of one direction.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Message {
    msg_type: u8,
    seq: u16,
    body: Vec<u8>,
}

/// One direction of a DTLS connection.
#[derive(Debug, Default)]
struct Direction {
    pending: Vec<Pending>,
    /// ClientHellos and ServerHellos in the order they became complete.
    hellos: Vec<Message>,
    /// message_seq of the HelloVerifyRequests seen.
    verify_requests: Vec<u16>,
}

impl Direction {
    fn fragment(&mut self, h: &HandshakeHeader, data: &[u8]) {
        if h.msg_type == HELLO_VERIFY_REQUEST {
            if !self.verify_requests.contains(&h.message_seq)
                && self.verify_requests.len() < MAX_VERIFY_REQUESTS
            {
                self.verify_requests.push(h.message_seq);
            }
            return;
        }
        if (h.msg_type != CLIENT_HELLO && h.msg_type != SERVER_HELLO)
            || h.length == 0
            || h.length > MAX_MESSAGE
            || data.is_empty()
            || h.fragment_offset + data.len() > h.length
            || self.hellos.len() >= MAX_HELLOS
        {
            return;
        }
        let found = self
            .pending
            .iter()
            .position(|p| p.msg_type == h.msg_type && p.seq == h.message_seq);
        if let Some(i) = found
            && self.pending[i].length != h.length
        {
            // the length changed: another message, start again
            self.pending.remove(i);
        }
        let idx = match self
            .pending
            .iter()
            .position(|p| p.msg_type == h.msg_type && p.seq == h.message_seq)
        {
            Some(i) => i,
            None => {
                if self.pending.len() >= MAX_PENDING {
                    self.pending.remove(0);
                }
                self.pending.push(Pending {
                    msg_type: h.msg_type,
                    seq: h.message_seq,
                    length: h.length,
                    buf: Vec::new(),
                    have: Vec::new(),
                });
                self.pending.len() - 1
            }
        };
        let p = &mut self.pending[idx];
        if !p.add(h.fragment_offset, data) {
            self.pending.remove(idx);
            return;
        }
        if p.complete() {
            let p = self.pending.remove(idx);
            let m = Message {
                msg_type: p.msg_type,
                seq: p.seq,
                body: p.buf,
            };
            // a retransmission of a message already read adds nothing
            if !self.hellos.contains(&m) {
                self.hellos.push(m);
            }
        }
    }
}

struct Connection {
    /// The endpoint that sent the first DTLS handshake record seen.
    first: Endpoint,
    second: Endpoint,
    dirs: [Direction; 2],
}

/// Collects the DTLS handshakes of a capture.
pub struct DtlsCollector {
    conns: Flows<Connection>,
}

impl Default for DtlsCollector {
    fn default() -> DtlsCollector {
        DtlsCollector {
            conns: Flows::new(MAX_CONNECTIONS),
        }
    }
}

/// The bodies of the epoch-0 handshake records of a datagram that starts
/// with a DTLS record.
fn handshake_records(payload: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let mut pos = 0usize;
    for _ in 0..MAX_RECORDS {
        let Some(h) = RecordHeader::read(payload, pos).filter(RecordHeader::is_dtls) else {
            break;
        };
        let start = pos + RECORD_HEADER_LEN;
        // a record cut by the snap length still gives its whole fragments
        let body = payload
            .get(start..start + h.len)
            .unwrap_or(&payload[start..]);
        if h.content_type == 22 && h.epoch == 0 {
            out.push(body);
        }
        pos = start + h.len;
    }
    out
}

impl DtlsCollector {
    /// Offers one UDP datagram.
    pub fn datagram(&mut self, src: Endpoint, dst: Endpoint, payload: &[u8]) {
        let records = handshake_records(payload);
        if records.is_empty() {
            return;
        }
        let Some(conn) = self.conns.entry(src, dst, || Connection {
            first: src,
            second: dst,
            dirs: Default::default(),
        }) else {
            return;
        };
        let dir = &mut conn.dirs[usize::from(src != conn.first)];
        for body in records {
            let mut pos = 0usize;
            while let Some(h) = HandshakeHeader::read(body, pos) {
                let start = pos + HANDSHAKE_HEADER_LEN;
                let Some(data) = body.get(start..start + h.fragment_length) else {
                    break; // a fragment cut short is not used
                };
                dir.fragment(&h, data);
                pos = start + h.fragment_length;
            }
        }
    }

    /// The DTLS connections with ClientHellos, numbered in order of first
    /// appearance among the DTLS connections.
    pub fn finish(self, budget: &mut u32, capped: &mut bool) -> Vec<TlsStream> {
        let mut out = Vec::new();
        for (i, c) in self.conns.iter().enumerate() {
            let has_ch = |d: usize| c.dirs[d].hellos.iter().any(|m| m.msg_type == CLIENT_HELLO);
            let client = if has_ch(0) {
                0
            } else if has_ch(1) {
                1
            } else {
                continue;
            };
            let (src, dst) = if client == 0 {
                (c.first, c.second)
            } else {
                (c.second, c.first)
            };
            let mut s = stream_report(i as u64, "dtls", src, dst);
            for m in c.dirs[client]
                .hellos
                .iter()
                .filter(|m| m.msg_type == CLIENT_HELLO)
            {
                if *budget == 0 {
                    *capped = true;
                    break;
                }
                if let Some(ch) = parse_dtls_client_hello(&m.body) {
                    *budget -= 1;
                    s.client_hellos.push(hello_report(&ch, Ja4Transport::Dtls));
                }
            }
            let server = &c.dirs[1 - client];
            for m in server.hellos.iter().filter(|m| m.msg_type == SERVER_HELLO) {
                if let Some(sh) = parse_server_hello(&m.body) {
                    s.server_hellos.push(server_hello_report(&sh));
                }
            }
            s.hello_verify_requests = server.verify_requests.len() as u64;
            if !s.client_hellos.is_empty() {
                out.push(s);
            }
        }
        *capped |= self.conns.capped();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::IpAddr;

    fn pending(length: usize) -> Pending {
        Pending {
            msg_type: CLIENT_HELLO,
            seq: 0,
            length,
            buf: Vec::new(),
            have: Vec::new(),
        }
    }

    #[test]
    fn fragments_out_of_order_overlapping_first_copy_wins() {
        let mut p = pending(10);
        assert!(p.add(6, b"ghij"));
        assert!(!p.complete());
        assert!(p.add(0, b"abc"));
        assert!(p.add(2, b"XDEF")); // byte 2 already there: 'c' stays
        assert_eq!(p.have, vec![(0, 10)]);
        assert!(p.complete());
        assert_eq!(p.buf, b"abcDEFghij");
    }

    #[test]
    fn too_many_pieces_are_given_up() {
        let mut p = pending(1000);
        let mut ok = true;
        for i in 0..=MAX_FRAGMENTS {
            ok = p.add(i * 3, b"x");
        }
        assert!(!ok);
    }

    fn dtls_fragment(seq: u16, length: usize, off: usize, data: &[u8]) -> Vec<u8> {
        let mut hs = vec![CLIENT_HELLO];
        hs.extend(&(length as u32).to_be_bytes()[1..]);
        hs.extend(seq.to_be_bytes());
        hs.extend(&(off as u32).to_be_bytes()[1..]);
        hs.extend(&(data.len() as u32).to_be_bytes()[1..]);
        hs.extend(data);
        let mut rec = vec![22, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0];
        rec.extend((hs.len() as u16).to_be_bytes());
        rec.extend(hs);
        rec
    }

    fn endpoints() -> (Endpoint, Endpoint) {
        (
            (IpAddr::from([10, 0, 0, 1]), 5000),
            (IpAddr::from([10, 0, 0, 2]), 4433),
        )
    }

    #[test]
    fn a_retransmitted_message_counts_once_a_new_seq_twice() {
        let (a, b) = endpoints();
        let mut c = DtlsCollector::default();
        let body = b"0123456789";
        c.datagram(a, b, &dtls_fragment(0, 10, 5, &body[5..]));
        c.datagram(a, b, &dtls_fragment(0, 10, 0, &body[..5]));
        c.datagram(a, b, &dtls_fragment(0, 10, 0, body)); // retransmission
        c.datagram(a, b, &dtls_fragment(1, 10, 0, body)); // next message_seq
        let d = &c.conns.iter().next().unwrap().dirs[0];
        assert_eq!(d.hellos.len(), 2);
        assert_eq!(d.hellos[0].body, body);
        assert_eq!((d.hellos[0].seq, d.hellos[1].seq), (0, 1));
        // a TLS record in a datagram is not DTLS
        c.datagram(b, a, b"\x16\x03\x01\x00\x00");
        assert!(c.conns.iter().next().unwrap().dirs[1].hellos.is_empty());
    }

    #[test]
    fn cut_and_lying_headers_do_not_panic() {
        let (a, b) = endpoints();
        let rec = dtls_fragment(0, 10, 0, b"0123456789");
        let mut c = DtlsCollector::default();
        for cut in 0..rec.len() {
            c.datagram(a, b, &rec[..cut]);
        }
        let mut lie = dtls_fragment(0, 10, 0, b"0123456789");
        lie[RECORD_HEADER_LEN + 6..RECORD_HEADER_LEN + 9].copy_from_slice(&[0xff, 0xff, 0xff]);
        c.datagram(a, b, &lie); // offset past the length
        let mut huge = dtls_fragment(1, 10, 0, b"0123456789");
        huge[RECORD_HEADER_LEN + 1..RECORD_HEADER_LEN + 4].copy_from_slice(&[0xff, 0xff, 0xff]);
        c.datagram(a, b, &huge); // declared 16 MB: refused, nothing allocated
        assert!(c.conns.iter().next().unwrap().dirs[0].hellos.is_empty());
        assert!(
            c.conns.iter().next().unwrap().dirs[0]
                .pending
                .iter()
                .all(|p| p.buf.len() <= 10)
        );
    }

    #[test]
    fn mutated_datagrams_stay_within_bounds() {
        let (a, b) = endpoints();
        let body: Vec<u8> = (0..200u8).collect();
        let mut base = dtls_fragment(0, 200, 0, &body[..120]);
        base.extend(dtls_fragment(0, 200, 120, &body[120..]));
        let mut c = DtlsCollector::default();
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..5000 {
            let mut m = base.clone();
            for _ in 0..3 {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                let at = (x % m.len() as u64) as usize;
                m[at] = (x >> 32) as u8;
            }
            c.datagram(a, b, &m);
        }
        assert!(c.conns.iter().next().is_some());
        for conn in c.conns.iter() {
            for d in &conn.dirs {
                assert!(d.pending.len() <= MAX_PENDING);
                assert!(d.hellos.len() <= MAX_HELLOS);
                for p in &d.pending {
                    assert!(p.buf.len() <= p.length && p.length <= MAX_MESSAGE);
                    assert!(p.have.len() <= MAX_FRAGMENTS);
                }
            }
        }
    }
}
