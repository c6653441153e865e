//! Checks every event of a run's `telemetry/events.jsonl` against the
//! records of fx-facts (read, write back, compare) and prints each
//! mismatch; exits 1 when there is one.
//!
//! `cargo run -p fx-facts --example check_run -- RUN [RUN…]`

use std::collections::BTreeMap;
use std::io::BufRead;
use std::process::ExitCode;

use fx_core::Event;

fn main() -> ExitCode {
    let runs: Vec<String> = std::env::args().skip(1).collect();
    if runs.is_empty() {
        eprintln!("check_run: usage: check_run RUN [RUN…]");
        return ExitCode::from(2);
    }
    let mut checked: BTreeMap<String, u64> = BTreeMap::new();
    let mut bad = 0u64;
    for run in &runs {
        let path = std::path::Path::new(run).join("telemetry/events.jsonl");
        let file = match std::fs::File::open(&path) {
            Ok(f) => f,
            Err(e) => {
                eprintln!("check_run: {}: {e}", path.display());
                return ExitCode::from(2);
            }
        };
        for (n, line) in std::io::BufReader::new(file).lines().enumerate() {
            let line = match line {
                Ok(l) => l,
                Err(e) => {
                    eprintln!("check_run: {}:{}: {e}", path.display(), n + 1);
                    return ExitCode::from(2);
                }
            };
            let event: Event = match serde_json::from_str(&line) {
                Ok(e) => e,
                Err(e) => {
                    eprintln!("check_run: {}:{}: {e}", path.display(), n + 1);
                    return ExitCode::from(2);
                }
            };
            *checked
                .entry(format!("{}/{}", event.module, event.step))
                .or_default() += 1;
            for m in fx_facts::conformance::check_event(&event) {
                bad += 1;
                println!("{}:{}: {m}", path.display(), n + 1);
            }
        }
    }
    for (step, n) in &checked {
        let typed = step
            .split_once('/')
            .is_some_and(|(m, s)| fx_facts::step::is_typed(m, s));
        eprintln!(
            "{step}: {n} events{}",
            if typed { " (typed data)" } else { "" }
        );
    }
    if bad > 0 {
        eprintln!("check_run: {bad} mismatches");
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
