//! The read phase: one sequential pass over the input that cuts it into
//! lines and finds each line's sort key, without building the job.
//!
//! A line is remembered as a [`Key`] — its `artifact_seq`, its line number,
//! and where its bytes are — and read again when it is its turn to be
//! written. A regular input file is read again in place; a pipe is copied,
//! as it streams by, into a spool file inside the run, which is removed
//! afterwards. So the sort moves 28-byte keys, not job lines, and the
//! memory held does not grow with the size of the lines.
//!
//! The key comes from a scan of the line's opening bytes ([`scan_seq`]),
//! which matches the field order every fx stage writes
//! (`{"fx":…,"run_id":…,"artifact":{"artifact_id":…,…,"artifact_seq":N`).
//! A line that does not start that way is parsed whole instead (and a
//! malformed one is refused there, naming its line). The write phase
//! parses every line strictly and checks that its `artifact_seq` is the
//! key it was sorted by.

use std::fs::File;
use std::io::{ErrorKind, Read, Write};
use std::os::unix::fs::FileExt;

use fx_core::job::Job;
use fx_core::jsonl::{empty_line, parse_line, too_long};
use fx_core::{Error, Result};

/// Where a line is and where it goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Key {
    /// The job's `artifact_seq`.
    pub seq: u64,
    /// 1-based input line number (the tie-break).
    pub line: u64,
    /// Byte offset of the line in the input.
    pub off: u64,
    /// Length of the line without its newline (and `\r`).
    pub len: u32,
}

/// Bytes of a key on disk (see [`Key::encode`]).
pub const KEY_BYTES: usize = 28;

impl Key {
    /// `seq ‖ line ‖ off ‖ len`, little endian.
    pub fn encode(&self) -> [u8; KEY_BYTES] {
        let mut b = [0u8; KEY_BYTES];
        b[0..8].copy_from_slice(&self.seq.to_le_bytes());
        b[8..16].copy_from_slice(&self.line.to_le_bytes());
        b[16..24].copy_from_slice(&self.off.to_le_bytes());
        b[24..28].copy_from_slice(&self.len.to_le_bytes());
        b
    }

    /// The inverse of [`Key::encode`].
    pub fn decode(b: &[u8; KEY_BYTES]) -> Key {
        let u64_at = |i: usize| {
            let mut x = [0u8; 8];
            x.copy_from_slice(&b[i..i + 8]);
            u64::from_le_bytes(x)
        };
        Key {
            seq: u64_at(0),
            line: u64_at(8),
            off: u64_at(16),
            len: u32::from_le_bytes([b[24], b[25], b[26], b[27]]),
        }
    }
}

/// The bytes of the input, readable at any offset.
pub enum Source {
    /// The input file itself.
    File(File),
    /// A spool of a piped input.
    Spool(File),
}

/// Most bytes between two lines read with one `pread` ([`Source::lines`]).
const MAX_GAP: u64 = 64 << 10;
/// Most bytes one `pread` of [`Source::lines`] reads.
const MAX_SPAN: u64 = 2 << 20;

impl Source {
    fn file(&self) -> &File {
        match self {
            Source::File(f) | Source::Spool(f) => f,
        }
    }

    /// A line's buffer, with room for what rendering appends (see
    /// `record::from_line`).
    fn buffer(len: usize) -> Vec<u8> {
        Vec::with_capacity(len + len / 2 + 2048)
    }

    /// The line a key names.
    pub fn line(&self, key: &Key) -> Result<Vec<u8>> {
        let len = key.len as usize;
        let mut buf = Source::buffer(len);
        buf.resize(len, 0);
        self.file()
            .read_exact_at(&mut buf, key.off)
            .map_err(|e| reread_error(key, &e))?;
        Ok(buf)
    }

