//! Stage-level tests: routing gates, budgets, bundles, hostile input.
#![allow(clippy::unwrap_used)]

use fx_core::event::Status;
use fx_core::policy::Policy;
use fx_core::routing::reason;
use fx_core::stage::StageCtx;
use fx_core::vocab::{Conclusion, Label};
use serde_json::Value;

use super::*;
use crate::symmetric::entropy::tests_support::xorshift;
use crate::test_support::{allow_all, allow_all_but, bundle, job, run_with};

fn steps(events: &[Event]) -> Vec<(String, Status, Option<String>)> {
    events
        .iter()
        .map(|e| (e.step.clone(), e.status, e.reason.clone()))
        .collect()
}

fn find<'a>(events: &'a [Event], step: &str) -> &'a Event {
    events.iter().find(|e| e.step == step).unwrap()
}

#[test]
fn without_a_route_decision_only_the_audit_probe_may_run() {
    let (_d, run) = run_with(Policy::default());
    let bytes = xorshift(1, 4096);
    let j = job(&run, &bytes, vec![]);
    let ev = probe_job(&j, &bytes, &StageCtx { run: &run });
    for step in ["symmetric", "pqc", "hybrid"] {
        let e = find(&ev, step);
        assert_eq!(e.status, Status::Skipped, "{step}");
        assert_eq!(
            e.reason.as_deref(),
            Some(reason::NO_ROUTE_DECISION),
            "{step}"
        );
    }
}

#[test]
fn hash_kdf_material_never_reaches_the_other_probes_even_if_allowed() {
    let (_d, run) = run_with(Policy::default());
    let bytes = b"$2b$12$abcdefghijklmnopqrstuuABCDEFGHIJKLMNOPQRSTUVWXYZ01234".to_vec();
    let labelled = Event::ok("route", "label").with_conclusion(Conclusion {
        labels: vec![Label::HashKdfMaterial],
        ..Default::default()
    });
    let j = job(&run, &bytes, vec![labelled, allow_all()]);
    let ev = probe_job(&j, &bytes, &StageCtx { run: &run });
    for step in ["symmetric", "pqc", "hybrid"] {
        assert_eq!(
            find(&ev, step).reason.as_deref(),
            Some(reason::AUDIT_ONLY_HASHES),
            "{step}"
        );
    }
}

#[test]
fn every_probe_leaves_an_event_and_the_probe_budget_skips_the_rest() {
    let bytes = xorshift(2, 2000);
    // No probe may run: each one that applies is skipped by the budget.
    let mut p = Policy::default();
    p.probe.probes_per_artifact = 0;
    let (_d, run) = run_with(p);
    let j = job(&run, &bytes, vec![allow_all()]);
    let ev = probe_job(&j, &bytes, &StageCtx { run: &run });
    for probe in PROBES {
        assert!(
            ev.iter().any(|e| e.step == probe.name()),
            "{}",
            probe.name()
        );
    }
    assert_eq!(
        find(&ev, "symmetric").reason.as_deref(),
        Some("budget:probes_per_artifact"),
        "{:?}",
        steps(&ev)
    );
    // Under the default policy every probe leaves an event, and the
    // symmetric probe records the tamper gate.
    let (_d2, run2) = run_with(Policy::default());
    let j = job(&run2, &bytes, vec![allow_all()]);
    let ev = probe_job(&j, &bytes, &StageCtx { run: &run2 });
    for probe in PROBES {
        assert!(
            ev.iter().any(|e| e.step == probe.name()),
            "{}",
            probe.name()
        );
    }
    let t = find(&ev, "tamper");
    assert_eq!(t.reason.as_deref(), Some(reason::TAMPER_CHECKS_DISABLED));
}

#[test]
fn route_denials_are_copied() {
    let (_d, run) = run_with(Policy::default());
    let bytes = xorshift(3, 100);
    let j = job(
        &run,
        &bytes,
        vec![allow_all_but(Target::ProbePqc, "not_applicable")],
    );
    let ev = probe_job(&j, &bytes, &StageCtx { run: &run });
    assert_eq!(find(&ev, "pqc").reason.as_deref(), Some("not_applicable"));
    assert_eq!(find(&ev, "symmetric").status, Status::Ok);
}

fn pqc_conclusion(ev: &[Event]) -> Value {
    find(ev, "pqc").conclusion.clone().unwrap().pqc.unwrap()
}

