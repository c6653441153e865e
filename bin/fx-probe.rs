//! `fx-probe`: Runs symmetric, post-quantum, hybrid and hash/KDF audit probes within budgets. The logic lives in the `fx-probe` crate.

use std::process::ExitCode;

fn main() -> ExitCode {
    fx_core::cli::stage_main(
        "fx-probe",
        "Runs symmetric, post-quantum, hybrid and hash/KDF audit probes within budgets",
        "fx-probe --run RUN < inspected.jsonl > probed.jsonl",
        fx_probe::Prober::new,
    )
}

/// mimalloc: every stage allocates many small JSON values per job, and
/// glibc's malloc and free took a third of fx-inspect's time.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;
