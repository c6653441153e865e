//! PEM block scanning (RFC 7468 and the legacy OpenSSL form) with failure
//! shapes and offsets.
//!
//! A file may hold any number of blocks (a chain, a key next to its
//! certificate) with text around them. [`scan`] finds every
//! `-----BEGIN X-----` … `-----END X-----` pair, decodes the body leniently
//! (whitespace anywhere, legacy `Proc-Type`/`DEK-Info` headers), and records
//! what is wrong where:
//!
//! * `bad_pem_armor` — a BEGIN line without its END, a label mismatch, a
//!   malformed encapsulation boundary;
//! * `bad_base64` — a character outside the alphabet (offset of that
//!   character in the file), misplaced padding, an impossible length;
//! * `encrypted` — a legacy `Proc-Type: 4,ENCRYPTED` block (never decrypted).
//!
//! Each block also says whether the strict RFC 7468 parser
//! (`pem-rfc7468`) accepts it, so lax-but-readable armor is visible.

use base64::Engine as _;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use fx_core::vocab::FailureKind;
use serde::Serialize;

/// The start of a BEGIN encapsulation boundary, up to the label.
pub const BEGIN: &[u8] = b"-----BEGIN ";
/// The start of an END encapsulation boundary, up to the label.
pub const END: &[u8] = b"-----END ";
/// The dashes that close a boundary line.
pub const DASHES: &[u8] = b"-----";
/// The BEGIN line of an RFC 4716 (SSH2) public key file.
pub const SSH2_PUBLIC_KEY_BEGIN: &[u8] = b"---- BEGIN SSH2 PUBLIC KEY ----";
/// The END line of an RFC 4716 (SSH2) public key file.
pub const SSH2_PUBLIC_KEY_END: &[u8] = b"---- END SSH2 PUBLIC KEY ----";
/// The BEGIN line of an ssh.com (SSH2) encrypted private key file.
pub const SSH2_ENCRYPTED_PRIVATE_KEY_BEGIN: &[u8] = b"---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----";
/// Longest label accepted (RFC 7468 labels are short; this bounds the scan).
const MAX_LABEL: usize = 128;

/// One PEM block.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PemBlock {
    /// The label between `BEGIN ` and the dashes (`CERTIFICATE`, …).
    pub label: String,
    /// Offset of the BEGIN line in the input.
    pub begin: usize,
    /// Offset just past the END line.
    pub end: usize,
    /// Offset of the first body byte (after the BEGIN line and any headers).
    pub body_offset: usize,
    /// Legacy RFC 1421 headers (`Proc-Type`, `DEK-Info`), in order.
    pub headers: Vec<(String, String)>,
    /// The decoded body.
    #[serde(skip)]
    pub der: Vec<u8>,
    /// True when the strict RFC 7468 parser accepts the block as is.
    pub strict: bool,
}

impl PemBlock {
    /// True for a legacy OpenSSL encrypted block (`Proc-Type: 4,ENCRYPTED`).
    pub fn is_legacy_encrypted(&self) -> bool {
        self.headers
            .iter()
            .any(|(k, v)| k.eq_ignore_ascii_case("Proc-Type") && v.contains("ENCRYPTED"))
    }

    /// The `DEK-Info` cipher name of a legacy encrypted block.
    pub fn dek_cipher(&self) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("DEK-Info"))
            .map(|(_, v)| v.split(',').next().unwrap_or("").trim())
    }
}

/// A failure shape met while scanning.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PemFinding {
    /// The failure shape.
    pub kind: FailureKind,
    /// Byte offset in the input.
    pub offset: usize,
    /// What exactly was wrong.
    pub detail: String,
}

/// Everything a scan found.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct PemScan {
    /// Blocks that decoded, in file order.
    pub blocks: Vec<PemBlock>,
    /// BEGIN lines seen (decoded or not).
    pub begin_lines: usize,
    /// True when `max_blocks` stopped the scan.
    pub block_limit_hit: bool,
    /// Failure shapes, in file order.
    pub findings: Vec<PemFinding>,
}

