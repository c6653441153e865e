//! The heavy pool: one discipline for the work that costs real CPU or memory
//! (deep fingerprinting, liboqs verification and decapsulation, the weak-key
//! audit), shared by every process of a run on one host.
//!
//! * **Cap.** At most `safety.heavy_concurrency` heavy tasks run at once
//!   across every process of the run: a fixed set of lock files
//!   `RUN/locks/heavy-0 … heavy-(N-1)` held with `flock(2)`. The kernel
//!   releases a lock when its holder dies, so a crash never leaks a slot.
//!   Under Spark each executor host has its own run directory, hence its
//!   own pool.
//! * **Queue.** A task that finds every slot taken waits for one (it is
//!   never refused for being late), so the evidence does not depend on how
//!   busy the machine was. Holders are bounded by their own limits, so a
//!   wait is bounded too; as a last guard, a wait longer than
//!   `heavy.max_wait_ms` gives up and is recorded (`queue_timeout`).
//! * **Limits.** Each heavy module has per-task limits in the policy
//!   (`[heavy.<module>]`: `time_ms`, `memory_bytes`, `output_bytes`). Memory
//!   and output are counted in bytes of work (the input a task holds, the
//!   bytes it would record), so they decide the same way on any machine;
//!   time is the honest exception, as for tools, and is recorded when it
//!   fires. A task past a limit keeps no result.
//! * **Decisions.** Every admission and every limit hit is an event of the
//!   job ([`Decision::event`], `step: "heavy"`, data per
//!   `schemas/facts.schema.json`, steps `<module>/heavy`; fx-facts `HeavyDecision`); how long a task waited and ran
//!   goes to `RUN/metrics/heavy.jsonl` only (`schemas/metrics_heavy.schema.json`).

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::event::{ErrorInfo, Event};
use crate::policy::{HeavyLimits, Policy};
use crate::run::RunDir;
use crate::vocab::FailureKind;

/// The heavy modules and the policy table each one's limits come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum HeavyModule {
    /// Deep fingerprinting of a binary (fx-fingerprint, `fingerprint:deep`).
    FingerprintDeep,
    /// liboqs signature verification and KEM decapsulation (fx-probe).
    ProbeLiboqs,
    /// The weak-key audit (fx-weakkeys).
    Weakkeys,
}

impl HeavyModule {
    /// Every heavy module, in the order docs/policy.md lists them.
    pub const ALL: [HeavyModule; 3] = [
        HeavyModule::FingerprintDeep,
        HeavyModule::ProbeLiboqs,
        HeavyModule::Weakkeys,
    ];

    /// The module's name in decisions and metrics (its policy table's name).
    pub fn name(self) -> &'static str {
        match self {
            HeavyModule::FingerprintDeep => "fingerprint_deep",
            HeavyModule::ProbeLiboqs => "probe_liboqs",
            HeavyModule::Weakkeys => "weakkeys",
        }
    }

    /// The module's per-task limits under `policy`.
    pub fn limits(self, policy: &Policy) -> HeavyLimits {
        match self {
            HeavyModule::FingerprintDeep => policy.heavy.fingerprint_deep,
            HeavyModule::ProbeLiboqs => policy.heavy.probe_liboqs,
            HeavyModule::Weakkeys => policy.heavy.weakkeys,
        }
    }
}

/// Which limit a task reached.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Limit {
    /// `time_ms`: the task ran longer (wall clock).
    Time,
    /// `memory_bytes`: the task would hold more bytes of work.
    Memory,
    /// `output_bytes`: the task would record more bytes.
    Output,
}

/// A limit a task reached: which one and its value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LimitHit {
    /// The limit.
    pub limit: Limit,
    /// Its value in the policy (ms or bytes).
    pub allowed: u64,
    /// The bytes the task would have needed (memory and output limits;
    /// absent for time, which is not a deterministic figure).
    pub needed: Option<u64>,
}

/// What the pool decided about one task; [`Decision::event`] records it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    /// The task ran within its limits.
    Admitted,
    /// The task reached a limit and keeps no result.
    LimitHit(LimitHit),
    /// No slot came free within `heavy.max_wait_ms`.
    QueueTimeout,
}

