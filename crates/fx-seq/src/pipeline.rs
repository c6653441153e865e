//! The write phase as a pipeline of threads joined by bounded channels:
//!
//! ```text
//! merge keys ─▶ batches ─▶ N render workers ─▶ orderer ─┬─▶ events writer ─▶ I/O thread
//!  (caller)                  (read line again,          │   (events, tools, modules)
//!                             parse, render)            ├─▶ jobs writer ───▶ I/O thread
//!                                                       └─▶ N hash workers ─▶ leaves writer
//!                                                           (SHA-256 per line)  (evidence chain)
//! ```
//!
//! The caller merges the sorted keys and cuts them into numbered batches;
//! workers render batches in any order; the orderer puts them back in
//! batch order, collapses duplicates and hands each batch to both writers
//! and, with the `event_seq` of its first event, to the hash workers
//! ([`crate::leaves`]), whose leaves the leaves writer puts back in order.
//! Every thread blocks on its channel when it has nothing to do (no
//! spinning that would take a core from the writers), and every channel
//! is bounded, so memory is bounded by a few batches per stage. An error
//! anywhere closes the channels around it and the whole pipeline stops;
//! the first error is returned.

use std::collections::BTreeMap;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex};

use fx_core::run::RunDir;
use fx_core::{Error, Result};

use crate::input::{Key, Source};
use crate::leaves::{Hashed, ToHash, hash_worker, write_leaves};
use crate::record::{self, Record};
use crate::sort::Merged;
use crate::telemetry::{EventsWriter, JobsWriter, Written};

/// Most lines per batch.
const BATCH_LINES: usize = 256;
/// Most line bytes per batch.
const BATCH_BYTES: u64 = 512 << 10;

/// What the write phase did.
#[derive(Clone, Copy, Debug, Default)]
pub struct Wrote {
    /// What the writers wrote.
    pub written: Written,
    /// Duplicate lines collapsed.
    pub duplicates: u64,
    /// Jobs copied through.
    pub copied: u64,
}

type Batch = Arc<Vec<Record>>;

fn stopped(what: &str) -> Error {
    Error::Other(format!("fx-seq: {what} stopped"))
}

/// The entries of the telemetry files in the evidence chain, by path.
pub type Entries = Vec<(String, fx_chain::Content)>;

/// Runs the write phase over the merged keys with `threads` render workers
/// and `threads` hash workers; the leaves go to `sinks`.
pub fn write(
    run: &RunDir,
    source: &Source,
    merged: &mut Merged,
    threads: usize,
    mut events_writer: EventsWriter,
    mut jobs_writer: JobsWriter,
    sinks: fx_chain::Sinks,
) -> Result<(Wrote, Entries)> {
    let threads = threads.max(1);
    std::thread::scope(|scope| -> Result<(Wrote, Entries)> {
        let (job_tx, job_rx) = sync_channel::<(u64, Vec<Key>)>(threads * 2);
        let job_rx = Arc::new(Mutex::new(job_rx));
        let (res_tx, res_rx) = sync_channel::<(u64, Result<Vec<Record>>)>(threads * 2);
        let (etx, erx) = sync_channel::<Batch>(4);
        let (jtx, jrx) = sync_channel::<Batch>(4);
        let (htx, hrx) = sync_channel::<ToHash>(threads * 2);
        let hrx = Arc::new(Mutex::new(hrx));
        let (ltx, lrx) = sync_channel::<Hashed>(threads * 2);
        let leaves = scope.spawn(move || write_leaves(lrx, sinks));
        let hashers: Vec<_> = (0..threads)
            .map(|_| {
                let hrx = Arc::clone(&hrx);
                let ltx = ltx.clone();
                scope.spawn(move || hash_worker(&hrx, &ltx))
            })
            .collect();
        // Only the hash workers hold their input: should they all stop, the
        // orderer's send fails instead of waiting for them forever.
        drop(hrx);
        drop(ltx);

        let events = scope.spawn(move || -> Result<Written> {
            for batch in erx {
                for r in batch.iter() {
                    events_writer.write(r)?;
                }
            }
            events_writer.finish()
        });
        let jobs = scope.spawn(move || -> Result<u64> {
            for batch in jrx {
                for r in batch.iter() {
                    jobs_writer.write(r)?;
                }
            }
            jobs_writer.finish()
        });
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                let job_rx = Arc::clone(&job_rx);
                let res_tx = res_tx.clone();
                scope.spawn(move || render_worker(run, source, &job_rx, &res_tx))
            })
            .collect();
        // Only the render workers hold their input: should they all stop
        // (the orderer or a writer failed), `feed`'s send fails instead of
        // waiting forever for room, and the error is reported.
        drop(job_rx);
        drop(res_tx);
        let orderer = scope.spawn(move || order(res_rx, etx, jtx, htx));

        // The caller's part: merge the keys into numbered batches.
        let fed = feed(merged, &job_tx);
        drop(job_tx);

        for w in workers {
            w.join().map_err(|_| stopped("a render worker (panic)"))?;
        }
        let ordered = orderer.join().map_err(|_| stopped("the orderer (panic)"))?;
        let written = events
            .join()
            .map_err(|_| stopped("the events writer (panic)"))?;
        let jobs = jobs
            .join()
            .map_err(|_| stopped("the jobs writer (panic)"))?;
        for h in hashers {
            h.join().map_err(|_| stopped("a hash worker (panic)"))?;
        }
        let leaves = leaves
            .join()
            .map_err(|_| stopped("the leaves writer (panic)"))?;
        // A writer's own error explains an orderer that found it stopped;
        // otherwise the orderer's error (a bad line) is the cause.
        let (duplicates, copied) = match ordered {
            Ok(counts) => counts,
            Err(e) => {
                written?;
                jobs?;
                leaves?;
                return Err(e);
            }
        };
        fed?;
        let written = written?;
        if written.jobs != jobs? {
            return Err(Error::Other(
                "fx-seq internal error: writers disagree on the job count".into(),
            ));
        }
        Ok((
            Wrote {
                written,
                duplicates,
                copied,
            },
            leaves?,
        ))
    })
}

