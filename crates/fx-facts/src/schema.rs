//! The JSON Schema of the fact records, generated from the Rust types (their
//! doc comments become the descriptions) and committed as
//! `schemas/facts.schema.json`; a test keeps the two equal.
//!
//! The vocabulary enums of fx-core (containers, labels, failure shapes, …)
//! have no schema of their own there; the helpers below give their closed
//! value sets, from the same `ALL` tables the code uses.

use fx_core::vocab::{Basis, Container, Encoding, FailureKind, Label};
use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde_json::{Map, Value, json};

use crate::bundle::{BundleData, CmsData, Member, Pkcs12Data};
use crate::capture::{PcapData, TlsRecordsData};
use crate::certificate::{CertificateData, CrlData, CrossPairData, CsrData};
use crate::cipher::{CipherSignals, HybridData, SymmetricData};
use crate::common::Region;
use crate::crosscheck::{OpensslCrosscheck, TsharkCrosscheck};
use crate::der::DerData;
use crate::hash::{HashAuditData, HashConclusion};
use crate::heavy::{HEAVY_STEPS, HeavyDecision};
use crate::intake::IntakeData;
use crate::key::{
    JoseData, KeyContainerData, OpensshKeyData, ParamsData, PemEncryptedData, PuttyKeyData,
    SshKeyFileData,
};
use crate::library::{ConstantsData, DeepData, LibrariesData, Library, ObjectData};
use crate::ocsp::OcspData;
use crate::openpgp::OpenpgpData;
use crate::pem::{PemData, TextDecodeData};
use crate::pqc::{DecapsulateData, PqcBundleData, PqcConclusion, PqcProbeData, VerifyData};
use crate::route::{RouteBundleLabelData, RouteDecisionData, RouteLabelData};
use crate::signature::SignatureValueData;
use crate::smime::SmimeData;
use crate::summary::SummaryFacts;
use crate::tls::{CaptureData, TlsConclusion};
use crate::triage::{RegionsData, TriageData};
use crate::weakkey::{WeakKeyAudit, WeakKeyMetrics, WeakKeyRecord};

/// `$id` of the generated schema.
pub const SCHEMA_ID: &str = "https://schemas.fx.invalid/facts.schema.json";

