//! External merge sort of [`Key`]s by (`artifact_seq`, input line).
//!
//! Keys accumulate in memory until they take more than half the budget;
//! then they are handed to a background thread that sorts them and spills
//! them as a *run* file in a private temporary directory (inside the run
//! directory, removed when the sorter is dropped, also on error), while the
//! next half fills. So at most the whole budget is held, and reading does
//! not wait for the disk. At the end the runs and what is still in memory
//! are merged k ways. When there are more runs than [`MAX_FAN_IN`], groups
//! of runs are first merged into bigger runs, so the number of open files
//! (and their read buffers) stays bounded whatever the input size.
//!
//! A key is 28 bytes, so the default 64 MiB budget holds about a million
//! jobs before the first spill, whatever the size of their lines.
//!
//! Run file format: a sequence of [`Key::encode`] records.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use fx_core::{Error, Result};

use crate::input::{KEY_BYTES, Key};

/// Most runs merged at once.
pub const MAX_FAN_IN: usize = 64;
const RUN_BUF: usize = 256 * 1024;

/// Counters of a sort.
#[derive(Clone, Copy, Debug, Default)]
pub struct SortStats {
    /// Runs spilled to disk (including intermediate merge outputs).
    pub spill_runs: u64,
    /// Intermediate merge passes (groups merged before the final merge).
    pub merge_passes: u64,
    /// Bytes written to run files.
    pub spilled_bytes: u64,
}

/// Accumulates keys and spills sorted runs above a memory budget.
pub struct Sorter {
    pending: Option<std::thread::JoinHandle<Result<u64>>>,
    mem: Vec<Key>,
    /// Keys held in memory before a spill.
    cap: usize,
    dir: tempfile::TempDir,
    runs: Vec<PathBuf>,
    next_run: u64,
    stats: SortStats,
}

impl Sorter {
    /// A sorter of at most `budget` bytes of keys, spilling into a fresh
    /// temporary directory under `parent`.
    pub fn new(parent: &Path, budget: usize) -> Result<Sorter> {
        let dir = tempfile::Builder::new()
            .prefix(".fx-seq-spill-")
            .tempdir_in(parent)
            .map_err(|e| Error::io(parent, e))?;
        Ok(Sorter {
            pending: None,
            mem: Vec::new(),
            cap: (budget / 2 / std::mem::size_of::<Key>()).max(1),
            dir,
            runs: Vec::new(),
            next_run: 0,
            stats: SortStats::default(),
        })
    }

    /// The sorter's private directory (removed with it).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// Adds a key, spilling when the budget is reached.
    pub fn push(&mut self, k: Key) -> Result<()> {
        if self.mem.len() == self.mem.capacity() && self.mem.len() < self.cap {
            // Grow by doubling, but never past the cap.
            let want = (self.mem.len() * 2).max(1024).min(self.cap);
            self.mem.reserve_exact(want - self.mem.len());
        }
        self.mem.push(k);
        if self.mem.len() >= self.cap {
            self.spill()?;
        }
        Ok(())
    }

    fn new_run_path(&mut self) -> PathBuf {
        self.next_run += 1;
        self.dir.path().join(format!("run-{:06}", self.next_run))
    }

    /// Waits for the spill in flight, if any.
    fn wait(&mut self) -> Result<()> {
        if let Some(h) = self.pending.take() {
            let bytes = h
                .join()
                .map_err(|_| Error::Other("fx-seq: spill thread panicked".into()))??;
            self.stats.spilled_bytes += bytes;
        }
        Ok(())
    }

    fn spill(&mut self) -> Result<()> {
        self.wait()?;
        if self.mem.is_empty() {
            return Ok(());
        }
        let mut mem = std::mem::replace(&mut self.mem, Vec::with_capacity(self.cap));
        let path = self.new_run_path();
        self.runs.push(path.clone());
        self.stats.spill_runs += 1;
        self.pending = Some(std::thread::spawn(move || -> Result<u64> {
            mem.sort_unstable();
            let mut w = RunWriter::create(&path)?;
            for k in &mem {
                w.write(k)?;
            }
            w.finish()
        }));
        Ok(())
    }

    /// Finishes the input: returns the keys in (seq, line) order.
    pub fn finish(mut self) -> Result<Merged> {
        self.wait()?;
        self.mem.sort_unstable();
        // Reduce the runs until one final merge can take them all.
        while self.runs.len() > MAX_FAN_IN {
            let group: Vec<PathBuf> = self.runs.drain(..MAX_FAN_IN).collect();
            let path = self.new_run_path();
            let mut w = RunWriter::create(&path)?;
            let mut m = Merge::new(
                group
                    .iter()
                    .map(|p| Source::open(p))
                    .collect::<Result<_>>()?,
            )?;
            while let Some(k) = m.next_key()? {
                w.write(&k)?;
            }
            self.stats.spilled_bytes += w.finish()?;
            self.stats.spill_runs += 1;
            self.stats.merge_passes += 1;
            drop(m);
            for p in &group {
                std::fs::remove_file(p).map_err(|e| Error::io(p, e))?;
            }
            self.runs.push(path);
        }
        let mut sources: Vec<Source> = self
            .runs
            .iter()
            .map(|p| Source::open(p))
            .collect::<Result<_>>()?;
        sources.push(Source::Mem(std::mem::take(&mut self.mem).into_iter()));
        Ok(Merged {
            merge: Merge::new(sources)?,
            stats: self.stats,
        })
    }
}

