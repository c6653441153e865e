//! From an algorithm identifier and key bytes to DESIGN §9 names: algorithm,
//! OID, key bits, curve, and size checks against the parameter set
//! (`bad_length` with expected vs actual) — for public keys (SPKI) and
//! private keys (PKCS#8 / OneAsymmetricKey).

use der::asn1::{ObjectIdentifier, OctetStringRef, UintRef};
use der::{Decode, Sequence};
use fx_core::vocab::FailureKind;
use fx_formats::oids::{self, OidKind};
use fx_formats::pqc_params::{self, Family};
use serde::Serialize;

use crate::report::Finding;

/// What was read about one key.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct KeyAlg {
    /// Dotted OID of the key's algorithm identifier.
    pub oid: String,
    /// DESIGN §9 name; absent when the OID is unknown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub algorithm: Option<String>,
    /// RSA/DSA modulus bits.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_bits: Option<u64>,
    /// Curve name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub curve: Option<String>,
    /// Key bytes (BIT STRING content of an SPKI, private key octets of PKCS#8).
    pub key_len: usize,
    /// Expected key length for the parameter set, when it is fixed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected_len: Option<usize>,
    /// Private-key form (`seed`, `expanded`, `both`, `raw`, `octet_string`, `sequence`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub form: Option<&'static str>,
    /// Pre-hash of a HashML-DSA / HashSLH-DSA OID.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prehash: Option<&'static str>,
    /// Component algorithms of a composite.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub components: Vec<String>,
}

impl KeyAlg {
    /// The key as the fx-facts record the step data is written as.
    pub fn record(&self) -> fx_facts::KeyAlgorithm {
        fx_facts::KeyAlgorithm {
            oid: self.oid.clone(),
            algorithm: self.algorithm.clone(),
            key_bits: self.key_bits,
            curve: self.curve.clone(),
            key_len: self.key_len as u64,
            expected_len: self.expected_len.map(|n| n as u64),
            form: self.form.map(str::to_owned),
            prehash: self.prehash.map(str::to_owned),
            components: self.components.clone(),
        }
    }
}

#[derive(Sequence)]
struct DsaParams<'a> {
    p: UintRef<'a>,
    q: UintRef<'a>,
    g: UintRef<'a>,
}

#[derive(Sequence)]
struct SeedAndExpanded<'a> {
    seed: &'a OctetStringRef,
    expanded: &'a OctetStringRef,
}

/// Bits of a big-endian unsigned integer.
pub fn bits_of(be: &[u8]) -> u64 {
    let mut s = be;
    while let [0, rest @ ..] = s {
        s = rest;
    }
    match s.first() {
        None => 0,
        Some(&b) => (s.len() as u64 - 1) * 8 + u64::from(8 - b.leading_zeros()),
    }
}

pub(crate) fn curve_name(oid: &str) -> Option<&'static str> {
    oids::lookup(oid)
        .filter(|e| e.kind == OidKind::Curve)
        .map(|e| e.name)
}

/// Uncompressed point length of a named curve (0x04 ‖ X ‖ Y).
pub(crate) fn point_len(curve: &str) -> Option<usize> {
    Some(match curve {
        "P-192" | "brainpoolP192r1" => 49,
        "P-224" | "brainpoolP224r1" => 57,
        "P-256" | "secp256k1" | "brainpoolP256r1" | "SM2" => 65,
        "brainpoolP320r1" => 81,
        "P-384" | "brainpoolP384r1" => 97,
        "brainpoolP512r1" => 129,
        "P-521" => 133,
        _ => return None,
    })
}

pub(crate) fn edwards_len(name: &str) -> Option<usize> {
    Some(match name {
        "Ed25519" | "X25519" => 32,
        "Ed448" => 57,
        "X448" => 56,
        _ => return None,
    })
}

pub(crate) fn size_finding(what: &str, name: &str, expected: usize, actual: usize) -> Finding {
    Finding::new(
        FailureKind::BadLength,
        format!("{what} of {name}: expected {expected} bytes, found {actual}"),
    )
}

