//! S/MIME messages (RFC 8551): a MIME entity whose content is
//! `application/pkcs7-mime` (enveloped, signed or compressed data) or a
//! `multipart/signed` message with an `application/pkcs7-signature` part
//! (the `x-` types of older agents too). The CMS object is taken out of its
//! part (base64 or binary transfer encoding) and inspected as CMS.
//!
//! Hand-written: MIME is a few header rules (folding, parameters, boundary
//! lines) and no crate of the tree reads it; only what reaching the CMS part
//! needs is read, with the depth of nested multiparts bounded.

use base64::Engine as _;
use fx_core::vocab::{Container, FailureKind};
use fx_facts::smime::SmimeData;

use crate::algorithm::KeyAlg;
use crate::report::Finding;
use crate::x509::Parsed;

/// Nested multiparts followed at most.
const MAX_DEPTH: usize = 4;
/// Header bytes examined when sniffing.
const SNIFF: usize = 8192;

fn lower(s: &[u8]) -> String {
    String::from_utf8_lossy(s).to_ascii_lowercase()
}

/// Headers (lower-case name, unfolded value) and the offset of the body.
fn headers(entity: &[u8]) -> (Vec<(String, String)>, usize) {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut pos = 0;
    while pos < entity.len() {
        let end = memchr::memchr(b'\n', &entity[pos..]).map_or(entity.len(), |i| pos + i + 1);
        let line = entity[pos..end].trim_ascii_end();
        if line.is_empty() {
            return (out, end);
        }
        if line[0] == b' ' || line[0] == b'\t' {
            if let Some(last) = out.last_mut() {
                last.1.push(' ');
                last.1
                    .push_str(String::from_utf8_lossy(line.trim_ascii()).as_ref());
            }
        } else if let Some(colon) = memchr::memchr(b':', line) {
            out.push((
                lower(line[..colon].trim_ascii()),
                String::from_utf8_lossy(line[colon + 1..].trim_ascii()).into_owned(),
            ));
        } else {
            // Not a header line: no header block here.
            return (out, pos);
        }
        pos = end;
    }
    (out, entity.len())
}

fn header<'h>(h: &'h [(String, String)], name: &str) -> Option<&'h str> {
    h.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
}

/// `type/subtype` (lower case) and a parameter of a Content-Type value.
fn media_type(value: &str) -> String {
    value
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

fn param(value: &str, name: &str) -> Option<String> {
    value.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        (k.trim().eq_ignore_ascii_case(name)).then(|| v.trim().trim_matches('"').to_owned())
    })
}

fn is_cms_type(t: &str) -> bool {
    matches!(
        t,
        "application/pkcs7-mime"
            | "application/x-pkcs7-mime"
            | "application/pkcs7-signature"
            | "application/x-pkcs7-signature"
    )
}

/// True when `bytes` start like a MIME entity that names a PKCS #7 type.
pub fn looks_like_smime(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(SNIFF)];
    let (h, _) = headers(head);
    h.iter().any(|(n, _)| n == "content-type")
        && memchr::memmem::find(lower(head).as_bytes(), b"pkcs7-").is_some()
}

struct Found {
    part_type: String,
    smime_type: Option<String>,
    encoding: String,
    body_offset: usize,
    der: Vec<u8>,
}

fn find(entity: &[u8], base: usize, depth: usize) -> Result<Found, Finding> {
    let (h, body_at) = headers(entity);
    let ct = header(&h, "content-type").unwrap_or("text/plain");
    let t = media_type(ct);
    let body = &entity[body_at..];
    if is_cms_type(&t) {
        let encoding = header(&h, "content-transfer-encoding")
            .unwrap_or("binary")
            .trim()
            .to_ascii_lowercase();
        let der = if encoding == "base64" {
            let clean: Vec<u8> = body
                .iter()
                .copied()
                .filter(|b| !b.is_ascii_whitespace())
                .collect();
            base64::engine::general_purpose::STANDARD
                .decode(&clean)
                .map_err(|e| {
                    Finding::at(
                        FailureKind::BadBase64,
                        base + body_at,
                        format!("{t} part: {e}"),
                    )
                })?
        } else {
            body.to_vec()
        };
        return Ok(Found {
            part_type: t,
            smime_type: param(ct, "smime-type"),
            encoding,
            body_offset: base + body_at,
            der,
        });
    }
    if t.starts_with("multipart/") && depth < MAX_DEPTH {
        let boundary = param(ct, "boundary").ok_or_else(|| {
            Finding::new(
                FailureKind::MalformedHeader,
                format!("{t} without a boundary"),
            )
        })?;
        let delim = format!("--{boundary}");
        let mut starts = Vec::new();
        let mut pos = 0;
        while let Some(i) = memchr::memmem::find(&body[pos..], delim.as_bytes()) {
            let at = pos + i;
            let line_start = at == 0 || body[at - 1] == b'\n';
            pos = at + delim.len();
            if line_start {
                starts.push(at);
            }
        }
        for w in starts.windows(2) {
            let (a, b) = (w[0], w[1]);
            let part_start = memchr::memchr(b'\n', &body[a..b]).map_or(b, |i| a + i + 1);
            let part = &body[part_start..b];
            if let Ok(f) = find(part, base + body_at + part_start, depth + 1) {
                return Ok(f);
            }
        }
        return Err(Finding::new(
            FailureKind::MalformedHeader,
            format!("{t} without a PKCS #7 part"),
        ));
    }
    Err(Finding::new(
        FailureKind::MalformedHeader,
        format!("MIME entity of type {t}, no PKCS #7 content"),
    ))
}

/// Reads an S/MIME message: its description and the CMS object's DER.
/// The description is the `smime` step's record, read from the message as
/// a whole (no PEM block).
pub fn message(bytes: &[u8]) -> Result<(Parsed<SmimeData>, Vec<u8>), Finding> {
    let (h, _) = headers(bytes);
    let top = media_type(header(&h, "content-type").unwrap_or(""));
    let f = find(bytes, 0, 0)?;
    let info = SmimeData {
        container: Container::Smime,
        block: None,
        content_type: top,
        smime_type: f.smime_type,
        cms_part: f.part_type,
        transfer_encoding: f.encoding,
        body_offset: f.body_offset as u64,
        decoded: f.der.len() as u64,
        // The step's findings are written by `Step::into_event`.
        findings: Vec::new(),
    };
    Ok((
        Parsed {
            info,
            key: KeyAlg::default(),
            findings: Vec::new(),
            regions: Vec::new(),
            container: Container::Smime,
        },
        f.der,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multipart_signed_finds_the_signature_part() {
        let msg = b"MIME-Version: 1.0\r\nContent-Type: multipart/signed; protocol=\"application/pkcs7-signature\";\r\n boundary=\"XX\"\r\n\r\npreamble\r\n--XX\r\nContent-Type: text/plain\r\n\r\nhello\r\n--XX\r\nContent-Type: application/pkcs7-signature; name=smime.p7s\r\nContent-Transfer-Encoding: base64\r\n\r\nMAMCAQU=\r\n--XX--\r\n";
        assert!(looks_like_smime(msg));
        let (p, der) = message(msg).unwrap();
        assert_eq!(der, [0x30, 0x03, 0x02, 0x01, 0x05]);
        assert_eq!(p.info.content_type, "multipart/signed");
        assert_eq!(p.info.cms_part, "application/pkcs7-signature");
        assert!(!looks_like_smime(b"Content-Type: text/plain\n\nhello"));
    }
}
