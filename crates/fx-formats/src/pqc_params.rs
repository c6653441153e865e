//! Every post-quantum parameter set fx knows: name, family, kind, OIDs and
//! object sizes, in one static table ([`PARAM_SETS`]).
//!
//! Names follow DESIGN §9 (FIPS 203/204/205 names, `Falcon-512`, LAMPS
//! composite names without the `id-` prefix). Sizes are in bytes.
//!
//! Sources, cited per family below:
//! * FIPS 203 (ML-KEM) Table 3 "Sizes (in bytes) of keys and ciphertexts";
//! * FIPS 204 (ML-DSA) Table 2 "Sizes (in bytes) of keys and signatures";
//! * FIPS 205 (SLH-DSA) Table 2 "SLH-DSA parameter sets" (pk = 2n, sk = 4n);
//! * liboqs 0.13.0 (`src/kem/*/kem_*.h`, `src/sig/*/sig_*.h`,
//!   `OQS_*_length_*` constants) for Falcon, FrodoKEM, HQC and Classic McEliece;
//! * OIDs from the IETF PQC hackathon `oid_mapping.md` (NIST CSOR for FIPS
//!   203/204/205, ISO/IEC 18033-2 for FrodoKEM and Classic McEliece, the LAMPS
//!   composite drafts, oqs-provider for Falcon);
//! * private-key forms from draft-ietf-lamps-kyber-certificates and
//!   draft-ietf-lamps-dilithium-certificates (`seed`, `expandedKey`, `both`).
//!
//! Lookups: [`by_name`], [`by_oid`] and [`by_size`]. A size lookup returns
//! every candidate: collisions are reported, never resolved here.
//!
//! NTRU (round 3), known by OID only, has its own table in [`ntru`].

pub mod ntru;

/// Algorithm family of a parameter set.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Family {
    /// FIPS 203 ML-KEM.
    MlKem,
    /// FIPS 204 ML-DSA.
    MlDsa,
    /// FIPS 205 SLH-DSA.
    SlhDsa,
    /// Falcon (NIST round 3; FN-DSA to come).
    Falcon,
    /// FrodoKEM and eFrodoKEM (ISO/IEC 18033-2 amendment drafts).
    FrodoKem,
    /// HQC (round-4 submission as implemented by liboqs 0.13).
    Hqc,
    /// Classic McEliece (round-4 submission; ISO/IEC 18033-2 amendment).
    ClassicMcEliece,
    /// ML-KEM composed with a traditional KEM (draft-ietf-lamps-pq-composite-kem).
    CompositeKem,
    /// ML-DSA composed with a traditional signature (draft-ietf-lamps-pq-composite-sigs).
    CompositeSignature,
    /// Streamlined NTRU Prime (NIST round 3; OpenSSH's sntrup761x25519 hybrid).
    NtruPrime,
}

impl Family {
    /// Stable lower-case name used in evidence (`ml_kem`, `slh_dsa`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Family::MlKem => "ml_kem",
            Family::MlDsa => "ml_dsa",
            Family::SlhDsa => "slh_dsa",
            Family::Falcon => "falcon",
            Family::FrodoKem => "frodokem",
            Family::Hqc => "hqc",
            Family::ClassicMcEliece => "classic_mceliece",
            Family::CompositeKem => "composite_kem",
            Family::CompositeSignature => "composite_signature",
            Family::NtruPrime => "ntru_prime",
        }
    }
}

/// Whether a parameter set is a KEM or a signature scheme.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// Key-encapsulation mechanism (public key, secret key, ciphertext, shared secret).
    Kem,
    /// Signature scheme (public key, secret key, signature).
    Signature,
}

impl Kind {
    /// `kem` or `signature`.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Kem => "kem",
            Kind::Signature => "signature",
        }
    }
}

/// The kind of object a byte string may be (DESIGN §9 `pqc.candidates[].object`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Object {
    /// Public (encapsulation / verification) key.
    PublicKey,
    /// Secret (decapsulation / signing) key, raw; see [`SecretKeyForm`].
    SecretKey,
    /// KEM ciphertext.
    Ciphertext,
    /// Signature.
    Signature,
    /// KEM shared secret.
    SharedSecret,
}

impl Object {
    /// Every object kind, in the order size lookups report them.
    pub const ALL: [Object; 5] = [
        Object::PublicKey,
        Object::SecretKey,
        Object::Ciphertext,
        Object::Signature,
        Object::SharedSecret,
    ];

    /// `public_key`, `secret_key`, `ciphertext`, `signature`, `shared_secret`.
    pub fn as_str(self) -> &'static str {
        match self {
            Object::PublicKey => "public_key",
            Object::SecretKey => "secret_key",
            Object::Ciphertext => "ciphertext",
            Object::Signature => "signature",
            Object::SharedSecret => "shared_secret",
        }
    }
}

/// How a signature's length behaves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SigLen {
    /// Every signature has exactly this many bytes.
    Fixed(usize),
    /// Variable length (Falcon's compressed encoding): `max` is the scheme's
    /// bound (liboqs `length_signature`); `min` is the smallest length fx treats
    /// as plausible for a size match (documented heuristic, not a spec bound).
    Variable {
        /// Smallest length a size lookup matches.
        min: usize,
        /// Largest valid length.
        max: usize,
    },
}

impl SigLen {
    /// The largest signature length.
    pub fn max(self) -> usize {
        match self {
            SigLen::Fixed(n) => n,
            SigLen::Variable { max, .. } => max,
        }
    }

    /// Whether `len` is a possible signature length.
    pub fn admits(self, len: usize) -> bool {
        match self {
            SigLen::Fixed(n) => n == len,
            SigLen::Variable { min, max } => (min..=max).contains(&len),
        }
    }
}

