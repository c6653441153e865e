//! Independent check of the native decoder: for every conformance capture
//! (TCP and QUIC), the distinct JA3 values fx computes equal the ones
//! Debian's tshark computes from the same file (QUIC Initials included: tshark
//! decrypts them too). Only captures with ClientHellos count as agreeing;
//! the others must give no TLS fingerprint from either tool. This is the
//! query of the run-time cross-check, which reads tshark's `tls` fields:
//! DTLS streams are left out on both sides (`dtls_tshark` checks them). The three captures
//! of one Chrome build over QUIC give one and the same `q` JA4.
//!
//! Needs `tshark` on PATH (Debian package `tshark`).

#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::Command;

use fx_fingerprint::capture::{self, CaptureLimits, tshark};

fn pcaps() -> Vec<PathBuf> {
    let dir =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/conformance/ja4/pcap");
    let mut v: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    v.sort();
    v
}

/// Conformance captures in which neither tool finds a TLS ClientHello over
/// TCP or QUIC (SSH, HTTP, DHCP, DTLS, tunnels and SOCKS without TLS records,
/// …; FoxIO's reference output has no TLS client fingerprint for any of them
/// either).
const WITHOUT_CLIENT_HELLO: usize = 19;
/// Captures with ClientHellos, where both tools must give the same set.
const WITH_CLIENT_HELLO: usize = 19;

#[test]
fn distinct_ja3_values_equal_tshark_for_every_capture() {
    let mut agree = 0;
    let mut empty = Vec::new();
    let mut differ = Vec::new();
    let files = pcaps();
    for p in &files {
        let out = Command::new("tshark")
            .args(tshark::TSHARK_ARGS)
            .arg(p)
            .env("LC_ALL", "C")
            .output()
            .expect("tshark is needed for this test (Debian: tshark)");
        assert!(
            out.status.success(),
            "tshark on {}: {}\n{}",
            p.display(),
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        let theirs = tshark::parse_ja3_fields(&out.stdout);
        let bytes = std::fs::read(p).unwrap();
        let report = capture::analyze(&bytes, CaptureLimits::default())
            .unwrap_or_else(|e| panic!("{}: not a capture to fx: {e:?}", p.display()));
        let ours: BTreeSet<String> = tshark::fx_ja3_set(&report);
        if ours != theirs {
            differ.push(format!("{}: fx {ours:?} tshark {theirs:?}", p.display()));
        } else if ours.is_empty() {
            // nothing to compare: not an agreement, but both must be silent
            let tls = report.streams.iter().filter(|s| s.transport != "dtls");
            assert_eq!(
                tls.flat_map(|s| &s.client_hellos).count(),
                0,
                "{}",
                p.display()
            );
            empty.push(p.file_name().unwrap().to_string_lossy().into_owned());
        } else {
            agree += 1;
        }
    }
    println!(
        "JA3 agreement with tshark: {agree}/{} captures with ClientHellos; \
         {} captures without a ClientHello give no fingerprint from either: {}",
        agree + differ.len(),
        empty.len(),
        empty.join(", ")
    );
    assert!(differ.is_empty(), "{}", differ.join("\n"));
    assert_eq!(files.len(), WITH_CLIENT_HELLO + WITHOUT_CLIENT_HELLO);
    assert_eq!(agree, WITH_CLIENT_HELLO);
    assert_eq!(empty.len(), WITHOUT_CLIENT_HELLO);
}

#[test]
fn quic_initials_are_decrypted_and_fingerprinted() {
    for name in [
        "chrome-cloudflare-quic-with-secrets.pcapng",
        "quic-tls-handshake.pcapng",
        "quic-with-several-tls-frames.pcapng",
    ] {
        let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared/conformance/ja4/pcap")
            .join(name);
        let r = capture::analyze(&std::fs::read(p).unwrap(), CaptureLimits::default()).unwrap();
        let quic: Vec<_> = r.streams.iter().filter(|s| s.transport == "quic").collect();
        assert_eq!(quic.len(), 1, "{name}");
        let h = &quic[0].client_hellos[0];
        // one Chrome build: 3 ciphers, 10 extensions incl. quic_transport_parameters, ALPN h3
        assert_eq!(h.ja4, "q13d0310h3_55b375c5d22e_cd85d2d88918", "{name}");
        assert!(h.alpn.iter().any(|a| a.as_str() == Some("h3")));
    }
}
