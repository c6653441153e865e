//! crypt(3) schemes built on MD5, SHA and DES: sha256-crypt `$5$`, sha512-crypt
//! `$6$` (with `rounds=`), md5-crypt `$1$`, Apache `$apr1$`, Sun MD5 `$md5$`,
//! NetBSD sha1-crypt `$sha1$`, traditional DES crypt, bigcrypt, crypt16, BSDi
//! extended DES `_…`, and Django's `crypt$` wrapper of DES crypt.

use super::codec::{b64_bytes, is_crypt64, itoa64_value, num};
use super::params::Params;

/// Splits `$id$[rounds=N$]salt$hash` after the id prefix into (rounds, salt, hash).
fn split_sha(rest: &str) -> Option<(Option<u64>, &str, &str)> {
    let (rounds, rest) = match rest.strip_prefix("rounds=") {
        Some(r) => {
            let (n, tail) = r.split_once('$')?;
            (Some(num(n)?), tail)
        }
        None => (None, rest),
    };
    let (salt, hash) = rest.split_once('$')?;
    Some((rounds, salt, hash))
}

fn sha_check(s: &str, prefix: &str, hash_len: usize) -> bool {
    s.strip_prefix(prefix)
        .and_then(split_sha)
        .is_some_and(|(_, salt, hash)| {
            salt.len() <= 16 && !salt.contains('$') && hash.len() == hash_len && is_crypt64(hash)
        })
}

fn sha_params(s: &str, prefix: &str, digest: u32) -> Params {
    let Some((rounds, salt, _)) = s.strip_prefix(prefix).and_then(split_sha) else {
        return Params::default();
    };
    Params {
        // Drepper's spec: 5000 when `rounds=` is absent, clamped to 1000..=999,999,999.
        rounds: Some(rounds.unwrap_or(5000).clamp(1000, 999_999_999)),
        salt_bytes: u32::try_from(salt.len()).ok(),
        digest: Some(digest),
        prf: Some(if digest == 32 { "sha256" } else { "sha512" }),
        ..Params::default()
    }
}

/// sha256-crypt shape.
pub fn check_sha256(s: &str) -> bool {
    sha_check(s, "$5$", 43)
}
/// sha256-crypt parameters.
pub fn params_sha256(s: &str) -> Params {
    sha_params(s, "$5$", 32)
}
/// sha512-crypt shape.
pub fn check_sha512(s: &str) -> bool {
    sha_check(s, "$6$", 86)
}
/// sha512-crypt parameters.
pub fn params_sha512(s: &str) -> Params {
    sha_params(s, "$6$", 64)
}

fn md5_split<'a>(s: &'a str, prefix: &str) -> Option<(&'a str, &'a str)> {
    let (salt, hash) = s.strip_prefix(prefix)?.split_once('$')?;
    (salt.len() <= 8 && hash.len() == 22 && is_crypt64(hash)).then_some((salt, hash))
}

/// md5-crypt shape (`$1$`, also Cisco type 5).
pub fn check_md5(s: &str) -> bool {
    md5_split(s, "$1$").is_some()
}
/// apr1 shape.
pub fn check_apr1(s: &str) -> bool {
    md5_split(s, "$apr1$").is_some()
}
/// md5-crypt/apr1 parameters: 1000 fixed rounds, salt ≤ 8 characters, 16-byte digest.
pub fn params_md5(s: &str) -> Params {
    let salt = md5_split(s, "$1$")
        .or_else(|| md5_split(s, "$apr1$"))
        .map(|(salt, _)| salt);
    Params {
        rounds: Some(1000),
        salt_bytes: salt.and_then(|v| u32::try_from(v.len()).ok()),
        digest: Some(16),
        prf: Some("md5"),
        ..Params::default()
    }
}

/// Sun MD5 `$md5[,rounds=N]$salt$[$]hash`: (extra rounds as written, salt).
fn sunmd5_split(s: &str) -> Option<(u64, &str)> {
    let rest = s.strip_prefix("$md5")?;
    let (rounds, rest) = match rest
        .strip_prefix(",rounds=")
        .or_else(|| rest.strip_prefix("$rounds="))
    {
        Some(r) => {
            let (n, tail) = r.split_once('$')?;
            (num(n)?, tail)
        }
        None => (0, rest.strip_prefix('$')?),
    };
    let (salt, hash) = rest.split_once('$')?;
    // The usual form ends the salt with `$$` (the bare-salt form with one `$`).
    let hash = hash.strip_prefix('$').unwrap_or(hash);
    (salt.len() <= 48 && !salt.is_empty() && hash.len() == 22 && is_crypt64(hash))
        .then_some((rounds, salt))
}

