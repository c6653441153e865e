//! `fx-inspect`: Reads wrappers and containers (PEM, DER, X.509, PKCS, OpenSSH, pcap) and finds candidate core regions. The logic lives in the `fx-inspect` crate.

use std::process::ExitCode;

fn main() -> ExitCode {
    fx_core::cli::stage_main(
        "fx-inspect",
        "Reads wrappers and containers (PEM, DER, X.509, PKCS, OpenSSH, pcap) and finds candidate core regions",
        "fx-inspect --run RUN < routed.jsonl > inspected.jsonl",
        fx_inspect::Inspector::new,
    )
}

/// mimalloc: every stage allocates many small JSON values per job, and
/// glibc's malloc and free took a third of fx-inspect's time.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;
