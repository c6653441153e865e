//! fx-route (being built: this placeholder records a skip until the stage lands).

use fx_core::event::Event;
use fx_core::job::Job;
use fx_core::run::RunDir;
use fx_core::stage::{Stage, StageCtx};

/// The route stage.
pub struct Router;

impl Router {
    /// Builds the stage for a run.
    pub fn new(_run: &RunDir) -> anyhow::Result<Router> {
        Ok(Router)
    }
}

impl Stage for Router {
    fn module(&self) -> &'static str {
        "route"
    }

    fn process(&self, job: &mut Job, _ctx: &StageCtx<'_>) {
        job.push(Event::skipped("route", "stage", "not_implemented"));
    }
}
