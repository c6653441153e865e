//! The evidence chain end to end (issue 13, "tamper-evident evidence"):
//! the batch over `samples/` records telemetry, blobs, features and reports
//! in `manifests/evidence/`; `fx-seq --verify` passes, then names the file
//! and line of every edit, removal, reordering or addition made to a copy
//! of the run; the root signs and verifies with an OpenSSL-made Ed25519 key
//! (and OpenSSL verifies fx-seq's signature); two runs give the same chain.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{batch, batch_over_samples, bin, repo};

/// Copies the directory `from` to `to`, recursively.
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

/// A fresh copy of the run to tamper with.
fn copy_of(run: &Path) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("run");
    copy_dir(run, &copy);
    (dir, copy)
}

/// `fx-seq --run RUN --verify EXTRA…`: (exit code, stdout, stderr).
fn verify(run: &Path, extra: &[&str]) -> (i32, String, String) {
    let out = Command::new(bin("fx-seq"))
        .arg("--run")
        .arg(run)
        .arg("--verify")
        .args(extra)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// Asserts that verification fails with exactly one line naming `expected`
/// among the chain's findings (lines starting with `file`).
fn fails_with(run: &Path, file: &str, expected: &str) {
    let (code, out, err) = verify(run, &[]);
    assert_eq!(code, 1, "verify passed after tampering with {file}: {err}");
    let ours: Vec<&str> = out.lines().filter(|l| l.starts_with(file)).collect();
    assert!(
        ours.contains(&expected),
        "expected {expected:?} among the findings on {file}:\n{out}"
    );
    assert!(err.contains("problem(s)"), "{err}");
}

fn lines_of(path: &Path) -> Vec<Vec<u8>> {
    std::fs::read(path)
        .unwrap()
        .split_inclusive(|&b| b == b'\n')
        .map(<[u8]>::to_vec)
        .collect()
}

fn write_lines(path: &Path, lines: &[Vec<u8>]) {
    std::fs::write(path, lines.concat()).unwrap();
}

/// The line number (1-based) of the chain entry of `path`.
fn entry_line(run: &Path, writer: &str, path: &str) -> usize {
    let chain =
        std::fs::read_to_string(run.join(format!("manifests/evidence/{writer}.jsonl"))).unwrap();
    chain
        .lines()
        .position(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            v["path"] == path
        })
        .map(|i| i + 1)
        .unwrap_or_else(|| panic!("{path} is not in the {writer} chain"))
}

fn sha256sum(bytes: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("line");
    std::fs::write(&f, bytes).unwrap();
    let out = Command::new("sha256sum").arg(&f).output().unwrap();
    String::from_utf8(out.stdout).unwrap()[..64].to_owned()
}

fn chain_schema() -> serde_json::Value {
    let p = repo().join("schemas/evidence_chain.schema.json");
    serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap()
}

/// Every chain line and the root validate against
/// `schemas/evidence_chain.schema.json` (the root against its `$defs/root`).
fn assert_schema_valid(run: &Path) {
    let schema = chain_schema();
    let line_v = jsonschema::validator_for(&schema).unwrap();
    let root_schema = serde_json::json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$defs": schema["$defs"],
        "$ref": "#/$defs/root",
    });
    let root_v = jsonschema::validator_for(&root_schema).unwrap();
    let mut lines = 0;
    for w in ["fx-seq", "fx-features", "fx-report"] {
        let text =
            std::fs::read_to_string(run.join(format!("manifests/evidence/{w}.jsonl"))).unwrap();
        for (i, l) in text.lines().enumerate() {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            let errors: Vec<String> = line_v.iter_errors(&v).map(|e| e.to_string()).collect();
            assert!(errors.is_empty(), "{w}.jsonl:{}: {errors:?}", i + 1);
            lines += 1;
        }
    }
    assert!(lines > 10);
    let root: serde_json::Value =
        serde_json::from_slice(&std::fs::read(run.join("manifests/evidence_root.json")).unwrap())
            .unwrap();
    let errors: Vec<String> = root_v.iter_errors(&root).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "evidence_root.json: {errors:?}");
    // The schema rejects what the format forbids.
    for bad in [
        serde_json::json!({"fx": "evidence_chain/1", "writer": "fx-seq", "path": "../x",
            "kind": "file", "bytes": 1, "sha256": "00".repeat(32), "prev": "00".repeat(32)}),
        serde_json::json!({"fx": "evidence_chain/1", "writer": "fx-seq", "path": "x",
            "kind": "lines", "bytes": 1, "sha256": "00".repeat(32), "prev": "00".repeat(32)}),
        serde_json::json!({"fx": "evidence_chain/1", "writer": "fx-seq", "path": "telemetry/x",
            "kind": "file", "bytes": 1, "sha256": "00".repeat(32), "lines": 1,
            "prev": "00".repeat(32)}),
    ] {
        assert!(!line_v.is_valid(&bad), "{bad}");
    }
}

