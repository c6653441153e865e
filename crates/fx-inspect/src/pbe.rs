//! Password-based encryption parameters (PBES2 with PBKDF2 or scrypt, PBES1,
//! PKCS#12 PBE), described and never used: fx does not decrypt.

use der::asn1::{AnyRef, ObjectIdentifier, OctetStringRef, UintRef};
use der::{Decode, Encode, Sequence};
use fx_facts::PbeScheme;
use fx_formats::oids;
use spki::AlgorithmIdentifierRef;

use crate::algorithm::bits_of;

#[derive(Sequence)]
struct Pbes2Params<'a> {
    kdf: AlgorithmIdentifierRef<'a>,
    cipher: AlgorithmIdentifierRef<'a>,
}

#[derive(Sequence)]
struct Pbkdf2Params<'a> {
    salt: &'a OctetStringRef,
    iterations: UintRef<'a>,
    #[asn1(optional = "true")]
    key_length: Option<UintRef<'a>>,
    #[asn1(optional = "true")]
    prf: Option<AlgorithmIdentifierRef<'a>>,
}

#[derive(Sequence)]
struct ScryptParams<'a> {
    salt: &'a OctetStringRef,
    cost: UintRef<'a>,
    block_size: UintRef<'a>,
    parallelization: UintRef<'a>,
    #[asn1(optional = "true")]
    key_length: Option<UintRef<'a>>,
}

/// `SEQUENCE { salt OCTET STRING, iterations INTEGER }` (PBES1, PKCS#12 PBE, MacData tail).
#[derive(Sequence)]
pub struct SaltIterations<'a> {
    /// Salt.
    pub salt: &'a OctetStringRef,
    /// Iteration count.
    pub iterations: UintRef<'a>,
}

/// An integer as u64, saturating (iteration counts never need more).
pub fn uint(u: &UintRef<'_>) -> u64 {
    if bits_of(u.as_bytes()) > 64 {
        return u64::MAX;
    }
    u.as_bytes()
        .iter()
        .fold(0u64, |a, &b| (a << 8) | u64::from(b))
}

fn name_or_oid(oid: &ObjectIdentifier) -> String {
    let s = oid.to_string();
    oids::name(&s).map(str::to_owned).unwrap_or(s)
}

fn params_der(p: &Option<AnyRef<'_>>) -> Option<Vec<u8>> {
    p.as_ref().and_then(|a| a.to_der().ok())
}

/// Describes an encryption algorithm identifier as the fx-facts record the
/// step data is written as.
pub fn describe(alg: &AlgorithmIdentifierRef<'_>) -> PbeScheme {
    let oid = alg.oid.to_string();
    let mut info = PbeScheme {
        scheme: name_or_oid(&alg.oid),
        oid: oid.clone(),
        ..PbeScheme::default()
    };
    let params = params_der(&alg.parameters);
    let Some(params) = params else { return info };
    if oid == "1.2.840.113549.1.5.13" {
        let Ok(p) = Pbes2Params::from_der(&params) else {
            return info;
        };
        info.kdf = Some(name_or_oid(&p.kdf.oid));
        let kdf_params = params_der(&p.kdf.parameters).unwrap_or_default();
        match p.kdf.oid.to_string().as_str() {
            "1.2.840.113549.1.5.12" => {
                if let Ok(k) = Pbkdf2Params::from_der(&kdf_params) {
                    info.salt_len = Some(k.salt.as_bytes().len() as u64);
                    info.iterations = Some(uint(&k.iterations));
                    info.key_len = k.key_length.as_ref().map(uint);
                    info.prf = k.prf.as_ref().map(|a| name_or_oid(&a.oid));
                }
            }
            "1.3.6.1.4.1.11591.4.11" => {
                if let Ok(k) = ScryptParams::from_der(&kdf_params) {
                    info.salt_len = Some(k.salt.as_bytes().len() as u64);
                    info.scrypt =
                        Some([uint(&k.cost), uint(&k.block_size), uint(&k.parallelization)]);
                    info.key_len = k.key_length.as_ref().map(uint);
                }
            }
            _ => {}
        }
        info.cipher = Some(name_or_oid(&p.cipher.oid));
        if let Some(iv) = params_der(&p.cipher.parameters)
            .as_deref()
            .and_then(|d| <&OctetStringRef>::from_der(d).ok())
        {
            info.iv_len = Some(iv.as_bytes().len() as u64);
        }
    } else if let Ok(p) = SaltIterations::from_der(&params) {
        info.salt_len = Some(p.salt.as_bytes().len() as u64);
        info.iterations = Some(uint(&p.iterations));
    }
    info
}
