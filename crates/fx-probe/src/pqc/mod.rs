//! The `pqc` probe: post-quantum size geometry, structural validity, and —
//! for bundles, when the policy allows — signature verification and KEM
//! decapsulation with liboqs.
//!
//! * **Geometry** ([`geometry`]): every parameter set of
//!   `fx_formats::pqc_params` whose public key, secret key (expanded or
//!   seed), ciphertext, signature or shared secret has the probed length is a
//!   candidate; collisions are all reported, ranked by a deterministic
//!   integer score (see [`score`]).
//! * **Structure** ([`structure`]): range checks where the format has them
//!   (ML-KEM keys, ML-DSA signatures and secret keys, Falcon).
//! * **DER**: PKCS#8 and SPKI wrappers are unwrapped ([`keys`]); the OID
//!   names the set, and a key whose size does not fit it is a `bad_length`.
//!   A `both` private key whose expanded key is not its seed's
//!   ([`seeds::both_mismatch`]) fails its structure check.
//! * **Bundles** (`artifact.members` with roles `public_key`, `signature`,
//!   `message`, `secret_key`/`private_key`, `ciphertext`, `shared_secret`):
//!   `verify` (target `probe:verify`, `safety.verification`; SLH-DSA with
//!   the FIPS 205 backend [`fips205`], the rest with [`liboqs`]; a pre-hash
//!   OID is `unsupported_algorithm`, never a verdict) and
//!   `decapsulate` (target `probe:decapsulate`, `safety.decapsulation`) steps.
//!   A decapsulated shared secret is recorded only as its sha256, and
//!   compared with the `shared_secret` member when there is one.
//!
//! Conclusion: `pqc: {candidates:[{algorithm, object, score}], valid_structure,
//! verified, decapsulated}` and `algorithm` when one set is ahead of all others.

pub mod fips205;
pub mod keys;
pub mod liboqs;
pub mod seeds;
pub mod self_signed;
pub mod structure;

use fx_core::event::{ErrorInfo, Event};
use fx_core::job::Job;
use fx_core::routing::{Target, reason};
use fx_core::stage::StageCtx;
use fx_core::vocab::{Basis, Conclusion, FailureKind, Label};
use fx_formats::pqc_params::{self, Family, Object, ParamSet, SecretKeyForm};
use serde::Serialize;

use fx_facts::pqc::{
    DecapsulateData, DecapsulateTry, PqcBundleData, PqcBundleMember, PqcCandidate, PqcConclusion,
    PqcDer, PqcProbeData, PqcTarget, PqcTargetCandidate, VerifyData, VerifyTry,
};

use crate::regions::{Region, regions_of, top_k};
use crate::{Applies, Budget, MODULE, MemberBytes, Probe, conclusion_value, gate, read_members};
use structure::Check;

/// Candidates listed per probed object (the rest are counted).
pub const MAX_CANDIDATES: usize = 32;
/// Parameter sets tried per verification or decapsulation.
pub const MAX_BACKEND_TRIES: usize = 8;

/// One geometry candidate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Candidate {
    /// Parameter-set name (DESIGN §9).
    pub algorithm: &'static str,
    /// `public_key`, `secret_key`, `ciphertext`, `signature`, `shared_secret`.
    pub object: &'static str,
    /// Deterministic integer score (higher is better).
    pub score: i64,
    /// Secret-key form (`expanded`, `seed`) when the object is a secret key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub form: Option<&'static str>,
    /// `false` for a length inside Falcon's variable-signature window.
    pub exact: bool,
    /// Structural check outcome: `valid`, `invalid` or absent (no check).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub structure: Option<&'static str>,
    /// Offset of the first out-of-range byte when `structure` is `invalid`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invalid_at: Option<usize>,
    #[serde(skip)]
    set: Option<&'static ParamSet>,
}

impl Candidate {
    /// The parameter set of the candidate.
    pub fn set(&self) -> Option<&'static ParamSet> {
        self.set
    }

    /// The candidate as fx-facts records it in the `pqc` step's data.
    pub fn record(&self) -> PqcTargetCandidate {
        PqcTargetCandidate {
            algorithm: self.algorithm.to_owned(),
            object: self.object.to_owned(),
            exact: self.exact,
            score: self.score,
            form: self.form.map(str::to_owned),
            structure: self.structure.map(str::to_owned),
            invalid_at: self.invalid_at.map(|o| o as u64),
        }
    }

    /// The candidate as the `pqc` conclusion lists it: algorithm, object
    /// and score, with `invalid_at` only when `with_defect` (a structure
    /// defect's conclusion).
    pub(crate) fn concluded(&self, with_defect: bool) -> PqcCandidate {
        PqcCandidate {
            algorithm: self.algorithm.to_owned(),
            object: self.object.to_owned(),
            score: self.score,
            invalid_at: if with_defect {
                self.invalid_at.map(|o| o as u64)
            } else {
                None
            },
        }
    }
}

fn family_prior(f: Family) -> i64 {
    match f {
        Family::MlKem | Family::MlDsa => 20,
        Family::SlhDsa | Family::Falcon => 10,
        Family::CompositeKem | Family::CompositeSignature => 5,
        Family::FrodoKem | Family::Hqc | Family::ClassicMcEliece | Family::NtruPrime => 0,
    }
}

/// The score of a candidate: 100 for an exact size (40 inside Falcon's
/// variable window), +100 when a structural check passes, −90 when it fails,
/// +200 when an earlier stage or an OID named the same set, plus a family
/// prior (ML-KEM/ML-DSA 20, SLH-DSA/Falcon 10, composites 5, others 0).
pub fn score(exact: bool, check: Option<Check>, named: bool, family: Family) -> i64 {
    let mut s = if exact { 100 } else { 40 };
    match check {
        Some(Check::Valid) => s += 100,
        Some(Check::Invalid(_)) => s -= 90,
        None => {}
    }
    if named {
        s += 200;
    }
    s + family_prior(family)
}

/// Every candidate for `bytes`, restricted to `object` when given, scored
/// with `hints` (algorithm names an earlier stage concluded). Structural
/// checks consume `budget`; without budget they are not run.
pub fn geometry(
    bytes: &[u8],
    object: Option<Object>,
    hints: &[String],
    budget: &mut Budget,
) -> Vec<Candidate> {
    let matches = match object {
        Some(o) => pqc_params::by_size(o, bytes.len()),
        None => pqc_params::by_any_size(bytes.len()),
    };
    let mut out: Vec<Candidate> = matches
        .into_iter()
        .map(|m| {
            let check = if m.form == Some(SecretKeyForm::Seed) {
                None
            } else if budget.take(bytes.len()) == bytes.len() {
                structure::check(m.set, m.object, bytes)
            } else {
                None
            };
            let named = hints.iter().any(|h| h.eq_ignore_ascii_case(m.set.name));
            Candidate {
                algorithm: m.set.name,
                object: m.object.as_str(),
                score: score(m.exact, check, named, m.set.family),
                form: m.form.map(SecretKeyForm::as_str),
                exact: m.exact,
                structure: check.map(|c| match c {
                    Check::Valid => "valid",
                    Check::Invalid(_) => "invalid",
                }),
                invalid_at: match check {
                    Some(Check::Invalid(o)) => Some(o),
                    _ => None,
                },
                set: Some(m.set),
            }
        })
        .collect();
    // Stable: equal scores keep table order.
    out.sort_by_key(|c| std::cmp::Reverse(c.score));
    out
}

