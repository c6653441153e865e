//! OpenSSH certificates (`*-cert-v01@openssh.com`, OpenSSH's
//! PROTOCOL.certkeys): the body read field by field, the CA's signature
//! verified with RustCrypto (Ed25519, ECDSA P-256/384/521, RSA PKCS#1 v1.5
//! with SHA-1/SHA-256/SHA-512), and the shapes that are wrong whatever the
//! date. Nothing is compared to the clock: fx is deterministic, so the
//! validity window is recorded, not judged against now.
//!
//! The `ssh-key` crate is not a dependency of fx; this reads the format with
//! the same bounded reader as the rest of fx-inspect's SSH formats.

use base64::Engine as _;
use fx_core::vocab::FailureKind;
use fx_facts::key::{OpensshCaKey, OpensshCertOption, OpensshCertWarning, OpensshCertificate};
use rsa::signature::Verifier as _;
use sha2::Digest as _;

use crate::openssh::{Wire, key_blob};
use crate::report::Finding;

const CERT_SUFFIX: &str = "-cert-v01@openssh.com";

/// Principals, options or extensions read per certificate at most.
const MAX_ITEMS: usize = 1024;

/// `SHA256:` and the unpadded base64 of the SHA-256 of a key blob, as
/// `ssh-keygen -l` prints it.
pub(crate) fn fingerprint(blob: &[u8]) -> String {
    format!(
        "SHA256:{}",
        base64::engine::general_purpose::STANDARD_NO_PAD.encode(sha2::Sha256::digest(blob))
    )
}

/// Reads the public key fields of key type `base` (without the certificate
/// suffix) from `w`.
fn skip_key_fields(w: &mut Wire<'_>, base: &str) -> Result<(), Finding> {
    let n = match base {
        "ssh-rsa" => 2,
        "ssh-dss" => 4,
        "ssh-ed25519" => 1,
        "sk-ssh-ed25519@openssh.com" => 2,
        "sk-ecdsa-sha2-nistp256@openssh.com" => 3,
        t if t.starts_with("ecdsa-sha2-") => 2,
        t => {
            return Err(Finding::new(
                FailureKind::UnsupportedAlgorithm,
                format!("certificate of key type {t}{CERT_SUFFIX} is not known"),
            ));
        }
    };
    for _ in 0..n {
        w.string()?;
    }
    Ok(())
}

/// The items of a `string` that holds a list, each read by `item`; more
/// than [`MAX_ITEMS`] is a `length_overflow` naming `what`.
fn wire_list<'a, T>(
    data: &'a [u8],
    what: &str,
    mut item: impl FnMut(&mut Wire<'a>) -> Result<T, Finding>,
) -> Result<Vec<T>, Finding> {
    let mut w = Wire::new(data);
    let mut out = Vec::new();
    while w.pos < data.len() {
        if out.len() >= MAX_ITEMS {
            return Err(Finding::new(
                FailureKind::LengthOverflow,
                format!("more than {MAX_ITEMS} {what}"),
            ));
        }
        out.push(item(&mut w)?);
    }
    Ok(out)
}

/// The strings of a `string` that holds a list of strings.
fn string_list(data: &[u8], what: &str) -> Result<Vec<String>, Finding> {
    wire_list(data, what, |w| w.text())
}

/// The (name, data) pairs of the critical options or extensions.
fn options(data: &[u8], what: &str) -> Result<Vec<OpensshCertOption>, Finding> {
    wire_list(data, what, |w| {
        let name = w.text()?;
        let value = w.string()?;
        let value = if value.is_empty() {
            None
        } else {
            let mut v = Wire::new(value);
            Some(match v.string() {
                Ok(s) if v.pos == value.len() => String::from_utf8_lossy(s).into_owned(),
                _ => String::from_utf8_lossy(value).into_owned(),
            })
        };
        Ok(OpensshCertOption { name, value })
    })
}

