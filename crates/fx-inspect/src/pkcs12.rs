//! PKCS#12 / PFX (RFC 7292): MAC algorithm and iterations, the safes and
//! their bag types, the PBE parameters of encrypted parts — never decrypted,
//! no password tried.

use der::asn1::{AnyRef, ObjectIdentifier, OctetStringRef, UintRef};
use der::{Decode, Sequence};
use fx_core::vocab::{Container, FailureKind};
use fx_facts::bundle::{Pkcs12Data, Pkcs12Mac, Pkcs12Safe};
use fx_formats::oids;
use spki::AlgorithmIdentifierRef;

use crate::algorithm::KeyAlg;
use crate::derr::der_finding;
use crate::pbe::{self, uint};
use crate::report::{Finding, Region};
use crate::x509::Parsed;

#[derive(Sequence)]
struct Pfx<'a> {
    version: UintRef<'a>,
    auth_safe: ContentInfo<'a>,
    #[asn1(optional = "true")]
    mac_data: Option<MacData<'a>>,
}

#[derive(Sequence)]
struct ContentInfo<'a> {
    content_type: ObjectIdentifier,
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    content: Option<AnyRef<'a>>,
}

#[derive(Sequence)]
struct DigestInfo<'a> {
    algorithm: AlgorithmIdentifierRef<'a>,
    digest: &'a OctetStringRef,
}

#[derive(Sequence)]
struct MacData<'a> {
    mac: DigestInfo<'a>,
    salt: &'a OctetStringRef,
    #[asn1(optional = "true")]
    iterations: Option<UintRef<'a>>,
}

#[derive(Sequence)]
struct EncryptedData<'a> {
    version: UintRef<'a>,
    info: EncryptedContentInfo<'a>,
}

#[derive(Sequence)]
struct EncryptedContentInfo<'a> {
    content_type: ObjectIdentifier,
    algorithm: AlgorithmIdentifierRef<'a>,
    #[asn1(context_specific = "0", tag_mode = "IMPLICIT", optional = "true")]
    content: Option<&'a OctetStringRef>,
}

#[derive(Sequence)]
struct SafeBag<'a> {
    bag_id: ObjectIdentifier,
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT")]
    value: AnyRef<'a>,
    #[asn1(optional = "true")]
    attributes: Option<AnyRef<'a>>,
}

#[derive(Sequence)]
struct EncryptedPrivateKeyInfo<'a> {
    algorithm: AlgorithmIdentifierRef<'a>,
    data: &'a OctetStringRef,
}

fn name_or_oid(oid: &ObjectIdentifier) -> String {
    let s = oid.to_string();
    oids::name(&s).map(str::to_owned).unwrap_or(s)
}

/// Most safes and bags read per file.
const MAX_ITEMS: usize = 256;

fn bags(
    bytes: &[u8],
    safe: &mut Pkcs12Safe,
    certs: &mut Vec<Vec<u8>>,
    findings: &mut Vec<Finding>,
) {
    let Ok(list) = Vec::<AnyRef<'_>>::from_der(bytes) else {
        findings.push(Finding::new(
            FailureKind::MalformedHeader,
            "SafeContents does not decode",
        ));
        return;
    };
    for any in list.iter().take(MAX_ITEMS) {
        let Ok(bag) = any.decode_as::<SafeBag<'_>>() else {
            findings.push(Finding::new(
                FailureKind::MalformedHeader,
                "SafeBag does not decode",
            ));
            continue;
        };
        safe.bags.push(name_or_oid(&bag.bag_id));
        match bag.bag_id.to_string().as_str() {
            "1.2.840.113549.1.12.10.1.2" => {
                if let Ok(e) = bag.value.decode_as::<EncryptedPrivateKeyInfo<'_>>() {
                    safe.shrouded_keys.push(pbe::describe(&e.algorithm));
                    let _ = e.data;
                }
            }
            "1.2.840.113549.1.12.10.1.3" => {
                // CertBag ::= SEQUENCE { certId OID, certValue [0] EXPLICIT OCTET STRING }
                if let Ok(cb) = bag.value.decode_as::<ContentInfo<'_>>()
                    && let Some(v) = cb.content
                    && let Ok(os) = v.decode_as::<&OctetStringRef>()
                {
                    certs.push(os.as_bytes().to_vec());
                }
            }
            _ => {}
        }
        let _ = bag.attributes;
    }
}

