//! TCP reassembly of the first flight(s) of each stream direction.
//!
//! Segments are placed by sequence number relative to the first byte of the
//! direction (the SYN's sequence + 1, or the first data segment seen when the
//! capture starts mid-stream). Retransmitted and overlapping bytes are
//! trimmed, out-of-order segments wait until the gap before them is filled.
//! Only the first `max_bytes` of each direction are ever kept, so a capture
//! of any size costs bounded memory per stream.

use std::collections::BTreeMap;

/// One direction of a TCP stream being reassembled.
#[derive(Debug, Default)]
pub struct DirectionReassembler {
    /// Sequence number of relative offset 0.
    base: Option<u32>,
    /// Relative offset of the next byte expected in order.
    next: u64,
    /// Out-of-order segments by relative offset.
    pending: BTreeMap<u64, Vec<u8>>,
    /// Bytes held in `pending`.
    pending_bytes: u64,
    /// True when the direction needs no more bytes.
    closed: bool,
}

impl DirectionReassembler {
    /// Records a SYN: the data of this direction starts at `seq + 1`.
    pub fn syn(&mut self, seq: u32) {
        if self.base.is_none() {
            self.base = Some(seq.wrapping_add(1));
        }
    }

    /// Stops reassembly of this direction (its consumer has what it needs).
    pub fn close(&mut self) {
        self.closed = true;
        self.pending.clear();
        self.pending_bytes = 0;
    }

    /// True once closed.
    pub fn is_closed(&self) -> bool {
        self.closed
    }

    /// Adds one segment; calls `deliver` with every run of bytes that became
    /// contiguous, in stream order. Bytes past `max_bytes` are dropped.
    pub fn push(
        &mut self,
        seq: u32,
        payload: &[u8],
        max_bytes: u64,
        deliver: &mut impl FnMut(&[u8]),
    ) {
        if self.closed || payload.is_empty() {
            return;
        }
        let base = *self.base.get_or_insert(seq);
        // signed distance from the base, so segments just before it are seen as old
        let rel = i64::from(seq.wrapping_sub(base) as i32);
        let (start, data) = if rel < 0 {
            let skip = rel.unsigned_abs();
            if skip >= payload.len() as u64 {
                return;
            }
            (0u64, &payload[skip as usize..])
        } else {
            (rel as u64, payload)
        };
        if start >= max_bytes {
            return;
        }
        let keep = (max_bytes - start).min(data.len() as u64) as usize;
        let data = &data[..keep];
        if start <= self.next {
            let overlap = (self.next - start) as usize;
            if overlap >= data.len() {
                return;
            }
            let fresh = &data[overlap..];
            self.next += fresh.len() as u64;
            deliver(fresh);
            self.drain_pending(deliver);
        } else if self.pending_bytes + data.len() as u64 <= max_bytes {
            let slot = self.pending.entry(start).or_default();
            if data.len() > slot.len() {
                self.pending_bytes += (data.len() - slot.len()) as u64;
                *slot = data.to_vec();
            }
        }
    }

    fn drain_pending(&mut self, deliver: &mut impl FnMut(&[u8])) {
        while let Some((&start, _)) = self.pending.first_key_value() {
            if start > self.next || self.closed {
                break;
            }
            let Some((_, data)) = self.pending.pop_first() else {
                break;
            };
            self.pending_bytes -= data.len() as u64;
            let overlap = (self.next - start) as usize;
            if overlap < data.len() {
                self.next += (data.len() - overlap) as u64;
                deliver(&data[overlap..]);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(r: &mut DirectionReassembler, seq: u32, data: &[u8], out: &mut Vec<u8>) {
        r.push(seq, data, 1 << 20, &mut |b| out.extend_from_slice(b));
    }

    #[test]
    fn out_of_order_and_retransmitted_segments_are_placed_by_sequence() {
        let mut r = DirectionReassembler::default();
        let mut out = Vec::new();
        r.syn(999);
        collect(&mut r, 1006, b"world", &mut out);
        assert!(out.is_empty());
        collect(&mut r, 1000, b"hello,", &mut out);
        collect(&mut r, 1000, b"hello,", &mut out); // retransmission
        collect(&mut r, 1003, b"lo, wo", &mut out); // overlap
        collect(&mut r, 1011, b"!", &mut out);
        assert_eq!(out, b"hello,world!");
    }

    #[test]
    fn sequence_wraps_and_cap_holds() {
        let mut r = DirectionReassembler::default();
        let mut out = Vec::new();
        r.syn(u32::MAX - 2);
        r.push(u32::MAX - 1, b"abcdef", 4, &mut |b| {
            out.extend_from_slice(b)
        });
        r.push(2, b"zz", 4, &mut |b| out.extend_from_slice(b));
        assert_eq!(out, b"abcd");
    }
}
