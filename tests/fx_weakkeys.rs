//! `fx-weakkeys` as a command (and, last, as the batch's stage: see
//! `the_batch_lists_key_weaknesses_on_exactly_the_weak_artifacts`): DESIGN §8 conventions (one-line errors, exit
//! 2 on bad usage, 1 on a run it refuses), the heavy-work gate, and a run
//! made by fx-ingest: an RSA key openssl generated with e = 3 at 1024 bits
//! (truth from how openssl was asked to make it: `too_small` and
//! `small_exponent`) beside the sample P-256 certificate (fine, no record);
//! the findings and metrics validate against schemas/facts.schema.json and
//! no output of the command or file of the run holds the key's private values.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::process::Command;

fn one_line(stderr: &[u8]) -> String {
    let err = String::from_utf8(stderr.to_vec()).unwrap();
    assert!(
        err.starts_with("fx-weakkeys: ") && err.lines().count() == 1,
        "not a one-line error: {err:?}"
    );
    err
}

#[test]
fn bad_usage_and_missing_run_are_one_line() {
    let out = common::run_cmd(
        "fx-weakkeys",
        &["--memory-cap-mib", "lots", "--run", "x"],
        b"",
    );
    assert_eq!(out.status.code(), Some(2));
    one_line(&out.stderr);
    let out = common::run_cmd("fx-weakkeys", &["--run", "/nonexistent/fx-run"], b"");
    assert_eq!(out.status.code(), Some(1));
    one_line(&out.stderr);
    let help = common::run_cmd("fx-weakkeys", &["--help"], b"");
    assert!(help.status.success());
}

#[test]
fn gated_run_refused_and_an_openssl_key_found_weak() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir(&input).unwrap();
    std::fs::copy(
        common::repo().join("samples/pki/ec-p256.cert.pem"),
        input.join("ec.cert.pem"),
    )
    .unwrap();
    let key = dir.path().join("rsa1024-e3.key.pem");
    let status = Command::new("openssl")
        .args([
            "genpkey",
            "-algorithm",
            "RSA",
            "-pkeyopt",
            "rsa_keygen_bits:1024",
        ])
        .args(["-pkeyopt", "rsa_keygen_pubexp:3", "-out"])
        .arg(&key)
        .status()
        .unwrap();
    assert!(status.success());
    let status = Command::new("openssl")
        .args(["pkey", "-pubout", "-in"])
        .arg(&key)
        .arg("-out")
        .arg(input.join("rsa.pub.pem"))
        .status()
        .unwrap();
    assert!(status.success());
    // the private values, as openssl prints them (hex, colon-separated)
    let text = Command::new("openssl")
        .args(["pkey", "-noout", "-text", "-in"])
        .arg(&key)
        .output()
        .unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    let mut secrets = Vec::new();
    let mut current: Option<String> = None;
    // section names start a line; their hex values are on indented lines
    for line in text.lines() {
        if line.starts_with(char::is_whitespace) {
            if let Some(s) = current.as_mut() {
                s.push_str(&line.trim().replace(':', ""));
            }
            continue;
        }
        if let Some(s) = current.take() {
            secrets.push(s);
        }
        if ["privateExponent:", "prime1:", "prime2:"].contains(&line.trim()) {
            current = Some(String::new());
        }
    }
    if let Some(s) = current.take() {
        secrets.push(s);
    }
    let secrets: Vec<String> = secrets
        .into_iter()
        .map(|s| s.trim_start_matches("00").to_ascii_lowercase())
        .collect();
    assert_eq!(secrets.len(), 3, "d, p and q from openssl's text");

    // without heavy work: refused, one line
    let (gated, _) = common::ingest_in(dir.path(), &input, &["--case", "g"]);
    let out = common::run_cmd("fx-weakkeys", &["--run", gated.to_str().unwrap()], b"");
    assert_eq!(out.status.code(), Some(1));
    assert!(one_line(&out.stderr).contains("heavy_work"));
    std::fs::remove_dir_all(&gated).unwrap();

    let (run, _) = common::ingest_in(dir.path(), &input, &["--case", "w", "--heavy-work"]);
    let out = common::run_cmd(
        "fx-weakkeys",
        &["--run", run.to_str().unwrap(), "-j", "2"],
        b"",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let findings = std::fs::read_to_string(run.join("weakkeys/findings.jsonl")).unwrap();
    let lines: Vec<serde_json::Value> = findings
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 1, "{findings}");
    assert_eq!(lines[0]["algorithm"], "rsa");
    assert_eq!(lines[0]["bits"], 1024);
    assert_eq!(
        lines[0]["weaknesses"],
        serde_json::json!(["small_exponent", "too_small"])
    );
    let v = common::facts_validator("weakkeys/findings.jsonl");
    assert!(v.is_valid(&lines[0]));
    let metrics: serde_json::Value =
        serde_json::from_slice(&std::fs::read(run.join("metrics/weakkeys.json")).unwrap()).unwrap();
    assert!(common::facts_validator("metrics/weakkeys.json").is_valid(&metrics));
    assert_eq!(metrics["rsa_keys"], 1);
    assert_eq!(metrics["ec_keys"], 1);
    // no private value in the command's output or any file of the run
    let mut outputs = vec![out.stdout.clone(), out.stderr.clone()];
    for path in common::walk(&run) {
        outputs.push(std::fs::read(path).unwrap());
    }
    for bytes in &outputs {
        let text = String::from_utf8_lossy(bytes).to_ascii_lowercase();
        for s in &secrets {
            assert!(s.len() > 100);
            assert!(!text.contains(s.as_str()));
        }
    }
}

