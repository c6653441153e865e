//! An output file written around the page cache (`O_DIRECT`) when the
//! filesystem allows it.
//!
//! fx-seq writes several times its input (every event lands in
//! `events.jsonl`, in its module's file and in `jobs.jsonl`), and all of it
//! is synced before the commit. Through the page cache, each byte is first
//! copied into the kernel and later written back, and that copy cost more
//! CPU than everything else fx-seq does; with `O_DIRECT` the device reads
//! the bytes straight from this writer's buffer. The buffer is aligned to
//! [`ALIGN`] bytes and written in whole multiples of it; the unaligned tail
//! is written at the end after `O_DIRECT` is switched off for the file
//! descriptor, then the file is synced as before.
//!
//! Where the filesystem refuses `O_DIRECT` (tmpfs, some network or FUSE
//! filesystems), at open or at the first write, the file is written through
//! the page cache instead, with the same result on disk.

use std::alloc::{Layout, alloc_zeroed, dealloc};
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::os::unix::io::AsRawFd;
use std::path::{Path, PathBuf};
use std::ptr::NonNull;

use fx_core::{Error, Result};

/// Alignment of buffers, offsets and lengths of direct writes.
pub const ALIGN: usize = 4096;

/// A zeroed heap buffer aligned to [`ALIGN`].
struct AlignedBuf {
    ptr: NonNull<u8>,
    cap: usize,
}

// SAFETY: the buffer is a plain heap allocation owned by this value alone.
unsafe impl Send for AlignedBuf {}

impl AlignedBuf {
    fn new(cap: usize) -> AlignedBuf {
        let cap = cap.next_multiple_of(ALIGN).max(ALIGN);
        let layout = Layout::from_size_align(cap, ALIGN).unwrap_or_else(|_| std::process::abort());
        // SAFETY: the layout has a non-zero size.
        let ptr = unsafe { alloc_zeroed(layout) };
        let Some(ptr) = NonNull::new(ptr) else {
            std::alloc::handle_alloc_error(layout)
        };
        AlignedBuf { ptr, cap }
    }

    fn as_slice(&self) -> &[u8] {
        // SAFETY: `ptr` points to `cap` initialised (zeroed) bytes owned by self.
        unsafe { std::slice::from_raw_parts(self.ptr.as_ptr(), self.cap) }
    }

    fn as_mut_slice(&mut self) -> &mut [u8] {
        // SAFETY: as above, and `&mut self` guarantees exclusive access.
        unsafe { std::slice::from_raw_parts_mut(self.ptr.as_ptr(), self.cap) }
    }
}

impl Drop for AlignedBuf {
    fn drop(&mut self) {
        // SAFETY: allocated in `new` with exactly this layout.
        unsafe {
            dealloc(
                self.ptr.as_ptr(),
                Layout::from_size_align_unchecked(self.cap, ALIGN),
            )
        }
    }
}

/// A file written line by line through an aligned buffer.
pub struct DirectFile {
    path: PathBuf,
    file: File,
    buf: AlignedBuf,
    len: usize,
    direct: bool,
}

