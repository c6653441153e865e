//! A detached signature of a bundle job checked over its `message`: a CMS /
//! PKCS#7 SignedData (the `.p7s` of `openssl cms -sign -detach` or `openssl
//! smime -sign`), or a bare signature value (`openssl dgst -sign`,
//! `openssl pkeyutl -sign -rawin`).

use der::asn1::{AnyRef, OctetStringRef};
use der::{Decode, Encode};
use fx_facts::bundle::{DetachedSignature, SignatureOutcome};

use super::chain::{Budget, Cert};
use super::pubkey::PublicKey;
use super::verify::{self, Check, Hash, Scheme};

/// A key of the bundle: its object index and public key.
pub(crate) struct Key<'a> {
    /// Object index.
    pub(crate) index: u64,
    /// The public key.
    pub(crate) key: &'a PublicKey,
}

fn record(role: &str, format: &str, outcome: SignatureOutcome) -> DetachedSignature {
    DetachedSignature {
        role: role.to_owned(),
        format: format.to_owned(),
        outcome,
        key: None,
        scheme: None,
        detail: None,
    }
}

fn usable(k: &PublicKey) -> bool {
    !matches!(k, PublicKey::Other { .. })
}

/// The DER of a signature member: a PEM block's body, or the bytes.
fn der_of(bytes: &[u8]) -> Vec<u8> {
    if bytes.starts_with(b"-----BEGIN") {
        let scan = fx_formats::pem::scan(bytes, 1);
        if let Some(b) = scan.blocks.into_iter().next() {
            return b.der;
        }
    }
    bytes.to_vec()
}

