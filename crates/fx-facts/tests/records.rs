//! The records on hand-made events shaped as the stages write them (the
//! batch-wide check over real runs is `tests/fx_facts.rs` at the root).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use fx_core::Event;
use fx_facts::conformance::check_event;
use fx_facts::{JobFacts, KeyVisibility};
use serde_json::json;

fn event(v: serde_json::Value) -> Event {
    serde_json::from_value(v).unwrap()
}

/// An `x509` event as fx-inspect wrote it for samples/inspect/chain.pem.
fn certificate_event() -> serde_json::Value {
    json!({"event_seq": 273, "module": "inspect", "step": "x509", "status": "ok", "data": {
        "block": 0, "container": "x509_certificate",
        "extensions": [{"critical": false, "len": 2, "name": "basicConstraints", "oid": "2.5.29.19"},
                       {"critical": true, "len": 4, "name": "keyUsage", "oid": "2.5.29.15"}],
        "issuer": "CN=fx test CA,O=fx fixtures,C=DE",
        "not_after": "2027-11-23T03:57:16Z", "not_before": "2026-11-23T03:57:16Z",
        "public_key": {"algorithm": "RSA", "key_bits": 2048, "key_len": 270, "oid": "1.2.840.113549.1.1.1"},
        "self_issued": false, "serial": "0123456789ABCDEF",
        "signature_algorithm": {"name": "ecdsa-with-SHA256", "oid": "1.2.840.10045.4.3.2"},
        "signature_len": 104, "subject": "CN=fixture.example,O=fx fixtures", "version": "v3"}})
}

#[test]
fn a_certificate_reads_with_its_provenance() {
    let facts = JobFacts::from_events(&[
        event(json!({"module": "ingest", "step": "intake", "status": "ok"})),
        event(certificate_event()),
    ]);
    assert_eq!(facts.certificates.len(), 1);
    let c = &facts.certificates[0];
    assert_eq!(c.source.event_index, 1);
    assert_eq!(c.source.event_seq, Some(273));
    assert_eq!(c.fact.public_key.key_bits, Some(2048));
    assert!(c.fact.has_basic_constraints());
    assert!(c.fact.extension("2.5.29.15").is_some_and(|e| e.critical));
    assert!(check_event(&event(certificate_event())).is_empty());
    // No summary event: the summary is computed as fx-seq computes it.
    let s = facts.summary;
    assert_eq!(s.events, 2);
    assert_eq!(s.outcomes["inspect"].ok, 1);
}

#[test]
fn unknown_fields_are_read_but_the_conformance_check_names_them() {
    let mut v = certificate_event();
    v["data"]["a_field_from_a_newer_stage"] = json!(1);
    let e = event(v);
    let facts = JobFacts::from_events(std::slice::from_ref(&e));
    assert_eq!(facts.certificates.len(), 1, "reading stays lenient");
    let m = check_event(&e);
    assert_eq!(m.len(), 1);
    assert_eq!(
        (m[0].step.as_str(), m[0].part.as_str()),
        ("inspect/x509", "data")
    );
}

#[test]
fn a_wrongly_typed_field_is_reported_not_dropped() {
    let mut v = certificate_event();
    v["data"]["public_key"]["key_bits"] = json!("2048");
    let facts = JobFacts::from_events(&[event(v)]);
    assert!(facts.certificates.is_empty());
    assert_eq!(facts.unread.len(), 1);
    assert!(
        facts.unread[0].error.contains("inspect/x509"),
        "{:?}",
        facts.unread
    );
}

