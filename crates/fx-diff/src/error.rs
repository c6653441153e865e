//! What can make fx-diff give up: every one is bad input (exit 2) except a
//! broken pipe on its own output, which is success.

use std::path::PathBuf;

/// A failure of fx-diff itself; its message is one line.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DiffError {
    /// The directory is not an fx run, or a part of it is missing.
    #[error("{run}: {reason}")]
    Run {
        /// The run directory as given.
        run: PathBuf,
        /// What is missing or wrong.
        reason: String,
    },
    /// A file holds an evidence format this fx-diff cannot read.
    #[error("{run}: {file} is format {found:?}, which this fx-diff cannot read (it reads {reads})")]
    Format {
        /// The run directory as given.
        run: PathBuf,
        /// The file, relative to the run.
        file: String,
        /// The format tag found (`fx` field).
        found: String,
        /// The tags this build reads.
        reads: String,
    },
    /// A malformed line of `telemetry/jobs.jsonl`.
    #[error("{run}: telemetry/jobs.jsonl line {line}: {reason}")]
    Line {
        /// The run directory as given.
        run: PathBuf,
        /// 1-based line number.
        line: u64,
        /// What was wrong.
        reason: String,
    },
    /// Reading a run failed.
    #[error("{path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// Writing the diff failed.
    #[error("writing the diff: {0}")]
    Write(#[source] std::io::Error),
}

impl DiffError {
    /// True when the failure is a closed output pipe (`fx-diff … | head`).
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, DiffError::Write(e) if e.kind() == std::io::ErrorKind::BrokenPipe)
    }
}

/// Result alias of fx-diff.
pub type Result<T, E = DiffError> = std::result::Result<T, E>;
