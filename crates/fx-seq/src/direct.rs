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
//!
//! A direct write returns only once the device has the bytes, so full
//! buffers are handed to an I/O thread ([`IoThread`], shared by the files of
//! one writer) while the next buffer fills: each file has at most one
//! buffer in flight, and its writes stay in order.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use fx_core::os::{AlignedBuf, is_direct, set_direct};
use fx_core::{Error, Result};

pub use fx_core::os::ALIGN;

/// One buffer to write, and where to send it back.
struct Request {
    file: Arc<File>,
    buf: AlignedBuf,
    len: usize,
    reply: SyncSender<(AlignedBuf, std::io::Result<()>)>,
}

/// A thread that writes full buffers for the files it serves, in the order
/// they come; it ends when every file using it is dropped.
#[derive(Clone)]
pub struct IoThread {
    tx: SyncSender<Request>,
}

impl IoThread {
    /// Starts the thread.
    pub fn spawn() -> Result<IoThread> {
        let (tx, rx) = sync_channel::<Request>(8);
        std::thread::Builder::new()
            .name("fx-seq-io".into())
            .spawn(move || {
                for req in rx {
                    let res = write_at_end(&req.file, &req.buf[..req.len]);
                    // A file that went away no longer needs its buffer.
                    let _ = req.reply.send((req.buf, res));
                }
            })
            .map_err(|e| Error::Other(format!("fx-seq: starting an I/O thread: {e}")))?;
        Ok(IoThread { tx })
    }
}

/// Writes `bytes`; if the descriptor is in direct mode and the filesystem
/// refuses the direct write, switches it to the page cache and retries
/// (the failed call wrote nothing).
fn write_at_end(file: &File, bytes: &[u8]) -> std::io::Result<()> {
    match (&*file).write_all(bytes) {
        Err(e) if e.raw_os_error() == Some(libc::EINVAL) && is_direct(file)? => {
            set_direct(file, false)?;
            (&*file).write_all(bytes)
        }
        other => other,
    }
}

/// A file written line by line through aligned buffers.
pub struct DirectFile {
    path: PathBuf,
    file: Arc<File>,
    buf: AlignedBuf,
    len: usize,
    cap: usize,
    /// A free buffer, when one is not in flight.
    spare: Option<AlignedBuf>,
    in_flight: bool,
    io: Option<IoThread>,
    reply_tx: SyncSender<(AlignedBuf, std::io::Result<()>)>,
    reply_rx: Receiver<(AlignedBuf, std::io::Result<()>)>,
}

