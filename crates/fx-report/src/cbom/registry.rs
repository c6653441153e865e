//! The algorithm registry of the CBOM: for every algorithm name fx writes
//! (DESIGN §9 names, the signature and cipher names of
//! `fx_formats::oids`, the parameter sets of `fx_formats::pqc_params`, the
//! TLS group names of fx-fingerprint), its CycloneDX `primitive`, its
//! classical security strength in bits, its NIST post-quantum security
//! category and its CycloneDX 1.7 registry `algorithmFamily`. OIDs are not
//! repeated here: they come from `fx_formats::oids`.
//!
//! Sources of the figures:
//!
//! * classical strengths of RSA, DSA and finite-field Diffie-Hellman by
//!   modulus size, and of elliptic-curve keys by the size of the group order,
//!   from NIST SP 800-57 Part 1 Rev. 5, §5.6.1.1, Table 2 (IFC/FFC 1024 → 80,
//!   2048 → 112, 3072 → 128, 7680 → 192, 15360 → 256; ECC f = 160–223 → 80,
//!   224–255 → 112, 256–383 → 128, 384–511 → 192, 512+ → 256); a size
//!   between two rows gets the lower row; below the first row none is given;
//!   three-key TDEA 112 (same table); hash functions' collision resistance
//!   from Table 3 (SHA-224 112, SHA-256 and SHA3-256 128, SHA-384 and
//!   SHA3-384 192, SHA-512 and SHA3-512 256);
//! * X25519/Ed25519 ≈ 128 and X448/Ed448 ≈ 224 bits (RFC 7748 §1, RFC 8032 §1);
//! * NIST security categories: ML-KEM-512/768/1024 → 1/3/5 (FIPS 203 §8,
//!   Table 2), ML-DSA-44/65/87 → 2/3/5 (FIPS 204 §4, Table 1), SLH-DSA
//!   n = 16/24/32 → 1/3/5 (FIPS 205 §11, Table 2); Falcon-512/1024 → 1/5,
//!   FrodoKEM-640/976/1344 → 1/3/5, HQC-128/192/256 → 1/3/5, Classic
//!   McEliece 348864 → 1, 460896 → 3, 6688128/6960119/8192128 → 5, Kyber768
//!   and Dilithium3 → 3 (the NIST round-3/4 submissions' claimed
//!   categories); the categories themselves are defined by key search on
//!   AES-128/192/256 (1/3/5) and collision search on SHA-256/SHA-384 (2/4)
//!   (NIST PQC call for proposals §4.A.5), so AES-128/192/256 are 1/3/5,
//!   SHA-256/SHA3-256 2 and SHA-384/SHA3-384 4, and a 256-bit-key cipher 5;
//! * a post-quantum scheme's classical strength is that of its category's
//!   reference (1 and 2 → 128, 3 and 4 → 192, 5 → 256 bits);
//! * classical public-key algorithms (RSA, DSA, DH, elliptic curves, their
//!   signatures) are category 0: Shor's algorithm breaks them; so are
//!   symmetric algorithms below category 1 (DES, TDEA, RC4, MD5, SHA-1);
//! * a composite or hybrid (ML-DSA/ML-KEM with a traditional algorithm) has
//!   the category of its post-quantum part and the classical strength of its
//!   stronger part (it stands while either part does).
//!
//! Where no source gives a figure (sntrup761, password-hashing schemes,
//! SHA-512 against a quantum adversary, …) the field is left out rather than
//! guessed.

use serde::Serialize;

/// CycloneDX `algorithmProperties.primitive`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Primitive {
    /// Signature scheme.
    Signature,
    /// Key-encapsulation mechanism.
    Kem,
    /// Public-key encryption (RSA keys: `rsaEncryption` does not restrict use).
    Pke,
    /// Key agreement.
    KeyAgree,
    /// Block cipher.
    BlockCipher,
    /// Stream cipher.
    StreamCipher,
    /// Authenticated encryption.
    Ae,
    /// Hash function.
    Hash,
    /// Extendable-output function.
    Xof,
    /// Message authentication code.
    Mac,
    /// Key-derivation function (password hashing included).
    Kdf,
    /// A combination of primitives (composite signatures).
    Combiner,
    /// None of the above (an EC key: `id-ecPublicKey` serves signature and
    /// key agreement alike, RFC 5480 §2.1.1).
    Other,
    /// A name the registry does not know.
    Unknown,
}

/// How the security strengths of a row are found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Strength {
    /// Fixed figures (either may be unknown).
    Fixed {
        /// Classical strength in bits.
        classical: Option<u16>,
        /// NIST post-quantum category (0 = broken by a quantum computer).
        nist: Option<u8>,
    },
    /// A NIST category; the classical strength is that of its reference.
    Category(u8),
    /// From the modulus size (`key_bits`), SP 800-57 Table 2 IFC/FFC; category 0.
    Modulus,
    /// From the curve, SP 800-57 Table 2 ECC; category 0.
    Curve,
}

/// One registry row.
#[derive(Clone, Copy, Debug)]
pub struct Row {
    /// The algorithm name as fx writes it.
    pub name: &'static str,
    /// CycloneDX primitive.
    pub primitive: Primitive,
    /// Security strengths.
    pub strength: Strength,
    /// CycloneDX 1.7 registry family (`cryptography-defs.schema.json`
    /// `algorithmFamiliesEnum`), where one applies.
    pub family: Option<&'static str>,
}

