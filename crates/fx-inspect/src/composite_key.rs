//! Composite private keys (draft-ietf-lamps-pq-composite-sigs,
//! draft-ietf-lamps-pq-composite-kem): the PKCS#8 `privateKey` octets are
//! the post-quantum seed (ML-DSA's 32 bytes, ML-KEM's 64) followed by the
//! traditional private key — an `RSAPrivateKey` (RFC 8017) or
//! `ECPrivateKey` (RFC 5915) in DER, or the raw Ed25519, Ed448, X25519 or
//! X448 key (32, 57, 32, 56 bytes).
//!
//! Failure shapes (DESIGN §9): a length that cannot hold the parts, a raw
//! traditional key of the wrong size, the expanded ML-DSA/ML-KEM key where
//! the seed belongs, an EC private value of the wrong size: `bad_length`;
//! a traditional key that is not a SEQUENCE: `bad_tag`; one whose DER runs
//! past the end: `truncated`, or stops before it: `trailing_data`; a
//! SEQUENCE that is no `RSAPrivateKey`/`ECPrivateKey`: `malformed_header`;
//! an RSA modulus or a curve other than the composite names:
//! `invalid_value`.

use der::Decode;
use fx_core::vocab::FailureKind;
use fx_formats::der::{TagClass, read_header};
use fx_formats::oids;
use fx_formats::pqc_params::{self, ParamSet};

use crate::algorithm::{KeyAlg, bits_of, curve_name, edwards_len, point_len, size_finding};
use crate::report::Finding;

/// Checks a composite private key's octets against its composite name
/// (`k.components`: the post-quantum and the traditional component).
pub(crate) fn private(k: &mut KeyAlg, key: &[u8], f: &mut Vec<Finding>) {
    let Some(pq) = k.components.first().and_then(|n| pqc_params::by_name(n)) else {
        return;
    };
    let Some(seed_len) = pq.secret_seed else {
        return;
    };
    let name = k.algorithm.clone().unwrap_or_else(|| "composite".into());
    let trad_name = k.components.get(1).cloned().unwrap_or_default();
    k.form = Some("seed");
    let Some(trad) = key.get(seed_len..).filter(|t| !t.is_empty()) else {
        f.push(Finding::new(
            FailureKind::BadLength,
            format!(
                "composite private key of {name}: {} bytes leave nothing after the {seed_len}-byte {} seed for the {trad_name} key",
                key.len(),
                pq.name
            ),
        ));
        return;
    };
    if let Some(e) = edwards_len(&trad_name) {
        k.expected_len = Some(seed_len + e);
        if trad.len() != e {
            f.push(expanded_or(pq, key, &|t| t.len() == e, || {
                size_finding("composite private key", &name, seed_len + e, key.len())
            }));
        }
        return;
    }
    match der_sequence(trad, &trad_name) {
        Ok(()) => {}
        Err(finding) => {
            f.push(expanded_or(
                pq,
                key,
                &|t| der_sequence(t, &trad_name).is_ok(),
                || finding,
            ));
            return;
        }
    }
    if trad_name.starts_with("RSA") {
        rsa(k, trad, &trad_name, f);
    } else if let Some(curve) = oids::composite_curve(&trad_name) {
        ec(trad, curve, &trad_name, f);
    }
}

/// The finding for a traditional part that does not fit: when the key
/// holds the post-quantum component's expanded private key where the seed
/// belongs (and the rest then fits), says so; otherwise `otherwise`.
fn expanded_or(
    pq: &ParamSet,
    key: &[u8],
    fits: &dyn Fn(&[u8]) -> bool,
    otherwise: impl FnOnce() -> Finding,
) -> Finding {
    match (pq.secret_key, pq.secret_seed) {
        (Some(expanded), Some(seed))
            if key
                .get(expanded..)
                .is_some_and(|t| !t.is_empty() && fits(t)) =>
        {
            Finding::new(
                FailureKind::BadLength,
                format!(
                    "composite private key holds the expanded {} private key ({expanded} bytes) where the draft's encoding carries its {seed}-byte seed",
                    pq.name
                ),
            )
        }
        _ => otherwise(),
    }
}

/// The traditional part is exactly one DER SEQUENCE.
fn der_sequence(trad: &[u8], trad_name: &str) -> Result<(), Finding> {
    let h = read_header(trad, 0).map_err(|e| {
        Finding::new(
            e.kind,
            format!("{trad_name} key of the composite: {}", e.detail),
        )
    })?;
    if h.class != TagClass::Universal || !h.constructed || h.number != 16 {
        return Err(Finding::new(
            FailureKind::BadTag,
            format!(
                "{trad_name} key of the composite starts with tag {:#04x}, not a SEQUENCE",
                trad[0]
            ),
        ));
    }
    let Some(len) = h.len else {
        return Err(Finding::new(
            FailureKind::BerNotDer,
            format!("{trad_name} key of the composite has an indefinite length"),
        ));
    };
    let end = h.header_len + len;
    if end > trad.len() {
        return Err(Finding::new(
            FailureKind::Truncated,
            format!(
                "{trad_name} key of the composite declares {end} bytes, {} remain",
                trad.len()
            ),
        ));
    }
    if end < trad.len() {
        return Err(Finding::new(
            FailureKind::TrailingData,
            format!(
                "{} bytes follow the {trad_name} key of the composite",
                trad.len() - end
            ),
        ));
    }
    Ok(())
}

/// The RSA part: an `RSAPrivateKey` whose modulus has the size the name gives.
fn rsa(k: &mut KeyAlg, trad: &[u8], trad_name: &str, f: &mut Vec<Finding>) {
    match <pkcs1::RsaPrivateKey<der::asn1::UintRef<'_>>>::from_der(trad) {
        Ok(rsa) => {
            let bits = bits_of(rsa.modulus.as_bytes());
            let named = trad_name
                .strip_prefix("RSA")
                .and_then(|b| b.parse::<u64>().ok());
            if let Some(named) = named
                && named != bits
            {
                f.push(Finding::new(
                    FailureKind::InvalidValue,
                    format!(
                        "RSA key of the composite has a {bits}-bit modulus, the composite names {trad_name}"
                    ),
                ));
            }
            k.key_bits = Some(bits);
        }
        Err(e) => f.push(Finding::new(
            FailureKind::MalformedHeader,
            format!("RSA key of the composite is no RSAPrivateKey: {e}"),
        )),
    }
}

/// The EC part: an `ECPrivateKey` on the named curve, its private value of
/// the curve's size.
fn ec(trad: &[u8], curve: &str, trad_name: &str, f: &mut Vec<Finding>) {
    match sec1::EcPrivateKey::from_der(trad) {
        Ok(ec) => {
            if let Some(sec1::EcParameters::NamedCurve(c)) = ec.parameters {
                let oid = c.to_string();
                if curve_name(&oid) != Some(curve) {
                    f.push(Finding::new(
                        FailureKind::InvalidValue,
                        format!(
                            "EC key of the composite names curve {}, the composite names {curve}",
                            curve_name(&oid).unwrap_or(oid.as_str())
                        ),
                    ));
                }
            }
            if let Some(point) = point_len(curve) {
                let scalar = (point - 1) / 2;
                if ec.private_key.len() != scalar {
                    f.push(size_finding(
                        "EC private value of the composite's",
                        trad_name,
                        scalar,
                        ec.private_key.len(),
                    ));
                }
            }
        }
        Err(e) => f.push(Finding::new(
            FailureKind::MalformedHeader,
            format!("EC key of the composite is no ECPrivateKey: {e}"),
        )),
    }
}
