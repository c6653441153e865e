//! The module cache shared across runs (`--cache DIR`, issue 14): a warm
//! rerun replays every stage byte for byte; a changed policy section or tool
//! misses exactly the modules that read it; a corrupt entry or a missing blob
//! is detected, recomputed and replaced; concurrent runs share one cache; the
//! size cap evicts. The determinism tests never use it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{assert_same, evidence};
use fx_core::cache::{CacheMetrics, Counts};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

const STAGES: [&str; 4] = ["fx-route", "fx-inspect", "fx-probe", "fx-fingerprint"];

/// `forensics-batch.sh -j 1 --case samples [EXTRA…] samples RUN` from the
/// repository root with the built commands and `env`.
fn batch(run: &Path, extra: &[&str], env: &[(&str, &str)]) {
    let out = Command::new("bash")
        .arg(common::repo().join("pipelines/forensics-batch.sh"))
        .args(["-j", "1", "--case", "samples"])
        .args(extra)
        .arg("samples")
        .arg(run)
        .current_dir(common::repo())
        .env("FX_BIN_DIR", common::bin("fx-ingest").parent().unwrap())
        .envs(env.iter().copied())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "batch failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Cache outcomes per stage from `RUN/metrics/cache.jsonl` (one process
/// per stage in these runs).
fn lookups(run: &Path) -> BTreeMap<String, Counts> {
    let text = std::fs::read_to_string(run.join("metrics/cache.jsonl")).unwrap();
    let mut out = BTreeMap::new();
    for l in text.lines() {
        let m: CacheMetrics = serde_json::from_str(l).unwrap();
        assert!(out.insert(m.stage.clone(), m.counts).is_none(), "{text}");
    }
    out
}

/// The reference: the batch over samples/ with no cache.
fn reference() -> BTreeMap<PathBuf, Vec<u8>> {
    std::env::set_current_dir(common::repo()).unwrap();
    evidence(&common::batch(&[Path::new("samples")], "1").run)
}

#[test]
fn a_warm_rerun_replays_every_stage_and_a_corrupt_entry_is_never_trusted() {
    let want = reference();
    let d = tempfile::tempdir().unwrap();
    let cache = d.path().join("cache");
    let cache_s = cache.to_str().unwrap();

    let cold = d.path().join("cold");
    batch(&cold, &["--cache", cache_s], &[]);
    assert_same(&want, &evidence(&cold), "cold run with a cache");
    let l = lookups(&cold);
    for stage in STAGES {
        assert_eq!(l[stage].misses, 54, "{stage}: {l:?}");
        assert_eq!(l[stage].stored, 54, "{stage}: {l:?}");
    }

    let warm = d.path().join("warm");
    batch(&warm, &["--cache", cache_s], &[]);
    assert_same(&want, &evidence(&warm), "warm run");
    let l = lookups(&warm);
    for stage in STAGES {
        assert_eq!(l[stage].hits, 54, "{stage}: {l:?}");
    }

    // Damage: one inspect entry's bytes edited, one fingerprint entry cut
    // short, and every cached blob removed (tool output the entries name).
    let entries = |module: &str| -> Vec<PathBuf> {
        common::walk(&cache.join(module))
            .into_iter()
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect()
    };
    let inspect = entries("inspect");
    let text = std::fs::read_to_string(&inspect[0]).unwrap();
    let edited = text.replacen("\"status\":\"", "\"status\":\"x", 1);
    assert_ne!(edited, text);
    std::fs::write(&inspect[0], edited).unwrap();
    let fingerprint = entries("fingerprint");
    let bytes = std::fs::read(&fingerprint[0]).unwrap();
    std::fs::write(&fingerprint[0], &bytes[..bytes.len() / 2]).unwrap();
    let blobs = common::walk(&cache.join("blobs"));
    assert!(!blobs.is_empty(), "the samples' openssl runs left blobs");
    for b in &blobs {
        std::fs::remove_file(b).unwrap();
    }
    let damaged = d.path().join("damaged");
    batch(&damaged, &["--cache", cache_s], &[]);
    assert_same(&want, &evidence(&damaged), "damaged cache");
    let l = lookups(&damaged);
    for stage in ["fx-inspect", "fx-fingerprint"] {
        assert!(l[stage].corrupt >= 1, "{stage}: {l:?}");
        assert_eq!(l[stage].hits + l[stage].corrupt, 54, "{stage}: {l:?}");
    }
    // Replaced: the next run hits everything again.
    let again = d.path().join("again");
    batch(&again, &["--cache", cache_s], &[]);
    assert_same(&want, &evidence(&again), "repaired cache");
    let l = lookups(&again);
    for stage in STAGES {
        assert_eq!(l[stage].hits, 54, "{stage}: {l:?}");
        assert_eq!(l[stage].corrupt, 0, "{stage}: {l:?}");
    }
}

#[test]
fn a_change_misses_exactly_the_modules_that_read_it() {
    let d = tempfile::tempdir().unwrap();
    let cache = d.path().join("cache");
    let cache_s = cache.to_str().unwrap();
    batch(&d.path().join("first"), &["--cache", cache_s], &[]);

    // A probe policy value no sample reaches (hash lines audited per file,
    // 10,000 by default): only fx-probe misses. (A value that changes
    // probe's events also misses fx-fingerprint for those jobs, whose input
    // then differs.)
    let policy = d.path().join("policy.toml");
    std::fs::write(&policy, "[probe]\nmax_hash_lines = 10001\n").unwrap();
    let run = d.path().join("policy");
    batch(
        &run,
        &["--cache", cache_s, "--policy", policy.to_str().unwrap()],
        &[],
    );
    let l = lookups(&run);
    assert_eq!(l["fx-probe"].misses, 54, "{l:?}");
    for stage in ["fx-route", "fx-inspect", "fx-fingerprint"] {
        assert_eq!(l[stage].hits, 54, "{stage}: {l:?}");
    }

    // Another openssl (a wrapper reporting another version): fx-inspect,
    // which runs it, and fx-fingerprint, whose key holds every tool, miss;
    // fx-route runs no tool and hits; fx-probe runs none either and misses
    // only the jobs where openssl ran (their inspect events name the new
    // version, so probe's input differs).
    let wrapper = d.path().join("openssl");
    let real = which("openssl");
    std::fs::write(
        &wrapper,
        format!(
            "#!/bin/sh\nif [ \"$1\" = version ]; then echo 'OpenSSL 3.9.9-fxtest'; exit 0; fi\nexec {} \"$@\"\n",
            real.display()
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755)).unwrap();
    let run = d.path().join("tool");
    batch(
        &run,
        &["--cache", cache_s],
        &[("FX_TOOL_OPENSSL", wrapper.to_str().unwrap())],
    );
    let l = lookups(&run);
    for stage in ["fx-inspect", "fx-fingerprint"] {
        assert_eq!(l[stage].misses, 54, "{stage}: {l:?}");
    }
    assert_eq!(l["fx-route"].hits, 54, "{l:?}");
    let runs = std::fs::read_to_string(run.join("telemetry/tool_run_events.jsonl")).unwrap();
    let with_openssl: std::collections::BTreeSet<u64> = runs
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|e| e["tool"]["name"] == "openssl")
        .map(|e| e["artifact_seq"].as_u64().unwrap())
        .collect();
    assert!(!with_openssl.is_empty());
    assert_eq!(l["fx-probe"].misses, with_openssl.len() as u64, "{l:?}");
    assert_eq!(l["fx-probe"].hits, 54 - with_openssl.len() as u64, "{l:?}");
}

