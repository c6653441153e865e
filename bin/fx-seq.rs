//! `fx-seq`: thin entry point; the logic lives in the `fx-seq` crate.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args = fx_core::cli::parse_args::<fx_seq::Args>("fx-seq");
    fx_core::cli::main_with("fx-seq", || fx_seq::run(&args))
}

/// mimalloc: every stage allocates many small JSON values per job, and
/// glibc's malloc and free took a third of fx-inspect's time.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;
