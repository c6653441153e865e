//! PKCS#7 / CMS (RFC 5652) with the RustCrypto `cms` crate: content type,
//! and for signed data the digest algorithms, certificates and signer infos;
//! for enveloped data the recipients count and content encryption.

use der::{Decode, Encode};
use fx_core::vocab::{Container, FailureKind};
use fx_facts::bundle::{CmsData, Signer};
use fx_formats::oids;

use crate::algorithm::KeyAlg;
use crate::derr::der_finding;
use crate::report::{Finding, Region};
use crate::x509::Parsed;

fn name_or_oid(oid: &der::asn1::ObjectIdentifier) -> String {
    let s = oid.to_string();
    oids::name(&s).map(str::to_owned).unwrap_or(s)
}

/// Parses a ContentInfo, DER or (as CMS allows and streaming writers emit)
/// BER with indefinite lengths (re-encoded as DER by the private `ber` module).
/// Gives its description, the `cms` step's record (without the PEM block,
/// which the writer puts in), and the DER of the certificates it carries,
/// in the order the file stores them, for further inspection.
pub fn cms(der: &[u8]) -> Result<(Parsed<CmsData>, Vec<Vec<u8>>), Finding> {
    let mut ber = false;
    let ci = match cms::content_info::ContentInfo::from_der(der) {
        Ok(ci) => ci,
        Err(e) => {
            use crate::ber::{Segments, to_der};
            let read = |seg| {
                to_der(der, seg)
                    .filter(|d| d.as_slice() != der)
                    .and_then(|d| cms::content_info::ContentInfo::from_der(&d).ok())
            };
            // An IMPLICIT string in segments is told from an EXPLICIT tag
            // only by the content's own schema: try both readings.
            let ci = read(Segments::OctetStrings)
                .filter(content_decodes)
                .or_else(|| read(Segments::AlsoImplicit).filter(content_decodes))
                .or_else(|| read(Segments::OctetStrings))
                .ok_or_else(|| der_finding(&e, "CMS"))?;
            ber = true;
            ci
        }
    };
    let ct = ci.content_type.to_string();
    if oids::lookup(&ct).map(|e| e.kind) != Some(oids::OidKind::ContentType) {
        return Err(Finding::new(
            FailureKind::UnknownOid,
            format!("content type {ct} is not a CMS content type"),
        ));
    }
    let mut info = CmsData {
        container: Container::Cms,
        block: None,
        content_type: name_or_oid(&ci.content_type),
        encapsulated: None,
        detached: false,
        digest_algorithms: Vec::new(),
        certificates: 0,
        signers: Vec::new(),
        recipients: None,
        content_encryption: None,
        ber,
        // The step's findings are written by `Step::into_event`.
        findings: Vec::new(),
    };
    let mut certificate_der = Vec::new();
    let mut findings = Vec::new();
    let mut regions = Vec::new();
    let mut key = KeyAlg {
        oid: ct.clone(),
        ..KeyAlg::default()
    };
    match ct.as_str() {
        "1.2.840.113549.1.7.2" => match ci.content.decode_as::<cms::signed_data::SignedData>() {
            Ok(sd) => {
                info.encapsulated = Some(name_or_oid(&sd.encap_content_info.econtent_type));
                info.detached = sd.encap_content_info.econtent.is_none();
                info.digest_algorithms = sd
                    .digest_algorithms
                    .iter()
                    .map(|a| name_or_oid(&a.oid))
                    .collect();
                if let Some(certs) = &sd.certificates {
                    info.certificates = certs.0.len() as u64;
                    for c in certs.0.iter() {
                        if let cms::cert::CertificateChoices::Certificate(cert) = c
                            && let Ok(d) = cert.to_der()
                        {
                            certificate_der.push(d);
                        }
                    }
                    // The decoded SET OF comes back sorted; members are listed
                    // in the order the file stores them.
                    certificate_der
                        .sort_by_key(|d| memchr::memmem::find(der, d).unwrap_or(usize::MAX));
                }
                for s in sd.signer_infos.0.iter() {
                    let sig = s.signature.as_bytes();
                    let name = name_or_oid(&s.signature_algorithm.oid);
                    if key.algorithm.is_none() {
                        key.oid = s.signature_algorithm.oid.to_string();
                        key.algorithm = oids::name(&key.oid).map(str::to_owned);
                    }
                    if let Some(off) = memchr::memmem::find(der, sig) {
                        regions.push(Region {
                            offset: off as u64,
                            length: sig.len() as u64,
                            kind: "signature",
                            algorithm: Some(name.clone()),
                            score: 800,
                            block: None,
                            source: "cms",
                        });
                    }
                    info.signers.push(Signer {
                        digest_algorithm: name_or_oid(&s.digest_alg.oid),
                        signature_algorithm: name,
                        signature_len: sig.len() as u64,
                        sid: match s.sid {
                            cms::signed_data::SignerIdentifier::IssuerAndSerialNumber(_) => {
                                "issuer_and_serial"
                            }
                            _ => "subject_key_id",
                        }
                        .to_owned(),
                        signed_attrs: s.signed_attrs.is_some(),
                    });
                }
            }
            Err(e) => findings.push(der_finding(&e, "SignedData")),
        },
        "1.2.840.113549.1.7.3" => {
            match ci.content.decode_as::<cms::enveloped_data::EnvelopedData>() {
                Ok(ed) => {
                    info.recipients = Some(ed.recip_infos.0.len() as u64);
                    encrypted_content(der, &ed.encrypted_content, &mut info, &mut regions);
                    findings.push(Finding::new(
                        FailureKind::Encrypted,
                        "enveloped content (not decrypted)",
                    ));
                }
                Err(e) => findings.push(der_finding(&e, "EnvelopedData")),
            }
        }
        // RFC 5083 authenticated-enveloped data (AES-GCM/CCM content, as
        // `openssl cms -encrypt -aes-128-gcm` writes).
        "1.2.840.113549.1.9.16.1.23" => {
            match ci
                .content
                .decode_as::<cms::authenveloped_data::AuthEnvelopedData>()
            {
                Ok(ad) => {
                    info.recipients = Some(ad.recip_infos.0.len() as u64);
                    encrypted_content(
                        der,
                        &ad.auth_encrypted_content_info,
                        &mut info,
                        &mut regions,
                    );
                    findings.push(Finding::new(
                        FailureKind::Encrypted,
                        "authenticated-enveloped content (not decrypted)",
                    ));
                }
                Err(e) => findings.push(der_finding(&e, "AuthEnvelopedData")),
            }
        }
        // RFC 5652 §8 encrypted data (a key known out of band).
        "1.2.840.113549.1.7.6" => {
            match ci.content.decode_as::<cms::encrypted_data::EncryptedData>() {
                Ok(ed) => {
                    encrypted_content(der, &ed.enc_content_info, &mut info, &mut regions);
                    findings.push(Finding::new(
                        FailureKind::Encrypted,
                        "encrypted content (not decrypted)",
                    ));
                }
                Err(e) => findings.push(der_finding(&e, "EncryptedData")),
            }
        }
        _ => {}
    }
    let container = if ct == "1.2.840.113549.1.7.2" || ct == "1.2.840.113549.1.7.3" {
        Container::Pkcs7
    } else {
        Container::Cms
    };
    info.container = container;
    Ok((
        Parsed {
            info,
            key,
            findings,
            regions,
            container,
        },
        certificate_der,
    ))
}

