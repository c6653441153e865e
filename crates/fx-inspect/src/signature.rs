//! Bare DSA/ECDSA signature values (`Dss-Sig-Value`, `ECDSA-Sig-Value`:
//! SEQUENCE { r INTEGER, s INTEGER }, RFC 3279 §2.2.2/2.2.3), as detached
//! signatures and test vectors carry them. r and s are positive; a negative
//! one (a missing leading zero octet) is an `invalid_value`.

use fx_core::vocab::{Container, FailureKind};
use fx_facts::signature::SignatureValueData;
use fx_formats::der::{TagClass, read_header};

use crate::algorithm::{KeyAlg, bits_of};
use crate::report::{Finding, Region};
use crate::x509::Parsed;

/// The longest r or s read as a signature value (P-521: 66 bytes + sign).
const MAX_COMPONENT: usize = 67;

/// Parses a DSA/ECDSA signature value (hand-read: see the body). Its
/// description is the `signature_value` step's record, without the PEM block
/// (the writer puts it in).
pub fn dsa_ecdsa(der: &[u8]) -> Result<Parsed<SignatureValueData>, Finding> {
    // Read by hand: each tag is checked before its length is trusted, so a
    // wrong tag is named as such rather than as the length it garbles.
    let head =
        |at: usize| read_header(der, at).map_err(|f| Finding::at(f.kind, f.offset, f.detail));
    let top = head(0)?;
    if top.class != TagClass::Universal || top.number != 16 || !top.constructed {
        return Err(Finding::at(
            FailureKind::BadTag,
            0,
            format!("{} where a SEQUENCE belongs", top.name()),
        ));
    }
    let Some(end) = top.end() else {
        return Err(Finding::at(FailureKind::BerNotDer, 0, "indefinite length"));
    };
    if end > der.len() {
        return Err(Finding::at(
            FailureKind::Truncated,
            0,
            "the SEQUENCE runs past the end",
        ));
    }
    let mut parts: Vec<(&str, &[u8], usize)> = Vec::new();
    let mut pos = top.content_offset();
    for name in ["r", "s"] {
        if pos >= end {
            return Err(Finding::at(
                FailureKind::Truncated,
                pos,
                format!("{name} is missing"),
            ));
        }
        if der[pos] != 0x02 {
            return Err(Finding::at(
                FailureKind::BadTag,
                pos,
                format!("{name} has tag {:#04x}, not INTEGER", der[pos]),
            ));
        }
        let h =
            read_header(&der[..end], pos).map_err(|f| Finding::at(f.kind, f.offset, f.detail))?;
        let c_end = h.end().filter(|&e| e <= end).ok_or_else(|| {
            Finding::at(
                FailureKind::LengthOverflow,
                pos,
                format!("{name} is longer than the SEQUENCE"),
            )
        })?;
        parts.push((name, &der[h.content_offset()..c_end], h.content_offset()));
        pos = c_end;
    }
    if pos < end {
        return Err(Finding::at(
            FailureKind::BadTag,
            pos,
            "an element after s inside the SEQUENCE",
        ));
    }
    if end < der.len() {
        return Err(Finding::at(
            FailureKind::TrailingData,
            end,
            format!("{} bytes after the signature", der.len() - end),
        ));
    }
    let mut bits = [0u64; 2];
    for (i, (name, c, at)) in parts.into_iter().enumerate() {
        let invalid = |why: &str| {
            Err(Finding::at(
                FailureKind::InvalidValue,
                at,
                format!("{name} {why}"),
            ))
        };
        if c.len() > MAX_COMPONENT {
            return Err(Finding::at(
                FailureKind::BadLength,
                at,
                format!("{name} of {} bytes is longer than any curve's", c.len()),
            ));
        }
        match c {
            [] => return invalid("is empty"),
            [0, b, ..] if *b < 0x80 => return invalid("is not in its minimal encoding"),
            [b, ..] if b & 0x80 != 0 => {
                return invalid("is negative (its leading zero octet is missing)");
            }
            [0] => return invalid("is zero (r and s are at least 1)"),
            _ => bits[i] = bits_of(c),
        }
    }
    let info = SignatureValueData {
        container: Container::Raw,
        block: None,
        r_bits: bits[0],
        s_bits: bits[1],
        // The step's findings are written by `Step::into_event`.
        findings: Vec::new(),
    };
    Ok(Parsed {
        info,
        key: KeyAlg::default(),
        findings: Vec::new(),
        regions: vec![Region {
            offset: 0,
            length: der.len() as u64,
            kind: "signature",
            algorithm: None,
            score: 600,
            block: None,
            source: "signature_value",
        }],
        container: Container::Raw,
    })
}
