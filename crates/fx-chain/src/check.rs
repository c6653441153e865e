//! Checking a run against its evidence chain: every chain's links, the
//! root, every recorded file line by line or whole, and the files a writer's
//! directory holds that its chain lacks. Each finding is one line naming
//! the file (and line) that differs.

use std::collections::{BTreeSet, VecDeque};
use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use crate::entry::{Content, Entry};
use crate::error::{ChainError, Result};
use crate::leaves::{LEAF_BYTES, Leaf, LineLeaves, StoredLeaves, file_sha256};
use crate::root::{Root, chain_lines, head_of, root_hash};
use crate::write::relative;
use crate::{CHAIN_FORMAT, EVIDENCE_DIR, ROOT_FILE, ROOT_FORMAT, Writer, ZERO_HASH, is_private};

/// Findings reported per recorded file before the rest of it is skipped.
pub const MAX_PER_FILE: usize = 20;

/// What a check found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Checked {
    /// One line per finding, `<file>[:<line>]: <what>`.
    pub problems: Vec<String>,
    /// Chain entries checked.
    pub entries: u64,
    /// The root recorded in `manifests/evidence_root.json`, when readable.
    pub root: Option<String>,
}

/// Checks the run directory `run` against its evidence chain.
pub fn check(run: &Path) -> Result<Checked> {
    let mut c = Checked::default();
    let root = read_root(run, &mut c)?;
    if let Some(r) = &root {
        c.root = Some(r.root.clone());
        if r.fx != ROOT_FORMAT || r.hash != "sha256" {
            c.problems.push(format!(
                "{ROOT_FILE}: format {:?} with hash {:?}; this fx reads {ROOT_FORMAT:?} with sha256",
                r.fx, r.hash
            ));
        }
        let want = root_hash(&r.writers);
        if want != r.root {
            c.problems.push(format!(
                "{ROOT_FILE}: root {} is not the hash of its writers' heads ({want}): the root file was edited",
                r.root
            ));
        }
        for w in &r.writers {
            if Writer::from_name(&w.writer).is_none() {
                c.problems
                    .push(format!("{ROOT_FILE}: unknown writer {:?}", w.writer));
            }
        }
        let order: Vec<usize> = r
            .writers
            .iter()
            .filter_map(|w| Writer::ALL.iter().position(|x| x.name() == w.writer))
            .collect();
        if order.windows(2).any(|p| p[0] >= p[1]) {
            c.problems.push(format!(
                "{ROOT_FILE}: writers out of their fixed order (fx-seq, fx-features, fx-report)"
            ));
        }
    }
    unknown_chains(run, &mut c)?;
    for w in Writer::ALL {
        let recorded = root
            .as_ref()
            .and_then(|r| r.writers.iter().find(|h| h.writer == w.name()));
        check_writer(run, w, recorded, &mut c)?;
    }
    Ok(c)
}

fn read_root(run: &Path, c: &mut Checked) -> Result<Option<Root>> {
    let path = run.join(ROOT_FILE);
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            c.problems.push(format!(
                "{ROOT_FILE}: missing: the run has no evidence chain root (fx-seq, fx-features and fx-report write it)"
            ));
            return Ok(None);
        }
        Err(e) => return Err(ChainError::io(&path, e)),
    };
    match serde_json::from_slice::<Root>(&bytes) {
        Ok(r) => Ok(Some(r)),
        Err(e) => {
            c.problems
                .push(format!("{ROOT_FILE}: not an evidence root: {e}"));
            Ok(None)
        }
    }
}

/// Chain files of no known writer.
fn unknown_chains(run: &Path, c: &mut Checked) -> Result<()> {
    let dir = run.join(EVIDENCE_DIR);
    let Ok(rd) = std::fs::read_dir(&dir) else {
        return Ok(());
    };
    let mut names = Vec::new();
    for e in rd {
        let e = e.map_err(|e| ChainError::io(&dir, e))?;
        names.push(e.file_name().to_string_lossy().into_owned());
    }
    names.sort();
    for name in names {
        let known = Writer::ALL
            .iter()
            .any(|w| name == format!("{}.jsonl", w.name()) || name == w.name());
        if !known && !is_private(&name) {
            c.problems.push(format!(
                "{EVIDENCE_DIR}/{name}: not a chain of any writer (fx-seq, fx-features, fx-report)"
            ));
        }
    }
    Ok(())
}

