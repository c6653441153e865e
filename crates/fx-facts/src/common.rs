//! Records shared by several steps: an algorithm identifier, a key's
//! algorithm, a failure finding, a password-based encryption scheme.

use fx_core::vocab::FailureKind;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// An algorithm identifier read from a structure (a signature algorithm).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct AlgorithmId {
    /// Dotted OID as read.
    pub oid: String,
    /// Registry name of the OID (`ecdsa-with-SHA256`, `ML-DSA-44`); absent
    /// when fx does not know the OID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// What was read about one key (fx-inspect's `KeyAlg`): the algorithm in
/// DESIGN §9 names. For a post-quantum key the algorithm name is the
/// parameter set (`ML-KEM-768`, `SLH-DSA-SHA2-128s`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct KeyAlgorithm {
    /// Dotted OID of the key's algorithm identifier; empty where the format
    /// names the algorithm without an OID (an OpenSSH key type).
    pub oid: String,
    /// DESIGN §9 algorithm name; absent when the OID is unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub algorithm: Option<String>,
    /// RSA/DSA modulus bits (or the key size of the named algorithm).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_bits: Option<u64>,
    /// Curve name (`P-256`, `secp256k1`, `brainpoolP256r1`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub curve: Option<String>,
    /// Bytes of the key as stored (BIT STRING content of an SPKI, private key
    /// octets of a PKCS#8, the key blob of an SSH format).
    pub key_len: u64,
    /// The key length the parameter set requires, when it is fixed (a
    /// mismatch is reported as a `bad_length` finding).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_len: Option<u64>,
    /// Private-key form of a post-quantum key (`seed`, `expanded`, `both`,
    /// `raw`, `octet_string`, `sequence`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub form: Option<String>,
    /// Pre-hash of a HashML-DSA / HashSLH-DSA OID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prehash: Option<String>,
    /// Component algorithms of a composite key, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub components: Vec<String>,
}

/// The data of a skipped step that says why in words only (fx-inspect's
/// `crosscheck` when the tool could not be started, fx-probe's `tamper`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct SkipDetail {
    /// Why the step was skipped (deterministic text, or the tool runner's
    /// error).
    pub detail: String,
}

/// A failure shape a parser met inside a step, with where it happened.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Finding {
    /// The normalised failure shape (DESIGN §9 `failures`).
    #[schemars(schema_with = "crate::schema::failure")]
    pub kind: FailureKind,
    /// Byte offset (in the artifact, or in the decoded PEM block `block`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<u64>,
    /// PEM block index the offset refers to (absent: the raw artifact).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block: Option<u32>,
    /// What exactly was wrong (deterministic text).
    pub detail: String,
}

/// A password-based encryption scheme (PKCS#5/PKCS#8/PKCS#12), read from its
/// algorithm identifier. Salts and IVs are described by length only.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PbeScheme {
    /// Scheme name (`PBES2`, `pbeWithSHAAnd3-KeyTripleDES-CBC`, …) or OID.
    pub scheme: String,
    /// Scheme OID.
    pub oid: String,
    /// Key derivation function (`PBKDF2`, `scrypt`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kdf: Option<String>,
    /// PBKDF2 PRF (`HMAC-SHA256`); absent means the default HMAC-SHA1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prf: Option<String>,
    /// Iteration count (PBKDF2, PBES1, PKCS#12).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iterations: Option<u64>,
    /// Salt length in bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub salt_len: Option<u64>,
    /// Derived key length in bytes, when the parameters state it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_len: Option<u64>,
    /// scrypt cost parameters `[N, r, p]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scrypt: Option<[u64; 3]>,
    /// Content cipher (`AES-256-CBC`, …) or its OID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cipher: Option<String>,
    /// IV length in bytes, when the cipher parameters are an IV.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iv_len: Option<u64>,
}

/// A candidate core region (DESIGN §9 `regions`): where in the artifact a
/// cryptographic object may sit.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Region {
    /// Byte offset in the artifact (or in the decoded block `block`).
    pub offset: u64,
    /// Length in bytes.
    pub length: u64,
    /// What the region holds (`kem_ciphertext`, `aead`, `signature`,
    /// `public_key`, `artifact`, …).
    pub kind: String,
    /// Algorithm the region was proposed for, when one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub algorithm: Option<String>,
    /// Deterministic integer score (0–1000), higher is better.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<u64>,
    /// PEM block (or unarmored text) whose decoded bytes `offset` refers to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block: Option<u32>,
    /// What proposed the region (`der`, `pem`, `openssh`, `pqc_split`,
    /// `geometry`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}
