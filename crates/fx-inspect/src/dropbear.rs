//! Dropbear host keys (`dropbearkey -t rsa|dss|ecdsa|ed25519`): a bare SSH
//! wire-format structure (RFC 4251 strings and mpints) with no magic, no
//! armor and no encryption — the key type string, the public fields, then
//! the private ones:
//!
//! | type | fields after the type string |
//! |---|---|
//! | `ssh-rsa` | e, n, d, p, q |
//! | `ssh-dss` | p, q, g, y, x |
//! | `ecdsa-sha2-nistp256/384/521` | curve name, point Q, private scalar |
//! | `ssh-ed25519` | one 64-byte string: private seed ‖ public key |
//!
//! With no magic to go by, the reading is strict so that other bytes are
//! never taken for a key: every length is bounded by its field and by the
//! input, every integer is a positive minimal mpint, EC points and Ed25519
//! keys have their curve's size, and the structure must end where the input
//! does (bytes after it are `trailing_data`).
//!
//! The bounded wire reader and the public-field rules are shared with
//! [`crate::putty`], whose public blob is the same wire format.

use fx_core::vocab::{Container, FailureKind};
use fx_facts::key::SshKeyFileData;

use crate::algorithm::{KeyAlg, bits_of};
use crate::report::{Finding, Region};
use crate::x509::Parsed;

/// Longest key type or curve name read.
pub(crate) const MAX_NAME: usize = 64;

/// Longest integer or key string read: a 32768-bit integer and its sign
/// byte, more than any implementation generates. A longer length field is
/// `length_overflow` however long the input is.
pub(crate) const MAX_FIELD: usize = 4097;

/// A bounded SSH wire reader: every read is checked against the input and
/// against the field's own bound before it happens; reads return slices of
/// the input, so no length field ever sizes an allocation.
pub(crate) struct Wire<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Wire<'a> {
    /// A reader at the start of `buf`.
    pub(crate) fn new(buf: &'a [u8]) -> Wire<'a> {
        Wire { buf, pos: 0 }
    }

    /// Offset of the next read.
    pub(crate) fn pos(&self) -> usize {
        self.pos
    }

    /// Bytes not read yet.
    pub(crate) fn rest(&self) -> usize {
        self.buf.len() - self.pos
    }

    /// A big-endian uint32.
    pub(crate) fn u32(&mut self, what: &str) -> Result<u32, Finding> {
        let Some(b) = self.buf.get(self.pos..).and_then(|r| r.get(..4)) else {
            return Err(Finding::at(
                FailureKind::Truncated,
                self.pos,
                format!("input ends inside the {what} length"),
            ));
        };
        self.pos += 4;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// `n` raw bytes (`n` already checked against its field's bound).
    pub(crate) fn take(&mut self, n: usize, at: usize, what: &str) -> Result<&'a [u8], Finding> {
        let rest = self.rest();
        if n > rest {
            return Err(Finding::at(
                FailureKind::Truncated,
                at,
                format!("{what} of {n} bytes, {rest} remain"),
            ));
        }
        let s = &self.buf[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }

    /// An SSH string of at most `max` bytes: longer is `length_overflow`,
    /// past the end of the input `truncated`.
    pub(crate) fn string(&mut self, max: usize, what: &str) -> Result<&'a [u8], Finding> {
        let at = self.pos;
        let n = self.u32(what)? as usize;
        if n > max {
            return Err(Finding::at(
                FailureKind::LengthOverflow,
                at,
                format!("{what} of {n} bytes, at most {max} expected"),
            ));
        }
        self.take(n, at, what)
    }

    /// An SSH mpint that must be a positive integer in its minimal
    /// encoding (every integer of a key is).
    pub(crate) fn mpint(&mut self, what: &str) -> Result<&'a [u8], Finding> {
        let at = self.pos;
        let v = self.string(MAX_FIELD, what)?;
        let problem = match v {
            [] | [0] => Some("is zero"),
            [b, ..] if b & 0x80 != 0 => Some("is negative"),
            [0, b, ..] if b & 0x80 == 0 => Some("has a superfluous leading zero byte"),
            _ => None,
        };
        match problem {
            Some(p) => Err(Finding::at(
                FailureKind::MalformedHeader,
                at,
                format!("{what} {p}: not a key integer"),
            )),
            None => Ok(v),
        }
    }
}

