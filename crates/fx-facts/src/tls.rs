//! TLS client fingerprints of fx-fingerprint (step `tls`): the DESIGN §9
//! `tls` conclusion and the per-stream records of the step's data.

use fx_core::Text;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The DESIGN §9 `tls` conclusion: unique values over every ClientHello of
/// a capture, first seen first.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct TlsConclusion {
    /// JA4 fingerprints.
    #[serde(default)]
    pub ja4: Vec<String>,
    /// JA3 fingerprints (MD5 hex).
    #[serde(default)]
    pub ja3: Vec<String>,
    /// Versions offered (`TLS 1.3`, `TLS 1.2`).
    #[serde(default)]
    pub versions: Vec<String>,
    /// Named groups offered, by registry name.
    #[serde(default)]
    pub groups: Vec<String>,
    /// The offered groups that are post-quantum or hybrid (`X25519MLKEM768`).
    #[serde(default)]
    pub pq_groups: Vec<String>,
    /// Server names sent (valid UTF-8 ones).
    #[serde(default)]
    pub sni: Vec<String>,
}

/// A named group with its code point.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct NamedGroup {
    /// Code point, `0x….`.
    pub id: String,
    /// IANA registry name (`x25519`, `secp256r1`, `X25519MLKEM768`).
    pub name: String,
    /// True for post-quantum and hybrid groups.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub post_quantum: bool,
}

/// One key_share entry of a ClientHello.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct KeyShare {
    /// The group.
    #[serde(flatten)]
    pub group: NamedGroup,
    /// Bytes of key_exchange.
    pub bytes: u64,
}

/// Everything read from one ClientHello.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ClientHello {
    /// JA4 fingerprint.
    pub ja4: String,
    /// JA4_r (raw, sorted).
    pub ja4_r: String,
    /// JA4_o (original order, hashed).
    pub ja4_o: String,
    /// JA4_ro (raw, original order).
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
    /// Server name, when sent (byte-exact; see [`fx_core::Text`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::schema::text")]
    pub sni: Option<Text>,
    /// ALPN protocols in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(schema_with = "crate::schema::texts")]
    pub alpn: Vec<Text>,
    /// True when the hello ended inside its extension list.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub truncated: bool,
}

impl ClientHello {
    /// True when a post-quantum or hybrid group is offered.
    pub fn offers_post_quantum(&self) -> bool {
        self.groups.iter().any(|g| g.post_quantum)
    }
}

/// What a ServerHello (or HelloRetryRequest) chose.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ServerHello {
    /// Negotiated version.
    pub version: String,
    /// Selected cipher suite, `0x….`.
    pub cipher_suite: String,
    /// Key-share group (or the one a HelloRetryRequest asks for).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<NamedGroup>,
    /// True for a HelloRetryRequest.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub hello_retry_request: bool,
}

/// One TCP, QUIC or DTLS connection with its hellos.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct TlsStream {
    /// Index of the stream in order of first appearance (per transport).
    pub stream: u64,
    /// `tcp`, `quic` or `dtls` (DTLS over UDP).
    pub transport: String,
    /// Client address.
    pub src: String,
    /// Client port.
    pub src_port: u16,
    /// Server address.
    pub dst: String,
    /// Server port.
    pub dst_port: u16,
    /// ClientHellos in stream order (a second one follows a HelloRetryRequest,
    /// or in DTLS a HelloVerifyRequest; a DTLS retransmission of the same
    /// message is not another one).
    pub client_hellos: Vec<ClientHello>,
    /// ServerHellos and HelloRetryRequests in stream order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub server_hellos: Vec<ServerHello>,
    /// DTLS only: HelloVerifyRequests the server sent (distinct message_seq),
    /// each answering one of the first ClientHellos with a cookie; absent
    /// when none.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub hello_verify_requests: u64,
}

fn is_zero(v: &u64) -> bool {
    *v == 0
}

