//! The parser table: one row per container fx-inspect reads, with the PEM
//! labels that name it and the function that parses it (as fx-route's
//! `SNIFFERS` and fx-probe's probes are listed). A PEM label picks its row;
//! DER without a label is tried against the rows that may be recognised
//! unlabelled, in table order (the stricter shapes first); when none reads
//! it, [`guess`] names the row the structure looks like, so that its
//! parser's failure — made precise by [`crate::defects`] — is reported.
//!
//! Adding a container touches its parser's module and one row here.

use fx_core::vocab::Container;
use fx_formats::der::{Header, TagClass, read_header};
use serde::Serialize;

use crate::bundle::Material;
use crate::bundle::pubkey::{self, PublicKey};
use crate::report::Finding;
use crate::x509::Parsed;
use crate::{Located, Session, cms, keys, ocsp, openssh, params, pkcs12, signature, x509};

/// Parses `der` (a DER object, or a PEM block's decoded body) and records
/// what it read in the session; `Err` is the parser's failure.
pub(crate) type ParseFn = fn(&mut Session<'_>, &[u8], Option<u32>) -> Result<(), Finding>;

/// One container and how to read it.
pub(crate) struct Row {
    /// Step name of the events it writes.
    pub step: &'static str,
    /// The container it reads.
    pub container: Container,
    /// PEM labels that name it.
    pub labels: &'static [&'static str],
    /// True when the body is DER (walked first, trailing data split off).
    pub der: bool,
    /// The parser when a label names the container.
    pub parse: ParseFn,
    /// The parser tried on DER no label names, when this container may be
    /// recognised that way (stricter where a shape is shared).
    pub unlabelled: Option<ParseFn>,
}

fn record<D: Located + Serialize>(
    s: &mut Session<'_>,
    step: &'static str,
    r: Result<Parsed<D>, Finding>,
    block: Option<u32>,
) -> Result<(), Finding> {
    let p = r?;
    s.object(step, p, block);
    Ok(())
}

fn x509_certificate(s: &mut Session<'_>, der: &[u8], b: Option<u32>) -> Result<(), Finding> {
    let lim = s.cfg.der;
    let before = s.members_so_far();
    record(s, "x509", x509::certificate(der, lim), b)?;
    s.collect(before, || Material::Certificate(der.to_vec()));
    Ok(())
}

/// Records a key and keeps its public key (derived, for a private key) for
/// the `bundle` step.
fn key_record(
    s: &mut Session<'_>,
    step: &'static str,
    r: Result<Parsed<keys::KeyInfo>, Finding>,
    b: Option<u32>,
    private: bool,
    public: impl FnOnce() -> Result<PublicKey, String>,
) -> Result<(), Finding> {
    let before = s.members_so_far();
    record(s, step, r, b)?;
    s.collect(before, || Material::Key {
        private,
        public: public(),
    });
    Ok(())
}

fn x509_crl(s: &mut Session<'_>, der: &[u8], b: Option<u32>) -> Result<(), Finding> {
    let lim = s.cfg.der;
    record(s, "x509_crl", x509::crl(der, lim), b)
}

fn x509_csr(s: &mut Session<'_>, der: &[u8], b: Option<u32>) -> Result<(), Finding> {
    record(s, "x509_csr", x509::csr(der), b)
}

fn cross_pair(s: &mut Session<'_>, der: &[u8], b: Option<u32>) -> Result<(), Finding> {
    let mut p = x509::cross_pair(der, s.cfg.der)?;
    let certs = std::mem::take(&mut p.info.certificate_der);
    s.object_record("cross_pair", p, b, |info, c, block| info.record(c, block));
    s.nested_certs(certs, "cross_pair");
    Ok(())
}

fn ocsp_response(s: &mut Session<'_>, der: &[u8], b: Option<u32>) -> Result<(), Finding> {
    let mut p = ocsp::response(der)?;
    let certs = std::mem::take(&mut p.info.certificate_der);
    s.object_record("ocsp", p, b, |info, c, block| info.record(c, block));
    s.nested_certs(certs, "ocsp");
    Ok(())
}

fn ocsp_request(s: &mut Session<'_>, der: &[u8], b: Option<u32>) -> Result<(), Finding> {
    let mut p = ocsp::request(der)?;
    let certs = std::mem::take(&mut p.info.certificate_der);
    s.object_record("ocsp", p, b, |info, c, block| info.record(c, block));
    s.nested_certs(certs, "ocsp");
    Ok(())
}

