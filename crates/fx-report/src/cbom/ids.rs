//! Content-derived identifiers of the CBOM, so that the same evidence gives
//! the same bytes on every run, whatever the job order:
//!
//! * a component's `bom-ref` names its kind and what identifies it:
//!   `crypto/algorithm/ML-DSA-65`, `crypto/key/public/RSA-2048`,
//!   `library/openssl@3`; where the identity is long (a certificate's
//!   subject, issuer, serial and algorithms; a password hash's scheme and
//!   parameters; a TLS client's offer) it is the first 16 hex digits of a
//!   tagged SHA-256 of that identity ([`digest_ref`]);
//! * the BOM's `serialNumber` is `urn:uuid:` followed by the first 128 bits
//!   of `sha256("fx-cbom-serial/1" ‖ 0 ‖ spec version ‖ 0 ‖ body)`, where
//!   the body is the document's `components` and `dependencies` exactly as
//!   written (so everything but the header itself), as an RFC 9562
//!   version-8 UUID: the version nibble set to 8 and
//!   the variant bits to `10`, as RFC 9562 §5.8 allows for custom,
//!   hash-based UUIDs. Two runs over the same evidence give the same
//!   serial; a different inventory gives a different one.

use fx_core::ids::tagged_hash;
use sha2::{Digest, Sha256};

/// `prefix/` followed by 16 hex digits of the tagged hash of `parts`.
pub fn digest_ref(prefix: &str, parts: &[&[u8]]) -> String {
    let h = tagged_hash(&format!("fx-cbom-ref/1/{prefix}"), parts);
    format!("{prefix}/{}", hex::encode(&h[..8]))
}

/// Hashes the body of a BOM (its `components` and `dependencies` as
/// written) into its serial number.
pub struct SerialHasher(Sha256);

impl SerialHasher {
    /// A hasher for a BOM of CycloneDX version `spec`.
    pub fn new(spec: &str) -> SerialHasher {
        let mut h = Sha256::new();
        h.update(SERIAL_TAG.as_bytes());
        h.update([0u8]);
        h.update(spec.as_bytes());
        h.update([0u8]);
        SerialHasher(h)
    }

    /// The `urn:uuid:` serial number: the first 128 bits of the hash as an
    /// RFC 9562 version-8 UUID.
    pub fn finish(self) -> String {
        let h: [u8; 32] = self.0.finalize().into();
        let mut b = [0u8; 16];
        b.copy_from_slice(&h[..16]);
        b[6] = (b[6] & 0x0f) | 0x80;
        b[8] = (b[8] & 0x3f) | 0x80;
        let x = hex::encode(b);
        format!(
            "urn:uuid:{}-{}-{}-{}-{}",
            &x[..8],
            &x[8..12],
            &x[12..16],
            &x[16..20],
            &x[20..]
        )
    }
}

impl std::io::Write for SerialHasher {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Purpose tag of the serial number's hash.
const SERIAL_TAG: &str = "fx-cbom-serial/1";

/// A path for `evidence.occurrences[].location`: valid UTF-8 as it is,
/// invalid bytes as `\xNN` (never lossily replaced).
pub fn location(path: &fx_core::text::Text) -> String {
    match path.as_str() {
        Some(s) => s.to_owned(),
        None => {
            let bytes = path.to_bytes().unwrap_or_default();
            let mut out = String::new();
            for chunk in bytes.utf8_chunks() {
                out.push_str(chunk.valid());
                for b in chunk.invalid() {
                    out.push_str(&format!("\\x{b:02x}"));
                }
            }
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn serial_number(spec: &str, body: &[u8]) -> String {
        use std::io::Write as _;
        let mut h = SerialHasher::new(spec);
        h.write_all(body).unwrap_or_default();
        h.finish()
    }

    #[test]
    fn serial_is_a_version_8_uuid_of_the_content() {
        let a = serial_number("1.6", b"[1]");
        assert_eq!(a, serial_number("1.6", b"[1]"));
        assert_ne!(a, serial_number("1.6", b"[2]"));
        assert_ne!(a, serial_number("1.7", b"[1]"));
        let hex = a.strip_prefix("urn:uuid:").unwrap_or_default();
        let groups: Vec<&str> = hex.split('-').collect();
        assert_eq!(
            groups.iter().map(|g| g.len()).collect::<Vec<_>>(),
            [8, 4, 4, 4, 12]
        );
        assert!(groups[2].starts_with('8'), "{a}");
        assert!(
            matches!(groups[3].as_bytes()[0], b'8' | b'9' | b'a' | b'b'),
            "{a}"
        );
    }

    #[test]
    fn refs_and_locations() {
        let r = digest_ref("crypto/certificate", &[b"CN=a", b"CN=b"]);
        assert!(
            r.starts_with("crypto/certificate/") && r.len() == 19 + 16,
            "{r}"
        );
        assert_ne!(r, digest_ref("crypto/certificate", &[b"CN=aCN=b"]));
        let t = fx_core::text::Text::from_bytes(b"dir/caf\xe9.pem");
        assert_eq!(location(&t), "dir/caf\\xe9.pem");
        assert_eq!(location(&fx_core::text::Text::from("a/é")), "a/é");
    }
}
