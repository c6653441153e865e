//! QUIC Initial packets (placeholder until decryption lands).

use super::report::StreamReport;

/// Collects QUIC Initial packets of a capture.
#[derive(Default)]
pub struct QuicCollector {
    _seen: u64,
}

impl QuicCollector {
    /// Offers one UDP datagram.
    pub fn datagram(
        &mut self,
        _src: (std::net::IpAddr, u16),
        _dst: (std::net::IpAddr, u16),
        _payload: &[u8],
    ) {
    }

    /// The QUIC streams with their ClientHellos.
    pub fn finish(self, _budget: &mut u32, _capped: &mut bool) -> Vec<StreamReport> {
        Vec::new()
    }
}