const fn row(
    name: &'static str,
    primitive: Primitive,
    strength: Strength,
    family: Option<&'static str>,
) -> Row {
    Row {
        name,
        primitive,
        strength,
        family,
    }
}

const fn fixed(classical: u16, nist: u8) -> Strength {
    Strength::Fixed {
        classical: Some(classical),
        nist: Some(nist),
    }
}

/// Quantum-vulnerable, classical strength not fixed by the name.
const BROKEN_BY_SHOR: Strength = Strength::Fixed {
    classical: None,
    nist: Some(0),
};
const UNKNOWN: Strength = Strength::Fixed {
    classical: None,
    nist: None,
};

use Primitive::*;
use Strength::{Category, Curve, Modulus};

/// The registry, one row per algorithm name.
pub static ROWS: &[Row] = &[
    // FIPS 203
    row("ML-KEM-512", Kem, Category(1), Some("ML-KEM")),
    row("ML-KEM-768", Kem, Category(3), Some("ML-KEM")),
    row("ML-KEM-1024", Kem, Category(5), Some("ML-KEM")),
    // FIPS 204 (and its pre-hash variants)
    row("ML-DSA-44", Signature, Category(2), Some("ML-DSA")),
    row("ML-DSA-65", Signature, Category(3), Some("ML-DSA")),
    row("ML-DSA-87", Signature, Category(5), Some("ML-DSA")),
    row(
        "HashML-DSA-44-with-SHA512",
        Signature,
        Category(2),
        Some("ML-DSA"),
    ),
    row(
        "HashML-DSA-65-with-SHA512",
        Signature,
        Category(3),
        Some("ML-DSA"),
    ),
    row(
        "HashML-DSA-87-with-SHA512",
        Signature,
        Category(5),
        Some("ML-DSA"),
    ),
    // FIPS 205
    row("SLH-DSA-SHA2-128s", Signature, Category(1), Some("SLH-DSA")),
    row("SLH-DSA-SHA2-128f", Signature, Category(1), Some("SLH-DSA")),
    row("SLH-DSA-SHA2-192s", Signature, Category(3), Some("SLH-DSA")),
    row("SLH-DSA-SHA2-192f", Signature, Category(3), Some("SLH-DSA")),
    row("SLH-DSA-SHA2-256s", Signature, Category(5), Some("SLH-DSA")),
    row("SLH-DSA-SHA2-256f", Signature, Category(5), Some("SLH-DSA")),
    row(
        "SLH-DSA-SHAKE-128s",
        Signature,
        Category(1),
        Some("SLH-DSA"),
    ),
    row(
        "SLH-DSA-SHAKE-128f",
        Signature,
        Category(1),
        Some("SLH-DSA"),
    ),
    row(
        "SLH-DSA-SHAKE-192s",
        Signature,
        Category(3),
        Some("SLH-DSA"),
    ),
    row(
        "SLH-DSA-SHAKE-192f",
        Signature,
        Category(3),
        Some("SLH-DSA"),
    ),
    row(
        "SLH-DSA-SHAKE-256s",
        Signature,
        Category(5),
        Some("SLH-DSA"),
    ),
    row(
        "SLH-DSA-SHAKE-256f",
        Signature,
        Category(5),
        Some("SLH-DSA"),
    ),
    row(
        "HashSLH-DSA-SHA2-128s-with-SHA256",
        Signature,
        Category(1),
        Some("SLH-DSA"),
    ),
    row(
        "HashSLH-DSA-SHA2-128f-with-SHA256",
        Signature,
        Category(1),
        Some("SLH-DSA"),
    ),
    row(
        "HashSLH-DSA-SHA2-192s-with-SHA512",
        Signature,
        Category(3),
        Some("SLH-DSA"),
    ),
    row(
        "HashSLH-DSA-SHA2-192f-with-SHA512",
        Signature,
        Category(3),
        Some("SLH-DSA"),
    ),
    row(
        "HashSLH-DSA-SHA2-256s-with-SHA512",
        Signature,
        Category(5),
        Some("SLH-DSA"),
    ),
    row(
        "HashSLH-DSA-SHA2-256f-with-SHA512",
        Signature,
        Category(5),
        Some("SLH-DSA"),
    ),
    row(
        "HashSLH-DSA-SHAKE-128s-with-SHAKE128",
        Signature,
        Category(1),
        Some("SLH-DSA"),
    ),
    row(
        "HashSLH-DSA-SHAKE-128f-with-SHAKE128",
        Signature,
        Category(1),
        Some("SLH-DSA"),
    ),
    row(
        "HashSLH-DSA-SHAKE-192s-with-SHAKE256",
        Signature,
        Category(3),
        Some("SLH-DSA"),
    ),
    row(
        "HashSLH-DSA-SHAKE-192f-with-SHAKE256",
        Signature,
        Category(3),
        Some("SLH-DSA"),
    ),
    row(
        "HashSLH-DSA-SHAKE-256s-with-SHAKE256",
        Signature,
        Category(5),
        Some("SLH-DSA"),
    ),
    row(
        "HashSLH-DSA-SHAKE-256f-with-SHAKE256",
        Signature,
        Category(5),
        Some("SLH-DSA"),
    ),
    // NIST round-3/4 submissions
    row("Falcon-512", Signature, Category(1), None),
    row("Falcon-1024", Signature, Category(5), None),
    row("Falcon-padded-512", Signature, Category(1), None),
    row("Falcon-padded-1024", Signature, Category(5), None),
    row("Dilithium3", Signature, Category(3), None),
    row("Kyber768", Kem, Category(3), None),
    row("FrodoKEM-640-AES", Kem, Category(1), None),
    row("FrodoKEM-640-SHAKE", Kem, Category(1), None),
    row("FrodoKEM-976-AES", Kem, Category(3), None),
    row("FrodoKEM-976-SHAKE", Kem, Category(3), None),
    row("FrodoKEM-1344-AES", Kem, Category(5), None),
    row("FrodoKEM-1344-SHAKE", Kem, Category(5), None),
    row("eFrodoKEM-640-AES", Kem, Category(1), None),
    row("eFrodoKEM-640-SHAKE", Kem, Category(1), None),
    row("eFrodoKEM-976-AES", Kem, Category(3), None),
    row("eFrodoKEM-976-SHAKE", Kem, Category(3), None),
    row("eFrodoKEM-1344-AES", Kem, Category(5), None),
    row("eFrodoKEM-1344-SHAKE", Kem, Category(5), None),
    row("HQC-128", Kem, Category(1), None),
    row("HQC-192", Kem, Category(3), None),
    row("HQC-256", Kem, Category(5), None),
    row("Classic-McEliece-348864", Kem, Category(1), None),
    row("Classic-McEliece-348864f", Kem, Category(1), None),
    row("Classic-McEliece-460896", Kem, Category(3), None),
    row("Classic-McEliece-460896f", Kem, Category(3), None),
    row("Classic-McEliece-460896pc", Kem, Category(3), None),
    row("Classic-McEliece-460896pcf", Kem, Category(3), None),
    row("Classic-McEliece-6688128", Kem, Category(5), None),
    row("Classic-McEliece-6688128f", Kem, Category(5), None),
    row("Classic-McEliece-6688128pc", Kem, Category(5), None),
    row("Classic-McEliece-6688128pcf", Kem, Category(5), None),
    row("Classic-McEliece-6960119", Kem, Category(5), None),
    row("Classic-McEliece-6960119f", Kem, Category(5), None),
    row("Classic-McEliece-6960119pc", Kem, Category(5), None),
    row("Classic-McEliece-6960119pcf", Kem, Category(5), None),
    row("Classic-McEliece-8192128", Kem, Category(5), None),
    row("Classic-McEliece-8192128f", Kem, Category(5), None),
    row("Classic-McEliece-8192128pc", Kem, Category(5), None),
    row("Classic-McEliece-8192128pcf", Kem, Category(5), None),
    row("sntrup653", Kem, UNKNOWN, None),
    row("sntrup761", Kem, UNKNOWN, None),
    row("sntrup857", Kem, UNKNOWN, None),
    row("sntrup953", Kem, UNKNOWN, None),
    row("sntrup1013", Kem, UNKNOWN, None),
    row("sntrup1277", Kem, UNKNOWN, None),
    // a family named without its parameter set (a constant in a binary)
    row("ML-KEM", Kem, UNKNOWN, Some("ML-KEM")),
    row("ML-DSA", Signature, UNKNOWN, Some("ML-DSA")),
    // classical public-key algorithms
    row("RSA", Pke, Modulus, None),
    row("RSAES-OAEP", Pke, Modulus, Some("RSAES-OAEP")),
    row("RSASSA-PSS", Signature, Modulus, Some("RSASSA-PSS")),
    row("DSA", Signature, Modulus, Some("DSA")),
    row("DH", KeyAgree, Modulus, Some("FFDH")),
    row("DH-X9.42", KeyAgree, Modulus, Some("FFDH")),
    row("EC", Other, Curve, None),
    row("ECDH", KeyAgree, Curve, Some("ECDH")),
    row("SM2", Signature, fixed(128, 0), Some("SM2")),
    row("Ed25519", Signature, fixed(128, 0), Some("EdDSA")),
    row("Ed448", Signature, fixed(224, 0), Some("EdDSA")),
    row("X25519", KeyAgree, fixed(128, 0), Some("ECDH")),
    row("X448", KeyAgree, fixed(224, 0), Some("ECDH")),
    // signature algorithms of certificates (strength set by the key)
    row(
        "md2WithRSAEncryption",
        Signature,
        BROKEN_BY_SHOR,
        Some("RSASSA-PKCS1"),
    ),
    row(
        "md5WithRSAEncryption",
        Signature,
        BROKEN_BY_SHOR,
        Some("RSASSA-PKCS1"),
    ),
    row(
        "sha1WithRSAEncryption",
        Signature,
        BROKEN_BY_SHOR,
        Some("RSASSA-PKCS1"),
    ),
    row(
        "sha224WithRSAEncryption",
        Signature,
        BROKEN_BY_SHOR,
        Some("RSASSA-PKCS1"),
    ),
    row(
        "sha256WithRSAEncryption",
        Signature,
        BROKEN_BY_SHOR,
        Some("RSASSA-PKCS1"),
    ),
    row(
        "sha384WithRSAEncryption",
        Signature,
        BROKEN_BY_SHOR,
        Some("RSASSA-PKCS1"),
    ),
    row(
        "sha512WithRSAEncryption",
        Signature,
        BROKEN_BY_SHOR,
        Some("RSASSA-PKCS1"),
    ),
    row(
        "sha512-224WithRSAEncryption",
        Signature,
        BROKEN_BY_SHOR,
        Some("RSASSA-PKCS1"),
    ),
    row(
        "sha512-256WithRSAEncryption",
        Signature,
        BROKEN_BY_SHOR,
        Some("RSASSA-PKCS1"),
    ),
    row(
        "id-rsassa-pkcs1-v1_5-with-sha3-224",
        Signature,
        BROKEN_BY_SHOR,
        Some("RSASSA-PKCS1"),
    ),
    row(
        "id-rsassa-pkcs1-v1_5-with-sha3-256",
        Signature,
        BROKEN_BY_SHOR,
        Some("RSASSA-PKCS1"),
    ),
    row(
        "id-rsassa-pkcs1-v1_5-with-sha3-384",
        Signature,
        BROKEN_BY_SHOR,
        Some("RSASSA-PKCS1"),
    ),
    row(
        "id-rsassa-pkcs1-v1_5-with-sha3-512",
        Signature,
        BROKEN_BY_SHOR,
        Some("RSASSA-PKCS1"),
    ),
    row("ecdsa-with-SHA1", Signature, BROKEN_BY_SHOR, Some("ECDSA")),
    row(
        "ecdsa-with-SHA224",
        Signature,
        BROKEN_BY_SHOR,
        Some("ECDSA"),
    ),
    row(
        "ecdsa-with-SHA256",
        Signature,
        BROKEN_BY_SHOR,
        Some("ECDSA"),
    ),
    row(
        "ecdsa-with-SHA384",
        Signature,
        BROKEN_BY_SHOR,
        Some("ECDSA"),
    ),
    row(
        "ecdsa-with-SHA512",
        Signature,
        BROKEN_BY_SHOR,
        Some("ECDSA"),
    ),
    row(
        "ecdsa-with-SHA3-224",
        Signature,
        BROKEN_BY_SHOR,
        Some("ECDSA"),
    ),
    row(
        "ecdsa-with-SHA3-256",
        Signature,
        BROKEN_BY_SHOR,
        Some("ECDSA"),
    ),
    row(
        "ecdsa-with-SHA3-384",
        Signature,
        BROKEN_BY_SHOR,
        Some("ECDSA"),
    ),
    row(
        "ecdsa-with-SHA3-512",
        Signature,
        BROKEN_BY_SHOR,
        Some("ECDSA"),
    ),
    row("dsa-with-SHA1", Signature, BROKEN_BY_SHOR, Some("DSA")),
    row("dsa-with-SHA224", Signature, BROKEN_BY_SHOR, Some("DSA")),
    row("dsa-with-SHA256", Signature, BROKEN_BY_SHOR, Some("DSA")),
    row("SM2-with-SM3", Signature, BROKEN_BY_SHOR, Some("SM2")),
    // TLS named groups (IANA names, as fx-fingerprint writes them; x25519
    // and x448 are X25519 and X448 above, found case-insensitively)
    row("secp256r1", KeyAgree, fixed(128, 0), Some("ECDH")),
    row("secp384r1", KeyAgree, fixed(192, 0), Some("ECDH")),
    row("secp521r1", KeyAgree, fixed(256, 0), Some("ECDH")),
    row("brainpoolP256r1", KeyAgree, fixed(128, 0), Some("ECDH")),
    row("brainpoolP384r1", KeyAgree, fixed(192, 0), Some("ECDH")),
    row("brainpoolP512r1", KeyAgree, fixed(256, 0), Some("ECDH")),
    row(
        "brainpoolP256r1tls13",
        KeyAgree,
        fixed(128, 0),
        Some("ECDH"),
    ),
    row(
        "brainpoolP384r1tls13",
        KeyAgree,
        fixed(192, 0),
        Some("ECDH"),
    ),
    row(
        "brainpoolP512r1tls13",
        KeyAgree,
        fixed(256, 0),
        Some("ECDH"),
    ),
    row("ffdhe2048", KeyAgree, fixed(112, 0), Some("FFDH")),
    row("ffdhe3072", KeyAgree, fixed(128, 0), Some("FFDH")),
    row("ffdhe4096", KeyAgree, fixed(128, 0), Some("FFDH")),
    row("ffdhe6144", KeyAgree, fixed(128, 0), Some("FFDH")),
    row("ffdhe8192", KeyAgree, fixed(192, 0), Some("FFDH")),
    row("MLKEM512", Kem, Category(1), Some("ML-KEM")),
    row("MLKEM768", Kem, Category(3), Some("ML-KEM")),
    row("MLKEM1024", Kem, Category(5), Some("ML-KEM")),
    row("X25519MLKEM768", Kem, Category(3), None),
    row("SecP256r1MLKEM768", Kem, Category(3), None),
    row("SecP384r1MLKEM1024", Kem, Category(5), None),
    row("X25519Kyber768Draft00", Kem, Category(3), None),
    row("SecP256r1Kyber768Draft00", Kem, Category(3), None),
    // symmetric ciphers (a mode suffix is read apart: AES-256-CBC)
    row("AES", BlockCipher, UNKNOWN, Some("AES")),
    row("AES-128", BlockCipher, fixed(128, 1), Some("AES")),
    row("AES-192", BlockCipher, fixed(192, 3), Some("AES")),
    row("AES-256", BlockCipher, fixed(256, 5), Some("AES")),
    row("Camellia-128", BlockCipher, fixed(128, 1), Some("CAMELLIA")),
    row("Camellia-256", BlockCipher, fixed(256, 5), Some("CAMELLIA")),
    row("SEED", BlockCipher, fixed(128, 1), Some("SEED")),
    row("SM4", BlockCipher, fixed(128, 1), Some("SM4")),
    row("DES", BlockCipher, fixed(56, 0), Some("DES")),
    row("DES-EDE3", BlockCipher, fixed(112, 0), Some("3DES")),
    row("RC2", BlockCipher, BROKEN_BY_SHOR, Some("RC2")),
    row("RC4", StreamCipher, BROKEN_BY_SHOR, Some("RC4")),
    row("ChaCha20", StreamCipher, fixed(256, 5), Some("ChaCha20")),
    row("ChaCha20-Poly1305", Ae, fixed(256, 5), Some("ChaCha20")),
    // hash functions (collision resistance)
    row("MD5", Hash, BROKEN_BY_SHOR, Some("MD5")),
    row("SHA-1", Hash, BROKEN_BY_SHOR, Some("SHA-1")),
    row("SHA-224", Hash, fixed(112, 0), Some("SHA-2")),
    row("SHA-256", Hash, fixed(128, 2), Some("SHA-2")),
    row("SHA-384", Hash, fixed(192, 4), Some("SHA-2")),
    row(
        "SHA-512",
        Hash,
        Strength::Fixed {
            classical: Some(256),
            nist: None,
        },
        Some("SHA-2"),
    ),
    row("SHA3-256", Hash, fixed(128, 2), Some("SHA-3")),
    row("SHA3-384", Hash, fixed(192, 4), Some("SHA-3")),
    row(
        "SHA3-512",
        Hash,
        Strength::Fixed {
            classical: Some(256),
            nist: None,
        },
        Some("SHA-3"),
    ),
    row("SHA-3", Hash, UNKNOWN, Some("SHA-3")),
    row("SHAKE128", Xof, UNKNOWN, Some("SHA-3")),
    row("SHAKE256", Xof, UNKNOWN, Some("SHA-3")),
    row("BLAKE2", Hash, UNKNOWN, Some("BLAKE2")),
    // MACs and KDFs named by OID
    row("HMAC-SHA1", Mac, UNKNOWN, Some("HMAC")),
    row("HMAC-SHA256", Mac, UNKNOWN, Some("HMAC")),
    row("HMAC-SHA384", Mac, UNKNOWN, Some("HMAC")),
    row("HMAC-SHA512", Mac, UNKNOWN, Some("HMAC")),
    row("PBKDF2", Kdf, UNKNOWN, Some("PBKDF2")),
    row("scrypt", Kdf, UNKNOWN, Some("scrypt")),
    row("HKDF-SHA256", Kdf, UNKNOWN, Some("HKDF")),
    row("HKDF-SHA384", Kdf, UNKNOWN, Some("HKDF")),
    row("HKDF-SHA512", Kdf, UNKNOWN, Some("HKDF")),
    row("PBES2", Kdf, UNKNOWN, Some("PBES2")),
];

