//! Harness for the benchmarks and for looking at results by hand:
//!
//! ```text
//! fingerprint_harness show FILE              # light result of a binary or capture, as JSON
//! fingerprint_harness capture ROUNDS FILE... # capture parsing throughput (MB/s, one core)
//! fingerprint_harness binary ROUNDS FILE...  # light binary fingerprinting throughput
//! fingerprint_harness ja3 FILE...            # one JA3 per line, per ClientHello (for tshark comparison)
//! fingerprint_harness synth OUT               # writes the synthetic X25519MLKEM768 capture
//! fingerprint_harness libraries FILE...       # one line per binary: its library candidates
//! ```

#![allow(clippy::unwrap_used)]

use std::time::Instant;

use fx_fingerprint::binary;
use fx_fingerprint::capture::{self, CaptureLimits};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(cmd) = args.first() else {
        eprintln!("usage: fingerprint_harness show|capture|binary|ja3 …");
        std::process::exit(2);
    };
    match cmd.as_str() {
        "show" => {
            for f in &args[1..] {
                let b = std::fs::read(f).unwrap();
                if capture::sniff(&b).is_some() {
                    let r = capture::analyze(&b, CaptureLimits::default()).unwrap();
                    println!("{}", serde_json::to_string_pretty(&r).unwrap());
                    println!("{}", serde_json::to_string(&r.conclusion()).unwrap());
                } else {
                    let r = binary::light(&b);
                    let obj = r.object.as_ref().ok().map(|o| o.record());
                    println!("object: {}", serde_json::to_string(&obj).unwrap());
                    println!(
                        "constants: {}",
                        serde_json::to_string(&r.scan.constant_counts).unwrap()
                    );
                    println!(
                        "candidates: {}",
                        serde_json::to_string_pretty(&r.libraries_data().candidates).unwrap()
                    );
                    let d = binary::deep(&b, &r);
                    println!("deep: {}", serde_json::to_string(&d).unwrap());
                }
            }
        }
        "libraries" => {
            for f in &args[1..] {
                let Ok(b) = std::fs::read(f) else {
                    println!("{f}: unreadable");
                    continue;
                };
                let r = binary::light(&b);
                let libs: Vec<String> = r
                    .candidates
                    .iter()
                    .map(|c| {
                        format!(
                            "{}({}{}; {}; {})",
                            c.name,
                            c.role,
                            c.version
                                .as_deref()
                                .map(|v| format!(" {v}"))
                                .unwrap_or_default(),
                            c.evidence.join("+"),
                            c.confidence
                        )
                    })
                    .collect();
                println!("{f}: {}", libs.join(" "));
            }
        }
        "synth" => {
            std::fs::write(&args[1], fx_fingerprint::capture::synth::pq_hybrid_pcap()).unwrap();
        }
        "ja3" => {
            for f in &args[1..] {
                let b = std::fs::read(f).unwrap();
                if let Ok(r) = capture::analyze(&b, CaptureLimits::default()) {
                    for h in r.streams.iter().flat_map(|s| &s.client_hellos) {
                        println!("{}", h.ja3);
                    }
                }
            }
        }
        "capture" | "binary" => {
            let rounds: usize = args[1].parse().unwrap();
            let files: Vec<Vec<u8>> = args[2..]
                .iter()
                .filter_map(|f| std::fs::read(f).ok())
                .collect();
            let total: usize = files.iter().map(Vec::len).sum();
            let mut hellos = 0usize;
            let t = Instant::now();
            for _ in 0..rounds {
                for b in &files {
                    if cmd == "capture" {
                        if let Ok(r) = capture::analyze(b, CaptureLimits::default()) {
                            hellos += r.client_hello_count();
                        }
                    } else {
                        hellos += binary::light(b).candidates.len();
                    }
                }
            }
            let secs = t.elapsed().as_secs_f64();
            let mb = (total * rounds) as f64 / 1e6;
            println!(
                "{cmd}: {} files, {:.1} MB x {rounds} rounds in {:.3} s = {:.1} MB/s (one core); {} results",
                files.len(),
                total as f64 / 1e6,
                secs,
                mb / secs,
                hellos
            );
        }
        _ => {
            eprintln!("unknown command {cmd}");
            std::process::exit(2);
        }
    }
}
