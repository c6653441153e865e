//! tshark cross-check of the native JA3 values (pending the tool runner).

use fx_core::event::Event;
use fx_core::job::Job;
use fx_core::stage::StageCtx;

use super::report::CaptureReport;

/// Cross-checks JA3 values with tshark when the inventory has it.
pub fn cross_check(
    _job: &Job,
    _bytes: &[u8],
    _report: &CaptureReport,
    ctx: &StageCtx<'_>,
) -> Event {
    if !ctx.run.policy().fingerprint.tshark_cross_check {
        return Event::skipped(
            crate::stage::MODULE,
            "tshark_crosscheck",
            "policy:tshark_cross_check_disabled",
        );
    }
    Event::skipped(
        crate::stage::MODULE,
        "tshark_crosscheck",
        "tool_unavailable",
    )
}
