//! The module cache shared across runs (`--cache DIR`, DESIGN §6): a stage's
//! events for a job, replayed when the same stage of the same fx build sees
//! the same job again with the same policy and the same tools.
//!
//! **Key** (hex SHA-256 over a canonical JSON document): the module; the fx
//! build (`run_manifest.json`'s `fx_build`); the policy sections the module
//! reads (`limits`, `tools`, `safety`, `tenancy` and its own section); the
//! inventory entries (name, status, version, binary hash) of the tools it
//! may run and, for fx-probe, the linked libraries; the tenant; and the job
//! line as the stage receives it, less the run's own identifiers (`run_id`,
//! `artifact_id`, `artifact_seq`), which carries the artifact hash and every
//! earlier stage's events. A new tool version, policy value or fx build
//! therefore misses exactly the modules that read it; a new `flake.lock`
//! misses the modules whose tools it moved (their binary hashes change).
//!
//! **Entry** (`DIR/<module>/<2 hex>/<key>.json`): a header line (format,
//! key, the blobs the events refer to, and a SHA-256 check) and then the
//! events the stage appended, as the JSON array it serialized once. The
//! check covers the key, the blob list and those exact event bytes, so a hit
//! verifies it without serializing anything again. Blob bytes live in a
//! content-addressed [`BlobStore`] at `DIR/` (its `blobs/` and `tmp/`). A hit
//! verifies every blob against its hash as it copies it into the run's
//! store, then appends the events: the job line is byte-identical to a miss.
//! An entry that fails any check is counted as `corrupt`, recomputed and
//! replaced, never trusted. Jobs whose events hold a tool timeout or a panic
//! are not stored (a timeout is the one outcome that depends on the
//! machine). Entries and blobs are written to a temporary name and renamed,
//! so concurrent runs sharing a cache see whole files only. A cache that
//! cannot be written (a full disk) costs speed, not evidence: the failure is
//! counted (`store_failed`) and the stage goes on.
//!
//! The cache is per tenant (the tenant is in the key). Over its size cap the
//! least recently used entries are evicted when a stage that stored entries
//! ends. Hits, misses, corrupt entries, stores and evictions go to
//! `RUN/metrics/cache.jsonl` only.

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicU64;
use std::sync::atomic::Ordering::Relaxed;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::event::Event;
use crate::job::Job;
use crate::run::RunDir;
use crate::store::BlobStore;

/// Format tag of an entry; part of every key.
pub const ENTRY_FORMAT: &str = "fx-cache/2";
/// Default size cap of a cache directory: 1 GiB.
pub const DEFAULT_MAX_BYTES: u64 = 1 << 30;

/// What a module's cache key depends on besides the job, declared by each
/// stage ([`crate::stage::Stage::cache_scope`]).
#[derive(Clone, Copy, Debug)]
pub struct Scope {
    /// Its own policy section (`route`, `inspect`, …); the shared sections
    /// `limits`, `tools`, `safety` and `tenancy` are always in the key.
    pub policy_section: &'static str,
    /// Inventory names of the tools it may run (the sandbox tools `bwrap`
    /// and `unshare` are always in the key). `None`: every tool.
    pub tools: Option<&'static [&'static str]>,
    /// Whether the linked libraries (liboqs) are in the key.
    pub libraries: bool,
}

/// An open cache for one stage process.
#[derive(Debug)]
pub struct Cache {
    dir: PathBuf,
    /// The tool-output blobs the entries refer to.
    blobs: BlobStore,
    module: String,
    /// The run-wide part of every key (module, build, policy, tools).
    context: Vec<u8>,
    max_bytes: u64,
    hits: AtomicU64,
    misses: AtomicU64,
    corrupt: AtomicU64,
    stored: AtomicU64,
    uncacheable: AtomicU64,
    store_failed: AtomicU64,
    evicted: AtomicU64,
}

/// Outcomes of one stage process's lookups.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    /// Entries replayed.
    pub hits: u64,
    /// Lookups with no entry.
    pub misses: u64,
    /// Entries that failed a check (recomputed and replaced).
    pub corrupt: u64,
    /// Entries written.
    pub stored: u64,
    /// Jobs not stored (a tool timeout or a panic in their events).
    pub uncacheable: u64,
    /// Entries that could not be written (the stage went on without them).
    pub store_failed: u64,
    /// Entries evicted for the size cap.
    pub evicted: u64,
}

