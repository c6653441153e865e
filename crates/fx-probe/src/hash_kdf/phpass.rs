//! phpass portable hashes `$P$`/`$H$` (WordPress, phpBB3) and Drupal 7 `$S$`:
//! one count character (iterations = 2^value), 8 salt characters, the hash.

use super::codec::{b64_bytes, is_crypt64, itoa64_value};
use super::params::Params;

/// `$P$`/`$H$`: 34 characters.
pub fn check_phpass(s: &str) -> bool {
    s.len() == 34 && s.get(3..).is_some_and(is_crypt64)
}

/// Drupal 7 `$S$`: 55 characters (hashcat's form; Drupal stores 55 of the 98).
pub fn check_drupal7(s: &str) -> bool {
    s.len() >= 55 && s.get(3..).is_some_and(is_crypt64)
}

/// Cost (log2 iterations), iterations, salt, digest. The 8 salt characters
/// are hashed as they are (they encode 6 random bytes, but the algorithm
/// consumes the text).
pub fn params(s: &str) -> Params {
    let cost = s.as_bytes().get(3).and_then(|c| itoa64_value(*c));
    let drupal = s.starts_with("$S$");
    Params {
        cost,
        iterations: cost.filter(|c| *c < 63).map(|c| 1u64 << c),
        salt_bytes: Some(8),
        digest: Some(s.get(12..).map(b64_bytes).unwrap_or(0)),
        prf: Some(if drupal { "sha512" } else { "md5" }),
        ..Params::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn count() {
        let h = "$P$946647711V1klyitUYhtB8Yw5DMA/w.";
        assert!(check_phpass(h));
        assert_eq!(params(h).iterations, Some(1 << 11));
        assert!(check_drupal7(
            "$S$C20340258nzjDWpoQthrdNTR02f0pmev0K/5/Nx80WSkOQcPEQRh"
        ));
        assert_eq!(
            params("$S$C20340258nzjDWpoQthrdNTR02f0pmev0K/5/Nx80WSkOQcPEQRh").cost,
            Some(14)
        );
    }
}
