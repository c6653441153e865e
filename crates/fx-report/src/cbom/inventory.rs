//! The run's crypto inventory, aggregated job by job in maps keyed by
//! content (an algorithm by its name and parameters, a certificate by its
//! subject, issuer, serial, validity and algorithms, a password hash by its
//! scheme, parameters and grade, …), so memory grows with the number of
//! distinct assets, never with jobs or per-job documents. Where each asset
//! was found (its occurrences: intake path, artifact hash, line) does grow
//! with the run, so occurrences are not kept in memory: each is a record
//! for an on-disk sort (the crate's `spill` module) that [`Inventory::finish`] turns
//! into one sorted, deduplicated list per component in a temporary file,
//! read back as the CBOM is written.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::Path;
use std::sync::Arc;

use fx_core::job::Job;
use serde::{Deserialize, Serialize};

use super::model::Occurrence as CdxOccurrence;
use super::read::{self, CertFact, HashFact, KeyFact, LibraryFact, Material, TlsClient};
use super::registry::{self, Algorithm};
use crate::spill::{self, Range, Sorter, Store, StoreWriter};

/// Where an asset was found: the artifact and, for a file of hashes, the line.
pub type Occurrence<'a> = (&'a ArtifactRef, Option<u64>);

/// An artifact that named at least one asset.
#[derive(Debug)]
pub struct ArtifactRef {
    /// The intake path, escaped (`ids::location`).
    pub location: String,
    /// The artifact's `sha256:` hash (none for an unreadable file).
    pub hash: Option<String>,
}

/// A component's number in the inventory, in order of first sight: the
/// key of its list of occurrences.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Seen(pub u32);

/// One occurrence of one component, on its way through the sort: ordered
/// by component, then as `evidence.occurrences` is (location, line, hash).
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
struct Record {
    component: u32,
    occurrence: CdxOccurrence,
}

/// An algorithm and where it was named.
#[derive(Debug)]
pub struct AlgorithmEntry {
    /// The registry's description.
    pub algorithm: Algorithm,
    /// Its occurrences.
    pub seen: Seen,
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
#[derive(Debug)]
pub struct KeyEntry {
    /// Containers it was read from (`spki_public_key`, `x509_certificate`, …).
    pub containers: BTreeSet<String>,
    /// Its occurrences.
    pub seen: Seen,
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
#[derive(Debug)]
pub struct LibraryEntry {
    /// Roles seen (`consumer`, `static_copy`, `library`).
    pub roles: BTreeSet<String>,
    /// Algorithm component names it provides.
    pub provides: BTreeSet<String>,
    /// Its occurrences.
    pub seen: Seen,
}

/// The occurrences: being sorted on disk while jobs are added, then (after
/// [`Inventory::finish`]) one list per component in a temporary file.
struct Occurrences {
    sorter: Option<Sorter<Record>>,
    error: Option<std::io::Error>,
    store: Option<(Arc<Store>, Vec<Range>)>,
    dir: std::path::PathBuf,
}

impl std::fmt::Debug for Occurrences {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Occurrences")
            .field("dir", &self.dir)
            .finish_non_exhaustive()
    }
}

/// The whole inventory.
#[derive(Debug)]
pub struct Inventory {
    /// Jobs read.
    pub jobs: u64,
    /// Components numbered so far.
    components: u32,
    /// (Component, line) noted for the job being added: a job names the
    /// same algorithm from its key, certificate, TLS offer, …, and each
    /// repeat would be one more record to sort only to be dropped.
    noted: HashSet<(u32, Option<u64>)>,
    /// Where they were found.
    occurrences: Occurrences,
    /// Algorithms, by component name.
    pub algorithms: BTreeMap<String, AlgorithmEntry>,
    /// Keys and other related material.
    pub keys: BTreeMap<KeyId, KeyEntry>,
    /// Certificates.
    pub certificates: BTreeMap<CertId, Seen>,
    /// Password hashes and KDF outputs.
    pub hashes: BTreeMap<HashId, Seen>,
    /// TLS clients.
    pub tls: BTreeMap<TlsClient, Seen>,
    /// Crypto libraries.
    pub libraries: BTreeMap<LibraryId, LibraryEntry>,
}

/// Numbers a new component.
fn number(components: &mut u32) -> Seen {
    let s = Seen(*components);
    *components += 1;
    s
}

impl Inventory {
    /// An empty inventory whose occurrences are sorted in unnamed temporary
    /// files in `dir`.
    pub fn new(dir: &Path) -> Inventory {
        Inventory::with_batch(dir, spill::BATCH)
    }

    /// The same, sorting `batch` occurrences at a time in memory (the
    /// default is 32,768; the tests use a small one, for many sorted runs).
    pub fn with_batch(dir: &Path, batch: usize) -> Inventory {
        Inventory {
            jobs: 0,
            components: 0,
            noted: HashSet::new(),
            occurrences: Occurrences {
                sorter: Some(Sorter::new(dir, batch)),
                error: None,
                store: None,
                dir: dir.to_owned(),
            },
            algorithms: BTreeMap::new(),
            keys: BTreeMap::new(),
            certificates: BTreeMap::new(),
            hashes: BTreeMap::new(),
            tls: BTreeMap::new(),
            libraries: BTreeMap::new(),
        }
    }

    /// Records that component `seen` occurred at `o` (repeats within the
    /// job are dropped here, repeats across jobs when the lists are made).
    fn note(&mut self, seen: Seen, o: Occurrence<'_>) {
        if !self.noted.insert((seen.0, o.1)) {
            return;
        }
        let occ = &mut self.occurrences;
        let Some(sorter) = occ.sorter.as_mut().filter(|_| occ.error.is_none()) else {
            return;
        };
        let record = Record {
            component: seen.0,
            occurrence: CdxOccurrence {
                location: o.0.location.clone(),
                line: o.1,
                additional_context: o.0.hash.as_ref().map(|h| format!("artifact_hash={h}")),
            },
        };
        if let Err(e) = sorter.push(record) {
            occ.error = Some(e);
        }
    }

