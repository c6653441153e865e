//! The container families of issue 12's breadth work, scored against the
//! truth of the tools that made them: every file of
//! `tests/fixtures/inspect-breadth/files` (S/MIME, OCSP, cross-certificate
//! pairs, traditional DSA keys, DH/DSA/EC parameters, SSH public key files
//! and PuTTY/ssh.com/dropbear keys, PEM and PKCS#7 bundles, malformed DER)
//! goes through `inspect`, and its triage conclusion is compared with
//! `truth.jsonl` (made by `make.sh` from openssl, ssh-keygen, puttygen,
//! dropbearkey and pyca/cryptography, never from fx). Per family and metric
//! the counts are exact; a change either way fails the test.
//!
//! A second test reads the 148 roots of Debian's CA store from
//! `tests/corpus/files/ca-store` as one PEM bundle: every certificate is a
//! member, with the algorithm and size tests/corpus/truth.jsonl gives it.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::path::PathBuf;

use fx_inspect::{InspectConfig, events, inspect};
use serde_json::{Value, json};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn triage(bytes: &[u8]) -> Value {
    let cfg = InspectConfig::default();
    let evs = events(&inspect(bytes, &cfg), &cfg);
    serde_json::to_value(evs.last().unwrap().conclusion.as_ref().unwrap()).unwrap()
}

/// The algorithm/size fields of a conclusion or member, absent ones null.
fn key(v: &Value) -> Value {
    json!({"algorithm": v["algorithm"], "key_bits": v["key_bits"], "curve": v["curve"]})
}

#[test]
fn breadth_fixtures_match_their_truth() {
    let dir = repo().join("tests/fixtures/inspect-breadth");
    let truth = std::fs::read_to_string(dir.join("truth.jsonl")).unwrap();
    // (family, metric) -> (n, hits)
    let mut rows: BTreeMap<(String, &str), (usize, usize)> = BTreeMap::new();
    let mut misses = Vec::new();
    let mut files = 0;
    for line in truth.lines() {
        let t: Value = serde_json::from_str(line).unwrap();
        let path = t["path"].as_str().unwrap();
        let fam = t["family"].as_str().unwrap().to_owned();
        let e = &t["expect"];
        let c = triage(&std::fs::read(dir.join("files").join(path)).unwrap());
        files += 1;
        let failures: Vec<&str> = c["failures"]
            .as_array()
            .map(|a| a.iter().map(|f| f.as_str().unwrap()).collect())
            .unwrap_or_default();
        let expected: Vec<&str> = e["failures"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f.as_str().unwrap())
            .collect();
        let mut score = |metric: &'static str, hit: bool, want: String, got: String| {
            let r = rows.entry((fam.clone(), metric)).or_default();
            r.0 += 1;
            r.1 += usize::from(hit);
            if !hit {
                misses.push(format!("{path} {metric}: expected {want}, got {got}"));
            }
        };
        if !e["container"].is_null() {
            score(
                "container",
                c["container"] == e["container"],
                e["container"].to_string(),
                c["container"].to_string(),
            );
        }
        if !e["algorithm"].is_null() {
            score(
                "algorithm",
                c["algorithm"] == e["algorithm"],
                e["algorithm"].to_string(),
                c["algorithm"].to_string(),
            );
            score(
                "key_size",
                key(&c) == key(e),
                key(e).to_string(),
                key(&c).to_string(),
            );
        }
        if !expected.is_empty() {
            score(
                "failure",
                expected.iter().all(|x| failures.contains(x)),
                format!("{expected:?}"),
                format!("{failures:?}"),
            );
        }
        score(
            "clean",
            failures.iter().all(|f| expected.contains(f)),
            format!("only {expected:?}"),
            format!("{failures:?}"),
        );
        if let Some(want) = e["members"].as_array() {
            let got = c["members"].as_array().cloned().unwrap_or_default();
            let same =
                got.len() == want.len() && got.iter().zip(want).all(|(g, w)| key(g) == key(w));
            score(
                "members",
                same,
                format!("{} members {want:?}", want.len()),
                format!("{} members {got:?}", got.len()),
            );
        }
    }
    let mut table = String::from("family/metric                 n   hits\n");
    for ((fam, metric), (n, h)) in &rows {
        table += &format!("{:<26} {n:>4} {h:>6}\n", format!("{fam}/{metric}"));
    }
    eprintln!("{files} files\n{table}");
    for m in &misses {
        eprintln!("miss: {m}");
    }
    let got: Vec<(String, usize, usize)> = rows
        .iter()
        .map(|((f, m), (n, h))| (format!("{f}/{m}"), *n, *h))
        .collect();
    let want: Vec<(String, usize, usize)> = EXPECTED
        .iter()
        .map(|(k, n, h)| ((*k).to_owned(), *n, *h))
        .collect();
    assert_eq!(got, want, "\n{table}");
}

