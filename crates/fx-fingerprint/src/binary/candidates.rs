//! From evidence to library candidates: which crypto libraries a binary
//! links, contains or is, with version, role and confidence.
//!
//! Roles:
//! * `consumer` — linked dynamically (needed library, imported symbols) and
//!   not compiled in: `/usr/bin/openssl` is a consumer of libssl;
//! * `static_copy` — the implementation is compiled into this binary
//!   (defined symbols, its own version strings, constants);
//! * `library` — this file *is* the library (its soname is one of the
//!   library's names), e.g. `libcrypto.so.3`.

use std::collections::BTreeMap;

use serde::Serialize;

use super::go_buildinfo::GoBuildInfo;
use super::libraries::{LIBRARIES, LibrarySig, RUST_CRATES, needed_matches, soname_version};
use super::object::ObjectInfo;
use super::scan::ScanResult;

/// One library candidate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Candidate {
    /// Library name from the table.
    pub name: &'static str,
    /// Version, when one was read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// `consumer`, `static_copy` or `library`.
    pub role: &'static str,
    /// Kinds of evidence: `needed`, `symbols`, `strings`, `constants`.
    pub evidence: Vec<&'static str>,
    /// Confidence in permille.
    pub confidence: u32,
    /// Details behind the evidence.
    pub detail: CandidateDetail,
}

/// The numbers behind a candidate.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct CandidateDetail {
    /// Needed libraries that matched.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub needed: Vec<String>,
    /// Imported symbols with the library's prefixes.
    pub imported_symbols: usize,
    /// Defined symbols with the library's prefixes.
    pub defined_symbols: usize,
    /// Version strings read, with counts.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub version_strings: BTreeMap<String, u64>,
    /// Marker strings seen.
    pub markers: u64,
    /// Algorithms the build offers (liboqs symbols, provider names).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub algorithms: Vec<String>,
    /// Rust crates behind it, `name@version`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub crates: Vec<String>,
}

fn count_prefixed(symbols: &[String], prefixes: &[&str]) -> usize {
    if prefixes.is_empty() {
        return 0;
    }
    symbols
        .iter()
        .filter(|s| prefixes.iter().any(|p| s.starts_with(p)))
        .count()
}

/// The most frequent version string (ties: the highest text, for determinism).
fn best_version(versions: &BTreeMap<String, u64>) -> Option<String> {
    versions
        .iter()
        .max_by(|a, b| a.1.cmp(b.1).then(a.0.cmp(b.0)))
        .map(|(v, _)| v.clone())
}

/// liboqs algorithm names from its symbols (`OQS_KEM_ml_kem_768_keypair`).
fn oqs_algorithms(defined: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for s in defined {
        for (prefix, suffix) in [("OQS_KEM_", "_keypair"), ("OQS_SIG_", "_sign")] {
            if let Some(mid) = s.strip_prefix(prefix).and_then(|r| r.strip_suffix(suffix)) {
                if !mid.is_empty()
                    && !mid.contains("new")
                    && out.len() < 256
                    && !out.iter().any(|o| o == mid)
                {
                    out.push(mid.to_string());
                }
            }
        }
    }
    out.sort();
    out
}

/// `ring_core_0_17_8_…` → `0.17.8`.
fn ring_version(defined: &[String]) -> Option<String> {
    defined.iter().find_map(|s| {
        let rest = s.strip_prefix("ring_core_")?;
        let parts: Vec<&str> = rest.splitn(4, '_').collect();
        (parts.len() == 4
            && parts[..3]
                .iter()
                .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit())))
        .then(|| parts[..3].join("."))
    })
}

/// Builds the candidates, best first.
pub fn candidates(obj: &ObjectInfo, scan: &ScanResult, go: Option<&GoBuildInfo>) -> Vec<Candidate> {
    let crypto_constants = !scan.constants.is_empty();
    let mut out = Vec::new();
    for (idx, sig) in LIBRARIES.iter().enumerate() {
        if let Some(c) = candidate(idx, sig, obj, scan, go, crypto_constants) {
            out.push(c);
        }
    }
    // OpenSSL forks share its API: when a fork proves itself by its strings,
    // the symbol-only "openssl" reading is the fork's
    let fork_proven = out.iter().any(|c| {
        matches!(c.name, "boringssl" | "aws-lc" | "libressl") && c.evidence.contains(&"strings")
    });
    if fork_proven {
        out.retain(|c| c.name != "openssl" || c.detail.version_strings.keys().next().is_some());
    }
    out.sort_by(|a, b| b.confidence.cmp(&a.confidence).then(a.name.cmp(b.name)));
    out
}

