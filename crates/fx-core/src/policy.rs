//! The run policy: budgets, caps and safety switches (DESIGN §5–§7).
//!
//! A policy is a TOML file whose every key is optional; what is absent takes
//! the documented default below (`fx-ingest --print-default-policy` prints the
//! whole file). The resolved policy is recorded in the run manifest with its
//! hash, so two runs with the same policy hash made the same decisions.
//! Budgets are counted in work (bytes, candidates, probes), never in time, so
//! a slow machine produces the same evidence; the tool timeout is the one
//! honest exception and is recorded when it fires.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// The resolved policy of a run.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Policy {
    /// Limits shared by every command.
    pub limits: Limits,
    /// External tool runs.
    pub tools: ToolPolicy,
    /// Safety switches.
    pub safety: Safety,
    /// Tenancy rules.
    pub tenancy: Tenancy,
    /// Router settings.
    pub route: RoutePolicy,
    /// Inspector settings.
    pub inspect: InspectPolicy,
    /// Probe budgets.
    pub probe: ProbePolicy,
    /// Fingerprinting settings.
    pub fingerprint: FingerprintPolicy,
    /// Sequencer settings.
    pub seq: SeqPolicy,
    /// Report settings.
    pub report: ReportPolicy,
    /// The heavy pool: queue bound and per-task limits ([`crate::heavy`]).
    pub heavy: HeavyPolicy,
}

/// The heavy pool ([`crate::heavy`], docs/policy.md "Heavy work"): how long
/// a task may wait for a slot, and each heavy module's per-task limits.
/// The cap itself is `safety.heavy_concurrency`; whether gated modules run
/// at all is `safety.heavy_work`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HeavyPolicy {
    /// Longest a heavy task waits for a slot before it gives up and is
    /// recorded as a `queue_timeout`, in milliseconds (default 600 000).
    pub max_wait_ms: u64,
    /// Deep fingerprinting of a binary (fx-fingerprint, gated by `heavy_work`).
    pub fingerprint_deep: HeavyLimits,
    /// liboqs signature verification and KEM decapsulation (fx-probe,
    /// switched by `verification` and `decapsulation`).
    pub probe_liboqs: HeavyLimits,
    /// The weak-key audit (fx-weakkeys, gated by `heavy_work`); its memory
    /// limit bounds the batch-GCD tree held in memory (beyond it, levels
    /// spill to disk).
    pub weakkeys: HeavyLimits,
}

/// Per-task limits of one heavy module. Memory and output are counted in
/// bytes of work, so they decide alike on any machine; time is wall clock,
/// the one honest exception, recorded when it fires.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HeavyLimits {
    /// Longest a task may run, in milliseconds.
    pub time_ms: u64,
    /// Most bytes of work a task may hold (its input, or its working set
    /// where the module counts one).
    pub memory_bytes: u64,
    /// Most bytes a task may record.
    pub output_bytes: u64,
}

/// Limits shared by every command.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// Longest accepted job line in bytes (default 64 MiB).
    pub max_line_bytes: u64,
    /// Largest artifact a native parser loads whole, in bytes (default 256 MiB).
    pub max_artifact_bytes: u64,
    /// Deepest nesting any parser follows (default 32).
    pub max_depth: u32,
}

/// External tool runs (DESIGN §6).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ToolPolicy {
    /// Timeout per tool run in milliseconds (default 20 000).
    pub timeout_ms: u64,
    /// Bytes of stdout and of stderr kept per run (default 1 MiB each).
    pub output_cap_bytes: u64,
    /// Whether tools run at all (default true).
    pub enabled: bool,
}

