//! Synthetic job lines with realistic events, for the tests and the
//! benchmark (`cargo run -p fx-features --example synth_jobs`).
//!
//! Job `seq` is one of nine shapes, chosen by `seq % 9`: a PEM RSA
//! certificate, a file of password hashes, an ECB-looking ciphertext, an
//! ML-KEM-768 public key, an ELF binary linking OpenSSL, a pcap with a
//! post-quantum ClientHello, a truncated DER certificate, an unreadable file,
//! and a key + signature + message bundle. Every 13th path is not valid
//! UTF-8. The events follow the shapes the stages document (route
//! `label`/`decision`, inspect, probe, fingerprint steps, the weak-key
//! audit of the certificates' keys, skips with their reasons), built through the records of `fx-facts` so that they have the
//! types the stages write; nothing here is evidence.

use std::collections::BTreeMap;

use fx_core::event::{ErrorInfo, Event};
use fx_core::job::{Artifact, Intake, Job, Member};
use fx_core::text::Text;
use fx_core::vocab::{Conclusion, Container, Encoding, FailureKind, KeyWeakness, Label};
use fx_facts::crosscheck::{Compared, OpensslCrosscheck};
use fx_facts::route::{LabelScore, RouteDecisionData, RouteLabelData, RoutePolicy};
use fx_facts::triage::RegionsData;
use fx_facts::weakkey::{AUDIT_MODULE, AUDIT_STEP, AuditedKey, WeakKeyAudit};
use fx_facts::{
    CipherSignals, HashConclusion, HashParams, HashTotals, Library, PqcCandidate, PqcConclusion,
    Region, TlsConclusion,
};
use serde::Serialize;
use serde_json::{Map, Value, json};

/// A record as the JSON object an event carries.
fn object<T: Serialize>(record: &T) -> Map<String, Value> {
    match serde_json::to_value(record) {
        Ok(Value::Object(m)) => m,
        _ => Map::new(),
    }
}

/// A record as a JSON value.
fn value<T: Serialize>(record: &T) -> Value {
    serde_json::to_value(record).unwrap_or(Value::Null)
}

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
                collected_at: seq.is_multiple_of(2).then(|| "2026-01-01T00:00:00Z".into()),
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

