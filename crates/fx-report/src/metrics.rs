//! `fx-report --metrics`: how the run went, as opposed to what it found.
//!
//! Reads the wall-clock files the commands leave in `RUN/metrics/`
//! (`fx-ingest.json`, `stages.jsonl`, `seq.json`, `fingerprint_cache.jsonl`,
//! `cache.jsonl`)
//! and the run's telemetry (failure shapes per module, tool failures per
//! tool version), and writes `RUN/metrics/metrics.json`
//! (`schemas/metrics_run.schema.json`) and `RUN/metrics/metrics.html`, a
//! page with tables and inline SVG plots. Both stay in `metrics/`, outside
//! the deterministic reports: they hold times, which differ on every run.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use fx_core::cache::{CACHE_METRICS_FILE, CacheMetrics};
use fx_core::jsonl::{JsonlReader, LineReader};
use fx_core::metrics::{LatencyHistogram, STAGES_FILE, StageMetrics};
use fx_core::run::{RunDir, write_json_atomic};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::html::escape::esc;
use crate::html::page::{FOOT, head};
use crate::html::svg::{Bar, bar_chart, top};

/// The format tag of [`RunMetrics`].
pub const FORMAT: &str = "metrics/run/1";

/// `RUN/metrics/metrics.json`.
#[derive(Debug, Serialize, Deserialize, PartialEq)]
pub struct RunMetrics {
    /// Format tag, `metrics/run/1`.
    pub fx: String,
    /// The run.
    pub run_id: String,
    /// Jobs sequenced (the denominator of the failure rates).
    pub jobs: u64,
    /// One row per command that processed the jobs, in pipeline order.
    pub stages: Vec<StageRow>,
    /// Failure shapes per module, most frequent first.
    pub failures: Vec<FailureRow>,
    /// External tool runs per tool and version, with how many failed.
    pub tools: Vec<ToolRow>,
    /// Cache lookups per cache.
    pub caches: Vec<CacheRow>,
}

/// What one command did over the run (its processes merged).
#[derive(Debug, Serialize, Deserialize, PartialEq)]
pub struct StageRow {
    /// The command.
    pub stage: String,
    /// Processes whose figures are merged (several under Spark).
    pub processes: u64,
    /// Jobs processed.
    pub jobs: u64,
    /// Wall-clock milliseconds (the longest process).
    pub wall_ms: u64,
    /// CPU milliseconds, all processes.
    pub cpu_ms: Option<u64>,
    /// Jobs per wall-clock second (jobs / the longest process's wall time).
    pub jobs_per_s: Option<f64>,
    /// Jobs per CPU-second.
    pub jobs_per_cpu_s: Option<f64>,
    /// Largest peak resident set of its processes, KiB.
    pub peak_rss_kib: Option<u64>,
    /// Median of the module's time per job, µs (per-job stages only).
    pub p50_us: Option<f64>,
    /// 90th percentile, µs.
    pub p90_us: Option<f64>,
    /// 99th percentile, µs.
    pub p99_us: Option<f64>,
    /// Slowest job, µs.
    pub max_us: Option<f64>,
    /// Jobs where the module panicked.
    pub panics: u64,
}

/// One failure shape of one module.
#[derive(Debug, Serialize, Deserialize, PartialEq)]
pub struct FailureRow {
    /// The module.
    pub module: String,
    /// The failure shape (`error.kind`).
    pub kind: String,
    /// Error events of that shape.
    pub events: u64,
    /// Events per 1,000 jobs.
    pub per_1000_jobs: f64,
}

/// The runs of one tool version.
#[derive(Debug, Serialize, Deserialize, PartialEq)]
pub struct ToolRow {
    /// The tool.
    pub tool: String,
    /// Its version, as the tool run recorded it.
    pub version: String,
    /// Runs.
    pub runs: u64,
    /// Runs that exited non-zero, were killed by a signal or timed out.
    pub failed: u64,
    /// Of those, runs that timed out.
    pub timed_out: u64,
}

/// Lookups of one cache.
#[derive(Debug, Serialize, Deserialize, PartialEq)]
pub struct CacheRow {
    /// The cache.
    pub cache: String,
    /// Lookups answered from the cache.
    pub hits: u64,
    /// Lookups computed and stored.
    pub misses: u64,
    /// Entries that failed a check and were recomputed.
    pub corrupt: u64,
}

