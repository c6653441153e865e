//! Reading one file into the blob store, streamed.
//!
//! A file is opened with `O_NONBLOCK` and checked with `fstat` on the open
//! descriptor, so a path that became a FIFO between the walk and the open is
//! refused instead of blocking. Up to [`SMALL`] bytes are read into memory
//! and stored with [`BlobStore::put_bytes`] (which writes nothing when the
//! blob exists).
//!
//! Anything larger is streamed into a temporary file of the store, then
//! published by the store itself (atomic no-clobber rename): a partial blob
//! is never visible, an existing blob is never rewritten. The stream is a
//! two-stage pipeline over a few [`CHUNK`]-sized buffers: this thread reads
//! a buffer full and hashes it, a writer thread writes it out while the next
//! one is read and hashed. The temporary file is written with direct I/O
//! (`O_DIRECT`, see [`fx_core::os`]) where the
//! filesystem allows it: the bytes go from the buffer to the device
//! without the kernel's copy into freshly allocated page-cache pages, which
//! on a VM can cost more CPU than the SHA-256 itself (see docs/fx-ingest.md,
//! Performance); where it refuses (`EINVAL`, e.g. tmpfs before Linux 6.6,
//! some FUSE mounts) the same writes are buffered, done by the hashing
//! thread itself.
//! All-zero stretches of [`HOLE`] bytes are not written at all, so a sparse
//! multi-GB file stays sparse and costs no disk. Memory stays bounded by the
//! buffers (a few MiB per worker thread, reused from file to file).

use std::cell::RefCell;
use std::fs::{File, OpenOptions};
use std::io::{self, Read};
use std::os::unix::fs::{FileExt, OpenOptionsExt};
use std::path::Path;
use std::sync::mpsc;

use fx_core::store::{BlobRef, BlobStore};
use sha2::{Digest, Sha256};

use crate::walk::{io_reason, special};
use fx_core::os::{ALIGN, AlignedBuf};

/// Files up to this size are read whole before storing.
pub const SMALL: usize = 1024 * 1024;

/// Read size and write unit of the streamed path (a multiple of
/// [`ALIGN`], 4 KiB, and of [`HOLE`]).
pub const CHUNK: usize = 1024 * 1024;

/// All-zero aligned stretches of this size are left as holes.
pub const HOLE: usize = 1024 * 1024;

/// Chunks queued for the writer thread of a streamed file (besides the one
/// it writes and the one being read and hashed).
const QUEUE: usize = 2;

/// A stretch of zeros to compare against (a `memcmp`, fast in any build).
static ZEROS: [u8; HOLE] = [0u8; HOLE];

/// Result of reading one file: stored, or the reason it could not be read.
pub type Read1 = Result<BlobRef, String>;

/// How the temporary blob of a streamed file is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum WriteMode {
    /// Direct I/O where the filesystem accepts it, buffered otherwise.
    Auto,
    /// Test only: buffered writes only (as when the filesystem refuses
    /// direct I/O at the start).
    #[cfg(test)]
    Buffered,
    /// Test only: direct I/O accepted when switched on, the first direct
    /// write done, every later one refused with `EINVAL` (as a filesystem
    /// that wants another alignment would), so the switch to buffered writes
    /// in the middle of a file is exercised.
    #[cfg(test)]
    RefusedOnWrite,
}

/// Opens `path` and stores its bytes. The outer error is a failure of fx
/// (the store could not be written); the inner one is about the file.
pub fn store_file(store: &BlobStore, path: &Path) -> fx_core::Result<Read1> {
    store_file_with(store, path, WriteMode::Auto)
}

fn store_file_with(store: &BlobStore, path: &Path, mode: WriteMode) -> fx_core::Result<Read1> {
    let mut f = match OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)
    {
        Ok(f) => f,
        Err(e) => return Ok(Err(format!("cannot open: {}", io_reason(&e)))),
    };
    let len = match f.metadata() {
        Ok(m) if m.is_file() => m.len(),
        Ok(m) => return Ok(Err(special(&m.file_type()))),
        Err(e) => return Ok(Err(format!("cannot stat: {}", io_reason(&e)))),
    };
    if len > SMALL as u64 {
        // Large by fstat: streamed from the first byte. (Should it have
        // shrunk meanwhile, the stream stores the same blob put_bytes would.)
        fx_core::os::advise_sequential(&f);
        return stream_large(store, Vec::new(), f, mode);
    }
    // Sized from fstat so a small file takes one read plus the EOF read; the
    // size is only a hint (the file may change), the bytes read are what count.
    let mut head = Vec::with_capacity((len as usize).min(SMALL) + 1);
    if let Err(e) = (&mut f).take(SMALL as u64 + 1).read_to_end(&mut head) {
        return Ok(Err(format!("read error: {}", io_reason(&e))));
    }
    if head.len() <= SMALL {
        return store.put_bytes(&head).map(Ok);
    }
    stream_large(store, head, f, mode)
}

