//! Public keys out of an artifact's bytes: X.509 certificates, SPKI and
//! PKCS#1 public keys (PEM or DER, through the RustCrypto `x509-cert`,
//! `spki` and `pkcs1` crates) and OpenSSH public-key lines
//! (`ssh-rsa AAAA…`, `ecdsa-sha2-nistp256 AAAA…`, `ssh-ed25519` is skipped).
//!
//! Only public values are taken; a private-key file is not read here.

use base64::Engine as _;
use der::{Decode, Encode};
use sha2::{Digest, Sha256};
use spki::SubjectPublicKeyInfoRef;
use spki::der::asn1::ObjectIdentifier;

/// rsaEncryption (RFC 8017 A.1).
const RSA_ENCRYPTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
/// id-ecPublicKey (RFC 5480).
const EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
/// id-X25519 (RFC 8410).
const X25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.110");

/// A named curve the workbench checks points on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Curve {
    /// NIST P-256 (secp256r1, prime256v1).
    P256,
    /// NIST P-384 (secp384r1).
    P384,
    /// NIST P-521 (secp521r1).
    P521,
    /// secp256k1.
    Secp256k1,
    /// X25519 (RFC 7748), u-coordinate only.
    X25519,
}

impl Curve {
    /// The curve of a namedCurve OID.
    pub fn from_oid(oid: &ObjectIdentifier) -> Option<Curve> {
        match oid.to_string().as_str() {
            "1.2.840.10045.3.1.7" => Some(Curve::P256),
            "1.3.132.0.34" => Some(Curve::P384),
            "1.3.132.0.35" => Some(Curve::P521),
            "1.3.132.0.10" => Some(Curve::Secp256k1),
            _ => None,
        }
    }

    /// The curve's name in the records.
    pub fn name(self) -> &'static str {
        match self {
            Curve::P256 => "P-256",
            Curve::P384 => "P-384",
            Curve::P521 => "P-521",
            Curve::Secp256k1 => "secp256k1",
            Curve::X25519 => "X25519",
        }
    }
}

/// A public key found in an artifact.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PublicKey {
    /// RSA: modulus and public exponent, unsigned big-endian bytes.
    Rsa {
        /// The modulus.
        n: Vec<u8>,
        /// The public exponent.
        e: Vec<u8>,
    },
    /// An EC point on a named curve, as encoded in the key.
    Ec {
        /// The curve.
        curve: Curve,
        /// The encoded point (SEC 1 for the Weierstrass curves, 32 bytes for X25519).
        point: Vec<u8>,
    },
}

/// A key and the SHA-256 of the SPKI it came in, when it came in one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    /// The key.
    pub key: PublicKey,
    /// SHA-256 of the DER SubjectPublicKeyInfo (certificates and SPKI keys).
    pub spki_sha256: Option<[u8; 32]>,
}

/// Every public key in `bytes`, at most `max_keys`.
pub fn extract(bytes: &[u8], max_keys: usize) -> Vec<Found> {
    let mut out = Vec::new();
    if memchr_find(bytes, b"-----BEGIN ").is_some() {
        pem_blocks(bytes, max_keys, &mut out);
    } else {
        der_object(bytes, &mut out);
    }
    if out.len() < max_keys && memchr_find(bytes, b" AAAA").is_some() {
        openssh_lines(bytes, max_keys, &mut out);
    }
    out.truncate(max_keys);
    out
}

fn memchr_find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(hay, needle)
}

/// Each PEM block of the text, decoded by `pem-rfc7468`.
fn pem_blocks(bytes: &[u8], max_keys: usize, out: &mut Vec<Found>) {
    let mut rest = bytes;
    while out.len() < max_keys {
        let Some(start) = memchr_find(rest, b"-----BEGIN ") else {
            break;
        };
        let block = &rest[start..];
        // the end line: "-----END " … "-----" after the block's label
        let Some(end_at) = memchr_find(block, b"-----END ") else {
            break;
        };
        let tail = &block[end_at + 9..];
        let Some(close) = memchr_find(tail, b"-----") else {
            break;
        };
        let len = end_at + 9 + close + 5;
        let pem = &block[..len];
        rest = &block[len..];
        let Ok((label, der)) = pem_rfc7468::decode_vec(pem) else {
            continue;
        };
        match label {
            "CERTIFICATE" | "X509 CERTIFICATE" => certificate(&der, out),
            "PUBLIC KEY" => spki_der(&der, out),
            "RSA PUBLIC KEY" => pkcs1_der(&der, None, out),
            _ => {}
        }
    }
}

/// A DER object: a certificate, an SPKI or a PKCS#1 public key.
fn der_object(bytes: &[u8], out: &mut Vec<Found>) {
    if bytes.first() != Some(&0x30) {
        return;
    }
    let before = out.len();
    certificate(bytes, out);
    if out.len() == before {
        spki_der(bytes, out);
    }
    if out.len() == before {
        pkcs1_der(bytes, None, out);
    }
}

