//! Conclusions from the absence of structure: high-entropy binary with no
//! recognised structure is a `symmetric_ciphertext` candidate (block
//! alignment noted); text with no recognised structure is `plaintext`.

use fx_core::vocab::{Encoding, Label};

use crate::findings::{Findings, conf};
use crate::input::{ByteStats, Input};

/// Fewer bytes than this say nothing about entropy.
const MIN_BYTES: usize = 16;

/// True when the entropy is within 10 % of the most a sample of this size
/// can show (`log2(len)` bits for short samples, 8 bits per byte otherwise).
pub fn is_high(stats: &ByteStats) -> bool {
    if stats.len < MIN_BYTES {
        return false;
    }
    let ceiling = ((stats.len as f64).log2() + 0.5).min(8.0);
    f64::from(stats.entropy_millibits) >= 900.0 * ceiling
}

/// Adds the entropy-class findings of `inp`.
pub fn sniff(inp: &Input<'_>, f: &mut Findings) {
    let s = &inp.stats;
    if s.is_text {
        let encoded = matches!(f.encoding_so_far(), Some((Encoding::Base64 | Encoding::Hex, k)) if k >= conf::STRONG);
        if encoded {
            f.add(Label::Plaintext, conf::WEAK, "text:encoded_payload");
        } else if f.best_except(&[Label::Plaintext]) < conf::LIKELY {
            f.add(Label::Plaintext, conf::LIKELY, "text:printable");
            f.encoding(Encoding::Text, conf::STRONG);
        }
        return;
    }
    if f.best() >= conf::STRONG || !is_high(s) {
        return;
    }
    f.add(Label::SymmetricCiphertext, conf::PLAUSIBLE, "entropy:high");
    if let Some(size) = inp.size {
        let signal = if size % 16 == 0 {
            "size:block_aligned_16"
        } else if size % 8 == 0 {
            "size:block_aligned_8"
        } else {
            "size:unaligned_stream_or_aead"
        };
        f.add(Label::SymmetricCiphertext, conf::PLAUSIBLE, signal);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::tests::noise;

    #[test]
    fn thresholds() {
        for n in [16usize, 32, 64, 100, 256, 4096, 65536] {
            assert!(is_high(&ByteStats::of(&noise(n, 3))), "noise {n}");
        }
        assert!(!is_high(&ByteStats::of(&b"abcdefghabcdefgh".repeat(8))));
        assert!(!is_high(&ByteStats::of(&[7u8; 1000])));
        let mut f = Findings::default();
        sniff(&Input::new(&noise(4096, 9), Some(4096), 0), &mut f);
        let v = f.conclude("-");
        assert_eq!(v.labels[0].label, Label::SymmetricCiphertext);
        assert_eq!(
            v.labels[0].signals,
            vec!["entropy:high", "size:block_aligned_16"]
        );
        let mut f = Findings::default();
        sniff(&Input::new(b"just some words\n", Some(16), 0), &mut f);
        assert_eq!(f.conclude("-").labels[0].label, Label::Plaintext);
    }
}
