//! SSH.com private keys (`puttygen -O private-sshcom`, ssh.com's
//! `ssh-keygen2`): RFC 4716-style armor around a binary blob.
//!
//! ```text
//! ---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----
//! Comment: "…"                (RFC 4716 headers, `\` continues a line)
//! P2/56wAAA+4AAAA3aWYt…       (base64)
//! ---- END SSH2 ENCRYPTED PRIVATE KEY ----
//! ```
//!
//! The blob: uint32 magic `0x3f6ff9eb`, uint32 total length, string key
//! type (`if-modn{sign{rsa-pkcs1-sha1},encrypt{rsa-pkcs1v2-oaep}}`,
//! `dl-modp{sign{dsa-nist-sha1},dh{plain}}`), string cipher (`none`,
//! `3des-cbc`), string key data. Unencrypted key data is a uint32 length and
//! the key's integers in ssh.com's own form — a uint32 bit count, then that
//! many bits in whole bytes: RSA e, d, n, u, p, q; DSA a zero word, then p,
//! g, q, y, x. Encrypted key data is described, never decrypted.
//!
//! Offsets are in the raw file: a problem inside the blob is placed on the
//! base64 character that carries the byte.

use fx_core::vocab::{Container, FailureKind};
use fx_facts::key::SshKeyFileData;

use crate::algorithm::{KeyAlg, bits_of};
use crate::dropbear::{MAX_NAME, Wire};
use crate::putty::{Base64Text, lines};
use crate::report::{Finding, Region};
use crate::x509::Parsed;

const BEGIN: &[u8] = b"---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----";
const END: &[u8] = b"---- END SSH2 ENCRYPTED PRIVATE KEY ----";
const MAGIC: u32 = 0x3f6f_f9eb;

/// Longest key type string read (the longest ssh.com writes is under 100).
const MAX_TYPE: usize = 1024;
/// Longest key data read: far above a 16384-bit RSA key.
const MAX_DATA: usize = 1 << 20;
/// Largest integer read, in bits.
const MAX_BITS: usize = 32768;

/// True when the first line of `bytes` (after blank space) is the ssh.com
/// private key BEGIN line.
pub fn looks_like_sshcom(bytes: &[u8]) -> bool {
    bytes.trim_ascii_start().starts_with(BEGIN)
}

/// An ssh.com integer: uint32 bit count, then the bits in whole bytes,
/// most significant first; the count must be the integer's exact size.
fn integer<'a>(w: &mut Wire<'a>, what: &str) -> Result<&'a [u8], Finding> {
    let at = w.pos();
    let bits = w.u32(what)? as usize;
    if bits > MAX_BITS {
        return Err(Finding::at(
            FailureKind::LengthOverflow,
            at,
            format!("{what} of {bits} bits, at most {MAX_BITS} expected"),
        ));
    }
    let v = w.take(bits.div_ceil(8), at, what)?;
    if bits_of(v) != bits as u64 || bits == 0 {
        return Err(Finding::at(
            FailureKind::MalformedHeader,
            at,
            format!("{what} says {bits} bits but holds {}", bits_of(v)),
        ));
    }
    Ok(v)
}

/// The blob after its magic: total length, key type, cipher, and the key
/// data with its offset.
type Fields<'a> = (usize, &'a [u8], &'a [u8], usize, &'a [u8]);

fn fields<'a>(w: &mut Wire<'a>) -> Result<Fields<'a>, Finding> {
    let total = w.u32("total length")? as usize;
    let key_type = w.string(MAX_TYPE, "key type")?;
    let cipher = w.string(MAX_NAME, "cipher")?;
    let data_at = w.pos() + 4;
    let data = w.string(MAX_DATA, "key data")?;
    Ok((total, key_type, cipher, data_at, data))
}

