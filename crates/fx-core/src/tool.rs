//! The tool runner (DESIGN §6): every external tool run of every command.
//!
//! A [`ToolRunner`] is built from a run ([`ToolRunner::new`]) and runs one
//! tool of the run's inventory on one artifact ([`ToolRunner::run`]). Each
//! run:
//!
//! * executes the binary the inventory recorded (never whatever is on `PATH`);
//! * gets a fresh workspace directory, which is its current directory, its
//!   `HOME` and its `TMPDIR`, and is removed afterwards; input files named in
//!   the [`ToolCall`] are written there and appear in the recorded argv as
//!   `$WS/<name>`;
//! * starts from a cleared environment: only `LC_ALL=C`, `TZ=UTC`, `HOME`,
//!   `TMPDIR` and `PATH=/usr/bin:/bin`;
//! * has no network: it runs inside a new network namespace
//!   (`unshare --net`, else `unshare --map-root-user --net`, else bubblewrap
//!   `--unshare-net`; which one works is probed once per process). Where none
//!   works the run is refused (`skipped`, `policy:no_network_isolation`)
//!   unless `safety.allow_network` is set, and the sandbox used is recorded;
//! * is killed, with its whole process group, after `tools.timeout_ms`
//!   (and any process it left behind is killed when it exits);
//! * has stdout and stderr read concurrently (a chatty tool cannot deadlock),
//!   keeping at most `tools.output_cap_bytes` of each and counting the rest;
//!   the kept bytes are normalised ([`normalize`](mod@normalize): the workspace path, an
//!   OpenSSL error line's thread id, and on stderr process addresses, pids
//!   and durations become `$WS`, `$TID`, `$ADDR`, `$PID`, `$TIME`), stored
//!   as blobs and referenced from the event.
//!
//! The result is a ready tool-run [`Event`] (`tool: Some(ToolRun{…})`):
//! `ok` on exit 0, `error`/`tool_failed` on any other exit, `error`/`timeout`
//! when the timeout fired, `skipped`/`tool_unavailable` when the tool is not in
//! the inventory, `skipped`/`policy:tools_disabled` when `tools.enabled` is
//! false. The absolute workspace path never reaches evidence: it is replaced
//! by `$WS` in the kept output as well, and the same call on the same bytes
//! gives the same event, blobs included, run after run.
//!
//! ```no_run
//! use fx_core::tool::{ToolCall, ToolRunner};
//! # fn demo(run: &fx_core::run::RunDir, job: &mut fx_core::Job, pem: &[u8]) -> fx_core::Result<()> {
//! let runner = ToolRunner::new(run);
//! let out = runner.run(
//!     &ToolCall::new("openssl", "inspect")
//!         .step("tool:openssl_x509")
//!         .args(["x509", "-noout", "-text", "-in"])
//!         .file("artifact.pem", pem),
//! )?;
//! if out.succeeded() {
//!     let text = String::from_utf8_lossy(&out.stdout);
//!     // … compare `text` with the native parse …
//! #   let _ = text;
//! }
//! job.push(out.event);
//! # Ok(())
//! # }
//! ```

use std::collections::BTreeMap;
use std::ffi::{OsStr, OsString};
use std::io::{Read, Write};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Mutex, OnceLock, mpsc};
use std::time::Duration;

use serde_json::json;

pub mod normalize;

use self::normalize::{Stream, normalize};

use crate::error::{Error, Result};
use crate::event::{ErrorInfo, Event, Status, StreamRef, ToolRun};
use crate::policy::Policy;
use crate::run::{RunDir, ToolInventory};
use crate::store::BlobStore;
use crate::text::Text;
use crate::vocab::FailureKind;

/// `PATH` inside every tool run (tools themselves are run by absolute path).
pub const TOOL_PATH: &str = "/usr/bin:/bin";

/// How workspace paths are written in evidence.
pub const WS_MARK: &str = "$WS";

/// Skip reason when the tool is not in the inventory.
pub const REASON_UNAVAILABLE: &str = "tool_unavailable";
/// Skip reason when the policy disables tools.
pub const REASON_DISABLED: &str = "policy:tools_disabled";
/// Skip reason when no network isolation is possible and the policy does not
/// allow running without it.
pub const REASON_NO_ISOLATION: &str = "policy:no_network_isolation";

/// How a tool run was cut off from the network (recorded in `ToolRun.sandbox`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sandbox {
    /// `unshare --net` (privileged network namespace).
    Netns,
    /// `unshare --map-root-user --net` (user + network namespace, unprivileged).
    NetnsUser,
    /// bubblewrap `--unshare-net`.
    Bwrap,
    /// No isolation available; runs only when `safety.allow_network` is set.
    None,
}

impl Sandbox {
    /// The value recorded in `ToolRun.sandbox`.
    pub fn as_str(self) -> &'static str {
        match self {
            Sandbox::Netns | Sandbox::NetnsUser => "netns",
            Sandbox::Bwrap => "bwrap",
            Sandbox::None => "none_allowed_by_policy",
        }
    }
}

