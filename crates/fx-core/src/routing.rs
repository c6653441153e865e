//! Routing decisions: which later modules may run on a job, and why not.
//!
//! `fx-route` ends its work on every job with a `route`/`decision` event:
//!
//! ```json
//! {"module":"route","step":"decision","status":"ok",
//!  "data":{"allow":["inspect","probe:hash_kdf"],
//!          "deny":[{"target":"probe:symmetric","reason":"policy:audit_only_hashes"}, …],
//!          "labels":["hash_kdf_material"],
//!          "policy":{"tamper_checks":false, …}}}
//! ```
//!
//! Every [`Target`] appears exactly once, either in `allow` or in `deny`
//! (with the reason a stage copies into its `skipped` event). `labels` and
//! `policy` record the basis of the decision; they are evidence, not input.
//!
//! A later stage asks [`check`] before it runs a target:
//!
//! ```
//! # use fx_core::routing::{check, Target};
//! # fn demo(job: &fx_core::Job) {
//! match check(job, Target::ProbeSymmetric.as_str()) {
//!     Ok(()) => { /* run the probe */ }
//!     Err(reason) => { /* push Event::skipped("probe", "symmetric", reason) */ }
//! }
//! # }
//! ```
//!
//! **Fail-closed.** When a job carries no usable decision (fx-route did not
//! run, or its decision event is not `ok` or cannot be read), only the
//! targets that are pure native parsing run ([`Target::is_pure_parsing`]:
//! `inspect`, `probe:hash_kdf`, `fingerprint:binary`, `fingerprint:capture`);
//! every other target is denied with [`reason::NO_ROUTE_DECISION`]. A target
//! name that is not in the registry is denied with [`reason::UNKNOWN_TARGET`],
//! decision or not; a known target that a decision does not mention is denied
//! with [`reason::NOT_ROUTED`].

use serde::{Deserialize, Serialize};

use crate::event::{Event, Status};
use crate::job::Job;

/// Module name of the router's events.
pub const MODULE: &str = "route";
/// Step of the router's labelling event.
pub const LABEL_STEP: &str = "label";
/// Step of the router's decision event.
pub const DECISION_STEP: &str = "decision";

/// Reasons written in `deny` entries and copied into `skipped` events.
pub mod reason {
    /// No (usable) routing decision on the job: fail-closed.
    pub const NO_ROUTE_DECISION: &str = "policy:no_route_decision";
    /// Hash/KDF material reaches only the audit path (DESIGN §7).
    pub const AUDIT_ONLY_HASHES: &str = "policy:audit_only_hashes";
    /// `safety.tamper_checks` is false.
    pub const TAMPER_CHECKS_DISABLED: &str = "policy:tamper_checks_disabled";
    /// `safety.decapsulation` is false.
    pub const DECAPSULATION_DISABLED: &str = "policy:decapsulation_disabled";
    /// `safety.verification` is false.
    pub const VERIFICATION_DISABLED: &str = "policy:verification_disabled";
    /// `safety.heavy_work` is false.
    pub const HEAVY_WORK_DISABLED: &str = "policy:heavy_work_disabled";
    /// `tools.enabled` is false.
    pub const TOOLS_DISABLED: &str = "policy:tools_disabled";
    /// The target name is not in the [`super::Target`] registry.
    pub const UNKNOWN_TARGET: &str = "policy:unknown_target";
    /// A decision exists but does not mention the target.
    pub const NOT_ROUTED: &str = "policy:not_routed";
    /// The artifact's labels give the target nothing to work on.
    pub const NOT_APPLICABLE: &str = "not_applicable";
    /// The job has no readable artifact.
    pub const UNREADABLE: &str = "unreadable";
}

