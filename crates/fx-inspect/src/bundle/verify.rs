//! Signature verification with the RustCrypto crates: RSA PKCS#1 v1.5 and
//! PSS, ECDSA on P-256/384/521, Ed25519. An algorithm fx does not verify is
//! [`Check::Unsupported`], never a verdict; [`Check::Invalid`] only when the
//! verifier ran and refused.

use der::asn1::{AnyRef, ObjectIdentifier, UintRef};
use der::{Decode, Sequence};
use rsa::signature::Verifier as _;
use sha2::Digest as _;
use spki::AlgorithmIdentifierRef;

use super::pubkey::{Curve, PublicKey};
use crate::openssh_cert::{bits_precision, fixed};

/// What a verification came to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Check {
    /// The verifier accepted the signature.
    Verified,
    /// The verifier refused it (why).
    Invalid(String),
    /// Not tried: the algorithm or key is not one fx verifies (which).
    Unsupported(String),
}

/// The hash functions a signature may name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Hash {
    /// SHA-1.
    Sha1,
    /// SHA-224.
    Sha224,
    /// SHA-256.
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
}

impl Hash {
    /// Every hash a detached signature without an algorithm identifier is
    /// tried with, most common first.
    pub(crate) const ALL: [Hash; 5] = [
        Hash::Sha256,
        Hash::Sha384,
        Hash::Sha512,
        Hash::Sha224,
        Hash::Sha1,
    ];

    /// Its name.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Hash::Sha1 => "SHA-1",
            Hash::Sha224 => "SHA-224",
            Hash::Sha256 => "SHA-256",
            Hash::Sha384 => "SHA-384",
            Hash::Sha512 => "SHA-512",
        }
    }

    /// The hash an AlgorithmIdentifier OID names.
    pub(crate) fn from_oid(oid: &str) -> Option<Hash> {
        Some(match oid {
            "1.3.14.3.2.26" => Hash::Sha1,
            "2.16.840.1.101.3.4.2.4" => Hash::Sha224,
            "2.16.840.1.101.3.4.2.1" => Hash::Sha256,
            "2.16.840.1.101.3.4.2.2" => Hash::Sha384,
            "2.16.840.1.101.3.4.2.3" => Hash::Sha512,
            _ => return None,
        })
    }

    /// The digest of `msg`.
    pub(crate) fn digest(self, msg: &[u8]) -> Vec<u8> {
        match self {
            Hash::Sha1 => sha1::Sha1::digest(msg).to_vec(),
            Hash::Sha224 => sha2::Sha224::digest(msg).to_vec(),
            Hash::Sha256 => sha2::Sha256::digest(msg).to_vec(),
            Hash::Sha384 => sha2::Sha384::digest(msg).to_vec(),
            Hash::Sha512 => sha2::Sha512::digest(msg).to_vec(),
        }
    }
}

/// A signature scheme, with the hash it signs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Scheme {
    /// RSASSA-PKCS1-v1_5.
    RsaPkcs1(Hash),
    /// RSASSA-PSS, MGF1 with the same hash, a salt length.
    RsaPss(Hash, usize),
    /// ECDSA (the signature DER-encoded, as X.509 and CMS write it).
    Ecdsa(Hash),
    /// Ed25519 (pure).
    Ed25519,
}

impl Scheme {
    /// How it is named in evidence.
    pub(crate) fn name(self) -> String {
        match self {
            Scheme::RsaPkcs1(h) => format!("RSA PKCS#1 v1.5 {}", h.name()),
            Scheme::RsaPss(h, s) => format!("RSA-PSS {} salt {s}", h.name()),
            Scheme::Ecdsa(h) => format!("ECDSA {}", h.name()),
            Scheme::Ed25519 => "Ed25519".to_owned(),
        }
    }
}

