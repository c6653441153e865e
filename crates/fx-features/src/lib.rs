//! # fx-features — replayable, model-ready feature tables from the evidence
//!
//! `fx-features --run RUN` replays `RUN/telemetry/jobs.jsonl` (the sorted,
//! stamped job lines fx-seq writes, each ending with its `summary` event);
//! `fx-features --run RUN -` reads job lines from stdin instead (a job without
//! a summary yet gets one computed by [`fx_core::summary`], the function
//! fx-seq uses). Either way it writes one row per artifact job to
//!
//! * `RUN/features/features.csv`,
//! * `RUN/features/features.parquet`,
//! * `RUN/features/feature_schema.json` (every column's name, type, unit,
//!   source module and event, null rule, description, and the schema version).
//!
//! The columns are the registry of [`columns`]; the schema types and the
//! schema file are in [`schema`]; the two writers in [`sink`]; the per-job
//! digest in [`facts`]; reading and checking the input in [`source`].
//!
//! Guarantees: the same evidence gives the same bytes at any `-j`; memory
//! stays flat whatever the number of jobs (rows stream into row groups); the
//! tables are written to temporary files in `RUN/features/` and renamed into
//! place only when complete, so a failure leaves the previous tables as they
//! were.

use std::io::{BufRead, BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use fx_core::job::Job;
use fx_core::run::RunDir;

pub mod columns;
pub mod facts;
pub mod schema;
pub mod sink;
pub mod source;
pub mod synth;

pub use schema::{FeatureSchema, SCHEMA_VERSION};

/// Feature directory, relative to the run.
pub const FEATURES_DIR: &str = "features";
/// CSV table file name.
pub const CSV_FILE: &str = "features.csv";
/// Parquet table file name.
pub const PARQUET_FILE: &str = "features.parquet";
/// Schema file name.
pub const SCHEMA_FILE: &str = "feature_schema.json";
/// The job lines replayed in batch mode, relative to the run.
pub const JOBS_FILE: &str = "telemetry/jobs.jsonl";
/// The sequenced events file, checked for truncation in batch mode.
pub const EVENTS_FILE: &str = "telemetry/events.jsonl";

/// Command-line arguments of `fx-features`.
#[derive(Debug, clap::Parser)]
#[command(
    name = "fx-features",
    version,
    about = "Feature tables (CSV + Parquet + feature_schema.json) from a run's evidence",
    after_help = "Examples:\n  fx-features --run RUN                       replay RUN/telemetry/jobs.jsonl\n  fx-route --run RUN < jobs.jsonl | … | fx-features --run RUN -\n  fx-features --print-column-reference        the column table of docs/fx-features.md"
)]
pub struct Args {
    /// Run directory (evidence store); defaults to $FX_RUN.
    #[arg(long, env = "FX_RUN", value_name = "RUN")]
    pub run: Option<PathBuf>,
    /// Worker threads (default: all cores). Output is identical at any value.
    #[arg(short = 'j', long, value_name = "N")]
    pub jobs: Option<usize>,
    /// Job lines to read instead of replaying RUN/telemetry/jobs.jsonl
    /// (`-`: stdin). Lines must be in artifact_seq order.
    #[arg(value_name = "JOBS")]
    pub input: Option<PathBuf>,
    /// Replace feature tables written with another schema version (refused otherwise).
    #[arg(long)]
    pub upgrade: bool,
    /// Print feature_schema.json of this build and exit.
    #[arg(long, conflicts_with = "print_column_reference")]
    pub print_schema: bool,
    /// Print the Markdown column reference (as in docs/fx-features.md) and exit.
    #[arg(long)]
    pub print_column_reference: bool,
}

