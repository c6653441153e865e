//! `reports/report.html`: the findings first, ranked, each naming its
//! artifacts with links to their pages and to the event behind each claim;
//! the pictures; then the run (inputs, case and tenants, policy, tool
//! inventory, toolchain and flake.lock hashes, counts, budgets, module
//! outcomes) from the same [`Report`] that `summary.json` holds; then the
//! artifact pages.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use fx_core::run::RunDir;

use super::artifacts::{self, Pages};
use super::escape::{esc, href};
use super::page::{self, badge, severity_color};
use super::quantum_class::{QuantumClass, by_class};
use super::svg::{self, Bar};
use crate::Report;
use crate::findings::markdown::ARTIFACTS_LISTED;
use crate::findings::{ArtifactRef, Finding, Findings, Severity};
use crate::run_facts::{self, Shown};

/// Lines of a hash list named per artifact; the rest are counted.
pub const LINES_LISTED: usize = 20;

fn code(s: &str) -> String {
    format!("<code>{}</code>", esc(s))
}

fn artifact_row(out: &mut String, a: &ArtifactRef) {
    let _ = write!(
        out,
        "<tr><td class=\"n\"><a href=\"{}\">{}</a></td><td class=\"path\">{}</td><td><a href=\"{}\">event {}</a> {}/{}</td><td>",
        href(&artifacts::link(a.artifact_seq, None)),
        a.artifact_seq,
        code(&a.path_display),
        href(&artifacts::link(a.artifact_seq, Some(a.event_seq))),
        a.event_seq,
        esc(&a.module),
        esc(&a.step)
    );
    if let Some(l) = &a.location {
        out.push_str(&esc(l));
    }
    if !a.lines.is_empty() {
        let shown: Vec<String> = a
            .lines
            .iter()
            .take(LINES_LISTED)
            .map(u64::to_string)
            .collect();
        let _ = write!(
            out,
            "{}lines {}",
            if a.location.is_some() { "; " } else { "" },
            shown.join(", ")
        );
        if a.lines.len() > LINES_LISTED {
            let _ = write!(out, " and {} more", a.lines.len() - LINES_LISTED);
        }
    }
    out.push_str("</td><td>");
    if let Some(t) = &a.tool {
        let _ = write!(
            out,
            "{} {} (<a href=\"{}\">event {}</a>",
            esc(&t.name),
            code(t.version.as_deref().unwrap_or("version unknown")),
            href(&artifacts::link(a.artifact_seq, Some(t.event_seq))),
            t.event_seq
        );
        if let Some(r) = &t.stdout_ref {
            let _ = write!(out, ", <a href=\"../artifacts/{}\">stdout</a>", href(r));
        }
        if let Some(h) = &t.binary_hash {
            let _ = write!(out, ", binary {}", code(h));
        }
        match t.agreed {
            Some(true) => out.push_str(", cross-check agreed"),
            Some(false) => out.push_str(", <span class=\"bad\">cross-check DISAGREED</span>"),
            None => {}
        }
        out.push(')');
    }
    out.push_str("</td></tr>\n");
}

fn finding(out: &mut String, n: usize, f: &Finding) {
    let sev = f.severity.as_str();
    let _ = write!(
        out,
        "<section class=\"finding {sev}\" id=\"f{n}\">\n<h3>{n}. {} {}</h3>\n\
         <p class=\"muted\">id {} · rule {} · subject {} · {} artifact{}</p>\n<p>{}</p>\n",
        badge(f.severity),
        esc(&f.title),
        code(&f.id),
        code(&f.rule),
        code(&f.subject),
        f.artifact_count(),
        if f.artifact_count() == 1 { "" } else { "s" },
        esc(&f.detail)
    );
    if let Some(d) = &f.deadline {
        let dep = d
            .deprecated_after
            .map(|y| format!("deprecated after {y}, "))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "<p>Deadline ({}): {dep}disallowed after {}.</p>",
            esc(&d.baseline),
            d.disallowed_after
        );
    }
    out.push_str("<table>\n<tr><th>artifact</th><th>path</th><th>event</th><th>where</th><th>tool</th></tr>\n");
    for a in f.artifacts.iter().take(ARTIFACTS_LISTED) {
        artifact_row(out, a);
    }
    out.push_str("</table>\n");
    if f.artifact_count() > ARTIFACTS_LISTED {
        let _ = writeln!(
            out,
            "<p class=\"muted\">… and {} more artifacts (findings.json lists them all).</p>",
            f.artifact_count() - ARTIFACTS_LISTED
        );
    }
    out.push_str("</section>\n");
}

