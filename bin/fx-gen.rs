//! `fx-gen`: thin entry point; the logic lives in the `fx-gen` crate.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args = fx_core::cli::parse_args::<fx_gen::Args>("fx-gen");
    fx_gen::main(&args)
}