/// Sun MD5 shape.
pub fn check_sunmd5(s: &str) -> bool {
    sunmd5_split(s).is_some()
}
/// Sun MD5 parameters: rounds are the 4096 basic rounds plus those written.
pub fn params_sunmd5(s: &str) -> Params {
    let Some((extra, salt)) = sunmd5_split(s) else {
        return Params::default();
    };
    Params {
        rounds: Some(extra.saturating_add(4096)),
        salt_bytes: u32::try_from(salt.len()).ok(),
        digest: Some(16),
        prf: Some("md5"),
        ..Params::default()
    }
}

/// NetBSD/Juniper sha1-crypt `$sha1$rounds$salt$hash`.
pub fn check_sha1crypt(s: &str) -> bool {
    let mut it = s.split('$').skip(2);
    matches!((it.next().and_then(num), it.next(), it.next(), it.next()), (Some(_), Some(salt), Some(h), None) if !salt.is_empty() && is_crypt64(h))
}
/// sha1-crypt parameters.
pub fn params_sha1crypt(s: &str) -> Params {
    let mut it = s.split('$').skip(2);
    let rounds = it.next().and_then(num);
    let salt = it.next().unwrap_or("");
    Params {
        iterations: rounds,
        salt_bytes: u32::try_from(salt.len()).ok(),
        digest: Some(20),
        prf: Some("sha1"),
        ..Params::default()
    }
}

/// One 11-character DES block: 64 bits in 66, so the last character's
/// value is a multiple of 4.
fn des_block(b: &str) -> bool {
    b.len() == 11
        && is_crypt64(b)
        && b.as_bytes()
            .last()
            .and_then(|c| itoa64_value(*c))
            .is_some_and(|v| v % 4 == 0)
}

/// 2 salt characters then `blocks` DES blocks.
fn des_blocks(s: &str, blocks: usize) -> bool {
    s.len() == 2 + 11 * blocks
        && s.get(..2).is_some_and(is_crypt64)
        && (0..blocks).all(|i| s.get(2 + 11 * i..13 + 11 * i).is_some_and(des_block))
}

/// Traditional DES crypt: 13 characters of the crypt alphabet (2 salt + 11 hash).
pub fn check_des(s: &str) -> bool {
    des_blocks(s, 1)
}

/// bigcrypt (HP-UX, Tru64): DES crypt extended by one block per 8 password
/// characters (13, 24, 35… characters; 13 is also plain DES crypt).
pub fn check_bigcrypt(s: &str) -> bool {
    s.len() >= 13 && (s.len() - 2).is_multiple_of(11) && des_blocks(s, (s.len() - 2) / 11)
}
/// bigcrypt parameters: 25 DES rounds and 8 bytes per block.
pub fn params_bigcrypt(s: &str) -> Params {
    Params {
        digest: u32::try_from(s.len().saturating_sub(2) / 11 * 8).ok(),
        ..params_des(s)
    }
}

/// crypt16 (Ultrix, Tru64): 2 salt + two DES blocks, 24 characters.
pub fn check_crypt16(s: &str) -> bool {
    des_blocks(s, 2)
}
/// crypt16 parameters: the first block takes 20 DES rounds (the second 5), 16 bytes in all.
pub fn params_crypt16(_s: &str) -> Params {
    Params {
        rounds: Some(20),
        salt_bits: Some(12),
        digest: Some(16),
        ..Params::default()
    }
}

/// Django `crypt$salt$descrypt`: the DES crypt string after the second `$`.
fn django_des(s: &str) -> Option<&str> {
    let mut it = s.splitn(3, '$').skip(2);
    it.next().filter(|d| check_des(d))
}
/// Django DES crypt shape.
pub fn check_django_des(s: &str) -> bool {
    django_des(s).is_some()
}
/// DES crypt parameters: 12-bit salt, 25 rounds of DES, 64-bit output.
pub fn params_des(_s: &str) -> Params {
    Params {
        rounds: Some(25),
        salt_bits: Some(12),
        digest: Some(8),
        ..Params::default()
    }
}