fn candidate(
    idx: usize,
    sig: &LibrarySig,
    obj: &ObjectInfo,
    scan: &ScanResult,
    go: Option<&GoBuildInfo>,
    crypto_constants: bool,
) -> Option<Candidate> {
    let mut d = CandidateDetail {
        needed: obj
            .needed
            .iter()
            .filter(|n| needed_matches(sig, n))
            .cloned()
            .collect(),
        imported_symbols: count_prefixed(&obj.imports, sig.symbol_prefixes),
        defined_symbols: count_prefixed(&obj.defined, sig.symbol_prefixes),
        version_strings: scan.versions.get(&idx).cloned().unwrap_or_default(),
        markers: scan.markers.get(&idx).copied().unwrap_or(0),
        ..CandidateDetail::default()
    };
    for (krate, lib) in RUST_CRATES {
        if *lib == sig.name {
            if let Some(vs) = scan.crates.get(*krate) {
                for v in vs {
                    d.crates.push(format!("{krate}@{v}"));
                }
            }
        }
    }
    let is_self = obj
        .soname
        .as_deref()
        .is_some_and(|s| needed_matches(sig, s));
    let go_crypto = sig.name == "go-crypto" && go.is_some() && d.markers > 0;
    let strings = !d.version_strings.is_empty() || d.markers > 0;
    let any = !d.needed.is_empty()
        || d.imported_symbols > 0
        || d.defined_symbols >= 3
        || !d.version_strings.is_empty()
        || !d.crates.is_empty()
        || go_crypto
        // marker strings alone prove nothing (fx's own binary holds them all):
        // they only support a candidate that has another sign
        || (d.markers > 0 && is_self);
    if !any {
        return None;
    }
    let compiled_in = d.defined_symbols >= 20
        || (d.defined_symbols >= 3 && strings)
        || !d.crates.is_empty()
        || go_crypto
        || (!d.version_strings.is_empty() && d.needed.is_empty() && crypto_constants);
    let role = if is_self {
        "library"
    } else if compiled_in {
        "static_copy"
    } else if !d.needed.is_empty() || d.imported_symbols > 0 {
        "consumer"
    } else {
        "static_copy"
    };

    let mut evidence = Vec::new();
    if !d.needed.is_empty() {
        evidence.push("needed");
    }
    if d.imported_symbols > 0 || d.defined_symbols > 0 {
        evidence.push("symbols");
    }
    if strings || !d.crates.is_empty() || go_crypto {
        evidence.push("strings");
    }
    if crypto_constants && role != "consumer" {
        evidence.push("constants");
    }

    let mut version = match role {
        "consumer" => d.needed.iter().find_map(|n| soname_version(n)),
        "library" => best_version(&d.version_strings)
            .or_else(|| obj.soname.as_deref().and_then(soname_version)),
        _ => best_version(&d.version_strings),
    };
    if sig.name == "ring" {
        version = ring_version(&obj.defined).or(version);
    }
    // "rustcrypto" is a family of crates, each with its own version (in detail.crates)
    if version.is_none() && sig.name != "rustcrypto" {
        if let Some(first) = d.crates.first() {
            version = first.split_once('@').map(|(_, v)| v.to_string());
        }
    }
    if go_crypto {
        version = go.map(|g| g.go_version.clone());
    }
    if sig.name == "liboqs" {
        d.algorithms = oqs_algorithms(&obj.defined);
    }
    if matches!(sig.name, "openssl" | "boringssl" | "aws-lc" | "liboqs") && role != "consumer" {
        for a in &scan.algorithms {
            if !d.algorithms.iter().any(|x| x == a) {
                d.algorithms.push((*a).to_string());
            }
        }
    }

    let confidence = match role {
        "library" => 850 + if version.is_some() { 100 } else { 0 },
        "consumer" => {
            600 + if d.imported_symbols > 0 { 150 } else { 0 }
                + if d.needed.is_empty() { 0 } else { 150 }
                + if version.is_some() { 50 } else { 0 }
        }
        _ => {
            300 + if d.defined_symbols >= 20 {
                250
            } else if d.defined_symbols > 0 {
                100
            } else {
                0
            } + if d.version_strings.is_empty() { 0 } else { 200 }
                + if d.markers > 0 { 50 } else { 0 }
                + if crypto_constants { 100 } else { 0 }
                + if d.crates.is_empty() && !go_crypto {
                    0
                } else {
                    300
                }
        }
    }
    .min(990);
    Some(Candidate {
        name: sig.name,
        version,
        role,
        evidence,
        confidence,
        detail: d,
    })
}
