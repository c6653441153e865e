//! A bounded walk over OpenPGP packets (RFC 9580 §4.2): OpenPGP-format
//! and legacy-format headers, one-, two- and five-octet lengths, partial
//! body lengths and the legacy indeterminate length.

use std::collections::BTreeMap;
use std::ops::Range;

use fx_core::vocab::FailureKind;
use serde::Serialize;

/// Packet header format (RFC 9580 §4.2.1 and §4.2.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// The OpenPGP ("new") format: bit 6 of the first octet set.
    Openpgp,
    /// The legacy ("old") format.
    Legacy,
}

/// How a packet's length was given.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LengthKind {
    /// One length for the whole body.
    Fixed,
    /// Partial body lengths (chunks), the last one fixed.
    Partial,
    /// Legacy length type 3: to the end of the input.
    Indeterminate,
}

/// One packet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Packet {
    /// Offset of its first header octet.
    pub offset: usize,
    /// Header length (the first length header for partial lengths).
    pub header_len: usize,
    /// Packet type id.
    pub tag: u8,
    /// Header format.
    pub format: Format,
    /// How the length was given.
    pub length: LengthKind,
    /// Body bytes (every chunk of a partial body together).
    pub body_len: usize,
    /// The body's first chunk (the whole body unless the length is partial),
    /// where the fields of the packet are read.
    #[serde(skip)]
    pub first: Range<usize>,
    /// Offset just past the packet.
    pub end: usize,
}

/// Why the walk stopped before the end of the input.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PacketFinding {
    /// `truncated`, `malformed_header` or `bad_length`.
    pub kind: FailureKind,
    /// Offset of the packet (or length header) at fault.
    pub offset: usize,
    /// What exactly was wrong.
    pub detail: String,
}

/// What a walk found.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Walk {
    /// The first `max_packets` packets, in order.
    pub packets: Vec<Packet>,
    /// Packets read, kept or not.
    pub count: usize,
    /// Packets read per tag, kept or not.
    pub tags: BTreeMap<u8, usize>,
    /// True when packets went past `max_packets` (counted, not kept).
    pub limit_hit: bool,
    /// Offset just past the last packet read.
    pub end: usize,
    /// The defect that stopped the walk.
    pub finding: Option<PacketFinding>,
}

/// Packets whose body may use partial lengths (RFC 9580 §4.2.1.4: literal,
/// compressed and encrypted data; 20 is LibrePGP's OCB-encrypted data).
fn may_be_partial(tag: u8) -> bool {
    matches!(tag, 8 | 9 | 11 | 18 | 20)
}

fn err(kind: FailureKind, offset: usize, detail: impl Into<String>) -> PacketFinding {
    PacketFinding {
        kind,
        offset,
        detail: detail.into(),
    }
}

/// An OpenPGP-format body length at `at`: (length or partial chunk size,
/// octets read, partial).
fn new_length(bytes: &[u8], at: usize) -> Result<(usize, usize, bool), PacketFinding> {
    let short = || err(FailureKind::Truncated, at, "packet length cut short");
    let b0 = *bytes.get(at).ok_or_else(short)?;
    Ok(match b0 {
        0..=191 => (usize::from(b0), 1, false),
        192..=223 => {
            let b1 = *bytes.get(at + 1).ok_or_else(short)?;
            (
                ((usize::from(b0) - 192) << 8) + usize::from(b1) + 192,
                2,
                false,
            )
        }
        224..=254 => (1usize << (b0 & 0x1F), 1, true),
        255 => {
            let b = bytes.get(at + 1..at + 5).ok_or_else(short)?;
            (
                u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize,
                5,
                false,
            )
        }
    })
}

