//! ECB repetition: identical aligned blocks, counted and located.
//!
//! ECB encrypts equal plaintext blocks to equal ciphertext blocks, so a
//! block-aligned ciphertext whose blocks repeat, while each block on its own
//! looks random, is ECB's signature. Plaintext repeats too, hence the second
//! test: the mean number of distinct byte values per distinct block
//! ([`Repeats::mean_distinct_x100`]) must be near what random blocks show
//! (15.54 of 16 for 16-byte blocks, 7.89 of 8 for 8-byte blocks), and the
//! repeated blocks themselves must look random.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Repeats listed per scan.
pub const MAX_LOCATIONS: usize = 8;
/// Distinct blocks whose byte diversity is measured.
const DIVERSITY_SAMPLE: usize = 4096;

/// One repeated block.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct RepeatAt {
    /// Offset of the repeat.
    pub offset: u64,
    /// Offset of the first block with the same bytes.
    pub first: u64,
}

/// Result of a scan at one block size.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Repeats {
    /// Block size in bytes (8 or 16).
    pub block: usize,
    /// Whole blocks scanned.
    pub blocks: u64,
    /// Distinct blocks.
    pub distinct: u64,
    /// The first [`MAX_LOCATIONS`] repeats.
    pub locations: Vec<RepeatAt>,
    /// Mean distinct byte values per distinct block, ×100 (sampled).
    pub mean_distinct_x100: u64,
    /// Repeats whose block itself looks random (≥ 12 distinct bytes of 16,
    /// ≥ 6 of 8): a repeated run of zeros or a fixed filler IV is not ECB.
    pub diverse_repeats: u64,
}

impl Repeats {
    /// Blocks equal to an earlier block.
    pub fn repeated(&self) -> u64 {
        self.blocks - self.distinct
    }

    /// True when blocks repeat and the distinct blocks look random.
    pub fn looks_like_ecb(&self) -> bool {
        let floor = if self.block == 16 { 1400 } else { 720 };
        self.diverse_repeats > 0 && self.mean_distinct_x100 >= floor
    }

    /// Scans `bytes` in aligned blocks of `block` (8 or 16) bytes.
    pub fn scan(bytes: &[u8], block: usize) -> Repeats {
        let mut seen: HashMap<u128, u64, BuildHasherDefault<BlockHasher>> = HashMap::default();
        let mut locations = Vec::new();
        let mut blocks = 0u64;
        let mut diversity_sum = 0u64;
        let mut diversity_n = 0u64;
        let mut diverse_repeats = 0u64;
        let diverse_floor = if block == 16 { 12 } else { 6 };
        for (i, chunk) in bytes.chunks_exact(block).enumerate() {
            blocks += 1;
            let mut buf = [0u8; 16];
            buf[..block].copy_from_slice(chunk);
            let key = u128::from_le_bytes(buf);
            let off = (i * block) as u64;
            match seen.get(&key) {
                Some(&first) => {
                    if distinct_bytes(chunk) >= diverse_floor {
                        diverse_repeats += 1;
                    }
                    if locations.len() < MAX_LOCATIONS {
                        locations.push(RepeatAt { offset: off, first });
                    }
                }
                None => {
                    seen.insert(key, off);
                    if (diversity_n as usize) < DIVERSITY_SAMPLE {
                        diversity_n += 1;
                        diversity_sum += distinct_bytes(chunk);
                    }
                }
            }
        }
        Repeats {
            block,
            blocks,
            distinct: seen.len() as u64,
            locations,
            mean_distinct_x100: (diversity_sum * 100).checked_div(diversity_n).unwrap_or(0),
            diverse_repeats,
        }
    }
}

fn distinct_bytes(chunk: &[u8]) -> u64 {
    let mut seen = [false; 256];
    let mut n = 0;
    for &b in chunk {
        if !seen[b as usize] {
            seen[b as usize] = true;
            n += 1;
        }
    }
    n
}

/// A fast hasher for 128-bit block keys (the keys are attacker-chosen, but a
/// collision only costs time, and the work budget bounds the input).
#[derive(Default)]
pub struct BlockHasher(u64);

impl Hasher for BlockHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
    }
    fn write_u128(&mut self, v: u128) {
        let x = (v as u64) ^ ((v >> 64) as u64).rotate_left(29);
        self.0 = (x ^ (x >> 31)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        self.0 ^= self.0 >> 29;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_locates_repeats() {
        let mut b = vec![0u8; 0];
        let blk: Vec<u8> = (0..16u8)
            .map(|i| i.wrapping_mul(37).wrapping_add(11))
            .collect();
        b.extend_from_slice(&blk);
        b.extend_from_slice(&(100..116u8).collect::<Vec<_>>());
        b.extend_from_slice(&blk);
        let r = Repeats::scan(&b, 16);
        assert_eq!(r.blocks, 3);
        assert_eq!(r.repeated(), 1);
        assert_eq!(
            r.locations,
            vec![RepeatAt {
                offset: 32,
                first: 0
            }]
        );
        assert!(r.looks_like_ecb());
        // Repeated zero blocks are repeats but not ECB-looking.
        let z = Repeats::scan(&[0u8; 64], 16);
        assert_eq!(z.repeated(), 3);
        assert!(!z.looks_like_ecb());
    }
}
