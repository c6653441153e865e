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