/// Safety switches (DESIGN §7).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Safety {
    /// Hash/KDF material is audited only. Must stay `true`: a policy that sets
    /// it to `false` is refused, because fx has no recovery path to enable.
    pub audit_only_hashes: bool,
    /// Allow tools to run without network isolation when neither a network
    /// namespace nor bubblewrap is available (default false: such runs are
    /// refused and recorded).
    pub allow_network: bool,
    /// Allow controlled tamper checks on ciphertexts (default false).
    pub tamper_checks: bool,
    /// Allow KEM decapsulation when a bundle holds secret key + ciphertext (default false).
    pub decapsulation: bool,
    /// Allow signature verification when a bundle holds key + signature + message (default true).
    pub verification: bool,
    /// Allow heavy work (deep reverse engineering, batch PQC generation) (default false).
    pub heavy_work: bool,
    /// Heavy jobs at once across every process of the run (default 1).
    pub heavy_concurrency: u32,
}

/// Tenancy rules.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Tenancy {
    /// Allow several tenants in one run (default false).
    pub allow_multiple_tenants: bool,
}

/// fx-route settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RoutePolicy {
    /// Bytes of each artifact the router sniffs (default 64 KiB).
    pub sniff_bytes: u64,
}

/// fx-inspect settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct InspectPolicy {
    /// Candidate regions kept per artifact after pruning (default 16).
    pub max_regions: u32,
    /// PEM blocks parsed per file (default 256).
    pub max_pem_blocks: u32,
    /// DER elements walked per artifact (default 100 000).
    pub max_der_nodes: u64,
    /// Cross-check native parses with openssl (default true).
    pub openssl_cross_check: bool,
}

/// fx-probe budgets.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ProbePolicy {
    /// Bytes one probe may scan (default 16 MiB).
    pub work_bytes: u64,
    /// Probes per artifact (default 16).
    pub probes_per_artifact: u32,
    /// Candidate regions probed per artifact, best first (default 8).
    pub top_k: u32,
    /// Hybrid splits tried per artifact (default 16).
    pub max_hybrid_splits: u32,
    /// Hash lines audited per file; the rest are counted only (default 10 000).
    pub max_hash_lines: u32,
    /// Baseline the hash/KDF weaknesses are judged against (default `owasp-2025`).
    pub hash_baseline: String,
}

/// fx-fingerprint settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FingerprintPolicy {
    /// TCP payload bytes reassembled per stream direction (default 256 KiB).
    pub max_stream_bytes: u64,
    /// ClientHellos fingerprinted per capture (default 10 000).
    pub max_client_hellos: u32,
    /// Cross-check captures with tshark (default true).
    pub tshark_cross_check: bool,
}

/// fx-seq settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SeqPolicy {
    /// Memory budget for sorting before spilling to disk, in bytes (default 64 MiB).
    pub sort_memory_bytes: u64,
}

/// fx-report settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ReportPolicy {
    /// Baseline that dates the migration of quantum-vulnerable public keys
    /// (default `nist-ir-8547`; `cnsa-2.0` selectable).
    pub quantum_baseline: String,
}

impl Default for ReportPolicy {
    fn default() -> Self {
        ReportPolicy {
            quantum_baseline: "nist-ir-8547".into(),
        }
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_line_bytes: 64 * 1024 * 1024,
            max_artifact_bytes: 256 * 1024 * 1024,
            max_depth: 32,
        }
    }
}

impl Default for ToolPolicy {
    fn default() -> Self {
        ToolPolicy {
            timeout_ms: 20_000,
            output_cap_bytes: 1024 * 1024,
            enabled: true,
        }
    }
}

impl Default for Safety {
    fn default() -> Self {
        Safety {
            audit_only_hashes: true,
            allow_network: false,
            tamper_checks: false,
            decapsulation: false,
            verification: true,
            heavy_work: false,
            heavy_concurrency: 1,
        }
    }
}

impl Default for HeavyPolicy {
    fn default() -> Self {
        HeavyPolicy {
            max_wait_ms: 600_000,
            fingerprint_deep: HeavyLimits {
                time_ms: 60_000,
                memory_bytes: 256 * 1024 * 1024,
                output_bytes: 1024 * 1024,
            },
            probe_liboqs: HeavyLimits {
                time_ms: 10_000,
                memory_bytes: 64 * 1024 * 1024,
                output_bytes: 64 * 1024,
            },
            weakkeys: HeavyLimits {
                time_ms: 3_600_000,
                memory_bytes: 256 * 1024 * 1024,
                output_bytes: 256 * 1024 * 1024,
            },
        }
    }
}

