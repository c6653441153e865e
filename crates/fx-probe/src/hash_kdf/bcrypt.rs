//! bcrypt: `$2a$`, `$2b$`, `$2y$`, `$2x$` + two-digit cost + 22 salt + 31 hash characters.

use super::codec::{is_crypt64, num};
use super::params::Params;

/// True for a well-formed modular-crypt bcrypt string.
pub fn check(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 60
        && b.get(3) == Some(&b'$')
        && b.get(6) == Some(&b'$')
        && s.get(4..6)
            .and_then(num)
            .is_some_and(|c| (4..=31).contains(&c))
        && s.get(7..).is_some_and(is_crypt64)
}

/// Cost, 16-byte salt, 23-byte digest.
pub fn params(s: &str) -> Params {
    Params {
        cost: s
            .get(4..6)
            .and_then(num)
            .and_then(|c| u32::try_from(c).ok()),
        salt_bytes: Some(16),
        digest: Some(23),
        ..Params::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_cost() {
        let h = "$2a$05$MBCzKhG1KhezLh.0LRa0Kuw12nLJtpHy6DIaU.JAnqJUDYspHC.Ou";
        assert!(check(h));
        assert_eq!(params(h).cost, Some(5));
        assert!(!check(&h[..59]));
        assert!(!check(
            "$2a$99$MBCzKhG1KhezLh.0LRa0Kuw12nLJtpHy6DIaU.JAnqJUDYspHC.Ou"
        ));
    }
}
