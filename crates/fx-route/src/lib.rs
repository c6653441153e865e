//! # fx-route — the artifact type router
//!
//! Sniff first, then decide. For every job the router reads a bounded prefix
//! of the artifact (`route.sniff_bytes`, default 64 KiB) and its size —
//! never the whole artifact — runs the [`sniff::SNIFFERS`] over it, and
//! writes two events:
//!
//! * `route`/`label`: a multi-label type set (DESIGN §9 `labels`), each label
//!   with its confidence (integer permille) and the signals that caused it;
//!   `unknown` when nothing fits; the container and encoding when the sniff
//!   is certain of them;
//! * `route`/`decision`: which later modules and steps may run and which may
//!   not, and why ([`fx_core::routing`]). Fail-closed: hash/KDF material
//!   reaches the audit path only; policy-gated work runs only where the
//!   policy allows it.
//!
//! Bundles (several members with roles) are labelled per member and as a
//! whole. A job without a readable artifact gets a `skipped`/`unreadable`
//! label event and a decision denying everything.
//!
//! The library entry point for bytes already in memory is [`sniff::sniff`].

pub mod decide;
pub mod findings;
pub mod input;
pub mod sniff;

use fx_core::event::{ErrorInfo, Event};
use fx_core::job::Job;
use fx_core::policy::Policy;
use fx_core::routing::{DECISION_STEP, Decision, LABEL_STEP, MODULE, reason};
use fx_core::run::RunDir;
use fx_core::stage::{Stage, StageCtx};
use fx_core::vocab::{Conclusion, FailureKind, Label};
use std::io::Read;

use fx_facts::route::{
    RouteBundleLabelData, RouteDecisionData, RouteLabelData, RouteMember, RoutePolicy,
};

use crate::findings::Verdict;
use crate::input::ByteStats;

pub use crate::sniff::sniff;

/// Bytes read first; when a magic number settles the type there, the rest
/// of the sniff window is not read.
pub const FIRST_LOOK: usize = 4096;

