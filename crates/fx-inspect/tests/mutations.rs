//! Hostile input: 100,000+ deterministic mutations of the real fixtures
//! (truncations, bit flips, length-field inflation, nesting bombs, base64
//! damage) through the library entry point. Every one must end in a verdict
//! (a `triage` event with a container or a failure shape), never a panic,
//! and the memory one inspection allocates is bounded by its input
//! (measured with a counting allocator: peak ≤ 64 × input + 4 MiB).
#![allow(clippy::unwrap_used, unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use fx_inspect::{InspectConfig, events, inspect};

/// Counts live bytes and the peak since the last reset.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards to the system allocator unchanged; only counts sizes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(l) };
        if !p.is_null() {
            let now = LIVE.fetch_add(l.size(), Ordering::Relaxed) + l.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        unsafe { System.dealloc(p, l) };
        LIVE.fetch_sub(l.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// xorshift64*: deterministic, no dependency.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

fn mutate(rng: &mut Rng, src: &[u8]) -> Vec<u8> {
    let mut b = src.to_vec();
    match rng.below(7) {
        // truncation
        0 => b.truncate(rng.below(b.len() + 1)),
        // bit flips
        1 => {
            for _ in 0..1 + rng.below(4) {
                let i = rng.below(b.len());
                if let Some(x) = b.get_mut(i) {
                    *x ^= 1 << rng.below(8);
                }
            }
        }
        // length-field inflation: a long-form length made huge, or a short one maxed
        2 => {
            let starts: Vec<usize> = b
                .iter()
                .enumerate()
                .filter(|(_, x)| (0x81..=0x84).contains(*x))
                .map(|(i, _)| i)
                .collect();
            if let Some(&i) = starts.get(rng.below(starts.len())) {
                let n = usize::from(b[i] & 0x7f);
                for j in 1..=n {
                    if let Some(x) = b.get_mut(i + j) {
                        *x = 0xff;
                    }
                }
            } else if let Some(x) = b.get_mut(rng.below(src.len())) {
                *x = 0x7f;
            }
        }
        // nesting bomb spliced in
        3 => {
            let at = rng.below(b.len() + 1);
            let depth = 1 + rng.below(4000);
            let bomb: Vec<u8> = std::iter::repeat_n([0x30u8, 0x80], depth)
                .flatten()
                .collect();
            b.splice(at..at, bomb);
        }
        // indefinite length / EOC damage
        4 => {
            let i = rng.below(b.len());
            if let Some(x) = b.get_mut(i) {
                *x = if rng.below(2) == 0 { 0x80 } else { 0x00 };
            }
        }
        // base64 / text damage
        5 => {
            let i = rng.below(b.len());
            if let Some(x) = b.get_mut(i) {
                *x = b"*=-\n\r \0"[rng.below(7)];
            }
        }
        // chunk duplication (trailing data, repeated blocks)
        _ => {
            let s = rng.below(b.len());
            let e = (s + rng.below(256)).min(b.len());
            let chunk = b[s..e].to_vec();
            let at = rng.below(b.len() + 1);
            b.splice(at..at, chunk);
        }
    }
    b
}

#[test]
fn hundred_thousand_mutations_end_in_a_verdict() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/inspect/files");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    // Large blobs add time, not coverage: keep fixtures up to 8 KiB.
    let corpus: Vec<Vec<u8>> = files
        .iter()
        .map(|f| std::fs::read(f).unwrap())
        .filter(|b| b.len() <= 8192)
        .collect();
    assert!(corpus.len() >= 50);
    let n: usize = std::env::var("FX_MUTATIONS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(100_000);
    let cfg = InspectConfig::default();
    let mut rng = Rng(0x5eed_f00d_cafe_babe);
    let (mut failed_shape, mut parsed) = (0usize, 0usize);
    for i in 0..n {
        let src = &corpus[i % corpus.len()];
        let input = mutate(&mut rng, src);
        let base = LIVE.load(Ordering::Relaxed);
        PEAK.store(base, Ordering::Relaxed);
        let evs = events(&inspect(&input, &cfg), &cfg);
        let peak = PEAK.load(Ordering::Relaxed).saturating_sub(base);
        assert!(
            peak <= 64 * input.len() + (4 << 20),
            "mutation {i}: {peak} bytes allocated for {} input bytes",
            input.len()
        );
        let t = evs.last().expect("events");
        assert_eq!(t.step, "triage", "mutation {i}");
        let c = t.conclusion.as_ref().expect("triage conclusion");
        assert!(
            c.container.is_some() || !c.failures.is_empty(),
            "mutation {i}: no verdict: {c:?}"
        );
        if c.failures.is_empty() {
            parsed += 1;
        } else {
            failed_shape += 1;
        }
    }
    println!(
        "mutations: {n} inputs, {parsed} parsed clean, {failed_shape} ended in failure shapes"
    );
    assert_eq!(parsed + failed_shape, n);
}
