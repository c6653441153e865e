//! Structural validity checks where the format allows one. Each returns
//! `Some(true)` (valid), `Some(false)` (a field is out of range, with the
//! offset of the first bad byte), or `None` (no check for this object).
//!
//! * **ML-KEM encapsulation key** (FIPS 203 §7.2 "modulus check"): the first
//!   384·k bytes are 256·k 12-bit coefficients that must all be < q = 3329.
//!   A random byte string passes with probability (3329/4096)^(256k) < 2^-150.
//! * **ML-KEM decapsulation key** (FIPS 203 §7.3): the embedded dk_PKE and ek
//!   coefficients are all < q, and the key's `H(ek)` equals SHA3-256 of its
//!   `ek` (the "hash check"; `dk = dk_PKE ‖ ek ‖ H(ek) ‖ z`). A mismatch is
//!   reported at the offset of `H(ek)` ([`mlkem_hek_offset`]).
//! * **ML-DSA signature** (FIPS 204 Algorithm 21 HintBitUnpack): the hint
//!   part `h` (ω + k bytes) has non-decreasing cumulative counts ≤ ω, strictly
//!   increasing indices per polynomial and zero padding; and every `z`
//!   coefficient satisfies ‖z‖∞ < γ1 − β (FIPS 204 Algorithm 8 line 13).
//! * **ML-DSA private key** (FIPS 204 Algorithm 25 skDecode): the s1 and s2
//!   coefficients are encoded as η − c ∈ [0, 2η].
//! * **Falcon** (Falcon specification §3.11): public key header `0x00 + logn`
//!   and 14-bit coefficients < q = 12289; secret key header `0x50 + logn`;
//!   signature header `0x30 + logn`.

use fx_formats::pqc_params::{Family, Object, ParamSet};

/// Outcome of a check: valid, or the offset of the first bad byte.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Check {
    /// Every field is in range.
    Valid,
    /// A field is out of range at this byte offset.
    Invalid(usize),
}

/// ML-KEM modulus.
const Q_KEM: u16 = 3329;
/// Falcon modulus.
const Q_FALCON: u32 = 12289;

/// Runs the check that applies to `object` of `set`, if any; `bytes` must
/// already have the object's size.
pub fn check(set: &ParamSet, object: Object, bytes: &[u8]) -> Option<Check> {
    match (set.family, object) {
        (Family::MlKem, Object::PublicKey) => {
            let k = mlkem_k(set)?;
            Some(coeffs12_below_q(bytes.get(..384 * k)?, 0))
        }
        (Family::MlKem, Object::SecretKey) if Some(bytes.len()) == set.secret_key => {
            let k = mlkem_k(set)?;
            let dk_pke = coeffs12_below_q(bytes.get(..384 * k)?, 0);
            if dk_pke != Check::Valid {
                return Some(dk_pke);
            }
            let ek = coeffs12_below_q(bytes.get(384 * k..768 * k)?, 384 * k);
            if ek != Check::Valid {
                return Some(ek);
            }
            mlkem_hash_check(bytes, k)
        }
        (Family::MlDsa, Object::Signature) => mldsa_signature(set, bytes),
        (Family::MlDsa, Object::SecretKey) if Some(bytes.len()) == set.secret_key => {
            mldsa_secret_key(set, bytes)
        }
        (Family::Falcon, Object::PublicKey) => falcon_public_key(set, bytes),
        (Family::Falcon, Object::SecretKey) => {
            let logn = falcon_logn(set)?;
            Some(header(bytes, 0x50 | logn))
        }
        (Family::Falcon, Object::Signature) => {
            let logn = falcon_logn(set)?;
            Some(header(bytes, 0x30 | logn))
        }
        _ => None,
    }
}

fn header(bytes: &[u8], want: u8) -> Check {
    if bytes.first() == Some(&want) {
        Check::Valid
    } else {
        Check::Invalid(0)
    }
}

fn mlkem_k(set: &ParamSet) -> Option<usize> {
    match set.public_key? {
        800 => Some(2),
        1184 => Some(3),
        1568 => Some(4),
        _ => None,
    }
}

