//! [`JobFacts`]: everything fx concluded about one job, read once from its
//! events into typed lists, each fact with the event it came from.

use fx_core::vocab::{Basis, Conclusion, FailureKind, Label};
use fx_core::{Event, Status};
use serde::{Deserialize, Serialize};

use crate::bundle::{BundleData, CmsData, Member, Pkcs12Data};
use crate::certificate::{CertificateData, CrlData, CsrData};
use crate::cipher::{CipherSignals, HybridData};
use crate::conclusion::ConclusionObjects;
use crate::crosscheck::{OpensslCrosscheck, TsharkCrosscheck};
use crate::hash::{HashAuditData, HashConclusion};
use crate::key::{KeyFact, OpensshCertificate};
use crate::library::{LibraryCandidate, ObjectData};
use crate::pqc::{PqcConclusion, PqcProbeData};
use crate::route::{RouteDecisionData, RouteLabelData};
use crate::step::StepData;
use crate::summary::SummaryFacts;
use crate::tls::{TlsClient, TlsConclusion};
use crate::weakkey::WeakKeyAudit;

/// The event a fact was read from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provenance {
    /// Index of the event within its job (what the summary's `sources` name).
    pub event_index: u64,
    /// The event's global sequence number, when fx-seq stamped it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_seq: Option<u64>,
    /// The module that wrote it.
    pub module: String,
    /// The step.
    pub step: String,
    /// The event's status.
    pub status: Status,
}

/// One fact with its provenance.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Fact<T> {
    /// Where it was read.
    pub source: Provenance,
    /// What it says.
    pub fact: T,
}

/// A hash/KDF audit: the step's data and its `hash` conclusion.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HashAudit {
    /// The `hash` conclusion (scheme, parameters, weaknesses, counts).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conclusion: Option<HashConclusion>,
    /// The step's data (the baseline cited, each weakness explained).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<HashAuditData>,
}

/// A post-quantum conclusion: what a probe concluded, with its strength.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PqcFact {
    /// The parameter set concluded, when the evidence names exactly one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub algorithm: Option<String>,
    /// The OID read, when one was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oid: Option<String>,
    /// Strength of the evidence (`parsed`, `structural`, `size_only`, …).
    pub basis: Basis,
    /// Confidence in permille of a guess.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidence: Option<u16>,
    /// Labels concluded with it (`kem_transcript`, `signature_blob`, …).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub labels: Vec<Label>,
    /// Failure shapes found by the structure check.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub failures: Vec<FailureKind>,
    /// Candidates and the structure / verify / decapsulate results.
    pub pqc: PqcConclusion,
}

/// Symmetric-ciphertext signals concluded by a probe.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CipherFact {
    /// Strength of the evidence (usually `statistics`).
    pub basis: Basis,
    /// Confidence in permille of a guess.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidence: Option<u16>,
    /// Labels concluded with it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub labels: Vec<Label>,
    /// The signals.
    pub cipher: CipherSignals,
}

/// An event whose data or conclusion did not match its record: kept so
/// that nothing is dropped silently.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unread {
    /// The event.
    pub source: Provenance,
    /// Why it could not be read.
    pub error: String,
}

/// Everything fx concluded about one job, typed, in event order.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct JobFacts {
    /// What fx-route sniffed (one per `route/label` event).
    pub route_labels: Vec<Fact<RouteLabelData>>,
    /// What fx-route decided (one per `route/decision` event).
    pub route_decisions: Vec<Fact<RouteDecisionData>>,
    /// X.509 certificates (nested ones included, see [`CertificateData::within`]).
    pub certificates: Vec<Fact<CertificateData>>,
    /// Certification requests.
    pub csrs: Vec<Fact<CsrData>>,
    /// Revocation lists.
    pub crls: Vec<Fact<CrlData>>,
    /// Keys of every key format (not a certificate's public key).
    pub keys: Vec<Fact<KeyFact>>,
    /// OpenSSH certificates (their certified key is in [`JobFacts::keys`]).
    pub openssh_certificates: Vec<Fact<OpensshCertificate>>,
    /// CMS / PKCS#7 objects.
    pub cms: Vec<Fact<CmsData>>,
    /// PKCS#12 files.
    pub pkcs12: Vec<Fact<Pkcs12Data>>,
    /// Bundles inspected as a whole: chains, key/certificate pairs,
    /// detached signatures (`inspect/bundle`).
    pub bundles: Vec<Fact<BundleData>>,
    /// Bundle members (from fx-inspect's conclusion).
    pub members: Vec<Fact<Member>>,
    /// Hash/KDF audits.
    pub hash_audits: Vec<Fact<HashAudit>>,
    /// Post-quantum conclusions (`pqc` and `hybrid` steps).
    pub pqc: Vec<Fact<PqcFact>>,
    /// The data of `pqc` steps (geometry per target), concluded or not.
    pub pqc_probes: Vec<Fact<PqcProbeData>>,
    /// Symmetric-ciphertext conclusions.
    pub ciphers: Vec<Fact<CipherFact>>,
    /// Hybrid KEM ‖ AEAD split attempts.
    pub hybrids: Vec<Fact<HybridData>>,
    /// TLS clients (one per ClientHello).
    pub tls_clients: Vec<Fact<TlsClient>>,
    /// TLS conclusions (one per capture).
    pub tls: Vec<Fact<TlsConclusion>>,
    /// Crypto libraries found in binaries.
    pub libraries: Vec<Fact<LibraryCandidate>>,
    /// The weak-key audit of the job's keys (`weakkeys/audit`, fx-weakkeys).
    pub weak_key_audits: Vec<Fact<WeakKeyAudit>>,
    /// Executable structure of binaries.
    pub objects: Vec<Fact<ObjectData>>,
    /// fx-inspect's parses checked against openssl.
    pub openssl_crosschecks: Vec<Fact<OpensslCrosscheck>>,
    /// fx-fingerprint's JA3 checked against tshark.
    pub tshark_crosschecks: Vec<Fact<TsharkCrosscheck>>,
    /// The job's summary (fx-seq's last `summary` event, or computed from
    /// the events exactly as fx-seq computes it when the job has none yet).
    pub summary: SummaryFacts,
    /// Events whose data or conclusion did not match their record.
    pub unread: Vec<Unread>,
}

