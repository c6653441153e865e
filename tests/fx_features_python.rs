//! The feature tables open in DuckDB (Python package `duckdb`): row count
//! and column types match `feature_schema.json`, the CSV holds the same rows
//! as the Parquet file, and the SQL of `docs/recipes/duckdb.md` runs against
//! a real run (features + telemetry written by fx-seq).
//!
//! CI installs the package (`pip install duckdb`). Without it this test
//! fails, naming the package, unless `FX_SKIP_PYTHON=1` is set explicitly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::Command;

use fx_core::testing::{SCRATCH_RUN_ID, SCRATCH_TENANT, scratch_run};

mod common;

#[test]
fn parquet_and_csv_open_in_duckdb_and_the_recipe_runs() {
    if std::env::var("FX_SKIP_PYTHON").as_deref() == Ok("1") {
        eprintln!("FX_SKIP_PYTHON=1: skipping the DuckDB check");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let run = dir.path().join("run");
    std::fs::create_dir_all(&run).unwrap();
    scratch_run(&run, fx_core::policy::Policy::default()).unwrap();
    let n = 3 * fx_features::synth::SHAPES + 4;
    let mut jobs = Vec::new();
    for seq in 0..n {
        let job = fx_features::synth::job(SCRATCH_RUN_ID, SCRATCH_TENANT, seq);
        serde_json::to_writer(&mut jobs, &job).unwrap();
        jobs.push(b'\n');
    }
    let run_s = run.to_str().unwrap();
    common::run_stage("fx-seq", &["--run", run_s], &jobs);
    common::run_stage("fx-features", &["--run", run_s], b"");

    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = Command::new("python3")
        .arg(repo.join("tests/python/check_parquet.py"))
        .arg(run.join("features"))
        .arg(n.to_string())
        .arg("--recipe")
        .arg(repo.join("docs/recipes/duckdb.md"))
        .arg(&run)
        .output();
    let out = match out {
        Ok(o) => o,
        Err(e) => panic!(
            "python3 could not be started ({e}): install Python 3 and `pip install duckdb`, or set FX_SKIP_PYTHON=1"
        ),
    };
    let stderr = String::from_utf8_lossy(&out.stderr);
    if out.status.code() == Some(3) {
        panic!(
            "the Python package `duckdb` is missing: `pip install duckdb` (CI installs it), or set FX_SKIP_PYTHON=1 to skip this test\n{stderr}"
        );
    }
    assert!(
        out.status.success(),
        "check_parquet.py failed:\n{stderr}{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("recipe ok"), "{stdout}");
    assert!(stdout.contains(&format!("ok ({n} rows")), "{stdout}");
}
