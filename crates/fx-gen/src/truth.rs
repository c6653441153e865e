//! The records fx-gen writes: one truth line per generated object
//! (`truth.jsonl`), one provenance event per object (`provenance.jsonl`)
//! and the run's provenance (`provenance.json`). Plain serde structs,
//! ordered fields, no floats, no time, nothing machine-specific.

use serde::Serialize;

/// Wire tag of a truth line.
pub const TRUTH_TAG: &str = "fx-gen-truth/1";

/// A bundle member (a file with its role, as an intake CSV names it).
#[derive(Clone, Debug, Serialize)]
pub struct Member {
    /// `public_key`, `message`, `signature`, `secret_key`, `ciphertext`,
    /// `shared_secret`.
    pub role: &'static str,
    /// Path relative to OUT.
    pub path: String,
    /// `sha256:<hex>` of the file.
    pub sha256: String,
    /// Size in bytes.
    pub size: u64,
}

/// What fx should conclude about the object (the self-consistency test's
/// expectations; the accuracy truth stays with third-party oracles).
#[derive(Clone, Debug, Default, Serialize)]
pub struct Expect {
    /// The label the summary should carry.
    pub label: &'static str,
    /// The container the summary should name.
    pub container: &'static str,
    /// The parameter set the summary should name (for raw objects whose
    /// size other sets share, fx may only list it among its candidates:
    /// see `same_size`).
    pub algorithm: String,
    /// Other sets with an object of this size (fx cannot tell them apart
    /// by size alone).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub same_size: Vec<&'static str>,
    /// A bundle's outcome: `verified`, `not_verified`, `decapsulated`,
    /// `decapsulation_mismatch`; a certificate's `signature_invalid`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcome: Option<&'static str>,
    /// Failure shapes any one of which flags the defect (DESIGN §9).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub failures: Vec<&'static str>,
}

/// The defect of an invalid object.
#[derive(Clone, Debug, Serialize)]
pub struct DefectInfo {
    /// `flipped_byte`, `truncated`, `swapped_public_key`.
    pub kind: &'static str,
    /// Which member or part the defect is in (`signature`, `ciphertext`,
    /// `public_key`, `secret_key`, `der`).
    pub target: &'static str,
    /// The offset of the flipped byte, or the length kept by a truncation,
    /// within the target.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offset: Option<u64>,
}

/// One truth line.
#[derive(Clone, Debug, Serialize)]
pub struct Truth {
    /// Always [`TRUTH_TAG`].
    pub fx: &'static str,
    /// Stable id: `SET/INDEX/OBJECT/WRAPPER[/DEFECT]` (a bundle:
    /// `SET/INDEX/bundle/verify|decapsulate[/DEFECT]`).
    pub id: String,
    /// The file (relative to OUT), or the bundle name for a bundle.
    pub path: String,
    /// `sha256:<hex>` of the file (absent for a bundle: see `members`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    /// Size in bytes (a bundle: the sum of its members).
    pub size: u64,
    /// A bundle's members, in intake order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub members: Vec<Member>,
    /// The parameter set (DESIGN §9 name).
    pub algorithm: &'static str,
    /// Its family (`ml_kem`, `slh_dsa`, …).
    pub family: &'static str,
    /// `kem` or `signature`.
    pub kind: &'static str,
    /// `public_key`, `secret_key`, `ciphertext`, `signature`,
    /// `certificate`, `key_share`, `bundle`.
    pub object: &'static str,
    /// `raw`, `spki_der`, `spki_pem`, `pkcs8_der`, `pkcs8_pem`,
    /// `certificate_der`, `certificate_pem`, `tls_key_share`, `bundle`.
    pub wrapper: &'static str,
    /// Whether the object is well formed and consistent.
    pub valid: bool,
    /// The defect of an invalid object.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub defect: Option<DefectInfo>,
    /// The implementation that made it (`liboqs`, `ml-dsa`, `slh-dsa`).
    pub backend: &'static str,
    /// What fx should conclude.
    pub expect: Expect,
}

/// One seed an object was made from.
#[derive(Clone, Debug, Serialize)]
pub struct SeedUse {
    /// The seed's id (what was hashed after the template and toolchain).
    pub id: String,
    /// The seed, hex.
    pub seed: String,
}

/// The data of an object's provenance event.
#[derive(Clone, Debug, Serialize)]
pub struct ObjectProvenance {
    /// The object id (the truth line's).
    pub id: String,
    /// `sha256:<hex>` of the file, or of a bundle's canonical member list.
    pub sha256: String,
    /// The seeds it was made from, in the order they were used.
    pub seeds: Vec<SeedUse>,
}

/// One provenance event (the fx event shape: module, step, status, data).
#[derive(Clone, Debug, Serialize)]
pub struct ProvenanceEvent {
    /// Always `gen`.
    pub module: &'static str,
    /// Always `object`.
    pub step: &'static str,
    /// Always `ok` (a failure stops the command).
    pub status: &'static str,
    /// What was made from what.
    pub data: ObjectProvenance,
}

/// A set the template asked for that this build cannot make.
#[derive(Clone, Debug, Serialize)]
pub struct Skipped {
    /// The set.
    pub algorithm: &'static str,
    /// Why.
    pub reason: &'static str,
}

/// `provenance.json`: how the whole output was made.
#[derive(Clone, Debug, Serialize)]
pub struct Provenance {
    /// `fx-gen <version>`.
    pub generator: String,
    /// The template's `name`.
    pub template_name: String,
    /// `sha256:<hex>` of the template bytes.
    pub template_sha256: String,
    /// What the toolchain hash covers (name → version).
    pub toolchain: std::collections::BTreeMap<String, String>,
    /// `sha256:<hex>` of the canonical `toolchain` JSON.
    pub toolchain_hash: String,
    /// How each object's seed is derived.
    pub seed_derivation: &'static str,
    /// The byte stream each seed starts.
    pub drbg: &'static str,
    /// Objects written (truth lines).
    pub objects: u64,
    /// Files written under `objects/`.
    pub files: u64,
    /// Sets asked for that were not made, and why.
    pub skipped: Vec<Skipped>,
}
