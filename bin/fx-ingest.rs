//! `fx-ingest`: thin entry point; the logic lives in the `fx-ingest` crate.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args = fx_core::cli::parse_args::<fx_ingest::Args>("fx-ingest");
    // FX_BUILD: the digest of the sources this binary was built from (build.rs).
    fx_core::cli::main_with("fx-ingest", || {
        fx_ingest::run_built(&args, Some(env!("FX_BUILD")))
    })
}

/// mimalloc: every stage allocates many small JSON values per job, and
/// glibc's malloc and free took a third of fx-inspect's time.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;
