//! Which public-key algorithms a quantum computer breaks, how strong each is
//! classically, and the migration deadlines of the baseline the policy names
//! (`policy.report.quantum_baseline`).
//!
//! Classical strengths follow NIST SP 800-57 Part 1 Rev. 5, Table 2
//! (RSA/DSA/DH moduli of 2048, 3072, 7680 and 15360 bits give 112, 128, 192
//! and 256 bits; an elliptic curve gives half its order's size).

use serde::Serialize;

/// A published migration timeline for quantum-vulnerable public keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct QuantumBaseline {
    /// Policy name (`nist-ir-8547`, `cnsa-2.0`).
    pub name: &'static str,
    /// Title of the source document.
    pub title: &'static str,
    /// Where it is published.
    pub url: &'static str,
    /// What the dates below are, in the document's words.
    pub rule: &'static str,
    /// Year after which keys up to `deprecated_up_to` bits of classical
    /// strength are deprecated.
    pub deprecated_after: u16,
    /// The strongest keys (classical bits) deprecated early.
    pub deprecated_up_to: u32,
    /// Year after which every quantum-vulnerable key is disallowed.
    pub disallowed_after: u16,
}

/// When a quantum-vulnerable key must be gone, by one baseline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Deadline {
    /// The baseline's policy name.
    pub baseline: String,
    /// Year after which the baseline deprecates the key (no new use), when
    /// it sets one for this strength.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deprecated_after: Option<u16>,
    /// Year after which the baseline disallows it.
    pub disallowed_after: u16,
}

/// NIST IR 8547 (initial public draft, November 2024), *Transition to
/// Post-Quantum Cryptography Standards*, Tables 2 and 4: quantum-vulnerable
/// digital signatures and key establishment at 112 bits of security are
/// deprecated after 2030; all of them are disallowed after 2035.
pub const NIST_IR_8547: QuantumBaseline = QuantumBaseline {
    name: "nist-ir-8547",
    title: "NIST IR 8547 (ipd), Transition to Post-Quantum Cryptography Standards",
    url: "https://doi.org/10.6028/NIST.IR.8547.ipd",
    rule: "quantum-vulnerable signatures and key establishment: deprecated after 2030 at 112-bit security strength, disallowed after 2035 at any strength (Tables 2 and 4)",
    deprecated_after: 2030,
    deprecated_up_to: 112,
    disallowed_after: 2035,
};

/// NSA CNSA 2.0 (cybersecurity advisory of September 2022, updated
/// December 2024): National Security Systems use its quantum-resistant
/// algorithms exclusively by 2030 (software and firmware signing,
/// traditional networking equipment) and by 2033 (web browsers, servers,
/// cloud services, operating systems, niche equipment, custom and legacy
/// applications); NSM-10 sets 2035 for the whole transition.
pub const CNSA_2_0: QuantumBaseline = QuantumBaseline {
    name: "cnsa-2.0",
    title: "NSA Commercial National Security Algorithm Suite 2.0 (CNSA 2.0)",
    url: "https://media.defense.gov/2022/Sep/07/2003071834/-1/-1/0/CSA_CNSA_2.0_ALGORITHMS_.PDF",
    rule: "exclusive use of CNSA 2.0 algorithms by 2030 (software/firmware signing, networking equipment) and by 2033 (browsers, servers, cloud services, operating systems): every quantum-vulnerable key is replaced by then, whatever its strength",
    deprecated_after: 2030,
    deprecated_up_to: u32::MAX,
    disallowed_after: 2033,
};

/// Every baseline a policy may name.
pub const BASELINES: &[QuantumBaseline] = &[NIST_IR_8547, CNSA_2_0];

impl QuantumBaseline {
    /// The baseline a policy names.
    pub fn by_name(name: &str) -> Option<&'static QuantumBaseline> {
        BASELINES.iter().find(|b| b.name == name)
    }

    /// The deadline of a quantum-vulnerable key of this classical strength.
    pub fn deadline(&self, strength_bits: u32) -> Deadline {
        Deadline {
            baseline: self.name.to_owned(),
            deprecated_after: (strength_bits <= self.deprecated_up_to)
                .then_some(self.deprecated_after),
            disallowed_after: self.disallowed_after,
        }
    }
}

/// What kind of public-key algorithm a name is, for the findings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AlgorithmClass {
    /// Broken by Shor's algorithm (RSA, DSA, DH, elliptic curves), with its
    /// classical strength in bits when known.
    QuantumVulnerable(Option<u32>),
    /// A post-quantum algorithm (ML-KEM, ML-DSA, SLH-DSA, …).
    PostQuantum,
    /// A composite or hybrid of a post-quantum and a classical algorithm.
    Hybrid,
    /// Not a public-key algorithm fx classifies (symmetric, unknown).
    Other,
}

/// Classical strength of an RSA, DSA or DH modulus of `bits` bits
/// (SP 800-57 Part 1 Rev. 5, Table 2; below 1024 bits: under 80).
pub fn modulus_strength(bits: u64) -> u32 {
    match bits {
        15360.. => 256,
        7680.. => 192,
        3072.. => 128,
        2048.. => 112,
        1024.. => 80,
        _ => 0,
    }
}