    /// The lines `keys` name, in the order of `keys`. Lines that lie close
    /// together in the input (a batch of an input that is nearly in order
    /// already) are read with one `pread` per run of them rather than one
    /// per line; a run that cannot be read is read again line by line, so
    /// that an error names its line.
    pub fn lines(&self, keys: &[Key]) -> Result<Vec<Vec<u8>>> {
        thread_local! {
            static SPAN: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
        }
        let mut order: Vec<usize> = (0..keys.len()).collect();
        order.sort_unstable_by_key(|&i| keys[i].off);
        let mut out: Vec<Vec<u8>> = vec![Vec::new(); keys.len()];
        let mut at = 0;
        while at < order.len() {
            // The run: lines in offset order, each close after the last.
            let start = keys[order[at]].off;
            let mut end = start + u64::from(keys[order[at]].len);
            let mut next = at + 1;
            while let Some(k) = order.get(next).map(|&i| &keys[i]) {
                let k_end = k.off + u64::from(k.len);
                if k.off < end || k.off - end > MAX_GAP || k_end - start > MAX_SPAN {
                    break;
                }
                end = k_end;
                next += 1;
            }
            let run = &order[at..next];
            at = next;
            if run.len() == 1 {
                out[run[0]] = self.line(&keys[run[0]])?;
                continue;
            }
            let read = SPAN.with_borrow_mut(|span| {
                // The span only grows: zeroing it again for every run cost
                // more than reading into it.
                let n = (end - start) as usize;
                if span.len() < n {
                    span.resize(n, 0);
                }
                let span = &mut span[..n];
                self.file().read_exact_at(span, start)?;
                for &i in run {
                    let k = &keys[i];
                    let from = (k.off - start) as usize;
                    let mut buf = Source::buffer(k.len as usize);
                    buf.extend_from_slice(&span[from..from + k.len as usize]);
                    out[i] = buf;
                }
                Ok::<(), std::io::Error>(())
            });
            if read.is_err() {
                for &i in run {
                    out[i] = self.line(&keys[i])?;
                }
            }
        }
        Ok(out)
    }
}

fn reread_error(key: &Key, e: &std::io::Error) -> Error {
    Error::Other(format!(
        "fx-seq: reading line {} again: {e} (did the input change while it was read?)",
        key.line
    ))
}

/// What the read phase saw.
#[derive(Clone, Copy, Debug, Default)]
pub struct Scanned {
    /// Lines read.
    pub lines: u64,
    /// Bytes of the lines (without newlines).
    pub bytes: u64,
}

const CHUNK: usize = 4 << 20;

/// Reads `input` to its end, calling `key` for every line in order; the
/// first byte read is at offset `start`. With `spool`, every byte read is
/// also written there (so offsets are offsets in the spool; pass 0). Lines
/// over `max_line` bytes are refused unread; blank lines are refused.
///
/// The spool is written by a second thread, so that copying the input into
/// the page cache overlaps reading and scanning it.
pub fn scan(
    input: &mut dyn Read,
    spool: Option<&mut File>,
    max_line: usize,
    start_offset: u64,
    key: impl FnMut(Key) -> Result<()>,
) -> Result<Scanned> {
    let Some(spool) = spool else {
        return scan_with(input, &mut |_| Ok(()), max_line, start_offset, key);
    };
    std::thread::scope(|scope| {
        let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<u8>>(8);
        let writer = scope.spawn(move || -> Result<()> {
            for chunk in rx {
                spool.write_all(&chunk).map_err(Error::Stream)?;
            }
            Ok(())
        });
        let mut pending: Vec<u8> = Vec::with_capacity(SPOOL_CHUNK);
        let stopped = || Error::Other("fx-seq: the spool writer stopped".into());
        let mut sink = |bytes: &[u8]| -> Result<()> {
            pending.extend_from_slice(bytes);
            if pending.len() >= SPOOL_CHUNK {
                let full = std::mem::replace(&mut pending, Vec::with_capacity(SPOOL_CHUNK));
                tx.send(full).map_err(|_| stopped())?;
            }
            Ok(())
        };
        let scanned = scan_with(input, &mut sink, max_line, start_offset, key);
        let last = (!pending.is_empty()).then(|| tx.send(std::mem::take(&mut pending)));
        drop(tx);
        let written = writer
            .join()
            .map_err(|_| Error::Other("fx-seq: the spool writer panicked".into()))?;
        // A write error explains a scan that found the writer stopped.
        written?;
        let scanned = scanned?;
        last.transpose().map_err(|_| stopped())?;
        Ok(scanned)
    })
}

/// Bytes handed to the spool writer at a time.
const SPOOL_CHUNK: usize = 1 << 20;

