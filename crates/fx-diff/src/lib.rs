//! # fx-diff — why two runs differ
//!
//! `fx-diff RUN_A RUN_B` compares two fx runs in three parts:
//!
//! 1. the **context** ([`context`]): the policy key by key, the tool
//!    inventory (status, version, path and binary hash of each tool), the
//!    linked libraries, the toolchain hash, the `flake.lock` input by input
//!    (which input moved, from which revision to which, when the manifests
//!    record the lock's content) and the fx build;
//! 2. the **evidence** ([`evidence`]), artifact by artifact, matched by
//!    artifact hash and intake path: events added, removed and changed,
//!    module by module, with the fields that differ, the summary
//!    conclusions that appeared or disappeared ([`conclusions`]), and the
//!    findings (fx-report's rules) that appeared or disappeared
//!    ([`findings`]);
//! 3. a **cause** for each changed event ([`causes`]): a tool the module
//!    ran changed, a policy value it reads changed, the fx build changed,
//!    or `unexplained`.
//!
//! It reads the evidence formats fx has written (`run/1`, `inventory/1`,
//! `job/1`) and names any other it meets. Memory stays bounded by the size
//! of one job line plus about 40 bytes per job of run A ([`jobs_file`]).
//! Exit status: 0 when the evidence is identical (the context may differ),
//! 1 when it differs, 2 on bad input.

pub mod causes;
pub mod conclusions;
pub mod context;
pub mod error;
pub mod evidence;
pub mod findings;
pub mod jobs_file;
pub mod output;
pub mod record;
pub mod run_view;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

pub use error::{DiffError, Result};
pub use record::Totals;

use crate::causes::CauseContext;
use crate::findings::FindingRules;
use crate::jobs_file::{Index, JobLines, key_of_line, parse_job, read_at, same_line};
use crate::output::{JsonSink, Sink, TextSink};
use crate::record::{DIFF_FORMAT, FindingsDiff, Header, RunRef};
use crate::run_view::RunView;

/// Command-line arguments of `fx-diff`.
#[derive(Debug, clap::Parser)]
#[command(
    name = "fx-diff",
    version,
    about = "Says why two fx runs differ: context (policy, tools, toolchain, flake.lock, fx build), evidence artifact by artifact, and a cause for each change",
    after_help = "Exit status: 0 when the evidence is identical, 1 when it differs, 2 on bad input.\n\nExample:\n  fx-diff runs/monday runs/tuesday\n  fx-diff --json runs/monday runs/tuesday | jq '.totals'"
)]
pub struct Args {
    /// The first run (the reference).
    #[arg(value_name = "RUN_A")]
    pub run_a: PathBuf,
    /// The second run.
    #[arg(value_name = "RUN_B")]
    pub run_b: PathBuf,
    /// Write the diff as JSON (format diff/1, schemas/diff.schema.json).
    #[arg(long)]
    pub json: bool,
    /// Event changes shown per artifact in the text output (the rest are counted).
    #[arg(long, value_name = "N", default_value_t = 8)]
    pub max_changes: usize,
    /// Artifacts shown in the text output (the rest are counted).
    #[arg(long, value_name = "N", default_value_t = 100)]
    pub max_artifacts: u64,
}

/// Diffs the runs of `args` into `out`; returns the totals.
pub fn run(args: &Args, out: impl Write) -> Result<Totals> {
    let mut sink: Box<dyn Sink> = match args.json {
        true => Box::new(JsonSink::new(out)),
        false => Box::new(TextSink::new(out, args.max_changes, args.max_artifacts)),
    };
    diff(&args.run_a, &args.run_b, sink.as_mut())
}

