//! X.509 certificates, CSRs and CRLs (x509-cert, lenient `Raw` profile so a
//! certificate outside RFC 5280's rules is still read whole).

use der::{Decode, Encode};
use fx_core::vocab::{Container, FailureKind};
use fx_formats::der::{WalkLimits, oids_in, walk};
use fx_formats::oids;
use x509_cert::certificate::{CertificateInner, Raw};
use x509_cert::crl::CertificateList;
use x509_cert::ext::Extensions;
use x509_cert::request::CertReq;
use x509_cert::spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};

use crate::algorithm::{self, KeyAlg};
use crate::derr::der_finding;
use crate::report::{Finding, Region};

// The step data is built as the records of fx-facts, the ones the readers
// (features, reports, the CBOM) use: what a certificate, CSR or CRL says is
// `CertificateData`, `CsrData`, `CrlData`.
pub use fx_facts::certificate::AltAlgorithm as AltAlg;
pub use fx_facts::{AlgorithmId as AlgId, CertificateData, CrlData, CsrData, Extension as Ext};

/// The algorithm identifier `a` as read.
fn alg_id(a: &AlgorithmIdentifierOwned) -> AlgId {
    let oid = a.oid.to_string();
    AlgId {
        name: oids::name(&oid).map(str::to_owned),
        oid,
    }
}

/// The algorithm analysis of an SPKI.
pub fn spki_alg(spki: &SubjectPublicKeyInfoOwned) -> (KeyAlg, Vec<Finding>) {
    let params = spki
        .algorithm
        .parameters
        .as_ref()
        .and_then(|p| p.to_der().ok());
    algorithm::public_key(
        &spki.algorithm.oid.to_string(),
        params.as_deref(),
        spki.subject_public_key.raw_bytes(),
    )
}

fn extensions(exts: Option<&Extensions>, limits: WalkLimits, alt: &mut Vec<AltAlg>) -> Vec<Ext> {
    let mut out = Vec::new();
    for e in exts.map(|v| v.as_slice()).unwrap_or(&[]) {
        let oid = e.extn_id.to_string();
        let name = oids::name(&oid);
        let value = e.extn_value.as_bytes();
        // Algorithms hidden in extension values (alt signature, delta certificates).
        let w = walk(value, limits);
        for o in oids_in(value, &w) {
            if let Some(entry) = oids::lookup(&o)
                && entry.kind.is_asymmetric()
                && !alt.iter().any(|a| a.oid == o)
            {
                alt.push(AltAlg {
                    oid: o.clone(),
                    name: entry.name.to_owned(),
                    found_in: name.map(str::to_owned).unwrap_or_else(|| oid.clone()),
                });
            }
        }
        out.push(Ext {
            oid,
            name: name.map(str::to_owned),
            critical: e.critical,
            len: value.len() as u64,
        });
    }
    out
}

fn params_algs(
    a: &AlgorithmIdentifierOwned,
    limits: WalkLimits,
    alt: &mut Vec<AltAlg>,
    place: &str,
) {
    let Some(p) = a.parameters.as_ref().and_then(|p| p.to_der().ok()) else {
        return;
    };
    let w = walk(&p, limits);
    for o in oids_in(&p, &w) {
        if let Some(entry) = oids::lookup(&o)
            && entry.kind.is_asymmetric()
            && !alt.iter().any(|x| x.oid == o)
        {
            alt.push(AltAlg {
                oid: o,
                name: entry.name.to_owned(),
                found_in: place.to_owned(),
            });
        }
    }
}

fn hex_upper(b: &[u8]) -> String {
    hex::encode_upper(b)
}

/// A parsed object of the X.509 family.
pub struct Parsed<D> {
    /// The data of the step.
    pub info: D,
    /// The primary key algorithm.
    pub key: KeyAlg,
    /// Findings (unknown OIDs, size mismatches) — the parse itself succeeded.
    pub findings: Vec<Finding>,
    /// Regions in the DER.
    pub regions: Vec<Region>,
    /// Container kind.
    pub container: Container,
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return None;
    }
    memchr::memmem::find(hay, needle)
}

