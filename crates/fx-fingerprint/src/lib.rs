//! fx-fingerprint (being built: this placeholder records a skip until the stage lands).

use fx_core::event::Event;
use fx_core::job::Job;
use fx_core::run::RunDir;
use fx_core::stage::{Stage, StageCtx};

/// The fingerprint stage.
pub struct Fingerprinter;

impl Fingerprinter {
    /// Builds the stage for a run.
    pub fn new(_run: &RunDir) -> anyhow::Result<Fingerprinter> {
        Ok(Fingerprinter)
    }
}

impl Stage for Fingerprinter {
    fn module(&self) -> &'static str {
        "fingerprint"
    }

    fn process(&self, job: &mut Job, _ctx: &StageCtx<'_>) {
        job.push(Event::skipped("fingerprint", "stage", "not_implemented"));
    }
}
