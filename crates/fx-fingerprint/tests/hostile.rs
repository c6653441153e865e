//! Hostile input: truncated and corrupted captures and binaries, huge
//! section counts, overlapping sections. Nothing may panic, and every case
//! is held to its outcome: a refused file is a failure shape, a cut or
//! damaged capture keeps what it read with the offset where it stopped, a
//! ClientHello read from damaged bytes is a well-formed fingerprint, every
//! result is the same when computed twice. The mutation test runs 18,000
//! deterministic cases and checks the exact tally of their outcomes.

#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use fx_core::{ErrorInfo, FailureKind};
use fx_fingerprint::binary::{self, instructions, libraries, object};
use fx_fingerprint::capture::{self, CaptureLimits, CaptureReport, synth};

/// Deterministic pseudo-random numbers (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// One mutation: byte overwrites (biased to `hot` ranges), a bumped length
/// field, or a truncation.
fn mutate(base: &[u8], rng: &mut Rng, hot: &[(usize, usize)]) -> Vec<u8> {
    let mut b = base.to_vec();
    let edits = 1 + rng.below(8);
    for _ in 0..edits {
        let pos = if !hot.is_empty() && rng.below(4) != 0 {
            let (s, e) = hot[rng.below(hot.len())];
            s + rng.below(e.saturating_sub(s).max(1))
        } else {
            rng.below(b.len())
        };
        if pos >= b.len() {
            continue;
        }
        match rng.below(4) {
            0 => b[pos] = rng.next() as u8,
            1 => b[pos] ^= 1 << rng.below(8),
            2 => b[pos] = [0x00, 0xff, 0x7f, 0x80][rng.below(4)],
            _ => {
                // a 32-bit field set to a huge or tiny length
                let v = [u32::MAX, 0, 0x7fff_ffff, 0x0001_0000][rng.below(4)];
                let end = (pos + 4).min(b.len());
                b[pos..end].copy_from_slice(&v.to_le_bytes()[..end - pos]);
            }
        }
    }
    if rng.below(5) == 0 {
        let cut = rng.below(b.len());
        b.truncate(cut);
    }
    b
}

fn conformance(name: &str) -> Vec<u8> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/conformance/ja4/pcap")
        .join(name);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// A tiny static ELF built with cc (no libc), a few KB.
fn tiny_elf(dir: &Path) -> Vec<u8> {
    let src = dir.join("tiny.c");
    std::fs::write(
        &src,
        "static const unsigned char k[16]={0x63,0x7c,0x77,0x7b,0xf2,0x6b,0x6f,0xc5,0x30,0x01,0x67,0x2b,0xfe,0xd7,0xab,0x76};\n\
         void _start(void){ volatile unsigned char x = k[3]; (void)x; for(;;){} }\n",
    )
    .unwrap();
    let out = dir.join("tiny");
    let ok = std::process::Command::new("cc")
        .args(["-Os", "-nostdlib", "-static", "-Wl,--build-id", "-o"])
        .arg(&out)
        .arg(&src)
        .status()
        .expect("cc is needed (Debian: gcc)")
        .success();
    assert!(ok);
    std::fs::read(out).unwrap()
}

/// Offsets where the records of a little-endian pcap file start (after the
/// 24-byte file header), and the file length: read here, not by fx.
fn pcap_record_starts(b: &[u8]) -> Vec<usize> {
    assert_eq!(b[..4], [0xd4, 0xc3, 0xb2, 0xa1], "little-endian pcap");
    let mut starts = Vec::new();
    let mut at = 24;
    while at < b.len() {
        starts.push(at);
        let incl = u32::from_le_bytes(b[at + 8..at + 12].try_into().unwrap()) as usize;
        at += 16 + incl;
    }
    assert_eq!(at, b.len(), "the last record ends the file");
    starts.push(at);
    starts
}

fn hellos(r: &CaptureReport) -> Vec<(String, String, String)> {
    r.streams
        .iter()
        .flat_map(|s| &s.client_hellos)
        .map(|h| (h.ja4.clone(), h.ja4_r.clone(), h.ja3.clone()))
        .collect()
}