/// RSASSA-PSS-params (RFC 4055 §3.1), every field with its default.
#[derive(Sequence)]
struct PssParams<'a> {
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    hash: Option<AlgorithmIdentifierRef<'a>>,
    #[asn1(context_specific = "1", tag_mode = "EXPLICIT", optional = "true")]
    mask_gen: Option<AlgorithmIdentifierRef<'a>>,
    #[asn1(context_specific = "2", tag_mode = "EXPLICIT", optional = "true")]
    salt_len: Option<u32>,
    #[asn1(context_specific = "3", tag_mode = "EXPLICIT", optional = "true")]
    trailer: Option<u32>,
}

const MGF1: &str = "1.2.840.113549.1.1.8";

fn pss_scheme(params: Option<&AnyRef<'_>>) -> Result<Scheme, String> {
    let p = match params {
        None => return Err("RSA-PSS without parameters".to_owned()),
        Some(p) => p
            .decode_as::<PssParams<'_>>()
            .map_err(|e| format!("RSA-PSS parameters: {e}"))?,
    };
    let hash_oid = p
        .hash
        .as_ref()
        .map_or("1.3.14.3.2.26".to_owned(), |a| a.oid.to_string());
    let hash = Hash::from_oid(&hash_oid).ok_or_else(|| format!("RSA-PSS hash {hash_oid}"))?;
    let mgf_hash = match &p.mask_gen {
        None => "1.3.14.3.2.26".to_owned(),
        Some(m) if m.oid.to_string() == MGF1 => m
            .parameters
            .as_ref()
            .and_then(|x| x.decode_as::<AlgorithmIdentifierRef<'_>>().ok())
            .map(|a| a.oid.to_string())
            .ok_or_else(|| "RSA-PSS MGF1 without its hash".to_owned())?,
        Some(m) => return Err(format!("RSA-PSS mask generation {}", m.oid)),
    };
    if mgf_hash != hash_oid {
        return Err(format!(
            "RSA-PSS with MGF1 hash {mgf_hash} other than its hash {hash_oid}"
        ));
    }
    if p.trailer.unwrap_or(1) != 1 {
        return Err("RSA-PSS trailer field other than 1".to_owned());
    }
    Ok(Scheme::RsaPss(hash, p.salt_len.unwrap_or(20) as usize))
}

/// The scheme an X.509/CMS signature AlgorithmIdentifier names; `Err` names
/// one fx does not verify.
pub(crate) fn scheme_of(
    oid: &ObjectIdentifier,
    params: Option<AnyRef<'_>>,
) -> Result<Scheme, String> {
    let o = oid.to_string();
    Ok(match o.as_str() {
        "1.2.840.113549.1.1.5" | "1.3.14.3.2.29" => Scheme::RsaPkcs1(Hash::Sha1),
        "1.2.840.113549.1.1.14" => Scheme::RsaPkcs1(Hash::Sha224),
        "1.2.840.113549.1.1.11" => Scheme::RsaPkcs1(Hash::Sha256),
        "1.2.840.113549.1.1.12" => Scheme::RsaPkcs1(Hash::Sha384),
        "1.2.840.113549.1.1.13" => Scheme::RsaPkcs1(Hash::Sha512),
        "1.2.840.113549.1.1.10" => pss_scheme(params.as_ref())?,
        "1.2.840.10045.4.1" => Scheme::Ecdsa(Hash::Sha1),
        "1.2.840.10045.4.3.1" => Scheme::Ecdsa(Hash::Sha224),
        "1.2.840.10045.4.3.2" => Scheme::Ecdsa(Hash::Sha256),
        "1.2.840.10045.4.3.3" => Scheme::Ecdsa(Hash::Sha384),
        "1.2.840.10045.4.3.4" => Scheme::Ecdsa(Hash::Sha512),
        "1.3.101.112" => Scheme::Ed25519,
        _ => {
            return Err(format!(
                "signature algorithm {} is not one fx verifies",
                fx_formats::oids::name(&o).unwrap_or(&o)
            ));
        }
    })
}

/// ECDSA-Sig-Value.
#[derive(Sequence)]
struct EcdsaSig<'a> {
    r: UintRef<'a>,
    s: UintRef<'a>,
}

