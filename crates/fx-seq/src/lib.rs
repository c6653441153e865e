//! # fx-seq — the single writer of the evidence store
//!
//! `fx-seq --run RUN [-] < jobs.jsonl` reads job lines in any order (a
//! distributed engine returns its partitions shuffled), restores the
//! planner's `artifact_seq` order with an external merge sort in bounded
//! memory, stamps every event with `run_id`, `artifact_id`, `artifact_seq`
//! and a global, contiguous `event_seq`, appends the per-job summary event
//! ([`fx_core::summary`]) and writes `RUN/telemetry/`:
//!
//! * `events.jsonl` — every event, one per line, in (`artifact_seq`, event) order;
//! * `tool_run_events.jsonl` — the events that carry a `tool` record;
//! * `module_events/<module>.jsonl` — the events of each module;
//! * `jobs.jsonl` — the sorted job lines with their stamped events, for replay.
//!
//! The output is byte-identical whatever the input order, the thread count
//! or the engine that ran the stages; wall-clock figures go to
//! `RUN/metrics/seq.json` only. `fx-seq --run RUN --verify` checks a run
//! directory (blobs, sequences, summaries, file consistency).
//!
//! The pipeline: a reader thread cuts the input into batches of lines; the
//! batches are parsed, checked against the run, summarised and pre-rendered
//! in parallel ([`record`]); the records go through the external sorter
//! ([`sort`]); the merged stream is written in order ([`telemetry`]), which
//! is mere concatenation.

pub mod record;
pub mod sort;
pub mod telemetry;
pub mod verify;

use std::io::{BufRead, BufReader, IsTerminal};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::time::Instant;

use fx_core::cli::RunArgs;
use fx_core::job::Job;
use fx_core::jsonl::{LineReader, parse_line};
use fx_core::run::RunDir;
use fx_core::{Error, Result};
use serde::Serialize;

use crate::record::Record;
use crate::sort::{SortStats, Sorter};
use crate::telemetry::{Staging, Written};

/// Command-line arguments of `fx-seq`.
#[derive(Debug, clap::Parser)]
#[command(
    name = "fx-seq",
    version,
    about = "Sequence job lines into the run's evidence store (RUN/telemetry/), or verify a run",
    after_help = "Examples:\n  fx-ingest --run RUN samples/ | fx-route --run RUN | fx-seq --run RUN\n  fx-seq --run RUN --verify"
)]
pub struct Args {
    /// Run directory and threads.
    #[command(flatten)]
    pub run: RunArgs,
    /// Job lines to read (`-` or absent: stdin).
    #[arg(value_name = "JOBS")]
    pub input: Option<PathBuf>,
    /// Check the run directory (blobs, sequences, summaries, telemetry files)
    /// instead of writing it; prints every problem and exits 1 if any.
    #[arg(long, conflicts_with = "input")]
    pub verify: bool,
    /// Print a one-line summary on stderr (default: only when stderr is a terminal).
    #[arg(long)]
    pub stats: bool,
    /// Sort memory budget in bytes (default: the policy's `seq.sort_memory_bytes`).
    #[arg(long, value_name = "BYTES")]
    pub sort_memory: Option<u64>,
}

