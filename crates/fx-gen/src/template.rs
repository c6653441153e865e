//! The template: which parameter sets, wrappers and defects to generate,
//! and how many keys per set. TOML (docs/fx-gen.md):
//!
//! ```toml
//! name = "default"
//! message = "fx-gen ground truth"
//! count = 1
//! algorithms = ["ML-KEM-768", "ML-DSA-44"]   # or ["all"]
//! exclude = []
//! wrappers = ["raw", "spki", "pkcs8", "pem", "certificate", "tls_key_share", "bundle"]
//! defects = ["flipped_byte", "truncated", "swapped_public_key"]
//! ```

use serde::{Deserialize, Serialize};

use crate::error::GenError;
use crate::schemes::{self, Scheme};

/// Most keys per parameter set a template may ask for.
pub const MAX_COUNT: u32 = 64;

/// A wrapper the template may ask for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Wrapper {
    /// Raw public key, secret key, and ciphertext or signature.
    Raw,
    /// SubjectPublicKeyInfo DER (sets with an IETF/NIST OID).
    Spki,
    /// PKCS#8 DER (sets with an IETF/NIST OID).
    Pkcs8,
    /// PEM of each DER wrapper asked for.
    Pem,
    /// Self-signed certificate (ML-DSA, SLH-DSA).
    Certificate,
    /// ClientHello `key_share` entry (pure ML-KEM groups).
    TlsKeyShare,
    /// Bundles fx-probe verifies (public key, message, signature) or
    /// decapsulates (secret key, ciphertext, shared secret).
    Bundle,
}

/// A defect the template may ask for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Defect {
    /// One byte of the signature or ciphertext flipped (bundles,
    /// certificates).
    FlippedByte,
    /// A key cut short (SPKI, PKCS#8, bundle keys).
    Truncated,
    /// Another key pair's public key where this one's belongs (bundles,
    /// certificates).
    SwappedPublicKey,
}

impl Defect {
    /// The snake_case name used in ids and truth lines.
    pub fn as_str(self) -> &'static str {
        match self {
            Defect::FlippedByte => "flipped_byte",
            Defect::Truncated => "truncated",
            Defect::SwappedPublicKey => "swapped_public_key",
        }
    }
}

/// A parsed template.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Template {
    /// A name for the set (recorded in the provenance).
    pub name: String,
    /// The message every signature signs.
    #[serde(default = "default_message")]
    pub message: String,
    /// Key pairs per parameter set (1 to [`MAX_COUNT`]).
    #[serde(default = "one")]
    pub count: u32,
    /// DESIGN §9 names, or `all` for every set fx-gen knows.
    pub algorithms: Vec<String>,
    /// Names left out (useful with `all`).
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Wrappers to write.
    pub wrappers: Vec<Wrapper>,
    /// Defects to make invalid objects with (none: valid objects only).
    #[serde(default)]
    pub defects: Vec<Defect>,
}

fn default_message() -> String {
    "fx-gen ground truth".to_owned()
}

fn one() -> u32 {
    1
}

impl Template {
    /// Parses a template's bytes.
    pub fn parse(bytes: &[u8]) -> Result<Self, GenError> {
        let text =
            std::str::from_utf8(bytes).map_err(|_| GenError::Template("not UTF-8".to_owned()))?;
        let t: Template =
            toml::from_str(text).map_err(|e| GenError::Template(e.message().to_owned()))?;
        if t.count == 0 || t.count > MAX_COUNT {
            return Err(GenError::Template(format!(
                "count {} is outside 1..={MAX_COUNT}",
                t.count
            )));
        }
        if t.algorithms.is_empty() {
            return Err(GenError::Template("algorithms is empty".to_owned()));
        }
        if t.wrappers.is_empty() {
            return Err(GenError::Template("wrappers is empty".to_owned()));
        }
        for n in t.exclude.iter().chain(&t.algorithms) {
            if n != "all" && schemes::by_name(n).is_none() {
                return Err(GenError::UnknownAlgorithm(n.clone()));
            }
        }
        Ok(t)
    }

    /// The schemes asked for, in `pqc_params` table order, each once.
    pub fn schemes(&self) -> Vec<Scheme> {
        let all = self.algorithms.iter().any(|a| a == "all");
        schemes::known()
            .into_iter()
            .filter(|s| {
                all || self
                    .algorithms
                    .iter()
                    .any(|a| a.eq_ignore_ascii_case(s.set.name))
            })
            .filter(|s| {
                !self
                    .exclude
                    .iter()
                    .any(|a| a.eq_ignore_ascii_case(s.set.name))
            })
            .collect()
    }

    /// Whether `w` was asked for.
    pub fn wants(&self, w: Wrapper) -> bool {
        self.wrappers.contains(&w)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_rejects() {
        let t =
            Template::parse(b"name = \"t\"\nalgorithms = [\"ml-kem-512\"]\nwrappers = [\"raw\"]\n")
                .expect("template");
        assert_eq!(t.count, 1);
        assert_eq!(t.schemes().len(), 1);
        for bad in [
            "name = \"t\"\nalgorithms = [\"RSA\"]\nwrappers = [\"raw\"]\n",
            "name = \"t\"\nalgorithms = [\"all\"]\nwrappers = [\"zip\"]\n",
            "name = \"t\"\ncount = 0\nalgorithms = [\"all\"]\nwrappers = [\"raw\"]\n",
            "name = \"t\"\nalgorithms = [\"all\"]\nwrappers = [\"raw\"]\nextra = 1\n",
        ] {
            assert!(Template::parse(bad.as_bytes()).is_err(), "{bad}");
        }
    }
}
