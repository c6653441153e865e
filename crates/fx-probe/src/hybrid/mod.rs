//! The `hybrid` probe: a KEM ciphertext next to AEAD data (HPKE-style
//! `enc ‖ ct`, or a KEM-DEM file format), separated by candidate splits.
//!
//! Splits come from, in order of trust:
//! 1. fx-inspect's regions: every adjacent (`kem_ciphertext`, `aead`) region
//!    pair (base score 300; 200 when fx-inspect found it by a length prefix;
//!    100, like bare geometry, when it was a size-geometry guess);
//! 2. a big-endian length prefix (2 or 4 bytes) equal to a KEM ciphertext
//!    size, followed by that many bytes and the AEAD part (base 200);
//! 3. bare geometry: a KEM ciphertext size at the start (base 100) or the
//!    end (base 90) of the artifact.
//!
//! The AEAD part must hold at least a 12-byte nonce and a 16-byte tag
//! ([`MIN_AEAD`]). Each split's score adds the best family prior of the KEM
//! sizes (ML-KEM 20, composites 5, …) and a tenth of the symmetric probe's
//! score of the AEAD part; ties keep the order above, then offsets ascending.
//! The best `policy.probe.max_hybrid_splits` are tried (PQC geometry on the
//! KEM part, the symmetric analysis on the AEAD part); the rest are listed
//! as dropped with `caps_hit: ["budget:max_hybrid_splits"]`. Bare geometry
//! cannot tell one KEM size from another (nor a hybrid from a lone KEM
//! ciphertext followed by anything): a geometric best split is reported in
//! `data` only, with `ambiguous` true when another split of the same source
//! scores the same; only inspect or length-prefix splits conclude
//! `hybrid_blob`, `regions`, `pqc` and `cipher`.

use fx_core::event::Event;
use fx_core::job::Job;
use fx_core::routing::{Target, reason};
use fx_core::stage::StageCtx;
use fx_core::vocab::{Basis, Conclusion, Label};
use fx_facts::cipher::{
    CipherSignals, HybridAead, HybridBest, HybridData, HybridNotApplicable, HybridSplit,
    HybridTried, HybridTry,
};
use fx_facts::pqc::PqcConclusion;
use fx_formats::pqc_params::{self, Family, Kind, Object};
use serde::Serialize;

use crate::regions::regions_of;
use crate::{Applies, Budget, MODULE, Probe, conclusion_value, gate, pqc, symmetric};

/// Smallest AEAD part: a 12-byte nonce and a 16-byte tag.
pub const MIN_AEAD: usize = 28;
/// Bytes of each split's AEAD part whose statistics are computed (lengths
/// and alignment always describe the whole part): the splits of one
/// artifact overlap almost entirely, so a full scan per split would only
/// repeat the same work.
pub const AEAD_WINDOW: usize = 16 * 1024;
/// Dropped splits listed in the event (the rest are counted).
pub const MAX_DROPPED_LISTED: usize = 16;

/// One candidate split.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Split {
    /// `inspect`, `length_prefix` or `geometry`.
    pub source: &'static str,
    /// Offset of the KEM ciphertext.
    pub kem_offset: usize,
    /// Its length.
    pub kem_length: usize,
    /// Offset of the AEAD part.
    pub aead_offset: usize,
    /// Its length.
    pub aead_length: usize,
    /// Deterministic integer score before the AEAD analysis.
    pub score: i64,
}

impl Split {
    /// The split as fx-facts records it in the `hybrid` step's data.
    pub fn record(&self) -> HybridSplit {
        HybridSplit {
            source: self.source.to_owned(),
            kem_offset: self.kem_offset as u64,
            kem_length: self.kem_length as u64,
            aead_offset: self.aead_offset as u64,
            aead_length: self.aead_length as u64,
            score: self.score,
        }
    }
}

/// Confidence (permille) of a hybrid split found by a length prefix alone:
/// below a whole blob's exact size ([`crate::pqc::SIZE_ONLY_CONFIDENCE`]).
pub const LENGTH_PREFIX_CONFIDENCE: u16 = 300;

fn prior_of_size(len: usize) -> Option<i64> {
    pqc_params::PARAM_SETS
        .iter()
        .filter(|s| s.kind == Kind::Kem && s.ciphertext == Some(len))
        .map(|s| match s.family {
            Family::MlKem => 20,
            Family::CompositeKem => 5,
            _ => 0,
        })
        .max()
}

