//! The detectors: from one job's typed facts ([`fx_facts::JobFacts`]) to
//! hits of the rule table. One function per kind of evidence; every hit
//! names the event it came from.

use fx_core::job::Job;
use fx_facts::JobFacts;
use fx_facts::bundle::{BundleData, KeyMatchOutcome, LinkOutcome};
use fx_facts::common::{KeyAlgorithm, PbeScheme};
use fx_facts::hash::{HashAuditData, HashConclusion, HashLine};
use fx_facts::key::{KeyFact, KeyProtection, OpensshCertificate};
use fx_facts::reader::{Fact, PqcFact, Provenance};
use fx_facts::tls::{NamedGroup, TlsClient};

use super::group::Hit;
use super::quantum::{self, AlgorithmClass, Deadline, QuantumBaseline};
use super::rules::{RULES, Rule};
use super::tls_suites::{WeakSuite, weak_suite};

/// What the detectors judge against.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Context {
    /// The policy's quantum baseline.
    pub quantum: &'static QuantumBaseline,
}

/// Every hit of one job.
pub(crate) fn job_hits(ctx: &Context, job: &Job) -> Vec<Hit> {
    let facts = JobFacts::from_events(&job.events);
    let mut out = Hits::default();
    for c in &facts.certificates {
        let f = &c.fact;
        let mut at = format!("certificate {}", f.subject);
        if let Some(b) = f.block {
            at.push_str(&format!(" (PEM block {b})"));
        }
        if let Some(w) = &f.within {
            at.push_str(&format!(" (in {w})"));
        }
        let sig = f.signature_algorithm.name.as_deref();
        signature(
            &mut out,
            &c.source,
            sig.unwrap_or(&f.signature_algorithm.oid),
            None,
            &at,
        );
        key(ctx, &mut out, &c.source, &f.public_key, &at);
        for alt in &f.alt_algorithms {
            if matches!(
                quantum::classify(&alt.name, None, None),
                AlgorithmClass::PostQuantum | AlgorithmClass::Hybrid
            ) {
                post_quantum_parsed(&mut out, &c.source, &alt.name, "alternative algorithm", &at);
            }
        }
    }
    for c in &facts.csrs {
        let f = &c.fact;
        let at = format!("certification request {}", f.subject);
        let sig = f.signature_algorithm.name.as_deref();
        signature(
            &mut out,
            &c.source,
            sig.unwrap_or(&f.signature_algorithm.oid),
            None,
            &at,
        );
        key(ctx, &mut out, &c.source, &f.public_key, &at);
    }
    for c in &facts.crls {
        let f = &c.fact;
        let at = format!("revocation list of {}", f.issuer);
        let sig = f.signature_algorithm.name.as_deref();
        signature(
            &mut out,
            &c.source,
            sig.unwrap_or(&f.signature_algorithm.oid),
            None,
            &at,
        );
    }
    for c in &facts.cms {
        for (i, s) in c.fact.signers.iter().enumerate() {
            let at = format!("{} signer {i}", c.fact.container.as_str());
            signature(
                &mut out,
                &c.source,
                &s.signature_algorithm,
                Some(&s.digest_algorithm),
                &at,
            );
        }
    }
    for p in &facts.pkcs12 {
        for (i, safe) in p.fact.safes.iter().enumerate() {
            let at = format!("PKCS#12 safe {i}");
            if let Some(e) = &safe.encryption {
                weak_pbe(&mut out, &p.source, &pbe_name(e), &at);
            }
            for k in &safe.shrouded_keys {
                weak_pbe(
                    &mut out,
                    &p.source,
                    &pbe_name(k),
                    &format!("{at}, shrouded key"),
                );
            }
        }
    }
    for k in &facts.keys {
        key_fact(ctx, &mut out, k);
    }
    for c in &facts.openssh_certificates {
        openssh_certificate(ctx, &mut out, &c.source, &c.fact);
    }
    for b in &facts.bundles {
        bundle(&mut out, &b.source, &b.fact);
    }
    for h in &facts.hash_audits {
        if let Some(c) = &h.fact.conclusion {
            hash_audit(&mut out, &h.source, c, h.fact.data.as_ref());
        }
    }
    let concluded = facts.summary.algorithm.as_deref();
    for p in &facts.pqc {
        post_quantum_probe(&mut out, p, concluded);
    }
    for l in &facts.libraries {
        library(&mut out, &l.source, &l.fact);
    }
    for t in &facts.tls_clients {
        tls_client(&mut out, &t.source, &t.fact);
    }
    super::weak_key::hits(&mut out, &facts);
    let mut hits = out.0;
    for h in &mut hits {
        h.agreed = cross_check(&facts, job, h.event_index);
    }
    hits
}

