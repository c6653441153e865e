//! One comparable form of a public key, from a certificate's or a key
//! file's SPKI, a PKCS#1 public key, or derived from a private key (PKCS#8,
//! PKCS#1, SEC1) — the private key is only read to compute its public key,
//! and nothing of it leaves this module.

use crate::keys::EcPrivateKeyAnyParams;
use der::Decode;
use der::asn1::{ObjectIdentifier, OctetStringRef, UintRef};
use spki::SubjectPublicKeyInfoRef;

/// The three NIST curves fx verifies ECDSA on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Curve {
    /// secp256r1.
    P256,
    /// secp384r1.
    P384,
    /// secp521r1.
    P521,
}

impl Curve {
    fn from_oid(oid: &str) -> Option<Curve> {
        Some(match oid {
            "1.2.840.10045.3.1.7" => Curve::P256,
            "1.3.132.0.34" => Curve::P384,
            "1.3.132.0.35" => Curve::P521,
            _ => return None,
        })
    }

    /// Bytes of a scalar (the width of `r` and `s`).
    pub(crate) fn scalar_len(self) -> usize {
        match self {
            Curve::P256 => 32,
            Curve::P384 => 48,
            Curve::P521 => 66,
        }
    }
}

/// A public key in a form two encodings of the same key compare equal in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum PublicKey {
    /// RSA: modulus and exponent, big-endian without leading zeros.
    Rsa {
        /// Modulus.
        n: Vec<u8>,
        /// Public exponent.
        e: Vec<u8>,
    },
    /// An EC point on a curve fx knows, uncompressed.
    Ec {
        /// The curve.
        curve: Curve,
        /// The uncompressed SEC1 point.
        point: Vec<u8>,
    },
    /// Ed25519.
    Ed25519([u8; 32]),
    /// Any other algorithm: its OID and the subject public key bits as
    /// written (compared as they are; never verified with).
    Other {
        /// Algorithm OID.
        oid: String,
        /// The BIT STRING's bytes.
        bits: Vec<u8>,
    },
}

fn trim(be: &[u8]) -> Vec<u8> {
    let mut s = be;
    while let [0, rest @ ..] = s {
        s = rest;
    }
    s.to_vec()
}

/// An uncompressed point of `curve` from any SEC1 encoding; `None` when it
/// is not a point of the curve.
fn ec_point(curve: Curve, sec1: &[u8]) -> Option<Vec<u8>> {
    Some(match curve {
        Curve::P256 => p256::ecdsa::VerifyingKey::from_sec1_bytes(sec1)
            .ok()?
            .to_sec1_point(false)
            .as_bytes()
            .to_vec(),
        Curve::P384 => p384::ecdsa::VerifyingKey::from_sec1_bytes(sec1)
            .ok()?
            .to_sec1_point(false)
            .as_bytes()
            .to_vec(),
        Curve::P521 => p521::ecdsa::VerifyingKey::from_sec1_bytes(sec1)
            .ok()?
            .to_sec1_point(false)
            .as_bytes()
            .to_vec(),
    })
}

/// The public point of the scalar `d` on `curve`; `None` when `d` is not a
/// valid scalar.
fn ec_public(curve: Curve, d: &[u8]) -> Option<Vec<u8>> {
    Some(match curve {
        Curve::P256 => {
            let pk = p256::SecretKey::from_slice(d).ok()?.public_key();
            p256::ecdsa::VerifyingKey::from(&pk)
                .to_sec1_point(false)
                .as_bytes()
                .to_vec()
        }
        Curve::P384 => {
            let pk = p384::SecretKey::from_slice(d).ok()?.public_key();
            p384::ecdsa::VerifyingKey::from(&pk)
                .to_sec1_point(false)
                .as_bytes()
                .to_vec()
        }
        Curve::P521 => {
            let pk = p521::SecretKey::from_slice(d).ok()?.public_key();
            p521::ecdsa::VerifyingKey::from(&pk)
                .to_sec1_point(false)
                .as_bytes()
                .to_vec()
        }
    })
}

const RSA: &str = "1.2.840.113549.1.1.1";
const EC: &str = "1.2.840.10045.2.1";
const ED25519: &str = "1.3.101.112";

