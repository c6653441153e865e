//! Events: what one module invocation did to one job (DESIGN §3).
//!
//! Wire form (one element of a job line's `events` array):
//!
//! ```json
//! {"module":"inspect","step":"pem","status":"error",
//!  "error":{"kind":"truncated","offset":812,"detail":"…"}}
//! ```
//!
//! * `status` is `ok`, `error` (with `error.kind` from [`FailureKind`]) or
//!   `skipped` (with a `reason` such as `not_applicable`, `policy:…`,
//!   `budget:…`, `tool_unavailable`);
//! * `data` holds the step's structured findings; `conclusion` the subset in
//!   the shared vocabulary that the summary merges;
//! * `tool` is present on tool-run events and lands in
//!   `telemetry/tool_run_events.jsonl` as well;
//! * `run_id`, `artifact_id`, `artifact_seq`, `event_seq` are stamped by
//!   `fx-seq` when it writes the evidence store, and absent on the wire.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::text::Text;
use crate::vocab::{Conclusion, FailureKind};

/// The outcome of one step.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// The step ran and produced its result.
    Ok,
    /// The step ran and the artifact showed a failure shape (`error` says which).
    Error,
    /// The step did not run (`reason` says why).
    Skipped,
}

/// A failure shape with where it happened.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorInfo {
    /// The normalised failure shape.
    pub kind: FailureKind,
    /// Byte offset into the artifact (or decoded payload) where it was detected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<u64>,
    /// Human-readable detail; deterministic (no paths, no times).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

impl ErrorInfo {
    /// A failure shape with no offset or detail.
    pub fn new(kind: FailureKind) -> ErrorInfo {
        ErrorInfo {
            kind,
            offset: None,
            detail: None,
        }
    }

    /// Sets the offset.
    pub fn at(mut self, offset: u64) -> ErrorInfo {
        self.offset = Some(offset);
        self
    }

    /// Sets the detail.
    pub fn detail(mut self, detail: impl Into<String>) -> ErrorInfo {
        self.detail = Some(detail.into());
        self
    }
}

/// A stored byte stream (tool stdout/stderr) referenced from an event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StreamRef {
    /// Blob reference (`blobs/sha256/ab/cd…`) of the kept bytes.
    #[serde(rename = "ref")]
    pub blob_ref: String,
    /// `sha256:<hex>` of the kept bytes.
    pub hash: String,
    /// Bytes of the stream: the kept bytes as stored, plus the bytes the
    /// tool wrote past the output cap (counted, never kept). Counted on the
    /// stored bytes, which are normalised (`fx_core::tool::normalize`: a
    /// workspace path, thread id, address, pid or duration the tool printed
    /// is stored as a marker), so the figure is the same on every run; it
    /// can differ from the raw byte count by the lengths of those values.
    pub bytes: u64,
    /// Bytes stored in the blob: the first `tools.output_cap_bytes` bytes the
    /// tool wrote, normalised (so a few bytes under or over the cap).
    pub kept: u64,
    /// True when the tool wrote more than the output cap (then
    /// `bytes > kept`).
    pub truncated: bool,
}

/// The record of one external tool run (DESIGN §6).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ToolRun {
    /// Inventory name of the tool (`openssl`, `tshark`, …).
    pub name: String,
    /// Version from the inventory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// `sha256:<hex>` of the tool binary, from the inventory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub binary_hash: Option<String>,
    /// Arguments after the program name; workspace paths are written relative
    /// to the workspace (`$WS/…`) so evidence never holds a temp path.
    pub argv: Vec<Text>,
    /// Exit code when the tool exited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exit_code: Option<i32>,
    /// Signal number when the tool was killed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signal: Option<i32>,
    /// True when the timeout killed the process group.
    pub timed_out: bool,
    /// How the network was cut off: `netns`, `bwrap`, or `none_allowed_by_policy`.
    pub sandbox: String,
    /// Captured stdout.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stdout: Option<StreamRef>,
    /// Captured stderr.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stderr: Option<StreamRef>,
}

/// One event of a job.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Event {
    /// Run id, stamped by fx-seq.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_id: Option<String>,
    /// Artifact id, stamped by fx-seq.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub artifact_id: Option<String>,
    /// Artifact sequence number, stamped by fx-seq.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub artifact_seq: Option<u64>,
    /// Event sequence number (global, contiguous from 0), stamped by fx-seq.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_seq: Option<u64>,
    /// The module that wrote the event (`ingest`, `route`, `inspect`, …).
    pub module: String,
    /// The step within the module (`label`, `pem`, `x509`, `hash_kdf`, …).
    pub step: String,
    /// Outcome.
    pub status: Status,
    /// Why the step was skipped (`not_applicable`, `policy:…`, `budget:…`, `tool_unavailable`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The failure shape, when `status` is `error`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorInfo>,
    /// Structured findings of the step.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<Map<String, Value>>,
    /// Findings in the shared vocabulary, merged into the summary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conclusion: Option<Conclusion>,
    /// The external tool run, on tool-run events.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool: Option<ToolRun>,
}

impl Event {
    fn new(module: &str, step: &str, status: Status) -> Event {
        Event {
            run_id: None,
            artifact_id: None,
            artifact_seq: None,
            event_seq: None,
            module: module.to_owned(),
            step: step.to_owned(),
            status,
            reason: None,
            error: None,
            data: None,
            conclusion: None,
            tool: None,
        }
    }

    /// An `ok` event.
    pub fn ok(module: &str, step: &str) -> Event {
        Event::new(module, step, Status::Ok)
    }

    /// An `error` event with its failure shape.
    pub fn error(module: &str, step: &str, error: ErrorInfo) -> Event {
        let mut e = Event::new(module, step, Status::Error);
        e.error = Some(error);
        e
    }

    /// A `skipped` event with its reason.
    pub fn skipped(module: &str, step: &str, reason: impl Into<String>) -> Event {
        let mut e = Event::new(module, step, Status::Skipped);
        e.reason = Some(reason.into());
        e
    }

    /// Attaches structured data (must serialize to a JSON object; anything
    /// else is stored under `value`).
    pub fn with_data(mut self, data: impl Serialize) -> Event {
        let v = serde_json::to_value(data).unwrap_or(Value::Null);
        self.data = Some(match v {
            Value::Object(m) => m,
            Value::Null => Map::new(),
            other => {
                let mut m = Map::new();
                m.insert("value".into(), other);
                m
            }
        });
        self
    }

    /// Attaches data that is already a JSON object, as it is (no copy
    /// through the serializer, as [`Event::with_data`] would make).
    pub fn with_map(mut self, data: Map<String, Value>) -> Event {
        self.data = Some(data);
        self
    }

    /// Attaches a conclusion (dropped when empty).
    pub fn with_conclusion(mut self, c: Conclusion) -> Event {
        self.conclusion = if c.is_empty() { None } else { Some(c) };
        self
    }

    /// Attaches a tool-run record.
    pub fn with_tool(mut self, tool: ToolRun) -> Event {
        self.tool = Some(tool);
        self
    }

    /// True when the stamps of fx-seq are present.
    pub fn is_sequenced(&self) -> bool {
        self.event_seq.is_some()
    }
}
