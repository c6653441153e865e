//! The check that the records describe what the stages write: an event's
//! data and conclusion objects, read as their records and written back,
//! must give the same JSON values. Tests run it over every event of real
//! runs; a stage that adds a field without adding it here fails it.

use fx_core::Event;
use serde_json::Value;

use crate::conclusion::ConclusionObjects;
use crate::step::StepData;
use crate::summary::SummaryFacts;

/// What differed for one event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mismatch {
    /// `module/step` of the event.
    pub step: String,
    /// Which part (`data`, `conclusion.hash`, `summary`, …).
    pub part: String,
    /// What went wrong (a serde error, or both JSON texts).
    pub detail: String,
}

impl std::fmt::Display for Mismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}: {}", self.step, self.part, self.detail)
    }
}

fn compare(step: &str, part: &str, original: &Value, again: &Value, out: &mut Vec<Mismatch>) {
    if original != again {
        out.push(Mismatch {
            step: step.to_owned(),
            part: part.to_owned(),
            detail: format!("written {original}\nre-written {again}"),
        });
    }
}

/// Checks one event: its data (when its step has a record), the objects
/// of its conclusion, and, for a summary event, the whole summary. Returns
/// every mismatch (empty: the records describe the event exactly).
pub fn check_event(e: &Event) -> Vec<Mismatch> {
    let step = format!("{}/{}", e.module, e.step);
    let mut out = Vec::new();
    if fx_core::summary::is_summary(e) {
        let original = Value::Object(e.data.clone().unwrap_or_default());
        match serde_json::from_value::<SummaryFacts>(original.clone()) {
            Ok(s) => {
                let again = serde_json::to_value(&s).unwrap_or(Value::Null);
                compare(&step, "summary", &original, &again, &mut out);
            }
            Err(err) => out.push(Mismatch {
                step,
                part: "summary".into(),
                detail: err.to_string(),
            }),
        }
        return out;
    }
    match StepData::parse(&e.module, &e.step, e.data.as_ref()) {
        Some(Ok(d)) => {
            let original = Value::Object(e.data.clone().unwrap_or_default());
            compare(&step, "data", &original, &d.to_value(), &mut out);
        }
        Some(Err(err)) => out.push(Mismatch {
            step: step.clone(),
            part: "data".into(),
            detail: err.to_string(),
        }),
        None => {}
    }
    if let Some(c) = &e.conclusion {
        match ConclusionObjects::of(c) {
            Ok(objs) => {
                let originals: Vec<(&str, Option<Value>)> = vec![
                    ("hash", c.hash.clone()),
                    ("cipher", c.cipher.clone()),
                    ("pqc", c.pqc.clone()),
                    ("tls", c.tls.clone()),
                    ("libraries", nonempty(&c.libraries)),
                    ("members", nonempty(&c.members)),
                    ("regions", nonempty(&c.regions)),
                ];
                let again = objs.to_values();
                for (field, original) in originals {
                    let re = again
                        .iter()
                        .find(|(f, _)| *f == field)
                        .map(|(_, v)| v.clone());
                    let part = format!("conclusion.{field}");
                    match (original, re) {
                        (None, None) => {}
                        (Some(o), Some(r)) => compare(&step, &part, &o, &r, &mut out),
                        (o, r) => out.push(Mismatch {
                            step: step.clone(),
                            part,
                            detail: format!("written {o:?}, re-written {r:?}"),
                        }),
                    }
                }
            }
            Err(err) => out.push(Mismatch {
                step,
                part: "conclusion".into(),
                detail: err.to_string(),
            }),
        }
    }
    out
}

fn nonempty(v: &[Value]) -> Option<Value> {
    (!v.is_empty()).then(|| Value::Array(v.to_vec()))
}
