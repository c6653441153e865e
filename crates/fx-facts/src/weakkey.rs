//! The weak-key workbench's records (fx-weakkeys): one line of
//! `RUN/weakkeys/findings.jsonl` per public key that is weak (or that the
//! workbench refused to check), and the metrics line
//! `RUN/metrics/weakkeys.json`. Factors and private keys never appear in
//! either: a record names the key by the SHA-256 of its public value.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Format tag of a [`WeakKeyRecord`].
pub const WEAKKEY_FORMAT: &str = "weakkey/1";
/// Format tag of [`WeakKeyMetrics`].
pub const WEAKKEY_METRICS_FORMAT: &str = "metrics_weakkeys/1";
/// Module of the audit's per-job event (fx-weakkeys `--stream`).
pub const AUDIT_MODULE: &str = "weakkeys";
/// Step of the audit's per-job event.
pub const AUDIT_STEP: &str = "audit";
/// Keys listed at most in one job's [`WeakKeyAudit`] (the rest are counted
/// in `unlisted`; `RUN/weakkeys/findings.jsonl` has them all).
pub const MAX_LISTED_KEYS: usize = 64;

/// The `key_weaknesses` ids of DESIGN §9, in the order they are sorted.
pub const WEAKNESS_IDS: &[&str] = &[
    "blocklisted",
    "fermat",
    "invalid_point",
    "roca",
    "shared_prime",
    "small_exponent",
    "small_factor",
    "small_private_exponent",
    "small_subgroup",
    "too_small",
    "unusual_exponent",
];

/// One weak (or unchecked) public key of a run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WeakKeyRecord {
    /// Format tag, `weakkey/1`.
    pub fx: String,
    /// The run the keys were read from.
    pub run_id: String,
    /// `sha256:` of the key's public value: the RSA modulus as unsigned
    /// big-endian bytes without leading zeros (the input of badkeys'
    /// blocklist hash), or the EC point as encoded in the key.
    pub key: String,
    /// `rsa`, `ec` or `x25519`.
    pub algorithm: String,
    /// Modulus size in bits (RSA), field size in bits (EC).
    pub bits: u64,
    /// The named curve (`P-256`, `P-384`, `P-521`, `secp256k1`, `X25519`), for EC keys.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub curve: Option<String>,
    /// `weak` (at least one weakness) or `failed` (the key was not checked: see `failure`).
    pub status: String,
    /// The weakness ids (DESIGN §9 `key_weaknesses`), sorted; empty when `failed`.
    pub weaknesses: Vec<String>,
    /// For `shared_prime`: the other keys of the run (by `key`) that share a
    /// prime with this one, sorted; empty when more keys shared primes than
    /// the workbench pairs up (`shared_with_truncated`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub shared_with: Vec<String>,
    /// True when `shared_with` was not computed because too many keys shared primes.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub shared_with_truncated: bool,
    /// The artifacts (ids) that hold this key, sorted.
    pub artifacts: Vec<String>,
    /// Why a key was not checked (`modulus_too_large`, `exponent_too_large`), when `failed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure: Option<String>,
}

/// `RUN/metrics/weakkeys.json`: counts and timings of one workbench run
/// (wall-clock figures live only here, never in the findings).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WeakKeyMetrics {
    /// Format tag, `metrics_weakkeys/1`.
    pub fx: String,
    /// The run.
    pub run_id: String,
    /// Artifacts (and bundle members) read.
    pub artifacts_read: u64,
    /// Artifacts that could not be read (missing or over the size limit).
    pub artifacts_unreadable: u64,
    /// Distinct RSA moduli checked (the batch GCD's input).
    pub rsa_keys: u64,
    /// Distinct EC / X25519 points checked.
    pub ec_keys: u64,
    /// Keys not checked (over a size cap).
    pub failed_keys: u64,
    /// Weak keys per weakness id.
    pub per_weakness: BTreeMap<String, u64>,
    /// Levels of the product tree.
    pub tree_levels: u64,
    /// Levels written to disk because the tree passed the memory cap.
    pub spilled_levels: u64,
    /// The memory cap of the tree in bytes.
    pub memory_cap_bytes: u64,
    /// Largest tree bytes held in memory at once (product levels and remainders).
    pub peak_tree_bytes: u64,
    /// Seconds spent in the batch GCD.
    pub batch_gcd_seconds: f64,
    /// Seconds of the whole command.
    pub wall_seconds: f64,
}

/// The `data` of a job's `weakkeys`/`audit` event: what the weak-key audit
/// found in the public keys of this job's artifact (and bundle members).
/// The event's conclusion carries the union of the listed keys'
/// `weaknesses` as `key_weaknesses` (DESIGN §9); a job whose keys are all
/// fine has an `ok` event with no conclusion.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WeakKeyAudit {
    /// Public keys read from the artifact and its members (a key held twice counts twice).
    pub keys_read: u64,
    /// The artifact's blobs (or members) that could not be read.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub unreadable: u64,
    /// The weak keys, and the keys not checked (over a size cap), sorted by
    /// `key`; at most [`MAX_LISTED_KEYS`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keys: Vec<AuditedKey>,
    /// Weak or unchecked keys past [`MAX_LISTED_KEYS`], not listed.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub unlisted: u64,
}

/// One weak or unchecked key of a job (never a factor: the key is named by
/// the SHA-256 of its public value, as in [`WeakKeyRecord`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AuditedKey {
    /// `sha256:` of the public value, the `key` of its [`WeakKeyRecord`].
    pub key: String,
    /// `rsa`, `ec` or `x25519`.
    pub algorithm: String,
    /// Modulus or field size in bits.
    pub bits: u64,
    /// The named curve, for EC keys.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub curve: Option<String>,
    /// Its weakness ids, sorted (empty for a key not checked).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub weaknesses: Vec<String>,
    /// For `shared_prime`: how many other keys of the run share a prime with it
    /// (0 when the pairing was skipped; the findings file names them).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub shared_with: u64,
    /// Why the key was not checked (`modulus_too_large`, `exponent_too_large`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure: Option<String>,
}

impl AuditedKey {
    /// The listed form of a findings record.
    pub fn of(r: &WeakKeyRecord) -> AuditedKey {
        AuditedKey {
            key: r.key.clone(),
            algorithm: r.algorithm.clone(),
            bits: r.bits,
            curve: r.curve.clone(),
            weaknesses: r.weaknesses.clone(),
            shared_with: r.shared_with.len() as u64,
            failure: r.failure.clone(),
        }
    }
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}
