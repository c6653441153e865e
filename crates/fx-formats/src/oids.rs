//! The algorithm-identifier registry: every OID fx names, classical,
//! post-quantum and composite, with its DESIGN §9 name and what kind of
//! thing it identifies.
//!
//! Sources: RFC 3279/4055/5480/5758/8410 (classical keys and signatures),
//! RFC 8018 (PBES2/PBKDF2), RFC 7292 (PKCS#12), RFC 5652/5911 (CMS), RFC 5280
//! (extensions), the NIST CSOR registry (FIPS 203/204/205 and pre-hash
//! variants), and `oid_mapping.md` of the IETF PQC hackathon (composite
//! signatures draft-ietf-lamps-pq-composite-sigs-19, composite KEMs
//! draft-ietf-lamps-pq-composite-kem-15, FrodoKEM, Classic McEliece, Falcon
//! and NTRU prototypes), plus the OQS Falcon OIDs actually found in the
//! hackathon artifacts.

use std::collections::HashMap;
use std::sync::OnceLock;

/// What an OID identifies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OidKind {
    /// A public-key algorithm that is not also a signature scheme (RSA, EC, X25519).
    PublicKey,
    /// A signature algorithm (for PQC schemes also the key algorithm).
    Signature,
    /// A key-encapsulation mechanism (also the key algorithm).
    Kem,
    /// A composite (PQ + traditional) signature.
    CompositeSignature,
    /// A composite (PQ + traditional) KEM.
    CompositeKem,
    /// A named elliptic curve.
    Curve,
    /// A hash function.
    Hash,
    /// A MAC.
    Mac,
    /// A symmetric cipher (with its mode).
    Cipher,
    /// A key-derivation function.
    Kdf,
    /// A password-based encryption scheme.
    Pbe,
    /// A CMS / PKCS#7 content type.
    ContentType,
    /// A PKCS#12 bag type.
    BagType,
    /// An X.509 extension.
    Extension,
    /// A PKCS#9 or other attribute.
    Attribute,
}

impl OidKind {
    /// True for kinds that name a key or signature algorithm.
    pub fn is_asymmetric(self) -> bool {
        matches!(
            self,
            OidKind::PublicKey
                | OidKind::Signature
                | OidKind::Kem
                | OidKind::CompositeSignature
                | OidKind::CompositeKem
        )
    }
}

/// One registry entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct OidEntry {
    /// Dotted OID.
    pub oid: &'static str,
    /// DESIGN §9 name (`ML-DSA-65`, `RSA`, `P-256`, `sha256WithRSAEncryption`…).
    pub name: &'static str,
    /// What it identifies.
    pub kind: OidKind,
}

macro_rules! oids {
    ($($kind:ident { $($oid:literal => $name:literal,)+ })+) => {
        /// Every OID fx names, grouped by kind.
        pub static OIDS: &[OidEntry] = &[
            $($(OidEntry { oid: $oid, name: $name, kind: OidKind::$kind },)+)+
        ];
    };
}

