//! Argon2 in the PHC string format: `$argon2id$v=19$m=65536,t=3,p=4$salt$hash`
//! (`v=` is absent in hashes from version 1.0 libraries), also behind Django's
//! `argon2` algorithm prefix (`argon2$argon2id$…`).

use super::codec::{b64_bytes, is_base64, num};
use super::params::Params;

fn parts(s: &str) -> Option<(Option<u64>, &str, &str, &str)> {
    let rest = s.strip_prefix('$')?.split_once('$')?.1;
    let (version, rest) = match rest.strip_prefix("v=") {
        Some(r) => {
            let (v, tail) = r.split_once('$')?;
            (Some(num(v)?), tail)
        }
        None => (None, rest),
    };
    let (cost, rest) = rest.split_once('$')?;
    let (salt, hash) = rest.split_once('$')?;
    Some((version, cost, salt, hash))
}

fn cost_field(cost: &str, key: &str) -> Option<u64> {
    cost.split(',')
        .find_map(|kv| kv.strip_prefix(key))
        .and_then(num)
}

/// True for a PHC Argon2 string with m, t, p, salt and hash.
pub fn check(s: &str) -> bool {
    parts(s).is_some_and(|(_, cost, salt, hash)| {
        cost_field(cost, "m=").is_some()
            && cost_field(cost, "t=").is_some()
            && cost_field(cost, "p=").is_some()
            && is_base64(salt)
            && is_base64(hash)
    })
}

/// Version, memory (KiB), iterations (t), parallelism (p), salt and digest sizes.
pub fn params(s: &str) -> Params {
    let Some((version, cost, salt, hash)) = parts(s) else {
        return Params::default();
    };
    Params {
        version: version.and_then(|v| u32::try_from(v).ok()),
        memory_kib: cost_field(cost, "m="),
        iterations: cost_field(cost, "t="),
        parallelism: cost_field(cost, "p=").and_then(|p| u32::try_from(p).ok()),
        salt_bytes: Some(b64_bytes(salt)),
        digest: Some(b64_bytes(hash)),
        ..Params::default()
    }
}

/// Django `argon2$<PHC string>` shape.
pub fn check_django(s: &str) -> bool {
    s.strip_prefix("argon2").is_some_and(check)
}

/// Django Argon2 parameters (those of the PHC string inside).
pub fn params_django(s: &str) -> Params {
    s.strip_prefix("argon2").map(params).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_phc() {
        let h = "$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG";
        assert!(check(h));
        let p = params(h);
        assert_eq!(
            (p.memory_kib, p.iterations, p.parallelism, p.version),
            (Some(65536), Some(3), Some(4), Some(19))
        );
        assert_eq!(p.salt_bytes, Some(8));
        assert!(!check(
            "$argon2id$v=19$m=65536,t=3$c29tZXNhbHQ$RdescudvJCsgt3ub"
        ));
        let d = "argon2$argon2i$v=19$m=512,t=2,p=2$GFMvkiG7f+CmawSccGYLMg$LCY2TPevMdVOzqzugKmq3VoAu7flZI5MjprkZ4dTpj0";
        assert!(check_django(d));
        assert_eq!(params_django(d).memory_kib, Some(512));
    }
}
