//! The content-addressed blob store (DESIGN §4).
//!
//! Layout: `ROOT/blobs/sha256/ab/cdef…` where `abcdef…` is the SHA-256 of the
//! content. A blob is written once: bytes go to a temporary file under
//! `ROOT/tmp/`, and the temporary file is renamed to its final name with an
//! atomic no-clobber rename, which fails if the blob already exists. So a partial blob is never visible (not
//! after `kill -9` either: what is left is an orphan in `tmp/`), an existing
//! blob is never rewritten, and concurrent writers of the same content are
//! safe. Reads can verify the content against its name.

use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::hashing::{SHA256_PREFIX, parse_tagged};

/// Where a stored blob is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlobRef {
    /// `sha256:<hex>`.
    pub hash: String,
    /// Path relative to the store root: `blobs/sha256/ab/cdef…`.
    pub rel: String,
    /// Size in bytes.
    pub size: u64,
    /// True when this call created the blob (false: it existed already).
    pub created: bool,
}

/// A content-addressed, write-once blob store.
#[derive(Clone, Debug)]
pub struct BlobStore {
    root: PathBuf,
}

impl BlobStore {
    /// Opens (creating if needed) a store rooted at `root`.
    pub fn open(root: impl Into<PathBuf>) -> Result<BlobStore> {
        let root = root.into();
        for dir in [root.join("blobs/sha256"), root.join("tmp")] {
            fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        }
        Ok(BlobStore { root })
    }

    /// The store root.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Relative path of a blob given its hex hash.
    pub fn rel_path(hex: &str) -> String {
        format!("blobs/sha256/{}/{}", &hex[..2], &hex[2..])
    }

    /// Absolute path of a blob given its `sha256:<hex>` (or hex) hash.
    pub fn path_of(&self, hash: &str) -> Result<PathBuf> {
        let hex = hex_of(hash)?;
        Ok(self.root.join(Self::rel_path(hex)))
    }

    /// Absolute path of a blob given its relative reference.
    pub fn resolve_ref(&self, rel: &str) -> Result<PathBuf> {
        let hex = rel
            .strip_prefix("blobs/sha256/")
            .map(|rest| rest.replacen('/', "", 1))
            .filter(|h| h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()))
            .ok_or_else(|| Error::Blob {
                hash: rel.to_owned(),
                reason: "not a blob reference".into(),
            })?;
        Ok(self.root.join(Self::rel_path(&hex)))
    }

    /// True when the blob exists.
    pub fn contains(&self, hash: &str) -> bool {
        self.path_of(hash).map(|p| p.is_file()).unwrap_or(false)
    }

    /// Stores `bytes`.
    pub fn put_bytes(&self, bytes: &[u8]) -> Result<BlobRef> {
        let hex = hex::encode(Sha256::digest(bytes));
        let final_path = self.root.join(Self::rel_path(&hex));
        let created = if final_path.exists() {
            false
        } else {
            let mut tmp = self.temp_file()?;
            tmp.write_all(bytes)
                .map_err(|e| Error::io(tmp.path().to_path_buf(), e))?;
            self.publish_temp(tmp, &hex)?
        };
        Ok(BlobRef {
            hash: format!("{SHA256_PREFIX}{hex}"),
            rel: Self::rel_path(&hex),
            size: bytes.len() as u64,
            created,
        })
    }

    /// Streams `reader` into the store without holding it in memory.
    pub fn put_reader(&self, mut reader: impl Read) -> Result<BlobRef> {
        let mut tmp = self.temp_file()?;
        let mut hasher = Sha256::new();
        let mut buf = vec![0u8; 256 * 1024];
        let mut size = 0u64;
        loop {
            let n = match reader.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(Error::Stream(e)),
            };
            hasher.update(&buf[..n]);
            tmp.write_all(&buf[..n])
                .map_err(|e| Error::io(tmp.path().to_path_buf(), e))?;
            size += n as u64;
        }
        let hex = hex::encode(hasher.finalize());
        let final_path = self.root.join(Self::rel_path(&hex));
        let created = if final_path.exists() {
            false
        } else {
            self.publish_temp(tmp, &hex)?
        };
        Ok(BlobRef {
            hash: format!("{SHA256_PREFIX}{hex}"),
            rel: Self::rel_path(&hex),
            size,
            created,
        })
    }

    /// Opens a blob for reading, unverified (the caller trusts the store).
    pub fn open_blob(&self, hash: &str) -> Result<File> {
        let path = self.path_of(hash)?;
        File::open(&path).map_err(|e| Error::Blob {
            hash: hash.to_owned(),
            reason: format!("cannot open: {e}"),
        })
    }

    /// Reads at most `max` bytes from the start of a blob, unverified.
    pub fn read_prefix(&self, hash: &str, max: usize) -> Result<Vec<u8>> {
        let f = self.open_blob(hash)?;
        let mut out = Vec::with_capacity(max.min(1 << 20));
        f.take(max as u64).read_to_end(&mut out)?;
        Ok(out)
    }

    /// Reads a whole blob and checks it against its hash; refuses blobs larger
    /// than `max` bytes without reading them.
    pub fn read_verified(&self, hash: &str, max: u64) -> Result<Vec<u8>> {
        let path = self.path_of(hash)?;
        let f = File::open(&path).map_err(|e| Error::Blob {
            hash: hash.to_owned(),
            reason: format!("cannot open: {e}"),
        })?;
        let len = f.metadata()?.len();
        if len > max {
            return Err(Error::Blob {
                hash: hash.to_owned(),
                reason: format!("{len} bytes is over the read limit of {max}"),
            });
        }
        let mut bytes = Vec::with_capacity(len as usize);
        f.take(max + 1).read_to_end(&mut bytes)?;
        let got = hex::encode(Sha256::digest(&bytes));
        if got != hex_of(hash)? {
            return Err(Error::Blob {
                hash: hash.to_owned(),
                reason: format!("content hashes to sha256:{got}"),
            });
        }
        Ok(bytes)
    }

    /// Streams a blob through SHA-256 and checks it against its name.
    pub fn verify(&self, hash: &str) -> Result<u64> {
        let f = self.open_blob(hash)?;
        let (got, size) = crate::hashing::sha256_reader(f)?;
        if got != hex_of(hash)? {
            return Err(Error::Blob {
                hash: hash.to_owned(),
                reason: format!("content hashes to sha256:{got}"),
            });
        }
        Ok(size)
    }

    /// A new temporary file in the store's `tmp/` (same filesystem as the
    /// blobs), for writers that publish with [`BlobStore::publish_temp`].
    pub fn temp_file(&self) -> Result<tempfile::NamedTempFile> {
        let dir = self.root.join("tmp");
        tempfile::Builder::new()
            .prefix(".blob-")
            .tempfile_in(&dir)
            .map_err(|e| Error::io(&dir, e))
    }

    /// Moves a finished temporary file (made by [`BlobStore::temp_file`]) to the
    /// content address of `hex` with an atomic no-clobber rename
    /// (`renameat2(RENAME_NOREPLACE)`, one directory operation); `false` when
    /// the blob already existed (same content by construction), in which case
    /// the temporary file is removed. Never replaces an existing blob.
    pub fn publish_temp(&self, tmp: tempfile::NamedTempFile, hex: &str) -> Result<bool> {
        let final_path = self.root.join(Self::rel_path(hex));
        match tmp.persist_noclobber(&final_path) {
            Ok(_) => Ok(true),
            Err(e) if e.error.kind() == io::ErrorKind::AlreadyExists => Ok(false),
            Err(e) if e.error.kind() == io::ErrorKind::NotFound => {
                let parent = final_path.parent().unwrap_or(&self.root);
                fs::create_dir_all(parent).map_err(|err| Error::io(parent, err))?;
                match e.file.persist_noclobber(&final_path) {
                    Ok(_) => Ok(true),
                    Err(e) if e.error.kind() == io::ErrorKind::AlreadyExists => Ok(false),
                    Err(e) => Err(Error::io(&final_path, e.error)),
                }
            }
            Err(e) => Err(Error::io(&final_path, e.error)),
        }
    }
}

