//! What fx-route found (step `label`) and decided (step `decision`).

use fx_core::routing::Denial;
use fx_core::vocab::Label;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// One label the router proposed, with its confidence and signals.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct LabelScore {
    /// The label (DESIGN §9).
    #[schemars(schema_with = "crate::schema::label")]
    pub label: Label,
    /// Confidence in permille (0–1000): the strongest signal's.
    pub confidence: u16,
    /// The signals that caused it, in the order they were seen (bounded).
    pub signals: Vec<String>,
}

/// The data of fx-route's `label` step: what the sniffers saw.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct RouteLabelData {
    /// Labels proposed, each with confidence and signals.
    pub labels: Vec<LabelScore>,
    /// Shannon entropy of the sniffed prefix, millibits per byte.
    pub entropy_millibits: u32,
    /// Artifact size in bytes.
    pub size: u64,
    /// Bytes sniffed (a bounded prefix).
    pub sniffed_bytes: u64,
    /// True when the sniffed bytes are text.
    pub text: bool,
}

/// The policy switches the router decided under.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct RoutePolicy {
    /// Hash/KDF material is audited only (never routed towards recovery).
    pub audit_only_hashes: bool,
    /// Decapsulation with a recovered secret key is allowed.
    pub decapsulation: bool,
    /// Heavy work (deep reverse engineering, batch PQC) is allowed.
    pub heavy_work: bool,
    /// Tamper checks are allowed.
    pub tamper_checks: bool,
    /// External tools may run.
    pub tools: bool,
    /// Signature verification is allowed.
    pub verification: bool,
}

/// The data of fx-route's `decision` step ([`fx_core::routing::Decision`]
/// with the labels and policy it was made from).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct RouteDecisionData {
    /// Targets that may run.
    pub allow: Vec<String>,
    /// Targets that may not run, each with its reason.
    #[schemars(schema_with = "crate::schema::denials")]
    pub deny: Vec<Denial>,
    /// The labels the decision was made for.
    #[schemars(schema_with = "crate::schema::labels")]
    pub labels: Vec<Label>,
    /// The policy switches.
    pub policy: RoutePolicy,
}