/// One post-quantum (or composite) parameter set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ParamSet {
    /// DESIGN §9 name, e.g. `ML-KEM-768`, `SLH-DSA-SHAKE-256f`.
    pub name: &'static str,
    /// Family.
    pub family: Family,
    /// KEM or signature.
    pub kind: Kind,
    /// OIDs of the pure algorithm, dotted (empty when none is assigned).
    pub oids: &'static [&'static str],
    /// Pre-hash variants (HashML-DSA, HashSLH-DSA): `(oid, hash)`; same sizes.
    pub prehash_oids: &'static [(&'static str, &'static str)],
    /// Public key size (`None` when variable, e.g. composites with RSA).
    pub public_key: Option<usize>,
    /// Raw (expanded) secret key size, as liboqs and the FIPS tables count it.
    pub secret_key: Option<usize>,
    /// Seed form of the secret key (IETF `seed` private key), when one exists.
    pub secret_seed: Option<usize>,
    /// Ciphertext size (KEMs).
    pub ciphertext: Option<usize>,
    /// Signature size (signature schemes).
    pub signature: Option<SigLen>,
    /// Shared secret size (KEMs).
    pub shared_secret: Option<usize>,
    /// liboqs algorithm name with the same sizes and (where noted) the same
    /// algorithm, used to verify and decapsulate; `None` when liboqs lacks it.
    pub liboqs: Option<&'static str>,
    /// Whether the liboqs algorithm is the same algorithm (not only the same
    /// sizes): SPHINCS+ round 3 in liboqs 0.13 has SLH-DSA's sizes but does not
    /// verify FIPS 205 signatures.
    pub liboqs_compatible: bool,
    /// Which revision of the specification the sizes are from, when one name
    /// has had several (HQC's round-4 submission and its 2025 specification
    /// share names but not key sizes). `None` when there was only one.
    pub revision: Option<&'static str>,
}

impl ParamSet {
    /// The size of an object of this set, when fixed. For a variable-length
    /// signature this is its maximum.
    pub fn size_of(&self, object: Object) -> Option<usize> {
        match object {
            Object::PublicKey => self.public_key,
            Object::SecretKey => self.secret_key,
            Object::Ciphertext => self.ciphertext,
            Object::Signature => self.signature.map(SigLen::max),
            Object::SharedSecret => self.shared_secret,
        }
    }

    /// Every OID of this set, pure first then pre-hash.
    pub fn all_oids(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.oids
            .iter()
            .copied()
            .chain(self.prehash_oids.iter().map(|(o, _)| *o))
    }
}

/// Which encoding of a secret key matched a size lookup.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SecretKeyForm {
    /// The raw / expanded key (FIPS "decapsulation key" / "private key").
    Expanded,
    /// The seed (ML-KEM d‖z = 64 bytes, ML-DSA ξ = 32 bytes).
    Seed,
}

impl SecretKeyForm {
    /// `expanded` or `seed`.
    pub fn as_str(self) -> &'static str {
        match self {
            SecretKeyForm::Expanded => "expanded",
            SecretKeyForm::Seed => "seed",
        }
    }
}

/// One candidate of a size lookup.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SizeMatch {
    /// The parameter set.
    pub set: &'static ParamSet,
    /// The object kind whose size matched.
    pub object: Object,
    /// For secret keys: which form matched.
    pub form: Option<SecretKeyForm>,
    /// `false` for a variable-length (Falcon) signature inside its window.
    pub exact: bool,
}

/// Result of an OID lookup.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OidMatch {
    /// The parameter set (sizes are shared by the pure and pre-hash variants).
    pub set: &'static ParamSet,
    /// The pre-hash function for HashML-DSA / HashSLH-DSA OIDs.
    pub prehash: Option<&'static str>,
}

#[allow(clippy::too_many_arguments)]
const fn kem(
    name: &'static str,
    family: Family,
    oids: &'static [&'static str],
    pk: usize,
    sk: usize,
    seed: Option<usize>,
    ct: usize,
    ss: usize,
    liboqs: Option<&'static str>,
) -> ParamSet {
    ParamSet {
        name,
        family,
        kind: Kind::Kem,
        oids,
        prehash_oids: &[],
        public_key: Some(pk),
        secret_key: Some(sk),
        secret_seed: seed,
        ciphertext: Some(ct),
        signature: None,
        shared_secret: Some(ss),
        liboqs,
        liboqs_compatible: liboqs.is_some(),
        revision: None,
    }
}

#[allow(clippy::too_many_arguments)]
const fn sig(
    name: &'static str,
    family: Family,
    oids: &'static [&'static str],
    prehash_oids: &'static [(&'static str, &'static str)],
    pk: usize,
    sk: usize,
    seed: Option<usize>,
    signature: SigLen,
    liboqs: Option<&'static str>,
    liboqs_compatible: bool,
) -> ParamSet {
    ParamSet {
        name,
        family,
        kind: Kind::Signature,
        oids,
        prehash_oids,
        public_key: Some(pk),
        secret_key: Some(sk),
        secret_seed: seed,
        ciphertext: None,
        signature: Some(signature),
        shared_secret: None,
        liboqs,
        liboqs_compatible,
        revision: None,
    }
}

/// Composite KEM: ML-KEM ciphertext ‖ traditional ciphertext
/// (draft-ietf-lamps-pq-composite-kem: the component ciphertexts are
/// concatenated, ML-KEM first). `trad_pk`/`trad_ct` are `None` when variable.
const fn composite_kem(
    name: &'static str,
    oid: &'static [&'static str],
    ml: &ParamSet,
    trad_pk: Option<usize>,
    trad_ct: usize,
) -> ParamSet {
    let pk = match (ml.public_key, trad_pk) {
        (Some(a), Some(b)) => Some(a + b),
        _ => None,
    };
    let ct = match ml.ciphertext {
        Some(a) => Some(a + trad_ct),
        None => None,
    };
    ParamSet {
        name,
        family: Family::CompositeKem,
        kind: Kind::Kem,
        oids: oid,
        prehash_oids: &[],
        public_key: pk,
        secret_key: None,
        secret_seed: None,
        ciphertext: ct,
        signature: None,
        shared_secret: Some(32),
        liboqs: None,
        liboqs_compatible: false,
        revision: None,
    }
}

/// Composite signature: ML-DSA signature ‖ traditional signature
/// (draft-ietf-lamps-pq-composite-sigs); `trad_sig` is `None` for ECDSA
/// (DER, variable length), so only Ed25519/Ed448/RSA composites have a size.
const fn composite_sig(
    name: &'static str,
    oid: &'static [&'static str],
    ml: &ParamSet,
    trad_pk: Option<usize>,
    trad_sig: Option<usize>,
) -> ParamSet {
    let pk = match (ml.public_key, trad_pk) {
        (Some(a), Some(b)) => Some(a + b),
        _ => None,
    };
    let signature = match (ml.signature, trad_sig) {
        (Some(SigLen::Fixed(a)), Some(b)) => Some(SigLen::Fixed(a + b)),
        _ => None,
    };
    ParamSet {
        name,
        family: Family::CompositeSignature,
        kind: Kind::Signature,
        oids: oid,
        prehash_oids: &[],
        public_key: pk,
        secret_key: None,
        secret_seed: None,
        ciphertext: None,
        signature,
        shared_secret: None,
        liboqs: None,
        liboqs_compatible: false,
        revision: None,
    }
}