/// A count table, most first then by name (as report.md sorts them).
fn counts_table(out: &mut String, id: &str, title: &str, m: &BTreeMap<String, u64>, class: bool) {
    let _ = writeln!(out, "<h3 id=\"{id}\">{}</h3>", esc(title));
    if m.is_empty() {
        out.push_str("<p class=\"muted\">none</p>\n");
        return;
    }
    let mut v: Vec<_> = m.iter().collect();
    v.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    out.push_str("<table>\n<tr><th>value</th>");
    if class {
        out.push_str("<th>quantum-safety class</th>");
    }
    out.push_str("<th>jobs</th></tr>\n");
    for (k, n) in v {
        let _ = write!(out, "<tr><td>{}</td>", esc(k));
        if class {
            let _ = write!(out, "<td>{}</td>", QuantumClass::of(k).as_str());
        }
        let _ = writeln!(out, "<td class=\"n\">{n}</td></tr>");
    }
    out.push_str("</table>\n");
}

fn bars(m: &BTreeMap<String, u64>, color: &'static str) -> Vec<Bar> {
    let mut v: Vec<Bar> = m
        .iter()
        .map(|(k, n)| Bar {
            label: k.clone(),
            value: *n,
            color,
        })
        .collect();
    v.sort_by(|a, b| b.value.cmp(&a.value).then_with(|| a.label.cmp(&b.label)));
    svg::top(v)
}

fn severity_chart(findings: &Findings) -> String {
    let sev: Vec<Bar> = Severity::ALL
        .iter()
        .map(|s| Bar {
            label: s.as_str().into(),
            value: findings.counts.get(*s),
            color: severity_color(*s),
        })
        .collect();
    svg::bar_chart("chart-severity", "Findings by severity", "findings", &sev)
}

fn pictures(out: &mut String, report: &Report, pages: &Pages) {
    out.push_str("<div class=\"charts\" id=\"pictures\">\n");
    let classes: Vec<Bar> = by_class(&report.algorithms)
        .into_iter()
        .map(|(c, n)| Bar {
            label: c.as_str().into(),
            value: n,
            color: c.color(),
        })
        .collect();
    out.push_str(&svg::bar_chart(
        "chart-quantum",
        "Jobs by algorithm's quantum-safety class",
        "jobs",
        &classes,
    ));
    out.push('\n');
    out.push_str(&svg::bar_chart(
        "chart-labels",
        "Jobs by label",
        "jobs",
        &bars(&report.labels, "#4f46e5"),
    ));
    out.push('\n');
    out.push_str(&svg::bar_chart(
        "chart-failures",
        "Jobs by failure shape",
        "jobs",
        &bars(&report.failures, "#b91c1c"),
    ));
    out.push('\n');
    let ticks: Vec<(u64, String)> = (0..=8).map(|b| (b * 2, b.to_string())).collect();
    let ticks: Vec<(u64, &str)> = ticks.iter().map(|(a, s)| (*a, s.as_str())).collect();
    out.push_str(&svg::histogram(
        "chart-entropy",
        &format!(
            "Entropy of the artifacts ({} measured by fx-route)",
            pages.measured
        ),
        "Shannon entropy, bits per byte (bins of 0.5)",
        &pages.entropy,
        &ticks,
    ));
    out.push_str("\n</div>\n");
}

/// A value of the run, in HTML.
fn shown(v: &Shown) -> String {
    match v {
        Shown::Code(s) => code(s),
        Shown::Codes(v) => v.iter().map(|s| code(s)).collect::<Vec<_>>().join(", "),
        Shown::Text(t) => esc(t),
    }
}

