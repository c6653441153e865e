//! The per-job `summary` event of DESIGN §9, shared by fx-seq (which writes
//! it) and every reader that needs it for a job stream that has not been
//! sequenced yet (fx-features with `-`, reports).
//!
//! The summary of a job is an event `{"module":"seq","step":"summary","status":"ok","data":{…}}`
//! appended after every other event. Its `data` is built from the job's
//! events, in event order, by these rules:
//!
//! * **conclusions** — precision first (DESIGN §9). Every conclusion has a
//!   [`Basis`] (`parsed` > `structural` > `size_only` > `statistics`; a
//!   conclusion that names none counts as `structural`). Each scalar or
//!   object field (`container`, `encoding`, `algorithm`, `oid`, `key_bits`,
//!   `curve`, `hash`, `cipher`, `pqc`, `tls`) takes the value of the
//!   strongest basis that concluded it, whatever the event order; ties go to
//!   the earlier event. `labels` are a set decided the same way: when a
//!   `parsed` conclusion names labels, the union of the `parsed` labels
//!   stands alone (what a parser read beats what a sniff suggested);
//!   otherwise the union, in first-seen order, of the labels of every
//!   conclusion of basis `structural`; only when none of those names a label
//!   other than `unknown` do the labels of the strongest guess stand instead
//!   (a size-only or statistical label never joins a structural one).
//!   `unknown` is dropped when any other label stands. `regions`, `libraries`, `members`
//!   and `key_weaknesses` (the weak-key audit's, fx-weakkeys) are unions in first-seen
//!   order. A key no event concluded is **absent** (never a made-up
//!   default): in particular a job no router labelled has no `labels` key.
//! * **`sources`** — for each concluded field, where it came from:
//!   `{event, basis, confidence?}` (the event's index within the job) for a
//!   scalar or object, `{events, basis}` for `labels` (the strongest basis
//!   among them). Absent when nothing was concluded.
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
use crate::vocab::{Basis, Conclusion, Container, Encoding, FailureKind, KeyWeakness, Label};

mod write;

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

/// True when some conclusion among `events` that is not a guess (basis
/// `structural` or stronger) already says what the artifact is: a container
/// other than `raw`, an algorithm, or a label other than `unknown`. A size or
/// statistics guess about the whole artifact is then never concluded
/// (DESIGN §9, precision first).
pub fn firm_evidence(events: &[Event]) -> bool {
    events
        .iter()
        .filter(|e| !is_summary(e))
        .filter_map(|e| e.conclusion.as_ref())
        .filter(|c| !c.effective_basis().is_guess())
        .any(|c| {
            c.container.is_some_and(|k| k != Container::Raw)
                || c.algorithm.is_some()
                || c.labels.iter().any(|l| *l != Label::Unknown)
        })
}

/// Builds a summary event by event, for callers that do not hold typed
/// [`Event`]s (fx-seq reads borrowed views of its input lines). Feeding it
/// the events of a job in order gives exactly [`summary_data`].
///
/// Module names are borrowed for `'a` (from the events or the line they
/// come from), so summarising allocates nothing per module.
#[derive(Clone, Debug, Default)]
pub struct SummaryBuilder<'a> {
    merged: Merged,
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
            self.merged.add(c, self.count - 1);
            for f in &c.failures {
                push_unique(&mut self.failures, *f);
            }
        }
        if let Some(kind) = error {
            push_unique(&mut self.failures, kind);
        }
        if status == Status::Skipped
            && let Some(reason) = reason
            && reason.starts_with(BUDGET_PREFIX)
            && !self.budgets.iter().any(|b| b == reason)
        {
            self.budgets.push(reason.to_owned());
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
        let (labels, labels_source) = merged.labels();
        let Merged {
            container,
            encoding,
            algorithm,
            oid,
            key_bits,
            curve,
            hash,
            cipher,
            pqc,
            tls,
            regions,
            libraries,
            members,
            key_weaknesses,
            labels: _,
        } = merged;
        let sources = Sources {
            algorithm: algorithm.as_ref().map(Slot::source),
            cipher: cipher.as_ref().map(Slot::source),
            container: container.as_ref().map(Slot::source),
            curve: curve.as_ref().map(Slot::source),
            encoding: encoding.as_ref().map(Slot::source),
            hash: hash.as_ref().map(Slot::source),
            key_bits: key_bits.as_ref().map(Slot::source),
            labels: labels_source,
            oid: oid.as_ref().map(Slot::source),
            pqc: pqc.as_ref().map(Slot::source),
            tls: tls.as_ref().map(Slot::source),
        };
        SummaryData {
            algorithm: algorithm.map(|s| s.value),
            budgets_hit: budgets,
            cipher: cipher.map(|s| s.value),
            container: container.map(|s| s.value),
            curve: curve.map(|s| s.value),
            encoding: encoding.map(|s| s.value),
            events: count,
            failures,
            hash: hash.map(|s| s.value),
            key_bits: key_bits.map(|s| s.value),
            key_weaknesses,
            labels,
            libraries,
            members,
            oid: oid.map(|s| s.value),
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
            pqc: pqc.map(|s| s.value),
            regions,
            sources: (!sources.is_empty()).then_some(sources),
            tls: tls.map(|s| s.value),
        }
    }
}