/// Checks the signature member `sig` (role `role`) over `msg` with the
/// bundle's keys and certificates.
pub(crate) fn check(
    role: &str,
    sig: &[u8],
    msg: &[u8],
    keys: &[Key<'_>],
    certs: &[Cert],
    budget: &mut Budget,
) -> Vec<DetachedSignature> {
    let der = der_of(sig);
    if let Ok(ci) = cms::content_info::ContentInfo::from_der(&der)
        && ci.content_type.to_string() == "1.2.840.113549.1.7.2"
    {
        return match ci.content.decode_as::<cms::signed_data::SignedData>() {
            Ok(sd) => sd
                .signer_infos
                .0
                .iter()
                .map(|si| cms_signer(role, &sd, si, msg, keys, certs, budget))
                .collect(),
            Err(e) => {
                let mut r = record(role, "cms", SignatureOutcome::NotVerified);
                r.detail = Some(format!("SignedData does not decode: {e}"));
                vec![r]
            }
        };
    }
    raw(role, sig, msg, keys, budget).into_iter().collect()
}

/// A bare signature value: no algorithm identifier names its scheme, so
/// each scheme of each key of the bundle is tried. Only Ed25519 (one scheme,
/// no hash to choose) can be shown invalid.
/// `None` when the bundle has no RSA, ECDSA or Ed25519 key (a post-quantum
/// bundle is fx-probe's to verify).
fn raw(
    role: &str,
    sig: &[u8],
    msg: &[u8],
    keys: &[Key<'_>],
    budget: &mut Budget,
) -> Option<DetachedSignature> {
    let mut r = record(role, "raw", SignatureOutcome::NotVerified);
    let usable_keys: Vec<&Key<'_>> = keys.iter().filter(|k| usable(k.key)).collect();
    if usable_keys.is_empty() {
        return None;
    }
    let mut tried_all = true;
    for k in &usable_keys {
        for scheme in verify::candidate_schemes(k.key) {
            if budget.left == 0 {
                budget.hit = true;
                tried_all = false;
                break;
            }
            budget.left -= 1;
            if verify::verify(k.key, scheme, msg, sig) == Check::Verified {
                r.outcome = SignatureOutcome::Verified;
                r.key = Some(k.index);
                r.scheme = Some(scheme.name());
                return Some(r);
            }
        }
    }
    if tried_all
        && usable_keys
            .iter()
            .all(|k| matches!(k.key, PublicKey::Ed25519(_)))
    {
        r.outcome = SignatureOutcome::SignatureInvalid;
        r.key = usable_keys.first().map(|k| k.index);
        r.scheme = Some(Scheme::Ed25519.name());
        r.detail = Some("no Ed25519 key of the bundle verifies it over the message".to_owned());
    } else if !tried_all {
        r.detail = Some("budget:bundle_verifications".to_owned());
    } else {
        r.detail = Some(
            "no key of the bundle verifies it as PKCS#1 v1.5, ECDSA or Ed25519 with SHA-1 or SHA-2; \
             a bare signature names neither its scheme nor its hash"
                .to_owned(),
        );
    }
    Some(r)
}

/// The scheme of a CMS SignerInfo: its signature algorithm, or, for a bare
/// key algorithm (rsaEncryption, id-ecPublicKey), that key's scheme with
/// the digest algorithm.
fn signer_scheme(si: &cms::signed_data::SignerInfo) -> Result<Scheme, String> {
    let sig_oid = si.signature_algorithm.oid.to_string();
    let digest = si.digest_alg.oid.to_string();
    let hash = || Hash::from_oid(&digest).ok_or_else(|| format!("digest algorithm {digest}"));
    match sig_oid.as_str() {
        "1.2.840.113549.1.1.1" => Ok(Scheme::RsaPkcs1(hash()?)),
        "1.2.840.10045.2.1" => Ok(Scheme::Ecdsa(hash()?)),
        _ => verify::scheme_of(
            &si.signature_algorithm.oid,
            si.signature_algorithm.parameters.as_ref().map(AnyRef::from),
        ),
    }
}

const MESSAGE_DIGEST: &str = "1.2.840.113549.1.9.4";

fn cms_signer(
    role: &str,
    sd: &cms::signed_data::SignedData,
    si: &cms::signed_data::SignerInfo,
    msg: &[u8],
    keys: &[Key<'_>],
    certs: &[Cert],
    budget: &mut Budget,
) -> DetachedSignature {
    let mut r = record(role, "cms", SignatureOutcome::NotVerified);
    // The content signed: the encapsulated content when there is one.
    let econtent = sd.encap_content_info.econtent.as_ref().and_then(|c| {
        c.decode_as::<&OctetStringRef>()
            .ok()
            .map(|o| o.as_bytes().to_vec())
    });
    let content = econtent.as_deref().unwrap_or(msg);
    let scheme = match signer_scheme(si) {
        Ok(s) => s,
        Err(why) => {
            r.outcome = SignatureOutcome::UnsupportedAlgorithm;
            r.detail = Some(why);
            return r;
        }
    };
    r.scheme = Some(scheme.name());
    // The signer's certificate, by the identifier the SignerInfo gives.
    let signer = certs.iter().find(|c| match &si.sid {
        cms::signed_data::SignerIdentifier::IssuerAndSerialNumber(ias) => ias
            .issuer
            .to_der()
            .is_ok_and(|i| c.is(&i, ias.serial_number.as_bytes())),
        cms::signed_data::SignerIdentifier::SubjectKeyIdentifier(ski) => {
            c.has_ski(ski.0.as_bytes())
        }
    });
    let signed: Vec<u8> = match &si.signed_attrs {
        None => content.to_vec(),
        Some(attrs) => {
            let digest = Hash::from_oid(&si.digest_alg.oid.to_string());
            let md = attrs
                .iter()
                .find(|a| a.oid.to_string() == MESSAGE_DIGEST)
                .and_then(|a| a.values.iter().next())
                .and_then(|v| v.decode_as::<&OctetStringRef>().ok())
                .map(|o| o.as_bytes().to_vec());
            match (digest, md) {
                (Some(h), Some(md)) if h.digest(content) != md => {
                    if signer.is_some() {
                        r.outcome = SignatureOutcome::SignatureInvalid;
                        r.key = signer.map(Cert::index);
                        r.detail = Some(
                            "the messageDigest attribute is not the digest of the message"
                                .to_owned(),
                        );
                    } else {
                        r.detail = Some(
                            "the messageDigest attribute is not the digest of the message, and the signer's certificate is not in the bundle"
                                .to_owned(),
                        );
                    }
                    return r;
                }
                (Some(_), Some(_)) => {}
                (None, _) => {
                    r.outcome = SignatureOutcome::UnsupportedAlgorithm;
                    r.detail = Some(format!("digest algorithm {}", si.digest_alg.oid));
                    return r;
                }
                (_, None) => {
                    r.detail = Some("signed attributes without a messageDigest".to_owned());
                    return r;
                }
            }
            // The signature covers the attributes' DER as a SET OF (RFC 5652 §5.4).
            match attrs.to_der() {
                Ok(d) => d,
                Err(e) => {
                    r.detail = Some(format!("signed attributes: {e}"));
                    return r;
                }
            }
        }
    };
    let sig = si.signature.as_bytes();
    // The signer's own key first, then every other key of the bundle.
    let mut order: Vec<(u64, &PublicKey)> = Vec::new();
    if let Some(c) = signer
        && let Some(k) = c.key()
    {
        order.push((c.index(), k));
    }
    for k in keys {
        if !order.iter().any(|(i, _)| *i == k.index) {
            order.push((k.index, k.key));
        }
    }
    let mut signer_refused: Option<String> = None;
    for (index, key) in order {
        if budget.left == 0 {
            budget.hit = true;
            r.detail = Some("budget:bundle_verifications".to_owned());
            return r;
        }
        budget.left -= 1;
        match verify::verify(key, scheme, &signed, sig) {
            Check::Verified => {
                r.outcome = SignatureOutcome::Verified;
                r.key = Some(index);
                r.detail = None;
                return r;
            }
            Check::Invalid(why) if signer.is_some_and(|c| c.index() == index) => {
                signer_refused = Some(why);
            }
            Check::Unsupported(why) if signer.is_some_and(|c| c.index() == index) => {
                r.outcome = SignatureOutcome::UnsupportedAlgorithm;
                r.key = Some(index);
                r.detail = Some(why);
                return r;
            }
            _ => {}
        }
    }
    match signer_refused {
        Some(why) => {
            r.outcome = SignatureOutcome::SignatureInvalid;
            r.key = signer.map(Cert::index);
            r.detail = Some(why);
        }
        None => {
            r.detail = Some(
                "the signer's certificate is not in the bundle and no key of the bundle verifies it"
                    .to_owned(),
            );
        }
    }
    r
}
