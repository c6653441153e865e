//! Keys and key files: the data of fx-inspect's key steps (`spki`, `pkcs8`,
//! `pkcs1`, `sec1`, `dsa`, `openssh`, `ppk`, `dropbear`, `sshcom`, `jose`,
//! `pem_encrypted`, `params`), and [`KeyFact`], the one view of a key that
//! readers use whatever format it came in.

use fx_core::vocab::Container;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::common::{Finding, KeyAlgorithm, PbeScheme};

/// A key in a DER container (steps `spki`, `pkcs8`, `pkcs1`, `sec1`, `dsa`).
/// An encrypted PKCS#8 has `encryption` and `encrypted_len` instead of `key`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct KeyContainerData {
    /// The container (`spki_public_key`, `pkcs8_private_key`,
    /// `pkcs8_encrypted_private_key`, `pkcs1_private_key`, `sec1_private_key`, …).
    #[schemars(schema_with = "crate::schema::container")]
    pub container: Container,
    /// PEM block it was read from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block: Option<u32>,
    /// The key (absent for an encrypted PKCS#8, whose key is not decrypted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<KeyAlgorithm>,
    /// PKCS#8 version (`v1`, `v2` with public key).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// True when a OneAsymmetricKey carries the public key too.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub has_public_key: bool,
    /// Encryption of an encrypted PKCS#8.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encryption: Option<PbeScheme>,
    /// Bytes of encrypted data of an encrypted PKCS#8.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encrypted_len: Option<u64>,
    /// Failure shapes met while reading it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub findings: Vec<Finding>,
}

/// An OpenSSH key: a private key file (openssh-key-v1), a public key line
/// (`.pub`, authorized_keys, known_hosts, RFC 4716) or a certificate (step
/// `openssh`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct OpensshKeyData {
    /// `openssh_private_key`, `openssh_public_key` or `openssh_certificate`.
    #[schemars(schema_with = "crate::schema::container")]
    pub container: Container,
    /// PEM-style block it was read from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block: Option<u32>,
    /// Key type string (`ssh-ed25519`, `ecdsa-sha2-nistp256`, `ssh-rsa-cert-v01@openssh.com`, …).
    pub key_type: String,
    /// Cipher of a private key (`none`, `aes256-ctr`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cipher: Option<String>,
    /// KDF of a private key (`none`, `bcrypt`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kdf: Option<String>,
    /// bcrypt rounds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rounds: Option<u32>,
    /// KDF salt length in bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub salt_len: Option<u64>,
    /// Keys in a private key file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keys: Option<u32>,
    /// Comment of a public key line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// Where a public key was read: `public_key`, `authorized_keys`,
    /// `known_hosts`, `rfc4716`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line_kind: Option<String>,
    /// `known_hosts` marker (`@cert-authority`, `@revoked`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub marker: Option<String>,
    /// True when the `known_hosts` host name is hashed.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub hashed_host: bool,
    /// The key (of a certificate: the certified key).
    pub key: KeyAlgorithm,
    /// The body of an OpenSSH certificate (container `openssh_certificate`):
    /// serial, type, principals, validity, options, the CA's key and whether
    /// its signature verified.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate: Option<Box<OpensshCertificate>>,
    /// Failure shapes met while reading it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub findings: Vec<Finding>,
}

/// A critical option or extension of an OpenSSH certificate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct OpensshCertOption {
    /// Its name (`force-command`, `source-address`, `permit-pty`, …).
    pub name: String,
    /// Its value (the string its data holds: the command of
    /// `force-command`, the address list of `source-address`); absent when
    /// the data is empty, as for flags such as `permit-pty`. Data that is not
    /// one SSH string is written as it is (lossy UTF-8).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

/// The CA key that signed an OpenSSH certificate (its `signature key`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct OpensshCaKey {
    /// Key type string (`ssh-ed25519`, `ecdsa-sha2-nistp384`, `ssh-rsa`, …).
    pub key_type: String,
    /// The key: algorithm, bits (RSA, DSA), curve; `key_len` is the length
    /// of its blob.
    pub key: KeyAlgorithm,
    /// SHA-256 fingerprint as `ssh-keygen -l` prints it (`SHA256:` and the
    /// unpadded base64 of the SHA-256 of the key blob).
    pub fingerprint: String,
}