/// An algorithm as the CBOM describes it: the registry row resolved for the
/// parameters fx read (modulus size, curve, mode).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Algorithm {
    /// Component name: the fx name with its size or curve where the name
    /// alone does not fix it (`RSA-2048`, `EC-P-256`, `AES-256-CBC`).
    pub name: String,
    /// The registry row's name (`RSA`, `EC`, `AES-256`, `ML-DSA-65`).
    pub base: String,
    /// CycloneDX primitive.
    pub primitive: Primitive,
    /// `parameterSetIdentifier`: key or modulus size, the PQ parameter set
    /// (`65` of ML-DSA-65, `SHA2-128s` of SLH-DSA-SHA2-128s), the composite
    /// name of a composite.
    pub parameter_set: Option<String>,
    /// Curve (`P-256`, `brainpoolP256r1`, `Curve25519`, …).
    pub curve: Option<String>,
    /// Block-cipher mode (`cbc`, `gcm`, …) as CycloneDX names them.
    pub mode: Option<&'static str>,
    /// Classical security strength in bits.
    pub classical_bits: Option<u16>,
    /// NIST post-quantum security category (0–5).
    pub nist_level: Option<u8>,
    /// CycloneDX 1.7 algorithm family.
    pub family: Option<&'static str>,
    /// Dotted OID, from `fx_formats::oids` (or as read, when the caller
    /// has one and the registry none).
    pub oid: Option<String>,
}

