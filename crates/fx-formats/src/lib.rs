//! # fx-formats — parsing shared by the stages
//!
//! Stage crates never depend on each other (DESIGN §2); what several of them
//! parse lives here.
//!
//! * [`pqc_params`] — every post-quantum parameter set with its OIDs and sizes;
//! * [`oids`] — the algorithm-identifier registry (classical, PQC, composite);
//! * [`pem`] — PEM block scanning with armor/base64 failure shapes;
//! * [`der`] — a bounded DER/BER walker (depth, node and length limits);
//! * [`digest`] — whether a bare hex string can be a digest;
//! * [`tls`] — TLS record and handshake message headers;
//! * [`tls_groups`] — the TLS Supported Groups registry and bare
//!   `KeyShareEntry` recognition;
//! * [`capture`] — pcap/pcapng magic numbers and the walk over their blocks;
//! * [`openpgp`] — OpenPGP armor (CRC-24, cleartext signatures), a bounded
//!   packet walk and the key, signature and session-key fields.

pub mod capture;
pub mod der;
pub mod digest;
pub mod oids;
pub mod openpgp;
pub mod pem;
pub mod pqc_params;
pub mod tls;
pub mod tls_groups;
pub mod zlib;