thread_local! {
    /// Stream buffers kept by each worker thread from one file to the next.
    static POOL: RefCell<Vec<AlignedBuf>> = const { RefCell::new(Vec::new()) };
}

fn take_buffers(count: usize) -> Vec<AlignedBuf> {
    let mut bufs: Vec<AlignedBuf> = POOL.with(|p| {
        let mut pool = p.borrow_mut();
        let keep = pool.len().saturating_sub(count);
        pool.split_off(keep)
    });
    while bufs.len() < count {
        bufs.push(AlignedBuf::new(CHUNK));
    }
    bufs
}

fn return_buffers(bufs: Vec<AlignedBuf>) {
    POOL.with(|p| p.borrow_mut().extend(bufs));
}

/// Streams `head` then the rest of `f` through SHA-256 into a temporary
/// file of the store, and publishes it.
fn stream_large(
    store: &BlobStore,
    head: Vec<u8>,
    mut f: File,
    mode: WriteMode,
) -> fx_core::Result<Read1> {
    let tmp = store.temp_file()?;
    let tmp_path = tmp.path().to_path_buf();
    let out = tmp.as_file();
    let direct = match mode {
        #[cfg(test)]
        WriteMode::Buffered => false,
        _ => fx_core::os::set_direct(out, true).is_ok(),
    };
    let mut sink = Sink {
        file: out,
        direct,
        refuse_direct: mode != WriteMode::Auto,
        written: Written::default(),
    };
    let mut hasher = Sha256::new();
    let mut size = 0u64;
    let mut read_error = None;
    let mut rest: &[u8] = &head;
    let mut next = |buf: &mut AlignedBuf| -> Option<usize> {
        let n = match fill(&mut f, &mut rest, buf) {
            Ok(n) => n,
            Err(e) => {
                read_error = Some(e);
                0
            }
        };
        hasher.update(&buf[..n]);
        size += n as u64;
        (n > 0).then_some(n)
    };
    let failed = if sink.direct {
        pipelined(&mut sink, &mut next)
    } else {
        // Buffered writes do not wait for the device: written here, while the
        // bytes are still in this core's cache.
        let mut bufs = take_buffers(1);
        let mut failed = None;
        let mut offset = 0;
        if let Some(buf) = bufs.first_mut() {
            while let Some(n) = next(buf) {
                if let Err(e) = sink.write(buf, n, offset) {
                    failed = Some(e);
                    break;
                }
                offset += n as u64;
                if n < buf.len() {
                    break; // a short fill is the end of the file
                }
            }
        }
        return_buffers(bufs);
        failed
    };
    #[cfg(test)]
    LAST_WRITTEN.with(|w| w.set(sink.written));
    let written = failed.map_or(Ok(()), Err);
    written.map_err(|e| fx_core::Error::io(&tmp_path, e))?;
    if let Some(e) = read_error {
        return Ok(Err(format!("read error: {}", io_reason(&e))));
    }
    // Cuts the padding of a direct write of the tail, extends over a final
    // hole.
    out.set_len(size)
        .map_err(|e| fx_core::Error::io(&tmp_path, e))?;
    let hex = hex::encode(hasher.finalize());
    let rel = BlobStore::rel_path(&hex);
    let created = if store.root().join(&rel).exists() {
        false
    } else {
        store.publish_temp(tmp, &hex)?
    };
    Ok(Ok(BlobRef {
        hash: format!("{}{hex}", fx_core::hashing::SHA256_PREFIX),
        rel,
        size,
        created,
    }))
}

