//! The OpenPGP registries fx reads, one table each (RFC 9580 §5 and §9).
//!
//! An id missing from a table is reported as its number by the callers,
//! never guessed.

/// Packet type ids (RFC 9580 §5, Table 3): tag → name.
pub const TAGS: &[(u8, &str)] = &[
    (1, "pkesk"),
    (2, "signature"),
    (3, "skesk"),
    (4, "one_pass_signature"),
    (5, "secret_key"),
    (6, "public_key"),
    (7, "secret_subkey"),
    (8, "compressed_data"),
    (9, "symmetrically_encrypted_data"),
    (10, "marker"),
    (11, "literal_data"),
    (12, "trust"),
    (13, "user_id"),
    (14, "public_subkey"),
    (17, "user_attribute"),
    (18, "seipd"),
    (19, "modification_detection_code"),
    (21, "padding"),
];

/// Public-key algorithm ids (RFC 9580 §9.1, Table 18): id → name.
pub const PUBLIC_KEY_ALGORITHMS: &[(u8, &str)] = &[
    (1, "RSA"),
    (2, "RSA (encrypt only)"),
    (3, "RSA (sign only)"),
    (16, "ElGamal"),
    (17, "DSA"),
    (18, "ECDH"),
    (19, "ECDSA"),
    (22, "EdDSALegacy"),
    (25, "X25519"),
    (26, "X448"),
    (27, "Ed25519"),
    (28, "Ed448"),
];

/// Hash algorithm ids (RFC 9580 §9.5, Table 23): id → name.
pub const HASH_ALGORITHMS: &[(u8, &str)] = &[
    (1, "MD5"),
    (2, "SHA-1"),
    (3, "RIPEMD-160"),
    (8, "SHA-256"),
    (9, "SHA-384"),
    (10, "SHA-512"),
    (11, "SHA-224"),
    (12, "SHA3-256"),
    (14, "SHA3-512"),
];

/// Symmetric-key algorithm ids (RFC 9580 §9.3, Table 21): id → name.
pub const SYMMETRIC_ALGORITHMS: &[(u8, &str)] = &[
    (0, "plaintext"),
    (1, "IDEA"),
    (2, "TripleDES"),
    (3, "CAST5"),
    (4, "Blowfish"),
    (7, "AES-128"),
    (8, "AES-192"),
    (9, "AES-256"),
    (10, "Twofish"),
    (11, "Camellia-128"),
    (12, "Camellia-192"),
    (13, "Camellia-256"),
];

/// AEAD algorithm ids (RFC 9580 §9.6, Table 25): id → name.
pub const AEAD_ALGORITHMS: &[(u8, &str)] = &[(1, "EAX"), (2, "OCB"), (3, "GCM")];

/// String-to-key specifier types (RFC 9580 §3.7.1, Table 1; 101 is
/// GnuPG's private "gnu-dummy" extension for a secret key that is absent).
pub const S2K_TYPES: &[(u8, &str)] = &[
    (0, "simple"),
    (1, "salted"),
    (3, "iterated_salted"),
    (4, "argon2"),
    (101, "gnu_extension"),
];

/// Compression algorithm ids (RFC 9580 §9.4, Table 24): id → name.
pub const COMPRESSION_ALGORITHMS: &[(u8, &str)] =
    &[(0, "uncompressed"), (1, "ZIP"), (2, "ZLIB"), (3, "BZip2")];

/// Signature types (RFC 9580 §5.2.1, Table 5): type → name.
pub const SIGNATURE_TYPES: &[(u8, &str)] = &[
    (0x00, "binary"),
    (0x01, "text"),
    (0x02, "standalone"),
    (0x10, "generic_certification"),
    (0x11, "persona_certification"),
    (0x12, "casual_certification"),
    (0x13, "positive_certification"),
    (0x18, "subkey_binding"),
    (0x19, "primary_key_binding"),
    (0x1F, "direct_key"),
    (0x20, "key_revocation"),
    (0x28, "subkey_revocation"),
    (0x30, "certification_revocation"),
    (0x40, "timestamp"),
    (0x50, "third_party_confirmation"),
];

