//! # Findings: what in a run needs attention, ranked
//!
//! [`build`] reads the sequenced jobs of a run (`RUN/telemetry/jobs.jsonl`),
//! takes each job's typed facts ([`fx_facts::JobFacts`]) and applies the
//! rule table ([`rules::RULES`]): weak hash/KDF parameters, deprecated or
//! broken algorithms, quantum-vulnerable public keys with the deadline of
//! the policy's baseline ([`quantum`]), post-quantum material and whether it
//! verified, crypto libraries in binaries, TLS clients and the groups they
//! offered. Hits are grouped into one [`Finding`] per (kind, subject) naming
//! every artifact behind it, each with the event that says so, and ranked by
//! severity then id. The result is deterministic: same evidence, same bytes.
//!
//! Writers: [`FINDINGS_FILE`] (JSON, `schemas/findings.schema.json`),
//! [`sarif`] (SARIF 2.1.0) and [`markdown`] (`report.md`). An HTML renderer
//! reads the same [`Findings`].

mod detect;
mod group;
mod json_file;
pub mod markdown;
pub mod quantum;
pub mod rules;
pub mod sarif;
pub mod severity;
pub mod tls_suites;
mod weak_key;

use std::borrow::Cow;
use std::path::Path;
use std::sync::Arc;

use anyhow::Context as _;
use fx_core::Text;
use fx_core::job::Job;
use fx_core::jsonl::JsonlReader;
use fx_core::run::RunDir;
use serde::{Deserialize, Serialize};

pub use quantum::{Deadline, QuantumBaseline};
pub use rules::{FindingKind, RULES, Rule};
pub use severity::{Severity, SeverityCounts};

/// Format tag of `findings.json`.
pub const FORMAT: &str = "findings/1";
/// `findings.json`, relative to the run directory.
pub const FINDINGS_FILE: &str = "reports/findings.json";
/// `findings.sarif`, relative to the run directory.
pub const SARIF_FILE: &str = "reports/findings.sarif";
/// `report.md`, relative to the run directory.
pub const MARKDOWN_FILE: &str = "reports/report.md";
/// The sequenced job lines, relative to the run directory.
pub const JOBS_FILE: &str = "telemetry/jobs.jsonl";
/// Artifacts of a finding kept in memory when its list is spilled to disk
/// ([`SpillingBuilder`]): the ones `report.md` and `report.html` list.
pub const ARTIFACTS_KEPT: usize = markdown::ARTIFACTS_LISTED;

/// Everything the findings engine concluded about a run
/// (`RUN/reports/findings.json`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Findings {
    /// Format tag, `findings/1`.
    pub fx: String,
    /// The run.
    pub run_id: String,
    /// Case named at ingest.
    pub case: String,
    /// Tenants of the run.
    pub tenants: Vec<String>,
    /// `sha256:` of the run's policy.
    pub policy_hash: String,
    /// The baselines the findings were judged against.
    pub baselines: Baselines,
    /// Jobs read.
    pub jobs: u64,
    /// Findings per severity.
    pub counts: SeverityCounts,
    /// The findings, most severe first, then by id.
    pub findings: Vec<Finding>,
}

/// The baselines of a run's policy.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baselines {
    /// `policy.report.quantum_baseline`: name, title, URL and its rule.
    pub quantum: BaselineRef,
    /// `policy.probe.hash_baseline` (the hash audit names and cites it in
    /// its events).
    pub hash: String,
}

/// A cited baseline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BaselineRef {
    /// Policy name.
    pub name: String,
    /// Title of the source document.
    pub title: String,
    /// Where it is published.
    pub url: String,
    /// What its dates mean.
    pub rule: String,
}

