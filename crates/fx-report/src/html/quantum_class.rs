//! Algorithms by quantum-safety class, for the picture and the algorithm
//! table: the class is the findings engine's
//! ([`crate::findings::quantum::classify`]), so the picture and the
//! findings never disagree.

use std::collections::BTreeMap;

use crate::findings::quantum::{AlgorithmClass, classify};

/// The four classes, in the order the picture shows them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum QuantumClass {
    /// Broken by Shor's algorithm (RSA, DSA, DH, elliptic curves).
    QuantumVulnerable,
    /// A post-quantum algorithm.
    PostQuantum,
    /// A hybrid or composite of the two.
    Hybrid,
    /// Anything else (symmetric, hashes, unknown names).
    Other,
}

impl QuantumClass {
    /// Every class, in display order.
    pub const ALL: [QuantumClass; 4] = [
        QuantumClass::QuantumVulnerable,
        QuantumClass::PostQuantum,
        QuantumClass::Hybrid,
        QuantumClass::Other,
    ];

    /// The class of an algorithm name as the summary writes it.
    pub fn of(algorithm: &str) -> QuantumClass {
        match classify(algorithm, None, None) {
            AlgorithmClass::QuantumVulnerable(_) => QuantumClass::QuantumVulnerable,
            AlgorithmClass::PostQuantum => QuantumClass::PostQuantum,
            AlgorithmClass::Hybrid => QuantumClass::Hybrid,
            AlgorithmClass::Other => QuantumClass::Other,
        }
    }

    /// Its name on the page.
    pub fn as_str(self) -> &'static str {
        match self {
            QuantumClass::QuantumVulnerable => "quantum-vulnerable",
            QuantumClass::PostQuantum => "post-quantum",
            QuantumClass::Hybrid => "hybrid",
            QuantumClass::Other => "other",
        }
    }

    /// Its colour in the picture.
    pub fn color(self) -> &'static str {
        match self {
            QuantumClass::QuantumVulnerable => "#b91c1c",
            QuantumClass::PostQuantum => "#15803d",
            QuantumClass::Hybrid => "#0e7490",
            QuantumClass::Other => "#6b7280",
        }
    }
}

/// Jobs per class, from the summary's jobs per algorithm.
pub fn by_class(algorithms: &BTreeMap<String, u64>) -> BTreeMap<QuantumClass, u64> {
    let mut out: BTreeMap<QuantumClass, u64> = QuantumClass::ALL.iter().map(|c| (*c, 0)).collect();
    for (name, n) in algorithms {
        *out.entry(QuantumClass::of(name)).or_default() += n;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_follow_the_findings_table() {
        let m = BTreeMap::from([
            ("RSA".to_owned(), 3),
            ("ML-KEM-768".to_owned(), 2),
            ("X25519MLKEM768".to_owned(), 1),
            ("AES-128-GCM".to_owned(), 4),
            ("Ed25519".to_owned(), 1),
        ]);
        let c = by_class(&m);
        assert_eq!(c[&QuantumClass::QuantumVulnerable], 4);
        assert_eq!(c[&QuantumClass::PostQuantum], 2);
        assert_eq!(c[&QuantumClass::Hybrid], 1);
        assert_eq!(c[&QuantumClass::Other], 4);
    }
}
