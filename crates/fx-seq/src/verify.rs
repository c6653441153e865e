//! `fx-seq --verify`: checks a run directory and reports every problem.
//!
//! One streaming pass over `telemetry/jobs.jsonl` drives the others, so
//! memory stays flat (except the set of blobs already checked and the
//! registry index):
//!
//! * each job belongs to the run (run id, tenant); `artifact_seq` strictly
//!   increases; when `registry/registry.jsonl` (fx-ingest) exists, the
//!   job's `artifact_id` is registered there with the same hash and blob
//!   reference (the registry accumulates over ingests and holds no
//!   `artifact_seq`, so the order itself is checked on the job lines);
//! * every event is stamped with the job's `run_id`, `artifact_id`,
//!   `artifact_seq`, and `event_seq` is contiguous from 0;
//! * the last event is the summary and equals its recomputation
//!   ([`fx_core::summary`]); no other summary event;
//! * every referenced blob (artifact, bundle members, tool stdout/stderr) is
//!   present and hashes to its name and recorded hash;
//! * `events.jsonl` holds exactly the jobs' events, byte for byte, in order
//!   (and its own `event_seq`s are contiguous); `tool_run_events.jsonl` and
//!   each `module_events/<module>.jsonl` hold exactly the matching
//!   subsequence of `events.jsonl`; no module file without events.
//!
//! Problems are written one per line as `<where>: <what>`; after
//! [`MAX_PER_FILE`] mismatches in one file the rest of that file is not
//! compared (one line says so), so a single missing line does not flood the
//! report.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs::File;
use std::io::{BufReader, Write};
use std::path::Path;

use fx_core::event::Event;
use fx_core::job::Job;
use fx_core::jsonl::LineReader;
use fx_core::run::RunDir;
use fx_core::summary::{is_summary, summary_data};
use fx_core::{Error, Result};

use crate::telemetry::{EVENTS, JOBS, MODULE_EVENTS, TELEMETRY_DIR, TOOL_RUN_EVENTS};

/// Registry written by fx-ingest, relative to the run directory.
pub const REGISTRY: &str = "registry/registry.jsonl";
/// Mismatches reported per compared file before giving up on that file.
pub const MAX_PER_FILE: u64 = 20;

/// What a verification found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// Problems reported.
    pub problems: u64,
    /// Jobs checked.
    pub jobs: u64,
    /// Events checked.
    pub events: u64,
    /// Distinct blobs hashed.
    pub blobs: u64,
    /// True when a registry was found and used.
    pub registry_checked: bool,
    /// Evidence chain entries checked (every writer's).
    pub chain_entries: u64,
    /// The evidence root, when its file is readable.
    pub root: Option<String>,
}

/// A telemetry file read line by line and compared with expected lines.
struct Follower {
    name: String,
    lines: Option<LineReader<BufReader<File>>>,
    mismatches: u64,
    gave_up: bool,
}

impl Follower {
    fn open(path: &Path, name: String, max_line: usize) -> Follower {
        let lines = File::open(path)
            .ok()
            .map(|f| LineReader::new(BufReader::with_capacity(1 << 20, f), max_line));
        Follower {
            name,
            lines,
            mismatches: 0,
            gave_up: false,
        }
    }

    /// Compares the next line with `expected`; returns a problem, if any.
    fn expect(&mut self, expected: &[u8]) -> Option<String> {
        if self.gave_up {
            return None;
        }
        let lines = self.lines.as_mut()?;
        let problem = match lines.next_line() {
            Ok(Some((_, got))) if got == expected => return None,
            Ok(Some((n, _))) => format!("{}:{n}: differs from the event it should hold", self.name),
            Ok(None) => format!(
                "{}: ends before event {}",
                self.name,
                String::from_utf8_lossy(&expected[..expected.len().min(80)])
            ),
            Err(e) => format!("{}: {e}", self.name),
        };
        self.mismatches += 1;
        if self.mismatches >= MAX_PER_FILE {
            self.gave_up = true;
            return Some(format!(
                "{problem} (further differences in {} not reported)",
                self.name
            ));
        }
        Some(problem)
    }