/// Something wrong with an OpenSSH certificate that is not a failure to read
/// it, named and ranked like fx-report's findings (`rule`, `severity`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct OpensshCertWarning {
    /// The rule: `openssh_certificate.signature_invalid`,
    /// `openssh_certificate.validity_inverted`,
    /// `openssh_certificate.any_host`, `deprecated_algorithm.sha1_signature`,
    /// `deprecated_algorithm.modulus_under_1024`,
    /// `deprecated_algorithm.modulus_under_2048` or
    /// `deprecated_algorithm.dsa_key` (the last four judge the CA's key and
    /// signature as fx-report judges other keys and signatures).
    pub rule: String,
    /// `critical`, `high` or `medium`, as docs/fx-report.md ranks them.
    pub severity: String,
    /// What exactly is wrong (deterministic text).
    pub detail: String,
}

/// The body of an OpenSSH certificate (PROTOCOL.certkeys). Times are never
/// compared to the clock: the window is recorded as it is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct OpensshCertificate {
    /// Length of the CA-chosen nonce in bytes (its value is not recorded).
    pub nonce_len: u64,
    /// SHA-256 fingerprint of the certified key (`SHA256:…`, as `ssh-keygen
    /// -L` prints for `Public key`).
    pub key_fingerprint: String,
    /// Serial number.
    pub serial: u64,
    /// `user` (1), `host` (2), or the number as text for any other value.
    pub cert_type: String,
    /// Key identifier.
    pub key_id: String,
    /// Valid principals (user or host names) in order; empty means any
    /// (for a host certificate, any host).
    pub principals: Vec<String>,
    /// Start of validity: RFC 3339 UTC (`2026-12-07T18:52:00Z`), or `always`
    /// for 0.
    pub valid_after: String,
    /// End of validity: RFC 3339 UTC, or `forever` for 2^64 − 1.
    pub valid_before: String,
    /// Critical options in order (`force-command`, `source-address`, …).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub critical_options: Vec<OpensshCertOption>,
    /// Extensions in order (`permit-pty`, `permit-agent-forwarding`, …).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extensions: Vec<OpensshCertOption>,
    /// The CA key that signed it.
    pub signature_key: OpensshCaKey,
    /// The signature's algorithm (`ssh-ed25519`, `rsa-sha2-512`,
    /// `ecdsa-sha2-nistp256`, …).
    pub signature_algorithm: String,
    /// Whether the CA's signature over the certificate verified; absent when
    /// fx does not verify that algorithm (`ssh-dss`, `sk-*`, Ed448).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature_verified: Option<bool>,
    /// What is wrong with it, in a fixed order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<OpensshCertWarning>,
}

/// Argon2 parameters of an encrypted PuTTY version 3 key file (the default
/// is empty: a reader fills it header by header).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PuttyKdf {
    /// `Argon2id`, `Argon2i` or `Argon2d`.
    pub name: String,
    /// `Argon2-Memory`, KiB.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory_kib: Option<u32>,
    /// `Argon2-Passes`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub passes: Option<u32>,
    /// `Argon2-Parallelism`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parallelism: Option<u32>,
    /// Bytes of `Argon2-Salt`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub salt_len: Option<u64>,
}

/// A PuTTY key file (step `ppk`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PuttyKeyData {
    /// The container fx-inspect gives it (`putty_private_key`).
    #[schemars(schema_with = "crate::schema::container")]
    pub container: Container,
    /// File format version (2 or 3).
    pub version: u32,
    /// Key type named by the first line (`ssh-rsa`, `ssh-ed25519`, …).
    pub key_type: String,
    /// `Encryption`: `none` or `aes256-cbc`.
    pub encryption: String,
    /// `Comment`.
    pub comment: String,
    /// Argon2 key derivation of an encrypted version 3 file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kdf: Option<PuttyKdf>,
    /// The key read from the public blob.
    pub key: KeyAlgorithm,
    /// Failure shapes met while reading it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub findings: Vec<Finding>,
}

/// A Dropbear or ssh.com private key file (steps `dropbear`, `sshcom`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct SshKeyFileData {
    /// The container fx-inspect gives it (`dropbear_private_key`,
    /// `sshcom_private_key`).
    #[schemars(schema_with = "crate::schema::container")]
    pub container: Container,
    /// Key type string.
    pub key_type: String,
    /// Cipher of an ssh.com key (`none`, `3des-cbc`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cipher: Option<String>,
    /// `Comment` header of an ssh.com key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// The key.
    pub key: KeyAlgorithm,
    /// Failure shapes met while reading it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub findings: Vec<Finding>,
}

/// One JSON Web Key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Jwk {
    /// `kty`.
    pub kty: String,
    /// `crv`, when present.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crv: Option<String>,
    /// `alg`, when present.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alg: Option<String>,
    /// True when private members (`d`, `priv`, `p`) are present.
    pub private: bool,
    /// The key in DESIGN §9 terms.
    pub key: KeyAlgorithm,
}