/// One argument of a tool call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ToolArg {
    /// A literal argument, passed and recorded as is.
    Lit(OsString),
    /// A file written into the workspace before the run; passed as its
    /// absolute path, recorded as `$WS/<name>`.
    File {
        /// Plain file name (no `/`, not `.` or `..`).
        name: String,
        /// Content.
        bytes: Vec<u8>,
    },
    /// The path of a workspace file (written by [`ToolCall::put`] or by the
    /// tool itself), recorded as `$WS/<name>`.
    WsPath(String),
}

/// What to run: one inventory tool, for one module's step, with its
/// arguments, workspace files and stdin. Built with chained methods.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ToolCall {
    /// Inventory name of the tool (`openssl`, `tshark`, …).
    pub tool: String,
    /// Module writing the event (`inspect`, `fingerprint`, …).
    pub module: String,
    /// Step of the event; `tool:<name>` when not set.
    pub step: Option<String>,
    /// Arguments after the program name.
    pub args: Vec<ToolArg>,
    /// Files written into the workspace without being arguments.
    pub extra_files: Vec<(String, Vec<u8>)>,
    /// Bytes fed to stdin (stdin is `/dev/null` when absent).
    pub stdin: Option<Vec<u8>>,
}

impl ToolCall {
    /// A call of inventory tool `tool` on behalf of `module`.
    pub fn new(tool: &str, module: &str) -> ToolCall {
        ToolCall {
            tool: tool.to_owned(),
            module: module.to_owned(),
            step: None,
            args: Vec::new(),
            extra_files: Vec::new(),
            stdin: None,
        }
    }

    /// Sets the event's step (default `tool:<name>`).
    pub fn step(mut self, step: &str) -> ToolCall {
        self.step = Some(step.to_owned());
        self
    }

    /// Appends a literal argument.
    pub fn arg(mut self, arg: impl AsRef<OsStr>) -> ToolCall {
        self.args.push(ToolArg::Lit(arg.as_ref().to_owned()));
        self
    }

    /// Appends literal arguments.
    pub fn args<I, S>(mut self, args: I) -> ToolCall
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        for a in args {
            self.args.push(ToolArg::Lit(a.as_ref().to_owned()));
        }
        self
    }

    /// Writes `bytes` to the workspace file `name` and appends its path as an
    /// argument (recorded as `$WS/<name>`).
    pub fn file(mut self, name: &str, bytes: &[u8]) -> ToolCall {
        self.args.push(ToolArg::File {
            name: name.to_owned(),
            bytes: bytes.to_vec(),
        });
        self
    }

    /// Writes `bytes` to the workspace file `name` without adding an argument.
    pub fn put(mut self, name: &str, bytes: &[u8]) -> ToolCall {
        self.extra_files.push((name.to_owned(), bytes.to_vec()));
        self
    }

    /// Appends the path of workspace file `name` (recorded as `$WS/<name>`).
    pub fn ws_path(mut self, name: &str) -> ToolCall {
        self.args.push(ToolArg::WsPath(name.to_owned()));
        self
    }

    /// Feeds `bytes` to the tool's stdin.
    pub fn stdin(mut self, bytes: &[u8]) -> ToolCall {
        self.stdin = Some(bytes.to_vec());
        self
    }

    /// The event step.
    pub fn step_name(&self) -> String {
        self.step
            .clone()
            .unwrap_or_else(|| format!("tool:{}", self.tool))
    }
}

/// The result of [`ToolRunner::run`].
#[derive(Clone, Debug, PartialEq)]
pub struct ToolOutcome {
    /// The tool-run event, ready to push onto the job.
    pub event: Event,
    /// Kept stdout: at most the output cap of what the tool wrote,
    /// normalised ([`normalize`](mod@normalize)); the bytes of the stdout blob.
    pub stdout: Vec<u8>,
    /// Kept stderr (same rules).
    pub stderr: Vec<u8>,
    /// Exit code when the tool exited normally.
    pub exit_code: Option<i32>,
    /// True when stdout went over the cap and was cut.
    pub stdout_truncated: bool,
}

impl ToolOutcome {
    /// True when the tool ran and exited 0.
    pub fn succeeded(&self) -> bool {
        self.event.status == Status::Ok
    }

    /// True when the tool was started (whatever its outcome).
    pub fn ran(&self) -> bool {
        self.event.tool.is_some()
    }

    fn skipped(event: Event) -> ToolOutcome {
        ToolOutcome {
            event,
            stdout: Vec::new(),
            stderr: Vec::new(),
            exit_code: None,
            stdout_truncated: false,
        }
    }
}

/// Runs inventory tools for a run. Cheap to clone; `Send + Sync`, so one
/// runner can serve every worker thread of a stage.
#[derive(Clone, Debug)]
pub struct ToolRunner {
    inventory: ToolInventory,
    policy: Policy,
    blobs: BlobStore,
    sandbox: OnceLock<Sandbox>,
}

