//! Everything made from one key pair of one parameter set: the valid
//! objects in each wrapper the template asks for, then the invalid ones.
//!
//! Seed ids (each hashed after the template and the toolchain hash,
//! [`crate::drbg::seed`]): `SET/I/keypair`, `SET/I/other_keypair` (the
//! swapped-in key), `SET/I/sign`, `SET/I/encapsulate`,
//! `SET/I/encapsulate_to_other`, `SET/I/certificate` (serial),
//! `SET/I/certificate/sign`, and one per defect, `SET/I/WRAPPER/DEFECT`
//! (its offset).

use fx_core::hashing::sha256_tagged;
use fx_formats::pqc_params::{self, Family, Kind};

use crate::drbg::{self, Drbg};
use crate::schemes::{self, KeyPair, Scheme};
use crate::template::{Defect, Template, Wrapper};
use crate::truth::{DefectInfo, Expect, Member, ObjectProvenance, ProvenanceEvent, SeedUse, Truth};
use crate::wrap::{self, CertFields};

/// What every object of a run is derived from.
pub struct Ctx<'a> {
    /// The template.
    pub template: &'a Template,
    /// Its bytes (hashed into every seed).
    pub template_bytes: &'a [u8],
    /// The toolchain hash (hashed into every seed).
    pub toolchain_hash: &'a str,
}

impl Ctx<'_> {
    fn seed(&self, id: &str) -> ([u8; 32], SeedUse) {
        let s = drbg::seed(self.template_bytes, self.toolchain_hash, id);
        (
            s,
            SeedUse {
                id: id.to_owned(),
                seed: hex::encode(s),
            },
        )
    }
}

/// One generated object: its files, truth line and provenance event.
pub struct Produced {
    /// (path relative to OUT, bytes), in intake order.
    pub files: Vec<(String, Vec<u8>)>,
    /// The truth line.
    pub truth: Truth,
    /// The provenance event.
    pub provenance: ProvenanceEvent,
}

/// A generation failure: (object id, what failed).
pub type Failure = (String, String);

struct Maker<'a> {
    ctx: &'a Ctx<'a>,
    scheme: &'a Scheme,
    index: u32,
    out: Vec<Produced>,
}

fn sets_of_same_size(own: &str, len: usize) -> Vec<&'static str> {
    let mut v: Vec<&'static str> = pqc_params::by_any_size(len)
        .into_iter()
        .map(|m| m.set.name)
        .filter(|n| *n != own)
        .collect();
    v.dedup();
    let mut seen = Vec::new();
    v.retain(|n| {
        let new = !seen.contains(n);
        seen.push(*n);
        new
    });
    v
}

/// Whether fx knows an OID for the set and the IETF DER forms apply.
fn has_der(scheme: &Scheme) -> Option<&'static str> {
    matches!(
        scheme.set.family,
        Family::MlKem | Family::MlDsa | Family::SlhDsa
    )
    .then(|| scheme.set.oids.first().copied())
    .flatten()
}

fn flip(bytes: &[u8], at: usize) -> Vec<u8> {
    let mut v = bytes.to_vec();
    v[at] ^= 0xff;
    v
}

impl<'a> Maker<'a> {
    fn prefix(&self) -> String {
        format!("{}/{}", self.scheme.set.name, self.index)
    }

    fn file_stem(&self) -> String {
        format!("objects/{}.{}", self.scheme.set.name, self.index)
    }

