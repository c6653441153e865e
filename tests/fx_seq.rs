//! End-to-end tests of the real `fx-seq` binary: sequencing, determinism,
//! bounded-memory spilling, bad input, duplicates, and `--verify`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use fx_core::event::{ErrorInfo, Event, StreamRef, ToolRun};
use fx_core::job::Job;
use fx_core::policy::Policy;
use fx_core::run::RunDir;
use fx_core::testing::{job_for, scratch_run};
use fx_core::vocab::{Conclusion, FailureKind, Label};
use serde_json::Value;

fn new_run(policy: Policy) -> (tempfile::TempDir, RunDir) {
    let dir = tempfile::tempdir().unwrap();
    let run = scratch_run(&dir.path().join("run"), policy).unwrap();
    (dir, run)
}

/// `n` job lines with real blobs, in artifact_seq order: labels, an error
/// now and then, budget skips, caps_hit data, a tool run with a stored stdout.
fn job_lines(run: &RunDir, n: u64) -> Vec<String> {
    (0..n)
        .map(|i| {
            let mut job = job_for(
                run,
                &format!("files/f{i}.bin"),
                format!("artifact {i}").as_bytes(),
                i,
            )
            .unwrap();
            job.push(Event::ok("ingest", "intake"));
            let label =
                [Label::Certificate, Label::HashKdfMaterial, Label::Unknown][(i % 3) as usize];
            job.push(Event::ok("route", "label").with_conclusion(Conclusion {
                labels: vec![label],
                ..Default::default()
            }));
            if i % 4 == 1 {
                job.push(Event::error(
                    "inspect",
                    "der",
                    ErrorInfo::new(FailureKind::Truncated).at(i),
                ));
            } else {
                job.push(Event::ok("inspect", "regions").with_data(
                    serde_json::json!({"kept": 16, "caps_hit": ["budget:max_regions"]}),
                ));
            }
            job.push(Event::skipped("probe", "hybrid", "budget:probes"));
            if i % 5 == 0 {
                let out = run
                    .blobs()
                    .put_bytes(format!("tool output {i}").as_bytes())
                    .unwrap();
                job.push(Event::ok("inspect", "openssl").with_tool(ToolRun {
                    name: "openssl".into(),
                    version: Some("OpenSSL 3".into()),
                    binary_hash: None,
                    argv: vec!["x509".into(), "-noout".into()],
                    exit_code: Some(0),
                    signal: None,
                    timed_out: false,
                    sandbox: "bwrap".into(),
                    stdout: Some(StreamRef {
                        blob_ref: out.rel,
                        hash: out.hash,
                        bytes: out.size,
                        kept: out.size,
                        truncated: false,
                    }),
                    stderr: None,
                }));
            }
            serde_json::to_string(&job).unwrap()
        })
        .collect()
}

fn joined(lines: &[String]) -> Vec<u8> {
    let mut s = lines.join("\n");
    s.push('\n');
    s.into_bytes()
}

fn fx_seq(run: &RunDir, args: &[&str], stdin: Vec<u8>) -> assert_cmd::assert::Assert {
    Command::cargo_bin("fx-seq")
        .unwrap()
        .arg("--run")
        .arg(run.path())
        .args(args)
        .write_stdin(stdin)
        .assert()
}

/// Every file under RUN/telemetry, relative path → bytes.
fn telemetry(run: &RunDir) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                out.insert(
                    p.strip_prefix(root).unwrap().to_owned(),
                    std::fs::read(&p).unwrap(),
                );
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(
        &run.path().join("telemetry"),
        &run.path().join("telemetry"),
        &mut out,
    );
    out
}

fn assert_no_leftovers(run: &RunDir) {
    for e in std::fs::read_dir(run.path().join("telemetry")).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        assert!(
            !name.starts_with('.'),
            "temporary {name} left in telemetry/"
        );
    }
}

fn metrics(run: &RunDir) -> Value {
    serde_json::from_slice(&std::fs::read(run.path().join("metrics/seq.json")).unwrap()).unwrap()
}

