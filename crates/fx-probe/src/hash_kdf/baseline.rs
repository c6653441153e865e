//! Named, cited baselines that hash/KDF parameters are judged against, and
//! the classification of weaknesses (`policy.probe.hash_baseline`).

use serde::Serialize;

use super::params::{Family, Params};

/// A published baseline: where its numbers come from and what they are.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Baseline {
    /// Policy name (`owasp-2025`, `nist-800-63b`).
    pub name: &'static str,
    /// Title of the source document.
    pub title: &'static str,
    /// Where it is published.
    pub url: &'static str,
    /// Sections the thresholds come from.
    pub sections: &'static str,
    /// Argon2id minimum (memory KiB, iterations t, parallelism p); `None` when the baseline sets none.
    #[serde(skip)]
    pub argon2id: Option<(u64, u64, u32)>,
    /// scrypt minimum (log2 N, r, p).
    #[serde(skip)]
    pub scrypt: Option<(u32, u32, u32)>,
    /// bcrypt minimum cost.
    #[serde(skip)]
    pub bcrypt_cost: Option<u32>,
    /// PBKDF2 minimum iterations for HMAC-SHA1, -SHA256, -SHA512 (and any other PRF).
    #[serde(skip)]
    pub pbkdf2: (u64, u64, u64, u64),
    /// Smallest acceptable salt in bits.
    #[serde(skip)]
    pub min_salt_bits: u32,
    /// Recommended salt size in bits (below it: `salt_below_recommended`).
    #[serde(skip)]
    pub recommended_salt_bits: Option<u32>,
    /// Whether only Argon2id is accepted among the Argon2 variants.
    #[serde(skip)]
    pub argon2_id_only: bool,
}

/// OWASP Password Storage Cheat Sheet (the default baseline).
pub const OWASP_2025: Baseline = Baseline {
    name: "owasp-2025",
    title: "OWASP Password Storage Cheat Sheet",
    url: "https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html",
    sections: "Password Hashing Algorithms: Argon2id, scrypt, bcrypt, PBKDF2; salt ≥ 32 bits from NIST SP 800-63B §5.1.1.2",
    argon2id: Some((19_456, 2, 1)),
    scrypt: Some((17, 8, 1)),
    bcrypt_cost: Some(10),
    pbkdf2: (1_300_000, 600_000, 210_000, 600_000),
    min_salt_bits: 32,
    recommended_salt_bits: None,
    argon2_id_only: true,
};

/// NIST SP 800-63B §5.1.1.2 with NIST SP 800-132 §5.1–5.2.
pub const NIST_800_63B: Baseline = Baseline {
    name: "nist-800-63b",
    title: "NIST SP 800-63B Digital Identity Guidelines (Authentication) and NIST SP 800-132 (PBKDF)",
    url: "https://pages.nist.gov/800-63-3/sp800-63b.html#memsecretver ; https://doi.org/10.6028/NIST.SP.800-132",
    sections: "SP 800-63B §5.1.1.2 (salt ≥ 32 bits, approved one-way KDF, PBKDF2 typically ≥ 10,000 iterations); SP 800-132 §5.1 (salt ≥ 128 bits recommended), §5.2 (iteration count ≥ 1,000, as high as feasible)",
    argon2id: None,
    scrypt: None,
    bcrypt_cost: None,
    pbkdf2: (10_000, 10_000, 10_000, 10_000),
    min_salt_bits: 32,
    recommended_salt_bits: Some(128),
    argon2_id_only: false,
};

/// Every baseline a policy may name.
pub const BASELINES: &[Baseline] = &[OWASP_2025, NIST_800_63B];

/// The baseline a policy names (`owasp`/`nist` are accepted as short names).
pub fn by_name(name: &str) -> Option<&'static Baseline> {
    let name = match name {
        "owasp" => "owasp-2025",
        "nist" | "nist-800-63b/800-132" => "nist-800-63b",
        other => other,
    };
    BASELINES.iter().find(|b| b.name == name)
}

/// Every weakness id the audit can report (the values of `hash.weaknesses`),
/// for consumers that need the closed set (feature columns, reports).
pub use fx_core::vocab::HASH_WEAKNESSES as WEAKNESS_IDS;

/// One weakness, with the rule that makes it one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Stable weakness id (the value listed in `weaknesses`).
    pub id: &'static str,
    /// What was measured against what.
    pub detail: String,
}

/// Scheme-specific facts the classifier needs besides the parameters.
#[derive(Clone, Copy, Debug, Default)]
pub struct Traits {
    /// Truncates or case-folds the password (DES crypt, LM).
    pub truncates: bool,
    /// Known implementation bug marker (bcrypt `$2x$`).
    pub buggy_variant: bool,
}

