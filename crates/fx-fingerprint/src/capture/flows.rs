//! The UDP connections of a capture (DTLS, QUIC): keyed by their endpoint
//! pair in either direction, kept in order of first appearance, up to a cap.

use std::collections::HashMap;
use std::net::IpAddr;

/// An IP address and port.
pub(crate) type Endpoint = (IpAddr, u16);

/// Connections of type `C`, at most `max`; past it a new pair is dropped
/// and [`Flows::capped`] says so.
pub(crate) struct Flows<C> {
    max: usize,
    index: HashMap<(Endpoint, Endpoint), usize>,
    conns: Vec<C>,
    capped: bool,
}

impl<C> Flows<C> {
    /// An empty table of at most `max` connections.
    pub(crate) fn new(max: usize) -> Flows<C> {
        Flows {
            max,
            index: HashMap::new(),
            conns: Vec::new(),
            capped: false,
        }
    }

    /// The connection between `src` and `dst`, made by `new` on its first
    /// datagram; `None` when it is new and the table is full.
    pub(crate) fn entry(
        &mut self,
        src: Endpoint,
        dst: Endpoint,
        new: impl FnOnce() -> C,
    ) -> Option<&mut C> {
        let key = if src <= dst { (src, dst) } else { (dst, src) };
        let idx = match self.index.get(&key) {
            Some(i) => *i,
            None => {
                if self.conns.len() >= self.max {
                    self.capped = true;
                    return None;
                }
                self.conns.push(new());
                self.index.insert(key, self.conns.len() - 1);
                self.conns.len() - 1
            }
        };
        Some(&mut self.conns[idx])
    }

    /// The connections, in order of first appearance.
    pub(crate) fn iter(&self) -> std::slice::Iter<'_, C> {
        self.conns.iter()
    }

    /// Whether a connection was dropped for the cap.
    pub(crate) fn capped(&self) -> bool {
        self.capped
    }
}
