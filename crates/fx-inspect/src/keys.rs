//! Keys: PKCS#8 (and encrypted PKCS#8, never decrypted), SPKI, PKCS#1 and
//! SEC1, decoded with the RustCrypto crates.

use der::asn1::{AnyRef, BitStringRef, ObjectIdentifier, OctetStringRef, UintRef};
use der::{Decode, Encode, Sequence};
use fx_core::vocab::{Container, FailureKind};
use spki::{AlgorithmIdentifierRef, SubjectPublicKeyInfoRef};

use crate::algorithm::{self, KeyAlg, bits_of};
use crate::derr::der_finding;
use crate::pbe;
use crate::report::{Finding, Region};
use crate::x509::Parsed;

/// What a key container says (steps `spki`, `pkcs8`, `pkcs1`, `sec1`,
/// `dsa`), written as the fx-facts record the readers use; an encrypted
/// PKCS#8 has `encryption` and `encrypted_len` instead of `key`.
pub use fx_facts::key::KeyContainerData as KeyInfo;

/// What an encrypted PKCS#8 says (the same record).
pub use fx_facts::key::KeyContainerData as EncryptedKeyInfo;

/// The record of a key in `container` (no findings: those are the step's,
/// written beside the data).
fn key_info(container: Container, key: &KeyAlg) -> KeyInfo {
    KeyInfo {
        container,
        block: None,
        key: Some(key.record()),
        version: None,
        has_public_key: false,
        encryption: None,
        encrypted_len: None,
        findings: Vec::new(),
    }
}

#[derive(Sequence)]
struct EncryptedPrivateKeyInfo<'a> {
    algorithm: AlgorithmIdentifierRef<'a>,
    data: &'a OctetStringRef,
}

/// The traditional OpenSSL DSA private key (`DSA PRIVATE KEY`).
#[derive(Sequence)]
struct DsaPrivateKey<'a> {
    version: UintRef<'a>,
    p: UintRef<'a>,
    q: UintRef<'a>,
    g: UintRef<'a>,
    public: UintRef<'a>,
    private: UintRef<'a>,
}

/// SEC 1 `ECPrivateKey` with any `ECParameters` (the `sec1` crate reads
/// named curves only; explicit parameters are read here).
#[derive(Sequence)]
pub(crate) struct EcPrivateKeyAnyParams<'a> {
    pub(crate) version: UintRef<'a>,
    pub(crate) private_key: &'a OctetStringRef,
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    pub(crate) parameters: Option<AnyRef<'a>>,
    #[asn1(context_specific = "1", tag_mode = "EXPLICIT", optional = "true")]
    pub(crate) public_key: Option<BitStringRef<'a>>,
}

fn region(
    der: &[u8],
    bytes: &[u8],
    kind: &'static str,
    alg: Option<String>,
    score: u32,
    source: &'static str,
) -> Option<Region> {
    if bytes.is_empty() {
        return None;
    }
    memchr::memmem::find(der, bytes).map(|off| Region {
        offset: off as u64,
        length: bytes.len() as u64,
        kind,
        algorithm: alg,
        score,
        block: None,
        source,
    })
}

fn params(a: &AlgorithmIdentifierRef<'_>) -> Option<Vec<u8>> {
    a.parameters.as_ref().and_then(|p| p.to_der().ok())
}

/// PKCS#8 PrivateKeyInfo / OneAsymmetricKey.
pub fn pkcs8(der: &[u8]) -> Result<Parsed<KeyInfo>, Finding> {
    let pki = pkcs8::PrivateKeyInfoRef::from_der(der).map_err(|e| der_finding(&e, "PKCS#8"))?;
    let oid = pki.algorithm.oid.to_string();
    let p = params(&pki.algorithm);
    let priv_bytes = pki.private_key.as_bytes();
    let public = pki.public_key.as_ref().map(|b| b.raw_bytes());
    let (key, findings) = algorithm::private_key(&oid, p.as_deref(), priv_bytes, public);
    let regions = region(
        der,
        priv_bytes,
        "secret_key",
        key.algorithm.clone(),
        850,
        "pkcs8",
    )
    .into_iter()
    .collect();
    let info = KeyInfo {
        version: Some(if public.is_some() { "v2" } else { "v1" }.to_owned()),
        has_public_key: public.is_some(),
        ..key_info(Container::Pkcs8PrivateKey, &key)
    };
    Ok(Parsed {
        info,
        key,
        findings,
        regions,
        container: Container::Pkcs8PrivateKey,
    })
}

