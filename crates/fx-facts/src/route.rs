//! What fx-route found (step `label`) and decided (step `decision`).

use fx_core::Text;
use fx_core::routing::Denial;
use fx_core::vocab::{Container, Encoding, Label};
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

/// One member of a bundle job, as the router sniffed it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct RouteMember {
    /// The member's role (`public_key`, `signature`, `message`, …).
    pub role: String,
    /// Its intake path (byte-exact; see [`fx_core::Text`]).
    #[schemars(schema_with = "crate::schema::text")]
    pub path: Text,
    /// Labels proposed for it, each with confidence and signals.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub labels: Vec<LabelScore>,
    /// The container the sniffers recognised, when one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::schema::container_opt")]
    pub container: Option<Container>,
    /// The encoding the sniffers recognised, when one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::schema::encoding_opt")]
    pub encoding: Option<Encoding>,
    /// Bytes sniffed (a bounded prefix).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sniffed_bytes: Option<u64>,
    /// Member size in bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    /// Why the member could not be read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unreadable: Option<String>,
}

/// The data of fx-route's `label` step for a bundle job (one with
/// `artifact.members`): the labels of the whole and of each member.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct RouteBundleLabelData {
    /// Labels proposed for the bundle, each with confidence and signals
    /// (signals name the member: `member:ROLE:…`, `role:ROLE`).
    pub labels: Vec<LabelScore>,
    /// Each member, in job order.
    pub members: Vec<RouteMember>,
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
    /// The member roles of a bundle job, in job order (absent for a single
    /// artifact).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<String>,
    /// The policy switches.
    pub policy: RoutePolicy,
}
