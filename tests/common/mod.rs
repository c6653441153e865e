//! Helpers shared by the end-to-end tests: the batch over the bundled
//! samples, stage by stage, with each stage's output kept for inspection.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Path of a built fx binary.
pub fn bin(name: &str) -> PathBuf {
    assert_cmd::cargo::cargo_bin(name)
}

/// The repository root.
pub fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// What one batch run produced.
pub struct BatchOutput {
    /// Keeps the temp dir alive.
    pub _dir: tempfile::TempDir,
    /// The run directory.
    pub run: PathBuf,
    /// (stage name, stdout) for every stage before fx-seq.
    pub stage_outputs: Vec<(String, String)>,
}

/// Runs one fx command with `stdin` fed from a thread (so a large output
/// cannot deadlock against a large input); returns its output, whatever the
/// exit status.
pub fn run_cmd(name: &str, args: &[&str], stdin: &[u8]) -> std::process::Output {
    use std::io::Write;
    let mut child = Command::new(bin(name))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    let data = stdin.to_vec();
    let feeder = std::thread::spawn(move || {
        let _ = input.write_all(&data);
    });
    let out = child.wait_with_output().unwrap();
    feeder.join().unwrap();
    out
}

/// Runs one command with `stdin`, asserting success; returns stdout.
pub fn run_stage(name: &str, args: &[&str], stdin: &[u8]) -> String {
    let out = run_cmd(name, args, stdin);
    assert!(
        out.status.success(),
        "{name} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// `fx-ingest --run ROOT/run EXTRA… INPUT` run from `root` (so intake paths
/// are relative to it); asserts success; returns the run and the job lines.
pub fn ingest_in(root: &Path, input: &Path, extra: &[&str]) -> (PathBuf, Vec<u8>) {
    let run = root.join("run");
    let out = Command::new(bin("fx-ingest"))
        .arg("--run")
        .arg(&run)
        .args(extra)
        .arg(input)
        .current_dir(root)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "fx-ingest: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (run, out.stdout)
}

/// The whole batch over `inputs` into a fresh run, with `-j jobs`.
pub fn batch(inputs: &[&Path], jobs: &str) -> BatchOutput {
    let dir = tempfile::tempdir().unwrap();
    let run = dir.path().join("run");
    let stage_outputs = batch_in(&run, inputs, jobs);
    BatchOutput {
        _dir: dir,
        run,
        stage_outputs,
    }
}

/// The whole batch over `inputs` into `run` (made, or left by an earlier
/// attempt), with `-j jobs`; returns (stage, stdout) for the stages before
/// fx-seq.
pub fn batch_in(run: &Path, inputs: &[&Path], jobs: &str) -> Vec<(String, String)> {
    let run_s = run.to_str().unwrap().to_owned();
    let mut args = vec!["--run", run_s.as_str(), "-j", jobs, "--case", "samples"];
    let input_strs: Vec<String> = inputs
        .iter()
        .map(|p| p.to_str().unwrap().to_owned())
        .collect();
    args.extend(input_strs.iter().map(String::as_str));
    let mut stream = run_stage("fx-ingest", &args, b"");
    let mut stage_outputs = vec![("fx-ingest".to_owned(), stream.clone())];
    for stage in ["fx-route", "fx-inspect", "fx-probe", "fx-fingerprint"] {
        stream = run_stage(stage, &["--run", &run_s, "-j", jobs], stream.as_bytes());
        stage_outputs.push((stage.to_owned(), stream.clone()));
    }
    run_stage("fx-seq", &["--run", &run_s], stream.as_bytes());
    run_stage("fx-features", &["--run", &run_s], b"");
    run_stage("fx-report", &["--run", &run_s], b"");
    stage_outputs
}

/// The batch over `samples/`, run from the repository root so that intake
/// paths are relative (`samples/…`).
pub fn batch_over_samples() -> BatchOutput {
    std::env::set_current_dir(repo()).unwrap();
    batch(&[Path::new("samples")], "2")
}

/// Every file under the deterministic parts of a run, relative path → bytes.
pub fn evidence(run: &Path) -> std::collections::BTreeMap<PathBuf, Vec<u8>> {
    let mut out = std::collections::BTreeMap::new();
    for part in ["telemetry", "features", "reports", "manifests"] {
        let root = run.join(part);
        for entry in walk(&root) {
            let rel = entry.strip_prefix(run).unwrap().to_path_buf();
            out.insert(rel, std::fs::read(&entry).unwrap());
        }
    }
    assert!(
        out.keys().any(|k| k.ends_with("events.jsonl")),
        "no telemetry in {}",
        run.display()
    );
    out
}

/// Every file under `dir`, recursively, sorted.
pub fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let Ok(rd) = std::fs::read_dir(dir) else {
        return files;
    };
    for e in rd {
        let p = e.unwrap().path();
        if p.is_dir() {
            files.extend(walk(&p));
        } else {
            files.push(p);
        }
    }
    files.sort();
    files
}

/// Asserts two runs' evidence are the same files with the same bytes,
/// showing the start of the first file that differs.
pub fn assert_same(
    a: &std::collections::BTreeMap<PathBuf, Vec<u8>>,
    b: &std::collections::BTreeMap<PathBuf, Vec<u8>>,
    what: &str,
) {
    let ka: Vec<_> = a.keys().collect();
    let kb: Vec<_> = b.keys().collect();
    assert_eq!(ka, kb, "{what}: different files");
    for (k, v) in a {
        assert!(
            v == &b[k],
            "{what}: {} differs\n--- first ---\n{}\n--- second ---\n{}",
            k.display(),
            String::from_utf8_lossy(&v[..v.len().min(2000)]),
            String::from_utf8_lossy(&b[k][..b[k].len().min(2000)])
        );
    }
}

/// `schemas/NAME` as JSON.
pub fn schema(name: &str) -> serde_json::Value {
    let p = repo().join("schemas").join(name);
    serde_json::from_slice(&std::fs::read(&p).expect("schema file")).expect("schema json")
}

/// A validator of `schemas/NAME`, with the shared schemas it may refer to
/// (text, conclusion, event, job) registered by their `$id`.
pub fn schema_validator(name: &str) -> jsonschema::Validator {
    let mut registry = jsonschema::Registry::new();
    for other in [
        "text.schema.json",
        "conclusion.schema.json",
        "event.schema.json",
        "job.schema.json",
    ] {
        let s = schema(other);
        let id = s["$id"].as_str().unwrap().to_owned();
        registry = registry.add(id, s).expect("schema resource");
    }
    let registry = registry.prepare().expect("registry");
    jsonschema::options()
        .with_registry(&registry)
        .build(&schema(name))
        .expect("schema compiles")
}

/// A validator of one record of `schemas/facts.schema.json`: a file
/// (`weakkeys/findings.jsonl`) or a step's data (`weakkeys/audit`,
/// `probe/heavy`).
pub fn facts_validator(key: &str) -> jsonschema::Validator {
    let committed = schema("facts.schema.json");
    let schema = serde_json::json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$ref": committed["files"]
            .get(key)
            .unwrap_or(&committed["steps"][key])["$ref"],
        "$defs": committed["$defs"],
    });
    jsonschema::validator_for(&schema).expect("facts schema compiles")
}

/// Asserts `instance` validates, listing every error and where it is.
pub fn assert_schema_valid(v: &jsonschema::Validator, what: &str, instance: &serde_json::Value) {
    let errors: Vec<String> = v
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{what} does not validate:\n{}\n{instance}",
        errors.join("\n")
    );
}
