//! Synthetic job lines with realistic events, for the tests and the
//! benchmark (`cargo run -p fx-features --example synth_jobs`).
//!
//! Job `seq` is one of nine shapes, chosen by `seq % 9`: a PEM RSA
//! certificate, a file of password hashes, an ECB-looking ciphertext, an
//! ML-KEM-768 public key, an ELF binary linking OpenSSL, a pcap with a
//! post-quantum ClientHello, a truncated DER certificate, an unreadable file,
//! and a key + signature + message bundle. Every 13th path is not valid
//! UTF-8. The events follow the shapes the stages document (route
//! `label`/`decision`, inspect, probe, fingerprint steps, skips with their
//! reasons); nothing here is evidence.

use fx_core::event::{ErrorInfo, Event};
use fx_core::job::{Artifact, Intake, Job, Member};
use fx_core::text::Text;
use fx_core::vocab::{Conclusion, Container, Encoding, FailureKind, Label};
use serde_json::json;

/// Number of distinct job shapes.
pub const SHAPES: u64 = 9;

/// A synthetic job of run `run_id`, tenant `tenant`, at position `seq`.
pub fn job(run_id: &str, tenant: &str, seq: u64) -> Job {
    let shape = seq % SHAPES;
    let hash = fx_core::hashing::sha256_tagged(format!("synthetic artifact {seq}").as_bytes());
    let hex = hash.trim_start_matches("sha256:").to_owned();
    let path = if seq % 13 == 12 {
        let mut raw = format!("odd/name-{seq}.bin").into_bytes();
        raw.insert(8, 0xff);
        Text::from_bytes(&raw)
    } else {
        Text::from(format!(
            "evidence/{}/{seq}.{}",
            shape_name(shape),
            extension(shape)
        ))
    };
    let readable = shape != 7;
    let mut job = Job {
        fx: fx_core::JOB_FORMAT.into(),
        run_id: run_id.into(),
        artifact: Artifact {
            artifact_id: fx_core::ids::short_id("synth", &[hash.as_bytes()]),
            artifact_hash: readable.then(|| hash.clone()),
            artifact_ref: readable
                .then(|| format!("blobs/sha256/{}/{}/{}", &hex[..2], &hex[2..4], hex)),
            artifact_seq: seq,
            size: readable.then_some(256 + (seq * 37) % 4096),
            intake: Intake {
                case: "synthetic".into(),
                source: "bench".into(),
                tenant: tenant.into(),
                path,
                collected_at: (seq % 2 == 0).then(|| "2026-01-01T00:00:00Z".into()),
                hints: Default::default(),
                bundle: (shape == 8).then(|| format!("bundle-{seq}")),
            },
            custody: Vec::new(),
            members: Vec::new(),
        },
        events: vec![if readable {
            Event::ok("ingest", "read").with_data(json!({"hashed_bytes": 256 + (seq * 37) % 4096}))
        } else {
            Event::error(
                "ingest",
                "read",
                ErrorInfo::new(FailureKind::Unreadable).detail("permission denied"),
            )
        }],
    };
    if shape == 8 {
        job.artifact.artifact_ref = None;
        for role in ["public_key", "signature", "message"] {
            job.artifact.members.push(Member {
                role: role.into(),
                path: Text::from(format!("bundle-{seq}/{role}.bin")),
                hash: Some(hash.clone()),
                artifact_ref: Some(format!("blobs/sha256/{}/{}/{}", &hex[..2], &hex[2..4], hex)),
                size: Some(1952),
            });
        }
    }
    add_events(&mut job, shape, seq);
    job
}

fn shape_name(shape: u64) -> &'static str {
    [
        "certs",
        "hashes",
        "ciphertexts",
        "pqc",
        "binaries",
        "captures",
        "broken",
        "unreadable",
        "bundles",
    ][usize::try_from(shape).unwrap_or(0) % 9]
}

fn extension(shape: u64) -> &'static str {
    ["pem", "txt", "bin", "pub", "so", "pcap", "der", "bin", "d"]
        [usize::try_from(shape).unwrap_or(0) % 9]
}

fn labels(labels: &[Label]) -> Conclusion {
    Conclusion {
        labels: labels.to_vec(),
        ..Default::default()
    }
}

fn route(job: &mut Job, assigned: &[(Label, u64)]) {
    let list: Vec<_> = assigned
        .iter()
        .map(|(l, c)| json!({"label": l.as_str(), "confidence": c, "signals": ["synthetic"]}))
        .collect();
    let ls: Vec<Label> = assigned.iter().map(|(l, _)| *l).collect();
    job.push(
        Event::ok("route", "label")
            .with_data(json!({"labels": list, "sniffed_bytes": 4096, "entropy_millibits": 7_912, "text": false}))
            .with_conclusion(labels(&ls)),
    );
    job.push(Event::ok("route", "decision").with_data(json!({
        "allow": ["inspect"], "deny": [], "labels": ls.iter().map(|l| l.as_str()).collect::<Vec<_>>()
    })));
}