/// Size in bits of a named curve's order, when fx knows the curve.
pub fn curve_bits(curve: &str) -> Option<u32> {
    let c = curve.to_ascii_lowercase();
    let known: &[(&[&str], u32)] = &[
        (&["p-192", "secp192r1", "prime192v1", "secp192k1"], 192),
        (&["p-224", "secp224r1", "secp224k1", "brainpoolp224r1"], 224),
        (
            &[
                "p-256",
                "secp256r1",
                "prime256v1",
                "secp256k1",
                "brainpoolp256r1",
                "sm2",
                "x25519",
                "ed25519",
            ],
            256,
        ),
        (&["brainpoolp320r1"], 320),
        (&["p-384", "secp384r1", "brainpoolp384r1"], 384),
        (&["x448", "ed448"], 448),
        (&["brainpoolp512r1"], 512),
        (&["p-521", "secp521r1"], 521),
        (
            &[
                "secp160r1",
                "secp160r2",
                "secp160k1",
                "brainpoolp160r1",
                "sect163k1",
                "sect163r1",
                "sect163r2",
            ],
            160,
        ),
    ];
    known
        .iter()
        .find(|(names, _)| names.contains(&c.as_str()))
        .map(|(_, bits)| *bits)
}

/// Classical strength of an elliptic curve of `order_bits` (half of it,
/// 224 for the 448-bit Edwards and Montgomery curves).
pub fn curve_strength(order_bits: u32) -> u32 {
    order_bits / 2
}

/// Post-quantum algorithm families, by the prefix of their DESIGN §9 names.
const POST_QUANTUM_PREFIXES: &[&str] = &[
    "ML-KEM-",
    "ML-DSA-",
    "SLH-DSA-",
    "Falcon-",
    "FN-DSA-",
    "HQC-",
    "FrodoKEM-",
    "Classic-McEliece-",
    "sntrup",
    "XMSS",
    "LMS",
    "HSS",
];

/// Names of hybrid or composite algorithms (LAMPS composite names such as
/// `MLDSA65-ECDSA-P256-SHA512`, `MLKEM768-X25519-SHA3-256`, TLS hybrid
/// groups such as `X25519MLKEM768`).
fn is_hybrid_name(name: &str) -> bool {
    let n = name.to_ascii_uppercase();
    (n.starts_with("MLDSA") || n.starts_with("MLKEM") || n.starts_with("SLHDSA"))
        || ((n.contains("MLKEM") || n.contains("KYBER")) && n.contains("X25519"))
        || (n.contains("MLKEM") && (n.contains("SECP") || n.contains("P256") || n.contains("P384")))
}

/// Classifies a key algorithm by its DESIGN §9 name, with its modulus bits
/// or curve when the evidence has them.
pub fn classify(algorithm: &str, key_bits: Option<u64>, curve: Option<&str>) -> AlgorithmClass {
    if is_hybrid_name(algorithm) {
        return AlgorithmClass::Hybrid;
    }
    if POST_QUANTUM_PREFIXES
        .iter()
        .any(|p| algorithm.starts_with(p))
    {
        return AlgorithmClass::PostQuantum;
    }
    match algorithm {
        "RSA" | "RSA-PSS" | "RSAES-OAEP" | "DSA" | "DH" | "X9.42-DH" => {
            AlgorithmClass::QuantumVulnerable(key_bits.map(modulus_strength))
        }
        "EC" | "ECDSA" | "ECDH" | "SM2" => {
            AlgorithmClass::QuantumVulnerable(curve.and_then(curve_bits).map(curve_strength))
        }
        "Ed25519" | "X25519" => AlgorithmClass::QuantumVulnerable(Some(128)),
        "Ed448" | "X448" => AlgorithmClass::QuantumVulnerable(Some(224)),
        _ => AlgorithmClass::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strengths_classes_and_deadlines() {
        assert_eq!(modulus_strength(2048), 112);
        assert_eq!(modulus_strength(3072), 128);
        assert_eq!(modulus_strength(1024), 80);
        assert_eq!(curve_bits("P-256").map(curve_strength), Some(128));
        assert_eq!(curve_bits("P-224").map(curve_strength), Some(112));
        assert_eq!(
            classify("RSA", Some(2048), None),
            AlgorithmClass::QuantumVulnerable(Some(112))
        );
        assert_eq!(
            classify("EC", None, Some("P-384")),
            AlgorithmClass::QuantumVulnerable(Some(192))
        );
        assert_eq!(
            classify("ML-KEM-768", None, None),
            AlgorithmClass::PostQuantum
        );
        assert_eq!(
            classify("MLDSA65-ECDSA-P256-SHA512", None, None),
            AlgorithmClass::Hybrid
        );
        assert_eq!(classify("AES-128-GCM", None, None), AlgorithmClass::Other);

        let d = NIST_IR_8547.deadline(112);
        assert_eq!((d.deprecated_after, d.disallowed_after), (Some(2030), 2035));
        let d = NIST_IR_8547.deadline(128);
        assert_eq!((d.deprecated_after, d.disallowed_after), (None, 2035));
        let d = CNSA_2_0.deadline(256);
        assert_eq!((d.deprecated_after, d.disallowed_after), (Some(2030), 2033));
        assert!(QuantumBaseline::by_name("cnsa-2.0").is_some());
        assert!(QuantumBaseline::by_name("made-up").is_none());
    }
}