impl ToolRunner {
    /// A runner for `run`: its inventory, policy and blob store.
    pub fn new(run: &RunDir) -> ToolRunner {
        ToolRunner::from_parts(
            run.inventory().clone(),
            run.policy().clone(),
            run.blobs().clone(),
        )
    }

    /// A runner from explicit parts (tests, tools outside a run directory).
    pub fn from_parts(inventory: ToolInventory, policy: Policy, blobs: BlobStore) -> ToolRunner {
        ToolRunner {
            inventory,
            policy,
            blobs,
            sandbox: OnceLock::new(),
        }
    }

    /// The network isolation this runner uses (probed once per process for
    /// the inventory's `unshare` and `bwrap`).
    pub fn sandbox(&self) -> Sandbox {
        *self.sandbox.get_or_init(|| {
            let path_of = |n: &str| {
                self.inventory
                    .present(n)
                    .and_then(|e| e.path.clone())
                    .map(PathBuf::from)
            };
            probe_sandbox(path_of("unshare"), path_of("bwrap"))
        })
    }

    /// True when the tool is present in the inventory.
    pub fn has(&self, tool: &str) -> bool {
        self.inventory.present(tool).is_some()
    }

    /// Runs one call. Per-tool outcomes (absent tool, refusal, non-zero exit,
    /// timeout) are events in the returned [`ToolOutcome`]; `Err` is kept for
    /// failures of fx itself: an invalid workspace file name, a workspace
    /// that cannot be created, a blob that cannot be stored.
    pub fn run(&self, call: &ToolCall) -> Result<ToolOutcome> {
        let step = call.step_name();
        for name in call
            .args
            .iter()
            .filter_map(|a| match a {
                ToolArg::File { name, .. } | ToolArg::WsPath(name) => Some(name),
                ToolArg::Lit(_) => None,
            })
            .chain(call.extra_files.iter().map(|(n, _)| n))
        {
            check_ws_name(name)?;
        }
        if !self.policy.tools.enabled {
            return Ok(ToolOutcome::skipped(
                Event::skipped(&call.module, &step, REASON_DISABLED)
                    .with_data(json!({ "tool": call.tool })),
            ));
        }
        let Some(entry) = self.inventory.present(&call.tool) else {
            return Ok(ToolOutcome::skipped(
                Event::skipped(&call.module, &step, REASON_UNAVAILABLE)
                    .with_data(json!({ "tool": call.tool })),
            ));
        };
        let Some(program) = entry.path.as_deref().map(PathBuf::from) else {
            return Ok(ToolOutcome::skipped(
                Event::skipped(&call.module, &step, REASON_UNAVAILABLE)
                    .with_data(json!({ "tool": call.tool })),
            ));
        };
        let sandbox = self.sandbox();
        if sandbox == Sandbox::None && !self.policy.safety.allow_network {
            return Ok(ToolOutcome::skipped(
                Event::skipped(&call.module, &step, REASON_NO_ISOLATION)
                    .with_data(json!({ "tool": call.tool })),
            ));
        }

        let ws = tempfile::Builder::new()
            .prefix("fx-ws-")
            .tempdir()
            .map_err(|e| Error::io(std::env::temp_dir(), e))?;
        let ws_path = ws.path().to_path_buf();
        let write = |name: &str, bytes: &[u8]| {
            let p = ws_path.join(name);
            std::fs::write(&p, bytes).map_err(|e| Error::io(&p, e))
        };
        let mut argv: Vec<OsString> = Vec::with_capacity(call.args.len());
        let mut recorded: Vec<Text> = Vec::with_capacity(call.args.len());
        for a in &call.args {
            match a {
                ToolArg::Lit(s) => {
                    argv.push(s.clone());
                    recorded.push(Text::from_bytes(s.as_bytes()));
                }
                ToolArg::File { name, bytes } => {
                    write(name, bytes)?;
                    argv.push(ws_path.join(name).into_os_string());
                    recorded.push(Text::from(format!("{WS_MARK}/{name}")));
                }
                ToolArg::WsPath(name) => {
                    argv.push(ws_path.join(name).into_os_string());
                    recorded.push(Text::from(format!("{WS_MARK}/{name}")));
                }
            }
        }
        for (name, bytes) in &call.extra_files {
            write(name, bytes)?;
        }

        let (program, full_args) = sandbox_command(sandbox, &self.inventory, &program, argv);
        let timeout = Duration::from_millis(self.policy.tools.timeout_ms.max(1));
        let cap = self.policy.tools.output_cap_bytes;
        let result = execute(
            &program,
            &full_args,
            &ws_path,
            call.stdin.as_deref(),
            timeout,
            cap,
        );
        let mut marks = vec![ws_path.as_os_str().as_bytes().to_vec()];
        if let Ok(real) = std::fs::canonicalize(&ws_path)
            && real != ws_path
        {
            marks.push(real.as_os_str().as_bytes().to_vec());
        }
        drop(ws);

        let mut tool = ToolRun {
            name: call.tool.clone(),
            version: entry.version.clone(),
            binary_hash: entry.sha256.clone(),
            argv: recorded,
            exit_code: None,
            signal: None,
            timed_out: false,
            sandbox: sandbox.as_str().to_owned(),
            stdout: None,
            stderr: None,
        };
        let done = match result {
            Ok(done) => done,
            Err(e) => {
                let ev = Event::error(
                    &call.module,
                    &step,
                    ErrorInfo::new(FailureKind::ToolFailed)
                        .detail(format!("cannot start: {}", e.kind())),
                )
                .with_tool(tool);
                return Ok(ToolOutcome::skipped(ev));
            }
        };
        let stdout = normalize(&done.stdout.kept, Stream::Stdout, &marks);
        let stderr = normalize(&done.stderr.kept, Stream::Stderr, &marks);
        tool.exit_code = done.exit_code;
        tool.signal = done.signal;
        tool.timed_out = done.timed_out;
        tool.stdout = Some(self.store_stream(&stdout, &done.stdout)?);
        tool.stderr = Some(self.store_stream(&stderr, &done.stderr)?);
        let stdout_truncated = done.stdout.total > done.stdout.kept_len;
        let event = if done.timed_out {
            Event::error(
                &call.module,
                &step,
                ErrorInfo::new(FailureKind::Timeout)
                    .detail(format!("killed after {} ms", self.policy.tools.timeout_ms)),
            )
        } else if done.exit_code == Some(0) {
            Event::ok(&call.module, &step)
        } else {
            let detail = match (done.exit_code, done.signal) {
                (Some(c), _) => format!("exit status {c}"),
                (None, Some(s)) => format!("killed by signal {s}"),
                (None, None) => "abnormal termination".to_owned(),
            };
            Event::error(
                &call.module,
                &step,
                ErrorInfo::new(FailureKind::ToolFailed).detail(detail),
            )
        };
        Ok(ToolOutcome {
            event: event.with_tool(tool),
            stdout,
            stderr,
            exit_code: done.exit_code,
            stdout_truncated,
        })
    }

