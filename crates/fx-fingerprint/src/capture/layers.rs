//! Packet layers: link → IP → TCP/UDP, through VLAN tags, Linux cooked
//! captures and the tunnels FoxIO's test captures use (GRE, ERSPAN, VXLAN,
//! Geneve). Header parsing is `etherparse`'s lax slicer, so a frame cut by
//! the snap length still yields what it holds.

use std::net::IpAddr;

use etherparse::{EtherType, LaxNetSlice, LaxSlicedPacket, TransportSlice};

/// One decoded transport segment.
#[derive(Clone, Debug)]
pub struct Segment<'a> {
    /// Source address.
    pub src: IpAddr,
    /// Destination address.
    pub dst: IpAddr,
    /// Transport payload and header fields.
    pub transport: Transport<'a>,
}

/// The transport layer of a [`Segment`].
#[derive(Clone, Debug)]
pub enum Transport<'a> {
    /// A TCP segment.
    Tcp {
        /// Source port.
        sport: u16,
        /// Destination port.
        dport: u16,
        /// Sequence number.
        seq: u32,
        /// SYN flag.
        syn: bool,
        /// Payload bytes (possibly cut by the snap length).
        payload: &'a [u8],
    },
    /// A UDP datagram.
    Udp {
        /// Source port.
        sport: u16,
        /// Destination port.
        dport: u16,
        /// Payload bytes.
        payload: &'a [u8],
    },
}

/// Tunnels followed inside one frame at most (GRE in VXLAN in …).
const MAX_TUNNEL_DEPTH: u32 = 4;

/// Link types (pcap LINKTYPE_* numbers) this decoder understands.
mod linktype {
    pub const NULL: i32 = 0;
    pub const ETHERNET: i32 = 1;
    pub const RAW_OPENBSD: i32 = 12;
    pub const RAW_BSDOS: i32 = 14;
    pub const RAW: i32 = 101;
    pub const LOOP: i32 = 108;
    pub const LINUX_SLL: i32 = 113;
    pub const IPV4: i32 = 228;
    pub const IPV6: i32 = 229;
    pub const LINUX_SLL2: i32 = 276;
}

/// Decodes one frame into the TCP/UDP segment it carries, if any.
pub fn decode(linktype: i32, frame: &[u8]) -> Option<Segment<'_>> {
    let sliced = match linktype {
        linktype::ETHERNET => LaxSlicedPacket::from_ethernet(frame).ok()?,
        linktype::RAW
        | linktype::RAW_OPENBSD
        | linktype::RAW_BSDOS
        | linktype::IPV4
        | linktype::IPV6 => LaxSlicedPacket::from_ip(frame).ok()?,
        linktype::NULL | linktype::LOOP => {
            let family: [u8; 4] = frame.get(..4)?.try_into().ok()?;
            let fam = if linktype == linktype::LOOP {
                u32::from_be_bytes(family)
            } else if family[0] != 0 {
                u32::from_le_bytes(family)
            } else {
                u32::from_be_bytes(family)
            };
            match fam {
                2 | 24 | 28 | 30 => LaxSlicedPacket::from_ip(frame.get(4..)?).ok()?,
                _ => return None,
            }
        }
        linktype::LINUX_SLL => {
            let proto = u16::from_be_bytes(frame.get(14..16)?.try_into().ok()?);
            LaxSlicedPacket::from_ether_type(EtherType(proto), frame.get(16..)?)
        }
        linktype::LINUX_SLL2 => {
            let proto = u16::from_be_bytes(frame.get(0..2)?.try_into().ok()?);
            LaxSlicedPacket::from_ether_type(EtherType(proto), frame.get(20..)?)
        }
        _ => return None,
    };
    from_sliced(sliced, 0)
}

