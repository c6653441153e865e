//! Certificates, certification requests and revocation lists: the data of
//! fx-inspect's `x509`, `x509_csr` and `x509_crl` steps.

use fx_core::vocab::Container;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::common::{AlgorithmId, Finding, KeyAlgorithm};

/// OID of the basicConstraints extension.
pub const BASIC_CONSTRAINTS_OID: &str = "2.5.29.19";
/// OID of the keyUsage extension.
pub const KEY_USAGE_OID: &str = "2.5.29.15";

/// One extension of a certificate or CRL, as listed (its value is not
/// decoded here: fx records which extensions are present, their
/// criticality and size).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Extension {
    /// Dotted OID of the extension.
    pub oid: String,
    /// Registry name (`basicConstraints`, `keyUsage`, …), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// True when marked critical.
    pub critical: bool,
    /// Length of the extension value in bytes.
    pub len: u64,
}

/// A second algorithm a certificate carries outside its SPKI (composite or
/// alternative-signature certificates).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct AltAlgorithm {
    /// Dotted OID.
    pub oid: String,
    /// Registry name.
    pub name: String,
    /// Where it was found (`signatureAlgorithm.parameters`, an extension
    /// name or OID).
    pub found_in: String,
}

/// An X.509 certificate (step `x509`; also the certificates nested in a
/// CMS, OCSP response or cross-certificate pair, which name their
/// container in `within`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct CertificateData {
    /// `x509_certificate`.
    #[schemars(schema_with = "crate::schema::container")]
    pub container: Container,
    /// PEM block the certificate was read from (absent: the raw artifact or
    /// a nested certificate).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block: Option<u32>,
    /// The step whose structure carried this certificate (`cms`, `ocsp`,
    /// `cross_pair`), for a nested certificate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub within: Option<String>,
    /// Certificate version (`v1`, `v2`, `v3`).
    pub version: String,
    /// Serial number, upper-case hex of its content octets.
    pub serial: String,
    /// Subject distinguished name, RFC 4514 style (`CN=…,O=…`).
    pub subject: String,
    /// Issuer distinguished name, same form.
    pub issuer: String,
    /// True when subject and issuer are the same name.
    pub self_issued: bool,
    /// Start of validity, RFC 3339 UTC (`2026-11-23T03:57:16Z`).
    pub not_before: String,
    /// End of validity, same form.
    pub not_after: String,
    /// The algorithm the issuer signed with.
    pub signature_algorithm: AlgorithmId,
    /// Signature length in bytes.
    pub signature_len: u64,
    /// The subject public key: algorithm, OID, bits, curve (the algorithm
    /// names the parameter set of a post-quantum key).
    pub public_key: KeyAlgorithm,
    /// Extensions in certificate order.
    pub extensions: Vec<Extension>,
    /// Alternative algorithms (composite and hybrid certificates).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alt_algorithms: Vec<AltAlgorithm>,
    /// Failure shapes met while reading it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub findings: Vec<Finding>,
}

impl CertificateData {
    /// The extension with this OID, when present.
    pub fn extension(&self, oid: &str) -> Option<&Extension> {
        self.extensions.iter().find(|e| e.oid == oid)
    }

    /// True when the certificate carries a basicConstraints extension (its
    /// `cA` flag is not decoded by fx-inspect; presence is what the evidence says).
    pub fn has_basic_constraints(&self) -> bool {
        self.extension(BASIC_CONSTRAINTS_OID).is_some()
    }

    /// True when the certificate carries a keyUsage extension.
    pub fn has_key_usage(&self) -> bool {
        self.extension(KEY_USAGE_OID).is_some()
    }
}

/// A PKCS#10 certification request (step `x509_csr`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct CsrData {
    /// `x509_csr`.
    #[schemars(schema_with = "crate::schema::container")]
    pub container: Container,
    /// PEM block it was read from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block: Option<u32>,
    /// Subject distinguished name.
    pub subject: String,
    /// The algorithm the request is signed with.
    pub signature_algorithm: AlgorithmId,
    /// The public key requested for.
    pub public_key: KeyAlgorithm,
    /// Attribute names or OIDs, in order.
    pub attributes: Vec<String>,
    /// Failure shapes met while reading it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub findings: Vec<Finding>,
}

/// A certificate revocation list (step `x509_crl`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct CrlData {
    /// `x509_crl`.
    #[schemars(schema_with = "crate::schema::container")]
    pub container: Container,
    /// PEM block it was read from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block: Option<u32>,
    /// Issuer distinguished name.
    pub issuer: String,
    /// thisUpdate, RFC 3339 UTC.
    pub this_update: String,
    /// nextUpdate, when present.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_update: Option<String>,
    /// Number of revoked entries.
    pub revoked: u64,
    /// The algorithm the issuer signed with.
    pub signature_algorithm: AlgorithmId,
    /// Extensions in order.
    pub extensions: Vec<Extension>,
    /// Failure shapes met while reading it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub findings: Vec<Finding>,
}

/// A cross-certificate pair (step `cross_pair`); its certificates follow as
/// `x509` steps `within` it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct CrossPairData {
    /// `cross_certificate_pair`.
    #[schemars(schema_with = "crate::schema::container")]
    pub container: Container,
    /// PEM block it was read from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block: Option<u32>,
    /// True when the forward certificate (issued to this CA) is present.
    pub forward: bool,
    /// True when the reverse certificate (issued by this CA) is present.
    pub reverse: bool,
    /// Failure shapes met while reading it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub findings: Vec<Finding>,
}
