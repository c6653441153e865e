//! A bare DSA/ECDSA signature value, `SEQUENCE { r, s }` (step
//! `signature_value` of fx-inspect).

use fx_core::vocab::Container;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::common::Finding;

/// The data of fx-inspect's `signature_value` step.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct SignatureValueData {
    /// The container (`raw`: a signature value has no §9 container).
    #[schemars(schema_with = "crate::schema::container")]
    pub container: Container,
    /// PEM block it was read from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block: Option<u32>,
    /// Bits of `r`.
    pub r_bits: u64,
    /// Bits of `s`.
    pub s_bits: u64,
    /// Failure shapes met while reading it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub findings: Vec<Finding>,
}