impl JobFacts {
    /// Reads the facts of one job from its events (in job order; a summary
    /// event, if any, is read as the summary).
    pub fn from_events(events: &[Event]) -> JobFacts {
        JobFacts::read(events, |_| true)
    }

    /// Reads the summary and the facts of the events of the listed
    /// `(module, step)` pairs only: the data and conclusion of every other
    /// event are left unread, so a reader that needs a few steps (fx-features
    /// reads `route/label` and the cross-checks) does not pay for typing
    /// certificates, keys and audits it never looks at. The lists it fills
    /// are exactly those [`JobFacts::from_events`] fills for those events.
    pub fn from_events_for(events: &[Event], steps: &[(&str, &str)]) -> JobFacts {
        JobFacts::read(events, |e| {
            steps.iter().any(|(m, s)| e.module == *m && e.step == *s)
        })
    }

    /// Reads the summary, and the data and conclusion of each event `wanted`.
    fn read(events: &[Event], wanted: impl Fn(&Event) -> bool) -> JobFacts {
        let mut f = JobFacts::default();
        let mut summary_event = None;
        for (i, e) in events.iter().enumerate() {
            if fx_core::summary::is_summary(e) {
                summary_event = Some((i, e));
                continue;
            }
            if !wanted(e) {
                continue;
            }
            let src = Provenance {
                event_index: i as u64,
                event_seq: e.event_seq,
                module: e.module.clone(),
                step: e.step.clone(),
                status: e.status,
            };
            let mut hash_data = None;
            match StepData::parse(&e.module, &e.step, e.data.as_ref()) {
                Some(Ok(d)) => f.add_step(&src, d, &mut hash_data),
                Some(Err(err)) => f.unread(&src, err.to_string()),
                None => {}
            }
            let objects = match e.conclusion.as_ref().map(ConclusionObjects::of) {
                Some(Ok(o)) => Some(o),
                Some(Err(err)) => {
                    f.unread(&src, err.to_string());
                    None
                }
                None => None,
            };
            if let (Some(c), Some(o)) = (e.conclusion.as_ref(), objects) {
                f.add_conclusion(&src, c, o, &mut hash_data);
            }
            if let Some(data) = hash_data {
                f.hash_audits.push(Fact {
                    source: src.clone(),
                    fact: HashAudit {
                        conclusion: None,
                        data: Some(data),
                    },
                });
            }
        }
        let (summary, bad, at) = match summary_event {
            Some((i, e)) => {
                let empty = serde_json::Map::new();
                let (s, bad) = SummaryFacts::from_map(e.data.as_ref().unwrap_or(&empty));
                (s, bad, Some((i, e)))
            }
            None => {
                let (s, bad) = SummaryFacts::from_map(&fx_core::summary::summary_data(events));
                (s, bad, None)
            }
        };
        for error in bad {
            let src = match at {
                Some((i, e)) => Provenance {
                    event_index: i as u64,
                    event_seq: e.event_seq,
                    module: e.module.clone(),
                    step: e.step.clone(),
                    status: e.status,
                },
                None => Provenance {
                    event_index: events.len() as u64,
                    event_seq: None,
                    module: fx_core::summary::SUMMARY_MODULE.to_owned(),
                    step: fx_core::summary::SUMMARY_STEP.to_owned(),
                    status: Status::Ok,
                },
            };
            f.unread(&src, error);
        }
        f.summary = summary;
        f
    }

    fn unread(&mut self, src: &Provenance, error: String) {
        self.unread.push(Unread {
            source: src.clone(),
            error,
        });
    }

