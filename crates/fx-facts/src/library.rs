//! Binaries: crypto libraries found by fx-fingerprint (step `libraries` and
//! the DESIGN §9 `libraries` conclusion), the object facts (step `object`)
//! and the constants scan (step `constants`).

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// One crypto library in the DESIGN §9 `libraries` conclusion.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Library {
    /// Library name from fx's table (`openssl`, `boringssl`, `libsodium`, …).
    pub name: String,
    /// Version, when one was read (`3`, `3.0.19`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// `consumer` (links it), `static_copy` (carries a copy) or `library` (is it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// Kinds of evidence: `needed`, `symbols`, `strings`, `constants`.
    #[serde(default)]
    pub evidence: Vec<String>,
    /// Confidence in permille.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidence: Option<u32>,
}

/// The numbers behind a library candidate.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct LibraryDetail {
    /// Needed libraries that matched.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub needed: Vec<String>,
    /// Imported symbols with the library's prefixes.
    pub imported_symbols: u64,
    /// Defined symbols with the library's prefixes.
    pub defined_symbols: u64,
    /// Version strings read, with counts.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub version_strings: BTreeMap<String, u64>,
    /// Marker strings seen.
    pub markers: u64,
    /// Constants only this library carries, found in the file.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub constants: Vec<String>,
    /// Algorithms the build offers (liboqs symbols, provider names).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub algorithms: Vec<String>,
    /// Rust crates behind it, `name@version`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub crates: Vec<String>,
}

/// One library candidate (step `libraries` data).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct LibraryCandidate {
    /// Library name.
    pub name: String,
    /// Version, when one was read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// `consumer`, `static_copy` or `library`.
    pub role: String,
    /// Kinds of evidence.
    pub evidence: Vec<String>,
    /// Confidence in permille.
    pub confidence: u32,
    /// The numbers behind the evidence.
    pub detail: LibraryDetail,
}

/// The data of fx-fingerprint's `libraries` step.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct LibrariesData {
    /// Candidates, best first.
    pub candidates: Vec<LibraryCandidate>,
}

/// Go build information of a Go binary.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct GoBuildInfo {
    /// Go toolchain version.
    pub go_version: String,
    /// Main package path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Main module version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub main_version: Option<String>,
    /// Dependencies `(module path, version)`.
    pub deps: Vec<(String, String)>,
    /// True when the dependency list hit its cap.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub deps_capped: bool,
}

/// Rust toolchain evidence of a binary.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct RustEvidence {
    /// rustc commit hashes.
    pub rustc_commits: Vec<String>,
    /// Crates seen in registry paths: name → versions.
    pub crates: BTreeMap<String, Vec<String>>,
}

/// The data of fx-fingerprint's `object` step: the executable's structure.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ObjectData {
    /// `elf`, `pe` or `macho` (`null` when unknown).
    #[serde(default)]
    pub format: Option<String>,
    /// Architecture names (one per slice of a fat file).
    pub arch: Vec<String>,
    /// Libraries needed at run time (DT_NEEDED, imported DLLs, dylibs).
    pub needed: Vec<String>,
    /// The file's own library name (ELF soname, PE export name, dylib id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub soname: Option<String>,
    /// Imported symbol count.
    pub import_count: u64,
    /// Defined symbol count.
    pub defined_count: u64,
    /// Section count.
    pub sections: u64,
    /// GNU build id, hex.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub build_id: Option<String>,
    /// True when nothing is linked dynamically.
    pub statically_linked: bool,
    /// True when a list hit its cap.
    pub capped: bool,
    /// Go build information.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub go_buildinfo: Option<GoBuildInfo>,
    /// Rust toolchain evidence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rust: Option<RustEvidence>,
}

/// One crypto constant found in a binary.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ConstantHit {
    /// Constant name (`AES S-box`).
    pub name: String,
    /// Algorithm family (`AES`).
    pub algorithm: String,
    /// Encoding of the match (`bytes`, `le32`, …).
    pub encoding: String,
    /// File offset.
    pub offset: u64,
    /// Section holding it, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub section: Option<String>,
}

/// The data of fx-fingerprint's `constants` step.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ConstantsData {
    /// Hits in file order (bounded).
    pub hits: Vec<ConstantHit>,
    /// Distinct constant names with their total count.
    pub counts: BTreeMap<String, u64>,
    /// Algorithm families found, first seen first.
    pub algorithms: Vec<String>,
}

/// Instruction counts of a binary's code, by mnemonic.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct InstructionEvidence {
    /// Instruction set decoded (`x86_64`, `x86`, `aarch64`).
    pub isa: String,
    /// Code bytes decoded.
    pub code_bytes: u64,
    /// True when the code-byte bound stopped the decoding.
    pub capped: bool,
    /// Mnemonic → count.
    pub counts: std::collections::BTreeMap<String, u64>,
    /// Extensions seen (`AES-NI`, `SHA-NI`, `PCLMULQDQ`, `ARMv8-AES`, …).
    pub extensions: Vec<String>,
}

/// The data of fx-fingerprint's `deep` step: the heavy analysis of a binary.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct DeepData {
    /// What made the analysis run.
    pub trigger: String,
    /// Instruction evidence (`null` when the architecture is not decodable).
    #[serde(default)]
    pub instructions: Option<InstructionEvidence>,
}