/// One finding: one (kind, subject) with every artifact behind it.
///
/// Serialized, `artifacts` is the whole list, read back from disk for a
/// finding whose list was spilled.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Finding {
    /// Stable id, `kind/subject` (subject made filename-safe).
    pub id: String,
    /// The kind (the SARIF rule).
    pub kind: FindingKind,
    /// The rule of [`RULES`] that raised it.
    pub rule: String,
    /// Its severity (the rule's).
    pub severity: Severity,
    /// What it is about (`RSA-2048`, `bcrypt: cost_below_baseline`, a JA4).
    pub subject: String,
    /// One line for people.
    pub title: String,
    /// Why it matters: the rule, its source and the baseline.
    pub detail: String,
    /// The migration deadline, for a quantum-vulnerable key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline: Option<Deadline>,
    /// Every artifact behind it, by artifact then event; for a finding
    /// made by a [`SpillingBuilder`], only the first [`ARTIFACTS_KEPT`]
    /// ([`Finding::artifact_count`] and [`Finding::artifacts_stream`] give
    /// them all).
    pub artifacts: Vec<ArtifactRef>,
    /// Where the whole list is, when it was spilled to disk.
    #[serde(skip)]
    spilled: Option<SpilledList>,
}

/// A finding's artifact list in a temporary file.
#[derive(Clone, Debug)]
pub(crate) struct SpilledList {
    pub(crate) store: Arc<crate::spill::Store>,
    pub(crate) range: crate::spill::Range,
}

impl PartialEq for SpilledList {
    fn eq(&self, o: &SpilledList) -> bool {
        Arc::ptr_eq(&self.store, &o.store) && self.range == o.range
    }
}

impl Finding {
    /// How many artifacts are behind it (all of them, spilled or not).
    pub fn artifact_count(&self) -> usize {
        self.spilled
            .as_ref()
            .map_or(self.artifacts.len(), |s| s.range.count as usize)
    }

    /// Every artifact behind it, in order: from memory, or read back from
    /// disk for a spilled list (where a read can fail).
    pub fn artifacts_stream(
        &self,
    ) -> Box<dyn Iterator<Item = std::io::Result<Cow<'_, ArtifactRef>>> + '_> {
        match &self.spilled {
            None => Box::new(self.artifacts.iter().map(|a| Ok(Cow::Borrowed(a)))),
            Some(s) => Box::new(
                s.store
                    .read::<ArtifactRef>(s.range)
                    .map(|r| r.map(Cow::Owned)),
            ),
        }
    }
}

/// A finding's whole artifact list, serialized as it is read.
struct AllArtifacts<'a>(&'a Finding);

impl Serialize for AllArtifacts<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{Error as _, SerializeSeq as _};
        let mut seq = s.serialize_seq(Some(self.0.artifact_count()))?;
        for a in self.0.artifacts_stream() {
            seq.serialize_element(a.map_err(S::Error::custom)?.as_ref())?;
        }
        seq.end()
    }
}

// By hand rather than derived, for the spilled list; the same fields, in
// the same order, as the derived `Deserialize` reads.
impl Serialize for Finding {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct as _;
        let mut st = s.serialize_struct("Finding", 9)?;
        st.serialize_field("id", &self.id)?;
        st.serialize_field("kind", &self.kind)?;
        st.serialize_field("rule", &self.rule)?;
        st.serialize_field("severity", &self.severity)?;
        st.serialize_field("subject", &self.subject)?;
        st.serialize_field("title", &self.title)?;
        st.serialize_field("detail", &self.detail)?;
        match &self.deadline {
            Some(d) => st.serialize_field("deadline", d)?,
            None => st.skip_field("deadline")?,
        }
        st.serialize_field("artifacts", &AllArtifacts(self))?;
        st.end()
    }
}

