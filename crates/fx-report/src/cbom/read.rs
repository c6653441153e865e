//! What the CBOM reads from one sequenced job, as typed facts: the
//! certificates and keys fx-inspect parsed, the password hashes fx-probe
//! audited, the TLS clients and crypto libraries fx-fingerprint found, the
//! ciphers named by encrypted containers, and the post-quantum objects the
//! summary concluded on structural or parsed evidence. Guesses (`size_only`,
//! `statistics`) are left out: an inventory lists what was read.
//!
//! The event shapes are those documented in docs/fx-inspect.md,
//! docs/hash-audit.md and docs/fx-fingerprint.md; only the fields the CBOM
//! needs are declared, and an event whose data does not have the shape is
//! skipped (it is still counted in `reports/summary.json`).

use fx_core::event::{Event, Status};
use fx_core::job::Job;
use fx_core::summary::{SUMMARY_MODULE, SUMMARY_STEP};
use fx_core::text::Text;
use fx_core::vocab::Basis;
use serde::Deserialize;
use serde_json::{Map, Value};

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
#[derive(Clone, Debug, Deserialize)]
pub struct CertFact {
    /// Subject DN.
    #[serde(default)]
    pub subject: Option<Text>,
    /// Issuer DN.
    #[serde(default)]
    pub issuer: Option<Text>,
    /// Serial number (hex).
    #[serde(default)]
    pub serial: Option<String>,
    /// notBefore, RFC 3339.
    #[serde(default)]
    pub not_before: Option<String>,
    /// notAfter, RFC 3339.
    #[serde(default)]
    pub not_after: Option<String>,
    /// Signature algorithm.
    #[serde(default)]
    pub signature_algorithm: Option<NamedOid>,
    /// Subject public key.
    #[serde(default)]
    pub public_key: Option<KeyInfo>,
}

/// `{name, oid}`.
#[derive(Clone, Debug, Deserialize)]
pub struct NamedOid {
    /// Name (`ecdsa-with-SHA256`, `ML-DSA-65`).
    #[serde(default)]
    pub name: Option<String>,
    /// Dotted OID.
    #[serde(default)]
    pub oid: Option<String>,
}