    fn drbg(&self, purpose: &str, seeds: &mut Vec<SeedUse>) -> Drbg {
        let (s, u) = self.ctx.seed(&format!("{}/{purpose}", self.prefix()));
        seeds.push(u);
        Drbg::new(&s)
    }

    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        suffix: &str,
        bytes: Vec<u8>,
        object: &'static str,
        wrapper: &'static str,
        defect: Option<DefectInfo>,
        expect: Expect,
        seeds: Vec<SeedUse>,
    ) {
        let set = self.scheme.set;
        let path = format!("{}.{suffix}", self.file_stem());
        let sha = sha256_tagged(&bytes);
        let id = match &defect {
            Some(d) => format!("{}/{object}/{wrapper}/{}", self.prefix(), d.kind),
            None => format!("{}/{object}/{wrapper}", self.prefix()),
        };
        self.out.push(Produced {
            truth: Truth {
                fx: crate::truth::TRUTH_TAG,
                id: id.clone(),
                path: path.clone(),
                sha256: Some(sha.clone()),
                size: bytes.len() as u64,
                members: Vec::new(),
                algorithm: set.name,
                family: set.family.as_str(),
                kind: set.kind.as_str(),
                object,
                wrapper,
                valid: defect.is_none(),
                defect,
                backend: self.backend(),
                expect,
            },
            provenance: event(id, sha, seeds),
            files: vec![(path, bytes)],
        });
    }

    fn push_bundle(
        &mut self,
        name: &str,
        members: Vec<(&'static str, Vec<u8>)>,
        defect: Option<DefectInfo>,
        expect: Expect,
        seeds: Vec<SeedUse>,
    ) {
        let set = self.scheme.set;
        let bundle = format!("{}.{name}", self.file_stem());
        let mut files = Vec::new();
        let mut listed = Vec::new();
        for (role, bytes) in members {
            let path = format!("{bundle}.{role}.bin");
            listed.push(Member {
                role,
                path: path.clone(),
                sha256: sha256_tagged(&bytes),
                size: bytes.len() as u64,
            });
            files.push((path, bytes));
        }
        let kind = name.split('.').next().unwrap_or(name);
        let id = match &defect {
            Some(d) => format!("{}/bundle/{kind}/{}", self.prefix(), d.kind),
            None => format!("{}/bundle/{kind}", self.prefix()),
        };
        let canonical: Vec<(&str, &str, u64)> = listed
            .iter()
            .map(|m| (m.role, m.sha256.as_str(), m.size))
            .collect();
        let sha = sha256_tagged(
            serde_json::to_string(&canonical)
                .unwrap_or_default()
                .as_bytes(),
        );
        self.out.push(Produced {
            truth: Truth {
                fx: crate::truth::TRUTH_TAG,
                id: id.clone(),
                path: bundle,
                sha256: None,
                size: listed.iter().map(|m| m.size).sum(),
                members: listed,
                algorithm: set.name,
                family: set.family.as_str(),
                kind: set.kind.as_str(),
                object: "bundle",
                wrapper: "bundle",
                valid: defect.is_none(),
                defect,
                backend: self.backend(),
                expect,
            },
            provenance: event(id, sha, seeds),
            files,
        });
    }

    fn backend(&self) -> &'static str {
        self.scheme.backend.map(|b| b.as_str()).unwrap_or("none")
    }

    fn expect(&self, label: &'static str, container: &'static str) -> Expect {
        Expect {
            label,
            container,
            algorithm: self.scheme.set.name.to_owned(),
            ..Expect::default()
        }
    }
}

fn event(id: String, sha256: String, seeds: Vec<SeedUse>) -> ProvenanceEvent {
    ProvenanceEvent {
        module: "gen",
        step: "object",
        status: "ok",
        data: ObjectProvenance { id, sha256, seeds },
    }
}

