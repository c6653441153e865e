//! Where the diff goes: [`JsonSink`] streams the `diff/1` document, one
//! artifact per line inside its `artifacts` array; [`TextSink`] writes a
//! bounded, readable page. Both take the records in the order the diff
//! finds them and hold none of them.

use std::io::Write;

use crate::error::{DiffError, Result};
use crate::record::{ArtifactDiff, Cause, EventChange, Header, Totals, ValueChange, cut, show};

/// Receives the diff as it is made.
pub trait Sink {
    /// The runs and their context, first.
    fn header(&mut self, header: &Header) -> Result<()>;
    /// One artifact that differs.
    fn artifact(&mut self, artifact: &ArtifactDiff) -> Result<()>;
    /// The totals, last.
    fn finish(&mut self, totals: &Totals) -> Result<()>;
}

fn w(e: std::io::Error) -> DiffError {
    DiffError::Write(e)
}

fn json(v: &impl serde::Serialize) -> Result<String> {
    serde_json::to_string(v).map_err(|e| DiffError::Write(std::io::Error::other(e)))
}

/// The `--json` output.
pub struct JsonSink<W: Write> {
    out: W,
    first: bool,
}

impl<W: Write> JsonSink<W> {
    /// Writes to `out`.
    pub fn new(out: W) -> JsonSink<W> {
        JsonSink { out, first: true }
    }
}

impl<W: Write> Sink for JsonSink<W> {
    fn header(&mut self, h: &Header) -> Result<()> {
        write!(
            self.out,
            "{{\"fx\":{},\"a\":{},\"b\":{},\"context\":{},\"findings\":{},\"artifacts\":[",
            json(&h.fx)?,
            json(&h.a)?,
            json(&h.b)?,
            json(&h.context)?,
            json(&h.findings)?
        )
        .map_err(w)
    }

    fn artifact(&mut self, a: &ArtifactDiff) -> Result<()> {
        let sep = if self.first { "\n" } else { ",\n" };
        self.first = false;
        write!(self.out, "{sep}{}", json(a)?).map_err(w)
    }

    fn finish(&mut self, t: &Totals) -> Result<()> {
        let sep = if self.first { "" } else { "\n" };
        writeln!(self.out, "{sep}],\"totals\":{}}}", json(t)?).map_err(w)?;
        self.out.flush().map_err(w)
    }
}

/// The text output: context, then each differing artifact with at most
/// `max_changes` event changes (and a count of the rest), at most
/// `max_artifacts` artifacts, then the totals.
pub struct TextSink<W: Write> {
    out: W,
    max_changes: usize,
    max_artifacts: u64,
    shown: u64,
    hidden: u64,
}

/// Fields shown under each changed event in the text output.
const FIELDS_SHOWN: usize = 3;

impl<W: Write> TextSink<W> {
    /// Writes to `out` with the given bounds.
    pub fn new(out: W, max_changes: usize, max_artifacts: u64) -> TextSink<W> {
        TextSink {
            out,
            max_changes,
            max_artifacts,
            shown: 0,
            hidden: 0,
        }
    }

    fn changes(&mut self, title: &str, list: &[ValueChange]) -> Result<()> {
        match list {
            [] => writeln!(self.out, "  {title:<14} same").map_err(w),
            [first, rest @ ..] => {
                writeln!(self.out, "  {title:<14} {}", arrow(first)).map_err(w)?;
                for c in rest {
                    writeln!(self.out, "  {:<14} {}", "", arrow(c)).map_err(w)?;
                }
                Ok(())
            }
        }
    }
}

fn arrow(c: &ValueChange) -> String {
    format!(
        "{}: {} → {}",
        c.key,
        c.a.as_deref().unwrap_or("(none)"),
        c.b.as_deref().unwrap_or("(none)")
    )
}

fn short(s: Option<&str>) -> String {
    s.map_or_else(|| "(none)".to_owned(), |s| cut(s, 64))
}

/// One cause in words.
pub fn describe(c: &Cause) -> String {
    let via = |v: &Option<String>| {
        v.as_ref()
            .map(|m| format!(" (via {m})"))
            .unwrap_or_default()
    };
    match c {
        Cause::Tool {
            tool,
            a,
            b,
            flake_inputs,
            via: v,
        } => {
            let flake = match flake_inputs.is_empty() {
                true => String::new(),
                false => format!(" (flake input {} moved)", flake_inputs.join(", ")),
            };
            format!(
                "tool {tool} changed: {} → {}{flake}{}",
                short(a.as_deref()),
                short(b.as_deref()),
                via(v)
            )
        }
        Cause::Policy { keys, via: v } => format!("policy {}{}", keys.join(", "), via(v)),
        Cause::FxBuild { a, b } => format!(
            "fx build changed: {} → {}",
            short(a.as_deref()),
            short(b.as_deref())
        ),
        Cause::Unexplained => "unexplained".to_owned(),
    }
}