fn hex_of(hash: &str) -> Result<&str> {
    if let Some(h) = parse_tagged(hash) {
        return Ok(h);
    }
    if hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(hash);
    }
    Err(Error::Blob {
        hash: hash.to_owned(),
        reason: "not a sha256 hash".into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_once_and_verify() {
        let dir = tempfile::tempdir().unwrap();
        let store = BlobStore::open(dir.path()).unwrap();
        let a = store.put_bytes(b"hello").unwrap();
        assert!(a.created);
        assert_eq!(
            a.rel,
            "blobs/sha256/2c/f24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
        );
        let b = store.put_reader(&b"hello"[..]).unwrap();
        assert!(!b.created);
        assert_eq!(a.hash, b.hash);
        assert_eq!(store.read_verified(&a.hash, 100).unwrap(), b"hello");
        assert_eq!(store.verify(&a.hash).unwrap(), 5);
        assert_eq!(
            store.resolve_ref(&a.rel).unwrap(),
            store.path_of(&a.hash).unwrap()
        );
        // No temp file is left behind.
        assert_eq!(fs::read_dir(dir.path().join("tmp")).unwrap().count(), 0);
    }

    #[test]
    fn corruption_is_detected() {
        let dir = tempfile::tempdir().unwrap();
        let store = BlobStore::open(dir.path()).unwrap();
        let a = store.put_bytes(b"hello").unwrap();
        let p = store.path_of(&a.hash).unwrap();
        fs::write(&p, b"jello").unwrap();
        assert!(store.verify(&a.hash).is_err());
        assert!(store.read_verified(&a.hash, 100).is_err());
    }

    #[test]
    fn concurrent_writers_of_the_same_content() {
        let dir = tempfile::tempdir().unwrap();
        let store = BlobStore::open(dir.path()).unwrap();
        let created: usize = std::thread::scope(|s| {
            let hs: Vec<_> = (0..8)
                .map(|_| s.spawn(|| store.put_bytes(b"same").unwrap().created as usize))
                .collect();
            hs.into_iter().map(|h| h.join().unwrap()).sum()
        });
        assert_eq!(created, 1);
        assert_eq!(
            store
                .read_verified(&crate::hashing::sha256_tagged(b"same"), 10)
                .unwrap(),
            b"same"
        );
    }
}
