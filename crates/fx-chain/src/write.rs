//! Writing a writer's chain: stage leaves files, gather entries, commit.
//!
//! Leaves files are staged in `manifests/evidence/.staging-<writer>-<pid>/`
//! and the whole set replaces `manifests/evidence/<writer>/` on commit; the
//! chain file and the root are written to a temporary file and renamed.
//! A commit removes `manifests/evidence_root.sig`: it signed the previous
//! root.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use crate::entry::{Content, Entry, is_text_path};
use crate::error::{ChainError, Result};
use crate::leaves::{LeafSink, hash_file, hash_lines};
use crate::root::{Root, current_heads};
use crate::{CHAIN_FORMAT, EVIDENCE_DIR, ROOT_FILE, SIGNATURE_FILE, Writer, ZERO_HASH, is_private};

/// One writer's chain being written.
pub struct Chain {
    run: PathBuf,
    writer: Writer,
    stage: PathBuf,
    entries: BTreeMap<String, Content>,
    committed: bool,
}

/// Opens leaf sinks in a chain's staging directory; cheap to clone and
/// send to the threads that write the files.
#[derive(Clone, Debug)]
pub struct Sinks {
    writer: Writer,
    stage: PathBuf,
}

impl Sinks {
    /// A sink for the text file `path` (relative to the run, `/`-separated).
    pub fn open(&self, path: &str) -> Result<LeafSink> {
        check_path(path)?;
        LeafSink::create(
            path.to_owned(),
            self.writer.leaves_file(path),
            self.stage.join(format!("{path}.leaves")),
        )
    }
}

fn check_path(path: &str) -> Result<()> {
    let bad = |reason| {
        Err(ChainError::BadPath {
            path: path.to_owned(),
            reason,
        })
    };
    if path.is_empty() || path.starts_with('/') {
        return bad("not a relative path");
    }
    if path
        .split('/')
        .any(|c| c.is_empty() || c == "." || c == "..")
    {
        return bad("empty, `.` or `..` component");
    }
    if path.contains('\n') {
        return bad("newline in the name");
    }
    Ok(())
}

impl Chain {
    /// Starts the chain of `writer` in the run directory `run`.
    pub fn begin(run: &Path, writer: Writer) -> Result<Chain> {
        let dir = run.join(EVIDENCE_DIR);
        std::fs::create_dir_all(&dir).map_err(|e| ChainError::io(&dir, e))?;
        remove_leftovers(&dir, writer)?;
        let stage = dir.join(format!(".staging-{}-{}", writer.name(), std::process::id()));
        std::fs::create_dir(&stage).map_err(|e| ChainError::io(&stage, e))?;
        Ok(Chain {
            run: run.to_owned(),
            writer,
            stage,
            entries: BTreeMap::new(),
            committed: false,
        })
    }

    /// Sinks for files hashed line by line as they are written.
    pub fn sinks(&self) -> Sinks {
        Sinks {
            writer: self.writer,
            stage: self.stage.clone(),
        }
    }

    /// Adds an entry (from [`crate::LeafSink::finish`]).
    pub fn add(&mut self, path: String, content: Content) -> Result<()> {
        check_path(&path)?;
        if self.entries.contains_key(&path) {
            return Err(ChainError::Duplicate {
                writer: self.writer.name(),
                path,
            });
        }
        self.entries.insert(path, content);
        Ok(())
    }

    /// Adds every file under `dir` (relative to the run), hashed now:
    /// text files ([`is_text_path`]) line by line, others whole. Hidden
    /// names (temporary files) are skipped.
    pub fn add_tree(&mut self, dir: &str) -> Result<()> {
        let mut files = Vec::new();
        walk(&self.run, &self.run.join(dir), &mut files)?;
        files.sort();
        for path in files {
            let file = self.run.join(&path);
            let content = if is_text_path(&path) {
                hash_lines(
                    &file,
                    self.writer.leaves_file(&path),
                    self.stage.join(format!("{path}.leaves")),
                )?
            } else {
                hash_file(&file)?
            };
            self.add(path, content)?;
        }
        Ok(())
    }