/// Runs `next` (read and hash the next chunk into a buffer: its length, or
/// `None` at the end) on this thread and `sink` on a writer thread, with up
/// to [`QUEUE`] chunks queued between them. The first write error, if any.
fn pipelined(
    sink: &mut Sink<'_>,
    next: &mut dyn FnMut(&mut AlignedBuf) -> Option<usize>,
) -> Option<io::Error> {
    let (to_writer, queued) = mpsc::sync_channel::<(AlignedBuf, usize, u64)>(QUEUE);
    let (give_back, free) = mpsc::channel::<AlignedBuf>();
    let mut bufs = take_buffers(QUEUE + 2);
    let failed = std::thread::scope(|s| {
        let writer = s.spawn(move || {
            let mut failed = None;
            for (mut buf, len, offset) in queued {
                if failed.is_none() {
                    failed = sink.write(&mut buf, len, offset).err();
                }
                // The reader holds `free` until the writer has finished.
                let _ = give_back.send(buf);
            }
            failed
        });
        let mut offset = 0u64;
        // `free` runs dry only if the writer thread is gone (it panicked).
        while let Some(mut buf) = bufs.pop().or_else(|| free.recv().ok()) {
            let Some(n) = next(&mut buf) else {
                bufs.push(buf);
                break;
            };
            let full = n == buf.len();
            if to_writer.send((buf, n, offset)).is_err() {
                break;
            }
            offset += n as u64;
            if !full {
                break; // a short fill is the end of the file
            }
        }
        drop(to_writer);
        writer
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    });
    // Every buffer is back now that the writer has ended.
    bufs.extend(free.try_iter());
    return_buffers(bufs);
    failed
}

/// Fills `buf` from what is left of `head`, then from `f`; fewer bytes than
/// `buf.len()` only at the end of the file.
fn fill(f: &mut File, head: &mut &[u8], buf: &mut [u8]) -> io::Result<usize> {
    let k = head.len().min(buf.len());
    let (now, later) = head.split_at(k);
    buf[..k].copy_from_slice(now);
    *head = later;
    let mut n = k;
    while n < buf.len() {
        match f.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(got) => n += got,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

fn is_zero(s: &[u8]) -> bool {
    ZEROS.get(..s.len()) == Some(s)
}

/// The writing end: positioned writes of the non-zero stretches of a buffer.
struct Sink<'a> {
    file: &'a File,
    /// `O_DIRECT` is on: writes are padded to [`ALIGN`].
    direct: bool,
    /// Test only: direct writes after the first are answered `EINVAL` (see
    /// [`WriteMode`]).
    refuse_direct: bool,
    /// Bytes written with direct I/O, and buffered.
    written: Written,
}

/// Bytes of a temporary blob written with direct I/O and buffered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Written {
    direct: u64,
    buffered: u64,
}

#[cfg(test)]
thread_local! {
    /// What the last [`stream_large`] of this thread wrote, and how.
    static LAST_WRITTEN: std::cell::Cell<Written> = const {
        std::cell::Cell::new(Written { direct: 0, buffered: 0 })
    };
}

