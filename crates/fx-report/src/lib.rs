//! # fx-report — what a run found, in one page
//!
//! Reads the sequenced job lines (`RUN/telemetry/jobs.jsonl`, written by
//! fx-seq), takes each job's `summary` event, and counts labels, containers,
//! algorithms, failure shapes and module outcomes, and, apart from the
//! failures, the jobs fx-ingest skipped on purpose (a symlink it did not
//! follow), by reason. Writes the counts as
//! `RUN/reports/summary.json` (deterministic: sorted maps, no time) and
//! prints a short human summary with where the evidence went.
//!
//! It also writes the [`findings`]: `reports/findings.json`,
//! `reports/findings.sarif` (SARIF 2.1.0) and `reports/report.md` (findings
//! first, then the run). `--fail-on SEVERITY` exits 1 when a finding at or
//! above it exists, after every report is written; a run directory that is
//! not a sequenced run is a one-line error with exit 2, and nothing in
//! `reports/` is touched.

pub mod cbom;
pub mod findings;
pub mod html;
pub mod metrics;
mod run_facts;
mod spill;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use fx_core::job::Job;
use fx_core::jsonl::JsonlReader;
use fx_core::run::{RunDir, write_json_atomic};
use fx_core::vocab::Basis;
use serde::Serialize;
use serde_json::Value;

/// Command-line arguments of `fx-report`.
#[derive(Debug, clap::Parser)]
#[command(
    name = "fx-report",
    version,
    about = "Summarises a sequenced run: counts by label, container, algorithm, failure shape and module outcome",
    after_help = "Example:\n  fx-report --run runs/demo"
)]
pub struct Args {
    /// Run directory; defaults to $FX_RUN.
    #[arg(long, env = "FX_RUN", value_name = "RUN")]
    pub run: PathBuf,
    /// Print the report as JSON instead of text.
    #[arg(long)]
    pub json: bool,
    /// Exit 1 when a finding of this severity or a more severe one exists
    /// (the reports are written first): critical, high, medium, low, info.
    #[arg(long, value_name = "SEVERITY", value_enum)]
    pub fail_on: Option<findings::Severity>,
    /// Instead of the reports: render `RUN/metrics/` (stage times per job,
    /// throughput, failure-shape rates, tool failures per version, cache
    /// lookups) as `metrics/metrics.json` and `metrics/metrics.html`.
    #[arg(long, conflicts_with_all = ["json", "fail_on"])]
    pub metrics: bool,
    /// CycloneDX version of `reports/cbom.cdx.json` (see docs/cbom.md).
    #[arg(long, value_name = "VERSION", value_enum, default_value = "1.6")]
    pub spec: cbom::Spec,
}

/// The run report (`RUN/reports/summary.json`).
#[derive(Debug, Default, Serialize, PartialEq)]
pub struct Report {
    /// Format tag, `report/1`.
    pub fx: String,
    /// The run.
    pub run_id: String,
    /// Jobs (artifacts and bundles).
    pub jobs: u64,
    /// Sequenced events, summaries included.
    pub events: u64,
    /// Jobs per label.
    pub labels: BTreeMap<String, u64>,
    /// Jobs per container.
    pub containers: BTreeMap<String, u64>,
    /// Jobs per algorithm.
    pub algorithms: BTreeMap<String, u64>,
    /// Of those, jobs whose algorithm is only a guess (the summary's
    /// `sources.algorithm.basis` is `size_only` or `statistics`), per
    /// algorithm: a post-quantum auditor must see these apart.
    pub guessed_algorithms: BTreeMap<String, u64>,
    /// Jobs per failure shape.
    pub failures: BTreeMap<String, u64>,
    /// Jobs whose `ingest` event is `skipped` (nothing was read, on purpose:
    /// `symlink_outside_root`, `dangling_symlink`, …), per reason.
    pub skipped: BTreeMap<String, u64>,
    /// Events per module and status.
    pub outcomes: BTreeMap<String, BTreeMap<String, u64>>,
    /// Jobs whose summary records a hit budget or cap.
    pub budgets_hit: u64,
    /// Jobs per key weakness (the summaries' `key_weaknesses`, DESIGN §9,
    /// from the weak-key audit).
    pub key_weaknesses: BTreeMap<String, u64>,
    /// Whether the weak-key audit ran over the run (docs/weakkeys.md).
    pub weak_key_audit: WeakKeyAuditState,
}

