//! The per-job `summary` event of DESIGN §9, shared by fx-seq (which writes
//! it) and every reader that needs it for a job stream that has not been
//! sequenced yet (fx-features with `-`, reports).
//!
//! The summary of a job is an event `{"module":"seq","step":"summary","status":"ok","data":{…}}`
//! appended after every other event. Its `data` is built from the job's
//! events, in event order, by these rules:
//!
//! * **conclusions** — every event's `conclusion` is merged with
//!   [`merge_conclusion`](crate::vocab::merge_conclusion): later scalar and object values win, lists
//!   (`labels`, `failures`, `regions`, `libraries`) become unions kept in
//!   first-seen order. The merged keys sit at the top level of `data`, with
//!   their DESIGN §9 names (`labels`, `container`, `algorithm`, …). A key no
//!   event concluded is **absent** (never a made-up default): in particular a
//!   job no router labelled has no `labels` key. fx-route concludes
//!   `["unknown"]` explicitly when it cannot tell; the summary does not invent
//!   it.
//! * **`failures`** — besides the conclusions' `failures`, the `error.kind` of
//!   every `error` event is added to the same union, at the position of that
//!   event (so a job whose only trace of a failure is an error event still
//!   lists its shape). Absent when empty.
//! * **`outcomes`** — `{module: {ok, error, skipped}}`, one entry per module
//!   that wrote an event, sorted by module name, all three counts always
//!   present.
//! * **`budgets_hit`** — union, in first-seen order, of (a) the `reason` of
//!   every `skipped` event whose reason starts with `budget:` (verbatim, e.g.
//!   `budget:regions`), and (b) every string in the `caps_hit` array of an
//!   event's `data`. **Convention for stages:** a step that completed but
//!   dropped work because a cap or budget was reached (candidates pruned to
//!   the cap, a file of hashes cut at its line cap) writes
//!   `"caps_hit": ["budget:<name>", …]` in its event `data`, naming the cap in
//!   the same `budget:<name>` form a skip reason would use (the policy key
//!   without its section is a good `<name>`: `budget:max_regions`). Non-string
//!   entries are ignored. Always present (possibly `[]`).
//! * **`events`** — the number of events summarised (every event of the job
//!   except earlier summaries). Always present.
//!
//! Events that are themselves summaries (module `seq`, step `summary`) are
//! ignored, so summarising an already sequenced job gives the same result as
//! summarising the original.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::event::{Event, Status};
use crate::job::Job;
use crate::vocab::{Conclusion, FailureKind};

/// Module name of the summary event.
pub const SUMMARY_MODULE: &str = "seq";
/// Step name of the summary event.
pub const SUMMARY_STEP: &str = "summary";
/// Prefix of skip reasons (and `caps_hit` entries) that name a budget or cap.
pub const BUDGET_PREFIX: &str = "budget:";
/// Key of the `data` array in which a step lists the caps it hit.
pub const CAPS_HIT_KEY: &str = "caps_hit";

/// Outcome counts of one module.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Outcomes {
    /// Events with status `ok`.
    pub ok: u64,
    /// Events with status `error`.
    pub error: u64,
    /// Events with status `skipped`.
    pub skipped: u64,
}

/// True when `event` is a summary event.
pub fn is_summary(event: &Event) -> bool {
    event.module == SUMMARY_MODULE && event.step == SUMMARY_STEP
}

/// The summary `data` of a job's events (see the module docs).
pub fn summary_data(events: &[Event]) -> Map<String, Value> {
    let mut b = SummaryBuilder::default();
    for event in events {
        b.add_event(event);
    }
    b.finish().to_map()
}

/// Builds a summary event by event, for callers that do not hold typed
/// [`Event`]s (fx-seq reads borrowed views of its input lines). Feeding it
/// the events of a job in order gives exactly [`summary_data`].
///
/// Module names are borrowed for `'a` (from the events or the line they
/// come from), so summarising allocates nothing per module.
#[derive(Clone, Debug, Default)]
pub struct SummaryBuilder<'a> {
    merged: Conclusion,
    failures: Vec<FailureKind>,
    /// Per module, sorted by name (a job has a handful of modules).
    outcomes: Vec<(&'a str, Outcomes)>,
    budgets: Vec<String>,
    count: u64,
}