impl DirectFile {
    /// Creates `path` (which must not exist) with a buffer of about `cap`
    /// bytes; with `try_direct`, bypassing the page cache where the
    /// filesystem allows it.
    pub fn create(path: PathBuf, cap: usize, try_direct: bool) -> Result<DirectFile> {
        let open = |flags: i32| {
            OpenOptions::new()
                .write(true)
                .create_new(true)
                .custom_flags(flags)
                .open(&path)
        };
        let (file, direct) = match try_direct {
            true => match open(libc::O_DIRECT) {
                Ok(f) => (f, true),
                Err(e) if e.raw_os_error() == Some(libc::EINVAL) => {
                    (open(0).map_err(|e| Error::io(&path, e))?, false)
                }
                Err(e) => return Err(Error::io(&path, e)),
            },
            false => (open(0).map_err(|e| Error::io(&path, e))?, false),
        };
        Ok(DirectFile {
            path,
            file,
            buf: AlignedBuf::new(cap),
            len: 0,
            direct,
        })
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// True while writes bypass the page cache.
    pub fn is_direct(&self) -> bool {
        self.direct
    }

    /// Appends `bytes`.
    pub fn write(&mut self, mut bytes: &[u8]) -> Result<()> {
        while !bytes.is_empty() {
            let room = self.buf.cap - self.len;
            let n = room.min(bytes.len());
            self.buf.as_mut_slice()[self.len..self.len + n].copy_from_slice(&bytes[..n]);
            self.len += n;
            bytes = &bytes[n..];
            if self.len == self.buf.cap {
                self.flush_full()?;
            }
        }
        Ok(())
    }

    /// Appends the stamped event line `head ‖ seq ‖ "," ‖ tail` and a
    /// newline (see [`crate::record::stamped_event`]).
    pub fn event_line(&mut self, head: &[u8], seq: &[u8], tail: &[u8]) -> Result<()> {
        self.write(head)?;
        self.write(seq)?;
        self.write(b",")?;
        self.write(tail)?;
        self.write(b"\n")
    }

    /// Appends `bytes` and a newline.
    pub fn line(&mut self, bytes: &[u8]) -> Result<()> {
        self.write(bytes)?;
        self.write(b"\n")
    }

    /// Writes the whole (full) buffer.
    fn flush_full(&mut self) -> Result<()> {
        let len = self.len;
        self.write_out(len)?;
        self.len = 0;
        Ok(())
    }

    /// Writes the first `n` bytes of the buffer (`n` a multiple of
    /// [`ALIGN`] while direct), falling back to the page cache if the
    /// filesystem refuses the direct write.
    fn write_out(&mut self, n: usize) -> Result<()> {
        let res = (&self.file).write_all(&self.buf.as_slice()[..n]);
        match res {
            Ok(()) => Ok(()),
            Err(e) if self.direct && e.raw_os_error() == Some(libc::EINVAL) => {
                // Nothing was written by the failed call: retry buffered.
                self.set_direct(false)?;
                (&self.file)
                    .write_all(&self.buf.as_slice()[..n])
                    .map_err(|e| Error::io(&self.path, e))
            }
            Err(e) => Err(Error::io(&self.path, e)),
        }
    }

    fn set_direct(&mut self, on: bool) -> Result<()> {
        let fd = self.file.as_raw_fd();
        // SAFETY: fcntl on a descriptor this value owns; no memory is passed.
        let flags = unsafe { libc::fcntl(fd, libc::F_GETFL) };
        if flags < 0 {
            return Err(Error::io(&self.path, std::io::Error::last_os_error()));
        }
        let flags = if on {
            flags | libc::O_DIRECT
        } else {
            flags & !libc::O_DIRECT
        };
        // SAFETY: as above.
        if unsafe { libc::fcntl(fd, libc::F_SETFL, flags) } < 0 {
            return Err(Error::io(&self.path, std::io::Error::last_os_error()));
        }
        self.direct = on;
        Ok(())
    }

    /// Writes what is buffered and syncs the file's data.
    pub fn finish(mut self) -> Result<()> {
        let whole = if self.direct {
            self.len / ALIGN * ALIGN
        } else {
            self.len
        };
        if whole > 0 {
            self.write_out(whole)?;
        }
        if whole < self.len {
            if self.direct {
                self.set_direct(false)?;
            }
            let tail = &self.buf.as_slice()[whole..self.len];
            (&self.file)
                .write_all(tail)
                .map_err(|e| Error::io(&self.path, e))?;
        }
        self.len = 0;
        self.file.sync_data().map_err(|e| Error::io(&self.path, e))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn roundtrip(dir: &Path, cap: usize, try_direct: bool) -> bool {
        let path = dir.join(format!("out-{cap}-{try_direct}"));
        let mut f = DirectFile::create(path.clone(), cap, try_direct).unwrap();
        let mut expected = Vec::new();
        for i in 0..5000u32 {
            let line = format!(
                "{{\"line\":{i},\"pad\":\"{}\"}}",
                "x".repeat((i % 97) as usize)
            );
            f.line(line.as_bytes()).unwrap();
            expected.extend_from_slice(line.as_bytes());
            expected.push(b'\n');
        }
        // A write larger than the buffer.
        let big = vec![b'y'; 3 * cap + 17];
        f.write(&big).unwrap();
        expected.extend_from_slice(&big);
        let direct = f.is_direct();
        f.finish().unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), expected);
        direct
    }

    #[test]
    fn writes_the_same_bytes_direct_or_not() {
        let dir = tempfile::tempdir().unwrap();
        for cap in [1, ALIGN, 3 * ALIGN + 5, 1 << 20] {
            roundtrip(dir.path(), cap, true);
            assert!(!roundtrip(dir.path(), cap, false));
        }
        // tmpfs refuses O_DIRECT: the page cache path takes over.
        if Path::new("/dev/shm").is_dir() {
            let shm = tempfile::tempdir_in("/dev/shm").unwrap();
            roundtrip(shm.path(), 1 << 16, true);
        }
    }

    #[test]
    fn an_existing_file_is_never_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x");
        std::fs::write(&p, "keep").unwrap();
        assert!(DirectFile::create(p.clone(), ALIGN, true).is_err());
        assert_eq!(std::fs::read(&p).unwrap(), b"keep");
    }
}
