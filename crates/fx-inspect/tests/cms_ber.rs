//! CMS as real writers emit it beyond the DER corpus (found by a held-out
//! run, issue 12): `openssl cms -stream` writes BER (indefinite lengths and a
//! segmented OCTET STRING), which CMS allows (RFC 5652 §1.2) — it is read as
//! signed data, encoding `ber`, with no failure shape; authenticated-
//! enveloped (RFC 5083) and encrypted data are `encrypted` like enveloped
//! data. Files: `testdata/cms` (OpenSSL 3.0.19; content types from
//! asn1crypto, see testdata/README.md).
#![allow(clippy::unwrap_used)]

use std::path::PathBuf;

use fx_core::event::Event;
use fx_inspect::{InspectConfig, events, inspect};
use serde_json::{Value, json};

/// The events fx-inspect writes for `testdata/cms/NAME` (default config).
fn inspected(name: &str) -> Vec<Event> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("testdata/cms")
        .join(name);
    let bytes = std::fs::read(path).unwrap();
    let cfg = InspectConfig::default();
    events(&inspect(&bytes, &cfg), &cfg)
}

fn triage(name: &str) -> Value {
    let evs = inspected(name);
    serde_json::to_value(evs.last().unwrap().conclusion.as_ref().unwrap()).unwrap()
}

fn failures(c: &Value) -> Value {
    c.get("failures").cloned().unwrap_or(json!([]))
}

#[test]
fn streamed_ber_signed_data_is_signed_data_without_a_defect() {
    let c = triage("signed-streamed.der");
    assert_eq!(c["container"], "pkcs7");
    assert_eq!(c["encoding"], "ber");
    assert_eq!(c["labels"], json!(["signature_blob", "certificate"]));
    assert_eq!(failures(&c), json!([]));
    let c = triage("signed-streamed.pem");
    assert_eq!(c["container"], "cms");
    assert_eq!(c["labels"], json!(["signature_blob", "certificate"]));
    assert_eq!(failures(&c), json!([]));
}

#[test]
fn streamed_s_mime_is_read_without_a_defect() {
    let c = triage("smime-opaque-streamed.eml");
    assert_eq!(c["container"], "smime");
    assert_eq!(c["labels"], json!(["signature_blob", "certificate"]));
    assert_eq!(failures(&c), json!([]));
}

#[test]
fn authenticated_enveloped_and_encrypted_data_are_encrypted() {
    let c = triage("authenveloped-gcm.der");
    assert_eq!(c["container"], "cms");
    assert_eq!(c["labels"], json!(["symmetric_ciphertext"]));
    assert_eq!(failures(&c), json!(["encrypted"]));
    // streamed: BER, encryptedContent [0] IMPLICIT sent in segments
    let c = triage("enveloped-streamed.der");
    assert_eq!(c["container"], "pkcs7");
    assert_eq!(c["encoding"], "ber");
    assert_eq!(failures(&c), json!(["encrypted"]));
    let c = triage("encrypted-data.der");
    assert_eq!(c["labels"], json!(["symmetric_ciphertext"]));
    assert_eq!(failures(&c), json!(["encrypted"]));
}

/// The `cms` step's data, read as fx-facts' `CmsData`; the record must
/// describe the event exactly (fx-facts' conformance check).
fn cms_data(name: &str) -> fx_facts::bundle::CmsData {
    let evs = inspected(name);
    let e = evs.iter().find(|e| e.step == "cms").unwrap();
    assert_eq!(fx_facts::conformance::check_event(e), [], "{name}");
    serde_json::from_value(Value::Object(e.data.clone().unwrap())).unwrap()
}

#[test]
fn the_cms_record_says_when_the_object_is_ber() {
    for name in ["signed-streamed.der", "enveloped-streamed.der"] {
        assert!(cms_data(name).ber, "{name}");
    }
    for name in ["authenveloped-gcm.der", "encrypted-data.der"] {
        assert!(!cms_data(name).ber, "{name}");
    }
}
