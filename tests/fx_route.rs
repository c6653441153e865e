//! End-to-end tests of `fx-route`: real artifacts made with openssl and
//! ssh-keygen (plus hand-written captures, hash lists and PQC-sized blobs),
//! ingested with `fx-ingest`, routed with the real binary.
//!
//! Needs `openssl`, `ssh-keygen` and `gzip` on PATH.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command as StdCommand;

use assert_cmd::Command;
use serde_json::{Value, json};

/// Deterministic pseudo-random bytes (xorshift64*).
fn noise(n: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    (0..n)
        .map(|_| {
            x ^= x >> 12;
            x ^= x << 25;
            x ^= x >> 27;
            (x.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 56) as u8
        })
        .collect()
}

fn sh(dir: &Path, program: &str, args: &[&str]) {
    let out = StdCommand::new(program)
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("{program} is required for this test: {e}"));
    assert!(
        out.status.success(),
        "{program} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) {
    std::fs::write(dir.join(name), bytes).unwrap();
}

fn pcap(magic: [u8; 4], big_endian: bool) -> Vec<u8> {
    let u16b = |v: u16| {
        if big_endian {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        }
    };
    let u32b = |v: u32| {
        if big_endian {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        }
    };
    let mut b = magic.to_vec();
    b.extend(u16b(2));
    b.extend(u16b(4));
    b.extend(u32b(0)); // thiszone
    b.extend(u32b(0)); // sigfigs
    b.extend(u32b(65535)); // snaplen
    b.extend(u32b(1)); // Ethernet
    let frame = [
        &[0xffu8; 6][..],
        &[2, 0, 0, 0, 0, 1],
        &[0x08, 0x00],
        &[0x45; 46],
    ]
    .concat();
    b.extend(u32b(1_700_000_000));
    b.extend(u32b(0));
    b.extend(u32b(frame.len() as u32));
    b.extend(u32b(frame.len() as u32));
    b.extend(frame);
    b
}

fn client_hello() -> Vec<u8> {
    let mut body = vec![0x03, 0x03];
    body.extend(noise(32, 5));
    body.extend([0x00, 0x00, 0x02, 0x13, 0x01, 0x01, 0x00, 0x00, 0x00]);
    let mut hs = vec![0x01, 0x00, 0x00, body.len() as u8];
    hs.extend(body);
    let mut rec = vec![0x16, 0x03, 0x01, 0x00, hs.len() as u8];
    rec.extend(hs);
    rec
}