/// BSDi extended DES: `_` + 4 count + 4 salt + 11 hash characters.
pub fn check_bsdi(s: &str) -> bool {
    s.len() == 20 && s.starts_with('_') && s.get(1..).is_some_and(is_crypt64)
}
/// BSDi parameters: 24-bit little-endian round count, 24-bit salt.
pub fn params_bsdi(s: &str) -> Params {
    let count = s.as_bytes().get(1..5).map(|c| {
        c.iter().rev().fold(0u64, |acc, &b| {
            (acc << 6) | u64::from(itoa64_value(b).unwrap_or(0))
        })
    });
    Params {
        rounds: count,
        salt_bits: Some(24),
        digest: Some(8),
        ..Params::default()
    }
}

/// AIX `{ssha…}NN$salt$hash` shape (tells it from LDAP `{SSHA…}` base64).
pub fn check_aix(s: &str) -> bool {
    let mut it = s.split_once('}').map(|(_, r)| r).unwrap_or("").split('$');
    matches!((it.next(), it.next(), it.next(), it.next()), (Some(n), Some(salt), Some(h), None) if n.len() == 2 && num(n).is_some() && !salt.is_empty() && is_crypt64(h))
}

/// AIX `{smd5}salt$hash` shape (tells it from LDAP `{SMD5}` base64).
pub fn check_aix_smd5(s: &str) -> bool {
    s.split_once('}')
        .is_some_and(|(_, r)| r.split('$').count() == 2)
}

/// AIX `{ssha1}`/`{ssha256}`/`{ssha512}`: `NN$salt$hash`, iterations 2^NN.
pub fn params_aix(s: &str) -> Params {
    let Some(rest) = s.split_once('}').map(|(_, r)| r) else {
        return Params::default();
    };
    let mut it = rest.split('$');
    let cost = it.next().and_then(num).and_then(|c| u32::try_from(c).ok());
    let salt = it.next().unwrap_or("");
    let hash = it.next().unwrap_or("");
    Params {
        cost,
        iterations: cost.filter(|c| *c < 63).map(|c| 1u64 << c),
        salt_bytes: u32::try_from(salt.len()).ok(),
        digest: Some(b64_bytes(hash)),
        ..Params::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha_crypt_rounds() {
        let h = "$6$rounds=656000$Dk8PRvB4Wb3TlgbD$ujCT.FZYDb0i3xNu9qeZgWWpAdJr0rGFgvSOPOpNydj8jQPbyPDQDt4qY7DqYxnaj/9d4sUl3wJZzlsIFXkIc0";
        assert!(check_sha512(h));
        assert_eq!(params_sha512(h).rounds, Some(656_000));
        let d = "$5$7777657035274252$XftMj84MW.New1/ViLY5V4CM4Y7EBvfETaZsCW9vcJ8";
        assert!(check_sha256(d));
        assert_eq!(params_sha256(d).rounds, Some(5000));
        assert_eq!(params_sha256(d).salt_bytes, Some(16));
    }

    #[test]
    fn sun_md5() {
        let h = "$md5,rounds=5000$G5fVKyyD$$.l/wkp1VS4SyR35NJ6spJ/";
        assert!(check_sunmd5(h));
        assert_eq!(params_sunmd5(h).rounds, Some(9096));
        let plain = "$md5$YBeGJ.x4$$S8q7CZDRkQVGPb/FyLdVn/";
        assert_eq!(params_sunmd5(plain).rounds, Some(4096));
        assert_eq!(params_sunmd5(plain).salt_bytes, Some(8));
        assert!(check_sunmd5(
            "$md5$rounds=5000$abcdefgh$5pI4Djv2YFyM/4rlOx9ek0"
        ));
        assert!(!check_sunmd5("$md5$abc$short"));
    }

    #[test]
    fn des_family() {
        assert!(check_bigcrypt(
            "XxXt88ALBellgHaRp5Y2ndvcOuWoH48IBZ.VaSWpWKv6po"
        ));
        assert_eq!(
            params_bigcrypt("XxXt88ALBellgHaRp5Y2ndvcOuWoH48IBZ.VaSWpWKv6po").digest,
            Some(32)
        );
        assert!(check_crypt16("4NhkWpueRe79k5N9SBAkAhZ2"));
        assert!(check_bigcrypt("4NhkWpueRe79k5N9SBAkAhZ2"));
        // A 13-letter word is crypt64 but its last character cannot end a DES block.
        assert!(!check_des("international"));
        assert!(check_django_des("crypt$O7$O7Gh6LCq7eUlA"));
    }

    #[test]
    fn des_and_bsdi() {
        assert!(check_des("24leDr0hHfb3A"));
        assert!(check_bsdi("_GW..8841inaTltazRsQ"));
        assert_eq!(
            params_bsdi("_GW..8841inaTltazRsQ").rounds,
            Some(34 * 64 + 18)
        );
    }
}
