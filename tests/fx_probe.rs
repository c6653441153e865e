//! End-to-end tests of `fx-probe`: the real binaries over `samples/crypto`
//! (fx-ingest with the bundle intake CSV → fx-route → fx-inspect → fx-probe),
//! determinism at -j1 vs -j2, fail-closed routing, CLI conventions.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;
use std::process::Command as StdCommand;

use assert_cmd::Command;
use common::{bin, repo, run_stage};
use serde_json::Value;

const SAMPLES: &[&str] = &[
    "samples/crypto/aes128-ecb.bin",
    "samples/crypto/aes128-cbc-iv.bin",
    "samples/crypto/text.gz",
    "samples/crypto/openssl-salted.enc",
    "samples/crypto/hybrid-mlkem768-aesgcm.bin",
    "samples/crypto/mlkem768.pk",
    "samples/crypto/mldsa44.sig",
    "samples/route/hashes.txt",
];

/// Ingests the samples and the bundles (decapsulation allowed by policy),
/// routes and inspects them; returns (run dir, inspected job lines).
fn prepared(dir: &Path) -> (String, String) {
    let run = dir.join("run").to_str().unwrap().to_owned();
    let policy = dir.join("policy.toml");
    std::fs::write(&policy, "[safety]\ndecapsulation = true\n").unwrap();
    let mut args = vec![
        "--run",
        run.as_str(),
        "--policy",
        policy.to_str().unwrap(),
        "--intake",
        "samples/crypto/bundles.csv",
    ];
    args.extend_from_slice(SAMPLES);
    let out = StdCommand::new(bin("fx-ingest"))
        .args(&args)
        .current_dir(repo())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let routed = run_stage("fx-route", &["--run", &run], &out.stdout);
    let inspected = run_stage("fx-inspect", &["--run", &run], routed.as_bytes());
    (run, inspected)
}

fn jobs(text: &str) -> Vec<Value> {
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn by_path<'a>(jobs: &'a [Value], path: &str) -> &'a Value {
    jobs.iter()
        .find(|j| j["artifact"]["intake"]["path"] == path)
        .unwrap_or_else(|| panic!("no job for {path}"))
}

fn probe_event<'a>(job: &'a Value, step: &str) -> &'a Value {
    job["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["module"] == "probe" && e["step"] == step)
        .unwrap_or_else(|| panic!("no probe/{step} event"))
}

#[test]
fn samples_through_the_batch_stages() {
    let dir = tempfile::tempdir().unwrap();
    let (run, inspected) = prepared(dir.path());
    let out = run_stage(
        "fx-probe",
        &["--run", &run, "-j", "2"],
        inspected.as_bytes(),
    );
    let js = jobs(&out);
    assert_eq!(js.len(), SAMPLES.len() + 2);

    // Every job has an event from every probe.
    for j in &js {
        for step in ["hash_kdf", "symmetric", "pqc", "hybrid"] {
            probe_event(j, step);
        }
    }

    let ecb = probe_event(by_path(&js, "samples/crypto/aes128-ecb.bin"), "symmetric");
    assert_eq!(ecb["conclusion"]["cipher"]["mode_hints"][0], "ecb");
    assert!(ecb["conclusion"]["cipher"]["ecb_repeats"].as_u64().unwrap() >= 60);

    let cbc = probe_event(
        by_path(&js, "samples/crypto/aes128-cbc-iv.bin"),
        "symmetric",
    );
    assert_eq!(cbc["conclusion"]["cipher"]["mode_hints"][0], "cbc");
    assert_eq!(cbc["conclusion"]["cipher"]["ecb_repeats"], 0);

    let gz = probe_event(by_path(&js, "samples/crypto/text.gz"), "symmetric");
    assert_eq!(gz["conclusion"]["cipher"]["framing"], "gzip");
    assert_eq!(gz["conclusion"]["labels"][0], "compressed");

    let salted = probe_event(
        by_path(&js, "samples/crypto/openssl-salted.enc"),
        "symmetric",
    );
    assert_eq!(salted["conclusion"]["cipher"]["format"], "openssl_salted");

    let hy = probe_event(
        by_path(&js, "samples/crypto/hybrid-mlkem768-aesgcm.bin"),
        "hybrid",
    );
    assert_eq!(hy["conclusion"]["labels"][0], "hybrid_blob");
    let kem = &hy["conclusion"]["regions"][0];
    assert_eq!(
        (kem["offset"].as_u64(), kem["length"].as_u64()),
        (Some(2), Some(1088))
    );
    assert_eq!(kem["algorithm"], "ML-KEM-768");

    let pk = probe_event(by_path(&js, "samples/crypto/mlkem768.pk"), "pqc");
    assert_eq!(pk["conclusion"]["algorithm"], "ML-KEM-768");
    assert_eq!(pk["conclusion"]["pqc"]["valid_structure"], true);

    let sig = probe_event(by_path(&js, "samples/crypto/mldsa44.sig"), "pqc");
    assert_eq!(sig["conclusion"]["algorithm"], "ML-DSA-44");
    assert_eq!(sig["conclusion"]["pqc"]["valid_structure"], true);

    let bundle = by_path(&js, "mldsa44-signature");
    assert_eq!(
        probe_event(bundle, "pqc")["conclusion"]["pqc"]["verified"],
        true
    );
    assert_eq!(probe_event(bundle, "verify")["status"], "ok");

    let kem_bundle = by_path(&js, "mlkem768-kem");
    let d = probe_event(kem_bundle, "decapsulate");
    assert_eq!(d["status"], "ok");
    assert_eq!(d["data"]["tries"][0]["matches_expected"], true);
    assert_eq!(
        probe_event(kem_bundle, "pqc")["conclusion"]["pqc"]["decapsulated"],
        true
    );
    // The shared secret itself never appears in the output.
    let ss = std::fs::read(repo().join("samples/crypto/mlkem768.ss")).unwrap();
    let hex: String = ss.iter().map(|b| format!("{b:02x}")).collect();
    assert!(!out.contains(&hex));

    // Hash material reaches only the audit probe.
    let hashes = by_path(&js, "samples/route/hashes.txt");
    for step in ["symmetric", "pqc", "hybrid"] {
        assert_eq!(
            probe_event(hashes, step)["reason"],
            "policy:audit_only_hashes",
            "{step}"
        );
    }
}

