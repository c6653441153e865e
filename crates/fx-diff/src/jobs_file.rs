//! Reading `telemetry/jobs.jsonl` in bounded memory.
//!
//! The job lines are in `artifact_seq` order, and an artifact added or
//! removed shifts every later `artifact_seq`, so the two runs cannot be
//! walked side by side by sequence number. Run A is read once to build an
//! [`Index`]: for each job, a 128-bit digest of its key (artifact hash and
//! intake path) → where its line is in the file (offset, length, line
//! number). That is about 40 bytes per job whatever the size of its
//! evidence. Run B is then streamed, and each of its jobs looks its partner
//! up in the index and reads that one line back from A's file.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value;

use crate::error::{DiffError, Result};
use crate::run_view::{JOBS, READS_JOB, RunView, check_format};

/// What matches a job across runs: its artifact hash and intake path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JobKey {
    /// `sha256:` of the artifact, when it was read.
    pub artifact_hash: Option<String>,
    /// The intake path (string or `{"bytes": …}`).
    pub path: Value,
}

impl JobKey {
    /// The key's 128-bit digest.
    pub fn digest(&self) -> [u8; 16] {
        let path = serde_json::to_string(&self.path).unwrap_or_default();
        let hash = self.artifact_hash.as_deref().unwrap_or("");
        let flag: &[u8] = match self.artifact_hash {
            Some(_) => b"h",
            None => b"-",
        };
        let full =
            fx_core::ids::tagged_hash("fx-diff/key", &[flag, hash.as_bytes(), path.as_bytes()]);
        let mut out = [0u8; 16];
        out.copy_from_slice(&full[..16]);
        out
    }
}

/// The fields of a job line that say what it is, parsed without building
/// its events.
#[derive(Deserialize)]
struct KeyView {
    fx: String,
    artifact: ArtifactKey,
}

#[derive(Deserialize)]
struct ArtifactKey {
    #[serde(default)]
    artifact_hash: Option<String>,
    intake: IntakeKey,
}

#[derive(Deserialize)]
struct IntakeKey {
    path: Value,
}

/// A job line of one run, in sequence order.
pub struct JobLines {
    run: PathBuf,
    inner: BufReader<File>,
    max_line: usize,
    offset: u64,
    line: u64,
    buf: Vec<u8>,
}

/// Where a job line is in its file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Loc {
    /// Byte offset of the line.
    pub offset: u64,
    /// Its length without the newline.
    pub len: u32,
    /// Its 1-based line number.
    pub line: u32,
    next: u32,
}

const NO_NEXT: u32 = u32::MAX;

impl JobLines {
    /// Opens the run's `telemetry/jobs.jsonl`.
    pub fn open(run: &RunView) -> Result<JobLines> {
        let path = run.jobs_path();
        let file = File::open(&path).map_err(|source| DiffError::Read { path, source })?;
        Ok(JobLines {
            run: run.path.clone(),
            inner: BufReader::with_capacity(1 << 20, file),
            max_line: run.max_line,
            offset: 0,
            line: 0,
            buf: Vec::new(),
        })
    }

    /// The next line and where it is, or `None` at the end.
    pub fn next_line(&mut self) -> Result<Option<(Loc, &[u8])>> {
        self.buf.clear();
        let start = self.offset;
        let mut saw_any = false;
        loop {
            let chunk = match self.inner.fill_buf() {
                Ok(c) => c,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(source) => {
                    return Err(DiffError::Read {
                        path: self.run.join(JOBS),
                        source,
                    });
                }
            };
            if chunk.is_empty() {
                if !saw_any {
                    return Ok(None);
                }
                break;
            }
            saw_any = true;
            let (take, done) = match memchr::memchr(b'\n', chunk) {
                Some(i) => (i, true),
                None => (chunk.len(), false),
            };
            if self.buf.len() + take > self.max_line {
                return Err(self.bad(self.line + 1, "longer than the run's limits.max_line_bytes"));
            }
            self.buf.extend_from_slice(&chunk[..take]);
            let used = take + usize::from(done);
            self.inner.consume(used);
            self.offset += used as u64;
            if done {
                break;
            }
        }
        self.line += 1;
        if self.buf.is_empty() {
            return Err(self.bad(self.line, "empty line"));
        }
        let loc = Loc {
            offset: start,
            len: u32::try_from(self.buf.len()).map_err(|_| self.bad(self.line, "line too long"))?,
            line: u32::try_from(self.line).unwrap_or(u32::MAX),
            next: NO_NEXT,
        };
        Ok(Some((loc, &self.buf)))
    }

