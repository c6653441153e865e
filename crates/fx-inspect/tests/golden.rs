//! Golden snapshots: every fixture made by `tests/fixtures/inspect/make.sh`
//! (real keys and certificates from openssl and ssh-keygen, plus broken
//! ones) through the library entry point; the events are snapshotted with
//! insta. Review changes with `INSTA_UPDATE=always cargo test -p fx-inspect
//! --test golden` and a diff of the `.snap` files.
#![allow(clippy::unwrap_used)]

use std::path::PathBuf;

use fx_inspect::{InspectConfig, events, inspect};

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/inspect/files")
}

#[test]
fn fixtures_match_their_snapshots() {
    let mut files: Vec<PathBuf> = std::fs::read_dir(fixtures())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(
        files.len() >= 60,
        "fixtures missing: run tests/fixtures/inspect/make.sh"
    );
    let cfg = InspectConfig::default();
    for f in files {
        let name = f.file_name().unwrap().to_str().unwrap().to_owned();
        let bytes = std::fs::read(&f).unwrap();
        let evs = events(&inspect(&bytes, &cfg), &cfg);
        insta::assert_json_snapshot!(name.clone(), evs);
    }
}

/// The triage verdicts the fixtures must reach, independent of snapshots.
#[test]
fn fixtures_reach_the_right_verdicts() {
    let cfg = InspectConfig::default();
    let cases: &[(&str, &str, &str, Option<&str>)] = &[
        ("rsa2048.pkcs8.pem", "pkcs8_private_key", "RSA", None),
        ("rsa2048.pkcs1.pem", "pkcs1_private_key", "RSA", None),
        ("rsa2048.spki.der", "spki_public_key", "RSA", None),
        ("rsa2048.pkcs1pub.pem", "pkcs1_public_key", "RSA", None),
        (
            "rsa2048.enc.pkcs8.pem",
            "pkcs8_encrypted_private_key",
            "",
            None,
        ),
        ("p256.sec1.pem", "sec1_private_key", "EC", Some("P-256")),
        ("p256.spki.pem", "spki_public_key", "EC", Some("P-256")),
        (
            "bp256.pkcs8.pem",
            "pkcs8_private_key",
            "EC",
            Some("brainpoolP256r1"),
        ),
        ("ed25519.cert.pem", "x509_certificate", "Ed25519", None),
        ("x25519.spki.der", "spki_public_key", "X25519", None),
        ("dsa2048.cert.pem", "x509_certificate", "DSA", None),
        ("chain.pem", "pem_bundle", "RSA", None),
        ("rsa2048.csr.pem", "x509_csr", "RSA", None),
        ("ca.crl.der", "x509_crl", "", None),
        ("rsa2048.p12", "pkcs12", "", None),
        ("message.cms.der", "pkcs7", "", None),
        ("ssh-ed25519.key", "openssh_private_key", "Ed25519", None),
        (
            "ssh-ecdsa256.pub",
            "openssh_public_key",
            "EC",
            Some("P-256"),
        ),
        (
            "ssh-ecdsa256-cert.pub",
            "openssh_certificate",
            "EC",
            Some("P-256"),
        ),
        ("capture.pcap", "pcap", "", None),
        ("capture.pcapng", "pcapng", "", None),
        ("tls-records.bin", "tls_records", "", None),
        ("random-4096.bin", "raw", "", None),
        ("rsa2048-leaf.cert.b64", "x509_certificate", "RSA", None),
        ("p256.spki.hex", "spki_public_key", "EC", Some("P-256")),
        ("rfc7517-a1.jwks.json", "raw", "EC", Some("P-256")),
        // Garbage after a certificate: still the certificate (and trailing_data).
        ("broken-trailing.cert.der", "x509_certificate", "RSA", None),
        ("dsa.params.pem", "dsa_parameters", "DSA", None),
        ("p256.ecparams.pem", "ec_parameters", "EC", Some("P-256")),
        ("rsa2048.legacy-enc.pem", "pkcs1_private_key", "RSA", None),
    ];
    for (file, container, alg, curve) in cases {
        let bytes = std::fs::read(fixtures().join(file)).unwrap();
        let evs = events(&inspect(&bytes, &cfg), &cfg);
        let t = evs.last().unwrap();
        assert_eq!(t.step, "triage");
        let c = serde_json::to_value(t.conclusion.as_ref().unwrap()).unwrap();
        assert_eq!(c["container"], *container, "{file}: {c}");
        if !alg.is_empty() {
            assert_eq!(c["algorithm"], *alg, "{file}: {c}");
        }
        if let Some(cv) = curve {
            assert_eq!(c["curve"], *cv, "{file}: {c}");
        }
    }
}

/// Failure shapes of the broken fixtures.
#[test]
fn broken_fixtures_have_their_failure_shapes() {
    let cfg = InspectConfig::default();
    let cases: &[(&str, &str)] = &[
        ("broken-truncated.cert.der", "truncated"),
        ("broken-trailing.cert.der", "trailing_data"),
        ("broken-bad-base64.cert.pem", "bad_base64"),
        ("broken-mismatched-end.pem", "bad_pem_armor"),
        ("broken-no-end.pem", "bad_pem_armor"),
        ("broken-ber-indefinite.der", "ber_not_der"),
        ("broken-nesting-bomb.der", "depth_limit"),
        ("unknown-oid.spki.der", "unknown_oid"),
        ("rsa2048.enc.pkcs8.pem", "encrypted"),
        ("rsa2048.legacy-enc.pem", "encrypted"),
        ("ssh-ed25519-encrypted.key", "encrypted"),
        ("capture-truncated.pcap", "truncated"),
        ("tls-records-truncated.bin", "truncated"),
    ];
    for (file, shape) in cases {
        let bytes = std::fs::read(fixtures().join(file)).unwrap();
        let evs = events(&inspect(&bytes, &cfg), &cfg);
        let c = serde_json::to_value(evs.last().unwrap().conclusion.as_ref().unwrap()).unwrap();
        assert!(
            c["failures"].as_array().unwrap().iter().any(|f| f == shape),
            "{file}: expected {shape} in {c}"
        );
    }
}