/// Runs the command.
pub fn run(args: &Args) -> anyhow::Result<()> {
    // In a pipeline fx-seq starts before fx-ingest has created the run:
    // wait for the first input before opening it.
    let mut input = match args.verify {
        true => None,
        false => Some(open_input(args.input.as_deref())?),
    };
    if let Some(i) = input.as_mut() {
        fx_core::cli::wait_for_input(i)?;
    }
    let run = RunDir::open(&args.run.run)?;
    if args.verify {
        let report = verify::verify(&run, &mut std::io::stdout().lock())?;
        if report.problems > 0 {
            anyhow::bail!(
                "verify: {} problem(s) in {}",
                report.problems,
                run.path().display()
            );
        }
        eprintln!(
            "fx-seq: verify: {} is consistent ({} jobs, {} events, {} blobs checked{})",
            run.path().display(),
            report.jobs,
            report.events,
            report.blobs,
            if report.registry_checked {
                ""
            } else {
                "; no registry, artifact_seq not checked against it"
            }
        );
        return Ok(());
    }
    let input = input.ok_or_else(|| anyhow::anyhow!("no input"))?;
    let budget = args
        .sort_memory
        .unwrap_or(run.policy().seq.sort_memory_bytes);
    let terminal = std::io::stderr().is_terminal();
    let outcome = sequence(&run, input, args.run.jobs(), budget, terminal);
    if terminal {
        // Clear the progress line.
        eprint!("\r\x1b[K");
    }
    let outcome = outcome?;
    write_metrics(&run, &outcome)?;
    if args.stats || terminal {
        eprintln!(
            "fx-seq: {} jobs, {} events → {} ({} duplicate lines collapsed, {} spill runs, {:.0} jobs/s)",
            outcome.written.jobs,
            outcome.written.events,
            run.path().join(telemetry::TELEMETRY_DIR).display(),
            outcome.duplicates,
            outcome.sort.spill_runs,
            outcome.jobs_per_s()
        );
    }
    Ok(())
}

/// Opens the input: `-` or `None` is stdin.
fn open_input(path: Option<&Path>) -> Result<Box<dyn BufRead + Send>> {
    match path {
        Some(p) if p.as_os_str() != "-" => {
            let f = std::fs::File::open(p).map_err(|e| Error::io(p, e))?;
            Ok(Box::new(BufReader::with_capacity(1 << 20, f)))
        }
        _ => Ok(Box::new(BufReader::with_capacity(
            1 << 20,
            std::io::stdin(),
        ))),
    }
}

/// What one sequencing pass did.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// What was written.
    pub written: Written,
    /// Input lines read.
    pub input_lines: u64,
    /// Input bytes read (without newlines).
    pub input_bytes: u64,
    /// Lines dropped as duplicates of an identical job.
    pub duplicates: u64,
    /// Sorter counters.
    pub sort: SortStats,
    /// Sort memory budget used.
    pub sort_memory_bytes: u64,
    /// Worker threads.
    pub threads: usize,
    /// Wall-clock time of reading, parsing and spilling (metrics only).
    pub read_phase: std::time::Duration,
    /// Wall-clock time of merging and writing, syncs included (metrics only).
    pub write_phase: std::time::Duration,
    /// Wall-clock time (metrics only).
    pub wall: std::time::Duration,
}

impl Outcome {
    /// Jobs per second of wall-clock time (metrics only).
    pub fn jobs_per_s(&self) -> f64 {
        self.written.jobs as f64 / self.wall.as_secs_f64().max(1e-9)
    }
}

/// Lines per parse batch.
const BATCH_LINES: usize = 4096;
/// Records per batch handed to the writer threads.
const WRITE_BATCH: usize = 1024;
/// Raw bytes per parse batch.
const BATCH_BYTES: usize = 8 * 1024 * 1024;

/// A batch of raw input lines.
struct Batch {
    buf: Vec<u8>,
    /// (line number, start, end) into `buf`.
    lines: Vec<(u64, usize, usize)>,
}

fn read_batches(input: Box<dyn BufRead + Send>, max_line: usize, tx: SyncSender<Result<Batch>>) {
    let mut reader = LineReader::new(input, max_line);
    loop {
        let mut batch = Batch {
            buf: Vec::with_capacity(BATCH_BYTES.min(1 << 20)),
            lines: Vec::with_capacity(BATCH_LINES),
        };
        while batch.lines.len() < BATCH_LINES && batch.buf.len() < BATCH_BYTES {
            match reader.next_line() {
                Ok(Some((line, raw))) => {
                    let start = batch.buf.len();
                    batch.buf.extend_from_slice(raw);
                    batch.lines.push((line, start, batch.buf.len()));
                }
                Ok(None) => break,
                Err(e) => {
                    let _ = tx.send(Err(e));
                    return;
                }
            }
        }
        if batch.lines.is_empty() {
            return;
        }
        if tx.send(Ok(batch)).is_err() {
            return;
        }
    }
}

