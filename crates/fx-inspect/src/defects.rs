//! Precise failure shapes for DER: the content rules a framing walk does not
//! check (BIT STRING padding, INTEGER/BOOLEAN/OID/time content, primitive
//! and constructed forms), the version field of each structure, and the
//! choice of one shape when a typed decoder rejects an object.
//!
//! The typed decoders (`der`, `x509-cert`, …) say *that* an object does not
//! decode, with an error kind that is often coarse (a bad BIT STRING and a
//! bad INTEGER are both "malformed value"); the walk and these checks say
//! *what* is wrong and where. [`explain`] orders them: a framing defect
//! (truncation, an overlong or BER length) first, then a version out of
//! range, then a wrong tag the decoder met, then a content defect, and the
//! decoder's own error last.

use fx_core::vocab::{Container, FailureKind};
use fx_formats::der::{DerFinding, Header, TagClass, Walk, read_header};

use crate::report::Finding;

/// Content defects reported per object at most.
const MAX_CONTENT: usize = 8;

fn content_of<'a>(der: &'a [u8], h: &Header) -> Option<&'a [u8]> {
    der.get(h.content_offset()..h.end()?)
}

fn at(kind: FailureKind, h: &Header, detail: impl Into<String>) -> Finding {
    Finding::at(kind, h.offset, detail)
}

/// Checks a DER time: `YYMMDDHHMMSSZ` (UTCTime) or `YYYYMMDDHHMMSS[.f]Z`.
fn time_defect(c: &[u8], generalized: bool) -> Option<&'static str> {
    let year = if generalized { 4 } else { 2 };
    let digits = year + 10;
    let frac_end = if generalized && c.get(digits) == Some(&b'.') {
        let mut i = digits + 1;
        while c.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == digits + 1 {
            return Some("empty fraction of a second");
        }
        i
    } else {
        digits
    };
    if c.len() != frac_end + 1 || c.last() != Some(&b'Z') {
        return Some("not in the DER form (…Z, seconds present)");
    }
    if !c[..digits].iter().all(u8::is_ascii_digit) {
        return Some("a non-digit in the date");
    }
    let n = |i: usize| u32::from(c[i] - b'0') * 10 + u32::from(c[i + 1] - b'0');
    let (mo, d, h, mi, s) = (n(year), n(year + 2), n(year + 4), n(year + 6), n(year + 8));
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || s > 59 {
        return Some("a date or time field out of range");
    }
    None
}

/// The content defects of every universal element of a walk, in document
/// order (at most a few).
pub fn content(der: &[u8], walk: &Walk) -> Vec<Finding> {
    let mut out = Vec::new();
    for n in &walk.nodes {
        if out.len() >= MAX_CONTENT {
            break;
        }
        let h = &n.header;
        if h.class != TagClass::Universal {
            continue;
        }
        let name = h.name();
        if h.constructed {
            match h.number {
                1 | 2 | 5 | 6 | 9 | 10 | 13 | 14 => out.push(at(
                    FailureKind::BadTag,
                    h,
                    format!("{name} in the constructed form"),
                )),
                0 => out.push(at(
                    FailureKind::BadTag,
                    h,
                    "universal tag 0 is reserved for end-of-contents",
                )),
                3 | 4 | 12 | 19 | 20 | 22 | 26 | 28 | 30 => out.push(at(
                    FailureKind::BerNotDer,
                    h,
                    format!("{name} in the constructed (BER) form"),
                )),
                _ => {}
            }
            continue;
        }
        if matches!(h.number, 16 | 17) {
            out.push(at(
                FailureKind::BadTag,
                h,
                format!("{name} in the primitive form"),
            ));
            continue;
        }
        let Some(c) = content_of(der, h) else {
            continue;
        };
        let defect: Option<(FailureKind, String)> = match h.number {
            0 if !c.is_empty() => Some((
                FailureKind::BadTag,
                "universal tag 0 is reserved for end-of-contents".into(),
            )),
            1 if c.len() != 1 => Some((
                FailureKind::BadLength,
                format!("BOOLEAN of {} bytes", c.len()),
            )),
            1 if c[0] != 0 && c[0] != 0xff => Some((
                FailureKind::InvalidValue,
                format!("BOOLEAN {:#04x} (DER allows 00 and FF)", c[0]),
            )),
            2 | 10 if c.is_empty() => Some((FailureKind::InvalidValue, format!("empty {name}"))),
            2 | 10
                if c.len() >= 2
                    && ((c[0] == 0 && c[1] < 0x80) || (c[0] == 0xff && c[1] >= 0x80)) =>
            {
                Some((
                    FailureKind::InvalidValue,
                    format!("{name} not in its minimal encoding"),
                ))
            }
            3 => bit_string(c).map(|d| (FailureKind::BadBitString, d.to_owned())),
            5 if !c.is_empty() => Some((
                FailureKind::BadLength,
                format!("NULL with {} content bytes", c.len()),
            )),
            6 if c.is_empty() || c[c.len() - 1] & 0x80 != 0 => Some((
                FailureKind::InvalidValue,
                "OBJECT IDENTIFIER ends inside a subidentifier".into(),
            )),
            6 if c
                .iter()
                .enumerate()
                .any(|(i, &b)| b == 0x80 && (i == 0 || c[i - 1] & 0x80 == 0)) =>
            {
                Some((
                    FailureKind::InvalidValue,
                    "OBJECT IDENTIFIER subidentifier with a leading 0x80".into(),
                ))
            }
            23 | 24 => time_defect(c, h.number == 24)
                .map(|d| (FailureKind::InvalidValue, format!("{name}: {d}"))),
            _ => None,
        };
        if let Some((kind, detail)) = defect {
            out.push(at(kind, h, detail));
        }
    }
    out
}