/// PKCS#8 EncryptedPrivateKeyInfo: scheme described, content never decrypted.
pub fn encrypted_pkcs8(der: &[u8]) -> Result<Parsed<EncryptedKeyInfo>, Finding> {
    let epki =
        EncryptedPrivateKeyInfo::from_der(der).map_err(|e| der_finding(&e, "encrypted PKCS#8"))?;
    let encryption = pbe::describe(&epki.algorithm);
    let data = epki.data.as_bytes();
    let mut findings = vec![Finding::new(
        FailureKind::Encrypted,
        format!(
            "private key encrypted with {} (not decrypted)",
            encryption.scheme
        ),
    )];
    if fx_formats::oids::lookup(&encryption.oid).is_none() {
        findings.push(Finding::new(
            FailureKind::UnknownOid,
            format!("encryption scheme {} is not known", encryption.oid),
        ));
    }
    let regions = region(
        der,
        data,
        "ciphertext",
        encryption.cipher.clone(),
        800,
        "pkcs8_encrypted",
    )
    .into_iter()
    .collect();
    let key = KeyAlg {
        oid: encryption.oid.clone(),
        key_len: data.len(),
        ..KeyAlg::default()
    };
    Ok(Parsed {
        info: EncryptedKeyInfo {
            container: Container::Pkcs8EncryptedPrivateKey,
            block: None,
            key: None,
            version: None,
            has_public_key: false,
            encryption: Some(encryption),
            encrypted_len: Some(data.len() as u64),
            findings: Vec::new(),
        },
        key,
        findings,
        regions,
        container: Container::Pkcs8EncryptedPrivateKey,
    })
}

/// Encrypted PKCS#8 without a PEM label to say so: the same structure
/// (AlgorithmIdentifier, OCTET STRING) is an SPKI whose BIT STRING became an
/// OCTET STRING when the algorithm is a key algorithm, so that is refused.
pub fn encrypted_pkcs8_unlabelled(der: &[u8]) -> Result<Parsed<EncryptedKeyInfo>, Finding> {
    let p = encrypted_pkcs8(der)?;
    let oid = p.info.encryption.as_ref().map_or("", |e| e.oid.as_str());
    if fx_formats::oids::lookup(oid).is_some_and(|e| e.kind.is_asymmetric()) {
        return Err(Finding::new(
            FailureKind::BadTag,
            format!("{oid} is a key algorithm, not an encryption scheme"),
        ));
    }
    Ok(p)
}

/// SubjectPublicKeyInfo.
pub fn spki(der: &[u8]) -> Result<Parsed<KeyInfo>, Finding> {
    let s = SubjectPublicKeyInfoRef::from_der(der).map_err(|e| der_finding(&e, "SPKI"))?;
    let p = params(&s.algorithm);
    let bytes = s.subject_public_key.raw_bytes();
    let (key, findings) = algorithm::public_key(&s.algorithm.oid.to_string(), p.as_deref(), bytes);
    let mut regions: Vec<Region> =
        region(der, bytes, "public_key", key.algorithm.clone(), 900, "spki")
            .into_iter()
            .collect();
    if let Some(whole) = regions.first().cloned() {
        regions.extend(crate::regions::composite_components(&whole, &key));
    }
    Ok(key_only(key, findings, regions, Container::SpkiPublicKey))
}

fn rsa_key(bits: u64, len: usize) -> KeyAlg {
    KeyAlg {
        oid: "1.2.840.113549.1.1.1".into(),
        algorithm: Some("RSA".into()),
        key_bits: Some(bits),
        key_len: len,
        ..KeyAlg::default()
    }
}

/// PKCS#1 RSAPrivateKey.
pub fn pkcs1_private(der: &[u8]) -> Result<Parsed<KeyInfo>, Finding> {
    let k = <pkcs1::RsaPrivateKey<der::asn1::UintRef<'_>>>::from_der(der)
        .map_err(|e| der_finding(&e, "PKCS#1 private key"))?;
    let key = rsa_key(bits_of(k.modulus.as_bytes()), der.len());
    Ok(key_only(
        key,
        Vec::new(),
        Vec::new(),
        Container::Pkcs1PrivateKey,
    ))
}

/// A parsed key whose info is the key alone.
fn key_only(
    key: KeyAlg,
    findings: Vec<Finding>,
    regions: Vec<Region>,
    container: Container,
) -> Parsed<KeyInfo> {
    Parsed {
        info: key_info(container, &key),
        key,
        findings,
        regions,
        container,
    }
}

