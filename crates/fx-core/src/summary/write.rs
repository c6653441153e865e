//! The summary event's bytes, written directly.
//!
//! fx-seq writes one summary per job, and through serde's generic map and
//! struct machinery its `outcomes` and `sources` cost more than the rest of
//! the summary together (every key goes through the string escaper, every
//! entry through a trait call). The summary's shape is fixed and its keys
//! and vocabulary words need no escaping, so [`write_data`] writes the same
//! bytes as `serde_json::to_writer(&SummaryData)` by hand; strings from
//! events and free-form values still go through serde_json. The tests
//! compare both writers byte for byte.

use serde::Serialize;

use super::{ListSource, ModuleOutcomes, OutcomeCounts, Source, Sources, SummaryData};

/// A fixed key as it is written: `"name":` (no escaping needed).
macro_rules! k {
    ($name:literal) => {
        concat!("\"", $name, "\":").as_bytes()
    };
}

/// Writes `data` as `serde_json::to_writer` would.
pub(super) fn write_data(data: &SummaryData<'_>, out: &mut Vec<u8>) -> serde_json::Result<()> {
    out.reserve(512);
    let mut o = Obj::open(out);
    if let Some(a) = &data.algorithm {
        o.key(k!("algorithm"));
        json(o.out, a)?;
    }
    o.key(k!("budgets_hit"));
    json(o.out, &data.budgets_hit)?;
    if let Some(c) = &data.cipher {
        o.key(k!("cipher"));
        json(o.out, c)?;
    }
    if let Some(c) = data.container {
        o.key(k!("container"));
        word(o.out, c.as_str());
    }
    if let Some(c) = &data.curve {
        o.key(k!("curve"));
        json(o.out, c)?;
    }
    if let Some(e) = data.encoding {
        o.key(k!("encoding"));
        word(o.out, e.as_str());
    }
    o.key(k!("events"));
    uint(o.out, data.events);
    if !data.failures.is_empty() {
        o.key(k!("failures"));
        words(o.out, data.failures.iter().map(|f| f.as_str()));
    }
    if let Some(h) = &data.hash {
        o.key(k!("hash"));
        json(o.out, h)?;
    }
    if let Some(k) = data.key_bits {
        o.key(k!("key_bits"));
        uint(o.out, k);
    }
    if !data.key_weaknesses.is_empty() {
        o.key(k!("key_weaknesses"));
        words(o.out, data.key_weaknesses.iter().map(|w| w.as_str()));
    }
    if !data.labels.is_empty() {
        o.key(k!("labels"));
        words(o.out, data.labels.iter().map(|l| l.as_str()));
    }
    if !data.libraries.is_empty() {
        o.key(k!("libraries"));
        json(o.out, &data.libraries)?;
    }
    if !data.members.is_empty() {
        o.key(k!("members"));
        json(o.out, &data.members)?;
    }
    if let Some(x) = &data.oid {
        o.key(k!("oid"));
        json(o.out, x)?;
    }
    o.key(k!("outcomes"));
    outcomes(o.out, &data.outcomes)?;
    if let Some(p) = &data.pqc {
        o.key(k!("pqc"));
        json(o.out, p)?;
    }
    if !data.regions.is_empty() {
        o.key(k!("regions"));
        json(o.out, &data.regions)?;
    }
    if let Some(s) = &data.sources {
        o.key(k!("sources"));
        sources(o.out, s);
    }
    if let Some(t) = &data.tls {
        o.key(k!("tls"));
        json(o.out, t)?;
    }
    o.close();
    Ok(())
}

/// A JSON object being written: commas between keys.
struct Obj<'a> {
    out: &'a mut Vec<u8>,
    first: bool,
}

impl<'a> Obj<'a> {
    fn open(out: &'a mut Vec<u8>) -> Obj<'a> {
        out.push(b'{');
        Obj { out, first: true }
    }

    /// A key, as [`k!`] writes it (quoted, with its colon).
    fn key(&mut self, k: &[u8]) {
        if !self.first {
            self.out.push(b',');
        }
        self.first = false;
        self.out.extend_from_slice(k);
    }

    fn close(self) {
        self.out.push(b'}');
    }
}

/// A string known to need no escaping: a field name or a vocabulary word.
fn word(out: &mut Vec<u8>, s: &str) {
    debug_assert!(!s.bytes().any(|b| b == b'"' || b == b'\\' || b < 0x20));
    out.push(b'"');
    out.extend_from_slice(s.as_bytes());
    out.push(b'"');
}

fn words<'w>(out: &mut Vec<u8>, list: impl Iterator<Item = &'w str>) {
    out.push(b'[');
    for (i, w) in list.enumerate() {
        if i > 0 {
            out.push(b',');
        }
        word(out, w);
    }
    out.push(b']');
}

fn uint(out: &mut Vec<u8>, n: u64) {
    out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
}

fn json<T: Serialize + ?Sized>(out: &mut Vec<u8>, v: &T) -> serde_json::Result<()> {
    serde_json::to_writer(out, v)
}