macro_rules! targets {
    ($($(#[$meta:meta])* $variant:ident = $text:literal, pure = $pure:literal;)+) => {
        /// Something a later stage may run on a job: a module, or a module
        /// step (`module:step`). The registry every decision is complete over.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[non_exhaustive]
        pub enum Target {
            $($(#[$meta])* $variant,)+
        }

        impl Target {
            /// Every target, in decision order.
            pub const ALL: &'static [Target] = &[$(Target::$variant,)+];

            /// The wire name (`inspect`, `probe:symmetric`, …).
            pub fn as_str(self) -> &'static str {
                match self { $(Target::$variant => $text,)+ }
            }

            /// Parses a wire name.
            pub fn parse(s: &str) -> Option<Target> {
                match s { $($text => Some(Target::$variant),)+ _ => None }
            }

            /// True for native parsing that cannot become recovery, run a
            /// tool, change or decrypt anything: what runs without a decision.
            pub fn is_pure_parsing(self) -> bool {
                match self { $(Target::$variant => $pure,)+ }
            }
        }
    };
}

targets! {
    /// fx-inspect's native wrapper parsing (PEM, DER, X.509, pcap structure, …).
    Inspect = "inspect", pure = true;
    /// fx-inspect's tool-backed cross-checks (openssl through the tool runner).
    InspectTools = "inspect:tools", pure = false;
    /// fx-probe symmetric-ciphertext statistics.
    ProbeSymmetric = "probe:symmetric", pure = false;
    /// fx-probe post-quantum size geometry and structural checks.
    ProbePqc = "probe:pqc", pure = false;
    /// fx-probe hybrid KEM + AEAD splits.
    ProbeHybrid = "probe:hybrid", pure = false;
    /// fx-probe hash/KDF audit (format, parameters, weaknesses; never recovery).
    ProbeHashKdf = "probe:hash_kdf", pure = true;
    /// Signature verification of a bundle (`safety.verification`).
    ProbeVerify = "probe:verify", pure = false;
    /// KEM decapsulation of a bundle (`safety.decapsulation`).
    ProbeDecapsulate = "probe:decapsulate", pure = false;
    /// Controlled tamper checks on ciphertexts (`safety.tamper_checks`).
    ProbeTamper = "probe:tamper", pure = false;
    /// Light binary fingerprinting (ELF/PE/Mach-O parsing).
    FingerprintBinary = "fingerprint:binary", pure = true;
    /// Capture fingerprinting (pcap/pcapng/TLS parsing, JA4/JA3).
    FingerprintCapture = "fingerprint:capture", pure = true;
    /// Deep, heavy fingerprinting (disassembly, radare2) (`safety.heavy_work`).
    FingerprintDeep = "fingerprint:deep", pure = false;
}

impl std::fmt::Display for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One denied target and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Denial {
    /// The target's wire name.
    pub target: String,
    /// The reason a stage writes in its `skipped` event.
    pub reason: String,
}

/// The routing decision of one job (the `allow`/`deny` part of the
/// `route`/`decision` event's `data`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    /// Targets that may run, in [`Target::ALL`] order.
    pub allow: Vec<String>,
    /// Targets that may not run, in [`Target::ALL`] order, each with its reason.
    pub deny: Vec<Denial>,
}

impl Decision {
    /// A decision denying every target for `reason`.
    pub fn deny_all(reason: &str) -> Decision {
        Decision {
            allow: Vec::new(),
            deny: Target::ALL
                .iter()
                .map(|t| Denial {
                    target: t.as_str().to_owned(),
                    reason: reason.to_owned(),
                })
                .collect(),
        }
    }

    /// Builds a complete decision: `verdict(t)` is `Ok` to allow `t`, or the
    /// denial reason.
    pub fn from_fn(mut verdict: impl FnMut(Target) -> Result<(), String>) -> Decision {
        let mut d = Decision::default();
        for &t in Target::ALL {
            match verdict(t) {
                Ok(()) => d.allow.push(t.as_str().to_owned()),
                Err(reason) => d.deny.push(Denial {
                    target: t.as_str().to_owned(),
                    reason,
                }),
            }
        }
        d
    }

    /// Reads the decision of an event; `None` unless it is an `ok`
    /// `route`/`decision` event whose data holds a well-formed decision.
    pub fn from_event(event: &Event) -> Option<Decision> {
        if event.module != MODULE || event.step != DECISION_STEP || event.status != Status::Ok {
            return None;
        }
        let data = event.data.as_ref()?;
        let allow = data.get("allow")?.as_array()?;
        let deny = data.get("deny")?.as_array()?;
        let mut d = Decision::default();
        for a in allow {
            d.allow.push(a.as_str()?.to_owned());
        }
        for x in deny {
            d.deny.push(Denial {
                target: x.get("target")?.as_str()?.to_owned(),
                reason: x.get("reason")?.as_str()?.to_owned(),
            });
        }
        Some(d)
    }

    /// The latest usable decision on `job` (see [`Decision::from_event`]).
    pub fn of(job: &Job) -> Option<Decision> {
        job.find_event(MODULE, DECISION_STEP)
            .and_then(Decision::from_event)
    }

    /// Whether `target` may run under this decision. A denial wins over an
    /// allow naming the same target; a target named in neither is denied.
    pub fn check(&self, target: &str) -> Result<(), String> {
        if Target::parse(target).is_none() {
            return Err(reason::UNKNOWN_TARGET.to_owned());
        }
        if let Some(d) = self.deny.iter().find(|d| d.target == target) {
            return Err(d.reason.clone());
        }
        if self.allow.iter().any(|a| a == target) {
            Ok(())
        } else {
            Err(reason::NOT_ROUTED.to_owned())
        }
    }

    /// True when `target` is allowed.
    pub fn allows(&self, target: Target) -> bool {
        self.check(target.as_str()).is_ok()
    }
}

/// Whether `target` (a [`Target`] wire name) may run on `job`; `Err` holds
/// the reason to write in the stage's `skipped` event. Fail-closed: see the
/// module documentation.
pub fn check(job: &Job, target: &str) -> Result<(), String> {
    match Decision::of(job) {
        Some(d) => d.check(target),
        None => match Target::parse(target) {
            None => Err(reason::UNKNOWN_TARGET.to_owned()),
            Some(t) if t.is_pure_parsing() => Ok(()),
            Some(_) => Err(reason::NO_ROUTE_DECISION.to_owned()),
        },
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::job::{Artifact, Intake};
    use serde_json::json;

    fn job() -> Job {
        Job {
            fx: crate::JOB_FORMAT.into(),
            run_id: "r".into(),
            artifact: Artifact {
                artifact_id: "a".into(),
                artifact_hash: None,
                artifact_ref: None,
                artifact_seq: 0,
                size: None,
                intake: Intake::default(),
                custody: Vec::new(),
                members: Vec::new(),
            },
            events: Vec::new(),
        }
    }

    fn with_decision(mut j: Job, d: &Decision) -> Job {
        j.push(Event::ok(MODULE, DECISION_STEP).with_data(d));
        j
    }

    #[test]
    fn names_round_trip_and_are_unique() {
        for t in Target::ALL {
            assert_eq!(Target::parse(t.as_str()), Some(*t));
        }
        let mut names: Vec<_> = Target::ALL.iter().map(|t| t.as_str()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), Target::ALL.len());
    }

    #[test]
    fn no_decision_allows_only_pure_parsing() {
        let j = job();
        assert_eq!(check(&j, "inspect"), Ok(()));
        assert_eq!(check(&j, "probe:hash_kdf"), Ok(()));
        assert_eq!(check(&j, "fingerprint:binary"), Ok(()));
        assert_eq!(check(&j, "fingerprint:capture"), Ok(()));
        for t in [
            "inspect:tools",
            "probe:symmetric",
            "probe:pqc",
            "probe:hybrid",
            "probe:verify",
            "probe:decapsulate",
            "probe:tamper",
            "fingerprint:deep",
        ] {
            assert_eq!(check(&j, t), Err(reason::NO_ROUTE_DECISION.into()), "{t}");
        }
        assert_eq!(check(&j, "probe:bogus"), Err(reason::UNKNOWN_TARGET.into()));
    }

    #[test]
    fn decision_is_read_back_and_checked() {
        let d = Decision::from_fn(|t| match t {
            Target::Inspect | Target::ProbeHashKdf => Ok(()),
            _ => Err(reason::AUDIT_ONLY_HASHES.into()),
        });
        assert_eq!(d.allow.len() + d.deny.len(), Target::ALL.len());
        let j = with_decision(job(), &d);
        assert_eq!(Decision::of(&j), Some(d.clone()));
        assert_eq!(check(&j, "probe:hash_kdf"), Ok(()));
        assert_eq!(
            check(&j, "probe:symmetric"),
            Err(reason::AUDIT_ONLY_HASHES.into())
        );
        assert_eq!(check(&j, "nope"), Err(reason::UNKNOWN_TARGET.into()));
    }

    #[test]
    fn deny_wins_and_unmentioned_targets_are_denied() {
        let d = Decision {
            allow: vec!["probe:tamper".into(), "inspect".into()],
            deny: vec![Denial {
                target: "probe:tamper".into(),
                reason: reason::TAMPER_CHECKS_DISABLED.into(),
            }],
        };
        assert_eq!(
            d.check("probe:tamper"),
            Err(reason::TAMPER_CHECKS_DISABLED.into())
        );
        assert_eq!(d.check("inspect"), Ok(()));
        assert_eq!(d.check("probe:pqc"), Err(reason::NOT_ROUTED.into()));
    }

    #[test]
    fn unusable_decision_events_fail_closed() {
        // A skipped decision, an error decision and malformed data all count as none.
        let mut j = job();
        j.push(Event::skipped(MODULE, DECISION_STEP, "whatever"));
        assert_eq!(
            check(&j, "probe:pqc"),
            Err(reason::NO_ROUTE_DECISION.into())
        );
        let mut j = job();
        j.push(Event::ok(MODULE, DECISION_STEP).with_data(json!({"allow": "probe:pqc"})));
        assert_eq!(
            check(&j, "probe:pqc"),
            Err(reason::NO_ROUTE_DECISION.into())
        );
        let mut j = job();
        j.push(
            Event::ok(MODULE, DECISION_STEP)
                .with_data(json!({"allow": ["probe:pqc"], "deny": [{"target": 1}]})),
        );
        assert_eq!(
            check(&j, "probe:pqc"),
            Err(reason::NO_ROUTE_DECISION.into())
        );
    }

    #[test]
    fn latest_decision_wins_and_deny_all_denies_all() {
        let open = Decision::from_fn(|_| Ok(()));
        let closed = Decision::deny_all(reason::UNREADABLE);
        let j = with_decision(with_decision(job(), &open), &closed);
        for t in Target::ALL {
            assert_eq!(check(&j, t.as_str()), Err(reason::UNREADABLE.into()));
        }
    }
}
