//! Post-quantum evidence of fx-probe (step `pqc`): the DESIGN §9 `pqc`
//! conclusion and the step's data (size geometry per target, structure
//! checks, DER wrappers).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::common::Region;

/// One concluded post-quantum candidate (`pqc.candidates[]`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PqcCandidate {
    /// Parameter set in FIPS / draft names (`ML-KEM-768`, `ML-DSA-44`,
    /// `SLH-DSA-SHA2-128s`, `MLKEM768-X25519-SHA3-256`).
    pub algorithm: String,
    /// What the bytes would be: `public_key`, `secret_key`, `ciphertext`, `signature`.
    pub object: String,
    /// Deterministic integer score, higher is better.
    pub score: i64,
    /// Offset of the first structure defect, for a candidate whose structure
    /// check failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invalid_at: Option<u64>,
}

/// The DESIGN §9 `pqc` conclusion. The three checks are tri-state and
/// always written: `None` (`null`) means "not checked".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PqcConclusion {
    /// The candidates concluded, best first.
    pub candidates: Vec<PqcCandidate>,
    /// Whether the bytes passed the scheme's structure check (coefficient
    /// bounds, hint encoding, …).
    #[serde(default)]
    pub valid_structure: Option<bool>,
    /// Whether a signature verified (only when the policy allows verifying).
    #[serde(default)]
    pub verified: Option<bool>,
    /// Whether a ciphertext decapsulated (only when the policy allows it).
    #[serde(default)]
    pub decapsulated: Option<bool>,
}

/// One candidate the size geometry proposed for a target (step data; not
/// every candidate is concluded).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PqcTargetCandidate {
    /// Parameter set.
    pub algorithm: String,
    /// `public_key`, `secret_key`, `ciphertext`, `signature`.
    pub object: String,
    /// True when the target's size is exactly the parameter set's size.
    pub exact: bool,
    /// Deterministic integer score.
    pub score: i64,
    /// Private-key form (`seed`, `expanded`, …) a size names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub form: Option<String>,
    /// Result of the structure check, when one ran: `valid` or `invalid`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub structure: Option<String>,
    /// Offset of the first structure defect.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invalid_at: Option<u64>,
}

/// One region fx-probe measured against the parameter-set sizes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PqcTarget {
    /// The region (the whole artifact, a parsed key, a split).
    pub region: Region,
    /// Candidates, best first, bounded by `top_k`.
    pub candidates: Vec<PqcTargetCandidate>,
    /// Candidates before the bound.
    pub total: u64,
}

/// The wrapper a post-quantum key was read from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PqcDer {
    /// `spki` or `pkcs8`.
    pub wrapper: String,
    /// Dotted algorithm OID read inside it.
    pub oid: String,
    /// Private-key form of a PKCS#8 key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub form: Option<String>,
}

/// The data of fx-probe's `pqc` step (single-artifact form).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PqcProbeData {
    /// The regions measured.
    pub targets: Vec<PqcTarget>,
    /// How the step decided (`concluded`, `ambiguous`,
    /// `size_of_a_split_is_no_evidence`, `structure_invalid`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conclusion: Option<String>,
    /// The DER wrapper an algorithm OID was read from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub der: Option<PqcDer>,
    /// The PEM label of the block measured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pem_label: Option<String>,
    /// Regions left out by the `max_regions` cap.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dropped_regions: Vec<Region>,
    /// Bytes of the work budget used.
    pub work_bytes_used: u64,
    /// Budgets hit (`budget:top_k`, …).
    pub caps_hit: Vec<String>,
}

/// One member of a bundle job as fx-probe's `pqc` step measured it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum PqcBundleMember {
    /// A member that was read and measured.
    Measured {
        /// The member's role (`public_key`, `signature`, `ciphertext`, …).
        role: String,
        /// Bytes of the member.
        size: u64,
        /// How its key was read (`raw`, `spki`, `pkcs8`, …).
        form: String,
        /// Dotted algorithm OID read from its wrapper (`null` for raw bytes).
        #[serde(default)]
        oid: Option<String>,
        /// Candidates, best first, bounded (none for a `message`).
        candidates: Vec<PqcTargetCandidate>,
        /// Candidates before the bound.
        total: u64,
    },
    /// A member whose bytes could not be read.
    Unread {
        /// The member's role.
        role: String,
        /// Why it could not be read.
        error: String,
    },
}

/// The data of fx-probe's `pqc` step for a bundle job (public key with
/// signature and message, or secret key with ciphertext); `verify` and
/// `decapsulate` follow it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PqcBundleData {
    /// Each member, in job order.
    pub members: Vec<PqcBundleMember>,
    /// Bytes of the work budget used.
    pub work_bytes_used: u64,
    /// Budgets hit (`budget:work_bytes`).
    pub caps_hit: Vec<String>,
}

/// One parameter set tried by `verify`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct VerifyTry {
    /// The parameter set (`ML-DSA-65`, …).
    pub algorithm: String,
    /// The backend's name for it, when the backend ran.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backend_algorithm: Option<String>,
    /// True when the signature verified under this set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verified: Option<bool>,
    /// Why the backend could not try it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// The data of fx-probe's `verify` step: a post-quantum signature checked
/// against a public key of the same job, or a self-signed certificate's
/// signature checked against the key of its own SubjectPublicKeyInfo.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct VerifyData {
    /// Parameter sets both objects' sizes allow (a certificate: the set its
    /// signature algorithm OID names).
    pub candidates: Vec<String>,
    /// The sets tried, in order (bounded).
    pub tries: Vec<VerifyTry>,
    /// The backend and its version (`liboqs 0.13.0`).
    pub backend: String,
    /// What was signed when it is no `message` member: `tbs_certificate`
    /// (a self-signed certificate's TBSCertificate, as written).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signed: Option<String>,
}

/// One parameter set tried by `decapsulate`. Never the shared secret: its
/// SHA-256 and length only.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct DecapsulateTry {
    /// The parameter set (`ML-KEM-768`, …).
    pub algorithm: String,
    /// `sha256:…` of the shared secret, when decapsulation ran.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shared_secret_sha256: Option<String>,
    /// Bytes of the shared secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shared_secret_length: Option<u64>,
    /// True when it equals the expected shared secret (when one was given).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub matches_expected: Option<bool>,
    /// Why it could not be tried (secret key length, a set this backend
    /// lacks), or the backend's refusal when `rejected`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// True when the backend ran this set and refused these bytes (HQC
    /// reports an error for a ciphertext that fails its re-encryption
    /// check, where ML-KEM rejects implicitly): a failed decapsulation,
    /// not an unsupported set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rejected: Option<bool>,
}

/// The data of fx-probe's `decapsulate` step: a KEM ciphertext decapsulated
/// with a secret key of the same job (policy permitting).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct DecapsulateData {
    /// Parameter sets both objects' sizes allow.
    pub candidates: Vec<String>,
    /// The sets tried, in order (bounded).
    pub tries: Vec<DecapsulateTry>,
    /// True when the job carried an expected shared secret to compare with.
    pub expected_shared_secret: bool,
    /// The backend and its version (`liboqs 0.13.0`).
    pub backend: String,
}
