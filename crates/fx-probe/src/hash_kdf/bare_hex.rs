//! Hex- and fixed-shape recognisers without a literal prefix: MySQL, MSSQL,
//! Oracle, PostgreSQL md5, NetNTLM captures, Cisco PIX/ASA/type 4/type 7,
//! Django's `md5$salt$hex` forms, and the parameters of bare and salted hex
//! digests.

use super::codec::{b64_bytes, hex_bytes, is_base64, is_crypt64, is_hex};
use super::params::Params;

/// Digest size of a bare hex digest.
pub fn params_hex(s: &str) -> Params {
    Params {
        digest: Some(hex_bytes(s)),
        ..Params::default()
    }
}

/// Digest and salt sizes of `hexdigest:salt[:…]` (the salt is taken as text).
pub fn params_hex_salt(s: &str) -> Params {
    let mut it = s.split(':');
    let digest = it.next().map(hex_bytes);
    let salt = it
        .next()
        .map(|v| u32::try_from(v.len()).unwrap_or(u32::MAX));
    Params {
        digest,
        salt_bytes: salt,
        ..Params::default()
    }
}

/// MySQL 4.1+ `*` + 40 hex.
pub fn check_mysql41(s: &str) -> bool {
    s.len() == 41 && s.get(1..).is_some_and(is_hex)
}
/// MySQL 4.1+ parameters: SHA1(SHA1(p)), 20-byte digest, no salt.
pub fn params_mysql41(_s: &str) -> Params {
    Params {
        digest: Some(20),
        ..Params::default()
    }
}

/// `0x0100` + 8 salt hex + 40 (2005) or + 80 (2000) hex; `0x0200` + 8 + 128 (2012+).
pub fn check_mssql(s: &str) -> bool {
    let body = s.get(2..).unwrap_or("");
    is_hex(body) && matches!(body.len(), 52 | 92 | 140)
}
/// MSSQL parameters: 4-byte salt; the stored digest: one SHA-1 (2005), two
/// (2000: of the password as typed and upper-cased), one SHA-512 (2012+).
pub fn params_mssql(s: &str) -> Params {
    let digest = u32::try_from(s.len().saturating_sub(14) / 2).unwrap_or(0);
    Params {
        salt_bytes: Some(4),
        digest: Some(digest),
        ..Params::default()
    }
}

/// PostgreSQL `md5` + 32 hex (md5(password ‖ username)).
pub fn check_postgres_md5(s: &str) -> bool {
    s.len() == 35 && s.get(3..).is_some_and(is_hex)
}
/// PostgreSQL md5 parameters: the user name is the salt (length unknown here).
pub fn params_postgres_md5(_s: &str) -> Params {
    Params {
        digest: Some(16),
        ..Params::default()
    }
}

/// Oracle 11g as stored (`S:` + 40 hex SHA-1 + 20 hex salt).
pub fn check_oracle11(s: &str) -> bool {
    s.len() == 62 && s.get(2..).is_some_and(is_hex)
}
/// Oracle 11g parameters: 10-byte salt, 20-byte digest.
pub fn params_oracle11(_s: &str) -> Params {
    Params {
        salt_bytes: Some(10),
        digest: Some(20),
        ..Params::default()
    }
}

/// Sybase ASE `0xc007` + 16 salt hex + 64 hex.
pub fn check_sybase(s: &str) -> bool {
    s.len() == 86 && s.get(2..).is_some_and(is_hex)
}

/// The `:`-separated fields of `s` when there are exactly `n` (counted before collecting).
fn fields(s: &str, n: usize) -> Option<Vec<&str>> {
    if s.bytes().filter(|b| *b == b':').count() + 1 != n {
        return None;
    }
    Some(s.split(':').collect())
}

/// NetNTLMv1: `user::domain:lm48:nt48:challenge16`.
pub fn check_netntlmv1(s: &str) -> bool {
    fields(s, 6).is_some_and(|f| {
        f[3].len() == 48 && f[4].len() == 48 && f[5].len() == 16 && is_hex(f[4]) && is_hex(f[5])
    })
}

/// NetNTLMv2: `user::domain:challenge16:ntproof32:blob`.
pub fn check_netntlmv2(s: &str) -> bool {
    fields(s, 6).is_some_and(|f| {
        f[3].len() == 16
            && f[4].len() == 32
            && f[5].len() > 32
            && is_hex(f[3])
            && is_hex(f[4])
            && is_hex(f[5])
    })
}

/// Cisco type 4: 43 characters of the crypt alphabet (unsalted, one SHA-256).
pub fn check_cisco4(s: &str) -> bool {
    s.len() == 43 && is_crypt64(s)
}
/// Cisco type 4 parameters.
pub fn params_cisco4(_s: &str) -> Params {
    Params {
        digest: Some(32),
        ..Params::default()
    }
}

/// Cisco PIX MD5: 16 characters of the crypt alphabet, not all hex.
pub fn check_pix(s: &str) -> bool {
    s.len() == 16 && is_crypt64(s) && !is_hex(s)
}
/// Cisco PIX/ASA parameters: 16 characters hold 12 of MD5's 16 bytes.
pub fn params_pix(_s: &str) -> Params {
    Params {
        digest: Some(12),
        ..Params::default()
    }
}

