//! The weak-key audit's findings: one hit per weak key and weakness of a
//! job's `weakkeys`/`audit` event (fx-weakkeys `--stream`, whose data is
//! [`WeakKeyAudit`]), under the rule `weak_key.<id>` of DESIGN §9's
//! `key_weaknesses` ids. The key is named by the SHA-256 of its public
//! value, as the audit names it; no factor was ever written to read.

use fx_core::job::Job;
use fx_facts::reader::Provenance;
use fx_facts::weakkey::{AUDIT_MODULE, AUDIT_STEP, AuditedKey, WeakKeyAudit};
use serde::Deserialize;

use super::detect::Hits;

/// The hits of the audit events of `job`.
pub(crate) fn hits(out: &mut Hits, job: &Job) {
    for (i, e) in job.events.iter().enumerate() {
        if e.module != AUDIT_MODULE || e.step != AUDIT_STEP {
            continue;
        }
        let Some(data) = &e.data else { continue };
        let Ok(audit) = WeakKeyAudit::deserialize(data) else {
            continue;
        };
        let src = Provenance {
            event_index: i as u64,
            event_seq: e.event_seq,
            module: e.module.clone(),
            step: e.step.clone(),
            status: e.status,
        };
        for k in &audit.keys {
            for w in &k.weaknesses {
                let Some((subject, title)) = wording(w) else {
                    continue;
                };
                out.push(
                    &format!("weak_key.{w}"),
                    &src,
                    subject.to_owned(),
                    title.to_owned(),
                    None,
                    &location(k, w),
                    Vec::new(),
                    None,
                );
            }
        }
    }
}

/// `key sha256:… (RSA-1024)`, and for a shared prime how many keys share it.
fn location(k: &AuditedKey, weakness: &str) -> String {
    let name = match (k.algorithm.as_str(), &k.curve) {
        ("rsa", _) => format!("RSA-{}", k.bits),
        (_, Some(curve)) => curve.clone(),
        (other, None) => other.to_owned(),
    };
    let mut at = format!("key {} ({name})", k.key);
    if weakness == "shared_prime" && k.shared_with > 0 {
        let s = if k.shared_with == 1 { "" } else { "s" };
        at.push_str(&format!(
            ": shares a prime with {} other key{s} of the run (weakkeys/findings.jsonl names them)",
            k.shared_with
        ));
    }
    at
}

/// The subject and title of a weakness's finding; `None` for an id this
/// build does not know (a newer audit's).
fn wording(weakness: &str) -> Option<(&'static str, &'static str)> {
    Some(match weakness {
        "shared_prime" => (
            "RSA prime shared between keys",
            "RSA keys that share a prime with another key of the run (factored)",
        ),
        "fermat" => (
            "RSA primes close together (Fermat)",
            "RSA keys whose primes are close enough for Fermat's method (factored)",
        ),
        "small_factor" => (
            "RSA modulus with a small factor",
            "RSA moduli with a prime factor of at most 65537 (factored)",
        ),
        "roca" => (
            "RSA key with the ROCA structure",
            "RSA keys from the Infineon RSALib generator (ROCA, CVE-2017-15361)",
        ),
        "small_private_exponent" => (
            "RSA private exponent small (Wiener)",
            "RSA keys whose private exponent Wiener's attack recovers",
        ),
        "blocklisted" => (
            "key on the blocklist",
            "Keys on the audit's blocklist of compromised keys",
        ),
        "small_subgroup" => (
            "X25519 key of small order",
            "X25519 public keys of order 1, 2, 4 or 8",
        ),
        "invalid_point" => (
            "EC point not on its curve",
            "EC public keys that are not valid points of their curve",
        ),
        "small_exponent" => (
            "RSA public exponent below 65537",
            "RSA keys with a public exponent below 65537",
        ),
        "too_small" => (
            "RSA modulus under 2048 bits",
            "RSA keys under 2048 bits (weak-key audit)",
        ),
        "unusual_exponent" => (
            "RSA public exponent above 65537",
            "RSA keys with a public exponent above 65537",
        ),
        _ => return None,
    })
}
