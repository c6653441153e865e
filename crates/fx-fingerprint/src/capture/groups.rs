//! Names of TLS supported groups (IANA registry), with the post-quantum and
//! hybrid ones flagged, and of TLS versions.

/// One named group of the IANA "TLS Supported Groups" registry.
#[derive(Clone, Copy, Debug)]
pub struct GroupInfo {
    /// Code point.
    pub id: u16,
    /// Registry name.
    pub name: &'static str,
    /// Post-quantum (pure ML-KEM) or hybrid PQ/classical.
    pub post_quantum: bool,
}

const fn g(id: u16, name: &'static str, post_quantum: bool) -> GroupInfo {
    GroupInfo {
        id,
        name,
        post_quantum,
    }
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
    g(0x0017, "secp256r1", false),
    g(0x0018, "secp384r1", false),
    g(0x0019, "secp521r1", false),
    g(0x001a, "brainpoolP256r1", false),
    g(0x001b, "brainpoolP384r1", false),
    g(0x001c, "brainpoolP512r1", false),
    g(0x001d, "x25519", false),
    g(0x001e, "x448", false),
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
    g(0x0100, "ffdhe2048", false),
    g(0x0101, "ffdhe3072", false),
    g(0x0102, "ffdhe4096", false),
    g(0x0103, "ffdhe6144", false),
    g(0x0104, "ffdhe8192", false),
    g(0x0200, "MLKEM512", true),
    g(0x0201, "MLKEM768", true),
    g(0x0202, "MLKEM1024", true),
    g(0x11eb, "SecP256r1MLKEM768", true),
    g(0x11ec, "X25519MLKEM768", true),
    g(0x11ed, "SecP384r1MLKEM1024", true),
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

/// Name of a group: the registry name, `GREASE`, or `0x….` when unknown.
pub fn group_name(id: u16) -> String {
    if super::client_hello::is_grease(id) {
        return "GREASE".into();
    }
    group(id).map_or_else(|| format!("0x{id:04x}"), |g| g.name.to_string())
}

/// True for post-quantum and hybrid groups.
pub fn is_post_quantum(id: u16) -> bool {
    group(id).is_some_and(|g| g.post_quantum)
}

/// Name of a protocol version.
pub fn version_name(v: u16) -> String {
    match v {
        0x0002 => "SSL 2.0".into(),
        0x0300 => "SSL 3.0".into(),
        0x0301 => "TLS 1.0".into(),
        0x0302 => "TLS 1.1".into(),
        0x0303 => "TLS 1.2".into(),
        0x0304 => "TLS 1.3".into(),
        0xfeff => "DTLS 1.0".into(),
        0xfefd => "DTLS 1.2".into(),
        0xfefc => "DTLS 1.3".into(),
        v if super::client_hello::is_grease(v) => "GREASE".into(),
        v => format!("0x{v:04x}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_and_pq_groups_named() {
        assert!(GROUPS.windows(2).all(|w| w[0].id < w[1].id));
        assert_eq!(group_name(0x11ec), "X25519MLKEM768");
        assert!(is_post_quantum(0x11eb) && is_post_quantum(0x0201) && is_post_quantum(0x6399));
        assert!(!is_post_quantum(0x001d));
        assert_eq!(group_name(0x3a3a), "GREASE");
        assert_eq!(group_name(0x1234), "0x1234");
    }
}
