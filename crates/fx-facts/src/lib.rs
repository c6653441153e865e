//! # fx-facts — one typed home for what fx concluded
//!
//! The stages write their findings as event `data` and `conclusion`
//! objects (DESIGN §3, §9). This crate gives each of them a typed,
//! documented record, so that reports, the CBOM and fx-features read the
//! same facts the same way instead of looking strings up in JSON:
//!
//! * [`intake`] — what fx-ingest took in;
//! * [`pem`], [`der`] — the PEM scan, text decoding and DER walk (fx-inspect);
//! * [`certificate`] — X.509 certificates, CSRs, CRLs and cross-certificate
//!   pairs (fx-inspect);
//! * [`ocsp`], [`smime`], [`signature`], [`openpgp`] — OCSP, S/MIME, bare
//!   DSA/ECDSA signature values, OpenPGP (fx-inspect);
//! * [`capture`] — pcap/pcapng framing and TLS record streams (fx-inspect);
//! * [`triage`] — fx-inspect's candidate regions and verdict;
//! * [`key`] — keys of every format, and [`KeyFact`], one view of a key;
//! * [`bundle`] — bundle members, CMS/PKCS#7 and PKCS#12;
//! * [`hash`] — the hash/KDF audit (fx-probe), never a hash or salt value;
//! * [`pqc`] — post-quantum candidates, structure checks, verification and
//!   decapsulation;
//! * [`cipher`] — symmetric-ciphertext signals and hybrid splits;
//! * [`tls`] — TLS client fingerprints (fx-fingerprint);
//! * [`library`] — crypto libraries, the structure of binaries and their
//!   deep analysis;
//! * [`route`] — what fx-route sniffed and decided;
//! * [`crosscheck`] — native parses checked against openssl and tshark;
//! * [`summary`] — the per-job summary with typed objects;
//! * [`step`] — the record of each step's data, by module and step;
//! * [`reader`] — [`JobFacts::from_events`], the one reader API;
//! * [`weakkey`] — the weak-key workbench's findings and metrics (fx-weakkeys);
//! * [`schema`] — the JSON Schema of the records, generated from them;
//! * [`conformance`] — the check that the records describe what the stages
//!   write (read, write back, compare).
//!
//! Reading is lenient where the wire format may grow: unknown fields are
//! ignored and optional fields are `Option`. Writing back gives the JSON the
//! stages write (tests check this over real runs), so a stage may build its
//! data through these records without changing a byte of evidence.
//!
//! ```
//! use fx_core::Event;
//! let events: Vec<Event> = vec![serde_json::from_str(
//!     r#"{"module":"probe","step":"hash_kdf","status":"ok",
//!         "conclusion":{"hash":{"scheme":"bcrypt","hashcat_mode":3200,"john_format":"bcrypt",
//!           "params":{"cost":4},"weaknesses":["cost_below_baseline"],"baseline":"owasp-2025",
//!           "totals":{"lines_seen":1,"identified":1,"unidentified":0,"not_audited":0,
//!             "not_text":0,"no_hash":0,"per_scheme":{"bcrypt":1},
//!             "per_weakness":{"cost_below_baseline":1},"truncated":false,
//!             "bytes_scanned":61,"byte_budget_hit":false}}}}"#,
//! ).unwrap()];
//! let facts = fx_facts::JobFacts::from_events(&events);
//! let audit = facts.hash_audits[0].fact.conclusion.as_ref().unwrap();
//! assert_eq!(audit.scheme.as_deref(), Some("bcrypt"));
//! assert_eq!(audit.params.cost, Some(4));
//! ```

pub mod bundle;
pub mod capture;
pub mod certificate;
pub mod cipher;
pub mod common;
pub mod conclusion;
pub mod conformance;
pub mod crosscheck;
pub mod der;
pub mod error;
pub mod hash;
pub mod heavy;
pub mod intake;
pub mod key;
pub mod library;
pub mod ocsp;
pub mod openpgp;
pub mod pem;
pub mod pqc;
pub mod reader;
pub mod route;
pub mod schema;
pub mod signature;
pub mod smime;
pub mod step;
pub mod summary;
pub mod tls;
pub mod triage;
pub mod weakkey;

pub use bundle::{CmsData, Member, Pkcs12Data};
pub use certificate::{CertificateData, CrlData, CsrData, Extension};
pub use cipher::{CipherSignals, HybridData, SymmetricData};
pub use common::{AlgorithmId, Finding, KeyAlgorithm, PbeScheme, Region};
pub use conclusion::ConclusionObjects;
pub use error::FactError;
pub use fx_core::summary::Outcomes;
pub use hash::{HashAuditData, HashConclusion, HashLine, HashParams, HashTotals};
pub use key::{KeyFact, KeyProtection, KeyVisibility};
pub use library::{Library, LibraryCandidate, ObjectData};
pub use pqc::{PqcCandidate, PqcConclusion, PqcProbeData};
pub use reader::{CipherFact, Fact, HashAudit, JobFacts, PqcFact, Provenance, Unread};
pub use route::{RouteDecisionData, RouteLabelData};
pub use step::StepData;
pub use summary::SummaryFacts;
pub use tls::{CaptureData, ClientHello, TlsClient, TlsConclusion};
pub use weakkey::{WeakKeyMetrics, WeakKeyRecord};
