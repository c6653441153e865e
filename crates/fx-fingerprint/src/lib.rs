//! # fx-fingerprint — which crypto implementation, which TLS client
//!
//! The fingerprint stage of fx (DESIGN §1, §9 `libraries` and `tls`). It adds
//! implementation fingerprints to jobs routed as `protocol_capture` or
//! `binary_target`:
//!
//! * [`capture`]: pcap/pcapng read natively, TCP first flights reassembled,
//!   ClientHello → JA4 (+ `_r`, `_o`, `_ro`), JA3, offered versions, groups
//!   (post-quantum and hybrid named), key shares, SNI, ALPN; ServerHello →
//!   negotiated version, cipher and group; QUIC Initials; an optional tshark
//!   cross-check.
//! * [`binary`]: ELF/PE/Mach-O read with goblin, crypto libraries recognised
//!   from one data table (linkage, symbols, version strings, constants),
//!   consumers told apart from static copies; deep instruction-level evidence
//!   gated by policy, a shared concurrency cap and a cache.

pub mod binary;
pub mod capture;
pub mod stage;

pub use stage::Fingerprinter;
