//! End-to-end tests of the real `fx-ingest` binary: bad input, determinism,
//! crash safety, and a golden job stream.
#![allow(clippy::unwrap_used)]

use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::process::Command as StdCommand;

use assert_cmd::Command;
use serde_json::Value;

fn bin() -> PathBuf {
    assert_cmd::cargo::cargo_bin("fx-ingest")
}

/// `fx-ingest` run in `dir` (paths in the tests are relative to it).
fn ingest(dir: &Path) -> Command {
    let mut c = Command::new(bin());
    c.current_dir(dir).env_remove("FX_RUN");
    c
}

fn jobs_of(stdout: &[u8]) -> Vec<Value> {
    stdout
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::from_slice(l).expect("job line is JSON"))
        .collect()
}

fn event(job: &Value) -> &Value {
    &job["events"][0]
}

fn by_path<'a>(jobs: &'a [Value], path: &str) -> &'a Value {
    jobs.iter()
        .find(|j| j["artifact"]["intake"]["path"] == path)
        .unwrap_or_else(|| panic!("no job for {path}"))
}

fn is_root() -> bool {
    StdCommand::new("id")
        .arg("-u")
        .output()
        .map(|o| o.stdout == b"0\n")
        .unwrap_or(false)
}

/// A small evidence tree.
fn evidence(dir: &Path) {
    fs::create_dir_all(dir.join("ev/certs")).unwrap();
    fs::write(dir.join("ev/certs/a.pem"), b"-----BEGIN X-----\n").unwrap();
    fs::write(dir.join("ev/b.bin"), [1u8, 2, 3, 4]).unwrap();
    fs::write(dir.join("ev/empty"), b"").unwrap();
    fs::write(dir.join("ev/dup.bin"), [1u8, 2, 3, 4]).unwrap();
    fs::write(dir.join("loose.txt"), b"loose\n").unwrap();
}

#[test]
fn help_and_usage_errors() {
    let d = tempfile::tempdir().unwrap();
    ingest(d.path())
        .arg("--help")
        .assert()
        .success()
        .stdout(predicates::str::contains("fx-ingest --run"));
    let out = ingest(d.path())
        .arg("x")
        .assert()
        .code(2)
        .get_output()
        .clone();
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.starts_with("fx-ingest: ") && err.lines().count() == 1,
        "{err}"
    );
    ingest(d.path())
        .args(["--run", "R", "--collected-at", "yesterday", "x"])
        .assert()
        .code(2);
    assert!(!d.path().join("R").exists(), "nothing written on bad usage");
}

#[test]
fn print_default_policy_round_trips() {
    let d = tempfile::tempdir().unwrap();
    let out = ingest(d.path())
        .arg("--print-default-policy")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    let p = fx_core::policy::Policy::from_toml(&text).unwrap();
    assert_eq!(p, fx_core::policy::Policy::default());
}

