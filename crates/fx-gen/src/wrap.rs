//! The wrappers a raw key, signature or ciphertext is written in: SPKI and
//! PKCS#8 DER (RFC 5280, RFC 5958, with the IETF private-key forms), PEM
//! (RFC 7468), self-signed X.509 v3 certificates (RFC 5280) and TLS 1.3
//! `key_share` entries (RFC 8446 §4.2.8). DER is assembled from `der`
//! types, one TLV at a time; certificates have fixed names and validity
//! dates so they are the same bytes on every run.

use std::time::Duration;

use der::asn1::{Any, BitString, ObjectIdentifier, OctetString, Uint, UtcTime, Utf8StringRef};
use der::{Encode, Tag, TagNumber};
use pem_rfc7468::LineEnding;

/// A DER encoding failure (an OID or a length the `der` crate refused).
pub type DerResult<T> = Result<T, String>;

fn enc(v: &impl Encode) -> DerResult<Vec<u8>> {
    v.to_der().map_err(|e| e.to_string())
}

fn tlv(tag: Tag, content: Vec<u8>) -> DerResult<Vec<u8>> {
    enc(&Any::new(tag, content).map_err(|e| e.to_string())?)
}

fn seq(parts: &[Vec<u8>]) -> DerResult<Vec<u8>> {
    tlv(Tag::Sequence, parts.concat())
}

fn oid(dotted: &str) -> DerResult<Vec<u8>> {
    enc(&ObjectIdentifier::new(dotted).map_err(|e| e.to_string())?)
}

fn octets(bytes: &[u8]) -> DerResult<Vec<u8>> {
    enc(&OctetString::new(bytes).map_err(|e| e.to_string())?)
}

fn bits(bytes: &[u8]) -> DerResult<Vec<u8>> {
    enc(&BitString::from_bytes(bytes).map_err(|e| e.to_string())?)
}

/// `AlgorithmIdentifier { algorithm, parameters absent }`, as the ML-KEM,
/// ML-DSA and SLH-DSA drafts require.
pub fn algorithm_identifier(dotted: &str) -> DerResult<Vec<u8>> {
    seq(&[oid(dotted)?])
}

/// `SubjectPublicKeyInfo` holding `key` under `dotted`.
pub fn spki(dotted: &str, key: &[u8]) -> DerResult<Vec<u8>> {
    seq(&[algorithm_identifier(dotted)?, bits(key)?])
}

/// The IETF `both` private key: `SEQUENCE { seed OCTET STRING,
/// expandedKey OCTET STRING }` (ML-KEM and ML-DSA certificate drafts).
pub fn both_private_key(seed: &[u8], expanded: &[u8]) -> DerResult<Vec<u8>> {
    seq(&[octets(seed)?, octets(expanded)?])
}

/// PKCS#8 v1 `OneAsymmetricKey` holding `private_key` (the contents of the
/// `privateKey` OCTET STRING) under `dotted`.
pub fn pkcs8(dotted: &str, private_key: &[u8]) -> DerResult<Vec<u8>> {
    seq(&[
        enc(&0u8)?,
        algorithm_identifier(dotted)?,
        octets(private_key)?,
    ])
}

/// PEM armour with `label`, LF line endings.
pub fn pem(label: &str, der: &[u8]) -> DerResult<Vec<u8>> {
    pem_rfc7468::encode_string(label, LineEnding::LF, der)
        .map(String::into_bytes)
        .map_err(|e| e.to_string())
}

/// A `Name` with one common name.
fn name(common_name: &str) -> DerResult<Vec<u8>> {
    let cn = enc(&Utf8StringRef::new(common_name).map_err(|e| e.to_string())?)?;
    let atv = seq(&[oid("2.5.4.3")?, cn])?;
    seq(&[tlv(Tag::Set, atv)?])
}

/// notBefore 2025-01-01T00:00:00Z and notAfter 2035-01-01T00:00:00Z:
/// fixed, so a certificate is the same bytes whenever it is made.
fn validity() -> DerResult<Vec<u8>> {
    let t = |secs| {
        UtcTime::from_unix_duration(Duration::from_secs(secs))
            .map_err(|e| e.to_string())
            .and_then(|u| enc(&u))
    };
    seq(&[t(1_735_689_600)?, t(2_051_222_400)?])
}