#[test]
fn a_signature_bundle_is_verified() {
    oqs::init();
    let s = oqs::sig::Sig::new(oqs::sig::Algorithm::MlDsa65).unwrap();
    let (pk, sk) = s.keypair().unwrap();
    let msg = b"signed by fx tests";
    let sig = s.sign(msg, &sk).unwrap();
    let (_d, run) = run_with(Policy::default());
    let j = bundle(
        &run,
        &[
            ("public_key", pk.as_ref()),
            ("signature", sig.as_ref()),
            ("message", msg),
        ],
        vec![allow_all()],
    );
    let ev = probe_job(&j, &[], &StageCtx { run: &run });
    assert_eq!(find(&ev, "verify").status, Status::Ok);
    let c = pqc_conclusion(&ev);
    assert_eq!(c["verified"], true);
    assert_eq!(
        find(&ev, "pqc")
            .conclusion
            .as_ref()
            .unwrap()
            .algorithm
            .as_deref(),
        Some("ML-DSA-65")
    );
    // A different message does not verify.
    let j2 = bundle(
        &run,
        &[
            ("public_key", pk.as_ref()),
            ("signature", sig.as_ref()),
            ("message", b"other"),
        ],
        vec![allow_all()],
    );
    let ev2 = probe_job(&j2, &[], &StageCtx { run: &run });
    assert_eq!(pqc_conclusion(&ev2)["verified"], false);
    // Bundles are not symmetric or hybrid material.
    assert_eq!(
        find(&ev, "symmetric").reason.as_deref(),
        Some("not_applicable")
    );
}

#[test]
fn decapsulation_is_policy_gated_and_records_only_a_hash() {
    oqs::init();
    let k = oqs::kem::Kem::new(oqs::kem::Algorithm::MlKem768).unwrap();
    let (pk, sk) = k.keypair().unwrap();
    let (ct, ss) = k.encapsulate(&pk).unwrap();
    let parts: [(&str, &[u8]); 3] = [
        ("secret_key", sk.as_ref()),
        ("ciphertext", ct.as_ref()),
        ("shared_secret", ss.as_ref()),
    ];

    let (_d, run) = run_with(Policy::default());
    let j = bundle(&run, &parts, vec![allow_all()]);
    let ev = probe_job(&j, &[], &StageCtx { run: &run });
    assert_eq!(
        find(&ev, "decapsulate").reason.as_deref(),
        Some(reason::DECAPSULATION_DISABLED)
    );

    let mut p = Policy::default();
    p.safety.decapsulation = true;
    let (_d2, run2) = run_with(p);
    let j = bundle(&run2, &parts, vec![allow_all()]);
    let ev = probe_job(&j, &[], &StageCtx { run: &run2 });
    let d = find(&ev, "decapsulate");
    assert_eq!(d.status, Status::Ok);
    let text = serde_json::to_string(&ev).unwrap();
    assert!(
        !text.contains(&hex::encode(ss.as_ref())),
        "the secret leaked"
    );
    let tries = &d.data.as_ref().unwrap()["tries"];
    assert_eq!(tries[0]["matches_expected"], true);
    assert_eq!(
        tries[0]["shared_secret_sha256"],
        fx_core::hashing::sha256_tagged(ss.as_ref())
    );
    assert_eq!(pqc_conclusion(&ev)["decapsulated"], true);
}

