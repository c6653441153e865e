//! Leaves: the SHA-256 of each line of a text file, stored 32 raw bytes
//! per line, in order.

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::entry::Content;
use crate::error::{ChainError, Result};

/// Bytes per stored leaf.
pub const LEAF_BYTES: usize = 32;

/// The SHA-256 of one line, its `\n` included.
pub type Leaf = [u8; LEAF_BYTES];

/// The leaf of `line` (which should end with its `\n`, unless it is a
/// file's unterminated last line).
pub fn leaf(line: &[u8]) -> Leaf {
    Sha256::digest(line).into()
}

/// A leaf computed from a line written in pieces.
#[derive(Clone, Default)]
pub struct LineHasher {
    hash: Sha256,
    len: u64,
}

impl LineHasher {
    /// Adds the next piece of the line.
    pub fn update(&mut self, piece: &[u8]) {
        self.hash.update(piece);
        self.len += piece.len() as u64;
    }

    /// The line's length and leaf; the hasher starts over.
    pub fn finish(&mut self) -> (u64, Leaf) {
        let len = std::mem::take(&mut self.len);
        (len, self.hash.finalize_reset().into())
    }
}

/// Writes the leaves of one text file as its lines are written (see
/// [`crate::Sinks::open`]); [`LeafSink::finish`] gives its entry's content.
pub struct LeafSink {
    path: String,
    leaves: String,
    file: PathBuf,
    out: BufWriter<File>,
    hash: Sha256,
    lines: u64,
    bytes: u64,
}

impl LeafSink {
    pub(crate) fn create(path: String, leaves: String, file: PathBuf) -> Result<LeafSink> {
        if let Some(dir) = file.parent() {
            std::fs::create_dir_all(dir).map_err(|e| ChainError::io(dir, e))?;
        }
        let f = File::create(&file).map_err(|e| ChainError::io(&file, e))?;
        Ok(LeafSink {
            path,
            leaves,
            file,
            out: BufWriter::with_capacity(64 << 10, f),
            hash: Sha256::new(),
            lines: 0,
            bytes: 0,
        })
    }

    /// Records one line (its `\n` included); returns its leaf, for files
    /// that hold the same line.
    pub fn line(&mut self, line: &[u8]) -> Result<Leaf> {
        let l = leaf(line);
        self.push(&l, line.len() as u64)?;
        Ok(l)
    }

    /// Records a line by its leaf and length (`\n` included).
    pub fn push(&mut self, leaf: &Leaf, len: u64) -> Result<()> {
        self.out
            .write_all(leaf)
            .map_err(|e| ChainError::io(&self.file, e))?;
        self.hash.update(leaf);
        self.lines += 1;
        self.bytes += len;
        Ok(())
    }

    /// The path recorded (relative to the run).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Flushes and syncs the leaves file; returns the recorded path and content.
    pub fn finish(self) -> Result<(String, Content)> {
        let LeafSink {
            path,
            leaves,
            file,
            out,
            hash,
            lines,
            bytes,
        } = self;
        let f = out
            .into_inner()
            .map_err(|e| ChainError::io(&file, e.into_error()))?;
        f.sync_data().map_err(|e| ChainError::io(&file, e))?;
        Ok((
            path,
            Content::Lines {
                bytes,
                lines,
                leaves,
                leaves_sha256: hex::encode(hash.finalize()),
            },
        ))
    }
}

/// Reads a file's lines and yields their leaves and lengths.
pub struct LineLeaves<R> {
    reader: R,
    line: Vec<u8>,
}

impl<R: BufRead> LineLeaves<R> {
    /// Leaves of the lines of `reader`.
    pub fn new(reader: R) -> LineLeaves<R> {
        LineLeaves {
            reader,
            line: Vec::with_capacity(4096),
        }
    }

    /// The next line's leaf and length, `None` at the end.
    pub fn next_leaf(&mut self) -> std::io::Result<Option<(Leaf, u64)>> {
        self.line.clear();
        let n = self.reader.read_until(b'\n', &mut self.line)?;
        Ok((n > 0).then(|| (leaf(&self.line), n as u64)))
    }
}

