//! What one job line says, digested once so every column reads it cheaply.
//!
//! [`Facts`] holds the job's typed facts ([`fx_facts::JobFacts`]: the merged
//! summary — fx-seq's `summary` event, or the same summary computed with
//! [`fx_core::summary`] when the job has none yet — and the typed data of
//! the steps the columns read), the outcome counts of every module, and the
//! set of failure shapes seen. Columns never look at the raw job twice, and
//! never look a field up by its name: they read the records of fx-facts.

use std::collections::BTreeMap;

use fx_core::event::{Event, Status};
use fx_core::job::Job;
use fx_core::vocab::FailureKind;
use fx_facts::{JobFacts, SummaryFacts};

/// The modules whose outcomes get their own columns, in column order.
/// Events of any other module are counted under `other`.
pub const MODULES: &[&str] = &["ingest", "route", "inspect", "probe", "fingerprint"];

/// The analysis modules: a failure indicator is known (0 or 1) once one of
/// them ran on the job.
const ANALYSIS_MODULES: &[&str] = &["route", "inspect", "probe", "fingerprint"];

/// The steps whose typed facts the columns read (`route_labels`,
/// `openssl_crosschecks`, `tshark_crosschecks`); the data of every other
/// step is left unread (the summary carries what the columns need of it).
pub const STEPS_READ: &[(&str, &str)] = &[
    ("route", "label"),
    ("inspect", "crosscheck"),
    ("fingerprint", "tshark_crosscheck"),
];

/// Outcome counts of one module on one job.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Outcomes {
    /// Events with status `ok`.
    pub ok: u64,
    /// Events with status `error`.
    pub error: u64,
    /// Events with status `skipped`.
    pub skipped: u64,
}

impl Outcomes {
    /// True when the module did work on the job (an `ok` or `error` event),
    /// as opposed to leaving only skips or nothing at all.
    pub fn ran(&self) -> bool {
        self.ok + self.error > 0
    }
}

/// One job, digested.
#[derive(Debug)]
pub struct Facts<'a> {
    /// The job line.
    pub job: &'a Job,
    /// The job's facts, typed (the summary and the step data).
    pub facts: JobFacts,
    /// Outcome counts per module name, from the summary's `outcomes`.
    pub modules: BTreeMap<String, Outcomes>,
}

impl<'a> Facts<'a> {
    /// Digests a job.
    pub fn of(job: &'a Job) -> Facts<'a> {
        let facts = JobFacts::from_events_for(&job.events, STEPS_READ);
        let modules = facts
            .summary
            .outcomes
            .iter()
            .map(|(module, o)| {
                let o = Outcomes {
                    ok: o.ok,
                    error: o.error,
                    skipped: o.skipped,
                };
                (module.clone(), o)
            })
            .collect();
        Facts {
            job,
            facts,
            modules,
        }
    }

    /// The summary (DESIGN §9 field names plus `outcomes`, `budgets_hit`,
    /// `events`; see [`fx_core::summary`]).
    pub fn summary(&self) -> &SummaryFacts {
        &self.facts.summary
    }

    /// Failure shapes, from the summary's `failures` (concluded failures and
    /// the `error.kind` of every error event).
    pub fn failures(&self) -> &[FailureKind] {
        &self.facts.summary.failures
    }

    /// The summary's `budgets_hit` (skip reasons and `caps_hit` entries
    /// naming a budget), in first-seen order.
    pub fn budgets_hit(&self) -> &[String] {
        &self.facts.summary.budgets_hit
    }

    /// Number of events summarised (the summary event excluded).
    pub fn events(&self) -> u64 {
        self.facts.summary.events
    }

    /// Outcome counts of `module` (zero when it left no event).
    pub fn outcomes(&self, module: &str) -> Outcomes {
        self.modules.get(module).copied().unwrap_or_default()
    }

    /// Outcome counts of every module not in [`MODULES`].
    pub fn other_outcomes(&self) -> Outcomes {
        let mut o = Outcomes::default();
        for (name, c) in &self.modules {
            if !MODULES.contains(&name.as_str()) {
                o.ok += c.ok;
                o.error += c.error;
                o.skipped += c.skipped;
            }
        }
        o
    }

    /// True when `module` did work on the job.
    pub fn ran(&self, module: &str) -> bool {
        self.outcomes(module).ran()
    }

    /// True when any analysis module (route, inspect, probe, fingerprint) did work.
    pub fn any_analysis_ran(&self) -> bool {
        ANALYSIS_MODULES.iter().any(|m| self.ran(m))
    }

    /// The labels of the summary, in first-seen order.
    pub fn labels(&self) -> impl Iterator<Item = &str> {
        self.facts.summary.labels.iter().map(|l| l.as_str())
    }

    /// True when `module` left an `ok` or `error` event of `step`.
    pub fn step_ran(&self, module: &str, step: &str) -> bool {
        self.job
            .events
            .iter()
            .any(|e| e.module == module && e.step == step && e.status != Status::Skipped)
    }

    /// Every event of `module`/`step`, in order (the summary excluded).
    pub fn events_of(&self, module: &'a str, step: &'a str) -> impl Iterator<Item = &'a Event> {
        self.job
            .events
            .iter()
            .filter(move |e| e.module == module && e.step == step)
    }

    /// Every event of `module`, in order.
    pub fn module_events(&self, module: &'a str) -> impl Iterator<Item = &'a Event> {
        self.job.events.iter().filter(move |e| e.module == module)
    }
}

/// True for fx-seq's per-job `summary` event.
pub fn is_summary(e: &Event) -> bool {
    fx_core::summary::is_summary(e)
}
