//! Lists that grow with the run, kept on disk instead of in memory.
//!
//! A finding names every artifact behind it and a CBOM component every
//! place it was found, so over a large run those lists are most of what a
//! report holds. [`Sorter`] takes their records in any order, keeps at most
//! a fixed number in memory (each full batch is sorted and written to an
//! unnamed temporary file, a "run"), and gives them back sorted by merging
//! the runs: memory follows the batch size and the number of runs, never
//! the number of records. [`Store`] keeps the sorted lists one after the
//! other in one more unnamed temporary file, each a [`Range`] read back as
//! often as a writer needs it. Records are JSON lines (the types already
//! round-trip through JSON); the files vanish when their handles close.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde::de::DeserializeOwned;

/// Records a [`Sorter`] holds in memory before it writes them out as a
/// sorted run (a finding's artifact is about 500 bytes in memory, so about
/// 16 MiB of them).
pub(crate) const BATCH: usize = 32_768;

/// Runs a [`Sorter`] keeps before it merges them into one (so that open
/// files and read buffers stay bounded however long the run).
const MAX_RUNS: usize = 64;

/// Sorts records of `T` (by its `Ord`; records that compare equal keep the
/// order they were pushed in) with at most `batch` of them in memory.
#[derive(Debug)]
pub(crate) struct Sorter<T> {
    dir: PathBuf,
    batch: usize,
    pending: Vec<T>,
    runs: Vec<File>,
}

impl<T: Ord + Serialize + DeserializeOwned> Sorter<T> {
    /// A sorter whose runs are unnamed temporary files in `dir`.
    pub(crate) fn new(dir: &Path, batch: usize) -> Sorter<T> {
        Sorter {
            dir: dir.to_owned(),
            batch: batch.max(1),
            pending: Vec::new(),
            runs: Vec::new(),
        }
    }

    /// A sorter that keeps every record in memory (it never writes a run).
    pub(crate) fn in_memory() -> Sorter<T> {
        Sorter {
            dir: PathBuf::new(),
            batch: usize::MAX,
            pending: Vec::new(),
            runs: Vec::new(),
        }
    }

    /// Adds a record.
    pub(crate) fn push(&mut self, item: T) -> io::Result<()> {
        self.pending.push(item);
        if self.pending.len() >= self.batch {
            self.write_run()?;
        }
        Ok(())
    }

    fn write_run(&mut self) -> io::Result<()> {
        // A stable sort: equal records stay in the order they came.
        self.pending.sort();
        let run = write_records(&self.dir, self.pending.drain(..).map(Ok))?;
        self.runs.push(run);
        if self.runs.len() >= MAX_RUNS {
            // Merged in order, earlier runs first, so equal records keep
            // the order they came in.
            let runs = std::mem::take(&mut self.runs);
            let merged = write_records(&self.dir, Merged::<T>::of(runs)?)?;
            self.runs.push(merged);
        }
        Ok(())
    }

    /// Every record pushed, sorted.
    pub(crate) fn finish(mut self) -> io::Result<Merged<T>> {
        if self.runs.is_empty() {
            self.pending.sort();
            return Ok(Merged {
                heap: BinaryHeap::new(),
                readers: Vec::new(),
                memory: Some(std::mem::take(&mut self.pending).into_iter()),
                line: Vec::new(),
            });
        }
        if !self.pending.is_empty() {
            self.write_run()?;
        }
        Merged::of(std::mem::take(&mut self.runs))
    }
}

/// Writes `records` as JSON lines to an unnamed temporary file in `dir`,
/// rewound for reading.
fn write_records<T: Serialize>(
    dir: &Path,
    records: impl Iterator<Item = io::Result<T>>,
) -> io::Result<File> {
    let mut w = BufWriter::with_capacity(1 << 16, tempfile::tempfile_in(dir)?);
    for item in records {
        serde_json::to_writer(&mut w, &item?)?;
        w.write_all(b"\n")?;
    }
    let mut file = w.into_inner().map_err(io::IntoInnerError::into_error)?;
    file.seek(SeekFrom::Start(0))?;
    Ok(file)
}