/// True when the input contains a PEM BEGIN line.
pub fn looks_like_pem(bytes: &[u8]) -> bool {
    memchr::memmem::find(bytes, BEGIN).is_some()
}

fn engine() -> GeneralPurpose {
    GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        GeneralPurposeConfig::new()
            .with_decode_padding_mode(DecodePaddingMode::Indifferent)
            .with_decode_allow_trailing_bits(true),
    )
}

/// The label of the boundary whose keyword ([`BEGIN`] or [`END`]) starts at
/// `at`: the bytes from the keyword's end up to the next [`DASHES`], looked
/// for within `max_label` bytes. Returns the label's range and the offset
/// just past its closing dashes; `None` when no dashes close it there (or
/// `at` is past the input).
pub fn label_span(
    bytes: &[u8],
    at: usize,
    keyword: &[u8],
    max_label: usize,
) -> Option<(std::ops::Range<usize>, usize)> {
    let start = at.checked_add(keyword.len())?;
    let rest = bytes.get(start..)?;
    let window = &rest[..rest.len().min(max_label.saturating_add(DASHES.len()))];
    let dash = memchr::memmem::find(window, DASHES)?;
    Some((start..start + dash, start + dash + DASHES.len()))
}

/// True for a label as PEM writers spell them: not empty, upper-case
/// letters, digits, spaces and `#.-_` only (`CERTIFICATE`, `PKCS #7 SIGNED
/// DATA`, `X9.42 DH PARAMETERS`).
pub fn is_conventional_label(label: &[u8]) -> bool {
    !label.is_empty()
        && label
            .iter()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b" #.-_".contains(b))
}

/// Reads a boundary line `-----BEGIN LABEL-----` at `at` (which points at the
/// first dash). Returns the label and the offset just past the line.
fn boundary(bytes: &[u8], at: usize, kw: &[u8]) -> Result<(String, usize), String> {
    let Some((span, mut end)) = label_span(bytes, at, kw, MAX_LABEL) else {
        return Err("boundary line has no closing dashes".into());
    };
    let label = &bytes[span];
    if !label.iter().all(|&b| b.is_ascii_graphic() || b == b' ') {
        return Err("label holds characters that are not printable ASCII".into());
    }
    // Rest of the line: only whitespace belongs there.
    while let Some(&b) = bytes.get(end) {
        if b == b'\n' {
            end += 1;
            break;
        }
        if b != b'\r' && b != b' ' && b != b'\t' {
            return Err("text after the boundary dashes".into());
        }
        end += 1;
    }
    Ok((String::from_utf8_lossy(label).into_owned(), end))
}

