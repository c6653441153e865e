//! Reading job lines: strict parsing, run checks, order, truncation.
//!
//! Lines are read in bounded batches (memory stays flat on any stream),
//! parsed and turned into rows in parallel, and handed on in input order, so
//! the output is the same at any thread count. Job lines must come in
//! strictly increasing `artifact_seq` order: sorting is fx-seq's job, and a
//! stream that is out of order is refused with the line that broke it rather
//! than sorted here (which would need fx-seq's external sort).

use std::io::{BufRead, Read, Seek, SeekFrom};
use std::path::Path;

use anyhow::Context as _;
use fx_core::Job;
use fx_core::jsonl::{LineReader, parse_line};
use fx_core::run::RunDir;

use crate::FeaturesError;
use crate::schema::Cell;

/// Lines per batch.
const BATCH_LINES: usize = 1024;
/// Raw bytes per batch, whichever limit comes first.
const BATCH_BYTES: usize = 32 * 1024 * 1024;

/// True when `path` is empty or ends with a newline (a complete JSONL file).
pub fn ends_with_newline(path: &Path) -> anyhow::Result<bool> {
    let mut f = std::fs::File::open(path).map_err(|e| fx_core::Error::io(path, e))?;
    let len = f.metadata().map_err(|e| fx_core::Error::io(path, e))?.len();
    if len == 0 {
        return Ok(true);
    }
    let mut last = [0u8; 1];
    f.seek(SeekFrom::End(-1))
        .and_then(|_| f.read_exact(&mut last))
        .map_err(|e| fx_core::Error::io(path, e))?;
    Ok(last[0] == b'\n')
}

/// Refuses a JSONL file whose last line is cut (no final newline), naming
/// the line. A missing file is fine (not every run writes it).
pub fn check_complete(path: &Path) -> anyhow::Result<()> {
    if !path.is_file() || ends_with_newline(path)? {
        return Ok(());
    }
    let mut f = std::io::BufReader::new(
        std::fs::File::open(path).map_err(|e| fx_core::Error::io(path, e))?,
    );
    let mut lines = 0u64;
    loop {
        let buf = f.fill_buf().map_err(|e| fx_core::Error::io(path, e))?;
        if buf.is_empty() {
            break;
        }
        lines += buf.iter().filter(|&&b| b == b'\n').count() as u64;
        let n = buf.len();
        f.consume(n);
    }
    Err(FeaturesError::Truncated {
        path: path.to_path_buf(),
        line: lines + 1,
    }
    .into())
}

/// The `event_seq` of the last line of a sequenced events file (fx-seq's
/// `telemetry/events.jsonl`), or `None` when the file is missing or empty.
/// A last line that is cut (no final newline) or unreadable is an error
/// naming it. Reads only the end of the file.
pub fn last_event_seq(path: &Path, max_line: u64) -> anyhow::Result<Option<u64>> {
    if !path.is_file() {
        return Ok(None);
    }
    check_complete(path)?;
    let mut f = std::fs::File::open(path).map_err(|e| fx_core::Error::io(path, e))?;
    let len = f.metadata().map_err(|e| fx_core::Error::io(path, e))?.len();
    if len == 0 {
        return Ok(None);
    }
    // The last line is the bytes after the last newline but one: read
    // growing windows from the end until that newline (or the start) is in.
    let mut window = 4096u64.min(len);
    loop {
        let start = len - window;
        f.seek(SeekFrom::Start(start))
            .map_err(|e| fx_core::Error::io(path, e))?;
        let mut buf = vec![0u8; usize::try_from(window).unwrap_or(usize::MAX)];
        f.read_exact(&mut buf)
            .map_err(|e| fx_core::Error::io(path, e))?;
        let body = buf.strip_suffix(b"\n").unwrap_or(&buf);
        let line = match memchr_last_newline(body) {
            Some(i) => body.get(i + 1..).unwrap_or_default(),
            None if start == 0 => body,
            None if window > max_line.saturating_add(2) => {
                anyhow::bail!(
                    "{}: the last line is longer than the limit of {max_line} bytes",
                    path.display()
                );
            }
            None => {
                window = (window * 2).min(len);
                continue;
            }
        };
        let value: serde_json::Value = serde_json::from_slice(line).map_err(|e| {
            anyhow::anyhow!(
                "{}: the last line is not a valid event: {e}",
                path.display()
            )
        })?;
        return Ok(value.get("event_seq").and_then(serde_json::Value::as_u64));
    }
}

fn memchr_last_newline(b: &[u8]) -> Option<usize> {
    b.iter().rposition(|&c| c == b'\n')
}

/// One job line, parsed and turned into its row.
struct Parsed {
    line: u64,
    seq: u64,
    last_event_seq: Option<u64>,
    cells: Vec<Cell>,
}

