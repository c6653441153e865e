//! The one table of crypto libraries fx recognises: for each, the library
//! names it is linked as, its symbols, the strings that carry its own
//! version, marker strings, constants only it carries, and the libraries
//! whose API it also exports. Adding a library is adding one row.

/// One crypto library.
#[derive(Clone, Copy, Debug)]
pub struct LibrarySig {
    /// Name written in evidence (`openssl`, `boringssl`, …).
    pub name: &'static str,
    /// Prefixes of the needed-library names it is linked as (ELF DT_NEEDED,
    /// PE DLL, Mach-O dylib basename), compared case-insensitively; a file
    /// whose own soname matches *is* the library.
    pub needed: &'static [&'static str],
    /// Prefixes of its exported function names.
    pub symbol_prefixes: &'static [&'static str],
    /// Whole names of exported functions, for libraries whose names share
    /// no distinctive prefix (`crypt_r`, `register_cipher`).
    pub symbols: &'static [&'static str],
    /// Byte strings directly followed by its version (`OpenSSL 3.0.13`).
    pub version_anchors: &'static [&'static str],
    /// Byte strings only a compiled-in copy contains. Alone they prove
    /// nothing (fx's own binary holds every one of them): they support
    /// another sign, and a version string counts only beside one of them.
    pub markers: &'static [&'static str],
    /// Names of [`super::constants`] that only this library carries: one
    /// found proves a compiled-in copy.
    pub constants: &'static [&'static str],
    /// Libraries whose API names this one also exports (compatibility
    /// layers, forks): where this library proves itself, a reading of those
    /// from shared symbols, strings or soname alone is this one.
    pub shadows: &'static [&'static str],
}

/// A row with nothing but a name, to build rows from.
const NONE: LibrarySig = LibrarySig {
    name: "",
    needed: &[],
    symbol_prefixes: &[],
    symbols: &[],
    version_anchors: &[],
    markers: &[],
    constants: &[],
    shadows: &[],
};

/// Name of the Go standard library's crypto (and golang.org/x/crypto): found
/// by the package paths of its functions in a Go binary's symbol names.
pub const GO_CRYPTO: &str = "go-crypto";