// ---- FIPS 203 Table 3 (ML-KEM): ek, dk, ct; ss = 32; seed d‖z = 64 ----
const ML_KEM_512: ParamSet = kem(
    "ML-KEM-512",
    Family::MlKem,
    &["2.16.840.1.101.3.4.4.1"],
    800,
    1632,
    Some(64),
    768,
    32,
    Some("ML-KEM-512"),
);
const ML_KEM_768: ParamSet = kem(
    "ML-KEM-768",
    Family::MlKem,
    &["2.16.840.1.101.3.4.4.2"],
    1184,
    2400,
    Some(64),
    1088,
    32,
    Some("ML-KEM-768"),
);
const ML_KEM_1024: ParamSet = kem(
    "ML-KEM-1024",
    Family::MlKem,
    &["2.16.840.1.101.3.4.4.3"],
    1568,
    3168,
    Some(64),
    1568,
    32,
    Some("ML-KEM-1024"),
);

// ---- FIPS 204 Table 2 (ML-DSA): pk, sk, sig; seed ξ = 32 ----
const ML_DSA_44: ParamSet = sig(
    "ML-DSA-44",
    Family::MlDsa,
    &["2.16.840.1.101.3.4.3.17"],
    &[("2.16.840.1.101.3.4.3.32", "SHA-512")],
    1312,
    2560,
    Some(32),
    SigLen::Fixed(2420),
    Some("ML-DSA-44"),
    true,
);
const ML_DSA_65: ParamSet = sig(
    "ML-DSA-65",
    Family::MlDsa,
    &["2.16.840.1.101.3.4.3.18"],
    &[("2.16.840.1.101.3.4.3.33", "SHA-512")],
    1952,
    4032,
    Some(32),
    SigLen::Fixed(3309),
    Some("ML-DSA-65"),
    true,
);
const ML_DSA_87: ParamSet = sig(
    "ML-DSA-87",
    Family::MlDsa,
    &["2.16.840.1.101.3.4.3.19"],
    &[("2.16.840.1.101.3.4.3.34", "SHA-512")],
    2592,
    4896,
    Some(32),
    SigLen::Fixed(4627),
    Some("ML-DSA-87"),
    true,
);

/// FIPS 205 Table 2: pk = 2n, sk = 4n, signature size per set. liboqs 0.13
/// only has SPHINCS+ round 3 ("simple"): same sizes, different algorithm.
#[allow(clippy::too_many_arguments)]
const fn slh(
    name: &'static str,
    oid: &'static [&'static str],
    prehash: &'static [(&'static str, &'static str)],
    n: usize,
    sig_len: usize,
    liboqs: &'static str,
) -> ParamSet {
    sig(
        name,
        Family::SlhDsa,
        oid,
        prehash,
        2 * n,
        4 * n,
        None,
        SigLen::Fixed(sig_len),
        Some(liboqs),
        false,
    )
}

// ---- liboqs 0.13 sig_falcon.h: pk, sk, signature (max for compressed) ----
// The compressed signature is variable; 600/1200 are fx's plausibility floors
// (observed Falcon-512 signatures cluster around 655, Falcon-1024 around 1270).
const FALCON_512: ParamSet = sig(
    "Falcon-512",
    Family::Falcon,
    &["1.3.9999.3.11", "1.3.9999.3.6"],
    &[],
    897,
    1281,
    None,
    SigLen::Variable { min: 600, max: 752 },
    Some("Falcon-512"),
    true,
);
const FALCON_1024: ParamSet = sig(
    "Falcon-1024",
    Family::Falcon,
    &["1.3.9999.3.14", "1.3.9999.3.9"],
    &[],
    1793,
    2305,
    None,
    SigLen::Variable {
        min: 1200,
        max: 1462,
    },
    Some("Falcon-1024"),
    true,
);
const FALCON_PADDED_512: ParamSet = sig(
    "Falcon-padded-512",
    Family::Falcon,
    &[],
    &[],
    897,
    1281,
    None,
    SigLen::Fixed(666),
    Some("Falcon-padded-512"),
    true,
);
const FALCON_PADDED_1024: ParamSet = sig(
    "Falcon-padded-1024",
    Family::Falcon,
    &[],
    &[],
    1793,
    2305,
    None,
    SigLen::Fixed(1280),
    Some("Falcon-padded-1024"),
    true,
);

/// [`ParamSet::revision`] of HQC's round-4 submission (liboqs 0.13).
pub const HQC_ROUND4: &str = "round-4";
/// [`ParamSet::revision`] of HQC's 2025 specification.
pub const HQC_2025: &str = "2025";

