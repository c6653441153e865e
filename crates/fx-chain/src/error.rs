//! Errors of writing or reading the evidence chain (a verification's
//! findings are not errors: see [`crate::check()`]).

use std::path::PathBuf;

/// What went wrong.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ChainError {
    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// Two entries of one chain name the same path.
    #[error("{path}: recorded twice in the {writer} evidence chain")]
    Duplicate {
        /// The writer.
        writer: &'static str,
        /// The path.
        path: String,
    },
    /// A path that cannot be recorded (not UTF-8, absolute, or leaving the run).
    #[error("{path}: cannot be recorded in the evidence chain ({reason})")]
    BadPath {
        /// The path, lossily.
        path: String,
        /// Why.
        reason: &'static str,
    },
    /// A record could not be serialized.
    #[error("evidence chain: {0}")]
    Json(#[from] serde_json::Error),
}

impl ChainError {
    /// An I/O error on `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> ChainError {
        ChainError::Io {
            path: path.into(),
            source,
        }
    }
}

/// Result of this crate.
pub type Result<T> = std::result::Result<T, ChainError>;
