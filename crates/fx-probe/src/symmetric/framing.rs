//! Telling encrypted bytes from compressed or encoded ones: compression
//! framing by magic (and header checks where cheap), base64/hex text decoded
//! before the statistics run.

use base64::Engine;

/// The compression format whose framing starts `bytes`, if any.
///
/// gzip (`1f 8b 08`, RFC 1952), zlib (CMF/FLG with CM = 8, CINFO ≤ 7 and
/// `(CMF·256 + FLG) % 31 == 0`, RFC 1950, whose prefix inflates), zstd frame (`28 b5 2f fd`),
/// xz (`fd 37 7a 58 5a 00`), bzip2 (`BZh1`…`BZh9` then the block magic
/// `31 41 59 26 53 59` or the end-of-stream magic `17 72 45 38 50 90`),
/// lz4 frame (`04 22 4d 18`).
pub fn compression(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(&[0x1f, 0x8b, 0x08]) {
        return Some("gzip");
    }
    if bytes.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        return Some("zstd");
    }
    if bytes.starts_with(&[0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]) {
        return Some("xz");
    }
    if bytes.starts_with(&[0x04, 0x22, 0x4d, 0x18]) {
        return Some("lz4");
    }
    if bytes.len() >= 10
        && bytes.starts_with(b"BZh")
        && (b'1'..=b'9').contains(&bytes[3])
        && (bytes[4..10] == [0x31, 0x41, 0x59, 0x26, 0x53, 0x59]
            || bytes[4..10] == [0x17, 0x72, 0x45, 0x38, 0x50, 0x90])
    {
        return Some("bzip2");
    }
    // The zlib header alone passes for one random string in a thousand:
    // the stream must also inflate (fx_formats::zlib).
    if fx_formats::zlib::plausible_stream(bytes) {
        return Some("zlib");
    }
    None
}

/// Text encodings decoded before probing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextEncoding {
    /// RFC 4648 base64 (standard or URL-safe alphabet, padding optional).
    Base64,
    /// Hexadecimal digits.
    Hex,
}

impl TextEncoding {
    /// `base64` or `hex`.
    pub fn as_str(self) -> &'static str {
        match self {
            TextEncoding::Base64 => "base64",
            TextEncoding::Hex => "hex",
        }
    }
}

/// Smallest encoded payload (non-whitespace characters) worth decoding.
const MIN_ENCODED: usize = 24;

/// Decodes `bytes` when the whole of it is hex or base64 text (whitespace
/// ignored). Hex is tried first: every hex string is also base64 alphabet.
pub fn decode_text(bytes: &[u8]) -> Option<(TextEncoding, Vec<u8>)> {
    // Fail fast, without allocating, on anything outside both alphabets:
    // binary input almost always stops here within a few bytes.
    let in_alphabet =
        |b: &u8| b.is_ascii_alphanumeric() || b.is_ascii_whitespace() || b"+/=-_".contains(b);
    if !bytes.iter().all(in_alphabet) {
        return None;
    }
    let compact: Vec<u8> = bytes
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    if compact.len() < MIN_ENCODED {
        return None;
    }
    if compact.len().is_multiple_of(2) && compact.iter().all(u8::is_ascii_hexdigit) {
        return hex::decode(&compact).ok().map(|d| (TextEncoding::Hex, d));
    }
    let std_alpha = |b: &u8| b.is_ascii_alphanumeric() || *b == b'+' || *b == b'/';
    let url_alpha = |b: &u8| b.is_ascii_alphanumeric() || *b == b'-' || *b == b'_';
    let body_end = compact
        .iter()
        .rposition(|b| *b != b'=')
        .map_or(0, |p| p + 1);
    let (body, pad) = compact.split_at(body_end);
    if pad.len() > 2 {
        return None;
    }
    let engine = if body.iter().all(std_alpha) {
        &base64::engine::general_purpose::STANDARD_NO_PAD
    } else if body.iter().all(url_alpha) {
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
    } else {
        return None;
    };
    engine.decode(body).ok().map(|d| (TextEncoding::Base64, d))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn magics() {
        assert_eq!(compression(&[0x1f, 0x8b, 0x08, 0]), Some("gzip"));
        assert_eq!(compression(&[0x78, 0x9c, 1, 2]), Some("zlib"));
        assert_eq!(compression(&[0x78, 0x9d]), None);
        // a zlib header on random bytes (a pqcrypto SLH-DSA-SHA2-256s
        // signature's first bytes): they do not inflate
        let sig = [
            0x48, 0xc7, 0x79, 0xe3, 0x01, 0x39, 0xf1, 0xb1, 0x4e, 0x12, 0x93, 0x29, 0x62, 0xeb,
            0x1c, 0x2b,
        ];
        assert_eq!(compression(&sig), None);
        assert_eq!(compression(b"BZh91AY&SY"), Some("bzip2"));
        assert_eq!(compression(b"BZh9xxxxxx"), None);
        assert_eq!(compression(&[0xfd, b'7', b'z', b'X', b'Z', 0]), Some("xz"));
        assert_eq!(compression(&[0x28, 0xb5, 0x2f, 0xfd]), Some("zstd"));
        assert_eq!(compression(b""), None);
    }

    #[test]
    fn decodes_hex_and_base64() {
        let (e, d) = decode_text(b"00112233445566778899aabbccddeeff\n").expect("hex");
        assert_eq!(e, TextEncoding::Hex);
        assert_eq!(d.len(), 16);
        // Padding in the middle is not one base64 payload.
        assert!(decode_text(b"SGVsbG8sIHdvcmxkIQ==\nSGVsbG8sIHdvcmxkIQ").is_none());
        let (e, d) = decode_text(b"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBka").expect("b64");
        assert_eq!(e, TextEncoding::Base64);
        assert_eq!(d, (0u8..27).collect::<Vec<_>>());
        assert!(decode_text(b"hello world, this is plain text!").is_none());
    }
}