thread_local! {
    /// The sniff buffer of this worker thread.
    static PREFIX: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// The route stage.
pub struct Router {
    policy: Policy,
    sniff_bytes: usize,
}

impl Router {
    /// Builds the stage for a run (reads its policy).
    pub fn new(run: &RunDir) -> anyhow::Result<Router> {
        Ok(Router::with_policy(run.policy().clone()))
    }

    /// Builds the stage for a policy.
    pub fn with_policy(policy: Policy) -> Router {
        let sniff_bytes = usize::try_from(policy.route.sniff_bytes.max(1)).unwrap_or(usize::MAX);
        Router {
            policy,
            sniff_bytes,
        }
    }
}

/// A sniffed prefix.
struct Sniffed {
    verdict: Verdict,
    sniffed: u64,
    size: Option<u64>,
    /// The artifact's length: the job's size, else the blob's.
    length: u64,
    stats: ByteStats,
}

impl Router {
    fn read(&self, ctx: &StageCtx<'_>, hash: &str, size: Option<u64>) -> Result<Sniffed, String> {
        let want = size.map_or(self.sniff_bytes, |s| {
            usize::try_from(s)
                .unwrap_or(usize::MAX)
                .min(self.sniff_bytes)
        });
        let file = ctx.run.blobs().open_blob(hash).map_err(|e| e.to_string())?;
        // The label record names the size; a job without one (fx-ingest
        // always records it) gets the blob's.
        let length = match size {
            Some(n) => n,
            None => file
                .metadata()
                .map_err(|e| format!("blob {hash}: {e}"))?
                .len(),
        };
        // One prefix buffer per worker thread, reused: no allocation of
        // `sniff_bytes` per job.
        PREFIX.with_borrow_mut(|buf| {
            buf.clear();
            let mut reader = file.take(want as u64);
            let first = want.min(FIRST_LOOK);
            (&mut reader)
                .take(first as u64)
                .read_to_end(buf)
                .map_err(|e| format!("blob {hash}: {e}"))?;
            // Sniff first: a validated magic number of a binary, a capture or
            // a compressed stream settles the type; only the rest read on.
            if buf.len() == first && first < want && !sniff::magic::settles(buf, size) {
                reader
                    .read_to_end(buf)
                    .map_err(|e| format!("blob {hash}: {e}"))?;
            }
            // Without a recorded size, a short read is the whole artifact.
            let size = size.or_else(|| (buf.len() < want).then_some(buf.len() as u64));
            let input = input::Input::new(buf, size, 0);
            let stats = input.stats.clone();
            let f = sniff::findings(&input);
            let verdict = f.conclude(if size == Some(0) {
                "size:empty"
            } else {
                "nothing:fits"
            });
            Ok(Sniffed {
                verdict,
                sniffed: buf.len() as u64,
                size,
                length,
                stats,
            })
        })
    }

    fn decision_event(&self, decision: Decision, labels: Vec<Label>, roles: Vec<String>) -> Event {
        let s = &self.policy.safety;
        Event::ok(MODULE, DECISION_STEP).with_data(RouteDecisionData {
            allow: decision.allow,
            deny: decision.deny,
            labels,
            roles,
            policy: RoutePolicy {
                audit_only_hashes: s.audit_only_hashes,
                tools: self.policy.tools.enabled,
                verification: s.verification,
                decapsulation: s.decapsulation,
                tamper_checks: s.tamper_checks,
                heavy_work: s.heavy_work,
            },
        })
    }

    fn unreadable(&self, job: &mut Job, label_event: Event) {
        job.push(label_event);
        job.push(self.decision_event(
            Decision::deny_all(reason::UNREADABLE),
            Vec::new(),
            Vec::new(),
        ));
    }

    fn single(&self, job: &mut Job, ctx: &StageCtx<'_>, hash: &str) {
        match self.read(ctx, hash, job.artifact.size) {
            Ok(s) => {
                let labels = s.verdict.label_set();
                let conclusion = {
                    let c = s.verdict.concluded();
                    Conclusion {
                        labels: c.labels,
                        container: s.verdict.container,
                        encoding: s.verdict.encoding,
                        basis: Some(c.basis),
                        confidence: c.confidence,
                        ..Default::default()
                    }
                };
                let label = Event::ok(MODULE, LABEL_STEP)
                    .with_data(RouteLabelData {
                        labels: s.verdict.labels,
                        entropy_millibits: s.stats.entropy_millibits,
                        size: s.length,
                        sniffed_bytes: s.sniffed,
                        text: s.stats.is_text,
                    })
                    .with_conclusion(conclusion);
                job.push(label);
                let d = decide::decide(&labels, &[], &self.policy);
                job.push(self.decision_event(d, labels, Vec::new()));
            }
            Err(e) => self.unreadable(
                job,
                Event::error(
                    MODULE,
                    LABEL_STEP,
                    ErrorInfo::new(FailureKind::Unreadable).detail(one_line(&e)),
                ),
            ),
        }
    }

    fn bundle(&self, job: &mut Job, ctx: &StageCtx<'_>) {
        let mut whole = findings::Findings::default();
        let mut members = Vec::new();
        let mut readable = 0usize;
        for m in &job.artifact.members {
            let mut md = RouteMember {
                role: m.role.clone(),
                path: m.path.clone(),
                labels: Vec::new(),
                container: None,
                encoding: None,
                sniffed_bytes: None,
                size: m.size,
                unreadable: None,
            };
            match (&m.hash, &m.artifact_ref) {
                (Some(hash), Some(_)) => match self.read(ctx, hash, m.size) {
                    Ok(s) => {
                        readable += 1;
                        for l in &s.verdict.labels {
                            for sig in &l.signals {
                                whole.add(
                                    l.label,
                                    l.confidence,
                                    format!("member:{}:{sig}", m.role),
                                );
                            }
                        }
                        md.labels = s.verdict.labels;
                        md.container = s.verdict.container;
                        md.encoding = s.verdict.encoding;
                        md.sniffed_bytes = Some(s.sniffed);
                        md.size = s.size;
                    }
                    Err(e) => md.unreadable = Some(one_line(&e)),
                },
                _ => md.unreadable = Some("no readable member artifact".into()),
            }
            members.push(md);
        }
        if readable == 0 {
            let e = Event::skipped(MODULE, LABEL_STEP, reason::UNREADABLE).with_data(
                RouteBundleLabelData {
                    labels: Vec::new(),
                    members,
                },
            );
            return self.unreadable(job, e);
        }
        let owned: Vec<String> = job
            .artifact
            .members
            .iter()
            .map(|m| m.role.clone())
            .collect();
        let roles: Vec<&str> = owned.iter().map(String::as_str).collect();
        for role in &roles {
            if let Some(label) = role_label(role) {
                whole.add(label, findings::conf::PLAUSIBLE, format!("role:{role}"));
            }
        }
        let verdict = whole.conclude("nothing:fits");
        let labels = verdict.label_set();
        let label = Event::ok(MODULE, LABEL_STEP)
            .with_data(RouteBundleLabelData {
                labels: verdict.labels,
                members,
            })
            .with_conclusion(Conclusion {
                labels: labels.clone(),
                ..Default::default()
            });
        job.push(label);
        let d = decide::decide(&labels, &roles, &self.policy);
        job.push(self.decision_event(d, labels, owned));
    }
}

/// What a bundle member's declared role says about the bundle.
fn role_label(role: &str) -> Option<Label> {
    Some(match role {
        "public_key" | "pk" | "secret_key" | "sk" | "private_key" | "shared_secret" | "ss" => {
            Label::KeyMaterial
        }
        "certificate" | "cert" => Label::Certificate,
        "signature" | "sig" => Label::SignatureBlob,
        "ciphertext" | "ct" => Label::KemTranscript,
        _ => return None,
    })
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl Stage for Router {
    fn module(&self) -> &'static str {
        MODULE
    }

    /// The router runs no tool and links no library: only the policy and
    /// the job are in its cache key.
    fn cache_scope(&self) -> fx_core::cache::Scope {
        fx_core::cache::Scope {
            policy_section: MODULE,
            tools: Some(&[]),
            libraries: false,
        }
    }

    fn process(&self, job: &mut Job, ctx: &StageCtx<'_>) {
        if job.artifact.artifact_ref.is_none() && !job.artifact.members.is_empty() {
            return self.bundle(job, ctx);
        }
        match (
            job.artifact.artifact_hash.clone(),
            &job.artifact.artifact_ref,
        ) {
            (Some(hash), Some(_)) => self.single(job, ctx, &hash),
            _ => self.unreadable(job, Event::skipped(MODULE, LABEL_STEP, reason::UNREADABLE)),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use fx_core::job::Member;
    use fx_core::routing::check;
    use fx_core::testing::{job_for, scratch_run};

    fn routed(run: &RunDir, mut job: Job) -> Job {
        let ctx = StageCtx { run };
        Router::new(run).unwrap().process(&mut job, &ctx);
        job
    }

    /// The data of a routed job's `label` event.
    fn label_data(job: &Job) -> serde_json::Map<String, serde_json::Value> {
        job.find_event(MODULE, LABEL_STEP)
            .and_then(|e| e.data.clone())
            .expect("a label event with data")
    }

    /// A job without a recorded size, longer than the sniff window: its
    /// label record names the blob's length (the sniff saw a prefix).
    #[test]
    fn a_job_without_a_size_is_labelled_with_its_blobs_length() {
        let dir = tempfile::tempdir().unwrap();
        let run = scratch_run(dir.path(), Policy::default()).unwrap();
        let n = usize::try_from(Policy::default().route.sniff_bytes).unwrap() * 2 + 3;
        let mut job = job_for(&run, "long.txt", &vec![b'A'; n], 0).unwrap();
        job.artifact.size = None;
        let job = routed(&run, job);
        let record: RouteLabelData =
            serde_json::from_value(serde_json::Value::Object(label_data(&job))).unwrap();
        assert_eq!(record.size, n as u64);
        assert!(record.sniffed_bytes < record.size);
    }

    #[test]
    fn single_artifact_gets_label_and_decision() {
        let dir = tempfile::tempdir().unwrap();
        let run = scratch_run(dir.path(), Policy::default()).unwrap();
        let job = job_for(
            &run,
            "h.txt",
            b"$2y$10$abcdefghijklmnopqrstuu5Lq7Rx6r0zBQ2x0T1b1iY7A7Kq2hC\n",
            0,
        )
        .unwrap();
        let job = routed(&run, job);
        assert_eq!(job.labels(), vec![Label::HashKdfMaterial]);
        let label = job.find_event(MODULE, LABEL_STEP).unwrap();
        let data = label.data.as_ref().unwrap();
        assert_eq!(data["sniffed_bytes"], 59);
        assert_eq!(data["size"], 59);
        assert_eq!(check(&job, "probe:hash_kdf"), Ok(()));
        assert_eq!(
            check(&job, "probe:symmetric"),
            Err(reason::AUDIT_ONLY_HASHES.into())
        );
    }

    #[test]
    fn sniff_reads_only_the_window() {
        let dir = tempfile::tempdir().unwrap();
        let mut policy = Policy::default();
        policy.route.sniff_bytes = 16;
        let run = scratch_run(dir.path(), policy).unwrap();
        let job = job_for(&run, "big.txt", &b"plain words here\n".repeat(100), 0).unwrap();
        let job = routed(&run, job);
        let data = label_data(&job);
        assert_eq!(data["sniffed_bytes"], 16);
        assert_eq!(data["size"], 1700);
    }

    #[test]
    fn a_settling_magic_number_stops_the_read_early() {
        let dir = tempfile::tempdir().unwrap();
        let run = scratch_run(dir.path(), Policy::default()).unwrap();
        let mut elf = b"\x7fELF\x02\x01\x01".to_vec();
        elf.resize(100_000, 0x90);
        let job = routed(&run, job_for(&run, "a.out", &elf, 0).unwrap());
        let data = job
            .find_event(MODULE, LABEL_STEP)
            .unwrap()
            .data
            .clone()
            .unwrap();
        assert_eq!(data["sniffed_bytes"], FIRST_LOOK);
        assert_eq!(job.labels(), vec![Label::BinaryTarget]);
        // Without a settling magic number the whole window is read.
        let job = routed(&run, job_for(&run, "b", &vec![0x41; 100_000], 1).unwrap());
        let data = job
            .find_event(MODULE, LABEL_STEP)
            .unwrap()
            .data
            .clone()
            .unwrap();
        assert_eq!(data["sniffed_bytes"], 64 * 1024);
    }

    #[test]
    fn missing_blob_and_missing_artifact_deny_everything() {
        let dir = tempfile::tempdir().unwrap();
        let run = scratch_run(dir.path(), Policy::default()).unwrap();
        let job = job_for(&run, "x", b"abc", 0).unwrap();
        std::fs::remove_file(
            run.blobs()
                .path_of(job.artifact.artifact_hash.as_deref().unwrap())
                .unwrap(),
        )
        .unwrap();
        let job = routed(&run, job.clone());
        let label = job.find_event(MODULE, LABEL_STEP).unwrap();
        assert_eq!(label.error.as_ref().unwrap().kind, FailureKind::Unreadable);
        assert_eq!(check(&job, "inspect"), Err(reason::UNREADABLE.into()));

        let mut job = job_for(&run, "y", b"abc", 1).unwrap();
        job.artifact.artifact_ref = None;
        job.artifact.artifact_hash = None;
        let job = routed(&run, job);
        assert_eq!(
            job.find_event(MODULE, LABEL_STEP)
                .unwrap()
                .reason
                .as_deref(),
            Some(reason::UNREADABLE)
        );
        assert_eq!(Decision::of(&job).unwrap().allow, Vec::<String>::new());
    }

    #[test]
    fn bundle_members_are_labelled_by_role() {
        let dir = tempfile::tempdir().unwrap();
        let run = scratch_run(dir.path(), Policy::default()).unwrap();
        let pk = run.blobs().put_bytes(&[7u8; 1952]).unwrap();
        let mut job = job_for(&run, "bundle", b"", 0).unwrap();
        job.artifact.artifact_ref = None;
        job.artifact.members = vec![
            Member {
                role: "public_key".into(),
                path: "pk.bin".into(),
                hash: Some(pk.hash),
                artifact_ref: Some(pk.rel),
                size: Some(pk.size),
            },
            Member {
                role: "signature".into(),
                path: "sig.bin".into(),
                hash: None,
                artifact_ref: None,
                size: None,
            },
        ];
        let job = routed(&run, job);
        let data = job
            .find_event(MODULE, LABEL_STEP)
            .unwrap()
            .data
            .clone()
            .unwrap();
        assert_eq!(
            data["members"][1]["unreadable"],
            "no readable member artifact"
        );
        assert!(job.has_label(Label::KeyMaterial) && job.has_label(Label::SignatureBlob));
        assert_eq!(check(&job, "probe:verify"), Ok(()));
    }
}
