//! TLS records in a raw byte stream (RFC 8446 §5.1 framing): record and
//! handshake counts, versions, application-data regions, a truncated last
//! record.

use fx_core::vocab::{Container, FailureKind};
use fx_formats::tls::{ContentType, RECORD_HEADER_LEN, RecordHeader};
use serde::Serialize;
use std::collections::BTreeMap;

use crate::algorithm::KeyAlg;
use crate::report::{Finding, Region};
use crate::x509::Parsed;

/// Records read before stopping.
const MAX_RECORDS: usize = 100_000;

/// What a record stream says.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct TlsInfo {
    /// Records read.
    pub records: u64,
    /// Records per content type (`handshake`, `application_data`, …).
    pub by_type: BTreeMap<&'static str, u64>,
    /// Record-layer versions seen (`0x0303`, …).
    pub versions: Vec<String>,
    /// Handshake message types of unencrypted handshake records, in order (at most 64).
    pub handshakes: Vec<u8>,
}

/// True when the bytes start like a TLS record (type, 0x03 0x00–0x04, sane length).
pub fn looks_like_tls(b: &[u8]) -> bool {
    RecordHeader::read(b, 0)
        .is_some_and(|h| h.kind().is_some() && h.is_tls_version() && h.within_limit())
}

/// Reads records until the stream ends or stops looking like TLS.
pub fn records(bytes: &[u8]) -> Result<Parsed<TlsInfo>, Finding> {
    if !looks_like_tls(bytes) {
        return Err(Finding::at(FailureKind::BadTag, 0, "not a TLS record"));
    }
    let mut info = TlsInfo::default();
    let mut findings = Vec::new();
    let mut regions = Vec::new();
    let mut pos = 0;
    while pos < bytes.len() && (info.records as usize) < MAX_RECORDS {
        let Some(h) = RecordHeader::read(bytes, pos) else {
            findings.push(Finding::at(
                FailureKind::Truncated,
                pos,
                "record header cut short",
            ));
            break;
        };
        let Some(kind) = h.kind().filter(|_| h.major == 3) else {
            findings.push(Finding::at(
                FailureKind::TrailingData,
                pos,
                "bytes after the last record are not TLS",
            ));
            break;
        };
        let len = h.len;
        if !h.within_limit() {
            findings.push(Finding::at(
                FailureKind::LengthOverflow,
                pos + 3,
                format!("record of {len} bytes"),
            ));
            break;
        }
        let version = h.version_hex();
        if !info.versions.contains(&version) {
            info.versions.push(version);
        }
        let body_at = pos + RECORD_HEADER_LEN;
        let Some(body) = h.body(bytes, pos) else {
            findings.push(Finding::at(
                FailureKind::Truncated,
                pos,
                format!(
                    "record declares {len} bytes, {} remain",
                    bytes.len() - body_at
                ),
            ));
            break;
        };
        info.records += 1;
        *info.by_type.entry(kind.name()).or_insert(0) += 1;
        if kind == ContentType::Handshake
            && info.handshakes.len() < 64
            && let Some(&t) = body.first()
        {
            info.handshakes.push(t);
        }
        if kind == ContentType::ApplicationData && regions.len() < 64 {
            regions.push(Region {
                offset: body_at as u64,
                length: len as u64,
                kind: "aead",
                algorithm: None,
                score: 500,
                block: None,
                source: "tls_records",
            });
        }
        pos = body_at + len;
    }
    Ok(Parsed {
        info,
        key: KeyAlg::default(),
        findings,
        regions,
        container: Container::TlsRecords,
    })
}