fn openssl(args: &[&str]) -> std::process::Output {
    Command::new("openssl").args(args).output().unwrap()
}

#[test]
fn the_chain_records_the_batch_and_names_every_change() {
    let b = batch_over_samples();
    let run = &b.run;
    let (code, _, err) = verify(run, &[]);
    assert_eq!(code, 0, "a fresh run must verify: {err}");
    assert!(err.contains("evidence chain:"), "{err}");
    assert_schema_valid(run);

    // Every writer has its chain, the root lists them in order, and a leaf
    // is the SHA-256 of its line (sha256sum as the oracle).
    let root: serde_json::Value =
        serde_json::from_slice(&std::fs::read(run.join("manifests/evidence_root.json")).unwrap())
            .unwrap();
    let writers: Vec<&str> = root["writers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["writer"].as_str().unwrap())
        .collect();
    assert_eq!(writers, ["fx-seq", "fx-features", "fx-report"]);
    // fx-seq hashes the job lines; the files that repeat their events are
    // recorded as derived from jobs.jsonl (size and line count).
    let jobs = lines_of(&run.join("telemetry/jobs.jsonl"));
    assert!(jobs.len() > 10, "the samples give more than 10 jobs");
    let leaves =
        std::fs::read(run.join("manifests/evidence/fx-seq/telemetry/jobs.jsonl.leaves")).unwrap();
    assert_eq!(leaves.len(), 32 * jobs.len());
    let leaf7: String = leaves[6 * 32..7 * 32]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(leaf7, sha256sum(&jobs[6]));
    assert!(
        !run.join("manifests/evidence/fx-seq/telemetry/events.jsonl.leaves")
            .exists()
    );
    let events_raw = std::fs::read(run.join("telemetry/events.jsonl")).unwrap();
    let chain = std::fs::read_to_string(run.join("manifests/evidence/fx-seq.jsonl")).unwrap();
    let entry: serde_json::Value = chain
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .find(|e| e["path"] == "telemetry/events.jsonl")
        .unwrap();
    assert_eq!(entry["kind"], "derived");
    assert_eq!(entry["from"], "telemetry/jobs.jsonl");
    assert_eq!(entry["bytes"], events_raw.len() as u64);
    assert_eq!(
        entry["lines"],
        events_raw.iter().filter(|&&b| b == b'\n').count() as u64
    );
    for path in [
        "telemetry/jobs.jsonl",
        "telemetry/tool_run_events.jsonl",
        "features/features.parquet",
        "features/features.csv",
        "reports/summary.json",
    ] {
        let writer = match path.split('/').next().unwrap() {
            "telemetry" => "fx-seq",
            "features" => "fx-features",
            _ => "fx-report",
        };
        entry_line(run, writer, path);
    }

    // One byte of events.jsonl line 7.
    let (_d, copy) = copy_of(run);
    let f = copy.join("telemetry/events.jsonl");
    let mut lines = lines_of(&f);
    let mid = lines[6].len() / 2;
    lines[6][mid] = if lines[6][mid] == b'a' { b'b' } else { b'a' };
    write_lines(&f, &lines);
    fails_with(
        &copy,
        "telemetry/events.jsonl",
        "telemetry/events.jsonl:7: differs from the event it should hold",
    );

    // A line removed.
    let (_d, copy) = copy_of(run);
    let f = copy.join("telemetry/events.jsonl");
    let mut lines = lines_of(&f);
    lines.remove(2);
    write_lines(&f, &lines);
    fails_with(
        &copy,
        "telemetry/events.jsonl",
        "telemetry/events.jsonl:3: differs from the event it should hold",
    );
    // … and the chain's size and line count no longer hold.
    let (_, out, _) = verify(&copy, &[]);
    assert!(
        out.lines()
            .any(|l| l.starts_with("telemetry/events.jsonl: ")
                && l.contains(" lines where manifests/evidence/fx-seq.jsonl:")),
        "{out}"
    );

    // Two lines swapped.
    let (_d, copy) = copy_of(run);
    let f = copy.join("telemetry/events.jsonl");
    let mut lines = lines_of(&f);
    lines.swap(3, 4);
    write_lines(&f, &lines);
    fails_with(
        &copy,
        "telemetry/events.jsonl",
        "telemetry/events.jsonl:4: differs from the event it should hold",
    );

    // One byte of the Parquet table.
    let (_d, copy) = copy_of(run);
    let f = copy.join("features/features.parquet");
    let mut bytes = std::fs::read(&f).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x01;
    std::fs::write(&f, &bytes).unwrap();
    let n = entry_line(&copy, "fx-features", "features/features.parquet");
    let (code, out, _) = verify(&copy, &[]);
    assert_eq!(code, 1);
    let line = out
        .lines()
        .find(|l| l.starts_with("features/features.parquet: "))
        .unwrap_or_else(|| panic!("no finding on the Parquet table:\n{out}"));
    assert!(
        line.starts_with(&format!(
            "features/features.parquet: content differs from manifests/evidence/fx-features.jsonl:{n} (SHA-256 "
        )),
        "{line}"
    );

    // reports/summary.json edited: its line is named.
    let (_d, copy) = copy_of(run);
    let f = copy.join("reports/summary.json");
    let text = std::fs::read_to_string(&f).unwrap();
    let at = text.lines().position(|l| l.contains("\"jobs\"")).unwrap();
    std::fs::write(&f, text.replacen("\"jobs\": ", "\"jobs\": 1", 1)).unwrap();
    fails_with(
        &copy,
        "reports/summary.json",
        &format!(
            "reports/summary.json:{}: line edited (its SHA-256 differs from recorded leaf {})",
            at + 1,
            at + 1
        ),
    );

    // A blob removed: the job line that names it by its hash says so.
    let (_d, copy) = copy_of(run);
    let job: serde_json::Value =
        serde_json::from_slice(&lines_of(&copy.join("telemetry/jobs.jsonl"))[0]).unwrap();
    let reference = job["artifact"]["artifact_ref"].as_str().unwrap().to_owned();
    let hash = job["artifact"]["artifact_hash"]
        .as_str()
        .unwrap()
        .to_owned();
    std::fs::remove_file(copy.join("artifacts").join(&reference)).unwrap();
    fails_with(
        &copy,
        "telemetry/jobs.jsonl:1",
        &format!("telemetry/jobs.jsonl:1: blob {hash}: missing"),
    );
    // A blob and the job line that names it removed: the chain names the line.
    let jobs = copy.join("telemetry/jobs.jsonl");
    let mut kept = lines_of(&jobs);
    kept.remove(0);
    write_lines(&jobs, &kept);
    fails_with(
        &copy,
        "telemetry/jobs.jsonl",
        "telemetry/jobs.jsonl:1: line removed (recorded line 1 is missing; line 1 holds recorded line 2)",
    );

    // A line appended to a chain, linked correctly to the last one.
    let (_d, copy) = copy_of(run);
    let f = copy.join("manifests/evidence/fx-seq.jsonl");
    let chain = std::fs::read_to_string(&f).unwrap();
    let n = chain.lines().count();
    let last = chain.lines().last().unwrap();
    let mut extra: serde_json::Value = serde_json::from_str(last).unwrap();
    extra["prev"] = sha256sum(last.as_bytes()).into();
    extra["path"] = "telemetry/zzz.jsonl".into();
    std::fs::write(&f, format!("{chain}{extra}\n")).unwrap();
    fails_with(
        &copy,
        "manifests/evidence/fx-seq.jsonl",
        &format!(
            "manifests/evidence/fx-seq.jsonl:{}: line beyond the {n} entries manifests/evidence_root.json records (appended)",
            n + 1
        ),
    );

    // A file added where a writer writes.
    let (_d, copy) = copy_of(run);
    std::fs::write(copy.join("reports/extra.md"), "# not fx's\n").unwrap();
    fails_with(
        &copy,
        "reports/extra.md",
        "reports/extra.md: not in the evidence chain (manifests/evidence/fx-report.jsonl)",
    );
}

#[test]
fn the_root_signs_and_verifies_with_an_openssl_ed25519_key() {
    let b = batch_over_samples();
    let run = &b.run;
    let keys = tempfile::tempdir().unwrap();
    let k = |n: &str| keys.path().join(n).to_str().unwrap().to_owned();
    for (key, public) in [("key.pem", "pub.pem"), ("other.pem", "other.pub.pem")] {
        assert!(
            openssl(&["genpkey", "-algorithm", "ed25519", "-out", &k(key)])
                .status
                .success()
        );
        assert!(
            openssl(&["pkey", "-in", &k(key), "-pubout", "-out", &k(public)])
                .status
                .success()
        );
    }
    // Unsigned: a check with a key fails and says so.
    let (code, out, _) = verify(run, &["--verify-key", &k("pub.pem")]);
    assert_eq!(code, 1);
    assert!(
        out.contains("manifests/evidence_root.sig: missing"),
        "{out}"
    );

    let signed = Command::new(bin("fx-seq"))
        .args(["--run", run.to_str().unwrap(), "--sign", &k("key.pem")])
        .output()
        .unwrap();
    assert!(
        signed.status.success(),
        "{}",
        String::from_utf8_lossy(&signed.stderr)
    );
    let sig = run.join("manifests/evidence_root.sig");
    assert_eq!(std::fs::read(&sig).unwrap().len(), 64);
    // The signing key is not in the run.
    let key_text = std::fs::read_to_string(k("key.pem")).unwrap();
    let mut stack = vec![run.clone()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let bytes = std::fs::read(&p).unwrap();
                // (The samples hold private keys of their own: look for this one.)
                assert!(
                    !String::from_utf8_lossy(&bytes).contains(key_text.lines().nth(1).unwrap()),
                    "{} holds the private key",
                    p.display()
                );
            }
        }
    }

    let (code, _, err) = verify(run, &["--verify-key", &k("pub.pem")]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("signature verified"), "{err}");
    // OpenSSL, the independent oracle, accepts fx-seq's signature.
    let root = run.join("manifests/evidence_root.json");
    let ossl = openssl(&[
        "pkeyutl",
        "-verify",
        "-pubin",
        "-inkey",
        &k("pub.pem"),
        "-rawin",
        "-in",
        root.to_str().unwrap(),
        "-sigfile",
        sig.to_str().unwrap(),
    ]);
    assert!(
        ossl.status.success(),
        "openssl: {}",
        String::from_utf8_lossy(&ossl.stdout)
    );

    // Another key.
    let (code, out, _) = verify(run, &["--verify-key", &k("other.pub.pem")]);
    assert_eq!(code, 1);
    assert!(
        out.lines().any(|l| l.starts_with(
            "manifests/evidence_root.sig: does not verify manifests/evidence_root.json with the key"
        )),
        "{out}"
    );

    // The root edited (its meaning intact, its bytes not).
    let (_d, copy) = copy_of(run);
    let root = copy.join("manifests/evidence_root.json");
    let text = std::fs::read_to_string(&root).unwrap();
    std::fs::write(&root, text.replacen('{', "{ ", 1)).unwrap();
    let (code, out, _) = verify(&copy, &["--verify-key", &k("pub.pem")]);
    assert_eq!(code, 1);
    assert!(
        out.contains("manifests/evidence_root.sig: does not verify"),
        "{out}"
    );

    // The root's hash edited: the chain check names it, the signature too.
    let (_d, copy) = copy_of(run);
    let root = copy.join("manifests/evidence_root.json");
    let mut v: serde_json::Value = serde_json::from_slice(&std::fs::read(&root).unwrap()).unwrap();
    v["root"] = "00".repeat(32).into();
    std::fs::write(&root, serde_json::to_vec_pretty(&v).unwrap()).unwrap();
    let (code, out, _) = verify(&copy, &["--verify-key", &k("pub.pem")]);
    assert_eq!(code, 1);
    assert!(
        out.contains("manifests/evidence_root.json: root 0000"),
        "{out}"
    );
    assert!(
        out.contains("manifests/evidence_root.sig: does not verify"),
        "{out}"
    );

    // A public key where the private one is expected: one-line error.
    let bad = Command::new(bin("fx-seq"))
        .args(["--run", run.to_str().unwrap(), "--sign", &k("pub.pem")])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(1));
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(
        err.contains("not an Ed25519 private (PKCS#8) key in PEM"),
        "{err}"
    );
}

