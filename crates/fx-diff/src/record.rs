//! The records fx-diff writes (`--json`, format `diff/1`, described by
//! `schemas/diff.schema.json`): a header with the two runs and their
//! context, one record per artifact that differs, and the totals.
//!
//! Values that differ are shown as their compact JSON text, cut at
//! [`VALUE_CHARS`] characters (`…` marks a cut), so one record stays small
//! whatever the evidence holds.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

/// Format tag of the diff.
pub const DIFF_FORMAT: &str = "diff/1";

/// Characters of a value's JSON text kept in a change.
pub const VALUE_CHARS: usize = 160;

/// Field changes kept per event (the rest are counted).
pub const MAX_FIELDS: usize = 32;

/// The start of the diff: which runs, and how their context differs.
#[derive(Clone, Debug, Serialize)]
pub struct Header {
    /// Format tag, `diff/1`.
    pub fx: &'static str,
    /// The first run.
    pub a: RunRef,
    /// The second run.
    pub b: RunRef,
    /// Differences of policy, tools, toolchain, flake inputs and fx build.
    pub context: Context,
    /// How findings were compared, and the run-level ones that differ.
    pub findings: FindingsDiff,
}

/// One run as named on the command line.
#[derive(Clone, Debug, Serialize)]
pub struct RunRef {
    /// The directory as given.
    pub path: String,
    /// Its run id.
    pub run_id: String,
}

/// Everything around the evidence that differs between the runs; empty
/// lists mean "the same".
#[derive(Clone, Debug, Default, Serialize)]
pub struct Context {
    /// Policy values that differ, by `section.key`.
    pub policy: Vec<ValueChange>,
    /// Tool inventory fields that differ, by `tool.field`
    /// (`openssl.version`, `openssl.sha256`, `openssl.path`, `openssl.status`).
    pub tools: Vec<ValueChange>,
    /// Linked library versions that differ (`liboqs`).
    pub libraries: Vec<ValueChange>,
    /// The toolchain hashes, when they differ.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub toolchain_hash: Option<ValueChange>,
    /// fx build ids that differ (`manifest.fx_version`, `manifest.fx_build`,
    /// `inventory.fx_version`).
    pub fx_build: Vec<ValueChange>,
    /// The `flake.lock` the runs were made from.
    pub flake_lock: FlakeDiff,
}

/// A value on each side; absent where that side has none.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ValueChange {
    /// What differs (a policy key, `tool.field`, a JSON pointer into an event).
    pub key: String,
    /// The value in run A (JSON text, cut).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub a: Option<String>,
    /// The value in run B (JSON text, cut).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub b: Option<String>,
}

impl ValueChange {
    /// A change between two JSON values (either may be absent).
    pub fn of(key: impl Into<String>, a: Option<&Value>, b: Option<&Value>) -> ValueChange {
        ValueChange {
            key: key.into(),
            a: a.map(show),
            b: b.map(show),
        }
    }

    /// A change between two optional strings, shown as JSON strings.
    pub fn of_str(key: impl Into<String>, a: Option<&str>, b: Option<&str>) -> ValueChange {
        ValueChange::of(
            key,
            a.map(|s| Value::String(s.to_owned())).as_ref(),
            b.map(|s| Value::String(s.to_owned())).as_ref(),
        )
    }
}

/// How the `flake.lock` files differ.
#[derive(Clone, Debug, Default, Serialize)]
pub struct FlakeDiff {
    /// `sha256:` of run A's lock, when A was made from the flake.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub a_sha256: Option<String>,
    /// `sha256:` of run B's lock.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub b_sha256: Option<String>,
    /// Whether each manifest records the lock's content (needed to name
    /// the inputs that moved): `both`, `a`, `b` or `neither`.
    pub content_recorded: &'static str,
    /// Inputs whose lock entry differs, by node name.
    pub inputs: Vec<InputMove>,
}

/// One flake input whose lock entry differs.
#[derive(Clone, Debug, Serialize)]
pub struct InputMove {
    /// Node name in the lock (`nixpkgs`).
    pub input: String,
    /// `moved` (locked to something else), `added` or `removed`.
    pub change: &'static str,
    /// Revision in run A's lock.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from_rev: Option<String>,
    /// Revision in run B's lock.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to_rev: Option<String>,
    /// Every field of the node that differs (`locked.rev`, `locked.narHash`,
    /// `original.ref`, …).
    pub fields: Vec<ValueChange>,
}

/// One artifact whose evidence differs.
#[derive(Clone, Debug, Serialize)]
pub struct ArtifactDiff {
    /// `changed` (in both runs), `added` (only in B) or `removed` (only in A).
    pub change: &'static str,
    /// The intake path (a string, or `{"bytes": base64}`).
    pub path: Value,
    /// `sha256:` of the artifact; absent when it could not be read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub artifact_hash: Option<String>,
    /// `artifact_seq` in run A.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub a_seq: Option<u64>,
    /// `artifact_seq` in run B.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub b_seq: Option<u64>,
    /// Fields of the artifact record (size, custody, intake context) that differ.
    pub record: Vec<ValueChange>,
    /// Events added, removed or changed, module by module in pipeline order.
    pub events: Vec<EventChange>,
    /// Summary conclusions (DESIGN §9) that appeared or disappeared.
    pub conclusions: Vec<ConclusionChange>,
    /// Findings (fx-report's rules on this job) that appeared or disappeared.
    pub findings: Vec<FindingChange>,
}

