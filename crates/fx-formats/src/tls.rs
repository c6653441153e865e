//! TLS framing: the record header (RFC 8446 §5.1, RFC 5246 §6.2) and the
//! handshake message header (RFC 8446 §4).
//!
//! Only the framing is read here — a record's content type, version and
//! length, a handshake message's type and length — so that the router's
//! sniffer, fx-inspect's record walk and fx-fingerprint's handshake
//! reassembly agree on it. What a caller accepts (which versions, whether a
//! zero-length record ends a stream) stays the caller's rule, asked of the
//! typed header. No length read here sizes an allocation: bodies are
//! borrowed from the input, and a length that runs past it yields `None`.

use serde::Serialize;

/// Bytes of a record header: type, version (2), length (2).
pub const RECORD_HEADER_LEN: usize = 5;
/// Largest record body a peer may send: 2^14 plaintext bytes plus the
/// 2048-byte expansion allowance of TLSCiphertext (RFC 5246 §6.2.3).
pub const MAX_RECORD: usize = (1 << 14) + 2048;
/// Bytes of a handshake message header: type, length (3).
pub const HANDSHAKE_HEADER_LEN: usize = 4;
/// Handshake message type of a ClientHello.
pub const CLIENT_HELLO: u8 = 1;
/// Handshake message type of a ServerHello.
pub const SERVER_HELLO: u8 = 2;

/// The record content types TLS 1.0–1.3 define (RFC 8446 §5.1, RFC 6520).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ContentType {
    /// 20.
    ChangeCipherSpec,
    /// 21.
    Alert,
    /// 22.
    Handshake,
    /// 23.
    ApplicationData,
    /// 24.
    Heartbeat,
}

impl ContentType {
    /// The content type a record's first byte names, if it is one.
    #[inline]
    pub fn from_byte(b: u8) -> Option<ContentType> {
        Some(match b {
            20 => ContentType::ChangeCipherSpec,
            21 => ContentType::Alert,
            22 => ContentType::Handshake,
            23 => ContentType::ApplicationData,
            24 => ContentType::Heartbeat,
            _ => return None,
        })
    }

    /// The name the RFCs give it (`handshake`, `application_data`, …).
    #[inline]
    pub fn name(self) -> &'static str {
        match self {
            ContentType::ChangeCipherSpec => "change_cipher_spec",
            ContentType::Alert => "alert",
            ContentType::Handshake => "handshake",
            ContentType::ApplicationData => "application_data",
            ContentType::Heartbeat => "heartbeat",
        }
    }
}

/// A record header as read, before any judgement of its fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct RecordHeader {
    /// The content type byte.
    pub content_type: u8,
    /// Major version byte (3 for SSL 3.0 and every TLS version).
    pub major: u8,
    /// Minor version byte (0 = SSL 3.0 … 4 = TLS 1.3 drafts' record layer).
    pub minor: u8,
    /// The declared body length.
    pub len: usize,
}

impl RecordHeader {
    /// Reads the header at `at`; `None` when fewer than five bytes remain.
    #[inline]
    pub fn read(bytes: &[u8], at: usize) -> Option<RecordHeader> {
        let h = bytes.get(at..at.checked_add(RECORD_HEADER_LEN)?)?;
        Some(RecordHeader {
            content_type: h[0],
            major: h[1],
            minor: h[2],
            len: usize::from(u16::from_be_bytes([h[3], h[4]])),
        })
    }

    /// The content type, when the byte names one.
    #[inline]
    pub fn kind(&self) -> Option<ContentType> {
        ContentType::from_byte(self.content_type)
    }

    /// True for a version TLS records carry: major 3, minor 0 to 4.
    #[inline]
    pub fn is_tls_version(&self) -> bool {
        self.major == 3 && self.minor <= 4
    }

    /// True when the declared length is within [`MAX_RECORD`].
    #[inline]
    pub fn within_limit(&self) -> bool {
        self.len <= MAX_RECORD
    }

    /// The record-layer version as fx writes it (`0x0303`).
    pub fn version_hex(&self) -> String {
        format!("0x{:02x}{:02x}", self.major, self.minor)
    }

    /// The body of the record whose header is at `at`, when the input holds
    /// all of it.
    #[inline]
    pub fn body<'a>(&self, bytes: &'a [u8], at: usize) -> Option<&'a [u8]> {
        let from = at.checked_add(RECORD_HEADER_LEN)?;
        bytes.get(from..from.checked_add(self.len)?)
    }

    /// Offset just past the record whose header is at `at` (saturating).
    #[inline]
    pub fn end(&self, at: usize) -> usize {
        at.saturating_add(RECORD_HEADER_LEN)
            .saturating_add(self.len)
    }
}

/// A handshake message header.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct HandshakeHeader {
    /// The message type ([`CLIENT_HELLO`], [`SERVER_HELLO`], …).
    pub msg_type: u8,
    /// The declared body length (24 bits).
    pub len: usize,
}

impl HandshakeHeader {
    /// Reads the header at `at`; `None` when fewer than four bytes remain.
    #[inline]
    pub fn read(bytes: &[u8], at: usize) -> Option<HandshakeHeader> {
        let h = bytes.get(at..at.checked_add(HANDSHAKE_HEADER_LEN)?)?;
        Some(HandshakeHeader {
            msg_type: h[0],
            len: usize::from(h[1]) << 16 | usize::from(h[2]) << 8 | usize::from(h[3]),
        })
    }

