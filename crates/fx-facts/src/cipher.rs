//! Symmetric and hybrid evidence of fx-probe: the DESIGN §9 `cipher`
//! conclusion and the data of the `symmetric` and `hybrid` steps.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::common::Region;

/// One repeated cipher block (ECB evidence).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct EcbRepeat {
    /// Offset of the repeat.
    pub offset: u64,
    /// Offset of the first block with the same bytes.
    pub first: u64,
}

/// The DESIGN §9 `cipher` object: statistics and layout signals of bytes
/// that may be symmetric ciphertext. The two figures with fractions
/// (`entropy_bits_per_byte`, `chi_square`) are computed deterministically
/// (`chi_square` is an integer count of hundredths).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CipherSignals {
    /// Bytes of the object.
    pub length: u64,
    /// Bytes scanned within the work budget.
    pub scanned_bytes: u64,
    /// Text encoding the bytes were decoded from (`base64`, `hex`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
    /// Length after decoding the text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decoded_length: Option<u64>,
    /// Compression framing recognised (`gzip`, `zstd`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub framing: Option<String>,
    /// `openssl_salted` for an OpenSSL `enc` file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    /// Hex of the 8-byte OpenSSL `enc` salt (a public header field).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub salt: Option<String>,
    /// Bytes of ciphertext after any header.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ciphertext_length: Option<u64>,
    /// Ciphertext length modulo 8.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mod8: Option<u64>,
    /// Ciphertext length modulo 16.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mod16: Option<u64>,
    /// Shannon entropy of the scanned window, bits per byte.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entropy_bits_per_byte: Option<f64>,
    /// Chi-square of the byte histogram against uniform.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chi_square: Option<f64>,
    /// Bytes the statistics looked at.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entropy_window: Option<u64>,
    /// Distinct byte values seen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distinct_bytes: Option<u64>,
    /// Printable bytes per mille.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub printable_per_mille: Option<u64>,
    /// Repeated blocks at the block size (ECB evidence).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ecb_repeats: Option<u64>,
    /// Where the repeats are.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ecb_locations: Vec<EcbRepeat>,
    /// Block size the length is aligned to (8 or 16).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block_size: Option<u64>,
    /// True when the length is at least one block.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub padding_consistent: Option<bool>,
    /// `ecb_like`, `random_like`, `text`, `high_entropy_nonuniform`,
    /// `structured`, `compressed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class: Option<String>,
    /// Modes the signals allow (`ecb`, `cbc`, `ctr`, `gcm`, `stream`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode_hints: Option<Vec<String>>,
    /// The layout, when only one fits (`Salted__‖salt8‖ct`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub layout: Option<String>,
    /// Layouts that fit (`ct`, `iv16‖ct`, `nonce12‖ct‖tag16`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub layout_candidates: Option<Vec<String>>,
}

/// One region the symmetric probe analysed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SymmetricRegion {
    /// The region.
    pub region: Region,
    /// Its signals (absent when the region could not be read).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cipher: Option<CipherSignals>,
    /// How ciphertext-like it is (0–100).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<i64>,
    /// Why it could not be analysed (`bad_length`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// The data of fx-probe's `symmetric` step.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SymmetricData {
    /// Regions analysed, in order.
    pub regions: Vec<SymmetricRegion>,
    /// Bytes of the work budget used.
    pub work_bytes_used: u64,
    /// Regions left out by the region cap.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dropped_regions: Vec<Region>,
    /// Regions left out because the work budget ran out.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unprobed_regions: Vec<Region>,
    /// Budgets hit.
    pub caps_hit: Vec<String>,
}

/// A KEM ‖ AEAD split of a hybrid blob.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct HybridSplit {
    /// What proposed it: `inspect`, `length_prefix` or `geometry`.
    pub source: String,
    /// Offset of the KEM ciphertext.
    pub kem_offset: u64,
    /// Its length.
    pub kem_length: u64,
    /// Offset of the AEAD part.
    pub aead_offset: u64,
    /// Its length.
    pub aead_length: u64,
    /// Score before the AEAD analysis.
    pub score: i64,
}

/// The best split and its total score.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct HybridBest {
    /// The split.
    pub split: HybridSplit,
    /// Its total score.
    pub score: i64,
}

/// The AEAD part's class and entropy, as tried.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct HybridAead {
    /// Class of the AEAD part (see [`CipherSignals::class`]).
    #[serde(default)]
    pub class: Option<String>,
    /// Its entropy, bits per byte.
    #[serde(default)]
    pub entropy_bits_per_byte: Option<f64>,
}

/// One split tried.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct HybridTry {
    /// The split.
    pub split: HybridSplit,
    /// Total score.
    pub score: i64,
    /// KEM parameter sets whose ciphertext size fits the KEM part.
    pub kem_candidates: Vec<String>,
    /// The AEAD part's signals.
    pub aead: HybridAead,
}

/// The data of fx-probe's `hybrid` step when splits were tried.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct HybridTried {
    /// The best split.
    pub best: HybridBest,
    /// True when another split of the same source ties with the best (then
    /// nothing is concluded).
    pub ambiguous: bool,
    /// Splits tried, in order.
    pub tried: Vec<HybridTry>,
    /// Splits left out by `max_hybrid_splits` (listed up to a bound).
    pub dropped: Vec<HybridSplit>,
    /// Splits left out in all.
    pub dropped_total: u64,
    /// Budgets hit.
    pub caps_hit: Vec<String>,
}

/// The data of a skipped `hybrid` step: why no split exists.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct HybridNotApplicable {
    /// Why.
    pub detail: String,
    /// Artifact length.
    pub length: u64,
}

/// The data of fx-probe's `hybrid` step.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum HybridData {
    /// Splits were tried.
    Tried(HybridTried),
    /// No split was possible.
    NotApplicable(HybridNotApplicable),
}
