//! SSH private key files of other implementations than OpenSSH: PuTTY's
//! `.ppk` (versions 2 and 3), ssh.com's `---- BEGIN SSH2 ENCRYPTED PRIVATE
//! KEY ----` and dropbear's host keys. Each names its key (type, size,
//! curve) from the parts that are never encrypted; encrypted keys are
//! described, not decrypted.
//!
//! Hand-written: none of these formats has a crate in the tree; they are
//! a few header lines or SSH wire strings (RFC 4251), read with bounds
//! checked before every step.

use base64::Engine as _;
use fx_core::vocab::{Container, FailureKind};
use serde::Serialize;

use crate::algorithm::{KeyAlg, bits_of};
use crate::openssh;
use crate::report::{Finding, Region};
use crate::x509::Parsed;

/// What one of these key files says.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct KeyFileInfo {
    /// `putty_ppk`, `sshcom`, `dropbear`.
    pub format: &'static str,
    /// Format version (PuTTY 2 or 3).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<u32>,
    /// Key type as the file names it.
    pub key_type: String,
    /// Encryption (`none`, `aes256-cbc`, `3des-cbc`, …).
    pub encryption: String,
    /// Key derivation of an encrypted PuTTY v3 key (`Argon2id`, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kdf: Option<String>,
    /// Comment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// The key.
    pub key: KeyAlg,
}

fn text_lines(bytes: &[u8]) -> impl Iterator<Item = (usize, &[u8])> {
    let mut pos = 0;
    bytes.split_inclusive(|&b| b == b'\n').map(move |l| {
        let at = pos;
        pos += l.len();
        (at, l.trim_ascii_end())
    })
}

fn b64(data: &[u8], at: usize) -> Result<Vec<u8>, Finding> {
    let clean: Vec<u8> = data
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    base64::engine::general_purpose::STANDARD
        .decode(clean)
        .map_err(|e| Finding::at(FailureKind::BadBase64, at, format!("key base64: {e}")))
}

fn parsed(info: KeyFileInfo, findings: Vec<Finding>, regions: Vec<Region>) -> Parsed<KeyFileInfo> {
    Parsed {
        key: info.key.clone(),
        info,
        findings,
        regions,
        container: Container::Raw,
    }
}

fn encrypted(enc: &str, what: &str) -> Finding {
    Finding::new(
        FailureKind::Encrypted,
        format!("{what} encrypted with {enc} (not decrypted)"),
    )
}

/// True when `bytes` start like a PuTTY key file.
pub fn looks_like_ppk(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PuTTY-User-Key-File-")
}

/// Parses a PuTTY `.ppk` file (version 2 or 3).
pub fn ppk(bytes: &[u8]) -> Result<Parsed<KeyFileInfo>, Finding> {
    let mut info = KeyFileInfo {
        format: "putty_ppk",
        ..KeyFileInfo::default()
    };
    let mut public: Option<(usize, Vec<u8>)> = None;
    let mut lines = text_lines(bytes);
    while let Some((at, line)) = lines.next() {
        let Some(colon) = memchr::memchr(b':', line) else {
            continue;
        };
        let (name, value) = (&line[..colon], line[colon + 1..].trim_ascii());
        let value_s = String::from_utf8_lossy(value).into_owned();
        match name {
            n if n.starts_with(b"PuTTY-User-Key-File-") => {
                info.version = std::str::from_utf8(&n[20..])
                    .ok()
                    .and_then(|v| v.parse().ok());
                info.key_type = value_s;
            }
            b"Encryption" => info.encryption = value_s,
            b"Comment" => info.comment = Some(value_s),
            b"Key-Derivation" => info.kdf = Some(value_s),
            b"Public-Lines" => {
                let n: usize = value_s.parse().map_err(|_| {
                    Finding::at(
                        FailureKind::MalformedHeader,
                        at,
                        "Public-Lines is not a number",
                    )
                })?;
                let mut b = Vec::new();
                let mut first = None;
                for _ in 0..n.min(4096) {
                    let Some((lat, l)) = lines.next() else {
                        return Err(Finding::at(
                            FailureKind::Truncated,
                            bytes.len(),
                            "public key lines run past the end",
                        ));
                    };
                    first.get_or_insert(lat);
                    b.extend_from_slice(l);
                }
                public = Some((first.unwrap_or(at), b));
            }
            _ => {}
        }
    }
    let (at, b) = public.ok_or_else(|| {
        Finding::new(
            FailureKind::MalformedHeader,
            "PuTTY key file without Public-Lines",
        )
    })?;
    let blob = b64(&b, at)?;
    let (ty, key) = openssh::key_blob(&blob)?;
    let mut findings = Vec::new();
    if ty != info.key_type {
        findings.push(Finding::new(
            FailureKind::MalformedHeader,
            format!("header says {} but the public key is {ty}", info.key_type),
        ));
    }
    if !info.encryption.is_empty() && info.encryption != "none" {
        findings.push(encrypted(&info.encryption, "PuTTY private key"));
    }
    info.key = key;
    Ok(parsed(info, findings, Vec::new()))
}

