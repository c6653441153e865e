//! OpenSSH keys: public key lines (`ssh-ed25519 AAAA… comment`, certificates
//! included) and `openssh-key-v1` private keys (cipher, KDF, rounds; never
//! decrypted). SSH wire format (RFC 4251 strings and mpints), read with
//! bounds checked against the input before every step.

use base64::Engine as _;
use fx_core::vocab::{Container, FailureKind};
use fx_facts::KeyAlgorithm;
use fx_facts::key::OpensshKeyData;
use fx_formats::pem::{SSH2_PUBLIC_KEY_BEGIN as RFC4716_BEGIN, SSH2_PUBLIC_KEY_END as RFC4716_END};

use crate::algorithm::{KeyAlg, bits_of};
use crate::report::{Finding, Region};
use crate::x509::Parsed;

/// A bounded SSH wire reader.
pub(crate) struct Wire<'a> {
    /// The bytes read.
    pub(crate) buf: &'a [u8],
    /// The next byte to read.
    pub(crate) pos: usize,
}

impl<'a> Wire<'a> {
    /// A reader at the start of `buf`.
    pub(crate) fn new(buf: &'a [u8]) -> Wire<'a> {
        Wire { buf, pos: 0 }
    }

    /// A `uint64`.
    pub(crate) fn u64(&mut self) -> Result<u64, Finding> {
        let b = self.buf.get(self.pos..self.pos + 8).ok_or_else(|| {
            Finding::at(FailureKind::Truncated, self.pos, "uint64 runs past the end")
        })?;
        self.pos += 8;
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        Ok(u64::from_be_bytes(a))
    }

    /// A `uint32`.
    pub(crate) fn u32(&mut self) -> Result<u32, Finding> {
        let b = self.buf.get(self.pos..self.pos + 4).ok_or_else(|| {
            Finding::at(FailureKind::Truncated, self.pos, "uint32 runs past the end")
        })?;
        self.pos += 4;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// A `string` (also an `mpint`'s bytes).
    pub(crate) fn string(&mut self) -> Result<&'a [u8], Finding> {
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

    /// A `string` as text (lossy UTF-8).
    pub(crate) fn text(&mut self) -> Result<String, Finding> {
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
pub(crate) fn key_blob(blob: &[u8]) -> Result<(String, KeyAlg), Finding> {
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

/// An OpenSSH key's record (step `openssh`) before its key is read: the
/// container, key type and key are filled in by the parser, the PEM block
/// by the writer; findings are the step's (written beside the data).
fn blank(container: Container) -> OpensshKeyData {
    OpensshKeyData {
        container,
        block: None,
        key_type: String::new(),
        cipher: None,
        kdf: None,
        rounds: None,
        salt_len: None,
        keys: None,
        comment: None,
        line_kind: None,
        marker: None,
        hashed_host: false,
        key: KeyAlgorithm::default(),
        certificate: None,
        findings: Vec::new(),
    }
}

const MAGIC: &[u8] = b"openssh-key-v1\0";

/// Key lines or RFC 4716 blocks read per file at most.
pub const MAX_KEYS: usize = 256;

/// Whether `token` names an SSH public key type (as the first token of a
/// key, after any `authorized_keys` options or `known_hosts` host names).
fn is_key_type(token: &[u8]) -> bool {
    let base = token
        .strip_suffix(b"-cert-v01@openssh.com")
        .unwrap_or(token);
    matches!(
        base,
        b"ssh-ed25519"
            | b"ssh-ed448"
            | b"ssh-rsa"
            | b"ssh-dss"
            | b"ecdsa-sha2-nistp256"
            | b"ecdsa-sha2-nistp384"
            | b"ecdsa-sha2-nistp521"
            | b"sk-ssh-ed25519@openssh.com"
            | b"sk-ecdsa-sha2-nistp256@openssh.com"
            | b"x509v3-ssh-rsa"
            | b"x509v3-ecdsa-sha2-nistp256"
    ) || (base.starts_with(b"ecdsa-sha2-") && base.len() < 40)
}

/// Splits a line into tokens at blanks outside double quotes (the rule of
/// `authorized_keys` options), with each token's offset in the line.
fn tokens(line: &[u8]) -> Vec<(usize, &[u8])> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < line.len() && out.len() < 8 {
        while i < line.len() && (line[i] == b' ' || line[i] == b'\t') {
            i += 1;
        }
        if i >= line.len() {
            break;
        }
        let start = i;
        let mut quoted = false;
        while i < line.len() && (quoted || (line[i] != b' ' && line[i] != b'\t')) {
            if line[i] == b'"' {
                quoted = !quoted;
            } else if line[i] == b'\\' && quoted {
                i += 1;
            }
            i += 1;
        }
        out.push((start, &line[start..i.min(line.len())]));
    }
    out
}

/// Where the key type of a key line is: the index of its token. The type
/// is the first token, or follows a `known_hosts` marker and host list, or
/// `authorized_keys` options.
fn key_type_index(t: &[(usize, &[u8])]) -> Option<usize> {
    (0..t.len().min(3))
        .find(|&i| is_key_type(t[i].1) && t.get(i + 1).is_some_and(|(_, b)| b.starts_with(b"AAAA")))
}

/// What precedes the key type: nothing, `authorized_keys` options, or a
/// `known_hosts` host list (with a marker).
fn line_kind(prefix: &[&[u8]]) -> &'static str {
    match prefix {
        [] => "public_key",
        [first, ..] if first.starts_with(b"@") => "known_hosts",
        [only] if only.starts_with(b"|1|") => "known_hosts",
        [only]
            if memchr::memchr(b'=', only).is_some()
                || [
                    &b"no-"[..],
                    b"restrict",
                    b"cert-authority",
                    b"permit",
                    b"agent-forwarding",
                    b"port-forwarding",
                    b"pty",
                    b"user-rc",
                    b"x11-forwarding",
                    b"touch-required",
                    b"verify-required",
                ]
                .iter()
                .any(|o| only.starts_with(o)) =>
        {
            "authorized_keys"
        }
        _ => "known_hosts",
    }
}

fn decode_blob(b64: &[u8], at: usize) -> Result<Vec<u8>, Finding> {
    base64::engine::general_purpose::STANDARD
        .decode(b64)
        .map_err(|e| {
            Finding::at(
                FailureKind::BadBase64,
                at,
                format!("public key base64: {e}"),
            )
        })
}

fn public_object(
    blob: &[u8],
    line_type: Option<&[u8]>,
    at: usize,
    b64_len: usize,
    line_start: usize,
    mut info: OpensshKeyData,
) -> Result<Parsed<OpensshKeyData>, Finding> {
    let (blob_ty, key) = key_blob(blob)?;
    let mut findings = Vec::new();
    if let Some(ty) = line_type
        && blob_ty.as_bytes() != ty
    {
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
    if container == Container::OpensshCertificate && key.algorithm.is_some() {
        match crate::openssh_cert::certificate(blob) {
            Ok((cert, more)) => {
                info.certificate = Some(Box::new(cert));
                findings.extend(more.into_iter().map(|f| rebase(f, at)));
            }
            Err(f) => findings.push(rebase(f, at)),
        }
    }
    let regions = vec![Region {
        offset: at as u64,
        length: b64_len as u64,
        kind: "public_key",
        algorithm: key.algorithm.clone(),
        score: 700,
        block: None,
        source: "openssh",
    }];
    info.container = container;
    info.key_type = blob_ty;
    info.key = key.record();
    Ok(Parsed {
        info,
        key,
        findings,
        regions,
        container,
    })
}

/// A finding inside a decoded key blob, placed at the base64 text that
/// holds it (offsets in the blob are not offsets in the artifact).
fn rebase(mut f: Finding, at: usize) -> Finding {
    if let Some(o) = f.offset {
        f.detail = format!("{} (at byte {o} of the key blob)", f.detail);
        f.offset = Some(at as u64);
    }
    f
}

/// One key line (`[marker] [hosts|options] type base64 [comment]`); `None`
/// when the line holds no key.
fn key_line(line: &[u8], line_start: usize) -> Option<Result<Parsed<OpensshKeyData>, Finding>> {
    let t = tokens(line);
    let i = key_type_index(&t)?;
    let (b64_at, b64) = t[i + 1];
    let at = line_start + b64_at;
    let prefix: Vec<&[u8]> = t[..i].iter().map(|(_, x)| *x).collect();
    let comment = t
        .get(i + 2)
        .map(|(o, _)| String::from_utf8_lossy(line[*o..].trim_ascii()).into_owned());
    let info = OpensshKeyData {
        comment,
        line_kind: Some(line_kind(&prefix).to_owned()),
        marker: prefix
            .first()
            .filter(|m| m.starts_with(b"@"))
            .map(|m| String::from_utf8_lossy(m).into_owned()),
        hashed_host: prefix.iter().any(|h| h.starts_with(b"|1|")),
        ..blank(Container::OpensshPublicKey)
    };
    Some(
        decode_blob(b64, at)
            .and_then(|blob| public_object(&blob, Some(t[i].1), at, b64.len(), line_start, info)),
    )
}

/// True when `text` holds an OpenSSH public key line (also after
/// `authorized_keys` options or `known_hosts` host names) or an RFC 4716
/// public key block.
pub fn looks_like_public_keys(text: &[u8]) -> bool {
    if memchr::memmem::find(&text[..text.len().min(4096)], RFC4716_BEGIN).is_some() {
        return true;
    }
    let mut lines = 0;
    for line in text.split(|&b| b == b'\n').take(64) {
        let line = line.trim_ascii();
        if line.is_empty() || line.starts_with(b"#") {
            continue;
        }
        lines += 1;
        let t = tokens(line);
        if key_type_index(&t).is_some() {
            return true;
        }
        if lines >= 8 {
            break;
        }
    }
    false
}

/// One RFC 4716 block starting at `begin`: the key and the offset after it.
fn rfc4716_block(text: &[u8], begin: usize) -> (Result<Parsed<OpensshKeyData>, Finding>, usize) {
    let body_start = begin + RFC4716_BEGIN.len();
    let Some(end_rel) = memchr::memmem::find(&text[body_start..], RFC4716_END) else {
        return (
            Err(Finding::at(
                FailureKind::BadPemArmor,
                begin,
                "RFC 4716 block without its END line",
            )),
            text.len(),
        );
    };
    let end = body_start + end_rel;
    let mut comment = None;
    let mut b64 = Vec::new();
    let mut b64_at = None;
    let mut continued = false;
    let mut in_headers = true;
    let mut pos = body_start;
    for raw in text[body_start..end].split_inclusive(|&b| b == b'\n') {
        let line_at = pos;
        pos += raw.len();
        let line = raw.trim_ascii();
        if line.is_empty() {
            continue;
        }
        if continued {
            continued = line.ends_with(b"\\");
            continue;
        }
        if in_headers && let Some(colon) = memchr::memchr(b':', line) {
            let tag = &line[..colon];
            let value = line[colon + 1..].trim_ascii();
            continued = value.ends_with(b"\\");
            if tag.eq_ignore_ascii_case(b"Comment") {
                let v = value.strip_suffix(b"\\").unwrap_or(value);
                comment = Some(
                    String::from_utf8_lossy(v.trim_ascii())
                        .trim_matches('"')
                        .to_owned(),
                );
            }
            continue;
        }
        in_headers = false;
        b64_at.get_or_insert(line_at + (raw.len() - raw.trim_ascii_start().len()));
        b64.extend_from_slice(line);
    }
    let at = b64_at.unwrap_or(body_start);
    let info = OpensshKeyData {
        comment,
        line_kind: Some("rfc4716".to_owned()),
        ..blank(Container::OpensshPublicKey)
    };
    let r = decode_blob(&b64, at)
        .and_then(|blob| public_object(&blob, None, at, end - at, begin, info));
    (r, end + RFC4716_END.len())
}

/// Every public key of a text: OpenSSH `.pub` lines, `authorized_keys`
/// (options before the key type), `known_hosts` (plain or hashed host
/// names, `@cert-authority`/`@revoked` markers) and RFC 4716 blocks — at
/// most `MAX_KEYS`, in file order. Lines that hold no key are skipped.
pub fn public_keys(text: &[u8]) -> Vec<Result<Parsed<OpensshKeyData>, Finding>> {
    let mut out = Vec::new();
    let mut pos = 0;
    while pos < text.len() && out.len() < MAX_KEYS {
        let rest = &text[pos..];
        let line_end = memchr::memchr(b'\n', rest).map_or(rest.len(), |i| i + 1);
        let line = &rest[..line_end];
        let lead = line.len() - line.trim_ascii_start().len();
        if line[lead..].starts_with(RFC4716_BEGIN) {
            let (r, next) = rfc4716_block(text, pos + lead);
            out.push(r);
            pos = next;
            continue;
        }
        let trimmed = line.trim_ascii();
        if !trimmed.is_empty()
            && !trimmed.starts_with(b"#")
            && let Some(r) = key_line(trimmed, pos + lead)
        {
            out.push(r);
        }
        pos += line_end;
    }
    out
}

/// Parses the decoded body of an `OPENSSH PRIVATE KEY` block.
pub fn private_key(body: &[u8]) -> Result<Parsed<OpensshKeyData>, Finding> {
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
    let mut info = OpensshKeyData {
        cipher: Some(cipher.clone()),
        kdf: Some(kdf.clone()),
        keys: Some(nkeys),
        ..blank(Container::OpensshPrivateKey)
    };
    if kdf == "bcrypt" {
        let mut o = Wire {
            buf: kdf_opts,
            pos: 0,
        };
        info.salt_len = Some(o.string()?.len() as u64);
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
    info.key = key.record();
    Ok(Parsed {
        info,
        key,
        findings,
        regions,
        container: Container::OpensshPrivateKey,
    })
}