/// The one algorithm ahead of every other, if any.
pub fn unambiguous(cands: &[Candidate]) -> Option<&'static str> {
    let top = cands.first()?;
    let rival = cands
        .iter()
        .filter(|c| c.algorithm != top.algorithm)
        .map(|c| c.score)
        .max();
    match rival {
        Some(r) if r >= top.score => None,
        _ => Some(top.algorithm),
    }
}

/// `valid_structure` over candidates: true when the best candidate's check
/// passed, false when every check that ran failed, null when none ran.
fn valid_structure(cands: &[Candidate]) -> Option<bool> {
    let ran: Vec<&Candidate> = cands.iter().filter(|c| c.structure.is_some()).collect();
    if ran.is_empty() {
        return None;
    }
    Some(ran.iter().any(|c| c.structure == Some("valid")))
}

fn object_of_kind(kind: &str) -> Option<Object> {
    match kind {
        "kem_ciphertext" | "ciphertext" => Some(Object::Ciphertext),
        "signature" => Some(Object::Signature),
        "public_key" => Some(Object::PublicKey),
        "secret_key" | "private_key" => Some(Object::SecretKey),
        _ => None,
    }
}

fn hints_of(job: &Job) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for c in job.conclusions() {
        if let Some(a) = &c.algorithm
            && !out.contains(a)
        {
            out.push(a.clone());
        }
        if let Some(o) = &c.oid
            && let Some(m) = pqc_params::by_oid(o)
            && !out.iter().any(|h| h == m.set.name)
        {
            out.push(m.set.name.to_owned());
        }
    }
    out
}

fn label_of(object: &str) -> Option<Label> {
    match object {
        "ciphertext" => Some(Label::KemTranscript),
        "signature" => Some(Label::SignatureBlob),
        "public_key" | "secret_key" => Some(Label::KeyMaterial),
        _ => None,
    }
}

/// The `pqc` probe.
pub struct Pqc;

impl Probe for Pqc {
    fn name(&self) -> &'static str {
        "pqc"
    }

    fn applies(&self, job: &Job, _ctx: &StageCtx<'_>) -> Applies {
        match gate(job, Target::ProbePqc) {
            Ok(()) => Applies::Yes,
            Err(r) => Applies::No(r),
        }
    }

    fn run(&self, job: &Job, bytes: &[u8], ctx: &StageCtx<'_>) -> Vec<Event> {
        if !job.artifact.members.is_empty() && job.artifact.artifact_ref.is_none() {
            let members = read_members(job, ctx.run);
            return run_bundle(job, &members, ctx);
        }
        run_single(job, bytes, ctx)
    }
}

