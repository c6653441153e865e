//! `fx-fingerprint`: Fingerprints crypto implementations in binaries and TLS clients in captures. The logic lives in the `fx-fingerprint` crate.

use std::process::ExitCode;

fn main() -> ExitCode {
    fx_core::cli::stage_main(
        "fx-fingerprint",
        "Fingerprints crypto implementations in binaries and TLS clients in captures",
        "fx-fingerprint --run RUN < probed.jsonl > fingerprinted.jsonl",
        fx_fingerprint::Fingerprinter::new,
    )
}
