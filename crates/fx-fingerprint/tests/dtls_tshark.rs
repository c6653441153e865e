//! DTLS ClientHellos (JA4 `d`) against tshark, the oracle: FoxIO's
//! `dtls-udp.notest.cap` has no reference output, so for every DTLS
//! ClientHello tshark decodes (and reassembles from its fragments) this test
//! builds JA4, JA4_r, JA4_o and JA4_ro itself from tshark's `dtls.handshake.*`
//! fields, following JA4-spec.md, and takes tshark's own DTLS JA3; fx's
//! values for the same ClientHello of the same UDP connection must be equal.
//!
//! Captures: FoxIO's DTLS 1.0 capture, `tests/data/dtls-loopback.pcap` (real
//! OpenSSL and GnuTLS handshakes, made by `tests/data/make-dtls-loopback.sh`:
//! cookie exchanges, ClientHellos in two fragments, DTLS 1.0 and 1.2, IPv4
//! and IPv6, with and without SNI and ALPN), and a copy of it made here
//! with the first connection's fragments reordered and one of them sent
//! twice (compared with tshark's decode of the original order: tshark 4.0
//! does not reassemble DTLS fragments out of order). Every other
//! conformance capture: neither tshark nor fx sees a DTLS ClientHello.
//!
//! Needs `tshark` on PATH (Debian package `tshark`).

#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use fx_fingerprint::capture::{self, CaptureLimits};
use sha2::{Digest, Sha256};

fn conformance_pcaps() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/conformance/ja4/pcap")
}

fn loopback() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/dtls-loopback.pcap")
}

/// tshark's fields, one tab-separated line per packet with a ClientHello.
const FIELDS: &[&str] = &[
    "ip.src",
    "ipv6.src",
    "udp.srcport",
    "ip.dst",
    "ipv6.dst",
    "udp.dstport",
    "dtls.handshake.message_seq",
    "dtls.handshake.version",
    "dtls.handshake.extensions.supported_version",
    "dtls.handshake.ciphersuite",
    "dtls.handshake.extension.type",
    "dtls.handshake.extensions_alpn_str",
    "dtls.handshake.sig_hash_alg",
    "dtls.handshake.ja3",
];

fn tshark_rows(path: &Path) -> Vec<Vec<String>> {
    let mut cmd = Command::new("tshark");
    cmd.args(["-n", "-r"])
        .arg(path)
        .args(["-Y", "dtls.handshake.type==1", "-T", "fields"])
        .args([
            "-E",
            "separator=/t",
            "-E",
            "occurrence=a",
            "-E",
            "aggregator=,",
        ]);
    for f in FIELDS {
        cmd.args(["-e", f]);
    }
    let out = cmd
        .env("LC_ALL", "C")
        .output()
        .expect("tshark is needed for this test (Debian: tshark)");
    assert!(
        out.status.success(),
        "tshark on {}: {}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| l.split('\t').map(str::to_owned).collect())
        .collect()
}

fn is_grease(v: u16) -> bool {
    v & 0x0f0f == 0x0a0a && (v >> 8) == (v & 0xff)
}

/// `0xc02b,0xc02f` or `11,10` (tshark writes cipher suites and signature
/// algorithms in hex, extension types in decimal), GREASE left out.
fn numbers(field: &str) -> Vec<u16> {
    field
        .split(',')
        .filter(|s| !s.is_empty())
        .map(|s| match s.strip_prefix("0x") {
            Some(h) => u16::from_str_radix(h, 16).unwrap(),
            None => s.parse().unwrap(),
        })
        .filter(|v| !is_grease(*v))
        .collect()
}

fn hex_list(v: &[u16]) -> String {
    v.iter()
        .map(|x| format!("{x:04x}"))
        .collect::<Vec<_>>()
        .join(",")
}

fn sha12(s: &str) -> String {
    hex::encode(&Sha256::digest(s.as_bytes())[..6])
}

/// The four JA4 values and tshark's JA3 of one ClientHello, from tshark's
/// fields and JA4-spec.md alone.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Expected {
    ja4: String,
    ja4_r: String,
    ja4_o: String,
    ja4_ro: String,
    ja3: String,
}

