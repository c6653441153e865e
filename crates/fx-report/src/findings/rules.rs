//! The one rule table: every kind of finding fx-report raises, the rule that
//! gives each its severity, and where the rule comes from. `--fail-on`, the
//! SARIF levels and docs/fx-report.md all read this table (a test keeps the
//! page in step with it).

use serde::{Deserialize, Serialize};

use super::severity::Severity;

/// The kinds of finding (the SARIF rules).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    /// Password hashes or KDF parameters below the hash audit's baseline.
    WeakHashKdf,
    /// Algorithms, key sizes and protocol options the standards deprecated
    /// or that are broken.
    DeprecatedAlgorithm,
    /// Public keys a quantum computer breaks (RSA, DSA, DH, elliptic
    /// curves), with the migration deadline of the chosen baseline.
    QuantumVulnerable,
    /// Post-quantum material, and whether it verified.
    PostQuantum,
    /// Crypto libraries (and versions) found in binaries.
    CryptoLibrary,
    /// TLS clients seen in captures and the key-exchange groups they offered.
    TlsClient,
    /// OpenSSH certificates whose CA signature does not verify, or whose
    /// validity window or principals make them unsafe (fx-inspect's
    /// warnings; docs/fx-inspect.md).
    OpensshCertificate,
    /// Public keys the weak-key audit found broken or weak (fx-weakkeys:
    /// shared primes, Fermat, ROCA, small factors, exponents, invalid points).
    WeakKey,
    /// Bundles inspected as bundles (fx-inspect's `bundle` step): chain
    /// links whose signature does not verify, keys that match no
    /// certificate of their bundle.
    Bundle,
}

impl FindingKind {
    /// Every kind, in table order.
    pub const ALL: [FindingKind; 9] = [
        FindingKind::WeakHashKdf,
        FindingKind::DeprecatedAlgorithm,
        FindingKind::QuantumVulnerable,
        FindingKind::PostQuantum,
        FindingKind::CryptoLibrary,
        FindingKind::TlsClient,
        FindingKind::OpensshCertificate,
        FindingKind::WeakKey,
        FindingKind::Bundle,
    ];

    /// The wire name (`weak_hash_kdf`, …), also the SARIF `ruleId`.
    pub fn as_str(self) -> &'static str {
        match self {
            FindingKind::WeakHashKdf => "weak_hash_kdf",
            FindingKind::DeprecatedAlgorithm => "deprecated_algorithm",
            FindingKind::QuantumVulnerable => "quantum_vulnerable",
            FindingKind::PostQuantum => "post_quantum",
            FindingKind::CryptoLibrary => "crypto_library",
            FindingKind::TlsClient => "tls_client",
            FindingKind::OpensshCertificate => "openssh_certificate",
            FindingKind::WeakKey => "weak_key",
            FindingKind::Bundle => "bundle",
        }
    }

    /// A one-line description of the kind (SARIF `shortDescription`).
    pub fn description(self) -> &'static str {
        match self {
            FindingKind::WeakHashKdf => {
                "Password hashes or KDF parameters below the hash audit's baseline"
            }
            FindingKind::DeprecatedAlgorithm => {
                "Deprecated or broken algorithms, key sizes and protocol options"
            }
            FindingKind::QuantumVulnerable => {
                "Quantum-vulnerable public keys, with the baseline's migration deadline"
            }
            FindingKind::PostQuantum => "Post-quantum material, and whether it verified",
            FindingKind::CryptoLibrary => "Crypto libraries and versions found in binaries",
            FindingKind::TlsClient => {
                "TLS clients and the key-exchange groups they offered (post-quantum and hybrid marked)"
            }
            FindingKind::OpensshCertificate => {
                "OpenSSH certificates whose CA signature does not verify, or whose validity or principals are unsafe"
            }
            FindingKind::WeakKey => {
                "Public keys the weak-key audit found broken or weak (shared primes, Fermat, ROCA, exponents, invalid points)"
            }
            FindingKind::Bundle => {
                "Bundles whose certificate chain does not verify, or whose key matches none of its certificates"
            }
        }
    }
}