/// Every object of key pair `index` of `scheme`.
pub fn make(ctx: &Ctx<'_>, scheme: &Scheme, index: u32) -> Result<Vec<Produced>, Failure> {
    let mut m = Maker {
        ctx,
        scheme,
        index,
        out: Vec::new(),
    };
    let fail = |what: &str| {
        let p = format!("{}/{index}/{what}", scheme.set.name);
        move |e: String| (p, e)
    };
    let t = ctx.template;
    let set = scheme.set;
    let mut key_seeds = Vec::new();
    let (kp, _) =
        schemes::keypair(scheme, m.drbg("keypair", &mut key_seeds)).map_err(fail("keypair"))?;
    let want_swap = t.defects.contains(&Defect::SwappedPublicKey)
        && (t.wants(Wrapper::Bundle) || t.wants(Wrapper::Certificate));
    let mut other_seeds = Vec::new();
    let other = if want_swap {
        Some(
            schemes::keypair(scheme, m.drbg("other_keypair", &mut other_seeds))
                .map_err(fail("other_keypair"))?
                .0,
        )
    } else {
        None
    };
    let message = t.message.as_bytes().to_vec();

    // The signature or the encapsulation every raw and bundle object uses.
    let mut op_seeds = key_seeds.clone();
    let (second, shared) = match set.kind {
        Kind::Signature => {
            let s = schemes::sign(scheme, &kp, &message, m.drbg("sign", &mut op_seeds))
                .map_err(fail("sign"))?;
            (s, Vec::new())
        }
        Kind::Kem => schemes::encapsulate(scheme, &kp.public, m.drbg("encapsulate", &mut op_seeds))
            .map_err(fail("encapsulate"))?,
    };

    if t.wants(Wrapper::Raw) {
        raw_objects(&mut m, &kp, &second, &key_seeds, &op_seeds);
    }
    if let Some(oid) = has_der(scheme) {
        der_objects(&mut m, oid, &kp, other.as_ref(), &key_seeds, &other_seeds)
            .map_err(fail("der"))?;
    }
    if t.wants(Wrapper::TlsKeyShare)
        && let Some((group, _)) = wrap::tls_group(set.name)
    {
        let entry = wrap::key_share_entry(group, &kp.public).map_err(fail("tls_key_share"))?;
        let e = m.expect("key_material", "raw");
        m.push(
            "key_share.bin",
            entry,
            "key_share",
            "tls_key_share",
            None,
            e,
            key_seeds.clone(),
        );
    }
    if t.wants(Wrapper::Bundle) {
        bundles(
            &mut m,
            &kp,
            other.as_ref(),
            &message,
            &second,
            &shared,
            &op_seeds,
            &other_seeds,
        )
        .map_err(fail("bundle"))?;
    }
    Ok(m.out)
}

fn raw_objects(
    m: &mut Maker<'_>,
    kp: &KeyPair,
    second: &[u8],
    key_seeds: &[SeedUse],
    op_seeds: &[SeedUse],
) {
    let set = m.scheme.set;
    let mut e = m.expect("key_material", "raw");
    e.same_size = sets_of_same_size(set.name, kp.public.len());
    m.push(
        "public_key.bin",
        kp.public.clone(),
        "public_key",
        "raw",
        None,
        e,
        key_seeds.to_vec(),
    );
    let mut e = m.expect("key_material", "raw");
    e.same_size = sets_of_same_size(set.name, kp.secret.len());
    m.push(
        "secret_key.bin",
        kp.secret.clone(),
        "secret_key",
        "raw",
        None,
        e,
        key_seeds.to_vec(),
    );
    let (suffix, object, label) = match set.kind {
        Kind::Signature => ("signature.bin", "signature", "signature_blob"),
        Kind::Kem => ("ciphertext.bin", "ciphertext", "kem_transcript"),
    };
    let mut e = m.expect(label, "raw");
    e.same_size = sets_of_same_size(set.name, second.len());
    m.push(
        suffix,
        second.to_vec(),
        object,
        "raw",
        None,
        e,
        op_seeds.to_vec(),
    );
}

fn der_objects(
    m: &mut Maker<'_>,
    oid: &'static str,
    kp: &KeyPair,
    other: Option<&KeyPair>,
    key_seeds: &[SeedUse],
    other_seeds: &[SeedUse],
) -> Result<(), String> {
    let t = m.ctx.template;
    let set = m.scheme.set;
    let pem = t.wants(Wrapper::Pem);
    let truncate = t.defects.contains(&Defect::Truncated);
    let spki = wrap::spki(oid, &kp.public)?;
    let inner = match (set.family, &kp.seed) {
        (Family::MlKem | Family::MlDsa, Some(seed)) => wrap::both_private_key(seed, &kp.secret)?,
        _ => kp.secret.clone(),
    };
    let pkcs8 = wrap::pkcs8(oid, &inner)?;
    for (w, der, name, label, container, object) in [
        (
            Wrapper::Spki,
            &spki,
            "spki",
            "PUBLIC KEY",
            "spki_public_key",
            "public_key",
        ),
        (
            Wrapper::Pkcs8,
            &pkcs8,
            "pkcs8",
            "PRIVATE KEY",
            "pkcs8_private_key",
            "secret_key",
        ),
    ] {
        if !t.wants(w) {
            continue;
        }
        let (der_w, pem_w) = match w {
            Wrapper::Spki => ("spki_der", "spki_pem"),
            _ => ("pkcs8_der", "pkcs8_pem"),
        };
        let e = m.expect("key_material", container);
        m.push(
            &format!("{name}.der"),
            der.clone(),
            object,
            der_w,
            None,
            e.clone(),
            key_seeds.to_vec(),
        );
        if pem {
            m.push(
                &format!("{name}.pem"),
                wrap::pem(label, der)?,
                object,
                pem_w,
                None,
                e,
                key_seeds.to_vec(),
            );
        }
        if truncate {
            let mut seeds = key_seeds.to_vec();
            let mut d = m.drbg(&format!("{der_w}/truncated"), &mut seeds);
            let keep = der.len() - 1 - d.below(16.min(der.len() - 1));
            let mut e = m.expect("key_material", container);
            e.failures = vec!["truncated"];
            let defect = DefectInfo {
                kind: "truncated",
                target: "der",
                offset: Some(keep as u64),
            };
            m.push(
                &format!("{name}.truncated.der"),
                der[..keep].to_vec(),
                object,
                der_w,
                Some(defect),
                e,
                seeds,
            );
        }
    }
    if t.wants(Wrapper::Certificate) && set.kind == Kind::Signature {
        certificates(m, oid, kp, other, &spki, key_seeds, other_seeds)?;
    }
    Ok(())
}

