//! What one inspection produces: per-step events, failure shapes with
//! offsets, candidate regions, and the overall conclusion.

use fx_core::event::{ErrorInfo, Event};
use fx_core::vocab::{Conclusion, Container, Encoding, FailureKind};
use serde::Serialize;
use serde_json::{Map, Value};

/// The module name of every event fx-inspect writes.
pub const MODULE: &str = "inspect";

/// A failure shape with where it happened.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The failure shape.
    pub kind: FailureKind,
    /// Byte offset (in the artifact, or in the decoded PEM block named by `block`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offset: Option<u64>,
    /// PEM block index the offset refers to (absent: the raw artifact).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub block: Option<u32>,
    /// What exactly was wrong.
    pub detail: String,
}

impl Finding {
    /// A finding at an offset.
    pub fn at(kind: FailureKind, offset: usize, detail: impl Into<String>) -> Finding {
        Finding {
            kind,
            offset: Some(offset as u64),
            block: None,
            detail: detail.into(),
        }
    }

    /// A finding without an offset.
    pub fn new(kind: FailureKind, detail: impl Into<String>) -> Finding {
        Finding {
            kind,
            offset: None,
            block: None,
            detail: detail.into(),
        }
    }

    /// Rebases the finding into PEM block `block` (offsets are then in its decoded bytes).
    pub fn in_block(mut self, block: Option<u32>) -> Finding {
        if self.block.is_none() {
            self.block = block;
        }
        self
    }

    fn error_info(&self) -> ErrorInfo {
        let mut e = ErrorInfo::new(self.kind).detail(self.detail.clone());
        if let Some(o) = self.offset {
            e = e.at(o);
        }
        e
    }
}

/// A candidate core region (DESIGN §9 `regions`).
///
/// Wire form: `{"offset":…, "length":…, "kind":"…", "algorithm":"…", "score":…, "block":…, "source":"…"}`.
/// `offset` counts bytes in the raw artifact, or — when `block` is present —
/// in the base64-decoded body of PEM block number `block`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Region {
    /// Start of the region.
    pub offset: u64,
    /// Length in bytes.
    pub length: u64,
    /// What the region holds: `public_key`, `signature`, `secret_key`,
    /// `kem_ciphertext`, `aead`, `ciphertext`, `der_element`, `pem_block`,
    /// `header`, `payload`, `tls_record`.
    pub kind: &'static str,
    /// Algorithm the region belongs to, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub algorithm: Option<String>,
    /// Deterministic integer score, 0–1000 (higher: more likely the core).
    pub score: u32,
    /// PEM block the offset refers to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub block: Option<u32>,
    /// Which rule proposed it (`x509`, `spki`, `pqc_geometry`, `length_prefix`, …).
    pub source: &'static str,
}

impl Region {
    /// The region as fx-facts' record (its wire form: `score` and `source`
    /// are always written).
    pub fn record(&self) -> fx_facts::Region {
        fx_facts::Region {
            offset: self.offset,
            length: self.length,
            kind: self.kind.to_owned(),
            algorithm: self.algorithm.clone(),
            score: Some(u64::from(self.score)),
            block: self.block,
            source: Some(self.source.to_owned()),
        }
    }

    /// True when size geometry alone proposed the region (`pqc_geometry`,
    /// `pqc_split`): a hypothesis for the probes, never a conclusion.
    pub fn is_hypothesis(&self) -> bool {
        self.source.starts_with("pqc_") || self.source.contains("geometry")
    }
}

/// One event in the making.
#[derive(Clone, Debug)]
pub struct Step {
    /// Step name (`pem`, `der`, `x509`, …).
    pub step: &'static str,
    /// Structured data.
    pub data: Map<String, Value>,
    /// The first fatal finding, making the event an `error` event.
    pub error: Option<Finding>,
    /// Non-fatal findings (listed in data and in the conclusion's failures).
    pub findings: Vec<Finding>,
    /// Skip reason, making the event a `skipped` event.
    pub skipped: Option<String>,
}

impl Step {
    /// An ok step with data.
    pub fn ok(step: &'static str, data: impl Serialize) -> Step {
        Step {
            step,
            data: to_map(data),
            error: None,
            findings: Vec::new(),
            skipped: None,
        }
    }

    /// A skipped step.
    pub fn skipped(step: &'static str, reason: impl Into<String>) -> Step {
        Step {
            step,
            data: Map::new(),
            error: None,
            findings: Vec::new(),
            skipped: Some(reason.into()),
        }
    }

