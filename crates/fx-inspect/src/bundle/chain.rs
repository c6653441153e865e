//! Chain building among the certificates of a bundle: each certificate's
//! issuer found by name (the authority/subject key identifiers ranking the
//! candidates), and the issuer's key verifying its signature.

use der::asn1::AnyRef;
use der::{Decode, Encode};
use fx_facts::bundle::{Chain, ChainLink, LinkOutcome};
use fx_formats::der::read_header;
use x509_cert::certificate::{CertificateInner, Raw};
use x509_cert::ext::pkix::{AuthorityKeyIdentifier, SubjectKeyIdentifier};

use super::pubkey::{self, PublicKey};
use super::verify::{self, Check};

/// Issuer candidates tried per certificate.
const MAX_CANDIDATES: usize = 8;

/// What the chain builder needs of one certificate.
pub(crate) struct Cert {
    index: u64,
    subject: Vec<u8>,
    issuer: Vec<u8>,
    serial: Vec<u8>,
    subject_name: String,
    issuer_name: String,
    tbs: Vec<u8>,
    signature: Vec<u8>,
    scheme: Result<verify::Scheme, String>,
    signature_algorithm: String,
    tbs_algorithm_matches: bool,
    key: Result<PublicKey, String>,
    aki: Option<Vec<u8>>,
    ski: Option<Vec<u8>>,
    validity: (u64, u64),
}

impl Cert {
    /// The object index of the certificate.
    pub(crate) fn index(&self) -> u64 {
        self.index
    }

    /// True when the certificate is the one `issuer` (a DER Name) and
    /// `serial` name.
    pub(crate) fn is(&self, issuer: &[u8], serial: &[u8]) -> bool {
        self.issuer == issuer && self.serial == serial
    }

    /// True when its subject key identifier is `ski`.
    pub(crate) fn has_ski(&self, ski: &[u8]) -> bool {
        self.ski.as_deref() == Some(ski)
    }

    /// Its subject (RFC 4514) and serial (uppercase hex).
    pub(crate) fn names(&self) -> (String, String) {
        (self.subject_name.clone(), hex::encode_upper(&self.serial))
    }

    /// Its subject public key.
    pub(crate) fn key(&self) -> Option<&PublicKey> {
        self.key.as_ref().ok()
    }
}

/// The bytes of the first element inside the outer SEQUENCE of `der` (the
/// signed part, exactly as written).
fn tbs_bytes(der: &[u8]) -> Option<&[u8]> {
    let outer = read_header(der, 0).ok()?;
    let start = outer.content_offset();
    let inner = read_header(der, start).ok()?;
    der.get(start..inner.end()?)
}

/// Reads what chain building needs of a certificate; `None` when it does
/// not parse (its own `x509` step already says why).
pub(crate) fn read(index: u64, der: &[u8]) -> Option<Cert> {
    let cert = CertificateInner::<Raw>::from_der(der).ok()?;
    let tbs = cert.tbs_certificate();
    let outer = cert.signature_algorithm();
    let inner = tbs.signature();
    let oid = outer.oid.to_string();
    let spki_der = tbs.subject_public_key_info().to_der().ok();
    let ext = |want: &str| {
        tbs.extensions()
            .into_iter()
            .flatten()
            .find(|e| e.extn_id.to_string() == want)
            .map(|e| e.extn_value.as_bytes().to_vec())
    };
    let aki = ext("2.5.29.35")
        .and_then(|v| AuthorityKeyIdentifier::from_der(&v).ok())
        .and_then(|a| a.key_identifier.map(|k| k.as_bytes().to_vec()));
    let ski = ext("2.5.29.14")
        .and_then(|v| SubjectKeyIdentifier::from_der(&v).ok())
        .map(|s| s.0.as_bytes().to_vec());
    let v = tbs.validity();
    Some(Cert {
        index,
        subject: tbs.subject().to_der().ok()?,
        issuer: tbs.issuer().to_der().ok()?,
        serial: tbs.serial_number().as_bytes().to_vec(),
        subject_name: crate::names::rfc4514(tbs.subject()),
        issuer_name: crate::names::rfc4514(tbs.issuer()),
        tbs: tbs_bytes(der)?.to_vec(),
        signature: cert.signature().raw_bytes().to_vec(),
        scheme: verify::scheme_of(&outer.oid, outer.parameters.as_ref().map(AnyRef::from)),
        signature_algorithm: fx_formats::oids::name(&oid).unwrap_or(&oid).to_owned(),
        tbs_algorithm_matches: outer.to_der().ok() == inner.to_der().ok(),
        key: spki_der
            .as_deref()
            .map_or(Err("SPKI".to_owned()), pubkey::from_spki_der),
        aki,
        ski,
        validity: (
            v.not_before.to_unix_duration().as_secs(),
            v.not_after.to_unix_duration().as_secs(),
        ),
    })
}

/// Verifications left (a deterministic budget, not a clock).
pub(crate) struct Budget {
    /// Verifications still allowed.
    pub(crate) left: usize,
    /// Set when a verification was refused for want of budget.
    pub(crate) hit: bool,
}

/// `issuer`'s key on `child`'s signature; `None` when the budget is spent.
fn try_issuer(child: &Cert, issuer: &Cert, budget: &mut Budget) -> Option<Check> {
    let scheme = match &child.scheme {
        Ok(s) => *s,
        Err(why) => return Some(Check::Unsupported(why.clone())),
    };
    let key = match &issuer.key {
        Ok(k) => k,
        Err(why) => return Some(Check::Unsupported(format!("the issuer's key: {why}"))),
    };
    if budget.left == 0 {
        budget.hit = true;
        return None;
    }
    budget.left -= 1;
    Some(verify::verify(key, scheme, &child.tbs, &child.signature))
}

