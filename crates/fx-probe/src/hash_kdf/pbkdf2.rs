//! PBKDF2 in its framework encodings: Django `pbkdf2_sha256$`, passlib
//! `$pbkdf2-sha256$`, Werkzeug `pbkdf2:sha256:N$`, hashcat `sha256:N:salt:hash`,
//! Atlassian `{PKCS5S2}`, Cisco type 8 `$8$`, RedHat 389-DS `{PBKDF2_SHA256}`,
//! GRUB 2, macOS `$ml$`, PostgreSQL SCRAM, Web2py.

use super::codec::{b64_bytes, hex_bytes, is_base64, is_crypt64, is_digits, is_hex, num};
use super::params::Params;

fn pbkdf2(
    prf: &'static str,
    iterations: Option<u64>,
    salt: Option<u32>,
    digest: Option<u32>,
) -> Params {
    Params {
        iterations,
        salt_bytes: salt,
        digest,
        prf: Some(prf),
        ..Params::default()
    }
}

fn len32(s: &str) -> Option<u32> {
    u32::try_from(s.len()).ok()
}

fn prf_name(s: &str) -> &'static str {
    match s {
        "sha1" => "sha1",
        "sha256" => "sha256",
        "sha512" => "sha512",
        "sha384" => "sha384",
        "md5" => "md5",
        _ => "other",
    }
}

/// Django `pbkdf2_<prf>$iterations$salt$hash_b64`.
pub fn check_django(s: &str) -> bool {
    let mut it = s.split('$');
    matches!((it.next(), it.next(), it.next(), it.next(), it.next()), (Some(_), Some(n), Some(_), Some(h), None) if is_digits(n) && is_base64(h))
}
/// Django PBKDF2 parameters (salt is text, used as bytes).
pub fn params_django(s: &str) -> Params {
    let mut it = s.split('$');
    let prf = it
        .next()
        .and_then(|p| p.strip_prefix("pbkdf2_"))
        .map(prf_name)
        .unwrap_or("other");
    let n = it.next().and_then(num);
    let salt = it.next().and_then(len32);
    let hash = it.next().map(b64_bytes);
    pbkdf2(prf, n, salt, hash)
}

/// passlib `$pbkdf2[-sha256|-sha512]$rounds$salt_ab64$hash_ab64`.
pub fn check_passlib(s: &str) -> bool {
    let mut it = s.split('$').skip(2);
    matches!((it.next(), it.next(), it.next(), it.next()), (Some(n), Some(_), Some(h), None) if is_digits(n) && is_base64(h))
}
/// passlib PBKDF2 parameters.
pub fn params_passlib(s: &str) -> Params {
    let mut it = s.split('$').skip(1);
    let prf = match it.next() {
        Some("pbkdf2-sha256") => "sha256",
        Some("pbkdf2-sha512") => "sha512",
        _ => "sha1",
    };
    let n = it.next().and_then(num);
    let salt = it.next().map(b64_bytes);
    let hash = it.next().map(b64_bytes);
    pbkdf2(prf, n, salt, hash)
}

/// Werkzeug `pbkdf2:sha256[:iterations]$salt$hash_hex`.
pub fn check_werkzeug(s: &str) -> bool {
    let mut it = s.split('$');
    matches!((it.next(), it.next(), it.next(), it.next()), (Some(m), Some(_), Some(h), None) if m.split(':').count() <= 3 && is_hex(h))
}
/// Werkzeug parameters (iterations absent in old hashes: left unknown).
pub fn params_werkzeug(s: &str) -> Params {
    let mut it = s.split('$');
    let method = it.next().unwrap_or("");
    let mut m = method.split(':').skip(1);
    let prf = m.next().map(prf_name).unwrap_or("other");
    let n = m.next().and_then(num);
    let salt = it.next().and_then(len32);
    let hash = it.next().map(hex_bytes);
    pbkdf2(prf, n, salt, hash)
}

/// hashcat generic `sha256:N:salt_b64:hash_b64` (also `sha1:`, `sha512:`, `md5:`).
pub fn check_hashcat(s: &str) -> bool {
    let mut it = s.split(':').skip(1);
    matches!((it.next(), it.next(), it.next(), it.next()), (Some(n), Some(salt), Some(h), None) if is_digits(n) && is_base64(salt) && is_base64(h))
}
/// hashcat generic PBKDF2 parameters.
pub fn params_hashcat(s: &str) -> Params {
    let mut it = s.split(':');
    let prf = it.next().map(prf_name).unwrap_or("other");
    let n = it.next().and_then(num);
    let salt = it.next().map(b64_bytes);
    let hash = it.next().map(b64_bytes);
    pbkdf2(prf, n, salt, hash)
}

/// Atlassian `{PKCS5S2}` + base64(16-byte salt ‖ 32-byte key): PBKDF2-HMAC-SHA1, 10,000 iterations.
pub fn check_atlassian(s: &str) -> bool {
    s.get(9..)
        .is_some_and(|b| is_base64(b) && b64_bytes(b) == 48)
}
/// Atlassian parameters.
pub fn params_atlassian(_s: &str) -> Params {
    pbkdf2("sha1", Some(10_000), Some(16), Some(32))
}

