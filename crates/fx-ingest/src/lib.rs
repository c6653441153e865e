//! # fx-ingest — intake, content-addressed registry and run controller
//!
//! `fx-ingest --run RUN [options] PATH...` turns files, directories, a list of
//! paths on stdin (`-`) and an intake CSV into one job line per artifact
//! (DESIGN §3, §10):
//!
//! 1. expands the named paths ([`walk`]) and reads the intake CSV
//!    ([`intake`]); every problem with the CSV is reported, with its line,
//!    before anything is written;
//! 2. resolves the policy (file + flags) and discovers the tool inventory;
//!    derives the run id from the tenants, case, policy hash, toolchain hash
//!    and the canonical list of inputs (no time, no randomness);
//! 3. creates the run (or accepts the same run again; a run directory that
//!    holds another run is refused and left untouched) and writes
//!    `manifests/run_manifest.json` and `manifests/tool_inventory.json`
//!    atomically;
//! 4. hashes and stores every file in parallel ([`blobs`]), streamed;
//! 5. orders the jobs in the planner order (path bytes, then hash, then id),
//!    which fixes `artifact_seq` whatever the order the paths were named in
//!    or the thread count;
//! 6. appends new artifacts to the registry ([`registry`]) and writes the job
//!    lines to stdout in `artifact_seq` order.
//!
//! Files that cannot be read (special files, permission errors) still get a
//! job line, with an `ingest` error event (`unreadable`) saying why. Symlinks
//! that are not followed (see [`walk`]: out of the named root, back into it,
//! dangling, in a loop) get a job line whose `ingest` event is `skipped` with
//! the reason. The same file reached under several paths through symlinks is
//! one job: the first of its paths (a path that is not a link first, then in
//! byte order) is `intake.path`, and every path is listed in its custody.

pub mod blobs;
pub mod intake;
pub mod registry;
pub mod walk;

use std::collections::{BTreeMap, BTreeSet};
use std::io::{IsTerminal, Read, Write};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::Context as _;
use fx_core::job::{Artifact, CustodyNote, Intake, Job, Member};
use fx_core::policy::Policy;
use fx_core::run::{FlakeLock, INVENTORY, InputRecord, MANIFEST, RunManifest, ToolInventory};
use fx_core::store::{BlobRef, BlobStore};
use fx_core::{ErrorInfo, Event, FailureKind, Text};
use fx_facts::intake::IntakeData;
use rayon::prelude::*;
use serde_json::json;

use crate::intake::{BundleRole, Context};
use crate::registry::{REGISTRY_FORMAT, Registry, RegistryLine};
use crate::walk::{Found, Links, What};

/// Module name of the events fx-ingest writes.
pub const MODULE: &str = "ingest";
/// Step name of the intake event.
pub const STEP: &str = "intake";
/// Format tag of the run manifest.
pub const MANIFEST_FORMAT: &str = "run/1";

const EXAMPLE: &str = "Examples:
  fx-ingest --run runs/case42 --case case42 --source laptop evidence/ > jobs.jsonl
  fx-ingest --run runs/certs -L /etc/ssl/certs > jobs.jsonl
  find evidence -name '*.pem' | fx-ingest --run runs/case42 - > jobs.jsonl
  fx-ingest --run runs/case42 --intake intake.csv > jobs.jsonl
  fx-ingest --print-default-policy > policy.toml";

