//! LDAP userPassword schemes (RFC 2307 style `{SCHEME}base64`): `{SHA}`,
//! `{SSHA}`, `{SHA256}`, `{SSHA256}`, `{SHA512}`, `{SSHA512}`, `{MD5}`,
//! `{SMD5}`; `{CRYPT}` wraps a crypt(3) string and is unwrapped by the caller.

use super::codec::{b64_bytes, is_base64};
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
}
