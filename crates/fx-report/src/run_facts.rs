//! What both reports (`report.md`, `report.html`) say about the run, read
//! once: who and what it was (run id, case, tenants, policy, toolchain,
//! flake.lock, fx build), its inputs, counts and module outcomes. Each report only chooses the markup, so the two cannot drift
//! apart.

use std::collections::BTreeMap;

use fx_core::run::RunDir;

use crate::Report;
use crate::findings::display_text;

/// How a report shows one value of the run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Shown {
    /// A literal (an id, a hash, a name), shown as code.
    Code(String),
    /// Several literals, shown as code and joined by `, `.
    Codes(Vec<String>),
    /// A sentence.
    Text(&'static str),
}

/// The run's identity, in the order both reports print it: label and value.
pub(crate) fn identity(run: &RunDir) -> Vec<(&'static str, Shown)> {
    let m = run.manifest();
    let inv = run.inventory();
    let mut out = vec![
        ("run id", Shown::Code(m.run_id.clone())),
        ("case", Shown::Code(m.case.clone())),
        ("tenants", Shown::Codes(m.tenants.clone())),
        ("policy hash", Shown::Code(m.policy_hash.clone())),
        ("toolchain hash", Shown::Code(m.toolchain_hash.clone())),
        (
            "flake.lock",
            match (&inv.flake_lock_sha256, &m.flake_lock) {
                (Some(h), _) => Shown::Code(h.clone()),
                (None, Some(f)) => Shown::Code(f.sha256.clone()),
                (None, None) => Shown::Text("not recorded (the run was not made from the flake)"),
            },
        ),
        ("fx version", Shown::Code(m.fx_version.clone())),
    ];
    if let Some(b) = &m.fx_build {
        out.push(("fx build", Shown::Code(b.clone())));
    }
    out
}

/// The run's inputs: kind and path (as text, however odd its bytes).
pub(crate) fn inputs(run: &RunDir) -> Vec<(String, String)> {
    run.manifest()
        .inputs
        .iter()
        .map(|i| (i.kind.clone(), display_text(&i.path)))
        .collect()
}

/// One table of counts.
#[derive(Clone, Copy, Debug)]
pub(crate) struct CountTable<'a> {
    /// Its anchor in the HTML report.
    pub id: &'static str,
    /// Its title.
    pub title: &'static str,
    /// The counts, by name.
    pub counts: &'a BTreeMap<String, u64>,
    /// Whether the names are algorithms (the HTML report marks their
    /// quantum-safety class).
    pub algorithms: bool,
}

/// The tables of counts, in the order both reports print them.
pub(crate) fn count_tables(report: &Report) -> [CountTable<'_>; 6] {
    let t = |id, title, counts, algorithms| CountTable {
        id,
        title,
        counts,
        algorithms,
    };
    [
        t("labels", "Labels", &report.labels, false),
        t("containers", "Containers", &report.containers, false),
        t("algorithms", "Algorithms", &report.algorithms, true),
        t(
            "guessed",
            "Algorithms guessed from size or statistics alone",
            &report.guessed_algorithms,
            true,
        ),
        t("failures", "Failure shapes", &report.failures, false),
        t("skipped", "Skipped on purpose", &report.skipped, false),
    ]
}

/// Module outcomes: module, then its `ok`, `error` and `skipped` counts.
pub(crate) fn outcomes(report: &Report) -> Vec<(&str, [u64; 3])> {
    report
        .outcomes
        .iter()
        .map(|(module, s)| {
            let n = |k: &str| s.get(k).copied().unwrap_or(0);
            (module.as_str(), [n("ok"), n("error"), n("skipped")])
        })
        .collect()
}