fn the_run(out: &mut String, run: &RunDir, report: &Report, findings: &Findings) {
    let m = run.manifest();
    let inv = run.inventory();
    out.push_str("<h2 id=\"run\">The run</h2>\n<table>\n");
    let mut kv = |k: &str, v: String| {
        let _ = writeln!(out, "<tr><th>{}</th><td>{v}</td></tr>", esc(k));
    };
    for (k, v) in run_facts::identity(run) {
        kv(k, shown(&v));
    }
    kv(
        "quantum baseline",
        format!(
            "{} — {} ({})",
            code(&findings.baselines.quantum.name),
            esc(&findings.baselines.quantum.title),
            esc(&findings.baselines.quantum.rule)
        ),
    );
    kv("hash baseline", code(&findings.baselines.hash));
    kv("jobs", report.jobs.to_string());
    kv("events", report.events.to_string());
    kv("budgets hit", format!("{} jobs", report.budgets_hit));
    out.push_str("</table>\n");

    let policy = serde_json::to_string_pretty(&m.policy).unwrap_or_default();
    let _ = writeln!(
        out,
        "<details><summary>Policy values (hash {})</summary>\n<pre>{}</pre>\n</details>",
        code(&m.policy_hash),
        esc(&policy)
    );

    out.push_str("<h3 id=\"inputs\">Inputs</h3>\n<table>\n<tr><th>kind</th><th>path</th></tr>\n");
    for (kind, path) in run_facts::inputs(run) {
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}</td></tr>",
            esc(&kind),
            code(&path)
        );
    }
    out.push_str("</table>\n");

    out.push_str("<h3 id=\"tools\">Tool inventory (<code>manifests/tool_inventory.json</code>)</h3>\n<table>\n<tr><th>tool</th><th>status</th><th>version</th><th>sha256</th></tr>\n");
    for t in &inv.tools {
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&t.name),
            esc(&t.status),
            esc(t.version.as_deref().unwrap_or("")),
            t.sha256.as_deref().map(code).unwrap_or_default()
        );
    }
    out.push_str("</table>\n");
    if !inv.libraries.is_empty() {
        out.push_str("<table>\n<tr><th>linked library</th><th>version</th></tr>\n");
        for (k, v) in &inv.libraries {
            let _ = writeln!(out, "<tr><td>{}</td><td>{}</td></tr>", esc(k), esc(v));
        }
        out.push_str("</table>\n");
    }

    out.push_str("<h2 id=\"counts\">Counts</h2>\n");
    for t in run_facts::count_tables(report) {
        counts_table(out, t.id, t.title, t.counts, t.algorithms);
    }
    let _ = writeln!(
        out,
        "<h3 id=\"budgets\">Budgets hit</h3>\n<p>{} jobs hit a budget or cap.</p>",
        report.budgets_hit
    );
    out.push_str("<h3 id=\"modules\">Module outcomes</h3>\n<table>\n<tr><th>module</th><th>ok</th><th>error</th><th>skipped</th></tr>\n");
    for (module, [ok, error, skipped]) in run_facts::outcomes(report) {
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td class=\"n\">{ok}</td><td class=\"n\">{error}</td><td class=\"n\">{skipped}</td></tr>",
            esc(module)
        );
    }
    out.push_str("</table>\n");
}

/// Renders `report.html`.
pub fn render(run: &RunDir, report: &Report, findings: &Findings, pages: &Pages) -> String {
    let m = run.manifest();
    let mut out = page::head(&format!("fx report — run {}", m.run_id));
    let c = &findings.counts;
    let _ = writeln!(
        out,
        "<h1>fx report — run {}</h1>\n<p>{} artifacts, {} events; <strong>{} findings</strong>: \
         {} critical, {} high, {} medium, {} low, {} info. Case {}.</p>",
        code(&m.run_id),
        report.jobs,
        report.events,
        findings.findings.len(),
        c.critical,
        c.high,
        c.medium,
        c.low,
        c.info,
        code(&m.case)
    );
    out.push_str(
        "<nav><a href=\"#findings\">Findings</a><a href=\"#pictures\">Pictures</a>\
         <a href=\"#run\">The run</a><a href=\"#counts\">Counts</a><a href=\"#pages\">Artifact pages</a>\
         <a href=\"report.md\">report.md</a><a href=\"findings.json\">findings.json</a>\
         <a href=\"findings.sarif\">findings.sarif</a><a href=\"cbom.cdx.json\">cbom.cdx.json</a>\
         <a href=\"summary.json\">summary.json</a></nav>\n",
    );
    out.push_str("<h2 id=\"findings\">Findings</h2>\n<div class=\"charts\">");
    out.push_str(&severity_chart(findings));
    out.push_str("</div>\n");
    if findings.findings.is_empty() {
        out.push_str("<p>No findings.</p>\n");
    }
    for (i, f) in findings.findings.iter().enumerate() {
        finding(&mut out, i + 1, f);
    }
    out.push_str("<h2>Pictures</h2>\n");
    pictures(&mut out, report, pages);
    the_run(&mut out, run, report, findings);
    let _ = writeln!(
        out,
        "<h2 id=\"pages\">Artifact pages</h2>\n<p>{} artifacts on {} pages of at most {} each.</p>\n<ul>",
        pages.pages.iter().map(|p| p.artifacts).sum::<u64>(),
        pages.pages.len(),
        artifacts::PAGE_SIZE
    );
    for p in &pages.pages {
        let _ = writeln!(
            out,
            "<li><a href=\"{}/{}\">page {}</a>: artifacts {} to {} ({})</li>",
            artifacts::DIR,
            artifacts::page_file(p.page),
            p.page,
            p.first,
            p.last,
            p.artifacts
        );
    }
    out.push_str("</ul>\n");
    out.push_str(page::FOOT);
    out
}