fn finding(out: &mut Vec<Finding>, id: &'static str, detail: String) {
    out.push(Finding { id, detail });
}

/// Judges one hash of `family` with `params` against `b`.
pub fn classify(family: Family, params: &Params, traits: Traits, b: &Baseline) -> Vec<Finding> {
    let mut out = Vec::new();
    match family {
        Family::UnsaltedFast => finding(
            &mut out,
            "unsalted_fast_hash",
            "one pass of a fast hash without salt: weak under any baseline".into(),
        ),
        Family::Legacy => finding(
            &mut out,
            "obsolete_scheme",
            "broken legacy construction (unsalted, fast, reduced keyspace): weak under any baseline".into(),
        ),
        Family::SaltedFast => finding(
            &mut out,
            "fast_hash",
            "one pass of a fast general-purpose hash: not a password KDF under any baseline".into(),
        ),
        Family::DesCrypt | Family::Md5Crypt => finding(
            &mut out,
            "obsolete_scheme",
            "deprecated crypt(3) scheme with a fixed, tiny work factor".into(),
        ),
        Family::ShaCrypt | Family::Phpass => finding(
            &mut out,
            "scheme_not_recommended",
            format!("iterated fast hash, not among {}'s recommended KDFs", b.title),
        ),
        Family::Bcrypt => {
            if let (Some(min), Some(cost)) = (b.bcrypt_cost, params.cost)
                && cost < min
            {
                finding(&mut out, "cost_below_baseline", format!("bcrypt cost {cost} < {min}"));
            }
        }
        Family::Argon2(variant) => {
            if b.argon2_id_only && variant != "id" {
                finding(
                    &mut out,
                    "argon2_variant_not_id",
                    format!("argon2{variant}: the baseline recommends argon2id"),
                );
            }
            if let Some((m, t, p)) = b.argon2id {
                argon2_rule(&mut out, params, m, t, p);
            }
        }
        Family::Scrypt => {
            if let (Some((n_log2, r, p)), Some(have_n), Some(have_r)) =
                (b.scrypt, params.n_log2, params.block_size)
            {
                let need = (128u64 << n_log2) * u64::from(r) / 1024;
                let have = params.memory_kib.unwrap_or(0);
                if have < need {
                    finding(
                        &mut out,
                        "memory_below_baseline",
                        format!("scrypt N=2^{have_n} r={have_r} ({have} KiB) < N=2^{n_log2} r={r} p={p} ({need} KiB)"),
                    );
                }
            }
        }
        Family::Yescrypt => {
            // yescrypt is outside the OWASP/NIST lists; judge its memory like scrypt's.
            if let (Some((n_log2, r, _)), Some(have)) = (b.scrypt, params.memory_kib) {
                let need = (128u64 << n_log2) * u64::from(r) / 1024;
                if have < need {
                    finding(
                        &mut out,
                        "memory_below_baseline",
                        format!("yescrypt memory {have} KiB < the scrypt minimum {need} KiB"),
                    );
                }
            }
        }
        Family::Pbkdf2(prf) => {
            let (sha1, sha256, sha512, other) = b.pbkdf2;
            let need = match prf {
                "sha1" => sha1,
                "sha256" => sha256,
                "sha512" => sha512,
                _ => other,
            };
            if let Some(have) = params.iterations {
                if have < 1_000 {
                    finding(
                        &mut out,
                        "iterations_below_minimum",
                        format!("PBKDF2 iterations {have} < 1,000 (NIST SP 800-132 §5.2)"),
                    );
                } else if have < need {
                    finding(
                        &mut out,
                        "iterations_below_baseline",
                        format!("PBKDF2-HMAC-{} iterations {have} < {need}", prf.to_uppercase()),
                    );
                }
            }
            if prf == "md5" {
                finding(&mut out, "weak_prf", "PBKDF2 over HMAC-MD5".into());
            }
        }
        Family::Protocol | Family::Container => {}
    }
    let salted = !matches!(
        family,
        Family::UnsaltedFast | Family::Legacy | Family::Protocol | Family::Container
    );
    if salted && let Some(bits) = params.salt_bits_total() {
        if bits < b.min_salt_bits {
            finding(
                &mut out,
                "salt_too_short",
                format!(
                    "salt {bits} bits < {} bits (NIST SP 800-63B §5.1.1.2)",
                    b.min_salt_bits
                ),
            );
        } else if let Some(rec) = b.recommended_salt_bits
            && bits < rec
        {
            finding(
                &mut out,
                "salt_below_recommended",
                format!("salt {bits} bits < {rec} bits (NIST SP 800-132 §5.1)"),
            );
        }
    }
    if traits.truncates {
        finding(
            &mut out,
            "password_truncated",
            "the scheme truncates or case-folds the password before hashing".into(),
        );
    }
    if traits.buggy_variant {
        finding(
            &mut out,
            "buggy_implementation_marker",
            "bcrypt $2x$ marks hashes from crypt_blowfish with the 8-bit sign-extension bug (CVE-2011-2483)".into(),
        );
    }
    out
}