/// The row of `name` (exact, then case-insensitive).
pub fn row_of(name: &str) -> Option<&'static Row> {
    ROWS.iter()
        .find(|r| r.name == name)
        .or_else(|| ROWS.iter().find(|r| r.name.eq_ignore_ascii_case(name)))
}

/// SP 800-57 Part 1 Rev. 5 Table 2, IFC/FFC column (modulus bits).
pub fn modulus_strength(bits: u64) -> Option<u16> {
    match bits {
        15360.. => Some(256),
        7680.. => Some(192),
        3072.. => Some(128),
        2048.. => Some(112),
        1024.. => Some(80),
        _ => None,
    }
}

/// SP 800-57 Part 1 Rev. 5 Table 2, ECC column, by the size of the curve's
/// group order in bits.
pub fn ecc_strength(order_bits: u16) -> Option<u16> {
    match order_bits {
        512.. => Some(256),
        384.. => Some(192),
        256.. => Some(128),
        224.. => Some(112),
        160.. => Some(80),
        _ => None,
    }
}

/// The size in bits of a named curve's group order (the `f` of SP 800-57).
pub fn curve_bits(curve: &str) -> Option<u16> {
    Some(match curve {
        "P-192" | "secp192r1" | "brainpoolP192r1" => 192,
        "P-224" | "secp224r1" | "brainpoolP224r1" => 224,
        "P-256" | "secp256r1" | "secp256k1" | "brainpoolP256r1" | "SM2" => 256,
        "brainpoolP320r1" => 320,
        "P-384" | "secp384r1" | "brainpoolP384r1" => 384,
        "brainpoolP512r1" => 512,
        "P-521" | "secp521r1" => 521,
        "brainpoolP160r1" => 160,
        _ => return None,
    })
}

