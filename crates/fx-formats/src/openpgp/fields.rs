//! The fields fx reads from packet bodies: public and secret keys (only
//! their public part and how the secret part is protected — secret key
//! material is never read into a value), signatures, session-key packets,
//! encrypted and compressed data, one-pass signatures.
//!
//! Offsets in [`Defect`] are relative to the body given.

use fx_core::vocab::FailureKind;
use serde::Serialize;

use super::tables;

/// A field that could not be read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Defect {
    /// The failure shape.
    pub kind: FailureKind,
    /// Offset in the body.
    pub offset: usize,
    /// What exactly was wrong.
    pub detail: String,
}

fn defect(kind: FailureKind, offset: usize, detail: impl Into<String>) -> Defect {
    Defect {
        kind,
        offset,
        detail: detail.into(),
    }
}

/// A bounded cursor over a body.
struct Cur<'a> {
    b: &'a [u8],
    pos: usize,
}

impl<'a> Cur<'a> {
    fn new(b: &'a [u8]) -> Cur<'a> {
        Cur { b, pos: 0 }
    }

    fn take(&mut self, n: usize, what: &str) -> Result<&'a [u8], Defect> {
        let s = self
            .pos
            .checked_add(n)
            .and_then(|e| self.b.get(self.pos..e))
            .ok_or_else(|| {
                defect(
                    FailureKind::Truncated,
                    self.pos,
                    format!("{what}: {n} bytes past the end of the packet"),
                )
            })?;
        self.pos += n;
        Ok(s)
    }

    fn u8(&mut self, what: &str) -> Result<u8, Defect> {
        Ok(self.take(1, what)?[0])
    }

    fn u16(&mut self, what: &str) -> Result<usize, Defect> {
        let b = self.take(2, what)?;
        Ok(usize::from(b[0]) << 8 | usize::from(b[1]))
    }

    fn u32(&mut self, what: &str) -> Result<usize, Defect> {
        let b = self.take(4, what)?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize)
    }

    /// A multiprecision integer (RFC 9580 §3.2): its bit count.
    fn mpi(&mut self, what: &str) -> Result<u32, Defect> {
        let at = self.pos;
        let bits = self.u16(what)?;
        let bytes = self.take(bits.div_ceil(8), what)?;
        // The bit count is the exact length of the number (§3.2).
        let actual = bytes.iter().position(|&b| b != 0).map_or(0, |i| {
            (bytes.len() - i) * 8 - bytes[i].leading_zeros() as usize
        });
        if actual != bits {
            return Err(defect(
                FailureKind::InvalidValue,
                at,
                format!("{what}: MPI says {bits} bits, holds a {actual}-bit number"),
            ));
        }
        Ok(bits as u32)
    }

    /// A curve OID with its one-octet length (RFC 9580 §9.2).
    fn oid(&mut self) -> Result<Curve, Defect> {
        let at = self.pos;
        let n = self.u8("curve OID length")?;
        if n == 0 || n == 0xFF {
            return Err(defect(
                FailureKind::InvalidValue,
                at,
                format!("curve OID length {n} is reserved"),
            ));
        }
        let b = self.take(usize::from(n), "curve OID")?;
        Ok(match tables::curve(b) {
            Some((dotted, name)) => Curve {
                oid: dotted.to_owned(),
                name: Some(name),
            },
            None => Curve {
                oid: const_oid::ObjectIdentifier::from_bytes(b)
                    .map(|o| o.to_string())
                    .unwrap_or_else(|_| format!("0x{}", hex(b))),
                name: None,
            },
        })
    }
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// An ECC curve named by OID.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Curve {
    /// Dotted OID (or `0x…` when the bytes are no OID).
    pub oid: String,
    /// Name from the curve table; absent when the OID is not in it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<&'static str>,
}

/// The public part of a key packet (tags 5, 6, 7, 14).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PublicKey {
    /// Key packet version (3, 4, 5 or 6).
    pub version: u8,
    /// Public-key algorithm id.
    pub algorithm: u8,
    /// Size of the RSA modulus, DSA or ElGamal prime.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bits: Option<u32>,
    /// Curve of an ECDH, ECDSA or EdDSALegacy key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub curve: Option<Curve>,
    /// Where the public part ends in the body; absent for an algorithm
    /// whose fields are unknown in a version-3/4 packet (no length given).
    #[serde(skip)]
    pub end: Option<usize>,
}

