//! Why event data could not be read as its typed record.

/// A step's data that does not match its record.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FactError {
    /// The JSON does not have the record's shape.
    #[error("{module}/{step}: data does not match its record: {source}")]
    Shape {
        /// Module of the event.
        module: String,
        /// Step of the event.
        step: String,
        /// What serde said.
        source: serde_json::Error,
    },
    /// A conclusion field does not have its record's shape.
    #[error("conclusion field {field}: {source}")]
    Conclusion {
        /// The field (`hash`, `pqc`, …).
        field: &'static str,
        /// What serde said.
        source: serde_json::Error,
    },
}
