//! The openssl cross-check: the first DER object fx-inspect parsed is handed
//! to `openssl` through the run's tool runner (sandboxed, recorded), and the
//! agreement with the native parse becomes a `crosscheck` event. A
//! disagreement is a signal, not an error of fx-inspect:
//!
//! * certificates: `openssl x509 -inform DER -noout -serial` — does openssl
//!   read it, and is the serial the same;
//! * everything else: `openssl asn1parse -inform DER` — does openssl read it,
//!   and does it count the same number of elements as the native walk.
//!
//! A missing openssl is `skipped`/`tool_unavailable`.

use fx_core::event::Event;
use fx_core::tool::{ToolCall, ToolRunner};
use fx_core::vocab::Container;
use fx_facts::common::SkipDetail;
use fx_facts::crosscheck::{Compared, OpensslCrosscheck};

use crate::Inspection;
use crate::report::MODULE;

/// Runs the cross-check; returns the tool-run event and the `crosscheck` event.
pub fn run(runner: &ToolRunner, ins: &Inspection) -> Vec<Event> {
    let Some(t) = &ins.cross else {
        return vec![Event::skipped(MODULE, "crosscheck", "not_applicable")];
    };
    if !runner.has("openssl") {
        return vec![Event::skipped(MODULE, "crosscheck", "tool_unavailable")];
    }
    let cert = t.container == Container::X509Certificate;
    let call = if cert {
        ToolCall::new("openssl", MODULE)
            .step("tool:openssl_x509")
            .args(["x509", "-inform", "DER", "-noout", "-serial", "-in"])
            .file("object.der", &t.der)
    } else {
        ToolCall::new("openssl", MODULE)
            .step("tool:openssl_asn1parse")
            .args(["asn1parse", "-inform", "DER", "-in"])
            .file("object.der", &t.der)
    };
    let out = match runner.run(&call) {
        Ok(o) => o,
        Err(e) => {
            return vec![
                Event::skipped(MODULE, "crosscheck", "tool_unavailable").with_data(SkipDetail {
                    detail: e.to_string(),
                }),
            ];
        }
    };
    if !out.ran() {
        let reason = out
            .event
            .reason
            .clone()
            .unwrap_or_else(|| "tool_unavailable".into());
        return vec![out.event, Event::skipped(MODULE, "crosscheck", reason)];
    }
    let stdout = String::from_utf8_lossy(&out.stdout);
    let mut differed: Vec<String> = Vec::new();
    let check = if cert {
        "x509_serial"
    } else {
        "asn1parse_nodes"
    };
    let (openssl_read, native, openssl) = if !out.succeeded() {
        differed.push("openssl could not read what fx parsed".into());
        (false, None, None)
    } else if cert {
        let theirs = stdout
            .trim()
            .strip_prefix("serial=")
            .unwrap_or("")
            .to_ascii_uppercase();
        let ours = t.serial.clone().unwrap_or_default();
        let ours = ours.trim_start_matches("00");
        let theirs_n = theirs.trim_start_matches("00");
        if ours != theirs_n {
            differed.push(format!("serial: fx {ours}, openssl {theirs_n}"));
        }
        (
            true,
            Some(Compared::Text(ours.to_owned())),
            Some(Compared::Text(theirs_n.to_owned())),
        )
    } else {
        let theirs = stdout.lines().filter(|l| l.contains(":d=")).count();
        if theirs != t.nodes {
            differed.push(format!("elements: fx {}, openssl {theirs}", t.nodes));
        }
        (
            true,
            Some(Compared::Count(t.nodes as u64)),
            Some(Compared::Count(theirs as u64)),
        )
    };
    let data = OpensslCrosscheck {
        agree: openssl_read && differed.is_empty(),
        check: check.to_owned(),
        differed,
        native,
        openssl,
        openssl_read,
        tool: "openssl".to_owned(),
    };
    vec![out.event, Event::ok(MODULE, "crosscheck").with_data(data)]
}
