//! OpenSSH keys: public key lines (`ssh-ed25519 AAAA… comment`, certificates
//! included) and `openssh-key-v1` private keys (cipher, KDF, rounds; never
//! decrypted). SSH wire format (RFC 4251 strings and mpints), read with
//! bounds checked against the input before every step.

use base64::Engine as _;
use fx_core::vocab::{Container, FailureKind};
use serde::Serialize;

use crate::algorithm::{KeyAlg, bits_of};
use crate::report::{Finding, Region};
use crate::x509::Parsed;

/// A bounded SSH wire reader.
struct Wire<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Wire<'a> {
    fn u32(&mut self) -> Result<u32, Finding> {
        let b = self.buf.get(self.pos..self.pos + 4).ok_or_else(|| {
            Finding::at(FailureKind::Truncated, self.pos, "uint32 runs past the end")
        })?;
        self.pos += 4;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn string(&mut self) -> Result<&'a [u8], Finding> {
        let at = self.pos;
        let n = self.u32()? as usize;
        let remaining = self.buf.len().saturating_sub(self.pos);
        if n > remaining {
            return Err(Finding::at(
                if n > self.buf.len() {
                    FailureKind::LengthOverflow
                } else {
                    FailureKind::Truncated
                },
                at,
                format!("string of {n} bytes, {remaining} remain"),
            ));
        }
        let s = &self.buf[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }

    fn text(&mut self) -> Result<String, Finding> {
        Ok(String::from_utf8_lossy(self.string()?).into_owned())
    }
}

fn curve_of(id: &str) -> Option<&'static str> {
    Some(match id {
        "nistp256" => "P-256",
        "nistp384" => "P-384",
        "nistp521" => "P-521",
        _ => return None,
    })
}

/// Reads a public key blob (`string type, …`).
fn key_blob(blob: &[u8]) -> Result<(String, KeyAlg), Finding> {
    let mut w = Wire { buf: blob, pos: 0 };
    let ty = w.text()?;
    let base = ty
        .strip_suffix("-cert-v01@openssh.com")
        .unwrap_or(&ty)
        .to_owned();
    let mut k = KeyAlg {
        oid: String::new(),
        key_len: blob.len(),
        ..KeyAlg::default()
    };
    if ty.ends_with("-cert-v01@openssh.com") {
        let _nonce = w.string()?;
    }
    match base.as_str() {
        "ssh-rsa" => {
            let _e = w.string()?;
            let n = w.string()?;
            k.algorithm = Some("RSA".into());
            k.key_bits = Some(bits_of(n));
        }
        "ssh-dss" => {
            let p = w.string()?;
            k.algorithm = Some("DSA".into());
            k.key_bits = Some(bits_of(p));
        }
        "ssh-ed25519" | "sk-ssh-ed25519@openssh.com" => {
            let q = w.string()?;
            k.algorithm = Some("Ed25519".into());
            k.expected_len = Some(32);
            if q.len() != 32 {
                return Err(Finding::new(
                    FailureKind::BadLength,
                    format!("Ed25519 key of {} bytes, expected 32", q.len()),
                ));
            }
        }
        "ssh-ed448" => {
            k.algorithm = Some("Ed448".into());
        }
        t if t.starts_with("ecdsa-sha2-") || t.starts_with("sk-ecdsa-sha2-") => {
            let curve = w.text()?;
            k.algorithm = Some("EC".into());
            k.curve = curve_of(&curve).map(str::to_owned);
        }
        // Unknown key types keep no algorithm; the caller reports them.
        _ => {}
    }
    Ok((ty, k))
}

/// What an OpenSSH key says.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SshInfo {
    /// Key type string (`ssh-ed25519`, `ecdsa-sha2-nistp256`, `ssh-rsa-cert-v01@openssh.com`…).
    pub key_type: String,
    /// Cipher of a private key (`none`, `aes256-ctr`, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cipher: Option<String>,
    /// KDF of a private key (`none`, `bcrypt`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kdf: Option<String>,
    /// bcrypt rounds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rounds: Option<u32>,
    /// KDF salt length.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub salt_len: Option<usize>,
    /// Keys in a private key file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub keys: Option<u32>,
    /// Comment of a public key line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// The key.
    pub key: KeyAlg,
}

const MAGIC: &[u8] = b"openssh-key-v1\0";

/// True when `text` starts like an OpenSSH public key line.
pub fn looks_like_public_line(text: &[u8]) -> bool {
    let t = text.trim_ascii_start();
    [b"ssh-".as_slice(), b"ecdsa-sha2-", b"sk-ssh-", b"sk-ecdsa-"]
        .iter()
        .any(|p| t.starts_with(p))
}