/// Reads the packet at `at`.
fn packet(bytes: &[u8], at: usize) -> Result<Packet, PacketFinding> {
    let ctb = bytes[at];
    if ctb & 0x80 == 0 {
        return Err(err(
            FailureKind::MalformedHeader,
            at,
            format!("packet header octet {ctb:#04x} without bit 7"),
        ));
    }
    let total = bytes.len();
    let (tag, format) = if ctb & 0x40 != 0 {
        (ctb & 0x3F, Format::Openpgp)
    } else {
        ((ctb >> 2) & 0x0F, Format::Legacy)
    };
    if tag == 0 {
        return Err(err(
            FailureKind::MalformedHeader,
            at,
            "packet type 0 is reserved",
        ));
    }
    let body_past = |start: usize, len: usize| {
        start
            .checked_add(len)
            .filter(|&e| e <= total)
            .ok_or_else(|| {
                err(
                    FailureKind::Truncated,
                    at,
                    format!("packet body of {len} bytes runs past the end of the input"),
                )
            })
    };
    if format == Format::Legacy {
        let (len, hl, kind) = match ctb & 3 {
            3 => (total - at - 1, 1, LengthKind::Indeterminate),
            lt => {
                let n = 1usize << lt;
                let b = bytes
                    .get(at + 1..at + 1 + n)
                    .ok_or_else(|| err(FailureKind::Truncated, at, "packet length cut short"))?;
                let len = b.iter().fold(0usize, |a, &x| (a << 8) | usize::from(x));
                (len, 1 + n, LengthKind::Fixed)
            }
        };
        let end = body_past(at + hl, len)?;
        return Ok(Packet {
            offset: at,
            header_len: hl,
            tag,
            format,
            length: kind,
            body_len: len,
            first: at + hl..end,
            end,
        });
    }
    let (len, n, partial) = new_length(bytes, at + 1)?;
    let hl = 1 + n;
    if !partial {
        let end = body_past(at + hl, len)?;
        return Ok(Packet {
            offset: at,
            header_len: hl,
            tag,
            format,
            length: LengthKind::Fixed,
            body_len: len,
            first: at + hl..end,
            end,
        });
    }
    if !may_be_partial(tag) {
        return Err(err(
            FailureKind::BadLength,
            at,
            format!("partial body length on a packet of type {tag}"),
        ));
    }
    let first = at + hl..body_past(at + hl, len)?;
    let mut pos = first.end;
    let mut body_len = len;
    loop {
        let (len, n, more) = new_length(bytes, pos)?;
        let end = body_past(pos + n, len)?;
        body_len += len;
        pos = end;
        if !more {
            break;
        }
    }
    Ok(Packet {
        offset: at,
        header_len: hl,
        tag,
        format,
        length: LengthKind::Partial,
        body_len,
        first,
        end: pos,
    })
}

/// The whole body of packet `p` of `bytes`: its first chunk, or every chunk
/// of a partial body joined (bounded by the input's length).
pub fn body(bytes: &[u8], p: &Packet) -> Vec<u8> {
    if p.length != LengthKind::Partial {
        return bytes[p.first.clone()].to_vec();
    }
    let mut out = bytes[p.first.clone()].to_vec();
    let mut pos = p.first.end;
    while pos < p.end {
        let Ok((len, n, more)) = new_length(bytes, pos) else {
            break;
        };
        let start = pos + n;
        let end = (start + len).min(p.end);
        out.extend_from_slice(&bytes[start..end]);
        pos = end;
        if !more {
            break;
        }
    }
    out
}