/// What a self-signed certificate says about itself.
pub struct CertFields<'a> {
    /// Serial number bytes (big-endian, positive; leading zeros dropped).
    pub serial: &'a [u8],
    /// Signature algorithm OID (also the subject key's).
    pub signature_oid: &'a str,
    /// Issuer and subject common name.
    pub common_name: &'a str,
    /// The SubjectPublicKeyInfo DER the certificate carries.
    pub spki: &'a [u8],
}

/// The DER `TBSCertificate` of a v3 CA certificate (basicConstraints
/// cA=TRUE, critical) with `f`'s fields.
pub fn tbs_certificate(f: &CertFields<'_>) -> DerResult<Vec<u8>> {
    let version = tlv(
        Tag::ContextSpecific {
            constructed: true,
            number: TagNumber(0),
        },
        enc(&2u8)?,
    )?;
    let serial = enc(&Uint::new(f.serial).map_err(|e| e.to_string())?)?;
    let basic_constraints = seq(&[
        oid("2.5.29.19")?,
        enc(&true)?,
        octets(&seq(&[enc(&true)?])?)?,
    ])?;
    let extensions = tlv(
        Tag::ContextSpecific {
            constructed: true,
            number: TagNumber(3),
        },
        seq(&[basic_constraints])?,
    )?;
    let n = name(f.common_name)?;
    seq(&[
        version,
        serial,
        algorithm_identifier(f.signature_oid)?,
        n.clone(),
        validity()?,
        n,
        f.spki.to_vec(),
        extensions,
    ])
}

/// `Certificate { tbs, signatureAlgorithm, signature BIT STRING }`.
pub fn certificate(tbs: &[u8], signature_oid: &str, signature: &[u8]) -> DerResult<Vec<u8>> {
    seq(&[
        tbs.to_vec(),
        algorithm_identifier(signature_oid)?,
        bits(signature)?,
    ])
}

/// The TLS 1.3 named group (IANA) of a pure ML-KEM set, with the name
/// fx-fingerprint gives it.
pub fn tls_group(set: &str) -> Option<(u16, &'static str)> {
    match set {
        "ML-KEM-512" => Some((0x0200, "MLKEM512")),
        "ML-KEM-768" => Some((0x0201, "MLKEM768")),
        "ML-KEM-1024" => Some((0x0202, "MLKEM1024")),
        _ => None,
    }
}

/// One `KeyShareEntry` of a ClientHello: group ‖ u16 length ‖ key.
pub fn key_share_entry(group: u16, key: &[u8]) -> DerResult<Vec<u8>> {
    let len = u16::try_from(key.len()).map_err(|_| "key share over 65535 bytes".to_owned())?;
    let mut out = Vec::with_capacity(4 + key.len());
    out.extend(group.to_be_bytes());
    out.extend(len.to_be_bytes());
    out.extend_from_slice(key);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spki_and_pkcs8_have_the_expected_prefixes() {
        let s = spki("2.16.840.1.101.3.4.4.1", &[7u8; 800]).expect("spki");
        // SEQUENCE (long form) { SEQUENCE { OID ML-KEM-512 } BIT STRING 00 … }
        assert_eq!(&s[..4], &[0x30, 0x82, 0x03, 0x32]);
        assert_eq!(
            &s[4..17],
            &[
                0x30, 0x0b, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x04, 0x01
            ]
        );
        let p = pkcs8("2.16.840.1.101.3.4.3.17", &[1, 2, 3]).expect("pkcs8");
        assert_eq!(&p[..5], &[0x30, 0x15, 0x02, 0x01, 0x00]);
        let k = key_share_entry(0x0201, &[9u8; 3]).expect("entry");
        assert_eq!(k, [0x02, 0x01, 0x00, 0x03, 9, 9, 9]);
        let pem = pem("PUBLIC KEY", &s).expect("pem");
        assert!(pem.starts_with(b"-----BEGIN PUBLIC KEY-----\n"));
    }
}
