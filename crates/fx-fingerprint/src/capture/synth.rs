//! Synthetic captures for tests and `samples/captures/`: a TLS 1.3
//! ClientHello offering the hybrid X25519MLKEM768 group (a 1216-byte key
//! share, so the hello spans two TCP segments), sent out of order with a
//! retransmission, and the ServerHello that picks the hybrid group.
//! Deterministic bytes: the key shares and randoms are fixed patterns.

fn u16be(v: usize) -> [u8; 2] {
    (v as u16).to_be_bytes()
}

fn ext(kind: u16, body: &[u8]) -> Vec<u8> {
    let mut e = kind.to_be_bytes().to_vec();
    e.extend(u16be(body.len()));
    e.extend_from_slice(body);
    e
}

fn vec16(body: &[u8]) -> Vec<u8> {
    let mut v = u16be(body.len()).to_vec();
    v.extend_from_slice(body);
    v
}

/// The ClientHello handshake message (header included).
pub fn pq_client_hello(sni: &str) -> Vec<u8> {
    let mut body = vec![3, 3];
    body.extend([0x11u8; 32]); // random
    body.push(32);
    body.extend([0x22u8; 32]); // legacy session id
    let ciphers: Vec<u8> = [0x8a8au16, 0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f]
        .iter()
        .flat_map(|c| c.to_be_bytes())
        .collect();
    body.extend(vec16(&ciphers));
    body.extend([1, 0]); // null compression
    let mut exts = Vec::new();
    exts.extend(ext(0x3a3a, &[]));
    let mut name = vec![0u8];
    name.extend(vec16(sni.as_bytes()));
    exts.extend(ext(0x0000, &vec16(&name)));
    exts.extend(ext(0x0017, &[]));
    exts.extend(ext(0xff01, &[0]));
    let groups: Vec<u8> = [0x4a4au16, 0x11ec, 0x001d, 0x0017, 0x0018]
        .iter()
        .flat_map(|g| g.to_be_bytes())
        .collect();
    exts.extend(ext(0x000a, &vec16(&groups)));
    exts.extend(ext(0x000b, &[1, 0]));
    let mut alpn = vec![2u8];
    alpn.extend(b"h2");
    alpn.push(8);
    alpn.extend(b"http/1.1");
    exts.extend(ext(0x0010, &vec16(&alpn)));
    let sigs: Vec<u8> = [
        0x0403u16, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601,
    ]
    .iter()
    .flat_map(|s| s.to_be_bytes())
    .collect();
    exts.extend(ext(0x000d, &vec16(&sigs)));
    let mut shares = Vec::new();
    shares.extend(0x4a4au16.to_be_bytes());
    shares.extend(vec16(&[0]));
    shares.extend(0x11ecu16.to_be_bytes());
    shares.extend(vec16(&[0x5a; 1216]));
    shares.extend(0x001du16.to_be_bytes());
    shares.extend(vec16(&[0x33; 32]));
    exts.extend(ext(0x0033, &vec16(&shares)));
    exts.extend(ext(0x002d, &[1, 1]));
    exts.extend(ext(0x002b, &[6, 0x6a, 0x6a, 3, 4, 3, 3]));
    body.extend(vec16(&exts));
    let mut msg = vec![1, 0];
    msg.extend(u16be(body.len()));
    msg.extend(body);
    msg
}

/// The ServerHello choosing TLS 1.3, TLS_AES_128_GCM_SHA256 and X25519MLKEM768.
pub fn pq_server_hello() -> Vec<u8> {
    let mut body = vec![3, 3];
    body.extend([0x44u8; 32]);
    body.push(32);
    body.extend([0x22u8; 32]);
    body.extend(0x1301u16.to_be_bytes());
    body.push(0);
    let mut exts = ext(0x002b, &[3, 4]);
    let mut share = 0x11ecu16.to_be_bytes().to_vec();
    share.extend(vec16(&[0x66; 1120]));
    exts.extend(ext(0x0033, &share));
    body.extend(vec16(&exts));
    let mut msg = vec![2, 0];
    msg.extend(u16be(body.len()));
    msg.extend(body);
    msg
}

fn record(content_type: u8, body: &[u8]) -> Vec<u8> {
    let mut r = vec![content_type, 3, 1];
    r.extend(u16be(body.len()));
    r.extend_from_slice(body);
    r
}

fn checksum(data: &[u8]) -> u16 {
    let mut sum = 0u32;
    for c in data.chunks(2) {
        let w = u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]);
        sum += u32::from(w);
    }
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

