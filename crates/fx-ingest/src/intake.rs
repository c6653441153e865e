//! Intake metadata: the per-file context (case, source, tenant, collection
//! time, hints) from flags and from the intake CSV, and bundles.
//!
//! The intake CSV has a header row naming any of the columns `path` (required),
//! `case`, `source`, `tenant`, `collected_at`, `hints` (a JSON object),
//! `bundle` and `role`, in any order. An empty cell takes the value of the
//! corresponding flag. Rows with a `bundle` name form one job per bundle; each
//! such row needs a `role`, and a role appears once per bundle. The whole file
//! is checked before anything is written; the first problem is an error
//! naming its line.

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use serde_json::Value;

/// Errors of the intake CSV and of metadata flags.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum IntakeError {
    /// A malformed line of the intake CSV.
    #[error("{file} line {line}: {reason}")]
    Line {
        /// The CSV as named.
        file: String,
        /// 1-based line number.
        line: u64,
        /// What is wrong.
        reason: String,
    },
    /// The intake CSV could not be read.
    #[error("{file}: {reason}")]
    File {
        /// The CSV as named.
        file: String,
        /// What is wrong.
        reason: String,
    },
    /// A metadata value given on the command line is invalid.
    #[error("{0}")]
    Flag(String),
}

/// Where one artifact came from (the `intake` fields other than the path).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Context {
    /// Case identifier.
    pub case: String,
    /// Source of the evidence.
    pub source: String,
    /// Tenant owning it.
    pub tenant: String,
    /// Normalised RFC 3339 UTC time, or none.
    pub collected_at: Option<String>,
    /// Hints, sorted by key (canonical JSON text of each value kept in a
    /// `Value`, so the context stays orderable through its JSON text).
    pub hints: BTreeMap<String, String>,
}

impl Context {
    /// The hints as JSON values.
    pub fn hint_values(&self) -> BTreeMap<String, Value> {
        self.hints
            .iter()
            .map(|(k, v)| {
                (
                    k.clone(),
                    serde_json::from_str(v).unwrap_or(Value::String(v.clone())),
                )
            })
            .collect()
    }
}

/// A bundle membership: bundle name and role.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct BundleRole {
    /// Bundle name.
    pub bundle: String,
    /// Role of this file in it.
    pub role: String,
}

/// One row of the intake CSV.
#[derive(Clone, Debug)]
pub struct Row {
    /// 1-based line number in the CSV.
    pub line: u64,
    /// The path, byte-exact.
    pub path: PathBuf,
    /// Its context (flags filled in).
    pub ctx: Context,
    /// Bundle membership, if any.
    pub bundle: Option<BundleRole>,
}

/// The parsed intake CSV.
#[derive(Clone, Debug)]
pub struct IntakeCsv {
    /// Rows in file order.
    pub rows: Vec<Row>,
    /// `sha256:` of the file's bytes (part of the run id).
    pub hash: String,
}

const COLUMNS: [&str; 8] = [
    "path",
    "case",
    "source",
    "tenant",
    "collected_at",
    "hints",
    "bundle",
    "role",
];

/// Reads and checks the intake CSV; `defaults` supplies empty cells.
pub fn read_csv(file: &Path, defaults: &Context) -> Result<IntakeCsv, IntakeError> {
    let name = file.display().to_string();
    let bytes = std::fs::read(file).map_err(|e| IntakeError::File {
        file: name.clone(),
        reason: e.to_string(),
    })?;
    let rows = parse_csv(&bytes, &name, defaults)?;
    Ok(IntakeCsv {
        rows,
        hash: fx_core::hashing::sha256_tagged(&bytes),
    })
}