fn read_lines(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn writes_stamped_sequenced_telemetry() {
    let (_d, run) = new_run(Policy::default());
    let lines = job_lines(&run, 12);
    fx_seq(&run, &[], joined(&lines)).success();
    let t = run.path().join("telemetry");
    let events = read_lines(&t.join("events.jsonl"));
    // event_seq contiguous from 0; stamps on every event; a summary ends every job.
    for (i, e) in events.iter().enumerate() {
        assert_eq!(e["event_seq"], i as u64);
        assert_eq!(e["run_id"], run.run_id());
        assert!(e["artifact_id"].is_string() && e["artifact_seq"].is_u64());
    }
    let jobs = read_lines(&t.join("jobs.jsonl"));
    assert_eq!(jobs.len(), 12);
    let mut n = 0;
    for (i, j) in jobs.iter().enumerate() {
        assert_eq!(j["artifact"]["artifact_seq"], i as u64);
        let evs = j["events"].as_array().unwrap();
        for e in evs {
            assert_eq!(e, &events[n]);
            n += 1;
        }
        let s = evs.last().unwrap();
        assert_eq!(
            (
                s["module"].as_str(),
                s["step"].as_str(),
                s["status"].as_str()
            ),
            (Some("seq"), Some("summary"), Some("ok"))
        );
        assert_eq!(s["data"]["events"], evs.len() as u64 - 1);
        let budgets = s["data"]["budgets_hit"].as_array().unwrap();
        assert!(
            budgets.contains(&Value::from("budget:probes")),
            "{budgets:?}"
        );
        // The typed job parses back.
        let _: Job = serde_json::from_value(j.clone()).unwrap();
    }
    assert_eq!(n, events.len());
    // Module files and the tool-run file are the matching subsequences.
    for module in ["ingest", "route", "inspect", "probe", "seq"] {
        let got = read_lines(&t.join(format!("module_events/{module}.jsonl")));
        let want: Vec<_> = events
            .iter()
            .filter(|e| e["module"] == module)
            .cloned()
            .collect();
        assert_eq!(got, want, "{module}");
    }
    let tools = read_lines(&t.join("tool_run_events.jsonl"));
    let want: Vec<_> = events
        .iter()
        .filter(|e| e.get("tool").is_some())
        .cloned()
        .collect();
    assert_eq!(tools.len(), 3);
    assert_eq!(tools, want);
    assert_no_leftovers(&run);
    let m = metrics(&run);
    assert_eq!(m["jobs"], 12);
    assert_eq!(m["events"], events.len() as u64);
}

#[test]
fn shuffled_input_and_thread_counts_give_identical_telemetry() {
    let (_d, run) = new_run(Policy::default());
    let lines = job_lines(&run, 40);
    fx_seq(&run, &["-j1"], joined(&lines)).success();
    let reference = telemetry(&run);

    let mut reversed = lines.clone();
    reversed.reverse();
    let mut interleaved: Vec<String> = (0..40).map(|i| lines[(i * 17) % 40].clone()).collect();
    interleaved.rotate_left(7);
    for (name, input, j) in [
        ("reversed", &reversed, "-j2"),
        ("interleaved", &interleaved, "-j1"),
        ("in order", &lines, "-j3"),
    ] {
        fx_seq(&run, &[j], joined(input)).success();
        assert!(
            telemetry(&run) == reference,
            "{name} {j}: telemetry differs"
        );
    }
}

#[test]
fn tiny_sort_memory_spills_and_gives_identical_output() {
    let (_d, run) = new_run(Policy::default());
    let mut lines = job_lines(&run, 150);
    fx_seq(&run, &[], joined(&lines)).success();
    let reference = telemetry(&run);
    assert_eq!(metrics(&run)["spill_runs"], 0);

    lines.reverse();
    fx_seq(&run, &["--sort-memory", "1"], joined(&lines)).success();
    assert!(telemetry(&run) == reference);
    let m = metrics(&run);
    assert!(m["spill_runs"].as_u64().unwrap() >= 150, "{m}");
    assert!(m["merge_passes"].as_u64().unwrap() > 0, "{m}");
    assert_no_leftovers(&run);

    // The same through the policy.
    let mut policy = Policy::default();
    policy.seq.sort_memory_bytes = 4096;
    let (_d2, run2) = new_run(policy);
    let lines2 = job_lines(&run2, 150);
    fx_seq(&run2, &[], joined(&lines2)).success();
    assert!(metrics(&run2)["spill_runs"].as_u64().unwrap() > 1);
    assert!(telemetry(&run2) == reference);
}

#[test]
fn malformed_line_is_refused_and_previous_telemetry_untouched() {
    let (_d, run) = new_run(Policy::default());
    let lines = job_lines(&run, 5);
    fx_seq(&run, &[], joined(&lines)).success();
    let before = telemetry(&run);

    let mut bad = lines.clone();
    bad[2] = r#"{"fx":"job/1","run_id":"#.to_owned();
    let out = fx_seq(&run, &[], joined(&bad)).failure().code(1);
    let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(err.starts_with("fx-seq: line 3: invalid job line"), "{err}");
    assert!(
        telemetry(&run) == before,
        "telemetry changed after a bad line"
    );
    assert_no_leftovers(&run);

    // A blank line is malformed too; so is an unknown field.
    let mut blank = lines.clone();
    blank.insert(1, String::new());
    let out = fx_seq(&run, &[], joined(&blank)).failure();
    assert!(String::from_utf8_lossy(&out.get_output().stderr).contains("line 2: empty line"));
    let mut unknown: Value = serde_json::from_str(&lines[0]).unwrap();
    unknown["extra"] = Value::Bool(true);
    let out = fx_seq(&run, &[], format!("{unknown}\n").into_bytes()).failure();
    assert!(
        String::from_utf8_lossy(&out.get_output().stderr)
            .contains("line 1: invalid job line: unknown field")
    );
    assert!(telemetry(&run) == before);
}

#[test]
fn empty_input_writes_empty_telemetry() {
    let (_d, run) = new_run(Policy::default());
    fx_seq(&run, &[], joined(&job_lines(&run, 3))).success();
    fx_seq(&run, &[], Vec::new()).success();
    let t = telemetry(&run);
    let names: Vec<_> = t.keys().map(|p| p.to_string_lossy().into_owned()).collect();
    assert_eq!(
        names,
        ["events.jsonl", "jobs.jsonl", "tool_run_events.jsonl"]
    );
    assert!(t.values().all(Vec::is_empty));
    assert!(run.path().join("telemetry/module_events").is_dir());
    fx_seq(&run, &["--verify"], Vec::new()).success();
}

#[test]
fn foreign_run_and_tenant_are_refused() {
    let (_d, run) = new_run(Policy::default());
    let lines = job_lines(&run, 3);
    let mut other_run: Value = serde_json::from_str(&lines[1]).unwrap();
    other_run["run_id"] = "ffffffffffffffffffffffffffffffff".into();
    let input = joined(&[lines[0].clone(), other_run.to_string()]);
    let out = fx_seq(&run, &[], input).failure().code(1);
    let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        err.contains("line 2: job belongs to run ffffffffffffffffffffffffffffffff"),
        "{err}"
    );

    let mut other_tenant: Value = serde_json::from_str(&lines[2]).unwrap();
    other_tenant["artifact"]["intake"]["tenant"] = "mallory".into();
    let out = fx_seq(&run, &[], joined(&[other_tenant.to_string()])).failure();
    let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        err.contains("line 1: tenant \"mallory\" is not a tenant of this run"),
        "{err}"
    );
    assert!(!run.path().join("telemetry/events.jsonl").exists());
}