/// Every parameter set, in a fixed order (families as in DESIGN §9).
pub static PARAM_SETS: &[ParamSet] = &[
    ML_KEM_512,
    ML_KEM_768,
    ML_KEM_1024,
    ML_DSA_44,
    ML_DSA_65,
    ML_DSA_87,
    slh(
        "SLH-DSA-SHA2-128s",
        &["2.16.840.1.101.3.4.3.20"],
        &[("2.16.840.1.101.3.4.3.35", "SHA-256")],
        16,
        7856,
        "SPHINCS+-SHA2-128s-simple",
    ),
    slh(
        "SLH-DSA-SHA2-128f",
        &["2.16.840.1.101.3.4.3.21"],
        &[("2.16.840.1.101.3.4.3.36", "SHA-256")],
        16,
        17088,
        "SPHINCS+-SHA2-128f-simple",
    ),
    slh(
        "SLH-DSA-SHA2-192s",
        &["2.16.840.1.101.3.4.3.22"],
        &[("2.16.840.1.101.3.4.3.37", "SHA-512")],
        24,
        16224,
        "SPHINCS+-SHA2-192s-simple",
    ),
    slh(
        "SLH-DSA-SHA2-192f",
        &["2.16.840.1.101.3.4.3.23"],
        &[("2.16.840.1.101.3.4.3.38", "SHA-512")],
        24,
        35664,
        "SPHINCS+-SHA2-192f-simple",
    ),
    slh(
        "SLH-DSA-SHA2-256s",
        &["2.16.840.1.101.3.4.3.24"],
        &[("2.16.840.1.101.3.4.3.39", "SHA-512")],
        32,
        29792,
        "SPHINCS+-SHA2-256s-simple",
    ),
    slh(
        "SLH-DSA-SHA2-256f",
        &["2.16.840.1.101.3.4.3.25"],
        &[("2.16.840.1.101.3.4.3.40", "SHA-512")],
        32,
        49856,
        "SPHINCS+-SHA2-256f-simple",
    ),
    slh(
        "SLH-DSA-SHAKE-128s",
        &["2.16.840.1.101.3.4.3.26"],
        &[("2.16.840.1.101.3.4.3.41", "SHAKE-128")],
        16,
        7856,
        "SPHINCS+-SHAKE-128s-simple",
    ),
    slh(
        "SLH-DSA-SHAKE-128f",
        &["2.16.840.1.101.3.4.3.27"],
        &[("2.16.840.1.101.3.4.3.42", "SHAKE-128")],
        16,
        17088,
        "SPHINCS+-SHAKE-128f-simple",
    ),
    slh(
        "SLH-DSA-SHAKE-192s",
        &["2.16.840.1.101.3.4.3.28"],
        &[("2.16.840.1.101.3.4.3.43", "SHAKE-256")],
        24,
        16224,
        "SPHINCS+-SHAKE-192s-simple",
    ),
    slh(
        "SLH-DSA-SHAKE-192f",
        &["2.16.840.1.101.3.4.3.29"],
        &[("2.16.840.1.101.3.4.3.44", "SHAKE-256")],
        24,
        35664,
        "SPHINCS+-SHAKE-192f-simple",
    ),
    slh(
        "SLH-DSA-SHAKE-256s",
        &["2.16.840.1.101.3.4.3.30"],
        &[("2.16.840.1.101.3.4.3.45", "SHAKE-256")],
        32,
        29792,
        "SPHINCS+-SHAKE-256s-simple",
    ),
    slh(
        "SLH-DSA-SHAKE-256f",
        &["2.16.840.1.101.3.4.3.31"],
        &[("2.16.840.1.101.3.4.3.46", "SHAKE-256")],
        32,
        49856,
        "SPHINCS+-SHAKE-256f-simple",
    ),
    FALCON_512,
    FALCON_1024,
    FALCON_PADDED_512,
    FALCON_PADDED_1024,
    // ---- FrodoKEM (liboqs 0.13 sizes; ISO drafts) ----
    // eFrodoKEM = the round-3 FrodoKEM liboqs implements (no salt). FrodoKEM
    // (ISO, non-ephemeral) appends a salt of 2·len_sec bytes to the ciphertext
    // (32/48/64), which the IETF artifacts confirm (15792 and 21696 bytes).
    kem(
        "eFrodoKEM-640-AES",
        Family::FrodoKem,
        &[],
        9616,
        19888,
        None,
        9720,
        16,
        Some("FrodoKEM-640-AES"),
    ),
    kem(
        "eFrodoKEM-640-SHAKE",
        Family::FrodoKem,
        &[],
        9616,
        19888,
        None,
        9720,
        16,
        Some("FrodoKEM-640-SHAKE"),
    ),
    kem(
        "eFrodoKEM-976-AES",
        Family::FrodoKem,
        &["1.0.18033.2.2.7.7"],
        15632,
        31296,
        None,
        15744,
        24,
        Some("FrodoKEM-976-AES"),
    ),
    kem(
        "eFrodoKEM-976-SHAKE",
        Family::FrodoKem,
        &["1.0.18033.2.2.7.3"],
        15632,
        31296,
        None,
        15744,
        24,
        Some("FrodoKEM-976-SHAKE"),
    ),
    kem(
        "eFrodoKEM-1344-AES",
        Family::FrodoKem,
        &["1.0.18033.2.2.7.8"],
        21520,
        43088,
        None,
        21632,
        32,
        Some("FrodoKEM-1344-AES"),
    ),
    kem(
        "eFrodoKEM-1344-SHAKE",
        Family::FrodoKem,
        &["1.0.18033.2.2.7.4"],
        21520,
        43088,
        None,
        21632,
        32,
        Some("FrodoKEM-1344-SHAKE"),
    ),
    kem(
        "FrodoKEM-640-AES",
        Family::FrodoKem,
        &[],
        9616,
        19888,
        None,
        9752,
        16,
        None,
    ),
    kem(
        "FrodoKEM-640-SHAKE",
        Family::FrodoKem,
        &[],
        9616,
        19888,
        None,
        9752,
        16,
        None,
    ),
    kem(
        "FrodoKEM-976-AES",
        Family::FrodoKem,
        &["1.0.18033.2.2.7.5"],
        15632,
        31296,
        None,
        15792,
        24,
        None,
    ),
    kem(
        "FrodoKEM-976-SHAKE",
        Family::FrodoKem,
        &["1.0.18033.2.2.7.1"],
        15632,
        31296,
        None,
        15792,
        24,
        None,
    ),
    kem(
        "FrodoKEM-1344-AES",
        Family::FrodoKem,
        &["1.0.18033.2.2.7.6"],
        21520,
        43088,
        None,
        21696,
        32,
        None,
    ),
    kem(
        "FrodoKEM-1344-SHAKE",
        Family::FrodoKem,
        &["1.0.18033.2.2.7.2"],
        21520,
        43088,
        None,
        21696,
        32,
        None,
    ),
    // ---- HQC, round-4 submission (liboqs 0.13 kem_hqc.h; specification
    // 2023-04-30). First in the table: `by_name` and liboqs use these. ----
    ParamSet {
        revision: Some(HQC_ROUND4),
        ..kem(
            "HQC-128",
            Family::Hqc,
            &[],
            2249,
            2305,
            None,
            4433,
            64,
            Some("HQC-128"),
        )
    },
    ParamSet {
        revision: Some(HQC_ROUND4),
        ..kem(
            "HQC-192",
            Family::Hqc,
            &[],
            4522,
            4586,
            None,
            8978,
            64,
            Some("HQC-192"),
        )
    },
    ParamSet {
        revision: Some(HQC_ROUND4),
        ..kem(
            "HQC-256",
            Family::Hqc,
            &[],
            7245,
            7317,
            None,
            14421,
            64,
            Some("HQC-256"),
        )
    },
    // ---- HQC, 2025 specification (the version NIST selected; PQClean and
    // pqcrypto 1.0's `hqc_128`/`hqc_192`/`hqc_256`, whose PUBLIC_KEY_SIZE,
    // SECRET_KEY_SIZE, CIPHERTEXT_SIZE and SHARED_SECRET_SIZE these are).
    // Same names and ciphertext sizes as round 4, other key sizes and a
    // 32-byte shared secret. liboqs 0.13 implements round 4 only. ----
    ParamSet {
        revision: Some(HQC_2025),
        ..kem(
            "HQC-128",
            Family::Hqc,
            &[],
            2241,
            2321,
            None,
            4433,
            32,
            None,
        )
    },
    ParamSet {
        revision: Some(HQC_2025),
        ..kem(
            "HQC-192",
            Family::Hqc,
            &[],
            4514,
            4602,
            None,
            8978,
            32,
            None,
        )
    },
    ParamSet {
        revision: Some(HQC_2025),
        ..kem(
            "HQC-256",
            Family::Hqc,
            &[],
            7237,
            7333,
            None,
            14421,
            32,
            None,
        )
    },
    // ---- Streamlined NTRU Prime (round-3 submission, as in SUPERCOP and
    // PQClean's sntrup761; OpenSSH's sntrup761x25519-sha512 key exchange).
    // Not in liboqs 0.13: sizes only. ----
    // The other five sets of the round-3 specification (§ 3.4's parameter
    // list), sizes as PQClean's `api.h` gives them (checked against pqcrypto
    // 1.0.0's PUBLIC_KEY_SIZE / SECRET_KEY_SIZE / CIPHERTEXT_SIZE).
    kem(
        "sntrup653",
        Family::NtruPrime,
        &[],
        994,
        1518,
        None,
        897,
        32,
        None,
    ),
    kem(
        "sntrup761",
        Family::NtruPrime,
        &[],
        1158,
        1763,
        None,
        1039,
        32,
        None,
    ),
    kem(
        "sntrup857",
        Family::NtruPrime,
        &[],
        1322,
        1999,
        None,
        1184,
        32,
        None,
    ),
    kem(
        "sntrup953",
        Family::NtruPrime,
        &[],
        1505,
        2254,
        None,
        1349,
        32,
        None,
    ),
    kem(
        "sntrup1013",
        Family::NtruPrime,
        &[],
        1623,
        2417,
        None,
        1455,
        32,
        None,
    ),
    kem(
        "sntrup1277",
        Family::NtruPrime,
        &[],
        2067,
        3059,
        None,
        1847,
        32,
        None,
    ),
    // ---- Classic McEliece (liboqs 0.13 kem_classic_mceliece.h, round 4) ----
    // `f` variants share the sizes (faster key generation only). The `pc`
    // (plaintext-confirmation) variants of the ISO draft append a 32-byte
    // confirmation C1 to the ciphertext.
    kem(
        "Classic-McEliece-348864",
        Family::ClassicMcEliece,
        &[],
        261120,
        6492,
        None,
        96,
        32,
        Some("Classic-McEliece-348864"),
    ),
    kem(
        "Classic-McEliece-348864f",
        Family::ClassicMcEliece,
        &[],
        261120,
        6492,
        None,
        96,
        32,
        Some("Classic-McEliece-348864f"),
    ),
    kem(
        "Classic-McEliece-460896",
        Family::ClassicMcEliece,
        &["1.0.18033.2.2.6.1"],
        524160,
        13608,
        None,
        156,
        32,
        Some("Classic-McEliece-460896"),
    ),
    kem(
        "Classic-McEliece-460896f",
        Family::ClassicMcEliece,
        &["1.0.18033.2.2.6.2"],
        524160,
        13608,
        None,
        156,
        32,
        Some("Classic-McEliece-460896f"),
    ),
    kem(
        "Classic-McEliece-460896pc",
        Family::ClassicMcEliece,
        &["1.0.18033.2.2.6.3"],
        524160,
        13608,
        None,
        188,
        32,
        None,
    ),
    kem(
        "Classic-McEliece-460896pcf",
        Family::ClassicMcEliece,
        &["1.0.18033.2.2.6.4"],
        524160,
        13608,
        None,
        188,
        32,
        None,
    ),
    kem(
        "Classic-McEliece-6688128",
        Family::ClassicMcEliece,
        &["1.0.18033.2.2.6.5"],
        1044992,
        13932,
        None,
        208,
        32,
        Some("Classic-McEliece-6688128"),
    ),
    kem(
        "Classic-McEliece-6688128f",
        Family::ClassicMcEliece,
        &["1.0.18033.2.2.6.6"],
        1044992,
        13932,
        None,
        208,
        32,
        Some("Classic-McEliece-6688128f"),
    ),
    kem(
        "Classic-McEliece-6688128pc",
        Family::ClassicMcEliece,
        &["1.0.18033.2.2.6.7"],
        1044992,
        13932,
        None,
        240,
        32,
        None,
    ),
    kem(
        "Classic-McEliece-6688128pcf",
        Family::ClassicMcEliece,
        &["1.0.18033.2.2.6.8"],
        1044992,
        13932,
        None,
        240,
        32,
        None,
    ),
    kem(
        "Classic-McEliece-6960119",
        Family::ClassicMcEliece,
        &["1.0.18033.2.2.6.9"],
        1047319,
        13948,
        None,
        194,
        32,
        Some("Classic-McEliece-6960119"),
    ),
    kem(
        "Classic-McEliece-6960119f",
        Family::ClassicMcEliece,
        &["1.0.18033.2.2.6.10"],
        1047319,
        13948,
        None,
        194,
        32,
        Some("Classic-McEliece-6960119f"),
    ),
    kem(
        "Classic-McEliece-6960119pc",
        Family::ClassicMcEliece,
        &["1.0.18033.2.2.6.11"],
        1047319,
        13948,
        None,
        226,
        32,
        None,
    ),
    kem(
        "Classic-McEliece-6960119pcf",
        Family::ClassicMcEliece,
        &["1.0.18033.2.2.6.12"],
        1047319,
        13948,
        None,
        226,
        32,
        None,
    ),
    kem(
        "Classic-McEliece-8192128",
        Family::ClassicMcEliece,
        &["1.0.18033.2.2.6.13"],
        1357824,
        14120,
        None,
        208,
        32,
        Some("Classic-McEliece-8192128"),
    ),
    kem(
        "Classic-McEliece-8192128f",
        Family::ClassicMcEliece,
        &["1.0.18033.2.2.6.14"],
        1357824,
        14120,
        None,
        208,
        32,
        Some("Classic-McEliece-8192128f"),
    ),
    kem(
        "Classic-McEliece-8192128pc",
        Family::ClassicMcEliece,
        &["1.0.18033.2.2.6.15"],
        1357824,
        14120,
        None,
        240,
        32,
        None,
    ),
    kem(
        "Classic-McEliece-8192128pcf",
        Family::ClassicMcEliece,
        &["1.0.18033.2.2.6.16"],
        1357824,
        14120,
        None,
        240,
        32,
        None,
    ),
    // ---- Composite KEMs (draft-ietf-lamps-pq-composite-kem-15) ----
    // Traditional ciphertexts: RSA-OAEP = modulus bytes; ECDH = uncompressed
    // point (P-256/brainpoolP256r1 65, P-384/brainpoolP384r1 97, P-521 133);
    // X25519 32, X448 56. The IETF artifacts confirm (e.g. 1120 for X25519).
    composite_kem(
        "MLKEM768-RSA2048-SHA3-256",
        &["1.3.6.1.5.5.7.6.55"],
        &ML_KEM_768,
        None,
        256,
    ),
    composite_kem(
        "MLKEM768-RSA3072-SHA3-256",
        &["1.3.6.1.5.5.7.6.56"],
        &ML_KEM_768,
        None,
        384,
    ),
    composite_kem(
        "MLKEM768-RSA4096-SHA3-256",
        &["1.3.6.1.5.5.7.6.57"],
        &ML_KEM_768,
        None,
        512,
    ),
    composite_kem(
        "MLKEM768-X25519-SHA3-256",
        &["1.3.6.1.5.5.7.6.58"],
        &ML_KEM_768,
        Some(32),
        32,
    ),
    composite_kem(
        "MLKEM768-ECDH-P256-SHA3-256",
        &["1.3.6.1.5.5.7.6.59"],
        &ML_KEM_768,
        Some(65),
        65,
    ),
    composite_kem(
        "MLKEM768-ECDH-P384-SHA3-256",
        &["1.3.6.1.5.5.7.6.60"],
        &ML_KEM_768,
        Some(97),
        97,
    ),
    composite_kem(
        "MLKEM768-ECDH-brainpoolP256r1-SHA3-256",
        &["1.3.6.1.5.5.7.6.61"],
        &ML_KEM_768,
        Some(65),
        65,
    ),
    composite_kem(
        "MLKEM1024-RSA3072-SHA3-256",
        &["1.3.6.1.5.5.7.6.62"],
        &ML_KEM_1024,
        None,
        384,
    ),
    composite_kem(
        "MLKEM1024-ECDH-P384-SHA3-256",
        &["1.3.6.1.5.5.7.6.63"],
        &ML_KEM_1024,
        Some(97),
        97,
    ),
    composite_kem(
        "MLKEM1024-ECDH-brainpoolP384r1-SHA3-256",
        &["1.3.6.1.5.5.7.6.64"],
        &ML_KEM_1024,
        Some(97),
        97,
    ),
    composite_kem(
        "MLKEM1024-X448-SHA3-256",
        &["1.3.6.1.5.5.7.6.65"],
        &ML_KEM_1024,
        Some(56),
        56,
    ),
    composite_kem(
        "MLKEM1024-ECDH-P521-SHA3-256",
        &["1.3.6.1.5.5.7.6.66"],
        &ML_KEM_1024,
        Some(133),
        133,
    ),
    // ---- Composite signatures (draft-ietf-lamps-pq-composite-sigs-19) ----
    // ML-DSA signature ‖ traditional signature; sizes only where the
    // traditional part is fixed (Ed25519 64, Ed448 114, RSA = modulus bytes).
    composite_sig(
        "MLDSA44-RSA2048-PSS-SHA256",
        &["1.3.6.1.5.5.7.6.37"],
        &ML_DSA_44,
        None,
        Some(256),
    ),
    composite_sig(
        "MLDSA44-RSA2048-PKCS15-SHA256",
        &["1.3.6.1.5.5.7.6.38"],
        &ML_DSA_44,
        None,
        Some(256),
    ),
    composite_sig(
        "MLDSA44-Ed25519-SHA512",
        &["1.3.6.1.5.5.7.6.39"],
        &ML_DSA_44,
        Some(32),
        Some(64),
    ),
    composite_sig(
        "MLDSA44-ECDSA-P256-SHA256",
        &["1.3.6.1.5.5.7.6.40"],
        &ML_DSA_44,
        Some(65),
        None,
    ),
    composite_sig(
        "MLDSA65-RSA3072-PSS-SHA512",
        &["1.3.6.1.5.5.7.6.41"],
        &ML_DSA_65,
        None,
        Some(384),
    ),
    composite_sig(
        "MLDSA65-RSA3072-PKCS15-SHA512",
        &["1.3.6.1.5.5.7.6.42"],
        &ML_DSA_65,
        None,
        Some(384),
    ),
    composite_sig(
        "MLDSA65-RSA4096-PSS-SHA512",
        &["1.3.6.1.5.5.7.6.43"],
        &ML_DSA_65,
        None,
        Some(512),
    ),
    composite_sig(
        "MLDSA65-RSA4096-PKCS15-SHA512",
        &["1.3.6.1.5.5.7.6.44"],
        &ML_DSA_65,
        None,
        Some(512),
    ),
    composite_sig(
        "MLDSA65-ECDSA-P256-SHA512",
        &["1.3.6.1.5.5.7.6.45"],
        &ML_DSA_65,
        Some(65),
        None,
    ),
    composite_sig(
        "MLDSA65-ECDSA-P384-SHA512",
        &["1.3.6.1.5.5.7.6.46"],
        &ML_DSA_65,
        Some(97),
        None,
    ),
    composite_sig(
        "MLDSA65-ECDSA-brainpoolP256r1-SHA512",
        &["1.3.6.1.5.5.7.6.47"],
        &ML_DSA_65,
        Some(65),
        None,
    ),
    composite_sig(
        "MLDSA65-Ed25519-SHA512",
        &["1.3.6.1.5.5.7.6.48"],
        &ML_DSA_65,
        Some(32),
        Some(64),
    ),
    composite_sig(
        "MLDSA87-ECDSA-P384-SHA512",
        &["1.3.6.1.5.5.7.6.49"],
        &ML_DSA_87,
        Some(97),
        None,
    ),
    composite_sig(
        "MLDSA87-ECDSA-brainpoolP384r1-SHA512",
        &["1.3.6.1.5.5.7.6.50"],
        &ML_DSA_87,
        Some(97),
        None,
    ),
    composite_sig(
        "MLDSA87-Ed448-SHAKE256",
        &["1.3.6.1.5.5.7.6.51"],
        &ML_DSA_87,
        Some(57),
        Some(114),
    ),
    composite_sig(
        "MLDSA87-RSA3072-PSS-SHA512",
        &["1.3.6.1.5.5.7.6.52"],
        &ML_DSA_87,
        None,
        Some(384),
    ),
    composite_sig(
        "MLDSA87-RSA4096-PSS-SHA512",
        &["1.3.6.1.5.5.7.6.53"],
        &ML_DSA_87,
        None,
        Some(512),
    ),
    composite_sig(
        "MLDSA87-ECDSA-P521-SHA512",
        &["1.3.6.1.5.5.7.6.54"],
        &ML_DSA_87,
        Some(133),
        None,
    ),
];