    fn bad(&self, line: u64, reason: &str) -> DiffError {
        DiffError::Line {
            run: self.run.clone(),
            line,
            reason: reason.to_owned(),
        }
    }
}

/// Parses a whole job line, checking its format tag.
pub fn parse_job(run: &Path, line: u64, bytes: &[u8]) -> Result<Value> {
    let v: Value = serde_json::from_slice(bytes).map_err(|e| DiffError::Line {
        run: run.to_path_buf(),
        line,
        reason: format!("not a job line ({e})"),
    })?;
    let fx = v.get("fx").and_then(Value::as_str).unwrap_or("(none)");
    check_format(run, &format!("{JOBS} line {line}"), fx, READS_JOB)?;
    if !v.get("artifact").is_some_and(Value::is_object) {
        return Err(DiffError::Line {
            run: run.to_path_buf(),
            line,
            reason: "not a job line (no artifact)".into(),
        });
    }
    Ok(v)
}

/// The key of a job line, read without building its events.
pub fn key_of_line(run: &Path, line: u64, bytes: &[u8]) -> Result<JobKey> {
    let view: KeyView = serde_json::from_slice(bytes).map_err(|e| DiffError::Line {
        run: run.to_path_buf(),
        line,
        reason: format!("not a job line ({e})"),
    })?;
    check_format(run, &format!("{JOBS} line {line}"), &view.fx, READS_JOB)?;
    Ok(JobKey {
        artifact_hash: view.artifact.artifact_hash,
        path: view.artifact.intake.path,
    })
}

/// True when two job lines are the same bytes once run A's id is read as
/// run B's and the digits of the `"artifact_seq":` and `"event_seq":`
/// stamps are passed over: the same evidence, stamped by another run, or
/// shifted by an artifact added or removed before it. The common case of an
/// audit, decided without parsing; fx writes those two keys only as stamps.
pub fn same_line(a: &[u8], b: &[u8], run_a: &str, run_b: &str) -> bool {
    if a == b {
        return true;
    }
    if run_a.len() != run_b.len() || run_a.is_empty() {
        return false;
    }
    let (mut i, mut j) = (0, 0);
    loop {
        let Some((p, m)) = next_stamp(a, i) else {
            return same_text(&a[i..], &b[j..], run_a, run_b);
        };
        let q = j + (p - i);
        if q + m > b.len() || a[p..p + m] != b[q..q + m] {
            return false;
        }
        if !same_text(&a[i..p], &b[j..q], run_a, run_b) {
            return false;
        }
        i = skip_digits(a, p + m);
        j = skip_digits(b, q + m);
    }
}

/// The next `"artifact_seq":` or `"event_seq":` at or after `from`: (where,
/// its length).
fn next_stamp(line: &[u8], from: usize) -> Option<(usize, usize)> {
    let mut at = from;
    while let Some(k) = memchr::memmem::find(&line[at..], b"_seq\":") {
        let end = at + k;
        for key in [&b"\"artifact"[..], &b"\"event"[..]] {
            if end >= from + key.len() && &line[end - key.len()..end] == key {
                return Some((end - key.len(), key.len() + 6));
            }
        }
        at = end + 6;
    }
    None
}