#[test]
fn module_names_that_are_not_file_names_are_refused() {
    let (_d, run) = new_run(Policy::default());
    let mut job: Value = serde_json::from_str(&job_lines(&run, 1)[0]).unwrap();
    job["events"][0]["module"] = "../../escape".into();
    let out = fx_seq(&run, &[], format!("{job}\n").into_bytes()).failure();
    let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        err.contains("line 1: module name \"../../escape\""),
        "{err}"
    );
    assert!(!run.path().join("escape.jsonl").exists());
}

#[test]
fn identical_duplicates_collapse_and_conflicting_ones_are_errors() {
    let (_d, run) = new_run(Policy::default());
    let lines = job_lines(&run, 6);
    fx_seq(&run, &[], joined(&lines)).success();
    let reference = telemetry(&run);

    // A retried partition: lines 2..4 arrive twice.
    let mut retried = lines.clone();
    retried.extend_from_slice(&lines[1..4]);
    fx_seq(&run, &[], joined(&retried)).success();
    assert!(telemetry(&run) == reference);
    assert_eq!(metrics(&run)["duplicates_collapsed"], 3);

    // Same artifact_seq, different content: an error naming both lines.
    let mut changed: Value = serde_json::from_str(&lines[2]).unwrap();
    changed["artifact"]["intake"]["path"] = "elsewhere".into();
    let mut conflicting = lines.clone();
    conflicting.push(changed.to_string());
    let out = fx_seq(&run, &[], joined(&conflicting)).failure().code(1);
    let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        err.contains("line 7: artifact_seq 2 is also on line 3 with different content"),
        "{err}"
    );
    assert!(telemetry(&run) == reference);
    assert_no_leftovers(&run);
}