/// One concluded field with where it came from.
#[derive(Clone, Debug)]
struct Slot<T> {
    value: T,
    basis: Basis,
    confidence: Option<u16>,
    event: u64,
}

impl<T> Slot<T> {
    fn source(&self) -> Source {
        Source {
            basis: self.basis,
            confidence: self.confidence,
            event: self.event,
        }
    }
}

/// Keeps `v` when its basis is strictly stronger than what is there (ties go
/// to the earlier event).
fn keep<T: Clone>(acc: &mut Option<Slot<T>>, v: &Option<T>, c: &Conclusion, event: u64) {
    let Some(v) = v else { return };
    let basis = c.effective_basis();
    if acc
        .as_ref()
        .is_some_and(|have| have.basis.strength() >= basis.strength())
    {
        return;
    }
    *acc = Some(Slot {
        value: v.clone(),
        basis,
        confidence: c.confidence,
        event,
    });
}

fn union<T: Clone + PartialEq>(acc: &mut Vec<T>, more: &[T]) {
    for v in more {
        if !acc.contains(v) {
            acc.push(v.clone());
        }
    }
}

/// The conclusions of a job merged field by field (precision first).
#[derive(Clone, Debug, Default)]
struct Merged {
    container: Option<Slot<Container>>,
    encoding: Option<Slot<Encoding>>,
    algorithm: Option<Slot<String>>,
    oid: Option<Slot<String>>,
    key_bits: Option<Slot<u64>>,
    curve: Option<Slot<String>>,
    hash: Option<Slot<Value>>,
    cipher: Option<Slot<Value>>,
    pqc: Option<Slot<Value>>,
    tls: Option<Slot<Value>>,
    regions: Vec<Value>,
    libraries: Vec<Value>,
    members: Vec<Value>,
    key_weaknesses: Vec<KeyWeakness>,
    /// Every label concluded, with the basis and event that said it.
    labels: Vec<(Label, Basis, u64)>,
}

impl Merged {
    fn add(&mut self, c: &Conclusion, event: u64) {
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
            members,
            key_weaknesses,
            basis: _,
            confidence: _,
        } = c;
        let basis = c.effective_basis();
        for l in labels {
            self.labels.push((*l, basis, event));
        }
        keep(&mut self.container, container, c, event);
        keep(&mut self.encoding, encoding, c, event);
        keep(&mut self.algorithm, algorithm, c, event);
        keep(&mut self.oid, oid, c, event);
        keep(&mut self.key_bits, key_bits, c, event);
        keep(&mut self.curve, curve, c, event);
        keep(&mut self.hash, hash, c, event);
        keep(&mut self.cipher, cipher, c, event);
        keep(&mut self.pqc, pqc, c, event);
        keep(&mut self.tls, tls, c, event);
        union(&mut self.regions, regions);
        union(&mut self.libraries, libraries);
        union(&mut self.members, members);
        union(&mut self.key_weaknesses, key_weaknesses);
    }

    /// The label set by the rule of the module docs, with its source.
    fn labels(&self) -> (Vec<Label>, Option<ListSource>) {
        let real = |&&(l, _, _): &&(Label, Basis, u64)| l != Label::Unknown;
        let parsed = self
            .labels
            .iter()
            .filter(real)
            .any(|(_, b, _)| *b == Basis::Parsed);
        let firm = self
            .labels
            .iter()
            .filter(real)
            .any(|(_, b, _)| !b.is_guess());
        let chosen: Vec<&(Label, Basis, u64)> = if parsed {
            self.labels
                .iter()
                .filter(|(l, b, _)| *l != Label::Unknown && *b == Basis::Parsed)
                .collect()
        } else if firm {
            self.labels
                .iter()
                .filter(|(l, b, _)| *l != Label::Unknown && !b.is_guess())
                .collect()
        } else if let Some(top) = self
            .labels
            .iter()
            .filter(real)
            .map(|(_, b, _)| b.strength())
            .max()
        {
            self.labels
                .iter()
                .filter(|(l, b, _)| *l != Label::Unknown && b.strength() == top)
                .collect()
        } else {
            self.labels.iter().collect()
        };
        let mut out = Vec::new();
        let mut events = Vec::new();
        let mut basis: Option<Basis> = None;
        for (l, b, e) in chosen {
            push_unique(&mut out, *l);
            push_unique(&mut events, *e);
            if basis.is_none_or(|have| b.strength() > have.strength()) {
                basis = Some(*b);
            }
        }
        let source = basis.map(|basis| ListSource { basis, events });
        (out, source)
    }
}

