//! Packet captures: the pcap and pcapng magic numbers, and one walk over a
//! capture's blocks, read with `pcap-parser` (no hand-written block
//! parsing).
//!
//! [`Magic::read`] names the format, byte order and timestamp form from the
//! first bytes alone (what the router can see in a prefix). [`walk`] reads
//! the file header and then every block in file order, handing each to the
//! caller as a [`BlockEvent`]; [`for_each_frame`] is the walk reduced to
//! frames with their link type. A capture that ends inside a block is not an
//! error of the whole file: the blocks before it are kept and the cut is
//! reported as [`FrameEnd::Truncated`].
//!
//! The walk reads through a window of `window` bytes, as `pcap-parser`'s
//! buffered reader does with a buffer of that capacity: a block that does
//! not fit ends the walk as [`FrameEnd::Malformed`] (`BufferTooSmall`).
//! [`UNBOUNDED`] reads blocks of any size.

use pcap_parser::nom;
use pcap_parser::nom::Needed;
use pcap_parser::pcapng::{Block, parse_block_be, parse_block_le, parse_sectionheaderblock};
use pcap_parser::traits::PcapNGPacketBlock;
use pcap_parser::{PcapError, parse_pcap_header};
use serde::Serialize;

/// A window with no limit: every block is read whatever its size.
pub const UNBOUNDED: usize = usize::MAX;

/// Most interfaces a pcapng section may declare before the walk stops
/// resolving packets to their link type.
pub const MAX_INTERFACES: usize = 4096;

/// The capture file format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CaptureFormat {
    /// libpcap (any byte order, micro- or nanosecond, or the modified form).
    Pcap,
    /// pcapng.
    Pcapng,
}

impl CaptureFormat {
    /// Wire name (the `container` vocabulary).
    pub fn as_str(self) -> &'static str {
        match self {
            CaptureFormat::Pcap => "pcap",
            CaptureFormat::Pcapng => "pcapng",
        }
    }
}

/// Timestamp form of a pcap file, named by its magic number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Timestamps {
    /// `a1b2c3d4`: seconds and microseconds.
    Micro,
    /// `a1b23c4d`: seconds and nanoseconds.
    Nano,
    /// `a1b2cd34`: the modified (Kuznetsov) format, microseconds with extra
    /// per-record fields.
    Modified,
}

/// What a capture's first bytes say.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "format")]
pub enum Magic {
    /// A pcap file header.
    Pcap {
        /// True when the file is written big-endian.
        big_endian: bool,
        /// The timestamp form.
        timestamps: Timestamps,
    },
    /// A pcapng section header block.
    Pcapng {
        /// The byte-order magic at offset 8: `Some(true)` big-endian,
        /// `Some(false)` little-endian, `None` when it is neither (or cut).
        big_endian: Option<bool>,
    },
}

impl Magic {
    /// Reads the magic number at the start of `bytes`.
    pub fn read(bytes: &[u8]) -> Option<Magic> {
        let m: [u8; 4] = bytes.get(..4)?.try_into().ok()?;
        let pcap = |big_endian, timestamps| {
            Some(Magic::Pcap {
                big_endian,
                timestamps,
            })
        };
        match u32::from_be_bytes(m) {
            0xa1b2_c3d4 => pcap(true, Timestamps::Micro),
            0xd4c3_b2a1 => pcap(false, Timestamps::Micro),
            0xa1b2_3c4d => pcap(true, Timestamps::Nano),
            0x4d3c_b2a1 => pcap(false, Timestamps::Nano),
            0xa1b2_cd34 => pcap(true, Timestamps::Modified),
            0x34cd_b2a1 => pcap(false, Timestamps::Modified),
            0x0a0d_0d0a => {
                let bom = bytes.get(8..12).map(|b| [b[0], b[1], b[2], b[3]]);
                let big_endian = match bom.map(u32::from_be_bytes) {
                    Some(0x1a2b_3c4d) => Some(true),
                    Some(0x4d3c_2b1a) => Some(false),
                    _ => None,
                };
                Some(Magic::Pcapng { big_endian })
            }
            _ => None,
        }
    }

    /// The format the magic names.
    pub fn format(self) -> CaptureFormat {
        match self {
            Magic::Pcap { .. } => CaptureFormat::Pcap,
            Magic::Pcapng { .. } => CaptureFormat::Pcapng,
        }
    }

    /// The major version of a pcap file header (2 in every libpcap file),
    /// read in the file's byte order; `None` for pcapng or a cut header.
    pub fn pcap_major_version(self, bytes: &[u8]) -> Option<u16> {
        let Magic::Pcap { big_endian, .. } = self else {
            return None;
        };
        let v = [*bytes.get(4)?, *bytes.get(5)?];
        Some(if big_endian {
            u16::from_be_bytes(v)
        } else {
            u16::from_le_bytes(v)
        })
    }
}