fn feed(merged: &mut Merged, job_tx: &SyncSender<(u64, Vec<Key>)>) -> Result<()> {
    let mut id = 0u64;
    loop {
        let mut keys = Vec::with_capacity(BATCH_LINES);
        let mut bytes = 0u64;
        while keys.len() < BATCH_LINES && bytes < BATCH_BYTES {
            let Some(k) = merged.next_key()? else { break };
            bytes += u64::from(k.len);
            keys.push(k);
        }
        if keys.is_empty() {
            return Ok(());
        }
        if job_tx.send((id, keys)).is_err() {
            // The pipeline stopped on an error, reported by whoever stopped it.
            return Ok(());
        }
        id += 1;
    }
}

fn render_worker(
    run: &RunDir,
    source: &Source,
    jobs: &Mutex<Receiver<(u64, Vec<Key>)>>,
    results: &SyncSender<(u64, Result<Vec<Record>>)>,
) {
    loop {
        let next = match jobs.lock() {
            Ok(rx) => rx.recv(),
            Err(_) => return,
        };
        let Ok((id, keys)) = next else { return };
        let rendered = source.lines(&keys).and_then(|lines| {
            keys.iter()
                .zip(lines)
                .map(|(k, line)| render(run, k, line))
                .collect()
        });
        if results.send((id, rendered)).is_err() {
            return;
        }
    }
}

fn render(run: &RunDir, k: &Key, line: Vec<u8>) -> Result<Record> {
    let rec = record::from_line(run, line, k.line)?;
    if rec.seq != k.seq {
        return Err(Error::Other(format!(
            "fx-seq: line {} changed while it was read (artifact_seq {} became {})",
            k.line, k.seq, rec.seq
        )));
    }
    Ok(rec)
}

/// Puts rendered batches back in order, collapses duplicates, and hands
/// each batch to both writers and the hash workers. Returns (duplicates, copied).
fn order(
    results: Receiver<(u64, Result<Vec<Record>>)>,
    etx: SyncSender<Batch>,
    jtx: SyncSender<Batch>,
    htx: SyncSender<ToHash>,
) -> Result<(u64, u64)> {
    let mut next = 0u64;
    // Batches handed on (without the empty ones), and the event_seq of the
    // next event.
    let (mut sent, mut event_seq) = (0u64, 0u64);
    let mut waiting: BTreeMap<u64, Result<Vec<Record>>> = BTreeMap::new();
    let mut prev: Option<Batch> = None;
    let (mut duplicates, mut copied) = (0u64, 0u64);
    for (id, res) in results {
        waiting.insert(id, res);
        while let Some(res) = waiting.remove(&next) {
            next += 1;
            let mut batch: Vec<Record> = Vec::new();
            for r in res? {
                let before = batch.last().or(prev.as_ref().and_then(|p| p.last()));
                if let Some(p) = before.filter(|p| p.seq == r.seq) {
                    if p.same_rendering(&r) {
                        duplicates += 1;
                        continue;
                    }
                    return Err(Error::BadLine {
                        line: r.line,
                        reason: format!(
                            "artifact_seq {} is also on line {} with different content",
                            r.seq, p.line
                        ),
                    });
                }
                copied += u64::from(r.copied);
                if batch.capacity() == 0 {
                    batch.reserve(BATCH_LINES);
                }
                batch.push(r);
            }
            if batch.is_empty() {
                continue;
            }
            let shared = Arc::new(batch);
            etx.send(Arc::clone(&shared))
                .map_err(|_| stopped("the events writer"))?;
            jtx.send(Arc::clone(&shared))
                .map_err(|_| stopped("the jobs writer"))?;
            let events: usize = shared.iter().map(Record::count).sum();
            htx.send((sent, event_seq, Arc::clone(&shared)))
                .map_err(|_| stopped("the leaves writer"))?;
            sent += 1;
            event_seq += events as u64;
            prev = Some(shared);
        }
    }
    Ok((duplicates, copied))
}
