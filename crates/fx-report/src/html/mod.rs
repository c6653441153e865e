//! # `reports/report.html` and the artifact pages
//!
//! An HTML report that opens from disk: no external asset, no script (the
//! pages carry a Content Security Policy that forbids both), pictures as
//! inline SVG written here. [`write()`] streams the jobs into
//! `reports/artifacts/NNNN.html` ([`artifacts::PAGE_SIZE`] artifacts a
//! page, one job in memory at a time), then writes `reports/report.html`:
//! the [`Findings`] first, ranked by severity, each artifact linked to its
//! page (`#a{artifact_seq}`) and the event behind the claim
//! (`#a{artifact_seq}-e{event_seq}`); the pictures; then the run from the
//! same [`Report`] as `summary.json`.
//!
//! Nothing secret or volatile: only typed fields are printed (a password
//! hash as scheme and parameters), every text is escaped, paths that are
//! not UTF-8 are shown as `\xNN`, there is no time, and every number in the
//! SVG is an integer. Every file is written to a temporary name and renamed.

pub mod artifacts;
pub mod escape;
pub mod event_row;
pub mod index;
pub mod page;
pub mod quantum_class;
pub mod svg;

use fx_core::run::RunDir;

use crate::Report;
use crate::findings::Findings;

/// `report.html`, relative to the run directory.
pub const INDEX_FILE: &str = "reports/report.html";

/// What [`write()`] wrote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Written {
    /// Artifact pages.
    pub pages: u64,
    /// Artifacts on them.
    pub artifacts: u64,
}

/// Writes the artifact pages, then `report.html`, under `run`.
pub fn write(run: &RunDir, report: &Report, findings: &Findings) -> anyhow::Result<Written> {
    let pages = artifacts::write(run)?;
    let html = index::render(run, report, findings, &pages);
    fx_core::run::write_atomic(&run.path().join(INDEX_FILE), html.as_bytes())?;
    Ok(Written {
        pages: pages.pages.len() as u64,
        artifacts: pages.pages.iter().map(|p| p.artifacts).sum(),
    })
}
