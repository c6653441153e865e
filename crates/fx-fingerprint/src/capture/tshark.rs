//! tshark cross-check of the native JA3 values (DESIGN §6: through the tool
//! runner, only when tshark is in the run's inventory).
//!
//! tshark decodes the same capture with `-Y tls.handshake.type==1 -T fields
//! -e tls.handshake.ja3`; the distinct JA3 values of both sides are compared
//! and the agreement is recorded as a `tshark_crosscheck` event next to the
//! tool-run event. tshark's `tls` fields cover TLS over TCP and QUIC, not
//! DTLS (its `dtls.*` fields), so fx's DTLS streams are not part of the
//! comparison ([`fx_ja3_set`]); the `dtls_tshark` test checks them.

use std::collections::BTreeSet;

use fx_core::event::Event;
use fx_core::stage::StageCtx;
use fx_core::tool::{REASON_UNAVAILABLE, ToolCall, ToolRunner};
use fx_core::{ErrorInfo, FailureKind};
use fx_facts::crosscheck::TsharkCrosscheck;

use super::report::CaptureReport;
use crate::stage::MODULE;

/// Step name of the agreement event.
pub const STEP: &str = "tshark_crosscheck";

/// The tshark arguments, before the capture path.
pub const TSHARK_ARGS: &[&str] = &[
    "-n",
    "-o",
    "tcp.reassemble_out_of_order:TRUE",
    "-Y",
    "tls.handshake.type==1",
    "-T",
    "fields",
    "-e",
    "tls.handshake.ja3",
    "-r",
];

/// Distinct JA3 hashes in tshark's field output (one line per packet, values
/// of several hellos in one packet separated by commas).
pub fn parse_ja3_fields(stdout: &[u8]) -> BTreeSet<String> {
    String::from_utf8_lossy(stdout)
        .lines()
        .flat_map(|l| l.split(','))
        .map(str::trim)
        .filter(|v| v.len() == 32 && v.bytes().all(|b| b.is_ascii_hexdigit()))
        .map(str::to_ascii_lowercase)
        .collect()
}

/// Compares fx's JA3 set with tshark's: `(agree, only_fx, only_tshark)`.
pub fn compare(
    fx: &BTreeSet<String>,
    tshark: &BTreeSet<String>,
) -> (bool, Vec<String>, Vec<String>) {
    let only_fx: Vec<String> = fx.difference(tshark).cloned().collect();
    let only_tshark: Vec<String> = tshark.difference(fx).cloned().collect();
    (
        only_fx.is_empty() && only_tshark.is_empty(),
        only_fx,
        only_tshark,
    )
}

/// fx's distinct JA3 values of the streams tshark's query covers: TCP and
/// QUIC, not DTLS.
pub fn fx_ja3_set(report: &CaptureReport) -> BTreeSet<String> {
    report
        .streams
        .iter()
        .filter(|s| s.transport != "dtls")
        .flat_map(|s| &s.client_hellos)
        .map(|h| h.ja3.clone())
        .collect()
}

/// Runs the cross-check; returns the events to append (the tool run, then
/// the agreement), or one skipped event.
pub fn cross_check(bytes: &[u8], report: &CaptureReport, ctx: &StageCtx<'_>) -> Vec<Event> {
    if !ctx.run.policy().fingerprint.tshark_cross_check {
        return vec![Event::skipped(
            MODULE,
            STEP,
            "policy:tshark_cross_check_disabled",
        )];
    }
    let runner = ToolRunner::new(ctx.run);
    if !runner.has("tshark") {
        return vec![Event::skipped(MODULE, STEP, REASON_UNAVAILABLE)];
    }
    let call = ToolCall::new("tshark", MODULE)
        .step("tool:tshark")
        .args(TSHARK_ARGS)
        .file("capture", bytes);
    let outcome = match runner.run(&call) {
        Ok(o) => o,
        Err(e) => {
            return vec![Event::error(
                MODULE,
                STEP,
                ErrorInfo::new(FailureKind::ToolFailed).detail(e.to_string()),
            )];
        }
    };
    if !outcome.succeeded() {
        let status_event = if outcome.ran() {
            Event::skipped(MODULE, STEP, "tool_failed")
        } else {
            Event::skipped(
                MODULE,
                STEP,
                outcome
                    .event
                    .reason
                    .clone()
                    .unwrap_or_else(|| REASON_UNAVAILABLE.into()),
            )
        };
        return vec![outcome.event, status_event];
    }
    let tshark = parse_ja3_fields(&outcome.stdout);
    let fx = fx_ja3_set(report);
    let (agree, only_fx, only_tshark) = compare(&fx, &tshark);
    let data = TsharkCrosscheck {
        agree,
        fx_distinct_ja3: fx.len() as u64,
        tshark_distinct_ja3: tshark.len() as u64,
        only_fx,
        only_tshark,
        tshark_output_truncated: outcome.stdout_truncated,
    };
    vec![outcome.event, Event::ok(MODULE, STEP).with_data(data)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_parsed_and_compared() {
        let out = b"d41d8cd98f00b204e9800998ecf8427e\n\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA,d41d8cd98f00b204e9800998ecf8427e\n";
        let t = parse_ja3_fields(out);
        assert_eq!(t.len(), 2);
        let fx: BTreeSet<String> = ["d41d8cd98f00b204e9800998ecf8427e".to_string()].into();
        let (agree, only_fx, only_t) = compare(&fx, &t);
        assert!(!agree);
        assert!(only_fx.is_empty());
        assert_eq!(only_t, vec!["aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".to_string()]);
    }
}