    /// Checks the file has no more lines.
    fn expect_end(&mut self) -> Option<String> {
        if self.gave_up {
            return None;
        }
        let lines = self.lines.as_mut()?;
        match lines.next_line() {
            Ok(None) => None,
            Ok(Some((n, _))) => Some(format!("{}:{n}: line beyond the last event", self.name)),
            Err(e) => Some(format!("{}: {e}", self.name)),
        }
    }
}

struct Checker<'a> {
    run: &'a RunDir,
    out: &'a mut dyn Write,
    report: Report,
    checked_blobs: HashSet<String>,
}

impl Checker<'_> {
    fn problem(&mut self, text: impl AsRef<str>) -> Result<()> {
        self.report.problems += 1;
        writeln!(self.out, "{}", text.as_ref())?;
        Ok(())
    }

    fn maybe(&mut self, p: Option<String>) -> Result<()> {
        match p {
            Some(p) => self.problem(p),
            None => Ok(()),
        }
    }

    /// Checks that `rel` (a blob reference) exists, matches `hash`, and that
    /// the content hashes to it.
    fn blob(&mut self, at: &str, rel: &str, hash: Option<&str>) -> Result<()> {
        let store = self.run.blobs();
        let Ok(path) = store.resolve_ref(rel) else {
            return self.problem(format!("{at}: {rel:?} is not a blob reference"));
        };
        if let Some(hash) = hash {
            match store.path_of(hash) {
                Ok(p) if p == path => {}
                _ => {
                    return self
                        .problem(format!("{at}: reference {rel} does not name hash {hash}"));
                }
            }
        }
        let key = rel.to_owned();
        if self.checked_blobs.contains(&key) {
            return Ok(());
        }
        self.report.blobs += 1;
        let tagged = format!(
            "sha256:{}",
            rel.trim_start_matches("blobs/sha256/").replacen('/', "", 1)
        );
        let outcome = if path.is_file() {
            store.verify(&tagged).map(|_| ())
        } else {
            Err(Error::Blob {
                hash: tagged.clone(),
                reason: "missing".into(),
            })
        };
        self.checked_blobs.insert(key);
        match outcome {
            Ok(()) => Ok(()),
            Err(e) => self.problem(format!("{at}: {e}")),
        }
    }
}

/// What the registry says about one artifact.
#[derive(Debug, serde::Deserialize)]
struct RegistryEntry {
    artifact_id: String,
    #[serde(default)]
    artifact_hash: Option<String>,
    #[serde(default)]
    artifact_ref: Option<String>,
}

/// `artifact_id → (artifact_hash, artifact_ref)` from the registry.
type RegistryIndex = HashMap<String, (Option<String>, Option<String>)>;

/// Reads the registry (fx-ingest's `registry/1` lines; only the id, hash and
/// reference are used) into `artifact_id → (hash, ref)`. `None` when the run
/// has no registry.
fn read_registry(path: &Path, max_line: usize) -> Result<Option<RegistryIndex>> {
    let f = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io(path, e)),
    };
    let mut map = HashMap::new();
    let mut lines = LineReader::new(BufReader::new(f), max_line);
    while let Some((n, raw)) = lines.next_line()? {
        let e: RegistryEntry = serde_json::from_slice(raw).map_err(|e| Error::Run {
            path: path.to_owned(),
            reason: format!("{REGISTRY} line {n}: {e}"),
        })?;
        map.insert(e.artifact_id, (e.artifact_hash, e.artifact_ref));
    }
    Ok(Some(map))
}

/// Verifies the run; problems are written to `out`, one per line.
pub fn verify(run: &RunDir, out: &mut dyn Write) -> Result<Report> {
    let mut c = Checker {
        run,
        out,
        report: Report::default(),
        checked_blobs: HashSet::new(),
    };
    check_telemetry(&mut c)?;
    check_chain(&mut c)?;
    Ok(c.report)
}

