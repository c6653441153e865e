//! Wall-clock figures of a run, kept apart from the evidence (DESIGN §5):
//! everything here goes to `RUN/metrics/` and nowhere else.
//!
//! * [`LatencyHistogram`] — a log-linear histogram of durations with
//!   mergeable buckets, from which the p50/p90/p99/max of a module's work per
//!   job are read (a stage's processes under `-j N`, or its many tasks under
//!   Spark, each write one; `fx-report --metrics` merges them);
//! * [`StageMetrics`] — one line of `RUN/metrics/stages.jsonl`, appended by
//!   every per-job stage process when it ends
//!   (`schemas/metrics_stage.schema.json`);
//! * [`append_line`] — how a line is appended by concurrent processes.

use std::io::Write;
use std::path::Path;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Sub-buckets per power of two: each bucket spans at most a quarter of its
/// octave, so a quantile read from the buckets is within 25% of the truth.
const SUB_BITS: u32 = 2;
/// Number of buckets: every `u64` nanosecond value has one (values below
/// `1 << SUB_BITS` one each, then `1 << SUB_BITS` per power of two).
const BUCKETS: usize = (64 - SUB_BITS as usize + 1) << SUB_BITS;

/// A histogram of durations in nanoseconds, log-linear (four buckets per
/// power of two), with exact count, sum and maximum.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LatencyHistogram {
    counts: Box<[u64; BUCKETS]>,
    count: u64,
    sum_ns: u64,
    max_ns: u64,
}

impl Default for LatencyHistogram {
    fn default() -> LatencyHistogram {
        LatencyHistogram {
            counts: Box::new([0; BUCKETS]),
            count: 0,
            sum_ns: 0,
            max_ns: 0,
        }
    }
}

/// The bucket of `ns`.
fn bucket_of(ns: u64) -> usize {
    if ns < (1 << SUB_BITS) {
        return ns as usize;
    }
    let exp = 63 - ns.leading_zeros();
    let sub = (ns >> (exp - SUB_BITS)) & ((1 << SUB_BITS) - 1);
    (((exp - SUB_BITS + 1) << SUB_BITS) as u64 + sub) as usize
}

/// The smallest value of bucket `i` (inverse of [`bucket_of`]).
fn bucket_floor(i: usize) -> u64 {
    let per = 1usize << SUB_BITS;
    if i < per {
        return i as u64;
    }
    let exp = (i / per) as u32 - 1 + SUB_BITS;
    let sub = (i % per) as u64;
    (1u64 << exp) + (sub << (exp - SUB_BITS))
}

impl LatencyHistogram {
    /// Records one duration.
    pub fn record(&mut self, d: Duration) {
        let ns = u64::try_from(d.as_nanos()).unwrap_or(u64::MAX);
        self.counts[bucket_of(ns)] += 1;
        self.count += 1;
        self.sum_ns = self.sum_ns.saturating_add(ns);
        self.max_ns = self.max_ns.max(ns);
    }

    /// Adds every value of `other`.
    pub fn merge(&mut self, other: &LatencyHistogram) {
        for (a, b) in self.counts.iter_mut().zip(other.counts.iter()) {
            *a += b;
        }
        self.count += other.count;
        self.sum_ns = self.sum_ns.saturating_add(other.sum_ns);
        self.max_ns = self.max_ns.max(other.max_ns);
    }

    /// Values recorded.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// The `q` quantile (0 < q ≤ 1) in nanoseconds: the upper end of the
    /// bucket holding it, never above the maximum seen; 0 when empty.
    pub fn quantile_ns(&self, q: f64) -> u64 {
        if self.count == 0 {
            return 0;
        }
        let rank = ((q * self.count as f64).ceil() as u64).clamp(1, self.count);
        let mut seen = 0;
        for (i, &c) in self.counts.iter().enumerate() {
            seen += c;
            if seen >= rank {
                let upper = if i + 1 < BUCKETS {
                    bucket_floor(i + 1) - 1
                } else {
                    u64::MAX
                };
                return upper.min(self.max_ns);
            }
        }
        self.max_ns
    }

    /// The summary written to metrics files.
    pub fn summary(&self) -> LatencySummary {
        LatencySummary {
            count: self.count,
            sum_ns: self.sum_ns,
            p50_ns: self.quantile_ns(0.50),
            p90_ns: self.quantile_ns(0.90),
            p99_ns: self.quantile_ns(0.99),
            max_ns: self.max_ns,
            buckets: self
                .counts
                .iter()
                .enumerate()
                .filter(|(_, c)| **c > 0)
                .map(|(i, c)| [bucket_floor(i), *c])
                .collect(),
        }
    }

    /// The histogram a summary was written from (its buckets, count, sum and
    /// maximum), for merging the lines of several processes.
    pub fn from_summary(s: &LatencySummary) -> LatencyHistogram {
        let mut h = LatencyHistogram::default();
        for [floor, c] in &s.buckets {
            h.counts[bucket_of(*floor)] += c;
        }
        h.count = s.count;
        h.sum_ns = s.sum_ns;
        h.max_ns = s.max_ns;
        h
    }
}