/// Parses an OpenSSH public key line (the first line that is one).
pub fn public_line(text: &[u8]) -> Result<Parsed<SshInfo>, Finding> {
    let line_start = text.len() - text.trim_ascii_start().len();
    let line = text[line_start..]
        .split(|&b| b == b'\n')
        .next()
        .unwrap_or(&[]);
    let mut parts = line
        .split(|&b| b == b' ' || b == b'\t')
        .filter(|p| !p.is_empty());
    let ty = parts.next().unwrap_or(&[]);
    let b64 = parts.next().ok_or_else(|| {
        Finding::at(
            FailureKind::MalformedHeader,
            line_start,
            "public key line without a key",
        )
    })?;
    let b64_off = line_start + (b64.as_ptr() as usize - line.as_ptr() as usize);
    let comment: Vec<&[u8]> = parts.collect();
    let blob = base64::engine::general_purpose::STANDARD
        .decode(b64)
        .map_err(|e| {
            Finding::at(
                FailureKind::BadBase64,
                b64_off,
                format!("public key base64: {e}"),
            )
        })?;
    let (blob_ty, key) = key_blob(&blob)?;
    let mut findings = Vec::new();
    if blob_ty.as_bytes() != ty {
        findings.push(Finding::at(
            FailureKind::MalformedHeader,
            line_start,
            format!(
                "line says {} but the key blob says {blob_ty}",
                String::from_utf8_lossy(ty)
            ),
        ));
    }
    if key.algorithm.is_none() {
        findings.push(Finding::new(
            FailureKind::UnsupportedAlgorithm,
            format!("key type {blob_ty} is not known"),
        ));
    }
    let container = if blob_ty.ends_with("-cert-v01@openssh.com") {
        Container::OpensshCertificate
    } else {
        Container::OpensshPublicKey
    };
    let regions = vec![Region {
        offset: b64_off as u64,
        length: b64.len() as u64,
        kind: "public_key",
        algorithm: key.algorithm.clone(),
        score: 700,
        block: None,
        source: "openssh",
    }];
    let comment =
        (!comment.is_empty()).then(|| String::from_utf8_lossy(&comment.join(&b' ')).into_owned());
    Ok(Parsed {
        info: SshInfo {
            key_type: blob_ty,
            comment,
            key: key.clone(),
            ..SshInfo::default()
        },
        key,
        findings,
        regions,
        container,
    })
}

/// Parses the decoded body of an `OPENSSH PRIVATE KEY` block.
pub fn private_key(body: &[u8]) -> Result<Parsed<SshInfo>, Finding> {
    if !body.starts_with(MAGIC) {
        return Err(Finding::at(
            FailureKind::BadTag,
            0,
            "missing openssh-key-v1 magic",
        ));
    }
    let mut w = Wire {
        buf: body,
        pos: MAGIC.len(),
    };
    let cipher = w.text()?;
    let kdf = w.text()?;
    let kdf_opts = w.string()?;
    let nkeys = w.u32()?;
    let mut info = SshInfo {
        cipher: Some(cipher.clone()),
        kdf: Some(kdf.clone()),
        keys: Some(nkeys),
        ..SshInfo::default()
    };
    if kdf == "bcrypt" {
        let mut o = Wire {
            buf: kdf_opts,
            pos: 0,
        };
        info.salt_len = Some(o.string()?.len());
        info.rounds = Some(o.u32()?);
    }
    if nkeys == 0 || nkeys > 64 {
        return Err(Finding::at(
            FailureKind::BadLength,
            w.pos - 4,
            format!("{nkeys} keys"),
        ));
    }
    let blob = w.string()?;
    let (ty, key) = key_blob(blob)?;
    for _ in 1..nkeys {
        let _ = w.string()?;
    }
    let secret_at = w.pos + 4;
    let secret = w.string()?;
    let mut findings = Vec::new();
    let mut regions = Vec::new();
    if cipher != "none" {
        findings.push(Finding::new(
            FailureKind::Encrypted,
            format!("private key encrypted with {cipher} ({kdf}), not decrypted"),
        ));
        regions.push(Region {
            offset: secret_at as u64,
            length: secret.len() as u64,
            kind: "ciphertext",
            algorithm: Some(cipher.clone()),
            score: 800,
            block: None,
            source: "openssh",
        });
    } else {
        regions.push(Region {
            offset: secret_at as u64,
            length: secret.len() as u64,
            kind: "secret_key",
            algorithm: key.algorithm.clone(),
            score: 800,
            block: None,
            source: "openssh",
        });
    }
    if w.pos < body.len() {
        findings.push(Finding::at(
            FailureKind::TrailingData,
            w.pos,
            format!("{} bytes after the key", body.len() - w.pos),
        ));
    }
    info.key_type = ty;
    info.key = key.clone();
    Ok(Parsed {
        info,
        key,
        findings,
        regions,
        container: Container::OpensshPrivateKey,
    })
}
