//! Turns the [`Inventory`] into CycloneDX components and writes the
//! document, one component at a time (never the whole document in
//! memory): components sorted by `bom-ref`, one per line, then the
//! libraries' `dependencies`. The body is written once, into the file and
//! the serial number's hash together; the serial, which stands in the
//! header before it, is written over a placeholder of the same length
//! when the body is done.

use std::io::{self, Seek, SeekFrom, Write};

use super::Spec;
use super::ids::{SerialHasher, digest_ref};
use super::inventory::{
    AlgorithmEntry, CertId, HashId, Inventory, KeyEntry, KeyId, LibraryEntry, LibraryId, Seen,
};
use super::model::{
    AlgorithmProperties, CertificateProperties, CipherSuite, Component, CryptoProperties,
    Dependency, Evidence, Metadata, Property, ProtocolProperties, RelatedAsset,
    RelatedCryptoMaterialProperties, StoredList, Tools,
};
use super::read::TlsClient;
use super::registry;

/// One component to write, by reference into the inventory.
enum Item<'a> {
    Algorithm(&'a AlgorithmEntry),
    Key(&'a KeyId, &'a KeyEntry),
    Certificate(&'a CertId, Seen),
    Hash(&'a HashId, Seen),
    Tls(&'a TlsClient, Seen),
    Library(&'a LibraryId, &'a LibraryEntry),
}

/// `bom-ref` of an algorithm component.
pub fn algorithm_ref(name: &str) -> String {
    format!("crypto/algorithm/{name}")
}

/// `bom-ref` of a key component.
pub fn key_ref(k: &KeyId) -> String {
    let mut r = format!("crypto/{}/{}", k.material.cdx(), k.algorithm);
    if let Some(f) = &k.form {
        r.push('/');
        r.push_str(f);
    }
    if k.encrypted {
        r.push_str("/encrypted");
    }
    r
}

fn certificate_ref(c: &CertId) -> String {
    let key = c.key.as_ref().map(key_ref).unwrap_or_default();
    digest_ref(
        "crypto/certificate",
        &[
            c.subject.as_bytes(),
            c.issuer.as_bytes(),
            c.serial.as_bytes(),
            c.not_before.as_deref().unwrap_or("").as_bytes(),
            c.not_after.as_deref().unwrap_or("").as_bytes(),
            c.signature_algorithm.as_deref().unwrap_or("").as_bytes(),
            key.as_bytes(),
        ],
    )
}

fn hash_ref(h: &HashId) -> String {
    let params: Vec<String> = h.params.iter().map(|(k, v)| format!("{k}={v}")).collect();
    digest_ref(
        &format!("crypto/password-hash/{}", h.scheme),
        &[
            params.join(",").as_bytes(),
            h.weaknesses.join(",").as_bytes(),
            h.baseline.as_deref().unwrap_or("").as_bytes(),
        ],
    )
}

fn tls_ref(t: &TlsClient) -> String {
    let opt = |o: &Option<String>| o.clone().unwrap_or_default();
    digest_ref(
        "crypto/protocol/tls",
        &[
            t.offered_versions.join(",").as_bytes(),
            t.cipher_suites.join(",").as_bytes(),
            t.groups.join(",").as_bytes(),
            t.pq_groups.join(",").as_bytes(),
            t.key_shares.join(",").as_bytes(),
            opt(&t.ja4).as_bytes(),
            opt(&t.negotiated_version).as_bytes(),
            opt(&t.negotiated_suite).as_bytes(),
            opt(&t.negotiated_group).as_bytes(),
        ],
    )
}

fn library_ref(l: &LibraryId) -> String {
    match &l.version {
        Some(v) => format!("library/{}@{v}", l.name),
        None => format!("library/{}", l.name),
    }
}

/// The occurrences, sorted and without repeats (as [`Inventory::finish`]
/// left them), read back as the component is written.
fn occurrences(inv: &Inventory, seen: Seen) -> Option<Evidence> {
    let (store, range) = inv.found(seen)?;
    Some(Evidence {
        occurrences: StoredList { store, range },
    })
}

fn related(spec: Spec, kind: &'static str, reference: &str) -> Vec<RelatedAsset> {
    if spec == Spec::V1_7 {
        vec![RelatedAsset {
            kind,
            reference: reference.to_owned(),
        }]
    } else {
        Vec::new()
    }
}

fn algorithm_component(inv: &Inventory, e: &AlgorithmEntry, spec: Spec) -> Component {
    let a = &e.algorithm;
    let v17 = spec == Spec::V1_7;
    let registry_curve = a.curve.as_deref().and_then(registry::registry_curve);
    let (curve, elliptic_curve) = match (v17, registry_curve) {
        (true, Some(rc)) => (None, Some(rc)),
        _ => (a.curve.clone(), None),
    };
    Component {
        kind: "cryptographic-asset",
        bom_ref: Some(algorithm_ref(&a.name)),
        name: a.name.clone(),
        evidence: occurrences(inv, e.seen),
        crypto_properties: Some(CryptoProperties {
            asset_type: "algorithm",
            algorithm_properties: Some(AlgorithmProperties {
                primitive: Some(a.primitive),
                algorithm_family: if v17 { a.family } else { None },
                parameter_set_identifier: a.parameter_set.clone(),
                curve,
                elliptic_curve,
                mode: a.mode,
                classical_security_level: a.classical_bits,
                nist_quantum_security_level: a.nist_level,
            }),
            oid: a.oid.clone(),
            ..CryptoProperties::default()
        }),
        ..Component::default()
    }
}

fn key_component(inv: &Inventory, k: &KeyId, e: &KeyEntry, spec: Spec) -> Component {
    let what = match k.material {
        super::read::Material::PublicKey => "public key",
        super::read::Material::PrivateKey => "private key",
        super::read::Material::Ciphertext => "ciphertext",
        super::read::Material::Signature => "signature",
    };
    let mut name = format!("{} {what}", k.algorithm);
    if let Some(f) = &k.form {
        name.push_str(&format!(" ({f})"));
    }
    if k.encrypted {
        name.push_str(", encrypted");
    }
    let alg_ref = algorithm_ref(&k.algorithm);
    let oid = inv
        .algorithms
        .get(&k.algorithm)
        .and_then(|a| a.algorithm.oid.clone());
    let mut properties: Vec<Property> = e
        .containers
        .iter()
        .map(|c| Property::new("fx:container", c))
        .collect();
    if let Some(f) = &k.form {
        properties.push(Property::new("fx:key_form", f));
    }
    if k.encrypted {
        properties.push(Property::new("fx:encrypted", "true"));
    }
    Component {
        kind: "cryptographic-asset",
        bom_ref: Some(key_ref(k)),
        name,
        evidence: occurrences(inv, e.seen),
        crypto_properties: Some(CryptoProperties {
            asset_type: "related-crypto-material",
            related_crypto_material_properties: Some(RelatedCryptoMaterialProperties {
                kind: k.material.cdx(),
                algorithm_ref: Some(alg_ref.clone()),
                size: k.size,
                format: None,
                related_cryptographic_assets: related(spec, "algorithm", &alg_ref),
            }),
            oid,
            ..CryptoProperties::default()
        }),
        properties,
        ..Component::default()
    }
}

fn certificate_component(inv: &Inventory, c: &CertId, seen: Seen, spec: Spec) -> Component {
    let v17 = spec == Spec::V1_7;
    let sig_ref = c.signature_algorithm.as_deref().map(algorithm_ref);
    let key_ref = c.key.as_ref().map(key_ref);
    let mut rel = Vec::new();
    if v17 {
        if let Some(r) = &sig_ref {
            rel.push(RelatedAsset {
                kind: "algorithm",
                reference: r.clone(),
            });
        }
        if let Some(r) = &key_ref {
            rel.push(RelatedAsset {
                kind: "publicKey",
                reference: r.clone(),
            });
        }
    }
    let name = if c.subject.is_empty() {
        format!("certificate {}", c.serial)
    } else {
        c.subject.clone()
    };
    let nonempty = |s: &str| (!s.is_empty()).then(|| s.to_owned());
    Component {
        kind: "cryptographic-asset",
        bom_ref: Some(certificate_ref(c)),
        name,
        evidence: occurrences(inv, seen),
        crypto_properties: Some(CryptoProperties {
            asset_type: "certificate",
            certificate_properties: Some(CertificateProperties {
                serial_number: if v17 { nonempty(&c.serial) } else { None },
                subject_name: Some(c.subject.clone()),
                issuer_name: Some(c.issuer.clone()),
                not_valid_before: c.not_before.clone(),
                not_valid_after: c.not_after.clone(),
                signature_algorithm_ref: if v17 { None } else { sig_ref },
                subject_public_key_ref: if v17 { None } else { key_ref },
                certificate_format: Some("X.509"),
                related_cryptographic_assets: rel,
            }),
            ..CryptoProperties::default()
        }),
        properties: if v17 {
            Vec::new()
        } else {
            vec![Property::new("fx:serial", &c.serial)]
        },
        ..Component::default()
    }
}

fn hash_component(inv: &Inventory, h: &HashId, seen: Seen, spec: Spec) -> Component {
    let alg_ref = algorithm_ref(&h.algorithm);
    let mut properties = vec![Property::new("fx:hash:scheme", &h.scheme)];
    for (k, v) in &h.params {
        properties.push(Property::new(&format!("fx:hash:{k}"), v));
    }
    if let Some(b) = &h.baseline {
        properties.push(Property::new("fx:hash:baseline", b));
    }
    let grade = if h.weaknesses.is_empty() {
        "pass"
    } else {
        "weak"
    };
    properties.push(Property::new("fx:hash:grade", grade));
    for w in &h.weaknesses {
        properties.push(Property::new("fx:hash:weakness", w));
    }
    let size = h
        .params
        .iter()
        .find(|(k, _)| k == "digest")
        .and_then(|(_, v)| v.parse::<u64>().ok())
        .map(|bytes| bytes * 8);
    let params: Vec<String> = h
        .params
        .iter()
        .filter(|(k, _)| k != "digest" && k != "salt_bytes")
        .map(|(k, v)| format!("{k} {v}"))
        .collect();
    let name = if params.is_empty() {
        format!("{} password hash", h.scheme)
    } else {
        format!("{} password hash ({})", h.scheme, params.join(", "))
    };
    Component {
        kind: "cryptographic-asset",
        bom_ref: Some(hash_ref(h)),
        name,
        evidence: occurrences(inv, seen),
        crypto_properties: Some(CryptoProperties {
            asset_type: "related-crypto-material",
            related_crypto_material_properties: Some(RelatedCryptoMaterialProperties {
                kind: "digest",
                algorithm_ref: Some(alg_ref.clone()),
                size,
                format: None,
                related_cryptographic_assets: related(spec, "algorithm", &alg_ref),
            }),
            ..CryptoProperties::default()
        }),
        properties,
        ..Component::default()
    }
}

fn tls_component(inv: &Inventory, t: &TlsClient, seen: Seen, spec: Spec) -> Component {
    let v17 = spec == Spec::V1_7;
    let group_refs: Vec<String> = {
        let mut g: Vec<&String> = t.groups.iter().chain(&t.negotiated_group).collect();
        g.sort();
        g.dedup();
        g.into_iter()
            .filter_map(|n| inv.algorithm_name(n))
            .map(|n| algorithm_ref(&n))
            .collect()
    };
    let suites = t
        .cipher_suites
        .iter()
        .map(|s| CipherSuite {
            name: super::tls::suite_name(s).map(str::to_owned),
            algorithms: super::tls::suite_algorithms(s)
                .into_iter()
                .filter_map(|a| inv.algorithm_name(a))
                .map(|n| algorithm_ref(&n))
                .collect(),
            identifiers: vec![s.clone()],
            tls_groups: if v17 { t.groups.clone() } else { Vec::new() },
        })
        .collect();
    let mut properties = Vec::new();
    for v in &t.offered_versions {
        properties.push(Property::new("fx:tls:offered_version", v));
    }
    for g in &t.groups {
        properties.push(Property::new("fx:tls:offered_group", g));
    }
    for g in &t.pq_groups {
        properties.push(Property::new("fx:tls:post_quantum_group", g));
    }
    for g in &t.key_shares {
        properties.push(Property::new("fx:tls:key_share", g));
    }
    if let Some(j) = &t.ja4 {
        properties.push(Property::new("fx:tls:ja4", j));
    }
    if let Some(v) = &t.negotiated_version {
        properties.push(Property::new("fx:tls:negotiated_version", v));
    }
    if let Some(s) = &t.negotiated_suite {
        properties.push(Property::new("fx:tls:negotiated_suite", s));
    }
    if let Some(g) = &t.negotiated_group {
        properties.push(Property::new("fx:tls:negotiated_group", g));
        properties.push(Property::new(
            "fx:tls:negotiated_group_post_quantum",
            t.pq_groups.contains(g),
        ));
    }
    let version = t
        .negotiated_version
        .clone()
        .or_else(|| super::tls::highest(&t.offered_versions).map(str::to_owned));
    let name = match &t.ja4 {
        Some(j) => format!("TLS client {j}"),
        None => "TLS client".to_owned(),
    };
    Component {
        kind: "cryptographic-asset",
        bom_ref: Some(tls_ref(t)),
        name,
        evidence: occurrences(inv, seen),
        crypto_properties: Some(CryptoProperties {
            asset_type: "protocol",
            protocol_properties: Some(ProtocolProperties {
                kind: "tls",
                version,
                cipher_suites: suites,
                crypto_ref_array: if v17 { Vec::new() } else { group_refs.clone() },
                related_cryptographic_assets: if v17 {
                    group_refs
                        .into_iter()
                        .map(|reference| RelatedAsset {
                            kind: "algorithm",
                            reference,
                        })
                        .collect()
                } else {
                    Vec::new()
                },
            }),
            ..CryptoProperties::default()
        }),
        properties,
        ..Component::default()
    }
}

fn library_component(inv: &Inventory, l: &LibraryId, e: &LibraryEntry) -> Component {
    Component {
        kind: "library",
        bom_ref: Some(library_ref(l)),
        name: l.name.clone(),
        version: l.version.clone(),
        evidence: occurrences(inv, e.seen),
        properties: e
            .roles
            .iter()
            .map(|r| Property::new("fx:library:role", r))
            .collect(),
        ..Component::default()
    }
}

impl Inventory {
    /// The component name under which `name` was recorded (the name the
    /// inventory gave it when a job named it), when it was.
    pub fn algorithm_name(&self, name: &str) -> Option<String> {
        let n = registry::describe(name, None, None)
            .or_else(|| registry::password_scheme(name))
            .map_or_else(|| name.to_owned(), |a| a.name);
        self.algorithms.contains_key(&n).then_some(n)
    }
}

/// Every component of the inventory with its `bom-ref`, sorted by it.
fn items(inv: &Inventory) -> Vec<(String, Item<'_>)> {
    let mut v: Vec<(String, Item<'_>)> = Vec::new();
    for e in inv.algorithms.values() {
        v.push((algorithm_ref(&e.algorithm.name), Item::Algorithm(e)));
    }
    for (k, e) in &inv.keys {
        v.push((key_ref(k), Item::Key(k, e)));
    }
    for (c, o) in &inv.certificates {
        v.push((certificate_ref(c), Item::Certificate(c, *o)));
    }
    for (h, o) in &inv.hashes {
        v.push((hash_ref(h), Item::Hash(h, *o)));
    }
    for (t, o) in &inv.tls {
        v.push((tls_ref(t), Item::Tls(t, *o)));
    }
    for (l, e) in &inv.libraries {
        v.push((library_ref(l), Item::Library(l, e)));
    }
    v.sort_by(|a, b| a.0.cmp(&b.0));
    v
}

/// Counts of what a BOM holds.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    /// Components written.
    pub components: u64,
    /// Algorithm components.
    pub algorithms: u64,
    /// Certificate components.
    pub certificates: u64,
    /// Key (and other related material) components.
    pub keys: u64,
    /// Password-hash components.
    pub password_hashes: u64,
    /// TLS client components.
    pub protocols: u64,
    /// Library components.
    pub libraries: u64,
}

/// Writes `"components":[…],"dependencies":[…]` (the body).
fn write_body<W: Write>(
    w: &mut W,
    inv: &Inventory,
    items: &[(String, Item<'_>)],
    spec: Spec,
) -> io::Result<()> {
    w.write_all(b"\"components\":[")?;
    for (i, (_, item)) in items.iter().enumerate() {
        w.write_all(if i == 0 { b"\n" } else { b",\n" })?;
        let c = match item {
            Item::Algorithm(e) => algorithm_component(inv, e, spec),
            Item::Key(k, e) => key_component(inv, k, e, spec),
            Item::Certificate(c, o) => certificate_component(inv, c, *o, spec),
            Item::Hash(h, o) => hash_component(inv, h, *o, spec),
            Item::Tls(t, o) => tls_component(inv, t, *o, spec),
            Item::Library(l, e) => library_component(inv, l, e),
        };
        serde_json::to_writer(&mut *w, &c)?;
    }
    w.write_all(b"\n]")?;
    let deps: Vec<Dependency> = inv
        .libraries
        .iter()
        .map(|(l, e)| {
            let mut provides: Vec<String> = e.provides.iter().map(|a| algorithm_ref(a)).collect();
            provides.sort();
            provides.dedup();
            Dependency {
                reference: library_ref(l),
                provides,
            }
        })
        .collect();
    if !deps.is_empty() {
        w.write_all(b",\"dependencies\":[")?;
        for (i, d) in deps.iter().enumerate() {
            w.write_all(if i == 0 { b"\n" } else { b",\n" })?;
            serde_json::to_writer(&mut *w, d)?;
        }
        w.write_all(b"\n]")?;
    }
    Ok(())
}

/// What the header says about the run.
pub struct RunInfo<'a> {
    /// The run id.
    pub run_id: &'a str,
    /// `sha256:` of the policy.
    pub policy_hash: &'a str,
    /// `sha256:` of the tool inventory.
    pub toolchain_hash: &'a str,
}

/// What stands for the serial number until the body is hashed: as long as
/// every serial [`SerialHasher::finish`] gives.
const SERIAL_PLACEHOLDER: &str = "urn:uuid:00000000-0000-0000-0000-000000000000";

/// Bytes written to `w` and hashed into the serial number.
struct Hashed<'a, W> {
    w: &'a mut W,
    hasher: SerialHasher,
}

impl<W: Write> Write for Hashed<'_, W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.w.write(buf)?;
        self.hasher.write_all(&buf[..n])?;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.w.flush()
    }
}

/// Writes the whole document to `w` (from its current position); returns
/// what it holds.
pub fn write<W: Write + Seek>(
    w: &mut W,
    inv: &Inventory,
    run: &RunInfo<'_>,
    spec: Spec,
) -> io::Result<Counts> {
    let items = items(inv);
    let metadata = Metadata {
        tools: Tools {
            components: vec![Component {
                kind: "application",
                name: "fx-report".into(),
                version: Some(fx_core::FX_VERSION.into()),
                description: Some("fx crypto-forensics toolkit: CBOM writer".into()),
                ..Component::default()
            }],
        },
        component: Component {
            kind: "data",
            bom_ref: Some(format!("run/{}", run.run_id)),
            name: format!("fx run {}", run.run_id),
            description: Some("The artifacts of an fx run and the evidence read from them".into()),
            ..Component::default()
        },
        properties: vec![
            Property::new("fx:run_id", run.run_id),
            Property::new("fx:policy_hash", run.policy_hash),
            Property::new("fx:toolchain_hash", run.toolchain_hash),
            Property::new("fx:jobs", inv.jobs),
        ],
    };
    write!(
        w,
        "{{\"$schema\":\"http://cyclonedx.org/schema/bom-{v}.schema.json\",\"bomFormat\":\"CycloneDX\",\"specVersion\":\"{v}\",\"serialNumber\":\"",
        v = spec.version()
    )?;
    let serial_at = w.stream_position()?;
    write!(w, "{SERIAL_PLACEHOLDER}\",\"version\":1,\"metadata\":")?;
    serde_json::to_writer(&mut *w, &metadata)?;
    w.write_all(b",\n")?;
    let mut body = Hashed {
        w: &mut *w,
        hasher: SerialHasher::new(spec.version()),
    };
    write_body(&mut body, inv, &items, spec)?;
    let serial = body.hasher.finish();
    w.write_all(b"}\n")?;
    if serial.len() != SERIAL_PLACEHOLDER.len() {
        return Err(io::Error::other(format!(
            "serial number {serial} is not as long as its placeholder"
        )));
    }
    let end = w.stream_position()?;
    w.seek(SeekFrom::Start(serial_at))?;
    w.write_all(serial.as_bytes())?;
    w.seek(SeekFrom::Start(end))?;
    let mut counts = Counts {
        components: items.len() as u64,
        ..Counts::default()
    };
    for (_, i) in &items {
        match i {
            Item::Algorithm(_) => counts.algorithms += 1,
            Item::Key(..) => counts.keys += 1,
            Item::Certificate(..) => counts.certificates += 1,
            Item::Hash(..) => counts.password_hashes += 1,
            Item::Tls(..) => counts.protocols += 1,
            Item::Library(..) => counts.libraries += 1,
        }
    }
    Ok(counts)
}