/// Cisco type 8: `$8$` + 14-character salt + `$` + 43-character hash (PBKDF2-HMAC-SHA256, 20,000 iterations).
pub fn check_cisco8(s: &str) -> bool {
    s.strip_prefix("$8$")
        .and_then(|r| r.split_once('$'))
        .is_some_and(|(salt, h)| salt.len() == 14 && h.len() == 43 && is_crypt64(h))
}
/// Cisco type 8 parameters.
pub fn params_cisco8(_s: &str) -> Params {
    pbkdf2("sha256", Some(20_000), Some(14), Some(32))
}

/// Decodes the first 4 bytes of standard base64 text as a big-endian u32.
fn b64_be_u32(s: &str) -> Option<u64> {
    let val = |c: u8| -> Option<u64> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u64)
    };
    let b = s.as_bytes().get(..6)?;
    let bits = b
        .iter()
        .try_fold(0u64, |acc, &c| Some((acc << 6) | val(c)?))?;
    Some(bits >> 4)
}

/// RedHat 389-DS `{PBKDF2_SHA256}` + base64(4-byte iterations ‖ 64-byte salt ‖ 256-byte hash).
pub fn params_389ds(s: &str) -> Params {
    let body = s.get(15..).unwrap_or("");
    pbkdf2("sha256", b64_be_u32(body), Some(64), Some(256))
}

/// GRUB 2 `grub.pbkdf2.sha512.N.salt_hex.hash_hex`.
pub fn params_grub(s: &str) -> Params {
    let mut it = s.split('.').skip(3);
    let n = it.next().and_then(num);
    let salt = it.next().map(hex_bytes);
    let hash = it.next().map(hex_bytes);
    pbkdf2("sha512", n, salt, hash)
}

/// macOS 10.8+ `$ml$N$salt_hex$hash_hex`.
pub fn params_macos(s: &str) -> Params {
    let mut it = s.split('$').skip(2);
    let n = it.next().and_then(num);
    let salt = it.next().map(hex_bytes);
    let hash = it.next().map(hex_bytes);
    pbkdf2("sha512", n, salt, hash)
}

/// PostgreSQL `SCRAM-SHA-256$N:salt$stored:server`.
pub fn params_scram(s: &str) -> Params {
    let rest = s.split_once('$').map(|(_, r)| r).unwrap_or("");
    let (cost, _) = rest.split_once('$').unwrap_or((rest, ""));
    let (n, salt) = cost.split_once(':').unwrap_or((cost, ""));
    pbkdf2("sha256", num(n), Some(b64_bytes(salt)), Some(32))
}

/// Web2py `pbkdf2(N,keylen,prf)$salt$hash`.
pub fn params_web2py(s: &str) -> Params {
    let inner = s
        .strip_prefix("pbkdf2(")
        .and_then(|r| r.split_once(')'))
        .map(|(i, _)| i)
        .unwrap_or("");
    let mut f = inner.split(',');
    let n = f.next().and_then(num);
    let keylen = f.next().and_then(num).and_then(|k| u32::try_from(k).ok());
    let prf = f.next().map(prf_name).unwrap_or("other");
    let salt = s.split('$').nth(1).and_then(len32);
    pbkdf2(prf, n, salt, keylen)
}

/// Generic `$prefix$N$…` carrying an iteration count in the second field (for containers).
pub fn params_count_field(s: &str) -> Params {
    let n = s
        .split(['$', '*'])
        .filter(|f| !f.is_empty())
        .find_map(|f| num(f).filter(|v| *v >= 1000));
    Params {
        iterations: n,
        ..Params::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn django_and_passlib() {
        let d = "pbkdf2_sha256$10000$1135411628$bFYX62rfJobJ07VwrUMXfuffLfj2RwTqpFU4jMZCZfo=";
        assert!(check_django(d));
        let p = params_django(d);
        assert_eq!(
            (p.iterations, p.prf, p.salt_bytes, p.digest),
            (Some(10000), Some("sha256"), Some(10), Some(32))
        );
        let q = "$pbkdf2-sha256$29000$x9h7j/Ge8x6DMEao1VqrdQ$kra3R1wEnY8mPdDWOpTqOTINaAmZvRMcYd8u5OBQP9A";
        assert!(check_passlib(q));
        assert_eq!(params_passlib(q).salt_bytes, Some(16));
        assert_eq!(
            params_389ds("{PBKDF2_SHA256}AAAgADkxMjM2").iterations,
            Some(8192)
        );
    }

    #[test]
    fn werkzeug() {
        let w = "pbkdf2:sha256:600000$Ey3UHxJ9$0b6e9ffcd2c3b0b1e6c4ff2c5ae8a2d41d1c3f6e9c2f6f0c1fd2c4b9e1e0c3b7";
        assert!(check_werkzeug(w));
        assert_eq!(params_werkzeug(w).iterations, Some(600_000));
    }
}
