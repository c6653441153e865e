//! The findings engine over stage-shaped job lines (the `data` and
//! `conclusion` objects fx-inspect and fx-probe write), in a scratch run:
//! grouping by subject across artifacts, ranking, deadlines under both
//! quantum baselines, a path that is not UTF-8 in every report, the same
//! bytes whatever order the jobs come in, and `--fail-on`. The real batch
//! over samples and corpus files is in tests/fx_report_findings.rs.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use clap::Parser as _;
use fx_core::Text;
use fx_core::event::Event;
use fx_core::job::Job;
use fx_core::policy::Policy;
use fx_core::run::RunDir;
use fx_core::testing::{job_for, scratch_run};
use fx_report::findings::{self, Severity};
use serde_json::{Value, json};

fn x509(sig: &str, sig_oid: &str, key: Value, subject: &str) -> Event {
    let data = json!({
        "container": "x509_certificate", "version": "v3", "serial": "01",
        "subject": subject, "issuer": subject, "self_issued": true,
        "not_before": "2026-01-01T00:00:00Z", "not_after": "2036-01-01T00:00:00Z",
        "signature_algorithm": {"name": sig, "oid": sig_oid}, "signature_len": 256,
        "public_key": key, "extensions": []
    });
    Event::ok("inspect", "x509").with_data(data)
}

fn rsa(bits: u64) -> Value {
    json!({"algorithm": "RSA", "key_bits": bits, "key_len": bits / 8 + 14, "oid": "1.2.840.113549.1.1.1"})
}

fn bcrypt_audit() -> Event {
    let mut e = Event::ok("probe", "hash_kdf").with_data(json!({
        "baseline": {"name": "owasp-2025", "title": "OWASP Password Storage Cheat Sheet",
                     "url": "https://cheatsheetseries.owasp.org/", "sections": "Password Hashing Algorithms"},
        "findings": [{"id": "cost_below_baseline", "detail": "bcrypt cost 4 < 10", "first_line": 1}],
        "recovery": "none", "caps_hit": []
    }));
    e.conclusion = Some(
        serde_json::from_value(json!({
            "labels": ["hash_kdf_material"], "container": "password_hash", "basis": "parsed",
            "hash": {"scheme": "bcrypt", "hashcat_mode": 3200, "john_format": "bcrypt",
                     "params": {"cost": 4, "salt_bytes": 16, "digest": 23},
                     "weaknesses": ["cost_below_baseline"], "baseline": "owasp-2025",
                     "totals": {"lines_seen": 1, "identified": 1, "unidentified": 0, "not_audited": 0,
                                "not_text": 0, "no_hash": 0, "per_scheme": {"bcrypt": 1},
                                "per_weakness": {"cost_below_baseline": 1}, "truncated": false,
                                "bytes_scanned": 61, "byte_budget_hit": false}}
        }))
        .unwrap(),
    );
    e
}

/// Four jobs as fx-seq writes them (events stamped, summary last).
fn jobs(run: &RunDir) -> Vec<Job> {
    let mut out = Vec::new();
    let specs: Vec<(&[u8], Vec<Event>)> = vec![
        (
            b"certs/old.pem",
            vec![x509(
                "sha1WithRSAEncryption",
                "1.2.840.113549.1.1.5",
                rsa(1024),
                "CN=old",
            )],
        ),
        (
            b"certs/bad\xffname.pem",
            vec![x509(
                "sha256WithRSAEncryption",
                "1.2.840.113549.1.1.11",
                rsa(2048),
                "CN=odd",
            )],
        ),
        (
            b"certs/b.pem",
            vec![x509(
                "sha256WithRSAEncryption",
                "1.2.840.113549.1.1.11",
                rsa(2048),
                "CN=b",
            )],
        ),
        (b"hashes.txt", vec![bcrypt_audit()]),
    ];
    let mut event_seq = 0;
    for (seq, (path, events)) in specs.into_iter().enumerate() {
        let mut job = job_for(run, "placeholder", path, seq as u64).unwrap();
        job.artifact.intake.path = Text::from_bytes(path);
        for e in events {
            job.push(e);
        }
        let summary = fx_core::summary::summary_data(&job.events);
        job.push(Event::ok("seq", "summary").with_data(Value::Object(summary)));
        for e in &mut job.events {
            e.run_id = Some(run.run_id().to_owned());
            e.artifact_id = Some(job.artifact.artifact_id.clone());
            e.artifact_seq = Some(seq as u64);
            e.event_seq = Some(event_seq);
            event_seq += 1;
        }
        out.push(job);
    }
    out
}

