//! The per-job `summary` (DESIGN §9), read with typed conclusion fields.
//!
//! fx-seq writes the summary with [`fx_core::summary`], whose
//! [`SummaryData`](fx_core::summary::SummaryData) keeps the stage-specific
//! objects (`hash`, `cipher`, `pqc`, `tls`, `libraries`, `members`,
//! `regions`) as JSON. [`SummaryFacts`] is its reading side: the same
//! fields, the outcome counts as [`fx_core::summary::Outcomes`], and those
//! objects as the typed records of this crate.

use std::collections::BTreeMap;

use fx_core::summary::Outcomes;
use fx_core::vocab::{Basis, Container, Encoding, FailureKind, Label};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::bundle::Member;
use crate::cipher::CipherSignals;
use crate::common::Region;
use crate::hash::HashConclusion;
use crate::library::Library;
use crate::pqc::PqcConclusion;
use crate::tls::TlsConclusion;

/// Where one concluded field of the summary came from (`sources`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum FieldSource {
    /// A list (`labels`): the events that gave it.
    List {
        /// The strongest basis among them.
        #[schemars(schema_with = "crate::schema::basis")]
        basis: Basis,
        /// Their indexes within the job, first seen first.
        events: Vec<u64>,
    },
    /// A scalar or object field: the one event that gave it.
    Single {
        /// The basis of that conclusion.
        #[schemars(schema_with = "crate::schema::basis")]
        basis: Basis,
        /// Its confidence in permille, for a guess.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        confidence: Option<u16>,
        /// The index of the event within the job.
        event: u64,
    },
}

/// The `data` of a job's `summary` event, typed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SummaryFacts {
    /// Artifact type labels (a set, first seen first).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(schema_with = "crate::schema::labels")]
    pub labels: Vec<Label>,
    /// The outermost recognised container.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::schema::container")]
    pub container: Option<Container>,
    /// The encoding of the artifact.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::schema::encoding")]
    pub encoding: Option<Encoding>,
    /// NIST/IANA style algorithm name of the primary object.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub algorithm: Option<String>,
    /// Dotted OID that was read for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oid: Option<String>,
    /// RSA/DSA modulus bits (or the key size of the named algorithm).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_bits: Option<u64>,
    /// Curve name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub curve: Option<String>,
    /// The hash/KDF audit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hash: Option<HashConclusion>,
    /// Symmetric-ciphertext signals.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cipher: Option<CipherSignals>,
    /// Candidate core regions kept after pruning.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub regions: Vec<Region>,
    /// Post-quantum candidates and checks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pqc: Option<PqcConclusion>,
    /// Failure shapes seen (conclusions and error events), first seen first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(schema_with = "crate::schema::failures")]
    pub failures: Vec<FailureKind>,
    /// TLS client fingerprints.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls: Option<TlsConclusion>,
    /// Crypto libraries found in a binary.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub libraries: Vec<Library>,
    /// Bundle members.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub members: Vec<Member>,
    /// The weak-key audit's findings on the artifact's keys (fx-weakkeys;
    /// DESIGN §9 `key_weaknesses`: `shared_prime`, `fermat`, …), first seen
    /// first. Absent when the audit did not run or found every key fine.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub key_weaknesses: Vec<String>,
    /// Where each concluded field came from, by field name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sources: Option<BTreeMap<String, FieldSource>>,
    /// Outcome counts per module, by module name.
    #[serde(default)]
    #[schemars(schema_with = "crate::schema::outcomes")]
    pub outcomes: BTreeMap<String, Outcomes>,
    /// Budgets and caps hit, first seen first.
    #[serde(default)]
    pub budgets_hit: Vec<String>,
    /// Number of events summarised.
    #[serde(default)]
    pub events: u64,
}

impl SummaryFacts {
    /// Reads a summary's `data`. A field that does not match its record
    /// (a newer stage's value, say) is left at its default and named in the
    /// returned list, instead of failing the whole summary.
    pub fn from_map(data: &Map<String, Value>) -> (SummaryFacts, Vec<String>) {
        if let Ok(s) = SummaryFacts::deserialize(data) {
            return (s, Vec::new());
        }
        let mut out = SummaryFacts::default();
        let mut bad = Vec::new();
        for (k, v) in data {
            let one: Map<String, Value> = std::iter::once((k.clone(), v.clone())).collect();
            match SummaryFacts::deserialize(&one) {
                Ok(s) => out.take_field(k, s),
                Err(e) => bad.push(format!("summary.{k}: {e}")),
            }
        }
        (out, bad)
    }

    /// Moves field `name` of `from` into `self`.
    fn take_field(&mut self, name: &str, from: SummaryFacts) {
        match name {
            "labels" => self.labels = from.labels,
            "container" => self.container = from.container,
            "encoding" => self.encoding = from.encoding,
            "algorithm" => self.algorithm = from.algorithm,
            "oid" => self.oid = from.oid,
            "key_bits" => self.key_bits = from.key_bits,
            "curve" => self.curve = from.curve,
            "hash" => self.hash = from.hash,
            "cipher" => self.cipher = from.cipher,
            "regions" => self.regions = from.regions,
            "pqc" => self.pqc = from.pqc,
            "failures" => self.failures = from.failures,
            "tls" => self.tls = from.tls,
            "libraries" => self.libraries = from.libraries,
            "members" => self.members = from.members,
            "key_weaknesses" => self.key_weaknesses = from.key_weaknesses,
            "sources" => self.sources = from.sources,
            "outcomes" => self.outcomes = from.outcomes,
            "budgets_hit" => self.budgets_hit = from.budgets_hit,
            "events" => self.events = from.events,
            _ => {}
        }
    }
}
