//! fx-inspect's candidate regions (step `regions`) and its final verdict
//! (step `triage`).

use fx_core::vocab::Label;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::common::Region;

/// The data of fx-inspect's `regions` step: how many candidate core
/// regions were proposed and what the policy cap kept. The kept regions a
/// parser delimited are in the `triage` conclusion; those only size
/// geometry proposed are hypotheses, kept here.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct RegionsData {
    /// Candidate regions proposed.
    pub candidates: u64,
    /// Regions kept under `inspect.max_regions`.
    pub kept: u64,
    /// Kept regions whose only basis is size geometry (hypotheses for the
    /// probes, never concluded).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hypotheses: Vec<Region>,
    /// Budgets that cut the list (`budget:max_regions`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub caps_hit: Vec<String>,
    /// Regions the cap dropped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dropped: Option<u64>,
    /// The dropped regions (bounded), present when some were dropped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dropped_regions: Option<Vec<Region>>,
}

/// The data of fx-inspect's `triage` step, written when the router labelled
/// the artifact and the container found implies a label: whether the two
/// agree. (The verdict itself is the event's conclusion.)
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct TriageData {
    /// The labels fx-route gave the job.
    #[schemars(schema_with = "crate::schema::labels")]
    pub route_labels: Vec<Label>,
    /// True when they include the label the container found implies.
    pub agrees_with_route: bool,
}