fn names<T: Copy>(all: &[T], name: impl Fn(T) -> &'static str) -> Vec<&'static str> {
    all.iter().map(|v| name(*v)).collect()
}

/// A `container` value.
pub fn container(_: &mut SchemaGenerator) -> Schema {
    json_schema!({"enum": names(Container::ALL, Container::as_str)})
}

/// An optional `container` value.
pub fn container_opt(g: &mut SchemaGenerator) -> Schema {
    json_schema!({"anyOf": [container(g), {"type": "null"}]})
}

/// An optional `encoding` value.
pub fn encoding_opt(g: &mut SchemaGenerator) -> Schema {
    json_schema!({"anyOf": [encoding(g), {"type": "null"}]})
}

/// An `encoding` value.
pub fn encoding(_: &mut SchemaGenerator) -> Schema {
    json_schema!({"enum": names(Encoding::ALL, Encoding::as_str)})
}

/// A `labels` value.
pub fn label(_: &mut SchemaGenerator) -> Schema {
    json_schema!({"enum": names(Label::ALL, Label::as_str)})
}

/// A list of labels.
pub fn labels(g: &mut SchemaGenerator) -> Schema {
    json_schema!({"type": "array", "items": label(g)})
}

/// A failure shape.
pub fn failure(_: &mut SchemaGenerator) -> Schema {
    json_schema!({"enum": names(FailureKind::ALL, FailureKind::as_str)})
}

/// A list of failure shapes.
pub fn failures(g: &mut SchemaGenerator) -> Schema {
    json_schema!({"type": "array", "items": failure(g)})
}

/// A basis.
pub fn basis(_: &mut SchemaGenerator) -> Schema {
    json_schema!({"enum": names(Basis::ALL, Basis::as_str)})
}

/// Text that may not be UTF-8 (`fx_core::Text`, schemas/text.schema.json).
pub fn text(_: &mut SchemaGenerator) -> Schema {
    json_schema!({"anyOf": [
        {"type": "string"},
        {"type": "object", "required": ["bytes"], "properties": {"bytes": {"type": "string"}}}
    ]})
}

/// A list of texts.
pub fn texts(g: &mut SchemaGenerator) -> Schema {
    json_schema!({"type": "array", "items": text(g)})
}

/// The summary's `outcomes`: module → `{ok, error, skipped}`.
pub fn outcomes(_: &mut SchemaGenerator) -> Schema {
    let count = json!({"type": "integer", "minimum": 0});
    json_schema!({"type": "object", "additionalProperties": {
        "type": "object", "required": ["ok", "error", "skipped"],
        "properties": {"ok": count, "error": count, "skipped": count}
    }})
}

/// fx-route's denials (`fx_core::routing::Denial`).
pub fn denials(_: &mut SchemaGenerator) -> Schema {
    json_schema!({"type": "array", "items": {
        "type": "object", "required": ["target", "reason"],
        "properties": {"target": {"type": "string"}, "reason": {"type": "string"}}
    }})
}

/// The two forms of `route/label` data: a single artifact or a bundle.
#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)]
enum RouteLabelForms {
    /// A single artifact.
    Single(RouteLabelData),
    /// A bundle job.
    Bundle(RouteBundleLabelData),
}

/// The two forms of `probe/pqc` data: a single artifact or a bundle.
#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)]
enum PqcProbeForms {
    /// A single artifact.
    Single(PqcProbeData),
    /// A bundle job.
    Bundle(PqcBundleData),
}

fn add<T: JsonSchema>(g: &mut SchemaGenerator, out: &mut Map<String, Value>, key: &str) {
    out.insert(key.to_owned(), g.subschema_for::<T>().to_value());
}

/// The schema: `$defs` of every record, `steps` mapping each typed
/// `module/step` to the record of its `data`, and `conclusion` mapping each
/// typed conclusion object (and the summary) to its record, and `files`
/// mapping each run file of records (relative to the run) to its line's record.
pub fn facts_schema() -> Value {
    let mut g = SchemaSettings::draft2020_12().into_generator();
    let mut steps = Map::new();
    add::<IntakeData>(&mut g, &mut steps, "ingest/intake");
    add::<RouteLabelForms>(&mut g, &mut steps, "route/label");
    add::<RouteDecisionData>(&mut g, &mut steps, "route/decision");
    add::<OpensslCrosscheck>(&mut g, &mut steps, "inspect/crosscheck");
    add::<PemData>(&mut g, &mut steps, "inspect/pem");
    add::<TextDecodeData>(&mut g, &mut steps, "inspect/text_decode");
    add::<DerData>(&mut g, &mut steps, "inspect/der");
    add::<RegionsData>(&mut g, &mut steps, "inspect/regions");
    add::<TriageData>(&mut g, &mut steps, "inspect/triage");
    add::<CrossPairData>(&mut g, &mut steps, "inspect/cross_pair");
    add::<OcspData>(&mut g, &mut steps, "inspect/ocsp");
    add::<SmimeData>(&mut g, &mut steps, "inspect/smime");
    add::<SignatureValueData>(&mut g, &mut steps, "inspect/signature_value");
    add::<PcapData>(&mut g, &mut steps, "inspect/pcap");
    add::<TlsRecordsData>(&mut g, &mut steps, "inspect/tls");
    add::<OpenpgpData>(&mut g, &mut steps, "inspect/openpgp");
    add::<CertificateData>(&mut g, &mut steps, "inspect/x509");
    add::<CsrData>(&mut g, &mut steps, "inspect/x509_csr");
    add::<CrlData>(&mut g, &mut steps, "inspect/x509_crl");
    for s in ["spki", "pkcs8", "pkcs1", "sec1", "dsa"] {
        add::<KeyContainerData>(&mut g, &mut steps, &format!("inspect/{s}"));
    }
    add::<OpensshKeyData>(&mut g, &mut steps, "inspect/openssh");
    add::<PuttyKeyData>(&mut g, &mut steps, "inspect/ppk");
    add::<SshKeyFileData>(&mut g, &mut steps, "inspect/dropbear");
    add::<SshKeyFileData>(&mut g, &mut steps, "inspect/sshcom");
    add::<JoseData>(&mut g, &mut steps, "inspect/jose");
    add::<PemEncryptedData>(&mut g, &mut steps, "inspect/pem_encrypted");
    add::<ParamsData>(&mut g, &mut steps, "inspect/params");
    add::<CmsData>(&mut g, &mut steps, "inspect/cms");
    add::<Pkcs12Data>(&mut g, &mut steps, "inspect/pkcs12");
    add::<BundleData>(&mut g, &mut steps, "inspect/bundle");
    add::<HashAuditData>(&mut g, &mut steps, "probe/hash_kdf");
    add::<PqcProbeForms>(&mut g, &mut steps, "probe/pqc");
    add::<SymmetricData>(&mut g, &mut steps, "probe/symmetric");
    add::<HybridData>(&mut g, &mut steps, "probe/hybrid");
    add::<VerifyData>(&mut g, &mut steps, "probe/verify");
    add::<DecapsulateData>(&mut g, &mut steps, "probe/decapsulate");
    add::<CaptureData>(&mut g, &mut steps, "fingerprint/tls");
    add::<LibrariesData>(&mut g, &mut steps, "fingerprint/libraries");
    add::<ObjectData>(&mut g, &mut steps, "fingerprint/object");
    add::<ConstantsData>(&mut g, &mut steps, "fingerprint/constants");
    add::<TsharkCrosscheck>(&mut g, &mut steps, "fingerprint/tshark_crosscheck");
    add::<DeepData>(&mut g, &mut steps, "fingerprint/deep");
    add::<WeakKeyAudit>(&mut g, &mut steps, "weakkeys/audit");
    for (module, step) in HEAVY_STEPS {
        add::<HeavyDecision>(&mut g, &mut steps, &format!("{module}/{step}"));
    }
    let mut conclusion = Map::new();
    add::<HashConclusion>(&mut g, &mut conclusion, "hash");
    add::<CipherSignals>(&mut g, &mut conclusion, "cipher");
    add::<PqcConclusion>(&mut g, &mut conclusion, "pqc");
    add::<TlsConclusion>(&mut g, &mut conclusion, "tls");
    add::<Library>(&mut g, &mut conclusion, "libraries[]");
    add::<Member>(&mut g, &mut conclusion, "members[]");
    add::<Region>(&mut g, &mut conclusion, "regions[]");
    add::<SummaryFacts>(&mut g, &mut conclusion, "summary");
    let mut files = Map::new();
    add::<WeakKeyRecord>(&mut g, &mut files, "weakkeys/findings.jsonl");
    add::<WeakKeyMetrics>(&mut g, &mut files, "metrics/weakkeys.json");
    let defs = g.take_definitions(true);
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "fx-facts records: the typed data and conclusion objects of fx events (docs/fx-facts.md)",
        "description": "Generated from crates/fx-facts by `FX_WRITE_SCHEMA=1 cargo test -p fx-facts --test schema`; do not edit by hand. `steps` names the record of each typed step's `data`, `conclusion` the record of each conclusion object, `files` the record of each line of a run file of records; extra properties are allowed (readers ignore them).",
        "steps": steps,
        "conclusion": conclusion,
        "files": files,
        "$defs": defs,
    })
}

/// A schema that validates one record: `{"$ref": …}` with every `$defs`.
pub fn record_schema(reference: &Value) -> Value {
    let full = facts_schema();
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$ref": reference.get("$ref").cloned().unwrap_or(Value::Null),
        "$defs": full.get("$defs").cloned().unwrap_or(Value::Null),
    })
}
