//! # The CycloneDX CBOM (`RUN/reports/cbom.cdx.json`)
//!
//! A cryptographic bill of materials of everything a run read: one
//! `cryptographic-asset` component per algorithm (with `primitive`,
//! `parameterSetIdentifier`, `curve`, `classicalSecurityLevel` and
//! `nistQuantumSecurityLevel` from the [`registry`]), per certificate
//! (subject, issuer, validity, signature algorithm and subject key), per
//! kind of key and other related material, per password hash (scheme,
//! parameters and the audit's grade; never hash or salt bytes) and per TLS
//! client seen in a capture; one `library` component per crypto library
//! found in a binary, with `provides` dependencies to the algorithms it
//! implements. Every component's `evidence.occurrences` names the intake
//! paths and artifact hashes it was found in.
//!
//! CycloneDX 1.6 by default; `--spec 1.7` adds the 1.7 registry's
//! `algorithmFamily` and `ellipticCurve` and writes relations as
//! `relatedCryptographicAssets`. The document is deterministic: `bom-ref`s
//! and the `serialNumber` are derived from the content ([`ids`]),
//! components are sorted by `bom-ref`, there is no timestamp. It is built
//! in one pass over `telemetry/jobs.jsonl` into maps keyed by content
//! ([`mod@inventory`]), their occurrences sorted on disk, and written component
//! by component ([`document`]), so memory follows the number of distinct
//! assets, not of jobs or occurrences.
//!
//! The mapping from fx facts to CycloneDX fields is docs/cbom.md.

pub mod document;
pub mod ids;
pub mod inventory;
pub mod model;
pub mod read;
pub mod registry;
pub mod tls;

use std::io::Write as _;
use std::path::{Path, PathBuf};

use fx_core::job::Job;
use fx_core::jsonl::JsonlReader;
use fx_core::run::RunDir;

pub use document::Counts;
pub use inventory::Inventory;

/// File name of the CBOM under `RUN/reports/`.
pub const FILE: &str = "cbom.cdx.json";

/// The CycloneDX version written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Spec {
    /// CycloneDX 1.6.
    #[default]
    #[value(name = "1.6")]
    V1_6,
    /// CycloneDX 1.7 (registry `algorithmFamily`, `ellipticCurve`,
    /// `relatedCryptographicAssets`).
    #[value(name = "1.7")]
    V1_7,
}

impl Spec {
    /// `1.6` or `1.7`.
    pub fn version(self) -> &'static str {
        match self {
            Spec::V1_6 => "1.6",
            Spec::V1_7 => "1.7",
        }
    }
}

/// Why the CBOM could not be written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CbomError {
    /// The job lines could not be read.
    #[error("{path}: {source}")]
    Jobs {
        /// `telemetry/jobs.jsonl`.
        path: PathBuf,
        /// What went wrong.
        source: fx_core::Error,
    },
    /// The telemetry is missing.
    #[error("{0} is missing (run fx-seq first)")]
    Missing(PathBuf),
    /// Writing failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        source: std::io::Error,
    },
}

/// Reads `RUN/telemetry/jobs.jsonl` into an inventory, one job at a time,
/// and sorts its occurrences ([`Inventory::finish`]).
pub fn inventory(run: &RunDir) -> Result<Inventory, CbomError> {
    let path = run.path().join("telemetry/jobs.jsonl");
    let file = std::fs::File::open(&path).map_err(|_| CbomError::Missing(path.clone()))?;
    let mut reader = JsonlReader::new(
        std::io::BufReader::with_capacity(1 << 20, file),
        run.policy().limits.max_line_bytes as usize,
    );
    // The occurrences are sorted in unnamed temporary files in the run
    // directory (they vanish with the inventory).
    let mut inv = Inventory::new(run.path());
    loop {
        match reader.next_record::<Job>() {
            Ok(Some(job)) => inv.add_job(&job),
            Ok(None) => break,
            Err(source) => {
                return Err(CbomError::Jobs {
                    path: path.clone(),
                    source,
                });
            }
        }
    }
    inv.finish().map_err(|source| CbomError::Io {
        path: run.path().to_owned(),
        source,
    })?;
    Ok(inv)
}

/// Writes the CBOM of `inv` to `path` atomically (a temp file beside it,
/// renamed when complete).
pub fn write_file(
    path: &Path,
    inv: &Inventory,
    run: &RunDir,
    spec: Spec,
) -> Result<Counts, CbomError> {
    let io = |source| CbomError::Io {
        path: path.to_owned(),
        source,
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(io)?;
    let tmp = tempfile::Builder::new()
        .prefix(".fx-tmp-")
        .tempfile_in(dir)
        .map_err(io)?;
    let mut w = std::io::BufWriter::with_capacity(1 << 20, tmp);
    let manifest = run.manifest();
    let info = document::RunInfo {
        run_id: run.run_id(),
        policy_hash: &manifest.policy_hash,
        toolchain_hash: &manifest.toolchain_hash,
    };
    let counts = document::write(&mut w, inv, &info, spec).map_err(io)?;
    w.flush().map_err(io)?;
    let tmp = w.into_inner().map_err(|e| io(e.into_error()))?;
    tmp.as_file().sync_data().map_err(io)?;
    tmp.persist(path).map_err(|e| io(e.error))?;
    Ok(counts)
}

/// Builds and writes `RUN/reports/cbom.cdx.json`.
pub fn write(run: &RunDir, spec: Spec) -> Result<Counts, CbomError> {
    let inv = inventory(run)?;
    write_file(&run.path().join("reports").join(FILE), &inv, run, spec)
}