/// ECC curve OIDs (RFC 9580 §9.2, Table 19, as the DER content bytes an
/// OpenPGP key carries, without tag and length), plus secp256k1 and the
/// Ed448/X448 OIDs GnuPG writes: bytes → (dotted OID, curve name).
pub const CURVES: &[(&[u8], &str, &str)] = &[
    (
        &[0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07],
        "1.2.840.10045.3.1.7",
        "P-256",
    ),
    (&[0x2B, 0x81, 0x04, 0x00, 0x22], "1.3.132.0.34", "P-384"),
    (&[0x2B, 0x81, 0x04, 0x00, 0x23], "1.3.132.0.35", "P-521"),
    (&[0x2B, 0x81, 0x04, 0x00, 0x0A], "1.3.132.0.10", "secp256k1"),
    (
        &[0x2B, 0x24, 0x03, 0x03, 0x02, 0x08, 0x01, 0x01, 0x07],
        "1.3.36.3.3.2.8.1.1.7",
        "brainpoolP256r1",
    ),
    (
        &[0x2B, 0x24, 0x03, 0x03, 0x02, 0x08, 0x01, 0x01, 0x0B],
        "1.3.36.3.3.2.8.1.1.11",
        "brainpoolP384r1",
    ),
    (
        &[0x2B, 0x24, 0x03, 0x03, 0x02, 0x08, 0x01, 0x01, 0x0D],
        "1.3.36.3.3.2.8.1.1.13",
        "brainpoolP512r1",
    ),
    (
        &[0x2B, 0x06, 0x01, 0x04, 0x01, 0xDA, 0x47, 0x0F, 0x01],
        "1.3.6.1.4.1.11591.15.1",
        "Ed25519",
    ),
    (
        &[0x2B, 0x06, 0x01, 0x04, 0x01, 0x97, 0x55, 0x01, 0x05, 0x01],
        "1.3.6.1.4.1.3029.1.5.1",
        "Curve25519",
    ),
    (&[0x2B, 0x65, 0x71], "1.3.101.113", "Ed448"),
    (&[0x2B, 0x65, 0x6F], "1.3.101.111", "X448"),
];

fn lookup(table: &[(u8, &'static str)], id: u8) -> Option<&'static str> {
    table.iter().find(|(k, _)| *k == id).map(|(_, v)| *v)
}

/// The name of packet tag `tag`.
pub fn tag_name(tag: u8) -> Option<&'static str> {
    lookup(TAGS, tag)
}

/// The name of public-key algorithm `id`.
pub fn public_key_algorithm(id: u8) -> Option<&'static str> {
    lookup(PUBLIC_KEY_ALGORITHMS, id)
}

/// The name of hash algorithm `id`.
pub fn hash_algorithm(id: u8) -> Option<&'static str> {
    lookup(HASH_ALGORITHMS, id)
}

/// The name of symmetric-key algorithm `id`.
pub fn symmetric_algorithm(id: u8) -> Option<&'static str> {
    lookup(SYMMETRIC_ALGORITHMS, id)
}

/// The name of AEAD algorithm `id`.
pub fn aead_algorithm(id: u8) -> Option<&'static str> {
    lookup(AEAD_ALGORITHMS, id)
}

/// The name of S2K specifier type `id`.
pub fn s2k_type(id: u8) -> Option<&'static str> {
    lookup(S2K_TYPES, id)
}

/// The name of compression algorithm `id`.
pub fn compression_algorithm(id: u8) -> Option<&'static str> {
    lookup(COMPRESSION_ALGORITHMS, id)
}

/// The name of signature type `t`.
pub fn signature_type(t: u8) -> Option<&'static str> {
    lookup(SIGNATURE_TYPES, t)
}

/// The dotted OID and curve name of the OID content bytes `oid`.
pub fn curve(oid: &[u8]) -> Option<(&'static str, &'static str)> {
    CURVES
        .iter()
        .find(|(b, _, _)| *b == oid)
        .map(|(_, dotted, name)| (*dotted, *name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn curve_bytes_spell_their_dotted_oids() {
        // Independent check: const-oid's DER decoding of each entry.
        for (bytes, dotted, _) in CURVES {
            let oid = const_oid::ObjectIdentifier::from_bytes(bytes).map(|o| o.to_string());
            assert_eq!(oid.as_deref(), Ok(*dotted));
        }
    }

    #[test]
    fn tables_have_unique_ids() {
        for t in [
            TAGS,
            PUBLIC_KEY_ALGORITHMS,
            HASH_ALGORITHMS,
            SYMMETRIC_ALGORITHMS,
            SIGNATURE_TYPES,
        ] {
            let mut ids: Vec<u8> = t.iter().map(|(k, _)| *k).collect();
            ids.dedup();
            assert_eq!(ids.len(), t.len());
        }
        assert_eq!(hash_algorithm(8), Some("SHA-256"));
        assert_eq!(hash_algorithm(13), None);
        assert_eq!(public_key_algorithm(20), None);
        assert_eq!(tag_name(21), Some("padding"));
        assert_eq!(tag_name(15), None);
    }
}