/// Geometry of one artifact: DER-wrapped keys first, then the top-K PQC
/// regions, or the whole artifact.
fn run_single(job: &Job, bytes: &[u8], ctx: &StageCtx<'_>) -> Vec<Event> {
    let policy = &ctx.run.policy().probe;
    let mut budget = Budget::new(policy.work_bytes);
    let mut hints = hints_of(job);
    let mut pem_label = None;
    let mut der = None;
    let mut dropped_regions = Vec::new();
    let mut caps_hit: Vec<&str> = Vec::new();
    let mut failures = Vec::new();
    let mut oid = None;

    // A DER-wrapped key names its set by OID: unwrap, check the size.
    let mut targets: Vec<(Region, Vec<u8>, Option<Object>)> = Vec::new();
    // `Some(set)` when a wrapper's OID named a post-quantum set (a parsed
    // fact); `Some(None)` when a wrapper was parsed but its OID names no
    // post-quantum set (a classical or unknown key: geometry proves nothing).
    let mut der_named: Option<Option<&'static ParamSet>> = None;
    // A `both` private key whose expanded key is not its seed's: the set
    // and the offset of the first differing byte (seeds::both_mismatch).
    let mut both_bad: Option<(&'static str, usize)> = None;
    // A PEM-armored key is read from its first block (fx-inspect reports
    // the armor itself).
    let pem_der;
    let mut der_bytes = bytes;
    if fx_formats::pem::looks_like_pem(bytes)
        && let Some(block) = fx_formats::pem::scan(bytes, 1).blocks.into_iter().next()
    {
        pem_label = Some(block.label);
        pem_der = block.der;
        der_bytes = &pem_der;
    }
    if let Some(k) = keys::public_key(der_bytes) {
        der = Some(PqcDer {
            wrapper: "spki".to_owned(),
            oid: k.oid.clone(),
            form: None,
        });
        if let Some(set) = k.set {
            hints.push(set.name.to_owned());
            if set.public_key.is_some_and(|n| n != k.key.len()) {
                failures.push(FailureKind::BadLength);
            }
        }
        oid = Some(k.oid.clone());
        der_named = Some(k.set);
        let r = Region {
            offset: 0,
            length: bytes.len() as u64,
            kind: "public_key".into(),
            algorithm: k.set.map(|s| s.name.to_owned()),
            score: 0,
            source: Some("der".into()),
            block: None,
        };
        targets.push((r, k.key, Some(Object::PublicKey)));
    } else if let Some(k) = keys::private_key(der_bytes) {
        der = Some(PqcDer {
            wrapper: "pkcs8".to_owned(),
            oid: k.oid.clone(),
            form: Some(k.form.to_owned()),
        });
        if let Some(set) = k.set {
            hints.push(set.name.to_owned());
            let bad_sk = k
                .expanded
                .as_ref()
                .is_some_and(|e| set.secret_key.is_some_and(|n| n != e.len()));
            let bad_seed = k
                .seed
                .as_ref()
                .is_some_and(|s| set.secret_seed.is_some_and(|n| n != s.len()));
            if bad_sk || bad_seed {
                failures.push(FailureKind::BadLength);
            }
            if let (Some(seed), Some(expanded)) = (&k.seed, &k.expanded)
                && !bad_sk
                && !bad_seed
            {
                both_bad = seeds::both_mismatch(set, seed, expanded).map(|o| (set.name, o));
            }
        }
        oid = Some(k.oid.clone());
        der_named = Some(k.set);
        if let Some(raw) = k.expanded.or(k.seed) {
            let r = Region {
                offset: 0,
                length: bytes.len() as u64,
                kind: "secret_key".into(),
                algorithm: k.set.map(|s| s.name.to_owned()),
                score: 0,
                source: Some("der".into()),
                block: None,
            };
            targets.push((r, raw, Some(Object::SecretKey)));
        }
    }
    // A bare TLS key_share entry of an ML-KEM or hybrid group: its group
    // names the set, its length field delimits the ML-KEM object.
    let mut share = None;
    if targets.is_empty()
        && let Some(ks) = fx_formats::tls_groups::key_share_entry(bytes)
        && let Some(kem) = ks.group.kem
        && let Some((r, raw, obj)) = key_share_target(bytes, &ks, kem)
    {
        targets.push((r, raw, obj));
        share = Some(ks);
    }
    if targets.is_empty() {
        let all = regions_of(job);
        let (kept, dropped) = top_k(&all, policy.top_k as usize, |r| {
            object_of_kind(&r.kind).is_some()
        });
        if !dropped.is_empty() {
            caps_hit.push("budget:top_k");
            dropped_regions = dropped.iter().map(Region::record).collect();
        }
        // One target per byte range: fx-inspect lists one region per size
        // candidate; their kinds merge (mixed kinds probe every object).
        for r in kept {
            let Some(s) = r.slice(bytes) else { continue };
            let obj = object_of_kind(&r.kind);
            match targets
                .iter_mut()
                .find(|(t, _, _)| t.offset == r.offset && t.length == r.length)
            {
                Some((t, _, o)) => {
                    if *o != obj {
                        *o = None;
                    }
                    if t.algorithm.is_none() && !r.is_geometric() {
                        t.algorithm = r.algorithm.clone();
                        t.source = r.source.clone();
                    }
                }
                None => {
                    let mut t = r.clone();
                    if r.is_geometric() {
                        t.algorithm = None;
                    }
                    targets.push((t, s.to_vec(), obj));
                }
            }
        }
        if targets.is_empty() {
            targets.push((Region::whole(bytes), bytes.to_vec(), None));
        }
    }

    let mut results = Vec::new();
    let mut best: Vec<Candidate> = Vec::new();
    let mut per_target: Vec<Vec<Candidate>> = Vec::new();
    for (region, raw, obj) in &targets {
        let mut h = hints.clone();
        if let Some(a) = &region.algorithm {
            h.push(a.clone());
        }
        let mut cands = geometry(raw, *obj, &h, &mut budget);
        if let Some((name, at)) = both_bad {
            mark_inconsistent(&mut cands, name, at);
        }
        let total = cands.len();
        let listed: Vec<Candidate> = cands.into_iter().take(MAX_CANDIDATES).collect();
        if total > listed.len() {
            caps_hit.push("budget:max_candidates");
        }
        results.push(PqcTarget {
            region: region.record(),
            candidates: listed.iter().map(Candidate::record).collect(),
            total: total as u64,
        });
        if listed.first().map(|c| c.score) > best.first().map(|c| c.score) {
            best = listed.clone();
        }
        per_target.push(listed);
    }
    if budget.spent() {
        caps_hit.push("budget:work_bytes");
    }
    caps_hit.dedup();
    let mut data = PqcProbeData {
        targets: results,
        conclusion: None,
        der,
        pem_label,
        dropped_regions,
        work_bytes_used: budget.used(),
        caps_hit: caps_hit.into_iter().map(str::to_owned).collect(),
    };

    let mut conclusion = match der_named {
        // The OID named the set: a parsed fact, whatever the size says.
        Some(Some(set)) => {
            let mut c = pqc_conclusion(&best, None, None);
            c.algorithm = Some(set.name.to_owned());
            c.basis = Some(Basis::Parsed);
            c
        }
        // A parsed classical or unknown key: its size proves nothing.
        Some(None) => Conclusion::default(),
        None if share.is_some() => {
            data.conclusion = Some("tls_key_share".to_owned());
            share.map_or_else(Conclusion::default, |ks| key_share_conclusion(&ks, &best))
        }
        None => {
            let (verdict, c) = judge_targets(job, der_framed(der_bytes), &targets, &per_target);
            data.conclusion = Some(verdict.to_owned());
            c
        }
    };
    conclusion.oid = oid;
    for f in failures {
        if !conclusion.failures.contains(&f) {
            conclusion.failures.push(f);
        }
    }
    // A self-signed post-quantum certificate: its own signature checked.
    let mut after = Vec::new();
    if der_named.is_none()
        && let Some(cert) = self_signed::read(der_bytes)
    {
        let (outcome, evs) = self_signature_step(ctx, &cert);
        if let Some(v) = outcome.verdict {
            set_verified(&mut conclusion, v);
        }
        after = evs;
    }
    let mut out = vec![
        Event::ok(MODULE, "pqc")
            .with_data(data)
            .with_conclusion(conclusion),
    ];
    out.extend(after);
    out
}

/// The ML-KEM object of a key_share entry as a probe target: a region the
/// entry's length field delimits (source `tls_key_share`), named by the
/// group; a client share is an encapsulation key, a server share a
/// ciphertext, a share of either size both (ML-KEM-1024).
fn key_share_target(
    bytes: &[u8],
    ks: &fx_formats::tls_groups::KeyShareEntry,
    kem: fx_formats::tls_groups::KemPart,
) -> Option<(Region, Vec<u8>, Option<Object>)> {
    use fx_formats::tls_groups::{KEY_SHARE_HEADER_LEN, ShareSide};
    let set = pqc_params::by_name(kem.set)?;
    let (kind, obj, len) = match ks.side {
        ShareSide::Client => ("public_key", Some(Object::PublicKey), set.public_key?),
        ShareSide::Server => ("kem_ciphertext", Some(Object::Ciphertext), set.ciphertext?),
        ShareSide::Either => ("kem_object", None, set.public_key?),
    };
    let offset = KEY_SHARE_HEADER_LEN + usize::from(kem.offset);
    let raw = bytes.get(offset..offset + len)?.to_vec();
    let r = Region {
        offset: offset as u64,
        length: len as u64,
        kind: kind.into(),
        algorithm: Some(set.name.to_owned()),
        score: 0,
        source: Some("tls_key_share".into()),
        block: None,
    };
    Some((r, raw, obj))
}

/// What a key_share entry says, by its structure (basis `structural`): the
/// group's algorithm (the ML-KEM set, or the hybrid's IANA name), the
/// share's label (a client share is a public key, `key_material`; a server
/// share, or one of either size, a message of the KEM, `kem_transcript`),
/// the candidates of its ML-KEM object, and the failure shape of an
/// encapsulation key whose coefficients are not reduced.
fn key_share_conclusion(
    ks: &fx_formats::tls_groups::KeyShareEntry,
    cands: &[Candidate],
) -> Conclusion {
    use fx_formats::tls_groups::ShareSide;
    let mut c = pqc_conclusion(cands, None, None);
    c.algorithm = ks.group.algorithm().map(str::to_owned);
    c.basis = Some(Basis::Structural);
    c.confidence = None;
    c.labels = match ks.side {
        ShareSide::Client => vec![Label::KeyMaterial],
        ShareSide::Server | ShareSide::Either => vec![Label::KemTranscript],
    };
    let kem = ks.group.kem.map(|k| k.set);
    if let Some(bad) = cands
        .iter()
        .find(|x| Some(x.algorithm) == kem && x.structure == Some("invalid"))
        && !cands
            .iter()
            .any(|x| Some(x.algorithm) == kem && x.structure == Some("valid"))
        && let Some(f) = defect_of(bad)
    {
        c.failures.push(f);
    }
    c
}

/// Records a verify verdict in the `pqc` conclusion (creating it when the
/// geometry concluded nothing).
fn set_verified(c: &mut Conclusion, verified: bool) {
    match c.pqc.as_mut().and_then(serde_json::Value::as_object_mut) {
        Some(m) => {
            m.insert("verified".to_owned(), serde_json::Value::Bool(verified));
        }
        None => {
            c.pqc = Some(conclusion_value(&PqcConclusion {
                candidates: Vec::new(),
                valid_structure: None,
                verified: Some(verified),
                decapsulated: None,
            }));
        }
    }
}

/// The `verify` step of a self-signed certificate whose SubjectPublicKeyInfo
/// and signature algorithm name the same post-quantum set: the signature
/// over the TBSCertificate as written, with the certificate's own key,
/// under the set the signature algorithm OID names (`signed:
/// tbs_certificate`). Gated by `safety.verification` (the route admits the
/// certificate to `probe:pqc`; `probe:verify` is the bundle target), run as
/// a task of the heavy pool like the bundle steps. Nothing when either OID
/// names no post-quantum signature set or they differ (the key is not the
/// signer's: no self-signature to check).
fn self_signature_step(
    ctx: &StageCtx<'_>,
    cert: &self_signed::SelfSigned,
) -> (Outcome, Vec<Event>) {
    let Some(alg) = pqc_params::by_oid(&cert.signature_oid) else {
        return (Outcome::default(), Vec::new());
    };
    let Some(key) = keys::public_key(&cert.spki) else {
        return (Outcome::default(), Vec::new());
    };
    let same = key.set.is_some_and(|s| std::ptr::eq(s, alg.set)) && key.prehash == alg.prehash;
    if !same || alg.set.signature.is_none() {
        return (Outcome::default(), Vec::new());
    }
    if let Some(skip) = verification_disabled(ctx) {
        return (Outcome::default(), vec![skip]);
    }
    let pk = Unwrapped {
        raw: key.key,
        seed: None,
        set: key.set,
        oid: Some(key.oid),
        prehash: key.prehash,
        form: "spki",
    };
    let sig = Unwrapped {
        raw: cert.signature.clone(),
        seed: None,
        set: None,
        oid: None,
        prehash: None,
        form: "raw",
    };
    let held = (pk.raw.len() + sig.raw.len() + cert.tbs.len()) as u64;
    pooled(ctx, held, || {
        verify_tries(&pk, &sig, &cert.tbs, Some("tbs_certificate"))
    })
}

/// A `both` private key whose expanded key is not the one its seed
/// generates is malformed (the IETF drafts: a recipient that checks must
/// reject it): its secret-key candidate of `name` fails its structure
/// check at `at`, the first differing byte of the expanded key.
fn mark_inconsistent(cands: &mut [Candidate], name: &str, at: usize) {
    for c in cands.iter_mut() {
        let Some(set) = c.set() else { continue };
        if c.algorithm == name && c.object == Object::SecretKey.as_str() {
            // The OID named the set (the key is a parsed PKCS#8).
            c.score = score(c.exact, Some(Check::Invalid(at)), true, set.family);
            c.structure = Some("invalid");
            c.invalid_at = Some(at);
        }
    }
    cands.sort_by_key(|c| std::cmp::Reverse(c.score));
}

/// Candidates that may become a conclusion: a structure check that did not
/// fail and a positive score (DESIGN §9).
fn concludable(cands: &[Candidate]) -> Vec<Candidate> {
    cands
        .iter()
        .filter(|c| c.structure != Some("invalid") && c.score > 0)
        .cloned()
        .collect()
}

/// Statistics of the bytes an object of a post-quantum scheme would have:
/// keys, ciphertexts and signatures are near-uniform. The Shannon entropy
/// must come within [`UNIFORM_SLACK_MILLIBITS`] of what `n` uniform bytes
/// show on average (8 bits less the small-sample bias `255 / (2n ln 2)`),
/// and no more than [`UNIFORM_MAX_PRINTABLE_PER_MILLE`] of the bytes may be
/// printable text. Compiled code, text, catalogues and images fail it.
pub fn near_uniform(bytes: &[u8]) -> bool {
    if bytes.len() < UNIFORM_MIN_BYTES {
        return false;
    }
    let stats = crate::symmetric::entropy::Stats::of(bytes);
    let n = stats.n as f64;
    let expected = 8.0 - 255.0 / (2.0 * n * std::f64::consts::LN_2);
    let floor = expected - f64::from(UNIFORM_SLACK_MILLIBITS) / 1000.0;
    stats.shannon >= floor && stats.printable_per_mille <= UNIFORM_MAX_PRINTABLE_PER_MILLE
}

/// Smallest object the uniformity test judges (shorter bytes are never a
/// size-only conclusion).
pub const UNIFORM_MIN_BYTES: usize = 32;
/// How far (millibits per byte) below the uniform expectation the entropy
/// may fall: ML-KEM's 12-bit packing of coefficients below 3329 costs about
/// 0.1 bit, Falcon's compressed signatures and ML-DSA's hint bytes a little.
pub const UNIFORM_SLACK_MILLIBITS: u32 = 400;
/// Most printable bytes (per mille) in a near-uniform object (uniform bytes
/// are ≈ 371 ‰ printable).
pub const UNIFORM_MAX_PRINTABLE_PER_MILLE: u32 = 600;

/// Shortest object a size alone may name: below it too many things share a
/// length (32-byte seeds, symmetric keys, X25519 keys, SLH-DSA public keys).
pub const SIZE_ONLY_MIN_BYTES: usize = 256;

/// Confidence (permille) of a size-only conclusion when one parameter set
/// alone has the size; shared sizes divide it.
pub const SIZE_ONLY_CONFIDENCE: u16 = 600;
/// Confidence of a size inside Falcon's variable-signature window.
pub const FALCON_WINDOW_CONFIDENCE: u16 = 250;

/// What the geometry judgement knows of the job, computed once per job.
struct Scene {
    /// Whether a conclusion of basis `structural` or stronger already says
    /// what the artifact is ([`fx_core::summary::firm_evidence`]).
    firm: bool,
    /// The artifact's size.
    size: Option<u64>,
    /// Whether the artifact is framed as one DER element ([`der_framed`]):
    /// an ASN.1 structure (a key, a certificate) that no parser of fx read,
    /// malformed or unknown, and no raw object of a scheme — its length is
    /// no evidence.
    framed: bool,
}

impl Scene {
    /// True when `r` covers the whole artifact.
    fn whole(&self, r: &Region) -> bool {
        r.offset == 0 && Some(r.length) == self.size
    }

    /// True when a guess (size geometry, a defect read from statistics) may
    /// speak about the whole artifact: nothing firmer said what it is and
    /// it is not an ASN.1 structure.
    fn unrecognised(&self) -> bool {
        !self.firm && !self.framed
    }
}

/// True when `bytes` are framed as one DER element: a universal SEQUENCE or
/// SET whose definite length ends exactly at the end of the input, with a
/// readable first child. Raw keys, ciphertexts and signatures are uniform
/// bytes; that they open with `30 82 hh ll` and the length agrees with the
/// size has odds of about 2^-32. The structure inside may be malformed (a
/// wrong tag, a bad version): fx-inspect reports that; a scheme's size is
/// then no reading of it (an RSA-2048 PKCS#8 key is 1216 bytes, the size of
/// an MLKEM768-X25519 public key).
pub fn der_framed(bytes: &[u8]) -> bool {
    use fx_formats::der::{TagClass, read_header};
    let Ok(outer) = read_header(bytes, 0) else {
        return false;
    };
    outer.class == TagClass::Universal
        && outer.constructed
        && matches!(outer.number, 16 | 17)
        && outer.end() == Some(bytes.len())
        && outer.content_offset() < bytes.len()
        && read_header(bytes, outer.content_offset())
            .ok()
            .and_then(|h| h.end())
            .is_some_and(|end| end <= bytes.len())
}

/// Judges every geometry target, the evidentially strongest first: regions a
/// parser delimited, then the whole artifact, then splits (each group by
/// its best score, ties in target order). Before any reading is concluded,
/// a whole near-uniform artifact that is an ML-KEM encapsulation key with a
/// few unreduced coefficients ([`structure::mlkem_key_nearly_valid`]) is
/// reported as that defect, even where its length is also a ciphertext's
/// (ML-KEM-1024: 1568 bytes). The first target that concludes
/// wins; otherwise the verdict of the first target judged is reported, and
/// a whole near-uniform artifact whose exact size names only candidates
/// that failed their structure check reports that defect as a failure shape
/// (with the candidates, `valid_structure: false`, basis `size_only`, and
/// neither algorithm nor label).
fn judge_targets(
    job: &Job,
    framed: bool,
    targets: &[(Region, Vec<u8>, Option<Object>)],
    per_target: &[Vec<Candidate>],
) -> (&'static str, Conclusion) {
    let scene = Scene {
        firm: fx_core::summary::firm_evidence(&job.events),
        size: job.artifact.size,
        framed,
    };
    let rank = |r: &Region| {
        if !r.is_geometric() && r.kind != "artifact" {
            0
        } else if scene.whole(r) || r.kind == "artifact" {
            1
        } else {
            2
        }
    };
    let mut order: Vec<usize> = (0..targets.len()).collect();
    order.sort_by_key(|&i| {
        let top = per_target[i].first().map_or(i64::MIN, |c| c.score);
        (rank(&targets[i].0), std::cmp::Reverse(top), i)
    });
    // A whole near-uniform artifact whose encapsulation-key reading fails
    // on only a few coefficients is that key, malformed, whatever else its
    // length could be (structure::mlkem_key_nearly_valid).
    for &i in &order {
        let (region, raw, _) = &targets[i];
        if rank(region) != 1 || !scene.unrecognised() || !near_uniform(raw) {
            continue;
        }
        let near: Vec<&Candidate> = per_target[i]
            .iter()
            .filter(|c| {
                c.structure == Some("invalid")
                    && c.object == Object::PublicKey.as_str()
                    && c.set()
                        .is_some_and(|s| structure::mlkem_key_nearly_valid(s, raw))
            })
            .collect();
        if let Some(c) = defect_conclusion(&near) {
            return ("nearly_valid_key_malformed", c);
        }
    }
    let mut first: Option<&'static str> = None;
    for &i in &order {
        let (verdict, c) = guess_conclusion(&scene, &per_target[i], Some(&targets[i]));
        if !c.is_empty() {
            return (verdict, c);
        }
        first.get_or_insert(verdict);
    }
    let first = first.unwrap_or("no_target");
    // A whole artifact of an exact size whose every candidate failed its
    // structure check: the defect, not a scheme.
    for &i in &order {
        let (region, raw, _) = &targets[i];
        if rank(region) != 1 || !scene.unrecognised() || !near_uniform(raw) {
            continue;
        }
        let checked: Vec<&Candidate> = per_target[i]
            .iter()
            .filter(|c| c.exact && c.structure.is_some())
            .collect();
        if checked.iter().any(|c| c.structure == Some("valid")) {
            continue;
        }
        if let Some(c) = defect_conclusion(&checked) {
            return ("structure_invalid", c);
        }
    }
    (first, Conclusion::default())
}

/// The defect of candidates whose structure checks failed, as a failure
/// shape with the candidates, `valid_structure: false`, basis `size_only`,
/// and neither algorithm nor label; `None` when no candidate names one.
fn defect_conclusion(checked: &[&Candidate]) -> Option<Conclusion> {
    let shape = checked.iter().find_map(|c| defect_of(c))?;
    Some(Conclusion {
        failures: vec![shape],
        pqc: Some(conclusion_value(&PqcConclusion {
            candidates: checked.iter().map(|c| c.concluded(true)).collect(),
            valid_structure: Some(false),
            verified: None,
            decapsulated: None,
        })),
        basis: Some(Basis::SizeOnly),
        ..Default::default()
    })
}

/// Several parameter sets tie on a whole unrecognised near-uniform artifact
/// (SLH-DSA's SHA2 and SHAKE variants share every size): the tied
/// candidates are concluded as `pqc.candidates`, with the object's label
/// when they agree on it, basis `size_only` and a confidence divided among
/// them — but no `algorithm`, which the evidence cannot choose.
fn ambiguous_conclusion(
    scene: &Scene,
    cands: &[Candidate],
    region: &Region,
    raw: &[u8],
) -> (&'static str, Conclusion) {
    let exact = cands.first().is_some_and(|c| c.exact);
    if !scene.whole(region)
        || !exact
        || raw.len() < SIZE_ONLY_MIN_BYTES
        || !scene.unrecognised()
        || !near_uniform(raw)
    {
        return ("ambiguous", Conclusion::default());
    }
    let top = cands[0].score;
    let tied: Vec<&Candidate> = cands.iter().filter(|c| c.score == top).collect();
    let object = tied[0].object;
    let labels = if tied.iter().all(|c| c.object == object) {
        label_of(object).into_iter().collect()
    } else {
        Vec::new()
    };
    let n = u16::try_from(tied.len()).unwrap_or(u16::MAX).max(1);
    let c = Conclusion {
        labels,
        pqc: Some(conclusion_value(&PqcConclusion {
            candidates: tied.iter().map(|c| c.concluded(false)).collect(),
            valid_structure: valid_structure(cands),
            verified: None,
            decapsulated: None,
        })),
        basis: Some(Basis::SizeOnly),
        confidence: Some(SIZE_ONLY_CONFIDENCE / n),
        ..Default::default()
    };
    ("ambiguous_candidates", c)
}

/// The failure shape of a candidate whose structure check failed.
fn defect_of(c: &Candidate) -> Option<FailureKind> {
    let set = c.set()?;
    Some(match (set.family, c.object) {
        // FIPS 203 §7.3: the decapsulation key's H(ek) is not SHA3-256(ek).
        (Family::MlKem, "secret_key")
            if c.invalid_at.is_some() && c.invalid_at == structure::mlkem_hek_offset(set) =>
        {
            FailureKind::ChecksumMismatch
        }
        (Family::MlKem, _) => FailureKind::UnreducedCoefficient,
        (Family::MlDsa, "signature") => FailureKind::HintOutOfRange,
        (Family::Falcon, _) if c.invalid_at == Some(0) => FailureKind::MalformedHeader,
        _ => FailureKind::InvalidValue,
    })
}

/// The conclusion of geometry (no wrapper named the set), by the precision
/// rule: a structure check that passed is `structural`; an exact size on
/// near-uniform bytes of an otherwise unrecognised artifact is `size_only`
/// with a confidence; anything else stays among the candidates in the data.
/// Returns why, for the event data, with the conclusion.
fn guess_conclusion(
    scene: &Scene,
    best: &[Candidate],
    target: Option<&(Region, Vec<u8>, Option<Object>)>,
) -> (&'static str, Conclusion) {
    let cands = concludable(best);
    let Some(top) = cands.first() else {
        return ("no_concludable_candidate", Conclusion::default());
    };
    let Some((region, raw, _)) = target else {
        return ("no_target", Conclusion::default());
    };
    let Some(algorithm) = unambiguous(&cands) else {
        return ambiguous_conclusion(scene, &cands, region, raw);
    };
    // A parser named the set of the region it delimited: a parsed fact.
    if !region.is_geometric() && region.algorithm.as_deref() == Some(algorithm) {
        let mut c = pqc_conclusion(&cands, None, None);
        c.algorithm = Some(algorithm.to_owned());
        c.basis = Some(Basis::Parsed);
        // Inside a recognised container the region's object (a certificate's
        // key or signature) is no label of the artifact: the parser that
        // read the container names those.
        if scene.firm {
            c.labels.clear();
        }
        return ("named_by_parser", c);
    }
    let firm = scene.firm;
    let structural = top.structure == Some("valid");
    // A region a parser delimited (not itself a size guess) may carry a
    // structural conclusion inside a recognised artifact; nothing else may.
    if firm && !(structural && !region.is_geometric() && region.kind != "artifact") {
        return ("stronger_evidence", Conclusion::default());
    }
    // A size proves something only when a parser or the artifact itself
    // delimits the bytes: any prefix of a blob has some scheme's length.
    let delimited = !region.is_geometric() || scene.whole(region);
    if !structural && !delimited {
        return ("size_of_a_split_is_no_evidence", Conclusion::default());
    }
    // The whole artifact is an ASN.1 structure: its size names no scheme.
    if !structural && scene.framed && (region.is_geometric() || region.kind == "artifact") {
        return ("asn1_structure", Conclusion::default());
    }
    // A structure check that passed outweighs statistics; a size alone
    // needs a distinctive length and the statistics of the object it names.
    if !structural && raw.len() < SIZE_ONLY_MIN_BYTES {
        return ("size_not_distinctive", Conclusion::default());
    }
    if !structural && !near_uniform(raw) {
        return ("not_uniform", Conclusion::default());
    }
    let mut c = pqc_conclusion(&cands, None, None);
    c.algorithm = Some(algorithm.to_owned());
    if structural {
        c.basis = Some(Basis::Structural);
    } else {
        c.basis = Some(Basis::SizeOnly);
        let rivals = cands.iter().filter(|x| x.score > 0).count().max(1);
        let base = if top.exact {
            SIZE_ONLY_CONFIDENCE
        } else {
            FALCON_WINDOW_CONFIDENCE
        };
        c.confidence = Some(base / u16::try_from(rivals).unwrap_or(u16::MAX).max(1));
    }
    ("concluded", c)
}

fn pqc_conclusion(
    cands: &[Candidate],
    verified: Option<bool>,
    decapsulated: Option<bool>,
) -> Conclusion {
    if cands.is_empty() && verified.is_none() && decapsulated.is_none() {
        return Conclusion::default();
    }
    let algorithm = unambiguous(&concludable(cands));
    let structure_ok = valid_structure(cands);
    let ok = concludable(cands);
    let labels = match (algorithm, ok.first()) {
        (Some(_), Some(top)) if top.structure != Some("invalid") => {
            label_of(top.object).into_iter().collect()
        }
        _ => Vec::new(),
    };
    Conclusion {
        labels,
        algorithm: algorithm.map(str::to_owned),
        pqc: Some(conclusion_value(&PqcConclusion {
            candidates: cands.iter().map(|c| c.concluded(false)).collect(),
            valid_structure: structure_ok,
            verified,
            decapsulated,
        })),
        ..Default::default()
    }
}

/// A bundle member unwrapped: the raw object bytes and what the wrapper said.
struct Unwrapped {
    raw: Vec<u8>,
    seed: Option<Vec<u8>>,
    set: Option<&'static ParamSet>,
    oid: Option<String>,
    /// The pre-hash function a public key's OID names (HashML-DSA,
    /// HashSLH-DSA); `None` for pure OIDs and unwrapped bytes.
    prehash: Option<&'static str>,
    form: &'static str,
}

fn unwrap_member(role: &str, bytes: &[u8]) -> Unwrapped {
    if matches!(role, "secret_key" | "private_key")
        && let Some(k) = keys::private_key(bytes)
    {
        return Unwrapped {
            raw: k.expanded.clone().or(k.seed.clone()).unwrap_or_default(),
            seed: k.seed,
            set: k.set,
            oid: Some(k.oid),
            prehash: None,
            form: k.form,
        };
    }
    if role == "public_key"
        && let Some(k) = keys::public_key(bytes)
    {
        return Unwrapped {
            raw: k.key,
            seed: None,
            set: k.set,
            oid: Some(k.oid),
            prehash: k.prehash,
            form: "spki",
        };
    }
    Unwrapped {
        raw: bytes.to_vec(),
        seed: None,
        set: None,
        oid: None,
        prehash: None,
        form: "raw",
    }
}

fn role_object(role: &str) -> Option<Object> {
    match role {
        "public_key" => Some(Object::PublicKey),
        "secret_key" | "private_key" => Some(Object::SecretKey),
        "signature" => Some(Object::Signature),
        "ciphertext" => Some(Object::Ciphertext),
        "shared_secret" => Some(Object::SharedSecret),
        _ => None,
    }
}

/// Sets that fit every given member: the OID's set when a wrapper named
/// one, else the intersection of the size candidates, in table order.
fn common_sets(parts: &[(&Unwrapped, Object)]) -> Vec<&'static ParamSet> {
    if let Some(set) = parts.iter().find_map(|(u, _)| u.set) {
        return vec![set];
    }
    pqc_params::PARAM_SETS
        .iter()
        .filter(|set| {
            parts.iter().all(|(u, o)| {
                let len = u.raw.len();
                match o {
                    Object::SecretKey => {
                        set.secret_key == Some(len) || set.secret_seed == Some(len)
                    }
                    Object::Signature => set.signature.is_some_and(|s| s.admits(len)),
                    _ => set.size_of(*o) == Some(len),
                }
            })
        })
        .collect()
}