#[test]
fn output_is_identical_at_j1_and_j2() {
    let dir = tempfile::tempdir().unwrap();
    let (run, inspected) = prepared(dir.path());
    let one = run_stage(
        "fx-probe",
        &["--run", &run, "-j", "1"],
        inspected.as_bytes(),
    );
    let two = run_stage(
        "fx-probe",
        &["--run", &run, "-j", "2"],
        inspected.as_bytes(),
    );
    assert_eq!(one, two);
    assert!(
        !one.contains(dir.path().to_str().unwrap()),
        "temp path in evidence"
    );
}

#[test]
fn without_routing_only_the_audit_probe_runs() {
    let dir = tempfile::tempdir().unwrap();
    let run = dir.path().join("run").to_str().unwrap().to_owned();
    let ingested = StdCommand::new(bin("fx-ingest"))
        .args(["--run", &run, "samples/crypto/aes128-ecb.bin"])
        .current_dir(repo())
        .output()
        .unwrap();
    let out = run_stage("fx-probe", &["--run", &run], &ingested.stdout);
    let js = jobs(&out);
    for step in ["symmetric", "pqc", "hybrid"] {
        assert_eq!(
            probe_event(&js[0], step)["reason"],
            "policy:no_route_decision"
        );
    }
}

#[test]
fn cli_conventions() {
    Command::new(bin("fx-probe"))
        .arg("--help")
        .assert()
        .success()
        .stdout(predicates::str::contains("fx-probe --run RUN"));
    Command::new(bin("fx-probe"))
        .arg("--bogus")
        .assert()
        .code(2);
    // A malformed line is an error naming its line number.
    let dir = tempfile::tempdir().unwrap();
    let (run, inspected) = prepared(dir.path());
    let mut bad = inspected.lines().next().unwrap().to_owned();
    bad.push_str("\n{not json\n");
    Command::new(bin("fx-probe"))
        .args(["--run", &run])
        .write_stdin(bad)
        .assert()
        .failure()
        .stderr(predicates::str::contains("line 2"));
    // A broken pipe is success.
    let input = dir.path().join("in.jsonl");
    std::fs::write(&input, inspected.repeat(50)).unwrap();
    let status = StdCommand::new("bash")
        .arg("-c")
        .arg(format!(
            "set -o pipefail; '{}' --run '{}' < '{}' | head -c 10 > /dev/null",
            bin("fx-probe").display(),
            run,
            input.display()
        ))
        .status()
        .unwrap();
    assert!(status.success());
}

/// Golden: the probes' conclusions over the committed samples (data left
/// out: it lists fx-inspect's regions, which that stage may rescore).
#[test]
fn golden_probe_conclusions_over_the_samples() {
    let dir = tempfile::tempdir().unwrap();
    let (run, inspected) = prepared(dir.path());
    let out = run_stage("fx-probe", &["--run", &run], inspected.as_bytes());
    let mut golden = serde_json::Map::new();
    for j in jobs(&out) {
        let path = j["artifact"]["intake"]["path"].as_str().unwrap().to_owned();
        let events: Vec<Value> = j["events"]
            .as_array()
            .unwrap()
            .iter()
            // hash_kdf has its own golden tests (tests/fx_probe_hash_*.rs).
            .filter(|e| e["module"] == "probe" && e["step"] != "hash_kdf")
            .map(|e| {
                serde_json::json!({
                    "step": e["step"], "status": e["status"], "reason": e["reason"],
                    "conclusion": e["conclusion"],
                })
            })
            .collect();
        golden.insert(path, Value::Array(events));
    }
    insta::assert_json_snapshot!("probe_conclusions", golden);
}