    /// Stores the normalised kept bytes of a stream. The counts are of the
    /// stored bytes, so they are the same run after run: `kept` is the
    /// blob's length and `bytes` adds what went over the cap (not kept, so
    /// not normalised: counted as written); `truncated` says whether the
    /// tool wrote more than the cap.
    fn store_stream(&self, stored: &[u8], raw: &Captured) -> Result<StreamRef> {
        let blob = self.blobs.put_bytes(stored)?;
        let cut = raw.total.saturating_sub(raw.kept_len);
        Ok(StreamRef {
            blob_ref: blob.rel,
            hash: blob.hash,
            bytes: stored.len() as u64 + cut,
            kept: stored.len() as u64,
            truncated: cut > 0,
        })
    }
}

/// Asks a tool its version: runs `path version_args…` with the cleared tool
/// environment in a scratch directory, no sandbox, under `timeout`, and
/// returns the first non-empty line of stdout (or of stderr when stdout is
/// empty). `None` when it cannot run, times out or prints nothing.
pub fn query_version(
    path: &Path,
    version_args: &[String],
    timeout: Duration,
    cap: u64,
) -> Option<String> {
    let dir = tempfile::Builder::new().prefix("fx-ver-").tempdir().ok()?;
    let args: Vec<OsString> = version_args.iter().map(OsString::from).collect();
    let done = execute(path, &args, dir.path(), None, timeout, cap).ok()?;
    if done.timed_out {
        return None;
    }
    let first = |b: &[u8]| {
        String::from_utf8_lossy(b)
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty())
            .map(str::to_owned)
    };
    first(&done.stdout.kept).or_else(|| first(&done.stderr.kept))
}

fn check_ws_name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= 200
        && name != "."
        && name != ".."
        && !name.contains(['/', '\0']);
    if ok {
        Ok(())
    } else {
        Err(Error::Other(format!(
            "tool workspace file name {name:?} must be a plain file name"
        )))
    }
}

/// Prefixes the sandbox helper to the tool's command line.
fn sandbox_command(
    sandbox: Sandbox,
    inv: &ToolInventory,
    program: &Path,
    args: Vec<OsString>,
) -> (PathBuf, Vec<OsString>) {
    let helper = |n: &str| {
        inv.present(n)
            .and_then(|e| e.path.as_deref())
            .map(PathBuf::from)
    };
    let prefix: Vec<&str> = match sandbox {
        Sandbox::Netns => vec!["--net", "--"],
        Sandbox::NetnsUser => vec!["--map-root-user", "--net", "--"],
        Sandbox::Bwrap => vec![
            "--unshare-net",
            "--dev-bind",
            "/",
            "/",
            "--die-with-parent",
            "--",
        ],
        Sandbox::None => return (program.to_path_buf(), args),
    };
    let helper_path = match sandbox {
        Sandbox::Bwrap => helper("bwrap"),
        _ => helper("unshare"),
    };
    let Some(helper_path) = helper_path else {
        // Unreachable by construction (the probe found the helper); run
        // nothing rather than run unisolated.
        return (PathBuf::from("/nonexistent/fx-sandbox-helper"), Vec::new());
    };
    let mut full: Vec<OsString> = prefix.into_iter().map(OsString::from).collect();
    full.push(program.as_os_str().to_owned());
    full.extend(args);
    (helper_path, full)
}

