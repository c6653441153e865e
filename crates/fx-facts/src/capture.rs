//! Captures and record streams fx-inspect frames (steps `pcap` and `tls`);
//! the TLS handshakes inside them are fx-fingerprint's ([`crate::tls`]).

use std::collections::BTreeMap;

use fx_core::vocab::Container;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::common::Finding;

/// The data of fx-inspect's `pcap` step: a pcap or pcapng file's framing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PcapData {
    /// `pcap` or `pcapng`.
    #[schemars(schema_with = "crate::schema::container")]
    pub container: Container,
    /// PEM block it was read from (never, in practice).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block: Option<u32>,
    /// File format: `pcap` or `pcapng`.
    pub format: String,
    /// Link types (DLT numbers), in first-seen order.
    pub link_types: Vec<i64>,
    /// Packets read.
    pub packets: u64,
    /// Packets captured shorter than they were on the wire.
    pub truncated_packets: u64,
    /// Bytes of packet data captured.
    pub captured_bytes: u64,
    /// pcapng sections / interfaces.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interfaces: Option<u32>,
    /// Snap length (pcap header or first interface).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snaplen: Option<u32>,
    /// Failure shapes met while reading it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub findings: Vec<Finding>,
}

/// The data of fx-inspect's `tls` step: a raw stream of TLS records.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct TlsRecordsData {
    /// `tls_records`.
    #[schemars(schema_with = "crate::schema::container")]
    pub container: Container,
    /// PEM block it was read from (never, in practice).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block: Option<u32>,
    /// Records read.
    pub records: u64,
    /// Records per content type (`handshake`, `application_data`, …).
    pub by_type: BTreeMap<String, u64>,
    /// Record-layer versions seen (`0x0303`, …), first seen first.
    pub versions: Vec<String>,
    /// Handshake message types seen, first seen first.
    pub handshakes: Vec<u8>,
    /// Failure shapes met while reading it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub findings: Vec<Finding>,
}