/// The records of a [`Sorter`], in order: a k-way merge of its runs (ties
/// go to the earlier run, so equal records keep their order).
pub(crate) struct Merged<T> {
    heap: BinaryHeap<Reverse<(T, usize)>>,
    readers: Vec<BufReader<File>>,
    memory: Option<std::vec::IntoIter<T>>,
    line: Vec<u8>,
}

impl<T: Ord + DeserializeOwned> Merged<T> {
    /// The merge of sorted `runs`.
    fn of(runs: Vec<File>) -> io::Result<Merged<T>> {
        let mut m = Merged {
            heap: BinaryHeap::new(),
            readers: runs
                .into_iter()
                .map(|f| BufReader::with_capacity(1 << 16, f))
                .collect(),
            memory: None,
            line: Vec::new(),
        };
        for i in 0..m.readers.len() {
            if let Some(item) = m.read(i)? {
                m.heap.push(Reverse((item, i)));
            }
        }
        Ok(m)
    }

    fn read(&mut self, run: usize) -> io::Result<Option<T>> {
        self.line.clear();
        if self.readers[run].read_until(b'\n', &mut self.line)? == 0 {
            return Ok(None);
        }
        Ok(Some(serde_json::from_slice(&self.line)?))
    }
}

impl<T: Ord + DeserializeOwned> Iterator for Merged<T> {
    type Item = io::Result<T>;

    fn next(&mut self) -> Option<io::Result<T>> {
        if let Some(m) = &mut self.memory {
            return m.next().map(Ok);
        }
        let Reverse((item, run)) = self.heap.pop()?;
        match self.read(run) {
            Ok(Some(next)) => self.heap.push(Reverse((next, run))),
            Ok(None) => {}
            Err(e) => return Some(Err(e)),
        }
        Some(Ok(item))
    }
}

/// Where one list lies in a [`Store`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Range {
    /// First byte.
    pub start: u64,
    /// One past the last byte.
    pub end: u64,
    /// Records in it.
    pub count: u64,
}

/// Sorted lists, one after the other in an unnamed temporary file.
#[derive(Debug)]
pub(crate) struct Store {
    file: File,
}

/// Appends lists to a [`Store`].
pub(crate) struct StoreWriter {
    w: BufWriter<File>,
    at: u64,
    open: Range,
}

impl StoreWriter {
    /// A store in `dir`.
    pub(crate) fn new(dir: &Path) -> io::Result<StoreWriter> {
        Ok(StoreWriter {
            w: BufWriter::with_capacity(1 << 16, tempfile::tempfile_in(dir)?),
            at: 0,
            open: Range::default(),
        })
    }

    /// Appends a record to the list being written.
    pub(crate) fn push(&mut self, item: &impl Serialize) -> io::Result<()> {
        let mut counted = Counting {
            w: &mut self.w,
            n: 0,
        };
        serde_json::to_writer(&mut counted, item)?;
        counted.write_all(b"\n")?;
        self.at += counted.n;
        self.open.count += 1;
        Ok(())
    }

    /// Ends the list being written (its records are those pushed since the
    /// last call) and returns where it lies.
    pub(crate) fn end_list(&mut self) -> Range {
        let r = Range {
            start: self.open.start,
            end: self.at,
            count: self.open.count,
        };
        self.open = Range {
            start: self.at,
            end: self.at,
            count: 0,
        };
        r
    }

    /// The store, ready to read.
    pub(crate) fn finish(self) -> io::Result<Store> {
        let file = self
            .w
            .into_inner()
            .map_err(io::IntoInnerError::into_error)?;
        Ok(Store { file })
    }
}

struct Counting<'a, W> {
    w: &'a mut W,
    n: u64,
}

impl<W: Write> Write for Counting<'_, W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.w.write(buf)?;
        self.n += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.w.flush()
    }
}

impl Store {
    /// The records of `range`, in order. Each read seeks first, so lists
    /// may be read in any order and more than once.
    pub(crate) fn read<T: DeserializeOwned>(&self, range: Range) -> Records<'_, T> {
        Records {
            file: &self.file,
            at: range.start,
            end: range.end,
            buf: Vec::new(),
            pos: 0,
            _t: std::marker::PhantomData,
        }
    }
}