/// Distinct KEM ciphertext sizes, ascending.
fn kem_sizes() -> Vec<usize> {
    let mut v: Vec<usize> = pqc_params::PARAM_SETS
        .iter()
        .filter(|s| s.kind == Kind::Kem)
        .filter_map(|s| s.ciphertext)
        .collect();
    v.sort_unstable();
    v.dedup();
    v
}

/// Every candidate split of an artifact of `len` bytes, best first.
pub fn candidate_splits(job: &Job, bytes: &[u8]) -> Vec<Split> {
    let len = bytes.len();
    let mut out = Vec::new();
    let regions = regions_of(job);
    for k in regions.iter().filter(|r| r.kind == "kem_ciphertext") {
        for a in regions.iter().filter(|r| r.kind == "aead") {
            let (Ok(ko), Ok(kl), Ok(ao), Ok(al)) = (
                usize::try_from(k.offset),
                usize::try_from(k.length),
                usize::try_from(a.offset),
                usize::try_from(a.length),
            ) else {
                continue;
            };
            // Only adjacent, non-overlapping pairs form a split.
            let adjacent = ko.checked_add(kl) == Some(ao) || ao.checked_add(al) == Some(ko);
            if !adjacent || k.slice(bytes).is_none() || a.slice(bytes).is_none() {
                continue;
            }
            // A geometric pair from fx-inspect is no more than our own geometry.
            let (source, base) = if k.is_geometric() || a.is_geometric() {
                ("geometry", 100)
            } else if k.source.as_deref() == Some("length_prefix") {
                ("length_prefix", 200)
            } else {
                ("inspect", 300)
            };
            out.push(Split {
                source,
                kem_offset: ko,
                kem_length: kl,
                aead_offset: ao,
                aead_length: al,
                score: base + prior_of_size(kl).unwrap_or(0),
            });
        }
    }
    for s in kem_sizes() {
        let prior = prior_of_size(s).unwrap_or(0);
        for width in [2usize, 4] {
            let Some(prefix) = bytes.get(..width) else {
                continue;
            };
            let declared = prefix
                .iter()
                .fold(0usize, |acc, b| (acc << 8) | *b as usize);
            if declared == s && width + s + MIN_AEAD <= len {
                out.push(Split {
                    source: "length_prefix",
                    kem_offset: width,
                    kem_length: s,
                    aead_offset: width + s,
                    aead_length: len - width - s,
                    score: 200 + prior,
                });
            }
        }
        if s + MIN_AEAD <= len {
            out.push(Split {
                source: "geometry",
                kem_offset: 0,
                kem_length: s,
                aead_offset: s,
                aead_length: len - s,
                score: 100 + prior,
            });
            out.push(Split {
                source: "geometry",
                kem_offset: len - s,
                kem_length: s,
                aead_offset: 0,
                aead_length: len - s,
                score: 90 + prior,
            });
        }
    }
    // The same split found twice keeps its best-scored copy.
    out.sort_by(|a, b| {
        (a.kem_offset, a.kem_length, a.aead_offset, a.aead_length)
            .cmp(&(b.kem_offset, b.kem_length, b.aead_offset, b.aead_length))
            .then(b.score.cmp(&a.score))
    });
    out.dedup_by(|a, b| {
        (a.kem_offset, a.kem_length, a.aead_offset, a.aead_length)
            == (b.kem_offset, b.kem_length, b.aead_offset, b.aead_length)
    });
    // Best first; ties by offsets (deterministic).
    out.sort_by(|a, b| {
        b.score
            .cmp(&a.score)
            .then(a.kem_offset.cmp(&b.kem_offset))
            .then(a.kem_length.cmp(&b.kem_length))
    });
    out
}

/// The `hybrid` probe.
pub struct Hybrid;

