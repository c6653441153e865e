//! JA4 TLS client fingerprints (FoxIO, BSD-3-Clause), as specified in
//! `shared/conformance/ja4/JA4-spec.md`: JA4, JA4_r, JA4_o and JA4_ro.

use sha2::{Digest, Sha256};

use super::client_hello::{ClientHello, ext, is_grease};

/// The four JA4 variants of one ClientHello.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Ja4 {
    /// `a_b_c` with sorted lists hashed.
    pub ja4: String,
    /// Raw, sorted lists.
    pub ja4_r: String,
    /// Original order, hashed.
    pub ja4_o: String,
    /// Raw, original order.
    pub ja4_ro: String,
}

/// The transport the ClientHello came over (first character of JA4).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ja4Transport {
    /// TLS over TCP: `t`.
    Tcp,
    /// QUIC: `q`.
    Quic,
    /// DTLS: `d`.
    Dtls,
}

/// Two-character JA4 version code.
pub fn version_code(v: u16) -> &'static str {
    match v {
        0x0304 => "13",
        0x0303 => "12",
        0x0302 => "11",
        0x0301 => "10",
        0x0300 => "s3",
        0x0002 => "s2",
        0xfeff => "d1",
        0xfefd => "d2",
        0xfefc => "d3",
        _ => "00",
    }
}

/// The version JA4 reports: the highest non-GREASE supported_versions entry,
/// else legacy_version. DTLS versions count down (0xfeff DTLS 1.0, 0xfefd
/// 1.2, 0xfefc 1.3), so in a DTLS hello the highest version is the DTLS
/// code with the lowest value (JA4-spec.md's "the highest value", read as
/// the highest version: a DTLS 1.3 client lists 0xfefc and 0xfefd).
pub fn ja4_version(ch: &ClientHello) -> u16 {
    let offered = ch
        .supported_versions
        .iter()
        .copied()
        .filter(|v| !is_grease(*v));
    let highest = if ch.dtls {
        // DTLS codes rank above anything else; among them, lower is newer
        offered.max_by_key(|v| {
            if v >> 8 == 0xfe {
                (1, 0xff - (v & 0xff))
            } else {
                (0, *v)
            }
        })
    } else {
        offered.max()
    };
    highest.unwrap_or(ch.legacy_version)
}

fn alpn_code(ch: &ClientHello) -> String {
    let Some(first) = ch.alpn.first() else {
        return "00".into();
    };
    let (Some(&f), Some(&l)) = (first.first(), first.last()) else {
        return "00".into();
    };
    if f.is_ascii_alphanumeric() && l.is_ascii_alphanumeric() {
        let mut s = String::with_capacity(2);
        s.push(f as char);
        s.push(l as char);
        s
    } else {
        let h = hex::encode(first);
        let mut s = String::with_capacity(2);
        s.push(h.as_bytes()[0] as char);
        s.push(h.as_bytes()[h.len() - 1] as char);
        s
    }
}

fn hex_list(values: &[u16]) -> String {
    let mut s = String::with_capacity(values.len() * 5);
    for (i, v) in values.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        s.push_str(&format!("{v:04x}"));
    }
    s
}

/// First 12 hex digits of SHA-256, or twelve zeros for an empty list.
fn hash12(s: &str) -> String {
    if s.is_empty() {
        return "000000000000".into();
    }
    let d = Sha256::digest(s.as_bytes());
    hex::encode(&d[..6])
}

