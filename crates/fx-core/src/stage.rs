//! The driver every analysis stage shares (fx-route, fx-inspect, fx-probe,
//! fx-fingerprint): read job lines, check they belong to the run, process
//! them in parallel, write them back in input order.
//!
//! A stage implements [`Stage`]; the driver owns everything else: strict
//! line parsing with line numbers, run/tenant checks, a bounded batch size
//! (memory stays flat on endless streams), a panic in a module turned into an
//! `internal_error` event instead of a crash, and output in input order
//! whatever the thread count. When a stage ends it appends one line of
//! wall-clock figures (its module's time per job as a histogram, CPU, peak
//! memory) to `RUN/metrics/stages.jsonl`, outside the evidence.

use std::io::{BufRead, IsTerminal, Write};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::{Duration, Instant};

use crate::cache::{CACHE_METRICS_FILE, CACHE_METRICS_FORMAT, Cache, CacheMetrics};
use crate::error::{Error, Result};
use crate::event::{ErrorInfo, Event};
use crate::job::Job;
use crate::jsonl::{JsonlWriter, LineReader, parse_line};
use crate::metrics::{
    LatencyHistogram, STAGE_METRICS_FORMAT, STAGES_FILE, StageMetrics, append_line, millis,
};
use crate::run::RunDir;
use crate::vocab::FailureKind;

/// What a stage sees besides the job.
pub struct StageCtx<'a> {
    /// The run the jobs belong to (policy, inventory, blob store).
    pub run: &'a RunDir,
}

/// One analysis stage.
pub trait Stage: Sync {
    /// Module name written in this stage's events (`route`, `inspect`, …).
    fn module(&self) -> &'static str;

    /// Appends this stage's events to `job`. Must leave at least one event,
    /// also when it skips; must not panic on hostile bytes (a panic is caught
    /// and recorded as `internal_error`, but it is a bug).
    fn process(&self, job: &mut Job, ctx: &StageCtx<'_>);

    /// What this stage's cache key depends on besides the job (`--cache`):
    /// by default its own policy section, every tool and the libraries.
    /// A stage narrows it to what it reads, so that other changes do not
    /// miss its entries.
    fn cache_scope(&self) -> crate::cache::Scope {
        crate::cache::Scope {
            policy_section: self.module(),
            tools: None,
            libraries: true,
        }
    }
}

/// The module cache of a stage run (`--cache DIR`).
#[derive(Clone, Debug)]
pub struct CacheOptions {
    /// The cache directory, shared across runs.
    pub dir: std::path::PathBuf,
    /// Its size cap in bytes.
    pub max_bytes: u64,
}

/// Counters of one stage run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StageStats {
    /// Job lines read and written.
    pub jobs: u64,
    /// Jobs where the stage panicked (recorded as `internal_error`).
    pub panics: u64,
}

/// Jobs per batch: large enough to keep the threads busy, small enough that
/// memory stays flat.
const BATCH_JOBS: usize = 512;
/// Bytes of raw input per batch, whichever comes first.
const BATCH_BYTES: usize = 32 * 1024 * 1024;

