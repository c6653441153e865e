//! JA3 (Salesforce): `SSLVersion,Ciphers,Extensions,EllipticCurves,EllipticCurvePointFormats`
//! in decimal, GREASE values left out, and its MD5.

use md5::{Digest, Md5};

use super::client_hello::{ClientHello, is_grease};

/// The JA3 string of a ClientHello.
pub fn ja3_string(ch: &ClientHello) -> String {
    fn join<T: Copy + Into<u32>>(values: &[T], skip_grease: bool) -> String {
        let mut s = String::new();
        for v in values {
            let n: u32 = (*v).into();
            if skip_grease && n <= 0xffff && is_grease(n as u16) {
                continue;
            }
            if !s.is_empty() {
                s.push('-');
            }
            s.push_str(&n.to_string());
        }
        s
    }
    format!(
        "{},{},{},{},{}",
        ch.legacy_version,
        join(&ch.cipher_suites, true),
        join(&ch.extensions, true),
        join(&ch.groups, true),
        join(&ch.ec_point_formats, false),
    )
}

/// MD5 of the JA3 string, lower-case hex.
pub fn ja3_hash(s: &str) -> String {
    hex::encode(Md5::digest(s.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_and_hash() {
        let ch = ClientHello {
            legacy_version: 771,
            cipher_suites: vec![0x0a0a, 4865, 4866],
            extensions: vec![0, 0x1a1a, 10, 11],
            groups: vec![0x2a2a, 29, 23],
            ec_point_formats: vec![0],
            ..ClientHello::default()
        };
        let s = ja3_string(&ch);
        assert_eq!(s, "771,4865-4866,0-10-11,29-23,0");
        assert_eq!(ja3_hash(""), "d41d8cd98f00b204e9800998ecf8427e");
    }
}
