//! Bundles against openssl, the oracle: certificates, keys and signatures
//! are made at test time with `openssl req/x509/genpkey/dgst/cms` in a
//! temporary directory, and fx-inspect's `bundle` step is compared with what
//! `openssl verify -partial_chain` (each link), `openssl x509 -pubkey` vs
//! `openssl pkey -pubout` (each key/certificate pair), `openssl dgst
//! -verify` / `openssl cms -verify` (detached signatures) say. The truth
//! never comes from fx. Also every root of the system CA bundle
//! (/etc/ssl/certs/ca-certificates.crt, when present) must verify against
//! itself, as `openssl verify -check_ss_sig` says it does.
//!
//! Needs `openssl` on PATH (pipelines/setup.sh installs it).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::Command;

use fx_core::job::Member;
use fx_core::stage::{Stage, StageCtx};
use fx_core::testing::{job_for, scratch_run};
use fx_inspect::{InspectConfig, events, inspect};
use serde_json::Value;

fn openssl(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("openssl on PATH")
}

fn ok(dir: &Path, args: &[&str]) {
    let o = openssl(dir, args);
    assert!(
        o.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

fn read(dir: &Path, name: &str) -> Vec<u8> {
    std::fs::read(dir.join(name)).unwrap()
}

fn cat(dir: &Path, parts: &[&str]) -> Vec<u8> {
    parts.iter().flat_map(|p| read(dir, p)).collect()
}

/// The `bundle` step's data of a file, `None` when there is none.
fn bundle(bytes: &[u8]) -> Option<Value> {
    let cfg = InspectConfig::default();
    let evs = serde_json::to_value(events(&inspect(bytes, &cfg), &cfg)).unwrap();
    evs.as_array()
        .unwrap()
        .iter()
        .find(|e| e["step"] == "bundle")
        .map(|e| e["data"].clone())
}

/// The outcome of the link of object `i`.
fn outcome(b: &Value, i: u64) -> String {
    b["links"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["certificate"] == i)
        .unwrap_or_else(|| panic!("no link for {i} in {b}"))["outcome"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// A key (genpkey algorithm options) written as PKCS#8 `name.key`.
fn key(dir: &Path, name: &str, alg: &[&str]) {
    let out = format!("{name}.key");
    let mut args = vec!["genpkey", "-out", out.as_str()];
    args.extend(alg);
    ok(dir, &args);
}

/// A self-signed CA certificate `name.pem` for `name.key`.
fn root(dir: &Path, name: &str, digest: Option<&str>) {
    let (k, c, subj) = (
        format!("{name}.key"),
        format!("{name}.pem"),
        format!("/CN={name}"),
    );
    let mut args = vec![
        "req",
        "-x509",
        "-new",
        "-key",
        &k,
        "-out",
        &c,
        "-subj",
        &subj,
        "-days",
        "3650",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
    ];
    if let Some(d) = digest {
        args.push(d);
    }
    ok(dir, &args);
}

/// `name.pem` for `name.key`, issued by `ca` (its `.pem` and the key `ca_key`).
fn issue(dir: &Path, name: &str, ca: &str, ca_key: &str, extra: &[&str]) {
    let (k, csr, c, subj) = (
        format!("{name}.key"),
        format!("{name}.csr"),
        format!("{name}.pem"),
        format!("/CN={name}"),
    );
    ok(
        dir,
        &["req", "-new", "-key", &k, "-out", &csr, "-subj", &subj],
    );
    let (ca_pem, ca_k) = (format!("{ca}.pem"), format!("{ca_key}.key"));
    let mut args = vec![
        "x509",
        "-req",
        "-in",
        &csr,
        "-CA",
        &ca_pem,
        "-CAkey",
        &ca_k,
        "-set_serial",
        "7",
        "-days",
        "365",
        "-out",
        &c,
    ];
    args.extend(extra);
    ok(dir, &args);
}

/// openssl's verdict on `child` issued by `issuer` (both PEM files).
fn openssl_link(dir: &Path, child: &str, issuer: &str) -> bool {
    let o = openssl(
        dir,
        &[
            "verify",
            "-partial_chain",
            "-no_check_time",
            "-check_ss_sig",
            "-CAfile",
            issuer,
            child,
        ],
    );
    if !o.status.success() {
        eprintln!(
            "openssl verify {child} by {issuer}: {}",
            String::from_utf8_lossy(&o.stdout)
        );
    }
    o.status.success()
}

/// Links to check: (object index, child file, issuer file).
type Links<'a> = &'a [(u64, &'a str, &'a str)];

#[test]
fn chains_agree_with_openssl_verify() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    key(
        d,
        "rootA",
        &["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"],
    );
    root(d, "rootA", Some("-sha256"));
    key(
        d,
        "intA",
        &["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"],
    );
    std::fs::write(
        d.join("ca.ext"),
        "basicConstraints=critical,CA:TRUE\nkeyUsage=keyCertSign,cRLSign\n",
    )
    .unwrap();
    // RSA-PSS from the root.
    issue(
        d,
        "intA",
        "rootA",
        "rootA",
        &[
            "-sigopt",
            "rsa_padding_mode:pss",
            "-sigopt",
            "rsa_pss_saltlen:32",
            "-sha256",
            "-extfile",
            "ca.ext",
        ],
    );
    key(
        d,
        "leafA",
        &["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"],
    );
    // 300 days against intA's 365: the leaf's validity lies inside its
    // issuer's whatever second each was made in (made a second later with
    // the same 365 days, it would end a second after intA).
    issue(d, "leafA", "intA", "intA", &["-sha384", "-days", "300"]);
    key(
        d,
        "rootB",
        &["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-521"],
    );
    root(d, "rootB", Some("-sha512"));
    key(d, "leafB", &["-algorithm", "ED25519"]);
    issue(d, "leafB", "rootB", "rootB", &["-sha512"]);
    key(d, "rootC", &["-algorithm", "ED25519"]);
    root(d, "rootC", None);
    key(
        d,
        "leafC",
        &["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"],
    );
    issue(d, "leafC", "rootC", "rootC", &[]);
    // A wrong issuer: a CA of rootA's name but another key.
    key(
        d,
        "fakeA",
        &["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"],
    );
    ok(
        d,
        &[
            "req",
            "-x509",
            "-new",
            "-key",
            "fakeA.key",
            "-out",
            "fakeA.pem",
            "-subj",
            "/CN=rootA",
            "-days",
            "3650",
        ],
    );
    key(
        d,
        "leafW",
        &["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"],
    );
    issue(d, "leafW", "fakeA", "fakeA", &[]);

    // Every link of the good chains, each against openssl.
    let cases: &[(&[&str], Links<'_>)] = &[
        (
            &["leafA.pem", "intA.pem", "rootA.pem"],
            &[
                (0, "leafA.pem", "intA.pem"),
                (1, "intA.pem", "rootA.pem"),
                (2, "rootA.pem", "rootA.pem"),
            ],
        ),
        (
            &["leafB.pem", "rootB.pem"],
            &[(0, "leafB.pem", "rootB.pem"), (1, "rootB.pem", "rootB.pem")],
        ),
        (
            &["leafC.pem", "rootC.pem"],
            &[(0, "leafC.pem", "rootC.pem"), (1, "rootC.pem", "rootC.pem")],
        ),
        // The wrong issuer: named rootA, signed by fakeA's key.
        (
            &["leafW.pem", "rootA.pem"],
            &[(0, "leafW.pem", "rootA.pem")],
        ),
    ];
    for (files, links) in cases {
        let b = bundle(&cat(d, files)).unwrap_or_else(|| panic!("no bundle step for {files:?}"));
        for (i, child, issuer) in *links {
            let want = openssl_link(d, child, issuer);
            let got = outcome(&b, *i);
            assert_eq!(
                got == "verified",
                want,
                "{child} by {issuer}: fx {got}, openssl {want}"
            );
            if !want {
                assert_eq!(got, "signature_invalid", "{child} by {issuer}");
            }
        }
    }
    let b = bundle(&cat(d, &["leafA.pem", "intA.pem", "rootA.pem"])).unwrap();
    assert_eq!(b["chains"][0]["certificates"], serde_json::json!([0, 1, 2]));
    assert_eq!(b["chains"][0]["complete"], true);
    assert_eq!(b["links"][0]["validity_nested"], true);

    // One signature byte flipped (the last byte of the DER is the last of
    // the signature value): openssl refuses each, fx says signature_invalid.
    for (leaf, ca) in [
        ("leafA", "intA"),
        ("leafB", "rootB"),
        ("leafC", "rootC"),
        ("intA", "rootA"),
    ] {
        let der_name = format!("{leaf}.der");
        ok(
            d,
            &[
                "x509",
                "-in",
                &format!("{leaf}.pem"),
                "-outform",
                "DER",
                "-out",
                &der_name,
            ],
        );
        let mut der = read(d, &der_name);
        *der.last_mut().unwrap() ^= 0x01;
        let bad = format!("{leaf}-bad.der");
        std::fs::write(d.join(&bad), &der).unwrap();
        let bad_pem = format!("{leaf}-bad.pem");
        ok(
            d,
            &["x509", "-inform", "DER", "-in", &bad, "-out", &bad_pem],
        );
        assert!(!openssl_link(d, &bad_pem, &format!("{ca}.pem")));
        let b = bundle(&cat(d, &[&bad_pem, &format!("{ca}.pem")])).unwrap();
        assert_eq!(outcome(&b, 0), "signature_invalid", "{leaf} tampered");
        assert_eq!(b["links"][0]["signature_verified"], false);
    }
}

#[test]
fn keys_match_their_certificates_as_openssl_says() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    key(d, "ca", &["-algorithm", "ED25519"]);
    root(d, "ca", None);
    let kinds: &[(&str, &[&str])] = &[
        (
            "rsa",
            &["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"],
        ),
        (
            "p256",
            &["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"],
        ),
        (
            "p384",
            &["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"],
        ),
        (
            "p521",
            &["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-521"],
        ),
        ("ed", &["-algorithm", "ED25519"]),
    ];
    for (name, alg) in kinds {
        key(d, name, alg);
        issue(d, name, "ca", "ca", &[]);
        // The key in other encodings: PKCS#1 / SEC1 (`-traditional`) and SPKI.
        let trad = format!("{name}.trad");
        let o = openssl(
            d,
            &[
                "pkey",
                "-in",
                &format!("{name}.key"),
                "-traditional",
                "-out",
                &trad,
            ],
        );
        if !o.status.success() {
            // Ed25519 has no traditional form.
            let _ = std::fs::remove_file(d.join(&trad));
        }
        ok(
            d,
            &[
                "pkey",
                "-in",
                &format!("{name}.key"),
                "-pubout",
                "-out",
                &format!("{name}.pub"),
            ],
        );
    }
    let spki_of_cert = |c: &str| openssl(d, &["x509", "-in", c, "-pubkey", "-noout"]).stdout;
    let spki_of_key = |k: &str| openssl(d, &["pkey", "-in", k, "-pubout"]).stdout;
    let spki_of_pub = |k: &str| openssl(d, &["pkey", "-pubin", "-in", k, "-pubout"]).stdout;
    let mut checked = 0;
    for (kname, _) in kinds {
        for (cname, _) in kinds {
            let cert = format!("{cname}.pem");
            for (suffix, public) in [("key", false), ("trad", false), ("pub", true)] {
                let k = format!("{kname}.{suffix}");
                if !d.join(&k).exists() {
                    continue;
                }
                let same = if public {
                    spki_of_pub(&k) == spki_of_cert(&cert)
                } else {
                    spki_of_key(&k) == spki_of_cert(&cert)
                };
                let b = bundle(&cat(d, &[&k, &cert])).unwrap_or_else(|| panic!("{k} + {cert}"));
                let m = &b["key_matches"][0];
                let want = if same { "matched" } else { "no_certificate" };
                assert_eq!(m["outcome"], want, "{k} + {cert}: {b}");
                assert_eq!(m["private"], !public);
                checked += 1;
            }
        }
        // Nothing of a private key is written: no byte string of the key's
        // length or longer appears beyond the names and indexes.
        let b = bundle(&cat(d, &[&format!("{kname}.key"), &format!("{kname}.pem")])).unwrap();
        let text = b.to_string();
        assert!(!text.contains("private_key\":\""), "{text}");
    }
    assert!(checked >= 60, "{checked} pairs checked");
}

#[test]
fn detached_signatures_agree_with_openssl() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    key(
        d,
        "ca",
        &["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"],
    );
    root(d, "ca", None);
    key(
        d,
        "rsa",
        &["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"],
    );
    issue(d, "rsa", "ca", "ca", &[]);
    key(d, "ed", &["-algorithm", "ED25519"]);
    issue(d, "ed", "ca", "ca", &[]);
    key(
        d,
        "ec",
        &["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"],
    );
    // OpenSSL 3.0 does not CMS-sign with Ed25519: an ECDSA signer instead.
    key(
        d,
        "ecs",
        &["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"],
    );
    issue(d, "ecs", "ca", "ca", &[]);
    std::fs::write(d.join("msg"), b"the message, signed\n").unwrap();
    std::fs::write(d.join("other"), b"another message\n").unwrap();
    ok(
        d,
        &[
            "dgst", "-sha256", "-sign", "rsa.key", "-out", "rsa.sig", "msg",
        ],
    );
    ok(
        d,
        &[
            "dgst", "-sha384", "-sign", "ec.key", "-out", "ec.sig", "msg",
        ],
    );
    ok(
        d,
        &[
            "pkeyutl", "-sign", "-rawin", "-inkey", "ed.key", "-in", "msg", "-out", "ed.sig",
        ],
    );
    ok(d, &["pkey", "-in", "ec.key", "-pubout", "-out", "ec.pub"]);
    ok(
        d,
        &[
            "cms", "-sign", "-binary", "-in", "msg", "-signer", "rsa.pem", "-inkey", "rsa.key",
            "-outform", "DER", "-out", "rsa.p7s",
        ],
    );
    ok(
        d,
        &[
            "cms", "-sign", "-binary", "-md", "sha384", "-in", "msg", "-signer", "ecs.pem",
            "-inkey", "ecs.key", "-outform", "DER", "-out", "ecs.p7s",
        ],
    );
    let dir = tempfile::tempdir().unwrap();
    let run = scratch_run(dir.path(), fx_core::policy::Policy::default()).unwrap();
    let stage = fx_inspect::Inspector::new(&run).unwrap();
    // (key member, its role, signature, message, what openssl says)
    let cases: &[(&str, &str, &str, &str)] = &[
        ("rsa.pem", "certificate", "rsa.sig", "msg"),
        ("rsa.pem", "certificate", "rsa.sig", "other"),
        ("ec.pub", "public_key", "ec.sig", "msg"),
        ("ed.pem", "certificate", "ed.sig", "msg"),
        ("ed.pem", "certificate", "ed.sig", "other"),
        ("rsa.pem", "certificate", "rsa.p7s", "msg"),
        ("rsa.pem", "certificate", "rsa.p7s", "other"),
        ("ecs.pem", "certificate", "ecs.p7s", "msg"),
        ("ecs.pem", "certificate", "ecs.p7s", "other"),
        ("ca.pem", "certificate", "ecs.p7s", "msg"),
    ];
    for (k, role, sig, msg) in cases {
        let want = if sig.ends_with(".p7s") {
            openssl(
                d,
                &[
                    "cms",
                    "-verify",
                    "-binary",
                    "-noverify",
                    "-inform",
                    "DER",
                    "-in",
                    sig,
                    "-content",
                    msg,
                    "-out",
                    "/dev/null",
                ],
            )
            .status
            .success()
        } else if sig.starts_with("ed") {
            openssl(
                d,
                &[
                    "pkeyutl", "-verify", "-rawin", "-certin", "-inkey", k, "-in", msg, "-sigfile",
                    sig,
                ],
            )
            .status
            .success()
        } else {
            let pubkey = if k.ends_with(".pub") {
                (*k).to_owned()
            } else {
                let p = format!("{k}.pubkey");
                let o = openssl(d, &["x509", "-in", k, "-pubkey", "-noout"]);
                std::fs::write(d.join(&p), o.stdout).unwrap();
                p
            };
            let digest = if sig.starts_with("ec") {
                "-sha384"
            } else {
                "-sha256"
            };
            openssl(
                d,
                &["dgst", digest, "-verify", &pubkey, "-signature", sig, msg],
            )
            .status
            .success()
        };
        let mut job = job_for(&run, "bundle", b"", 0).unwrap();
        job.artifact.artifact_ref = None;
        job.artifact.members = [(*role, *k), ("signature", *sig), ("message", *msg)]
            .iter()
            .map(|(r, f): &(&str, &str)| {
                let blob = run.blobs().put_bytes(&read(d, f)).unwrap();
                Member {
                    role: (*r).to_owned(),
                    path: (*f).into(),
                    hash: Some(blob.hash),
                    artifact_ref: Some(blob.rel),
                    size: Some(blob.size),
                }
            })
            .collect();
        stage.process(&mut job, &StageCtx { run: &run });
        let ev = job
            .events
            .iter()
            .find(|e| e.step == "bundle")
            .unwrap_or_else(|| panic!("no bundle step for {k} {sig} {msg}"));
        let data = serde_json::to_value(ev.data.as_ref().unwrap()).unwrap();
        let got = data["signatures"][0]["outcome"]
            .as_str()
            .unwrap()
            .to_owned();
        assert_eq!(
            got == "verified",
            want,
            "{k} {sig} {msg}: fx {got}, openssl {want}: {data}"
        );
        // A refusal is a verdict only where the scheme is determined: a CMS
        // signer or Ed25519; a bare RSA/ECDSA signature is `not_verified`.
        if !want {
            let decisive = sig.ends_with(".p7s") || sig.starts_with("ed");
            let expected = if *k == "ca.pem" {
                // The signer's certificate is in the SignedData (and so in the bundle).
                "signature_invalid"
            } else if decisive {
                "signature_invalid"
            } else {
                "not_verified"
            };
            assert_eq!(got, expected, "{k} {sig} {msg}: {data}");
        }
    }
}

#[test]
fn every_root_of_the_system_ca_bundle_verifies_against_itself() {
    let path = Path::new("/etc/ssl/certs/ca-certificates.crt");
    let Ok(bytes) = std::fs::read(path) else {
        eprintln!("skipped: no {}", path.display());
        return;
    };
    let b = bundle(&bytes).unwrap();
    let links = b["links"].as_array().unwrap();
    let n = bytes
        .windows(27)
        .filter(|w| w == b"-----BEGIN CERTIFICATE-----")
        .count();
    assert_eq!(links.len(), n);
    let verified = links
        .iter()
        .filter(|l| l["outcome"] == "verified" && l["self_signed"] == true)
        .count();
    // openssl's verdict on each root's own signature.
    let t = tempfile::tempdir().unwrap();
    let text = String::from_utf8_lossy(&bytes);
    let mut want = 0;
    for (i, block) in text
        .split("-----END CERTIFICATE-----")
        .filter(|s| s.contains("-----BEGIN CERTIFICATE-----"))
        .enumerate()
    {
        let f = format!("{i}.pem");
        let pem = format!(
            "{}-----END CERTIFICATE-----\n",
            &block[block.find("-----BEGIN").unwrap()..]
        );
        std::fs::write(t.path().join(&f), pem).unwrap();
        let good = openssl_link(t.path(), &f, &f);
        let fx = links[i]["outcome"] == "verified";
        assert_eq!(fx, good, "root {i}: {}", links[i]);
        want += usize::from(good);
    }
    eprintln!(
        "system CA bundle: {verified} of {n} roots verified against themselves (openssl: {want})"
    );
    assert_eq!(verified, want);
}
