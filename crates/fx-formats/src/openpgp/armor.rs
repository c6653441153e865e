//! OpenPGP ASCII armor (RFC 9580 §6.2) and the cleartext signature
//! framework (§7): armor lines whose labels match, `Key: Value` armor
//! headers, a blank line, a base64 body and an optional `=XXXX` CRC-24
//! line, which is verified when present.

use base64::Engine as _;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use fx_core::vocab::FailureKind;
use serde::Serialize;

/// The start of an OpenPGP armor BEGIN line, up to the label's rest.
pub const BEGIN_PGP: &[u8] = b"-----BEGIN PGP ";
/// The label of a cleartext-signed message's first line.
pub const SIGNED_MESSAGE: &str = "PGP SIGNED MESSAGE";
const SIGNATURE_BEGIN: &[u8] = b"-----BEGIN PGP SIGNATURE-----";
const DASHES: &[u8] = b"-----";
/// Longest label accepted (`PGP MESSAGE, PART 12/34` is the longest legal one).
const MAX_LABEL: usize = 64;
/// Armor headers kept per block.
const MAX_HEADERS: usize = 32;

/// Whether the block's CRC-24 line was there (a wrong one is a
/// `checksum_mismatch` finding).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Checksum {
    /// No `=XXXX` line (RFC 9580 writers omit it).
    Absent,
    /// Present and equal to the CRC-24 of the decoded body.
    Ok,
    /// Present and different.
    Mismatch,
}

/// One armored block.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ArmorBlock {
    /// The label between `BEGIN ` and the dashes (`PGP PUBLIC KEY BLOCK`, …).
    pub label: String,
    /// Offset of the BEGIN line.
    pub begin: usize,
    /// Offset just past the END line.
    pub end: usize,
    /// Offset of the first body line.
    pub body_offset: usize,
    /// Armor headers (`Version`, `Comment`, …) as written, in order.
    #[serde(skip)]
    pub headers: Vec<(String, String)>,
    /// The CRC-24 line's state.
    pub checksum: Checksum,
    /// The decoded body.
    #[serde(skip)]
    pub data: Vec<u8>,
}

/// The text part of a cleartext-signed message (RFC 9580 §7).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Cleartext {
    /// Offset of the `-----BEGIN PGP SIGNED MESSAGE-----` line.
    pub begin: usize,
    /// The values of its `Hash:` armor headers (hash names), in order.
    pub hashes: Vec<String>,
    /// Offset of the signed text.
    pub text_offset: usize,
    /// Length of the signed text (up to its signature block).
    pub text_len: usize,
}

/// A failure shape met while reading armor.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ArmorFinding {
    /// `bad_pem_armor`, `bad_base64` or `checksum_mismatch`.
    pub kind: FailureKind,
    /// Byte offset in the input.
    pub offset: usize,
    /// What exactly was wrong.
    pub detail: String,
}

/// Everything a scan found.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ArmorScan {
    /// Blocks that decoded, in file order.
    pub blocks: Vec<ArmorBlock>,
    /// The cleartext-signed message the first block signs, when there is one.
    pub cleartext: Option<Cleartext>,
    /// True when `max_blocks` stopped the scan.
    pub block_limit_hit: bool,
    /// Failure shapes, in file order.
    pub findings: Vec<ArmorFinding>,
}

/// The CRC-24 of RFC 9580 §6.1 (init 0xB704CE, generator 0x1864CFB).
pub fn crc24(data: &[u8]) -> u32 {
    let mut crc: u32 = 0x00B7_04CE;
    for &b in data {
        crc ^= u32::from(b) << 16;
        for _ in 0..8 {
            crc <<= 1;
            if crc & 0x0100_0000 != 0 {
                crc ^= 0x0186_4CFB;
            }
        }
    }
    crc & 0x00FF_FFFF
}

/// The offset of the first line that begins with `-----BEGIN PGP `.
pub fn find_armor(bytes: &[u8]) -> Option<usize> {
    memchr::memmem::find_iter(bytes, BEGIN_PGP).find(|&at| at == 0 || bytes[at - 1] == b'\n')
}

/// True when a line of the input begins an OpenPGP armor block.
pub fn looks_like_armor(bytes: &[u8]) -> bool {
    find_armor(bytes).is_some()
}