impl Sink<'_> {
    /// Writes `buf[..len]` at `offset` (a multiple of [`CHUNK`]), leaving
    /// all-zero [`HOLE`]-sized stretches unwritten.
    fn write(&mut self, buf: &mut AlignedBuf, len: usize, offset: u64) -> io::Result<()> {
        let mut run: Option<usize> = None;
        let mut i = 0;
        while i < len {
            let end = (i + HOLE).min(len);
            match (is_zero(&buf[i..end]), run) {
                (true, Some(start)) => {
                    self.write_run(buf, start, i, offset)?;
                    run = None;
                }
                (false, None) => run = Some(i),
                _ => {}
            }
            i = end;
        }
        match run {
            Some(start) => self.write_run(buf, start, len, offset),
            None => Ok(()),
        }
    }

    /// Writes `buf[start..end]` at `offset + start`. `start` is a multiple of
    /// [`HOLE`]; `end` is too except at the end of the file, where a direct
    /// write is padded with zeros to [`ALIGN`] (cut by the final `set_len`).
    fn write_run(
        &mut self,
        buf: &mut AlignedBuf,
        start: usize,
        end: usize,
        offset: u64,
    ) -> io::Result<()> {
        let at = offset + start as u64;
        if self.direct {
            let padded = end.div_ceil(ALIGN) * ALIGN; // <= buf.len(), a multiple of ALIGN
            buf[end..padded].fill(0);
            let r = if self.refuse_direct && self.written.direct > 0 {
                Err(io::Error::from_raw_os_error(libc::EINVAL))
            } else {
                self.file.write_all_at(&buf[start..padded], at)
            };
            match r {
                Ok(()) => {
                    self.written.direct += (end - start) as u64;
                    return Ok(());
                }
                // The filesystem wants other alignment or no direct I/O at
                // all: this write and the following ones are buffered.
                Err(e) if e.raw_os_error() == Some(libc::EINVAL) => {
                    fx_core::os::set_direct(self.file, false)?;
                    self.direct = false;
                }
                Err(e) => return Err(e),
            }
        }
        self.file.write_all_at(&buf[start..end], at)?;
        self.written.buffered += (end - start) as u64;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::io::{Seek, SeekFrom, Write};
    use std::os::unix::fs::MetadataExt;

    use super::*;

    /// Bytes that are not all zero in any aligned stretch (`seed` varies them).
    fn noise(len: usize, seed: u32) -> Vec<u8> {
        (0..len as u32)
            .map(|i| ((i ^ seed).wrapping_mul(2_654_435_761) >> 13) as u8 | 1)
            .collect()
    }

    /// A file of `len` bytes: noise, with the [`HOLE`]-aligned stretches
    /// listed in `zeros` (indexes of 1 MiB blocks) left as holes.
    fn sparse_file(p: &Path, len: usize, zeros: &[usize], seed: u32) -> Vec<u8> {
        let mut bytes = noise(len, seed);
        for &z in zeros {
            let s = z * HOLE;
            let e = (s + HOLE).min(len);
            bytes[s..e].fill(0);
        }
        let mut f = File::create(p).expect("create");
        for (i, c) in bytes.chunks(HOLE).enumerate() {
            if zeros.contains(&i) {
                f.seek(SeekFrom::Current(c.len() as i64)).expect("seek");
            } else {
                f.write_all(c).expect("write");
            }
        }
        f.set_len(len as u64).expect("length");
        bytes
    }

    fn tmp_is_empty(store: &BlobStore) -> bool {
        std::fs::read_dir(store.root().join("tmp"))
            .expect("tmp")
            .count()
            == 0
    }

    /// Stores files of awkward sizes (around the chunk and alignment
    /// boundaries, zero stretches at the start, in the middle and at the end)
    /// in `mode` under `root` and checks each blob byte for byte, its hash,
    /// that zero stretches cost no disk, and that no temporary file is left.
    fn round_trip(root: &Path, mode: WriteMode) {
        let store = BlobStore::open(root.join("artifacts")).expect("store");
        let direct_ok = {
            let probe = store.temp_file().expect("probe");
            fx_core::os::set_direct(probe.as_file(), true).is_ok()
        };
        let cases: [(usize, &[usize]); 7] = [
            (SMALL + 1, &[]),
            (CHUNK * 3, &[]),
            (CHUNK * 3 + 1, &[]),
            (5 * HOLE + ALIGN + 17, &[0, 2, 3]),
            (6 * HOLE, &[4, 5]),
            (4 * HOLE + 100, &[4]),
            (8 * HOLE + 5, &[1, 2, 3, 4, 5, 6]),
        ];
        for (i, (len, zeros)) in cases.into_iter().enumerate() {
            let p = root.join(format!("f{i}"));
            let bytes = sparse_file(&p, len, zeros, i as u32);
            let b = store_file_with(&store, &p, mode)
                .expect("store ok")
                .expect("readable");
            assert_eq!(b.hash, fx_core::hashing::sha256_tagged(&bytes), "case {i}");
            assert_eq!(b.size, len as u64, "case {i}");
            assert!(b.created, "case {i}");
            let blob = store.root().join(&b.rel);
            assert!(std::fs::read(&blob).expect("blob") == bytes, "case {i}");
            store.verify(&b.hash).expect("verifies");
            let w = LAST_WRITTEN.with(|w| w.get());
            let zero_bytes: usize = zeros.iter().map(|&z| HOLE.min(len - z * HOLE)).sum();
            let data = (len - zero_bytes) as u64;
            assert_eq!(
                w.direct + w.buffered,
                data,
                "case {i}: every non-zero byte written once"
            );
            match mode {
                WriteMode::Auto => assert_eq!(w.direct > 0, direct_ok, "case {i}: {w:?}"),
                WriteMode::Buffered => assert_eq!(w.direct, 0, "case {i}"),
                // Direct for the first write, buffered after the refusal.
                WriteMode::RefusedOnWrite if direct_ok => {
                    assert!(w.direct > 0 && w.buffered > 0, "case {i}: {w:?}")
                }
                WriteMode::RefusedOnWrite => assert_eq!(w.direct, 0, "case {i}"),
            }
            let allocated = std::fs::metadata(&blob).expect("stat").blocks() * 512;
            // Zero stretches are holes: at most the data (rounded to blocks)
            // is allocated (a filesystem may allocate less, never the holes).
            assert!(
                zeros.is_empty() || allocated < data + HOLE as u64,
                "case {i}: {allocated} bytes allocated for {data} bytes of data"
            );
            assert!(tmp_is_empty(&store), "case {i}");
        }
    }

    #[test]
    fn direct_io_round_trip() {
        let d = tempfile::tempdir().expect("tempdir");
        round_trip(d.path(), WriteMode::Auto);
    }

    #[test]
    fn buffered_fallback_round_trip() {
        let d = tempfile::tempdir().expect("tempdir");
        round_trip(d.path(), WriteMode::Buffered);
    }

    #[test]
    fn direct_io_refused_mid_file_falls_back_to_buffered() {
        let d = tempfile::tempdir().expect("tempdir");
        round_trip(d.path(), WriteMode::RefusedOnWrite);
    }

    #[test]
    fn tmpfs_round_trip() {
        // tmpfs refuses O_DIRECT on older kernels (the open or fcntl answers
        // EINVAL) and accepts it on newer ones: either way the blobs must
        // come out whole.
        let shm = Path::new("/dev/shm");
        if !shm.is_dir() {
            eprintln!("no /dev/shm: skipped");
            return;
        }
        let d = tempfile::tempdir_in(shm).expect("tempdir on tmpfs");
        round_trip(d.path(), WriteMode::Auto);
    }

    #[test]
    fn streamed_after_a_head_read_first() {
        // A file that fstat called small but that had grown: its first
        // SMALL + 1 bytes were read into memory before streaming.
        let d = tempfile::tempdir().expect("tempdir");
        let store = BlobStore::open(d.path().join("artifacts")).expect("store");
        let p = d.path().join("grown");
        let bytes = sparse_file(&p, 3 * CHUNK + 3 * HOLE + 9, &[5], 7);
        for mode in [WriteMode::Auto, WriteMode::Buffered] {
            let mut f = File::open(&p).expect("open");
            let mut head = vec![0u8; SMALL + 1];
            f.read_exact(&mut head).expect("head");
            let b = stream_large(&store, head, f, mode)
                .expect("store ok")
                .expect("readable");
            assert_eq!(b.hash, fx_core::hashing::sha256_tagged(&bytes));
            assert_eq!(b.size, bytes.len() as u64);
            assert!(std::fs::read(store.root().join(&b.rel)).expect("blob") == bytes);
        }
        assert!(tmp_is_empty(&store));
    }

    #[test]
    fn read_error_while_streaming_is_about_the_file() {
        // /proc/self/mem opens and fails on read at offset 0 (not mapped).
        let d = tempfile::tempdir().expect("tempdir");
        let store = BlobStore::open(d.path().join("artifacts")).expect("store");
        for mode in [WriteMode::Auto, WriteMode::Buffered] {
            for head in [Vec::new(), noise(SMALL + 1, 3)] {
                let f = File::open("/proc/self/mem").expect("open");
                let r = stream_large(&store, head, f, mode).expect("no fx failure");
                let e = r.expect_err("unreadable");
                assert!(e.starts_with("read error: "), "{e}");
            }
        }
        assert!(tmp_is_empty(&store));
    }

    #[test]
    fn large_files_are_streamed_and_holes_kept() {
        let d = tempfile::tempdir().expect("tempdir");
        let store = BlobStore::open(d.path().join("artifacts")).expect("store");
        let p = d.path().join("big");
        {
            let mut f = File::create(&p).expect("create");
            f.write_all(b"head").expect("write");
            f.set_len(5 * 1024 * 1024).expect("extend");
            f.seek(SeekFrom::End(0)).expect("seek");
            f.write_all(b"tail").expect("write");
        }
        let bytes = std::fs::read(&p).expect("read");
        let b = store_file(&store, &p).expect("store ok").expect("readable");
        assert_eq!(b.hash, fx_core::hashing::sha256_tagged(&bytes));
        assert_eq!(b.size, bytes.len() as u64);
        assert!(b.created);
        assert_eq!(
            std::fs::read(store.root().join(&b.rel)).expect("blob"),
            bytes
        );
        let again = store_file(&store, &p).expect("store ok").expect("readable");
        assert!(!again.created);
        assert_eq!(
            std::fs::read_dir(store.root().join("tmp"))
                .expect("tmp")
                .count(),
            0
        );
    }

    #[test]
    fn fifo_is_never_read() {
        let d = tempfile::tempdir().expect("tempdir");
        let store = BlobStore::open(d.path().join("artifacts")).expect("store");
        let p = d.path().join("fifo");
        let status = std::process::Command::new("mkfifo")
            .arg(&p)
            .status()
            .expect("mkfifo");
        assert!(status.success());
        let r = store_file(&store, &p).expect("no fx failure");
        assert_eq!(r, Err("fifo: special files are never read".to_owned()));
    }
}