/// The header line of an entry; the events follow it.
#[derive(Serialize, Deserialize)]
struct Header {
    fx: String,
    key: String,
    blobs: Vec<String>,
    check: String,
}

/// The check of an entry: SHA-256 over the format, the key, the blob list
/// and the event bytes exactly as stored.
fn check_of(key: &str, blobs: &[String], events: &[u8]) -> String {
    let mut h = Sha256::new();
    for part in [ENTRY_FORMAT, key, &blobs.join(",")] {
        h.update(part.as_bytes());
        h.update(b"\0");
    }
    h.update(events);
    hex::encode(h.finalize())
}

impl Cache {
    /// Opens (making it if needed) the cache at `dir` for `module`, with the
    /// run-wide key context of `run` and `scope`. `None` when the run has no
    /// recorded fx build (nothing would tell two builds apart).
    pub fn open(
        dir: &Path,
        module: &str,
        scope: Scope,
        run: &RunDir,
        max_bytes: u64,
    ) -> Result<Option<Cache>> {
        let manifest = run.manifest();
        let Some(build) = manifest.fx_build.as_deref() else {
            return Ok(None);
        };
        let blobs = BlobStore::open(dir)?;
        let policy =
            serde_json::to_value(&manifest.policy).map_err(|e| Error::Other(e.to_string()))?;
        let mut sections = serde_json::Map::new();
        for s in ["limits", "tools", "safety", "tenancy", scope.policy_section] {
            sections.insert(s.to_owned(), policy.get(s).cloned().unwrap_or_default());
        }
        let inventory = run.inventory();
        let tools: Vec<serde_json::Value> = inventory
            .tools
            .iter()
            .filter(|t| {
                t.name == "bwrap"
                    || t.name == "unshare"
                    || scope
                        .tools
                        .is_none_or(|names| names.contains(&t.name.as_str()))
            })
            .map(|t| serde_json::to_value(t).unwrap_or_default())
            .collect();
        let libraries = if scope.libraries {
            serde_json::to_value(&inventory.libraries).unwrap_or_default()
        } else {
            serde_json::Value::Null
        };
        let context = serde_json::to_vec(&serde_json::json!({
            "fx": ENTRY_FORMAT,
            "module": module,
            "fx_build": build,
            "policy": sections,
            "tools": tools,
            "libraries": libraries,
        }))
        .map_err(|e| Error::Other(e.to_string()))?;
        Ok(Some(Cache {
            dir: dir.to_path_buf(),
            blobs,
            module: module.to_owned(),
            context,
            max_bytes,
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
            corrupt: AtomicU64::new(0),
            stored: AtomicU64::new(0),
            uncacheable: AtomicU64::new(0),
            store_failed: AtomicU64::new(0),
            evicted: AtomicU64::new(0),
        }))
    }

    /// The key of `job` as the stage receives it. The run's own
    /// identifiers are blanked for the one serialization and put back.
    pub fn key(&self, job: &mut Job) -> Result<String> {
        let run_id = std::mem::take(&mut job.run_id);
        let artifact_id = std::mem::take(&mut job.artifact.artifact_id);
        let seq = std::mem::replace(&mut job.artifact.artifact_seq, 0);
        let line = serde_json::to_vec(&*job);
        job.run_id = run_id;
        job.artifact.artifact_id = artifact_id;
        job.artifact.artifact_seq = seq;
        let line = line.map_err(|e| Error::Other(e.to_string()))?;
        let mut h = Sha256::new();
        h.update(&self.context);
        h.update(b"\0");
        h.update(job.artifact.intake.tenant.as_bytes());
        h.update(b"\0");
        h.update(line);
        Ok(hex::encode(h.finalize()))
    }

    fn entry_path(&self, key: &str) -> PathBuf {
        self.dir
            .join(&self.module)
            .join(&key[..2])
            .join(format!("{key}.json"))
    }

