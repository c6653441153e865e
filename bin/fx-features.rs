//! `fx-features`: thin entry point; the logic lives in the `fx-features` crate.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args = fx_core::cli::parse_args::<fx_features::Args>("fx-features");
    fx_core::cli::main_with("fx-features", || fx_features::run(&args))
}
