//! `fx-weakkeys` as a command: DESIGN §8 conventions (one-line errors, exit
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

fn validator(file: &str) -> jsonschema::Validator {
    let committed: serde_json::Value = serde_json::from_slice(
        &std::fs::read(common::repo().join("schemas/facts.schema.json")).unwrap(),
    )
    .unwrap();
    let schema = serde_json::json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$ref": committed["files"][file]["$ref"],
        "$defs": committed["$defs"],
    });
    jsonschema::validator_for(&schema).unwrap()
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
    let v = validator("weakkeys/findings.jsonl");
    assert!(v.is_valid(&lines[0]));
    let metrics: serde_json::Value =
        serde_json::from_slice(&std::fs::read(run.join("metrics/weakkeys.json")).unwrap()).unwrap();
    assert!(validator("metrics/weakkeys.json").is_valid(&metrics));
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
