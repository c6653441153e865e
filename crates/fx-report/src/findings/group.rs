//! One finding per (kind, subject): hits from every job are merged into the
//! finding of their subject, each artifact listed once per event, and the
//! findings ranked by severity then id.
//!
//! Each hit's artifact is a record for a sort ([`crate::spill`]) by finding,
//! then (artifact, event, location); the sorted records, hits on the same
//! key merged, are each finding's list. Held in memory ([`Groups::default`])
//! the lists stay there; spilling ([`Groups::spilling`]) the sort runs on
//! disk and the lists come back as one per finding in a temporary file: the
//! map of findings stays in memory (one entry per subject), their artifact
//! lists do not.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use fx_core::job::Job;
use serde::{Deserialize, Serialize};

use super::quantum::Deadline;
use super::rules::{FindingKind, Rule};
use super::{ARTIFACTS_KEPT, ArtifactRef, Finding, SpilledList, ToolProvenance, display_text};
use crate::spill::{Range, Sorter, StoreWriter};

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
}

/// A finding's artifact on its way through the sort: ordered by finding,
/// then by [`Record::key`] only, so that two hits on the same key meet and
/// merge.
#[derive(Debug, Serialize, Deserialize)]
struct Record {
    group: u32,
    artifact: ArtifactRef,
}

impl Record {
    /// Finding, artifact, event, location (none the same as empty).
    fn key(&self) -> (u32, u64, u64, &str) {
        let a = &self.artifact;
        (
            self.group,
            a.artifact_seq,
            a.event_seq,
            a.location.as_deref().unwrap_or_default(),
        )
    }
}

impl PartialEq for Record {
    fn eq(&self, o: &Record) -> bool {
        self.key() == o.key()
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
        self.key().cmp(&o.key())
    }
}

/// The findings being grouped.
#[derive(Debug)]
pub(crate) struct Groups {
    by_key: BTreeMap<(FindingKind, String), Group>,
    /// Every hit's artifact.
    records: Sorter<Record>,
    /// Where the sorted lists are written, when spilling.
    dir: Option<PathBuf>,
    /// The first error spilling the records (none are taken after it).
    error: Option<std::io::Error>,
}

impl Default for Groups {
    /// Groups whose records are sorted, and lists kept, in memory.
    fn default() -> Groups {
        Groups {
            by_key: BTreeMap::new(),
            records: Sorter::in_memory(),
            dir: None,
            error: None,
        }
    }
}

/// The artifact lists being made from the sorted records: in memory, or
/// in a temporary file with each list's first [`ARTIFACTS_KEPT`] in memory.
struct Lists {
    kept: Vec<Vec<ArtifactRef>>,
    ranges: Vec<Range>,
    store: Option<StoreWriter>,
    current: Option<u32>,
}

impl Lists {
    /// Appends an artifact to its group's list (groups come one after the
    /// other).
    fn put(&mut self, r: Record) -> std::io::Result<()> {
        if self.current != Some(r.group) {
            self.end();
            self.current = Some(r.group);
        }
        let kept = &mut self.kept[r.group as usize];
        match &mut self.store {
            None => kept.push(r.artifact),
            Some(w) => {
                w.push(&r.artifact)?;
                if kept.len() < ARTIFACTS_KEPT {
                    kept.push(r.artifact);
                }
            }
        }
        Ok(())
    }

    /// Ends the list of the group being written.
    fn end(&mut self) {
        if let (Some(g), Some(w)) = (self.current, &mut self.store) {
            self.ranges[g as usize] = w.end_list();
        }
    }
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
            records: Sorter::new(dir, batch),
            dir: Some(dir.to_owned()),
            error: None,
        }
    }

    /// Adds a hit of `job`.
    pub fn add(&mut self, job: &Job, hit: Hit) {
        let Some(event) = job.events.get(hit.event_index) else {
            return;
        };
        let artifact = &job.artifact;
        let event_seq = event.event_seq.unwrap_or(hit.event_index as u64);
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
            });
        if hit.rule.severity < group.rule.severity {
            // Subjects are chosen so that one subject has one rule; should two
            // rules meet, the more severe one stands.
            group.rule = hit.rule;
            group.title = hit.title.clone();
            group.detail = hit.detail.clone();
        }
        let mut artifact = ArtifactRef {
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
        merge_lines(&mut artifact.lines, hit.lines);
        let record = Record {
            group: group.index,
            artifact,
        };
        if let Err(e) = self.records.push(record) {
            self.error = Some(e);
        }
    }

    /// The findings, most severe first, then by id; spilling, each with its
    /// first [`ARTIFACTS_KEPT`] artifacts in memory and all of them in a
    /// temporary file ([`Finding::artifacts_stream`]). Fails only when
    /// spilling: the records could not be written to disk or read back.
    pub fn try_finish(mut self) -> std::io::Result<Vec<Finding>> {
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        // The sorted records, hits on the same key merged, into one list per
        // group (groups are numbered 0.. and every group has a record).
        let n = self.by_key.len();
        let mut lists = Lists {
            kept: vec![Vec::new(); n],
            ranges: vec![Range::default(); n],
            store: self.dir.as_deref().map(StoreWriter::new).transpose()?,
            current: None,
        };
        let mut open: Option<Record> = None;
        for r in std::mem::replace(&mut self.records, Sorter::in_memory()).finish()? {
            let r = r?;
            match open.as_mut() {
                Some(o) if *o == r => merge_lines(&mut o.artifact.lines, r.artifact.lines),
                _ => {
                    if let Some(o) = open.replace(r) {
                        lists.put(o)?;
                    }
                }
            }
        }
        if let Some(o) = open {
            lists.put(o)?;
        }
        lists.end();
        let store = lists
            .store
            .map(StoreWriter::finish)
            .transpose()?
            .map(Arc::new);
        let mut findings = Vec::with_capacity(n);
        for (index, mut f) in self.ranked() {
            f.artifacts = std::mem::take(&mut lists.kept[index as usize]);
            f.spilled = store.as_ref().map(|store| SpilledList {
                store: Arc::clone(store),
                range: lists.ranges[index as usize],
            });
            findings.push(f);
        }
        Ok(findings)
    }

    /// The findings of groups held in memory ([`Groups::default`]), most
    /// severe first, then by id.
    pub fn finish(self) -> Vec<Finding> {
        debug_assert!(self.dir.is_none(), "finish() of spilling groups");
        // In memory nothing is written or read back, so nothing can fail.
        self.try_finish().unwrap_or_default()
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
                        artifacts: Vec::new(),
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
