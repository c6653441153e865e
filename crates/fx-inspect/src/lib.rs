//! # fx-inspect — wrapper triage and normalisation
//!
//! For each job, fx-inspect reads the artifact's wrappers and containers —
//! PEM (bundles, armor and base64 errors), DER/BER (bounded walk), X.509
//! certificates, CSRs and CRLs, PKCS#1, PKCS#8 (encrypted ones described,
//! never decrypted), SEC1, SPKI, OpenSSH keys, PKCS#12, PKCS#7/CMS, TLS
//! record streams, pcap/pcapng — and writes one event per step (`pem`, `der`,
//! `x509`, `pkcs8`, …) with failure shapes at their offsets, a `regions`
//! event with the candidate core regions kept under the policy cap (and what
//! the cap dropped), an optional `crosscheck` event (openssl through the tool
//! runner), and a final `triage` event whose conclusion carries the DESIGN §9
//! fields: `container`, `encoding`, `algorithm`, `oid`, `key_bits`, `curve`,
//! `regions`, `failures`.
//!
//! The library entry point is [`inspect`]: bytes in, [`report::Report`] out,
//! no I/O, no panics on hostile input, every allocation bounded by the input
//! length or the policy.

pub mod algorithm;
pub mod capture;
pub mod cms;
pub mod crosscheck;
mod derr;
pub mod jose;
pub mod keys;
pub mod names;
pub mod openssh;
pub mod pbe;
pub mod pkcs12;
pub mod regions;
pub mod report;
pub mod tls;
pub mod x509;

use fx_core::event::{ErrorInfo, Event};
use fx_core::job::Job;
use fx_core::policy::Policy;
use fx_core::routing::{self, Target};
use fx_core::run::RunDir;
use fx_core::stage::{Stage, StageCtx};
use fx_core::vocab::{Basis, Conclusion, Container, Encoding, FailureKind, Label};
use fx_formats::der::{self as derwalk, WalkLimits};
use fx_formats::pem;
use serde::Serialize;
use serde_json::json;

use crate::report::{Finding, MODULE, Region, Report, Step};
use crate::x509::Parsed;

/// Settings of one inspection, from the run policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InspectConfig {
    /// Candidate regions kept per artifact.
    pub max_regions: usize,
    /// PEM blocks parsed per file.
    pub max_pem_blocks: usize,
    /// DER walk limits.
    pub der: WalkLimits,
    /// Nested objects (certificates inside PKCS#12/CMS) inspected per artifact.
    pub max_nested: usize,
}

impl Default for InspectConfig {
    fn default() -> Self {
        InspectConfig::from_policy(&Policy::default())
    }
}

impl InspectConfig {
    /// The settings a policy asks for.
    pub fn from_policy(p: &Policy) -> InspectConfig {
        InspectConfig {
            max_regions: p.inspect.max_regions as usize,
            max_pem_blocks: p.inspect.max_pem_blocks as usize,
            der: WalkLimits {
                max_depth: p.limits.max_depth,
                max_nodes: p.inspect.max_der_nodes,
            },
            max_nested: 16,
        }
    }
}

/// The first DER object read natively, for the openssl cross-check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CrossTarget {
    /// The container read.
    pub container: Container,
    /// Its DER bytes.
    pub der: Vec<u8>,
    /// Elements the native walk counted.
    pub nodes: usize,
    /// Certificate serial (uppercase hex), for certificates.
    pub serial: Option<String>,
}

/// An inspection: the report plus what the cross-check needs.
#[derive(Clone, Debug, Default)]
pub struct Inspection {
    /// Steps, verdict, regions.
    pub report: Report,
    /// First DER object, when one was parsed.
    pub cross: Option<CrossTarget>,
}

/// One inspection in progress: the config and what was found so far.
struct Session<'c> {
    cfg: &'c InspectConfig,
    out: Inspection,
    nested: usize,
}

fn with_block(mut r: Region, block: Option<u32>) -> Region {
    r.block = block;
    r
}

