//! fx-probe (being built: this placeholder records a skip until the stage lands).

use fx_core::event::Event;
use fx_core::job::Job;
use fx_core::run::RunDir;
use fx_core::stage::{Stage, StageCtx};

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
        "probe"
    }

    fn process(&self, job: &mut Job, _ctx: &StageCtx<'_>) {
        job.push(Event::skipped("probe", "stage", "not_implemented"));
    }
}