/// Reads the algorithm-specific public fields of `alg`; `Ok(false)` when
/// the algorithm is unknown (nothing read).
fn key_material(c: &mut Cur<'_>, alg: u8, key: &mut PublicKey) -> Result<bool, Defect> {
    match alg {
        1..=3 => {
            key.bits = Some(c.mpi("RSA n")?);
            c.mpi("RSA e")?;
        }
        16 => {
            key.bits = Some(c.mpi("ElGamal p")?);
            c.mpi("ElGamal g")?;
            c.mpi("ElGamal y")?;
        }
        17 => {
            key.bits = Some(c.mpi("DSA p")?);
            for f in ["DSA q", "DSA g", "DSA y"] {
                c.mpi(f)?;
            }
        }
        18 => {
            key.curve = Some(c.oid()?);
            // The point is an MPI with a prefix octet: its bit count is
            // not that of a number, so it is only framed here.
            let n = c.u16("ECDH point")?;
            c.take(n.div_ceil(8), "ECDH point")?;
            let at = c.pos;
            let kdf = c.u8("ECDH KDF parameters length")?;
            if kdf < 3 {
                return Err(defect(
                    FailureKind::InvalidValue,
                    at,
                    "ECDH KDF parameters shorter than 3 octets",
                ));
            }
            c.take(usize::from(kdf), "ECDH KDF parameters")?;
        }
        19 | 22 => {
            key.curve = Some(c.oid()?);
            let n = c.u16("EC point")?;
            c.take(n.div_ceil(8), "EC point")?;
        }
        25 => drop(c.take(32, "X25519 key")?),
        26 => drop(c.take(56, "X448 key")?),
        27 => drop(c.take(32, "Ed25519 key")?),
        28 => drop(c.take(57, "Ed448 key")?),
        _ => return Ok(false),
    }
    Ok(true)
}

/// Reads the public part of a key packet body.
pub fn public_key(body: &[u8]) -> Result<PublicKey, Defect> {
    let mut c = Cur::new(body);
    let version = c.u8("key version")?;
    let mut key = PublicKey {
        version,
        algorithm: 0,
        bits: None,
        curve: None,
        end: None,
    };
    match version {
        2 | 3 => {
            c.take(6, "creation time and validity")?;
            key.algorithm = c.u8("public-key algorithm")?;
            if key_material(&mut c, key.algorithm, &mut key)? {
                key.end = Some(c.pos);
            }
        }
        4 => {
            c.take(4, "creation time")?;
            key.algorithm = c.u8("public-key algorithm")?;
            if key_material(&mut c, key.algorithm, &mut key)? {
                key.end = Some(c.pos);
            }
        }
        5 | 6 => {
            c.take(4, "creation time")?;
            key.algorithm = c.u8("public-key algorithm")?;
            let at = c.pos;
            let n = c.u32("key material length")?;
            let start = c.pos;
            let end = start
                .checked_add(n)
                .filter(|&e| e <= body.len())
                .ok_or_else(|| {
                    defect(
                        FailureKind::Truncated,
                        at,
                        format!("key material of {n} bytes past the end of the packet"),
                    )
                })?;
            let mut m = Cur::new(&body[..end]);
            m.pos = start;
            let read = key_material(&mut m, key.algorithm, &mut key).map_err(|d| {
                if d.kind == FailureKind::Truncated {
                    defect(
                        FailureKind::BadLength,
                        at,
                        format!("key material length {n} is shorter than its fields"),
                    )
                } else {
                    d
                }
            })?;
            if read && m.pos != end {
                return Err(defect(
                    FailureKind::BadLength,
                    at,
                    format!("key material length {n}, fields take {}", m.pos - start),
                ));
            }
            key.end = Some(end);
        }
        v => {
            return Err(defect(
                FailureKind::BadVersion,
                0,
                format!("key packet version {v}"),
            ));
        }
    }
    Ok(key)
}

