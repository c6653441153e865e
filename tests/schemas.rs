//! The JSON Schemas in `schemas/` and the Rust types stay in step: the
//! vocabulary enums match, records built from the types validate, and every
//! line the real commands write over the bundled samples validates — job
//! lines, telemetry, manifests, report, the registry and every file under
//! `RUN/metrics/` (a metrics file without a schema fails the batch test).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;

use fx_core::vocab::{Container, Encoding, FailureKind, KeyWeakness, Label};
use serde_json::Value;

use common::{assert_schema_valid, schema, schema_validator};

fn enum_of(v: &Value) -> Vec<String> {
    v["enum"]
        .as_array()
        .expect("enum")
        .iter()
        .map(|x| x.as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn vocabulary_matches_the_schemas() {
    let c = schema("conclusion.schema.json");
    let p = &c["properties"];
    let names = |all: Vec<&str>| all.into_iter().map(str::to_owned).collect::<Vec<_>>();
    assert_eq!(
        enum_of(&p["labels"]["items"]),
        names(Label::ALL.iter().map(|x| x.as_str()).collect())
    );
    assert_eq!(
        enum_of(&p["container"]),
        names(Container::ALL.iter().map(|x| x.as_str()).collect())
    );
    assert_eq!(
        enum_of(&p["encoding"]),
        names(Encoding::ALL.iter().map(|x| x.as_str()).collect())
    );
    let failures = names(FailureKind::ALL.iter().map(|x| x.as_str()).collect());
    assert_eq!(enum_of(&p["failures"]["items"]), failures);
    let weaknesses = names(KeyWeakness::ALL.iter().map(|x| x.as_str()).collect());
    assert_eq!(enum_of(&p["key_weaknesses"]["items"]), weaknesses);
    assert_eq!(
        weaknesses,
        names(fx_facts::weakkey::WEAKNESS_IDS.to_vec()),
        "fx-weakkeys' ids are the vocabulary's"
    );
    let e = schema("event.schema.json");
    assert_eq!(
        enum_of(&e["properties"]["error"]["properties"]["kind"]),
        failures
    );
    // The report counts fx-ingest's skip reasons, and the key weaknesses.
    let r = schema("report.schema.json");
    assert_eq!(
        enum_of(&r["properties"]["key_weaknesses"]["propertyNames"]),
        weaknesses
    );
    assert_eq!(
        enum_of(&r["properties"]["skipped"]["propertyNames"]),
        names(fx_ingest::walk::skip::ALL.to_vec())
    );
}

#[test]
fn records_built_from_the_types_validate() {
    use fx_core::event::{ErrorInfo, Event, StreamRef, ToolRun};
    use fx_core::text::Text;
    use fx_core::vocab::Conclusion;
    let dir = tempfile::tempdir().unwrap();
    let run = fx_core::testing::scratch_run(dir.path(), Default::default()).unwrap();
    let mut job = fx_core::testing::job_for(&run, "a/b.pem", b"bytes", 3).unwrap();
    job.artifact.intake.path = Text::from_bytes(b"bad\xffpath");
    job.push(Event::ok("route", "label").with_conclusion(Conclusion {
        labels: vec![Label::Certificate],
        container: Some(Container::X509Certificate),
        encoding: Some(Encoding::Pem),
        algorithm: Some("ML-DSA-65".into()),
        oid: Some("2.16.840.1.101.3.4.3.18".into()),
        failures: vec![FailureKind::Truncated],
        ..Default::default()
    }));
    job.push(Event::error(
        "inspect",
        "der",
        ErrorInfo::new(FailureKind::Truncated).at(812).detail("cut"),
    ));
    job.push(Event::skipped(
        "probe",
        "pqc",
        "policy:decapsulation_disabled",
    ));
    let stream = StreamRef {
        blob_ref: format!("blobs/sha256/ab/{}", "c".repeat(62)),
        hash: format!("sha256:{}", "d".repeat(64)),
        bytes: 10,
        kept: 10,
        truncated: false,
    };
    job.push(Event::ok("inspect", "tool:openssl").with_tool(ToolRun {
        name: "openssl".into(),
        version: Some("OpenSSL 3.0".into()),
        binary_hash: Some(format!("sha256:{}", "e".repeat(64))),
        argv: vec![Text::from("x509"), Text::from("$WS/artifact")],
        exit_code: Some(0),
        signal: None,
        timed_out: false,
        sandbox: "netns".into(),
        stdout: Some(stream.clone()),
        stderr: Some(stream),
    }));
    // A file reached under several paths lists them in its custody.
    job.artifact.custody.push(fx_core::job::CustodyNote {
        actor: "fx-ingest 0.1.0".into(),
        action: "reached".into(),
        note: None,
        path: Some(Text::from_bytes(b"certs/\xff.pem")),
    });
    assert_schema_valid(
        &schema_validator("job.schema.json"),
        "job",
        &serde_json::to_value(&job).unwrap(),
    );
    let manifest: Value = serde_json::from_slice(
        &std::fs::read(dir.path().join("manifests/run_manifest.json")).unwrap(),
    )
    .unwrap();
    assert_schema_valid(
        &schema_validator("run_manifest.schema.json"),
        "manifest",
        &manifest,
    );

    // And the schema is strict: unknown fields and missing reasons are refused.
    let mut bad = serde_json::to_value(&job).unwrap();
    bad["events"][2].as_object_mut().unwrap().remove("reason");
    assert!(!schema_validator("job.schema.json").is_valid(&bad));
    let mut bad = serde_json::to_value(&job).unwrap();
    bad["artifact"]["surprise"] = Value::Bool(true);
    assert!(!schema_validator("job.schema.json").is_valid(&bad));
}

#[test]
fn every_line_the_batch_writes_validates() {
    let out = common::batch_over_samples();
    let job_v = schema_validator("job.schema.json");
    let event_v = schema_validator("event.schema.json");
    let mut lines = 0;
    for (stage, stream) in &out.stage_outputs {
        for line in stream.lines() {
            let v: Value = serde_json::from_str(line).unwrap();
            assert_schema_valid(&job_v, &format!("{stage} job line"), &v);
            lines += 1;
        }
    }
    for name in ["events.jsonl", "tool_run_events.jsonl"] {
        let text = std::fs::read_to_string(out.run.join("telemetry").join(name)).unwrap();
        for line in text.lines() {
            let v: Value = serde_json::from_str(line).unwrap();
            assert_schema_valid(&event_v, name, &v);
            assert!(
                v.get("event_seq").is_some(),
                "{name}: unsequenced event {v}"
            );
            lines += 1;
        }
    }
    let jobs = std::fs::read_to_string(out.run.join("telemetry/jobs.jsonl")).unwrap();
    for line in jobs.lines() {
        assert_schema_valid(
            &job_v,
            "telemetry/jobs.jsonl",
            &serde_json::from_str(line).unwrap(),
        );
    }
    for (file, schema_name) in [
        ("manifests/run_manifest.json", "run_manifest.schema.json"),
        (
            "manifests/tool_inventory.json",
            "tool_inventory.schema.json",
        ),
        ("reports/summary.json", "report.schema.json"),
    ] {
        let v: Value = serde_json::from_slice(&std::fs::read(out.run.join(file)).unwrap()).unwrap();
        assert_schema_valid(&schema_validator(schema_name), file, &v);
    }
    assert!(lines > 0, "the batch wrote nothing");
    registry_matches_the_ingested_jobs(&out);
    let metrics = every_metrics_file_validates(&out.run);
    for written in ["fx-ingest.json", "seq.json", "stages.jsonl"] {
        assert!(
            metrics.iter().any(|m| m == written),
            "the batch wrote no metrics/{written} (found {metrics:?})"
        );
    }
}

/// Every kind of file the commands write under `RUN/metrics/`, with its
/// schema (for a `.jsonl` file, the schema of one line). A new metrics file
/// must come with a schema listed here, or the batch test fails.
const METRICS_SCHEMAS: &[(&str, &str)] = &[
    ("fx-ingest.json", "metrics_ingest.schema.json"),
    ("seq.json", "metrics_seq.schema.json"),
    (
        "fingerprint_cache.jsonl",
        "metrics_fingerprint_cache.schema.json",
    ),
    ("stages.jsonl", "metrics_stage.schema.json"),
    ("spark_batch.json", "metrics_spark_batch.schema.json"),
    ("metrics.json", "metrics_run.schema.json"),
    ("cache.jsonl", "metrics_cache.schema.json"),
    ("heavy.jsonl", "metrics_heavy.schema.json"),
];

/// Pages `fx-report --metrics` writes beside its data (checked by content in
/// `the_metrics_page_reads_every_metrics_file`, not by a schema).
const METRICS_PAGES: &[&str] = &["metrics.html"];

/// Validates every file of `run/metrics/` against its schema; fails on a
/// file no schema covers. Returns the file names, sorted.
fn every_metrics_file_validates(run: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(run.join("metrics"))
        .expect("RUN/metrics")
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    for name in &names {
        if METRICS_PAGES.contains(&name.as_str()) {
            continue;
        }
        let Some((_, schema_name)) = METRICS_SCHEMAS.iter().find(|(f, _)| f == name) else {
            panic!(
                "RUN/metrics/{name} has no schema: add schemas/metrics_<kind>.schema.json \
                 and list it in METRICS_SCHEMAS (tests/schemas.rs)"
            )
        };
        let v = schema_validator(schema_name);
        let path = run.join("metrics").join(name);
        let text = std::fs::read_to_string(&path).unwrap();
        if name.ends_with(".jsonl") {
            assert!(
                text.ends_with('\n'),
                "metrics/{name}: last line unterminated"
            );
            for (i, line) in text.lines().enumerate() {
                let line: Value = serde_json::from_str(line).unwrap();
                assert_schema_valid(&v, &format!("metrics/{name} line {}", i + 1), &line);
            }
        } else {
            assert_schema_valid(
                &v,
                &format!("metrics/{name}"),
                &serde_json::from_str(&text).unwrap(),
            );
        }
    }
    names
}

/// Every registry line validates, reads back into `RegistryLine` and writes
/// the same bytes, and is the artifact of the job line fx-ingest printed
/// (less `artifact_seq` and `custody`), in the same order.
fn registry_matches_the_ingested_jobs(out: &common::BatchOutput) {
    use fx_ingest::registry::{REGISTRY, RegistryLine};
    let v = schema_validator("registry_line.schema.json");
    let text = std::fs::read_to_string(out.run.join(REGISTRY)).unwrap();
    let (stage, jobs) = &out.stage_outputs[0];
    assert_eq!(stage, "fx-ingest");
    let jobs: Vec<&str> = jobs.lines().collect();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines.len(),
        jobs.len(),
        "one registry line per ingested job"
    );
    for (i, (line, job)) in lines.iter().zip(&jobs).enumerate() {
        let what = format!("{REGISTRY} line {}", i + 1);
        let value: Value = serde_json::from_str(line).unwrap();
        assert_schema_valid(&v, &what, &value);
        let typed: RegistryLine = serde_json::from_str(line).expect(&what);
        assert_eq!(&serde_json::to_string(&typed).unwrap(), line, "{what}");
        let mut artifact = serde_json::from_str::<Value>(job).unwrap()["artifact"].take();
        let a = artifact.as_object_mut().unwrap();
        a.remove("artifact_seq");
        a.remove("custody");
        let mut expected = serde_json::Map::new();
        expected.insert("fx".into(), "registry/1".into());
        expected.extend(a.clone());
        assert_eq!(
            value,
            Value::Object(expected),
            "{what} is not its job's artifact"
        );
    }
}

/// Registry lines of the three shapes fx-ingest writes: a readable file, an
/// unreadable one, a bundle.
fn registry_lines() -> Vec<fx_ingest::registry::RegistryLine> {
    use fx_core::job::{Intake, Member};
    use fx_core::text::Text;
    use fx_ingest::registry::{REGISTRY_FORMAT, RegistryLine};
    let intake = |path: Text, bundle: Option<&str>| Intake {
        case: "c".into(),
        source: "local".into(),
        tenant: "default".into(),
        path,
        collected_at: Some("2024-01-01".into()),
        hints: [("k".to_owned(), Value::from(1))].into(),
        bundle: bundle.map(str::to_owned),
    };
    let hash = format!("sha256:{}", "a".repeat(64));
    let blob = format!("blobs/sha256/aa/{}", "a".repeat(62));
    vec![
        RegistryLine {
            fx: REGISTRY_FORMAT.into(),
            artifact_id: "0".repeat(32),
            artifact_hash: Some(hash.clone()),
            artifact_ref: Some(blob.clone()),
            size: Some(7),
            intake: intake(Text::from_bytes(b"bad\xffpath"), None),
            members: Vec::new(),
        },
        RegistryLine {
            fx: REGISTRY_FORMAT.into(),
            artifact_id: "1".repeat(32),
            artifact_hash: None,
            artifact_ref: None,
            size: None,
            intake: intake(Text::from("gone"), None),
            members: Vec::new(),
        },
        RegistryLine {
            fx: REGISTRY_FORMAT.into(),
            artifact_id: "2".repeat(32),
            artifact_hash: Some(hash.clone()),
            artifact_ref: None,
            size: Some(7),
            intake: intake(Text::from("b1"), Some("b1")),
            members: vec![Member {
                role: "key".into(),
                path: Text::from("b1/key.pem"),
                hash: Some(hash),
                artifact_ref: Some(blob),
                size: Some(7),
            }],
        },
    ]
}

#[test]
fn registry_lines_built_from_the_type_validate() {
    let v = schema_validator("registry_line.schema.json");
    let schema = schema("registry_line.schema.json");
    let mut listed: Vec<&String> = schema["properties"].as_object().unwrap().keys().collect();
    listed.sort();
    let mut written = std::collections::BTreeSet::new();
    for line in registry_lines() {
        let value = serde_json::to_value(&line).unwrap();
        assert_schema_valid(&v, "registry line", &value);
        written.extend(value.as_object().unwrap().keys().cloned());
    }
    // The schema lists exactly the fields the type writes.
    assert_eq!(listed, written.iter().collect::<Vec<_>>());
}

#[test]
fn the_fingerprint_cache_lines_validate() {
    use fx_fingerprint::binary::heavy::{cache_key, record_cache};
    let dir = tempfile::tempdir().unwrap();
    let key = cache_key(&format!("sha256:{}", "a".repeat(64)), "sha256:toolchain");
    record_cache(dir.path(), &key, false);
    record_cache(dir.path(), &key, true);
    assert_eq!(
        every_metrics_file_validates(dir.path()),
        ["fingerprint_cache.jsonl"]
    );
}

/// The heavy pool's metrics lines and every kind of decision event's data
/// validate against their schemas.
#[test]
fn the_heavy_pool_lines_and_decisions_validate() {
    use fx_core::heavy::{Decision, HeavyModule, HeavyPool, Limit, LimitHit};
    use std::time::Duration;
    let dir = tempfile::tempdir().unwrap();
    let pool = HeavyPool::at(dir.path(), 1, Duration::from_millis(20));
    let policy = fx_core::policy::Policy::default();
    let module = HeavyModule::ProbeLiboqs;
    let held = pool
        .admit(module, module.limits(&policy), 0)
        .unwrap()
        .unwrap();
    // The only slot is held: the second task times out in the queue.
    assert!(
        pool.admit(module, module.limits(&policy), 0)
            .unwrap()
            .is_none()
    );
    held.finish(Decision::Admitted);
    assert_eq!(every_metrics_file_validates(dir.path()), ["heavy.jsonl"]);
    let schemas: Vec<_> = fx_facts::heavy::HEAVY_STEPS
        .iter()
        .map(|(m, st)| (*m, common::facts_validator(&format!("{m}/{st}"))))
        .collect();
    let hit = |limit, needed| {
        Decision::LimitHit(LimitHit {
            limit,
            allowed: 5,
            needed,
        })
    };
    for d in [
        Decision::Admitted,
        Decision::QueueTimeout,
        hit(Limit::Time, None),
        hit(Limit::Memory, Some(9)),
        hit(Limit::Output, Some(9)),
    ] {
        for m in HeavyModule::ALL {
            for (stage, schema) in &schemas {
                let event = serde_json::to_value(d.event(stage, m, &policy)).unwrap();
                assert_schema_valid(schema, "heavy decision", &event["data"]);
            }
        }
    }
}

/// The metrics schemas are strict (every field required, no other field),
/// and every `schemas/metrics_*.schema.json` is listed in `METRICS_SCHEMAS`.
#[test]
fn metrics_schemas_are_strict_and_listed() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas");
    let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.starts_with("metrics_"))
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = METRICS_SCHEMAS.iter().map(|(_, s)| s.to_string()).collect();
    listed.sort();
    assert_eq!(on_disk, listed);
    for (_, name) in METRICS_SCHEMAS {
        let s = schema(name);
        assert_eq!(s["additionalProperties"], Value::Bool(false), "{name}");
        let mut props: Vec<&str> = s["properties"]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let mut required: Vec<&str> = s["required"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r.as_str().unwrap())
            .collect();
        props.sort_unstable();
        required.sort_unstable();
        assert_eq!(props, required, "{name}: every field is always written");
        for (field, p) in s["properties"].as_object().unwrap() {
            assert!(p["description"].is_string(), "{name}: {field} undocumented");
        }
    }
}