/// The parameter set with this name (exact, then ASCII case-insensitive).
pub fn by_name(name: &str) -> Option<&'static ParamSet> {
    PARAM_SETS.iter().find(|p| p.name == name).or_else(|| {
        PARAM_SETS
            .iter()
            .find(|p| p.name.eq_ignore_ascii_case(name))
    })
}

/// The parameter set with this liboqs algorithm name.
pub fn by_liboqs_name(name: &str) -> Option<&'static ParamSet> {
    PARAM_SETS.iter().find(|p| p.liboqs == Some(name))
}

/// The parameter set of a dotted OID (pure or pre-hash variant).
pub fn by_oid(oid: &str) -> Option<OidMatch> {
    PARAM_SETS.iter().find_map(|set| {
        if set.oids.contains(&oid) {
            Some(OidMatch { set, prehash: None })
        } else {
            set.prehash_oids
                .iter()
                .find(|(o, _)| *o == oid)
                .map(|(_, h)| OidMatch {
                    set,
                    prehash: Some(*h),
                })
        }
    })
}

/// Every parameter set whose `object` has `len` bytes, in table order. For
/// secret keys both the expanded and the seed form are tried; for Falcon's
/// variable-length signatures a length inside the plausibility window is an
/// inexact match. Collisions are all reported; two revisions of one name
/// whose object has the same size (HQC's ciphertexts) are one candidate, the
/// first in table order.
pub fn by_size(object: Object, len: usize) -> Vec<SizeMatch> {
    let mut out: Vec<SizeMatch> = Vec::new();
    let mut push = |m: SizeMatch| {
        let seen = out
            .iter()
            .any(|o| o.set.name == m.set.name && o.object == m.object && o.form == m.form);
        if !seen {
            out.push(m);
        }
    };
    for set in PARAM_SETS {
        match object {
            Object::SecretKey => {
                if set.secret_key == Some(len) {
                    push(SizeMatch {
                        set,
                        object,
                        form: Some(SecretKeyForm::Expanded),
                        exact: true,
                    });
                }
                if set.secret_seed == Some(len) {
                    push(SizeMatch {
                        set,
                        object,
                        form: Some(SecretKeyForm::Seed),
                        exact: true,
                    });
                }
            }
            Object::Signature => {
                if let Some(sl) = set.signature
                    && sl.admits(len)
                {
                    push(SizeMatch {
                        set,
                        object,
                        form: None,
                        exact: matches!(sl, SigLen::Fixed(_)),
                    });
                }
            }
            _ => {
                if set.size_of(object) == Some(len) {
                    push(SizeMatch {
                        set,
                        object,
                        form: None,
                        exact: true,
                    });
                }
            }
        }
    }
    out
}