/// Names the algorithm of an identifier (`oid`, DER of its parameters).
fn base(oid: &str, params: Option<&[u8]>, key_len: usize, findings: &mut Vec<Finding>) -> KeyAlg {
    let mut k = KeyAlg {
        oid: oid.to_owned(),
        key_len,
        ..KeyAlg::default()
    };
    match oids::lookup(oid) {
        Some(e) if e.kind.is_asymmetric() => k.algorithm = Some(e.name.to_owned()),
        Some(e) => {
            k.algorithm = Some(e.name.to_owned());
            findings.push(Finding::new(
                FailureKind::UnsupportedAlgorithm,
                format!("{oid} ({}) is not a key algorithm", e.name),
            ));
        }
        None => findings.push(Finding::new(
            FailureKind::UnknownOid,
            format!("key algorithm {oid} is not known"),
        )),
    }
    if let Some(m) = pqc_params::by_oid(oid) {
        // Pre-hash OIDs keep their own registry name (HashML-DSA-…).
        if m.prehash.is_none() || k.algorithm.is_none() {
            k.algorithm = Some(m.set.name.to_owned());
        }
        k.prehash = m.prehash;
    }
    // EC-style named-curve parameters.
    if let Some(p) = params
        && let Ok(curve_oid) = <ObjectIdentifier>::from_der(p)
    {
        let c = curve_oid.to_string();
        match curve_name(&c) {
            Some(n) => k.curve = Some(n.to_owned()),
            None if k.algorithm.as_deref() == Some("EC") => findings.push(Finding::new(
                FailureKind::UnknownOid,
                format!("curve {c} is not known"),
            )),
            None => {}
        }
    }
    if let Some(name) = k.algorithm.as_deref()
        && let Some((pq, trad)) = oids::composite_components(name)
    {
        k.components = vec![pq.to_owned(), trad.clone()];
        if let Some(c) = oids::composite_curve(&trad) {
            k.curve = Some(c.to_owned());
        }
        if let Some(b) = trad.strip_prefix("RSA").and_then(|b| b.parse::<u64>().ok()) {
            k.key_bits = Some(b);
        }
    }
    k
}

