//! The router over every file of the five IETF PQC hackathon provider zips
//! (`../shared/conformance/pqc-certificates` next to the repository, or
//! `$FX_PQC_CONFORMANCE`): certificates are `certificate`/`x509_certificate`,
//! PKCS#8 private keys `key_material`/`pkcs8_private_key`, SPKI public keys
//! `key_material`/`spki_public_key`, every `_ciphertext.bin` carries
//! `kem_transcript` among its labels (sizes collide; all readings are kept),
//! and raw composite private keys (seed ‖ DER traditional key) are
//! `key_material`. Nothing is ever labelled hash material.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::io::Read;
use std::path::PathBuf;

fn dir() -> PathBuf {
    std::env::var_os("FX_PQC_CONFORMANCE")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../../../shared/conformance/pqc-certificates")
        })
}

#[test]
fn every_conformance_file_is_routed_by_kind() {
    let d = dir();
    if !d.is_dir() {
        eprintln!("conformance data not found at {}: skipped", d.display());
        return;
    }
    let mut zips: Vec<PathBuf> = std::fs::read_dir(&d)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "zip"))
        .collect();
    zips.sort();
    assert_eq!(zips.len(), 5, "expected the five provider zips");
    let mut kinds: BTreeMap<&'static str, (usize, usize)> = BTreeMap::new();
    let mut failures = Vec::new();
    for z in &zips {
        let mut archive = zip::ZipArchive::new(std::fs::File::open(z).unwrap()).unwrap();
        for i in 0..archive.len() {
            let mut f = archive.by_index(i).unwrap();
            if f.is_dir() {
                continue;
            }
            let name = f.name().rsplit('/').next().unwrap().to_owned();
            let mut bytes = Vec::new();
            f.read_to_end(&mut bytes).unwrap();
            let v = fx_route::sniff(&bytes, bytes.len() as u64);
            let labels: Vec<&str> = v.labels.iter().map(|l| l.label.as_str()).collect();
            let container = v.container.map(|c| c.as_str());
            let (kind, ok) = if name.ends_with("_ciphertext.bin") {
                ("kem ciphertext", labels.contains(&"kem_transcript"))
            } else if name.ends_with("_ss.bin") {
                ("shared secret", labels.contains(&"key_material"))
            } else if name.ends_with("_priv.raw") && bytes.get(32) == Some(&0x30) {
                (
                    "raw composite key (seed ‖ DER)",
                    labels.first() == Some(&"key_material"),
                )
            } else if name.ends_with(".raw") {
                // Bare seeds and seed ‖ raw EdDSA keys: no structure. The
                // router may keep size readings among its candidates but
                // concludes no structure about them: a statistical reading
                // at most, never a container.
                let c = v.concluded();
                (
                    "raw seed or EdDSA composite",
                    c.basis == fx_core::vocab::Basis::Statistics
                        && container.is_none()
                        && c.labels
                            .iter()
                            .all(|l| matches!(l.as_str(), "symmetric_ciphertext" | "unknown")),
                )
            } else if name.contains("priv") || name.ends_with("_seed.der") {
                (
                    "pkcs8 private key",
                    labels == ["key_material"] && container == Some("pkcs8_private_key"),
                )
            } else if name.contains("public") || name.contains("_pub") {
                (
                    "spki public key",
                    labels == ["key_material"] && container == Some("spki_public_key"),
                )
            } else {
                (
                    "certificate",
                    labels == ["certificate"] && container == Some("x509_certificate"),
                )
            };
            let ok = ok && !labels.contains(&"hash_kdf_material");
            let e = kinds.entry(kind).or_default();
            e.0 += 1;
            if ok {
                e.1 += 1;
            } else {
                failures.push(format!("{name}: {labels:?} {container:?}"));
            }
        }
    }
    for (kind, (tried, ok)) in &kinds {
        println!("route conformance: {kind}: {ok}/{tried}");
    }
    assert!(
        failures.is_empty(),
        "{} misrouted:\n{}",
        failures.len(),
        failures.join("\n")
    );
    // Exact counts per kind (the five zips at commit b355adf): a file that
    // moves between kinds, or a zip that changes, shows here.
    let counts: Vec<(&str, usize)> = kinds.iter().map(|(k, (n, _))| (*k, *n)).collect();
    assert_eq!(counts, EXPECTED_KINDS, "files per kind");
}

/// Files per kind in the five provider zips.
const EXPECTED_KINDS: &[(&str, usize)] = &[
    ("certificate", 154),
    ("kem ciphertext", 26),
    ("pkcs8 private key", 169),
    ("raw composite key (seed ‖ DER)", 15),
    ("raw seed or EdDSA composite", 6),
    ("shared secret", 26),
    ("spki public key", 3),
];
