//! The CycloneDX document as serde structs: the subset of the 1.6 and 1.7
//! JSON schemas (`bom-1.6.schema.json`, `bom-1.7.schema.json`) that the CBOM
//! writes. Field names are the schema's; absent values are left out; field
//! order is fixed by declaration order, so the bytes are deterministic.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::spill::{Range, Store};

use super::registry::Primitive;

/// `metadata`: the tool that wrote the BOM and the run it describes.
#[derive(Debug, Serialize)]
pub struct Metadata {
    /// The writing tool.
    pub tools: Tools,
    /// The run, as a component of type `data`.
    pub component: Component,
    /// `fx:run_id`, `fx:policy_hash`, …
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub properties: Vec<Property>,
}

/// `metadata.tools` (the 1.5+ object form).
#[derive(Debug, Serialize)]
pub struct Tools {
    /// The tools, as components.
    pub components: Vec<Component>,
}

/// A CycloneDX component.
#[derive(Debug, Default, Serialize)]
pub struct Component {
    /// `cryptographic-asset`, `library`, `application`, `data`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// Content-derived reference.
    #[serde(rename = "bom-ref", skip_serializing_if = "Option::is_none")]
    pub bom_ref: Option<String>,
    /// Name.
    pub name: String,
    /// Version (libraries).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// One line saying what it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Where it was found.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evidence: Option<Evidence>,
    /// The crypto asset's properties.
    #[serde(rename = "cryptoProperties", skip_serializing_if = "Option::is_none")]
    pub crypto_properties: Option<CryptoProperties>,
    /// fx facts without a CycloneDX field (`fx:…` names).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub properties: Vec<Property>,
}

/// A name-value pair.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Property {
    /// `fx:…`.
    pub name: String,
    /// The value.
    pub value: String,
}

impl Property {
    /// A property.
    pub fn new(name: &str, value: impl ToString) -> Property {
        Property {
            name: name.to_owned(),
            value: value.to_string(),
        }
    }
}

/// `evidence`.
#[derive(Debug, Serialize)]
pub struct Evidence {
    /// One per artifact (and line, for a file of hashes) it was found in.
    pub occurrences: StoredList,
}

/// `evidence.occurrences`: a sorted list in the inventory's temporary file
/// ([`super::Inventory::finish`]), read back as it is serialized.
#[derive(Debug)]
pub struct StoredList {
    pub(crate) store: Arc<Store>,
    pub(crate) range: Range,
}

impl Serialize for StoredList {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{Error as _, SerializeSeq as _};
        let mut seq = s.serialize_seq(Some(self.range.count as usize))?;
        for o in self.store.read::<Occurrence>(self.range) {
            seq.serialize_element(&o.map_err(S::Error::custom)?)?;
        }
        seq.end()
    }
}

/// `evidence.occurrences[]`, ordered by location, line, then artifact hash
/// (the prefix of `additionalContext` is the same for all).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Occurrence {
    /// The intake path (non-UTF-8 bytes escaped).
    pub location: String,
    /// Line of a file of hashes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// `fx:artifact_hash=sha256:…`.
    #[serde(rename = "additionalContext", skip_serializing_if = "Option::is_none")]
    pub additional_context: Option<String>,
}

/// `cryptoProperties`.
#[derive(Debug, Default, Serialize)]
pub struct CryptoProperties {
    /// `algorithm`, `certificate`, `protocol`, `related-crypto-material`.
    #[serde(rename = "assetType")]
    pub asset_type: &'static str,
    /// Algorithm assets.
    #[serde(
        rename = "algorithmProperties",
        skip_serializing_if = "Option::is_none"
    )]
    pub algorithm_properties: Option<AlgorithmProperties>,
    /// Certificate assets.
    #[serde(
        rename = "certificateProperties",
        skip_serializing_if = "Option::is_none"
    )]
    pub certificate_properties: Option<CertificateProperties>,
    /// Keys and password hashes.
    #[serde(
        rename = "relatedCryptoMaterialProperties",
        skip_serializing_if = "Option::is_none"
    )]
    pub related_crypto_material_properties: Option<RelatedCryptoMaterialProperties>,
    /// TLS clients.
    #[serde(rename = "protocolProperties", skip_serializing_if = "Option::is_none")]
    pub protocol_properties: Option<ProtocolProperties>,
    /// Dotted OID.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub oid: Option<String>,
}

