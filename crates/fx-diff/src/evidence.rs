//! Part 2 of the diff: the evidence of one artifact in both runs.
//!
//! Events are matched by module, step and occurrence (the first `inspect`
//! `pem` event of A with the first of B, …), and compared after removing
//! what every run stamps differently on the same evidence: `run_id`,
//! `artifact_seq` and `event_seq` (an artifact added before this one shifts
//! every later sequence number). The artifact record is compared the same
//! way, without its `artifact_seq`.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::causes::{CauseContext, module_rank};
use crate::conclusions;
use crate::record::{ArtifactDiff, EventChange, MAX_FIELDS, ValueChange};

/// Fields each run stamps on the same evidence differently.
const RUN_SPECIFIC: &[&str] = &["run_id", "artifact_seq", "event_seq"];

/// Compares one artifact's jobs; `None` when the evidence is identical.
pub fn compare(a: &Value, b: &Value, causes: &CauseContext) -> Option<ArtifactDiff> {
    let (ea, eb) = (events(a), events(b));
    let mut record = Vec::new();
    let mut total = 0;
    diff_values(
        &strip(a.get("artifact")),
        &strip(b.get("artifact")),
        &mut String::new(),
        &mut record,
        &mut total,
    );
    let mut changes = event_changes(ea, eb);
    if record.is_empty() && changes.is_empty() {
        return None;
    }
    causes.attribute(&mut changes, ea, eb);
    Some(ArtifactDiff {
        change: "changed",
        conclusions: conclusions::compare(Some(a), Some(b)),
        events: changes,
        record,
        ..base(a, b)
    })
}

/// An artifact in one run only: `added` (`job` is from B) or `removed`.
pub fn only_in(job: &Value, change: &'static str) -> ArtifactDiff {
    let (a, b) = match change {
        "added" => (None, Some(job)),
        _ => (Some(job), None),
    };
    ArtifactDiff {
        change,
        conclusions: conclusions::compare(a, b),
        a_seq: a.and_then(seq),
        b_seq: b.and_then(seq),
        ..base(job, job)
    }
}

fn base(a: &Value, b: &Value) -> ArtifactDiff {
    let art = b.get("artifact");
    ArtifactDiff {
        change: "changed",
        path: art
            .and_then(|x| x.pointer("/intake/path"))
            .cloned()
            .unwrap_or(Value::Null),
        artifact_hash: art
            .and_then(|x| x.get("artifact_hash"))
            .and_then(Value::as_str)
            .map(str::to_owned),
        a_seq: seq(a),
        b_seq: seq(b),
        record: Vec::new(),
        events: Vec::new(),
        conclusions: Vec::new(),
        findings: Vec::new(),
    }
}

fn seq(job: &Value) -> Option<u64> {
    job.pointer("/artifact/artifact_seq")
        .and_then(Value::as_u64)
}

