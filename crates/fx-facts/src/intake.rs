//! What fx-ingest took in (step `intake`).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The data of fx-ingest's `intake` step.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct IntakeData {
    /// Bytes of the artifact (of all members, for an archive job).
    pub size: u64,
    /// True when the artifact was reached through a symbolic link.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub via_symlink: bool,
    /// Members of an archive job.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub members: Option<u64>,
}