/// A NIST curve as SSH names it (RFC 5656).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Curve {
    /// SSH identifier (`nistp256`).
    pub(crate) ssh: &'static str,
    /// DESIGN §9 name (`P-256`).
    pub(crate) name: &'static str,
    /// Bytes of one coordinate (and of the private scalar).
    pub(crate) coord: usize,
}

const CURVES: [Curve; 3] = [
    Curve {
        ssh: "nistp256",
        name: "P-256",
        coord: 32,
    },
    Curve {
        ssh: "nistp384",
        name: "P-384",
        coord: 48,
    },
    Curve {
        ssh: "nistp521",
        name: "P-521",
        coord: 66,
    },
];

/// The SSH key types these formats hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum KeyType {
    /// `ssh-rsa`.
    Rsa,
    /// `ssh-dss`.
    Dss,
    /// `ecdsa-sha2-<curve>`.
    Ecdsa(Curve),
    /// `ssh-ed25519`.
    Ed25519,
    /// `ssh-ed448` (PuTTY; dropbear has none).
    Ed448,
}

/// The key type a wire type string names, when it is one of these.
pub(crate) fn key_type(name: &[u8]) -> Option<KeyType> {
    Some(match name {
        b"ssh-rsa" => KeyType::Rsa,
        b"ssh-dss" => KeyType::Dss,
        b"ssh-ed25519" => KeyType::Ed25519,
        b"ssh-ed448" => KeyType::Ed448,
        _ => {
            let id = name.strip_prefix(b"ecdsa-sha2-")?;
            KeyType::Ecdsa(*CURVES.iter().find(|c| c.ssh.as_bytes() == id)?)
        }
    })
}

fn key(algorithm: &str) -> KeyAlg {
    KeyAlg {
        algorithm: Some(algorithm.into()),
        ..KeyAlg::default()
    }
}

/// A string of exactly `len` bytes (an EdDSA key): another size that fits
/// the input is `bad_length`.
fn fixed(w: &mut Wire<'_>, len: usize, what: &str) -> Result<(), Finding> {
    let at = w.pos();
    let v = w.string(MAX_FIELD, what)?;
    if v.len() != len {
        return Err(Finding::at(
            FailureKind::BadLength,
            at,
            format!("{what} of {} bytes, expected {len}", v.len()),
        ));
    }
    Ok(())
}

/// Reads the public fields of a key of type `ty` (the type string already
/// read) as an SSH public key blob holds them: RSA e, n; DSA p, q, g, y;
/// ECDSA curve name and point; EdDSA the public key. Ed25519 is read as a
/// 32-byte public key: dropbear's 64-byte form is read by [`host_key`].
pub(crate) fn public_fields(w: &mut Wire<'_>, ty: KeyType) -> Result<KeyAlg, Finding> {
    match ty {
        KeyType::Rsa => {
            w.mpint("RSA e")?;
            let n = w.mpint("RSA n")?;
            let mut k = key("RSA");
            k.key_bits = Some(bits_of(n));
            Ok(k)
        }
        KeyType::Dss => {
            let p = w.mpint("DSA p")?;
            for what in ["DSA q", "DSA g", "DSA y"] {
                w.mpint(what)?;
            }
            let mut k = key("DSA");
            k.key_bits = Some(bits_of(p));
            Ok(k)
        }
        KeyType::Ecdsa(c) => {
            let at = w.pos();
            let name = w.string(MAX_NAME, "curve name")?;
            if name != c.ssh.as_bytes() {
                return Err(Finding::at(
                    FailureKind::MalformedHeader,
                    at,
                    format!(
                        "key type names {} but the curve field says {}",
                        c.ssh,
                        String::from_utf8_lossy(name)
                    ),
                ));
            }
            let at = w.pos();
            let q = w.string(MAX_FIELD, "EC point")?;
            let fits = match q.first() {
                Some(4) => q.len() == 1 + 2 * c.coord,
                Some(2 | 3) => q.len() == 1 + c.coord,
                _ => false,
            };
            if !fits {
                return Err(Finding::at(
                    FailureKind::BadLength,
                    at,
                    format!(
                        "{} point of {} bytes, expected {} (uncompressed) or {} (compressed)",
                        c.name,
                        q.len(),
                        1 + 2 * c.coord,
                        1 + c.coord
                    ),
                ));
            }
            let mut k = key("EC");
            k.curve = Some(c.name.into());
            Ok(k)
        }
        KeyType::Ed25519 => {
            fixed(w, 32, "Ed25519 public key")?;
            Ok(key("Ed25519"))
        }
        KeyType::Ed448 => {
            fixed(w, 57, "Ed448 public key")?;
            Ok(key("Ed448"))
        }
    }
}