/// A job's events.
pub fn events(job: &Value) -> &[Value] {
    job.get("events")
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// A copy of an object without its run-specific fields.
fn strip(v: Option<&Value>) -> Value {
    match v {
        Some(Value::Object(m)) => Value::Object(
            m.iter()
                .filter(|(k, _)| !RUN_SPECIFIC.contains(&k.as_str()))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect::<Map<String, Value>>(),
        ),
        Some(other) => other.clone(),
        None => Value::Null,
    }
}

fn text(e: &Value, field: &str) -> String {
    e.get(field)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

/// (module, step, occurrence) of each event, in order.
fn keyed(events: &[Value]) -> Vec<(String, String, u32)> {
    let mut seen: BTreeMap<(String, String), u32> = BTreeMap::new();
    events
        .iter()
        .map(|e| {
            let (m, s) = (text(e, "module"), text(e, "step"));
            let n = seen.entry((m.clone(), s.clone())).or_default();
            let k = (m, s, *n);
            *n += 1;
            k
        })
        .collect()
}

/// The events added, removed or changed, in pipeline order (module by
/// module; within a module, B's order, then what only A has).
fn event_changes(a: &[Value], b: &[Value]) -> Vec<EventChange> {
    let (ka, kb) = (keyed(a), keyed(b));
    let in_a: BTreeMap<&(String, String, u32), usize> =
        ka.iter().enumerate().map(|(i, k)| (k, i)).collect();
    let in_b: BTreeMap<&(String, String, u32), usize> =
        kb.iter().enumerate().map(|(i, k)| (k, i)).collect();
    let mut out = Vec::new();
    for (j, k) in kb.iter().enumerate() {
        let eb = &b[j];
        match in_a.get(k) {
            Some(&i) => {
                let mut fields = Vec::new();
                let mut total = 0;
                diff_values(
                    &strip(Some(&a[i])),
                    &strip(Some(eb)),
                    &mut String::new(),
                    &mut fields,
                    &mut total,
                );
                if total > 0 {
                    out.push(change("changed", k, Some(&a[i]), Some(eb), fields, total));
                }
            }
            None => out.push(change("added", k, None, Some(eb), Vec::new(), 0)),
        }
    }
    for (i, k) in ka.iter().enumerate() {
        if !in_b.contains_key(k) {
            out.push(change("removed", k, Some(&a[i]), None, Vec::new(), 0));
        }
    }
    out.sort_by_key(|c| module_rank(&c.module));
    out
}

fn change(
    what: &'static str,
    k: &(String, String, u32),
    a: Option<&Value>,
    b: Option<&Value>,
    fields: Vec<ValueChange>,
    fields_total: u64,
) -> EventChange {
    let status = |e: Option<&Value>| e.and_then(|e| e.get("status")?.as_str().map(str::to_owned));
    EventChange {
        change: what,
        module: k.0.clone(),
        step: k.1.clone(),
        occurrence: k.2,
        a_status: status(a),
        b_status: status(b),
        fields,
        fields_total,
        causes: Vec::new(),
    }
}

/// Collects the leaves where `a` and `b` differ as JSON pointers; keeps the
/// first [`MAX_FIELDS`] and counts them all. Arrays of different lengths
/// differ as a whole.
fn diff_values(
    a: &Value,
    b: &Value,
    path: &mut String,
    out: &mut Vec<ValueChange>,
    total: &mut u64,
) {
    if a == b {
        return;
    }
    let mut leaf = |x: Option<&Value>, y: Option<&Value>, p: &str| {
        *total += 1;
        if out.len() < MAX_FIELDS {
            out.push(ValueChange::of(p, x, y));
        }
    };
    match (a, b) {
        (Value::Object(ma), Value::Object(mb)) => {
            let keys: std::collections::BTreeSet<&String> = ma.keys().chain(mb.keys()).collect();
            for k in keys {
                let len = path.len();
                path.push('/');
                path.push_str(&k.replace('~', "~0").replace('/', "~1"));
                match (ma.get(k), mb.get(k)) {
                    (Some(x), Some(y)) => diff_values(x, y, path, out, total),
                    (x, y) => {
                        *total += 1;
                        if out.len() < MAX_FIELDS {
                            out.push(ValueChange::of(path.as_str(), x, y));
                        }
                    }
                }
                path.truncate(len);
            }
        }
        (Value::Array(xa), Value::Array(xb)) if xa.len() == xb.len() => {
            for (i, (x, y)) in xa.iter().zip(xb).enumerate() {
                let len = path.len();
                path.push('/');
                path.push_str(&i.to_string());
                diff_values(x, y, path, out, total);
                path.truncate(len);
            }
        }
        _ => leaf(Some(a), Some(b), if path.is_empty() { "/" } else { path }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn job(seq: u64, events: Value) -> Value {
        json!({"fx":"job/1","run_id":format!("run{seq}"),
               "artifact":{"artifact_id":"x","artifact_hash":"sha256:aa","artifact_seq":seq,
                           "intake":{"path":"p"}},
               "events":events})
    }

    #[test]
    fn run_specific_fields_are_ignored() {
        let a = job(
            0,
            json!([{"run_id":"r1","artifact_seq":0,"event_seq":5,"module":"route","step":"label","status":"ok"}]),
        );
        let b = job(
            7,
            json!([{"run_id":"r2","artifact_seq":7,"event_seq":90,"module":"route","step":"label","status":"ok"}]),
        );
        assert!(compare(&a, &b, &CauseContext::default()).is_none());
    }

    #[test]
    fn events_are_added_removed_and_changed_with_pointers() {
        let a = job(
            0,
            json!([
                {"module":"probe","step":"hash_kdf","status":"ok","data":{"baseline":"owasp-2025","n":[1,2]}},
                {"module":"inspect","step":"pem","status":"ok"},
                {"module":"inspect","step":"pem","status":"ok"}
            ]),
        );
        let b = job(
            0,
            json!([
                {"module":"inspect","step":"pem","status":"ok"},
                {"module":"probe","step":"hash_kdf","status":"ok","data":{"baseline":"cnsa-2.0","n":[1,3]}},
                {"module":"fingerprint","step":"stage","status":"skipped"}
            ]),
        );
        let d = compare(&a, &b, &CauseContext::default()).expect("differs");
        let got: Vec<(&str, &str, u32)> = d
            .events
            .iter()
            .map(|c| (c.change, c.module.as_str(), c.occurrence))
            .collect();
        assert_eq!(
            got,
            [
                ("removed", "inspect", 1),
                ("changed", "probe", 0),
                ("added", "fingerprint", 0)
            ]
        );
        let probe = &d.events[1];
        assert_eq!(probe.fields_total, 2);
        assert_eq!(probe.fields[0].key, "/data/baseline");
        assert_eq!(probe.fields[0].a.as_deref(), Some("\"owasp-2025\""));
        assert_eq!(probe.fields[1].key, "/data/n/1");
        assert_eq!(probe.causes, [crate::record::Cause::Unexplained]);
    }
}
