//! `fx-seq`: thin entry point; the logic lives in the `fx-seq` crate.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args = fx_core::cli::parse_args::<fx_seq::Args>("fx-seq");
    fx_core::cli::main_with("fx-seq", || fx_seq::run(&args))
}
