//! # fx-probe — type-specific probes, within budgets
//!
//! A registry of probes ([`PROBES`]): each is one [`Probe`] in its own folder
//! with its parser and tests. For every job the stage asks each probe whether
//! it applies; every probe leaves at least one event (a result, a failure
//! shape, or a skip with its reason). Hash/KDF material only ever reaches the
//! audit probe.
//!
//! Budgets come from `policy.probe` and are counted in work, never in time:
//! * `work_bytes` — bytes one probe may scan on one artifact ([`Budget`]);
//! * `probes_per_artifact` — probe runs per artifact; the rest are skipped
//!   with `budget:probes_per_artifact`;
//! * `top_k` — candidate regions (fx-inspect's `conclusion.regions`) probed,
//!   best first; the dropped ones are listed with `caps_hit: ["budget:top_k"]`;
//! * `max_hybrid_splits` — splits the hybrid probe tries.
//!
//! Routing: every probe but `hash_kdf` asks `fx_core::routing::check` for its
//! target (`probe:symmetric`, `probe:pqc`, `probe:hybrid`, and the gated
//! `probe:verify`, `probe:decapsulate`, `probe:tamper`). Without a routing
//! decision those are denied (`policy:no_route_decision`); on top of that a
//! job labelled `hash_kdf_material` never reaches them, whatever the decision
//! says ([`gate`]).

use fx_core::event::{ErrorInfo, Event};
use fx_core::job::{Job, Member};
use fx_core::routing::{self, Target};
use fx_core::run::RunDir;
use fx_core::stage::{Stage, StageCtx};
use fx_core::vocab::FailureKind;
use fx_core::vocab::Label;

pub mod budget;
pub mod hash_kdf;
pub mod hybrid;
pub mod pqc;
pub mod regions;
pub mod symmetric;
#[cfg(test)]
pub(crate) mod test_support;

pub use budget::Budget;
pub use regions::Region;

/// Module name of every probe event.
pub const MODULE: &str = "probe";

/// A fx-facts record (a `cipher` or `pqc` object, a region) as
/// [`fx_core::vocab::Conclusion`] holds it: JSON, since fx-core does not
/// know the stages' records.
pub(crate) fn conclusion_value(record: &impl serde::Serialize) -> serde_json::Value {
    serde_json::to_value(record).unwrap_or(serde_json::Value::Null)
}

/// Whether a probe applies to a job.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Applies {
    /// Run the probe.
    Yes,
    /// Skip it, with the reason recorded (`not_applicable`, `policy:…`).
    No(String),
}