/// One block met by [`walk`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BlockEvent<'a> {
    /// The pcap file header.
    FileHeader {
        /// The link type (DLT number).
        linktype: i32,
        /// The snap length.
        snaplen: u32,
    },
    /// A pcapng section header block (the first one included): the
    /// interfaces of the previous section no longer apply.
    Section,
    /// A pcapng interface description block.
    Interface {
        /// The link type (DLT number).
        linktype: i32,
        /// The snap length.
        snaplen: u32,
    },
    /// A captured packet.
    Packet(Packet<'a>),
    /// Any other pcapng block (statistics, name resolution, custom, …).
    Other,
}

/// The block a packet came in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PacketBlock {
    /// A pcap record.
    Legacy,
    /// A pcapng enhanced packet block.
    Enhanced,
    /// A pcapng simple packet block (its data field is padded to 32 bits).
    Simple,
}

/// A captured packet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Packet<'a> {
    /// The block it came in.
    pub block: PacketBlock,
    /// Its link type: the file header's, or its interface's in the current
    /// section (`None` when the interface was not declared).
    pub linktype: Option<i32>,
    /// Captured length: the record's or block's field, or for a simple
    /// packet block the length of its (padded) data field.
    pub caplen: u32,
    /// Original length on the wire.
    pub origlen: u32,
    /// The captured bytes (padding removed).
    pub data: &'a [u8],
}

/// How the walk over the blocks ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FrameEnd {
    /// Every block was read.
    Complete,
    /// The file ends inside a block at this offset.
    Truncated(u64),
    /// A block could not be parsed at this offset; `detail` is
    /// `pcap-parser`'s error.
    Malformed {
        /// Offset of the block.
        offset: u64,
        /// The parser's error, as its `Debug` form writes it.
        detail: String,
    },
}

/// Why a file is not a capture at all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NotACapture {
    /// The magic number is not one of pcap or pcapng.
    UnknownMagic,
    /// The file header is cut short; `needed` more bytes were asked for
    /// (0 when the parser could not say).
    TruncatedHeader {
        /// Bytes the parser asked for.
        needed: usize,
    },
    /// The file header cannot be parsed.
    BadHeader,
}

impl From<NotACapture> for fx_core::ErrorInfo {
    fn from(e: NotACapture) -> Self {
        use fx_core::FailureKind;
        match e {
            NotACapture::UnknownMagic => fx_core::ErrorInfo::new(FailureKind::MalformedHeader)
                .at(0)
                .detail("not a pcap or pcapng file"),
            NotACapture::TruncatedHeader { .. } => fx_core::ErrorInfo::new(FailureKind::Truncated)
                .at(0)
                .detail("capture file header is cut short"),
            NotACapture::BadHeader => fx_core::ErrorInfo::new(FailureKind::MalformedHeader)
                .at(0)
                .detail("capture file header cannot be parsed"),
        }
    }
}

fn header_error<E>(e: nom::Err<E>) -> NotACapture {
    match e {
        nom::Err::Incomplete(Needed::Size(n)) => NotACapture::TruncatedHeader { needed: n.get() },
        nom::Err::Incomplete(Needed::Unknown) => NotACapture::TruncatedHeader { needed: 0 },
        _ => NotACapture::BadHeader,
    }
}

/// Reads blocks through the window, as `pcap-parser`'s buffered reader
/// does with a buffer of `window` bytes.
struct Blocks<'a> {
    bytes: &'a [u8],
    window: usize,
    pos: usize,
    /// End of the bytes in the window.
    end: usize,
}

/// One step of [`Blocks`].
enum Step<T> {
    Block(T),
    End(FrameEnd),
}

/// A `pcap-parser` block parser.
type Parser<'a, T> = fn(&'a [u8]) -> nom::IResult<&'a [u8], T, PcapError<&'a [u8]>>;

