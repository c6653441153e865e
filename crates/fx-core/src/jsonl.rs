//! Strict JSONL: a bounded line reader and a whole-line writer.
//!
//! The reader refuses a line longer than its limit without loading it, and a
//! malformed line is an error naming the 1-based line number and the reason.
//! Blank lines are errors too (a job stream never has them), except that a
//! final newline is optional. The writer serializes each record completely
//! before writing it, so a record is written whole or not at all.

use std::io::{BufRead, Write};

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::{Error, Result};

/// Default longest accepted line: 64 MiB.
pub const DEFAULT_MAX_LINE: usize = 64 * 1024 * 1024;

/// Reads raw lines with a length limit and line numbers.
pub struct LineReader<R> {
    inner: R,
    max_line: usize,
    line_no: u64,
    buf: Vec<u8>,
}

impl<R: BufRead> LineReader<R> {
    /// Wraps a buffered reader; lines longer than `max_line` bytes are refused.
    pub fn new(inner: R, max_line: usize) -> LineReader<R> {
        LineReader {
            inner,
            max_line,
            line_no: 0,
            buf: Vec::new(),
        }
    }

    /// Number of the last line returned (1-based; 0 before the first).
    pub fn line_no(&self) -> u64 {
        self.line_no
    }

    /// The next line (its 1-based number, its bytes without the newline), or
    /// `None` at end of input.
    pub fn next_line(&mut self) -> Result<Option<(u64, &[u8])>> {
        self.buf.clear();
        let mut saw_any = false;
        loop {
            let chunk = match self.inner.fill_buf() {
                Ok(c) => c,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(Error::Stream(e)),
            };
            if chunk.is_empty() {
                if !saw_any {
                    return Ok(None);
                }
                break;
            }
            saw_any = true;
            let (take, done) = match memchr::memchr(b'\n', chunk) {
                Some(i) => (i, true),
                None => (chunk.len(), false),
            };
            if self.buf.len() + take > self.max_line {
                self.line_no += 1;
                return Err(too_long(self.line_no, self.max_line));
            }
            self.buf.extend_from_slice(&chunk[..take]);
            let consumed = if done { take + 1 } else { take };
            self.inner.consume(consumed);
            if done {
                break;
            }
        }
        self.line_no += 1;
        if self.buf.last() == Some(&b'\r') {
            self.buf.pop();
        }
        Ok(Some((self.line_no, &self.buf)))
    }
}

/// Reads JSONL records of type `T`, strictly.
pub struct JsonlReader<R> {
    lines: LineReader<R>,
}

impl<R: BufRead> JsonlReader<R> {
    /// A reader with the given line limit.
    pub fn new(inner: R, max_line: usize) -> JsonlReader<R> {
        JsonlReader {
            lines: LineReader::new(inner, max_line),
        }
    }

    /// Number of the last line read (1-based).
    pub fn line_no(&self) -> u64 {
        self.lines.line_no()
    }

    /// The next record, or `None` at end of input.
    pub fn next_record<T: DeserializeOwned>(&mut self) -> Result<Option<T>> {
        let Some((line, raw)) = self.lines.next_line()? else {
            return Ok(None);
        };
        parse_line(raw, line).map(Some)
    }

    /// The next raw line and its number, for callers that parse in parallel.
    pub fn next_raw(&mut self) -> Result<Option<(u64, Vec<u8>)>> {
        Ok(self
            .lines
            .next_line()?
            .map(|(line, raw)| (line, raw.to_vec())))
    }
}

/// Parses one line as a `T`, naming the line number in the error.
pub fn parse_line<T: DeserializeOwned>(raw: &[u8], line: u64) -> Result<T> {
    if raw.iter().all(u8::is_ascii_whitespace) {
        return Err(empty_line(line));
    }
    serde_json::from_slice(raw).map_err(|e| Error::BadLine {
        line,
        reason: format!("invalid job line: {e}"),
    })
}

/// The error for line `line` longer than `max_line` bytes (every reader of
/// job lines words it the same way).
pub fn too_long(line: u64, max_line: usize) -> Error {
    Error::BadLine {
        line,
        reason: format!("line longer than the limit of {max_line} bytes"),
    }
}

/// The error for a blank line `line`.
pub fn empty_line(line: u64) -> Error {
    Error::BadLine {
        line,
        reason: "empty line".into(),
    }
}

/// Writes records as whole lines.
pub struct JsonlWriter<W: Write> {
    inner: W,
    scratch: Vec<u8>,
}

impl<W: Write> JsonlWriter<W> {
    /// Wraps a writer (buffer it yourself if it is unbuffered).
    pub fn new(inner: W) -> JsonlWriter<W> {
        JsonlWriter {
            inner,
            scratch: Vec::with_capacity(4096),
        }
    }

    /// Serializes `record` fully, then writes it and a newline.
    pub fn write<T: Serialize>(&mut self, record: &T) -> Result<()> {
        self.scratch.clear();
        serde_json::to_writer(&mut self.scratch, record)
            .map_err(|e| Error::Other(format!("serialize: {e}")))?;
        self.scratch.push(b'\n');
        self.inner.write_all(&self.scratch)?;
        Ok(())
    }

    /// Writes an already-serialized line (without its newline).
    pub fn write_raw(&mut self, line: &[u8]) -> Result<()> {
        self.scratch.clear();
        self.scratch.extend_from_slice(line);
        self.scratch.push(b'\n');
        self.inner.write_all(&self.scratch)?;
        Ok(())
    }

    /// Flushes the underlying writer.
    pub fn flush(&mut self) -> Result<()> {
        self.inner.flush()?;
        Ok(())
    }

    /// Unwraps the writer.
    pub fn into_inner(self) -> W {
        self.inner
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_lines_and_numbers_errors() {
        let input = b"{\"a\":1}\n{\"a\":2}\r\nnot json\n";
        let mut r = JsonlReader::new(&input[..], 1024);
        let a: serde_json::Value = r.next_record().unwrap().unwrap();
        assert_eq!(a["a"], 1);
        let b: serde_json::Value = r.next_record().unwrap().unwrap();
        assert_eq!(b["a"], 2);
        let err = r.next_record::<serde_json::Value>().unwrap_err();
        assert!(
            err.to_string().starts_with("line 3: invalid job line"),
            "{err}"
        );
    }

    #[test]
    fn refuses_long_lines_without_loading_them() {
        let input = vec![b'x'; 10_000];
        let mut r = LineReader::new(std::io::BufReader::with_capacity(64, &input[..]), 100);
        let err = r.next_line().unwrap_err();
        assert_eq!(
            err.to_string(),
            "line 1: line longer than the limit of 100 bytes"
        );
    }

    #[test]
    fn empty_line_is_an_error_and_final_newline_optional() {
        let mut r = JsonlReader::new(&b"{}\n\n{}"[..], 100);
        assert!(r.next_record::<serde_json::Value>().unwrap().is_some());
        assert!(r.next_record::<serde_json::Value>().is_err());
        assert!(r.next_record::<serde_json::Value>().unwrap().is_some());
        assert!(r.next_record::<serde_json::Value>().unwrap().is_none());
    }
}