const SSHCOM_BEGIN: &[u8] = b"---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----";
const SSHCOM_END: &[u8] = b"---- END SSH2 ENCRYPTED PRIVATE KEY ----";
const SSHCOM_MAGIC: u32 = 0x3f6f_f9eb;

/// True when `bytes` hold an ssh.com private key block.
pub fn looks_like_sshcom(bytes: &[u8]) -> bool {
    memchr::memmem::find(&bytes[..bytes.len().min(1024)], SSHCOM_BEGIN).is_some()
}

/// A bounded big-endian reader.
struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize, what: &str) -> Result<&'a [u8], Finding> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|&e| e <= self.buf.len())
            .ok_or_else(|| {
                Finding::at(
                    FailureKind::Truncated,
                    self.pos,
                    format!("{what} of {n} bytes runs past the end"),
                )
            })?;
        let s = &self.buf[self.pos..end];
        self.pos = end;
        Ok(s)
    }

    fn u32(&mut self, what: &str) -> Result<u32, Finding> {
        let b = self.take(4, what)?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn string(&mut self, what: &str) -> Result<&'a [u8], Finding> {
        let n = self.u32(what)? as usize;
        self.take(n, what)
    }

    /// ssh.com's multiple-precision integer: bit count, then the bytes.
    fn sshcom_mpint(&mut self) -> Result<&'a [u8], Finding> {
        let bits = self.u32("mpint")? as usize;
        self.take(bits.div_ceil(8), "mpint")
    }
}

/// Parses an ssh.com `SSH2 ENCRYPTED PRIVATE KEY` block.
pub fn sshcom(bytes: &[u8]) -> Result<Parsed<KeyFileInfo>, Finding> {
    let begin = memchr::memmem::find(bytes, SSHCOM_BEGIN).unwrap_or(0);
    let body_at = begin + SSHCOM_BEGIN.len();
    let end = memchr::memmem::find(&bytes[body_at..], SSHCOM_END)
        .map(|e| body_at + e)
        .ok_or_else(|| {
            Finding::at(
                FailureKind::BadPemArmor,
                begin,
                "block without its END line",
            )
        })?;
    let mut info = KeyFileInfo {
        format: "sshcom",
        ..KeyFileInfo::default()
    };
    let mut b = Vec::new();
    let mut first = None;
    let mut continued = false;
    let mut headers = true;
    for (at, line) in text_lines(&bytes[body_at..end]) {
        let line = line.trim_ascii();
        if line.is_empty() {
            continue;
        }
        if continued {
            continued = line.ends_with(b"\\");
            continue;
        }
        if headers && let Some(colon) = memchr::memchr(b':', line) {
            continued = line.ends_with(b"\\");
            if line[..colon].eq_ignore_ascii_case(b"Comment") {
                let v = String::from_utf8_lossy(line[colon + 1..].trim_ascii());
                info.comment = Some(v.trim_matches('"').to_owned());
            }
            continue;
        }
        headers = false;
        first.get_or_insert(body_at + at);
        b.extend_from_slice(line);
    }
    let at = first.unwrap_or(body_at);
    let blob = b64(&b, at)?;
    let mut r = Reader { buf: &blob, pos: 0 };
    if r.u32("magic")? != SSHCOM_MAGIC {
        return Err(Finding::at(
            FailureKind::BadTag,
            at,
            "not the ssh.com key magic 3f6ff9eb",
        ));
    }
    let _total = r.u32("total length")?;
    info.key_type = String::from_utf8_lossy(r.string("key type")?).into_owned();
    info.encryption = String::from_utf8_lossy(r.string("cipher")?).into_owned();
    let data_at = r.pos + 4;
    let data = r.string("key data")?;
    let mut findings = Vec::new();
    let mut key = KeyAlg::default();
    let ty = info.key_type.as_str();
    if ty.starts_with("if-modn{sign{rsa") {
        key.algorithm = Some("RSA".into());
        key.oid = "1.2.840.113549.1.1.1".into();
    } else if ty.starts_with("dl-modp{sign{dsa") {
        key.algorithm = Some("DSA".into());
        key.oid = "1.2.840.10040.4.1".into();
    } else {
        findings.push(Finding::new(
            FailureKind::UnsupportedAlgorithm,
            format!("ssh.com key type {ty} is not known"),
        ));
    }
    if info.encryption != "none" {
        findings.push(encrypted(&info.encryption, "ssh.com private key"));
    } else {
        // RSA: e, d, n, u, p, q; DSA: a zero word, then p, g, q, y, x.
        let mut d = Reader { buf: data, pos: 0 };
        let _len = d.u32("key data length")?;
        match key.algorithm.as_deref() {
            Some("RSA") => {
                let _e = d.sshcom_mpint()?;
                let _d = d.sshcom_mpint()?;
                key.key_bits = Some(bits_of(d.sshcom_mpint()?));
            }
            Some("DSA") => {
                let _zero = d.u32("DSA key word")?;
                key.key_bits = Some(bits_of(d.sshcom_mpint()?));
            }
            _ => {}
        }
    }
    key.key_len = data.len();
    let region = Region {
        offset: data_at as u64,
        length: data.len() as u64,
        kind: if info.encryption == "none" {
            "secret_key"
        } else {
            "ciphertext"
        },
        algorithm: key.algorithm.clone(),
        score: 750,
        block: Some(0),
        source: "sshcom",
    };
    info.key = key;
    Ok(parsed(info, findings, vec![region]))
}