#[test]
fn keys_of_every_format_become_key_facts() {
    let events = [
        event(
            json!({"module": "inspect", "step": "pkcs8", "status": "ok", "data": {
            "block": 0, "container": "pkcs8_encrypted_private_key", "encrypted_len": 1232,
            "encryption": {"cipher": "AES-256-CBC", "iterations": 100000, "iv_len": 16, "kdf": "PBKDF2",
                           "oid": "1.2.840.113549.1.5.13", "prf": "HMAC-SHA256", "salt_len": 8, "scheme": "PBES2"},
            "findings": [{"block": 0, "detail": "private key encrypted with PBES2 (not decrypted)", "kind": "encrypted"}]},
            "conclusion": {"failures": ["encrypted"]}}),
        ),
        event(
            json!({"module": "inspect", "step": "openssh", "status": "ok", "data": {
            "block": 0, "cipher": "aes256-ctr", "container": "openssh_private_key", "kdf": "bcrypt",
            "key": {"algorithm": "Ed25519", "expected_len": 32, "key_len": 51, "oid": ""},
            "key_type": "ssh-ed25519", "keys": 1, "rounds": 16, "salt_len": 16}}),
        ),
        event(
            json!({"module": "inspect", "step": "spki", "status": "ok", "data": {
            "container": "spki_public_key",
            "key": {"algorithm": "ML-KEM-768", "expected_len": 1184, "key_len": 1184, "oid": "2.16.840.1.101.3.4.4.2"}}}),
        ),
        event(
            json!({"module": "inspect", "step": "jose", "status": "ok", "data": {
            "container": "raw", "form": "jwk",
            "keys": [{"crv": "Ed25519", "key": {"algorithm": "Ed25519", "key_len": 32, "oid": "1.3.101.112"},
                      "kty": "OKP", "private": false}]}}),
        ),
    ];
    for e in &events {
        assert!(check_event(e).is_empty(), "{:?}", check_event(e));
    }
    let facts = JobFacts::from_events(&events);
    let keys: Vec<_> = facts.keys.iter().map(|k| &k.fact).collect();
    assert_eq!(keys.len(), 4);
    assert_eq!(keys[0].visibility, Some(KeyVisibility::Private));
    assert_eq!(
        keys[0]
            .encrypted
            .as_ref()
            .unwrap()
            .pbe
            .as_ref()
            .unwrap()
            .prf
            .as_deref(),
        Some("HMAC-SHA256")
    );
    assert_eq!(
        keys[1].encrypted.as_ref().unwrap().kdf.as_deref(),
        Some("bcrypt")
    );
    assert_eq!(keys[1].encrypted.as_ref().unwrap().iterations, Some(16));
    assert_eq!(keys[2].visibility, Some(KeyVisibility::Public));
    assert_eq!(
        keys[2].key.as_ref().unwrap().algorithm.as_deref(),
        Some("ML-KEM-768")
    );
    assert!(keys[2].encrypted.is_none());
    assert_eq!(keys[3].visibility, Some(KeyVisibility::Public));
}

#[test]
fn the_tri_state_pqc_checks_stay_null_when_written_back() {
    let e = event(json!({"module": "probe", "step": "pqc", "status": "ok",
        "data": {"caps_hit": [], "targets": [], "work_bytes_used": 0},
        "conclusion": {"labels": ["key_material"], "algorithm": "ML-KEM-768", "basis": "structural",
            "pqc": {"candidates": [{"algorithm": "ML-KEM-768", "object": "public_key", "score": 220}],
                    "decapsulated": null, "valid_structure": true, "verified": null}}}));
    assert!(check_event(&e).is_empty(), "{:?}", check_event(&e));
    let facts = JobFacts::from_events(std::slice::from_ref(&e));
    let p = &facts.pqc[0].fact;
    assert_eq!(p.pqc.valid_structure, Some(true));
    assert_eq!(p.pqc.verified, None);
    assert_eq!(p.basis, fx_core::vocab::Basis::Structural);
}

#[test]
fn a_selective_read_types_only_the_steps_asked_for() {
    let events = [
        event(json!({"module": "ingest", "step": "intake", "status": "ok"})),
        event(certificate_event()),
    ];
    let all = JobFacts::from_events(&events);
    let only_x509 = JobFacts::from_events_for(&events, &[("inspect", "x509")]);
    assert_eq!(only_x509, all);
    let other = JobFacts::from_events_for(&events, &[("route", "label")]);
    assert!(other.certificates.is_empty());
    assert!(other.route_labels.is_empty());
    // The summary is read whatever steps are asked for.
    assert_eq!(other.summary, all.summary);
    assert_eq!(other.summary.events, 2);
    assert_eq!(other.summary.outcomes["inspect"].ok, 1);
}