/// Parses intake CSV bytes (see the module documentation).
pub fn parse_csv(bytes: &[u8], name: &str, defaults: &Context) -> Result<Vec<Row>, IntakeError> {
    let err = |line: u64, reason: String| IntakeError::Line {
        file: name.to_owned(),
        line,
        reason,
    };
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(bytes);
    let header = rdr
        .byte_headers()
        .map_err(|e| err(csv_line(&e).unwrap_or(1), one_line(&e.to_string())))?
        .clone();
    let mut index: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, h) in header.iter().enumerate() {
        let h = std::str::from_utf8(h).unwrap_or("").trim();
        let Some(col) = COLUMNS.iter().find(|c| **c == h) else {
            return Err(err(
                1,
                format!("unknown column {h:?} (columns are {})", COLUMNS.join(", ")),
            ));
        };
        if index.insert(col, i).is_some() {
            return Err(err(1, format!("column {h:?} appears twice")));
        }
    }
    if !index.contains_key("path") {
        return Err(err(1, "the header has no `path` column".into()));
    }
    let mut rows = Vec::new();
    let mut roles: BTreeMap<(String, String), u64> = BTreeMap::new();
    let mut bundle_ctx: BTreeMap<String, (Context, u64)> = BTreeMap::new();
    let mut rec = csv::ByteRecord::new();
    loop {
        match rdr.read_byte_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                return Err(err(csv_line(&e).unwrap_or(0), one_line(&e.to_string())));
            }
        }
        let line = rec.position().map(|p| p.line()).unwrap_or(0);
        let raw = |col: &str| index.get(col).and_then(|&i| rec.get(i)).unwrap_or(b"");
        let text = |col: &str| -> Result<Option<String>, IntakeError> {
            let b = raw(col);
            let s = std::str::from_utf8(b)
                .map_err(|_| err(line, format!("column {col} is not valid UTF-8")))?;
            let s = s.trim();
            Ok((!s.is_empty()).then(|| s.to_owned()))
        };
        let path = raw("path");
        if path.is_empty() {
            return Err(err(line, "empty path".into()));
        }
        let mut ctx = defaults.clone();
        if let Some(v) = text("case")? {
            ctx.case = v;
        }
        if let Some(v) = text("source")? {
            ctx.source = v;
        }
        if let Some(v) = text("tenant")? {
            check_tenant(&v).map_err(|r| err(line, r))?;
            ctx.tenant = v;
        }
        if let Some(v) = text("collected_at")? {
            ctx.collected_at =
                Some(normalize_time(&v).map_err(|r| err(line, format!("collected_at: {r}")))?);
        }
        if let Some(v) = text("hints")? {
            ctx.hints = parse_hints(&v).map_err(|r| err(line, format!("hints: {r}")))?;
        }
        let bundle = match (text("bundle")?, text("role")?) {
            (None, None) => None,
            (Some(_), None) => return Err(err(line, "a bundle row needs a role".into())),
            (None, Some(_)) => return Err(err(line, "a role needs a bundle name".into())),
            (Some(bundle), Some(role)) => {
                if let Some(first) = roles.insert((bundle.clone(), role.clone()), line) {
                    return Err(err(
                        line,
                        format!("role {role:?} of bundle {bundle:?} already given on line {first}"),
                    ));
                }
                match bundle_ctx.get(&bundle) {
                    Some((c, first)) if c != &ctx => {
                        return Err(err(
                            line,
                            format!(
                                "bundle {bundle:?} has other case/source/tenant/collected_at/hints than on line {first}"
                            ),
                        ));
                    }
                    Some(_) => {}
                    None => {
                        bundle_ctx.insert(bundle.clone(), (ctx.clone(), line));
                    }
                }
                Some(BundleRole { bundle, role })
            }
        };
        rows.push(Row {
            line,
            path: PathBuf::from(OsStr::from_bytes(path)),
            ctx,
            bundle,
        });
    }
    Ok(rows)
}