fn write_jobs(dir: &Path, jobs: &[Job]) {
    let mut text = String::new();
    for j in jobs {
        text.push_str(&serde_json::to_string(j).unwrap());
        text.push('\n');
    }
    std::fs::create_dir_all(dir.join("telemetry")).unwrap();
    std::fs::write(dir.join("telemetry/jobs.jsonl"), text).unwrap();
}

fn find<'a>(f: &'a findings::Findings, id: &str) -> &'a findings::Finding {
    f.findings.iter().find(|x| x.id == id).unwrap_or_else(|| {
        panic!(
            "no {id}: {:?}",
            f.findings.iter().map(|x| &x.id).collect::<Vec<_>>()
        )
    })
}

#[test]
fn groups_ranks_and_dates_findings() {
    let dir = tempfile::tempdir().unwrap();
    let run = scratch_run(dir.path(), Policy::default()).unwrap();
    write_jobs(dir.path(), &jobs(&run));
    let f = findings::build(&run).unwrap();
    assert_eq!(f.jobs, 4);

    let ids: Vec<(&str, Severity)> = f
        .findings
        .iter()
        .map(|x| (x.id.as_str(), x.severity))
        .collect();
    assert_eq!(
        ids,
        [
            ("deprecated_algorithm/RSA-1024", Severity::High),
            (
                "deprecated_algorithm/signature-sha1WithRSAEncryption",
                Severity::High
            ),
            ("quantum_vulnerable/RSA-1024", Severity::Medium),
            ("quantum_vulnerable/RSA-2048", Severity::Medium),
            ("weak_hash_kdf/bcrypt-cost_below_baseline", Severity::Medium),
        ]
    );
    assert_eq!((f.counts.high, f.counts.medium, f.counts.info), (2, 3, 0));

    // Two certificates, one finding naming both, in artifact order, the
    // odd name kept byte-exact and shown escaped.
    let rsa = find(&f, "quantum_vulnerable/RSA-2048");
    let d = rsa.deadline.as_ref().unwrap();
    assert_eq!((d.deprecated_after, d.disallowed_after), (Some(2030), 2035));
    let seqs: Vec<u64> = rsa.artifacts.iter().map(|a| a.artifact_seq).collect();
    assert_eq!(seqs, [1, 2]);
    let odd = &rsa.artifacts[0];
    assert_eq!(odd.path.to_bytes().unwrap(), b"certs/bad\xffname.pem");
    assert_eq!(odd.path_display, "certs/bad\\xffname.pem");
    assert_eq!(
        (odd.module.as_str(), odd.step.as_str()),
        ("inspect", "x509")
    );
    assert_eq!(odd.location.as_deref(), Some("certificate CN=odd"));

    let bcrypt = find(&f, "weak_hash_kdf/bcrypt-cost_below_baseline");
    let a = &bcrypt.artifacts[0];
    assert_eq!(a.lines, [1]);
    assert_eq!(
        a.location.as_deref(),
        Some("line 1: bcrypt cost=4 salt_bytes=16 digest_bytes=23: bcrypt cost 4 < 10")
    );

    // SARIF: one result per (finding, artifact), the odd byte percent-encoded.
    let sarif = serde_json::to_value(findings::sarif::log(&f)).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 6);
    assert!(results.iter().any(|r| {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "certs/bad%FFname.pem"
    }));

    // The files are streamed, result by result, yet hold exactly the bytes
    // of the whole documents serialized at once.
    let out = tempfile::tempdir().unwrap();
    findings::sarif::write(out.path(), &f).unwrap();
    findings::write_json(out.path(), &f).unwrap();
    let mut whole = serde_json::to_vec_pretty(&findings::sarif::log(&f)).unwrap();
    whole.push(b'\n');
    assert_eq!(
        std::fs::read(out.path().join(findings::SARIF_FILE)).unwrap(),
        whole
    );
    let mut whole = serde_json::to_vec_pretty(&f).unwrap();
    whole.push(b'\n');
    assert_eq!(
        std::fs::read(out.path().join(findings::FINDINGS_FILE)).unwrap(),
        whole
    );
}

#[test]
fn cnsa_dates_every_key_by_2033() {
    let dir = tempfile::tempdir().unwrap();
    let mut policy = Policy::default();
    policy.report.quantum_baseline = "cnsa-2.0".into();
    let run = scratch_run(dir.path(), policy).unwrap();
    write_jobs(dir.path(), &jobs(&run));
    let f = findings::build(&run).unwrap();
    assert_eq!(f.baselines.quantum.name, "cnsa-2.0");
    let d = find(&f, "quantum_vulnerable/RSA-2048")
        .deadline
        .clone()
        .unwrap();
    assert_eq!(
        (d.baseline.as_str(), d.deprecated_after, d.disallowed_after),
        ("cnsa-2.0", Some(2030), 2033)
    );
}

