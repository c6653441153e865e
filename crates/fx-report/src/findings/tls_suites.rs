//! TLS cipher suites a client should no longer offer, by IANA code point:
//! NULL encryption, EXPORT grade, anonymous key exchange, RC4, DES and
//! 3DES. The table was derived from the IANA "TLS Cipher Suites"
//! registry names (as Wireshark lists them, `tshark -G values`); a test
//! re-derives it from tshark and compares.

/// Why a cipher suite is weak.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum WeakSuite {
    /// No encryption (`…_WITH_NULL_…`).
    Null,
    /// Export-grade (40/56-bit) keys.
    Export,
    /// Anonymous (unauthenticated) key exchange.
    Anonymous,
    /// RC4 stream cipher (RFC 7465 prohibits it).
    Rc4,
    /// DES or 3DES (64-bit blocks: SWEET32).
    Des,
}

impl WeakSuite {
    /// A short name for reports.
    pub fn as_str(self) -> &'static str {
        match self {
            WeakSuite::Null => "NULL",
            WeakSuite::Export => "EXPORT",
            WeakSuite::Anonymous => "anonymous",
            WeakSuite::Rc4 => "RC4",
            WeakSuite::Des => "DES/3DES",
        }
    }
}

/// Weak suites by code point, sorted.
pub const WEAK_SUITES: &[(u16, WeakSuite)] = &[
    (0x0000, WeakSuite::Null),
    (0x0001, WeakSuite::Null),
    (0x0002, WeakSuite::Null),
    (0x0003, WeakSuite::Export),
    (0x0004, WeakSuite::Rc4),
    (0x0005, WeakSuite::Rc4),
    (0x0006, WeakSuite::Export),
    (0x0008, WeakSuite::Export),
    (0x0009, WeakSuite::Des),
    (0x000a, WeakSuite::Des),
    (0x000b, WeakSuite::Export),
    (0x000c, WeakSuite::Des),
    (0x000d, WeakSuite::Des),
    (0x000e, WeakSuite::Export),
    (0x000f, WeakSuite::Des),
    (0x0010, WeakSuite::Des),
    (0x0011, WeakSuite::Export),
    (0x0012, WeakSuite::Des),
    (0x0013, WeakSuite::Des),
    (0x0014, WeakSuite::Export),
    (0x0015, WeakSuite::Des),
    (0x0016, WeakSuite::Des),
    (0x0017, WeakSuite::Export),
    (0x0018, WeakSuite::Anonymous),
    (0x0019, WeakSuite::Export),
    (0x001a, WeakSuite::Anonymous),
    (0x001b, WeakSuite::Anonymous),
    (0x001c, WeakSuite::Null),
    (0x001e, WeakSuite::Des),
    (0x001f, WeakSuite::Des),
    (0x0020, WeakSuite::Rc4),
    (0x0022, WeakSuite::Des),
    (0x0023, WeakSuite::Des),
    (0x0024, WeakSuite::Rc4),
    (0x0026, WeakSuite::Export),
    (0x0027, WeakSuite::Export),
    (0x0028, WeakSuite::Export),
    (0x0029, WeakSuite::Export),
    (0x002a, WeakSuite::Export),
    (0x002b, WeakSuite::Export),
    (0x002c, WeakSuite::Null),
    (0x002d, WeakSuite::Null),
    (0x002e, WeakSuite::Null),
    (0x0034, WeakSuite::Anonymous),
    (0x003a, WeakSuite::Anonymous),
    (0x003b, WeakSuite::Null),
    (0x0046, WeakSuite::Anonymous),
    (0x0060, WeakSuite::Export),
    (0x0061, WeakSuite::Export),
    (0x0062, WeakSuite::Export),
    (0x0063, WeakSuite::Export),
    (0x0064, WeakSuite::Export),
    (0x0065, WeakSuite::Export),
    (0x0066, WeakSuite::Rc4),
    (0x006c, WeakSuite::Anonymous),
    (0x006d, WeakSuite::Anonymous),
    (0x0082, WeakSuite::Null),
    (0x0083, WeakSuite::Null),
    (0x0089, WeakSuite::Anonymous),
    (0x008a, WeakSuite::Rc4),
    (0x008b, WeakSuite::Des),
    (0x008e, WeakSuite::Rc4),
    (0x008f, WeakSuite::Des),
    (0x0092, WeakSuite::Rc4),
    (0x0093, WeakSuite::Des),
    (0x009b, WeakSuite::Anonymous),
    (0x00a6, WeakSuite::Anonymous),
    (0x00a7, WeakSuite::Anonymous),
    (0x00b0, WeakSuite::Null),
    (0x00b1, WeakSuite::Null),
    (0x00b4, WeakSuite::Null),
    (0x00b5, WeakSuite::Null),
    (0x00b8, WeakSuite::Null),
    (0x00b9, WeakSuite::Null),
    (0x00bf, WeakSuite::Anonymous),
    (0x00c5, WeakSuite::Anonymous),
    (0xc001, WeakSuite::Null),
    (0xc002, WeakSuite::Rc4),
    (0xc003, WeakSuite::Des),
    (0xc006, WeakSuite::Null),
    (0xc007, WeakSuite::Rc4),
    (0xc008, WeakSuite::Des),
    (0xc00b, WeakSuite::Null),
    (0xc00c, WeakSuite::Rc4),
    (0xc00d, WeakSuite::Des),
    (0xc010, WeakSuite::Null),
    (0xc011, WeakSuite::Rc4),
    (0xc012, WeakSuite::Des),
    (0xc015, WeakSuite::Null),
    (0xc016, WeakSuite::Anonymous),
    (0xc017, WeakSuite::Anonymous),
    (0xc018, WeakSuite::Anonymous),
    (0xc019, WeakSuite::Anonymous),
    (0xc01a, WeakSuite::Des),
    (0xc01b, WeakSuite::Des),
    (0xc01c, WeakSuite::Des),
    (0xc033, WeakSuite::Rc4),
    (0xc034, WeakSuite::Des),
    (0xc039, WeakSuite::Null),
    (0xc03a, WeakSuite::Null),
    (0xc03b, WeakSuite::Null),
    (0xc046, WeakSuite::Anonymous),
    (0xc047, WeakSuite::Anonymous),
    (0xc05a, WeakSuite::Anonymous),
    (0xc05b, WeakSuite::Anonymous),
    (0xc084, WeakSuite::Anonymous),
    (0xc085, WeakSuite::Anonymous),
    (0xfefe, WeakSuite::Des),
    (0xfeff, WeakSuite::Des),
    (0xffe0, WeakSuite::Des),
    (0xffe1, WeakSuite::Des),
];

