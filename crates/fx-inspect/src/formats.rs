//! The format table: one row per wrapper or format fx-inspect reads, tried
//! in table order over the same bytes (as fx-route's `SNIFFERS` and
//! fx-probe's `PROBES` are listed). A row either reads the artifact, which
//! ends the dispatch, or passes to the next row — possibly after recording
//! a defect (a PEM boundary with the wrong dashes, a wrong outer tag) or an
//! object that does not settle the container (OpenSSH public keys). What
//! no row reads is raw bytes with the normaliser's geometry.
//!
//! DER containers have a table of their own (`containers::ROWS`), reached
//! through the `pem`, `der` and `text_der` rows.
//!
//! Adding a format touches its parser's module and one row here.

use fx_core::vocab::{Container, Encoding, FailureKind};
use fx_formats::der::{self as derwalk, WalkLimits};
use fx_formats::pem;
use serde::Serialize;

use crate::report::{Finding, Step};
use crate::x509::Parsed;
use crate::{
    Session, capture, containers, dropbear, jose, openpgp, openssh, putty, regions, smime, sshcom,
    tls,
};

/// What a row did with the artifact.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Flow {
    /// The row read it: the dispatch ends.
    Done,
    /// Not this row's format (or not settled by it): the next row looks.
    Next,
}