/// A JWK, JWK Set or JWS (step `jose`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct JoseData {
    /// The container fx-inspect gives it (`raw`).
    #[schemars(schema_with = "crate::schema::container")]
    pub container: Container,
    /// `jwk`, `jwks` or `jws`.
    pub form: String,
    /// The keys, in order (a JWK or JWK Set).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keys: Vec<Jwk>,
    /// JWS protected header `alg`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alg: Option<String>,
    /// JWS payload and signature lengths in bytes (decoded).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lengths: Option<[u64; 2]>,
    /// Failure shapes met while reading it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub findings: Vec<Finding>,
}

/// A legacy OpenSSL-encrypted PEM key (`Proc-Type: 4,ENCRYPTED`; step
/// `pem_encrypted`): the key is not decrypted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PemEncryptedData {
    /// PEM block index.
    pub block: u32,
    /// The PEM label (`RSA PRIVATE KEY`, …).
    pub label: String,
    /// `DEK-Info` cipher (`AES-128-CBC`, `DES-EDE3-CBC`, …); `null` when
    /// the block says `Proc-Type: 4,ENCRYPTED` without a `DEK-Info` header.
    #[serde(default)]
    pub cipher: Option<String>,
    /// Failure shapes (`encrypted`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub findings: Vec<Finding>,
}

/// Domain parameters: DH, DSA or EC (step `params`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ParamsData {
    /// `dh_parameters`, `dsa_parameters` or `ec_parameters`.
    #[schemars(schema_with = "crate::schema::container")]
    pub container: Container,
    /// PEM block it was read from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block: Option<u32>,
    /// `DH`, `DSA` or `EC`.
    pub algorithm: String,
    /// `pkcs3`, `x942`, `dss`, `named_curve`, `explicit`.
    pub form: String,
    /// Bits of the prime (DH, DSA; an explicit curve's field).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_bits: Option<u64>,
    /// Bits of the subgroup order q (DSA, X9.42).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub q_bits: Option<u64>,
    /// Generator of PKCS #3 parameters when small.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generator: Option<u64>,
    /// Curve name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub curve: Option<String>,
    /// Curve OID of a named curve.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub curve_oid: Option<String>,
    /// Failure shapes met while reading it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub findings: Vec<Finding>,
}

/// Whether a key is a private or a public key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum KeyVisibility {
    /// A private key (the file holds the secret).
    Private,
    /// A public key.
    Public,
}

/// How a private key is protected, when it is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct KeyProtection {
    /// The scheme or cipher as the format names it: a PKCS#5 scheme
    /// (`PBES2`), an OpenSSH cipher (`aes256-ctr`), a PuTTY encryption
    /// (`aes256-cbc`), a PEM `DEK-Info` cipher.
    pub scheme: String,
    /// The key derivation (`PBKDF2`, `scrypt`, `bcrypt`, `Argon2id`), when named.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kdf: Option<String>,
    /// The content cipher, when named apart from the scheme.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cipher: Option<String>,
    /// Iterations or rounds of the key derivation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iterations: Option<u64>,
    /// The PKCS#5 scheme in full, for an encrypted PKCS#8.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pbe: Option<PbeScheme>,
}

/// One key, whatever format it was read from: the view reports and the
/// CBOM use. Built by [`crate::JobFacts`] from the key steps (a certificate's
/// public key is in [`crate::CertificateData::public_key`] instead).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct KeyFact {
    /// The container (`spki_public_key`, `openssh_private_key`,
    /// `putty_private_key`, …; `raw` for a format without a container of
    /// its own, such as JWK).
    #[schemars(schema_with = "crate::schema::container")]
    pub container: Container,
    /// Private or public; `None` where the format does not say (parameters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visibility: Option<KeyVisibility>,
    /// The key's algorithm, OID, bits and curve; `None` when it is encrypted
    /// and nothing outside the ciphertext names it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<KeyAlgorithm>,
    /// The protection of an encrypted private key; `None` when it is not
    /// encrypted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encrypted: Option<KeyProtection>,
}

/// Private or public, from the container alone.
pub fn visibility_of(container: Container) -> Option<KeyVisibility> {
    match container {
        Container::Pkcs1PrivateKey
        | Container::Pkcs8PrivateKey
        | Container::Pkcs8EncryptedPrivateKey
        | Container::Sec1PrivateKey
        | Container::DsaPrivateKey
        | Container::OpensshPrivateKey => Some(KeyVisibility::Private),
        Container::Pkcs1PublicKey
        | Container::SpkiPublicKey
        | Container::OpensshPublicKey
        | Container::OpensshCertificate => Some(KeyVisibility::Public),
        _ => None,
    }
}

