//! Command-line conventions shared by every fx command (DESIGN §8).
//!
//! * `fn main() -> ExitCode` through [`main_with`]: a broken pipe
//!   (`fx-route … | head`) exits 0; any other failure prints one line
//!   `fx-route: <reason>` and exits 1 (2 for bad usage);
//! * [`parse_args`]: `--help`/`--version` print and exit 0, a usage error is
//!   one line and exit 2;
//! * [`RunArgs`]: `--run RUN` (or `FX_RUN`) and `-j/--jobs`.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::ExitCode;

use crate::error::Error;

/// Exit code of success.
pub const EXIT_OK: u8 = 0;
/// Exit code of a failure of the command itself.
pub const EXIT_FAILURE: u8 = 1;
/// Exit code of bad usage.
pub const EXIT_USAGE: u8 = 2;

/// `--run` and `-j`, shared by every command that works on a run.
#[derive(Clone, Debug, clap::Args)]
pub struct RunArgs {
    /// Run directory (evidence store); defaults to $FX_RUN.
    #[arg(long, env = "FX_RUN", value_name = "RUN")]
    pub run: PathBuf,
    /// Worker threads (default: all cores). Output is identical at any value.
    #[arg(short = 'j', long, value_name = "N")]
    pub jobs: Option<usize>,
}

impl RunArgs {
    /// The thread count to use.
    pub fn jobs(&self) -> usize {
        resolve_jobs(self.jobs)
    }
}

/// `-j N` or all cores.
pub fn resolve_jobs(jobs: Option<usize>) -> usize {
    jobs.filter(|&n| n > 0).unwrap_or_else(|| {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    })
}

/// Parses arguments: help and version exit 0, errors are one line and exit 2.
pub fn parse_args<T: clap::Parser>(name: &str) -> T {
    match T::try_parse() {
        Ok(t) => t,
        Err(e) => exit_on_clap_error(name, e),
    }
}

/// Prints a clap error the fx way and exits.
pub fn exit_on_clap_error(name: &str, e: clap::Error) -> ! {
    use clap::error::ErrorKind;
    match e.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = e.print();
            std::process::exit(i32::from(EXIT_OK));
        }
        _ => {
            // clap's message is "error: …" then, for some kinds, indented
            // details (the missing arguments), a blank line and the usage:
            // keep the message and its details, on one line.
            let text = e.to_string();
            let reason = text
                .lines()
                .skip_while(|l| l.trim().is_empty())
                .take_while(|l| !l.trim().is_empty() && !l.starts_with("Usage:"))
                .map(str::trim)
                .collect::<Vec<_>>()
                .join(" ");
            let reason = reason.trim_start_matches("error: ");
            let reason = if reason.is_empty() {
                "invalid usage"
            } else {
                reason
            };
            eprintln!("{name}: {reason} (see --help)");
            std::process::exit(i32::from(EXIT_USAGE));
        }
    }
}

/// Runs the body of a command and maps its outcome to an exit code.
pub fn main_with(name: &str, body: impl FnOnce() -> anyhow::Result<()>) -> ExitCode {
    match body() {
        Ok(()) => ExitCode::from(EXIT_OK),
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitCode::from(EXIT_OK);
            }
            let code = err
                .chain()
                .find_map(|e| e.downcast_ref::<Error>())
                .map(Error::exit_code)
                .unwrap_or(EXIT_FAILURE);
            eprintln!("{name}: {}", one_line(&err));
            ExitCode::from(code)
        }
    }
}

/// The error and its causes on one line, each said once: a cause whose
/// text the line already holds (the I/O error an [`Error::Io`] prints
/// after its path) is not repeated.
pub fn one_line(err: &anyhow::Error) -> String {
    let mut line = String::new();
    for e in err.chain() {
        let text = e
            .to_string()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        if text.is_empty() || line.contains(&text) {
            continue;
        }
        if !line.is_empty() {
            line.push_str(": ");
        }
        line.push_str(&text);
    }
    line
}

/// True when the error chain holds a broken pipe.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        let io = e
            .downcast_ref::<std::io::Error>()
            .or_else(|| match e.downcast_ref::<Error>() {
                Some(Error::Stream(io)) | Some(Error::Io { source: io, .. }) => Some(io),
                _ => None,
            });
        io.is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// Opens an input: `-` or `None` is stdin, anything else a file.