/// [`scan`], handing every byte read to `sink`.
fn scan_with(
    input: &mut dyn Read,
    sink: &mut dyn FnMut(&[u8]) -> Result<()>,
    max_line: usize,
    start_offset: u64,
    mut key: impl FnMut(Key) -> Result<()>,
) -> Result<Scanned> {
    let mut buf = vec![0u8; CHUNK];
    let (mut start, mut end) = (0usize, 0usize);
    let mut base = start_offset; // offset of buf[0]
    let mut seen = Scanned::default();
    let mut on_line = |seen: &mut Scanned, off: u64, mut line: &[u8]| -> Result<()> {
        seen.lines += 1;
        if line.last() == Some(&b'\r') {
            line = &line[..line.len() - 1];
        }
        if line.len() > max_line {
            return Err(too_long(seen.lines, max_line));
        }
        if line.iter().all(u8::is_ascii_whitespace) {
            return Err(empty_line(seen.lines));
        }
        let seq = match scan_seq(line) {
            Some(seq) => seq,
            None => parse_line::<Job>(line, seen.lines)?.artifact.artifact_seq,
        };
        seen.bytes += line.len() as u64;
        let len = u32::try_from(line.len()).map_err(|_| too_long(seen.lines, max_line))?;
        key(Key {
            seq,
            line: seen.lines,
            off,
            len,
        })
    };
    loop {
        while let Some(k) = memchr::memchr(b'\n', &buf[start..end]) {
            on_line(&mut seen, base + start as u64, &buf[start..start + k])?;
            start += k + 1;
        }
        if end - start > max_line.saturating_add(1) {
            return Err(too_long(seen.lines + 1, max_line));
        }
        buf.copy_within(start..end, 0);
        base += start as u64;
        end -= start;
        start = 0;
        if end == buf.len() {
            let grown = (buf.len() * 2)
                .min(max_line.saturating_add(2))
                .max(buf.len() + 1);
            buf.resize(grown, 0);
        }
        let n = match input.read(&mut buf[end..]) {
            Ok(n) => n,
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) => return Err(Error::Stream(e)),
        };
        if n == 0 {
            if end > 0 {
                on_line(&mut seen, base, &buf[..end])?;
            }
            return Ok(seen);
        }
        sink(&buf[end..end + n])?;
        end += n;
    }
}

