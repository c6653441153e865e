//! `fx-weakkeys --stream`: the workbench as a stage of the batch, between
//! fx-fingerprint and fx-seq, so that each job's summary carries the
//! weaknesses of its keys (DESIGN §9 `key_weaknesses`) and the evidence
//! chain that fx-seq writes covers them like every other event.
//!
//! The audit needs every key of the run before it can say anything about
//! one (batch GCD), so under heavy work the stage is a barrier: it reads
//! every job line into an unnamed spool file in `RUN/weakkeys/`, audits the
//! keys of all of them at once, writes `RUN/weakkeys/findings.jsonl` and
//! `RUN/metrics/weakkeys.json` as the command does, then writes each line
//! back, in input order, with one `weakkeys`/`audit` event appended:
//!
//! * `ok` when the job's artifact (or a bundle member) held public keys:
//!   `data` is a [`WeakKeyAudit`] (keys read, the weak and unchecked keys
//!   named by the SHA-256 of their public value), and when a key is weak,
//!   the conclusion `{"key_weaknesses": [...]}`, the union of its keys' ids;
//! * `skipped` / `not_applicable` when it held none (or has no blob);
//! * `skipped` / `budget:limits.max_artifact_bytes` when a blob was over the
//!   policy's size limit and no key was read;
//! * `error` / `unreadable` when a blob could not be read otherwise.
//!
//! The events depend only on the set of job lines (the findings are sorted
//! by key), so the output is the same at any `-j` and in any input order.
//! Under a policy whose `safety.heavy_work` is false the stage writes every
//! line back unchanged, byte for byte; the gate is the policy's, recorded
//! in the run manifest, and fx-report states it (`weak_key_audit` in
//! `reports/summary.json`).

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, BufWriter, Seek, SeekFrom, Write};
use std::time::Instant;

use anyhow::{Context, Result};
use fx_core::event::{ErrorInfo, Event};
use fx_core::heavy::{Decision, HeavyModule, HeavyPool};
use fx_core::job::Job;
use fx_core::jsonl::{LineReader, parse_line};
use fx_core::run::RunDir;
use fx_core::vocab::{Conclusion, FailureKind, KeyWeakness};
use fx_facts::weakkey::{
    AUDIT_MODULE, AUDIT_STEP, AuditedKey, MAX_LISTED_KEYS, WeakKeyAudit, WeakKeyRecord,
};

use crate::{ArtifactKeys, Options, audit, write_outputs};

/// Skip reason of a job none of whose keys could be read because a blob was
/// over `limits.max_artifact_bytes` (fx-inspect's reason for the same limit).
const OVER_SIZE: &str = "budget:limits.max_artifact_bytes";