/// Every KEM with its ciphertext size, in table order, each (name, size)
/// once: a later revision with the same ciphertext size is left out.
pub fn kem_ciphertexts() -> impl Iterator<Item = (&'static ParamSet, usize)> {
    PARAM_SETS.iter().enumerate().filter_map(|(i, set)| {
        let ct = set.ciphertext.filter(|_| set.kind == Kind::Kem)?;
        let repeat = PARAM_SETS[..i]
            .iter()
            .any(|p| p.name == set.name && p.ciphertext == Some(ct));
        (!repeat).then_some((set, ct))
    })
}

/// [`by_size`] over every object kind ([`Object::ALL`] order).
pub fn by_any_size(len: usize) -> Vec<SizeMatch> {
    Object::ALL.iter().flat_map(|o| by_size(*o, len)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get(name: &str) -> &'static ParamSet {
        by_name(name).expect("known parameter set")
    }

    #[test]
    fn fips_203_table_3() {
        for (name, ek, dk, ct) in [
            ("ML-KEM-512", 800, 1632, 768),
            ("ML-KEM-768", 1184, 2400, 1088),
            ("ML-KEM-1024", 1568, 3168, 1568),
        ] {
            let p = get(name);
            assert_eq!(p.public_key, Some(ek), "{name}");
            assert_eq!(p.secret_key, Some(dk), "{name}");
            assert_eq!(p.ciphertext, Some(ct), "{name}");
            assert_eq!(p.shared_secret, Some(32), "{name}");
            assert_eq!(p.secret_seed, Some(64), "{name}");
            assert_eq!(p.kind, Kind::Kem);
        }
    }

    #[test]
    fn fips_204_table_2() {
        for (name, pk, sk, sg) in [
            ("ML-DSA-44", 1312, 2560, 2420),
            ("ML-DSA-65", 1952, 4032, 3309),
            ("ML-DSA-87", 2592, 4896, 4627),
        ] {
            let p = get(name);
            assert_eq!(p.public_key, Some(pk), "{name}");
            assert_eq!(p.secret_key, Some(sk), "{name}");
            assert_eq!(p.signature, Some(SigLen::Fixed(sg)), "{name}");
            assert_eq!(p.secret_seed, Some(32), "{name}");
        }
    }

    #[test]
    fn fips_205_table_2_all_twelve() {
        let expected = [
            ("128s", 16, 7856),
            ("128f", 16, 17088),
            ("192s", 24, 16224),
            ("192f", 24, 35664),
            ("256s", 32, 29792),
            ("256f", 32, 49856),
        ];
        let mut n = 0;
        for hash in ["SHA2", "SHAKE"] {
            for (set, nbytes, sg) in expected {
                let name = format!("SLH-DSA-{hash}-{set}");
                let p = get(&name);
                assert_eq!(p.public_key, Some(2 * nbytes), "{name}");
                assert_eq!(p.secret_key, Some(4 * nbytes), "{name}");
                assert_eq!(p.signature, Some(SigLen::Fixed(sg)), "{name}");
                assert!(!p.liboqs_compatible, "{name}");
                n += 1;
            }
        }
        assert_eq!(n, 12);
    }

    #[test]
    fn oids_resolve_including_prehash() {
        assert_eq!(
            by_oid("2.16.840.1.101.3.4.4.2").map(|m| m.set.name),
            Some("ML-KEM-768")
        );
        let m = by_oid("2.16.840.1.101.3.4.3.33").expect("HashML-DSA-65");
        assert_eq!(m.set.name, "ML-DSA-65");
        assert_eq!(m.prehash, Some("SHA-512"));
        let m = by_oid("2.16.840.1.101.3.4.3.46").expect("HashSLH-DSA-SHAKE-256f");
        assert_eq!(m.set.name, "SLH-DSA-SHAKE-256f");
        assert_eq!(
            by_oid("1.0.18033.2.2.7.1").map(|m| m.set.name),
            Some("FrodoKEM-976-SHAKE")
        );
        assert_eq!(
            by_oid("1.3.6.1.5.5.7.6.58").map(|m| m.set.name),
            Some("MLKEM768-X25519-SHA3-256")
        );
        assert!(by_oid("1.2.3.4").is_none());
    }

    #[test]
    fn every_oid_is_unique_and_every_name_and_revision_too() {
        let mut oids = std::collections::BTreeSet::new();
        let mut names = std::collections::BTreeSet::new();
        for p in PARAM_SETS {
            assert!(
                names.insert((p.name, p.revision)),
                "duplicate name {} {:?}",
                p.name,
                p.revision
            );
            for o in p.all_oids() {
                assert!(oids.insert(o), "duplicate oid {o}");
            }
        }
    }

    #[test]
    fn size_collisions_are_all_reported() {
        // 1568 bytes: ML-KEM-1024 public key AND ML-KEM-1024 ciphertext.
        let all = by_any_size(1568);
        assert!(
            all.iter()
                .any(|m| m.set.name == "ML-KEM-1024" && m.object == Object::PublicKey)
        );
        assert!(
            all.iter()
                .any(|m| m.set.name == "ML-KEM-1024" && m.object == Object::Ciphertext)
        );
        // 64-byte secret: ML-KEM seeds and SLH-DSA-*-128 secret keys.
        let sk = by_size(Object::SecretKey, 64);
        assert!(sk.iter().any(|m| m.form == Some(SecretKeyForm::Seed)));
        assert!(sk.iter().any(|m| m.set.name == "SLH-DSA-SHA2-128s"));
        assert!(sk.iter().any(|m| m.set.name == "SLH-DSA-SHAKE-128f"));
        // SHA2 and SHAKE variants collide on every size.
        let s = by_size(Object::Signature, 7856);
        assert_eq!(s.len(), 2);
        // Falcon-512 compressed signature window, inexact.
        let f = by_size(Object::Signature, 655);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].set.name, "Falcon-512");
        assert!(!f[0].exact);
        assert!(by_size(Object::Ciphertext, 1234).is_empty());
    }

    #[test]
    fn composite_sizes_match_ietf_artifacts() {
        // Ciphertext lengths of the IETF r5 artifacts (bc zip).
        for (name, ct) in [
            ("MLKEM768-X25519-SHA3-256", 1120),
            ("MLKEM768-ECDH-brainpoolP256r1-SHA3-256", 1153),
            ("MLKEM768-RSA2048-SHA3-256", 1344),
            ("MLKEM1024-RSA3072-SHA3-256", 1952),
            ("MLKEM1024-X448-SHA3-256", 1624),
            ("MLKEM1024-ECDH-P521-SHA3-256", 1701),
            ("FrodoKEM-976-AES", 15792),
            ("FrodoKEM-1344-SHAKE", 21696),
            ("eFrodoKEM-976-AES", 15744),
            ("eFrodoKEM-1344-AES", 21632),
        ] {
            assert_eq!(get(name).ciphertext, Some(ct), "{name}");
        }
        assert_eq!(
            get("MLDSA44-Ed25519-SHA512").signature,
            Some(SigLen::Fixed(2484))
        );
        assert_eq!(get("MLDSA44-ECDSA-P256-SHA256").signature, None);
    }

    #[test]
    fn hqc_both_revisions_by_size_one_candidate_per_name_and_object() {
        // pqcrypto 1.0 (2025 specification): hqc_128.PUBLIC_KEY_SIZE 2241,
        // SECRET_KEY_SIZE 2321; liboqs 0.13 (round 4): 2249 / 2305.
        for (len, object, revision) in [
            (2241, Object::PublicKey, HQC_2025),
            (2321, Object::SecretKey, HQC_2025),
            (2249, Object::PublicKey, HQC_ROUND4),
            (2305, Object::SecretKey, HQC_ROUND4),
            (4514, Object::PublicKey, HQC_2025),
            (7333, Object::SecretKey, HQC_2025),
        ] {
            let m: Vec<_> = by_size(object, len)
                .into_iter()
                .filter(|m| m.set.family == Family::Hqc)
                .collect();
            assert_eq!(m.len(), 1, "{len}");
            assert_eq!(m[0].set.revision, Some(revision), "{len}");
        }
        // Ciphertexts are the same size in both: one candidate, round 4.
        let ct = by_size(Object::Ciphertext, 4433);
        assert_eq!(ct.len(), 1);
        assert_eq!(ct[0].set.name, "HQC-128");
        assert_eq!(ct[0].set.revision, Some(HQC_ROUND4));
        assert_eq!(by_name("HQC-128").and_then(|p| p.liboqs), Some("HQC-128"));
        let hqc: Vec<_> = kem_ciphertexts()
            .filter(|(s, _)| s.family == Family::Hqc)
            .map(|(s, ct)| (s.name, ct))
            .collect();
        assert_eq!(
            hqc,
            [("HQC-128", 4433), ("HQC-192", 8978), ("HQC-256", 14421)]
        );
    }

    #[test]
    fn names_are_case_insensitive_as_a_fallback() {
        assert_eq!(by_name("ml-kem-512").map(|p| p.name), Some("ML-KEM-512"));
        assert_eq!(
            by_liboqs_name("SPHINCS+-SHA2-128s-simple").map(|p| p.name),
            Some("SLH-DSA-SHA2-128s")
        );
    }
}