/// The `artifact_seq` of a job line written in the fx stages' field order,
/// read from its opening bytes; `None` when the line does not start as
/// `{"fx":S,"run_id":S,"artifact":{"artifact_id":S[,"artifact_hash":S][,"artifact_ref":S],"artifact_seq":N`
/// followed by `,` or `}`.
pub fn scan_seq(line: &[u8]) -> Option<u64> {
    let mut i = expect(line, 0, br#"{"fx":"#)?;
    i = skip_string(line, i)?;
    i = expect(line, i, br#","run_id":"#)?;
    i = skip_string(line, i)?;
    i = expect(line, i, br#","artifact":{"artifact_id":"#)?;
    i = skip_string(line, i)?;
    for optional in [&br#","artifact_hash":"#[..], br#","artifact_ref":"#] {
        if let Some(j) = expect(line, i, optional) {
            i = skip_string(line, j)?;
        }
    }
    i = expect(line, i, br#","artifact_seq":"#)?;
    let digits = line
        .get(i..)?
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .count();
    if digits == 0 || (digits > 1 && line[i] == b'0') {
        return None;
    }
    if !matches!(line.get(i + digits), Some(b',' | b'}')) {
        return None;
    }
    std::str::from_utf8(&line[i..i + digits]).ok()?.parse().ok()
}

fn expect(line: &[u8], i: usize, lit: &[u8]) -> Option<usize> {
    line.get(i..)?.starts_with(lit).then_some(i + lit.len())
}

/// Skips a JSON string starting at `i` (its opening quote); returns the
/// index after the closing quote.
fn skip_string(line: &[u8], i: usize) -> Option<usize> {
    if line.get(i) != Some(&b'"') {
        return None;
    }
    crate::wire::string_close(line, i + 1).map(|(end, _)| end)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// The lines of `text` as keys (`seq` = line number).
    fn plain_keys(text: &[u8]) -> Vec<Key> {
        let mut keys = Vec::new();
        let mut off = 0u64;
        for (i, l) in text.split(|&b| b == b'\n').enumerate() {
            if !l.is_empty() {
                let n = i as u64 + 1;
                keys.push(Key {
                    seq: n,
                    line: n,
                    off,
                    len: l.len() as u32,
                });
            }
            off += l.len() as u64 + 1;
        }
        keys
    }

    #[test]
    fn lines_read_together_come_back_in_key_order_and_errors_name_their_line() {
        // Near lines, a line far from the others (past MAX_GAP) and a last
        // line, asked for out of order.
        let far = vec![b'f'; (MAX_GAP + 10) as usize];
        let mut text = b"one\ntwo\nthree\n".to_vec();
        text.extend_from_slice(&far);
        text.extend_from_slice(b"\nfour\nfive\n");
        let mut tmp = tempfile::NamedTempFile::new().unwrap();
        tmp.write_all(&text).unwrap();
        let src = Source::File(tmp.reopen().unwrap());
        let all = plain_keys(&text);
        let asked: Vec<Key> = [5, 0, 2, 4, 1, 3].iter().map(|&i| all[i]).collect();
        let got = src.lines(&asked).unwrap();
        let want: Vec<&[u8]> = vec![b"five", b"one", b"three", b"four", b"two", &far];
        assert_eq!(got.iter().map(Vec::as_slice).collect::<Vec<_>>(), want);
        // The input shrank: the run is read again line by line, and the
        // error names the first line that is gone.
        let cut = text.len() - b"four\nfive\n".len();
        tmp.as_file().set_len(cut as u64).unwrap();
        let err = src.lines(&asked).unwrap_err().to_string();
        assert!(err.contains("reading line 5 again"), "{err}");
        assert!(src.lines(&asked[1..3]).is_ok());
    }

    #[test]
    fn scan_seq_reads_the_stage_field_order_only() {
        let ok = br#"{"fx":"job/1","run_id":"r\"x","artifact":{"artifact_id":"a","artifact_hash":"sha256:00","artifact_ref":"blobs/x","artifact_seq":42,"size":1}}"#;
        assert_eq!(scan_seq(ok), Some(42));
        let bare =
            br#"{"fx":"job/1","run_id":"r","artifact":{"artifact_id":"a\\","artifact_seq":0}}"#;
        assert_eq!(scan_seq(bare), Some(0));
        for other in [
            &br#"{"run_id":"r","fx":"job/1","artifact":{"artifact_id":"a","artifact_seq":1}}"#[..],
            br#"{"fx":"job/1","run_id":"r","artifact":{"artifact_id":"a","artifact_seq":01}}"#,
            br#"{"fx":"job/1","run_id":"r","artifact":{"artifact_id":"a","artifact_seq":1.5}}"#,
            br#"{"fx":"job/1","run_id":"r","artifact":{"artifact_id":"a","artifact_seq":99999999999999999999}}"#,
            br#"{"fx":"job/1","run_id":"r","artifact":{"artifact_id":"a","size":3,"artifact_seq":1}}"#,
            br#"{"fx":"job/1","run_id":"#,
            b"",
        ] {
            assert_eq!(scan_seq(other), None, "{}", String::from_utf8_lossy(other));
        }
    }

    #[test]
    fn keys_round_trip() {
        let k = Key {
            seq: u64::MAX - 3,
            line: 7,
            off: 1 << 40,
            len: 99,
        };
        assert_eq!(Key::decode(&k.encode()), k);
    }

    fn keys_of(input: &[u8], max_line: usize) -> Result<Vec<Key>> {
        let mut keys = Vec::new();
        let mut spool = tempfile::tempfile().unwrap();
        scan(&mut &input[..], Some(&mut spool), max_line, 0, |k| {
            keys.push(k);
            Ok(())
        })?;
        let src = Source::Spool(spool);
        for k in &keys {
            let line = src.line(k).unwrap();
            assert_eq!(
                Some(&line[..]),
                input.get(k.off as usize..k.off as usize + k.len as usize)
            );
        }
        Ok(keys)
    }

    #[test]
    fn lines_offsets_and_limits() {
        let a = br#"{"fx":"job/1","run_id":"r","artifact":{"artifact_id":"a","artifact_seq":5}}"#;
        let mut input = Vec::new();
        input.extend_from_slice(a);
        input.extend_from_slice(b"\r\n");
        input.extend_from_slice(&a[..]);
        let keys = keys_of(&input, 1 << 20).unwrap();
        assert_eq!(keys.len(), 2);
        assert_eq!(
            (keys[0].off, keys[0].len, keys[1].line),
            (0, a.len() as u32, 2)
        );
        assert_eq!(keys[1].off, a.len() as u64 + 2);
        // Small limits and a line spanning reads of any size.
        let err = keys_of(&input, 10).unwrap_err().to_string();
        assert_eq!(err, "line 1: line longer than the limit of 10 bytes");
        let mut blank = input.clone();
        blank.splice(0..0, b"\n".iter().copied());
        let err = keys_of(&blank, 1 << 20).unwrap_err().to_string();
        assert_eq!(err, "line 1: empty line");
        let long = format!(
            r#"{{"fx":"job/1","run_id":"{}","artifact":{{"artifact_id":"a","artifact_seq":9}}}}"#,
            "x".repeat(3 * CHUNK)
        );
        let keys = keys_of(format!("{long}\n{long}").as_bytes(), 4 * CHUNK).unwrap();
        assert_eq!(keys.len(), 2);
        assert_eq!(keys[1].seq, 9);
        let err = keys_of(format!("{long}\n").as_bytes(), 2 * CHUNK)
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("line 1: line longer than the limit"),
            "{err}"
        );
        // A line that is not in stage order is parsed whole; a broken one is refused.
        let err = keys_of(br#"{"fx":"job/1","run_id":"#, 1 << 20)
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("line 1: invalid job line"), "{err}");
    }
}