/// A histogram as written to `RUN/metrics/`: exact count, sum and maximum,
/// quantiles read from the buckets, and the non-empty buckets themselves.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LatencySummary {
    /// Values recorded.
    pub count: u64,
    /// Their sum, in nanoseconds.
    pub sum_ns: u64,
    /// Median, in nanoseconds (upper end of its bucket).
    pub p50_ns: u64,
    /// 90th percentile, in nanoseconds.
    pub p90_ns: u64,
    /// 99th percentile, in nanoseconds.
    pub p99_ns: u64,
    /// Largest value, in nanoseconds.
    pub max_ns: u64,
    /// `[smallest value of the bucket in ns, count]` for every non-empty
    /// bucket, ascending; buckets are four per power of two.
    pub buckets: Vec<[u64; 2]>,
}

/// One line of `RUN/metrics/stages.jsonl`: what one per-job stage process
/// did, written when it ends.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StageMetrics {
    /// Format tag, `metrics/stage/1`.
    pub fx: String,
    /// The command (`fx-route`, `fx-inspect`, …).
    pub stage: String,
    /// The module its events carry (`route`, `inspect`, …).
    pub module: String,
    /// Job lines read and written.
    pub jobs: u64,
    /// Jobs where the module panicked (recorded as `internal_error`).
    pub panics: u64,
    /// Worker threads.
    pub threads: u64,
    /// Wall-clock milliseconds from the first job line to the last written.
    pub wall_ms: u64,
    /// CPU milliseconds of the process, user and system, all threads.
    pub cpu_ms: Option<u64>,
    /// Peak resident set size in KiB (Linux `VmHWM`).
    pub peak_rss_kib: Option<u64>,
    /// The module's work per job (reading, parsing and writing the job line
    /// excluded).
    pub process: LatencySummary,
}

/// The format tag of [`StageMetrics`].
pub const STAGE_METRICS_FORMAT: &str = "metrics/stage/1";
/// Where [`StageMetrics`] lines go, under the run directory.
pub const STAGES_FILE: &str = "metrics/stages.jsonl";

/// Appends `value` as one JSON line to `path` (made with its directory if
/// missing), in a single `write` to a file opened for appending, so that the
/// lines of concurrent processes never interleave.
pub fn append_line(path: &Path, value: &impl Serialize) -> Result<()> {
    let mut line = serde_json::to_vec(value).map_err(|e| Error::Other(e.to_string()))?;
    line.push(b'\n');
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    }
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| Error::io(path, e))?;
    f.write_all(&line).map_err(|e| Error::io(path, e))
}

/// Milliseconds of a duration, saturating.
pub fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_invert_and_cover_every_value() {
        for i in 0..BUCKETS {
            assert_eq!(bucket_of(bucket_floor(i)), i, "bucket {i}");
            if i + 1 < BUCKETS {
                assert_eq!(bucket_of(bucket_floor(i + 1) - 1), i, "end of bucket {i}");
            }
        }
        assert_eq!(bucket_of(u64::MAX), BUCKETS - 1);
        assert_eq!(bucket_floor(bucket_of(1_000)), 896);
    }

    #[test]
    fn quantiles_are_within_a_quarter_and_merge_like_one_histogram() {
        let mut a = LatencyHistogram::default();
        let mut b = LatencyHistogram::default();
        for us in 1..=1000u64 {
            let h = if us % 2 == 0 { &mut a } else { &mut b };
            h.record(Duration::from_micros(us));
        }
        let mut all = a.clone();
        all.merge(&b);
        assert_eq!(all.count(), 1000);
        for (q, truth) in [(0.5, 500_000.0), (0.9, 900_000.0), (0.99, 990_000.0)] {
            let got = all.quantile_ns(q) as f64;
            assert!(got >= truth && got <= truth * 1.25, "q{q}: {got}");
        }
        assert_eq!(all.quantile_ns(1.0), 1_000_000);
        let s = all.summary();
        assert_eq!(s.max_ns, 1_000_000);
        assert_eq!(s.sum_ns, 500_500_000);
        assert_eq!(LatencyHistogram::from_summary(&s), all);
        assert_eq!(LatencyHistogram::default().quantile_ns(0.5), 0);
    }

    #[test]
    fn appended_lines_of_concurrent_writers_stay_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("metrics/x.jsonl");
        std::thread::scope(|s| {
            for t in 0..4 {
                let path = &path;
                s.spawn(move || {
                    for i in 0..200 {
                        let v = serde_json::json!({"t": t, "i": i, "pad": "x".repeat(500)});
                        append_line(path, &v).unwrap();
                    }
                });
            }
        });
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text.lines().count(), 800);
        for l in text.lines() {
            serde_json::from_str::<serde_json::Value>(l).unwrap();
        }
    }
}