fn argon2_rule(out: &mut Vec<Finding>, params: &Params, m: u64, t: u64, p: u32) {
    let (Some(have_m), Some(have_t)) = (params.memory_kib, params.iterations) else {
        return;
    };
    // OWASP lists equivalent (m, t) pairs at p=1; the work m·t must reach the minimum's.
    if have_m < m && have_m.saturating_mul(have_t) < m.saturating_mul(t) {
        finding(
            out,
            "memory_below_baseline",
            format!("argon2 m={have_m} KiB t={have_t} < m={m} KiB t={t} p={p}"),
        );
    } else if have_m.saturating_mul(have_t) < m.saturating_mul(t) {
        finding(
            out,
            "iterations_below_baseline",
            format!(
                "argon2 m·t = {} < {} (m={m} KiB, t={t})",
                have_m.saturating_mul(have_t),
                m * t
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(f: Vec<Finding>) -> Vec<&'static str> {
        f.into_iter().map(|f| f.id).collect()
    }

    #[test]
    fn owasp_thresholds() {
        let b = &OWASP_2025;
        let bc = |cost| Params {
            cost: Some(cost),
            salt_bytes: Some(16),
            ..Params::default()
        };
        assert_eq!(
            ids(classify(Family::Bcrypt, &bc(9), Traits::default(), b)),
            ["cost_below_baseline"]
        );
        assert!(classify(Family::Bcrypt, &bc(10), Traits::default(), b).is_empty());
        let pb = |it| Params {
            iterations: Some(it),
            salt_bytes: Some(16),
            ..Params::default()
        };
        assert_eq!(
            ids(classify(
                Family::Pbkdf2("sha256"),
                &pb(599_999),
                Traits::default(),
                b
            )),
            ["iterations_below_baseline"]
        );
        assert!(classify(Family::Pbkdf2("sha256"), &pb(600_000), Traits::default(), b).is_empty());
        assert!(classify(Family::Pbkdf2("sha512"), &pb(210_000), Traits::default(), b).is_empty());
        assert_eq!(
            ids(classify(
                Family::Pbkdf2("sha1"),
                &pb(999),
                Traits::default(),
                b
            )),
            ["iterations_below_minimum"]
        );
        let a = |m, t| Params {
            memory_kib: Some(m),
            iterations: Some(t),
            parallelism: Some(1),
            salt_bytes: Some(16),
            ..Params::default()
        };
        assert!(classify(Family::Argon2("id"), &a(19_456, 2), Traits::default(), b).is_empty());
        assert!(classify(Family::Argon2("id"), &a(47_104, 1), Traits::default(), b).is_empty());
        assert_eq!(
            ids(classify(
                Family::Argon2("id"),
                &a(4096, 3),
                Traits::default(),
                b
            )),
            ["memory_below_baseline"]
        );
        assert_eq!(
            ids(classify(
                Family::Argon2("i"),
                &a(65_536, 3),
                Traits::default(),
                b
            )),
            ["argon2_variant_not_id"]
        );
        let s = |n: u32, r: u32| Params {
            n_log2: Some(n),
            block_size: Some(r),
            memory_kib: Some((128u64 << n) * u64::from(r) / 1024),
            salt_bytes: Some(16),
            ..Params::default()
        };
        assert!(classify(Family::Scrypt, &s(17, 8), Traits::default(), b).is_empty());
        assert_eq!(
            ids(classify(Family::Scrypt, &s(14, 8), Traits::default(), b)),
            ["memory_below_baseline"]
        );
        assert_eq!(
            ids(classify(
                Family::UnsaltedFast,
                &Params::default(),
                Traits::default(),
                b
            )),
            ["unsalted_fast_hash"]
        );
    }

    #[test]
    fn nist_salt_rules() {
        let b = &NIST_800_63B;
        let p = |bytes| Params {
            iterations: Some(20_000),
            salt_bytes: Some(bytes),
            ..Params::default()
        };
        assert_eq!(
            ids(classify(
                Family::Pbkdf2("sha256"),
                &p(3),
                Traits::default(),
                b
            )),
            ["salt_too_short"]
        );
        assert_eq!(
            ids(classify(
                Family::Pbkdf2("sha256"),
                &p(8),
                Traits::default(),
                b
            )),
            ["salt_below_recommended"]
        );
        assert!(classify(Family::Pbkdf2("sha256"), &p(16), Traits::default(), b).is_empty());
        assert!(by_name("nist").is_some());
        assert!(by_name("nope").is_none());
    }
}
