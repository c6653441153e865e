//! One event of an artifact page, and the typed fields of conclusions a
//! page prints. Only typed fields are printed, never an event's `data`
//! wholesale: a password hash appears as its scheme and parameters, never
//! the hash, its salt or key bytes; an error as its failure shape and
//! offset.

use fx_core::event::{Event, Status, StreamRef};
use fx_core::vocab::Conclusion;
use fx_facts::{HashConclusion, PqcConclusion, TlsConclusion};

use super::escape::{esc, href};

/// A hash audit: scheme, modes, parameters, weaknesses, baseline, totals.
pub fn hash_text(h: &HashConclusion) -> String {
    let mut t = h.scheme.clone().unwrap_or_else(|| "unidentified".into());
    if let Some(m) = h.hashcat_mode {
        t.push_str(&format!(" (hashcat {m}"));
        if let Some(j) = &h.john_format {
            t.push_str(&format!(", john {j}"));
        }
        t.push(')');
    }
    let p = h.params.to_string();
    if !p.is_empty() {
        t.push(' ');
        t.push_str(&p);
    }
    if !h.weaknesses.is_empty() {
        t.push_str(&format!("; weaknesses: {}", h.weaknesses.join(", ")));
    }
    t.push_str(&format!(
        "; baseline {}; {} lines seen, {} identified",
        h.baseline, h.totals.lines_seen, h.totals.identified
    ));
    if !h.totals.per_scheme.is_empty() {
        let v: Vec<String> = h
            .totals
            .per_scheme
            .iter()
            .map(|(k, n)| format!("{k} {n}"))
            .collect();
        t.push_str(&format!(" ({})", v.join(", ")));
    }
    t
}

/// Post-quantum candidates and checks.
pub fn pqc_text(p: &PqcConclusion) -> String {
    let mut v: Vec<String> = p
        .candidates
        .iter()
        .map(|c| format!("{} {}", c.algorithm, c.object))
        .collect();
    let yn = |b: bool| if b { "yes" } else { "no" };
    if let Some(b) = p.valid_structure {
        v.push(format!("structure valid: {}", yn(b)));
    }
    if let Some(b) = p.verified {
        v.push(format!("verified: {}", yn(b)));
    }
    if let Some(b) = p.decapsulated {
        v.push(format!("decapsulated: {}", yn(b)));
    }
    v.join("; ")
}

/// TLS clients: JA4, versions, groups (post-quantum ones named), SNI.
pub fn tls_text(t: &TlsConclusion) -> String {
    let mut v = Vec::new();
    let mut list = |k: &str, l: &[String]| {
        if !l.is_empty() {
            v.push(format!("{k} {}", l.join(", ")));
        }
    };
    list("JA4", &t.ja4);
    list("versions", &t.versions);
    list("groups", &t.groups);
    list("post-quantum/hybrid groups", &t.pq_groups);
    list("SNI", &t.sni);
    v.join("; ")
}

/// The typed fields of a conclusion.
pub fn conclusion_text(c: &Conclusion) -> String {
    let mut v: Vec<String> = Vec::new();
    if !c.labels.is_empty() {
        let l: Vec<&str> = c.labels.iter().map(|l| l.as_str()).collect();
        v.push(format!("labels {}", l.join(", ")));
    }
    if let Some(x) = c.container {
        v.push(format!("container {}", x.as_str()));
    }
    if let Some(x) = c.encoding {
        v.push(format!("encoding {}", x.as_str()));
    }
    if let Some(x) = &c.algorithm {
        v.push(format!("algorithm {x}"));
    }
    if let Some(x) = &c.oid {
        v.push(format!("OID {x}"));
    }
    if let Some(x) = c.key_bits {
        v.push(format!("{x} bits"));
    }
    if let Some(x) = &c.curve {
        v.push(format!("curve {x}"));
    }
    if let Some(h) = &c.hash {
        match serde_json::from_value::<HashConclusion>(h.clone()) {
            Ok(h) => v.push(format!("hash {}", hash_text(&h))),
            Err(_) => v.push("hash audit (see the summary)".into()),
        }
    }
    if let Some(p) = &c.pqc
        && let Ok(p) = serde_json::from_value::<PqcConclusion>(p.clone())
    {
        v.push(format!("post-quantum {}", pqc_text(&p)));
    }
    if let Some(t) = &c.tls
        && let Ok(t) = serde_json::from_value::<TlsConclusion>(t.clone())
    {
        v.push(format!("TLS {}", tls_text(&t)));
    }
    if c.cipher.is_some() {
        v.push("ciphertext signals".into());
    }
    if !c.regions.is_empty() {
        v.push(format!("{} candidate regions", c.regions.len()));
    }
    if !c.libraries.is_empty() {
        let names: Vec<String> = c
            .libraries
            .iter()
            .map(
                |l| match serde_json::from_value::<fx_facts::Library>(l.clone()) {
                    Ok(l) => format!(
                        "{} {}",
                        l.name,
                        l.version.as_deref().unwrap_or("(version unknown)")
                    ),
                    Err(_) => "(unread)".into(),
                },
            )
            .collect();
        v.push(format!("crypto libraries: {}", names.join(", ")));
    }
    if !c.members.is_empty() {
        v.push(format!("{} members", c.members.len()));
    }
    if !c.failures.is_empty() {
        let f: Vec<&str> = c.failures.iter().map(|f| f.as_str()).collect();
        v.push(format!("failures {}", f.join(", ")));
    }
    if let Some(b) = c.basis {
        v.push(format!("basis {}", b.as_str()));
    }
    if let Some(x) = c.confidence {
        v.push(format!("confidence {x}‰"));
    }
    v.join("; ")
}