impl Session<'_> {
    /// Records a parsed object as a step.
    fn object<D: Serialize>(
        &mut self,
        step: &'static str,
        p: Parsed<D>,
        block: Option<u32>,
        extra: serde_json::Value,
    ) {
        let rep = &mut self.out.report;
        rep.verdict.container(p.container);
        let primary = matches!(
            p.container,
            Container::X509Certificate
                | Container::X509Csr
                | Container::Pkcs8PrivateKey
                | Container::SpkiPublicKey
                | Container::Pkcs1PrivateKey
                | Container::Pkcs1PublicKey
                | Container::Sec1PrivateKey
                | Container::OpensshPrivateKey
                | Container::OpensshPublicKey
                | Container::OpensshCertificate
        );
        if primary && (p.key.algorithm.is_some() || !p.key.oid.is_empty()) {
            rep.verdict.primary(&p.key);
            rep.members.push(report::Member {
                index: rep.members.len(),
                container: p.container,
                algorithm: p.key.algorithm.clone(),
                oid: (!p.key.oid.is_empty()).then(|| p.key.oid.clone()),
                key_bits: p.key.key_bits,
                curve: p.key.curve.clone(),
            });
        }
        for r in p.regions {
            rep.region(with_block(r, block));
        }
        let mut data = report::to_map(&p.info);
        data.insert("container".into(), json!(p.container));
        if let Some(b) = block {
            data.insert("block".into(), json!(b));
        }
        if let serde_json::Value::Object(m) = extra {
            data.extend(m);
        }
        let mut s = Step::ok(step, data);
        s.findings = p.findings.into_iter().map(|f| f.in_block(block)).collect();
        rep.push(s);
    }

    fn failed(&mut self, step: &'static str, f: Finding, block: Option<u32>) {
        self.out
            .report
            .push(Step::ok(step, json!({})).fail(f.in_block(block)));
    }

    /// Parses a DER object whose type the PEM label (or nothing) suggests.
    fn der_object(&mut self, der: &[u8], label: Option<&str>, block: Option<u32>, in_raw: bool) {
        let walk = derwalk::walk(der, self.cfg.der);
        let ber = walk
            .findings
            .iter()
            .any(|f| f.kind == FailureKind::BerNotDer);
        if in_raw || !walk.findings.is_empty() {
            let mut data = json!({
                "nodes": walk.nodes.len(),
                "max_depth": walk.max_depth_seen,
                "indefinite": walk.indefinite,
                "node_limit_hit": walk.node_limit_hit,
            });
            if let Some(b) = block {
                data["block"] = json!(b);
            }
            if walk.node_limit_hit {
                data["caps_hit"] = json!(["budget:max_der_nodes"]);
            }
            let mut s = Step::ok("der", data);
            let fatal = walk
                .findings
                .iter()
                .find(|f| f.kind != FailureKind::BerNotDer && f.kind != FailureKind::TrailingData);
            let to_f = |f: &derwalk::DerFinding| {
                Finding::at(f.kind, f.offset, f.detail.clone()).in_block(block)
            };
            if let Some(f) = fatal {
                s = s.fail(to_f(f));
            }
            s.findings
                .extend(walk.findings.iter().filter(|x| Some(*x) != fatal).map(to_f));
            self.out.report.push(s);
        }
        if in_raw {
            self.out.report.verdict.encoding =
                Some(if ber { Encoding::Ber } else { Encoding::Der });
        }
        regions::der(der, &walk, &mut self.out.report.regions);
        if block.is_some() {
            // DER-boundary candidates of a PEM block are in its decoded bytes.
            for r in self
                .out
                .report
                .regions
                .iter_mut()
                .filter(|r| r.source == "der" && r.block.is_none())
            {
                r.block = block;
            }
        }
        let first_cross = self.out.cross.is_none();
        let before = self.out.report.steps.len();
        let parsed = self.dispatch(der, label, block);
        if parsed && first_cross && self.out.cross.is_none() {
            let container = self.out.report.verdict.container.unwrap_or(Container::Raw);
            let serial = self.out.report.steps[before..]
                .iter()
                .find(|s| s.step == "x509")
                .and_then(|s| s.data.get("serial"))
                .and_then(|v| v.as_str())
                .map(str::to_owned);
            self.out.cross = Some(CrossTarget {
                container,
                der: der.to_vec(),
                nodes: walk.nodes.len(),
                serial,
            });
        }
    }

    /// Runs the parser the label names, or tries them in structural order.
    /// Returns true when one parsed.
    fn dispatch(&mut self, der: &[u8], label: Option<&str>, block: Option<u32>) -> bool {
        let lim = self.cfg.der;
        macro_rules! attempt {
            ($step:literal, $e:expr) => {
                match $e {
                    Ok(p) => {
                        self.object($step, p, block, json!({}));
                        return true;
                    }
                    Err(f) => f,
                }
            };
        }
        match label {
            Some("CERTIFICATE" | "X509 CERTIFICATE" | "TRUSTED CERTIFICATE") => {
                let f = attempt!("x509", x509::certificate(der, lim));
                self.failed("x509", f, block);
                return false;
            }
            Some("CERTIFICATE REQUEST" | "NEW CERTIFICATE REQUEST") => {
                let f = attempt!("x509_csr", x509::csr(der));
                self.failed("x509_csr", f, block);
                return false;
            }
            Some("X509 CRL") => {
                let f = attempt!("x509_crl", x509::crl(der, lim));
                self.failed("x509_crl", f, block);
                return false;
            }
            Some("PRIVATE KEY") => {
                let f = attempt!("pkcs8", keys::pkcs8(der));
                self.failed("pkcs8", f, block);
                return false;
            }
            Some("ENCRYPTED PRIVATE KEY") => {
                let f = attempt!("pkcs8", keys::encrypted_pkcs8(der));
                self.failed("pkcs8", f, block);
                return false;
            }
            Some("PUBLIC KEY") => {
                let f = attempt!("spki", keys::spki(der));
                self.failed("spki", f, block);
                return false;
            }
            Some("RSA PRIVATE KEY") => {
                let f = attempt!("pkcs1", keys::pkcs1_private(der));
                self.failed("pkcs1", f, block);
                return false;
            }
            Some("RSA PUBLIC KEY") => {
                let f = attempt!("pkcs1", keys::pkcs1_public(der));
                self.failed("pkcs1", f, block);
                return false;
            }
            Some("EC PRIVATE KEY") => {
                let f = attempt!("sec1", keys::sec1(der));
                self.failed("sec1", f, block);
                return false;
            }
            Some("PKCS7" | "CMS") => match cms::cms(der) {
                Ok(p) => {
                    let certs = p.info.certificate_der.clone();
                    self.object("cms", p, block, json!({}));
                    self.nested_certs(certs, "cms");
                    return true;
                }
                Err(f) => {
                    self.failed("cms", f, block);
                    return false;
                }
            },
            Some("DH PARAMETERS" | "X9.42 DH PARAMETERS") => {
                return self.params(Container::DhParameters, block);
            }
            Some("DSA PARAMETERS") => return self.params(Container::DsaParameters, block),
            Some("EC PARAMETERS") => return self.params(Container::EcParameters, block),
            _ => {}
        }
        // Unlabelled: structure decides. Order: the stricter shapes first.
        let _ = attempt!("x509", x509::certificate(der, lim));
        let _ = attempt!("x509_crl", x509::crl(der, lim));
        let _ = attempt!("x509_csr", x509::csr(der));
        if let Ok(p) = pkcs12::pkcs12(der) {
            let certs = p.info.certificates.clone();
            self.object("pkcs12", p, block, json!({}));
            self.nested_certs(certs, "pkcs12");
            return true;
        }
        let _ = attempt!("pkcs8", keys::pkcs8(der));
        let _ = attempt!("pkcs8", keys::encrypted_pkcs8(der));
        let _ = attempt!("spki", keys::spki(der));
        let _ = attempt!("pkcs1", keys::pkcs1_private(der));
        let _ = attempt!("sec1", keys::sec1(der));
        let _ = attempt!("pkcs1", keys::pkcs1_public(der));
        if let Ok(p) = cms::cms(der) {
            let certs = p.info.certificate_der.clone();
            self.object("cms", p, block, json!({}));
            self.nested_certs(certs, "cms");
            return true;
        }
        false
    }

    fn params(&mut self, c: Container, block: Option<u32>) -> bool {
        self.out.report.verdict.container(c);
        self.out
            .report
            .push(Step::ok("params", json!({"container": c, "block": block})));
        true
    }

    fn nested_certs(&mut self, certs: Vec<Vec<u8>>, within: &'static str) {
        for c in certs {
            if self.nested >= self.cfg.max_nested {
                self.out
                    .report
                    .push(Step::skipped("x509", "budget:inspect.max_nested"));
                break;
            }
            self.nested += 1;
            match x509::certificate(&c, self.cfg.der) {
                Ok(p) => {
                    // Offsets of nested certificates are relative to their own DER: no regions.
                    let p = Parsed {
                        regions: Vec::new(),
                        ..p
                    };
                    let container = self.out.report.verdict.container;
                    self.object("x509", p, None, json!({"within": within}));
                    self.out.report.verdict.container = container;
                }
                Err(f) => self.failed("x509", f, None),
            }
        }
    }

    fn pem(&mut self, bytes: &[u8]) {
        let scan = pem::scan(bytes, self.cfg.max_pem_blocks);
        let blocks: Vec<serde_json::Value> = scan
            .blocks
            .iter()
            .map(|b| json!({"label": b.label, "offset": b.begin, "length": b.end - b.begin, "decoded": b.der.len(), "strict_rfc7468": b.strict, "legacy_headers": b.headers.len()}))
            .collect();
        let mut s = Step::ok(
            "pem",
            json!({"blocks": blocks, "begin_lines": scan.begin_lines, "block_limit_hit": scan.block_limit_hit}),
        );
        let findings: Vec<Finding> = scan
            .findings
            .iter()
            .map(|f| Finding::at(f.kind, f.offset, f.detail.clone()))
            .collect();
        if scan.blocks.is_empty() {
            let f = findings.first().cloned().unwrap_or_else(|| {
                Finding::new(FailureKind::BadPemArmor, "no decodable PEM block")
            });
            s = s.fail(f);
            s.findings.extend(findings.into_iter().skip(1));
        } else {
            s.findings = findings;
        }
        if scan.block_limit_hit {
            s.data
                .insert("caps_hit".into(), json!(["budget:max_pem_blocks"]));
        }
        self.out.report.push(s);
        self.out.report.verdict.encoding = Some(Encoding::Pem);
        if scan.blocks.len() > 1 {
            self.out.report.verdict.container(Container::PemBundle);
        }
        for (i, b) in scan.blocks.iter().enumerate() {
            let block = Some(i as u32);
            if b.is_legacy_encrypted() {
                self.out.report.push(
                    Step::ok(
                        "pem_encrypted",
                        json!({"label": b.label, "cipher": b.dek_cipher(), "block": i}),
                    )
                    .with_findings([Finding::new(
                        FailureKind::Encrypted,
                        "legacy encrypted PEM (not decrypted)",
                    )
                    .in_block(block)]),
                );
                self.out.report.verdict.container(match b.label.as_str() {
                    "RSA PRIVATE KEY" => Container::Pkcs1PrivateKey,
                    "EC PRIVATE KEY" => Container::Sec1PrivateKey,
                    _ => Container::Raw,
                });
                continue;
            }
            if b.label == "OPENSSH PRIVATE KEY" {
                match openssh::private_key(&b.der) {
                    Ok(p) => self.object("openssh", p, block, json!({})),
                    Err(f) => self.failed("openssh", f, block),
                }
                continue;
            }
            let label = b.label.clone();
            self.der_object(&b.der, Some(label.as_str()), block, false);
        }
    }

    fn run(&mut self, bytes: &[u8]) {
        if let Some(c) = capture::capture_format(bytes) {
            self.out.report.verdict.encoding = Some(Encoding::Raw);
            match capture::capture(bytes) {
                Ok(p) => self.object("pcap", p, None, json!({})),
                Err(f) => {
                    self.out.report.verdict.container(c);
                    self.failed("pcap", f, None)
                }
            }
            return;
        }
        if pem::looks_like_pem(bytes) {
            self.pem(bytes);
            return;
        }
        if bytes.first() == Some(&0x30) {
            self.der_object(bytes, None, None, true);
            if self.out.report.verdict.container.is_some() {
                return;
            }
        }
        if openssh::looks_like_public_line(bytes) {
            self.out.report.verdict.encoding = Some(Encoding::Text);
            match openssh::public_line(bytes) {
                Ok(p) => self.object("openssh", p, None, json!({})),
                Err(f) => self.failed("openssh", f, None),
            }
            return;
        }
        if tls::looks_like_tls(bytes) {
            self.out.report.verdict.encoding = Some(Encoding::Raw);
            match tls::records(bytes) {
                Ok(p) => self.object("tls", p, None, json!({})),
                Err(f) => self.failed("tls", f, None),
            }
            return;
        }
        if jose::looks_like_jose(bytes) {
            self.out.report.verdict.encoding = Some(Encoding::Text);
            match jose::jose(bytes) {
                Ok(p) => {
                    // A JWK has no container of its own in the vocabulary: the key is primary.
                    self.out.report.verdict.primary(&p.key);
                    self.object("jose", p, None, json!({}));
                }
                Err(f) => self.failed("jose", f, None),
            }
            return;
        }
        // Base64 or hex text around a DER object (no PEM armor).
        if let Some((enc, der)) = text_encoded_der(bytes) {
            let before = self.out.report.steps.len();
            self.der_object(&der, None, Some(0), false);
            if self.out.report.verdict.container.is_some() {
                self.out.report.verdict.encoding = Some(enc);
                self.out.report.steps.insert(
                    before,
                    Step::ok(
                        "text_decode",
                        json!({"encoding": enc, "decoded": der.len(), "block": 0}),
                    ),
                );
                return;
            }
            self.out.report.steps.truncate(before);
            self.out.report.regions.retain(|r| r.block.is_none());
        }
        // Nothing recognised: the normaliser's geometry is all there is.
        if self.out.report.verdict.encoding.is_none() {
            self.out.report.verdict.encoding = Some(Encoding::Raw);
        }
        self.out.report.verdict.container(Container::Raw);
        regions::raw(bytes, &mut self.out.report.regions);
    }
}