/// Whether `bytes`, which fail the ML-KEM encapsulation-key check of `set`,
/// are an encapsulation key with a few unreduced coefficients rather than
/// other bytes of the same length (a ciphertext of ML-KEM-1024 has the
/// length of its encapsulation key). Read as twelve-bit coefficients,
/// uniform bytes put a coefficient at or above q = 3329 with probability
/// 767/4096 ≈ 0.187: about 192 of ML-KEM-1024's 1024 (standard deviation
/// 12.5), 96 of ML-KEM-512's 512 (8.8). At most one in [`NEAR_PER`] out of
/// range is more than ten standard deviations below that, so such bytes
/// are a malformed key (Wycheproof's `ModulusOverflow` keys have one), not
/// a ciphertext.
pub fn mlkem_key_nearly_valid(set: &ParamSet, bytes: &[u8]) -> bool {
    if set.family != Family::MlKem || Some(bytes.len()) != set.public_key {
        return false;
    }
    let Some(t) = mlkem_k(set).and_then(|k| bytes.get(..384 * k)) else {
        return false;
    };
    let coefficients = t.len() / 3 * 2;
    let unreduced = t
        .chunks_exact(3)
        .map(|c| {
            let d0 = u16::from(c[0]) | (u16::from(c[1] & 0x0f) << 8);
            let d1 = u16::from(c[1] >> 4) | (u16::from(c[2]) << 4);
            usize::from(d0 >= Q_KEM) + usize::from(d1 >= Q_KEM)
        })
        .sum::<usize>();
    unreduced > 0 && unreduced <= coefficients / NEAR_PER
}

/// Offset of `H(ek)` in an expanded ML-KEM decapsulation key of `set`
/// (`dk_PKE` is 384·k bytes, `ek` 384·k + 32), where a failed hash check
/// is reported.
pub fn mlkem_hek_offset(set: &ParamSet) -> Option<usize> {
    (set.family == Family::MlKem).then_some(768 * mlkem_k(set)? + 32)
}

/// FIPS 203 §7.3 hash check: `H(ek)` (32 bytes after `ek`) is SHA3-256 of
/// `ek`; `None` when the key is too short to hold them.
fn mlkem_hash_check(dk: &[u8], k: usize) -> Option<Check> {
    use sha3::{Digest, Sha3_256};
    let at = 768 * k + 32;
    let ek = dk.get(384 * k..at)?;
    let h = dk.get(at..at + 32)?;
    Some(if Sha3_256::digest(ek).as_slice() == h {
        Check::Valid
    } else {
        Check::Invalid(at)
    })
}

/// One coefficient in this many may be unreduced in a "nearly valid" key.
pub const NEAR_PER: usize = 64;

fn coeffs12_below_q(bytes: &[u8], base: usize) -> Check {
    for (i, c) in bytes.chunks_exact(3).enumerate() {
        let d0 = u16::from(c[0]) | (u16::from(c[1] & 0x0f) << 8);
        let d1 = u16::from(c[1] >> 4) | (u16::from(c[2]) << 4);
        if d0 >= Q_KEM || d1 >= Q_KEM {
            return Check::Invalid(base + 3 * i);
        }
    }
    Check::Valid
}

/// ML-DSA parameters (FIPS 204 Table 1): (λ/4 = c̃ bytes, k, l, η, γ1 bits, β, ω).
struct DsaParams {
    ctilde: usize,
    k: usize,
    l: usize,
    eta: u32,
    gamma1_bits: u32,
    beta: u32,
    omega: usize,
}

fn dsa_params(set: &ParamSet) -> Option<DsaParams> {
    Some(match set.public_key? {
        1312 => DsaParams {
            ctilde: 32,
            k: 4,
            l: 4,
            eta: 2,
            gamma1_bits: 17,
            beta: 78,
            omega: 80,
        },
        1952 => DsaParams {
            ctilde: 48,
            k: 6,
            l: 5,
            eta: 4,
            gamma1_bits: 19,
            beta: 196,
            omega: 55,
        },
        2592 => DsaParams {
            ctilde: 64,
            k: 8,
            l: 7,
            eta: 2,
            gamma1_bits: 19,
            beta: 120,
            omega: 75,
        },
        _ => return None,
    })
}

/// Reads little-endian `bits`-bit values from `bytes` (as FIPS 204 BitPack).
fn unpack(bytes: &[u8], bits: u32, mut f: impl FnMut(usize, u32) -> bool) -> Option<usize> {
    let mut acc: u64 = 0;
    let mut have = 0u32;
    let mut idx = 0usize;
    for (pos, &b) in bytes.iter().enumerate() {
        acc |= u64::from(b) << have;
        have += 8;
        while have >= bits {
            let v = (acc & ((1u64 << bits) - 1)) as u32;
            acc >>= bits;
            have -= bits;
            if !f(idx, v) {
                return Some(pos);
            }
            idx += 1;
        }
    }
    None
}

