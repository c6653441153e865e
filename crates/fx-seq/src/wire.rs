//! A borrowed, still strict, parse of a job line.
//!
//! The typed [`fx_core::job::Job`] owns every string and builds a
//! `serde_json::Map` for every event's `data`: most of fx-seq's time went
//! there, and into serializing it all again. This parse checks the same
//! things — the job's fields, the artifact's and every event's (unknown
//! fields refused, types checked: strings, numbers, `status` one of the
//! three; `error`, `conclusion` and `tool` typed) and the JSON syntax of
//! everything else — but keeps the artifact and each event as the bytes
//! they came as ([`RawValue`]), allocates no string it does not need, reads
//! only the part of `data` the summary needs (`caps_hit`), and reports
//! whether those bytes can be copied through unchanged ([`is_compact`],
//! [`ArtifactWire::canonical`]).
//!
//! [`ArtifactWire`] mirrors [`fx_core::job::Artifact`] field for field; a
//! test keeps the two in step.

use std::borrow::Cow;
use std::fmt;

use fx_core::event::Status;
use fx_core::summary::CAPS_HIT_KEY;
use fx_core::vocab::Conclusion;
use fx_core::vocab::FailureKind;
use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::Value;
use serde_json::value::RawValue;

/// A job line with its artifact and events left as raw JSON.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JobWire<'a> {
    /// Format tag.
    #[serde(borrow)]
    pub fx: Cow<'a, str>,
    /// Run id.
    #[serde(borrow)]
    pub run_id: Cow<'a, str>,
    /// The artifact, the exact bytes of its JSON object (see [`ArtifactWire`]).
    #[serde(borrow)]
    pub artifact: &'a RawValue,
    /// The events, each the exact bytes of its JSON object.
    #[serde(borrow, default)]
    pub events: Vec<&'a RawValue>,
}

/// [`fx_core::job::Artifact`], checked field by field without allocating,
/// keeping what fx-seq reads.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArtifactWire<'a> {
    /// Artifact id.
    #[serde(borrow)]
    pub artifact_id: Cow<'a, str>,
    #[serde(default)]
    artifact_hash: Opt<AnyStr>,
    #[serde(default)]
    artifact_ref: Opt<AnyStr>,
    /// The sort key.
    pub artifact_seq: u64,
    #[serde(default)]
    size: Opt<u64>,
    /// Intake metadata.
    #[serde(borrow)]
    pub intake: IntakeWire<'a>,
    #[serde(default)]
    custody: Vec<CustodyWire>,
    #[serde(default, deserialize_with = "some_vec")]
    members: Option<Vec<MemberWire>>,
}

fn some_vec<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<Vec<T>>, D::Error> {
    Vec::deserialize(d).map(Some)
}

/// [`fx_core::job::Intake`], checked.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)] // fields are checked while parsing, not read
pub struct IntakeWire<'a> {
    case: AnyStr,
    source: AnyStr,
    /// Tenant.
    #[serde(borrow)]
    pub tenant: Cow<'a, str>,
    path: TextWire,
    #[serde(default)]
    collected_at: Option<AnyStr>,
    #[serde(default)]
    hints: AnyMap,
    #[serde(default)]
    bundle: Opt<AnyStr>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)] // fields are checked while parsing, not read
struct CustodyWire {
    actor: AnyStr,
    action: AnyStr,
    #[serde(default)]
    note: Opt<AnyStr>,
    #[serde(default)]
    path: Opt<TextWire>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)] // fields are checked while parsing, not read
struct MemberWire {
    role: AnyStr,
    path: TextWire,
    #[serde(default)]
    hash: Opt<AnyStr>,
    #[serde(default)]
    artifact_ref: Opt<AnyStr>,
    #[serde(default)]
    size: Opt<u64>,
}

