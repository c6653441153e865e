//! What the unit tests of the key-file parsers (PuTTY, SSH.com, Dropbear)
//! share: reading a fixture that must parse or must fail, the failure
//! shapes of a reading, finding a needle in a fixture, and deterministic
//! bytes for the hostile tests.

use std::fmt::Debug;

use fx_core::vocab::FailureKind;

use crate::report::Finding;
use crate::x509::Parsed;

/// The reading of a fixture that must parse.
pub fn read_ok<D: Debug>(r: Result<Parsed<D>, Finding>) -> Parsed<D> {
    match r {
        Ok(p) => p,
        Err(f) => panic!("not read: {f:?}"),
    }
}

/// The failure of a fixture that must not parse.
pub fn read_err<D: Debug>(r: Result<Parsed<D>, Finding>) -> Finding {
    match r {
        Ok(p) => panic!("read as {:?} {:?}", p.info, p.findings),
        Err(f) => f,
    }
}

/// The failure shapes of a reading's findings, in order.
pub fn kinds<D>(p: &Parsed<D>) -> Vec<FailureKind> {
    p.findings.iter().map(|f| f.kind).collect()
}

/// The offset of `needle` in `text` (which must hold it).
pub fn at(text: &[u8], needle: &str) -> usize {
    match memchr::memmem::find(text, needle.as_bytes()) {
        Some(i) => i,
        None => panic!("{needle:?} is not in the fixture"),
    }
}

/// xorshift64*: deterministic bytes for the hostile tests.
pub struct Rng(pub u64);

impl Rng {
    /// The next 64 bits.
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// `n` bytes.
    pub fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
}
