//! The IANA "TLS Supported Groups" registry (RFC 8446 §4.2.7, RFC 8422,
//! RFC 7919, draft-ietf-tls-mlkem, draft-ietf-tls-ecdhe-mlkem): code points,
//! names, which are post-quantum or hybrid, and the size of a key_share
//! entry's `key_exchange` where the group fixes it. One table for every
//! stage: fx-fingerprint names a ClientHello's groups with it, fx-route and
//! fx-probe recognise a bare `KeyShareEntry` ([`key_share_entry`]).

/// The ML-KEM object inside a group's `key_exchange`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KemPart {
    /// The ML-KEM parameter set (`fx_formats::pqc_params` name).
    pub set: &'static str,
    /// Offset of the ML-KEM encapsulation key (client) or ciphertext
    /// (server) in the `key_exchange`: 0 when it comes first
    /// (`X25519MLKEM768`), the ECDH share's length when that comes first
    /// (`SecP256r1MLKEM768`, `SecP384r1MLKEM1024`).
    pub offset: u16,
}

/// One named group of the IANA "TLS Supported Groups" registry.
#[derive(Clone, Copy, Debug)]
pub struct GroupInfo {
    /// Code point.
    pub id: u16,
    /// Registry name.
    pub name: &'static str,
    /// Post-quantum (pure ML-KEM) or hybrid PQ/classical.
    pub post_quantum: bool,
    /// Bytes of a ClientHello share's `key_exchange` (an X25519/X448 key,
    /// an uncompressed EC point, an FFDHE value, an ML-KEM encapsulation
    /// key, or their hybrid concatenation); 0 when the group fixes none.
    pub client_share: u16,
    /// Bytes of a ServerHello share's `key_exchange` (for ML-KEM: the
    /// ciphertext); 0 when the group fixes none.
    pub server_share: u16,
    /// The ML-KEM object inside the share, for ML-KEM and hybrid groups.
    pub kem: Option<KemPart>,
}

impl GroupInfo {
    /// The algorithm a share of this group carries, by DESIGN §9 names: the
    /// ML-KEM set of a pure ML-KEM group, the IANA name of a hybrid, the
    /// curve key of X25519/X448; `None` for the others.
    pub fn algorithm(&self) -> Option<&'static str> {
        match (self.kem, self.id) {
            (Some(k), 0x0200..=0x0202) => Some(k.set),
            (Some(_), _) => Some(self.name),
            (None, 0x001d) => Some("X25519"),
            (None, 0x001e) => Some("X448"),
            _ => None,
        }
    }
}

const fn g(id: u16, name: &'static str, post_quantum: bool) -> GroupInfo {
    share(id, name, post_quantum, 0, 0, None)
}

const fn share(
    id: u16,
    name: &'static str,
    post_quantum: bool,
    client_share: u16,
    server_share: u16,
    kem: Option<KemPart>,
) -> GroupInfo {
    GroupInfo {
        id,
        name,
        post_quantum,
        client_share,
        server_share,
        kem,
    }
}

const fn kem(set: &'static str, offset: u16) -> KemPart {
    KemPart { set, offset }
}