/// Finds which isolation works here, once per process and helper pair.
fn probe_sandbox(unshare: Option<PathBuf>, bwrap: Option<PathBuf>) -> Sandbox {
    type Key = (Option<PathBuf>, Option<PathBuf>);
    static CACHE: OnceLock<Mutex<BTreeMap<Key, Sandbox>>> = OnceLock::new();
    let cache = CACHE.get_or_init(|| Mutex::new(BTreeMap::new()));
    let key = (unshare.clone(), bwrap.clone());
    if let Some(s) = cache.lock().ok().and_then(|m| m.get(&key).copied()) {
        return s;
    }
    let works = |helper: &Path, prefix: &[&str]| {
        let dir = match tempfile::Builder::new().prefix("fx-probe-").tempdir() {
            Ok(d) => d,
            Err(_) => return false,
        };
        let mut args: Vec<OsString> = prefix.iter().map(OsString::from).collect();
        // Inside the namespace, run the helper itself again: it exists for
        // sure and `--version` has no side effects.
        args.push(helper.as_os_str().to_owned());
        args.push("--version".into());
        execute(
            helper,
            &args,
            dir.path(),
            None,
            Duration::from_secs(10),
            4096,
        )
        .is_ok_and(|d| d.exit_code == Some(0))
    };
    let found = if unshare
        .as_deref()
        .is_some_and(|u| works(u, &["--net", "--"]))
    {
        Sandbox::Netns
    } else if unshare
        .as_deref()
        .is_some_and(|u| works(u, &["--map-root-user", "--net", "--"]))
    {
        Sandbox::NetnsUser
    } else if bwrap.as_deref().is_some_and(|b| {
        works(
            b,
            &[
                "--unshare-net",
                "--dev-bind",
                "/",
                "/",
                "--die-with-parent",
                "--",
            ],
        )
    }) {
        Sandbox::Bwrap
    } else {
        Sandbox::None
    };
    if let Ok(mut m) = cache.lock() {
        m.insert(key, found);
    }
    found
}

/// Bytes read from one stream: the kept prefix and the total.
struct Captured {
    kept: Vec<u8>,
    kept_len: u64,
    total: u64,
}

/// How a process ended.
struct Finished {
    stdout: Captured,
    stderr: Captured,
    exit_code: Option<i32>,
    signal: Option<i32>,
    timed_out: bool,
}

/// Spawns `program args…` in its own process group with the cleared tool
/// environment, feeds stdin, drains both pipes concurrently, and kills the
/// whole group at `timeout` (and, after a normal exit, whatever it left
/// behind so the pipes close).
fn execute(
    program: &Path,
    args: &[OsString],
    ws: &Path,
    stdin: Option<&[u8]>,
    timeout: Duration,
    cap: u64,
) -> std::io::Result<Finished> {
    let mut cmd = Command::new(program);
    cmd.args(args)
        .env_clear()
        .env("LC_ALL", "C")
        .env("TZ", "UTC")
        .env("HOME", ws)
        .env("TMPDIR", ws)
        .env("PATH", TOOL_PATH)
        .current_dir(ws)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0);
    let mut child = cmd.spawn()?;
    let pgid = i32::try_from(child.id()).unwrap_or(0);
    let out = child.stdout.take();
    let err = child.stderr.take();
    let input = child.stdin.take();
    std::thread::scope(|s| {
        let so = s.spawn(move || capture(out, cap));
        let se = s.spawn(move || capture(err, cap));
        if let (Some(mut w), Some(bytes)) = (input, stdin) {
            s.spawn(move || {
                // A tool that does not read its stdin closes the pipe: fine.
                let _ = w.write_all(bytes);
            });
        }
        let (done_tx, done_rx) = mpsc::channel::<()>();
        let watchdog = s.spawn(move || match done_rx.recv_timeout(timeout) {
            Err(mpsc::RecvTimeoutError::Timeout) => {
                kill_group(pgid);
                true
            }
            _ => false,
        });
        let status = child.wait();
        drop(done_tx);
        let timed_out = watchdog.join().unwrap_or(false);
        // Stragglers (background children) would keep the pipes open.
        kill_group(pgid);
        let stdout = so.join().unwrap_or_else(|_| Captured::empty());
        let stderr = se.join().unwrap_or_else(|_| Captured::empty());
        let status = status?;
        Ok(Finished {
            stdout,
            stderr,
            exit_code: status.code(),
            signal: status.signal(),
            timed_out,
        })
    })
}

impl Captured {
    fn empty() -> Captured {
        Captured {
            kept: Vec::new(),
            kept_len: 0,
            total: 0,
        }
    }
}

