//! The leaves of the telemetry, for the evidence chain ([`fx_chain`]):
//! the SHA-256 of every line fx-seq writes, computed off the writers'
//! threads.
//!
//! The orderer hands each ordered batch, with the `event_seq` of its first
//! event, to a pool of hash workers; each rebuilds the batch's stamped
//! lines (exactly as the writers do) and hashes them: an event line once
//! for `events.jsonl`, its module file and `tool_run_events.jsonl`, a job
//! line from the same pieces. One leaves writer puts the batches back in
//! order and appends the leaves to their sinks. Hashing is the costly part
//! (every byte of the telemetry but the module and tool copies goes
//! through SHA-256 once), so it runs in parallel like rendering, and the
//! writers' threads, the pipeline's serial part, do no more than before.

use std::collections::BTreeMap;
use std::sync::mpsc::{Receiver, SyncSender};
use std::sync::{Arc, Mutex};

use fx_chain::{Content, Leaf, LeafSink, LineHasher, Sinks, leaf};
use fx_core::{Error, Result};

use crate::record::{Record, itoa, stamped_event};
use crate::telemetry::{EVENTS, JOBS, MODULE_EVENTS, TELEMETRY_DIR, TOOL_RUN_EVENTS};

/// An ordered batch to hash: its number, the `event_seq` of its first
/// event, its records.
pub type ToHash = (u64, u64, Arc<Vec<Record>>);

/// A hashed batch: its number, its records, and their leaves.
pub type Hashed = (u64, Arc<Vec<Record>>, BatchLeaves);

/// The leaves of one batch, with each line's length (`\n` included).
#[derive(Debug, Default)]
pub struct BatchLeaves {
    /// One per event line, in order.
    events: Vec<(Leaf, u64)>,
    /// One per job line, in order.
    jobs: Vec<(Leaf, u64)>,
}

/// An error of the evidence chain, as an fx-seq error.
pub fn chain_error(e: fx_chain::ChainError) -> Error {
    Error::Other(format!("evidence chain: {e}"))
}

/// Hashes the lines of `batch`, whose first event is `event_seq`.
pub fn hash_batch(batch: &[Record], mut event_seq: u64, line: &mut Vec<u8>) -> BatchLeaves {
    let mut out = BatchLeaves {
        events: Vec::with_capacity(batch.iter().map(Record::count).sum()),
        jobs: Vec::with_capacity(batch.len()),
    };
    let mut job = LineHasher::default();
    for rec in batch {
        let head = rec.head();
        job.update(rec.job_prefix());
        for (i, ev) in rec.events().enumerate() {
            if i > 0 {
                job.update(b",");
            }
            // The job line holds the event line without its newline.
            job.update(head);
            job.update(itoa(event_seq, &mut [0u8; 20]));
            job.update(b",");
            job.update(ev.tail);
            line.clear();
            stamped_event(line, head, event_seq, ev.tail);
            line.push(b'\n');
            out.events.push((leaf(line), line.len() as u64));
            event_seq += 1;
        }
        job.update(b"]}\n");
        let (len, l) = job.finish();
        out.jobs.push((l, len));
    }
    out
}

/// A hash worker: hashes batches until its input closes.
pub fn hash_worker(input: &Mutex<Receiver<ToHash>>, output: &SyncSender<Hashed>) {
    let mut line = Vec::with_capacity(4096);
    loop {
        let next = match input.lock() {
            Ok(rx) => rx.recv(),
            Err(_) => return,
        };
        let Ok((id, seq, batch)) = next else { return };
        let leaves = hash_batch(&batch, seq, &mut line);
        if output.send((id, batch, leaves)).is_err() {
            return;
        }
    }
}

/// Where the leaves of each telemetry file go.
struct Files {
    sinks: Sinks,
    events: LeafSink,
    tools: LeafSink,
    jobs: LeafSink,
    modules: BTreeMap<String, LeafSink>,
}

fn recorded(name: &str) -> String {
    format!("{TELEMETRY_DIR}/{name}")
}

impl Files {
    fn open(sinks: Sinks) -> Result<Files> {
        let open = |name: &str| sinks.open(&recorded(name)).map_err(chain_error);
        Ok(Files {
            events: open(EVENTS)?,
            tools: open(TOOL_RUN_EVENTS)?,
            jobs: open(JOBS)?,
            modules: BTreeMap::new(),
            sinks,
        })
    }