impl Default for RoutePolicy {
    fn default() -> Self {
        RoutePolicy {
            sniff_bytes: 64 * 1024,
        }
    }
}

impl Default for InspectPolicy {
    fn default() -> Self {
        InspectPolicy {
            max_regions: 16,
            max_pem_blocks: 256,
            max_der_nodes: 100_000,
            openssl_cross_check: true,
        }
    }
}

impl Default for ProbePolicy {
    fn default() -> Self {
        ProbePolicy {
            work_bytes: 16 * 1024 * 1024,
            probes_per_artifact: 16,
            top_k: 8,
            max_hybrid_splits: 16,
            max_hash_lines: 10_000,
            hash_baseline: "owasp-2025".into(),
        }
    }
}

impl Default for FingerprintPolicy {
    fn default() -> Self {
        FingerprintPolicy {
            max_stream_bytes: 256 * 1024,
            max_client_hellos: 10_000,
            tshark_cross_check: true,
        }
    }
}

impl Default for SeqPolicy {
    fn default() -> Self {
        SeqPolicy {
            sort_memory_bytes: 64 * 1024 * 1024,
        }
    }
}

impl Policy {
    /// Parses a policy from TOML text and validates it.
    pub fn from_toml(text: &str) -> Result<Policy> {
        let p: Policy =
            toml::from_str(text).map_err(|e| Error::Policy(one_line(&e.to_string())))?;
        p.validate()?;
        Ok(p)
    }

    /// Loads and validates a policy file.
    pub fn load(path: &Path) -> Result<Policy> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        Policy::from_toml(&text).map_err(|e| Error::Policy(format!("{}: {e}", path.display())))
    }

    /// The policy as TOML (every key, defaults included).
    pub fn to_toml(&self) -> String {
        toml::to_string_pretty(self).unwrap_or_default()
    }

    /// Rejects policies fx will not run under.
    pub fn validate(&self) -> Result<()> {
        if !self.safety.audit_only_hashes {
            return Err(Error::Policy(
                "safety.audit_only_hashes = false is refused: fx audits hash/KDF material and never recovers it".into(),
            ));
        }
        if self.safety.heavy_concurrency == 0 {
            return Err(Error::Policy(
                "safety.heavy_concurrency must be at least 1".into(),
            ));
        }
        for m in crate::heavy::HeavyModule::ALL {
            let l = m.limits(self);
            if l.time_ms == 0 || l.memory_bytes == 0 || l.output_bytes == 0 {
                return Err(Error::Policy(format!(
                    "heavy.{}: time_ms, memory_bytes and output_bytes must each be at least 1",
                    m.name()
                )));
            }
        }
        if self.limits.max_line_bytes < 1024 {
            return Err(Error::Policy(
                "limits.max_line_bytes must be at least 1024".into(),
            ));
        }
        Ok(())
    }

    /// `sha256:<hex>` of the canonical JSON of the resolved policy.
    pub fn hash(&self) -> String {
        crate::ids::canonical_hash(self)
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_file_is_the_default_and_round_trips() {
        let p = Policy::from_toml("").unwrap();
        assert_eq!(p, Policy::default());
        assert_eq!(Policy::from_toml(&p.to_toml()).unwrap(), p);
    }

    #[test]
    fn overrides_and_refusals() {
        let p = Policy::from_toml("[tools]\ntimeout_ms = 5\n").unwrap();
        assert_eq!(p.tools.timeout_ms, 5);
        assert_ne!(p.hash(), Policy::default().hash());
        assert!(Policy::from_toml("[safety]\naudit_only_hashes = false\n").is_err());
        assert!(Policy::from_toml("[tools]\nbogus = 1\n").is_err());
    }
}