#[test]
fn concurrent_runs_share_one_cache_and_the_cap_evicts() {
    let want = reference();
    let d = tempfile::tempdir().unwrap();
    let cache = d.path().join("cache");
    let cache_s = cache.to_str().unwrap().to_owned();
    let runs: Vec<PathBuf> = (0..3).map(|i| d.path().join(format!("run{i}"))).collect();
    std::thread::scope(|s| {
        for run in &runs {
            let cache_s = &cache_s;
            s.spawn(move || batch(run, &["--cache", cache_s], &[]));
        }
    });
    for run in &runs {
        assert_same(&want, &evidence(run), "concurrent runs, one cache");
    }
    let leftovers: Vec<PathBuf> = common::walk(&cache)
        .into_iter()
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    // A cap far below the cache's size: entries are evicted when the stage
    // ends, and what it wrote is unchanged.
    let small = d.path().join("small-cache");
    for name in ["capped-a", "capped-b"] {
        let run = d.path().join(name);
        let run_s = run.to_str().unwrap();
        let jobs = common::run_stage(
            "fx-ingest",
            &["--run", run_s, "-j", "1", "--case", "samples", "samples"],
            b"",
        );
        let plain = common::run_stage("fx-route", &["--run", run_s, "-j", "1"], jobs.as_bytes());
        let capped = common::run_stage(
            "fx-route",
            &[
                "--run",
                run_s,
                "-j",
                "1",
                "--cache",
                small.to_str().unwrap(),
                "--cache-max-bytes",
                "4096",
            ],
            jobs.as_bytes(),
        );
        assert_eq!(capped, plain, "{name}");
        let l = lookups(&run);
        assert!(l["fx-route"].evicted > 0, "{l:?}");
    }
    let kept: u64 = common::walk(&small)
        .iter()
        .map(|p| std::fs::metadata(p).unwrap().len())
        .sum();
    assert!(kept <= 4096, "{kept} bytes kept over a 4096-byte cap");
}

/// A cache that cannot be written costs speed, not evidence: the stage
/// writes what it writes without one, counts the failures and says so once.
#[test]
fn a_cache_that_cannot_be_written_is_not_fatal() {
    std::env::set_current_dir(common::repo()).unwrap();
    let d = tempfile::tempdir().unwrap();
    let run = d.path().join("run");
    let run_s = run.to_str().unwrap();
    let jobs = common::run_stage(
        "fx-ingest",
        &["--run", run_s, "-j", "1", "--case", "samples", "samples"],
        b"",
    );
    let plain = common::run_stage("fx-route", &["--run", run_s], jobs.as_bytes());
    // Where the route entries would go is a file: no entry can be made.
    let cache = d.path().join("cache");
    std::fs::create_dir(&cache).unwrap();
    std::fs::write(cache.join("route"), b"not a directory").unwrap();
    let out = common::run_cmd(
        "fx-route",
        &["--run", run_s, "--cache", cache.to_str().unwrap()],
        jobs.as_bytes(),
    );
    assert!(out.status.success());
    assert_eq!(String::from_utf8(out.stdout).unwrap(), plain);
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("fx-route: warning: 54 cache entries could not be written"),
        "{err}"
    );
    let l = lookups(&run);
    assert_eq!(l["fx-route"].store_failed, 54, "{l:?}");
    assert_eq!(l["fx-route"].stored, 0, "{l:?}");
}

/// The path of a program on PATH.
fn which(name: &str) -> PathBuf {
    std::env::var_os("PATH")
        .and_then(|p| {
            std::env::split_paths(&p)
                .map(|d| d.join(name))
                .find(|c| c.is_file())
        })
        .unwrap_or_else(|| panic!("{name} is not on PATH"))
}