/// The table, in code-point order.
pub const GROUPS: &[GroupInfo] = &[
    g(0x0001, "sect163k1", false),
    g(0x0002, "sect163r1", false),
    g(0x0003, "sect163r2", false),
    g(0x0004, "sect193r1", false),
    g(0x0005, "sect193r2", false),
    g(0x0006, "sect233k1", false),
    g(0x0007, "sect233r1", false),
    g(0x0008, "sect239k1", false),
    g(0x0009, "sect283k1", false),
    g(0x000a, "sect283r1", false),
    g(0x000b, "sect409k1", false),
    g(0x000c, "sect409r1", false),
    g(0x000d, "sect571k1", false),
    g(0x000e, "sect571r1", false),
    g(0x000f, "secp160k1", false),
    g(0x0010, "secp160r1", false),
    g(0x0011, "secp160r2", false),
    g(0x0012, "secp192k1", false),
    g(0x0013, "secp192r1", false),
    g(0x0014, "secp224k1", false),
    g(0x0015, "secp224r1", false),
    g(0x0016, "secp256k1", false),
    share(0x0017, "secp256r1", false, 65, 65, None),
    share(0x0018, "secp384r1", false, 97, 97, None),
    share(0x0019, "secp521r1", false, 133, 133, None),
    g(0x001a, "brainpoolP256r1", false),
    g(0x001b, "brainpoolP384r1", false),
    g(0x001c, "brainpoolP512r1", false),
    share(0x001d, "x25519", false, 32, 32, None),
    share(0x001e, "x448", false, 56, 56, None),
    g(0x001f, "brainpoolP256r1tls13", false),
    g(0x0020, "brainpoolP384r1tls13", false),
    g(0x0021, "brainpoolP512r1tls13", false),
    g(0x0022, "GC256A", false),
    g(0x0023, "GC256B", false),
    g(0x0024, "GC256C", false),
    g(0x0025, "GC256D", false),
    g(0x0026, "GC512A", false),
    g(0x0027, "GC512B", false),
    g(0x0028, "GC512C", false),
    g(0x0029, "curveSM2", false),
    share(0x0100, "ffdhe2048", false, 256, 256, None),
    share(0x0101, "ffdhe3072", false, 384, 384, None),
    share(0x0102, "ffdhe4096", false, 512, 512, None),
    share(0x0103, "ffdhe6144", false, 768, 768, None),
    share(0x0104, "ffdhe8192", false, 1024, 1024, None),
    share(
        0x0200,
        "MLKEM512",
        true,
        800,
        768,
        Some(kem("ML-KEM-512", 0)),
    ),
    share(
        0x0201,
        "MLKEM768",
        true,
        1184,
        1088,
        Some(kem("ML-KEM-768", 0)),
    ),
    share(
        0x0202,
        "MLKEM1024",
        true,
        1568,
        1568,
        Some(kem("ML-KEM-1024", 0)),
    ),
    share(
        0x11eb,
        "SecP256r1MLKEM768",
        true,
        1249,
        1153,
        Some(kem("ML-KEM-768", 65)),
    ),
    share(
        0x11ec,
        "X25519MLKEM768",
        true,
        1216,
        1120,
        Some(kem("ML-KEM-768", 0)),
    ),
    share(
        0x11ed,
        "SecP384r1MLKEM1024",
        true,
        1665,
        1665,
        Some(kem("ML-KEM-1024", 97)),
    ),
    g(0x6399, "X25519Kyber768Draft00", true),
    g(0x639a, "SecP256r1Kyber768Draft00", true),
    g(0xff01, "arbitrary_explicit_prime_curves", false),
    g(0xff02, "arbitrary_explicit_char2_curves", false),
];

/// Looks a group up by code point.
pub fn group(id: u16) -> Option<&'static GroupInfo> {
    GROUPS
        .binary_search_by_key(&id, |g| g.id)
        .ok()
        .map(|i| &GROUPS[i])
}

/// True for post-quantum and hybrid groups.
pub fn is_post_quantum(id: u16) -> bool {
    group(id).is_some_and(|g| g.post_quantum)
}

/// Which handshake message a key_share entry's size fits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShareSide {
    /// A ClientHello share only (for ML-KEM: the encapsulation key).
    Client,
    /// A ServerHello share only (for ML-KEM: the ciphertext).
    Server,
    /// Either: both shares of the group have this size (X25519, the
    /// ML-KEM-1024 groups, whose key and ciphertext are both 1568 bytes).
    Either,
}

