//! The parameters an audit reads out of a hash string, and the family that
//! decides which baseline rule judges them.

use serde::Serialize;

/// Parameters of one hash (DESIGN §9 `hash.params`); absent ones are omitted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Params {
    /// Log2 work factor (bcrypt cost, phpass count exponent).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cost: Option<u32>,
    /// Rounds of an iterated crypt (sha-crypt `rounds=`, md5-crypt's fixed 1000, BSDi count).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rounds: Option<u64>,
    /// Iterations of a KDF (PBKDF2 count, Argon2 `t`, phpass 2^cost).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iterations: Option<u64>,
    /// Memory in KiB (Argon2 `m`, scrypt/yescrypt 128·N·r/1024).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub memory_kib: Option<u64>,
    /// Parallelism (Argon2 `p`, scrypt `p`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parallelism: Option<u32>,
    /// scrypt/yescrypt block size `r`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub block_size: Option<u32>,
    /// scrypt/yescrypt log2(N).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub n_log2: Option<u32>,
    /// Algorithm version (Argon2 `v=`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<u32>,
    /// Salt length in bytes (whole bytes; see `salt_bits` for DES-style salts).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub salt_bytes: Option<u32>,
    /// Salt length in bits, when it is not a whole number of bytes (DES crypt: 12).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub salt_bits: Option<u32>,
    /// Digest (stored hash output) length in bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub digest: Option<u32>,
    /// PRF or inner hash of a KDF (`sha1`, `sha256`, `sha512`, `md5`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prf: Option<&'static str>,
}

impl Params {
    /// The salt size in bits, from whichever field is set.
    pub fn salt_bits_total(&self) -> Option<u32> {
        self.salt_bits
            .or_else(|| self.salt_bytes.map(|b| b.saturating_mul(8)))
    }
}

/// What kind of construction a scheme is: decides which baseline rule applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    /// bcrypt (and bcrypt over a pre-hash).
    Bcrypt,
    /// Argon2 of the given variant (`i`, `d`, `id`).
    Argon2(&'static str),
    /// scrypt.
    Scrypt,
    /// yescrypt / gost-yescrypt.
    Yescrypt,
    /// PBKDF2 with the given PRF (`sha1`, `sha256`, `sha512`, `md5`).
    Pbkdf2(&'static str),
    /// sha256-crypt / sha512-crypt / sha1-crypt (iterated, not memory-hard, outside OWASP's list).
    ShaCrypt,
    /// md5-crypt and apr1 (fixed 1000 MD5 rounds; deprecated by its author).
    Md5Crypt,
    /// phpass / Drupal 7 (iterated MD5/SHA-512).
    Phpass,
    /// Traditional and BSDi DES crypt (8-character truncation, 12/24-bit salt).
    DesCrypt,
    /// One pass of a fast hash with a salt (LDAP SSHA, md5($pass.$salt), …).
    SaltedFast,
    /// One pass of a fast hash without salt (MD5, SHA-1, NTLM, …).
    UnsaltedFast,
    /// Broken legacy constructions (LM, MySQL323): weak under any baseline.
    Legacy,
    /// Challenge-response captures (NetNTLM, Kerberos, CHAP…): not stored password hashes.
    Protocol,
    /// Keys of encrypted files, wallets, disks, applications: KDF parameters read, not judged.
    Container,
}