#[test]
fn golden_job_stream() {
    let d = tempfile::tempdir().unwrap();
    evidence(d.path());
    fs::write(
        d.path().join("intake.csv"),
        "path,role,bundle,hints,collected_at\n\
         loose.txt,,,\"{\"\"expect\"\":\"\"text\"\"}\",2024-05-01T12:00:00+02:00\n\
         ev/b.bin,public_key,kem1,,\n\
         ev/certs/a.pem,signature,kem1,,\n",
    )
    .unwrap();
    let out = ingest(d.path())
        .args([
            "--run", "R", "--case", "c42", "--source", "lab", "--tenant", "acme",
        ])
        .args([
            "--custody-note",
            "received sealed",
            "--intake",
            "intake.csv",
            "ev",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let manifest: Value =
        serde_json::from_slice(&fs::read(d.path().join("R/manifests/run_manifest.json")).unwrap())
            .unwrap();
    let run_id = manifest["run_id"].as_str().unwrap().to_owned();
    // The run id is derived from the manifest (it hashes the toolchain, so it
    // differs between machines: checked here, replaced in the snapshot).
    let inputs: Vec<fx_core::run::InputRecord> =
        serde_json::from_value(manifest["inputs"].clone()).unwrap();
    let csv_hash = fx_core::hashing::sha256_tagged(&fs::read(d.path().join("intake.csv")).unwrap());
    assert_eq!(
        run_id,
        fx_ingest::run_id(
            &["acme".to_owned()],
            "c42",
            manifest["policy_hash"].as_str().unwrap(),
            manifest["toolchain_hash"].as_str().unwrap(),
            &inputs,
            Some(&csv_hash),
        )
    );
    let text = String::from_utf8(out).unwrap().replace(&run_id, "<run_id>");
    insta::assert_snapshot!("golden_job_stream", text);
    // Every line validates as a job and belongs to the run.
    let run = fx_core::run::RunDir::open(d.path().join("R")).unwrap();
    for (i, line) in text.replace("<run_id>", &run_id).lines().enumerate() {
        let job: fx_core::Job = serde_json::from_str(line).unwrap();
        run.check_job(&job, i as u64 + 1).unwrap();
        assert_eq!(job.artifact.artifact_seq, i as u64);
    }
}

#[test]
fn malformed_intake_csv_names_the_line_and_writes_nothing() {
    let d = tempfile::tempdir().unwrap();
    evidence(d.path());
    fs::write(
        d.path().join("intake.csv"),
        "path,hints\nloose.txt,{}\nev/b.bin,\"[not an object]\"\n",
    )
    .unwrap();
    let out = ingest(d.path())
        .args(["--run", "R", "--intake", "intake.csv"])
        .assert()
        .failure()
        .get_output()
        .clone();
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("intake.csv line 3: hints"), "{err}");
    assert!(out.stdout.is_empty());
    assert!(!d.path().join("R").exists(), "nothing half-written");
}

#[test]
fn empty_inputs_zero_byte_file_and_empty_stdin_list() {
    let d = tempfile::tempdir().unwrap();
    evidence(d.path());
    let out = ingest(d.path())
        .args(["--run", "R", "ev/empty"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let jobs = jobs_of(&out);
    assert_eq!(jobs.len(), 1);
    assert_eq!(jobs[0]["artifact"]["size"], 0);
    assert_eq!(
        jobs[0]["artifact"]["artifact_hash"],
        "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
    assert_eq!(event(&jobs[0])["status"], "ok");
    // An empty list on stdin: a valid run with no jobs.
    let out = ingest(d.path())
        .args(["--run", "R2", "-"])
        .write_stdin("")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert!(out.is_empty());
    assert!(d.path().join("R2/manifests/run_manifest.json").exists());
}

#[test]
fn special_files_symlinks_and_missing_paths_get_events() {
    let d = tempfile::tempdir().unwrap();
    let root = d.path().join("root");
    fs::create_dir_all(&root).unwrap();
    fs::write(d.path().join("secret.txt"), b"outside the root").unwrap();
    fs::write(root.join("ok.txt"), b"ok").unwrap();
    std::os::unix::fs::symlink("../secret.txt", root.join("escape")).unwrap();
    std::os::unix::fs::symlink("nowhere", root.join("dangling")).unwrap();
    std::os::unix::fs::symlink("ok.txt", root.join("inside")).unwrap();
    assert!(
        StdCommand::new("mkfifo")
            .arg(root.join("fifo"))
            .status()
            .unwrap()
            .success()
    );
    let sock = std::os::unix::net::UnixListener::bind(root.join("sock")).unwrap();
    let out = ingest(d.path())
        .args(["--run", "R", "root", "missing.bin", "/dev/null"])
        .timeout(std::time::Duration::from_secs(60))
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    drop(sock);
    let jobs = jobs_of(&out);
    let err = |p: &str| {
        let e = event(by_path(&jobs, p));
        assert_eq!(e["status"], "error", "{p}: {e}");
        assert_eq!(e["error"]["kind"], "unreadable", "{p}");
        e["error"]["detail"].as_str().unwrap().to_owned()
    };
    let skip = |p: &str| {
        let e = event(by_path(&jobs, p));
        assert_eq!(e["status"], "skipped", "{p}: {e}");
        e["reason"].as_str().unwrap().to_owned()
    };
    assert_eq!(skip("root/escape"), "symlink_outside_root");
    assert_eq!(skip("root/dangling"), "dangling_symlink");
    assert_eq!(skip("root/inside"), "symlink_inside_root");
    assert!(err("root/fifo").starts_with("fifo"));
    assert!(err("root/sock").starts_with("socket"));
    assert!(err("/dev/null").starts_with("character device"));
    assert_eq!(err("missing.bin"), "cannot stat: not found");
    assert_eq!(event(by_path(&jobs, "root/ok.txt"))["status"], "ok");
    assert_eq!(jobs.len(), 8, "nothing named disappears");
    // The secret outside the root was never stored.
    let secret = fx_core::hashing::sha256_hex(b"outside the root");
    assert!(
        !d.path()
            .join("R/artifacts/blobs/sha256")
            .join(&secret[..2])
            .join(&secret[2..])
            .exists()
    );
}

#[test]
fn unreadable_file_and_directory() {
    use std::os::unix::fs::PermissionsExt;
    let d = tempfile::tempdir().unwrap();
    let root = d.path().join("root");
    fs::create_dir_all(root.join("locked")).unwrap();
    fs::write(root.join("locked/inner.txt"), b"x").unwrap();
    fs::write(root.join("noread.txt"), b"secret").unwrap();
    fs::write(root.join("fine.txt"), b"fine").unwrap();
    fs::set_permissions(root.join("noread.txt"), fs::Permissions::from_mode(0o000)).unwrap();
    fs::set_permissions(root.join("locked"), fs::Permissions::from_mode(0o000)).unwrap();
    // Root reads through permissions (CAP_DAC_OVERRIDE); drop those
    // capabilities from the bounding set so the test means the same as root.
    let mut cmd = if is_root() {
        let mut c = Command::new("setpriv");
        c.args([
            "--bounding-set=-dac_override,-dac_read_search",
            "--inh-caps=-dac_override,-dac_read_search",
        ])
        .arg(bin());
        c
    } else {
        Command::new(bin())
    };
    let out = cmd
        .current_dir(d.path())
        .args(["--run", "R", "root"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    fs::set_permissions(root.join("locked"), fs::Permissions::from_mode(0o755)).unwrap();
    let jobs = jobs_of(&out);
    let e = event(by_path(&jobs, "root/noread.txt"));
    assert_eq!(e["error"]["kind"], "unreadable");
    assert_eq!(e["error"]["detail"], "cannot open: permission denied");
    let e = event(by_path(&jobs, "root/locked"));
    assert_eq!(
        e["error"]["detail"],
        "cannot list directory: permission denied"
    );
    assert_eq!(event(by_path(&jobs, "root/fine.txt"))["status"], "ok");
}

#[test]
fn read_error_in_the_middle_is_recorded() {
    // /proc/self/mem opens fine and fails on read (offset 0 is not mapped).
    let d = tempfile::tempdir().unwrap();
    let out = ingest(d.path())
        .args(["--run", "R", "/proc/self/mem"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let jobs = jobs_of(&out);
    let e = event(&jobs[0]);
    assert_eq!(e["error"]["kind"], "unreadable");
    assert!(
        e["error"]["detail"]
            .as_str()
            .unwrap()
            .starts_with("read error"),
        "{e}"
    );
}

#[test]
fn non_utf8_paths_are_kept_byte_exact() {
    let d = tempfile::tempdir().unwrap();
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9.bin");
    fs::create_dir_all(d.path().join("ev")).unwrap();
    fs::write(d.path().join("ev").join(name), b"latin-1 name").unwrap();
    let out = ingest(d.path())
        .args(["--run", "R", "-"])
        .write_stdin(b"ev/caf\xe9.bin\n".to_vec())
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let jobs = jobs_of(&out);
    let path = &jobs[0]["artifact"]["intake"]["path"];
    assert_eq!(path["bytes"], "ZXYvY2Fm6S5iaW4=");
    let t: fx_core::Text = serde_json::from_value(path.clone()).unwrap();
    assert_eq!(t.to_bytes().unwrap(), b"ev/caf\xe9.bin");
    assert_eq!(event(&jobs[0])["status"], "ok");
}

#[test]
fn a_run_directory_holding_another_run_is_refused() {
    let d = tempfile::tempdir().unwrap();
    evidence(d.path());
    ingest(d.path())
        .args(["--run", "R", "ev"])
        .assert()
        .success();
    let manifest = fs::read(d.path().join("R/manifests/run_manifest.json")).unwrap();
    let registry = fs::read(d.path().join("R/registry/registry.jsonl")).unwrap();
    let out = ingest(d.path())
        .args(["--run", "R", "loose.txt"])
        .assert()
        .code(1)
        .get_output()
        .clone();
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("already holds run"), "{err}");
    assert_eq!(err.lines().count(), 1);
    assert!(out.stdout.is_empty());
    assert_eq!(
        fs::read(d.path().join("R/manifests/run_manifest.json")).unwrap(),
        manifest
    );
    assert_eq!(
        fs::read(d.path().join("R/registry/registry.jsonl")).unwrap(),
        registry
    );
    let loose = fx_core::hashing::sha256_hex(b"loose\n");
    assert!(
        !d.path()
            .join("R/artifacts/blobs/sha256")
            .join(&loose[..2])
            .join(&loose[2..])
            .exists()
    );
}

#[test]
fn tenants_cannot_mix_unless_the_policy_allows() {
    let d = tempfile::tempdir().unwrap();
    evidence(d.path());
    fs::write(
        d.path().join("i.csv"),
        "path,tenant\nloose.txt,alpha\nev/b.bin,beta\n",
    )
    .unwrap();
    let out = ingest(d.path())
        .args(["--run", "R", "--intake", "i.csv"])
        .assert()
        .code(1)
        .get_output()
        .clone();
    assert!(
        String::from_utf8(out.stderr)
            .unwrap()
            .contains("2 tenants (alpha, beta)")
    );
    assert!(!d.path().join("R").exists());
    ingest(d.path())
        .args([
            "--run",
            "R",
            "--intake",
            "i.csv",
            "--allow-multiple-tenants",
        ])
        .assert()
        .success();
    let m: Value =
        serde_json::from_slice(&fs::read(d.path().join("R/manifests/run_manifest.json")).unwrap())
            .unwrap();
    assert_eq!(m["tenants"], serde_json::json!(["alpha", "beta"]));
}

#[test]
fn deterministic_at_any_thread_count_order_and_rerun() {
    let d = tempfile::tempdir().unwrap();
    evidence(d.path());
    for i in 0..40 {
        fs::write(d.path().join(format!("ev/f{i:02}")), format!("file {i}")).unwrap();
    }
    let run = |run: &str, j: &str, paths: &[&str]| {
        ingest(d.path())
            .args(["--run", run, "-j", j])
            .args(paths)
            .assert()
            .success()
            .get_output()
            .stdout
            .clone()
    };
    let a = run("R", "1", &["ev", "loose.txt"]);
    let b = run("R", "2", &["loose.txt", "ev"]);
    let c = run("R", "2", &["ev", "loose.txt", "ev"]);
    assert_eq!(a, b, "-j1 vs -j2 and another order");
    assert_eq!(a, c, "a path named twice");
    assert_eq!(jobs_of(&a).len(), 45);
    let reg = fs::read_to_string(d.path().join("R/registry/registry.jsonl")).unwrap();
    assert_eq!(reg.lines().count(), 45, "rerun appends nothing");
    // A fresh run directory: the same manifest, inventory and jobs, byte for byte.
    let e = run("S", "2", &["ev", "loose.txt"]);
    assert_eq!(a, e);
    for f in [
        "manifests/run_manifest.json",
        "manifests/tool_inventory.json",
        "registry/registry.jsonl",
    ] {
        assert_eq!(
            fs::read(d.path().join("R").join(f)).unwrap(),
            fs::read(d.path().join("S").join(f)).unwrap(),
            "{f}"
        );
    }
}

#[test]
fn broken_pipe_exits_zero() {
    let d = tempfile::tempdir().unwrap();
    for i in 0..2000 {
        fs::write(d.path().join(format!("f{i:04}")), format!("{i}")).unwrap();
    }
    fs::create_dir_all(d.path().join("in")).unwrap();
    let status = StdCommand::new("bash")
        .current_dir(d.path())
        .arg("-c")
        .arg(format!(
            "set -o pipefail; ls -d f* | {} --run R - | head -1 > /dev/null",
            bin().display()
        ))
        .status()
        .unwrap();
    assert!(status.success());
}

#[test]
fn large_sparse_file_is_streamed() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("sparse.img");
    let f = fs::File::create(&p).unwrap();
    f.set_len(3 << 30).unwrap();
    drop(f);
    let out = ingest(d.path())
        .args(["--run", "R", "sparse.img"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let jobs = jobs_of(&out);
    assert_eq!(jobs[0]["artifact"]["size"], 3u64 << 30);
    // sha256 of 3 GiB of zeros (`head -c 3G /dev/zero | sha256sum`).
    assert_eq!(
        jobs[0]["artifact"]["artifact_hash"],
        "sha256:305b66a59d15b252092fbda9d09711230c429f351897cbd430e7b55a35fd3b97"
    );
    let m: Value =
        serde_json::from_slice(&fs::read(d.path().join("R/metrics/fx-ingest.json")).unwrap())
            .unwrap();
    let rss = m["peak_rss_kib"].as_u64().unwrap();
    assert!(
        rss < 256 * 1024,
        "peak RSS {rss} KiB: the file was not streamed"
    );
}

#[test]
fn kill_9_mid_ingest_then_rerun_completes() {
    let d = tempfile::tempdir().unwrap();
    fs::create_dir_all(d.path().join("ev")).unwrap();
    // Enough work to be interrupted: large non-zero files and many small ones.
    let block: Vec<u8> = (0..(8u32 << 20))
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    for i in 0..12u8 {
        let mut b = block.clone();
        b[0] = i;
        fs::write(d.path().join(format!("ev/big{i:02}")), &b).unwrap();
    }
    for i in 0..3000 {
        fs::write(d.path().join(format!("ev/s{i:04}")), format!("small {i}")).unwrap();
    }
    let mut child = StdCommand::new(bin())
        .current_dir(d.path())
        .args(["--run", "R", "-j", "2", "ev"])
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Wait until the run exists and blobs are being written, then kill -9.
    let blobs = d.path().join("R/artifacts/blobs/sha256");
    for _ in 0..2000 {
        if fs::read_dir(&blobs).map(|r| r.count() > 3).unwrap_or(false) {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    // The rerun completes and gives exactly what an uninterrupted ingest gives.
    let a = ingest(d.path())
        .args(["--run", "R", "ev"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let b = ingest(d.path())
        .args(["--run", "S", "ev"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert_eq!(a, b);
    assert_eq!(jobs_of(&a).len(), 3012);
    // Every visible blob is whole: its content hashes to its name.
    let store = fx_core::store::BlobStore::open(d.path().join("R/artifacts")).unwrap();
    for job in jobs_of(&a) {
        let h = job["artifact"]["artifact_hash"].as_str().unwrap();
        store.verify(h).unwrap();
    }
    for top in fs::read_dir(&blobs).unwrap() {
        let top = top.unwrap().path();
        for f in fs::read_dir(&top).unwrap() {
            let f = f.unwrap().path();
            let hex = format!(
                "{}{}",
                top.file_name().unwrap().to_str().unwrap(),
                f.file_name().unwrap().to_str().unwrap()
            );
            store.verify(&hex).unwrap();
        }
    }
    let reg = fs::read_to_string(d.path().join("R/registry/registry.jsonl")).unwrap();
    assert!(reg.ends_with('\n'));
    assert_eq!(reg.lines().count(), 3012);
    for line in reg.lines() {
        serde_json::from_str::<Value>(line).unwrap();
    }
}

#[test]
fn policy_page_shows_the_default_policy() {
    let page =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/policy.md")).unwrap();
    let start = page.find("```toml\n").expect("a toml block") + "```toml\n".len();
    let end = start + page[start..].find("```").expect("closed block");
    assert_eq!(
        &page[start..end],
        fx_core::policy::Policy::default().to_toml(),
        "docs/policy.md is out of step with Policy::default(): paste `fx-ingest --print-default-policy`"
    );
}

#[test]
fn bundle_with_a_missing_member_carries_the_error() {
    let d = tempfile::tempdir().unwrap();
    evidence(d.path());
    fs::write(
        d.path().join("i.csv"),
        "path,bundle,role\nev/b.bin,sig1,public_key\nnot-there.sig,sig1,signature\n",
    )
    .unwrap();
    let out = ingest(d.path())
        .args(["--run", "R", "--intake", "i.csv"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let jobs = jobs_of(&out);
    assert_eq!(jobs.len(), 1);
    let a = &jobs[0]["artifact"];
    assert_eq!(a["intake"]["bundle"], "sig1");
    assert!(a.get("artifact_hash").is_none() && a.get("artifact_ref").is_none());
    assert_eq!(a["members"][0]["role"], "public_key");
    assert!(a["members"][0]["hash"].is_string());
    assert!(a["members"][1].get("hash").is_none());
    let e = event(&jobs[0]);
    assert_eq!(e["error"]["kind"], "unreadable");
    assert_eq!(
        e["error"]["detail"],
        "member signature (not-there.sig): cannot stat: not found"
    );
}

#[test]
fn same_bytes_in_another_context_share_the_blob() {
    let d = tempfile::tempdir().unwrap();
    evidence(d.path());
    let run = |source: &str| {
        jobs_of(
            &ingest(d.path())
                .args([
                    "--run",
                    &format!("R-{source}"),
                    "--source",
                    source,
                    "loose.txt",
                ])
                .assert()
                .success()
                .get_output()
                .stdout,
        )
    };
    let (a, b) = (run("lab"), run("field"));
    assert_eq!(
        a[0]["artifact"]["artifact_ref"],
        b[0]["artifact"]["artifact_ref"]
    );
    assert_ne!(
        a[0]["artifact"]["artifact_id"],
        b[0]["artifact"]["artifact_id"]
    );
}

#[test]
fn large_files_identical_at_any_thread_count_on_disk_and_tmpfs() {
    // Large files go through the streamed path (direct I/O where the
    // filesystem takes it, buffered otherwise): sizes off the 1 MiB chunk
    // and 4 KiB alignment, zero stretches (left as holes), a duplicate.
    let d = tempfile::tempdir().unwrap();
    fs::create_dir_all(d.path().join("ev")).unwrap();
    let mib = 1usize << 20;
    let noise = |len: usize, seed: u32| -> Vec<u8> {
        (0..len as u32)
            .map(|i| ((i ^ seed).wrapping_mul(2_654_435_761) >> 11) as u8)
            .collect()
    };
    let mut a = noise(3 * mib + 4097, 1);
    a[mib..2 * mib].fill(0);
    let mut b = noise(5 * mib, 2);
    b[4 * mib..].fill(0);
    let c = noise(mib + 1, 3);
    for (name, bytes) in [("a", &a), ("b", &b), ("c", &c), ("c-copy", &c)] {
        fs::write(d.path().join("ev").join(name), bytes).unwrap();
    }
    let shm = tempfile::tempdir_in("/dev/shm").ok();
    let runs: Vec<(PathBuf, &str)> = [
        Some((d.path().join("R1"), "1")),
        Some((d.path().join("R2"), "2")),
        shm.as_ref().map(|s| (s.path().join("R"), "2")),
    ]
    .into_iter()
    .flatten()
    .collect();
    let mut outputs = Vec::new();
    for (run, j) in &runs {
        let out = ingest(d.path())
            .arg("--run")
            .arg(run)
            .args(["-j", j, "ev"])
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        let jobs = jobs_of(&out);
        assert_eq!(jobs.len(), 4);
        let store = fx_core::store::BlobStore::open(run.join("artifacts")).unwrap();
        for (name, bytes) in [("a", &a), ("b", &b), ("c", &c), ("c-copy", &c)] {
            let job = by_path(&jobs, &format!("ev/{name}"));
            assert_eq!(event(job)["status"], "ok", "{job}");
            let h = job["artifact"]["artifact_hash"].as_str().unwrap();
            assert_eq!(h, fx_core::hashing::sha256_tagged(bytes), "{name}");
            assert_eq!(job["artifact"]["size"], bytes.len() as u64);
            assert!(
                fs::read(store.path_of(h).unwrap()).unwrap() == *bytes,
                "{name}"
            );
        }
        assert_eq!(fs::read_dir(run.join("artifacts/tmp")).unwrap().count(), 0);
        outputs.push(out);
    }
    // Byte for byte the same job stream whatever the thread count or the
    // filesystem of the run directory.
    for o in &outputs[1..] {
        assert_eq!(o, &outputs[0]);
    }
}

/// A root with symlinks of every kind, a directory outside it, and a link
/// `named.lnk` (to a file outside the root) to name on the command line.
fn link_tree(d: &Path) {
    use std::os::unix::fs::symlink;
    fs::create_dir_all(d.join("outside")).unwrap();
    fs::create_dir_all(d.join("root/sub")).unwrap();
    fs::write(d.join("outside/secret.txt"), b"secret").unwrap();
    fs::write(d.join("outside/named.txt"), b"named").unwrap();
    fs::write(d.join("root/a.txt"), b"a").unwrap();
    fs::write(d.join("root/copy.txt"), b"a").unwrap();
    fs::write(d.join("root/sub/c.txt"), b"c").unwrap();
    symlink("../outside/secret.txt", d.join("root/escape")).unwrap();
    symlink("../outside", d.join("root/escape-dir")).unwrap();
    symlink("nowhere", d.join("root/dangling")).unwrap();
    symlink("loop-b", d.join("root/loop-a")).unwrap();
    symlink("loop-a", d.join("root/loop-b")).unwrap();
    symlink("a.txt", d.join("root/inside")).unwrap();
    symlink("sub", d.join("root/inside-dir")).unwrap();
    symlink("..", d.join("root/sub/up")).unwrap();
    symlink("outside/named.txt", d.join("named.lnk")).unwrap();
}

/// One line per job: its path, its ingest outcome, and the paths its
/// custody lists.
fn outcomes(jobs: &[Value]) -> Vec<String> {
    jobs.iter()
        .map(|j| {
            let e = event(j);
            let mut line = format!(
                "{} {}",
                j["artifact"]["intake"]["path"].as_str().unwrap(),
                e["status"].as_str().unwrap()
            );
            match e["status"].as_str().unwrap() {
                "ok" => line += &format!(" {}", e["data"]["size"]),
                "skipped" => line += &format!(" {}", e["reason"].as_str().unwrap()),
                _ => line += &format!(" {}", e["error"]["detail"].as_str().unwrap()),
            }
            if e["data"]["via_symlink"] == true {
                line += " via_symlink";
            }
            let reached: Vec<&str> = j["artifact"]["custody"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|c| c["action"] == "reached")
                .map(|c| c["path"].as_str().unwrap())
                .collect();
            if !reached.is_empty() {
                line += &format!(" reached={}", reached.join(","));
            }
            line
        })
        .collect()
}

fn blob_exists(run: &Path, bytes: &[u8]) -> bool {
    let h = fx_core::hashing::sha256_hex(bytes);
    run.join("artifacts/blobs/sha256")
        .join(&h[..2])
        .join(&h[2..])
        .exists()
}

#[test]
fn symlinks_met_in_a_walk_are_skipped_with_their_reason() {
    let d = tempfile::tempdir().unwrap();
    link_tree(d.path());
    let out = ingest(d.path())
        .args(["--run", "R", "root", "named.lnk"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let jobs = jobs_of(&out);
    assert_eq!(
        outcomes(&jobs),
        [
            // Named on the command line: followed, wherever it leads.
            "named.lnk ok 5 via_symlink",
            "root/a.txt ok 1",
            "root/copy.txt ok 1",
            "root/dangling skipped dangling_symlink",
            "root/escape skipped symlink_outside_root",
            "root/escape-dir skipped symlink_outside_root",
            "root/inside skipped symlink_inside_root",
            "root/inside-dir skipped symlink_inside_root",
            "root/loop-a skipped symlink_loop",
            "root/loop-b skipped symlink_loop",
            "root/sub/c.txt ok 1",
            "root/sub/up skipped symlink_inside_root",
        ]
    );
    // A skipped job has no content, and no failure.
    let escape = by_path(&jobs, "root/escape");
    assert!(escape["artifact"].get("artifact_hash").is_none());
    assert!(escape["artifact"].get("artifact_ref").is_none());
    assert_eq!(escape["events"].as_array().unwrap().len(), 1);
    // What lies outside the root was not read.
    let run = d.path().join("R");
    assert!(!blob_exists(&run, b"secret"));
    assert!(blob_exists(&run, b"named"));
    let manifest: Value =
        serde_json::from_slice(&fs::read(run.join("manifests/run_manifest.json")).unwrap())
            .unwrap();
    assert_eq!(
        manifest["inputs"],
        serde_json::json!([
            {"kind": "dir", "path": "root"},
            {"kind": "file", "path": "named.lnk"}
        ])
    );
}

#[test]
fn follow_reads_behind_links_reports_loops_and_reads_a_file_once() {
    let d = tempfile::tempdir().unwrap();
    link_tree(d.path());
    let out = ingest(d.path())
        .args(["--run", "R", "-L", "root", "named.lnk"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let jobs = jobs_of(&out);
    assert_eq!(
        outcomes(&jobs),
        [
            // The same file reached twice is one job: its first path (a
            // path that is not a link first, then in byte order) is the
            // intake path, and its custody lists every path.
            "named.lnk ok 5 via_symlink reached=named.lnk,root/escape-dir/named.txt",
            "root/a.txt ok 1 reached=root/a.txt,root/inside",
            // Same bytes in another file: its own job, sharing the blob.
            "root/copy.txt ok 1",
            "root/dangling skipped dangling_symlink",
            "root/escape ok 6 via_symlink reached=root/escape,root/escape-dir/secret.txt",
            // `up` leads back to the root: a directory loop, walked once.
            "root/inside-dir/up skipped symlink_loop",
            "root/loop-a skipped symlink_loop",
            "root/loop-b skipped symlink_loop",
            "root/sub/c.txt ok 1 reached=root/inside-dir/c.txt,root/sub/c.txt",
            "root/sub/up skipped symlink_loop",
        ]
    );
    let a = by_path(&jobs, "root/a.txt");
    let copy = by_path(&jobs, "root/copy.txt");
    assert_eq!(
        a["artifact"]["artifact_ref"],
        copy["artifact"]["artifact_ref"]
    );
    assert_ne!(
        a["artifact"]["artifact_id"],
        copy["artifact"]["artifact_id"]
    );
    assert_eq!(
        a["artifact"]["custody"],
        serde_json::json!([
            {"actor": format!("fx-ingest {}", fx_core::FX_VERSION), "action": "ingested"},
            {"actor": format!("fx-ingest {}", fx_core::FX_VERSION), "action": "reached", "path": "root/a.txt"},
            {"actor": format!("fx-ingest {}", fx_core::FX_VERSION), "action": "reached", "path": "root/inside"},
        ])
    );
    // One registry line per job, so the merged paths are registered once.
    let run = d.path().join("R");
    let registry = fs::read_to_string(run.join("registry/registry.jsonl")).unwrap();
    assert_eq!(registry.lines().count(), jobs.len());
    assert!(blob_exists(&run, b"secret"));
    let manifest: Value =
        serde_json::from_slice(&fs::read(run.join("manifests/run_manifest.json")).unwrap())
            .unwrap();
    assert_eq!(
        manifest["inputs"],
        serde_json::json!([
            {"kind": "dir_follow_links", "path": "root"},
            {"kind": "file", "path": "named.lnk"}
        ])
    );
    // Another walk is another run: the run directory of the plain walk
    // refuses it.
    let again = ingest(d.path())
        .args(["--run", "R", "root", "named.lnk"])
        .assert()
        .code(1)
        .get_output()
        .stderr
        .clone();
    assert!(
        String::from_utf8_lossy(&again).contains("already holds run"),
        "{}",
        String::from_utf8_lossy(&again)
    );
    // And the same ingest again prints the same jobs.
    let rerun = ingest(d.path())
        .args(["--run", "R", "--follow", "root", "named.lnk"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert_eq!(rerun, out);
}

/// `bash pipelines/forensics-batch.sh ARGS…` in `dir`, with the commands
/// these tests were built with and no `FX_RUN` from the environment.
fn forensics_batch(dir: &Path, args: &[&str]) -> StdCommand {
    let mut cmd = StdCommand::new("bash");
    cmd.arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("pipelines/forensics-batch.sh"))
        .args(args)
        .current_dir(dir)
        .env("FX_BIN_DIR", bin().parent().unwrap())
        .env_remove("FX_RUN");
    cmd
}

#[test]
fn forensics_batch_passes_follow_and_counts_skips_apart() {
    let d = tempfile::tempdir().unwrap();
    link_tree(d.path());
    let batch = |extra: &[&str], run: &str| -> (String, Value) {
        let args: Vec<&str> = extra
            .iter()
            .copied()
            .chain(["-j", "1", "root", run])
            .collect();
        let out = forensics_batch(d.path(), &args).output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let report: Value = serde_json::from_slice(
            &fs::read(d.path().join(run).join("reports/summary.json")).unwrap(),
        )
        .unwrap();
        (String::from_utf8(out.stdout).unwrap(), report)
    };
    let (text, report) = batch(&[], "plain");
    assert!(
        text.contains(
            "\n  skipped     symlink_inside_root 3, symlink_loop 2, symlink_outside_root 2, dangling_symlink 1\n"
        ),
        "{text}"
    );
    assert!(text.contains("\n  failures    none\n"), "{text}");
    assert_eq!(
        report["skipped"],
        serde_json::json!({"dangling_symlink": 1, "symlink_inside_root": 3, "symlink_loop": 2, "symlink_outside_root": 2})
    );
    assert_eq!(report["jobs"], 11);
    let (text, report) = batch(&["-L"], "follow");
    assert!(
        text.contains("\n  skipped     symlink_loop 4, dangling_symlink 1\n"),
        "{text}"
    );
    assert_eq!(report["jobs"], 10);
}

/// When a stage of the batch fails, the batch says so once: the stage's own
/// error, then one line naming it, and nothing from the stages behind it
/// (they only stop for want of its output).
#[test]
fn forensics_batch_reports_a_failed_stage_once() {
    let d = tempfile::tempdir().unwrap();
    fs::write(d.path().join("a.txt"), b"hello").unwrap();
    // RUN/manifests is a regular file: fx-ingest cannot make the run.
    fs::create_dir(d.path().join("run")).unwrap();
    fs::write(d.path().join("run/manifests"), b"").unwrap();
    let out = forensics_batch(d.path(), &["-j", "1", "a.txt", "run"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 2, "{err}");
    assert!(lines[0].starts_with("fx-ingest: "), "{err}");
    assert!(
        lines[1].starts_with("forensics-batch: fx-ingest failed (exit 1); the batch stopped there"),
        "{err}"
    );
    assert!(!err.contains("run_manifest.json is missing"), "{err}");
}

/// One progress line for the whole batch, drawn by fx-seq on the batch's
/// own stderr when that is a terminal (here a pseudo-terminal made by
/// util-linux's `script`), and nothing of the kind when it is not.
#[test]
fn forensics_batch_draws_one_progress_line_on_a_terminal_only() {
    // The inputs in d/in, the runs beside them in d (a run may not lie
    // inside what it reads), so nothing is left outside the temporary folder.
    let d = tempfile::tempdir().unwrap();
    let input = d.path().join("in");
    fs::create_dir(&input).unwrap();
    for i in 0..600 {
        fs::write(input.join(format!("f{i:03}.txt")), format!("note {i}\n")).unwrap();
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("pipelines/forensics-batch.sh");
    let bins = bin().parent().unwrap().to_path_buf();
    let command = format!(
        "bash {} -j 1 . ../tty-run >/dev/null",
        script.to_str().unwrap()
    );
    let out = StdCommand::new("script")
        .args(["-qfec", &command, "/dev/null"])
        .current_dir(&input)
        .env("FX_BIN_DIR", &bins)
        .env_remove("FX_RUN")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("script (util-linux) is installed by pipelines/setup.sh");
    let tty = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{tty}");
    let draws: Vec<&str> = tty.split('\r').filter(|l| l.starts_with("fx: ")).collect();
    assert!(!draws.is_empty(), "no progress line: {tty:?}");
    assert!(draws.iter().all(|l| l.contains(" jobs")), "{draws:?}");
    assert!(
        draws.iter().any(|l| l.starts_with("fx: 600 jobs done")),
        "{draws:?}"
    );
    // No stage draws its own line: only fx-seq's.
    assert!(!tty.contains("fx-route:"), "{tty:?}");

    let out = forensics_batch(&input, &["-j", "1", ".", "../plain-run"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(
        !out.stderr.contains(&b'\r'),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
