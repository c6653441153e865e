//! The fx-fingerprint stage: which jobs it takes and the events it writes.

use fx_core::event::Event;
use fx_core::job::Job;
use fx_core::run::RunDir;
use fx_core::stage::{Stage, StageCtx};
use fx_core::vocab::{Conclusion, Container, FailureKind, Label};
use fx_core::{ErrorInfo, Status};

use crate::capture::{self, CaptureLimits};

/// Module name of every event this stage writes.
pub const MODULE: &str = "fingerprint";

/// The fingerprint stage.
pub struct Fingerprinter {
    limits: CaptureLimits,
}

impl Fingerprinter {
    /// Builds the stage for a run.
    pub fn new(run: &RunDir) -> anyhow::Result<Fingerprinter> {
        let p = &run.policy().fingerprint;
        Ok(Fingerprinter {
            limits: CaptureLimits {
                max_stream_bytes: p.max_stream_bytes,
                max_client_hellos: p.max_client_hellos,
            },
        })
    }
}

/// What the stage decided to do with a job.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Target {
    Capture,
    Binary,
}

/// Picks the analysis from the router's labels; without any route event
/// (fx-fingerprint run on its own) the artifact's magic decides.
fn target(job: &Job, bytes: Option<&[u8]>) -> Option<Target> {
    if job.has_label(Label::ProtocolCapture) {
        return Some(Target::Capture);
    }
    if job.has_label(Label::BinaryTarget) {
        return Some(Target::Binary);
    }
    let routed = job.events.iter().any(|e| e.module == "route");
    if routed {
        return None;
    }
    let b = bytes?;
    if capture::sniff(b).is_some() {
        Some(Target::Capture)
    } else if crate::binary::sniff(b).is_some() {
        Some(Target::Binary)
    } else {
        None
    }
}

impl Stage for Fingerprinter {
    fn module(&self) -> &'static str {
        MODULE
    }

    fn process(&self, job: &mut Job, ctx: &StageCtx<'_>) {
        let labelled = job.has_label(Label::ProtocolCapture) || job.has_label(Label::BinaryTarget);
        let routed = job.events.iter().any(|e| e.module == "route");
        if routed && !labelled {
            job.push(Event::skipped(MODULE, "stage", "not_applicable"));
            return;
        }
        let bytes = match ctx.run.read_artifact(job) {
            None => {
                job.push(Event::skipped(MODULE, "stage", "not_applicable"));
                return;
            }
            Some(Err(e)) => {
                job.push(Event::error(
                    MODULE,
                    "read",
                    ErrorInfo::new(FailureKind::Unreadable).detail(e.to_string()),
                ));
                return;
            }
            Some(Ok(b)) => b,
        };
        match target(job, Some(&bytes)) {
            Some(Target::Capture) => {
                for e in self.capture_events(job, &bytes, ctx) {
                    job.push(e);
                }
            }
            Some(Target::Binary) => {
                for e in crate::binary::events(job, &bytes, ctx) {
                    job.push(e);
                }
            }
            None => job.push(Event::skipped(MODULE, "stage", "not_applicable")),
        }
    }
}

impl Fingerprinter {
    fn capture_events(&self, job: &Job, bytes: &[u8], ctx: &StageCtx<'_>) -> Vec<Event> {
        let mut out = Vec::new();
        let report = match capture::analyze(bytes, self.limits) {
            Ok(r) => r,
            Err(e) => {
                let info: ErrorInfo = e.into();
                let kind = info.kind;
                out.push(
                    Event::error(MODULE, "tls", info).with_conclusion(Conclusion {
                        failures: vec![kind],
                        ..Conclusion::default()
                    }),
                );
                return out;
            }
        };
        let mut failures = Vec::new();
        if report.truncated_at.is_some() {
            failures.push(FailureKind::Truncated);
        }
        if report.malformed_at.is_some() {
            failures.push(FailureKind::MalformedHeader);
        }
        let conclusion = Conclusion {
            container: report.format.map(|f| match f {
                capture::packets::CaptureFormat::Pcap => Container::Pcap,
                capture::packets::CaptureFormat::Pcapng => Container::Pcapng,
            }),
            tls: (report.client_hello_count() > 0).then(|| report.tls_conclusion()),
            failures,
            ..Conclusion::default()
        };
        out.push(
            Event::ok(MODULE, "tls")
                .with_data(&report)
                .with_conclusion(conclusion),
        );
        out.push(capture::tshark::cross_check(job, bytes, &report, ctx));
        let _ = Status::Ok;
        out
    }
}