/// Errors of fx-features itself (per-artifact problems are never errors).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FeaturesError {
    /// Batch replay without the sequenced job lines.
    #[error(
        "{path} is missing: replay needs the evidence store fx-seq writes (run `fx-seq --run RUN < jobs.jsonl` first, or stream job lines with `fx-features --run RUN -`)"
    )]
    MissingTelemetry {
        /// The missing file.
        path: PathBuf,
    },
    /// An existing feature schema of another version.
    #[error(
        "{path} has schema version {found:?} but this fx-features writes {expected:?}; pass --upgrade to replace the feature tables, or remove {dir}"
    )]
    SchemaVersion {
        /// The schema file.
        path: PathBuf,
        /// The version found.
        found: String,
        /// The version this build writes.
        expected: String,
        /// The feature directory.
        dir: PathBuf,
    },
    /// An existing feature schema that cannot be read.
    #[error("{path} is not a feature schema ({reason}); remove it or pass --upgrade")]
    BadSchema {
        /// The schema file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// A job line out of artifact_seq order.
    #[error(
        "{input}: line {line}: artifact_seq {seq} does not follow {prev}: job lines must be in strictly increasing artifact_seq order (fx-seq sorts them: replay with `fx-features --run RUN`, or pipe the stream through fx-seq first)"
    )]
    Order {
        /// Where the lines came from.
        input: String,
        /// 1-based line number.
        line: u64,
        /// artifact_seq of this line.
        seq: u64,
        /// artifact_seq of the previous line.
        prev: u64,
    },
    /// The events file and the job lines do not end at the same event.
    #[error(
        "{events} ends at event_seq {events_last} but the last event of the job lines is {jobs_last}: the telemetry is truncated or out of step (check it with `fx-seq --run RUN --verify`)"
    )]
    OutOfStep {
        /// The events file.
        events: PathBuf,
        /// `event_seq` of its last line.
        events_last: u64,
        /// `event_seq` of the last event of the last job line (`none` when
        /// there is no job line or it is not sequenced).
        jobs_last: String,
    },
    /// A file whose last line is cut.
    #[error(
        "{path}: line {line} is cut short (the file does not end with a newline): the file is truncated"
    )]
    Truncated {
        /// The file.
        path: PathBuf,
        /// 1-based number of the cut line.
        line: u64,
    },
}

/// What one invocation wrote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    /// Rows written (one per job).
    pub rows: u64,
    /// The feature directory.
    pub dir: PathBuf,
}

/// Where the job lines come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Input {
    /// Replay `RUN/telemetry/jobs.jsonl`.
    Replay,
    /// Standard input.
    Stdin,
    /// A file of job lines.
    File(PathBuf),
}

/// Runs the command.
pub fn run(args: &Args) -> anyhow::Result<()> {
    if args.print_schema {
        print_stdout(&FeatureSchema::current().to_json())?;
        return Ok(());
    }
    if args.print_column_reference {
        print_stdout(&FeatureSchema::current().column_reference())?;
        return Ok(());
    }
    let Some(run_path) = &args.run else {
        return Err(fx_core::Error::Usage("--run RUN (or FX_RUN) is required".into()).into());
    };
    let input = match &args.input {
        None => Input::Replay,
        Some(p) if p.as_os_str() == "-" => Input::Stdin,
        Some(p) => Input::File(p.clone()),
    };
    // In a pipeline fx-features starts with fx-ingest, whose manifest exists
    // only once its first job line is out: open the run after input arrives.
    let stdin = if input == Input::Stdin {
        let mut r: Box<dyn BufRead> =
            Box::new(std::io::BufReader::with_capacity(1 << 20, std::io::stdin()));
        fx_core::cli::wait_for_input(&mut r)?;
        Some(r)
    } else {
        None
    };
    let run = RunDir::open(run_path)?;
    let threads = fx_core::cli::resolve_jobs(args.jobs);
    let report = build_with(&run, &input, stdin, threads, args.upgrade)?;
    if std::io::stderr().is_terminal() {
        eprintln!(
            "fx-features: {} rows -> {}",
            report.rows,
            report.dir.display()
        );
    }
    Ok(())
}

fn print_stdout(text: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(())
}

/// Builds the feature tables of `run` from `input` with `threads` workers.
pub fn build(run: &RunDir, input: &Input, threads: usize, upgrade: bool) -> anyhow::Result<Report> {
    build_with(run, input, None, threads, upgrade)
}

/// [`build`], reading stdin through `stdin` when given (a reader that
/// already holds the first input).
fn build_with(
    run: &RunDir,
    input: &Input,
    stdin: Option<Box<dyn BufRead>>,
    threads: usize,
    upgrade: bool,
) -> anyhow::Result<Report> {
    let dir = run.path().join(FEATURES_DIR);
    check_existing_schema(&dir, upgrade)?;
    match input {
        Input::Replay => {
            let jobs = run.path().join(JOBS_FILE);
            if !jobs.is_file() {
                return Err(FeaturesError::MissingTelemetry { path: jobs }.into());
            }
            let events = run.path().join(EVENTS_FILE);
            let events_last = source::last_event_seq(&events, run.policy().limits.max_line_bytes)?;
            let complete = source::ends_with_newline(&jobs)?;
            let file = std::fs::File::open(&jobs).with_context(|| jobs.display().to_string())?;
            let reader = std::io::BufReader::with_capacity(1 << 20, file);
            write_tables(
                run,
                &dir,
                reader,
                &jobs.display().to_string(),
                threads,
                Some((&jobs, complete)),
                events_last.map(|seq| (events.as_path(), seq)),
            )
        }
        Input::Stdin => {
            let stdin = stdin.unwrap_or_else(|| {
                Box::new(std::io::BufReader::with_capacity(1 << 20, std::io::stdin()))
            });
            write_tables(run, &dir, stdin, "stdin", threads, None, None)
        }
        Input::File(path) => {
            let complete = source::ends_with_newline(path)?;
            let file = std::fs::File::open(path).with_context(|| path.display().to_string())?;
            let reader = std::io::BufReader::with_capacity(1 << 20, file);
            write_tables(
                run,
                &dir,
                reader,
                &path.display().to_string(),
                threads,
                Some((path, complete)),
                None,
            )
        }
    }
}