fn key_and_sig_regions(
    der: &[u8],
    key: &KeyAlg,
    key_bytes: &[u8],
    sig_alg: &AlgId,
    sig: &[u8],
    source: &'static str,
) -> Vec<Region> {
    let mut out = Vec::new();
    if let Some(off) = find(der, key_bytes) {
        let whole = Region {
            offset: off as u64,
            length: key_bytes.len() as u64,
            kind: "public_key",
            algorithm: key.algorithm.clone(),
            score: if key.algorithm.is_some() { 900 } else { 600 },
            block: None,
            source,
        };
        out.extend(crate::regions::composite_components(&whole, key));
        out.push(whole);
    }
    // The signature is the last element of the structure.
    if !sig.is_empty() && der.len() >= sig.len() && der.ends_with(sig) {
        let whole = Region {
            offset: (der.len() - sig.len()) as u64,
            length: sig.len() as u64,
            kind: "signature",
            algorithm: sig_alg.name.clone(),
            score: if sig_alg.name.is_some() { 850 } else { 550 },
            block: None,
            source,
        };
        // Composite signature: ML-DSA signature ‖ traditional signature.
        if let Some((pq, trad)) = sig_alg.name.as_deref().and_then(oids::composite_components)
            && let Some(n) = fx_formats::pqc_params::by_name(pq)
                .and_then(|p| p.signature)
                .map(|l| l.max() as u64)
            && whole.length > n
        {
            out.push(Region {
                length: n,
                algorithm: Some(pq.to_owned()),
                score: 830,
                source: "composite",
                ..whole.clone()
            });
            out.push(Region {
                offset: whole.offset + n,
                length: whole.length - n,
                algorithm: Some(oids::composite_trad_algorithm(&trad).to_owned()),
                score: 820,
                source: "composite",
                ..whole.clone()
            });
        }
        out.push(whole);
    }
    out
}

/// Parses a certificate.
pub fn certificate(der: &[u8], limits: WalkLimits) -> Result<Parsed<CertificateData>, Finding> {
    let cert =
        CertificateInner::<Raw>::from_der(der).map_err(|e| der_finding(&e, "certificate"))?;
    let tbs = cert.tbs_certificate();
    let spki = tbs.subject_public_key_info();
    let (key, mut findings) = spki_alg(spki);
    let sig_alg = alg_id(cert.signature_algorithm());
    if sig_alg.name.is_none() {
        findings.push(Finding::new(
            FailureKind::UnknownOid,
            format!("signature algorithm {} is not known", sig_alg.oid),
        ));
    }
    let mut alt = Vec::new();
    params_algs(
        cert.signature_algorithm(),
        limits,
        &mut alt,
        "signatureAlgorithm.parameters",
    );
    params_algs(
        &spki.algorithm,
        limits,
        &mut alt,
        "subjectPublicKeyInfo.algorithm.parameters",
    );
    let exts = extensions(tbs.extensions(), limits, &mut alt);
    let sig = cert.signature().raw_bytes();
    let subject = crate::names::rfc4514(tbs.subject());
    let issuer = crate::names::rfc4514(tbs.issuer());
    let regions = key_and_sig_regions(
        der,
        &key,
        spki.subject_public_key.raw_bytes(),
        &sig_alg,
        sig,
        "x509",
    );
    let info = CertificateData {
        container: Container::X509Certificate,
        block: None,
        within: None,
        version: match tbs.version() {
            x509_cert::certificate::Version::V1 => "v1",
            x509_cert::certificate::Version::V2 => "v2",
            x509_cert::certificate::Version::V3 => "v3",
        }
        .to_owned(),
        serial: hex_upper(tbs.serial_number().as_bytes()),
        self_issued: subject == issuer,
        subject,
        issuer,
        not_before: tbs.validity().not_before.to_string(),
        not_after: tbs.validity().not_after.to_string(),
        signature_algorithm: sig_alg,
        signature_len: sig.len() as u64,
        public_key: key.record(),
        extensions: exts,
        alt_algorithms: alt,
        // Findings are the step's, written beside the data by the report.
        findings: Vec::new(),
    };
    Ok(Parsed {
        info,
        key,
        findings,
        regions,
        container: Container::X509Certificate,
    })
}

/// Parses a PKCS#10 request.
pub fn csr(der: &[u8]) -> Result<Parsed<CsrData>, Finding> {
    let req = CertReq::from_der(der).map_err(|e| der_finding(&e, "certification request"))?;
    let (key, mut findings) = spki_alg(&req.info.public_key);
    let sig_alg = alg_id(&req.algorithm);
    if sig_alg.name.is_none() {
        findings.push(Finding::new(
            FailureKind::UnknownOid,
            format!("signature algorithm {} is not known", sig_alg.oid),
        ));
    }
    let regions = key_and_sig_regions(
        der,
        &key,
        req.info.public_key.subject_public_key.raw_bytes(),
        &sig_alg,
        req.signature.raw_bytes(),
        "x509_csr",
    );
    let info = CsrData {
        container: Container::X509Csr,
        block: None,
        subject: crate::names::rfc4514(&req.info.subject),
        signature_algorithm: sig_alg,
        public_key: key.record(),
        attributes: req
            .info
            .attributes
            .iter()
            .map(|a| a.oid.to_string())
            .collect(),
        findings: Vec::new(),
    };
    Ok(Parsed {
        info,
        key,
        findings,
        regions,
        container: Container::X509Csr,
    })
}

