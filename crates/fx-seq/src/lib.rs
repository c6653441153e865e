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
//! `RUN/metrics/seq.json` only. Every line written is hashed once, as it is
//! written, into fx-seq's evidence chain ([`fx_chain`]:
//! `RUN/manifests/evidence/fx-seq.jsonl`).
//! `fx-seq --run RUN --verify` checks a run directory (blobs, sequences,
//! summaries, file consistency, and every writer's evidence chain);
//! `--sign KEY` signs the chain's root, `--verify-key KEY` checks that
//! signature ([`signature`]).
//!
//! The pipeline, in two phases:
//!
//! 1. **read** ([`input`]): one sequential pass cuts the input into lines
//!    and takes each line's sort key (`artifact_seq`) from its opening
//!    bytes; the keys (28 bytes each, whatever the line) go through an
//!    external sorter ([`sort`]). A piped input is spooled to a file in the
//!    run as it streams by; a file input is read again in place.
//! 2. **write**: the keys come back in order, in batches; each batch's lines
//!    are read again, parsed, checked against the run, summarised and
//!    rendered in parallel ([`pipeline`], [`record`], mostly by copying each
//!    event's bytes through, [`wire`]); duplicates are collapsed; two writer
//!    threads stamp and concatenate them into the staged files ([`telemetry`]),
//!    written around the page cache where possible ([`direct`]), and the
//!    set is committed by renames.

pub mod direct;
pub mod input;
pub mod leaves;
pub mod lock;
pub mod pipeline;
pub mod progress;
pub mod record;
pub mod signature;
pub mod sort;
pub mod telemetry;
pub mod verify;
pub mod wire;

use std::fs::File;
use std::io::{BufRead, BufReader, IsTerminal, Read};
use std::path::{Path, PathBuf};
use std::time::Instant;

use fx_core::cli::RunArgs;
use fx_core::metrics::millis;
use fx_core::run::RunDir;
use fx_core::{Error, Result};
use serde::Serialize;

use crate::input::{Key, Source};
use crate::progress::Progress;
use crate::sort::{SortStats, Sorter};
use crate::telemetry::{Staging, Written};

/// Command-line arguments of `fx-seq`.
#[derive(Debug, clap::Parser)]
#[command(
    name = "fx-seq",
    version,
    about = "Sequence job lines into the run's evidence store (RUN/telemetry/), or verify a run",
    after_help = "Examples:\n  fx-ingest --run RUN samples/ | fx-route --run RUN | fx-seq --run RUN\n  fx-seq --run RUN --verify\n  fx-seq --run RUN --sign key.pem                 (openssl genpkey -algorithm ed25519 -out key.pem)\n  fx-seq --run RUN --verify --verify-key pub.pem  (openssl pkey -in key.pem -pubout -out pub.pem)"
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
    /// With --verify: also check the signature of the evidence root
    /// (`manifests/evidence_root.sig`) with this Ed25519 public key
    /// (SubjectPublicKeyInfo PEM, as `openssl pkey -pubout` writes it).
    #[arg(long, value_name = "KEY", requires = "verify")]
    pub verify_key: Option<PathBuf>,
    /// Verify the run, then sign its evidence root with this Ed25519
    /// private key (PKCS#8 PEM, as `openssl genpkey -algorithm ed25519`
    /// writes it) into `manifests/evidence_root.sig`. The key is only read.
    #[arg(long, value_name = "KEY", conflicts_with_all = ["input", "verify"])]
    pub sign: Option<PathBuf>,
    /// Print a one-line summary on stderr (default: only when stderr is a terminal).
    #[arg(long)]
    pub stats: bool,
    /// Draw the batch's progress line (jobs done of those planned, rate,
    /// ETA) on this file, a terminal; without it, on stderr when stderr is
    /// a terminal. `pipelines/forensics-batch.sh` passes its own stderr
    /// here (`/dev/fd/3`) when that is a terminal.
    #[arg(long, value_name = "TTY", conflicts_with_all = ["verify", "sign"])]
    pub progress: Option<PathBuf>,
    /// Sort memory budget in bytes (default: the policy's `seq.sort_memory_bytes`).
    #[arg(long, value_name = "BYTES")]
    pub sort_memory: Option<u64>,
    /// Write the telemetry files through the page cache even where the
    /// filesystem allows bypassing it (`O_DIRECT`); same bytes, more CPU.
    #[arg(long)]
    pub buffered_io: bool,
}