/// An error early in a long input stops the whole pipeline and is
/// reported: the reader of the input does not wait forever to hand on
/// batches that nobody will take (it did, once the writers had stopped).
#[test]
fn an_early_error_in_a_long_input_is_reported_not_hung() {
    let (_d, run) = new_run(Policy::default());
    let mut lines = job_lines(&run, 4000);
    let mut changed: Value = serde_json::from_str(&lines[2]).unwrap();
    changed["artifact"]["intake"]["path"] = "elsewhere".into();
    lines.push(changed.to_string());
    for j in ["1", "2"] {
        let out = Command::cargo_bin("fx-seq")
            .unwrap()
            .arg("--run")
            .arg(run.path())
            .args(["-j", j])
            .write_stdin(joined(&lines))
            .timeout(std::time::Duration::from_secs(120))
            .assert()
            .failure()
            .code(1);
        let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
        assert!(
            err.contains("line 4001: artifact_seq 2 is also on line 3 with different content"),
            "-j {j}: {err}"
        );
        assert_no_leftovers(&run);
    }
}

/// fx-seq killed with SIGKILL in the middle of its input, then run again
/// on the same input, leaves the same evidence as a run never interrupted:
/// no staging directory, no half-written file, the same evidence chain.
#[test]
fn a_run_killed_midway_and_run_again_gives_the_evidence_of_an_uninterrupted_one() {
    use std::io::Write as _;
    let (_d, run) = new_run(Policy::default());
    let (_d2, clean) = new_run(Policy::default());
    let lines = job_lines(&run, 3000);
    assert_eq!(
        lines,
        job_lines(&clean, 3000),
        "the two runs' job lines differ"
    );
    let input = joined(&lines);
    fx_seq(&clean, &["-j", "2"], input.clone()).success();

    // Half the input through a pipe that stays open: fx-seq is still
    // reading it when it is killed.
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("fx-seq"))
        .arg("--run")
        .arg(run.path())
        .args(["-j", "2"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(&input[..input.len() / 2]).unwrap();
    stdin.flush().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    child.kill().unwrap();
    assert!(!child.wait().unwrap().success());
    drop(stdin);

    fx_seq(&run, &["-j", "2"], input).success();
    assert_no_leftovers(&run);
    assert!(telemetry(&run) == telemetry(&clean), "telemetry differs");
    let evidence = |r: &RunDir| {
        let dir = r.path().join("manifests/evidence");
        let mut files = BTreeMap::new();
        for e in common::walk(&dir) {
            files.insert(
                e.strip_prefix(&dir).unwrap().to_owned(),
                std::fs::read(&e).unwrap(),
            );
        }
        files
    };
    assert!(
        evidence(&run) == evidence(&clean),
        "manifests/evidence differs"
    );
}

#[test]
fn resequencing_sequenced_job_lines_is_idempotent() {
    let (_d, run) = new_run(Policy::default());
    fx_seq(&run, &[], joined(&job_lines(&run, 10))).success();
    let reference = telemetry(&run);
    let replay = reference[Path::new("jobs.jsonl")].clone();
    fx_seq(&run, &[], replay).success();
    assert!(telemetry(&run) == reference);
}

#[test]
fn ingest_at_j1_and_j2_gives_identical_telemetry() {
    let files = tempfile::tempdir().unwrap();
    for i in 0..25 {
        std::fs::write(
            files.path().join(format!("a{i:02}.txt")),
            format!("content {i}"),
        )
        .unwrap();
    }
    std::fs::write(files.path().join("dup.txt"), "content 3").unwrap();
    let mut outputs = Vec::new();
    for j in ["1", "2"] {
        let dir = tempfile::tempdir().unwrap();
        let run_path = dir.path().join("run");
        let ingest = Command::cargo_bin("fx-ingest")
            .unwrap()
            .current_dir(files.path())
            .args(["--run", run_path.to_str().unwrap(), "-j", j, "."])
            .output()
            .unwrap();
        assert!(
            ingest.status.success(),
            "{}",
            String::from_utf8_lossy(&ingest.stderr)
        );
        // Reverse the stream, as a shuffling engine might.
        let mut lines: Vec<&[u8]> = ingest
            .stdout
            .split(|&b| b == b'\n')
            .filter(|l| !l.is_empty())
            .collect();
        lines.reverse();
        let input = lines.join(&b'\n');
        let run = RunDir::open(&run_path).unwrap();
        fx_seq(&run, &["-j", j], input).success();
        fx_seq(&run, &["--verify"], Vec::new()).success();
        outputs.push((telemetry(&run), dir));
    }
    assert_eq!(outputs[0].0.len(), 5, "{:?}", outputs[0].0.keys());
    assert!(outputs[0].0 == outputs[1].0, "-j1 and -j2 telemetry differ");
}

#[test]
fn verify_passes_on_a_clean_run() {
    let (_d, run) = new_run(Policy::default());
    fx_seq(&run, &[], joined(&job_lines(&run, 8))).success();
    let out = fx_seq(&run, &["--verify"], Vec::new()).success();
    assert!(out.get_output().stdout.is_empty());
    let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        err.contains("is consistent (8 jobs, 42 events, 10 blobs checked; no registry"),
        "{err}"
    );
}