/// Builds the metrics of `run` and writes `metrics/metrics.json` and
/// `metrics/metrics.html`; returns them.
pub fn write(run: &RunDir) -> anyhow::Result<RunMetrics> {
    let m = collect(run)?;
    let dir = run.path().join("metrics");
    write_json_atomic(&dir.join("metrics.json"), &m)?;
    fx_core::run::write_atomic(&dir.join("metrics.html"), page(&m).as_bytes())?;
    Ok(m)
}

/// Reads the run's metrics and telemetry into [`RunMetrics`].
pub fn collect(run: &RunDir) -> anyhow::Result<RunMetrics> {
    let root = run.path();
    let max_line = run.policy().limits.max_line_bytes as usize;
    let telemetry = scan_telemetry(root, max_line)?;
    let mut stages = Vec::new();
    if let Some(v) = read_json(&root.join("metrics/fx-ingest.json"))? {
        let wall: u64 = v["phases_ms"]
            .as_object()
            .map(|p| p.values().filter_map(|x| x.as_u64()).sum())
            .unwrap_or(0);
        stages.push(plain_row(
            "fx-ingest",
            v["jobs"].as_u64().unwrap_or(0),
            wall,
            v["peak_rss_kib"].as_u64(),
        ));
    }
    stages.extend(stage_rows(root, max_line)?);
    if let Some(v) = read_json(&root.join("metrics/seq.json"))? {
        stages.push(plain_row(
            "fx-seq",
            v["jobs"].as_u64().unwrap_or(0),
            v["wall_ms"].as_u64().unwrap_or(0),
            v["peak_rss_kib"].as_u64(),
        ));
    }
    let jobs = telemetry.jobs;
    let mut failures: Vec<FailureRow> = telemetry
        .failures
        .into_iter()
        .map(|((module, kind), events)| FailureRow {
            module,
            kind,
            events,
            per_1000_jobs: if jobs == 0 {
                0.0
            } else {
                round2(events as f64 * 1000.0 / jobs as f64)
            },
        })
        .collect();
    failures.sort_by(|a, b| {
        b.events
            .cmp(&a.events)
            .then_with(|| (&a.module, &a.kind).cmp(&(&b.module, &b.kind)))
    });
    let tools = telemetry
        .tools
        .into_iter()
        .map(|((tool, version), (runs, failed, timed_out))| ToolRow {
            tool,
            version,
            runs,
            failed,
            timed_out,
        })
        .collect();
    Ok(RunMetrics {
        fx: FORMAT.to_owned(),
        run_id: run.manifest().run_id.clone(),
        jobs,
        stages,
        failures,
        tools,
        caches: cache_rows(root, max_line)?,
    })
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn per_s(jobs: u64, ms: u64) -> Option<f64> {
    (ms > 0).then(|| round2(jobs as f64 * 1000.0 / ms as f64))
}

fn plain_row(stage: &str, jobs: u64, wall_ms: u64, peak_rss_kib: Option<u64>) -> StageRow {
    StageRow {
        stage: stage.to_owned(),
        processes: 1,
        jobs,
        wall_ms,
        cpu_ms: None,
        jobs_per_s: per_s(jobs, wall_ms),
        jobs_per_cpu_s: None,
        peak_rss_kib,
        p50_us: None,
        p90_us: None,
        p99_us: None,
        max_us: None,
        panics: 0,
    }
}

fn read_json(path: &Path) -> anyhow::Result<Option<serde_json::Value>> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(Some(serde_json::from_slice(&bytes).map_err(|e| {
            anyhow::anyhow!("{}: not a metrics file: {e}", path.display())
        })?)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(fx_core::Error::io(path, e).into()),
    }
}

/// The lines of a JSONL metrics file (none when it is missing).
fn jsonl<T: DeserializeOwned>(path: &Path, max_line: usize) -> anyhow::Result<Vec<T>> {
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(fx_core::Error::io(path, e).into()),
    };
    let mut reader = JsonlReader::new(std::io::BufReader::new(file), max_line);
    let mut out = Vec::new();
    while let Some(record) = reader
        .next_record()
        .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?
    {
        out.push(record);
    }
    Ok(out)
}

/// Where `name` stands in `order` (names it does not list go last).
fn rank(order: &[&str], name: &str) -> usize {
    order.iter().position(|o| *o == name).unwrap_or(order.len())
}

