//! A job line turned into a sortable, pre-rendered record.
//!
//! Rendering a job is the expensive part of sequencing, and none of it
//! depends on where the job lands in the global order except its
//! `event_seq` numbers. So each job is rendered once, in parallel, into
//! the pieces of its output lines with a gap where the `event_seq` goes:
//!
//! * `head` — `{"run_id":"…","artifact_id":"…","artifact_seq":N,"event_seq":`
//! * one `tail` per event — the event without stamps, minus its opening `{`
//!   (`"module":"route",…}`)
//! * `job_prefix` — the job serialized with no events, cut after `"events":[`
//!
//! A stamped event line is then `head ‖ event_seq ‖ "," ‖ tail`, exactly what
//! serde writes for the stamped [`Event`] (its stamp fields come first), and
//! a job line is `job_prefix ‖ stamped events joined by "," ‖ "]}"`. Writing
//! in order is concatenation.
//!
//! Two ways to get there, with the same result for the lines the fx stages
//! write:
//!
//! * **copy-through** ([`from_line`]): the line is parsed borrowed
//!   ([`crate::wire`]); each event's tail is a slice of the input line,
//!   provided the event carries no stamps, is not a summary and is in
//!   serde_json's compact form ([`crate::wire::is_compact`]). The job prefix,
//!   the head and the summary are serialized from typed values.
//! * **re-serialization** (otherwise, and always with [`from_job`]): the line
//!   is parsed into a typed [`Job`], earlier stamps and summaries are dropped
//!   ([`prepare`]) and every event is serialized again.
//!
//! A record's rendering is a function of its input line, so the output is
//! byte-identical whatever the order, thread count or engine. Duplicate
//! lines are detected by comparing renderings ([`Record::same_rendering`]).

use std::borrow::Cow;
use std::ops::Range;

use fx_core::event::Event;
use fx_core::job::Job;
use fx_core::jsonl::parse_line;
use fx_core::run::RunDir;
use fx_core::summary::{SUMMARY_MODULE, SUMMARY_STEP, SummaryBuilder, is_summary, summary_event};
use fx_core::{Error, Result};
use serde::Serialize;

use serde_json::value::RawValue;

use crate::wire::{self, ArtifactWire, EventWire, JobWire, is_compact};

/// Longest accepted module name (module names become file names).
pub const MAX_MODULE_NAME: usize = 64;

/// A job rendered for sequencing.
#[derive(Clone, Debug)]
pub struct Record {
    /// The job's `artifact_seq` (the sort key).
    pub seq: u64,
    /// 1-based input line number (tie-break and error messages).
    pub line: u64,
    /// True when the events were copied through from the input line.
    pub copied: bool,
    /// The input line (copy-through only), then the rendered pieces.
    buf: Vec<u8>,
    job_prefix: Range<usize>,
    head: Range<usize>,
    events: Vec<EventPart>,
}

/// Where one event's pieces sit in a record's buffer.
#[derive(Clone, Debug)]
struct EventPart {
    module: Range<usize>,
    tail: Range<usize>,
    tool: bool,
}

/// One event of a record, as the writers see it.
#[derive(Clone, Copy, Debug)]
pub struct EventView<'a> {
    /// Module name (a valid file name stem).
    pub module: &'a str,
    /// True when the event carries a `tool` record.
    pub tool: bool,
    /// Event JSON without stamps and without its opening `{`.
    pub tail: &'a [u8],
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