    /// The events stored under `key`, their blobs copied into `run`'s store;
    /// `Ok(None)` on a miss or a corrupt entry (counted).
    pub fn lookup(&self, key: &str, run: &RunDir) -> Option<Vec<Event>> {
        let path = self.entry_path(key);
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(_) => {
                self.misses.fetch_add(1, Relaxed);
                return None;
            }
        };
        match self.replay(key, &bytes, run) {
            Some(events) => {
                self.hits.fetch_add(1, Relaxed);
                // Touched: eviction removes the least recently used.
                let _ = std::fs::File::options()
                    .append(true)
                    .open(&path)
                    .and_then(|f| f.set_modified(std::time::SystemTime::now()));
                Some(events)
            }
            None => {
                self.corrupt.fetch_add(1, Relaxed);
                None
            }
        }
    }

    fn replay(&self, key: &str, bytes: &[u8], run: &RunDir) -> Option<Vec<Event>> {
        let split = memchr::memchr(b'\n', bytes)?;
        let header: Header = serde_json::from_slice(&bytes[..split]).ok()?;
        let events = &bytes[split + 1..];
        if header.fx != ENTRY_FORMAT
            || header.key != key
            || header.check != check_of(key, &header.blobs, events)
        {
            return None;
        }
        for hex in &header.blobs {
            let hash = format!("sha256:{hex}");
            if run.blobs().contains(&hash) {
                continue;
            }
            let data = self
                .blobs
                .read_verified(&hash, run.policy().limits.max_artifact_bytes)
                .ok()?;
            // Verified just now: published under its name without hashing
            // it a second time.
            let mut tmp = run.blobs().temp_file().ok()?;
            std::io::Write::write_all(&mut tmp, &data).ok()?;
            run.blobs().publish_temp(tmp, hex).ok()?;
        }
        serde_json::from_slice(events).ok()
    }

    /// Stores the events the stage appended to a job (`events`), with the
    /// blobs they refer to, unless they hold a tool timeout or a panic. A
    /// write that fails is counted, not fatal: the cache is an optimisation.
    pub fn store(&self, key: &str, events: &[Event], run: &RunDir) {
        if events.iter().any(|e| {
            e.tool.as_ref().is_some_and(|t| t.timed_out)
                || e.error
                    .as_ref()
                    .is_some_and(|x| x.kind == crate::vocab::FailureKind::InternalError)
        }) {
            self.uncacheable.fetch_add(1, Relaxed);
            return;
        }
        match self.write_entry(key, events, run) {
            Ok(()) => self.stored.fetch_add(1, Relaxed),
            Err(_) => self.store_failed.fetch_add(1, Relaxed),
        };
    }

    fn write_entry(&self, key: &str, events: &[Event], run: &RunDir) -> Result<()> {
        use std::io::Write;
        let text = serde_json::to_vec(events).map_err(|e| Error::Other(e.to_string()))?;
        let blobs = blob_refs(&text);
        for hex in &blobs {
            let hash = format!("sha256:{hex}");
            if !self.blobs.contains(&hash) {
                self.blobs.put_reader(run.blobs().open_blob(&hash)?)?;
            }
        }
        let header = Header {
            fx: ENTRY_FORMAT.to_owned(),
            key: key.to_owned(),
            check: check_of(key, &blobs, &text),
            blobs,
        };
        let mut tmp = self.blobs.temp_file()?;
        let tmp_path = tmp.path().to_path_buf();
        serde_json::to_writer(&mut tmp, &header).map_err(|e| Error::Other(e.to_string()))?;
        tmp.write_all(b"\n")
            .and_then(|()| tmp.write_all(&text))
            .map_err(|e| Error::io(&tmp_path, e))?;
        let path = self.entry_path(key);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        }
        tmp.persist(&path).map_err(|e| Error::io(&path, e.error))?;
        Ok(())
    }

    /// The outcomes so far.
    pub fn counts(&self) -> Counts {
        Counts {
            hits: self.hits.load(Relaxed),
            misses: self.misses.load(Relaxed),
            corrupt: self.corrupt.load(Relaxed),
            stored: self.stored.load(Relaxed),
            uncacheable: self.uncacheable.load(Relaxed),
            store_failed: self.store_failed.load(Relaxed),
            evicted: self.evicted.load(Relaxed),
        }
    }

    /// Evicts the least recently used entries while the cache is over its
    /// cap (down to 90% of it); blobs no entry names any more go with them.
    /// A process that stored nothing did not grow the cache and skips the
    /// walk.
    pub fn evict(&self) -> Result<()> {
        if self.stored.load(Relaxed) == 0 {
            return Ok(());
        }
        let mut entries: Vec<(std::time::SystemTime, u64, PathBuf)> = Vec::new();
        let mut total = 0u64;
        for path in files_under(&self.dir) {
            let Ok(meta) = std::fs::metadata(&path) else {
                continue;
            };
            total += meta.len();
            if path.extension().is_some_and(|e| e == "json") {
                let mtime = meta.modified().unwrap_or(std::time::UNIX_EPOCH);
                entries.push((mtime, meta.len(), path));
            }
        }
        if total <= self.max_bytes {
            return Ok(());
        }
        entries.sort();
        let goal = self.max_bytes / 10 * 9;
        for (_, len, path) in entries {
            if total <= goal {
                break;
            }
            if std::fs::remove_file(&path).is_ok() {
                total = total.saturating_sub(len);
                self.evicted.fetch_add(1, Relaxed);
            }
        }
        // Blobs no entry's header names any more (an entry being written
        // meanwhile whose blob goes finds it missing on replay: corrupt,
        // recomputed, never trusted).
        let mut named = std::collections::BTreeSet::new();
        for path in files_under(&self.dir) {
            if path.extension().is_some_and(|e| e == "json")
                && let Ok(bytes) = std::fs::read(&path)
                && let Some(split) = memchr::memchr(b'\n', &bytes)
                && let Ok(header) = serde_json::from_slice::<Header>(&bytes[..split])
            {
                named.extend(header.blobs);
            }
        }
        for path in files_under(&self.dir.join("blobs")) {
            let dir = path.parent().and_then(|d| d.file_name());
            let name = path.file_name();
            if let (Some(dir), Some(name)) = (dir, name) {
                let hex = format!("{}{}", dir.to_string_lossy(), name.to_string_lossy());
                if !named.contains(&hex) {
                    let _ = std::fs::remove_file(&path);
                }
            }
        }
        Ok(())
    }
}

