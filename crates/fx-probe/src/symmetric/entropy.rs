//! Byte statistics with fixed, documented settings.
//!
//! * **Window:** the first [`ENTROPY_WINDOW`] bytes (1 MiB) of the probed
//!   region (after any decoding); the rest of the region still counts for
//!   lengths and ECB repetition.
//! * **Shannon entropy** in bits per byte, `-Σ p·log2 p` over the 256 byte
//!   values, rounded to 4 decimals.
//! * **Chi-square** against the uniform distribution over 256 values (255
//!   degrees of freedom), computed exactly in integers:
//!   `χ² = 256·Σ c² / n − n`, written ×100 and truncated (`chi_square_x100`).
//!   For uniform random data χ² has mean 255 and standard deviation ≈ 22.6;
//!   [`CHI2_RANDOM_LOW`]..=[`CHI2_RANDOM_HIGH`] (180..=340, beyond ±3σ) is what
//!   fx calls "random-like" for windows of at least [`CHI2_MIN_BYTES`] bytes.

/// Bytes of a region the statistics look at.
pub const ENTROPY_WINDOW: usize = 1 << 20;
/// Smallest window for which the chi-square bounds are used.
pub const CHI2_MIN_BYTES: usize = 1024;
/// Lower bound of random-like χ² (inclusive).
pub const CHI2_RANDOM_LOW: u64 = 180;
/// Upper bound of random-like χ² (inclusive).
pub const CHI2_RANDOM_HIGH: u64 = 340;

/// Statistics of one window.
#[derive(Clone, Debug, PartialEq)]
pub struct Stats {
    /// Bytes in the window.
    pub n: usize,
    /// Shannon entropy, bits per byte, rounded to 4 decimals.
    pub shannon: f64,
    /// χ² × 100 (integer).
    pub chi_square_x100: u64,
    /// Distinct byte values seen.
    pub distinct: u32,
    /// Printable ASCII (and `\t\n\r`) per mille.
    pub printable_per_mille: u32,
}

impl Stats {
    /// Statistics of the first [`ENTROPY_WINDOW`] bytes of `bytes`.
    pub fn of(bytes: &[u8]) -> Stats {
        let w = &bytes[..bytes.len().min(ENTROPY_WINDOW)];
        let mut counts = [0u64; 256];
        for &b in w {
            counts[b as usize] += 1;
        }
        let n = w.len() as u64;
        let mut shannon = 0.0f64;
        let mut sum_sq: u128 = 0;
        let mut distinct = 0u32;
        let mut printable = 0u64;
        for (v, &c) in counts.iter().enumerate() {
            if c == 0 {
                continue;
            }
            distinct += 1;
            let p = c as f64 / n as f64;
            shannon -= p * p.log2();
            sum_sq += (c as u128) * (c as u128);
            if (0x20..0x7f).contains(&v) || v == 9 || v == 10 || v == 13 {
                printable += c;
            }
        }
        let chi_square_x100 = if n == 0 {
            0
        } else {
            // 100·(256·Σc²/n − n) = (25600·Σc² − 100·n²) / n, exact integers.
            let num = 25600u128 * sum_sq;
            let sub = 100u128 * (n as u128) * (n as u128);
            (num.saturating_sub(sub) / n as u128) as u64
        };
        Stats {
            n: w.len(),
            shannon: (shannon * 1e4).round() / 1e4,
            chi_square_x100,
            distinct,
            printable_per_mille: (printable * 1000).checked_div(n).unwrap_or(0) as u32,
        }
    }

    /// χ² rounded down to an integer.
    pub fn chi_square(&self) -> u64 {
        self.chi_square_x100 / 100
    }

    /// Whether the window looks like uniform random bytes: χ² inside the
    /// documented bounds for windows ≥ [`CHI2_MIN_BYTES`]; for shorter ones,
    /// at least 90 % of the distinct values a uniform source would show and
    /// little printable text.
    pub fn random_like(&self) -> bool {
        if self.n == 0 {
            return false;
        }
        if self.n >= CHI2_MIN_BYTES {
            (CHI2_RANDOM_LOW..=CHI2_RANDOM_HIGH).contains(&self.chi_square())
        } else {
            let expected = 256.0 * (1.0 - (255.0f64 / 256.0).powi(self.n as i32));
            f64::from(self.distinct) >= 0.9 * expected && self.printable_per_mille < 900
        }
    }
}

/// Deterministic pseudo-random bytes for tests (xorshift64).
#[cfg(test)]
pub(crate) mod tests_support {
    /// `n` bytes from xorshift64 seeded with `seed` (non-zero).
    pub(crate) fn xorshift(seed: u64, n: usize) -> Vec<u8> {
        let mut x = seed;
        (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                (x >> 24) as u8
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::tests_support::xorshift;
    use super::*;

    #[test]
    fn uniform_counts_give_zero_chi_square_and_eight_bits() {
        let bytes: Vec<u8> = (0..4096u32).map(|i| i as u8).collect();
        let s = Stats::of(&bytes);
        assert_eq!(s.chi_square_x100, 0);
        assert_eq!(s.shannon, 8.0);
        assert_eq!(s.distinct, 256);
    }

    #[test]
    fn random_bytes_are_random_like_and_text_is_not() {
        let r = Stats::of(&xorshift(7, 65536));
        assert!(r.random_like(), "{r:?}");
        assert!(r.shannon > 7.99);
        let t = Stats::of(&b"the quick brown fox jumps over the lazy dog ".repeat(100));
        assert!(!t.random_like());
        assert!(t.printable_per_mille == 1000);
        assert!(Stats::of(&xorshift(3, 200)).random_like());
        assert!(!Stats::of(&[0u8; 200]).random_like());
        assert!(!Stats::of(&[]).random_like());
    }
}
