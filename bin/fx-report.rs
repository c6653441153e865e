//! `fx-report`: thin entry point; the logic lives in the `fx-report` crate.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args = fx_core::cli::parse_args::<fx_report::Args>("fx-report");
    fx_core::cli::main_with("fx-report", || fx_report::run(&args))
}
