//! `pipelines/spark_batch.py` (issue 14): the batch with the per-job stages
//! under PySpark's `RDD.pipe`, in `local[2]` mode with the PySpark that
//! `pipelines/setup.sh` pins, gives the telemetry, features, reports and
//! manifests of the local pipeline byte for byte; killed with SIGKILL
//! midway and run again, it still does; a stage that fails in a partition
//! is reported in a line, with a non-zero exit.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{assert_same, evidence};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The Python of setup.sh's virtual environment, where PySpark is.
fn python() -> PathBuf {
    let py = common::repo().join("target/python/bin/python3");
    assert!(
        py.exists(),
        "{} is missing: run pipelines/setup.sh (it installs PySpark and Java)",
        py.display()
    );
    py
}

/// The directory of the fx commands these tests were built with.
fn bin_dir() -> PathBuf {
    common::bin("fx-ingest").parent().unwrap().to_path_buf()
}

/// `spark_batch.py` over samples/ into `run`, from the repository root (so
/// intake paths are relative, as in `common::batch_in`).
fn spark_command(run: &Path, partitions: &str, bins: &Path) -> Command {
    let mut cmd = Command::new(python());
    cmd.current_dir(common::repo())
        .arg("pipelines/spark_batch.py")
        .args(["--master", "local[2]", "--partitions", partitions])
        .args(["-j", "1", "--case", "samples", "samples"])
        .arg(run)
        .env("FX_BIN_DIR", bins)
        .stdin(Stdio::null());
    cmd
}

fn spark(run: &Path, partitions: &str) -> Output {
    let out = spark_command(run, partitions, &bin_dir()).output().unwrap();
    assert!(
        out.status.success(),
        "spark_batch.py failed ({}):\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// The local pipeline over samples/, as the reference.
fn local() -> common::BatchOutput {
    std::env::set_current_dir(common::repo()).unwrap();
    common::batch(&[Path::new("samples")], "2")
}

#[test]
fn spark_gives_the_local_pipelines_evidence_then_again_after_a_kill() {
    let base = evidence(&local().run);
    let d = tempfile::tempdir().unwrap();

    // Three partitions over two executor threads: partitions come back in
    // any order, each stage process sees a third of the jobs.
    let run = d.path().join("spark");
    let out = spark(&run, "3");
    assert_same(&base, &evidence(&run), "spark local[2], 3 partitions");
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("54 artifacts"), "{stdout}");
    assert!(
        !run.join("spark").exists(),
        "the engine's scratch is removed"
    );
    let metrics: serde_json::Value =
        serde_json::from_slice(&std::fs::read(run.join("metrics/spark_batch.json")).unwrap())
            .unwrap();
    assert_eq!(metrics["partitions"], 3);
    assert_eq!(metrics["master"], "local[2]");
    common::assert_schema_valid(
        &common::schema_validator("metrics_spark_batch.schema.json"),
        "metrics/spark_batch.json",
        &metrics,
    );
    // Each task's stage processes leave their line of wall-clock figures.
    let stages = std::fs::read_to_string(run.join("metrics/stages.jsonl")).unwrap();
    for stage in ["fx-route", "fx-inspect", "fx-probe", "fx-fingerprint"] {
        let lines: Vec<serde_json::Value> = stages
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
            .filter(|l| l["stage"] == stage)
            .collect();
        let jobs: u64 = lines.iter().map(|l| l["jobs"].as_u64().unwrap()).sum();
        assert_eq!(jobs, 54, "{stage}: {stages}");
    }

    // SIGKILL to the driver, the JVM, the Python workers and the stages,
    // once the engine is piping partitions; then the same command again.
    let run = d.path().join("killed");
    let mut child = spark_command(&run, "4", &bin_dir())
        .process_group(0)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let staged = run.join("spark/staged");
    while !staged.exists() {
        assert!(
            child.try_wait().unwrap().is_none(),
            "spark_batch.py ended before the engine started"
        );
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "the engine never started"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let group = format!("-{}", child.id());
    let kill = Command::new("kill").args(["-KILL", "--", &group]).status();
    assert!(kill.unwrap().success());
    assert!(!child.wait().unwrap().success(), "it had finished");
    assert!(
        !run.join("telemetry/events.jsonl").exists(),
        "killed before fx-seq"
    );
    spark(&run, "4");
    assert_same(&base, &evidence(&run), "spark killed, then run again");
}

/// A stage failing inside a partition stops the batch with that stage's
/// message and one line of the batch's own, not pages of Java stack.
#[test]
fn a_stage_failing_in_a_partition_is_reported_in_a_line() {
    let d = tempfile::tempdir().unwrap();
    let bins = d.path().join("bin");
    std::fs::create_dir(&bins).unwrap();
    for name in [
        "fx-ingest",
        "fx-route",
        "fx-probe",
        "fx-fingerprint",
        "fx-seq",
    ] {
        std::os::unix::fs::symlink(common::bin(name), bins.join(name)).unwrap();
    }
    let broken = bins.join("fx-inspect");
    std::fs::write(
        &broken,
        "#!/bin/sh\ncat >/dev/null\necho 'fx-inspect: disk on fire' >&2\nexit 3\n",
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&broken, std::fs::Permissions::from_mode(0o755)).unwrap();

    let run = d.path().join("run");
    let out = spark_command(&run, "2", &bins).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("fx-inspect: disk on fire"), "{stderr}");
    assert!(
        stderr.contains("spark_batch: in a partition, fx-inspect failed (exit 3)"),
        "{stderr}"
    );
    assert!(
        stderr
            .lines()
            .last()
            .unwrap()
            .starts_with("spark_batch: the per-job stages failed in a partition"),
        "{stderr}"
    );
    assert!(!stderr.contains("at org.apache.spark"), "{stderr}");
    assert!(!run.join("telemetry/events.jsonl").exists());
}

/// Bad command-line input: a one-line error, exit 2, nothing started.
#[test]
fn bad_arguments_are_one_line_errors() {
    let d = tempfile::tempdir().unwrap();
    let out = Command::new(python())
        .current_dir(common::repo())
        .arg("pipelines/spark_batch.py")
        .arg("no/such/input")
        .arg(d.path().join("run"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        stderr.trim_end(),
        "spark_batch: no/such/input: no such file or directory"
    );
    assert!(!d.path().join("run").exists());
}