/// Analyses a public key: algorithm identifier + BIT STRING content.
pub fn public_key(oid: &str, params: Option<&[u8]>, key: &[u8]) -> (KeyAlg, Vec<Finding>) {
    let mut f = Vec::new();
    let mut k = base(oid, params, key.len(), &mut f);
    let name = k.algorithm.clone().unwrap_or_default();
    match name.as_str() {
        "RSA" | "RSASSA-PSS" | "RSAES-OAEP" => {
            match <pkcs1::RsaPublicKey<der::asn1::UintRef<'_>>>::from_der(key) {
                Ok(rsa) => k.key_bits = Some(bits_of(rsa.modulus.as_bytes())),
                Err(e) => f.push(Finding::new(
                    FailureKind::MalformedHeader,
                    format!("RSA public key does not decode: {e}"),
                )),
            }
        }
        "EC" | "ECDH" | "ECMQV" | "SM2" => {
            // ECParameters: a named curve (OID), implicitCurve (NULL) or
            // specifiedCurve (SEQUENCE); nothing else.
            if let Some(p) = params
                && !(matches!(p.first(), Some(0x06 | 0x30)) || p == [0x05, 0x00])
            {
                f.push(Finding::new(
                    FailureKind::BadTag,
                    format!(
                        "EC parameters with tag {:#04x}: neither a curve OID, NULL nor explicit parameters",
                        p.first().copied().unwrap_or(0)
                    ),
                ));
            }
            // Explicit parameters: named when they are a known curve's.
            let explicit = params
                .filter(|p| p.first() == Some(&0x30))
                .and_then(|p| crate::params::SpecifiedEcDomain::from_der(p).ok())
                .map(|d| d.read());
            if let Some(c) = &explicit
                && k.curve.is_none()
            {
                k.curve = c.name.map(str::to_owned);
            }
            let mut sized = true;
            if let Some(c) = &k.curve
                && let Some(pl) = point_len(c)
            {
                let compressed = pl / 2 + 1;
                if key.len() != pl && key.len() != compressed {
                    f.push(size_finding("public point", c, pl, key.len()));
                    k.expected_len = Some(pl);
                    sized = false;
                }
            }
            let field = match (&k.curve, explicit) {
                (_, Some(c)) => c.field,
                (Some(name), None) => crate::curves::Field::named(name),
                _ => None,
            };
            if sized
                && let Some(field) = field
                && let Err(why) = field.check_point(key)
            {
                f.push(Finding::new(
                    FailureKind::PointNotOnCurve,
                    format!(
                        "public point of {}: {why}",
                        k.curve.as_deref().unwrap_or("the explicit curve")
                    ),
                ));
            }
        }
        "DSA" => {
            if let Some(p) = params.and_then(|p| DsaParams::from_der(p).ok()) {
                k.key_bits = Some(bits_of(p.p.as_bytes()));
                let _ = (p.q, p.g);
            }
        }
        n if edwards_len(n).is_some() => {
            let e = edwards_len(n).unwrap_or(0);
            k.expected_len = Some(e);
            if key.len() != e {
                f.push(size_finding("public key", n, e, key.len()));
            }
        }
        _ => {}
    }
    if let Some(set) = pqc_params::ntru::by_oid(oid) {
        k.expected_len = Some(set.public_key);
        if key.len() != set.public_key {
            f.push(size_finding(
                "public key",
                set.name,
                set.public_key,
                key.len(),
            ));
        }
    }
    if let Some(m) = pqc_params::by_oid(oid) {
        let set = m.set;
        match set.family {
            Family::CompositeSignature | Family::CompositeKem => {
                composite_public(&mut k, key, &mut f);
            }
            _ => {
                if let Some(e) = set.public_key {
                    k.expected_len = Some(e);
                    if key.len() != e {
                        f.push(size_finding("public key", set.name, e, key.len()));
                    } else if set.family == Family::MlKem
                        && let Some(at) = unreduced_coefficient(key)
                    {
                        f.push(Finding::new(
                            FailureKind::UnreducedCoefficient,
                            format!(
                                "{} encapsulation key: coefficient {} (bytes {}..{}) is not below q = 3329",
                                set.name,
                                at.0,
                                at.1,
                                at.1 + 3
                            ),
                        ));
                    }
                }
            }
        }
    }
    (k, f)
}

/// The first coefficient of an ML-KEM encapsulation key (ByteEncode12 of t̂,
/// then the 32-byte seed ρ) that is not reduced modulo q = 3329 (FIPS 203
/// §7.2's modulus check): its index and the offset of its 3-byte group.
pub fn unreduced_coefficient(ek: &[u8]) -> Option<(usize, usize)> {
    let t = ek.get(..ek.len().checked_sub(32)?)?;
    t.chunks_exact(3).enumerate().find_map(|(i, b)| {
        let d1 = u16::from(b[0]) | (u16::from(b[1] & 0x0f) << 8);
        let d2 = u16::from(b[1] >> 4) | (u16::from(b[2]) << 4);
        if d1 >= 3329 {
            Some((2 * i, 3 * i))
        } else if d2 >= 3329 {
            Some((2 * i + 1, 3 * i))
        } else {
            None
        }
    })
}

/// Composite public key: PQ public key ‖ traditional public key.
fn composite_public(k: &mut KeyAlg, key: &[u8], f: &mut Vec<Finding>) {
    let Some(pq) = k.components.first().and_then(|n| pqc_params::by_name(n)) else {
        return;
    };
    let Some(pq_len) = pq.public_key else { return };
    let Some(trad) = key.get(pq_len..) else {
        f.push(Finding::new(
            FailureKind::BadLength,
            format!(
                "composite public key of {} bytes is shorter than its {} component ({pq_len})",
                key.len(),
                pq.name
            ),
        ));
        return;
    };
    let trad_name = k.components.get(1).cloned().unwrap_or_default();
    let expected_trad = if let Some(c) = oids::composite_curve(&trad_name) {
        point_len(c)
    } else {
        edwards_len(&trad_name)
    };
    if let Some(e) = expected_trad {
        k.expected_len = Some(pq_len + e);
        if trad.len() != e {
            f.push(size_finding(
                "composite public key",
                k.algorithm.as_deref().unwrap_or("composite"),
                pq_len + e,
                key.len(),
            ));
        }
    } else if trad_name.starts_with("RSA") {
        match <pkcs1::RsaPublicKey<der::asn1::UintRef<'_>>>::from_der(trad) {
            Ok(rsa) => k.key_bits = Some(bits_of(rsa.modulus.as_bytes())),
            Err(e) => f.push(Finding::new(
                FailureKind::BadLength,
                format!("RSA component of the composite key does not decode: {e}"),
            )),
        }
    }
}

