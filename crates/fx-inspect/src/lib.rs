//! # fx-inspect — wrapper triage and normalisation
//!
//! For each job, fx-inspect reads the artifact's wrappers and containers —
//! PEM (bundles, armor and base64 errors), DER/BER (bounded walk), X.509
//! certificates, CSRs, CRLs and cross-certificate pairs, OCSP requests and
//! responses, PKCS#1, PKCS#8 (encrypted ones described, never decrypted),
//! SEC1, traditional DSA keys, SPKI, DH/DSA/EC parameters, OpenSSH keys and
//! public key files (RFC 4716, `authorized_keys`, `known_hosts`), PuTTY,
//! ssh.com and dropbear keys, OpenPGP keys, signatures and messages (armored
//! or binary), PKCS#12, PKCS#7/CMS and S/MIME, DSA/ECDSA
//! signature values, TLS record streams, pcap/pcapng — and writes one event
//! per step (`pem`, `der`, `x509`, `pkcs8`, …) with failure shapes at their
//! offsets, a `regions` event with the candidate core regions kept under the
//! policy cap (and what the cap dropped), an optional `crosscheck` event
//! (openssl through the tool runner), and a final `triage` event whose
//! conclusion carries the DESIGN §9 fields: `container`, `encoding`,
//! `algorithm`, `oid`, `key_bits`, `curve`, `regions`, `failures`, and the
//! `members` of a bundle.
//!
//! An artifact is dispatched through one format table (`formats::FORMATS`:
//! a row per wrapper or format, tried in order, as fx-route's sniffers and
//! fx-probe's probes are listed); DER containers through one parser table
//! (`containers::ROWS`: a row per container with its PEM labels and its
//! parser). A rejected object gets the precise failure shape [`defects`]
//! finds.
//!
//! The library entry point is [`inspect`]: bytes in, [`report::Report`] out,
//! no I/O, no panics on hostile input, every allocation bounded by the input
//! length or the policy.

pub mod algorithm;
mod ber;
pub mod bundle;
pub mod capture;
pub mod cms;
mod composite_key;
mod containers;
pub mod crosscheck;
pub mod curves;
pub mod defects;
mod derr;
pub mod dropbear;
mod formats;
pub mod jose;
pub mod keys;
pub mod labels;
pub mod names;
pub mod ocsp;
pub mod openpgp;
pub mod openssh;
mod openssh_cert;
pub mod params;
pub mod pbe;
pub mod pkcs12;
pub mod putty;
pub mod regions;
pub mod report;
pub mod signature;
pub mod smime;
pub mod sshcom;
#[cfg(test)]
mod test_support;
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
pub(crate) struct Session<'c> {
    pub(crate) cfg: &'c InspectConfig,
    out: Inspection,
    nested: usize,
    /// Certificates and keys read, for the `bundle` step.
    objects: Vec<bundle::Object>,
}

fn with_block(mut r: Region, block: Option<u32>) -> Region {
    r.block = block;
    r
}

/// Containers that carry one key of their own (or name one algorithm with
/// its size): the first such object is the artifact's primary key, and
/// every one is a member of a bundle.
fn key_bearing(c: Container) -> bool {
    matches!(
        c,
        Container::X509Certificate
            | Container::X509Csr
            | Container::Pkcs8PrivateKey
            | Container::SpkiPublicKey
            | Container::Pkcs1PrivateKey
            | Container::Pkcs1PublicKey
            | Container::Sec1PrivateKey
            | Container::DsaPrivateKey
            | Container::OpensshPrivateKey
            | Container::OpensshPublicKey
            | Container::OpensshCertificate
            | Container::DhParameters
            | Container::DsaParameters
            | Container::EcParameters
    )
}

/// The algorithm a legacy encrypted PEM label names (the key itself is
/// encrypted).
fn legacy_label_key(label: &str) -> Option<(Container, &'static str, &'static str)> {
    Some(match label {
        "RSA PRIVATE KEY" => (Container::Pkcs1PrivateKey, "RSA", "1.2.840.113549.1.1.1"),
        "EC PRIVATE KEY" => (Container::Sec1PrivateKey, "EC", "1.2.840.10045.2.1"),
        "DSA PRIVATE KEY" => (Container::DsaPrivateKey, "DSA", "1.2.840.10040.4.1"),
        _ => return None,
    })
}

/// A container record that carries the container it was read as and the
/// PEM block it was read from, which [`Session::object`] sets (a parser
/// knows neither).
pub(crate) trait Located {
    /// Sets the record's `container` and `block`.
    fn locate(&mut self, container: Container, block: Option<u32>);
}