/// Decodes base64 or hex text (whitespace allowed) that holds a DER
/// SEQUENCE; `None` for anything else.
fn text_encoded_der(bytes: &[u8]) -> Option<(Encoding, Vec<u8>)> {
    use base64::Engine as _;
    if bytes.len() < 16
        || !bytes.iter().all(|b| {
            b.is_ascii_alphanumeric() || b.is_ascii_whitespace() || matches!(b, b'+' | b'/' | b'=')
        })
    {
        return None;
    }
    let clean: Vec<u8> = bytes
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    let decoded = if clean.iter().all(u8::is_ascii_hexdigit) && clean.len() % 2 == 0 {
        (Encoding::Hex, hex::decode(&clean).ok()?)
    } else if clean
        .iter()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='))
    {
        (
            Encoding::Base64,
            base64::engine::general_purpose::STANDARD
                .decode(&clean)
                .ok()?,
        )
    } else {
        return None;
    };
    (decoded.1.first() == Some(&0x30)).then_some(decoded)
}

/// Inspects `bytes`. Pure: no I/O, bounded by the input and `cfg`.
pub fn inspect(bytes: &[u8], cfg: &InspectConfig) -> Inspection {
    let mut i = Session {
        cfg,
        out: Inspection::default(),
        nested: 0,
    };
    i.run(bytes);
    i.out
}