fn stream_link(what: &str, s: &StreamRef) -> String {
    format!(
        "<a href=\"../../artifacts/{}\">{what}</a> ({} bytes{})",
        href(&s.blob_ref),
        s.bytes,
        if s.truncated { ", truncated" } else { "" }
    )
}

/// The row of event `index` of artifact `artifact_seq`, anchored
/// `a{artifact_seq}-e{event_seq}`.
pub fn row(artifact_seq: u64, index: usize, e: &Event) -> String {
    let seq = e.event_seq.unwrap_or(index as u64);
    let mut status = String::from(match e.status {
        Status::Ok => "ok",
        Status::Error => "error",
        Status::Skipped => "skipped",
    });
    if let Some(r) = &e.reason {
        status.push_str(&format!(": {}", esc(r)));
    }
    if let Some(err) = &e.error {
        status.push_str(&format!(
            ": <span class=\"bad\">{}</span>",
            esc(err.kind.as_str())
        ));
        if let Some(o) = err.offset {
            status.push_str(&format!(" at byte {o}"));
        }
    }
    let conclusion = e
        .conclusion
        .as_ref()
        .map(conclusion_text)
        .unwrap_or_default();
    let tool = match &e.tool {
        None => String::new(),
        Some(t) => {
            let mut s = esc(&t.name);
            if let Some(v) = &t.version {
                s.push_str(&format!(" <code>{}</code>", esc(v)));
            }
            if let Some(c) = t.exit_code {
                s.push_str(&format!("; exit {c}"));
            }
            if t.timed_out {
                s.push_str("; <span class=\"bad\">timed out</span>");
            }
            if let Some(h) = &t.binary_hash {
                s.push_str(&format!("; binary <code>{}</code>", esc(h)));
            }
            if let Some(o) = &t.stdout {
                s.push_str(&format!("; {}", stream_link("stdout", o)));
            }
            if let Some(o) = &t.stderr {
                s.push_str(&format!("; {}", stream_link("stderr", o)));
            }
            s
        }
    };
    format!(
        "<tr id=\"a{artifact_seq}-e{seq}\"><td class=\"n\"><a href=\"#a{artifact_seq}-e{seq}\">{seq}</a></td><td>{}</td><td>{}</td><td>{status}</td><td>{}</td><td>{tool}</td></tr>\n",
        esc(&e.module),
        esc(&e.step),
        esc(&conclusion)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_audit_shows_parameters_only() {
        let h: HashConclusion = serde_json::from_value(serde_json::json!({
            "scheme": "bcrypt", "hashcat_mode": 3200, "john_format": "bcrypt",
            "params": {"cost": 4, "salt_bytes": 16}, "weaknesses": ["cost_below_baseline"],
            "baseline": "owasp-2025",
            "totals": {"lines_seen": 1, "identified": 1, "unidentified": 0, "not_audited": 0,
              "not_text": 0, "no_hash": 0, "per_scheme": {"bcrypt": 1}, "per_weakness": {},
              "truncated": false, "bytes_scanned": 61, "byte_budget_hit": false}
        }))
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            hash_text(&h),
            "bcrypt (hashcat 3200, john bcrypt) cost=4 salt_bytes=16; weaknesses: cost_below_baseline; baseline owasp-2025; 1 lines seen, 1 identified (bcrypt 1)"
        );
    }
}