/// Where one concluded field came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Source {
    /// The basis of the conclusion that gave the value.
    pub basis: Basis,
    /// Its confidence in permille, for a guess.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confidence: Option<u16>,
    /// The index of its event within the job.
    pub event: u64,
}

/// Where a concluded list (`labels`) came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ListSource {
    /// The strongest basis among the conclusions that gave the list.
    pub basis: Basis,
    /// The indexes of their events within the job, first seen first.
    pub events: Vec<u64>,
}

/// `sources` of the summary: one entry per concluded field, fields in
/// alphabetical order (as a `serde_json::Map` would sort them).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Sources {
    /// Source of `algorithm`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub algorithm: Option<Source>,
    /// Source of `cipher`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cipher: Option<Source>,
    /// Source of `container`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub container: Option<Source>,
    /// Source of `curve`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub curve: Option<Source>,
    /// Source of `encoding`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encoding: Option<Source>,
    /// Source of `hash`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hash: Option<Source>,
    /// Source of `key_bits`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_bits: Option<Source>,
    /// Source of `labels`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub labels: Option<ListSource>,
    /// Source of `oid`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub oid: Option<Source>,
    /// Source of `pqc`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pqc: Option<Source>,
    /// Source of `tls`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tls: Option<Source>,
}

impl Sources {
    /// True when no field was concluded.
    pub fn is_empty(&self) -> bool {
        *self == Sources::default()
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
    /// Union of `key_weaknesses` (the weak-key audit's ids).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub key_weaknesses: Vec<KeyWeakness>,
    /// Union of `labels`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub labels: Vec<crate::vocab::Label>,
    /// Union of `libraries`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub libraries: Vec<Value>,
    /// Union of `members` (one entry per member object of a bundle).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub members: Vec<Value>,
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
    /// Where each concluded field came from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sources: Option<Sources>,
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
        write::write_data(self, out)?;
        out.push(b'}');
        Ok(())
    }
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
    use crate::vocab::{Basis, Conclusion, FailureKind, KeyWeakness, Label};
    use serde_json::json;

    fn labels(ls: &[Label]) -> Conclusion {
        Conclusion {
            labels: ls.to_vec(),
            ..Default::default()
        }
    }

    #[test]
    fn strongest_basis_wins_whatever_the_order() {
        let events = vec![
            Event::ok("route", "label").with_conclusion(labels(&[Label::Certificate])),
            Event::ok("inspect", "x509").with_conclusion(
                Conclusion {
                    labels: vec![Label::KeyMaterial, Label::Certificate],
                    algorithm: Some("RSA".into()),
                    key_bits: Some(2048),
                    hash: Some(json!({"scheme":"a"})),
                    ..Default::default()
                }
                .with_basis(Basis::Parsed),
            ),
            // A later guess never overrides a parsed fact.
            Event::ok("probe", "pqc").with_conclusion(Conclusion {
                labels: vec![Label::KemTranscript],
                algorithm: Some("ML-DSA-65".into()),
                hash: Some(json!({"other":1})),
                basis: Some(Basis::SizeOnly),
                confidence: Some(300),
                ..Default::default()
            }),
        ];
        let d = Value::Object(summary_data(&events));
        // The parsed labels stand alone.
        assert_eq!(d["labels"], json!(["key_material", "certificate"]));
        assert_eq!(d["algorithm"], json!("RSA"));
        assert_eq!(d["key_bits"], json!(2048));
        assert_eq!(d["hash"], json!({"scheme":"a"}));
        assert_eq!(d["events"], json!(3));
        assert_eq!(d["budgets_hit"], json!([]));
        assert_eq!(
            d["sources"],
            json!({"algorithm":{"basis":"parsed","event":1},
                   "hash":{"basis":"parsed","event":1},
                   "key_bits":{"basis":"parsed","event":1},
                   "labels":{"basis":"parsed","events":[1]}})
        );
        assert_eq!(
            d["outcomes"],
            json!({"inspect":{"ok":1,"error":0,"skipped":0},
                   "probe":{"ok":1,"error":0,"skipped":0},
                   "route":{"ok":1,"error":0,"skipped":0}})
        );
        // The same events in another order give the same fields.
        let mut rev = events.clone();
        rev.reverse();
        let r = Value::Object(summary_data(&rev));
        assert_eq!(r["algorithm"], json!("RSA"));
        assert_eq!(r["hash"], json!({"scheme":"a"}));
        assert_eq!(r["labels"], json!(["key_material", "certificate"]));
    }