/// A valid instance of a strict object schema: each property at its
/// `const`, first `enum` value, `minimum`, or (nested object) recursively.
fn example(s: &Value) -> Value {
    if let Some(c) = s.get("const") {
        return c.clone();
    }
    if let Some(e) = s.get("enum") {
        return e[0].clone();
    }
    if let Some(props) = s.get("properties").and_then(Value::as_object) {
        return Value::Object(props.iter().map(|(k, p)| (k.clone(), example(p))).collect());
    }
    if s["type"] == "array" {
        return Value::Array(Vec::new());
    }
    if s["pattern"] == "^(local|spark://|yarn|k8s://|mesos://)" {
        return Value::from("local[2]");
    }
    if s["pattern"] == "^[0-9a-f]{32}$" {
        return Value::from("0".repeat(32));
    }
    if s["pattern"] == "^[0-9a-f]{64}$" {
        return Value::from("0".repeat(64));
    }
    Value::from(s.get("minimum").and_then(Value::as_u64).unwrap_or(0) + 1)
}

#[test]
fn broken_registry_lines_and_metrics_are_rejected() {
    // Registry: each edit breaks one rule of a valid line.
    let v = schema_validator("registry_line.schema.json");
    let lines: Vec<Value> = registry_lines()
        .iter()
        .map(|l| serde_json::to_value(l).unwrap())
        .collect();
    let (single, bundle) = (&lines[0], &lines[2]);
    type Edit = fn(&mut Value);
    let broken: [(&Value, &str, Edit); 11] = [
        (single, "unknown field", |l| l["surprise"] = true.into()),
        (single, "wrong format tag", |l| {
            l["fx"] = "registry/2".into()
        }),
        (single, "short id", |l| l["artifact_id"] = "abc".into()),
        (single, "no intake", |l| {
            l.as_object_mut().unwrap().remove("intake");
        }),
        (single, "unknown intake field", |l| {
            l["intake"]["surprise"] = 1.into();
        }),
        (single, "negative size", |l| l["size"] = (-1).into()),
        (single, "ref without hash", |l| {
            l.as_object_mut().unwrap().remove("artifact_hash");
        }),
        (single, "bad blob ref", |l| {
            l["artifact_ref"] = "../x".into()
        }),
        (single, "bundle intake, no members", |l| {
            l["intake"]["bundle"] = "b".into();
        }),
        (bundle, "bundle with a blob ref", |l| {
            l["artifact_ref"] = format!("blobs/sha256/aa/{}", "a".repeat(62)).into();
        }),
        (bundle, "empty members", |l| {
            l["members"] = Value::Array(vec![])
        }),
    ];
    for (good, what, edit) in broken {
        assert!(v.is_valid(good), "{what}: the unedited line is valid");
        let mut bad = good.clone();
        edit(&mut bad);
        assert!(
            !v.is_valid(&bad),
            "registry line accepted with {what}: {bad}"
        );
    }

    // Metrics: the minimal valid object of each schema, then broken.
    for (file, name) in METRICS_SCHEMAS {
        let v = schema_validator(name);
        let good = example(&schema(name));
        assert_schema_valid(&v, file, &good);
        let fields: Vec<String> = good.as_object().unwrap().keys().cloned().collect();
        for field in &fields {
            let mut bad = good.clone();
            bad.as_object_mut().unwrap().remove(field);
            assert!(!v.is_valid(&bad), "{file} accepted without {field}");
            let mut bad = good.clone();
            bad[field] = Value::from("1");
            assert!(!v.is_valid(&bad), "{file} accepted a string {field}");
        }
        let mut bad = good.clone();
        bad["elapsed_s"] = 1.5.into();
        assert!(!v.is_valid(&bad), "{file} accepted an unknown field");
    }
    let seq = schema_validator("metrics_seq.schema.json");
    let mut bad = example(&schema("metrics_seq.schema.json"));
    bad["jobs"] = (-3).into();
    assert!(!seq.is_valid(&bad), "negative count");
    let ingest = schema_validator("metrics_ingest.schema.json");
    let good = example(&schema("metrics_ingest.schema.json"));
    let mut bad = good.clone();
    bad["phases_ms"]["sleep"] = 1.into();
    assert!(!ingest.is_valid(&bad), "unknown phase");
    let mut bad = good;
    bad["phases_ms"].as_object_mut().unwrap().remove("walk");
    assert!(!ingest.is_valid(&bad), "missing phase");
}

