//! OpenPGP framing (RFC 9580): ASCII armor with its CRC-24 and the
//! cleartext signature framework ([`armor`]), a bounded packet walk
//! ([`packets`]), the few fields fx reads from packet bodies ([`fields`]),
//! bounded inflation of compressed data ([`compressed`]), key
//! fingerprints ([`fingerprint`]) and the
//! registries that name their ids ([`tables`]).
//!
//! Hand-written on purpose: what fx needs is framing and a handful of
//! header fields; the OpenPGP crates (rPGP, sequoia-openpgp) bring a whole
//! cryptographic stack for that. Nothing here decrypts, verifies, or reads
//! secret key material into a value.

pub mod armor;
pub mod compressed;
pub mod fields;
pub mod fingerprint;
pub mod packets;
pub mod tables;

/// Packet types an OpenPGP message, key or signature may start with
/// (RFC 9580 §10): PKESK, signature, SKESK, one-pass signature, secret
/// key, public key, compressed data, marker.
pub const FIRST_TAGS: &[u8] = &[1, 2, 3, 4, 5, 6, 8, 10];

/// Smallest binary input taken for OpenPGP (a marker packet is 5 bytes;
/// anything shorter is too little evidence).
const MIN_BINARY: usize = 5;

/// True when the whole of `bytes` walks as OpenPGP packets with known
/// tags, the first of a type a message, key or signature starts with, and
/// the first packet's fields read. Strict on purpose: random bytes are
/// never taken for OpenPGP. `max_packets` bounds the packets kept (the
/// walk itself is linear in the input).
pub fn is_binary_openpgp(bytes: &[u8], max_packets: usize) -> bool {
    if bytes.len() < MIN_BINARY {
        return false;
    }
    let w = packets::walk(bytes, max_packets.max(1));
    if w.finding.is_some() || w.end != bytes.len() {
        return false;
    }
    if w.tags.keys().any(|&t| tables::tag_name(t).is_none()) {
        return false;
    }
    let Some(first) = w.packets.first() else {
        return false;
    };
    if !FIRST_TAGS.contains(&first.tag) {
        return false;
    }
    let body = &bytes[first.first.clone()];
    match first.tag {
        1 => fields::pkesk(body).is_ok(),
        2 => fields::signature(body).is_ok(),
        3 => fields::skesk(body).is_ok(),
        4 => fields::one_pass(body).is_ok(),
        5 => fields::secret_key(body).is_ok(),
        6 => fields::public_key(body).is_ok(),
        8 => compressed_packets(&packets::body(bytes, first)),
        10 => body == b"PGP",
        _ => false,
    }
}

/// Bytes inflated to check that compressed data holds packets.
const INFLATE_PROBE: usize = 4096;

/// The packet type of a header octet, when it is one.
fn header_tag(b: u8) -> Option<u8> {
    if b & 0x80 == 0 {
        None
    } else if b & 0x40 != 0 {
        Some(b & 0x3F)
    } else {
        Some((b >> 2) & 0x0F)
    }
}

/// True when a compressed data packet's body inflates (its first
/// [`INFLATE_PROBE`] bytes) to something that starts with a packet a
/// message holds: a compressed packet alone is one octet of evidence.
fn compressed_packets(body: &[u8]) -> bool {
    let Some((&alg, data)) = body.split_first() else {
        return false;
    };
    compressed::inflate(alg, data, INFLATE_PROBE).is_ok_and(|i| {
        i.data
            .first()
            .and_then(|&b| header_tag(b))
            .is_some_and(|t| FIRST_TAGS.contains(&t) || t == 11)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binary_detection_is_strict() {
        // A marker packet, then a v4 signature.
        let mut b = vec![0xCA, 3, b'P', b'G', b'P'];
        assert!(is_binary_openpgp(&b, 4));
        b.extend([0xC2, 7, 4, 0, 1, 8, 0, 0, 0]);
        assert!(is_binary_openpgp(&b, 4));
        // A first packet whose fields do not read.
        assert!(!is_binary_openpgp(&b[5..], 4));
        // Trailing garbage, an unknown tag, a literal first: not OpenPGP.
        assert!(!is_binary_openpgp(&[0xCA, 3, b'P', b'G', b'P', 0], 4));
        assert!(!is_binary_openpgp(&[0xCF, 3, 1, 2, 3], 4));
        assert!(!is_binary_openpgp(&[0xCB, 3, 1, 2, 3], 4));
        assert!(!is_binary_openpgp(&[0xCA, 3, b'X', b'G', b'P'], 4));
        assert!(!is_binary_openpgp(b"\x30\x03\x02\x01\x05", 4));
        // Compressed data (legacy header, indeterminate length) must
        // inflate to packets: a stored deflate block holding a marker.
        let mut c = vec![0xA3, 1, 0x01, 0x05, 0x00, 0xFA, 0xFF];
        c.extend([0xCA, 3, b'P', b'G', b'P']);
        assert!(is_binary_openpgp(&c, 4));
        c[7] = 0x0A; // the inflated bytes are no packet
        assert!(!is_binary_openpgp(&c, 4));
        // 0xA3 0x01 then anything: not OpenPGP unless it inflates.
        assert!(!is_binary_openpgp(&[0xA3, 1, 0x07, 1, 2, 3, 4, 5], 4));
    }
}
