//! One finding per (kind, subject): hits from every job are merged into the
//! finding of their subject, each artifact listed once per event, and the
//! findings ranked by severity then id.
//!
//! In memory, each finding's artifacts are a map. Spilling
//! ([`Groups::spilling`]), they go through an on-disk sort instead
//! ([`crate::spill`]), keyed the same way, and come back as one list per
//! finding in a temporary file: the map of findings stays in memory (one
//! entry per subject), their artifact lists do not.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use fx_core::job::Job;
use serde::{Deserialize, Serialize};

use super::quantum::Deadline;
use super::rules::{FindingKind, Rule};
use super::{ARTIFACTS_KEPT, ArtifactRef, Finding, SpilledList, ToolProvenance, display_text};
use crate::spill::{self, Sorter, StoreWriter};

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
    /// Its number, in order of first hit (the spilled records name it).
    index: u32,
    rule: &'static Rule,
    subject: String,
    title: String,
    detail: String,
    deadline: Option<Deadline>,
    /// By (artifact_seq, event_seq, location).
    artifacts: BTreeMap<(u64, u64, String), ArtifactRef>,
}

/// A finding's artifact on its way through the on-disk sort: ordered by
/// finding, then by the in-memory map's key (artifact, event, location)
/// only, so that two hits on the same key meet and merge.
#[derive(Debug, Serialize, Deserialize)]
struct Record {
    group: u32,
    key: (u64, u64, String),
    artifact: ArtifactRef,
}

impl PartialEq for Record {
    fn eq(&self, o: &Record) -> bool {
        (self.group, &self.key) == (o.group, &o.key)
    }
}

impl Eq for Record {}

impl PartialOrd for Record {
    fn partial_cmp(&self, o: &Record) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}

impl Ord for Record {
    fn cmp(&self, o: &Record) -> std::cmp::Ordering {
        (self.group, &self.key).cmp(&(o.group, &o.key))
    }
}

/// Where the artifact lists are spilled, and the first error spilling them.
struct Spill {
    dir: std::path::PathBuf,
    sorter: Sorter<Record>,
    error: Option<std::io::Error>,
}

impl std::fmt::Debug for Spill {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Spill")
            .field("dir", &self.dir)
            .finish_non_exhaustive()
    }
}

/// The findings being grouped.
#[derive(Debug, Default)]
pub(crate) struct Groups {
    by_key: BTreeMap<(FindingKind, String), Group>,
    spill: Option<Spill>,
}

/// Merges the lines of a repeated hit into the entry already listed.
fn merge_lines(into: &mut Vec<u64>, lines: impl IntoIterator<Item = u64>) {
    for l in lines {
        if let Err(at) = into.binary_search(&l) {
            into.insert(at, l);
        }
    }
}

impl Groups {
    /// Groups whose artifact lists are sorted on disk, `batch` records at a
    /// time, in unnamed temporary files in `dir`, instead of held in memory.
    pub fn spilling(dir: &Path, batch: usize) -> Groups {
        Groups {
            by_key: BTreeMap::new(),
            spill: Some(Spill {
                dir: dir.to_owned(),
                sorter: Sorter::new(dir, batch),
                error: None,
            }),
        }
    }

    /// Adds a hit of `job`.
    pub fn add(&mut self, job: &Job, hit: Hit) {
        let Some(event) = job.events.get(hit.event_index) else {
            return;
        };
        let artifact = &job.artifact;
        let event_seq = event.event_seq.unwrap_or(hit.event_index as u64);
        let location = hit.location.clone().unwrap_or_default();
        let next = self.by_key.len() as u32;
        let group = self
            .by_key
            .entry((hit.rule.kind, hit.subject.clone()))
            .or_insert_with(|| Group {
                index: next,
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
        let make = || ArtifactRef {
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
        };
        if let Some(spill) = &mut self.spill {
            if spill.error.is_some() {
                return;
            }
            let mut artifact = make();
            merge_lines(&mut artifact.lines, hit.lines);
            let record = Record {
                group: group.index,
                key,
                artifact,
            };
            if let Err(e) = spill.sorter.push(record) {
                spill.error = Some(e);
            }
            return;
        }
        let entry = group.artifacts.entry(key).or_insert_with(make);
        merge_lines(&mut entry.lines, hit.lines);
    }

    /// The findings, most severe first, then by id; spilling, each with its
    /// first [`ARTIFACTS_KEPT`] artifacts in memory and all of them in a
    /// temporary file ([`Finding::artifacts_stream`]).
    pub fn try_finish(mut self) -> std::io::Result<Vec<Finding>> {
        let Some(spill) = self.spill.take() else {
            return Ok(self.finish());
        };
        if let Some(e) = spill.error {
            return Err(e);
        }
        // The sorted records, hits on the same key merged, into one list per
        // group (groups are numbered 0.. and every group has a record).
        let n = self.by_key.len();
        let mut lists = vec![spill::Range::default(); n];
        let mut heads: Vec<Vec<ArtifactRef>> = vec![Vec::new(); n];
        let mut out = StoreWriter::new(&spill.dir)?;
        let mut open: Option<Record> = None;
        let mut put = |r: Record, out: &mut StoreWriter| -> std::io::Result<()> {
            out.push(&r.artifact)?;
            let head = &mut heads[r.group as usize];
            if head.len() < ARTIFACTS_KEPT {
                head.push(r.artifact);
            }
            Ok(())
        };
        for r in spill.sorter.finish()? {
            let r = r?;
            if let Some(o) = open.as_mut().filter(|o| **o == r) {
                merge_lines(&mut o.artifact.lines, r.artifact.lines);
                continue;
            }
            let group = r.group;
            if let Some(o) = open.replace(r) {
                let ended = o.group;
                put(o, &mut out)?;
                if ended != group {
                    lists[ended as usize] = out.end_list();
                }
            }
        }
        if let Some(o) = open {
            let group = o.group;
            put(o, &mut out)?;
            lists[group as usize] = out.end_list();
        }
        let store = Arc::new(out.finish()?);
        let mut findings = Vec::with_capacity(n);
        for (index, mut f) in self.ranked() {
            f.artifacts = std::mem::take(&mut heads[index as usize]);
            f.spilled = Some(SpilledList {
                store: Arc::clone(&store),
                range: lists[index as usize],
            });
            findings.push(f);
        }
        Ok(findings)
    }

    /// The findings, most severe first, then by id.
    pub fn finish(self) -> Vec<Finding> {
        self.ranked().into_iter().map(|(_, f)| f).collect()
    }

    /// The findings with their group numbers, most severe first, then by id.
    fn ranked(self) -> Vec<(u32, Finding)> {
        let mut out: Vec<(u32, Finding)> = self
            .by_key
            .into_values()
            .map(|g| {
                (
                    g.index,
                    Finding {
                        id: format!("{}/{}", g.rule.kind, slug(&g.subject)),
                        kind: g.rule.kind,
                        rule: g.rule.id.to_owned(),
                        severity: g.rule.severity,
                        subject: g.subject,
                        title: g.title,
                        detail: g.detail,
                        deadline: g.deadline,
                        artifacts: g.artifacts.into_values().collect(),
                        spilled: None,
                    },
                )
            })
            .collect();
        out.sort_by(|(_, a), (_, b)| a.severity.cmp(&b.severity).then_with(|| a.id.cmp(&b.id)));
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