fn frame(
    (src, sport): ([u8; 4], u16),
    (dst, dport): ([u8; 4], u16),
    seq: u32,
    ack: u32,
    flags: u8,
    payload: &[u8],
) -> Vec<u8> {
    let mut f = vec![0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1, 0x08, 0x00];
    let total = 20 + 20 + payload.len();
    let mut ip = vec![0x45, 0];
    ip.extend(u16be(total));
    ip.extend([0, 1, 0x40, 0, 64, 6, 0, 0]);
    ip.extend(src);
    ip.extend(dst);
    let c = checksum(&ip);
    ip[10..12].copy_from_slice(&c.to_be_bytes());
    f.extend(ip);
    f.extend(sport.to_be_bytes());
    f.extend(dport.to_be_bytes());
    f.extend(seq.to_be_bytes());
    f.extend(ack.to_be_bytes());
    f.extend([0x50, flags, 0xff, 0xff, 0, 0, 0, 0]);
    f.extend_from_slice(payload);
    f
}

/// A classic little-endian pcap (Ethernet) of one TLS 1.3 connection whose
/// ClientHello offers X25519MLKEM768, split over two segments that arrive
/// out of order, one of them retransmitted.
pub fn pq_hybrid_pcap() -> Vec<u8> {
    let (c, s) = ([192, 0, 2, 10], [198, 51, 100, 20]);
    let (cp, sp) = (50_000u16, 443u16);
    let (cisn, sisn) = (1_000_000u32, 7_000_000u32);
    let ch = record(22, &pq_client_hello("pq.example"));
    let sh = record(22, &pq_server_hello());
    let split = 700;
    let (syn, ack, psh) = (0x02, 0x10, 0x18);
    let frames = [
        frame((c, cp), (s, sp), cisn, 0, syn, &[]),
        frame((s, sp), (c, cp), sisn, cisn + 1, syn | ack, &[]),
        frame((c, cp), (s, sp), cisn + 1, sisn + 1, ack, &[]),
        frame(
            (c, cp),
            (s, sp),
            cisn + 1 + split as u32,
            sisn + 1,
            psh,
            &ch[split..],
        ),
        frame((c, cp), (s, sp), cisn + 1, sisn + 1, psh, &ch[..split]),
        frame((c, cp), (s, sp), cisn + 1, sisn + 1, psh, &ch[..split]),
        frame(
            (s, sp),
            (c, cp),
            sisn + 1,
            cisn + 1 + ch.len() as u32,
            psh,
            &sh,
        ),
    ];
    let mut out = vec![0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0];
    out.extend([0u8; 8]);
    out.extend(65535u32.to_le_bytes());
    out.extend(1u32.to_le_bytes());
    for (i, f) in frames.iter().enumerate() {
        out.extend((1_700_000_000u32 + i as u32).to_le_bytes());
        out.extend(0u32.to_le_bytes());
        out.extend((f.len() as u32).to_le_bytes());
        out.extend((f.len() as u32).to_le_bytes());
        out.extend(f);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::{CaptureLimits, analyze};
    use super::*;

    #[test]
    fn hybrid_hello_spread_over_reordered_segments_is_read_whole() {
        let r = analyze(&pq_hybrid_pcap(), CaptureLimits::default()).expect("a pcap");
        assert_eq!(r.streams.len(), 1);
        let s = &r.streams[0];
        assert_eq!(
            (s.src.as_str(), s.src_port, s.dst_port),
            ("192.0.2.10", 50_000, 443)
        );
        let h = &s.client_hellos[0];
        assert!(h.ja4.starts_with("t13d0510h2_"), "{}", h.ja4);
        assert_eq!(h.key_shares[0].group.name, "X25519MLKEM768");
        assert_eq!(h.key_shares[0].bytes, 1216);
        let sh = &s.server_hellos[0];
        assert_eq!(
            sh.group.as_ref().map(|g| g.name.as_str()),
            Some("X25519MLKEM768")
        );
        assert_eq!(sh.version, "TLS 1.3");
        let tls = r.conclusion();
        assert_eq!(tls.pq_groups, ["X25519MLKEM768"]);
        assert_eq!(tls.sni, ["pq.example"]);
        // every cut of the file still parses (truncated captures are data)
        let full = pq_hybrid_pcap();
        for cut in (0..full.len()).step_by(37) {
            let _ = analyze(&full[..cut], CaptureLimits::default());
        }
    }
}