/// Command-line arguments of `fx-ingest`.
#[derive(Clone, Debug, clap::Parser)]
#[command(
    name = "fx-ingest",
    version,
    about = "Register evidence files in a run and emit one job line per artifact",
    after_help = EXAMPLE
)]
pub struct Args {
    /// Run directory (evidence store); defaults to $FX_RUN.
    #[arg(long, env = "FX_RUN", value_name = "RUN")]
    pub run: Option<PathBuf>,
    /// Worker threads for hashing (default: all cores). Output is identical at any value.
    #[arg(short = 'j', long, value_name = "N")]
    pub jobs: Option<usize>,
    /// Case identifier of the evidence.
    #[arg(long, value_name = "C", default_value = "default")]
    pub case: String,
    /// Where the evidence came from.
    #[arg(long, value_name = "S", default_value = "local")]
    pub source: String,
    /// Tenant owning the evidence.
    #[arg(long, value_name = "T", default_value = "default")]
    pub tenant: String,
    /// When the evidence was collected (RFC 3339 or YYYY-MM-DD; normalised to UTC).
    #[arg(long, value_name = "TIME")]
    pub collected_at: Option<String>,
    /// Hints for every artifact, as a JSON object (e.g. '{"expect":"x509"}').
    #[arg(long, value_name = "JSON")]
    pub hints: Option<String>,
    /// Intake CSV: path,case,source,tenant,collected_at,hints,bundle,role.
    #[arg(long, value_name = "FILE")]
    pub intake: Option<PathBuf>,
    /// Follow symbolic links met while walking a directory (as fd and
    /// ripgrep -L do): loops and dangling links are reported, and a file
    /// reached under several paths is ingested once with every path in its
    /// custody. Without it such links are recorded as skipped jobs; a link
    /// named on the command line is always followed.
    #[arg(short = 'L', long)]
    pub follow: bool,
    /// Chain-of-custody note added to every job (repeatable).
    #[arg(long, value_name = "TEXT")]
    pub custody_note: Vec<String>,
    /// Policy file (TOML); absent keys take their defaults.
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
    /// Override tools.timeout_ms.
    #[arg(long, value_name = "MS")]
    pub tool_timeout_ms: Option<u64>,
    /// Set safety.allow_network (run tools without network isolation where none is possible).
    #[arg(long)]
    pub allow_network: bool,
    /// Set safety.decapsulation (KEM decapsulation of bundles).
    #[arg(long)]
    pub decapsulation: bool,
    /// Set safety.tamper_checks.
    #[arg(long)]
    pub tamper_checks: bool,
    /// Set safety.heavy_work (deep reverse engineering, batch generation).
    #[arg(long)]
    pub heavy_work: bool,
    /// Set tenancy.allow_multiple_tenants.
    #[arg(long)]
    pub allow_multiple_tenants: bool,
    /// Set tools.enabled = false (no external tool runs at all).
    #[arg(long)]
    pub no_tools: bool,
    /// flake.lock the run is made from: its sha256 enters the toolchain hash
    /// and its content the run manifest (default: $FX_FLAKE_LOCK, set by the
    /// Nix wrapper; without either, the hash alone from $FX_FLAKE_LOCK_SHA256).
    #[arg(long, env = "FX_FLAKE_LOCK", value_name = "FILE")]
    pub flake_lock: Option<PathBuf>,
    /// Print the default policy (every key) and exit.
    #[arg(long)]
    pub print_default_policy: bool,
    /// Files and directories to ingest; `-` reads a newline-separated list of paths from stdin.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
}

/// Runs the command.
pub fn run(args: &Args) -> anyhow::Result<()> {
    run_built(args, None)
}

