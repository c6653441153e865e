//! Bundles inspected as bundles (step `bundle`): the certificates, keys and
//! detached signatures of one file (a PEM bundle, a PKCS#7 or PKCS#12 with
//! certificates) or of a bundle job's members (DESIGN §3) considered
//! together —
//!
//! * `chain`: each certificate's issuer in the bundle, found by name, and
//!   the issuer's key verifying its signature (`verify`: RSA PKCS#1 v1.5
//!   and PSS, ECDSA P-256/384/521, Ed25519; anything else is
//!   `unsupported_algorithm`, never a verdict), the signature algorithm
//!   inside the signed part against the outer one, validity nesting;
//! * key ↔ certificate: each key's public key (`pubkey`; a private key's
//!   derived from it, nothing of it written) against each certificate's;
//! * `detached`: a `signature` member over the `message` member.
//!
//! Work is bounded by a count of verifications ([`MAX_VERIFICATIONS`]),
//! never by time.

pub(crate) mod chain;
mod detached;
pub(crate) mod pubkey;
pub(crate) mod verify;

use fx_core::job::Job;
use fx_core::run::RunDir;
use fx_core::vocab::Container;
use fx_facts::bundle::{BundleData, BundleObject, KeyMatch, KeyMatchOutcome};

use pubkey::PublicKey;

/// Signature verifications per artifact (chain links, detached signatures).
pub const MAX_VERIFICATIONS: usize = 4096;

/// Roles of bundle members that hold a detached signature.
const SIGNATURE_ROLES: &[&str] = &["signature", "sig"];

/// What an object of a bundle holds for the checks.
#[derive(Clone, Debug)]
pub(crate) enum Material {
    /// A certificate's DER.
    Certificate(Vec<u8>),
    /// A key: whether it is private, and its public key (or why not).
    Key {
        /// True for a private key.
        private: bool,
        /// The public key, derived for a private key.
        public: Result<PublicKey, String>,
    },
}

/// A certificate or key read from a bundle.
#[derive(Clone, Debug)]
pub(crate) struct Object {
    /// Its record in the evidence.
    pub(crate) record: BundleObject,
    /// What the checks use.
    pub(crate) material: Material,
}

impl Object {
    /// A new object (its index set when the bundle is assembled).
    pub(crate) fn new(
        index: u64,
        container: Container,
        algorithm: Option<String>,
        material: Material,
    ) -> Object {
        Object {
            record: BundleObject {
                index,
                role: None,
                container,
                algorithm,
                subject: None,
                serial: None,
            },
            material,
        }
    }
}

/// A detached signature and its message, from a bundle job.
struct Detached<'a> {
    role: &'a str,
    signature: &'a [u8],
    message: &'a [u8],
}

fn analyse(source: &str, mut objects: Vec<Object>, detached: Option<Detached<'_>>) -> BundleData {
    let mut budget = chain::Budget {
        left: MAX_VERIFICATIONS,
        hit: false,
    };
    let mut certs = Vec::new();
    for o in &mut objects {
        if let Material::Certificate(der) = &o.material
            && let Some(c) = chain::read(o.record.index, der)
        {
            let (subject, serial) = c.names();
            o.record.subject = Some(subject);
            o.record.serial = Some(serial);
            certs.push(c);
        }
    }
    let links = chain::links(&certs, &mut budget);
    let chains = chain::chains(&links);
    let mut key_matches = Vec::new();
    if !certs.is_empty() {
        for o in &objects {
            let Material::Key { private, public } = &o.material else {
                continue;
            };
            key_matches.push(key_match(o.record.index, *private, public, &certs));
        }
    }
    let mut signatures = Vec::new();
    if let Some(d) = detached {
        let keys: Vec<detached::Key<'_>> = objects
            .iter()
            .filter_map(|o| {
                let key = match &o.material {
                    Material::Key { public: Ok(k), .. } => k,
                    Material::Certificate(_) => certs
                        .iter()
                        .find(|c| c.index() == o.record.index)
                        .and_then(chain::Cert::key)?,
                    Material::Key { public: Err(_), .. } => return None,
                };
                Some(detached::Key {
                    index: o.record.index,
                    key,
                })
            })
            .collect();
        signatures = detached::check(d.role, d.signature, d.message, &keys, &certs, &mut budget);
    }
    BundleData {
        source: source.to_owned(),
        objects: objects.into_iter().map(|o| o.record).collect(),
        links,
        chains,
        key_matches,
        signatures,
        caps_hit: if budget.hit {
            vec!["budget:bundle_verifications".to_owned()]
        } else {
            Vec::new()
        },
    }
}