fn rsa_key(n: &[u8], e: &[u8]) -> Result<rsa::PublicKey, String> {
    let (Ok(n), Ok(e)) = (
        rsa::BoxedUint::from_be_slice(n, bits_precision(n)),
        rsa::BoxedUint::from_be_slice(e, bits_precision(e)),
    ) else {
        return Err("the RSA key's integers".to_owned());
    };
    rsa::PublicKey::new_with_size_limits(n, e, 512..=16_384)
        .map_err(|e| format!("the RSA key is not usable: {e}"))
}

fn verdict(ok: bool, scheme: Scheme) -> Check {
    if ok {
        Check::Verified
    } else {
        Check::Invalid(format!("the {} signature does not verify", scheme.name()))
    }
}

macro_rules! rsa_with {
    ($h:expr, $m:ident, $key:expr, $f:expr) => {
        match $h {
            Hash::Sha1 => $f($m::VerifyingKey::<sha1::Sha1>::new($key)),
            Hash::Sha224 => $f($m::VerifyingKey::<sha2::Sha224>::new($key)),
            Hash::Sha256 => $f($m::VerifyingKey::<sha2::Sha256>::new($key)),
            Hash::Sha384 => $f($m::VerifyingKey::<sha2::Sha384>::new($key)),
            Hash::Sha512 => $f($m::VerifyingKey::<sha2::Sha512>::new($key)),
        }
    };
}

fn rsa_verify(n: &[u8], e: &[u8], scheme: Scheme, msg: &[u8], sig: &[u8]) -> Check {
    let key = match rsa_key(n, e) {
        Ok(k) => k,
        Err(why) => return Check::Unsupported(why),
    };
    let len = {
        use rsa::traits::PublicKeyParts as _;
        key.size()
    };
    // A signature shorter than the modulus is left-padded (as OpenSSL
    // accepts); a longer one cannot verify.
    let Some(sig) = fixed(sig, len) else {
        return verdict(false, scheme);
    };
    let ok = match scheme {
        Scheme::RsaPkcs1(h) => {
            use rsa::pkcs1v15;
            let Ok(s) = pkcs1v15::Signature::try_from(sig.as_slice()) else {
                return verdict(false, scheme);
            };
            rsa_with!(h, pkcs1v15, key, |vk: pkcs1v15::VerifyingKey<_>| vk
                .verify(msg, &s)
                .is_ok())
        }
        Scheme::RsaPss(h, salt) => {
            use rsa::pss;
            let Ok(s) = pss::Signature::try_from(sig.as_slice()) else {
                return verdict(false, scheme);
            };
            match h {
                Hash::Sha1 => pss::VerifyingKey::<sha1::Sha1>::new_with_salt_len(key, salt)
                    .verify(msg, &s)
                    .is_ok(),
                Hash::Sha224 => pss::VerifyingKey::<sha2::Sha224>::new_with_salt_len(key, salt)
                    .verify(msg, &s)
                    .is_ok(),
                Hash::Sha256 => pss::VerifyingKey::<sha2::Sha256>::new_with_salt_len(key, salt)
                    .verify(msg, &s)
                    .is_ok(),
                Hash::Sha384 => pss::VerifyingKey::<sha2::Sha384>::new_with_salt_len(key, salt)
                    .verify(msg, &s)
                    .is_ok(),
                Hash::Sha512 => pss::VerifyingKey::<sha2::Sha512>::new_with_salt_len(key, salt)
                    .verify(msg, &s)
                    .is_ok(),
            }
        }
        _ => return Check::Unsupported("an RSA key with a non-RSA scheme".to_owned()),
    };
    verdict(ok, scheme)
}

