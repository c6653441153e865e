//! The column registry: every feature column, in file order, with the
//! function that reads it from a job's [`Facts`].
//!
//! Adding a column is one `def.col(…)` line here plus a bump of
//! [`crate::schema::SCHEMA_VERSION`]; the golden `feature_schema.json`
//! snapshot in the tests fails until both are done.
//!
//! # Nulls
//!
//! Missing evidence is null, never a made-up zero. The rule of each column is
//! written in its `null_when`; the recurring ones:
//!
//! * *indicators of a module's conclusion* (`label_*`, `regions_cap_hit`, …)
//!   are 1 when the summary concludes the value, 0 when the module **ran**
//!   (left an `ok` or `error` event) and did not conclude it, and null when
//!   the module never ran (no event, or only `skipped` events);
//! * *failure indicators* (`failure_*`) are 1 when any event or the summary
//!   shows the shape, 0 when an analysis module (route, inspect, probe,
//!   fingerprint) ran and none showed it, null otherwise;
//! * *summary scalars* (`container`, `algorithm`, `hash_scheme`, …) are null
//!   when no module concluded them;
//! * *outcome counts* (`route_ok`, `events_total`, …) count events and are
//!   never null: 0 means no such event.

use std::sync::OnceLock;

use fx_core::Status;
use fx_core::vocab::{FailureKind, Label};
use fx_facts::{HashParams, Region, RouteLabelData};

use crate::facts::{Facts, MODULES};
use crate::schema::{Cell, ColumnSpec, ColumnType};

/// Reads one column's value from a job.
pub type Getter = Box<dyn Fn(&Facts<'_>) -> Cell + Send + Sync>;

/// One column: its schema entry and how to compute it.
pub struct Column {
    /// The schema entry.
    pub spec: ColumnSpec,
    /// The value of this column for a job.
    pub get: Getter,
}

impl std::fmt::Debug for Column {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Column").field("spec", &self.spec).finish()
    }
}

/// Every column, in file order (built once).
pub fn columns() -> &'static [Column] {
    static COLUMNS: OnceLock<Vec<Column>> = OnceLock::new();
    COLUMNS.get_or_init(build)
}

/// Computes one row.
pub fn row(facts: &Facts<'_>) -> Vec<Cell> {
    columns().iter().map(|c| (c.get)(facts)).collect()
}

const NEVER: &str = "never";
const UNREADABLE: &str = "the artifact could not be read";
const NOT_CONCLUDED: &str = "no module concluded it";

struct Def(Vec<Column>);

