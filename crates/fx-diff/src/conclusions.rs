//! What the runs concluded about an artifact: the fields of its `summary`
//! event (DESIGN §9: labels, container, algorithm, failures, …) whose
//! values appeared or disappeared. The summary's bookkeeping (`events`,
//! `outcomes`, `sources`) is left out: it changes with any event, and the
//! event changes already say how.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use crate::record::{ConclusionChange, show};

/// Summary fields that are bookkeeping, not conclusions.
const BOOKKEEPING: &[&str] = &["events", "outcomes", "sources"];

/// The summary data of a job (its last `seq`/`summary` event).
pub fn summary(job: &Value) -> Option<&Map<String, Value>> {
    crate::evidence::events(job)
        .iter()
        .rev()
        .find(|e| {
            e.get("module").and_then(Value::as_str) == Some("seq")
                && e.get("step").and_then(Value::as_str) == Some("summary")
        })?
        .get("data")?
        .as_object()
}

/// The conclusions that differ between a job in run A and in run B (either
/// may be absent: an added or removed artifact).
pub fn compare(a: Option<&Value>, b: Option<&Value>) -> Vec<ConclusionChange> {
    let empty = Map::new();
    let sa = a.and_then(summary).unwrap_or(&empty);
    let sb = b.and_then(summary).unwrap_or(&empty);
    let (fa, fb) = (leaves(sa), leaves(sb));
    let fields: BTreeSet<&String> = fa.keys().chain(fb.keys()).collect();
    let mut out = Vec::new();
    for f in fields {
        let (va, vb) = (values(fa.get(f).copied()), values(fb.get(f).copied()));
        let appeared: Vec<String> = vb
            .iter()
            .filter(|v| !va.contains(v))
            .map(|v| show(v))
            .collect();
        let disappeared: Vec<String> = va
            .iter()
            .filter(|v| !vb.contains(v))
            .map(|v| show(v))
            .collect();
        if !appeared.is_empty() || !disappeared.is_empty() {
            out.push(ConclusionChange {
                field: f.clone(),
                appeared,
                disappeared,
            });
        }
    }
    out
}

/// The summary's conclusion fields, objects opened into `field.sub`
/// entries (`hash.baseline`, `cipher.mode_hints`) so that a change names
/// the part that changed.
fn leaves(summary: &Map<String, Value>) -> BTreeMap<String, &Value> {
    fn walk<'a>(prefix: String, v: &'a Value, out: &mut BTreeMap<String, &'a Value>) {
        match v {
            Value::Object(m) if !m.is_empty() => {
                for (k, x) in m {
                    walk(format!("{prefix}.{k}"), x, out);
                }
            }
            _ => {
                out.insert(prefix, v);
            }
        }
    }
    let mut out = BTreeMap::new();
    for (k, v) in summary {
        if !BOOKKEEPING.contains(&k.as_str()) {
            walk(k.clone(), v, &mut out);
        }
    }
    out
}

/// A field's values: the items of a list, or the one value.
fn values(v: Option<&Value>) -> Vec<&Value> {
    match v {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items.iter().collect(),
        Some(other) => vec![other],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn job(summary: Value) -> Value {
        json!({"events":[{"module":"seq","step":"summary","status":"ok","data":summary}]})
    }

    #[test]
    fn appeared_and_disappeared_values() {
        let a = job(
            json!({"labels":["certificate"],"algorithm":"EC","events":3,"failures":[],"hash":{"baseline":"owasp-2025","scheme":"bcrypt"}}),
        );
        let b = job(
            json!({"labels":["certificate","key_material"],"algorithm":"RSA","events":4,"hash":{"baseline":"cnsa-2.0","scheme":"bcrypt"}}),
        );
        let c = compare(Some(&a), Some(&b));
        let got: Vec<(&str, Vec<&str>, Vec<&str>)> = c
            .iter()
            .map(|c| {
                (
                    c.field.as_str(),
                    c.appeared.iter().map(String::as_str).collect(),
                    c.disappeared.iter().map(String::as_str).collect(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("algorithm", vec!["\"RSA\""], vec!["\"EC\""]),
                (
                    "hash.baseline",
                    vec!["\"cnsa-2.0\""],
                    vec!["\"owasp-2025\""]
                ),
                ("labels", vec!["\"key_material\""], vec![]),
            ]
        );
        assert_eq!(compare(Some(&a), None).len(), 4);
        assert!(compare(Some(&a), Some(&a)).is_empty());
    }
}