/// `algorithmProperties`.
#[derive(Debug, Default, Serialize)]
pub struct AlgorithmProperties {
    /// Primitive.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub primitive: Option<Primitive>,
    /// 1.7 registry family.
    #[serde(rename = "algorithmFamily", skip_serializing_if = "Option::is_none")]
    pub algorithm_family: Option<&'static str>,
    /// Parameter set.
    #[serde(
        rename = "parameterSetIdentifier",
        skip_serializing_if = "Option::is_none"
    )]
    pub parameter_set_identifier: Option<String>,
    /// Curve (1.6; 1.7 where the registry has no name for it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub curve: Option<String>,
    /// 1.7 registry curve.
    #[serde(rename = "ellipticCurve", skip_serializing_if = "Option::is_none")]
    pub elliptic_curve: Option<String>,
    /// Block-cipher mode.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mode: Option<&'static str>,
    /// Classical strength in bits.
    #[serde(
        rename = "classicalSecurityLevel",
        skip_serializing_if = "Option::is_none"
    )]
    pub classical_security_level: Option<u16>,
    /// NIST category.
    #[serde(
        rename = "nistQuantumSecurityLevel",
        skip_serializing_if = "Option::is_none"
    )]
    pub nist_quantum_security_level: Option<u8>,
}

/// `certificateProperties`.
#[derive(Debug, Default, Serialize)]
pub struct CertificateProperties {
    /// 1.7: the certificate's serial number (hex).
    #[serde(rename = "serialNumber", skip_serializing_if = "Option::is_none")]
    pub serial_number: Option<String>,
    /// Subject DN.
    #[serde(rename = "subjectName", skip_serializing_if = "Option::is_none")]
    pub subject_name: Option<String>,
    /// Issuer DN.
    #[serde(rename = "issuerName", skip_serializing_if = "Option::is_none")]
    pub issuer_name: Option<String>,
    /// notBefore (RFC 3339).
    #[serde(rename = "notValidBefore", skip_serializing_if = "Option::is_none")]
    pub not_valid_before: Option<String>,
    /// notAfter (RFC 3339).
    #[serde(rename = "notValidAfter", skip_serializing_if = "Option::is_none")]
    pub not_valid_after: Option<String>,
    /// 1.6: the signature algorithm's component.
    #[serde(
        rename = "signatureAlgorithmRef",
        skip_serializing_if = "Option::is_none"
    )]
    pub signature_algorithm_ref: Option<String>,
    /// 1.6: the subject public key's component.
    #[serde(
        rename = "subjectPublicKeyRef",
        skip_serializing_if = "Option::is_none"
    )]
    pub subject_public_key_ref: Option<String>,
    /// `X.509`.
    #[serde(rename = "certificateFormat", skip_serializing_if = "Option::is_none")]
    pub certificate_format: Option<&'static str>,
    /// 1.7: the signature algorithm and the subject key.
    #[serde(
        rename = "relatedCryptographicAssets",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub related_cryptographic_assets: Vec<RelatedAsset>,
}

/// 1.7 `relatedCryptographicAssets[]`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct RelatedAsset {
    /// `algorithm`, `publicKey`, …
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The component.
    #[serde(rename = "ref")]
    pub reference: String,
}

/// `relatedCryptoMaterialProperties`.
#[derive(Debug, Default, Serialize)]
pub struct RelatedCryptoMaterialProperties {
    /// `public-key`, `private-key`, `digest`, …
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The algorithm's component.
    #[serde(rename = "algorithmRef", skip_serializing_if = "Option::is_none")]
    pub algorithm_ref: Option<String>,
    /// Size in bits (key size; digest size of a password hash).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    /// Container (`spki_public_key`, `password_hash`, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    /// 1.7: the algorithm.
    #[serde(
        rename = "relatedCryptographicAssets",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub related_cryptographic_assets: Vec<RelatedAsset>,
}

/// `protocolProperties`.
#[derive(Debug, Default, Serialize)]
pub struct ProtocolProperties {
    /// `tls`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The negotiated version, else the highest offered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// The suites offered.
    #[serde(rename = "cipherSuites", skip_serializing_if = "Vec::is_empty")]
    pub cipher_suites: Vec<CipherSuite>,
    /// 1.6: the groups' algorithm components.
    #[serde(rename = "cryptoRefArray", skip_serializing_if = "Vec::is_empty")]
    pub crypto_ref_array: Vec<String>,
    /// 1.7: the groups' algorithm components.
    #[serde(
        rename = "relatedCryptographicAssets",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub related_cryptographic_assets: Vec<RelatedAsset>,
}

/// `cipherSuite`.
#[derive(Clone, Debug, Default, Serialize)]
pub struct CipherSuite {
    /// IANA name, where fx knows it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The algorithms' components.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub algorithms: Vec<String>,
    /// Code point (`0x1301`).
    pub identifiers: Vec<String>,
    /// 1.7: the groups offered with it.
    #[serde(rename = "tlsGroups", skip_serializing_if = "Vec::is_empty")]
    pub tls_groups: Vec<String>,
}

/// `dependencies[]`.
#[derive(Debug, Serialize)]
pub struct Dependency {
    /// The library.
    #[serde(rename = "ref")]
    pub reference: String,
    /// The algorithms it implements.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub provides: Vec<String>,
}
