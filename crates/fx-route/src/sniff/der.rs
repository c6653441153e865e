//! DER/BER structure: a SEQUENCE whose length matches the artifact, and the
//! shape of its first levels, which tells a certificate from a CSR, a CRL,
//! a PKCS#8/SEC1/PKCS#1 key, an SPKI, a PKCS#12, a PKCS#7/CMS content, an
//! OCSP response or a DSA/ECDSA signature value.
//!
//! Only TLV headers of the first two levels are read (at most 12
//! children per level); full parsing is fx-inspect's job.

use fx_core::vocab::{Container, Encoding, Label};
use fx_formats::der::read_header;

use crate::findings::{Findings, conf};
use crate::input::Input;

/// Children read per constructed element.
const MAX_CHILDREN: usize = 12;

/// A TLV header as the sniffer reads it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Header {
    tag: u8,
    /// Header length (tag + length octets).
    hdr: usize,
    /// Content length; `None` for BER indefinite length.
    len: Option<usize>,
}

/// Reads one header (fx-formats' DER header reader), keeping what a
/// prefix sniff trusts: one-octet tags, lengths of up to 4 octets, the
/// indefinite form on constructed elements only.
fn header(b: &[u8]) -> Option<Header> {
    let h = read_header(b, 0).ok()?;
    let tag = h.identifier()?;
    if h.length_octets > 1 + 4 || (h.len.is_none() && !h.constructed) {
        return None;
    }
    Some(Header {
        tag,
        hdr: h.header_len,
        len: h.len,
    })
}

/// One child: its tag and the part of its content present in the prefix.
#[derive(Clone, Copy, Debug)]
struct Child<'a> {
    tag: u8,
    content: &'a [u8],
}

/// The children of a constructed content, as far as the prefix holds them.
fn children(content: &[u8]) -> Vec<Child<'_>> {
    let mut out = Vec::new();
    let mut rest = content;
    while out.len() < MAX_CHILDREN && !rest.is_empty() {
        let Some(h) = header(rest) else { break };
        let avail = rest.len() - h.hdr.min(rest.len());
        let len = h.len.unwrap_or(avail);
        let whole = h.len.is_some() && len <= avail;
        let body = rest.get(h.hdr..h.hdr + len.min(avail)).unwrap_or(&[]);
        out.push(Child {
            tag: h.tag,
            content: body,
        });
        if !whole {
            break;
        }
        rest = &rest[h.hdr + len..];
    }
    out
}

fn tags(c: &[Child<'_>]) -> Vec<u8> {
    c.iter().map(|c| c.tag).collect()
}

const PKCS7: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07];
const PKCS5: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05];
const PKCS12_PBE: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x0c];
const CMS_CT: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x10, 0x01];

/// A recognised shape: labels, container and the signal naming it.
struct Shape {
    labels: &'static [(Label, u16)],
    container: Option<Container>,
    signal: &'static str,
}

const fn shape(
    labels: &'static [(Label, u16)],
    container: Option<Container>,
    signal: &'static str,
) -> Option<Shape> {
    Some(Shape {
        labels,
        container,
        signal,
    })
}

use Label::*;

fn small_int(c: &Child<'_>) -> Option<u8> {
    match c.content {
        [v] if c.tag == 0x02 => Some(*v),
        _ => None,
    }
}

/// An OCSP `TBSRequest`: `requestList` (SEQUENCE OF Request, each starting
/// with a CertID of four elements), optionally after a `[1]` requestor name
/// and before `[2]` extensions.
fn ocsp_tbs_request(tbs: &Child<'_>) -> bool {
    let inner = children(tbs.content);
    let Some(list) = inner.iter().find(|c| c.tag == 0x30) else {
        return false;
    };
    let tags_ok = tags(&inner)
        .iter()
        .all(|&t| matches!(t, 0x30 | 0xa0 | 0xa1 | 0xa2));
    let request = children(list.content);
    let cert_id = request
        .first()
        .filter(|r| r.tag == 0x30)
        .map(|r| children(r.content));
    let cid = cert_id
        .as_ref()
        .and_then(|c| c.first())
        .filter(|c| c.tag == 0x30)
        .map(|c| tags(&children(c.content)));
    tags_ok && matches!(cid.as_deref(), Some([0x30, 0x04, 0x04, 0x02]))
}

