//! JA4 conformance against FoxIO's reference output
//! (`shared/conformance/ja4/expected/*.json`, see `shared/conformance/README.md`).
//!
//! For every stream of the reference that has a TLS client fingerprint
//! (`JA4.N`), fx must produce the same JA4, JA4_r, JA4_o and JA4_ro for the
//! N-th ClientHello of the stream with the same addresses and ports.

#![allow(clippy::unwrap_used)]

use std::path::PathBuf;

use fx_fingerprint::capture::{self, CaptureLimits};
use serde_json::Value;

fn conformance_dir() -> PathBuf {
    // shared/ lies beside the repository root
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/conformance/ja4")
}

/// Where fx follows JA4-spec.md rather than the reference output: capture,
/// the reference's JA4 `a` part, fx's `a` part, and why. The test checks that
/// fx gives exactly the reference values with that one part replaced.
const EXCEPTIONS: &[(&str, &str, &str, &str)] = &[(
    "tls-non-ascii-alpn.pcapng",
    "t13d151699",
    "t13d1516bd",
    "first ALPN value is the bytes 0xba 0xad: JA4-spec.md says 'first and last characters of the \
     hex representation' = 'bd'; the reference output predates that rule and writes '99'",
)];

#[test]
fn ja4_matches_the_reference_for_every_tcp_stream() {
    let dir = conformance_dir();
    if !dir.exists() {
        panic!(
            "conformance data missing at {} (shared/ must lie beside the repo)",
            dir.display()
        );
    }
    let mut expected_total = 0usize;
    let mut matched = 0usize;
    let mut excepted = 0usize;
    let mut mismatches = Vec::new();
    let mut files_with_hellos = 0usize;
    let mut files: Vec<_> = std::fs::read_dir(dir.join("expected"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    for exp_path in files {
        let name = exp_path
            .file_name()
            .unwrap()
            .to_string_lossy()
            .trim_end_matches(".json")
            .to_string();
        let expected: Vec<Value> =
            serde_json::from_slice(&std::fs::read(&exp_path).unwrap()).unwrap();
        files_with_hellos += usize::from(expected.iter().any(|e| e.get("JA4.1").is_some()));
        let pcap = std::fs::read(dir.join("pcap").join(&name)).unwrap();
        let report = capture::analyze(&pcap, CaptureLimits::default()).unwrap();
        for entry in &expected {
            for n in 1..10 {
                let Some(ja4) = entry.get(format!("JA4.{n}")).and_then(Value::as_str) else {
                    continue;
                };
                expected_total += 1;
                let field = |k: &str| {
                    entry
                        .get(format!("{k}.{n}"))
                        .and_then(Value::as_str)
                        .unwrap_or("")
                };
                let sport: u16 = entry["srcport"].as_str().unwrap().parse().unwrap();
                let dport: u16 = entry["dstport"].as_str().unwrap().parse().unwrap();
                let src = entry["src"].as_str().unwrap();
                let dst = entry["dst"].as_str().unwrap();
                let transport = if ja4.starts_with('q') { "quic" } else { "tcp" };
                let got = report
                    .streams
                    .iter()
                    .find(|s| {
                        s.transport == transport
                            && s.src == src
                            && s.dst == dst
                            && s.src_port == sport
                            && s.dst_port == dport
                    })
                    .and_then(|s| s.client_hellos.get(n - 1));
                let exception = EXCEPTIONS
                    .iter()
                    .find(|(f, from, _, _)| *f == name && ja4.starts_with(from));
                let fix = |v: &str| match exception {
                    Some((_, from, to, _)) => v.replacen(from, to, 1),
                    None => v.to_string(),
                };
                let ok = got.is_some_and(|h| {
                    h.ja4 == fix(ja4)
                        && h.ja4_r == fix(field("JA4_r"))
                        && h.ja4_o == fix(field("JA4_o"))
                        && h.ja4_ro == fix(field("JA4_ro"))
                });
                if ok && exception.is_some() {
                    excepted += 1;
                } else if ok {
                    matched += 1;
                } else {
                    mismatches.push(format!(
                        "{name} {src}:{sport}->{dst}:{dport} #{n}: expected {ja4} / {} / {} / {}, got {:?}",
                        field("JA4_r"),
                        field("JA4_o"),
                        field("JA4_ro"),
                        got.map(|h| (&h.ja4, &h.ja4_r, &h.ja4_o, &h.ja4_ro))
                    ));
                }
            }
        }
    }
    println!(
        "JA4 conformance: {matched}/{expected_total} ClientHellos identical to the reference, \
         {excepted} follow the spec where the reference differs (listed in EXCEPTIONS)"
    );
    for (f, from, to, why) in EXCEPTIONS {
        println!("  exception {f}: {from} -> {to}: {why}");
    }
    assert_eq!(excepted, EXCEPTIONS.len(), "an exception no longer applies");
    assert!(
        mismatches.is_empty(),
        "{} mismatches:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
    // FoxIO's reference holds 160 TLS client fingerprints over 16 TCP
    // captures (none for the 3 QUIC ones)
    assert_eq!(expected_total, 160, "the reference data changed");
    assert_eq!((matched, excepted), (159, 1));
    assert_eq!(files_with_hellos, 16);
}
