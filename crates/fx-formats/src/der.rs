//! A bounded, generic DER/BER TLV walker.
//!
//! This is the one place fx reads ASN.1 without a schema: to describe an
//! unknown blob, find element boundaries (candidate regions), and name the
//! first point where an encoding goes wrong. Structures with a schema
//! (certificates, keys, …) are decoded with the RustCrypto `der` crates.
//!
//! Every limit comes from the caller (the run policy): nesting depth, number
//! of elements recorded, and the input length itself — no allocation is ever
//! sized by a length field. Findings carry the byte offset where they were
//! detected:
//!
//! * `ber_not_der` — indefinite length, non-minimal length encoding;
//! * `truncated` — an element runs past the end of the input where no
//!   complete parent bounds it (the input was cut);
//! * `length_overflow` — a length field too large to represent (more than
//!   8 length octets, or 2 GiB and more), or an element longer than the
//!   complete element that contains it;
//! * `trailing_data` — bytes after the first complete top-level element;
//! * `depth_limit` — nesting deeper than the limit (not descended further);
//! * `bad_tag` — an end-of-contents marker where none belongs, a tag
//!   number that is too long, or a tag in a form X.690 forbids even in BER
//!   (the multi-octet form for a number below 31, a leading zero septet).

use fx_core::vocab::FailureKind;
use serde::Serialize;

/// Declared lengths from here on are beyond any artifact fx loads whole.
const SANE_LENGTH: usize = 1 << 31;

/// Limits of one walk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WalkLimits {
    /// Deepest nesting descended into (the top-level element is depth 0).
    pub max_depth: u32,
    /// Elements recorded; the walk stops (and says so) when reached.
    pub max_nodes: u64,
}

impl Default for WalkLimits {
    fn default() -> Self {
        WalkLimits {
            max_depth: 32,
            max_nodes: 100_000,
        }
    }
}

/// The class bits of an identifier octet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TagClass {
    /// Universal (0b00).
    Universal,
    /// Application (0b01).
    Application,
    /// Context-specific (0b10).
    Context,
    /// Private (0b11).
    Private,
}

/// A decoded element header.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Header {
    /// Offset of the identifier octet.
    pub offset: usize,
    /// Class bits.
    pub class: TagClass,
    /// Constructed bit.
    pub constructed: bool,
    /// Tag number.
    pub number: u32,
    /// Identifier + length octets.
    pub header_len: usize,
    /// Content length; `None` for the BER indefinite form.
    pub len: Option<usize>,
    /// Octets of the length field: 1 for the short and indefinite forms,
    /// 1 + n for the long form with n length octets.
    #[serde(skip)]
    pub length_octets: usize,
}

impl Header {
    /// The identifier octet of a header in the low-tag-number form (one
    /// identifier octet, tag numbers 0–30); `None` for the multi-octet form.
    pub fn identifier(&self) -> Option<u8> {
        if self.header_len - self.length_octets != 1 {
            return None;
        }
        let class = match self.class {
            TagClass::Universal => 0x00,
            TagClass::Application => 0x40,
            TagClass::Context => 0x80,
            TagClass::Private => 0xc0,
        };
        let number = u8::try_from(self.number).ok()?;
        Some(class | if self.constructed { 0x20 } else { 0 } | number)
    }

    /// Offset of the first content octet.
    pub fn content_offset(&self) -> usize {
        self.offset + self.header_len
    }

    /// Offset just past the content (definite lengths only).
    pub fn end(&self) -> Option<usize> {
        self.len.map(|l| self.content_offset().saturating_add(l))
    }

    /// True for the end-of-contents marker (`00 00`).
    pub fn is_eoc(&self) -> bool {
        self.class == TagClass::Universal
            && !self.constructed
            && self.number == 0
            && self.len == Some(0)
    }

    /// A short name for universal tags (`SEQUENCE`, `INTEGER`, …), else `[n]`-style.
    pub fn name(&self) -> String {
        match self.class {
            TagClass::Universal => universal_name(self.number).to_owned(),
            TagClass::Context => format!("[{}]", self.number),
            TagClass::Application => format!("[APPLICATION {}]", self.number),
            TagClass::Private => format!("[PRIVATE {}]", self.number),
        }
    }
}