impl ArtifactWire<'_> {
    /// True when serializing the typed artifact would give back its bytes,
    /// provided they are compact ([`is_compact`] with nulls allowed): no
    /// `null` where the typed field would be left out, no empty `members`.
    pub fn canonical(&self) -> bool {
        let null = [
            self.artifact_hash.is_null(),
            self.artifact_ref.is_null(),
            self.size.is_null(),
            self.intake.bundle.is_null(),
        ];
        let custody_null = self
            .custody
            .iter()
            .any(|c| c.note.is_null() || c.path.is_null());
        let members = match &self.members {
            None => true,
            Some(m) => {
                !m.is_empty()
                    && m.iter().all(|m| {
                        !(m.hash.is_null() || m.artifact_ref.is_null() || m.size.is_null())
                    })
            }
        };
        !null.contains(&true) && !custody_null && members
    }
}

/// An optional field of a type that leaves `None` out when it serializes:
/// absent, `null`, or a value.
#[derive(Debug, Default)]
enum Opt<T> {
    #[default]
    Absent,
    Null,
    Value(#[allow(dead_code)] T),
}

impl<T> Opt<T> {
    fn is_null(&self) -> bool {
        matches!(self, Opt::Null)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Opt<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Opt<T>, D::Error> {
        Ok(match Option::<T>::deserialize(d)? {
            None => Opt::Null,
            Some(v) => Opt::Value(v),
        })
    }
}

/// Any JSON string, checked and dropped.
#[derive(Debug)]
struct AnyStr;

impl<'de> Deserialize<'de> for AnyStr {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<AnyStr, D::Error> {
        d.deserialize_str(AnyStrVisitor)
    }
}

struct AnyStrVisitor;

impl Visitor<'_> for AnyStrVisitor {
    type Value = AnyStr;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<AnyStr, E> {
        Ok(AnyStr)
    }
}

/// Any JSON object with string keys, checked and dropped.
#[derive(Debug, Default)]
struct AnyMap;

impl<'de> Deserialize<'de> for AnyMap {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<AnyMap, D::Error> {
        d.deserialize_map(AnyMapVisitor)
    }
}

struct AnyMapVisitor;

impl<'de> Visitor<'de> for AnyMapVisitor {
    type Value = AnyMap;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a map")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<AnyMap, A::Error> {
        while map.next_key::<AnyStr>()?.is_some() {
            map.next_value::<IgnoredAny>()?;
        }
        Ok(AnyMap)
    }
}

/// [`fx_core::text::Text`]: a string, or `{"bytes": "<base64>"}`.
#[derive(Debug)]
struct TextWire;

impl<'de> Deserialize<'de> for TextWire {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<TextWire, D::Error> {
        d.deserialize_any(TextVisitor)
    }
}

struct TextVisitor;

impl<'de> Visitor<'de> for TextVisitor {
    type Value = TextWire;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string or {\"bytes\": string}")
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<TextWire, E> {
        Ok(TextWire)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<TextWire, A::Error> {
        let mut seen = false;
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            if key != "bytes" || seen {
                return Err(de::Error::custom(
                    "data did not match any variant of untagged enum Text",
                ));
            }
            map.next_value::<AnyStr>()?;
            seen = true;
        }
        if !seen {
            return Err(de::Error::custom(
                "data did not match any variant of untagged enum Text",
            ));
        }
        Ok(TextWire)
    }
}

/// One event, with what fx-seq reads from it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventWire<'a> {
    /// A `run_id` stamp is present (with any value).
    #[serde(default, deserialize_with = "present")]
    pub run_id: bool,
    /// An `artifact_id` stamp is present.
    #[serde(default, deserialize_with = "present")]
    pub artifact_id: bool,
    /// An `artifact_seq` stamp is present.
    #[serde(default, deserialize_with = "present")]
    pub artifact_seq: bool,
    /// An `event_seq` stamp is present.
    #[serde(default, deserialize_with = "present")]
    pub event_seq: bool,
    /// Module name.
    #[serde(borrow)]
    pub module: Cow<'a, str>,
    /// Step name.
    #[serde(borrow)]
    pub step: Cow<'a, str>,
    /// Outcome.
    pub status: Status,
    /// Skip reason.
    #[serde(default)]
    pub reason: Option<String>,
    /// Failure shape.
    #[serde(default)]
    pub error: Option<ErrorWire>,
    /// The `caps_hit` strings of `data` (the rest is only checked to be a JSON object).
    #[serde(default)]
    pub data: Option<DataCaps>,
    /// Conclusion, typed.
    #[serde(default)]
    pub conclusion: Option<Conclusion>,
    /// Tool-run record, checked.
    #[serde(default)]
    pub tool: Option<ToolWire>,
}

