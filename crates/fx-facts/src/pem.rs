//! The text wrappers fx-inspect reads before a DER object: PEM armor (step
//! `pem`) and base64 or hex text around DER (step `text_decode`).

use fx_core::vocab::Encoding;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::common::Finding;

/// One PEM block found by the scan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PemBlock {
    /// The label between `BEGIN ` and the dashes (`CERTIFICATE`, `PRIVATE KEY`, …).
    pub label: String,
    /// Offset of the BEGIN line in the artifact.
    pub offset: u64,
    /// Bytes from the BEGIN line to the end of the END line.
    pub length: u64,
    /// Bytes of the decoded body.
    pub decoded: u64,
    /// True when the block follows RFC 7468's strict grammar.
    pub strict_rfc7468: bool,
    /// Legacy (RFC 1421) headers before the body (`Proc-Type`, `DEK-Info`).
    pub legacy_headers: u64,
}

/// The data of fx-inspect's `pem` step: the PEM scan of a text artifact.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PemData {
    /// Blocks that decoded, in file order.
    pub blocks: Vec<PemBlock>,
    /// `-----BEGIN` lines seen (decodable or not).
    pub begin_lines: u64,
    /// True when more blocks than `inspect.max_pem_blocks` were present.
    pub block_limit_hit: bool,
    /// Budgets that cut the scan short (`budget:max_pem_blocks`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub caps_hit: Vec<String>,
    /// Armor and base64 failure shapes met (after the first, fatal one).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub findings: Vec<Finding>,
}

/// The data of fx-inspect's `text_decode` step: base64 or hex text (no
/// PEM armor) around a DER object, decoded as block 0.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct TextDecodeData {
    /// The text encoding (`base64` or `hex`).
    #[schemars(schema_with = "crate::schema::encoding")]
    pub encoding: Encoding,
    /// Bytes of DER decoded from the text.
    pub decoded: u64,
    /// The block number the decoded bytes are read as (offsets of the
    /// following steps refer to it).
    pub block: u32,
}
