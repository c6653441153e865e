//! Hostile input: 100,000 deterministic mutations of real hashes (hashcat's
//! examples and the library-generated ones) — truncations, byte flips,
//! separator insertions, length inflation, invalid UTF-8 — go through the
//! identification, the parameter extractors, the weakness rules and the file
//! audit without a panic.

use fx_probe::hash_kdf::audit::audit;
use fx_probe::hash_kdf::baseline::{BASELINES, OWASP_2025, WEAKNESS_IDS};
use fx_probe::hash_kdf::identify;

/// A fixed-seed xorshift generator: the same mutations on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn seeds() -> Vec<Vec<u8>> {
    let text =
        std::fs::read_to_string("tests/data/hashcat/example-hashes.txt").expect("hashcat data");
    let json: serde_json::Value =
        serde_json::from_str(&text[text.find('{').expect("json")..]).expect("json");
    let mut out: Vec<Vec<u8>> = json
        .as_object()
        .expect("object")
        .values()
        .filter_map(|v| v["example_hash"].as_str())
        .filter(|h| h.len() <= 4096)
        .map(|h| h.as_bytes().to_vec())
        .collect();
    let generated = std::fs::read_to_string("tests/data/hashes/generated.tsv").expect("generated");
    out.extend(
        generated
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| l.splitn(4, '\t').nth(3))
            .map(|l| l.as_bytes().to_vec()),
    );
    out
}

fn mutate(rng: &mut Rng, seed: &[u8]) -> Vec<u8> {
    let mut m = seed.to_vec();
    for _ in 0..1 + rng.below(3) {
        let at = rng.below(m.len() + 1);
        match rng.below(8) {
            0 => m.truncate(at),
            1 if !m.is_empty() => {
                let i = at.min(m.len() - 1);
                m[i] ^= 1 << rng.below(8);
            }
            2 => m.insert(at, b"$:*,={}"[rng.below(7)]),
            3 => {
                // Inflate a number or a field: a long run of digits.
                let run = vec![b'9'; 1 + rng.below(40)];
                m.splice(at..at, run);
            }
            4 => m.splice(at..at, b"rounds=".iter().copied()).for_each(drop),
            5 => m.insert(at, 0xff),
            6 if !m.is_empty() => {
                m.remove(at.min(m.len() - 1));
            }
            _ => m.extend_from_slice(b"$$$:::"),
        }
    }
    m
}

#[test]
fn hundred_thousand_mutations_never_panic() {
    let seeds = seeds();
    assert!(seeds.len() > 400);
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut identified = 0usize;
    let mut blob = Vec::new();
    for i in 0..100_000 {
        let m = mutate(&mut rng, &seeds[i % seeds.len()]);
        if let Ok(s) = std::str::from_utf8(&m)
            && let Some(id) = identify(s)
        {
            identified += 1;
            let p = id.params();
            for b in BASELINES {
                for f in id.findings(&p, b) {
                    assert!(
                        WEAKNESS_IDS.contains(&f.id),
                        "weakness id {} is listed",
                        f.id
                    );
                }
            }
        }
        if i % 10 == 0 {
            blob.extend_from_slice(&m);
            blob.push(b'\n');
        }
    }
    let a = audit(&blob, &OWASP_2025, 1_000_000, u64::MAX);
    assert_eq!(
        a.totals.identified + a.totals.unidentified + a.totals.no_hash,
        a.totals.lines_seen - a.totals.not_text
    );
    println!(
        "100000 mutations: {identified} still identified; file audit of {} lines ok",
        a.totals.lines_seen
    );
}