fn run_bundle(job: &Job, members: &[MemberBytes], ctx: &StageCtx<'_>) -> Vec<Event> {
    let policy = ctx.run.policy();
    let mut budget = Budget::new(policy.probe.work_bytes);
    let hints = hints_of(job);
    let mut by_role: Vec<(String, Unwrapped)> = Vec::new();
    let mut listed = Vec::new();
    let mut best: Vec<Candidate> = Vec::new();
    let mut events = Vec::new();
    for m in members {
        let role = m.member.role.as_str();
        let bytes = match &m.bytes {
            Ok(b) => b,
            Err(e) => {
                listed.push(PqcBundleMember::Unread {
                    role: role.to_owned(),
                    error: e.clone(),
                });
                continue;
            }
        };
        let u = unwrap_member(role, bytes);
        let cands = if role == "message" {
            Vec::new()
        } else {
            let mut h = hints.clone();
            if let Some(s) = u.set {
                h.push(s.name.to_owned());
            }
            geometry(&u.raw, role_object(role), &h, &mut budget)
        };
        listed.push(PqcBundleMember::Measured {
            role: role.to_owned(),
            size: bytes.len() as u64,
            form: u.form.to_owned(),
            oid: u.oid.clone(),
            candidates: cands
                .iter()
                .take(MAX_CANDIDATES)
                .map(Candidate::record)
                .collect(),
            total: cands.len() as u64,
        });
        if role != "shared_secret"
            && role != "message"
            && cands.first().map(|c| c.score) > best.first().map(|c| c.score)
        {
            best = cands;
        }
        by_role.push((role.to_owned(), u));
    }
    let get = |r: &[&str]| {
        by_role
            .iter()
            .find(|(role, _)| r.contains(&role.as_str()))
            .map(|(_, u)| u)
    };

    let mut verified = None;
    // The one set a signature verified under, or a ciphertext decapsulated
    // to the expected secret under: parsed-level evidence (DESIGN §9).
    let mut proven: Option<&'static str> = None;
    if let (Some(pk), Some(sig), Some(msg)) =
        (get(&["public_key"]), get(&["signature"]), get(&["message"]))
    {
        let (v, evs) = verify_step(job, ctx, pk, sig, &msg.raw);
        verified = v.verdict;
        proven = proven.or(v.the_set());
        events.extend(evs);
    } else {
        events.push(Event::skipped(MODULE, "verify", reason::NOT_APPLICABLE));
    }

    let mut decapsulated = None;
    if let (Some(sk), Some(ct)) = (get(&["secret_key", "private_key"]), get(&["ciphertext"])) {
        let expected = get(&["shared_secret"]).map(|u| u.raw.as_slice());
        let (d, evs) = decapsulate_step(job, ctx, sk, ct, expected);
        decapsulated = d.verdict;
        proven = proven.or(d.the_set());
        events.extend(evs);
    } else {
        events.push(Event::skipped(
            MODULE,
            "decapsulate",
            reason::NOT_APPLICABLE,
        ));
    }

    let data = PqcBundleData {
        members: listed,
        work_bytes_used: budget.used(),
        caps_hit: if budget.spent() {
            vec!["budget:work_bytes".to_owned()]
        } else {
            Vec::new()
        },
    };
    let mut conclusion = pqc_conclusion(&best, verified, decapsulated);
    let named = by_role.iter().find_map(|(_, u)| u.set);
    if let Some(set) = named {
        if conclusion.algorithm.is_none() {
            conclusion.algorithm = Some(set.name.to_owned());
        }
    } else if let Some(set) = proven {
        // Same-size sets (SLH-DSA's SHA2/SHAKE twins, FrodoKEM's AES/SHAKE)
        // that geometry cannot tell apart: the one that verified decides.
        conclusion.algorithm = Some(set.to_owned());
        if let Some(top) = best.iter().find(|c| c.algorithm == set) {
            conclusion.labels = label_of(top.object).into_iter().collect();
        }
    }
    // A verified signature, a decapsulation or an OID is a parsed fact; a
    // structure check that passed is structural; sizes of declared members
    // alone are size geometry.
    conclusion.basis = Some(
        if verified == Some(true) || decapsulated == Some(true) || named.is_some() {
            Basis::Parsed
        } else if concludable(&best)
            .first()
            .is_some_and(|c| c.structure == Some("valid"))
        {
            Basis::Structural
        } else {
            Basis::SizeOnly
        },
    );
    let mut out = vec![
        Event::ok(MODULE, "pqc")
            .with_data(data)
            .with_conclusion(conclusion),
    ];
    out.extend(events);
    out
}

