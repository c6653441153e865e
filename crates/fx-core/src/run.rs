//! The run directory (DESIGN §4): manifest, tool inventory, evidence store.
//!
//! ```text
//! RUN/manifests/run_manifest.json    run_id, policy (and its hash), inputs, toolchain hash
//! RUN/manifests/tool_inventory.json  every external tool: name, version, path, sha256
//! RUN/artifacts/blobs/sha256/ab/cd…  content-addressed blobs
//! RUN/telemetry/…                    sequenced events (fx-seq)
//! RUN/features/…, RUN/reports/…      derived tables and reports
//! RUN/metrics/…                      the only place for wall-clock figures
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::job::Job;
use crate::policy::Policy;
use crate::store::BlobStore;
use crate::text::Text;

/// Manifest file, relative to the run directory.
pub const MANIFEST: &str = "manifests/run_manifest.json";
/// Tool inventory file, relative to the run directory.
pub const INVENTORY: &str = "manifests/tool_inventory.json";

/// `run_manifest.json`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunManifest {
    /// Format tag, `run/1`.
    pub fx: String,
    /// Deterministic run id (see fx-ingest).
    pub run_id: String,
    /// Tenants admitted to the run (one unless the policy allows several).
    pub tenants: Vec<String>,
    /// Case named at ingest.
    pub case: String,
    /// The resolved policy.
    pub policy: Policy,
    /// `sha256:` of the canonical policy.
    pub policy_hash: String,
    /// What was handed in, in canonical (sorted) order.
    pub inputs: Vec<InputRecord>,
    /// `sha256:` of the canonical tool inventory, fx build and linked libraries.
    pub toolchain_hash: String,
    /// fx version that created the run.
    pub fx_version: String,
    /// The fx build that created the run (`<version>+src.<16 hex digits>`:
    /// a digest of the fx sources it was compiled from), when the ingesting
    /// binary knows it. Not part of the run id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fx_build: Option<String>,
    /// The content of the `flake.lock` the run was made from (its hash is in
    /// the tool inventory and the toolchain hash), when fx-ingest was given
    /// it (`--flake-lock FILE` or `FX_FLAKE_LOCK`): which revision each
    /// flake input was locked to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flake_lock: Option<FlakeLock>,
}

/// A `flake.lock` as recorded in the run manifest.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FlakeLock {
    /// `sha256:` of the file's bytes (equal to the inventory's `flake_lock_sha256`).
    pub sha256: String,
    /// The lock file's format version (`7`).
    pub version: u64,
    /// Name of the root node (`root`).
    pub root: String,
    /// Every node of the lock by name, as the file holds it.
    pub nodes: BTreeMap<String, FlakeNode>,
}

/// One node of a `flake.lock`: an input and what it is locked to.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FlakeNode {
    /// The node's own inputs (name → node name, or a path of names for a `follows`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inputs: Option<BTreeMap<String, serde_json::Value>>,
    /// What the input is locked to (`type`, `owner`, `repo`, `rev`, `narHash`, `lastModified`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locked: Option<BTreeMap<String, serde_json::Value>>,
    /// The input as `flake.nix` names it (`type`, `owner`, `repo`, `ref`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original: Option<BTreeMap<String, serde_json::Value>>,
    /// `false` for an input that is not a flake.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flake: Option<bool>,
}

impl FlakeLock {
    /// Parses the bytes of a `flake.lock`; `Err` names what is wrong.
    pub fn parse(bytes: &[u8]) -> std::result::Result<FlakeLock, String> {
        #[derive(Deserialize)]
        struct File {
            version: u64,
            root: String,
            nodes: BTreeMap<String, FlakeNode>,
        }
        let f: File = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
        if !f.nodes.contains_key(&f.root) {
            return Err(format!("root node {:?} is not among the nodes", f.root));
        }
        Ok(FlakeLock {
            sha256: crate::hashing::sha256_tagged(bytes),
            version: f.version,
            root: f.root,
            nodes: f.nodes,
        })
    }
}

