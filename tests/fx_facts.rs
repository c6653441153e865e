//! fx-facts against what the stages really write: the batch runs over the
//! bundled samples, the accuracy corpus and the test fixtures, and every
//! event is read with the typed records of `fx-facts` and written back.
//! (a) every event written with data has a record, and every event of a
//! typed module/step reads; (b) written back, its data,
//! its conclusion objects and the summary give the JSON values the stages
//! wrote (so the records describe the evidence exactly), and every such
//! object validates against the committed `schemas/facts.schema.json`
//! generated from the records; (c) a few known
//! artifacts read as an independent oracle (`openssl`) says they are.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

use fx_core::{Event, Job};
use fx_facts::JobFacts;

/// The sequenced jobs of a run (`telemetry/jobs.jsonl`).
fn jobs(run: &Path) -> Vec<Job> {
    std::fs::read_to_string(run.join("telemetry/jobs.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn events(run: &Path) -> Vec<Event> {
    std::fs::read_to_string(run.join("telemetry/events.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Validators of `schemas/facts.schema.json`, one per record, built on demand.
#[derive(Default)]
struct Schemas(BTreeMap<String, jsonschema::Validator>);

impl Schemas {
    /// Errors of `instance` against the record named `key` in the schema's
    /// `section` (`steps` or `conclusion`).
    fn errors(&mut self, section: &str, key: &str, instance: &serde_json::Value) -> Vec<String> {
        let v = self.0.entry(format!("{section}/{key}")).or_insert_with(|| {
            let committed: serde_json::Value = serde_json::from_slice(
                &std::fs::read(common::repo().join("schemas/facts.schema.json")).unwrap(),
            )
            .unwrap();
            let reference = &committed[section][key];
            let schema = serde_json::json!({
                "$schema": "https://json-schema.org/draft/2020-12/schema",
                "$ref": reference["$ref"],
                "$defs": committed["$defs"],
            });
            jsonschema::validator_for(&schema).unwrap()
        });
        v.iter_errors(instance)
            .map(|e| format!("{section} {key}: {e} at {}", e.instance_path()))
            .collect()
    }
}

/// Checks every event, with the records and against the committed schema;
/// returns the typed steps seen with data.
fn conforms(run: &Path) -> BTreeSet<(String, String)> {
    let mut seen = BTreeSet::new();
    let mut bad = Vec::new();
    let mut schemas = Schemas::default();
    for e in events(run) {
        let step = format!("{}/{}", e.module, e.step);
        if let Some(d) = e.data.as_ref().filter(|d| !d.is_empty()) {
            if fx_facts::step::is_typed(&e.module, &e.step) {
                let value = serde_json::Value::Object(d.clone());
                bad.extend(schemas.errors("steps", &step, &value));
            } else if fx_core::summary::is_summary(&e) {
                let value = serde_json::Value::Object(d.clone());
                bad.extend(schemas.errors("conclusion", "summary", &value));
            }
        }
        if let Some(c) = &e.conclusion {
            for (key, v) in [
                ("hash", &c.hash),
                ("cipher", &c.cipher),
                ("pqc", &c.pqc),
                ("tls", &c.tls),
            ] {
                if let Some(v) = v {
                    bad.extend(schemas.errors("conclusion", key, v));
                }
            }
            for (key, list) in [
                ("libraries[]", &c.libraries),
                ("members[]", &c.members),
                ("regions[]", &c.regions),
            ] {
                for v in list {
                    bad.extend(schemas.errors("conclusion", key, v));
                }
            }
        }
        if e.data.as_ref().is_some_and(|d| !d.is_empty()) {
            // Every step written with data has a record (the summary has its own).
            if fx_facts::step::is_typed(&e.module, &e.step) {
                seen.insert((e.module.clone(), e.step.clone()));
            } else if !fx_core::summary::is_summary(&e) {
                bad.push(format!(
                    "event_seq {:?}: {step} has data but no record in fx-facts",
                    e.event_seq
                ));
            }
        }
        for m in fx_facts::conformance::check_event(&e) {
            bad.push(format!("event_seq {:?}: {m}", e.event_seq));
        }
    }
    assert!(
        bad.is_empty(),
        "{} mismatches:\n{}",
        bad.len(),
        bad.join("\n")
    );
    for job in jobs(run) {
        let facts = JobFacts::from_events(&job.events);
        assert!(facts.unread.is_empty(), "{:?}", facts.unread);
        assert!(
            facts.summary.events > 0,
            "job {} has no summary",
            job.artifact.artifact_id
        );
    }
    seen
}

/// A run over the PQC bundles and the sample binaries with decapsulation
/// allowed and heavy work on, so that `probe/verify`, `probe/decapsulate`
/// and `fingerprint/deep` write data (the batch's default policy skips them).
fn permissive_run(dir: &Path) -> std::path::PathBuf {
    let run = dir.join("run");
    let run_s = run.to_str().unwrap();
    let policy = dir.join("policy.toml");
    std::fs::write(&policy, "[safety]\ndecapsulation = true\n").unwrap();
    let mut stream = common::run_stage(
        "fx-ingest",
        &[
            "--run",
            run_s,
            "--policy",
            policy.to_str().unwrap(),
            "--heavy-work",
            "--intake",
            "samples/crypto/bundles.csv",
            "samples/binaries",
        ],
        b"",
    );
    for stage in ["fx-route", "fx-inspect", "fx-probe", "fx-fingerprint"] {
        stream = common::run_stage(stage, &["--run", run_s], stream.as_bytes());
    }
    common::run_stage("fx-seq", &["--run", run_s], stream.as_bytes());
    run
}

fn job_at<'a>(jobs: &'a [Job], path: &str) -> &'a Job {
    jobs.iter()
        .find(|j| j.artifact.intake.path.as_str() == Some(path))
        .unwrap_or_else(|| panic!("no job for {path}"))
}

/// `openssl x509` on a PEM file: `(subject, issuer, serial)` in RFC 2253 form.
fn openssl_names(pem: &Path) -> Option<(String, String, String)> {
    let out = Command::new("openssl")
        .args([
            "x509", "-noout", "-subject", "-issuer", "-serial", "-nameopt", "RFC2253", "-in",
        ])
        .arg(pem)
        .output()
        .ok()?;
    let text = String::from_utf8(out.stdout).ok()?;
    let field = |k: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(k))
            .map(str::to_owned)
    };
    Some((field("subject=")?, field("issuer=")?, field("serial=")?))
}

#[test]
fn records_describe_every_event_of_the_samples_and_the_corpus() {
    std::env::set_current_dir(common::repo()).unwrap();
    let samples = common::batch(&[Path::new("samples")], "2");
    let corpus = common::batch(
        &[Path::new("tests/corpus"), Path::new("tests/fixtures")],
        "2",
    );
    let permissive = tempfile::tempdir().unwrap();
    let mut seen = conforms(&samples.run);
    seen.extend(conforms(&corpus.run));
    seen.extend(conforms(&permissive_run(permissive.path())));
    // The check is not vacuous: the runs exercise these records.
    let seen: BTreeSet<String> = seen.into_iter().map(|(m, s)| format!("{m}/{s}")).collect();
    for step in [
        "route/label",
        "route/decision",
        "inspect/crosscheck",
        "inspect/x509",
        "inspect/x509_csr",
        "inspect/x509_crl",
        "inspect/spki",
        "inspect/pkcs8",
        "inspect/pkcs1",
        "inspect/sec1",
        "inspect/openssh",
        "inspect/ppk",
        "inspect/jose",
        "inspect/cms",
        "inspect/pkcs12",
        "inspect/params",
        "probe/hash_kdf",
        "probe/pqc",
        "probe/symmetric",
        "probe/hybrid",
        "fingerprint/tls",
        "fingerprint/libraries",
        "fingerprint/object",
        "ingest/intake",
        "inspect/pem",
        "inspect/text_decode",
        "inspect/der",
        "inspect/regions",
        "inspect/triage",
        "inspect/cross_pair",
        "inspect/ocsp",
        "inspect/smime",
        "inspect/signature_value",
        "inspect/pcap",
        "inspect/tls",
        "inspect/openpgp",
        "probe/verify",
        "probe/decapsulate",
        "fingerprint/deep",
    ] {
        assert!(seen.contains(step), "no {step} data in the runs: {seen:?}");
    }

    let jobs = jobs(&samples.run);

    // An RSA certificate of samples/, against openssl.
    let chain = job_at(&jobs, "samples/inspect/chain.pem");
    let facts = JobFacts::from_events(&chain.events);
    let leaf = &facts.certificates[0].fact;
    let (subject, issuer, serial) =
        openssl_names(Path::new("samples/inspect/chain.pem")).expect("openssl x509 runs");
    assert_eq!(
        (leaf.subject.as_str(), leaf.issuer.as_str()),
        (subject.as_str(), issuer.as_str())
    );
    assert_eq!(leaf.serial, serial);
    assert_eq!(leaf.subject, "CN=fixture.example,O=fx fixtures");
    assert_eq!(leaf.public_key.algorithm.as_deref(), Some("RSA"));
    assert_eq!(leaf.public_key.key_bits, Some(2048));
    assert_eq!(leaf.public_key.oid, "1.2.840.113549.1.1.1");
    assert_eq!(
        leaf.signature_algorithm.name.as_deref(),
        Some("ecdsa-with-SHA256")
    );
    assert_eq!(
        (leaf.not_before.as_str(), leaf.not_after.as_str()),
        ("2026-11-23T03:57:16Z", "2027-11-23T03:57:16Z")
    );
    assert!(leaf.has_basic_constraints() && leaf.has_key_usage());
    assert_eq!(facts.certificates.len(), 2);
    assert_eq!(facts.certificates[0].source.module, "inspect");
    assert_eq!(facts.certificates[0].source.step, "x509");
    assert_eq!(
        chain.events[facts.certificates[0].source.event_index as usize].event_seq,
        facts.certificates[0].source.event_seq
    );

    // An encrypted PKCS#8: private, PBES2 with PBKDF2-HMAC-SHA256, no key visible.
    let enc = JobFacts::from_events(&job_at(&jobs, "samples/inspect/rsa2048.enc.pkcs8.pem").events);
    let key = &enc.keys[0].fact;
    assert_eq!(key.visibility, Some(fx_facts::KeyVisibility::Private));
    let protection = key.encrypted.as_ref().expect("encrypted");
    assert_eq!(protection.scheme, "PBES2");
    assert_eq!(protection.kdf.as_deref(), Some("PBKDF2"));
    assert_eq!(protection.iterations, Some(100_000));
    assert!(key.key.is_none());

    // The EC key of samples/pki: P-256, private, not encrypted.
    let ec = JobFacts::from_events(&job_at(&jobs, "samples/pki/ec-p256.key.pem").events);
    let k = ec.keys[0].fact.key.as_ref().unwrap();
    assert_eq!(
        (k.algorithm.as_deref(), k.curve.as_deref()),
        (Some("EC"), Some("P-256"))
    );
    assert!(ec.keys[0].fact.encrypted.is_none());

    // The hash list: bcrypt dominant, cost 4 below the baseline on line 2.
    let hashes = JobFacts::from_events(&job_at(&jobs, "samples/hashes/mixed.txt").events);
    let audit = &hashes.hash_audits[0].fact;
    let h = audit.conclusion.as_ref().unwrap();
    assert_eq!(h.scheme.as_deref(), Some("bcrypt"));
    assert_eq!(h.hashcat_mode, Some(3200));
    let lines = h.lines.as_ref().unwrap();
    assert_eq!((lines[0].line, lines[0].params.cost), (2, Some(4)));
    assert_eq!(lines[0].weaknesses, ["cost_below_baseline"]);
    let data = audit.data.as_ref().unwrap();
    assert_eq!(data.baseline.name, "owasp-2025");
    assert_eq!(h.baseline, "owasp-2025");

    // The hybrid TLS capture: one client, X25519MLKEM768 offered and chosen.
    let pcap = JobFacts::from_events(
        &job_at(&jobs, "samples/captures/pq-hybrid-x25519mlkem768.pcap").events,
    );
    assert_eq!(pcap.tls_clients.len(), 1);
    let c = &pcap.tls_clients[0].fact;
    assert_eq!(
        c.hello.sni.as_ref().and_then(|s| s.as_str()),
        Some("pq.example")
    );
    assert!(c.hello.offers_post_quantum());
    assert_eq!(c.hello.ja4, "t13d0510h2_e133e205ac38_560390466015");
    let server = c.server.as_ref().unwrap();
    assert_eq!(
        server
            .group
            .as_ref()
            .map(|g| (g.name.as_str(), g.post_quantum)),
        Some(("X25519MLKEM768", true))
    );
    assert_eq!(pcap.tls[0].fact.pq_groups, ["X25519MLKEM768"]);

    // The binary that links libcrypto.
    let bin = JobFacts::from_events(&job_at(&jobs, "samples/binaries/aes-consumer").events);
    let lib = &bin.libraries[0].fact;
    assert_eq!(
        (lib.name.as_str(), lib.role.as_str()),
        ("openssl", "consumer")
    );
    assert_eq!(lib.detail.needed, ["libcrypto.so.3"]);

    // ML-KEM-768 public key: concluded from parsed or sized evidence, by fx-probe.
    let pk = JobFacts::from_events(&job_at(&jobs, "samples/crypto/mlkem768.pk").events);
    let pqc = pk
        .pqc
        .iter()
        .find(|p| p.fact.algorithm.is_some())
        .expect("a pqc conclusion");
    assert_eq!(pqc.fact.algorithm.as_deref(), Some("ML-KEM-768"));
    assert_eq!(pqc.fact.pqc.candidates[0].object, "public_key");
    assert_eq!(pqc.source.module, "probe");

    // The summary, typed: outcome counts per module are present.
    let summary = &pk.summary;
    let counts: BTreeMap<&str, u64> = summary
        .outcomes
        .iter()
        .map(|(m, o)| (m.as_str(), o.ok + o.error + o.skipped))
        .collect();
    assert!(
        counts.contains_key("probe") && counts.contains_key("ingest"),
        "{counts:?}"
    );
}
