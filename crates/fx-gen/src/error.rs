//! fx-gen's errors.

use std::path::PathBuf;

/// Why a generation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum GenError {
    /// The template could not be read.
    #[error("template {path}: {source}")]
    ReadTemplate {
        /// The template path.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The template is not valid.
    #[error("template: {0}")]
    Template(String),
    /// The template names a set fx-gen does not know.
    #[error("template: unknown algorithm {0:?} (fx-gen --list prints the known ones)")]
    UnknownAlgorithm(String),
    /// OUT exists and is not an earlier fx-gen output.
    #[error("{0}: exists and is not an fx-gen output (no provenance.json); name a new directory")]
    NotAnOutput(PathBuf),
    /// Writing OUT failed.
    #[error("{path}: {source}")]
    Write {
        /// The file or directory.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A backend or an encoder refused (a bug or an unsupported build).
    #[error("{id}: {detail}")]
    Generate {
        /// The object id.
        id: String,
        /// What failed.
        detail: String,
    },
}

impl GenError {
    /// The exit code: 2 for bad input (template, OUT), 1 otherwise.
    pub fn exit_code(&self) -> u8 {
        match self {
            GenError::ReadTemplate { .. }
            | GenError::Template(_)
            | GenError::UnknownAlgorithm(_)
            | GenError::NotAnOutput(_) => 2,
            _ => 1,
        }
    }
}
