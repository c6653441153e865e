//! BER → DER for the formats whose standard is BER: CMS (RFC 5652 §1.2,
//! "the CMS values are generated using ASN.1, using BER-encoding") and so
//! PKCS#7 and S/MIME. Streaming writers (`openssl cms -stream`, mail
//! clients) use indefinite lengths and split the content into a constructed
//! OCTET STRING; the `cms` crate reads DER only. [`to_der`] re-encodes such
//! input with definite, minimal lengths and primitive OCTET STRINGs, so the
//! same parser reads it; the walk over the original bytes still says the
//! file is BER.

use fx_formats::der::{Header, TagClass, read_header};

/// Deepest nesting re-encoded (CMS needs about a dozen levels).
const MAX_DEPTH: u32 = 64;

/// Universal tag number of OCTET STRING.
const OCTET_STRING: u32 = 4;

/// Which constructed elements [`to_der`] re-assembles into one primitive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Segments {
    /// Constructed universal OCTET STRINGs only.
    OctetStrings,
    /// Also an indefinite-length context-specific element whose children
    /// are all primitive OCTET STRINGs: an IMPLICIT OCTET STRING sent in
    /// segments (CMS `encryptedContent [0]` as `openssl cms -encrypt
    /// -stream` writes it). Without the schema this cannot be told from an
    /// EXPLICIT tag around one string, so callers try [`Segments::OctetStrings`]
    /// first.
    AlsoImplicit,
}

/// The DER encoding of the one BER element that fills `ber`, or `None` when
/// `ber` is not one complete BER element, nests deeper than
/// [`MAX_DEPTH`], or uses a constructed string form other than OCTET STRING
/// (BIT STRING and character-string segments are not re-assembled).
pub fn to_der(ber: &[u8], segments: Segments) -> Option<Vec<u8>> {
    let (out, end) = element(ber, 0, 0, segments)?;
    (end == ber.len()).then_some(out)
}

/// Re-encodes the element at `pos`; returns its DER bytes and the offset
/// just past it (past its end-of-contents octets for the indefinite form).
fn element(bytes: &[u8], pos: usize, depth: u32, seg: Segments) -> Option<(Vec<u8>, usize)> {
    if depth > MAX_DEPTH {
        return None;
    }
    let h = read_header(bytes, pos).ok()?;
    let ident = &bytes[h.offset..h.offset + h.header_len - h.length_octets];
    let start = h.content_offset();
    if !h.constructed {
        let end = h.end()?;
        let content = bytes.get(start..end)?;
        return Some((encode(ident, content), end));
    }
    let mut children = Vec::new();
    let mut at = start;
    let end = match h.len {
        Some(len) => {
            let end = start.checked_add(len)?;
            if end > bytes.len() {
                return None;
            }
            while at < end {
                let (child, next) = element(bytes, at, depth + 1, seg)?;
                children.push(child);
                at = next;
            }
            if at != end {
                return None;
            }
            end
        }
        None => loop {
            let next = read_header(bytes, at).ok()?;
            if next.is_eoc() {
                break next.content_offset();
            }
            let (child, after) = element(bytes, at, depth + 1, seg)?;
            children.push(child);
            at = after;
        },
    };
    if is_universal(&h, OCTET_STRING) {
        // Segments of a constructed OCTET STRING: one primitive string.
        let content = primitive_octets(&children)?;
        return Some((encode(&[0x04], &content), end));
    }
    if seg == Segments::AlsoImplicit
        && h.class == TagClass::Context
        && h.len.is_none()
        && !children.is_empty()
        && let Some(content) = primitive_octets(&children)
        && let Some(&id) = ident.first()
        && ident.len() == 1
    {
        return Some((encode(&[id & !0x20], &content), end));
    }
    if h.class == TagClass::Universal && matches!(h.number, 3 | 12 | 18..=30) {
        return None;
    }
    Some((encode(ident, &children.concat()), end))
}

