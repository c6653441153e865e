//! The run's crypto inventory, aggregated job by job in maps keyed by
//! content (an algorithm by its name and parameters, a certificate by its
//! subject, issuer, serial, validity and algorithms, a password hash by its
//! scheme, parameters and grade, …), so memory grows with the number of
//! distinct assets and of their occurrences, never with per-job documents.
//! An occurrence is two integers (the artifact's index in a table of
//! artifacts that named an asset, and a line); paths and hashes are kept
//! once per artifact.

use std::collections::{BTreeMap, BTreeSet};

use fx_core::job::Job;

use super::read::{self, CertFact, HashFact, KeyFact, LibraryFact, Material, TlsClient};
use super::registry::{self, Algorithm};

/// Where an asset was found: the artifact (index into
/// [`Inventory::artifacts`]) and, for a file of hashes, the line.
pub type Occurrence = (u32, Option<u64>);

/// An artifact that named at least one asset.
#[derive(Debug)]
pub struct ArtifactRef {
    /// The intake path, escaped (`ids::location`).
    pub location: String,
    /// The artifact's `sha256:` hash (none for an unreadable file).
    pub hash: Option<String>,
}

/// An algorithm and where it was named.
#[derive(Debug)]
pub struct AlgorithmEntry {
    /// The registry's description.
    pub algorithm: Algorithm,
    /// Occurrences.
    pub seen: Vec<Occurrence>,
}

/// What identifies a key (or other related material) component: fx does
/// not fingerprint keys, so keys of the same algorithm, size, form and kind
/// are one component with one occurrence per artifact.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct KeyId {
    /// Public, private, ciphertext, signature.
    pub material: Material,
    /// The algorithm component's name (`RSA-2048`).
    pub algorithm: String,
    /// Private-key form of a post-quantum key (`seed`, `expandedKey`, …).
    pub form: Option<String>,
    /// Stored encrypted.
    pub encrypted: bool,
    /// Size in bits (modulus, curve order), where fx read it.
    pub size: Option<u64>,
}

/// A key component.
#[derive(Debug, Default)]
pub struct KeyEntry {
    /// Containers it was read from (`spki_public_key`, `x509_certificate`, …).
    pub containers: BTreeSet<String>,
    /// Occurrences.
    pub seen: Vec<Occurrence>,
}

/// What identifies a certificate component.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct CertId {
    /// Subject DN (escaped when not UTF-8).
    pub subject: String,
    /// Issuer DN.
    pub issuer: String,
    /// Serial number (hex).
    pub serial: String,
    /// notBefore.
    pub not_before: Option<String>,
    /// notAfter.
    pub not_after: Option<String>,
    /// The signature algorithm component's name.
    pub signature_algorithm: Option<String>,
    /// The subject key component.
    pub key: Option<KeyId>,
}

/// What identifies a password-hash component: scheme, parameters (numbers
/// and names only) and the audit's verdict.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct HashId {
    /// Scheme (`bcrypt`, …).
    pub scheme: String,
    /// The scheme's algorithm component name.
    pub algorithm: String,
    /// `(name, value)` of each parameter, sorted.
    pub params: Vec<(String, String)>,
    /// Weakness ids, sorted.
    pub weaknesses: Vec<String>,
    /// The baseline graded against.
    pub baseline: Option<String>,
}

/// What identifies a library component.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct LibraryId {
    /// Name.
    pub name: String,
    /// Version.
    pub version: Option<String>,
}

/// A library component.
#[derive(Debug, Default)]
pub struct LibraryEntry {
    /// Roles seen (`consumer`, `static_copy`, `library`).
    pub roles: BTreeSet<String>,
    /// Algorithm component names it provides.
    pub provides: BTreeSet<String>,
    /// Occurrences.
    pub seen: Vec<Occurrence>,
}

