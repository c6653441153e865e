//! Deep fingerprinting: gated, capped across processes, cached.
//!
//! * **Gate** ([`gate`]): runs only when `safety.heavy_work` is true *and* a
//!   trigger justifies it (no confident light result); the decision is an
//!   event either way (`step: "deep"`).
//! * **Cap and limits**: a deep analysis is a task of the run's heavy pool
//!   ([`fx_core::heavy`]): at most `safety.heavy_concurrency` heavy tasks at
//!   once across every process of the run, each held to the policy's
//!   `[heavy.fingerprint_deep]` limits, each admission or limit hit an
//!   event (`step: "heavy"`).
//! * **Cache**: `RUN/cache/fingerprint/<key>.json`, key = sha256(artifact
//!   hash ‖ toolchain hash ‖ deep version), written atomically; a hit yields
//!   exactly the events a miss would. Hit/miss lines go to
//!   `RUN/metrics/fingerprint_cache.jsonl` only.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::candidates::Candidate;
use super::instructions::InstructionEvidence;

/// Version of the deep analysis; part of the cache key.
pub const DEEP_VERSION: &str = "deep/1";

/// Light results below this confidence call for deep work.
pub const CONFIDENT_PERMILLE: u32 = 700;

/// Why deep work runs or not.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Gate {
    /// Run, for this trigger.
    Run(&'static str),
    /// Do not run, for this skip reason.
    Skip(&'static str),
}

/// Decides whether deep work runs.
pub fn gate(heavy_work: bool, candidates: &[Candidate], constants_found: bool) -> Gate {
    let best = candidates
        .iter()
        .filter(|c| c.role != "consumer")
        .map(|c| c.confidence)
        .max();
    let trigger = match best {
        None if constants_found => Some("constants_without_library"),
        None => None,
        Some(b) if b < CONFIDENT_PERMILLE => Some("low_confidence"),
        Some(b) => {
            let close = candidates
                .iter()
                .filter(|c| c.role != "consumer" && c.confidence + 100 >= b)
                .count();
            (close > 1).then_some("ambiguous")
        }
    };
    match (heavy_work, trigger) {
        (_, None) => Gate::Skip("not_needed:confident"),
        (false, Some(_)) => Gate::Skip("policy:heavy_work_disabled"),
        (true, Some(t)) => Gate::Run(t),
    }
}

/// What deep work found (the cached value).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeepResult {
    /// Instruction evidence, when the architecture is decodable.
    pub instructions: Option<InstructionEvidence>,
}

/// The cache key of an artifact's deep result.
pub fn cache_key(artifact_hash: &str, toolchain_hash: &str) -> String {
    let h = fx_core::hashing::sha256_tagged(
        format!("{artifact_hash}\n{toolchain_hash}\n{DEEP_VERSION}").as_bytes(),
    );
    h.trim_start_matches("sha256:").to_string()
}

/// Reads a cached result.
pub fn cache_get(run: &Path, key: &str) -> Option<DeepResult> {
    let p = run.join("cache/fingerprint").join(format!("{key}.json"));
    let bytes = std::fs::read(p).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// Stores a result (temp file + rename).
pub fn cache_put(run: &Path, key: &str, value: &DeepResult) {
    let p = run.join("cache/fingerprint").join(format!("{key}.json"));
    let _ = fx_core::run::write_json_atomic(&p, value);
}

/// Appends a hit/miss line to the run's metrics (wall-clock free, but
/// metrics is where cache behaviour belongs).
pub fn record_cache(run: &Path, key: &str, hit: bool) {
    let dir = run.join("metrics");
    if std::fs::create_dir_all(&dir).is_err() {
        return;
    }
    if let Ok(mut f) = OpenOptions::new()
        .create(true)
        .append(true)
        .open(dir.join("fingerprint_cache.jsonl"))
    {
        let line = format!(
            "{{\"key\":\"{key}\",\"cache\":\"{}\"}}\n",
            if hit { "hit" } else { "miss" }
        );
        let _ = f.write_all(line.as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cand(role: &'static str, confidence: u32) -> Candidate {
        Candidate {
            name: "openssl",
            version: None,
            role,
            evidence: vec![],
            confidence,
            detail: Default::default(),
        }
    }

    #[test]
    fn gating_decisions() {
        assert_eq!(
            gate(false, &[cand("static_copy", 500)], true),
            Gate::Skip("policy:heavy_work_disabled")
        );
        assert_eq!(
            gate(true, &[cand("static_copy", 500)], true),
            Gate::Run("low_confidence")
        );
        assert_eq!(
            gate(true, &[cand("library", 950)], true),
            Gate::Skip("not_needed:confident")
        );
        assert_eq!(
            gate(true, &[], true),
            Gate::Run("constants_without_library")
        );
        assert_eq!(
            gate(true, &[cand("consumer", 900)], false),
            Gate::Skip("not_needed:confident")
        );
        assert_eq!(
            gate(
                true,
                &[cand("static_copy", 900), cand("static_copy", 850)],
                true
            ),
            Gate::Run("ambiguous")
        );
    }
}
