//! Writing `RUN/telemetry/`: every file is staged in a private temporary
//! directory inside `RUN/telemetry/` and renamed into place only when the
//! whole set is complete and synced. An error before the commit (a bad input
//! line, a disk full) leaves the previous telemetry untouched and removes the
//! staging directory.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use fx_core::{Error, Result};

use crate::record::{Record, stamped_event};

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

const BIG_BUF: usize = 1 << 20;
const MODULE_BUF: usize = 128 * 1024;

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

struct Out {
    path: PathBuf,
    w: BufWriter<File>,
}

impl Out {
    fn create(path: PathBuf, cap: usize) -> Result<Out> {
        let f = File::create(&path).map_err(|e| Error::io(&path, e))?;
        Ok(Out {
            w: BufWriter::with_capacity(cap, f),
            path,
        })
    }

    fn line(&mut self, bytes: &[u8]) -> Result<()> {
        self.w
            .write_all(bytes)
            .and_then(|()| self.w.write_all(b"\n"))
            .map_err(|e| Error::io(&self.path, e))
    }

    fn finish(self) -> Result<()> {
        let Out { path, w } = self;
        let f = w
            .into_inner()
            .map_err(|e| Error::io(&path, e.into_error()))?;
        f.sync_data().map_err(|e| Error::io(&path, e))
    }
}

fn module_out<'m>(
    modules: &'m mut BTreeMap<String, Out>,
    staging: &Path,
    module: &str,
) -> Result<&'m mut Out> {
    if !modules.contains_key(module) {
        if modules.len() >= MAX_MODULES {
            return Err(Error::Other(format!(
                "more than {MAX_MODULES} distinct module names; refusing to open more files"
            )));
        }
        let path = staging.join(MODULE_EVENTS).join(format!("{module}.jsonl"));
        modules.insert(module.to_owned(), Out::create(path, MODULE_BUF)?);
    }
    modules
        .get_mut(module)
        .ok_or_else(|| Error::Other("module file vanished".into()))
}

/// Writes sequenced records into a staging directory, then commits.
pub struct TelemetryWriter {
    telemetry: PathBuf,
    staging: tempfile::TempDir,
    events: Out,
    tools: Out,
    jobs: Out,
    modules: BTreeMap<String, Out>,
    event_seq: u64,
    written: Written,
    line: Vec<u8>,
    job_line: Vec<u8>,
}

impl TelemetryWriter {
    /// Starts staging under `RUN/telemetry/`.
    pub fn new(run: &Path) -> Result<TelemetryWriter> {
        let telemetry = run.join(TELEMETRY_DIR);
        std::fs::create_dir_all(&telemetry).map_err(|e| Error::io(&telemetry, e))?;
        let staging = tempfile::Builder::new()
            .prefix(".fx-seq-staging-")
            .tempdir_in(&telemetry)
            .map_err(|e| Error::io(&telemetry, e))?;
        let s = staging.path();
        let md = s.join(MODULE_EVENTS);
        std::fs::create_dir(&md).map_err(|e| Error::io(&md, e))?;
        Ok(TelemetryWriter {
            events: Out::create(s.join(EVENTS), BIG_BUF)?,
            tools: Out::create(s.join(TOOL_RUN_EVENTS), MODULE_BUF)?,
            jobs: Out::create(s.join(JOBS), BIG_BUF)?,
            telemetry,
            staging,
            modules: BTreeMap::new(),
            event_seq: 0,
            written: Written::default(),
            line: Vec::with_capacity(4096),
            job_line: Vec::with_capacity(16 * 1024),
        })
    }

    /// Writes one job (records must come in artifact_seq order).
    pub fn write(&mut self, rec: &Record) -> Result<()> {
        let view = rec.view()?;
        self.job_line.clear();
        self.job_line.extend_from_slice(view.job_prefix);
        for (i, ev) in view.events.iter().enumerate() {
            self.line.clear();
            stamped_event(&mut self.line, view.head, self.event_seq, ev.tail);
            self.event_seq += 1;
            self.events.line(&self.line)?;
            if ev.tool {
                self.tools.line(&self.line)?;
                self.written.tool_runs += 1;
            }
            module_out(&mut self.modules, self.staging.path(), ev.module)?.line(&self.line)?;
            if i > 0 {
                self.job_line.push(b',');
            }
            self.job_line.extend_from_slice(&self.line);
        }
        self.job_line.extend_from_slice(b"]}");
        self.jobs.line(&self.job_line)?;
        self.written.jobs += 1;
        self.written.events += view.events.len() as u64;
        Ok(())
    }

    /// Syncs every staged file and renames the set into `RUN/telemetry/`:
    /// `module_events/` first (the old directory is moved aside and removed),
    /// then `tool_run_events.jsonl`, `events.jsonl` and `jobs.jsonl`.
    pub fn commit(self) -> Result<Written> {
        let TelemetryWriter {
            telemetry,
            staging,
            events,
            tools,
            jobs,
            modules,
            mut written,
            ..
        } = self;
        written.modules = modules.len() as u64;
        events.finish()?;
        tools.finish()?;
        jobs.finish()?;
        for (_, m) in modules {
            m.finish()?;
        }
        let s = staging.path();
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
        drop(staging);
        Ok(written)
    }
}