fn check_writer(
    run: &Path,
    w: Writer,
    recorded: Option<&crate::root::WriterHead>,
    c: &mut Checked,
) -> Result<()> {
    let chain = w.chain_file();
    let Some((lines, terminated)) = chain_lines(&run.join(&chain))? else {
        if recorded.is_some() {
            c.problems
                .push(format!("{chain}: missing, but {ROOT_FILE} records it"));
        }
        let dir = run.join(w.dir());
        let mut files = Vec::new();
        walk_files(run, &dir, &mut files)?;
        if let Some(first) = files.first() {
            c.problems.push(format!(
                "{}/: {} file(s) ({first}, …) but no evidence chain ({chain} is missing)",
                w.dir(),
                files.len()
            ));
        }
        return Ok(());
    };
    match recorded {
        None => c.problems.push(format!(
            "{chain}: not recorded in {ROOT_FILE} (a chain added or the root edited)"
        )),
        Some(h) => {
            let n = lines.len() as u64;
            if h.chain != chain {
                c.problems.push(format!(
                    "{ROOT_FILE}: {} chain recorded as {:?}, not {chain:?}",
                    w.name(),
                    h.chain
                ));
            }
            if n > h.entries {
                c.problems.push(format!(
                    "{chain}:{}: line beyond the {} entries {ROOT_FILE} records (appended)",
                    h.entries + 1,
                    h.entries
                ));
            } else if n < h.entries {
                c.problems.push(format!(
                    "{chain}: {n} entries where {ROOT_FILE} records {} (lines removed)",
                    h.entries
                ));
            } else if head_of(&lines) != h.head {
                c.problems.push(format!(
                    "{chain}: head {} differs from {ROOT_FILE}'s {} (the chain was rewritten)",
                    head_of(&lines),
                    h.head
                ));
            }
        }
    }
    if !terminated {
        c.problems
            .push(format!("{chain}:{}: last line has no newline", lines.len()));
    }
    let mut prev = ZERO_HASH.to_owned();
    let mut last_path: Option<String> = None;
    let mut recorded_paths = BTreeSet::new();
    let mut leaves_files = BTreeSet::new();
    for (i, raw) in lines.iter().enumerate() {
        let n = i + 1;
        let at = format!("{chain}:{n}");
        let this = crate::sha256_hex(raw);
        let entry: Entry = match serde_json::from_slice(raw) {
            Ok(e) => e,
            Err(e) => {
                c.problems.push(format!("{at}: not a chain entry: {e}"));
                prev = this;
                continue;
            }
        };
        c.entries += 1;
        if entry.prev != prev {
            c.problems.push(if n == 1 {
                format!("{at}: `prev` is not zero on the first entry (lines removed or moved before it)")
            } else {
                format!(
                    "{at}: `prev` is not the SHA-256 of line {}: that line was edited, or lines were removed or moved",
                    n - 1
                )
            });
        }
        prev = this;
        if entry.fx != CHAIN_FORMAT || entry.writer != w.name() {
            c.problems.push(format!(
                "{at}: entry of format {:?} by {:?} in the chain of {} ({CHAIN_FORMAT})",
                entry.fx,
                entry.writer,
                w.name()
            ));
        }
        if let Some(p) = &last_path
            && entry.path <= *p
        {
            c.problems.push(format!(
                "{at}: {} after {p}: entries are in path order (reordered)",
                entry.path
            ));
        }
        last_path = Some(entry.path.clone());
        recorded_paths.insert(entry.path.clone());
        if let Content::Lines { leaves, .. } = &entry.content {
            leaves_files.insert(leaves.clone());
        }
        check_entry(run, w, &entry, &at, c)?;
    }
    // Files the chain does not record.
    let mut files = Vec::new();
    walk_files(run, &run.join(w.dir()), &mut files)?;
    for f in files {
        if !recorded_paths.contains(&f) {
            c.problems
                .push(format!("{f}: not in the evidence chain ({chain})"));
        }
    }
    let mut stored = Vec::new();
    walk_files(run, &run.join(w.leaves_dir()), &mut stored)?;
    for f in stored {
        if !leaves_files.contains(&f) {
            c.problems
                .push(format!("{f}: leaves of no entry of {chain}"));
        }
    }
    Ok(())
}