/// A finding of one artifact that is in one run only.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FindingChange {
    /// `appeared` (only in B) or `disappeared` (only in A).
    pub change: &'static str,
    /// The finding id (`kind/subject`).
    pub id: String,
    /// Its severity in the run that has it.
    pub severity: String,
    /// Its title.
    pub title: String,
}

/// A finding of the whole run whose artifact count differs
/// (`reports/findings.json` of each run).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FindingTotal {
    /// The finding id.
    pub id: String,
    /// Its severity (in B when B has it).
    pub severity: String,
    /// Its title.
    pub title: String,
    /// Artifacts behind it in run A (0: it appeared).
    pub a_artifacts: u64,
    /// Artifacts behind it in run B (0: it disappeared).
    pub b_artifacts: u64,
}

/// How findings were compared.
#[derive(Clone, Debug, Default, Serialize)]
pub struct FindingsDiff {
    /// Per artifact (fx-report's rules on each job that differs):
    /// `compared`, or `not compared: …` with the reason.
    pub per_artifact: String,
    /// For the whole run (`reports/findings.json`): `compared`, or
    /// `not compared: …`.
    pub run: String,
    /// Run-level findings whose artifact counts differ.
    pub changes: Vec<FindingTotal>,
}

/// One event that differs.
#[derive(Clone, Debug, Serialize)]
pub struct EventChange {
    /// `added`, `removed` or `changed`.
    pub change: &'static str,
    /// The module.
    pub module: String,
    /// The step.
    pub step: String,
    /// Which of the job's events with this module and step (0 = first).
    pub occurrence: u32,
    /// Status in run A.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub a_status: Option<String>,
    /// Status in run B.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub b_status: Option<String>,
    /// Fields that differ (JSON pointers into the event), at most [`MAX_FIELDS`].
    pub fields: Vec<ValueChange>,
    /// How many fields differ in all.
    pub fields_total: u64,
    /// Why, where a cause can be named; `unexplained` otherwise.
    pub causes: Vec<Cause>,
}

/// A reason for a change.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Cause {
    /// A tool the module ran differs between the inventories.
    Tool {
        /// Inventory name.
        tool: String,
        /// Its version (or, when the versions are equal, binary hash) in run A.
        #[serde(skip_serializing_if = "Option::is_none")]
        a: Option<String>,
        /// The same in run B.
        #[serde(skip_serializing_if = "Option::is_none")]
        b: Option<String>,
        /// The flake inputs that moved, when both runs took the tool from
        /// the Nix store of the flake (the tool changed because they moved).
        #[serde(skip_serializing_if = "Vec::is_empty")]
        flake_inputs: Vec<String>,
        /// The earlier module whose change this one follows from, if not this one.
        #[serde(skip_serializing_if = "Option::is_none")]
        via: Option<String>,
    },
    /// Policy values the module reads differ.
    Policy {
        /// The `section.key`s.
        keys: Vec<String>,
        /// The earlier module whose change this one follows from, if not this one.
        #[serde(skip_serializing_if = "Option::is_none")]
        via: Option<String>,
    },
    /// The fx build differs (and nothing more specific names the change).
    FxBuild {
        /// Build of run A.
        #[serde(skip_serializing_if = "Option::is_none")]
        a: Option<String>,
        /// Build of run B.
        #[serde(skip_serializing_if = "Option::is_none")]
        b: Option<String>,
    },
    /// Nothing recorded explains the change.
    Unexplained,
}

impl Cause {
    /// The cause's kind, as in the JSON.
    pub fn kind(&self) -> &'static str {
        match self {
            Cause::Tool { .. } => "tool",
            Cause::Policy { .. } => "policy",
            Cause::FxBuild { .. } => "fx_build",
            Cause::Unexplained => "unexplained",
        }
    }
}

/// One summary field whose values differ.
#[derive(Clone, Debug, Serialize)]
pub struct ConclusionChange {
    /// The summary field (`labels`, `algorithm`, `failures`, …).
    pub field: String,
    /// Values only in run B (JSON text, cut).
    pub appeared: Vec<String>,
    /// Values only in run A (JSON text, cut).
    pub disappeared: Vec<String>,
}

/// Counts over the whole diff.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Totals {
    /// Jobs in run A.
    pub artifacts_a: u64,
    /// Jobs in run B.
    pub artifacts_b: u64,
    /// Artifacts in both runs with identical evidence.
    pub identical: u64,
    /// Artifacts in both runs whose evidence differs.
    pub changed: u64,
    /// Artifacts only in run B.
    pub added: u64,
    /// Artifacts only in run A.
    pub removed: u64,
    /// Event changes per module: `{module: {added, removed, changed}}`.
    pub modules: BTreeMap<String, BTreeMap<&'static str, u64>>,
    /// Event changes per cause kind.
    pub causes: BTreeMap<&'static str, u64>,
    /// Artifact findings that appeared.
    pub findings_appeared: u64,
    /// Artifact findings that disappeared.
    pub findings_disappeared: u64,
    /// `identical` or `differs`.
    pub evidence: &'static str,
}

impl Totals {
    /// True when no artifact differs.
    pub fn identical_evidence(&self) -> bool {
        self.changed == 0 && self.added == 0 && self.removed == 0
    }
}

/// A value as compact JSON text, cut at [`VALUE_CHARS`] characters.
pub fn show(v: &Value) -> String {
    let text = serde_json::to_string(v).unwrap_or_default();
    cut(&text, VALUE_CHARS)
}

/// `s` cut at `max` characters, with `…` marking the cut.
pub fn cut(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        None => s.to_owned(),
        Some((i, _)) => format!("{}…", &s[..i]),
    }
}
