//! What a capture analysis found: fx-facts' records of the `tls` step
//! ([`CaptureReport`] is [`fx_facts::tls::CaptureData`]), built here from
//! the parsed hellos, and the `tls` conclusion of DESIGN §9.

use super::client_hello::{ClientHello, ServerHello, is_grease};
use super::groups::{group_name, is_post_quantum, version_name};
use super::ja3::{ja3_hash, ja3_string};
use super::ja4::{Ja4Transport, ja4, ja4_version};
use fx_core::Text;
use fx_formats::capture::CaptureFormat;

use fx_facts::tls::{ClientHello as HelloRecord, KeyShare, NamedGroup, PacketStats};
use fx_facts::tls::{ServerHello as ServerHelloRecord, TlsStream};

/// The whole result for one capture: the `tls` step's data, as fx-facts
/// records it (its `conclusion()` is the `tls` conclusion).
pub type CaptureReport = fx_facts::tls::CaptureData;

/// An empty capture record: the format read, nothing else yet.
pub fn empty_report(format: CaptureFormat) -> CaptureReport {
    CaptureReport {
        format: Some(format.as_str().to_owned()),
        truncated_at: None,
        malformed_at: None,
        packets: PacketStats::default(),
        flows_capped: false,
        client_hellos_capped: false,
        streams: Vec::new(),
    }
}

/// An empty stream record.
pub fn stream_report(
    stream: u64,
    transport: &'static str,
    src: (std::net::IpAddr, u16),
    dst: (std::net::IpAddr, u16),
) -> TlsStream {
    TlsStream {
        stream,
        transport: transport.to_owned(),
        src: src.0.to_string(),
        src_port: src.1,
        dst: dst.0.to_string(),
        dst_port: dst.1,
        client_hellos: Vec::new(),
        server_hellos: Vec::new(),
        hello_verify_requests: 0,
    }
}

fn named_group(id: u16) -> NamedGroup {
    NamedGroup {
        id: format!("0x{id:04x}"),
        name: group_name(id),
        post_quantum: is_post_quantum(id),
    }
}

/// Fingerprints and describes a ClientHello.
pub fn hello_report(ch: &ClientHello, transport: Ja4Transport) -> HelloRecord {
    let j = ja4(ch, transport);
    let ja3s = ja3_string(ch);
    let offered: Vec<u16> = if ch.supported_versions.is_empty() {
        vec![ch.legacy_version]
    } else {
        ch.supported_versions
            .iter()
            .copied()
            .filter(|v| !is_grease(*v))
            .collect()
    };
    HelloRecord {
        ja4: j.ja4,
        ja4_r: j.ja4_r,
        ja4_o: j.ja4_o,
        ja4_ro: j.ja4_ro,
        ja3: ja3_hash(&ja3s),
        ja3_string: ja3s,
        version: version_name(ja4_version(ch)),
        legacy_version: version_name(ch.legacy_version),
        offered_versions: offered.into_iter().map(version_name).collect(),
        cipher_suites: ch
            .cipher_suites
            .iter()
            .filter(|v| !is_grease(**v))
            .map(|v| format!("0x{v:04x}"))
            .collect(),
        groups: ch
            .groups
            .iter()
            .filter(|v| !is_grease(**v))
            .map(|v| named_group(*v))
            .collect(),
        key_shares: ch
            .key_shares
            .iter()
            .filter(|(g, _)| !is_grease(*g))
            .map(|(g, n)| KeyShare {
                group: named_group(*g),
                bytes: *n as u64,
            })
            .collect(),
        sni: ch.sni.as_deref().map(Text::from_bytes),
        alpn: ch.alpn.iter().map(|a| Text::from_bytes(a)).collect(),
        truncated: ch.truncated,
    }
}

/// Describes a ServerHello.
pub fn server_hello_report(sh: &ServerHello) -> ServerHelloRecord {
    ServerHelloRecord {
        version: version_name(sh.version()),
        cipher_suite: format!("0x{:04x}", sh.cipher_suite),
        group: sh.group.map(named_group),
        hello_retry_request: sh.hello_retry_request,
    }
}