/// Reads a private scalar of curve `c`: a positive mpint of at most the
/// curve's size (and its sign byte).
pub(crate) fn ec_scalar(w: &mut Wire<'_>, c: Curve) -> Result<(), Finding> {
    let at = w.pos();
    let d = w.mpint("EC private scalar")?;
    if d.len() > c.coord + 1 {
        return Err(Finding::at(
            FailureKind::BadLength,
            at,
            format!(
                "{} private scalar of {} bytes, at most {} expected",
                c.name,
                d.len(),
                c.coord + 1
            ),
        ));
    }
    Ok(())
}

/// The key types dropbear writes, as the wire type string spells them.
const DROPBEAR_TYPES: [&[u8]; 6] = [
    b"ssh-rsa",
    b"ssh-dss",
    b"ssh-ed25519",
    b"ecdsa-sha2-nistp256",
    b"ecdsa-sha2-nistp384",
    b"ecdsa-sha2-nistp521",
];

/// True when `bytes` start with an SSH string naming a key type dropbear
/// writes (`\0\0\0\x07ssh-rsa`, …): eleven or more exact bytes that other
/// data does not start with by chance. [`host_key`] then reads the rest
/// strictly.
pub fn looks_like_dropbear(bytes: &[u8]) -> bool {
    let mut w = Wire::new(bytes);
    w.string(MAX_NAME, "key type")
        .is_ok_and(|t| DROPBEAR_TYPES.contains(&t))
}

fn region(
    start: usize,
    end: usize,
    kind: &'static str,
    alg: &Option<String>,
    score: u32,
) -> Region {
    Region {
        offset: start as u64,
        length: (end - start) as u64,
        kind,
        algorithm: alg.clone(),
        score,
        block: None,
        source: "dropbear",
    }
}

