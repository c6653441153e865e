//! OpenSSH certificates against ssh-keygen, the oracle: certificates are
//! made at test time in a temporary directory with `ssh-keygen -s` (user and
//! host certificates, every CA key type fx verifies), and every field fx-inspect
//! records is compared with what `ssh-keygen -L` prints for the same file
//! (parsed here; the truth never comes from fx). A certificate with one
//! signed byte flipped must not verify, and ssh-keygen must refuse it too.
//!
//! Needs `ssh-keygen` on PATH (pipelines/setup.sh installs openssh-client).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::Command;

use base64::Engine as _;
use fx_inspect::{InspectConfig, events, inspect};
use serde_json::Value;

fn keygen(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new("ssh-keygen")
        .args(args)
        .current_dir(dir)
        .env("TZ", "UTC")
        .output()
        .expect("ssh-keygen on PATH (openssh-client)")
}

fn keygen_ok(dir: &Path, args: &[&str]) {
    let o = keygen(dir, args);
    assert!(
        o.status.success(),
        "ssh-keygen {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// Makes key `name` of `ty` (`ed25519`, `ecdsa`, `rsa`, `dsa`) and `bits`.
fn make_key(dir: &Path, name: &str, ty: &str, bits: Option<u32>) {
    let b = bits.map(|b| b.to_string());
    let mut args = vec!["-q", "-t", ty, "-N", "", "-C", name, "-f", name];
    if let Some(b) = &b {
        args.extend(["-b", b.as_str()]);
    }
    keygen_ok(dir, &args);
}

/// The `openssh` step's data for a file.
fn openssh_data(bytes: &[u8]) -> Value {
    let cfg = InspectConfig::default();
    let evs = serde_json::to_value(events(&inspect(bytes, &cfg), &cfg)).unwrap();
    evs.as_array()
        .unwrap()
        .iter()
        .find(|e| e["step"] == "openssh")
        .unwrap_or_else(|| panic!("no openssh step in {evs}"))["data"]
        .clone()
}

/// What `ssh-keygen -L` says about a certificate.
#[derive(Debug, Default)]
struct Listing {
    key_type: String,
    cert_type: String,
    key_fingerprint: String,
    ca_name: String,
    ca_fingerprint: String,
    signature_algorithm: String,
    key_id: String,
    serial: u64,
    valid: String,
    principals: Vec<String>,
    critical_options: Vec<String>,
    extensions: Vec<String>,
}

fn listing(dir: &Path, file: &str) -> Listing {
    let o = keygen(dir, &["-L", "-f", file]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = String::from_utf8(o.stdout).unwrap();
    let mut l = Listing::default();
    let mut list: Option<&str> = None;
    for line in text.lines().skip(1) {
        let t = line.trim();
        // List items are indented deeper than the field names.
        if line.starts_with("                ") {
            let item = t.to_owned();
            match list {
                Some("Principals") => l.principals.push(item),
                Some("Critical Options") => l.critical_options.push(item),
                Some("Extensions") => l.extensions.push(item),
                other => panic!("item {item:?} under {other:?}"),
            }
            continue;
        }
        let (field, value) = t.split_once(':').unwrap();
        let value = value.trim();
        list = None;
        match field {
            "Type" => {
                let mut w = value.split_whitespace();
                l.key_type = w.next().unwrap().to_owned();
                l.cert_type = w.next().unwrap().to_owned();
            }
            "Public key" => l.key_fingerprint = value.split_whitespace().nth(1).unwrap().to_owned(),
            "Signing CA" => {
                // `RSA SHA256:… (using rsa-sha2-512)`
                let w: Vec<&str> = value.split_whitespace().collect();
                l.ca_name = w[0].to_owned();
                l.ca_fingerprint = w[1].to_owned();
                l.signature_algorithm = w[3].trim_end_matches(')').to_owned();
            }
            "Key ID" => l.key_id = value.trim_matches('"').to_owned(),
            "Serial" => l.serial = value.parse().unwrap(),
            "Valid" => l.valid = value.to_owned(),
            "Principals" | "Critical Options" | "Extensions" => {
                if value != "(none)" {
                    assert!(value.is_empty(), "{field}: {value}");
                    list = Some(field);
                }
            }
            other => panic!("unknown ssh-keygen -L field {other:?}"),
        }
    }
    l
}

/// fx's window in ssh-keygen's words (`forever`, `from A to B`, `after A`,
/// `before B`, local time printed without a zone; TZ=UTC here).
fn fx_valid(c: &Value) -> String {
    let t = |k: &str| c[k].as_str().unwrap().trim_end_matches('Z').to_owned();
    match (t("valid_after").as_str(), t("valid_before").as_str()) {
        ("always", "forever") => "forever".into(),
        ("always", b) => format!("before {b}"),
        (a, "forever") => format!("after {a}"),
        (a, b) => format!("from {a} to {b}"),
    }
}

/// ssh-keygen's name of a CA key in `Signing CA:` (its `sshkey_type`).
fn fx_ca_name(k: &Value) -> String {
    match k["key_type"].as_str().unwrap() {
        "ssh-ed25519" => "ED25519".into(),
        "ssh-rsa" => "RSA".into(),
        "ssh-dss" => "DSA".into(),
        t if t.starts_with("ecdsa-sha2-") => "ECDSA".into(),
        t => t.into(),
    }
}

/// Every field fx records compared with the listing.
fn compare(dir: &Path, file: &str, case: &str) -> Value {
    let l = listing(dir, file);
    let d = openssh_data(&std::fs::read(dir.join(file)).unwrap());
    assert_eq!(d["container"], "openssh_certificate", "{case}");
    assert_eq!(d["key_type"], l.key_type.as_str(), "{case}");
    let c = &d["certificate"];
    assert!(c.is_object(), "{case}: no certificate in {d}");
    assert_eq!(c["cert_type"], l.cert_type.as_str(), "{case}");
    assert_eq!(c["key_fingerprint"], l.key_fingerprint.as_str(), "{case}");
    assert_eq!(c["key_id"], l.key_id.as_str(), "{case}");
    assert_eq!(c["serial"], l.serial, "{case}");
    assert_eq!(fx_valid(c), l.valid, "{case}");
    let strings = |v: &Value| -> Vec<String> {
        v.as_array()
            .map(|a| a.iter().map(|s| s.as_str().unwrap().to_owned()).collect())
            .unwrap_or_default()
    };
    assert_eq!(strings(&c["principals"]), l.principals, "{case}");
    // ssh-keygen prints `name value` for force-command and source-address,
    // the name alone for a flag.
    let opts = |v: &Value| -> Vec<String> {
        v.as_array()
            .map(|a| {
                a.iter()
                    .map(|o| match o["value"].as_str() {
                        Some(v) => format!("{} {v}", o["name"].as_str().unwrap()),
                        None => o["name"].as_str().unwrap().to_owned(),
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    assert_eq!(opts(&c["critical_options"]), l.critical_options, "{case}");
    assert_eq!(opts(&c["extensions"]), l.extensions, "{case}");
    let k = &c["signature_key"];
    assert_eq!(fx_ca_name(k), l.ca_name, "{case}");
    assert_eq!(k["fingerprint"], l.ca_fingerprint.as_str(), "{case}");
    assert_eq!(
        c["signature_algorithm"],
        l.signature_algorithm.as_str(),
        "{case}"
    );
    // nonce: ssh-keygen makes 32 random bytes (sshkey_certify).
    assert_eq!(c["nonce_len"], 32, "{case}");
    c.clone()
}

/// The CA's key as `ssh-keygen -l` sees it: bits and fingerprint.
fn ca_bits(dir: &Path, ca: &str) -> (u64, String) {
    let o = keygen(dir, &["-l", "-f", &format!("{ca}.pub")]);
    let text = String::from_utf8(o.stdout).unwrap();
    let w: Vec<&str> = text.split_whitespace().collect();
    (w[0].parse().unwrap(), w[1].to_owned())
}

fn rules(c: &Value) -> Vec<String> {
    c["warnings"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|w| w["rule"].as_str().unwrap().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// A CA of the first test: key name, `ssh-keygen -t` type and bits, the
/// signature algorithm for `-s … -t`, the algorithm fx must name.
struct Ca {
    name: &'static str,
    ty: &'static str,
    bits: Option<u32>,
    sig: Option<&'static str>,
    alg: &'static str,
}

impl Ca {
    fn new(
        name: &'static str,
        ty: &'static str,
        bits: Option<u32>,
        sig: Option<&'static str>,
        alg: &'static str,
    ) -> Ca {
        Ca {
            name,
            ty,
            bits,
            sig,
            alg,
        }
    }
}

#[test]
fn certificates_match_ssh_keygen() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let cas = [
        Ca::new("ca_ed25519", "ed25519", None, None, "Ed25519"),
        Ca::new("ca_p256", "ecdsa", Some(256), None, "EC"),
        Ca::new("ca_p384", "ecdsa", Some(384), None, "EC"),
        Ca::new("ca_p521", "ecdsa", Some(521), None, "EC"),
        Ca::new("ca_rsa", "rsa", Some(3072), Some("rsa-sha2-512"), "RSA"),
        Ca::new("ca_rsa256", "rsa", Some(3072), Some("rsa-sha2-256"), "RSA"),
    ];
    let subjects: &[(&str, &str, Option<u32>)] = &[
        ("k_ed25519", "ed25519", None),
        ("k_p256", "ecdsa", Some(256)),
        ("k_rsa", "rsa", Some(2048)),
    ];
    for ca in &cas {
        make_key(dir, ca.name, ca.ty, ca.bits);
    }
    for (name, ty, bits) in subjects {
        make_key(dir, name, ty, *bits);
    }
    let mut n = 0;
    for (
        i,
        Ca {
            name: ca, sig, alg, ..
        },
    ) in cas.iter().enumerate()
    {
        for host in [false, true] {
            let (subject, _, _) = subjects[(i + usize::from(host)) % subjects.len()];
            let out = format!("{subject}_{ca}_{}", if host { "host" } else { "user" });
            std::fs::copy(
                dir.join(format!("{subject}.pub")),
                dir.join(format!("{out}.pub")),
            )
            .unwrap();
            let mut args = vec!["-q", "-s", ca, "-I", "id-42", "-V", "+52w", "-z", "42"];
            if host {
                args.extend(["-h", "-n", "host.example,10.0.0.1"]);
            } else {
                args.extend([
                    "-n",
                    "alice,bob",
                    "-O",
                    "force-command=ls",
                    "-O",
                    "source-address=10.0.0.0/8",
                ]);
            }
            if let Some(s) = sig {
                args.extend(["-t", s]);
            }
            let pubfile = format!("{out}.pub");
            args.push(&pubfile);
            keygen_ok(dir, &args);
            let file = format!("{out}-cert.pub");
            let case = format!("{file} ({ca})");
            let c = compare(dir, &file, &case);
            let k = &c["signature_key"];
            assert_eq!(k["key"]["algorithm"], *alg, "{case}");
            let (kbits, kfp) = ca_bits(dir, ca);
            assert_eq!(k["fingerprint"], kfp.as_str(), "{case}");
            if *alg == "RSA" {
                assert_eq!(k["key"]["key_bits"], kbits, "{case}");
            } else if *alg == "EC" {
                assert_eq!(k["key"]["curve"], format!("P-{kbits}"), "{case}");
            }
            assert_eq!(c["signature_verified"], true, "{case}");
            assert_eq!(rules(&c), Vec::<String>::new(), "{case}");
            n += 1;

            // One signed byte flipped (in the nonce): ssh-keygen refuses the
            // certificate, fx reads it and says the signature does not verify.
            let text = std::fs::read_to_string(dir.join(&file)).unwrap();
            let mut parts: Vec<String> = text.split_whitespace().map(str::to_owned).collect();
            let b64 = base64::engine::general_purpose::STANDARD;
            let mut blob = b64.decode(&parts[1]).unwrap();
            let ty_len = u32::from_be_bytes(blob[..4].try_into().unwrap()) as usize;
            blob[4 + ty_len + 4 + 5] ^= 0x01;
            parts[1] = b64.encode(&blob);
            let bad = format!("bad-{file}");
            std::fs::write(dir.join(&bad), parts.join(" ") + "\n").unwrap();
            assert!(
                !keygen(dir, &["-L", "-f", &bad]).status.success(),
                "{case}: ssh-keygen accepted the tampered certificate"
            );
            let d = openssh_data(&std::fs::read(dir.join(&bad)).unwrap());
            let c = &d["certificate"];
            assert_eq!(c["signature_verified"], false, "{case} tampered");
            assert_eq!(
                rules(c),
                vec!["openssh_certificate.signature_invalid".to_owned()],
                "{case} tampered"
            );
        }
    }
    assert_eq!(n, 12);
}

#[test]
fn weak_and_odd_certificates_are_flagged() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    make_key(dir, "ca", "ed25519", None);
    make_key(dir, "ca1024", "rsa", Some(1024));
    make_key(dir, "cadsa", "dsa", None);
    make_key(dir, "k", "ed25519", None);
    let sign = |out: &str, extra: &[&str]| {
        std::fs::copy(dir.join("k.pub"), dir.join(format!("{out}.pub"))).unwrap();
        let mut args = vec!["-q", "-I", "odd"];
        args.extend_from_slice(extra);
        let pubfile = format!("{out}.pub");
        args.push(&pubfile);
        keygen_ok(dir, &args);
        format!("{out}-cert.pub")
    };

    // A host certificate without principals: any host (ssh-keygen: none).
    let f = sign("anyhost", &["-s", "ca", "-h"]);
    let c = compare(dir, &f, "anyhost");
    assert_eq!(c["principals"], serde_json::json!([]));
    assert_eq!(c["valid_after"], "always");
    assert_eq!(c["valid_before"], "forever");
    assert_eq!(rules(&c), vec!["openssh_certificate.any_host".to_owned()]);

    // A user certificate without principals is not that finding.
    let f = sign("anyuser", &["-s", "ca", "-V", "always:20300101"]);
    let c = compare(dir, &f, "anyuser");
    assert_eq!(c["valid_after"], "always");
    assert_eq!(rules(&c), Vec::<String>::new());

    // An RSA-1024 CA signing with ssh-rsa (SHA-1).
    let f = sign(
        "weakca",
        &[
            "-s",
            "ca1024",
            "-t",
            "ssh-rsa",
            "-n",
            "alice",
            "-V",
            "20260101:forever",
        ],
    );
    let c = compare(dir, &f, "weakca");
    assert_eq!(c["signature_verified"], true);
    assert_eq!(c["signature_key"]["key"]["key_bits"], 1024);
    assert_eq!(c["valid_before"], "forever");
    assert_eq!(
        rules(&c),
        vec![
            "deprecated_algorithm.sha1_signature".to_owned(),
            "deprecated_algorithm.modulus_under_2048".to_owned(),
        ]
    );

    // A DSA CA (ssh-dss: 1024 bits): fx does not verify DSA, says so by
    // leaving `signature_verified` out, and judges the key.
    let f = sign("dsaca", &["-s", "cadsa", "-n", "alice"]);
    let c = compare(dir, &f, "dsaca");
    assert_eq!(c["signature_key"]["key"]["algorithm"], "DSA");
    assert_eq!(
        c["signature_key"]["key"]["key_bits"],
        ca_bits(dir, "cadsa").0
    );
    assert_eq!(c["signature_verified"], Value::Null);
    assert_eq!(
        rules(&c),
        vec!["deprecated_algorithm.modulus_under_2048".to_owned()]
    );

    // valid_before <= valid_after: ssh-keygen will not make one, so the
    // window of a good certificate is rewritten (valid_before := valid_after);
    // the signature then fails too.
    let f = sign(
        "window",
        &["-s", "ca", "-n", "alice", "-V", "20260101:20270101"],
    );
    let text = std::fs::read_to_string(dir.join(&f)).unwrap();
    let mut parts: Vec<String> = text.split_whitespace().map(str::to_owned).collect();
    let b64 = base64::engine::general_purpose::STANDARD;
    let mut blob = b64.decode(&parts[1]).unwrap();
    // valid_after 2026-01-01T00:00:00Z = 1767225600, big-endian, then valid_before.
    let after = 1_767_225_600u64.to_be_bytes();
    let at = blob.windows(8).position(|w| w == after).unwrap();
    let (a, b) = blob.split_at_mut(at + 8);
    b[..8].copy_from_slice(&a[at..at + 8]);
    parts[1] = b64.encode(&blob);
    let bad = "window-bad-cert.pub";
    std::fs::write(dir.join(bad), parts.join(" ") + "\n").unwrap();
    let c = &openssh_data(&std::fs::read(dir.join(bad)).unwrap())["certificate"];
    assert_eq!(c["valid_after"], "2026-01-01T00:00:00Z");
    assert_eq!(c["valid_before"], "2026-01-01T00:00:00Z");
    assert_eq!(
        rules(c),
        vec![
            "openssh_certificate.signature_invalid".to_owned(),
            "openssh_certificate.validity_inverted".to_owned(),
        ]
    );
}