/// (family/metric, files, hits): exact.
const EXPECTED: &[(&str, usize, usize)] = &[
    ("bundle/algorithm", 3, 3),
    ("bundle/clean", 3, 3),
    ("bundle/container", 3, 3),
    ("bundle/key_size", 3, 3),
    ("bundle/members", 3, 3),
    ("cross_pair/algorithm", 3, 3),
    ("cross_pair/clean", 3, 3),
    ("cross_pair/container", 3, 3),
    ("cross_pair/key_size", 3, 3),
    ("dsa/algorithm", 4, 4),
    ("dsa/clean", 4, 4),
    ("dsa/container", 4, 4),
    ("dsa/failure", 1, 1),
    ("dsa/key_size", 4, 4),
    ("malformed/algorithm", 1, 1),
    ("malformed/clean", 9, 9),
    ("malformed/container", 1, 1),
    ("malformed/failure", 9, 9),
    ("malformed/key_size", 1, 1),
    ("ocsp/algorithm", 3, 3),
    ("ocsp/clean", 6, 6),
    ("ocsp/container", 6, 6),
    ("ocsp/key_size", 3, 3),
    ("params/algorithm", 11, 11),
    ("params/clean", 11, 11),
    ("params/container", 11, 11),
    ("params/key_size", 11, 11),
    ("smime/algorithm", 3, 3),
    ("smime/clean", 5, 5),
    ("smime/container", 5, 5),
    ("smime/failure", 2, 2),
    ("smime/key_size", 3, 3),
    ("ssh/algorithm", 10, 10),
    ("ssh/clean", 10, 10),
    ("ssh/container", 6, 6),
    ("ssh/failure", 1, 1),
    ("ssh/key_size", 10, 10),
    ("ssh/members", 3, 3),
];

#[test]
fn a_ca_store_bundle_lists_every_root() {
    let corpus = repo().join("tests/corpus");
    let store = corpus.join("files/ca-store");
    if !store.is_dir() {
        eprintln!("{} not found: skipped", store.display());
        return;
    }
    let truth: BTreeMap<String, Value> = std::fs::read_to_string(corpus.join("truth.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|t| t["family"] == "ca_store")
        .map(|t| (t["path"].as_str().unwrap().to_owned(), t["expect"].clone()))
        .collect();
    let mut bundle = Vec::new();
    let mut want = Vec::new();
    for (path, expect) in &truth {
        bundle.extend(std::fs::read(corpus.join("files").join(path)).unwrap());
        bundle.push(b'\n');
        want.push(key(expect));
    }
    assert_eq!(want.len(), 148, "Debian's CA store has 148 roots");
    let c = triage(&bundle);
    assert_eq!(c["container"], "pem_bundle");
    let members = c["members"].as_array().unwrap();
    assert_eq!(members.len(), want.len());
    let same = members
        .iter()
        .zip(&want)
        .filter(|(m, w)| key(m) == **w)
        .count();
    assert_eq!(same, want.len(), "members whose algorithm and size agree");
    assert!(
        members.iter().enumerate().all(|(i, m)| m["index"] == i),
        "members are indexed in file order"
    );
}
