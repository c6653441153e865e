//! Containers of several objects: bundle members (the `members`
//! conclusion), CMS/PKCS#7 (step `cms`) and PKCS#12 (step `pkcs12`).

use fx_core::vocab::Container;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::common::{Finding, PbeScheme};

/// One key-bearing object of a bundle (DESIGN §9 `members`): a PEM file with
/// a key and its certificate, a CA bundle.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Member {
    /// Position among the bundle's key-bearing objects, from 0.
    pub index: u64,
    /// The object's container.
    #[schemars(schema_with = "crate::schema::container")]
    pub container: Container,
    /// Its key's algorithm, when the OID is known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub algorithm: Option<String>,
    /// The OID of its key's algorithm.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oid: Option<String>,
    /// RSA/DSA modulus bits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_bits: Option<u64>,
    /// Curve.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub curve: Option<String>,
}

/// One signer of a CMS SignedData.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Signer {
    /// Digest algorithm name (or OID).
    pub digest_algorithm: String,
    /// Signature algorithm name (or OID).
    pub signature_algorithm: String,
    /// Signature length in bytes.
    pub signature_len: u64,
    /// How the signer is identified: `issuer_and_serial` or `subject_key_id`.
    pub sid: String,
    /// True when signed attributes are present.
    pub signed_attrs: bool,
}

/// A CMS / PKCS#7 ContentInfo (step `cms`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct CmsData {
    /// `pkcs7` or `cms`.
    #[schemars(schema_with = "crate::schema::container")]
    pub container: Container,
    /// PEM block it was read from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block: Option<u32>,
    /// Content type name (`signedData`, `envelopedData`, …) or OID.
    pub content_type: String,
    /// Encapsulated content type of signed data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encapsulated: Option<String>,
    /// True when signed data is detached (no encapsulated content).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub detached: bool,
    /// Digest algorithms declared.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub digest_algorithms: Vec<String>,
    /// Certificates carried (each is also an `x509` step with `within: cms`).
    pub certificates: u64,
    /// Signers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub signers: Vec<Signer>,
    /// Recipients of enveloped data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recipients: Option<u64>,
    /// Content encryption algorithm of enveloped data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_encryption: Option<String>,
    /// True when the object is BER (indefinite lengths, segmented strings),
    /// as CMS allows (RFC 5652 §1.2); fx-inspect read it through its DER
    /// re-encoding. Absent when it is DER.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub ber: bool,
    /// Failure shapes met while reading it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub findings: Vec<Finding>,
}

/// The MAC of a PKCS#12 PFX.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Pkcs12Mac {
    /// Digest algorithm name or OID.
    pub algorithm: String,
    /// Iterations.
    pub iterations: u64,
    /// Salt length in bytes.
    pub salt_len: u64,
    /// Digest length in bytes.
    pub digest_len: u64,
}

/// One safe of a PKCS#12 authenticated safe.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Pkcs12Safe {
    /// `data` (plain) or `encryptedData`, or the OID.
    pub content_type: String,
    /// Encryption of an encrypted safe.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encryption: Option<PbeScheme>,
    /// Bag types of a plain safe, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bags: Vec<String>,
    /// Encryption of each shrouded key bag.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub shrouded_keys: Vec<PbeScheme>,
}

/// A PKCS#12 / PFX file (step `pkcs12`); encrypted safes and shrouded keys
/// are described, never decrypted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Pkcs12Data {
    /// `pkcs12`.
    #[schemars(schema_with = "crate::schema::container")]
    pub container: Container,
    /// PEM block it was read from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block: Option<u32>,
    /// PFX version (3).
    pub version: u64,
    /// The MAC, when present.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mac: Option<Pkcs12Mac>,
    /// The safes, in order.
    pub safes: Vec<Pkcs12Safe>,
    /// Failure shapes (`encrypted`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub findings: Vec<Finding>,
}
