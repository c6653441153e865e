//! End-to-end tests of `fx-inspect`: the committed fixtures
//! (`tests/fixtures/inspect/files`, made with openssl and ssh-keygen) are
//! ingested with `fx-ingest`, routed with `fx-route` and inspected with the
//! real binary: verdicts, the openssl cross-check (when openssl is in the
//! run's tool inventory), fail-closed routing, determinism at any `-j`, and
//! the CLI conventions.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/inspect/files")
}

fn run_bin(name: &str, run: &Path, args: &[&str], stdin: Vec<u8>) -> Vec<u8> {
    let out = Command::cargo_bin(name)
        .unwrap()
        .arg("--run")
        .arg(run)
        .args(args)
        .write_stdin(stdin)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{name}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn jobs(out: &[u8]) -> Vec<Value> {
    String::from_utf8(out.to_vec())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn path_of(job: &Value) -> String {
    job["artifact"]["intake"]["path"]
        .as_str()
        .unwrap_or("")
        .to_owned()
}

fn inspect_events(job: &Value) -> Vec<&Value> {
    job["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["module"] == "inspect")
        .collect()
}

fn triage(job: &Value) -> Option<&Value> {
    inspect_events(job)
        .into_iter()
        .find(|e| e["step"] == "triage")
        .map(|e| &e["conclusion"])
}

#[test]
fn pipeline_over_the_fixtures() {
    let tmp = tempfile::tempdir().unwrap();
    let (run, ingested) = common::ingest_in(tmp.path(), &fixtures(), &[]);
    let routed = run_bin("fx-route", &run, &["-j", "2"], ingested.clone());
    let inspected = run_bin("fx-inspect", &run, &["-j", "1"], routed.clone());
    let again = run_bin("fx-inspect", &run, &["-j", "3"], routed.clone());
    assert_eq!(inspected, again, "output differs between -j1 and -j3");
    let all = jobs(&inspected);
    // One job per fixture file: nothing handed in disappears.
    let files = std::fs::read_dir(fixtures())
        .unwrap()
        .filter(|e| e.as_ref().unwrap().path().is_file())
        .count();
    assert!(
        files >= 60,
        "fixtures missing: run tests/fixtures/inspect/make.sh"
    );
    assert_eq!(all.len(), files);
    let openssl = std::fs::read_to_string(run.join("manifests/tool_inventory.json"))
        .unwrap()
        .contains("\"openssl\"");
    for job in &all {
        let evs = inspect_events(job);
        assert!(!evs.is_empty(), "{}: no inspect event", path_of(job));
        let path = path_of(job);
        if path.ends_with("rsa2048-leaf.cert.pem") {
            let t = triage(job).unwrap();
            assert_eq!(t["container"], "x509_certificate");
            assert_eq!(t["algorithm"], "RSA");
            assert_eq!(t["key_bits"], 2048);
            let tri = evs.iter().find(|e| e["step"] == "triage").unwrap();
            assert_eq!(tri["data"]["agrees_with_route"], true, "{tri}");
            let cc = evs.iter().find(|e| e["step"] == "crosscheck").unwrap();
            if openssl && cc["status"] == "ok" {
                assert_eq!(cc["data"]["agree"], true, "{cc}");
                assert!(evs.iter().any(|e| e["step"] == "tool:openssl_x509"));
            }
        }
        if path.ends_with("ed25519.spki.pem") && openssl {
            let cc = evs.iter().find(|e| e["step"] == "crosscheck").unwrap();
            if cc["status"] == "ok" {
                assert_eq!(cc["data"]["check"], "asn1parse_nodes");
                assert_eq!(cc["data"]["agree"], true, "{cc}");
            }
        }
        if path.ends_with("ssh-ed25519-encrypted.key") {
            let t = triage(job).unwrap();
            assert_eq!(t["container"], "openssh_private_key");
            assert!(
                t["failures"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|f| f == "encrypted")
            );
        }
    }
    // Without a route decision the cross-check (a tool run) is denied, fail-closed.
    let unrouted = run_bin("fx-inspect", &run, &[], ingested);
    for job in jobs(&unrouted) {
        if let Some(cc) = inspect_events(&job)
            .into_iter()
            .find(|e| e["step"] == "crosscheck")
        {
            assert_eq!(cc["status"], "skipped");
            assert_eq!(cc["reason"], "policy:no_route_decision");
        }
    }
}

#[test]
fn hash_kdf_material_is_never_inspected() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("in");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("shadow.txt"),
        "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW\n",
    )
    .unwrap();
    let (run, ingested) = common::ingest_in(tmp.path(), &dir, &[]);
    let routed = run_bin("fx-route", &run, &[], ingested);
    let out = jobs(&run_bin("fx-inspect", &run, &[], routed));
    let evs = inspect_events(&out[0]);
    assert_eq!(evs.len(), 1, "{evs:?}");
    assert_eq!(evs[0]["status"], "skipped");
}

#[test]
fn cli_conventions() {
    Command::cargo_bin("fx-inspect")
        .unwrap()
        .arg("--help")
        .assert()
        .success()
        .stdout(predicates::str::contains("fx-inspect --run RUN"));
    Command::cargo_bin("fx-inspect")
        .unwrap()
        .arg("--bogus")
        .assert()
        .code(2);
    let tmp = tempfile::tempdir().unwrap();
    let (run, _) = common::ingest_in(tmp.path(), &fixtures().join("p256.cert.pem"), &[]);
    Command::cargo_bin("fx-inspect")
        .unwrap()
        .arg("--run")
        .arg(&run)
        .write_stdin("{not json\n")
        .assert()
        .failure()
        .stderr(predicates::str::contains("line 1"));
}
