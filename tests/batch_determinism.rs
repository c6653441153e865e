//! DESIGN §5 end to end: the same artifacts give byte-identical telemetry,
//! features and reports at any `-j`, in any input order, on a rerun, and when
//! the stages run the way a distributed engine runs them (the job stream cut
//! into partitions, each piped through the stages on its own, the partitions
//! coming back in another order).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{assert_same, evidence};

use std::path::{Path, PathBuf};

fn samples() -> Vec<PathBuf> {
    std::env::set_current_dir(common::repo()).unwrap();
    let mut v: Vec<PathBuf> = std::fs::read_dir("samples")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    v.sort();
    assert!(!v.is_empty());
    v
}

#[test]
fn any_jobs_any_order_rerun() {
    let dirs = samples();
    let refs: Vec<&Path> = dirs.iter().map(PathBuf::as_path).collect();
    let one = common::batch(&refs, "1");
    let base = evidence(&one.run);

    let two = common::batch(&refs, "2");
    assert_same(&base, &evidence(&two.run), "-j1 vs -j2");

    let mut reversed = refs.clone();
    reversed.reverse();
    let rev = common::batch(&reversed, "2");
    assert_same(&base, &evidence(&rev.run), "inputs in reverse order");

    let again = common::batch(&refs, "1");
    assert_same(&base, &evidence(&again.run), "rerun");
}

#[test]
fn partitioned_like_a_distributed_engine() {
    let dirs = samples();
    let refs: Vec<&Path> = dirs.iter().map(PathBuf::as_path).collect();
    let whole = common::batch(&refs, "2");

    // Same ingest, then each of 3 partitions piped through the stages alone.
    let dir = tempfile::tempdir().unwrap();
    let run = dir.path().join("run");
    let run_s = run.to_str().unwrap();
    let mut args = vec!["--run", run_s, "-j", "2", "--case", "samples"];
    let names: Vec<String> = refs
        .iter()
        .map(|p| p.to_str().unwrap().to_owned())
        .collect();
    args.extend(names.iter().map(String::as_str));
    let jobs = common::run_stage("fx-ingest", &args, b"");
    let lines: Vec<&str> = jobs.lines().collect();
    let mut partitions: Vec<String> = Vec::new();
    for chunk in lines.chunks(lines.len().div_ceil(3).max(1)) {
        let mut stream = chunk.join("\n") + "\n";
        for stage in ["fx-route", "fx-inspect", "fx-probe", "fx-fingerprint"] {
            stream = common::run_stage(stage, &["--run", run_s, "-j", "1"], stream.as_bytes());
        }
        partitions.push(stream);
    }
    partitions.reverse();
    // Lines within the partitions interleaved, too.
    let mut shuffled: Vec<&str> = partitions.iter().flat_map(|p| p.lines()).collect();
    shuffled.sort_by_key(|l| fx_core::hashing::sha256_hex(l.as_bytes()));
    let input = shuffled.join("\n") + "\n";
    common::run_stage("fx-seq", &["--run", run_s], input.as_bytes());
    common::run_stage("fx-features", &["--run", run_s], b"");
    common::run_stage("fx-report", &["--run", run_s], b"");
    assert_same(
        &evidence(&whole.run),
        &evidence(&run),
        "partitioned and shuffled",
    );
}