/// The per-job stages, their processes' lines merged, in pipeline order.
fn stage_rows(root: &Path, max_line: usize) -> anyhow::Result<Vec<StageRow>> {
    const ORDER: [&str; 4] = ["fx-route", "fx-inspect", "fx-probe", "fx-fingerprint"];
    let lines: Vec<StageMetrics> = jsonl(&root.join(STAGES_FILE), max_line)?;
    // Keyed by name too: stages ORDER does not list keep a row each.
    let mut by_stage: BTreeMap<(usize, String), Vec<StageMetrics>> = BTreeMap::new();
    for l in lines {
        by_stage
            .entry((rank(&ORDER, &l.stage), l.stage.clone()))
            .or_default()
            .push(l);
    }
    let mut rows = Vec::new();
    for (_, lines) in by_stage {
        let mut hist = LatencyHistogram::default();
        let mut cpu = Some(0u64);
        for l in &lines {
            hist.merge(&LatencyHistogram::from_summary(&l.process));
            cpu = cpu.zip(l.cpu_ms).map(|(a, b)| a + b);
        }
        let jobs: u64 = lines.iter().map(|l| l.jobs).sum();
        let wall_ms = lines.iter().map(|l| l.wall_ms).max().unwrap_or(0);
        let us = |ns: u64| Some(round2(ns as f64 / 1000.0));
        rows.push(StageRow {
            stage: lines[0].stage.clone(),
            processes: lines.len() as u64,
            jobs,
            wall_ms,
            cpu_ms: cpu,
            jobs_per_s: per_s(jobs, wall_ms),
            jobs_per_cpu_s: cpu.and_then(|c| per_s(jobs, c)),
            peak_rss_kib: lines.iter().filter_map(|l| l.peak_rss_kib).max(),
            p50_us: us(hist.quantile_ns(0.50)),
            p90_us: us(hist.quantile_ns(0.90)),
            p99_us: us(hist.quantile_ns(0.99)),
            max_us: us(hist.quantile_ns(1.0)),
            panics: lines.iter().map(|l| l.panics).sum(),
        });
    }
    Ok(rows)
}

/// What the metrics need of the telemetry.
#[derive(Default)]
struct Telemetry {
    jobs: u64,
    failures: BTreeMap<(String, String), u64>,
    tools: BTreeMap<(String, String), (u64, u64, u64)>,
}

/// The fields of an event line the metrics read; the rest is skipped.
#[derive(Deserialize)]
struct EventLine<'a> {
    #[serde(borrow)]
    module: std::borrow::Cow<'a, str>,
    #[serde(borrow)]
    step: std::borrow::Cow<'a, str>,
    #[serde(default, borrow)]
    error: Option<ErrorKind<'a>>,
    #[serde(default)]
    tool: Option<ToolLine>,
}

#[derive(Deserialize)]
struct ErrorKind<'a> {
    #[serde(borrow)]
    kind: std::borrow::Cow<'a, str>,
}

#[derive(Deserialize)]
struct ToolLine {
    name: String,
    #[serde(default)]
    version: Option<String>,
    #[serde(default)]
    exit_code: Option<i64>,
    #[serde(default)]
    signal: Option<serde_json::Value>,
    #[serde(default)]
    timed_out: bool,
}

/// One pass over `telemetry/events.jsonl`: jobs (summary events), error
/// events per (module, kind), tool runs per (tool, version).
fn scan_telemetry(root: &Path, max_line: usize) -> anyhow::Result<Telemetry> {
    let path = root.join("telemetry/events.jsonl");
    let file = std::fs::File::open(&path).map_err(|e| fx_core::Error::io(&path, e))?;
    let mut reader = LineReader::new(std::io::BufReader::with_capacity(1 << 20, file), max_line);
    let mut t = Telemetry::default();
    while let Some((n, line)) = reader
        .next_line()
        .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?
    {
        let e: EventLine<'_> = serde_json::from_slice(line)
            .map_err(|err| anyhow::anyhow!("{} line {n}: {err}", path.display()))?;
        if e.module == "seq" && e.step == "summary" {
            t.jobs += 1;
        }
        if let Some(err) = e.error {
            *t.failures
                .entry((e.module.into_owned(), err.kind.into_owned()))
                .or_default() += 1;
        }
        if let Some(tool) = e.tool {
            let failed = tool.timed_out
                || tool.signal.as_ref().is_some_and(|s| !s.is_null())
                || tool.exit_code.is_some_and(|c| c != 0);
            let row = t
                .tools
                .entry((tool.name, tool.version.unwrap_or_else(|| "unknown".into())))
                .or_default();
            row.0 += 1;
            row.1 += failed as u64;
            row.2 += tool.timed_out as u64;
        }
    }
    Ok(t)
}

