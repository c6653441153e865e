//! The feature schema: column types, cells, and `feature_schema.json`.
//!
//! The column list itself lives in [`crate::columns`]; this module says what
//! a column is and how the schema is written and checked.

use serde::{Deserialize, Serialize};

/// Version of the feature schema this build writes. Adding, removing,
/// renaming, reordering or retyping a column bumps it.
pub const SCHEMA_VERSION: &str = "features/4";

/// The type of a column, as written in `feature_schema.json`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnType {
    /// 0/1 indicator (Parquet INT32 annotated INT(8); DuckDB `TINYINT`).
    Int8,
    /// Signed 64-bit integer (DuckDB `BIGINT`).
    Int64,
    /// IEEE 754 double (DuckDB `DOUBLE`).
    Float64,
    /// UTF-8 text (DuckDB `VARCHAR`).
    String,
}

impl ColumnType {
    /// The name written in the schema and the docs.
    pub fn as_str(self) -> &'static str {
        match self {
            ColumnType::Int8 => "int8",
            ColumnType::Int64 => "int64",
            ColumnType::Float64 => "float64",
            ColumnType::String => "string",
        }
    }

    /// The Arrow type of the column.
    pub fn arrow(self) -> arrow_schema::DataType {
        match self {
            ColumnType::Int8 => arrow_schema::DataType::Int8,
            ColumnType::Int64 => arrow_schema::DataType::Int64,
            ColumnType::Float64 => arrow_schema::DataType::Float64,
            ColumnType::String => arrow_schema::DataType::Utf8,
        }
    }
}

/// One value of a row.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    /// Missing evidence.
    Null,
    /// An integer (also the 0/1 of an indicator).
    Int(i64),
    /// A finite float.
    Float(f64),
    /// Text.
    Str(String),
}

impl Cell {
    /// An indicator: 1 or 0.
    pub fn flag(b: bool) -> Cell {
        Cell::Int(i64::from(b))
    }

    /// An unsigned count or size; values past `i64::MAX` (never seen in
    /// practice) are null rather than wrapped.
    pub fn uint(v: u64) -> Cell {
        i64::try_from(v).map(Cell::Int).unwrap_or(Cell::Null)
    }

    /// A float, null when not finite.
    pub fn float(v: f64) -> Cell {
        if v.is_finite() {
            Cell::Float(v)
        } else {
            Cell::Null
        }
    }

    /// Text, or null.
    pub fn opt_str(v: Option<&str>) -> Cell {
        v.map_or(Cell::Null, |s| Cell::Str(s.to_owned()))
    }
}

/// The description of one column, as written in `feature_schema.json`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ColumnSpec {
    /// Column name (snake_case, stable).
    pub name: String,
    /// Column type.
    #[serde(rename = "type")]
    pub ty: ColumnType,
    /// Unit of the value (`bytes`, `bits`, `count`, `0/1`, …) or empty.
    pub unit: String,
    /// The module whose events the value comes from (`ingest`, `route`, …).
    pub module: String,
    /// The event, summary field or job field the value is read from.
    pub source: String,
    /// When the value is null.
    pub null_when: String,
    /// What the value means.
    pub description: String,
}

/// `feature_schema.json`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeatureSchema {
    /// Schema version (`features/N`).
    pub schema_version: String,
    /// One row per … (what a row is).
    pub row: String,
    /// How the CSV file encodes values.
    pub csv: String,
    /// Every column, in file order.
    pub columns: Vec<ColumnSpec>,
}

impl FeatureSchema {
    /// The schema of this build.
    pub fn current() -> FeatureSchema {
        FeatureSchema {
            schema_version: SCHEMA_VERSION.into(),
            row: "one row per artifact job, in artifact_seq order".into(),
            csv: "RFC 4180, comma-separated, header line, LF line ends; an empty unquoted field is null, \"\" is the empty string; floats in shortest round-trip decimal form".into(),
            columns: crate::columns::columns()
                .iter()
                .map(|c| c.spec.clone())
                .collect(),
        }
    }

    /// The schema as written to disk: pretty JSON with a final newline.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }

    /// The column reference of `docs/fx-features.md`, as a Markdown table.
    pub fn column_reference(&self) -> String {
        let mut out = String::new();
        out.push_str(&format!(
            "Schema version `{}`, {} columns.\n\n",
            self.schema_version,
            self.columns.len()
        ));
        out.push_str("| # | column | type | unit | module | source | null when | description |\n");
        out.push_str("|---|---|---|---|---|---|---|---|\n");
        for (i, c) in self.columns.iter().enumerate() {
            out.push_str(&format!(
                "| {} | `{}` | {} | {} | {} | {} | {} | {} |\n",
                i,
                c.name,
                c.ty.as_str(),
                md(&c.unit),
                md(&c.module),
                md(&c.source),
                md(&c.null_when),
                md(&c.description)
            ));
        }
        out
    }
}

/// Escapes a Markdown table cell.
fn md(s: &str) -> String {
    s.replace('|', "\\|")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The column fingerprint (names and types, in order) of every schema
    /// version. A change of the columns without a new version fails here.
    const FINGERPRINTS: &[(&str, &str)] = &[
        (
            "features/1",
            "sha256:727785435544056db605ad0188fd4cb6450ef46a7359e76fad99b952825ee3ab",
        ),
        // features/2: hash_weak_* now covers every id of fx_core::vocab::HASH_WEAKNESSES
        // (adds cost_below_baseline, weak_prf, lm_hash_present; reorders to the vocabulary order).
        (
            "features/2",
            "sha256:fe148e9b522a4f9d0c8d24384c1af8046c2ef1be0c58d0eee682730da2731bc0",
        ),
        // features/3: failure_* indicators for the new failure shapes of DESIGN §9
        // (bad_bit_string, bad_version, invalid_value, point_not_on_curve,
        // unreduced_coefficient, hint_out_of_range).
        (
            "features/3",
            "sha256:aba24f8d100021bdd04818c2b231be8e2d4b1cad8716bc0bad0a86cbbf5fe714",
        ),
        // features/4: the weak-key audit's summary field key_weaknesses
        // (key_weakness_count, key_weaknesses, key_weak_* per id of DESIGN §9).
        (
            "features/4",
            "sha256:d3b910e519e580996fc2a76c379bce0f4f1ac35dfc41352418c192abfab20006",
        ),
    ];

    fn fingerprint(schema: &FeatureSchema) -> String {
        let mut text = String::new();
        for c in &schema.columns {
            text.push_str(&format!("{}:{}\n", c.name, c.ty.as_str()));
        }
        fx_core::hashing::sha256_tagged(text.as_bytes())
    }

    #[test]
    fn columns_change_only_with_a_new_schema_version() {
        let schema = FeatureSchema::current();
        let got = fingerprint(&schema);
        let recorded = FINGERPRINTS
            .iter()
            .find(|(v, _)| *v == SCHEMA_VERSION)
            .map(|(_, f)| *f);
        assert_eq!(
            recorded,
            Some(got.as_str()),
            "the columns of {SCHEMA_VERSION} changed: bump SCHEMA_VERSION and record its fingerprint {got} here"
        );
    }

    #[test]
    fn reference_lists_every_column() {
        let schema = FeatureSchema::current();
        let table = schema.column_reference();
        for c in &schema.columns {
            assert!(table.contains(&format!("`{}`", c.name)), "{}", c.name);
        }
        assert_eq!(table.lines().count(), schema.columns.len() + 4);
    }
}