/// Runs the command.
pub fn run(args: &Args) -> anyhow::Result<()> {
    // In a pipeline fx-seq starts before fx-ingest has created the run:
    // wait for the first input before opening it.
    let checking = args.verify || args.sign.is_some();
    let mut input = match checking {
        true => None,
        false => Some(open_input(args.input.as_deref())?),
    };
    if let Some(Input::Stream(i)) = input.as_mut() {
        fx_core::cli::wait_for_input(i)?;
    }
    let run = RunDir::open(&args.run.run)?;
    if checking {
        return verify_and_sign(&run, args);
    }
    let input = input.ok_or_else(|| anyhow::anyhow!("no input"))?;
    let budget = args
        .sort_memory
        .unwrap_or(run.policy().seq.sort_memory_bytes);
    let terminal = std::io::stderr().is_terminal();
    let sink: Option<Box<dyn std::io::Write + Send>> = match &args.progress {
        Some(path) => Some(Box::new(
            File::options()
                .append(true)
                .open(path)
                .map_err(|e| Error::io(path, e))?,
        )),
        None if terminal => Some(Box::new(std::io::stderr())),
        None => None,
    };
    let progress =
        sink.map(|s| std::sync::Arc::new(std::sync::Mutex::new(Progress::new(s, run.path()))));
    let options = Options {
        threads: args.run.jobs(),
        sort_memory_bytes: budget,
        progress: progress.clone(),
        direct_io: !args.buffered_io,
    };
    let outcome = sequence(&run, input, &options);
    if let Some(p) = &progress {
        p.lock().unwrap_or_else(|e| e.into_inner()).clear();
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

/// `--verify` (with `--verify-key`) or `--sign`: the run must verify first.
fn verify_and_sign(run: &RunDir, args: &Args) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    let report = verify::verify(run, &mut out)?;
    let mut problems = report.problems;
    if let Some(key) = &args.verify_key
        && let Some(p) = signature::check(run.path(), key)?
    {
        use std::io::Write as _;
        writeln!(out, "{p}")?;
        problems += 1;
    }
    if problems > 0 {
        anyhow::bail!(
            "verify: {problems} problem(s) in {}{}",
            run.path().display(),
            if args.sign.is_some() {
                "; not signed"
            } else {
                ""
            }
        );
    }
    let root = report.root.as_deref().unwrap_or("?");
    if let Some(key) = &args.sign {
        signature::sign(run.path(), key)?;
        eprintln!(
            "fx-seq: signed evidence root {root} of {} → {}",
            run.path().display(),
            fx_chain::SIGNATURE_FILE
        );
        return Ok(());
    }
    eprintln!(
        "fx-seq: verify: {} is consistent ({} jobs, {} events, {} blobs checked{}; evidence chain: {} entries, root {root}{})",
        run.path().display(),
        report.jobs,
        report.events,
        report.blobs,
        if report.registry_checked {
            ""
        } else {
            "; no registry, artifact_seq not checked against it"
        },
        report.chain_entries,
        if args.verify_key.is_some() {
            ", signature verified"
        } else {
            ""
        }
    );
    Ok(())
}

/// The input of a sequencing pass.
pub enum Input {
    /// A regular file, read twice from its current position (scanned, then
    /// each line again in order).
    File(File),
    /// A stream (stdin, a pipe), spooled into the run while it is scanned.
    Stream(Box<dyn BufRead + Send>),
}

impl Input {
    /// A stream input.
    pub fn stream(r: impl Read + Send + 'static) -> Input {
        Input::Stream(Box::new(BufReader::with_capacity(1 << 20, r)))
    }
}

/// Opens the input: `-` or `None` is stdin. Anything that is not a regular
/// file (a pipe, a FIFO, a terminal) is read as a stream; stdin redirected
/// from a regular file is read in place from where it stands.
fn open_input(path: Option<&Path>) -> Result<Input> {
    match path {
        Some(p) if p.as_os_str() != "-" => {
            let f = File::open(p).map_err(|e| Error::io(p, e))?;
            let regular = f.metadata().map_err(|e| Error::io(p, e))?.is_file();
            Ok(if regular {
                Input::File(f)
            } else {
                fx_core::os::enlarge_pipe(std::os::fd::AsFd::as_fd(&f));
                Input::stream(f)
            })
        }
        _ => {
            use std::os::fd::AsFd;
            let regular = std::io::stdin()
                .as_fd()
                .try_clone_to_owned()
                .map(File::from)
                .ok()
                .filter(|f| f.metadata().is_ok_and(|m| m.is_file()));
            Ok(match regular {
                Some(f) => Input::File(f),
                None => {
                    fx_core::os::enlarge_pipe(std::io::stdin().as_fd());
                    Input::stream(std::io::stdin())
                }
            })
        }
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
    /// Jobs whose events were copied through from the input line (the
    /// others were re-serialized; see [`record`]).
    pub copied_jobs: u64,
    /// Sorter counters.
    pub sort: SortStats,
    /// Sort memory budget used.
    pub sort_memory_bytes: u64,
    /// Worker threads.
    pub threads: usize,
    /// Wall-clock time of reading the input and sorting its keys (metrics only).
    pub read_phase: std::time::Duration,
    /// Wall-clock time of parsing, rendering and writing, syncs included (metrics only).
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

/// The progress line, shared with the reading loop.
pub type SharedProgress = std::sync::Arc<std::sync::Mutex<Progress>>;

/// How to run a sequencing pass.
#[derive(Clone, Debug)]
pub struct Options {
    /// Worker threads for parsing and rendering.
    pub threads: usize,
    /// Sort memory budget in bytes.
    pub sort_memory_bytes: u64,
    /// The batch's progress line, where one is wanted (a terminal).
    pub progress: Option<SharedProgress>,
    /// Write telemetry around the page cache where the filesystem allows it.
    pub direct_io: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            threads: 1,
            sort_memory_bytes: 64 << 20,
            progress: None,
            direct_io: true,
        }
    }
}

/// Sequences the job lines of `input` into `RUN/telemetry/` (see the crate docs).
pub fn sequence(run: &RunDir, input: Input, opts: &Options) -> Result<Outcome> {
    let started = Instant::now();
    let threads = opts.threads.max(1);
    let telemetry = run.subdir(telemetry::TELEMETRY_DIR)?;
    let _lock = lock::take(run.path(), &telemetry)?;
    let budget = usize::try_from(opts.sort_memory_bytes).unwrap_or(usize::MAX);
    let mut sorter = Sorter::new(&telemetry, budget)?;
    let max_line = usize::try_from(run.policy().limits.max_line_bytes).unwrap_or(usize::MAX);

    // Read phase.
    let progress = opts.progress.clone();
    let spool_path = sorter.dir().join("input-spool");
    let mut push = |k: Key| -> Result<()> {
        if k.line.is_multiple_of(256)
            && let Some(p) = &progress
        {
            p.lock().unwrap_or_else(|e| e.into_inner()).tick(k.line);
        }
        sorter.push(k)
    };
    let (scanned, source) = match input {
        Input::File(mut f) => {
            use std::io::Seek;
            let start = f.stream_position().map_err(Error::Stream)?;
            let scanned = input::scan(&mut f, None, max_line, start, &mut push)?;
            (scanned, Source::File(f))
        }
        Input::Stream(mut r) => {
            let mut spool = File::options()
                .read(true)
                .write(true)
                .create_new(true)
                .open(&spool_path)
                .map_err(|e| Error::io(&spool_path, e))?;
            let scanned = input::scan(&mut r, Some(&mut spool), max_line, 0, &mut push)?;
            (scanned, Source::Spool(spool))
        }
    };
    if let Some(p) = &progress {
        p.lock()
            .unwrap_or_else(|e| e.into_inner())
            .writing(scanned.lines);
    }
    let read_done = started.elapsed();

    // Write phase.
    let mut merged = sorter.finish()?;
    let staging = Staging::new(run.path(), opts.direct_io)?;
    let mut chain =
        fx_chain::Chain::begin(run.path(), fx_chain::Writer::Seq).map_err(leaves::chain_error)?;
    let (wrote, entries) = pipeline::write(
        run,
        &source,
        &mut merged,
        threads,
        staging.events_writer()?,
        staging.jobs_writer()?,
        chain.sinks(),
    )?;
    let sort = merged.stats();
    drop(merged);
    drop(source);
    let write_done = started.elapsed();
    staging.commit()?;
    // The evidence chain records the committed telemetry.
    for (path, content) in entries {
        chain.add(path, content).map_err(leaves::chain_error)?;
    }
    chain.commit().map_err(leaves::chain_error)?;
    Ok(Outcome {
        written: wrote.written,
        input_lines: scanned.lines,
        input_bytes: scanned.bytes,
        duplicates: wrote.duplicates,
        copied_jobs: wrote.copied,
        sort,
        sort_memory_bytes: opts.sort_memory_bytes,
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
    /// Jobs whose events were copied through from their input line (the
    /// rest were re-serialized: stamped, non-compact or summarised input).
    pub copied_jobs: u64,
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
    /// Milliseconds reading the input and sorting its keys.
    pub read_ms: u64,
    /// Milliseconds parsing, rendering and writing the staged files (syncs included).
    pub write_ms: u64,
    /// Jobs per second, rounded.
    pub jobs_per_s: u64,
    /// Peak resident set size of the process in KiB (Linux `VmHWM`), if known.
    pub peak_rss_kib: Option<u64>,
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
        copied_jobs: o.copied_jobs,
        sort_memory_bytes: o.sort_memory_bytes,
        spill_runs: o.sort.spill_runs,
        merge_passes: o.sort.merge_passes,
        spilled_bytes: o.sort.spilled_bytes,
        threads: o.threads,
        wall_ms: millis(o.wall),
        read_ms: millis(o.read_phase),
        write_ms: millis(o.write_phase),
        jobs_per_s: o.jobs_per_s().round() as u64,
        peak_rss_kib: fx_core::os::peak_rss_kib(),
    };
    fx_core::run::write_json_atomic(&run.path().join(METRICS), &m)
}