/// A string-to-key specifier (RFC 9580 §3.7), as far as fx reads it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct S2k {
    /// Specifier type id.
    pub kind: u8,
    /// Hash algorithm id (simple, salted and iterated types).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hash: Option<u8>,
    /// GnuPG extension mode (1: no secret key, 2: on a smartcard).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gnu_mode: Option<u8>,
}

fn s2k(c: &mut Cur<'_>) -> Result<S2k, Defect> {
    let kind = c.u8("S2K type")?;
    let mut s = S2k {
        kind,
        hash: None,
        gnu_mode: None,
    };
    match kind {
        0 | 1 | 3 => s.hash = Some(c.u8("S2K hash")?),
        101 => {
            s.hash = Some(c.u8("S2K hash")?);
            if c.take(3, "GnuPG S2K extension")? == b"GNU" {
                s.gnu_mode = Some(c.u8("GnuPG S2K mode")?);
            }
        }
        _ => {}
    }
    Ok(s)
}

/// A secret-key packet (tags 5 and 7): its public part and how the secret
/// part is protected. The secret part itself is never read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SecretKey {
    /// The public part.
    pub public: PublicKey,
    /// The S2K usage octet (0: not encrypted); absent when the public part
    /// of an unknown algorithm could not be delimited.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub s2k_usage: Option<u8>,
    /// Symmetric algorithm id protecting the secret part.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cipher: Option<u8>,
    /// AEAD algorithm id (usage 253).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub aead: Option<u8>,
    /// The S2K specifier (usage 253, 254, 255).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub s2k: Option<S2k>,
}

impl SecretKey {
    /// True when the secret part is present and encrypted (a GnuPG stub,
    /// whose secret part is absent or on a card, is not).
    pub fn encrypted(&self) -> bool {
        self.s2k_usage.is_some_and(|u| u != 0) && !self.secret_absent()
    }

    /// True for a GnuPG stub: the secret part is not in the packet.
    pub fn secret_absent(&self) -> bool {
        self.s2k
            .as_ref()
            .is_some_and(|s| s.kind == 101 && s.gnu_mode.is_some())
    }
}

/// Reads a secret-key packet body (public part, then the S2K usage
/// octet and the protection parameters).
pub fn secret_key(body: &[u8]) -> Result<SecretKey, Defect> {
    let public = public_key(body)?;
    let mut k = SecretKey {
        s2k_usage: None,
        cipher: None,
        aead: None,
        s2k: None,
        public,
    };
    let Some(end) = k.public.end else {
        return Ok(k);
    };
    let mut c = Cur::new(body);
    c.pos = end;
    let usage = c.u8("S2K usage")?;
    k.s2k_usage = Some(usage);
    let v6 = k.public.version == 6;
    match usage {
        0 => {}
        253..=255 => {
            if v6 {
                c.u8("protection parameters length")?;
            }
            k.cipher = Some(c.u8("secret key cipher")?);
            if usage == 253 {
                k.aead = Some(c.u8("secret key AEAD")?);
            }
            if v6 {
                c.u8("S2K length")?;
            }
            k.s2k = Some(s2k(&mut c)?);
        }
        cipher => k.cipher = Some(cipher),
    }
    Ok(k)
}

/// A signature packet (tag 2): who signed with what.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Signature {
    /// Signature packet version (3, 4, 5 or 6).
    pub version: u8,
    /// Signature type.
    pub sig_type: u8,
    /// Public-key algorithm id.
    pub algorithm: u8,
    /// Hash algorithm id.
    pub hash: u8,
}