/// The events of an inspection: the steps, `regions`, and the `triage` verdict.
pub fn events(ins: &Inspection, cfg: &InspectConfig) -> Vec<Event> {
    let rep = &ins.report;
    let mut out: Vec<Event> = rep.steps.iter().cloned().map(Step::into_event).collect();
    let candidates = rep.regions.len();
    let pruned = regions::prune(rep.regions.clone(), cfg.max_regions);
    if candidates > 0 {
        let mut data = json!({"candidates": candidates, "kept": pruned.kept.len()});
        if pruned.dropped > 0 {
            data["caps_hit"] = json!(["budget:max_regions"]);
            data["dropped"] = json!(pruned.dropped);
            data["dropped_regions"] = json!(pruned.dropped_regions);
        }
        out.push(Event::ok(MODULE, "regions").with_data(data));
    }
    let v = &rep.verdict;
    // Precision first: a container or key that was parsed is a parsed fact;
    // `raw` (nothing recognised) is only the absence of structure.
    let parsed = v.algorithm.is_some() || v.container.is_some_and(|c| c != Container::Raw);
    let conclusion = Conclusion {
        basis: Some(if parsed {
            Basis::Parsed
        } else {
            Basis::Statistics
        }),
        container: v.container,
        encoding: v.encoding,
        algorithm: v.algorithm.clone(),
        oid: v.oid.clone(),
        key_bits: v.key_bits,
        curve: v.curve.clone(),
        regions: pruned
            .kept
            .iter()
            .map(|r| serde_json::to_value(r).unwrap_or_default())
            .collect(),
        failures: rep.failures(),
        // A bundle summarises every member, not only the first.
        members: if rep.members.len() > 1 {
            rep.members
                .iter()
                .map(|m| serde_json::to_value(m).unwrap_or_default())
                .collect()
        } else {
            Vec::new()
        },
        ..Default::default()
    };
    out.push(Event::ok(MODULE, "triage").with_conclusion(conclusion));
    out
}