#[test]
fn truncated_captures_keep_what_they_read() {
    let full = conformance("tls-alpn-h2.pcap");
    let starts = pcap_record_starts(&full);
    let whole = capture::analyze(&full, CaptureLimits::default()).unwrap();
    assert_eq!((whole.truncated_at, whole.malformed_at), (None, None));
    let all = hellos(&whole);
    assert_eq!(all.len(), 1, "tls-alpn-h2.pcap holds one ClientHello");
    let mut truncated = 0;
    for cut in 0..=full.len() {
        let got = capture::analyze(&full[..cut], CaptureLimits::default());
        if cut < 24 {
            // no file header: refused, as "not a capture" below four bytes
            // (no magic to recognise) and as a cut header after
            let info: ErrorInfo = got.err().unwrap().into();
            let shape = if cut < 4 {
                FailureKind::MalformedHeader
            } else {
                FailureKind::Truncated
            };
            assert_eq!(info.kind, shape, "cut {cut}");
            continue;
        }
        let r = got.unwrap_or_else(|_| panic!("cut {cut}: a whole file header is a capture"));
        // the walk stops at the record the cut falls in, and says where
        let last_start = *starts.iter().rev().find(|s| **s <= cut).unwrap();
        let expect_cut = (last_start != cut).then_some(last_start as u64);
        assert_eq!(r.truncated_at, expect_cut, "cut {cut}");
        assert_eq!(r.malformed_at, None, "cut {cut}");
        truncated += usize::from(r.truncated_at.is_some());
        // what was read before the cut is what the whole file gives for
        // the same records: a prefix of its ClientHellos, identical
        let got = hellos(&r);
        assert_eq!(got[..], all[..got.len()], "cut {cut}");
        let at_start =
            hellos(&capture::analyze(&full[..last_start], CaptureLimits::default()).unwrap());
        assert_eq!(got, at_start, "cut {cut}: the cut record adds nothing");
    }
    // every cut inside a record; none at a record boundary
    assert_eq!(truncated, full.len() + 1 - 24 - (starts.len()));
    assert_eq!(truncated, 3794);
}

/// The shape of a fingerprint (JA4 `a_b_c`, 10 + 12 + 12 characters, `b` and
/// `c` lowercase hex; JA3 32 lowercase hex digits).
fn assert_fingerprint_shape(ja4: &str, ja3: &str) {
    let parts: Vec<&str> = ja4.split('_').collect();
    let hex = |s: &str| {
        s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    };
    assert!(
        parts.iter().map(|p| p.len()).eq([10, 12, 12]) && hex(parts[1]) && hex(parts[2]),
        "JA4 {ja4}"
    );
    assert!(
        matches!(parts[0].as_bytes()[0], b't' | b'q' | b'd'),
        "JA4 {ja4}"
    );
    assert!(ja3.len() == 32 && hex(ja3), "JA3 {ja3}");
}

/// Analyses a (damaged) capture, checks what any outcome must satisfy, and
/// names the outcome for the tally.
fn capture_outcome(m: &[u8]) -> String {
    let first = capture::analyze(m, CaptureLimits::default());
    let again = capture::analyze(m, CaptureLimits::default());
    match (first, again) {
        (Err(e), Err(e2)) => {
            let info: ErrorInfo = e.into();
            let info2: ErrorInfo = e2.into();
            assert_eq!(info, info2, "the same refusal twice");
            assert!(
                matches!(
                    info.kind,
                    FailureKind::MalformedHeader | FailureKind::Truncated
                ),
                "{info:?}"
            );
            format!(
                "refused:{}",
                serde_json::to_value(info.kind).unwrap().as_str().unwrap()
            )
        }
        (Ok(r), Ok(r2)) => {
            assert_eq!(
                serde_json::to_string(&r).unwrap(),
                serde_json::to_string(&r2).unwrap(),
                "the same report twice"
            );
            let len = m.len() as u64;
            assert!(r.truncated_at.is_none() || r.malformed_at.is_none());
            for at in r.truncated_at.iter().chain(&r.malformed_at) {
                assert!(*at < len, "stop offset {at} beyond {len}");
            }
            for h in r.streams.iter().flat_map(|s| &s.client_hellos) {
                assert_fingerprint_shape(&h.ja4, &h.ja3);
                assert_eq!(h.ja4_r[..10], h.ja4[..10]);
            }
            let end = match (r.truncated_at, r.malformed_at) {
                (Some(_), _) => "truncated",
                (_, Some(_)) => "malformed",
                _ => "complete",
            };
            format!("read:{end}:hellos={}", r.client_hello_count().min(3))
        }
        _ => panic!("two runs over the same bytes disagree on refusing them"),
    }
}

