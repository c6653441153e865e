//! OCSP requests and responses (RFC 6960 §4.1, §4.2), decoded with `der`
//! derives of the RFC's ASN.1 (RustCrypto's `x509-ocsp` is not in the tree
//! and its release for this `der` version is a release candidate; the
//! structures are a few dozen lines). A request gives its certificate IDs,
//! nonce and signature; a response its status and, for a basic response,
//! the responder, the per-certificate statuses, the signature algorithm and
//! the certificates it carries (the responder's, inspected as members).

use der::asn1::{AnyRef, BitStringRef, GeneralizedTime, ObjectIdentifier, OctetStringRef, UintRef};
use der::{Decode, Encode, Sequence, Tag, Tagged};
use fx_core::vocab::{Container, FailureKind};
use fx_formats::oids;
use spki::AlgorithmIdentifierRef;

use crate::algorithm::KeyAlg;
use crate::derr::der_finding;
use crate::report::{Finding, Region};
use crate::x509::Parsed;

#[derive(Sequence)]
struct CertId<'a> {
    hash_algorithm: AlgorithmIdentifierRef<'a>,
    issuer_name_hash: &'a OctetStringRef,
    issuer_key_hash: &'a OctetStringRef,
    serial_number: UintRef<'a>,
}

#[derive(Sequence)]
struct Request<'a> {
    req_cert: CertId<'a>,
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    extensions: Option<AnyRef<'a>>,
}

#[derive(Sequence)]
struct TbsRequest<'a> {
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    version: Option<UintRef<'a>>,
    #[asn1(context_specific = "1", tag_mode = "EXPLICIT", optional = "true")]
    requestor_name: Option<AnyRef<'a>>,
    request_list: Vec<Request<'a>>,
    #[asn1(context_specific = "2", tag_mode = "EXPLICIT", optional = "true")]
    extensions: Option<AnyRef<'a>>,
}

#[derive(Sequence)]
struct Signature<'a> {
    algorithm: AlgorithmIdentifierRef<'a>,
    signature: BitStringRef<'a>,
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    certs: Option<Vec<AnyRef<'a>>>,
}

#[derive(Sequence)]
struct OcspRequest<'a> {
    tbs_request: TbsRequest<'a>,
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    optional_signature: Option<Signature<'a>>,
}

#[derive(Sequence)]
struct ResponseBytes<'a> {
    response_type: ObjectIdentifier,
    response: &'a OctetStringRef,
}

#[derive(Sequence)]
struct OcspResponse<'a> {
    status: AnyRef<'a>,
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    response_bytes: Option<ResponseBytes<'a>>,
}

#[derive(Sequence)]
struct SingleResponse<'a> {
    cert_id: CertId<'a>,
    cert_status: AnyRef<'a>,
    this_update: GeneralizedTime,
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    next_update: Option<GeneralizedTime>,
    #[asn1(context_specific = "1", tag_mode = "EXPLICIT", optional = "true")]
    extensions: Option<AnyRef<'a>>,
}

#[derive(Sequence)]
struct ResponseData<'a> {
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    version: Option<UintRef<'a>>,
    responder_id: AnyRef<'a>,
    produced_at: GeneralizedTime,
    responses: Vec<SingleResponse<'a>>,
    #[asn1(context_specific = "1", tag_mode = "EXPLICIT", optional = "true")]
    extensions: Option<AnyRef<'a>>,
}

#[derive(Sequence)]
struct BasicOcspResponse<'a> {
    tbs_response_data: ResponseData<'a>,
    signature_algorithm: AlgorithmIdentifierRef<'a>,
    signature: BitStringRef<'a>,
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    certs: Option<Vec<AnyRef<'a>>>,
}

const BASIC: &str = "1.3.6.1.5.5.7.48.1.1";
const NONCE: &[u8] = &[
    0x06, 0x09, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x01, 0x02,
];