/// Parses a dropbear host key file: the key type, its public fields, its
/// private fields, and nothing after them. Regions: the public fields
/// (`public_key`, 700) and the private ones (`secret_key`, 800), in the
/// raw file. An input that ends right after the public fields is
/// `truncated` (an SSH public key blob holds exactly those).
pub fn host_key(bytes: &[u8]) -> Result<Parsed<SshKeyFileData>, Finding> {
    let mut w = Wire::new(bytes);
    let name = w.string(MAX_NAME, "key type").map_err(|f| {
        if f.kind == FailureKind::Truncated {
            f
        } else {
            Finding::at(
                FailureKind::BadTag,
                0,
                "does not start with a key type string",
            )
        }
    })?;
    let ty = key_type(name)
        .filter(|&t| t != KeyType::Ed448)
        .ok_or_else(|| {
            Finding::at(
                FailureKind::BadTag,
                0,
                format!(
                    "key type {} is not one dropbear writes",
                    String::from_utf8_lossy(name)
                ),
            )
        })?;
    let public_at = w.pos();
    let mut regions = Vec::new();
    let mut key = if ty == KeyType::Ed25519 {
        let at = w.pos();
        let k = w.string(MAX_FIELD, "Ed25519 key")?;
        if k.len() != 64 {
            return Err(Finding::at(
                FailureKind::BadLength,
                at,
                format!(
                    "Ed25519 key of {} bytes, expected 64 (seed and public key)",
                    k.len()
                ),
            ));
        }
        let alg = Some("Ed25519".to_owned());
        regions.push(region(at + 4, at + 36, "secret_key", &alg, 800));
        regions.push(region(at + 36, at + 68, "public_key", &alg, 700));
        key("Ed25519")
    } else {
        let k = public_fields(&mut w, ty)?;
        let public_end = w.pos();
        if w.rest() == 0 {
            return Err(Finding::at(
                FailureKind::Truncated,
                public_end,
                "input ends after the public fields: an SSH public key blob, or a dropbear key cut there",
            ));
        }
        match ty {
            KeyType::Rsa => {
                for what in ["RSA d", "RSA p", "RSA q"] {
                    w.mpint(what)?;
                }
            }
            KeyType::Dss => {
                w.mpint("DSA x")?;
            }
            KeyType::Ecdsa(c) => ec_scalar(&mut w, c)?,
            KeyType::Ed25519 | KeyType::Ed448 => {}
        }
        regions.push(region(
            public_at,
            public_end,
            "public_key",
            &k.algorithm,
            700,
        ));
        regions.push(region(public_end, w.pos(), "secret_key", &k.algorithm, 800));
        k
    };
    let mut findings = Vec::new();
    if w.rest() > 0 {
        findings.push(Finding::at(
            FailureKind::TrailingData,
            w.pos(),
            format!("{} bytes after the key", w.rest()),
        ));
    }
    key.key_len = w.pos();
    let info = SshKeyFileData {
        container: Container::DropbearPrivateKey,
        key_type: String::from_utf8_lossy(name).into_owned(),
        // Dropbear files are never encrypted and carry no comment.
        cipher: None,
        comment: None,
        key: key.record(),
        // The step's findings are written by `Step::into_event`.
        findings: Vec::new(),
    };
    Ok(Parsed {
        info,
        key,
        findings,
        regions,
        container: Container::DropbearPrivateKey,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{Rng, read_err, read_ok};

    const RSA2048: &[u8] =
        include_bytes!("../../../tests/corpus/files/keys/dropbear/dropbear_rsa2048_host_key");
    const ECDSA256: &[u8] =
        include_bytes!("../../../tests/corpus/files/keys/dropbear/dropbear_ecdsa256_host_key");
    const ECDSA521: &[u8] =
        include_bytes!("../../../tests/corpus/files/keys/dropbear/dropbear_ecdsa521_host_key");
    const ED25519: &[u8] =
        include_bytes!("../../../tests/corpus/files/keys/dropbear/dropbear_ed25519_host_key");
    /// `dropbearkey -t dss -f k` (dropbear 2022.83), base64 of the file.
    const DSS1024_B64: &str = "AAAAB3NzaC1kc3MAAACBANY6/yO4SlCqdBJY5//MmrQh7YKkCN3zrQysCzm2zGV3ZP3+FEdULZ5apheKP/+Iz9peToa7fM8hd6zrEXunkPFys7Ed2dnbFaK6u6oAkc00yP8oEGZDA7sP9BU4acOD9TbxvGb2KE6ouj6ygvJ6E8qtu7gue7+IcyA+qkwbNWL1AAAAFQCMopGHCR5LkP1BPB3+fGLTZex46QAAAIEAlcR8k6TXeSGhkqbL/GnyGKOoRNst6oBMyvfqEbu+I4IN1Vo7N3ldRLEVLfYR8mySG9W0XQUba2G9r0ijibJ7s6MDObFhzLcOLXQBI+0Zu+bDXohuS1lNGM5Qs9D2uuzDDbP71CH+aI9qdRMdYwDn6K08zetniQKtk8s6XxbWcRYAAACAFaDJyPee2+gSz1lt0lDsmW2o43PWvD1oHQVMd0Bg2Y7P8Fyn1dYL33nrn7pRaeWqnaPo+sAmJAjiSanWNao9C9KLz5z+SJEs7uemVvjS0HXaDOKAt2d/14T6pj/rre+wT9+3hbv87hzuXHle4XjfgjH3LesZCdrN6jDtUp60v8gAAAAUUHKosdl7G7+TTblfTp7yjEHjSlo=";
    /// `dropbearkey -t ecdsa -s 384 -f k` (dropbear 2022.83), hex of the file.
    const ECDSA384_HEX: &str = "0000001365636473612d736861322d6e69737470333834000000086e697374703338340000006104e770b15de12cac734bf72aaab9b05517321e26fdc4fd8344bbd906f1c5602fe809633813e3eda912670ca81f437376ccb0d504d5ab389d255017e1317ec8dc4c3329460f18a20a5201512aa6cf35e007777f27800d1812f5c153a6f50baba9680000003100cc0df623fc650329320521455f0fe7c03958d2e405f4e5e4a95ab8a713090be1b7c4a8b72ddc505826fc1aa513a56939";

    fn dss1024() -> Vec<u8> {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD
            .decode(DSS1024_B64)
            .unwrap()
    }

    fn ecdsa384() -> Vec<u8> {
        hex::decode(ECDSA384_HEX).unwrap()
    }

    fn ok(bytes: &[u8]) -> Parsed<SshKeyFileData> {
        read_ok(host_key(bytes))
    }

    fn err(bytes: &[u8]) -> Finding {
        read_err(host_key(bytes))
    }

    /// File, key type, algorithm, key bits, curve.
    type Expect<'a> = (&'a [u8], &'a str, &'a str, Option<u64>, Option<&'a str>);

    #[test]
    fn reads_every_dropbear_key_type() {
        let dss = dss1024();
        let ec384 = ecdsa384();
        let cases: [Expect<'_>; 6] = [
            (RSA2048, "ssh-rsa", "RSA", Some(2048), None),
            (&dss, "ssh-dss", "DSA", Some(1024), None),
            (ECDSA256, "ecdsa-sha2-nistp256", "EC", None, Some("P-256")),
            (&ec384, "ecdsa-sha2-nistp384", "EC", None, Some("P-384")),
            (ECDSA521, "ecdsa-sha2-nistp521", "EC", None, Some("P-521")),
            (ED25519, "ssh-ed25519", "Ed25519", None, None),
        ];
        for (bytes, ty, alg, bits, curve) in cases {
            assert!(looks_like_dropbear(bytes), "{ty}");
            let p = ok(bytes);
            assert_eq!(p.info.key_type, ty);
            assert_eq!(p.key.algorithm.as_deref(), Some(alg), "{ty}");
            assert_eq!(p.key.key_bits, bits, "{ty}");
            assert_eq!(p.key.curve.as_deref(), curve, "{ty}");
            assert_eq!(p.key.key_len, bytes.len(), "{ty}");
            assert_eq!(p.key.record(), p.info.key);
            assert!(p.findings.is_empty(), "{ty}: {:?}", p.findings);
            assert_eq!(p.container, Container::DropbearPrivateKey);
            // Two regions, public then secret, inside the file.
            let kinds: Vec<&str> = p.regions.iter().map(|r| r.kind).collect();
            assert_eq!(kinds.len(), 2, "{ty}");
            assert!(kinds.contains(&"public_key") && kinds.contains(&"secret_key"));
            for r in &p.regions {
                assert!(r.offset + r.length <= bytes.len() as u64);
                assert_eq!(r.algorithm.as_deref(), Some(alg));
                assert_eq!(r.source, "dropbear");
            }
        }
    }

    #[test]
    fn regions_are_exact() {
        // RSA: type string 11 bytes; e (4+3) and n (4+257) are public.
        let p = ok(RSA2048);
        assert_eq!((p.regions[0].offset, p.regions[0].length), (11, 268));
        assert_eq!(p.regions[0].kind, "public_key");
        assert_eq!(
            (p.regions[1].offset, p.regions[1].length),
            (279, RSA2048.len() as u64 - 279)
        );
        assert_eq!(p.regions[1].kind, "secret_key");
        // Ed25519: seed then public key inside the 64-byte string at 15.
        let p = ok(ED25519);
        assert_eq!(
            (p.regions[0].kind, p.regions[0].offset, p.regions[0].length),
            ("secret_key", 19, 32)
        );
        assert_eq!(
            (p.regions[1].kind, p.regions[1].offset, p.regions[1].length),
            ("public_key", 51, 32)
        );
    }

    #[test]
    fn every_truncation_is_truncated() {
        for file in [RSA2048, ECDSA256, ED25519, &dss1024()[..]] {
            let type_end = 4 + u32::from_be_bytes([file[0], file[1], file[2], file[3]]) as usize;
            for cut in 0..file.len() {
                let f = err(&file[..cut]);
                assert_eq!(f.kind, FailureKind::Truncated, "cut at {cut}: {f:?}");
                assert!(f.offset.is_some_and(|o| o <= cut as u64), "cut at {cut}");
                assert_eq!(looks_like_dropbear(&file[..cut]), cut >= type_end);
            }
        }
    }

    #[test]
    fn a_public_key_blob_alone_is_truncated_at_its_end() {
        // e and n of the RSA key: exactly an SSH public key blob.
        let f = err(&RSA2048[..279]);
        assert_eq!((f.kind, f.offset), (FailureKind::Truncated, Some(279)));
    }

    #[test]
    fn trailing_bytes_are_trailing_data() {
        for extra in [&b"\0"[..], b"\n", &[0u8; 4], b"garbage after the key"] {
            let mut b = ECDSA256.to_vec();
            b.extend_from_slice(extra);
            let p = ok(&b);
            assert_eq!(p.key.curve.as_deref(), Some("P-256"));
            assert_eq!(
                p.findings,
                vec![Finding::at(
                    FailureKind::TrailingData,
                    ECDSA256.len(),
                    format!("{} bytes after the key", extra.len())
                )]
            );
        }
    }

    #[test]
    fn random_bytes_are_never_a_key() {
        let mut rng = Rng(0x5eed_d20b_ea75);
        for i in 0..20_000 {
            let n = (rng.next() % 1200) as usize;
            let b = rng.bytes(n);
            assert!(!looks_like_dropbear(&b), "buffer {i}");
            assert!(host_key(&b).is_err(), "buffer {i}");
        }
    }

    #[test]
    fn random_bytes_after_a_key_type_are_never_a_key() {
        let mut rng = Rng(0xd20b_0000_0001);
        for ty in DROPBEAR_TYPES {
            for _ in 0..5_000 {
                let mut b = (ty.len() as u32).to_be_bytes().to_vec();
                b.extend_from_slice(ty);
                let n = (rng.next() % 1200) as usize;
                b.extend(rng.bytes(n));
                assert!(looks_like_dropbear(&b));
                let f = err(&b);
                assert!(
                    matches!(
                        f.kind,
                        FailureKind::LengthOverflow
                            | FailureKind::Truncated
                            | FailureKind::MalformedHeader
                            | FailureKind::BadLength
                    ),
                    "{f:?}"
                );
            }
        }
    }

    #[test]
    fn wrong_type_strings_are_bad_tag() {
        let mut b = RSA2048.to_vec();
        b[10] = b'b'; // ssh-rsb
        assert!(!looks_like_dropbear(&b));
        assert_eq!(
            err(&b),
            Finding::at(
                FailureKind::BadTag,
                0,
                "key type ssh-rsb is not one dropbear writes"
            )
        );
        // ssh-ed448 is an SSH key type, but not one dropbear writes.
        let mut b = 9u32.to_be_bytes().to_vec();
        b.extend_from_slice(b"ssh-ed448");
        b.extend_from_slice(&[0, 0, 0, 57]);
        b.extend_from_slice(&[1; 57]);
        assert_eq!(err(&b).kind, FailureKind::BadTag);
        // A length no key type has.
        let mut b = RSA2048.to_vec();
        b[0] = 0x7f;
        assert_eq!(
            err(&b),
            Finding::at(
                FailureKind::BadTag,
                0,
                "does not start with a key type string"
            )
        );
        assert_eq!(err(b"openssh-key-v1\0").kind, FailureKind::BadTag);
    }

    #[test]
    fn inflated_lengths_are_length_overflow_or_truncated() {
        // n's length (at 18) set beyond any key field: length_overflow.
        let mut b = RSA2048.to_vec();
        b[18..22].copy_from_slice(&0x0001_0000u32.to_be_bytes());
        assert_eq!(
            err(&b),
            Finding::at(
                FailureKind::LengthOverflow,
                18,
                "RSA n of 65536 bytes, at most 4097 expected"
            )
        );
        b[18..22].copy_from_slice(&u32::MAX.to_be_bytes());
        assert_eq!(err(&b).kind, FailureKind::LengthOverflow);
        // Within the bound but past the end: truncated.
        b[18..22].copy_from_slice(&4000u32.to_be_bytes());
        assert_eq!(
            err(&b),
            Finding::at(
                FailureKind::Truncated,
                18,
                format!("RSA n of 4000 bytes, {} remain", RSA2048.len() - 22)
            )
        );
    }

    #[test]
    fn integers_must_be_positive_and_minimal() {
        // e = 01 00 01 at 15..18 (length at 11).
        let mut b = RSA2048.to_vec();
        b[15] = 0x81;
        assert_eq!(
            err(&b),
            Finding::at(
                FailureKind::MalformedHeader,
                11,
                "RSA e is negative: not a key integer"
            )
        );
        b[15] = 0;
        b[16] = 0x01;
        assert_eq!(err(&b).kind, FailureKind::MalformedHeader);
    }

    #[test]
    fn eddsa_and_ec_sizes_are_checked() {
        // Ed25519 string of 63 bytes.
        let mut b = ED25519[..ED25519.len() - 1].to_vec();
        b[15..19].copy_from_slice(&63u32.to_be_bytes());
        assert_eq!(
            err(&b),
            Finding::at(
                FailureKind::BadLength,
                15,
                "Ed25519 key of 63 bytes, expected 64 (seed and public key)"
            )
        );
        // P-256 named in the type, nistp384 in the curve field.
        let mut b = ECDSA256.to_vec();
        b[32..35].copy_from_slice(b"384");
        assert_eq!(
            err(&b),
            Finding::at(
                FailureKind::MalformedHeader,
                23,
                "key type names nistp256 but the curve field says nistp384"
            )
        );
        // A point one byte short (length 64, scalar shifted in).
        let mut b = ECDSA256[..35].to_vec();
        b.extend_from_slice(&[0, 0, 0, 64]);
        b.extend_from_slice(&ECDSA256[39..]);
        assert_eq!(err(&b).kind, FailureKind::BadLength);
    }

    #[test]
    fn mutations_never_panic() {
        let mut rng = Rng(42);
        let dss = dss1024();
        for file in [RSA2048, ECDSA256, ECDSA521, ED25519, &dss[..]] {
            for _ in 0..3_000 {
                let mut b = file.to_vec();
                for _ in 0..(1 + rng.next() % 4) {
                    let i = (rng.next() as usize) % b.len();
                    match rng.next() % 3 {
                        0 => b[i] ^= 1 << (rng.next() % 8),
                        1 => b[i] = 0xff,
                        _ => b.truncate(i.max(1)),
                    }
                }
                let _ = looks_like_dropbear(&b);
                if let Ok(p) = host_key(&b) {
                    for r in &p.regions {
                        assert!(r.offset + r.length <= b.len() as u64);
                    }
                }
            }
        }
    }
}
