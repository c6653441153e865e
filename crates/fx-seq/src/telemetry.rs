//! Writing `RUN/telemetry/`: every file is staged in a private temporary
//! directory inside `RUN/telemetry/` and renamed into place only when the
//! whole set is complete and synced. The event files and the job file are
//! written by two writers that can run on two threads. An error before the
//! commit (a bad input line, a disk full) leaves the previous telemetry
//! untouched and removes the staging directory. Files are written around
//! the page cache where the filesystem allows it ([`crate::direct`]).

use std::collections::BTreeMap;
use std::fs::File;
use std::path::{Path, PathBuf};

use fx_core::{Error, Result};

use crate::direct::{DirectFile, IoThread};
use crate::record::Record;

/// `RUN/telemetry`, relative to the run directory.
pub const TELEMETRY_DIR: &str = "telemetry";
/// Every sequenced event.
pub const EVENTS: &str = "events.jsonl";
/// Events that carry a `tool` record.
pub const TOOL_RUN_EVENTS: &str = "tool_run_events.jsonl";
/// The sorted, stamped job lines.
pub const JOBS: &str = "jobs.jsonl";
/// Directory of per-module event files (`<module>.jsonl`).
pub const MODULE_EVENTS: &str = "module_events";
/// Most distinct module names in one run (each is an open file).
pub const MAX_MODULES: usize = 256;

const BIG_BUF: usize = 4 << 20;
const MODULE_BUF: usize = 1 << 20;
/// Buffer of the module files after the first [`ROOMY_MODULES`] (two are
/// held per file), so even [`MAX_MODULES`] files stay in a bounded memory.
const SMALL_MODULE_BUF: usize = 128 * 1024;
const ROOMY_MODULES: usize = 16;

fn module_buf(open: usize) -> usize {
    if open < ROOMY_MODULES {
        MODULE_BUF
    } else {
        SMALL_MODULE_BUF
    }
}
const TOOL_BUF: usize = 256 * 1024;

/// Counts of what was written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Written {
    /// Job lines.
    pub jobs: u64,
    /// Events (summaries included).
    pub events: u64,
    /// Tool-run events.
    pub tool_runs: u64,
    /// Distinct modules.
    pub modules: u64,
}

type Out = DirectFile;

fn module_out<'m>(
    modules: &'m mut BTreeMap<String, Out>,
    module_dir: &Path,
    module: &str,
    direct: bool,
    io: &IoThread,
) -> Result<&'m mut Out> {
    if !modules.contains_key(module) {
        if modules.len() >= MAX_MODULES {
            return Err(Error::Other(format!(
                "more than {MAX_MODULES} distinct module names; refusing to open more files"
            )));
        }
        let path = module_dir.join(format!("{module}.jsonl"));
        modules.insert(
            module.to_owned(),
            Out::create(
                path,
                module_buf(modules.len()),
                direct,
                // The busiest files get an I/O thread each, so the device
                // sees several writes at once; the rest share one.
                Some(match modules.len() < ROOMY_MODULES {
                    true => IoThread::spawn()?,
                    false => io.clone(),
                }),
            )?,
        );
    }
    modules
        .get_mut(module)
        .ok_or_else(|| Error::Other("module file vanished".into()))
}

/// The staging directory of one sequencing pass; [`Staging::commit`] renames
/// its files into `RUN/telemetry/`, dropping it removes it.
pub struct Staging {
    telemetry: PathBuf,
    dir: tempfile::TempDir,
    direct: bool,
}

/// Writes `events.jsonl`, `tool_run_events.jsonl` and `module_events/`.
pub struct EventsWriter {
    events: Out,
    tools: Out,
    modules: BTreeMap<String, Out>,
    module_dir: PathBuf,
    direct: bool,
    io: IoThread,
    event_seq: u64,
    written: Written,
}

/// Writes `jobs.jsonl`. It numbers events on its own, exactly as the
/// [`EventsWriter`] does, so the two can run on separate threads.
pub struct JobsWriter {
    jobs: Out,
    event_seq: u64,
    jobs_written: u64,
}

impl Staging {
    /// Starts staging under `RUN/telemetry/`; with `direct`, files bypass
    /// the page cache where the filesystem allows it.
    pub fn new(run: &Path, direct: bool) -> Result<Staging> {
        let telemetry = run.join(TELEMETRY_DIR);
        std::fs::create_dir_all(&telemetry).map_err(|e| Error::io(&telemetry, e))?;
        let dir = tempfile::Builder::new()
            .prefix(".fx-seq-staging-")
            .tempdir_in(&telemetry)
            .map_err(|e| Error::io(&telemetry, e))?;
        let md = dir.path().join(MODULE_EVENTS);
        std::fs::create_dir(&md).map_err(|e| Error::io(&md, e))?;
        Ok(Staging {
            telemetry,
            dir,
            direct,
        })
    }