fn pkcs12(s: &mut Session<'_>, der: &[u8], b: Option<u32>) -> Result<(), Finding> {
    let (p, certs) = pkcs12::pkcs12(der)?;
    s.object("pkcs12", p, b);
    s.nested_certs(certs, "pkcs12");
    Ok(())
}

fn pkcs8(s: &mut Session<'_>, der: &[u8], b: Option<u32>) -> Result<(), Finding> {
    key_record(s, "pkcs8", keys::pkcs8(der), b, true, || {
        pubkey::from_pkcs8(der)
    })
}

fn encrypted_pkcs8(s: &mut Session<'_>, der: &[u8], b: Option<u32>) -> Result<(), Finding> {
    record(s, "pkcs8", keys::encrypted_pkcs8(der), b)
}

fn encrypted_pkcs8_unlabelled(
    s: &mut Session<'_>,
    der: &[u8],
    b: Option<u32>,
) -> Result<(), Finding> {
    record(s, "pkcs8", keys::encrypted_pkcs8_unlabelled(der), b)
}

fn spki(s: &mut Session<'_>, der: &[u8], b: Option<u32>) -> Result<(), Finding> {
    key_record(s, "spki", keys::spki(der), b, false, || {
        pubkey::from_spki_der(der)
    })
}

fn pkcs1_private(s: &mut Session<'_>, der: &[u8], b: Option<u32>) -> Result<(), Finding> {
    key_record(s, "pkcs1", keys::pkcs1_private(der), b, true, || {
        pubkey::from_pkcs1_private(der)
    })
}

fn pkcs1_public(s: &mut Session<'_>, der: &[u8], b: Option<u32>) -> Result<(), Finding> {
    key_record(s, "pkcs1", keys::pkcs1_public(der), b, false, || {
        pubkey::from_pkcs1_public(der)
    })
}

fn pkcs1_public_unlabelled(s: &mut Session<'_>, der: &[u8], b: Option<u32>) -> Result<(), Finding> {
    key_record(
        s,
        "pkcs1",
        keys::pkcs1_public_unlabelled(der),
        b,
        false,
        || pubkey::from_pkcs1_public(der),
    )
}

fn dsa_private(s: &mut Session<'_>, der: &[u8], b: Option<u32>) -> Result<(), Finding> {
    record(s, "dsa", keys::dsa_private(der), b)
}

fn sec1(s: &mut Session<'_>, der: &[u8], b: Option<u32>) -> Result<(), Finding> {
    key_record(s, "sec1", keys::sec1(der), b, true, || {
        pubkey::from_sec1(der, None)
    })
}

fn dh_params(s: &mut Session<'_>, der: &[u8], b: Option<u32>) -> Result<(), Finding> {
    record(s, "params", params::dh(der), b)
}

fn x942_params(s: &mut Session<'_>, der: &[u8], b: Option<u32>) -> Result<(), Finding> {
    record(
        s,
        "params",
        params::x942(der).or_else(|_| params::dh(der)),
        b,
    )
}

fn dh_or_dsa_params(s: &mut Session<'_>, der: &[u8], b: Option<u32>) -> Result<(), Finding> {
    record(s, "params", params::dh_or_dsa_unlabelled(der), b)
}

fn dsa_params(s: &mut Session<'_>, der: &[u8], b: Option<u32>) -> Result<(), Finding> {
    record(s, "params", params::dsa(der), b)
}

fn ec_params(s: &mut Session<'_>, der: &[u8], b: Option<u32>) -> Result<(), Finding> {
    record(s, "params", params::ec(der), b)
}

/// Records a CMS object as the `cms` step's record (in the container
/// `p` names), then inspects the certificates it carries.
fn cms_record(
    s: &mut Session<'_>,
    (p, certs): (Parsed<fx_facts::bundle::CmsData>, Vec<Vec<u8>>),
    b: Option<u32>,
) {
    s.object("cms", p, b);
    s.nested_certs(certs, "cms");
}

fn cms(s: &mut Session<'_>, der: &[u8], b: Option<u32>) -> Result<(), Finding> {
    cms_record(s, cms::cms(der)?, b);
    Ok(())
}

/// A ContentInfo under the `CMS` PEM label (RFC 7468 §9) is a CMS object,
/// whatever its content type.
fn cms_labelled(s: &mut Session<'_>, der: &[u8], b: Option<u32>) -> Result<(), Finding> {
    let (mut p, certs) = cms::cms(der)?;
    p.container = Container::Cms;
    cms_record(s, (p, certs), b);
    Ok(())
}