/// Lines of `bytes` from `pos`: (start, end without the line break, next).
fn line(bytes: &[u8], pos: usize) -> (usize, usize, usize) {
    match memchr::memchr(b'\n', &bytes[pos..]) {
        Some(i) => (pos, pos + i, pos + i + 1),
        None => (pos, bytes.len(), bytes.len()),
    }
}

fn trim_end(s: &[u8]) -> &[u8] {
    s.trim_ascii_end()
}

/// The label of an armor line `-----BEGIN X-----` / `-----END X-----`
/// (`keyword` is `BEGIN ` or `END `), when the line is one.
fn armor_label<'a>(text: &'a [u8], keyword: &[u8]) -> Option<&'a [u8]> {
    let rest = trim_end(text).strip_prefix(DASHES)?.strip_prefix(keyword)?;
    let label = rest.strip_suffix(DASHES)?;
    (label.len() <= MAX_LABEL
        && !label.is_empty()
        && label.iter().all(|&b| b.is_ascii_graphic() || b == b' '))
    .then_some(label)
}

fn finding(kind: FailureKind, offset: usize, detail: impl Into<String>) -> ArmorFinding {
    ArmorFinding {
        kind,
        offset,
        detail: detail.into(),
    }
}

/// Reads armor headers from `pos` up to and including the blank line that
/// ends them. Returns the headers and the offset of the first body line.
/// A line that is neither a header nor blank starts the body (lenient: the
/// blank line is missing).
fn headers(bytes: &[u8], mut pos: usize) -> (Vec<(String, String)>, usize) {
    let mut out = Vec::new();
    while pos < bytes.len() {
        let (s, e, next) = line(bytes, pos);
        let text = trim_end(&bytes[s..e]);
        if text.is_empty() {
            return (out, next);
        }
        let Some(colon) = memchr::memchr(b':', text) else {
            return (out, s);
        };
        if out.len() < MAX_HEADERS {
            let key = String::from_utf8_lossy(&text[..colon]).trim().to_owned();
            let value = String::from_utf8_lossy(&text[colon + 1..])
                .trim()
                .to_owned();
            out.push((key, value));
        }
        pos = next;
    }
    (out, pos)
}

fn engine() -> GeneralPurpose {
    GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
    )
}

/// Decodes base64 text whose characters sit at the given offsets; the
/// failure names the offset of the first character that is wrong.
fn decode(chars: &[(usize, u8)], end: usize) -> Result<Vec<u8>, ArmorFinding> {
    let mut pad_at: Option<usize> = None;
    for &(at, c) in chars {
        if c == b'=' {
            pad_at.get_or_insert(at);
        } else if !(c.is_ascii_alphanumeric() || c == b'+' || c == b'/') {
            return Err(finding(
                FailureKind::BadBase64,
                at,
                format!("byte {c:#04x} is not in the base64 alphabet"),
            ));
        } else if let Some(p) = pad_at {
            return Err(finding(
                FailureKind::BadBase64,
                p,
                "padding before the end of the body",
            ));
        }
    }
    let text: Vec<u8> = chars.iter().map(|&(_, c)| c).collect();
    let data_len = text.iter().filter(|&&c| c != b'=').count();
    if data_len % 4 == 1 || text.len() - data_len > 2 {
        return Err(finding(
            FailureKind::BadBase64,
            chars.last().map_or(end, |&(at, _)| at),
            "impossible base64 length",
        ));
    }
    let stripped: Vec<u8> = text.into_iter().filter(|&c| c != b'=').collect();
    engine().decode(&stripped).map_err(|e| {
        finding(
            FailureKind::BadBase64,
            chars.last().map_or(end, |&(at, _)| at),
            e.to_string(),
        )
    })
}

/// The CRC-24 value of a checksum line (`=` and four base64 characters).
fn checksum_value(text: &[u8]) -> Option<u32> {
    let quad = text.strip_prefix(b"=")?;
    if quad.len() != 4 {
        return None;
    }
    let b = engine().decode(quad).ok()?;
    (b.len() == 3).then(|| u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]))
}

