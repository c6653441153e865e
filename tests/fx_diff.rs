//! fx-diff end to end: runs made by the real batch over `samples/`, diffed
//! by the real binary. A rerun is identical (exit 0); a changed policy
//! value, a swapped tool and a moved flake input are each named as the
//! cause; bad input is one line and exit 2. The JSON output is checked
//! against `schemas/diff.schema.json`, and what changed is checked against
//! what the runs' own evidence says should change.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeSet;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// The batch over `samples/` into `dir/name`, with extra batch options and
/// environment; returns the run directory.
fn batch(dir: &Path, name: &str, opts: &[&str], env: &[(&str, OsString)]) -> PathBuf {
    let run = dir.join(name);
    let bin_dir = common::bin("fx-ingest").parent().unwrap().to_path_buf();
    let out = Command::new(common::repo().join("pipelines/forensics-batch.sh"))
        .args(opts)
        .arg("samples")
        .arg(&run)
        .current_dir(common::repo())
        .env("FX_BIN_DIR", bin_dir)
        .env_remove("FX_FLAKE_LOCK")
        .env_remove("FX_FLAKE_LOCK_SHA256")
        .envs(env.iter().map(|(k, v)| (k, v)))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "batch {name}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    run
}

/// The batch run from `root` over its `samples/` (a copy), into `root/run`.
fn batch_in(root: &Path) -> PathBuf {
    let run = root.join("run");
    let bin_dir = common::bin("fx-ingest").parent().unwrap().to_path_buf();
    let out = Command::new(common::repo().join("pipelines/forensics-batch.sh"))
        .arg("samples")
        .arg(&run)
        .current_dir(root)
        .env("FX_BIN_DIR", bin_dir)
        .env_remove("FX_FLAKE_LOCK")
        .env_remove("FX_FLAKE_LOCK_SHA256")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "batch in {}: {}",
        root.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    run
}