/// Reads unencrypted key data: the key's bit size (RSA n, DSA p) and the
/// bytes its fields use.
fn key_data(data: &[u8], rsa: bool) -> Result<(u64, usize), Finding> {
    let mut w = Wire::new(data);
    let at = w.pos();
    let len = w.u32("key data")? as usize;
    if len > w.rest() {
        return Err(Finding::at(
            FailureKind::LengthOverflow,
            at,
            format!("key data says {len} bytes, {} remain", w.rest()),
        ));
    }
    let mut inner = Wire::new(&data[..4 + len]);
    inner.take(4, 0, "key data")?;
    let bits = if rsa {
        integer(&mut inner, "RSA e")?;
        integer(&mut inner, "RSA d")?;
        let n = bits_of(integer(&mut inner, "RSA n")?);
        for what in ["RSA u", "RSA p", "RSA q"] {
            integer(&mut inner, what)?;
        }
        n
    } else {
        let at = inner.pos();
        if inner.u32("DSA parameter flag")? != 0 {
            return Err(Finding::at(
                FailureKind::UnsupportedAlgorithm,
                at,
                "DSA key with predefined parameters",
            ));
        }
        let p = bits_of(integer(&mut inner, "DSA p")?);
        for what in ["DSA g", "DSA q", "DSA y", "DSA x"] {
            integer(&mut inner, what)?;
        }
        p
    };
    Ok((bits, inner.pos()))
}