/// Runs `stage` over every job line of `input`, writing to `output`; with
/// `cache` (see [`crate::cache`]) each job's events are replayed from the
/// module cache when present, stored when not.
pub fn run_stage<S: Stage>(
    stage: &S,
    run: &RunDir,
    input: impl BufRead,
    output: impl Write,
    jobs: usize,
    progress_name: &str,
    cache: Option<&CacheOptions>,
) -> Result<StageStats> {
    use rayon::prelude::*;

    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs.max(1))
        .build()
        .map_err(|e| Error::Other(format!("thread pool: {e}")))?;
    let ctx = StageCtx { run };
    let cache = match cache {
        Some(c) => Cache::open(
            &c.dir,
            stage.module(),
            stage.cache_scope(),
            run,
            c.max_bytes,
        )?,
        None => None,
    };
    let mut reader = LineReader::new(input, run.policy().limits.max_line_bytes as usize);
    let mut writer = JsonlWriter::new(std::io::BufWriter::with_capacity(1 << 20, output));
    let progress = std::io::stderr().is_terminal();
    let mut stats = StageStats::default();
    let mut latency = LatencyHistogram::default();
    let mut started: Option<Instant> = None;

    loop {
        let mut batch: Vec<(u64, Vec<u8>)> = Vec::new();
        let mut bytes = 0usize;
        while batch.len() < BATCH_JOBS && bytes < BATCH_BYTES {
            let Some((line, raw)) = reader.next_line()? else {
                break;
            };
            bytes += raw.len();
            batch.push((line, raw.to_vec()));
        }
        if batch.is_empty() {
            break;
        }
        if started.is_none() {
            started = Some(Instant::now());
        }
        let results: Vec<Result<(Vec<u8>, bool, Duration)>> = pool.install(|| {
            batch
                .par_iter()
                .map(|(line, raw)| {
                    let mut job: Job = parse_line(raw, *line)?;
                    run.check_job(&job, *line)?;
                    let clock = Instant::now();
                    let panicked = match &cache {
                        Some(c) => {
                            let key = c.key(&mut job)?;
                            match c.lookup(&key, run) {
                                Some(events) => {
                                    job.events.extend(events);
                                    false
                                }
                                None => {
                                    let before = job.events.len();
                                    let panicked = process(stage, &mut job, &ctx);
                                    c.store(&key, &job.events[before..], run);
                                    panicked
                                }
                            }
                        }
                        None => process(stage, &mut job, &ctx),
                    };
                    let took = clock.elapsed();
                    let out = serde_json::to_vec(&job).map_err(|e| Error::Other(e.to_string()))?;
                    Ok((out, panicked, took))
                })
                .collect()
        });
        for r in results {
            let (line, panicked, took) = r?;
            writer.write_raw(&line)?;
            stats.jobs += 1;
            stats.panics += panicked as u64;
            latency.record(took);
        }
        if progress {
            eprint!("\r{progress_name}: {} jobs", stats.jobs);
        }
    }
    if progress {
        eprintln!();
    }
    writer.flush()?;
    if stats.jobs > 0 {
        let metrics = StageMetrics {
            fx: STAGE_METRICS_FORMAT.to_owned(),
            stage: progress_name.to_owned(),
            module: stage.module().to_owned(),
            jobs: stats.jobs,
            panics: stats.panics,
            threads: jobs.max(1) as u64,
            wall_ms: started.map(|t| millis(t.elapsed())).unwrap_or(0),
            cpu_ms: crate::os::cpu_time().map(millis),
            peak_rss_kib: crate::os::peak_rss_kib(),
            process: latency.summary(),
        };
        append_line(&run.path().join(STAGES_FILE), &metrics)?;
    }
    if let Some(c) = &cache {
        c.evict()?;
        let counts = c.counts();
        if counts.store_failed > 0 {
            eprintln!(
                "{progress_name}: warning: {} cache entries could not be written (the evidence is complete; only later runs are slower)",
                counts.store_failed
            );
        }
        let line = CacheMetrics {
            fx: CACHE_METRICS_FORMAT.to_owned(),
            stage: progress_name.to_owned(),
            module: stage.module().to_owned(),
            counts,
        };
        append_line(&run.path().join(CACHE_METRICS_FILE), &line)?;
    }
    Ok(stats)
}

/// Runs the module on one job: a panic becomes an `internal_error` event in
/// place of whatever it had appended, and a module that appended nothing
/// gets a `skipped` event (every module leaves one). Returns whether it
/// panicked.
fn process<S: Stage>(stage: &S, job: &mut Job, ctx: &StageCtx<'_>) -> bool {
    let before = job.events.len();
    let panicked = catch_unwind(AssertUnwindSafe(|| stage.process(job, ctx))).is_err();
    if panicked {
        job.events.truncate(before);
        job.push(Event::error(
            stage.module(),
            "internal",
            ErrorInfo::new(FailureKind::InternalError)
                .detail(format!("{} panicked on this artifact", stage.module())),
        ));
    } else if job.events.len() == before {
        job.push(Event::skipped(stage.module(), "stage", "not_applicable"));
    }
    panicked
}
