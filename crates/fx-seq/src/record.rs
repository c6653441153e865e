//! A job line turned into a pre-rendered, sortable record.
//!
//! Parsing, checking, summarising and serializing a job is the expensive part
//! of sequencing, and none of it depends on where the job lands in the
//! global order except its `event_seq` numbers. So each job is rendered once,
//! in parallel, into the bytes of its output lines with a gap where the
//! `event_seq` goes:
//!
//! * `head` — `{"run_id":"…","artifact_id":"…","artifact_seq":N,"event_seq":`
//! * one `tail` per event — the event serialized without stamps, minus its
//!   opening `{` (`"module":"route",…}`)
//! * `job_prefix` — the job serialized with no events, cut after `"events":[`
//!
//! A stamped event line is then `head ‖ event_seq ‖ "," ‖ tail`, exactly what
//! serde writes for the stamped [`Event`] (its stamp fields come first), and
//! a job line is `job_prefix ‖ stamped events joined by "," ‖ "]}"`. Writing
//! in order is concatenation.
//!
//! The rendering is a function of the parsed job, so two input lines that
//! parse to the same job give the same record bytes: that is what
//! duplicate detection compares.

use fx_core::event::Event;
use fx_core::job::Job;
use fx_core::summary::{is_summary, summary_event};
use fx_core::{Error, Result};
use serde::Serialize;

/// Longest accepted module name (module names become file names).
pub const MAX_MODULE_NAME: usize = 64;

/// A job rendered for sequencing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    /// The job's `artifact_seq` (the sort key).
    pub seq: u64,
    /// 1-based input line number (tie-break and error messages).
    pub line: u64,
    /// The encoded rendering (see [`RecordView`]).
    pub body: Vec<u8>,
}

/// Bytes a record is charged against the sort memory budget.
pub fn charge(r: &Record) -> usize {
    r.body.capacity() + std::mem::size_of::<Record>()
}

/// One event of a decoded record.
#[derive(Clone, Copy, Debug)]
pub struct EventView<'a> {
    /// Module name (a valid file name stem).
    pub module: &'a str,
    /// True when the event carries a `tool` record.
    pub tool: bool,
    /// Event JSON without stamps and without its opening `{`.
    pub tail: &'a [u8],
}

/// A decoded record body.
#[derive(Clone, Debug)]
pub struct RecordView<'a> {
    /// Job JSON up to and including `"events":[`.
    pub job_prefix: &'a [u8],
    /// Stamp prefix up to and including `"event_seq":`.
    pub head: &'a [u8],
    /// Number of events.
    pub count: usize,
    rest: &'a [u8],
}

#[derive(Serialize)]
struct Stamps<'a> {
    run_id: &'a str,
    artifact_id: &'a str,
    artifact_seq: u64,
}

fn internal(what: &str) -> Error {
    Error::Other(format!("fx-seq internal error: {what}"))
}

/// True when `name` can be a module name (and so a file name):
/// `[a-z0-9][a-z0-9_-]*`, at most [`MAX_MODULE_NAME`] bytes.
pub fn valid_module_name(name: &str) -> bool {
    let b = name.as_bytes();
    !b.is_empty()
        && b.len() <= MAX_MODULE_NAME
        && (b[0].is_ascii_lowercase() || b[0].is_ascii_digit())
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'_' || *c == b'-')
}

/// Prepares a parsed job for sequencing: drops earlier summaries and stamps
/// (so re-sequencing sequenced lines is idempotent), checks module names,
/// and appends the summary. `line` names the input line in errors.
pub fn prepare(job: &mut Job, line: u64) -> Result<()> {
    job.events.retain(|e| !is_summary(e));
    for e in &mut job.events {
        if !valid_module_name(&e.module) {
            return Err(Error::BadLine {
                line,
                reason: format!(
                    "module name {:?} is not [a-z0-9][a-z0-9_-]* of at most {MAX_MODULE_NAME} bytes",
                    e.module
                ),
            });
        }
        e.run_id = None;
        e.artifact_id = None;
        e.artifact_seq = None;
        e.event_seq = None;
    }
    let summary = summary_event(&job.events);
    job.events.push(summary);
    Ok(())
}