/// Cisco IOS type 7: two decimal digits (the key offset, 00–15) then the
/// upper-case hex of the XOR-encoded password. A reversible encoding, not a
/// hash; fx identifies it and never decodes it.
pub fn check_type7(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 4
        && b.len().is_multiple_of(2)
        && b.len() <= 2 + 2 * 64
        && b[0].is_ascii_digit()
        && b[1].is_ascii_digit()
        && (b[0] - b'0') * 10 + (b[1] - b'0') <= 15
        && b[2..]
            .iter()
            .all(|c| c.is_ascii_digit() || (b'A'..=b'F').contains(c))
        && fx_formats::digest::hex_looks_random(&s[2..])
}

/// `alg$salt$hexdigest` (Django salted MD5/SHA-1, Werkzeug's HMAC forms): (salt, digest hex).
fn dollar_salted(s: &str) -> Option<(&str, &str)> {
    let mut it = s.split('$').skip(1);
    let (salt, hash) = (it.next()?, it.next()?);
    (it.next().is_none() && is_hex(hash) && matches!(hash.len(), 32 | 40 | 64 | 128))
        .then_some((salt, hash))
}
/// `alg$salt$hex` with a non-empty salt.
pub fn check_dollar_salted(s: &str) -> bool {
    dollar_salted(s).is_some_and(|(salt, _)| !salt.is_empty())
}
/// `alg$$hex`: Django's unsalted MD5/SHA-1 as stored.
pub fn check_dollar_unsalted(s: &str) -> bool {
    dollar_salted(s).is_some_and(|(salt, _)| salt.is_empty())
}
/// Salt (text, as hashed) and digest sizes of `alg$salt$hex`.
pub fn params_dollar_salted(s: &str) -> Params {
    let Some((salt, hash)) = dollar_salted(s) else {
        return Params::default();
    };
    Params {
        salt_bytes: u32::try_from(salt.len()).ok().filter(|n| *n > 0),
        digest: Some(hex_bytes(hash)),
        ..Params::default()
    }
}

/// Cisco ASA MD5: PIX form `:` user salt.
pub fn check_asa(s: &str) -> bool {
    s.split_once(':')
        .is_some_and(|(h, salt)| check_pix(h) && !salt.is_empty() && !salt.contains(':'))
}

/// Juniper ScreenOS: `n` + 29 characters `:` salt.
pub fn check_screenos(s: &str) -> bool {
    s.split_once(':').is_some_and(|(h, _)| {
        h.len() == 30
            && h.starts_with('n')
            && h.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/')
    })
}

/// 28 characters of base64 for 20 bytes (PeopleSoft, Umbraco HMAC-SHA1).
pub fn check_b64_sha1(s: &str) -> bool {
    s.len() == 28 && s.ends_with('=') && is_base64(s) && b64_bytes(s) == 20
}

/// JWT: three base64url parts, the first a JSON header (`eyJ`).
pub fn check_jwt(s: &str) -> bool {
    let mut it = s.split('.');
    matches!((it.next(), it.next(), it.next(), it.next()), (Some(h), Some(p), Some(sig), None) if h.starts_with("eyJ") && is_base64(p) && is_base64(sig) && p.len() > 8)
}

/// Flask session cookie: `eyJ…` payload, a short timestamp, a signature.
pub fn check_flask(s: &str) -> bool {
    let mut it = s.split('.');
    matches!((it.next(), it.next(), it.next(), it.next()), (Some(h), Some(t), Some(sig), None) if h.starts_with("eyJ") && (4..=8).contains(&t.len()) && is_base64(sig))
}

/// Base58 Bitcoin address (P2PKH `1…`, P2SH `3…`).
pub fn check_base58_addr(s: &str) -> bool {
    (26..=35).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() && !matches!(b, b'0' | b'O' | b'I' | b'l'))
}

/// Bech32 segwit address `bc1q…`.
pub fn check_bech32(s: &str) -> bool {
    s.len() == 42
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}

/// Lotus Notes 6/8 `(G…)` / `(H…)`.
pub fn check_paren(s: &str) -> bool {
    s.ends_with(')') && s.len() > 20
}

/// 1Password agilekeychain `iterations:salt16hex:blob`.
pub fn check_agilekeychain(s: &str) -> bool {
    let mut it = s.split(':');
    matches!((it.next(), it.next(), it.next(), it.next()), (Some(n), Some(salt), Some(blob), None) if super::codec::is_digits(n) && salt.len() == 16 && is_hex(salt) && is_hex(blob))
}

/// DNSSEC NSEC3 `base32hash:.domain:salt:iterations`.
pub fn check_nsec3(s: &str) -> bool {
    let mut it = s.split(':');
    matches!((it.next(), it.next(), it.next(), it.next(), it.next()), (Some(h), Some(d), Some(_), Some(n), None) if h.len() == 32 && d.starts_with('.') && super::codec::is_digits(n))
}