fn bad_line(line: u64, e: impl std::fmt::Display) -> Error {
    Error::BadLine {
        line,
        reason: format!("invalid job line: {e}"),
    }
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

fn check_module(name: &str, line: u64) -> Result<()> {
    if valid_module_name(name) {
        return Ok(());
    }
    Err(Error::BadLine {
        line,
        reason: format!(
            "module name {name:?} is not [a-z0-9][a-z0-9_-]* of at most {MAX_MODULE_NAME} bytes"
        ),
    })
}

/// Prepares a parsed job for sequencing: drops earlier summaries and stamps
/// (so re-sequencing sequenced lines is idempotent), checks module names,
/// and appends the summary. `line` names the input line in errors.
pub fn prepare(job: &mut Job, line: u64) -> Result<()> {
    job.events.retain(|e| !is_summary(e));
    for e in &mut job.events {
        check_module(&e.module, line)?;
        e.run_id = None;
        e.artifact_id = None;
        e.artifact_seq = None;
        e.event_seq = None;
    }
    let summary = summary_event(&job.events);
    job.events.push(summary);
    Ok(())
}

/// Builds the record of one input line, checked against `run`: by
/// copy-through when the line allows it, else by re-serialization (see the
/// module docs).
pub fn from_line(run: &RunDir, raw: Vec<u8>, line: u64) -> Result<Record> {
    if raw.iter().all(u8::is_ascii_whitespace) {
        return Err(fx_core::jsonl::empty_line(line));
    }
    // The rendered pieces are gathered in a per-thread scratch buffer, then
    // appended to the line's own buffer (which has room for them).
    thread_local! {
        static EXTRA: std::cell::RefCell<Vec<u8>> = std::cell::RefCell::new(Vec::with_capacity(4096));
    }
    EXTRA.with_borrow_mut(|extra| {
        extra.clear();
        from_line_with(run, raw, line, extra)
    })
}

fn from_line_with(run: &RunDir, raw: Vec<u8>, line: u64, extra: &mut Vec<u8>) -> Result<Record> {
    let parsed = match wire::layout(&raw, run.manifest().run_id.as_str()) {
        // The stages' layout: the spans come from one structural scan, and
        // the line must be UTF-8 as a whole (the parts are parsed below).
        Some(l) => {
            let text = simdutf8::compat::from_utf8(&raw).map_err(|e| bad_line(line, e))?;
            let parts = Parts {
                fx: fx_core::JOB_FORMAT,
                run_id: &run.manifest().run_id,
                opening_canonical: true,
                compact: Some(l.compact),
                artifact: l.artifact,
                events: l.events,
            };
            copy_through(run, &parts, text, line, extra)?
        }
        None => {
            let wire: JobWire<'_> = serde_json::from_slice(&raw).map_err(|e| bad_line(line, e))?;
            let span = |part: &RawValue| -> Result<Range<usize>> {
                let text = part.get().as_bytes();
                (text.as_ptr() as usize)
                    .checked_sub(raw.as_ptr() as usize)
                    .map(|s| s..s + text.len())
                    .filter(|r| r.end <= raw.len())
                    .ok_or_else(|| internal("part outside its line"))
            };
            let artifact = span(wire.artifact)?;
            let opening = [
                &br#"{"fx":""#[..],
                wire.fx.as_bytes(),
                br#"","run_id":""#,
                wire.run_id.as_bytes(),
                br#"","artifact":"#,
            ];
            let opening_canonical = matches!(
                (&wire.fx, &wire.run_id),
                (Cow::Borrowed(_), Cow::Borrowed(_))
            ) && opening.iter().map(|p| p.len()).sum::<usize>()
                == artifact.start
                && opening.concat() == raw[..artifact.start];
            let parts = Parts {
                fx: &wire.fx,
                run_id: &wire.run_id,
                opening_canonical,
                compact: None,
                artifact,
                events: wire.events.iter().map(|e| span(e)).collect::<Result<_>>()?,
            };
            // The parse checked every part; the line is UTF-8.
            let text = simdutf8::compat::from_utf8(&raw).map_err(|e| bad_line(line, e))?;
            copy_through(run, &parts, text, line, extra)?
        }
    };
    match parsed {
        Some(pieces) => Ok(assemble(raw, extra, pieces, line)),
        None => {
            let mut job: Job = parse_line(&raw, line)?;
            drop(raw);
            run.check_job(&job, line)?;
            prepare(&mut job, line)?;
            from_job(job, line)
        }
    }
}

/// The pieces of a copy-through rendering: offsets below the input line's
/// length point into the line, the others into the rendered bytes after it.
struct Pieces {
    seq: u64,
    job_prefix: Range<usize>,
    head: Range<usize>,
    events: Vec<EventPart>,
}

/// Where the parts of a job line are.
struct Parts<'a> {
    fx: &'a str,
    run_id: &'a str,
    /// The line starts with exactly `{"fx":"<fx>","run_id":"<run_id>","artifact":`.
    opening_canonical: bool,
    /// Whether the artifact and the events are compact, when already known.
    compact: Option<bool>,
    artifact: Range<usize>,
    events: Vec<Range<usize>>,
}

