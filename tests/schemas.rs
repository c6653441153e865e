//! The JSON Schemas in `schemas/` and the Rust types stay in step: the
//! vocabulary enums match, records built from the types validate, and every
//! line the real commands write over the bundled samples validates.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;

use fx_core::vocab::{Container, Encoding, FailureKind, Label};
use serde_json::Value;

fn schema(name: &str) -> Value {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("schemas")
        .join(name);
    serde_json::from_slice(&std::fs::read(&p).expect("schema file")).expect("schema json")
}

fn validator(name: &str) -> jsonschema::Validator {
    let mut registry = jsonschema::Registry::new();
    for other in [
        "text.schema.json",
        "conclusion.schema.json",
        "event.schema.json",
        "job.schema.json",
    ] {
        let s = schema(other);
        let id = s["$id"].as_str().unwrap().to_owned();
        registry = registry.add(id, s).expect("schema resource");
    }
    let registry = registry.prepare().expect("registry");
    jsonschema::options()
        .with_registry(&registry)
        .build(&schema(name))
        .expect("schema compiles")
}

fn assert_valid(v: &jsonschema::Validator, what: &str, instance: &Value) {
    let errors: Vec<String> = v
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{what} does not validate:\n{}\n{instance}",
        errors.join("\n")
    );
}

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
    let e = schema("event.schema.json");
    assert_eq!(
        enum_of(&e["properties"]["error"]["properties"]["kind"]),
        failures
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
    assert_valid(
        &validator("job.schema.json"),
        "job",
        &serde_json::to_value(&job).unwrap(),
    );
    let manifest: Value = serde_json::from_slice(
        &std::fs::read(dir.path().join("manifests/run_manifest.json")).unwrap(),
    )
    .unwrap();
    assert_valid(
        &validator("run_manifest.schema.json"),
        "manifest",
        &manifest,
    );

    // And the schema is strict: unknown fields and missing reasons are refused.
    let mut bad = serde_json::to_value(&job).unwrap();
    bad["events"][2].as_object_mut().unwrap().remove("reason");
    assert!(!validator("job.schema.json").is_valid(&bad));
    let mut bad = serde_json::to_value(&job).unwrap();
    bad["artifact"]["surprise"] = Value::Bool(true);
    assert!(!validator("job.schema.json").is_valid(&bad));
}

#[test]
fn every_line_the_batch_writes_validates() {
    let out = common::batch_over_samples();
    let job_v = validator("job.schema.json");
    let event_v = validator("event.schema.json");
    let mut lines = 0;
    for (stage, stream) in &out.stage_outputs {
        for line in stream.lines() {
            let v: Value = serde_json::from_str(line).unwrap();
            assert_valid(&job_v, &format!("{stage} job line"), &v);
            lines += 1;
        }
    }
    for name in ["events.jsonl", "tool_run_events.jsonl"] {
        let text = std::fs::read_to_string(out.run.join("telemetry").join(name)).unwrap();
        for line in text.lines() {
            let v: Value = serde_json::from_str(line).unwrap();
            assert_valid(&event_v, name, &v);
            assert!(
                v.get("event_seq").is_some(),
                "{name}: unsequenced event {v}"
            );
            lines += 1;
        }
    }
    let jobs = std::fs::read_to_string(out.run.join("telemetry/jobs.jsonl")).unwrap();
    for line in jobs.lines() {
        assert_valid(
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
        assert_valid(&validator(schema_name), file, &v);
    }
    assert!(lines > 0, "the batch wrote nothing");
}
