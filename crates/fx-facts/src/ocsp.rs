//! OCSP requests and responses (RFC 6960) read by fx-inspect (step `ocsp`).

use fx_core::vocab::Container;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::common::Finding;

/// The data of fx-inspect's `ocsp` step: an OCSP request or response. The
/// certificates it carries follow as `x509` steps `within` it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct OcspData {
    /// `ocsp_request` or `ocsp_response`.
    #[schemars(schema_with = "crate::schema::container")]
    pub container: Container,
    /// PEM block it was read from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block: Option<u32>,
    /// Response status (`successful`, `tryLater`, …); responses only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Response type (`basic` or its OID); responses only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_type: Option<String>,
    /// Certificates asked about (request) or answered for (response).
    pub certificates_asked: u64,
    /// Per-certificate statuses of a response (`good`, `revoked`, `unknown`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cert_statuses: Vec<String>,
    /// Hash algorithm of the first CertID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cert_id_hash: Option<String>,
    /// How the responder is named (`by_name`, `by_key`); responses only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub responder_id: Option<String>,
    /// True when a nonce extension is present.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub nonce: bool,
    /// Signature algorithm (signed requests, basic responses).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature_algorithm: Option<String>,
    /// Certificates carried.
    pub certificates: u64,
    /// Failure shapes met while reading it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub findings: Vec<Finding>,
}