/// Size and line count of a file (a last line without `\n` counts).
fn count_lines(file: &Path) -> std::io::Result<(u64, u64)> {
    use std::io::Read as _;
    let mut f = File::open(file)?;
    let mut buf = vec![0u8; 1 << 20];
    let (mut bytes, mut newlines, mut last) = (0u64, 0u64, b'\n');
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        bytes += n as u64;
        newlines += buf[..n].iter().filter(|&&b| b == b'\n').count() as u64;
        last = buf[n - 1];
    }
    Ok((bytes, newlines + u64::from(bytes > 0 && last != b'\n')))
}

fn check_entry(run: &Path, w: Writer, e: &Entry, at: &str, c: &mut Checked) -> Result<()> {
    let path = &e.path;
    if path.starts_with('/') || path.split('/').any(|p| p == ".." || p.is_empty()) {
        c.problems
            .push(format!("{at}: {path:?} is not a path inside the run"));
        return Ok(());
    }
    let file = run.join(path);
    match &e.content {
        Content::File { bytes, sha256 } => match file_sha256(&file) {
            Ok((n, got)) if got == *sha256 && n == *bytes => {}
            Ok((n, got)) => c.problems.push(format!(
                "{path}: content differs from {at} (SHA-256 {got}, {n} bytes; recorded {sha256}, {bytes} bytes)"
            )),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => c
                .problems
                .push(format!("{path}: missing ({at} records it)")),
            Err(err) => c.problems.push(format!("{path}: {err} ({at})")),
        },
        Content::Derived { from, bytes, lines } => {
            if from == path {
                c.problems
                    .push(format!("{at}: {path} is recorded as derived from itself"));
            }
            match count_lines(&file) {
                Ok((n, l)) if n == *bytes && l == *lines => {}
                Ok((n, l)) => c.problems.push(format!(
                    "{path}: {n} bytes in {l} lines where {at} records {bytes} bytes in {lines} lines"
                )),
                Err(err) if err.kind() == std::io::ErrorKind::NotFound => c
                    .problems
                    .push(format!("{path}: missing ({at} records it)")),
                Err(err) => c.problems.push(format!("{path}: {err} ({at})")),
            }
        }
        Content::Lines {
            bytes,
            lines,
            leaves,
            leaves_sha256,
        } => {
            if *leaves != w.leaves_file(path) {
                c.problems.push(format!(
                    "{at}: leaves file {leaves} where {} was expected",
                    w.leaves_file(path)
                ));
                return Ok(());
            }
            let lf = run.join(leaves);
            match file_sha256(&lf) {
                Ok((n, got)) if got == *leaves_sha256 && n == lines * LEAF_BYTES as u64 => {}
                Ok((_, got)) if got != *leaves_sha256 => {
                    c.problems.push(format!(
                        "{leaves}: SHA-256 {got} is not the {leaves_sha256} of {at}: the leaves were edited"
                    ));
                    return Ok(());
                }
                Ok((n, _)) => {
                    c.problems.push(format!(
                        "{at}: {lines} lines recorded but {leaves} holds {n} bytes of leaves"
                    ));
                    return Ok(());
                }
                Err(err) => {
                    c.problems.push(format!("{leaves}: {err} ({at})"));
                    return Ok(());
                }
            }
            let f = match File::open(&file) {
                Ok(f) => f,
                Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                    c.problems
                        .push(format!("{path}: missing ({at} records it)"));
                    return Ok(());
                }
                Err(err) => {
                    c.problems.push(format!("{path}: {err} ({at})"));
                    return Ok(());
                }
            };
            let stored = File::open(&lf).map_err(|err| ChainError::io(&lf, err))?;
            let found = compare_lines(
                path,
                &mut LineLeaves::new(BufReader::with_capacity(1 << 20, f)),
                &mut StoredLeaves::new(BufReader::with_capacity(1 << 16, stored)),
                *lines,
                *bytes,
            )?;
            c.problems.extend(found);
        }
    }
    Ok(())
}

