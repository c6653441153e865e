//! Writes only `RUN/reports/cbom.cdx.json` (no summary, no findings), so
//! that `pipelines/bench/fx-report.sh` can time the CBOM apart from the rest
//! of fx-report.
//!
//! ```sh
//! cbom_only RUN [1.6|1.7]
//! ```

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(run), spec) = (args.first(), args.get(1).map(String::as_str)) else {
        eprintln!("usage: cbom_only RUN [1.6|1.7]");
        return ExitCode::from(2);
    };
    let spec = match spec {
        None | Some("1.6") => fx_report::cbom::Spec::V1_6,
        Some("1.7") => fx_report::cbom::Spec::V1_7,
        Some(other) => {
            eprintln!("cbom_only: unknown CycloneDX version {other} (1.6 or 1.7)");
            return ExitCode::from(2);
        }
    };
    let result = fx_core::run::RunDir::open(std::path::Path::new(run))
        .map_err(|e| e.to_string())
        .and_then(|run| fx_report::cbom::write(&run, spec).map_err(|e| e.to_string()));
    match result {
        Ok(counts) => {
            eprintln!("{counts:?}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("cbom_only: {e}");
            ExitCode::FAILURE
        }
    }
}