oids! {
    PublicKey {
        "1.2.840.113549.1.1.1" => "RSA",
        "1.2.840.113549.1.1.7" => "RSAES-OAEP",
        "1.2.840.10045.2.1" => "EC",
        "1.3.132.1.12" => "ECDH",
        "1.3.132.1.13" => "ECMQV",
        "1.3.101.110" => "X25519",
        "1.3.101.111" => "X448",
        "1.2.840.10040.4.1" => "DSA",
        "1.2.840.113549.1.3.1" => "DH",
        "1.2.840.10046.2.1" => "DH-X9.42",
        "1.2.156.10197.1.301" => "SM2",
        "2.16.840.1.114027.80.4.1" => "composite-key-generic",
    }
    Signature {
        "1.2.840.113549.1.1.10" => "RSASSA-PSS",
        "1.2.840.113549.1.1.2" => "md2WithRSAEncryption",
        "1.2.840.113549.1.1.4" => "md5WithRSAEncryption",
        "1.2.840.113549.1.1.5" => "sha1WithRSAEncryption",
        "1.2.840.113549.1.1.11" => "sha256WithRSAEncryption",
        "1.2.840.113549.1.1.12" => "sha384WithRSAEncryption",
        "1.2.840.113549.1.1.13" => "sha512WithRSAEncryption",
        "1.2.840.113549.1.1.14" => "sha224WithRSAEncryption",
        "1.2.840.113549.1.1.15" => "sha512-224WithRSAEncryption",
        "1.2.840.113549.1.1.16" => "sha512-256WithRSAEncryption",
        "2.16.840.1.101.3.4.3.13" => "id-rsassa-pkcs1-v1_5-with-sha3-224",
        "2.16.840.1.101.3.4.3.14" => "id-rsassa-pkcs1-v1_5-with-sha3-256",
        "2.16.840.1.101.3.4.3.15" => "id-rsassa-pkcs1-v1_5-with-sha3-384",
        "2.16.840.1.101.3.4.3.16" => "id-rsassa-pkcs1-v1_5-with-sha3-512",
        "1.2.840.10045.4.1" => "ecdsa-with-SHA1",
        "1.2.840.10045.4.3.1" => "ecdsa-with-SHA224",
        "1.2.840.10045.4.3.2" => "ecdsa-with-SHA256",
        "1.2.840.10045.4.3.3" => "ecdsa-with-SHA384",
        "1.2.840.10045.4.3.4" => "ecdsa-with-SHA512",
        "2.16.840.1.101.3.4.3.9" => "ecdsa-with-SHA3-224",
        "2.16.840.1.101.3.4.3.10" => "ecdsa-with-SHA3-256",
        "2.16.840.1.101.3.4.3.11" => "ecdsa-with-SHA3-384",
        "2.16.840.1.101.3.4.3.12" => "ecdsa-with-SHA3-512",
        "1.2.840.10040.4.3" => "dsa-with-SHA1",
        "2.16.840.1.101.3.4.3.1" => "dsa-with-SHA224",
        "2.16.840.1.101.3.4.3.2" => "dsa-with-SHA256",
        "1.2.156.10197.1.501" => "SM2-with-SM3",
        "1.3.101.112" => "Ed25519",
        "1.3.101.113" => "Ed448",
        "2.16.840.1.101.3.4.3.17" => "ML-DSA-44",
        "2.16.840.1.101.3.4.3.18" => "ML-DSA-65",
        "2.16.840.1.101.3.4.3.19" => "ML-DSA-87",
        "2.16.840.1.101.3.4.3.20" => "SLH-DSA-SHA2-128s",
        "2.16.840.1.101.3.4.3.21" => "SLH-DSA-SHA2-128f",
        "2.16.840.1.101.3.4.3.22" => "SLH-DSA-SHA2-192s",
        "2.16.840.1.101.3.4.3.23" => "SLH-DSA-SHA2-192f",
        "2.16.840.1.101.3.4.3.24" => "SLH-DSA-SHA2-256s",
        "2.16.840.1.101.3.4.3.25" => "SLH-DSA-SHA2-256f",
        "2.16.840.1.101.3.4.3.26" => "SLH-DSA-SHAKE-128s",
        "2.16.840.1.101.3.4.3.27" => "SLH-DSA-SHAKE-128f",
        "2.16.840.1.101.3.4.3.28" => "SLH-DSA-SHAKE-192s",
        "2.16.840.1.101.3.4.3.29" => "SLH-DSA-SHAKE-192f",
        "2.16.840.1.101.3.4.3.30" => "SLH-DSA-SHAKE-256s",
        "2.16.840.1.101.3.4.3.31" => "SLH-DSA-SHAKE-256f",
        "2.16.840.1.101.3.4.3.32" => "HashML-DSA-44-with-SHA512",
        "2.16.840.1.101.3.4.3.33" => "HashML-DSA-65-with-SHA512",
        "2.16.840.1.101.3.4.3.34" => "HashML-DSA-87-with-SHA512",
        "2.16.840.1.101.3.4.3.35" => "HashSLH-DSA-SHA2-128s-with-SHA256",
        "2.16.840.1.101.3.4.3.36" => "HashSLH-DSA-SHA2-128f-with-SHA256",
        "2.16.840.1.101.3.4.3.37" => "HashSLH-DSA-SHA2-192s-with-SHA512",
        "2.16.840.1.101.3.4.3.38" => "HashSLH-DSA-SHA2-192f-with-SHA512",
        "2.16.840.1.101.3.4.3.39" => "HashSLH-DSA-SHA2-256s-with-SHA512",
        "2.16.840.1.101.3.4.3.40" => "HashSLH-DSA-SHA2-256f-with-SHA512",
        "2.16.840.1.101.3.4.3.41" => "HashSLH-DSA-SHAKE-128s-with-SHAKE128",
        "2.16.840.1.101.3.4.3.42" => "HashSLH-DSA-SHAKE-128f-with-SHAKE128",
        "2.16.840.1.101.3.4.3.43" => "HashSLH-DSA-SHAKE-192s-with-SHAKE256",
        "2.16.840.1.101.3.4.3.44" => "HashSLH-DSA-SHAKE-192f-with-SHAKE256",
        "2.16.840.1.101.3.4.3.45" => "HashSLH-DSA-SHAKE-256s-with-SHAKE256",
        "2.16.840.1.101.3.4.3.46" => "HashSLH-DSA-SHAKE-256f-with-SHAKE256",
        "1.3.9999.3.6" => "Falcon-512",
        "1.3.9999.3.9" => "Falcon-1024",
        "1.3.9999.3.11" => "Falcon-512",
        "1.3.9999.3.14" => "Falcon-1024",
        "1.3.6.1.4.1.18227.2.1" => "composite-signature-generic",
    }
    Kem {
        "2.16.840.1.101.3.4.4.1" => "ML-KEM-512",
        "2.16.840.1.101.3.4.4.2" => "ML-KEM-768",
        "2.16.840.1.101.3.4.4.3" => "ML-KEM-1024",
        "1.3.6.1.4.1.22554.5.5.1" => "NTRU-HPS-2048-509",
        "1.3.6.1.4.1.22554.5.5.2" => "NTRU-HPS-2048-677",
        "1.3.6.1.4.1.22554.5.5.3" => "NTRU-HPS-4096-821",
        "1.3.6.1.4.1.22554.5.5.5" => "NTRU-HPS-4096-1229",
        "1.3.6.1.4.1.22554.5.5.4" => "NTRU-HRSS-701",
        "1.3.6.1.4.1.22554.5.5.6" => "NTRU-HRSS-1373",
        "1.0.18033.2.2.7.1" => "FrodoKEM-976-SHAKE",
        "1.0.18033.2.2.7.2" => "FrodoKEM-1344-SHAKE",
        "1.0.18033.2.2.7.3" => "eFrodoKEM-976-SHAKE",
        "1.0.18033.2.2.7.4" => "eFrodoKEM-1344-SHAKE",
        "1.0.18033.2.2.7.5" => "FrodoKEM-976-AES",
        "1.0.18033.2.2.7.6" => "FrodoKEM-1344-AES",
        "1.0.18033.2.2.7.7" => "eFrodoKEM-976-AES",
        "1.0.18033.2.2.7.8" => "eFrodoKEM-1344-AES",
        "1.0.18033.2.2.6.1" => "Classic-McEliece-460896",
        "1.0.18033.2.2.6.2" => "Classic-McEliece-460896f",
        "1.0.18033.2.2.6.3" => "Classic-McEliece-460896pc",
        "1.0.18033.2.2.6.4" => "Classic-McEliece-460896pcf",
        "1.0.18033.2.2.6.5" => "Classic-McEliece-6688128",
        "1.0.18033.2.2.6.6" => "Classic-McEliece-6688128f",
        "1.0.18033.2.2.6.7" => "Classic-McEliece-6688128pc",
        "1.0.18033.2.2.6.8" => "Classic-McEliece-6688128pcf",
        "1.0.18033.2.2.6.9" => "Classic-McEliece-6960119",
        "1.0.18033.2.2.6.10" => "Classic-McEliece-6960119f",
        "1.0.18033.2.2.6.11" => "Classic-McEliece-6960119pc",
        "1.0.18033.2.2.6.12" => "Classic-McEliece-6960119pcf",
        "1.0.18033.2.2.6.13" => "Classic-McEliece-8192128",
        "1.0.18033.2.2.6.14" => "Classic-McEliece-8192128f",
        "1.0.18033.2.2.6.15" => "Classic-McEliece-8192128pc",
        "1.0.18033.2.2.6.16" => "Classic-McEliece-8192128pcf",
    }
    CompositeSignature {
        "1.3.6.1.5.5.7.6.37" => "MLDSA44-RSA2048-PSS-SHA256",
        "1.3.6.1.5.5.7.6.38" => "MLDSA44-RSA2048-PKCS15-SHA256",
        "1.3.6.1.5.5.7.6.39" => "MLDSA44-Ed25519-SHA512",
        "1.3.6.1.5.5.7.6.40" => "MLDSA44-ECDSA-P256-SHA256",
        "1.3.6.1.5.5.7.6.41" => "MLDSA65-RSA3072-PSS-SHA512",
        "1.3.6.1.5.5.7.6.42" => "MLDSA65-RSA3072-PKCS15-SHA512",
        "1.3.6.1.5.5.7.6.43" => "MLDSA65-RSA4096-PSS-SHA512",
        "1.3.6.1.5.5.7.6.44" => "MLDSA65-RSA4096-PKCS15-SHA512",
        "1.3.6.1.5.5.7.6.45" => "MLDSA65-ECDSA-P256-SHA512",
        "1.3.6.1.5.5.7.6.46" => "MLDSA65-ECDSA-P384-SHA512",
        "1.3.6.1.5.5.7.6.47" => "MLDSA65-ECDSA-brainpoolP256r1-SHA512",
        "1.3.6.1.5.5.7.6.48" => "MLDSA65-Ed25519-SHA512",
        "1.3.6.1.5.5.7.6.49" => "MLDSA87-ECDSA-P384-SHA512",
        "1.3.6.1.5.5.7.6.50" => "MLDSA87-ECDSA-brainpoolP384r1-SHA512",
        "1.3.6.1.5.5.7.6.51" => "MLDSA87-Ed448-SHAKE256",
        "1.3.6.1.5.5.7.6.52" => "MLDSA87-RSA3072-PSS-SHA512",
        "1.3.6.1.5.5.7.6.53" => "MLDSA87-RSA4096-PSS-SHA512",
        "1.3.6.1.5.5.7.6.54" => "MLDSA87-ECDSA-P521-SHA512",
    }
    CompositeKem {
        "1.3.6.1.5.5.7.6.55" => "MLKEM768-RSA2048-SHA3-256",
        "1.3.6.1.5.5.7.6.56" => "MLKEM768-RSA3072-SHA3-256",
        "1.3.6.1.5.5.7.6.57" => "MLKEM768-RSA4096-SHA3-256",
        "1.3.6.1.5.5.7.6.58" => "MLKEM768-X25519-SHA3-256",
        "1.3.6.1.5.5.7.6.59" => "MLKEM768-ECDH-P256-SHA3-256",
        "1.3.6.1.5.5.7.6.60" => "MLKEM768-ECDH-P384-SHA3-256",
        "1.3.6.1.5.5.7.6.61" => "MLKEM768-ECDH-brainpoolP256r1-SHA3-256",
        "1.3.6.1.5.5.7.6.62" => "MLKEM1024-RSA3072-SHA3-256",
        "1.3.6.1.5.5.7.6.63" => "MLKEM1024-ECDH-P384-SHA3-256",
        "1.3.6.1.5.5.7.6.64" => "MLKEM1024-ECDH-brainpoolP384r1-SHA3-256",
        "1.3.6.1.5.5.7.6.65" => "MLKEM1024-X448-SHA3-256",
        "1.3.6.1.5.5.7.6.66" => "MLKEM1024-ECDH-P521-SHA3-256",
    }
    Curve {
        "1.2.840.10045.3.1.7" => "P-256",
        "1.3.132.0.34" => "P-384",
        "1.3.132.0.35" => "P-521",
        "1.3.132.0.33" => "P-224",
        "1.2.840.10045.3.1.1" => "P-192",
        "1.3.132.0.10" => "secp256k1",
        "1.3.36.3.3.2.8.1.1.1" => "brainpoolP160r1",
        "1.3.36.3.3.2.8.1.1.3" => "brainpoolP192r1",
        "1.3.36.3.3.2.8.1.1.5" => "brainpoolP224r1",
        "1.3.36.3.3.2.8.1.1.7" => "brainpoolP256r1",
        "1.3.36.3.3.2.8.1.1.9" => "brainpoolP320r1",
        "1.3.36.3.3.2.8.1.1.11" => "brainpoolP384r1",
        "1.3.36.3.3.2.8.1.1.13" => "brainpoolP512r1",
        "1.2.156.10197.1.301.1" => "SM2",
    }
    Hash {
        "1.2.840.113549.2.2" => "MD2",
        "1.2.840.113549.2.5" => "MD5",
        "1.3.14.3.2.26" => "SHA-1",
        "2.16.840.1.101.3.4.2.1" => "SHA-256",
        "2.16.840.1.101.3.4.2.2" => "SHA-384",
        "2.16.840.1.101.3.4.2.3" => "SHA-512",
        "2.16.840.1.101.3.4.2.4" => "SHA-224",
        "2.16.840.1.101.3.4.2.5" => "SHA-512/224",
        "2.16.840.1.101.3.4.2.6" => "SHA-512/256",
        "2.16.840.1.101.3.4.2.7" => "SHA3-224",
        "2.16.840.1.101.3.4.2.8" => "SHA3-256",
        "2.16.840.1.101.3.4.2.9" => "SHA3-384",
        "2.16.840.1.101.3.4.2.10" => "SHA3-512",
        "2.16.840.1.101.3.4.2.11" => "SHAKE128",
        "2.16.840.1.101.3.4.2.12" => "SHAKE256",
        "1.2.840.113549.1.1.8" => "MGF1",
    }
    Mac {
        "1.2.840.113549.2.7" => "HMAC-SHA1",
        "1.2.840.113549.2.8" => "HMAC-SHA224",
        "1.2.840.113549.2.9" => "HMAC-SHA256",
        "1.2.840.113549.2.10" => "HMAC-SHA384",
        "1.2.840.113549.2.11" => "HMAC-SHA512",
        "1.2.840.113549.2.12" => "HMAC-SHA512/224",
        "1.2.840.113549.2.13" => "HMAC-SHA512/256",
        "1.2.840.113549.1.5.14" => "PBMAC1",
    }
    Cipher {
        "2.16.840.1.101.3.4.1.1" => "AES-128-ECB",
        "2.16.840.1.101.3.4.1.2" => "AES-128-CBC",
        "2.16.840.1.101.3.4.1.3" => "AES-128-OFB",
        "2.16.840.1.101.3.4.1.4" => "AES-128-CFB",
        "2.16.840.1.101.3.4.1.5" => "AES-128-KW",
        "2.16.840.1.101.3.4.1.6" => "AES-128-GCM",
        "2.16.840.1.101.3.4.1.7" => "AES-128-CCM",
        "2.16.840.1.101.3.4.1.21" => "AES-192-ECB",
        "2.16.840.1.101.3.4.1.22" => "AES-192-CBC",
        "2.16.840.1.101.3.4.1.25" => "AES-192-KW",
        "2.16.840.1.101.3.4.1.26" => "AES-192-GCM",
        "2.16.840.1.101.3.4.1.41" => "AES-256-ECB",
        "2.16.840.1.101.3.4.1.42" => "AES-256-CBC",
        "2.16.840.1.101.3.4.1.45" => "AES-256-KW",
        "2.16.840.1.101.3.4.1.46" => "AES-256-GCM",
        "2.16.840.1.101.3.4.1.47" => "AES-256-CCM",
        "1.2.840.113549.3.7" => "DES-EDE3-CBC",
        "1.3.14.3.2.7" => "DES-CBC",
        "1.2.840.113549.3.2" => "RC2-CBC",
        "1.2.840.113549.3.4" => "RC4",
        "1.2.840.113549.1.9.16.3.18" => "ChaCha20-Poly1305",
        "1.2.410.200004.1.4" => "SEED-CBC",
        "1.2.392.200011.61.1.1.1.2" => "Camellia-128-CBC",
        "1.2.392.200011.61.1.1.1.4" => "Camellia-256-CBC",
    }
    Kdf {
        "1.2.840.113549.1.5.12" => "PBKDF2",
        "1.3.6.1.4.1.11591.4.11" => "scrypt",
        "1.2.840.113549.1.9.16.3.28" => "HKDF-SHA256",
        "1.2.840.113549.1.9.16.3.29" => "HKDF-SHA384",
        "1.2.840.113549.1.9.16.3.30" => "HKDF-SHA512",
    }
    Pbe {
        "1.2.840.113549.1.5.13" => "PBES2",
        "1.2.840.113549.1.5.1" => "pbeWithMD2AndDES-CBC",
        "1.2.840.113549.1.5.3" => "pbeWithMD5AndDES-CBC",
        "1.2.840.113549.1.5.10" => "pbeWithSHA1AndDES-CBC",
        "1.2.840.113549.1.12.1.1" => "pbeWithSHAAnd128BitRC4",
        "1.2.840.113549.1.12.1.2" => "pbeWithSHAAnd40BitRC4",
        "1.2.840.113549.1.12.1.3" => "pbeWithSHAAnd3-KeyTripleDES-CBC",
        "1.2.840.113549.1.12.1.4" => "pbeWithSHAAnd2-KeyTripleDES-CBC",
        "1.2.840.113549.1.12.1.5" => "pbeWithSHAAnd128BitRC2-CBC",
        "1.2.840.113549.1.12.1.6" => "pbeWithSHAAnd40BitRC2-CBC",
    }
    ContentType {
        "1.2.840.113549.1.7.1" => "data",
        "1.2.840.113549.1.7.2" => "signedData",
        "1.2.840.113549.1.7.3" => "envelopedData",
        "1.2.840.113549.1.7.4" => "signedAndEnvelopedData",
        "1.2.840.113549.1.7.5" => "digestedData",
        "1.2.840.113549.1.7.6" => "encryptedData",
        "1.2.840.113549.1.9.16.1.2" => "authData",
        "1.2.840.113549.1.9.16.1.4" => "tstInfo",
        "1.2.840.113549.1.9.16.1.9" => "compressedData",
        "1.2.840.113549.1.9.16.1.23" => "authEnvelopedData",
    }
    BagType {
        "1.2.840.113549.1.12.10.1.1" => "keyBag",
        "1.2.840.113549.1.12.10.1.2" => "pkcs8ShroudedKeyBag",
        "1.2.840.113549.1.12.10.1.3" => "certBag",
        "1.2.840.113549.1.12.10.1.4" => "crlBag",
        "1.2.840.113549.1.12.10.1.5" => "secretBag",
        "1.2.840.113549.1.12.10.1.6" => "safeContentsBag",
        "1.2.840.113549.1.9.22.1" => "x509Certificate",
        "1.2.840.113549.1.9.22.2" => "sdsiCertificate",
        "1.2.840.113549.1.9.23.1" => "x509CRL",
    }
    Extension {
        "2.5.29.14" => "subjectKeyIdentifier",
        "2.5.29.15" => "keyUsage",
        "2.5.29.16" => "privateKeyUsagePeriod",
        "2.5.29.17" => "subjectAltName",
        "2.5.29.18" => "issuerAltName",
        "2.5.29.19" => "basicConstraints",
        "2.5.29.20" => "cRLNumber",
        "2.5.29.21" => "reasonCode",
        "2.5.29.24" => "invalidityDate",
        "2.5.29.27" => "deltaCRLIndicator",
        "2.5.29.28" => "issuingDistributionPoint",
        "2.5.29.29" => "certificateIssuer",
        "2.5.29.30" => "nameConstraints",
        "2.5.29.31" => "cRLDistributionPoints",
        "2.5.29.32" => "certificatePolicies",
        "2.5.29.33" => "policyMappings",
        "2.5.29.35" => "authorityKeyIdentifier",
        "2.5.29.36" => "policyConstraints",
        "2.5.29.37" => "extKeyUsage",
        "2.5.29.46" => "freshestCRL",
        "2.5.29.54" => "inhibitAnyPolicy",
        "2.5.29.72" => "subjectAltPublicKeyInfo",
        "2.5.29.73" => "altSignatureAlgorithm",
        "2.5.29.74" => "altSignatureValue",
        "1.3.6.1.5.5.7.1.1" => "authorityInfoAccess",
        "1.3.6.1.5.5.7.1.11" => "subjectInfoAccess",
        "1.3.6.1.5.5.7.1.24" => "tlsFeature",
        "1.3.6.1.4.1.11129.2.4.2" => "signedCertificateTimestampList",
        "1.3.6.1.4.1.11129.2.4.3" => "precertificatePoison",
        "2.16.840.1.114027.80.6.1" => "deltaCertificateDescriptor",
        "2.16.840.1.113730.1.1" => "netscapeCertType",
        "2.16.840.1.113730.1.13" => "netscapeComment",
    }
    Attribute {
        "1.2.840.113549.1.9.1" => "emailAddress",
        "1.2.840.113549.1.9.3" => "contentType",
        "1.2.840.113549.1.9.4" => "messageDigest",
        "1.2.840.113549.1.9.5" => "signingTime",
        "1.2.840.113549.1.9.7" => "challengePassword",
        "1.2.840.113549.1.9.14" => "extensionRequest",
        "1.2.840.113549.1.9.15" => "smimeCapabilities",
        "1.2.840.113549.1.9.20" => "friendlyName",
        "1.2.840.113549.1.9.21" => "localKeyID",
        "1.2.840.113549.1.9.52" => "cmsAlgorithmProtection",
    }
}