impl<'a> SummaryBuilder<'a> {
    /// Adds a typed event (summaries are ignored).
    pub fn add_event(&mut self, event: &'a Event) {
        if is_summary(event) {
            return;
        }
        let caps = match event.data.as_ref().and_then(|d| d.get(CAPS_HIT_KEY)) {
            Some(Value::Array(caps)) => caps.as_slice(),
            _ => &[],
        };
        self.add(
            &event.module,
            event.status,
            event.conclusion.as_ref(),
            event.error.as_ref().map(|e| e.kind),
            event.reason.as_deref(),
            caps.iter().filter_map(Value::as_str),
        );
    }

    /// Adds one event that is not a summary, given the parts the summary
    /// reads: its module, status, conclusion, `error.kind`, skip `reason`
    /// and the strings of its `data.caps_hit` array.
    pub fn add<'c>(
        &mut self,
        module: &'a str,
        status: Status,
        conclusion: Option<&Conclusion>,
        error: Option<FailureKind>,
        reason: Option<&str>,
        caps_hit: impl IntoIterator<Item = &'c str>,
    ) {
        self.count += 1;
        let at = match self.outcomes.binary_search_by(|(m, _)| (*m).cmp(module)) {
            Ok(at) => at,
            Err(at) => {
                self.outcomes.insert(at, (module, Outcomes::default()));
                at
            }
        };
        let o = &mut self.outcomes[at].1;
        match status {
            Status::Ok => o.ok += 1,
            Status::Error => o.error += 1,
            Status::Skipped => o.skipped += 1,
        }
        if let Some(c) = conclusion {
            merge_typed(&mut self.merged, c);
            for f in &c.failures {
                push_unique(&mut self.failures, *f);
            }
        }
        if let Some(kind) = error {
            push_unique(&mut self.failures, kind);
        }
        if status == Status::Skipped {
            if let Some(reason) = reason {
                if reason.starts_with(BUDGET_PREFIX) && !self.budgets.iter().any(|b| b == reason) {
                    self.budgets.push(reason.to_owned());
                }
            }
        }
        for cap in caps_hit {
            if !self.budgets.iter().any(|b| b == cap) {
                self.budgets.push(cap.to_owned());
            }
        }
    }

    /// The summary data.
    pub fn finish(self) -> SummaryData<'a> {
        let SummaryBuilder {
            merged,
            failures,
            outcomes,
            budgets,
            count,
        } = self;
        let Conclusion {
            labels,
            container,
            encoding,
            algorithm,
            oid,
            key_bits,
            curve,
            hash,
            cipher,
            regions,
            pqc,
            failures: _,
            tls,
            libraries,
        } = merged;
        SummaryData {
            algorithm,
            budgets_hit: budgets,
            cipher,
            container,
            curve,
            encoding,
            events: count,
            failures,
            hash,
            key_bits,
            labels,
            libraries,
            oid,
            outcomes: ModuleOutcomes(
                outcomes
                    .into_iter()
                    .map(|(m, o)| {
                        (
                            m,
                            OutcomeCounts {
                                error: o.error,
                                ok: o.ok,
                                skipped: o.skipped,
                            },
                        )
                    })
                    .collect(),
            ),
            pqc,
            regions,
            tls,
        }
    }
}