fn from_sliced(sliced: LaxSlicedPacket<'_>, depth: u32) -> Option<Segment<'_>> {
    let net = sliced.net?;
    let (src, dst) = match &net {
        LaxNetSlice::Ipv4(v4) => (
            IpAddr::V4(v4.header().source_addr()),
            IpAddr::V4(v4.header().destination_addr()),
        ),
        LaxNetSlice::Ipv6(v6) => (
            IpAddr::V6(v6.header().source_addr()),
            IpAddr::V6(v6.header().destination_addr()),
        ),
        LaxNetSlice::Arp(_) => return None,
    };
    match sliced.transport {
        Some(TransportSlice::Tcp(tcp)) => Some(Segment {
            src,
            dst,
            transport: Transport::Tcp {
                sport: tcp.source_port(),
                dport: tcp.destination_port(),
                seq: tcp.sequence_number(),
                syn: tcp.syn(),
                payload: tcp.payload(),
            },
        }),
        Some(TransportSlice::Udp(udp)) => {
            let (sport, dport, payload) =
                (udp.source_port(), udp.destination_port(), udp.payload());
            if depth < MAX_TUNNEL_DEPTH
                && let Some(inner) = udp_tunnel(dport, payload)
                && let Some(seg) = from_sliced(inner, depth + 1)
            {
                return Some(seg);
            }
            Some(Segment {
                src,
                dst,
                transport: Transport::Udp {
                    sport,
                    dport,
                    payload,
                },
            })
        }
        Some(_) => None,
        None => {
            let payload = net.ip_payload_ref()?;
            if payload.ip_number.0 == 47 && depth < MAX_TUNNEL_DEPTH {
                let inner = gre(payload.payload)?;
                return from_sliced(inner, depth + 1);
            }
            if (payload.ip_number.0 == 4 || payload.ip_number.0 == 41) && depth < MAX_TUNNEL_DEPTH {
                let inner = LaxSlicedPacket::from_ip(payload.payload).ok()?;
                return from_sliced(inner, depth + 1);
            }
            None
        }
    }
}

/// VXLAN (4789) and Geneve (6081): the inner frame of a UDP tunnel.
fn udp_tunnel(dport: u16, payload: &[u8]) -> Option<LaxSlicedPacket<'_>> {
    match dport {
        4789 => {
            // flags(1) with the I bit, reserved(3), VNI(3), reserved(1), then Ethernet
            let flags = *payload.first()?;
            if flags & 0x08 == 0 {
                return None;
            }
            LaxSlicedPacket::from_ethernet(payload.get(8..)?).ok()
        }
        6081 => {
            let first = *payload.first()?;
            if first >> 6 != 0 {
                return None;
            }
            let opt_len = usize::from(first & 0x3f) * 4;
            let proto = u16::from_be_bytes(payload.get(2..4)?.try_into().ok()?);
            let inner = payload.get(8 + opt_len..)?;
            ether_payload(proto, inner)
        }
        _ => None,
    }
}

fn ether_payload(proto: u16, inner: &[u8]) -> Option<LaxSlicedPacket<'_>> {
    match proto {
        0x6558 => LaxSlicedPacket::from_ethernet(inner).ok(),
        0x0800 | 0x86dd => LaxSlicedPacket::from_ip(inner).ok(),
        _ => None,
    }
}

/// GRE (RFC 2784/2890), with ERSPAN type II/III payloads.
fn gre(payload: &[u8]) -> Option<LaxSlicedPacket<'_>> {
    let flags = u16::from_be_bytes(payload.get(0..2)?.try_into().ok()?);
    let proto = u16::from_be_bytes(payload.get(2..4)?.try_into().ok()?);
    if flags & 0x0007 > 1 {
        return None; // only GRE versions 0 and 1
    }
    let mut off = 4usize;
    if flags & 0x8000 != 0 {
        off += 4; // checksum + reserved
    }
    if flags & 0x2000 != 0 {
        off += 4; // key
    }
    if flags & 0x1000 != 0 {
        off += 4; // sequence number
    }
    let inner = payload.get(off..)?;
    match proto {
        // ERSPAN type II: 8-byte header (type I has none when the S bit is clear)
        0x88be => {
            if flags & 0x1000 == 0 {
                LaxSlicedPacket::from_ethernet(inner).ok()
            } else {
                LaxSlicedPacket::from_ethernet(inner.get(8..)?).ok()
            }
        }
        // ERSPAN type III: 12-byte header, plus 8 bytes of platform data when O is set
        0x22eb => {
            let o_bit = inner.get(11)? & 0x01 != 0;
            let skip = if o_bit { 20 } else { 12 };
            LaxSlicedPacket::from_ethernet(inner.get(skip..)?).ok()
        }
        _ => ether_payload(proto, inner),
    }
}