/// The public key of an SPKI. `Err` says why it is not usable (a bad RSA
/// key, a point off its curve).
pub(crate) fn from_spki(spki: &SubjectPublicKeyInfoRef<'_>) -> Result<PublicKey, String> {
    let oid = spki.algorithm.oid.to_string();
    let bits = spki.subject_public_key.raw_bytes();
    match oid.as_str() {
        RSA => from_pkcs1_public(bits),
        EC => {
            let curve_oid = spki
                .algorithm
                .parameters
                .as_ref()
                .and_then(|p| p.decode_as::<ObjectIdentifier>().ok())
                .map(|o| o.to_string());
            match curve_oid.as_deref().and_then(Curve::from_oid) {
                Some(curve) => ec_point(curve, bits)
                    .map(|point| PublicKey::Ec { curve, point })
                    .ok_or_else(|| "the EC public key is not a point of its curve".to_owned()),
                None => Ok(PublicKey::Other {
                    oid: format!("{oid}/{}", curve_oid.as_deref().unwrap_or("explicit")),
                    bits: bits.to_vec(),
                }),
            }
        }
        ED25519 => <[u8; 32]>::try_from(bits)
            .map(PublicKey::Ed25519)
            .map_err(|_| "an Ed25519 public key is 32 bytes".to_owned()),
        _ => Ok(PublicKey::Other {
            oid,
            bits: bits.to_vec(),
        }),
    }
}

/// The public key of a DER SPKI.
pub(crate) fn from_spki_der(der: &[u8]) -> Result<PublicKey, String> {
    let spki = SubjectPublicKeyInfoRef::from_der(der).map_err(|e| format!("SPKI: {e}"))?;
    from_spki(&spki)
}

/// A PKCS#1 RSAPublicKey.
pub(crate) fn from_pkcs1_public(der: &[u8]) -> Result<PublicKey, String> {
    let k = <pkcs1::RsaPublicKey<UintRef<'_>>>::from_der(der)
        .map_err(|e| format!("RSA public key: {e}"))?;
    Ok(PublicKey::Rsa {
        n: trim(k.modulus.as_bytes()),
        e: trim(k.public_exponent.as_bytes()),
    })
}

/// The public key of a PKCS#1 RSAPrivateKey (its modulus and exponent).
pub(crate) fn from_pkcs1_private(der: &[u8]) -> Result<PublicKey, String> {
    let k = <pkcs1::RsaPrivateKey<UintRef<'_>>>::from_der(der)
        .map_err(|e| format!("RSA private key: {e}"))?;
    Ok(PublicKey::Rsa {
        n: trim(k.modulus.as_bytes()),
        e: trim(k.public_exponent.as_bytes()),
    })
}

/// The public key of a SEC1 ECPrivateKey: its scalar's point on the curve
/// its parameters (or, in PKCS#8, the algorithm's) name. A public key
/// written beside the scalar is not trusted: the scalar decides.
pub(crate) fn from_sec1(der: &[u8], outer_curve: Option<&str>) -> Result<PublicKey, String> {
    let k = EcPrivateKeyAnyParams::from_der(der).map_err(|e| format!("EC private key: {e}"))?;
    let _ = (&k.version, &k.public_key);
    let inner = k
        .parameters
        .as_ref()
        .and_then(|p| p.decode_as::<ObjectIdentifier>().ok())
        .map(|o| o.to_string());
    let name = inner.as_deref().or(outer_curve);
    let curve = name
        .and_then(Curve::from_oid)
        .ok_or_else(|| format!("curve {} is not one fx derives", name.unwrap_or("unnamed")))?;
    ec_public(curve, k.private_key.as_bytes())
        .map(|point| PublicKey::Ec { curve, point })
        .ok_or_else(|| "the EC private scalar is not valid for its curve".to_owned())
}

/// The public key of a PKCS#8 private key (RSA, EC on P-256/384/521,
/// Ed25519). `Err` names what is not derived.
pub(crate) fn from_pkcs8(der: &[u8]) -> Result<PublicKey, String> {
    let pki = pkcs8::PrivateKeyInfoRef::from_der(der).map_err(|e| format!("PKCS#8: {e}"))?;
    let oid = pki.algorithm.oid.to_string();
    let key = pki.private_key.as_bytes();
    match oid.as_str() {
        RSA => from_pkcs1_private(key),
        EC => {
            let curve = pki
                .algorithm
                .parameters
                .as_ref()
                .and_then(|p| p.decode_as::<ObjectIdentifier>().ok())
                .map(|o| o.to_string());
            from_sec1(key, curve.as_deref())
        }
        ED25519 => {
            // CurvePrivateKey ::= OCTET STRING (RFC 8410 §7).
            let seed = <&OctetStringRef>::from_der(key)
                .map_err(|e| format!("Ed25519 private key: {e}"))?;
            let seed: [u8; 32] = seed
                .as_bytes()
                .try_into()
                .map_err(|_| "an Ed25519 private key is 32 bytes".to_owned())?;
            let vk = ed25519_dalek::SigningKey::from_bytes(&seed).verifying_key();
            Ok(PublicKey::Ed25519(vk.to_bytes()))
        }
        _ => Err(format!(
            "the public key of a {} private key is not derived",
            fx_formats::oids::name(&oid).unwrap_or(&oid)
        )),
    }
}
