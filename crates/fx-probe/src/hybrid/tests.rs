//! Hybrid blobs with known split offsets.
#![allow(clippy::unwrap_used)]

use fx_core::policy::Policy;
use fx_core::stage::StageCtx;
use serde_json::{Value, json};

use super::*;
use crate::symmetric::entropy::tests_support::xorshift;
use crate::test_support::{allow_all, job, regions_event, run_with};

/// ML-KEM-768 ciphertext (1088 random bytes stand in: ciphertexts have no
/// structure to check) ‖ nonce12 ‖ ct ‖ tag16.
fn blob(prefix: &[u8]) -> Vec<u8> {
    let mut b = prefix.to_vec();
    b.extend(xorshift(11, 1088));
    b.extend(xorshift(12, 12 + 700 + 16));
    b
}

fn run_probe(bytes: &[u8], extra: Vec<Event>, policy: Policy) -> Event {
    let (_d, run) = run_with(policy);
    let mut ev = vec![allow_all()];
    ev.extend(extra);
    let j = job(&run, bytes, ev);
    let ctx = StageCtx { run: &run };
    let out = Hybrid.run(&j, bytes, &ctx);
    assert_eq!(out.len(), 1);
    out.into_iter().next().unwrap()
}

fn data(e: &Event) -> Value {
    Value::Object(e.data.clone().unwrap())
}

#[test]
fn inspect_regions_give_the_exact_split() {
    let b = blob(&[]);
    let regions = vec![
        json!({"offset":0,"length":1088,"kind":"kem_ciphertext","score":9}),
        json!({"offset":1088,"length":728,"kind":"aead","score":9}),
    ];
    let e = run_probe(&b, vec![regions_event(regions)], Policy::default());
    let d = data(&e);
    assert_eq!(d["best"]["split"]["source"], "inspect");
    assert_eq!(d["best"]["split"]["kem_length"], 1088);
    assert_eq!(d["ambiguous"], false);
    let c = e.conclusion.unwrap();
    assert_eq!(c.labels, vec![Label::HybridBlob]);
    assert_eq!(c.regions[0]["algorithm"], "ML-KEM-768");
    assert_eq!(c.regions[1]["offset"], 1088);
    assert_eq!(c.cipher.unwrap()["class"], "random_like");
}

#[test]
fn a_length_prefix_gives_the_exact_split() {
    let b = blob(&[0x04, 0x40]); // 0x0440 = 1088
    let e = run_probe(&b, vec![], Policy::default());
    let d = data(&e);
    assert_eq!(d["best"]["split"]["source"], "length_prefix");
    assert_eq!(d["best"]["split"]["kem_offset"], 2);
    assert_eq!(d["best"]["split"]["aead_offset"], 1090);
    assert_eq!(e.conclusion.unwrap().regions[0]["algorithm"], "ML-KEM-768");
}

#[test]
fn bare_geometry_is_ambiguous_but_tries_the_true_split_and_caps_the_rest() {
    let b = blob(&[]);
    let e = run_probe(&b, vec![], Policy::default());
    let d = data(&e);
    assert_eq!(d["ambiguous"], true);
    assert!(e.conclusion.is_none());
    let tried = d["tried"].as_array().unwrap();
    assert!(
        tried
            .iter()
            .any(|t| t["split"]["kem_offset"] == 0 && t["split"]["kem_length"] == 1088)
    );
    // Default cap 16; this length admits more splits: the rest are listed.
    assert_eq!(tried.len(), 16);
    assert!(d["dropped_total"].as_u64().unwrap() > 0);
    assert_eq!(d["caps_hit"][0], "budget:max_hybrid_splits");

    let mut p = Policy::default();
    p.probe.max_hybrid_splits = 2;
    let e2 = run_probe(&b, vec![], p);
    assert_eq!(data(&e2)["tried"].as_array().unwrap().len(), 2);
}

#[test]
fn too_short_for_any_split_is_not_applicable() {
    let e = run_probe(&[1, 2, 3], vec![], Policy::default());
    assert_eq!(e.reason.as_deref(), Some("not_applicable"));
}

#[test]
fn inspect_geometry_splits_are_not_concluded() {
    let b = blob(&[]);
    let regions = vec![
        json!({"offset":0,"length":1088,"kind":"kem_ciphertext","score":450,"source":"pqc_split"}),
        json!({"offset":1088,"length":728,"kind":"aead","score":440,"source":"pqc_split"}),
        // Not adjacent to the KEM region: never paired.
        json!({"offset":1200,"length":100,"kind":"aead","score":999,"source":"tls_records"}),
    ];
    let e = run_probe(&b, vec![regions_event(regions)], Policy::default());
    let d = data(&e);
    assert_eq!(d["best"]["split"]["source"], "geometry");
    assert!(e.conclusion.is_none());
    let tried = d["tried"].as_array().unwrap();
    assert!(tried.iter().all(|t| t["split"]["aead_offset"] != 1200));
}