/// Universal tag numbers fx names.
pub fn universal_name(number: u32) -> &'static str {
    match number {
        0 => "EOC",
        1 => "BOOLEAN",
        2 => "INTEGER",
        3 => "BIT STRING",
        4 => "OCTET STRING",
        5 => "NULL",
        6 => "OBJECT IDENTIFIER",
        10 => "ENUMERATED",
        12 => "UTF8String",
        16 => "SEQUENCE",
        17 => "SET",
        19 => "PrintableString",
        20 => "T61String",
        22 => "IA5String",
        23 => "UTCTime",
        24 => "GeneralizedTime",
        26 => "VisibleString",
        28 => "UniversalString",
        30 => "BMPString",
        _ => "UNIVERSAL",
    }
}

/// A failure shape found while walking.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DerFinding {
    /// The failure shape.
    pub kind: FailureKind,
    /// Byte offset where it was detected.
    pub offset: usize,
    /// What exactly was wrong.
    pub detail: String,
}

/// One element met by the walk.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Node {
    /// The header.
    pub header: Header,
    /// Nesting depth (0 = top level).
    pub depth: u32,
}

/// The result of a walk.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Walk {
    /// Elements in document order (at most `max_nodes`).
    pub nodes: Vec<Node>,
    /// True when `max_nodes` stopped the walk.
    pub node_limit_hit: bool,
    /// Deepest depth met.
    pub max_depth_seen: u32,
    /// Offset just past the first top-level element (0 if none could be read).
    pub end: usize,
    /// True when some element used the BER indefinite-length form.
    pub indefinite: bool,
    /// Failure shapes, in the order found.
    pub findings: Vec<DerFinding>,
}

impl Walk {
    /// True when the input is exactly one well-formed DER element.
    pub fn is_clean_der(&self) -> bool {
        self.findings.is_empty() && !self.nodes.is_empty()
    }

    /// True when the input is one well-formed element, BER allowed.
    pub fn is_complete(&self) -> bool {
        !self.nodes.is_empty()
            && self
                .findings
                .iter()
                .all(|f| f.kind == FailureKind::BerNotDer)
    }
}

/// Reads one header at `offset`. Errors are findings (never panics).
pub fn read_header(bytes: &[u8], offset: usize) -> Result<Header, DerFinding> {
    let fail = |kind, at: usize, detail: &str| DerFinding {
        kind,
        offset: at,
        detail: detail.to_owned(),
    };
    let mut pos = offset;
    let first = *bytes
        .get(pos)
        .ok_or_else(|| fail(FailureKind::Truncated, pos, "missing identifier octet"))?;
    pos += 1;
    let class = match first >> 6 {
        0 => TagClass::Universal,
        1 => TagClass::Application,
        2 => TagClass::Context,
        _ => TagClass::Private,
    };
    let constructed = first & 0x20 != 0;
    let mut number = u32::from(first & 0x1f);
    if number == 0x1f {
        number = 0;
        let mut count = 0;
        loop {
            let b = *bytes
                .get(pos)
                .ok_or_else(|| fail(FailureKind::Truncated, pos, "tag number runs past the end"))?;
            pos += 1;
            count += 1;
            if count > 4 {
                return Err(fail(
                    FailureKind::BadTag,
                    offset,
                    "tag number longer than 4 octets",
                ));
            }
            number = (number << 7) | u32::from(b & 0x7f);
            if b & 0x80 == 0 {
                break;
            }
        }
    }
    let lb = *bytes
        .get(pos)
        .ok_or_else(|| fail(FailureKind::Truncated, pos, "missing length octet"))?;
    let length_at = pos;
    pos += 1;
    let len = if lb < 0x80 {
        Some(usize::from(lb))
    } else if lb == 0x80 {
        None
    } else {
        let n = usize::from(lb & 0x7f);
        if n > 8 || lb == 0xff {
            return Err(fail(
                FailureKind::LengthOverflow,
                pos - 1,
                &format!("{n} length octets"),
            ));
        }
        let field = bytes.get(pos..pos + n).ok_or_else(|| {
            fail(
                FailureKind::Truncated,
                pos,
                "length octets run past the end",
            )
        })?;
        pos += n;
        let mut v: u64 = 0;
        for &b in field {
            v = (v << 8) | u64::from(b);
        }
        let v = usize::try_from(v).map_err(|_| {
            fail(
                FailureKind::LengthOverflow,
                pos - n - 1,
                "length not addressable",
            )
        })?;
        Some(v)
    };
    Ok(Header {
        offset,
        class,
        constructed,
        number,
        header_len: pos - offset,
        len,
        length_octets: pos - length_at,
    })
}

