//! What the CBOM takes from one sequenced job, read through the typed
//! records of `fx_facts` (`JobFacts::from_events`): the certificates, CSR
//! and key facts fx-inspect parsed (and the ciphers and KDFs protecting
//! encrypted keys, PKCS#12 safes and CMS content), the password hashes
//! fx-probe audited, the TLS clients and crypto libraries fx-fingerprint
//! found (with the constants of the file, for what a library provides), and
//! the post-quantum objects a probe concluded on structural or parsed
//! evidence. Guesses (`size_only`, `statistics`) are left out: an inventory
//! lists what was read.

use fx_core::job::Job;
use fx_core::text::Text;
use fx_facts::step::StepData;
use fx_facts::{HashParams, JobFacts as Facts, KeyAlgorithm, KeyVisibility, PbeScheme};
use serde_json::Value;

/// Everything the CBOM takes from one job.
#[derive(Debug, Default)]
pub struct JobFacts {
    /// Certificates parsed (a bundle has several).
    pub certificates: Vec<CertFact>,
    /// Keys parsed, and certificate/CSR subject keys.
    pub keys: Vec<KeyFact>,
    /// Audited password hashes and KDF outputs, one per line (or one for the
    /// artifact when the audit lists no lines).
    pub hashes: Vec<HashFact>,
    /// TLS clients seen in a capture.
    pub tls: Vec<TlsClient>,
    /// Crypto libraries found in a binary.
    pub libraries: Vec<LibraryFact>,
    /// Other algorithms named (ciphers of encrypted containers, constants
    /// of a binary, CMS digests).
    pub algorithms: Vec<String>,
}

/// A certificate's facts (fx-inspect `x509` event data).
#[derive(Clone, Debug)]
pub struct CertFact {
    /// Subject DN.
    pub subject: Option<Text>,
    /// Issuer DN.
    pub issuer: Option<Text>,
    /// Serial number (hex).
    pub serial: Option<String>,
    /// notBefore, RFC 3339.
    pub not_before: Option<String>,
    /// notAfter, RFC 3339.
    pub not_after: Option<String>,
    /// Signature algorithm.
    pub signature_algorithm: Option<NamedOid>,
    /// Subject public key.
    pub public_key: Option<KeyInfo>,
}

/// `{name, oid}`.
#[derive(Clone, Debug)]
pub struct NamedOid {
    /// Name (`ecdsa-with-SHA256`, `ML-DSA-65`).
    pub name: Option<String>,
    /// Dotted OID.
    pub oid: Option<String>,
}

/// A key's parameters as fx-inspect writes them (`key`, `public_key`).
#[derive(Clone, Debug, Default)]
pub struct KeyInfo {
    /// DESIGN §9 algorithm name.
    pub algorithm: Option<String>,
    /// Modulus bits.
    pub key_bits: Option<u64>,
    /// Curve.
    pub curve: Option<String>,
    /// Dotted OID as read.
    pub oid: Option<String>,
    /// Private-key form of a PQ key (`seed`, `expandedKey`, `both`, `raw`).
    pub form: Option<String>,
}

/// What kind of key material.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Material {
    /// A public key.
    PublicKey,
    /// A private key.
    PrivateKey,
    /// A KEM ciphertext.
    Ciphertext,
    /// A signature.
    Signature,
}

impl Material {
    /// CycloneDX `relatedCryptoMaterialProperties.type`.
    pub fn cdx(self) -> &'static str {
        match self {
            Material::PublicKey => "public-key",
            Material::PrivateKey => "private-key",
            Material::Ciphertext => "ciphertext",
            Material::Signature => "signature",
        }
    }
}

/// A key (or other related material) found.
#[derive(Clone, Debug)]
pub struct KeyFact {
    /// Public, private, …
    pub material: Material,
    /// Parameters.
    pub info: KeyInfo,
    /// Container it was read from.
    pub container: Option<String>,
    /// Encrypted (PKCS#8 EncryptedPrivateKeyInfo, OpenSSH with a cipher).
    pub encrypted: bool,
}

/// One audited hash (a line of a file, or the artifact's hash).
#[derive(Clone, Debug)]
pub struct HashFact {
    /// Line number in the artifact.
    pub line: Option<u64>,
    /// Scheme (`bcrypt`, `argon2id`, `sha512crypt`, …).
    pub scheme: String,
    /// Parameters (`cost`, `rounds`, `iterations`, `memory_kib`,
    /// `parallelism`, `salt_bytes`, `digest`, …): numbers and names only,
    /// never hash or salt bytes.
    pub params: std::collections::BTreeMap<String, Value>,
    /// Weakness ids under the baseline (empty: meets it).
    pub weaknesses: Vec<String>,
    /// The baseline the audit graded against (from the artifact's audit).
    pub baseline: Option<String>,
}