fn mldsa_signature(set: &ParamSet, bytes: &[u8]) -> Option<Check> {
    let p = dsa_params(set)?;
    let zbits = p.gamma1_bits + 1;
    let zlen = p.l * 32 * zbits as usize;
    let z = bytes.get(p.ctilde..p.ctilde + zlen)?;
    let h = bytes.get(p.ctilde + zlen..)?;
    if h.len() != p.omega + p.k {
        return None;
    }
    let gamma1 = 1u32 << p.gamma1_bits;
    // Encoded value v = γ1 − z; need |z| < γ1 − β, i.e. β < v < 2γ1 − β.
    if let Some(pos) = unpack(z, zbits, |_, v| v > p.beta && v < 2 * gamma1 - p.beta) {
        return Some(Check::Invalid(p.ctilde + pos));
    }
    let base = p.ctilde + zlen;
    let mut index = 0usize;
    for i in 0..p.k {
        let end = h[p.omega + i] as usize;
        if end < index || end > p.omega {
            return Some(Check::Invalid(base + p.omega + i));
        }
        let first = index;
        while index < end {
            if index > first && h[index - 1] >= h[index] {
                return Some(Check::Invalid(base + index));
            }
            index += 1;
        }
    }
    if let Some(off) = h[index..p.omega].iter().position(|&b| b != 0) {
        return Some(Check::Invalid(base + index + off));
    }
    Some(Check::Valid)
}

fn mldsa_secret_key(set: &ParamSet, bytes: &[u8]) -> Option<Check> {
    let p = dsa_params(set)?;
    let bits = if p.eta == 2 { 3 } else { 4 };
    let len = (p.l + p.k) * 32 * bits as usize;
    let s = bytes.get(128..128 + len)?;
    match unpack(s, bits, |_, v| v <= 2 * p.eta) {
        Some(pos) => Some(Check::Invalid(128 + pos)),
        None => Some(Check::Valid),
    }
}

fn falcon_logn(set: &ParamSet) -> Option<u8> {
    match set.public_key? {
        897 => Some(9),
        1793 => Some(10),
        _ => None,
    }
}

fn falcon_public_key(set: &ParamSet, bytes: &[u8]) -> Option<Check> {
    let logn = falcon_logn(set)?;
    if bytes.first() != Some(&logn) {
        return Some(Check::Invalid(0));
    }
    // 14-bit big-endian packing (Falcon modq_encode).
    let body = bytes.get(1..)?;
    let mut acc: u32 = 0;
    let mut have = 0u32;
    for (pos, &b) in body.iter().enumerate() {
        acc = (acc << 8) | u32::from(b);
        have += 8;
        if have >= 14 {
            have -= 14;
            let v = (acc >> have) & 0x3fff;
            if v >= Q_FALCON {
                return Some(Check::Invalid(1 + pos));
            }
        }
    }
    Some(Check::Valid)
}

#[cfg(test)]
mod tests {
    use super::*;
    use fx_formats::pqc_params::by_name;

    #[test]
    fn random_bytes_fail_and_reduced_bytes_pass_the_mlkem_modulus_check() {
        let set = by_name("ML-KEM-768").expect("set");
        let mut x = 0x1234_5678_9abc_def0u64;
        let random: Vec<u8> = (0..1184)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x as u8
            })
            .collect();
        assert!(matches!(
            check(set, Object::PublicKey, &random),
            Some(Check::Invalid(_))
        ));
        let zeros = vec![0u8; 1184];
        assert_eq!(check(set, Object::PublicKey, &zeros), Some(Check::Valid));
        // 3329 = 0xd01 in the first coefficient: invalid at offset 0.
        let mut bad = zeros.clone();
        bad[0] = 0x01;
        bad[1] = 0x0d;
        assert_eq!(check(set, Object::PublicKey, &bad), Some(Check::Invalid(0)));
        assert_eq!(check(set, Object::Ciphertext, &zeros[..1088]), None);
    }

    #[test]
    fn mldsa_hint_rules() {
        let set = by_name("ML-DSA-44").expect("set");
        // A signature of zero bytes has z = γ1 (encoded 0) out of range.
        let zeros = vec![0u8; 2420];
        assert!(matches!(
            check(set, Object::Signature, &zeros),
            Some(Check::Invalid(_))
        ));
    }
}
