//! Frames out of pcap and pcapng files, with the link type of each.
//!
//! Both formats are read from a byte slice with `pcap-parser`. A capture that
//! ends inside a record is not an error of the whole file: the frames before
//! it are kept and the cut is reported as [`FrameEnd::Truncated`].

use pcap_parser::nom;
use pcap_parser::pcapng::{Block, parse_block_be, parse_block_le, parse_sectionheaderblock};
use pcap_parser::traits::PcapNGPacketBlock;
use pcap_parser::{PcapError, parse_pcap_header};

/// The capture file format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CaptureFormat {
    /// libpcap (any byte order, micro- or nanosecond).
    Pcap,
    /// pcapng.
    Pcapng,
}

impl CaptureFormat {
    /// Sniffs the format from the first bytes.
    pub fn sniff(bytes: &[u8]) -> Option<CaptureFormat> {
        let magic: [u8; 4] = bytes.get(..4)?.try_into().ok()?;
        match magic {
            [0xd4, 0xc3, 0xb2, 0xa1]
            | [0xa1, 0xb2, 0xc3, 0xd4]
            | [0x4d, 0x3c, 0xb2, 0xa1]
            | [0xa1, 0xb2, 0x3c, 0x4d]
            | [0x34, 0xcd, 0xb2, 0xa1]
            | [0xa1, 0xb2, 0xcd, 0x34] => Some(CaptureFormat::Pcap),
            [0x0a, 0x0d, 0x0d, 0x0a] => Some(CaptureFormat::Pcapng),
            _ => None,
        }
    }

    /// Wire name (the `container` vocabulary).
    pub fn as_str(self) -> &'static str {
        match self {
            CaptureFormat::Pcap => "pcap",
            CaptureFormat::Pcapng => "pcapng",
        }
    }
}

/// How the walk over the frames ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FrameEnd {
    /// Every record was read.
    Complete,
    /// The file ends inside a record at this offset.
    Truncated(u64),
    /// A record could not be parsed at this offset.
    Malformed(u64),
}

/// Why a file is not a capture at all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NotACapture {
    /// The magic number is not one of pcap or pcapng.
    UnknownMagic,
    /// The file header is cut short.
    TruncatedHeader,
    /// The file header cannot be parsed.
    BadHeader,
}

/// Calls `frame(linktype, bytes)` for every captured frame, in file order.
pub fn for_each_frame(
    bytes: &[u8],
    mut frame: impl FnMut(i32, &[u8]),
) -> Result<(CaptureFormat, FrameEnd), NotACapture> {
    let format = CaptureFormat::sniff(bytes).ok_or(NotACapture::UnknownMagic)?;
    let end = match format {
        CaptureFormat::Pcap => pcap_frames(bytes, &mut frame)?,
        CaptureFormat::Pcapng => pcapng_frames(bytes, &mut frame)?,
    };
    Ok((format, end))
}

fn offset_of(all: &[u8], rest: &[u8]) -> u64 {
    (all.len() - rest.len()) as u64
}

fn pcap_frames(bytes: &[u8], frame: &mut impl FnMut(i32, &[u8])) -> Result<FrameEnd, NotACapture> {
    let (mut rest, header) = parse_pcap_header(bytes).map_err(|e| match e {
        nom::Err::Incomplete(_) => NotACapture::TruncatedHeader,
        _ => NotACapture::BadHeader,
    })?;
    let linktype = header.network.0;
    let parse = if header.is_modified_format() {
        pcap_parser::parse_pcap_frame_modified
    } else if header.is_bigendian() {
        pcap_parser::parse_pcap_frame_be
    } else {
        pcap_parser::parse_pcap_frame
    };
    while !rest.is_empty() {
        match parse(rest) {
            Ok((next, block)) => {
                frame(linktype, block.data);
                rest = next;
            }
            Err(nom::Err::Incomplete(_)) => return Ok(FrameEnd::Truncated(offset_of(bytes, rest))),
            Err(_) => return Ok(FrameEnd::Malformed(offset_of(bytes, rest))),
        }
    }
    Ok(FrameEnd::Complete)
}

/// Most interfaces a pcapng section may declare before we stop believing it.
const MAX_INTERFACES: usize = 4096;

fn pcapng_frames(
    bytes: &[u8],
    frame: &mut impl FnMut(i32, &[u8]),
) -> Result<FrameEnd, NotACapture> {
    let (mut rest, shb) = parse_sectionheaderblock(bytes).map_err(|e| match e {
        nom::Err::Incomplete(_) => NotACapture::TruncatedHeader,
        _ => NotACapture::BadHeader,
    })?;
    let mut big_endian = shb.big_endian();
    let mut interfaces: Vec<i32> = Vec::new();
    while !rest.is_empty() {
        let parsed = if big_endian {
            parse_block_be(rest)
        } else {
            parse_block_le(rest)
        };
        match parsed {
            Ok((next, block)) => {
                match block {
                    Block::SectionHeader(shb) => {
                        big_endian = shb.big_endian();
                        interfaces.clear();
                    }
                    Block::InterfaceDescription(idb) if interfaces.len() < MAX_INTERFACES => {
                        interfaces.push(idb.linktype.0);
                    }
                    Block::EnhancedPacket(epb) => {
                        if let Some(lt) = interfaces.get(epb.if_id as usize) {
                            frame(*lt, epb.packet_data());
                        }
                    }
                    Block::SimplePacket(spb) => {
                        if let Some(lt) = interfaces.first() {
                            frame(*lt, spb.packet_data());
                        }
                    }
                    _ => {}
                }
                rest = next;
            }
            Err(nom::Err::Incomplete(_)) => return Ok(FrameEnd::Truncated(offset_of(bytes, rest))),
            Err(
                nom::Err::Error(PcapError::Incomplete(_))
                | nom::Err::Failure(PcapError::Incomplete(_)),
            ) => {
                return Ok(FrameEnd::Truncated(offset_of(bytes, rest)));
            }
            Err(_) => return Ok(FrameEnd::Malformed(offset_of(bytes, rest))),
        }
    }
    Ok(FrameEnd::Complete)
}