/// The concatenated contents of `children` when every one is a primitive
/// OCTET STRING.
fn primitive_octets(children: &[Vec<u8>]) -> Option<Vec<u8>> {
    let mut content = Vec::new();
    for c in children {
        let ch = read_header(c, 0).ok()?;
        if !is_universal(&ch, OCTET_STRING) || ch.constructed {
            return None;
        }
        content.extend_from_slice(c.get(ch.content_offset()..)?);
    }
    Some(content)
}

fn is_universal(h: &Header, number: u32) -> bool {
    h.class == TagClass::Universal && h.number == number
}

/// Identifier octets, a minimal definite length, the content.
fn encode(ident: &[u8], content: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(ident.len() + 6 + content.len());
    out.extend_from_slice(ident);
    let n = content.len();
    if n < 0x80 {
        out.push(n as u8);
    } else {
        let bytes = n.to_be_bytes();
        let skip = bytes.iter().take_while(|b| **b == 0).count();
        out.push(0x80 | (bytes.len() - skip) as u8);
        out.extend_from_slice(&bytes[skip..]);
    }
    out.extend_from_slice(content);
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn indefinite_lengths_and_string_segments_become_der() {
        // SEQUENCE (indefinite) { INTEGER 5, [0] (indefinite) { OCTET STRING
        // (constructed, indefinite) { "ab", "c" } } }
        let ber = [
            0x30, 0x80, 0x02, 0x01, 0x05, 0xa0, 0x80, 0x24, 0x80, 0x04, 0x02, b'a', b'b', 0x04,
            0x01, b'c', 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        ];
        let der = [
            0x30, 0x0a, 0x02, 0x01, 0x05, 0xa0, 0x05, 0x04, 0x03, b'a', b'b', b'c',
        ];
        assert_eq!(to_der(&ber, Segments::OctetStrings).unwrap(), der);
        // DER stays as it is
        assert_eq!(to_der(&der, Segments::OctetStrings).unwrap(), der);
    }

    #[test]
    fn implicit_segmented_strings_are_joined_only_when_asked() {
        // [0] (indefinite) { OCTET STRING "ab", OCTET STRING "c" }
        let ber = [
            0xa0, 0x80, 0x04, 0x02, b'a', b'b', 0x04, 0x01, b'c', 0x00, 0x00,
        ];
        assert_eq!(
            to_der(&ber, Segments::OctetStrings).unwrap(),
            [0xa0, 0x07, 0x04, 0x02, b'a', b'b', 0x04, 0x01, b'c']
        );
        assert_eq!(
            to_der(&ber, Segments::AlsoImplicit).unwrap(),
            [0x80, 0x03, b'a', b'b', b'c']
        );
    }

    #[test]
    fn long_lengths_are_minimal() {
        let mut ber = vec![0x04, 0x84, 0x00, 0x00, 0x01, 0x00];
        ber.extend_from_slice(&[7u8; 256]);
        let der = to_der(&ber, Segments::OctetStrings).unwrap();
        assert_eq!(&der[..4], &[0x04, 0x82, 0x01, 0x00]);
        assert_eq!(der.len(), 4 + 256);
    }

    #[test]
    fn incomplete_or_unsupported_input_is_refused() {
        // no end-of-contents
        assert_eq!(
            to_der(&[0x30, 0x80, 0x02, 0x01, 0x05], Segments::OctetStrings),
            None
        );
        // trailing bytes
        assert_eq!(
            to_der(&[0x02, 0x01, 0x05, 0x00], Segments::OctetStrings),
            None
        );
        // a constructed BIT STRING
        assert_eq!(
            to_der(
                &[0x23, 0x80, 0x03, 0x01, 0x00, 0x00, 0x00],
                Segments::OctetStrings
            ),
            None
        );
        // a primitive longer than the input
        assert_eq!(to_der(&[0x04, 0x05, 0x00], Segments::OctetStrings), None);
        assert_eq!(to_der(&[], Segments::OctetStrings), None);
    }
}