/// Why the header's encoding is not the DER form: a tag encoding X.690
/// forbids in BER too (`bad_tag`), or a length that is not minimal
/// (`ber_not_der`).
fn non_minimal(bytes: &[u8], h: &Header) -> Option<(FailureKind, &'static str)> {
    let first = bytes.get(h.offset).copied().unwrap_or(0);
    let mut len_at = h.offset + 1;
    if first & 0x1f == 0x1f {
        // X.690 8.1.2.2 and 8.1.2.4.2 c): numbers up to 30 take one octet,
        // and a subsequent octet does not start with seven zero bits.
        if h.number < 0x1f {
            return Some((
                FailureKind::BadTag,
                "high-tag-number form for a tag number below 31",
            ));
        }
        if bytes.get(h.offset + 1).copied() == Some(0x80) {
            return Some((FailureKind::BadTag, "tag number with a leading zero septet"));
        }
        while bytes.get(len_at).is_some_and(|b| b & 0x80 != 0) {
            len_at += 1;
        }
        len_at += 1;
    }
    let lb = bytes.get(len_at).copied().unwrap_or(0);
    if lb > 0x80 {
        let n = usize::from(lb & 0x7f);
        let lead = bytes.get(len_at + 1).copied().unwrap_or(0);
        let v = h.len.unwrap_or(0);
        if lead == 0 || (n == 1 && v < 0x80) {
            return Some((FailureKind::BerNotDer, "non-minimal length encoding"));
        }
    }
    None
}

struct Walker<'a> {
    bytes: &'a [u8],
    limits: WalkLimits,
    walk: Walk,
    /// Findings of the same kind after the first few are counted, not kept.
    findings_cap: usize,
}

impl Walker<'_> {
    fn find(&mut self, kind: FailureKind, offset: usize, detail: impl Into<String>) {
        if self.walk.findings.len() < self.findings_cap {
            self.walk.findings.push(DerFinding {
                kind,
                offset,
                detail: detail.into(),
            });
        }
    }

    /// Walks elements from `pos` up to `limit` (a parent's end) or, for an
    /// indefinite parent, up to its end-of-contents. Returns the offset
    /// reached and whether the walk must stop.
    fn elements(
        &mut self,
        mut pos: usize,
        limit: usize,
        depth: u32,
        indefinite: bool,
        bounded: bool,
    ) -> (usize, bool) {
        while pos < limit {
            let h = match read_header(&self.bytes[..limit], pos) {
                Ok(h) => h,
                Err(f) => {
                    self.find(f.kind, f.offset, f.detail);
                    return (limit, true);
                }
            };
            if h.is_eoc() {
                if indefinite {
                    return (h.offset + 2, false);
                }
                self.find(
                    FailureKind::BadTag,
                    pos,
                    "end-of-contents outside an indefinite-length element",
                );
                return (limit, true);
            }
            if self.walk.nodes.len() as u64 >= self.limits.max_nodes {
                self.walk.node_limit_hit = true;
                return (limit, true);
            }
            self.walk.nodes.push(Node { header: h, depth });
            self.walk.max_depth_seen = self.walk.max_depth_seen.max(depth);
            if let Some((kind, why)) = non_minimal(self.bytes, &h) {
                self.find(kind, h.offset, why);
            }
            let content = h.content_offset();
            match h.len {
                Some(len) => {
                    let end = match content.checked_add(len) {
                        Some(e) if e <= limit => e,
                        _ => {
                            // Past the end of a complete parent: the length
                            // overflows its parent. Past the input end where no
                            // complete parent bounds it: truncated (unless the
                            // length is beyond any sane bound).
                            let past_input = content.saturating_add(len) > self.bytes.len();
                            let kind = if past_input && !bounded && len < SANE_LENGTH {
                                FailureKind::Truncated
                            } else {
                                FailureKind::LengthOverflow
                            };
                            self.find(
                                kind,
                                h.offset,
                                format!(
                                    "{} declares {len} content bytes, {} remain",
                                    h.name(),
                                    limit.saturating_sub(content)
                                ),
                            );
                            return (limit, true);
                        }
                    };
                    if h.constructed {
                        if depth + 1 > self.limits.max_depth {
                            self.find(
                                FailureKind::DepthLimit,
                                h.offset,
                                format!("nesting deeper than {}", self.limits.max_depth),
                            );
                            return (limit, true);
                        }
                        let (_, stop) = self.elements(content, end, depth + 1, false, true);
                        if stop {
                            return (limit, true);
                        }
                    }
                    pos = end;
                }
                None => {
                    self.walk.indefinite = true;
                    self.find(FailureKind::BerNotDer, h.offset, "indefinite length");
                    if !h.constructed {
                        self.find(
                            FailureKind::BadLength,
                            h.offset,
                            "indefinite length on a primitive element",
                        );
                        return (limit, true);
                    }
                    if depth + 1 > self.limits.max_depth {
                        self.find(
                            FailureKind::DepthLimit,
                            h.offset,
                            format!("nesting deeper than {}", self.limits.max_depth),
                        );
                        return (limit, true);
                    }
                    let (end, stop) = self.elements(content, limit, depth + 1, true, bounded);
                    if stop {
                        return (limit, true);
                    }
                    pos = end;
                }
            }
            if depth == 0 && !indefinite {
                return (pos, false);
            }
        }
        if indefinite {
            self.find(FailureKind::Truncated, limit, "missing end-of-contents");
            return (limit, true);
        }
        (pos, false)
    }
}