/// Reads the armored block whose BEGIN line starts at `begin`. Returns the
/// block (`None` when its armor or base64 is broken), its findings, and the
/// offset to go on scanning from.
fn block(bytes: &[u8], begin: usize) -> (Option<ArmorBlock>, Vec<ArmorFinding>, usize) {
    let mut found = Vec::new();
    let (s, e, next) = line(bytes, begin);
    let Some(label) = armor_label(&bytes[s..e], b"BEGIN ") else {
        found.push(finding(
            FailureKind::BadPemArmor,
            begin,
            "BEGIN line is not `-----BEGIN PGP …-----`",
        ));
        return (None, found, next);
    };
    let label = String::from_utf8_lossy(label).into_owned();
    let (hdrs, body_offset) = headers(bytes, next);
    let mut chars: Vec<(usize, u8)> = Vec::new();
    let mut crc: Option<(usize, &[u8])> = None;
    let mut pos = body_offset;
    loop {
        if pos >= bytes.len() {
            found.push(finding(
                FailureKind::BadPemArmor,
                begin,
                format!("no `-----END {label}-----` line"),
            ));
            return (None, found, bytes.len());
        }
        let (s, e, next) = line(bytes, pos);
        let text = trim_end(&bytes[s..e]);
        if text.starts_with(DASHES) {
            match armor_label(text, b"END ") {
                Some(end_label) if end_label == label.as_bytes() => {
                    pos = next;
                    break;
                }
                Some(other) => {
                    found.push(finding(
                        FailureKind::BadPemArmor,
                        s,
                        format!(
                            "END label `{}` does not match BEGIN label `{label}`",
                            String::from_utf8_lossy(other)
                        ),
                    ));
                    return (None, found, next);
                }
                None => {
                    found.push(finding(
                        FailureKind::BadPemArmor,
                        begin,
                        format!("no `-----END {label}-----` line before the next armor line"),
                    ));
                    return (None, found, s);
                }
            }
        }
        if crc.is_none() && text.len() == 5 && text.first() == Some(&b'=') {
            crc = Some((s, text));
        } else if let Some((at, _)) = crc {
            found.push(finding(
                FailureKind::BadPemArmor,
                at,
                "text between the checksum line and the END line",
            ));
            return (None, found, next);
        } else {
            chars.extend(
                (s..s + text.len())
                    .zip(text.iter().copied())
                    .filter(|(_, c)| !c.is_ascii_whitespace()),
            );
        }
        pos = next;
    }
    let data = match decode(&chars, body_offset) {
        Ok(d) => d,
        Err(f) => {
            found.push(f);
            return (None, found, pos);
        }
    };
    let checksum = match crc {
        None => Checksum::Absent,
        Some((at, text)) => match checksum_value(text) {
            None => {
                found.push(finding(
                    FailureKind::BadBase64,
                    at,
                    "checksum line is not `=` and four base64 characters",
                ));
                Checksum::Mismatch
            }
            Some(v) if v == crc24(&data) => Checksum::Ok,
            Some(v) => {
                found.push(finding(
                    FailureKind::ChecksumMismatch,
                    at,
                    format!("armor CRC-24 {v:06X}, body's {:06X}", crc24(&data)),
                ));
                Checksum::Mismatch
            }
        },
    };
    let b = ArmorBlock {
        label,
        begin,
        end: pos,
        body_offset,
        headers: hdrs,
        checksum,
        data,
    };
    (Some(b), found, pos)
}

/// Reads the cleartext-signed message at `begin`: its `Hash:` headers and
/// the text up to the signature block's BEGIN line (returned as the offset
/// to go on from), or a finding when that block is missing.
fn cleartext(bytes: &[u8], begin: usize) -> Result<(Cleartext, usize), ArmorFinding> {
    let (_, _, next) = line(bytes, begin);
    let (hdrs, text_offset) = headers(bytes, next);
    let hashes = hdrs
        .into_iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case("Hash"))
        .flat_map(|(_, v)| {
            v.split(',')
                .map(|h| h.trim().to_owned())
                .collect::<Vec<_>>()
        })
        .collect();
    // Dash-escaping (§7.2) keeps the text's own lines from starting with
    // dashes, so the first such line is the signature's.
    let sig = memchr::memmem::find_iter(&bytes[text_offset..], SIGNATURE_BEGIN)
        .map(|r| text_offset + r)
        .find(|&at| at == text_offset || bytes[at - 1] == b'\n')
        .ok_or_else(|| {
            finding(
                FailureKind::BadPemArmor,
                begin,
                "cleartext-signed message without its `-----BEGIN PGP SIGNATURE-----` block",
            )
        })?;
    Ok((
        Cleartext {
            begin,
            hashes,
            text_offset,
            text_len: sig - text_offset,
        },
        sig,
    ))
}

