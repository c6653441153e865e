//! Cross-checks of a native parse against an external tool: fx-inspect
//! against `openssl` (step `crosscheck`), fx-fingerprint against `tshark`
//! (step `tshark_crosscheck`).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A figure compared: a count, or a text where the check compares text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Compared {
    /// A count (ASN.1 nodes, …).
    Count(u64),
    /// A text (a serial number, a name, …).
    Text(String),
}

/// The data of fx-inspect's `crosscheck` step.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct OpensslCrosscheck {
    /// True when the tool's reading agreed with the native parse.
    pub agree: bool,
    /// What was compared (`asn1parse_nodes`, `x509_serial`, …).
    pub check: String,
    /// The fields that differed.
    pub differed: Vec<String>,
    /// The native figure (absent when openssl could not read the object).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub native: Option<Compared>,
    /// The tool's figure (absent when it could not read the object).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub openssl: Option<Compared>,
    /// True when openssl could read the object at all.
    pub openssl_read: bool,
    /// The tool's inventory name.
    pub tool: String,
}

/// The data of fx-fingerprint's `tshark_crosscheck` step.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct TsharkCrosscheck {
    /// True when tshark's JA3 set equals fx's.
    pub agree: bool,
    /// Distinct JA3 fx computed.
    pub fx_distinct_ja3: u64,
    /// Distinct JA3 tshark computed.
    pub tshark_distinct_ja3: u64,
    /// JA3 only fx computed.
    pub only_fx: Vec<String>,
    /// JA3 only tshark computed.
    pub only_tshark: Vec<String>,
    /// True when tshark's output hit the output cap.
    pub tshark_output_truncated: bool,
}
