//! PBKDF2 in its framework encodings: Django `pbkdf2_sha256$`, passlib
//! `$pbkdf2-sha256$`, Werkzeug `pbkdf2:sha256:N$`, hashcat `sha256:N:salt:hash`,
//! Atlassian `{PKCS5S2}`, Cisco type 8 `$8$`, RedHat 389-DS `{PBKDF2_SHA256}`,
//! passlib's LDAP `{PBKDF2-SHA256}`, GRUB 2, macOS `$ml$`, PostgreSQL and
//! passlib SCRAM, Web2py, the two `$p5k2$` encodings (Christian Heimes' cta
//! and Dwayne Litzenberger's), and MS Cache 2 `$DCC2$`.

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

/// passlib LDAP `{PBKDF2}` / `{PBKDF2-SHA256}` / `{PBKDF2-SHA512}` + `rounds$salt_ab64$hash_ab64`.
fn ldap_parts(s: &str) -> Option<(&'static str, &str)> {
    let (scheme, body) = s.split_once('}')?;
    let prf = match scheme.to_ascii_uppercase().as_str() {
        "{PBKDF2" => "sha1",
        "{PBKDF2-SHA256" => "sha256",
        "{PBKDF2-SHA512" => "sha512",
        _ => return None,
    };
    Some((prf, body))
}
/// passlib LDAP PBKDF2 shape.
pub fn check_ldap(s: &str) -> bool {
    ldap_parts(s).is_some_and(|(_, body)| {
        let mut it = body.split('$');
        matches!((it.next(), it.next(), it.next(), it.next()), (Some(n), Some(salt), Some(h), None) if is_digits(n) && is_base64(salt) && is_base64(h))
    })
}
/// passlib LDAP PBKDF2 parameters.
pub fn params_ldap(s: &str) -> Params {
    let Some((prf, body)) = ldap_parts(s) else {
        return Params::default();
    };
    let mut it = body.split('$');
    let n = it.next().and_then(num);
    let salt = it.next().map(b64_bytes);
    let hash = it.next().map(b64_bytes);
    pbkdf2(prf, n, salt, hash)
}

/// `$p5k2$<hex rounds>$<salt>$<checksum>` fields.
fn p5k2(s: &str) -> Option<(&str, &str, &str)> {
    let mut it = s.strip_prefix("$p5k2$")?.split('$');
    let (rounds, salt, hash) = (it.next()?, it.next()?, it.next()?);
    (it.next().is_none()
        && (rounds.is_empty() || is_hex(rounds))
        && rounds.len() <= 8
        && !salt.is_empty())
    .then_some((rounds, salt, hash))
}
fn hex_rounds(r: &str) -> Option<u64> {
    u64::from_str_radix(r, 16).ok()
}
/// cta_pbkdf2_sha1: url-safe base64 salt and a padded 20-byte checksum (28 characters).
pub fn check_cta(s: &str) -> bool {
    p5k2(s).is_some_and(|(r, salt, h)| {
        !r.is_empty() && is_base64(salt) && h.len() == 28 && h.ends_with('=') && is_base64(h)
    })
}
/// cta_pbkdf2_sha1 parameters (PBKDF2-HMAC-SHA1).
pub fn params_cta(s: &str) -> Params {
    let Some((r, salt, h)) = p5k2(s) else {
        return Params::default();
    };
    pbkdf2(
        "sha1",
        hex_rounds(r),
        Some(b64_bytes(salt)),
        Some(b64_bytes(h)),
    )
}
/// dlitz_pbkdf2_sha1: text salt and a 32-character crypt64 checksum (a 24-byte key).
pub fn check_dlitz(s: &str) -> bool {
    p5k2(s).is_some_and(|(_, salt, h)| !salt.contains('=') && h.len() == 32 && is_crypt64(h))
}
/// dlitz_pbkdf2_sha1 parameters: an empty count field means its default, 400.
pub fn params_dlitz(s: &str) -> Params {
    let Some((r, salt, _)) = p5k2(s) else {
        return Params::default();
    };
    let n = if r.is_empty() {
        Some(400)
    } else {
        hex_rounds(r)
    };
    pbkdf2("sha1", n, len32(salt), Some(24))
}