    /// The body of the message whose header is at `at`, when the input
    /// holds all of it.
    #[inline]
    pub fn body<'a>(&self, bytes: &'a [u8], at: usize) -> Option<&'a [u8]> {
        let from = at.checked_add(HANDSHAKE_HEADER_LEN)?;
        bytes.get(from..from.checked_add(self.len)?)
    }
}

/// True when `b` starts with a handshake record of a TLS version, within
/// the record limit, whose first message is a ClientHello or ServerHello:
/// where a stream that carries TLS starts.
#[inline]
pub fn starts_hello_record(b: &[u8]) -> bool {
    RecordHeader::read(b, 0).is_some_and(|h| {
        h.kind() == Some(ContentType::Handshake) && h.is_tls_version() && h.within_limit()
    }) && matches!(
        b.get(RECORD_HEADER_LEN),
        Some(&(CLIENT_HELLO | SERVER_HELLO))
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn record(ct: u8, version: [u8; 2], body: &[u8]) -> Vec<u8> {
        let mut r = vec![ct, version[0], version[1]];
        r.extend_from_slice(&u16::try_from(body.len()).unwrap().to_be_bytes());
        r.extend_from_slice(body);
        r
    }

    #[test]
    fn record_header_fields_and_body() {
        let r = record(23, [3, 3], b"secret");
        let h = RecordHeader::read(&r, 0);
        assert_eq!(
            h,
            Some(RecordHeader {
                content_type: 23,
                major: 3,
                minor: 3,
                len: 6
            })
        );
        let h = h.unwrap();
        assert_eq!(h.kind(), Some(ContentType::ApplicationData));
        assert_eq!(h.kind().map(ContentType::name), Some("application_data"));
        assert_eq!(h.version_hex(), "0x0303");
        assert_eq!(h.body(&r, 0), Some(&b"secret"[..]));
        assert_eq!(h.end(0), 11);
        assert!(h.is_tls_version() && h.within_limit());
    }

    #[test]
    fn hostile_record_headers() {
        // Fewer than five bytes: no header, at any offset, even past the end.
        assert_eq!(RecordHeader::read(&[22, 3, 1, 0], 0), None);
        assert_eq!(RecordHeader::read(&[22, 3, 1, 0, 1], 1), None);
        assert_eq!(RecordHeader::read(&[22, 3, 1, 0, 1], usize::MAX), None);
        // A declared length past the input: the body is absent, never cut.
        let r = record(22, [3, 1], &[1; 40]);
        let h = RecordHeader::read(&r[..20], 0).unwrap();
        assert_eq!(h.len, 40);
        assert_eq!(h.body(&r[..20], 0), None);
        // The largest declared length is read as is and judged over the limit.
        let h = RecordHeader::read(&[23, 3, 3, 0xff, 0xff], 0).unwrap();
        assert_eq!(h.len, 65535);
        assert!(!h.within_limit());
        assert_eq!(h.end(usize::MAX - 2), usize::MAX);
        // Versions and types outside TLS.
        let h = RecordHeader::read(&[25, 2, 0, 0, 0], 0).unwrap();
        assert_eq!(h.kind(), None);
        assert!(!h.is_tls_version());
        let h = RecordHeader::read(&[20, 3, 5, 0, 1], 0).unwrap();
        assert!(!h.is_tls_version());
    }

    #[test]
    fn handshake_headers() {
        let m = [1, 0, 0, 3, 9, 8, 7, 6];
        let h = HandshakeHeader::read(&m, 0).unwrap();
        assert_eq!((h.msg_type, h.len), (CLIENT_HELLO, 3));
        assert_eq!(h.body(&m, 0), Some(&[9, 8, 7][..]));
        // 24-bit lengths; a huge declared length borrows nothing.
        let big = [2, 0xff, 0xff, 0xff, 0];
        let h = HandshakeHeader::read(&big, 0).unwrap();
        assert_eq!(h.len, 0x00ff_ffff);
        assert_eq!(h.body(&big, 0), None);
        assert_eq!(HandshakeHeader::read(&[1, 0, 0], 0), None);
        assert_eq!(HandshakeHeader::read(&m, usize::MAX), None);
    }

    #[test]
    fn hello_record_starts() {
        let mut hello = vec![CLIENT_HELLO, 0, 0, 2, 3, 3];
        assert!(starts_hello_record(&record(22, [3, 1], &hello)));
        hello[0] = SERVER_HELLO;
        assert!(starts_hello_record(&record(22, [3, 3], &hello)));
        // Another message, another content type, SSL 2 or TLS 1.4+, a cut header.
        hello[0] = 11;
        assert!(!starts_hello_record(&record(22, [3, 3], &hello)));
        hello[0] = CLIENT_HELLO;
        assert!(!starts_hello_record(&record(23, [3, 3], &hello)));
        assert!(!starts_hello_record(&record(22, [2, 0], &hello)));
        assert!(!starts_hello_record(&record(22, [3, 5], &hello)));
        assert!(!starts_hello_record(&[22, 3, 1, 0, 6]));
        // A length over the record limit.
        assert!(!starts_hello_record(&[22, 3, 3, 0x48, 0x01, 1]));
    }
}