/// The CycloneDX 1.7 registry name of a curve (`ellipticCurvesEnum`).
pub fn registry_curve(curve: &str) -> Option<String> {
    let c = match curve {
        "P-192" | "P-224" | "P-256" | "P-384" | "P-521" => format!("nist/{curve}"),
        "secp256k1" => "secg/secp256k1".into(),
        c if c.starts_with("brainpoolP") => format!("brainpool/{c}"),
        "SM2" => "oscaa/SM2".into(),
        "Curve25519" => "other/Curve25519".into(),
        "Curve448" => "other/Curve448".into(),
        "Ed25519" => "other/Ed25519".into(),
        "Ed448" => "other/Ed448".into(),
        _ => return None,
    };
    Some(c)
}

/// The classical strength of a NIST category's reference (AES key search
/// for 1/3/5, SHA-256/SHA-384 collision search for 2/4).
pub fn category_bits(category: u8) -> Option<u16> {
    match category {
        1 | 2 => Some(128),
        3 | 4 => Some(192),
        5 => Some(256),
        _ => None,
    }
}

/// CycloneDX name of a block-cipher mode suffix.
fn mode_of(suffix: &str) -> Option<&'static str> {
    Some(match suffix.to_ascii_lowercase().as_str() {
        "cbc" => "cbc",
        "ecb" => "ecb",
        "ccm" => "ccm",
        "gcm" => "gcm",
        "cfb" => "cfb",
        "ofb" => "ofb",
        "ctr" => "ctr",
        _ => return None,
    })
}