#[test]
fn two_runs_give_the_same_chain_bytes() {
    std::env::set_current_dir(repo()).unwrap();
    let a = batch(&[Path::new("samples")], "1");
    let b = batch(&[Path::new("samples")], "2");
    let mut files = Vec::new();
    let mut stack = vec![a.run.join("manifests/evidence")];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                files.push(p.strip_prefix(&a.run).unwrap().to_owned());
            }
        }
    }
    files.push(PathBuf::from("manifests/evidence_root.json"));
    assert!(files.len() > 5);
    for f in files {
        assert_eq!(
            std::fs::read(a.run.join(&f)).unwrap(),
            std::fs::read(b.run.join(&f)).unwrap(),
            "{} differs between two runs",
            f.display()
        );
    }
}

/// Job lines of `n` small artifacts of `run`, in artifact_seq order.
fn synthetic_jobs(run: &fx_core::run::RunDir, n: u64) -> Vec<String> {
    use fx_core::event::Event;
    (0..n)
        .map(|i| {
            let mut job = fx_core::testing::job_for(
                run,
                &format!("files/f{i}.bin"),
                format!("artifact {i}").as_bytes(),
                i,
            )
            .unwrap();
            job.push(Event::ok("ingest", "intake"));
            job.push(Event::ok(
                ["route", "inspect", "probe"][(i % 3) as usize],
                "step",
            ));
            serde_json::to_string(&job).unwrap()
        })
        .collect()
}

