//! Scratch runs for tests of the stages: a valid run directory with the
//! default (or a given) policy and an empty tool inventory, and jobs whose
//! artifact bytes are stored in its blob store. Not used by the commands.

use std::path::Path;

use crate::error::Result;
use crate::event::Event;
use crate::job::{Artifact, Intake, Job};
use crate::policy::Policy;
use crate::run::{INVENTORY, MANIFEST, RunDir, RunManifest, ToolInventory, write_json_atomic};
use crate::text::Text;

/// Run id of every scratch run.
pub const SCRATCH_RUN_ID: &str = "00000000000000000000000000000000";
/// Tenant of every scratch run.
pub const SCRATCH_TENANT: &str = "test";

/// Creates a scratch run in `dir` with `policy` and no external tools.
pub fn scratch_run(dir: &Path, policy: Policy) -> Result<RunDir> {
    let inventory = ToolInventory {
        fx: "inventory/1".into(),
        tools: Vec::new(),
        libraries: Default::default(),
        fx_version: crate::FX_VERSION.into(),
        flake_lock_sha256: None,
        toolchain_hash: crate::hashing::sha256_tagged(b"scratch"),
    };
    let manifest = RunManifest {
        fx: "run/1".into(),
        run_id: SCRATCH_RUN_ID.into(),
        tenants: vec![SCRATCH_TENANT.into()],
        case: "test".into(),
        policy_hash: policy.hash(),
        policy,
        inputs: Vec::new(),
        toolchain_hash: inventory.toolchain_hash.clone(),
        fx_version: crate::FX_VERSION.into(),
        fx_build: None,
        flake_lock: None,
    };
    write_json_atomic(&dir.join(MANIFEST), &manifest)?;
    write_json_atomic(&dir.join(INVENTORY), &inventory)?;
    RunDir::open(dir)
}

/// Stores `bytes` in the run and returns a fresh job for them (no events).
pub fn job_for(run: &RunDir, path: &str, bytes: &[u8], seq: u64) -> Result<Job> {
    let blob = run.blobs().put_bytes(bytes)?;
    Ok(Job {
        fx: crate::JOB_FORMAT.into(),
        run_id: run.run_id().into(),
        artifact: Artifact {
            artifact_id: crate::ids::short_id(
                "fx-test-artifact",
                &[blob.hash.as_bytes(), path.as_bytes()],
            ),
            artifact_hash: Some(blob.hash),
            artifact_ref: Some(blob.rel),
            artifact_seq: seq,
            size: Some(blob.size),
            intake: Intake {
                case: "test".into(),
                source: "test".into(),
                tenant: SCRATCH_TENANT.into(),
                path: Text::from(path),
                collected_at: None,
                hints: Default::default(),
                bundle: None,
            },
            custody: Vec::new(),
            members: Vec::new(),
        },
        events: Vec::new(),
    })
}

/// Adds a route-style event concluding `labels`, as fx-route would.
pub fn with_labels(mut job: Job, labels: &[crate::vocab::Label]) -> Job {
    job.push(
        Event::ok("route", "label").with_conclusion(crate::vocab::Conclusion {
            labels: labels.to_vec(),
            ..Default::default()
        }),
    );
    job
}
