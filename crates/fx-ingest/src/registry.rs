//! The append-only registry `RUN/registry/registry.jsonl`: one line per
//! registered artifact (id, hash, blob reference, size, intake, members).
//!
//! Appends are whole lines, each written with one `write` on a file opened
//! with `O_APPEND`, and synced at the end. A line cut short by a crash (no
//! final newline) is removed before the next append, so the registry never
//! holds a partial line. An artifact id already present is never appended
//! again: re-running the same ingest adds nothing.

use std::collections::HashSet;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use fx_core::job::{Intake, Member};
use serde::{Deserialize, Serialize};

/// Registry file, relative to the run directory.
pub const REGISTRY: &str = "registry/registry.jsonl";

/// Format tag of registry lines.
pub const REGISTRY_FORMAT: &str = "registry/1";

/// One registry line.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegistryLine {
    /// Format tag, `registry/1`.
    pub fx: String,
    /// The artifact id (unique in the registry).
    pub artifact_id: String,
    /// `sha256:` of the content (of the member list for a bundle).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub artifact_hash: Option<String>,
    /// Blob reference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub artifact_ref: Option<String>,
    /// Size in bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    /// Intake context.
    pub intake: Intake,
    /// Bundle members.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub members: Vec<Member>,
}

#[derive(Deserialize)]
struct IdOnly {
    artifact_id: String,
}

/// The registry of a run, opened for appending.
pub struct Registry {
    path: PathBuf,
    file: File,
    known: HashSet<String>,
    appended: u64,
}

impl Registry {
    /// Opens (creating) the registry, drops a partial last line, and loads
    /// the ids already registered.
    pub fn open(run: &Path) -> fx_core::Result<Registry> {
        let path = run.join(REGISTRY);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| fx_core::Error::io(dir, e))?;
        }
        let io = |e| fx_core::Error::io(&path, e);
        let mut rw = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(io)?;
        // Streamed line by line: only the ids stay in memory.
        let mut known = HashSet::new();
        let mut complete = 0u64;
        let mut line_no = 0u64;
        let mut reader = BufReader::with_capacity(1 << 20, &mut rw);
        let mut line = Vec::new();
        loop {
            line.clear();
            let n = reader.read_until(b'\n', &mut line).map_err(io)?;
            if n == 0 || line.last() != Some(&b'\n') {
                break;
            }
            complete += n as u64;
            line_no += 1;
            if line.len() == 1 {
                continue;
            }
            let rec: IdOnly = serde_json::from_slice(&line).map_err(|e| fx_core::Error::Run {
                path: run.to_path_buf(),
                reason: format!("{REGISTRY} line {line_no} is malformed: {e}"),
            })?;
            known.insert(rec.artifact_id);
        }
        drop(reader);
        if rw.metadata().map_err(io)?.len() > complete {
            // A line cut short by a crash: drop it before appending.
            rw.set_len(complete).map_err(io)?;
            rw.sync_data().map_err(io)?;
        }
        drop(rw);
        let mut file = OpenOptions::new().append(true).open(&path).map_err(io)?;
        file.seek(SeekFrom::End(0)).map_err(io)?;
        Ok(Registry {
            path,
            file,
            known,
            appended: 0,
        })
    }

    /// True when the id is registered.
    pub fn contains(&self, id: &str) -> bool {
        self.known.contains(id)
    }

    /// Appends a line unless its id is registered; true when appended.
    pub fn append(&mut self, line: &RegistryLine) -> fx_core::Result<bool> {
        if self.known.contains(&line.artifact_id) {
            return Ok(false);
        }
        let mut bytes =
            serde_json::to_vec(line).map_err(|e| fx_core::Error::Other(e.to_string()))?;
        bytes.push(b'\n');
        // One write call per line on an O_APPEND file: a concurrent reader or
        // a crash never sees half of two lines interleaved.
        let n = self
            .file
            .write(&bytes)
            .map_err(|e| fx_core::Error::io(&self.path, e))?;
        if n != bytes.len() {
            return Err(fx_core::Error::Other(format!(
                "{}: short write ({n} of {} bytes)",
                self.path.display(),
                bytes.len()
            )));
        }
        self.known.insert(line.artifact_id.clone());
        self.appended += 1;
        Ok(true)
    }

    /// Syncs appended lines to disk; returns how many were appended.
    pub fn finish(self) -> fx_core::Result<u64> {
        self.file
            .sync_data()
            .map_err(|e| fx_core::Error::io(&self.path, e))?;
        Ok(self.appended)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(id: &str) -> RegistryLine {
        RegistryLine {
            fx: REGISTRY_FORMAT.into(),
            artifact_id: id.into(),
            artifact_hash: None,
            artifact_ref: None,
            size: None,
            intake: Intake::default(),
            members: Vec::new(),
        }
    }

    #[test]
    fn appends_once_and_repairs_a_cut_line() {
        let d = tempfile::tempdir().expect("tempdir");
        let mut r = Registry::open(d.path()).expect("open");
        assert!(r.append(&line("a")).expect("append"));
        assert!(!r.append(&line("a")).expect("append"));
        assert_eq!(r.finish().expect("sync"), 1);
        // Simulate a crash in the middle of a line.
        let p = d.path().join(REGISTRY);
        let mut f = OpenOptions::new().append(true).open(&p).expect("open");
        f.write_all(b"{\"fx\":\"registry/1\",\"artifact_id\":\"b")
            .expect("write");
        drop(f);
        let mut r = Registry::open(d.path()).expect("reopen");
        assert!(r.contains("a") && !r.contains("b"));
        assert!(r.append(&line("b")).expect("append"));
        r.finish().expect("sync");
        let text = std::fs::read_to_string(&p).expect("read");
        assert_eq!(text.lines().count(), 2);
        assert!(text.ends_with('\n'));
    }
}
