//! fx on its real-world conformance corpus (tests/corpus/, docs/accuracy.md):
//! the batch runs twice over the corpus with the binaries this test build
//! made, `pipelines/bench/accuracy.py` scores every family against
//! `tests/corpus/truth.jsonl` (truth from independent oracles, never from
//! fx), and no figure may fall below `tests/corpus/thresholds.json` — exact
//! hit counts that only ever go up — nor may the two runs differ.
//!
//! After an improvement, raise the floors with
//! `FX_BIN_DIR=target/debug pipelines/bench/accuracy.sh --write-thresholds`.
//! Needs bash and python3 (standard library only). The `binary` family
//! reads ELF files Debian packages install; where they are absent that
//! family is skipped (with a message), the others are still checked.
//! `FX_SKIP_ACCURACY=1` skips the test, saying so.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::process::Command;

#[test]
fn corpus_accuracy_never_drops_and_runs_are_identical() {
    if std::env::var("FX_SKIP_ACCURACY").as_deref() == Ok("1") {
        eprintln!("FX_SKIP_ACCURACY=1: skipping the corpus accuracy check");
        return;
    }
    let repo = common::repo();
    let bin_dir = common::bin("fx-ingest").parent().unwrap().to_path_buf();
    let work = tempfile::tempdir().unwrap();
    let out = Command::new("bash")
        .arg(repo.join("pipelines/bench/accuracy.sh"))
        .args(["--determinism", "--check"])
        .arg(repo.join("tests/corpus/thresholds.json"))
        .arg("--keep")
        .arg(work.path())
        .args(["-j", "2"])
        .env("FX_BIN_DIR", &bin_dir)
        .current_dir(repo)
        .output()
        .expect("bash pipelines/bench/accuracy.sh");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "accuracy check failed (exit {:?})\n--- stdout ---\n{stdout}\n--- stderr ---\n{stderr}\n\
         misses: run `FX_BIN_DIR=target/debug pipelines/bench/accuracy.sh --misses`",
        out.status.code()
    );
    assert!(
        stdout.contains("ALL/labels"),
        "no accuracy table printed:\n{stdout}\n{stderr}"
    );
}
