//! Work budgets: bytes a probe may scan, counted, never timed (DESIGN §5).

/// Bytes one probe may still scan on one artifact.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Budget {
    limit: u64,
    used: u64,
}

impl Budget {
    /// A budget of `limit` bytes.
    pub fn new(limit: u64) -> Budget {
        Budget { limit, used: 0 }
    }

    /// Grants up to `want` bytes and counts them as used; the grant is
    /// smaller when the budget runs out (0 when it is spent).
    pub fn take(&mut self, want: usize) -> usize {
        let left = self.limit.saturating_sub(self.used);
        let grant = (want as u64).min(left);
        self.used += grant;
        grant as usize
    }

    /// Bytes used so far.
    pub fn used(&self) -> u64 {
        self.used
    }

    /// True when nothing is left.
    pub fn spent(&self) -> bool {
        self.used >= self.limit
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grants_shrink_then_stop() {
        let mut b = Budget::new(10);
        assert_eq!(b.take(4), 4);
        assert_eq!(b.take(10), 6);
        assert!(b.spent());
        assert_eq!(b.take(1), 0);
        assert_eq!(b.used(), 10);
    }
}