/// What an OCSP request or response says.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OcspInfo {
    /// Response status (`successful`, `tryLater`, …); responses only.
    pub status: Option<&'static str>,
    /// Response type (`basic` or the OID); responses only.
    pub response_type: Option<String>,
    /// Certificates asked about / answered for.
    pub certificates_asked: usize,
    /// Per-certificate statuses of a response (`good`, `revoked`, `unknown`).
    pub cert_statuses: Vec<&'static str>,
    /// Hash algorithm of the first CertID.
    pub cert_id_hash: Option<String>,
    /// `by_name` / `by_key` (responses).
    pub responder_id: Option<&'static str>,
    /// A nonce extension is present.
    pub nonce: bool,
    /// Signature algorithm (signed requests, basic responses).
    pub signature_algorithm: Option<String>,
    /// Certificates carried.
    pub certificates: usize,
    /// Certificates carried (DER), for further inspection.
    pub certificate_der: Vec<Vec<u8>>,
}

impl OcspInfo {
    /// The `ocsp` step's record: the request or response read as
    /// `container`, from PEM block `block`. Its findings stay empty (the
    /// step's findings are written by `Step::into_event`).
    pub fn record(self, container: Container, block: Option<u32>) -> fx_facts::ocsp::OcspData {
        fx_facts::ocsp::OcspData {
            container,
            block,
            status: self.status.map(str::to_owned),
            response_type: self.response_type,
            certificates_asked: self.certificates_asked as u64,
            cert_statuses: self.cert_statuses.iter().map(|&s| s.to_owned()).collect(),
            cert_id_hash: self.cert_id_hash,
            responder_id: self.responder_id.map(str::to_owned),
            nonce: self.nonce,
            signature_algorithm: self.signature_algorithm,
            certificates: self.certificates as u64,
            findings: Vec::new(),
        }
    }
}

fn name_or_oid(oid: &ObjectIdentifier) -> String {
    let s = oid.to_string();
    oids::name(&s).map(str::to_owned).unwrap_or(s)
}

fn certs(list: Option<&Vec<AnyRef<'_>>>, info: &mut OcspInfo) {
    for c in list.into_iter().flatten() {
        info.certificates += 1;
        if let Ok(d) = c.to_der() {
            info.certificate_der.push(d);
        }
    }
}

fn signature_region(der: &[u8], sig: &[u8], alg: &str, source: &'static str) -> Option<Region> {
    if sig.is_empty() {
        return None;
    }
    memchr::memmem::find(der, sig).map(|off| Region {
        offset: off as u64,
        length: sig.len() as u64,
        kind: "signature",
        algorithm: Some(alg.to_owned()),
        score: 800,
        block: None,
        source,
    })
}

fn version_zero(v: Option<&UintRef<'_>>, what: &str) -> Result<(), Finding> {
    match v {
        Some(v) if v.as_bytes() != [0] => Err(Finding::new(
            FailureKind::BadVersion,
            format!("{what} version is not v1 (0)"),
        )),
        _ => Ok(()),
    }
}

/// Parses an `OCSPRequest`.
pub fn request(der: &[u8]) -> Result<Parsed<OcspInfo>, Finding> {
    let r = OcspRequest::from_der(der).map_err(|e| der_finding(&e, "OCSP request"))?;
    let tbs = &r.tbs_request;
    version_zero(tbs.version.as_ref(), "TBSRequest")?;
    if tbs.request_list.is_empty() {
        return Err(Finding::new(
            FailureKind::MalformedHeader,
            "OCSP request without a certificate to ask about",
        ));
    }
    let _ = &tbs.requestor_name;
    let mut info = OcspInfo {
        certificates_asked: tbs.request_list.len(),
        cert_id_hash: tbs
            .request_list
            .first()
            .map(|q| name_or_oid(&q.req_cert.hash_algorithm.oid)),
        nonce: tbs
            .extensions
            .as_ref()
            .is_some_and(|e| memchr::memmem::find(e.value(), NONCE).is_some()),
        ..OcspInfo::default()
    };
    for q in &tbs.request_list {
        let _ = (
            &q.extensions,
            &q.req_cert.issuer_name_hash,
            &q.req_cert.issuer_key_hash,
            &q.req_cert.serial_number,
        );
    }
    let mut regions = Vec::new();
    let mut key = KeyAlg::default();
    if let Some(sig) = &r.optional_signature {
        let alg = name_or_oid(&sig.algorithm.oid);
        key.oid = sig.algorithm.oid.to_string();
        regions.extend(signature_region(
            der,
            sig.signature.raw_bytes(),
            &alg,
            "ocsp",
        ));
        info.signature_algorithm = Some(alg);
        certs(sig.certs.as_ref(), &mut info);
    }
    Ok(Parsed {
        info,
        key,
        findings: Vec::new(),
        regions,
        container: Container::OcspRequest,
    })
}