/// Makes the corpus; returns the input directory.
fn corpus(root: &Path) -> std::path::PathBuf {
    let d = root.join("in");
    std::fs::create_dir_all(&d).unwrap();
    let o = |args: &[&str]| sh(&d, "openssl", args);
    // Certificates, CSR, CRL, PKCS#12, PKCS#7.
    o(&[
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-keyout",
        "ec_pkcs8.pem",
        "-subj",
        "/CN=fx test",
        "-days",
        "2",
        "-out",
        "cert.pem",
    ]);
    o(&[
        "x509", "-in", "cert.pem", "-outform", "DER", "-out", "cert.der",
    ]);
    o(&[
        "req",
        "-new",
        "-key",
        "ec_pkcs8.pem",
        "-subj",
        "/CN=fx csr",
        "-out",
        "csr.pem",
    ]);
    o(&[
        "req", "-in", "csr.pem", "-outform", "DER", "-out", "csr.der",
    ]);
    write(
        &d,
        "ca.cnf.txt",
        "[ca]\ndefault_ca = d\n[d]\ndatabase = index.txt\ncrlnumber = crlnumber\ndefault_md = sha256\ndefault_crl_days = 30\n",
    );
    write(&d, "index.txt", "");
    write(&d, "crlnumber", "01\n");
    o(&[
        "ca",
        "-config",
        "ca.cnf.txt",
        "-gencrl",
        "-keyfile",
        "ec_pkcs8.pem",
        "-cert",
        "cert.pem",
        "-out",
        "crl.pem",
    ]);
    o(&[
        "crl", "-in", "crl.pem", "-outform", "DER", "-out", "crl.der",
    ]);
    for f in [
        "index.txt",
        "index.txt.attr",
        "index.txt.old",
        "crlnumber",
        "crlnumber.old",
        "ca.cnf.txt",
    ] {
        let _ = std::fs::remove_file(d.join(f));
    }
    o(&[
        "pkcs12",
        "-export",
        "-in",
        "cert.pem",
        "-inkey",
        "ec_pkcs8.pem",
        "-passout",
        "pass:fx",
        "-out",
        "bundle.p12",
    ]);
    o(&[
        "crl2pkcs7",
        "-nocrl",
        "-certfile",
        "cert.pem",
        "-outform",
        "DER",
        "-out",
        "certs.p7b",
    ]);
    // Keys of several kinds and encodings.
    o(&[
        "genpkey",
        "-algorithm",
        "RSA",
        "-pkeyopt",
        "rsa_keygen_bits:1024",
        "-out",
        "rsa_pkcs8.pem",
    ]);
    o(&[
        "pkey",
        "-in",
        "rsa_pkcs8.pem",
        "-traditional",
        "-out",
        "rsa_pkcs1.pem",
    ]);
    o(&[
        "pkey",
        "-in",
        "rsa_pkcs8.pem",
        "-traditional",
        "-outform",
        "DER",
        "-out",
        "rsa_pkcs1.der",
    ]);
    o(&[
        "pkey",
        "-in",
        "rsa_pkcs8.pem",
        "-pubout",
        "-out",
        "rsa_spki.pem",
    ]);
    o(&[
        "pkey",
        "-in",
        "ec_pkcs8.pem",
        "-traditional",
        "-out",
        "ec_sec1.pem",
    ]);
    o(&[
        "pkey",
        "-in",
        "ec_pkcs8.pem",
        "-traditional",
        "-outform",
        "DER",
        "-out",
        "ec_sec1.der",
    ]);
    o(&[
        "genpkey",
        "-algorithm",
        "ED25519",
        "-outform",
        "DER",
        "-out",
        "ed25519_pkcs8.der",
    ]);
    o(&[
        "pkey",
        "-inform",
        "DER",
        "-in",
        "ed25519_pkcs8.der",
        "-pubout",
        "-outform",
        "DER",
        "-out",
        "ed25519_spki.der",
    ]);
    o(&[
        "pkcs8",
        "-topk8",
        "-in",
        "rsa_pkcs8.pem",
        "-v2",
        "aes-256-cbc",
        "-passout",
        "pass:fx",
        "-out",
        "rsa_encrypted.pem",
    ]);
    o(&[
        "pkcs8",
        "-topk8",
        "-in",
        "ec_pkcs8.pem",
        "-v2",
        "aes-256-cbc",
        "-passout",
        "pass:fx",
        "-outform",
        "DER",
        "-out",
        "ec_encrypted.der",
    ]);
    let chain = [
        std::fs::read(d.join("cert.pem")).unwrap(),
        std::fs::read(d.join("ec_pkcs8.pem")).unwrap(),
    ]
    .concat();
    write(&d, "chain.pem", chain);
    let der = std::fs::read(d.join("cert.der")).unwrap();
    write(&d, "cert.b64", base64_encode(&der) + "\n");
    sh(
        &d,
        "ssh-keygen",
        &[
            "-q",
            "-t",
            "ed25519",
            "-N",
            "",
            "-C",
            "fx",
            "-f",
            "id_ed25519",
        ],
    );
    sh(
        &d,
        "ssh-keygen",
        &["-q", "-t", "ecdsa", "-N", "", "-C", "fx", "-f", "id_ecdsa"],
    );
    // Ciphertexts, compression, binaries, captures.
    write(
        &d,
        "notes.txt",
        "Meeting notes: rotate the TLS keys on Friday.\nNothing else.\n",
    );
    write(&d, "random.bin", noise(4096, 1));
    o(&[
        "enc",
        "-aes-256-cbc",
        "-pbkdf2",
        "-pass",
        "pass:fx",
        "-in",
        "notes.txt",
        "-out",
        "notes.enc",
    ]);
    write(&d, "text.gz", b"");
    sh(&d, "sh", &["-c", "gzip -n -c notes.txt > text.gz"]);
    std::fs::copy("/bin/true", d.join("true.elf")).unwrap();
    write(
        &d,
        "capture_us_le.pcap",
        pcap([0xd4, 0xc3, 0xb2, 0xa1], false),
    );
    write(
        &d,
        "capture_ns_be.pcap",
        pcap([0xa1, 0xb2, 0x3c, 0x4d], true),
    );
    write(&d, "client_hello.tls", client_hello());
    // Hash/KDF material.
    write(
        &d,
        "hashes.txt",
        "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW\n\
         $6$rounds=5000$saltsalt$qFmFH.bQmmtXzyBY0s9v7Oicd2z4XSIecDzlB5KiA2/jctKu9YterLp8wwnSq.qc.eoxqOmSuNp2xS0ktL3nh/\n\
         $argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG\n\
         {SSHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g5Tlh5\n",
    );
    write(
        &d,
        "md5_list.txt",
        "5f4dcc3b5aa765d61d8327deb882cf99\n098f6bcd4621d373cade4e832627b4f6\nd41d8cd98f00b204e9800998ecf8427e\n",
    );
    write(
        &d,
        "shadow",
        "root:$y$j9T$F5Jx5fExrKuPp53xLKQ..1$X3DX6M94c7o.9agCG9G317fhZg9SqC.5i5rd.RhAtQ7:19700:0:99999:7:::\ndaemon:*:19700:0:99999:7:::\n",
    );
    // Raw post-quantum objects of known sizes (FIPS 203/204).
    write(&d, "mlkem768_ct.bin", noise(1088, 2));
    write(&d, "mlkem512_pk.bin", noise(800, 3));
    write(&d, "mldsa65_sig.bin", noise(3309, 4));
    write(
        &d,
        "jwk.json",
        r#"{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}"#,
    );
    write(&d, "empty", b"");
    d
}

