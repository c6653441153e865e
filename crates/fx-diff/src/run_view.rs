//! One side of the diff: a run directory, read leniently enough to take
//! every evidence format fx has written (`run/1`, `inventory/1`, `job/1`),
//! and strictly enough to name any other.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use fx_core::run::FlakeLock;
use serde::Deserialize;
use serde_json::Value;

use crate::error::{DiffError, Result};

/// Manifest formats this build reads.
pub const READS_MANIFEST: &[&str] = &["run/1"];
/// Tool inventory formats this build reads.
pub const READS_INVENTORY: &[&str] = &["inventory/1"];
/// Job line formats this build reads.
pub const READS_JOB: &[&str] = &["job/1"];

/// The sequenced job lines, relative to the run.
pub const JOBS: &str = "telemetry/jobs.jsonl";

/// What fx-diff reads of `manifests/run_manifest.json`.
#[derive(Clone, Debug, Deserialize)]
pub struct ManifestView {
    /// Format tag.
    pub fx: String,
    /// The run id.
    pub run_id: String,
    /// The resolved policy, as written (any keys its fx version had).
    #[serde(default)]
    pub policy: Value,
    /// `sha256:` of the canonical policy.
    #[serde(default)]
    pub policy_hash: Option<String>,
    /// `sha256:` of the canonical tool inventory.
    #[serde(default)]
    pub toolchain_hash: Option<String>,
    /// fx version that created the run.
    #[serde(default)]
    pub fx_version: Option<String>,
    /// fx build (source digest) that created the run, when recorded.
    #[serde(default)]
    pub fx_build: Option<String>,
    /// The `flake.lock` content, when recorded.
    #[serde(default)]
    pub flake_lock: Option<FlakeLock>,
}

/// What fx-diff reads of `manifests/tool_inventory.json`.
#[derive(Clone, Debug, Deserialize)]
pub struct InventoryView {
    /// Format tag.
    pub fx: String,
    /// The tools.
    #[serde(default)]
    pub tools: Vec<ToolView>,
    /// Linked libraries and their versions.
    #[serde(default)]
    pub libraries: BTreeMap<String, String>,
    /// fx build version (`<version>+lock.<digest of Cargo.lock>`).
    #[serde(default)]
    pub fx_version: Option<String>,
    /// `sha256:` of `flake.lock`, when the run was made from the flake.
    #[serde(default)]
    pub flake_lock_sha256: Option<String>,
}

/// One tool of the inventory.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
pub struct ToolView {
    /// Inventory name.
    pub name: String,
    /// `present` or `absent`.
    #[serde(default)]
    pub status: String,
    /// Version line.
    #[serde(default)]
    pub version: Option<String>,
    /// Resolved path.
    #[serde(default)]
    pub path: Option<String>,
    /// `sha256:` of the binary.
    #[serde(default)]
    pub sha256: Option<String>,
}

/// An opened run.
#[derive(Clone, Debug)]
pub struct RunView {
    /// The directory as given.
    pub path: PathBuf,
    /// Its manifest.
    pub manifest: ManifestView,
    /// Its tool inventory.
    pub inventory: InventoryView,
    /// Longest job line accepted (the run's `limits.max_line_bytes`).
    pub max_line: usize,
}

impl RunView {
    /// Opens `path`, checking that it is a sequenced run in a format this
    /// build reads.
    pub fn open(path: &Path) -> Result<RunView> {
        let bad = |reason: String| DiffError::Run {
            run: path.to_path_buf(),
            reason,
        };
        if !path.is_dir() {
            return Err(bad("not a directory".into()));
        }
        let manifest: ManifestView = read_json(path, fx_core::run::MANIFEST, "an fx run")?;
        check_format(path, fx_core::run::MANIFEST, &manifest.fx, READS_MANIFEST)?;
        let inventory: InventoryView = read_json(path, fx_core::run::INVENTORY, "a complete run")?;
        check_format(
            path,
            fx_core::run::INVENTORY,
            &inventory.fx,
            READS_INVENTORY,
        )?;
        if !path.join(JOBS).is_file() {
            return Err(bad(format!(
                "{JOBS} is missing (the run was not sequenced: run fx-seq)"
            )));
        }
        let max_line = manifest
            .policy
            .pointer("/limits/max_line_bytes")
            .and_then(Value::as_u64)
            .map_or(fx_core::jsonl::DEFAULT_MAX_LINE, |n| n as usize);
        Ok(RunView {
            path: path.to_path_buf(),
            manifest,
            inventory,
            max_line,
        })
    }

    /// `telemetry/jobs.jsonl` of the run.
    pub fn jobs_path(&self) -> PathBuf {
        self.path.join(JOBS)
    }

    /// The inventory entry of a tool.
    pub fn tool(&self, name: &str) -> Option<&ToolView> {
        self.inventory.tools.iter().find(|t| t.name == name)
    }

    /// The fx build ids the run records, by where: the manifest's
    /// `fx_version` and `fx_build`, the inventory's `fx_version`.
    pub fn builds(&self) -> BTreeMap<&'static str, Option<&str>> {
        BTreeMap::from([
            ("manifest.fx_version", self.manifest.fx_version.as_deref()),
            ("manifest.fx_build", self.manifest.fx_build.as_deref()),
            ("inventory.fx_version", self.inventory.fx_version.as_deref()),
        ])
    }
}

/// Refuses a format tag this build does not read.
pub fn check_format(run: &Path, file: &str, found: &str, reads: &[&str]) -> Result<()> {
    if reads.contains(&found) {
        return Ok(());
    }
    Err(DiffError::Format {
        run: run.to_path_buf(),
        file: file.to_owned(),
        found: found.to_owned(),
        reads: reads.join(", "),
    })
}

fn read_json<T: serde::de::DeserializeOwned>(run: &Path, rel: &str, what: &str) -> Result<T> {
    let p = run.join(rel);
    let bytes = std::fs::read(&p).map_err(|e| DiffError::Run {
        run: run.to_path_buf(),
        reason: match e.kind() {
            std::io::ErrorKind::NotFound => format!("not {what} ({rel} is missing)"),
            _ => format!("{rel}: {e}"),
        },
    })?;
    serde_json::from_slice(&bytes).map_err(|e| DiffError::Run {
        run: run.to_path_buf(),
        reason: format!("{rel} cannot be read: {e}"),
    })
}
