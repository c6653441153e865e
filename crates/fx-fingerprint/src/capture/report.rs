//! What a capture analysis found, as serialisable records (the `data` of the
//! `tls` event) and the `tls` conclusion of DESIGN §9.

use serde::Serialize;
use serde_json::{Value, json};

use super::client_hello::{ClientHello, ServerHello, is_grease};
use super::groups::{group_name, is_post_quantum, version_name};
use super::ja3::{ja3_hash, ja3_string};
use super::ja4::{Ja4Transport, ja4, ja4_version};
use fx_core::Text;
use fx_formats::capture::CaptureFormat;

/// Packet counters.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct PacketStats {
    /// Frames read.
    pub frames: u64,
    /// TCP segments decoded.
    pub tcp_segments: u64,
    /// UDP datagrams decoded.
    pub udp_datagrams: u64,
}

/// The whole result for one capture.
#[derive(Clone, Debug, Default, Serialize)]
pub struct CaptureReport {
    /// pcap or pcapng.
    #[serde(serialize_with = "ser_format")]
    pub format: Option<CaptureFormat>,
    /// Offset where the file ends inside a record.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub truncated_at: Option<u64>,
    /// Offset of a record that could not be parsed (the walk stopped there).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub malformed_at: Option<u64>,
    /// Packet counters.
    pub packets: PacketStats,
    /// True when more streams than the cap were seen.
    pub flows_capped: bool,
    /// True when more ClientHellos than `max_client_hellos` were seen.
    pub client_hellos_capped: bool,
    /// Streams with at least one ClientHello, in order of first appearance.
    pub streams: Vec<StreamReport>,
}

fn ser_format<S: serde::Serializer>(f: &Option<CaptureFormat>, s: S) -> Result<S::Ok, S::Error> {
    match f {
        Some(f) => s.serialize_str(f.as_str()),
        None => s.serialize_none(),
    }
}

/// One TCP connection or QUIC connection with its hellos.
#[derive(Clone, Debug, Serialize)]
pub struct StreamReport {
    /// Index of the stream in order of first appearance (per transport).
    pub stream: u64,
    /// `tcp` or `quic`.
    pub transport: &'static str,
    /// Client address.
    pub src: String,
    /// Client port.
    pub src_port: u16,
    /// Server address.
    pub dst: String,
    /// Server port.
    pub dst_port: u16,
    /// ClientHellos in stream order (a second one follows a HelloRetryRequest).
    pub client_hellos: Vec<HelloReport>,
    /// ServerHellos (and HelloRetryRequests) in stream order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub server_hellos: Vec<ServerHelloReport>,
}

impl StreamReport {
    /// An empty stream record.
    pub fn new(
        stream: u64,
        transport: &'static str,
        src: (std::net::IpAddr, u16),
        dst: (std::net::IpAddr, u16),
    ) -> StreamReport {
        StreamReport {
            stream,
            transport,
            src: src.0.to_string(),
            src_port: src.1,
            dst: dst.0.to_string(),
            dst_port: dst.1,
            client_hellos: Vec::new(),
            server_hellos: Vec::new(),
        }
    }
}

/// A named group with its code point.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NamedGroup {
    /// Code point, `0x….`.
    pub id: String,
    /// Registry name.
    pub name: String,
    /// True for post-quantum and hybrid groups.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub post_quantum: bool,
}

impl NamedGroup {
    fn new(id: u16) -> NamedGroup {
        NamedGroup {
            id: format!("0x{id:04x}"),
            name: group_name(id),
            post_quantum: is_post_quantum(id),
        }
    }
}

/// One key_share entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct KeyShare {
    /// The group.
    #[serde(flatten)]
    pub group: NamedGroup,
    /// Bytes of key_exchange.
    pub bytes: usize,
}