fn expected(row: &[String]) -> Expected {
    let f = |name: &str| row[FIELDS.iter().position(|x| *x == name).unwrap()].as_str();
    // the version: the highest supported_versions entry, else the hello's
    // version; DTLS codes count down (0xfefc is DTLS 1.3, the highest)
    let mut versions = numbers(f("dtls.handshake.extensions.supported_version"));
    versions.sort_unstable();
    let version = versions
        .first()
        .copied()
        .unwrap_or_else(|| numbers(f("dtls.handshake.version"))[0]);
    let version = match version {
        0xfeff => "d1",
        0xfefd => "d2",
        0xfefc => "d3",
        _ => "00",
    };
    let ciphers = numbers(f("dtls.handshake.ciphersuite"));
    let exts = numbers(f("dtls.handshake.extension.type"));
    assert!(
        !exts.contains(&0x32),
        "signature_algorithms_cert would add to tshark's sig_hash_alg"
    );
    let sigs = numbers(f("dtls.handshake.sig_hash_alg"));
    let alpn = match f("dtls.handshake.extensions_alpn_str").split(',').next() {
        Some(first) if !first.is_empty() => {
            let b = first.as_bytes();
            // the ALPN values of these captures begin and end alphanumeric
            assert!(b[0].is_ascii_alphanumeric() && b[b.len() - 1].is_ascii_alphanumeric());
            format!("{}{}", b[0] as char, b[b.len() - 1] as char)
        }
        _ => "00".into(),
    };
    let a = format!(
        "d{version}{}{:02}{:02}{alpn}",
        if exts.contains(&0) { 'd' } else { 'i' },
        ciphers.len().min(99),
        exts.len().min(99)
    );
    let mut sorted_ciphers = ciphers.clone();
    sorted_ciphers.sort_unstable();
    let mut sorted_exts: Vec<u16> = exts
        .iter()
        .copied()
        .filter(|e| *e != 0 && *e != 16)
        .collect();
    sorted_exts.sort_unstable();
    let with_sigs = |list: &[u16]| {
        if sigs.is_empty() {
            hex_list(list)
        } else {
            format!("{}_{}", hex_list(list), hex_list(&sigs))
        }
    };
    // twelve zeros when nothing is left of the extensions (JA4-spec.md) or
    // of the ciphers
    let hashed = |s: String, empty: bool| if empty { "0".repeat(12) } else { sha12(&s) };
    Expected {
        ja4: format!(
            "{a}_{}_{}",
            hashed(hex_list(&sorted_ciphers), ciphers.is_empty()),
            hashed(with_sigs(&sorted_exts), sorted_exts.is_empty())
        ),
        ja4_r: format!(
            "{a}_{}_{}",
            hex_list(&sorted_ciphers),
            with_sigs(&sorted_exts)
        ),
        ja4_o: format!(
            "{a}_{}_{}",
            hashed(hex_list(&ciphers), ciphers.is_empty()),
            hashed(with_sigs(&exts), sorted_exts.is_empty())
        ),
        ja4_ro: format!("{a}_{}_{}", hex_list(&ciphers), with_sigs(&exts)),
        ja3: f("dtls.handshake.ja3").to_owned(),
    }
}

type Conn = (String, u16, String, u16);

/// tshark's ClientHellos per connection (client first), in capture order.
/// A fragment that completes no message gives a row without cipher suites:
/// skipped. A retransmission (the same message_seq and fields again) counts
/// once, as in fx.
fn tshark_hellos(path: &Path) -> BTreeMap<Conn, Vec<Expected>> {
    let mut out: BTreeMap<Conn, Vec<(String, Expected)>> = BTreeMap::new();
    for row in tshark_rows(path) {
        let f = |name: &str| row[FIELDS.iter().position(|x| *x == name).unwrap()].clone();
        if f("dtls.handshake.ciphersuite").is_empty() {
            continue;
        }
        let ip = |v4: &str, v6: &str| if f(v4).is_empty() { f(v6) } else { f(v4) };
        let conn = (
            ip("ip.src", "ipv6.src"),
            f("udp.srcport").parse().unwrap(),
            ip("ip.dst", "ipv6.dst"),
            f("udp.dstport").parse().unwrap(),
        );
        let e = (f("dtls.handshake.message_seq"), expected(&row));
        let list = out.entry(conn).or_default();
        if !list.contains(&e) {
            list.push(e);
        }
    }
    out.into_iter()
        .map(|(k, v)| (k, v.into_iter().map(|(_, e)| e).collect()))
        .collect()
}

fn fx_hellos(bytes: &[u8]) -> BTreeMap<Conn, Vec<Expected>> {
    let report = capture::analyze(bytes, CaptureLimits::default()).unwrap();
    let mut out = BTreeMap::new();
    for s in report.streams.iter().filter(|s| s.transport == "dtls") {
        let hellos = s
            .client_hellos
            .iter()
            .map(|h| Expected {
                ja4: h.ja4.clone(),
                ja4_r: h.ja4_r.clone(),
                ja4_o: h.ja4_o.clone(),
                ja4_ro: h.ja4_ro.clone(),
                ja3: h.ja3.clone(),
            })
            .collect();
        let conn = (s.src.clone(), s.src_port, s.dst.clone(), s.dst_port);
        assert!(
            out.insert(conn, hellos).is_none(),
            "one stream per connection"
        );
    }
    out
}