fn skip_digits(line: &[u8], mut at: usize) -> usize {
    while line.get(at).is_some_and(u8::is_ascii_digit) {
        at += 1;
    }
    at
}

/// `a` equals `b` once each occurrence of `run_a` in it reads `run_b`.
fn same_text(a: &[u8], b: &[u8], run_a: &str, run_b: &str) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut last = 0;
    for at in memchr::memmem::find_iter(a, run_a.as_bytes()) {
        let end = at + run_a.len();
        if at < last {
            continue;
        }
        if a[last..at] != b[last..at] || &b[at..end] != run_b.as_bytes() {
            return false;
        }
        last = end;
    }
    a[last..] == b[last..]
}

/// Reads every line of a run's jobs file, checks that it is a job line in
/// a format this build reads, and hands over its place and key. Run B is
/// checked this way before anything is written, so bad input never leaves
/// half a diff behind.
pub fn scan(run: &RunView, mut each: impl FnMut(Loc, JobKey)) -> Result<u64> {
    let mut lines = JobLines::open(run)?;
    let mut n = 0;
    while let Some((loc, bytes)) = lines.next_line()? {
        let view: KeyView = serde_json::from_slice(bytes).map_err(|e| DiffError::Line {
            run: run.path.clone(),
            line: u64::from(loc.line),
            reason: format!("not a job line ({e})"),
        })?;
        check_format(
            &run.path,
            &format!("{JOBS} line {}", loc.line),
            &view.fx,
            READS_JOB,
        )?;
        n += 1;
        each(
            loc,
            JobKey {
                artifact_hash: view.artifact.artifact_hash,
                path: view.artifact.intake.path,
            },
        );
    }
    Ok(n)
}

/// Run A's jobs by key digest. Two jobs of one run with the same key are
/// matched in file order.
#[derive(Default)]
pub struct Index {
    map: HashMap<[u8; 16], Loc>,
    chain: Vec<Loc>,
    jobs: u64,
}

impl Index {
    /// Reads every line of a run's jobs file (checking each one's format
    /// tag) and indexes it.
    pub fn build(run: &RunView) -> Result<Index> {
        let mut index = Index::default();
        scan(run, |loc, key| index.insert(key.digest(), loc))?;
        Ok(index)
    }

    fn insert(&mut self, key: [u8; 16], loc: Loc) {
        self.jobs += 1;
        let Some(head) = self.map.get_mut(&key) else {
            self.map.insert(key, loc);
            return;
        };
        let new = u32::try_from(self.chain.len()).unwrap_or(NO_NEXT);
        self.chain.push(loc);
        if head.next == NO_NEXT {
            head.next = new;
            return;
        }
        let mut at = head.next as usize;
        while self.chain[at].next != NO_NEXT {
            at = self.chain[at].next as usize;
        }
        self.chain[at].next = new;
    }

    /// Takes the first unmatched job with this key.
    pub fn take(&mut self, key: &[u8; 16]) -> Option<Loc> {
        let head = *self.map.get(key)?;
        match head.next {
            NO_NEXT => {
                self.map.remove(key);
            }
            n => {
                if let Some(slot) = self.map.get_mut(key) {
                    *slot = self.chain[n as usize];
                }
            }
        }
        Some(head)
    }

    /// Jobs indexed.
    pub fn jobs(&self) -> u64 {
        self.jobs
    }

    /// Every job never taken, in file order.
    pub fn remaining(&self) -> Vec<Loc> {
        let mut out = Vec::new();
        for head in self.map.values() {
            out.push(*head);
            let mut n = head.next;
            while n != NO_NEXT {
                out.push(self.chain[n as usize]);
                n = self.chain[n as usize].next;
            }
        }
        out.sort_by_key(|l| l.offset);
        out
    }
}

