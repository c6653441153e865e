//! PuTTY private key files (`.ppk`, versions 2 and 3), read as puttygen
//! writes them, header by header:
//!
//! ```text
//! PuTTY-User-Key-File-3: ssh-ed25519
//! Encryption: none | aes256-cbc
//! Comment: …
//! Public-Lines: N          N lines of base64: the SSH public key blob
//! Key-Derivation: Argon2id (v3, encrypted only; with Argon2-Memory,
//!                  Argon2-Passes, Argon2-Parallelism, Argon2-Salt)
//! Private-Lines: M         M lines of base64: the private fields
//! Private-MAC: hex         HMAC-SHA-1 (v2) or HMAC-SHA-256 (v3)
//! ```
//!
//! The key is named from the public blob, which is never encrypted (SSH wire
//! format, read with [`crate::dropbear`]'s strict reader); an encrypted file
//! is described (cipher, Argon2 parameters), never decrypted, and the MAC is
//! not verified. Every offset is in the raw file: a problem inside a
//! decoded blob is placed on the base64 character that carries the byte.
//!
//! The line and base64 helpers are shared with [`crate::sshcom`].

use base64::Engine as _;
use fx_core::vocab::{Container, FailureKind};
use fx_facts::key::{PuttyKdf, PuttyKeyData};

use crate::algorithm::KeyAlg;
use crate::dropbear::{self, KeyType, MAX_FIELD, MAX_NAME, Wire};
use crate::report::{Finding, Region};
use crate::x509::Parsed;

/// One line of a text file.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Line<'a> {
    /// Offset of its first byte in the file.
    pub(crate) at: usize,
    /// Its bytes without the line ending (`\n` or `\r\n`).
    pub(crate) text: &'a [u8],
    /// Whether a `\n` ends it (false: the input ends inside it).
    pub(crate) terminated: bool,
}

/// The lines of `bytes`, with their offsets.
pub(crate) fn lines(bytes: &[u8]) -> impl Iterator<Item = Line<'_>> {
    let mut pos = 0;
    std::iter::from_fn(move || {
        if pos >= bytes.len() {
            return None;
        }
        let at = pos;
        let rest = &bytes[at..];
        let (raw, terminated) = match memchr::memchr(b'\n', rest) {
            Some(i) => (&rest[..i], true),
            None => (rest, false),
        };
        pos += raw.len() + usize::from(terminated);
        let text = raw.strip_suffix(b"\r").unwrap_or(raw);
        Some(Line {
            at,
            text,
            terminated,
        })
    })
}

/// `Name: value` (name of letters, digits and dashes); `None` for any
/// other line — base64 never holds a colon.
pub(crate) fn header(text: &[u8]) -> Option<(&[u8], &[u8])> {
    let colon = memchr::memchr(b':', text)?;
    let name = &text[..colon];
    if name.is_empty() || !name.iter().all(|&b| b.is_ascii_alphanumeric() || b == b'-') {
        return None;
    }
    Some((name, text[colon + 1..].trim_ascii()))
}

/// Base64 text spread over lines, kept with the offset of every line so a
/// problem in the decoded bytes can be placed in the file.
#[derive(Debug, Default)]
pub(crate) struct Base64Text<'a> {
    pieces: Vec<(usize, &'a [u8])>,
}

impl<'a> Base64Text<'a> {
    /// Appends a line (surrounding blanks are not part of the text).
    pub(crate) fn push(&mut self, line: Line<'a>) {
        let lead = line.text.len() - line.text.trim_ascii_start().len();
        self.pieces.push((line.at + lead, line.text.trim_ascii()));
    }

    /// Lines held.
    pub(crate) fn lines(&self) -> usize {
        self.pieces.len()
    }

    /// Base64 characters held.
    fn chars(&self) -> usize {
        self.pieces.iter().map(|(_, t)| t.len()).sum()
    }

    /// File offset of base64 character `i` (the end of the text when `i`
    /// is past it).
    pub(crate) fn char_offset(&self, mut i: usize) -> usize {
        for &(at, t) in &self.pieces {
            if i < t.len() {
                return at + i;
            }
            i -= t.len();
        }
        self.pieces.last().map_or(0, |&(at, t)| at + t.len())
    }

    /// File offset of the base64 character that carries decoded byte `k`.
    pub(crate) fn decoded_offset(&self, k: usize) -> usize {
        self.char_offset(k / 3 * 4)
    }

    /// The file span `(offset, length)` of the characters carrying decoded
    /// bytes `start..end`.
    pub(crate) fn span_of(&self, start: usize, end: usize) -> (usize, usize) {
        let from = self.decoded_offset(start);
        let to = self.char_offset((end.div_ceil(3) * 4).saturating_sub(1)) + 1;
        (from, to.saturating_sub(from))
    }

    /// The file span of all the text.
    pub(crate) fn span(&self) -> (usize, usize) {
        match (self.pieces.first(), self.pieces.last()) {
            (Some(&(from, _)), Some(&(at, t))) => (from, at + t.len() - from),
            _ => (0, 0),
        }
    }

    /// Moves a finding about decoded byte `offset` onto the file.
    pub(crate) fn relocate(&self, mut f: Finding, what: &str) -> Finding {
        if let Some(k) = f.offset {
            f.offset = Some(self.decoded_offset(k as usize) as u64);
            f.detail = format!("{what}: {} (decoded byte {k})", f.detail);
        }
        f
    }