/// Records the content-encryption algorithm of an encrypted content and the
/// ciphertext's region (found in the original bytes).
fn encrypted_content(
    der: &[u8],
    eci: &cms::enveloped_data::EncryptedContentInfo,
    info: &mut CmsData,
    regions: &mut Vec<Region>,
) {
    let alg = name_or_oid(&eci.content_enc_alg.oid);
    if let Some(ct) = &eci.encrypted_content
        && let Some(off) = memchr::memmem::find(der, ct.as_bytes())
    {
        regions.push(Region {
            offset: off as u64,
            length: ct.as_bytes().len() as u64,
            kind: "ciphertext",
            algorithm: Some(alg.clone()),
            score: 800,
            block: None,
            source: "cms",
        });
    }
    info.content_encryption = Some(alg);
}

/// True when the content of `ci` decodes as its content type says (the
/// types read here; others count as decoded).
fn content_decodes(ci: &cms::content_info::ContentInfo) -> bool {
    match ci.content_type.to_string().as_str() {
        "1.2.840.113549.1.7.2" => ci
            .content
            .decode_as::<cms::signed_data::SignedData>()
            .is_ok(),
        "1.2.840.113549.1.7.3" => ci
            .content
            .decode_as::<cms::enveloped_data::EnvelopedData>()
            .is_ok(),
        "1.2.840.113549.1.9.16.1.23" => ci
            .content
            .decode_as::<cms::authenveloped_data::AuthEnvelopedData>()
            .is_ok(),
        "1.2.840.113549.1.7.6" => ci
            .content
            .decode_as::<cms::encrypted_data::EncryptedData>()
            .is_ok(),
        _ => true,
    }
}
