//! Domain parameters: Diffie-Hellman (PKCS #3 `DHParameter` and X9.42
//! `DomainParameters`), DSA (`Dss-Parms`) and EC (`ECParameters`: a named
//! curve, or explicit parameters that fx names when they are a known
//! curve's). Each gives the algorithm (`DH`, `DSA`, `EC`) and the size:
//! the prime's bits, or the curve.

use der::asn1::{AnyRef, BitStringRef, ObjectIdentifier, OctetStringRef, UintRef};
use der::{Decode, Sequence};
use fx_core::vocab::{Container, FailureKind};
use fx_facts::key::ParamsData;

use crate::algorithm::{KeyAlg, bits_of};
use crate::curves;
use crate::derr::der_finding;
use crate::report::Finding;
use crate::x509::Parsed;

/// PKCS #3 `DHParameter`.
#[derive(Sequence)]
struct DhParameter<'a> {
    prime: UintRef<'a>,
    base: UintRef<'a>,
    #[asn1(optional = "true")]
    private_value_length: Option<UintRef<'a>>,
}

/// X9.42 `DomainParameters` (RFC 3279 §2.3.3).
#[derive(Sequence)]
struct DomainParameters<'a> {
    p: UintRef<'a>,
    g: UintRef<'a>,
    q: UintRef<'a>,
    #[asn1(optional = "true")]
    j: Option<UintRef<'a>>,
    #[asn1(optional = "true")]
    validation: Option<AnyRef<'a>>,
}

/// `Dss-Parms` (RFC 3279 §2.3.2).
#[derive(Sequence)]
pub(crate) struct DssParms<'a> {
    pub(crate) p: UintRef<'a>,
    pub(crate) q: UintRef<'a>,
    pub(crate) g: UintRef<'a>,
}

#[derive(Sequence)]
struct FieldId<'a> {
    field_type: ObjectIdentifier,
    parameters: AnyRef<'a>,
}

#[derive(Sequence)]
struct CurveCoefficients<'a> {
    a: &'a OctetStringRef,
    b: &'a OctetStringRef,
    #[asn1(optional = "true")]
    seed: Option<BitStringRef<'a>>,
}

/// `SpecifiedECDomain` (SEC 1 §C.2).
#[derive(Sequence)]
pub(crate) struct SpecifiedEcDomain<'a> {
    version: UintRef<'a>,
    field_id: FieldId<'a>,
    curve: CurveCoefficients<'a>,
    base: &'a OctetStringRef,
    order: UintRef<'a>,
    #[asn1(optional = "true")]
    cofactor: Option<UintRef<'a>>,
    #[asn1(optional = "true")]
    hash: Option<AnyRef<'a>>,
}

const PRIME_FIELD: &str = "1.2.840.10045.1.1";

/// An explicit curve, read.
pub(crate) struct ExplicitCurve {
    /// The named curve these parameters are, when they are one.
    pub(crate) name: Option<&'static str>,
    /// Its field, for point checks.
    pub(crate) field: Option<curves::Field>,
    /// Bits of the prime.
    pub(crate) bits: u64,
}

impl SpecifiedEcDomain<'_> {
    pub(crate) fn read(&self) -> ExplicitCurve {
        let prime = (self.field_id.field_type.to_string() == PRIME_FIELD)
            .then(|| {
                self.field_id
                    .parameters
                    .decode_as::<UintRef<'_>>()
                    .ok()
                    .map(|p| p.as_bytes().to_vec())
            })
            .flatten();
        let (a, b) = (self.curve.a.as_bytes(), self.curve.b.as_bytes());
        match prime {
            Some(p) => ExplicitCurve {
                name: curves::identify(&p, a, b, self.order.as_bytes()),
                field: curves::Field::explicit(&p, a, b),
                bits: bits_of(&p),
            },
            None => ExplicitCurve {
                name: None,
                field: None,
                bits: 0,
            },
        }
    }
}

/// A parameters record (step `params`) with what every form has; the
/// PEM block is the writer's, the findings the step's.
fn record(algorithm: &str, form: &str) -> ParamsData {
    ParamsData {
        container: Container::Raw,
        block: None,
        algorithm: algorithm.to_owned(),
        form: form.to_owned(),
        key_bits: None,
        q_bits: None,
        generator: None,
        curve: None,
        curve_oid: None,
        findings: Vec::new(),
    }
}

fn small(u: &UintRef<'_>) -> Option<u64> {
    let b = u.as_bytes();
    (b.len() <= 8).then(|| b.iter().fold(0u64, |v, &x| (v << 8) | u64::from(x)))
}

fn parsed(
    mut info: ParamsData,
    container: Container,
    findings: Vec<Finding>,
) -> Parsed<ParamsData> {
    info.container = container;
    let key = KeyAlg {
        algorithm: Some(info.algorithm.clone()),
        key_bits: info.key_bits.filter(|_| info.algorithm != "EC"),
        curve: info.curve.clone(),
        ..KeyAlg::default()
    };
    Parsed {
        info,
        key,
        findings,
        regions: Vec::new(),
        container,
    }
}

/// `DH PARAMETERS` (PKCS #3) — or, when they have three large members in
/// X9.42 order, X9.42 domain parameters under the PKCS #3 label.
pub fn dh(der: &[u8]) -> Result<Parsed<ParamsData>, Finding> {
    if let Ok(p) = DhParameter::from_der(der) {
        let info = ParamsData {
            key_bits: Some(bits_of(p.prime.as_bytes())),
            generator: small(&p.base),
            ..record("DH", "pkcs3")
        };
        let _ = p.private_value_length;
        return Ok(parsed(info, Container::DhParameters, Vec::new()));
    }
    x942(der)
}