/// Renders a prepared job (see [`prepare`]) into a record. `size_hint` is
/// the length of the input line, which the rendering is close to.
pub fn render(mut job: Job, line: u64, size_hint: usize) -> Result<Record> {
    let events: Vec<Event> = std::mem::take(&mut job.events);
    // Everything is serialized straight into the body; lengths are patched in.
    let mut body = Vec::with_capacity(size_hint + 1024);

    let at = begin(&mut body);
    write_json(&mut body, &job)?;
    // `events` is the last field of a job and always written.
    if !body.ends_with(b"[]}") {
        return Err(internal("job did not serialize with events last"));
    }
    body.truncate(body.len() - 2);
    end(&mut body, at)?;

    let at = begin(&mut body);
    write_json(
        &mut body,
        &Stamps {
            run_id: &job.run_id,
            artifact_id: &job.artifact.artifact_id,
            artifact_seq: job.artifact.artifact_seq,
        },
    )?;
    body.pop();
    body.extend_from_slice(b",\"event_seq\":");
    end(&mut body, at)?;

    put_u32(&mut body, events.len())?;
    for e in &events {
        body.push(u8::from(e.tool.is_some()));
        let m = e.module.as_bytes();
        body.push(u8::try_from(m.len()).map_err(|_| internal("module name too long"))?);
        body.extend_from_slice(m);
        // Stored with its opening `{`, which readers skip.
        let at = begin(&mut body);
        write_json(&mut body, e)?;
        if body.get(at + 4) != Some(&b'{') {
            return Err(internal("event did not serialize as an object"));
        }
        end(&mut body, at)?;
    }
    Ok(Record {
        seq: job.artifact.artifact_seq,
        line,
        body,
    })
}

fn write_json(out: &mut Vec<u8>, v: &impl Serialize) -> Result<()> {
    serde_json::to_writer(&mut *out, v).map_err(|e| Error::Other(format!("serialize: {e}")))
}

/// Reserves a length field; returns its position.
fn begin(out: &mut Vec<u8>) -> usize {
    let at = out.len();
    out.extend_from_slice(&[0; 4]);
    at
}

/// Patches the length field at `at` with the bytes written since.
fn end(out: &mut [u8], at: usize) -> Result<()> {
    let len = u32::try_from(out.len() - at - 4).map_err(|_| internal("record part over 4 GiB"))?;
    out[at..at + 4].copy_from_slice(&len.to_le_bytes());
    Ok(())
}

fn put_u32(out: &mut Vec<u8>, n: usize) -> Result<()> {
    let n = u32::try_from(n).map_err(|_| internal("record part over 4 GiB"))?;
    out.extend_from_slice(&n.to_le_bytes());
    Ok(())
}

struct Cursor<'a> {
    b: &'a [u8],
}

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        if self.b.len() < n {
            return Err(internal("truncated record"));
        }
        let (head, rest) = self.b.split_at(n);
        self.b = rest;
        Ok(head)
    }

    fn u8(&mut self) -> Result<u8> {
        Ok(self.take(1)?[0])
    }

    fn u32(&mut self) -> Result<usize> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
    }

    fn bytes32(&mut self) -> Result<&'a [u8]> {
        let n = self.u32()?;
        self.take(n)
    }
}

impl Record {
    /// Decodes the body (no allocation; events are decoded as iterated).
    pub fn view(&self) -> Result<RecordView<'_>> {
        let mut c = Cursor { b: &self.body };
        let job_prefix = c.bytes32()?;
        let head = c.bytes32()?;
        let count = c.u32()?;
        Ok(RecordView {
            job_prefix,
            head,
            count,
            rest: c.b,
        })
    }
}

impl<'a> RecordView<'a> {
    /// The events, the summary last.
    pub fn events(&self) -> EventIter<'a> {
        EventIter {
            c: Cursor { b: self.rest },
            left: self.count,
        }
    }
}

/// Iterator over the events of a [`RecordView`].
pub struct EventIter<'a> {
    c: Cursor<'a>,
    left: usize,
}

impl<'a> EventIter<'a> {
    fn decode(&mut self) -> Result<EventView<'a>> {
        let tool = self.c.u8()? != 0;
        let mlen = self.c.u8()? as usize;
        let module = std::str::from_utf8(self.c.take(mlen)?)
            .map_err(|_| internal("module name not UTF-8"))?;
        let json = self.c.bytes32()?;
        let tail = json
            .strip_prefix(b"{")
            .ok_or_else(|| internal("stored event is not an object"))?;
        Ok(EventView { module, tool, tail })
    }
}

impl<'a> Iterator for EventIter<'a> {
    type Item = Result<EventView<'a>>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        let r = self.decode();
        if r.is_err() {
            self.left = 0;
        }
        Some(r)
    }
}

