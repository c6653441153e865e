//! # fx-probe — type-specific probes, within budgets
//!
//! A registry of probes ([`PROBES`]): each is one [`Probe`] in its own folder
//! with its parser and tests. For every job the stage asks each probe whether
//! it applies; every probe leaves at least one event (a result, a failure
//! shape, or a skip with its reason). Hash/KDF material only ever reaches the
//! audit probe.

use fx_core::event::Event;
use fx_core::job::Job;
use fx_core::run::RunDir;
use fx_core::stage::{Stage, StageCtx};

pub mod hash_kdf;
pub mod hybrid;
pub mod pqc;
pub mod symmetric;

/// Module name of every probe event.
pub const MODULE: &str = "probe";

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
    fn run(&self, job: &Job, bytes: &[u8], ctx: &StageCtx<'_>) -> Vec<Event>;
}

/// Every probe, in the order they run.
pub static PROBES: &[&dyn Probe] = &[
    &hash_kdf::HashKdf,
    &symmetric::Symmetric,
    &pqc::Pqc,
    &hybrid::Hybrid,
];

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

    fn process(&self, job: &mut Job, ctx: &StageCtx<'_>) {
        let bytes = match ctx.run.read_artifact(job) {
            Some(Ok(b)) => b,
            Some(Err(e)) => {
                job.push(Event::skipped(MODULE, "read", format!("unreadable: {e}")));
                return;
            }
            None => {
                job.push(Event::skipped(MODULE, "stage", "not_applicable"));
                return;
            }
        };
        let mut events = Vec::new();
        for probe in PROBES {
            match probe.applies(job, ctx) {
                Applies::Yes => events.extend(probe.run(job, &bytes, ctx)),
                Applies::No(reason) => events.push(Event::skipped(MODULE, probe.name(), reason)),
            }
        }
        job.events.extend(events);
    }
}
