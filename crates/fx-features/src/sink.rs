//! The two table writers: CSV and Parquet, both streaming.
//!
//! Both are deterministic: the same rows give the same bytes. The CSV writer
//! formats every value itself (no locale, shortest round-trip floats); the
//! Parquet writer uses fixed settings (see [`writer_properties`]): snappy
//! compression, row groups of exactly [`ROW_GROUP_ROWS`] rows, a fixed
//! `created_by` that names the schema version rather than the library
//! version, and no timestamps anywhere.

use std::io::Write;
use std::sync::Arc;

use arrow_array::builder::{Float64Builder, Int8Builder, Int64Builder, StringBuilder};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{Field, Schema, SchemaRef};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::metadata::KeyValue;
use parquet::file::properties::{WriterProperties, WriterVersion};

use crate::schema::{Cell, ColumnSpec, ColumnType, SCHEMA_VERSION};

/// Rows per Parquet row group. Fixed, so the file layout depends only on
/// the rows, never on `-j` or on batch sizes.
pub const ROW_GROUP_ROWS: usize = 16_384;

/// Rows buffered in Arrow builders before they are handed to the Parquet
/// writer (a divisor of [`ROW_GROUP_ROWS`]).
const BATCH_ROWS: usize = 4_096;

/// Key of the Parquet key-value metadata entry naming the schema version.
pub const SCHEMA_VERSION_KEY: &str = "fx.feature_schema_version";

/// Writes rows as RFC 4180 CSV.
pub struct CsvSink<W: Write> {
    out: W,
    line: Vec<u8>,
}

impl<W: Write> CsvSink<W> {
    /// Writes the header line.
    pub fn new(mut out: W, columns: &[ColumnSpec]) -> std::io::Result<CsvSink<W>> {
        let mut line = Vec::new();
        for (i, c) in columns.iter().enumerate() {
            if i > 0 {
                line.push(b',');
            }
            push_text(&mut line, &c.name);
        }
        line.push(b'\n');
        out.write_all(&line)?;
        Ok(CsvSink { out, line })
    }

    /// Writes one row.
    pub fn push(&mut self, cells: &[Cell]) -> std::io::Result<()> {
        use std::io::Write as _;
        self.line.clear();
        for (i, cell) in cells.iter().enumerate() {
            if i > 0 {
                self.line.push(b',');
            }
            match cell {
                Cell::Null => {}
                Cell::Int(v) => write!(self.line, "{v}")?,
                Cell::Float(v) => write!(self.line, "{v}")?,
                Cell::Str(s) => push_text(&mut self.line, s),
            }
        }
        self.line.push(b'\n');
        self.out.write_all(&self.line)
    }

    /// Flushes and returns the writer.
    pub fn finish(mut self) -> std::io::Result<W> {
        self.out.flush()?;
        Ok(self.out)
    }
}

/// A text field: quoted when empty (so it differs from null) or when it
/// holds a comma, quote, CR or LF; quotes doubled.
fn push_text(out: &mut Vec<u8>, s: &str) {
    let needs_quotes = s.is_empty() || s.bytes().any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r'));
    if !needs_quotes {
        out.extend_from_slice(s.as_bytes());
        return;
    }
    out.push(b'"');
    for b in s.bytes() {
        if b == b'"' {
            out.push(b'"');
        }
        out.push(b);
    }
    out.push(b'"');
}

/// The fixed Parquet writer settings.
pub fn writer_properties() -> WriterProperties {
    WriterProperties::builder()
        .set_writer_version(WriterVersion::PARQUET_1_0)
        .set_compression(Compression::SNAPPY)
        .set_max_row_group_row_count(Some(ROW_GROUP_ROWS))
        .set_max_row_group_bytes(None)
        .set_created_by(format!("fx-features ({SCHEMA_VERSION})"))
        .set_key_value_metadata(Some(vec![KeyValue::new(
            SCHEMA_VERSION_KEY.to_owned(),
            SCHEMA_VERSION.to_owned(),
        )]))
        .build()
}