/// Scans `bytes` for OpenPGP armor, decoding at most `max_blocks` blocks.
pub fn scan(bytes: &[u8], max_blocks: usize) -> ArmorScan {
    let mut out = ArmorScan::default();
    let mut pos = 0;
    while let Some(rel) = find_armor(&bytes[pos..]) {
        let begin = pos + rel;
        if out.blocks.len() >= max_blocks {
            out.block_limit_hit = true;
            break;
        }
        let (s, e, _) = line(bytes, begin);
        if armor_label(&bytes[s..e], b"BEGIN ") == Some(SIGNED_MESSAGE.as_bytes()) {
            match cleartext(bytes, begin) {
                Ok((c, sig)) => {
                    if out.cleartext.is_none() {
                        out.cleartext = Some(c);
                    }
                    pos = sig;
                }
                Err(f) => {
                    out.findings.push(f);
                    break;
                }
            }
            continue;
        }
        let (b, found, next) = block(bytes, begin);
        out.findings.extend(found);
        out.blocks.extend(b);
        pos = next.max(begin + 1);
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn armor(label: &str, body: &[u8], crc: bool) -> Vec<u8> {
        let mut s = format!("-----BEGIN {label}-----\nComment: test\n\n");
        let b64 = base64::engine::general_purpose::STANDARD.encode(body);
        for c in b64.as_bytes().chunks(64) {
            s.push_str(std::str::from_utf8(c).unwrap());
            s.push('\n');
        }
        if crc {
            let v = crc24(body).to_be_bytes();
            s.push('=');
            s.push_str(&base64::engine::general_purpose::STANDARD.encode(&v[1..]));
            s.push('\n');
        }
        s.push_str(&format!("-----END {label}-----\n"));
        s.into_bytes()
    }

    #[test]
    fn crc24_of_known_input() {
        // The CRC-24 of the empty string is the initial value.
        assert_eq!(crc24(b""), 0xB704CE);
        // RFC 4880 §6.6's example message and its checksum line `=njUN`.
        let body = base64::engine::general_purpose::STANDARD
            .decode(
                "yDgBO22WxBHv7O8X7O/jygAEzol56iUKiXmV+XmpCtmpqQUKiQrFqclFqUDBovzSvBSFjNSiVHsuAA==",
            )
            .unwrap();
        let want = base64::engine::general_purpose::STANDARD
            .decode("njUN")
            .unwrap();
        let want = u32::from(want[0]) << 16 | u32::from(want[1]) << 8 | u32::from(want[2]);
        assert_eq!(crc24(&body), want);
    }

    #[test]
    fn a_block_with_its_checksum() {
        let body: Vec<u8> = (0u8..200).collect();
        let a = armor("PGP PUBLIC KEY BLOCK", &body, true);
        let s = scan(&a, 8);
        assert_eq!(s.findings, vec![]);
        assert_eq!(s.blocks.len(), 1);
        assert_eq!(s.blocks[0].label, "PGP PUBLIC KEY BLOCK");
        assert_eq!(s.blocks[0].checksum, Checksum::Ok);
        assert_eq!(s.blocks[0].headers, vec![("Comment".into(), "test".into())]);
        assert_eq!(s.blocks[0].data, body);
        assert_eq!(s.blocks[0].end, a.len());
        let s = scan(&armor("PGP SIGNATURE", &body, false), 8);
        assert_eq!(s.blocks[0].checksum, Checksum::Absent);
    }

    #[test]
    fn crlf_line_endings_and_blank_lines_with_spaces() {
        let body: Vec<u8> = (0u8..150).collect();
        let a = String::from_utf8(armor("PGP SIGNATURE", &body, true))
            .unwrap()
            .replace("test\n\n", "test\n  \n")
            .replace('\n', "\r\n");
        let s = scan(a.as_bytes(), 8);
        assert_eq!(s.findings, vec![]);
        assert_eq!(s.blocks[0].data, body);
        assert_eq!(s.blocks[0].checksum, Checksum::Ok);
    }

    #[test]
    fn a_wrong_checksum_is_checksum_mismatch_at_its_line() {
        let body: Vec<u8> = (0u8..100).collect();
        let mut a = armor("PGP MESSAGE", &body, true);
        let at = memchr::memmem::find(&a, b"\n=").unwrap() + 1;
        a[at + 1] = if a[at + 1] == b'A' { b'B' } else { b'A' };
        let s = scan(&a, 8);
        assert_eq!(s.findings.len(), 1);
        assert_eq!(s.findings[0].kind, FailureKind::ChecksumMismatch);
        assert_eq!(s.findings[0].offset, at);
        assert_eq!(s.blocks[0].checksum, Checksum::Mismatch);
    }

    #[test]
    fn armor_defects_have_shapes_and_offsets() {
        let body: Vec<u8> = (0u8..100).collect();
        // Labels that do not match.
        let a = armor("PGP MESSAGE", &body, false);
        let t = String::from_utf8(a.clone()).unwrap();
        let t = t.replace("END PGP MESSAGE", "END PGP SIGNATURE");
        let s = scan(t.as_bytes(), 8);
        assert!(s.blocks.is_empty());
        assert_eq!(s.findings[0].kind, FailureKind::BadPemArmor);
        assert_eq!(s.findings[0].offset, t.find("-----END").unwrap());
        // No END line.
        let cut = &a[..a.len() - 26];
        let s = scan(cut, 8);
        assert_eq!(s.findings[0].kind, FailureKind::BadPemArmor);
        assert_eq!(s.findings[0].offset, 0);
        // A character outside the alphabet.
        let mut bad = a.clone();
        let at = memchr::memmem::find(&bad, b"\n\n").unwrap() + 5;
        bad[at] = b'*';
        let s = scan(&bad, 8);
        assert_eq!(s.findings[0].kind, FailureKind::BadBase64);
        assert_eq!(s.findings[0].offset, at);
        // Padding in the middle.
        let mut bad = a;
        bad[at] = b'=';
        let s = scan(&bad, 8);
        assert_eq!(s.findings[0].kind, FailureKind::BadBase64);
        assert_eq!(s.findings[0].offset, at);
    }

    #[test]
    fn cleartext_signed_messages_keep_their_signature_block() {
        let sig = armor("PGP SIGNATURE", &[1, 2, 3, 4, 5, 6], true);
        let mut m = b"-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nhello\n- -----BEGIN PGP SIGNATURE-----\n".to_vec();
        let sig_at = m.len();
        m.extend_from_slice(&sig);
        let s = scan(&m, 8);
        assert_eq!(s.findings, vec![]);
        let c = s.cleartext.unwrap();
        assert_eq!(c.hashes, vec!["SHA256".to_owned()]);
        assert_eq!(c.text_offset, 49);
        assert_eq!(c.text_offset + c.text_len, sig_at);
        assert_eq!(s.blocks.len(), 1);
        assert_eq!(s.blocks[0].label, "PGP SIGNATURE");
        // Without its signature block.
        let s = scan(b"-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA1\n\nhi\n", 8);
        assert_eq!(s.findings[0].kind, FailureKind::BadPemArmor);
        assert!(s.blocks.is_empty());
    }

    #[test]
    fn hostile_armor_never_panics() {
        let base = armor("PGP PUBLIC KEY BLOCK", &[7u8; 90], true);
        for cut in 0..base.len() {
            let _ = scan(&base[..cut], 4);
        }
        let _ = scan(b"-----BEGIN PGP ", 4);
        let _ = scan(b"-----BEGIN PGP X-----\n=", 4);
        let _ = scan(b"-----BEGIN PGP X-----\n\n=AAAA\nx\n-----END PGP X-----", 4);
        let many = armor("PGP SIGNATURE", &[1], false).repeat(10);
        let s = scan(&many, 3);
        assert_eq!(s.blocks.len(), 3);
        assert!(s.block_limit_hit);
    }
}