fn route(job: &mut Job, assigned: &[(Label, u16)]) {
    let ls: Vec<Label> = assigned.iter().map(|(l, _)| *l).collect();
    let sniffed = RouteLabelData {
        labels: assigned
            .iter()
            .map(|&(label, confidence)| LabelScore {
                label,
                confidence,
                signals: vec!["synthetic".into()],
            })
            .collect(),
        entropy_millibits: 7_912,
        size: job.artifact.size.unwrap_or(0),
        sniffed_bytes: 4096,
        text: false,
    };
    job.push(
        Event::ok("route", "label")
            .with_data(Value::Object(object(&sniffed)))
            .with_conclusion(labels(&ls)),
    );
    let decision = RouteDecisionData {
        allow: vec!["inspect".into()],
        deny: Vec::new(),
        labels: ls,
        roles: Vec::new(),
        policy: RoutePolicy {
            audit_only_hashes: true,
            decapsulation: false,
            heavy_work: false,
            tamper_checks: false,
            tools: true,
            verification: true,
        },
    };
    job.push(Event::ok("route", "decision").with_data(Value::Object(object(&decision))));
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
            let rsa = seq.is_multiple_of(2);
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
            let agree = !seq.is_multiple_of(17);
            let check = OpensslCrosscheck {
                agree,
                check: "x509_serial".into(),
                differed: if agree {
                    Vec::new()
                } else {
                    vec!["serial".into()]
                },
                native: Some(Compared::Text("0123456789ABCDEF".into())),
                openssl: Some(Compared::Text(
                    if agree {
                        "0123456789ABCDEF"
                    } else {
                        "0123456789ABCDEE"
                    }
                    .into(),
                )),
                openssl_read: true,
                tool: "openssl".into(),
            };
            job.push(Event::ok("inspect", "crosscheck").with_data(Value::Object(object(&check))));
            skips(job, "probe", PROBES, "not_applicable");
            skips(job, "fingerprint", &["binary", "capture"], "not_applicable");
            job.push(weak_key_audit(seq, rsa));
        }
        1 => {
            route(job, &[(Label::HashKdfMaterial, 950)]);
            job.push(Event::ok("inspect", "text").with_conclusion(Conclusion {
                container: Some(Container::PasswordHash),
                encoding: Some(Encoding::Text),
                ..Default::default()
            }));
            job.push(Event::ok("probe", "hash_kdf").with_conclusion(Conclusion {
                hash: Some(value(&synthetic_hash(seq))),
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
                cipher: Some(value(&CipherSignals {
                    length: 4096,
                    scanned_bytes: 4096,
                    block_size: Some(16),
                    mode_hints: Some(vec!["ecb".into()]),
                    ecb_repeats: Some(seq % 5),
                    entropy_bits_per_byte: Some(7.9123),
                    chi_square: Some(251.25),
                    class: Some("ecb_like".into()),
                    mod8: Some(0),
                    mod16: Some(if seq.is_multiple_of(3) { 8 } else { 0 }),
                    ..Default::default()
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
                    .with_data(Value::Object(object(&RegionsData {
                        candidates: 19,
                        kept: 16,
                        hypotheses: Vec::new(),
                        caps_hit: vec!["budget:max_regions".into()],
                        dropped: Some(3),
                        dropped_regions: Some(vec![
                            region(64, "der_element", 120),
                            region(32, "der_element", 110),
                            region(16, "der_element", 100),
                        ]),
                    })))
                    .with_conclusion(Conclusion {
                        regions: vec![
                            value(&region(1184, "kem_public_key", 900)),
                            value(&region(1088, "kem_ciphertext", 300)),
                        ],
                        ..Default::default()
                    }),
            );
            job.push(Event::ok("probe", "pqc").with_conclusion(Conclusion {
                algorithm: Some("ML-KEM-768".into()),
                pqc: Some(value(&PqcConclusion {
                    candidates: vec![candidate("ML-KEM-768", "public_key", 220)],
                    valid_structure: Some(true),
                    verified: None,
                    decapsulated: None,
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
            job.push(
                Event::ok("fingerprint", "binary").with_conclusion(Conclusion {
                    libraries: vec![value(&Library {
                        name: "openssl".into(),
                        version: Some("3.0.19".into()),
                        role: Some(
                            if seq.is_multiple_of(2) {
                                "consumer"
                            } else {
                                "static_copy"
                            }
                            .into(),
                        ),
                        evidence: vec!["needed".into(), "symbols".into()],
                        confidence: Some(950),
                    })],
                    ..Default::default()
                }),
            );
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
            job.push(
                Event::ok("fingerprint", "capture").with_conclusion(Conclusion {
                    tls: Some(value(&TlsConclusion {
                        ja4: vec!["t13d1516h2_8daaf6152771_e5627efa2ab1".into()],
                        ja3: vec!["cd08e31494f9531f560d64c695473da9".into()],
                        versions: vec!["TLSv1.3".into()],
                        groups: vec!["X25519MLKEM768".into(), "x25519".into(), "secp256r1".into()],
                        pq_groups: if seq.is_multiple_of(2) {
                            vec!["X25519MLKEM768".into()]
                        } else {
                            Vec::new()
                        },
                        sni: vec!["example.com".into()],
                    })),
                    ..Default::default()
                }),
            );
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
                pqc: Some(value(&PqcConclusion {
                    candidates: vec![
                        candidate("ML-DSA-65", "public_key", 220),
                        candidate("ML-DSA-65", "signature", 220),
                    ],
                    valid_structure: Some(true),
                    verified: Some(!seq.is_multiple_of(4)),
                    decapsulated: None,
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

/// The weak-key audit's event on a certificate's key: every fourth job's
/// RSA key shares a prime with another and has a small exponent; the other
/// keys are fine (an `ok` event without a conclusion).
fn weak_key_audit(seq: u64, rsa: bool) -> Event {
    let weak = rsa && seq.is_multiple_of(4);
    let weaknesses = [KeyWeakness::SharedPrime, KeyWeakness::SmallExponent];
    let audit = WeakKeyAudit {
        keys_read: 1,
        keys: if weak {
            vec![AuditedKey {
                key: fx_core::hashing::sha256_tagged(format!("synthetic key {seq}").as_bytes()),
                algorithm: "rsa".into(),
                bits: 2048,
                curve: None,
                weaknesses: weaknesses.iter().map(|w| w.as_str().to_owned()).collect(),
                shared_with: 1,
                failure: None,
            }]
        } else {
            Vec::new()
        },
        ..Default::default()
    };
    let event = Event::ok(AUDIT_MODULE, AUDIT_STEP).with_data(Value::Object(object(&audit)));
    if weak {
        event.with_conclusion(Conclusion {
            key_weaknesses: weaknesses.to_vec(),
            ..Default::default()
        })
    } else {
        event
    }
}

fn region(length: u64, kind: &str, score: u64) -> Region {
    Region {
        offset: 0,
        length,
        kind: kind.into(),
        algorithm: Some("ML-KEM-768".into()),
        score: Some(score),
        block: None,
        source: None,
    }
}

fn candidate(algorithm: &str, object: &str, score: i64) -> PqcCandidate {
    PqcCandidate {
        algorithm: algorithm.into(),
        object: object.into(),
        score,
        invalid_at: None,
    }
}

/// A bcrypt audit of three lines (cost `4 + seq % 9`).
fn synthetic_hash(seq: u64) -> HashConclusion {
    let weaknesses: Vec<String> = if seq.is_multiple_of(2) {
        vec!["iterations_below_baseline".into()]
    } else {
        Vec::new()
    };
    HashConclusion {
        scheme: Some("bcrypt".into()),
        hashcat_mode: Some(3200),
        john_format: Some("bcrypt".into()),
        params: HashParams {
            cost: u32::try_from(4 + seq % 9).ok(),
            salt_bytes: Some(16),
            ..Default::default()
        },
        weaknesses: weaknesses.clone(),
        baseline: "owasp-2025".into(),
        totals: HashTotals {
            lines_seen: 3,
            identified: 3,
            per_scheme: BTreeMap::from([("bcrypt".to_owned(), 3)]),
            per_weakness: weaknesses.into_iter().map(|w| (w, 3)).collect(),
            bytes_scanned: 183,
            ..Default::default()
        },
        alternatives: Some(Vec::new()),
        context: Some("bare".into()),
        lines: None,
    }
}

#[cfg(test)]
mod tests {
    /// Every synthetic event has the types the stages write: read with the
    /// records of fx-facts and written back, it gives the same JSON.
    #[test]
    fn synthetic_events_match_the_records_of_fx_facts() {
        for seq in 0..2 * super::SHAPES {
            for e in &super::job("r", "t", seq).events {
                let m = fx_facts::conformance::check_event(e);
                assert!(m.is_empty(), "shape {seq}: {m:?}");
            }
        }
    }
}