/// Light and deep analysis of a (damaged) binary, checked, and its outcome
/// for the tally.
fn binary_outcome(m: &[u8]) -> String {
    let r = binary::light(m);
    let r2 = binary::light(m);
    assert_eq!(r.candidates, r2.candidates, "the same candidates twice");
    assert_eq!(r.scan.constants, r2.scan.constants);
    for c in &r.candidates {
        assert!(libraries::by_name(c.name).is_some(), "{}", c.name);
        assert!(matches!(c.role, "consumer" | "static_copy" | "library"));
        assert!(c.confidence <= 990);
    }
    for h in &r.scan.constants {
        assert!((h.offset as usize) < m.len());
    }
    let d = binary::deep(m, &r);
    if let Some(ins) = &d.instructions {
        assert!(ins.code_bytes <= (m.len() as u64).min(instructions::MAX_CODE_BYTES));
    }
    let libs = if r.candidates.is_empty() {
        "none"
    } else {
        "some"
    };
    match &r.object {
        Ok(info) => {
            assert!(info.sections.len() <= object::MAX_SECTIONS);
            assert!(info.imports.len() <= object::MAX_SYMBOLS);
            assert!(info.defined.len() <= object::MAX_SYMBOLS);
            let format = serde_json::to_value(info.format).unwrap();
            format!(
                "parsed:{}:libraries={libs}",
                format.as_str().unwrap_or("none")
            )
        }
        Err(e) => {
            // becomes the object event's failure shape: one line of goblin's words
            assert!(
                !e.detail.is_empty() && !e.detail.contains('\n') && e.detail.chars().count() <= 200
            );
            let shape = if e.truncated {
                "truncated"
            } else {
                "malformed_header"
            };
            format!("refused:{shape}:libraries={libs}")
        }
    }
}

/// The outcomes of the 18,000 mutations below. Deterministic: a change of
/// any count is a change of behaviour on hostile input, to be understood
/// before these figures are updated.
const MUTATION_OUTCOMES: &[(&str, &str, usize)] = &[
    ("elf", "parsed:elf:libraries=none", 2473),
    ("elf", "refused:malformed_header:libraries=none", 833),
    ("elf", "refused:truncated:libraries=none", 1694),
    ("macho-fat", "parsed:macho:libraries=none", 1298),
    ("macho-fat", "refused:malformed_header:libraries=none", 201),
    ("macho-fat", "refused:truncated:libraries=none", 1),
    ("pcap", "read:complete:hellos=0", 750),
    ("pcap", "read:complete:hellos=1", 1669),
    ("pcap", "read:truncated:hellos=0", 631),
    ("pcap", "read:truncated:hellos=1", 236),
    ("pcap", "refused:malformed_header", 713),
    ("pcap", "refused:truncated", 1),
    ("pcap-dtls", "read:complete:hellos=0", 251),
    ("pcap-dtls", "read:complete:hellos=3", 1087),
    ("pcap-dtls", "read:truncated:hellos=0", 75),
    ("pcap-dtls", "read:truncated:hellos=1", 29),
    ("pcap-dtls", "read:truncated:hellos=2", 13),
    ("pcap-dtls", "read:truncated:hellos=3", 243),
    ("pcap-dtls", "refused:malformed_header", 301),
    ("pcap-dtls", "refused:truncated", 1),
    ("pcapng", "read:complete:hellos=0", 195),
    ("pcapng", "read:complete:hellos=1", 615),
    ("pcapng", "read:malformed:hellos=0", 66),
    ("pcapng", "read:malformed:hellos=1", 5),
    ("pcapng", "read:truncated:hellos=0", 368),
    ("pcapng", "read:truncated:hellos=1", 168),
    ("pcapng", "refused:malformed_header", 472),
    ("pcapng", "refused:truncated", 111),
    ("pcapng-quic", "read:complete:hellos=0", 784),
    ("pcapng-quic", "read:complete:hellos=1", 115),
    ("pcapng-quic", "read:malformed:hellos=0", 62),
    ("pcapng-quic", "read:truncated:hellos=0", 406),
    ("pcapng-quic", "read:truncated:hellos=1", 3),
    ("pcapng-quic", "refused:malformed_header", 492),
    ("pcapng-quic", "refused:truncated", 138),
    ("pe", "parsed:pe:libraries=none", 9),
    ("pe", "refused:malformed_header:libraries=none", 1437),
    ("pe", "refused:truncated:libraries=none", 54),
];