/// Walks the packets of `bytes`, keeping at most `max_packets` of them and
/// counting the rest. Stops at the first defect. Every step moves forward
/// by at least one byte, so the walk is linear in the input.
pub fn walk(bytes: &[u8], max_packets: usize) -> Walk {
    let mut out = Walk::default();
    let mut at = 0;
    while at < bytes.len() {
        match packet(bytes, at) {
            Ok(p) => {
                out.count += 1;
                *out.tags.entry(p.tag).or_default() += 1;
                at = p.end;
                out.end = p.end;
                if out.packets.len() < max_packets {
                    out.packets.push(p);
                } else {
                    out.limit_hit = true;
                }
            }
            Err(f) => {
                out.finding = Some(f);
                break;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn header_formats_and_lengths() {
        // New format, tag 6, one-octet length 3.
        let w = walk(&[0xC6, 3, 4, 0, 0], 8);
        assert_eq!(w.finding, None);
        assert_eq!(w.packets[0].tag, 6);
        assert_eq!(w.packets[0].format, Format::Openpgp);
        assert_eq!(w.packets[0].body_len, 3);
        // Two-octet length: 192 + 8 = 200 bytes.
        let mut b = vec![0xC2, 192, 8];
        b.extend([0u8; 200]);
        let w = walk(&b, 8);
        assert_eq!(w.packets[0].body_len, 200);
        assert_eq!(w.end, b.len());
        // Five-octet length.
        let mut b = vec![0xCD, 255, 0, 0, 1, 0];
        b.extend([0u8; 256]);
        assert_eq!(walk(&b, 8).packets[0].body_len, 256);
        // Legacy: tag 6 (0x99 = 1001 1001: tag 6, two-octet length).
        let mut b = vec![0x99, 0, 4];
        b.extend([9u8; 4]);
        let w = walk(&b, 8);
        assert_eq!((w.packets[0].tag, w.packets[0].format), (6, Format::Legacy));
        // Legacy indeterminate length: literal data (tag 11) to the end.
        let w = walk(&[0xAF, 1, 2, 3], 8);
        assert_eq!(w.packets[0].length, LengthKind::Indeterminate);
        assert_eq!(w.packets[0].body_len, 3);
    }

    #[test]
    fn partial_lengths_are_chunked() {
        // Literal data: a 512-byte chunk (0xE9), then a last chunk of 5.
        let mut b = vec![0xCB, 0xE9];
        b.extend([0u8; 512]);
        b.push(5);
        b.extend([1u8; 5]);
        let w = walk(&b, 8);
        assert_eq!(w.finding, None);
        assert_eq!(w.packets[0].length, LengthKind::Partial);
        assert_eq!(w.packets[0].body_len, 517);
        assert_eq!(w.packets[0].first, 2..514);
        let whole = body(&b, &w.packets[0]);
        assert_eq!(whole.len(), 517);
        assert_eq!(&whole[512..], &[1u8; 5]);
        // Partial lengths on a public-key packet are bad_length.
        let w = walk(&b"\xC6\xE9".repeat(300), 8);
        assert_eq!(w.finding.unwrap().kind, FailureKind::BadLength);
    }

    #[test]
    fn defects_stop_the_walk_with_their_shape() {
        let w = walk(&[0x06, 1, 2], 8);
        assert_eq!(w.finding.unwrap().kind, FailureKind::MalformedHeader);
        let w = walk(&[0xC0, 0], 8);
        assert_eq!(w.finding.unwrap().kind, FailureKind::MalformedHeader);
        let w = walk(&[0xC6, 3, 4, 0, 0, 0xC6, 9, 1], 8);
        let f = w.finding.unwrap();
        assert_eq!((f.kind, f.offset), (FailureKind::Truncated, 5));
        assert_eq!(w.count, 1);
        let w = walk(&[0xC6, 255, 0xFF, 0xFF, 0xFF, 0xFF], 8);
        assert_eq!(w.finding.unwrap().kind, FailureKind::Truncated);
        let w = walk(&[0xC6, 0xC0], 8);
        assert_eq!(w.finding.unwrap().kind, FailureKind::Truncated);
    }

    #[test]
    fn the_packet_cap_counts_what_it_drops() {
        let b = [0xCA, 3, b'P', b'G', b'P'].repeat(10);
        let w = walk(&b, 4);
        assert_eq!(w.packets.len(), 4);
        assert_eq!(w.count, 10);
        assert!(w.limit_hit);
        assert_eq!(w.tags.get(&10), Some(&10));
    }

    #[test]
    fn hostile_bytes_never_panic() {
        let mut x: u32 = 0x1234_5678;
        for n in 0..2000usize {
            let b: Vec<u8> = (0..n % 97)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 17;
                    x ^= x << 5;
                    (x >> 24) as u8 | 0x80
                })
                .collect();
            let w = walk(&b, 16);
            assert!(w.end <= b.len());
        }
    }
}
