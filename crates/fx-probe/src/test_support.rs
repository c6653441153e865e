//! Scratch runs and routed jobs for the probes' unit tests.
#![allow(clippy::unwrap_used)]

use fx_core::event::Event;
use fx_core::job::{Job, Member};
use fx_core::policy::Policy;
use fx_core::routing::{Decision, Target};
use fx_core::run::RunDir;
use fx_core::testing::{job_for, scratch_run};
use fx_core::text::Text;
use serde_json::Value;

/// A scratch run with `policy` (kept alive by the returned directory).
pub(crate) fn run_with(policy: Policy) -> (tempfile::TempDir, RunDir) {
    let dir = tempfile::tempdir().unwrap();
    let run = scratch_run(dir.path(), policy).unwrap();
    (dir, run)
}

/// A route decision allowing every target.
pub(crate) fn allow_all() -> Event {
    Event::ok("route", "decision").with_data(Decision::from_fn(|_| Ok(())))
}

/// A route decision allowing every target but `denied`.
pub(crate) fn allow_all_but(denied: Target, reason: &str) -> Event {
    Event::ok("route", "decision").with_data(Decision::from_fn(|t| {
        if t == denied {
            Err(reason.to_owned())
        } else {
            Ok(())
        }
    }))
}

/// A job for `bytes` in `run` carrying `events`.
pub(crate) fn job(run: &RunDir, bytes: &[u8], events: Vec<Event>) -> Job {
    let mut j = job_for(run, "t.bin", bytes, 0).unwrap();
    j.events.extend(events);
    j
}

/// An inspect-style event concluding `regions`.
pub(crate) fn regions_event(regions: Vec<Value>) -> Event {
    Event::ok("inspect", "normalize").with_conclusion(fx_core::vocab::Conclusion {
        regions,
        ..Default::default()
    })
}

/// A bundle job: `parts` are (role, bytes) stored as members.
pub(crate) fn bundle(run: &RunDir, parts: &[(&str, &[u8])], events: Vec<Event>) -> Job {
    let mut j = job(run, b"bundle", events);
    j.artifact.artifact_ref = None;
    j.artifact.members = parts
        .iter()
        .map(|(role, bytes)| {
            let b = run.blobs().put_bytes(bytes).unwrap();
            Member {
                role: (*role).to_owned(),
                path: Text::from(*role),
                hash: Some(b.hash),
                artifact_ref: Some(b.rel),
                size: Some(b.size),
            }
        })
        .collect();
    j
}