/// ECDSA over the digest `prehash`; `sig` is a DER ECDSA-Sig-Value.
fn ecdsa_verify(curve: Curve, point: &[u8], prehash: &[u8], sig: &[u8]) -> bool {
    use p256::ecdsa::signature::hazmat::PrehashVerifier as _;
    let Ok(rs) = EcdsaSig::from_der(sig) else {
        return false;
    };
    let n = curve.scalar_len();
    let (Some(mut bytes), Some(s)) = (fixed(rs.r.as_bytes(), n), fixed(rs.s.as_bytes(), n)) else {
        return false;
    };
    bytes.extend(s);
    match curve {
        Curve::P256 => {
            let vk = p256::ecdsa::VerifyingKey::from_sec1_bytes(point);
            let sg = p256::ecdsa::Signature::from_slice(&bytes);
            matches!((vk, sg), (Ok(vk), Ok(sg)) if vk.verify_prehash(prehash, &sg).is_ok())
        }
        Curve::P384 => {
            let vk = p384::ecdsa::VerifyingKey::from_sec1_bytes(point);
            let sg = p384::ecdsa::Signature::from_slice(&bytes);
            matches!((vk, sg), (Ok(vk), Ok(sg)) if vk.verify_prehash(prehash, &sg).is_ok())
        }
        Curve::P521 => {
            let vk = p521::ecdsa::VerifyingKey::from_sec1_bytes(point);
            let sg = p521::ecdsa::Signature::from_slice(&bytes);
            matches!((vk, sg), (Ok(vk), Ok(sg)) if vk.verify_prehash(prehash, &sg).is_ok())
        }
    }
}

/// Verifies `sig` over `msg` with `key` under `scheme`. A key of another
/// kind than the scheme's cannot have made the signature: `Invalid`.
pub(crate) fn verify(key: &PublicKey, scheme: Scheme, msg: &[u8], sig: &[u8]) -> Check {
    match (key, scheme) {
        (PublicKey::Rsa { n, e }, Scheme::RsaPkcs1(_) | Scheme::RsaPss(..)) => {
            rsa_verify(n, e, scheme, msg, sig)
        }
        (PublicKey::Ec { curve, point }, Scheme::Ecdsa(h)) => {
            verdict(ecdsa_verify(*curve, point, &h.digest(msg), sig), scheme)
        }
        (PublicKey::Ed25519(q), Scheme::Ed25519) => {
            let ok = ed25519_dalek::VerifyingKey::from_bytes(q).is_ok_and(|vk| {
                ed25519_dalek::Signature::from_slice(sig).is_ok_and(|s| vk.verify(msg, &s).is_ok())
            });
            verdict(ok, scheme)
        }
        (PublicKey::Other { oid, .. }, _) => Check::Unsupported(format!(
            "a {} key is not one fx verifies with",
            fx_formats::oids::name(oid).unwrap_or(oid)
        )),
        (k, s) => Check::Invalid(format!(
            "a {} signature cannot come from {} key",
            s.name(),
            match k {
                PublicKey::Rsa { .. } => "an RSA",
                PublicKey::Ec { .. } => "an EC",
                PublicKey::Ed25519(_) => "an Ed25519",
                PublicKey::Other { .. } => "this",
            }
        )),
    }
}

/// The schemes a detached signature of `key` may be, when nothing names
/// its algorithm, each hash in turn.
pub(crate) fn candidate_schemes(key: &PublicKey) -> Vec<Scheme> {
    match key {
        PublicKey::Rsa { .. } => Hash::ALL.iter().map(|h| Scheme::RsaPkcs1(*h)).collect(),
        PublicKey::Ec { .. } => Hash::ALL.iter().map(|h| Scheme::Ecdsa(*h)).collect(),
        PublicKey::Ed25519(_) => vec![Scheme::Ed25519],
        PublicKey::Other { .. } => Vec::new(),
    }
}