/// DESIGN §5 on real tool output. `tests/fixtures/openssl-fails/` holds
/// `samples/pki/ec-p256.cert.der` with byte 60 (the first byte of the
/// issuer's UTF8String) set to 0xff, as DER and as PEM: fx parses the
/// certificate, and its openssl cross-check fails, printing error lines that
/// start with the thread id of the openssl process
/// (`809B8846F77F0000:error:1608010C:STORE routines:…`), a different one on
/// every run. The stored stderr has `$TID` there, so two runs write
/// byte-identical telemetry.
#[test]
fn openssl_failing_gives_the_same_telemetry_every_run() {
    use serde_json::Value;
    std::env::set_current_dir(common::repo()).unwrap();
    let input = Path::new("tests/fixtures/openssl-fails");
    let one = common::batch(&[input], "2");
    let inventory: Value = serde_json::from_slice(
        &std::fs::read(one.run.join("manifests/tool_inventory.json")).unwrap(),
    )
    .unwrap();
    let openssl = inventory["tools"]
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t["name"] == "openssl" && t["status"] == "present");
    if !openssl {
        eprintln!("openssl is not installed: nothing to normalise");
        return;
    }
    let runs = std::fs::read_to_string(one.run.join("telemetry/tool_run_events.jsonl")).unwrap();
    let failed: Vec<Value> = runs
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|e| e["tool"]["name"] == "openssl" && e["tool"]["exit_code"] == 1)
        .collect();
    assert_eq!(failed.len(), 2, "openssl should fail on both: {runs}");
    for e in &failed {
        let blob = one
            .run
            .join("artifacts")
            .join(e["tool"]["stderr"]["ref"].as_str().unwrap());
        let stderr = std::fs::read_to_string(blob).unwrap();
        let errors: Vec<&str> = stderr.lines().filter(|l| l.contains(":error:")).collect();
        assert!(!errors.is_empty(), "{stderr}");
        assert!(
            errors.iter().all(|l| l.starts_with("$TID:error:")),
            "{stderr}"
        );
        assert!(stderr.starts_with("Could not read certificate from $WS/object.der\n"));
        let counts = &e["tool"]["stderr"];
        assert_eq!(counts["bytes"], stderr.len());
        assert_eq!(counts["kept"], stderr.len());
        assert_eq!(counts["truncated"], false);
    }
    assert_eq!(
        failed[0]["tool"]["stderr"], failed[1]["tool"]["stderr"],
        "the same failure is the same blob"
    );
    let two = common::batch(&[input], "2");
    assert_same(
        &evidence(&one.run),
        &evidence(&two.run),
        "two runs where openssl fails",
    );
}

/// Starts `stage` with `args` and kills it with SIGKILL in the middle of
/// its work. A stage that reads jobs is fed `input` and its stdin kept open,
/// so it cannot have finished when it is killed (a moment later); one that
/// does not (fx-ingest) is killed once it has written its first job line.
fn kill_midway(stage: &str, args: &[&str], input: &[u8]) {
    use std::io::{BufRead, Write};
    let mut child = std::process::Command::new(common::bin(stage))
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let stdout = child.stdout.take().unwrap();
    // Read its output as it comes, so that it never blocks on a full pipe.
    let (first_tx, first_rx) = std::sync::mpsc::channel();
    let reader = std::thread::spawn(move || {
        let mut lines = std::io::BufReader::new(stdout).lines();
        let _ = first_tx.send(lines.next().is_some());
        for _ in lines {}
    });
    if input.is_empty() {
        assert!(
            first_rx.recv().unwrap(),
            "{stage} wrote nothing before it was killed"
        );
    } else {
        stdin.write_all(input).unwrap();
        stdin.flush().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(300));
    }
    child.kill().unwrap();
    assert!(!child.wait().unwrap().success(), "{stage} had finished");
    drop(stdin);
    reader.join().unwrap();
}

/// DESIGN §5 under faults: a stage killed with SIGKILL in the middle of
/// the batch, then the same batch again into the same run, gives the
/// evidence of a run never interrupted (issue 14). Killed here: fx-ingest
/// (the run half made) and fx-inspect, a per-job stage (fx-seq's own case
/// is in tests/fx_seq.rs).
#[test]
fn a_stage_killed_midway_then_the_batch_again_gives_the_same_evidence() {
    let dirs = samples();
    let refs: Vec<&Path> = dirs.iter().map(PathBuf::as_path).collect();
    let base = evidence(&common::batch(&refs, "1").run);
    let inputs: Vec<&str> = refs.iter().map(|p| p.to_str().unwrap()).collect();

    let d = tempfile::tempdir().unwrap();
    let run = d.path().join("run");
    let run_s = run.to_str().unwrap();
    let mut ingest_args = vec!["--run", run_s, "-j", "1", "--case", "samples"];
    ingest_args.extend(inputs.iter().copied());
    kill_midway("fx-ingest", &ingest_args, b"");
    common::batch_in(&run, &refs, "1");
    assert_same(
        &base,
        &evidence(&run),
        "fx-ingest killed, then the batch again",
    );

    let d = tempfile::tempdir().unwrap();
    let run = d.path().join("run");
    let run_s = run.to_str().unwrap();
    let mut ingest_args = vec!["--run", run_s, "-j", "1", "--case", "samples"];
    ingest_args.extend(inputs.iter().copied());
    let jobs = common::run_stage("fx-ingest", &ingest_args, b"");
    let routed = common::run_stage("fx-route", &["--run", run_s, "-j", "1"], jobs.as_bytes());
    kill_midway(
        "fx-inspect",
        &["--run", run_s, "-j", "1"],
        routed.as_bytes(),
    );
    common::batch_in(&run, &refs, "1");
    assert_same(
        &base,
        &evidence(&run),
        "fx-inspect killed, then the batch again",
    );
}
