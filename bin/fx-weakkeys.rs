//! `fx-weakkeys`: thin entry point; the logic lives in the `fx-weakkeys` crate.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args = fx_core::cli::parse_args::<fx_weakkeys::Args>("fx-weakkeys");
    fx_weakkeys::main(&args)
}

/// mimalloc, as in the other commands.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;