/// The caches' lookups: the deep-fingerprint cache's lines, then the
/// module cache's (`--cache DIR`) per module.
fn cache_rows(root: &Path, max_line: usize) -> anyhow::Result<Vec<CacheRow>> {
    #[derive(Deserialize)]
    struct Lookup {
        cache: String,
    }
    let mut rows = Vec::new();
    let lines: Vec<Lookup> = jsonl(&root.join("metrics/fingerprint_cache.jsonl"), max_line)?;
    if !lines.is_empty() {
        let hits = lines.iter().filter(|l| l.cache == "hit").count() as u64;
        rows.push(CacheRow {
            cache: "fingerprint_deep".to_owned(),
            hits,
            misses: lines.len() as u64 - hits,
            corrupt: 0,
        });
    }
    let modules: Vec<CacheMetrics> = jsonl(&root.join(CACHE_METRICS_FILE), max_line)?;
    let mut by_module: BTreeMap<(usize, String), CacheRow> = BTreeMap::new();
    const ORDER: [&str; 4] = ["route", "inspect", "probe", "fingerprint"];
    for m in modules {
        let row = by_module
            .entry((rank(&ORDER, &m.module), m.module.clone()))
            .or_insert_with(|| CacheRow {
                cache: m.module.clone(),
                hits: 0,
                misses: 0,
                corrupt: 0,
            });
        row.hits += m.counts.hits;
        row.misses += m.counts.misses;
        row.corrupt += m.counts.corrupt;
    }
    rows.extend(by_module.into_values());
    Ok(rows)
}

fn opt<T: std::fmt::Display>(v: Option<T>) -> String {
    v.map(|x| x.to_string()).unwrap_or_else(|| "–".to_owned())
}

/// The page.
pub fn page(m: &RunMetrics) -> String {
    let mut out = head(&format!("fx metrics — run {}", m.run_id));
    out.push_str(&format!(
        "<h1>How run <code>{}</code> went</h1>\n<p class=\"muted\">Wall-clock figures from \
         <code>RUN/metrics/</code> and failure counts from the telemetry, {} jobs. These \
         differ from run to run; the evidence and the reports do not.</p>\n",
        esc(&m.run_id),
        m.jobs
    ));
    out.push_str("<h2>Stages</h2>\n<div class=\"charts\">");
    let bars = |f: &dyn Fn(&StageRow) -> Option<f64>| -> Vec<Bar> {
        m.stages
            .iter()
            .filter_map(|s| {
                f(s).map(|v| Bar {
                    label: s.stage.clone(),
                    value: v.round() as u64,
                    color: "#2563eb",
                })
            })
            .collect()
    };
    out.push_str(&bar_chart(
        "p50",
        "Median time per job, µs",
        "µs",
        &bars(&|s| s.p50_us),
    ));
    out.push_str(&bar_chart(
        "p99",
        "99th percentile time per job, µs",
        "µs",
        &bars(&|s| s.p99_us),
    ));
    out.push_str(&bar_chart(
        "rate",
        "Jobs per CPU-second",
        "jobs/CPU-s",
        &bars(&|s| s.jobs_per_cpu_s),
    ));
    out.push_str("</div>\n");
    table(
        &mut out,
        &[
            "stage",
            "processes",
            "jobs",
            "wall ms",
            "CPU ms",
            "jobs/s",
            "jobs/CPU-s",
            "peak RSS KiB",
            "p50 µs",
            "p90 µs",
            "p99 µs",
            "max µs",
            "panics",
        ],
        m.stages.iter().map(|s| {
            (
                vec![s.stage.as_str()],
                vec![
                    s.processes.to_string(),
                    s.jobs.to_string(),
                    s.wall_ms.to_string(),
                    opt(s.cpu_ms),
                    opt(s.jobs_per_s),
                    opt(s.jobs_per_cpu_s),
                    opt(s.peak_rss_kib),
                    opt(s.p50_us),
                    opt(s.p90_us),
                    opt(s.p99_us),
                    opt(s.max_us),
                    s.panics.to_string(),
                ],
            )
        }),
    );
    out.push_str("<h2>Failure shapes</h2>\n<div class=\"charts\">");
    let fail_bars: Vec<Bar> = m
        .failures
        .iter()
        .map(|f| Bar {
            label: format!("{}: {}", f.module, f.kind),
            value: f.events,
            color: "#b91c1c",
        })
        .collect();
    out.push_str(&bar_chart(
        "failures",
        "Error events by module and shape",
        "events",
        &top(fail_bars),
    ));
    out.push_str("</div>\n");
    table(
        &mut out,
        &["module", "shape", "events", "per 1,000 jobs"],
        m.failures.iter().map(|f| {
            (
                vec![f.module.as_str(), f.kind.as_str()],
                vec![f.events.to_string(), f.per_1000_jobs.to_string()],
            )
        }),
    );
    out.push_str("<h2>External tools</h2>\n");
    table(
        &mut out,
        &["tool", "version", "runs", "failed", "timed out"],
        m.tools.iter().map(|t| {
            (
                vec![t.tool.as_str(), t.version.as_str()],
                vec![
                    t.runs.to_string(),
                    t.failed.to_string(),
                    t.timed_out.to_string(),
                ],
            )
        }),
    );
    out.push_str("<h2>Caches</h2>\n");
    if m.caches.is_empty() {
        out.push_str("<p class=\"muted\">No cache was consulted in this run.</p>\n");
    } else {
        table(
            &mut out,
            &["cache", "hits", "misses", "corrupt"],
            m.caches.iter().map(|c| {
                (
                    vec![c.cache.as_str()],
                    vec![
                        c.hits.to_string(),
                        c.misses.to_string(),
                        c.corrupt.to_string(),
                    ],
                )
            }),
        );
    }
    out.push_str(FOOT);
    out
}