/// A key's parameters as fx-inspect writes them (`key`, `public_key`).
#[derive(Clone, Debug, Default, Deserialize)]
pub struct KeyInfo {
    /// DESIGN §9 algorithm name.
    #[serde(default)]
    pub algorithm: Option<String>,
    /// Modulus bits.
    #[serde(default)]
    pub key_bits: Option<u64>,
    /// Curve.
    #[serde(default)]
    pub curve: Option<String>,
    /// Dotted OID as read.
    #[serde(default)]
    pub oid: Option<String>,
    /// Private-key form of a PQ key (`seed`, `expandedKey`, `both`, `raw`).
    #[serde(default)]
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
#[derive(Clone, Debug, Deserialize)]
pub struct HashFact {
    /// Line number in the artifact.
    #[serde(default)]
    pub line: Option<u64>,
    /// Scheme (`bcrypt`, `argon2id`, `sha512crypt`, …).
    pub scheme: String,
    /// Parameters (`cost`, `rounds`, `iterations`, `memory_kib`,
    /// `parallelism`, `salt_bytes`, `digest`, …): numbers and names only,
    /// never hash or salt bytes.
    #[serde(default)]
    pub params: std::collections::BTreeMap<String, Value>,
    /// Weakness ids under the baseline (empty: meets it).
    #[serde(default)]
    pub weaknesses: Vec<String>,
    /// The baseline the audit graded against (from the artifact's audit).
    #[serde(skip)]
    pub baseline: Option<String>,
}

/// The audit's summary object (`hash`).
#[derive(Debug, Deserialize)]
struct HashSummary {
    #[serde(default)]
    scheme: Option<String>,
    #[serde(default)]
    params: std::collections::BTreeMap<String, Value>,
    #[serde(default)]
    weaknesses: Vec<String>,
    #[serde(default)]
    baseline: Option<String>,
    #[serde(default)]
    lines: Vec<HashFact>,
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

#[derive(Debug, Deserialize)]
struct CaptureData {
    #[serde(default)]
    streams: Vec<Stream>,
}

#[derive(Debug, Deserialize)]
struct Stream {
    #[serde(default)]
    client_hellos: Vec<ClientHello>,
    #[serde(default)]
    server_hellos: Vec<ServerHello>,
}

#[derive(Debug, Deserialize)]
struct Group {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    post_quantum: bool,
}

#[derive(Debug, Deserialize)]
struct ClientHello {
    #[serde(default)]
    offered_versions: Vec<String>,
    #[serde(default)]
    legacy_version: Option<String>,
    #[serde(default)]
    cipher_suites: Vec<String>,
    #[serde(default)]
    groups: Vec<Group>,
    #[serde(default)]
    key_shares: Vec<Group>,
    #[serde(default)]
    ja4: Option<String>,
}

#[derive(Debug, Deserialize)]
struct ServerHello {
    #[serde(default)]
    cipher_suite: Option<String>,
    #[serde(default)]
    group: Option<Group>,
    #[serde(default)]
    version: Option<String>,
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

#[derive(Debug, Deserialize)]
struct LibrariesData {
    #[serde(default)]
    candidates: Vec<LibraryCandidate>,
}

#[derive(Debug, Deserialize)]
struct LibraryCandidate {
    name: String,
    #[serde(default)]
    version: Option<String>,
    #[serde(default)]
    role: Option<String>,
    #[serde(default)]
    detail: LibraryDetail,
}

#[derive(Debug, Default, Deserialize)]
struct LibraryDetail {
    #[serde(default)]
    algorithms: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct ConstantsData {
    #[serde(default)]
    algorithms: Vec<String>,
}

/// fx-inspect data that carries a key (`key`) or the keys of a JWK set.
#[derive(Debug, Deserialize)]
struct KeyData {
    #[serde(default)]
    container: Option<String>,
    #[serde(default)]
    key: Option<KeyInfo>,
    #[serde(default)]
    keys: Vec<JoseKey>,
    #[serde(default)]
    line_kind: Option<String>,
    #[serde(default)]
    encryption: Option<Encryption>,
    #[serde(default)]
    cipher: Option<String>,
}

#[derive(Debug, Deserialize)]
struct JoseKey {
    #[serde(default)]
    key: Option<KeyInfo>,
    #[serde(default)]
    private: bool,
}

#[derive(Debug, Deserialize)]
struct Encryption {
    #[serde(default)]
    cipher: Option<String>,
    #[serde(default)]
    kdf: Option<String>,
    #[serde(default)]
    prf: Option<String>,
}

#[derive(Debug, Deserialize)]
struct PqcSummary {
    #[serde(default)]
    candidates: Vec<PqcCandidate>,
}

#[derive(Debug, Deserialize)]
struct PqcCandidate {
    algorithm: String,
    object: String,
}

#[derive(Debug, Deserialize)]
struct Region {
    #[serde(default)]
    algorithm: Option<String>,
    #[serde(default)]
    kind: Option<String>,
}

fn parse<'a, T: Deserialize<'a>>(v: &'a Value) -> Option<T> {
    T::deserialize(v).ok()
}

/// Reads an event's `data` object as `T` without copying it.
fn parse_map<'a, T: Deserialize<'a>>(m: &'a Map<String, Value>) -> Option<T> {
    let d = serde::de::value::MapDeserializer::<_, serde_json::Error>::new(
        m.iter().map(|(k, v)| (k.as_str(), v)),
    );
    T::deserialize(d).ok()
}

fn is_private(container: Option<&str>) -> bool {
    container.is_some_and(|c| {
        c.ends_with("_private_key") || c == "pkcs12" || c == "pkcs8_encrypted_private_key"
    })
}

/// Reads the facts of one sequenced job.
pub fn job_facts(job: &Job) -> JobFacts {
    let mut f = JobFacts::default();
    let mut constants: Vec<String> = Vec::new();
    for e in &job.events {
        if e.status != Status::Ok {
            continue;
        }
        let Some(data) = e.data.as_ref() else {
            continue;
        };
        match e.module.as_str() {
            "inspect" => inspect_event(e, data, &mut f),
            "fingerprint" => match e.step.as_str() {
                "tls" => tls_event(data, &mut f),
                "libraries" => {
                    if let Some(d) = parse_map::<LibrariesData>(data) {
                        for c in d.candidates {
                            f.libraries.push(LibraryFact {
                                name: c.name,
                                version: c.version,
                                role: c.role,
                                provides: c.detail.algorithms,
                            });
                        }
                    }
                }
                "constants" => {
                    if let Some(d) = parse_map::<ConstantsData>(data) {
                        constants = d.algorithms;
                    }
                }
                _ => {}
            },
            SUMMARY_MODULE if e.step == SUMMARY_STEP => summary_event(data, &mut f),
            _ => {}
        }
    }
    for lib in &mut f.libraries {
        if matches!(lib.role.as_deref(), Some("static_copy" | "library")) {
            lib.provides.extend(constants.iter().cloned());
        }
        lib.provides.sort();
        lib.provides.dedup();
    }
    if f.libraries.is_empty() {
        f.algorithms.extend(constants);
    }
    f
}

fn inspect_event(e: &Event, data: &Map<String, Value>, f: &mut JobFacts) {
    let container = data.get("container").and_then(Value::as_str);
    if matches!(container, Some("x509_certificate")) && data.get("subject").is_some() {
        if let Some(c) = parse_map::<CertFact>(data) {
            if let Some(k) = &c.public_key {
                f.keys.push(KeyFact {
                    material: Material::PublicKey,
                    info: k.clone(),
                    container: Some("x509_certificate".into()),
                    encrypted: false,
                });
            }
            f.certificates.push(c);
        }
        return;
    }
    if e.step == "x509_csr" {
        if let Some(k) = data.get("public_key").and_then(parse::<KeyInfo>) {
            f.keys.push(KeyFact {
                material: Material::PublicKey,
                info: k,
                container: Some("x509_csr".into()),
                encrypted: false,
            });
        }
        return;
    }
    if e.step == "cms" {
        for d in data
            .get("digest_algorithms")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(d) = d.as_str() {
                f.algorithms.push(d.to_owned());
            }
        }
        return;
    }
    let Some(d) = parse_map::<KeyData>(data) else {
        return;
    };
    if let Some(enc) = &d.encryption {
        for a in [&enc.cipher, &enc.kdf, &enc.prf].into_iter().flatten() {
            f.algorithms.push(a.clone());
        }
    }
    if let Some(c) = &d.cipher
        && c != "none"
    {
        f.algorithms.push(c.clone());
    }
    let encrypted = d.encryption.is_some() || d.cipher.as_deref().is_some_and(|c| c != "none");
    if let Some(k) = d.key
        && k.algorithm.as_deref().is_some_and(|a| !a.is_empty())
    {
        let private =
            is_private(d.container.as_deref()) || d.line_kind.as_deref() == Some("private_key");
        f.keys.push(KeyFact {
            material: if private {
                Material::PrivateKey
            } else {
                Material::PublicKey
            },
            info: k,
            container: d.container.clone(),
            encrypted,
        });
    }
    for j in d.keys {
        if let Some(k) = j.key
            && k.algorithm.is_some()
        {
            f.keys.push(KeyFact {
                material: if j.private {
                    Material::PrivateKey
                } else {
                    Material::PublicKey
                },
                info: k,
                container: Some("jwk".into()),
                encrypted: false,
            });
        }
    }
}

fn tls_event(data: &Map<String, Value>, f: &mut JobFacts) {
    let Some(d) = parse_map::<CaptureData>(data) else {
        return;
    };
    for s in d.streams {
        let server = s.server_hellos.first();
        for ch in s.client_hellos {
            let name = |g: &Group| g.name.clone().filter(|n| n != "GREASE");
            let mut offered = ch.offered_versions;
            offered.retain(|v| v != "GREASE");
            if offered.is_empty() {
                offered.extend(ch.legacy_version);
            }
            let mut c = TlsClient {
                offered_versions: offered,
                cipher_suites: ch.cipher_suites,
                groups: ch.groups.iter().filter_map(name).collect(),
                pq_groups: ch
                    .groups
                    .iter()
                    .filter(|g| g.post_quantum)
                    .filter_map(name)
                    .collect(),
                key_shares: ch.key_shares.iter().filter_map(name).collect(),
                ja4: ch.ja4,
                ..TlsClient::default()
            };
            c.cipher_suites.retain(|s| !is_grease(s));
            if let Some(sh) = server {
                c.negotiated_version = sh.version.clone();
                c.negotiated_suite = sh.cipher_suite.clone();
                c.negotiated_group = sh.group.as_ref().and_then(name);
            }
            f.tls.push(c);
        }
    }
}

/// A GREASE code point (RFC 8701: 0x?a?a with equal bytes).
fn is_grease(code: &str) -> bool {
    let hex = code.trim_start_matches("0x");
    u16::from_str_radix(hex, 16).is_ok_and(|v| v & 0x0f0f == 0x0a0a && v >> 8 == v & 0xff)
}

fn summary_event(data: &Map<String, Value>, f: &mut JobFacts) {
    if let Some(h) = data.get("hash").and_then(parse::<HashSummary>) {
        if h.lines.is_empty() {
            if let Some(scheme) = h.scheme {
                f.hashes.push(HashFact {
                    line: None,
                    scheme,
                    params: h.params,
                    weaknesses: h.weaknesses,
                    baseline: h.baseline,
                });
            }
        } else {
            for mut l in h.lines {
                l.baseline = h.baseline.clone();
                f.hashes.push(l);
            }
        }
    }
    for r in data
        .get("regions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if let Some(r) = parse::<Region>(r)
            && r.kind.as_deref() == Some("ciphertext")
            && let Some(a) = r.algorithm
        {
            f.algorithms.push(a);
        }
    }
    // A post-quantum object concluded on its structure alone (a raw key,
    // ciphertext or signature with no parser around it).
    if f.keys.is_empty() && f.certificates.is_empty() {
        let basis = data
            .get("sources")
            .and_then(|s| s.get("algorithm"))
            .and_then(|s| s.get("basis"))
            .and_then(Value::as_str)
            .and_then(Basis::parse);
        let algorithm = data.get("algorithm").and_then(Value::as_str);
        if let (Some(algorithm), Some(basis)) = (algorithm, basis)
            && !basis.is_guess()
            && let Some(p) = data.get("pqc").and_then(parse::<PqcSummary>)
            && let Some(c) = p.candidates.iter().find(|c| c.algorithm == algorithm)
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
                        algorithm: Some(algorithm.to_owned()),
                        ..KeyInfo::default()
                    },
                    container: data
                        .get("container")
                        .and_then(Value::as_str)
                        .map(str::to_owned),
                    encrypted: false,
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grease_code_points() {
        assert!(is_grease("0x4a4a") && is_grease("0xfafa"));
        assert!(!is_grease("0x1301") && !is_grease("0x4a4b"));
    }
}