/// Days since 1970-01-01 to a proleptic Gregorian (year, month, day).
fn civil(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// Seconds since the epoch as RFC 3339 UTC (a year past 9999 is written
/// with all its digits).
fn rfc3339(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let (y, m, d) = civil(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    )
}

/// A big-endian unsigned integer (an `mpint`'s bytes) left-padded to `n`
/// bytes; `None` when it does not fit.
pub(crate) fn fixed(be: &[u8], n: usize) -> Option<Vec<u8>> {
    let mut s = be;
    while let [0, rest @ ..] = s {
        s = rest;
    }
    if s.len() > n {
        return None;
    }
    let mut out = vec![0u8; n - s.len()];
    out.extend_from_slice(s);
    Some(out)
}

/// An ECDSA signature blob (`mpint r, mpint s`) as the fixed-size `r ‖ s`.
fn ecdsa_rs(sig: &[u8], n: usize) -> Option<Vec<u8>> {
    let mut w = Wire::new(sig);
    let r = w.string().ok()?;
    let s = w.string().ok()?;
    if w.pos != sig.len() {
        return None;
    }
    let mut out = fixed(r, n)?;
    out.extend(fixed(s, n)?);
    Some(out)
}

/// Verifies `sig` (the certificate's `signature` field: `string format,
/// string blob`) by the CA key `ca` over `msg`. `None` when fx does not
/// verify the CA's key type; `Some(false)` when the signature, its format or
/// the key is not right.
fn verify(ca: &[u8], sig: &[u8], msg: &[u8]) -> Option<bool> {
    let mut k = Wire::new(ca);
    let ty = k.text().ok()?;
    let mut s = Wire::new(sig);
    let Ok(format) = s.text() else {
        return Some(false);
    };
    let Ok(blob) = s.string() else {
        return Some(false);
    };
    if s.pos != sig.len() {
        return Some(false);
    }
    let ok = match ty.as_str() {
        "ssh-ed25519" => {
            let q: [u8; 32] = k.string().ok()?.try_into().ok()?;
            format == ty
                && ed25519_dalek::VerifyingKey::from_bytes(&q).is_ok_and(|vk| {
                    ed25519_dalek::Signature::from_slice(blob)
                        .is_ok_and(|sg| vk.verify(msg, &sg).is_ok())
                })
        }
        "ecdsa-sha2-nistp256" | "ecdsa-sha2-nistp384" | "ecdsa-sha2-nistp521" => {
            let curve = k.text().ok()?;
            let q = k.string().ok()?;
            if format != ty || !ty.ends_with(curve.as_str()) {
                return Some(false);
            }
            match curve.as_str() {
                "nistp256" => ecdsa_rs(blob, 32).is_some_and(|rs| {
                    let vk = p256::ecdsa::VerifyingKey::from_sec1_bytes(q);
                    let sg = p256::ecdsa::Signature::from_slice(&rs);
                    matches!((vk, sg), (Ok(vk), Ok(sg)) if vk.verify(msg, &sg).is_ok())
                }),
                "nistp384" => ecdsa_rs(blob, 48).is_some_and(|rs| {
                    let vk = p384::ecdsa::VerifyingKey::from_sec1_bytes(q);
                    let sg = p384::ecdsa::Signature::from_slice(&rs);
                    matches!((vk, sg), (Ok(vk), Ok(sg)) if vk.verify(msg, &sg).is_ok())
                }),
                _ => ecdsa_rs(blob, 66).is_some_and(|rs| {
                    let vk = p521::ecdsa::VerifyingKey::from_sec1_bytes(q);
                    let sg = p521::ecdsa::Signature::from_slice(&rs);
                    matches!((vk, sg), (Ok(vk), Ok(sg)) if vk.verify(msg, &sg).is_ok())
                }),
            }
        }
        "ssh-rsa" => {
            let e = k.string().ok()?;
            let n = k.string().ok()?;
            rsa_verify(e, n, &format, blob, msg)
        }
        _ => return None,
    };
    Some(ok)
}

/// RSA PKCS#1 v1.5 with the digest the signature format names
/// (`ssh-rsa`: SHA-1, `rsa-sha2-256`, `rsa-sha2-512`). Moduli of 512 to
/// 16384 bits are accepted (OpenSSH's maximum), so that a weak CA key is
/// still checked; a signature shorter than the modulus is left-padded, as
/// OpenSSH does.
fn rsa_verify(e: &[u8], n: &[u8], format: &str, sig: &[u8], msg: &[u8]) -> bool {
    use rsa::pkcs1v15::{Signature, VerifyingKey};
    let (Ok(n), Ok(e)) = (
        rsa::BoxedUint::from_be_slice(n, bits_precision(n)),
        rsa::BoxedUint::from_be_slice(e, bits_precision(e)),
    ) else {
        return false;
    };
    let Ok(key) = rsa::PublicKey::new_with_size_limits(n, e, 512..=16_384) else {
        return false;
    };
    let Some(sig) = fixed(sig, key_bytes(&key)) else {
        return false;
    };
    let Ok(sig) = Signature::try_from(sig.as_slice()) else {
        return false;
    };
    match format {
        "ssh-rsa" => VerifyingKey::<sha1::Sha1>::new(key)
            .verify(msg, &sig)
            .is_ok(),
        "rsa-sha2-256" => VerifyingKey::<sha2::Sha256>::new(key)
            .verify(msg, &sig)
            .is_ok(),
        "rsa-sha2-512" => VerifyingKey::<sha2::Sha512>::new(key)
            .verify(msg, &sig)
            .is_ok(),
        _ => false,
    }
}

/// Bits of precision for a big-endian integer of `be.len()` bytes (a
/// multiple of 64, as crypto-bigint wants; at least 64).
pub(crate) fn bits_precision(be: &[u8]) -> u32 {
    let bits = (be.len() as u32).saturating_mul(8).max(64);
    bits.div_ceil(64) * 64
}

/// The modulus length in bytes.
fn key_bytes(k: &rsa::PublicKey) -> usize {
    use rsa::traits::PublicKeyParts as _;
    k.size()
}

fn warning(rule: &str, severity: &str, detail: String) -> OpensshCertWarning {
    OpensshCertWarning {
        rule: rule.to_owned(),
        severity: severity.to_owned(),
        detail,
    }
}

/// The CA key judged as fx-report judges other keys (docs/fx-report.md:
/// RSA or DSA under 1024 bits critical, under 2048 high, DSA medium).
fn weak_ca_key(ca: &OpensshCaKey) -> Option<OpensshCertWarning> {
    let alg = ca.key.algorithm.as_deref()?;
    if !matches!(alg, "RSA" | "DSA") {
        return None;
    }
    let bits = ca.key.key_bits;
    let what = match bits {
        Some(b) => format!("{alg}-{b}"),
        None => alg.to_owned(),
    };
    Some(match bits {
        Some(b) if b < 1024 => warning(
            "deprecated_algorithm.modulus_under_1024",
            "critical",
            format!("the CA key is {what} (under 1024 bits)"),
        ),
        Some(b) if b < 2048 => warning(
            "deprecated_algorithm.modulus_under_2048",
            "high",
            format!("the CA key is {what} (under 2048 bits)"),
        ),
        _ if alg == "DSA" => warning(
            "deprecated_algorithm.dsa_key",
            "medium",
            format!("the CA key is {what} (DSA is no longer approved for signing)"),
        ),
        _ => return None,
    })
}

/// Reads certificate `blob` (the decoded base64 of a `*-cert-v01@openssh.com`
/// key) and verifies its signature. Findings besides the record are
/// non-fatal shapes (trailing bytes); an error is a certificate that could
/// not be read.
pub(crate) fn certificate(blob: &[u8]) -> Result<(OpensshCertificate, Vec<Finding>), Finding> {
    let mut w = Wire::new(blob);
    let ty = w.text()?;
    let base = ty.strip_suffix(CERT_SUFFIX).unwrap_or(&ty).to_owned();
    let nonce = w.string()?;
    let key_start = w.pos;
    skip_key_fields(&mut w, &base)?;
    let mut plain = Vec::with_capacity(4 + base.len() + w.pos - key_start);
    plain.extend_from_slice(&(base.len() as u32).to_be_bytes());
    plain.extend_from_slice(base.as_bytes());
    plain.extend_from_slice(&blob[key_start..w.pos]);
    let serial = w.u64()?;
    let cert_type = match w.u32()? {
        1 => "user".to_owned(),
        2 => "host".to_owned(),
        n => n.to_string(),
    };
    let key_id = w.text()?;
    let principals = string_list(w.string()?, "principals")?;
    let after = w.u64()?;
    let before = w.u64()?;
    let critical_options = options(w.string()?, "critical options")?;
    let extensions = options(w.string()?, "extensions")?;
    let _reserved = w.string()?;
    let ca_at = w.pos;
    let ca = w.string()?;
    let signed_end = w.pos;
    let sig = w.string()?;
    let mut findings = Vec::new();
    if w.pos < blob.len() {
        findings.push(Finding::at(
            FailureKind::TrailingData,
            w.pos,
            format!(
                "{} bytes after the certificate's signature",
                blob.len() - w.pos
            ),
        ));
    }
    let (ca_type, ca_key) = key_blob(ca).map_err(|mut f| {
        f.detail = format!("signature key: {}", f.detail);
        f.offset = Some(ca_at as u64);
        f
    })?;
    let signature_key = OpensshCaKey {
        key_type: ca_type,
        key: ca_key.record(),
        fingerprint: fingerprint(ca),
    };
    let signature_algorithm = Wire::new(sig).text().unwrap_or_default();
    let signature_verified = verify(ca, sig, &blob[..signed_end]);

    let mut warnings = Vec::new();
    if signature_verified == Some(false) {
        warnings.push(warning(
            "openssh_certificate.signature_invalid",
            "high",
            format!(
                "the {signature_algorithm} signature by CA {} does not verify over the certificate",
                signature_key.fingerprint
            ),
        ));
    }
    if signature_algorithm == "ssh-rsa" {
        warnings.push(warning(
            "deprecated_algorithm.sha1_signature",
            "high",
            "the CA signed with ssh-rsa (RSA with SHA-1)".to_owned(),
        ));
    }
    if let Some(weak) = weak_ca_key(&signature_key) {
        warnings.push(weak);
    }
    let valid_after = if after == 0 {
        "always".to_owned()
    } else {
        rfc3339(after)
    };
    let valid_before = if before == u64::MAX {
        "forever".to_owned()
    } else {
        rfc3339(before)
    };
    if before <= after {
        warnings.push(warning(
            "openssh_certificate.validity_inverted",
            "medium",
            format!(
                "valid_before ({valid_before}) is not after valid_after ({valid_after}): no time is inside the window"
            ),
        ));
    }
    if cert_type == "host" && principals.is_empty() {
        warnings.push(warning(
            "openssh_certificate.any_host",
            "medium",
            "a host certificate without principals: ssh accepts it for any host name".to_owned(),
        ));
    }
    Ok((
        OpensshCertificate {
            nonce_len: nonce.len() as u64,
            key_fingerprint: fingerprint(&plain),
            serial,
            cert_type,
            key_id,
            principals,
            valid_after,
            valid_before,
            critical_options,
            extensions,
            signature_key,
            signature_algorithm,
            signature_verified,
            warnings,
        },
        findings,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_796_601_600), "2026-12-07T00:00:00Z");
        assert_eq!(rfc3339(253_402_300_799), "9999-12-31T23:59:59Z");
        assert_eq!(rfc3339(253_402_300_800), "10000-01-01T00:00:00Z");
    }

    #[test]
    fn fixed_width() {
        assert_eq!(fixed(&[0, 0, 1], 2), Some(vec![0, 1]));
        assert_eq!(fixed(&[1, 2, 3], 2), None);
        assert_eq!(fixed(&[], 1), Some(vec![0]));
    }

    #[test]
    fn truncated_certificate_is_an_error() {
        let mut b = Vec::new();
        for s in [
            &b"ssh-ed25519-cert-v01@openssh.com"[..],
            &[7u8; 32],
            &[9u8; 32],
        ] {
            b.extend_from_slice(&(s.len() as u32).to_be_bytes());
            b.extend_from_slice(s);
        }
        b.extend_from_slice(&[0, 0, 0]);
        let e = certificate(&b).unwrap_err();
        assert_eq!(e.kind, FailureKind::Truncated);
    }
}