/// The telemetry files, the jobs' blobs, sequences and summaries.
fn check_telemetry(c: &mut Checker<'_>) -> Result<()> {
    let run = c.run;
    let max_line = usize::try_from(run.policy().limits.max_line_bytes).unwrap_or(usize::MAX);
    let tdir = run.path().join(TELEMETRY_DIR);

    let registry = read_registry(&run.path().join(REGISTRY), max_line)?;
    c.report.registry_checked = registry.is_some();

    for name in [JOBS, EVENTS, TOOL_RUN_EVENTS] {
        if !tdir.join(name).is_file() {
            c.problem(format!("{TELEMETRY_DIR}/{name}: missing"))?;
        }
    }
    let jobs_file = match File::open(tdir.join(JOBS)) {
        Ok(f) => f,
        Err(_) => return Ok(()),
    };
    let mut events = Follower::open(
        &tdir.join(EVENTS),
        format!("{TELEMETRY_DIR}/{EVENTS}"),
        max_line,
    );
    let mut tools = Follower::open(
        &tdir.join(TOOL_RUN_EVENTS),
        format!("{TELEMETRY_DIR}/{TOOL_RUN_EVENTS}"),
        max_line,
    );
    let mdir = tdir.join(MODULE_EVENTS);
    let mut modules: BTreeMap<String, Follower> = BTreeMap::new();

    let mut next_event_seq = 0u64;
    let mut last_seq: Option<u64> = None;
    let mut lines = LineReader::new(BufReader::with_capacity(1 << 20, jobs_file), max_line);
    let mut scratch = Vec::new();
    loop {
        let (n, job) = match lines.next_line() {
            Ok(Some((n, raw))) => match serde_json::from_slice::<Job>(raw) {
                Ok(job) => (n, job),
                Err(e) => {
                    c.problem(format!("{TELEMETRY_DIR}/{JOBS}:{n}: not a job line: {e}"))?;
                    c.problem(format!(
                        "{TELEMETRY_DIR}/{JOBS}: stopped at line {n}; later lines not checked"
                    ))?;
                    return Ok(());
                }
            },
            Ok(None) => break,
            Err(e) => {
                c.problem(format!("{TELEMETRY_DIR}/{JOBS}: {e}"))?;
                return Ok(());
            }
        };
        c.report.jobs += 1;
        let at = format!("{TELEMETRY_DIR}/{JOBS}:{n}");
        let a = &job.artifact;
        if let Err(e) = run.check_job(&job, n) {
            c.problem(format!("{TELEMETRY_DIR}/{JOBS}: {e}"))?;
        }
        if let Some(prev) = last_seq
            && a.artifact_seq <= prev
        {
            c.problem(format!(
                "{at}: artifact_seq {} does not increase (previous {prev})",
                a.artifact_seq
            ))?;
        }
        last_seq = Some(a.artifact_seq);
        if let Some(reg) = &registry {
            match reg.get(&a.artifact_id) {
                Some((hash, rel)) if *hash == a.artifact_hash && *rel == a.artifact_ref => {}
                Some(_) => c.problem(format!(
                    "{at}: artifact {} has another hash or blob reference in the registry",
                    a.artifact_id
                ))?,
                None => c.problem(format!(
                    "{at}: artifact {} is not in the registry",
                    a.artifact_id
                ))?,
            }
        }

        // Blobs.
        if let Some(rel) = &a.artifact_ref {
            c.blob(&at, rel, a.artifact_hash.as_deref())?;
        }
        for m in &a.members {
            if let Some(rel) = &m.artifact_ref {
                c.blob(&format!("{at}: member {}", m.role), rel, m.hash.as_deref())?;
            }
        }

        // Events and summary.
        let count = job.events.len();
        for (i, e) in job.events.iter().enumerate() {
            c.report.events += 1;
            let eat = format!("{at}: event {i}");
            if e.run_id.as_deref() != Some(job.run_id.as_str())
                || e.artifact_id.as_deref() != Some(a.artifact_id.as_str())
                || e.artifact_seq != Some(a.artifact_seq)
            {
                c.problem(format!("{eat}: stamps do not match the job"))?;
            }
            match e.event_seq {
                Some(s) if s == next_event_seq => {}
                Some(s) => c.problem(format!(
                    "{eat}: event_seq {s} where {next_event_seq} was expected (gap or reorder)"
                ))?,
                None => c.problem(format!("{eat}: no event_seq"))?,
            }
            next_event_seq = e.event_seq.unwrap_or(next_event_seq) + 1;
            if let Some(t) = &e.tool {
                for (label, s) in [("stdout", &t.stdout), ("stderr", &t.stderr)] {
                    if let Some(s) = s {
                        c.blob(&format!("{eat}: tool {label}"), &s.blob_ref, Some(&s.hash))?;
                    }
                }
            }
            if is_summary(e) && i + 1 != count {
                c.problem(format!("{eat}: a summary event that is not the last event"))?;
            }

            scratch.clear();
            serde_json::to_writer(&mut scratch, e).map_err(|e| Error::Other(e.to_string()))?;
            let p = events.expect(&scratch);
            c.maybe(p)?;
            if e.tool.is_some() {
                let p = tools.expect(&scratch);
                c.maybe(p)?;
            }
            let f = modules.entry(e.module.clone()).or_insert_with(|| {
                Follower::open(
                    &mdir.join(format!("{}.jsonl", e.module)),
                    format!("{TELEMETRY_DIR}/{MODULE_EVENTS}/{}.jsonl", e.module),
                    max_line,
                )
            });
            if f.lines.is_none() {
                // Reported once, when first met.
                if f.mismatches == 0 {
                    f.mismatches = 1;
                    let name = f.name.clone();
                    c.problem(format!("{name}: missing"))?;
                }
            } else {
                let p = f.expect(&scratch);
                c.maybe(p)?;
            }
        }
        match job.events.last() {
            Some(last) if is_summary(last) => {
                let want = summary_data(&job.events[..count - 1]);
                if last.data.as_ref() != Some(&want) || last.status != fx_core::Status::Ok {
                    c.problem(format!(
                        "{at}: summary differs from its recomputation from the job's events"
                    ))?;
                }
            }
            _ => c.problem(format!("{at}: no summary event at the end of the job"))?,
        }
    }

    let p = events.expect_end();
    c.maybe(p)?;
    let p = tools.expect_end();
    c.maybe(p)?;
    for f in modules.values_mut() {
        let p = f.expect_end();
        c.maybe(p)?;
    }
    // Module files of modules that wrote no event.
    if let Ok(rd) = std::fs::read_dir(&mdir) {
        let mut names: Vec<String> = rd
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        for name in names {
            let module = name.strip_suffix(".jsonl").unwrap_or(&name);
            if !modules.contains_key(module) {
                c.problem(format!(
                    "{TELEMETRY_DIR}/{MODULE_EVENTS}/{name}: no event of this module in {JOBS}"
                ))?;
            }
        }
    } else if c.report.events > 0 {
        c.problem(format!("{TELEMETRY_DIR}/{MODULE_EVENTS}: missing"))?;
    }
    // events.jsonl's own event_seq contiguity (catches a gap even when the
    // job lines were edited to match).
    check_event_file(c, &tdir.join(EVENTS), max_line)?;
    Ok(())
}

