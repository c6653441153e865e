//! The leaves of the telemetry, for the evidence chain ([`fx_chain`]):
//! the SHA-256 of every line of `jobs.jsonl`, computed off the writers'
//! threads.
//!
//! `jobs.jsonl` is the telemetry every reader starts from; `events.jsonl`,
//! `tool_run_events.jsonl` and the module files repeat its events, byte
//! for byte, in an order it fixes. So only the job lines are hashed, and
//! the other files are recorded as derived from `jobs.jsonl` (their size
//! and line count): `fx-seq --verify` compares every line of them with the
//! job lines and names the one that differs. That halves what SHA-256 has
//! to read (an event would otherwise be hashed twice, in its event line
//! and in its job line).
//!
//! The orderer hands each ordered batch, with the `event_seq` of its first
//! event, to a pool of hash workers; each hashes the batch's job lines from
//! the same pieces the writers write them from, and counts the bytes of the
//! event lines. One leaves writer puts the batches back in order and
//! appends the leaves to their sink.

use std::collections::BTreeMap;
use std::sync::mpsc::{Receiver, SyncSender};
use std::sync::{Arc, Mutex};

use fx_chain::{Content, Leaf, LeafSink, LineHasher, Sinks};
use fx_core::{Error, Result};

use crate::record::Record;
use crate::telemetry::{EVENTS, JOBS, MODULE_EVENTS, TELEMETRY_DIR, TOOL_RUN_EVENTS};

/// An ordered batch to hash: its number, the `event_seq` of its first
/// event, its records.
pub type ToHash = (u64, u64, Arc<Vec<Record>>);

/// A hashed batch: its number, its records, and their leaves.
pub type Hashed = (u64, Arc<Vec<Record>>, BatchLeaves);

/// The leaves of one batch's job lines and the lengths of its event lines
/// (`\n` included).
#[derive(Debug, Default)]
pub struct BatchLeaves {
    /// One length per event line, in order.
    events: Vec<u64>,
    /// One leaf and length per job line, in order.
    jobs: Vec<(Leaf, u64)>,
}

/// An error of the evidence chain, as an fx-seq error.
pub fn chain_error(e: fx_chain::ChainError) -> Error {
    Error::Other(format!("evidence chain: {e}"))
}