/// Reads a stored leaves file, one leaf at a time.
pub struct StoredLeaves<R> {
    reader: R,
}

impl<R: Read> StoredLeaves<R> {
    /// Leaves stored in `reader`.
    pub fn new(reader: R) -> StoredLeaves<R> {
        StoredLeaves { reader }
    }

    /// The next leaf; `None` at the end; an error on a truncated leaf.
    pub fn next_leaf(&mut self) -> std::io::Result<Option<Leaf>> {
        let mut l = [0u8; LEAF_BYTES];
        let mut got = 0;
        while got < LEAF_BYTES {
            match self.reader.read(&mut l[got..])? {
                0 if got == 0 => return Ok(None),
                0 => {
                    return Err(std::io::Error::new(
                        std::io::ErrorKind::UnexpectedEof,
                        format!("a leaf of {got} bytes at the end (leaves are {LEAF_BYTES} bytes)"),
                    ));
                }
                n => got += n,
            }
        }
        Ok(Some(l))
    }
}

/// The content of a finished text file: reads it, writes its leaves to
/// `leaves_file`, returns the entry's content (`leaves` names the leaves
/// file relative to the run).
pub fn hash_lines(file: &Path, leaves: String, leaves_file: PathBuf) -> Result<Content> {
    let f = File::open(file).map_err(|e| ChainError::io(file, e))?;
    let mut lines = LineLeaves::new(BufReader::with_capacity(1 << 20, f));
    let mut sink = LeafSink::create(String::new(), leaves, leaves_file)?;
    while let Some((l, len)) = lines.next_leaf().map_err(|e| ChainError::io(file, e))? {
        sink.push(&l, len)?;
    }
    Ok(sink.finish()?.1)
}

/// The content of a finished binary file: its SHA-256 and size.
pub fn hash_file(file: &Path) -> Result<Content> {
    let (bytes, sha256) = file_sha256(file).map_err(|e| ChainError::io(file, e))?;
    Ok(Content::File { bytes, sha256 })
}

/// Size and SHA-256 (hex) of a file's content.
pub fn file_sha256(file: &Path) -> std::io::Result<(u64, String)> {
    let mut f = File::open(file)?;
    let mut hash = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut bytes = 0u64;
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hash.update(&buf[..n]);
        bytes += n as u64;
    }
    Ok((bytes, hex::encode(hash.finalize())))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn leaf_is_the_sha256_of_the_line_with_its_newline() {
        // `printf 'abc\n' | sha256sum`
        assert_eq!(
            hex::encode(leaf(b"abc\n")),
            "edeaaff3f1774ad2888673770c6d64097e391bc362d7d6fb34982ddf0efd18cb"
        );
        let mut h = LineHasher::default();
        h.update(b"ab");
        h.update(b"c\n");
        assert_eq!(h.finish(), (4, leaf(b"abc\n")));
        // The hasher starts over.
        h.update(b"abc\n");
        assert_eq!(h.finish().1, leaf(b"abc\n"));
    }

    #[test]
    fn lines_of_a_file_and_an_unterminated_last_line() {
        let mut l = LineLeaves::new(&b"a\nbb\nc"[..]);
        assert_eq!(l.next_leaf().unwrap(), Some((leaf(b"a\n"), 2)));
        assert_eq!(l.next_leaf().unwrap(), Some((leaf(b"bb\n"), 3)));
        assert_eq!(l.next_leaf().unwrap(), Some((leaf(b"c"), 1)));
        assert_eq!(l.next_leaf().unwrap(), None);
    }

    #[test]
    fn a_truncated_leaves_file_is_an_error() {
        let bytes = [7u8; 40];
        let mut s = StoredLeaves::new(&bytes[..]);
        assert_eq!(s.next_leaf().unwrap(), Some([7u8; 32]));
        assert!(s.next_leaf().is_err());
    }
}