/// Runs verify and returns (stdout problem lines) after asserting exit 1.
fn verify_problems(run: &RunDir) -> Vec<String> {
    let out = fx_seq(run, &["--verify"], Vec::new()).failure().code(1);
    let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(err.contains("problem(s) in"), "{err}");
    String::from_utf8(out.get_output().stdout.clone())
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn verify_detects_a_corrupted_blob() {
    let (_d, run) = new_run(Policy::default());
    let lines = job_lines(&run, 4);
    fx_seq(&run, &[], joined(&lines)).success();
    let job: Job = serde_json::from_str(&lines[2]).unwrap();
    let path = run
        .blobs()
        .path_of(job.artifact.artifact_hash.as_deref().unwrap())
        .unwrap();
    std::fs::write(&path, b"tampered").unwrap();
    let problems = verify_problems(&run);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].starts_with("telemetry/jobs.jsonl:3: blob sha256:"),
        "{problems:?}"
    );
    assert!(
        problems[0].contains("content hashes to sha256:"),
        "{problems:?}"
    );
}

#[test]
fn verify_detects_a_missing_blob() {
    let (_d, run) = new_run(Policy::default());
    let lines = job_lines(&run, 6);
    fx_seq(&run, &[], joined(&lines)).success();
    // The stdout blob of the tool run of job 5.
    let job: Job = serde_json::from_str(&lines[5]).unwrap();
    let stdout = job
        .events
        .iter()
        .find_map(|e| e.tool.as_ref())
        .unwrap()
        .stdout
        .clone()
        .unwrap();
    std::fs::remove_file(run.blobs().resolve_ref(&stdout.blob_ref).unwrap()).unwrap();
    let problems = verify_problems(&run);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].starts_with("telemetry/jobs.jsonl:6: event 4: tool stdout: blob"),
        "{problems:?}"
    );
    assert!(problems[0].ends_with("missing"), "{problems:?}");
}

