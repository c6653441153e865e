//! scrypt in its common encodings — `$7$` (libxcrypt/Colin Percival's),
//! passlib `$scrypt$ln=,r=,p=$`, hashcat `SCRYPT:N:r:p:salt:hash`, Django
//! `scrypt$salt$N$r$p$hash`, Cisco type 9 — and yescrypt `$y$`/`$gy$`.

use super::codec::{b64_bytes, is_crypt64, itoa64_value, num};
use super::params::Params;

fn scrypt_params(
    n_log2: u32,
    r: u64,
    p: u64,
    salt_bytes: Option<u32>,
    digest: Option<u32>,
) -> Params {
    let memory = if n_log2 < 48 {
        (128u64 << n_log2).saturating_mul(r) / 1024
    } else {
        u64::MAX
    };
    Params {
        n_log2: Some(n_log2),
        block_size: u32::try_from(r).ok(),
        parallelism: u32::try_from(p).ok(),
        memory_kib: Some(memory),
        salt_bytes,
        digest,
        ..Params::default()
    }
}

fn log2_exact(n: u64) -> Option<u32> {
    (n.is_power_of_two()).then(|| n.trailing_zeros())
}

/// Little-endian 30-bit value from 5 crypt64 characters.
fn crypt64_u32(s: &[u8]) -> Option<u64> {
    s.iter().rev().try_fold(0u64, |acc, &b| {
        Some((acc << 6) | u64::from(itoa64_value(b)?))
    })
}

/// `$7$` + N char + r (5 chars) + p (5 chars) + salt `$` hash.
pub fn check_dollar7(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() > 14
        && s.get(3..14).is_some_and(is_crypt64)
        && s[14..].split_once('$').is_some_and(|(_, h)| h.len() == 43)
}
/// `$7$` parameters.
pub fn params_dollar7(s: &str) -> Params {
    let b = s.as_bytes();
    let (Some(n), Some(r), Some(p)) = (
        b.get(3).and_then(|c| itoa64_value(*c)),
        b.get(4..9).and_then(crypt64_u32),
        b.get(9..14).and_then(crypt64_u32),
    ) else {
        return Params::default();
    };
    let salt = s
        .get(14..)
        .and_then(|t| t.split_once('$'))
        .map(|(salt, _)| salt.len());
    scrypt_params(n, r, p, salt.and_then(|v| u32::try_from(v).ok()), Some(32))
}

/// passlib `$scrypt$ln=16,r=8,p=1$salt$hash`.
pub fn check_passlib(s: &str) -> bool {
    let mut it = s.split('$').skip(2);
    matches!((it.next(), it.next(), it.next()), (Some(c), Some(_), Some(_)) if c.starts_with("ln="))
}
/// passlib scrypt parameters.
pub fn params_passlib(s: &str) -> Params {
    let mut it = s.split('$').skip(2);
    let cost = it.next().unwrap_or("");
    let salt = it.next().unwrap_or("");
    let hash = it.next().unwrap_or("");
    let field = |k: &str| {
        cost.split(',')
            .find_map(|kv| kv.strip_prefix(k))
            .and_then(num)
    };
    match (field("ln="), field("r="), field("p=")) {
        (Some(ln), Some(r), Some(p)) if ln < 64 => scrypt_params(
            ln as u32,
            r,
            p,
            Some(b64_bytes(salt)),
            Some(b64_bytes(hash)),
        ),
        _ => Params::default(),
    }
}

/// hashcat `SCRYPT:N:r:p:salt_b64:hash_b64`.
pub fn check_hashcat(s: &str) -> bool {
    let mut it = s.split(':').skip(1);
    matches!(
        (
            it.next().and_then(num),
            it.next().and_then(num),
            it.next().and_then(num),
            it.next(),
            it.next()
        ),
        (Some(_), Some(_), Some(_), Some(_), Some(_))
    )
}
/// hashcat-style scrypt parameters.
pub fn params_hashcat(s: &str) -> Params {
    let mut it = s.split(':').skip(1);
    let (n, r, p) = (
        it.next().and_then(num),
        it.next().and_then(num),
        it.next().and_then(num),
    );
    let salt = it.next().unwrap_or("");
    let hash = it.next().unwrap_or("");
    match (n.and_then(log2_exact), r, p) {
        (Some(n), Some(r), Some(p)) => {
            scrypt_params(n, r, p, Some(b64_bytes(salt)), Some(b64_bytes(hash)))
        }
        _ => Params::default(),
    }
}