/// Whether the weak-key audit (fx-weakkeys `--stream`, heavy work) ran:
/// its `weakkeys` events are in the jobs, or why they are not.
#[derive(Debug, Default, Serialize, PartialEq)]
pub struct WeakKeyAuditState {
    /// True when the jobs carry the audit's events.
    pub ran: bool,
    /// Why it did not run: `policy:heavy_work_disabled` (the run's policy
    /// does not allow heavy work), `no_jobs`, or `not_in_pipeline` (heavy
    /// work allowed, but the jobs went to fx-seq without the audit).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Jobs in which the audit read at least one public key.
    pub jobs_with_keys: u64,
}

/// Builds the report from `RUN/telemetry/jobs.jsonl`.
pub fn build(run: &RunDir) -> anyhow::Result<Report> {
    read_jobs(run, None)
}

fn read_jobs(run: &RunDir, mut found: Option<&mut dyn FnMut(&Job)>) -> anyhow::Result<Report> {
    let path = run.path().join("telemetry/jobs.jsonl");
    let file = std::fs::File::open(&path)
        .with_context(|| format!("{} is missing (run fx-seq first)", path.display()))?;
    let mut reader = JsonlReader::new(
        std::io::BufReader::with_capacity(1 << 20, file),
        run.policy().limits.max_line_bytes as usize,
    );
    let mut report = Report {
        fx: "report/1".into(),
        run_id: run.run_id().to_owned(),
        ..Report::default()
    };
    while let Some(job) = reader
        .next_record::<Job>()
        .with_context(|| format!("{}", path.display()))?
    {
        report.jobs += 1;
        report.events += job.events.len() as u64;
        for e in &job.events {
            if e.module == fx_facts::weakkey::AUDIT_MODULE
                && e.step == fx_facts::weakkey::AUDIT_STEP
            {
                report.weak_key_audit.ran = true;
                if e.status == fx_core::Status::Ok {
                    report.weak_key_audit.jobs_with_keys += 1;
                }
            }
            if e.module == "ingest"
                && e.status == fx_core::Status::Skipped
                && let Some(reason) = &e.reason
            {
                *report.skipped.entry(reason.clone()).or_default() += 1;
            }
            let status = serde_json::to_value(e.status)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default();
            *report
                .outcomes
                .entry(e.module.clone())
                .or_default()
                .entry(status)
                .or_default() += 1;
        }
        let summary = job
            .events
            .iter()
            .rev()
            .find(|e| e.module == "seq" && e.step == "summary")
            .and_then(|e| e.data.as_ref())
            .with_context(|| {
                format!(
                    "{}: job {} has no summary event (was it written by fx-seq?)",
                    path.display(),
                    job.artifact.artifact_seq
                )
            })?;
        count_list(&mut report.labels, summary.get("labels"));
        count_list(&mut report.failures, summary.get("failures"));
        count_list(&mut report.key_weaknesses, summary.get("key_weaknesses"));
        count_scalar(&mut report.containers, summary.get("container"));
        count_scalar(&mut report.algorithms, summary.get("algorithm"));
        let basis = summary
            .get("sources")
            .and_then(|s| s.get("algorithm"))
            .and_then(|s| s.get("basis"))
            .and_then(Value::as_str)
            .and_then(Basis::parse);
        if basis.is_some_and(Basis::is_guess) {
            count_scalar(&mut report.guessed_algorithms, summary.get("algorithm"));
        }
        if summary
            .get("budgets_hit")
            .and_then(Value::as_array)
            .is_some_and(|a| !a.is_empty())
        {
            report.budgets_hit += 1;
        }
        if let Some(add) = found.as_mut() {
            add(&job);
        }
    }
    if !report.weak_key_audit.ran {
        report.weak_key_audit.reason = Some(
            if !run.policy().safety.heavy_work {
                "policy:heavy_work_disabled"
            } else if report.jobs == 0 {
                "no_jobs"
            } else {
                "not_in_pipeline"
            }
            .to_owned(),
        );
    }
    Ok(report)
}

