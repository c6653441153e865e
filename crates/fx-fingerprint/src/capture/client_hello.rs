//! ClientHello and ServerHello bodies (RFC 8446 §4.1.2–4.1.3, RFC 5246),
//! and the DTLS ClientHello (RFC 6347 §4.2.1, RFC 9147 §5.3), which carries
//! a cookie after the session id.
//!
//! Parsing is bounds-checked throughout: a body cut short keeps the fields
//! read before the cut (the extension list ends early) and says so in
//! `truncated`, because fingerprinting tools do the same with damaged hellos.

/// GREASE values (RFC 8701): 0x?a?a with both bytes equal.
pub fn is_grease(v: u16) -> bool {
    v & 0x0f0f == 0x0a0a && (v >> 8) == (v & 0xff)
}

/// Extension numbers read here.
pub mod ext {
    /// server_name.
    pub const SERVER_NAME: u16 = 0x0000;
    /// supported_groups (elliptic_curves).
    pub const SUPPORTED_GROUPS: u16 = 0x000a;
    /// ec_point_formats.
    pub const EC_POINT_FORMATS: u16 = 0x000b;
    /// signature_algorithms.
    pub const SIGNATURE_ALGORITHMS: u16 = 0x000d;
    /// application_layer_protocol_negotiation.
    pub const ALPN: u16 = 0x0010;
    /// supported_versions.
    pub const SUPPORTED_VERSIONS: u16 = 0x002b;
    /// key_share.
    pub const KEY_SHARE: u16 = 0x0033;
}

/// A parsed ClientHello.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClientHello {
    /// legacy_version.
    pub legacy_version: u16,
    /// Cipher suites in offered order (GREASE included).
    pub cipher_suites: Vec<u16>,
    /// Extension types in offered order (GREASE included).
    pub extensions: Vec<u16>,
    /// Server name (host_name entry), when present.
    pub sni: Option<Vec<u8>>,
    /// ALPN protocol names in order.
    pub alpn: Vec<Vec<u8>>,
    /// supported_versions entries in order.
    pub supported_versions: Vec<u16>,
    /// supported_groups entries in order.
    pub groups: Vec<u16>,
    /// ec_point_formats entries.
    pub ec_point_formats: Vec<u8>,
    /// signature_algorithms entries in order.
    pub signature_algorithms: Vec<u16>,
    /// key_share entries: group and key_exchange length.
    pub key_shares: Vec<(u16, usize)>,
    /// True when the body ended inside a field.
    pub truncated: bool,
    /// True for a DTLS ClientHello (its versions count down: 0xfefc is DTLS 1.3).
    pub dtls: bool,
    /// Bytes of the DTLS cookie (0 in a first ClientHello; the server's
    /// cookie in the one sent after a HelloVerifyRequest). `None` for TLS.
    pub cookie_len: Option<usize>,
}

/// A parsed ServerHello.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ServerHello {
    /// legacy_version.
    pub legacy_version: u16,
    /// The selected cipher suite.
    pub cipher_suite: u16,
    /// The selected version from supported_versions, when present.
    pub selected_version: Option<u16>,
    /// The key_share group (or the group a HelloRetryRequest asks for).
    pub group: Option<u16>,
    /// True when the random is the HelloRetryRequest marker.
    pub hello_retry_request: bool,
    /// Extension types in order.
    pub extensions: Vec<u16>,
}

impl ServerHello {
    /// The negotiated version: supported_versions when present, else legacy.
    pub fn version(&self) -> u16 {
        self.selected_version.unwrap_or(self.legacy_version)
    }
}

/// SHA-256("HelloRetryRequest"), the random of a HelloRetryRequest.
const HRR_RANDOM: [u8; 32] = [
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
    0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa9, 0x33, 0x9c,
];

/// A bounds-checked big-endian reader.
struct Reader<'a> {
    b: &'a [u8],
}

impl<'a> Reader<'a> {
    fn u8(&mut self) -> Option<u8> {
        let (&v, rest) = self.b.split_first()?;
        self.b = rest;
        Some(v)
    }
    fn u16(&mut self) -> Option<u16> {
        let v = self.b.get(..2)?;
        let v = u16::from_be_bytes([v[0], v[1]]);
        self.b = &self.b[2..];
        Some(v)
    }
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let v = self.b.get(..n)?;
        self.b = &self.b[n..];
        Some(v)
    }
    fn vec8(&mut self) -> Option<&'a [u8]> {
        let n = usize::from(self.u8()?);
        self.take(n)
    }
    fn vec16(&mut self) -> Option<&'a [u8]> {
        let n = usize::from(self.u16()?);
        self.take(n)
    }
    fn is_empty(&self) -> bool {
        self.b.is_empty()
    }
}

fn u16_list(b: &[u8]) -> Vec<u16> {
    b.chunks_exact(2)
        .map(|c| u16::from_be_bytes([c[0], c[1]]))
        .collect()
}

/// Parses a ClientHello body; `None` when even the fixed fields are missing.
pub fn parse_client_hello(body: &[u8]) -> Option<ClientHello> {
    parse_hello(body, false)
}

/// Parses a DTLS ClientHello body (the cookie follows the session id).
pub fn parse_dtls_client_hello(body: &[u8]) -> Option<ClientHello> {
    parse_hello(body, true)
}