/// Runs the command as the fx build `fx_build` (recorded in the run
/// manifest; the `fx-ingest` binary passes the digest of the sources it was
/// compiled from).
pub fn run_built(args: &Args, fx_build: Option<&str>) -> anyhow::Result<()> {
    if args.print_default_policy {
        let mut out = std::io::stdout().lock();
        out.write_all(Policy::default().to_toml().as_bytes())?;
        return Ok(());
    }
    let Some(run_dir) = args.run.clone() else {
        return Err(usage("--run RUN (or FX_RUN) is required"));
    };
    if args.paths.is_empty() && args.intake.is_none() {
        return Err(usage(
            "nothing to ingest: name PATHs, `-`, or --intake FILE",
        ));
    }
    let policy = resolve_policy(args)?;
    let defaults = default_context(args)?;
    let mut clock = Phases::start();

    // Everything that can be wrong with the inputs is found before writing.
    let csv = match &args.intake {
        Some(p) => Some(intake::read_csv(p, &defaults)?),
        None => None,
    };
    let named = named_paths(args)?;
    let links = match args.follow {
        true => Links::Follow,
        false => Links::Stay,
    };
    let mut tasks: Vec<Task> = Vec::new();
    let mut inputs: BTreeSet<InputRecord> = BTreeSet::new();
    for p in &named {
        inputs.insert(InputRecord {
            kind: walk::input_kind(p, links).into(),
            path: Text::from_path(p),
        });
        let mut found = Vec::new();
        walk::expand(p, links, &mut found);
        tasks.extend(found.into_iter().map(|f| Task {
            found: f,
            ctx: defaults.clone(),
            bundle: None,
            paths: Vec::new(),
        }));
    }
    if let (Some(csv), Some(csv_path)) = (&csv, &args.intake) {
        inputs.insert(InputRecord {
            kind: match links {
                Links::Follow => "intake_csv_follow_links",
                Links::Stay => "intake_csv",
            }
            .into(),
            path: Text::from_path(csv_path),
        });
        for row in &csv.rows {
            let mut found = Vec::new();
            walk::expand(&row.path, links, &mut found);
            if row.bundle.is_some() && !(found.len() == 1 && found[0].path == row.path) {
                anyhow::bail!(
                    "{} line {}: a bundle member must be a file, not a directory",
                    csv_path.display(),
                    row.line
                );
            }
            tasks.extend(found.into_iter().map(|f| Task {
                found: f,
                ctx: row.ctx.clone(),
                bundle: row.bundle.clone(),
                paths: Vec::new(),
            }));
        }
    }
    let tasks = merge_same_files(tasks);
    let tenants = tenants_of(&tasks, &defaults, &policy)?;
    clock.lap("walk");

    let flake_lock = match &args.flake_lock {
        Some(p) => {
            let bytes =
                std::fs::read(p).with_context(|| format!("--flake-lock {}", p.display()))?;
            Some(FlakeLock::parse(&bytes).map_err(|e| {
                usage(&format!(
                    "--flake-lock {} is not a flake.lock: {e}",
                    p.display()
                ))
            })?)
        }
        None => None,
    };
    let flake = flake_lock.as_ref().map(|l| l.sha256.clone());
    // A new run directory holds nothing to protect: take its ingest lock and
    // hash and store the files while the tools are probed (their
    // `--version` runs take a quarter of a second). A directory that
    // already holds a run is checked against this one first, so nothing is
    // written into another run.
    let held = match run_dir.join(MANIFEST).exists() {
        true => None,
        false => {
            let lock = take_lock(&run_dir)?;
            (!run_dir.join(MANIFEST).exists()).then_some(lock)
        }
    };
    let threads = fx_core::cli::resolve_jobs(args.jobs);
    let (inventory, early) = match &held {
        Some(_) => {
            let store = BlobStore::open(run_dir.join("artifacts"))?;
            let (inventory, stored) = std::thread::scope(|scope| {
                let probe = scope.spawn(|| {
                    let started = std::time::Instant::now();
                    (
                        fx_core::inventory::discover(flake.clone()),
                        started.elapsed(),
                    )
                });
                let started = std::time::Instant::now();
                let stored = store_all(&store, &tasks, threads);
                let took = started.elapsed();
                let inventory = probe.join().unwrap_or_else(|_| {
                    // A panic in discovery is a bug; probing again here
                    // reports it on this thread.
                    (
                        fx_core::inventory::discover(flake.clone()),
                        Default::default(),
                    )
                });
                (inventory, stored.map(|s| (s, took)))
            });
            let ((inventory, probing), (stored, took)) = (inventory, stored?);
            // Both ran side by side: each is recorded with its own time.
            clock.overlapped("inventory", probing);
            clock.overlapped("hash_store", took);
            clock.restart();
            (inventory, Some((store, stored, took)))
        }
        None => {
            let inventory = fx_core::inventory::discover(flake);
            clock.lap("inventory");
            (inventory, None)
        }
    };
    let inputs: Vec<InputRecord> = inputs.into_iter().collect();
    let policy_hash = policy.hash();
    let run_id = run_id(
        &tenants,
        &defaults.case,
        &policy_hash,
        &inventory.toolchain_hash,
        &inputs,
        csv.as_ref().map(|c| c.hash.as_str()),
    );
    let manifest = RunManifest {
        fx: MANIFEST_FORMAT.into(),
        run_id: run_id.clone(),
        tenants,
        case: defaults.case.clone(),
        policy,
        policy_hash,
        inputs,
        toolchain_hash: inventory.toolchain_hash.clone(),
        fx_version: fx_core::FX_VERSION.into(),
        fx_build: fx_build.map(str::to_owned),
        flake_lock,
    };
    let _lock = prepare_run(&run_dir, &manifest, &inventory, held)?;
    forget_earlier_metrics(&run_dir)?;
    clock.lap("run_setup");
    let (stored, hashing) = match early {
        Some((_store, stored, took)) => (stored, took),
        None => {
            let store = BlobStore::open(run_dir.join("artifacts"))?;
            let stored = store_all(&store, &tasks, threads)?;
            (stored, clock.lap("hash_store"))
        }
    };
    let mut metrics = Metrics::of(&stored, threads, hashing);
    let custody = custody(&args.custody_note);
    let planned = plan(&run_id, &tasks, &stored, &custody);
    clock.lap("plan");

    // Jobs are built again from the plan when written (memory holds the
    // tasks and a small plan entry per job, not every job line).
    let build = |seq: usize, p: &Planned| p.build(&run_id, seq as u64, &tasks, &stored, &custody);
    let mut registry = Registry::open(&run_dir)?;
    for (seq, p) in planned.iter().enumerate() {
        let job = build(seq, p);
        let a = &job.artifact;
        registry.append(&RegistryLine {
            fx: REGISTRY_FORMAT.into(),
            artifact_id: a.artifact_id.clone(),
            artifact_hash: a.artifact_hash.clone(),
            artifact_ref: a.artifact_ref.clone(),
            size: a.size,
            intake: a.intake.clone(),
            members: a.members.clone(),
        })?;
    }
    metrics.registry_appended = registry.finish()?;
    metrics.jobs = planned.len() as u64;
    clock.lap("registry");

    let stdout = std::io::stdout().lock();
    let mut out =
        fx_core::jsonl::JsonlWriter::new(std::io::BufWriter::with_capacity(1 << 20, stdout));
    for (seq, p) in planned.iter().enumerate() {
        out.write(&build(seq, p))?;
    }
    out.flush()?;
    clock.lap("output");
    metrics.write(&run_dir, clock)?;
    Ok(())
}