/// Writes the stamped event line (without newline) into `out`.
pub fn stamped_event(out: &mut Vec<u8>, head: &[u8], event_seq: u64, tail: &[u8]) {
    out.extend_from_slice(head);
    out.extend_from_slice(itoa(event_seq, &mut [0u8; 20]));
    out.push(b',');
    out.extend_from_slice(tail);
}

fn itoa(mut n: u64, buf: &mut [u8; 20]) -> &[u8] {
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    &buf[i..]
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use fx_core::event::{ErrorInfo, StreamRef, ToolRun};
    use fx_core::vocab::{Conclusion, FailureKind, Label};

    fn job() -> Job {
        let dir = tempfile::tempdir().unwrap();
        let run = fx_core::testing::scratch_run(dir.path(), Default::default()).unwrap();
        let mut j = fx_core::testing::job_for(&run, "a/\"quoted\".pem", b"bytes", 7).unwrap();
        j.push(Event::ok("route", "label").with_conclusion(Conclusion {
            labels: vec![Label::Certificate],
            ..Default::default()
        }));
        j.push(Event::error(
            "inspect",
            "pem",
            ErrorInfo::new(FailureKind::Truncated).at(3),
        ));
        j.push(Event::ok("inspect", "openssl").with_tool(ToolRun {
            name: "openssl".into(),
            version: None,
            binary_hash: None,
            argv: vec!["x509".into()],
            exit_code: Some(0),
            signal: None,
            timed_out: false,
            sandbox: "bwrap".into(),
            stdout: Some(StreamRef {
                blob_ref: "blobs/sha256/00/11".into(),
                hash: "sha256:0011".into(),
                bytes: 1,
                kept: 1,
                truncated: false,
            }),
            stderr: None,
        }));
        j
    }

    #[test]
    fn rendering_equals_serde_of_the_stamped_job() {
        let mut j = job();
        prepare(&mut j, 1).unwrap();
        let rec = render(j.clone(), 1, 0).unwrap();
        assert_eq!(rec.seq, 7);
        let v = rec.view().unwrap();
        let evs: Vec<EventView<'_>> = v.events().map(|e| e.unwrap()).collect();
        assert_eq!((v.count, evs.len()), (4, 4));
        assert_eq!(evs[3].module, "seq");
        assert!(evs[2].tool && !evs[1].tool);

        let mut expected = j.clone();
        let mut line = v.job_prefix.to_vec();
        for (i, (e, ev)) in expected.events.iter_mut().zip(&evs).enumerate() {
            e.run_id = Some(j.run_id.clone());
            e.artifact_id = Some(j.artifact.artifact_id.clone());
            e.artifact_seq = Some(7);
            e.event_seq = Some(100 + i as u64);
            let mut out = Vec::new();
            stamped_event(&mut out, v.head, 100 + i as u64, ev.tail);
            assert_eq!(out, serde_json::to_vec(e).unwrap());
            if i > 0 {
                line.push(b',');
            }
            line.extend_from_slice(&out);
        }
        line.extend_from_slice(b"]}");
        assert_eq!(line, serde_json::to_vec(&expected).unwrap());
    }

    #[test]
    fn prepare_is_idempotent_on_sequenced_jobs() {
        let mut a = job();
        prepare(&mut a, 1).unwrap();
        let mut b = a.clone();
        for (i, e) in b.events.iter_mut().enumerate() {
            e.event_seq = Some(i as u64);
            e.run_id = Some("x".into());
        }
        prepare(&mut b, 2).unwrap();
        assert_eq!(a, b);
    }

    #[test]
    fn bad_module_names_are_refused() {
        for bad in ["", "../x", "A", "a/b", ".hidden", &"x".repeat(65)] {
            assert!(!valid_module_name(bad), "{bad}");
            let mut j = job();
            j.push(Event::ok(bad, "s"));
            let err = prepare(&mut j, 9).unwrap_err().to_string();
            assert!(err.starts_with("line 9: module name"), "{err}");
        }
        for good in ["route", "re_fingerprint", "x-1", "0"] {
            assert!(valid_module_name(good));
        }
    }

    #[test]
    fn itoa_matches_display() {
        for n in [0u64, 9, 10, 12345, u64::MAX] {
            assert_eq!(itoa(n, &mut [0; 20]), n.to_string().as_bytes());
        }
    }
}