/// Reads one indexed line back from a jobs file.
pub fn read_at(file: &File, path: &Path, loc: Loc) -> Result<Vec<u8>> {
    let mut buf = vec![0u8; loc.len as usize];
    file.read_exact_at(&mut buf, loc.offset)
        .map_err(|source| DiffError::Read {
            path: path.to_path_buf(),
            source,
        })?;
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loc(offset: u64) -> Loc {
        Loc {
            offset,
            len: 1,
            line: offset as u32,
            next: NO_NEXT,
        }
    }

    #[test]
    fn duplicate_keys_are_matched_in_file_order() {
        let mut ix = Index::default();
        let (k, other) = ([1u8; 16], [2u8; 16]);
        ix.insert(k, loc(10));
        ix.insert(other, loc(20));
        ix.insert(k, loc(30));
        ix.insert(k, loc(40));
        assert_eq!(ix.jobs(), 4);
        assert_eq!(ix.take(&k).map(|l| l.offset), Some(10));
        let left: Vec<u64> = ix.remaining().iter().map(|l| l.offset).collect();
        assert_eq!(left, [20, 30, 40]);
        assert_eq!(ix.take(&k).map(|l| l.offset), Some(30));
        assert_eq!(ix.take(&k).map(|l| l.offset), Some(40));
        assert_eq!(ix.take(&k), None);
        let left: Vec<u64> = ix.remaining().iter().map(|l| l.offset).collect();
        assert_eq!(left, [20]);
    }

    #[test]
    fn reruns_are_recognised_without_parsing() {
        let a = br#"{"run_id":"aaaa","x":1,"events":[{"run_id":"aaaa"}]}"#;
        let b = br#"{"run_id":"bbbb","x":1,"events":[{"run_id":"bbbb"}]}"#;
        let c = br#"{"run_id":"bbbb","x":2,"events":[{"run_id":"bbbb"}]}"#;
        assert!(same_line(a, b, "aaaa", "bbbb"));
        assert!(same_line(a, a, "aaaa", "aaaa"));
        assert!(!same_line(a, c, "aaaa", "bbbb"));
        assert!(!same_line(a, b, "aaaa", "cccc"));
        // Shifted stamps are passed over; other numbers are not.
        let a = br#"{"run_id":"aaaa","artifact":{"artifact_seq":7,"n":1},"events":[{"artifact_seq":7,"event_seq":90,"x_seq":3}]}"#;
        let b = br#"{"run_id":"bbbb","artifact":{"artifact_seq":12,"n":1},"events":[{"artifact_seq":12,"event_seq":1234,"x_seq":3}]}"#;
        let c = br#"{"run_id":"bbbb","artifact":{"artifact_seq":12,"n":1},"events":[{"artifact_seq":12,"event_seq":1234,"x_seq":4}]}"#;
        let d = br#"{"run_id":"bbbb","artifact":{"artifact_seq":12,"n":2},"events":[{"artifact_seq":12,"event_seq":1234,"x_seq":3}]}"#;
        assert!(same_line(a, b, "aaaa", "bbbb"));
        assert!(!same_line(a, c, "aaaa", "bbbb"));
        assert!(!same_line(a, d, "aaaa", "bbbb"));
        assert!(!same_line(a, &b[..b.len() - 1], "aaaa", "bbbb"));
    }

    #[test]
    fn keys_tell_hash_and_path_apart() {
        let k = |h: Option<&str>, p: &str| {
            JobKey {
                artifact_hash: h.map(str::to_owned),
                path: Value::String(p.into()),
            }
            .digest()
        };
        assert_eq!(k(Some("sha256:aa"), "x"), k(Some("sha256:aa"), "x"));
        assert_ne!(k(Some("sha256:aa"), "x"), k(Some("sha256:ab"), "x"));
        assert_ne!(k(Some("sha256:aa"), "x"), k(Some("sha256:aa"), "y"));
        assert_ne!(k(None, "x"), k(Some(""), "x"));
    }
}
