//! Seeds and the deterministic byte stream every generated object draws
//! from.
//!
//! An object's seed is `SHA-256(template bytes ‖ toolchain hash ‖ object
//! id)`, so it depends on what was asked for and by which toolchain, and
//! on nothing else: not the order objects are made in, not the thread
//! count, not the machine. The stream is SHAKE256 over a domain label and
//! the seed; every draw of one object (liboqs' `OQS_randombytes`, a seed
//! for RustCrypto key generation, a signing randomiser, a defect's offset)
//! reads from it in a fixed order.

use sha2::{Digest, Sha256};
use sha3::Shake256;
use sha3::digest::{ExtendableOutput, Update, XofReader};

/// Domain label absorbed before the seed (versioned: a change of the
/// stream's construction changes the label).
pub const DOMAIN: &[u8] = b"fx-gen/drbg/1";

/// The 32-byte seed of the object `id`.
pub fn seed(template: &[u8], toolchain_hash: &str, id: &str) -> [u8; 32] {
    let mut h = Sha256::new();
    Digest::update(&mut h, template);
    Digest::update(&mut h, toolchain_hash.as_bytes());
    Digest::update(&mut h, id.as_bytes());
    h.finalize().into()
}

/// A deterministic byte stream (SHAKE256 of [`DOMAIN`] ‖ seed).
pub struct Drbg {
    reader: <Shake256 as ExtendableOutput>::Reader,
    drawn: u64,
}

impl Drbg {
    /// The stream of `seed`.
    pub fn new(seed: &[u8; 32]) -> Self {
        let mut x = Shake256::default();
        x.update(DOMAIN);
        x.update(seed);
        Drbg {
            reader: x.finalize_xof(),
            drawn: 0,
        }
    }

    /// Fills `out` with the next bytes of the stream.
    pub fn fill(&mut self, out: &mut [u8]) {
        self.reader.read(out);
        self.drawn += out.len() as u64;
    }

    /// The next `n` bytes.
    pub fn bytes(&mut self, n: usize) -> Vec<u8> {
        let mut v = vec![0u8; n];
        self.fill(&mut v);
        v
    }

    /// The next `N` bytes as an array.
    pub fn array<const N: usize>(&mut self) -> [u8; N] {
        let mut a = [0u8; N];
        self.fill(&mut a);
        a
    }

    /// A value in `0..bound` (bound > 0), from 8 bytes of the stream; the
    /// modulo bias is irrelevant for choosing a defect's offset.
    pub fn below(&mut self, bound: usize) -> usize {
        let v = u64::from_be_bytes(self.array::<8>());
        (v % bound.max(1) as u64) as usize
    }

    /// How many bytes were drawn so far (recorded in the provenance).
    pub fn drawn(&self) -> u64 {
        self.drawn
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeds_depend_on_every_input_and_streams_repeat() {
        let a = seed(b"t", "h", "ML-KEM-512/0/keypair");
        assert_ne!(a, seed(b"u", "h", "ML-KEM-512/0/keypair"));
        assert_ne!(a, seed(b"t", "i", "ML-KEM-512/0/keypair"));
        assert_ne!(a, seed(b"t", "h", "ML-KEM-512/1/keypair"));
        let (mut x, mut y) = (Drbg::new(&a), Drbg::new(&a));
        let first = x.bytes(5);
        let mut both = y.bytes(2);
        both.extend(y.bytes(3));
        assert_eq!(first, both);
        assert_eq!(x.drawn(), 5);
        assert!(x.below(7) < 7);
    }
}