/// An artifact behind a finding, and the event that says so.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArtifactRef {
    /// The artifact's sequence number in the run.
    pub artifact_seq: u64,
    /// Its id.
    pub artifact_id: String,
    /// `sha256:` of its bytes (absent for a job with nothing read).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub artifact_hash: Option<String>,
    /// The intake path as given, byte-exact (`{"bytes": …}` when not UTF-8).
    pub path: Text,
    /// The same path for display: bytes that are not UTF-8, and control
    /// characters, written as `\xNN`.
    pub path_display: String,
    /// The event behind the claim (global sequence number).
    pub event_seq: u64,
    /// Its module.
    pub module: String,
    /// Its step.
    pub step: String,
    /// Where in the artifact, for people (`certificate CN=…`, `line 2: …`);
    /// parameters only, never hash, salt or key bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// 1-based lines of a text artifact the finding is about (hash lists).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lines: Vec<u64>,
    /// The external tool run of the same module on this artifact, when one
    /// ran: provenance and the blob of its output.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool: Option<ToolProvenance>,
}

/// An external tool run behind (or cross-checking) an event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ToolProvenance {
    /// The tool-run event.
    pub event_seq: u64,
    /// Its step (`tool:openssl_x509`, `tool:tshark`).
    pub step: String,
    /// Tool name.
    pub name: String,
    /// Version line it printed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// `sha256:` of its binary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub binary_hash: Option<String>,
    /// Blob of its (normalised) stdout, relative to `RUN/artifacts/`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stdout_ref: Option<String>,
    /// Whether the module's cross-check agreed with fx's own parse, when it
    /// recorded one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agreed: Option<bool>,
}

impl Findings {
    /// The findings at or above `threshold`.
    pub fn at_least(&self, threshold: Severity) -> impl Iterator<Item = &Finding> {
        self.findings
            .iter()
            .filter(move |f| f.severity.at_least(threshold))
    }
}

/// Reads a run's jobs and builds its findings. The run must have been
/// sequenced (`telemetry/jobs.jsonl`, every job ending in its summary).
pub fn build(run: &RunDir) -> anyhow::Result<Findings> {
    let mut b = Builder::new(run)?;
    let path = run.path().join(JOBS_FILE);
    let file = std::fs::File::open(&path)
        .with_context(|| format!("{} is missing (run fx-seq first)", path.display()))?;
    let mut reader = JsonlReader::new(
        std::io::BufReader::with_capacity(1 << 20, file),
        run.policy().limits.max_line_bytes as usize,
    );
    while let Some(job) = reader
        .next_record::<Job>()
        .with_context(|| format!("{}", path.display()))?
    {
        b.add_job(&job);
    }
    Ok(b.finish())
}

/// Builds findings job by job, for a caller that reads the jobs itself,
/// every finding's artifact list in memory.
pub struct Builder {
    head: Findings,
    ctx: detect::Context,
    groups: group::Groups,
}

impl Builder {
    /// A builder for `run`, under its policy's baselines. Refuses a policy
    /// naming a quantum baseline fx does not know.
    pub fn new(run: &RunDir) -> anyhow::Result<Builder> {
        let m = run.manifest();
        let name = &run.policy().report.quantum_baseline;
        let quantum = QuantumBaseline::by_name(name).with_context(|| {
            let known: Vec<&str> = quantum::BASELINES.iter().map(|b| b.name).collect();
            format!(
                "policy.report.quantum_baseline {name:?} is not a baseline fx knows ({})",
                known.join(", ")
            )
        })?;
        let head = Findings {
            fx: FORMAT.into(),
            run_id: m.run_id.clone(),
            case: m.case.clone(),
            tenants: m.tenants.clone(),
            policy_hash: m.policy_hash.clone(),
            baselines: Baselines {
                quantum: BaselineRef {
                    name: quantum.name.into(),
                    title: quantum.title.into(),
                    url: quantum.url.into(),
                    rule: quantum.rule.into(),
                },
                hash: run.policy().probe.hash_baseline.clone(),
            },
            jobs: 0,
            counts: SeverityCounts::default(),
            findings: Vec::new(),
        };
        Ok(Builder {
            head,
            ctx: detect::Context { quantum },
            groups: group::Groups::default(),
        })
    }