/// Up to two leaves ahead of a position, read on demand.
struct Ahead<F> {
    next: F,
    buf: VecDeque<Leaf>,
    ended: bool,
}

impl<F: FnMut() -> Result<Option<Leaf>>> Ahead<F> {
    fn new(next: F) -> Ahead<F> {
        Ahead {
            next,
            buf: VecDeque::with_capacity(3),
            ended: false,
        }
    }

    fn peek(&mut self, k: usize) -> Result<Option<Leaf>> {
        while self.buf.len() <= k && !self.ended {
            match (self.next)()? {
                Some(l) => self.buf.push_back(l),
                None => self.ended = true,
            }
        }
        Ok(self.buf.get(k).copied())
    }

    fn skip(&mut self, k: usize) {
        for _ in 0..k {
            self.buf.pop_front();
        }
    }
}

/// Compares a file's lines with its recorded leaves and names each line
/// that was edited, removed, inserted or swapped with the next.
fn compare_lines<R: std::io::BufRead, S: std::io::Read>(
    path: &str,
    file: &mut LineLeaves<R>,
    stored: &mut StoredLeaves<S>,
    lines: u64,
    bytes: u64,
) -> Result<Vec<String>> {
    let mut size = 0u64;
    let mut actual = Ahead::new(|| {
        let got = file.next_leaf().map_err(|e| ChainError::io(path, e))?;
        Ok(got.map(|(l, n)| {
            size += n;
            l
        }))
    });
    let mut recorded = Ahead::new(|| stored.next_leaf().map_err(|e| ChainError::io(path, e)));
    let mut out = Vec::new();
    // i: line number in the file now; j: line number in the recorded file.
    let (mut i, mut j) = (1u64, 1u64);
    while out.len() < MAX_PER_FILE {
        let (a, r) = (actual.peek(0)?, recorded.peek(0)?);
        match (a, r) {
            (None, None) => break,
            (Some(_), None) => {
                out.push(format!(
                    "{path}:{i}: line beyond the {lines} lines the evidence chain records (appended)"
                ));
                break;
            }
            (None, Some(_)) => {
                out.push(format!(
                    "{path}: ends after line {}; the evidence chain records {lines} lines (line {j} onwards removed)",
                    i - 1
                ));
                break;
            }
            (Some(a), Some(r)) if a == r => {
                actual.skip(1);
                recorded.skip(1);
                i += 1;
                j += 1;
            }
            (Some(a), Some(r)) => {
                let (a1, r1) = (actual.peek(1)?, recorded.peek(1)?);
                if a1 == Some(r) && r1 == Some(a) {
                    out.push(format!(
                        "{path}:{i}: lines {i} and {} swapped (each holds the other's recorded leaf)",
                        i + 1
                    ));
                    actual.skip(2);
                    recorded.skip(2);
                    i += 2;
                    j += 2;
                } else if r1 == Some(a) {
                    out.push(format!(
                        "{path}:{i}: line removed (recorded line {j} is missing; line {i} holds recorded line {})",
                        j + 1
                    ));
                    recorded.skip(1);
                    j += 1;
                } else if a1 == Some(r) {
                    out.push(format!(
                        "{path}:{i}: line inserted (no recorded line matches it; line {} holds recorded line {j})",
                        i + 1
                    ));
                    actual.skip(1);
                    i += 1;
                } else {
                    out.push(format!(
                        "{path}:{i}: line edited (its SHA-256 differs from recorded leaf {j})"
                    ));
                    actual.skip(1);
                    recorded.skip(1);
                    i += 1;
                    j += 1;
                }
            }
        }
    }
    if out.len() >= MAX_PER_FILE {
        out.push(format!("{path}: further differences not reported"));
    } else if out.is_empty() && size != bytes {
        out.push(format!(
            "{path}: {size} bytes where the evidence chain records {bytes}"
        ));
    }
    Ok(out)
}