fn certificate(der: &[u8], out: &mut Vec<Found>) {
    let Ok(cert) = x509_cert::Certificate::from_der(der) else {
        return;
    };
    if let Ok(spki) = cert.tbs_certificate().subject_public_key_info().to_der() {
        spki_der(&spki, out);
    }
}

fn spki_der(der: &[u8], out: &mut Vec<Found>) {
    let Ok(spki) = SubjectPublicKeyInfoRef::from_der(der) else {
        return;
    };
    let digest: [u8; 32] = Sha256::digest(der).into();
    let key = spki.subject_public_key.raw_bytes();
    if spki.algorithm.oid == RSA_ENCRYPTION {
        pkcs1_der(key, Some(digest), out);
    } else if spki.algorithm.oid == EC_PUBLIC_KEY {
        if let Some(curve) = spki
            .algorithm
            .parameters_oid()
            .ok()
            .and_then(|oid| Curve::from_oid(&oid))
        {
            out.push(Found {
                key: PublicKey::Ec {
                    curve,
                    point: key.to_vec(),
                },
                spki_sha256: Some(digest),
            });
        }
    } else if spki.algorithm.oid == X25519 {
        out.push(Found {
            key: PublicKey::Ec {
                curve: Curve::X25519,
                point: key.to_vec(),
            },
            spki_sha256: Some(digest),
        });
    }
}

fn pkcs1_der(der: &[u8], spki_sha256: Option<[u8; 32]>, out: &mut Vec<Found>) {
    let Ok(k) = pkcs1::RsaPublicKey::<der::asn1::UintRef<'_>>::from_der(der) else {
        return;
    };
    out.push(Found {
        key: PublicKey::Rsa {
            n: strip(k.modulus.as_bytes()),
            e: strip(k.public_exponent.as_bytes()),
        },
        spki_sha256,
    });
}

fn strip(b: &[u8]) -> Vec<u8> {
    let first = b.iter().position(|&x| x != 0).unwrap_or(b.len());
    b[first..].to_vec()
}

/// OpenSSH public-key lines (`authorized_keys`, `*.pub`, `known_hosts`).
fn openssh_lines(bytes: &[u8], max_keys: usize, out: &mut Vec<Found>) {
    for line in bytes.split(|&b| b == b'\n') {
        if out.len() >= max_keys {
            break;
        }
        let Ok(text) = std::str::from_utf8(line) else {
            continue;
        };
        let mut words = text.split_ascii_whitespace();
        // known_hosts and authorized_keys may put host names or options first
        let Some(at) = words
            .clone()
            .position(|w| w == "ssh-rsa" || w.starts_with("ecdsa-sha2-nistp"))
        else {
            continue;
        };
        let Some(blob) = words.nth(at + 1) else {
            continue;
        };
        let Ok(wire) = base64::engine::general_purpose::STANDARD.decode(blob) else {
            continue;
        };
        if let Some(key) = ssh_wire_key(&wire) {
            out.push(Found {
                key,
                spki_sha256: None,
            });
        }
    }
}

/// The SSH wire form of a public key (RFC 4253 §6.6, RFC 5656 §3.1).
fn ssh_wire_key(wire: &[u8]) -> Option<PublicKey> {
    let mut r = SshReader(wire);
    let kind = r.string()?;
    match kind {
        b"ssh-rsa" => {
            let e = strip(r.string()?);
            let n = strip(r.string()?);
            Some(PublicKey::Rsa { n, e })
        }
        b"ecdsa-sha2-nistp256" | b"ecdsa-sha2-nistp384" | b"ecdsa-sha2-nistp521" => {
            let curve = match r.string()? {
                b"nistp256" => Curve::P256,
                b"nistp384" => Curve::P384,
                b"nistp521" => Curve::P521,
                _ => return None,
            };
            Some(PublicKey::Ec {
                curve,
                point: r.string()?.to_vec(),
            })
        }
        _ => None,
    }
}

/// Length-prefixed strings of the SSH wire format.
struct SshReader<'a>(&'a [u8]);

impl<'a> SshReader<'a> {
    fn string(&mut self) -> Option<&'a [u8]> {
        let len = self.0.get(..4)?;
        let len = u32::from_be_bytes([len[0], len[1], len[2], len[3]]) as usize;
        let s = self.0.get(4..4usize.checked_add(len)?)?;
        self.0 = &self.0[4 + len..];
        Some(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ssh_reader_refuses_a_length_past_the_end() {
        let wire = [0u8, 0, 0, 9, b's', b's', b'h'];
        assert!(ssh_wire_key(&wire).is_none());
        let mut good = Vec::new();
        for s in [&b"ssh-rsa"[..], &[1, 0, 1], &[0, 0xc5, 0x01]] {
            good.extend_from_slice(&(s.len() as u32).to_be_bytes());
            good.extend_from_slice(s);
        }
        assert_eq!(
            ssh_wire_key(&good),
            Some(PublicKey::Rsa {
                n: vec![0xc5, 0x01],
                e: vec![1, 0, 1]
            })
        );
    }
}