    /// Adds the findings of one job.
    pub fn add_job(&mut self, job: &Job) {
        self.head.jobs += 1;
        for hit in detect::job_hits(&self.ctx, job) {
            self.groups.add(job, hit);
        }
    }

    /// The findings, grouped and ranked.
    pub fn finish(self) -> Findings {
        let findings = self.groups.finish();
        with_findings(self.head, findings)
    }
}

/// `head` with its findings and their counts.
fn with_findings(mut head: Findings, findings: Vec<Finding>) -> Findings {
    for f in &findings {
        head.counts.add(f.severity);
    }
    head.findings = findings;
    head
}

/// A [`Builder`] whose artifact lists go to disk (unnamed temporary files in
/// a directory, sorted there), so that its memory follows the number of
/// findings, not of the artifacts behind them. The findings it makes keep
/// their first [`ARTIFACTS_KEPT`] artifacts in memory and read the rest back
/// when serialized ([`Finding::artifacts_stream`]); the files go when the
/// last of them is dropped.
pub struct SpillingBuilder(Builder);

impl SpillingBuilder {
    /// A builder for `run` spilling to `dir`.
    pub fn new(run: &RunDir, dir: &Path) -> anyhow::Result<SpillingBuilder> {
        SpillingBuilder::with_batch(run, dir, crate::spill::BATCH)
    }

    /// The same, sorting `batch` records at a time in memory (the default
    /// is 32,768; a small one makes many sorted runs, as a large report
    /// does, and is what the tests use).
    pub fn with_batch(run: &RunDir, dir: &Path, batch: usize) -> anyhow::Result<SpillingBuilder> {
        let mut b = Builder::new(run)?;
        b.groups = group::Groups::spilling(dir, batch);
        Ok(SpillingBuilder(b))
    }

    /// Adds the findings of one job.
    pub fn add_job(&mut self, job: &Job) {
        self.0.add_job(job);
    }

    /// The findings, grouped and ranked; fails when the lists could not be
    /// written to disk or read back.
    pub fn finish(self) -> anyhow::Result<Findings> {
        let findings = self
            .0
            .groups
            .try_finish()
            .context("spilling the findings' artifact lists")?;
        Ok(with_findings(self.0.head, findings))
    }
}

/// A path for display: UTF-8 text as is, every other byte and every
/// control character as `\xNN` (and a backslash as `\\`), so that a name
/// that is not UTF-8 is shown exactly, never lossily.
pub fn display_bytes(raw: &[u8]) -> String {
    let mut out = String::with_capacity(raw.len());
    for chunk in raw.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '\\' => out.push_str("\\\\"),
                c if c.is_control() => {
                    let mut buf = [0u8; 4];
                    for b in c.encode_utf8(&mut buf).bytes() {
                        out.push_str(&format!("\\x{b:02x}"));
                    }
                }
                c => out.push(c),
            }
        }
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
    out
}

/// The display form of an intake path ([`display_bytes`] of its bytes).
pub fn display_text(t: &Text) -> String {
    match t {
        Text::Str(s) => display_bytes(s.as_bytes()),
        Text::Bytes { .. } => display_bytes(&t.to_bytes().unwrap_or_default()),
    }
}

/// Writes `findings.json` under `run` (streamed to a temporary file, then
/// renamed).
pub fn write_json(run: &Path, findings: &Findings) -> anyhow::Result<()> {
    json_file::write_pretty(&run.join(FINDINGS_FILE), findings)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_escapes_what_is_not_text() {
        assert_eq!(display_bytes(b"samples/a b.pem"), "samples/a b.pem");
        assert_eq!(display_bytes(b"bad\xff\xfename"), "bad\\xff\\xfename");
        assert_eq!(display_bytes(b"new\nline"), "new\\x0aline");
        assert_eq!(display_bytes("caf\u{e9}".as_bytes()), "caf\u{e9}");
        assert_eq!(display_bytes(b"back\\slash"), "back\\\\slash");
    }
}