/// The data of a decision event (`schemas/facts.schema.json`, steps `<module>/heavy`; fx-facts `HeavyDecision`).
#[derive(Serialize)]
struct DecisionData<'a> {
    decision: &'static str,
    module: &'a str,
    cap: u32,
    limits: HeavyLimits,
    #[serde(skip_serializing_if = "Option::is_none")]
    limit: Option<Limit>,
    #[serde(skip_serializing_if = "Option::is_none")]
    needed: Option<u64>,
}

impl Decision {
    /// The decision's name in events and metrics.
    pub fn name(&self) -> &'static str {
        match self {
            Decision::Admitted => "admitted",
            Decision::LimitHit(h) => match h.limit {
                Limit::Time => "time_limit",
                Limit::Memory => "memory_limit",
                Limit::Output => "output_limit",
            },
            Decision::QueueTimeout => "queue_timeout",
        }
    }

    /// The event that records this decision for stage `stage` (the job's
    /// module, e.g. `fingerprint`) about heavy module `module` under
    /// `policy`. Admission is `ok`; a time limit or a queue timeout is a
    /// `timeout` failure, like a tool's; a memory or output limit is a
    /// skip (`budget:heavy_memory`, `budget:heavy_output`): the artifact is not at fault,
    /// the policy's budget decided.
    pub fn event(&self, stage: &str, module: HeavyModule, policy: &Policy) -> Event {
        let data = DecisionData {
            decision: self.name(),
            module: module.name(),
            cap: policy.safety.heavy_concurrency,
            limits: module.limits(policy),
            limit: match self {
                Decision::LimitHit(h) => Some(h.limit),
                _ => None,
            },
            needed: match self {
                Decision::LimitHit(h) => h.needed,
                _ => None,
            },
        };
        let event = match self {
            Decision::Admitted => Event::ok(stage, "heavy"),
            Decision::LimitHit(LimitHit {
                limit: Limit::Time,
                allowed,
                ..
            }) => Event::error(
                stage,
                "heavy",
                ErrorInfo::new(FailureKind::Timeout)
                    .detail(format!("{} ran past its {allowed} ms limit", module.name())),
            ),
            Decision::LimitHit(LimitHit {
                limit: Limit::Memory,
                ..
            }) => Event::skipped(stage, "heavy", "budget:heavy_memory"),
            Decision::LimitHit(LimitHit {
                limit: Limit::Output,
                ..
            }) => Event::skipped(stage, "heavy", "budget:heavy_output"),
            Decision::QueueTimeout => Event::error(
                stage,
                "heavy",
                ErrorInfo::new(FailureKind::Timeout).detail(format!(
                    "no heavy slot came free within {} ms",
                    policy.heavy.max_wait_ms
                )),
            ),
        };
        event.with_data(data)
    }
}

/// The pool of a run: its lock files, cap and queue bound, and the metrics
/// file its tasks' figures go to.
#[derive(Clone, Debug)]
pub struct HeavyPool {
    locks: PathBuf,
    metrics: PathBuf,
    cap: u32,
    max_wait: Duration,
}

/// A held slot and the task's limits; dropping it releases the slot.
#[derive(Debug)]
pub struct Admission {
    _lock: File,
    module: HeavyModule,
    limits: HeavyLimits,
    admitted: Instant,
    waited: Duration,
    metrics: PathBuf,
}

/// One line of `RUN/metrics/heavy.jsonl`.
#[derive(Serialize)]
struct MetricsLine<'a> {
    module: &'a str,
    decision: &'a str,
    waited_ms: u64,
    held_ms: u64,
}

#[allow(unsafe_code)]
fn try_flock(file: &File) -> std::io::Result<bool> {
    use std::os::fd::AsRawFd;
    // SAFETY: flock(2) on a descriptor borrowed for the duration of the
    // call; no memory is shared with the kernel.
    let rc = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
    if rc == 0 {
        return Ok(true);
    }
    let e = std::io::Error::last_os_error();
    match e.raw_os_error() {
        Some(libc::EWOULDBLOCK) | Some(libc::EINTR) => Ok(false),
        _ => Err(e),
    }
}

impl HeavyPool {
    /// The pool of `run`, under its policy.
    pub fn open(run: &RunDir) -> HeavyPool {
        let policy = run.policy();
        HeavyPool::at(
            run.path(),
            policy.safety.heavy_concurrency,
            Duration::from_millis(policy.heavy.max_wait_ms),
        )
    }