macro_rules! located {
    ($($t:ty),+) => {$(
        impl Located for $t {
            fn locate(&mut self, container: Container, block: Option<u32>) {
                self.container = container;
                self.block = block;
            }
        }
    )+};
}

located!(
    fx_facts::CertificateData,
    fx_facts::CsrData,
    fx_facts::CrlData,
    fx_facts::key::KeyContainerData,
    fx_facts::key::ParamsData,
    fx_facts::key::OpensshKeyData,
    fx_facts::signature::SignatureValueData,
    fx_facts::Pkcs12Data,
    fx_facts::CmsData
);

impl Session<'_> {
    /// The number of members so far: the index the next one will have.
    pub(crate) fn members_so_far(&self) -> usize {
        self.out.report.members.len()
    }

    /// Keeps the object just parsed for the `bundle` step, when it became
    /// member `before` (a key whose algorithm is unknown is no member).
    pub(crate) fn collect(&mut self, before: usize, material: impl FnOnce() -> bundle::Material) {
        if let Some(m) = self.out.report.members.get(before) {
            let (container, algorithm) = (m.container, m.algorithm.clone());
            self.objects.push(bundle::Object::new(
                before as u64,
                container,
                algorithm,
                material(),
            ));
        }
    }

    /// Records a parsed object as a step: the parser's record with its
    /// `container` and PEM `block` set.
    pub(crate) fn object<D: Located + Serialize>(
        &mut self,
        step: &'static str,
        p: Parsed<D>,
        block: Option<u32>,
    ) {
        self.object_record(step, p, block, |mut data, container, block| {
            data.locate(container, block);
            data
        });
    }

    /// Records a parsed object as a step whose data is its fx-facts record,
    /// which `record` builds from the parser's `info`, its container and the
    /// PEM block. The record's `findings` stay empty: the step's findings
    /// are written into the data by [`Step::into_event`].
    pub(crate) fn object_record<D, R: Serialize>(
        &mut self,
        step: &'static str,
        p: Parsed<D>,
        block: Option<u32>,
        record: impl FnOnce(D, Container, Option<u32>) -> R,
    ) {
        let container = p.container;
        let (info, findings) = self.admit(p, block);
        let mut s = Step::ok(step, record(info, container, block));
        s.findings = findings;
        self.out.report.push(s);
    }

    /// Takes a parsed object's container, key and regions into the report;
    /// gives back its `info` and its findings placed in `block`.
    fn admit<D>(&mut self, p: Parsed<D>, block: Option<u32>) -> (D, Vec<Finding>) {
        let rep = &mut self.out.report;
        rep.verdict.container(p.container);
        if key_bearing(p.container) && (p.key.algorithm.is_some() || !p.key.oid.is_empty()) {
            rep.verdict.primary(&p.key);
            rep.member(p.container, &p.key);
        }
        for r in p.regions {
            rep.region(with_block(r, block));
        }
        let findings = p.findings.into_iter().map(|f| f.in_block(block)).collect();
        (p.info, findings)
    }

    /// Records a key file whose container is not key-bearing (PuTTY,
    /// ssh.com, dropbear): its key is the primary key (and a member) all the
    /// same. The parser's description is the step's fx-facts record, its
    /// container set (no PEM block).
    fn key_file<D: Serialize>(
        &mut self,
        step: &'static str,
        encoding: Encoding,
        r: Result<Parsed<D>, Finding>,
    ) {
        self.out.report.verdict.encoding = Some(encoding);
        match r {
            Ok(p) => {
                let rep = &mut self.out.report;
                if p.key.algorithm.is_some() {
                    rep.verdict.primary(&p.key);
                    rep.member(p.container, &p.key);
                }
                self.object_record(step, p, None, |data, _, _| data);
            }
            Err(f) => {
                self.out.report.verdict.container(Container::Raw);
                self.failed(step, f, None);
            }
        }
    }

    pub(crate) fn failed(&mut self, step: &'static str, f: Finding, block: Option<u32>) {
        self.out
            .report
            .push(Step::ok(step, serde_json::Map::new()).fail(f.in_block(block)));
    }

    /// Parses a DER object whose type the PEM label (or nothing) suggests.
    /// Bytes after the first element are `trailing_data`: the element is
    /// still read (a certificate with garbage after it is a certificate).
    fn der_object(&mut self, der: &[u8], label: Option<&str>, block: Option<u32>, in_raw: bool) {
        let walk = derwalk::walk(der, self.cfg.der);
        let ber = walk
            .findings
            .iter()
            .any(|f| f.kind == FailureKind::BerNotDer);
        // `TRUSTED CERTIFICATE` is a certificate followed by OpenSSL's trust
        // settings: what follows the certificate belongs to the format.
        let aux_follows = label == Some("TRUSTED CERTIFICATE");
        let reported: Vec<&derwalk::DerFinding> = walk
            .findings
            .iter()
            .filter(|f| !(aux_follows && f.kind == FailureKind::TrailingData))
            .collect();
        let der_step_at = self.out.report.steps.len();
        let emit_der = in_raw || !reported.is_empty();
        if emit_der {
            let data = fx_facts::der::DerData {
                nodes: walk.nodes.len() as u64,
                max_depth: Some(u64::from(walk.max_depth_seen)),
                indefinite: Some(walk.indefinite),
                node_limit_hit: Some(walk.node_limit_hit),
                block,
                caps_hit: if walk.node_limit_hit {
                    vec!["budget:max_der_nodes".to_owned()]
                } else {
                    Vec::new()
                },
                findings: Vec::new(),
            };
            let mut s = Step::ok("der", data);
            let fatal = reported
                .iter()
                .find(|f| f.kind != FailureKind::BerNotDer && f.kind != FailureKind::TrailingData)
                .copied();
            let to_f = |f: &derwalk::DerFinding| {
                Finding::at(f.kind, f.offset, f.detail.clone()).in_block(block)
            };
            if let Some(f) = fatal {
                s = s.fail(to_f(f));
            }
            s.findings.extend(
                reported
                    .iter()
                    .filter(|x| Some(**x) != fatal)
                    .map(|x| to_f(x)),
            );
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
        // The object is the first element; trailing bytes were reported.
        let trailing_only = walk
            .findings
            .iter()
            .all(|f| matches!(f.kind, FailureKind::TrailingData | FailureKind::BerNotDer));
        let object = if trailing_only && walk.end > 0 && walk.end < der.len() {
            &der[..walk.end]
        } else {
            der
        };
        let content = defects::content(object, &walk);
        let first_cross = self.out.cross.is_none();
        let before = self.out.report.steps.len();
        let parsed = self.dispatch(object, label, block, &walk, &content);
        if parsed && !content.is_empty() {
            // Read, but with content DER does not allow: non-fatal findings.
            let found = content.iter().map(|f| f.clone().in_block(block));
            if emit_der {
                self.out.report.steps[der_step_at].findings.extend(found);
            } else {
                // `block` is set here: a raw artifact always has its `der` step.
                let data = fx_facts::der::DerData {
                    nodes: walk.nodes.len() as u64,
                    max_depth: None,
                    indefinite: None,
                    node_limit_hit: None,
                    block,
                    caps_hit: Vec::new(),
                    findings: Vec::new(),
                };
                let mut s = Step::ok("der", data);
                s.findings.extend(found);
                self.out.report.steps.insert(der_step_at, s);
            }
        }
        // BER is CMS's own encoding (RFC 5652 §1.2; `openssl cms -stream`
        // writes indefinite lengths): a CMS/PKCS#7 object read through its
        // DER re-encoding (`ber::to_der`) is BER, not defective.
        if parsed
            && ber
            && matches!(
                self.out.report.verdict.container,
                Some(Container::Pkcs7 | Container::Cms | Container::Smime)
            )
            && let Some(s) = self.out.report.steps.get_mut(der_step_at)
            && s.step == "der"
        {
            s.findings.retain(|f| f.kind != FailureKind::BerNotDer);
        }
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
                der: object.to_vec(),
                nodes: walk.nodes.len(),
                serial,
            });
        }
    }

    /// The precise shape of a row's failure on `der` (see [`defects`]).
    fn explain(
        &self,
        row: &containers::Row,
        f: Finding,
        der: &[u8],
        walk: &derwalk::Walk,
        content: &[Finding],
    ) -> Finding {
        let framing = walk
            .findings
            .iter()
            .find(|x| x.kind != FailureKind::TrailingData);
        defects::explain(f, framing, defects::version(row.container, der), content)
    }

    /// Runs the parser the label names, or the unlabelled rows in table
    /// order. Returns true when one parsed; otherwise the failure of the
    /// parser the label (or the structure) points to is recorded.
    fn dispatch(
        &mut self,
        der: &[u8],
        label: Option<&str>,
        block: Option<u32>,
        walk: &derwalk::Walk,
        content: &[Finding],
    ) -> bool {
        if let Some(row) = label.and_then(containers::by_label) {
            return match (row.parse)(self, der, block) {
                Ok(()) => true,
                Err(f) => {
                    let f = self.explain(row, f, der, walk, content);
                    self.failed(row.step, f, block);
                    false
                }
            };
        }
        for row in containers::ROWS {
            if let Some(parse) = row.unlabelled {
                let steps = self.out.report.steps.len();
                if parse(self, der, block).is_ok() {
                    return true;
                }
                self.out.report.steps.truncate(steps);
            }
        }
        // Nothing read it: the parser of the shape it has says why.
        if let Some(row) = containers::guess(der) {
            match (row.parse)(self, der, block) {
                Ok(()) => return true,
                Err(f) => {
                    let f = self.explain(row, f, der, walk, content);
                    self.failed(row.step, f, block);
                }
            }
        } else if let Some(c) = content.first() {
            self.failed("der", c.clone(), block);
        }
        false
    }

    pub(crate) fn nested_certs(&mut self, certs: Vec<Vec<u8>>, within: &'static str) {
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
                    let before = self.members_so_far();
                    self.object_record("x509", p, None, |mut data, container, _| {
                        data.container = container;
                        data.within = Some(within.to_owned());
                        data
                    });
                    self.out.report.verdict.container = container;
                    self.collect(before, || bundle::Material::Certificate(c.clone()));
                }
                Err(f) => self.failed("x509", f, None),
            }
        }
    }

    fn pem(&mut self, bytes: &[u8]) {
        let scan = pem::scan(bytes, self.cfg.max_pem_blocks);
        let data = fx_facts::pem::PemData {
            blocks: scan
                .blocks
                .iter()
                .map(|b| fx_facts::pem::PemBlock {
                    label: b.label.clone(),
                    offset: b.begin as u64,
                    length: (b.end - b.begin) as u64,
                    decoded: b.der.len() as u64,
                    strict_rfc7468: b.strict,
                    legacy_headers: b.headers.len() as u64,
                })
                .collect(),
            begin_lines: scan.begin_lines as u64,
            block_limit_hit: scan.block_limit_hit,
            caps_hit: if scan.block_limit_hit {
                vec!["budget:max_pem_blocks".to_owned()]
            } else {
                Vec::new()
            },
            // The findings are the step's (written by `Step::into_event`).
            findings: Vec::new(),
        };
        let mut s = Step::ok("pem", data);
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
                        fx_facts::key::PemEncryptedData {
                            block: i as u32,
                            label: b.label.clone(),
                            cipher: b.dek_cipher().map(str::to_owned),
                            // The finding is the step's (below).
                            findings: Vec::new(),
                        },
                    )
                    .with_findings([Finding::new(
                        FailureKind::Encrypted,
                        "legacy encrypted PEM (not decrypted)",
                    )
                    .in_block(block)]),
                );
                match legacy_label_key(&b.label) {
                    Some((c, alg, oid)) => {
                        // The label names the algorithm; the key is not read.
                        let key = algorithm::KeyAlg {
                            algorithm: Some(alg.to_owned()),
                            oid: oid.to_owned(),
                            ..Default::default()
                        };
                        let rep = &mut self.out.report;
                        rep.verdict.container(c);
                        rep.verdict.primary(&key);
                        rep.member(c, &key);
                    }
                    None => self.out.report.verdict.container(Container::Raw),
                }
                continue;
            }
            let label = b.label.clone();
            match containers::by_label(&label) {
                Some(row) if !row.der => {
                    if let Err(f) = (row.parse)(self, &b.der, block) {
                        self.failed(row.step, f, block);
                    }
                }
                _ => self.der_object(&b.der, Some(label.as_str()), block, false),
            }
        }
    }
}