impl<'a> Blocks<'a> {
    /// Blocks from `pos`, the window holding the file's first `window` bytes.
    fn new(bytes: &'a [u8], window: usize, pos: usize) -> Blocks<'a> {
        Blocks {
            bytes,
            window,
            pos,
            end: bytes.len().min(window),
        }
    }

    /// The next block, read by `parse`; `None` at the end of the input.
    fn next<T>(&mut self, parse: Parser<'a, T>) -> Option<Step<T>> {
        loop {
            if self.pos >= self.bytes.len() {
                return None;
            }
            let data = &self.bytes[self.pos..self.end];
            let offset = self.pos as u64;
            match parse(data) {
                Ok((rest, block)) => {
                    self.pos += data.len() - rest.len();
                    return Some(Step::Block(block));
                }
                Err(nom::Err::Incomplete(Needed::Size(n)))
                    if data.len().saturating_add(n.get()) >= self.window =>
                {
                    return Some(Step::End(FrameEnd::Malformed {
                        offset,
                        detail: format!("{:?}", PcapError::<&[u8]>::BufferTooSmall),
                    }));
                }
                // A block cut by the window's end: refill (the window moves to
                // the block's start) or, at the end of the input, truncated.
                Err(
                    nom::Err::Incomplete(_)
                    | nom::Err::Error(PcapError::Incomplete(_))
                    | nom::Err::Failure(PcapError::Incomplete(_)),
                ) => {
                    let refilled = self.bytes.len().min(self.pos.saturating_add(self.window));
                    if refilled == self.end {
                        return Some(Step::End(FrameEnd::Truncated(offset)));
                    }
                    self.end = refilled;
                }
                Err(nom::Err::Error(e) | nom::Err::Failure(e)) => {
                    return Some(Step::End(FrameEnd::Malformed {
                        offset,
                        detail: format!("{e:?}"),
                    }));
                }
            }
        }
    }
}

/// Walks a capture: the file header, then every block in file order, each
/// handed to `visit`. `window` bounds the size of a block (see the module
/// documentation); [`UNBOUNDED`] reads blocks of any size.
pub fn walk(
    bytes: &[u8],
    window: usize,
    mut visit: impl FnMut(BlockEvent<'_>),
) -> Result<(CaptureFormat, FrameEnd), NotACapture> {
    let magic = Magic::read(bytes).ok_or(NotACapture::UnknownMagic)?;
    let head = &bytes[..bytes.len().min(window)];
    let end = match magic.format() {
        CaptureFormat::Pcap => {
            let (_, header) = parse_pcap_header(head).map_err(header_error)?;
            let linktype = header.network.0;
            visit(BlockEvent::FileHeader {
                linktype,
                snaplen: header.snaplen,
            });
            let parse = if header.is_modified_format() {
                pcap_parser::parse_pcap_frame_modified
            } else if header.is_bigendian() {
                pcap_parser::parse_pcap_frame_be
            } else {
                pcap_parser::parse_pcap_frame
            };
            let mut blocks = Blocks::new(bytes, window, header.size());
            loop {
                match blocks.next(parse) {
                    None => break FrameEnd::Complete,
                    Some(Step::End(end)) => break end,
                    Some(Step::Block(p)) => visit(BlockEvent::Packet(Packet {
                        block: PacketBlock::Legacy,
                        linktype: Some(linktype),
                        caplen: p.caplen,
                        origlen: p.origlen,
                        data: p.data,
                    })),
                }
            }
        }
        CaptureFormat::Pcapng => {
            parse_sectionheaderblock(head).map_err(header_error)?;
            pcapng_blocks(Blocks::new(bytes, window, 0), &mut visit)
        }
    };
    Ok((magic.format(), end))
}

/// The blocks of a pcapng file from its first section header on.
fn pcapng_blocks(mut blocks: Blocks<'_>, visit: &mut impl FnMut(BlockEvent<'_>)) -> FrameEnd {
    // The first section header block sets the byte order (it reads alike in both).
    let mut big_endian = false;
    let mut interfaces: Vec<i32> = Vec::new();
    loop {
        let parse = if big_endian {
            parse_block_be
        } else {
            parse_block_le
        };
        let block = match blocks.next(parse) {
            None => return FrameEnd::Complete,
            Some(Step::End(end)) => return end,
            Some(Step::Block(b)) => b,
        };
        let event = match block {
            Block::SectionHeader(shb) => {
                big_endian = shb.big_endian();
                interfaces.clear();
                BlockEvent::Section
            }
            Block::InterfaceDescription(idb) => {
                if interfaces.len() < MAX_INTERFACES {
                    interfaces.push(idb.linktype.0);
                }
                BlockEvent::Interface {
                    linktype: idb.linktype.0,
                    snaplen: idb.snaplen,
                }
            }
            Block::EnhancedPacket(ref epb) => BlockEvent::Packet(Packet {
                block: PacketBlock::Enhanced,
                linktype: interfaces.get(epb.if_id as usize).copied(),
                caplen: epb.caplen,
                origlen: epb.origlen,
                data: epb.packet_data(),
            }),
            Block::SimplePacket(ref spb) => BlockEvent::Packet(Packet {
                block: PacketBlock::Simple,
                linktype: interfaces.first().copied(),
                caplen: u32::try_from(spb.data.len()).unwrap_or(u32::MAX),
                origlen: spb.origlen,
                data: spb.packet_data(),
            }),
            _ => BlockEvent::Other,
        };
        visit(event);
    }
}

/// Calls `frame(linktype, bytes)` for every captured frame whose link type
/// is known, in file order, reading blocks of any size.
pub fn for_each_frame(
    bytes: &[u8],
    mut frame: impl FnMut(i32, &[u8]),
) -> Result<(CaptureFormat, FrameEnd), NotACapture> {
    walk(bytes, UNBOUNDED, |e| {
        if let BlockEvent::Packet(Packet {
            linktype: Some(lt),
            data,
            ..
        }) = e
        {
            frame(lt, data);
        }
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// A little-endian pcap file: header, then one record per frame.
    fn pcap(linktype: u32, frames: &[(&[u8], u32)]) -> Vec<u8> {
        let mut b = vec![0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0];
        b.extend_from_slice(&[0; 8]);
        b.extend_from_slice(&65535u32.to_le_bytes());
        b.extend_from_slice(&linktype.to_le_bytes());
        for (data, origlen) in frames {
            b.extend_from_slice(&[0; 8]);
            b.extend_from_slice(&u32::try_from(data.len()).unwrap().to_le_bytes());
            b.extend_from_slice(&origlen.to_le_bytes());
            b.extend_from_slice(data);
        }
        b
    }

    /// A little-endian pcapng block of `kind` around `body`.
    fn block(kind: u32, body: &[u8]) -> Vec<u8> {
        let len = u32::try_from(12 + body.len()).unwrap();
        let mut b = kind.to_le_bytes().to_vec();
        b.extend_from_slice(&len.to_le_bytes());
        b.extend_from_slice(body);
        b.extend_from_slice(&len.to_le_bytes());
        b
    }

    fn shb() -> Vec<u8> {
        let mut body = 0x1a2b_3c4du32.to_le_bytes().to_vec();
        body.extend_from_slice(&[1, 0, 0, 0]);
        body.extend_from_slice(&[0xff; 8]);
        block(0x0a0d_0d0a, &body)
    }

    fn idb(linktype: u16) -> Vec<u8> {
        let mut body = linktype.to_le_bytes().to_vec();
        body.extend_from_slice(&[0, 0]);
        body.extend_from_slice(&262_144u32.to_le_bytes());
        block(1, &body)
    }

    fn epb(if_id: u32, data: &[u8]) -> Vec<u8> {
        let mut body = if_id.to_le_bytes().to_vec();
        body.extend_from_slice(&[0; 8]);
        let len = u32::try_from(data.len()).unwrap();
        body.extend_from_slice(&len.to_le_bytes());
        body.extend_from_slice(&len.to_le_bytes());
        body.extend_from_slice(data);
        body.resize(body.len().div_ceil(4) * 4, 0);
        block(6, &body)
    }

    fn frames(bytes: &[u8], window: usize) -> (Vec<(i32, Vec<u8>)>, FrameEnd) {
        let mut out = Vec::new();
        let r = walk(bytes, window, |e| {
            if let BlockEvent::Packet(p) = e {
                out.push((p.linktype.unwrap_or(-1), p.data.to_vec()));
            }
        });
        (out, r.unwrap().1)
    }

    #[test]
    fn magics() {
        let pcap_magic = |m: [u8; 4]| Magic::read(&m);
        assert_eq!(
            pcap_magic([0xa1, 0xb2, 0xc3, 0xd4]),
            Some(Magic::Pcap {
                big_endian: true,
                timestamps: Timestamps::Micro
            })
        );
        assert_eq!(
            pcap_magic([0x4d, 0x3c, 0xb2, 0xa1]),
            Some(Magic::Pcap {
                big_endian: false,
                timestamps: Timestamps::Nano
            })
        );
        assert_eq!(
            pcap_magic([0x34, 0xcd, 0xb2, 0xa1]),
            Some(Magic::Pcap {
                big_endian: false,
                timestamps: Timestamps::Modified
            })
        );
        assert_eq!(pcap_magic([0xa1, 0xb2, 0xc3, 0xd5]), None);
        assert_eq!(Magic::read(&[0xa1, 0xb2, 0xc3]), None);
        let ng = shb();
        assert_eq!(
            Magic::read(&ng),
            Some(Magic::Pcapng {
                big_endian: Some(false)
            })
        );
        assert_eq!(
            Magic::read(&ng[..8]),
            Some(Magic::Pcapng { big_endian: None })
        );
        let p = pcap(1, &[]);
        let m = Magic::read(&p).unwrap();
        assert_eq!(
            (m.format(), m.pcap_major_version(&p)),
            (CaptureFormat::Pcap, Some(2))
        );
        assert_eq!(m.pcap_major_version(&p[..5]), None);
        assert_eq!(Magic::read(&ng).unwrap().pcap_major_version(&ng), None);
    }

    #[test]
    fn pcap_frames_and_a_cut_record() {
        let p = pcap(1, &[(b"abcd", 4), (b"efgh", 60)]);
        let (got, end) = frames(&p, UNBOUNDED);
        assert_eq!(got, vec![(1, b"abcd".to_vec()), (1, b"efgh".to_vec())]);
        assert_eq!(end, FrameEnd::Complete);
        // Cut inside the second record: the first is kept, the cut is at its start.
        let (got, end) = frames(&p[..p.len() - 2], UNBOUNDED);
        assert_eq!(got.len(), 1);
        assert_eq!(end, FrameEnd::Truncated(44));
        // Header only, and a header cut short.
        assert_eq!(frames(&p[..24], UNBOUNDED), (vec![], FrameEnd::Complete));
        assert!(matches!(
            walk(&p[..10], UNBOUNDED, |_| {}),
            Err(NotACapture::TruncatedHeader { needed: 1.. })
        ));
        assert_eq!(
            walk(b"hello, world", UNBOUNDED, |_| {}),
            Err(NotACapture::UnknownMagic)
        );
    }

    #[test]
    fn huge_declared_lengths() {
        // A record declaring 4 GiB of data: truncated when read whole, too
        // large for a bounded window.
        let mut p = pcap(1, &[(b"abcd", 4)]);
        p[32..36].copy_from_slice(&u32::MAX.to_le_bytes());
        assert_eq!(frames(&p, UNBOUNDED), (vec![], FrameEnd::Truncated(24)));
        assert_eq!(
            frames(&p, 65536).1,
            FrameEnd::Malformed {
                offset: 24,
                detail: "BufferTooSmall".into()
            }
        );
        // A record larger than the window but complete: read whole, refused bounded.
        let big = vec![7u8; 70_000];
        let p = pcap(1, &[(&big, 70_000)]);
        assert_eq!(frames(&p, UNBOUNDED).0.len(), 1);
        assert!(matches!(
            frames(&p, 65536).1,
            FrameEnd::Malformed { offset: 24, .. }
        ));
        // Records spread over several windows are all read.
        let small: Vec<(&[u8], u32)> = (0..2000).map(|_| (&big[..100], 100)).collect();
        let p = pcap(1, &small);
        assert!(p.len() > 3 * 65536);
        assert_eq!(frames(&p, 65536), frames(&p, UNBOUNDED));
        assert_eq!(frames(&p, 65536).0.len(), 2000);
    }

    #[test]
    fn pcapng_interfaces_sections_and_bad_blocks() {
        let mut ng = shb();
        ng.extend(idb(1));
        ng.extend(idb(101));
        ng.extend(epb(1, b"raw-ip"));
        ng.extend(epb(7, b"no interface"));
        ng.extend(shb());
        ng.extend(epb(0, b"stale interface"));
        ng.extend(idb(113));
        ng.extend(epb(0, b"sll"));
        let (got, end) = frames(&ng, UNBOUNDED);
        assert_eq!(end, FrameEnd::Complete);
        assert_eq!(
            got,
            vec![
                (101, b"raw-ip".to_vec()),
                (-1, b"no interface".to_vec()),
                (-1, b"stale interface".to_vec()),
                (113, b"sll".to_vec()),
            ]
        );
        let mut seen = Vec::new();
        for_each_frame(&ng, |lt, _| seen.push(lt)).unwrap();
        assert_eq!(seen, vec![101, 113]);
        // A block whose length field is below the 12-byte minimum, after one good block.
        let mut bad = shb();
        let at = bad.len() as u64;
        bad.extend(idb(1));
        bad[at as usize + 4] = 8;
        let end = frames(&bad, UNBOUNDED).1;
        assert!(
            matches!(end, FrameEnd::Malformed { offset, .. } if offset == at),
            "{end:?}"
        );
        // Cut inside a block; a section header cut short.
        let end = frames(&ng[..ng.len() - 3], UNBOUNDED).1;
        assert!(matches!(end, FrameEnd::Truncated(_)));
        assert!(matches!(
            walk(&ng[..20], UNBOUNDED, |_| {}),
            Err(NotACapture::TruncatedHeader { .. })
        ));
    }
}