/// One input named at ingest.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InputRecord {
    /// `file`, `dir`, `stdin_list`, `intake_csv`, …
    pub kind: String,
    /// The path as given.
    pub path: Text,
}

/// `tool_inventory.json`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ToolInventory {
    /// Format tag, `inventory/1`.
    pub fx: String,
    /// Every external tool of the profile, sorted by name.
    pub tools: Vec<ToolEntry>,
    /// Linked libraries and their versions (`liboqs`, …), sorted by name.
    pub libraries: BTreeMap<String, String>,
    /// fx build version.
    pub fx_version: String,
    /// `sha256:` of `flake.lock` when the run was made from a flake.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flake_lock_sha256: Option<String>,
    /// `sha256:` over all of the above: the cache key of every cached step.
    pub toolchain_hash: String,
}

/// One external tool.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ToolEntry {
    /// Inventory name (`openssl`, `tshark`, `file`, `readelf`, `objdump`, `radare2`, `bwrap`).
    pub name: String,
    /// `present` or `absent`.
    pub status: String,
    /// Version line the tool printed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Resolved absolute path (a store path under Nix).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// `sha256:` of the binary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
}

impl ToolInventory {
    /// The entry of a present tool.
    pub fn present(&self, name: &str) -> Option<&ToolEntry> {
        self.tools
            .iter()
            .find(|t| t.name == name && t.status == "present")
    }
}

/// An opened run directory.
#[derive(Clone, Debug)]
pub struct RunDir {
    path: PathBuf,
    manifest: RunManifest,
    inventory: ToolInventory,
    blobs: BlobStore,
}

impl RunDir {
    /// Opens an existing run (made by fx-ingest).
    pub fn open(path: impl Into<PathBuf>) -> Result<RunDir> {
        let path = path.into();
        let manifest: RunManifest = read_json(&path, MANIFEST)?;
        let inventory: ToolInventory = read_json(&path, INVENTORY)?;
        manifest.policy.validate()?;
        let blobs = BlobStore::open(path.join("artifacts"))?;
        Ok(RunDir {
            path,
            manifest,
            inventory,
            blobs,
        })
    }

    /// Assembles a run from parts (used by fx-ingest when it creates one).
    pub fn from_parts(
        path: PathBuf,
        manifest: RunManifest,
        inventory: ToolInventory,
    ) -> Result<RunDir> {
        let blobs = BlobStore::open(path.join("artifacts"))?;
        Ok(RunDir {
            path,
            manifest,
            inventory,
            blobs,
        })
    }

    /// The run directory.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The manifest.
    pub fn manifest(&self) -> &RunManifest {
        &self.manifest
    }

    /// The run id.
    pub fn run_id(&self) -> &str {
        &self.manifest.run_id
    }

    /// The policy.
    pub fn policy(&self) -> &Policy {
        &self.manifest.policy
    }

    /// The tool inventory.
    pub fn inventory(&self) -> &ToolInventory {
        &self.inventory
    }

    /// The blob store (`RUN/artifacts`).
    pub fn blobs(&self) -> &BlobStore {
        &self.blobs
    }

    /// A directory inside the run, created if missing.
    pub fn subdir(&self, rel: &str) -> Result<PathBuf> {
        let p = self.path.join(rel);
        std::fs::create_dir_all(&p).map_err(|e| Error::io(&p, e))?;
        Ok(p)
    }

    /// Refuses a job line of another run or of a tenant the run does not hold.
    pub fn check_job(&self, job: &Job, line: u64) -> Result<()> {
        self.check_parts(&job.fx, &job.run_id, job.tenant(), line)
    }

