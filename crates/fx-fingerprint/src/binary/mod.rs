//! Binaries (pending).

use fx_core::event::Event;
use fx_core::job::Job;
use fx_core::stage::StageCtx;

/// Sniffs an executable format.
pub fn sniff(_b: &[u8]) -> Option<()> {
    None
}

/// Events for a binary.
pub fn events(_job: &Job, _bytes: &[u8], _ctx: &StageCtx<'_>) -> Vec<Event> {
    vec![Event::skipped(
        crate::stage::MODULE,
        "binary",
        "not_implemented",
    )]
}