/// MSSQL 2000 (`0x0100`, 94 characters).
pub fn check_mssql2000(s: &str) -> bool {
    s.len() == 94 && check_mssql(s)
}
/// MSSQL 2005 (`0x0100`, 54 characters).
pub fn check_mssql2005(s: &str) -> bool {
    s.len() == 54 && check_mssql(s)
}
/// SAP CODVN B `USER$HEX16`.
pub fn check_sap_b(s: &str) -> bool {
    check_sap(s) && s.rsplit_once('$').is_some_and(|(_, h)| h.len() == 16)
}
/// SAP CODVN F/G `USER$HEX40`.
pub fn check_sap_fg(s: &str) -> bool {
    check_sap(s) && s.rsplit_once('$').is_some_and(|(_, h)| h.len() == 40)
}
/// NetScaler SHA-1 form.
pub fn check_netscaler1(s: &str) -> bool {
    s.len() == 49 && check_netscaler(s)
}
/// NetScaler SHA-512 form.
pub fn check_netscaler2(s: &str) -> bool {
    s.len() == 137 && check_netscaler(s)
}

/// Citrix NetScaler: `1` or `2` + 8 salt hex + SHA-1 (40) or SHA-512 (128) hex.
pub fn check_netscaler(s: &str) -> bool {
    is_hex(s)
        && matches!(
            (s.as_bytes().first(), s.len()),
            (Some(b'1'), 49) | (Some(b'2'), 137)
        )
}

/// SAP CODVN B/F: `USER$HEX16` or `USER$HEX40`.
pub fn check_sap(s: &str) -> bool {
    s.rsplit_once('$').is_some_and(|(u, h)| {
        !u.is_empty() && !u.starts_with('$') && (h.len() == 16 || h.len() == 40) && is_hex(h)
    })
}

/// OpenEdge Progress encode: 16 ASCII letters.
pub fn check_progress(s: &str) -> bool {
    s.len() == 16 && s.bytes().all(|b| b.is_ascii_alphabetic())
}

/// Base58 P2PKH (`1…`) or P2SH (`3…`) address of 34 characters, not hex.
pub fn check_base58(s: &str, lead: u8) -> bool {
    s.len() == 34 && s.as_bytes().first() == Some(&lead) && !is_hex(s) && check_base58_addr(s)
}
/// Base58 `1…` address.
pub fn check_p2pkh(s: &str) -> bool {
    check_base58(s, b'1')
}
/// Base58 `3…` address.
pub fn check_p2sh(s: &str) -> bool {
    check_base58(s, b'3')
}

/// TOTP capture `code6:time`.
pub fn check_totp(s: &str) -> bool {
    s.split_once(':').is_some_and(|(c, t)| {
        c.len() == 6 && super::codec::is_digits(c) && super::codec::is_digits(t)
    })
}

/// IPMI 2.0 RAKP: `salt_hex(≥64):hmac_sha1_hex(40)`.
pub fn check_ipmi(s: &str) -> bool {
    s.split_once(':')
        .is_some_and(|(salt, h)| salt.len() >= 64 && h.len() == 40 && is_hex(salt) && is_hex(h))
}

/// IKE-PSK: nine `:`-separated hex fields ending in the 32 (MD5) or 40 (SHA-1) hex hash.
fn check_ike(s: &str, last: usize) -> bool {
    fields(s, 9).is_some_and(|f| f.iter().all(|x| is_hex(x)) && f[8].len() == last)
}
/// IKE-PSK MD5.
pub fn check_ike_md5(s: &str) -> bool {
    check_ike(s, 32)
}
/// IKE-PSK SHA-1.
pub fn check_ike_sha1(s: &str) -> bool {
    check_ike(s, 40)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        assert!(check_mysql41("*FCF7C1B8749CF99D88E5F34271D636178FB5D130"));
        assert!(check_mssql(
            "0x010045083578bf13a6e30ca29c40e540813772754d54a5ffd325"
        ));
        assert_eq!(
            params_mssql("0x010045083578bf13a6e30ca29c40e540813772754d54a5ffd325").digest,
            Some(20)
        );
        assert!(check_netntlmv1(
            "::5V4T:ada06359242920a500000000000000000000000000000000:0556d5297b5daa70eaffde82ef99293a3f3bb59b7c9704ea:9c23f6c094853920"
        ));
        assert!(check_cisco4("2btjjy78REtmYkkW0csHUbJZOstRXoWdX1mGrmmfeHI"));
        assert!(check_pix("dRRVnUmUHXOTt9nk"));
        assert!(!check_pix("7196759210defdc0"));
        assert!(check_type7(
            "094F411B0B0014064B040B383821683134360702041A41454D5943580B"
        ));
        assert!(!check_type7("994F411B"));
        assert!(!check_type7("094f411b"));
        assert_eq!(
            params_dollar_salted("md5$W01yelGudNls$ab9be4ba03f8579c19555ab351b626c6"),
            Params {
                salt_bytes: Some(12),
                digest: Some(16),
                ..Params::default()
            }
        );
        assert!(check_dollar_unsalted(
            "sha1$$5baa61e4c9b93f3f0682250b6cf8331b7ee68fd8"
        ));
    }
}