    /// The pool of the run directory `run` with `cap` slots and a queue
    /// bound of `max_wait`.
    pub fn at(run: &Path, cap: u32, max_wait: Duration) -> HeavyPool {
        HeavyPool {
            locks: run.join("locks"),
            metrics: run.join("metrics").join("heavy.jsonl"),
            cap: cap.max(1),
            max_wait,
        }
    }

    /// Waits for a slot for a task of `module` with `limits`, starting with
    /// slot `prefer % cap` (spread tasks over the slots); `Ok(None)` when
    /// no slot came free within the queue bound (record
    /// [`Decision::QueueTimeout`]). Errors are I/O errors on the lock
    /// files.
    pub fn admit(
        &self,
        module: HeavyModule,
        limits: HeavyLimits,
        prefer: u32,
    ) -> std::io::Result<Option<Admission>> {
        std::fs::create_dir_all(&self.locks)?;
        let files = (0..self.cap)
            .map(|slot| {
                OpenOptions::new()
                    .create(true)
                    .truncate(false)
                    .write(true)
                    .open(self.locks.join(format!("heavy-{slot}")))
            })
            .collect::<std::io::Result<Vec<File>>>()?;
        let start = Instant::now();
        let mut pause = Duration::from_millis(1);
        loop {
            for i in 0..self.cap {
                let slot = ((prefer % self.cap) + i) % self.cap;
                let file = &files[slot as usize];
                if try_flock(file)? {
                    let lock = file.try_clone()?;
                    return Ok(Some(Admission {
                        _lock: lock,
                        module,
                        limits,
                        admitted: Instant::now(),
                        waited: start.elapsed(),
                        metrics: self.metrics.clone(),
                    }));
                }
            }
            let waited = start.elapsed();
            if waited >= self.max_wait {
                self.record(module, Decision::QueueTimeout, waited, Duration::ZERO);
                return Ok(None);
            }
            std::thread::sleep(pause.min(self.max_wait - waited));
            pause = (pause * 2).min(Duration::from_millis(50));
        }
    }

    fn record(&self, module: HeavyModule, decision: Decision, waited: Duration, held: Duration) {
        record_metrics(&self.metrics, module, decision, waited, held);
    }
}

fn record_metrics(
    path: &Path,
    module: HeavyModule,
    decision: Decision,
    waited: Duration,
    held: Duration,
) {
    let line = MetricsLine {
        module: module.name(),
        decision: decision.name(),
        waited_ms: u64::try_from(waited.as_millis()).unwrap_or(u64::MAX),
        held_ms: u64::try_from(held.as_millis()).unwrap_or(u64::MAX),
    };
    let Ok(mut text) = serde_json::to_vec(&line) else {
        return;
    };
    text.push(b'\n');
    if let Some(dir) = path.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    // One short append per line: lines of concurrent processes never
    // interleave. Metrics are best effort; a failure never changes evidence.
    if let Ok(mut f) = OpenOptions::new().create(true).append(true).open(path) {
        let _ = f.write_all(&text);
    }
}

impl Admission {
    /// The task's limits.
    pub fn limits(&self) -> HeavyLimits {
        self.limits
    }

    /// How long the task waited in the queue.
    pub fn waited(&self) -> Duration {
        self.waited
    }

    /// Checks that holding `bytes` bytes of work is within the memory limit.
    pub fn check_memory(&self, bytes: u64) -> Result<(), LimitHit> {
        within(Limit::Memory, bytes, self.limits.memory_bytes)
    }

    /// Checks that recording `bytes` bytes is within the output limit.
    pub fn check_output(&self, bytes: u64) -> Result<(), LimitHit> {
        within(Limit::Output, bytes, self.limits.output_bytes)
    }

    /// Checks that the task is still within its time limit.
    pub fn check_time(&self) -> Result<(), LimitHit> {
        if self.admitted.elapsed() > Duration::from_millis(self.limits.time_ms) {
            return Err(LimitHit {
                limit: Limit::Time,
                allowed: self.limits.time_ms,
                needed: None,
            });
        }
        Ok(())
    }