/// The Arrow schema of the feature table.
pub fn arrow_schema(columns: &[ColumnSpec]) -> SchemaRef {
    Arc::new(Schema::new(
        columns
            .iter()
            .map(|c| Field::new(&c.name, c.ty.arrow(), true))
            .collect::<Vec<_>>(),
    ))
}

enum Builder {
    Int8(Int8Builder),
    Int64(Int64Builder),
    Float64(Float64Builder),
    Str(StringBuilder),
}

impl Builder {
    fn new(ty: ColumnType) -> Builder {
        match ty {
            ColumnType::Int8 => Builder::Int8(Int8Builder::with_capacity(BATCH_ROWS)),
            ColumnType::Int64 => Builder::Int64(Int64Builder::with_capacity(BATCH_ROWS)),
            ColumnType::Float64 => Builder::Float64(Float64Builder::with_capacity(BATCH_ROWS)),
            ColumnType::String => {
                Builder::Str(StringBuilder::with_capacity(BATCH_ROWS, 16 * BATCH_ROWS))
            }
        }
    }

    /// Appends a cell; a cell of another type than the column is a bug of
    /// its getter, caught by the unit tests, and is written as null.
    fn push(&mut self, cell: &Cell) {
        match (self, cell) {
            (Builder::Int8(b), Cell::Int(v)) => b.append_option(i8::try_from(*v).ok()),
            (Builder::Int64(b), Cell::Int(v)) => b.append_value(*v),
            (Builder::Float64(b), Cell::Float(v)) => b.append_value(*v),
            (Builder::Str(b), Cell::Str(s)) => b.append_value(s),
            (Builder::Int8(b), _) => b.append_null(),
            (Builder::Int64(b), _) => b.append_null(),
            (Builder::Float64(b), _) => b.append_null(),
            (Builder::Str(b), _) => b.append_null(),
        }
    }

    fn finish(&mut self) -> ArrayRef {
        match self {
            Builder::Int8(b) => Arc::new(b.finish()),
            Builder::Int64(b) => Arc::new(b.finish()),
            Builder::Float64(b) => Arc::new(b.finish()),
            Builder::Str(b) => Arc::new(b.finish()),
        }
    }
}

/// Writes rows as Parquet, one Arrow batch at a time.
pub struct ParquetSink<W: Write + Send> {
    writer: ArrowWriter<W>,
    schema: SchemaRef,
    builders: Vec<Builder>,
    buffered: usize,
}

impl<W: Write + Send> ParquetSink<W> {
    /// Starts a Parquet file.
    pub fn new(out: W, columns: &[ColumnSpec]) -> parquet::errors::Result<ParquetSink<W>> {
        let schema = arrow_schema(columns);
        let writer = ArrowWriter::try_new(out, schema.clone(), Some(writer_properties()))?;
        Ok(ParquetSink {
            writer,
            schema,
            builders: columns.iter().map(|c| Builder::new(c.ty)).collect(),
            buffered: 0,
        })
    }

    /// Appends one row.
    pub fn push(&mut self, cells: &[Cell]) -> parquet::errors::Result<()> {
        for (b, cell) in self.builders.iter_mut().zip(cells) {
            b.push(cell);
        }
        self.buffered += 1;
        if self.buffered == BATCH_ROWS {
            self.flush_batch()?;
        }
        Ok(())
    }

    fn flush_batch(&mut self) -> parquet::errors::Result<()> {
        if self.buffered == 0 {
            return Ok(());
        }
        let arrays: Vec<ArrayRef> = self.builders.iter_mut().map(Builder::finish).collect();
        let batch = RecordBatch::try_new(self.schema.clone(), arrays)?;
        self.writer.write(&batch)?;
        self.buffered = 0;
        Ok(())
    }

    /// Writes the last rows and the footer; returns the writer.
    pub fn finish(mut self) -> parquet::errors::Result<W> {
        self.flush_batch()?;
        self.writer.into_inner()
    }
}
