//! Findings that appeared or disappeared, by fx-report's own rules
//! (`fx_report::findings`): for each artifact that differs, the findings
//! its job raises in each run (under that run's policy and baselines), and
//! for the whole run, the findings of each run's `reports/findings.json`
//! whose artifact counts differ.
//!
//! Findings need the strict, typed view of a run (`fx_core::run::RunDir`);
//! a run that cannot be opened that way (a manifest from an older fx) is
//! still diffed, without findings, and the header says why.

use std::collections::BTreeMap;
use std::path::Path;

use fx_core::job::Job;
use fx_core::run::RunDir;
use fx_report::findings::{Builder, FINDINGS_FILE};
use serde::Deserialize;
use serde::de::IgnoredAny;

use crate::record::{FindingChange, FindingTotal};

/// The two runs as fx-report reads them, when both can be.
pub struct FindingRules {
    runs: Option<(RunDir, RunDir)>,
    /// `compared`, or `not compared: …` with the reason.
    pub status: String,
}

/// A job's findings: id → (severity, title).
type JobFindings = BTreeMap<String, (String, String)>;

impl FindingRules {
    /// Opens both runs for fx-report's rules.
    pub fn open(a: &Path, b: &Path) -> FindingRules {
        let open =
            |p: &Path| RunDir::open(p).map_err(|e| format!("not compared: {}: {e}", p.display()));
        match (open(a), open(b)) {
            (Ok(ra), Ok(rb)) => FindingRules {
                runs: Some((ra, rb)),
                status: "compared".into(),
            },
            (Err(e), _) | (_, Err(e)) => FindingRules {
                runs: None,
                status: e,
            },
        }
    }

    /// The findings that appeared (only in B's job) or disappeared (only in
    /// A's) for one artifact; a side is `None` when the artifact is not in
    /// that run.
    pub fn compare(&self, a: Option<&[u8]>, b: Option<&[u8]>) -> Vec<FindingChange> {
        let Some((ra, rb)) = &self.runs else {
            return Vec::new();
        };
        let (fa, fb) = (
            a.map(|j| of_job(ra, j)).unwrap_or_default(),
            b.map(|j| of_job(rb, j)).unwrap_or_default(),
        );
        let mut out = Vec::new();
        for (id, (severity, title)) in &fb {
            if !fa.contains_key(id) {
                out.push(change("appeared", id, severity, title));
            }
        }
        for (id, (severity, title)) in &fa {
            if !fb.contains_key(id) {
                out.push(change("disappeared", id, severity, title));
            }
        }
        out
    }
}

fn change(what: &'static str, id: &str, severity: &str, title: &str) -> FindingChange {
    FindingChange {
        change: what,
        id: id.to_owned(),
        severity: severity.to_owned(),
        title: title.to_owned(),
    }
}

/// The findings fx-report's rules raise on one job line.
fn of_job(run: &RunDir, line: &[u8]) -> JobFindings {
    let (Ok(job), Ok(mut builder)) = (serde_json::from_slice::<Job>(line), Builder::new(run))
    else {
        return JobFindings::new();
    };
    builder.add_job(&job);
    builder
        .finish()
        .findings
        .into_iter()
        .map(|f| (f.id, (f.severity.as_str().to_owned(), f.title)))
        .collect()
}

/// What fx-diff reads of `reports/findings.json`.
#[derive(Deserialize)]
struct FindingsFile {
    findings: Vec<FindingEntry>,
}

#[derive(Deserialize)]
struct FindingEntry {
    id: String,
    severity: String,
    title: String,
    artifacts: Vec<IgnoredAny>,
}

/// The run-level findings (`reports/findings.json`) whose artifact counts
/// differ, or why they are not compared.
pub fn run_level(a: &Path, b: &Path) -> Result<Vec<FindingTotal>, String> {
    let read = |run: &Path| -> Result<BTreeMap<String, (String, String, u64)>, String> {
        let p = run.join(FINDINGS_FILE);
        let file = std::fs::File::open(&p)
            .map_err(|_| format!("{} is missing (run fx-report)", p.display()))?;
        let f: FindingsFile = serde_json::from_reader(std::io::BufReader::new(file))
            .map_err(|e| format!("{}: {e}", p.display()))?;
        Ok(f.findings
            .into_iter()
            .map(|e| (e.id, (e.severity, e.title, e.artifacts.len() as u64)))
            .collect())
    };
    let (fa, fb) = (read(a)?, read(b)?);
    let mut ids: Vec<&String> = fa.keys().chain(fb.keys()).collect();
    ids.sort();
    ids.dedup();
    Ok(ids
        .into_iter()
        .filter_map(|id| {
            let (x, y) = (fa.get(id), fb.get(id));
            let (na, nb) = (x.map_or(0, |e| e.2), y.map_or(0, |e| e.2));
            let (severity, title, _) = y.or(x)?;
            (na != nb || x.map(|e| &e.0) != y.map(|e| &e.0)).then(|| FindingTotal {
                id: id.clone(),
                severity: severity.clone(),
                title: title.clone(),
                a_artifacts: na,
                b_artifacts: nb,
            })
        })
        .collect())
}