impl Def {
    #[allow(clippy::too_many_arguments)]
    fn col(
        &mut self,
        name: impl Into<String>,
        ty: ColumnType,
        unit: &str,
        module: &str,
        source: impl Into<String>,
        null_when: impl Into<String>,
        description: impl Into<String>,
        get: impl Fn(&Facts<'_>) -> Cell + Send + Sync + 'static,
    ) {
        self.0.push(Column {
            spec: ColumnSpec {
                name: name.into(),
                ty,
                unit: unit.into(),
                module: module.into(),
                source: source.into(),
                null_when: null_when.into(),
                description: description.into(),
            },
            get: Box::new(get),
        });
    }
}

use ColumnType::{Float64, Int8, Int64, String as Str};

fn build() -> Vec<Column> {
    let mut d = Def(Vec::new());
    identity(&mut d);
    route(&mut d);
    inspect(&mut d);
    symmetric(&mut d);
    pqc(&mut d);
    hash(&mut d);
    fingerprint(&mut d);
    weak_keys(&mut d);
    outcomes(&mut d);
    d.0
}

fn identity(d: &mut Def) {
    d.col(
        "artifact_seq",
        Int64,
        "",
        "ingest",
        "artifact.artifact_seq",
        NEVER,
        "Position in the planner's stable order; rows are sorted by it.",
        |f| Cell::uint(f.job.artifact.artifact_seq),
    );
    d.col(
        "artifact_id",
        Str,
        "",
        "ingest",
        "artifact.artifact_id",
        NEVER,
        "Stable artifact id (content hash + intake context); joins with every telemetry event.",
        |f| Cell::Str(f.job.artifact.artifact_id.clone()),
    );
    d.col(
        "artifact_hash",
        Str,
        "",
        "ingest",
        "artifact.artifact_hash",
        UNREADABLE,
        "`sha256:<hex>` of the artifact bytes (of the canonical member list for a bundle).",
        |f| Cell::opt_str(f.job.artifact.artifact_hash.as_deref()),
    );
    d.col(
        "size",
        Int64,
        "bytes",
        "ingest",
        "artifact.size",
        UNREADABLE,
        "Size of the artifact in bytes.",
        |f| f.job.artifact.size.map_or(Cell::Null, Cell::uint),
    );
    d.col(
        "path",
        Str,
        "",
        "ingest",
        "artifact.intake.path",
        "the path is not valid UTF-8 (see path_base64)",
        "The path as given at intake (relative to the named root for a directory walk).",
        |f| Cell::opt_str(f.job.artifact.intake.path.as_str()),
    );
    d.col("path_base64", Str, "", "ingest", "artifact.intake.path",
        "the path is valid UTF-8 (see path)",
        "Standard padded base64 of the raw path bytes, only for a path that is not valid UTF-8 (the `{\"bytes\":…}` form of the job line): exactly one of path and path_base64 is set.",
        |f| match &f.job.artifact.intake.path {
            fx_core::Text::Str(_) => Cell::Null,
            fx_core::Text::Bytes { bytes } => Cell::Str(bytes.clone()),
        });
    d.col(
        "case",
        Str,
        "",
        "ingest",
        "artifact.intake.case",
        NEVER,
        "Case identifier from intake.",
        |f| Cell::Str(f.job.artifact.intake.case.clone()),
    );
    d.col(
        "source",
        Str,
        "",
        "ingest",
        "artifact.intake.source",
        NEVER,
        "Where the evidence came from, from intake.",
        |f| Cell::Str(f.job.artifact.intake.source.clone()),
    );
    d.col(
        "tenant",
        Str,
        "",
        "ingest",
        "artifact.intake.tenant",
        NEVER,
        "Tenant owning the evidence.",
        |f| Cell::Str(f.job.artifact.intake.tenant.clone()),
    );
    d.col(
        "collected_at",
        Str,
        "",
        "ingest",
        "artifact.intake.collected_at",
        "not supplied at intake",
        "When the evidence was collected, as supplied (RFC 3339).",
        |f| Cell::opt_str(f.job.artifact.intake.collected_at.as_deref()),
    );
    d.col(
        "hints",
        Str,
        "",
        "ingest",
        "artifact.intake.hints",
        "no hints were supplied",
        "Intake hints as compact JSON with sorted keys.",
        |f| {
            let h = &f.job.artifact.intake.hints;
            if h.is_empty() {
                Cell::Null
            } else {
                serde_json::to_string(h).map_or(Cell::Null, Cell::Str)
            }
        },
    );
    d.col(
        "bundle",
        Str,
        "",
        "ingest",
        "artifact.intake.bundle",
        "the job is a single file",
        "Bundle name when several files form one job.",
        |f| Cell::opt_str(f.job.artifact.intake.bundle.as_deref()),
    );
    d.col(
        "member_count",
        Int64,
        "count",
        "ingest",
        "artifact.members",
        NEVER,
        "Number of bundle members (0 for a single file).",
        |f| Cell::uint(f.job.artifact.members.len() as u64),
    );
    d.col(
        "readable",
        Int8,
        "0/1",
        "ingest",
        "artifact.artifact_ref",
        NEVER,
        "1 when the artifact (or a bundle member) was read into the blob store.",
        |f| Cell::flag(f.job.is_readable()),
    );
}

fn route(d: &mut Def) {
    for &label in Label::ALL {
        d.col(format!("label_{label}"), Int8, "0/1", "route", "summary.labels",
            "route did not run (no ok/error route event) and no module concluded the label",
            format!("1 when the artifact carries the label `{label}`; 0 when the router ran and did not assign it."),
            move |f| {
                if f.labels().any(|l| l == label.as_str()) { Cell::flag(true) }
                else if f.ran("route") { Cell::flag(false) } else { Cell::Null }
            });
    }
    d.col(
        "label_count",
        Int64,
        "count",
        "route",
        "summary.labels",
        "route did not run and no module concluded a label",
        "Number of labels assigned (an ambiguous artifact keeps several).",
        |f| {
            let n = f.labels().count();
            if n > 0 || f.ran("route") {
                Cell::uint(n as u64)
            } else {
                Cell::Null
            }
        },
    );
    for &label in Label::ALL {
        d.col(format!("label_confidence_{label}"), Int64, "permille", "route", "route/label event data.labels[].confidence",
            "the router gave no confidence for this label (label not assigned, or route did not run)",
            format!("The router's confidence in the label `{label}`, in permille (0–1000: its strongest signal's)."),
            move |f| confidence(f, label.as_str()));
    }
    d.col(
        "route_entropy_millibits",
        Int64,
        "millibits/byte",
        "route",
        "route/label event data.entropy_millibits",
        "route did not sniff the artifact",
        "Shannon entropy of the bytes the router sniffed (a bounded prefix), in millibits per byte.",
        |f| route_label(f).map_or(Cell::Null, |d| Cell::Int(i64::from(d.entropy_millibits))),
    );
    d.col(
        "route_text",
        Int8,
        "0/1",
        "route",
        "route/label event data.text",
        "route did not sniff the artifact",
        "1 when the sniffed bytes are text.",
        |f| route_label(f).map_or(Cell::Null, |d| Cell::flag(d.text)),
    );
}

fn inspect(d: &mut Def) {
    for (key, what) in [
        (
            "container",
            "The outermost recognised container (DESIGN §9 `container`).",
        ),
        (
            "encoding",
            "The encoding of the artifact (`pem`, `der`, `ber`, `base64`, `hex`, `text`, `raw`).",
        ),
        (
            "algorithm",
            "NIST/IANA style algorithm name (`RSA`, `ML-KEM-768`, …).",
        ),
        (
            "oid",
            "Dotted OID of the algorithm identifier that was read.",
        ),
    ] {
        d.col(
            key,
            Str,
            "",
            "inspect",
            format!("summary.{key}"),
            NOT_CONCLUDED,
            what,
            move |f| Cell::opt_str(summary_scalar(f, key)),
        );
    }
    d.col(
        "key_bits",
        Int64,
        "bits",
        "inspect",
        "summary.key_bits",
        NOT_CONCLUDED,
        "RSA/DSA modulus bits, or the key size of the named algorithm.",
        |f| f.summary().key_bits.map_or(Cell::Null, Cell::uint),
    );
    d.col(
        "curve",
        Str,
        "",
        "inspect",
        "summary.curve",
        NOT_CONCLUDED,
        "Curve name (`P-256`, `secp256k1`, …).",
        |f| Cell::opt_str(f.summary().curve.as_deref()),
    );
    for &kind in FailureKind::ALL {
        d.col(
            format!("failure_{kind}"),
            Int8,
            "0/1",
            "any",
            "summary.failures",
            "no analysis module ran and the shape was not seen",
            format!("1 when a module reported the failure shape `{kind}`."),
            move |f| {
                if f.failures().contains(&kind) {
                    Cell::flag(true)
                } else if f.any_analysis_ran() {
                    Cell::flag(false)
                } else {
                    Cell::Null
                }
            },
        );
    }
    d.col(
        "failure_count",
        Int64,
        "count",
        "any",
        "summary.failures",
        "no analysis module ran and no shape was seen",
        "Number of distinct failure shapes reported.",
        |f| {
            if !f.failures().is_empty() || f.any_analysis_ran() {
                Cell::uint(f.failures().len() as u64)
            } else {
                Cell::Null
            }
        },
    );
    d.col(
        "region_count",
        Int64,
        "count",
        "inspect",
        "summary.regions",
        "inspect did not run and no module concluded regions",
        "Candidate core regions kept after pruning.",
        |f| {
            let n = f.summary().regions.len();
            if n > 0 || f.ran("inspect") {
                Cell::uint(n as u64)
            } else {
                Cell::Null
            }
        },
    );
    d.col("region_top_kind", Str, "", "inspect", "summary.regions[].kind", "no region was kept",
        "Kind of the best-scored region (`kem_ciphertext`, `aead`, `signature`, …; the first on ties).",
        |f| Cell::opt_str(top_region(f).map(|r| r.kind.as_str())));
    d.col(
        "region_top_score",
        Float64,
        "score",
        "inspect",
        "summary.regions[].score",
        "no region was kept",
        "Score of the best-scored region.",
        |f| {
            top_region(f)
                .and_then(|r| r.score)
                .map_or(Cell::Null, |s| Cell::float(s as f64))
        },
    );
    d.col("regions_cap_hit", Int8, "0/1", "inspect", "summary.budgets_hit (budget:…regions…)",
        "inspect did not run and no region budget was hit",
        "1 when the candidate-region cap dropped candidates (a budget naming regions, e.g. `budget:max_regions`, was hit).",
        |f| {
            let hit = f.budgets_hit().iter().any(|b| b.contains("regions"));
            if hit { Cell::flag(true) } else if f.ran("inspect") { Cell::flag(false) } else { Cell::Null }
        });
    d.col(
        "budget_hit_count",
        Int64,
        "count",
        "any",
        "summary.budgets_hit",
        NEVER,
        "Number of distinct budgets or caps that stopped work on this job.",
        |f| Cell::uint(f.budgets_hit().len() as u64),
    );
    d.col("budgets_hit", Str, "", "any", "summary.budgets_hit", "no budget was hit",
        "The budgets and caps that were hit (skip reasons and `caps_hit` entries), `;`-separated in first-seen order (`budget:probes;budget:max_regions`).",
        |f| if f.budgets_hit().is_empty() { Cell::Null } else { Cell::Str(f.budgets_hit().join(";")) });
    d.col(
        "inspect_openssl_agrees",
        Int8,
        "0/1",
        "inspect",
        "inspect/crosscheck event data.agree",
        "the openssl cross-check did not run (skipped, tool unavailable, or no such event)",
        "1 when openssl's reading agreed with the native parse, 0 when it disagreed (a signal).",
        |f| latest_ok(&f.facts.openssl_crosschecks).map_or(Cell::Null, |c| Cell::flag(c.agree)),
    );
}

fn symmetric(d: &mut Def) {
    d.col(
        "cipher_entropy",
        Float64,
        "bits/byte",
        "probe",
        "summary.cipher.entropy_bits_per_byte",
        NOT_CONCLUDED,
        "Shannon entropy of the probed window (fx-probe's fixed settings).",
        |f| {
            cipher_signals(f)
                .and_then(|c| c.entropy_bits_per_byte)
                .map_or(Cell::Null, Cell::float)
        },
    );
    d.col(
        "cipher_chi_square",
        Float64,
        "",
        "probe",
        "summary.cipher.chi_square",
        NOT_CONCLUDED,
        "Chi-square statistic of the byte histogram of the probed window.",
        |f| {
            cipher_signals(f)
                .and_then(|c| c.chi_square)
                .map_or(Cell::Null, Cell::float)
        },
    );
    d.col(
        "cipher_block_size",
        Int64,
        "bytes",
        "probe",
        "summary.cipher.block_size",
        NOT_CONCLUDED,
        "Block size the ciphertext layout points to.",
        |f| {
            cipher_signals(f)
                .and_then(|c| c.block_size)
                .map_or(Cell::Null, Cell::uint)
        },
    );
    for m in [8u64, 16] {
        d.col(
            format!("cipher_aligned_{m}"),
            Int8,
            "0/1",
            "probe",
            format!("summary.cipher.mod{m}"),
            NOT_CONCLUDED,
            format!("1 when the ciphertext length is a multiple of {m} (block alignment), 0 when it is not."),
            move |f| {
                let rest = cipher_signals(f).and_then(|c| if m == 8 { c.mod8 } else { c.mod16 });
                rest.map_or(Cell::Null, |r| Cell::flag(r == 0))
            },
        );
    }
    d.col(
        "cipher_ecb_repeats",
        Int64,
        "count",
        "probe",
        "summary.cipher.ecb_repeats",
        NOT_CONCLUDED,
        "Repeated cipher blocks (ECB repetition).",
        |f| {
            cipher_signals(f)
                .and_then(|c| c.ecb_repeats)
                .map_or(Cell::Null, Cell::uint)
        },
    );
    d.col(
        "cipher_mode_hints",
        Str,
        "",
        "probe",
        "summary.cipher.mode_hints",
        NOT_CONCLUDED,
        "Mode hints (`ecb`, `cbc`, `ctr`, `gcm`, `stream`, …), `;`-separated in the probe's order.",
        |f| list_cell(cipher_signals(f).and_then(|c| c.mode_hints.as_deref())),
    );
    d.col(
        "cipher_layout",
        Str,
        "",
        "probe",
        "summary.cipher.layout",
        NOT_CONCLUDED,
        "Overhead layout (`iv16‖ct‖tag16`, …).",
        |f| Cell::opt_str(cipher_signals(f).and_then(|c| c.layout.as_deref())),
    );
    d.col(
        "cipher_format",
        Str,
        "",
        "probe",
        "summary.cipher.format",
        NOT_CONCLUDED,
        "Recognised ciphertext format (`openssl_salted`, …).",
        |f| Cell::opt_str(cipher_signals(f).and_then(|c| c.format.as_deref())),
    );
    d.col(
        "cipher_class",
        Str,
        "",
        "probe",
        "summary.cipher.class",
        NOT_CONCLUDED,
        "The probe's class of the bytes (`ecb_like`, `random_like`, `text`, `high_entropy_nonuniform`, `structured`, `compressed`).",
        |f| Cell::opt_str(cipher_signals(f).and_then(|c| c.class.as_deref())),
    );
}

fn pqc(d: &mut Def) {
    d.col("pqc_candidate_count", Int64, "count", "probe", "summary.pqc.candidates",
        "the pqc probe did not run and no module concluded pqc candidates",
        "Post-quantum parameter-set candidates matching the size geometry (all of them when sizes collide).",
        |f| match &f.summary().pqc {
            Some(p) => Cell::uint(p.candidates.len() as u64),
            None if f.step_ran("probe", "pqc") => Cell::Int(0),
            None => Cell::Null,
        });
    d.col(
        "pqc_top_algorithm",
        Str,
        "",
        "probe",
        "summary.pqc.candidates[].algorithm",
        "no pqc candidate",
        "Algorithm of the best-scored candidate (the first on ties).",
        |f| Cell::opt_str(top_pqc(f).map(|c| c.algorithm.as_str())),
    );
    d.col("pqc_top_object", Str, "", "probe", "summary.pqc.candidates[].object", "no pqc candidate",
        "Object of the best-scored candidate (`public_key`, `secret_key`, `ciphertext`, `signature`).",
        |f| Cell::opt_str(top_pqc(f).map(|c| c.object.as_str())));
    d.col(
        "pqc_top_score",
        Float64,
        "score",
        "probe",
        "summary.pqc.candidates[].score",
        "no pqc candidate",
        "Score of the best-scored candidate.",
        |f| top_pqc(f).map_or(Cell::Null, |c| Cell::float(c.score as f64)),
    );
    for (key, what) in [
        (
            "valid_structure",
            "1 when a structural check passed (e.g. every ML-KEM public-key coefficient below q = 3329), 0 when it failed.",
        ),
        (
            "verified",
            "1 when liboqs verified a bundle's signature, 0 when verification failed.",
        ),
        (
            "decapsulated",
            "1 when liboqs decapsulated the ciphertext (policy-gated), 0 when it failed.",
        ),
    ] {
        d.col(
            format!("pqc_{key}"),
            Int8,
            "0/1",
            "probe",
            format!("summary.pqc.{key}"),
            "the check did not run (not applicable, or skipped by policy)",
            what,
            move |f| {
                let check = f.summary().pqc.as_ref().and_then(|p| match key {
                    "valid_structure" => p.valid_structure,
                    "verified" => p.verified,
                    _ => p.decapsulated,
                });
                check.map_or(Cell::Null, Cell::flag)
            },
        );
    }
}

fn hash(d: &mut Def) {
    d.col(
        "hash_scheme",
        Str,
        "",
        "probe",
        "summary.hash.scheme",
        NOT_CONCLUDED,
        "Password-hash / KDF scheme (`bcrypt`, `sha512crypt`, `argon2id`, …).",
        |f| Cell::opt_str(hash_audit(f).and_then(|h| h.scheme.as_deref())),
    );
    d.col(
        "hash_hashcat_mode",
        Int64,
        "",
        "probe",
        "summary.hash.hashcat_mode",
        NOT_CONCLUDED,
        "hashcat mode number of the scheme.",
        |f| {
            hash_audit(f)
                .and_then(|h| h.hashcat_mode)
                .map_or(Cell::Null, |m| Cell::Int(i64::from(m)))
        },
    );
    d.col(
        "hash_john_format",
        Str,
        "",
        "probe",
        "summary.hash.john_format",
        NOT_CONCLUDED,
        "John the Ripper format name.",
        |f| Cell::opt_str(hash_audit(f).and_then(|h| h.john_format.as_deref())),
    );
    for (key, unit, what) in [
        (
            "cost",
            "log2 rounds",
            "Cost parameter (bcrypt cost = log2 of the rounds).",
        ),
        ("rounds", "rounds", "Rounds (sha256/sha512-crypt)."),
        ("iterations", "iterations", "Iterations (PBKDF2, argon2 t)."),
        (
            "memory_kib",
            "KiB",
            "Memory cost in KiB (argon2 m, scrypt).",
        ),
        ("parallelism", "lanes", "Parallelism (argon2 p, scrypt p)."),
        ("block_size", "", "scrypt/yescrypt block size r."),
        ("n_log2", "log2", "scrypt/yescrypt log2(N)."),
        ("salt_bytes", "bytes", "Salt length in bytes."),
        ("digest", "bytes", "Stored digest length in bytes."),
    ] {
        d.col(
            format!(
                "hash_{}",
                if key == "digest" { "digest_bytes" } else { key }
            ),
            Int64,
            unit,
            "probe",
            format!("summary.hash.params.{key}"),
            "the scheme has no such parameter, or no hash was audited",
            what,
            move |f| {
                hash_audit(f)
                    .and_then(|h| hash_param(&h.params, key))
                    .map_or(Cell::Null, Cell::uint)
            },
        );
    }
    d.col(
        "hash_weakness_count",
        Int64,
        "count",
        "probe",
        "summary.hash.weaknesses",
        "no hash was audited",
        "Weaknesses found against the policy's baseline (OWASP / NIST SP 800-63B / SP 800-132).",
        |f| hash_audit(f).map_or(Cell::Null, |h| Cell::uint(h.weaknesses.len() as u64)),
    );
    d.col(
        "hash_weaknesses",
        Str,
        "",
        "probe",
        "summary.hash.weaknesses",
        "no hash was audited, or no weakness was found",
        "The weakness flags, `;`-separated in the probe's order.",
        |f| list_cell(hash_audit(f).map(|h| h.weaknesses.as_slice())),
    );
    for &weakness in fx_core::vocab::HASH_WEAKNESSES {
        d.col(
            format!("hash_weak_{weakness}"),
            Int8,
            "0/1",
            "probe",
            "summary.hash.weaknesses",
            "no hash was audited",
            format!("1 when the audit flagged the weakness `{weakness}` (on any line)."),
            move |f| {
                hash_audit(f).map_or(Cell::Null, |h| {
                    Cell::flag(h.weaknesses.iter().any(|w| w == weakness))
                })
            },
        );
    }
    for (key, what) in [
        (
            "lines_seen",
            "Non-empty, non-comment lines seen (all of them, not only the bounded per-line list).",
        ),
        ("identified", "Lines whose scheme was identified."),
        ("unidentified", "Lines audited but not recognised."),
        (
            "not_audited",
            "Lines seen but not audited (beyond the policy's max_hash_lines).",
        ),
    ] {
        d.col(
            format!(
                "hash_{}",
                if key == "lines_seen" {
                    "lines".to_owned()
                } else {
                    format!("lines_{key}")
                }
            ),
            Int64,
            "count",
            "probe",
            format!("summary.hash.totals.{key}"),
            "no hash was audited",
            what,
            move |f| {
                hash_audit(f).map_or(Cell::Null, |h| {
                    let t = &h.totals;
                    Cell::uint(match key {
                        "lines_seen" => t.lines_seen,
                        "identified" => t.identified,
                        "unidentified" => t.unidentified,
                        _ => t.not_audited,
                    })
                })
            },
        );
    }
    d.col(
        "hash_truncated",
        Int8,
        "0/1",
        "probe",
        "summary.hash.totals.truncated",
        "no hash was audited",
        "1 when the per-line list holds fewer lines than were seen (line or byte budget).",
        |f| hash_audit(f).map_or(Cell::Null, |h| Cell::flag(h.totals.truncated)),
    );
}

fn fingerprint(d: &mut Def) {
    d.col(
        "library_count",
        Int64,
        "count",
        "fingerprint",
        "summary.libraries",
        "fingerprint did not run and no module concluded libraries",
        "Crypto libraries recognised in a binary.",
        |f| {
            let n = f.summary().libraries.len();
            if n > 0 || f.ran("fingerprint") {
                Cell::uint(n as u64)
            } else {
                Cell::Null
            }
        },
    );
    d.col(
        "library_names",
        Str,
        "",
        "fingerprint",
        "summary.libraries[].name",
        "no library was recognised",
        "Library names, `;`-separated in the fingerprinter's order.",
        |f| {
            let names: Vec<&str> = f
                .summary()
                .libraries
                .iter()
                .map(|l| l.name.as_str())
                .collect();
            if names.is_empty() {
                Cell::Null
            } else {
                Cell::Str(names.join(";"))
            }
        },
    );
    d.col("library_static_copy", Int8, "0/1", "fingerprint", "summary.libraries[].role", "no library was recognised",
        "1 when a recognised library is compiled into the binary (`role: static_copy`), 0 when every one is only linked against (a consumer).",
        |f| {
            let libs = &f.summary().libraries;
            if libs.is_empty() {
                Cell::Null
            } else {
                Cell::flag(libs.iter().any(|l| l.role.as_deref() == Some("static_copy")))
            }
        });
    for (key, what) in [
        ("ja4", "JA4 client fingerprints"),
        ("ja3", "JA3 client fingerprints"),
        ("sni", "distinct SNI names"),
        ("groups", "offered supported groups"),
    ] {
        d.col(
            format!("tls_{key}_count"),
            Int64,
            "count",
            "fingerprint",
            format!("summary.tls.{key}"),
            "fingerprint did not run and no module concluded TLS evidence",
            format!("Number of {what}."),
            move |f| match &f.summary().tls {
                Some(t) => Cell::uint(match key {
                    "ja4" => t.ja4.len(),
                    "ja3" => t.ja3.len(),
                    "sni" => t.sni.len(),
                    _ => t.groups.len(),
                } as u64),
                None if f.ran("fingerprint") => Cell::Int(0),
                None => Cell::Null,
            },
        );
    }
    d.col(
        "tls_ja4_first",
        Str,
        "",
        "fingerprint",
        "summary.tls.ja4[0]",
        "no JA4 was computed",
        "The first JA4 seen (capture order).",
        |f| {
            Cell::opt_str(
                f.summary()
                    .tls
                    .as_ref()
                    .and_then(|t| t.ja4.first())
                    .map(String::as_str),
            )
        },
    );
    d.col(
        "tls_versions",
        Str,
        "",
        "fingerprint",
        "summary.tls.versions",
        "no TLS version was seen",
        "Offered/negotiated TLS versions, `;`-separated.",
        |f| list_cell(f.summary().tls.as_ref().map(|t| t.versions.as_slice())),
    );
    d.col(
        "tls_pq_group_offered",
        Int8,
        "0/1",
        "fingerprint",
        "summary.tls.pq_groups",
        "no TLS ClientHello was read",
        "1 when a post-quantum or hybrid group (X25519MLKEM768, …) was offered.",
        |f| {
            f.summary()
                .tls
                .as_ref()
                .map_or(Cell::Null, |t| Cell::flag(!t.pq_groups.is_empty()))
        },
    );
    d.col(
        "tls_pq_groups",
        Str,
        "",
        "fingerprint",
        "summary.tls.pq_groups",
        "no post-quantum group was offered",
        "Post-quantum and hybrid groups offered, `;`-separated.",
        |f| list_cell(f.summary().tls.as_ref().map(|t| t.pq_groups.as_slice())),
    );
    d.col(
        "fingerprint_tshark_agrees",
        Int8,
        "0/1",
        "fingerprint",
        "fingerprint/tshark_crosscheck event data.agree",
        "the tshark cross-check did not run (skipped, tool unavailable, or no such event)",
        "1 when tshark's decoding agreed with the native one, 0 when it disagreed (a signal).",
        |f| latest_ok(&f.facts.tshark_crosschecks).map_or(Cell::Null, |c| Cell::flag(c.agree)),
    );
}

/// True when the weak-key audit read the job's keys: a `weakkeys`/`audit`
/// event that is not a skip (a job without keys has a skipped one, a run
/// whose policy does not allow heavy work has none).
fn audited(f: &Facts<'_>) -> bool {
    !f.summary().key_weaknesses.is_empty()
        || f.step_ran(
            fx_facts::weakkey::AUDIT_MODULE,
            fx_facts::weakkey::AUDIT_STEP,
        )
}

fn weak_keys(d: &mut Def) {
    const NOT_AUDITED: &str =
        "the weak-key audit did not read the job's keys (no heavy work, or no key)";
    d.col(
        "key_weakness_count",
        Int64,
        "count",
        "weakkeys",
        "summary.key_weaknesses",
        NOT_AUDITED,
        "Distinct weak-key audit findings on the artifact's keys (0: every key fine).",
        |f| {
            if audited(f) {
                Cell::uint(f.summary().key_weaknesses.len() as u64)
            } else {
                Cell::Null
            }
        },
    );
    d.col(
        "key_weaknesses",
        Str,
        "",
        "weakkeys",
        "summary.key_weaknesses",
        "the weak-key audit did not read the job's keys, or found every key fine",
        "The weak-key audit's ids, `;`-separated in first-seen order.",
        |f| list_cell(Some(f.summary().key_weaknesses.as_slice())),
    );
    for &weakness in fx_core::vocab::KeyWeakness::ALL {
        let id = weakness.as_str();
        d.col(
            format!("key_weak_{id}"),
            Int8,
            "0/1",
            "weakkeys",
            "summary.key_weaknesses",
            NOT_AUDITED,
            format!("1 when the weak-key audit found `{id}` on a key of the artifact."),
            move |f| {
                if audited(f) {
                    Cell::flag(f.summary().key_weaknesses.iter().any(|w| w == id))
                } else {
                    Cell::Null
                }
            },
        );
    }
}

fn outcomes(d: &mut Def) {
    let mut modules: Vec<&'static str> = MODULES.to_vec();
    modules.push("other");
    for m in modules {
        for (status, what) in [("ok", "ok"), ("error", "error"), ("skipped", "skipped")] {
            let source = if m == "other" {
                format!(
                    "summary.outcomes of modules other than {}: {status}",
                    MODULES.join("/")
                )
            } else {
                format!("summary.outcomes.{m}.{status}")
            };
            d.col(
                format!("{m}_{status}"),
                Int64,
                "count",
                m,
                source,
                NEVER,
                format!(
                    "Number of `{what}` events the {m} module{} left on the job.",
                    if m == "other" { "s" } else { "" }
                ),
                move |f| {
                    let o = if m == "other" {
                        f.other_outcomes()
                    } else {
                        f.outcomes(m)
                    };
                    Cell::uint(match status {
                        "ok" => o.ok,
                        "error" => o.error,
                        _ => o.skipped,
                    })
                },
            );
        }
    }
    d.col(
        "events_total",
        Int64,
        "count",
        "any",
        "summary.events",
        NEVER,
        "Number of events on the job.",
        |f| Cell::uint(f.events()),
    );
    d.col(
        "tool_run_count",
        Int64,
        "count",
        "any",
        "events with a tool record",
        NEVER,
        "External tool runs recorded on the job.",
        |f| Cell::uint(f.job.events.iter().filter(|e| e.tool.is_some()).count() as u64),
    );
    d.col(
        "tool_unavailable_count",
        Int64,
        "count",
        "any",
        "skipped events with reason tool_unavailable",
        NEVER,
        "Steps skipped because their tool is absent from the inventory.",
        |f| {
            Cell::uint(
                f.job
                    .events
                    .iter()
                    .filter(|e| e.reason.as_deref() == Some("tool_unavailable"))
                    .count() as u64,
            )
        },
    );
    d.col(
        "policy_skip_count",
        Int64,
        "count",
        "any",
        "skipped events with a policy:… reason",
        NEVER,
        "Steps skipped by the policy (decapsulation, tamper checks, heavy work, …).",
        |f| {
            Cell::uint(
                f.job
                    .events
                    .iter()
                    .filter(|e| {
                        e.reason
                            .as_deref()
                            .is_some_and(|r| r.starts_with("policy:"))
                    })
                    .count() as u64,
            )
        },
    );
}

// ---- value helpers -------------------------------------------------------

/// A summary scalar by its DESIGN §9 name (`container`, `encoding`,
/// `algorithm`, `oid`).
fn summary_scalar<'f>(f: &'f Facts<'_>, key: &str) -> Option<&'f str> {
    let s = f.summary();
    match key {
        "container" => s.container.map(|c| c.as_str()),
        "encoding" => s.encoding.map(|e| e.as_str()),
        "algorithm" => s.algorithm.as_deref(),
        _ => s.oid.as_deref(),
    }
}

fn cipher_signals<'f>(f: &'f Facts<'_>) -> Option<&'f fx_facts::CipherSignals> {
    f.summary().cipher.as_ref()
}

fn hash_audit<'f>(f: &'f Facts<'_>) -> Option<&'f fx_facts::HashConclusion> {
    f.summary().hash.as_ref()
}

/// A hash parameter by its wire name.
fn hash_param(p: &HashParams, key: &str) -> Option<u64> {
    match key {
        "cost" => p.cost.map(u64::from),
        "rounds" => p.rounds,
        "iterations" => p.iterations,
        "memory_kib" => p.memory_kib,
        "parallelism" => p.parallelism.map(u64::from),
        "block_size" => p.block_size.map(u64::from),
        "n_log2" => p.n_log2.map(u64::from),
        "salt_bytes" => p.salt_bytes.map(u64::from),
        _ => p.digest.map(u64::from),
    }
}

/// A list of strings as one `;`-separated string (null when empty or absent).
fn list_cell(v: Option<&[String]>) -> Cell {
    match v {
        Some(items) if !items.is_empty() => Cell::Str(items.join(";")),
        _ => Cell::Null,
    }
}

/// The element of `list` with the highest score (the first on ties; an
/// element without a score ranks last).
fn best_scored<T>(list: &[T], score: impl Fn(&T) -> Option<f64>) -> Option<&T> {
    let mut best: Option<(&T, f64)> = None;
    for item in list {
        let s = score(item).unwrap_or(f64::NEG_INFINITY);
        if best.is_none_or(|(_, b)| s > b) {
            best = Some((item, s));
        }
    }
    best.map(|(v, _)| v)
}

fn top_region<'f>(f: &'f Facts<'_>) -> Option<&'f Region> {
    best_scored(&f.summary().regions, |r| r.score.map(|s| s as f64))
}

fn top_pqc<'f>(f: &'f Facts<'_>) -> Option<&'f fx_facts::PqcCandidate> {
    let candidates = f
        .summary()
        .pqc
        .as_ref()
        .map_or(&[][..], |p| p.candidates.as_slice());
    best_scored(candidates, |c| Some(c.score as f64))
}

/// The router's confidence for `label` (permille), from its latest `label`
/// event, whose data lists labels as `[{label, confidence, signals}]`.
fn confidence(f: &Facts<'_>, label: &str) -> Cell {
    route_label(f)
        .and_then(|d| d.labels.iter().find(|l| l.label.as_str() == label))
        .map_or(Cell::Null, |l| Cell::Int(i64::from(l.confidence)))
}

/// The data of the router's latest `ok` label event.
fn route_label<'f>(f: &'f Facts<'_>) -> Option<&'f RouteLabelData> {
    latest_ok(&f.facts.route_labels)
}

/// The latest fact read from an `ok` event.
fn latest_ok<T>(facts: &[fx_facts::Fact<T>]) -> Option<&T> {
    facts
        .iter()
        .rev()
        .find(|x| x.source.status == Status::Ok)
        .map(|x| &x.fact)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::schema::Cell;
    use fx_core::event::Event;
    use fx_core::vocab::Conclusion;

    fn job() -> fx_core::Job {
        crate::synth::job("r", "t", 0)
    }

    fn value(row: &[Cell], name: &str) -> Cell {
        let i = columns()
            .iter()
            .position(|c| c.spec.name == name)
            .expect(name);
        row[i].clone()
    }

    #[test]
    fn names_are_unique_snake_case() {
        let mut names: Vec<&str> = columns().iter().map(|c| c.spec.name.as_str()).collect();
        assert!(names.iter().all(|n| {
            n.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        }));
        let n = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), n, "duplicate column names");
    }

    #[test]
    fn every_cell_has_its_column_type() {
        let mut seen_value = vec![false; columns().len()];
        for seq in 0..(2 * crate::synth::SHAPES * 13) {
            let job = crate::synth::job("r", "t", seq);
            let row = crate::row_of(&job);
            assert_eq!(row.len(), columns().len());
            for (i, (cell, col)) in row.iter().zip(columns()).enumerate() {
                let ok = match (cell, col.spec.ty) {
                    (Cell::Null, _) => true,
                    (Cell::Int(v), ColumnType::Int8) => *v == 0 || *v == 1,
                    (Cell::Int(_), ColumnType::Int64) => true,
                    (Cell::Float(v), ColumnType::Float64) => v.is_finite(),
                    (Cell::Str(_), ColumnType::String) => true,
                    _ => false,
                };
                assert!(ok, "column {} got {cell:?}", col.spec.name);
                if *cell != Cell::Null {
                    seen_value[i] = true;
                } else {
                    assert_ne!(col.spec.null_when, NEVER, "{} is null", col.spec.name);
                }
            }
        }
        // The synthetic shapes exercise every column except the ones that
        // need evidence they do not carry.
        let never_set: Vec<&str> = columns()
            .iter()
            .zip(&seen_value)
            .filter(|(_, s)| !**s)
            .map(|(c, _)| c.spec.name.as_str())
            .collect();
        for name in &never_set {
            assert!(
                name.starts_with("label_")
                    || name.starts_with("failure_")
                    || name.starts_with("other_")
                    || [
                        "hints",
                        "pqc_decapsulated",
                        "hash_rounds",
                        "hash_iterations",
                        "hash_memory_kib",
                        "hash_parallelism",
                        "hash_block_size",
                        "hash_n_log2",
                        "hash_digest_bytes",
                        "cipher_layout",
                        "cipher_format",
                        "fingerprint_tshark_agrees"
                    ]
                    .contains(name),
                "column {name} is never set by the synthetic jobs"
            );
        }
    }

    #[test]
    fn indicators_are_null_until_their_module_runs() {
        let mut j = job();
        j.events.truncate(1); // ingest only
        let row = crate::row_of(&j);
        assert_eq!(value(&row, "label_certificate"), Cell::Null);
        assert_eq!(value(&row, "label_count"), Cell::Null);
        assert_eq!(value(&row, "failure_truncated"), Cell::Null);
        assert_eq!(value(&row, "region_count"), Cell::Null);
        assert_eq!(value(&row, "library_count"), Cell::Null);
        assert_eq!(value(&row, "ingest_ok"), Cell::Int(1));
        assert_eq!(value(&row, "route_ok"), Cell::Int(0));

        // Route ran and concluded `unknown` only: every other label is 0.
        j.push(Event::ok("route", "label").with_conclusion(Conclusion {
            labels: vec![Label::Unknown],
            ..Default::default()
        }));
        let row = crate::row_of(&j);
        assert_eq!(value(&row, "label_unknown"), Cell::Int(1));
        assert_eq!(value(&row, "label_certificate"), Cell::Int(0));
        assert_eq!(value(&row, "label_count"), Cell::Int(1));
        assert_eq!(value(&row, "failure_truncated"), Cell::Int(0));
        assert_eq!(value(&row, "label_confidence_unknown"), Cell::Null);

        // Route only skipped: still unknown, so null.
        let mut k = job();
        k.events.truncate(1);
        k.push(Event::skipped("route", "label", "unreadable"));
        assert_eq!(value(&crate::row_of(&k), "label_unknown"), Cell::Null);
    }

    #[test]
    fn unreadable_job_reports_its_failure_and_nulls() {
        let j = crate::synth::job("r", "t", 7);
        let row = crate::row_of(&j);
        assert_eq!(value(&row, "readable"), Cell::Int(0));
        assert_eq!(value(&row, "size"), Cell::Null);
        assert_eq!(value(&row, "artifact_hash"), Cell::Null);
        assert_eq!(value(&row, "failure_unreadable"), Cell::Int(1));
        assert_eq!(value(&row, "failure_truncated"), Cell::Null);
        assert_eq!(value(&row, "failure_count"), Cell::Int(1));
    }

    #[test]
    fn summary_values_reach_their_columns() {
        let cert = crate::row_of(&crate::synth::job("r", "t", 18));
        assert_eq!(
            value(&cert, "container"),
            Cell::Str("x509_certificate".into())
        );
        assert_eq!(value(&cert, "key_bits"), Cell::Int(2048));
        assert_eq!(value(&cert, "label_confidence_certificate"), Cell::Int(980));
        assert_eq!(value(&cert, "inspect_openssl_agrees"), Cell::Int(1));
        assert_eq!(
            value(
                &crate::row_of(&crate::synth::job("r", "t", 0)),
                "inspect_openssl_agrees"
            ),
            Cell::Int(0)
        );
        assert_eq!(value(&cert, "probe_skipped"), Cell::Int(4));
        let pqc = crate::row_of(&crate::synth::job("r", "t", 3));
        assert_eq!(
            value(&pqc, "pqc_top_algorithm"),
            Cell::Str("ML-KEM-768".into())
        );
        assert_eq!(value(&pqc, "region_count"), Cell::Int(2));
        assert_eq!(
            value(&pqc, "region_top_kind"),
            Cell::Str("kem_public_key".into())
        );
        assert_eq!(value(&pqc, "regions_cap_hit"), Cell::Int(1));
        assert_eq!(value(&pqc, "policy_skip_count"), Cell::Int(1));
        let tls = crate::row_of(&crate::synth::job("r", "t", 5));
        assert_eq!(value(&tls, "tls_pq_group_offered"), Cell::Int(0));
        assert_eq!(value(&tls, "tls_ja4_count"), Cell::Int(1));
        assert_eq!(value(&tls, "tool_unavailable_count"), Cell::Int(1));
        let odd = crate::row_of(&crate::synth::job("r", "t", 12));
        assert_eq!(value(&odd, "path"), Cell::Null);
        assert!(matches!(value(&odd, "path_base64"), Cell::Str(_)));
    }

    #[test]
    fn stream_and_sequenced_jobs_give_the_same_row() {
        for seq in 0..crate::synth::SHAPES {
            let plain = crate::synth::job("r", "t", seq);
            let mut stamped = plain.clone();
            crate::synth::sequence(&mut stamped, 100);
            assert_eq!(
                crate::row_of(&plain),
                crate::row_of(&stamped),
                "shape {seq}"
            );
        }
    }
}
