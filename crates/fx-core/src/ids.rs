//! Deterministic ids, seeds and canonical hashing (DESIGN §5).
//!
//! Every id is a hash of what identifies the thing, under a purpose tag, so
//! the same inputs give the same ids on any machine and in any order.

use serde::Serialize;
use sha2::{Digest, Sha256};

/// Hashes `parts` under a purpose tag: `sha256(tag ‖ 0 ‖ len(p1) ‖ p1 ‖ …)`.
/// Length-prefixing keeps `("ab","c")` and `("a","bc")` apart.
pub fn tagged_hash(tag: &str, parts: &[&[u8]]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(tag.as_bytes());
    h.update([0u8]);
    for p in parts {
        h.update((p.len() as u64).to_be_bytes());
        h.update(p);
    }
    h.finalize().into()
}

/// A 32-hex-character id (128 bits) under a purpose tag.
pub fn short_id(tag: &str, parts: &[&[u8]]) -> String {
    hex::encode(&tagged_hash(tag, parts)[..16])
}

/// The derived seed of DESIGN §5: sha256(artifact hash ‖ run config hash ‖ purpose).
pub fn derive_seed(artifact_hash: &str, config_hash: &str, purpose: &str) -> [u8; 32] {
    tagged_hash(
        "fx-seed/1",
        &[
            artifact_hash.as_bytes(),
            config_hash.as_bytes(),
            purpose.as_bytes(),
        ],
    )
}

/// Canonical JSON of a value: serde_json with object keys sorted (serde_json
/// maps are ordered) and no whitespace. Structs serialize in field order,
/// which is fixed by the code.
pub fn canonical_json(value: &impl Serialize) -> String {
    // Round-trip through Value so that any map becomes a sorted map.
    let v = serde_json::to_value(value).unwrap_or(serde_json::Value::Null);
    serde_json::to_string(&v).unwrap_or_default()
}

/// `sha256:<hex>` of the canonical JSON of a value.
pub fn canonical_hash(value: &impl Serialize) -> String {
    crate::hashing::sha256_tagged(canonical_json(value).as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_are_length_prefixed() {
        assert_ne!(short_id("t", &[b"ab", b"c"]), short_id("t", &[b"a", b"bc"]));
        assert_eq!(short_id("t", &[b"x"]).len(), 32);
    }

    #[test]
    fn canonical_json_sorts_keys() {
        let v: serde_json::Value = serde_json::from_str(r#"{"b":1,"a":{"d":2,"c":3}}"#).unwrap();
        assert_eq!(canonical_json(&v), r#"{"a":{"c":3,"d":2},"b":1}"#);
    }
}