fn verify_step(
    job: &Job,
    ctx: &StageCtx<'_>,
    pk: &Unwrapped,
    sig: &Unwrapped,
    msg: &[u8],
) -> (Outcome, Vec<Event>) {
    if let Some(skip) = verification_disabled(ctx) {
        return (Outcome::default(), vec![skip]);
    }
    if let Err(r) = gate(job, Target::ProbeVerify) {
        return (
            Outcome::default(),
            vec![Event::skipped(MODULE, "verify", r)],
        );
    }
    let held = (pk.raw.len() + sig.raw.len() + msg.len()) as u64;
    pooled(ctx, held, || verify_tries(pk, sig, msg, None))
}

/// What a `verify` or `decapsulate` step came to.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Outcome {
    /// `Some(true)`: verified / decapsulated (to the expected secret when
    /// one was given); `Some(false)`: refused; `None`: no verdict.
    verdict: Option<bool>,
    /// The sets under which the signature verified, or the ciphertext
    /// decapsulated to the expected secret: parsed-level evidence of the
    /// set when there is exactly one.
    sets: Vec<&'static str>,
}

impl Outcome {
    /// The one set that verified (or decapsulated to the expected secret),
    /// when exactly one did.
    fn the_set(&self) -> Option<&'static str> {
        match self.sets.as_slice() {
            [one] if self.verdict == Some(true) => Some(one),
            _ => None,
        }
    }
}