/// The summary `data` as a typed value. Its fields are declared in
/// alphabetical order, so it serializes to exactly the bytes of the JSON
/// object [`summary_data`] returns (whose keys a `serde_json::Map` sorts),
/// without building that map.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SummaryData<'a> {
    /// Merged `algorithm`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub algorithm: Option<String>,
    /// Budgets and caps hit, first seen first.
    pub budgets_hit: Vec<String>,
    /// Merged `cipher`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cipher: Option<Value>,
    /// Merged `container`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub container: Option<crate::vocab::Container>,
    /// Merged `curve`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub curve: Option<String>,
    /// Merged `encoding`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encoding: Option<crate::vocab::Encoding>,
    /// Events summarised.
    pub events: u64,
    /// Failure shapes, first seen first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub failures: Vec<FailureKind>,
    /// Merged `hash`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hash: Option<Value>,
    /// Merged `key_bits`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_bits: Option<u64>,
    /// Union of `labels`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub labels: Vec<crate::vocab::Label>,
    /// Union of `libraries`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub libraries: Vec<Value>,
    /// Merged `oid`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub oid: Option<String>,
    /// Outcome counts per module, sorted by module name.
    pub outcomes: ModuleOutcomes<'a>,
    /// Merged `pqc`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pqc: Option<Value>,
    /// Union of `regions`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub regions: Vec<Value>,
    /// Merged `tls`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tls: Option<Value>,
}

/// Outcome counts per module, sorted by module name; serializes as a JSON
/// object.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ModuleOutcomes<'a>(pub Vec<(&'a str, OutcomeCounts)>);

impl Serialize for ModuleOutcomes<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (module, counts) in &self.0 {
            m.serialize_entry(module, counts)?;
        }
        m.end()
    }
}

/// One module's outcome counts inside [`SummaryData`], fields in the
/// alphabetical order a `serde_json::Map` would give them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct OutcomeCounts {
    /// `error` events.
    pub error: u64,
    /// `ok` events.
    pub ok: u64,
    /// `skipped` events.
    pub skipped: u64,
}

impl SummaryData<'_> {
    /// The data as a JSON object.
    pub fn to_map(&self) -> Map<String, Value> {
        match serde_json::to_value(self) {
            Ok(Value::Object(m)) => m,
            _ => Map::new(),
        }
    }

    /// Writes the whole summary event, as serde writes
    /// [`summary_event`]`(…)` with no stamps, into `out`.
    pub fn write_event(&self, out: &mut Vec<u8>) -> serde_json::Result<()> {
        out.extend_from_slice(br#"{"module":"seq","step":"summary","status":"ok","data":"#);
        serde_json::to_writer(&mut *out, self)?;
        out.push(b'}');
        Ok(())
    }
}

fn merge_typed(acc: &mut Conclusion, c: &Conclusion) {
    fn set<T: Clone>(acc: &mut Option<T>, v: &Option<T>) {
        if let Some(v) = v {
            *acc = Some(v.clone());
        }
    }
    fn union<T: Clone + PartialEq>(acc: &mut Vec<T>, more: &[T]) {
        for v in more {
            if !acc.contains(v) {
                acc.push(v.clone());
            }
        }
    }
    // Exhaustive on purpose: a new Conclusion field must be merged here.
    let Conclusion {
        labels,
        container,
        encoding,
        algorithm,
        oid,
        key_bits,
        curve,
        hash,
        cipher,
        regions,
        pqc,
        failures: _,
        tls,
        libraries,
    } = c;
    union(&mut acc.labels, labels);
    set(&mut acc.container, container);
    set(&mut acc.encoding, encoding);
    set(&mut acc.algorithm, algorithm);
    set(&mut acc.oid, oid);
    set(&mut acc.key_bits, key_bits);
    set(&mut acc.curve, curve);
    set(&mut acc.hash, hash);
    set(&mut acc.cipher, cipher);
    union(&mut acc.regions, regions);
    set(&mut acc.pqc, pqc);
    set(&mut acc.tls, tls);
    union(&mut acc.libraries, libraries);
}

/// The summary event of a job with these events (unstamped).
pub fn summary_event(events: &[Event]) -> Event {
    let mut e = Event::ok(SUMMARY_MODULE, SUMMARY_STEP);
    e.data = Some(summary_data(events));
    e
}

/// The summary event of `job`.
pub fn summarize(job: &Job) -> Event {
    summary_event(&job.events)
}

