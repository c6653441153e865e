//! The batch's one progress line: fx-seq sits at the end of the pipeline, so
//! the job lines it has read are the jobs the whole batch has finished.
//!
//! `fx: 12,288 of 100,000 jobs (12%) · 2,345 jobs/s · ETA 0:37`, redrawn in
//! place at most five times a second on a terminal (stderr, or the file
//! `--progress` names: `pipelines/forensics-batch.sh` hands over its own
//! stderr there when it is a terminal, since each stage's stderr is kept
//! apart). The total is known once fx-ingest has written
//! `RUN/metrics/fx-ingest.json` (fx-ingest removes an earlier batch's copy
//! when it starts); until then the line shows the count and the rate.

use std::io::Write;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// How often the line is redrawn, at most.
const EVERY: Duration = Duration::from_millis(200);

/// A progress line on a terminal.
pub struct Progress {
    out: Box<dyn Write + Send>,
    ingest_metrics: PathBuf,
    started: Instant,
    last: Option<Instant>,
    total: Option<u64>,
}

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Progress")
            .field("total", &self.total)
            .finish_non_exhaustive()
    }
}

impl Progress {
    /// A progress line written to `out` for the run at `run`.
    pub fn new(out: Box<dyn Write + Send>, run: &std::path::Path) -> Progress {
        Progress {
            out,
            ingest_metrics: run.join("metrics/fx-ingest.json"),
            started: Instant::now(),
            last: None,
            total: None,
        }
    }

    /// `lines` job lines read so far: redraws the line if it is time.
    pub fn tick(&mut self, lines: u64) {
        if !lines.is_multiple_of(256) {
            return;
        }
        let now = Instant::now();
        if self.last.is_some_and(|t| now.duration_since(t) < EVERY) {
            return;
        }
        self.last = Some(now);
        if self.total.is_none() {
            self.total = planned_jobs(&self.ingest_metrics);
        }
        let line = render(lines, self.total, now.duration_since(self.started));
        let _ = write!(self.out, "\r{line}\x1b[K");
        let _ = self.out.flush();
    }

    /// Reading is done; the telemetry is being written.
    pub fn writing(&mut self, lines: u64) {
        let _ = write!(
            self.out,
            "\rfx: {} jobs done, writing telemetry…\x1b[K",
            grouped(lines)
        );
        let _ = self.out.flush();
    }

    /// Clears the line.
    pub fn clear(&mut self) {
        let _ = write!(self.out, "\r\x1b[K");
        let _ = self.out.flush();
    }
}

/// Jobs fx-ingest planned, from its metrics file, once written.
fn planned_jobs(path: &std::path::Path) -> Option<u64> {
    let text = std::fs::read(path).ok()?;
    let v: serde_json::Value = serde_json::from_slice(&text).ok()?;
    v.get("jobs")?.as_u64()
}

/// The text of the line (no carriage return).
pub fn render(done: u64, total: Option<u64>, elapsed: Duration) -> String {
    let secs = elapsed.as_secs_f64();
    let rate = if secs > 0.0 { done as f64 / secs } else { 0.0 };
    let mut line = format!("fx: {}", grouped(done));
    if let Some(total) = total.filter(|t| *t >= done && *t > 0) {
        line.push_str(&format!(
            " of {} jobs ({}%)",
            grouped(total),
            done * 100 / total
        ));
    } else {
        line.push_str(" jobs");
    }
    line.push_str(&format!(" · {} jobs/s", grouped(rate.round() as u64)));
    if let Some(total) = total.filter(|t| *t >= done)
        && rate > 0.0
    {
        let eta = ((total - done) as f64 / rate).round() as u64;
        line.push_str(&format!(" · ETA {}:{:02}", eta / 60, eta % 60));
    }
    line
}

/// `12345678` as `12,345,678`.
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_shows_count_share_rate_and_eta() {
        assert_eq!(
            render(12_288, Some(100_000), Duration::from_secs(4)),
            "fx: 12,288 of 100,000 jobs (12%) · 3,072 jobs/s · ETA 0:29"
        );
        assert_eq!(
            render(5_000, None, Duration::from_secs(2)),
            "fx: 5,000 jobs · 2,500 jobs/s"
        );
        assert_eq!(
            render(1_000_000, Some(1_000_000), Duration::from_secs(100)),
            "fx: 1,000,000 of 1,000,000 jobs (100%) · 10,000 jobs/s · ETA 0:00"
        );
        // A total below the count (lines of an earlier run fed again) is
        // not believed.
        assert_eq!(
            render(300, Some(200), Duration::from_secs(1)),
            "fx: 300 jobs · 300 jobs/s"
        );
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1000), "1,000");
    }

    #[test]
    fn the_total_comes_from_fx_ingest_once_written() {
        let dir = tempfile::tempdir().unwrap();
        let sink = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        struct Shared(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);
        impl Write for Shared {
            fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
                self.0.lock().unwrap().extend_from_slice(b);
                Ok(b.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let mut p = Progress::new(Box::new(Shared(sink.clone())), dir.path());
        p.tick(256);
        std::fs::create_dir(dir.path().join("metrics")).unwrap();
        std::fs::write(
            dir.path().join("metrics/fx-ingest.json"),
            r#"{"jobs":1024}"#,
        )
        .unwrap();
        p.last = None;
        p.tick(512);
        p.tick(513); // not a multiple of 256: not drawn
        p.writing(1024);
        p.clear();
        let text = String::from_utf8(sink.lock().unwrap().clone()).unwrap();
        let lines: Vec<&str> = text.split('\r').filter(|l| !l.is_empty()).collect();
        assert_eq!(lines.len(), 4, "{text:?}");
        assert!(lines[0].starts_with("fx: 256 jobs · "), "{text:?}");
        assert!(
            lines[1].starts_with("fx: 512 of 1,024 jobs (50%) · "),
            "{text:?}"
        );
        assert!(lines[1].contains(" · ETA "), "{text:?}");
        assert_eq!(lines[2], "fx: 1,024 jobs done, writing telemetry…\x1b[K");
        assert_eq!(lines[3], "\x1b[K");
    }
}