fn key_id_match(child: &Cert, issuer: &Cert) -> Option<bool> {
    match (&child.aki, &issuer.ski) {
        (Some(a), Some(s)) => Some(a == s),
        _ => None,
    }
}

/// The link of `child` to its issuer among `certs`.
fn link(child: &Cert, certs: &[Cert], budget: &mut Budget) -> ChainLink {
    let mut out = ChainLink {
        certificate: child.index,
        issuer: None,
        outcome: LinkOutcome::IssuerAbsent,
        signature_algorithm: child.signature_algorithm.clone(),
        issuer_name: child.issuer_name.clone(),
        self_signed: false,
        signature_verified: None,
        key_id_match: None,
        tbs_algorithm_matches: child.tbs_algorithm_matches,
        validity_nested: None,
        detail: None,
    };
    // By name; the certificate itself first, then those whose key
    // identifier agrees, then the rest, each in bundle order.
    let mut by_name: Vec<&Cert> = certs.iter().filter(|c| c.subject == child.issuer).collect();
    by_name.sort_by_key(|c| {
        (
            c.index != child.index,
            key_id_match(child, c) == Some(false),
            c.index,
        )
    });
    let by_name_found = !by_name.is_empty();
    let candidates: Vec<&Cert> = if by_name_found {
        by_name
    } else {
        // No name matches: a certificate whose subject key identifier is
        // the authority key identifier is named, not trusted.
        certs
            .iter()
            .filter(|c| c.index != child.index && key_id_match(child, c) == Some(true))
            .collect()
    };
    if candidates.is_empty() {
        out.detail = Some("no certificate of the bundle has the issuer's name".to_owned());
        return out;
    }
    let mut first_invalid: Option<(&Cert, String)> = None;
    let mut first_unsupported: Option<(&Cert, String)> = None;
    let mut verified: Option<&Cert> = None;
    let mut budget_out = false;
    for c in candidates.iter().take(MAX_CANDIDATES) {
        match try_issuer(child, c, budget) {
            None => {
                budget_out = true;
                break;
            }
            Some(Check::Verified) => {
                verified = Some(c);
                break;
            }
            Some(Check::Invalid(why)) => {
                first_invalid.get_or_insert((c, why));
            }
            Some(Check::Unsupported(why)) => {
                first_unsupported.get_or_insert((c, why));
            }
        }
    }
    let (issuer, outcome, sig, detail) = match (verified, first_invalid, first_unsupported) {
        (Some(c), _, _) => (c, LinkOutcome::Verified, Some(true), None),
        (None, Some((c, why)), _) => (c, LinkOutcome::SignatureInvalid, Some(false), Some(why)),
        (None, None, Some((c, why))) => (c, LinkOutcome::UnsupportedAlgorithm, None, Some(why)),
        (None, None, None) => (
            candidates[0],
            LinkOutcome::NotChecked,
            None,
            Some("budget:bundle_verifications".to_owned()),
        ),
    };
    let outcome = match outcome {
        _ if !by_name_found => LinkOutcome::NameMismatch,
        LinkOutcome::Verified if !child.tbs_algorithm_matches => LinkOutcome::AlgorithmMismatch,
        LinkOutcome::UnsupportedAlgorithm | LinkOutcome::SignatureInvalid if budget_out => {
            LinkOutcome::NotChecked
        }
        o => o,
    };
    out.issuer = Some(issuer.index);
    out.outcome = outcome;
    out.self_signed = issuer.index == child.index;
    out.signature_verified = sig;
    out.key_id_match = key_id_match(child, issuer);
    if !out.self_signed {
        out.validity_nested =
            Some(child.validity.0 >= issuer.validity.0 && child.validity.1 <= issuer.validity.1);
    }
    out.detail = match outcome {
        LinkOutcome::NameMismatch => Some(
            "no certificate of the bundle has the issuer's name; this one has its key identifier"
                .to_owned(),
        ),
        LinkOutcome::AlgorithmMismatch => Some(
            "the signature algorithm inside the signed part differs from the outer one".to_owned(),
        ),
        LinkOutcome::NotChecked => Some("budget:bundle_verifications".to_owned()),
        _ => detail,
    };
    out
}

/// Every certificate's link, in bundle order.
pub(crate) fn links(certs: &[Cert], budget: &mut Budget) -> Vec<ChainLink> {
    certs.iter().map(|c| link(c, certs, budget)).collect()
}

/// The chains: from each certificate no other one's verified link names as
/// issuer, the verified links up. Only chains of two certificates or more.
pub(crate) fn chains(links: &[ChainLink]) -> Vec<Chain> {
    let verified = |l: &&ChainLink| l.outcome == LinkOutcome::Verified;
    let issues_another = |i: u64| {
        links
            .iter()
            .filter(verified)
            .any(|l| l.issuer == Some(i) && l.certificate != i)
    };
    let mut out = Vec::new();
    for start in links.iter().map(|l| l.certificate) {
        if issues_another(start) {
            continue;
        }
        let mut path = vec![start];
        let mut complete = false;
        let mut cur = start;
        while let Some(l) = links.iter().find(|l| l.certificate == cur) {
            match l.issuer {
                Some(i) if l.outcome == LinkOutcome::Verified && i == cur => {
                    complete = true;
                    break;
                }
                Some(i) if l.outcome == LinkOutcome::Verified && !path.contains(&i) => {
                    path.push(i);
                    cur = i;
                }
                _ => break,
            }
        }
        if path.len() > 1 {
            out.push(Chain {
                certificates: path,
                complete,
            });
        }
    }
    out
}
