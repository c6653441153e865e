//! Synthetic job lines for the fx-seq benchmark.
//!
//! ```text
//! cargo run --release -p fx-seq --example gen_jobs -- RUN N [KEYED] > jobs.jsonl
//! ```
//!
//! Creates a scratch run in `RUN` (run id and tenant of
//! `fx_core::testing`), then prints `N` job lines in a shuffled order (a
//! fixed-seed Fisher–Yates permutation of `artifact_seq`), each shaped like a
//! real job after the analysis stages: intake metadata, a custody note, and
//! four to six events (ingest, route with a conclusion, inspect with an error
//! now and then, probe skips with budget reasons, a tool run every tenth job).
//! With `KEYED`, also writes `artifact_seq<TAB>line` for each line to that
//! file, so GNU sort can sort the same lines by key.
//! The blobs the lines reference do not exist: fx-seq does not read them
//! (only `--verify` does).

use std::io::{BufWriter, Write};

use fx_core::event::{ErrorInfo, Event, StreamRef, ToolRun};
use fx_core::job::{Artifact, CustodyNote, Intake, Job};
use fx_core::text::Text;
use fx_core::vocab::{Conclusion, Container, Encoding, FailureKind, Label};

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(run), Some(n)) = (args.get(1), args.get(2)) else {
        anyhow::bail!("usage: gen_jobs RUN N [KEYED] > jobs.jsonl");
    };
    let n: u64 = n.parse()?;
    let run = std::path::Path::new(run);
    std::fs::create_dir_all(run)?;
    let rd = fx_core::testing::scratch_run(run, Default::default())?;
    let mut keyed = match args.get(3) {
        Some(p) => Some(BufWriter::with_capacity(1 << 20, std::fs::File::create(p)?)),
        None => None,
    };

    let mut order: Vec<u64> = (0..n).collect();
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    for i in (1..order.len()).rev() {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let j = (state % (i as u64 + 1)) as usize;
        order.swap(i, j);
    }

    let out = std::io::stdout().lock();
    let mut out = BufWriter::with_capacity(1 << 20, out);
    let mut line = Vec::with_capacity(4096);
    for seq in order {
        let job = make_job(rd.run_id(), seq);
        line.clear();
        serde_json::to_writer(&mut line, &job)?;
        line.push(b'\n');
        out.write_all(&line)?;
        if let Some(k) = keyed.as_mut() {
            write!(k, "{seq}\t")?;
            k.write_all(&line)?;
        }
    }
    out.flush()?;
    if let Some(mut k) = keyed {
        k.flush()?;
    }
    Ok(())
}

fn make_job(run_id: &str, seq: u64) -> Job {
    let hash = fx_core::hashing::sha256_hex(&seq.to_le_bytes());
    let mut job = Job {
        fx: fx_core::JOB_FORMAT.into(),
        run_id: run_id.into(),
        artifact: Artifact {
            artifact_id: fx_core::ids::short_id("gen", &[hash.as_bytes()]),
            artifact_hash: Some(format!("sha256:{hash}")),
            artifact_ref: Some(format!("blobs/sha256/{}/{}", &hash[..2], &hash[2..])),
            artifact_seq: seq,
            size: Some(1000 + seq % 5000),
            intake: Intake {
                case: "bench-case".into(),
                source: "synthetic".into(),
                tenant: fx_core::testing::SCRATCH_TENANT.into(),
                path: Text::from(format!("evidence/batch-{}/file-{seq:07}.bin", seq % 97).as_str()),
                collected_at: Some("2026-01-01T00:00:00Z".into()),
                hints: Default::default(),
                bundle: None,
            },
            custody: vec![CustodyNote {
                actor: "fx-ingest 0.1.0".into(),
                action: "ingested".into(),
                note: None,
                path: None,
            }],
            members: Vec::new(),
        },
        events: Vec::new(),
    };
    job.push(
        Event::ok("ingest", "read").with_data(serde_json::json!({"bytes": 1000 + seq % 5000})),
    );
    let label = [
        Label::Certificate,
        Label::SymmetricCiphertext,
        Label::HashKdfMaterial,
    ][(seq % 3) as usize];
    job.push(
        Event::ok("route", "label")
            .with_data(serde_json::json!({"signals":["magic","entropy_class"],"confidence":0.9}))
            .with_conclusion(Conclusion {
                labels: vec![label],
                ..Default::default()
            }),
    );
    if seq.is_multiple_of(7) {
        job.push(Event::error(
            "inspect",
            "der",
            ErrorInfo::new(FailureKind::Truncated)
                .at(seq % 900)
                .detail("input ends inside a SEQUENCE"),
        ));
    } else {
        job.push(Event::ok("inspect", "pem").with_conclusion(Conclusion {
            container: Some(Container::X509Certificate),
            encoding: Some(Encoding::Pem),
            algorithm: Some("RSA".into()),
            key_bits: Some(2048),
            ..Default::default()
        }));
    }
    job.push(Event::skipped("probe", "hybrid", "budget:probes"));
    if seq.is_multiple_of(10) {
        let h = fx_core::hashing::sha256_hex(&(seq + 1).to_le_bytes());
        job.push(Event::ok("inspect", "openssl_x509").with_tool(ToolRun {
            name: "openssl".into(),
            version: Some("OpenSSL 3.0.19".into()),
            binary_hash: None,
            argv: vec!["x509".into(), "-noout".into(), "-text".into()],
            exit_code: Some(0),
            signal: None,
            timed_out: false,
            sandbox: "bwrap".into(),
            stdout: Some(StreamRef {
                blob_ref: format!("blobs/sha256/{}/{}", &h[..2], &h[2..]),
                hash: format!("sha256:{h}"),
                bytes: 2000,
                kept: 2000,
                truncated: false,
            }),
            stderr: None,
        }));
    }
    job
}