/// The `verify` step's skip when the policy does not allow verification
/// (`safety.verification`), for every form of the step.
fn verification_disabled(ctx: &StageCtx<'_>) -> Option<Event> {
    (!ctx.run.policy().safety.verification)
        .then(|| Event::skipped(MODULE, "verify", reason::VERIFICATION_DISABLED))
}

/// Runs a liboqs step (`verify`, `decapsulate`) as a task of the run's heavy
/// pool ([`fx_core::heavy`], `[heavy.probe_liboqs]`): the decision event,
/// then the step's event when the task kept within its limits.
fn pooled(
    ctx: &StageCtx<'_>,
    held_bytes: u64,
    step: impl FnOnce() -> (Outcome, Event),
) -> (Outcome, Vec<Event>) {
    let ran = fx_core::heavy::run_task(
        ctx.run,
        MODULE,
        fx_core::heavy::HeavyModule::ProbeLiboqs,
        held_bytes,
        0,
        |_| step(),
        |(_, ev)| serde_json::to_vec(ev).map_or(u64::MAX, |v| v.len() as u64),
    );
    match ran {
        Ok((decision, Some((verdict, ev)))) => (verdict, vec![decision, ev]),
        Ok((decision, None)) => (Outcome::default(), vec![decision]),
        Err(e) => (
            Outcome::default(),
            vec![Event::error(
                MODULE,
                "heavy",
                ErrorInfo::new(FailureKind::InternalError).detail(format!("heavy pool: {e}")),
            )],
        ),
    }
}

