//! The normaliser: candidate core regions from structure (DER TLV
//! boundaries, length prefixes, stable prefixes) and from post-quantum size
//! geometry, scored with integers and pruned deterministically under the
//! policy cap (`inspect.max_regions`).
//!
//! Scores (0–1000): a key/signature/ciphertext read from a parsed structure
//! 750–900; an exact PQC size match of the whole blob 800 (ciphertext,
//! signature, public key) or 600 (secret key); a length prefix that names a
//! PQC ciphertext size 650; an OpenSSL `Salted__` body 700; a KEM ‖ AEAD
//! split 450/440; a generic length-prefixed payload 400; a large DER string
//! 300. Order: score descending, then offset, then length descending, then
//! kind and algorithm — so pruning is the same at any thread count.

use fx_formats::der::{TagClass, Walk};
use fx_formats::pqc_params::{self, Object};
use serde::Serialize;

use crate::report::Region;

/// Smallest AEAD tail (12-byte nonce + 16-byte tag) a hybrid split leaves.
const MIN_AEAD: usize = 28;
/// DER strings shorter than this are not proposed.
const MIN_DER_STRING: usize = 32;

fn object_kind(o: Object) -> Option<&'static str> {
    Some(match o {
        Object::PublicKey => "public_key",
        Object::SecretKey => "secret_key",
        Object::Ciphertext => "kem_ciphertext",
        Object::Signature => "signature",
        Object::SharedSecret => return None,
    })
}

fn region(
    offset: usize,
    length: usize,
    kind: &'static str,
    algorithm: Option<&str>,
    score: u32,
    source: &'static str,
) -> Region {
    Region {
        offset: offset as u64,
        length: length as u64,
        kind,
        algorithm: algorithm.map(str::to_owned),
        score,
        block: None,
        source,
    }
}

/// Candidates of an unstructured blob: PQC geometry, length prefixes, stable prefixes.
pub fn raw(bytes: &[u8], out: &mut Vec<Region>) {
    let len = bytes.len();
    if len == 0 {
        return;
    }
    // Whole-blob size matches.
    for m in pqc_params::by_any_size(len) {
        let Some(kind) = object_kind(m.object) else {
            continue;
        };
        let score = match (m.exact, m.object) {
            (false, _) => 500,
            (true, Object::SecretKey) => 600,
            (true, _) => 800,
        };
        out.push(region(
            0,
            len,
            kind,
            Some(m.set.name),
            score,
            "pqc_geometry",
        ));
    }
    // KEM ciphertext ‖ AEAD splits.
    for (set, c) in pqc_params::kem_ciphertexts() {
        if len >= c + MIN_AEAD {
            out.push(region(
                0,
                c,
                "kem_ciphertext",
                Some(set.name),
                450,
                "pqc_split",
            ));
            out.push(region(c, len - c, "aead", None, 440, "pqc_split"));
        }
    }
    // Length prefixes (u16 and u32 big-endian) that frame the rest or a KEM ciphertext.
    for width in [2usize, 4] {
        let Some(h) = bytes.get(..width) else {
            continue;
        };
        let v = h.iter().fold(0usize, |a, &b| (a << 8) | usize::from(b));
        if v == 0 || width + v > len {
            continue;
        }
        for m in pqc_params::by_size(Object::Ciphertext, v) {
            out.push(region(
                width,
                v,
                "kem_ciphertext",
                Some(m.set.name),
                650,
                "length_prefix",
            ));
        }
        if width + v == len {
            out.push(region(width, v, "payload", None, 400, "length_prefix"));
        } else if len - width - v >= MIN_AEAD {
            out.push(region(
                width + v,
                len - width - v,
                "aead",
                None,
                420,
                "length_prefix",
            ));
        }
    }
    // OpenSSL `enc` framing: "Salted__" ‖ 8-byte salt ‖ ciphertext.
    if bytes.starts_with(b"Salted__") && len > 16 {
        out.push(region(
            0,
            16,
            "header",
            Some("openssl_salted"),
            300,
            "stable_prefix",
        ));
        out.push(region(
            16,
            len - 16,
            "ciphertext",
            None,
            700,
            "stable_prefix",
        ));
    }
}