/// Every blob a serialized event list refers to (`blobs/sha256/ab/<62 hex>`),
/// as 64 hex digits, sorted, once each.
fn blob_refs(text: &[u8]) -> Vec<String> {
    const PREFIX: &[u8] = b"blobs/sha256/";
    let mut out = std::collections::BTreeSet::new();
    for at in memchr::memmem::find_iter(text, PREFIX) {
        let rest = &text[at + PREFIX.len()..];
        // "ab/" then 62 more hex digits.
        if rest.len() >= 65 && rest[2] == b'/' {
            let hex: Vec<u8> = rest[..2].iter().chain(&rest[3..65]).copied().collect();
            if hex.iter().all(|c| c.is_ascii_hexdigit()) {
                out.insert(String::from_utf8_lossy(&hex).into_owned());
            }
        }
    }
    out.into_iter().collect()
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            match e.file_type() {
                Ok(t) if t.is_dir() => stack.push(p),
                Ok(t) if t.is_file() => out.push(p),
                _ => {}
            }
        }
    }
    out
}

/// Format tag of [`CacheMetrics`].
pub const CACHE_METRICS_FORMAT: &str = "metrics/cache/1";
/// Where [`CacheMetrics`] lines go, under the run directory.
pub const CACHE_METRICS_FILE: &str = "metrics/cache.jsonl";

/// One line of `RUN/metrics/cache.jsonl`: a stage process's lookups.
#[derive(Debug, Serialize, Deserialize)]
pub struct CacheMetrics {
    /// Format tag, `metrics/cache/1`.
    pub fx: String,
    /// The command.
    pub stage: String,
    /// The module.
    pub module: String,
    /// Its lookups.
    #[serde(flatten)]
    pub counts: Counts,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blob_refs_are_found_once_each_in_order() {
        let a = format!("blobs/sha256/ab/{}", "c".repeat(62));
        let b = format!("blobs/sha256/01/{}", "2".repeat(62));
        let text =
            format!(r#"[{{"ref":"{a}"}},{{"ref":"{b}"}},{{"ref":"{a}"}},"blobs/sha256/zz/short"]"#);
        assert_eq!(
            blob_refs(text.as_bytes()),
            [
                format!("01{}", "2".repeat(62)),
                format!("ab{}", "c".repeat(62))
            ]
        );
    }
}