    /// Decodes the text. With `cut` (the input ended inside it) the
    /// incomplete last group of four is dropped. A character outside the
    /// alphabet, misplaced padding or a wrong length is `bad_base64` at its
    /// file offset.
    pub(crate) fn decode(&self, cut: bool, what: &str) -> Result<Vec<u8>, Finding> {
        let mut text = Vec::with_capacity(self.chars());
        for &(at, t) in &self.pieces {
            if let Some(i) = t
                .iter()
                .position(|&b| !(b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=')))
            {
                return Err(Finding::at(
                    FailureKind::BadBase64,
                    at + i,
                    format!("{what}: byte 0x{:02x} is not base64", t[i]),
                ));
            }
            text.extend_from_slice(t);
        }
        if cut {
            text.truncate(text.len() / 4 * 4);
        }
        base64::engine::general_purpose::STANDARD
            .decode(&text)
            .map_err(|e| {
                let (i, why) = match e {
                    base64::DecodeError::InvalidByte(i, _) => (i, "misplaced padding"),
                    base64::DecodeError::InvalidLastSymbol(i, _) => {
                        (i, "last character has bits set past the data")
                    }
                    base64::DecodeError::InvalidLength(_) => {
                        (text.len(), "length is not a multiple of four")
                    }
                    base64::DecodeError::InvalidPadding => (text.len(), "wrong padding"),
                };
                Finding::at(
                    FailureKind::BadBase64,
                    self.char_offset(i),
                    format!("{what}: {why}"),
                )
            })
    }
}

const MAGIC: &[u8] = b"PuTTY-User-Key-File-";

/// The headers of an encrypted version 3 file between the public and the
/// private blob.
const KDF_HEADERS: [&[u8]; 5] = [
    b"Key-Derivation",
    b"Argon2-Memory",
    b"Argon2-Passes",
    b"Argon2-Parallelism",
    b"Argon2-Salt",
];

/// True when `bytes` start like a PuTTY key file (any version: an unknown
/// one is reported by [`ppk`]).
pub fn looks_like_ppk(bytes: &[u8]) -> bool {
    bytes.starts_with(MAGIC)
}

/// The next line, which must be header `name` followed by more of the
/// file: the value.
fn required<'a>(
    it: &mut impl Iterator<Item = Line<'a>>,
    name: &str,
    end: usize,
) -> Result<(usize, &'a [u8]), Finding> {
    let Some(l) = it.next() else {
        return Err(Finding::at(
            FailureKind::Truncated,
            end,
            format!("input ends before the {name} header"),
        ));
    };
    if !l.terminated {
        return Err(Finding::at(
            FailureKind::Truncated,
            l.at,
            format!("input ends inside the {name} header"),
        ));
    }
    match header(l.text) {
        Some((n, v)) if n == name.as_bytes() => Ok((l.at, v)),
        _ => Err(Finding::at(
            FailureKind::MalformedHeader,
            l.at,
            format!(
                "expected the {name} header, found {:?}",
                String::from_utf8_lossy(&l.text[..l.text.len().min(40)])
            ),
        )),
    }
}

fn count(value: &[u8], at: usize, name: &str) -> Result<usize, Finding> {
    std::str::from_utf8(value)
        .ok()
        .filter(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|v| v.parse::<u32>().ok())
        .map(|n| n as usize)
        .ok_or_else(|| {
            Finding::at(
                FailureKind::MalformedHeader,
                at,
                format!("{name} is not a line count"),
            )
        })
}

/// Base64 lines up to the next header line or the end of the input, and
/// whether the input ended first.
fn base64_lines<'a>(
    it: &mut std::iter::Peekable<impl Iterator<Item = Line<'a>>>,
) -> (Base64Text<'a>, bool) {
    let mut text = Base64Text::default();
    while let Some(l) = it.next_if(|l| header(l.text).is_none()) {
        text.push(l);
    }
    let at_end = it.peek().is_none();
    (text, at_end)
}

