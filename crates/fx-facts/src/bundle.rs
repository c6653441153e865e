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

/// What fx-inspect made of the objects of a bundle as a whole (step
/// `bundle`): the certificate chain among its certificates, which key
/// belongs to which certificate, and a detached signature checked against
/// its message. Written for a file of several key-bearing objects (a PEM
/// bundle, a PKCS#7 or PKCS#12 with certificates; `source: file`) and for a
/// bundle job (`artifact.members`, DESIGN §3; `source: members`). Never a
/// private key's bytes: a private key is compared through the public key it
/// implies.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct BundleData {
    /// `file` (objects of one artifact) or `members` (a bundle job's files).
    pub source: String,
    /// The certificates and keys that were considered, in the order they
    /// were read. For a `file`, `index` is the object's `members` index.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub objects: Vec<BundleObject>,
    /// One link per certificate: its issuer in the bundle and whether the
    /// issuer's key verifies its signature.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<ChainLink>,
    /// The chains: from each certificate that issues no other one, the
    /// verified links followed up to a self-signed root or as far as they go.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub chains: Vec<Chain>,
    /// One entry per key: the certificate whose public key it is, or none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub key_matches: Vec<KeyMatch>,
    /// Detached signatures of a bundle job checked over its `message`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub signatures: Vec<DetachedSignature>,
    /// Budgets that stopped the work (`budget:bundle_verifications`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub caps_hit: Vec<String>,
}

/// A certificate or key of a bundle.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct BundleObject {
    /// Position among the bundle's objects, from 0 (for a `file`, its
    /// `members` index).
    pub index: u64,
    /// The bundle member (its role) it was read from, for a bundle job.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// The object's container.
    #[schemars(schema_with = "crate::schema::container")]
    pub container: Container,
    /// Its key's algorithm, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub algorithm: Option<String>,
    /// The certificate's subject (RFC 4514), for a certificate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// The certificate's serial number (uppercase hex), for a certificate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serial: Option<String>,
}

/// How a certificate's link to its issuer came out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum LinkOutcome {
    /// The issuer's key verified the certificate's signature: the only
    /// outcome that says the link holds.
    Verified,
    /// The issuer named by the certificate is in the bundle, its key and
    /// the signature algorithm are ones fx verifies, and the signature does
    /// not verify (altered, or signed by another key).
    SignatureInvalid,
    /// The signature verifies, but the signature algorithm inside the
    /// signed part differs from the outer one (RFC 5280 §4.1.1.2).
    AlgorithmMismatch,
    /// No certificate of the bundle has the issuer's name; one whose
    /// subject key identifier is the certificate's authority key identifier
    /// is named in `issuer`, with what its key said in `signature_verified`.
    NameMismatch,
    /// No certificate of the bundle has the issuer's name (the issuer is
    /// elsewhere): nothing was verified, nothing is wrong.
    IssuerAbsent,
    /// The issuer is in the bundle, but fx does not verify this signature
    /// algorithm or key (`detail` says which): never a verdict.
    UnsupportedAlgorithm,
    /// The budget of verifications ran out before this link: never a verdict.
    NotChecked,
}

/// A certificate and its issuer in the bundle.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ChainLink {
    /// The certificate (an object index).
    pub certificate: u64,
    /// The issuer's certificate (an object index; the certificate itself
    /// when self-signed), when one is in the bundle.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<u64>,
    /// What the link came to.
    pub outcome: LinkOutcome,
    /// The certificate's signature algorithm (name, or OID).
    pub signature_algorithm: String,
    /// The certificate's issuer name (RFC 4514).
    pub issuer_name: String,
    /// True when the certificate's subject is its issuer name and the
    /// issuer is the certificate itself.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub self_signed: bool,
    /// Whether the issuer's key verified the signature, when it was tried.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature_verified: Option<bool>,
    /// Whether the authority key identifier equals the issuer's subject key
    /// identifier, when both are present.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_id_match: Option<bool>,
    /// False when the signature algorithm inside the signed part differs
    /// from the outer one.
    pub tbs_algorithm_matches: bool,
    /// Whether the certificate's validity lies within its issuer's
    /// (informative: RFC 5280 does not require it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validity_nested: Option<bool>,
    /// Why it is not verified, when it is not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// A chain of certificates of the bundle, from a certificate to the root or
/// as far as verified links go.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Chain {
    /// Object indexes, the end certificate first.
    pub certificates: Vec<u64>,
    /// True when every link verified and the last one is a self-signed
    /// certificate whose signature verified.
    pub complete: bool,
}

/// How a key's search for its certificate came out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum KeyMatchOutcome {
    /// The key's public key is a certificate's subject public key.
    Matched,
    /// Its public key is that of no certificate of the bundle.
    NoCertificate,
    /// fx does not derive or compare this kind of key: never a verdict.
    UnsupportedAlgorithm,
}

/// A key of the bundle and the certificate it belongs to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct KeyMatch {
    /// The key (an object index).
    pub key: u64,
    /// True for a private key (compared through the public key it implies).
    pub private: bool,
    /// What the search came to.
    pub outcome: KeyMatchOutcome,
    /// The certificates whose public key it is (object indexes).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub certificates: Vec<u64>,
    /// Why it was not compared, when it was not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// How a detached signature came out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SignatureOutcome {
    /// A key of the bundle verified it over the message.
    Verified,
    /// The scheme is determined (by the key or the signature's own
    /// structure) and no key of the bundle verifies it over the message.
    SignatureInvalid,
    /// Not verified, and not shown invalid: the scheme or hash could not be
    /// determined, or no usable key is in the bundle (`detail` says which).
    NotVerified,
    /// The key's algorithm or the signature's format is not one fx
    /// verifies: never a verdict.
    UnsupportedAlgorithm,
}

/// A detached signature member checked over the `message` member.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct DetachedSignature {
    /// The signature's role in the bundle.
    pub role: String,
    /// `raw` (the signature value alone) or `cms` (a detached CMS/PKCS#7
    /// SignedData).
    pub format: String,
    /// What it came to.
    pub outcome: SignatureOutcome,
    /// The key that verified it, or the one it was checked with (an object
    /// index).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<u64>,
    /// The scheme that verified it (`RSA PKCS#1 v1.5 SHA-256`, `ECDSA
    /// SHA-384`, `Ed25519`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheme: Option<String>,
    /// Why it is not verified, when it is not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}
