//! SARIF 2.1.0 (`RUN/reports/findings.sarif`): the findings for CI and
//! code-scanning UIs.
//!
//! * one run, tool `fx-report`; its rules are the finding kinds
//!   ([`FindingKind`]), with the rule table's text as help;
//! * one result per (finding, artifact): SARIF §3.27.12 keeps `locations` for
//!   one place to fix, and GitHub code scanning shows only the first
//!   location, so an artifact is never hidden behind another;
//! * `level` from the severity (`critical`/`high` → `error`, `medium` →
//!   `warning`, `low`/`info` → `note`);
//! * the location is the intake path as a relative URI reference,
//!   percent-encoded byte by byte (a path that is not UTF-8 stays exact); an
//!   absolute intake path is given relative to `FILESYSTEM_ROOT`
//!   (`file:///`); hash lists also name the first line;
//! * `partialFingerprints` (`fxFinding/v1`: a hash of the finding id, the
//!   path and the location) so a rerun matches its alerts;
//! * no invocation, no time: two runs give the same bytes.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;

use super::rules::{FindingKind, RULES};
use super::{ArtifactRef, Finding, Findings, SARIF_FILE};

/// The `$schema` written (SchemaStore's copy of the OASIS schema).
pub const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// A SARIF log; its results a `Vec` by default, or any sequence that
/// serializes as one ([`write()`] streams them).
#[derive(Debug, Serialize)]
pub struct Log<R = Vec<SarifResult>> {
    /// `$schema`.
    #[serde(rename = "$schema")]
    pub schema: &'static str,
    /// `2.1.0`.
    pub version: &'static str,
    /// One run.
    pub runs: Vec<Run<R>>,
}

/// A SARIF run.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Run<R = Vec<SarifResult>> {
    /// The tool.
    pub tool: Tool,
    /// Identifies the run (`fx/<run_id>`).
    pub automation_details: AutomationDetails,
    /// Base URIs of relative locations.
    pub original_uri_base_ids: BTreeMap<&'static str, ArtifactLocationBase>,
    /// The results.
    pub results: R,
    /// Run-level properties: the fx run and its baselines.
    pub properties: BTreeMap<&'static str, serde_json::Value>,
}

/// `run.automationDetails`.
#[derive(Debug, Serialize)]
pub struct AutomationDetails {
    /// `fx/<run_id>`.
    pub id: String,
}

/// A base URI.
#[derive(Debug, Serialize)]
pub struct ArtifactLocationBase {
    /// The URI.
    pub uri: &'static str,
}

/// `tool`.
#[derive(Debug, Serialize)]
pub struct Tool {
    /// The driver.
    pub driver: Driver,
}

/// `tool.driver`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Driver {
    /// `fx-report`.
    pub name: &'static str,
    /// fx version.
    pub semantic_version: &'static str,
    /// One rule per finding kind.
    pub rules: Vec<RuleDescriptor>,
}

/// A message.
#[derive(Debug, Serialize)]
pub struct Message {
    /// Plain text.
    pub text: String,
    /// Markdown, when it says more.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub markdown: Option<String>,
}

/// `reportingDescriptor`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RuleDescriptor {
    /// The kind (`deprecated_algorithm`, …).
    pub id: &'static str,
    /// The kind in CamelCase.
    pub name: String,
    /// One line.
    pub short_description: Message,
    /// The severity rules of the kind.
    pub full_description: Message,
    /// The rules as a table.
    pub help: Message,
    /// Level of the kind's most severe rule.
    pub default_configuration: Configuration,
    /// Tags.
    pub properties: BTreeMap<&'static str, serde_json::Value>,
}

/// `reportingConfiguration`.
#[derive(Debug, Serialize)]
pub struct Configuration {
    /// SARIF level.
    pub level: &'static str,
}

/// A result.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SarifResult {
    /// The kind.
    pub rule_id: &'static str,
    /// Index of the kind in `rules`.
    pub rule_index: usize,
    /// From the severity.
    pub level: &'static str,
    /// The finding's title and where.
    pub message: Message,
    /// Exactly one location: the artifact.
    pub locations: Vec<Location>,
    /// `fxFinding/v1`.
    pub partial_fingerprints: BTreeMap<&'static str, String>,
    /// The finding and the event behind it.
    pub properties: BTreeMap<&'static str, serde_json::Value>,
}