#[test]
fn mutated_captures_and_binaries_keep_their_outcomes() {
    let dir = tempfile::tempdir().unwrap();
    let elf = tiny_elf(dir.path());
    let ehdr_shoff = u64::from_le_bytes(elf[0x28..0x30].try_into().unwrap()) as usize;
    let pq = synth::pq_hybrid_pcap();
    // real pcapng files (ipv6.pcapng is a pcap despite its name): a TLS
    // ClientHello over TCP, and a QUIC Initial (decrypted by fx)
    let ng = conformance("tls-non-ascii-alpn.pcapng");
    let quic = conformance("quic-tls-handshake.pcapng");
    // a fat Mach-O header with two arches pointing into nowhere, and a PE stub
    let mut fat = vec![0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 2];
    fat.extend([
        0, 0, 0, 7, 0, 0, 0, 3, 0, 0, 0x10, 0, 0, 0, 0x10, 0, 0, 0, 0, 12,
    ]);
    fat.extend([
        0x01, 0, 0, 7, 0, 0, 0, 3, 0, 0, 0x20, 0, 0, 0, 0x10, 0, 0, 0, 0, 12,
    ]);
    fat.resize(0x3000, 0);
    fat[0x1000..0x1004].copy_from_slice(&[0xcf, 0xfa, 0xed, 0xfe]);
    let mut pe = b"MZ".to_vec();
    pe.resize(0x40, 0);
    pe[0x3c] = 0x40;
    pe.extend(b"PE\0\0");
    pe.extend([0x64, 0x86, 0xff, 0xff]);
    pe.resize(0x400, 0);

    let mut tally: BTreeMap<(&str, String), usize> = BTreeMap::new();
    let mut count = |family: &'static str, outcome: String| {
        *tally.entry((family, outcome)).or_default() += 1;
    };
    let mut rng = Rng(0x5eed_f00d);
    for _ in 0..4000 {
        let m = mutate(&pq, &mut rng, &[(0, 24), (24, 200), (600, 900)]);
        count("pcap", capture_outcome(&m));
    }
    // block headers: section 0, interface 200, packets 348 and 952
    for _ in 0..2000 {
        let m = mutate(
            &ng,
            &mut rng,
            &[(0, 28), (200, 228), (348, 420), (952, 1020)],
        );
        count("pcapng", capture_outcome(&m));
    }
    for _ in 0..2000 {
        let m = mutate(
            &quic,
            &mut rng,
            &[(0, 28), (200, 228), (348, 460), (460, 1672)],
        );
        count("pcapng-quic", capture_outcome(&m));
    }
    let hot = [
        (0, 64),
        (64, 64 + 56 * 4),
        (ehdr_shoff.min(elf.len()), elf.len()),
    ];
    for _ in 0..5000 {
        let m = mutate(&elf, &mut rng, &hot);
        count("elf", binary_outcome(&m));
    }
    for _ in 0..1500 {
        let m = mutate(&fat, &mut rng, &[(0, 48), (0x1000, 0x1040)]);
        count("macho-fat", binary_outcome(&m));
        let m = mutate(&pe, &mut rng, &[(0, 0x80), (0x80, 0x200)]);
        count("pe", binary_outcome(&m));
    }
    // DTLS: the loopback capture's first connection, whose ClientHellos come
    // in two fragments; DTLS record and handshake headers of its first two
    // frames (the record header at 82 and 368)
    let dtls = std::fs::read(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/dtls-loopback.pcap"),
    )
    .unwrap();
    for _ in 0..2000 {
        let m = mutate(&dtls, &mut rng, &[(0, 24), (82, 120), (368, 400)]);
        count("pcap-dtls", capture_outcome(&m));
    }
    let got: Vec<(String, String, usize)> = tally
        .iter()
        .map(|((f, o), n)| (f.to_string(), o.clone(), *n))
        .collect();
    for (f, o, n) in &got {
        println!("    (\"{f}\", \"{o}\", {n}),");
    }
    assert_eq!(got.iter().map(|g| g.2).sum::<usize>(), 18_000);
    let expected: Vec<(String, String, usize)> = MUTATION_OUTCOMES
        .iter()
        .map(|(f, o, n)| (f.to_string(), o.to_string(), *n))
        .collect();
    assert_eq!(got, expected, "outcomes of the mutated inputs changed");
}