/// Computes JA4, JA4_r, JA4_o and JA4_ro.
pub fn ja4(ch: &ClientHello, transport: Ja4Transport) -> Ja4 {
    let ciphers: Vec<u16> = ch
        .cipher_suites
        .iter()
        .copied()
        .filter(|v| !is_grease(*v))
        .collect();
    let exts: Vec<u16> = ch
        .extensions
        .iter()
        .copied()
        .filter(|v| !is_grease(*v))
        .collect();
    let sigs: Vec<u16> = ch
        .signature_algorithms
        .iter()
        .copied()
        .filter(|v| !is_grease(*v))
        .collect();
    let a = format!(
        "{}{}{}{:02}{:02}{}",
        match transport {
            Ja4Transport::Tcp => 't',
            Ja4Transport::Quic => 'q',
            Ja4Transport::Dtls => 'd',
        },
        version_code(ja4_version(ch)),
        if exts.contains(&ext::SERVER_NAME) {
            'd'
        } else {
            'i'
        },
        ciphers.len().min(99),
        exts.len().min(99),
        alpn_code(ch),
    );

    let mut sorted_ciphers = ciphers.clone();
    sorted_ciphers.sort_unstable();
    let mut sorted_exts: Vec<u16> = exts
        .iter()
        .copied()
        .filter(|e| *e != ext::SERVER_NAME && *e != ext::ALPN)
        .collect();
    sorted_exts.sort_unstable();
    let sig_list = hex_list(&sigs);

    let ext_part = |list: &[u16]| {
        let mut s = hex_list(list);
        if !sigs.is_empty() {
            s.push('_');
            s.push_str(&sig_list);
        }
        s
    };
    // The reference writes twelve zeros when the list *without SNI and ALPN*
    // is empty, for the original-order variant as well.
    let c_hash = |list: &[u16]| {
        if sorted_exts.is_empty() {
            "000000000000".to_string()
        } else {
            hash12(&ext_part(list))
        }
    };

    let sorted_c = hex_list(&sorted_ciphers);
    let orig_c = hex_list(&ciphers);
    Ja4 {
        ja4: format!("{a}_{}_{}", hash12(&sorted_c), c_hash(&sorted_exts)),
        ja4_r: format!("{a}_{sorted_c}_{}", ext_part(&sorted_exts)),
        ja4_o: format!("{a}_{}_{}", hash12(&orig_c), c_hash(&exts)),
        ja4_ro: format!("{a}_{orig_c}_{}", ext_part(&exts)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The worked example of the JA4 specification.
    #[test]
    fn spec_example() {
        let ch = ClientHello {
            legacy_version: 0x0303,
            cipher_suites: vec![
                0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc013,
                0xc014, 0x009c, 0x009d, 0x002f, 0x0035,
            ],
            extensions: vec![
                0x001b, 0x0000, 0x0033, 0x0010, 0x4469, 0x0017, 0x002d, 0x000d, 0x0005, 0x0023,
                0x0012, 0x002b, 0xff01, 0x000b, 0x000a, 0x0015,
            ],
            alpn: vec![b"h2".to_vec()],
            supported_versions: vec![0x2a2a, 0x0304, 0x0303],
            signature_algorithms: vec![
                0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601,
            ],
            ..ClientHello::default()
        };
        let j = ja4(&ch, Ja4Transport::Tcp);
        assert_eq!(j.ja4, "t13d1516h2_8daaf6152771_e5627efa2ab1");
        assert_eq!(j.ja4_o, "t13d1516h2_acb858a92679_18f69afefd3d");
        assert!(j.ja4_ro.starts_with("t13d1516h2_1301,1302,1303,c02b"));
    }

    #[test]
    fn dtls_versions_count_down() {
        let mut ch = ClientHello {
            legacy_version: 0xfefd,
            dtls: true,
            ..ClientHello::default()
        };
        assert_eq!(version_code(ja4_version(&ch)), "d2");
        ch.supported_versions = vec![0x3a3a, 0xfefd, 0xfefc];
        assert_eq!(version_code(ja4_version(&ch)), "d3");
        ch.legacy_version = 0xfeff;
        ch.supported_versions.clear();
        let j = ja4(&ch, Ja4Transport::Dtls);
        assert!(j.ja4.starts_with("dd1i0000"), "{}", j.ja4);
    }

    #[test]
    fn alpn_rules_of_the_spec() {
        let code = |v: &[u8]| {
            alpn_code(&ClientHello {
                alpn: vec![v.to_vec()],
                ..ClientHello::default()
            })
        };
        assert_eq!(code(b"http/1.1"), "h1");
        assert_eq!(code(&[0xab]), "ab");
        assert_eq!(code(&[0x20]), "20");
        assert_eq!(code(&[0xab, 0xcd]), "ad");
        assert_eq!(code(&[0x20, 0x61]), "21");
        assert_eq!(code(&[0x30, 0xab]), "3b");
        assert_eq!(code(&[0x61, 0x20]), "60");
        assert_eq!(code(&[0x30, 0x31, 0xab, 0xcd]), "3d");
        assert_eq!(code(&[0x30, 0xab, 0xcd, 0x31]), "01");
        assert_eq!(code(b""), "00");
        assert_eq!(code(b"x"), "xx");
    }
}
