//! `schemas/facts.schema.json` is the schema generated from the records:
//! the committed file must equal what this build generates, and it must
//! accept the records as the stages write them and refuse a wrong type.
//!
//! After changing a record, regenerate it with
//! `FX_WRITE_SCHEMA=1 cargo test -p fx-facts --test schema`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use serde_json::{Value, json};

fn committed_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../schemas/facts.schema.json")
}

fn generated_text() -> String {
    let mut text = serde_json::to_string_pretty(&fx_facts::schema::facts_schema()).unwrap();
    text.push('\n');
    text
}

#[test]
fn committed_schema_is_the_generated_one() {
    let path = committed_path();
    let text = generated_text();
    if std::env::var("FX_WRITE_SCHEMA").as_deref() == Ok("1") {
        let dir = path.parent().unwrap();
        let mut tmp = tempfile::NamedTempFile::new_in(dir).unwrap();
        std::io::Write::write_all(&mut tmp, text.as_bytes()).unwrap();
        let file = tmp.persist(&path).unwrap();
        let mut perms = file.metadata().unwrap().permissions();
        std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o644);
        std::fs::set_permissions(&path, perms).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == text,
        "{} is not the schema of these records: run FX_WRITE_SCHEMA=1 cargo test -p fx-facts --test schema",
        path.display()
    );
}

fn validator(step: &str) -> jsonschema::Validator {
    let full = fx_facts::schema::facts_schema();
    let reference = full["steps"]
        .get(step)
        .or_else(|| full["conclusion"].get(step))
        .unwrap_or_else(|| panic!("no record for {step}"));
    jsonschema::validator_for(&fx_facts::schema::record_schema(reference)).expect("schema compiles")
}

#[test]
fn the_schema_accepts_what_the_stages_write_and_refuses_a_wrong_type() {
    let cert = json!({
        "block": 0, "container": "x509_certificate",
        "extensions": [{"critical": false, "len": 2, "name": "basicConstraints", "oid": "2.5.29.19"}],
        "issuer": "CN=fx test CA,O=fx fixtures,C=DE",
        "not_after": "2027-11-23T03:57:16Z", "not_before": "2026-11-23T03:57:16Z",
        "public_key": {"algorithm": "RSA", "key_bits": 2048, "key_len": 270, "oid": "1.2.840.113549.1.1.1"},
        "self_issued": false, "serial": "0123456789ABCDEF",
        "signature_algorithm": {"name": "ecdsa-with-SHA256", "oid": "1.2.840.10045.4.3.2"},
        "signature_len": 104, "subject": "CN=fixture.example,O=fx fixtures", "version": "v3"});
    let v = validator("inspect/x509");
    assert!(v.is_valid(&cert));
    let mut wrong = cert.clone();
    wrong["public_key"]["key_bits"] = json!("2048");
    assert!(!v.is_valid(&wrong), "a string where bits are a number");
    let mut unknown = cert.clone();
    unknown["container"] = json!("x509_sertificate");
    assert!(!v.is_valid(&unknown), "a container outside the vocabulary");
    let mut extra: Value = cert;
    extra["a_newer_field"] = json!(1);
    assert!(
        v.is_valid(&extra),
        "extra fields are allowed, as readers ignore them"
    );

    let pqc = validator("pqc");
    assert!(pqc.is_valid(
        &json!({"candidates": [{"algorithm": "ML-KEM-768", "object": "public_key", "score": 220}],
        "valid_structure": true, "verified": null, "decapsulated": null})
    ));
    assert!(!pqc.is_valid(
        &json!({"candidates": [{"algorithm": "ML-KEM-768", "object": "public_key", "score": 0.9}]})
    ));
}
