//! A self-signed X.509 certificate split into what its own signature covers
//! and what checks it: the TBSCertificate bytes as written, the outer
//! signatureAlgorithm OID, the signatureValue, and the certificate's own
//! SubjectPublicKeyInfo.
//!
//! Self-signed here means self-issued (issuer and subject the same DER
//! Name) and not a key rollover: when both the authority and the subject
//! key identifier are present they must agree (RFC 5280 §4.2.1.1: a CA's
//! new key may be certified under the same name by its old key, whose
//! signature the new key does not verify — that is no invalid signature).

use der::asn1::AnyRef;
use der::{Decode, Encode, Reader, SliceReader, Tag, TagNumber, Tagged};
use fx_formats::der::read_header;

/// What the self-signature check needs of a certificate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SelfSigned {
    /// The TBSCertificate exactly as written (the signed message).
    pub tbs: Vec<u8>,
    /// The outer signatureAlgorithm OID (dotted).
    pub signature_oid: String,
    /// The signatureValue BIT STRING's bytes (no unused bits).
    pub signature: Vec<u8>,
    /// The DER of the certificate's own SubjectPublicKeyInfo.
    pub spki: Vec<u8>,
}

/// Children of a constructed value, at most `max`.
fn children(value: &[u8], max: usize) -> Option<Vec<AnyRef<'_>>> {
    let mut r = SliceReader::new(value).ok()?;
    let mut out = Vec::new();
    while !r.is_finished() {
        out.push(r.decode::<AnyRef<'_>>().ok()?);
        if out.len() > max {
            return None;
        }
    }
    Some(out)
}

/// The first OID of an AlgorithmIdentifier.
fn algorithm_oid(alg: &AnyRef<'_>) -> Option<String> {
    let parts = children(alg.value(), 2)?;
    let first = parts.first()?;
    (first.tag() == Tag::ObjectIdentifier)
        .then(|| der::asn1::ObjectIdentifier::from_bytes(first.value()).ok())
        .flatten()
        .map(|o| o.to_string())
}

fn context(n: u32, constructed: bool) -> Tag {
    Tag::ContextSpecific {
        constructed,
        number: TagNumber(n),
    }
}

/// The key identifiers of the extensions `[3]`: (authority, subject).
fn key_identifiers(ext: &AnyRef<'_>) -> (Option<Vec<u8>>, Option<Vec<u8>>) {
    let (mut aki, mut ski) = (None, None);
    let Some(list) = children(ext.value(), 1)
        .and_then(|l| l.into_iter().next())
        .and_then(|seq| children(seq.value(), 256).map(|v| v.to_vec()))
    else {
        return (None, None);
    };
    for e in &list {
        let Some(parts) = children(e.value(), 3) else {
            continue;
        };
        let (Some(id), Some(value)) = (parts.first(), parts.last()) else {
            continue;
        };
        let Ok(oid) = der::asn1::ObjectIdentifier::from_bytes(id.value()) else {
            continue;
        };
        let inner = AnyRef::from_der(value.value()).ok();
        match oid.to_string().as_str() {
            "2.5.29.14" => ski = inner.map(|k| k.value().to_vec()),
            "2.5.29.35" => {
                aki = inner.and_then(|s| children(s.value(), 3)).and_then(|p| {
                    p.into_iter()
                        .find(|c| c.tag() == context(0, false))
                        .map(|c| c.value().to_vec())
                });
            }
            _ => {}
        }
    }
    (aki, ski)
}

/// Reads `der` as a self-signed certificate; `None` when it is no
/// certificate, is issued by another name, or its key identifiers say
/// another key signed it.
pub fn read(der: &[u8]) -> Option<SelfSigned> {
    let outer = read_header(der, 0).ok()?;
    let start = outer.content_offset();
    let tbs_end = read_header(der, start).ok()?.end()?;
    let tbs_raw = der.get(start..tbs_end)?;
    let cert = AnyRef::from_der(der.get(..outer.end()?)?).ok()?;
    if cert.tag() != Tag::Sequence {
        return None;
    }
    let top = children(cert.value(), 3)?;
    let [tbs, alg, sig] = top.as_slice() else {
        return None;
    };
    if tbs.tag() != Tag::Sequence || alg.tag() != Tag::Sequence || sig.tag() != Tag::BitString {
        return None;
    }
    let (&unused, signature) = sig.value().split_first()?;
    if unused != 0 {
        return None;
    }
    let parts = children(tbs.value(), 16)?;
    let at = usize::from(parts.first()?.tag() == context(0, true));
    let field = |i: usize| parts.get(at + i);
    let (issuer, subject, spki) = (field(2)?, field(4)?, field(5)?);
    if issuer.tag() != Tag::Sequence || spki.tag() != Tag::Sequence || issuer != subject {
        return None;
    }
    if let Some(ext) = parts
        .iter()
        .skip(at + 6)
        .find(|p| p.tag() == context(3, true))
        && let (Some(a), Some(s)) = key_identifiers(ext)
        && a != s
    {
        return None;
    }
    Some(SelfSigned {
        tbs: tbs_raw.to_vec(),
        signature_oid: algorithm_oid(alg)?,
        signature: signature.to_vec(),
        spki: spki.to_der().ok()?,
    })
}
