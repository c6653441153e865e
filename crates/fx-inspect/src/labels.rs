//! The labels (DESIGN §9) of what fx-inspect parsed: a parsed fact about the
//! artifact, so the summary prefers them to the router's structural sniff.
//!
//! | parsed | labels |
//! |---|---|
//! | certificate, CSR, CRL, cross-certificate pair, OCSP request/response | `certificate` |
//! | any private or public key, DH/DSA/EC parameters, a legacy encrypted PEM key | `key_material` |
//! | OpenSSH certificate | `key_material`, `certificate` |
//! | PKCS#7/CMS signed data | `signature_blob` when it has signers, `certificate` when it carries certificates |
//! | PKCS#7/CMS enveloped, encrypted or authenticated-enveloped data | `symmetric_ciphertext` |
//! | PKCS#12 whose bags are all readable | `key_material` for key bags, `certificate` for certificate bags |
//!
//! A PKCS#12 with an encrypted safe hides what it holds: then nothing is
//! concluded here (the router's reading stands). Steps that failed or were
//! skipped say nothing.

use fx_core::vocab::{Container, Label};
use serde_json::Value;

use crate::report::Step;

/// The labels of every step that parsed, first seen first; `None` when a
/// parsed container hides what it holds (a PKCS#12 with an encrypted safe).
pub fn parsed_labels(steps: &[Step]) -> Option<Vec<Label>> {
    let mut out: Vec<Label> = Vec::new();
    let mut add = |l: Label| {
        if !out.contains(&l) {
            out.push(l);
        }
    };
    for s in steps
        .iter()
        .filter(|s| s.error.is_none() && s.skipped.is_none())
    {
        if s.step == "pem_encrypted" {
            add(Label::KeyMaterial);
            continue;
        }
        let Some(container) = s
            .data
            .get("container")
            .and_then(Value::as_str)
            .and_then(Container::parse)
        else {
            continue;
        };
        match container {
            Container::X509Certificate
            | Container::X509Csr
            | Container::X509Crl
            | Container::CrossCertificatePair
            | Container::OcspRequest
            | Container::OcspResponse => add(Label::Certificate),
            Container::OpensshCertificate => {
                add(Label::KeyMaterial);
                add(Label::Certificate);
            }
            Container::Pkcs7 | Container::Cms => {
                for l in cms_labels(&s.data) {
                    add(l);
                }
            }
            Container::Pkcs12 => {
                for l in pkcs12_labels(&s.data)? {
                    add(l);
                }
            }
            Container::Pkcs1PrivateKey
            | Container::Pkcs1PublicKey
            | Container::Pkcs8PrivateKey
            | Container::Pkcs8EncryptedPrivateKey
            | Container::Sec1PrivateKey
            | Container::DsaPrivateKey
            | Container::SpkiPublicKey
            | Container::OpensshPrivateKey
            | Container::OpensshPublicKey
            | Container::DhParameters
            | Container::DsaParameters
            | Container::EcParameters => add(Label::KeyMaterial),
            _ => {}
        }
    }
    Some(out)
}

fn cms_labels(data: &serde_json::Map<String, Value>) -> Vec<Label> {
    let mut out = Vec::new();
    match data.get("content_type").and_then(Value::as_str) {
        Some("signedData") => {
            if data
                .get("signers")
                .and_then(Value::as_array)
                .is_some_and(|s| !s.is_empty())
            {
                out.push(Label::SignatureBlob);
            }
            if data
                .get("certificates")
                .and_then(Value::as_u64)
                .is_some_and(|n| n > 0)
            {
                out.push(Label::Certificate);
            }
        }
        Some("envelopedData" | "encryptedData" | "authEnvelopedData") => {
            out.push(Label::SymmetricCiphertext);
        }
        _ => {}
    }
    out
}

fn pkcs12_labels(data: &serde_json::Map<String, Value>) -> Option<Vec<Label>> {
    let mut out = Vec::new();
    for safe in data.get("safes").and_then(Value::as_array)? {
        let bags = safe.get("bags").and_then(Value::as_array)?;
        for bag in bags.iter().filter_map(Value::as_str) {
            let l = match bag {
                "keyBag" | "pkcs8ShroudedKeyBag" => Label::KeyMaterial,
                "certBag" => Label::Certificate,
                _ => continue,
            };
            if !out.contains(&l) {
                out.push(l);
            }
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use serde_json::json;

    fn step(name: &'static str, data: Value) -> Step {
        Step::ok(name, data)
    }

    #[test]
    fn what_was_parsed_names_the_labels() {
        let cert = step("x509", json!({"container": "x509_certificate"}));
        assert_eq!(
            parsed_labels(std::slice::from_ref(&cert)),
            Some(vec![Label::Certificate])
        );
        let key = step("pkcs8", json!({"container": "pkcs8_private_key"}));
        assert_eq!(
            parsed_labels(&[key, cert]),
            Some(vec![Label::KeyMaterial, Label::Certificate])
        );
        // A certificate bundle without signers is no signature.
        let p7b = step(
            "cms",
            json!({"container": "pkcs7", "content_type": "signedData", "certificates": 2}),
        );
        assert_eq!(parsed_labels(&[p7b]), Some(vec![Label::Certificate]));
        let signed = step(
            "cms",
            json!({"container": "pkcs7", "content_type": "signedData", "certificates": 0, "signers": [{}]}),
        );
        assert_eq!(parsed_labels(&[signed]), Some(vec![Label::SignatureBlob]));
        let env = step(
            "cms",
            json!({"container": "pkcs7", "content_type": "envelopedData", "recipients": 1}),
        );
        assert_eq!(
            parsed_labels(&[env]),
            Some(vec![Label::SymmetricCiphertext])
        );
        // Failed steps say nothing.
        let failed = Step::ok("x509", json!({"container": "x509_certificate"})).fail(
            crate::report::Finding::new(fx_core::vocab::FailureKind::Truncated, "cut"),
        );
        assert_eq!(parsed_labels(&[failed]), Some(vec![]));
    }

    #[test]
    fn an_encrypted_pkcs12_safe_hides_what_it_holds() {
        let open = step(
            "pkcs12",
            json!({"container": "pkcs12", "safes": [{"bags": ["certBag", "keyBag"]}]}),
        );
        assert_eq!(
            parsed_labels(&[open]),
            Some(vec![Label::Certificate, Label::KeyMaterial])
        );
        let sealed = step(
            "pkcs12",
            json!({"container": "pkcs12", "safes": [{"content_type": "encryptedData"}]}),
        );
        assert_eq!(parsed_labels(&[sealed]), None);
    }
}
