//! fx-inspect (being built: this placeholder records a skip until the stage lands).

use fx_core::event::Event;
use fx_core::job::Job;
use fx_core::run::RunDir;
use fx_core::stage::{Stage, StageCtx};

/// The inspect stage.
pub struct Inspector;

impl Inspector {
    /// Builds the stage for a run.
    pub fn new(_run: &RunDir) -> anyhow::Result<Inspector> {
        Ok(Inspector)
    }
}

impl Stage for Inspector {
    fn module(&self) -> &'static str {
        "inspect"
    }

    fn process(&self, job: &mut Job, _ctx: &StageCtx<'_>) {
        job.push(Event::skipped("inspect", "stage", "not_implemented"));
    }
}