/// A batch made again into the same run: the metrics of the earlier batch
/// are not this one's, so `RUN/metrics/` is emptied when a batch starts.
/// Every file there belongs to one batch: fx-ingest's own (fx-seq's
/// progress line reads the planned job count from it, so a stale one would
/// mislead it), the lines the stages append when they end (after this
/// point in a pipeline), and what fx-seq, fx-report and the Spark runner
/// write after them. Nothing there is evidence.
fn forget_earlier_metrics(run: &Path) -> anyhow::Result<()> {
    let dir = run.join("metrics");
    let entries = match std::fs::read_dir(&dir) {
        Ok(rd) => rd,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(fx_core::Error::io(&dir, e).into()),
    };
    for entry in entries {
        let path = entry.map_err(|e| fx_core::Error::io(&dir, e))?.path();
        if path.is_file() {
            std::fs::remove_file(&path).map_err(|e| fx_core::Error::io(&path, e))?;
        }
    }
    Ok(())
}

/// Wall-clock time per phase, in milliseconds (metrics only).
struct Phases {
    last: std::time::Instant,
    ms: Vec<(&'static str, u64)>,
}

impl Phases {
    fn start() -> Phases {
        Phases {
            last: std::time::Instant::now(),
            ms: Vec::new(),
        }
    }

    /// Records a phase that ran alongside the current one (its own
    /// duration); the current phase goes on.
    fn overlapped(&mut self, name: &'static str, took: std::time::Duration) {
        self.ms.push((name, took.as_millis() as u64));
    }

    /// Starts the next phase now.
    fn restart(&mut self) {
        self.last = std::time::Instant::now();
    }

    /// Ends a phase; returns its duration.
    fn lap(&mut self, name: &'static str) -> std::time::Duration {
        let now = std::time::Instant::now();
        let took = now - self.last;
        self.last = now;
        self.ms.push((name, took.as_millis() as u64));
        took
    }
}

/// Wall-clock figures of one ingest, written to `RUN/metrics/fx-ingest.json`
/// (the only place timings go; never evidence). Its schema,
/// `schemas/metrics_ingest.schema.json`, lists every field and phase name:
/// change both together (`tests/schemas.rs` checks the file written).
#[derive(serde::Serialize)]
struct Metrics {
    /// Worker threads hashing and storing (`-j`, resolved).
    threads: usize,
    /// Files read and stored (bundle members included).
    files_read: u64,
    /// Bytes of those files.
    bytes_read: u64,
    /// Blobs new to the store.
    blobs_created: u64,
    /// Milliseconds hashing and storing (= `phases_ms["hash_store"]`).
    hash_store_ms: u64,
    /// Files per second of the hash-and-store phase, truncated.
    files_per_s: u64,
    /// MB (10^6 bytes) per second of the hash-and-store phase, truncated.
    mb_per_s: u64,
    /// Job lines written.
    jobs: u64,
    /// Lines appended to the registry.
    registry_appended: u64,
    /// Peak resident set size in KiB (Linux `VmHWM`), if known.
    peak_rss_kib: Option<u64>,
    /// Milliseconds per phase ([`Phases::lap`] names).
    phases_ms: BTreeMap<&'static str, u64>,
}

impl Metrics {
    fn of(stored: &[Option<blobs::Read1>], threads: usize, took: std::time::Duration) -> Metrics {
        let ok = stored.iter().flatten().filter_map(|r| r.as_ref().ok());
        let (mut files, mut bytes, mut created) = (0u64, 0u64, 0u64);
        for b in ok {
            files += 1;
            bytes += b.size;
            created += u64::from(b.created);
        }
        let secs = took.as_secs_f64().max(1e-9);
        Metrics {
            threads,
            files_read: files,
            bytes_read: bytes,
            blobs_created: created,
            hash_store_ms: took.as_millis() as u64,
            files_per_s: (files as f64 / secs) as u64,
            mb_per_s: (bytes as f64 / secs / 1e6) as u64,
            jobs: 0,
            registry_appended: 0,
            peak_rss_kib: None,
            phases_ms: BTreeMap::new(),
        }
    }

