//! The `symmetric` probe: measurable signals of symmetric ciphertext.
//!
//! For the whole artifact and fx-inspect's top-K payload-like regions
//! ([`SYMMETRIC_KINDS`]), within the work budget:
//! * decode base64/hex text first ([`framing::decode_text`]);
//! * compression framing ([`framing::compression`]) — compressed, not encrypted;
//! * the OpenSSL `Salted__` header (8-byte magic, 8-byte salt, then ciphertext);
//! * length and alignment mod 8 and 16, padding-consistent lengths, candidate
//!   layouts (`iv16‖ct`, `nonce12‖ct‖tag16`, …);
//! * ECB repetition at 16- and 8-byte blocks ([`ecb`]);
//! * Shannon entropy and χ² over a fixed window ([`entropy`]).
//!
//! The result is the DESIGN §9 `cipher` conclusion:
//! `{block_size, mode_hints, layout, layout_candidates, ecb_repeats,
//! entropy_bits_per_byte, chi_square, class, format, …}`.
//! A controlled tamper check has no oracle here; the `tamper` step is always
//! recorded as skipped (`policy:tamper_checks_disabled` unless the policy and
//! the route allow it, then `not_applicable`).

pub mod ecb;
pub mod entropy;
pub mod framing;

use fx_core::event::Event;
use fx_core::job::Job;
use fx_core::routing::{Target, reason};
use fx_core::stage::StageCtx;
use fx_core::vocab::{Basis, Conclusion, Label};
use fx_facts::cipher::{CipherSignals, EcbRepeat, SymmetricData, SymmetricRegion};
use fx_facts::common::SkipDetail;

use crate::regions::{Region, regions_of, top_k};
use crate::{Applies, Budget, MODULE, Probe, conclusion_value, gate};

/// Region kinds the symmetric probe analyses besides the whole artifact
/// (fx-inspect's payload-like kinds).
pub const SYMMETRIC_KINDS: &[&str] = &[
    "aead",
    "ciphertext",
    "payload",
    "tls_record",
    "symmetric_ciphertext",
];

/// OpenSSL `enc` header magic.
pub const OPENSSL_SALTED: &[u8; 8] = b"Salted__";

/// What the probe concluded about one byte string.
#[derive(Clone, Debug, PartialEq)]
pub struct Analysis {
    /// The `cipher` object (DESIGN §9), as fx-facts records it.
    pub cipher: CipherSignals,
    /// Labels the analysis supports (`symmetric_ciphertext`, `compressed`).
    pub labels: Vec<Label>,
    /// A deterministic integer score of how ciphertext-like the bytes are
    /// (0–100), used by the hybrid probe to rank splits.
    pub score: i64,
}

/// Analyses `bytes`, scanning at most what `budget` grants.
pub fn analyze(bytes: &[u8], budget: &mut Budget) -> Analysis {
    analyze_window(bytes, usize::MAX, budget)
}