/// Why a BIT STRING's content is not valid DER, if it is not.
fn bit_string(c: &[u8]) -> Option<&'static str> {
    let Some((&unused, data)) = c.split_first() else {
        return Some("no unused-bits octet");
    };
    if unused > 7 {
        return Some("more than 7 unused bits");
    }
    match data.last() {
        None if unused != 0 => Some("unused bits declared on an empty string"),
        Some(&last) if unused > 0 && last & ((1u8 << unused) - 1) != 0 => {
            Some("unused (padding) bits are not zero")
        }
        _ => None,
    }
}

/// The `index`-th child of a constructed element.
fn child(der: &[u8], parent: &Header, index: usize) -> Option<Header> {
    let end = parent.end()?.min(der.len());
    let bytes = der.get(..end)?;
    let mut pos = parent.content_offset();
    for i in 0..=index {
        let h = read_header(bytes, pos).ok()?;
        if i == index {
            return Some(h);
        }
        pos = h.end()?;
    }
    None
}

/// A small INTEGER's value (or `None` when it is not one).
fn small_int(der: &[u8], h: &Header) -> Option<i64> {
    if h.class != TagClass::Universal || h.number != 2 || h.constructed {
        return None;
    }
    let c = content_of(der, h)?;
    if c.is_empty() || c.len() > 8 {
        return None;
    }
    let mut v: i64 = if c[0] & 0x80 != 0 { -1 } else { 0 };
    for &b in c {
        v = (v << 8) | i64::from(b);
    }
    Some(v)
}

fn is_context(h: &Header, n: u32) -> bool {
    h.class == TagClass::Context && h.number == n && h.constructed
}

/// A version field outside what the structure allows, for the containers
/// that have one.
pub fn version(container: Container, der: &[u8]) -> Option<Finding> {
    let top = read_header(der, 0).ok()?;
    let (field, allowed): (Header, &[i64]) = match container {
        Container::X509Certificate => {
            let tbs = child(der, &top, 0)?;
            let first = child(der, &tbs, 0)?;
            if !is_context(&first, 0) {
                return None;
            }
            (child(der, &first, 0)?, &[0, 1, 2])
        }
        Container::X509Csr => (child(der, &child(der, &top, 0)?, 0)?, &[0]),
        Container::X509Crl => (child(der, &child(der, &top, 0)?, 0)?, &[1]),
        Container::Pkcs8PrivateKey => (child(der, &top, 0)?, &[0, 1]),
        Container::Pkcs1PrivateKey => (child(der, &top, 0)?, &[0, 1]),
        Container::DsaPrivateKey => (child(der, &top, 0)?, &[0]),
        Container::Sec1PrivateKey => (child(der, &top, 0)?, &[1]),
        Container::Pkcs12 => (child(der, &top, 0)?, &[3]),
        Container::OcspRequest => {
            let first = child(der, &child(der, &top, 0)?, 0)?;
            if !is_context(&first, 0) {
                return None;
            }
            (child(der, &first, 0)?, &[0])
        }
        _ => return None,
    };
    let v = small_int(der, &field)?;
    (!allowed.contains(&v)).then(|| {
        Finding::at(
            FailureKind::BadVersion,
            field.offset,
            format!("{container} version {v} (allowed: {allowed:?})"),
        )
    })
}