/// A cipher name that means "not encrypted".
fn is_none_cipher(c: &str) -> bool {
    c.is_empty() || c == "none"
}

impl KeyContainerData {
    /// The key as a [`KeyFact`].
    pub fn key_fact(&self) -> KeyFact {
        KeyFact {
            container: self.container,
            visibility: visibility_of(self.container),
            key: self.key.clone(),
            encrypted: self.encryption.as_ref().map(|e| KeyProtection {
                scheme: e.scheme.clone(),
                kdf: e.kdf.clone(),
                cipher: e.cipher.clone(),
                iterations: e.iterations,
                pbe: Some(e.clone()),
            }),
        }
    }
}

impl OpensshKeyData {
    /// The key as a [`KeyFact`].
    pub fn key_fact(&self) -> KeyFact {
        let encrypted = self
            .cipher
            .as_deref()
            .filter(|c| !is_none_cipher(c))
            .map(|c| KeyProtection {
                scheme: c.to_owned(),
                kdf: self.kdf.clone().filter(|k| !is_none_cipher(k)),
                cipher: Some(c.to_owned()),
                iterations: self.rounds.map(u64::from),
                pbe: None,
            });
        KeyFact {
            container: self.container,
            visibility: visibility_of(self.container),
            key: Some(self.key.clone()),
            encrypted,
        }
    }
}

impl PuttyKeyData {
    /// The key as a [`KeyFact`] (a PuTTY file always holds a private key).
    pub fn key_fact(&self) -> KeyFact {
        let encrypted = (!is_none_cipher(&self.encryption)).then(|| KeyProtection {
            scheme: self.encryption.clone(),
            kdf: self.kdf.as_ref().map(|k| k.name.clone()),
            cipher: Some(self.encryption.clone()),
            iterations: self.kdf.as_ref().and_then(|k| k.passes).map(u64::from),
            pbe: None,
        });
        KeyFact {
            container: self.container,
            visibility: Some(KeyVisibility::Private),
            key: Some(self.key.clone()),
            encrypted,
        }
    }
}

impl SshKeyFileData {
    /// The key as a [`KeyFact`] (Dropbear and ssh.com files hold private keys).
    pub fn key_fact(&self) -> KeyFact {
        let encrypted = self
            .cipher
            .as_deref()
            .filter(|c| !is_none_cipher(c))
            .map(|c| KeyProtection {
                scheme: c.to_owned(),
                kdf: None,
                cipher: Some(c.to_owned()),
                iterations: None,
                pbe: None,
            });
        KeyFact {
            container: self.container,
            visibility: Some(KeyVisibility::Private),
            key: Some(self.key.clone()),
            encrypted,
        }
    }
}

impl Jwk {
    /// The key as a [`KeyFact`].
    pub fn key_fact(&self, container: Container) -> KeyFact {
        KeyFact {
            container,
            visibility: Some(if self.private {
                KeyVisibility::Private
            } else {
                KeyVisibility::Public
            }),
            key: Some(self.key.clone()),
            encrypted: None,
        }
    }
}

impl PemEncryptedData {
    /// The key as a [`KeyFact`]: the legacy PEM label names the container
    /// and algorithm (`RSA PRIVATE KEY` is a PKCS#1 RSA key), the key
    /// itself stays encrypted.
    pub fn key_fact(&self) -> KeyFact {
        let (container, algorithm, oid) = match self.label.as_str() {
            "RSA PRIVATE KEY" => (Container::Pkcs1PrivateKey, "RSA", "1.2.840.113549.1.1.1"),
            "EC PRIVATE KEY" => (Container::Sec1PrivateKey, "EC", "1.2.840.10045.2.1"),
            "DSA PRIVATE KEY" => (Container::DsaPrivateKey, "DSA", "1.2.840.10040.4.1"),
            _ => (Container::Raw, "", ""),
        };
        KeyFact {
            container,
            visibility: Some(KeyVisibility::Private),
            key: (!algorithm.is_empty()).then(|| KeyAlgorithm {
                oid: oid.to_owned(),
                algorithm: Some(algorithm.to_owned()),
                ..KeyAlgorithm::default()
            }),
            encrypted: Some(KeyProtection {
                // Without `DEK-Info` the PEM names no cipher: the scheme is
                // the legacy encryption itself.
                scheme: self
                    .cipher
                    .clone()
                    .unwrap_or_else(|| "Proc-Type: 4,ENCRYPTED".to_owned()),
                kdf: None,
                cipher: self.cipher.clone(),
                iterations: None,
                pbe: None,
            }),
        }
    }
}