/// Walks the first top-level element of `bytes` (and everything nested in
/// it), reporting `trailing_data` when bytes follow it.
pub fn walk(bytes: &[u8], limits: WalkLimits) -> Walk {
    // Recursion is bounded by the depth limit; keep it well inside the stack
    // whatever a policy asks for.
    let limits = WalkLimits {
        max_depth: limits.max_depth.min(256),
        ..limits
    };
    let mut w = Walker {
        bytes,
        limits,
        walk: Walk::default(),
        findings_cap: 64,
    };
    if bytes.is_empty() {
        w.find(FailureKind::Truncated, 0, "empty input");
        return w.walk;
    }
    let (end, stop) = w.elements(0, bytes.len(), 0, false, false);
    w.walk.end = if stop { 0 } else { end };
    if !stop && end < bytes.len() {
        w.find(
            FailureKind::TrailingData,
            end,
            format!("{} bytes after the element", bytes.len() - end),
        );
    }
    w.walk
}

/// Decodes the content of an OBJECT IDENTIFIER element to dotted form
/// (`None` when it is not a valid OID).
pub fn oid_string(content: &[u8]) -> Option<String> {
    const_oid::ObjectIdentifier::from_bytes(content)
        .ok()
        .map(|o| o.to_string())
}

/// Every OBJECT IDENTIFIER in a walk, dotted, in document order, deduplicated.
pub fn oids_in(bytes: &[u8], walk: &Walk) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for n in &walk.nodes {
        let h = n.header;
        if h.class == TagClass::Universal && h.number == 6 && !h.constructed {
            let Some(end) = h.end() else { continue };
            if let Some(s) = bytes.get(h.content_offset()..end).and_then(oid_string)
                && !out.contains(&s)
            {
                out.push(s);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn kinds(w: &Walk) -> Vec<FailureKind> {
        w.findings.iter().map(|f| f.kind).collect()
    }

    #[test]
    fn clean_sequence() {
        let b = [0x30, 0x06, 0x02, 0x01, 0x05, 0x04, 0x01, 0xaa];
        let w = walk(&b, WalkLimits::default());
        assert!(w.is_clean_der(), "{w:?}");
        assert_eq!(w.nodes.len(), 3);
        assert_eq!(w.end, 8);
    }

    #[test]
    fn findings_with_offsets() {
        // truncated content
        let w = walk(&[0x30, 0x05, 0x02, 0x01], WalkLimits::default());
        assert_eq!(kinds(&w), vec![FailureKind::Truncated]);
        // trailing data
        let w = walk(&[0x05, 0x00, 0xff], WalkLimits::default());
        assert_eq!(kinds(&w), vec![FailureKind::TrailingData]);
        assert_eq!(w.findings[0].offset, 2);
        // non-minimal length
        let w = walk(&[0x04, 0x81, 0x01, 0xaa], WalkLimits::default());
        assert_eq!(kinds(&w), vec![FailureKind::BerNotDer]);
        // huge length
        let w = walk(
            &[0x04, 0x84, 0xff, 0xff, 0xff, 0xff, 0x00],
            WalkLimits::default(),
        );
        assert_eq!(kinds(&w), vec![FailureKind::LengthOverflow]);
        // indefinite length, properly closed
        let w = walk(&[0x30, 0x80, 0x05, 0x00, 0x00, 0x00], WalkLimits::default());
        assert_eq!(kinds(&w), vec![FailureKind::BerNotDer]);
        assert!(w.is_complete());
        assert_eq!(w.end, 6);
        // 9 length octets
        let w = walk(
            &[0x04, 0x89, 1, 2, 3, 4, 5, 6, 7, 8, 9],
            WalkLimits::default(),
        );
        assert_eq!(kinds(&w), vec![FailureKind::LengthOverflow]);
    }

    #[test]
    fn inner_overruns_and_tag_forms() {
        // An element longer than its complete parent overflows it, even
        // where it also runs past the input.
        let w = walk(&[0x30, 0x03, 0x04, 0x7f, 0xaa], WalkLimits::default());
        assert_eq!(kinds(&w), vec![FailureKind::LengthOverflow]);
        // Cut input where no complete parent bounds the element: truncated.
        let w = walk(&[0x30, 0x80, 0x04, 0x7f, 0xaa], WalkLimits::default());
        assert!(kinds(&w).contains(&FailureKind::Truncated), "{w:?}");
        // The multi-octet tag form for a number below 31 is not BER either.
        let w = walk(&[0x30, 0x04, 0x1f, 0x02, 0x01, 0x00], WalkLimits::default());
        assert_eq!(kinds(&w), vec![FailureKind::BadTag]);
    }

    #[test]
    fn headers_and_hostile_lengths() {
        let h = read_header(&[0x30, 0x82, 0x01, 0x00], 0).unwrap();
        assert_eq!(
            (h.identifier(), h.header_len, h.len),
            (Some(0x30), 4, Some(256))
        );
        assert_eq!(h.length_octets, 3);
        let h = read_header(&[0xa3, 0x80], 0).unwrap();
        assert_eq!(
            (h.identifier(), h.len, h.length_octets),
            (Some(0xa3), None, 1)
        );
        // The multi-octet tag form has no one-octet identifier.
        let h = read_header(&[0x9f, 0x81, 0x00, 0x01, 0xaa], 0).unwrap();
        assert_eq!((h.number, h.identifier(), h.length_octets), (128, None, 1));
        // Truncated length octets, the reserved 0xff, more than 8 octets,
        // a length past what the address space holds on this target.
        let kind = |b: &[u8]| read_header(b, 0).unwrap_err().kind;
        assert_eq!(kind(&[0x30, 0x84, 0xff]), FailureKind::Truncated);
        assert_eq!(kind(&[0x30]), FailureKind::Truncated);
        assert_eq!(kind(&[0x30, 0xff]), FailureKind::LengthOverflow);
        assert_eq!(
            kind(&[0x30, 0x89, 1, 2, 3, 4, 5, 6, 7, 8, 9]),
            FailureKind::LengthOverflow
        );
        let h = read_header(
            &[0x04, 0x88, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
            0,
        );
        if usize::BITS == 64 {
            assert_eq!(h.unwrap().len, Some(usize::MAX));
        } else {
            assert_eq!(h.unwrap_err().kind, FailureKind::LengthOverflow);
        }
        // A huge declared length reads as declared; walking it is refused.
        let w = walk(
            &[0x04, 0x88, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
            WalkLimits::default(),
        );
        assert_eq!(kinds(&w), vec![FailureKind::LengthOverflow]);
    }

    #[test]
    fn nesting_bomb_stops_at_depth_limit() {
        let mut b = Vec::new();
        for _ in 0..10_000 {
            b.extend_from_slice(&[0x30, 0x80]);
        }
        let w = walk(
            &b,
            WalkLimits {
                max_depth: 32,
                max_nodes: 1_000_000,
            },
        );
        assert!(kinds(&w).contains(&FailureKind::DepthLimit));
        assert!(w.max_depth_seen <= 32);
    }

    #[test]
    fn node_limit() {
        let mut b = vec![0x30, 0x82, 0x03, 0xe8];
        for _ in 0..500 {
            b.extend_from_slice(&[0x05, 0x00]);
        }
        let w = walk(
            &b,
            WalkLimits {
                max_depth: 8,
                max_nodes: 10,
            },
        );
        assert!(w.node_limit_hit);
        assert_eq!(w.nodes.len(), 10);
    }

    #[test]
    fn oids_are_collected() {
        // SEQUENCE { OID 1.2.840.113549.1.1.1, NULL }
        let b = [
            0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05,
            0x00,
        ];
        let w = walk(&b, WalkLimits::default());
        assert_eq!(oids_in(&b, &w), vec!["1.2.840.113549.1.1.1".to_owned()]);
    }
}
