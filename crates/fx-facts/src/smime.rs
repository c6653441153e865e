//! S/MIME messages read by fx-inspect (step `smime`): the MIME framing
//! around the CMS object, which follows as a `cms` step.

use fx_core::vocab::Container;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::common::Finding;

/// The data of fx-inspect's `smime` step.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct SmimeData {
    /// `smime`.
    #[schemars(schema_with = "crate::schema::container")]
    pub container: Container,
    /// PEM block it was read from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block: Option<u32>,
    /// Top-level content type (`multipart/signed`, `application/pkcs7-mime`).
    pub content_type: String,
    /// `smime-type` parameter of the CMS part (`enveloped-data`, `signed-data`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub smime_type: Option<String>,
    /// Content type of the part holding the CMS object.
    pub cms_part: String,
    /// Its transfer encoding (`base64`, …).
    pub transfer_encoding: String,
    /// Offset of that part's body in the message.
    pub body_offset: u64,
    /// Bytes of the decoded CMS object.
    pub decoded: u64,
    /// Failure shapes met while reading it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub findings: Vec<Finding>,
}
