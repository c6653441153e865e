//! Raw TLS record streams: content type 20–24, version 3.x, a length within
//! the record limit, records chained back to back through the prefix. And a
//! bare `KeyShareEntry` (RFC 8446 §4.2.8) spanning the artifact: a known
//! NamedGroup, a length that agrees with the size, and that size one of the
//! group's shares ([`fx_formats::tls_groups::key_share_entry`]).

use fx_core::vocab::{Container, Encoding, Label};
use fx_formats::tls::{CLIENT_HELLO, ContentType, RECORD_HEADER_LEN, RecordHeader, SERVER_HELLO};
use fx_formats::tls_groups::{ShareSide, key_share_entry};

use crate::findings::{Findings, conf};
use crate::input::Input;

/// Records walked at most.
const MAX_RECORDS: usize = 64;

/// The label of a bare key_share entry spanning the artifact: a KEM
/// group's server share is its ciphertext (`kem_transcript`, also when the
/// key and the ciphertext have the same size, ML-KEM-1024: a share of a KEM
/// is a message of its exchange either way); every other share is a public
/// key (`key_material`).
fn key_share(inp: &Input<'_>, f: &mut Findings) {
    if !inp.complete() {
        return;
    }
    let Some(ks) = key_share_entry(inp.bytes) else {
        return;
    };
    let label = match (ks.group.kem, ks.side) {
        (Some(_), ShareSide::Server | ShareSide::Either) => Label::KemTranscript,
        _ => Label::KeyMaterial,
    };
    f.add(label, conf::STRONG, "tls:key_share_entry");
    f.encoding(Encoding::Raw, conf::STRONG);
}

/// Adds the TLS-record findings of `inp`.
pub fn sniff(inp: &Input<'_>, f: &mut Findings) {
    key_share(inp, f);
    let b = inp.bytes;
    // A stream starts with a handshake (or, mid-stream, an alert or CCS);
    // the first handshake message is a ClientHello (1) or ServerHello (2).
    let handshake =
        RecordHeader::read(b, 0).is_some_and(|h| h.kind() == Some(ContentType::Handshake));
    if !handshake
        || !matches!(
            b.get(RECORD_HEADER_LEN),
            Some(&(CLIENT_HELLO | SERVER_HELLO))
        )
    {
        return;
    }
    let mut at = 0usize;
    let mut whole = 0usize;
    let mut cut = false;
    while whole < MAX_RECORDS {
        let Some(h) = RecordHeader::read(b, at) else {
            break;
        };
        if h.kind().is_none() || !h.is_tls_version() || h.len == 0 || !h.within_limit() {
            break;
        }
        at = h.end(at);
        if at > b.len() {
            cut = true;
            break;
        }
        whole += 1;
    }
    let ends_at_end = inp.size == Some(at as u64);
    let (confidence, signal) = match whole {
        0 if cut && b.len() >= 5 + 4 => (conf::PLAUSIBLE, "tls:handshake_record_header"),
        0 => return,
        1 if ends_at_end => (conf::STRONG, "tls:one_record_spans_artifact"),
        1 => (conf::LIKELY, "tls:one_record"),
        _ => (conf::CERTAIN, "tls:record_chain"),
    };
    f.add(Label::ProtocolCapture, confidence, signal);
    f.container(Container::TlsRecords, confidence);
    f.encoding(Encoding::Raw, confidence);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(ct: u8, body: &[u8]) -> Vec<u8> {
        let mut r = vec![ct, 3, 1];
        r.extend_from_slice(&(body.len() as u16).to_be_bytes());
        r.extend_from_slice(body);
        r
    }

    fn run(b: &[u8]) -> crate::findings::Verdict {
        let mut f = Findings::default();
        sniff(&Input::new(b, Some(b.len() as u64), 0), &mut f);
        f.conclude("-")
    }

    #[test]
    fn record_chains() {
        let mut hello = vec![1u8, 0, 0, 40];
        hello.resize(44, 7);
        let one = record(0x16, &hello);
        let v = run(&one);
        assert_eq!(v.labels[0].label, Label::ProtocolCapture);
        assert_eq!(v.container, Some(Container::TlsRecords));
        let mut two = one.clone();
        two.extend(record(0x14, &[1]));
        assert_eq!(run(&two).labels[0].confidence, conf::CERTAIN);
        // Not a handshake first, or a bad version: nothing.
        assert_eq!(run(&record(0x17, &hello)).labels[0].label, Label::Unknown);
        let mut bad = one.clone();
        bad[1] = 2;
        assert_eq!(run(&bad).container, None);
    }

    #[test]
    fn a_bare_key_share_entry_is_structure() {
        let entry = |id: u16, len: usize| {
            let mut b = id.to_be_bytes().to_vec();
            b.extend_from_slice(&(len as u16).to_be_bytes());
            b.extend(crate::input::tests::noise(len, 7));
            b
        };
        // ML-KEM-768 encapsulation key (client), X25519MLKEM768 ciphertext
        // share (server): structural, so no statistics guess stands.
        for (id, len, label) in [
            (0x0201, 1184, Label::KeyMaterial),
            (0x11ec, 1120, Label::KemTranscript),
            (0x001d, 32, Label::KeyMaterial),
        ] {
            let v = run(&entry(id, len));
            assert_eq!(v.labels[0].label, label, "{id:#06x}");
            assert_eq!(v.labels[0].signals, ["tls:key_share_entry"]);
            assert_eq!(
                v.concluded().basis,
                fx_core::vocab::Basis::Structural,
                "{id:#06x}"
            );
        }
        // The length disagrees with the size: nothing.
        let mut bad = entry(0x0201, 1184);
        bad.pop();
        assert_eq!(run(&bad).labels[0].label, Label::Unknown);
    }
}
