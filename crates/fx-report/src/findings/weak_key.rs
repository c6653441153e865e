//! The weak-key audit's findings: one hit per weak key and weakness of a
//! job's `weakkeys`/`audit` event (fx-weakkeys `--stream`, whose data is
//! [`WeakKeyAudit`]), under the rule `weak_key.<id>` of DESIGN §9's
//! `key_weaknesses` ids. The key is named by the SHA-256 of its public
//! value, as the audit names it; no factor was ever written to read.
//!
//! `too_small` is raised only for a key whose modulus size no
//! `deprecated_algorithm.modulus_*` hit of the same job ranks (a key
//! fx-inspect did not read): for the others that rule already is the
//! finding about the size, at the severity its table gives.

use fx_facts::JobFacts;
use fx_facts::weakkey::AuditedKey;

use super::detect::Hits;

/// The hits of the job's audit facts (`JobFacts::weak_key_audits`: an
/// audit event whose data does not read is in `facts.unread`, not skipped
/// here).
pub(crate) fn hits(out: &mut Hits, facts: &JobFacts) {
    for audit in &facts.weak_key_audits {
        for k in &audit.fact.keys {
            for w in &k.weaknesses {
                if w == "too_small" && k.algorithm == "rsa" && out.ranked_moduli().ranks(k.bits) {
                    continue;
                }
                let Some((subject, title)) = wording(w) else {
                    continue;
                };
                out.push(
                    &format!("weak_key.{w}"),
                    &audit.source,
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

#[cfg(test)]
mod tests {
    use fx_core::event::Event;
    use fx_core::job::{Artifact, Intake, Job};
    use fx_core::text::Text;
    use fx_facts::common::KeyAlgorithm;
    use fx_facts::key::KeyContainerData;
    use fx_facts::weakkey::{AUDIT_MODULE, AUDIT_STEP, AuditedKey, WeakKeyAudit};

    use super::super::detect::{Context, job_hits};
    use super::super::quantum::BASELINES;

    fn job(events: Vec<Event>) -> Job {
        Job {
            fx: fx_core::JOB_FORMAT.into(),
            run_id: "run".into(),
            artifact: Artifact {
                artifact_id: "a".into(),
                artifact_hash: None,
                artifact_ref: None,
                artifact_seq: 0,
                size: None,
                intake: Intake {
                    case: "test".into(),
                    source: "test".into(),
                    tenant: "t".into(),
                    path: Text::from("rsa1024-e3.pub.pem"),
                    collected_at: None,
                    hints: Default::default(),
                    bundle: None,
                },
                custody: Vec::new(),
                members: Vec::new(),
            },
            events,
        }
    }

    /// fx-inspect's read of an RSA SPKI of `bits`.
    fn inspected(bits: u64) -> Event {
        Event::ok("inspect", "spki").with_data(KeyContainerData {
            container: fx_core::vocab::Container::SpkiPublicKey,
            block: Some(0),
            key: Some(KeyAlgorithm {
                oid: "1.2.840.113549.1.1.1".into(),
                algorithm: Some("RSA".into()),
                key_bits: Some(bits),
                curve: None,
                key_len: bits / 8 + 14,
                expected_len: None,
                form: None,
                prehash: None,
                components: Vec::new(),
            }),
            version: None,
            has_public_key: false,
            encryption: None,
            encrypted_len: None,
            findings: Vec::new(),
        })
    }

    /// The audit's event on one RSA key of `bits` with `too_small` and `small_exponent`.
    fn audited(bits: u64) -> Event {
        Event::ok(AUDIT_MODULE, AUDIT_STEP).with_data(WeakKeyAudit {
            keys_read: 1,
            keys: vec![AuditedKey {
                key: "sha256:00".into(),
                algorithm: "rsa".into(),
                bits,
                curve: None,
                weaknesses: vec!["small_exponent".into(), "too_small".into()],
                shared_with: 0,
                failure: None,
            }],
            ..Default::default()
        })
    }

    fn rules(job: &Job) -> Vec<&'static str> {
        let ctx = Context {
            quantum: &BASELINES[0],
        };
        let mut ids: Vec<&str> = job_hits(&ctx, job).iter().map(|h| h.rule.id).collect();
        ids.retain(|id| !id.starts_with("quantum_vulnerable."));
        ids.sort_unstable();
        ids
    }

    /// One key's small modulus is one finding: fx-inspect's size rule, not
    /// the audit's `too_small` beside it.
    #[test]
    fn a_small_modulus_inspect_read_is_one_finding() {
        let both = job(vec![inspected(1024), audited(1024)]);
        assert_eq!(
            rules(&both),
            [
                "deprecated_algorithm.modulus_under_2048",
                "weak_key.small_exponent"
            ]
        );
        let tiny = job(vec![inspected(768), audited(768)]);
        assert_eq!(
            rules(&tiny),
            [
                "deprecated_algorithm.modulus_under_1024",
                "weak_key.small_exponent"
            ]
        );
    }

    /// A key only the audit read keeps its `too_small`, and so does a key
    /// whose size no inspected key of the artifact has.
    #[test]
    fn a_small_modulus_only_the_audit_read_is_its_finding() {
        let alone = job(vec![audited(1024)]);
        assert_eq!(
            rules(&alone),
            ["weak_key.small_exponent", "weak_key.too_small"]
        );
        let other = job(vec![inspected(4096), audited(1024)]);
        assert_eq!(
            rules(&other),
            ["weak_key.small_exponent", "weak_key.too_small"]
        );
    }
}
