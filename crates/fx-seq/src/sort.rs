//! External merge sort of records by (`artifact_seq`, input line).
//!
//! Records accumulate in memory until they are charged more than half the
//! budget; then they are handed to a background thread that sorts them and
//! spills them as a *run* file in a private temporary directory (inside the
//! run directory, removed when the sorter is dropped, also on error), while
//! the next half fills. So at most the whole budget is held, and parsing
//! does not wait for the disk. At the end the runs and what is still in memory are
//! merged k ways. When there are more runs than [`MAX_FAN_IN`], groups of
//! runs are first merged into bigger runs, so the number of open files (and
//! their read buffers) stays bounded whatever the input size.
//!
//! Run file format: a sequence of `seq:u64le ‖ line:u64le ‖ len:u32le ‖ body`.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use fx_core::{Error, Result};

use crate::record::{Record, charge};

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

/// Accumulates records and spills sorted runs above a memory budget.
pub struct Sorter {
    pending: Option<std::thread::JoinHandle<Result<u64>>>,
    mem: Vec<Record>,
    mem_bytes: usize,
    budget: usize,
    dir: Option<tempfile::TempDir>,
    runs: Vec<PathBuf>,
    next_run: u64,
    stats: SortStats,
}

impl Sorter {
    /// A sorter spilling into a fresh temporary directory under `parent`.
    pub fn new(parent: &Path, budget: usize) -> Result<Sorter> {
        let dir = tempfile::Builder::new()
            .prefix(".fx-seq-spill-")
            .tempdir_in(parent)
            .map_err(|e| Error::io(parent, e))?;
        Ok(Sorter {
            pending: None,
            mem: Vec::new(),
            mem_bytes: 0,
            budget: budget.max(2),
            dir: Some(dir),
            runs: Vec::new(),
            next_run: 0,
            stats: SortStats::default(),
        })
    }

    /// Adds a record, spilling when the budget is exceeded.
    pub fn push(&mut self, r: Record) -> Result<()> {
        self.mem_bytes += charge(&r);
        self.mem.push(r);
        if self.mem_bytes > self.budget / 2 {
            self.spill()?;
        }
        Ok(())
    }

    fn new_run_path(&mut self) -> Result<PathBuf> {
        self.next_run += 1;
        let dir = self
            .dir
            .as_ref()
            .ok_or_else(|| Error::Other("fx-seq: sorter already finished".into()))?;
        Ok(dir.path().join(format!("run-{:06}", self.next_run)))
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
        let mut mem = std::mem::take(&mut self.mem);
        self.mem_bytes = 0;
        let path = self.new_run_path()?;
        self.runs.push(path.clone());
        self.stats.spill_runs += 1;
        self.pending = Some(std::thread::spawn(move || -> Result<u64> {
            mem.sort_unstable_by_key(|r| (r.seq, r.line));
            let mut w = RunWriter::create(&path)?;
            for r in &mem {
                w.write(r)?;
            }
            w.finish()
        }));
        Ok(())
    }

    /// Finishes the input: returns the records in (seq, line) order.
    pub fn finish(mut self) -> Result<Merged> {
        self.wait()?;
        self.mem.sort_unstable_by_key(|r| (r.seq, r.line));
        // Reduce the runs until one final merge can take them all.
        while self.runs.len() > MAX_FAN_IN {
            let group: Vec<PathBuf> = self.runs.drain(..MAX_FAN_IN).collect();
            let path = self.new_run_path()?;
            let mut w = RunWriter::create(&path)?;
            let mut m = Merge::new(
                group
                    .iter()
                    .map(|p| Source::open(p))
                    .collect::<Result<_>>()?,
            )?;
            while let Some(r) = m.next_record()? {
                w.write(&r)?;
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
            _dir: self.dir.take(),
        })
    }
}

impl Drop for Sorter {
    fn drop(&mut self) {
        // Let a spill in flight finish before its directory is removed.
        let _ = self.wait();
    }
}

/// The sorted records; owns the spill directory until dropped.
pub struct Merged {
    merge: Merge,
    stats: SortStats,
    _dir: Option<tempfile::TempDir>,
}