/// Analyses a private key: algorithm identifier + privateKey OCTET STRING
/// content (+ the optional public key of OneAsymmetricKey).
pub fn private_key(
    oid: &str,
    params: Option<&[u8]>,
    key: &[u8],
    public: Option<&[u8]>,
) -> (KeyAlg, Vec<Finding>) {
    let mut f = Vec::new();
    let mut k = base(oid, params, key.len(), &mut f);
    let name = k.algorithm.clone().unwrap_or_default();
    match name.as_str() {
        "RSA" | "RSASSA-PSS" | "RSAES-OAEP" => {
            match <pkcs1::RsaPrivateKey<der::asn1::UintRef<'_>>>::from_der(key) {
                Ok(rsa) => k.key_bits = Some(bits_of(rsa.modulus.as_bytes())),
                Err(e) => f.push(Finding::new(
                    FailureKind::MalformedHeader,
                    format!("RSAPrivateKey does not decode: {e}"),
                )),
            }
        }
        "EC" | "ECDH" | "SM2" => match sec1::EcPrivateKey::from_der(key) {
            Ok(ec) => {
                if let Some(sec1::EcParameters::NamedCurve(c)) = ec.parameters
                    && let Some(n) = curve_name(&c.to_string())
                {
                    k.curve = Some(n.to_owned());
                }
            }
            Err(e) => f.push(Finding::new(
                FailureKind::MalformedHeader,
                format!("ECPrivateKey does not decode: {e}"),
            )),
        },
        "DSA" => {
            if let Some(p) = params.and_then(|p| DsaParams::from_der(p).ok()) {
                k.key_bits = Some(bits_of(p.p.as_bytes()));
            }
        }
        n if edwards_len(n).is_some() => {
            let e = if n == "Ed448" {
                57
            } else {
                edwards_len(n).unwrap_or(0)
            };
            match <&OctetStringRef>::from_der(key) {
                Ok(inner) => {
                    k.form = Some("octet_string");
                    k.expected_len = Some(e);
                    if inner.as_bytes().len() != e {
                        f.push(size_finding("private key", n, e, inner.as_bytes().len()));
                    }
                }
                Err(_) => f.push(Finding::new(
                    FailureKind::BadTag,
                    format!("{n} private key is not a CurvePrivateKey OCTET STRING"),
                )),
            }
        }
        _ => {}
    }
    if let Some(set) = pqc_params::ntru::by_oid(oid) {
        ntru_private(&mut k, set, key, &mut f);
    }
    if let Some(m) = pqc_params::by_oid(oid) {
        match m.set.family {
            Family::CompositeSignature | Family::CompositeKem => {
                crate::composite_key::private(&mut k, key, &mut f);
            }
            _ => pqc_private(&mut k, m.set, key, &mut f),
        }
    }
    if let Some(pk) = public {
        let (pub_alg, pf) = public_key(oid, params, pk);
        if pub_alg.expected_len.is_some() {
            f.extend(pf.into_iter().filter(|x| x.kind == FailureKind::BadLength));
        }
    }
    (k, f)
}

/// An NTRU secret key: the submission's packed secret key, raw or in an
/// OCTET STRING (BouncyCastle wraps its keys so), of the set's exact size.
fn ntru_private(k: &mut KeyAlg, set: &pqc_params::ntru::NtruSet, key: &[u8], f: &mut Vec<Finding>) {
    k.expected_len = Some(set.secret_key);
    if key.len() == set.secret_key {
        k.form = Some("raw");
        return;
    }
    match <&OctetStringRef>::from_der(key) {
        Ok(inner) => {
            k.form = Some("octet_string");
            if inner.as_bytes().len() != set.secret_key {
                f.push(size_finding(
                    "private key",
                    set.name,
                    set.secret_key,
                    inner.as_bytes().len(),
                ));
            }
        }
        Err(_) => {
            k.form = Some("raw");
            f.push(size_finding(
                "private key",
                set.name,
                set.secret_key,
                key.len(),
            ));
        }
    }
}