fn base64_encode(b: &[u8]) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut s = String::new();
    for c in b.chunks(3) {
        let n = (u32::from(c[0]) << 16)
            | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
            | u32::from(*c.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= c.len() {
                s.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                s.push('=');
            }
        }
    }
    s
}

fn route(run: &Path, jobs: &[u8], threads: &str) -> Vec<u8> {
    let out = Command::cargo_bin("fx-route")
        .unwrap()
        .arg("--run")
        .arg(run)
        .args(["-j", threads])
        .write_stdin(jobs.to_vec())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "fx-route: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn lines(out: &[u8]) -> Vec<Value> {
    out.split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::from_slice(l).unwrap())
        .collect()
}

fn route_event<'a>(job: &'a Value, step: &str) -> &'a Value {
    job["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["module"] == "route" && e["step"] == step)
        .unwrap_or_else(|| panic!("no route/{step} event in {job}"))
}

/// Per file: the label event's conclusion and label scores, and the allowed targets.
fn summary(out: &[u8]) -> BTreeMap<String, Value> {
    lines(out)
        .iter()
        .map(|job| {
            let path = job["artifact"]["intake"]["path"].as_str().unwrap();
            let name = path.rsplit('/').next().unwrap().to_owned();
            let label = route_event(job, "label");
            let decision = route_event(job, "decision");
            let v = json!({
                "conclusion": label["conclusion"],
                "labels": label["data"]["labels"],
                "allow": decision["data"]["allow"],
            });
            (name, v)
        })
        .collect()
}