/// Appends a table: its header, then one row per item, each its text cells
/// (escaped) followed by its figures (right-aligned).
fn table<'a>(
    out: &mut String,
    header: &[&str],
    rows: impl IntoIterator<Item = (Vec<&'a str>, Vec<String>)>,
) {
    out.push_str("<table><tr>");
    for h in header {
        let _ = write!(out, "<th>{h}</th>");
    }
    out.push_str("</tr>\n");
    for (text, figures) in rows {
        out.push_str("<tr>");
        for t in text {
            let _ = write!(out, "<td>{}</td>", esc(t));
        }
        for f in figures {
            let _ = write!(out, "<td class=\"n\">{f}</td>");
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</table>\n");
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use fx_core::metrics::{LatencySummary, STAGE_METRICS_FORMAT};

    fn line(stage: &str, jobs: u64) -> StageMetrics {
        StageMetrics {
            fx: STAGE_METRICS_FORMAT.to_owned(),
            stage: stage.to_owned(),
            module: stage.trim_start_matches("fx-").to_owned(),
            jobs,
            panics: 0,
            threads: 1,
            wall_ms: 10,
            cpu_ms: Some(10),
            peak_rss_kib: None,
            process: LatencySummary {
                count: jobs,
                sum_ns: 0,
                p50_ns: 0,
                p90_ns: 0,
                p99_ns: 0,
                max_ns: 0,
                buckets: Vec::new(),
            },
        }
    }

    #[test]
    fn stages_merge_by_name_in_pipeline_order() {
        let dir = tempfile::tempdir().unwrap();
        for l in [
            line("fx-extra-b", 1),
            line("fx-probe", 2),
            line("fx-extra-a", 3),
            line("fx-route", 4),
            line("fx-probe", 5),
        ] {
            fx_core::metrics::append_line(&dir.path().join(STAGES_FILE), &l).unwrap();
        }
        let rows = stage_rows(dir.path(), 1 << 20).unwrap();
        let got: Vec<(&str, u64, u64)> = rows
            .iter()
            .map(|r| (r.stage.as_str(), r.processes, r.jobs))
            .collect();
        // Stages the pipeline order does not name come last, one row each.
        assert_eq!(
            got,
            [
                ("fx-route", 1, 4),
                ("fx-probe", 2, 7),
                ("fx-extra-a", 1, 3),
                ("fx-extra-b", 1, 1),
            ]
        );
    }
}
