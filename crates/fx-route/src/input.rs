//! What every sniffer sees: the bounded prefix, the artifact size, and byte
//! statistics computed once in a single pass.

/// The bytes under examination and what is known about the whole.
#[derive(Clone, Debug)]
pub struct Input<'a> {
    /// The sniffed prefix (at most `route.sniff_bytes`).
    pub bytes: &'a [u8],
    /// Size of the whole artifact (or decoded payload) when known.
    pub size: Option<u64>,
    /// Decoding layers above these bytes (0: the artifact itself).
    pub depth: u8,
    /// Statistics of `bytes`.
    pub stats: ByteStats,
}

impl<'a> Input<'a> {
    /// Wraps a prefix of an artifact of `size` bytes (`None`: unknown).
    pub fn new(bytes: &'a [u8], size: Option<u64>, depth: u8) -> Input<'a> {
        Input {
            bytes,
            size,
            depth,
            stats: ByteStats::of(bytes),
        }
    }

    /// Wraps bytes without computing their statistics (for sniffers that
    /// read only magic numbers).
    pub fn bare(bytes: &'a [u8], size: Option<u64>) -> Input<'a> {
        Input {
            bytes,
            size,
            depth: 0,
            stats: ByteStats {
                len: bytes.len(),
                distinct: 0,
                entropy_millibits: 0,
                is_text: false,
            },
        }
    }

    /// True when the prefix is the whole artifact.
    pub fn complete(&self) -> bool {
        self.size == Some(self.bytes.len() as u64)
    }

    /// The text of the prefix when it is text (a UTF-8 sequence cut by the
    /// end of the prefix is dropped).
    pub fn text(&self) -> Option<&'a str> {
        if !self.stats.is_text {
            return None;
        }
        match std::str::from_utf8(self.bytes) {
            Ok(s) => Some(s),
            Err(e) => std::str::from_utf8(&self.bytes[..e.valid_up_to()]).ok(),
        }
    }
}

/// Byte statistics of a prefix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ByteStats {
    /// Bytes examined.
    pub len: usize,
    /// Distinct byte values.
    pub distinct: u16,
    /// Shannon entropy in millibits per byte, with the Miller–Madow
    /// small-sample correction, capped at 8000.
    pub entropy_millibits: u32,
    /// True when the prefix is text: valid UTF-8 (a sequence cut at the end
    /// excepted), no NUL, and at most 2 % control bytes besides tab/CR/LF/FF.
    pub is_text: bool,
}

impl ByteStats {
    /// One pass over `bytes`; no allocation.
    pub fn of(bytes: &[u8]) -> ByteStats {
        // Four interleaved histograms: consecutive equal bytes would
        // otherwise serialise on one counter.
        let mut lanes = [[0u64; 256]; 4];
        let mut quads = bytes.chunks_exact(4);
        for q in &mut quads {
            lanes[0][usize::from(q[0])] += 1;
            lanes[1][usize::from(q[1])] += 1;
            lanes[2][usize::from(q[2])] += 1;
            lanes[3][usize::from(q[3])] += 1;
        }
        for &b in quads.remainder() {
            lanes[0][usize::from(b)] += 1;
        }
        let mut hist = [0u64; 256];
        for (i, h) in hist.iter_mut().enumerate() {
            *h = lanes[0][i] + lanes[1][i] + lanes[2][i] + lanes[3][i];
        }
        let len = bytes.len();
        let distinct = hist.iter().filter(|&&c| c > 0).count() as u16;
        let entropy_millibits = entropy_millibits(&hist, len, distinct);
        let controls: u64 = (0u8..0x20)
            .filter(|b| !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c))
            .map(|b| hist[usize::from(b)])
            .sum::<u64>()
            + hist[0x7f];
        let is_text = len > 0
            && hist[0] == 0
            && controls * 50 <= len as u64
            && match std::str::from_utf8(bytes) {
                Ok(_) => true,
                Err(e) => e.error_len().is_none() && len - e.valid_up_to() < 4,
            };
        ByteStats {
            len,
            distinct,
            entropy_millibits,
            is_text,
        }
    }
}

fn entropy_millibits(hist: &[u64; 256], len: usize, distinct: u16) -> u32 {
    if len == 0 {
        return 0;
    }
    let n = len as f64;
    let mut h = 0.0f64;
    for &c in hist {
        if c > 0 {
            let p = c as f64 / n;
            h -= p * p.log2();
        }
    }
    // Miller–Madow: the plug-in estimate is biased low by (K-1)/(2n ln 2) bits.
    h += (f64::from(distinct) - 1.0) / (2.0 * n * std::f64::consts::LN_2);
    ((h * 1000.0).round() as u32).min(8000)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Deterministic pseudo-random bytes (xorshift64*).
    pub(crate) fn noise(n: usize, seed: u64) -> Vec<u8> {
        let mut x = seed | 1;
        (0..n)
            .map(|_| {
                x ^= x >> 12;
                x ^= x << 25;
                x ^= x >> 27;
                (x.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 56) as u8
            })
            .collect()
    }

    #[test]
    fn text_and_binary() {
        assert!(ByteStats::of(b"hello world\n").is_text);
        assert!(ByteStats::of("grüße\n".as_bytes()).is_text);
        // A UTF-8 sequence cut by the end of the prefix is still text.
        assert!(ByteStats::of(&"grüße".as_bytes()[..3]).is_text);
        assert!(!ByteStats::of(b"a\0b").is_text);
        assert!(!ByteStats::of(b"\xff\xfe\x00").is_text);
        assert!(!ByteStats::of(b"").is_text);
    }

    #[test]
    fn entropy_of_noise_is_high_and_of_text_low() {
        for n in [64usize, 256, 1024, 65536] {
            let e = ByteStats::of(&noise(n, 7)).entropy_millibits;
            let floor = if n < 256 { 5500 } else { 7500 };
            assert!(e >= floor, "n={n} e={e}");
        }
        let text = b"the quick brown fox jumps over the lazy dog ".repeat(20);
        assert!(ByteStats::of(&text).entropy_millibits < 4500);
        assert_eq!(ByteStats::of(&[0u8; 100]).entropy_millibits, 0);
    }
}