/// The verification tries of [`verify_step`], once admitted.
fn verify_tries(
    pk: &Unwrapped,
    sig: &Unwrapped,
    msg: &[u8],
    signed: Option<&str>,
) -> (Outcome, Event) {
    let sets = common_sets(&[(pk, Object::PublicKey), (sig, Object::Signature)]);
    let mut tries = Vec::new();
    let mut backends: Vec<&str> = Vec::new();
    let mut verdict = None;
    let mut verified_sets = Vec::new();
    for set in sets
        .iter()
        .filter(|s| fips205::supports(s) || liboqs::supports(s))
        .take(MAX_BACKEND_TRIES)
    {
        let (backend, result, variant) = backend_verify(set, pk, sig, msg);
        if !backends.contains(&backend) {
            backends.push(backend);
        }
        match result {
            Ok(ok) => {
                tries.push(VerifyTry {
                    algorithm: set.name.to_owned(),
                    backend_algorithm: Some(variant.to_owned()),
                    verified: Some(ok),
                    error: None,
                });
                verdict = Some(verdict.unwrap_or(false) || ok);
                if ok {
                    verified_sets.push(set.name);
                }
            }
            Err(e) => tries.push(VerifyTry {
                algorithm: set.name.to_owned(),
                backend_algorithm: None,
                verified: None,
                error: Some(e),
            }),
        }
    }
    let data = VerifyData {
        candidates: sets.iter().map(|s| s.name.to_owned()).collect(),
        tries,
        backend: if backends.is_empty() {
            LIBOQS_BACKEND.to_owned()
        } else {
            backends.join(", ")
        },
        signed: signed.map(str::to_owned),
    };
    if data.tries.is_empty() {
        let e = Event::error(
            MODULE,
            "verify",
            ErrorInfo::new(FailureKind::UnsupportedAlgorithm)
                .detail("no candidate parameter set is verifiable with this liboqs build"),
        );
        return (Outcome::default(), e.with_data(data));
    }
    // A pre-hash OID whose backend has no pre-hash mode: no verdict either
    // way (a pure verification of a pre-hash signature would fail and read
    // as a false "invalid").
    if let (Some(h), None) = (pk.prehash, verdict) {
        let e = Event::error(
            MODULE,
            "verify",
            ErrorInfo::new(FailureKind::UnsupportedAlgorithm).detail(format!(
                "pre-hash signature ({h}): no backend here verifies the pre-hash variant"
            )),
        );
        return (Outcome::default(), e.with_data(data));
    }
    (
        Outcome {
            verdict,
            sets: verified_sets,
        },
        Event::ok(MODULE, "verify").with_data(data),
    )
}