/// Hashes the job lines of `batch`, whose first event is `event_seq`, and
/// measures its event lines.
pub fn hash_batch(batch: &[Record], mut event_seq: u64) -> BatchLeaves {
    let mut out = BatchLeaves {
        events: Vec::with_capacity(batch.iter().map(Record::count).sum()),
        jobs: Vec::with_capacity(batch.len()),
    };
    let mut job = LineHasher::default();
    let mut digits = itoa::Buffer::new();
    for rec in batch {
        let head = rec.head();
        job.update(rec.job_prefix());
        for (i, ev) in rec.events().enumerate() {
            if i > 0 {
                job.update(b",");
            }
            let seq = digits.format(event_seq).as_bytes();
            // The job line holds the event line without its newline.
            job.update(head);
            job.update(seq);
            job.update(b",");
            job.update(ev.tail);
            // The event line: head, digits, `,`, tail, `\n`.
            out.events
                .push((head.len() + seq.len() + 1 + ev.tail.len() + 1) as u64);
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
    loop {
        let next = match input.lock() {
            Ok(rx) => rx.recv(),
            Err(_) => return,
        };
        let Ok((id, seq, batch)) = next else { return };
        let leaves = hash_batch(&batch, seq);
        if output.send((id, batch, leaves)).is_err() {
            return;
        }
    }
}

/// Size and line count of a file derived from `jobs.jsonl`.
#[derive(Clone, Copy, Debug, Default)]
struct Derived {
    bytes: u64,
    lines: u64,
}

impl Derived {
    fn add(&mut self, len: u64) {
        self.bytes += len;
        self.lines += 1;
    }

    fn content(self) -> Content {
        Content::Derived {
            from: recorded(JOBS),
            bytes: self.bytes,
            lines: self.lines,
        }
    }
}

/// Where the leaves and counts of each telemetry file go.
struct Files {
    jobs: LeafSink,
    events: Derived,
    tools: Derived,
    modules: BTreeMap<String, Derived>,
}

fn recorded(name: &str) -> String {
    format!("{TELEMETRY_DIR}/{name}")
}

impl Files {
    fn write(&mut self, batch: &[Record], leaves: &BatchLeaves) -> Result<()> {
        let mut ev = leaves.events.iter();
        for (rec, (job, job_len)) in batch.iter().zip(&leaves.jobs) {
            for e in rec.events() {
                let len = *ev
                    .next()
                    .ok_or_else(|| Error::Other("fx-seq internal error: leaves lost".into()))?;
                self.events.add(len);
                if e.tool {
                    self.tools.add(len);
                }
                match self.modules.get_mut(e.module) {
                    Some(m) => m.add(len),
                    None => {
                        let mut m = Derived::default();
                        m.add(len);
                        self.modules.insert(e.module.to_owned(), m);
                    }
                }
            }
            self.jobs.push(job, *job_len).map_err(chain_error)?;
        }
        Ok(())
    }

    fn finish(self) -> Result<Vec<(String, Content)>> {
        let mut out = Vec::with_capacity(3 + self.modules.len());
        out.push(self.jobs.finish().map_err(chain_error)?);
        out.push((recorded(EVENTS), self.events.content()));
        // tool_run_events.jsonl is written (empty) even without tool runs.
        out.push((recorded(TOOL_RUN_EVENTS), self.tools.content()));
        for (module, m) in self.modules {
            out.push((
                recorded(&format!("{MODULE_EVENTS}/{module}.jsonl")),
                m.content(),
            ));
        }
        Ok(out)
    }
}

/// The leaves writer: puts hashed batches back in order and appends their
/// leaves; returns the entries of the telemetry files.
pub fn write_leaves(input: Receiver<Hashed>, sinks: Sinks) -> Result<Vec<(String, Content)>> {
    let mut files = Files {
        jobs: sinks.open(&recorded(JOBS)).map_err(chain_error)?,
        events: Derived::default(),
        tools: Derived::default(),
        modules: BTreeMap::new(),
    };
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
    use crate::record::stamped_event;
    use fx_core::event::Event;
    use fx_core::policy::Policy;

    /// The leaves are the SHA-256 of the job lines the writer writes; the
    /// event lines are measured as the events writer writes them.
    #[test]
    fn leaves_hash_the_job_lines_and_measure_the_event_lines() {
        let dir = tempfile::tempdir().unwrap();
        let run = fx_core::testing::scratch_run(dir.path(), Policy::default()).unwrap();
        let mut job = fx_core::testing::job_for(&run, "f", b"x", 0).unwrap();
        job.push(Event::ok("route", "label"));
        crate::record::prepare(&mut job, 1).unwrap();
        let rec = crate::record::from_job(job, 1).unwrap();
        // 9 → 10: the event_seq gains a digit inside the job.
        let leaves = hash_batch(std::slice::from_ref(&rec), 9);
        let mut lines = Vec::new();
        for (i, e) in rec.events().enumerate() {
            let mut l = Vec::new();
            stamped_event(&mut l, rec.head(), 9 + i as u64, e.tail);
            lines.push(l);
        }
        let lens: Vec<u64> = lines.iter().map(|l| l.len() as u64 + 1).collect();
        assert_eq!(leaves.events, lens);
        let mut job_line = rec.job_prefix().to_vec();
        job_line.extend_from_slice(&lines.join(&b","[..]));
        job_line.extend_from_slice(b"]}\n");
        assert_eq!(
            leaves.jobs,
            [(fx_chain::leaf(&job_line), job_line.len() as u64)]
        );
        // The job line parses back into the job.
        let parsed: fx_core::job::Job =
            serde_json::from_slice(&job_line[..job_line.len() - 1]).unwrap();
        assert_eq!(parsed.events.len(), 2);
        assert_eq!(parsed.events[1].event_seq, Some(10));
    }
}