/// passlib SCRAM `$scram$rounds$salt_ab64$sha-1=…,sha-256=…`: (rounds, salt, first alg, its digest).
fn scram_parts(s: &str) -> Option<(&str, &str, &str, &str)> {
    let mut it = s.strip_prefix("$scram$")?.split('$');
    let (rounds, salt, digests) = (it.next()?, it.next()?, it.next()?);
    let (alg, digest) = digests.split(',').next()?.split_once('=')?;
    (it.next().is_none() && is_digits(rounds) && is_base64(salt) && is_base64(digest))
        .then_some((rounds, salt, alg, digest))
}
/// passlib SCRAM shape.
pub fn check_passlib_scram(s: &str) -> bool {
    scram_parts(s).is_some()
}
/// passlib SCRAM parameters, judged by the first digest it lists (passlib
/// always stores SHA-1, the weakest, first).
pub fn params_passlib_scram(s: &str) -> Params {
    let Some((rounds, salt, alg, digest)) = scram_parts(s) else {
        return Params::default();
    };
    let prf = match alg {
        "sha-1" => "sha1",
        "sha-256" => "sha256",
        "sha-512" => "sha512",
        "sha-384" => "sha384",
        "md5" => "md5",
        _ => "other",
    };
    pbkdf2(
        prf,
        num(rounds),
        Some(b64_bytes(salt)),
        Some(b64_bytes(digest)),
    )
}

/// MS Cache 2 `$DCC2$iterations#user#hash32`: PBKDF2-HMAC-SHA1 salted with the user name.
pub fn params_mscash2(s: &str) -> Params {
    let mut it = s.strip_prefix("$DCC2$").unwrap_or("").split('#');
    let n = it.next().and_then(num);
    let user = it.next().and_then(len32);
    let hash = it.next().filter(|h| is_hex(h)).map(hex_bytes);
    pbkdf2("sha1", n, user, hash)
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
    fn ldap_p5k2_scram_dcc2() {
        let l = "{PBKDF2-SHA256}25000$l7siHrkevvLelMa8vXCryQ$sEKj5xGr.hGKidKKsUg4xGkJ4jLp5Gwe4QtvIreKjx8";
        assert!(check_ldap(l));
        assert_eq!(
            params_ldap(l),
            pbkdf2("sha256", Some(25000), Some(16), Some(32))
        );
        let cta = "$p5k2$3e8$QsMceo2FiOO7u9bdKAmaIg==$CGrNF0RvE5VIBgRC5Zfhb4D5kwM=";
        assert!(check_cta(cta) && !check_dlitz(cta));
        assert_eq!(
            params_cta(cta),
            pbkdf2("sha1", Some(1000), Some(16), Some(20))
        );
        let dlitz = "$p5k2$$r5OK2jxJlD04CERY$s1x1I3aVSlkkmcURQNIOLF8vC2FuDJiq";
        assert!(check_dlitz(dlitz) && !check_cta(dlitz));
        assert_eq!(params_dlitz(dlitz).iterations, Some(400));
        let sc = "$scram$4096$inGOTmtZBGg5NUcBMmwEog$sha-1=n8tcvcbht4GVA3xFM7S2qzzvIL4,sha-256=3IPFvMjTXRRo7OWh5ds2xDN5pGxw77n.cMMdDaVq..M";
        assert!(check_passlib_scram(sc));
        assert_eq!(
            params_passlib_scram(sc),
            pbkdf2("sha1", Some(4096), Some(16), Some(20))
        );
        assert_eq!(
            params_mscash2("$DCC2$10240#tom#e4e938d12fe5974dc42a90120bd9c90f"),
            pbkdf2("sha1", Some(10240), Some(3), Some(16))
        );
    }

    #[test]
    fn werkzeug() {
        let w = "pbkdf2:sha256:600000$Ey3UHxJ9$0b6e9ffcd2c3b0b1e6c4ff2c5ae8a2d41d1c3f6e9c2f6f0c1fd2c4b9e1e0c3b7";
        assert!(check_werkzeug(w));
        assert_eq!(params_werkzeug(w).iterations, Some(600_000));
    }
}
