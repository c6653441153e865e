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
    mut sink: impl FnMut(&[Cell]) -> anyhow::Result<()>,
) -> anyhow::Result<u64> {
    use rayon::prelude::*;

    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads.max(1))
        .build()
        .context("thread pool")?;
    let max_line = usize::try_from(run.policy().limits.max_line_bytes).unwrap_or(usize::MAX);
    let mut lines = LineReader::new(reader, max_line);
    let mut prev: Option<u64> = None;
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
        let results: Vec<fx_core::Result<(u64, u64, Vec<Cell>)>> = pool.install(|| {
            batch
                .par_iter()
                .map(|(line, raw)| {
                    let job: Job = parse_line(raw, *line)?;
                    run.check_job(&job, *line)?;
                    Ok((*line, job.artifact.artifact_seq, crate::row_of(&job)))
                })
                .collect()
        });
        drop(batch);
        for result in results {
            let (line, seq, cells) = match result {
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
            sink(&cells)?;
            rows += 1;
        }
    }
    Ok(rows)
}