/// A row: looks at the bytes and reads them into the session.
pub(crate) type FormatFn = fn(&mut Session<'_>, &[u8]) -> Flow;

/// Every format, in the order tried.
pub(crate) const FORMATS: &[(&str, FormatFn)] = &[
    ("capture", capture_file),
    ("smime", smime_message),
    ("ppk", ppk),
    ("sshcom", sshcom_key),
    ("dropbear", dropbear_key),
    ("openpgp", openpgp_armor),
    ("openpgp_binary", openpgp_binary),
    ("pem", pem_text),
    ("broken_pem", broken_pem),
    ("der", der),
    ("openssh", openssh_public_keys),
    ("tls", tls_records),
    ("jose", jose_object),
    ("text_der", text_der),
];

/// Runs the rows over `bytes` until one reads them; raw bytes otherwise.
pub(crate) fn dispatch(s: &mut Session<'_>, bytes: &[u8]) {
    for (_, row) in FORMATS {
        if row(s, bytes) == Flow::Done {
            return;
        }
    }
    // Nothing recognised: the normaliser's geometry is all there is.
    if s.out.report.verdict.encoding.is_none() {
        s.out.report.verdict.encoding = Some(Encoding::Raw);
    }
    s.out.report.verdict.container(Container::Raw);
    regions::raw(bytes, &mut s.out.report.regions);
}

/// OpenPGP armor (`-----BEGIN PGP …`) is not PEM: armor headers, a CRC-24
/// line, cleartext-signed text; so it is read before the PEM row.
fn openpgp_armor(s: &mut Session<'_>, bytes: &[u8]) -> Flow {
    if !openpgp::looks_like_armor(bytes) {
        return Flow::Next;
    }
    s.openpgp_armor(bytes);
    Flow::Done
}

/// Binary OpenPGP packets (`.gpg`, `.sig`): only when the whole input walks
/// as packets (openpgp.rs), so random bytes are never taken for them.
fn openpgp_binary(s: &mut Session<'_>, bytes: &[u8]) -> Flow {
    if !openpgp::looks_like_binary(bytes) {
        return Flow::Next;
    }
    s.openpgp_binary(bytes);
    Flow::Done
}

fn capture_file(s: &mut Session<'_>, bytes: &[u8]) -> Flow {
    let Some(c) = capture::capture_format(bytes) else {
        return Flow::Next;
    };
    s.out.report.verdict.encoding = Some(Encoding::Raw);
    match capture::capture(bytes) {
        Ok(p) => s.object_record("pcap", p, None, |data, _, _| data),
        Err(f) => {
            s.out.report.verdict.container(c);
            s.failed("pcap", f, None)
        }
    }
    Flow::Done
}

fn smime_message(s: &mut Session<'_>, bytes: &[u8]) -> Flow {
    if !smime::looks_like_smime(bytes) {
        return Flow::Next;
    }
    s.out.report.verdict.encoding = Some(Encoding::Text);
    match smime::message(bytes) {
        Ok((p, der)) => {
            s.object_record("smime", p, None, |data, _, _| data);
            // The CMS object's offsets are in the decoded part: block 0.
            s.der_object(&der, Some("CMS"), Some(0), false);
        }
        Err(f) => {
            s.out.report.verdict.container(Container::Smime);
            s.failed("smime", f, None);
        }
    }
    Flow::Done
}

/// SSH private keys of PuTTY, ssh.com and dropbear (putty.rs, sshcom.rs,
/// dropbear.rs).
fn key_file<D: Serialize>(
    s: &mut Session<'_>,
    bytes: &[u8],
    looks_like: fn(&[u8]) -> bool,
    step: &'static str,
    encoding: Encoding,
    parse: fn(&[u8]) -> Result<Parsed<D>, Finding>,
) -> Flow {
    if !looks_like(bytes) {
        return Flow::Next;
    }
    s.key_file(step, encoding, parse(bytes));
    Flow::Done
}

fn ppk(s: &mut Session<'_>, b: &[u8]) -> Flow {
    key_file(
        s,
        b,
        putty::looks_like_ppk,
        "ppk",
        Encoding::Text,
        putty::ppk,
    )
}

fn sshcom_key(s: &mut Session<'_>, b: &[u8]) -> Flow {
    key_file(
        s,
        b,
        sshcom::looks_like_sshcom,
        "sshcom",
        Encoding::Text,
        sshcom::private_key,
    )
}

fn dropbear_key(s: &mut Session<'_>, b: &[u8]) -> Flow {
    key_file(
        s,
        b,
        dropbear::looks_like_dropbear,
        "dropbear",
        Encoding::Raw,
        dropbear::host_key,
    )
}

fn pem_text(s: &mut Session<'_>, bytes: &[u8]) -> Flow {
    if !pem::looks_like_pem(bytes) {
        return Flow::Next;
    }
    s.pem(bytes);
    Flow::Done
}

/// A BEGIN line whose dashes are wrong: armor no PEM reader accepts (the
/// bytes may still be read by a later row).
fn broken_pem(s: &mut Session<'_>, bytes: &[u8]) -> Flow {
    if let Some(at) = broken_pem_boundary(bytes) {
        s.out.report.verdict.encoding = Some(Encoding::Pem);
        s.failed(
            "pem",
            Finding::at(
                FailureKind::BadPemArmor,
                at,
                "BEGIN line without exactly five dashes on each side",
            ),
            None,
        );
    }
    Flow::Next
}

fn der(s: &mut Session<'_>, bytes: &[u8]) -> Flow {
    if looks_like_der(bytes, s.cfg.der) {
        s.der_object(bytes, None, None, true);
        if s.out.report.verdict.container.is_some() {
            return Flow::Done;
        }
    } else if let Some(tag) = wrong_outer_tag(bytes, s.cfg.der) {
        // Under another outer tag the bytes are one clean DER structure.
        s.out.report.verdict.encoding = Some(Encoding::Der);
        s.failed(
            "der",
            Finding::at(
                FailureKind::BadTag,
                0,
                format!("outer tag {tag:#04x} where a SEQUENCE belongs"),
            ),
            None,
        );
    }
    Flow::Next
}

fn openssh_public_keys(s: &mut Session<'_>, bytes: &[u8]) -> Flow {
    if !openssh::looks_like_public_keys(bytes) {
        return Flow::Next;
    }
    s.out.report.verdict.encoding = Some(Encoding::Text);
    for r in openssh::public_keys(bytes) {
        match r {
            Ok(p) => s.object_record("openssh", p, None, |data, _, _| data),
            Err(f) => s.failed("openssh", f, None),
        }
    }
    if s.out.report.verdict.container.is_some() {
        Flow::Done
    } else {
        Flow::Next
    }
}

fn tls_records(s: &mut Session<'_>, bytes: &[u8]) -> Flow {
    if !tls::looks_like_tls(bytes) {
        return Flow::Next;
    }
    s.out.report.verdict.encoding = Some(Encoding::Raw);
    match tls::records(bytes) {
        Ok(p) => s.object_record("tls", p, None, |data, _, _| data),
        Err(f) => s.failed("tls", f, None),
    }
    Flow::Done
}

fn jose_object(s: &mut Session<'_>, bytes: &[u8]) -> Flow {
    if !jose::looks_like_jose(bytes) {
        return Flow::Next;
    }
    s.out.report.verdict.encoding = Some(Encoding::Text);
    match jose::jose(bytes) {
        Ok(p) => {
            // A JWK has no container of its own in the vocabulary: the key is primary.
            s.out.report.verdict.primary(&p.key);
            s.object_record("jose", p, None, |data, _, _| data);
        }
        Err(f) => s.failed("jose", f, None),
    }
    Flow::Done
}

/// Base64 or hex text around a DER object (no PEM armor).
fn text_der(s: &mut Session<'_>, bytes: &[u8]) -> Flow {
    let Some((enc, der)) = text_encoded_der(bytes) else {
        return Flow::Next;
    };
    let before = s.out.report.steps.len();
    s.der_object(&der, None, Some(0), false);
    if s.out.report.verdict.container.is_some() {
        s.out.report.verdict.encoding = Some(enc);
        s.out.report.steps.insert(
            before,
            Step::ok(
                "text_decode",
                fx_facts::pem::TextDecodeData {
                    encoding: enc,
                    decoded: der.len() as u64,
                    block: 0,
                },
            ),
        );
        return Flow::Done;
    }
    s.out.report.steps.truncate(before);
    s.out.report.regions.retain(|r| r.block.is_none());
    Flow::Next
}

/// The offset of a PEM-like BEGIN line with the wrong number of dashes
/// (`----BEGIN PRIVATE KEY-----`), in the first 4 KiB of text.
fn broken_pem_boundary(bytes: &[u8]) -> Option<usize> {
    let head = &bytes[..bytes.len().min(4096)];
    let at = memchr::memmem::find(head, b"BEGIN ")?;
    let line_start = head[..at]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let lead = &head[line_start..at];
    if lead.len() < 2 || !lead.iter().all(|&b| b == b'-') {
        return None;
    }
    let line_end = memchr::memchr(b'\n', &head[at..]).map_or(head.len(), |i| at + i);
    let line = head[at..line_end].trim_ascii_end();
    let trail = line.iter().rev().take_while(|&&b| b == b'-').count();
    let label = line.get(6..line.len().checked_sub(trail)?)?;
    let labelled = pem::is_conventional_label(label);
    (labelled && trail >= 2 && (lead.len() != 5 || trail != 5)).then_some(line_start)
}

/// True when `bytes` are worth reading as one DER element: a SEQUENCE, or
/// another constructed element (or an OBJECT IDENTIFIER, as named EC
/// parameters are) that spans the input exactly with clean framing — a
/// structure whose outer tag may be its only defect.
fn looks_like_der(bytes: &[u8], limits: WalkLimits) -> bool {
    match bytes.first() {
        Some(0x30) => true,
        Some(&t) if t & 0x20 != 0 || t == 0x06 => {
            bytes.len() >= if t == 0x06 { 5 } else { 8 } && {
                let w = derwalk::walk(bytes, limits);
                w.findings.is_empty() && w.end == bytes.len() && containers::guess(bytes).is_some()
            }
        }
        _ => false,
    }
}

/// The outer tag of bytes that are one clean DER SEQUENCE of a known shape
/// once that tag is replaced (the tag is then the defect).
fn wrong_outer_tag(bytes: &[u8], limits: WalkLimits) -> Option<u8> {
    let (&tag, rest) = bytes.split_first()?;
    if tag == 0x30 || bytes.len() < 8 || rest.first().is_none_or(|&l| l == 0x80) {
        return None;
    }
    let mut fixed = Vec::with_capacity(bytes.len());
    fixed.push(0x30);
    fixed.extend_from_slice(rest);
    let w = derwalk::walk(&fixed, limits);
    (w.findings.is_empty() && w.end == fixed.len() && containers::guess(&fixed).is_some())
        .then_some(tag)
}

/// Decodes base64 or hex text (whitespace allowed) that holds a DER
/// SEQUENCE; `None` for anything else.
fn text_encoded_der(bytes: &[u8]) -> Option<(Encoding, Vec<u8>)> {
    use base64::Engine as _;
    if bytes.len() < 16
        || !bytes.iter().all(|b| {
            b.is_ascii_alphanumeric() || b.is_ascii_whitespace() || matches!(b, b'+' | b'/' | b'=')
        })
    {
        return None;
    }
    let clean: Vec<u8> = bytes
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    let decoded = if clean.iter().all(u8::is_ascii_hexdigit) && clean.len().is_multiple_of(2) {
        (Encoding::Hex, hex::decode(&clean).ok()?)
    } else if clean
        .iter()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='))
    {
        (
            Encoding::Base64,
            base64::engine::general_purpose::STANDARD
                .decode(&clean)
                .ok()?,
        )
    } else {
        return None;
    };
    (decoded.1.first() == Some(&0x30)).then_some(decoded)
}
