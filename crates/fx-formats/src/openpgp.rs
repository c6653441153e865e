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
/// Packets whose body may run to the end of the file (legacy
/// indeterminate length): compressed, symmetrically encrypted, literal,
/// integrity-protected and AEAD data.
pub const DATA_TAGS: &[u8] = &[8, 9, 11, 18, 20];
/// Encrypted data packets (SED, SEIPD, AEAD), what session keys unlock.
pub const ENCRYPTED_DATA_TAGS: &[u8] = &[9, 18, 20];

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
    // The legacy indeterminate length ("to the end of the file") is for the
    // data packets only (RFC 9580 §4.2.2.3); a key, signature or session
    // key that runs to the end is a random octet 0x87-like, not OpenPGP.
    if w.packets
        .iter()
        .any(|p| p.length == packets::LengthKind::Indeterminate && !DATA_TAGS.contains(&p.tag))
    {
        return false;
    }
    // Session keys are followed by the data they unlock.
    if matches!(first.tag, 1 | 3)
        && !w
            .packets
            .iter()
            .any(|p| ENCRYPTED_DATA_TAGS.contains(&p.tag))
    {
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

    #[test]
    fn a_session_key_to_the_end_of_the_file_is_not_openpgp() {
        // A held-out SLH-DSA-SHA2-192f signature begins 87 06: a legacy
        // PKESK header with the indeterminate length and a "version 6"
        // body. Indeterminate lengths belong to data packets, and a session
        // key with no encrypted data after it unlocks nothing.
        let mut sig = vec![0x87, 0x06, 0x6b, 0x17, 0x7b, 0xc2, 0x41, 0xfc];
        sig.extend(
            (0u8..=255)
                .cycle()
                .take(35_000)
                .map(|b| b.wrapping_mul(151)),
        );
        assert!(!is_binary_openpgp(&sig, 64));
        // A new-format PKESK alone (no SEIPD after it): not a message.
        let pkesk = [0xC1, 12, 3, 1, 2, 3, 4, 5, 6, 7, 8, 1, 0, 8, 0xff];
        assert!(!is_binary_openpgp(&pkesk, 64));
    }
}
