//! The one table of crypto libraries fx recognises: for each, the library
//! names it is linked as, the prefixes of its symbols, the strings that
//! carry its own version, and marker strings that prove it is compiled in.
//! Adding a library is adding one row.

/// One crypto library.
#[derive(Clone, Copy, Debug)]
pub struct LibrarySig {
    /// Name written in evidence (`openssl`, `boringssl`, …).
    pub name: &'static str,
    /// Prefixes of the needed-library names it is linked as (ELF DT_NEEDED,
    /// PE DLL, Mach-O dylib basename), compared case-insensitively.
    pub needed: &'static [&'static str],
    /// Prefixes of its exported function names.
    pub symbol_prefixes: &'static [&'static str],
    /// Byte strings directly followed by its version (`OpenSSL 3.0.13`).
    pub version_anchors: &'static [&'static str],
    /// Byte strings only a compiled-in copy contains.
    pub markers: &'static [&'static str],
}

const fn lib(
    name: &'static str,
    needed: &'static [&'static str],
    symbol_prefixes: &'static [&'static str],
    version_anchors: &'static [&'static str],
    markers: &'static [&'static str],
) -> LibrarySig {
    LibrarySig {
        name,
        needed,
        symbol_prefixes,
        version_anchors,
        markers,
    }
}

/// The table. Order matters only for output order (it is the order of
/// candidates in evidence).
pub const LIBRARIES: &[LibrarySig] = &[
    lib(
        "openssl",
        &[
            "libcrypto.so",
            "libssl.so",
            "libcrypto-",
            "libssl-",
            "libcrypto.",
            "libssl.",
            "libeay32",
            "ssleay32",
        ],
        &[
            "EVP_", "OPENSSL_", "SSL_CTX_", "SSL_", "X509_", "BIO_", "RSA_", "EC_KEY_", "OSSL_",
            "CRYPTO_", "ERR_",
        ],
        // "openssl-version\0<version>" is the default provider's parameter
        // table: present in static links that never call OpenSSL_version()
        &["OpenSSL ", "openssl-version\0"],
        &["OpenSSL", "providers/implementations", "crypto/evp/"],
    ),
    lib(
        "boringssl",
        &["libboringssl"],
        &["BORINGSSL_"],
        &[],
        &["BoringSSL", "BORINGSSL_self_test"],
    ),
    lib(
        "aws-lc",
        &["libaws-lc", "libawslc"],
        &["awslc_", "AWSLC_"],
        &["AWS-LC "],
        &["AWS-LC"],
    ),
    lib(
        "libressl",
        &["libtls.so"],
        &["tls_config_"],
        &["LibreSSL "],
        &["LibreSSL"],
    ),
    lib(
        "gnutls",
        &["libgnutls"],
        &["gnutls_", "_gnutls_"],
        &["GnuTLS "],
        &["GNUTLS_", "gnutls_global_init"],
    ),
    lib(
        "nettle",
        &["libnettle", "libhogweed"],
        &["nettle_", "_nettle_"],
        &[],
        &["nettle_aes"],
    ),
    lib(
        "libgcrypt",
        &["libgcrypt"],
        &["gcry_", "_gcry_"],
        &["This is Libgcrypt "],
        &["Libgcrypt"],
    ),
    lib(
        "nss",
        &[
            "libnss3",
            "libnssutil3",
            "libsoftokn3",
            "libfreebl",
            "libssl3",
            "libsmime3",
            "libfreeblpriv3",
        ],
        &["NSS_", "PK11_", "SECKEY_", "CERT_", "NSC_", "FREEBL_"],
        &["NSS ", "Version: NSS "],
        &["NSS_InitContext"],
    ),
    lib(
        "libsodium",
        &["libsodium"],
        &[
            "sodium_",
            "crypto_box_",
            "crypto_secretbox_",
            "crypto_aead_",
            "randombytes_",
        ],
        &[],
        &["libsodium"],
    ),
    lib(
        "mbedtls",
        &[
            "libmbedtls",
            "libmbedcrypto",
            "libmbedx509",
            "libtfpsacrypto",
        ],
        &["mbedtls_", "psa_"],
        &["Mbed TLS ", "mbed TLS ", "MbedTLS "],
        &["mbedtls_"],
    ),
    lib(
        "wolfssl",
        &["libwolfssl", "libcyassl"],
        &["wolfSSL_", "wc_", "wolfCrypt_"],
        &["wolfSSL "],
        &["wolfSSL", "wolfCrypt"],
    ),
    lib(
        "botan",
        &["libbotan"],
        &["_ZN5Botan", "botan_"],
        &["Botan "],
        &["Botan::"],
    ),
    lib(
        "cryptopp",
        &["libcrypto++", "libcryptopp"],
        &["_ZN8CryptoPP"],
        &[],
        &["CryptoPP"],
    ),
    lib(
        "liboqs",
        &["liboqs"],
        &["OQS_", "PQCLEAN_", "pqcrystals_"],
        &["liboqs "],
        &["OQS_KEM_new", "OQS_SIG_new"],
    ),
    lib(
        "windows-cng",
        &["bcrypt.dll", "ncrypt.dll", "bcryptprimitives.dll"],
        &[
            "BCrypt",
            "NCrypt",
            "CryptAcquireContext",
            "CryptEncrypt",
            "CryptDecrypt",
            "CryptHashData",
        ],
        &[],
        &[],
    ),
    lib(
        "apple-commoncrypto",
        &["libcommonCrypto", "libcorecrypto", "Security.framework"],
        &[
            "CCCrypt",
            "CC_SHA",
            "CC_MD5",
            "CCHmac",
            "CCKeyDerivation",
            "SecKey",
            "SSLCreateContext",
            "SecTrust",
        ],
        &[],
        &[],
    ),
    lib(
        "go-crypto",
        &[],
        &[],
        &[],
        &["crypto/tls.", "crypto/aes.", "crypto/internal/fips140"],
    ),
    lib("ring", &[], &["ring_core_", "GFp_"], &[], &[]),
    lib("rustls", &[], &[], &[], &[]),
    lib("rustcrypto", &[], &[], &[], &[]),
];

