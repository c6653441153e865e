//! `fx-gen TEMPLATE OUT`: deterministic post-quantum ground truth.
//!
//! From a TOML template ([`template`]) fx-gen makes, for every parameter
//! set asked for ([`schemes`]: the liboqs-backed sets fx knows), key pairs
//! and signatures or ciphertexts, writes them raw and in the wrappers asked
//! for ([`wrap`]: SPKI/PKCS#8 DER and PEM, self-signed certificates, TLS
//! `key_share` entries, verify/decapsulate bundles), adds invalid variants
//! (a flipped byte, a truncated key, a swapped public key), and records for
//! each object a truth line and a provenance event ([`truth`]).
//!
//! Every random byte comes from a per-object stream seeded with
//! `SHA-256(template bytes ‖ toolchain hash ‖ object id)` ([`drbg`]; liboqs'
//! own randomness is hooked, [`liboqs_rng`]), so the same template gives
//! byte-identical OUT with the same toolchain, at any `-j`.
//!
//! OUT: `objects/` (one file per object or bundle member, named by its
//! stable id), `truth.jsonl`, `provenance.jsonl`, `intake.csv` (for
//! `fx-ingest --intake`, bundles included) and `provenance.json`. Every
//! file is written to a temporary name and renamed; `provenance.json`
//! last.

pub mod drbg;
pub mod error;
pub mod liboqs_rng;
pub mod objects;
pub mod schemes;
pub mod template;
pub mod truth;
pub mod wrap;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

pub use error::GenError;
use objects::{Ctx, Produced};
use template::Template;
use truth::{Provenance, Skipped};

/// The fx-gen version.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

const CARGO_LOCK: &str = include_str!("../../../Cargo.lock");

/// Command-line arguments of `fx-gen`.
#[derive(Debug, clap::Parser)]
#[command(
    name = "fx-gen",
    version,
    about = "Deterministic post-quantum ground truth: keys, signatures, ciphertexts, wrappers and defects from a template",
    after_help = "Example:\n  fx-gen crates/fx-gen/templates/default.toml gen-out\n  cd gen-out && fx-ingest --run ../run --decapsulation --intake intake.csv | fx-route --run ../run | …"
)]
pub struct Args {
    /// The template (TOML; docs/fx-gen.md).
    #[arg(required_unless_present = "list")]
    pub template: Option<PathBuf>,
    /// Output directory (new, or an earlier fx-gen output).
    #[arg(required_unless_present = "list")]
    pub out: Option<PathBuf>,
    /// Worker threads (default: all cores). Output is identical at any value.
    #[arg(short = 'j', long = "jobs")]
    pub jobs: Option<usize>,
    /// Print the parameter sets fx-gen knows (and why any is unavailable).
    #[arg(long)]
    pub list: bool,
}

/// What a generation wrote.
#[derive(Debug)]
pub struct Summary {
    /// Truth lines.
    pub objects: u64,
    /// Files under `objects/`.
    pub files: u64,
    /// Sets asked for but not made.
    pub skipped: usize,
}

/// The versions the toolchain hash covers: fx-gen itself, liboqs (the
/// `oqs-sys` crate that bundles it) and the RustCrypto signers. Only
/// versions, nothing of the machine: the same versions give the same hash
/// everywhere.
pub fn toolchain() -> BTreeMap<String, String> {
    let mut m = BTreeMap::new();
    m.insert("fx-gen".to_owned(), VERSION.to_owned());
    for (key, package) in [
        ("liboqs", "oqs-sys"),
        ("ml-dsa", "ml-dsa"),
        ("slh-dsa", "slh-dsa"),
        ("der", "der"),
    ] {
        m.insert(
            key.to_owned(),
            lock_version(CARGO_LOCK, package).unwrap_or_else(|| "none".to_owned()),
        );
    }
    m
}

/// `sha256:<hex>` of the canonical JSON of [`toolchain`].
pub fn toolchain_hash() -> String {
    fx_core::ids::canonical_hash(&toolchain())
}

fn lock_version(lock: &str, name: &str) -> Option<String> {
    let want = format!("name = \"{name}\"");
    let mut lines = lock.lines();
    while let Some(l) = lines.next() {
        if l.trim() == want {
            return lines
                .next()?
                .trim()
                .strip_prefix("version = \"")?
                .strip_suffix('"')
                .map(str::to_owned);
        }
    }
    None
}

/// The `--list` text: one set a line, its backend or why it is unavailable.
pub fn list() -> String {
    let mut s = String::new();
    for sc in schemes::known() {
        let b = match sc.backend {
            Ok(b) => b.as_str(),
            Err(why) => why,
        };
        s.push_str(&format!(
            "{}\t{}\t{}\n",
            sc.set.name,
            sc.set.kind.as_str(),
            b
        ));
    }
    s
}