/// Compares fx with tshark on one capture; returns the ClientHellos compared.
fn agree(path: &Path) -> usize {
    let theirs = tshark_hellos(path);
    let ours = fx_hellos(&std::fs::read(path).unwrap());
    assert_eq!(ours, theirs, "{}", path.display());
    theirs.values().map(Vec::len).sum()
}

/// The file header of a little-endian pcap and its records (each its
/// 16-byte record header and the frame).
fn pcap_records(b: &[u8]) -> (Vec<u8>, Vec<Vec<u8>>) {
    assert_eq!(b[..4], [0xd4, 0xc3, 0xb2, 0xa1]);
    let mut records = Vec::new();
    let mut at = 24;
    while at < b.len() {
        let incl = u32::from_le_bytes(b[at + 8..at + 12].try_into().unwrap()) as usize;
        records.push(b[at..at + 16 + incl].to_vec());
        at += 16 + incl;
    }
    (b[..24].to_vec(), records)
}

#[test]
fn dtls_client_hellos_equal_tshark() {
    // FoxIO's capture: one DTLS 1.0 ClientHello, no cookie exchange
    let foxio = conformance_pcaps().join("dtls-udp.notest.cap");
    assert_eq!(agree(&foxio), 1);
    let r = capture::analyze(&std::fs::read(&foxio).unwrap(), CaptureLimits::default()).unwrap();
    let dtls: Vec<_> = r.streams.iter().filter(|s| s.transport == "dtls").collect();
    assert_eq!(dtls.len(), 1);
    assert!(
        dtls[0].client_hellos[0].ja4.starts_with("dd1i"),
        "{:?}",
        dtls[0]
    );
    assert_eq!(dtls[0].server_hellos[0].version, "DTLS 1.0");
    assert!(r.conclusion().ja4.contains(&dtls[0].client_hellos[0].ja4));

    // five loopback handshakes, each a ClientHello, a HelloVerifyRequest and
    // the ClientHello with the cookie: ten ClientHellos
    assert_eq!(agree(&loopback()), 10);
    let original = std::fs::read(loopback()).unwrap();
    let r = capture::analyze(&original, CaptureLimits::default()).unwrap();
    let dtls: Vec<_> = r.streams.iter().filter(|s| s.transport == "dtls").collect();
    assert_eq!(dtls.len(), 5);
    for s in &dtls {
        assert_eq!(s.client_hellos.len(), 2);
        assert_eq!(s.hello_verify_requests, 1);
        // the ServerHello answers the second ClientHello, the one with the cookie
        let clients: Vec<_> = r
            .clients()
            .into_iter()
            .filter(|c| c.transport == "dtls" && c.stream == s.stream)
            .collect();
        assert!(clients[0].server.is_none());
        assert!(
            clients[1]
                .server
                .as_ref()
                .is_some_and(|h| h.version.starts_with("DTLS"))
        );
    }
    let versions: Vec<&str> = dtls
        .iter()
        .map(|s| s.client_hellos[0].ja4.get(..3).unwrap())
        .collect();
    assert_eq!(versions, ["dd2", "dd1", "dd2", "dd2", "dd1"]);

    // the first connection's fragments reordered and one sent twice:
    // frames 1-5 are fragment A1, fragment A2 (completes the first
    // ClientHello), the HelloVerifyRequest, fragment B1, fragment B2. tshark
    // 4.0 reassembles DTLS fragments only in order (it shows A2, A1 as two
    // fragments and no ClientHello), so the truth for this copy is tshark's
    // decode of the same datagrams in their original order.
    let (header, records) = pcap_records(&original);
    let mut order: Vec<usize> = vec![1, 0, 1, 2, 4, 3];
    order.extend(5..records.len());
    let mut shuffled = header;
    for i in order {
        shuffled.extend(&records[i]);
    }
    assert_ne!(shuffled, original);
    assert_eq!(fx_hellos(&shuffled), tshark_hellos(&loopback()));
}

#[test]
fn no_dtls_client_hello_in_the_other_conformance_captures() {
    let mut files: Vec<PathBuf> = std::fs::read_dir(conformance_pcaps())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| !p.ends_with("dtls-udp.notest.cap"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 37);
    for p in &files {
        assert!(tshark_hellos(p).is_empty(), "tshark: {}", p.display());
        assert!(
            fx_hellos(&std::fs::read(p).unwrap()).is_empty(),
            "fx: {}",
            p.display()
        );
    }
}
