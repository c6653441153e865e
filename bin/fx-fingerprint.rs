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

/// mimalloc: every stage allocates many small JSON values per job, and
/// glibc's malloc and free took a third of fx-inspect's time.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;
