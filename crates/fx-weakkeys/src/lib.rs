//! # fx-weakkeys — the weak-key workbench (docs/weakkeys.md)
//!
//! A run-level step: it reads every artifact of a run (and every bundle
//! member), takes the RSA and EC public keys out of certificates, SPKI and
//! PKCS#1 public keys and OpenSSH public-key lines ([`extract`]), and
//! checks them ([`checks`]): small factors, Fermat-close primes, the ROCA
//! fingerprint, small or unusual public exponents, a small private
//! exponent, moduli below 2048 bits, keys on a user-supplied blocklist,
//! points not on their curve and small-order X25519 keys, and, over every
//! RSA modulus of the run at once, primes shared between moduli
//! ([`batchgcd`]). It writes one [`WeakKeyRecord`] per weak key to
//! `RUN/weakkeys/findings.jsonl` (sorted by key; the same bytes whatever
//! the order of the artifacts) and [`WeakKeyMetrics`] to
//! `RUN/metrics/weakkeys.json`.
//!
//! Factors and private values are never written: the checks return only
//! weakness ids, errors never print a number of a key, and the scratch
//! files of the batch GCD hold products of public moduli and are removed.

pub mod batchgcd;
pub mod checks;
pub mod extract;
mod stream;

pub use stream::stream;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use fx_core::cli::RunArgs;
use fx_core::run::{RunDir, write_atomic, write_json_atomic};
use fx_facts::weakkey::{WEAKKEY_FORMAT, WEAKKEY_METRICS_FORMAT, WeakKeyMetrics, WeakKeyRecord};
use rayon::prelude::*;
use rug::Integer;
use rug::integer::Order;
use sha2::{Digest, Sha256};

use crate::checks::RsaChecker;
use crate::extract::{Curve, Found, PublicKey};

/// Findings file, relative to the run.
pub const FINDINGS_FILE: &str = "weakkeys/findings.jsonl";
/// Metrics file, relative to the run.
pub const METRICS_FILE: &str = "metrics/weakkeys.json";
/// Largest RSA modulus checked, in bits; a larger one is a `failed`
/// record (`modulus_too_large`), never arithmetic.
pub const MAX_MODULUS_BITS: u64 = 16384;
/// Largest RSA public exponent checked, in bits (`exponent_too_large`).
pub const MAX_EXPONENT_BITS: u64 = 16384;
/// Keys taken from one artifact at most.
pub const MAX_KEYS_PER_ARTIFACT: usize = 100_000;
/// Keys sharing primes paired up with each other at most (pairwise GCD
/// among them); past it `shared_with` is left empty and marked truncated.
pub const MAX_PAIRED_KEYS: usize = 2048;

/// Command-line arguments of `fx-weakkeys`.
#[derive(Debug, clap::Parser)]
#[command(
    name = "fx-weakkeys",
    version,
    about = "The weak-key workbench: checks every RSA and EC public key of a run (shared primes by batch GCD, small factors, Fermat, ROCA, exponents, blocklist, EC points); writes RUN/weakkeys/findings.jsonl",
    after_help = "Needs a run whose policy allows heavy work (fx-ingest --heavy-work). Factors and private keys are never written.\n\nExamples:\n  fx-weakkeys --run runs/case1 --blocklist badkeys-sha256.txt\n  fx-fingerprint --run runs/case1 < jobs | fx-weakkeys --run runs/case1 --stream | fx-seq --run runs/case1"
)]
pub struct Args {
    /// Run directory and worker threads.
    #[command(flatten)]
    pub run: RunArgs,
    /// Blocklist: one hex SHA-256 per line (of the SPKI, of the RSA modulus
    /// as unsigned big-endian bytes, or of an EC point or its x coordinate;
    /// a prefix of at least 30 hex digits, badkeys' 15 bytes, also matches).
    #[arg(long, value_name = "FILE")]
    pub blocklist: Option<PathBuf>,
    /// Memory cap of the batch GCD's product tree in MiB; levels past it go
    /// to disk (default: the policy's `heavy.weakkeys.memory_bytes`).
    #[arg(long, value_name = "MIB")]
    pub memory_cap_mib: Option<u64>,
    /// Run as a stage of the batch, before fx-seq: read job lines on stdin,
    /// audit every key of them at once, write each line back with its
    /// `weakkeys`/`audit` event (the summary's `key_weaknesses`). Under a
    /// policy without heavy work the lines pass through unchanged.
    #[arg(long)]
    pub stream: bool,
}

