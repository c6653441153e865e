//! The CBOM writer over job lines whose events a real batch wrote
//! (`tests/data/cbom_events.json`: fx-inspect's `x509` and `spki`,
//! fx-probe's `hash_kdf`, fx-fingerprint's `tls`, `libraries` and
//! `constants`): the same jobs in any order give the same
//! bytes, a path that is not UTF-8 is escaped, occurrences are counted per
//! artifact, and the document is valid CycloneDX 1.6 and 1.7
//! (cyclonedx-python-lib's validator, as in the end-to-end test).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

use fx_core::event::Event;
use fx_core::job::Job;
use fx_core::policy::Policy;
use fx_core::testing::{job_for, scratch_run};
use fx_core::text::Text;
use fx_report::cbom::{self, Spec};
use serde_json::{Value, json};

/// The events of one job of `tests/data/cbom_events.json`: the `x509`,
/// `spki`, `hash_kdf`, `tls`, `constants` and `libraries` events of a real
/// batch (an OpenSSL 3.5 ML-DSA-65 root certificate, a corpus RSA-2048 SPKI
/// key, `samples/hashes/mixed.txt`, the hybrid-group capture of `samples/`,
/// Debian's libsodium), as fx wrote them.
fn events(name: &str) -> Vec<Event> {
    let all: Value = serde_json::from_str(include_str!("data/cbom_events.json")).unwrap();
    serde_json::from_value(all[name].clone()).unwrap()
}

fn certificate() -> Vec<Event> {
    events("certificate")
}

fn rsa_key() -> Vec<Event> {
    events("rsa_key")
}

fn hashes() -> Vec<Event> {
    events("hashes")
}

fn capture() -> Vec<Event> {
    events("capture")
}

fn binary() -> Vec<Event> {
    events("binary")
}

/// The jobs: (path, bytes, events); the certificate twice, under two paths.
fn jobs(run: &fx_core::run::RunDir) -> Vec<Job> {
    let specs: Vec<(Text, &[u8], Vec<Event>)> = vec![
        (Text::from("certs/root.der"), b"cert", certificate()),
        (Text::from("copy/root.der"), b"cert", certificate()),
        (Text::from_bytes(b"keys/caf\xe9.pem"), b"key", rsa_key()),
        (Text::from("hashes.txt"), b"hashes", hashes()),
        (Text::from("hello.pcap"), b"pcap", capture()),
        (Text::from("libsodium.so.23"), b"elf", binary()),
    ];
    specs
        .into_iter()
        .enumerate()
        .map(|(i, (path, bytes, events))| {
            let mut job = job_for(run, "x", bytes, i as u64).unwrap();
            job.artifact.intake.path = path;
            job.events = events;
            let summary = fx_core::summary::summarize(&job);
            job.push(summary);
            job
        })
        .collect()
}

fn write_jobs(run: &Path, jobs: &[Job]) {
    let mut lines = String::new();
    for j in jobs {
        lines.push_str(&serde_json::to_string(j).unwrap());
        lines.push('\n');
    }
    std::fs::create_dir_all(run.join("telemetry")).unwrap();
    std::fs::write(run.join("telemetry/jobs.jsonl"), lines).unwrap();
}

fn cbom_bytes(run: &fx_core::run::RunDir, spec: Spec) -> Vec<u8> {
    cbom::write(run, spec).unwrap();
    std::fs::read(run.path().join("reports").join(cbom::FILE)).unwrap()
}

fn python() -> PathBuf {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let venv = repo.join("target/python/bin/python3");
    if venv.exists() {
        venv
    } else {
        PathBuf::from("python3")
    }
}