fn skips(job: &mut Job, module: &str, steps: &[&str], reason: &str) {
    for s in steps {
        job.push(Event::skipped(module, s, reason));
    }
}

const PROBES: &[&str] = &["hash_kdf", "symmetric", "pqc", "hybrid"];

fn add_events(job: &mut Job, shape: u64, seq: u64) {
    match shape {
        0 => {
            route(job, &[(Label::Certificate, 980)]);
            job.push(Event::ok("inspect", "pem").with_conclusion(Conclusion {
                encoding: Some(Encoding::Pem),
                ..Default::default()
            }));
            let rsa = seq % 2 == 0;
            job.push(
                Event::ok("inspect", "x509").with_conclusion(Conclusion {
                    container: Some(Container::X509Certificate),
                    algorithm: Some(if rsa { "RSA" } else { "EC" }.into()),
                    oid: Some(
                        if rsa {
                            "1.2.840.113549.1.1.1"
                        } else {
                            "1.2.840.10045.2.1"
                        }
                        .into(),
                    ),
                    key_bits: Some(if rsa { 2048 } else { 256 }),
                    curve: (!rsa).then(|| "P-256".into()),
                    ..Default::default()
                }),
            );
            job.push(Event::ok("inspect", "crosscheck").with_data(
                json!({"tool": "openssl", "check": "x509_serial", "agree": seq % 17 != 0}),
            ));
            skips(job, "probe", PROBES, "not_applicable");
            skips(job, "fingerprint", &["binary", "capture"], "not_applicable");
        }
        1 => {
            route(job, &[(Label::HashKdfMaterial, 950)]);
            job.push(Event::ok("inspect", "text").with_conclusion(Conclusion {
                container: Some(Container::PasswordHash),
                encoding: Some(Encoding::Text),
                ..Default::default()
            }));
            job.push(Event::ok("probe", "hash_kdf").with_conclusion(Conclusion {
                hash: Some(json!({
                    "scheme": "bcrypt", "hashcat_mode": 3200, "john_format": "bcrypt",
                    "params": {"cost": 4 + seq % 9, "salt_bytes": 16},
                    "weaknesses": if seq % 2 == 0 { json!(["iterations_below_baseline"]) } else { json!([]) },
                    "baseline": "owasp-2025",
                    "totals": {"lines_seen": 3, "identified": 3, "unidentified": 0, "not_audited": 0,
                               "not_text": 0, "per_scheme": {"bcrypt": 3}, "truncated": false}
                })),
                ..Default::default()
            }));
            skips(job, "probe", &PROBES[1..], "policy:audit_only_hashes");
            skips(job, "fingerprint", &["binary", "capture"], "not_applicable");
        }
        2 => {
            route(
                job,
                &[(Label::SymmetricCiphertext, 700), (Label::Compressed, 100)],
            );
            job.push(Event::ok("inspect", "raw").with_conclusion(Conclusion {
                container: Some(Container::Raw),
                encoding: Some(Encoding::Raw),
                ..Default::default()
            }));
            job.push(Event::ok("probe", "symmetric").with_conclusion(Conclusion {
                cipher: Some(json!({
                    "block_size": 16, "mode_hints": ["ecb"], "ecb_repeats": seq % 5,
                    "entropy_bits_per_byte": 7.9123, "chi_square": 251.25, "class": "ecb_like",
                    "mod8": 0, "mod16": if seq % 3 == 0 { 8 } else { 0 }
                })),
                ..Default::default()
            }));
            skips(
                job,
                "probe",
                &["hash_kdf", "pqc", "hybrid"],
                "not_applicable",
            );
            skips(job, "fingerprint", &["binary", "capture"], "not_applicable");
        }
        3 => {
            route(
                job,
                &[(Label::KeyMaterial, 800), (Label::KemTranscript, 400)],
            );
            job.push(
                Event::ok("inspect", "regions")
                    .with_data(json!({"kept": 16, "dropped": 3, "caps_hit": ["budget:max_regions"]}))
                    .with_conclusion(Conclusion {
                        regions: vec![
                            json!({"offset": 0, "length": 1184, "kind": "kem_public_key", "algorithm": "ML-KEM-768", "score": 0.9}),
                            json!({"offset": 0, "length": 1088, "kind": "kem_ciphertext", "algorithm": "ML-KEM-768", "score": 0.3}),
                        ],
                        ..Default::default()
                    }),
            );
            job.push(Event::ok("probe", "pqc").with_conclusion(Conclusion {
                algorithm: Some("ML-KEM-768".into()),
                pqc: Some(json!({
                    "candidates": [{"algorithm": "ML-KEM-768", "object": "public_key", "score": 0.9}],
                    "valid_structure": true
                })),
                ..Default::default()
            }));
            job.push(Event::skipped(
                "probe",
                "pqc_decapsulate",
                "policy:decapsulation_disabled",
            ));
            skips(
                job,
                "probe",
                &["hash_kdf", "symmetric", "hybrid"],
                "not_applicable",
            );
            skips(job, "fingerprint", &["binary", "capture"], "not_applicable");
        }
        4 => {
            route(job, &[(Label::BinaryTarget, 990)]);
            job.push(Event::ok("inspect", "binary").with_conclusion(Conclusion {
                container: Some(Container::Elf),
                ..Default::default()
            }));
            skips(job, "probe", PROBES, "not_applicable");
            job.push(Event::ok("fingerprint", "binary").with_conclusion(Conclusion {
                libraries: vec![json!({"name": "openssl", "version": "3.0.19", "evidence": ["needed", "symbols"], "role": if seq % 2 == 0 { "consumer" } else { "static_copy" }})],
                ..Default::default()
            }));
            job.push(Event::skipped(
                "fingerprint",
                "deep",
                "policy:heavy_work_disabled",
            ));
        }
        5 => {
            route(job, &[(Label::ProtocolCapture, 990)]);
            job.push(Event::ok("inspect", "pcap").with_conclusion(Conclusion {
                container: Some(Container::Pcap),
                encoding: Some(Encoding::Raw),
                ..Default::default()
            }));
            skips(job, "probe", PROBES, "not_applicable");
            job.push(Event::ok("fingerprint", "capture").with_conclusion(Conclusion {
                tls: Some(json!({
                    "ja4": ["t13d1516h2_8daaf6152771_e5627efa2ab1"],
                    "ja3": ["cd08e31494f9531f560d64c695473da9"],
                    "versions": ["TLSv1.3"],
                    "groups": ["X25519MLKEM768", "x25519", "secp256r1"],
                    "pq_groups": if seq % 2 == 0 { json!(["X25519MLKEM768"]) } else { json!([]) },
                    "sni": ["example.com"]
                })),
                ..Default::default()
            }));
            job.push(Event::skipped("fingerprint", "tshark", "tool_unavailable"));
        }
        6 => {
            route(job, &[(Label::Certificate, 600), (Label::Unknown, 200)]);
            job.push(Event::error(
                "inspect",
                "x509",
                ErrorInfo::new(FailureKind::Truncated)
                    .at(812)
                    .detail("certificate ends inside tbsCertificate"),
            ));
            job.push(Event::ok("inspect", "der").with_conclusion(Conclusion {
                encoding: Some(Encoding::Der),
                failures: vec![FailureKind::Truncated, FailureKind::TrailingData],
                ..Default::default()
            }));
            skips(job, "probe", PROBES, "not_applicable");
            skips(job, "fingerprint", &["binary", "capture"], "not_applicable");
        }
        7 => {
            skips(job, "route", &["label"], "unreadable");
            skips(job, "inspect", &["stage"], "unreadable");
            skips(job, "probe", &["stage"], "unreadable");
            skips(job, "fingerprint", &["stage"], "unreadable");
        }
        _ => {
            route(
                job,
                &[(Label::KeyMaterial, 900), (Label::SignatureBlob, 900)],
            );
            job.push(Event::ok("inspect", "bundle").with_conclusion(Conclusion {
                algorithm: Some("ML-DSA-65".into()),
                oid: Some("2.16.840.1.101.3.4.3.18".into()),
                ..Default::default()
            }));
            job.push(Event::ok("probe", "pqc").with_conclusion(Conclusion {
                pqc: Some(json!({
                    "candidates": [{"algorithm": "ML-DSA-65", "object": "public_key", "score": 1.0},
                                   {"algorithm": "ML-DSA-65", "object": "signature", "score": 1.0}],
                    "valid_structure": true, "verified": seq % 4 != 0
                })),
                ..Default::default()
            }));
            skips(
                job,
                "probe",
                &["hash_kdf", "symmetric", "hybrid"],
                "not_applicable",
            );
            skips(job, "fingerprint", &["binary", "capture"], "not_applicable");
        }
    }
}

/// Stamps a job as fx-seq does for `telemetry/jobs.jsonl`: every event gets
/// `run_id`, `artifact_id`, `artifact_seq` and the next `event_seq`, and the
/// job ends with its summary event. Returns the next free `event_seq`.
pub fn sequence(job: &mut Job, mut event_seq: u64) -> u64 {
    let summary = fx_core::summary::summarize(job);
    job.events.push(summary);
    for e in &mut job.events {
        e.run_id = Some(job.run_id.clone());
        e.artifact_id = Some(job.artifact.artifact_id.clone());
        e.artifact_seq = Some(job.artifact.artifact_seq);
        e.event_seq = Some(event_seq);
        event_seq += 1;
    }
    event_seq
}
