//! One line of a writer's chain: the file it describes and the hash of the
//! line before it.

use serde::{Deserialize, Serialize};

/// One entry of `manifests/evidence/<writer>.jsonl`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// Format tag, `evidence_chain/1`.
    pub fx: String,
    /// The writer (`fx-seq`, `fx-features`, `fx-report`).
    pub writer: String,
    /// The file, relative to the run directory, `/`-separated.
    pub path: String,
    /// What is recorded about it.
    #[serde(flatten)]
    pub content: Content,
    /// SHA-256 (hex) of the previous line of the chain, without its `\n`;
    /// 64 zeros on the first line.
    pub prev: String,
}

/// What an entry records about its file, by `kind`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Content {
    /// A text file recorded line by line.
    Lines {
        /// Size in bytes.
        bytes: u64,
        /// Lines (a last line without `\n` counts).
        lines: u64,
        /// The leaves file (relative to the run): line `n`'s leaf at byte
        /// offset `32 × (n − 1)`.
        leaves: String,
        /// SHA-256 (hex) of the leaves file.
        leaves_sha256: String,
    },
    /// A file recorded whole.
    File {
        /// Size in bytes.
        bytes: u64,
        /// SHA-256 (hex) of the content.
        sha256: String,
    },
    /// A text file whose every line is a copy of a line of another file of
    /// the same writer, in an order that file fixes (fx-seq's
    /// `events.jsonl`, `tool_run_events.jsonl` and module files repeat the
    /// events of `jobs.jsonl`). Hashing it again would add nothing: the
    /// file it is derived from is bound line by line, and the writer's own
    /// check (`fx-seq --verify`) compares the copy with it byte for byte
    /// and names the line that differs. The chain binds its size and line
    /// count.
    Derived {
        /// The file it is derived from, relative to the run.
        from: String,
        /// Size in bytes.
        bytes: u64,
        /// Lines (a last line without `\n` counts).
        lines: u64,
    },
}

impl Content {
    /// The kind, as written.
    pub fn kind(&self) -> &'static str {
        match self {
            Content::Lines { .. } => "lines",
            Content::File { .. } => "file",
            Content::Derived { .. } => "derived",
        }
    }
}

/// True for files recorded line by line when a writer hashes a finished
/// tree ([`crate::Chain::add_tree`]): text formats whose lines mean
/// something to a reader.
pub fn is_text_path(path: &str) -> bool {
    const TEXT: [&str; 11] = [
        "jsonl", "json", "csv", "tsv", "md", "txt", "html", "svg", "sarif", "xml", "cdx",
    ];
    path.rsplit_once('.')
        .is_some_and(|(_, ext)| TEXT.contains(&ext.to_ascii_lowercase().as_str()))
}