fn validate(file: &Path, version: &str) {
    if std::env::var("FX_SKIP_PYTHON").as_deref() == Ok("1") {
        return;
    }
    let script =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/python/validate_cyclonedx.py");
    let out = Command::new(python())
        .arg(script)
        .arg(file)
        .arg(version)
        .output()
        .unwrap();
    assert_ne!(
        out.status.code(),
        Some(3),
        "cyclonedx-python-lib is missing: run pipelines/setup.sh, or set FX_SKIP_PYTHON=1"
    );
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn any_job_order_gives_the_same_valid_document() {
    let dir = tempfile::tempdir().unwrap();
    let run = scratch_run(dir.path(), Policy::default()).unwrap();
    let jobs = jobs(&run);
    write_jobs(dir.path(), &jobs);
    let first = cbom_bytes(&run, Spec::V1_6);
    validate(&run.path().join("reports").join(cbom::FILE), "1.6");
    let mut reversed = jobs.clone();
    reversed.reverse();
    write_jobs(dir.path(), &reversed);
    assert!(
        cbom_bytes(&run, Spec::V1_6) == first,
        "job order changed the bytes"
    );

    let bom: Value = serde_json::from_slice(&first).unwrap();
    let comp = |r: &str| -> Value {
        bom["components"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["bom-ref"] == r)
            .unwrap_or_else(|| panic!("no component {r}"))
            .clone()
    };
    // One certificate component, found under two paths.
    let certs: Vec<&Value> = bom["components"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["cryptoProperties"]["assetType"] == "certificate")
        .collect();
    assert_eq!(certs.len(), 1);
    let locs: Vec<&str> = certs[0]["evidence"]["occurrences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["location"].as_str().unwrap())
        .collect();
    assert_eq!(locs, ["certs/root.der", "copy/root.der"]);
    // The non-UTF-8 path, escaped.
    let rsa = comp("crypto/public-key/RSA-2048");
    assert_eq!(
        rsa["evidence"]["occurrences"][0]["location"],
        "keys/caf\\xe9.pem"
    );
    // Hash lines: one component per scheme and parameters, with the line.
    let bcrypt = bom["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "bcrypt password hash (cost 4)")
        .unwrap();
    assert_eq!(bcrypt["evidence"]["occurrences"][0]["line"], 2);
    assert!(
        bcrypt["properties"]
            .as_array()
            .unwrap()
            .contains(&json!({"name":"fx:hash:grade","value":"weak"}))
    );
    // GREASE is not a group or a suite (fx-fingerprint leaves it out).
    let tls = bom["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["cryptoProperties"]["assetType"] == "protocol")
        .unwrap();
    let text = tls.to_string();
    assert!(
        !text.contains("GREASE") && !text.contains("0x4a4a"),
        "{text}"
    );
    assert_eq!(
        tls["cryptoProperties"]["protocolProperties"]["version"],
        "TLS 1.3"
    );
    // libsodium provides what its constants show.
    assert_eq!(
        bom["dependencies"],
        json!([{"ref":"library/libsodium@23","provides":[
            "crypto/algorithm/ChaCha20","crypto/algorithm/SHA-256",
            "crypto/algorithm/SHA-512","crypto/algorithm/X25519"]}])
    );

    let v17 = cbom_bytes(&run, Spec::V1_7);
    validate(&run.path().join("reports").join(cbom::FILE), "1.7");
    let bom17: Value = serde_json::from_slice(&v17).unwrap();
    let x = bom17["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["bom-ref"] == "crypto/algorithm/X25519")
        .unwrap();
    let p = &x["cryptoProperties"]["algorithmProperties"];
    assert_eq!(p["algorithmFamily"], "ECDH");
    assert_eq!(p["ellipticCurve"], "other/Curve25519");
}

#[test]
fn many_jobs_are_aggregated_not_kept() {
    let dir = tempfile::tempdir().unwrap();
    let run = scratch_run(dir.path(), Policy::default()).unwrap();
    let base = rsa_key();
    let mut lines = String::new();
    let n = 2000u64;
    for i in 0..n {
        let mut job = job_for(&run, "x", format!("k{i}").as_bytes(), i).unwrap();
        job.artifact.intake.path = Text::from(format!("keys/{i:05}.pem"));
        job.events = base.clone();
        let s = fx_core::summary::summarize(&job);
        job.push(s);
        lines.push_str(&serde_json::to_string(&job).unwrap());
        lines.push('\n');
    }
    std::fs::create_dir_all(dir.path().join("telemetry")).unwrap();
    std::fs::write(dir.path().join("telemetry/jobs.jsonl"), lines).unwrap();
    let inv = cbom::inventory(&run).unwrap();
    assert_eq!(inv.jobs, n);
    assert_eq!(inv.keys.len(), 1);
    assert_eq!(inv.algorithms.len(), 1);
    let counts = cbom::write(&run, Spec::V1_6).unwrap();
    assert_eq!(
        (counts.components, counts.keys, counts.algorithms),
        (2, 1, 1)
    );
    let bom: Value = serde_json::from_slice(
        &std::fs::read(run.path().join("reports").join(cbom::FILE)).unwrap(),
    )
    .unwrap();
    let occ = bom["components"][1]["evidence"]["occurrences"]
        .as_array()
        .unwrap();
    assert_eq!(occ.len() as u64, n);
    assert_eq!(occ[0]["location"], "keys/00000.pem");

    // The occurrences sorted on disk a few at a time (many sorted runs,
    // merged) give the same bytes.
    let spill = tempfile::tempdir().unwrap();
    let mut inv = cbom::Inventory::with_batch(spill.path(), 7);
    for line in std::fs::read_to_string(dir.path().join("telemetry/jobs.jsonl"))
        .unwrap()
        .lines()
        .rev()
    {
        inv.add_job(&serde_json::from_str(line).unwrap());
    }
    inv.finish().unwrap();
    let other = dir.path().join("other.cdx.json");
    cbom::write_file(&other, &inv, &run, Spec::V1_6).unwrap();
    assert_eq!(
        std::fs::read(&other).unwrap(),
        std::fs::read(run.path().join("reports").join(cbom::FILE)).unwrap()
    );
}