/// A `[0]`/`[1]` of a cross-certificate pair holds a certificate.
fn holds_certificate(c: &Child<'_>) -> bool {
    let inner = children(c.content);
    inner.len() == 1
        && inner[0].tag == 0x30
        && matches!(
            tags(&children(inner[0].content)).as_slice(),
            [0x30, 0x30, 0x03, ..]
        )
}

const OCSP_BASIC: &[u8] = &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x01, 0x01];
const EC_FIELD_TYPE: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x01];

fn classify(top: &[Child<'_>]) -> Option<Shape> {
    let t = tags(top);
    let first = top.first()?;
    match t.as_slice() {
        // OCSPRequest: { TBSRequest, [0] Signature }.
        [0x30] | [0x30, 0xa0] if ocsp_tbs_request(first) => shape(
            &[(Certificate, conf::CERTAIN)],
            Some(Container::OcspRequest),
            "der:ocsp_request",
        ),
        // CertificatePair: { [0] Certificate, [1] Certificate }, either optional.
        [0xa0, 0xa1] | [0xa0] | [0xa1] if top.iter().all(holds_certificate) => shape(
            &[(Certificate, conf::CERTAIN)],
            Some(Container::CrossCertificatePair),
            "der:cross_certificate_pair",
        ),
        // SpecifiedECDomain: { 1, FieldID { fieldType, … }, Curve, base, order, … }.
        [0x02, 0x30, 0x30, 0x04, 0x02, ..]
            if small_int(first).is_some_and(|v| (1..=3).contains(&v))
                && children(top[1].content)
                    .first()
                    .is_some_and(|f| f.tag == 0x06 && f.content.starts_with(EC_FIELD_TYPE)) =>
        {
            shape(
                &[(KeyMaterial, conf::STRONG)],
                Some(Container::EcParameters),
                "der:explicit_ec_parameters",
            )
        }
        // SEQUENCE { SEQUENCE tbs, SEQUENCE alg, BIT STRING sig }: a signed structure.
        [0x30, 0x30, 0x03, ..] | [0x30, 0x30] | [0x30] if first.tag == 0x30 => {
            let inner = children(first.content);
            let it = tags(&inner);
            match it.as_slice() {
                [0xa0, 0x02, 0x30, 0x30, 0x30, ..] | [0xa0, ..] => shape(
                    &[(Certificate, conf::CERTAIN)],
                    Some(Container::X509Certificate),
                    "der:x509_certificate",
                ),
                [0x02, 0x30, 0x30, 0xa0, ..] => shape(
                    &[(Certificate, conf::CERTAIN)],
                    Some(Container::X509Csr),
                    "der:x509_csr",
                ),
                [0x02, 0x30, 0x30, 0x30, ..] => shape(
                    &[(Certificate, conf::STRONG)],
                    Some(Container::X509Certificate),
                    "der:x509_v1_certificate",
                ),
                [0x02, 0x30, 0x30, 0x17 | 0x18, ..] | [0x30, 0x30, 0x17 | 0x18, ..] => shape(
                    &[(Certificate, conf::CERTAIN)],
                    Some(Container::X509Crl),
                    "der:x509_crl",
                ),
                _ if t.len() >= 3 => shape(
                    &[(Certificate, conf::PLAUSIBLE)],
                    None,
                    "der:signed_structure",
                ),
                _ => None,
            }
        }
        [0x30, 0x03] => {
            let alg = children(first.content);
            (alg.first().map(|c| c.tag) == Some(0x06)).then_some(())?;
            shape(
                &[(KeyMaterial, conf::CERTAIN)],
                Some(Container::SpkiPublicKey),
                "der:spki",
            )
        }
        [0x30, 0x04] => {
            let alg = children(first.content);
            let oid = alg.first().filter(|c| c.tag == 0x06)?.content;
            if oid.starts_with(PKCS5) || oid.starts_with(PKCS12_PBE) {
                shape(
                    &[(KeyMaterial, conf::CERTAIN)],
                    Some(Container::Pkcs8EncryptedPrivateKey),
                    "der:pkcs8_encrypted",
                )
            } else {
                shape(
                    &[(KeyMaterial, conf::LIKELY)],
                    None,
                    "der:encrypted_content_info",
                )
            }
        }
        // OneAsymmetricKey v1/v2: INTEGER 0|1, AlgorithmIdentifier, OCTET STRING.
        [0x02, 0x30, 0x04, ..] if matches!(small_int(first), Some(0 | 1)) => shape(
            &[(KeyMaterial, conf::CERTAIN)],
            Some(Container::Pkcs8PrivateKey),
            "der:pkcs8",
        ),
        // PFX: INTEGER 3, ContentInfo (data or signedData), MacData.
        [0x02, 0x30, ..] if small_int(first) == Some(3) => {
            let ci = children(top.get(1)?.content);
            let oid = ci.first().filter(|c| c.tag == 0x06)?.content;
            oid.starts_with(PKCS7).then_some(())?;
            shape(
                &[(KeyMaterial, conf::STRONG), (Certificate, conf::LIKELY)],
                Some(Container::Pkcs12),
                "der:pkcs12",
            )
        }
        // ECPrivateKey: INTEGER 1, OCTET STRING, [0] params, [1] public key.
        [0x02, 0x04, ..] if small_int(first) == Some(1) => shape(
            &[(KeyMaterial, conf::CERTAIN)],
            Some(Container::Sec1PrivateKey),
            "der:sec1",
        ),
        _ if !t.is_empty() && t.iter().all(|&x| x == 0x02) => integers(top),
        // ContentInfo: contentType OID, [0] EXPLICIT content.
        [0x06, 0xa0, ..] | [0x06] => {
            let oid = first.content;
            if oid.starts_with(PKCS7) {
                match oid.get(PKCS7.len()) {
                    Some(2) => shape(
                        &[(SignatureBlob, conf::STRONG), (Certificate, conf::LIKELY)],
                        Some(Container::Pkcs7),
                        "der:pkcs7_signed_data",
                    ),
                    Some(3) => shape(
                        &[
                            (SymmetricCiphertext, conf::STRONG),
                            (KemTranscript, conf::PLAUSIBLE),
                        ],
                        Some(Container::Pkcs7),
                        "der:pkcs7_enveloped_data",
                    ),
                    Some(6) => shape(
                        &[(SymmetricCiphertext, conf::STRONG)],
                        Some(Container::Pkcs7),
                        "der:pkcs7_encrypted_data",
                    ),
                    _ => shape(
                        &[(Plaintext, conf::PLAUSIBLE)],
                        Some(Container::Pkcs7),
                        "der:pkcs7_data",
                    ),
                }
            } else if oid.starts_with(CMS_CT) {
                shape(
                    &[
                        (SymmetricCiphertext, conf::LIKELY),
                        (SignatureBlob, conf::PLAUSIBLE),
                    ],
                    Some(Container::Cms),
                    "der:cms_content_info",
                )
            } else {
                None
            }
        }
        // OCSPResponse: ENUMERATED status, [0] responseBytes { id-pkix-ocsp-basic, … }.
        [0x0a, 0xa0] if first.content.len() == 1 => {
            let rb = children(top[1].content);
            let basic = rb.first().filter(|c| c.tag == 0x30).is_some_and(|c| {
                children(c.content)
                    .first()
                    .is_some_and(|o| o.tag == 0x06 && o.content == OCSP_BASIC)
            });
            shape(
                if basic {
                    &[(Certificate, conf::CERTAIN)]
                } else {
                    &[(Certificate, conf::LIKELY)]
                },
                Some(Container::OcspResponse),
                "der:ocsp_response",
            )
        }
        // An unsuccessful response is its status alone (RFC 6960's values).
        [0x0a] if matches!(first.content, [1 | 2 | 3 | 5 | 6]) => shape(
            &[(Certificate, conf::STRONG)],
            Some(Container::OcspResponse),
            "der:ocsp_response",
        ),
        _ => None,
    }
}

/// A SEQUENCE of INTEGERs only: RSA/DSA private keys, RSA public keys or DH
/// parameters, DSA parameters, and (r, s) signature values.
fn integers(top: &[Child<'_>]) -> Option<Shape> {
    let big = |c: &Child<'_>| c.content.len() >= 64;
    match top {
        [v, n, ..] if top.len() >= 9 && small_int(v).is_some() && big(n) => shape(
            &[(KeyMaterial, conf::CERTAIN)],
            Some(Container::Pkcs1PrivateKey),
            "der:pkcs1_rsa_private_key",
        ),
        [v, p, ..] if top.len() == 6 && small_int(v) == Some(0) && big(p) => shape(
            &[(KeyMaterial, conf::STRONG)],
            Some(Container::DsaPrivateKey),
            "der:dsa_private_key",
        ),
        // Dss-Parms { p, q, g }: q of 160–256 bits between two large values.
        [p, q, g] if big(p) && big(g) && (20..=33).contains(&q.content.len()) => shape(
            &[(KeyMaterial, conf::STRONG)],
            Some(Container::DsaParameters),
            "der:dsa_parameters",
        ),
        // X9.42 DomainParameters { p, g, q }.
        [p, g, q] if big(p) && big(g) && (20..=33).contains(&q.content.len()) => shape(
            &[(KeyMaterial, conf::STRONG)],
            Some(Container::DhParameters),
            "der:x942_dh_parameters",
        ),
        // { prime, generator 2 }: PKCS #3 DH parameters (an RSA exponent is odd).
        [p, g] if big(p) && small_int(g).is_some_and(|g| g % 2 == 0) => shape(
            &[(KeyMaterial, conf::STRONG)],
            Some(Container::DhParameters),
            "der:dh_parameters",
        ),
        [n, e]
            if big(n)
                && e.content.last().is_some_and(|b| b & 1 == 1)
                && small_int(e) != Some(5) =>
        {
            shape(
                &[(KeyMaterial, conf::STRONG)],
                Some(Container::Pkcs1PublicKey),
                "der:rsa_public_key",
            )
        }
        [n, _] if big(n) => shape(
            &[(KeyMaterial, conf::STRONG)],
            None,
            "der:rsa_public_key_or_dh_parameters",
        ),
        [r, s] if (8..=67).contains(&r.content.len()) && (8..=67).contains(&s.content.len()) => {
            shape(
                &[(SignatureBlob, conf::LIKELY)],
                None,
                "der:dsa_ecdsa_signature_value",
            )
        }
        _ => None,
    }
}

/// Adds the DER/BER findings of `inp`.
pub fn sniff(inp: &Input<'_>, f: &mut Findings) {
    if !outer(inp, f) {
        composite_seed_then_der(inp, f);
    }
}

/// The artifact as one DER element; true when it was recognised.
fn outer(inp: &Input<'_>, f: &mut Findings) -> bool {
    let b = inp.bytes;
    let Some(h) = header(b) else { return false };
    if h.tag == 0x06 {
        // A bare OBJECT IDENTIFIER spanning the artifact: named EC parameters.
        if let Some(len) = h.len
            && (3..=16).contains(&len)
            && inp.size == Some((h.hdr + len) as u64)
        {
            // Under an arc of named curves (X9.62 prime, SEC 2, RFC 5639): certain enough.
            let oid = b.get(h.hdr..h.hdr + len).unwrap_or(&[]);
            let curve_arc = [
                &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01][..],
                &[0x2b, 0x81, 0x04, 0x00],
                &[0x2b, 0x24, 0x03, 0x03, 0x02, 0x08, 0x01, 0x01],
            ]
            .iter()
            .any(|arc| oid.starts_with(arc) && oid.len() > arc.len());
            let k = if curve_arc {
                conf::STRONG
            } else {
                conf::PLAUSIBLE
            };
            f.add(KeyMaterial, k, "der:named_curve_parameters");
            f.container(Container::EcParameters, k);
            if curve_arc {
                f.encoding(Encoding::Der, conf::STRONG);
            }
            return true;
        }
        return false;
    }
    if h.tag != 0x30 {
        return false;
    }
    let (scale, fit, enc) = match (h.len, inp.size) {
        (None, _) => (
            800u32,
            "der:indefinite_length",
            Some((Encoding::Ber, conf::LIKELY)),
        ),
        (Some(len), Some(size)) if (h.hdr + len) as u64 == size => (
            1000,
            "der:sequence_spans_artifact",
            Some((Encoding::Der, conf::STRONG)),
        ),
        (Some(len), Some(size)) if ((h.hdr + len) as u64) < size => {
            (600, "der:trailing_data", None)
        }
        (Some(_), Some(_)) => (600, "der:truncated", None),
        (Some(len), None) if h.hdr + len <= b.len() => (800, "der:sequence_in_prefix", None),
        (Some(_), None) => (600, "der:sequence_beyond_prefix", None),
    };
    let content = &b[h.hdr.min(b.len())..];
    let content = match h.len {
        Some(len) => &content[..len.min(content.len())],
        None => content,
    };
    let top = children(content);
    match classify(&top) {
        Some(s) => {
            for &(label, c) in s.labels {
                let c = (u32::from(c) * scale / 1000) as u16;
                f.add(label, c, s.signal);
                f.add(label, c, fit);
            }
            if let Some(container) = s.container {
                let k = s.labels.first().map_or(0, |l| l.1);
                f.container(container, (u32::from(k) * scale / 1000) as u16);
            }
            if let Some((e, k)) = enc {
                f.encoding(e, k);
            }
            true
        }
        // A SEQUENCE that spans the artifact exactly is DER even when its shape is unknown.
        None if scale == 1000 && top.len() >= 2 => {
            if let Some((e, k)) = enc {
                f.encoding(e, k);
            }
            true
        }
        None => false,
    }
}

/// Length of the ML-DSA/ML-KEM seed that composite private keys start with.
const COMPOSITE_SEED: usize = 32;

/// Composite private keys (draft-ietf-lamps-pq-composite-sigs/-kem) are
/// written raw as the ML-DSA/ML-KEM seed followed by the traditional key,
/// which for RSA and ECDSA is DER: a SEQUENCE that starts at byte 32 and
/// ends exactly at the end of the artifact.
fn composite_seed_then_der(inp: &Input<'_>, f: &mut Findings) {
    let (Some(rest), Some(size)) = (inp.bytes.get(COMPOSITE_SEED..), inp.size) else {
        return;
    };
    let Some(h) = header(rest) else { return };
    let fits = h.tag == 0x30
        && h.len
            .is_some_and(|len| (COMPOSITE_SEED + h.hdr + len) as u64 == size);
    if !fits {
        return;
    }
    let content = &rest[h.hdr.min(rest.len())..];
    let top = children(content);
    if let Some(s) = classify(&top)
        && s.labels.first().is_some_and(|l| l.0 == KeyMaterial)
    {
        f.add(
            KeyMaterial,
            conf::LIKELY,
            "der:composite_seed_then_traditional_key",
        );
        f.add(KeyMaterial, conf::LIKELY, s.signal);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tlv(tag: u8, body: &[u8]) -> Vec<u8> {
        let mut v = vec![tag];
        let n = body.len();
        if n < 0x80 {
            v.push(n as u8);
        } else if n < 0x100 {
            v.extend([0x81, n as u8]);
        } else {
            v.extend([0x82, (n >> 8) as u8, n as u8]);
        }
        v.extend_from_slice(body);
        v
    }

    fn seq(parts: &[Vec<u8>]) -> Vec<u8> {
        tlv(0x30, &parts.concat())
    }

    fn run(b: &[u8]) -> crate::findings::Verdict {
        let mut f = Findings::default();
        sniff(&Input::new(b, Some(b.len() as u64), 0), &mut f);
        f.conclude("-")
    }

    #[test]
    fn headers() {
        assert_eq!(
            header(&[0x30, 0x03]),
            Some(Header {
                tag: 0x30,
                hdr: 2,
                len: Some(3)
            })
        );
        assert_eq!(
            header(&[0x30, 0x82, 0x01, 0x00]),
            Some(Header {
                tag: 0x30,
                hdr: 4,
                len: Some(256)
            })
        );
        assert_eq!(header(&[0x30, 0x80]).map(|h| h.len), Some(None));
        assert_eq!(header(&[0x30, 0x85, 1, 1, 1, 1, 1]), None);
        assert_eq!(header(&[0x30, 0x84, 0xff]), None);
        assert_eq!(header(&[0x1f, 0x01]), None);
    }

    #[test]
    fn ocsp_pairs_and_parameters() {
        use fx_core::vocab::Container as C;
        // OCSPResponse { successful, [0] { id-pkix-ocsp-basic, OCTET STRING } }
        let rb = seq(&[tlv(0x06, OCSP_BASIC), tlv(0x04, &[0x30, 0x00])]);
        let resp = seq(&[tlv(0x0a, &[0]), tlv(0xa0, &rb)]);
        assert_eq!(run(&resp).container, Some(C::OcspResponse));
        assert_eq!(
            run(&seq(&[tlv(0x0a, &[3])])).container,
            Some(C::OcspResponse)
        );
        // OCSPRequest { TBSRequest { requestList { Request { CertID } } } }
        let cert_id = seq(&[
            seq(&[tlv(0x06, &[0x2b, 0x0e, 0x03, 0x02, 0x1a])]),
            tlv(0x04, &[1; 20]),
            tlv(0x04, &[2; 20]),
            tlv(0x02, &[7]),
        ]);
        let req = seq(&[seq(&[seq(&[seq(&[cert_id])])])]);
        assert_eq!(run(&req).container, Some(C::OcspRequest));
        // CertificatePair { [0] Certificate }
        let cert = seq(&[seq(&[tlv(0x02, &[1])]), seq(&[]), tlv(0x03, &[0])]);
        let pair = seq(&[tlv(0xa0, &cert)]);
        assert_eq!(run(&pair).container, Some(C::CrossCertificatePair));
        // { p, 2 }: DH parameters; { n, 65537 }: an RSA public key.
        let p = tlv(0x02, &[0x5a; 129]);
        assert_eq!(
            run(&seq(&[p.clone(), tlv(0x02, &[2])])).container,
            Some(C::DhParameters)
        );
        assert_eq!(
            run(&seq(&[p, tlv(0x02, &[1, 0, 1])])).container,
            Some(C::Pkcs1PublicKey)
        );
    }

    #[test]
    fn shapes() {
        let alg = seq(&[
            tlv(
                0x06,
                &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01],
            ),
            tlv(0x05, &[]),
        ]);
        let int = |v: &[u8]| tlv(0x02, v);
        let big = int(&[0x55; 129]);
        let name = seq(&[]);
        let spki = seq(&[alg.clone(), tlv(0x03, &[0, 1, 2, 3])]);
        let tbs = seq(&[
            tlv(0xa0, &int(&[2])),
            int(&[7]),
            alg.clone(),
            name.clone(),
            seq(&[tlv(0x17, b"x")]),
            name.clone(),
            spki.clone(),
        ]);
        let cert = seq(&[tbs, alg.clone(), tlv(0x03, &[0, 9])]);
        assert_eq!(run(&cert).container, Some(Container::X509Certificate));
        let csr_info = seq(&[int(&[0]), name.clone(), spki.clone(), tlv(0xa0, &[])]);
        assert_eq!(
            run(&seq(&[csr_info, alg.clone(), tlv(0x03, &[0])])).container,
            Some(Container::X509Csr)
        );
        let crl_tbs = seq(&[int(&[1]), alg.clone(), name.clone(), tlv(0x17, b"x")]);
        assert_eq!(
            run(&seq(&[crl_tbs, alg.clone(), tlv(0x03, &[0])])).container,
            Some(Container::X509Crl)
        );
        assert_eq!(run(&spki).container, Some(Container::SpkiPublicKey));
        let p8 = seq(&[int(&[0]), alg.clone(), tlv(0x04, &[1, 2])]);
        assert_eq!(run(&p8).container, Some(Container::Pkcs8PrivateKey));
        let pbes2 = seq(&[tlv(
            0x06,
            &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05, 0x0d],
        )]);
        assert_eq!(
            run(&seq(&[pbes2, tlv(0x04, &[1])])).container,
            Some(Container::Pkcs8EncryptedPrivateKey)
        );
        let sec1 = seq(&[int(&[1]), tlv(0x04, &[1; 32]), tlv(0xa0, &[])]);
        assert_eq!(run(&sec1).container, Some(Container::Sec1PrivateKey));
        let rsa: Vec<Vec<u8>> = std::iter::once(int(&[0]))
            .chain(std::iter::repeat_n(big.clone(), 8))
            .collect();
        assert_eq!(run(&seq(&rsa)).container, Some(Container::Pkcs1PrivateKey));
        assert_eq!(
            run(&seq(&[big.clone(), int(&[1, 0, 1])])).labels[0].label,
            KeyMaterial
        );
        let sig = run(&seq(&[int(&[0x11; 32]), int(&[0x22; 33])]));
        assert_eq!(sig.labels[0].label, SignatureBlob);
        let data = tlv(
            0x06,
            &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01],
        );
        let pfx = seq(&[int(&[3]), seq(&[data, tlv(0xa0, &[])]), seq(&[])]);
        let v = run(&pfx);
        assert_eq!(v.container, Some(Container::Pkcs12));
        assert!(v.has(Certificate) && v.has(KeyMaterial));
        let signed = tlv(
            0x06,
            &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02],
        );
        assert_eq!(
            run(&seq(&[signed, tlv(0xa0, &[])])).container,
            Some(Container::Pkcs7)
        );
        assert_eq!(
            run(&[0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07]).labels[0].label,
            KeyMaterial
        );
    }

    #[test]
    fn composite_private_key() {
        let int = |v: &[u8]| tlv(0x02, v);
        let sec1 = seq(&[int(&[1]), tlv(0x04, &[9; 32]), tlv(0xa0, &[6, 1, 1])]);
        let mut raw = vec![0x42u8; 32];
        raw.extend(&sec1);
        let v = run(&raw);
        assert_eq!(v.labels[0].label, KeyMaterial);
        assert_eq!(
            v.labels[0].signals,
            vec!["der:composite_seed_then_traditional_key", "der:sec1"]
        );
        assert_eq!(v.container, None);
    }

    #[test]
    fn length_fit_scales_confidence() {
        let alg = seq(&[tlv(0x06, &[0x2b, 0x65, 0x70])]);
        let spki = seq(&[alg, tlv(0x03, &[0; 33])]);
        let exact = run(&spki);
        assert_eq!(exact.encoding, Some(Encoding::Der));
        let mut trailing = spki.clone();
        trailing.extend_from_slice(b"junk");
        let v = run(&trailing);
        assert!(v.labels[0].confidence < exact.labels[0].confidence);
        assert_eq!(v.encoding, None);
        let v = run(&spki[..spki.len() - 5]);
        assert!(v.labels[0].signals.contains(&"der:truncated".to_string()));
    }
}
