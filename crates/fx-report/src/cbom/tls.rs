//! TLS facts the CBOM needs beside fx-fingerprint's: the names and
//! algorithms of the TLS 1.3 cipher suites (RFC 8446 §B.4; the other
//! suites keep only their code point) and which protocol version is the
//! highest.

/// `(code point, IANA name, AEAD, hash)` of the TLS 1.3 suites, RFC 8446 §B.4.
const TLS13_SUITES: &[(&str, &str, &str, &str)] = &[
    ("0x1301", "TLS_AES_128_GCM_SHA256", "AES-128-GCM", "SHA-256"),
    ("0x1302", "TLS_AES_256_GCM_SHA384", "AES-256-GCM", "SHA-384"),
    (
        "0x1303",
        "TLS_CHACHA20_POLY1305_SHA256",
        "ChaCha20-Poly1305",
        "SHA-256",
    ),
    ("0x1304", "TLS_AES_128_CCM_SHA256", "AES-128-CCM", "SHA-256"),
    (
        "0x1305",
        "TLS_AES_128_CCM_8_SHA256",
        "AES-128-CCM",
        "SHA-256",
    ),
];

fn suite(code: &str) -> Option<&'static (&'static str, &'static str, &'static str, &'static str)> {
    TLS13_SUITES.iter().find(|s| s.0.eq_ignore_ascii_case(code))
}

/// The IANA name of a suite, where fx knows it.
pub fn suite_name(code: &str) -> Option<&'static str> {
    suite(code).map(|s| s.1)
}

/// The algorithm names a suite uses (empty when fx does not know it).
pub fn suite_algorithms(code: &str) -> Vec<&'static str> {
    suite(code).map(|s| vec![s.2, s.3]).unwrap_or_default()
}

/// Rank of a version name (`TLS 1.3` > `TLS 1.2` > … > `SSL 3.0`); unknown
/// names rank lowest.
fn rank(v: &str) -> u8 {
    match v {
        "TLS 1.3" => 6,
        "TLS 1.2" => 5,
        "TLS 1.1" => 4,
        "TLS 1.0" => 3,
        "SSL 3.0" => 2,
        "SSL 2.0" => 1,
        _ => 0,
    }
}

/// The highest of the versions offered.
pub fn highest(versions: &[String]) -> Option<&str> {
    versions
        .iter()
        .max_by(|a, b| rank(a).cmp(&rank(b)).then(b.cmp(a)))
        .map(String::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suites_and_versions() {
        assert_eq!(suite_name("0x1301"), Some("TLS_AES_128_GCM_SHA256"));
        assert_eq!(suite_algorithms("0x1302"), ["AES-256-GCM", "SHA-384"]);
        assert!(suite_algorithms("0xc02b").is_empty());
        let v = ["TLS 1.2".to_owned(), "TLS 1.3".to_owned()];
        assert_eq!(highest(&v), Some("TLS 1.3"));
    }
}