    /// [`RunDir::check_job`] on the parts it reads: the job's `fx` format
    /// tag, its `run_id` and its tenant (for readers that do not build a
    /// typed [`Job`]).
    pub fn check_parts(&self, fx: &str, run_id: &str, tenant: &str, line: u64) -> Result<()> {
        if fx != crate::JOB_FORMAT {
            return Err(Error::BadLine {
                line,
                reason: format!(
                    "unsupported job format {:?} (expected {:?})",
                    fx,
                    crate::JOB_FORMAT
                ),
            });
        }
        if run_id != self.manifest.run_id {
            return Err(Error::WrongRun {
                line,
                reason: format!(
                    "job belongs to run {} but this is run {}",
                    run_id, self.manifest.run_id
                ),
            });
        }
        if !self.manifest.tenants.iter().any(|t| t == tenant) {
            return Err(Error::WrongRun {
                line,
                reason: format!("tenant {tenant:?} is not a tenant of this run"),
            });
        }
        Ok(())
    }
}

fn read_json<T: serde::de::DeserializeOwned>(run: &Path, rel: &str) -> Result<T> {
    let p = run.join(rel);
    let bytes = std::fs::read(&p).map_err(|e| Error::Run {
        path: run.to_path_buf(),
        reason: if e.kind() == std::io::ErrorKind::NotFound {
            format!("{rel} is missing (create the run with fx-ingest first)")
        } else {
            format!("{rel}: {e}")
        },
    })?;
    serde_json::from_slice(&bytes).map_err(|e| Error::Run {
        path: run.to_path_buf(),
        reason: format!("{rel} is not valid: {e}"),
    })
}

/// Writes `bytes` to `path` atomically: a temp file in the same directory,
/// flushed, then renamed over the target. Readers see the old or the new
/// file, never a part.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".fx-tmp-")
        .tempfile_in(dir)
        .map_err(|e| Error::io(dir, e))?;
    tmp.write_all(bytes).map_err(|e| Error::io(path, e))?;
    tmp.as_file().sync_data().map_err(|e| Error::io(path, e))?;
    tmp.persist(path).map_err(|e| Error::io(path, e.error))?;
    Ok(())
}

/// Serializes `value` as pretty JSON with a final newline and writes it atomically.
pub fn write_json_atomic(path: &Path, value: &impl Serialize) -> Result<()> {
    let mut bytes = serde_json::to_vec_pretty(value).map_err(|e| Error::Other(e.to_string()))?;
    bytes.push(b'\n');
    write_atomic(path, &bytes)
}

impl RunDir {
    /// Reads the whole artifact of a job, verified against its hash; `None`
    /// when the job has no readable artifact. Refuses artifacts larger than
    /// `limits.max_artifact_bytes` without reading them.
    pub fn read_artifact(&self, job: &Job) -> Option<Result<Vec<u8>>> {
        let hash = job.artifact.artifact_hash.as_deref()?;
        job.artifact.artifact_ref.as_ref()?;
        Some(
            self.blobs
                .read_verified(hash, self.policy().limits.max_artifact_bytes),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flake_lock_is_read_with_its_hash() {
        let bytes = br#"{"nodes":{"nixpkgs":{"locked":{"owner":"NixOS","repo":"nixpkgs","rev":"abc","type":"github"},"original":{"owner":"NixOS","ref":"nixos-25.05","repo":"nixpkgs","type":"github"}},"root":{"inputs":{"nixpkgs":"nixpkgs"}}},"root":"root","version":7}"#;
        let lock = FlakeLock::parse(bytes).expect("a lock");
        assert_eq!(lock.sha256, crate::hashing::sha256_tagged(bytes));
        assert_eq!(lock.version, 7);
        let rev = lock.nodes["nixpkgs"]
            .locked
            .as_ref()
            .and_then(|l| l.get("rev"))
            .and_then(serde_json::Value::as_str);
        assert_eq!(rev, Some("abc"));
        assert!(FlakeLock::parse(br#"{"nodes":{},"root":"root","version":7}"#).is_err());
        assert!(FlakeLock::parse(b"not json").is_err());
    }
}