/// A TLS client as one ClientHello (and the ServerHello answering it).
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TlsClient {
    /// Versions offered (`supported_versions`, else the legacy version).
    pub offered_versions: Vec<String>,
    /// Cipher suites offered (code points, `0x1301`).
    pub cipher_suites: Vec<String>,
    /// Groups offered.
    pub groups: Vec<String>,
    /// Of those, the post-quantum and hybrid ones.
    pub pq_groups: Vec<String>,
    /// Groups of the key shares sent.
    pub key_shares: Vec<String>,
    /// JA4.
    pub ja4: Option<String>,
    /// Negotiated version (ServerHello).
    pub negotiated_version: Option<String>,
    /// Negotiated suite.
    pub negotiated_suite: Option<String>,
    /// Negotiated group.
    pub negotiated_group: Option<String>,
}

/// A crypto library found in a binary, with the algorithms the build offers.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LibraryFact {
    /// Library name (`openssl`, `libsodium`).
    pub name: String,
    /// Version, when fx read one.
    pub version: Option<String>,
    /// `consumer`, `static_copy`, `library`.
    pub role: Option<String>,
    /// Algorithms it provides: its `detail.algorithms`, and, for a copy or
    /// the library itself, the constants found in the file.
    pub provides: Vec<String>,
}