fn event_line(e: &EventChange) -> String {
    let status = match (&e.a_status, &e.b_status) {
        (Some(a), Some(b)) if a != b => format!(" {a} → {b}"),
        _ => String::new(),
    };
    let occurrence = match e.occurrence {
        0 => String::new(),
        n => format!("#{n}"),
    };
    let causes: Vec<String> = e.causes.iter().map(describe).collect();
    format!(
        "{:<8} {}/{}{occurrence}{status}  ← {}",
        e.change,
        e.module,
        e.step,
        causes.join("; ")
    )
}

impl<W: Write> Sink for TextSink<W> {
    fn header(&mut self, h: &Header) -> Result<()> {
        writeln!(self.out, "fx-diff  A {} (run {})", h.a.path, h.a.run_id).map_err(w)?;
        writeln!(self.out, "         B {} (run {})", h.b.path, h.b.run_id).map_err(w)?;
        writeln!(self.out, "\ncontext").map_err(w)?;
        let c = &h.context;
        self.changes("policy", &c.policy)?;
        self.changes("tools", &c.tools)?;
        self.changes("libraries", &c.libraries)?;
        self.changes("toolchain", c.toolchain_hash.as_slice())?;
        let f = &c.flake_lock;
        let lock = match (&f.a_sha256, &f.b_sha256) {
            (None, None) => "not made from the flake".to_owned(),
            (a, b) if a == b => "same".to_owned(),
            (a, b) if c.flake_lock.inputs.is_empty() => format!(
                "{} → {} (content recorded: {})",
                short(a.as_deref()),
                short(b.as_deref()),
                f.content_recorded
            ),
            _ => String::new(),
        };
        if lock.is_empty() {
            for (i, m) in f.inputs.iter().enumerate() {
                let title = if i == 0 { "flake.lock" } else { "" };
                writeln!(
                    self.out,
                    "  {title:<14} {} {}: {} → {}",
                    m.input,
                    m.change,
                    m.from_rev.as_deref().unwrap_or("(none)"),
                    m.to_rev.as_deref().unwrap_or("(none)")
                )
                .map_err(w)?;
                for fc in &m.fields {
                    writeln!(self.out, "  {:<14}   {}", "", arrow(fc)).map_err(w)?;
                }
            }
        } else {
            writeln!(self.out, "  {:<14} {lock}", "flake.lock").map_err(w)?;
        }
        self.changes("fx build", &c.fx_build)?;
        let f = &h.findings;
        writeln!(
            self.out,
            "  {:<14} per artifact {}; run {}",
            "findings", f.per_artifact, f.run
        )
        .map_err(w)?;
        for t in &f.changes {
            writeln!(
                self.out,
                "  {:<14} [{}] {}: {} → {} artifacts",
                "", t.severity, t.title, t.a_artifacts, t.b_artifacts
            )
            .map_err(w)?;
        }
        writeln!(self.out, "\nevidence").map_err(w)
    }