    fn write(&mut self, batch: &[Record], leaves: &BatchLeaves) -> Result<()> {
        let mut ev = leaves.events.iter();
        for (rec, (job, job_len)) in batch.iter().zip(&leaves.jobs) {
            for e in rec.events() {
                let (l, len) = ev
                    .next()
                    .ok_or_else(|| Error::Other("fx-seq internal error: leaves lost".into()))?;
                self.events.push(l, *len).map_err(chain_error)?;
                if e.tool {
                    self.tools.push(l, *len).map_err(chain_error)?;
                }
                if !self.modules.contains_key(e.module) {
                    let path = recorded(&format!("{MODULE_EVENTS}/{}.jsonl", e.module));
                    let sink = self.sinks.open(&path).map_err(chain_error)?;
                    self.modules.insert(e.module.to_owned(), sink);
                }
                if let Some(m) = self.modules.get_mut(e.module) {
                    m.push(l, *len).map_err(chain_error)?;
                }
            }
            self.jobs.push(job, *job_len).map_err(chain_error)?;
        }
        Ok(())
    }

    fn finish(self) -> Result<Vec<(String, Content)>> {
        let mut out = Vec::with_capacity(3 + self.modules.len());
        for sink in [self.events, self.tools, self.jobs]
            .into_iter()
            .chain(self.modules.into_values())
        {
            out.push(sink.finish().map_err(chain_error)?);
        }
        Ok(out)
    }
}

/// The leaves writer: puts hashed batches back in order and appends their
/// leaves; returns the entries of the telemetry files.
pub fn write_leaves(input: Receiver<Hashed>, sinks: Sinks) -> Result<Vec<(String, Content)>> {
    let mut files = Files::open(sinks)?;
    let mut next = 0u64;
    let mut waiting: BTreeMap<u64, (Arc<Vec<Record>>, BatchLeaves)> = BTreeMap::new();
    for (id, batch, leaves) in input {
        waiting.insert(id, (batch, leaves));
        while let Some((batch, leaves)) = waiting.remove(&next) {
            files.write(&batch, &leaves)?;
            next += 1;
        }
    }
    if !waiting.is_empty() {
        return Err(Error::Other(
            "fx-seq internal error: a hashed batch is missing".into(),
        ));
    }
    files.finish()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use fx_core::event::Event;
    use fx_core::policy::Policy;

    /// The leaves are the SHA-256 of the lines the writers write.
    #[test]
    fn leaves_hash_the_lines_as_written() {
        let dir = tempfile::tempdir().unwrap();
        let run = fx_core::testing::scratch_run(dir.path(), Policy::default()).unwrap();
        let mut job = fx_core::testing::job_for(&run, "f", b"x", 0).unwrap();
        job.push(Event::ok("route", "label"));
        crate::record::prepare(&mut job, 1).unwrap();
        let rec = crate::record::from_job(job, 1).unwrap();
        let leaves = hash_batch(std::slice::from_ref(&rec), 41, &mut Vec::new());
        let mut lines = Vec::new();
        for (i, e) in rec.events().enumerate() {
            let mut l = Vec::new();
            stamped_event(&mut l, rec.head(), 41 + i as u64, e.tail);
            lines.push(l);
        }
        for (l, (leaf_, len)) in lines.iter().zip(&leaves.events) {
            let mut with_nl = l.clone();
            with_nl.push(b'\n');
            assert_eq!(*leaf_, leaf(&with_nl));
            assert_eq!(*len, with_nl.len() as u64);
        }
        let mut job_line = rec.job_prefix().to_vec();
        job_line.extend_from_slice(&lines.join(&b","[..]));
        job_line.extend_from_slice(b"]}\n");
        assert_eq!(leaves.jobs, [(leaf(&job_line), job_line.len() as u64)]);
        // The job line parses back into the job.
        let parsed: fx_core::job::Job =
            serde_json::from_slice(&job_line[..job_line.len() - 1]).unwrap();
        assert_eq!(parsed.events.len(), 2);
        assert_eq!(parsed.events[1].event_seq, Some(42));
    }
}
