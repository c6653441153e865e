//! Crypto constants searched for in a binary's bytes: the first bytes of the
//! tables and parameters implementations carry, in the encodings they are
//! commonly stored in. Each [`Constant`] names the algorithm family it
//! points at; the search itself is one multi-pattern pass (see [`super::scan`]).

/// A byte pattern standing for a crypto constant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Constant {
    /// What it is (`AES S-box`, `SHA-256 K`, `ML-KEM zetas`, …).
    pub name: &'static str,
    /// Algorithm family it indicates.
    pub algorithm: &'static str,
    /// How it is stored (`bytes`, `u32_le`, `i16_le_montgomery`, …).
    pub encoding: &'static str,
    /// The bytes searched for.
    pub bytes: Vec<u8>,
}

fn c(
    name: &'static str,
    algorithm: &'static str,
    encoding: &'static str,
    bytes: Vec<u8>,
) -> Constant {
    Constant {
        name,
        algorithm,
        encoding,
        bytes,
    }
}

fn u32s(words: &[u32], be: bool) -> Vec<u8> {
    words
        .iter()
        .flat_map(|w| if be { w.to_be_bytes() } else { w.to_le_bytes() })
        .collect()
}

fn u64s(words: &[u64], be: bool) -> Vec<u8> {
    words
        .iter()
        .flat_map(|w| if be { w.to_be_bytes() } else { w.to_le_bytes() })
        .collect()
}

/// Both byte orders of a 32-bit word table.
fn both32(out: &mut Vec<Constant>, name: &'static str, algorithm: &'static str, words: &[u32]) {
    out.push(c(name, algorithm, "u32_le", u32s(words, false)));
    out.push(c(name, algorithm, "u32_be", u32s(words, true)));
}

fn both64(out: &mut Vec<Constant>, name: &'static str, algorithm: &'static str, words: &[u64]) {
    out.push(c(name, algorithm, "u64_le", u64s(words, false)));
    out.push(c(name, algorithm, "u64_be", u64s(words, true)));
}

/// A big-endian field element or point coordinate, stored either way round.
fn both_bytes(out: &mut Vec<Constant>, name: &'static str, algorithm: &'static str, be: &[u8]) {
    out.push(c(name, algorithm, "bytes_be", be.to_vec()));
    let mut le = be.to_vec();
    le.reverse();
    out.push(c(name, algorithm, "bytes_le", le));
}

fn unhex(s: &str) -> Vec<u8> {
    hex::decode(s).unwrap_or_default()
}

/// Bit-reversal of the low `bits` bits.
fn bitrev(x: u32, bits: u32) -> u32 {
    x.reverse_bits() >> (32 - bits)
}

fn pow_mod(mut b: u64, mut e: u64, m: u64) -> u64 {
    let mut r = 1u64;
    b %= m;
    while e > 0 {
        if e & 1 == 1 {
            r = r * b % m;
        }
        b = b * b % m;
        e >>= 1;
    }
    r
}

fn centered(x: u64, q: u64) -> i64 {
    if x > q / 2 {
        x as i64 - q as i64
    } else {
        x as i64
    }
}

/// NTT twiddle factors ζ^BitRev(i) mod q for i in `range`, plain and in
/// Montgomery form (×R mod q).
fn zetas(
    q: u64,
    zeta: u64,
    bits: u32,
    r: u64,
    range: std::ops::Range<u32>,
) -> (Vec<u64>, Vec<u64>) {
    let plain: Vec<u64> = range
        .map(|i| pow_mod(zeta, u64::from(bitrev(i, bits)), q))
        .collect();
    let mont = plain.iter().map(|z| z * (r % q) % q).collect();
    (plain, mont)
}

/// ML-KEM (q = 3329, ζ = 17, 128 twiddles): entries 1..9.
pub fn ml_kem_zetas() -> (Vec<u64>, Vec<u64>) {
    zetas(3329, 17, 7, 1 << 16, 1..9)
}

/// ML-DSA (q = 8380417, ζ = 1753, 256 twiddles): entries 1..7.
pub fn ml_dsa_zetas() -> (Vec<u64>, Vec<u64>) {
    zetas(8_380_417, 1753, 8, 1 << 32, 1..7)
}