/// Scans `bytes` for PEM blocks, decoding at most `max_blocks` of them.
pub fn scan(bytes: &[u8], max_blocks: usize) -> PemScan {
    let mut out = PemScan::default();
    let finder = memchr::memmem::Finder::new(BEGIN);
    let end_finder = memchr::memmem::Finder::new(END);
    let mut pos = 0;
    while let Some(rel) = finder.find(&bytes[pos..]) {
        let begin = pos + rel;
        out.begin_lines += 1;
        if out.blocks.len() >= max_blocks {
            out.block_limit_hit = true;
            break;
        }
        let (label, body_start) = match boundary(bytes, begin, BEGIN) {
            Ok(v) => v,
            Err(detail) => {
                out.findings.push(PemFinding {
                    kind: FailureKind::BadPemArmor,
                    offset: begin,
                    detail,
                });
                pos = begin + BEGIN.len();
                continue;
            }
        };
        // The END line must come before the next BEGIN line.
        let next_begin = finder
            .find(&bytes[body_start..])
            .map(|r| body_start + r)
            .unwrap_or(bytes.len());
        let Some(end_at) = end_finder
            .find(&bytes[body_start..next_begin])
            .map(|r| body_start + r)
        else {
            out.findings.push(PemFinding {
                kind: FailureKind::BadPemArmor,
                offset: begin,
                detail: format!("BEGIN {label} has no END line"),
            });
            pos = body_start;
            continue;
        };
        let (end_label, after) = match boundary(bytes, end_at, END) {
            Ok(v) => v,
            Err(detail) => {
                out.findings.push(PemFinding {
                    kind: FailureKind::BadPemArmor,
                    offset: end_at,
                    detail,
                });
                pos = end_at + END.len();
                continue;
            }
        };
        if end_label != label {
            out.findings.push(PemFinding {
                kind: FailureKind::BadPemArmor,
                offset: end_at,
                detail: format!("BEGIN {label} closed by END {end_label}"),
            });
        }
        pos = after;
        let body = &bytes[body_start..end_at];
        let (headers, body_offset) = legacy_headers(body_start, body);
        match decode_body(bytes, body_offset, end_at) {
            Ok(der) => {
                let strict = pem_rfc7468::decode_vec(&bytes[begin..after]).is_ok();
                let block = PemBlock {
                    label,
                    begin,
                    end: after,
                    body_offset,
                    headers,
                    der,
                    strict,
                };
                if block.is_legacy_encrypted() {
                    out.findings.push(PemFinding {
                        kind: FailureKind::Encrypted,
                        offset: begin,
                        detail: format!(
                            "legacy encrypted PEM ({})",
                            block.dek_cipher().unwrap_or("cipher not named")
                        ),
                    });
                }
                out.blocks.push(block);
            }
            Err(f) => out.findings.push(f),
        }
    }
    out
}

/// Splits RFC 1421 headers (`Name: value` lines, ended by a blank line) off
/// the body. A `:` never occurs in base64, so a line holding one is a header.
/// Returns the headers and the offset where the base64 starts.
fn legacy_headers(body_start: usize, body: &[u8]) -> (Vec<(String, String)>, usize) {
    let mut headers = Vec::new();
    let mut off = 0;
    while off < body.len() {
        let line_end = memchr::memchr(b'\n', &body[off..])
            .map(|r| off + r + 1)
            .unwrap_or(body.len());
        let line = trim(&body[off..line_end]);
        if !headers.is_empty() && line.is_empty() {
            off = line_end;
            break;
        }
        let Some(colon) = memchr::memchr(b':', line) else {
            break;
        };
        headers.push((
            String::from_utf8_lossy(&line[..colon]).trim().to_owned(),
            String::from_utf8_lossy(&line[colon + 1..])
                .trim()
                .to_owned(),
        ));
        off = line_end;
    }
    if headers.is_empty() {
        (headers, body_start)
    } else {
        (headers, body_start + off)
    }
}

fn trim(line: &[u8]) -> &[u8] {
    let mut s = line;
    while let [first, rest @ ..] = s {
        if first.is_ascii_whitespace() {
            s = rest;
        } else {
            break;
        }
    }
    while let [rest @ .., last] = s {
        if last.is_ascii_whitespace() {
            s = rest;
        } else {
            break;
        }
    }
    s
}

