//! The `hash_kdf` probe: audit only, never recovery.
//!
//! It applies to jobs fx-route labelled `hash_kdf_material` and nothing else.
//! Each line of the artifact is identified through ONE data-driven table
//! ([`catalogue::ENTRIES`]: syntax → scheme, hashcat mode, John format,
//! parameter extractor), its parameters are read, and weaknesses are judged
//! against the baseline the policy names (`policy.probe.hash_baseline`,
//! [`baseline::BASELINES`]), which the event cites.
//!
//! There is structurally no recovery path: nothing here accepts a candidate
//! password, a wordlist or a guess, and the crate depends on no
//! password-hashing implementation; the audit reads text and counts lengths.

use fx_core::event::Event;
use fx_core::job::Job;
use fx_core::routing::{Decision, Target};
use fx_core::stage::StageCtx;
use fx_core::vocab::{Basis, Conclusion, Container, Label};

use crate::{Applies, MODULE, Probe};

pub mod argon2;
pub mod audit;
pub mod bare_hex;
pub mod baseline;
pub mod bcrypt;
pub mod catalogue;
pub mod codec;
pub mod crypt_sha;
pub mod identify;
pub mod ldap;
pub mod params;
pub mod pbkdf2;
pub mod phpass;
pub mod scrypt;

pub use identify::identify;

/// The `hash_kdf` probe.
pub struct HashKdf;

/// Lines sniffed to decide whether an artifact that fx-route did not label
/// `hash_kdf_material` (but routed to this probe as plaintext/unknown) holds hashes.
const SNIFF_LINES: usize = 64;
/// Bytes sniffed at most for that decision.
const SNIFF_BYTES: usize = 64 * 1024;

/// Whether the text is hash lines: at least one, and ≥ 80 % of the first
/// 64 non-empty lines (within 64 KiB) identified.
pub fn looks_like_hash_lines(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(SNIFF_BYTES)];
    let (mut seen, mut hits) = (0usize, 0usize);
    for raw in head.split(|b| *b == b'\n').take(SNIFF_LINES * 2) {
        let Ok(line) = std::str::from_utf8(raw) else {
            return false;
        };
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        seen += 1;
        hits += usize::from(identify(t).is_some());
        if seen == SNIFF_LINES {
            break;
        }
    }
    seen > 0 && hits * 5 >= seen * 4
}

impl Probe for HashKdf {
    fn name(&self) -> &'static str {
        "hash_kdf"
    }

    /// Labelled hash material always; otherwise only when fx-route's decision
    /// routes the job here (plaintext/unknown text), and then `run` sniffs it.
    fn applies(&self, job: &Job, _ctx: &StageCtx<'_>) -> Applies {
        if job.has_label(Label::HashKdfMaterial) {
            return Applies::Yes;
        }
        match Decision::of(job) {
            Some(d) if d.allows(Target::ProbeHashKdf) => Applies::Yes,
            _ => Applies::No("not_applicable".into()),
        }
    }

    fn run(&self, job: &Job, bytes: &[u8], ctx: &StageCtx<'_>) -> Vec<Event> {
        if !job.has_label(Label::HashKdfMaterial) && !looks_like_hash_lines(bytes) {
            return vec![Event::skipped(MODULE, self.name(), "not_applicable")];
        }
        let policy = &ctx.run.policy().probe;
        let Some(baseline) = baseline::by_name(&policy.hash_baseline) else {
            return vec![Event::skipped(
                MODULE,
                self.name(),
                format!("policy:unknown_hash_baseline:{}", policy.hash_baseline),
            )];
        };
        let a = audit::audit(
            bytes,
            baseline,
            u64::from(policy.max_hash_lines),
            policy.work_bytes,
        );
        // Lines whose syntax was read field by field are a parsed fact;
        // a file where most lines are not recognised is only structural.
        let t = &a.totals;
        let basis = if t.identified > 0 && t.identified >= t.unidentified {
            Basis::Parsed
        } else {
            Basis::Structural
        };
        // A text where hash lines are a minority (a script, a log that
        // mentions a few hashes) is not password-hash material: its audit is
        // kept, the artifact is not labelled.
        let material = t.identified > 0 && t.identified >= t.unidentified;
        let conclusion = Conclusion {
            labels: if material {
                vec![Label::HashKdfMaterial]
            } else {
                Vec::new()
            },
            container: material.then_some(Container::PasswordHash),
            hash: Some(a.conclusion(baseline)),
            basis: Some(basis),
            ..Conclusion::default()
        };
        vec![
            Event::ok(MODULE, self.name())
                .with_data(a.data(baseline))
                .with_conclusion(conclusion),
        ]
    }
}