/// Every constant searched for.
pub fn all() -> Vec<Constant> {
    let mut out = Vec::new();
    out.push(c(
        "AES S-box",
        "AES",
        "bytes",
        unhex("637c777bf26b6fc53001672bfed7ab76ca82c97dfa5947f0add4a2af9ca472c0"),
    ));
    out.push(c(
        "AES inverse S-box",
        "AES",
        "bytes",
        unhex("52096ad53036a538bf40a39e81f3d7fb7ce339829b2fff87348e4344c4dee9cb"),
    ));
    both32(
        &mut out,
        "AES Te0",
        "AES",
        &[0xc66363a5, 0xf87c7c84, 0xee777799, 0xf67b7b8d],
    );
    both32(
        &mut out,
        "AES Td0",
        "AES",
        &[0x51f4a750, 0x7e416553, 0x1a17a4c3, 0x3a275e96],
    );
    both32(
        &mut out,
        "SHA-1 IV",
        "SHA-1",
        &[0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0],
    );
    // sha1dc's table of disturbance vectors (32 entries of dvType, dvK, dvB,
    // testt, maski, maskb and 80 mask words): the first entry, DV I(43,0),
    // with its first six mask words. Every copy of the collision-detection
    // code carries the same table.
    both32(
        &mut out,
        "SHA-1DC disturbance vectors",
        "SHA-1",
        &[
            1,
            43,
            0,
            58,
            0,
            0,
            0x0800_0000,
            0x9800_000c,
            0xd800_0010,
            0x0800_0010,
            0xb800_0010,
            0x9800_0000,
        ],
    );
    both32(
        &mut out,
        "SHA-256 IV / BLAKE2s IV",
        "SHA-256",
        &[0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a],
    );
    both32(
        &mut out,
        "SHA-256 K",
        "SHA-256",
        &[0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5],
    );
    both64(
        &mut out,
        "SHA-512 IV / BLAKE2b IV",
        "SHA-512",
        &[0x6a09e667f3bcc908, 0xbb67ae8584caa73b],
    );
    both64(
        &mut out,
        "SHA-512 K",
        "SHA-512",
        &[0x428a2f98d728ae22, 0x7137449123ef65cd],
    );
    both64(
        &mut out,
        "Keccak round constants",
        "SHA-3",
        &[
            0x0000000000000001,
            0x0000000000008082,
            0x800000000000808a,
            0x8000000080008000,
        ],
    );
    both32(
        &mut out,
        "MD5 T",
        "MD5",
        &[0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee],
    );
    out.push(c(
        "ChaCha/Salsa20 sigma",
        "ChaCha20",
        "ascii",
        b"expand 32-byte k".to_vec(),
    ));
    out.push(c(
        "ChaCha/Salsa20 tau",
        "ChaCha20",
        "ascii",
        b"expand 16-byte k".to_vec(),
    ));
    out.push(c(
        "BLAKE2 sigma",
        "BLAKE2",
        "bytes",
        unhex("000102030405060708090a0b0c0d0e0f0e0a0408090f0d06010c00020b070503"),
    ));
    both_bytes(
        &mut out,
        "Curve25519 prime",
        "X25519",
        &unhex("7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffed"),
    );
    both_bytes(
        &mut out,
        "Ed25519 d",
        "Ed25519",
        &unhex("52036cee2b6ffe738cc740797779e89800700a4d4141d8ab75eb4dca135978a3"),
    );
    both_bytes(
        &mut out,
        "P-256 prime",
        "P-256",
        &unhex("ffffffff00000001000000000000000000000000ffffffffffffffffffffffff"),
    );
    both_bytes(
        &mut out,
        "P-256 Gx",
        "P-256",
        &unhex("6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296"),
    );
    both_bytes(
        &mut out,
        "P-384 prime (low words)",
        "P-384",
        &unhex("fffffffeffffffff0000000000000000ffffffff"),
    );
    both_bytes(
        &mut out,
        "P-384 Gx",
        "P-384",
        &unhex(
            "aa87ca22be8b05378eb1c71ef320ad746e1d3b628ba79b9859f741e082542a385502f25dbf55296c3a545e3872760ab7",
        ),
    );
    let (plain, mont) = ml_kem_zetas();
    let q = 3329;
    out.push(c(
        "ML-KEM NTT zetas",
        "ML-KEM",
        "i16_le_montgomery",
        mont.iter()
            .flat_map(|z| (centered(*z, q) as i16).to_le_bytes())
            .collect(),
    ));
    out.push(c(
        "ML-KEM NTT zetas",
        "ML-KEM",
        "u16_le_montgomery",
        mont.iter()
            .flat_map(|z| (*z as u16).to_le_bytes())
            .collect(),
    ));
    out.push(c(
        "ML-KEM NTT zetas",
        "ML-KEM",
        "u16_le",
        plain
            .iter()
            .flat_map(|z| (*z as u16).to_le_bytes())
            .collect(),
    ));
    out.push(c(
        "ML-KEM NTT zetas",
        "ML-KEM",
        "i32_le",
        plain
            .iter()
            .flat_map(|z| (*z as i32).to_le_bytes())
            .collect(),
    ));
    let (plain, mont) = ml_dsa_zetas();
    let q = 8_380_417;
    out.push(c(
        "ML-DSA NTT zetas",
        "ML-DSA",
        "i32_le_montgomery",
        mont.iter()
            .flat_map(|z| (centered(*z, q) as i32).to_le_bytes())
            .collect(),
    ));
    out.push(c(
        "ML-DSA NTT zetas",
        "ML-DSA",
        "u32_le_montgomery",
        mont.iter()
            .flat_map(|z| (*z as u32).to_le_bytes())
            .collect(),
    ));
    out.push(c(
        "ML-DSA NTT zetas",
        "ML-DSA",
        "u32_le",
        plain
            .iter()
            .flat_map(|z| (*z as u32).to_le_bytes())
            .collect(),
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The reference implementations' first twiddles (pq-crystals kyber
    /// `zetas[1] = -758`, dilithium `zetas[1] = 25847`) come out of the
    /// computation, so the patterns match real tables.
    #[test]
    fn zetas_match_the_reference_tables() {
        let (plain, mont) = ml_kem_zetas();
        assert_eq!(plain[0], 1729);
        assert_eq!(centered(mont[0], 3329), -758);
        assert_eq!(centered(mont[1], 3329), -359);
        let (plain, mont) = ml_dsa_zetas();
        assert_eq!(plain[0], 4_808_194);
        assert_eq!(centered(mont[0], 8_380_417), 25847);
        assert_eq!(centered(mont[1], 8_380_417), -2_608_894);
    }

    #[test]
    fn patterns_are_distinct_and_long_enough() {
        let all = all();
        for (i, a) in all.iter().enumerate() {
            assert!(a.bytes.len() >= 16, "{} {}", a.name, a.encoding);
            for b in &all[i + 1..] {
                assert_ne!(
                    a.bytes, b.bytes,
                    "{} {} / {} {}",
                    a.name, a.encoding, b.name, b.encoding
                );
            }
        }
    }
}
