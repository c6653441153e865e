//! The heavy pool's decisions (`fx_core::heavy`, docs/policy.md `[heavy]`):
//! the data of a `<module>/heavy` event, one per heavy task of a job
//! (`fingerprint/heavy` before deep fingerprinting, `probe/heavy` before a
//! liboqs or FIPS 205 verification or decapsulation, `weakkeys/heavy`
//! before the weak-key audit's event).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The steps whose data is a [`HeavyDecision`], as `(module, step)`.
pub const HEAVY_STEPS: &[(&str, &str)] = &[
    ("fingerprint", "heavy"),
    ("probe", "heavy"),
    ("weakkeys", "heavy"),
];

/// One decision of the heavy pool about one task. No wall-clock figure:
/// waits and run times are in `RUN/metrics/heavy.jsonl`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HeavyDecision {
    /// `admitted` (ran within its limits), `time_limit`, `memory_limit`,
    /// `output_limit` (reached that limit and kept no result) or
    /// `queue_timeout` (no slot came free within `heavy.max_wait_ms`).
    pub decision: String,
    /// The heavy module, its policy table under `[heavy]`:
    /// `fingerprint_deep`, `probe_liboqs` or `weakkeys`.
    pub module: String,
    /// Heavy tasks at once across the run's processes (`safety.heavy_concurrency`).
    pub cap: u32,
    /// The module's per-task limits under the run's policy.
    pub limits: HeavyLimitsData,
    /// The limit reached (`time`, `memory`, `output`), on a limit hit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<String>,
    /// Bytes the task would have held or recorded (memory and output limits).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub needed: Option<u64>,
}

/// Per-task limits of a heavy module (policy `[heavy.<module>]`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HeavyLimitsData {
    /// Longest a task may run, in milliseconds.
    pub time_ms: u64,
    /// Most bytes of work a task may hold.
    pub memory_bytes: u64,
    /// Most bytes a task may record.
    pub output_bytes: u64,
}
