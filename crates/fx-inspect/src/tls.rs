//! TLS records in a raw byte stream (RFC 8446 §5.1 framing): record and
//! handshake counts, versions, application-data regions, a truncated last
//! record.

use fx_core::vocab::{Container, FailureKind};
use fx_facts::capture::TlsRecordsData;
use fx_formats::tls::{ContentType, RECORD_HEADER_LEN, RecordHeader};
use std::collections::BTreeMap;

use crate::algorithm::KeyAlg;
use crate::report::{Finding, Region};
use crate::x509::Parsed;

/// Records read before stopping.
const MAX_RECORDS: usize = 100_000;

/// True when the bytes start like a TLS record (type, 0x03 0x00–0x04, sane length).
pub fn looks_like_tls(b: &[u8]) -> bool {
    RecordHeader::read(b, 0)
        .is_some_and(|h| h.kind().is_some() && h.is_tls_version() && h.within_limit())
}

/// Reads records until the stream ends or stops looking like TLS. Its
/// description is the `tls` step's record (a stream is read as a whole
/// file: no PEM block).
pub fn records(bytes: &[u8]) -> Result<Parsed<TlsRecordsData>, Finding> {
    if !looks_like_tls(bytes) {
        return Err(Finding::at(FailureKind::BadTag, 0, "not a TLS record"));
    }
    let mut info = TlsRecordsData {
        container: Container::TlsRecords,
        block: None,
        records: 0,
        by_type: BTreeMap::new(),
        versions: Vec::new(),
        handshakes: Vec::new(),
        // The step's findings are written by `Step::into_event`.
        findings: Vec::new(),
    };
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
        match info.by_type.get_mut(kind.name()) {
            Some(n) => *n += 1,
            None => {
                info.by_type.insert(kind.name().to_owned(), 1);
            }
        }
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