/// Runs `pipelines/forensics-batch.sh` with the built commands.
fn batch(input: &std::path::Path, run: &std::path::Path, extra: &[&str]) -> std::process::Output {
    let bins = common::bin("fx-ingest");
    let out = Command::new(common::repo().join("pipelines/forensics-batch.sh"))
        .env("FX_BIN_DIR", bins.parent().unwrap())
        .args(extra)
        .args(["--case", "wk"])
        .arg(input)
        .arg(run)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "batch: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn jobs(run: &std::path::Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(run.join("telemetry/jobs.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// The batch over keys with planted weaknesses (made by openssl in
/// tests/python/gen_weak_rsa.py and by `openssl genpkey`; the truth is how
/// they were made): under `--heavy-work` exactly the weak artifacts' summaries
/// list `key_weaknesses`, the report has each weakness as a finding of its
/// rule's severity (the 1024-bit key's size once, as fx-inspect's
/// `deprecated_algorithm` finding), two runs (-j 1 and -j 2) give byte-identical evidence
/// that fx-seq --verify accepts, and no prime is written anywhere. Without
/// heavy work the jobs carry no audit event and the report says why.
#[test]
fn the_batch_lists_key_weaknesses_on_exactly_the_weak_artifacts() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir(&input).unwrap();
    let secrets_file = dir.path().join("primes.txt");
    let status = Command::new("python3")
        .arg(common::repo().join("tests/python/gen_weak_rsa.py"))
        .arg(&input)
        .arg(&secrets_file)
        .status()
        .unwrap();
    assert!(status.success(), "gen_weak_rsa.py");
    for (name, bits, e) in [("fine-rsa", "2048", "65537"), ("rsa1024-e3", "1024", "3")] {
        let key = dir.path().join(format!("{name}.key.pem"));
        let ok = Command::new("openssl")
            .args(["genpkey", "-quiet", "-algorithm", "RSA", "-pkeyopt"])
            .arg(format!("rsa_keygen_bits:{bits}"))
            .arg("-pkeyopt")
            .arg(format!("rsa_keygen_pubexp:{e}"))
            .arg("-out")
            .arg(&key)
            .status()
            .unwrap()
            .success()
            && Command::new("openssl")
                .args(["pkey", "-pubout", "-in"])
                .arg(&key)
                .arg("-out")
                .arg(input.join(format!("{name}.pub.pem")))
                .status()
                .unwrap()
                .success();
        assert!(ok, "openssl {name}");
    }
    std::fs::copy(
        common::repo().join("samples/pki/ec-p256.cert.pem"),
        input.join("ec.cert.pem"),
    )
    .unwrap();
    std::fs::write(input.join("note.txt"), b"not a key\n").unwrap();
    let expected: std::collections::BTreeMap<&str, Vec<&str>> = [
        ("ec.cert.pem", vec![]),
        ("fermat.pub.pem", vec!["fermat"]),
        ("fine-rsa.pub.pem", vec![]),
        ("note.txt", vec![]),
        ("rsa1024-e3.pub.pem", vec!["small_exponent", "too_small"]),
        ("shared-a.pub.pem", vec!["shared_prime"]),
        ("shared-b.pub.pem", vec!["shared_prime"]),
    ]
    .into_iter()
    .collect();

    let run1 = dir.path().join("run1");
    let run2 = dir.path().join("run2");
    let out1 = batch(&input, &run1, &["--heavy-work", "-j", "1"]);
    let out2 = batch(&input, &run2, &["--heavy-work", "-j", "2"]);
    for out in [&out1, &out2] {
        assert!(String::from_utf8_lossy(&out.stdout).contains("weak keys   "));
    }

    // key_weaknesses on exactly the weak artifacts
    let mut seen = std::collections::BTreeMap::new();
    for job in jobs(&run1) {
        let path = job["artifact"]["intake"]["path"].as_str().unwrap();
        let name = path.rsplit('/').next().unwrap().to_owned();
        let events = job["events"].as_array().unwrap();
        let audits: Vec<_> = events
            .iter()
            .filter(|e| e["module"] == "weakkeys" && e["step"] == "audit")
            .collect();
        assert_eq!(audits.len(), 1, "{name}: one audit event");
        // The heavy pool's decision about the run's audit, on every job it read.
        let decisions: Vec<_> = events
            .iter()
            .filter(|e| e["module"] == "weakkeys" && e["step"] == "heavy")
            .collect();
        assert_eq!(decisions.len(), 1, "{name}: one heavy-pool decision");
        assert_eq!(decisions[0]["data"]["decision"], "admitted", "{name}");
        assert_eq!(decisions[0]["data"]["module"], "weakkeys", "{name}");
        let status = if name == "note.txt" { "skipped" } else { "ok" };
        assert_eq!(audits[0]["status"], status, "{name}");
        let summary = &events.last().unwrap()["data"];
        let got: Vec<String> = summary
            .get("key_weaknesses")
            .map(|w| serde_json::from_value(w.clone()).unwrap())
            .unwrap_or_default();
        seen.insert(name, got);
    }
    let want: std::collections::BTreeMap<String, Vec<String>> = expected
        .iter()
        .map(|(k, v)| (k.to_string(), v.iter().map(|s| s.to_string()).collect()))
        .collect();
    assert_eq!(seen, want);

    // the findings, with their rules' severities
    let findings: serde_json::Value =
        serde_json::from_slice(&std::fs::read(run1.join("reports/findings.json")).unwrap())
            .unwrap();
    let mut weak: std::collections::BTreeMap<String, (String, Vec<String>)> = Default::default();
    for f in findings["findings"].as_array().unwrap() {
        if f["kind"] != "weak_key" {
            continue;
        }
        let paths = f["artifacts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| {
                a["path"]
                    .as_str()
                    .unwrap()
                    .rsplit('/')
                    .next()
                    .unwrap()
                    .to_owned()
            })
            .collect();
        weak.insert(
            f["rule"].as_str().unwrap().to_owned(),
            (f["severity"].as_str().unwrap().to_owned(), paths),
        );
    }
    let s = |x: &str| x.to_owned();
    let want_findings: std::collections::BTreeMap<String, (String, Vec<String>)> = [
        (
            s("weak_key.shared_prime"),
            (
                s("critical"),
                vec![s("shared-a.pub.pem"), s("shared-b.pub.pem")],
            ),
        ),
        (
            s("weak_key.fermat"),
            (s("critical"), vec![s("fermat.pub.pem")]),
        ),
        (
            s("weak_key.small_exponent"),
            (s("high"), vec![s("rsa1024-e3.pub.pem")]),
        ),
    ]
    .into_iter()
    .collect();
    assert_eq!(weak, want_findings);
    // One key's small modulus is one finding: fx-inspect read the 1024-bit
    // key, so deprecated_algorithm ranks its size and the audit's too_small
    // raises nothing beside it.
    let size_findings: Vec<&str> = findings["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            let rule = f["rule"].as_str().unwrap();
            (rule.starts_with("deprecated_algorithm.modulus_") || rule == "weak_key.too_small")
                && f["artifacts"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|a| a["path"].as_str().unwrap().ends_with("/rsa1024-e3.pub.pem"))
        })
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(size_findings, ["deprecated_algorithm.modulus_under_2048"]);
    let sarif = std::fs::read_to_string(run1.join("reports/findings.sarif")).unwrap();
    assert!(
        sarif.contains("\"ruleId\":\"weak_key\"") || sarif.contains("\"ruleId\": \"weak_key\"")
    );
    let md = std::fs::read_to_string(run1.join("reports/report.md")).unwrap();
    assert!(
        md.contains("weak_key.shared_prime"),
        "report.md names the rule"
    );
    let page = std::fs::read_to_string(run1.join("reports/artifacts/0001.html")).unwrap();
    assert_eq!(
        page.matches("<th>key weaknesses</th>").count(),
        4,
        "the artifact page shows the weaknesses of the 4 weak artifacts"
    );
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(run1.join("reports/summary.json")).unwrap()).unwrap();
    assert_eq!(
        summary["key_weaknesses"],
        serde_json::json!({"fermat":1,"shared_prime":2,"small_exponent":1,"too_small":1})
    );
    assert_eq!(
        summary["weak_key_audit"],
        serde_json::json!({"ran":true,"jobs_with_keys":6})
    );

    // every job line, the summary and the step data validate against schemas/
    let job_schema = common::schema_validator("job.schema.json");
    let audit_schema = common::facts_validator("weakkeys/audit");
    let heavy_schema = common::facts_validator("weakkeys/heavy");
    for job in jobs(&run1) {
        common::assert_schema_valid(&job_schema, "job", &job);
        for e in job["events"].as_array().unwrap() {
            if e["module"] == "weakkeys" && e["step"] == "audit" && e["status"] == "ok" {
                assert!(audit_schema.is_valid(&e["data"]), "{}", e["data"]);
            }
            if e["step"] == "heavy" {
                assert!(heavy_schema.is_valid(&e["data"]), "{}", e["data"]);
            }
        }
    }
    common::assert_schema_valid(
        &common::schema_validator("report.schema.json"),
        "summary.json",
        &summary,
    );

    // the same evidence at -j 1 and -j 2, and a consistent run
    assert_eq!(common::evidence(&run1), common::evidence(&run2));
    for run in [&run1, &run2] {
        let verify = common::run_cmd("fx-seq", &["--run", run.to_str().unwrap(), "--verify"], b"");
        assert!(
            verify.status.success(),
            "{}",
            String::from_utf8_lossy(&verify.stdout)
        );
    }

    // no prime anywhere: decimal, hex, raw bytes
    let primes: Vec<String> = std::fs::read_to_string(&secrets_file)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect();
    assert_eq!(primes.len(), 5);
    let forms: Vec<Vec<u8>> = primes
        .iter()
        .flat_map(|d| {
            let hex = decimal_to_hex(d);
            let even = if hex.len() % 2 == 1 {
                format!("0{hex}")
            } else {
                hex.clone()
            };
            let raw: Vec<u8> = (0..even.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&even[i..i + 2], 16).unwrap())
                .collect();
            [d.as_bytes().to_vec(), hex.into_bytes(), raw]
        })
        .collect();
    let mut files = vec![out1.stdout.clone(), out1.stderr.clone()];
    for path in common::walk(&run1) {
        files.push(std::fs::read(path).unwrap());
    }
    for bytes in &files {
        let lower = bytes.to_ascii_lowercase();
        for f in &forms {
            assert!(
                !lower.windows(f.len()).any(|w| w == f.as_slice()),
                "a prime was written"
            );
        }
    }

    // without heavy work: the lines pass through, and the report says why
    let gated = dir.path().join("gated");
    let out = batch(&input, &gated, &["-j", "2"]);
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .contains("weak keys   not audited (policy:heavy_work_disabled)")
    );
    for job in jobs(&gated) {
        let events = job["events"].as_array().unwrap();
        assert!(events.iter().all(|e| e["module"] != "weakkeys"));
        assert!(
            events.last().unwrap()["data"]
                .get("key_weaknesses")
                .is_none()
        );
    }
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(gated.join("reports/summary.json")).unwrap())
            .unwrap();
    assert_eq!(
        summary["weak_key_audit"],
        serde_json::json!({"ran":false,"reason":"policy:heavy_work_disabled","jobs_with_keys":0})
    );
    assert_eq!(summary["key_weaknesses"], serde_json::json!({}));
    assert!(!gated.join("weakkeys/findings.jsonl").exists());
}