/// Reads a signature packet body.
pub fn signature(body: &[u8]) -> Result<Signature, Defect> {
    let mut c = Cur::new(body);
    let version = c.u8("signature version")?;
    match version {
        2 | 3 => {
            let at = c.pos;
            let n = c.u8("hashed material length")?;
            if n != 5 {
                return Err(defect(
                    FailureKind::BadLength,
                    at,
                    format!("version-3 hashed material length {n}, not 5"),
                ));
            }
            let sig_type = c.u8("signature type")?;
            c.take(12, "creation time and key ID")?;
            let algorithm = c.u8("public-key algorithm")?;
            let hash = c.u8("hash algorithm")?;
            c.take(2, "hash prefix")?;
            Ok(Signature {
                version,
                sig_type,
                algorithm,
                hash,
            })
        }
        4..=6 => {
            let sig_type = c.u8("signature type")?;
            let algorithm = c.u8("public-key algorithm")?;
            let hash = c.u8("hash algorithm")?;
            if version != 5 {
                // v4: two-octet subpacket area lengths; v6: four-octet.
                for what in ["hashed subpackets", "unhashed subpackets"] {
                    let n = if version == 6 {
                        c.u32(what)?
                    } else {
                        c.u16(what)?
                    };
                    c.take(n, what)?;
                }
                c.take(2, "hash prefix")?;
                if version == 6 {
                    let n = c.u8("salt length")?;
                    c.take(usize::from(n), "salt")?;
                }
            }
            Ok(Signature {
                version,
                sig_type,
                algorithm,
                hash,
            })
        }
        v => Err(defect(
            FailureKind::BadVersion,
            0,
            format!("signature version {v}"),
        )),
    }
}

/// A one-pass signature packet (tag 4).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OnePass {
    /// Packet version (3 or 6).
    pub version: u8,
    /// Signature type.
    pub sig_type: u8,
    /// Hash algorithm id.
    pub hash: u8,
    /// Public-key algorithm id.
    pub algorithm: u8,
}

/// Reads a one-pass signature packet body.
pub fn one_pass(body: &[u8]) -> Result<OnePass, Defect> {
    let mut c = Cur::new(body);
    let version = c.u8("one-pass version")?;
    if !matches!(version, 3 | 6) {
        return Err(defect(
            FailureKind::BadVersion,
            0,
            format!("one-pass signature version {version}"),
        ));
    }
    Ok(OnePass {
        version,
        sig_type: c.u8("signature type")?,
        hash: c.u8("hash algorithm")?,
        algorithm: c.u8("public-key algorithm")?,
    })
}

/// A public-key encrypted session key packet (tag 1).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Pkesk {
    /// Packet version (3 or 6).
    pub version: u8,
    /// Public-key algorithm id of the recipient's key.
    pub algorithm: u8,
}

/// Reads a PKESK body.
pub fn pkesk(body: &[u8]) -> Result<Pkesk, Defect> {
    let mut c = Cur::new(body);
    let version = c.u8("PKESK version")?;
    match version {
        3 => {
            c.take(8, "key ID")?;
        }
        6 => {
            let n = c.u8("recipient length")?;
            c.take(usize::from(n), "recipient")?;
        }
        v => {
            return Err(defect(
                FailureKind::BadVersion,
                0,
                format!("PKESK version {v}"),
            ));
        }
    }
    Ok(Pkesk {
        version,
        algorithm: c.u8("public-key algorithm")?,
    })
}

/// A symmetric-key encrypted session key packet (tag 3).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Skesk {
    /// Packet version (4, 5 or 6).
    pub version: u8,
    /// Symmetric algorithm id.
    pub cipher: u8,
    /// AEAD algorithm id (versions 5 and 6).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub aead: Option<u8>,
    /// The S2K specifier the passphrase goes through.
    pub s2k: S2k,
}

/// Reads an SKESK body.
pub fn skesk(body: &[u8]) -> Result<Skesk, Defect> {
    let mut c = Cur::new(body);
    let version = c.u8("SKESK version")?;
    match version {
        4 => Ok(Skesk {
            version,
            cipher: c.u8("cipher")?,
            aead: None,
            s2k: s2k(&mut c)?,
        }),
        5 | 6 => {
            if version == 6 {
                c.u8("parameters length")?;
            }
            let cipher = c.u8("cipher")?;
            let aead = Some(c.u8("AEAD algorithm")?);
            if version == 6 {
                c.u8("S2K length")?;
            }
            Ok(Skesk {
                version,
                cipher,
                aead,
                s2k: s2k(&mut c)?,
            })
        }
        v => Err(defect(
            FailureKind::BadVersion,
            0,
            format!("SKESK version {v}"),
        )),
    }
}

/// A symmetrically encrypted and integrity protected data packet (tag 18).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Seipd {
    /// Packet version (1 or 2).
    pub version: u8,
    /// Symmetric algorithm id (version 2; version 1 keeps it in the
    /// session key).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cipher: Option<u8>,
    /// AEAD algorithm id (version 2).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub aead: Option<u8>,
}

