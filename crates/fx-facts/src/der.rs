//! The bounded DER/BER walk of fx-inspect (step `der`).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::common::Finding;

/// The data of fx-inspect's `der` step: what the structural walk of a DER
/// object saw. Written for a raw DER artifact, or for a PEM/text block whose
/// walk met something to report; a block whose object was read but holds
/// content DER does not allow gets `nodes` and `block` only.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct DerData {
    /// Elements walked.
    pub nodes: u64,
    /// Deepest nesting seen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_depth: Option<u64>,
    /// True when an indefinite length (BER) was met.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub indefinite: Option<bool>,
    /// True when the walk stopped at `inspect.max_der_nodes`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_limit_hit: Option<bool>,
    /// PEM (or decoded text) block walked; absent for the raw artifact.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block: Option<u32>,
    /// Budgets that cut the walk short (`budget:max_der_nodes`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub caps_hit: Vec<String>,
    /// Failure shapes met (framing, BER, trailing data, content DER forbids).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub findings: Vec<Finding>,
}
