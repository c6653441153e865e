//! # fx-chain — tamper-evident evidence
//!
//! Every command that writes evidence records what it wrote in its own hash
//! chain under `RUN/manifests/evidence/`, and a root over the writers' chains
//! ties them together in `RUN/manifests/evidence_root.json`; that file can be
//! signed (`fx-seq --sign`). The format is specified in
//! `docs/evidence-format.md` ("The evidence chain") and
//! `schemas/evidence_chain.schema.json`; in short:
//!
//! * a **leaf** is the SHA-256 of one line of a text file, its `\n`
//!   included ([`leaf`]); a text file's leaves are stored in order, 32 raw
//!   bytes each, in `manifests/evidence/<writer>/<path>.leaves`, so a
//!   verifier names the line that changed;
//! * an **entry** ([`Entry`]) describes one file a writer wrote: a text file
//!   by its line count, byte count and leaves file (and that file's
//!   SHA-256), a binary file by its SHA-256 and size;
//! * a writer's **chain** is `manifests/evidence/<writer>.jsonl`, its entries
//!   sorted by path, each line carrying in `prev` the SHA-256 of the line
//!   before it; the last line's SHA-256 is the writer's **head**;
//! * the **root** ([`Root`]) is the SHA-256 of `evidence_root/1\n` followed
//!   by `<writer> <entries> <head>\n` for each writer present, in the fixed
//!   order of [`Writer::ALL`].
//!
//! Nothing in the chain depends on time, threads or the order files were
//! written in: identical runs give byte-identical chains.
//!
//! Writing: [`Chain::begin`], then [`LeafSink`]s for files hashed line by
//! line as they are written ([`Sinks::open`]), or [`Chain::add_tree`] for
//! files hashed once they are complete, then [`Chain::commit`]. Checking:
//! [`check::check`].

pub mod check;
pub mod entry;
pub mod error;
pub mod leaves;
pub mod root;
pub mod write;

pub use check::{Checked, check};
pub use entry::{Content, Entry};
pub use error::{ChainError, Result};
pub use leaves::{LEAF_BYTES, Leaf, LeafSink, LineHasher, leaf};
pub use root::{Root, WriterHead};
pub use write::{Chain, Sinks, record_tree};

/// Format tag of a chain line.
pub const CHAIN_FORMAT: &str = "evidence_chain/1";
/// Format tag of the root file.
pub const ROOT_FORMAT: &str = "evidence_root/1";
/// The directory of the chains, relative to the run.
pub const EVIDENCE_DIR: &str = "manifests/evidence";
/// The root file, relative to the run.
pub const ROOT_FILE: &str = "manifests/evidence_root.json";
/// The detached ed25519 signature of the root file's bytes, relative to the run.
pub const SIGNATURE_FILE: &str = "manifests/evidence_root.sig";
/// `prev` of a chain's first entry, and the head of an empty chain.
pub const ZERO_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// A command that writes evidence, each with its own chain.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Writer {
    /// `fx-seq`: `telemetry/` (whose job lines name the blobs they
    /// reference by their hash).
    Seq,
    /// `fx-features`: `features/`.
    Features,
    /// `fx-report`: `reports/`.
    Report,
}

impl Writer {
    /// Every writer, in the fixed order of the root.
    pub const ALL: [Writer; 3] = [Writer::Seq, Writer::Features, Writer::Report];

    /// The command's name, as written in the chain.
    pub fn name(self) -> &'static str {
        match self {
            Writer::Seq => "fx-seq",
            Writer::Features => "fx-features",
            Writer::Report => "fx-report",
        }
    }

    /// The writer named `name`.
    pub fn from_name(name: &str) -> Option<Writer> {
        Writer::ALL.into_iter().find(|w| w.name() == name)
    }

    /// The directory (relative to the run) whose every file the writer
    /// records; a file there that its chain lacks is reported.
    pub fn dir(self) -> &'static str {
        match self {
            Writer::Seq => "telemetry",
            Writer::Features => "features",
            Writer::Report => "reports",
        }
    }

    /// The writer's chain file, relative to the run.
    pub fn chain_file(self) -> String {
        format!("{EVIDENCE_DIR}/{}.jsonl", self.name())
    }

    /// The directory of the writer's leaves files, relative to the run.
    pub fn leaves_dir(self) -> String {
        format!("{EVIDENCE_DIR}/{}", self.name())
    }

    /// The leaves file of the text file `path` (relative to the run).
    pub fn leaves_file(self, path: &str) -> String {
        format!("{}/{path}.leaves", self.leaves_dir())
    }
}

/// SHA-256 of `bytes`, lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest as _;
    hex::encode(sha2::Sha256::digest(bytes))
}

/// True for a name the writers never record: hidden files (temporary
/// files, staging directories, locks).
pub fn is_private(name: &str) -> bool {
    name.starts_with('.')
}
