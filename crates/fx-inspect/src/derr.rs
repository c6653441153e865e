//! `der::Error` → failure shape with offset.

use der::ErrorKind;
use fx_core::vocab::FailureKind;

use crate::report::Finding;

/// Maps a `der` decoding error to a DESIGN §9 failure shape.
pub fn der_finding(e: &der::Error, what: &str) -> Finding {
    let kind = match e.kind() {
        ErrorKind::Incomplete { .. } => FailureKind::Truncated,
        ErrorKind::TrailingData { .. } => FailureKind::TrailingData,
        ErrorKind::Length { .. } | ErrorKind::Overlength => FailureKind::BadLength,
        ErrorKind::Overflow => FailureKind::LengthOverflow,
        ErrorKind::Noncanonical { .. }
        | ErrorKind::IndefiniteLength
        | ErrorKind::EncodingRules
        | ErrorKind::SetOrdering => FailureKind::BerNotDer,
        ErrorKind::OidUnknown { .. } => FailureKind::UnknownOid,
        ErrorKind::Value { .. }
        | ErrorKind::DateTime
        | ErrorKind::OidMalformed
        | ErrorKind::Utf8(_) => FailureKind::InvalidValue,
        ErrorKind::NestingDepth => FailureKind::DepthLimit,
        ErrorKind::TagUnexpected { .. }
        | ErrorKind::TagUnknown { .. }
        | ErrorKind::TagNumberInvalid => FailureKind::BadTag,
        _ => FailureKind::MalformedHeader,
    };
    let detail = format!("{what}: {e}");
    match e.position() {
        Some(p) => Finding::at(kind, u32::from(p) as usize, detail),
        None => Finding::new(kind, detail),
    }
}
