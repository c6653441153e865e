//! # fx-core — the contract every fx command stands on
//!
//! fx commands exchange **job lines**: one JSON object per line, one line per
//! artifact job (see [`job::Job`]). Each stage reads a line, appends its own
//! [`event::Event`]s and writes the line again. This crate defines:
//!
//! * [`job`], [`event`], [`vocab`] — the envelope and the shared vocabulary of
//!   DESIGN §3 and §9, mirrored by the JSON Schemas in `schemas/`;
//! * [`jsonl`] — a strict, bounded JSONL reader and a whole-line writer;
//! * [`store`] — the content-addressed, write-once blob store;
//! * [`run`] — the run directory, its manifest and tool inventory;
//! * [`policy`] — budgets, caps and safety switches, with documented defaults;
//! * [`ids`] — deterministic ids, seeds and canonical hashing;
//! * [`inventory`] — the external tools of the profile (`tools.json`) and the toolchain hash;
//! * [`tool`] — the sandboxed, bounded tool runner every command uses;
//! * [`summary`] — the per-job `summary` event of DESIGN §9;
//! * [`routing`] — fx-route's decision record and the fail-closed `check`
//!   every later stage calls before running a target;
//! * [`cache`] — the module cache shared across runs (`--cache DIR`);
//! * [`stage`] — the order-preserving, parallel driver shared by the stages;
//! * [`cli`] — command-line conventions (exit codes, broken pipes, `--run`);
//! * [`metrics`] — wall-clock figures, only ever written to `RUN/metrics/`.
//!
//! Everything written as evidence is deterministic: no wall-clock time, host
//! name, pid, random id or absolute temporary path ever enters it.

pub mod cache;
pub mod cli;
pub mod error;
pub mod event;
pub mod hashing;
pub mod heavy;
pub mod ids;
pub mod inventory;
pub mod job;
pub mod jsonl;
pub mod metrics;
#[allow(unsafe_code)] // the system calls beyond std, each with its SAFETY note
pub mod os;
pub mod policy;
pub mod routing;
pub mod run;
pub mod stage;
pub mod store;
pub mod summary;
pub mod testing;
pub mod text;
pub mod tool;
pub mod vocab;

pub use error::{Error, Result};
pub use event::{ErrorInfo, Event, Status};
pub use job::{Artifact, Intake, Job};
pub use text::Text;
pub use vocab::{Conclusion, Container, Encoding, FailureKind, Label};

/// The value of the `fx` field of every job line this build writes.
pub const JOB_FORMAT: &str = "job/1";

/// Version of this fx build, recorded in the manifest and the toolchain hash.
pub const FX_VERSION: &str = env!("CARGO_PKG_VERSION");