    /// The moment the time limit runs out (for work that can stop early).
    pub fn deadline(&self) -> Instant {
        self.admitted + Duration::from_millis(self.limits.time_ms)
    }

    /// Releases the slot and records the task's figures in the metrics;
    /// returns `decision` for the caller to record as an event.
    pub fn finish(self, decision: Decision) -> Decision {
        record_metrics(
            &self.metrics,
            self.module,
            decision,
            self.waited,
            self.admitted.elapsed(),
        );
        decision
    }
}

fn within(limit: Limit, needed: u64, allowed: u64) -> Result<(), LimitHit> {
    if needed > allowed {
        return Err(LimitHit {
            limit,
            allowed,
            needed: Some(needed),
        });
    }
    Ok(())
}

/// Runs `task` as a heavy task of `module` for stage `stage` of a job in
/// `run`: waits for a slot, checks the input against the memory limit,
/// runs it, checks the time and output limits, releases the slot. Returns
/// the decision event (always) and the task's result when it was within
/// every limit. `input_bytes` are the bytes of work the task holds;
/// `output_bytes` measures the result it would record.
pub fn run_task<T>(
    run: &RunDir,
    stage: &str,
    module: HeavyModule,
    input_bytes: u64,
    prefer: u32,
    task: impl FnOnce(&Admission) -> T,
    output_bytes: impl FnOnce(&T) -> u64,
) -> std::io::Result<(Event, Option<T>)> {
    let policy = run.policy();
    let pool = HeavyPool::open(run);
    let Some(adm) = pool.admit(module, module.limits(policy), prefer)? else {
        return Ok((Decision::QueueTimeout.event(stage, module, policy), None));
    };
    if let Err(hit) = adm.check_memory(input_bytes) {
        let d = adm.finish(Decision::LimitHit(hit));
        return Ok((d.event(stage, module, policy), None));
    }
    let result = task(&adm);
    let checked = adm
        .check_time()
        .and_then(|()| adm.check_output(output_bytes(&result)));
    let (decision, kept) = match checked {
        Ok(()) => (Decision::Admitted, Some(result)),
        Err(hit) => (Decision::LimitHit(hit), None),
    };
    let d = adm.finish(decision);
    Ok((d.event(stage, module, policy), kept))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU32, Ordering};

    fn limits(time_ms: u64, memory_bytes: u64, output_bytes: u64) -> HeavyLimits {
        HeavyLimits {
            time_ms,
            memory_bytes,
            output_bytes,
        }
    }

    /// Threads open their own lock descriptors, which `flock` treats like
    /// separate processes: the cap holds, and every task gets a slot.
    #[test]
    fn the_cap_holds_across_holders_and_every_task_runs() {
        let dir = tempfile::tempdir().unwrap();
        let pool = HeavyPool::at(dir.path(), 2, Duration::from_secs(30));
        let running = Arc::new(AtomicU32::new(0));
        let most = Arc::new(AtomicU32::new(0));
        let handles: Vec<_> = (0..6u32)
            .map(|i| {
                let (pool, running, most) = (pool.clone(), running.clone(), most.clone());
                std::thread::spawn(move || {
                    let adm = pool
                        .admit(HeavyModule::FingerprintDeep, limits(60_000, 1, 1), i)
                        .unwrap()
                        .unwrap();
                    let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                    most.fetch_max(now, Ordering::SeqCst);
                    std::thread::sleep(Duration::from_millis(40));
                    running.fetch_sub(1, Ordering::SeqCst);
                    adm.finish(Decision::Admitted)
                })
            })
            .collect();
        for h in handles {
            assert_eq!(h.join().unwrap(), Decision::Admitted);
        }
        assert_eq!(most.load(Ordering::SeqCst), 2);
        let metrics = std::fs::read_to_string(dir.path().join("metrics/heavy.jsonl")).unwrap();
        assert_eq!(metrics.lines().count(), 6);
        for l in metrics.lines() {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            assert_eq!(v["module"], "fingerprint_deep");
            assert_eq!(v["decision"], "admitted");
            assert!(v["held_ms"].as_u64().unwrap() >= 40, "{l}");
        }
    }

    /// Set in the child processes of
    /// [`the_cap_holds_across_processes`]: the pool's run directory.
    const CHILD_ENV: &str = "FX_HEAVY_POOL_CHILD_RUN";

    fn now_us() -> u128 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_micros()
    }

    /// A child's part (a no-op unless [`CHILD_ENV`] is set): take a slot of
    /// a 2-slot pool, note when it was held, hold it 150 ms.
    #[test]
    fn heavy_pool_child_holder() {
        let Some(run) = std::env::var_os(CHILD_ENV) else {
            return;
        };
        let run = std::path::PathBuf::from(run);
        let pool = HeavyPool::at(&run, 2, Duration::from_secs(60));
        let adm = pool
            .admit(HeavyModule::FingerprintDeep, limits(60_000, 1, 1), 0)
            .unwrap()
            .unwrap();
        let start = now_us();
        std::thread::sleep(Duration::from_millis(150));
        let end = now_us();
        let mut f = OpenOptions::new()
            .create(true)
            .append(true)
            .open(run.join("held.txt"))
            .unwrap();
        f.write_all(format!("{start} {end}\n").as_bytes()).unwrap();
        drop(f);
        adm.finish(Decision::Admitted);
    }

    /// Five processes share a pool of 2 slots: never more than 2 hold one
    /// at once, every one of them gets one, and none waits forever.
    #[test]
    fn the_cap_holds_across_processes() {
        let dir = tempfile::tempdir().unwrap();
        let exe = std::env::current_exe().unwrap();
        let children: Vec<_> = (0..5)
            .map(|_| {
                std::process::Command::new(&exe)
                    .args(["--exact", "heavy::tests::heavy_pool_child_holder"])
                    .env(CHILD_ENV, dir.path())
                    .stdout(std::process::Stdio::null())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for mut c in children {
            assert!(c.wait().unwrap().success());
        }
        let held = std::fs::read_to_string(dir.path().join("held.txt")).unwrap();
        let spans: Vec<(u128, u128)> = held
            .lines()
            .map(|l| {
                let (a, b) = l.split_once(' ').unwrap();
                (a.parse().unwrap(), b.parse().unwrap())
            })
            .collect();
        assert_eq!(spans.len(), 5, "{held}");
        // The most spans that overlap at any span's start.
        let most = spans
            .iter()
            .map(|&(t, _)| spans.iter().filter(|&&(a, b)| a <= t && t < b).count())
            .max()
            .unwrap();
        assert!(most <= 2, "{most} holders at once: {held}");
        assert_eq!(
            std::fs::read_to_string(dir.path().join("metrics/heavy.jsonl"))
                .unwrap()
                .lines()
                .count(),
            5
        );
    }

    /// A task past its time limit keeps no result and is recorded as a
    /// timeout; one whose input is over the memory limit never runs.
    #[test]
    fn a_task_past_its_limit_is_stopped_and_recorded() {
        let dir = tempfile::tempdir().unwrap();
        let mut policy = Policy::default();
        policy.heavy.fingerprint_deep.time_ms = 20;
        policy.heavy.fingerprint_deep.memory_bytes = 1000;
        let run = crate::testing::scratch_run(dir.path(), policy).unwrap();
        let m = HeavyModule::FingerprintDeep;
        let (ev, kept) = run_task(
            &run,
            "fingerprint",
            m,
            10,
            0,
            |_| std::thread::sleep(Duration::from_millis(60)),
            |_| 0,
        )
        .unwrap();
        assert!(kept.is_none());
        let v = serde_json::to_value(&ev).unwrap();
        assert_eq!(v["error"]["kind"], "timeout");
        assert_eq!(v["data"]["decision"], "time_limit");
        let mut ran = false;
        let (ev, kept) = run_task(&run, "fingerprint", m, 1001, 0, |_| ran = true, |_| 0).unwrap();
        assert!(!ran && kept.is_none());
        assert_eq!(ev.reason.as_deref(), Some("budget:heavy_memory"));
        let (ev, kept) = run_task(&run, "fingerprint", m, 1000, 0, |_| 7, |_| 1).unwrap();
        assert_eq!(kept, Some(7));
        assert_eq!(ev.step, "heavy");
        let metrics = std::fs::read_to_string(run.path().join("metrics/heavy.jsonl")).unwrap();
        let decisions: Vec<String> = metrics
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["decision"].to_string())
            .collect();
        assert_eq!(
            decisions,
            [r#""time_limit""#, r#""memory_limit""#, r#""admitted""#]
        );
    }

    /// A queue that never frees gives up after its bound, and says so.
    #[test]
    fn a_wait_past_the_bound_is_a_queue_timeout() {
        let dir = tempfile::tempdir().unwrap();
        let pool = HeavyPool::at(dir.path(), 1, Duration::from_millis(150));
        let held = pool
            .admit(HeavyModule::Weakkeys, limits(1, 1, 1), 0)
            .unwrap()
            .unwrap();
        let start = Instant::now();
        let second = pool
            .admit(HeavyModule::Weakkeys, limits(1, 1, 1), 0)
            .unwrap();
        assert!(second.is_none());
        let waited = start.elapsed();
        assert!(waited >= Duration::from_millis(150), "{waited:?}");
        assert!(waited < Duration::from_secs(5), "{waited:?}");
        drop(held);
        // Once released, the slot is free again.
        assert!(
            pool.admit(HeavyModule::Weakkeys, limits(1, 1, 1), 0)
                .unwrap()
                .is_some()
        );
        let metrics = std::fs::read_to_string(dir.path().join("metrics/heavy.jsonl")).unwrap();
        assert!(
            metrics.contains(r#""decision":"queue_timeout""#),
            "{metrics}"
        );
    }

    #[test]
    fn limits_are_checked_in_bytes_and_time() {
        let dir = tempfile::tempdir().unwrap();
        let pool = HeavyPool::at(dir.path(), 1, Duration::from_secs(5));
        let adm = pool
            .admit(HeavyModule::ProbeLiboqs, limits(30, 100, 10), 0)
            .unwrap()
            .unwrap();
        assert_eq!(adm.check_memory(100), Ok(()));
        assert_eq!(
            adm.check_memory(101),
            Err(LimitHit {
                limit: Limit::Memory,
                allowed: 100,
                needed: Some(101)
            })
        );
        assert_eq!(adm.check_output(10), Ok(()));
        assert_eq!(adm.check_output(11).unwrap_err().limit, Limit::Output);
        assert_eq!(adm.check_time(), Ok(()));
        std::thread::sleep(Duration::from_millis(40));
        assert_eq!(
            adm.check_time(),
            Err(LimitHit {
                limit: Limit::Time,
                allowed: 30,
                needed: None
            })
        );
    }

    /// The decision events: admission ok, time and queue limits as
    /// timeouts, byte limits as skips; no wall-clock figure in any of them.
    #[test]
    fn decisions_become_events_without_timings() {
        let policy = Policy::default();
        let m = HeavyModule::FingerprintDeep;
        let ok = Decision::Admitted.event("fingerprint", m, &policy);
        let v = serde_json::to_value(&ok).unwrap();
        assert_eq!(v["step"], "heavy");
        assert_eq!(v["status"], "ok");
        assert_eq!(v["data"]["decision"], "admitted");
        assert_eq!(v["data"]["module"], "fingerprint_deep");
        assert_eq!(v["data"]["cap"], 1);
        assert_eq!(
            v["data"]["limits"]["time_ms"],
            policy.heavy.fingerprint_deep.time_ms
        );
        let time = Decision::LimitHit(LimitHit {
            limit: Limit::Time,
            allowed: 5,
            needed: None,
        })
        .event("fingerprint", m, &policy);
        let v = serde_json::to_value(&time).unwrap();
        assert_eq!(v["status"], "error");
        assert_eq!(v["error"]["kind"], "timeout");
        assert_eq!(v["data"]["decision"], "time_limit");
        assert!(v["data"].get("needed").is_none());
        let mem = Decision::LimitHit(LimitHit {
            limit: Limit::Memory,
            allowed: 5,
            needed: Some(9),
        })
        .event("fingerprint", m, &policy);
        let v = serde_json::to_value(&mem).unwrap();
        assert_eq!(v["status"], "skipped");
        assert_eq!(v["data"]["needed"], 9);
        assert_eq!(v["data"]["limit"], "memory");
        let q = Decision::QueueTimeout.event("fingerprint", m, &policy);
        let v = serde_json::to_value(&q).unwrap();
        assert_eq!(v["error"]["kind"], "timeout");
        assert_eq!(v["data"]["decision"], "queue_timeout");
    }
}