/// The one shape of a typed decoder's rejection: a wrong tag the decoder met
/// before the walk's first framing defect, else that framing defect, else a
/// version out of range, else the decoder's wrong tag, else the first
/// content defect, else the decoder's own error.
pub fn explain(
    decoder: Finding,
    framing: Option<&DerFinding>,
    version: Option<Finding>,
    content: &[Finding],
) -> Finding {
    if let Some(f) = framing {
        // A wrong tag the decoder met first, in reading order, is the defect:
        // the walk only misreads the lengths after it.
        if decoder.kind == FailureKind::BadTag && decoder.offset.unwrap_or(0) <= f.offset as u64 {
            return decoder;
        }
        return Finding::at(
            f.kind,
            f.offset,
            format!("{}; {}", f.detail, decoder.detail),
        );
    }
    if let Some(v) = version {
        return v;
    }
    if decoder.kind == FailureKind::BadTag {
        return decoder;
    }
    if let Some(c) = content.first() {
        return Finding {
            detail: format!("{}; {}", c.detail, decoder.detail),
            ..c.clone()
        };
    }
    decoder
}

#[cfg(test)]
mod tests {
    use super::*;
    use fx_formats::der::{WalkLimits, walk};

    fn kinds(der: &[u8]) -> Vec<FailureKind> {
        content(der, &walk(der, WalkLimits::default()))
            .into_iter()
            .map(|f| f.kind)
            .collect()
    }

    #[test]
    fn content_rules() {
        use FailureKind::*;
        assert_eq!(kinds(&[0x30, 0x03, 0x02, 0x01, 0x05]), vec![]);
        assert_eq!(
            kinds(&[0x30, 0x04, 0x02, 0x02, 0x00, 0x05]),
            vec![InvalidValue]
        );
        assert_eq!(kinds(&[0x30, 0x02, 0x02, 0x00]), vec![InvalidValue]);
        assert_eq!(kinds(&[0x30, 0x03, 0x01, 0x01, 0x01]), vec![InvalidValue]);
        assert_eq!(
            kinds(&[0x30, 0x04, 0x03, 0x02, 0x09, 0x00]),
            vec![BadBitString]
        );
        assert_eq!(kinds(&[0x30, 0x03, 0x03, 0x01, 0x01]), vec![BadBitString]);
        assert_eq!(
            kinds(&[0x30, 0x04, 0x03, 0x02, 0x01, 0x01]),
            vec![BadBitString]
        );
        assert_eq!(kinds(&[0x30, 0x04, 0x03, 0x02, 0x01, 0x02]), vec![]);
        assert_eq!(kinds(&[0x30, 0x03, 0x22, 0x01, 0x00]), vec![BadTag]);
        assert_eq!(kinds(&[0x30, 0x02, 0x10, 0x00]), vec![BadTag]);
        assert_eq!(kinds(b"\x30\x0f\x17\x0d2601AB000000Z"), vec![InvalidValue]);
        assert_eq!(kinds(b"\x30\x0f\x17\x0d260101000000Z"), vec![]);
        assert_eq!(
            kinds(&[0x30, 0x04, 0x06, 0x02, 0x2a, 0x86]),
            vec![InvalidValue]
        );
    }

    #[test]
    fn versions() {
        // PKCS#8 with version 9.
        let der = [0x30, 0x05, 0x02, 0x01, 0x09, 0x30, 0x00];
        let f = version(Container::Pkcs8PrivateKey, &der).unwrap();
        assert_eq!(f.kind, FailureKind::BadVersion);
        assert_eq!(f.offset, Some(2));
        let ok = [0x30, 0x05, 0x02, 0x01, 0x01, 0x30, 0x00];
        assert!(version(Container::Pkcs8PrivateKey, &ok).is_none());
    }
}