/// Parses a CRL.
pub fn crl(der: &[u8], limits: WalkLimits) -> Result<Parsed<CrlData>, Finding> {
    let crl = CertificateList::<Raw>::from_der(der).map_err(|e| der_finding(&e, "CRL"))?;
    let sig_alg = alg_id(&crl.signature_algorithm);
    let mut findings = Vec::new();
    if sig_alg.name.is_none() {
        findings.push(Finding::new(
            FailureKind::UnknownOid,
            format!("signature algorithm {} is not known", sig_alg.oid),
        ));
    }
    let mut alt = Vec::new();
    let tbs = &crl.tbs_cert_list;
    let info = CrlData {
        container: Container::X509Crl,
        block: None,
        issuer: crate::names::rfc4514(&tbs.issuer),
        this_update: tbs.this_update.to_string(),
        next_update: tbs.next_update.map(|t| t.to_string()),
        revoked: tbs
            .revoked_certificates
            .as_ref()
            .map_or(0, |r| r.len() as u64),
        extensions: extensions(tbs.crl_extensions.as_ref(), limits, &mut alt),
        signature_algorithm: sig_alg.clone(),
        findings: Vec::new(),
    };
    let sig = crl.signature.raw_bytes();
    let mut regions = Vec::new();
    if !sig.is_empty() && der.ends_with(sig) {
        regions.push(Region {
            offset: (der.len() - sig.len()) as u64,
            length: sig.len() as u64,
            kind: "signature",
            algorithm: sig_alg.name.clone(),
            score: 800,
            block: None,
            source: "x509_crl",
        });
    }
    let key = KeyAlg {
        oid: sig_alg.oid.clone(),
        algorithm: sig_alg.name.clone(),
        ..KeyAlg::default()
    };
    Ok(Parsed {
        info,
        key,
        findings,
        regions,
        container: Container::X509Crl,
    })
}

/// An X.509 `CertificatePair` (X.509 §11.2.3, RFC 2587): a forward and/or a
/// reverse certificate between two CAs.
#[derive(der::Sequence)]
struct CertificatePair<'a> {
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    issued_to_this_ca: Option<der::asn1::AnyRef<'a>>,
    #[asn1(context_specific = "1", tag_mode = "EXPLICIT", optional = "true")]
    issued_by_this_ca: Option<der::asn1::AnyRef<'a>>,
}

/// What a cross-certificate pair holds.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PairInfo {
    /// The forward certificate (issued to this CA) is present.
    pub forward: bool,
    /// The reverse certificate (issued by this CA) is present.
    pub reverse: bool,
    /// The certificates (DER), inspected as members.
    pub certificate_der: Vec<Vec<u8>>,
}

impl PairInfo {
    /// The `cross_pair` step's record: the pair read as `container`, from
    /// PEM block `block`. Its findings stay empty (the step's findings are
    /// written by `Step::into_event`).
    pub fn record(
        self,
        container: Container,
        block: Option<u32>,
    ) -> fx_facts::certificate::CrossPairData {
        fx_facts::certificate::CrossPairData {
            container,
            block,
            forward: self.forward,
            reverse: self.reverse,
            findings: Vec::new(),
        }
    }
}

/// Parses a cross-certificate pair; each certificate must itself decode.
pub fn cross_pair(der: &[u8], limits: WalkLimits) -> Result<Parsed<PairInfo>, Finding> {
    let pair = CertificatePair::from_der(der).map_err(|e| der_finding(&e, "certificate pair"))?;
    let mut info = PairInfo::default();
    for (present, c) in [
        (&mut info.forward, pair.issued_to_this_ca),
        (&mut info.reverse, pair.issued_by_this_ca),
    ] {
        if let Some(c) = c {
            let d = c
                .to_der()
                .map_err(|e| der_finding(&e, "certificate pair member"))?;
            certificate(&d, limits)?;
            *present = true;
            info.certificate_der.push(d);
        }
    }
    if info.certificate_der.is_empty() {
        return Err(Finding::new(
            FailureKind::MalformedHeader,
            "certificate pair without a certificate",
        ));
    }
    Ok(Parsed {
        info,
        key: KeyAlg::default(),
        findings: Vec::new(),
        regions: Vec::new(),
        container: Container::CrossCertificatePair,
    })
}