/// Decodes the base64 between `from` and `to`, naming the first bad byte.
fn decode_body(bytes: &[u8], from: usize, to: usize) -> Result<Vec<u8>, PemFinding> {
    let body = &bytes[from..to];
    let mut clean = Vec::with_capacity(body.len());
    let mut pad_at: Option<usize> = None;
    for (i, &b) in body.iter().enumerate() {
        match b {
            b' ' | b'\t' | b'\r' | b'\n' => {}
            b'=' => {
                pad_at.get_or_insert(from + i);
                clean.push(b);
            }
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'+' | b'/' => {
                if let Some(p) = pad_at {
                    return Err(PemFinding {
                        kind: FailureKind::BadBase64,
                        offset: p,
                        detail: "padding before the end of the body".into(),
                    });
                }
                clean.push(b);
            }
            other => {
                return Err(PemFinding {
                    kind: FailureKind::BadBase64,
                    offset: from + i,
                    detail: format!("byte 0x{other:02x} is not base64"),
                });
            }
        }
    }
    if clean.is_empty() {
        return Err(PemFinding {
            kind: FailureKind::Truncated,
            offset: from,
            detail: "empty PEM body".into(),
        });
    }
    engine().decode(&clean).map_err(|e| PemFinding {
        kind: FailureKind::BadBase64,
        offset: from,
        detail: format!("base64 body: {e}"),
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    const ONE: &str = "-----BEGIN TEST-----\nAAEC\n-----END TEST-----\n";

    #[test]
    fn single_and_bundle() {
        let s = scan(ONE.as_bytes(), 10);
        assert_eq!(s.blocks.len(), 1);
        assert_eq!(s.blocks[0].der, vec![0, 1, 2]);
        assert!(s.blocks[0].strict);
        let two = format!("junk before\n{ONE}between\n{ONE}");
        let s = scan(two.as_bytes(), 10);
        assert_eq!(s.blocks.len(), 2);
        assert_eq!(s.blocks[1].begin, two.rfind("-----BEGIN").unwrap());
        let s = scan(two.as_bytes(), 1);
        assert!(s.block_limit_hit);
    }

    #[test]
    fn failures_with_offsets() {
        let bad = "-----BEGIN TEST-----\nAA*C\n-----END TEST-----\n";
        let s = scan(bad.as_bytes(), 10);
        assert_eq!(s.findings[0].kind, FailureKind::BadBase64);
        assert_eq!(s.findings[0].offset, bad.find('*').unwrap());
        let open = "-----BEGIN TEST-----\nAAEC\n";
        let s = scan(open.as_bytes(), 10);
        assert_eq!(s.findings[0].kind, FailureKind::BadPemArmor);
        let mismatch = "-----BEGIN A-----\nAAEC\n-----END B-----\n";
        let s = scan(mismatch.as_bytes(), 10);
        assert_eq!(s.findings[0].kind, FailureKind::BadPemArmor);
        assert_eq!(s.blocks.len(), 1);
    }

    #[test]
    fn labels_and_their_spans() {
        let line = b"x-----BEGIN X9.42 DH PARAMETERS-----\n";
        let (span, after) = label_span(line, 1, BEGIN, 64).unwrap();
        assert_eq!(&line[span.clone()], b"X9.42 DH PARAMETERS");
        assert_eq!(after, line.len() - 1);
        assert!(is_conventional_label(&line[span]));
        // No closing dashes within the window, or none at all.
        let long = format!("-----BEGIN {}-----", "A".repeat(70));
        assert!(label_span(long.as_bytes(), 0, BEGIN, 64).is_none());
        assert!(label_span(long.as_bytes(), 0, BEGIN, 70).is_some());
        assert!(label_span(b"-----BEGIN CERT", 0, BEGIN, 64).is_none());
        // A keyword running past the end, an offset past the end.
        assert!(label_span(b"-----BEG", 0, BEGIN, 64).is_none());
        assert!(label_span(b"", usize::MAX, BEGIN, usize::MAX).is_none());
        for bad in [&b""[..], b"lower", b"CERT\tX", b"A/B"] {
            assert!(!is_conventional_label(bad), "{bad:?}");
        }
        assert!(is_conventional_label(b"PKCS #7 SIGNED DATA"));
    }

    #[test]
    fn legacy_encrypted_headers() {
        let t = "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,0011\n\nAAEC\n-----END RSA PRIVATE KEY-----\n";
        let s = scan(t.as_bytes(), 10);
        assert_eq!(s.blocks.len(), 1);
        assert!(s.blocks[0].is_legacy_encrypted());
        assert_eq!(s.blocks[0].dek_cipher(), Some("AES-128-CBC"));
        assert_eq!(s.findings[0].kind, FailureKind::Encrypted);
        assert_eq!(s.blocks[0].der, vec![0, 1, 2]);
    }
}