/// Splits a cipher name into its registry row and mode: `AES-256-CBC` →
/// (`AES-256`, cbc), OpenSSH's `aes256-ctr` → (`AES-256`, ctr),
/// `aes128-gcm@openssh.com` → (`AES-128`, gcm).
fn cipher_parts(name: &str) -> Option<(&'static Row, Option<&'static str>)> {
    let bare = name.split('@').next().unwrap_or(name);
    if let Some((base, suffix)) = bare.rsplit_once('-')
        && let Some(mode) = mode_of(suffix)
    {
        let base = match base.to_ascii_lowercase().as_str() {
            "aes128" => "AES-128",
            "aes192" => "AES-192",
            "aes256" => "AES-256",
            "camellia128" => "Camellia-128",
            "camellia256" => "Camellia-256",
            "seed" => "SEED",
            "des" => "DES",
            "des-ede3" | "3des" => "DES-EDE3",
            _ => base,
        };
        return row_of(base).map(|r| (r, Some(mode)));
    }
    None
}

/// Describes `name` (an fx algorithm name) with the size and curve read
/// beside it; `None` when the registry does not know the name.
pub fn describe(name: &str, key_bits: Option<u64>, curve: Option<&str>) -> Option<Algorithm> {
    if let Some(a) = composite(name) {
        return Some(a);
    }
    // A curve named as an algorithm (a curve constant in a binary).
    if curve_bits(name).is_some() && row_of(name).is_none() {
        return describe("EC", None, Some(name));
    }
    let (row, mode) = match row_of(name) {
        Some(r) => (r, None),
        None => cipher_parts(name)?,
    };
    let mut a = Algorithm {
        name: row.name.to_owned(),
        base: row.name.to_owned(),
        primitive: row.primitive,
        parameter_set: parameter_set(row.name),
        curve: None,
        mode,
        classical_bits: None,
        nist_level: None,
        family: row.family,
        oid: fx_formats::oids::oid_of(row.name).map(str::to_owned),
    };
    match row.strength {
        Strength::Fixed { classical, nist } => {
            a.classical_bits = classical;
            a.nist_level = nist;
        }
        Strength::Category(c) => {
            a.classical_bits = category_bits(c);
            a.nist_level = Some(c);
        }
        Strength::Modulus => {
            a.nist_level = Some(0);
            if let Some(bits) = key_bits {
                a.name = format!("{}-{bits}", row.name);
                a.parameter_set = Some(bits.to_string());
                a.classical_bits = modulus_strength(bits);
            }
        }
        Strength::Curve => {
            a.nist_level = Some(0);
            if let Some(c) = curve {
                a.name = format!("{}-{c}", row.name);
                a.curve = Some(c.to_owned());
                a.classical_bits = curve_bits(c).and_then(ecc_strength);
            }
        }
    }
    match row.name {
        "Ed25519" => a.curve = Some("Ed25519".into()),
        "Ed448" => a.curve = Some("Ed448".into()),
        "X25519" => a.curve = Some("Curve25519".into()),
        "X448" => a.curve = Some("Curve448".into()),
        "secp256r1" => a.curve = Some("P-256".into()),
        "secp384r1" => a.curve = Some("P-384".into()),
        "secp521r1" => a.curve = Some("P-521".into()),
        _ => {}
    }
    if let Some(m) = mode {
        a.name = format!("{}-{}", row.name, m.to_ascii_uppercase());
        if matches!(m, "gcm" | "ccm") {
            a.primitive = Primitive::Ae;
        }
        a.oid = fx_formats::oids::oid_of(&a.name).map(str::to_owned);
    }
    Some(a)
}

