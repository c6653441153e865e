//! Synthetic job lines for the fx-features benchmark and manual tests.
//!
//! ```sh
//! synth_jobs RUN N               # scratch run in RUN (if new); N unsequenced job lines on stdout
//! synth_jobs RUN N --sequenced   # … and write them to RUN/telemetry/jobs.jsonl as fx-seq would
//! ```
//!
//! The jobs come from `fx_features::synth` (nine realistic shapes).

use std::io::{BufWriter, Write};
use std::path::PathBuf;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(run), Some(n)) = (args.first(), args.get(1)) else {
        anyhow::bail!("usage: synth_jobs RUN N [--sequenced]");
    };
    let run = PathBuf::from(run);
    let n: u64 = n.parse()?;
    let sequenced = args.iter().any(|a| a == "--sequenced");
    let dir = if run.join(fx_core::run::MANIFEST).is_file() {
        fx_core::run::RunDir::open(&run)?
    } else {
        std::fs::create_dir_all(&run)?;
        fx_core::testing::scratch_run(&run, fx_core::policy::Policy::default())?
    };
    let tenant = dir.manifest().tenants.first().cloned().unwrap_or_default();
    let out: Box<dyn Write> = if sequenced {
        let path = dir.subdir("telemetry")?.join("jobs.jsonl");
        Box::new(std::fs::File::create(path)?)
    } else {
        Box::new(std::io::stdout().lock())
    };
    let mut w = fx_core::jsonl::JsonlWriter::new(BufWriter::with_capacity(1 << 20, out));
    let mut event_seq = 0;
    for seq in 0..n {
        let mut job = fx_features::synth::job(dir.run_id(), &tenant, seq);
        if sequenced {
            event_seq = fx_features::synth::sequence(&mut job, event_seq);
        }
        w.write(&job)?;
    }
    w.flush()?;
    Ok(())
}