/// The inspect stage.
pub struct Inspector {
    cfg: InspectConfig,
    cross_check: bool,
    runner: fx_core::tool::ToolRunner,
}

impl Inspector {
    /// Builds the stage for a run.
    pub fn new(run: &RunDir) -> anyhow::Result<Inspector> {
        Ok(Inspector {
            cfg: InspectConfig::from_policy(run.policy()),
            cross_check: run.policy().inspect.openssl_cross_check,
            runner: fx_core::tool::ToolRunner::new(run),
        })
    }
}

/// The route label a container implies.
fn expected_label(c: Container) -> Option<Label> {
    Some(match c {
        Container::X509Certificate
        | Container::X509Csr
        | Container::X509Crl
        | Container::Pkcs7
        | Container::PemBundle => Label::Certificate,
        Container::Pkcs1PrivateKey
        | Container::Pkcs1PublicKey
        | Container::Pkcs8PrivateKey
        | Container::Pkcs8EncryptedPrivateKey
        | Container::Sec1PrivateKey
        | Container::SpkiPublicKey
        | Container::OpensshPrivateKey
        | Container::OpensshPublicKey
        | Container::OpensshCertificate
        | Container::Pkcs12 => Label::KeyMaterial,
        Container::Pcap | Container::Pcapng | Container::TlsRecords => Label::ProtocolCapture,
        _ => return None,
    })
}

