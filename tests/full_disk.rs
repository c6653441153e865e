//! A full disk (issue 14, faults): the run directory on a small tmpfs that
//! is filled up before fx-seq, fx-features and fx-report run. Each fails
//! with one clear line naming the disk being full and a non-zero exit,
//! leaves nothing half-written (no partial telemetry, features or reports,
//! no temporary files, what was there before untouched), and once space is
//! freed the same commands give the evidence of a run that never failed.
//!
//! Mounting a tmpfs needs root (or CAP_SYS_ADMIN), which the test machines
//! and CI have; the test says so plainly where it is refused.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{assert_same, evidence, walk};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A tmpfs of `size` mounted on `dir`, unmounted when dropped.
struct Tmpfs(PathBuf);

impl Tmpfs {
    fn mount(dir: &Path, size: &str) -> Tmpfs {
        std::fs::create_dir_all(dir).unwrap();
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir)
            .output()
            .expect("mount(8) from util-linux");
        assert!(
            out.status.success(),
            "this test mounts a small tmpfs and needs root (or CAP_SYS_ADMIN): {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Tmpfs(dir.to_path_buf())
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

/// Fills the filesystem of `dir` to the last byte with `dir/filler`.
fn fill(dir: &Path) -> PathBuf {
    let path = dir.join("filler");
    let mut f = std::fs::File::create(&path).unwrap();
    let chunk = vec![0x5au8; 4096];
    loop {
        match f.write(&chunk) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) if e.raw_os_error() == Some(28) => break,
            Err(e) => panic!("filling {}: {e}", path.display()),
        }
    }
    // Single bytes for the last partial block.
    while f.write(&[0x5a]).is_ok_and(|n| n == 1) {}
    drop(f);
    path
}

/// Runs `name` with `args` and `stdin`; asserts it failed with a one-line
/// message saying the disk is full.
fn fails_for_space(name: &str, args: &[&str], stdin: &[u8]) {
    let out = common::run_cmd(name, args, stdin);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{name} succeeded on a full disk");
    assert_eq!(err.lines().count(), 1, "{name}: one line, got {err:?}");
    assert!(
        err.starts_with(&format!("{name}: ")) && err.contains("No space left on device"),
        "{name}: {err:?}"
    );
}

/// Every file under `dir` with its bytes (an absent dir is empty).
fn files(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    walk(dir)
        .into_iter()
        .map(|p| {
            let bytes = std::fs::read(&p).unwrap();
            (p, bytes)
        })
        .collect()
}

/// Hidden or temporary files a failed writer could leave behind.
fn leftovers(run: &Path) -> Vec<PathBuf> {
    walk(run)
        .into_iter()
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            let rel = p.strip_prefix(run).unwrap().to_string_lossy().into_owned();
            (name.starts_with('.') && name != ".fx-seq.lock")
                || rel.contains("/.")
                || name.ends_with(".tmp")
                || name.contains(".partial")
        })
        .collect()
}

#[test]
fn a_full_disk_leaves_nothing_half_written_and_the_rerun_is_whole() {
    std::env::set_current_dir(common::repo()).unwrap();
    let reference = common::batch(&[Path::new("samples")], "1");
    let want = evidence(&reference.run);

    let d = tempfile::tempdir().unwrap();
    let mnt = d.path().join("mnt");
    let _fs = Tmpfs::mount(&mnt, "16m");
    let run = mnt.join("run");
    let run_s = run.to_str().unwrap();

    // Ingest and the per-job stages while there is room.
    let mut stream = common::run_stage(
        "fx-ingest",
        &["--run", run_s, "-j", "1", "--case", "samples", "samples"],
        b"",
    );
    for stage in ["fx-route", "fx-inspect", "fx-probe", "fx-fingerprint"] {
        stream = common::run_stage(stage, &["--run", run_s, "-j", "1"], stream.as_bytes());
    }

    // fx-seq on a full disk: no telemetry at all, no staging left.
    let filler = fill(&mnt);
    fails_for_space("fx-seq", &["--run", run_s], stream.as_bytes());
    assert!(files(&run.join("telemetry")).is_empty());
    assert!(leftovers(&run).is_empty(), "{:?}", leftovers(&run));
    std::fs::remove_file(&filler).unwrap();
    common::run_stage("fx-seq", &["--run", run_s], stream.as_bytes());

    // fx-features, then fx-report, on a full disk: nothing written.
    let filler = fill(&mnt);
    let telemetry = files(&run.join("telemetry"));
    fails_for_space("fx-features", &["--run", run_s], b"");
    assert!(files(&run.join("features")).is_empty());
    std::fs::remove_file(&filler).unwrap();
    common::run_stage("fx-features", &["--run", run_s], b"");
    let filler = fill(&mnt);
    fails_for_space("fx-report", &["--run", run_s], b"");
    assert!(files(&run.join("reports")).is_empty());
    assert_eq!(
        files(&run.join("telemetry")),
        telemetry,
        "telemetry untouched"
    );
    assert!(leftovers(&run).is_empty(), "{:?}", leftovers(&run));
    std::fs::remove_file(&filler).unwrap();
    common::run_stage("fx-report", &["--run", run_s], b"");
    assert_same(&want, &evidence(&run), "after a full disk, space freed");

    // Reports already there: a failed rewrite leaves them as they were.
    let before = files(&run.join("reports"));
    let filler = fill(&mnt);
    fails_for_space("fx-report", &["--run", run_s], b"");
    assert_eq!(files(&run.join("reports")), before);
    assert!(leftovers(&run).is_empty(), "{:?}", leftovers(&run));
    std::fs::remove_file(&filler).unwrap();
}

/// fx-ingest on a full disk: one line, and the batch run again once space
/// is freed gives the evidence of a batch that never failed.
#[test]
fn ingest_on_a_full_disk_then_the_batch_again_is_whole() {
    std::env::set_current_dir(common::repo()).unwrap();
    let want = evidence(&common::batch(&[Path::new("samples")], "1").run);
    let d = tempfile::tempdir().unwrap();
    let mnt = d.path().join("mnt");
    let _fs = Tmpfs::mount(&mnt, "16m");
    let run = mnt.join("run");
    let run_s = run.to_str().unwrap();
    let filler = fill(&mnt);
    fails_for_space(
        "fx-ingest",
        &["--run", run_s, "-j", "1", "--case", "samples", "samples"],
        b"",
    );
    assert!(leftovers(&run).is_empty(), "{:?}", leftovers(&run));
    std::fs::remove_file(&filler).unwrap();
    common::batch_in(&run, &[Path::new("samples")], "1");
    assert_same(
        &want,
        &evidence(&run),
        "ingest failed for space, then the batch",
    );
}
