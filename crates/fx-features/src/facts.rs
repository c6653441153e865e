//! What one job line says, digested once so every column reads it cheaply.
//!
//! [`Facts`] holds the job's merged summary (the `data` of fx-seq's `summary`
//! event, or the same summary computed with [`fx_core::summary`] when the job
//! has none yet), the outcome counts of every module, and the set of failure
//! shapes seen. Columns never look at the raw job twice.

use std::borrow::Cow;
use std::collections::BTreeMap;

use fx_core::event::{Event, Status};
use fx_core::job::Job;
use fx_core::vocab::FailureKind;
use serde_json::{Map, Value};

/// The modules whose outcomes get their own columns, in column order.
/// Events of any other module are counted under `other`.
pub const MODULES: &[&str] = &["ingest", "route", "inspect", "probe", "fingerprint"];

/// The analysis modules: a failure indicator is known (0 or 1) once one of
/// them ran on the job.
const ANALYSIS_MODULES: &[&str] = &["route", "inspect", "probe", "fingerprint"];

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
    /// The summary `data` (DESIGN §9 field names plus `outcomes`,
    /// `budgets_hit`, `events`; see [`fx_core::summary`]).
    pub summary: Cow<'a, Map<String, Value>>,
    /// Outcome counts per module name, from the summary's `outcomes`.
    pub modules: BTreeMap<String, Outcomes>,
    /// Failure shapes, from the summary's `failures` (concluded failures and
    /// the `error.kind` of every error event).
    pub failures: Vec<FailureKind>,
    /// The summary's `budgets_hit` (skip reasons and `caps_hit` entries
    /// naming a budget), in first-seen order.
    pub budgets_hit: Vec<String>,
    /// Number of events summarised (the summary event excluded).
    pub events: u64,
}

impl<'a> Facts<'a> {
    /// Digests a job.
    pub fn of(job: &'a Job) -> Facts<'a> {
        let summary = summary_data(job);
        let mut modules: BTreeMap<String, Outcomes> = BTreeMap::new();
        if let Some(Value::Object(outcomes)) = summary.get("outcomes") {
            for (module, o) in outcomes {
                let n = |k: &str| o.get(k).and_then(Value::as_u64).unwrap_or(0);
                modules.insert(
                    module.clone(),
                    Outcomes {
                        ok: n("ok"),
                        error: n("error"),
                        skipped: n("skipped"),
                    },
                );
            }
        }
        let strings = |key: &str| -> Vec<&str> {
            summary
                .get(key)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect()
        };
        let failures = strings("failures")
            .into_iter()
            .filter_map(FailureKind::parse)
            .collect();
        let budgets_hit = strings("budgets_hit")
            .into_iter()
            .map(str::to_owned)
            .collect();
        let events = summary.get("events").and_then(Value::as_u64).unwrap_or(0);
        Facts {
            job,
            summary,
            modules,
            failures,
            budgets_hit,
            events,
        }
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
        self.get("labels")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
    }

    /// True when `module` left an `ok` or `error` event of `step`.
    pub fn step_ran(&self, module: &str, step: &str) -> bool {
        self.job
            .events
            .iter()
            .any(|e| e.module == module && e.step == step && e.status != Status::Skipped)
    }

    /// A summary field.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.summary.get(key).filter(|v| !v.is_null())
    }

    /// A field of a summary object (`hash.scheme`, `pqc.verified`, …).
    pub fn get_in(&self, key: &str, field: &str) -> Option<&Value> {
        self.get(key)
            .and_then(|v| v.get(field))
            .filter(|v| !v.is_null())
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

/// The summary data of a job: fx-seq's `summary` event when present (the
/// last one wins), else computed by [`fx_core::summary`] exactly as fx-seq
/// computes it, so a stream and a replay give the same features.
fn summary_data(job: &Job) -> Cow<'_, Map<String, Value>> {
    match job.events.iter().rev().find(|e| is_summary(e)) {
        Some(e) => match &e.data {
            Some(d) => Cow::Borrowed(d),
            None => Cow::Owned(Map::new()),
        },
        None => Cow::Owned(fx_core::summary::summary_data(&job.events)),
    }
}
