//! Hostile input: truncated and corrupted captures and binaries, huge
//! section counts, overlapping sections. Nothing may panic; failures come
//! back as failure shapes. The mutation test runs 16,000 deterministic cases.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use fx_fingerprint::binary::{self, object};
use fx_fingerprint::capture::{self, CaptureLimits, synth};

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

#[test]
fn truncated_captures_keep_what_they_read() {
    let full = conformance("tls-alpn-h2.pcap");
    let whole = capture::analyze(&full, CaptureLimits::default()).unwrap();
    assert!(whole.truncated_at.is_none());
    let mut shapes = 0;
    for cut in 0..full.len() {
        match capture::analyze(&full[..cut], CaptureLimits::default()) {
            Ok(r) => {
                assert!(r.client_hello_count() <= whole.client_hello_count());
                shapes += usize::from(r.truncated_at.is_some());
            }
            Err(_) => assert!(
                cut < 32,
                "only a cut header may refuse the file (cut {cut})"
            ),
        }
    }
    assert!(shapes > full.len() / 2);
}

#[test]
fn mutated_captures_and_binaries_never_panic() {
    let dir = tempfile::tempdir().unwrap();
    let elf = tiny_elf(dir.path());
    let ehdr_shoff = u64::from_le_bytes(elf[0x28..0x30].try_into().unwrap()) as usize;
    let pq = synth::pq_hybrid_pcap();
    let ng = conformance("ipv6.pcapng");
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

    let mut rng = Rng(0x5eed_f00d);
    let mut cases = 0u32;
    for _ in 0..4000 {
        let m = mutate(&pq, &mut rng, &[(0, 24), (24, 200), (600, 900)]);
        let _ = capture::analyze(&m, CaptureLimits::default());
        cases += 1;
    }
    for _ in 0..4000 {
        let m = mutate(&ng, &mut rng, &[(0, 64), (64, 400)]);
        let _ = capture::analyze(&m, CaptureLimits::default());
        cases += 1;
    }
    let hot = [
        (0, 64),
        (64, 64 + 56 * 4),
        (ehdr_shoff.min(elf.len()), elf.len()),
    ];
    for _ in 0..5000 {
        let m = mutate(&elf, &mut rng, &hot);
        let r = binary::light(&m);
        let _ = binary::deep(&m, &r);
        cases += 1;
    }
    for _ in 0..1500 {
        let m = mutate(&fat, &mut rng, &[(0, 48), (0x1000, 0x1040)]);
        let _ = binary::light(&m);
        let m = mutate(&pe, &mut rng, &[(0, 0x80), (0x80, 0x200)]);
        let _ = binary::light(&m);
        cases += 2;
    }
    println!("{cases} mutated inputs, no panic");
    assert!(cases >= 16_000);
}

#[test]
fn huge_section_counts_are_refused_or_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let mut elf = tiny_elf(dir.path());
    // e_shnum = 65535 section headers at offset 64: far more than the file holds
    elf[0x28..0x30].copy_from_slice(&64u64.to_le_bytes());
    elf[0x3c..0x3e].copy_from_slice(&0xffffu16.to_le_bytes());
    let r = binary::light(&elf);
    match &r.object {
        Ok(info) => assert!(info.sections.len() <= object::MAX_SECTIONS),
        Err(e) => assert!(!e.detail.is_empty()),
    }
    // pcapng declaring a huge block length
    let mut ng = conformance("ipv6.pcapng");
    let at = 28 + 4;
    ng[at..at + 4].copy_from_slice(&0xfff0_0000u32.to_le_bytes());
    let r = capture::analyze(&ng, CaptureLimits::default());
    if let Ok(r) = r {
        assert!(r.truncated_at.is_some() || r.malformed_at.is_some());
    }
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