    fn artifact(&mut self, a: &ArtifactDiff) -> Result<()> {
        if self.shown >= self.max_artifacts {
            self.hidden += 1;
            return Ok(());
        }
        self.shown += 1;
        let path = match &a.path {
            serde_json::Value::String(s) => s.clone(),
            other => show(other),
        };
        let seqs = match (a.a_seq, a.b_seq) {
            (Some(x), Some(y)) => format!("A #{x}, B #{y}"),
            (Some(x), None) => format!("A #{x}"),
            (None, Some(y)) => format!("B #{y}"),
            (None, None) => String::new(),
        };
        writeln!(
            self.out,
            "{:<8} {path}  {}  ({seqs})",
            a.change,
            a.artifact_hash
                .as_deref()
                .map_or("(unread)".into(), |h| cut(h, 19))
        )
        .map_err(w)?;
        for r in &a.record {
            writeln!(self.out, "  record   {}", arrow(r)).map_err(w)?;
        }
        for e in a.events.iter().take(self.max_changes) {
            writeln!(self.out, "  {}", event_line(e)).map_err(w)?;
            for f in e.fields.iter().take(FIELDS_SHOWN) {
                writeln!(self.out, "             {}", arrow(f)).map_err(w)?;
            }
            let more = e.fields_total.saturating_sub(FIELDS_SHOWN as u64);
            if more > 0 {
                writeln!(self.out, "             … {more} more fields").map_err(w)?;
            }
        }
        if a.events.len() > self.max_changes {
            writeln!(
                self.out,
                "  … {} more event changes",
                a.events.len() - self.max_changes
            )
            .map_err(w)?;
        }
        for f in &a.findings {
            let sign = if f.change == "appeared" { '+' } else { '-' };
            writeln!(self.out, "  finding    {sign}[{}] {}", f.severity, f.title).map_err(w)?;
        }
        for c in &a.conclusions {
            let mut parts: Vec<String> = c.disappeared.iter().map(|v| format!("-{v}")).collect();
            parts.extend(c.appeared.iter().map(|v| format!("+{v}")));
            writeln!(self.out, "  conclusion {}: {}", c.field, parts.join(" ")).map_err(w)?;
        }
        Ok(())
    }

    fn finish(&mut self, t: &Totals) -> Result<()> {
        if self.hidden > 0 {
            writeln!(
                self.out,
                "… {} more artifacts differ (--max-artifacts, or --json for all)",
                self.hidden
            )
            .map_err(w)?;
        }
        writeln!(
            self.out,
            "\nartifacts  A {}, B {}: {} identical, {} changed, {} added, {} removed",
            t.artifacts_a, t.artifacts_b, t.identical, t.changed, t.added, t.removed
        )
        .map_err(w)?;
        for (m, counts) in &t.modules {
            let parts: Vec<String> = counts.iter().map(|(k, n)| format!("{n} {k}")).collect();
            writeln!(self.out, "  {m:<12} events {}", parts.join(", ")).map_err(w)?;
        }
        if !t.causes.is_empty() {
            let parts: Vec<String> = t.causes.iter().map(|(k, n)| format!("{k} {n}")).collect();
            writeln!(self.out, "causes     {}", parts.join(", ")).map_err(w)?;
        }
        if t.findings_appeared + t.findings_disappeared > 0 {
            writeln!(
                self.out,
                "findings   {} appeared, {} disappeared (per artifact)",
                t.findings_appeared, t.findings_disappeared
            )
            .map_err(w)?;
        }
        writeln!(self.out, "evidence   {}", t.evidence).map_err(w)?;
        self.out.flush().map_err(w)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{ArtifactDiff, EventChange, Totals};

    fn artifact(events: usize) -> ArtifactDiff {
        ArtifactDiff {
            change: "changed",
            path: serde_json::Value::String("p".into()),
            artifact_hash: None,
            a_seq: Some(1),
            b_seq: Some(2),
            record: Vec::new(),
            events: (0..events)
                .map(|i| EventChange {
                    change: "changed",
                    module: "probe".into(),
                    step: format!("s{i}"),
                    occurrence: 0,
                    a_status: None,
                    b_status: None,
                    fields: (0..5)
                        .map(|f| ValueChange::of_str(format!("/data/{f}"), Some("x"), Some("y")))
                        .collect(),
                    fields_total: 7,
                    causes: vec![Cause::Unexplained],
                })
                .collect(),
            conclusions: Vec::new(),
            findings: Vec::new(),
        }
    }

    #[test]
    fn the_text_is_bounded_and_counts_the_rest() {
        let mut out = Vec::new();
        let mut sink = TextSink::new(&mut out, 2, 1);
        sink.artifact(&artifact(5)).expect("written");
        sink.artifact(&artifact(1)).expect("written");
        sink.artifact(&artifact(1)).expect("written");
        sink.finish(&Totals::default()).expect("written");
        let text = String::from_utf8(out).expect("utf-8");
        assert_eq!(text.matches("changed  probe/").count(), 2, "{text}");
        assert_eq!(
            text.matches("             /data/").count(),
            2 * FIELDS_SHOWN,
            "{text}"
        );
        assert_eq!(text.matches("… 4 more fields").count(), 2, "{text}");
        assert!(text.contains("  … 3 more event changes\n"), "{text}");
        assert!(text.contains("… 2 more artifacts differ"), "{text}");
        assert!(text.contains("← unexplained"), "{text}");
    }
}