/// Parses, checks, summarises and renders one input line.
fn record_of(run: &RunDir, raw: &[u8], line: u64) -> Result<Record> {
    let mut job: Job = parse_line(raw, line)?;
    run.check_job(&job, line)?;
    record::prepare(&mut job, line)?;
    record::render(job, line, raw.len())
}

/// Sequences the job lines of `input` into `RUN/telemetry/` (see the crate docs).
/// With `progress`, a line counter is shown on stderr while reading
/// (use it only when stderr is a terminal).
pub fn sequence(
    run: &RunDir,
    input: Box<dyn BufRead + Send>,
    threads: usize,
    sort_memory_bytes: u64,
    progress: bool,
) -> Result<Outcome> {
    use rayon::prelude::*;
    let started = Instant::now();
    let threads = threads.max(1);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| Error::Other(format!("thread pool: {e}")))?;
    let telemetry = run.subdir(telemetry::TELEMETRY_DIR)?;
    let budget = usize::try_from(sort_memory_bytes).unwrap_or(usize::MAX);
    let mut sorter = Sorter::new(&telemetry, budget)?;
    let max_line = usize::try_from(run.policy().limits.max_line_bytes).unwrap_or(usize::MAX);
    let mut input_lines = 0u64;
    let mut input_bytes = 0u64;

    std::thread::scope(|scope| -> Result<()> {
        let (tx, rx): (SyncSender<Result<Batch>>, Receiver<Result<Batch>>) = sync_channel(2);
        scope.spawn(move || read_batches(input, max_line, tx));
        for batch in rx {
            let batch = batch?;
            input_lines += batch.lines.len() as u64;
            input_bytes += batch.buf.len() as u64;
            let records: Vec<Result<Record>> = pool.install(|| {
                batch
                    .lines
                    .par_iter()
                    .map(|&(line, s, e)| record_of(run, &batch.buf[s..e], line))
                    .collect()
            });
            drop(batch);
            for r in records {
                sorter.push(r?)?;
            }
            if progress {
                eprint!("\rfx-seq: {input_lines} lines read");
            }
        }
        Ok(())
    })?;
    if progress {
        eprint!("\rfx-seq: {input_lines} lines read, writing telemetry…");
    }

    let read_done = started.elapsed();
    let mut merged = sorter.finish()?;
    let staging = Staging::new(run.path())?;
    let mut events_writer = staging.events_writer()?;
    let mut jobs_writer = staging.jobs_writer()?;
    let mut duplicates = 0u64;
    let (written, jobs_written) = std::thread::scope(|scope| -> Result<(Written, u64)> {
        let (etx, erx) = sync_channel::<Arc<Vec<Record>>>(4);
        let (jtx, jrx) = sync_channel::<Arc<Vec<Record>>>(4);
        let events = scope.spawn(move || -> Result<Written> {
            for batch in erx {
                for r in batch.iter() {
                    events_writer.write(r)?;
                }
            }
            events_writer.finish()
        });
        let jobs = scope.spawn(move || -> Result<u64> {
            for batch in jrx {
                for r in batch.iter() {
                    jobs_writer.write(r)?;
                }
            }
            jobs_writer.finish()
        });
        let merged_ok = (|| -> Result<()> {
            let mut batch: Vec<Record> = Vec::with_capacity(WRITE_BATCH);
            let mut last: Option<(u64, u64, Vec<u8>)> = None;
            let send = |batch: Vec<Record>| -> Result<()> {
                let shared = Arc::new(batch);
                let closed = || Error::Other("fx-seq: telemetry writer stopped".into());
                etx.send(Arc::clone(&shared)).map_err(|_| closed())?;
                jtx.send(shared).map_err(|_| closed())
            };
            while let Some(r) = merged.next_record()? {
                let prev = batch.last().map(|p| (p.seq, p.line, &p.body));
                let prev = prev.or(last.as_ref().map(|(s, l, b)| (*s, *l, b)));
                if let Some((seq, line, body)) = prev {
                    if seq == r.seq {
                        if *body == r.body {
                            duplicates += 1;
                            continue;
                        }
                        return Err(Error::BadLine {
                            line: r.line,
                            reason: format!(
                                "artifact_seq {} is also on line {line} with different content",
                                r.seq
                            ),
                        });
                    }
                }
                batch.push(r);
                if batch.len() == WRITE_BATCH {
                    let full = std::mem::replace(&mut batch, Vec::with_capacity(WRITE_BATCH));
                    last = full.last().map(|p| (p.seq, p.line, p.body.clone()));
                    send(full)?;
                }
            }
            if !batch.is_empty() {
                send(batch)?;
            }
            Ok(())
        })();
        drop(etx);
        drop(jtx);
        let written = events
            .join()
            .map_err(|_| Error::Other("fx-seq: events writer panicked".into()))?;
        let jobs = jobs
            .join()
            .map_err(|_| Error::Other("fx-seq: jobs writer panicked".into()))?;
        merged_ok?;
        Ok((written?, jobs?))
    })?;
    if written.jobs != jobs_written {
        return Err(Error::Other(
            "fx-seq internal error: writers disagree on the job count".into(),
        ));
    }
    let sort = merged.stats();
    drop(merged);
    let write_done = started.elapsed();
    staging.commit()?;
    Ok(Outcome {
        written,
        input_lines,
        input_bytes,
        duplicates,
        sort,
        sort_memory_bytes,
        threads,
        read_phase: read_done,
        write_phase: write_done.saturating_sub(read_done),
        wall: started.elapsed(),
    })
}