impl Merged {
    /// The next record in (seq, line) order.
    pub fn next_record(&mut self) -> Result<Option<Record>> {
        self.merge.next_record()
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

    fn write(&mut self, r: &Record) -> Result<()> {
        let len = u32::try_from(r.body.len())
            .map_err(|_| Error::Other("fx-seq: record over 4 GiB".into()))?;
        let io = |e| Error::io(&self.path, e);
        self.w.write_all(&r.seq.to_le_bytes()).map_err(io)?;
        self.w.write_all(&r.line.to_le_bytes()).map_err(io)?;
        self.w.write_all(&len.to_le_bytes()).map_err(io)?;
        self.w.write_all(&r.body).map_err(io)?;
        self.bytes += 20 + r.body.len() as u64;
        Ok(())
    }

    fn finish(mut self) -> Result<u64> {
        self.w.flush().map_err(|e| Error::io(&self.path, e))?;
        Ok(self.bytes)
    }
}

enum Source {
    Mem(std::vec::IntoIter<Record>),
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

    fn next_record(&mut self) -> Result<Option<Record>> {
        match self {
            Source::Mem(it) => Ok(it.next()),
            Source::File(r, path) => {
                let mut hdr = [0u8; 20];
                match read_exact_or_eof(r, &mut hdr) {
                    Ok(false) => return Ok(None),
                    Ok(true) => {}
                    Err(e) => return Err(Error::io(&*path, e)),
                }
                let u64_at = |i: usize| {
                    let mut b = [0u8; 8];
                    b.copy_from_slice(&hdr[i..i + 8]);
                    u64::from_le_bytes(b)
                };
                let seq = u64_at(0);
                let line = u64_at(8);
                let len = u32::from_le_bytes([hdr[16], hdr[17], hdr[18], hdr[19]]) as usize;
                let mut body = vec![0u8; len];
                r.read_exact(&mut body).map_err(|e| Error::io(&*path, e))?;
                Ok(Some(Record { seq, line, body }))
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
    heads: Vec<Option<Record>>,
    heap: BinaryHeap<Reverse<(u64, u64, usize)>>,
}

impl Merge {
    fn new(mut sources: Vec<Source>) -> Result<Merge> {
        let mut heads = Vec::with_capacity(sources.len());
        let mut heap = BinaryHeap::with_capacity(sources.len());
        for (i, s) in sources.iter_mut().enumerate() {
            let r = s.next_record()?;
            if let Some(r) = &r {
                heap.push(Reverse((r.seq, r.line, i)));
            }
            heads.push(r);
        }
        Ok(Merge {
            sources,
            heads,
            heap,
        })
    }

    fn next_record(&mut self) -> Result<Option<Record>> {
        let Some(Reverse((_, _, i))) = self.heap.pop() else {
            return Ok(None);
        };
        let next = self.sources[i].next_record()?;
        if let Some(r) = &next {
            self.heap.push(Reverse((r.seq, r.line, i)));
        }
        Ok(std::mem::replace(&mut self.heads[i], next))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn rec(seq: u64, line: u64) -> Record {
        Record {
            seq,
            line,
            body: format!("{seq}/{line}").into_bytes(),
        }
    }

    fn sorted_with_budget(budget: usize, n: u64) -> (Vec<(u64, u64)>, SortStats) {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Sorter::new(dir.path(), budget).unwrap();
        // A fixed permutation with repeats of seq.
        for i in 0..n {
            let seq = (i * 7919) % (n / 2 + 1);
            s.push(rec(seq, i + 1)).unwrap();
        }
        let mut m = s.finish().unwrap();
        let mut out = Vec::new();
        while let Some(r) = m.next_record().unwrap() {
            assert_eq!(r.body, format!("{}/{}", r.seq, r.line).into_bytes());
            out.push((r.seq, r.line));
        }
        let stats = m.stats();
        drop(m);
        // The spill directory is gone.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
        (out, stats)
    }

    #[test]
    fn spilling_gives_the_same_order_as_memory() {
        let (mem, st) = sorted_with_budget(usize::MAX, 500);
        assert_eq!(st.spill_runs, 0);
        let mut expected = mem.clone();
        expected.sort();
        assert_eq!(mem, expected);
        assert_eq!(mem.len(), 500);
        // One record per run: 500 runs, several merge passes.
        let (tiny, st) = sorted_with_budget(1, 500);
        assert_eq!(tiny, mem);
        assert!(st.merge_passes > 0, "{st:?}");
        let (some, st) = sorted_with_budget(2000, 500);
        assert_eq!(some, mem);
        assert!(st.spill_runs > 1);
    }
}