fn lossy(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn is_hex(b: &[u8]) -> bool {
    b.iter().all(u8::is_ascii_hexdigit)
}

fn text_region(
    span: (usize, usize),
    kind: &'static str,
    alg: Option<String>,
    score: u32,
) -> Region {
    Region {
        offset: span.0 as u64,
        length: span.1 as u64,
        kind,
        algorithm: alg,
        score,
        block: None,
        source: "putty",
    }
}

/// Reads the fields of an unencrypted private blob: RSA d, p, q, iqmp;
/// DSA x; ECDSA the scalar; EdDSA the private key string.
fn private_fields(blob: &[u8], ty: KeyType) -> Result<usize, Finding> {
    let mut w = Wire::new(blob);
    match ty {
        KeyType::Rsa => {
            for what in ["RSA d", "RSA p", "RSA q", "RSA iqmp"] {
                w.mpint(what)?;
            }
        }
        KeyType::Dss => {
            w.mpint("DSA x")?;
        }
        KeyType::Ecdsa(c) => dropbear::ec_scalar(&mut w, c)?,
        KeyType::Ed25519 | KeyType::Ed448 => {
            let len = if ty == KeyType::Ed25519 { 32 } else { 57 };
            let at = w.pos();
            let k = w.string(MAX_FIELD, "EdDSA private key")?;
            if k.len() != len {
                return Err(Finding::at(
                    FailureKind::BadLength,
                    at,
                    format!("EdDSA private key of {} bytes, expected {len}", k.len()),
                ));
            }
        }
    }
    Ok(w.pos())
}

/// Parses a PuTTY `.ppk` file, versions 2 and 3.
///
/// An error (`Err`) means the key could not be named: not a PuTTY file
/// (`bad_tag`), another version or a header out of place
/// (`malformed_header`), the input ending before the public blob is whole
/// (`truncated`), bad base64 in it (`bad_base64`), or a public blob that
/// is no key. Once the key is named, what is wrong in the rest is a
/// finding: `encrypted`, a line count that does not match its lines
/// (`bad_length`), `truncated`, `bad_base64`, `trailing_data`, and
/// `malformed_header` for the header type disagreeing with the blob or an
/// unknown cipher or KDF. Regions: the public base64 (`public_key`, 700)
/// and the private base64 (`secret_key`, or `ciphertext` when encrypted,
/// 800), as spans of the file.
pub fn ppk(bytes: &[u8]) -> Result<Parsed<PuttyKeyData>, Finding> {
    let end = bytes.len();
    let mut it = lines(bytes).peekable();
    let (first, first_ends) = it
        .next()
        .map_or((&b""[..], false), |l| (l.text, l.terminated));
    if !first.starts_with(MAGIC) {
        return Err(if MAGIC.starts_with(first) && !first_ends {
            Finding::at(
                FailureKind::Truncated,
                end,
                "input ends inside the PuTTY magic",
            )
        } else {
            Finding::at(FailureKind::BadTag, 0, "not a PuTTY-User-Key-File")
        });
    }
    if !first_ends {
        return Err(Finding::at(
            FailureKind::Truncated,
            0,
            "input ends inside the first line",
        ));
    }
    let (version, key_type) = header(first)
        .and_then(|(n, v)| {
            let digits = std::str::from_utf8(&n[MAGIC.len()..]).ok()?;
            let version = digits.parse::<u32>().ok()?;
            Some((version, lossy(v)))
        })
        .ok_or_else(|| {
            Finding::at(
                FailureKind::MalformedHeader,
                0,
                "first line is not PuTTY-User-Key-File-<version>: <key type>",
            )
        })?;
    if !(2..=3).contains(&version) {
        return Err(Finding::at(
            FailureKind::MalformedHeader,
            0,
            format!("PuTTY key file version {version}: fx reads versions 2 and 3"),
        ));
    }
    let (enc_at, encryption) = required(&mut it, "Encryption", end)?;
    let encryption = lossy(encryption);
    let (_, comment) = required(&mut it, "Comment", end)?;
    let comment = lossy(comment);
    let (pl_at, pl) = required(&mut it, "Public-Lines", end)?;
    let public_lines = count(pl, pl_at, "Public-Lines")?;

    let (mut public, at_end) = base64_lines(&mut it);
    let mut findings = Vec::new();
    // The input ends inside the public blob, or right after it.
    let cut = at_end;
    if at_end && public.lines() > public_lines {
        // Lines past the count at the end of the input are what a cut left
        // of the next header.
        public.pieces.truncate(public_lines);
    }
    if at_end && public.lines() < public_lines {
        return Err(Finding::at(
            FailureKind::Truncated,
            end,
            format!(
                "Public-Lines says {public_lines}, the input ends after {}",
                public.lines()
            ),
        ));
    }
    if public.lines() != public_lines {
        findings.push(Finding::at(
            FailureKind::BadLength,
            pl_at,
            format!(
                "Public-Lines says {public_lines}, {} lines of base64 follow",
                public.lines()
            ),
        ));
    }
    // Why the public key cannot be read: the input ending inside it, a
    // line count that left lines out, or what the blob itself says.
    let mismatch = findings.first().cloned();
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
    let unreadable = |f: Finding| match &mismatch {
        Some(m) if !cut => Finding {
            detail: format!("{}; {}", m.detail, f.detail),
            ..m.clone()
        },
        _ => as_cut(f),
    };
    let blob = public.decode(cut, "public key").map_err(as_cut)?;
    let mut w = Wire::new(&blob);
    let blob_type = w
        .string(MAX_NAME, "key type")
        .map_err(|f| unreadable(public.relocate(f, "public key")))?;
    let ty = dropbear::key_type(blob_type);
    let mut key = match ty {
        Some(ty) => dropbear::public_fields(&mut w, ty)
            .map_err(|f| unreadable(public.relocate(f, "public key")))?,
        None => {
            findings.push(Finding::at(
                FailureKind::UnsupportedAlgorithm,
                public.span().0,
                format!("key type {} is not known", lossy(blob_type)),
            ));
            w = Wire::new(&[]);
            KeyAlg::default()
        }
    };
    key.key_len = blob.len();
    if w.rest() > 0 {
        findings.push(public.relocate(
            Finding::at(
                FailureKind::TrailingData,
                w.pos(),
                format!("{} bytes after the key's fields", w.rest()),
            ),
            "public key",
        ));
    }
    if blob_type != key_type.as_bytes() {
        findings.push(Finding::at(
            FailureKind::MalformedHeader,
            0,
            format!(
                "first line says {key_type} but the public key is {}",
                lossy(blob_type)
            ),
        ));
    }
    let encrypted = encryption != "none";
    if encrypted && encryption != "aes256-cbc" {
        findings.push(Finding::at(
            FailureKind::MalformedHeader,
            enc_at,
            format!("encryption {encryption} is not one PuTTY knows"),
        ));
    }
    let mut regions = vec![text_region(
        public.span(),
        "public_key",
        key.algorithm.clone(),
        700,
    )];
    let mut info = PuttyKeyData {
        container: Container::PuttyPrivateKey,
        version,
        key_type,
        encryption,
        comment,
        kdf: None,
        key: key.record(),
        // The step's findings are written by `Step::into_event`.
        findings: Vec::new(),
    };
    if !cut {
        after_public(bytes, &mut it, &mut info, ty, &mut findings, &mut regions);
    } else {
        findings.push(Finding::at(
            FailureKind::Truncated,
            end,
            "input ends before Private-Lines",
        ));
    }
    if encrypted {
        let kdf = info.kdf.as_ref().map_or("", |k| k.name.as_str());
        findings.push(Finding::at(
            FailureKind::Encrypted,
            enc_at,
            format!(
                "private key encrypted with {}{}{kdf}, not decrypted",
                info.encryption,
                if kdf.is_empty() { "" } else { " under " }
            ),
        ));
    }
    Ok(Parsed {
        info,
        key,
        findings,
        regions,
        container: Container::PuttyPrivateKey,
    })
}

/// Everything after the public blob: the KDF headers, the private blob and
/// the MAC — findings only, the key is named already.
fn after_public<'a>(
    bytes: &'a [u8],
    it: &mut std::iter::Peekable<impl Iterator<Item = Line<'a>>>,
    info: &mut PuttyKeyData,
    ty: Option<KeyType>,
    findings: &mut Vec<Finding>,
    regions: &mut Vec<Region>,
) {
    let end = bytes.len();
    let encrypted = info.encryption != "none";
    let private_lines;
    let pl_at;
    loop {
        let Some(l) = it.next() else {
            findings.push(Finding::at(
                FailureKind::Truncated,
                end,
                "input ends before Private-Lines",
            ));
            return;
        };
        if !l.terminated {
            findings.push(Finding::at(
                FailureKind::Truncated,
                l.at,
                "input ends inside a header before the private key",
            ));
            return;
        }
        let Some((name, value)) = header(l.text) else {
            // `base64_lines` stops at a header or the end: unreachable, but
            // a finding is better than a panic.
            findings.push(Finding::at(
                FailureKind::MalformedHeader,
                l.at,
                "not a header",
            ));
            return;
        };
        if name == b"Private-Lines" {
            match count(value, l.at, "Private-Lines") {
                Ok(n) => private_lines = n,
                Err(f) => {
                    findings.push(f);
                    return;
                }
            }
            pl_at = l.at;
            break;
        }
        let number = |findings: &mut Vec<Finding>| {
            let n = std::str::from_utf8(value)
                .ok()
                .and_then(|v| v.parse::<u32>().ok());
            if n.is_none() {
                findings.push(Finding::at(
                    FailureKind::MalformedHeader,
                    l.at,
                    format!("{} is not a number", lossy(name)),
                ));
            }
            n
        };
        if !KDF_HEADERS.contains(&name) {
            findings.push(Finding::at(
                FailureKind::MalformedHeader,
                l.at,
                format!("unexpected header {} before Private-Lines", lossy(name)),
            ));
            return;
        }
        let kdf = info.kdf.get_or_insert_with(PuttyKdf::default);
        match name {
            b"Key-Derivation" => {
                kdf.name = lossy(value);
                if !matches!(value, b"Argon2id" | b"Argon2i" | b"Argon2d") {
                    findings.push(Finding::at(
                        FailureKind::MalformedHeader,
                        l.at,
                        format!("key derivation {} is not one PuTTY knows", kdf.name),
                    ));
                }
            }
            b"Argon2-Memory" => kdf.memory_kib = number(findings),
            b"Argon2-Passes" => kdf.passes = number(findings),
            b"Argon2-Parallelism" => kdf.parallelism = number(findings),
            _ => {
                if is_hex(value) && value.len() % 2 == 0 {
                    kdf.salt_len = Some((value.len() / 2) as u64);
                } else {
                    findings.push(Finding::at(
                        FailureKind::MalformedHeader,
                        l.at,
                        "Argon2-Salt is not hex",
                    ));
                }
            }
        }
    }
    match &info.kdf {
        Some(_) if info.version == 2 => findings.push(Finding::at(
            FailureKind::MalformedHeader,
            pl_at,
            "key derivation headers in a version 2 file",
        )),
        Some(_) if !encrypted => findings.push(Finding::at(
            FailureKind::MalformedHeader,
            pl_at,
            "key derivation headers in a file that is not encrypted",
        )),
        Some(k) if k.name.is_empty() => findings.push(Finding::at(
            FailureKind::MalformedHeader,
            pl_at,
            "Argon2 parameters without Key-Derivation",
        )),
        None if info.version == 3 && encrypted => findings.push(Finding::at(
            FailureKind::MalformedHeader,
            pl_at,
            "encrypted version 3 file without Key-Derivation",
        )),
        _ => {}
    }

    let (private, at_end) = base64_lines(it);
    let alg = if encrypted {
        Some(info.encryption.clone())
    } else {
        info.key.algorithm.clone()
    };
    let kind = if encrypted {
        "ciphertext"
    } else {
        "secret_key"
    };
    if private.lines() > 0 {
        regions.push(text_region(private.span(), kind, alg, 800));
    }
    if at_end {
        // The input ends inside the private blob or before the MAC: one
        // finding says so, whatever the cut left of the blob.
        findings.push(Finding::at(
            FailureKind::Truncated,
            end,
            if private.lines() < private_lines {
                format!(
                    "Private-Lines says {private_lines}, the input ends after {}",
                    private.lines()
                )
            } else {
                "input ends before Private-MAC".to_owned()
            },
        ));
        return;
    }
    if private.lines() != private_lines {
        findings.push(Finding::at(
            FailureKind::BadLength,
            pl_at,
            format!(
                "Private-Lines says {private_lines}, {} lines of base64 follow",
                private.lines()
            ),
        ));
    }
    match private.decode(false, "private key") {
        Err(f) => findings.push(f),
        Ok(blob) if encrypted => {
            if blob.len() % 16 != 0 {
                findings.push(Finding::at(
                    FailureKind::BadLength,
                    private.span().0,
                    format!(
                        "encrypted private key of {} bytes, not whole AES blocks",
                        blob.len()
                    ),
                ));
            }
        }
        Ok(blob) => match ty.map(|t| private_fields(&blob, t)) {
            Some(Err(f)) => findings.push(private.relocate(f, "private key")),
            Some(Ok(used)) if used < blob.len() => findings.push(private.relocate(
                Finding::at(
                    FailureKind::TrailingData,
                    used,
                    format!("{} bytes after the key's fields", blob.len() - used),
                ),
                "private key",
            )),
            _ => {}
        },
    }

    mac(bytes, it, info.version, findings);
}