pub fn open_input(path: Option<&std::path::Path>) -> Result<Box<dyn BufRead>, Error> {
    match path {
        None => Ok(Box::new(BufReader::with_capacity(
            1 << 20,
            std::io::stdin(),
        ))),
        Some(p) if p.as_os_str() == "-" => Ok(Box::new(BufReader::with_capacity(
            1 << 20,
            std::io::stdin(),
        ))),
        Some(p) => {
            let f = std::fs::File::open(p).map_err(|e| Error::io(p, e))?;
            Ok(Box::new(BufReader::with_capacity(1 << 20, f)))
        }
    }
}

/// Blocks until `input` has data or ends. In a shell pipeline every stage
/// starts at once, but the run's manifest exists only once fx-ingest has
/// written it — which it does before its first job line — so a stage opens
/// the run after its first input arrives, never before.
pub fn wait_for_input(input: &mut dyn BufRead) -> Result<(), Error> {
    loop {
        match input.fill_buf() {
            Ok(_) => return Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(Error::Stream(e)),
        }
    }
}

/// Arguments of an analysis stage (fx-route, fx-inspect, fx-probe, fx-fingerprint).
#[derive(Clone, Debug, clap::Parser)]
pub struct StageArgs {
    /// Run directory and threads.
    #[command(flatten)]
    pub run: RunArgs,
    /// Job lines to read (`-` or absent: stdin).
    #[arg(value_name = "JOBS")]
    pub input: Option<PathBuf>,
    /// Module cache shared across runs: a job's events are replayed from it
    /// when this stage of this fx build saw the same job with the same
    /// policy and tools before (docs/design.md §6). No cache unless given.
    #[arg(long, value_name = "DIR")]
    pub cache: Option<PathBuf>,
    /// Size cap of the cache; least recently used entries are evicted.
    #[arg(long, value_name = "BYTES", default_value_t = crate::cache::DEFAULT_MAX_BYTES, requires = "cache")]
    pub cache_max_bytes: u64,
}

/// The whole `main` of an analysis stage: parse `StageArgs`, open the run,
/// build the stage, drive it from stdin to stdout.
pub fn stage_main<S: crate::stage::Stage>(
    name: &'static str,
    about: &'static str,
    example: &'static str,
    make: impl FnOnce(&crate::run::RunDir) -> anyhow::Result<S>,
) -> ExitCode {
    use clap::{CommandFactory, FromArgMatches};
    let cmd = StageArgs::command()
        .name(name)
        .bin_name(name)
        .version(crate::FX_VERSION)
        .about(about)
        .after_help(format!("Example:\n  {example}"));
    let args = match cmd
        .try_get_matches()
        .and_then(|m| StageArgs::from_arg_matches(&m))
    {
        Ok(a) => a,
        Err(e) => exit_on_clap_error(name, e),
    };
    main_with(name, || {
        let mut input = open_input(args.input.as_deref())?;
        wait_for_input(&mut input)?;
        let run = crate::run::RunDir::open(&args.run.run)?;
        let stage = make(&run)?;
        let stdout = std::io::stdout().lock();
        let cache = args.cache.as_ref().map(|dir| crate::stage::CacheOptions {
            dir: dir.clone(),
            max_bytes: args.cache_max_bytes,
        });
        crate::stage::run_stage(
            &stage,
            &run,
            input,
            stdout,
            args.run.jobs(),
            name,
            cache.as_ref(),
        )?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cause_the_error_already_prints_is_said_once() {
        let io = std::io::Error::new(
            std::io::ErrorKind::StorageFull,
            "No space left on device (os error 28)",
        );
        let err = anyhow::Error::new(Error::io("/run/x", io)).context("writing the blob");
        assert_eq!(
            one_line(&err),
            "writing the blob: /run/x: No space left on device (os error 28)"
        );
        let two = anyhow::anyhow!("line 1:\n  bad").context("reading jobs");
        assert_eq!(one_line(&two), "reading jobs: line 1: bad");
    }
}
