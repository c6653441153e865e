//! End-to-end tests of the hash/KDF audit through the real `fx-probe` binary:
//! job lines in, the `probe`/`hash_kdf` event out (scheme, hashcat mode,
//! parameters, weaknesses, per-line results with totals, the cited baseline),
//! the routing rules (labelled material only, or text fx-route sent here that
//! sniffs as hash lines), the baseline policy, and determinism at any `-j`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use fx_core::job::Job;
use fx_core::policy::Policy;
use fx_core::testing::{job_for, scratch_run, with_labels};
use fx_core::vocab::Label;
use serde_json::Value;

fn probe(run: &Path, jobs: &[Job], jobs_flag: &str) -> Vec<Value> {
    let mut input = Vec::new();
    for j in jobs {
        serde_json::to_writer(&mut input, j).unwrap();
        input.push(b'\n');
    }
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("fx-probe"))
        .args(["--run", run.to_str().unwrap(), "-j", jobs_flag])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&input).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "fx-probe failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn hash_event(job: &Value) -> &Value {
    job["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["module"] == "probe" && e["step"] == "hash_kdf")
        .expect("a probe/hash_kdf event")
}

fn sample(name: &str) -> Vec<u8> {
    std::fs::read(Path::new("samples/hashes").join(name)).unwrap()
}

