//! The `pqc` probe (being built: records a skip until it lands).

use fx_core::event::Event;
use fx_core::job::Job;
use fx_core::stage::StageCtx;

use crate::{Applies, MODULE, Probe};

/// The `pqc` probe.
pub struct Pqc;

impl Probe for Pqc {
    fn name(&self) -> &'static str {
        "pqc"
    }

    fn applies(&self, _job: &Job, _ctx: &StageCtx<'_>) -> Applies {
        Applies::No("not_implemented".into())
    }

    fn run(&self, _job: &Job, _bytes: &[u8], _ctx: &StageCtx<'_>) -> Vec<Event> {
        vec![Event::skipped(MODULE, self.name(), "not_implemented")]
    }
}