/// Deterministic mutations of real-looking inputs through the stage's
/// library entry point: no panic, and every probe leaves an event.
#[test]
fn hostile_inputs_never_panic() {
    oqs::init();
    let k = oqs::kem::Kem::new(oqs::kem::Algorithm::MlKem512).unwrap();
    let (pk, _) = k.keypair().unwrap();
    let mut seeds: Vec<Vec<u8>> = vec![
        pk.as_ref().to_vec(),
        b"Salted__12345678"
            .iter()
            .copied()
            .chain(xorshift(4, 64))
            .collect(),
        vec![0x1f, 0x8b, 0x08, 0, 0, 0],
        b"SGVsbG8sIHdvcmxkIQ==".to_vec(),
        vec![
            0x30, 0x82, 0x01, 0x00, 0x02, 0x01, 0x00, 0x30, 0x0b, 0x06, 0x09,
        ],
        xorshift(5, 300),
        Vec::new(),
    ];
    seeds.push(b"0011223344556677889900aabbccddeeff".to_vec());
    let mut p = Policy::default();
    p.safety.decapsulation = true;
    p.probe.max_hybrid_splits = 4;
    let (_d, run) = run_with(p);
    let ctx = StageCtx { run: &run };
    let base = job(&run, b"x", vec![allow_all()]);
    // Two fixed halves, each with its own generator, probed on two threads:
    // the inputs are the same on any machine.
    let n = 100_000;
    std::thread::scope(|scope| {
        for half in 0..2u64 {
            let (seeds, base, ctx) = (&seeds, &base, &ctx);
            scope.spawn(move || {
                let mut x = 0x2545_f491_4f6c_dd1du64 ^ (half << 32);
                let mut next = || {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    x
                };
                for i in 0..n / 2 {
                    let mut b = seeds[i % seeds.len()].clone();
                    match next() % 5 {
                        0 if !b.is_empty() => {
                            let at = (next() as usize) % b.len();
                            b[at] ^= 1 << (next() % 8);
                        }
                        1 => {
                            let keep = (next() as usize) % (b.len() + 1);
                            b.truncate(keep);
                        }
                        2 => b.extend(std::iter::repeat_n(
                            (next() & 0xff) as u8,
                            (next() % 40) as usize,
                        )),
                        3 if b.len() > 4 => {
                            let at = (next() as usize) % (b.len() - 3);
                            b[at..at + 4].copy_from_slice(&[0xff, 0xff, 0xff, 0x7f]);
                        }
                        _ => b.insert(0, (next() & 0xff) as u8),
                    }
                    let ev = probe_job(base, &b, ctx);
                    assert!(ev.len() >= PROBES.len(), "half {half} input {i}");
                }
            });
        }
    });
    println!("hostile inputs probed: {n}");
}

#[test]
fn geometric_regions_from_inspect_are_hypotheses_not_evidence() {
    use crate::test_support::regions_event;
    use serde_json::json;
    let (_d, run) = run_with(Policy::default());
    let bytes = xorshift(9, 32);
    let region = |kind: &str, alg: &str, source: &str| json!({"offset":0,"length":32,"kind":kind,"algorithm":alg,"score":800,"source":source});
    let geo = vec![
        region("public_key", "SLH-DSA-SHA2-128f", "pqc_geometry"),
        region("secret_key", "ML-DSA-44", "pqc_geometry"),
    ];
    let j = job(&run, &bytes, vec![allow_all(), regions_event(geo)]);
    let ev = probe_job(&j, &bytes, &StageCtx { run: &run });
    let e = find(&ev, "pqc");
    assert_eq!(
        e.conclusion.as_ref().and_then(|c| c.algorithm.clone()),
        None,
        "a size guess must not confirm itself"
    );
    assert_eq!(e.data.as_ref().unwrap()["conclusion"], "ambiguous");
    // A region read from a structure does name the set.
    let parsed = vec![region("public_key", "SLH-DSA-SHA2-128f", "spki")];
    let j = job(&run, &bytes, vec![allow_all(), regions_event(parsed)]);
    let ev = probe_job(&j, &bytes, &StageCtx { run: &run });
    let c = find(&ev, "pqc").conclusion.clone().unwrap();
    assert_eq!(c.algorithm.as_deref(), Some("SLH-DSA-SHA2-128f"));
    assert_eq!(c.basis, Some(fx_core::vocab::Basis::Parsed));
}

#[test]
fn an_artifact_over_the_size_limit_gets_a_skip_from_every_probe() {
    let mut p = Policy::default();
    p.limits.max_artifact_bytes = 10;
    let (_d, run) = run_with(p);
    let mut j = job(&run, &xorshift(8, 100), vec![allow_all()]);
    Prober.process(&mut j, &StageCtx { run: &run });
    for probe in PROBES {
        let e = find(&j.events, probe.name());
        assert_eq!(e.reason.as_deref(), Some("budget:max_artifact_bytes"));
    }
}

/// The pqc event's conclusion and the reason the probe gave for it.
fn pqc_verdict(events: &[Event]) -> (Option<fx_core::vocab::Conclusion>, String) {
    let e = find(events, "pqc");
    let why = e
        .data
        .as_ref()
        .and_then(|d| d.get("conclusion"))
        .and_then(|v| v.as_str())
        .unwrap_or("")
        .to_owned();
    (e.conclusion.clone().filter(|c| !c.is_empty()), why)
}

