//! One fx-seq per run directory at a time, and what a crashed one left.
//!
//! A pass holds an exclusive `flock` on `RUN/.fx-seq.lock` (outside the
//! evidence in `telemetry/`) from start to commit (a second fx-seq on the same run waits for it; the lock
//! goes with the process, also when it is killed). Holding it, a pass
//! removes the private directories an earlier pass left behind when it was
//! killed (`.fx-seq-spill-*`, with sorted keys and maybe a spool of a piped
//! input, and `.fx-seq-staging-*`): nothing in them is evidence, and a
//! spool can be as large as the input.

use std::fs::{File, OpenOptions};
use std::path::Path;

use fx_core::{Error, Result};

/// The lock file, in the run directory.
pub const LOCK_FILE: &str = ".fx-seq.lock";
/// Prefixes of the private directories of a pass.
pub const PRIVATE_PREFIXES: [&str; 2] = [".fx-seq-spill-", ".fx-seq-staging-"];

/// Takes the lock of the run directory `run` (waiting for another pass to
/// end) and removes what crashed passes left in its telemetry directory
/// `dir`.
pub fn take(run: &Path, dir: &Path) -> Result<File> {
    let path = run.join(LOCK_FILE);
    let lock = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| Error::io(&path, e))?;
    fx_core::os::lock_exclusive(&lock).map_err(|e| Error::io(&path, e))?;
    for entry in std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))? {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if PRIVATE_PREFIXES.iter().any(|p| name.starts_with(p)) {
            let p = entry.path();
            std::fs::remove_dir_all(&p).map_err(|e| Error::io(&p, e))?;
        }
    }
    Ok(lock)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn leftovers_of_a_killed_pass_are_removed_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        for left in [".fx-seq-spill-abc123", ".fx-seq-staging-xyz"] {
            std::fs::create_dir_all(d.join(left).join("module_events")).unwrap();
            std::fs::write(d.join(left).join("input-spool"), "x").unwrap();
        }
        std::fs::write(d.join("events.jsonl"), "keep").unwrap();
        std::fs::create_dir(d.join("module_events")).unwrap();
        let lock = take(d, d).unwrap();
        let mut names: Vec<String> = std::fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, [".fx-seq.lock", "events.jsonl", "module_events"]);
        drop(lock);
        // Taken again once released.
        drop(take(d, d).unwrap());
    }
}
