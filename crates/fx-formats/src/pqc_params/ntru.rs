//! NTRU (NIST round 3): the four parameter sets of the round-3 submission,
//! with their OIDs and exact object sizes.
//!
//! Source: C. Chen et al., *NTRU — Algorithm Specifications and Supporting
//! Documentation*, round-3 submission (30 September 2020), whose parameter
//! sets are `ntruhps2048509`, `ntruhps2048677`, `ntruhps4096821` and
//! `ntruhrss701`; the sizes are those of its reference implementation's
//! `params.h` (`NTRU_PUBLICKEYBYTES`, `NTRU_SECRETKEYBYTES`,
//! `NTRU_CIPHERTEXTBYTES`, `NTRU_SHAREDKEYBYTES`), which follow from n and
//! q by the packing the specification defines (a test recomputes them):
//! a public key and a ciphertext pack n − 1 coefficients of log2(q) bits,
//! a secret key is two packed ternary polynomials (5 trits a byte), the
//! packed public key and the 32-byte PRF key of the implicit rejection.
//! OIDs: the IETF PQC hackathon's `oid_mapping.md` (BouncyCastle's
//! `BCObjectIdentifiers`); names as `crate::oids` gives them.
//!
//! These sets are matched by OID only, never guessed from a blob's size:
//! NTRU was not standardised, and its sizes would only add guesses for an
//! algorithm no deployed protocol carries.

/// One NTRU parameter set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NtruSet {
    /// DESIGN §9 name (`NTRU-HPS-2048-509`, …).
    pub name: &'static str,
    /// The submission's name (`ntruhps2048509`, …).
    pub spec_name: &'static str,
    /// Dotted OID.
    pub oid: &'static str,
    /// Ring degree n (polynomials modulo Φ_n).
    pub n: usize,
    /// log2 of the modulus q.
    pub log_q: usize,
    /// Public key bytes.
    pub public_key: usize,
    /// Secret key bytes.
    pub secret_key: usize,
    /// Ciphertext bytes.
    pub ciphertext: usize,
    /// Shared secret bytes.
    pub shared_secret: usize,
}

/// The round-3 parameter sets.
pub const NTRU_SETS: &[NtruSet] = &[
    NtruSet {
        name: "NTRU-HPS-2048-509",
        spec_name: "ntruhps2048509",
        oid: "1.3.6.1.4.1.22554.5.5.1",
        n: 509,
        log_q: 11,
        public_key: 699,
        secret_key: 935,
        ciphertext: 699,
        shared_secret: 32,
    },
    NtruSet {
        name: "NTRU-HPS-2048-677",
        spec_name: "ntruhps2048677",
        oid: "1.3.6.1.4.1.22554.5.5.2",
        n: 677,
        log_q: 11,
        public_key: 930,
        secret_key: 1234,
        ciphertext: 930,
        shared_secret: 32,
    },
    NtruSet {
        name: "NTRU-HPS-4096-821",
        spec_name: "ntruhps4096821",
        oid: "1.3.6.1.4.1.22554.5.5.3",
        n: 821,
        log_q: 12,
        public_key: 1230,
        secret_key: 1590,
        ciphertext: 1230,
        shared_secret: 32,
    },
    NtruSet {
        name: "NTRU-HRSS-701",
        spec_name: "ntruhrss701",
        oid: "1.3.6.1.4.1.22554.5.5.4",
        n: 701,
        log_q: 13,
        public_key: 1138,
        secret_key: 1450,
        ciphertext: 1138,
        shared_secret: 32,
    },
];

/// The set an OID names.
pub fn by_oid(oid: &str) -> Option<&'static NtruSet> {
    NTRU_SETS.iter().find(|s| s.oid == oid)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The table is the specification's packing of n and q: n − 1
    /// coefficients of log2(q) bits for a public key and a ciphertext; two
    /// ternary polynomials of n − 1 trits (5 a byte), the public key and a
    /// 32-byte PRF key for a secret key.
    #[test]
    fn sizes_follow_from_n_and_q() {
        for s in NTRU_SETS {
            let packed_q = ((s.n - 1) * s.log_q).div_ceil(8);
            let packed_trits = (s.n - 1).div_ceil(5);
            assert_eq!(s.public_key, packed_q, "{}", s.name);
            assert_eq!(s.ciphertext, packed_q, "{}", s.name);
            assert_eq!(s.secret_key, 2 * packed_trits + packed_q + 32, "{}", s.name);
        }
    }

    /// Every set's OID is the one `oids` names it by.
    #[test]
    fn oids_name_the_sets() {
        for s in NTRU_SETS {
            assert_eq!(crate::oids::lookup(s.oid).map(|e| e.name), Some(s.name));
            assert_eq!(by_oid(s.oid), Some(s));
        }
        assert_eq!(by_oid("1.3.6.1.4.1.22554.5.5.5"), None);
    }
}