/// Everything read from one ClientHello.
#[derive(Clone, Debug, Serialize)]
pub struct HelloReport {
    /// JA4.
    pub ja4: String,
    /// JA4_r.
    pub ja4_r: String,
    /// JA4_o.
    pub ja4_o: String,
    /// JA4_ro.
    pub ja4_ro: String,
    /// JA3 (MD5 of `ja3_string`).
    pub ja3: String,
    /// The JA3 string.
    pub ja3_string: String,
    /// The version JA4 uses (highest supported_versions, else legacy).
    pub version: String,
    /// legacy_version.
    pub legacy_version: String,
    /// Versions offered (supported_versions without GREASE, else legacy_version).
    pub offered_versions: Vec<String>,
    /// Cipher suites in offered order, `0x….`, GREASE left out.
    pub cipher_suites: Vec<String>,
    /// Supported groups in offered order, GREASE left out.
    pub groups: Vec<NamedGroup>,
    /// key_share entries, GREASE left out.
    pub key_shares: Vec<KeyShare>,
    /// Server name, when sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sni: Option<Text>,
    /// ALPN protocols in order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub alpn: Vec<Text>,
    /// True when the hello ended inside its extension list.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub truncated: bool,
}

impl HelloReport {
    /// Fingerprints and describes a ClientHello.
    pub fn from_client_hello(ch: &ClientHello, transport: Ja4Transport) -> HelloReport {
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
        HelloReport {
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
                .map(|v| NamedGroup::new(*v))
                .collect(),
            key_shares: ch
                .key_shares
                .iter()
                .filter(|(g, _)| !is_grease(*g))
                .map(|(g, n)| KeyShare {
                    group: NamedGroup::new(*g),
                    bytes: *n,
                })
                .collect(),
            sni: ch.sni.as_deref().map(Text::from_bytes),
            alpn: ch.alpn.iter().map(|a| Text::from_bytes(a)).collect(),
            truncated: ch.truncated,
        }
    }
}

/// What a ServerHello chose.
#[derive(Clone, Debug, Serialize)]
pub struct ServerHelloReport {
    /// Negotiated version.
    pub version: String,
    /// Selected cipher suite.
    pub cipher_suite: String,
    /// Key-share group (or the one a HelloRetryRequest asks for).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<NamedGroup>,
    /// True for a HelloRetryRequest.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub hello_retry_request: bool,
}

impl ServerHelloReport {
    /// Describes a ServerHello.
    pub fn from_server_hello(sh: &ServerHello) -> ServerHelloReport {
        ServerHelloReport {
            version: version_name(sh.version()),
            cipher_suite: format!("0x{:04x}", sh.cipher_suite),
            group: sh.group.map(NamedGroup::new),
            hello_retry_request: sh.hello_retry_request,
        }
    }
}

fn push_unique(list: &mut Vec<String>, v: &str) {
    if !list.iter().any(|x| x == v) {
        list.push(v.to_string());
    }
}

impl CaptureReport {
    /// Number of ClientHellos fingerprinted.
    pub fn client_hello_count(&self) -> usize {
        self.streams.iter().map(|s| s.client_hellos.len()).sum()
    }

    /// The `tls` conclusion: unique values in first-seen order.
    pub fn tls_conclusion(&self) -> Value {
        let (mut ja4s, mut ja3s, mut versions, mut groups, mut pq, mut sni) = (
            Vec::new(),
            Vec::new(),
            Vec::new(),
            Vec::new(),
            Vec::new(),
            Vec::new(),
        );
        for h in self.streams.iter().flat_map(|s| &s.client_hellos) {
            push_unique(&mut ja4s, &h.ja4);
            push_unique(&mut ja3s, &h.ja3);
            for v in &h.offered_versions {
                push_unique(&mut versions, v);
            }
            for g in &h.groups {
                push_unique(&mut groups, &g.name);
                if g.post_quantum {
                    push_unique(&mut pq, &g.name);
                }
            }
            if let Some(Text::Str(s)) = &h.sni {
                push_unique(&mut sni, s);
            }
        }
        json!({"ja4": ja4s, "ja3": ja3s, "versions": versions, "groups": groups, "pq_groups": pq, "sni": sni})
    }
}