impl Probe for Hybrid {
    fn name(&self) -> &'static str {
        "hybrid"
    }

    fn applies(&self, job: &Job, _ctx: &StageCtx<'_>) -> Applies {
        if !job.artifact.members.is_empty() && job.artifact.artifact_ref.is_none() {
            return Applies::No(reason::NOT_APPLICABLE.into());
        }
        match gate(job, Target::ProbeHybrid) {
            Ok(()) => Applies::Yes,
            Err(r) => Applies::No(r),
        }
    }

    fn run(&self, job: &Job, bytes: &[u8], ctx: &StageCtx<'_>) -> Vec<Event> {
        let policy = &ctx.run.policy().probe;
        let mut splits = candidate_splits(job, bytes);
        if splits.is_empty() {
            return vec![
                Event::skipped(MODULE, self.name(), reason::NOT_APPLICABLE).with_data(
                    HybridData::NotApplicable(HybridNotApplicable {
                        detail: "no KEM ciphertext size leaves room for an AEAD part".to_owned(),
                        length: bytes.len() as u64,
                    }),
                ),
            ];
        }
        let cap = policy.max_hybrid_splits as usize;
        let dropped: Vec<Split> = if splits.len() > cap {
            splits.split_off(cap)
        } else {
            Vec::new()
        };
        let mut budget = Budget::new(policy.work_bytes);
        let mut tried = Vec::new();
        let mut scored: Vec<(i64, usize, CipherSignals, Vec<pqc::Candidate>)> = Vec::new();
        for (i, s) in splits.iter().enumerate() {
            let kem = &bytes[s.kem_offset..s.kem_offset + s.kem_length];
            let aead = &bytes[s.aead_offset..s.aead_offset + s.aead_length];
            let cands = pqc::geometry(kem, Some(Object::Ciphertext), &[], &mut budget);
            let sym = symmetric::analyze_window(aead, AEAD_WINDOW, &mut budget);
            let total = s.score + sym.score / 10 + if cands.is_empty() { 0 } else { 10 };
            tried.push(HybridTry {
                split: s.record(),
                score: total,
                kem_candidates: cands.iter().map(|c| c.algorithm.to_owned()).collect(),
                aead: HybridAead {
                    class: sym.cipher.class.clone(),
                    entropy_bits_per_byte: sym.cipher.entropy_bits_per_byte,
                },
            });
            scored.push((total, i, sym.cipher, cands));
        }
        // Best total; ties keep the candidate order.
        scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        let mut caps_hit = Vec::new();
        if !dropped.is_empty() {
            caps_hit.push("budget:max_hybrid_splits");
        }
        if budget.spent() {
            caps_hit.push("budget:work_bytes");
        }
        let mut scored = scored.into_iter();
        let Some((best_score, best_i, cipher, cands)) = scored.next() else {
            return vec![Event::skipped(
                MODULE,
                self.name(),
                "budget:max_hybrid_splits",
            )];
        };
        let best = &splits[best_i];
        // `scored` goes on after the best.
        let ambiguous =
            scored.any(|(s, i, _, _)| s == best_score && splits[i].source == best.source);
        let algorithm = pqc::unambiguous(&cands);
        // The conclusion's regions are fx-facts' `Region`s, as every reader
        // takes them. Their score is the best split's total, never negative
        // (a split scores at least 90, the AEAD analysis 0 to 100).
        let score = u64::try_from(best_score).ok();
        let kem_region = conclusion_value(&fx_facts::Region {
            offset: best.kem_offset as u64,
            length: best.kem_length as u64,
            kind: "kem_ciphertext".to_owned(),
            algorithm: algorithm.map(str::to_owned),
            score,
            ..fx_facts::Region::default()
        });
        let aead_region = conclusion_value(&fx_facts::Region {
            offset: best.aead_offset as u64,
            length: best.aead_length as u64,
            kind: "aead".to_owned(),
            score,
            ..fx_facts::Region::default()
        });
        let data = HybridData::Tried(HybridTried {
            best: HybridBest {
                split: best.record(),
                score: best_score,
            },
            ambiguous,
            tried,
            dropped: dropped
                .iter()
                .take(MAX_DROPPED_LISTED)
                .map(Split::record)
                .collect(),
            dropped_total: dropped.len() as u64,
            caps_hit: caps_hit.into_iter().map(str::to_owned).collect(),
        });
        // Bare geometry is a hypothesis: it is reported, never concluded.
        let conclusion = if ambiguous || best.source == "geometry" {
            Conclusion::default()
        } else {
            Conclusion {
                labels: vec![Label::HybridBlob],
                regions: vec![kem_region, aead_region],
                pqc: Some(conclusion_value(&PqcConclusion {
                    candidates: cands.iter().map(|c| c.concluded(false)).collect(),
                    valid_structure: None,
                    verified: None,
                    decapsulated: None,
                })),
                cipher: Some(conclusion_value(&cipher)),
                // A length prefix that equals a KEM ciphertext size is two
                // bytes of evidence (a random blob starts with one about
                // once in a thousand): a guess, weaker than a whole blob's
                // exact size.
                basis: (best.source == "length_prefix").then_some(Basis::SizeOnly),
                confidence: (best.source == "length_prefix").then_some(LENGTH_PREFIX_CONFIDENCE),
                ..Default::default()
            }
        };
        vec![
            Event::ok(MODULE, self.name())
                .with_data(data)
                .with_conclusion(conclusion),
        ]
    }
}

#[cfg(test)]
mod tests;