fn session(bytes: &[u8], cfg: &InspectConfig) -> (Inspection, Vec<bundle::Object>) {
    let mut i = Session {
        cfg,
        out: Inspection::default(),
        nested: 0,
        objects: Vec::new(),
    };
    formats::dispatch(&mut i, bytes);
    (i.out, i.objects)
}

/// Inspects `bytes`. Pure: no I/O, bounded by the input and `cfg`. A file
/// of a certificate and other certificates or keys ends in a `bundle` step
/// ([`bundle`]).
pub fn inspect(bytes: &[u8], cfg: &InspectConfig) -> Inspection {
    let (mut out, objects) = session(bytes, cfg);
    if let Some(data) = bundle::of_file(objects) {
        out.report.push(Step::ok("bundle", data));
    }
    out
}

/// The certificates and keys of `bytes`, for a bundle job's `bundle` step.
pub(crate) fn inspect_objects(bytes: &[u8], cfg: &InspectConfig) -> Vec<bundle::Object> {
    session(bytes, cfg).1
}

/// The events of an inspection: the steps, `regions`, and the `triage` verdict.
pub fn events(ins: &Inspection, cfg: &InspectConfig) -> Vec<Event> {
    let rep = &ins.report;
    let mut out: Vec<Event> = rep.steps.iter().cloned().map(Step::into_event).collect();
    let candidates = rep.regions.len();
    let pruned = regions::prune(rep.regions.clone(), cfg.max_regions);
    // Precision first: a region whose only basis is size geometry (a blob
    // cut at a scheme's lengths) is a hypothesis for the probes, kept in the
    // event data; only regions a parser delimited are concluded.
    let (hypotheses, delimited): (Vec<&report::Region>, Vec<&report::Region>) =
        pruned.kept.iter().partition(|r| r.is_hypothesis());
    if candidates > 0 {
        let dropped = pruned.dropped > 0;
        // `hypotheses` is fx_core::vocab::REGION_HYPOTHESES_KEY, the key fx-probe reads.
        let data = fx_facts::triage::RegionsData {
            candidates: candidates as u64,
            kept: pruned.kept.len() as u64,
            hypotheses: hypotheses.iter().map(|r| r.record()).collect(),
            caps_hit: if dropped {
                vec!["budget:max_regions".to_owned()]
            } else {
                Vec::new()
            },
            dropped: dropped.then_some(pruned.dropped as u64),
            dropped_regions: dropped
                .then(|| pruned.dropped_regions.iter().map(Region::record).collect()),
        };
        out.push(Event::ok(MODULE, "regions").with_data(data));
    }
    let v = &rep.verdict;
    // Precision first: a container or key that was parsed is a parsed fact;
    // `raw` (nothing recognised) is only the absence of structure.
    let parsed = v.algorithm.is_some() || v.container.is_some_and(|c| c != Container::Raw);
    // What was parsed names the labels (a parsed fact, preferred by the
    // summary to the router's sniff); nothing when nothing was parsed.
    let labels = if parsed {
        labels::parsed_labels(&rep.steps).unwrap_or_default()
    } else {
        Vec::new()
    };
    let conclusion = Conclusion {
        labels,
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
        regions: delimited
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

    /// Inspect runs openssl (the cross-checks) and links no library: a new
    /// tshark or liboqs does not miss its cache entries.
    fn cache_scope(&self) -> fx_core::cache::Scope {
        fx_core::cache::Scope {
            policy_section: MODULE,
            tools: Some(&["openssl"]),
            libraries: false,
        }
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
        if job.artifact.artifact_ref.is_none() && !job.artifact.members.is_empty() {
            // A bundle job: its members are inspected as one bundle.
            match bundle::of_job(job, ctx.run, &self.cfg) {
                Some(data) => job.push(Step::ok("bundle", data).into_event()),
                None => job.push(Event::skipped(MODULE, "stage", "not_applicable")),
            }
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
                t = t.with_data(fx_facts::triage::TriageData {
                    agrees_with_route: route.contains(&expected),
                    route_labels: route,
                });
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
    use serde_json::json;

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
        // The two kept regions are size-geometry hypotheses: handed to the
        // probes in the data, never concluded.
        assert_eq!(d["kept"], 2);
        assert_eq!(
            d[fx_core::vocab::REGION_HYPOTHESES_KEY]
                .as_array()
                .unwrap()
                .len(),
            2
        );
        let t = evs.last().unwrap().conclusion.as_ref().unwrap();
        assert!(t.regions.is_empty());
    }

    #[test]
    fn a_parsed_certificate_names_its_label() {
        let pem = include_bytes!("../../../tests/fixtures/inspect/files/p256.cert.pem");
        let cfg = InspectConfig::default();
        let evs = events(&inspect(pem, &cfg), &cfg);
        let t = evs.last().unwrap().conclusion.as_ref().unwrap();
        assert_eq!(t.labels, vec![Label::Certificate]);
        assert_eq!(t.basis, Some(Basis::Parsed));
        let evs = events(&inspect(&[9u8; 3000], &cfg), &cfg);
        let t = evs.last().unwrap().conclusion.as_ref().unwrap();
        assert!(t.labels.is_empty());
        assert_eq!(t.basis, Some(Basis::Statistics));
    }
}
