//! The routing decision: from the labels (and a bundle's roles) and the
//! run's safety policy to an allow/deny verdict on every
//! [`fx_core::routing::Target`].
//!
//! Rules, in order (the first that denies gives the reason):
//!
//! 1. **Audit only.** If any label is `hash_kdf_material` — however weak,
//!    whatever else the artifact might be — only `inspect` (native parsing)
//!    and `probe:hash_kdf` (the audit) are allowed; everything else is
//!    denied with `policy:audit_only_hashes`.
//! 2. **Applicability.** A target needs one of its labels (table in
//!    [`applicable`]); bundle-only targets need their roles. Otherwise
//!    `not_applicable`.
//! 3. **Policy gates.** `inspect:tools` needs `tools.enabled`;
//!    `probe:verify` needs `safety.verification`; `probe:decapsulate`
//!    needs `safety.decapsulation`; `probe:tamper` needs
//!    `safety.tamper_checks`; `fingerprint:deep` needs `safety.heavy_work`.

use fx_core::policy::Policy;
use fx_core::routing::{Decision, Target, reason};
use fx_core::vocab::Label;

use Label::*;

/// Roles of bundle members that hold a signature.
const SIGNATURE_ROLES: &[&str] = &["signature", "sig"];
/// Roles of bundle members that hold a verification key.
const PUBLIC_KEY_ROLES: &[&str] = &["public_key", "pk", "certificate", "cert"];
/// Roles of bundle members that hold a decapsulation key.
const SECRET_KEY_ROLES: &[&str] = &["secret_key", "sk", "private_key"];
/// Roles of bundle members that hold a KEM ciphertext.
const CIPHERTEXT_ROLES: &[&str] = &["ciphertext", "ct"];

fn any_role(roles: &[&str], set: &[&str]) -> bool {
    roles.iter().any(|r| set.contains(r))
}

/// Whether `target` has something to work on, given the labels and roles.
pub fn applicable(target: Target, labels: &[Label], roles: &[&str]) -> bool {
    let has = |set: &[Label]| labels.iter().any(|l| set.contains(l));
    match target {
        Target::Inspect | Target::InspectTools => true,
        Target::ProbeHashKdf => has(&[HashKdfMaterial, Plaintext, Unknown]),
        Target::ProbeSymmetric => has(&[SymmetricCiphertext, HybridBlob, Compressed, Unknown]),
        Target::ProbePqc => has(&[
            KemTranscript,
            SignatureBlob,
            KeyMaterial,
            Certificate,
            HybridBlob,
            Unknown,
        ]),
        Target::ProbeHybrid => has(&[HybridBlob, KemTranscript, SymmetricCiphertext, Unknown]),
        Target::ProbeVerify => {
            any_role(roles, SIGNATURE_ROLES) && any_role(roles, PUBLIC_KEY_ROLES)
        }
        Target::ProbeDecapsulate => {
            any_role(roles, SECRET_KEY_ROLES) && any_role(roles, CIPHERTEXT_ROLES)
        }
        Target::ProbeTamper => has(&[SymmetricCiphertext, HybridBlob]),
        Target::FingerprintBinary | Target::FingerprintDeep => has(&[BinaryTarget]),
        Target::FingerprintCapture => has(&[ProtocolCapture]),
        _ => false,
    }
}

/// The policy gate of `target`: `Err(reason)` when the policy forbids it.
pub fn gate(target: Target, policy: &Policy) -> Result<(), &'static str> {
    let s = &policy.safety;
    let (open, why) = match target {
        Target::InspectTools => (policy.tools.enabled, reason::TOOLS_DISABLED),
        Target::ProbeVerify => (s.verification, reason::VERIFICATION_DISABLED),
        Target::ProbeDecapsulate => (s.decapsulation, reason::DECAPSULATION_DISABLED),
        Target::ProbeTamper => (s.tamper_checks, reason::TAMPER_CHECKS_DISABLED),
        Target::FingerprintDeep => (s.heavy_work, reason::HEAVY_WORK_DISABLED),
        _ => (true, ""),
    };
    if open { Ok(()) } else { Err(why) }
}

/// Decides every target for an artifact (or bundle) with `labels` and member `roles`.
pub fn decide(labels: &[Label], roles: &[&str], policy: &Policy) -> Decision {
    // `safety.audit_only_hashes` cannot be false (the policy refuses it), and
    // this rule does not read it: there is no switch that opens it.
    let audit_only = labels.contains(&HashKdfMaterial);
    Decision::from_fn(|t| {
        if audit_only && !matches!(t, Target::Inspect | Target::ProbeHashKdf) {
            return Err(reason::AUDIT_ONLY_HASHES.to_owned());
        }
        if !applicable(t, labels, roles) {
            return Err(reason::NOT_APPLICABLE.to_owned());
        }
        gate(t, policy).map_err(str::to_owned)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allowed(d: &Decision) -> Vec<&str> {
        d.allow.iter().map(String::as_str).collect()
    }

    #[test]
    fn hash_material_reaches_only_the_audit_path() {
        let mut p = Policy::default();
        p.safety.tamper_checks = true;
        p.safety.decapsulation = true;
        p.safety.heavy_work = true;
        // Even mixed with every other label and bundle role, and with every gate open.
        let d = decide(
            Label::ALL,
            &["signature", "public_key", "secret_key", "ciphertext"],
            &p,
        );
        assert_eq!(allowed(&d), vec!["inspect", "probe:hash_kdf"]);
        assert!(d.deny.iter().all(|x| x.reason == reason::AUDIT_ONLY_HASHES));
    }

    #[test]
    fn policy_gates() {
        let p = Policy::default();
        let d = decide(&[SymmetricCiphertext], &[], &p);
        assert_eq!(d.check("probe:symmetric"), Ok(()));
        assert_eq!(
            d.check("probe:tamper"),
            Err(reason::TAMPER_CHECKS_DISABLED.into())
        );
        assert_eq!(
            d.check("fingerprint:binary"),
            Err(reason::NOT_APPLICABLE.into())
        );
        let mut open = p.clone();
        open.safety.tamper_checks = true;
        assert_eq!(
            decide(&[SymmetricCiphertext], &[], &open).check("probe:tamper"),
            Ok(())
        );

        let d = decide(&[BinaryTarget], &[], &p);
        assert_eq!(d.check("fingerprint:binary"), Ok(()));
        assert_eq!(
            d.check("fingerprint:deep"),
            Err(reason::HEAVY_WORK_DISABLED.into())
        );

        let kem = ["secret_key", "ciphertext"];
        let d = decide(&[KeyMaterial, KemTranscript], &kem, &p);
        assert_eq!(
            d.check("probe:decapsulate"),
            Err(reason::DECAPSULATION_DISABLED.into())
        );
        assert_eq!(d.check("probe:verify"), Err(reason::NOT_APPLICABLE.into()));
        let sig = ["public_key", "signature", "message"];
        assert_eq!(
            decide(&[SignatureBlob], &sig, &p).check("probe:verify"),
            Ok(())
        );
        let mut closed = p.clone();
        closed.safety.verification = false;
        closed.tools.enabled = false;
        let d = decide(&[SignatureBlob], &sig, &closed);
        assert_eq!(
            d.check("probe:verify"),
            Err(reason::VERIFICATION_DISABLED.into())
        );
        assert_eq!(d.check("inspect:tools"), Err(reason::TOOLS_DISABLED.into()));
    }

    #[test]
    fn decisions_are_complete() {
        let d = decide(&[Unknown], &[], &Policy::default());
        assert_eq!(d.allow.len() + d.deny.len(), Target::ALL.len());
    }
}