/// Like [`analyze`], but statistics and ECB repetition look at no more than
/// the first `window` bytes; lengths, alignment and layouts still describe
/// all of `bytes` (unless it is decoded text, whose decoded window counts).
pub fn analyze_window(bytes: &[u8], window: usize, budget: &mut Budget) -> Analysis {
    let granted = budget.take(bytes.len().min(window));
    let scanned = &bytes[..granted];
    let mut cipher = CipherSignals {
        length: bytes.len() as u64,
        scanned_bytes: granted as u64,
        ..CipherSignals::default()
    };

    // Encoded text: decode, then analyse what it holds.
    let decoded;
    let mut body: &[u8] = scanned;
    let mut full_len = bytes.len();
    if let Some((enc, d)) = framing::decode_text(scanned) {
        cipher.encoding = Some(enc.as_str().to_owned());
        cipher.decoded_length = Some(d.len() as u64);
        decoded = d;
        body = &decoded;
        full_len = body.len();
    }

    if let Some(fmt) = framing::compression(body) {
        let stats = entropy::Stats::of(body);
        cipher.class = Some("compressed".to_owned());
        cipher.framing = Some(fmt.to_owned());
        set_stats(&mut cipher, &stats);
        return Analysis {
            cipher,
            labels: vec![Label::Compressed],
            score: 0,
        };
    }

    let (header, ct) = if body.len() >= 16 && body.starts_with(OPENSSL_SALTED) {
        cipher.format = Some("openssl_salted".to_owned());
        cipher.salt = Some(hex::encode(&body[8..16]));
        (16usize, &body[16..])
    } else {
        (0usize, body)
    };
    let len = full_len.saturating_sub(header);
    let stats = entropy::Stats::of(ct);
    let aligned16 = len > 0 && len % 16 == 0;
    let aligned8 = len > 0 && len % 8 == 0;
    // A repeated 16-byte block is two repeated 8-byte blocks: scan at 8
    // bytes (3DES, Blowfish) first and at 16 only when something repeats.
    let r8 = ecb::Repeats::scan(ct, 8);
    let r16 = if r8.repeated() > 0 {
        ecb::Repeats::scan(ct, 16)
    } else {
        ecb::Repeats::none(ct, 16)
    };
    let r8 = Some(r8);
    cipher.ciphertext_length = Some(len as u64);
    cipher.mod8 = Some((len % 8) as u64);
    cipher.mod16 = Some((len % 16) as u64);
    set_stats(&mut cipher, &stats);

    let ecb16 = aligned16 && r16.looks_like_ecb();
    let ecb8 = !ecb16 && aligned8 && r8.as_ref().is_some_and(ecb::Repeats::looks_like_ecb);
    let (block_size, ecb_rep) = if ecb16 {
        (Some(16), Some(&r16))
    } else if ecb8 {
        (Some(8), r8.as_ref())
    } else if aligned16 {
        (Some(16), None)
    } else if aligned8 {
        (Some(8), None)
    } else {
        (None, None)
    };
    let repeats = ecb_rep.unwrap_or(&r16);
    cipher.ecb_repeats = Some(repeats.repeated());
    cipher.ecb_locations = shift(&repeats.locations, header);
    if let Some(bs) = block_size {
        cipher.block_size = Some(bs as u64);
        cipher.padding_consistent = Some(len >= bs);
    }

    let text = stats.printable_per_mille >= 950 && !stats.random_like();
    let random = stats.random_like();
    let class = if ecb_rep.is_some() {
        "ecb_like"
    } else if random {
        "random_like"
    } else if text {
        "text"
    } else if stats.shannon >= 7.5 {
        "high_entropy_nonuniform"
    } else {
        "structured"
    };
    cipher.class = Some(class.to_owned());

    let ciphertext_like = ecb_rep.is_some() || random || header > 0;
    let mut mode_hints: Vec<&str> = Vec::new();
    let mut layouts: Vec<String> = Vec::new();
    if ciphertext_like {
        if ecb_rep.is_some() {
            mode_hints.push("ecb");
        } else if aligned16 || aligned8 {
            mode_hints.extend(["cbc", "ctr", "gcm"]);
        } else {
            mode_hints.extend(["ctr", "gcm", "stream"]);
        }
        if header > 0 {
            layouts.push("Salted__‖salt8‖ct".into());
        } else {
            layouts.push("ct".into());
            if aligned16 && len >= 32 {
                layouts.push("iv16‖ct".into());
            }
            if !aligned16 && len >= 28 {
                layouts.push("nonce12‖ct‖tag16".into());
            }
            if !aligned16 && len >= 32 && (len - 16) % 16 == 0 {
                layouts.push("iv16‖ct‖tag16".into());
            }
        }
        cipher.mode_hints = Some(mode_hints.into_iter().map(str::to_owned).collect());
        if layouts.len() == 1 {
            cipher.layout = Some(layouts[0].clone());
        }
        cipher.layout_candidates = Some(layouts);
    }

    let mut score = 0i64;
    if random {
        score += 60;
    }
    if ecb_rep.is_some() {
        score += 50;
    }
    if header > 0 {
        score += 40;
    }
    if aligned16 {
        score += 10;
    }
    if stats.shannon >= 7.0 {
        score += 10;
    }
    Analysis {
        cipher,
        labels: if ciphertext_like {
            vec![Label::SymmetricCiphertext]
        } else {
            Vec::new()
        },
        score: score.min(100),
    }
}

fn set_stats(cipher: &mut CipherSignals, s: &entropy::Stats) {
    cipher.entropy_bits_per_byte = Some(s.shannon);
    cipher.chi_square = Some(s.chi_square_x100 as f64 / 100.0);
    cipher.entropy_window = Some(s.n as u64);
    cipher.distinct_bytes = Some(u64::from(s.distinct));
    cipher.printable_per_mille = Some(u64::from(s.printable_per_mille));
}

fn shift(locs: &[ecb::RepeatAt], by: usize) -> Vec<EcbRepeat> {
    locs.iter()
        .map(|l| EcbRepeat {
            offset: l.offset + by as u64,
            first: l.first + by as u64,
        })
        .collect()
}

/// Confidence (permille) of a ciphertext concluded from random-like bytes.
pub const RANDOM_CONFIDENCE: u16 = 500;
/// Confidence (permille) of a ciphertext concluded from ECB repeats.
pub const ECB_CONFIDENCE: u16 = 700;

/// The `symmetric` probe.
pub struct Symmetric;