fn push_unique<T: PartialEq>(list: &mut Vec<T>, item: T) {
    if !list.contains(&item) {
        list.push(item);
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::event::ErrorInfo;
    use crate::vocab::{Conclusion, FailureKind, Label, merge_conclusion};
    use serde_json::json;

    fn labels(ls: &[Label]) -> Conclusion {
        Conclusion {
            labels: ls.to_vec(),
            ..Default::default()
        }
    }

    #[test]
    fn merges_conclusions_in_event_order() {
        let events = vec![
            Event::ok("route", "label").with_conclusion(labels(&[Label::Certificate])),
            Event::ok("inspect", "x509").with_conclusion(Conclusion {
                labels: vec![Label::KeyMaterial, Label::Certificate],
                algorithm: Some("RSA".into()),
                key_bits: Some(2048),
                hash: Some(json!({"scheme":"a"})),
                ..Default::default()
            }),
            Event::ok("probe", "pqc").with_conclusion(Conclusion {
                algorithm: Some("ML-DSA-65".into()),
                hash: Some(json!({"other":1})),
                ..Default::default()
            }),
        ];
        let d = Value::Object(summary_data(&events));
        assert_eq!(d["labels"], json!(["certificate", "key_material"]));
        // Later scalars win; objects are replaced whole.
        assert_eq!(d["algorithm"], json!("ML-DSA-65"));
        assert_eq!(d["key_bits"], json!(2048));
        assert_eq!(d["hash"], json!({"other":1}));
        assert_eq!(d["events"], json!(3));
        assert_eq!(d["budgets_hit"], json!([]));
        assert_eq!(
            d["outcomes"],
            json!({"inspect":{"ok":1,"error":0,"skipped":0},
                   "probe":{"ok":1,"error":0,"skipped":0},
                   "route":{"ok":1,"error":0,"skipped":0}})
        );
    }

    #[test]
    fn failures_gather_error_kinds_in_first_seen_order() {
        let events = vec![
            Event::error("inspect", "pem", ErrorInfo::new(FailureKind::BadPemArmor)),
            Event::ok("inspect", "der").with_conclusion(Conclusion {
                failures: vec![FailureKind::Truncated, FailureKind::BadPemArmor],
                ..Default::default()
            }),
            Event::error(
                "inspect",
                "x509",
                ErrorInfo::new(FailureKind::Truncated).at(3),
            ),
            Event::error("probe", "tool", ErrorInfo::new(FailureKind::Timeout)),
        ];
        let d = Value::Object(summary_data(&events));
        assert_eq!(
            d["failures"],
            json!(["bad_pem_armor", "truncated", "timeout"])
        );
        assert_eq!(
            d["outcomes"]["inspect"],
            json!({"ok":1,"error":2,"skipped":0})
        );
        assert_eq!(
            d["outcomes"]["probe"],
            json!({"ok":0,"error":1,"skipped":0})
        );
    }

    #[test]
    fn budgets_from_skips_and_caps_hit() {
        let events = vec![
            Event::skipped("probe", "symmetric", "budget:probes"),
            Event::skipped("probe", "hash_kdf", "not_applicable"),
            Event::skipped("probe", "pqc", "policy:decapsulation_disabled"),
            Event::ok("inspect", "regions")
                .with_data(json!({"caps_hit":["budget:max_regions", 7, "budget:probes"]})),
            Event::skipped("probe", "hybrid", "budget:probes"),
        ];
        let d = Value::Object(summary_data(&events));
        assert_eq!(
            d["budgets_hit"],
            json!(["budget:probes", "budget:max_regions"])
        );
        assert_eq!(
            d["outcomes"]["probe"],
            json!({"ok":0,"error":0,"skipped":4})
        );
        assert!(d.get("failures").is_none());
    }

    #[test]
    fn absent_keys_stay_absent_and_no_label_is_invented() {
        let d = summary_data(&[Event::ok("ingest", "read")]);
        assert!(!d.contains_key("labels"));
        assert_eq!(
            Value::Object(d),
            json!({"outcomes":{"ingest":{"ok":1,"error":0,"skipped":0}},"budgets_hit":[],"events":1})
        );
        let empty = summary_data(&[]);
        assert_eq!(
            Value::Object(empty),
            json!({"outcomes":{},"budgets_hit":[],"events":0})
        );
    }

    #[test]
    fn typed_merge_equals_folding_merge_conclusion() {
        let cs = vec![
            Conclusion {
                labels: vec![Label::Certificate],
                algorithm: Some("RSA".into()),
                regions: vec![json!({"offset":0})],
                hash: Some(json!({"a":1})),
                ..Default::default()
            },
            Conclusion {
                labels: vec![Label::KeyMaterial, Label::Certificate],
                container: Some(crate::vocab::Container::Pkcs8PrivateKey),
                encoding: Some(crate::vocab::Encoding::Pem),
                oid: Some("1.2.3".into()),
                key_bits: Some(4096),
                curve: Some("P-256".into()),
                cipher: Some(json!({"block_size":16})),
                regions: vec![json!({"offset":0}), json!({"offset":9})],
                pqc: Some(json!({"valid_structure":true})),
                tls: Some(json!({"ja4":["x"]})),
                libraries: vec![json!({"name":"openssl"})],
                ..Default::default()
            },
            Conclusion {
                algorithm: Some("EC".into()),
                hash: Some(json!({"b":2})),
                libraries: vec![json!({"name":"openssl"}), json!({"name":"boringssl"})],
                ..Default::default()
            },
        ];
        let mut reference = Map::new();
        for c in &cs {
            merge_conclusion(&mut reference, &c.to_map());
        }
        let events: Vec<Event> = cs
            .into_iter()
            .map(|c| Event::ok("m", "s").with_conclusion(c))
            .collect();
        let mut got = summary_data(&events);
        for k in ["outcomes", "budgets_hit", "events"] {
            got.remove(k);
        }
        assert_eq!(got, reference);
    }

    #[test]
    fn earlier_summaries_are_ignored() {
        let mut events =
            vec![Event::ok("route", "label").with_conclusion(labels(&[Label::Unknown]))];
        let first = summary_event(&events);
        assert!(is_summary(&first));
        assert_eq!(first.status, Status::Ok);
        events.push(first.clone());
        let again = summary_event(&events);
        assert_eq!(first, again);
        assert_eq!(again.data.as_ref().unwrap()["labels"], json!(["unknown"]));
    }

    #[test]
    fn typed_summary_serializes_like_its_map() {
        let events = vec![
            Event::ok("route", "label").with_conclusion(Conclusion {
                labels: vec![Label::Certificate, Label::KeyMaterial],
                container: Some(crate::vocab::Container::X509Certificate),
                encoding: Some(crate::vocab::Encoding::Pem),
                ..Default::default()
            }),
            Event::ok("inspect", "x509").with_conclusion(Conclusion {
                algorithm: Some("RSA".into()),
                oid: Some("1.2.840.113549.1.1.1".into()),
                key_bits: Some(2048),
                curve: Some("P-256".into()),
                hash: Some(json!({"z":1,"a":[null,2.5]})),
                cipher: Some(json!("aes")),
                regions: vec![json!({"offset":3})],
                pqc: Some(json!({"set":"ML-KEM-768"})),
                tls: Some(json!({"ja4":"t13d"})),
                libraries: vec![json!("openssl")],
                failures: vec![FailureKind::Truncated],
                ..Default::default()
            }),
            Event::error("inspect", "pem", ErrorInfo::new(FailureKind::BadPemArmor)),
            Event::skipped("probe", "hybrid", "budget:probes"),
            Event::ok("probe", "regions").with_data(json!({"caps_hit":["budget:max_regions"]})),
        ];
        let mut b = SummaryBuilder::default();
        for e in &events {
            b.add_event(e);
        }
        let typed = b.finish();
        let via_map = serde_json::to_vec(&Value::Object(summary_data(&events))).unwrap();
        assert_eq!(
            String::from_utf8(serde_json::to_vec(&typed).unwrap()).unwrap(),
            String::from_utf8(via_map).unwrap()
        );
        let mut line = Vec::new();
        typed.write_event(&mut line).unwrap();
        assert_eq!(line, serde_json::to_vec(&summary_event(&events)).unwrap());
        // And for a job with no conclusions at all.
        let bare = SummaryBuilder::default().finish();
        assert_eq!(
            serde_json::to_vec(&bare).unwrap(),
            serde_json::to_vec(&Value::Object(summary_data(&[]))).unwrap()
        );
    }
}