fn labels_of(s: &BTreeMap<String, Value>, name: &str) -> Vec<String> {
    s[name]["conclusion"]["labels"]
        .as_array()
        .unwrap_or_else(|| panic!("{name}: {}", s[name]))
        .iter()
        .map(|l| l.as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn real_artifacts_are_labelled_and_routed() {
    let tmp = tempfile::tempdir().unwrap();
    let input = corpus(tmp.path());
    let (run, jobs) = common::ingest_in(tmp.path(), &input, &[]);
    let out = route(&run, &jobs, "2");
    let s = summary(&out);

    let expect: &[(&str, &str, Option<&str>, Option<&str>)] = &[
        (
            "cert.pem",
            "certificate",
            Some("x509_certificate"),
            Some("pem"),
        ),
        (
            "cert.der",
            "certificate",
            Some("x509_certificate"),
            Some("der"),
        ),
        (
            "cert.b64",
            "certificate",
            Some("x509_certificate"),
            Some("base64"),
        ),
        ("csr.pem", "certificate", Some("x509_csr"), Some("pem")),
        ("csr.der", "certificate", Some("x509_csr"), Some("der")),
        ("crl.pem", "certificate", Some("x509_crl"), Some("pem")),
        ("crl.der", "certificate", Some("x509_crl"), Some("der")),
        ("bundle.p12", "key_material", Some("pkcs12"), Some("der")),
        ("certs.p7b", "signature_blob", Some("pkcs7"), Some("der")),
        ("chain.pem", "certificate", Some("pem_bundle"), Some("pem")),
        (
            "ec_pkcs8.pem",
            "key_material",
            Some("pkcs8_private_key"),
            Some("pem"),
        ),
        (
            "rsa_pkcs8.pem",
            "key_material",
            Some("pkcs8_private_key"),
            Some("pem"),
        ),
        (
            "rsa_pkcs1.pem",
            "key_material",
            Some("pkcs1_private_key"),
            Some("pem"),
        ),
        (
            "rsa_pkcs1.der",
            "key_material",
            Some("pkcs1_private_key"),
            Some("der"),
        ),
        (
            "rsa_spki.pem",
            "key_material",
            Some("spki_public_key"),
            Some("pem"),
        ),
        (
            "ec_sec1.pem",
            "key_material",
            Some("sec1_private_key"),
            Some("pem"),
        ),
        (
            "ec_sec1.der",
            "key_material",
            Some("sec1_private_key"),
            Some("der"),
        ),
        (
            "ed25519_pkcs8.der",
            "key_material",
            Some("pkcs8_private_key"),
            Some("der"),
        ),
        (
            "ed25519_spki.der",
            "key_material",
            Some("spki_public_key"),
            Some("der"),
        ),
        (
            "rsa_encrypted.pem",
            "key_material",
            Some("pkcs8_encrypted_private_key"),
            Some("pem"),
        ),
        (
            "ec_encrypted.der",
            "key_material",
            Some("pkcs8_encrypted_private_key"),
            Some("der"),
        ),
        (
            "id_ed25519",
            "key_material",
            Some("openssh_private_key"),
            Some("pem"),
        ),
        (
            "id_ed25519.pub",
            "key_material",
            Some("openssh_public_key"),
            Some("text"),
        ),
        (
            "id_ecdsa.pub",
            "key_material",
            Some("openssh_public_key"),
            Some("text"),
        ),
        ("notes.txt", "plaintext", None, Some("text")),
        ("notes.enc", "symmetric_ciphertext", None, Some("raw")),
        ("random.bin", "symmetric_ciphertext", None, None),
        ("text.gz", "compressed", None, Some("raw")),
        ("true.elf", "binary_target", Some("elf"), Some("raw")),
        (
            "capture_us_le.pcap",
            "protocol_capture",
            Some("pcap"),
            Some("raw"),
        ),
        (
            "capture_ns_be.pcap",
            "protocol_capture",
            Some("pcap"),
            Some("raw"),
        ),
        (
            "client_hello.tls",
            "protocol_capture",
            Some("tls_records"),
            Some("raw"),
        ),
        (
            "hashes.txt",
            "hash_kdf_material",
            Some("password_hash"),
            Some("text"),
        ),
        (
            "md5_list.txt",
            "hash_kdf_material",
            Some("password_hash"),
            Some("text"),
        ),
        (
            "shadow",
            "hash_kdf_material",
            Some("password_hash"),
            Some("text"),
        ),
        ("jwk.json", "key_material", None, Some("text")),
        ("empty", "unknown", None, None),
    ];
    for (name, label, container, encoding) in expect {
        let c = &s[*name]["conclusion"];
        assert_eq!(labels_of(&s, name)[0], *label, "{name}: {}", s[*name]);
        assert_eq!(c["container"].as_str(), *container, "{name}: {c}");
        assert_eq!(c["encoding"].as_str(), *encoding, "{name}: {c}");
    }
    // Ambiguous raw objects keep every plausible reading among the
    // candidates of the event data; the router concludes only its
    // statistical reading, saying so (size geometry is the probe's to judge).
    let candidates = |name: &str| -> Vec<String> {
        s[name]["labels"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["label"].as_str().unwrap().to_owned())
            .collect()
    };
    assert!(candidates("mlkem768_ct.bin").contains(&"kem_transcript".to_owned()));
    assert!(candidates("mlkem768_ct.bin").contains(&"symmetric_ciphertext".to_owned()));
    assert!(candidates("mlkem512_pk.bin").contains(&"key_material".to_owned()));
    assert!(candidates("mldsa65_sig.bin").contains(&"signature_blob".to_owned()));
    for name in ["mlkem768_ct.bin", "mlkem512_pk.bin", "mldsa65_sig.bin"] {
        let c = &s[name]["conclusion"];
        assert_eq!(c["labels"], json!(["symmetric_ciphertext"]), "{name}: {c}");
        assert_eq!(c["basis"], "statistics", "{name}: {c}");
        assert_eq!(c["confidence"], 500, "{name}: {c}");
    }
    assert_eq!(s["cert.der"]["conclusion"]["basis"], "structural");
    assert!(labels_of(&s, "bundle.p12").contains(&"certificate".to_owned()));

    // Fail-closed: hash material reaches the audit path only.
    for name in ["hashes.txt", "md5_list.txt", "shadow"] {
        assert_eq!(
            s[name]["allow"],
            json!(["inspect", "probe:hash_kdf"]),
            "{name}"
        );
    }
    // Gates: default policy denies tamper checks and deep fingerprinting.
    let job_of = |name: &str| {
        lines(&out)
            .into_iter()
            .find(|j| {
                j["artifact"]["intake"]["path"]
                    .as_str()
                    .unwrap()
                    .ends_with(name)
            })
            .unwrap()
    };
    let enc = job_of("notes.enc");
    let deny = &route_event(&enc, "decision")["data"]["deny"];
    assert!(
        deny.as_array()
            .unwrap()
            .contains(&json!({"target":"probe:tamper","reason":"policy:tamper_checks_disabled"}))
    );
    let elf = job_of("true.elf");
    assert!(
        route_event(&elf, "decision")["data"]["deny"]
            .as_array()
            .unwrap()
            .contains(&json!({"target":"fingerprint:deep","reason":"policy:heavy_work_disabled"}))
    );
    assert_eq!(
        route_event(&elf, "decision")["data"]["allow"],
        json!(["inspect", "inspect:tools", "fingerprint:binary"])
    );

    // Golden snapshot of the deterministic part (generated keys differ per run,
    // their labels, signals and confidences do not).
    insta::assert_json_snapshot!("route_corpus", s);
}

#[test]
fn output_is_identical_at_any_thread_count() {
    let tmp = tempfile::tempdir().unwrap();
    let input = corpus(tmp.path());
    let (run, jobs) = common::ingest_in(tmp.path(), &input, &[]);
    let one = route(&run, &jobs, "1");
    let two = route(&run, &jobs, "2");
    assert_eq!(one, two);
    assert_eq!(lines(&one).len(), lines(&jobs).len());
}

#[test]
fn policy_opens_gates_and_bundles_are_labelled_per_member() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("b");
    std::fs::create_dir_all(&d).unwrap();
    write(&d, "sk.bin", noise(2400, 8));
    write(&d, "ct.bin", noise(1088, 9));
    write(
        &d,
        "hashes.txt",
        "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW\n",
    );
    write(
        tmp.path(),
        "intake.csv",
        "path,case,source,tenant,collected_at,hints,bundle,role\n\
         b/sk.bin,c,s,default,,,kem,secret_key\n\
         b/ct.bin,c,s,default,,,kem,ciphertext\n\
         b/sk.bin,c,s,default,,,leak,secret_key\n\
         b/hashes.txt,c,s,default,,,leak,ciphertext\n",
    );
    let run = tmp.path().join("run");
    let out = Command::cargo_bin("fx-ingest")
        .unwrap()
        .args([
            "--run",
            "run",
            "--intake",
            "intake.csv",
            "--decapsulation",
            "--tamper-checks",
        ])
        .current_dir(tmp.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let routed = lines(&route(&run, &out.stdout, "2"));
    let by_bundle = |b: &str| {
        routed
            .iter()
            .find(|j| j["artifact"]["intake"]["bundle"] == b)
            .unwrap()
    };

    let kem = by_bundle("kem");
    let label = route_event(kem, "label");
    let members = label["data"]["members"].as_array().unwrap();
    assert_eq!(members.len(), 2);
    let sk = members.iter().find(|m| m["role"] == "secret_key").unwrap();
    assert!(
        sk["labels"]
            .to_string()
            .contains("pqc_size:ML-KEM-768:secret_key"),
        "{sk}"
    );
    let allow = &route_event(kem, "decision")["data"]["allow"];
    assert!(
        allow
            .as_array()
            .unwrap()
            .contains(&json!("probe:decapsulate")),
        "{allow}"
    );

    // One hash-like member locks the whole bundle to the audit path, gates open or not.
    let leak = by_bundle("leak");
    assert_eq!(
        route_event(leak, "decision")["data"]["allow"],
        json!(["inspect", "probe:hash_kdf"])
    );
}

#[test]
fn unreadable_jobs_are_denied_everything() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("in");
    std::fs::create_dir_all(&d).unwrap();
    write(&d, "ok.txt", "hello\n");
    std::os::unix::fs::symlink("/nonexistent/fx", d.join("dangling")).unwrap();
    let (run, jobs) = common::ingest_in(tmp.path(), &d, &[]);
    let routed = lines(&route(&run, &jobs, "1"));
    let bad = routed
        .iter()
        .find(|j| j["artifact"]["artifact_ref"].is_null())
        .expect("fx-ingest gives the dangling link a job line");
    let label = route_event(bad, "label");
    assert_eq!(label["status"], "skipped");
    assert_eq!(label["reason"], "unreadable");
    let decision = &route_event(bad, "decision")["data"];
    assert_eq!(decision["allow"], json!([]));
    assert!(
        decision["deny"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["reason"] == "unreadable")
    );
}

#[test]
fn cli_conventions() {
    Command::cargo_bin("fx-route")
        .unwrap()
        .arg("--help")
        .assert()
        .success()
        .stdout(predicates::str::contains("fx-route --run RUN"));
    Command::cargo_bin("fx-route")
        .unwrap()
        .arg("--bogus")
        .assert()
        .code(2);
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "a.txt", "x\n");
    let (run, _) = common::ingest_in(tmp.path(), &tmp.path().join("a.txt"), &[]);
    Command::cargo_bin("fx-route")
        .unwrap()
        .arg("--run")
        .arg(&run)
        .write_stdin("{not json\n")
        .assert()
        .failure()
        .stderr(predicates::str::contains("line 1"));
}

/// The committed samples are fixed bytes: their route events are pinned
/// whole (entropy, sizes, every signal and the decisions).
#[test]
fn committed_samples_golden() {
    let tmp = tempfile::tempdir().unwrap();
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/route");
    let (run, jobs) = common::ingest_in(tmp.path(), &samples, &[]);
    let out = route(&run, &jobs, "2");
    let events: BTreeMap<String, Value> = lines(&out)
        .iter()
        .map(|job| {
            let path = job["artifact"]["intake"]["path"].as_str().unwrap();
            let name = path.rsplit('/').next().unwrap().to_owned();
            let route: Vec<&Value> = job["events"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|e| e["module"] == "route")
                .collect();
            (name, json!(route))
        })
        .collect();
    assert_eq!(events.len(), 17);
    insta::assert_json_snapshot!("route_samples", events);
}