    fn write(mut self, run: &Path, phases: Phases) -> anyhow::Result<()> {
        self.phases_ms = phases.ms.into_iter().collect();
        self.peak_rss_kib = fx_core::os::peak_rss_kib();
        fx_core::run::write_json_atomic(&run.join("metrics/fx-ingest.json"), &self)?;
        Ok(())
    }
}

fn usage(msg: &str) -> anyhow::Error {
    fx_core::Error::Usage(msg.to_owned()).into()
}

/// One path to register, with its context.
#[derive(Clone, Debug)]
struct Task {
    found: Found,
    ctx: Context,
    bundle: Option<BundleRole>,
    /// Every path the file was reached under, in byte order, when it was
    /// reached under more than one (see [`merge_same_files`]); else empty.
    paths: Vec<PathBuf>,
}

/// Makes one task of the tasks that reach the same file (device and inode)
/// in the same context when at least one of them went through a symlink:
/// the file is read once, under its first path (a path that is not a link
/// first, then in byte order), and the task keeps every path for the
/// custody. Bundle members are left alone, and so are two plain paths of
/// one file (hard links), as without links: they stay two artifacts that
/// share a blob, like any two copies of the same bytes.
fn merge_same_files(mut tasks: Vec<Task>) -> Vec<Task> {
    let mergeable = |t: &Task| t.bundle.is_none() && matches!(t.found.what, What::Open(_));
    if !tasks
        .iter()
        .any(|t| mergeable(t) && t.found.file_id.is_some())
    {
        return tasks;
    }
    // The plain paths a linked file may also have been reached under.
    for t in tasks.iter_mut() {
        if let (true, None, What::Open(p)) = (t.bundle.is_none(), t.found.file_id, &t.found.what) {
            t.found.file_id = std::fs::metadata(p).ok().map(|m| walk::file_id(&m));
        }
    }
    let mut groups: BTreeMap<(&Context, (u64, u64)), Vec<usize>> = BTreeMap::new();
    for (i, t) in tasks.iter().enumerate() {
        if let (true, Some(id)) = (mergeable(t), t.found.file_id) {
            groups.entry((&t.ctx, id)).or_default().push(i);
        }
    }
    let mut drop = vec![false; tasks.len()];
    let mut merged: Vec<(usize, Vec<PathBuf>)> = Vec::new();
    for idx in groups.into_values() {
        if idx.len() < 2 || !idx.iter().any(|&i| tasks[i].found.via_symlink) {
            continue;
        }
        let key = |i: usize| {
            let f = &tasks[i].found;
            (f.via_symlink, f.path.as_os_str().as_bytes().to_vec())
        };
        let first = idx
            .iter()
            .copied()
            .min_by_key(|&i| key(i))
            .unwrap_or(idx[0]);
        let mut paths: Vec<PathBuf> = idx.iter().map(|&i| tasks[i].found.path.clone()).collect();
        paths.sort_by(|a, b| a.as_os_str().as_bytes().cmp(b.as_os_str().as_bytes()));
        paths.dedup();
        for &i in &idx {
            drop[i] = i != first;
        }
        if paths.len() > 1 {
            merged.push((first, paths));
        }
    }
    for (i, paths) in merged {
        tasks[i].paths = paths;
    }
    let mut keep = drop.into_iter().map(|d| !d);
    tasks.retain(|_| keep.next().unwrap_or(true));
    tasks
}

fn resolve_policy(args: &Args) -> anyhow::Result<Policy> {
    let mut p = match &args.policy {
        Some(f) => Policy::load(f)?,
        None => Policy::default(),
    };
    if let Some(ms) = args.tool_timeout_ms {
        p.tools.timeout_ms = ms;
    }
    p.safety.allow_network |= args.allow_network;
    p.safety.decapsulation |= args.decapsulation;
    p.safety.tamper_checks |= args.tamper_checks;
    p.safety.heavy_work |= args.heavy_work;
    p.tenancy.allow_multiple_tenants |= args.allow_multiple_tenants;
    if args.no_tools {
        p.tools.enabled = false;
    }
    p.validate()?;
    Ok(p)
}

fn default_context(args: &Args) -> anyhow::Result<Context> {
    intake::check_tenant(&args.tenant).map_err(|e| usage(&format!("--tenant: {e}")))?;
    let collected_at = match &args.collected_at {
        Some(t) => {
            Some(intake::normalize_time(t).map_err(|e| usage(&format!("--collected-at: {e}")))?)
        }
        None => None,
    };
    let hints = match &args.hints {
        Some(h) => intake::parse_hints(h).map_err(|e| usage(&format!("--hints: {e}")))?,
        None => BTreeMap::new(),
    };
    Ok(Context {
        case: args.case.clone(),
        source: args.source.clone(),
        tenant: args.tenant.clone(),
        collected_at,
        hints,
    })
}

/// The PATH arguments, with `-` replaced by the paths listed on stdin (once).
fn named_paths(args: &Args) -> anyhow::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut stdin_done = false;
    for p in &args.paths {
        if p.as_os_str() == "-" {
            if stdin_done {
                continue;
            }
            stdin_done = true;
            let mut bytes = Vec::new();
            std::io::stdin()
                .lock()
                .read_to_end(&mut bytes)
                .context("reading the path list from stdin")?;
            out.extend(
                bytes
                    .split(|&b| b == b'\n')
                    .filter(|l| !l.is_empty())
                    .map(|l| PathBuf::from(std::ffi::OsStr::from_bytes(l))),
            );
        } else {
            out.push(p.clone());
        }
    }
    Ok(out)
}