/// The guard of the batch test: a file under `RUN/metrics/` that no schema
/// covers fails it, naming the file.
#[test]
fn a_metrics_file_without_a_schema_fails() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("metrics")).unwrap();
    std::fs::write(dir.path().join("metrics/new-stage.json"), b"{}").unwrap();
    let failed = std::panic::catch_unwind(|| every_metrics_file_validates(dir.path()))
        .expect_err("an unschema'd metrics file was accepted");
    let message = failed
        .downcast_ref::<String>()
        .expect("panic message")
        .clone();
    assert!(
        message.contains("metrics/new-stage.json has no schema"),
        "{message}"
    );
}

/// `fx-report --metrics` over a batch: every stage's line merged into one
/// row, failure shapes counted as the telemetry has them, and the page
/// showing them (issue 14, observability).
#[test]
fn the_metrics_page_reads_every_metrics_file() {
    let out = common::batch_over_samples();
    let run = out.run.to_str().unwrap();
    let said = common::run_stage("fx-report", &["--run", run, "--metrics"], b"");
    assert!(said.contains("metrics of 54 jobs"), "{said}");
    let names = every_metrics_file_validates(&out.run);
    assert!(names.iter().any(|n| n == "metrics.json"), "{names:?}");
    let m: Value =
        serde_json::from_slice(&std::fs::read(out.run.join("metrics/metrics.json")).unwrap())
            .unwrap();
    assert_eq!(m["jobs"], 54);
    let stages: Vec<&str> = m["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["stage"].as_str().unwrap())
        .collect();
    assert_eq!(
        stages,
        [
            "fx-ingest",
            "fx-route",
            "fx-inspect",
            "fx-probe",
            "fx-fingerprint",
            "fx-seq"
        ]
    );
    for s in m["stages"].as_array().unwrap() {
        assert_eq!(s["jobs"], 54, "{s}");
        if s["p50_us"].is_number() {
            let (p50, p99, max) = (
                s["p50_us"].as_f64().unwrap(),
                s["p99_us"].as_f64().unwrap(),
                s["max_us"].as_f64().unwrap(),
            );
            assert!(p50 <= p99 && p99 <= max, "{s}");
        }
    }
    // The failure shapes, counted here from the telemetry independently.
    let mut truth: std::collections::BTreeMap<(String, String), u64> = Default::default();
    let events = std::fs::read_to_string(out.run.join("telemetry/events.jsonl")).unwrap();
    for l in events.lines() {
        let e: Value = serde_json::from_str(l).unwrap();
        if let Some(kind) = e["error"]["kind"].as_str() {
            *truth
                .entry((e["module"].as_str().unwrap().to_owned(), kind.to_owned()))
                .or_default() += 1;
        }
    }
    assert!(!truth.is_empty(), "the samples have failures");
    let got: std::collections::BTreeMap<(String, String), u64> = m["failures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                (
                    f["module"].as_str().unwrap().to_owned(),
                    f["kind"].as_str().unwrap().to_owned(),
                ),
                f["events"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(got, truth);
    let page = std::fs::read_to_string(out.run.join("metrics/metrics.html")).unwrap();
    for stage in stages {
        assert!(page.contains(&format!("<td>{stage}</td>")), "{stage}");
    }
    assert_eq!(
        page.matches("<svg").count(),
        4,
        "three stage charts and the failures"
    );
    assert!(!page.contains("<script"));
    // The reports were not touched by --metrics.
    let before = std::fs::read(out.run.join("reports/summary.json")).unwrap();
    common::run_stage("fx-report", &["--run", run, "--metrics"], b"");
    assert_eq!(
        std::fs::read(out.run.join("reports/summary.json")).unwrap(),
        before
    );
}

/// A stage run with `--cache` writes its lookups to `metrics/cache.jsonl`,
/// and its time per job to `metrics/stages.jsonl`, each line valid.
#[test]
fn the_cache_and_stage_lines_validate() {
    std::env::set_current_dir(common::repo()).unwrap();
    let d = tempfile::tempdir().unwrap();
    let run = d.path().join("run");
    let run_s = run.to_str().unwrap();
    let cache = d.path().join("cache");
    let jobs = common::run_stage(
        "fx-ingest",
        &["--run", run_s, "-j", "1", "--case", "samples", "samples"],
        b"",
    );
    for _ in 0..2 {
        common::run_stage(
            "fx-route",
            &["--run", run_s, "--cache", cache.to_str().unwrap()],
            jobs.as_bytes(),
        );
    }
    let names = every_metrics_file_validates(&run);
    assert_eq!(names, ["cache.jsonl", "fx-ingest.json", "stages.jsonl"]);
    let text = std::fs::read_to_string(run.join("metrics/cache.jsonl")).unwrap();
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(
        (lines[0]["misses"].as_u64(), lines[1]["hits"].as_u64()),
        (Some(54), Some(54))
    );
}
