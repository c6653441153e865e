//! The shared vocabulary of DESIGN §9.
//!
//! Stages attach what they conclude to events as a [`Conclusion`]; `fx-seq`
//! merges every conclusion of a job into its `summary` event. The enums below
//! are the closed value sets of the vocabulary; adding a value means adding it
//! here, to `schemas/`, and to the tests together.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[non_exhaustive]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $text)] $variant,)+
        }

        impl $name {
            /// Every value, in vocabulary order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The wire name of this value.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text,)+ }
            }

            /// Parses a wire name.
            pub fn parse(s: &str) -> Option<$name> {
                match s { $($text => Some($name::$variant),)+ _ => None }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

vocabulary! {
    /// Artifact type labels (`labels`), assigned by fx-route; a job may carry several.
    Label {
        /// Encrypted bulk data.
        SymmetricCiphertext = "symmetric_ciphertext",
        /// A KEM ciphertext or key-exchange transcript.
        KemTranscript = "kem_transcript",
        /// A detached signature.
        SignatureBlob = "signature_blob",
        /// KEM output followed by AEAD data, or similar hybrid framing.
        HybridBlob = "hybrid_blob",
        /// Public or private key material.
        KeyMaterial = "key_material",
        /// A certificate (or CSR/CRL/chain).
        Certificate = "certificate",
        /// Password hashes or KDF outputs: audit only, never recovery.
        HashKdfMaterial = "hash_kdf_material",
        /// A packet capture or raw TLS stream.
        ProtocolCapture = "protocol_capture",
        /// An executable or library (ELF, PE, Mach-O).
        BinaryTarget = "binary_target",
        /// Compressed data (deflate, zstd, xz, bzip2, …).
        Compressed = "compressed",
        /// Human-readable plaintext.
        Plaintext = "plaintext",
        /// Nothing could be concluded: a valid, recorded outcome.
        Unknown = "unknown",
    }
}

vocabulary! {
    /// Wrapper/container kinds (`container`).
    Container {
        /// X.509 certificate.
        X509Certificate = "x509_certificate",
        /// PKCS#10 certification request.
        X509Csr = "x509_csr",
        /// Certificate revocation list.
        X509Crl = "x509_crl",
        /// Cross-certificate pair.
        CrossCertificatePair = "cross_certificate_pair",
        /// OCSP request.
        OcspRequest = "ocsp_request",
        /// OCSP response.
        OcspResponse = "ocsp_response",
        /// PKCS#1 RSAPrivateKey.
        Pkcs1PrivateKey = "pkcs1_private_key",
        /// PKCS#1 RSAPublicKey.
        Pkcs1PublicKey = "pkcs1_public_key",
        /// PKCS#8 OneAsymmetricKey.
        Pkcs8PrivateKey = "pkcs8_private_key",
        /// PKCS#8 EncryptedPrivateKeyInfo.
        Pkcs8EncryptedPrivateKey = "pkcs8_encrypted_private_key",
        /// SEC1 ECPrivateKey.
        Sec1PrivateKey = "sec1_private_key",
        /// Traditional (OpenSSL) DSA private key: a SEQUENCE of six INTEGERs.
        DsaPrivateKey = "dsa_private_key",
        /// SubjectPublicKeyInfo.
        SpkiPublicKey = "spki_public_key",
        /// OpenSSH private key (openssh-key-v1).
        OpensshPrivateKey = "openssh_private_key",
        /// OpenSSH public key line.
        OpensshPublicKey = "openssh_public_key",
        /// OpenSSH certificate.
        OpensshCertificate = "openssh_certificate",
        /// PuTTY private key file (`.ppk`, versions 2 and 3).
        PuttyPrivateKey = "putty_private_key",
        /// SSH.com private key (`---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----`).
        SshcomPrivateKey = "sshcom_private_key",
        /// Dropbear private key (SSH wire format, no armor).
        DropbearPrivateKey = "dropbear_private_key",
        /// OpenPGP data (RFC 9580): keys, signatures, messages, armored or binary.
        Openpgp = "openpgp",
        /// Diffie-Hellman parameters.
        DhParameters = "dh_parameters",
        /// DSA parameters.
        DsaParameters = "dsa_parameters",
        /// EC parameters.
        EcParameters = "ec_parameters",
        /// PKCS#12 / PFX.
        Pkcs12 = "pkcs12",
        /// PKCS#7.
        Pkcs7 = "pkcs7",
        /// CMS.
        Cms = "cms",
        /// S/MIME message.
        Smime = "smime",
        /// Several PEM blocks in one file.
        PemBundle = "pem_bundle",
        /// libpcap capture.
        Pcap = "pcap",
        /// pcapng capture.
        Pcapng = "pcapng",
        /// Raw TLS records.
        TlsRecords = "tls_records",
        /// ELF binary.
        Elf = "elf",
        /// PE binary.
        Pe = "pe",
        /// Mach-O binary (thin or fat).
        Macho = "macho",
        /// Password hash string(s).
        PasswordHash = "password_hash",
        /// No recognised wrapper.
        Raw = "raw",
    }
}

vocabulary! {
    /// Encodings (`encoding`).
    Encoding {
        /// PEM armor.
        Pem = "pem",
        /// Distinguished Encoding Rules.
        Der = "der",
        /// Basic Encoding Rules (not DER).
        Ber = "ber",
        /// Base64 text.
        Base64 = "base64",
        /// Hex text.
        Hex = "hex",
        /// Other text.
        Text = "text",
        /// Raw bytes.
        Raw = "raw",
    }
}

vocabulary! {
    /// Normalised failure shapes (`failures`, and `error.kind` of error events).
    FailureKind {
        /// Input ends before a structure does.
        Truncated = "truncated",
        /// Bytes follow a complete structure.
        TrailingData = "trailing_data",
        /// An unexpected tag.
        BadTag = "bad_tag",
        /// A length that does not fit its structure.
        BadLength = "bad_length",
        /// A length larger than the input or any sane bound.
        LengthOverflow = "length_overflow",
        /// BER where DER is required.
        BerNotDer = "ber_not_der",
        /// An algorithm identifier that is not known.
        UnknownOid = "unknown_oid",
        /// Known but unsupported algorithm.
        UnsupportedAlgorithm = "unsupported_algorithm",
        /// Broken PEM armor.
        BadPemArmor = "bad_pem_armor",
        /// Invalid base64.
        BadBase64 = "bad_base64",
        /// Nesting deeper than the limit.
        DepthLimit = "depth_limit",
        /// Encrypted content that is not decrypted.
        Encrypted = "encrypted",
        /// A checksum or MAC that does not match.
        ChecksumMismatch = "checksum_mismatch",
        /// A header that cannot be parsed.
        MalformedHeader = "malformed_header",
        /// An external tool failed.
        ToolFailed = "tool_failed",
        /// An external tool ran out of time.
        Timeout = "timeout",
        /// The artifact could not be read (I/O, special file, permissions).
        Unreadable = "unreadable",
        /// A module failed on this artifact (a bug, recorded instead of crashing).
        InternalError = "internal_error",
        /// A BIT STRING whose unused-bits count is over 7, is set on an empty
        /// string, or whose padding bits are not zero.
        BadBitString = "bad_bit_string",
        /// A version field outside the values its structure allows (X.509
        /// 0–2, PKCS#8 0–1, SEC1 1, …).
        BadVersion = "bad_version",
        /// Content that its type does not allow: a non-minimal or empty
        /// INTEGER, a BOOLEAN other than 00/FF, a malformed OBJECT
        /// IDENTIFIER or time, a negative value where only positive ones exist.
        InvalidValue = "invalid_value",
        /// An elliptic-curve public point that does not satisfy its curve's
        /// equation.
        PointNotOnCurve = "point_not_on_curve",
        /// An ML-KEM encapsulation key with a coefficient not reduced modulo q.
        UnreducedCoefficient = "unreduced_coefficient",
        /// An ML-DSA signature whose hint is out of range (indices not
        /// strictly increasing, or more than ω ones).
        HintOutOfRange = "hint_out_of_range",
    }
}

vocabulary! {
    /// How strong the evidence behind a conclusion is (DESIGN §9, precision
    /// first). The summary keeps, for each field, the value of the strongest
    /// basis, whatever the event order; ties go to the earlier event.
    Basis {
        /// A parsed structure: an OID read inside a parsed container, a
        /// verified signature, a hash line whose syntax was read field by field.
        Parsed = "parsed",
        /// A structural check: magic bytes, coefficient bounds, a length field
        /// that agrees, a DER/PEM/SSH framing that holds.
        Structural = "structural",
        /// Size geometry alone (a length that matches a parameter set), on
        /// bytes with the statistics of the object it names.
        SizeOnly = "size_only",
        /// Entropy or other statistics.
        Statistics = "statistics",
    }
}

impl Basis {
    /// Rank of the basis: higher is stronger.
    pub fn strength(self) -> u8 {
        match self {
            Basis::Parsed => 4,
            Basis::Structural => 3,
            Basis::SizeOnly => 2,
            Basis::Statistics => 1,
        }
    }

    /// The basis of a conclusion that does not name one: a structural check
    /// (what every stage concluded before the basis was recorded).
    pub const DEFAULT: Basis = Basis::Structural;

    /// True for guesses (size geometry, statistics): they are concluded only
    /// where nothing stronger speaks about the same artifact.
    pub fn is_guess(self) -> bool {
        self.strength() < Basis::Structural.strength()
    }
}

/// Key, in the data of fx-inspect's `regions` event, of the regions that
/// size geometry alone proposed (`pqc_geometry`, `pqc_split`): hypotheses
/// the probes test, never concluded `regions` (DESIGN §9, precision first).
pub const REGION_HYPOTHESES_KEY: &str = "hypotheses";

/// Weakness ids of the hash/KDF audit (`hash.weaknesses`), the vocabulary
/// fx-probe writes and fx-features turns into one indicator column each.
/// The rules behind each id, with their cited baselines, are in
/// docs/hash-audit.md.
pub const HASH_WEAKNESSES: &[&str] = &[
    "unsalted_fast_hash",
    "fast_hash",
    "obsolete_scheme",
    "scheme_not_recommended",
    "cost_below_baseline",
    "argon2_variant_not_id",
    "memory_below_baseline",
    "iterations_below_baseline",
    "iterations_below_minimum",
    "weak_prf",
    "salt_too_short",
    "salt_below_recommended",
    "password_truncated",
    "buggy_implementation_marker",
    "lm_hash_present",
];

vocabulary! {
    /// The weak-key audit's findings on a key (`key_weaknesses`; fx-weakkeys,
    /// docs/weakkeys.md), in the order fx-weakkeys sorts them. The factors
    /// themselves are never written.
    KeyWeakness {
        /// The key's SHA-256 is on the blocklist the audit was given.
        Blocklisted = "blocklisted",
        /// The RSA primes are close enough for Fermat's method.
        Fermat = "fermat",
        /// The EC point is not on its curve, at infinity or badly encoded.
        InvalidPoint = "invalid_point",
        /// The RSA modulus has the structure of the ROCA generator (CVE-2017-15361).
        Roca = "roca",
        /// The RSA modulus shares a prime with another modulus of the run.
        SharedPrime = "shared_prime",
        /// The RSA public exponent is below 65537.
        SmallExponent = "small_exponent",
        /// The RSA modulus has a prime factor of at most 65537.
        SmallFactor = "small_factor",
        /// Wiener's attack finds the RSA private exponent.
        SmallPrivateExponent = "small_private_exponent",
        /// The X25519 key has order 1, 2, 4 or 8.
        SmallSubgroup = "small_subgroup",
        /// The RSA modulus is below 2048 bits.
        TooSmall = "too_small",
        /// The RSA public exponent is above 65537.
        UnusualExponent = "unusual_exponent",
    }
}

/// What a stage concluded, attached to an event (DESIGN §9).
///
/// Field names are fixed: reports, features and users read them from the
/// per-job `summary`. Values whose inner shape belongs to one stage (`hash`,
/// `cipher`, `pqc`, `tls`, …) are JSON objects documented by that stage and
/// by `schemas/conclusion.schema.json`. Every field is optional.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Conclusion {
    /// Artifact type labels.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub labels: Vec<Label>,
    /// The outermost recognised container.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container: Option<Container>,
    /// The encoding of the artifact.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoding: Option<Encoding>,
    /// NIST/IANA style algorithm name (`RSA`, `ML-KEM-768`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub algorithm: Option<String>,
    /// Dotted OID of the algorithm identifier that was read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oid: Option<String>,
    /// RSA/DSA modulus bits (or the key size of the named algorithm).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_bits: Option<u64>,
    /// Curve name (`P-256`, `secp256k1`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub curve: Option<String>,
    /// Hash/KDF audit result (`{scheme, hashcat_mode, john_format, params, weaknesses, lines}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hash: Option<Value>,
    /// Symmetric-ciphertext signals (`{block_size, mode_hints, layout, …}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cipher: Option<Value>,
    /// Candidate core regions kept after pruning.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub regions: Vec<Value>,
    /// Post-quantum candidates and checks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pqc: Option<Value>,
    /// Failure shapes seen.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub failures: Vec<FailureKind>,
    /// TLS client fingerprints and negotiated parameters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls: Option<Value>,
    /// Crypto libraries found in a binary.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub libraries: Vec<Value>,
    /// Bundles (a PEM with a key and its certificate, a CA bundle): one entry
    /// per member object, `{index, container, algorithm, key_bits, curve}`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub members: Vec<Value>,
    /// The weak-key audit's findings on the keys of the artifact (fx-weakkeys).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub key_weaknesses: Vec<KeyWeakness>,
    /// The strength of the evidence behind this conclusion (absent:
    /// [`Basis::DEFAULT`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub basis: Option<Basis>,
    /// Confidence in permille (0–1000) of a guess (`size_only`,
    /// `statistics`); absent for parsed facts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidence: Option<u16>,
}