fn count_list(into: &mut BTreeMap<String, u64>, v: Option<&Value>) {
    for item in v.and_then(Value::as_array).into_iter().flatten() {
        if let Some(s) = item.as_str() {
            *into.entry(s.to_owned()).or_default() += 1;
        }
    }
}

fn count_scalar(into: &mut BTreeMap<String, u64>, v: Option<&Value>) {
    if let Some(s) = v.and_then(Value::as_str) {
        *into.entry(s.to_owned()).or_default() += 1;
    }
}

/// Renders the human summary.
pub fn render_text(run: &Path, r: &Report) -> String {
    let top = |m: &BTreeMap<String, u64>| -> String {
        if m.is_empty() {
            return "none".into();
        }
        let mut v: Vec<_> = m.iter().collect();
        v.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        v.iter()
            .map(|(k, n)| format!("{k} {n}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let modules = r
        .outcomes
        .iter()
        .map(|(m, s)| {
            let parts: Vec<String> = s.iter().map(|(st, n)| format!("{n} {st}")).collect();
            format!("{m} ({})", parts.join(", "))
        })
        .collect::<Vec<_>>()
        .join("; ");
    let d = run.display();
    format!(
        "fx: {} artifacts, {} events in run {}\n\
         \x20 evidence    {d}/telemetry/events.jsonl (+ jobs.jsonl, tool_run_events.jsonl, module_events/)\n\
         \x20 blobs       {d}/artifacts/blobs/\n\
         \x20 features    {d}/features/features.parquet, features.csv, feature_schema.json\n\
         \x20 report      {d}/reports/report.html (+ artifacts/, report.md, summary.json, findings.json, findings.sarif, cbom.cdx.json)\n\
         \x20 labels      {}\n\
         \x20 containers  {}\n\
         \x20 algorithms  {}{}\n\
         \x20 failures    {}\n\
         \x20 skipped     {}\n\
         \x20 budgets hit {} jobs\n\
         \x20 weak keys   {}\n\
         \x20 modules     {}\n",
        r.jobs,
        r.events,
        r.run_id,
        top(&r.labels),
        top(&r.containers),
        top(&r.algorithms),
        if r.guessed_algorithms.is_empty() {
            String::new()
        } else {
            format!(
                " (guessed from size or statistics alone: {})",
                top(&r.guessed_algorithms)
            )
        },
        top(&r.failures),
        top(&r.skipped),
        r.budgets_hit,
        weak_keys_line(r),
        modules,
    )
}

/// The `weak keys` line: jobs per weakness, or why the audit did not run.
fn weak_keys_line(r: &Report) -> String {
    let a = &r.weak_key_audit;
    if !a.ran {
        let why = a.reason.as_deref().unwrap_or("not_in_pipeline");
        return format!("not audited ({why})");
    }
    let mut v: Vec<_> = r.key_weaknesses.iter().collect();
    v.sort_by(|x, y| y.1.cmp(x.1).then(x.0.cmp(y.0)));
    let per: Vec<String> = v.iter().map(|(k, n)| format!("{k} {n}")).collect();
    let s = if a.jobs_with_keys == 1 { "" } else { "s" };
    if per.is_empty() {
        format!("none in {} job{s} with keys", a.jobs_with_keys)
    } else {
        format!("{} ({} job{s} with keys)", per.join(", "), a.jobs_with_keys)
    }
}

/// Runs the command: builds the summary and the findings, writes
/// `RUN/reports/summary.json`, `findings.json`, `findings.sarif` and
/// `report.md` (each written, then renamed), prints the summary, and
/// applies `--fail-on`.
pub fn run(args: &Args) -> anyhow::Result<()> {
    // Everything is built before anything is written: a run that is not a
    // run, or is incomplete, leaves reports/ as it was.
    let bad_input =
        |e: anyhow::Error| -> anyhow::Error { fx_core::Error::Usage(format!("{e:#}")).into() };
    let run = RunDir::open(&args.run).map_err(|e| bad_input(e.into()))?;
    if args.metrics {
        let m = metrics::write(&run).map_err(bad_input)?;
        println!(
            "fx-report: metrics of {} jobs → {}",
            m.jobs,
            run.path().join("metrics/metrics.html").display()
        );
        return Ok(());
    }
    // One pass over the jobs builds the summary, the findings and the CBOM
    // inventory. The findings' artifact lists and the CBOM's occurrences go
    // to unnamed temporary files in the run directory while the jobs are
    // read, and are read back as they are written: memory follows the
    // number of findings and components, not of artifacts.
    let mut builder = findings::SpillingBuilder::new(&run, run.path()).map_err(bad_input)?;
    let mut inventory = cbom::Inventory::with_batch(run.path(), OCCURRENCES_BATCH);
    let add: &mut dyn FnMut(&Job) = &mut |job| {
        builder.add_job(job);
        inventory.add_job(job);
    };
    let report = read_jobs(&run, Some(add)).map_err(bad_input)?;
    let found = builder.finish()?;
    inventory.finish().map_err(|source| cbom::CbomError::Io {
        path: run.path().to_owned(),
        source,
    })?;
    let markdown = findings::markdown::render(&run, &report, &found);
    write_json_atomic(&run.path().join("reports/summary.json"), &report)?;
    findings::write_json(run.path(), &found)?;
    findings::sarif::write(run.path(), &found)?;
    findings::markdown::write(run.path(), &markdown)?;
    cbom::write_file(
        &run.path().join("reports").join(cbom::FILE),
        &inventory,
        &run,
        args.spec,
    )?;
    html::write(&run, &report, &found)?;
    // The evidence chain records every file in reports/ (docs/evidence-format.md).
    fx_chain::record_tree(run.path(), fx_chain::Writer::Report)?;
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &report)?;
        writeln!(out)?;
    } else {
        out.write_all(render_text(&args.run, &report).as_bytes())?;
        out.write_all(findings_text(&found).as_bytes())?;
    }
    out.flush()?;
    if let Some(threshold) = args.fail_on {
        let over: Vec<&findings::Finding> = found.at_least(threshold).collect();
        if let Some(first) = over.first() {
            anyhow::bail!(
                "{} finding(s) at or above {threshold} (--fail-on), the first: [{}] {}",
                over.len(),
                first.severity,
                first.id
            );
        }
    }
    Ok(())
}

/// Occurrences the CBOM inventory sorts at a time in memory while the
/// findings' artifacts are sorted too (about 250 bytes each, so about
/// 2 MiB): a quarter of a findings batch, so that the two batches held
/// together take about what the findings' alone did when the jobs were
/// read twice.
const OCCURRENCES_BATCH: usize = 8_192;

/// Findings listed by name in the printed summary.
pub const TOP_FINDINGS: usize = 5;

/// The findings lines of the printed summary: the counts and the top ones.
pub fn findings_text(f: &findings::Findings) -> String {
    let c = &f.counts;
    let mut out = format!(
        "\x20 findings    {} ({} critical, {} high, {} medium, {} low, {} info)\n",
        f.findings.len(),
        c.critical,
        c.high,
        c.medium,
        c.low,
        c.info
    );
    for x in f.findings.iter().take(TOP_FINDINGS) {
        out.push_str(&format!(
            "\x20   [{}] {} ({} artifact{})\n",
            x.severity,
            x.title,
            x.artifact_count(),
            if x.artifact_count() == 1 { "" } else { "s" }
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use fx_core::event::Event;
    use fx_core::policy::Policy;
    use fx_core::testing::{job_for, scratch_run};

    #[test]
    fn counts_summaries_and_refuses_unsequenced_telemetry() {
        let dir = tempfile::tempdir().unwrap();
        let run = scratch_run(dir.path(), Policy::default()).unwrap();
        let mut lines = String::new();
        for (i, (label, failure)) in [("certificate", None), ("certificate", Some("truncated"))]
            .into_iter()
            .enumerate()
        {
            let mut job =
                job_for(&run, &format!("f{i}"), format!("x{i}").as_bytes(), i as u64).unwrap();
            job.push(Event::ok("route", "label"));
            let mut data = serde_json::json!({"labels":[label],"container":"x509_certificate"});
            if let Some(f) = failure {
                data["failures"] = serde_json::json!([f]);
            }
            job.push(Event::ok("seq", "summary").with_data(data));
            lines.push_str(&serde_json::to_string(&job).unwrap());
            lines.push('\n');
        }
        std::fs::create_dir_all(dir.path().join("telemetry")).unwrap();
        std::fs::write(dir.path().join("telemetry/jobs.jsonl"), &lines).unwrap();
        let r = build(&run).unwrap();
        assert_eq!(r.jobs, 2);
        assert_eq!(r.events, 4);
        assert_eq!(r.labels.get("certificate"), Some(&2));
        assert_eq!(r.containers.get("x509_certificate"), Some(&2));
        assert_eq!(r.failures.get("truncated"), Some(&1));
        assert_eq!(r.outcomes["route"]["ok"], 2);
        let text = render_text(dir.path(), &r);
        assert!(text.contains("2 artifacts, 4 events"), "{text}");
        assert!(text.contains("\n  skipped     none\n"), "{text}");

        // A job fx-ingest skipped is counted apart from the failures.
        let mut job = job_for(&run, "link", b"", 2).unwrap();
        job.events = vec![
            Event::skipped("ingest", "intake", "symlink_outside_root"),
            Event::skipped("route", "label", "unreadable"),
            Event::ok("seq", "summary").with_data(serde_json::json!({})),
        ];
        lines.push_str(&serde_json::to_string(&job).unwrap());
        lines.push('\n');
        std::fs::write(dir.path().join("telemetry/jobs.jsonl"), &lines).unwrap();
        let r = build(&run).unwrap();
        assert_eq!(r.jobs, 3);
        assert_eq!(
            r.skipped,
            BTreeMap::from([("symlink_outside_root".to_owned(), 1)])
        );
        assert_eq!(r.failures, BTreeMap::from([("truncated".to_owned(), 1)]));
        let text = render_text(dir.path(), &r);
        assert!(
            text.contains("\n  skipped     symlink_outside_root 1\n"),
            "{text}"
        );

        // A size-only algorithm is counted, and shown apart as a guess.
        let mut job = job_for(&run, "blob", b"blob", 3).unwrap();
        job.push(Event::ok("seq", "summary").with_data(serde_json::json!({
            "algorithm": "ML-KEM-768",
            "sources": {"algorithm": {"basis": "size_only", "confidence": 600, "event": 5}}
        })));
        lines.push_str(&serde_json::to_string(&job).unwrap());
        lines.push('\n');
        let mut job = job_for(&run, "key", b"key", 4).unwrap();
        job.push(Event::ok("seq", "summary").with_data(serde_json::json!({
            "algorithm": "ML-KEM-768",
            "sources": {"algorithm": {"basis": "parsed", "event": 3}}
        })));
        lines.push_str(&serde_json::to_string(&job).unwrap());
        lines.push('\n');
        std::fs::write(dir.path().join("telemetry/jobs.jsonl"), &lines).unwrap();
        let r = build(&run).unwrap();
        assert_eq!(r.algorithms["ML-KEM-768"], 2);
        assert_eq!(
            r.guessed_algorithms,
            BTreeMap::from([("ML-KEM-768".to_owned(), 1)])
        );
        let text = render_text(dir.path(), &r);
        assert!(
            text.contains(
                "\n  algorithms  ML-KEM-768 2 (guessed from size or statistics alone: ML-KEM-768 1)\n"
            ),
            "{text}"
        );

        // A job without a summary event is refused with a clear message.
        let job = job_for(&run, "g", b"g", 0).unwrap();
        std::fs::write(
            dir.path().join("telemetry/jobs.jsonl"),
            serde_json::to_string(&job).unwrap() + "\n",
        )
        .unwrap();
        let err = build(&run).unwrap_err().to_string();
        assert!(err.contains("no summary event"), "{err}");
    }
}
