//! Binaries: which crypto implementations an executable links, contains or is.
//!
//! Light work, inline for every `binary_target`:
//! 1. [`object`] — structure with goblin (linkage, symbols, sections, build id);
//! 2. [`scan`] — one multi-pattern pass over the bytes: [`constants`],
//!    version strings and markers of the [`libraries`] table, algorithm
//!    names, Go build info ([`go_buildinfo`]) and Rust toolchain traces;
//! 3. [`candidates`] — library candidates with role, version, evidence and
//!    confidence.
//!
//! Deep work ([`heavy`], [`instructions`]) runs only when gated in.

pub mod candidates;
pub mod constants;
pub mod go_buildinfo;
pub mod heavy;
pub mod instructions;
pub mod libraries;
pub mod object;
pub mod scan;

use fx_core::ErrorInfo;
use fx_core::event::Event;
use fx_core::job::Job;
use fx_core::stage::StageCtx;
use fx_core::tool::REASON_UNAVAILABLE;
use fx_core::vocab::{Conclusion, Container, FailureKind};
use fx_facts::library::{ConstantsData, DeepData, LibrariesData, RustEvidence};
use serde_json::Value;

use crate::stage::MODULE;
pub use object::{Format, sniff};

/// Everything the light pass found.
#[derive(Clone, Debug)]
pub struct LightReport {
    /// Structure, or why it could not be read.
    pub object: Result<object::ObjectInfo, object::ObjectError>,
    /// The multi-pattern scan.
    pub scan: scan::ScanResult,
    /// Go build info, when present.
    pub go: Option<go_buildinfo::GoBuildInfo>,
    /// Library candidates, best first.
    pub candidates: Vec<candidates::Candidate>,
}

/// The light pass (pure: no run directory, no tools).
pub fn light(bytes: &[u8]) -> LightReport {
    let object = object::parse(bytes);
    let empty = object::ObjectInfo::default();
    let info = object.as_ref().unwrap_or(&empty);
    let sections = &info.sections;
    let scan = scan::scan(bytes, &|off| {
        object::section_at(sections, off).map(|s| s.name.clone())
    });
    let go = scan.go_buildinfo.iter().find_map(|off| {
        usize::try_from(*off)
            .ok()
            .and_then(|o| go_buildinfo::parse(bytes, o))
    });
    let candidates = candidates::candidates(info, &scan, go.as_ref());
    LightReport {
        object,
        scan,
        go,
        candidates,
    }
}

impl LightReport {
    /// The `libraries` conclusion entries (DESIGN §9), fx-facts' `Library`
    /// records.
    pub fn libraries_conclusion(&self) -> Vec<Value> {
        self.candidates
            .iter()
            .map(|c| serde_json::to_value(c.library()).unwrap_or(Value::Null))
            .collect()
    }

    /// The `constants` step's data: the hits, their counts, and the
    /// algorithm families in first-seen order.
    pub fn constants_data(&self) -> ConstantsData {
        let mut algorithms: Vec<String> = Vec::new();
        for h in &self.scan.constants {
            if !algorithms.iter().any(|a| a == h.algorithm) {
                algorithms.push(h.algorithm.to_owned());
            }
        }
        ConstantsData {
            hits: self.scan.constants.iter().map(|h| h.record()).collect(),
            counts: self
                .scan
                .constant_counts
                .iter()
                .map(|(name, n)| ((*name).to_owned(), *n))
                .collect(),
            algorithms,
        }
    }

    /// The `libraries` step's data: every candidate, best first.
    pub fn libraries_data(&self) -> LibrariesData {
        LibrariesData {
            candidates: self.candidates.iter().map(|c| c.record()).collect(),
        }
    }
}

