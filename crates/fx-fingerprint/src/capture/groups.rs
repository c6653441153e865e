//! Names of TLS supported groups (IANA registry, the one table of
//! [`fx_formats::tls_groups`]), with the post-quantum and hybrid ones
//! flagged, and of TLS versions.

pub use fx_formats::tls_groups::{GROUPS, GroupInfo, group, is_post_quantum};

/// Name of a group: the registry name, `GREASE`, or `0x….` when unknown.
pub fn group_name(id: u16) -> String {
    if super::client_hello::is_grease(id) {
        return "GREASE".into();
    }
    group(id).map_or_else(|| format!("0x{id:04x}"), |g| g.name.to_string())
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