/// One verification try of `set`: the backend that ran it, its verdict (or
/// why it could not run) and the backend's name for the set. SLH-DSA goes to
/// the FIPS 205 backend ([`fips205`]), everything else to liboqs; a pre-hash
/// OID (HashML-DSA, HashSLH-DSA) is verified by neither.
fn backend_verify(
    set: &'static ParamSet,
    pk: &Unwrapped,
    sig: &Unwrapped,
    msg: &[u8],
) -> (&'static str, Result<bool, String>, &'static str) {
    if fips205::supports(set) {
        let result = match pk.prehash {
            Some(h) => Err(fips205::prehash_unsupported(h)),
            None => fips205::verify(set, &pk.raw, msg, &sig.raw),
        };
        return (fips205::BACKEND, result, set.name);
    }
    let result = match pk.prehash {
        Some(h) => Err(format!(
            "pre-hash {h} variant is not implemented by {LIBOQS_BACKEND}"
        )),
        None => liboqs::verify(set, &pk.raw, msg, &sig.raw),
    };
    let variant = if set.liboqs_compatible {
        set.name
    } else {
        set.liboqs.unwrap_or(set.name)
    };
    (LIBOQS_BACKEND, result, variant)
}

/// The backend and version the data of `verify` and `decapsulate` names.
const LIBOQS_BACKEND: &str = "liboqs 0.13.0";

fn decapsulate_step(
    job: &Job,
    ctx: &StageCtx<'_>,
    sk: &Unwrapped,
    ct: &Unwrapped,
    expected: Option<&[u8]>,
) -> (Outcome, Vec<Event>) {
    if !ctx.run.policy().safety.decapsulation {
        return (
            Outcome::default(),
            vec![Event::skipped(
                MODULE,
                "decapsulate",
                reason::DECAPSULATION_DISABLED,
            )],
        );
    }
    if let Err(r) = gate(job, Target::ProbeDecapsulate) {
        return (
            Outcome::default(),
            vec![Event::skipped(MODULE, "decapsulate", r)],
        );
    }
    let held = (sk.raw.len() + ct.raw.len() + expected.map_or(0, <[u8]>::len)) as u64;
    pooled(ctx, held, || decapsulate_tries(sk, ct, expected))
}

/// The decapsulation tries of [`decapsulate_step`], once admitted. A set
/// whose backend ran and refused the ciphertext
/// ([`liboqs::DecapsulateError::Rejected`]) is a failed decapsulation
/// (`decapsulated: false`), not an unsupported set.
fn decapsulate_tries(sk: &Unwrapped, ct: &Unwrapped, expected: Option<&[u8]>) -> (Outcome, Event) {
    let sets = common_sets(&[(sk, Object::SecretKey), (ct, Object::Ciphertext)]);
    let mut tries = Vec::new();
    let mut any_ok = false;
    let mut any_rejected = false;
    let mut matched: Vec<&'static str> = Vec::new();
    for set in sets
        .iter()
        .filter(|s| liboqs::supports(s))
        .take(MAX_BACKEND_TRIES)
    {
        let key = match (&sk.seed, set.secret_key) {
            (_, Some(n)) if sk.raw.len() == n => Ok(sk.raw.clone()),
            (Some(seed), _) => liboqs::expand_kem_seed(set, seed),
            (None, _) if set.secret_seed == Some(sk.raw.len()) => {
                liboqs::expand_kem_seed(set, &sk.raw)
            }
            _ => Err("secret key length".to_owned()),
        };
        let result = key
            .map_err(liboqs::DecapsulateError::Unavailable)
            .and_then(|k| liboqs::decapsulate(set, &k, &ct.raw));
        let mut tried = DecapsulateTry {
            algorithm: set.name.to_owned(),
            shared_secret_sha256: None,
            shared_secret_length: None,
            matches_expected: None,
            error: None,
            rejected: None,
        };
        match result {
            Ok(ss) => {
                any_ok = true;
                let matches = expected.map(|exp| exp == ss.as_slice());
                if matches == Some(true) {
                    matched.push(set.name);
                }
                tried.shared_secret_sha256 = Some(fx_core::hashing::sha256_tagged(&ss));
                tried.shared_secret_length = Some(ss.len() as u64);
                tried.matches_expected = matches;
            }
            Err(e) => {
                if matches!(e, liboqs::DecapsulateError::Rejected(_)) {
                    any_rejected = true;
                    tried.rejected = Some(true);
                }
                tried.error = Some(e.to_string());
            }
        }
        tries.push(tried);
    }
    let data = DecapsulateData {
        candidates: sets.iter().map(|s| s.name.to_owned()).collect(),
        tries,
        expected_shared_secret: expected.is_some(),
        backend: LIBOQS_BACKEND.to_owned(),
    };
    if !any_ok && !any_rejected {
        let e = Event::error(
            MODULE,
            "decapsulate",
            ErrorInfo::new(FailureKind::UnsupportedAlgorithm)
                .detail("no candidate parameter set could be decapsulated with this liboqs build"),
        );
        return (Outcome::default(), e.with_data(data));
    }
    // Without an expected secret, a set that ran is all there is to say
    // (ML-KEM's implicit rejection returns a secret for any ciphertext);
    // with one, only a match is a decapsulation.
    let ok = match expected {
        Some(_) => !matched.is_empty(),
        None => any_ok,
    };
    (
        Outcome {
            verdict: Some(ok),
            sets: matched,
        },
        Event::ok(MODULE, "decapsulate").with_data(data),
    )
}

#[cfg(test)]
mod tests;