fn signature_value(s: &mut Session<'_>, der: &[u8], b: Option<u32>) -> Result<(), Finding> {
    record(s, "signature_value", signature::dsa_ecdsa(der), b)
}

fn openssh_private(s: &mut Session<'_>, body: &[u8], b: Option<u32>) -> Result<(), Finding> {
    record(s, "openssh", openssh::private_key(body), b)
}

/// Every container fx-inspect parses from DER or a PEM body. Unlabelled DER
/// is tried in this order.
pub(crate) const ROWS: &[Row] = &[
    Row {
        step: "x509",
        container: Container::X509Certificate,
        labels: &["CERTIFICATE", "X509 CERTIFICATE", "TRUSTED CERTIFICATE"],
        der: true,
        parse: x509_certificate,
        unlabelled: Some(x509_certificate),
    },
    Row {
        step: "x509_crl",
        container: Container::X509Crl,
        labels: &["X509 CRL"],
        der: true,
        parse: x509_crl,
        unlabelled: Some(x509_crl),
    },
    Row {
        step: "x509_csr",
        container: Container::X509Csr,
        labels: &["CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST"],
        der: true,
        parse: x509_csr,
        unlabelled: Some(x509_csr),
    },
    Row {
        step: "cross_pair",
        container: Container::CrossCertificatePair,
        labels: &["CERTIFICATE PAIR"],
        der: true,
        parse: cross_pair,
        unlabelled: Some(cross_pair),
    },
    Row {
        step: "ocsp",
        container: Container::OcspResponse,
        labels: &["OCSP RESPONSE"],
        der: true,
        parse: ocsp_response,
        unlabelled: Some(ocsp_response),
    },
    Row {
        step: "ocsp",
        container: Container::OcspRequest,
        labels: &["OCSP REQUEST"],
        der: true,
        parse: ocsp_request,
        unlabelled: Some(ocsp_request),
    },
    Row {
        step: "pkcs12",
        container: Container::Pkcs12,
        labels: &["PKCS12"],
        der: true,
        parse: pkcs12,
        unlabelled: Some(pkcs12),
    },
    Row {
        step: "pkcs8",
        container: Container::Pkcs8PrivateKey,
        labels: &["PRIVATE KEY"],
        der: true,
        parse: pkcs8,
        unlabelled: Some(pkcs8),
    },
    Row {
        step: "pkcs8",
        container: Container::Pkcs8EncryptedPrivateKey,
        labels: &["ENCRYPTED PRIVATE KEY"],
        der: true,
        parse: encrypted_pkcs8,
        unlabelled: Some(encrypted_pkcs8_unlabelled),
    },
    Row {
        step: "spki",
        container: Container::SpkiPublicKey,
        labels: &["PUBLIC KEY"],
        der: true,
        parse: spki,
        unlabelled: Some(spki),
    },
    Row {
        step: "pkcs1",
        container: Container::Pkcs1PrivateKey,
        labels: &["RSA PRIVATE KEY"],
        der: true,
        parse: pkcs1_private,
        unlabelled: Some(pkcs1_private),
    },
    Row {
        step: "dsa",
        container: Container::DsaPrivateKey,
        labels: &["DSA PRIVATE KEY"],
        der: true,
        parse: dsa_private,
        unlabelled: Some(dsa_private),
    },
    Row {
        step: "sec1",
        container: Container::Sec1PrivateKey,
        labels: &["EC PRIVATE KEY"],
        der: true,
        parse: sec1,
        unlabelled: Some(sec1),
    },
    Row {
        step: "params",
        container: Container::DhParameters,
        labels: &["DH PARAMETERS"],
        der: true,
        parse: dh_params,
        unlabelled: Some(dh_or_dsa_params),
    },
    Row {
        step: "params",
        container: Container::DhParameters,
        labels: &["X9.42 DH PARAMETERS"],
        der: true,
        parse: x942_params,
        unlabelled: None,
    },
    Row {
        step: "params",
        container: Container::DsaParameters,
        labels: &["DSA PARAMETERS"],
        der: true,
        parse: dsa_params,
        unlabelled: None,
    },
    Row {
        step: "pkcs1",
        container: Container::Pkcs1PublicKey,
        labels: &["RSA PUBLIC KEY"],
        der: true,
        parse: pkcs1_public,
        unlabelled: Some(pkcs1_public_unlabelled),
    },
    Row {
        step: "params",
        container: Container::EcParameters,
        labels: &["EC PARAMETERS"],
        der: true,
        parse: ec_params,
        unlabelled: Some(ec_params),
    },
    Row {
        step: "cms",
        container: Container::Pkcs7,
        labels: &["PKCS7", "PKCS #7 SIGNED DATA"],
        der: true,
        parse: cms,
        unlabelled: Some(cms),
    },
    Row {
        step: "cms",
        container: Container::Cms,
        labels: &["CMS"],
        der: true,
        parse: cms_labelled,
        unlabelled: None,
    },
    Row {
        step: "signature_value",
        container: Container::Raw,
        labels: &[],
        der: true,
        parse: signature_value,
        unlabelled: Some(signature_value),
    },
    Row {
        step: "openssh",
        container: Container::OpensshPrivateKey,
        labels: &["OPENSSH PRIVATE KEY"],
        der: false,
        parse: openssh_private,
        unlabelled: None,
    },
];