fn pqc_private(k: &mut KeyAlg, set: &pqc_params::ParamSet, key: &[u8], f: &mut Vec<Finding>) {
    let fixed_format = matches!(set.family, Family::MlKem | Family::MlDsa | Family::SlhDsa);
    let check = |what: &str, expected: Option<usize>, actual: usize, f: &mut Vec<Finding>| {
        if let Some(e) = expected
            && e != actual
        {
            f.push(size_finding(what, set.name, e, actual));
        }
    };
    match key.first() {
        // seed [0] IMPLICIT OCTET STRING (draft-ietf-lamps-kyber/dilithium-certificates)
        Some(0x80) if matches!(set.family, Family::MlKem | Family::MlDsa) => {
            k.form = Some("seed");
            let len = fx_formats::der::read_header(key, 0)
                .ok()
                .and_then(|h| h.len)
                .unwrap_or(0);
            k.expected_len = set.secret_seed;
            check("seed", set.secret_seed, len, f);
        }
        Some(0x04) => match <&OctetStringRef>::from_der(key) {
            Ok(inner) => {
                k.form = Some(if fixed_format {
                    "expanded"
                } else {
                    "octet_string"
                });
                k.expected_len = set.secret_key;
                if fixed_format {
                    check(
                        "expanded private key",
                        set.secret_key,
                        inner.as_bytes().len(),
                        f,
                    );
                }
            }
            Err(_) => k.form = Some("raw"),
        },
        Some(0x30) => match SeedAndExpanded::from_der(key) {
            Ok(both) if matches!(set.family, Family::MlKem | Family::MlDsa) => {
                k.form = Some("both");
                check("seed", set.secret_seed, both.seed.as_bytes().len(), f);
                check(
                    "expanded private key",
                    set.secret_key,
                    both.expanded.as_bytes().len(),
                    f,
                );
            }
            _ => k.form = Some("sequence"),
        },
        _ => {
            k.form = Some("raw");
            if set.family == Family::SlhDsa {
                k.expected_len = set.secret_key;
                check("private key", set.secret_key, key.len(), f);
            }
        }
    }
    // SLH-DSA keys are raw 4n bytes; an OCTET STRING tag byte may start them by chance.
    if set.family == Family::SlhDsa && set.secret_key == Some(key.len()) {
        k.form = Some("raw");
        f.retain(|x| x.kind != FailureKind::BadLength);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bits() {
        assert_eq!(bits_of(&[0x00, 0x80, 0x00]), 16);
        assert_eq!(bits_of(&[0x01]), 1);
        assert_eq!(bits_of(&[]), 0);
    }

    #[test]
    fn pqc_public_size_check() {
        let (k, f) = public_key("2.16.840.1.101.3.4.4.2", None, &[0u8; 1184]);
        assert_eq!(k.algorithm.as_deref(), Some("ML-KEM-768"));
        assert!(f.is_empty(), "{f:?}");
        let (_, f) = public_key("2.16.840.1.101.3.4.4.2", None, &[0u8; 1183]);
        assert_eq!(f[0].kind, FailureKind::BadLength);
        assert!(f[0].detail.contains("1184"), "{}", f[0].detail);
    }

    #[test]
    fn unknown_oid_is_a_finding() {
        let (k, f) = public_key("1.2.3.4.5", None, &[1, 2, 3]);
        assert_eq!(k.algorithm, None);
        assert_eq!(f[0].kind, FailureKind::UnknownOid);
    }

    #[test]
    fn composite_names() {
        let (k, f) = public_key("1.3.6.1.5.5.7.6.45", None, &[0u8; 1952 + 65]);
        assert_eq!(k.algorithm.as_deref(), Some("MLDSA65-ECDSA-P256-SHA512"));
        assert_eq!(k.curve.as_deref(), Some("P-256"));
        assert!(f.is_empty(), "{f:?}");
    }
}