    #[test]
    fn parsed_labels_stand_alone() {
        // The router's sniff said signed data; the parser read a bundle of
        // certificates without signers.
        let sniff = Event::ok("route", "label")
            .with_conclusion(labels(&[Label::SignatureBlob, Label::Certificate]));
        let parsed = Event::ok("inspect", "triage")
            .with_conclusion(labels(&[Label::Certificate]).with_basis(Basis::Parsed));
        let d = Value::Object(summary_data(&[sniff.clone(), parsed]));
        assert_eq!(d["labels"], json!(["certificate"]));
        assert_eq!(
            d["sources"]["labels"],
            json!({"basis":"parsed","events":[1]})
        );
        // A parse that names no label leaves the sniff's labels standing.
        let bare = Event::ok("inspect", "triage").with_conclusion(Conclusion {
            container: Some(crate::vocab::Container::Pkcs12),
            basis: Some(Basis::Parsed),
            ..Default::default()
        });
        let d = Value::Object(summary_data(&[sniff, bare]));
        assert_eq!(d["labels"], json!(["signature_blob", "certificate"]));
    }

    #[test]
    fn ties_go_to_the_earlier_event() {
        let events = vec![
            Event::ok("a", "s").with_conclusion(Conclusion {
                algorithm: Some("RSA".into()),
                ..Default::default()
            }),
            Event::ok("b", "s").with_conclusion(Conclusion {
                algorithm: Some("EC".into()),
                ..Default::default()
            }),
        ];
        let d = Value::Object(summary_data(&events));
        assert_eq!(d["algorithm"], json!("RSA"));
        assert_eq!(
            d["sources"]["algorithm"],
            json!({"basis":"structural","event":0})
        );
    }

    #[test]
    fn a_guess_stands_only_where_nothing_stronger_speaks() {
        let unknown = Event::ok("route", "label").with_conclusion(Conclusion {
            labels: vec![Label::Unknown],
            basis: Some(Basis::Statistics),
            ..Default::default()
        });
        let entropy = Event::ok("route", "label").with_conclusion(Conclusion {
            labels: vec![Label::SymmetricCiphertext],
            basis: Some(Basis::Statistics),
            confidence: Some(500),
            ..Default::default()
        });
        let size = Event::ok("probe", "pqc").with_conclusion(Conclusion {
            labels: vec![Label::KemTranscript],
            algorithm: Some("ML-KEM-768".into()),
            basis: Some(Basis::SizeOnly),
            confidence: Some(400),
            ..Default::default()
        });
        // Alone, the size guess stands, saying so; unknown gives way.
        let d = Value::Object(summary_data(&[unknown.clone(), size.clone()]));
        assert_eq!(d["labels"], json!(["kem_transcript"]));
        assert_eq!(d["algorithm"], json!("ML-KEM-768"));
        assert_eq!(
            d["sources"]["algorithm"],
            json!({"basis":"size_only","confidence":400,"event":1})
        );
        // Between two guesses, the stronger kind's labels stand.
        let d = Value::Object(summary_data(&[entropy.clone(), size.clone()]));
        assert_eq!(d["labels"], json!(["kem_transcript"]));
        // Any structural label sends every guessed label away.
        let gz = Event::ok("route", "label").with_conclusion(labels(&[Label::Compressed]));
        let d = Value::Object(summary_data(&[gz, entropy, size]));
        assert_eq!(d["labels"], json!(["compressed"]));
        assert_eq!(
            d["sources"]["labels"],
            json!({"basis":"structural","events":[0]})
        );
        // Nothing but unknown: unknown.
        let d = Value::Object(summary_data(&[unknown]));
        assert_eq!(d["labels"], json!(["unknown"]));
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
    fn key_weaknesses_are_a_union_and_name_no_source() {
        let weak = |w: Vec<KeyWeakness>| Conclusion {
            key_weaknesses: w,
            ..Default::default()
        };
        let events = vec![
            Event::ok("route", "label").with_conclusion(labels(&[Label::KeyMaterial])),
            Event::ok("weakkeys", "audit")
                .with_conclusion(weak(vec![KeyWeakness::SharedPrime, KeyWeakness::TooSmall])),
            Event::ok("weakkeys", "audit")
                .with_conclusion(weak(vec![KeyWeakness::Fermat, KeyWeakness::TooSmall])),
        ];
        let d = Value::Object(summary_data(&events));
        assert_eq!(
            d["key_weaknesses"],
            json!(["shared_prime", "too_small", "fermat"])
        );
        assert_eq!(d["labels"], json!(["key_material"]));
        assert!(d["sources"].get("key_weaknesses").is_none());
        // A fine key: the audit ran, concluded nothing, and the summary has no key.
        let fine = vec![Event::ok("weakkeys", "audit")];
        assert!(summary_data(&fine).get("key_weaknesses").is_none());
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
                key_weaknesses: vec![KeyWeakness::Fermat],
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