/// The row a PEM label names.
pub(crate) fn by_label(label: &str) -> Option<&'static Row> {
    ROWS.iter().find(|r| r.labels.contains(&label))
}

fn row(container: Container) -> Option<&'static Row> {
    ROWS.iter().find(|r| r.container == container)
}

/// The children of the first element (tag octet of each, up to 12).
fn children(der: &[u8], top: &Header) -> Vec<(u8, Header)> {
    let mut out = Vec::new();
    let end = top.end().unwrap_or(der.len()).min(der.len());
    let Some(bytes) = der.get(..end) else {
        return out;
    };
    let mut pos = top.content_offset();
    while pos < end && out.len() < 12 {
        let Ok(h) = read_header(bytes, pos) else {
            break;
        };
        out.push((bytes[pos], h));
        match h.end() {
            Some(e) if e > pos => pos = e,
            _ => break,
        }
    }
    out
}

fn tags(kids: &[(u8, Header)]) -> Vec<u8> {
    kids.iter().map(|k| k.0).collect()
}

/// The container whose parser's failure explains DER that no parser read:
/// the shape of the outer element's content (its own tag may be the
/// defect), or `None` when nothing is alike.
pub(crate) fn guess(der: &[u8]) -> Option<&'static Row> {
    let top = read_header(der, 0).ok()?;
    if !top.constructed {
        return (top.class == TagClass::Universal && top.number == 6)
            .then(|| row(Container::EcParameters))
            .flatten();
    }
    let kids = children(der, &top);
    let t = tags(&kids);
    // A version field: a one-octet INTEGER (or the ENUMERATED it became).
    let versioned = kids
        .first()
        .is_some_and(|(_, h)| h.len == Some(1) && !h.constructed);
    let c = match t.as_slice() {
        [0x02 | 0x0a, 0x30, 0x04, ..] if versioned => Container::Pkcs8PrivateKey,
        // Signed structures: { tbs, AlgorithmIdentifier, BIT STRING }.
        [tbs, 0x30, 0x03 | 0x04] if tbs & 0x20 != 0 => {
            let inner = tags(&children(der, &kids[0].1));
            match inner.as_slice() {
                [0x02, 0x30, 0x30, 0xa0, ..] => Container::X509Csr,
                [0x02, 0x30, 0x30, 0x17 | 0x18, ..] | [0x30, 0x30, 0x17 | 0x18, ..] => {
                    Container::X509Crl
                }
                _ => Container::X509Certificate,
            }
        }
        // { AlgorithmIdentifier, key }: an SPKI.
        [0x30, 0x03 | 0x04] => Container::SpkiPublicKey,
        [0x02, 0x30, 0x30, ..] if versioned => Container::Pkcs12,
        [0x02 | 0x0a, 0x04, ..] if versioned => Container::Sec1PrivateKey,
        [0x06, 0xa0, ..] => Container::Pkcs7,
        [0x0a] | [0x0a, 0xa0] => Container::OcspResponse,
        [0xa0] | [0xa1] | [0xa0, 0xa1] => Container::CrossCertificatePair,
        // { TBSRequest, [0] signature }: a definite TBSRequest.
        [0x30] | [0x30, 0xa0] if kids[0].1.len.is_some() => Container::OcspRequest,
        _ if t.len() >= 9 && t.iter().all(|&x| x == 0x02) => Container::Pkcs1PrivateKey,
        _ if t.len() == 6 && t.iter().all(|&x| x == 0x02) => Container::DsaPrivateKey,
        // Few elements, short: a DSA/ECDSA signature value (r, s).
        _ if der.len() <= 160 && top.len.is_some() && (1..=3).contains(&t.len()) => Container::Raw,
        [0x02, 0x02] => Container::Pkcs1PublicKey,
        _ => return None,
    };
    row(c)
}