/// PKCS#1 RSAPublicKey.
pub fn pkcs1_public(der: &[u8]) -> Result<Parsed<KeyInfo>, Finding> {
    let k = <pkcs1::RsaPublicKey<der::asn1::UintRef<'_>>>::from_der(der)
        .map_err(|e| der_finding(&e, "PKCS#1 public key"))?;
    let key = rsa_key(bits_of(k.modulus.as_bytes()), der.len());
    let regions = region(
        der,
        k.modulus.as_bytes(),
        "public_key",
        Some("RSA".into()),
        700,
        "pkcs1",
    )
    .into_iter()
    .collect();
    Ok(key_only(
        key,
        Vec::new(),
        regions,
        Container::Pkcs1PublicKey,
    ))
}

/// PKCS#1 RSAPublicKey without a label to say so: two INTEGERs are also DH
/// parameters or a signature value, so only a plausible RSA key is read (an
/// odd modulus of at least 512 bits, an odd exponent of 3 up to 256 bits).
pub fn pkcs1_public_unlabelled(der: &[u8]) -> Result<Parsed<KeyInfo>, Finding> {
    let k = <pkcs1::RsaPublicKey<der::asn1::UintRef<'_>>>::from_der(der)
        .map_err(|e| der_finding(&e, "PKCS#1 public key"))?;
    let (n, e) = (k.modulus.as_bytes(), k.public_exponent.as_bytes());
    let odd = |x: &[u8]| x.last().is_some_and(|b| b & 1 == 1);
    if bits_of(n) < 512 || !odd(n) || !odd(e) || bits_of(e) < 2 || bits_of(e) > 256 {
        return Err(Finding::new(
            FailureKind::BadTag,
            "two INTEGERs that are not an RSA public key",
        ));
    }
    pkcs1_public(der)
}

/// SEC1 ECPrivateKey (named curve, explicit parameters or none).
pub fn sec1(der: &[u8]) -> Result<Parsed<KeyInfo>, Finding> {
    let k =
        EcPrivateKeyAnyParams::from_der(der).map_err(|e| der_finding(&e, "SEC1 private key"))?;
    if k.version.as_bytes() != [1] {
        return Err(Finding::new(
            FailureKind::BadVersion,
            "SEC1 ECPrivateKey version is not 1",
        ));
    }
    let mut key = KeyAlg {
        oid: "1.2.840.10045.2.1".into(),
        algorithm: Some("EC".into()),
        key_len: k.private_key.as_bytes().len(),
        ..KeyAlg::default()
    };
    let mut findings = Vec::new();
    if let Some(params) = &k.parameters {
        if let Ok(c) = params.decode_as::<ObjectIdentifier>() {
            let c = c.to_string();
            match fx_formats::oids::name(&c) {
                Some(n) => key.curve = Some(n.to_owned()),
                None => findings.push(Finding::new(
                    FailureKind::UnknownOid,
                    format!("curve {c} is not known"),
                )),
            }
        } else if let Ok(d) = params.decode_as::<crate::params::SpecifiedEcDomain<'_>>() {
            key.curve = d.read().name.map(str::to_owned);
        }
    }
    let _ = &k.public_key;
    let regions = region(
        der,
        k.private_key.as_bytes(),
        "secret_key",
        Some("EC".into()),
        800,
        "sec1",
    )
    .into_iter()
    .collect();
    Ok(key_only(key, findings, regions, Container::Sec1PrivateKey))
}

/// The traditional DSA private key: SEQUENCE { 0, p, q, g, y, x }.
pub fn dsa_private(der: &[u8]) -> Result<Parsed<KeyInfo>, Finding> {
    let k = DsaPrivateKey::from_der(der).map_err(|e| der_finding(&e, "DSA private key"))?;
    if k.version.as_bytes() != [0] {
        return Err(Finding::new(
            FailureKind::BadVersion,
            "DSA private key version is not 0",
        ));
    }
    let _ = (&k.q, &k.g, &k.public);
    let key = KeyAlg {
        oid: "1.2.840.10040.4.1".into(),
        algorithm: Some("DSA".into()),
        key_bits: Some(bits_of(k.p.as_bytes())),
        key_len: k.private.as_bytes().len(),
        ..KeyAlg::default()
    };
    let regions = region(
        der,
        k.private.as_bytes(),
        "secret_key",
        Some("DSA".into()),
        800,
        "dsa",
    )
    .into_iter()
    .collect();
    Ok(key_only(key, Vec::new(), regions, Container::DsaPrivateKey))
}