/// Reads the start of an SEIPD body.
pub fn seipd(body: &[u8]) -> Result<Seipd, Defect> {
    let mut c = Cur::new(body);
    match c.u8("SEIPD version")? {
        1 => Ok(Seipd {
            version: 1,
            cipher: None,
            aead: None,
        }),
        2 => {
            let cipher = Some(c.u8("cipher")?);
            let aead = Some(c.u8("AEAD algorithm")?);
            c.take(33, "chunk size and salt")?;
            Ok(Seipd {
                version: 2,
                cipher,
                aead,
            })
        }
        v => Err(defect(
            FailureKind::BadVersion,
            0,
            format!("SEIPD version {v}"),
        )),
    }
}

/// The compression algorithm id of a compressed data packet (tag 8).
pub fn compression(body: &[u8]) -> Result<u8, Defect> {
    Cur::new(body).u8("compression algorithm")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn mpi(bits: u16, fill: u8) -> Vec<u8> {
        let n = usize::from(bits).div_ceil(8);
        let mut v = bits.to_be_bytes().to_vec();
        let mut num = vec![fill; n];
        // Top byte holding exactly the bits above the last whole byte.
        let top = bits % 8;
        num[0] = if top == 0 { 0x80 } else { 1 << (top - 1) };
        v.extend(num);
        v
    }

    fn v4_rsa(bits: u16) -> Vec<u8> {
        let mut b = vec![4, 0, 0, 0, 1, 1];
        b.extend(mpi(bits, 0xAB));
        b.extend(mpi(17, 0x01));
        b
    }

    #[test]
    fn rsa_bits_from_the_modulus() {
        let k = public_key(&v4_rsa(3072)).unwrap();
        assert_eq!((k.version, k.algorithm, k.bits), (4, 1, Some(3072)));
        assert_eq!(k.end, Some(v4_rsa(3072).len()));
    }

    #[test]
    fn curves_by_oid() {
        let mut b = vec![4, 0, 0, 0, 1, 19, 8];
        b.extend([0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07]);
        b.extend([0x02, 0x03]);
        b.extend([4u8; 65]);
        let k = public_key(&b).unwrap();
        assert_eq!(k.curve.unwrap().name, Some("P-256"));
        // An OID outside the table is reported as its dotted form.
        let mut b = vec![4, 0, 0, 0, 1, 19, 3, 0x2B, 0x65, 0x70, 0, 8, 1];
        let k = public_key(&b).unwrap();
        assert_eq!(
            k.curve.unwrap(),
            Curve {
                oid: "1.3.101.112".into(),
                name: None
            }
        );
        // Reserved OID length.
        b[6] = 0xFF;
        assert_eq!(public_key(&b).unwrap_err().kind, FailureKind::InvalidValue);
    }

    #[test]
    fn v6_native_keys_and_their_length() {
        let mut b = vec![6, 0, 0, 0, 1, 27, 0, 0, 0, 32];
        b.extend([7u8; 32]);
        let k = public_key(&b).unwrap();
        assert_eq!((k.algorithm, k.end), (27, Some(42)));
        b[9] = 31;
        assert_eq!(public_key(&b).unwrap_err().kind, FailureKind::BadLength);
        b[9] = 200;
        assert_eq!(public_key(&b).unwrap_err().kind, FailureKind::Truncated);
        // Unknown algorithms are delimited by the v6 length, not read.
        let mut b = vec![6, 0, 0, 0, 1, 99, 0, 0, 0, 2, 1, 2];
        let k = public_key(&b).unwrap();
        assert_eq!((k.algorithm, k.end, k.bits), (99, Some(12), None));
        b[0] = 9;
        assert_eq!(public_key(&b).unwrap_err().kind, FailureKind::BadVersion);
    }

    #[test]
    fn mpi_bit_counts_must_be_exact() {
        let mut b = v4_rsa(2048);
        b[7] = 0x01; // 2048 bits claimed, the top byte now holds 1 bit
        assert_eq!(public_key(&b).unwrap_err().kind, FailureKind::InvalidValue);
        let b = v4_rsa(2048);
        assert_eq!(
            public_key(&b[..100]).unwrap_err().kind,
            FailureKind::Truncated
        );
    }

    #[test]
    fn secret_keys_say_how_they_are_protected() {
        let mut clear = v4_rsa(1024);
        clear.push(0);
        clear.extend([0x55; 40]);
        let k = secret_key(&clear).unwrap();
        assert!(!k.encrypted());
        assert_eq!(k.s2k_usage, Some(0));
        let mut enc = v4_rsa(1024);
        enc.extend([254, 9, 3, 8]);
        enc.extend([0x11; 8 + 1 + 16 + 40]);
        let k = secret_key(&enc).unwrap();
        assert!(k.encrypted());
        assert_eq!(k.cipher, Some(9));
        assert_eq!(
            k.s2k,
            Some(S2k {
                kind: 3,
                hash: Some(8),
                gnu_mode: None
            })
        );
        // A GnuPG stub (`gnu-dummy`): no secret part.
        let mut stub = v4_rsa(1024);
        stub.extend([255, 0, 101, 0, b'G', b'N', b'U', 1]);
        let k = secret_key(&stub).unwrap();
        assert!(k.secret_absent());
        assert!(!k.encrypted());
    }

    #[test]
    fn signatures_v3_v4_v6() {
        let v4 = [4, 0x00, 1, 8, 0, 2, 9, 9, 0, 0, 0xAB, 0xCD, 0, 1, 1];
        assert_eq!(
            signature(&v4).unwrap(),
            Signature {
                version: 4,
                sig_type: 0,
                algorithm: 1,
                hash: 8
            }
        );
        assert_eq!(
            signature(&v4[..7]).unwrap_err().kind,
            FailureKind::Truncated
        );
        let mut v3 = vec![3, 5, 0x01];
        v3.extend([0; 12]);
        v3.extend([17, 2, 0, 0]);
        assert_eq!(signature(&v3).unwrap().algorithm, 17);
        v3[1] = 6;
        assert_eq!(signature(&v3).unwrap_err().kind, FailureKind::BadLength);
        let mut v6 = vec![6, 0x00, 27, 10, 0, 0, 0, 0, 0, 0, 0, 0, 0xAB, 0xCD, 16];
        v6.extend([0; 16]);
        assert_eq!(signature(&v6).unwrap().hash, 10);
        assert_eq!(signature(&[7]).unwrap_err().kind, FailureKind::BadVersion);
    }

    #[test]
    fn session_key_packets() {
        let p = pkesk(&[3, 1, 2, 3, 4, 5, 6, 7, 8, 18, 0]).unwrap();
        assert_eq!((p.version, p.algorithm), (3, 18));
        assert_eq!(pkesk(&[6, 0, 25]).unwrap().algorithm, 25);
        assert_eq!(pkesk(&[3, 1]).unwrap_err().kind, FailureKind::Truncated);
        let s = skesk(&[4, 9, 3, 10, 1, 2, 3, 4, 5, 6, 7, 8, 0xFF]).unwrap();
        assert_eq!((s.cipher, s.s2k.kind, s.s2k.hash), (9, 3, Some(10)));
        let s = skesk(&[6, 30, 9, 2, 20, 4]).unwrap();
        assert_eq!((s.cipher, s.aead, s.s2k.kind), (9, Some(2), 4));
        assert_eq!(seipd(&[1, 0]).unwrap().version, 1);
        let mut v2 = vec![2, 9, 2, 6];
        v2.extend([0; 32]);
        assert_eq!(seipd(&v2).unwrap().aead, Some(2));
        assert_eq!(seipd(&[3]).unwrap_err().kind, FailureKind::BadVersion);
    }

    #[test]
    fn hostile_bodies_never_panic() {
        let seeds = [v4_rsa(2048), vec![6, 0, 0, 0, 1, 27, 255, 255, 255, 255]];
        for s in &seeds {
            for cut in 0..s.len() {
                let b = &s[..cut];
                let _ = (public_key(b), secret_key(b), signature(b), pkesk(b));
                let _ = (skesk(b), seipd(b), one_pass(b), compression(b));
            }
        }
    }
}