fn key_match(
    index: u64,
    private: bool,
    public: &Result<PublicKey, String>,
    certs: &[chain::Cert],
) -> KeyMatch {
    let mut m = KeyMatch {
        key: index,
        private,
        outcome: KeyMatchOutcome::UnsupportedAlgorithm,
        certificates: Vec::new(),
        detail: None,
    };
    let key = match public {
        Ok(k) => k,
        Err(why) => {
            m.detail = Some(why.clone());
            return m;
        }
    };
    m.certificates = certs
        .iter()
        .filter(|c| c.key() == Some(key))
        .map(chain::Cert::index)
        .collect();
    m.outcome = if !m.certificates.is_empty() {
        KeyMatchOutcome::Matched
    } else if matches!(key, PublicKey::Other { .. }) {
        // Compared as written only: another encoding of the same key would
        // not be seen as the same.
        m.detail = Some("a key of this algorithm is compared only as written".to_owned());
        KeyMatchOutcome::UnsupportedAlgorithm
    } else {
        KeyMatchOutcome::NoCertificate
    };
    m
}

/// The `bundle` record of a file's objects, when it holds a certificate and
/// at least one other certificate or key.
pub(crate) fn of_file(objects: Vec<Object>) -> Option<BundleData> {
    let certs = objects
        .iter()
        .filter(|o| matches!(o.material, Material::Certificate(_)))
        .count();
    (certs >= 1 && objects.len() >= 2).then(|| analyse("file", objects, None))
}

/// The `bundle` record of a bundle job: every member but the `message`
/// inspected for certificates and keys, a signature member checked over the
/// message. `None` when there is nothing to say (no certificate, and no
/// detached signature fx checks: a post-quantum bundle is fx-probe's).
pub fn of_job(job: &Job, run: &RunDir, cfg: &crate::InspectConfig) -> Option<BundleData> {
    let max = run.policy().limits.max_artifact_bytes;
    let mut objects: Vec<Object> = Vec::new();
    let mut message: Option<Vec<u8>> = None;
    let mut signature: Option<(String, Vec<u8>)> = None;
    for m in &job.artifact.members {
        let Some(bytes) = m
            .hash
            .as_deref()
            .and_then(|h| run.blobs().read_verified(h, max).ok())
        else {
            continue;
        };
        if m.role == "message" {
            message = Some(bytes);
            continue;
        }
        for mut o in crate::inspect_objects(&bytes, cfg) {
            o.record.index = objects.len() as u64;
            o.record.role = Some(m.role.clone());
            objects.push(o);
        }
        if SIGNATURE_ROLES.contains(&m.role.as_str()) && signature.is_none() {
            signature = Some((m.role.clone(), bytes));
        }
    }
    let detached = match (&signature, &message) {
        (Some((role, s)), Some(msg)) => Some(Detached {
            role,
            signature: s,
            message: msg,
        }),
        _ => None,
    };
    let data = analyse("members", objects, detached);
    (!data.links.is_empty() || !data.key_matches.is_empty() || !data.signatures.is_empty())
        .then_some(data)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use crate::{InspectConfig, events, inspect};

    const CHAIN: &[u8] = include_bytes!("../../../../tests/fixtures/inspect/files/chain.pem");

    fn bundle_json(bytes: &[u8]) -> Option<String> {
        let cfg = InspectConfig::default();
        events(&inspect(bytes, &cfg), &cfg)
            .into_iter()
            .find(|e| e.step == "bundle")
            .map(|e| serde_json::to_string(&e).unwrap())
    }

    #[test]
    fn the_same_bundle_gives_the_same_bytes() {
        let a = bundle_json(CHAIN).unwrap();
        assert_eq!(Some(a.clone()), bundle_json(CHAIN));
        assert!(a.contains("\"outcome\":\"verified\""));
    }

    #[test]
    fn hostile_bundles_never_panic_nor_verify_what_changed() {
        // Every byte of the leaf's DER flipped in turn (through the PEM's
        // base64, re-encoded): fx never panics, and a changed signed part
        // or signature is never `verified` by the untouched issuer.
        let cfg = InspectConfig::default();
        let scan = fx_formats::pem::scan(CHAIN, 4);
        let (leaf, ca) = (&scan.blocks[0].der, &scan.blocks[1].der);
        use base64::Engine as _;
        let b64 = base64::engine::general_purpose::STANDARD;
        let pem = |der: &[u8]| {
            format!(
                "-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n",
                b64.encode(der)
            )
        };
        let tail = pem(ca);
        for i in (0..leaf.len()).step_by(3) {
            let mut d = leaf.clone();
            d[i] ^= 0x5a;
            let bytes = format!("{}{tail}", pem(&d));
            let evs = events(&inspect(bytes.as_bytes(), &cfg), &cfg);
            if let Some(e) = evs.iter().find(|e| e.step == "bundle") {
                let data = serde_json::to_value(e.data.as_ref().unwrap()).unwrap();
                let first = &data["links"][0];
                if first["certificate"] == 0 && first["issuer"] == 1 {
                    assert_ne!(first["outcome"], "verified", "byte {i}: {data}");
                }
            }
        }
        for n in 0..CHAIN.len() {
            let _ = inspect(&CHAIN[..n], &cfg);
        }
    }
}