/// `openssl` with `args`, its stdout (the test fails when it does).
fn openssl(args: &[&str]) -> Vec<u8> {
    let out = Command::new("openssl").args(args).output().unwrap();
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// `openssl dgst -sha256` of a file, in hex.
fn openssl_sha256(path: &std::path::Path) -> String {
    let out = openssl(&["dgst", "-sha256", "-r", path.to_str().unwrap()]);
    String::from_utf8(out).unwrap()[..64].to_owned()
}

/// `forensics-batch.sh --blocklist FILE` hands the list to the batch's
/// audit: of three RSA-2048 keys openssl made, the one whose DER SPKI's
/// SHA-256 is listed and the one whose modulus's SHA-256 is listed (as a
/// 30-digit prefix, the form of badkeys' lists) are `blocklisted`, a
/// `weak_key.blocklisted` critical finding; the third is fine. The digests
/// come from openssl, not from fx. A blocklist that cannot be read stops
/// the batch at the audit with its path named.
#[test]
fn the_batch_passes_its_blocklist_to_the_audit() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir(&input).unwrap();
    for name in ["listed-spki", "listed-modulus", "fine"] {
        let key = dir.path().join(format!("{name}.key.pem"));
        let key = key.to_str().unwrap();
        let public = input.join(format!("{name}.pub.pem"));
        openssl(&[
            "genpkey",
            "-quiet",
            "-algorithm",
            "RSA",
            "-pkeyopt",
            "rsa_keygen_bits:2048",
            "-out",
            key,
        ]);
        openssl(&[
            "pkey",
            "-pubout",
            "-in",
            key,
            "-out",
            public.to_str().unwrap(),
        ]);
    }
    let spki = dir.path().join("listed-spki.spki.der");
    openssl(&[
        "pkey",
        "-pubin",
        "-in",
        input.join("listed-spki.pub.pem").to_str().unwrap(),
        "-outform",
        "DER",
        "-out",
        spki.to_str().unwrap(),
    ]);
    // The modulus as unsigned big-endian bytes (a 2048-bit modulus has its
    // top bit set: 512 hex digits, no leading zero byte).
    let printed = openssl(&[
        "rsa",
        "-pubin",
        "-in",
        input.join("listed-modulus.pub.pem").to_str().unwrap(),
        "-modulus",
        "-noout",
    ]);
    let hex = String::from_utf8(printed).unwrap();
    let hex = hex.trim().strip_prefix("Modulus=").unwrap().to_owned();
    assert_eq!(hex.len(), 512);
    let modulus: Vec<u8> = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect();
    let modulus_file = dir.path().join("listed-modulus.n.bin");
    std::fs::write(&modulus_file, modulus).unwrap();
    let blocklist = dir.path().join("blocklist.txt");
    std::fs::write(
        &blocklist,
        format!(
            "# keys known to be compromised\n{}\n\n{}\n",
            openssl_sha256(&spki),
            &openssl_sha256(&modulus_file)[..30]
        ),
    )
    .unwrap();

    let run = dir.path().join("run");
    let list = blocklist.to_str().unwrap();
    batch(
        &input,
        &run,
        &["--heavy-work", "--blocklist", list, "-j", "2"],
    );
    let mut seen = std::collections::BTreeMap::new();
    for job in jobs(&run) {
        let path = job["artifact"]["intake"]["path"].as_str().unwrap();
        let name = path.rsplit('/').next().unwrap().to_owned();
        let summary = &job["events"].as_array().unwrap().last().unwrap()["data"];
        seen.insert(name, summary.get("key_weaknesses").cloned());
    }
    let listed = Some(serde_json::json!(["blocklisted"]));
    assert_eq!(
        seen,
        [
            ("fine.pub.pem".to_owned(), None),
            ("listed-modulus.pub.pem".to_owned(), listed.clone()),
            ("listed-spki.pub.pem".to_owned(), listed),
        ]
        .into_iter()
        .collect()
    );
    let findings: serde_json::Value =
        serde_json::from_slice(&std::fs::read(run.join("reports/findings.json")).unwrap()).unwrap();
    let blocklisted: Vec<_> = findings["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "weak_key.blocklisted")
        .collect();
    assert_eq!(blocklisted.len(), 1, "{findings}");
    assert_eq!(blocklisted[0]["severity"], "critical");
    let mut paths: Vec<&str> = blocklisted[0]["artifacts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["path"].as_str().unwrap().rsplit('/').next().unwrap())
        .collect();
    paths.sort_unstable();
    assert_eq!(paths, ["listed-modulus.pub.pem", "listed-spki.pub.pem"]);

    // an unreadable list stops the batch at the audit, naming the file
    let missing = dir.path().join("no-such-list.txt");
    let out = Command::new(common::repo().join("pipelines/forensics-batch.sh"))
        .env("FX_BIN_DIR", common::bin("fx-ingest").parent().unwrap())
        .args(["--heavy-work", "--blocklist", missing.to_str().unwrap()])
        .arg(&input)
        .arg(dir.path().join("refused"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no-such-list.txt"), "{err}");
    assert!(err.contains("fx-weakkeys failed"), "{err}");
}

/// Lowercase hex of a decimal number (schoolbook: the test has no bignum crate).
fn decimal_to_hex(decimal: &str) -> String {
    let mut digits: Vec<u32> = decimal.bytes().map(|b| u32::from(b - b'0')).collect();
    let mut out = Vec::new();
    while !(digits.is_empty() || digits.iter().all(|&d| d == 0)) {
        let mut rem = 0u32;
        let mut next = Vec::with_capacity(digits.len());
        for d in &digits {
            let cur = rem * 10 + d;
            let q = cur / 16;
            rem = cur % 16;
            if !(next.is_empty() && q == 0) {
                next.push(q);
            }
        }
        out.push(char::from_digit(rem, 16).unwrap());
        digits = next;
    }
    out.iter().rev().collect()
}