fn index() -> &'static HashMap<&'static str, &'static OidEntry> {
    static INDEX: OnceLock<HashMap<&'static str, &'static OidEntry>> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut m = HashMap::with_capacity(OIDS.len());
        for e in OIDS {
            m.entry(e.oid).or_insert(e);
        }
        m
    })
}

/// The entry of a dotted OID.
pub fn lookup(oid: &str) -> Option<&'static OidEntry> {
    index().get(oid).copied()
}

/// The name of a dotted OID.
pub fn name(oid: &str) -> Option<&'static str> {
    lookup(oid).map(|e| e.name)
}

/// The OID of a name (first entry with that name).
pub fn oid_of(name: &str) -> Option<&'static str> {
    OIDS.iter().find(|e| e.name == name).map(|e| e.oid)
}

/// For a composite name (`MLDSA65-ECDSA-P256-SHA512`, `MLKEM768-X25519-SHA3-256`),
/// its post-quantum component (`ML-DSA-65`, `ML-KEM-768`) and its traditional
/// component (`RSA2048`, `ECDSA-P256`, `Ed25519`, `X25519`, `ECDH-P384`, …).
pub fn composite_components(name: &str) -> Option<(&'static str, String)> {
    let (pq, rest) = name.split_once('-')?;
    let pq = match pq {
        "MLDSA44" => "ML-DSA-44",
        "MLDSA65" => "ML-DSA-65",
        "MLDSA87" => "ML-DSA-87",
        "MLKEM768" => "ML-KEM-768",
        "MLKEM1024" => "ML-KEM-1024",
        _ => return None,
    };
    // The traditional part is everything before the trailing hash name.
    let trad = rest
        .rsplit_once("-SHA")
        .or_else(|| rest.rsplit_once("-SHAKE"))
        .map(|(t, _)| t)
        .unwrap_or(rest);
    let trad = trad
        .strip_suffix("-PSS")
        .or_else(|| trad.strip_suffix("-PKCS15"))
        .unwrap_or(trad);
    Some((pq, trad.to_owned()))
}