/// The events of the fingerprint stage for a binary.
pub fn events(job: &Job, bytes: &[u8], ctx: &StageCtx<'_>) -> Vec<Event> {
    let report = light(bytes);
    let mut out = Vec::new();
    let container = match report.object.as_ref().ok().and_then(|o| o.format) {
        Some(Format::Elf) => Some(Container::Elf),
        Some(Format::Pe) => Some(Container::Pe),
        Some(Format::Macho) => Some(Container::Macho),
        None => None,
    };
    match &report.object {
        Ok(info) => {
            let mut data = info.record();
            data.go_buildinfo = report.go.clone();
            if !report.scan.rustc_commits.is_empty() || !report.scan.crates.is_empty() {
                data.rust = Some(RustEvidence {
                    rustc_commits: report.scan.rustc_commits.clone(),
                    crates: report.scan.crates.clone(),
                });
            }
            out.push(
                Event::ok(MODULE, "object")
                    .with_data(data)
                    .with_conclusion(Conclusion {
                        container,
                        ..Conclusion::default()
                    }),
            );
        }
        Err(e) => {
            let kind = if e.truncated {
                FailureKind::Truncated
            } else {
                FailureKind::MalformedHeader
            };
            out.push(
                Event::error(
                    MODULE,
                    "object",
                    ErrorInfo::new(kind).detail(e.detail.clone()),
                )
                .with_conclusion(Conclusion {
                    failures: vec![kind],
                    ..Conclusion::default()
                }),
            );
        }
    }
    out.push(Event::ok(MODULE, "constants").with_data(report.constants_data()));
    out.push(
        Event::ok(MODULE, "libraries")
            .with_data(report.libraries_data())
            .with_conclusion(Conclusion {
                libraries: report.libraries_conclusion(),
                ..Conclusion::default()
            }),
    );
    out.extend(deep_events(job, bytes, &report, ctx));
    out
}

fn deep_events(job: &Job, bytes: &[u8], report: &LightReport, ctx: &StageCtx<'_>) -> Vec<Event> {
    let policy = ctx.run.policy();
    let decision = heavy::gate(
        policy.safety.heavy_work,
        &report.candidates,
        !report.scan.constants.is_empty(),
    );
    let trigger = match decision {
        heavy::Gate::Skip(reason) => return vec![Event::skipped(MODULE, "deep", reason)],
        heavy::Gate::Run(t) => t,
    };
    if let Err(reason) = fx_core::routing::check(job, "fingerprint:deep") {
        return vec![Event::skipped(MODULE, "deep", reason)];
    }
    let Some(hash) = job.artifact.artifact_hash.as_deref() else {
        return vec![Event::skipped(MODULE, "deep", "not_applicable")];
    };
    let run_path = ctx.run.path();
    let key = heavy::cache_key(hash, &ctx.run.manifest().toolchain_hash);
    // The deep analysis is a task of the run's heavy pool (fx_core::heavy):
    // it waits for a slot, its input and output are held to the policy's
    // `[heavy.fingerprint_deep]` limits, and its decision is an event. A
    // cached result was computed by an admitted task, so a hit records the
    // same decision a miss would.
    let pool_module = fx_core::heavy::HeavyModule::FingerprintDeep;
    let (decision, result) = match heavy::cache_get(run_path, &key) {
        Some(r) => {
            heavy::record_cache(run_path, &key, true);
            let admitted = fx_core::heavy::Decision::Admitted;
            (admitted.event(MODULE, pool_module, policy), Some(r))
        }
        None => {
            heavy::record_cache(run_path, &key, false);
            let prefer = u32::from_str_radix(key.get(..8).unwrap_or("0"), 16).unwrap_or(0);
            let ran = fx_core::heavy::run_task(
                ctx.run,
                MODULE,
                pool_module,
                bytes.len() as u64,
                prefer,
                |_| deep(bytes, report),
                |r| serde_json::to_vec(r).map_or(u64::MAX, |v| v.len() as u64),
            );
            match ran {
                Ok((event, Some(r))) => {
                    heavy::cache_put(run_path, &key, &r);
                    (event, Some(r))
                }
                Ok((event, None)) => (event, None),
                Err(e) => {
                    return vec![Event::error(
                        MODULE,
                        "deep",
                        ErrorInfo::new(FailureKind::InternalError)
                            .detail(format!("heavy pool: {e}")),
                    )];
                }
            }
        }
    };
    let mut evs = vec![decision];
    let Some(result) = result else {
        // A limit hit: the decision event says which; nothing deep is kept.
        return evs;
    };
    evs.push(Event::ok(MODULE, "deep").with_data(DeepData {
        trigger: trigger.to_owned(),
        instructions: result.instructions,
    }));
    let radare2 = if ctx.run.inventory().present("radare2").is_some() {
        // radare2 analysis is not wired yet: say so rather than pretend
        Event::skipped(MODULE, "radare2", "not_implemented")
    } else {
        Event::skipped(MODULE, "radare2", REASON_UNAVAILABLE)
    };
    evs.push(radare2);
    evs
}

/// The deep analysis proper (pure, bounded by bytes).
pub fn deep(bytes: &[u8], report: &LightReport) -> heavy::DeepResult {
    let instructions = report.object.as_ref().ok().and_then(|info| {
        let isa = info.arch.iter().find_map(|a| instructions::isa_of(a))?;
        Some(instructions::scan(bytes, &info.sections, isa))
    });
    heavy::DeepResult { instructions }
}