/// Candidates at DER TLV boundaries: large OCTET/BIT STRING contents.
pub fn der(bytes: &[u8], walk: &Walk, out: &mut Vec<Region>) {
    for n in &walk.nodes {
        let h = n.header;
        if h.class != TagClass::Universal || h.constructed || !(h.number == 3 || h.number == 4) {
            continue;
        }
        let Some(len) = h.len else { continue };
        if len < MIN_DER_STRING || h.content_offset().saturating_add(len) > bytes.len() {
            continue;
        }
        // BIT STRING content starts with the unused-bits octet.
        let (off, l) = if h.number == 3 {
            (h.content_offset() + 1, len - 1)
        } else {
            (h.content_offset(), len)
        };
        out.push(region(off, l, "der_element", None, 300, "der"));
    }
}

/// The components of a composite public key (PQ ‖ traditional) as regions
/// of their own, inside the region of the whole key.
pub fn composite_components(whole: &Region, key: &crate::algorithm::KeyAlg) -> Vec<Region> {
    let (Some(pq), Some(trad)) = (key.components.first(), key.components.get(1)) else {
        return Vec::new();
    };
    let Some(pq_len) = pqc_params::by_name(pq).and_then(|p| p.public_key) else {
        return Vec::new();
    };
    let pq_len = pq_len as u64;
    if whole.length <= pq_len {
        return Vec::new();
    }
    vec![
        Region {
            length: pq_len,
            algorithm: Some(pq.clone()),
            score: whole.score.saturating_sub(20),
            source: "composite",
            ..whole.clone()
        },
        Region {
            offset: whole.offset + pq_len,
            length: whole.length - pq_len,
            algorithm: Some(fx_formats::oids::composite_trad_algorithm(trad).to_owned()),
            score: whole.score.saturating_sub(30),
            source: "composite",
            ..whole.clone()
        },
    ]
}

/// Candidates the cap dropped, summarised for the `regions` event.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Pruned {
    /// Regions kept (at most the cap).
    pub kept: Vec<Region>,
    /// How many were dropped.
    pub dropped: usize,
    /// The dropped regions (at most 32 listed), best first.
    pub dropped_regions: Vec<Region>,
}

/// Dedupes, orders and caps candidates.
pub fn prune(mut regions: Vec<Region>, cap: usize) -> Pruned {
    regions.sort_by(|a, b| {
        b.score
            .cmp(&a.score)
            .then(a.block.cmp(&b.block))
            .then(a.offset.cmp(&b.offset))
            .then(b.length.cmp(&a.length))
            .then(a.kind.cmp(b.kind))
            .then(a.algorithm.cmp(&b.algorithm))
            .then(a.source.cmp(b.source))
    });
    regions.dedup_by(|b, a| {
        a.block == b.block
            && a.offset == b.offset
            && a.length == b.length
            && a.kind == b.kind
            && a.algorithm == b.algorithm
    });
    // A DER string that a parser already named is not a second candidate.
    let named: Vec<(Option<u32>, u64, u64)> = regions
        .iter()
        .filter(|r| r.kind != "der_element")
        .map(|r| (r.block, r.offset, r.length))
        .collect();
    regions.retain(|r| r.kind != "der_element" || !named.contains(&(r.block, r.offset, r.length)));
    let dropped: Vec<Region> = if regions.len() > cap {
        regions.split_off(cap)
    } else {
        Vec::new()
    };
    Pruned {
        kept: regions,
        dropped: dropped.len(),
        dropped_regions: dropped.into_iter().take(32).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mlkem768_ciphertext_and_split() {
        let mut out = Vec::new();
        raw(&[7u8; 1088], &mut out);
        assert!(out.iter().any(|r| r.kind == "kem_ciphertext"
            && r.algorithm.as_deref() == Some("ML-KEM-768")
            && r.score == 800));
        let mut out = Vec::new();
        raw(&[7u8; 1088 + 60], &mut out);
        assert!(
            out.iter()
                .any(|r| r.kind == "kem_ciphertext" && r.length == 1088 && r.offset == 0)
        );
        assert!(
            out.iter()
                .any(|r| r.kind == "aead" && r.offset == 1088 && r.length == 60)
        );
    }

    #[test]
    fn pruning_is_deterministic_and_capped() {
        let mut out = Vec::new();
        raw(&[1u8; 5000], &mut out);
        let mut rev = out.clone();
        rev.reverse();
        let a = prune(out, 4);
        let b = prune(rev, 4);
        assert_eq!(a, b);
        assert_eq!(a.kept.len(), 4);
        assert!(a.dropped > 0);
    }
}