/// The verdict of the cross-checks of the module that wrote event `index`
/// (fx-inspect against openssl, fx-fingerprint against tshark): agreed when
/// every one agreed, not when one did not, `None` when none ran.
fn cross_check(facts: &JobFacts, job: &Job, index: usize) -> Option<bool> {
    let module = job.events.get(index)?.module.as_str();
    let verdicts: Vec<bool> = match module {
        "inspect" => facts
            .openssl_crosschecks
            .iter()
            .map(|c| c.fact.agree)
            .collect(),
        "fingerprint" => facts
            .tshark_crosschecks
            .iter()
            .map(|c| c.fact.agree)
            .collect(),
        _ => Vec::new(),
    };
    (!verdicts.is_empty()).then(|| verdicts.iter().all(|v| *v))
}

#[derive(Default)]
pub(crate) struct Hits(Vec<Hit>, RankedModuli);

/// The RSA modulus sizes (bits) that a `deprecated_algorithm.modulus_*` hit
/// of the job already ranks: the weak-key audit's `too_small` on a key of
/// that size is the same fact about the same key, so it is not raised again
/// (one key's small modulus is one finding).
#[derive(Default)]
pub(crate) struct RankedModuli(Vec<u64>);

impl RankedModuli {
    /// True when an RSA modulus of `bits` already has its size finding.
    pub(crate) fn ranks(&self, bits: u64) -> bool {
        self.0.contains(&bits)
    }
}

