//! The job line (DESIGN §3): one JSON object per line, one line per artifact job.
//!
//! ```json
//! {"fx":"job/1","run_id":"…",
//!  "artifact":{"artifact_id":"…","artifact_hash":"sha256:…","artifact_ref":"blobs/sha256/ab/…",
//!              "artifact_seq":0,"size":1234,
//!              "intake":{"case":"…","source":"…","tenant":"…","path":"relative/as/given",
//!                        "collected_at":null,"hints":{}},
//!              "custody":[]},
//!  "events":[…]}
//! ```
//!
//! A bundle (several files analysed as one job, e.g. public key + signature +
//! message) is one job whose `artifact.members` lists the files with their
//! roles; its `artifact_hash` is the hash of the canonical member list.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::event::Event;
use crate::text::Text;
use crate::vocab::{Conclusion, Label};

/// One artifact job.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Job {
    /// Format tag, always [`crate::JOB_FORMAT`] (`job/1`).
    pub fx: String,
    /// The run this job belongs to.
    pub run_id: String,
    /// What is being analysed.
    pub artifact: Artifact,
    /// Every event so far, in the order the modules wrote them.
    #[serde(default)]
    pub events: Vec<Event>,
}

/// The artifact of a job and where it came from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Artifact {
    /// Stable id: derived from the content hash and the intake context.
    pub artifact_id: String,
    /// `sha256:<hex>` of the bytes; absent when the file could not be read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub artifact_hash: Option<String>,
    /// Blob path relative to `RUN/artifacts/` (`blobs/sha256/ab/cd…`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub artifact_ref: Option<String>,
    /// Position in the planner's stable order; fx-seq restores it.
    pub artifact_seq: u64,
    /// Size in bytes; absent when unreadable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    /// Where the artifact came from.
    pub intake: Intake,
    /// Chain-of-custody notes, oldest first.
    #[serde(default)]
    pub custody: Vec<CustodyNote>,
    /// Bundle members, in role order; empty for a single file.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub members: Vec<Member>,
}

/// Intake metadata, from flags or the intake CSV.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Intake {
    /// Case identifier.
    pub case: String,
    /// Where the evidence came from.
    pub source: String,
    /// Tenant owning the evidence; every command checks it against the run.
    pub tenant: String,
    /// The path as given (relative to the named root for a directory walk).
    pub path: Text,
    /// When the evidence was collected, as supplied (normalised RFC 3339), or null.
    #[serde(default)]
    pub collected_at: Option<String>,
    /// Free-form hints (`{"expect":"x509"}`), sorted by key.
    #[serde(default)]
    pub hints: BTreeMap<String, Value>,
    /// Bundle name when several files form one job.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bundle: Option<String>,
}

/// One file of a bundle.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Member {
    /// Role in the bundle (`public_key`, `signature`, `message`, `secret_key`,
    /// `ciphertext`, `shared_secret`, …).
    pub role: String,
    /// The path as given.
    pub path: Text,
    /// `sha256:<hex>` of the member; absent when unreadable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hash: Option<String>,
    /// Blob reference of the member.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub artifact_ref: Option<String>,
    /// Size in bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
}

/// A chain-of-custody note.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustodyNote {
    /// Who or what handled the evidence (`fx-ingest 0.1.0`, an analyst).
    pub actor: String,
    /// What was done (`ingested`, `noted`, `reached`, `received`, …).
    pub action: String,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// A path the evidence was found under: fx-ingest writes one `reached`
    /// note per path when it reached the same file under several paths
    /// (through symlinks), the job's `intake.path` being one of them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<Text>,
}

impl Job {
    /// The tenant of this job.
    pub fn tenant(&self) -> &str {
        &self.artifact.intake.tenant
    }

    /// Appends an event.
    pub fn push(&mut self, event: Event) {
        self.events.push(event);
    }

    /// Every conclusion so far, in event order.
    pub fn conclusions(&self) -> impl Iterator<Item = &Conclusion> {
        self.events.iter().filter_map(|e| e.conclusion.as_ref())
    }

    /// Union of the labels concluded so far, in first-seen order.
    pub fn labels(&self) -> Vec<Label> {
        let mut out = Vec::new();
        for c in self.conclusions() {
            for l in &c.labels {
                if !out.contains(l) {
                    out.push(*l);
                }
            }
        }
        out
    }

    /// True when any earlier event concluded `label`.
    pub fn has_label(&self, label: Label) -> bool {
        self.conclusions().any(|c| c.labels.contains(&label))
    }

    /// The latest event of `module`/`step`, if any.
    pub fn find_event(&self, module: &str, step: &str) -> Option<&Event> {
        self.events
            .iter()
            .rev()
            .find(|e| e.module == module && e.step == step)
    }

    /// True when the job has a readable artifact (or bundle member).
    pub fn is_readable(&self) -> bool {
        self.artifact.artifact_ref.is_some()
            || self
                .artifact
                .members
                .iter()
                .any(|m| m.artifact_ref.is_some())
    }
}