fn tenants_of(tasks: &[Task], defaults: &Context, policy: &Policy) -> anyhow::Result<Vec<String>> {
    let mut set: BTreeSet<String> = tasks.iter().map(|t| t.ctx.tenant.clone()).collect();
    if set.is_empty() {
        set.insert(defaults.tenant.clone());
    }
    if set.len() > 1 && !policy.tenancy.allow_multiple_tenants {
        anyhow::bail!(
            "the inputs name {} tenants ({}) but a run holds one tenant unless the policy sets tenancy.allow_multiple_tenants (or --allow-multiple-tenants)",
            set.len(),
            set.iter().cloned().collect::<Vec<_>>().join(", ")
        );
    }
    Ok(set.into_iter().collect())
}

/// The deterministic run id: what the run holds and how it is analysed.
pub fn run_id(
    tenants: &[String],
    case: &str,
    policy_hash: &str,
    toolchain_hash: &str,
    inputs: &[InputRecord],
    intake_csv_hash: Option<&str>,
) -> String {
    let tenants = tenants.join("\n");
    let inputs = fx_core::ids::canonical_json(&inputs);
    fx_core::ids::short_id(
        "fx-run/1",
        &[
            tenants.as_bytes(),
            case.as_bytes(),
            policy_hash.as_bytes(),
            toolchain_hash.as_bytes(),
            inputs.as_bytes(),
            intake_csv_hash.unwrap_or("").as_bytes(),
        ],
    )
}

/// Refuses a directory holding another run; otherwise creates the run's
/// manifest and inventory (once) and returns the held ingest lock (`held`,
/// when the caller took it already).
fn prepare_run(
    dir: &Path,
    manifest: &RunManifest,
    inventory: &ToolInventory,
    held: Option<std::fs::File>,
) -> anyhow::Result<std::fs::File> {
    check_existing(dir, manifest)?;
    let lock = match held {
        Some(lock) => lock,
        None => take_lock(dir)?,
    };
    // Again under the lock: another ingest may have created the run meanwhile.
    if !check_existing(dir, manifest)? {
        fx_core::run::write_json_atomic(&dir.join(INVENTORY), inventory)?;
        fx_core::run::write_json_atomic(&dir.join(MANIFEST), manifest)?;
    }
    Ok(lock)
}

/// Creates the run directory's `registry/` if needed and takes its ingest
/// lock, waiting for another ingest of the same run to finish.
fn take_lock(dir: &Path) -> anyhow::Result<std::fs::File> {
    if dir.exists() && !dir.is_dir() {
        return Err(fx_core::Error::Run {
            path: dir.to_path_buf(),
            reason: "exists and is not a directory".into(),
        }
        .into());
    }
    let reg = dir.join("registry");
    std::fs::create_dir_all(&reg).map_err(|e| fx_core::Error::io(&reg, e))?;
    let lock_path = reg.join("ingest.lock");
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(|e| fx_core::Error::io(&lock_path, e))?;
    fx_core::os::lock_exclusive(&lock).map_err(|e| fx_core::Error::io(&lock_path, e))?;
    Ok(lock)
}

/// True when `dir` already holds this very run; an error when it holds another.
fn check_existing(dir: &Path, manifest: &RunManifest) -> anyhow::Result<bool> {
    if dir.exists() && !dir.is_dir() {
        return Err(fx_core::Error::Run {
            path: dir.to_path_buf(),
            reason: "exists and is not a directory".into(),
        }
        .into());
    }
    let path = dir.join(MANIFEST);
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(fx_core::Error::io(&path, e).into()),
    };
    #[derive(serde::Deserialize)]
    struct IdOnly {
        run_id: String,
    }
    let existing: IdOnly = serde_json::from_slice(&bytes).map_err(|e| fx_core::Error::Run {
        path: dir.to_path_buf(),
        reason: format!("{MANIFEST} cannot be read ({e}); refusing to touch it"),
    })?;
    if existing.run_id != manifest.run_id {
        return Err(fx_core::Error::Run {
            path: dir.to_path_buf(),
            reason: format!(
                "already holds run {} (this ingest is run {}: other inputs, tenant, case, policy or toolchain); use a new run directory",
                existing.run_id, manifest.run_id
            ),
        }
        .into());
    }
    // The same run id means the same manifest content; the inventory is
    // rewritten only if it went missing.
    Ok(dir.join(INVENTORY).exists())
}

/// Hashes and stores every openable file in parallel; one result per task,
/// `None` for tasks that are not opened.
fn store_all(
    store: &BlobStore,
    tasks: &[Task],
    threads: usize,
) -> anyhow::Result<Vec<Option<blobs::Read1>>> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads.max(1))
        .build()
        .context("starting the worker threads")?;
    let done = AtomicU64::new(0);
    let total = tasks.len() as u64;
    let progress = std::io::stderr().is_terminal();
    let results: Vec<fx_core::Result<Option<blobs::Read1>>> = pool.install(|| {
        tasks
            .par_iter()
            .map(|t| {
                let r = match &t.found.what {
                    What::Open(p) => blobs::store_file(store, p).map(Some),
                    What::Refused(_) | What::Skipped(_) => Ok(None),
                };
                let n = done.fetch_add(1, Ordering::Relaxed) + 1;
                if progress && (n.is_multiple_of(512) || n == total) {
                    eprint!("\rfx-ingest: {n}/{total} files");
                    if n == total {
                        eprintln!();
                    }
                }
                r
            })
            .collect()
    });
    results
        .into_iter()
        .collect::<fx_core::Result<Vec<_>>>()
        .map_err(Into::into)
}

