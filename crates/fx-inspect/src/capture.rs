//! pcap / pcapng structure (pcap-parser): format, link types, packet
//! counts, snap-length truncation and a truncated file end. Packets are not
//! decoded here (fx-fingerprint reads TLS inside them).

use fx_core::vocab::{Container, FailureKind};
use pcap_parser::pcapng::Block;
use pcap_parser::{PcapBlockOwned, PcapError, create_reader};
use serde::Serialize;

use crate::algorithm::KeyAlg;
use crate::report::Finding;
use crate::x509::Parsed;

/// What a capture's structure says.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct CaptureInfo {
    /// `pcap` or `pcapng`.
    pub format: &'static str,
    /// Link types (DLT numbers), in first-seen order.
    pub link_types: Vec<i32>,
    /// Packets read.
    pub packets: u64,
    /// Packets whose captured length is below the original length.
    pub truncated_packets: u64,
    /// Captured bytes in packets.
    pub captured_bytes: u64,
    /// pcapng sections / interfaces.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interfaces: Option<u32>,
    /// Snap length (pcap header or first interface).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snaplen: Option<u32>,
}

/// pcap magic numbers (µs/ns, both byte orders) and the pcapng SHB type.
pub fn capture_format(bytes: &[u8]) -> Option<Container> {
    let m = bytes.get(..4)?;
    match m {
        [0xd4, 0xc3, 0xb2, 0xa1]
        | [0xa1, 0xb2, 0xc3, 0xd4]
        | [0x4d, 0x3c, 0xb2, 0xa1]
        | [0xa1, 0xb2, 0x3c, 0x4d] => Some(Container::Pcap),
        [0x0a, 0x0d, 0x0d, 0x0a] => Some(Container::Pcapng),
        _ => None,
    }
}

/// Walks a capture.
pub fn capture(bytes: &[u8]) -> Result<Parsed<CaptureInfo>, Finding> {
    let container = capture_format(bytes)
        .ok_or_else(|| Finding::at(FailureKind::BadTag, 0, "not a pcap/pcapng magic"))?;
    let mut info = CaptureInfo {
        format: if container == Container::Pcap {
            "pcap"
        } else {
            "pcapng"
        },
        ..CaptureInfo::default()
    };
    let mut findings = Vec::new();
    let mut reader = create_reader(65536, bytes).map_err(|e| {
        Finding::at(
            FailureKind::MalformedHeader,
            0,
            format!("capture header: {e:?}"),
        )
    })?;
    let mut consumed: usize = 0;
    let mut stalled = false;
    loop {
        match reader.next() {
            Ok((offset, block)) => {
                stalled = false;
                match block {
                    PcapBlockOwned::LegacyHeader(h) => {
                        info.link_types.push(h.network.0);
                        info.snaplen = Some(h.snaplen);
                    }
                    PcapBlockOwned::Legacy(p) => {
                        info.packets += 1;
                        info.captured_bytes += u64::from(p.caplen);
                        if p.caplen < p.origlen {
                            info.truncated_packets += 1;
                        }
                    }
                    PcapBlockOwned::NG(Block::InterfaceDescription(idb)) => {
                        *info.interfaces.get_or_insert(0) += 1;
                        if !info.link_types.contains(&idb.linktype.0) {
                            info.link_types.push(idb.linktype.0);
                        }
                        info.snaplen.get_or_insert(idb.snaplen);
                    }
                    PcapBlockOwned::NG(Block::EnhancedPacket(epb)) => {
                        info.packets += 1;
                        info.captured_bytes += u64::from(epb.caplen);
                        if epb.caplen < epb.origlen {
                            info.truncated_packets += 1;
                        }
                    }
                    PcapBlockOwned::NG(Block::SimplePacket(spb)) => {
                        info.packets += 1;
                        info.captured_bytes += spb.data.len() as u64;
                    }
                    PcapBlockOwned::NG(_) => {}
                }
                consumed += offset;
                reader.consume(offset);
            }
            Err(PcapError::Eof) => break,
            Err(PcapError::UnexpectedEof) => {
                findings.push(Finding::at(
                    FailureKind::Truncated,
                    consumed,
                    "capture ends inside a block",
                ));
                break;
            }
            Err(PcapError::Incomplete(_)) => {
                if stalled || reader.reader_exhausted() {
                    findings.push(Finding::at(
                        FailureKind::Truncated,
                        consumed,
                        "capture ends inside a block",
                    ));
                    break;
                }
                stalled = true;
                if reader.refill().is_err() {
                    findings.push(Finding::at(
                        FailureKind::Truncated,
                        consumed,
                        "capture ends inside a block",
                    ));
                    break;
                }
            }
            Err(e) => {
                findings.push(Finding::at(
                    FailureKind::MalformedHeader,
                    consumed,
                    format!("capture block: {e:?}"),
                ));
                break;
            }
        }
    }
    if info.truncated_packets > 0 {
        findings.push(Finding::new(
            FailureKind::Truncated,
            format!("{} packets cut at the snap length", info.truncated_packets),
        ));
    }
    Ok(Parsed {
        info,
        key: KeyAlg::default(),
        findings,
        regions: Vec::new(),
        container,
    })
}