/// The whole inventory.
#[derive(Debug, Default)]
pub struct Inventory {
    /// Jobs read.
    pub jobs: u64,
    /// Artifacts that named an asset.
    pub artifacts: Vec<ArtifactRef>,
    /// Algorithms, by component name.
    pub algorithms: BTreeMap<String, AlgorithmEntry>,
    /// Keys and other related material.
    pub keys: BTreeMap<KeyId, KeyEntry>,
    /// Certificates.
    pub certificates: BTreeMap<CertId, Vec<Occurrence>>,
    /// Password hashes and KDF outputs.
    pub hashes: BTreeMap<HashId, Vec<Occurrence>>,
    /// TLS clients.
    pub tls: BTreeMap<TlsClient, Vec<Occurrence>>,
    /// Crypto libraries.
    pub libraries: BTreeMap<LibraryId, LibraryEntry>,
}

/// Pushes `o` unless it is the last one pushed (a job adds its occurrences
/// together, so this keeps a job from counting twice).
fn note(seen: &mut Vec<Occurrence>, o: Occurrence) {
    if seen.last() != Some(&o) {
        seen.push(o);
    }
}

impl Inventory {
    /// Adds one sequenced job.
    pub fn add_job(&mut self, job: &Job) {
        self.jobs += 1;
        let facts = read::job_facts(job);
        let mut artifact: Option<u32> = None;
        let mut at = |inv: &mut Inventory| -> u32 {
            *artifact.get_or_insert_with(|| {
                inv.artifacts.push(ArtifactRef {
                    location: super::ids::location(&job.artifact.intake.path),
                    hash: job.artifact.artifact_hash.clone(),
                });
                (inv.artifacts.len() - 1) as u32
            })
        };
        for k in &facts.keys {
            let a = at(self);
            self.add_key(k, a);
        }
        for c in &facts.certificates {
            let a = at(self);
            self.add_certificate(c, a);
        }
        for h in &facts.hashes {
            let a = at(self);
            self.add_hash(h, a);
        }
        for t in &facts.tls {
            let a = at(self);
            self.add_tls(t, a);
        }
        for l in &facts.libraries {
            let a = at(self);
            self.add_library(l, a);
        }
        for name in &facts.algorithms {
            let a = at(self);
            self.algorithm(name, None, None, (a, None));
        }
    }

    /// Records an algorithm named `name` (with its size and curve) and
    /// returns its component name.
    pub fn algorithm(
        &mut self,
        name: &str,
        key_bits: Option<u64>,
        curve: Option<&str>,
        o: Occurrence,
    ) -> String {
        let algorithm = registry::describe(name, key_bits, curve)
            .or_else(|| registry::password_scheme(name))
            .unwrap_or_else(|| registry::unknown(name));
        let entry = self
            .algorithms
            .entry(algorithm.name.clone())
            .or_insert_with(|| AlgorithmEntry {
                algorithm,
                seen: Vec::new(),
            });
        note(&mut entry.seen, o);
        entry.algorithm.name.clone()
    }

    fn key_id(&mut self, k: &KeyFact, o: Occurrence) -> Option<KeyId> {
        let name = k.info.algorithm.as_deref().filter(|a| !a.is_empty())?;
        let algorithm = self.algorithm(name, k.info.key_bits, k.info.curve.as_deref(), o);
        // A curve's size is the key's only for a plain EC key (a composite
        // names the curve of its traditional part).
        let plain_ec = matches!(name, "EC" | "ECDH");
        let size = k.info.key_bits.or_else(|| {
            k.info
                .curve
                .as_deref()
                .filter(|_| plain_ec)
                .and_then(registry::curve_bits)
                .map(u64::from)
        });
        Some(KeyId {
            material: k.material,
            algorithm,
            form: k.info.form.clone().filter(|f| f != "raw"),
            encrypted: k.encrypted,
            size,
        })
    }