/// Reads job lines from `input`, audits their keys, writes them to `output`
/// with each job's `weakkeys`/`audit` event (module docs); the audit runs
/// on `pool`. Returns the number of job lines.
pub fn stream(
    run: &RunDir,
    input: impl BufRead,
    output: impl Write,
    options: &Options,
    pool: &rayon::ThreadPool,
) -> Result<u64> {
    let max_line = usize::try_from(run.policy().limits.max_line_bytes).unwrap_or(usize::MAX);
    let mut reader = LineReader::new(input, max_line);
    let mut out = BufWriter::with_capacity(1 << 20, output);
    if !run.policy().safety.heavy_work {
        let mut lines = 0;
        while let Some((_, raw)) = reader.next_line()? {
            out.write_all(raw)?;
            out.write_all(b"\n")?;
            lines += 1;
        }
        out.flush()?;
        return Ok(lines);
    }
    let start = Instant::now();
    let dir = run.subdir("weakkeys")?;
    let spool =
        tempfile::tempfile_in(&dir).with_context(|| format!("spool file in {}", dir.display()))?;
    let mut spool_w = BufWriter::with_capacity(1 << 20, spool);
    let mut list: Vec<(String, String)> = Vec::new();
    let mut lines = 0u64;
    while let Some((line, raw)) = reader.next_line()? {
        let job: Job = parse_line(raw, line)?;
        run.check_job(&job, line)?;
        list.extend(blobs_of(&job));
        spool_w.write_all(raw)?;
        spool_w.write_all(b"\n")?;
        lines += 1;
    }
    list.sort();
    list.dedup();
    let mut spool = spool_w.into_inner().map_err(|e| e.into_error())?;
    // The audit is one task of the run's heavy pool (fx_core::heavy,
    // `[heavy.weakkeys]`): it waits for a slot, is held to its time and
    // output limits (its memory limit is the tree's cap, `Options`), and
    // every job it covers records the pool's decision. Past a limit the
    // audit keeps nothing: no findings, no audit events.
    let module = HeavyModule::Weakkeys;
    let (decision, result) =
        match HeavyPool::open(run).admit(module, module.limits(run.policy()), 0)? {
            None => (Decision::QueueTimeout, None),
            Some(adm) => {
                let mut result = pool.install(|| audit(run, &list, options))?;
                let out_bytes = result.records.iter().fold(0u64, |n, r| {
                    let line = serde_json::to_vec(r).map_or(u64::MAX, |v| v.len() as u64 + 1);
                    n.saturating_add(line)
                });
                match adm.check_time().and_then(|()| adm.check_output(out_bytes)) {
                    Ok(()) => {
                        write_outputs(run, &mut result, start)?;
                        (adm.finish(Decision::Admitted), Some(result))
                    }
                    Err(hit) => (adm.finish(Decision::LimitHit(hit)), None),
                }
            }
        };
    let decision = decision.event(AUDIT_MODULE, module, run.policy());
    let listed = result
        .as_ref()
        .map(|r| listed_keys(&r.records))
        .unwrap_or_default();

    spool.seek(SeekFrom::Start(0))?;
    let mut back = LineReader::new(BufReader::with_capacity(1 << 20, spool), max_line);
    let max = run.policy().limits.max_artifact_bytes;
    while let Some((line, raw)) = back.next_line()? {
        let mut job: Job = parse_line(raw, line)?;
        let id = job.artifact.artifact_id.clone();
        let covered = !blobs_of(&job).is_empty();
        if covered {
            job.push(decision.clone());
        }
        match &result {
            Some(result) => {
                let event = job_event(
                    &job,
                    result.artifacts.get(&id),
                    listed.get(id.as_str()),
                    max,
                );
                job.push(event);
            }
            // Past a limit only the decision speaks for a covered job.
            None if covered => {}
            None => job.push(Event::skipped(AUDIT_MODULE, AUDIT_STEP, "not_applicable")),
        }
        serde_json::to_writer(&mut out, &job).context("job line")?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(lines)
}

/// The `(artifact_id, blob hash)` pairs of a job: its own blob and each
/// member's (a bundle's own hash names its member list, not a blob).
fn blobs_of(job: &Job) -> Vec<(String, String)> {
    let a = &job.artifact;
    let own = a
        .artifact_ref
        .is_some()
        .then_some(a.artifact_hash.as_ref())
        .flatten();
    let members = a
        .members
        .iter()
        .filter(|m| m.artifact_ref.is_some())
        .filter_map(|m| m.hash.as_ref());
    own.into_iter()
        .chain(members)
        .map(|h| (a.artifact_id.clone(), h.clone()))
        .collect()
}

/// The weak and unchecked keys of each artifact, sorted by key (the
/// records are).
fn listed_keys(records: &[WeakKeyRecord]) -> BTreeMap<&str, Vec<&WeakKeyRecord>> {
    let mut out: BTreeMap<&str, Vec<&WeakKeyRecord>> = BTreeMap::new();
    for r in records {
        for a in &r.artifacts {
            out.entry(a.as_str()).or_default().push(r);
        }
    }
    out
}

/// The audit event of one job.
fn job_event(
    job: &Job,
    seen: Option<&ArtifactKeys>,
    keys: Option<&Vec<&WeakKeyRecord>>,
    max_bytes: u64,
) -> Event {
    let seen = seen.cloned().unwrap_or_default();
    if seen.keys_read == 0 {
        if seen.unreadable == 0 {
            return Event::skipped(AUDIT_MODULE, AUDIT_STEP, "not_applicable");
        }
        let a = &job.artifact;
        let over = a
            .size
            .into_iter()
            .chain(a.members.iter().filter_map(|m| m.size))
            .any(|n| n > max_bytes);
        if over {
            return Event::skipped(AUDIT_MODULE, AUDIT_STEP, OVER_SIZE);
        }
        return Event::error(
            AUDIT_MODULE,
            AUDIT_STEP,
            ErrorInfo::new(FailureKind::Unreadable)
                .detail("a blob of this artifact could not be read from the store"),
        );
    }
    let keys = keys.map(Vec::as_slice).unwrap_or_default();
    let mut weaknesses: Vec<KeyWeakness> = Vec::new();
    for r in keys {
        for w in &r.weaknesses {
            if let Some(w) = KeyWeakness::parse(w)
                && !weaknesses.contains(&w)
            {
                weaknesses.push(w);
            }
        }
    }
    weaknesses.sort();
    let data = WeakKeyAudit {
        keys_read: seen.keys_read,
        unreadable: seen.unreadable,
        keys: keys
            .iter()
            .take(MAX_LISTED_KEYS)
            .map(|r| AuditedKey::of(r))
            .collect(),
        unlisted: keys.len().saturating_sub(MAX_LISTED_KEYS) as u64,
    };
    let event = Event::ok(AUDIT_MODULE, AUDIT_STEP).with_data(&data);
    if weaknesses.is_empty() {
        return event;
    }
    event.with_conclusion(Conclusion {
        key_weaknesses: weaknesses,
        ..Conclusion::default()
    })
}