/// `RUN/metrics/seq.json`, relative to the run directory.
pub const METRICS: &str = "metrics/seq.json";

/// The wall-clock side of a sequencing pass: `RUN/metrics/seq.json`.
#[derive(Clone, Debug, Serialize)]
pub struct Metrics {
    /// Format tag, `metrics/seq/1`.
    pub fx: &'static str,
    /// Job lines written.
    pub jobs: u64,
    /// Events written (summaries included).
    pub events: u64,
    /// Tool-run events written.
    pub tool_runs: u64,
    /// Distinct modules.
    pub modules: u64,
    /// Input lines read.
    pub input_lines: u64,
    /// Input bytes read.
    pub input_bytes: u64,
    /// Duplicate lines collapsed.
    pub duplicates_collapsed: u64,
    /// Sort memory budget in bytes.
    pub sort_memory_bytes: u64,
    /// Sorted runs spilled to disk.
    pub spill_runs: u64,
    /// Intermediate merge passes.
    pub merge_passes: u64,
    /// Bytes written to spill files.
    pub spilled_bytes: u64,
    /// Worker threads.
    pub threads: usize,
    /// Wall-clock milliseconds.
    pub wall_ms: u64,
    /// Milliseconds reading, parsing, rendering and spilling the input.
    pub read_ms: u64,
    /// Milliseconds merging and writing the staged files (syncs included).
    pub write_ms: u64,
    /// Jobs per second, rounded.
    pub jobs_per_s: u64,
    /// Peak resident set size of the process in KiB (Linux `VmHWM`), if known.
    pub peak_rss_kib: Option<u64>,
}

/// Peak resident set size of this process in KiB (Linux only).
pub fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn millis(d: std::time::Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

fn write_metrics(run: &RunDir, o: &Outcome) -> Result<()> {
    let m = Metrics {
        fx: "metrics/seq/1",
        jobs: o.written.jobs,
        events: o.written.events,
        tool_runs: o.written.tool_runs,
        modules: o.written.modules,
        input_lines: o.input_lines,
        input_bytes: o.input_bytes,
        duplicates_collapsed: o.duplicates,
        sort_memory_bytes: o.sort_memory_bytes,
        spill_runs: o.sort.spill_runs,
        merge_passes: o.sort.merge_passes,
        spilled_bytes: o.sort.spilled_bytes,
        threads: o.threads,
        wall_ms: millis(o.wall),
        read_ms: millis(o.read_phase),
        write_ms: millis(o.write_phase),
        jobs_per_s: o.jobs_per_s().round() as u64,
        peak_rss_kib: peak_rss_kib(),
    };
    fx_core::run::write_json_atomic(&run.path().join(METRICS), &m)
}