fn csv_line(e: &csv::Error) -> Option<u64> {
    e.position().map(|p| p.line())
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A tenant name: non-empty, printable, no whitespace.
pub fn check_tenant(t: &str) -> Result<(), String> {
    if t.is_empty() || t.len() > 128 || t.chars().any(|c| c.is_whitespace() || c.is_control()) {
        Err(format!(
            "tenant {t:?} must be 1 to 128 printable characters without spaces"
        ))
    } else {
        Ok(())
    }
}

/// Parses a hints cell: a JSON object; values kept as canonical JSON text.
pub fn parse_hints(s: &str) -> Result<BTreeMap<String, String>, String> {
    let v: Value = serde_json::from_str(s).map_err(|e| format!("not JSON: {e}"))?;
    let Value::Object(m) = v else {
        return Err("must be a JSON object".into());
    };
    Ok(m.into_iter()
        .map(|(k, v)| (k, fx_core::ids::canonical_json(&v)))
        .collect())
}

/// Normalises an RFC 3339 time (or a bare date) to UTC:
/// `YYYY-MM-DDTHH:MM:SS[.fraction]Z`. A space may stand for the `T`.
pub fn normalize_time(s: &str) -> Result<String, String> {
    let bad = || format!("{s:?} is not an RFC 3339 time (e.g. 2024-05-01T12:00:00Z)");
    let b = s.trim().as_bytes();
    let num = |r: std::ops::Range<usize>| -> Result<i64, String> {
        let part = b.get(r).ok_or_else(bad)?;
        if part.is_empty() || !part.iter().all(u8::is_ascii_digit) {
            return Err(bad());
        }
        std::str::from_utf8(part)
            .ok()
            .and_then(|t| t.parse().ok())
            .ok_or_else(bad)
    };
    let sep = |i: usize, c: &[u8]| b.get(i).is_some_and(|x| c.contains(x));
    if b.len() < 10 || !sep(4, b"-") || !sep(7, b"-") {
        return Err(bad());
    }
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    if !(1..=12).contains(&mo) || d < 1 || d > days_in_month(y, mo) {
        return Err(bad());
    }
    if b.len() == 10 {
        return Ok(format!("{y:04}-{mo:02}-{d:02}T00:00:00Z"));
    }
    if !sep(10, b"Tt ") || !sep(13, b":") || !sep(16, b":") {
        return Err(bad());
    }
    let (h, mi, sec) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if h > 23 || mi > 59 || sec > 59 {
        return Err(bad());
    }
    let mut i = 19;
    let mut frac = String::new();
    if b.get(i) == Some(&b'.') {
        let start = i + 1;
        i = start;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == start || i - start > 9 {
            return Err(bad());
        }
        frac = format!(".{}", std::str::from_utf8(&b[start..i]).map_err(|_| bad())?);
    }
    let offset_min = match b.get(i) {
        Some(b'Z' | b'z') if b.len() == i + 1 => 0,
        Some(c @ (b'+' | b'-')) if b.len() == i + 6 && b[i + 3] == b':' => {
            let (oh, om) = (num(i + 1..i + 3)?, num(i + 4..i + 6)?);
            if oh > 23 || om > 59 {
                return Err(bad());
            }
            let m = oh * 60 + om;
            if *c == b'+' { m } else { -m }
        }
        _ => return Err(bad()),
    };
    let total = days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + sec - offset_min * 60;
    let (days, rem) = (total.div_euclid(86_400), total.rem_euclid(86_400));
    let (y, mo, d) = civil_from_days(days);
    if !(0..=9999).contains(&y) {
        return Err(bad());
    }
    Ok(format!(
        "{y:04}-{mo:02}-{d:02}T{:02}:{:02}:{:02}{frac}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    ))
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Inverse of [`days_from_civil`].
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (
        if m <= 2 {
            yoe + era * 400 + 1
        } else {
            yoe + era * 400
        },
        m,
        d,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> Context {
        Context {
            case: "c".into(),
            source: "s".into(),
            tenant: "t".into(),
            collected_at: None,
            hints: BTreeMap::new(),
        }
    }

    #[test]
    fn times_are_normalised_to_utc() {
        assert_eq!(
            normalize_time("2024-05-01").as_deref(),
            Ok("2024-05-01T00:00:00Z")
        );
        assert_eq!(
            normalize_time("2024-05-01T01:30:00+02:00").as_deref(),
            Ok("2024-04-30T23:30:00Z")
        );
        assert_eq!(
            normalize_time("2024-12-31 23:59:59.250-01:00").as_deref(),
            Ok("2025-01-01T00:59:59.250Z")
        );
        for bad in [
            "2024-02-30",
            "yesterday",
            "2024-05-01T25:00:00Z",
            "2024-05-01T10:00:00",
        ] {
            assert!(normalize_time(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn csv_rows_bundles_and_errors_name_the_line() {
        let ok = b"path,role,bundle,hints\na.pem,,,\"{\"\"expect\"\":\"\"x509\"\"}\"\npk.bin,public_key,b1,\nsig.bin,signature,b1,\n";
        let rows = parse_csv(ok, "i.csv", &ctx()).expect("valid");
        assert_eq!(rows.len(), 3);
        assert_eq!(
            rows[0].ctx.hints.get("expect").map(String::as_str),
            Some("\"x509\"")
        );
        assert_eq!(
            rows[1].bundle.as_ref().map(|b| b.role.as_str()),
            Some("public_key")
        );
        assert_eq!(rows[2].line, 4);

        let cases: [(&[u8], &str); 6] = [
            (b"path,colour\na,b\n", "line 1: unknown column"),
            (
                b"path,hints\na,[1]\n",
                "line 2: hints: must be a JSON object",
            ),
            (b"path,case\na,b\nc,d,e\n", "line 3"),
            (b"path,bundle\na,b\n", "line 2: a bundle row needs a role"),
            (
                b"path,bundle,role\na,b,r\nc,b,r\n",
                "line 3: role \"r\" of bundle \"b\" already given on line 2",
            ),
            (b"path,collected_at\na,never\n", "line 2: collected_at"),
        ];
        for (input, want) in cases {
            let e = parse_csv(input, "i.csv", &ctx())
                .expect_err("malformed")
                .to_string();
            assert!(e.starts_with("i.csv ") && e.contains(want), "{e} / {want}");
        }
    }
}