#[test]
fn audits_labelled_hash_files() {
    let dir = tempfile::tempdir().unwrap();
    let run = scratch_run(dir.path(), Policy::default()).unwrap();
    let mixed = with_labels(
        job_for(&run, "mixed.txt", &sample("mixed.txt"), 0).unwrap(),
        &[Label::HashKdfMaterial],
    );
    let shadow = with_labels(
        job_for(&run, "shadow.txt", &sample("shadow.txt"), 1).unwrap(),
        &[Label::HashKdfMaterial],
    );
    let pwdump = with_labels(
        job_for(&run, "pwdump.txt", &sample("pwdump.txt"), 2).unwrap(),
        &[Label::HashKdfMaterial],
    );
    let single = with_labels(
        job_for(
            &run,
            "one.txt",
            b"$2b$12$GhvMmNVjRW29ulnudl.LbuAnUtN/LRfe1JsBm1Xu6LE3059z5Tr8m\n",
            3,
        )
        .unwrap(),
        &[Label::HashKdfMaterial],
    );
    let out = probe(dir.path(), &[mixed, shadow, pwdump, single], "2");
    assert_eq!(out.len(), 4);

    let e = hash_event(&out[0]);
    assert_eq!(e["status"], "ok");
    let c = &e["conclusion"];
    assert_eq!(c["container"], "password_hash");
    assert_eq!(c["labels"], serde_json::json!(["hash_kdf_material"]));
    let h = &c["hash"];
    assert_eq!(h["baseline"], "owasp-2025");
    assert_eq!(h["totals"]["lines_seen"], 20);
    assert_eq!(h["totals"]["identified"], 20);
    assert_eq!(h["lines"].as_array().unwrap().len(), 20);
    let weaknesses: Vec<&str> = h["weaknesses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap())
        .collect();
    for w in [
        "cost_below_baseline",
        "memory_below_baseline",
        "argon2_variant_not_id",
        "unsalted_fast_hash",
        "obsolete_scheme",
        "fast_hash",
    ] {
        assert!(weaknesses.contains(&w), "{w} in {weaknesses:?}");
    }
    // The argon2id line at OWASP's minimum has no weakness; the m=4096 one does.
    let lines = h["lines"].as_array().unwrap();
    let argon: Vec<&Value> = lines.iter().filter(|l| l["scheme"] == "argon2id").collect();
    assert_eq!(argon.len(), 2);
    assert_eq!(argon[0]["params"]["memory_kib"], 19456);
    assert_eq!(argon[0]["weaknesses"], serde_json::json!([]));
    assert_eq!(
        argon[1]["weaknesses"],
        serde_json::json!(["memory_below_baseline"])
    );
    // The event cites the baseline and explains each weakness once; no hash value is copied.
    assert!(
        e["data"]["baseline"]["url"]
            .as_str()
            .unwrap()
            .contains("owasp.org")
    );
    assert!(
        !e.to_string().contains("$argon2id$"),
        "hash values are never copied into evidence"
    );

    let s = &hash_event(&out[1])["conclusion"]["hash"];
    assert_eq!(s["totals"]["identified"], 3);
    assert_eq!(s["totals"]["no_hash"], 1);
    assert_eq!(s["lines"][0]["context"], "shadow");
    assert_eq!(s["lines"][2]["locked"], true);

    let p = &hash_event(&out[2])["conclusion"]["hash"];
    assert_eq!(p["scheme"], "ntlm");
    assert_eq!(p["hashcat_mode"], 1000);
    assert!(
        p["weaknesses"]
            .as_array()
            .unwrap()
            .contains(&Value::from("lm_hash_present"))
    );

    let one = &hash_event(&out[3])["conclusion"]["hash"];
    assert_eq!(one["scheme"], "bcrypt");
    assert_eq!(one["john_format"], "bcrypt");
    assert_eq!(one["params"]["cost"], 12);
    assert!(
        one.get("lines").is_none(),
        "a single hash has no per-line list"
    );
}

#[test]
fn other_artifacts_are_not_audited() {
    let dir = tempfile::tempdir().unwrap();
    let run = scratch_run(dir.path(), Policy::default()).unwrap();
    // No label and no route decision: not applicable, whatever the bytes.
    let unlabelled = job_for(&run, "h.txt", &sample("mixed.txt"), 0).unwrap();
    let cert = with_labels(
        job_for(&run, "c.der", b"\x30\x82\x01\x00", 1).unwrap(),
        &[Label::Certificate],
    );
    let out = probe(dir.path(), &[unlabelled, cert], "1");
    for job in &out {
        let e = hash_event(job);
        assert_eq!(e["status"], "skipped");
        assert_eq!(e["reason"], "not_applicable");
    }
}

#[test]
fn baseline_comes_from_the_policy_and_output_is_deterministic() {
    let dir = tempfile::tempdir().unwrap();
    let mut policy = Policy::default();
    policy.probe.hash_baseline = "nist-800-63b".into();
    policy.probe.max_hash_lines = 5;
    let run = scratch_run(dir.path(), policy).unwrap();
    let jobs: Vec<Job> = (0..6)
        .map(|i| {
            with_labels(
                job_for(&run, &format!("m{i}.txt"), &sample("mixed.txt"), i).unwrap(),
                &[Label::HashKdfMaterial],
            )
        })
        .collect();
    let a = probe(dir.path(), &jobs, "1");
    let b = probe(dir.path(), &jobs, "4");
    assert_eq!(a, b, "same output at -j1 and -j4");
    let h = &hash_event(&a[0])["conclusion"]["hash"];
    assert_eq!(h["baseline"], "nist-800-63b");
    assert_eq!(h["totals"]["truncated"], true);
    assert_eq!(
        hash_event(&a[0])["data"]["caps_hit"],
        serde_json::json!(["budget:max_hash_lines"])
    );
    assert_eq!(h["totals"]["not_audited"], 15);
    assert_eq!(h["lines"].as_array().unwrap().len(), 5);
    // NIST sets no bcrypt cost: the cost-4 bcrypt line is not flagged under it.
    assert!(
        !h["weaknesses"]
            .as_array()
            .unwrap()
            .contains(&Value::from("cost_below_baseline"))
    );
}

#[test]
fn unknown_baseline_is_a_recorded_skip() {
    let dir = tempfile::tempdir().unwrap();
    let mut policy = Policy::default();
    policy.probe.hash_baseline = "made-up".into();
    let run = scratch_run(dir.path(), policy).unwrap();
    let job = with_labels(
        job_for(&run, "m.txt", &sample("mixed.txt"), 0).unwrap(),
        &[Label::HashKdfMaterial],
    );
    let out = probe(dir.path(), &[job], "1");
    let e = hash_event(&out[0]);
    assert_eq!(e["status"], "skipped");
    assert_eq!(e["reason"], "policy:unknown_hash_baseline:made-up");
}
