//! Captures: pcap/pcapng → packets → TCP streams (and QUIC Initials, and
//! DTLS handshakes over UDP) → ClientHello/ServerHello → JA4, JA3 and the
//! offered parameters.
//!
//! Everything is native: no tshark. Work is bounded by the policy
//! (`max_stream_bytes` per direction, `max_client_hellos` per capture) and by
//! [`MAX_FLOWS`]; output order is the TCP streams, then the QUIC connections,
//! then the DTLS ones, each in the order they first appear in the file.

pub mod client_hello;
pub mod dtls;
mod flows;
pub mod groups;
pub mod handshake;
pub mod ja3;
pub mod ja4;
pub mod layers;
pub mod quic;
pub mod reassembly;
pub mod report;
pub mod synth;
pub mod tshark;

use std::collections::HashMap;
use std::net::IpAddr;

use fx_formats::capture::{CaptureFormat, FrameEnd, Magic, NotACapture, for_each_frame};
use handshake::{CLIENT_HELLO, HandshakeWalker, SERVER_HELLO};
use layers::Transport;
use reassembly::DirectionReassembler;
pub use report::CaptureReport;

/// Streams (TCP connections and QUIC connections) tracked per capture.
pub const MAX_FLOWS: usize = 100_000;

/// Limits of one capture analysis.
#[derive(Clone, Copy, Debug)]
pub struct CaptureLimits {
    /// Payload bytes reassembled per TCP direction.
    pub max_stream_bytes: u64,
    /// ClientHellos fingerprinted per capture.
    pub max_client_hellos: u32,
}

impl Default for CaptureLimits {
    fn default() -> Self {
        let p = fx_core::policy::FingerprintPolicy::default();
        CaptureLimits {
            max_stream_bytes: p.max_stream_bytes,
            max_client_hellos: p.max_client_hellos,
        }
    }
}

type Endpoint = (IpAddr, u16);

#[derive(Default)]
struct Direction {
    reassembler: DirectionReassembler,
    walker: HandshakeWalker,
}

struct Flow {
    /// The endpoint that sent the first packet seen.
    first: Endpoint,
    second: Endpoint,
    dirs: [Direction; 2],
}

/// Analyses a whole capture held in memory.
pub fn analyze(bytes: &[u8], limits: CaptureLimits) -> Result<CaptureReport, NotACapture> {
    let mut tcp: HashMap<(Endpoint, Endpoint), usize> = HashMap::new();
    let mut flows: Vec<Flow> = Vec::new();
    let mut quic = quic::QuicCollector::default();
    let mut dtls = dtls::DtlsCollector::default();
    let mut stats = fx_facts::tls::PacketStats::default();
    let mut flows_capped = false;

    let (format, end) = for_each_frame(bytes, |linktype, frame| {
        stats.frames += 1;
        let Some(seg) = layers::decode(linktype, frame) else {
            return;
        };
        match seg.transport {
            Transport::Tcp {
                sport,
                dport,
                seq,
                syn,
                payload,
            } => {
                stats.tcp_segments += 1;
                let a = (seg.src, sport);
                let b = (seg.dst, dport);
                let key = if a <= b { (a, b) } else { (b, a) };
                let idx = match tcp.get(&key) {
                    Some(i) => *i,
                    None => {
                        if flows.len() >= MAX_FLOWS {
                            flows_capped = true;
                            return;
                        }
                        flows.push(Flow {
                            first: a,
                            second: b,
                            dirs: Default::default(),
                        });
                        tcp.insert(key, flows.len() - 1);
                        flows.len() - 1
                    }
                };
                let flow = &mut flows[idx];
                let d = usize::from(a != flow.first);
                let dir = &mut flow.dirs[d];
                if syn {
                    dir.reassembler.syn(seq);
                }
                let walker = &mut dir.walker;
                dir.reassembler
                    .push(seq, payload, limits.max_stream_bytes, &mut |b| {
                        walker.feed(b)
                    });
                if walker.is_done() {
                    dir.reassembler.close();
                }
            }
            Transport::Udp {
                sport,
                dport,
                payload,
            } => {
                stats.udp_datagrams += 1;
                quic.datagram((seg.src, sport), (seg.dst, dport), payload);
                dtls.datagram((seg.src, sport), (seg.dst, dport), payload);
            }
        }
    })?;

    let mut report = report::empty_report(format);
    report.truncated_at = match end {
        FrameEnd::Truncated(o) => Some(o),
        _ => None,
    };
    report.malformed_at = match end {
        FrameEnd::Malformed { offset, .. } => Some(offset),
        _ => None,
    };
    report.packets = stats;
    report.flows_capped = flows_capped;

    let mut budget = limits.max_client_hellos;
    for (index, flow) in flows.iter().enumerate() {
        let hellos = |d: usize| flow.dirs[d].walker.hellos.iter();
        // the client is the side that sent ClientHellos
        let client = if hellos(0).any(|h| h.msg_type == CLIENT_HELLO) {
            0
        } else if hellos(1).any(|h| h.msg_type == CLIENT_HELLO) {
            1
        } else {
            continue;
        };
        let (src, dst) = if client == 0 {
            (flow.first, flow.second)
        } else {
            (flow.second, flow.first)
        };
        let mut stream = report::stream_report(index as u64, "tcp", src, dst);
        for h in hellos(client).filter(|h| h.msg_type == CLIENT_HELLO) {
            if budget == 0 {
                report.client_hellos_capped = true;
                break;
            }
            if let Some(ch) = client_hello::parse_client_hello(&h.body) {
                budget -= 1;
                stream
                    .client_hellos
                    .push(report::hello_report(&ch, ja4::Ja4Transport::Tcp));
            }
        }
        for h in hellos(1 - client).filter(|h| h.msg_type == SERVER_HELLO) {
            if let Some(sh) = client_hello::parse_server_hello(&h.body) {
                stream.server_hellos.push(report::server_hello_report(&sh));
            }
        }
        report.streams.push(stream);
    }
    let quic_streams = quic.finish(&mut budget, &mut report.client_hellos_capped);
    report.streams.extend(quic_streams);
    let dtls_streams = dtls.finish(&mut budget, &mut report.client_hellos_capped);
    report.streams.extend(dtls_streams);
    Ok(report)
}

/// Format of a capture (re-exported for callers that sniff).
pub fn sniff(bytes: &[u8]) -> Option<CaptureFormat> {
    Magic::read(bytes).map(Magic::format)
}