#[test]
fn huge_section_counts_and_block_lengths_are_refused_or_cut() {
    let dir = tempfile::tempdir().unwrap();
    let mut elf = tiny_elf(dir.path());
    // e_shnum = 65535 section headers at offset 64: far more than the file holds
    elf[0x28..0x30].copy_from_slice(&64u64.to_le_bytes());
    elf[0x3c..0x3e].copy_from_slice(&0xffffu16.to_le_bytes());
    let r = binary::light(&elf);
    let e = r
        .object
        .as_ref()
        .expect_err("65535 section headers past the end: refused");
    // the header lies about the file (nothing is cut): malformed_header
    assert_eq!(
        (e.detail.as_str(), e.truncated),
        ("Buffer is too short for 65535 section headers", false)
    );
    assert!(r.candidates.is_empty());
    // a pcap record declaring 4 GB captured (ipv6.pcapng is a pcap): the
    // walk stops at that record as at a cut, nothing is allocated for it
    let mut pcap = conformance("ipv6.pcapng");
    pcap[24 + 8..24 + 12].copy_from_slice(&0xfff0_0000u32.to_le_bytes());
    let r = capture::analyze(&pcap, CaptureLimits::default()).unwrap();
    assert_eq!((r.truncated_at, r.malformed_at), (Some(24), None));
    assert_eq!(r.client_hello_count(), 0);
    // a pcapng block declaring a huge length: the same
    let mut ng = conformance("tls-non-ascii-alpn.pcapng");
    ng[348 + 4..348 + 8].copy_from_slice(&0xfff0_0000u32.to_le_bytes());
    let r = capture::analyze(&ng, CaptureLimits::default()).unwrap();
    assert_eq!((r.truncated_at, r.malformed_at), (Some(348), None));
    assert_eq!(r.client_hello_count(), 0);
}

#[test]
fn overlapping_sections_resolve_to_the_first_in_file_order() {
    let s = |name: &str, offset, size| object::Section {
        name: name.into(),
        offset,
        size,
        code: false,
    };
    let mut sections = vec![s(".b", 100, 50), s(".a", 0, 1000), s(".c", 120, 10)];
    sections.sort_by_key(|s| (s.offset, s.size));
    assert_eq!(
        object::section_at(&sections, 125).map(|s| s.name.as_str()),
        Some(".c")
    );
    assert_eq!(
        object::section_at(&sections, 500).map(|s| s.name.as_str()),
        Some(".a")
    );
    assert_eq!(object::section_at(&sections, 5000), None);
}

#[test]
fn not_a_capture_is_a_failure_shape() {
    let e = capture::analyze(b"hello, world", CaptureLimits::default()).unwrap_err();
    let info: fx_core::ErrorInfo = e.into();
    assert_eq!(info.kind, fx_core::FailureKind::MalformedHeader);
    let e =
        capture::analyze(&[0xd4, 0xc3, 0xb2, 0xa1, 2, 0], CaptureLimits::default()).unwrap_err();
    let info: fx_core::ErrorInfo = e.into();
    assert_eq!(info.kind, fx_core::FailureKind::Truncated);
}
