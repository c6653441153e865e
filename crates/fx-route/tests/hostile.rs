//! Hostile input: at least 100,000 deterministic mutations of real artifacts
//! (the samples in `samples/`, plus `/bin/true` when present) through the
//! router's library entry point — truncations, bit flips, length-field
//! inflation, nesting bombs. No panic, and no allocation larger than a fixed
//! multiple of the input (checked by a counting global allocator).
#![allow(clippy::unwrap_used)]
// The counting allocator below needs `unsafe impl GlobalAlloc`; it only
// forwards to the system allocator.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::path::Path;

struct Counting;

thread_local! {
    /// Largest allocation made by this thread since the last reset (tests
    /// run on several threads; each only sees its own allocations).
    static LARGEST: Cell<usize> = const { Cell::new(0) };
}

fn note(size: usize) {
    let _ = LARGEST.try_with(|l| l.set(l.get().max(size)));
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note(layout.size());
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note(new_size);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// Sniff window used here (the policy default is 64 KiB).
const WINDOW: usize = 64 * 1024;

fn seeds() -> Vec<(String, Vec<u8>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samples");
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(dir) = stack.pop() {
        let mut entries: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_none_or(|e| e != "sh" && e != "md") {
                let b = std::fs::read(&p).unwrap();
                if !b.is_empty() && b.len() <= 8192 {
                    out.push((p.display().to_string(), b));
                }
            }
        }
    }
    if let Ok(b) = std::fs::read("/bin/true") {
        out.push((
            "/bin/true (first 4 KiB)".into(),
            b[..b.len().min(4096)].to_vec(),
        ));
    }
    out.sort();
    out
}

/// Deterministic xorshift64*.
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

/// Runs one input the way the stage does: a prefix and the claimed size.
fn route(bytes: &[u8], claimed_size: u64) -> usize {
    LARGEST.with(|l| l.set(0));
    let prefix = &bytes[..bytes.len().min(WINDOW)];
    let v = fx_route::sniff(prefix, claimed_size);
    assert!(!v.labels.is_empty());
    for l in &v.labels {
        assert!(l.confidence <= 1000);
    }
    let largest = LARGEST.with(Cell::get);
    // Nothing may be sized by a length field: allocations stay within a
    // small multiple of what was read.
    assert!(
        largest <= 4 * prefix.len() + 16 * 1024,
        "allocation of {largest} bytes for {} input bytes",
        prefix.len()
    );
    1
}

fn bombs() -> Vec<Vec<u8>> {
    vec![
        [0x30u8, 0x80].repeat(30_000),
        [0x30u8, 0x84, 0xff, 0xff, 0xff, 0xff].repeat(10_000),
        [0x30u8, 0x82, 0xff, 0xff].repeat(15_000),
        b"-----BEGIN CERTIFICATE-----\n".repeat(3_000),
        b"-----BEGIN ".repeat(6_000),
        b"ssh-ed25519 AAAA".repeat(4_000),
        b"$2b$12$".repeat(9_000),
        b"{\"kty\":".repeat(9_000),
        b"eyJ.".repeat(16_000),
        b"QUFB".repeat(16_000),
        b"0".repeat(70_000),
        [0x16u8, 0x03, 0x03, 0x00, 0x00].repeat(12_000),
        [0x16u8, 0x03, 0x01, 0x40, 0x00, 0x01].repeat(10_000),
        vec![0u8; 70_000],
        vec![0xffu8; 70_000],
        b"\xd4\xc3\xb2\xa1".repeat(17_000),
    ]
}

#[test]
fn hundred_thousand_mutations_never_panic_or_overallocate() {
    let seeds = seeds();
    assert!(seeds.len() >= 10, "samples missing: {}", seeds.len());
    let mut rng = Rng(0x5eed_f00d_dead_beef);
    let mut runs = 0usize;
    for (_, seed) in &seeds {
        let n = seed.len();
        // Truncations at every length (capped), claimed at the real and the cut size.
        for cut in (0..=n).step_by((n / 400).max(1)) {
            runs += route(&seed[..cut], cut as u64);
            runs += route(&seed[..cut], n as u64);
        }
        // Single and multiple bit flips.
        for _ in 0..2500 {
            let mut m = seed.clone();
            for _ in 0..1 + rng.below(4) {
                let i = rng.below(n);
                m[i] ^= 1 << rng.below(8);
            }
            runs += route(&m, m.len() as u64);
        }
        // Length-field inflation: long-form DER lengths, u16/u32 fields.
        for _ in 0..1500 {
            let mut m = seed.clone();
            let i = rng.below(n);
            match rng.below(4) {
                0 => m[i] = 0x84,
                1 => m[i] = 0xff,
                2 => {
                    for b in m.iter_mut().skip(i).take(4) {
                        *b = 0xff;
                    }
                }
                _ => m[i] = 0x80,
            }
            runs += route(&m, m.len() as u64);
        }
        // Splices: a random slice of the seed repeated, and a lying size.
        for _ in 0..300 {
            let a = rng.below(n);
            let b = (a + 1 + rng.below(64)).min(n);
            let m = [
                &seed[..a],
                &seed[a..b].repeat(1 + rng.below(50)),
                &seed[a..],
            ]
            .concat();
            runs += route(&m, m.len() as u64);
            runs += route(&m, rng.next() >> rng.below(64));
        }
    }
    for bomb in bombs() {
        runs += route(&bomb, bomb.len() as u64);
        runs += route(&bomb, u64::MAX);
        runs += route(&bomb[..bomb.len() / 3], bomb.len() as u64);
    }
    println!(
        "route hostile mutations: {runs} runs over {} seeds",
        seeds.len()
    );
    assert!(runs >= 100_000, "only {runs} mutations");
}

#[test]
fn output_is_deterministic() {
    for (name, seed) in seeds() {
        let a = serde_json::to_string(&fx_route::sniff(&seed, seed.len() as u64)).unwrap();
        let b = serde_json::to_string(&fx_route::sniff(&seed, seed.len() as u64)).unwrap();
        assert_eq!(a, b, "{name}");
    }
}