/// Every file of the fx-seq chain (chain, leaves) and the root, path → bytes.
fn seq_chain_files(run: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![run.join("manifests/evidence")];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push((
                    p.strip_prefix(run).unwrap().to_owned(),
                    std::fs::read(&p).unwrap(),
                ));
            }
        }
    }
    out.push((
        PathBuf::from("manifests/evidence_root.json"),
        std::fs::read(run.join("manifests/evidence_root.json")).unwrap(),
    ));
    out.sort();
    out
}

/// Many batches hashed by several workers in any order give the bytes one
/// worker gives over sorted input: the leaves writer restores the order.
#[test]
fn the_seq_chain_is_the_same_at_any_thread_count_and_input_order() {
    let dir = tempfile::tempdir().unwrap();
    let run =
        fx_core::testing::scratch_run(&dir.path().join("run"), fx_core::policy::Policy::default())
            .unwrap();
    // 2,000 jobs: eight batches of 256 lines at least.
    let lines = synthetic_jobs(&run, 2000);
    let sequence = |jobs: &str, lines: &[String]| {
        let mut input = lines.join("\n");
        input.push('\n');
        let out = common::run_cmd(
            "fx-seq",
            &["--run", run.path().to_str().unwrap(), "-j", jobs],
            input.as_bytes(),
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let (code, _, err) = verify(run.path(), &[]);
        assert_eq!(code, 0, "{err}");
        seq_chain_files(run.path())
    };
    let one = sequence("1", &lines);
    let mut shuffled = lines.clone();
    shuffled.reverse();
    shuffled.rotate_left(777);
    let four = sequence("4", &shuffled);
    assert_eq!(one.len(), four.len());
    for ((pa, a), (pb, b)) in one.iter().zip(&four) {
        assert_eq!(pa, pb);
        assert!(a == b, "{} differs between -j 1 and -j 4", pa.display());
    }
    let jobs = std::fs::read(run.path().join("telemetry/jobs.jsonl")).unwrap();
    let leaves = std::fs::read(
        run.path()
            .join("manifests/evidence/fx-seq/telemetry/jobs.jsonl.leaves"),
    )
    .unwrap();
    assert_eq!(
        leaves.len() / 32,
        jobs.iter().filter(|&&b| b == b'\n').count()
    );
    assert!(leaves.len() / 32 >= 2000);
}
