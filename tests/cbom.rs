//! The CycloneDX CBOM of a real batch (`pipelines/forensics-batch.sh` with
//! the built commands) over the bundled samples, selected files of the
//! accuracy corpus, IETF PQC hackathon artifacts (OpenSSL 3.5 ML-DSA,
//! ML-KEM and SLH-DSA certificates, a composite ML-DSA-65 + ECDSA-P256
//! certificate) and an installed crypto library (libsodium):
//!
//! * it is valid against the official CycloneDX 1.6 JSON schema, and with
//!   `fx-report --spec 1.7` against 1.7, as cyclonedx-python-lib's own
//!   validator checks them (pipelines/setup.sh installs it in target/python);
//! * it names what was read, with the figures of FIPS 203/204/205 and
//!   SP 800-57, and every reference resolves;
//! * it holds no password hash or salt bytes;
//! * two runs over the same files, named in another order, give the same
//!   bytes.
//!
//! Without the Python package the schema checks fail naming it, unless
//! `FX_SKIP_PYTHON=1` is set.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

mod common;

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let t = e.file_type().unwrap();
        if t.is_dir() {
            copy_tree(&e.path(), &to.join(e.file_name()));
        } else if t.is_file() {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

fn unzip(zip: &Path, members: &[&str], into: &Path) {
    std::fs::create_dir_all(into).unwrap();
    let out = Command::new("unzip")
        .arg("-q")
        .arg("-o")
        .arg(zip)
        .args(members)
        .current_dir(into)
        .output()
        .expect("unzip (pipelines/setup.sh installs it)");
    assert!(out.status.success(), "unzip {}: {out:?}", zip.display());
}

/// The inputs, under `dir/in/`: two directories, so the second run can
/// name them in the other order.
fn inputs(dir: &Path) {
    let repo = common::repo();
    copy_tree(&repo.join("samples"), &dir.join("in/a/samples"));
    let corpus = repo.join("tests/corpus/files");
    let b = dir.join("in/b");
    std::fs::create_dir_all(b.join("corpus")).unwrap();
    for f in [
        "keys/openssl/rsa2048.spki.pem",
        "hashes/mkpasswd-bcrypt.txt",
        "pqc/certs/mldsa44-selfsigned.der",
    ] {
        let name = Path::new(f).file_name().unwrap();
        std::fs::copy(corpus.join(f), b.join("corpus").join(name)).unwrap();
    }
    let lib = Path::new("/usr/lib/x86_64-linux-gnu/libsodium.so.23");
    std::fs::create_dir_all(b.join("lib")).unwrap();
    std::fs::copy(lib, b.join("lib/libsodium.so.23"))
        .expect("libsodium23 (pipelines/setup.sh installs it)");
    // The IETF PQC hackathon artifacts (shared/conformance/README.md).
    let ietf = repo.join("../shared/conformance/pqc-certificates");
    unzip(
        &ietf.join("ossl35-artifacts_certs_r5.zip"),
        &[
            "ml-dsa-65-2.16.840.1.101.3.4.3.18_ta.der",
            "ml-dsa-65-2.16.840.1.101.3.4.3.18_seed_priv.der",
            "ml-kem-768-2.16.840.1.101.3.4.4.2_ee.der",
            "slh-dsa-sha2-128s-2.16.840.1.101.3.4.3.20_ta.der",
        ],
        &b.join("ietf"),
    );
    unzip(
        &ietf.join("composite-sigs-ref-impl-artifacts_certs_r5.zip"),
        &["id-MLDSA65-ECDSA-P256-SHA512-1.3.6.1.5.5.7.6.45_ta.der"],
        &b.join("ietf"),
    );
}

/// `forensics-batch.sh -j 1 INPUT... RUN` in `dir` with the built commands.
fn batch(dir: &Path, inputs: &[&str], run: &str) {
    let script = common::repo().join("pipelines/forensics-batch.sh");
    let bins = common::bin("fx-ingest").parent().unwrap().to_path_buf();
    let out = Command::new("bash")
        .arg(&script)
        .args(["-j", "1"])
        .args(inputs)
        .arg(run)
        .current_dir(dir)
        .env("FX_BIN_DIR", &bins)
        .env_remove("FX_RUN")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn python() -> PathBuf {
    let venv = common::repo().join("target/python/bin/python3");
    if venv.exists() {
        venv
    } else {
        PathBuf::from("python3")
    }
}

/// Validates `file` against the CycloneDX `version` schema.
fn validate(file: &Path, version: &str) {
    if std::env::var("FX_SKIP_PYTHON").as_deref() == Ok("1") {
        eprintln!("FX_SKIP_PYTHON=1: skipping the CycloneDX {version} schema check");
        return;
    }
    let out = Command::new(python())
        .arg(common::repo().join("tests/python/validate_cyclonedx.py"))
        .arg(file)
        .arg(version)
        .output()
        .expect("python3 (pipelines/setup.sh makes target/python)");
    assert_ne!(
        out.status.code(),
        Some(3),
        "the Python package cyclonedx-python-lib is missing: run pipelines/setup.sh, or set FX_SKIP_PYTHON=1\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success(),
        "not valid CycloneDX {version}:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Components by `bom-ref`.
fn by_ref(bom: &Value) -> BTreeMap<String, Value> {
    bom["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["bom-ref"].as_str().unwrap().to_owned(), c.clone()))
        .collect()
}

fn locations(c: &Value) -> Vec<String> {
    c["evidence"]["occurrences"]
        .as_array()
        .map(|o| {
            o.iter()
                .map(|o| o["location"].as_str().unwrap().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

fn property<'a>(c: &'a Value, name: &str) -> Vec<&'a str> {
    c["properties"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|p| p["name"] == name)
        .filter_map(|p| p["value"].as_str())
        .collect()
}

fn sha256_of(file: &Path) -> String {
    let out = Command::new("sha256sum").arg(file).output().unwrap();
    let s = String::from_utf8(out.stdout).unwrap();
    format!("sha256:{}", s.split_whitespace().next().unwrap())
}

/// Every reference in the document points at a component.
fn assert_references_resolve(bom: &Value, comps: &BTreeMap<String, Value>) {
    let mut refs: Vec<String> = Vec::new();
    for c in comps.values() {
        let cp = &c["cryptoProperties"];
        for p in [
            &cp["relatedCryptoMaterialProperties"]["algorithmRef"],
            &cp["certificateProperties"]["signatureAlgorithmRef"],
            &cp["certificateProperties"]["subjectPublicKeyRef"],
        ] {
            if let Some(r) = p.as_str() {
                refs.push(r.to_owned());
            }
        }
        for list in [
            &cp["protocolProperties"]["cryptoRefArray"],
            &cp["certificateProperties"]["relatedCryptographicAssets"],
            &cp["relatedCryptoMaterialProperties"]["relatedCryptographicAssets"],
            &cp["protocolProperties"]["relatedCryptographicAssets"],
        ] {
            for r in list.as_array().into_iter().flatten() {
                refs.push(r.get("ref").unwrap_or(r).as_str().unwrap().to_owned());
            }
        }
    }
    for d in bom["dependencies"].as_array().into_iter().flatten() {
        refs.push(d["ref"].as_str().unwrap().to_owned());
        for p in d["provides"].as_array().into_iter().flatten() {
            refs.push(p.as_str().unwrap().to_owned());
        }
    }
    assert!(refs.len() > 20, "{refs:?}");
    for r in refs {
        assert!(comps.contains_key(&r), "dangling reference {r}");
    }
}

#[test]
fn cbom_of_a_real_batch_is_valid_cyclonedx_and_deterministic() {
    let d = tempfile::tempdir().unwrap();
    inputs(d.path());
    batch(d.path(), &["in/a", "in/b"], "run1");
    let cbom = d.path().join("run1/reports/cbom.cdx.json");
    let bytes16 = std::fs::read(&cbom).unwrap();
    validate(&cbom, "1.6");
    let bom: Value = serde_json::from_slice(&bytes16).unwrap();
    assert_eq!(bom["specVersion"], "1.6");
    assert!(bom["metadata"].get("timestamp").is_none());
    let serial = bom["serialNumber"].as_str().unwrap();
    assert!(serial.starts_with("urn:uuid:"), "{serial}");
    let comps = by_ref(&bom);
    let refs: Vec<&String> = comps.keys().collect();
    let in_order: Vec<&str> = bom["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["bom-ref"].as_str().unwrap())
        .collect();
    assert_eq!(refs.len(), in_order.len(), "bom-refs are unique");
    assert!(
        in_order.windows(2).all(|w| w[0] < w[1]),
        "sorted by bom-ref"
    );
    assert_references_resolve(&bom, &comps);

    // The OpenSSL 3.5 ML-DSA-65 root: its signature algorithm and key are
    // ML-DSA-65, parameter set 65, NIST category 3 (FIPS 204 Table 1).
    let cert = comps
        .values()
        .find(|c| {
            c["cryptoProperties"]["certificateProperties"]["subjectName"]
                == "CN=OpenSSL 3.5 ml-dsa-65 Root"
        })
        .expect("the ML-DSA-65 certificate");
    let cp = &cert["cryptoProperties"];
    assert_eq!(cp["assetType"], "certificate");
    let props = &cp["certificateProperties"];
    assert_eq!(props["issuerName"], "CN=OpenSSL 3.5 ml-dsa-65 Root");
    assert_eq!(props["notValidBefore"], "2025-03-15T06:09:24Z");
    let sig = &comps[props["signatureAlgorithmRef"].as_str().unwrap()];
    let alg = &sig["cryptoProperties"]["algorithmProperties"];
    assert_eq!(sig["name"], "ML-DSA-65");
    assert_eq!(alg["parameterSetIdentifier"], "65");
    assert_eq!(alg["nistQuantumSecurityLevel"], 3);
    assert_eq!(alg["primitive"], "signature");
    assert_eq!(sig["cryptoProperties"]["oid"], "2.16.840.1.101.3.4.3.18");
    let key = &comps[props["subjectPublicKeyRef"].as_str().unwrap()];
    let km = &key["cryptoProperties"]["relatedCryptoMaterialProperties"];
    assert_eq!(km["type"], "public-key");
    assert_eq!(km["algorithmRef"], "crypto/algorithm/ML-DSA-65");
    assert_eq!(
        locations(cert),
        ["in/b/ietf/ml-dsa-65-2.16.840.1.101.3.4.3.18_ta.der"]
    );
    let occ = &cert["evidence"]["occurrences"][0]["additionalContext"];
    let hash = sha256_of(
        &d.path()
            .join("in/b/ietf/ml-dsa-65-2.16.840.1.101.3.4.3.18_ta.der"),
    );
    assert_eq!(occ.as_str().unwrap(), format!("artifact_hash={hash}"));

    // The other post-quantum parameter sets, with their FIPS categories.
    for (name, set, level) in [
        ("ML-KEM-768", "768", 3),
        ("SLH-DSA-SHA2-128s", "SHA2-128s", 1),
        ("ML-DSA-44", "44", 2),
        ("MLDSA65-ECDSA-P256-SHA512", "MLDSA65-ECDSA-P256-SHA512", 3),
    ] {
        let a = &comps[&format!("crypto/algorithm/{name}")];
        let p = &a["cryptoProperties"]["algorithmProperties"];
        assert_eq!(p["parameterSetIdentifier"], set, "{name}");
        assert_eq!(p["nistQuantumSecurityLevel"], level, "{name}");
    }
    let composite = comps
        .values()
        .find(|c| {
            c["cryptoProperties"]["certificateProperties"]["signatureAlgorithmRef"]
                == "crypto/algorithm/MLDSA65-ECDSA-P256-SHA512"
        })
        .expect("the composite certificate");
    assert_eq!(
        composite["cryptoProperties"]["certificateProperties"]["subjectPublicKeyRef"],
        "crypto/public-key/MLDSA65-ECDSA-P256-SHA512"
    );
    let kem_cert = comps
        .values()
        .find(|c| {
            c["cryptoProperties"]["certificateProperties"]["subjectPublicKeyRef"]
                == "crypto/public-key/ML-KEM-768"
        })
        .expect("the ML-KEM-768 certificate");
    assert_eq!(
        kem_cert["cryptoProperties"]["certificateProperties"]["signatureAlgorithmRef"],
        "crypto/algorithm/ML-DSA-65"
    );
    let seed = &comps["crypto/private-key/ML-DSA-65/seed"];
    assert_eq!(property(seed, "fx:key_form"), ["seed"]);

    // The corpus RSA-2048 key: SP 800-57 gives 112 bits; Shor breaks it.
    let rsa = &comps["crypto/public-key/RSA-2048"];
    let rm = &rsa["cryptoProperties"]["relatedCryptoMaterialProperties"];
    assert_eq!(rm["size"], 2048);
    assert!(locations(rsa).contains(&"in/b/corpus/rsa2048.spki.pem".to_owned()));
    let ra = &comps[rm["algorithmRef"].as_str().unwrap()];
    let rp = &ra["cryptoProperties"]["algorithmProperties"];
    assert_eq!(rp["classicalSecurityLevel"], 112);
    assert_eq!(rp["nistQuantumSecurityLevel"], 0);
    assert_eq!(ra["cryptoProperties"]["oid"], "1.2.840.113549.1.1.1");

    // bcrypt hashes as related material with their cost and the audit's
    // grade; the cost read from the file itself ($2b$10$…).
    let text = std::fs::read_to_string(d.path().join("in/b/corpus/mkpasswd-bcrypt.txt")).unwrap();
    let line = text.trim();
    let cost = line.split('$').nth(2).unwrap().trim_start_matches('0');
    let bcrypt: Vec<&Value> = comps
        .values()
        .filter(|c| property(c, "fx:hash:scheme") == ["bcrypt"])
        .collect();
    let from_corpus = bcrypt
        .iter()
        .find(|c| locations(c).contains(&"in/b/corpus/mkpasswd-bcrypt.txt".to_owned()))
        .expect("the corpus bcrypt hash");
    assert_eq!(property(from_corpus, "fx:hash:cost"), [cost]);
    assert_eq!(property(from_corpus, "fx:hash:grade"), ["pass"]);
    let m = &from_corpus["cryptoProperties"]["relatedCryptoMaterialProperties"];
    assert_eq!(m["type"], "digest");
    assert_eq!(m["algorithmRef"], "crypto/algorithm/bcrypt");
    let weak = bcrypt
        .iter()
        .find(|c| property(c, "fx:hash:cost") == ["4"])
        .expect("samples/hashes/mixed.txt's cost-4 bcrypt");
    assert_eq!(property(weak, "fx:hash:grade"), ["weak"]);
    assert!(property(weak, "fx:hash:weakness").contains(&"cost_below_baseline"));
    assert_eq!(weak["evidence"]["occurrences"][0]["line"], 2, "{weak}");
    // Never the hash or salt bytes.
    let doc = String::from_utf8(bytes16.clone()).unwrap();
    let secret = &line[7..];
    assert!(!doc.contains(secret), "the CBOM holds the hash {secret}");
    for l in std::fs::read_to_string(d.path().join("in/a/samples/hashes/mixed.txt"))
        .unwrap()
        .lines()
        .filter(|l| l.starts_with('$'))
    {
        let tail = l.rsplit('$').next().unwrap();
        assert!(!doc.contains(tail), "the CBOM holds {tail}");
    }

    // libsodium: a library that provides the algorithms whose constants
    // it holds.
    let sodium = &comps["library/libsodium@23"];
    assert_eq!(sodium["type"], "library");
    assert_eq!(property(sodium, "fx:library:role"), ["library"]);
    let deps = bom["dependencies"].as_array().unwrap();
    let provides: Vec<&str> = deps
        .iter()
        .find(|d| d["ref"] == "library/libsodium@23")
        .expect("libsodium's dependency entry")["provides"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    assert!(
        provides.contains(&"crypto/algorithm/ChaCha20"),
        "{provides:?}"
    );
    assert!(
        provides.contains(&"crypto/algorithm/X25519"),
        "{provides:?}"
    );

    // The TLS client of the hybrid capture: offered and negotiated
    // X25519MLKEM768, named post-quantum, NIST category 3.
    let tls = comps
        .values()
        .find(|c| c["cryptoProperties"]["assetType"] == "protocol")
        .expect("a TLS client");
    let pp = &tls["cryptoProperties"]["protocolProperties"];
    assert_eq!(pp["type"], "tls");
    assert_eq!(pp["version"], "TLS 1.3");
    assert_eq!(property(tls, "fx:tls:negotiated_group"), ["X25519MLKEM768"]);
    assert_eq!(
        property(tls, "fx:tls:post_quantum_group"),
        ["X25519MLKEM768"]
    );
    assert_eq!(
        property(tls, "fx:tls:offered_group"),
        ["X25519MLKEM768", "x25519", "secp256r1", "secp384r1"]
    );
    assert_eq!(pp["cipherSuites"][0]["name"], "TLS_AES_128_GCM_SHA256");
    let groups: Vec<&str> = pp["cryptoRefArray"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    assert!(
        groups.contains(&"crypto/algorithm/X25519MLKEM768"),
        "{groups:?}"
    );
    let hybrid =
        &comps["crypto/algorithm/X25519MLKEM768"]["cryptoProperties"]["algorithmProperties"];
    assert_eq!(hybrid["nistQuantumSecurityLevel"], 3);
    assert_eq!(hybrid["primitive"], "kem");

    // CycloneDX 1.7: the registry's families and curves, relations as
    // relatedCryptographicAssets.
    let out = Command::new(common::bin("fx-report"))
        .args(["--run", "run1", "--spec", "1.7"])
        .current_dir(d.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    validate(&cbom, "1.7");
    let bom17: Value = serde_json::from_slice(&std::fs::read(&cbom).unwrap()).unwrap();
    assert_eq!(bom17["specVersion"], "1.7");
    assert_ne!(bom17["serialNumber"], bom["serialNumber"]);
    let c17 = by_ref(&bom17);
    assert_references_resolve(&bom17, &c17);
    let ml = &c17["crypto/algorithm/ML-DSA-65"]["cryptoProperties"]["algorithmProperties"];
    assert_eq!(ml["algorithmFamily"], "ML-DSA");
    let ec = &c17["crypto/algorithm/EC-P-256"]["cryptoProperties"]["algorithmProperties"];
    assert_eq!(ec["ellipticCurve"], "nist/P-256");
    let cert17 = c17
        .values()
        .find(|c| {
            c["cryptoProperties"]["certificateProperties"]["subjectName"]
                == "CN=OpenSSL 3.5 ml-dsa-65 Root"
        })
        .unwrap();
    let rel = &cert17["cryptoProperties"]["certificateProperties"]["relatedCryptographicAssets"];
    assert_eq!(
        rel,
        &serde_json::json!([
            {"type": "algorithm", "ref": "crypto/algorithm/ML-DSA-65"},
            {"type": "publicKey", "ref": "crypto/public-key/ML-DSA-65"}
        ])
    );

    // A second run over the same files named in the other order: the same
    // bytes.
    batch(d.path(), &["in/b", "in/a"], "run2");
    let again = std::fs::read(d.path().join("run2/reports/cbom.cdx.json")).unwrap();
    assert!(again == bytes16, "two runs gave different CBOMs");
}