impl Drop for Sorter {
    fn drop(&mut self) {
        // Let a spill in flight finish before its directory is removed.
        let _ = self.wait();
    }
}

/// The sorted keys. The spill files stay open (and so readable) even once
/// the sorter's directory is gone.
pub struct Merged {
    merge: Merge,
    stats: SortStats,
}

impl Merged {
    /// The next key in (seq, line) order.
    pub fn next_key(&mut self) -> Result<Option<Key>> {
        self.merge.next_key()
    }

    /// Spill counters.
    pub fn stats(&self) -> SortStats {
        self.stats
    }
}

struct RunWriter {
    w: BufWriter<File>,
    path: PathBuf,
    bytes: u64,
}

impl RunWriter {
    fn create(path: &Path) -> Result<RunWriter> {
        let f = File::create(path).map_err(|e| Error::io(path, e))?;
        Ok(RunWriter {
            w: BufWriter::with_capacity(RUN_BUF, f),
            path: path.to_owned(),
            bytes: 0,
        })
    }

    fn write(&mut self, k: &Key) -> Result<()> {
        self.w
            .write_all(&k.encode())
            .map_err(|e| Error::io(&self.path, e))?;
        self.bytes += KEY_BYTES as u64;
        Ok(())
    }

    fn finish(mut self) -> Result<u64> {
        self.w.flush().map_err(|e| Error::io(&self.path, e))?;
        Ok(self.bytes)
    }
}

enum Source {
    Mem(std::vec::IntoIter<Key>),
    File(BufReader<File>, PathBuf),
}

impl Source {
    fn open(path: &Path) -> Result<Source> {
        let f = File::open(path).map_err(|e| Error::io(path, e))?;
        Ok(Source::File(
            BufReader::with_capacity(RUN_BUF, f),
            path.to_owned(),
        ))
    }

    fn next_key(&mut self) -> Result<Option<Key>> {
        match self {
            Source::Mem(it) => Ok(it.next()),
            Source::File(r, path) => {
                let mut b = [0u8; KEY_BYTES];
                match read_exact_or_eof(r, &mut b) {
                    Ok(false) => Ok(None),
                    Ok(true) => Ok(Some(Key::decode(&b))),
                    Err(e) => Err(Error::io(&*path, e)),
                }
            }
        }
    }
}

/// Reads exactly `buf.len()` bytes; `Ok(false)` on a clean end of file.
fn read_exact_or_eof(r: &mut impl Read, buf: &mut [u8]) -> std::io::Result<bool> {
    let mut got = 0;
    while got < buf.len() {
        match r.read(&mut buf[got..]) {
            Ok(0) if got == 0 => return Ok(false),
            Ok(0) => return Err(std::io::ErrorKind::UnexpectedEof.into()),
            Ok(n) => got += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(true)
}

/// k-way merge over sorted sources.
struct Merge {
    sources: Vec<Source>,
    heap: BinaryHeap<Reverse<(Key, usize)>>,
}

impl Merge {
    fn new(mut sources: Vec<Source>) -> Result<Merge> {
        let mut heap = BinaryHeap::with_capacity(sources.len());
        for (i, s) in sources.iter_mut().enumerate() {
            if let Some(k) = s.next_key()? {
                heap.push(Reverse((k, i)));
            }
        }
        Ok(Merge { sources, heap })
    }

    fn next_key(&mut self) -> Result<Option<Key>> {
        let Some(Reverse((k, i))) = self.heap.pop() else {
            return Ok(None);
        };
        if let Some(next) = self.sources[i].next_key()? {
            self.heap.push(Reverse((next, i)));
        }
        Ok(Some(k))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn key(seq: u64, line: u64) -> Key {
        Key {
            seq,
            line,
            off: seq * 1000 + line,
            len: line as u32,
        }
    }

    fn sorted_with_budget(budget: usize, n: u64) -> (Vec<Key>, SortStats) {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Sorter::new(dir.path(), budget).unwrap();
        // A fixed permutation with repeats of seq.
        for i in 0..n {
            let seq = (i * 7919) % (n / 2 + 1);
            s.push(key(seq, i + 1)).unwrap();
        }
        let mut m = s.finish().unwrap();
        // The spill directory is gone; the open runs still read.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
        let mut out = Vec::new();
        while let Some(k) = m.next_key().unwrap() {
            assert_eq!(k, key(k.seq, k.line));
            out.push(k);
        }
        (out, m.stats())
    }

    #[test]
    fn spilling_gives_the_same_order_as_memory() {
        let (mem, st) = sorted_with_budget(usize::MAX, 500);
        assert_eq!(st.spill_runs, 0);
        let mut expected = mem.clone();
        expected.sort();
        assert_eq!(mem, expected);
        assert_eq!(mem.len(), 500);
        // One key per run: 500 runs, several merge passes.
        let (tiny, st) = sorted_with_budget(1, 500);
        assert_eq!(tiny, mem);
        assert!(st.merge_passes > 0, "{st:?}");
        let (some, st) = sorted_with_budget(2000, 500);
        assert_eq!(some, mem);
        assert!(st.spill_runs > 1);
    }
}