#[test]
fn a_size_alone_is_concluded_only_on_near_uniform_bytes_saying_so() {
    use fx_core::vocab::Basis;
    let (_d, run) = run_with(Policy::default());
    // 1088 uniform bytes: ML-KEM-768's ciphertext length, and nothing else.
    let bytes = xorshift(21, 1088);
    let j = job(&run, &bytes, vec![allow_all()]);
    let (c, why) = pqc_verdict(&probe_job(&j, &bytes, &StageCtx { run: &run }));
    let c = c.unwrap();
    assert_eq!(why, "concluded");
    assert_eq!(c.algorithm.as_deref(), Some("ML-KEM-768"));
    assert_eq!(c.basis, Some(Basis::SizeOnly));
    assert!(c.confidence.is_some_and(|k| k > 0 && k <= 600), "{c:?}");
    // The same length of compiled-code-like bytes (few distinct values,
    // long runs): no conclusion, the candidates stay in the data.
    let code: Vec<u8> = (0..1088u32)
        .map(|i| [0u8, 0x64, 0x01, 0x53, 0x7c][(i % 5) as usize] ^ ((i / 97) as u8 & 3))
        .collect();
    let j = job(&run, &code, vec![allow_all()]);
    let (c, why) = pqc_verdict(&probe_job(&j, &code, &StageCtx { run: &run }));
    assert_eq!(c, None);
    assert_eq!(why, "not_uniform");
}

#[test]
fn no_size_guess_where_a_parser_or_magic_already_spoke() {
    use fx_core::vocab::{Basis, Container};
    let (_d, run) = run_with(Policy::default());
    let bytes = xorshift(22, 1088);
    // fx-inspect parsed an RSA certificate: its size proves nothing.
    let parsed = Event::ok("inspect", "triage").with_conclusion(Conclusion {
        container: Some(Container::X509Certificate),
        algorithm: Some("RSA".into()),
        basis: Some(Basis::Parsed),
        ..Default::default()
    });
    let j = job(&run, &bytes, vec![allow_all(), parsed]);
    let (c, why) = pqc_verdict(&probe_job(&j, &bytes, &StageCtx { run: &run }));
    assert_eq!(c, None);
    assert_eq!(why, "stronger_evidence");
    // A magic number said it is an image.
    let png = Event::ok("route", "label").with_conclusion(Conclusion {
        labels: vec![Label::Plaintext],
        basis: Some(Basis::Structural),
        ..Default::default()
    });
    let j = job(&run, &bytes, vec![png, allow_all()]);
    let (c, _) = pqc_verdict(&probe_job(&j, &bytes, &StageCtx { run: &run }));
    assert_eq!(c, None);
    // A statistical label alone is no stronger evidence.
    let entropy = Event::ok("route", "label").with_conclusion(Conclusion {
        labels: vec![Label::SymmetricCiphertext],
        basis: Some(Basis::Statistics),
        confidence: Some(500),
        ..Default::default()
    });
    let j = job(&run, &bytes, vec![entropy, allow_all()]);
    let (c, _) = pqc_verdict(&probe_job(&j, &bytes, &StageCtx { run: &run }));
    assert_eq!(c.and_then(|c| c.algorithm).as_deref(), Some("ML-KEM-768"));
}

#[test]
fn the_size_of_a_split_is_no_evidence() {
    use crate::test_support::regions_event;
    use serde_json::json;
    let (_d, run) = run_with(Policy::default());
    // A 4000-byte uniform blob whose first 768 bytes have ML-KEM-512's
    // ciphertext length: a split guess, never concluded.
    let bytes = xorshift(23, 4000);
    let split = vec![
        json!({"offset":0,"length":768,"kind":"kem_ciphertext","algorithm":"ML-KEM-512","score":450,"source":"pqc_split"}),
    ];
    let j = job(&run, &bytes, vec![allow_all(), regions_event(split)]);
    let (c, why) = pqc_verdict(&probe_job(&j, &bytes, &StageCtx { run: &run }));
    assert_eq!(c, None);
    assert_eq!(why, "size_of_a_split_is_no_evidence");
}