/// Django `scrypt$salt$N$r$p$hash`.
pub fn check_django(s: &str) -> bool {
    s.split('$').count() == 6 && s.split('$').skip(2).take(3).all(|f| num(f).is_some())
}
/// Django scrypt parameters.
pub fn params_django(s: &str) -> Params {
    let f: Vec<&str> = s.splitn(6, '$').collect();
    match (
        f.get(2).and_then(|n| num(n)).and_then(log2_exact),
        f.get(3).and_then(|r| num(r)),
        f.get(4).and_then(|p| num(p)),
    ) {
        (Some(n), Some(r), Some(p)) => scrypt_params(
            n,
            r,
            p,
            f.get(1).map(|x| u32::try_from(x.len()).unwrap_or(0)),
            f.get(5).map(|h| b64_bytes(h)),
        ),
        _ => Params::default(),
    }
}

/// Cisco type 9: `$9$` + 14-character salt + `$` + 43-character hash.
pub fn check_cisco9(s: &str) -> bool {
    s.strip_prefix("$9$")
        .and_then(|r| r.split_once('$'))
        .is_some_and(|(salt, h)| salt.len() == 14 && h.len() == 43 && is_crypt64(h))
}
/// Cisco type 9 parameters: scrypt N=2^14, r=1, p=1 (fixed by IOS).
pub fn params_cisco9(_s: &str) -> Params {
    scrypt_params(14, 1, 1, Some(14), Some(32))
}

/// yescrypt `$y$` / gost-yescrypt `$gy$`: `$y$<params>$<salt>$<hash>`.
pub fn check_yescrypt(s: &str) -> bool {
    let mut it = s.split('$').skip(2);
    matches!((it.next(), it.next(), it.next(), it.next()), (Some(p), Some(_), Some(h), None) if p.len() >= 3 && is_crypt64(p) && h.len() == 43)
}

/// Decodes one variable-length yescrypt integer (its `encode64_uint32`).
fn decode_uint(src: &[u8], min: u64) -> Option<(u64, &[u8])> {
    let first = u64::from(itoa64_value(*src.first()?)?);
    let (mut start, mut end, mut chars, mut bits) = (0u64, 47u64, 1u32, 0u32);
    let mut value = min;
    // Find which range the first character falls in; each range adds 6 bits.
    while first > end {
        value += (end + 1 - start) << bits;
        start = end + 1;
        end = start + (62 - end) / 2;
        chars += 1;
        bits += 6;
        if start > 63 {
            return None;
        }
    }
    let mut acc = (first - start) << bits;
    let rest = src.get(1..)?;
    let tail = rest.get(..(chars - 1) as usize)?;
    for &c in tail {
        bits -= 6;
        acc |= u64::from(itoa64_value(c)?) << bits;
    }
    Some((value + acc, &rest[(chars - 1) as usize..]))
}

/// yescrypt parameters: flavor, N (log2) and r from the parameter field.
pub fn params_yescrypt(s: &str) -> Params {
    let mut it = s.split('$').skip(2);
    let p = it.next().unwrap_or("");
    let salt = it.next().unwrap_or("");
    let hash = it.next().unwrap_or("");
    let Some((_flavor, rest)) = decode_uint(p.as_bytes(), 0) else {
        return Params::default();
    };
    let Some((n_log2, rest)) = decode_uint(rest, 1) else {
        return Params::default();
    };
    let Some((r, _)) = decode_uint(rest, 1) else {
        return Params::default();
    };
    let Ok(n) = u32::try_from(n_log2) else {
        return Params::default();
    };
    // yescrypt salts are crypt64 text of the raw salt bytes.
    scrypt_params(n, r, 1, Some(b64_bytes(salt)), Some(b64_bytes(hash)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yescrypt_default_params() {
        let h = "$y$j9T$F5Jx5fExrKuPp53xLKQ..1$X3DX6M94c7o.9agCG9G317fhZg9SqC.5i5rd.RhAtQ7";
        assert!(check_yescrypt(h));
        let p = params_yescrypt(h);
        assert_eq!(
            (p.n_log2, p.block_size, p.memory_kib),
            (Some(12), Some(32), Some(16384))
        );
    }

    #[test]
    fn dollar7_and_passlib() {
        let h = "$7$C6..../....SodiumChloride$kBGj9fHznVYFQMEn/qDCfrDevf9YDtcDdKvEqHJLV8D";
        assert!(check_dollar7(h));
        let p = params_dollar7(h);
        assert_eq!(
            (p.n_log2, p.block_size, p.parallelism),
            (Some(14), Some(8), Some(1))
        );
        let q = "$scrypt$ln=16,r=8,p=1$aM15713r3Xsvxbi31lqr1Q$nFNh2CVHVjNldFVKDHDlm4CbdRSCdEBsjjJxD+iCs5E";
        assert!(check_passlib(q));
        assert_eq!(params_passlib(q).memory_kib, Some(65536));
    }
}