    fn add_step(&mut self, src: &Provenance, d: StepData, hash_data: &mut Option<HashAuditData>) {
        let fact = |x| Fact {
            source: src.clone(),
            fact: x,
        };
        match d {
            StepData::RouteLabel(r) => self.route_labels.push(Fact {
                source: src.clone(),
                fact: r,
            }),
            StepData::RouteDecision(r) => self.route_decisions.push(Fact {
                source: src.clone(),
                fact: r,
            }),
            StepData::OpensslCrosscheck(c) => self.openssl_crosschecks.push(Fact {
                source: src.clone(),
                fact: c,
            }),
            StepData::TsharkCrosscheck(c) => self.tshark_crosschecks.push(Fact {
                source: src.clone(),
                fact: c,
            }),
            StepData::Certificate(c) => self.certificates.push(Fact {
                source: src.clone(),
                fact: c,
            }),
            StepData::Csr(c) => self.csrs.push(Fact {
                source: src.clone(),
                fact: c,
            }),
            StepData::Crl(c) => self.crls.push(Fact {
                source: src.clone(),
                fact: c,
            }),
            StepData::KeyContainer(k) => self.keys.push(fact(k.key_fact())),
            StepData::Openssh(k) => {
                self.keys.push(fact(k.key_fact()));
                if let Some(c) = k.certificate {
                    self.openssh_certificates.push(Fact {
                        source: src.clone(),
                        fact: *c,
                    });
                }
            }
            StepData::Putty(k) => self.keys.push(fact(k.key_fact())),
            StepData::SshKeyFile(k) => self.keys.push(fact(k.key_fact())),
            StepData::PemEncrypted(k) => self.keys.push(fact(k.key_fact())),
            StepData::Jose(j) => {
                for k in &j.keys {
                    self.keys.push(fact(k.key_fact(j.container)));
                }
            }
            StepData::Params(_) | StepData::Constants(_) => {}
            // Read (a shape error is `unread`), not collected: no reader
            // asks for these yet.
            StepData::Intake(_)
            | StepData::RouteBundleLabel(_)
            | StepData::PqcBundle(_)
            | StepData::Pem(_)
            | StepData::TextDecode(_)
            | StepData::Der(_)
            | StepData::Regions(_)
            | StepData::Triage(_)
            | StepData::CrossPair(_)
            | StepData::Ocsp(_)
            | StepData::Smime(_)
            | StepData::SignatureValue(_)
            | StepData::Pcap(_)
            | StepData::TlsRecords(_)
            | StepData::Openpgp(_)
            | StepData::Verify(_)
            | StepData::Decapsulate(_)
            | StepData::Deep(_)
            | StepData::Heavy(_) => {}
            StepData::WeakKeyAudit(a) => self.weak_key_audits.push(Fact {
                source: src.clone(),
                fact: a,
            }),
            StepData::Cms(c) => self.cms.push(Fact {
                source: src.clone(),
                fact: c,
            }),
            StepData::Pkcs12(p) => self.pkcs12.push(Fact {
                source: src.clone(),
                fact: p,
            }),
            StepData::Bundle(b) => self.bundles.push(Fact {
                source: src.clone(),
                fact: b,
            }),
            StepData::HashAudit(h) => *hash_data = Some(h),
            StepData::Pqc(p) => self.pqc_probes.push(Fact {
                source: src.clone(),
                fact: p,
            }),
            StepData::Symmetric(_) => {}
            StepData::Hybrid(h) => self.hybrids.push(Fact {
                source: src.clone(),
                fact: h,
            }),
            StepData::Capture(c) => {
                for client in c.clients() {
                    self.tls_clients.push(Fact {
                        source: src.clone(),
                        fact: client,
                    });
                }
            }
            StepData::Libraries(l) => {
                for c in l.candidates {
                    self.libraries.push(Fact {
                        source: src.clone(),
                        fact: c,
                    });
                }
            }
            StepData::Object(o) => self.objects.push(Fact {
                source: src.clone(),
                fact: o,
            }),
        }
    }

    fn add_conclusion(
        &mut self,
        src: &Provenance,
        c: &Conclusion,
        o: ConclusionObjects,
        hash_data: &mut Option<HashAuditData>,
    ) {
        for m in o.members {
            self.members.push(Fact {
                source: src.clone(),
                fact: m,
            });
        }
        if let Some(h) = o.hash {
            self.hash_audits.push(Fact {
                source: src.clone(),
                fact: HashAudit {
                    conclusion: Some(h),
                    data: hash_data.take(),
                },
            });
        }
        if let Some(p) = o.pqc {
            self.pqc.push(Fact {
                source: src.clone(),
                fact: PqcFact {
                    algorithm: c.algorithm.clone(),
                    oid: c.oid.clone(),
                    basis: c.effective_basis(),
                    confidence: c.confidence,
                    labels: c.labels.clone(),
                    failures: c.failures.clone(),
                    pqc: p,
                },
            });
        }
        if let Some(cipher) = o.cipher {
            self.ciphers.push(Fact {
                source: src.clone(),
                fact: CipherFact {
                    basis: c.effective_basis(),
                    confidence: c.confidence,
                    labels: c.labels.clone(),
                    cipher,
                },
            });
        }
        if let Some(t) = o.tls {
            self.tls.push(Fact {
                source: src.clone(),
                fact: t,
            });
        }
    }
}