/// Every file under `dir`, relative to `run`; hidden names skipped; none
/// when `dir` does not exist.
fn walk_files(run: &Path, dir: &Path, out: &mut Vec<String>) -> Result<()> {
    let rd = match std::fs::read_dir(dir) {
        Ok(rd) => rd,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(ChainError::io(dir, e)),
    };
    let mut entries: Vec<_> = rd
        .collect::<std::io::Result<Vec<_>>>()
        .map_err(|e| ChainError::io(dir, e))?;
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let name = e.file_name();
        if is_private(&name.to_string_lossy()) {
            continue;
        }
        let p = e.path();
        let ft = e.file_type().map_err(|err| ChainError::io(&p, err))?;
        if ft.is_dir() {
            walk_files(run, &p, out)?;
        } else {
            out.push(relative(run, &p).unwrap_or_else(|_| p.to_string_lossy().into_owned()));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::leaves::leaf;

    fn diff(recorded: &[&str], now: &[&str]) -> Vec<String> {
        let text: String = now.iter().map(|l| format!("{l}\n")).collect();
        let leaves: Vec<u8> = recorded
            .iter()
            .flat_map(|l| leaf(format!("{l}\n").as_bytes()))
            .collect();
        let bytes: u64 = recorded.iter().map(|l| l.len() as u64 + 1).sum();
        compare_lines(
            "f.jsonl",
            &mut LineLeaves::new(text.as_bytes()),
            &mut StoredLeaves::new(&leaves[..]),
            recorded.len() as u64,
            bytes,
        )
        .unwrap()
    }

    const REC: [&str; 5] = ["a", "b", "c", "d", "e"];

    #[test]
    fn names_each_kind_of_change_by_line() {
        assert!(diff(&REC, &REC).is_empty());
        assert_eq!(
            diff(&REC, &["a", "b", "X", "d", "e"]),
            ["f.jsonl:3: line edited (its SHA-256 differs from recorded leaf 3)"]
        );
        assert_eq!(
            diff(&REC, &["a", "c", "d", "e"]),
            ["f.jsonl:2: line removed (recorded line 2 is missing; line 2 holds recorded line 3)"]
        );
        assert_eq!(
            diff(&REC, &["a", "b", "d", "c", "e"]),
            ["f.jsonl:3: lines 3 and 4 swapped (each holds the other's recorded leaf)"]
        );
        assert_eq!(
            diff(&REC, &["a", "X", "b", "c", "d", "e"]),
            [
                "f.jsonl:2: line inserted (no recorded line matches it; line 3 holds recorded line 2)"
            ]
        );
        assert_eq!(
            diff(&REC, &["a", "b", "c", "d", "e", "f"]),
            ["f.jsonl:6: line beyond the 5 lines the evidence chain records (appended)"]
        );
        assert_eq!(
            diff(&REC, &["a", "b", "c"]),
            [
                "f.jsonl: ends after line 3; the evidence chain records 5 lines (line 4 onwards removed)"
            ]
        );
    }

    #[test]
    fn a_lost_final_newline_is_an_edit_of_the_last_line() {
        let leaves: Vec<u8> = ["a\n", "b\n"]
            .iter()
            .flat_map(|l| leaf(l.as_bytes()))
            .collect();
        let got = compare_lines(
            "f",
            &mut LineLeaves::new(&b"a\nb"[..]),
            &mut StoredLeaves::new(&leaves[..]),
            2,
            4,
        )
        .unwrap();
        assert_eq!(
            got,
            ["f:2: line edited (its SHA-256 differs from recorded leaf 2)"]
        );
    }
}