/// [`fx_core::event::ErrorInfo`], keeping the failure shape.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorWire {
    /// The failure shape.
    pub kind: FailureKind,
    #[serde(default)]
    #[allow(dead_code)] // checked while parsing, not read
    offset: Option<u64>,
    #[serde(default)]
    #[allow(dead_code)] // checked while parsing, not read
    detail: Option<AnyStr>,
}

/// [`fx_core::event::ToolRun`], checked field by field (only its presence
/// is read). `null`s are accepted as the typed record accepts them; a line
/// holding one is not compact and takes the typed path anyway.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)] // fields are checked while parsing, not read
pub struct ToolWire {
    name: AnyStr,
    #[serde(default)]
    version: Option<AnyStr>,
    #[serde(default)]
    binary_hash: Option<AnyStr>,
    argv: Vec<TextWire>,
    #[serde(default)]
    exit_code: Option<i32>,
    #[serde(default)]
    signal: Option<i32>,
    timed_out: bool,
    sandbox: AnyStr,
    #[serde(default)]
    stdout: Option<StreamWire>,
    #[serde(default)]
    stderr: Option<StreamWire>,
}

/// [`fx_core::event::StreamRef`], checked.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)] // fields are checked while parsing, not read
struct StreamWire {
    #[serde(rename = "ref")]
    blob_ref: AnyStr,
    hash: AnyStr,
    bytes: u64,
    kept: u64,
    truncated: bool,
}

impl EventWire<'_> {
    /// True when the event carries any of fx-seq's stamps.
    pub fn stamped(&self) -> bool {
        self.run_id || self.artifact_id || self.artifact_seq || self.event_seq
    }
}

fn present<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    IgnoredAny::deserialize(d).map(|_| true)
}

/// An event's `data` object, reduced to the strings of its `caps_hit`
/// array (the last `caps_hit` key wins, as in a `serde_json::Map`).
#[derive(Debug, Default)]
pub struct DataCaps {
    /// The strings of `data.caps_hit`, in order; non-strings are dropped.
    pub caps_hit: Vec<String>,
}

impl<'de> Deserialize<'de> for DataCaps {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<DataCaps, D::Error> {
        d.deserialize_map(DataVisitor)
    }
}

struct DataVisitor;

impl<'de> Visitor<'de> for DataVisitor {
    type Value = DataCaps;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<DataCaps, A::Error> {
        let mut caps = DataCaps::default();
        while let Some(is_caps) = map.next_key_seed(IsCapsKey)? {
            if is_caps {
                caps.caps_hit = match map.next_value::<Value>()? {
                    Value::Array(items) => items
                        .into_iter()
                        .filter_map(|v| match v {
                            Value::String(s) => Some(s),
                            _ => None,
                        })
                        .collect(),
                    _ => Vec::new(),
                };
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(caps)
    }
}

/// Reads a map key without allocating; true when it is `caps_hit`.
struct IsCapsKey;

impl<'de> DeserializeSeed<'de> for IsCapsKey {
    type Value = bool;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        d.deserialize_str(self)
    }
}

impl Visitor<'_> for IsCapsKey {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string key")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<bool, E> {
        Ok(v == CAPS_HIT_KEY)
    }
}

/// Where the artifact and the events of a job line are, found by a
/// structural scan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layout {
    /// The artifact object.
    pub artifact: std::ops::Range<usize>,
    /// Each event object.
    pub events: Vec<std::ops::Range<usize>>,
    /// The artifact and every event are compact ([`is_compact`], nulls
    /// allowed in the artifact only).
    pub compact: bool,
}