/// Reads the facts of one sequenced job.
pub fn job_facts(job: &Job) -> JobFacts {
    let facts = Facts::from_events(&job.events);
    let mut f = JobFacts::default();
    for c in &facts.certificates {
        let c = &c.fact;
        let key = key_info(&c.public_key);
        f.keys.push(KeyFact {
            material: Material::PublicKey,
            info: key.clone(),
            container: Some("x509_certificate".into()),
            encrypted: false,
        });
        f.certificates.push(CertFact {
            subject: Some(Text::from(c.subject.as_str())),
            issuer: Some(Text::from(c.issuer.as_str())),
            serial: Some(c.serial.clone()),
            not_before: Some(c.not_before.clone()),
            not_after: Some(c.not_after.clone()),
            signature_algorithm: Some(NamedOid {
                name: c.signature_algorithm.name.clone(),
                oid: Some(c.signature_algorithm.oid.clone()),
            }),
            public_key: Some(key),
        });
    }
    for c in &facts.csrs {
        f.keys.push(KeyFact {
            material: Material::PublicKey,
            info: key_info(&c.fact.public_key),
            container: Some("x509_csr".into()),
            encrypted: false,
        });
    }
    for k in &facts.keys {
        let k = &k.fact;
        if let Some(p) = &k.encrypted {
            f.algorithms.extend(
                [&p.cipher, &p.kdf]
                    .into_iter()
                    .flatten()
                    .cloned()
                    .chain((p.pbe.is_none() && p.cipher.is_none()).then(|| p.scheme.clone())),
            );
            if let Some(pbe) = &p.pbe {
                pbe_algorithms(pbe, &mut f.algorithms);
            }
        }
        let Some(alg) = &k.key else { continue };
        if alg.algorithm.as_deref().is_none_or(str::is_empty) {
            continue;
        }
        f.keys.push(KeyFact {
            material: if k.visibility == Some(KeyVisibility::Private) {
                Material::PrivateKey
            } else {
                Material::PublicKey
            },
            info: key_info(alg),
            container: Some(k.container.as_str().to_owned()),
            encrypted: k.encrypted.is_some(),
        });
    }
    for c in &facts.cms {
        f.algorithms
            .extend(c.fact.digest_algorithms.iter().cloned());
        f.algorithms
            .extend(c.fact.content_encryption.iter().cloned());
    }
    for p in &facts.pkcs12 {
        for safe in &p.fact.safes {
            for pbe in safe.encryption.iter().chain(&safe.shrouded_keys) {
                pbe_algorithms(pbe, &mut f.algorithms);
            }
        }
    }
    for h in &facts.hash_audits {
        let Some(c) = &h.fact.conclusion else {
            continue;
        };
        let baseline = Some(c.baseline.clone()).filter(|b| !b.is_empty());
        match c.lines.as_deref() {
            Some(lines) if !lines.is_empty() => {
                for l in lines {
                    if let Some(scheme) = &l.scheme {
                        f.hashes.push(HashFact {
                            line: Some(l.line),
                            scheme: scheme.clone(),
                            params: hash_params(&l.params),
                            weaknesses: l.weaknesses.clone(),
                            baseline: baseline.clone(),
                        });
                    }
                }
            }
            _ => {
                if let Some(scheme) = &c.scheme {
                    f.hashes.push(HashFact {
                        line: None,
                        scheme: scheme.clone(),
                        params: hash_params(&c.params),
                        weaknesses: c.weaknesses.clone(),
                        baseline,
                    });
                }
            }
        }
    }
    for t in &facts.tls_clients {
        let t = &t.fact;
        let h = &t.hello;
        f.tls.push(TlsClient {
            offered_versions: h.offered_versions.clone(),
            cipher_suites: h.cipher_suites.clone(),
            groups: h.groups.iter().map(|g| g.name.clone()).collect(),
            pq_groups: h
                .groups
                .iter()
                .filter(|g| g.post_quantum)
                .map(|g| g.name.clone())
                .collect(),
            key_shares: h.key_shares.iter().map(|k| k.group.name.clone()).collect(),
            ja4: Some(h.ja4.clone()).filter(|j| !j.is_empty()),
            negotiated_version: t.server.as_ref().map(|s| s.version.clone()),
            negotiated_suite: t.server.as_ref().map(|s| s.cipher_suite.clone()),
            negotiated_group: t
                .server
                .as_ref()
                .and_then(|s| s.group.as_ref())
                .map(|g| g.name.clone()),
        });
    }
    // The constants of the file: what a copy of a library (or the library
    // itself) implements.
    let mut constants: Vec<String> = Vec::new();
    for e in &job.events {
        if let Some(Ok(StepData::Constants(c))) =
            StepData::parse(&e.module, &e.step, e.data.as_ref())
        {
            constants.extend(c.algorithms);
        }
    }
    for l in &facts.libraries {
        let l = &l.fact;
        let mut provides = l.detail.algorithms.clone();
        if matches!(l.role.as_str(), "static_copy" | "library") {
            provides.extend(constants.iter().cloned());
        }
        provides.sort();
        provides.dedup();
        f.libraries.push(LibraryFact {
            name: l.name.clone(),
            version: l.version.clone(),
            role: Some(l.role.clone()),
            provides,
        });
    }
    if f.libraries.is_empty() {
        f.algorithms.extend(constants);
    }
    // A post-quantum object concluded on its structure alone (a raw key,
    // ciphertext or signature with no parser around it): the strongest
    // such conclusion that is not a guess.
    if f.keys.is_empty() && f.certificates.is_empty() {
        let best = facts
            .pqc
            .iter()
            .filter(|p| !p.fact.basis.is_guess())
            .max_by_key(|p| p.fact.basis.strength());
        if let Some(p) = best
            && let Some(algorithm) = &p.fact.algorithm
            && let Some(c) = p
                .fact
                .pqc
                .candidates
                .iter()
                .find(|c| &c.algorithm == algorithm)
        {
            let material = match c.object.as_str() {
                "public_key" => Some(Material::PublicKey),
                "secret_key" => Some(Material::PrivateKey),
                "ciphertext" => Some(Material::Ciphertext),
                "signature" => Some(Material::Signature),
                _ => None,
            };
            if let Some(material) = material {
                f.keys.push(KeyFact {
                    material,
                    info: KeyInfo {
                        algorithm: Some(algorithm.clone()),
                        ..KeyInfo::default()
                    },
                    container: Some("raw".into()),
                    encrypted: false,
                });
            }
        }
    }
    f
}

fn key_info(k: &KeyAlgorithm) -> KeyInfo {
    KeyInfo {
        algorithm: k.algorithm.clone(),
        key_bits: k.key_bits,
        curve: k.curve.clone(),
        oid: Some(k.oid.clone()).filter(|o| !o.is_empty()),
        form: k.form.clone(),
    }
}

fn pbe_algorithms(pbe: &PbeScheme, out: &mut Vec<String>) {
    out.extend(
        [&pbe.cipher, &pbe.kdf, &pbe.prf]
            .into_iter()
            .flatten()
            .cloned(),
    );
    if pbe.kdf.is_none() {
        out.push(pbe.scheme.clone());
    }
}

/// The audit's parameters as `name → value` (typed numbers and the PRF's
/// name: the record has no field that could hold hash or salt bytes).
fn hash_params(p: &HashParams) -> std::collections::BTreeMap<String, Value> {
    match serde_json::to_value(p) {
        Ok(Value::Object(m)) => m.into_iter().filter(|(_, v)| !v.is_null()).collect(),
        _ => Default::default(),
    }
}
