//! Conformance: every file of the five IETF PQC hackathon provider zips
//! (`../shared/conformance/pqc-certificates` next to the repository, or
//! `$FX_PQC_CONFORMANCE`)
//! gets the algorithm and OID its file name states — certificates and
//! public keys by their SPKI, private keys by their PKCS#8 algorithm,
//! `_ciphertext.bin` by size (the stated algorithm must be among the
//! candidate regions: sizes collide, e.g. FrodoKEM-976-AES/-SHAKE).
//!
//! Files whose bytes carry no algorithm are exceptions, listed with the
//! reason: `_ss.bin` (a 32-byte shared secret), `.raw` (bare seeds and raw
//! composite private keys: no identifier, sizes shared by all three ML-DSA
//! sets).
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::io::Read;
use std::path::PathBuf;

use fx_inspect::{InspectConfig, events, inspect};
use serde_json::Value;

fn dir() -> PathBuf {
    std::env::var_os("FX_PQC_CONFORMANCE")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../../../shared/conformance/pqc-certificates")
        })
}

/// Dotted OIDs written in a file name.
fn oids_in_name(name: &str) -> Vec<String> {
    name.split(|c: char| !(c.is_ascii_digit() || c == '.'))
        .map(|t| t.trim_matches('.'))
        .filter(|t| t.matches('.').count() >= 3 && t.split('.').all(|p| !p.is_empty()))
        .map(str::to_owned)
        .collect()
}

fn triage(events: &[fx_core::Event]) -> Value {
    let t = events.iter().find(|e| e.step == "triage").unwrap();
    serde_json::to_value(t.conclusion.as_ref().unwrap()).unwrap()
}

/// Every algorithm OID the inspection read (SPKI, signature, alt algorithms, components).
fn all_oids(events: &[fx_core::Event]) -> Vec<String> {
    let mut out = Vec::new();
    let s = serde_json::to_string(events).unwrap();
    for tok in s.split('"') {
        if tok.matches('.').count() >= 3
            && tok
                .split('.')
                .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
        {
            out.push(tok.to_owned());
        }
    }
    out
}

#[test]
fn every_conformance_file_gets_its_stated_algorithm() {
    let d = dir();
    if !d.is_dir() {
        eprintln!("conformance data not found at {}: skipped", d.display());
        return;
    }
    let cfg = InspectConfig::default();
    let mut zips: Vec<PathBuf> = std::fs::read_dir(&d)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "zip"))
        .collect();
    zips.sort();
    assert_eq!(zips.len(), 5, "expected the five provider zips");
    let (mut tried, mut matched) = (0usize, 0usize);
    let mut failures: Vec<String> = Vec::new();
    let mut exceptions: BTreeMap<&'static str, usize> = BTreeMap::new();
    for z in &zips {
        let mut archive = zip::ZipArchive::new(std::fs::File::open(z).unwrap()).unwrap();
        for i in 0..archive.len() {
            let mut f = archive.by_index(i).unwrap();
            if f.is_dir() {
                continue;
            }
            let path = f.name().to_owned();
            let name = path.rsplit('/').next().unwrap().to_owned();
            let mut bytes = Vec::new();
            f.read_to_end(&mut bytes).unwrap();
            if name.ends_with("_ss.bin") {
                *exceptions
                    .entry("_ss.bin: 32-byte shared secret, no algorithm in the bytes")
                    .or_default() += 1;
                continue;
            }
            if name.ends_with(".raw") {
                *exceptions
                    .entry(".raw: bare seed / raw composite key, no identifier")
                    .or_default() += 1;
                continue;
            }
            let stated = oids_in_name(&name);
            assert!(!stated.is_empty(), "no OID in {name}");
            tried += 1;
            let ins = inspect(&bytes, &cfg);
            let evs = events(&ins, &cfg);
            let t = triage(&evs);
            let ok = if name.ends_with("_ciphertext.bin") {
                let alg = fx_formats::oids::name(&stated[0]).unwrap_or("?");
                t["regions"].as_array().into_iter().flatten().any(|r| {
                    r["kind"] == "kem_ciphertext"
                        && r["algorithm"] == alg
                        && r["length"] == bytes.len()
                }) || {
                    // The cap may have dropped it; the regions event lists what was dropped.
                    serde_json::to_string(&evs)
                        .unwrap()
                        .contains(&format!("\"algorithm\":\"{alg}\""))
                }
            } else if stated.len() > 1 {
                let seen = all_oids(&evs);
                stated.iter().all(|o| seen.contains(o))
            } else {
                let want_name = fx_formats::oids::name(&stated[0]);
                t["oid"] == stated[0].as_str()
                    && want_name.is_some()
                    && t["algorithm"] == want_name.unwrap()
                    && !t["failures"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .any(|f| f == "bad_length" || f == "unknown_oid")
            };
            // Composite certificates also get their components as regions.
            let composite = fx_formats::oids::lookup(&stated[0]).is_some_and(|e| {
                matches!(
                    e.kind,
                    fx_formats::oids::OidKind::CompositeSignature
                        | fx_formats::oids::OidKind::CompositeKem
                )
            });
            let ok = ok
                && (!(composite && (name.ends_with("_ta.der") || name.ends_with("_ee.der")))
                    || t["regions"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .any(|r| r["source"] == "composite"));
            if ok {
                matched += 1;
            } else {
                failures.push(format!("{path}: stated {stated:?}, got {t}"));
            }
        }
    }
    println!("pqc conformance coverage: {matched} files matched / {tried} files tried");
    for (why, n) in &exceptions {
        println!("  exception ({n} files): {why}");
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(matched, tried);
}
