//! Benchmark harness for hash identification (`pipelines/bench/hash-id.sh`):
//! reads hash lines on stdin and writes, per line, the hashcat mode of the most
//! plausible scheme, its name, and every candidate mode (`-` when none):
//!
//! ```text
//! cargo run --release -p fx-probe --example hash_id < hashes.txt > ids.tsv
//! ```
//!
//! With `--count` it writes only the totals, and times the identification of
//! the in-memory lines `--repeat N` times (default 5), reporting the best pass
//! (the machine is shared; the best pass is the least disturbed one). Either
//! way the rate on stderr is for one thread.

use std::io::{BufWriter, Read, Write};
use std::process::ExitCode;
use std::time::Instant;

use fx_probe::hash_kdf::identify;

fn main() -> ExitCode {
    let count_only = std::env::args().any(|a| a == "--count");
    let mut input = Vec::new();
    if let Err(e) = std::io::stdin().read_to_end(&mut input) {
        eprintln!("hash_id: reading stdin: {e}");
        return ExitCode::from(2);
    }
    let text = String::from_utf8_lossy(&input);
    let lines: Vec<&str> = text.lines().collect();

    let repeat: usize = std::env::args()
        .skip_while(|a| a != "--repeat")
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(5);
    if count_only {
        let mut best = f64::MAX;
        let mut identified = 0u64;
        for _ in 0..repeat.max(1) {
            let start = Instant::now();
            identified = lines.iter().filter(|l| identify(l).is_some()).count() as u64;
            best = best.min(start.elapsed().as_secs_f64());
        }
        let rate = if best > 0.0 {
            lines.len() as f64 / best
        } else {
            0.0
        };
        eprintln!(
            "hash_id: lines={} identified={} best_of={} seconds={:.6} lines_per_s={:.0}",
            lines.len(),
            identified,
            repeat.max(1),
            best,
            rate
        );
        return ExitCode::SUCCESS;
    }

    let start = Instant::now();
    let mut identified = 0u64;
    let mut out = String::with_capacity(lines.len() * 24);
    for line in &lines {
        let Some(id) = identify(line) else {
            out.push_str("-\t-\t-\n");
            continue;
        };
        identified += 1;
        let top = id.top();
        push_mode(&mut out, top.hashcat_mode);
        out.push('\t');
        out.push_str(top.scheme);
        out.push('\t');
        for (i, e) in id.candidates.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            push_mode(&mut out, e.hashcat_mode);
        }
        out.push('\n');
    }
    let secs = start.elapsed().as_secs_f64();
    let stdout = std::io::stdout();
    let mut w = BufWriter::new(stdout.lock());
    if w.write_all(out.as_bytes())
        .and_then(|()| w.flush())
        .is_err()
    {
        return ExitCode::SUCCESS; // broken pipe: the reader is gone
    }
    let rate = if secs > 0.0 {
        lines.len() as f64 / secs
    } else {
        0.0
    };
    eprintln!(
        "hash_id: lines={} identified={} seconds={:.6} lines_per_s={:.0}",
        lines.len(),
        identified,
        secs,
        rate
    );
    ExitCode::SUCCESS
}

fn push_mode(out: &mut String, mode: Option<u32>) {
    match mode {
        Some(m) => out.push_str(&m.to_string()),
        None => out.push('-'),
    }
}