/// Parses an ssh.com `SSH2 ENCRYPTED PRIVATE KEY` file.
///
/// An error (`Err`) means the key could not be named: no BEGIN line
/// (`bad_pem_armor`; `truncated` when the input ends inside it), bad base64
/// (`bad_base64`), a wrong magic (`bad_tag`), or a blob the input ends
/// inside (`truncated`: when the END line is missing, the base64 up to the
/// end of the input is read). Then findings: a missing or malformed END
/// line (`bad_pem_armor`), `encrypted`, `unsupported_algorithm` for a key
/// type that is neither RSA nor DSA, the key data's integers not fitting it
/// (`length_overflow`, `malformed_header`), a total length that is not the
/// blob's (`bad_length`), `trailing_data`. Region: the key data's base64
/// (`secret_key`, or `ciphertext` when encrypted, 750) as a span of the
/// file.
pub fn private_key(bytes: &[u8]) -> Result<Parsed<SshKeyFileData>, Finding> {
    let lead = bytes.len() - bytes.trim_ascii_start().len();
    let mut it = lines(bytes).skip_while(|l| l.at + l.text.len() <= lead);
    let begin = it.next().map_or(&b""[..], |l| l.text.trim_ascii());
    if begin != BEGIN {
        return Err(if BEGIN.starts_with(&bytes[lead..]) {
            Finding::at(
                FailureKind::Truncated,
                bytes.len(),
                "input ends inside the BEGIN line",
            )
        } else {
            Finding::at(
                FailureKind::BadPemArmor,
                lead,
                "no ---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ---- line",
            )
        });
    }
    let mut comment = None;
    let mut text = Base64Text::default();
    let mut findings = Vec::new();
    let mut headers = true;
    let mut continued = false;
    let mut ended = false;
    let mut after_end = None;
    for l in it.by_ref() {
        let t = l.text.trim_ascii();
        if t.starts_with(b"-") {
            if t == END {
                ended = true;
                after_end = Some(l.at + l.text.len());
            } else if l.terminated {
                findings.push(Finding::at(
                    FailureKind::BadPemArmor,
                    l.at,
                    "malformed END line",
                ));
            }
            break;
        }
        if continued {
            continued = t.ends_with(b"\\");
            continue;
        }
        if headers && let Some(colon) = memchr::memchr(b':', t) {
            continued = t.ends_with(b"\\");
            if t[..colon].eq_ignore_ascii_case(b"Comment") {
                let v = t[colon + 1..].trim_ascii();
                let v = v.strip_suffix(b"\\").unwrap_or(v).trim_ascii();
                let v = v.strip_prefix(b"\"").unwrap_or(v);
                let v = v.strip_suffix(b"\"").unwrap_or(v);
                comment = Some(String::from_utf8_lossy(v).into_owned());
            }
            continue;
        }
        headers = false;
        if !t.is_empty() {
            text.push(l);
        }
    }
    // Without an END line the body may have been cut: read what is there,
    // and an incomplete blob is `truncated`.
    let cut = !ended && findings.is_empty();
    if cut {
        findings.push(Finding::at(
            FailureKind::BadPemArmor,
            bytes.len(),
            "no END line",
        ));
    }
    let as_cut = |f: Finding| {
        if cut {
            Finding {
                kind: FailureKind::Truncated,
                ..f
            }
        } else {
            f
        }
    };
    let blob = text.decode(cut, "key").map_err(as_cut)?;
    let body_at = text.span().0;

    let mut w = Wire::new(&blob);
    let magic = w
        .u32("magic")
        .map_err(|f| as_cut(text.relocate(f, "key")))?;
    if magic != MAGIC {
        return Err(Finding::at(
            FailureKind::BadTag,
            body_at,
            format!("magic {magic:08x}, not the ssh.com key magic 3f6ff9eb"),
        ));
    }
    let (total, key_type, cipher, data_at, data) =
        fields(&mut w).map_err(|f| as_cut(text.relocate(f, "key")))?;
    let key_type = String::from_utf8_lossy(key_type).into_owned();
    let cipher = String::from_utf8_lossy(cipher).into_owned();
    let mut key = KeyAlg {
        key_len: data.len(),
        ..KeyAlg::default()
    };
    let rsa = key_type.starts_with("if-modn{sign{rsa");
    if rsa {
        key.algorithm = Some("RSA".into());
    } else if key_type.starts_with("dl-modp{sign{dsa") {
        key.algorithm = Some("DSA".into());
    } else {
        findings.push(Finding::at(
            FailureKind::UnsupportedAlgorithm,
            text.decoded_offset(8),
            format!("key type {key_type} is neither RSA nor DSA"),
        ));
    }
    let encrypted = cipher != "none";
    if encrypted {
        findings.push(Finding::at(
            FailureKind::Encrypted,
            text.decoded_offset(data_at),
            format!("key data encrypted with {cipher}, not decrypted"),
        ));
        if cipher == "3des-cbc" && data.len() % 8 != 0 {
            findings.push(Finding::at(
                FailureKind::BadLength,
                text.decoded_offset(data_at),
                format!(
                    "3des-cbc key data of {} bytes, not whole blocks",
                    data.len()
                ),
            ));
        }
    } else if key.algorithm.is_some() {
        match key_data(data, rsa) {
            Ok((bits, used)) => {
                key.key_bits = Some(bits);
                // What follows the integers inside the stated length, or
                // more than a cipher block's padding after it, is not key.
                if used < data.len()
                    && (used < be32(data).saturating_add(4) || data.len() - used >= 8)
                {
                    findings.push(text.relocate(
                        Finding::at(
                            FailureKind::TrailingData,
                            data_at + used,
                            format!("{} bytes after the key's integers", data.len() - used),
                        ),
                        "key",
                    ));
                }
            }
            Err(mut f) => {
                // The key data is whole: an integer running past it is
                // longer than its parent, not a cut input.
                if f.kind == FailureKind::Truncated {
                    f.kind = FailureKind::LengthOverflow;
                }
                f.offset = f.offset.map(|o| o + data_at as u64);
                findings.push(text.relocate(f, "key data"));
            }
        }
    }
    if w.rest() > 0 {
        findings.push(text.relocate(
            Finding::at(
                FailureKind::TrailingData,
                w.pos(),
                format!("{} bytes after the key data", w.rest()),
            ),
            "key",
        ));
    }
    if total != blob.len() {
        findings.push(Finding::at(
            FailureKind::BadLength,
            text.decoded_offset(4),
            format!("total length says {total} bytes, the key is {}", blob.len()),
        ));
    }
    if let Some(after) = after_end
        && let Some(i) = bytes[after..].iter().position(|b| !b.is_ascii_whitespace())
    {
        findings.push(Finding::at(
            FailureKind::TrailingData,
            after + i,
            format!("{} bytes after the END line", bytes.len() - after - i),
        ));
    }
    let span = text.span_of(data_at, data_at + data.len());
    let region = Region {
        offset: span.0 as u64,
        length: span.1 as u64,
        kind: if encrypted {
            "ciphertext"
        } else {
            "secret_key"
        },
        algorithm: if encrypted {
            Some(cipher.clone())
        } else {
            key.algorithm.clone()
        },
        score: 750,
        block: None,
        source: "sshcom",
    };
    let info = SshKeyFileData {
        container: Container::SshcomPrivateKey,
        key_type,
        cipher: Some(cipher),
        comment,
        key: key.record(),
        // The step's findings are written by `Step::into_event`.
        findings: Vec::new(),
    };
    Ok(Parsed {
        info,
        key,
        findings,
        regions: vec![region],
        container: Container::SshcomPrivateKey,
    })
}