impl Hits {
    /// The RSA modulus sizes this job's `deprecated_algorithm.modulus_*` hits rank.
    pub(crate) fn ranked_moduli(&self) -> &RankedModuli {
        &self.1
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn push(
        &mut self,
        rule: &str,
        src: &Provenance,
        subject: String,
        title: String,
        detail: Option<String>,
        location: &str,
        lines: Vec<u64>,
        deadline: Option<Deadline>,
    ) {
        let Some(rule) = rule_by_id(rule) else {
            debug_assert!(false, "no rule {rule}");
            return;
        };
        self.0.push(Hit {
            rule,
            subject,
            title,
            detail: detail.unwrap_or_else(|| format!("{} ({}).", rule.when, rule.source)),
            deadline,
            event_index: src.event_index as usize,
            location: (!location.is_empty()).then(|| location.to_owned()),
            lines,
            agreed: None,
        });
    }
}

fn rule_by_id(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}

/// A signature algorithm (with the digest a CMS signer names apart):
/// MD2/MD5 and SHA-1 are deprecated.
fn signature(out: &mut Hits, src: &Provenance, alg: &str, digest: Option<&str>, at: &str) {
    if matches!(
        quantum::classify(alg, None, None),
        AlgorithmClass::PostQuantum | AlgorithmClass::Hybrid
    ) {
        post_quantum_parsed(out, src, alg, "signature", at);
        return;
    }
    let both = format!("{alg} {}", digest.unwrap_or("")).to_ascii_lowercase();
    let (rule, hash) = if both.contains("md5") || both.contains("md2") {
        ("deprecated_algorithm.md5_signature", "MD5/MD2")
    } else if both.contains("sha1") || both.contains("sha-1") {
        ("deprecated_algorithm.sha1_signature", "SHA-1")
    } else {
        return;
    };
    let name = match digest {
        Some(d) if !alg.to_ascii_lowercase().contains(&d.to_ascii_lowercase()) => {
            format!("{alg} with {d}")
        }
        _ => alg.to_owned(),
    };
    out.push(
        rule,
        src,
        format!("signature {name}"),
        format!("Signed with {name} ({hash})"),
        None,
        at,
        Vec::new(),
        None,
    );
}

/// `RSA-2048`, `EC P-256`, `Ed25519`, `DSA (size unknown)`.
fn key_label(alg: &str, bits: Option<u64>, curve: Option<&str>) -> String {
    match (bits, curve) {
        (_, Some(c)) => format!("{alg} {c}"),
        (Some(b), None) if matches!(alg, "RSA" | "RSA-PSS" | "DSA" | "DH") => format!("{alg}-{b}"),
        (None, None) if matches!(alg, "RSA" | "RSA-PSS" | "DSA" | "DH" | "EC") => {
            format!("{alg} (size unknown)")
        }
        _ => alg.to_owned(),
    }
}

fn deadline_text(d: &Deadline) -> String {
    match d.deprecated_after {
        Some(dep) => format!(
            "deprecated after {dep}, disallowed after {} ({})",
            d.disallowed_after, d.baseline
        ),
        None => format!("disallowed after {} ({})", d.disallowed_after, d.baseline),
    }
}

/// A public or private key's algorithm: deprecated sizes, quantum
/// vulnerability with its deadline, or post-quantum material.
fn key(ctx: &Context, out: &mut Hits, src: &Provenance, k: &KeyAlgorithm, at: &str) {
    let Some(alg) = k.algorithm.as_deref() else {
        return;
    };
    let curve = k.curve.as_deref();
    match quantum::classify(alg, k.key_bits, curve) {
        AlgorithmClass::QuantumVulnerable(strength) => {
            let label = key_label(alg, k.key_bits, curve);
            let modulus = matches!(alg, "RSA" | "RSA-PSS" | "DSA" | "DH" | "X9.42-DH");
            let deprecated = match k.key_bits {
                Some(b) if modulus && b < 1024 => Some((
                    "deprecated_algorithm.modulus_under_1024",
                    format!("{label} keys (under 1024 bits)"),
                )),
                Some(b) if modulus && b < 2048 => Some((
                    "deprecated_algorithm.modulus_under_2048",
                    format!("{label} keys (under 2048 bits)"),
                )),
                _ if alg == "DSA" => Some((
                    "deprecated_algorithm.dsa_key",
                    format!("{label} keys (DSA is no longer approved for signing)"),
                )),
                _ if strength.is_some_and(|s| s < 112) && curve.is_some() => Some((
                    "deprecated_algorithm.small_curve",
                    format!("{label} keys (curve under 224 bits)"),
                )),
                _ => None,
            };
            if let Some((rule, title)) = deprecated {
                if let Some(b) = k.key_bits
                    && matches!(alg, "RSA" | "RSA-PSS")
                    && rule.starts_with("deprecated_algorithm.modulus_")
                {
                    out.1.0.push(b);
                }
                out.push(rule, src, label.clone(), title, None, at, Vec::new(), None);
            }
            // An unknown size is judged as the weakest modern one (112 bits):
            // the earliest deadline, never a later one than the evidence allows.
            let d = ctx.quantum.deadline(strength.unwrap_or(112));
            let rule = if d.deprecated_after.is_some() {
                "quantum_vulnerable.deprecated_first"
            } else {
                "quantum_vulnerable.disallowed_later"
            };
            let strength_text = strength
                .map(|s| format!("{s}-bit classical strength"))
                .unwrap_or_else(|| "classical strength unknown".into());
            let detail = format!(
                "{label} ({strength_text}) is broken by a cryptographically relevant quantum computer (Shor's algorithm). {}: {}.",
                ctx.quantum.title, ctx.quantum.rule
            );
            out.push(
                rule,
                src,
                label.clone(),
                format!("{label} keys are quantum-vulnerable: {}", deadline_text(&d)),
                Some(detail),
                at,
                Vec::new(),
                Some(d),
            );
        }
        AlgorithmClass::PostQuantum | AlgorithmClass::Hybrid => {
            post_quantum_parsed(out, src, alg, "key", at);
        }
        AlgorithmClass::Other => {}
    }
}

/// Post-quantum material read from a parsed structure (an OID inside a
/// certificate or key container).
fn post_quantum_parsed(out: &mut Hits, src: &Provenance, alg: &str, what: &str, at: &str) {
    let hybrid = quantum::classify(alg, None, None) == AlgorithmClass::Hybrid;
    let class = if hybrid {
        "composite/hybrid post-quantum"
    } else {
        "post-quantum"
    };
    out.push(
        "post_quantum.present",
        src,
        format!("{alg} {what}, parsed"),
        format!("{alg} {what} ({class}), read from its algorithm identifier"),
        None,
        at,
        Vec::new(),
        None,
    );
}

fn key_fact(ctx: &Context, out: &mut Hits, k: &Fact<KeyFact>) {
    let f = &k.fact;
    let at = f.container.as_str().to_owned();
    if let Some(alg) = &f.key {
        key(ctx, out, &k.source, alg, &at);
    }
    if let Some(p) = &f.encrypted {
        weak_pbe(
            out,
            &k.source,
            &protection_name(p),
            &format!("{at}, encrypted"),
        );
    }
}

fn pbe_name(p: &PbeScheme) -> String {
    match &p.cipher {
        Some(c) if *c != p.scheme => format!("{} {c}", p.scheme),
        _ => p.scheme.clone(),
    }
}

fn protection_name(p: &KeyProtection) -> String {
    match &p.cipher {
        Some(c) if *c != p.scheme => format!("{} {c}", p.scheme),
        _ => p.scheme.clone(),
    }
}

/// Key or PKCS#12 encryption with DES, 3DES, RC2 or RC4.
fn weak_pbe(out: &mut Hits, src: &Provenance, name: &str, at: &str) {
    let n = name.to_ascii_lowercase();
    if !(n.contains("des") || n.contains("rc2") || n.contains("rc4")) {
        return;
    }
    out.push(
        "deprecated_algorithm.weak_pbe",
        src,
        format!("encryption {name}"),
        format!("Private keys or safes encrypted with {name}"),
        None,
        at,
        Vec::new(),
        None,
    );
}

/// One finding per (scheme, weakness) of an audit, naming its lines.
fn hash_audit(out: &mut Hits, src: &Provenance, c: &HashConclusion, data: Option<&HashAuditData>) {
    let single;
    let lines: &[HashLine] = match &c.lines {
        Some(lines) => lines,
        None => {
            let first = data
                .and_then(|d| d.findings.first())
                .map_or(1, |f| f.first_line);
            single = [HashLine {
                line: first,
                scheme: c.scheme.clone(),
                hashcat_mode: c.hashcat_mode,
                john_format: c.john_format.clone(),
                alternatives: Vec::new(),
                context: c.context.clone(),
                params: c.params.clone(),
                weaknesses: c.weaknesses.clone(),
                locked: false,
            }];
            &single
        }
    };
    // (scheme, weakness) -> (first line, its params, every line)
    let mut by: std::collections::BTreeMap<(String, String), (u64, String, Vec<u64>)> =
        std::collections::BTreeMap::new();
    for l in lines {
        let scheme = l.scheme.clone().unwrap_or_else(|| "unidentified".into());
        for w in &l.weaknesses {
            let e = by
                .entry((scheme.clone(), w.clone()))
                .or_insert_with(|| (l.line, l.params.to_string(), Vec::new()));
            e.2.push(l.line);
        }
    }
    for ((scheme, w), (first, params, lines)) in by {
        let rule_id = format!("weak_hash_kdf.{w}");
        let Some(rule) = rule_by_id(&rule_id) else {
            continue;
        };
        let explained = data
            .and_then(|d| {
                d.findings
                    .iter()
                    .find(|f| f.id == w && f.first_line == first)
            })
            .map(|f| format!(": {}", f.detail))
            .unwrap_or_default();
        let more = if lines.len() > 1 {
            format!(" (and {} more lines)", lines.len() - 1)
        } else {
            String::new()
        };
        let at = format!("line {first}: {scheme} {params}{explained}{more}");
        out.push(
            &rule_id,
            src,
            format!("{scheme}: {w}"),
            format!("{scheme} password hashes: {}", w.replace('_', " ")),
            Some(format!(
                "{} ({}); hash audit baseline {}.",
                rule.when, rule.source, c.baseline
            )),
            at.trim_end(),
            lines,
            None,
        );
    }
}

/// Post-quantum material a probe concluded (the job's summary names the
/// same algorithm), with what its checks said.
fn post_quantum_probe(out: &mut Hits, p: &Fact<PqcFact>, concluded: Option<&str>) {
    let f = &p.fact;
    let Some(alg) = f.algorithm.as_deref() else {
        return;
    };
    if concluded != Some(alg)
        || !matches!(
            quantum::classify(alg, None, None),
            AlgorithmClass::PostQuantum | AlgorithmClass::Hybrid
        )
    {
        return;
    }
    let object = f
        .pqc
        .candidates
        .iter()
        .find(|c| c.algorithm == alg)
        .map(|c| c.object.replace('_', " "))
        .unwrap_or_else(|| "object".into());
    let (rule, status) = if f.pqc.verified == Some(false) {
        ("post_quantum.verification_failed", "verification failed")
    } else if f.pqc.decapsulated == Some(false) {
        ("post_quantum.verification_failed", "decapsulation failed")
    } else if f.pqc.verified == Some(true) {
        ("post_quantum.verified", "verified")
    } else if f.pqc.decapsulated == Some(true) {
        ("post_quantum.verified", "decapsulated")
    } else if f.pqc.valid_structure == Some(false) {
        ("post_quantum.structure_invalid", "structure invalid")
    } else if f.pqc.valid_structure == Some(true) {
        ("post_quantum.present", "structure valid, not verified")
    } else {
        ("post_quantum.present", "not checked")
    };
    let basis = f.basis.as_str();
    let at = match f.confidence {
        Some(c) => format!("{basis} evidence, confidence {c}‰"),
        None => format!("{basis} evidence"),
    };
    out.push(
        rule,
        &p.source,
        format!("{alg} {object}, {status}"),
        format!("{alg} {object} ({status})"),
        None,
        &at,
        Vec::new(),
        None,
    );
}

/// The leading number of a version string (`1.1.1w` → 1).
fn major(version: &str) -> Option<u64> {
    let digits: String = version.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

fn library(out: &mut Hits, src: &Provenance, l: &fx_facts::library::LibraryCandidate) {
    let version = l.version.as_deref();
    let subject = match version {
        Some(v) => format!("{} {v}", l.name),
        None => format!("{} (version unknown)", l.name),
    };
    let eol = l.name == "openssl" && version.and_then(major).is_some_and(|m| m < 3);
    let rule = if eol {
        "crypto_library.end_of_life"
    } else {
        "crypto_library.present"
    };
    let at = format!(
        "{} ({}), confidence {}‰",
        l.role,
        l.evidence.join(", "),
        l.confidence
    );
    out.push(
        rule,
        src,
        subject.clone(),
        format!("Crypto library {subject}"),
        None,
        &at,
        Vec::new(),
        None,
    );
}

/// `X25519MLKEM768 (hybrid post-quantum)`, `x25519`.
fn group_text(g: &NamedGroup) -> String {
    if !g.post_quantum {
        return g.name.clone();
    }
    let n = g.name.to_ascii_uppercase();
    let hybrid = ["X25519", "X448", "SECP", "P256", "P384", "CURVE"]
        .iter()
        .any(|c| n.contains(c));
    if hybrid {
        format!("{} (hybrid post-quantum)", g.name)
    } else {
        format!("{} (post-quantum)", g.name)
    }
}

/// An OpenSSH certificate: its CA key judged as other keys are (deprecated
/// sizes, quantum vulnerability), an `ssh-rsa` (SHA-1) CA signature, and
/// fx-inspect's certificate warnings (a signature that does not verify, an
/// inverted validity window, a host certificate for any host). The
/// warnings that judge the CA key again are left to [`key`], which judges
/// it from the same record.
fn openssh_certificate(ctx: &Context, out: &mut Hits, src: &Provenance, c: &OpensshCertificate) {
    let at = format!(
        "OpenSSH {} certificate {:?} (serial {}), CA {}",
        c.cert_type, c.key_id, c.serial, c.signature_key.fingerprint
    );
    key(
        ctx,
        out,
        src,
        &c.signature_key.key,
        &format!("{at}: the CA key"),
    );
    for w in &c.warnings {
        let Some((subject, title)) = openssh_warning(&w.rule, &c.signature_algorithm) else {
            continue;
        };
        out.push(
            &w.rule,
            src,
            subject,
            title,
            Some(format!("{}.", w.detail)),
            &at,
            Vec::new(),
            None,
        );
    }
}

/// The subject and title of a finding raised by an OpenSSH certificate
/// warning; `None` for the warnings on the CA key's size, which
/// [`openssh_certificate`] raises through [`key`].
fn openssh_warning(rule: &str, signature_algorithm: &str) -> Option<(String, String)> {
    Some(match rule {
        "openssh_certificate.signature_invalid" => (
            "CA signature does not verify".to_owned(),
            "OpenSSH certificates whose CA signature does not verify".to_owned(),
        ),
        "openssh_certificate.validity_inverted" => (
            "validity window inverted".to_owned(),
            "OpenSSH certificates that are never valid (valid_before not after valid_after)"
                .to_owned(),
        ),
        "openssh_certificate.any_host" => (
            "host certificate for any host".to_owned(),
            "OpenSSH host certificates without principals (valid for any host name)".to_owned(),
        ),
        "deprecated_algorithm.sha1_signature" => (
            format!("signature {signature_algorithm}"),
            format!("Signed with {signature_algorithm} (SHA-1)"),
        ),
        _ => return None,
    })
}

/// A bundle's chain links that refused their signature, and keys that
/// matched none of its certificates. Only these verdicts: an unsupported
/// algorithm, an absent issuer or a budget never becomes a finding.
fn bundle(out: &mut Hits, src: &Provenance, b: &BundleData) {
    let name = |i: u64| {
        b.objects
            .iter()
            .find(|o| o.index == i)
            .map(|o| {
                let what = match (&o.subject, &o.serial) {
                    (Some(s), Some(n)) => format!("certificate {s} (serial {n})"),
                    _ => format!(
                        "{} {}",
                        o.container,
                        o.algorithm.as_deref().unwrap_or("key")
                    ),
                };
                match &o.role {
                    Some(r) => format!("{what}, member {r}"),
                    None => format!("{what}, object {i}"),
                }
            })
            .unwrap_or_else(|| format!("object {i}"))
    };
    for l in &b.links {
        if l.outcome != LinkOutcome::SignatureInvalid {
            continue;
        }
        out.push(
            "bundle.chain_signature_invalid",
            src,
            format!("{} signature does not verify", l.signature_algorithm),
            "Certificate chains whose signatures do not verify".to_owned(),
            None,
            &format!(
                "{}, by its issuer {}",
                name(l.certificate),
                l.issuer.map(name).unwrap_or_else(|| l.issuer_name.clone())
            ),
            Vec::new(),
            None,
        );
    }
    for k in &b.key_matches {
        if k.outcome != KeyMatchOutcome::NoCertificate {
            continue;
        }
        let kind = if k.private {
            "private key"
        } else {
            "public key"
        };
        out.push(
            "bundle.key_certificate_mismatch",
            src,
            format!("{kind} matches no certificate"),
            "Keys that match no certificate of their bundle".to_owned(),
            None,
            &name(k.key),
            Vec::new(),
            None,
        );
    }
}

fn tls_client(out: &mut Hits, src: &Provenance, t: &TlsClient) {
    let h = &t.hello;
    let groups: Vec<String> = h.groups.iter().map(group_text).collect();
    let groups_text = if groups.is_empty() {
        "no named groups".to_owned()
    } else {
        groups.join(", ")
    };
    let mut at = format!(
        "{} stream {}: {}:{} → {}:{}",
        t.transport, t.stream, t.src, t.src_port, t.dst, t.dst_port
    );
    if let Some(sni) = &h.sni {
        at.push_str(&format!(", SNI {}", super::display_text(sni)));
    }
    if let Some(g) = t.server.as_ref().and_then(|s| s.group.as_ref()) {
        at.push_str(&format!(", server chose {}", group_text(g)));
    }
    let rule = if h.offers_post_quantum() {
        "tls_client.post_quantum_offered"
    } else {
        "tls_client.classical_only"
    };
    out.push(
        rule,
        src,
        format!("{} offering {}", h.ja4, groups.join(",")),
        format!("TLS client {} offered {groups_text}", h.ja4),
        None,
        &at,
        Vec::new(),
        None,
    );
    for v in &h.offered_versions {
        // RFC 8996 deprecates DTLS 1.0 (based on TLS 1.1) with them;
        // DTLS 1.2 and 1.3 are current.
        if matches!(v.as_str(), "SSL 3.0" | "TLS 1.0" | "TLS 1.1" | "DTLS 1.0") {
            out.push(
                "deprecated_algorithm.tls_legacy_version",
                src,
                format!("{v} offered"),
                format!("TLS clients offered {v}"),
                None,
                &at,
                Vec::new(),
                None,
            );
        }
    }
    let mut weak: std::collections::BTreeMap<WeakSuite, Vec<&str>> = Default::default();
    for s in &h.cipher_suites {
        if let Some(w) = weak_suite(s) {
            weak.entry(w).or_default().push(s);
        }
    }
    for (w, suites) in weak {
        out.push(
            "deprecated_algorithm.tls_weak_suite",
            src,
            format!("{} cipher suites offered", w.as_str()),
            format!("TLS clients offered {} cipher suites", w.as_str()),
            None,
            &format!("{at}: {}", suites.join(", ")),
            Vec::new(),
            None,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_and_versions() {
        assert_eq!(key_label("RSA", Some(2048), None), "RSA-2048");
        assert_eq!(key_label("EC", None, Some("P-256")), "EC P-256");
        assert_eq!(key_label("Ed25519", None, None), "Ed25519");
        assert_eq!(key_label("RSA", None, None), "RSA (size unknown)");
        assert_eq!(major("1.1.1w"), Some(1));
        assert_eq!(major("3"), Some(3));
        assert_eq!(major("v3"), None);
    }

    /// The hits of a job whose one event is an `inspect/bundle` step.
    fn bundle_hits(data: serde_json::Value) -> Vec<Hit> {
        let ev: fx_core::Event = serde_json::from_value(serde_json::json!({
            "module": "inspect", "step": "bundle", "status": "ok", "data": data
        }))
        .unwrap_or_else(|e| panic!("{e}"));
        let facts = JobFacts::from_events(&[ev]);
        let mut out = Hits::default();
        for b in &facts.bundles {
            bundle(&mut out, &b.source, &b.fact);
        }
        out.0
    }

    #[test]
    fn only_refused_links_and_mismatched_keys_are_bundle_findings() {
        let link = |outcome: &str| {
            serde_json::json!({"certificate": 0, "issuer": 1, "outcome": outcome,
                "signature_algorithm": "ecdsa-with-SHA256", "issuer_name": "CN=CA",
                "tbs_algorithm_matches": true})
        };
        let objects = serde_json::json!([
            {"index": 0, "container": "x509_certificate", "subject": "CN=leaf", "serial": "07"},
            {"index": 1, "container": "x509_certificate", "subject": "CN=CA", "serial": "01"},
            {"index": 2, "container": "pkcs8_private_key", "algorithm": "EC"}
        ]);
        let hits = bundle_hits(serde_json::json!({"source": "file", "objects": objects,
            "links": [link("signature_invalid")],
            "key_matches": [{"key": 2, "private": true, "outcome": "no_certificate"}]}));
        let rules: Vec<(&str, String)> = hits
            .iter()
            .map(|h| (h.rule.id, format!("{:?}", h.rule.severity)))
            .collect();
        assert_eq!(
            rules,
            vec![
                ("bundle.chain_signature_invalid", "High".to_owned()),
                ("bundle.key_certificate_mismatch", "Medium".to_owned())
            ]
        );
        assert_eq!(
            hits[0].location.as_deref(),
            Some(
                "certificate CN=leaf (serial 07), object 0, by its issuer certificate CN=CA (serial 01), object 1"
            )
        );
        // Precision first: what fx could not check is never a finding.
        for o in [
            "verified",
            "unsupported_algorithm",
            "issuer_absent",
            "not_checked",
            "name_mismatch",
        ] {
            let hits = bundle_hits(serde_json::json!({"source": "file", "objects": objects,
                "links": [link(o)],
                "key_matches": [{"key": 2, "private": true, "outcome": "unsupported_algorithm"},
                                {"key": 2, "private": true, "outcome": "matched", "certificates": [0]}]}));
            assert!(hits.is_empty(), "{o}");
        }
    }
}