/// One probe.
pub trait Probe: Sync {
    /// Step name in events (`symmetric`, `pqc`, `hybrid`, `hash_kdf`).
    fn name(&self) -> &'static str;
    /// Whether the probe applies to this job (from route labels and inspect regions).
    fn applies(&self, job: &Job, ctx: &StageCtx<'_>) -> Applies;
    /// Runs the probe on the artifact bytes; returns its events (at least one).
    /// For a bundle job `bytes` is empty and the probe reads the members
    /// itself ([`read_members`]).
    fn run(&self, job: &Job, bytes: &[u8], ctx: &StageCtx<'_>) -> Vec<Event>;
}

/// Every probe, in the order they run.
pub static PROBES: &[&dyn Probe] = &[
    &hash_kdf::HashKdf,
    &symmetric::Symmetric,
    &pqc::Pqc,
    &hybrid::Hybrid,
];

/// Whether `target` may run on `job`: a job labelled `hash_kdf_material`
/// never reaches a non-audit target (fail-closed even against a permissive
/// decision), then the route decision decides (`fx_core::routing::check`,
/// which denies everything but pure parsing when there is no decision).
pub fn gate(job: &Job, target: Target) -> Result<(), String> {
    if target != Target::ProbeHashKdf && job.has_label(Label::HashKdfMaterial) {
        return Err(routing::reason::AUDIT_ONLY_HASHES.to_owned());
    }
    routing::check(job, target.as_str())
}

/// A bundle member with its bytes (or why they could not be read).
#[derive(Debug)]
pub struct MemberBytes {
    /// The member record of the job line.
    pub member: Member,
    /// Its bytes, verified against its hash; `Err` holds a short reason.
    pub bytes: Result<Vec<u8>, String>,
}

/// Reads every member of a bundle job from the run's blob store, verified
/// and bounded by `limits.max_artifact_bytes`.
pub fn read_members(job: &Job, run: &RunDir) -> Vec<MemberBytes> {
    let max = run.policy().limits.max_artifact_bytes;
    job.artifact
        .members
        .iter()
        .map(|m| {
            let bytes = match m.hash.as_deref() {
                None => Err("unreadable".to_owned()),
                Some(h) => run
                    .blobs()
                    .read_verified(h, max)
                    .map_err(|e| format!("unreadable: {e}")),
            };
            MemberBytes {
                member: m.clone(),
                bytes,
            }
        })
        .collect()
}

/// Runs every probe of [`PROBES`] on one job whose bytes are already read:
/// the library entry point of the stage (tests call it directly). Applies
/// the per-artifact probe budget (`policy.probe.probes_per_artifact`).
pub fn probe_job(job: &Job, bytes: &[u8], ctx: &StageCtx<'_>) -> Vec<Event> {
    let max_probes = ctx.run.policy().probe.probes_per_artifact as usize;
    let mut ran = 0usize;
    let mut events = Vec::new();
    for probe in PROBES {
        match probe.applies(job, ctx) {
            Applies::Yes if ran >= max_probes => events.push(Event::skipped(
                MODULE,
                probe.name(),
                "budget:probes_per_artifact",
            )),
            Applies::Yes => {
                ran += 1;
                let out = probe.run(job, bytes, ctx);
                if out.is_empty() {
                    events.push(Event::skipped(MODULE, probe.name(), "not_applicable"));
                } else {
                    events.extend(out);
                }
            }
            Applies::No(reason) => events.push(Event::skipped(MODULE, probe.name(), reason)),
        }
    }
    events
}

/// The probe stage.
pub struct Prober;

impl Prober {
    /// Builds the stage for a run.
    pub fn new(_run: &RunDir) -> anyhow::Result<Prober> {
        Ok(Prober)
    }
}

impl Stage for Prober {
    fn module(&self) -> &'static str {
        MODULE
    }

    /// The probes run no tool; verification and decapsulation use liboqs,
    /// so the linked libraries are in the cache key.
    fn cache_scope(&self) -> fx_core::cache::Scope {
        fx_core::cache::Scope {
            policy_section: MODULE,
            tools: Some(&[]),
            libraries: true,
        }
    }

    fn process(&self, job: &mut Job, ctx: &StageCtx<'_>) {
        let bytes = if job.artifact.artifact_ref.is_none() && !job.artifact.members.is_empty() {
            // A bundle: the probes read the members themselves.
            Vec::new()
        } else {
            let max = ctx.run.policy().limits.max_artifact_bytes;
            if job.artifact.size.is_some_and(|s| s > max) {
                // Every probe leaves its event: a skip naming the limit.
                for probe in PROBES {
                    job.push(Event::skipped(
                        MODULE,
                        probe.name(),
                        "budget:max_artifact_bytes",
                    ));
                }
                return;
            }
            match ctx.run.read_artifact(job) {
                Some(Ok(b)) => b,
                Some(Err(e)) => {
                    for probe in PROBES {
                        job.push(Event::error(
                            MODULE,
                            probe.name(),
                            ErrorInfo::new(FailureKind::Unreadable).detail(e.to_string()),
                        ));
                    }
                    return;
                }
                None => {
                    for probe in PROBES {
                        job.push(Event::skipped(
                            MODULE,
                            probe.name(),
                            routing::reason::UNREADABLE,
                        ));
                    }
                    return;
                }
            }
        };
        let events = probe_job(job, &bytes, ctx);
        job.events.extend(events);
    }
}

#[cfg(test)]
mod tests;