/// The table. Order matters only for output order (it is the order of
/// candidates in evidence).
pub const LIBRARIES: &[LibrarySig] = &[
    LibrarySig {
        name: "openssl",
        needed: &[
            "libcrypto.so",
            "libssl.so",
            "libcrypto-",
            "libssl-",
            "libcrypto.",
            "libssl.",
            "libeay32",
            "ssleay32",
        ],
        symbol_prefixes: &[
            "EVP_", "OPENSSL_", "SSL_CTX_", "SSL_", "X509_", "BIO_", "RSA_", "EC_KEY_", "OSSL_",
            "CRYPTO_", "ERR_",
        ],
        // "openssl-version\0<version>" is the default provider's parameter
        // table: present in static links that never call OpenSSL_version()
        version_anchors: &["OpenSSL ", "openssl-version\0"],
        markers: &["OpenSSL", "providers/implementations", "crypto/evp/"],
        ..NONE
    },
    LibrarySig {
        name: "boringssl",
        needed: &["libboringssl"],
        // CBB/CBS (byte builders) and the C++ namespace bssl are BoringSSL's
        // own API; AWS-LC, its fork, shadows it
        symbol_prefixes: &["BORINGSSL_", "CBB_", "CBS_", "_ZN4bssl", "CRYPTO_BUFFER_"],
        markers: &["BoringSSL", "BORINGSSL_self_test"],
        shadows: &["openssl"],
        ..NONE
    },
    LibrarySig {
        name: "aws-lc",
        needed: &["libaws-lc", "libawslc"],
        symbol_prefixes: &["awslc_", "AWSLC_"],
        version_anchors: &["AWS-LC "],
        markers: &["AWS-LC"],
        shadows: &["openssl", "boringssl"],
        ..NONE
    },
    LibrarySig {
        name: "libressl",
        needed: &["libtls.so"],
        symbol_prefixes: &["tls_config_"],
        version_anchors: &["LibreSSL "],
        markers: &["LibreSSL"],
        shadows: &["openssl"],
        ..NONE
    },
    LibrarySig {
        name: "gnutls",
        needed: &["libgnutls"],
        symbol_prefixes: &["gnutls_", "_gnutls_"],
        version_anchors: &["GnuTLS "],
        markers: &["GNUTLS_", "gnutls_global_init"],
        // libgnutls-openssl: GnuTLS's OpenSSL-compatible API
        shadows: &["openssl"],
        ..NONE
    },
    LibrarySig {
        name: "nettle",
        needed: &["libnettle", "libhogweed"],
        symbol_prefixes: &["nettle_", "_nettle_"],
        markers: &["nettle_aes"],
        ..NONE
    },
    LibrarySig {
        name: "libgcrypt",
        needed: &["libgcrypt"],
        symbol_prefixes: &["gcry_", "_gcry_"],
        version_anchors: &["This is Libgcrypt "],
        markers: &["Libgcrypt"],
        ..NONE
    },
    LibrarySig {
        name: "nss",
        needed: &[
            "libnss3",
            "libnssutil3",
            "libsoftokn3",
            "libfreebl",
            "libssl3",
            "libsmime3",
            "libfreeblpriv3",
            "libnssckbi",
            "libnssdbm3",
        ],
        symbol_prefixes: &[
            "NSS_", "NSSLOW", "PK11_", "SECKEY_", "CERT_", "NSC_", "FREEBL_",
        ],
        version_anchors: &["NSS ", "Version: NSS "],
        markers: &["NSS_InitContext"],
        // libssl3.so: NSS's SSL_* functions share OpenSSL's prefix
        shadows: &["openssl"],
        ..NONE
    },
    LibrarySig {
        name: "libsodium",
        needed: &["libsodium"],
        symbol_prefixes: &[
            "sodium_",
            "crypto_box_",
            "crypto_secretbox_",
            "crypto_aead_",
            "randombytes_",
        ],
        markers: &["libsodium"],
        ..NONE
    },
    LibrarySig {
        name: "mbedtls",
        needed: &[
            "libmbedtls",
            "libmbedcrypto",
            "libmbedx509",
            "libtfpsacrypto",
        ],
        symbol_prefixes: &["mbedtls_", "psa_"],
        version_anchors: &["Mbed TLS ", "mbed TLS ", "MbedTLS "],
        markers: &["mbedtls_"],
        ..NONE
    },
    LibrarySig {
        name: "wolfssl",
        needed: &["libwolfssl", "libcyassl"],
        symbol_prefixes: &["wolfSSL_", "wc_", "wolfCrypt_"],
        version_anchors: &["wolfSSL "],
        markers: &["wolfSSL", "wolfCrypt"],
        // its OpenSSL compatibility layer exports SSL_*, ERR_* … names
        shadows: &["openssl"],
        ..NONE
    },
    LibrarySig {
        name: "botan",
        needed: &["libbotan"],
        symbol_prefixes: &["_ZN5Botan", "botan_"],
        version_anchors: &["Botan "],
        markers: &["Botan::"],
        ..NONE
    },
    LibrarySig {
        name: "cryptopp",
        needed: &["libcrypto++", "libcryptopp"],
        symbol_prefixes: &["_ZN8CryptoPP"],
        markers: &["CryptoPP"],
        ..NONE
    },
    LibrarySig {
        name: "liboqs",
        needed: &["liboqs"],
        symbol_prefixes: &["OQS_", "PQCLEAN_", "pqcrystals_"],
        version_anchors: &["liboqs "],
        markers: &["OQS_KEM_new", "OQS_SIG_new"],
        ..NONE
    },
    LibrarySig {
        name: "libtomcrypt",
        needed: &["libtomcrypt"],
        // not rijndael_, sober128_, der_…: code derived from LibTomCrypt
        // (Wireshark's sober128) and Heimdal's ASN.1 library share them
        symbol_prefixes: &["ltc_"],
        symbols: &[
            "crypt_argchk",
            "crypt_build_settings",
            "crypt_fsa",
            "crypt_get_constant",
            "crypt_get_size",
            "crypt_list_all_constants",
            "crypt_list_all_sizes",
            "crypt_mp_init",
            "register_cipher",
            "register_hash",
            "register_prng",
            "register_all_ciphers",
            "register_all_hashes",
            "register_all_prngs",
            "unregister_cipher",
            "unregister_hash",
            "unregister_prng",
            "find_cipher",
            "find_cipher_any",
            "find_cipher_id",
            "find_hash",
            "find_hash_any",
            "find_hash_id",
            "find_hash_oid",
            "find_prng",
            "cipher_descriptor",
            "hash_descriptor",
            "prng_descriptor",
            "ltm_desc",
            "gmp_desc",
            "tfm_desc",
        ],
        version_anchors: &["LibTomCrypt "],
        markers: &["LibTomCrypt"],
        ..NONE
    },
    LibrarySig {
        // libxcrypt, the libcrypt.so.1 of current distributions
        name: "libxcrypt",
        needed: &["libcrypt.so", "libxcrypt", "libowcrypt"],
        // not crypt/encrypt/setkey: every libc-era crypt(3) has those
        symbols: &[
            "crypt_r",
            "crypt_rn",
            "crypt_ra",
            "crypt_gensalt",
            "crypt_gensalt_r",
            "crypt_gensalt_rn",
            "crypt_gensalt_ra",
            "crypt_checksalt",
            "crypt_preferred_method",
            "xcrypt",
            "xcrypt_r",
            "xcrypt_gensalt",
            "xcrypt_gensalt_r",
        ],
        markers: &["XCRYPT_2.0", "$gy$"],
        ..NONE
    },
    LibrarySig {
        name: "libargon2",
        needed: &["libargon2"],
        symbol_prefixes: &["argon2_", "argon2i_", "argon2d_", "argon2id_"],
        markers: &["Argon2id", "Argon2d"],
        ..NONE
    },
    LibrarySig {
        name: "libssh2",
        needed: &["libssh2"],
        symbol_prefixes: &["libssh2_", "_libssh2_"],
        version_anchors: &["SSH-2.0-libssh2_"],
        markers: &["libssh2"],
        ..NONE
    },
    LibrarySig {
        // MIT Kerberos's crypto library
        name: "k5crypto",
        needed: &["libk5crypto"],
        symbol_prefixes: &[
            "krb5_c_",
            "krb5_k_",
            "krb5int_aes_",
            "krb5int_camellia_",
            "krb5int_enc_",
            "krb5int_hash_",
            "krb5int_hmac",
            "krb5int_dk_",
            "krb5int_derive_",
            "krb5int_pbkdf2",
            "krb5int_arcfour_",
        ],
        symbols: &[
            "krb5_encrypt",
            "krb5_decrypt",
            "krb5_string_to_key",
            "krb5_calculate_checksum",
            "krb5_verify_checksum",
        ],
        markers: &["k5crypto_3_MIT"],
        ..NONE
    },
    LibrarySig {
        // Apache Portable Runtime utilities: apr_crypto, its hashes and
        // password formats
        name: "apr-util",
        needed: &["libaprutil"],
        symbol_prefixes: &[
            "apr_crypto_",
            "apr_sha1_",
            "apr_md5",
            "apr_md4",
            "apr_siphash",
            "apu_version",
        ],
        symbols: &["apr_password_validate", "apr_bcrypt_encode"],
        markers: &["apr_crypto_"],
        ..NONE
    },
    LibrarySig {
        // PuTTY's own crypto, compiled into each of its tools (and into
        // programs built from its code)
        name: "putty",
        version_anchors: &["-Release-"],
        markers: &["PuTTY-User-Key-File-", "putty-private-key-file-mac-key"],
        ..NONE
    },
    LibrarySig {
        // SHA-1 collision detection (git, libgit2 and others compile it in)
        name: "sha1dc",
        symbol_prefixes: &["SHA1DC", "sha1_dvs", "ubc_check"],
        constants: &["SHA-1DC disturbance vectors"],
        ..NONE
    },
    LibrarySig {
        name: "windows-cng",
        needed: &["bcrypt.dll", "ncrypt.dll", "bcryptprimitives.dll"],
        symbol_prefixes: &[
            "BCrypt",
            "NCrypt",
            "CryptAcquireContext",
            "CryptEncrypt",
            "CryptDecrypt",
            "CryptHashData",
        ],
        ..NONE
    },
    LibrarySig {
        name: "apple-commoncrypto",
        needed: &["libcommonCrypto", "libcorecrypto", "Security.framework"],
        symbol_prefixes: &[
            "CCCrypt",
            "CC_SHA",
            "CC_MD5",
            "CCHmac",
            "CCKeyDerivation",
            "SecKey",
            "SSLCreateContext",
            "SecTrust",
        ],
        ..NONE
    },
    LibrarySig {
        // only in a Go binary: its function names (symbol table or pclntab,
        // NUL-separated) start with the package path
        name: GO_CRYPTO,
        markers: &[
            "\0crypto/",
            "\0golang.org/x/crypto/",
            "\0vendor/golang.org/x/crypto/",
        ],
        ..NONE
    },
    LibrarySig {
        name: "ring",
        symbol_prefixes: &["ring_core_", "GFp_"],
        ..NONE
    },
    LibrarySig {
        name: "rustls",
        ..NONE
    },
    LibrarySig {
        name: "rustcrypto",
        ..NONE
    },
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