/// Runs the command.
pub fn main(args: &Args) -> ExitCode {
    fx_core::cli::main_with("fx-weakkeys", || {
        if args.stream {
            return stream_main(args);
        }
        let run = RunDir::open(&args.run.run)?;
        if !run.policy().safety.heavy_work {
            bail!(
                "the run's policy does not allow heavy work (safety.heavy_work = false; ingest with --heavy-work)"
            );
        }
        let blocklist = match &args.blocklist {
            Some(path) => read_blocklist(path)?,
            None => Vec::new(),
        };
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(args.run.jobs())
            .build()
            .context("thread pool")?;
        let options = Options {
            blocklist,
            memory_cap: memory_cap(args, &run),
        };
        // A task of the run's heavy pool like the batch's audit: it waits
        // for a slot; its figures go to RUN/metrics/heavy.jsonl.
        let module = fx_core::heavy::HeavyModule::Weakkeys;
        let Some(slot) =
            fx_core::heavy::HeavyPool::open(&run).admit(module, module.limits(run.policy()), 0)?
        else {
            bail!(
                "no heavy slot came free within heavy.max_wait_ms = {} ms",
                run.policy().heavy.max_wait_ms
            );
        };
        let m = pool.install(|| workbench(&run, &options))?;
        slot.finish(fx_core::heavy::Decision::Admitted);
        let weak: u64 = m.per_weakness.values().sum();
        println!(
            "fx-weakkeys: {} RSA and {} EC keys checked, {} weaknesses, {} keys not checked -> {}",
            m.rsa_keys, m.ec_keys, weak, m.failed_keys, FINDINGS_FILE
        );
        Ok(())
    })
}

/// `--stream`: the batch's stage (see [`stream`]).
fn stream_main(args: &Args) -> Result<()> {
    let mut input = fx_core::cli::open_input(None)?;
    fx_core::cli::wait_for_input(&mut input)?;
    let run = RunDir::open(&args.run.run)?;
    let options = Options {
        blocklist: match &args.blocklist {
            Some(path) => read_blocklist(path)?,
            None => Vec::new(),
        },
        memory_cap: memory_cap(args, &run),
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.run.jobs())
        .build()
        .context("thread pool")?;
    let stdout = std::io::stdout().lock();
    stream(&run, input, stdout, &options, &pool)?;
    Ok(())
}

/// The tree's memory cap in bytes: `--memory-cap-mib`, else the policy's
/// `heavy.weakkeys.memory_bytes`.
fn memory_cap(args: &Args, run: &RunDir) -> u64 {
    args.memory_cap_mib
        .map_or(run.policy().heavy.weakkeys.memory_bytes, |m| {
            m.saturating_mul(1 << 20)
        })
}

/// What a workbench run uses besides the run.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Blocklist entries: lowercase hex prefixes of SHA-256 digests (30 to 64 digits).
    pub blocklist: Vec<String>,
    /// Memory cap of the product tree in bytes.
    pub memory_cap: u64,
}

/// Reads a blocklist file: one hex SHA-256 (or a prefix of at least 30 hex
/// digits) per line; blank lines and `#` comments are skipped.
pub fn read_blocklist(path: &Path) -> Result<Vec<String>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("blocklist {}", path.display()))?;
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let ok = (30..=64).contains(&line.len()) && line.bytes().all(|b| b.is_ascii_hexdigit());
        if !ok {
            bail!(
                "blocklist {} line {}: not a hex SHA-256 (30 to 64 hex digits)",
                path.display(),
                i + 1
            );
        }
        out.push(line.to_ascii_lowercase());
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// An RSA modulus of the run with everything seen with it.
#[derive(Default)]
struct RsaEntry {
    exponents: BTreeSet<Vec<u8>>,
    spki: BTreeSet<[u8; 32]>,
    artifacts: BTreeSet<String>,
}

