//! One finding per (kind, subject): hits from every job are merged into the
//! finding of their subject, each artifact listed once per event, and the
//! findings ranked by severity then id.

use std::collections::BTreeMap;

use fx_core::job::Job;

use super::quantum::Deadline;
use super::rules::{FindingKind, Rule};
use super::{ArtifactRef, Finding, ToolProvenance, display_text};

/// What one detector saw in one job: a rule that applies to a subject, and
/// the event behind it.
#[derive(Clone, Debug)]
pub(crate) struct Hit {
    /// The rule (gives kind and severity).
    pub rule: &'static Rule,
    /// What the finding is about; hits with the same kind and subject are
    /// one finding.
    pub subject: String,
    /// One line for people (depends on the subject only).
    pub title: String,
    /// Why it matters (depends on the subject only).
    pub detail: String,
    /// The deadline of a quantum-vulnerable key.
    pub deadline: Option<Deadline>,
    /// Index of the event within its job.
    pub event_index: usize,
    /// Where in the artifact.
    pub location: Option<String>,
    /// Lines of a text artifact.
    pub lines: Vec<u64>,
    /// Whether the module's cross-check with an external tool agreed with
    /// its own parse, when one ran on this artifact.
    pub agreed: Option<bool>,
}

#[derive(Debug)]
struct Group {
    rule: &'static Rule,
    subject: String,
    title: String,
    detail: String,
    deadline: Option<Deadline>,
    /// By (artifact_seq, event_seq, location).
    artifacts: BTreeMap<(u64, u64, String), ArtifactRef>,
}

/// The findings being grouped.
#[derive(Debug, Default)]
pub(crate) struct Groups {
    by_key: BTreeMap<(FindingKind, String), Group>,
}

impl Groups {
    /// Adds a hit of `job`.
    pub fn add(&mut self, job: &Job, hit: Hit) {
        let Some(event) = job.events.get(hit.event_index) else {
            return;
        };
        let artifact = &job.artifact;
        let event_seq = event.event_seq.unwrap_or(hit.event_index as u64);
        let location = hit.location.clone().unwrap_or_default();
        let group = self
            .by_key
            .entry((hit.rule.kind, hit.subject.clone()))
            .or_insert_with(|| Group {
                rule: hit.rule,
                subject: hit.subject.clone(),
                title: hit.title.clone(),
                detail: hit.detail.clone(),
                deadline: hit.deadline.clone(),
                artifacts: BTreeMap::new(),
            });
        if hit.rule.severity < group.rule.severity {
            // Subjects are chosen so that one subject has one rule; should two
            // rules meet, the more severe one stands.
            group.rule = hit.rule;
            group.title = hit.title.clone();
            group.detail = hit.detail.clone();
        }
        let key = (artifact.artifact_seq, event_seq, location);
        let entry = group.artifacts.entry(key).or_insert_with(|| ArtifactRef {
            artifact_seq: artifact.artifact_seq,
            artifact_id: artifact.artifact_id.clone(),
            artifact_hash: artifact.artifact_hash.clone(),
            path: artifact.intake.path.clone(),
            path_display: display_text(&artifact.intake.path),
            event_seq,
            module: event.module.clone(),
            step: event.step.clone(),
            location: hit.location.clone(),
            lines: Vec::new(),
            tool: tool_of(job, hit.event_index, hit.agreed),
        });
        for l in hit.lines {
            if let Err(at) = entry.lines.binary_search(&l) {
                entry.lines.insert(at, l);
            }
        }
    }

    /// The findings, most severe first, then by id.
    pub fn finish(self) -> Vec<Finding> {
        let mut out: Vec<Finding> = self
            .by_key
            .into_values()
            .map(|g| Finding {
                id: format!("{}/{}", g.rule.kind, slug(&g.subject)),
                kind: g.rule.kind,
                rule: g.rule.id.to_owned(),
                severity: g.rule.severity,
                subject: g.subject,
                title: g.title,
                detail: g.detail,
                deadline: g.deadline,
                artifacts: g.artifacts.into_values().collect(),
            })
            .collect();
        out.sort_by(|a, b| a.severity.cmp(&b.severity).then_with(|| a.id.cmp(&b.id)));
        out
    }
}

/// A subject made safe for ids and file names: ASCII letters, digits and
/// `.+-_` kept, runs of anything else become one `-`.
pub(crate) fn slug(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_ascii_alphanumeric() || matches!(c, '.' | '+' | '_') {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_owned()
}

/// The tool run behind the event at `index`: the event's own tool record,
/// else the first tool run of the same module on this artifact, with the
/// module's cross-check verdict.
fn tool_of(job: &Job, index: usize, agreed: Option<bool>) -> Option<ToolProvenance> {
    let event = job.events.get(index)?;
    let (at, tool_event) = if event.tool.is_some() {
        (index, event)
    } else {
        job.events
            .iter()
            .enumerate()
            .find(|(_, e)| e.module == event.module && e.tool.is_some())?
    };
    let tool = tool_event.tool.as_ref()?;
    Some(ToolProvenance {
        event_seq: tool_event.event_seq.unwrap_or(at as u64),
        step: tool_event.step.clone(),
        name: tool.name.clone(),
        version: tool.version.clone(),
        binary_hash: tool.binary_hash.clone(),
        stdout_ref: tool.stdout.as_ref().map(|s| s.blob_ref.clone()),
        agreed,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(slug("RSA-2048"), "RSA-2048");
        assert_eq!(
            slug("bcrypt: cost_below_baseline"),
            "bcrypt-cost_below_baseline"
        );
        assert_eq!(slug("EC P-256 (parsed)"), "EC-P-256-parsed");
    }
}