/// The planner order: path bytes, then content hash, then artifact id.
type PlanKey = (Vec<u8>, Option<String>, String);

/// One job of the plan: where its parts are in the task list.
struct Planned {
    key: PlanKey,
    what: JobParts,
}

enum JobParts {
    Single(usize),
    Bundle(String, Vec<usize>),
}

impl Planned {
    fn build(
        &self,
        run_id: &str,
        seq: u64,
        tasks: &[Task],
        stored: &[Option<blobs::Read1>],
        custody: &[CustodyNote],
    ) -> Job {
        let mut job = match &self.what {
            JobParts::Single(i) => single_job(run_id, &tasks[*i], stored[*i].as_ref(), custody),
            JobParts::Bundle(name, idx) => {
                let parts = idx
                    .iter()
                    .map(|&i| (&tasks[i], stored[i].as_ref()))
                    .collect();
                bundle_job(run_id, name, parts, custody)
            }
        };
        job.artifact.artifact_seq = seq;
        job
    }
}

/// Orders the jobs (planner order) and drops duplicates (same id).
fn plan(
    run_id: &str,
    tasks: &[Task],
    stored: &[Option<blobs::Read1>],
    custody: &[CustodyNote],
) -> Vec<Planned> {
    let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
    let mut planned: Vec<Planned> = Vec::with_capacity(tasks.len());
    let mut keep = |job: Job, what: JobParts| {
        if seen.insert(job.artifact.artifact_id.clone()) {
            let a = job.artifact;
            let key = (
                a.intake.path.to_bytes().unwrap_or_default(),
                a.artifact_hash,
                a.artifact_id,
            );
            planned.push(Planned { key, what });
        }
    };
    let mut bundles: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, task) in tasks.iter().enumerate() {
        if let Some(b) = &task.bundle {
            bundles.entry(b.bundle.clone()).or_default().push(i);
            continue;
        }
        keep(
            single_job(run_id, task, stored[i].as_ref(), custody),
            JobParts::Single(i),
        );
    }
    for (name, idx) in bundles {
        let parts = idx
            .iter()
            .map(|&i| (&tasks[i], stored[i].as_ref()))
            .collect();
        let job = bundle_job(run_id, &name, parts, custody);
        keep(job, JobParts::Bundle(name, idx));
    }
    // Ids are unique after deduplication, so the order is total.
    planned.sort_unstable_by(|a, b| a.key.cmp(&b.key));
    planned
}

fn custody(notes: &[String]) -> Vec<CustodyNote> {
    let actor = format!("fx-ingest {}", fx_core::FX_VERSION);
    let mut out = vec![CustodyNote {
        actor: actor.clone(),
        action: "ingested".into(),
        note: None,
        path: None,
    }];
    out.extend(notes.iter().map(|n| CustodyNote {
        actor: actor.clone(),
        action: "noted".into(),
        note: Some(n.clone()),
        path: None,
    }));
    out
}

/// The custody of a job: `ingested`, then one `reached` entry per path when
/// the file was reached under several, then the notes.
fn with_paths(custody: &[CustodyNote], paths: &[PathBuf]) -> Vec<CustodyNote> {
    let mut out = custody.to_vec();
    if paths.is_empty() {
        return out;
    }
    let actor = format!("fx-ingest {}", fx_core::FX_VERSION);
    let reached = paths.iter().map(|p| CustodyNote {
        actor: actor.clone(),
        action: "reached".into(),
        note: None,
        path: Some(Text::from_path(p)),
    });
    out.splice(1..1, reached);
    out
}

fn intake_of(ctx: &Context, path: Text, bundle: Option<String>) -> Intake {
    Intake {
        case: ctx.case.clone(),
        source: ctx.source.clone(),
        tenant: ctx.tenant.clone(),
        path,
        collected_at: ctx.collected_at.clone(),
        hints: ctx.hint_values(),
        bundle,
    }
}

/// `artifact_id`: the content hash and the whole intake context.
fn artifact_id(
    hash: Option<&str>,
    ctx: &Context,
    path: &[u8],
    bundle: &str,
    members: &str,
) -> String {
    let hints = fx_core::ids::canonical_json(&ctx.hints);
    fx_core::ids::short_id(
        "fx-artifact/1",
        &[
            hash.unwrap_or("").as_bytes(),
            ctx.case.as_bytes(),
            ctx.source.as_bytes(),
            ctx.tenant.as_bytes(),
            path,
            bundle.as_bytes(),
            members.as_bytes(),
            ctx.collected_at.as_deref().unwrap_or("").as_bytes(),
            hints.as_bytes(),
        ],
    )
}