#[test]
fn verify_detects_a_gap_in_event_seq() {
    let (_d, run) = new_run(Policy::default());
    fx_seq(&run, &[], joined(&job_lines(&run, 4))).success();
    // Drop one event line from events.jsonl.
    let p = run.path().join("telemetry/events.jsonl");
    let text = std::fs::read_to_string(&p).unwrap();
    let kept: Vec<&str> = text
        .lines()
        .enumerate()
        .filter(|(i, _)| *i != 9)
        .map(|(_, l)| l)
        .collect();
    std::fs::write(&p, format!("{}\n", kept.join("\n"))).unwrap();
    let problems = verify_problems(&run);
    assert!(
        problems
            .iter()
            .any(|p| p == "telemetry/events.jsonl:10: event_seq 10 where 9 was expected"),
        "{problems:?}"
    );
}

#[test]
fn verify_detects_a_tampered_summary() {
    let (_d, run) = new_run(Policy::default());
    fx_seq(&run, &[], joined(&job_lines(&run, 3))).success();
    // Change a label in job 2's summary, consistently in every file, so only
    // the recomputation can tell.
    let t = run.path().join("telemetry");
    for f in ["jobs.jsonl", "events.jsonl", "module_events/seq.jsonl"] {
        let p = t.join(f);
        let text = std::fs::read_to_string(&p).unwrap();
        let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
        let idx = if f == "jobs.jsonl" {
            1
        } else {
            lines
                .iter()
                .position(|l| {
                    l.contains("\"artifact_seq\":1,") && l.contains("\"step\":\"summary\"")
                })
                .unwrap()
        };
        let at = lines[idx].find("\"step\":\"summary\"").unwrap();
        let (head, tail) = lines[idx].split_at(at);
        let tail = tail.replace(
            "\"labels\":[\"hash_kdf_material\"]",
            "\"labels\":[\"plaintext\"]",
        );
        assert!(tail.contains("plaintext"));
        lines[idx] = format!("{head}{tail}");
        std::fs::write(&p, format!("{}\n", lines.join("\n"))).unwrap();
    }
    let problems = verify_problems(&run);
    // The recomputation tells; the evidence chain names the edited job line
    // and the changed size of the files derived from jobs.jsonl (the edit is
    // consistent across them, so their line-by-line comparison holds).
    assert_eq!(
        problems,
        [
            "telemetry/jobs.jsonl:2: summary differs from its recomputation from the job's events",
            "telemetry/events.jsonl: 4460 bytes in 16 lines where manifests/evidence/fx-seq.jsonl:1 records 4468 bytes in 16 lines",
            "telemetry/jobs.jsonl:2: line edited (its SHA-256 differs from recorded leaf 2)",
            "telemetry/module_events/seq.jsonl: 1497 bytes in 3 lines where manifests/evidence/fx-seq.jsonl:7 records 1505 bytes in 3 lines"
        ]
    );
}

#[test]
fn small_telemetry_snapshot() {
    let (_d, run) = new_run(Policy::default());
    let mut lines = job_lines(&run, 3);
    lines.reverse();
    fx_seq(&run, &[], joined(&lines)).success();
    let t = telemetry(&run);
    let mut text = String::new();
    for (name, bytes) in &t {
        text.push_str(&format!(
            "== {} ==\n{}",
            name.display(),
            String::from_utf8_lossy(bytes)
        ));
    }
    insta::assert_snapshot!("fx_seq_small_telemetry", text);
}

#[test]
fn help_and_bad_usage() {
    let out = Command::cargo_bin("fx-seq")
        .unwrap()
        .arg("--help")
        .assert()
        .success();
    assert!(String::from_utf8_lossy(&out.get_output().stdout).contains("--verify"));
    let out = Command::cargo_bin("fx-seq")
        .unwrap()
        .args(["--run", "x", "--bogus"])
        .assert()
        .code(2);
    let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn verify_detects_inconsistent_module_and_tool_files() {
    let (_d, run) = new_run(Policy::default());
    fx_seq(&run, &[], joined(&job_lines(&run, 6))).success();
    let t = run.path().join("telemetry");
    // Drop the last line of route.jsonl, empty the tool-run file, add a stray module file.
    let route = t.join("module_events/route.jsonl");
    let text = std::fs::read_to_string(&route).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    std::fs::write(&route, format!("{}\n", lines[..lines.len() - 1].join("\n"))).unwrap();
    std::fs::write(t.join("tool_run_events.jsonl"), b"").unwrap();
    std::fs::write(t.join("module_events/ghost.jsonl"), b"").unwrap();
    let problems = verify_problems(&run);
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with("telemetry/module_events/route.jsonl: ends before event")),
        "{problems:?}"
    );
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with("telemetry/tool_run_events.jsonl: ends before event")),
        "{problems:?}"
    );
    assert!(
        problems.contains(
            &"telemetry/module_events/ghost.jsonl: no event of this module in jobs.jsonl"
                .to_owned()
        ),
        "{problems:?}"
    );
}

