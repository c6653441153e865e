//! End-to-end tests of `fx-features` (the real binary): replay vs stream,
//! determinism at any `-j`, the pinned schema, bad input, and the manual's
//! generated column reference.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use fx_core::testing::{SCRATCH_RUN_ID, SCRATCH_TENANT, scratch_run};

fn bin(name: &str) -> PathBuf {
    assert_cmd::cargo::cargo_bin(name)
}

/// A fresh scratch run (manifest + inventory, no telemetry).
fn fresh_run() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let run = dir.path().join("run");
    std::fs::create_dir_all(&run).unwrap();
    scratch_run(&run, fx_core::policy::Policy::default()).unwrap();
    (dir, run)
}

/// `n` synthetic, unsequenced job lines (as the stages write them).
fn stream(n: u64) -> Vec<u8> {
    let mut out = Vec::new();
    for seq in 0..n {
        let job = fx_features::synth::job(SCRATCH_RUN_ID, SCRATCH_TENANT, seq);
        serde_json::to_writer(&mut out, &job).unwrap();
        out.push(b'\n');
    }
    out
}

mod common;

use common::run_cmd;

fn ok(out: Output, what: &str) -> Output {
    assert!(
        out.status.success(),
        "{what} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Writes the run's telemetry with the real fx-seq.
fn sequence(run: &Path, jobs: &[u8]) {
    ok(
        run_cmd("fx-seq", &["--run", run.to_str().unwrap()], jobs),
        "fx-seq",
    );
}

fn features(run: &Path, extra: &[&str], stdin: &[u8]) -> Output {
    let mut args = vec!["--run", run.to_str().unwrap()];
    args.extend_from_slice(extra);
    run_cmd("fx-features", &args, stdin)
}

/// Every file of RUN/features, by name.
fn feature_files(run: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let Ok(dir) = std::fs::read_dir(run.join("features")) else {
        return out;
    };
    for e in dir {
        let e = e.unwrap();
        out.insert(
            e.file_name().to_string_lossy().into_owned(),
            std::fs::read(e.path()).unwrap(),
        );
    }
    out
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn replay_and_stream_give_byte_identical_tables() {
    let jobs = stream(120);
    let (_a, replay) = fresh_run();
    sequence(&replay, &jobs);
    ok(features(&replay, &[], b""), "replay");
    let (_b, streamed) = fresh_run();
    ok(features(&streamed, &["-"], &jobs), "stream");
    let a = feature_files(&replay);
    let b = feature_files(&streamed);
    assert_eq!(
        a.keys().collect::<Vec<_>>(),
        ["feature_schema.json", "features.csv", "features.parquet"]
    );
    assert_eq!(a, b, "replay and stream differ");
    // The sequenced job lines streamed back in give the same tables too.
    let (_c, again) = fresh_run();
    let sequenced = std::fs::read(replay.join("telemetry/jobs.jsonl")).unwrap();
    ok(
        features(&again, &["-"], &sequenced),
        "stream of sequenced lines",
    );
    assert_eq!(feature_files(&again), a);
    let csv = String::from_utf8(a["features.csv"].clone()).unwrap();
    assert_eq!(csv.lines().count(), 121, "header + one row per job");
}

#[test]
fn same_bytes_at_any_thread_count_across_batches_and_row_groups() {
    // More rows than one Parquet row group and many read batches.
    let n = fx_features::sink::ROW_GROUP_ROWS as u64 + 700;
    let (_a, run) = fresh_run();
    std::fs::create_dir_all(run.join("telemetry")).unwrap();
    let mut sequenced = Vec::new();
    let mut event_seq = 0;
    for seq in 0..n {
        let mut job = fx_features::synth::job(SCRATCH_RUN_ID, SCRATCH_TENANT, seq);
        event_seq = fx_features::synth::sequence(&mut job, event_seq);
        serde_json::to_writer(&mut sequenced, &job).unwrap();
        sequenced.push(b'\n');
    }
    std::fs::write(run.join("telemetry/jobs.jsonl"), &sequenced).unwrap();
    ok(features(&run, &["-j", "1"], b""), "-j1");
    let one = feature_files(&run);
    ok(features(&run, &["-j", "3"], b""), "-j3");
    assert_eq!(feature_files(&run), one, "-j1 and -j3 differ");
    let csv = &one["features.csv"];
    assert_eq!(csv.iter().filter(|&&b| b == b'\n').count() as u64, n + 1);
}

#[test]
fn schema_is_pinned() {
    let out = ok(
        run_cmd("fx-features", &["--print-schema"], b""),
        "--print-schema",
    );
    let printed = String::from_utf8(out.stdout).unwrap();
    insta::assert_snapshot!("feature_schema.json", printed);
    let schema: serde_json::Value = serde_json::from_str(&printed).unwrap();
    assert_eq!(schema["schema_version"], fx_features::SCHEMA_VERSION);
    // The written file is the printed schema.
    let (_d, run) = fresh_run();
    ok(features(&run, &["-"], &stream(3)), "stream");
    assert_eq!(
        std::fs::read_to_string(run.join("features/feature_schema.json")).unwrap(),
        printed
    );
}

#[test]
fn csv_of_every_job_shape_is_golden() {
    let (_d, run) = fresh_run();
    ok(
        features(&run, &["-"], &stream(2 * fx_features::synth::SHAPES)),
        "stream",
    );
    let csv = String::from_utf8(std::fs::read(run.join("features/features.csv")).unwrap()).unwrap();
    insta::assert_snapshot!("features.csv", csv);
}

#[test]
fn parquet_metadata_has_no_library_version_or_time() {
    let (_d, run) = fresh_run();
    ok(features(&run, &["-"], &stream(10)), "stream");
    let pq = std::fs::read(run.join("features/features.parquet")).unwrap();
    assert_eq!(&pq[..4], b"PAR1");
    assert_eq!(&pq[pq.len() - 4..], b"PAR1");
    let has = |needle: &[u8]| pq.windows(needle.len()).any(|w| w == needle);
    assert!(has(b"fx-features (features/4)"));
    assert!(has(b"fx.feature_schema_version"));
    assert!(
        !has(b"parquet-rs"),
        "created_by must not name the library version"
    );
}

#[test]
fn non_utf8_path_is_kept_losslessly() {
    let (_d, run) = fresh_run();
    // Job 12 has a path that is not valid UTF-8.
    ok(features(&run, &["-"], &stream(13)), "stream");
    let csv = String::from_utf8(std::fs::read(run.join("features/features.csv")).unwrap()).unwrap();
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    let row: Vec<&str> = csv.lines().nth(13).unwrap().split(',').collect();
    let col = |name: &str| row[header.iter().position(|h| *h == name).unwrap()];
    assert_eq!(col("artifact_seq"), "12");
    assert_eq!(col("path"), "", "a non-UTF-8 path is null in `path`");
    let raw = fx_core::Text::Bytes {
        bytes: col("path_base64").to_owned(),
    }
    .to_bytes()
    .unwrap();
    let job = fx_features::synth::job(SCRATCH_RUN_ID, SCRATCH_TENANT, 12);
    assert_eq!(Some(raw), job.artifact.intake.path.to_bytes());
}

/// Runs `fx-features` expecting failure; checks the message and that the
/// previous tables are untouched and no temporary file is left.
fn refused(run: &Path, extra: &[&str], stdin: &[u8], expect: &[&str]) {
    let before = feature_files(run);
    let out = features(run, extra, stdin);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let msg = stderr(&out);
    assert_eq!(msg.lines().count(), 1, "one line: {msg}");
    for e in expect {
        assert!(msg.contains(e), "message lacks {e:?}: {msg}");
    }
    assert_eq!(
        feature_files(run),
        before,
        "features changed after a refusal"
    );
}

/// A run whose features were written once from `n` streamed jobs.
fn run_with_features(n: u64) -> (tempfile::TempDir, PathBuf) {
    let (d, run) = fresh_run();
    ok(features(&run, &["-"], &stream(n)), "seed");
    (d, run)
}

#[test]
fn missing_telemetry_names_the_file() {
    let (_d, run) = run_with_features(4);
    refused(
        &run,
        &[],
        b"",
        &["telemetry/jobs.jsonl is missing", "fx-seq"],
    );
    let (_e, bare) = fresh_run();
    refused(&bare, &[], b"", &["telemetry/jobs.jsonl is missing"]);
    assert!(!bare.join("features").exists());
}

#[test]
fn other_schema_version_is_refused_unless_upgrade() {
    let (_d, run) = run_with_features(4);
    let schema = run.join("features/feature_schema.json");
    let old = std::fs::read_to_string(&schema)
        .unwrap()
        .replace(fx_features::SCHEMA_VERSION, "features/0");
    std::fs::write(&schema, old).unwrap();
    refused(
        &run,
        &["-"],
        &stream(4),
        &["features/0", fx_features::SCHEMA_VERSION, "--upgrade"],
    );
    std::fs::write(&schema, b"{not json").unwrap();
    refused(&run, &["-"], &stream(4), &["is not a feature schema"]);
    ok(features(&run, &["--upgrade", "-"], &stream(5)), "--upgrade");
    let now: serde_json::Value = serde_json::from_slice(&std::fs::read(&schema).unwrap()).unwrap();
    assert_eq!(now["schema_version"], fx_features::SCHEMA_VERSION);
}

#[test]
fn unknown_job_format_is_refused() {
    let (_d, run) = run_with_features(4);
    let jobs =
        String::from_utf8(stream(3))
            .unwrap()
            .replacen("\"fx\":\"job/1\"", "\"fx\":\"job/0\"", 1);
    refused(
        &run,
        &["-"],
        jobs.as_bytes(),
        &["line 1", "unsupported job format", "job/0"],
    );
    let other_run = String::from_utf8(stream(2))
        .unwrap()
        .replace(SCRATCH_RUN_ID, "ffffffffffffffffffffffffffffffff");
    refused(
        &run,
        &["-"],
        other_run.as_bytes(),
        &["line 1", "belongs to run"],
    );
}

#[test]
fn truncated_jobs_file_names_the_cut_line() {
    let (_d, run) = run_with_features(4);
    sequence(&run, &stream(6));
    let jobs = run.join("telemetry/jobs.jsonl");
    let bytes = std::fs::read(&jobs).unwrap();
    std::fs::write(&jobs, &bytes[..bytes.len() - 40]).unwrap();
    refused(
        &run,
        &[],
        b"",
        &["jobs.jsonl: line 6 is cut short", "truncated"],
    );
    // A bad line in the middle is named too.
    let mut lines: Vec<&[u8]> = bytes.split(|&b| b == b'\n').collect();
    lines[2] = b"{\"fx\":";
    std::fs::write(&jobs, lines.join(&b'\n')).unwrap();
    refused(
        &run,
        &[],
        b"",
        &["jobs.jsonl", "line 3", "invalid job line"],
    );
}

#[test]
fn truncated_events_file_is_refused() {
    let (_d, run) = run_with_features(4);
    sequence(&run, &stream(6));
    let events = run.join("telemetry/events.jsonl");
    let bytes = std::fs::read(&events).unwrap();
    let lines = bytes.iter().filter(|&&b| b == b'\n').count();
    // Cut inside the last line.
    std::fs::write(&events, &bytes[..bytes.len() - 10]).unwrap();
    refused(
        &run,
        &[],
        b"",
        &[&format!("events.jsonl: line {lines} is cut short")],
    );
    // Cut at a line boundary: the last event no longer matches the jobs.
    let keep: Vec<&[u8]> = bytes.split(|&b| b == b'\n').take(lines - 3).collect();
    let mut cut = keep.join(&b'\n');
    cut.push(b'\n');
    std::fs::write(&events, cut).unwrap();
    refused(
        &run,
        &[],
        b"",
        &["events.jsonl ends at event_seq", "out of step"],
    );
}

#[test]
fn out_of_order_stream_is_refused_with_the_line() {
    let (_d, run) = run_with_features(4);
    let jobs = String::from_utf8(stream(5)).unwrap();
    let mut lines: Vec<&str> = jobs.lines().collect();
    lines.swap(2, 3);
    let shuffled = lines.join("\n") + "\n";
    refused(
        &run,
        &["-"],
        shuffled.as_bytes(),
        &[
            "stdin: line 4",
            "artifact_seq 2 does not follow 3",
            "fx-seq",
        ],
    );
}

#[test]
fn usage_help_and_missing_run() {
    let out = run_cmd("fx-features", &["--help"], b"");
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("fx-features --run RUN"));
    let out = Command::new(bin("fx-features"))
        .env_remove("FX_RUN")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("--run"));
    let out = run_cmd("fx-features", &["--run", "/nonexistent/fx-run"], b"");
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("run_manifest.json is missing"));
}

#[test]
fn manual_holds_the_generated_column_reference() {
    let out = ok(
        run_cmd("fx-features", &["--print-column-reference"], b""),
        "--print-column-reference",
    );
    let table = String::from_utf8(out.stdout).unwrap();
    let page =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/fx-features.md"))
            .unwrap();
    assert!(
        page.contains(&table),
        "docs/fx-features.md is out of date: regenerate its column reference with `fx-features --print-column-reference`"
    );
}