/// A password-hashing or KDF scheme of the hash audit (`bcrypt`,
/// `argon2id`, `sha512crypt`, `ldap-ssha1`, `ntlm`, …): a `kdf` when the
/// scheme is a password KDF, a `hash` otherwise, with its 1.7 family where
/// the registry has one. No security level: none of the sources above
/// gives one for password hashing, whose strength is its work factor (the
/// audit grades that against its baseline).
pub fn password_scheme(scheme: &str) -> Option<Algorithm> {
    let s = scheme.to_ascii_lowercase();
    let (primitive, family) = if s.contains("argon2") {
        (Kdf, Some("Argon2"))
    } else if s.contains("yescrypt") {
        (Kdf, Some("yescrypt"))
    } else if s.contains("bcrypt") {
        (Kdf, Some("bcrypt"))
    } else if s.contains("scrypt") {
        (Kdf, Some("scrypt"))
    } else if s.contains("pbkdf2") {
        (Kdf, Some("PBKDF2"))
    } else if s.ends_with("crypt")
        || matches!(
            s.as_str(),
            "phpass" | "apr1" | "sunmd5" | "cisco-type8" | "cisco-type9"
        )
    {
        (Kdf, None)
    } else if s.contains("md5") {
        (Hash, Some("MD5"))
    } else if s.contains("sha1") || s == "mysql41" {
        (Hash, Some("SHA-1"))
    } else if s.contains("sha256") || s.contains("sha384") || s.contains("sha512") {
        (Hash, Some("SHA-2"))
    } else if matches!(
        s.as_str(),
        "ntlm" | "netntlm" | "netntlmv2" | "lm" | "mysql" | "mysql323" | "cisco-type7" | "django"
    ) {
        (Hash, None)
    } else {
        return None;
    };
    Some(Algorithm {
        name: scheme.to_owned(),
        base: scheme.to_owned(),
        primitive,
        parameter_set: None,
        curve: None,
        mode: None,
        classical_bits: None,
        nist_level: None,
        family,
        oid: None,
    })
}

/// An algorithm name the registry does not know: listed under its own
/// name with primitive `unknown`, never dropped.
pub fn unknown(name: &str) -> Algorithm {
    Algorithm {
        name: name.to_owned(),
        base: name.to_owned(),
        primitive: Unknown,
        parameter_set: None,
        curve: None,
        mode: None,
        classical_bits: None,
        nist_level: None,
        family: None,
        oid: fx_formats::oids::oid_of(name).map(str::to_owned),
    }
}

/// `parameterSetIdentifier` implied by a row name: the part after the
/// family prefix of a post-quantum set, the key size of a sized cipher.
fn parameter_set(name: &str) -> Option<String> {
    const PREFIXES: &[&str] = &[
        "ML-KEM-",
        "ML-DSA-",
        "HashML-DSA-",
        "SLH-DSA-",
        "HashSLH-DSA-",
        "Falcon-padded-",
        "Falcon-",
        "FrodoKEM-",
        "eFrodoKEM-",
        "HQC-",
        "Classic-McEliece-",
        "AES-",
        "Camellia-",
        "SHA-",
        "SHA3-",
    ];
    for p in PREFIXES {
        if let Some(rest) = name.strip_prefix(p) {
            let rest = rest
                .split_once("-with-")
                .map_or(rest, |(set, _)| set)
                .to_owned();
            return Some(rest);
        }
    }
    match name {
        "MLKEM512" => Some("512".into()),
        "MLKEM768" => Some("768".into()),
        "MLKEM1024" => Some("1024".into()),
        "Kyber768" => Some("768".into()),
        "Dilithium3" => Some("3".into()),
        _ => name
            .strip_prefix("sntrup")
            .filter(|n| n.bytes().all(|b| b.is_ascii_digit()))
            .map(str::to_owned),
    }
}

