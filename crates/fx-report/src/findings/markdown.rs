//! `RUN/reports/report.md`: the findings first, ranked, each naming its
//! artifacts and linking to the event behind each claim; then the run
//! (inputs, case and tenants, policy, tool inventory, toolchain, counts,
//! budgets, module outcomes). Nothing secret (a hash audit appears as scheme
//! and parameters), nothing volatile (no time).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use fx_core::run::RunDir;

use super::{ArtifactRef, Finding, Findings, MARKDOWN_FILE};
use crate::Report;
use crate::run_facts::{self, Shown};

/// Artifacts listed per finding; the rest are counted (findings.json has
/// them all).
pub const ARTIFACTS_LISTED: usize = 50;

/// Escapes text for a Markdown table cell or list item.
fn md(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(
            c,
            '|' | '*' | '_' | '`' | '[' | ']' | '<' | '>' | '#' | '\\'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A code span that holds any text (backticks inside are fenced by more).
fn code(s: &str) -> String {
    let ticks = if s.contains('`') { "``" } else { "`" };
    format!("{ticks}{}{ticks}", s.replace('\n', " "))
}

/// The line of `telemetry/events.jsonl` holding event `seq` (fx-seq writes
/// one event per line, in sequence from 0).
/// A value of the run, in Markdown.
fn shown(v: &Shown) -> String {
    match v {
        Shown::Code(s) => code(s),
        Shown::Codes(v) => v.iter().map(|s| code(s)).collect::<Vec<_>>().join(", "),
        Shown::Text(t) => md(t),
    }
}

fn event_link(seq: u64) -> String {
    format!("[event {seq}](../telemetry/events.jsonl#L{})", seq + 1)
}

fn artifact_line(out: &mut String, a: &ArtifactRef) {
    let _ = write!(
        out,
        "  - {} — artifact {}, {} ({}/{})",
        code(&a.path_display),
        a.artifact_seq,
        event_link(a.event_seq),
        a.module,
        a.step
    );
    if let Some(l) = &a.location {
        let _ = write!(out, ": {}", md(l));
    }
    if let Some(t) = &a.tool {
        let _ = write!(
            out,
            "; tool {} {}",
            md(&t.name),
            md(t.version.as_deref().unwrap_or("(version unknown)"))
        );
        let _ = write!(out, " ({}", event_link(t.event_seq));
        if let Some(r) = &t.stdout_ref {
            let _ = write!(out, ", [stdout](../artifacts/{r})");
        }
        match t.agreed {
            Some(true) => out.push_str(", cross-check agreed"),
            Some(false) => out.push_str(", cross-check DISAGREED"),
            None => {}
        }
        out.push(')');
    }
    out.push('\n');
}

fn finding(out: &mut String, n: usize, f: &Finding) {
    let _ = writeln!(
        out,
        "### {n}. [{}] {}\n",
        f.severity.as_str().to_uppercase(),
        md(&f.title)
    );
    let _ = writeln!(out, "- id {} (rule {})", code(&f.id), code(&f.rule));
    let _ = writeln!(out, "- {}", md(&f.detail));
    if let Some(d) = &f.deadline {
        let dep = d
            .deprecated_after
            .map(|y| format!("deprecated after {y}, "))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "- deadline ({}): {dep}disallowed after {}",
            d.baseline, d.disallowed_after
        );
    }
    let _ = writeln!(out, "- {} artifact(s):", f.artifact_count());
    for a in f.artifacts.iter().take(ARTIFACTS_LISTED) {
        artifact_line(out, a);
    }
    if f.artifact_count() > ARTIFACTS_LISTED {
        let _ = writeln!(
            out,
            "  - … and {} more (all in findings.json)",
            f.artifact_count() - ARTIFACTS_LISTED
        );
    }
    out.push('\n');
}

fn counts_table(out: &mut String, title: &str, m: &BTreeMap<String, u64>) {
    let _ = writeln!(out, "**{title}**\n");
    if m.is_empty() {
        out.push_str("none\n\n");
        return;
    }
    let mut v: Vec<_> = m.iter().collect();
    v.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    out.push_str("| value | jobs |\n|---|---|\n");
    for (k, n) in v {
        let _ = writeln!(out, "| {} | {n} |", md(k));
    }
    out.push('\n');
}

/// Renders `report.md`.
pub fn render(run: &RunDir, report: &Report, findings: &Findings) -> String {
    let m = run.manifest();
    let mut out = String::new();
    let _ = writeln!(out, "# fx report — run {}\n", code(&m.run_id));
    let c = &findings.counts;
    let _ = writeln!(
        out,
        "{} artifacts, {} events; {} findings: {} critical, {} high, {} medium, {} low, {} info. \
         Quantum baseline {} ({}); hash baseline {}.\n",
        report.jobs,
        report.events,
        findings.findings.len(),
        c.critical,
        c.high,
        c.medium,
        c.low,
        c.info,
        code(&findings.baselines.quantum.name),
        md(&findings.baselines.quantum.title),
        code(&findings.baselines.hash),
    );
    out.push_str("## Findings\n\n");
    if findings.findings.is_empty() {
        out.push_str("No findings.\n\n");
    }
    for (i, f) in findings.findings.iter().enumerate() {
        finding(&mut out, i + 1, f);
    }

    out.push_str("## The run\n\n");
    for (k, v) in run_facts::identity(run) {
        let _ = writeln!(out, "- {k}: {}", shown(&v));
    }
    out.push_str("\n**Inputs**\n\n| kind | path |\n|---|---|\n");
    for (kind, path) in run_facts::inputs(run) {
        let _ = writeln!(out, "| {} | {} |", md(&kind), code(&path));
    }
    let inv = run.inventory();
    out.push_str("\n**Tool inventory** (`manifests/tool_inventory.json`)\n\n");
    out.push_str("| tool | status | version | sha256 |\n|---|---|---|---|\n");
    for t in &inv.tools {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            md(&t.name),
            md(&t.status),
            md(t.version.as_deref().unwrap_or("")),
            t.sha256.as_deref().map(code).unwrap_or_default()
        );
    }
    if !inv.libraries.is_empty() {
        out.push_str("\n| linked library | version |\n|---|---|\n");
        for (k, v) in &inv.libraries {
            let _ = writeln!(out, "| {} | {} |", md(k), md(v));
        }
    }
    out.push_str("\n### Counts\n\n");
    for t in run_facts::count_tables(report) {
        counts_table(&mut out, t.title, t.counts);
    }
    let _ = writeln!(out, "**Budgets hit**: {} jobs\n", report.budgets_hit);
    out.push_str("**Module outcomes**\n\n| module | ok | error | skipped |\n|---|---|---|---|\n");
    for (module, [ok, error, skipped]) in run_facts::outcomes(report) {
        let _ = writeln!(out, "| {} | {ok} | {error} | {skipped} |", md(module));
    }
    out
}

/// Writes `report.md` under `run_path` (write, then rename).
pub fn write(run_path: &Path, text: &str) -> anyhow::Result<()> {
    fx_core::run::write_atomic(&run_path.join(MARKDOWN_FILE), text.as_bytes())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(md("a|b_c"), "a\\|b\\_c");
        assert_eq!(code("x`y"), "``x`y``");
        assert_eq!(event_link(0), "[event 0](../telemetry/events.jsonl#L1)");
    }
}