impl DirectFile {
    /// Creates `path` (which must not exist) with buffers of about `cap`
    /// bytes; with `try_direct`, bypassing the page cache where the
    /// filesystem allows it; with `io`, full buffers are written by that
    /// thread while the next one fills (else by the caller).
    pub fn create(
        path: PathBuf,
        cap: usize,
        try_direct: bool,
        io: Option<IoThread>,
    ) -> Result<DirectFile> {
        let open = |flags: i32| {
            OpenOptions::new()
                .write(true)
                .create_new(true)
                .custom_flags(flags)
                .open(&path)
        };
        let file = match try_direct {
            true => match open(libc::O_DIRECT) {
                Ok(f) => f,
                Err(e) if e.raw_os_error() == Some(libc::EINVAL) => {
                    open(0).map_err(|e| Error::io(&path, e))?
                }
                Err(e) => return Err(Error::io(&path, e)),
            },
            false => open(0).map_err(|e| Error::io(&path, e))?,
        };
        let buf = AlignedBuf::new(cap);
        let (reply_tx, reply_rx) = sync_channel(1);
        Ok(DirectFile {
            path,
            file: Arc::new(file),
            cap: buf.len(),
            buf,
            len: 0,
            spare: None,
            in_flight: false,
            io,
            reply_tx,
            reply_rx,
        })
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// True while writes bypass the page cache.
    pub fn is_direct(&self) -> bool {
        is_direct(&self.file).unwrap_or(false)
    }

    /// Appends `bytes`.
    pub fn write(&mut self, mut bytes: &[u8]) -> Result<()> {
        if bytes.len() <= self.cap - self.len {
            // The common case: it fits.
            self.buf[self.len..self.len + bytes.len()].copy_from_slice(bytes);
            self.len += bytes.len();
            if self.len == self.cap {
                self.flush_full()?;
            }
            return Ok(());
        }
        while !bytes.is_empty() {
            let n = (self.cap - self.len).min(bytes.len());
            self.buf[self.len..self.len + n].copy_from_slice(&bytes[..n]);
            self.len += n;
            bytes = &bytes[n..];
            if self.len == self.cap {
                self.flush_full()?;
            }
        }
        Ok(())
    }

    /// Appends the pieces in order; when they fit in the buffer, without
    /// checking room piece by piece.
    pub fn pieces(&mut self, pieces: &[&[u8]]) -> Result<()> {
        let total: usize = pieces.iter().map(|p| p.len()).sum();
        if total < self.cap - self.len {
            let buf = &mut self.buf[self.len..self.len + total];
            let mut at = 0;
            for p in pieces {
                buf[at..at + p.len()].copy_from_slice(p);
                at += p.len();
            }
            self.len += total;
            return Ok(());
        }
        for p in pieces {
            self.write(p)?;
        }
        Ok(())
    }

    /// Appends `bytes` and a newline.
    pub fn line(&mut self, bytes: &[u8]) -> Result<()> {
        self.write(bytes)?;
        self.write(b"\n")
    }

    /// Waits for the buffer in flight, if any, and returns it.
    fn wait(&mut self) -> Result<Option<AlignedBuf>> {
        if !self.in_flight {
            return Ok(None);
        }
        self.in_flight = false;
        let (buf, res) = self
            .reply_rx
            .recv()
            .map_err(|_| Error::Other("fx-seq: I/O thread stopped".into()))?;
        res.map_err(|e| Error::io(&self.path, e))?;
        Ok(Some(buf))
    }

    /// Writes the whole (full) buffer: hands it to the I/O thread and goes
    /// on with the spare one, or writes it here.
    fn flush_full(&mut self) -> Result<()> {
        let len = self.len;
        self.len = 0;
        let Some(io) = self.io.clone() else {
            return write_at_end(&self.file, &self.buf[..len])
                .map_err(|e| Error::io(&self.path, e));
        };
        let next = match self.spare.take() {
            Some(b) => b,
            None => match self.wait()? {
                Some(b) => b,
                None => AlignedBuf::new(self.cap),
            },
        };
        let full = std::mem::replace(&mut self.buf, next);
        io.tx
            .send(Request {
                file: Arc::clone(&self.file),
                buf: full,
                len,
                reply: self.reply_tx.clone(),
            })
            .map_err(|_| Error::Other("fx-seq: I/O thread stopped".into()))?;
        self.in_flight = true;
        Ok(())
    }

    /// Writes what is buffered and syncs the file's data.
    pub fn finish(mut self) -> Result<()> {
        if let Some(b) = self.wait()? {
            self.spare = Some(b);
        }
        let io = |e| Error::io(&self.path, e);
        let direct = is_direct(&self.file).map_err(io)?;
        let whole = if direct {
            self.len / ALIGN * ALIGN
        } else {
            self.len
        };
        if whole > 0 {
            write_at_end(&self.file, &self.buf[..whole]).map_err(io)?;
        }
        if whole < self.len {
            if is_direct(&self.file).map_err(io)? {
                set_direct(&self.file, false).map_err(io)?;
            }
            (&*self.file)
                .write_all(&self.buf[whole..self.len])
                .map_err(io)?;
        }
        self.len = 0;
        self.file.sync_data().map_err(io)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn roundtrip(dir: &Path, cap: usize, try_direct: bool, io: Option<IoThread>) -> bool {
        let path = dir.join(format!("out-{cap}-{try_direct}-{}", io.is_some()));
        let mut f = DirectFile::create(path.clone(), cap, try_direct, io).unwrap();
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
        let io = IoThread::spawn().unwrap();
        for cap in [1, ALIGN, 3 * ALIGN + 5, 1 << 20] {
            for thread in [None, Some(io.clone())] {
                roundtrip(dir.path(), cap, true, thread.clone());
                assert!(!roundtrip(dir.path(), cap, false, thread));
            }
        }
        // tmpfs refuses O_DIRECT: the page cache path takes over.
        if Path::new("/dev/shm").is_dir() {
            let shm = tempfile::tempdir_in("/dev/shm").unwrap();
            roundtrip(shm.path(), 1 << 16, true, None);
            roundtrip(shm.path(), 1 << 16, true, Some(io));
        }
    }

    #[test]
    fn an_existing_file_is_never_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x");
        std::fs::write(&p, "keep").unwrap();
        assert!(DirectFile::create(p.clone(), ALIGN, true, None).is_err());
        assert_eq!(std::fs::read(&p).unwrap(), b"keep");
    }
}
