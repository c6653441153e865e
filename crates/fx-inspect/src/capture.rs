//! pcap / pcapng structure (pcap-parser): format, link types, packet
//! counts, snap-length truncation and a truncated file end. Packets are not
//! decoded here (fx-fingerprint reads TLS inside them).

use fx_core::vocab::{Container, FailureKind};
use fx_facts::capture::PcapData;
use fx_formats::capture::{
    BlockEvent, FrameEnd, Magic, NotACapture, PacketBlock, Timestamps, walk,
};
use pcap_parser::PcapError;

use crate::algorithm::KeyAlg;
use crate::report::Finding;
use crate::x509::Parsed;

/// The buffer fx-inspect has always read captures through (pcap-parser's
/// reader with a 64 KiB buffer): a larger block is malformed.
const READ_WINDOW: usize = 65536;

/// The container of a capture: the four standard pcap magic numbers (µs/ns,
/// both byte orders) and the pcapng section header. The modified pcap form
/// is not read here.
pub fn capture_format(bytes: &[u8]) -> Option<Container> {
    match Magic::read(bytes)? {
        Magic::Pcap {
            timestamps: Timestamps::Modified,
            ..
        } => None,
        Magic::Pcap { .. } => Some(Container::Pcap),
        Magic::Pcapng { .. } => Some(Container::Pcapng),
    }
}

/// Walks a capture. Its description is the `pcap` step's record (a capture
/// is read as a whole file: no PEM block).
pub fn capture(bytes: &[u8]) -> Result<Parsed<PcapData>, Finding> {
    let container = capture_format(bytes)
        .ok_or_else(|| Finding::at(FailureKind::BadTag, 0, "not a pcap/pcapng magic"))?;
    let mut info = PcapData {
        container,
        block: None,
        format: if container == Container::Pcap {
            "pcap"
        } else {
            "pcapng"
        }
        .to_owned(),
        link_types: Vec::new(),
        packets: 0,
        truncated_packets: 0,
        captured_bytes: 0,
        interfaces: None,
        snaplen: None,
        // The step's findings are written by `Step::into_event`.
        findings: Vec::new(),
    };
    let walked = walk(bytes, READ_WINDOW, |event| match event {
        BlockEvent::FileHeader { linktype, snaplen } => {
            info.link_types.push(i64::from(linktype));
            info.snaplen = Some(snaplen);
        }
        BlockEvent::Interface { linktype, snaplen } => {
            *info.interfaces.get_or_insert(0) += 1;
            let linktype = i64::from(linktype);
            if !info.link_types.contains(&linktype) {
                info.link_types.push(linktype);
            }
            info.snaplen.get_or_insert(snaplen);
        }
        BlockEvent::Packet(p) => {
            info.packets += 1;
            info.captured_bytes += u64::from(p.caplen);
            if p.block != PacketBlock::Simple && p.caplen < p.origlen {
                info.truncated_packets += 1;
            }
        }
        BlockEvent::Section | BlockEvent::Other => {}
    });
    let (_, end) = walked.map_err(|e| {
        // As pcap-parser's reader names a header it cannot read.
        let detail = match (container, e) {
            (Container::Pcap, NotACapture::TruncatedHeader { needed }) => {
                format!("{:?}", PcapError::<&[u8]>::Incomplete(needed))
            }
            _ => format!("{:?}", PcapError::<&[u8]>::HeaderNotRecognized),
        };
        Finding::at(
            FailureKind::MalformedHeader,
            0,
            format!("capture header: {detail}"),
        )
    })?;
    let mut findings = Vec::new();
    match end {
        FrameEnd::Complete => {}
        FrameEnd::Truncated(at) => findings.push(Finding::at(
            FailureKind::Truncated,
            at as usize,
            "capture ends inside a block",
        )),
        FrameEnd::Malformed { offset, detail } => findings.push(Finding::at(
            FailureKind::MalformedHeader,
            offset as usize,
            format!("capture block: {detail}"),
        )),
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