/// The uint32 a key data string starts with (0 when it is shorter).
fn be32(data: &[u8]) -> usize {
    data.get(..4)
        .map_or(0, |b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::test_support::{Rng, at, kinds, read_err, read_ok};
    use base64::Engine as _;

    const RSA2048: &[u8] =
        include_bytes!("../../../tests/corpus/files/keys/putty/rsa2048.sshcom.key");
    const DSA2048: &[u8] =
        include_bytes!("../../../tests/corpus/files/keys/putty/dsa2048.sshcom.key");
    /// `puttygen -t rsa -b 1024 … -O private-sshcom --new-passphrase` (PuTTY 0.78).
    const RSA1024_3DES: &[u8] = b"---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----
Comment: \"enc-sshcom\"
P2/56wAAAjMAAAA3aWYtbW9kbntzaWdue3JzYS1wa2NzMS1zaGExfSxlbmNyeXB0e3JzYS
1wa2NzMXYyLW9hZXB9fQAAAAgzZGVzLWNiYwAAAeCaWI3fNhZSk9BGEwRRjhXni0nm0yZx
N1H6i2yNl4ZlAGvESueXou7p2rkDLp3+KUZpizp3+FJ769+7NIfyrueoH26VdJypLeJxoV
li39jq4oaJ7lJ/aNM6QOy3h6K0n+2AJhJPXHfdYMcqVsJK7pKhMToe6GGEuZ8Bw3v5mVKF
7oLhvaaRPuujy3+74PPxxbS+tlRqmMDW1qybeeSti6hg4Wydu35AlRwR4mSlqfzjMXryep
YntZJmj+INo3P0T0HjZ7q5nibrgKHsTfUeRLWdxnQEGuVj6x6FwMfQp4nKFI4RkbqN0Bc8
0MDV7QXv6zU/IEB0mWYNcvbrIzyLBV12NHcFFLHRedFOBdnwOCN6Y4274TDCnLeDY5jCr+
lPiDb0kjss43Q762az1ka3vrRWkfmJBMN72+Pz3E3MlkBPzP+eMPIRtoaDOY8IT0u8zp8A
Q3nvAaYn88nkBKRDDTdQr+GBajFDj9OCxayd8dSMeyDzUZdS+LnyHAdpc7bDj7u/hbb6oW
8A7R6Z80BZ1tAyqkYRWpxuMQFcubxgaZHWkLugqDTnP1+ykLwDFrXiE0VeSZqxCVabbyKz
BSkWowG3sUNYRauI58YRevK4RKWODZXXP42EMs6zTWXiBQU0CBQ=
---- END SSH2 ENCRYPTED PRIVATE KEY ----
";

    fn ok(bytes: &[u8]) -> Parsed<SshKeyFileData> {
        read_ok(private_key(bytes))
    }

    fn err(bytes: &[u8]) -> Finding {
        read_err(private_key(bytes))
    }

    /// The decoded blob of a file.
    fn blob_of(text: &[u8]) -> Vec<u8> {
        let body: Vec<u8> = lines(text)
            .filter(|l| !l.text.starts_with(b"-") && !l.text.contains(&b':'))
            .flat_map(|l| l.text.to_vec())
            .collect();
        base64::engine::general_purpose::STANDARD
            .decode(body)
            .unwrap()
    }

    /// `blob` armored as puttygen does: 70 characters a line.
    fn armor(blob: &[u8]) -> Vec<u8> {
        let b64 = base64::engine::general_purpose::STANDARD.encode(blob);
        let mut out = b"---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----\nComment: \"t\"\n".to_vec();
        for chunk in b64.as_bytes().chunks(70) {
            out.extend_from_slice(chunk);
            out.push(b'\n');
        }
        out.extend_from_slice(b"---- END SSH2 ENCRYPTED PRIVATE KEY ----\n");
        out
    }

    /// `blob` with the big-endian uint32 at `at` set to `v`.
    fn set32(blob: &[u8], at: usize, v: u32) -> Vec<u8> {
        let mut b = blob.to_vec();
        b[at..at + 4].copy_from_slice(&v.to_be_bytes());
        b
    }

    /// File, algorithm, key bits, cipher, comment.
    type Expect<'a> = (&'a [u8], &'a str, Option<u64>, &'a str, &'a str);

    #[test]
    fn reads_puttygen_exports() {
        let cases: [Expect<'_>; 3] = [
            (RSA2048, "RSA", Some(2048), "none", "fx-corpus-rsa2048"),
            (DSA2048, "DSA", Some(2048), "none", "fx-corpus-dsa2048"),
            (RSA1024_3DES, "RSA", None, "3des-cbc", "enc-sshcom"),
        ];
        for (bytes, alg, bits, cipher, comment) in cases {
            assert!(looks_like_sshcom(bytes));
            let p = ok(bytes);
            assert_eq!(p.key.algorithm.as_deref(), Some(alg), "{comment}");
            assert_eq!(p.key.key_bits, bits, "{comment}");
            assert_eq!(p.info.cipher.as_deref(), Some(cipher));
            assert_eq!(p.info.comment.as_deref(), Some(comment));
            assert_eq!(p.key.record(), p.info.key);
            assert_eq!(p.container, Container::SshcomPrivateKey);
            let want: &[FailureKind] = if cipher == "none" {
                &[]
            } else {
                &[FailureKind::Encrypted]
            };
            assert_eq!(kinds(&p), want, "{comment}");
            assert_eq!(p.regions.len(), 1);
            let r = &p.regions[0];
            assert_eq!(
                r.kind,
                if cipher == "none" {
                    "secret_key"
                } else {
                    "ciphertext"
                }
            );
            assert!(r.offset + r.length <= bytes.len() as u64);
        }
        assert!(
            ok(RSA2048)
                .info
                .key_type
                .starts_with("if-modn{sign{rsa-pkcs1-sha1}")
        );
        assert_eq!(
            ok(DSA2048).info.key_type,
            "dl-modp{sign{dsa-nist-sha1},dh{plain}}"
        );
    }

    #[test]
    fn the_region_covers_the_key_data() {
        // Key data starts at decoded byte 8 + 4 + 55 + 4 + 4 + 4 = 79:
        // character 104 of the text; the text has 70 a line.
        let p = ok(RSA2048);
        let body = at(RSA2048, "P2/56w");
        let data = blob_of(RSA2048).len() - 79;
        assert_eq!(p.regions[0].offset, (body + 71 + 34) as u64);
        assert_eq!(p.key.key_len, data);
        // The text ends the region: the last character of the blob.
        let end = at(RSA2048, "==\n") + 2;
        assert_eq!(p.regions[0].offset + p.regions[0].length, end as u64);
    }

    #[test]
    fn agrees_with_the_corpus_truth() {
        let truth = include_str!("../../../tests/corpus/truth.jsonl");
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/corpus/files/");
        let mut seen = 0;
        for line in truth.lines() {
            let row: serde_json::Value = serde_json::from_str(line).unwrap();
            let path = row["path"].as_str().unwrap_or("");
            if !path.ends_with(".sshcom.key") {
                continue;
            }
            let p = ok(&std::fs::read(format!("{root}{path}")).unwrap());
            let e = &row["expect"];
            assert_eq!(
                p.key.algorithm.as_deref(),
                e["algorithm"].as_str(),
                "{path}"
            );
            assert_eq!(p.key.key_bits, e["key_bits"].as_u64(), "{path}");
            assert_eq!(
                e["failures"].as_array().map(Vec::len),
                Some(p.findings.len())
            );
            seen += 1;
        }
        assert_eq!(seen, 2);
    }

    #[test]
    fn every_truncation_of_the_text_has_its_exact_outcome() {
        for file in [RSA2048, DSA2048, RSA1024_3DES] {
            let body_end = at(file, "\n----");
            let whole = ok(file);
            for cut in 0..file.len() {
                let b = &file[..cut];
                assert_eq!(looks_like_sshcom(b), cut >= BEGIN.len(), "cut at {cut}");
                if cut < body_end {
                    let f = err(b);
                    assert_eq!(f.kind, FailureKind::Truncated, "cut at {cut}: {f:?}");
                } else if cut < file.len() - 1 {
                    let p = ok(b);
                    let mut want = kinds(&whole);
                    want.insert(0, FailureKind::BadPemArmor);
                    assert_eq!(kinds(&p), want, "cut at {cut}");
                    assert_eq!(p.findings[0].offset, Some(cut as u64));
                    assert_eq!(p.info, whole.info);
                } else {
                    assert_eq!(ok(b).findings, whole.findings);
                }
            }
        }
    }

    #[test]
    fn every_truncation_of_the_blob_is_truncated() {
        for file in [RSA2048, DSA2048, RSA1024_3DES] {
            let blob = blob_of(file);
            assert_eq!(ok(&armor(&blob)).key, ok(file).key);
            for cut in 0..blob.len() {
                let f = err(&armor(&blob[..cut]));
                assert_eq!(f.kind, FailureKind::Truncated, "cut at {cut}: {f:?}");
            }
        }
    }

    #[test]
    fn a_wrong_magic_is_bad_tag() {
        let blob = blob_of(RSA2048);
        let b = armor(&set32(&blob, 0, 0x3f6f_f9ec));
        assert_eq!(
            err(&b),
            Finding::at(
                FailureKind::BadTag,
                at(&b, "\"t\"\n") + 4,
                "magic 3f6ff9ec, not the ssh.com key magic 3f6ff9eb"
            )
        );
        let mut rng = Rng(0x55c);
        for _ in 0..2_000 {
            let n = (rng.next() % 800) as usize;
            let random: Vec<u8> = (0..n).map(|_| rng.next() as u8).collect();
            assert!(!looks_like_sshcom(&random));
            let want = if BEGIN.starts_with(random.trim_ascii_start()) {
                FailureKind::Truncated
            } else {
                FailureKind::BadPemArmor
            };
            assert_eq!(err(&random).kind, want);
            let f = err(&armor(&random));
            assert!(
                matches!(f.kind, FailureKind::BadTag | FailureKind::Truncated),
                "{f:?}"
            );
        }
    }

    #[test]
    fn bad_base64_is_placed_on_its_character() {
        let i = at(RSA2048, "1wa2NzMXYy") + 2;
        let mut b = RSA2048.to_vec();
        b[i] = b'%';
        assert_eq!(
            err(&b),
            Finding::at(FailureKind::BadBase64, i, "key: byte 0x25 is not base64")
        );
    }

    #[test]
    fn inconsistent_lengths_and_integers_are_findings() {
        let blob = blob_of(RSA2048);
        // Bytes after the key data: trailing, and the total disagrees.
        let longer = [&blob[..], &[0; 5]].concat();
        let p = ok(&armor(&longer));
        assert_eq!(
            kinds(&p),
            [FailureKind::TrailingData, FailureKind::BadLength]
        );
        assert_eq!(p.key.key_bits, Some(2048));
        let p = ok(&armor(&set32(&longer, 4, longer.len() as u32)));
        assert_eq!(kinds(&p), [FailureKind::TrailingData]);
        // The key data's own length (at 79) past the key data.
        let p = ok(&armor(&set32(&blob, 79, 5000)));
        assert_eq!(
            (kinds(&p), p.key.algorithm.as_deref(), p.key.key_bits),
            (vec![FailureKind::LengthOverflow], Some("RSA"), None)
        );
        // e (at 83) says 18 bits but holds 17.
        let p = ok(&armor(&set32(&blob, 83, 18)));
        assert_eq!(kinds(&p), [FailureKind::MalformedHeader]);
        assert_eq!(
            p.findings[0].detail,
            "key data: RSA e says 18 bits but holds 17 (decoded byte 83)"
        );
        // An integer beyond any key size.
        let p = ok(&armor(&set32(&blob, 83, 1 << 20)));
        assert_eq!(kinds(&p), [FailureKind::LengthOverflow]);
        // The DSA parameter flag (after the 38-byte key type) set.
        let p = ok(&armor(&set32(&blob_of(DSA2048), 66, 1)));
        assert_eq!(kinds(&p), [FailureKind::UnsupportedAlgorithm]);
        // 3des-cbc key data that is not whole blocks.
        let enc = blob_of(RSA1024_3DES);
        let short = set32(
            &set32(&enc[..enc.len() - 1], 4, enc.len() as u32 - 1),
            79,
            479,
        );
        let p = ok(&armor(&short));
        assert_eq!(kinds(&p), [FailureKind::Encrypted, FailureKind::BadLength]);
    }

    #[test]
    fn unknown_key_types_are_unsupported() {
        let blob = blob_of(RSA2048);
        let mut b = blob.clone();
        b[12..19].copy_from_slice(b"xx-modn");
        let p = ok(&armor(&b));
        assert_eq!(p.key.algorithm, None);
        assert_eq!(kinds(&p), [FailureKind::UnsupportedAlgorithm]);
    }

    #[test]
    fn armor_damage_is_bad_pem_armor_or_trailing_data() {
        let end = at(RSA2048, "---- END");
        let b = [&RSA2048[..end], b"---- END SSH2 PRIVATE KEY ----\n"].concat();
        let p = ok(&b);
        assert_eq!(
            p.findings,
            [Finding::at(
                FailureKind::BadPemArmor,
                end,
                "malformed END line"
            )]
        );
        let b = [RSA2048, b"\n  more\n"].concat();
        assert_eq!(
            ok(&b).findings,
            [Finding::at(
                FailureKind::TrailingData,
                RSA2048.len() + 3,
                "5 bytes after the END line"
            )]
        );
        let b = [b"  \n\n", RSA2048].concat();
        assert!(looks_like_sshcom(&b));
        assert!(ok(&b).findings.is_empty());
        assert_eq!(
            err(b"---- BEGIN SSH2 PUBLIC KEY ----\n").kind,
            FailureKind::BadPemArmor
        );
    }

    #[test]
    fn headers_continue_over_lines() {
        let b = [
            &RSA2048[..at(RSA2048, "Comment")],
            b"Subject: someone\nComment: \"a long \\\ncomment\"\nx-extra: 1\n",
            &RSA2048[at(RSA2048, "P2/56")..],
        ]
        .concat();
        let p = ok(&b);
        assert_eq!(p.info.comment.as_deref(), Some("a long"));
        assert_eq!(p.key.key_bits, Some(2048));
        assert!(p.findings.is_empty());
        let crlf: Vec<u8> = RSA2048
            .split(|&c| c == b'\n')
            .collect::<Vec<_>>()
            .join(&b"\r\n"[..]);
        assert_eq!(ok(&crlf).info, ok(RSA2048).info);
    }

    #[test]
    fn mutations_never_panic() {
        let mut rng = Rng(11);
        for file in [RSA2048, DSA2048, RSA1024_3DES] {
            let blob = blob_of(file);
            for i in 0..3_000 {
                let mut b = if i % 2 == 0 {
                    file.to_vec()
                } else {
                    blob.clone()
                };
                for _ in 0..(1 + rng.next() % 4) {
                    if b.is_empty() {
                        break;
                    }
                    let i = (rng.next() as usize) % b.len();
                    match rng.next() % 3 {
                        0 => b[i] ^= 1 << (rng.next() % 8),
                        1 => b[i] = b"\n:=A-\\\" "[(rng.next() % 8) as usize],
                        _ => b.truncate(i),
                    }
                }
                let b = if i % 2 == 0 { b } else { armor(&b) };
                if let Ok(p) = private_key(&b) {
                    for r in &p.regions {
                        assert!(r.offset + r.length <= b.len() as u64);
                    }
                    for f in &p.findings {
                        assert!(f.offset.is_none_or(|o| o <= b.len() as u64));
                    }
                }
            }
        }
    }
}
