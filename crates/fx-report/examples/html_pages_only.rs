//! Writes only the artifact pages of `report.html` (`reports/artifacts/`),
//! for the benchmark to tell their cost apart from the rest of fx-report:
//! `html_pages_only RUN`.

fn main() -> anyhow::Result<()> {
    let run = std::env::args()
        .nth(1)
        .ok_or_else(|| anyhow::anyhow!("usage: html_pages_only RUN"))?;
    let run = fx_core::run::RunDir::open(&run)?;
    let pages = fx_report::html::artifacts::write(&run)?;
    println!(
        "{} pages, {} artifacts",
        pages.pages.len(),
        pages.pages.iter().map(|p| p.artifacts).sum::<u64>()
    );
    Ok(())
}