    /// The writer of the event files.
    pub fn events_writer(&self) -> Result<EventsWriter> {
        let s = self.dir.path();
        let io = IoThread::spawn()?;
        Ok(EventsWriter {
            events: Out::create(
                s.join(EVENTS),
                BIG_BUF,
                self.direct,
                Some(IoThread::spawn()?),
            )?,
            tools: Out::create(
                s.join(TOOL_RUN_EVENTS),
                TOOL_BUF,
                self.direct,
                Some(io.clone()),
            )?,
            modules: BTreeMap::new(),
            module_dir: s.join(MODULE_EVENTS),
            direct: self.direct,
            io,
            event_seq: 0,
            written: Written::default(),
        })
    }

    /// The writer of `jobs.jsonl`.
    pub fn jobs_writer(&self) -> Result<JobsWriter> {
        Ok(JobsWriter {
            jobs: Out::create(
                self.dir.path().join(JOBS),
                BIG_BUF,
                self.direct,
                Some(IoThread::spawn()?),
            )?,
            event_seq: 0,
            jobs_written: 0,
        })
    }

    /// Renames the finished files into `RUN/telemetry/`: `module_events/`
    /// first (the old directory is moved aside and removed), then
    /// `tool_run_events.jsonl`, `events.jsonl` and `jobs.jsonl`. The writers
    /// must have been finished (flushed and synced).
    pub fn commit(self) -> Result<()> {
        let Staging { telemetry, dir, .. } = self;
        let s = dir.path();
        let rename = |from: &Path, to: &Path| -> Result<()> {
            std::fs::rename(from, to).map_err(|e| Error::io(to, e))
        };
        let live_modules = telemetry.join(MODULE_EVENTS);
        if live_modules.exists() {
            rename(&live_modules, &s.join("old-module_events"))?;
        }
        rename(&s.join(MODULE_EVENTS), &live_modules)?;
        for name in [TOOL_RUN_EVENTS, EVENTS, JOBS] {
            rename(&s.join(name), &telemetry.join(name))?;
        }
        if let Ok(d) = File::open(&telemetry) {
            // Make the renames durable; not every filesystem supports it.
            let _ = d.sync_all();
        }
        drop(dir);
        Ok(())
    }
}

impl EventsWriter {
    /// Writes the events of one job (records must come in artifact_seq order).
    pub fn write(&mut self, rec: &Record) -> Result<()> {
        let head = rec.head();
        let mut digits = itoa::Buffer::new();
        for ev in rec.events() {
            // The line's pieces go straight into each file's buffer: one
            // copy of each byte per file, none into a line of its own.
            let seq = digits.format(self.event_seq).as_bytes();
            let line: [&[u8]; 5] = [head, seq, b",", ev.tail, b"\n"];
            self.event_seq += 1;
            self.events.pieces(&line)?;
            if ev.tool {
                self.tools.pieces(&line)?;
                self.written.tool_runs += 1;
            }
            module_out(
                &mut self.modules,
                &self.module_dir,
                ev.module,
                self.direct,
                &self.io,
            )?
            .pieces(&line)?;
        }
        self.written.jobs += 1;
        self.written.events += rec.count() as u64;
        Ok(())
    }

    /// Flushes and syncs every file.
    pub fn finish(self) -> Result<Written> {
        let mut written = self.written;
        written.modules = self.modules.len() as u64;
        self.events.finish()?;
        self.tools.finish()?;
        for (_, m) in self.modules {
            m.finish()?;
        }
        Ok(written)
    }
}

impl JobsWriter {
    /// Writes one stamped job line (records must come in artifact_seq order).
    pub fn write(&mut self, rec: &Record) -> Result<()> {
        let head = rec.head();
        let mut digits = itoa::Buffer::new();
        self.jobs.write(rec.job_prefix())?;
        for (i, ev) in rec.events().enumerate() {
            if i > 0 {
                self.jobs.write(b",")?;
            }
            let seq = digits.format(self.event_seq).as_bytes();
            self.jobs.pieces(&[head, seq, b",", ev.tail])?;
            self.event_seq += 1;
        }
        self.jobs.write(b"]}\n")?;
        self.jobs_written += 1;
        Ok(())
    }

    /// Flushes and syncs; returns the number of job lines.
    pub fn finish(self) -> Result<u64> {
        self.jobs.finish()?;
        Ok(self.jobs_written)
    }
}