/// Labels whose artifacts inspect leaves alone.
fn not_for_inspect(job: &Job) -> Option<&'static str> {
    if job.has_label(Label::HashKdfMaterial) {
        // Fail-closed (DESIGN §7): hash/KDF material only goes to the audit path.
        return Some(routing::reason::AUDIT_ONLY_HASHES);
    }
    let labels = job.labels();
    if !labels.is_empty()
        && labels
            .iter()
            .all(|l| matches!(l, Label::BinaryTarget | Label::Compressed))
    {
        return Some("not_applicable");
    }
    None
}

impl Stage for Inspector {
    fn module(&self) -> &'static str {
        MODULE
    }

    fn process(&self, job: &mut Job, ctx: &StageCtx<'_>) {
        if let Some(reason) = not_for_inspect(job) {
            job.push(Event::skipped(MODULE, "stage", reason));
            return;
        }
        if let Err(reason) = routing::check(job, Target::Inspect.as_str()) {
            job.push(Event::skipped(MODULE, "stage", reason));
            return;
        }
        if job
            .artifact
            .size
            .is_some_and(|n| n > ctx.run.policy().limits.max_artifact_bytes)
        {
            job.push(Event::skipped(
                MODULE,
                "stage",
                "budget:limits.max_artifact_bytes",
            ));
            return;
        }
        let bytes = match ctx.run.read_artifact(job) {
            None => {
                job.push(Event::skipped(MODULE, "stage", "not_applicable"));
                return;
            }
            Some(Err(e)) => {
                job.push(Event::error(
                    MODULE,
                    "read",
                    ErrorInfo::new(FailureKind::Unreadable).detail(e.to_string()),
                ));
                return;
            }
            Some(Ok(b)) => b,
        };
        let ins = inspect(&bytes, &self.cfg);
        let mut evs = events(&ins, &self.cfg);
        let triage = evs.pop();
        job.events.extend(evs);
        if !self.cross_check {
            job.push(Event::skipped(
                MODULE,
                "crosscheck",
                "policy:openssl_cross_check_disabled",
            ));
        } else if let Err(reason) = routing::check(job, Target::InspectTools.as_str()) {
            job.push(Event::skipped(MODULE, "crosscheck", reason));
        } else {
            job.events.extend(crosscheck::run(&self.runner, &ins));
        }
        if let Some(mut t) = triage {
            let route = job.labels();
            if let Some(c) = t.conclusion.as_ref().and_then(|c| c.container)
                && let Some(expected) = expected_label(c)
                && !route.is_empty()
            {
                // Does the router's type set agree with the wrapper found?
                t = t.with_data(
                    json!({"route_labels": route, "agrees_with_route": route.contains(&expected)}),
                );
            }
            job.push(t);
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use fx_core::event::Status;
    use fx_core::testing::{job_for, scratch_run, with_labels};

    fn stage_events(policy: Policy, bytes: &[u8], labels: &[Label]) -> Vec<Event> {
        let dir = tempfile::tempdir().unwrap();
        let run = scratch_run(dir.path(), policy).unwrap();
        let job = with_labels(job_for(&run, "a", bytes, 0).unwrap(), labels);
        let mut job = job;
        let stage = Inspector::new(&run).unwrap();
        stage.process(&mut job, &StageCtx { run: &run });
        job.events
            .into_iter()
            .filter(|e| e.module == MODULE)
            .collect()
    }

    #[test]
    fn hash_material_is_skipped_fail_closed() {
        let evs = stage_events(
            Policy::default(),
            b"$2b$12$abc",
            &[Label::HashKdfMaterial, Label::Certificate],
        );
        assert_eq!(evs.len(), 1);
        assert_eq!(evs[0].status, Status::Skipped);
        assert_eq!(
            evs[0].reason.as_deref(),
            Some(routing::reason::AUDIT_ONLY_HASHES)
        );
    }

    #[test]
    fn oversized_artifacts_are_a_budget_skip() {
        let mut p = Policy::default();
        p.limits.max_artifact_bytes = 8;
        let evs = stage_events(p, &[0u8; 64], &[]);
        assert_eq!(
            evs[0].reason.as_deref(),
            Some("budget:limits.max_artifact_bytes")
        );
    }

    #[test]
    fn crosscheck_is_gated() {
        let der = [0x30, 0x03, 0x02, 0x01, 0x05];
        // No route decision: the tool run is denied, fail-closed.
        let evs = stage_events(Policy::default(), &der, &[]);
        let cc = evs.iter().find(|e| e.step == "crosscheck").unwrap();
        assert_eq!(cc.reason.as_deref(), Some("policy:no_route_decision"));
        assert_eq!(evs.last().unwrap().step, "triage");
        let mut p = Policy::default();
        p.inspect.openssl_cross_check = false;
        let evs = stage_events(p, &der, &[]);
        let cc = evs.iter().find(|e| e.step == "crosscheck").unwrap();
        assert_eq!(
            cc.reason.as_deref(),
            Some("policy:openssl_cross_check_disabled")
        );
    }

    #[test]
    fn regions_cap_is_reported() {
        let cfg = InspectConfig {
            max_regions: 2,
            ..InspectConfig::default()
        };
        let evs = events(&inspect(&[9u8; 3000], &cfg), &cfg);
        let r = evs.iter().find(|e| e.step == "regions").unwrap();
        let d = r.data.as_ref().unwrap();
        assert_eq!(d["caps_hit"], json!(["budget:max_regions"]));
        assert!(d["dropped"].as_u64().unwrap() > 0);
        let t = evs.last().unwrap().conclusion.as_ref().unwrap();
        assert_eq!(t.regions.len(), 2);
    }
}