/// `X9.42 DH PARAMETERS`.
pub fn x942(der: &[u8]) -> Result<Parsed<ParamsData>, Finding> {
    let p = DomainParameters::from_der(der).map_err(|e| der_finding(&e, "X9.42 DH parameters"))?;
    let _ = (&p.j, &p.validation, &p.g);
    let info = ParamsData {
        key_bits: Some(bits_of(p.p.as_bytes())),
        q_bits: Some(bits_of(p.q.as_bytes())),
        ..record("DH", "x942")
    };
    Ok(parsed(info, Container::DhParameters, Vec::new()))
}

/// `DSA PARAMETERS`.
pub fn dsa(der: &[u8]) -> Result<Parsed<ParamsData>, Finding> {
    let p = DssParms::from_der(der).map_err(|e| der_finding(&e, "DSA parameters"))?;
    let _ = &p.g;
    let info = ParamsData {
        key_bits: Some(bits_of(p.p.as_bytes())),
        q_bits: Some(bits_of(p.q.as_bytes())),
        ..record("DSA", "dss")
    };
    Ok(parsed(info, Container::DsaParameters, Vec::new()))
}

/// Parameters that are unambiguously DH or DSA when no label says which: a
/// SEQUENCE of two or three INTEGERs whose first is an odd prime of at least
/// 512 bits. Two INTEGERs are also an RSA public key (modulus, exponent):
/// the modulus is composite, the DH prime is not.
pub fn dh_or_dsa_unlabelled(der: &[u8]) -> Result<Parsed<ParamsData>, Finding> {
    let not = || Finding::new(FailureKind::BadTag, "not DH or DSA parameters");
    let prime =
        |p: &UintRef<'_>| bits_of(p.as_bytes()) >= 512 && curves::probably_prime(p.as_bytes());
    let subgroup = |q: &UintRef<'_>| (160..=512).contains(&bits_of(q.as_bytes()));
    let large = |x: &UintRef<'_>| bits_of(x.as_bytes()) > 512;
    let tiny = |x: &UintRef<'_>| bits_of(x.as_bytes()) <= 64;
    if let Ok(p) = DssParms::from_der(der) {
        // Three INTEGERs: (p, q, g) DSA; (p, g, q) X9.42; (p, g, l) PKCS #3.
        return match () {
            _ if subgroup(&p.q) && large(&p.g) && prime(&p.p) => dsa(der),
            _ if large(&p.q) && subgroup(&p.g) && prime(&p.p) => x942(der),
            _ if tiny(&p.q) && tiny(&p.g) && prime(&p.p) => dh(der),
            _ => Err(not()),
        };
    }
    if let Ok(p) = DhParameter::from_der(der)
        && tiny(&p.base)
        && prime(&p.prime)
    {
        return dh(der);
    }
    match DomainParameters::from_der(der) {
        Ok(p) if (p.j.is_some() || p.validation.is_some()) && prime(&p.p) => x942(der),
        _ => Err(not()),
    }
}

/// `EC PARAMETERS`: a named curve OID or `SpecifiedECDomain`.
pub fn ec(der: &[u8]) -> Result<Parsed<ParamsData>, Finding> {
    if der.first() == Some(&0x06) {
        let oid =
            <ObjectIdentifier>::from_der(der).map_err(|e| der_finding(&e, "EC parameters"))?;
        let oid = oid.to_string();
        let name = fx_formats::oids::lookup(&oid)
            .filter(|e| e.kind == fx_formats::oids::OidKind::Curve)
            .map(|e| e.name);
        let mut findings = Vec::new();
        if name.is_none() {
            findings.push(Finding::new(
                FailureKind::UnknownOid,
                format!("curve {oid} is not known"),
            ));
        }
        let info = ParamsData {
            curve: name.map(str::to_owned),
            curve_oid: Some(oid),
            ..record("EC", "named_curve")
        };
        return Ok(parsed(info, Container::EcParameters, findings));
    }
    let d = SpecifiedEcDomain::from_der(der).map_err(|e| der_finding(&e, "EC parameters"))?;
    let _ = (&d.version, &d.base, &d.cofactor, &d.hash, &d.curve.seed);
    let c = d.read();
    let info = ParamsData {
        key_bits: Some(c.bits),
        curve: c.name.map(str::to_owned),
        ..record("EC", "explicit")
    };
    Ok(parsed(info, Container::EcParameters, Vec::new()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_curve_parameters() {
        // OID 1.2.840.10045.3.1.7 (P-256)
        let der = [0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
        let p = ec(&der).unwrap();
        assert_eq!(p.key.algorithm.as_deref(), Some("EC"));
        assert_eq!(p.key.curve.as_deref(), Some("P-256"));
        assert_eq!(p.container, Container::EcParameters);
    }

    #[test]
    fn an_rsa_modulus_is_not_a_dh_prime() {
        // SEQUENCE { INTEGER 3233 (53 × 61) padded to 512 bits, INTEGER 2 }
        let mut n = vec![0u8; 64];
        n[0] = 0x80;
        n[63] = 0x01; // 2^511 + 1: divisible by 3, so not prime
        let mut der = vec![0x30, 0x45, 0x02, 0x41, 0x00];
        der.extend(&n);
        der.extend([0x02, 0x01, 0x02]);
        assert!(dh_or_dsa_unlabelled(&der).is_err());
    }
}