/// Every writer's evidence chain: the chains, the root, and each recorded
/// file line by line or whole (see [`fx_chain::check`]). Blobs need no
/// entry of their own: a job line names each by its hash, so the chained
/// line and the hashing above cover them.
fn check_chain(c: &mut Checker<'_>) -> Result<()> {
    let chain = fx_chain::check(c.run.path()).map_err(crate::leaves::chain_error)?;
    for p in &chain.problems {
        c.problem(p)?;
    }
    c.report.chain_entries = chain.entries;
    c.report.root = chain.root;
    Ok(())
}

fn check_event_file(c: &mut Checker<'_>, path: &Path, max_line: usize) -> Result<()> {
    let Ok(f) = File::open(path) else {
        return Ok(());
    };
    let name = format!("{TELEMETRY_DIR}/{EVENTS}");
    let mut lines = LineReader::new(BufReader::with_capacity(1 << 20, f), max_line);
    let mut expected = 0u64;
    let mut reported = 0u64;
    loop {
        let (n, e) = match lines.next_line() {
            Ok(Some((n, raw))) => (n, serde_json::from_slice::<Event>(raw)),
            Ok(None) => break,
            Err(e) => return c.problem(format!("{name}: {e}")),
        };
        let problem = match e {
            Err(err) => Some(format!("{name}:{n}: not an event: {err}")),
            Ok(e) => match e.event_seq {
                Some(s) if s == expected => None,
                Some(s) => {
                    let p = format!("{name}:{n}: event_seq {s} where {expected} was expected");
                    expected = s;
                    Some(p)
                }
                None => Some(format!("{name}:{n}: no event_seq")),
            },
        };
        expected += 1;
        if let Some(p) = problem {
            reported += 1;
            if reported > MAX_PER_FILE {
                return c.problem(format!("{name}: further event_seq problems not reported"));
            }
            c.problem(p)?;
        }
    }
    Ok(())
}
