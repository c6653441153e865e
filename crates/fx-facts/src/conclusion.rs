//! The stage-specific objects of an event's [`Conclusion`], typed.
//!
//! fx-core keeps `hash`, `cipher`, `pqc`, `tls`, `libraries`, `members` and
//! `regions` as JSON so that it does not depend on the stages; this is
//! where they get their records.

use fx_core::vocab::Conclusion;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::bundle::Member;
use crate::cipher::CipherSignals;
use crate::common::Region;
use crate::error::FactError;
use crate::hash::HashConclusion;
use crate::library::Library;
use crate::pqc::PqcConclusion;
use crate::tls::TlsConclusion;

/// The typed objects of one conclusion (the scalar fields are typed in
/// [`Conclusion`] already).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ConclusionObjects {
    /// `hash`.
    pub hash: Option<HashConclusion>,
    /// `cipher`.
    pub cipher: Option<CipherSignals>,
    /// `pqc`.
    pub pqc: Option<PqcConclusion>,
    /// `tls`.
    pub tls: Option<TlsConclusion>,
    /// `libraries`.
    pub libraries: Vec<Library>,
    /// `members`.
    pub members: Vec<Member>,
    /// `regions`.
    pub regions: Vec<Region>,
}

fn one<T: DeserializeOwned>(
    field: &'static str,
    v: &Option<Value>,
) -> Result<Option<T>, FactError> {
    v.as_ref()
        .map(T::deserialize)
        .transpose()
        .map_err(|source| FactError::Conclusion { field, source })
}

fn list<T: DeserializeOwned>(field: &'static str, v: &[Value]) -> Result<Vec<T>, FactError> {
    v.iter()
        .map(T::deserialize)
        .collect::<Result<Vec<T>, _>>()
        .map_err(|source| FactError::Conclusion { field, source })
}

impl ConclusionObjects {
    /// Reads the objects of `c`.
    pub fn of(c: &Conclusion) -> Result<ConclusionObjects, FactError> {
        Ok(ConclusionObjects {
            hash: one("hash", &c.hash)?,
            cipher: one("cipher", &c.cipher)?,
            pqc: one("pqc", &c.pqc)?,
            tls: one("tls", &c.tls)?,
            libraries: list("libraries", &c.libraries)?,
            members: list("members", &c.members)?,
            regions: list("regions", &c.regions)?,
        })
    }

    /// The objects written back as JSON, as `(field, value)` pairs in the
    /// shape [`Conclusion`] holds them (absent fields left out).
    pub fn to_values(&self) -> Vec<(&'static str, Value)> {
        fn v<T: serde::Serialize>(t: &T) -> Value {
            serde_json::to_value(t).unwrap_or(Value::Null)
        }
        let mut out = Vec::new();
        if let Some(h) = &self.hash {
            out.push(("hash", v(h)));
        }
        if let Some(c) = &self.cipher {
            out.push(("cipher", v(c)));
        }
        if let Some(p) = &self.pqc {
            out.push(("pqc", v(p)));
        }
        if let Some(t) = &self.tls {
            out.push(("tls", v(t)));
        }
        if !self.libraries.is_empty() {
            out.push(("libraries", v(&self.libraries)));
        }
        if !self.members.is_empty() {
            out.push(("members", v(&self.members)));
        }
        if !self.regions.is_empty() {
            out.push(("regions", v(&self.regions)));
        }
        out
    }
}