/// Why the suite with this code point (`0x000a` or `0x000A`) is weak, when it is.
pub fn weak_suite(code_point: &str) -> Option<WeakSuite> {
    let hex = code_point
        .strip_prefix("0x")
        .or_else(|| code_point.strip_prefix("0X"))?;
    let cp = u16::from_str_radix(hex, 16).ok()?;
    WEAK_SUITES
        .binary_search_by_key(&cp, |(c, _)| *c)
        .ok()
        .map(|i| WEAK_SUITES[i].1)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The table is what the IANA registry's names say, as Wireshark lists
    /// them (`tshark -G values`, installed by pipelines/setup.sh): every
    /// suite named `…_WITH_NULL_…`/`TLS_NULL_…`, `…EXPORT…`, `…_anon_…`,
    /// `…RC4…` or `…DES…` (in that order of precedence), and no other.
    #[test]
    fn table_matches_the_registry_names_wireshark_knows() {
        let out = std::process::Command::new("tshark")
            .args(["-G", "values"])
            .output()
            .expect("tshark (pipelines/setup.sh installs it)");
        let text = String::from_utf8_lossy(&out.stdout);
        let mut from_names: Vec<(u16, WeakSuite)> = Vec::new();
        for line in text.lines() {
            let f: Vec<&str> = line.split('\t').collect();
            if f.len() < 4 || f[0] != "V" || f[1] != "tls.handshake.ciphersuite" {
                continue;
            }
            let (Ok(cp), name) = (f[2].parse::<u16>(), f[3].to_ascii_uppercase()) else {
                continue;
            };
            if !(name.starts_with("TLS_") || name.starts_with("SSL_")) {
                continue;
            }
            let class = if name.contains("WITH_NULL") || name.starts_with("TLS_NULL") {
                Some(WeakSuite::Null)
            } else if name.contains("EXPORT") {
                Some(WeakSuite::Export)
            } else if name.contains("_ANON_") {
                Some(WeakSuite::Anonymous)
            } else if name.contains("RC4") {
                Some(WeakSuite::Rc4)
            } else if name.contains("DES") {
                Some(WeakSuite::Des)
            } else {
                None
            };
            if let Some(c) = class {
                from_names.push((cp, c));
            }
        }
        from_names.sort();
        from_names.dedup();
        assert!(
            from_names.len() > 100,
            "tshark listed {} weak suites",
            from_names.len()
        );
        assert_eq!(from_names, WEAK_SUITES);
        assert_eq!(weak_suite("0x000a"), Some(WeakSuite::Des));
        assert_eq!(weak_suite("0xC011"), Some(WeakSuite::Rc4));
        assert_eq!(weak_suite("0x1301"), None);
        assert_eq!(weak_suite("junk"), None);
    }
}
