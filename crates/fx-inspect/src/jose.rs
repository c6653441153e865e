//! JOSE: JSON Web Keys (a JWK or a JWK Set, RFC 7517/7518/8037, and the
//! `AKP` keys of draft-ietf-cose-dilithium) and compact JWS (RFC 7515):
//! key types, curves, algorithms and sizes. Nothing is verified.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use fx_core::vocab::{Container, FailureKind};
use fx_facts::key::{JoseData, Jwk};
use serde_json::Value;

use crate::algorithm::{KeyAlg, bits_of};
use crate::report::Finding;
use crate::x509::Parsed;

/// Keys read from a JWK Set at most.
const MAX_KEYS: usize = 256;

/// A JOSE object's record (step `jose`) before its content is read; its
/// findings are the step's (written beside the data).
fn blank(form: &str) -> JoseData {
    JoseData {
        container: Container::Raw,
        form: form.to_owned(),
        keys: Vec::new(),
        alg: None,
        lengths: None,
        findings: Vec::new(),
    }
}

fn s(v: &Value, k: &str) -> Option<String> {
    v.get(k).and_then(Value::as_str).map(str::to_owned)
}

fn b64len(v: &Value, k: &str) -> Option<Vec<u8>> {
    v.get(k)
        .and_then(Value::as_str)
        .and_then(|t| URL_SAFE_NO_PAD.decode(t).ok())
}

/// One JWK: its record, and the key as fx-inspect reads it.
fn jwk(v: &Value) -> (Jwk, KeyAlg) {
    let kty = s(v, "kty").unwrap_or_default();
    let crv = s(v, "crv");
    let alg = s(v, "alg");
    let mut key = KeyAlg::default();
    match kty.as_str() {
        "RSA" => {
            key.algorithm = Some("RSA".into());
            key.key_bits = b64len(v, "n").map(|n| bits_of(&n));
        }
        "EC" => {
            key.algorithm = Some("EC".into());
            key.curve = crv.clone();
        }
        "OKP" => key.algorithm = crv.clone(),
        "AKP" => key.algorithm = alg.clone(),
        "oct" => key.algorithm = alg.clone(),
        _ => {}
    }
    if let Some(a) = &key.algorithm
        && let Some(o) = fx_formats::oids::oid_of(a)
    {
        key.oid = o.to_owned();
    }
    if let Some(pk) = b64len(v, "pub")
        .or_else(|| b64len(v, "x"))
        .filter(|_| kty != "EC")
    {
        key.key_len = pk.len();
        if let Some(e) = key
            .algorithm
            .as_deref()
            .and_then(fx_formats::pqc_params::by_name)
            .and_then(|p| p.public_key)
        {
            key.expected_len = Some(e);
        }
    }
    let record = Jwk {
        private: v.get("d").is_some() || v.get("priv").is_some() || v.get("p").is_some(),
        kty,
        crv,
        alg,
        key: key.record(),
    };
    (record, key)
}

/// True when the text looks like a JSON object or a compact JWS.
pub fn looks_like_jose(b: &[u8]) -> bool {
    let t = b.trim_ascii();
    (t.starts_with(b"{") && t.ends_with(b"}") && memchr::memmem::find(t, b"\"kty\"").is_some())
        || (t.starts_with(b"eyJ") && t.iter().filter(|&&c| c == b'.').count() == 2)
}

/// Parses a JWK, a JWK Set or a compact JWS.
pub fn jose(b: &[u8]) -> Result<Parsed<JoseData>, Finding> {
    let t = b.trim_ascii();
    let mut findings = Vec::new();
    // The first key as fx-inspect reads it: the primary key.
    let mut first = None;
    let info = if t.starts_with(b"{") {
        let v: Value = serde_json::from_slice(t).map_err(|e| {
            Finding::at(
                FailureKind::MalformedHeader,
                e.column(),
                format!("JSON: {e}"),
            )
        })?;
        let (form, read) = match v.get("keys").and_then(Value::as_array) {
            Some(keys) => ("jwks", keys.iter().take(MAX_KEYS).map(jwk).collect()),
            None => ("jwk", vec![jwk(&v)]),
        };
        let (keys, algs): (Vec<Jwk>, Vec<KeyAlg>) = read.into_iter().unzip();
        first = algs.into_iter().next();
        JoseData {
            keys,
            ..blank(form)
        }
    } else {
        let mut parts = t.split(|&c| c == b'.');
        let (h, p, sig) = (
            parts.next().unwrap_or(&[]),
            parts.next().unwrap_or(&[]),
            parts.next().unwrap_or(&[]),
        );
        let header = URL_SAFE_NO_PAD
            .decode(h)
            .map_err(|e| Finding::at(FailureKind::BadBase64, 0, format!("JWS header: {e}")))?;
        let hv: Value = serde_json::from_slice(&header).map_err(|e| {
            Finding::at(
                FailureKind::MalformedHeader,
                0,
                format!("JWS header JSON: {e}"),
            )
        })?;
        let pl = URL_SAFE_NO_PAD
            .decode(p)
            .map(|x| x.len())
            .unwrap_or_else(|_| {
                findings.push(Finding::new(
                    FailureKind::BadBase64,
                    "JWS payload is not base64url",
                ));
                0
            });
        let sl = URL_SAFE_NO_PAD
            .decode(sig)
            .map(|x| x.len())
            .unwrap_or_else(|_| {
                findings.push(Finding::new(
                    FailureKind::BadBase64,
                    "JWS signature is not base64url",
                ));
                0
            });
        JoseData {
            alg: s(&hv, "alg"),
            lengths: Some([pl as u64, sl as u64]),
            ..blank("jws")
        }
    };
    for k in &info.keys {
        if let (Some(e), n) = (k.key.expected_len, k.key.key_len)
            && e != n
        {
            findings.push(Finding::new(
                FailureKind::BadLength,
                format!(
                    "{} public key: expected {e} bytes, found {n}",
                    k.key.algorithm.as_deref().unwrap_or("?")
                ),
            ));
        }
    }
    let key = first.unwrap_or_else(|| KeyAlg {
        algorithm: info.alg.clone(),
        ..KeyAlg::default()
    });
    Ok(Parsed {
        info,
        key,
        findings,
        regions: Vec::new(),
        container: Container::Raw,
    })
}