/// Renders a borrowed job; `None` when a part cannot be copied through.
///
/// `text` is the whole line, already checked to be UTF-8, so the parts are
/// parsed as `str` and serde_json does not check each string again.
fn copy_through(
    run: &RunDir,
    parts: &Parts<'_>,
    text: &str,
    line: u64,
    extra: &mut Vec<u8>,
) -> Result<Option<Pieces>> {
    let raw = text.as_bytes();
    let part = |r: &Range<usize>| {
        text.get(r.clone())
            .ok_or_else(|| internal("part outside its line"))
    };
    let art_str = part(&parts.artifact)?;
    let art_text = art_str.as_bytes();
    let artifact: ArtifactWire<'_> =
        serde_json::from_str(art_str).map_err(|e| bad_line(line, e))?;
    run.check_parts(parts.fx, parts.run_id, &artifact.intake.tenant, line)?;
    // The job prefix is the line's own opening bytes when they are exactly
    // what serializing would write.
    let compact =
        |text: &[u8], nulls: bool| parts.compact.unwrap_or_else(|| is_compact(text, nulls));
    if !parts.opening_canonical || !artifact.canonical() || !compact(art_text, true) {
        return Ok(None);
    }
    let at = raw.len();
    let mut events = Vec::with_capacity(parts.events.len() + 1);
    let mut summary = SummaryBuilder::default();
    for sp in &parts.events {
        let ev_str = part(sp)?;
        let text = ev_str.as_bytes();
        let e: EventWire<'_> = serde_json::from_str(ev_str).map_err(|e| bad_line(line, e))?;
        check_module(&e.module, line)?;
        if e.stamped()
            || (e.module == SUMMARY_MODULE && e.step == SUMMARY_STEP)
            || !is_compact(text, false)
        {
            return Ok(None);
        }
        let m = at + extra.len();
        extra.extend_from_slice(e.module.as_bytes());
        events.push(EventPart {
            module: m..at + extra.len(),
            tail: sp.start + 1..sp.end,
            tool: e.tool.is_some(),
        });
        // A module name is `[a-z0-9_-]`: in a compact line it has no escape,
        // so it is borrowed from the line.
        let Cow::Borrowed(module) = e.module else {
            return Ok(None);
        };
        summary.add(
            module,
            e.status,
            e.conclusion.as_ref(),
            e.error.as_ref().map(|x| x.kind),
            e.reason.as_deref(),
            e.data
                .iter()
                .flat_map(|d| d.caps_hit.iter().map(String::as_str)),
        );
    }
    let m = at + extra.len();
    extra.extend_from_slice(SUMMARY_MODULE.as_bytes());
    let module = m..at + extra.len();
    let s = at + extra.len();
    summary
        .finish()
        .write_event(extra)
        .map_err(|e| internal(&format!("serialize: {e}")))?;
    events.push(EventPart {
        module,
        tail: s + 1..at + extra.len(),
        tool: false,
    });
    let p = at + extra.len();
    extra.extend_from_slice(&raw[..parts.artifact.end]);
    extra.extend_from_slice(br#","events":["#);
    let job_prefix = p..at + extra.len();
    let head = render_head(
        extra,
        at,
        parts.run_id,
        &artifact.artifact_id,
        artifact.artifact_seq,
    )?;
    Ok(Some(Pieces {
        seq: artifact.artifact_seq,
        job_prefix,
        head,
        events,
    }))
}

fn assemble(mut raw: Vec<u8>, extra: &[u8], p: Pieces, line: u64) -> Record {
    raw.extend_from_slice(extra);
    Record {
        seq: p.seq,
        line,
        copied: true,
        buf: raw,
        job_prefix: p.job_prefix,
        head: p.head,
        events: p.events,
    }
}

fn write_json(out: &mut Vec<u8>, v: &impl Serialize) -> Result<()> {
    serde_json::to_writer(&mut *out, v).map_err(|e| internal(&format!("serialize: {e}")))
}

/// Serializes the job without events into `out`, cut after `"events":[`;
/// returns its range shifted by `at`.
fn render_prefix(out: &mut Vec<u8>, at: usize, job: &impl Serialize) -> Result<Range<usize>> {
    let start = out.len();
    write_json(out, job)?;
    // `events` is the last field of a job and always written.
    if !out.ends_with(b"[]}") {
        return Err(internal("job did not serialize with events last"));
    }
    out.truncate(out.len() - 2);
    Ok(at + start..at + out.len())
}

fn render_head(
    out: &mut Vec<u8>,
    at: usize,
    run_id: &str,
    artifact_id: &str,
    artifact_seq: u64,
) -> Result<Range<usize>> {
    let start = out.len();
    let plain = |s: &str| !s.bytes().any(|b| b == b'"' || b == b'\\' || b < 0x20);
    if plain(run_id) && plain(artifact_id) {
        // What serde writes for `Stamps`, without its escaping machinery.
        out.extend_from_slice(br#"{"run_id":""#);
        out.extend_from_slice(run_id.as_bytes());
        out.extend_from_slice(br#"","artifact_id":""#);
        out.extend_from_slice(artifact_id.as_bytes());
        out.extend_from_slice(br#"","artifact_seq":"#);
        out.extend_from_slice(itoa::Buffer::new().format(artifact_seq).as_bytes());
    } else {
        write_json(
            out,
            &Stamps {
                run_id,
                artifact_id,
                artifact_seq,
            },
        )?;
        out.pop();
    }
    out.extend_from_slice(b",\"event_seq\":");
    Ok(at + start..at + out.len())
}

/// Renders a prepared job (see [`prepare`]) by re-serialization.
pub fn from_job(mut job: Job, line: u64) -> Result<Record> {
    let events: Vec<Event> = std::mem::take(&mut job.events);
    let mut buf = Vec::with_capacity(2048);
    let job_prefix = render_prefix(&mut buf, 0, &job)?;
    let a = &job.artifact;
    let head = render_head(&mut buf, 0, &job.run_id, &a.artifact_id, a.artifact_seq)?;
    let mut parts = Vec::with_capacity(events.len());
    for e in &events {
        let m = buf.len();
        buf.extend_from_slice(e.module.as_bytes());
        let module = m..buf.len();
        let start = buf.len();
        write_json(&mut buf, e)?;
        if buf.get(start) != Some(&b'{') {
            return Err(internal("event did not serialize as an object"));
        }
        parts.push(EventPart {
            module,
            tail: start + 1..buf.len(),
            tool: e.tool.is_some(),
        });
    }
    Ok(Record {
        seq: job.artifact.artifact_seq,
        line,
        copied: false,
        buf,
        job_prefix,
        head,
        events: parts,
    })
}

impl Record {
    /// Job JSON up to and including `"events":[`.
    pub fn job_prefix(&self) -> &[u8] {
        &self.buf[self.job_prefix.clone()]
    }

    /// Stamp prefix up to and including `"event_seq":`.
    pub fn head(&self) -> &[u8] {
        &self.buf[self.head.clone()]
    }

    /// Number of events (the summary included).
    pub fn count(&self) -> usize {
        self.events.len()
    }

    /// The events, the summary last.
    pub fn events(&self) -> impl Iterator<Item = EventView<'_>> {
        self.events.iter().map(|p| EventView {
            // Module names are checked ASCII when the record is built.
            module: std::str::from_utf8(&self.buf[p.module.clone()]).unwrap_or("invalid"),
            tool: p.tool,
            tail: &self.buf[p.tail.clone()],
        })
    }

    /// True when both records render to the same output bytes.
    pub fn same_rendering(&self, other: &Record) -> bool {
        self.job_prefix() == other.job_prefix()
            && self.head() == other.head()
            && self.count() == other.count()
            && self
                .events()
                .zip(other.events())
                .all(|(a, b)| a.module == b.module && a.tool == b.tool && a.tail == b.tail)
    }
}

/// Writes the stamped event line (without newline) into `out`.
pub fn stamped_event(out: &mut Vec<u8>, head: &[u8], event_seq: u64, tail: &[u8]) {
    out.extend_from_slice(head);
    out.extend_from_slice(itoa::Buffer::new().format(event_seq).as_bytes());
    out.push(b',');
    out.extend_from_slice(tail);
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use fx_core::event::{ErrorInfo, StreamRef, ToolRun};
    use fx_core::vocab::{Conclusion, FailureKind, Label};
    use serde_json::json;

    fn job(run: &RunDir) -> Job {
        let mut j = fx_core::testing::job_for(run, "a/\"quoted\".pem", b"bytes", 7).unwrap();
        j.push(Event::ok("route", "label").with_conclusion(Conclusion {
            labels: vec![Label::Certificate],
            ..Default::default()
        }));
        j.push(Event::error(
            "inspect",
            "pem",
            ErrorInfo::new(FailureKind::Truncated).at(3),
        ));
        j.push(
            Event::ok("inspect", "regions")
                .with_data(json!({"caps_hit":["budget:max_regions"],"z":[1.5,"\u{1}é"],"a":{}})),
        );
        j.push(Event::skipped("probe", "hybrid", "budget:probes"));
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

    fn scratch() -> (tempfile::TempDir, RunDir) {
        let dir = tempfile::tempdir().unwrap();
        let run = fx_core::testing::scratch_run(dir.path(), Default::default()).unwrap();
        (dir, run)
    }

    /// The stamped job line a record renders with events numbered from `first`.
    fn job_line(rec: &Record, first: u64) -> Vec<u8> {
        let mut line = rec.job_prefix().to_vec();
        for (i, ev) in rec.events().enumerate() {
            if i > 0 {
                line.push(b',');
            }
            stamped_event(&mut line, rec.head(), first + i as u64, ev.tail);
        }
        line.extend_from_slice(b"]}");
        line
    }

    #[test]
    fn rendering_equals_serde_of_the_stamped_job() {
        let (_d, run) = scratch();
        let mut j = job(&run);
        prepare(&mut j, 1).unwrap();
        let rec = from_job(j.clone(), 1).unwrap();
        assert!(!rec.copied);
        assert_eq!(rec.seq, 7);
        let evs: Vec<EventView<'_>> = rec.events().collect();
        assert_eq!((rec.count(), evs.len()), (6, 6));
        assert_eq!(evs[5].module, "seq");
        assert!(evs[4].tool && !evs[1].tool);

        let mut expected = j.clone();
        for (i, (e, ev)) in expected.events.iter_mut().zip(&evs).enumerate() {
            e.run_id = Some(j.run_id.clone());
            e.artifact_id = Some(j.artifact.artifact_id.clone());
            e.artifact_seq = Some(7);
            e.event_seq = Some(100 + i as u64);
            let mut out = Vec::new();
            stamped_event(&mut out, rec.head(), 100 + i as u64, ev.tail);
            assert_eq!(out, serde_json::to_vec(e).unwrap());
        }
        assert_eq!(job_line(&rec, 100), serde_json::to_vec(&expected).unwrap());
    }

    #[test]
    fn copy_through_renders_exactly_what_reserializing_does() {
        let (_d, run) = scratch();
        let j = job(&run);
        let line = serde_json::to_vec(&j).unwrap();
        let fast = from_line(&run, line.clone(), 3).unwrap();
        assert!(fast.copied);
        let mut typed = j.clone();
        prepare(&mut typed, 3).unwrap();
        let slow = from_job(typed, 3).unwrap();
        assert!(fast.same_rendering(&slow));
        assert_eq!(job_line(&fast, 0), job_line(&slow, 0));

        // Stamped input (a replay of jobs.jsonl), a summary, `null` fields
        // or whitespace take the re-serializing path, with the same result.
        let replay = job_line(&fast, 40);
        let again = from_line(&run, replay, 9).unwrap();
        assert!(!again.copied);
        assert!(again.same_rendering(&slow));
        let mut v: serde_json::Value = serde_json::from_slice(&line).unwrap();
        v["events"][1]["reason"] = serde_json::Value::Null;
        let with_null = from_line(&run, serde_json::to_vec(&v).unwrap(), 4).unwrap();
        assert!(!with_null.copied);
        assert!(with_null.same_rendering(&slow));
        let pretty = from_line(
            &run,
            serde_json::to_vec_pretty(&j)
                .unwrap()
                .into_iter()
                .filter(|&b| b != b'\n')
                .collect(),
            5,
        )
        .unwrap();
        assert!(!pretty.copied);
        assert!(pretty.same_rendering(&slow));
    }

    #[test]
    fn prepare_is_idempotent_on_sequenced_jobs() {
        let (_d, run) = scratch();
        let mut a = job(&run);
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
    fn bad_lines_are_refused_on_both_paths() {
        let (_d, run) = scratch();
        for bad in ["", "../x", "A", "a/b", ".hidden", &"x".repeat(65)] {
            assert!(!valid_module_name(bad), "{bad}");
            let mut j = job(&run);
            j.push(Event::ok(bad, "s"));
            let err = prepare(&mut j.clone(), 9).unwrap_err().to_string();
            assert!(err.starts_with("line 9: module name"), "{err}");
            let err = from_line(&run, serde_json::to_vec(&j).unwrap(), 9)
                .unwrap_err()
                .to_string();
            assert!(err.starts_with("line 9: module name"), "{err}");
        }
        for good in ["route", "re_fingerprint", "x-1", "0"] {
            assert!(valid_module_name(good));
        }
        let err = from_line(&run, b"  ".to_vec(), 2).unwrap_err().to_string();
        assert_eq!(err, "line 2: empty line");
        let mut v = serde_json::to_value(job(&run)).unwrap();
        v["events"][0]["extra"] = json!(1);
        let err = from_line(&run, serde_json::to_vec(&v).unwrap(), 1)
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("line 1: invalid job line: unknown field `extra`"),
            "{err}"
        );
        v["events"][0]["extra"] = json!(null);
        let err = from_line(&run, serde_json::to_vec(&v).unwrap(), 1)
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("line 1: invalid job line: unknown field `extra`"),
            "{err}"
        );
    }
}