#[test]
fn verify_checks_jobs_against_the_registry() {
    let files = tempfile::tempdir().unwrap();
    for name in ["a.txt", "b.txt"] {
        std::fs::write(files.path().join(name), name).unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    let run_path = dir.path().join("run");
    let ingest = Command::cargo_bin("fx-ingest")
        .unwrap()
        .current_dir(files.path())
        .args(["--run", run_path.to_str().unwrap(), "a.txt", "b.txt"])
        .output()
        .unwrap();
    assert!(
        ingest.status.success(),
        "{}",
        String::from_utf8_lossy(&ingest.stderr)
    );
    let run = RunDir::open(&run_path).unwrap();
    fx_seq(&run, &[], ingest.stdout).success();
    let out = fx_seq(&run, &["--verify"], Vec::new()).success();
    let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        err.contains("is consistent (2 jobs,") && !err.contains("no registry"),
        "{err}"
    );

    // Forget the second artifact in the registry.
    let reg = run_path.join("registry/registry.jsonl");
    let text = std::fs::read_to_string(&reg).unwrap();
    let first = text.lines().next().unwrap().to_owned();
    std::fs::write(&reg, format!("{first}\n")).unwrap();
    let problems = verify_problems(&run);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].starts_with("telemetry/jobs.jsonl:2: artifact ")
            && problems[0].ends_with("is not in the registry"),
        "{problems:?}"
    );
}

#[test]
fn every_kind_of_input_gives_identical_telemetry() {
    let (_d, run) = new_run(Policy::default());
    let mut lines = job_lines(&run, 40);
    lines.reverse();
    fx_seq(&run, &[], joined(&lines)).success();
    let reference = telemetry(&run);
    assert!(metrics(&run)["copied_jobs"].as_u64().unwrap() > 0);

    // A file named on the command line (read twice, in place).
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("jobs.jsonl");
    std::fs::write(&file, joined(&lines)).unwrap();
    fx_seq(&run, &[file.to_str().unwrap()], Vec::new()).success();
    assert!(telemetry(&run) == reference);

    // stdin redirected from a regular file, positioned after a line that
    // something else already read: only the rest is fx-seq's input.
    let mut with_prefix = b"not a job line\n".to_vec();
    with_prefix.extend_from_slice(&joined(&lines));
    std::fs::write(&file, &with_prefix).unwrap();
    let mut f = std::fs::File::open(&file).unwrap();
    std::io::Seek::seek(&mut f, std::io::SeekFrom::Start(15)).unwrap();
    let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("fx-seq"))
        .args(["--run", run.path().to_str().unwrap()])
        .stdin(std::process::Stdio::from(f))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(telemetry(&run) == reference);

    // A FIFO is a stream: spooled, same result.
    let fifo = dir.path().join("fifo");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let writer = {
        let fifo = fifo.clone();
        let bytes = joined(&lines);
        std::thread::spawn(move || std::fs::write(fifo, bytes).unwrap())
    };
    fx_seq(&run, &[fifo.to_str().unwrap()], Vec::new()).success();
    writer.join().unwrap();
    assert!(telemetry(&run) == reference);

    // The same jobs re-serialized with whitespace take the typed path:
    // still the same telemetry.
    let pretty: Vec<String> = lines
        .iter()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            serde_json::to_string_pretty(&v).unwrap().replace('\n', "")
        })
        .collect();
    fx_seq(&run, &["--buffered-io"], joined(&pretty)).success();
    assert!(telemetry(&run) == reference);
    assert_eq!(metrics(&run)["copied_jobs"], 0);
    assert_no_leftovers(&run);
}