/// Generates OUT from the template at `template`.
pub fn generate(template: &Path, out: &Path, jobs: usize) -> Result<Summary, GenError> {
    let bytes = std::fs::read(template).map_err(|source| GenError::ReadTemplate {
        path: template.to_owned(),
        source,
    })?;
    let t = Template::parse(&bytes)?;
    check_out(out)?;
    let toolchain_hash = toolchain_hash();
    let ctx = Ctx {
        template: &t,
        template_bytes: &bytes,
        toolchain_hash: &toolchain_hash,
    };
    let mut skipped = Vec::new();
    let mut work = Vec::new();
    for s in t.schemes() {
        match s.backend {
            Ok(_) => work.extend((0..t.count).map(|i| (s.clone(), i))),
            Err(reason) => skipped.push(Skipped {
                algorithm: s.set.name,
                reason,
            }),
        }
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs.max(1))
        .build()
        .map_err(|e| GenError::Generate {
            id: "thread pool".to_owned(),
            detail: e.to_string(),
        })?;
    // Results come back in work order whatever thread made them.
    let made: Vec<Result<Vec<Produced>, objects::Failure>> = pool.install(|| {
        work.par_iter()
            .map(|(s, i)| objects::make(&ctx, s, *i))
            .collect()
    });
    let mut produced = Vec::new();
    for r in made {
        produced.extend(r.map_err(|(id, detail)| GenError::Generate { id, detail })?);
    }
    write_out(out, &t, &bytes, &toolchain_hash, produced, skipped)
}

fn check_out(out: &Path) -> Result<(), GenError> {
    let write_err = |source| GenError::Write {
        path: out.to_owned(),
        source,
    };
    match std::fs::read_dir(out) {
        Ok(mut rd) => {
            if rd.next().is_some() && !out.join("provenance.json").is_file() {
                return Err(GenError::NotAnOutput(out.to_owned()));
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(write_err(e)),
    }
    std::fs::create_dir_all(out.join("objects")).map_err(write_err)
}

/// Writes `bytes` to `path` through a temporary file in the same directory
/// and a rename, so no reader ever sees half a file.
fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), GenError> {
    let err = |source| GenError::Write {
        path: path.to_owned(),
        source,
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let tmp = dir.join(format!(".{name}.fx-gen-tmp"));
    let mut f = std::fs::File::create(&tmp).map_err(err)?;
    f.write_all(bytes).map_err(err)?;
    f.sync_all().map_err(err)?;
    drop(f);
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        err(e)
    })
}

fn jsonl<T: serde::Serialize>(items: impl Iterator<Item = T>) -> Vec<u8> {
    let mut out = Vec::new();
    for it in items {
        // Serialising these plain structs cannot fail.
        out.extend(serde_json::to_vec(&it).unwrap_or_default());
        out.push(b'\n');
    }
    out
}

fn write_out(
    out: &Path,
    t: &Template,
    template_bytes: &[u8],
    toolchain_hash: &str,
    produced: Vec<Produced>,
    skipped: Vec<Skipped>,
) -> Result<Summary, GenError> {
    let mut files = 0u64;
    let mut intake = String::from("path,case,bundle,role\n");
    for p in &produced {
        let bundle = !p.truth.members.is_empty();
        for (i, (path, bytes)) in p.files.iter().enumerate() {
            write_atomic(&out.join(path), bytes)?;
            files += 1;
            if bundle {
                let role = p.truth.members[i].role;
                intake.push_str(&format!("{path},fx-gen,{},{role}\n", p.truth.path));
            } else {
                intake.push_str(&format!("{path},fx-gen,,\n"));
            }
        }
    }
    write_atomic(&out.join("intake.csv"), intake.as_bytes())?;
    write_atomic(
        &out.join("truth.jsonl"),
        &jsonl(produced.iter().map(|p| &p.truth)),
    )?;
    write_atomic(
        &out.join("provenance.jsonl"),
        &jsonl(produced.iter().map(|p| &p.provenance)),
    )?;
    let objects = produced.len() as u64;
    let n_skipped = skipped.len();
    let prov = Provenance {
        generator: format!("fx-gen {VERSION}"),
        template_name: t.name.clone(),
        template_sha256: fx_core::hashing::sha256_tagged(template_bytes),
        toolchain: toolchain(),
        toolchain_hash: toolchain_hash.to_owned(),
        seed_derivation: "sha256(template bytes || toolchain_hash (its text) || seed id)",
        drbg: "SHAKE256(\"fx-gen/drbg/1\" || seed); liboqs' OQS_randombytes reads the same stream",
        objects,
        files,
        skipped,
    };
    let mut json = serde_json::to_vec_pretty(&prov).unwrap_or_default();
    json.push(b'\n');
    write_atomic(&out.join("provenance.json"), &json)?;
    Ok(Summary {
        objects,
        files,
        skipped: n_skipped,
    })
}

/// The command: generate (or list) and map the outcome to an exit code.
pub fn main(args: &Args) -> std::process::ExitCode {
    use std::process::ExitCode;
    if args.list {
        print!("{}", list());
        return ExitCode::SUCCESS;
    }
    let (Some(template), Some(out)) = (&args.template, &args.out) else {
        eprintln!("fx-gen: TEMPLATE and OUT are required");
        return ExitCode::from(2);
    };
    match generate(template, out, fx_core::cli::resolve_jobs(args.jobs)) {
        Ok(s) => {
            eprintln!(
                "fx-gen: {} objects, {} files in {} ({} sets skipped)",
                s.objects,
                s.files,
                out.display(),
                s.skipped
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            let msg = e.to_string();
            eprintln!(
                "fx-gen: {}",
                msg.split_whitespace().collect::<Vec<_>>().join(" ")
            );
            ExitCode::from(e.exit_code())
        }
    }
}