/// A location.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Location {
    /// The artifact.
    pub physical_location: PhysicalLocation,
}

/// `physicalLocation`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PhysicalLocation {
    /// The intake path.
    pub artifact_location: ArtifactLocation,
    /// The first line, for a text artifact.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<Region>,
}

/// `artifactLocation`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ArtifactLocation {
    /// Relative URI reference.
    pub uri: String,
    /// `FILESYSTEM_ROOT` for an absolute intake path.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uri_base_id: Option<&'static str>,
}

/// `region`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Region {
    /// 1-based line.
    pub start_line: u64,
}

/// Percent-encodes a path's bytes as a URI reference (RFC 3986): unreserved
/// characters and `/` stay, every other byte is `%XX`.
pub fn uri_of_path(raw: &[u8]) -> String {
    let mut out = String::with_capacity(raw.len());
    for &b in raw {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn location(a: &ArtifactRef) -> Location {
    let raw = a.path.to_bytes().unwrap_or_default();
    let (rel, base) = match raw.strip_prefix(b"/") {
        Some(rest) => (rest.to_vec(), Some("FILESYSTEM_ROOT")),
        None => (raw, None),
    };
    let rel = rel.strip_prefix(b"./").map(<[u8]>::to_vec).unwrap_or(rel);
    Location {
        physical_location: PhysicalLocation {
            artifact_location: ArtifactLocation {
                uri: uri_of_path(&rel),
                uri_base_id: base,
            },
            region: a.lines.first().map(|&l| Region { start_line: l }),
        },
    }
}

fn camel(kind: FindingKind) -> String {
    kind.as_str()
        .split('_')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

fn rule_descriptor(kind: FindingKind) -> RuleDescriptor {
    let rules: Vec<_> = RULES.iter().filter(|r| r.kind == kind).collect();
    let full = rules
        .iter()
        .map(|r| format!("{} ({}): {}.", r.severity, r.id, r.when))
        .collect::<Vec<_>>()
        .join(" ");
    let mut md = String::from("| rule | severity | when | source |\n|---|---|---|---|\n");
    for r in &rules {
        md.push_str(&format!(
            "| `{}` | {} | {} | {} |\n",
            r.id, r.severity, r.when, r.source
        ));
    }
    let top = rules.iter().map(|r| r.severity).min();
    let mut properties = BTreeMap::new();
    properties.insert(
        "tags",
        serde_json::json!(["security", "cryptography", kind.as_str()]),
    );
    RuleDescriptor {
        id: kind.as_str(),
        name: camel(kind),
        short_description: Message {
            text: kind.description().to_owned(),
            markdown: None,
        },
        full_description: Message {
            text: full.clone(),
            markdown: None,
        },
        help: Message {
            text: full,
            markdown: Some(md),
        },
        default_configuration: Configuration {
            level: top.map_or("note", |s| s.sarif_level()),
        },
        properties,
    }
}

fn result(f: &Finding, a: &ArtifactRef, rule_index: usize) -> SarifResult {
    let mut text = format!("[{}] {}", f.severity, f.title);
    if let Some(l) = &a.location {
        text.push_str(&format!(" — {l}"));
    }
    text.push_str(&format!(
        " (artifact {}, event {} {}/{})",
        a.artifact_seq, a.event_seq, a.module, a.step
    ));
    let mut print = f.id.as_bytes().to_vec();
    print.push(0);
    print.extend(a.path.to_bytes().unwrap_or_default());
    print.push(0);
    print.extend(a.location.as_deref().unwrap_or("").as_bytes());
    let mut fingerprints = BTreeMap::new();
    fingerprints.insert("fxFinding/v1", fx_core::hashing::sha256_hex(&print));
    let mut properties = BTreeMap::new();
    properties.insert("severity", serde_json::json!(f.severity));
    properties.insert("finding", serde_json::json!(f.id));
    properties.insert("rule", serde_json::json!(f.rule));
    properties.insert("artifact_seq", serde_json::json!(a.artifact_seq));
    properties.insert("event_seq", serde_json::json!(a.event_seq));
    properties.insert("module", serde_json::json!(a.module));
    properties.insert("step", serde_json::json!(a.step));
    if let Some(h) = &a.artifact_hash {
        properties.insert("artifact_hash", serde_json::json!(h));
    }
    if let Some(d) = &f.deadline {
        properties.insert("deadline", serde_json::json!(d));
    }
    SarifResult {
        rule_id: f.kind.as_str(),
        rule_index,
        level: f.severity.sarif_level(),
        message: Message {
            text,
            markdown: None,
        },
        locations: vec![location(a)],
        partial_fingerprints: fingerprints,
        properties,
    }
}

/// The SARIF log of `findings`, in memory. A finding whose artifact list
/// was spilled to disk gives the artifacts that could be read back (all of
/// them, unless the disk failed): [`write()`] is the one that says so.
pub fn log(findings: &Findings) -> Log {
    log_with(findings, results(findings).map_while(Result::ok).collect())
}

fn rule_index(k: FindingKind) -> usize {
    FindingKind::ALL.iter().position(|x| *x == k).unwrap_or(0)
}

/// The results of `findings`, one per (finding, artifact), made one at a
/// time (a spilled list read back as it goes).
fn results(findings: &Findings) -> impl Iterator<Item = std::io::Result<SarifResult>> + '_ {
    findings.findings.iter().flat_map(move |f| {
        f.artifacts_stream()
            .map(move |a| a.map(|a| result(f, &a, rule_index(f.kind))))
    })
}

/// The results of a log serialized as they are made: one result in memory
/// at a time, the same bytes as the `Vec` of [`log`].
struct Streamed<'a>(&'a Findings);

impl Serialize for Streamed<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{Error as _, SerializeSeq as _};
        let mut seq = s.serialize_seq(None)?;
        for r in results(self.0) {
            seq.serialize_element(&r.map_err(S::Error::custom)?)?;
        }
        seq.end()
    }
}