fn outcomes(out: &mut Vec<u8>, m: &ModuleOutcomes<'_>) -> serde_json::Result<()> {
    out.push(b'{');
    for (i, (module, counts)) in m.0.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        // Module names come from events: escape them as serde would.
        json(out, module)?;
        out.push(b':');
        let OutcomeCounts { error, ok, skipped } = *counts;
        let mut o = Obj::open(out);
        o.key(k!("error"));
        uint(o.out, error);
        o.key(k!("ok"));
        uint(o.out, ok);
        o.key(k!("skipped"));
        uint(o.out, skipped);
        o.close();
    }
    out.push(b'}');
    Ok(())
}

fn sources(out: &mut Vec<u8>, s: &Sources) {
    let Sources {
        algorithm,
        cipher,
        container,
        curve,
        encoding,
        hash,
        key_bits,
        labels,
        oid,
        pqc,
        tls,
    } = s;
    let mut o = Obj::open(out);
    let scalar = |o: &mut Obj<'_>, name: &[u8], src: &Option<Source>| {
        if let Some(Source {
            basis,
            confidence,
            event,
        }) = src
        {
            o.key(name);
            let mut e = Obj::open(o.out);
            e.key(k!("basis"));
            word(e.out, basis.as_str());
            if let Some(c) = confidence {
                e.key(k!("confidence"));
                uint(e.out, u64::from(*c));
            }
            e.key(k!("event"));
            uint(e.out, *event);
            e.close();
        }
    };
    scalar(&mut o, k!("algorithm"), algorithm);
    scalar(&mut o, k!("cipher"), cipher);
    scalar(&mut o, k!("container"), container);
    scalar(&mut o, k!("curve"), curve);
    scalar(&mut o, k!("encoding"), encoding);
    scalar(&mut o, k!("hash"), hash);
    scalar(&mut o, k!("key_bits"), key_bits);
    if let Some(ListSource { basis, events }) = labels {
        o.key(k!("labels"));
        let mut e = Obj::open(o.out);
        e.key(k!("basis"));
        word(e.out, basis.as_str());
        e.key(k!("events"));
        e.out.push(b'[');
        for (i, n) in events.iter().enumerate() {
            if i > 0 {
                e.out.push(b',');
            }
            uint(e.out, *n);
        }
        e.out.push(b']');
        e.close();
    }
    scalar(&mut o, k!("oid"), oid);
    scalar(&mut o, k!("pqc"), pqc);
    scalar(&mut o, k!("tls"), tls);
    o.close();
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::event::{ErrorInfo, Event};
    use crate::summary::SummaryBuilder;
    use crate::vocab::{Basis, Conclusion, Container, Encoding, FailureKind, Label};
    use serde_json::json;

    fn both(events: &[Event]) -> (String, String) {
        let mut b = SummaryBuilder::default();
        for e in events {
            b.add_event(e);
        }
        let data = b.finish();
        let mut fast = Vec::new();
        write_data(&data, &mut fast).unwrap();
        let slow = serde_json::to_vec(&data).unwrap();
        (
            String::from_utf8(fast).unwrap(),
            String::from_utf8(slow).unwrap(),
        )
    }

    #[test]
    fn writes_what_serde_writes() {
        let cases: Vec<Vec<Event>> = vec![
            vec![],
            vec![Event::skipped("probe", "pqc", "budget:probes")],
            vec![
                Event::ok("route", "label").with_conclusion(Conclusion {
                    labels: vec![Label::Unknown],
                    basis: Some(Basis::Statistics),
                    confidence: Some(700),
                    ..Default::default()
                }),
                Event::ok("inspect", "x509").with_conclusion(Conclusion {
                    labels: vec![Label::Certificate, Label::KeyMaterial],
                    container: Some(Container::X509Certificate),
                    encoding: Some(Encoding::Pem),
                    algorithm: Some("RSA \"quoted\" \\ \u{1}".into()),
                    oid: Some("1.2.840.113549.1.1.1".into()),
                    key_bits: Some(u64::MAX),
                    curve: Some("P-256\n".into()),
                    members: vec![json!({"index":0,"algorithm":"RSA"})],
                    basis: Some(Basis::Parsed),
                    ..Default::default()
                }),
                Event::ok("probe", "pqc").with_conclusion(Conclusion {
                    algorithm: Some("ML-KEM-768".into()),
                    pqc: Some(json!({"candidates":[],"verified":null})),
                    hash: Some(json!({"scheme":"bcrypt"})),
                    cipher: Some(json!("aes")),
                    regions: vec![json!({"offset":3})],
                    tls: Some(json!({"ja4":"t13d"})),
                    libraries: vec![json!({"name":"openssl"})],
                    failures: vec![FailureKind::Truncated],
                    key_weaknesses: vec![
                        crate::vocab::KeyWeakness::SharedPrime,
                        crate::vocab::KeyWeakness::TooSmall,
                    ],
                    basis: Some(Basis::SizeOnly),
                    confidence: Some(333),
                    ..Default::default()
                }),
                Event::error("inspect", "pem", ErrorInfo::new(FailureKind::BadPemArmor)),
                Event::ok("odd\"module", "x").with_data(json!({"caps_hit":["cap:é\t"]})),
                Event::ok("probe", "regions").with_data(json!({"caps_hit":["budget:max_regions"]})),
            ],
        ];
        for events in &cases {
            let (fast, slow) = both(events);
            assert_eq!(fast, slow);
        }
    }
}