fn certificates(
    m: &mut Maker<'_>,
    oid: &'static str,
    kp: &KeyPair,
    other: Option<&KeyPair>,
    spki: &[u8],
    key_seeds: &[SeedUse],
    other_seeds: &[SeedUse],
) -> Result<(), String> {
    let t = m.ctx.template;
    let set = m.scheme.set;
    let mut seeds = key_seeds.to_vec();
    let mut serial = m.drbg("certificate", &mut seeds).bytes(16);
    serial[0] = (serial[0] & 0x7f) | 0x40;
    let cn = format!("fx-gen {} {}", set.name, m.index);
    let tbs_for = |spki: &[u8]| {
        wrap::tbs_certificate(&CertFields {
            serial: &serial,
            signature_oid: oid,
            common_name: &cn,
            spki,
        })
    };
    let tbs = tbs_for(spki)?;
    let sig = schemes::sign(m.scheme, kp, &tbs, m.drbg("certificate/sign", &mut seeds))?;
    let cert = wrap::certificate(&tbs, oid, &sig)?;
    let e = m.expect("certificate", "x509_certificate");
    m.push(
        "cert.der",
        cert.clone(),
        "certificate",
        "certificate_der",
        None,
        e.clone(),
        seeds.clone(),
    );
    if t.wants(Wrapper::Pem) {
        m.push(
            "cert.pem",
            wrap::pem("CERTIFICATE", &cert)?,
            "certificate",
            "certificate_pem",
            None,
            e,
            seeds.clone(),
        );
    }
    if t.defects.contains(&Defect::FlippedByte) {
        let mut s = seeds.clone();
        let at = m
            .drbg("certificate_der/flipped_byte", &mut s)
            .below(sig.len());
        let bad = wrap::certificate(&tbs, oid, &flip(&sig, at))?;
        let mut e = m.expect("certificate", "x509_certificate");
        e.outcome = Some("signature_invalid");
        let d = DefectInfo {
            kind: "flipped_byte",
            target: "signature",
            offset: Some(at as u64),
        };
        m.push(
            "cert.flipped_byte.der",
            bad,
            "certificate",
            "certificate_der",
            Some(d),
            e,
            s,
        );
    }
    if let Some(o) = other.filter(|_| t.defects.contains(&Defect::SwappedPublicKey)) {
        // The other key's SPKI, signed with this key: the certificate's
        // own key does not verify its signature.
        let mut s = seeds.clone();
        s.extend(other_seeds.iter().cloned());
        let tbs2 = tbs_for(&wrap::spki(oid, &o.public)?)?;
        let sig2 = schemes::sign(
            m.scheme,
            kp,
            &tbs2,
            m.drbg("certificate_der/swapped_public_key/sign", &mut s),
        )?;
        let bad = wrap::certificate(&tbs2, oid, &sig2)?;
        let mut e = m.expect("certificate", "x509_certificate");
        e.outcome = Some("signature_invalid");
        let d = DefectInfo {
            kind: "swapped_public_key",
            target: "public_key",
            offset: None,
        };
        m.push(
            "cert.swapped_public_key.der",
            bad,
            "certificate",
            "certificate_der",
            Some(d),
            e,
            s,
        );
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn bundles(
    m: &mut Maker<'_>,
    kp: &KeyPair,
    other: Option<&KeyPair>,
    message: &[u8],
    second: &[u8],
    shared: &[u8],
    op_seeds: &[SeedUse],
    other_seeds: &[SeedUse],
) -> Result<(), String> {
    let t = m.ctx.template;
    let set = m.scheme.set;
    let (name, label, ok, bad) = match set.kind {
        Kind::Signature => ("verify", "signature_blob", "verified", "not_verified"),
        Kind::Kem => (
            "decapsulate",
            "kem_transcript",
            "decapsulated",
            "decapsulation_mismatch",
        ),
    };
    // The members: (public key, message, signature) or (secret key,
    // ciphertext, shared secret), in intake role order.
    let members = |key: &[u8], second: &[u8]| -> Vec<(&'static str, Vec<u8>)> {
        match set.kind {
            Kind::Signature => vec![
                ("public_key", key.to_vec()),
                ("message", message.to_vec()),
                ("signature", second.to_vec()),
            ],
            Kind::Kem => vec![
                ("secret_key", key.to_vec()),
                ("ciphertext", second.to_vec()),
                ("shared_secret", shared.to_vec()),
            ],
        }
    };
    let key = match set.kind {
        Kind::Signature => &kp.public,
        Kind::Kem => &kp.secret,
    };
    let key_role = match set.kind {
        Kind::Signature => "public_key",
        Kind::Kem => "secret_key",
    };
    let second_role = match set.kind {
        Kind::Signature => "signature",
        Kind::Kem => "ciphertext",
    };
    let mut e = m.expect(label, "raw");
    e.outcome = Some(ok);
    m.push_bundle(name, members(key, second), None, e, op_seeds.to_vec());

    if t.defects.contains(&Defect::FlippedByte) {
        let mut s = op_seeds.to_vec();
        let at = m.drbg("bundle/flipped_byte", &mut s).below(second.len());
        let mut e = m.expect(label, "raw");
        e.outcome = Some(bad);
        let d = DefectInfo {
            kind: "flipped_byte",
            target: second_role,
            offset: Some(at as u64),
        };
        m.push_bundle(
            &format!("{name}.flipped_byte"),
            members(key, &flip(second, at)),
            Some(d),
            e,
            s,
        );
    }
    if t.defects.contains(&Defect::Truncated) {
        let mut s = op_seeds.to_vec();
        let cut = 1 + m.drbg("bundle/truncated", &mut s).below(16);
        let keep = key.len() - cut;
        let mut e = m.expect(label, "raw");
        e.failures = vec!["bad_length", "unsupported_algorithm"];
        let d = DefectInfo {
            kind: "truncated",
            target: key_role,
            offset: Some(keep as u64),
        };
        m.push_bundle(
            &format!("{name}.truncated"),
            members(&key[..keep], second),
            Some(d),
            e,
            s,
        );
    }
    if let Some(o) = other.filter(|_| t.defects.contains(&Defect::SwappedPublicKey)) {
        let mut s = op_seeds.to_vec();
        s.extend(other_seeds.iter().cloned());
        let (members, target) = match set.kind {
            // The other key pair's public key beside this one's signature.
            Kind::Signature => (members(&o.public, second), "public_key"),
            // A ciphertext encapsulated to the other key pair's public key,
            // decapsulated with this secret key.
            Kind::Kem => {
                let (ct, ss) = schemes::encapsulate(
                    m.scheme,
                    &o.public,
                    m.drbg("encapsulate_to_other", &mut s),
                )?;
                (
                    vec![
                        ("secret_key", kp.secret.clone()),
                        ("ciphertext", ct),
                        ("shared_secret", ss),
                    ],
                    "public_key",
                )
            }
        };
        let mut e = m.expect(label, "raw");
        e.outcome = Some(bad);
        let d = DefectInfo {
            kind: "swapped_public_key",
            target,
            offset: None,
        };
        m.push_bundle(
            &format!("{name}.swapped_public_key"),
            members,
            Some(d),
            e,
            s,
        );
    }
    Ok(())
}