/// Packet counters of a capture.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PacketStats {
    /// Frames read.
    pub frames: u64,
    /// TCP segments decoded.
    pub tcp_segments: u64,
    /// UDP datagrams decoded.
    pub udp_datagrams: u64,
}

/// The data of fx-fingerprint's `tls` step: one capture.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct CaptureData {
    /// `pcap` or `pcapng` (`null` when unknown).
    #[serde(default)]
    pub format: Option<String>,
    /// Offset where the file ends inside a record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub truncated_at: Option<u64>,
    /// Offset of a record that could not be parsed (the walk stopped there).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub malformed_at: Option<u64>,
    /// Packet counters.
    pub packets: PacketStats,
    /// True when more streams than the cap were seen.
    pub flows_capped: bool,
    /// True when more ClientHellos than `max_client_hellos` were seen.
    pub client_hellos_capped: bool,
    /// Streams with at least one ClientHello, in order of first appearance.
    pub streams: Vec<TlsStream>,
}

/// One TLS client as readers want it: a ClientHello with its connection and
/// what the server chose, flattened out of [`CaptureData`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct TlsClient {
    /// Stream index (per transport).
    pub stream: u64,
    /// `tcp`, `quic` or `dtls`.
    pub transport: String,
    /// Client address and port.
    pub src: String,
    /// Client port.
    pub src_port: u16,
    /// Server address.
    pub dst: String,
    /// Server port.
    pub dst_port: u16,
    /// The ClientHello.
    pub hello: ClientHello,
    /// The server's answer on the same stream at the same position, when
    /// one was captured (the negotiated version, suite and group).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server: Option<ServerHello>,
}

fn push_unique(list: &mut Vec<String>, v: &str) {
    if !list.iter().any(|x| x == v) {
        list.push(v.to_owned());
    }
}

impl CaptureData {
    /// Number of ClientHellos fingerprinted.
    pub fn client_hello_count(&self) -> usize {
        self.streams.iter().map(|s| s.client_hellos.len()).sum()
    }

    /// The DESIGN §9 `tls` conclusion fx-fingerprint writes beside this
    /// data: the unique values over every ClientHello, first seen first
    /// (server names only when valid UTF-8).
    pub fn conclusion(&self) -> TlsConclusion {
        let mut c = TlsConclusion::default();
        for h in self.streams.iter().flat_map(|s| &s.client_hellos) {
            push_unique(&mut c.ja4, &h.ja4);
            push_unique(&mut c.ja3, &h.ja3);
            for v in &h.offered_versions {
                push_unique(&mut c.versions, v);
            }
            for g in &h.groups {
                push_unique(&mut c.groups, &g.name);
                if g.post_quantum {
                    push_unique(&mut c.pq_groups, &g.name);
                }
            }
            if let Some(Text::Str(s)) = &h.sni {
                push_unique(&mut c.sni, s);
            }
        }
        c
    }

    /// Every ClientHello with its connection, in capture order; the n-th
    /// ClientHello of a stream is paired with its n-th ServerHello, counted
    /// after the ClientHellos a DTLS HelloVerifyRequest answered (the first
    /// `hello_verify_requests` ones, which no ServerHello answers).
    pub fn clients(&self) -> Vec<TlsClient> {
        let mut out = Vec::new();
        for s in &self.streams {
            let verified = usize::try_from(s.hello_verify_requests).unwrap_or(usize::MAX);
            for (i, h) in s.client_hellos.iter().enumerate() {
                out.push(TlsClient {
                    stream: s.stream,
                    transport: s.transport.clone(),
                    src: s.src.clone(),
                    src_port: s.src_port,
                    dst: s.dst.clone(),
                    dst_port: s.dst_port,
                    hello: h.clone(),
                    server: i
                        .checked_sub(verified)
                        .and_then(|n| s.server_hellos.get(n))
                        .cloned(),
                });
            }
        }
        out
    }
}