#[test]
fn same_bytes_in_any_job_order_and_fail_on() {
    let dir = tempfile::tempdir().unwrap();
    let run = scratch_run(dir.path(), Policy::default()).unwrap();
    let mut js = jobs(&run);
    write_jobs(dir.path(), &js);
    let run_s = dir.path().to_str().unwrap();
    let args = |extra: &[&str]| {
        let mut v = vec!["fx-report", "--run", run_s];
        v.extend_from_slice(extra);
        fx_report::Args::try_parse_from(v).unwrap()
    };
    fx_report::run(&args(&[])).unwrap();
    let read = |f: &str| std::fs::read(dir.path().join("reports").join(f)).unwrap();
    let first: Vec<Vec<u8>> = ["findings.json", "findings.sarif", "report.md"]
        .iter()
        .map(|f| read(f))
        .collect();

    js.reverse();
    write_jobs(dir.path(), &js);
    fx_report::run(&args(&[])).unwrap();
    let again: Vec<Vec<u8>> = ["findings.json", "findings.sarif", "report.md"]
        .iter()
        .map(|f| read(f))
        .collect();
    assert!(first == again, "job order changed the reports");

    let md = String::from_utf8(first[2].clone()).unwrap();
    assert!(md.contains("`certs/bad\\xffname.pem`"), "{md}");
    assert!(md.find("### 1. [HIGH]").unwrap() < md.find("## The run").unwrap());

    let err = fx_report::run(&args(&["--fail-on", "high"]))
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("2 finding(s) at or above high"), "{err}");
    assert!(fx_report::run(&args(&["--fail-on", "critical"])).is_ok());
    assert!(fx_report::run(&args(&["--fail-on", "medium"])).is_err());
}

#[test]
fn spilled_lists_give_the_same_bytes_as_lists_in_memory() {
    let dir = tempfile::tempdir().unwrap();
    let run = scratch_run(dir.path(), Policy::default()).unwrap();
    // 130 certificates under three subjects and a hash list every seventh
    // artifact: findings of more artifacts than report.md lists (50).
    let mut all = Vec::new();
    let mut event_seq = 0;
    for seq in 0..130u64 {
        let path = format!("certs/{seq:03}.pem");
        let mut job = job_for(&run, "placeholder", path.as_bytes(), seq).unwrap();
        job.artifact.intake.path = Text::from(path);
        let bits = [2048, 2048, 1024][seq as usize % 3];
        job.push(x509(
            "sha256WithRSAEncryption",
            "1.2.840.113549.1.1.11",
            rsa(bits),
            &format!("CN=n{seq}"),
        ));
        if seq % 7 == 0 {
            job.push(bcrypt_audit());
        }
        let summary = fx_core::summary::summary_data(&job.events);
        job.push(Event::ok("seq", "summary").with_data(Value::Object(summary)));
        for e in &mut job.events {
            e.run_id = Some(run.run_id().to_owned());
            e.artifact_id = Some(job.artifact.artifact_id.clone());
            e.artifact_seq = Some(seq);
            e.event_seq = Some(event_seq);
            event_seq += 1;
        }
        all.push(job);
    }
    // Out of order, and one job twice (its hits meet and merge).
    all.reverse();
    all.push(all[5].clone());
    write_jobs(dir.path(), &all);
    let memory = findings::build(&run).unwrap();

    for batch in [1, 4, 1000] {
        let spill = tempfile::tempdir().unwrap();
        let mut b = findings::SpillingBuilder::with_batch(&run, spill.path(), batch).unwrap();
        for job in &all {
            b.add_job(job);
        }
        let spilled = b.finish().unwrap();
        assert_eq!(
            serde_json::to_string_pretty(&spilled).unwrap(),
            serde_json::to_string_pretty(&memory).unwrap(),
            "batch {batch}"
        );
        assert_eq!(
            serde_json::to_string(&findings::sarif::log(&spilled)).unwrap(),
            serde_json::to_string(&findings::sarif::log(&memory)).unwrap()
        );
        let rsa = find(&spilled, "quantum_vulnerable/RSA-2048");
        assert_eq!(rsa.artifact_count(), 87);
        assert_eq!(rsa.artifacts.len(), findings::ARTIFACTS_KEPT);
        assert_eq!(
            rsa.artifacts[..],
            find(&memory, "quantum_vulnerable/RSA-2048").artifacts[..findings::ARTIFACTS_KEPT]
        );
        // The temporary files have no names: nothing is left in the directory.
        drop(spilled);
        assert_eq!(std::fs::read_dir(spill.path()).unwrap().count(), 0);
    }
}