    /// Ends the pass: sorts the occurrences into one list per component,
    /// each sorted and without repeats. Fails when they could not be
    /// written to disk or read back. Adding jobs after it records nothing
    /// more.
    pub fn finish(&mut self) -> std::io::Result<()> {
        if let Some(e) = self.occurrences.error.take() {
            return Err(e);
        }
        let Some(sorter) = self.occurrences.sorter.take() else {
            return Ok(());
        };
        let mut lists = vec![Range::default(); self.components as usize];
        let mut out = StoreWriter::new(&self.occurrences.dir)?;
        let mut last: Option<Record> = None;
        for r in sorter.finish()? {
            let r = r?;
            if last.as_ref() == Some(&r) {
                continue;
            }
            if let Some(l) = &last
                && l.component != r.component
            {
                lists[l.component as usize] = out.end_list();
            }
            out.push(&r.occurrence)?;
            last = Some(r);
        }
        if let Some(l) = &last {
            lists[l.component as usize] = out.end_list();
        }
        self.occurrences.store = Some((Arc::new(out.finish()?), lists));
        Ok(())
    }

    /// The occurrences of component `seen`, in order, once
    /// [`Inventory::finish`] has run (none before): the store they are in
    /// and where, for a writer to read them back.
    pub(crate) fn found(&self, seen: Seen) -> Option<(Arc<Store>, Range)> {
        let (store, lists) = self.occurrences.store.as_ref()?;
        let range = *lists.get(seen.0 as usize)?;
        (range.count > 0).then(|| (Arc::clone(store), range))
    }

    /// Adds one sequenced job.
    pub fn add_job(&mut self, job: &Job) {
        self.jobs += 1;
        self.noted.clear();
        let facts = read::job_facts(job);
        let a = ArtifactRef {
            location: super::ids::location(&job.artifact.intake.path),
            hash: job.artifact.artifact_hash.clone(),
        };
        for k in &facts.keys {
            self.add_key(k, &a);
        }
        for c in &facts.certificates {
            self.add_certificate(c, &a);
        }
        for h in &facts.hashes {
            self.add_hash(h, &a);
        }
        for t in &facts.tls {
            self.add_tls(t, &a);
        }
        for l in &facts.libraries {
            self.add_library(l, &a);
        }
        for name in &facts.algorithms {
            self.algorithm(name, None, None, (&a, None));
        }
    }

    /// Records an algorithm named `name` (with its size and curve) and
    /// returns its component name.
    fn algorithm(
        &mut self,
        name: &str,
        key_bits: Option<u64>,
        curve: Option<&str>,
        o: Occurrence<'_>,
    ) -> String {
        let algorithm = registry::describe(name, key_bits, curve)
            .or_else(|| registry::password_scheme(name))
            .unwrap_or_else(|| registry::unknown(name));
        let components = &mut self.components;
        let entry = self
            .algorithms
            .entry(algorithm.name.clone())
            .or_insert_with(|| AlgorithmEntry {
                algorithm,
                seen: number(components),
            });
        let (seen, name) = (entry.seen, entry.algorithm.name.clone());
        self.note(seen, o);
        name
    }

    fn key_id(&mut self, k: &KeyFact, o: Occurrence<'_>) -> Option<KeyId> {
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

    fn add_key(&mut self, k: &KeyFact, a: &ArtifactRef) {
        let o = (a, None);
        let Some(id) = self.key_id(k, o) else { return };
        let components = &mut self.components;
        let entry = self.keys.entry(id).or_insert_with(|| KeyEntry {
            containers: BTreeSet::new(),
            seen: number(components),
        });
        if let Some(c) = &k.container {
            entry.containers.insert(c.clone());
        }
        let seen = entry.seen;
        self.note(seen, o);
    }

    fn add_certificate(&mut self, c: &CertFact, a: &ArtifactRef) {
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
        let components = &mut self.components;
        let seen = *self
            .certificates
            .entry(id)
            .or_insert_with(|| number(components));
        self.note(seen, o);
    }

    fn add_hash(&mut self, h: &HashFact, a: &ArtifactRef) {
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
        let components = &mut self.components;
        let seen = *self.hashes.entry(id).or_insert_with(|| number(components));
        self.note(seen, o);
    }

    fn add_tls(&mut self, t: &TlsClient, a: &ArtifactRef) {
        let o = (a, None);
        for g in t.groups.iter().chain(&t.negotiated_group) {
            self.algorithm(g, None, None, o);
        }
        for s in t.cipher_suites.iter() {
            for alg in super::tls::suite_algorithms(s) {
                self.algorithm(alg, None, None, o);
            }
        }
        let components = &mut self.components;
        let seen = *self
            .tls
            .entry(t.clone())
            .or_insert_with(|| number(components));
        self.note(seen, o);
    }

    fn add_library(&mut self, l: &LibraryFact, a: &ArtifactRef) {
        let o = (a, None);
        let provides: Vec<String> = l
            .provides
            .iter()
            .map(|p| self.algorithm(p, None, None, o))
            .collect();
        let components = &mut self.components;
        let entry = self
            .libraries
            .entry(LibraryId {
                name: l.name.clone(),
                version: l.version.clone(),
            })
            .or_insert_with(|| LibraryEntry {
                roles: BTreeSet::new(),
                provides: BTreeSet::new(),
                seen: number(components),
            });
        entry.roles.extend(l.role.clone());
        entry.provides.extend(provides);
        let seen = entry.seen;
        self.note(seen, o);
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
