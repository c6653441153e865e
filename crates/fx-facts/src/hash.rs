//! The hash/KDF audit of fx-probe (step `hash_kdf`): the DESIGN §9 `hash`
//! conclusion and the step's data. Schemes, parameters, grades against a
//! cited baseline and counts — never a hash, a salt or a password (fx never
//! recovers anything; see docs/hash-audit.md).

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Parameters read from one hash string.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct HashParams {
    /// Log2 work factor (bcrypt cost, phpass count exponent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost: Option<u32>,
    /// Rounds of an iterated crypt (sha-crypt `rounds=`, md5-crypt's fixed 1000, BSDi count).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rounds: Option<u64>,
    /// Iterations of a KDF (PBKDF2 count, Argon2 `t`, phpass 2^cost).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iterations: Option<u64>,
    /// Memory in KiB (Argon2 `m`, scrypt/yescrypt 128·N·r/1024).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory_kib: Option<u64>,
    /// Parallelism (Argon2 `p`, scrypt `p`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parallelism: Option<u32>,
    /// scrypt/yescrypt block size `r`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block_size: Option<u32>,
    /// scrypt/yescrypt log2(N).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub n_log2: Option<u32>,
    /// Algorithm version (Argon2 `v=`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<u32>,
    /// Salt length in whole bytes (see `salt_bits` for DES-style salts).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub salt_bytes: Option<u32>,
    /// Salt length in bits, when it is not a whole number of bytes (DES crypt: 12).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub salt_bits: Option<u32>,
    /// Digest (stored hash output) length in bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub digest: Option<u32>,
    /// PRF or inner hash of a KDF (`sha1`, `sha256`, `sha512`, `md5`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prf: Option<String>,
}

impl std::fmt::Display for HashParams {
    /// The parameters as `name=value` pairs: names and numbers only, never
    /// a salt or digest byte (the reports print this).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let numbers = [
            ("cost", self.cost.map(u64::from)),
            ("rounds", self.rounds),
            ("iterations", self.iterations),
            ("memory_kib", self.memory_kib),
            ("parallelism", self.parallelism.map(u64::from)),
            ("block_size", self.block_size.map(u64::from)),
            ("n_log2", self.n_log2.map(u64::from)),
            ("version", self.version.map(u64::from)),
            ("salt_bytes", self.salt_bytes.map(u64::from)),
            ("salt_bits", self.salt_bits.map(u64::from)),
            ("digest_bytes", self.digest.map(u64::from)),
        ];
        let mut sep = "";
        for (k, v) in numbers {
            if let Some(v) = v {
                write!(f, "{sep}{k}={v}")?;
                sep = " ";
            }
        }
        if let Some(prf) = &self.prf {
            write!(f, "{sep}prf={prf}")?;
        }
        Ok(())
    }
}

/// One audited line of a file of hashes (`hash.lines[]`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct HashLine {
    /// 1-based line number in the artifact (the line itself is never copied).
    pub line: u64,
    /// Most plausible scheme; `None` (written `null`) when unidentified.
    #[serde(default)]
    pub scheme: Option<String>,
    /// Its hashcat mode.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hashcat_mode: Option<u32>,
    /// Its John the Ripper format.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub john_format: Option<String>,
    /// Other schemes with the same syntax (hashcat modes).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alternatives: Vec<u32>,
    /// Where the hash sat in its line: `bare`, `user_hash`, `shadow`,
    /// `pwdump`, `ldap_crypt`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
    /// Parameters read.
    pub params: HashParams,
    /// Weakness ids ([`fx_core::vocab::HASH_WEAKNESSES`]).
    pub weaknesses: Vec<String>,
    /// True for a locked shadow account (`!`/`*` before the hash).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub locked: bool,
}

/// Counts over the whole audited artifact.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct HashTotals {
    /// Non-empty, non-comment lines seen within the byte budget.
    pub lines_seen: u64,
    /// Lines identified (among those audited).
    pub identified: u64,
    /// Lines audited but not recognised.
    pub unidentified: u64,
    /// Lines seen but not audited (beyond `max_hash_lines`).
    pub not_audited: u64,
    /// Lines that were not valid UTF-8.
    pub not_text: u64,
    /// Account lines without a password hash (`*`, `!`, `x`, empty).
    pub no_hash: u64,
    /// Identified lines per scheme.
    pub per_scheme: BTreeMap<String, u64>,
    /// Lines per weakness id.
    pub per_weakness: BTreeMap<String, u64>,
    /// True when `lines` holds fewer lines than were seen (line or byte budget).
    pub truncated: bool,
    /// Bytes scanned.
    pub bytes_scanned: u64,
    /// True when the byte budget stopped the scan before the end.
    pub byte_budget_hit: bool,
}

/// The DESIGN §9 `hash` conclusion: the dominant scheme of the artifact
/// (most lines, then first seen) with its parameters, every weakness found,
/// and for a file of several lines each line's result.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct HashConclusion {
    /// Dominant scheme (`bcrypt`, `sha512crypt`, `argon2id`, …); `None`
    /// (written `null`) when no line was identified.
    #[serde(default)]
    pub scheme: Option<String>,
    /// Its hashcat mode (`null` when it has none or nothing was identified).
    #[serde(default)]
    pub hashcat_mode: Option<u32>,
    /// Its John the Ripper format (`null` when none).
    #[serde(default)]
    pub john_format: Option<String>,
    /// Parameters of the dominant scheme's first line.
    pub params: HashParams,
    /// Weakness ids over all lines, first seen first.
    pub weaknesses: Vec<String>,
    /// The baseline graded against (`owasp-2025`, `nist-800-63b`).
    pub baseline: String,
    /// Counts.
    pub totals: HashTotals,
    /// Other hashcat modes with the dominant line's syntax (present when a
    /// scheme was identified).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alternatives: Option<Vec<u32>>,
    /// Where the dominant hash sat in its line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
    /// Per-line results, when more than one line was seen (bounded by
    /// `max_hash_lines`; `totals.truncated` says when cut).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lines: Option<Vec<HashLine>>,
}

/// The baseline a hash audit cites.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct HashBaseline {
    /// Policy name (`owasp-2025`, `nist-800-63b`).
    pub name: String,
    /// Title of the source document.
    pub title: String,
    /// Where it is published.
    pub url: String,
    /// Sections the thresholds come from.
    pub sections: String,
}

/// The first occurrence of one weakness, explained.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct HashWeaknessDetail {
    /// Weakness id ([`fx_core::vocab::HASH_WEAKNESSES`]).
    pub id: String,
    /// Why, with the figures compared (`bcrypt cost 4 < 10`).
    pub detail: String,
    /// Line it was first seen on.
    pub first_line: u64,
}

/// The data of fx-probe's `hash_kdf` step.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct HashAuditData {
    /// The baseline cited.
    pub baseline: HashBaseline,
    /// Each weakness explained once.
    pub findings: Vec<HashWeaknessDetail>,
    /// The statement that nothing was recovered.
    pub recovery: String,
    /// Budgets that cut the audit short (`budget:max_hash_lines`, `budget:work_bytes`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub caps_hit: Vec<String>,
}
