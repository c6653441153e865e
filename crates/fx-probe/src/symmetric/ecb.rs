//! ECB repetition: identical aligned blocks, counted and located.
//!
//! ECB encrypts equal plaintext blocks to equal ciphertext blocks, so a
//! block-aligned ciphertext whose blocks repeat, while each block on its own
//! looks random, is ECB's signature. Plaintext repeats too, hence the second
//! test: the mean number of distinct byte values per distinct block
//! ([`Repeats::mean_distinct_x100`]) must be near what random blocks show
//! (15.54 of 16 for 16-byte blocks, 7.89 of 8 for 8-byte blocks), and the
//! repeated blocks themselves must look random.

/// Bytes of a region the ECB scan looks at (16 MiB: the default work budget).
pub const ECB_WINDOW: usize = 16 << 20;
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

    /// The result of a scan that cannot find a repeat (every block distinct),
    /// without scanning.
    pub fn none(bytes: &[u8], block: usize) -> Repeats {
        let n = (bytes.len().min(ECB_WINDOW) / block) as u64;
        Repeats {
            block,
            blocks: n,
            distinct: n,
            locations: Vec::new(),
            mean_distinct_x100: 0,
            diverse_repeats: 0,
        }
    }

    /// Scans the first [`ECB_WINDOW`] bytes of `bytes` in aligned blocks of
    /// `block` (8 or 16) bytes.
    pub fn scan(bytes: &[u8], block: usize) -> Repeats {
        let bytes = &bytes[..bytes.len().min(ECB_WINDOW)];
        let n = bytes.len() / block;
        // Open addressing, at most half full: each slot holds the upper 32
        // bits of the block's hash and its index + 1 (0 = empty); a tag
        // match is confirmed on the bytes.
        let cap = (n * 2).next_power_of_two().max(16);
        let mask = cap - 1;
        let mut table: Vec<u64> = vec![0; cap];
        let mut locations = Vec::new();
        let mut distinct = 0u64;
        let mut diversity_sum = 0u64;
        let mut diversity_n = 0u64;
        let mut diverse_repeats = 0u64;
        let diverse_floor = if block == 16 { 12 } else { 6 };
        for (i, chunk) in bytes.chunks_exact(block).enumerate() {
            let hash = hash_block(chunk);
            let tag = hash >> 32;
            let mut h = (hash as usize) & mask;
            loop {
                let slot = table[h];
                if slot == 0 {
                    table[h] = (tag << 32) | (i as u64 + 1);
                    distinct += 1;
                    if (diversity_n as usize) < DIVERSITY_SAMPLE {
                        diversity_n += 1;
                        diversity_sum += distinct_bytes(chunk);
                    }
                    break;
                }
                let j = ((slot & 0xffff_ffff) - 1) as usize;
                if slot >> 32 == tag && bytes[j * block..(j + 1) * block] == *chunk {
                    if distinct_bytes(chunk) >= diverse_floor {
                        diverse_repeats += 1;
                    }
                    if locations.len() < MAX_LOCATIONS {
                        locations.push(RepeatAt {
                            offset: (i * block) as u64,
                            first: (j * block) as u64,
                        });
                    }
                    break;
                }
                h = (h + 1) & mask;
            }
        }
        Repeats {
            block,
            blocks: n as u64,
            distinct,
            locations,
            mean_distinct_x100: (diversity_sum * 100).checked_div(diversity_n).unwrap_or(0),
            diverse_repeats,
        }
    }
}

/// Hash of one 8- or 16-byte block (keys are attacker-chosen, but a
/// collision only costs a probe step, and [`ECB_WINDOW`] bounds the input).
fn hash_block(chunk: &[u8]) -> u64 {
    let mut buf = [0u8; 16];
    buf[..chunk.len()].copy_from_slice(chunk);
    let lo = u64::from_le_bytes([
        buf[0], buf[1], buf[2], buf[3], buf[4], buf[5], buf[6], buf[7],
    ]);
    let hi = u64::from_le_bytes([
        buf[8], buf[9], buf[10], buf[11], buf[12], buf[13], buf[14], buf[15],
    ]);
    let x = lo ^ hi.rotate_left(29).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    let x = (x ^ (x >> 31)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x ^ (x >> 29)
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
