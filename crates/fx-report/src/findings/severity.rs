//! How much a finding matters: five ranks, the order `--fail-on` and the
//! SARIF levels use.

use serde::{Deserialize, Serialize};

/// The severity of a finding. Declared from the most to the least severe,
/// so the derived order ranks `critical` first.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Broken now: material an attacker can use today (an unsalted fast
    /// password hash, an MD5 signature, an RSA key under 1024 bits).
    Critical,
    /// Deprecated or disallowed by the standards today.
    High,
    /// Below the chosen baseline, or due for migration by its first deadline.
    Medium,
    /// Due for migration by a later deadline, or a defect of little impact.
    Low,
    /// Inventory: what is there, nothing wrong with it.
    Info,
}

impl Severity {
    /// Every severity, most severe first.
    pub const ALL: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ];

    /// The wire name (`critical`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
            Severity::Info => "info",
        }
    }

    /// True when `self` is `threshold` or more severe (what `--fail-on`
    /// tests).
    pub fn at_least(self, threshold: Severity) -> bool {
        self <= threshold
    }

    /// The SARIF 2.1.0 `result.level` (§3.27.10): `error` for critical and
    /// high, `warning` for medium, `note` for low and info.
    pub fn sarif_level(self) -> &'static str {
        match self {
            Severity::Critical | Severity::High => "error",
            Severity::Medium => "warning",
            Severity::Low | Severity::Info => "note",
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Findings per severity (every severity present, zero included).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeverityCounts {
    /// Critical findings.
    pub critical: u64,
    /// High findings.
    pub high: u64,
    /// Medium findings.
    pub medium: u64,
    /// Low findings.
    pub low: u64,
    /// Informational findings.
    pub info: u64,
}

impl SeverityCounts {
    /// Counts one finding of severity `s`.
    pub fn add(&mut self, s: Severity) {
        *self.slot(s) += 1;
    }

    /// The count of severity `s`.
    pub fn get(&self, s: Severity) -> u64 {
        match s {
            Severity::Critical => self.critical,
            Severity::High => self.high,
            Severity::Medium => self.medium,
            Severity::Low => self.low,
            Severity::Info => self.info,
        }
    }

    fn slot(&mut self, s: Severity) -> &mut u64 {
        match s {
            Severity::Critical => &mut self.critical,
            Severity::High => &mut self.high,
            Severity::Medium => &mut self.medium,
            Severity::Low => &mut self.low,
            Severity::Info => &mut self.info,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_threshold_and_levels() {
        let mut v = vec![
            Severity::Info,
            Severity::Critical,
            Severity::Low,
            Severity::High,
        ];
        v.sort();
        assert_eq!(
            v,
            [
                Severity::Critical,
                Severity::High,
                Severity::Low,
                Severity::Info
            ]
        );
        assert!(Severity::Critical.at_least(Severity::High));
        assert!(Severity::High.at_least(Severity::High));
        assert!(!Severity::Medium.at_least(Severity::High));
        assert_eq!(Severity::Medium.sarif_level(), "warning");
        assert_eq!(Severity::Info.sarif_level(), "note");
        assert_eq!(
            serde_json::to_string(&Severity::Low).unwrap_or_default(),
            "\"low\""
        );
        let mut c = SeverityCounts::default();
        c.add(Severity::High);
        c.add(Severity::High);
        assert_eq!(c.get(Severity::High), 2);
        assert_eq!(c.get(Severity::Info), 0);
    }
}