/// A composite (LAMPS drafts) named by `fx_formats::oids`: the category of
/// its post-quantum part, the classical strength of its stronger part.
fn composite(name: &str) -> Option<Algorithm> {
    let (pq, trad) = fx_formats::oids::composite_components(name)?;
    let pq = describe(pq, None, None)?;
    let trad_alg = fx_formats::oids::composite_trad_algorithm(&trad);
    let curve = fx_formats::oids::composite_curve(&trad);
    let bits = trad.strip_prefix("RSA").and_then(|b| b.parse::<u64>().ok());
    let trad = describe(trad_alg, bits, curve);
    let classical = pq
        .classical_bits
        .max(trad.as_ref().and_then(|t| t.classical_bits));
    let kem = fx_formats::oids::lookup(fx_formats::oids::oid_of(name)?)
        .is_some_and(|e| e.kind == fx_formats::oids::OidKind::CompositeKem);
    Some(Algorithm {
        name: name.to_owned(),
        base: name.to_owned(),
        primitive: if kem {
            Primitive::Kem
        } else {
            Primitive::Signature
        },
        parameter_set: Some(name.to_owned()),
        curve: curve.map(str::to_owned),
        mode: None,
        classical_bits: classical,
        nist_level: pq.nist_level,
        family: None,
        oid: fx_formats::oids::oid_of(name).map(str::to_owned),
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn every_post_quantum_set_fx_knows_has_a_row() {
        for set in fx_formats::pqc_params::PARAM_SETS {
            let a = describe(set.name, None, None)
                .unwrap_or_else(|| panic!("{} has no registry row", set.name));
            assert_eq!(a.name, set.name);
            if !set.name.starts_with("sntrup") {
                let level = a.nist_level.unwrap_or_else(|| panic!("{}", set.name));
                assert!((1..=5).contains(&level), "{}: {level}", set.name);
                assert_eq!(a.classical_bits, category_bits(level), "{}", set.name);
            }
            for oid in set.oids {
                assert_eq!(
                    fx_formats::oids::name(oid),
                    Some(set.name),
                    "oid {oid} of {}",
                    set.name
                );
            }
        }
    }

    #[test]
    fn names_from_fips_and_sp800_57() {
        let a = describe("ML-DSA-65", None, None).unwrap();
        assert_eq!(a.parameter_set.as_deref(), Some("65"));
        assert_eq!((a.nist_level, a.classical_bits), (Some(3), Some(192)));
        assert_eq!(a.oid.as_deref(), Some("2.16.840.1.101.3.4.3.18"));
        assert_eq!(a.primitive, Primitive::Signature);
        let a = describe("ML-KEM-512", None, None).unwrap();
        assert_eq!((a.nist_level, a.primitive), (Some(1), Primitive::Kem));
        let a = describe("ML-DSA-44", None, None).unwrap();
        assert_eq!((a.nist_level, a.classical_bits), (Some(2), Some(128)));
        let a = describe("SLH-DSA-SHAKE-192f", None, None).unwrap();
        assert_eq!(a.parameter_set.as_deref(), Some("SHAKE-192f"));
        assert_eq!(a.nist_level, Some(3));
        let a = describe("RSA", Some(2048), None).unwrap();
        assert_eq!(a.name, "RSA-2048");
        assert_eq!((a.classical_bits, a.nist_level), (Some(112), Some(0)));
        assert_eq!(a.oid.as_deref(), Some("1.2.840.113549.1.1.1"));
        assert_eq!(
            describe("RSA", Some(4096), None).unwrap().classical_bits,
            Some(128)
        );
        assert_eq!(
            describe("RSA", Some(512), None).unwrap().classical_bits,
            None
        );
        let a = describe("EC", None, Some("P-384")).unwrap();
        assert_eq!((a.name.as_str(), a.classical_bits), ("EC-P-384", Some(192)));
        assert_eq!(
            describe("EC", None, Some("P-521")).unwrap().classical_bits,
            Some(256)
        );
        let a = describe("AES-256-CBC", None, None).unwrap();
        assert_eq!(
            (a.mode, a.classical_bits, a.nist_level),
            (Some("cbc"), Some(256), Some(5))
        );
        assert_eq!(a.oid.as_deref(), Some("2.16.840.1.101.3.4.1.42"));
        let a = describe("aes256-ctr", None, None).unwrap();
        assert_eq!((a.name.as_str(), a.mode), ("AES-256-CTR", Some("ctr")));
        let a = describe("AES-128-GCM", None, None).unwrap();
        assert_eq!(a.primitive, Primitive::Ae);
        assert!(describe("no-such-thing", None, None).is_none());
    }

    #[test]
    fn composites_take_the_pq_category_and_the_stronger_classical_part() {
        let a = describe("MLDSA65-ECDSA-P256-SHA512", None, None).unwrap();
        assert_eq!((a.nist_level, a.classical_bits), (Some(3), Some(192)));
        assert_eq!(a.oid.as_deref(), Some("1.3.6.1.5.5.7.6.45"));
        assert_eq!(a.curve.as_deref(), Some("P-256"));
        let a = describe("MLKEM768-X25519-SHA3-256", None, None).unwrap();
        assert_eq!((a.primitive, a.nist_level), (Primitive::Kem, Some(3)));
        let a = describe("MLDSA44-RSA2048-PSS-SHA256", None, None).unwrap();
        assert_eq!((a.nist_level, a.classical_bits), (Some(2), Some(128)));
    }

    #[test]
    fn families_are_in_the_cyclonedx_registry() {
        // algorithmFamiliesEnum of cryptography-defs.schema.json (CycloneDX 1.7).
        const ENUM: &[&str] = &[
            "3DES",
            "AES",
            "BLAKE2",
            "CAMELLIA",
            "ChaCha20",
            "DES",
            "DSA",
            "ECDH",
            "ECDSA",
            "EdDSA",
            "FFDH",
            "HKDF",
            "HMAC",
            "MD5",
            "ML-DSA",
            "ML-KEM",
            "PBES2",
            "PBKDF2",
            "RC2",
            "RC4",
            "RSAES-OAEP",
            "RSASSA-PKCS1",
            "RSASSA-PSS",
            "SEED",
            "SHA-1",
            "SHA-2",
            "SHA-3",
            "SLH-DSA",
            "SM2",
            "SM4",
            "scrypt",
        ];
        for r in ROWS {
            if let Some(f) = r.family {
                assert!(ENUM.contains(&f), "{}: {f}", r.name);
            }
        }
    }
}
