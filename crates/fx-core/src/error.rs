//! Errors of the fx commands themselves (not of artifacts: those are events).

use std::path::PathBuf;

/// Result alias for fx-core.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A failure of the command itself. Per-artifact problems never become an
/// `Error`; they become events.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An I/O failure on a path the command owns.
    #[error("{path}: {source}")]
    Io {
        /// The path involved.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// An I/O failure on a stream (stdin/stdout).
    #[error("{0}")]
    Stream(#[from] std::io::Error),
    /// A malformed input line.
    #[error("line {line}: {reason}")]
    BadLine {
        /// 1-based line number.
        line: u64,
        /// What was wrong.
        reason: String,
    },
    /// A job line that belongs to another run or tenant.
    #[error("line {line}: {reason}")]
    WrongRun {
        /// 1-based line number.
        line: u64,
        /// What did not match.
        reason: String,
    },
    /// The run directory is missing, incomplete or holds another run.
    #[error("run {path}: {reason}")]
    Run {
        /// The run directory.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// A policy file or flag is invalid.
    #[error("policy: {0}")]
    Policy(String),
    /// A blob is missing or does not match its hash.
    #[error("blob {hash}: {reason}")]
    Blob {
        /// The blob's `sha256:<hex>`.
        hash: String,
        /// What is wrong.
        reason: String,
    },
    /// Bad command-line usage (exit 2).
    #[error("{0}")]
    Usage(String),
    /// Anything else, with context.
    #[error("{0}")]
    Other(String),
}

impl Error {
    /// Wraps an I/O error with its path.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    /// The process exit code for this error (2 for usage, 1 otherwise).
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Usage(_) => crate::cli::EXIT_USAGE,
            _ => crate::cli::EXIT_FAILURE,
        }
    }
}