/// Parses an `OCSPResponse` (and, for the basic type, its `BasicOCSPResponse`).
pub fn response(der: &[u8]) -> Result<Parsed<OcspInfo>, Finding> {
    let r = OcspResponse::from_der(der).map_err(|e| der_finding(&e, "OCSP response"))?;
    if r.status.tag() != Tag::Enumerated {
        return Err(Finding::at(
            FailureKind::BadTag,
            2,
            format!("responseStatus is {:?}, not ENUMERATED", r.status.tag()),
        ));
    }
    let status = match r.status.value() {
        [0] => "successful",
        [1] => "malformedRequest",
        [2] => "internalError",
        [3] => "tryLater",
        [5] => "sigRequired",
        [6] => "unauthorized",
        _ => {
            return Err(Finding::at(
                FailureKind::InvalidValue,
                4,
                "responseStatus outside RFC 6960's values",
            ));
        }
    };
    let mut info = OcspInfo {
        status: Some(status),
        ..OcspInfo::default()
    };
    let mut findings = Vec::new();
    let mut regions = Vec::new();
    let mut key = KeyAlg::default();
    if let Some(rb) = &r.response_bytes {
        let ty = rb.response_type.to_string();
        info.response_type = Some(if ty == BASIC {
            "basic".into()
        } else {
            ty.clone()
        });
        if ty == BASIC {
            let inner = rb.response.as_bytes();
            let b = BasicOcspResponse::from_der(inner).map_err(|e| {
                let mut f = der_finding(&e, "BasicOCSPResponse");
                // Offsets of the inner structure, rebased into the outer DER.
                let base = memchr::memmem::find(der, inner).unwrap_or(0) as u64;
                f.offset = f.offset.map(|o| o + base);
                f
            })?;
            let data = &b.tbs_response_data;
            version_zero(data.version.as_ref(), "ResponseData")?;
            let _ = (&data.produced_at, &data.extensions);
            info.responder_id = Some(match data.responder_id.tag() {
                Tag::ContextSpecific { number, .. } if number.value() == 2 => "by_key",
                _ => "by_name",
            });
            info.nonce = data
                .extensions
                .as_ref()
                .is_some_and(|e| memchr::memmem::find(e.value(), NONCE).is_some());
            info.certificates_asked = data.responses.len();
            info.cert_id_hash = data
                .responses
                .first()
                .map(|s| name_or_oid(&s.cert_id.hash_algorithm.oid));
            for s in &data.responses {
                let _ = (
                    &s.this_update,
                    &s.next_update,
                    &s.extensions,
                    &s.cert_id.serial_number,
                );
                info.cert_statuses.push(match s.cert_status.tag() {
                    Tag::ContextSpecific { number, .. } if number.value() == 0 => "good",
                    Tag::ContextSpecific { number, .. } if number.value() == 1 => "revoked",
                    _ => "unknown",
                });
            }
            let alg = name_or_oid(&b.signature_algorithm.oid);
            key.oid = b.signature_algorithm.oid.to_string();
            if oids::lookup(&key.oid).is_none() {
                findings.push(Finding::new(
                    FailureKind::UnknownOid,
                    format!("signature algorithm {} is not known", key.oid),
                ));
            }
            regions.extend(signature_region(der, b.signature.raw_bytes(), &alg, "ocsp"));
            info.signature_algorithm = Some(alg);
            certs(b.certs.as_ref(), &mut info);
        }
    } else if status == "successful" {
        return Err(Finding::new(
            FailureKind::MalformedHeader,
            "successful OCSP response without responseBytes",
        ));
    }
    Ok(Parsed {
        info,
        key,
        findings,
        regions,
        container: Container::OcspResponse,
    })
}