fn single_job(
    run_id: &str,
    task: &Task,
    res: Option<&blobs::Read1>,
    custody: &[CustodyNote],
) -> Job {
    let path_bytes = task.found.path.as_os_str().as_bytes();
    let (blob, event) = match (&task.found.what, res) {
        (What::Refused(why), _) => (None, unreadable(why)),
        (What::Skipped(reason), _) => (None, Event::skipped(MODULE, STEP, *reason)),
        (What::Open(_), Some(Ok(b))) => {
            let data = IntakeData {
                size: b.size,
                via_symlink: task.found.via_symlink,
                members: None,
            };
            (Some(b), Event::ok(MODULE, STEP).with_data(data))
        }
        (What::Open(_), Some(Err(why))) => (None, unreadable(why)),
        (What::Open(_), None) => (None, unreadable("not read")),
    };
    let hash = blob.map(|b| b.hash.clone());
    Job {
        fx: fx_core::JOB_FORMAT.into(),
        run_id: run_id.into(),
        artifact: Artifact {
            artifact_id: artifact_id(hash.as_deref(), &task.ctx, path_bytes, "", ""),
            artifact_hash: hash,
            artifact_ref: blob.map(|b: &BlobRef| b.rel.clone()),
            artifact_seq: 0,
            size: blob.map(|b| b.size),
            intake: intake_of(&task.ctx, Text::from_bytes(path_bytes), None),
            custody: with_paths(custody, &task.paths),
            members: Vec::new(),
        },
        events: vec![event],
    }
}

fn unreadable(why: &str) -> Event {
    Event::error(
        MODULE,
        STEP,
        ErrorInfo::new(FailureKind::Unreadable).detail(why),
    )
}

fn bundle_job(
    run_id: &str,
    name: &str,
    mut parts: Vec<(&Task, Option<&blobs::Read1>)>,
    custody: &[CustodyNote],
) -> Job {
    parts.sort_by(|a, b| {
        let key = |t: &Task| {
            (
                t.bundle.as_ref().map(|b| b.role.clone()),
                t.found.path.as_os_str().as_bytes().to_vec(),
            )
        };
        key(a.0).cmp(&key(b.0))
    });
    let ctx = parts[0].0.ctx.clone();
    let mut members = Vec::with_capacity(parts.len());
    let mut first_error: Option<String> = None;
    let mut total = 0u64;
    for (task, res) in &parts {
        let role = task
            .bundle
            .as_ref()
            .map(|b| b.role.clone())
            .unwrap_or_default();
        let path = Text::from_path(&task.found.path);
        let (blob, err) = match (&task.found.what, res) {
            (What::Refused(why), _) => (None, Some(why.clone())),
            (What::Skipped(reason), _) => (None, Some(reason.replace('_', " "))),
            (What::Open(_), Some(Ok(b))) => (Some(b), None),
            (What::Open(_), Some(Err(why))) => (None, Some(why.clone())),
            (What::Open(_), None) => (None, Some("not read".to_owned())),
        };
        if let (Some(why), None) = (&err, &first_error) {
            first_error = Some(format!("member {role} ({}): {why}", path.display_lossy()));
        }
        total += blob.map_or(0, |b| b.size);
        members.push(Member {
            role,
            path,
            hash: blob.map(|b| b.hash.clone()),
            artifact_ref: blob.map(|b| b.rel.clone()),
            size: blob.map(|b| b.size),
        });
    }
    let listing: Vec<_> = members
        .iter()
        .map(|m| json!({ "role": m.role, "hash": m.hash, "size": m.size }))
        .collect();
    let hash = first_error
        .is_none()
        .then(|| fx_core::ids::canonical_hash(&listing));
    let paths: Vec<_> = members
        .iter()
        .map(|m| json!({ "role": m.role, "path": m.path }))
        .collect();
    let members_key = fx_core::ids::canonical_json(&paths);
    let event = match &first_error {
        Some(why) => unreadable(why),
        None => Event::ok(MODULE, STEP).with_data(IntakeData {
            size: total,
            via_symlink: false,
            members: Some(members.len() as u64),
        }),
    };
    Job {
        fx: fx_core::JOB_FORMAT.into(),
        run_id: run_id.into(),
        artifact: Artifact {
            artifact_id: artifact_id(hash.as_deref(), &ctx, name.as_bytes(), name, &members_key),
            artifact_hash: hash,
            artifact_ref: None,
            artifact_seq: 0,
            size: first_error.is_none().then_some(total),
            intake: intake_of(&ctx, Text::from(name), Some(name.to_owned())),
            custody: custody.to_vec(),
            members,
        },
        events: vec![event],
    }
}