/// The records of one [`Range`] of a [`Store`].
pub(crate) struct Records<'a, T> {
    file: &'a File,
    at: u64,
    end: u64,
    buf: Vec<u8>,
    pos: usize,
    _t: std::marker::PhantomData<T>,
}

impl<T: DeserializeOwned> Records<'_, T> {
    /// Reads the next chunk of the range after the whole lines left in
    /// `buf` (a partial last line is kept and completed).
    fn fill(&mut self) -> io::Result<()> {
        self.buf.drain(..self.pos);
        self.pos = 0;
        let want = (self.end - self.at).min(1 << 16) as usize;
        let old = self.buf.len();
        self.buf.resize(old + want, 0);
        let mut f = self.file;
        f.seek(SeekFrom::Start(self.at))?;
        f.read_exact(&mut self.buf[old..])?;
        self.at += want as u64;
        Ok(())
    }
}

impl<T: DeserializeOwned> Iterator for Records<'_, T> {
    type Item = io::Result<T>;

    fn next(&mut self) -> Option<io::Result<T>> {
        loop {
            if let Some(nl) = self.buf[self.pos..].iter().position(|b| *b == b'\n') {
                let line = &self.buf[self.pos..self.pos + nl];
                self.pos += nl + 1;
                return Some(serde_json::from_slice(line).map_err(io::Error::from));
            }
            if self.at >= self.end {
                return (self.pos < self.buf.len()).then(|| {
                    self.pos = self.buf.len();
                    Err(io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        "a spilled record is cut short",
                    ))
                });
            }
            if let Err(e) = self.fill() {
                self.at = self.end;
                self.buf.clear();
                self.pos = 0;
                return Some(Err(e));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn sorts_across_runs_keeping_equal_records_in_order() {
        let dir = tempfile::tempdir().unwrap();
        // Ordered by the first field only: the second tells the order they came in.
        #[derive(Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
        struct R(u32, u32);
        impl PartialOrd for R {
            fn partial_cmp(&self, o: &R) -> Option<std::cmp::Ordering> {
                Some(self.cmp(o))
            }
        }
        impl Ord for R {
            fn cmp(&self, o: &R) -> std::cmp::Ordering {
                self.0.cmp(&o.0)
            }
        }
        let input: Vec<R> = (0..1000u32).map(|i| R((i * 7919) % 97, i)).collect();
        let mut want: Vec<R> = input.iter().map(|r| R(r.0, r.1)).collect();
        want.sort();
        // 7: more runs than MAX_RUNS, merged into one on the way.
        for batch in [7, 1000, 5000] {
            let mut s = Sorter::new(dir.path(), batch);
            for r in &input {
                s.push(R(r.0, r.1)).unwrap();
            }
            let got: Vec<R> = s.finish().unwrap().map(Result::unwrap).collect();
            assert_eq!(got, want, "batch {batch}");
        }
        // Nothing is left behind in the directory: the runs are unnamed.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn store_gives_each_list_back_in_any_order() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = StoreWriter::new(dir.path()).unwrap();
        let mut ranges = Vec::new();
        for list in 0..5u64 {
            for i in 0..(list * 30_000) {
                w.push(&format!("{list}/{i}")).unwrap();
            }
            ranges.push(w.end_list());
        }
        let store = w.finish().unwrap();
        for (list, r) in ranges.iter().enumerate().rev() {
            let got: Vec<String> = store.read(*r).map(Result::unwrap).collect();
            assert_eq!(got.len() as u64, r.count);
            let want: Vec<String> = (0..(list as u64 * 30_000))
                .map(|i| format!("{list}/{i}"))
                .collect();
            assert_eq!(got, want);
        }
        // Two readers of different lists interleaved.
        let mut a = store.read::<String>(ranges[2]);
        let mut b = store.read::<String>(ranges[3]);
        for i in 0..60_000u64 {
            assert_eq!(a.next().unwrap().unwrap(), format!("2/{i}"));
            assert_eq!(b.next().unwrap().unwrap(), format!("3/{i}"));
        }
        assert!(a.next().is_none());
    }
}
