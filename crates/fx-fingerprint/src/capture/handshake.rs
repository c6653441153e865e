//! TLS record layer → handshake messages, fed incrementally with the bytes
//! of one reassembled stream direction.
//!
//! A handshake message may span several records and a record may hold
//! several messages. Bytes before the first plausible TLS record (a SOCKS or
//! proxy preamble) are skipped, up to [`PREAMBLE_LIMIT`]. The walker stops at
//! the first application-data record: everything after it is encrypted.

pub use fx_formats::tls::{CLIENT_HELLO, SERVER_HELLO};
use fx_formats::tls::{HANDSHAKE_HEADER_LEN, HandshakeHeader, RecordHeader, starts_hello_record};

/// Bytes of non-TLS preamble searched for the first record.
pub const PREAMBLE_LIMIT: usize = 16 * 1024;
/// Largest handshake message accepted.
const MAX_MESSAGE: usize = 256 * 1024;
/// Hello messages kept per direction.
const MAX_HELLOS: usize = 8;

/// A ClientHello or ServerHello body with where it started in the stream.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HelloMessage {
    /// [`CLIENT_HELLO`] or [`SERVER_HELLO`].
    pub msg_type: u8,
    /// The message body (after the 4-byte handshake header).
    pub body: Vec<u8>,
    /// Offset of the record that started the message, in the direction's bytes.
    pub stream_offset: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Searching,
    Records,
    Done,
}

/// Incremental record/handshake walker for one direction.
#[derive(Debug)]
pub struct HandshakeWalker {
    state: State,
    buf: Vec<u8>,
    /// Stream offset of `buf[0]`.
    buf_offset: u64,
    hs: Vec<u8>,
    hs_offset: u64,
    after_ccs: bool,
    /// Hello messages found so far.
    pub hellos: Vec<HelloMessage>,
    /// Records walked.
    pub records: u64,
}

impl Default for HandshakeWalker {
    fn default() -> Self {
        HandshakeWalker {
            state: State::Searching,
            buf: Vec::new(),
            buf_offset: 0,
            hs: Vec::new(),
            hs_offset: 0,
            after_ccs: false,
            hellos: Vec::new(),
            records: 0,
        }
    }
}

impl HandshakeWalker {
    /// True when no more bytes can change the outcome.
    pub fn is_done(&self) -> bool {
        self.state == State::Done
    }

    /// True once a TLS record was recognised.
    pub fn saw_tls(&self) -> bool {
        self.records > 0
    }

    fn finish(&mut self) {
        self.state = State::Done;
        self.buf = Vec::new();
        self.hs = Vec::new();
    }

    /// Feeds the next contiguous bytes of the direction.
    pub fn feed(&mut self, bytes: &[u8]) {
        if self.state == State::Done {
            return;
        }
        self.buf.extend_from_slice(bytes);
        if self.state == State::Searching {
            let found = (0..self.buf.len()).find(|&i| starts_hello_record(&self.buf[i..]));
            match found {
                Some(p) => {
                    self.buf.drain(..p);
                    self.buf_offset += p as u64;
                    self.state = State::Records;
                }
                None => {
                    if self.buf_offset + self.buf.len() as u64 > PREAMBLE_LIMIT as u64 {
                        self.finish();
                        return;
                    }
                    // keep a tail that could still start a record
                    let keep = self.buf.len().min(5);
                    let cut = self.buf.len() - keep;
                    self.buf.drain(..cut);
                    self.buf_offset += cut as u64;
                    return;
                }
            }
        }
        self.walk_records();
    }

    fn walk_records(&mut self) {
        let mut pos = 0usize;
        while self.state == State::Records {
            let Some(header) = RecordHeader::read(&self.buf, pos) else {
                break;
            };
            if header.major != 3 || !header.within_limit() {
                self.finish();
                return;
            }
            let Some(body) = header.body(&self.buf, pos) else {
                break;
            };
            let record_offset = self.buf_offset + pos as u64;
            self.records += 1;
            match header.content_type {
                22 => {
                    if self.after_ccs {
                        self.hs.clear();
                    }
                    if self.hs.is_empty() {
                        self.hs_offset = record_offset;
                    }
                    let body = body.to_vec();
                    self.hs.extend_from_slice(&body);
                    self.take_messages();
                }
                20 => {
                    self.after_ccs = true;
                    self.hs.clear();
                }
                21 => {}
                _ => {
                    self.finish();
                    return;
                }
            }
            pos = header.end(pos);
        }
        if self.state != State::Done {
            self.buf.drain(..pos);
            self.buf_offset += pos as u64;
        }
    }

    fn take_messages(&mut self) {
        let mut pos = 0usize;
        while let Some(h) = HandshakeHeader::read(&self.hs, pos) {
            let msg_type = h.msg_type;
            if h.len > MAX_MESSAGE {
                self.hs.clear();
                return;
            }
            let Some(body) = h.body(&self.hs, pos) else {
                break;
            };
            if (msg_type == CLIENT_HELLO || msg_type == SERVER_HELLO)
                && self.hellos.len() < MAX_HELLOS
            {
                self.hellos.push(HelloMessage {
                    msg_type,
                    body: body.to_vec(),
                    stream_offset: self.hs_offset,
                });
            }
            pos += HANDSHAKE_HEADER_LEN + h.len;
        }
        // what is left is the start of a message continued in the next record
        self.hs.drain(..pos);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(ct: u8, body: &[u8]) -> Vec<u8> {
        let mut r = vec![ct, 3, 1];
        r.extend_from_slice(&(body.len() as u16).to_be_bytes());
        r.extend_from_slice(body);
        r
    }

    #[test]
    fn a_message_spanning_records_and_a_preamble() {
        let mut msg = vec![1, 0, 0, 6];
        msg.extend_from_slice(b"abcdef");
        let mut stream = b"\x05\x01\x00".to_vec();
        stream.extend(record(22, &msg[..5]));
        stream.extend(record(22, &msg[5..]));
        stream.extend(record(23, b"secret"));
        let mut w = HandshakeWalker::default();
        for chunk in stream.chunks(3) {
            w.feed(chunk);
        }
        assert_eq!(w.hellos.len(), 1);
        assert_eq!(w.hellos[0].body, b"abcdef");
        assert_eq!(w.hellos[0].stream_offset, 3);
        assert!(w.is_done());
    }
}