    /// Writes the chain and the root; returns the root.
    pub fn commit(mut self) -> Result<Root> {
        let w = self.writer;
        let evidence = self.run.join(EVIDENCE_DIR);
        // The leaves: the staged set replaces the old one.
        let live = self.run.join(w.leaves_dir());
        let old = evidence.join(format!(".old-{}-{}", w.name(), std::process::id()));
        if live.exists() {
            std::fs::rename(&live, &old).map_err(|e| ChainError::io(&live, e))?;
        }
        std::fs::rename(&self.stage, &live).map_err(|e| ChainError::io(&live, e))?;
        self.committed = true;
        if old.exists() {
            std::fs::remove_dir_all(&old).map_err(|e| ChainError::io(&old, e))?;
        }
        // The chain.
        let mut text = Vec::new();
        let mut prev = ZERO_HASH.to_owned();
        for (path, content) in std::mem::take(&mut self.entries) {
            let entry = Entry {
                fx: CHAIN_FORMAT.to_owned(),
                writer: w.name().to_owned(),
                path,
                content,
                prev,
            };
            let line = serde_json::to_vec(&entry)?;
            prev = crate::sha256_hex(&line);
            text.extend_from_slice(&line);
            text.push(b'\n');
        }
        write_atomic(&self.run.join(w.chain_file()), &text)?;
        // The root, over every writer's chain as it now is.
        let root = Root::over(current_heads(&self.run)?);
        write_atomic(&self.run.join(ROOT_FILE), &root.to_bytes()?)?;
        let sig = self.run.join(SIGNATURE_FILE);
        match std::fs::remove_file(&sig) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(ChainError::io(&sig, e));
            }
            _ => {}
        }
        Ok(root)
    }
}

/// Removes what a killed pass of `writer` left in `dir` (its staging and
/// replaced leaves directories, temporary chain files): one pass of a
/// writer runs on a run at a time (fx-seq holds the run's lock).
fn remove_leftovers(dir: &Path, writer: Writer) -> Result<()> {
    let rd = std::fs::read_dir(dir).map_err(|e| ChainError::io(dir, e))?;
    let prefixes = [
        format!(".staging-{}-", writer.name()),
        format!(".old-{}-", writer.name()),
        format!(".{}.jsonl.tmp-", writer.name()),
    ];
    for e in rd {
        let e = e.map_err(|e| ChainError::io(dir, e))?;
        let name = e.file_name().to_string_lossy().into_owned();
        if !prefixes.iter().any(|p| name.starts_with(p.as_str())) {
            continue;
        }
        let p = e.path();
        let gone = match e.file_type().map_err(|e| ChainError::io(&p, e))?.is_dir() {
            true => std::fs::remove_dir_all(&p),
            false => std::fs::remove_file(&p),
        };
        gone.map_err(|e| ChainError::io(&p, e))?;
    }
    Ok(())
}

impl Drop for Chain {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.stage);
        }
    }
}

/// Every file under `dir`, as `/`-separated paths relative to `run`,
/// hidden names skipped.
fn walk(run: &Path, dir: &Path, out: &mut Vec<String>) -> Result<()> {
    let rd = match std::fs::read_dir(dir) {
        Ok(rd) => rd,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(ChainError::io(dir, e)),
    };
    for e in rd {
        let e = e.map_err(|e| ChainError::io(dir, e))?;
        let name = e.file_name();
        let p = e.path();
        let Some(name) = name.to_str() else {
            return Err(ChainError::BadPath {
                path: p.to_string_lossy().into_owned(),
                reason: "not UTF-8",
            });
        };
        if is_private(name) {
            continue;
        }
        let ft = e.file_type().map_err(|e| ChainError::io(&p, e))?;
        if ft.is_dir() {
            walk(run, &p, out)?;
        } else {
            out.push(relative(run, &p)?);
        }
    }
    Ok(())
}

/// `path` relative to `run`, `/`-separated.
pub(crate) fn relative(run: &Path, path: &Path) -> Result<String> {
    let rel = path.strip_prefix(run).map_err(|_| ChainError::BadPath {
        path: path.to_string_lossy().into_owned(),
        reason: "outside the run directory",
    })?;
    let parts: Option<Vec<&str>> = rel.components().map(|c| c.as_os_str().to_str()).collect();
    parts
        .map(|p| p.join("/"))
        .ok_or_else(|| ChainError::BadPath {
            path: path.to_string_lossy().into_owned(),
            reason: "not UTF-8",
        })
}

/// Writes `bytes` to a temporary file beside `path`, syncs it and renames it.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.tmp-{}", std::process::id()));
    let mut f = std::fs::File::create(&tmp).map_err(|e| ChainError::io(&tmp, e))?;
    f.write_all(bytes).map_err(|e| ChainError::io(&tmp, e))?;
    f.sync_data().map_err(|e| ChainError::io(&tmp, e))?;
    std::fs::rename(&tmp, path).map_err(|e| ChainError::io(path, e))
}

/// Records every file under `writer`'s directory ([`Writer::dir`]) as it
/// now is, as the writer's whole chain, and updates the root: the one call
/// a writer makes once its files are in place.
pub fn record_tree(run: &Path, writer: Writer) -> Result<Root> {
    let mut chain = Chain::begin(run, writer)?;
    chain.add_tree(writer.dir())?;
    chain.commit()
}