#[test]
fn the_wrapper_and_bundle_steps_read_and_write_back_exactly() {
    use fx_facts::StepData;
    let cases = [
        // An armor fx-inspect could not decode: the container alone.
        json!({"module": "inspect", "step": "openpgp", "status": "error",
               "data": {"container": "openpgp"}}),
        // A version 1 SEIPD writes its cipher and mode as null.
        json!({"module": "inspect", "step": "openpgp", "status": "ok", "data": {
            "container": "openpgp", "kind": "encrypted_message", "user_ids": 0, "user_attributes": 0,
            "packets": {"count": 2, "tags": {"pkesk": 1, "seipd": 1}, "limit_hit": false, "list": []},
            "encryption": {"pkesk": [{"version": 3, "algorithm": {"id": 1, "name": "RSA"}}],
                           "skesk": [], "sed": false,
                           "seipd": {"version": 1, "cipher": null, "aead": null}}}}),
        json!({"module": "inspect", "step": "der", "status": "ok",
               "data": {"nodes": 3, "block": 0}}),
        // `Proc-Type: 4,ENCRYPTED` without `DEK-Info`: no cipher named.
        json!({"module": "inspect", "step": "pem_encrypted", "status": "ok",
               "data": {"block": 0, "label": "RSA PRIVATE KEY", "cipher": null}}),
        json!({"module": "route", "step": "label", "status": "ok", "data": {
            "labels": [{"label": "signature_blob", "confidence": 500, "signals": ["role:signature"]}],
            "members": [{"role": "signature", "path": "sig.bin", "size": 2420, "sniffed_bytes": 2420},
                        {"role": "message", "path": "msg", "unreadable": "missing"}]}}),
        json!({"module": "probe", "step": "pqc", "status": "ok", "data": {
            "members": [{"role": "message", "size": 40, "form": "raw", "oid": null,
                         "candidates": [], "total": 0},
                        {"role": "signature", "error": "hash mismatch"}],
            "work_bytes_used": 40, "caps_hit": []}}),
        json!({"module": "probe", "step": "verify", "status": "error", "data": {
            "candidates": ["ML-DSA-44"], "backend": "liboqs 0.13.0",
            "tries": [{"algorithm": "ML-DSA-44", "error": "unsupported"}]}}),
    ];
    for c in cases {
        let e = event(c.clone());
        assert!(fx_facts::step::is_typed(&e.module, &e.step));
        assert!(check_event(&e).is_empty(), "{c}: {:?}", check_event(&e));
        let d = StepData::parse(&e.module, &e.step, e.data.as_ref());
        assert!(matches!(d, Some(Ok(_))), "{c}");
    }
    // The bundle form of route/label is its own record.
    let bundle = event(
        json!({"module": "route", "step": "label", "status": "ok", "data": {
        "labels": [], "members": [{"role": "message", "path": "m"}]}}),
    );
    assert!(matches!(
        StepData::parse("route", "label", bundle.data.as_ref()),
        Some(Ok(StepData::RouteBundleLabel(_)))
    ));
}

#[test]
fn every_typed_step_is_read_by_its_record_and_no_other_step_is() {
    use fx_facts::StepData;
    use fx_facts::step::TYPED_STEPS;
    let odd = serde_json::Map::from_iter([("not_a_field".to_owned(), json!(1))]);
    for (m, s) in TYPED_STEPS {
        // Every record has a required field or rejects this shape, or reads it
        // (all fields optional): either way `parse` names the step.
        assert!(
            StepData::parse(m, s, Some(&odd)).is_some(),
            "{m}/{s} is in TYPED_STEPS but parse does not read it"
        );
    }
    assert!(StepData::parse("inspect", "no_such_step", Some(&odd)).is_none());
    assert!(!fx_facts::step::is_typed("inspect", "no_such_step"));
}
