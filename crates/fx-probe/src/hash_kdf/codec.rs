//! Character classes and encoded-length arithmetic shared by the recognisers.
//!
//! Identification never decodes anything: the salt and digest sizes are
//! derived from the length of their text, which is all an audit needs.

/// The crypt(3) alphabet (`./0-9A-Za-z`), in its value order.
pub const ITOA64: &[u8; 64] = b"./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// Value of one crypt(3) alphabet character.
pub fn itoa64_value(c: u8) -> Option<u32> {
    match c {
        b'.' => Some(0),
        b'/' => Some(1),
        b'0'..=b'9' => Some(u32::from(c - b'0') + 2),
        b'A'..=b'Z' => Some(u32::from(c - b'A') + 12),
        b'a'..=b'z' => Some(u32::from(c - b'a') + 38),
        _ => None,
    }
}

/// True for a non-empty string of hex digits.
pub fn is_hex(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// True for a non-empty run of ASCII digits.
pub fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// True for a non-empty string over the crypt(3) alphabet.
pub fn is_crypt64(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| itoa64_value(b).is_some())
}

/// True for standard or URL-safe base64 text (padding allowed at the end).
pub fn is_base64(s: &str) -> bool {
    let body = s.trim_end_matches('=');
    !body.is_empty()
        && s.len() - body.len() <= 2
        && body
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'-' | b'_' | b'.'))
}

/// Bytes encoded by `s` in any 6-bit-per-character alphabet (padding ignored).
pub fn b64_bytes(s: &str) -> u32 {
    let n = s.trim_end_matches('=').len();
    u32::try_from(n * 6 / 8).unwrap_or(u32::MAX)
}

/// Bytes encoded by a hex string.
pub fn hex_bytes(s: &str) -> u32 {
    u32::try_from(s.len() / 2).unwrap_or(u32::MAX)
}

/// Letter case of a hex string.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HexCase {
    /// Only digits, or lower-case letters.
    Lower,
    /// Upper-case letters only.
    Upper,
    /// Both.
    Mixed,
}

/// The letter case of hex text.
pub fn hex_case(s: &str) -> HexCase {
    let upper = s.bytes().any(|b| b.is_ascii_uppercase());
    let lower = s.bytes().any(|b| b.is_ascii_lowercase());
    match (upper, lower) {
        (true, true) => HexCase::Mixed,
        (true, false) => HexCase::Upper,
        _ => HexCase::Lower,
    }
}

/// Parses a decimal number without allocating; `None` when not all digits or too large.
pub fn num(s: &str) -> Option<u64> {
    if !is_digits(s) || s.len() > 18 {
        return None;
    }
    s.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn itoa64_round_trips() {
        for (i, c) in ITOA64.iter().enumerate() {
            assert_eq!(itoa64_value(*c), Some(i as u32));
        }
        assert_eq!(itoa64_value(b'$'), None);
    }

    #[test]
    fn lengths() {
        assert_eq!(b64_bytes("uJ6qx+YUFzQbcQtyd2gpTQ5qJ3s="), 20);
        assert_eq!(hex_bytes("00ff"), 2);
        assert!(is_base64("ab+/=="));
        assert!(!is_base64("a$b"));
        assert_eq!(hex_case("AB12"), HexCase::Upper);
        assert_eq!(num("12345"), Some(12345));
        assert_eq!(num("1x"), None);
    }
}