/// The DESIGN §9 algorithm name of a traditional composite component
/// (`RSA2048` → `RSA`, `ECDSA-P256`/`ECDH-P384` → `EC`, `Ed25519` as is).
pub fn composite_trad_algorithm(trad: &str) -> &str {
    if trad.starts_with("RSA") {
        "RSA"
    } else if trad.starts_with("ECDSA-") || trad.starts_with("ECDH-") {
        "EC"
    } else {
        trad
    }
}

/// The curve named in a traditional composite component (`ECDSA-P256` → `P-256`).
pub fn composite_curve(trad: &str) -> Option<&'static str> {
    let c = trad
        .strip_prefix("ECDSA-")
        .or_else(|| trad.strip_prefix("ECDH-"))?;
    Some(match c {
        "P256" => "P-256",
        "P384" => "P-384",
        "P521" => "P-521",
        "brainpoolP256r1" => "brainpoolP256r1",
        "brainpoolP384r1" => "brainpoolP384r1",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_duplicate_oids() {
        let mut seen = std::collections::BTreeSet::new();
        for e in OIDS {
            assert!(seen.insert(e.oid), "duplicate {}", e.oid);
            assert!(
                const_oid::ObjectIdentifier::new(e.oid).is_ok(),
                "bad OID {}",
                e.oid
            );
        }
    }

    #[test]
    fn names() {
        assert_eq!(name("2.16.840.1.101.3.4.3.18"), Some("ML-DSA-65"));
        assert_eq!(name("1.3.132.0.34"), Some("P-384"));
        assert_eq!(
            composite_components("MLDSA65-ECDSA-P256-SHA512"),
            Some(("ML-DSA-65", "ECDSA-P256".to_owned()))
        );
        assert_eq!(
            composite_components("MLDSA44-RSA2048-PSS-SHA256"),
            Some(("ML-DSA-44", "RSA2048".to_owned()))
        );
        assert_eq!(
            composite_components("MLDSA87-Ed448-SHAKE256"),
            Some(("ML-DSA-87", "Ed448".to_owned()))
        );
        assert_eq!(
            composite_curve("ECDH-brainpoolP256r1"),
            Some("brainpoolP256r1")
        );
    }
}