/// A bare `KeyShareEntry` (RFC 8446 §4.2.8) that spans its bytes.
#[derive(Clone, Copy, Debug)]
pub struct KeyShareEntry {
    /// The group its NamedGroup names.
    pub group: &'static GroupInfo,
    /// Which message's share its size fits.
    pub side: ShareSide,
    /// Bytes of the `key_exchange` (it starts at offset 4).
    pub len: usize,
}

/// Offset of the `key_exchange` in a `KeyShareEntry`.
pub const KEY_SHARE_HEADER_LEN: usize = 4;

/// Reads `bytes` as one `KeyShareEntry`: a NamedGroup of the registry whose
/// share size is fixed, a u16 length that agrees with the bytes that
/// follow, and that length one of the group's share sizes. Structural
/// evidence (two fields that agree with each other and the size); `None`
/// otherwise.
pub fn key_share_entry(bytes: &[u8]) -> Option<KeyShareEntry> {
    let [a, b, c, d, ..] = *bytes else {
        return None;
    };
    let group = group(u16::from_be_bytes([a, b]))?;
    let len = u16::from_be_bytes([c, d]);
    if usize::from(len) + KEY_SHARE_HEADER_LEN != bytes.len() || len == 0 {
        return None;
    }
    let side = match (group.client_share == len, group.server_share == len) {
        (true, true) => ShareSide::Either,
        (true, false) => ShareSide::Client,
        (false, true) => ShareSide::Server,
        (false, false) => return None,
    };
    Some(KeyShareEntry {
        group,
        side,
        len: usize::from(len),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(id: u16, len: usize) -> Vec<u8> {
        let mut b = id.to_be_bytes().to_vec();
        b.extend_from_slice(&(len as u16).to_be_bytes());
        b.resize(len + 4, 0x5a);
        b
    }

    #[test]
    fn table_is_sorted_and_hybrid_sizes_add_up() {
        assert!(GROUPS.windows(2).all(|w| w[0].id < w[1].id));
        for g in GROUPS.iter().filter(|g| g.kem.is_some()) {
            assert!(g.post_quantum, "{}", g.name);
        }
        // ECDH ‖ ML-KEM or ML-KEM ‖ X25519: the classical part's size plus
        // FIPS 203's (encapsulation key / ciphertext).
        let x = group(0x11ec).unwrap();
        assert_eq!((x.client_share, x.server_share), (1184 + 32, 1088 + 32));
        let p = group(0x11eb).unwrap();
        assert_eq!((p.client_share, p.server_share), (65 + 1184, 65 + 1088));
        assert_eq!(group(0x11ed).unwrap().client_share, 97 + 1568);
    }

    #[test]
    fn key_share_entries_are_read_only_when_every_field_agrees() {
        let ks = key_share_entry(&entry(0x0201, 1184)).unwrap();
        assert_eq!(
            (ks.group.name, ks.side, ks.len),
            ("MLKEM768", ShareSide::Client, 1184)
        );
        assert_eq!(ks.group.algorithm(), Some("ML-KEM-768"));
        let ks = key_share_entry(&entry(0x11ec, 1120)).unwrap();
        assert_eq!(
            (ks.side, ks.group.algorithm()),
            (ShareSide::Server, Some("X25519MLKEM768"))
        );
        assert_eq!(
            key_share_entry(&entry(0x0202, 1568)).unwrap().side,
            ShareSide::Either
        );
        // A length that disagrees with the size, a size the group does not
        // have, an unknown or size-less group, too short: nothing.
        let mut bad = entry(0x0201, 1184);
        bad.push(0);
        assert!(key_share_entry(&bad).is_none());
        assert!(key_share_entry(&entry(0x0201, 1000)).is_none());
        assert!(key_share_entry(&entry(0x1234, 1184)).is_none());
        assert!(key_share_entry(&entry(0x0001, 40)).is_none());
        assert!(key_share_entry(&[0x02, 0x01, 0x00]).is_none());
        assert!(key_share_entry(&entry(0x001d, 0)).is_none());
    }
}
