//! Unwrapping PQC keys from their IETF DER forms with the `der` crate:
//! PKCS#8 `OneAsymmetricKey` (RFC 5958) and `SubjectPublicKeyInfo`.
//!
//! The private-key CHOICE of draft-ietf-lamps-kyber-certificates and
//! draft-ietf-lamps-dilithium-certificates sits inside the PKCS#8
//! `privateKey` OCTET STRING:
//! `seed [0] IMPLICIT OCTET STRING` | `expandedKey OCTET STRING` |
//! `both SEQUENCE { seed, expandedKey }`. SLH-DSA keys are the raw bytes
//! (draft-ietf-lamps-x509-slhdsa); FrodoKEM keys an inner OCTET STRING.

use der::asn1::{AnyRef, ObjectIdentifier};
use der::{Decode, Reader, SliceReader, Tag, Tagged};
use fx_formats::pqc_params::{self, ParamSet};

/// A PQC private key read from PKCS#8.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrivateKey {
    /// The algorithm OID that was read.
    pub oid: String,
    /// The parameter set of that OID, when known.
    pub set: Option<&'static ParamSet>,
    /// Which IETF form held the key: `seed`, `expanded`, `both` or `raw`.
    pub form: &'static str,
    /// The seed, when present.
    pub seed: Option<Vec<u8>>,
    /// The expanded (raw) secret key, when present.
    pub expanded: Option<Vec<u8>>,
}

/// A public key read from SubjectPublicKeyInfo.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublicKey {
    /// The algorithm OID.
    pub oid: String,
    /// Its parameter set, when known.
    pub set: Option<&'static ParamSet>,
    /// The pre-hash function when the OID is a pre-hash variant's
    /// (HashML-DSA, HashSLH-DSA: `SHA-512`, `SHAKE-256`, …).
    pub prehash: Option<&'static str>,
    /// The key bytes (BIT STRING contents).
    pub key: Vec<u8>,
}

fn children(value: &[u8]) -> Option<Vec<AnyRef<'_>>> {
    let mut r = SliceReader::new(value).ok()?;
    let mut out = Vec::new();
    while !r.is_finished() {
        out.push(r.decode::<AnyRef<'_>>().ok()?);
        if out.len() > 16 {
            return None;
        }
    }
    Some(out)
}

fn algorithm_oid(alg: &AnyRef<'_>) -> Option<String> {
    if alg.tag() != Tag::Sequence {
        return None;
    }
    let parts = children(alg.value())?;
    let first = parts.first()?;
    if first.tag() != Tag::ObjectIdentifier {
        return None;
    }
    let oid = ObjectIdentifier::from_bytes(first.value()).ok()?;
    Some(oid.to_string())
}

/// Parses a PKCS#8 private key; `None` when `der` is not one.
pub fn private_key(bytes: &[u8]) -> Option<PrivateKey> {
    let top = AnyRef::from_der(bytes).ok()?;
    if top.tag() != Tag::Sequence {
        return None;
    }
    let parts = children(top.value())?;
    if parts.len() < 3 || parts[0].tag() != Tag::Integer || parts[2].tag() != Tag::OctetString {
        return None;
    }
    let oid = algorithm_oid(&parts[1])?;
    let set = pqc_params::by_oid(&oid).map(|m| m.set);
    let inner = parts[2].value();
    let mut key = PrivateKey {
        oid,
        set,
        form: "raw",
        seed: None,
        expanded: None,
    };
    let sk_len = set.and_then(|s| s.secret_key);
    let seed_len = set.and_then(|s| s.secret_seed);
    if Some(inner.len()) != sk_len
        && let Ok(el) = AnyRef::from_der(inner)
    {
        let tag = el.tag();
        if tag == Tag::OctetString {
            key.form = "expanded";
            key.expanded = Some(el.value().to_vec());
            return Some(key);
        }
        if tag.is_context_specific() && tag.number().value() == 0 {
            key.form = "seed";
            key.seed = Some(el.value().to_vec());
            return Some(key);
        }
        if tag == Tag::Sequence {
            let both = children(el.value())?;
            if both.len() == 2 {
                key.form = "both";
                key.seed = Some(both[0].value().to_vec());
                key.expanded = Some(both[1].value().to_vec());
                return Some(key);
            }
        }
    }
    if Some(inner.len()) == seed_len && sk_len != seed_len {
        key.form = "seed";
        key.seed = Some(inner.to_vec());
    } else {
        key.expanded = Some(inner.to_vec());
    }
    Some(key)
}

/// Parses a SubjectPublicKeyInfo; `None` when `der` is not one.
pub fn public_key(bytes: &[u8]) -> Option<PublicKey> {
    let top = AnyRef::from_der(bytes).ok()?;
    if top.tag() != Tag::Sequence {
        return None;
    }
    let parts = children(top.value())?;
    if parts.len() != 2 || parts[1].tag() != Tag::BitString {
        return None;
    }
    let oid = algorithm_oid(&parts[0])?;
    let bits = parts[1].value();
    let (&unused, key) = bits.split_first()?;
    if unused != 0 {
        return None;
    }
    let named = pqc_params::by_oid(&oid);
    Some(PublicKey {
        set: named.map(|m| m.set),
        prehash: named.and_then(|m| m.prehash),
        oid,
        key: key.to_vec(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ml_kem_seed_expanded_and_both_forms() {
        // PKCS#8 with the ML-KEM-512 OID and a seed [0] of 64 bytes.
        let oid = [
            0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x04, 0x01,
        ];
        let mut alg = vec![0x30, oid.len() as u8];
        alg.extend_from_slice(&oid);
        let mut inner = vec![0x80, 64];
        inner.extend_from_slice(&[7u8; 64]);
        let mut body = vec![0x02, 0x01, 0x00];
        body.extend_from_slice(&alg);
        body.push(0x04);
        body.push(inner.len() as u8);
        body.extend_from_slice(&inner);
        let mut der = vec![0x30, body.len() as u8];
        der.extend_from_slice(&body);
        let k = private_key(&der).expect("pkcs8");
        assert_eq!(k.oid, "2.16.840.1.101.3.4.4.1");
        assert_eq!(k.set.map(|s| s.name), Some("ML-KEM-512"));
        assert_eq!(k.form, "seed");
        assert_eq!(k.seed, Some(vec![7u8; 64]));
        assert!(private_key(b"not der").is_none());
        assert!(public_key(&der).is_none());
    }
}