fn parse_hello(body: &[u8], dtls: bool) -> Option<ClientHello> {
    let mut r = Reader { b: body };
    let mut ch = ClientHello {
        legacy_version: r.u16()?,
        dtls,
        ..ClientHello::default()
    };
    r.take(32)?;
    r.vec8()?;
    if dtls {
        ch.cookie_len = Some(r.vec8()?.len());
    }
    ch.cipher_suites = u16_list(r.vec16()?);
    r.vec8()?;
    if r.is_empty() {
        return Some(ch);
    }
    let Some(exts) = r.vec16() else {
        ch.truncated = true;
        return Some(ch);
    };
    let mut e = Reader { b: exts };
    while !e.is_empty() {
        let Some(kind) = e.u16() else {
            ch.truncated = true;
            break;
        };
        let Some(data) = e.vec16() else {
            ch.truncated = true;
            break;
        };
        ch.extensions.push(kind);
        read_client_extension(&mut ch, kind, data);
    }
    Some(ch)
}

fn read_client_extension(ch: &mut ClientHello, kind: u16, data: &[u8]) {
    let mut d = Reader { b: data };
    match kind {
        ext::SERVER_NAME => {
            if let Some(list) = d.vec16() {
                let mut l = Reader { b: list };
                while let (Some(name_type), Some(name)) = (l.u8(), l.vec16()) {
                    if name_type == 0 {
                        ch.sni = Some(name.to_vec());
                        break;
                    }
                }
            }
            if ch.sni.is_none() {
                ch.sni = Some(Vec::new());
            }
        }
        ext::SUPPORTED_GROUPS => ch.groups = d.vec16().map(u16_list).unwrap_or_default(),
        ext::EC_POINT_FORMATS => {
            ch.ec_point_formats = d.vec8().map(<[u8]>::to_vec).unwrap_or_default()
        }
        ext::SIGNATURE_ALGORITHMS => {
            ch.signature_algorithms = d.vec16().map(u16_list).unwrap_or_default()
        }
        ext::ALPN => {
            if let Some(list) = d.vec16() {
                let mut l = Reader { b: list };
                while let Some(p) = l.vec8() {
                    ch.alpn.push(p.to_vec());
                }
            }
        }
        ext::SUPPORTED_VERSIONS => {
            ch.supported_versions = d.vec8().map(u16_list).unwrap_or_default()
        }
        ext::KEY_SHARE => {
            if let Some(list) = d.vec16() {
                let mut l = Reader { b: list };
                while let (Some(group), Some(key)) = (l.u16(), l.vec16()) {
                    ch.key_shares.push((group, key.len()));
                }
            }
        }
        _ => {}
    }
}

/// Parses a ServerHello body.
pub fn parse_server_hello(body: &[u8]) -> Option<ServerHello> {
    let mut r = Reader { b: body };
    let legacy_version = r.u16()?;
    let random = r.take(32)?;
    r.vec8()?;
    let mut sh = ServerHello {
        legacy_version,
        cipher_suite: r.u16()?,
        hello_retry_request: random == HRR_RANDOM,
        ..ServerHello::default()
    };
    r.u8()?;
    if let Some(exts) = r.vec16() {
        let mut e = Reader { b: exts };
        while let (Some(kind), Some(data)) = (e.u16(), e.vec16()) {
            sh.extensions.push(kind);
            let mut d = Reader { b: data };
            match kind {
                ext::SUPPORTED_VERSIONS => sh.selected_version = d.u16(),
                ext::KEY_SHARE => sh.group = d.u16(),
                _ => {}
            }
        }
    }
    Some(sh)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grease_values() {
        assert!(is_grease(0x0a0a));
        assert!(is_grease(0xfafa));
        assert!(!is_grease(0x0a1a));
        assert!(!is_grease(0x1301));
    }

    #[test]
    fn truncated_bodies_do_not_panic() {
        let mut body = vec![3, 3];
        body.extend([0u8; 32]);
        body.extend([0, 0, 2, 0x13, 0x01, 1, 0, 0, 10, 0, 0]);
        for cut in 0..body.len() {
            let _ = parse_client_hello(&body[..cut]);
            let _ = parse_server_hello(&body[..cut]);
        }
        let ch = parse_client_hello(&body).expect("fixed fields present");
        assert_eq!(ch.cipher_suites, vec![0x1301]);
        assert!(ch.truncated);
    }

    #[test]
    fn dtls_hello_reads_the_cookie() {
        let mut body = vec![0xfe, 0xfd];
        body.extend([0u8; 32]);
        body.extend([0, 3, 7, 7, 7, 0, 2, 0xc0, 0x2b, 1, 0]);
        for cut in 0..body.len() {
            let _ = parse_dtls_client_hello(&body[..cut]);
        }
        let ch = parse_dtls_client_hello(&body).expect("fixed fields present");
        assert_eq!(ch.cookie_len, Some(3));
        assert_eq!(ch.cipher_suites, vec![0xc02b]);
        assert!(ch.dtls && !ch.truncated);
        // read as TLS, the cookie is taken for the cipher list
        assert_ne!(
            parse_client_hello(&body).map(|c| c.cipher_suites),
            Some(vec![0xc02b])
        );
    }
}