impl Probe for Symmetric {
    fn name(&self) -> &'static str {
        "symmetric"
    }

    fn applies(&self, job: &Job, _ctx: &StageCtx<'_>) -> Applies {
        if !job.artifact.members.is_empty() && job.artifact.artifact_ref.is_none() {
            return Applies::No(reason::NOT_APPLICABLE.into());
        }
        match gate(job, Target::ProbeSymmetric) {
            Ok(()) => Applies::Yes,
            Err(r) => Applies::No(r),
        }
    }

    fn run(&self, job: &Job, bytes: &[u8], ctx: &StageCtx<'_>) -> Vec<Event> {
        let policy = &ctx.run.policy().probe;
        let mut budget = Budget::new(policy.work_bytes);
        let all = regions_of(job);
        let (kept, dropped) = top_k(&all, policy.top_k as usize, |r| {
            SYMMETRIC_KINDS.contains(&r.kind.as_str())
                && !r.is_geometric()
                && !(r.offset == 0 && r.length == bytes.len() as u64)
        });
        // The whole artifact is always probed first; regions refine it.
        let mut targets = vec![Region::whole(bytes)];
        targets.extend(kept);
        let mut caps_hit: Vec<&str> = Vec::new();
        if !dropped.is_empty() {
            caps_hit.push("budget:top_k");
        }
        let mut results = Vec::new();
        let mut best: Option<(i64, Analysis)> = None;
        let mut unprobed = Vec::new();
        for r in &targets {
            let Some(slice) = r.slice(bytes) else {
                results.push(SymmetricRegion {
                    region: r.record(),
                    cipher: None,
                    score: None,
                    error: Some("bad_length".to_owned()),
                });
                continue;
            };
            if budget.spent() && !slice.is_empty() {
                unprobed.push(r.clone());
                continue;
            }
            let a = analyze(slice, &mut budget);
            results.push(SymmetricRegion {
                region: r.record(),
                cipher: Some(a.cipher.clone()),
                score: Some(a.score),
                error: None,
            });
            if best.as_ref().is_none_or(|(s, _)| a.score > *s) {
                best = Some((a.score, a));
            }
        }
        if !unprobed.is_empty() {
            caps_hit.push("budget:work_bytes");
        }
        let data = SymmetricData {
            regions: results,
            work_bytes_used: budget.used(),
            dropped_regions: dropped.iter().map(Region::record).collect(),
            unprobed_regions: unprobed.iter().map(Region::record).collect(),
            caps_hit: caps_hit.into_iter().map(str::to_owned).collect(),
        };
        let mut events = Vec::new();
        match best {
            Some((_, a)) => {
                // Precision first: bytes that look like neither ciphertext nor
                // a compressed stream conclude nothing (their statistics stay
                // in the data). A framing (`Salted__`, a compression header)
                // is structural; randomness and ECB repeats are statistics.
                let class = a.cipher.class.as_deref();
                let framed = a.cipher.format.is_some() || class == Some("compressed");
                let conclusion = if a.labels.is_empty() {
                    Conclusion::default()
                } else {
                    Conclusion {
                        labels: a.labels.clone(),
                        basis: Some(if framed {
                            Basis::Structural
                        } else {
                            Basis::Statistics
                        }),
                        confidence: (!framed).then_some(if class == Some("ecb_like") {
                            ECB_CONFIDENCE
                        } else {
                            RANDOM_CONFIDENCE
                        }),
                        cipher: Some(conclusion_value(&a.cipher)),
                        ..Default::default()
                    }
                };
                events.push(
                    Event::ok(MODULE, self.name())
                        .with_data(data)
                        .with_conclusion(conclusion),
                );
            }
            None => events.push(
                Event::error(
                    MODULE,
                    self.name(),
                    fx_core::event::ErrorInfo::new(fx_core::vocab::FailureKind::BadLength)
                        .detail("no candidate region lies inside the artifact"),
                )
                .with_data(data),
            ),
        }
        events.push(tamper_event(job, ctx));
        events
    }
}

/// The `tamper` step: always skipped — no decryption oracle is ever given to
/// fx, so a controlled tamper check has nothing to observe; the reason says
/// whether the policy would have allowed one.
fn tamper_event(job: &Job, ctx: &StageCtx<'_>) -> Event {
    if !ctx.run.policy().safety.tamper_checks {
        return Event::skipped(MODULE, "tamper", reason::TAMPER_CHECKS_DISABLED);
    }
    match gate(job, Target::ProbeTamper) {
        Err(r) => Event::skipped(MODULE, "tamper", r),
        Ok(()) => Event::skipped(MODULE, "tamper", reason::NOT_APPLICABLE).with_data(SkipDetail {
            detail: "no decryption oracle in the job".to_owned(),
        }),
    }
}

#[cfg(test)]
mod tests;
