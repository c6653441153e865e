//! Reading one file into the blob store, streamed.
//!
//! A file is opened with `O_NONBLOCK` and checked with `fstat` on the open
//! descriptor, so a path that became a FIFO between the walk and the open is
//! refused instead of blocking. Up to [`SMALL`] bytes are read into memory
//! and stored with [`BlobStore::put_bytes`] (which writes nothing when the
//! blob exists). Anything larger is streamed in 1 MiB chunks through SHA-256
//! into a temporary file of the store, with all-zero chunks written as holes
//! (a sparse multi-GB file stays sparse and costs no disk), then published
//! by the store itself (atomic no-clobber rename): a partial blob is never
//! visible, an existing blob is never rewritten.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

use fx_core::store::{BlobRef, BlobStore};
use sha2::{Digest, Sha256};

use crate::walk::{io_reason, special};

/// Files up to this size are read whole before storing.
pub const SMALL: usize = 1024 * 1024;

const CHUNK: usize = 1024 * 1024;

/// A chunk of zeros to compare against (a `memcmp`, fast in any build).
static ZEROS: [u8; CHUNK] = [0u8; CHUNK];

/// Result of reading one file: stored, or the reason it could not be read.
pub type Read1 = Result<BlobRef, String>;

/// Opens `path` and stores its bytes. The outer error is a failure of fx
/// (the store could not be written); the inner one is about the file.
pub fn store_file(store: &BlobStore, path: &Path) -> fx_core::Result<Read1> {
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
    // Sized from fstat so a small file takes one read plus the EOF read; the
    // size is only a hint (the file may change), the bytes read are what count.
    let mut head = Vec::with_capacity((len as usize).min(SMALL) + 1);
    if let Err(e) = (&mut f).take(SMALL as u64 + 1).read_to_end(&mut head) {
        return Ok(Err(format!("read error: {}", io_reason(&e))));
    }
    if head.len() <= SMALL {
        return store.put_bytes(&head).map(Ok);
    }
    stream_large(store, head, f)
}

fn stream_large(store: &BlobStore, head: Vec<u8>, mut f: File) -> fx_core::Result<Read1> {
    let mut tmp = store.temp_file()?;
    let tmp_path = tmp.path().to_path_buf();
    let mut hasher = Sha256::new();
    let mut size = 0u64;
    let mut put = |chunk: &[u8], out: &mut File| -> io::Result<()> {
        hasher.update(chunk);
        size += chunk.len() as u64;
        if ZEROS.get(..chunk.len()) == Some(chunk) {
            out.seek(SeekFrom::Current(chunk.len() as i64))?;
            Ok(())
        } else {
            out.write_all(chunk)
        }
    };
    for c in head.chunks(CHUNK) {
        put(c, tmp.as_file_mut()).map_err(|e| fx_core::Error::io(&tmp_path, e))?;
    }
    drop(head);
    let mut buf = vec![0u8; CHUNK];
    loop {
        let n = match f.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Ok(Err(format!("read error: {}", io_reason(&e)))),
        };
        put(&buf[..n], tmp.as_file_mut()).map_err(|e| fx_core::Error::io(&tmp_path, e))?;
    }
    tmp.as_file()
        .set_len(size)
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

#[cfg(test)]
mod tests {
    use super::*;

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