impl std::fmt::Display for FindingKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One rule: when it applies, the severity it gives, and its source.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Rule {
    /// Rule id (`kind.name`), recorded on every finding it raised.
    pub id: &'static str,
    /// The kind of finding it raises.
    pub kind: FindingKind,
    /// The severity of those findings.
    pub severity: Severity,
    /// When it applies.
    pub when: &'static str,
    /// Why that severity: the standard or result behind it.
    pub source: &'static str,
}

const fn r(
    id: &'static str,
    kind: FindingKind,
    severity: Severity,
    when: &'static str,
    source: &'static str,
) -> Rule {
    Rule {
        id,
        kind,
        severity,
        when,
        source,
    }
}

use FindingKind::{
    Bundle as Bdl, CryptoLibrary as Lib, DeprecatedAlgorithm as Dep, OpensshCertificate as Ssh,
    PostQuantum as Pq, QuantumVulnerable as Qv, TlsClient as Tls, WeakHashKdf as Kdf,
    WeakKey as Wk,
};
use Severity::{Critical, High, Info, Low, Medium};

/// Every rule, grouped by kind. The hash rules are keyed by the audit's
/// weakness ids (`fx_core::vocab::HASH_WEAKNESSES`, docs/hash-audit.md).
pub const RULES: &[Rule] = &[
    r(
        "weak_hash_kdf.unsalted_fast_hash",
        Kdf,
        Critical,
        "one unsalted pass of a fast hash (MD5, SHA-1, SHA-2, NTLM, MySQL 4.1, …)",
        "hash audit, under any baseline: precomputed tables and GPUs recover such passwords at scale",
    ),
    r(
        "weak_hash_kdf.lm_hash_present",
        Kdf,
        Critical,
        "a pwdump line carries an LM half",
        "hash audit: LM upper-cases and splits the password in 7-character halves",
    ),
    r(
        "weak_hash_kdf.password_truncated",
        Kdf,
        High,
        "the scheme hashes only the first characters (DES crypt, crypt16, LM)",
        "hash audit, under any baseline",
    ),
    r(
        "weak_hash_kdf.obsolete_scheme",
        Kdf,
        High,
        "an obsolete scheme (md5-crypt/apr1, DES/BSDi crypt, Sun MD5, MySQL323, Oracle 7–10, Cisco type 7, …)",
        "hash audit, under any baseline",
    ),
    r(
        "weak_hash_kdf.fast_hash",
        Kdf,
        High,
        "one salted pass of a fast hash (SSHA, hex:salt, MSSQL)",
        "hash audit, under any baseline",
    ),
    r(
        "weak_hash_kdf.weak_prf",
        Kdf,
        High,
        "PBKDF2 with HMAC-MD5",
        "hash audit, under any baseline",
    ),
    r(
        "weak_hash_kdf.buggy_implementation_marker",
        Kdf,
        High,
        "bcrypt `$2x$` (CVE-2011-2483)",
        "hash audit, under any baseline",
    ),
    r(
        "weak_hash_kdf.iterations_below_minimum",
        Kdf,
        High,
        "PBKDF2 under 1,000 iterations",
        "NIST SP 800-132 §5.2",
    ),
    r(
        "weak_hash_kdf.salt_too_short",
        Kdf,
        High,
        "salt under 32 bits",
        "NIST SP 800-63B §5.1.1.2",
    ),
    r(
        "weak_hash_kdf.cost_below_baseline",
        Kdf,
        Medium,
        "bcrypt cost under the baseline's minimum",
        "policy.probe.hash_baseline (OWASP: cost ≥ 10)",
    ),
    r(
        "weak_hash_kdf.memory_below_baseline",
        Kdf,
        Medium,
        "Argon2id, scrypt or yescrypt memory under the baseline's minimum",
        "policy.probe.hash_baseline (OWASP: Argon2id m ≥ 19 MiB, scrypt N ≥ 2^17)",
    ),
    r(
        "weak_hash_kdf.iterations_below_baseline",
        Kdf,
        Medium,
        "PBKDF2 iterations under the baseline's minimum for its PRF",
        "policy.probe.hash_baseline (OWASP: 600,000 for HMAC-SHA256)",
    ),
    r(
        "weak_hash_kdf.scheme_not_recommended",
        Kdf,
        Medium,
        "an iterated fast hash outside the baseline's list (sha-crypt, phpass, FSHP)",
        "policy.probe.hash_baseline",
    ),
    r(
        "weak_hash_kdf.argon2_variant_not_id",
        Kdf,
        Low,
        "Argon2i or Argon2d where the baseline recommends Argon2id",
        "policy.probe.hash_baseline (OWASP)",
    ),
    r(
        "weak_hash_kdf.salt_below_recommended",
        Kdf,
        Low,
        "salt under the recommended 128 bits",
        "NIST SP 800-132 §5.1",
    ),
    r(
        "deprecated_algorithm.md5_signature",
        Dep,
        Critical,
        "a certificate, request, CRL or CMS signer signed with MD2 or MD5",
        "chosen-prefix collisions (RFC 6151); disallowed by NIST SP 800-131A",
    ),
    r(
        "deprecated_algorithm.sha1_signature",
        Dep,
        High,
        "signed with SHA-1",
        "SHA-1 collisions (SHAttered, 2017); disallowed for signature generation by NIST SP 800-131A Rev. 2",
    ),
    r(
        "deprecated_algorithm.modulus_under_1024",
        Dep,
        Critical,
        "an RSA, DSA or DH key under 1024 bits",
        "RSA-768 factored publicly (2009); NIST SP 800-131A",
    ),
    r(
        "deprecated_algorithm.modulus_under_2048",
        Dep,
        High,
        "an RSA, DSA or DH key of 1024 to 2047 bits (under 112-bit strength)",
        "disallowed since 2014 by NIST SP 800-131A",
    ),
    r(
        "deprecated_algorithm.dsa_key",
        Dep,
        Medium,
        "a DSA key of 2048 bits or more (or of unknown size)",
        "FIPS 186-5 (2023) no longer approves DSA for signature generation",
    ),
    r(
        "deprecated_algorithm.small_curve",
        Dep,
        High,
        "an elliptic curve of under 224 bits (P-192, secp160, sect163, …)",
        "under 112-bit strength: disallowed by NIST SP 800-131A",
    ),
    r(
        "deprecated_algorithm.weak_pbe",
        Dep,
        Medium,
        "a private key or PKCS#12 safe encrypted with DES, 3DES, RC2 or RC4",
        "NIST SP 800-131A Rev. 2 (TDEA encryption disallowed after 2023); RC2/RC4/DES broken",
    ),
    r(
        "deprecated_algorithm.tls_legacy_version",
        Dep,
        Medium,
        "a TLS client offered SSL 3.0, TLS 1.0 or TLS 1.1, or a DTLS client DTLS 1.0",
        "RFC 8996 deprecates TLS 1.0 and 1.1 and DTLS 1.0; RFC 7568 SSL 3.0",
    ),
    r(
        "deprecated_algorithm.tls_weak_suite",
        Dep,
        High,
        "a TLS client offered RC4, 3DES, DES, NULL, EXPORT or anonymous cipher suites",
        "RFC 7465 (RC4), SWEET32 (3DES), RFC 8996",
    ),
    r(
        "quantum_vulnerable.deprecated_first",
        Qv,
        Medium,
        "a quantum-vulnerable public key the baseline deprecates before it disallows it (NIST IR 8547: 112-bit strength, e.g. RSA-2048, P-224; CNSA 2.0: every quantum-vulnerable key)",
        "policy.report.quantum_baseline",
    ),
    r(
        "quantum_vulnerable.disallowed_later",
        Qv,
        Low,
        "a quantum-vulnerable public key the baseline only disallows, later (NIST IR 8547: 128-bit strength or more, e.g. RSA-3072, P-256, Ed25519: after 2035)",
        "policy.report.quantum_baseline",
    ),
    r(
        "post_quantum.verification_failed",
        Pq,
        High,
        "post-quantum material whose signature verification or decapsulation was tried and failed",
        "fx-probe verify/decapsulate",
    ),
    r(
        "post_quantum.structure_invalid",
        Pq,
        Low,
        "a concluded post-quantum object whose structure check failed",
        "fx-probe pqc structure checks",
    ),
    r(
        "post_quantum.verified",
        Pq,
        Info,
        "post-quantum material that verified or decapsulated",
        "fx-probe verify/decapsulate",
    ),
    r(
        "post_quantum.present",
        Pq,
        Info,
        "post-quantum material, parsed or identified, not verified",
        "fx-inspect / fx-probe conclusions",
    ),
    r(
        "crypto_library.end_of_life",
        Lib,
        Medium,
        "a crypto library whose version is past its upstream end of life (OpenSSL before 3.0)",
        "OpenSSL release strategy: 1.1.1 reached end of life on 2023-09-11",
    ),
    r(
        "crypto_library.present",
        Lib,
        Info,
        "a crypto library found in a binary (linked, imported or compiled in)",
        "fx-fingerprint libraries",
    ),
    r(
        "tls_client.classical_only",
        Tls,
        Medium,
        "a TLS client offered only classical key-exchange groups (its traffic can be recorded now and decrypted later)",
        "harvest-now-decrypt-later; NIST IR 8547 Table 4",
    ),
    r(
        "tls_client.post_quantum_offered",
        Tls,
        Info,
        "a TLS client offered a post-quantum or hybrid group",
        "fx-fingerprint TLS groups",
    ),
    r(
        "openssh_certificate.signature_invalid",
        Ssh,
        High,
        "an OpenSSH certificate whose CA signature does not verify over it",
        "OpenSSH PROTOCOL.certkeys: sshd and ssh reject it; it was altered, or signed by another key than the one it names",
    ),
    r(
        "openssh_certificate.validity_inverted",
        Ssh,
        Medium,
        "an OpenSSH certificate whose valid_before is not after its valid_after",
        "OpenSSH PROTOCOL.certkeys: no instant is inside the window, so it is never valid",
    ),
    r(
        "openssh_certificate.any_host",
        Ssh,
        Medium,
        "an OpenSSH host certificate without principals",
        "OpenSSH PROTOCOL.certkeys: an empty principals list makes a certificate valid for any host name",
    ),
    // The weak-key audit (fx-weakkeys, docs/weakkeys.md): one rule per id
    // of DESIGN §9 `key_weaknesses`. A key whose private half anyone can
    // compute is broken now: critical.
    r(
        "weak_key.shared_prime",
        Wk,
        Critical,
        "an RSA modulus shares a prime with another modulus of the run (batch GCD)",
        "Heninger et al., Mining your Ps and Qs (USENIX Security 2012): the gcd of the two moduli is the prime, so both keys are factored",
    ),
    r(
        "weak_key.fermat",
        Wk,
        Critical,
        "an RSA modulus whose primes are close enough for Fermat's method (100 steps)",
        "Böck, Fermat Factorization in the Wild (2022; CVE-2022-26320): the modulus is factored at once",
    ),
    r(
        "weak_key.small_factor",
        Wk,
        Critical,
        "an RSA modulus with a prime factor of at most 65537",
        "trial division factors the modulus",
    ),
    r(
        "weak_key.roca",
        Wk,
        Critical,
        "an RSA modulus with the structure of the Infineon RSALib generator (ROCA)",
        "Nemec et al., The Return of Coppersmith's Attack (CCS 2017; CVE-2017-15361): the private key is recovered from the public one",
    ),
    r(
        "weak_key.small_private_exponent",
        Wk,
        Critical,
        "Wiener's continued-fraction attack finds the RSA private exponent",
        "Wiener, Cryptanalysis of Short RSA Secret Exponents (1990): d < N^(1/4)/3 follows from (N, e)",
    ),
    r(
        "weak_key.blocklisted",
        Wk,
        Critical,
        "the key is on the blocklist the audit was given",
        "a known-compromised key (badkeys' lists: Debian OpenSSL 2008, keys published in firmware and documentation): its private key is public",
    ),
    r(
        "weak_key.small_subgroup",
        Wk,
        Critical,
        "an X25519 public key of order 1, 2, 4 or 8",
        "RFC 7748 §6.1: the shared secret with it takes one of a handful of values an attacker knows",
    ),
    r(
        "weak_key.invalid_point",
        Wk,
        High,
        "an EC public key not on its curve, at infinity or badly encoded",
        "SEC 1 v2 §3.2.2 public key validation; invalid-curve attacks recover the private key of a peer that uses it (Jager, Schwenk, Somorovsky, ESORICS 2015)",
    ),
    r(
        "weak_key.small_exponent",
        Wk,
        High,
        "an RSA public exponent below 65537 (e = 1, 3, 17, an even e)",
        "FIPS 186-5 §A.1.1 requires 65537 ≤ e < 2^256; with e = 3, Håstad's and Coppersmith's attacks break weak padding",
    ),
    r(
        "weak_key.too_small",
        Wk,
        High,
        "an RSA modulus under 2048 bits that no `deprecated_algorithm.modulus_*` finding of the same artifact ranks (a key the audit read and fx-inspect did not; otherwise that finding is the one)",
        "under 112-bit strength: disallowed by NIST SP 800-131A Rev. 2",
    ),
    r(
        "weak_key.unusual_exponent",
        Wk,
        Low,
        "an RSA public exponent above 65537",
        "FIPS 186-5 §A.1.1 (e < 2^256); badkeys `exponent_not_65537`: some implementations refuse such keys",
    ),
    r(
        "bundle.chain_signature_invalid",
        Bdl,
        High,
        "a certificate of a bundle whose issuer, in the same bundle, does not verify its signature",
        "fx-inspect bundle chain (RFC 5280 §6.1.3): every verifier rejects the chain; the certificate was altered, or signed by another key than its named issuer's",
    ),
    r(
        "bundle.key_certificate_mismatch",
        Bdl,
        Medium,
        "a key of a bundle that also holds certificates whose public key is none of theirs (a mismatched key and certificate pair)",
        "fx-inspect bundle key match: a server or client configured with this pair fails its handshake (OpenSSL: key values mismatch)",
    ),
];