/// Key types a dropbear host key file starts with.
const DROPBEAR_TYPES: &[&[u8]] = &[
    b"ssh-rsa",
    b"ssh-dss",
    b"ssh-ed25519",
    b"ecdsa-sha2-nistp256",
    b"ecdsa-sha2-nistp384",
    b"ecdsa-sha2-nistp521",
];

/// True when `bytes` start like a dropbear host key: an SSH string naming
/// a key type.
pub fn looks_like_dropbear(bytes: &[u8]) -> bool {
    let Some(n) = bytes
        .get(..4)
        .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize)
    else {
        return false;
    };
    bytes
        .get(4..4 + n)
        .is_some_and(|t| DROPBEAR_TYPES.contains(&t))
        && bytes.len() > 4 + n + 16
}

/// Parses a dropbear host key: the public fields of the key type (read as
/// an SSH public key blob), then the private ones.
pub fn dropbear(bytes: &[u8]) -> Result<Parsed<KeyFileInfo>, Finding> {
    let mut r = Reader { buf: bytes, pos: 0 };
    let ty = String::from_utf8_lossy(r.string("key type")?).into_owned();
    let mut key = KeyAlg::default();
    match ty.as_str() {
        "ssh-rsa" => {
            let _e = r.string("e")?;
            key.algorithm = Some("RSA".into());
            key.key_bits = Some(bits_of(r.string("n")?));
        }
        "ssh-dss" => {
            key.algorithm = Some("DSA".into());
            key.key_bits = Some(bits_of(r.string("p")?));
        }
        "ssh-ed25519" => {
            let k = r.string("key")?;
            // dropbear stores the seed and the public key: 64 bytes.
            if k.len() != 64 && k.len() != 32 {
                return Err(Finding::new(
                    FailureKind::BadLength,
                    format!("Ed25519 key of {} bytes, expected 64", k.len()),
                ));
            }
            key.algorithm = Some("Ed25519".into());
        }
        t => {
            let curve = r.string("curve")?;
            key.algorithm = Some("EC".into());
            key.curve = match curve {
                b"nistp256" => Some("P-256".into()),
                b"nistp384" => Some("P-384".into()),
                b"nistp521" => Some("P-521".into()),
                _ => None,
            };
            if !t.ends_with(&*String::from_utf8_lossy(curve)) {
                return Err(Finding::new(
                    FailureKind::MalformedHeader,
                    format!("key type {t} names another curve"),
                ));
            }
        }
    }
    key.key_len = bytes.len();
    let info = KeyFileInfo {
        format: "dropbear",
        key_type: ty,
        encryption: "none".into(),
        key,
        ..KeyFileInfo::default()
    };
    Ok(parsed(info, Vec::new(), Vec::new()))
}
