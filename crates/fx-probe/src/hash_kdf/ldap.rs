//! LDAP userPassword schemes (RFC 2307 style `{SCHEME}base64`): `{SHA}`,
//! `{SSHA}`, `{SHA256}`, `{SSHA256}`, `{SHA512}`, `{SSHA512}`, `{MD5}`,
//! `{SMD5}`, their hex-bodied variants (`{MD5}` + 32 hex, as passlib's
//! `ldap_hex_md5` writes them), and FSHP `{FSHP1|8|4096}`; `{CRYPT}` wraps a
//! crypt(3) string and is unwrapped by the caller.

use super::codec::{b64_bytes, hex_bytes, is_base64, is_digits, is_hex, num};
use super::params::Params;

/// Digest size of a `{SCHEME}` (salted or not), from its name.
fn digest_of(s: &str) -> Option<u32> {
    let name = s.get(1..s.find('}')?)?.to_ascii_uppercase();
    match name.trim_start_matches('S') {
        "HA" | "HA1" => Some(20),
        "HA256" => Some(32),
        "HA384" => Some(48),
        "HA512" => Some(64),
        "MD5" => Some(16),
        _ => None,
    }
}

fn body(s: &str) -> &str {
    s.find('}').and_then(|i| s.get(i + 1..)).unwrap_or("")
}

/// Unsalted `{SHA}`-style: the base64 body is exactly one digest.
pub fn check_plain(s: &str) -> bool {
    let b = body(s);
    is_base64(b) && Some(b64_bytes(b)) == digest_of(s)
}

/// Salted `{SSHA}`-style: the body is digest ‖ salt, salt at least one byte.
pub fn check_salted(s: &str) -> bool {
    let b = body(s);
    is_base64(b) && digest_of(s).is_some_and(|d| b64_bytes(b) > d)
}

/// Digest and salt sizes.
pub fn params(s: &str) -> Params {
    let total = b64_bytes(body(s));
    let digest = digest_of(s);
    Params {
        digest,
        salt_bytes: digest.map(|d| total.saturating_sub(d)).filter(|b| *b > 0),
        ..Params::default()
    }
}

/// `{MD5}`/`{SHA}` with a hex body of exactly one digest.
pub fn check_hex(s: &str) -> bool {
    let b = body(s);
    is_hex(b) && Some(hex_bytes(b)) == digest_of(s)
}

/// Digest size of a hex-bodied scheme.
pub fn params_hex(s: &str) -> Params {
    Params {
        digest: Some(hex_bytes(body(s))),
        ..Params::default()
    }
}

/// FSHP `{FSHP<variant>|<salt bytes>|<rounds>}base64(salt ‖ digest)`: variant, salt size, rounds.
fn fshp_header(s: &str) -> Option<(u32, u64, u64, &str)> {
    let rest = s.get(..5)?.eq_ignore_ascii_case("{FSHP").then(|| &s[5..])?;
    let (header, body) = rest.split_once('}')?;
    let mut f = header.split('|');
    let (variant, salt, rounds) = (f.next()?, f.next()?, f.next()?);
    if f.next().is_some() || !is_digits(variant) || !is_base64(body) {
        return None;
    }
    Some((
        u32::try_from(num(variant)?).ok()?,
        num(salt)?,
        num(rounds)?,
        body,
    ))
}

/// The hash of an FSHP variant: (name, digest bytes).
fn fshp_variant(v: u32) -> Option<(&'static str, u32)> {
    match v {
        0 => Some(("sha1", 20)),
        1 => Some(("sha256", 32)),
        2 => Some(("sha384", 48)),
        3 => Some(("sha512", 64)),
        _ => None,
    }
}

/// FSHP shape: a known variant, and a body of exactly salt ‖ digest.
pub fn check_fshp(s: &str) -> bool {
    fshp_header(s).is_some_and(|(v, salt, _, body)| {
        fshp_variant(v).is_some_and(|(_, d)| u64::from(b64_bytes(body)) == salt + u64::from(d))
    })
}

/// FSHP parameters: rounds of the iterated hash, salt, digest, hash.
pub fn params_fshp(s: &str) -> Params {
    let Some((v, salt, rounds, _)) = fshp_header(s) else {
        return Params::default();
    };
    let variant = fshp_variant(v);
    Params {
        rounds: Some(rounds),
        salt_bytes: u32::try_from(salt).ok().filter(|b| *b > 0),
        digest: variant.map(|(_, d)| d),
        prf: variant.map(|(h, _)| h),
        ..Params::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn salt_sizes() {
        assert!(check_plain("{SHA}uJ6qx+YUFzQbcQtyd2gpTQ5qJ3s="));
        let s = "{SSHA}FLzWcQqyle6Mo7NvrwXCMAmRzXQxNjYxMTYzNw==";
        assert!(check_salted(s));
        assert_eq!(params(s).salt_bytes, Some(8));
        assert_eq!(params("{SSHA512}Bz8w5q6qEtB1Nnc8b1jfTvTXVTwohWag33oghQGOtLChnkZTw/cuJaHQlLJEI3AWKZGCRyLA6Phujdxo+is7AjA2MDcyNjY1Mg==").salt_bytes, Some(9));
    }

    #[test]
    fn hex_bodies_and_fshp() {
        assert!(check_hex("{MD5}5f4dcc3b5aa765d61d8327deb882cf99"));
        assert!(!check_plain("{MD5}5f4dcc3b5aa765d61d8327deb882cf99"));
        assert!(check_hex("{SHA}5baa61e4c9b93f3f0682250b6cf8331b7ee68fd8"));
        let f = "{FSHP1|16|480000}noZOWljwEcqYnJ31qVJqkj89rR1AGDbmSdv2weGkf7MtkGrFxm0lMAuQBAnBiswL";
        assert!(check_fshp(f));
        let p = params_fshp(f);
        assert_eq!(
            (p.rounds, p.salt_bytes, p.digest, p.prf),
            (Some(480_000), Some(16), Some(32), Some("sha256"))
        );
        assert!(!check_fshp("{FSHP9|16|480000}noZOWljw"));
    }
}