/// Reads every job line of `reader`, checks it, computes its row and hands
/// the rows to `sink` in input order. Returns the number of rows.
///
/// `file` is the path of the input and whether it ends with a newline; a
/// malformed last line of a file without one is reported as a truncation.
pub fn for_each_row(
    run: &RunDir,
    reader: impl BufRead,
    input_name: &str,
    threads: usize,
    file: Option<(&Path, bool)>,
    events_check: Option<(&Path, u64)>,
    mut sink: impl FnMut(&[Cell]) -> anyhow::Result<()> + Send,
) -> anyhow::Result<u64> {
    // The writer runs on its own thread, fed whole batches through a
    // bounded channel, so writing overlaps parsing and memory stays bounded
    // (at most a few batches in flight).
    std::thread::scope(|scope| {
        let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Vec<Cell>>>(2);
        let writer = scope.spawn(move || -> anyhow::Result<()> {
            for batch in rx {
                for cells in &batch {
                    sink(cells)?;
                }
            }
            Ok(())
        });
        let read = read_rows(
            run,
            reader,
            input_name,
            threads,
            file,
            events_check,
            |rows| tx.send(rows).is_ok(),
        );
        drop(tx);
        let wrote = writer
            .join()
            .map_err(|_| anyhow::anyhow!("the table writer panicked"))?;
        let rows = read?;
        wrote?;
        Ok(rows)
    })
}

/// Reads, checks and converts every line, handing rows to `emit` a batch at
/// a time in input order; stops early when `emit` returns false (the
/// writer failed and will report why).
fn read_rows(
    run: &RunDir,
    reader: impl BufRead,
    input_name: &str,
    threads: usize,
    file: Option<(&Path, bool)>,
    events_check: Option<(&Path, u64)>,
    mut emit: impl FnMut(Vec<Vec<Cell>>) -> bool,
) -> anyhow::Result<u64> {
    use rayon::prelude::*;

    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads.max(1))
        .build()
        .context("thread pool")?;
    let max_line = usize::try_from(run.policy().limits.max_line_bytes).unwrap_or(usize::MAX);
    let mut lines = LineReader::new(reader, max_line);
    let mut prev: Option<u64> = None;
    let mut last_event_seq: Option<u64> = None;
    let mut rows = 0u64;
    loop {
        let mut batch: Vec<(u64, Vec<u8>)> = Vec::new();
        let mut bytes = 0usize;
        while batch.len() < BATCH_LINES && bytes < BATCH_BYTES {
            let next = lines.next_line().with_context(|| input_name.to_owned())?;
            let Some((line, raw)) = next else { break };
            bytes += raw.len();
            batch.push((line, raw.to_vec()));
        }
        if batch.is_empty() {
            break;
        }
        let last_line = batch.last().map_or(0, |(l, _)| *l);
        let results: Vec<fx_core::Result<Parsed>> = pool.install(|| {
            batch
                .par_iter()
                .map(|(line, raw)| {
                    let job: Job = parse_line(raw, *line)?;
                    run.check_job(&job, *line)?;
                    Ok(Parsed {
                        line: *line,
                        seq: job.artifact.artifact_seq,
                        last_event_seq: job.events.last().and_then(|e| e.event_seq),
                        cells: crate::row_of(&job),
                    })
                })
                .collect()
        });
        drop(batch);
        let mut out = Vec::with_capacity(results.len());
        for result in results {
            let Parsed {
                line,
                seq,
                last_event_seq: last,
                cells,
            } = match result {
                Ok(r) => r,
                Err(err) => {
                    if let (fx_core::Error::BadLine { line, .. }, Some((path, false))) =
                        (&err, file)
                        && *line == last_line
                        && lines.next_line().ok().flatten().is_none()
                    {
                        return Err(FeaturesError::Truncated {
                            path: path.to_path_buf(),
                            line: *line,
                        }
                        .into());
                    }
                    return Err(err).with_context(|| input_name.to_owned());
                }
            };
            if let Some(p) = prev
                && seq <= p
            {
                return Err(FeaturesError::Order {
                    input: input_name.to_owned(),
                    line,
                    seq,
                    prev: p,
                }
                .into());
            }
            prev = Some(seq);
            last_event_seq = last.or(last_event_seq);
            out.push(cells);
            rows += 1;
        }
        if !emit(out) {
            return Ok(rows);
        }
    }
    if let Some((events, expected)) = events_check
        && last_event_seq != Some(expected)
    {
        return Err(FeaturesError::OutOfStep {
            events: events.to_path_buf(),
            events_last: expected,
            jobs_last: last_event_seq.map_or_else(|| "none".to_owned(), |s| s.to_string()),
        }
        .into());
    }
    Ok(rows)
}