    /// Marks the step failed with `f` (keeps the data read so far).
    pub fn fail(mut self, f: Finding) -> Step {
        if self.error.is_none() {
            self.error = Some(f);
        } else {
            self.findings.push(f);
        }
        self
    }

    /// Adds non-fatal findings.
    pub fn with_findings(mut self, f: impl IntoIterator<Item = Finding>) -> Step {
        self.findings.extend(f);
        self
    }

    /// Turns the step into an event. Only failure shapes go into its
    /// conclusion; the overall conclusion is on the `triage` event.
    pub fn into_event(self) -> Event {
        let mut failures: Vec<FailureKind> = Vec::new();
        for f in self.error.iter().chain(self.findings.iter()) {
            if !failures.contains(&f.kind) {
                failures.push(f.kind);
            }
        }
        let mut data = self.data;
        if !self.findings.is_empty() {
            data.insert(
                "findings".into(),
                serde_json::to_value(&self.findings).unwrap_or(Value::Null),
            );
        }
        let ev = if let Some(reason) = self.skipped {
            Event::skipped(MODULE, self.step, reason)
        } else if let Some(err) = &self.error {
            Event::error(MODULE, self.step, err.error_info())
        } else {
            Event::ok(MODULE, self.step)
        };
        let ev = if data.is_empty() {
            ev
        } else {
            ev.with_map(data)
        };
        ev.with_conclusion(Conclusion {
            failures,
            ..Default::default()
        })
    }
}

/// Serializes to a JSON object map (anything else lands under `value`).
pub fn to_map(data: impl Serialize) -> Map<String, Value> {
    match serde_json::to_value(data) {
        Ok(Value::Object(m)) => m,
        Ok(Value::Null) | Err(_) => Map::new(),
        Ok(other) => {
            let mut m = Map::new();
            m.insert("value".into(), other);
            m
        }
    }
}

/// What the artifact is, overall (the `triage` event's conclusion).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Verdict {
    /// Outermost recognised container.
    pub container: Option<Container>,
    /// Encoding of the artifact.
    pub encoding: Option<Encoding>,
    /// Algorithm of the primary object (leaf certificate, key, …).
    pub algorithm: Option<String>,
    /// OID of that algorithm.
    pub oid: Option<String>,
    /// Key bits (RSA/DSA modulus).
    pub key_bits: Option<u64>,
    /// Curve.
    pub curve: Option<String>,
}

impl Verdict {
    /// Sets the algorithm fields once (the first primary object wins).
    pub fn primary(&mut self, alg: &crate::algorithm::KeyAlg) {
        if self.algorithm.is_some() || self.oid.is_some() {
            return;
        }
        self.algorithm = alg.algorithm.clone();
        self.oid = (!alg.oid.is_empty()).then(|| alg.oid.clone());
        self.key_bits = alg.key_bits;
        self.curve = alg.curve.clone();
    }

    /// Sets the container once (outermost first).
    pub fn container(&mut self, c: Container) {
        self.container.get_or_insert(c);
    }
}

/// Everything one inspection produced.
#[derive(Clone, Debug, Default)]
pub struct Report {
    /// Steps in the order they ran.
    pub steps: Vec<Step>,
    /// The overall verdict.
    pub verdict: Verdict,
    /// Candidate regions before pruning.
    pub regions: Vec<Region>,
    /// Every key-bearing object parsed (certificates, keys, requests), in
    /// order: a bundle's `members` (DESIGN §9) when there are several.
    pub members: Vec<Member>,
}

/// One key-bearing object of a bundle (`members` of DESIGN §9): the
/// typed record the readers of the evidence read back.
pub use fx_facts::bundle::Member;

impl Report {
    /// Adds `key`, parsed from a `container`, as the next member.
    pub fn member(&mut self, container: Container, key: &crate::algorithm::KeyAlg) {
        self.members.push(Member {
            index: self.members.len() as u64,
            container,
            algorithm: key.algorithm.clone(),
            oid: (!key.oid.is_empty()).then(|| key.oid.clone()),
            key_bits: key.key_bits,
            curve: key.curve.clone(),
        });
    }

    /// Appends a step.
    pub fn push(&mut self, step: Step) {
        self.steps.push(step);
    }

    /// Appends a region candidate.
    pub fn region(&mut self, r: Region) {
        self.regions.push(r);
    }

    /// Every failure shape of every step, first-seen order.
    pub fn failures(&self) -> Vec<FailureKind> {
        let mut out = Vec::new();
        for s in &self.steps {
            for f in s.error.iter().chain(s.findings.iter()) {
                if !out.contains(&f.kind) {
                    out.push(f.kind);
                }
            }
        }
        out
    }
}
