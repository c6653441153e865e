//! The fx-fingerprint stage: which jobs it takes and the events it writes.
//!
//! A job is a capture when fx-route labelled it `protocol_capture`, a binary
//! when labelled `binary_target`; a job fx-route never saw is sniffed by its
//! magic. Each analysis asks the routing decision first
//! (`fingerprint:capture`, `fingerprint:binary`, `fingerprint:deep`,
//! fail-closed per `fx_core::routing`) and writes the denial reason as a
//! `skipped` event when refused.

use fx_core::ErrorInfo;
use fx_core::event::Event;
use fx_core::job::Job;
use fx_core::routing;
use fx_core::run::RunDir;
use fx_core::stage::{Stage, StageCtx};
use fx_core::vocab::{Conclusion, Container, FailureKind, Label};
use serde_json::Value;

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

/// What the stage does with a job.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Target {
    Capture,
    Binary,
}

impl Target {
    fn routing_target(self) -> &'static str {
        match self {
            Target::Capture => "fingerprint:capture",
            Target::Binary => "fingerprint:binary",
        }
    }
    fn step(self) -> &'static str {
        match self {
            Target::Capture => "tls",
            Target::Binary => "object",
        }
    }
}

fn labelled_target(job: &Job) -> Option<Target> {
    if job.has_label(Label::ProtocolCapture) {
        Some(Target::Capture)
    } else if job.has_label(Label::BinaryTarget) {
        Some(Target::Binary)
    } else {
        None
    }
}

fn sniffed_target(bytes: &[u8]) -> Option<Target> {
    if capture::sniff(bytes).is_some() {
        Some(Target::Capture)
    } else if crate::binary::sniff(bytes).is_some() {
        Some(Target::Binary)
    } else {
        None
    }
}

impl Stage for Fingerprinter {
    fn module(&self) -> &'static str {
        MODULE
    }

    /// tshark for captures and the deep pass's tools for binaries: every
    /// tool of the inventory is in the cache key; no linked library is.
    fn cache_scope(&self) -> fx_core::cache::Scope {
        fx_core::cache::Scope {
            policy_section: MODULE,
            tools: None,
            libraries: false,
        }
    }

    fn process(&self, job: &mut Job, ctx: &StageCtx<'_>) {
        let routed = job.events.iter().any(|e| e.module == routing::MODULE);
        let labelled = labelled_target(job);
        if routed && labelled.is_none() {
            job.push(Event::skipped(
                MODULE,
                "stage",
                routing::reason::NOT_APPLICABLE,
            ));
            return;
        }
        if let Some(t) = labelled
            && let Err(reason) = routing::check(job, t.routing_target())
        {
            job.push(Event::skipped(MODULE, t.step(), reason));
            return;
        }
        let bytes = match ctx.run.read_artifact(job) {
            None => {
                job.push(Event::skipped(MODULE, "stage", routing::reason::UNREADABLE));
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
        let target = match labelled.or_else(|| sniffed_target(&bytes)) {
            Some(t) => t,
            None => {
                job.push(Event::skipped(
                    MODULE,
                    "stage",
                    routing::reason::NOT_APPLICABLE,
                ));
                return;
            }
        };
        if labelled.is_none()
            && let Err(reason) = routing::check(job, target.routing_target())
        {
            job.push(Event::skipped(MODULE, target.step(), reason));
            return;
        }
        let events = match target {
            Target::Capture => self.capture_events(&bytes, ctx),
            Target::Binary => crate::binary::events(job, &bytes, ctx),
        };
        for e in events {
            job.push(e);
        }
    }
}

impl Fingerprinter {
    fn capture_events(&self, bytes: &[u8], ctx: &StageCtx<'_>) -> Vec<Event> {
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
            // The record's format (`pcap`, `pcapng`) is the container's name.
            container: report.format.as_deref().and_then(Container::parse),
            tls: (report.client_hello_count() > 0)
                .then(|| serde_json::to_value(report.conclusion()).unwrap_or(Value::Null)),
            failures,
            ..Conclusion::default()
        };
        out.push(
            Event::ok(MODULE, "tls")
                .with_data(&report)
                .with_conclusion(conclusion),
        );
        out.extend(capture::tshark::cross_check(bytes, &report, ctx));
        out
    }
}