impl std::fmt::Debug for Streamed<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Streamed").finish_non_exhaustive()
    }
}

/// The log of `findings` around `results`.
fn log_with<R>(findings: &Findings, results: R) -> Log<R> {
    let rules: Vec<RuleDescriptor> = FindingKind::ALL
        .iter()
        .map(|k| rule_descriptor(*k))
        .collect();
    let mut bases = BTreeMap::new();
    bases.insert("FILESYSTEM_ROOT", ArtifactLocationBase { uri: "file:///" });
    let mut properties = BTreeMap::new();
    properties.insert("fx_run_id", serde_json::json!(findings.run_id));
    properties.insert("case", serde_json::json!(findings.case));
    properties.insert("policy_hash", serde_json::json!(findings.policy_hash));
    properties.insert("baselines", serde_json::json!(findings.baselines));
    Log {
        schema: SCHEMA_URI,
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: "fx-report",
                    semantic_version: fx_core::FX_VERSION,
                    rules,
                },
            },
            automation_details: AutomationDetails {
                id: format!("fx/{}", findings.run_id),
            },
            original_uri_base_ids: bases,
            results,
            properties,
        }],
    }
}

/// Writes `findings.sarif` under `run` (write, then rename), streaming the
/// results: the bytes of [`log`], without the whole log in memory.
pub fn write(run: &Path, findings: &Findings) -> anyhow::Result<()> {
    super::json_file::write_pretty(
        &run.join(SARIF_FILE),
        &log_with(findings, Streamed(findings)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_percent_encoded_bytes() {
        assert_eq!(uri_of_path(b"samples/pki/a.pem"), "samples/pki/a.pem");
        assert_eq!(uri_of_path(b"a b#c?.pem"), "a%20b%23c%3F.pem");
        assert_eq!(uri_of_path(b"bad\xffname"), "bad%FFname");
        assert_eq!(uri_of_path("é".as_bytes()), "%C3%A9");
        assert_eq!(camel(FindingKind::WeakHashKdf), "WeakHashKdf");
    }
}