/// The `Private-MAC` line and what follows it.
fn mac<'a>(
    bytes: &'a [u8],
    it: &mut impl Iterator<Item = Line<'a>>,
    version: u32,
    findings: &mut Vec<Finding>,
) {
    let Some(l) = it.next() else {
        findings.push(Finding::at(
            FailureKind::Truncated,
            bytes.len(),
            "input ends before Private-MAC",
        ));
        return;
    };
    let want = if version == 2 { 40 } else { 64 };
    match header(l.text) {
        Some((b"Private-MAC", v)) if v.len() == want && is_hex(v) => {}
        Some((b"Private-MAC", _)) if !l.terminated => findings.push(Finding::at(
            FailureKind::Truncated,
            l.at,
            "input ends inside Private-MAC",
        )),
        Some((b"Private-MAC", v)) if !is_hex(v) => findings.push(Finding::at(
            FailureKind::MalformedHeader,
            l.at,
            "Private-MAC is not hex",
        )),
        Some((b"Private-MAC", v)) => findings.push(Finding::at(
            FailureKind::BadLength,
            l.at,
            format!(
                "Private-MAC of {} hex digits, a version {version} MAC has {want}",
                v.len()
            ),
        )),
        _ if !l.terminated => findings.push(Finding::at(
            FailureKind::Truncated,
            l.at,
            "input ends inside Private-MAC",
        )),
        _ => {
            findings.push(Finding::at(
                FailureKind::MalformedHeader,
                l.at,
                "expected the Private-MAC header",
            ));
            return;
        }
    }
    if let Some(extra) = it.find(|l| !l.text.trim_ascii().is_empty()) {
        findings.push(Finding::at(
            FailureKind::TrailingData,
            extra.at,
            format!("{} bytes after Private-MAC", bytes.len() - extra.at),
        ));
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::test_support::{Rng, at, kinds, read_err, read_ok};

    const DSA2048: &[u8] = include_bytes!("../../../tests/corpus/files/keys/putty/dsa2048.ppk");
    const ECDSA256: &[u8] = include_bytes!("../../../tests/corpus/files/keys/putty/ecdsa256.ppk");
    const ECDSA384: &[u8] = include_bytes!("../../../tests/corpus/files/keys/putty/ecdsa384.ppk");
    const ED25519_ENC: &[u8] =
        include_bytes!("../../../tests/corpus/files/keys/putty/ed25519-encrypted.ppk");
    const ED25519: &[u8] = include_bytes!("../../../tests/corpus/files/keys/putty/ed25519.ppk");
    const ED25519_V2: &[u8] =
        include_bytes!("../../../tests/corpus/files/keys/putty/ed25519.v2.ppk");
    const ED448: &[u8] = include_bytes!("../../../tests/corpus/files/keys/putty/ed448.ppk");
    const RSA2048_ENC: &[u8] =
        include_bytes!("../../../tests/corpus/files/keys/putty/rsa2048-encrypted.ppk");
    const RSA2048: &[u8] = include_bytes!("../../../tests/corpus/files/keys/putty/rsa2048.ppk");
    const RSA2048_V2: &[u8] =
        include_bytes!("../../../tests/corpus/files/keys/putty/rsa2048.v2.ppk");
    /// `puttygen -t ecdsa -b 521` (PuTTY 0.78).
    const P521: &[u8] = b"PuTTY-User-Key-File-3: ecdsa-sha2-nistp521
Encryption: none
Comment: p521
Public-Lines: 4
AAAAE2VjZHNhLXNoYTItbmlzdHA1MjEAAAAIbmlzdHA1MjEAAACFBAAekjhmdEkG
pXoVezE87Q9S6+WBaiyx4iOu30npcPpyNvkRUQ0lME2VOIyYBViaZu+3pKiB8xv9
Pxk/QMhDiBvQSgAVWyQHl0u36yUQlduR/1rk83ZG3K818FNzpEpD7FswNsPdCbsu
4IB/fQrqH6iHTR6vQz2oZdBBAdHC3UDtFJ850w==
Private-Lines: 2
AAAAQgDcTbxQ1oQMve2a/XUqu3IcuHRBFHdUq/+3lKBrEjzqcnme+c3g1y/jC9FL
F7nbbXkCmavckNiXFKOE10H9lLSdsQ==
Private-MAC: 39f7f8110f4e5eda9d6dca09279a0df8819a68da2b3c7e0e4fedf54397943868
";
    /// `puttygen -t dsa -b 1024 --ppk-param version=2 --new-passphrase`.
    const DSA1024_V2_ENC: &[u8] = b"PuTTY-User-Key-File-2: ssh-dss
Encryption: aes256-cbc
Comment: v2enc
Public-Lines: 10
AAAAB3NzaC1kc3MAAACBAMTz99umxxx/Vof/auEi7TO1yCz31RNtQN3bnpyZW+7P
qyREAEIhaDwIkRC2Gms2xItUJUR+1jjSGH6voHIOgUOLGAadkkklTpm9RIVp+FjN
f4DtUMeUUrxLSR4s+s1/oRKUIRLUdEnGsanGm/+2Txu1IsbnDKquDIjGdC2bpuoF
AAAAFQDh7vvCrIgKzDJn8ylw/NDIKhdRKwAAAIEAovHyG6Ojw0ydH3KABTT24014
PCBSd6sFX7Spr9FUJ/FcLXoPhFb+xk86nQbe1T0kbFAWN+xdnfbvt5W0mjKNW9TE
QA4nckl9CSpQGSB45Rp2obrnRVycsWvFddsfHgBQhcKrdBkH5dLyUjlnyaQg3kSW
KIQawJk9IvngLqz9TvMAAACBAInu2cNxeZkZo7djc38PgpVwbV2EeGv8lc79zIrl
AB3fhAy/z/pbXuBxrzNdmVRoD0qHpGTKOjrLMX2LiyCRkSg8QiMwW7afFbN5vKcK
Nf0BNU+Fj70ZjSiYoUse8uPiFygvu9RLuv7yZnihph5zkEYh3TBvdrGIFclbQAHm
bGZ4
Private-Lines: 1
YMzQQHSAGTSfxZ7I7cvg+fKAYsSkJdhXb2+AL60WUhY=
Private-MAC: 10dd7126f66418bbf9e2a49db6bce47c97ef133a
";
    /// `puttygen -t ed25519 --ppk-param kdf=argon2i --new-passphrase`.
    const ED25519_ARGON2I: &[u8] = b"PuTTY-User-Key-File-3: ssh-ed25519
Encryption: aes256-cbc
Comment: argon2i
Public-Lines: 2
AAAAC3NzaC1lZDI1NTE5AAAAIG6bA/QGqmLWupgTfneMQYEqPHmZVFfqejTelsSX
L2fs
Key-Derivation: Argon2i
Argon2-Memory: 8192
Argon2-Passes: 21
Argon2-Parallelism: 1
Argon2-Salt: 2166b365712e075a77164f54c76c56b0
Private-Lines: 1
f+Q4+6XqymQk1wfGx4GdrMaK+Arqy23nebii33j3K+kwf87TZRFbRMR/4KhkMMMN
Private-MAC: c948e4579cb241ba2f0e4f25dd79b74ac544ecc25ea8b90196b098341e618924
";

    fn ok(bytes: &[u8]) -> Parsed<PuttyKeyData> {
        read_ok(ppk(bytes))
    }

    fn err(bytes: &[u8]) -> Finding {
        read_err(ppk(bytes))
    }

    /// Where the public blob's text ends: before the KDF or Private-Lines.
    fn public_end(text: &[u8]) -> usize {
        memchr::memmem::find(text, b"\nKey-Derivation")
            .unwrap_or(usize::MAX)
            .min(at(text, "\nPrivate-Lines"))
    }

    fn edit(text: &[u8], from: &str, to: &str) -> Vec<u8> {
        let i = at(text, from);
        [&text[..i], to.as_bytes(), &text[i + from.len()..]].concat()
    }

    /// File, version, key type, algorithm, key bits, curve, encrypted.
    type Expect<'a> = (
        &'a [u8],
        u32,
        &'a str,
        &'a str,
        Option<u64>,
        Option<&'a str>,
        bool,
    );

    #[test]
    fn reads_every_puttygen_key() {
        let cases: [Expect<'_>; 13] = [
            (DSA2048, 3, "ssh-dss", "DSA", Some(2048), None, false),
            (
                ECDSA256,
                3,
                "ecdsa-sha2-nistp256",
                "EC",
                None,
                Some("P-256"),
                false,
            ),
            (
                ECDSA384,
                3,
                "ecdsa-sha2-nistp384",
                "EC",
                None,
                Some("P-384"),
                false,
            ),
            (
                P521,
                3,
                "ecdsa-sha2-nistp521",
                "EC",
                None,
                Some("P-521"),
                false,
            ),
            (ED25519_ENC, 3, "ssh-ed25519", "Ed25519", None, None, true),
            (ED25519, 3, "ssh-ed25519", "Ed25519", None, None, false),
            (ED25519_V2, 2, "ssh-ed25519", "Ed25519", None, None, false),
            (
                ED25519_ARGON2I,
                3,
                "ssh-ed25519",
                "Ed25519",
                None,
                None,
                true,
            ),
            (ED448, 3, "ssh-ed448", "Ed448", None, None, false),
            (RSA2048_ENC, 3, "ssh-rsa", "RSA", Some(2048), None, true),
            (RSA2048, 3, "ssh-rsa", "RSA", Some(2048), None, false),
            (RSA2048_V2, 2, "ssh-rsa", "RSA", Some(2048), None, false),
            (DSA1024_V2_ENC, 2, "ssh-dss", "DSA", Some(1024), None, true),
        ];
        for (bytes, version, ty, alg, bits, curve, encrypted) in cases {
            assert!(looks_like_ppk(bytes));
            let p = ok(bytes);
            assert_eq!(p.info.version, version, "{ty}");
            assert_eq!(p.info.key_type, ty);
            assert_eq!(p.key.algorithm.as_deref(), Some(alg), "{ty}");
            assert_eq!(p.key.key_bits, bits, "{ty}");
            assert_eq!(p.key.curve.as_deref(), curve, "{ty}");
            assert_eq!(p.key.record(), p.info.key);
            assert_eq!(p.container, Container::PuttyPrivateKey);
            let enc_at = at(bytes, "Encryption:");
            if encrypted {
                assert_eq!(p.info.encryption, "aes256-cbc");
                assert_eq!(kinds(&p), [FailureKind::Encrypted], "{ty}");
                assert_eq!(p.findings[0].offset, Some(enc_at as u64));
            } else {
                assert_eq!(p.info.encryption, "none");
                assert!(p.findings.is_empty(), "{ty}: {:?}", p.findings);
            }
            let secret = if encrypted {
                "ciphertext"
            } else {
                "secret_key"
            };
            let r: Vec<(&str, u64, u64)> = p
                .regions
                .iter()
                .map(|r| (r.kind, r.offset, r.length))
                .collect();
            let public_at = at(bytes, "Public-Lines:");
            let public_at = public_at + at(&bytes[public_at..], "\n") + 1;
            let private_at = at(bytes, "Private-Lines:");
            let private_at = private_at + at(&bytes[private_at..], "\n") + 1;
            let kdf_or_private = public_end(bytes) + 1;
            let mac = at(bytes, "Private-MAC");
            assert_eq!(
                r,
                [
                    (
                        "public_key",
                        public_at as u64,
                        (kdf_or_private - 1 - public_at) as u64
                    ),
                    (secret, private_at as u64, (mac - 1 - private_at) as u64),
                ],
                "{ty}"
            );
        }
    }

    #[test]
    fn encrypted_files_describe_their_kdf() {
        let p = ok(ED25519_ENC);
        assert_eq!(
            p.info.kdf,
            Some(PuttyKdf {
                name: "Argon2id".into(),
                memory_kib: Some(8192),
                passes: Some(13),
                parallelism: Some(1),
                salt_len: Some(16),
            })
        );
        assert_eq!(p.info.comment, "fx-corpus-ed25519-enc");
        assert_eq!(
            p.findings[0].detail,
            "private key encrypted with aes256-cbc under Argon2id, not decrypted"
        );
        assert_eq!(ok(ED25519_ARGON2I).info.kdf.unwrap().name, "Argon2i");
        // Version 2 derives its key from the passphrase with SHA-1: no headers.
        let p = ok(DSA1024_V2_ENC);
        assert_eq!(p.info.kdf, None);
        assert_eq!(
            p.findings[0].detail,
            "private key encrypted with aes256-cbc, not decrypted"
        );
        assert_eq!(ok(RSA2048).info.kdf, None);
    }

    #[test]
    fn agrees_with_the_corpus_truth() {
        let truth = include_str!("../../../tests/corpus/truth.jsonl");
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/corpus/files/");
        let mut seen = 0;
        for line in truth.lines() {
            let row: serde_json::Value = serde_json::from_str(line).unwrap();
            let path = row["path"].as_str().unwrap_or("");
            if !(path.starts_with("keys/putty/") && path.ends_with(".ppk")) {
                continue;
            }
            let bytes = std::fs::read(format!("{root}{path}")).unwrap();
            let p = ok(&bytes);
            let e = &row["expect"];
            assert_eq!(
                p.key.algorithm.as_deref(),
                e["algorithm"].as_str(),
                "{path}"
            );
            assert_eq!(p.key.key_bits, e["key_bits"].as_u64(), "{path}");
            assert_eq!(p.key.curve.as_deref(), e["curve"].as_str(), "{path}");
            let failures: Vec<String> = kinds(&p).iter().map(|k| k.to_string()).collect();
            let want: Vec<String> = e["failures"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_str().unwrap().to_owned())
                .collect();
            assert_eq!(failures, want, "{path}");
            seen += 1;
        }
        assert_eq!(seen, 10);
    }

    #[test]
    fn crlf_files_read_the_same() {
        for file in [RSA2048, ED25519_ENC, RSA2048_V2] {
            let crlf: Vec<u8> = file
                .split(|&b| b == b'\n')
                .collect::<Vec<_>>()
                .join(&b"\r\n"[..]);
            let (a, b) = (ok(file), ok(&crlf));
            assert_eq!(a.info, b.info);
            assert_eq!(kinds(&a), kinds(&b));
        }
    }

    #[test]
    fn every_truncation_has_its_exact_outcome() {
        for file in [RSA2048, ED25519_ENC, DSA1024_V2_ENC] {
            // The public blob is whole once its last line's text is.
            let after_public = public_end(file);
            for cut in 0..file.len() {
                let b = &file[..cut];
                assert_eq!(looks_like_ppk(b), cut >= MAGIC.len());
                if cut < after_public {
                    let f = err(b);
                    assert_eq!(f.kind, FailureKind::Truncated, "cut at {cut}: {f:?}");
                } else if cut < file.len() - 1 {
                    let p = ok(b);
                    let mut want = vec![FailureKind::Truncated];
                    if p.info.encryption != "none" {
                        want.push(FailureKind::Encrypted);
                    }
                    assert_eq!(kinds(&p), want, "cut at {cut}: {:?}", p.findings);
                    assert_eq!(p.key, ok(file).key);
                } else {
                    assert_eq!(ok(b).findings, ok(file).findings, "cut at {cut}");
                }
            }
        }
    }

    #[test]
    fn not_putty_is_bad_tag() {
        let mut rng = Rng(0x99c);
        for _ in 0..5_000 {
            let n = (rng.next() % 600) as usize;
            let b: Vec<u8> = (0..n).map(|_| rng.next() as u8).collect();
            assert!(!looks_like_ppk(&b));
            assert!(ppk(&b).is_err());
        }
        let wrong = edit(RSA2048, "PuTTY-User-Key-File-3", "PuTTY-User-Key-Fil3-3");
        assert!(!looks_like_ppk(&wrong));
        assert_eq!(
            err(&wrong),
            Finding::at(FailureKind::BadTag, 0, "not a PuTTY-User-Key-File")
        );
        assert_eq!(err(b"").kind, FailureKind::Truncated);
        assert_eq!(err(b"PuTTY").kind, FailureKind::Truncated);
        assert_eq!(err(b"PuTTY\n").kind, FailureKind::BadTag);
    }

    #[test]
    fn other_versions_and_misplaced_headers_are_malformed() {
        let v4 = edit(RSA2048, "File-3", "File-4");
        assert!(looks_like_ppk(&v4));
        assert_eq!(
            err(&v4),
            Finding::at(
                FailureKind::MalformedHeader,
                0,
                "PuTTY key file version 4: fx reads versions 2 and 3"
            )
        );
        assert_eq!(
            err(&edit(RSA2048, "File-3:", "File-x:")).kind,
            FailureKind::MalformedHeader
        );
        let no_comment = edit(RSA2048, "Comment: fx-corpus-rsa2048\n", "");
        assert_eq!(
            err(&no_comment),
            Finding::at(
                FailureKind::MalformedHeader,
                at(RSA2048, "Comment"),
                "expected the Comment header, found \"Public-Lines: 6\""
            )
        );
        for bad in [
            "Public-Lines: six",
            "Public-Lines: -6",
            "Public-Lines: 99999999999",
        ] {
            let b = edit(RSA2048, "Public-Lines: 6", bad);
            assert_eq!(
                err(&b),
                Finding::at(
                    FailureKind::MalformedHeader,
                    at(RSA2048, "Public-Lines"),
                    "Public-Lines is not a line count"
                )
            );
        }
    }

    #[test]
    fn bad_base64_is_placed_on_its_character() {
        let i = at(RSA2048, "GNMfeRsZ") + 3;
        let mut b = RSA2048.to_vec();
        b[i] = b'*';
        assert_eq!(
            err(&b),
            Finding::at(
                FailureKind::BadBase64,
                i,
                "public key: byte 0x2a is not base64"
            )
        );
        // Padding inside the text.
        let mut b = RSA2048.to_vec();
        b[i] = b'=';
        assert_eq!(err(&b).kind, FailureKind::BadBase64);
        assert_eq!(err(&b).offset, Some(i as u64));
        // In the private blob: a finding, the key is still named.
        let j = at(RSA2048, "759fIyeN");
        let mut b = RSA2048.to_vec();
        b[j] = b'!';
        let p = ok(&b);
        assert_eq!(p.key.key_bits, Some(2048));
        assert_eq!(
            p.findings,
            [Finding::at(
                FailureKind::BadBase64,
                j,
                "private key: byte 0x21 is not base64"
            )]
        );
    }

    #[test]
    fn line_counts_that_do_not_match_are_bad_length() {
        let pl = at(RSA2048, "Public-Lines") as u64;
        for (n, lines) in [("5", 6), ("7", 6), ("99", 6)] {
            let b = edit(RSA2048, "Public-Lines: 6", &format!("Public-Lines: {n}"));
            let p = ok(&b);
            assert_eq!(p.key.key_bits, Some(2048));
            assert_eq!(
                p.findings,
                [Finding::at(
                    FailureKind::BadLength,
                    pl as usize,
                    format!("Public-Lines says {n}, {lines} lines of base64 follow")
                )]
            );
        }
        let b = edit(RSA2048, "Private-Lines: 14", "Private-Lines: 13");
        let p = ok(&b);
        assert_eq!(kinds(&p), [FailureKind::BadLength]);
        assert_eq!(
            p.findings[0].offset,
            Some(at(RSA2048, "Private-Lines") as u64)
        );
        // A line dropped from the private blob and the count kept: the
        // integers that follow are misaligned, a length field is garbage.
        let line = at(RSA2048, "3KiJX9JFMCea");
        let b = [&RSA2048[..line], &RSA2048[line + 65..]].concat();
        let p = ok(&b);
        assert_eq!(p.key.key_bits, Some(2048));
        assert_eq!(
            kinds(&p),
            [FailureKind::BadLength, FailureKind::LengthOverflow]
        );
        // A public line dropped and the count kept: the key is not read.
        let line = at(RSA2048, "GNMfeRsZ");
        let b = [&RSA2048[..line], &RSA2048[line + 65..]].concat();
        assert_eq!(err(&b).kind, FailureKind::BadLength);
    }

    #[test]
    fn disagreements_and_leftovers_are_findings() {
        let b = edit(RSA2048, "File-3: ssh-rsa", "File-3: ssh-dss");
        let p = ok(&b);
        assert_eq!(p.key.algorithm.as_deref(), Some("RSA"));
        assert_eq!(
            p.findings,
            [Finding::at(
                FailureKind::MalformedHeader,
                0,
                "first line says ssh-dss but the public key is ssh-rsa"
            )]
        );
        let mut b = RSA2048.to_vec();
        b.extend_from_slice(b"\n\nextra line\n");
        assert_eq!(
            ok(&b).findings,
            [Finding::at(
                FailureKind::TrailingData,
                RSA2048.len() + 2,
                "11 bytes after Private-MAC"
            )]
        );
        let b = edit(RSA2048, "Private-MAC: 526d", "Private-MAC: 26d");
        assert_eq!(kinds(&ok(&b)), [FailureKind::BadLength]);
        let b = edit(RSA2048, "Private-MAC: 526d", "Private-MAC: x26d");
        assert_eq!(kinds(&ok(&b)), [FailureKind::MalformedHeader]);
        // An unknown cipher in a file whose blob was never encrypted: the
        // cipher, the missing KDF and the blob size all say so.
        let b = edit(RSA2048, "Encryption: none", "Encryption: aes128-ctr");
        assert_eq!(
            kinds(&ok(&b)),
            [
                FailureKind::MalformedHeader,
                FailureKind::MalformedHeader,
                FailureKind::BadLength,
                FailureKind::Encrypted
            ]
        );
        // KDF headers where they do not belong.
        let b = edit(
            RSA2048,
            "Private-Lines",
            "Key-Derivation: Argon2id\nPrivate-Lines",
        );
        assert_eq!(kinds(&ok(&b)), [FailureKind::MalformedHeader]);
        let b = edit(ED25519_ENC, "Key-Derivation: Argon2id\n", "");
        assert_eq!(
            kinds(&ok(&b)),
            [FailureKind::MalformedHeader, FailureKind::Encrypted]
        );
        let b = edit(ED25519_ENC, "Argon2-Passes: 13", "Argon2-Passes: many");
        let p = ok(&b);
        assert_eq!(p.info.kdf.unwrap().passes, None);
        assert_eq!(
            kinds(&ok(&b)),
            [FailureKind::MalformedHeader, FailureKind::Encrypted]
        );
        let b = edit(ED25519_ENC, "Argon2-Salt: 72d7", "Argon2-Salt: 2d7");
        assert_eq!(
            kinds(&ok(&b)),
            [FailureKind::MalformedHeader, FailureKind::Encrypted]
        );
        // An encrypted blob that is not whole AES blocks.
        let b = edit(ED25519_ENC, "RcK8/KHP", "");
        assert_eq!(
            kinds(&ok(&b)),
            [FailureKind::BadLength, FailureKind::Encrypted]
        );
    }

    #[test]
    fn an_unknown_key_type_is_unsupported() {
        // `ssh-foo` with one string.
        use base64::Engine as _;
        let blob = [&[0, 0, 0, 7][..], b"ssh-foo", &[0, 0, 0, 1, 9]].concat();
        let b64 = base64::engine::general_purpose::STANDARD.encode(blob);
        let text = format!(
            "PuTTY-User-Key-File-3: ssh-foo\nEncryption: none\nComment: x\nPublic-Lines: 1\n{b64}\nPrivate-Lines: 1\nAAAA\nPrivate-MAC: {}\n",
            "0".repeat(64)
        );
        let p = ok(text.as_bytes());
        assert_eq!(p.key.algorithm, None);
        assert_eq!(kinds(&p), [FailureKind::UnsupportedAlgorithm]);
    }

    #[test]
    fn mutations_never_panic() {
        let mut rng = Rng(7);
        for file in [RSA2048, ED25519_ENC, ECDSA256, DSA1024_V2_ENC, ED448] {
            for _ in 0..3_000 {
                let mut b = file.to_vec();
                for _ in 0..(1 + rng.next() % 4) {
                    if b.is_empty() {
                        break;
                    }
                    let i = (rng.next() as usize) % b.len();
                    match rng.next() % 4 {
                        0 => b[i] ^= 1 << (rng.next() % 8),
                        1 => b[i] = b"\n:=A-9 "[(rng.next() % 7) as usize],
                        2 => {
                            b.remove(i);
                        }
                        _ => b.truncate(i.max(1)),
                    }
                }
                if let Ok(p) = ppk(&b) {
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
