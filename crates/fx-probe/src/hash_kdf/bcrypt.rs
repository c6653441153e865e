//! bcrypt: `$2a$`, `$2b$`, `$2y$`, `$2x$` and the original `$2$` + two-digit
//! cost + 22 salt + 31 hash characters; passlib's `$bcrypt-sha256$` (bcrypt
//! over an HMAC-SHA256 of the password) and the Django wrappers around them.

use super::codec::{is_crypt64, num};
use super::params::Params;

/// `(cost, salt+hash)` of `$<ident>$<cc>$<53 characters>`.
fn split(s: &str) -> Option<(u32, &str)> {
    let rest = s.strip_prefix('$')?;
    let (ident, rest) = rest.split_once('$')?;
    if !matches!(ident, "2" | "2a" | "2b" | "2x" | "2y") {
        return None;
    }
    let (cost, body) = rest.split_once('$')?;
    let cost = u32::try_from(num(cost).filter(|_| cost.len() == 2)?).ok()?;
    ((4..=31).contains(&cost) && body.len() == 53 && is_crypt64(body)).then_some((cost, body))
}

/// True for a well-formed modular-crypt bcrypt string.
pub fn check(s: &str) -> bool {
    split(s).is_some()
}

fn bcrypt_params(cost: Option<u32>) -> Params {
    Params {
        cost,
        salt_bytes: Some(16),
        digest: Some(23),
        ..Params::default()
    }
}

/// Cost, 16-byte salt, 23-byte digest.
pub fn params(s: &str) -> Params {
    bcrypt_params(split(s).map(|(cost, _)| cost))
}

/// passlib bcrypt-sha256: v2 `$bcrypt-sha256$v=2,t=2b,r=12$salt22$hash31`,
/// v1 `$bcrypt-sha256$2b,12$salt22$hash31`; the cost.
fn sha256_cost(s: &str) -> Option<u32> {
    let rest = s.strip_prefix("$bcrypt-sha256$")?;
    let mut it = rest.split('$');
    let (config, salt, hash) = (it.next()?, it.next()?, it.next()?);
    if it.next().is_some() || salt.len() != 22 || hash.len() != 31 {
        return None;
    }
    if !is_crypt64(salt) || !is_crypt64(hash) {
        return None;
    }
    let cost = match config.strip_prefix("v=2,") {
        Some(v2) => v2.split(',').find_map(|kv| kv.strip_prefix("r="))?,
        None => config.split_once(',')?.1,
    };
    u32::try_from(num(cost)?)
        .ok()
        .filter(|c| (4..=31).contains(c))
}

/// passlib `$bcrypt-sha256$` shape.
pub fn check_sha256(s: &str) -> bool {
    sha256_cost(s).is_some()
}
/// passlib `$bcrypt-sha256$` parameters (those of its bcrypt).
pub fn params_sha256(s: &str) -> Params {
    bcrypt_params(sha256_cost(s))
}

/// The bcrypt string inside a Django `bcrypt$…` / `bcrypt_sha256$…` value.
fn django_inner(s: &str) -> Option<&str> {
    s.split_once('$').map(|(_, inner)| inner)
}
/// Django `bcrypt$$2b$…` and `bcrypt_sha256$$2b$…` shape.
pub fn check_django(s: &str) -> bool {
    django_inner(s).is_some_and(check)
}
/// Django bcrypt parameters (those of the bcrypt inside).
pub fn params_django(s: &str) -> Params {
    django_inner(s).map(params).unwrap_or_default()
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
        let original = "$2$04$n0NFRVikegyoCxKBc5s6auJn2lAtsuqxzFVfq88KIMnajdvrHKOx6";
        assert_eq!(params(original).cost, Some(4));
    }

    #[test]
    fn passlib_and_django_wrappers() {
        let v2 =
            "$bcrypt-sha256$v=2,t=2b,r=12$f/a0FwpgbUis3S5TbX5Gye$PwatStyHbvywZQIAgO5oCkSRCj3jX0C";
        assert_eq!(params_sha256(v2).cost, Some(12));
        let v1 = "$bcrypt-sha256$2b,6$dh2pOLYsDkq95BuVJfWptO$PBPj83WeQ/VuTsNwZqhfQ.xVUMg8Rfi";
        assert_eq!(params_sha256(v1).cost, Some(6));
        let d = "bcrypt_sha256$$2b$10$kJ4nm.6o/fBje7NPoqk7i.pHS5JVutEhG.6Kw36FYmqrCEja/7wCK";
        assert!(check_django(d));
        assert_eq!(params_django(d).cost, Some(10));
        assert!(!check_django("bcrypt$$2b$10$short"));
    }
}