/// `fx-diff ARGS…`: (exit code, stdout, stderr).
fn fx_diff(args: &[&std::ffi::OsStr]) -> (i32, String, String) {
    let out = Command::new(common::bin("fx-diff"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// The JSON diff of two runs, validated against the schema; with the exit code.
fn json_diff(a: &Path, b: &Path) -> (i32, Value) {
    let (code, out, err) = fx_diff(&["--json".as_ref(), a.as_os_str(), b.as_os_str()]);
    assert!(err.is_empty(), "stderr: {err}");
    let v: Value = serde_json::from_str(&out).expect("one JSON document");
    let errors: Vec<String> = validator().iter_errors(&v).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "diff.schema.json: {errors:#?}");
    (code, v)
}

fn validator() -> jsonschema::Validator {
    common::schema_validator("diff.schema.json")
}

/// The job lines of a run.
fn jobs(run: &Path) -> Vec<Value> {
    std::fs::read_to_string(run.join("telemetry/jobs.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn path_of(job: &Value) -> String {
    job["artifact"]["intake"]["path"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// The intake paths of the artifacts the diff lists as `changed`.
fn changed_paths(diff: &Value) -> BTreeSet<String> {
    diff["artifacts"]
        .as_array()
        .unwrap()
        .iter()
        .inspect(|a| assert_eq!(a["change"], "changed", "{a}"))
        .map(|a| a["path"].as_str().unwrap().to_owned())
        .collect()
}

/// Every cause of every event change.
fn causes(diff: &Value) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    for a in diff["artifacts"].as_array().unwrap() {
        for e in a["events"].as_array().unwrap() {
            let at = format!("{} {}/{}", a["path"], e["module"], e["step"]);
            for c in e["causes"].as_array().unwrap() {
                out.push((at.clone(), c.clone()));
            }
        }
    }
    out
}

#[test]
fn a_rerun_is_identical() {
    let dir = tempfile::tempdir().unwrap();
    let a = batch(dir.path(), "a", &[], &[]);
    let b = batch(dir.path(), "b", &[], &[]);
    let (code, v) = json_diff(&a, &b);
    assert_eq!(code, 0);
    let n = jobs(&a).len() as u64;
    assert!(n > 40, "samples give {n} jobs");
    let t = &v["totals"];
    assert_eq!(t["evidence"], "identical");
    assert_eq!(
        (t["artifacts_a"].as_u64(), t["artifacts_b"].as_u64()),
        (Some(n), Some(n))
    );
    assert_eq!(t["identical"].as_u64(), Some(n));
    assert_eq!(v["artifacts"], Value::Array(Vec::new()));
    let c = &v["context"];
    // (fx_build is not asserted: a shared target dir may be rebuilt between
    // the two runs, which is exactly what that field would then report.)
    for k in ["policy", "tools", "libraries"] {
        assert_eq!(c[k], Value::Array(Vec::new()), "{k}");
    }
    assert!(c.get("toolchain_hash").is_none());
    assert_eq!(c["flake_lock"]["content_recorded"], "neither");

    let (code, text, _) = fx_diff(&[a.as_os_str(), b.as_os_str()]);
    assert_eq!(code, 0);
    assert!(text.contains("\nevidence   identical\n"), "{text}");
    assert!(
        text.contains(&format!("A {n}, B {n}: {n} identical")),
        "{text}"
    );
}

#[test]
fn a_changed_policy_value_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("policy.toml");
    std::fs::write(&policy, "[probe]\nhash_baseline = \"nist-800-63b\"\n").unwrap();
    let a = batch(dir.path(), "a", &[], &[]);
    let b = batch(
        dir.path(),
        "b",
        &["--policy", policy.to_str().unwrap()],
        &[],
    );
    let (code, v) = json_diff(&a, &b);
    assert_eq!(code, 1);
    assert_eq!(
        v["context"]["policy"],
        serde_json::json!([{"key": "probe.hash_baseline", "a": "\"owasp-2025\"", "b": "\"nist-800-63b\""}])
    );
    // Truth from run A's evidence: every hash audit names its baseline, so
    // exactly the artifacts the hash audit concluded on change.
    let audited: BTreeSet<String> = jobs(&a)
        .iter()
        .filter(|j| {
            j["events"].as_array().unwrap().iter().any(|e| {
                e["module"] == "probe"
                    && e["step"] == "hash_kdf"
                    && e["conclusion"]["hash"]["baseline"] == "owasp-2025"
            })
        })
        .map(path_of)
        .collect();
    assert!(audited.len() >= 3, "{audited:?}");
    assert_eq!(changed_paths(&v), audited);
    let causes = causes(&v);
    assert!(!causes.is_empty());
    for (at, c) in &causes {
        assert_eq!(c["kind"], "policy", "{at}: {c}");
        assert_eq!(
            c["keys"],
            serde_json::json!(["probe.hash_baseline"]),
            "{at}"
        );
        // The hash audit is the direct cause; the summary follows from it.
        let direct = at.ends_with("\"probe\"/\"hash_kdf\"");
        assert_eq!(c.get("via").is_none(), direct, "{at}: {c}");
    }
    assert_eq!(
        v["totals"]["causes"],
        serde_json::json!({"policy": causes.len()})
    );
    // Findings: per artifact by fx-report's rules, for the run from each
    // run's reports/findings.json; both must agree with those files.
    let f = &v["findings"];
    assert_eq!(
        (f["per_artifact"].as_str(), f["run"].as_str()),
        (Some("compared"), Some("compared"))
    );
    let report_ids = |run: &Path| -> BTreeSet<String> {
        let r: Value =
            serde_json::from_slice(&std::fs::read(run.join("reports/findings.json")).unwrap())
                .unwrap();
        r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let (ids_a, ids_b) = (report_ids(&a), report_ids(&b));
    let only: BTreeSet<String> = ids_a.symmetric_difference(&ids_b).cloned().collect();
    assert!(!only.is_empty(), "the baseline changes some findings");
    let listed: BTreeSet<String> = f["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["a_artifacts"] == 0 || t["b_artifacts"] == 0)
        .map(|t| t["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(listed, only);
    let per_artifact: BTreeSet<String> = v["artifacts"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|a| a["findings"].as_array().unwrap().clone())
        .map(|f| f["id"].as_str().unwrap().to_owned())
        .collect();
    assert!(only.is_subset(&per_artifact), "{only:?} ⊄ {per_artifact:?}");

    let (code, text, _) = fx_diff(&[a.as_os_str(), b.as_os_str()]);
    assert_eq!(code, 1);
    assert!(
        text.contains("probe.hash_baseline: \"owasp-2025\" → \"nist-800-63b\""),
        "{text}"
    );
    assert!(text.contains("← policy probe.hash_baseline\n"), "{text}");
    assert!(text.contains("\nevidence   differs\n"), "{text}");
}

#[test]
fn a_swapped_tool_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let wrapper = dir.path().join("openssl");
    std::fs::write(
        &wrapper,
        "#!/bin/sh\n# another version of openssl: says so, and runs Debian's for the rest\n\
         if [ \"$1\" = version ]; then echo 'OpenSSL 9.9.9 1 Jan 2030 (Library: OpenSSL 9.9.9 1 Jan 2030)'; exit 0; fi\n\
         exec /usr/bin/openssl \"$@\"\n",
    )
    .unwrap();
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let real = [("FX_TOOL_OPENSSL", OsString::from("/usr/bin/openssl"))];
    let swapped = [("FX_TOOL_OPENSSL", wrapper.clone().into_os_string())];
    let a = batch(dir.path(), "a", &[], &real);
    let b = batch(dir.path(), "b", &[], &swapped);
    let (code, v) = json_diff(&a, &b);
    assert_eq!(code, 1);
    let tools: Vec<&str> = v["context"]["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["key"].as_str().unwrap())
        .collect();
    assert_eq!(tools, ["openssl.version", "openssl.path", "openssl.sha256"]);
    // Truth from run A's evidence: the artifacts openssl ran on.
    let ran: BTreeSet<String> = jobs(&a)
        .iter()
        .filter(|j| {
            j["events"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["tool"]["name"] == "openssl")
        })
        .map(path_of)
        .collect();
    assert!(ran.len() >= 3, "{ran:?}");
    assert_eq!(changed_paths(&v), ran);
    let a_version = jobs(&a)
        .iter()
        .flat_map(|j| j["events"].as_array().unwrap().clone())
        .filter(|e| e["tool"]["name"] == "openssl")
        .find_map(|e| e["tool"]["version"].as_str().map(str::to_owned))
        .unwrap();
    for (at, c) in causes(&v) {
        assert_eq!(c["kind"], "tool", "{at}: {c}");
        assert_eq!(c["tool"], "openssl", "{at}");
        assert_eq!(c["a"].as_str(), Some(a_version.as_str()), "{at}");
        assert_eq!(
            c["b"], "OpenSSL 9.9.9 1 Jan 2030 (Library: OpenSSL 9.9.9 1 Jan 2030)",
            "{at}"
        );
    }
    let (_, text, _) = fx_diff(&[a.as_os_str(), b.as_os_str()]);
    assert!(text.contains("← tool openssl changed: "), "{text}");
}

#[test]
fn a_moved_flake_input_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let lock_a = common::repo().join("flake.lock");
    let text = std::fs::read_to_string(&lock_a).unwrap();
    let lock: Value = serde_json::from_str(&text).unwrap();
    let rev = lock["nodes"]["nixpkgs"]["locked"]["rev"].as_str().unwrap();
    let moved_rev = "0123456789abcdef0123456789abcdef01234567";
    assert_ne!(rev, moved_rev);
    let lock_b = dir.path().join("flake.lock");
    std::fs::write(&lock_b, text.replace(rev, moved_rev)).unwrap();
    let a = batch(
        dir.path(),
        "a",
        &[],
        &[("FX_FLAKE_LOCK", lock_a.into_os_string())],
    );
    let b = batch(
        dir.path(),
        "b",
        &[],
        &[("FX_FLAKE_LOCK", lock_b.into_os_string())],
    );
    // The manifests record the locks' content, valid against their schema,
    // with the hash the inventory holds.
    let manifest_schema = common::schema_validator("run_manifest.schema.json");
    for (run, want) in [(&a, rev), (&b, moved_rev)] {
        let read = |rel: &str| -> Value {
            serde_json::from_slice(&std::fs::read(run.join(rel)).unwrap()).unwrap()
        };
        let (m, inv) = (
            read("manifests/run_manifest.json"),
            read("manifests/tool_inventory.json"),
        );
        let errors: Vec<String> = manifest_schema
            .iter_errors(&m)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "run_manifest.schema.json: {errors:#?}");
        assert_eq!(m["flake_lock"]["sha256"], inv["flake_lock_sha256"]);
        assert_eq!(m["flake_lock"]["nodes"]["nixpkgs"]["locked"]["rev"], want);
        assert!(
            m["fx_build"]
                .as_str()
                .unwrap()
                .starts_with(concat!(env!("CARGO_PKG_VERSION"), "+src."))
        );
    }
    let (code, v) = json_diff(&a, &b);
    assert_eq!(code, 0, "the evidence does not depend on the lock");
    let f = &v["context"]["flake_lock"];
    assert_eq!(f["content_recorded"], "both");
    assert_ne!(f["a_sha256"], f["b_sha256"]);
    assert_eq!(
        f["inputs"],
        serde_json::json!([{
            "input": "nixpkgs", "change": "moved", "from_rev": rev, "to_rev": moved_rev,
            "fields": [{"key": "locked.rev", "a": format!("\"{rev}\""), "b": format!("\"{moved_rev}\"")}]
        }])
    );
    assert!(v["context"]["toolchain_hash"].is_object());
    let (code, text, _) = fx_diff(&[a.as_os_str(), b.as_os_str()]);
    assert_eq!(code, 0);
    assert!(
        text.contains(&format!(
            "flake.lock     nixpkgs moved: {rev} → {moved_rev}"
        )),
        "{text}"
    );
}

#[test]
fn added_and_removed_artifacts_are_matched_by_hash_and_path() {
    // Run B lacks one file of run A and has one of its own, named so that it
    // sorts first: every artifact_seq and event_seq after it shifts, and
    // nothing else changes.
    let dir = tempfile::tempdir().unwrap();
    let (ra, rb) = (dir.path().join("a"), dir.path().join("b"));
    copy_dir(&common::repo().join("samples"), &ra.join("samples"));
    copy_dir(&common::repo().join("samples"), &rb.join("samples"));
    std::fs::remove_file(rb.join("samples/pki/ed25519.pub.pem")).unwrap();
    std::fs::write(rb.join("samples/0-added.txt"), "a file only run B has\n").unwrap();
    let (a, b) = (batch_in(&ra), batch_in(&rb));
    let n = jobs(&a).len() as u64;
    let (code, v) = json_diff(&a, &b);
    assert_eq!(code, 1);
    let got: Vec<(String, String)> = v["artifacts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["change"].as_str().unwrap().to_owned(),
                x["path"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let want = [
        ("added", "samples/0-added.txt"),
        ("removed", "samples/pki/ed25519.pub.pem"),
    ]
    .map(|(c, p)| (c.to_owned(), p.to_owned()));
    assert_eq!(got, want);
    let t = &v["totals"];
    assert_eq!(t["identical"].as_u64(), Some(n - 1));
    assert_eq!(
        (
            t["added"].as_u64(),
            t["removed"].as_u64(),
            t["changed"].as_u64()
        ),
        (Some(1), Some(1), Some(0))
    );
    // What the added artifact concluded is listed as appeared, the removed
    // one's as disappeared.
    let labels = |i: usize| {
        v["artifacts"][i]["conclusions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["field"] == "labels")
            .cloned()
            .unwrap()
    };
    assert_eq!(labels(0)["appeared"], serde_json::json!(["\"plaintext\""]));
    assert!(
        labels(1)["disappeared"]
            .as_array()
            .unwrap()
            .contains(&Value::from("\"key_material\"")),
        "{}",
        labels(1)
    );
}

/// A one-line message on stderr and exit 2.
fn refused(a: &Path, b: &Path, want: &str) {
    let (code, out, err) = fx_diff(&[a.as_os_str(), b.as_os_str()]);
    assert_eq!(code, 2, "{err}");
    assert!(out.is_empty(), "{out}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("fx-diff: "), "{err}");
    assert!(err.contains(want), "wanted {want:?} in {err}");
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dest = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), dest).unwrap();
        }
    }
}

#[test]
fn bad_input_is_one_line_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let good = batch(dir.path(), "good", &[], &[]);
    let d = dir.path();

    refused(&d.join("nowhere"), &good, "nowhere: not a directory");
    let empty = d.join("empty");
    std::fs::create_dir(&empty).unwrap();
    refused(
        &good,
        &empty,
        "not an fx run (manifests/run_manifest.json is missing)",
    );

    let unsequenced = d.join("unsequenced");
    copy_dir(&good.join("manifests"), &unsequenced.join("manifests"));
    refused(
        &good,
        &unsequenced,
        "telemetry/jobs.jsonl is missing (the run was not sequenced: run fx-seq)",
    );

    let future = d.join("future");
    copy_dir(&good, &future);
    let m = future.join("manifests/run_manifest.json");
    let text = std::fs::read_to_string(&m).unwrap();
    std::fs::write(&m, text.replacen("\"run/1\"", "\"run/2\"", 1)).unwrap();
    refused(
        &future,
        &good,
        "manifests/run_manifest.json is format \"run/2\", which this fx-diff cannot read (it reads run/1)",
    );

    let future_jobs = d.join("future_jobs");
    copy_dir(&good, &future_jobs);
    let j = future_jobs.join("telemetry/jobs.jsonl");
    let text = std::fs::read_to_string(&j).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    lines[2] = lines[2].replacen("\"fx\":\"job/1\"", "\"fx\":\"job/2\"", 1);
    std::fs::write(&j, lines.join("\n") + "\n").unwrap();
    refused(
        &good,
        &future_jobs,
        "telemetry/jobs.jsonl line 3 is format \"job/2\", which this fx-diff cannot read (it reads job/1)",
    );
    refused(
        &future_jobs,
        &good,
        "telemetry/jobs.jsonl line 3 is format \"job/2\"",
    );

    std::fs::write(&j, "{not json\n").unwrap();
    refused(
        &good,
        &future_jobs,
        "telemetry/jobs.jsonl line 1: not a job line",
    );

    let (code, _, err) = fx_diff(&[good.as_os_str()]);
    assert_eq!(code, 2, "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    let (code, _, err) = fx_diff(&[
        "--no-such-flag".as_ref(),
        good.as_os_str(),
        good.as_os_str(),
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.starts_with("fx-diff: ") && err.lines().count() == 1 && err.contains("--no-such-flag"),
        "{err}"
    );
    let (code, out, _) = fx_diff(&["--version".as_ref()]);
    assert_eq!(
        (code, out.trim()),
        (0, concat!("fx-diff ", env!("CARGO_PKG_VERSION")))
    );
    let (code, out, _) = fx_diff(&["--help".as_ref()]);
    assert_eq!(code, 0);
    assert!(
        out.contains("Exit status: 0 when the evidence is identical"),
        "{out}"
    );
}