/// An EC point of the run.
#[derive(Default)]
struct EcEntry {
    spki: BTreeSet<[u8; 32]>,
    artifacts: BTreeSet<String>,
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn blocklisted(list: &[String], digests: &[String]) -> bool {
    !list.is_empty()
        && digests
            .iter()
            .any(|d| list.iter().any(|entry| d.starts_with(entry.as_str())))
}

/// The artifacts of the run: `(artifact_id, blob hash)` for every job and
/// bundle member of `telemetry/jobs.jsonl` (or, before fx-seq ran, of
/// `registry/registry.jsonl`).
fn artifact_list(run: &RunDir) -> Result<Vec<(String, String)>> {
    let jobs = run.path().join("telemetry/jobs.jsonl");
    let path = if jobs.exists() {
        jobs
    } else {
        run.path().join("registry/registry.jsonl")
    };
    let file = std::fs::File::open(&path).with_context(|| format!("{}", path.display()))?;
    let max_line = usize::try_from(run.policy().limits.max_line_bytes).unwrap_or(usize::MAX);
    let mut reader = fx_core::jsonl::LineReader::new(std::io::BufReader::new(file), max_line);
    let mut out = Vec::new();
    while let Some((line, bytes)) = reader.next_line()? {
        let v: serde_json::Value = serde_json::from_slice(bytes)
            .with_context(|| format!("{} line {line}", path.display()))?;
        let artifact = v.get("artifact").unwrap_or(&v);
        let Some(id) = artifact.get("artifact_id").and_then(|x| x.as_str()) else {
            continue;
        };
        // a bundle's own hash names its member list, not a blob
        let has_blob = |v: &serde_json::Value| v.get("artifact_ref").is_some_and(|r| r.is_string());
        if has_blob(artifact)
            && let Some(h) = artifact.get("artifact_hash").and_then(|x| x.as_str())
        {
            out.push((id.to_owned(), h.to_owned()));
        }
        for m in artifact
            .get("members")
            .and_then(|x| x.as_array())
            .into_iter()
            .flatten()
        {
            if has_blob(m)
                && let Some(h) = m.get("hash").and_then(|x| x.as_str())
            {
                out.push((id.to_owned(), h.to_owned()));
            }
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// Runs the workbench over `run`: writes the findings and metrics files and
/// returns the metrics.
pub fn workbench(run: &RunDir, options: &Options) -> Result<WeakKeyMetrics> {
    let start = Instant::now();
    let list = artifact_list(run)?;
    let mut audit = audit(run, &list, options)?;
    write_outputs(run, &mut audit, start)?;
    Ok(audit.metrics)
}

/// What one artifact (job) of the audit held.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ArtifactKeys {
    /// Public keys read from its blobs (its own and its members').
    pub keys_read: u64,
    /// Its blobs that could not be read (missing, or over `limits.max_artifact_bytes`).
    pub unreadable: u64,
}

/// The audit of a list of artifacts, before anything is written.
#[derive(Clone, Debug, Default)]
pub struct Audit {
    /// One record per weak or unchecked key, sorted by key.
    pub records: Vec<WeakKeyRecord>,
    /// Counts and timings.
    pub metrics: WeakKeyMetrics,
    /// Per artifact id: keys read and blobs unreadable.
    pub artifacts: BTreeMap<String, ArtifactKeys>,
}

/// Writes `RUN/weakkeys/findings.jsonl` and `RUN/metrics/weakkeys.json`
/// (the command's seconds counted from `start`).
fn write_outputs(run: &RunDir, audit: &mut Audit, start: Instant) -> Result<()> {
    let mut out = Vec::new();
    for r in &audit.records {
        serde_json::to_writer(&mut out, r).context("findings line")?;
        out.push(b'\n');
    }
    run.subdir("weakkeys")?;
    write_atomic(&run.path().join(FINDINGS_FILE), &out)?;
    audit.metrics.wall_seconds = start.elapsed().as_secs_f64();
    let metrics_dir = run.subdir("metrics")?;
    write_json_atomic(&metrics_dir.join("weakkeys.json"), &audit.metrics)?;
    Ok(())
}

/// Audits the keys of `list` (`(artifact_id, blob hash)` pairs): every
/// check, and the batch GCD over every RSA modulus at once. Writes nothing
/// but the batch GCD's scratch files (removed before it returns).
pub fn audit(run: &RunDir, list: &[(String, String)], options: &Options) -> Result<Audit> {
    let max = run.policy().limits.max_artifact_bytes;
    let hashes: BTreeSet<&str> = list.iter().map(|(_, h)| h.as_str()).collect();
    // every blob once: its keys, or None when unreadable
    let keys_of: HashMap<&str, Option<Vec<Found>>> = hashes
        .into_par_iter()
        .map(|h| {
            let found = run
                .blobs()
                .read_verified(h, max)
                .ok()
                .map(|bytes| extract::extract(&bytes, MAX_KEYS_PER_ARTIFACT));
            (h, found)
        })
        .collect();
    let mut metrics = WeakKeyMetrics {
        fx: WEAKKEY_METRICS_FORMAT.into(),
        run_id: run.run_id().into(),
        memory_cap_bytes: options.memory_cap,
        ..WeakKeyMetrics::default()
    };
    let mut rsa: BTreeMap<Vec<u8>, RsaEntry> = BTreeMap::new();
    let mut ec: BTreeMap<(Curve, Vec<u8>), EcEntry> = BTreeMap::new();
    let mut per_artifact: BTreeMap<String, ArtifactKeys> = BTreeMap::new();
    for (id, h) in list {
        metrics.artifacts_read += 1;
        let seen = per_artifact.entry(id.clone()).or_default();
        let Some(Some(found)) = keys_of.get(h.as_str()) else {
            metrics.artifacts_unreadable += 1;
            seen.unreadable += 1;
            continue;
        };
        seen.keys_read += found.len() as u64;
        for f in found {
            match &f.key {
                PublicKey::Rsa { n, e } => {
                    let entry = rsa.entry(n.clone()).or_default();
                    entry.exponents.insert(e.clone());
                    entry.spki.extend(f.spki_sha256);
                    entry.artifacts.insert(id.clone());
                }
                PublicKey::Ec { curve, point } => {
                    let entry = ec.entry((*curve, point.clone())).or_default();
                    entry.spki.extend(f.spki_sha256);
                    entry.artifacts.insert(id.clone());
                }
            }
        }
    }
    drop(keys_of);

    let mut records: Vec<WeakKeyRecord> = Vec::new();
    let record =
        |key: String, algorithm: &str, bits: u64, artifacts: &BTreeSet<String>| WeakKeyRecord {
            fx: WEAKKEY_FORMAT.into(),
            run_id: run.run_id().into(),
            key,
            algorithm: algorithm.into(),
            bits,
            curve: None,
            status: "weak".into(),
            weaknesses: Vec::new(),
            shared_with: Vec::new(),
            shared_with_truncated: false,
            artifacts: artifacts.iter().cloned().collect(),
            failure: None,
        };

    // RSA: size caps first; the rest are checked
    let mut checked: Vec<(&Vec<u8>, &RsaEntry, Integer)> = Vec::new();
    for (n, entry) in &rsa {
        let bits = bit_length(n);
        let e_bits = entry
            .exponents
            .iter()
            .map(|e| bit_length(e))
            .max()
            .unwrap_or(0);
        let failure = if bits > MAX_MODULUS_BITS {
            Some("modulus_too_large")
        } else if e_bits > MAX_EXPONENT_BITS {
            Some("exponent_too_large")
        } else {
            None
        };
        if let Some(why) = failure {
            let mut r = record(
                format!("sha256:{}", sha256_hex(n)),
                "rsa",
                bits,
                &entry.artifacts,
            );
            r.status = "failed".into();
            r.failure = Some(why.into());
            records.push(r);
            metrics.failed_keys += 1;
            continue;
        }
        checked.push((n, entry, Integer::from_digits(n, Order::Msf)));
    }
    metrics.rsa_keys = checked.len() as u64;
    let checker = RsaChecker::new();
    let mut weak: Vec<BTreeSet<&'static str>> = checked
        .par_iter()
        .map(|(n, entry, int)| {
            let mut set = BTreeSet::new();
            for e in &entry.exponents {
                let e = Integer::from_digits(e, Order::Msf);
                set.extend(checker.check(int, &e));
            }
            let mut digests = vec![sha256_hex(n)];
            digests.extend(entry.spki.iter().map(hex::encode));
            if blocklisted(&options.blocklist, &digests) {
                set.insert("blocklisted");
            }
            set
        })
        .collect();

    // shared primes over every modulus of the run
    let moduli: Vec<Integer> = checked.iter().map(|(_, _, i)| i.clone()).collect();
    let dir = run.subdir("weakkeys")?;
    let scratch = tempfile::Builder::new()
        .prefix(".spill-")
        .tempdir_in(&dir)
        .with_context(|| format!("scratch directory in {}", dir.display()))?;
    let (flags, stats) = batchgcd::shared(&moduli, options.memory_cap, scratch.path())
        .context("batch GCD scratch files")?;
    drop(scratch);
    metrics.tree_levels = stats.levels;
    metrics.spilled_levels = stats.spilled_levels;
    metrics.peak_tree_bytes = stats.peak_bytes;
    metrics.batch_gcd_seconds = stats.seconds;
    let flagged: Vec<usize> = (0..flags.len()).filter(|&i| flags[i]).collect();
    let mut shared_with: HashMap<usize, Vec<usize>> = HashMap::new();
    let truncated = flagged.len() > MAX_PAIRED_KEYS;
    if !truncated {
        for (i, p) in flagged.iter().zip(batchgcd::partners(&moduli, &flagged)) {
            shared_with.insert(*i, p);
        }
    }
    drop(moduli);
    for &i in &flagged {
        weak[i].insert("shared_prime");
    }
    for (i, ((n, entry, int), set)) in checked.iter().zip(&weak).enumerate() {
        if set.is_empty() {
            continue;
        }
        let mut r = record(
            format!("sha256:{}", sha256_hex(n)),
            "rsa",
            u64::from(int.significant_bits()),
            &entry.artifacts,
        );
        r.weaknesses = set.iter().map(|s| (*s).to_owned()).collect();
        if flags[i] {
            r.shared_with_truncated = truncated;
            let mut others: Vec<String> = shared_with
                .get(&i)
                .into_iter()
                .flatten()
                .map(|&j| format!("sha256:{}", sha256_hex(checked[j].0)))
                .collect();
            others.sort();
            r.shared_with = others;
        }
        records.push(r);
    }

    // EC
    metrics.ec_keys = ec.len() as u64;
    let ec_records: Vec<WeakKeyRecord> = ec
        .par_iter()
        .filter_map(|((curve, point), entry)| {
            let mut set: BTreeSet<&str> = checks::check_ec(*curve, point).into_iter().collect();
            let mut digests = vec![sha256_hex(point)];
            digests.extend(entry.spki.iter().map(hex::encode));
            if let Some(x) = ec_x(*curve, point) {
                let x = extract_strip(x);
                digests.push(sha256_hex(&x));
            }
            if blocklisted(&options.blocklist, &digests) {
                set.insert("blocklisted");
            }
            if set.is_empty() {
                return None;
            }
            let algorithm = if *curve == Curve::X25519 {
                "x25519"
            } else {
                "ec"
            };
            let bits = u64::from(checks::field_bits(*curve));
            let mut r = record(
                format!("sha256:{}", sha256_hex(point)),
                algorithm,
                bits,
                &entry.artifacts,
            );
            r.curve = Some(curve.name().into());
            r.weaknesses = set.iter().map(|s| (*s).to_owned()).collect();
            Some(r)
        })
        .collect();
    records.extend(ec_records);

    records.sort_by(|a, b| (&a.key, &a.algorithm).cmp(&(&b.key, &b.algorithm)));
    for r in &records {
        for w in &r.weaknesses {
            *metrics.per_weakness.entry(w.clone()).or_default() += 1;
        }
    }
    Ok(Audit {
        records,
        metrics,
        artifacts: per_artifact,
    })
}

/// Bits of an unsigned big-endian number.
fn bit_length(b: &[u8]) -> u64 {
    match b.iter().position(|&x| x != 0) {
        Some(i) => (b.len() - i) as u64 * 8 - u64::from(b[i].leading_zeros()),
        None => 0,
    }
}

/// The x coordinate of a SEC 1 point (badkeys hashes it for its EC blocklist).
fn ec_x(curve: Curve, point: &[u8]) -> Option<&[u8]> {
    if curve == Curve::X25519 {
        return None;
    }
    let flen = checks::field_bits(curve).div_ceil(8) as usize;
    match point.first() {
        Some(2..=4) => point.get(1..=flen),
        _ => None,
    }
}

fn extract_strip(b: &[u8]) -> Vec<u8> {
    let first = b.iter().position(|&x| x != 0).unwrap_or(b.len());
    b[first..].to_vec()
}