#[test]
fn tied_sets_are_candidates_without_an_algorithm() {
    use fx_core::vocab::Basis;
    let (_d, run) = run_with(Policy::default());
    // 17088 bytes: SLH-DSA-SHA2-128f and SLH-DSA-SHAKE-128f signatures alike.
    let bytes = xorshift(24, 17088);
    let j = job(&run, &bytes, vec![allow_all()]);
    let (c, why) = pqc_verdict(&probe_job(&j, &bytes, &StageCtx { run: &run }));
    let c = c.unwrap();
    assert_eq!(why, "ambiguous_candidates");
    assert_eq!(c.algorithm, None);
    assert_eq!(c.labels, vec![Label::SignatureBlob]);
    assert_eq!(c.basis, Some(Basis::SizeOnly));
    let names: Vec<&str> = c.pqc.as_ref().unwrap()["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["algorithm"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"SLH-DSA-SHA2-128f") && names.contains(&"SLH-DSA-SHAKE-128f"),
        "{names:?}"
    );
    assert_eq!(
        c.confidence,
        Some(crate::pqc::SIZE_ONLY_CONFIDENCE / names.len() as u16)
    );
}

#[test]
fn a_whole_blob_whose_only_reading_fails_its_structure_reports_the_defect() {
    use fx_core::vocab::{Basis, FailureKind};
    let (_d, run) = run_with(Policy::default());
    // 800 uniform bytes: only ML-KEM-512's encapsulation key has that size,
    // and uniform 12-bit words are ≥ q = 3329 about a fifth of the time.
    let bytes = xorshift(25, 800);
    let j = job(&run, &bytes, vec![allow_all()]);
    let (c, why) = pqc_verdict(&probe_job(&j, &bytes, &StageCtx { run: &run }));
    let c = c.unwrap();
    assert_eq!(why, "structure_invalid");
    assert_eq!(c.failures, vec![FailureKind::UnreducedCoefficient]);
    assert_eq!(c.algorithm, None);
    assert!(c.labels.is_empty());
    assert_eq!(c.basis, Some(Basis::SizeOnly));
    assert_eq!(c.pqc.as_ref().unwrap()["valid_structure"], false);
    // A split of a larger blob never reports it: the judged target is the
    // whole artifact, whose size names nothing.
    let bytes = xorshift(26, 5000);
    let j = job(&run, &bytes, vec![allow_all()]);
    let (c, _) = pqc_verdict(&probe_job(&j, &bytes, &StageCtx { run: &run }));
    assert_eq!(c, None);
}

#[test]
fn a_nearly_valid_mlkem_1024_key_is_reported_malformed_and_a_ciphertext_is_not() {
    use fx_core::vocab::{Basis, FailureKind};
    oqs::init();
    let (_d, run) = run_with(Policy::default());
    let k = oqs::kem::Kem::new(oqs::kem::Algorithm::MlKem1024).unwrap();
    let (pk, _) = k.keypair().unwrap();
    let (ct, _) = k.encapsulate(&pk).unwrap();
    // 1568 bytes: ML-KEM-1024's encapsulation key and ciphertext alike.
    let mut bad = pk.as_ref().to_vec();
    bad[3] = 0xff;
    bad[4] |= 0x0f;
    let j = job(&run, &bad, vec![allow_all()]);
    let (c, why) = pqc_verdict(&probe_job(&j, &bad, &StageCtx { run: &run }));
    let c = c.unwrap();
    assert_eq!(why, "nearly_valid_key_malformed");
    assert_eq!(c.failures, vec![FailureKind::UnreducedCoefficient]);
    assert_eq!(c.algorithm, None);
    assert_eq!(c.basis, Some(Basis::SizeOnly));
    let pqc = c.pqc.as_ref().unwrap();
    assert_eq!(pqc["valid_structure"], false);
    assert_eq!(pqc["candidates"][0]["algorithm"], "ML-KEM-1024");
    assert_eq!(pqc["candidates"][0]["object"], "public_key");
    assert_eq!(pqc["candidates"][0]["invalid_at"], 3);
    // The real ciphertext stays a ciphertext.
    let ct = ct.as_ref().to_vec();
    let j = job(&run, &ct, vec![allow_all()]);
    let (c, why) = pqc_verdict(&probe_job(&j, &ct, &StageCtx { run: &run }));
    let c = c.unwrap();
    assert_eq!(why, "concluded");
    assert_eq!(c.algorithm.as_deref(), Some("ML-KEM-1024"));
    assert!(c.failures.is_empty());
    assert_eq!(c.labels, vec![Label::KemTranscript]);
}