/// The layout of a job line of run `run_id` written the way the fx stages
/// write it — exactly `{"fx":"job/1","run_id":"<run_id>","artifact":{…},"events":[{…},…]}`
/// — or `None` for any other line (which then goes through [`JobWire`]).
/// Only the structure is checked here: brackets are matched outside
/// strings; the caller parses the artifact and every event strictly, and
/// checks the line is UTF-8, which together make the whole line checked.
pub fn layout(line: &[u8], run_id: &str) -> Option<Layout> {
    let mut i = lit(line, 0, br#"{"fx":""#)?;
    i = lit(line, i, fx_core::JOB_FORMAT.as_bytes())?;
    i = lit(line, i, br#"","run_id":""#)?;
    i = lit(line, i, run_id.as_bytes())?;
    i = lit(line, i, br#"","artifact":"#)?;
    let (end, mut compact) = object_end(line, i, true)?;
    let artifact = i..end;
    i = lit(line, artifact.end, br#","events":["#)?;
    let mut events = Vec::with_capacity(8);
    if line.get(i) != Some(&b']') {
        loop {
            let (end, c) = object_end(line, i, false)?;
            compact &= c;
            let ev = i..end;
            i = ev.end;
            events.push(ev);
            match line.get(i)? {
                b',' => i += 1,
                b']' => break,
                _ => return None,
            }
        }
    }
    (line.get(i + 1..)? == b"}").then_some(Layout {
        artifact,
        events,
        compact,
    })
}

fn lit(line: &[u8], i: usize, lit: &[u8]) -> Option<usize> {
    line.get(i..)?.starts_with(lit).then_some(i + lit.len())
}

/// The index after the object that starts at `i` (with `{`), matching
/// brackets outside strings, and whether the object is compact
/// ([`is_compact`] with `nulls`); `None` if it does not start there or end.
fn object_end(line: &[u8], i: usize, nulls: bool) -> Option<(usize, bool)> {
    if line.get(i) != Some(&b'{') {
        return None;
    }
    let mut depth = 0usize;
    let mut compact = true;
    let mut j = i;
    while let Some(&b) = line.get(j) {
        match b {
            b'"' => {
                let (end, canonical) = string_close(line, j + 1)?;
                compact &= canonical;
                j = end;
                continue;
            }
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some((j + 1, compact));
                }
            }
            b' ' | b'\t' | b'\r' | b'\n' => compact = false,
            b'n' if !nulls => compact = false,
            _ => {}
        }
        j += 1;
    }
    None
}

/// True when the escape at `i` (a backslash inside a string) is one
/// serde_json writes.
fn serde_escape(json: &[u8], i: usize) -> bool {
    match json.get(i + 1) {
        Some(b'"' | b'\\' | b'b' | b't' | b'n' | b'f' | b'r') => true,
        Some(b'u') => {
            let Some(h) = json.get(i + 2..i + 6) else {
                return false;
            };
            let low = match h[3] {
                c @ b'0'..=b'9' => c - b'0',
                c @ b'a'..=b'f' => c - b'a' + 10,
                _ => return false,
            };
            let hi = match h[2] {
                b'0' => 0,
                b'1' => 16,
                _ => return false,
            };
            h[0] == b'0' && h[1] == b'0' && !matches!(hi + low, 8 | 9 | 10 | 12 | 13)
        }
        _ => false,
    }
}

/// True when `json` (one complete JSON value) is in the compact form
/// serde_json writes, so copying it through gives the bytes re-serializing
/// would: no whitespace outside strings, no `null` either unless `nulls`
/// (a typed event drops `null` optional fields; an artifact keeps some,
/// see [`ArtifactWire::canonical`]), and inside strings only the escapes
/// serde_json writes (`\"`, `\\`, `\b`, `\t`, `\n`, `\f`, `\r`, and
/// `\u00XX` in lowercase hex for the other control characters).
///
/// Not checked, because serde_json's own writers never produce them and
/// they pass through harmlessly: number spellings (`1e3`, `1.50`) and key
/// order inside `data`.
pub fn is_compact(json: &[u8], nulls: bool) -> bool {
    let mut i = 0;
    while let Some(&b) = json.get(i) {
        match b {
            b'"' => match string_close(json, i + 1) {
                Some((end, true)) => i = end,
                _ => return false,
            },
            b' ' | b'\t' | b'\r' | b'\n' => return false,
            b'n' if !nulls => return false,
            _ => i += 1,
        }
    }
    true
}

/// Given the index just after an opening quote, returns the index just
/// after the closing quote and whether every escape in the string is one
/// serde_json writes (see `serde_escape`); `None` if the string does not end.
pub fn string_close(json: &[u8], mut i: usize) -> Option<(usize, bool)> {
    let mut canonical = true;
    loop {
        i += memchr::memchr2(b'"', b'\\', json.get(i..)?)?;
        if json[i] == b'"' {
            return Some((i + 1, canonical));
        }
        canonical &= serde_escape(json, i);
        // Past the backslash and the escaped byte; the rest of a `\uXXXX`
        // is hex digits, never a quote or a backslash.
        i += 2;
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn compact_form_is_what_serde_writes() {
        let v = serde_json::json!({
            "module": "x", "s": "quote \" backslash \\ nl \n tab \t ctl \u{1} del \u{7f} é / end",
            "a": [1, 2.5, true, false, {"k": "v"}], "e": {}
        });
        let s = serde_json::to_vec(&v).unwrap();
        assert!(is_compact(&s, false), "{}", String::from_utf8_lossy(&s));
        for bad in [
            r#"{"a": 1}"#,
            r#"{"a":null}"#,
            r#"{"a":"\/"}"#,
            r#"{"a":"\u00e9"}"#,
            r#"{"a":"\u000A"}"#,
            r#"{"a":"\u000a"}"#,
            r#"{"a":"\u001F"}"#,
            r#"{"a":"unterminated}"#,
            "{\"a\":\t1}",
        ] {
            assert!(!is_compact(bad.as_bytes(), false), "{bad}");
        }
        assert!(is_compact(br#"{"a":"\u001f\u0000","n":"null"}"#, false));
        assert!(is_compact(br#"{"a":null}"#, true));
        assert!(!is_compact(br#"{"a": null}"#, true));
    }

    #[test]
    fn data_caps_reads_only_caps_hit() {
        let e: EventWire<'_> = serde_json::from_str(
            r#"{"module":"m","step":"s","status":"ok","data":{"a":{"caps_hit":["no"]},"caps_hit":["budget:x",3,"budget:y"]}}"#,
        )
        .unwrap();
        assert_eq!(e.data.as_ref().unwrap().caps_hit, ["budget:x", "budget:y"]);
        assert!(!e.stamped());
        let e: EventWire<'_> =
            serde_json::from_str(r#"{"event_seq":null,"module":"m","step":"s","status":"ok"}"#)
                .unwrap();
        assert!(e.stamped());
        for bad in [
            r#"{"module":"m","step":"s","status":"ok","data":[1]}"#,
            r#"{"module":"m","step":"s","status":"fine"}"#,
            r#"{"module":"m","step":"s","status":"ok","extra":1}"#,
            r#"{"module":"m","status":"ok"}"#,
        ] {
            assert!(serde_json::from_str::<EventWire<'_>>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn artifact_wire_accepts_exactly_what_artifact_does() {
        use fx_core::job::{Artifact, CustodyNote, Intake, Member};
        use fx_core::text::Text;
        let full = Artifact {
            artifact_id: "id\"q".into(),
            artifact_hash: Some("sha256:00".into()),
            artifact_ref: Some("blobs/sha256/00/11".into()),
            artifact_seq: 3,
            size: Some(5),
            intake: Intake {
                case: "c".into(),
                source: "s".into(),
                tenant: "t".into(),
                path: Text::from_bytes(b"\xff\xfe"),
                collected_at: None,
                hints: [("k".to_owned(), serde_json::json!({"x":[null,1]}))].into(),
                bundle: Some("b".into()),
            },
            custody: vec![
                CustodyNote {
                    actor: "a".into(),
                    action: "ingested".into(),
                    note: Some("n".into()),
                    path: None,
                },
                CustodyNote {
                    actor: "a".into(),
                    action: "reached".into(),
                    note: None,
                    path: Some(Text::from_bytes(b"x/\xff")),
                },
            ],
            members: vec![Member {
                role: "signature".into(),
                path: Text::Str("sig".into()),
                hash: None,
                artifact_ref: None,
                size: Some(1),
            }],
        };
        let mut bare = full.clone();
        bare.artifact_hash = None;
        bare.artifact_ref = None;
        bare.size = None;
        bare.intake.bundle = None;
        bare.intake.path = Text::Str("p".into());
        bare.custody.clear();
        bare.members.clear();
        for a in [&full, &bare] {
            let v = serde_json::to_value(a).unwrap();
            let text = serde_json::to_string(&v).unwrap();
            let w: ArtifactWire<'_> = serde_json::from_str(&text).unwrap();
            assert!(w.canonical() && is_compact(text.as_bytes(), true), "{text}");
            assert_eq!((w.artifact_seq, &*w.intake.tenant), (3, "t"));
            // Every field can be broken the same way for both parsers.
            let fields = |v: &Value| -> Vec<Vec<&'static str>> {
                let mut out = Vec::new();
                for k in [
                    "artifact_id",
                    "artifact_hash",
                    "artifact_ref",
                    "artifact_seq",
                    "size",
                    "intake",
                    "custody",
                    "members",
                ] {
                    if v.get(k).is_some() {
                        out.push(vec![k]);
                    }
                }
                for k in [
                    "case",
                    "source",
                    "tenant",
                    "path",
                    "collected_at",
                    "hints",
                    "bundle",
                ] {
                    if v["intake"].get(k).is_some() {
                        out.push(vec!["intake", k]);
                    }
                }
                out
            };
            for path in fields(&v) {
                for bad in [
                    serde_json::json!(17.5),
                    serde_json::json!([1]),
                    serde_json::json!({"z":1}),
                    serde_json::json!(true),
                ] {
                    let mut b = v.clone();
                    let slot = path.iter().fold(&mut b, |acc, k| &mut acc[*k]);
                    *slot = bad.clone();
                    let text = serde_json::to_string(&b).unwrap();
                    let typed = serde_json::from_str::<Artifact>(&text).is_ok();
                    let wire = serde_json::from_str::<ArtifactWire<'_>>(&text).is_ok();
                    assert_eq!(typed, wire, "{path:?} = {bad}: typed {typed}, wire {wire}");
                }
            }
            let mut extra = v.clone();
            extra["intake"]["new"] = Value::Bool(true);
            assert!(serde_json::from_str::<ArtifactWire<'_>>(&extra.to_string()).is_err());
        }
        // Nulls the typed artifact would drop make it non-canonical.
        let mut v = serde_json::to_value(&bare).unwrap();
        v["size"] = Value::Null;
        let text = v.to_string();
        assert!(
            !serde_json::from_str::<ArtifactWire<'_>>(&text)
                .unwrap()
                .canonical()
        );
        let mut v = serde_json::to_value(&bare).unwrap();
        v["members"] = serde_json::json!([]);
        let text = v.to_string();
        assert!(
            !serde_json::from_str::<ArtifactWire<'_>>(&text)
                .unwrap()
                .canonical()
        );
    }

    #[test]
    fn layout_finds_the_parts_of_stage_lines_only() {
        let line = br#"{"fx":"job/1","run_id":"r1","artifact":{"a":"}\"{","b":[{}]},"events":[{"m":"x]"},{"n":[1,{"o":2}]}]}"#;
        let l = layout(line, "r1").unwrap();
        assert_eq!(&line[l.artifact.clone()], br#"{"a":"}\"{","b":[{}]}"#);
        let evs: Vec<&[u8]> = l.events.iter().map(|r| &line[r.clone()]).collect();
        assert_eq!(evs, [&br#"{"m":"x]"}"#[..], br#"{"n":[1,{"o":2}]}"#]);
        assert!(l.compact);
        // Compactness as is_compact judges it, part by part.
        for (art, ev, compact) in [
            (r#"{"a":null}"#, r#"{"m":"x"}"#, true),
            (r#"{"a":1}"#, r#"{"m":null}"#, false),
            (r#"{"a": 1}"#, r#"{"m":"x"}"#, false),
            (r#"{"a":"\/"}"#, r#"{"m":"x"}"#, false),
            (r#"{"a":"\u001f"}"#, r#"{"m":"\n\u0000"}"#, true),
            (r#"{"a":"x"}"#, r#"{"m":"\u00e9"}"#, false),
        ] {
            let line =
                format!(r#"{{"fx":"job/1","run_id":"r1","artifact":{art},"events":[{ev}]}}"#);
            let l = layout(line.as_bytes(), "r1").unwrap();
            assert_eq!(l.compact, compact, "{line}");
            assert_eq!(
                compact,
                is_compact(art.as_bytes(), true) && is_compact(ev.as_bytes(), false)
            );
        }
        let empty = br#"{"fx":"job/1","run_id":"r1","artifact":{},"events":[]}"#;
        assert_eq!(layout(empty, "r1").unwrap().events.len(), 0);
        for other in [
            &br#"{"fx":"job/1","run_id":"r2","artifact":{},"events":[]}"#[..],
            br#"{"fx":"job/2","run_id":"r1","artifact":{},"events":[]}"#,
            br#"{"fx":"job/1","run_id":"r1","artifact":{},"events":[]} "#,
            br#"{"fx":"job/1","run_id":"r1","artifact":{},"events":[],"x":1}"#,
            br#"{"fx":"job/1","run_id":"r1","artifact":{},"events":[{}{}]}"#,
            br#"{"fx":"job/1","run_id":"r1","artifact":{"a":"}"#,
            br#"{"fx":"job/1","run_id":"r1","artifact":{]},"events":[]}"#,
            br#"{"fx":"job/1","run_id":"r1","artifact":{},"events":[1]}"#,
            br#"{"fx":"job/1","run_id":"r1","events":[],"artifact":{}}"#,
        ] {
            assert_eq!(
                layout(other, "r1"),
                None,
                "{}",
                String::from_utf8_lossy(other)
            );
        }
    }

    #[test]
    fn tool_and_error_wires_accept_exactly_what_the_typed_event_does() {
        use fx_core::event::{ErrorInfo, Event, StreamRef, ToolRun};
        use fx_core::text::Text;
        let stream = StreamRef {
            blob_ref: "blobs/sha256/00/11".into(),
            hash: "sha256:0011".into(),
            bytes: 9,
            kept: 9,
            truncated: false,
        };
        let tool = ToolRun {
            name: "openssl".into(),
            version: Some("3.0".into()),
            binary_hash: Some("sha256:22".into()),
            argv: vec![Text::Str("x509".into()), Text::from_bytes(b"\xff")],
            exit_code: Some(1),
            signal: Some(9),
            timed_out: true,
            sandbox: "bwrap".into(),
            stdout: Some(stream.clone()),
            stderr: Some(stream),
        };
        let e = Event::error(
            "m",
            "s",
            ErrorInfo::new(FailureKind::Truncated).at(3).detail("d"),
        )
        .with_tool(tool);
        let v = serde_json::to_value(&e).unwrap();
        let text = v.to_string();
        let w: EventWire<'_> = serde_json::from_str(&text).unwrap();
        assert_eq!(
            w.error.as_ref().map(|e| e.kind),
            Some(FailureKind::Truncated)
        );
        assert!(w.tool.is_some());
        let paths: [&[&str]; 17] = [
            &["error", "kind"],
            &["error", "offset"],
            &["error", "detail"],
            &["tool", "name"],
            &["tool", "version"],
            &["tool", "binary_hash"],
            &["tool", "argv"],
            &["tool", "exit_code"],
            &["tool", "signal"],
            &["tool", "timed_out"],
            &["tool", "sandbox"],
            &["tool", "stdout"],
            &["tool", "stdout", "ref"],
            &["tool", "stdout", "hash"],
            &["tool", "stdout", "bytes"],
            &["tool", "stdout", "kept"],
            &["tool", "stdout", "truncated"],
        ];
        for path in paths {
            for bad in [
                serde_json::json!(-1.5),
                serde_json::json!([{"x": 1}]),
                serde_json::json!({"z": 1}),
                serde_json::json!("text"),
                serde_json::json!(false),
                serde_json::json!(4_000_000_000u64),
            ] {
                let mut b = v.clone();
                let slot = path.iter().fold(&mut b, |acc, k| &mut acc[*k]);
                *slot = bad.clone();
                let text = b.to_string();
                let typed = serde_json::from_str::<Event>(&text).is_ok();
                let wire = serde_json::from_str::<EventWire<'_>>(&text).is_ok();
                assert_eq!(typed, wire, "{path:?} = {bad}: typed {typed}, wire {wire}");
            }
        }
    }
}
