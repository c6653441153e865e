//! fx-seq (being built).

/// Command-line arguments of `fx-seq`.
#[derive(Debug, clap::Parser)]
#[command(name = "fx-seq", version)]
pub struct Args {
    /// Run directory; defaults to $FX_RUN.
    #[arg(long, env = "FX_RUN")]
    pub run: std::path::PathBuf,
}

/// Runs the command.
pub fn run(_args: &Args) -> anyhow::Result<()> {
    anyhow::bail!("fx-seq is not built yet")
}