/// Reads a pipe to its end, keeping the first `cap` bytes.
fn capture(pipe: Option<impl Read>, cap: u64) -> Captured {
    let mut c = Captured::empty();
    let Some(mut pipe) = pipe else { return c };
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        match pipe.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                let room = cap.saturating_sub(c.kept_len);
                let take = (n as u64).min(room) as usize;
                c.kept.extend_from_slice(&buf[..take]);
                c.kept_len += take as u64;
                c.total += n as u64;
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(_) => break,
        }
    }
    c
}

/// Sends SIGKILL to the process group `pgid`.
#[allow(unsafe_code)]
fn kill_group(pgid: i32) {
    // Never let 0 or 1 through: kill(0) is our own group, kill(-1) everything.
    if pgid <= 1 {
        return;
    }
    // SAFETY: kill(2) takes two integers and touches no memory of ours; the
    // negative pid addresses the process group that `process_group(0)` made
    // for the child (its pgid is the child's pid). ESRCH when the group is
    // already gone is harmless and ignored.
    unsafe {
        libc::kill(-pgid, libc::SIGKILL);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::ToolEntry;

    fn runner_with(dir: &Path, extra: Vec<ToolEntry>, policy: Policy) -> ToolRunner {
        let base = crate::inventory::discover(None);
        let mut tools = base.tools.clone();
        tools.extend(extra);
        let inv = crate::inventory::finish(tools, None);
        let blobs = BlobStore::open(dir.join("artifacts")).expect("store");
        ToolRunner::from_parts(inv, policy, blobs)
    }

    fn sh() -> ToolEntry {
        ToolEntry {
            name: "sh".into(),
            status: "present".into(),
            version: Some("test shell".into()),
            path: Some("/bin/sh".into()),
            sha256: None,
        }
    }

    #[test]
    fn runs_a_tool_with_files_and_stdin_and_cleans_up() {
        let dir = tempfile::tempdir().expect("tempdir");
        let r = runner_with(dir.path(), vec![sh()], Policy::default());
        let out = r
            .run(
                &ToolCall::new("sh", "test")
                    .arg("-c")
                    .arg("cat \"$1\"; cat; echo \"$PWD\" >&2; env | sort >&2")
                    .arg("sh")
                    .file("in.txt", b"from file\n")
                    .stdin(b"from stdin\n"),
            )
            .expect("runs");
        assert!(out.succeeded(), "{:?}", out.event);
        assert_eq!(out.stdout, b"from file\nfrom stdin\n");
        let err = String::from_utf8(out.stderr.clone()).expect("utf8");
        assert!(err.starts_with("$WS\n"), "{err}");
        assert!(
            err.contains("LC_ALL=C\n") && err.contains("TZ=UTC\n"),
            "{err}"
        );
        assert!(
            err.contains("HOME=$WS\n") && err.contains("TMPDIR=$WS\n"),
            "{err}"
        );
        assert!(!err.contains("/tmp"), "absolute temp path leaked: {err}");
        let tool = out.event.tool.as_ref().expect("tool record");
        assert_eq!(out.event.step, "tool:sh");
        assert_eq!(tool.argv[3], Text::from("$WS/in.txt"));
        assert_eq!(tool.exit_code, Some(0));
        assert_ne!(tool.sandbox, "none_allowed_by_policy");
        let so = tool.stdout.as_ref().expect("stdout ref");
        assert_eq!((so.bytes, so.kept, so.truncated), (21, 21, false));
        assert_eq!(
            r.blobs.read_verified(&so.hash, 100).expect("blob"),
            out.stdout
        );
        // The workspace is gone afterwards.
        let probe = dir.path().join("pwd.txt");
        let cwd = r
            .run(
                &ToolCall::new("sh", "test")
                    .args(["-c", &format!("pwd > {}; touch scratch", probe.display())]),
            )
            .expect("runs");
        assert!(cwd.succeeded());
        let ws = std::fs::read_to_string(&probe).expect("pwd written");
        assert!(ws.contains("fx-ws-"), "{ws}");
        assert!(!Path::new(ws.trim()).exists(), "workspace {ws} left behind");
        // Same call, same event (deterministic evidence).
        let again = r
            .run(
                &ToolCall::new("sh", "test")
                    .arg("-c")
                    .arg("cat \"$1\"; cat; echo \"$PWD\" >&2; env | sort >&2")
                    .arg("sh")
                    .file("in.txt", b"from file\n")
                    .stdin(b"from stdin\n"),
            )
            .expect("runs");
        assert_eq!(again.event, out.event);
    }

    #[test]
    fn real_openssl_version() {
        let dir = tempfile::tempdir().expect("tempdir");
        let r = runner_with(dir.path(), vec![], Policy::default());
        let out = r
            .run(&ToolCall::new("openssl", "test").arg("version"))
            .expect("runs");
        if r.has("openssl") {
            assert!(out.succeeded(), "{:?}", out.event);
            assert!(out.stdout.starts_with(b"OpenSSL"));
        } else {
            assert_eq!(out.event.reason.as_deref(), Some(REASON_UNAVAILABLE));
        }
    }

    #[test]
    fn counts_are_of_the_stored_bytes_and_truncated_only_past_the_cap() {
        let dir = tempfile::tempdir().expect("tempdir");
        let r = runner_with(dir.path(), vec![sh()], Policy::default());
        // The workspace path (17+ bytes) is stored as `$WS` (3): the stream
        // was not cut, whatever the lengths.
        let out = r
            .run(&ToolCall::new("sh", "test").args(["-c", "echo \"$PWD\" >&2"]))
            .expect("runs");
        assert_eq!(out.stderr, b"$WS\n");
        let se = out.event.tool.as_ref().and_then(|t| t.stderr.clone());
        let se = se.expect("stderr ref");
        assert_eq!((se.bytes, se.kept, se.truncated), (4, 4, false));
        // Past the cap: the kept part as stored plus the rest as written.
        let mut policy = Policy::default();
        policy.tools.output_cap_bytes = 8;
        let r = runner_with(dir.path(), vec![sh()], policy);
        let out = r
            .run(&ToolCall::new("sh", "test").args(["-c", "echo 'pid 123456789 and more' >&2"]))
            .expect("runs");
        assert_eq!(out.stderr, b"pid $PID");
        let se = out.event.tool.as_ref().and_then(|t| t.stderr.clone());
        let se = se.expect("stderr ref");
        assert_eq!((se.bytes, se.kept, se.truncated), (8 + 15, 8, true));
    }

    #[test]
    fn openssl_errors_are_the_same_blob_on_every_run() {
        let dir = tempfile::tempdir().expect("tempdir");
        let r = runner_with(dir.path(), vec![], Policy::default());
        // A DER header announcing 65535 bytes: OpenSSL 3 prints
        // `<thread id>:error:0680009B:asn1 encoding routines:…:too long:…`.
        let call = ToolCall::new("openssl", "test")
            .args(["asn1parse", "-inform", "DER", "-in"])
            .file("object.der", &[0x30, 0x82, 0xff, 0xff, 0x02, 0x01]);
        let first = r.run(&call).expect("runs");
        if !r.has("openssl") {
            assert_eq!(first.event.reason.as_deref(), Some(REASON_UNAVAILABLE));
            return;
        }
        assert_eq!(first.event.status, Status::Error, "{:?}", first.event);
        let text = String::from_utf8_lossy(&first.stderr).into_owned();
        assert!(text.contains(":error:"), "{text}");
        assert!(
            text.lines()
                .filter(|l| l.contains(":error:"))
                .all(|l| l.starts_with("$TID:error:")),
            "{text}"
        );
        for _ in 0..3 {
            let again = r.run(&call).expect("runs");
            assert_eq!(again.event, first.event, "the same evidence every run");
            assert_eq!(again.stderr, first.stderr);
        }
    }

    #[test]
    fn non_zero_exit_is_tool_failed() {
        let dir = tempfile::tempdir().expect("tempdir");
        let r = runner_with(dir.path(), vec![sh()], Policy::default());
        let out = r
            .run(&ToolCall::new("sh", "test").args(["-c", "echo oops >&2; exit 3"]))
            .expect("runs");
        assert_eq!(out.event.status, Status::Error);
        assert_eq!(
            out.event.error.as_ref().map(|e| e.kind),
            Some(FailureKind::ToolFailed)
        );
        assert_eq!(out.exit_code, Some(3));
        assert_eq!(out.stderr, b"oops\n");
    }

    #[test]
    fn timeout_kills_the_whole_process_group() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut policy = Policy::default();
        policy.tools.timeout_ms = 300;
        let r = runner_with(dir.path(), vec![sh()], policy);
        let marker = dir.path().join("child-survived");
        let script = format!(
            "(sleep 2; touch {}) & sleep 30; echo never",
            marker.display()
        );
        let t0 = std::time::Instant::now();
        let out = r
            .run(&ToolCall::new("sh", "test").args(["-c", &script]))
            .expect("runs");
        assert!(t0.elapsed() < Duration::from_secs(10));
        assert_eq!(
            out.event.error.as_ref().map(|e| e.kind),
            Some(FailureKind::Timeout)
        );
        let tool = out.event.tool.as_ref().expect("tool record");
        assert!(tool.timed_out);
        assert_eq!(tool.signal, Some(libc::SIGKILL));
        std::thread::sleep(Duration::from_millis(2500));
        assert!(!marker.exists(), "a child of the tool outlived the timeout");
    }

    #[test]
    fn background_children_do_not_hold_the_run() {
        let dir = tempfile::tempdir().expect("tempdir");
        let r = runner_with(dir.path(), vec![sh()], Policy::default());
        let t0 = std::time::Instant::now();
        let out = r
            .run(&ToolCall::new("sh", "test").args(["-c", "sleep 30 & echo hi"]))
            .expect("runs");
        assert!(out.succeeded());
        assert_eq!(out.stdout, b"hi\n");
        assert!(t0.elapsed() < Duration::from_secs(10));
    }

    #[test]
    fn output_is_capped_and_counted() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut policy = Policy::default();
        policy.tools.output_cap_bytes = 1000;
        let r = runner_with(dir.path(), vec![sh()], policy);
        // 2 MiB on each stream at once: would deadlock without concurrent reads.
        let out = r
            .run(&ToolCall::new("sh", "test").args([
                "-c",
                "head -c 2097152 /dev/zero >&2 & head -c 2097152 /dev/zero; wait",
            ]))
            .expect("runs");
        assert!(out.succeeded(), "{:?}", out.event);
        assert_eq!(out.stdout.len(), 1000);
        assert!(out.stdout_truncated);
        let tool = out.event.tool.as_ref().expect("tool record");
        let so = tool.stdout.as_ref().expect("stdout");
        let se = tool.stderr.as_ref().expect("stderr");
        assert_eq!((so.bytes, so.kept, so.truncated), (2_097_152, 1000, true));
        assert_eq!((se.bytes, se.kept, se.truncated), (2_097_152, 1000, true));
    }

    #[test]
    fn absent_tool_and_disabled_tools_are_skips() {
        let dir = tempfile::tempdir().expect("tempdir");
        let r = runner_with(dir.path(), vec![], Policy::default());
        let out = r
            .run(&ToolCall::new("no-such-tool", "test"))
            .expect("no crash");
        assert_eq!(out.event.status, Status::Skipped);
        assert_eq!(out.event.reason.as_deref(), Some(REASON_UNAVAILABLE));
        assert!(!out.ran());

        let mut policy = Policy::default();
        policy.tools.enabled = false;
        let r = runner_with(dir.path(), vec![sh()], policy);
        let out = r
            .run(&ToolCall::new("sh", "test").args(["-c", "true"]))
            .expect("no crash");
        assert_eq!(out.event.reason.as_deref(), Some(REASON_DISABLED));

        assert!(r.run(&ToolCall::new("sh", "t").file("../x", b"")).is_err());
    }

    #[test]
    fn no_isolation_is_refused_unless_allowed() {
        let dir = tempfile::tempdir().expect("tempdir");
        // An inventory without unshare or bwrap: no isolation possible.
        let inv = crate::inventory::finish(vec![sh()], None);
        let blobs = BlobStore::open(dir.path().join("artifacts")).expect("store");
        let r = ToolRunner::from_parts(inv.clone(), Policy::default(), blobs.clone());
        assert_eq!(r.sandbox(), Sandbox::None);
        let out = r
            .run(&ToolCall::new("sh", "test").args(["-c", "true"]))
            .expect("no crash");
        assert_eq!(out.event.reason.as_deref(), Some(REASON_NO_ISOLATION));
        let mut policy = Policy::default();
        policy.safety.allow_network = true;
        let r = ToolRunner::from_parts(inv, policy, blobs);
        let out = r
            .run(&ToolCall::new("sh", "test").args(["-c", "true"]))
            .expect("runs");
        assert!(out.succeeded());
        assert_eq!(
            out.event.tool.as_ref().map(|t| t.sandbox.as_str()),
            Some("none_allowed_by_policy")
        );
    }

    #[test]
    fn network_is_cut_off() {
        use std::net::TcpListener;
        let dir = tempfile::tempdir().expect("tempdir");
        let r = runner_with(dir.path(), vec![sh()], Policy::default());
        if r.sandbox() == Sandbox::None {
            // No isolation possible here: the run must be refused instead.
            let out = r
                .run(&ToolCall::new("sh", "test").args(["-c", "true"]))
                .expect("no crash");
            assert_eq!(out.event.reason.as_deref(), Some(REASON_NO_ISOLATION));
            return;
        }
        let listener = TcpListener::bind("127.0.0.1:0").expect("listen");
        let port = listener.local_addr().expect("addr").port();
        // Sanity: the same probe reaches the listener from outside a sandbox.
        let probe = format!("exec 3<>/dev/tcp/127.0.0.1/{port} && echo connected");
        let bash = ToolEntry {
            name: "bash".into(),
            status: "present".into(),
            version: None,
            path: Some("/bin/bash".into()),
            sha256: None,
        };
        let mut allow = Policy::default();
        allow.safety.allow_network = true;
        let open = ToolRunner::from_parts(
            crate::inventory::finish(vec![bash.clone()], None),
            allow,
            r.blobs.clone(),
        );
        let reach = open
            .run(&ToolCall::new("bash", "test").args(["-c", &probe]))
            .expect("runs");
        assert_eq!(
            reach.stdout, b"connected\n",
            "control probe failed: {reach:?}"
        );
        // Inside the sandbox the listener is unreachable.
        let r = runner_with(dir.path(), vec![bash], Policy::default());
        let out = r
            .run(&ToolCall::new("bash", "test").args(["-c", &probe]))
            .expect("runs");
        assert_eq!(out.event.status, Status::Error, "{out:?}");
        assert!(out.stdout.is_empty());
        drop(listener);
    }
}