/// Refuses to overwrite tables of another schema version unless `upgrade`.
fn check_existing_schema(dir: &Path, upgrade: bool) -> anyhow::Result<()> {
    let path = dir.join(SCHEMA_FILE);
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(fx_core::Error::io(&path, e).into()),
    };
    if upgrade {
        return Ok(());
    }
    let value: serde_json::Value =
        serde_json::from_slice(&bytes).map_err(|e| FeaturesError::BadSchema {
            path: path.clone(),
            reason: e.to_string(),
        })?;
    let Some(found) = value.get("schema_version").and_then(|v| v.as_str()) else {
        return Err(FeaturesError::BadSchema {
            path,
            reason: "no schema_version".into(),
        }
        .into());
    };
    if found != SCHEMA_VERSION {
        return Err(FeaturesError::SchemaVersion {
            path,
            found: found.to_owned(),
            expected: SCHEMA_VERSION.to_owned(),
            dir: dir.to_path_buf(),
        }
        .into());
    }
    Ok(())
}

/// Streams the rows into temporary CSV and Parquet files in `dir`, then
/// renames them (and writes the schema) only when every line was good.
fn write_tables(
    run: &RunDir,
    dir: &Path,
    reader: impl BufRead,
    input_name: &str,
    threads: usize,
    file: Option<(&Path, bool)>,
    events_check: Option<(&Path, u64)>,
) -> anyhow::Result<Report> {
    std::fs::create_dir_all(dir).map_err(|e| fx_core::Error::io(dir, e))?;
    let schema = FeatureSchema::current();
    let tmp = |suffix: &str| {
        tempfile::Builder::new()
            .prefix(".fx-tmp-")
            .suffix(suffix)
            .tempfile_in(dir)
            .map_err(|e| fx_core::Error::io(dir, e))
    };
    let csv_tmp = tmp(".csv")?;
    let parquet_tmp = tmp(".parquet")?;
    let schema_tmp = tmp(".json")?;
    let mut csv = sink::CsvSink::new(
        BufWriter::with_capacity(1 << 20, csv_tmp.as_file()),
        &schema.columns,
    )
    .map_err(|e| fx_core::Error::io(csv_tmp.path(), e))?;
    let mut parquet = sink::ParquetSink::new(
        BufWriter::with_capacity(1 << 20, parquet_tmp.as_file()),
        &schema.columns,
    )
    .context("starting the Parquet file")?;

    let rows = source::for_each_row(
        run,
        reader,
        input_name,
        threads,
        file,
        events_check,
        |cells| {
            csv.push(cells)
                .map_err(|e| fx_core::Error::io(dir.join(CSV_FILE), e))?;
            parquet.push(cells).context("writing Parquet")?;
            Ok(())
        },
    )?;

    csv.finish()
        .map_err(|e| fx_core::Error::io(dir.join(CSV_FILE), e))?;
    parquet.finish().context("finishing the Parquet file")?;
    (&schema_tmp)
        .write_all(schema.to_json().as_bytes())
        .map_err(|e| fx_core::Error::io(dir.join(SCHEMA_FILE), e))?;
    // Everything is complete: make the files readable like any table (temp
    // files start private), flush them to disk, then rename them into place.
    let files = [
        (parquet_tmp, PARQUET_FILE),
        (csv_tmp, CSV_FILE),
        (schema_tmp, SCHEMA_FILE),
    ];
    for (t, name) in &files {
        let target = dir.join(name);
        set_readable(t.path()).map_err(|e| fx_core::Error::io(&target, e))?;
        t.as_file()
            .sync_data()
            .map_err(|e| fx_core::Error::io(&target, e))?;
    }
    for (t, name) in files {
        let target = dir.join(name);
        t.persist(&target)
            .map_err(|e| fx_core::Error::io(&target, e.error))?;
    }
    // The evidence chain records the tables (docs/evidence-format.md).
    fx_chain::record_tree(run.path(), fx_chain::Writer::Features)?;
    Ok(Report {
        rows,
        dir: dir.to_path_buf(),
    })
}

#[cfg(unix)]
fn set_readable(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o644))
}

#[cfg(not(unix))]
fn set_readable(_path: &Path) -> std::io::Result<()> {
    Ok(())
}

/// The row of one job (for tests and tools that work job by job).
pub fn row_of(job: &Job) -> Vec<schema::Cell> {
    columns::row(&facts::Facts::of(job))
}