/// Parses a PFX: its description, the `pkcs12` step's record (without the
/// PEM block, which the writer puts in), and the DER of the certificates in
/// its plain certBags, for further inspection.
pub fn pkcs12(der: &[u8]) -> Result<(Parsed<Pkcs12Data>, Vec<Vec<u8>>), Finding> {
    let pfx = Pfx::from_der(der).map_err(|e| der_finding(&e, "PKCS#12"))?;
    if pfx.auth_safe.content_type.to_string() != "1.2.840.113549.1.7.1"
        && pfx.auth_safe.content_type.to_string() != "1.2.840.113549.1.7.2"
    {
        return Err(Finding::new(
            FailureKind::BadTag,
            "authSafe is neither data nor signedData",
        ));
    }
    let mut findings = Vec::new();
    let mac = pfx.mac_data.as_ref().map(|m| Pkcs12Mac {
        algorithm: name_or_oid(&m.mac.algorithm.oid),
        iterations: m.iterations.as_ref().map(uint).unwrap_or(1),
        salt_len: m.salt.as_bytes().len() as u64,
        digest_len: m.mac.digest.as_bytes().len() as u64,
    });
    let mut safes = Vec::new();
    let mut certs = Vec::new();
    let mut regions = Vec::new();
    let auth = pfx
        .auth_safe
        .content
        .and_then(|c| c.decode_as::<&OctetStringRef>().ok());
    match auth {
        None => findings.push(Finding::new(
            FailureKind::MalformedHeader,
            "authSafe content is not an OCTET STRING (signedData PFX not described)",
        )),
        Some(os) => match Vec::<ContentInfo<'_>>::from_der(os.as_bytes()) {
            Err(e) => findings.push(der_finding(&e, "AuthenticatedSafe")),
            Ok(list) => {
                for ci in list.iter().take(MAX_ITEMS) {
                    let mut safe = Pkcs12Safe {
                        content_type: name_or_oid(&ci.content_type),
                        encryption: None,
                        bags: Vec::new(),
                        shrouded_keys: Vec::new(),
                    };
                    match ci.content_type.to_string().as_str() {
                        "1.2.840.113549.1.7.1" => {
                            if let Some(os) = ci
                                .content
                                .and_then(|c| c.decode_as::<&OctetStringRef>().ok())
                            {
                                bags(os.as_bytes(), &mut safe, &mut certs, &mut findings);
                            }
                        }
                        "1.2.840.113549.1.7.6" => {
                            if let Some(ed) = ci
                                .content
                                .and_then(|c| c.decode_as::<EncryptedData<'_>>().ok())
                            {
                                let info = pbe::describe(&ed.info.algorithm);
                                if let Some(ct) = ed.info.content
                                    && let Some(off) = memchr::memmem::find(der, ct.as_bytes())
                                {
                                    regions.push(Region {
                                        offset: off as u64,
                                        length: ct.as_bytes().len() as u64,
                                        kind: "ciphertext",
                                        algorithm: info
                                            .cipher
                                            .clone()
                                            .or(Some(info.scheme.clone())),
                                        score: 750,
                                        block: None,
                                        source: "pkcs12",
                                    });
                                }
                                let _ = (ed.version, ed.info.content_type);
                                safe.encryption = Some(info);
                            }
                        }
                        _ => {}
                    }
                    safes.push(safe);
                }
            }
        },
    }
    if safes
        .iter()
        .any(|s| s.encryption.is_some() || !s.shrouded_keys.is_empty())
    {
        findings.push(Finding::new(
            FailureKind::Encrypted,
            "PKCS#12 holds encrypted safes or shrouded keys (not decrypted)",
        ));
    }
    let key = KeyAlg {
        oid: "1.2.840.113549.1.12".into(),
        ..KeyAlg::default()
    };
    Ok((
        Parsed {
            info: Pkcs12Data {
                container: Container::Pkcs12,
                block: None,
                version: uint(&pfx.version),
                mac,
                safes,
                // The step's findings are written by `Step::into_event`.
                findings: Vec::new(),
            },
            key,
            findings,
            regions,
            container: Container::Pkcs12,
        },
        certs,
    ))
}