    fn add_key(&mut self, k: &KeyFact, a: u32) {
        let o = (a, None);
        let Some(id) = self.key_id(k, o) else { return };
        let entry = self.keys.entry(id).or_default();
        if let Some(c) = &k.container {
            entry.containers.insert(c.clone());
        }
        note(&mut entry.seen, o);
    }

    fn add_certificate(&mut self, c: &CertFact, a: u32) {
        let o = (a, None);
        let text = |t: &Option<fx_core::text::Text>| {
            t.as_ref().map(super::ids::location).unwrap_or_default()
        };
        let signature_algorithm = c
            .signature_algorithm
            .as_ref()
            .and_then(|s| s.name.clone().or_else(|| s.oid.clone()))
            .map(|n| self.algorithm(&n, None, None, o));
        let key = c.public_key.as_ref().and_then(|k| {
            self.key_id(
                &KeyFact {
                    material: Material::PublicKey,
                    info: k.clone(),
                    container: None,
                    encrypted: false,
                },
                o,
            )
        });
        let id = CertId {
            subject: text(&c.subject),
            issuer: text(&c.issuer),
            serial: c.serial.clone().unwrap_or_default(),
            not_before: c.not_before.clone(),
            not_after: c.not_after.clone(),
            signature_algorithm,
            key,
        };
        note(self.certificates.entry(id).or_default(), o);
    }

    fn add_hash(&mut self, h: &HashFact, a: u32) {
        let o = (a, h.line);
        let algorithm = self.algorithm(&h.scheme, None, None, (a, None));
        let mut params: Vec<(String, String)> = h
            .params
            .iter()
            .filter_map(|(k, v)| safe_param(k, v).map(|v| (k.clone(), v)))
            .collect();
        params.sort();
        let mut weaknesses = h.weaknesses.clone();
        weaknesses.sort();
        weaknesses.dedup();
        let id = HashId {
            scheme: h.scheme.clone(),
            algorithm,
            params,
            weaknesses,
            baseline: h.baseline.clone(),
        };
        note(self.hashes.entry(id).or_default(), o);
    }

    fn add_tls(&mut self, t: &TlsClient, a: u32) {
        let o = (a, None);
        for g in t.groups.iter().chain(&t.negotiated_group) {
            self.algorithm(g, None, None, o);
        }
        for s in t.cipher_suites.iter() {
            for alg in super::tls::suite_algorithms(s) {
                self.algorithm(alg, None, None, o);
            }
        }
        note(self.tls.entry(t.clone()).or_default(), o);
    }

    fn add_library(&mut self, l: &LibraryFact, a: u32) {
        let o = (a, None);
        let provides: Vec<String> = l
            .provides
            .iter()
            .map(|p| self.algorithm(p, None, None, o))
            .collect();
        let entry = self
            .libraries
            .entry(LibraryId {
                name: l.name.clone(),
                version: l.version.clone(),
            })
            .or_default();
        entry.roles.extend(l.role.clone());
        entry.provides.extend(provides);
        note(&mut entry.seen, o);
    }
}

/// A hash parameter fit for a report: numbers and booleans, and the names
/// of a few parameters that are names (`prf`, `variant`, …). Anything else
/// (a future field that could carry bytes) is left out.
fn safe_param(name: &str, v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::Bool(b) => Some(b.to_string()),
        serde_json::Value::String(s)
            if matches!(name, "prf" | "variant" | "hash" | "type" | "algorithm")
                && s.len() <= 32
                && s.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_./".contains(&b)) =>
        {
            Some(s.clone())
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn hash_parameters_keep_numbers_and_names_only() {
        assert_eq!(safe_param("cost", &json!(12)), Some("12".into()));
        assert_eq!(safe_param("prf", &json!("sha512")), Some("sha512".into()));
        assert_eq!(safe_param("salt", &json!("c2FsdA==")), None);
        assert_eq!(
            safe_param("prf", &json!("$2b$12$abcdefghijklmnopqrstuv")),
            None
        );
    }
}