/// Rust crates whose registry paths (`…/registry/src/…/<crate>-<version>/`)
/// reveal a library: crate name → library name.
pub const RUST_CRATES: &[(&str, &str)] = &[
    ("ring", "ring"),
    ("rustls", "rustls"),
    ("aws-lc-rs", "aws-lc"),
    ("aws-lc-sys", "aws-lc"),
    ("openssl-sys", "openssl"),
    ("openssl", "openssl"),
    ("boring-sys", "boringssl"),
    ("aes", "rustcrypto"),
    ("aes-gcm", "rustcrypto"),
    ("chacha20poly1305", "rustcrypto"),
    ("chacha20", "rustcrypto"),
    ("sha1", "rustcrypto"),
    ("sha2", "rustcrypto"),
    ("sha3", "rustcrypto"),
    ("md-5", "rustcrypto"),
    ("blake2", "rustcrypto"),
    ("hmac", "rustcrypto"),
    ("hkdf", "rustcrypto"),
    ("pbkdf2", "rustcrypto"),
    ("argon2", "rustcrypto"),
    ("p256", "rustcrypto"),
    ("p384", "rustcrypto"),
    ("k256", "rustcrypto"),
    ("rsa", "rustcrypto"),
    ("ml-kem", "rustcrypto"),
    ("ml-dsa", "rustcrypto"),
    ("ed25519-dalek", "rustcrypto"),
    ("x25519-dalek", "rustcrypto"),
    ("curve25519-dalek", "rustcrypto"),
    ("libsodium-sys", "libsodium"),
    ("oqs-sys", "liboqs"),
];

/// Algorithm names as OpenSSL providers and liboqs register them, searched
/// as NUL-terminated strings in data to tell which algorithms a build offers.
pub const ALGORITHM_NAMES: &[&str] = &[
    "ML-KEM-512",
    "ML-KEM-768",
    "ML-KEM-1024",
    "X25519MLKEM768",
    "SecP256r1MLKEM768",
    "SecP384r1MLKEM1024",
    "ML-DSA-44",
    "ML-DSA-65",
    "ML-DSA-87",
    "SLH-DSA-SHA2-128s",
    "SLH-DSA-SHAKE-256f",
    "Kyber768",
    "Dilithium3",
    "Falcon-512",
    "X25519",
    "X448",
    "ED25519",
    "ED448",
    "ChaCha20-Poly1305",
    "AES-256-GCM",
    "SM4",
];

/// Finds a library by name.
pub fn by_name(name: &str) -> Option<&'static LibrarySig> {
    LIBRARIES.iter().find(|l| l.name == name)
}

/// True when a needed-library name belongs to `sig`.
pub fn needed_matches(sig: &LibrarySig, needed: &str) -> bool {
    let base = needed
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(needed)
        .to_ascii_lowercase();
    let full = needed.to_ascii_lowercase();
    sig.needed.iter().any(|p| {
        let p = p.to_ascii_lowercase();
        base.starts_with(&p) || (p.contains('.') && p.contains("framework") && full.contains(&p))
    })
}

/// The major version a needed-library name implies (`libssl.so.3` → `3`).
pub fn soname_version(needed: &str) -> Option<String> {
    let (_, v) = needed.split_once(".so.")?;
    (!v.is_empty() && v.bytes().all(|b| b.is_ascii_digit() || b == b'.')).then(|| v.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_needed_names_match() {
        for (i, a) in LIBRARIES.iter().enumerate() {
            assert!(LIBRARIES[i + 1..].iter().all(|b| b.name != a.name));
        }
        let ossl = by_name("openssl").expect("row");
        assert!(needed_matches(ossl, "libssl.so.3"));
        assert!(needed_matches(ossl, "/usr/lib/libcrypto.so.1.1"));
        assert!(!needed_matches(ossl, "libc.so.6"));
        assert_eq!(soname_version("libcrypto.so.3").as_deref(), Some("3"));
        let cc = by_name("apple-commoncrypto").expect("row");
        assert!(needed_matches(
            cc,
            "/System/Library/Frameworks/Security.framework/Versions/A/Security"
        ));
    }
}