impl Conclusion {
    /// True when nothing was concluded.
    pub fn is_empty(&self) -> bool {
        *self == Conclusion::default()
    }

    /// The basis of this conclusion ([`Basis::DEFAULT`] when it names none).
    pub fn effective_basis(&self) -> Basis {
        self.basis.unwrap_or(Basis::DEFAULT)
    }

    /// The conclusion with its basis set.
    pub fn with_basis(mut self, basis: Basis) -> Conclusion {
        self.basis = Some(basis);
        self
    }

    /// The conclusion as a JSON object.
    pub fn to_map(&self) -> Map<String, Value> {
        match serde_json::to_value(self) {
            Ok(Value::Object(m)) => m,
            _ => Map::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn names_round_trip() {
        for l in Label::ALL {
            assert_eq!(Label::parse(l.as_str()), Some(*l));
        }
        for f in FailureKind::ALL {
            assert_eq!(FailureKind::parse(f.as_str()), Some(*f));
        }
    }

    #[test]
    fn basis_strength_orders_the_evidence() {
        assert!(Basis::Parsed.strength() > Basis::Structural.strength());
        assert!(Basis::Structural.strength() > Basis::SizeOnly.strength());
        assert!(Basis::SizeOnly.strength() > Basis::Statistics.strength());
        assert!(Basis::SizeOnly.is_guess() && Basis::Statistics.is_guess());
        assert!(!Basis::Parsed.is_guess() && !Basis::DEFAULT.is_guess());
        let c: Conclusion =
            serde_json::from_value(json!({"algorithm":"X","basis":"size_only","confidence":400}))
                .unwrap();
        assert_eq!(c.effective_basis(), Basis::SizeOnly);
        assert_eq!(Conclusion::default().effective_basis(), Basis::Structural);
        assert_eq!(
            serde_json::to_value(&c).unwrap(),
            json!({"algorithm":"X","basis":"size_only","confidence":400})
        );
    }
}
