//! The labels (DESIGN §9) of what fx-inspect parsed: a parsed fact about the
//! artifact, so the summary prefers them to the router's structural sniff.
//!
//! | parsed | labels |
//! |---|---|
//! | certificate, CSR, CRL, cross-certificate pair, OCSP request/response | `certificate` |
//! | any private or public key (PuTTY, SSH.com and Dropbear files included), DH/DSA/EC parameters, a legacy encrypted PEM key | `key_material` |
//! | OpenSSH certificate | `key_material`, `certificate` |
//! | PKCS#7/CMS signed data | `signature_blob` when it has signers, `certificate` when it carries certificates |
//! | PKCS#7/CMS enveloped, encrypted or authenticated-enveloped data | `symmetric_ciphertext` |
//! | OpenPGP keys / signature or signed message / encrypted message / compressed message | `key_material` / `signature_blob` / `symmetric_ciphertext` / `compressed` |
//! | PKCS#12 | `key_material` for key bags, `certificate` for certificate bags and for a password-encrypted safe |
//!
//! A PKCS#12's bag types are read in its plain safes (a shrouded key bag's
//! type is not encrypted, only the key in it); a password-encrypted safe is
//! read as the certificate safe, which is where every common producer puts
//! the certificates (so `openssl pkcs12 -export -nokeys` is `certificate`
//! alone, and a key with its certificate is both). A safe enveloped for a
//! public key hides what it holds: then nothing is concluded here (the
//! router's reading stands). Steps that failed or were skipped say nothing.

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
            | Container::PuttyPrivateKey
            | Container::SshcomPrivateKey
            | Container::DropbearPrivateKey
            | Container::DhParameters
            | Container::DsaParameters
            | Container::EcParameters => add(Label::KeyMaterial),
            Container::Openpgp => {
                if let Some(l) = openpgp_label(&s.data) {
                    add(l);
                }
            }
            _ => {}
        }
    }
    Some(out)
}

/// The label of an OpenPGP block: its keys, its detached (or
/// cleartext) signature or signed message, its encryption, or a compressed
/// message whose content is not read.
fn openpgp_label(data: &serde_json::Map<String, Value>) -> Option<Label> {
    Some(match data.get("kind").and_then(Value::as_str)? {
        "keys" => Label::KeyMaterial,
        "signature" | "signed_message" => Label::SignatureBlob,
        "encrypted_message" => Label::SymmetricCiphertext,
        "compressed_message" => Label::Compressed,
        _ => return None,
    })
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
    let mut add = |l: Label| {
        if !out.contains(&l) {
            out.push(l);
        }
    };
    for safe in data.get("safes").and_then(Value::as_array)? {
        if let Some(bags) = safe.get("bags").and_then(Value::as_array) {
            for bag in bags.iter().filter_map(Value::as_str) {
                match bag {
                    "keyBag" | "pkcs8ShroudedKeyBag" => add(Label::KeyMaterial),
                    "certBag" => add(Label::Certificate),
                    _ => {}
                }
            }
        } else if safe.get("content_type").and_then(Value::as_str) == Some("encryptedData") {
            // The password-encrypted safe is where PKCS#12 producers put
            // the certificates (RFC 7292 §5.1; OpenSSL `-certpbe`, GnuTLS
            // certtool, NSS, pyca, Java keytool, Windows), while keys travel
            // as shrouded key bags in a plain safe, whose bag type is read.
            add(Label::Certificate);
        } else {
            // A safe neither readable nor password-encrypted (public-key
            // enveloped): what it holds is not known.
            return None;
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
    fn pkcs12_labels_come_from_bag_types_and_the_encrypted_certificate_safe() {
        let open = step(
            "pkcs12",
            json!({"container": "pkcs12", "safes": [{"bags": ["certBag", "keyBag"]}]}),
        );
        assert_eq!(
            parsed_labels(&[open]),
            Some(vec![Label::Certificate, Label::KeyMaterial])
        );
        // `openssl pkcs12 -export -nokeys`: one password-encrypted safe.
        let certs_only = step(
            "pkcs12",
            json!({"container": "pkcs12", "safes": [{"content_type": "encryptedData"}]}),
        );
        assert_eq!(parsed_labels(&[certs_only]), Some(vec![Label::Certificate]));
        // `openssl pkcs12 -export`: encrypted certificates, a shrouded key.
        let both = step(
            "pkcs12",
            json!({"container": "pkcs12", "safes": [
                {"content_type": "encryptedData"},
                {"content_type": "data", "bags": ["pkcs8ShroudedKeyBag"]}
            ]}),
        );
        assert_eq!(
            parsed_labels(&[both]),
            Some(vec![Label::Certificate, Label::KeyMaterial])
        );
        // A safe enveloped for a public key: nothing is known.
        let enveloped = step(
            "pkcs12",
            json!({"container": "pkcs12", "safes": [{"content_type": "envelopedData"}]}),
        );
        assert_eq!(parsed_labels(&[enveloped]), None);
    }
}