/// The rule with this id. Every id the detectors use is in [`RULES`] (a
/// test checks), so an unknown id is a bug.
pub fn rule(id: &str) -> &'static Rule {
    RULES
        .iter()
        .find(|r| r.id == id)
        .unwrap_or(&RULES[RULES.len() - 1])
}

/// The rule table as a Markdown table (docs/fx-report.md carries it).
pub fn markdown_table() -> String {
    let mut out =
        String::from("| rule | kind | severity | when | source |\n|---|---|---|---|---|\n");
    for r in RULES {
        out.push_str(&format!(
            "| `{}` | `{}` | {} | {} | {} |\n",
            r.id, r.kind, r.severity, r.when, r.source
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_hash_weakness_has_a_rule_and_ids_are_unique() {
        for w in fx_core::vocab::HASH_WEAKNESSES {
            let id = format!("weak_hash_kdf.{w}");
            assert!(RULES.iter().any(|r| r.id == id), "no rule for {id}");
        }
        for w in fx_core::vocab::KeyWeakness::ALL {
            let id = format!("weak_key.{w}");
            assert!(RULES.iter().any(|r| r.id == id), "no rule for {id}");
        }
        let mut ids: Vec<_> = RULES.iter().map(|r| r.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), RULES.len());
        for r in RULES {
            assert!(r.id.starts_with(&format!("{}.", r.kind)), "{}", r.id);
        }
        for k in FindingKind::ALL {
            assert!(RULES.iter().any(|r| r.kind == k), "{k} has no rule");
        }
    }

    /// docs/fx-report.md carries the rule table between two markers,
    /// exactly as [`markdown_table`] writes it.
    #[test]
    fn the_manual_carries_this_table() {
        let page = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/fx-report.md"),
        )
        .unwrap_or_default();
        let begin = "<!-- rules:begin -->\n";
        let inside = page
            .split_once(begin)
            .and_then(|(_, rest)| rest.split_once("<!-- rules:end -->"))
            .map(|(t, _)| t);
        assert_eq!(
            inside,
            Some(markdown_table().as_str()),
            "docs/fx-report.md is out of step with the rule table; paste between the markers:\n{}",
            markdown_table()
        );
    }
}
