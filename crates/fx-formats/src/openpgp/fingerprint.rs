//! Key fingerprints and key IDs (RFC 9580 §5.5.4): a v4 key's fingerprint
//! is SHA-1 over `0x99`, the two-octet length and the public key packet
//! body, its key ID the fingerprint's last eight octets; a v6 key's is
//! SHA-256 over `0x9B`, a four-octet length and the body, its key ID the
//! first eight octets (LibrePGP's v5 alike, with `0x9A`). A v3 key's MD5
//! fingerprint is not computed.

use serde::Serialize;
use sha1::Digest as _;

/// A key's fingerprint and key ID, upper-case hex as GnuPG prints them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Fingerprint {
    /// The fingerprint.
    pub fingerprint: String,
    /// The key ID.
    pub key_id: String,
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02X}")).collect()
}

/// The fingerprint of a key whose public part (version octet first: the
/// body of a public-key packet, or a secret-key packet's body up to its
/// S2K usage octet) is `public`; `None` for versions without one here.
pub fn fingerprint(public: &[u8]) -> Option<Fingerprint> {
    let (fp, id) = match public.first()? {
        4 => {
            let len = u16::try_from(public.len()).ok()?;
            let mut h = sha1::Sha1::new();
            h.update([0x99]);
            h.update(len.to_be_bytes());
            h.update(public);
            let fp = h.finalize().to_vec();
            let id = fp[12..].to_vec();
            (fp, id)
        }
        v @ (5 | 6) => {
            let len = u32::try_from(public.len()).ok()?;
            let mut h = sha2::Sha256::new();
            h.update([if *v == 6 { 0x9B } else { 0x9A }]);
            h.update(len.to_be_bytes());
            h.update(public);
            let fp = h.finalize().to_vec();
            let id = fp[..8].to_vec();
            (fp, id)
        }
        _ => return None,
    };
    Some(Fingerprint {
        fingerprint: hex(&fp),
        key_id: hex(&id),
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn v4_fingerprint_of_the_rfc_sample_key() {
        // RFC 9580 Appendix A.3 (sample v4 Ed25519Legacy key): public key
        // packet body and fingerprint C959BDBAFA32A2F89A153B678CFDE12197965A9A.
        let body = [
            0x04, 0x53, 0xf3, 0x5f, 0x0b, 0x16, 0x09, 0x2b, 0x06, 0x01, 0x04, 0x01, 0xda, 0x47,
            0x0f, 0x01, 0x01, 0x07, 0x40, 0x3f, 0x09, 0x89, 0x94, 0xbd, 0xd9, 0x16, 0xed, 0x40,
            0x53, 0x19, 0x79, 0x34, 0xe4, 0xa8, 0x7c, 0x80, 0x73, 0x3a, 0x12, 0x80, 0xd6, 0x2f,
            0x80, 0x10, 0x99, 0x2e, 0x43, 0xee, 0x3b, 0x24, 0x06,
        ];
        let f = fingerprint(&body).unwrap();
        assert_eq!(f.fingerprint, "C959BDBAFA32A2F89A153B678CFDE12197965A9A");
        assert_eq!(f.key_id, "8CFDE12197965A9A");
        assert_eq!(fingerprint(&[3, 0, 0]), None);
        assert_eq!(fingerprint(&[]), None);
    }
}