/// Diffs run `a` against run `b` into `sink`; returns the totals.
pub fn diff(a: &Path, b: &Path, sink: &mut dyn Sink) -> Result<Totals> {
    let (ra, rb) = (RunView::open(a)?, RunView::open(b)?);
    // Both job files are read through once before anything is written:
    // A to index it, B to check it.
    let mut index = Index::build(&ra)?;
    jobs_file::scan(&rb, |_, _| {})?;
    let context = context::compare(&ra, &rb);
    let causes = CauseContext::new(&context, &ra, &rb);
    let rules = FindingRules::open(a, b);
    let (run, changes) = match findings::run_level(a, b) {
        Ok(changes) => ("compared".to_owned(), changes),
        Err(why) => (format!("not compared: {why}"), Vec::new()),
    };
    sink.header(&Header {
        fx: DIFF_FORMAT,
        a: run_ref(&ra),
        b: run_ref(&rb),
        context,
        findings: FindingsDiff {
            per_artifact: rules.status.clone(),
            run,
            changes,
        },
    })?;
    let a_path = ra.jobs_path();
    let a_file = std::fs::File::open(&a_path).map_err(|source| DiffError::Read {
        path: a_path.clone(),
        source,
    })?;
    let mut totals = Totals {
        artifacts_a: index.jobs(),
        ..Totals::default()
    };
    let mut lines = JobLines::open(&rb)?;
    while let Some((loc, bytes)) = lines.next_line()? {
        totals.artifacts_b += 1;
        let line = u64::from(loc.line);
        let key = key_of_line(&rb.path, line, bytes)?;
        let diff = match index.take(&key.digest()) {
            Some(at) => {
                let raw = read_at(&a_file, &a_path, at)?;
                if same_line(&raw, bytes, &ra.manifest.run_id, &rb.manifest.run_id) {
                    None
                } else {
                    let job_a = parse_job(&ra.path, u64::from(at.line), &raw)?;
                    let job_b = parse_job(&rb.path, line, bytes)?;
                    evidence::compare(&job_a, &job_b, &causes).map(|mut d| {
                        d.findings = rules.compare(Some(&raw), Some(bytes));
                        d
                    })
                }
            }
            None => {
                let job_b = parse_job(&rb.path, line, bytes)?;
                let mut d = evidence::only_in(&job_b, "added");
                d.findings = rules.compare(None, Some(bytes));
                Some(d)
            }
        };
        match diff {
            Some(d) => {
                count(&mut totals, &d);
                sink.artifact(&d)?;
            }
            None => totals.identical += 1,
        }
    }
    for at in index.remaining() {
        let raw = read_at(&a_file, &a_path, at)?;
        let job_a = parse_job(&ra.path, u64::from(at.line), &raw)?;
        let mut d = evidence::only_in(&job_a, "removed");
        d.findings = rules.compare(Some(&raw), None);
        count(&mut totals, &d);
        sink.artifact(&d)?;
    }
    totals.evidence = match totals.identical_evidence() {
        true => "identical",
        false => "differs",
    };
    sink.finish(&totals)?;
    Ok(totals)
}

fn run_ref(r: &RunView) -> RunRef {
    RunRef {
        path: r.path.display().to_string(),
        run_id: r.manifest.run_id.clone(),
    }
}

fn count(t: &mut Totals, d: &record::ArtifactDiff) {
    match d.change {
        "added" => t.added += 1,
        "removed" => t.removed += 1,
        _ => t.changed += 1,
    }
    for f in &d.findings {
        match f.change {
            "appeared" => t.findings_appeared += 1,
            _ => t.findings_disappeared += 1,
        }
    }
    for e in &d.events {
        *t.modules
            .entry(e.module.clone())
            .or_default()
            .entry(e.change)
            .or_default() += 1;
        for c in &e.causes {
            *t.causes.entry(c.kind()).or_default() += 1;
        }
    }
}

/// Runs `fx-diff` and maps the outcome to its exit status: 0 identical
/// evidence, 1 different evidence, 2 bad input (one line on stderr); a
/// closed output pipe is success.
pub fn main(args: &Args) -> ExitCode {
    let stdout = std::io::stdout();
    let out = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
    match run(args, out) {
        Ok(t) if t.identical_evidence() => ExitCode::from(0),
        Ok(_) => ExitCode::from(1),
        Err(e) if e.is_broken_pipe() => ExitCode::from(0),
        Err(e) => {
            let msg = e.to_string();
            eprintln!(
                "fx-diff: {}",
                msg.split_whitespace().collect::<Vec<_>>().join(" ")
            );
            ExitCode::from(2)
        }
    }
}
