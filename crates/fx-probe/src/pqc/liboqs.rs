//! The liboqs backend (`oqs` crate, liboqs 0.13 built from source):
//! signature verification and KEM decapsulation for the parameter sets
//! whose `liboqs` name this build offers.
//!
//! SLH-DSA: liboqs 0.13 only has SPHINCS+ round 3 ("simple"), which shares
//! SLH-DSA's sizes but not its algorithm and verifies no FIPS 205 signature;
//! the `verify` step sends SLH-DSA to the FIPS 205 backend
//! ([`super::fips205`]) instead. [`verify`] given an SLH-DSA set still runs
//! SPHINCS+ round 3 (the tests show it accepts none of the IETF anchors).
//! No pre-hash mode (HashML-DSA): the `verify` step reports a pre-hash OID
//! as `unsupported_algorithm`.
//! Falcon-padded and the ISO (salted) FrodoKEM / Classic McEliece `pc`
//! variants are not in the `oqs` crate: they are `unsupported_algorithm`.

use fx_formats::pqc_params::ParamSet;
use oqs::{kem, sig};

/// The `oqs` KEM algorithm of a liboqs name, when this build has it.
pub fn kem_algorithm(liboqs: &str) -> Option<kem::Algorithm> {
    use kem::Algorithm as A;
    let a = match liboqs {
        "ML-KEM-512" => A::MlKem512,
        "ML-KEM-768" => A::MlKem768,
        "ML-KEM-1024" => A::MlKem1024,
        "FrodoKEM-640-AES" => A::FrodoKem640Aes,
        "FrodoKEM-640-SHAKE" => A::FrodoKem640Shake,
        "FrodoKEM-976-AES" => A::FrodoKem976Aes,
        "FrodoKEM-976-SHAKE" => A::FrodoKem976Shake,
        "FrodoKEM-1344-AES" => A::FrodoKem1344Aes,
        "FrodoKEM-1344-SHAKE" => A::FrodoKem1344Shake,
        "HQC-128" => A::Hqc128,
        "HQC-192" => A::Hqc192,
        "HQC-256" => A::Hqc256,
        "Classic-McEliece-348864" => A::ClassicMcEliece348864,
        "Classic-McEliece-348864f" => A::ClassicMcEliece348864f,
        "Classic-McEliece-460896" => A::ClassicMcEliece460896,
        "Classic-McEliece-460896f" => A::ClassicMcEliece460896f,
        "Classic-McEliece-6688128" => A::ClassicMcEliece6688128,
        "Classic-McEliece-6688128f" => A::ClassicMcEliece6688128f,
        "Classic-McEliece-6960119" => A::ClassicMcEliece6960119,
        "Classic-McEliece-6960119f" => A::ClassicMcEliece6960119f,
        "Classic-McEliece-8192128" => A::ClassicMcEliece8192128,
        "Classic-McEliece-8192128f" => A::ClassicMcEliece8192128f,
        _ => return None,
    };
    a.is_enabled().then_some(a)
}

/// The `oqs` signature algorithm of a liboqs name, when this build has it.
pub fn sig_algorithm(liboqs: &str) -> Option<sig::Algorithm> {
    use sig::Algorithm as A;
    let a = match liboqs {
        "ML-DSA-44" => A::MlDsa44,
        "ML-DSA-65" => A::MlDsa65,
        "ML-DSA-87" => A::MlDsa87,
        "Falcon-512" => A::Falcon512,
        "Falcon-1024" => A::Falcon1024,
        "SPHINCS+-SHA2-128f-simple" => A::SphincsSha2128fSimple,
        "SPHINCS+-SHA2-128s-simple" => A::SphincsSha2128sSimple,
        "SPHINCS+-SHA2-192f-simple" => A::SphincsSha2192fSimple,
        "SPHINCS+-SHA2-192s-simple" => A::SphincsSha2192sSimple,
        "SPHINCS+-SHA2-256f-simple" => A::SphincsSha2256fSimple,
        "SPHINCS+-SHA2-256s-simple" => A::SphincsSha2256sSimple,
        "SPHINCS+-SHAKE-128f-simple" => A::SphincsShake128fSimple,
        "SPHINCS+-SHAKE-128s-simple" => A::SphincsShake128sSimple,
        "SPHINCS+-SHAKE-192f-simple" => A::SphincsShake192fSimple,
        "SPHINCS+-SHAKE-192s-simple" => A::SphincsShake192sSimple,
        "SPHINCS+-SHAKE-256f-simple" => A::SphincsShake256fSimple,
        "SPHINCS+-SHAKE-256s-simple" => A::SphincsShake256sSimple,
        _ => return None,
    };
    a.is_enabled().then_some(a)
}

/// Whether this build can verify or decapsulate for `set`.
pub fn supports(set: &ParamSet) -> bool {
    set.liboqs
        .is_some_and(|n| kem_algorithm(n).is_some() || sig_algorithm(n).is_some())
}

/// The liboqs KEM of a parameter set, or why there is none.
fn kem_for(set: &ParamSet) -> Result<kem::Kem, String> {
    let alg = set
        .liboqs
        .and_then(kem_algorithm)
        .ok_or_else(|| format!("{} is not in this liboqs build", set.name))?;
    oqs::init();
    kem::Kem::new(alg).map_err(|e| e.to_string())
}

/// The liboqs signature scheme of a parameter set, or why there is none.
fn sig_for(set: &ParamSet) -> Result<sig::Sig, String> {
    let alg = set
        .liboqs
        .and_then(sig_algorithm)
        .ok_or_else(|| format!("{} is not in this liboqs build", set.name))?;
    oqs::init();
    sig::Sig::new(alg).map_err(|e| e.to_string())
}

/// Verifies `signature` on `message` under `public_key`. `Ok(true/false)`
/// is the verdict; `Err` means liboqs could not run it (unsupported, or
/// lengths liboqs refuses).
pub fn verify(
    set: &ParamSet,
    public_key: &[u8],
    message: &[u8],
    signature: &[u8],
) -> Result<bool, String> {
    let s = sig_for(set)?;
    let pk = s
        .public_key_from_bytes(public_key)
        .ok_or("public key length")?;
    let sg = s
        .signature_from_bytes(signature)
        .ok_or("signature length")?;
    Ok(s.verify(message, sg, pk).is_ok())
}

/// Expands an ML-KEM seed (d‖z, 64 bytes) to the decapsulation key.
pub fn expand_kem_seed(set: &ParamSet, seed: &[u8]) -> Result<Vec<u8>, String> {
    let k = kem_for(set)?;
    if k.length_keypair_seed() == 0 || seed.len() != k.length_keypair_seed() {
        return Err("no seed form for this algorithm".into());
    }
    let seed = k.keypair_seed_from_bytes(seed).ok_or("seed length")?;
    let (_, sk) = k.keypair_derand(seed).map_err(|e| e.to_string())?;
    Ok(sk.into_vec())
}

/// Why [`decapsulate`] gave no shared secret.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DecapsulateError {
    /// liboqs cannot run this set on these inputs: the set is not in this
    /// build, or a length it refuses.
    Unavailable(String),
    /// liboqs ran the set and refused these bytes (HQC reports an error for
    /// a ciphertext that fails its re-encryption check): a failed
    /// decapsulation.
    Rejected(String),
}

impl std::fmt::Display for DecapsulateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DecapsulateError::Unavailable(why) | DecapsulateError::Rejected(why) => {
                f.write_str(why)
            }
        }
    }
}

/// Decapsulates `ciphertext` with `secret_key`; returns the shared secret
/// (the caller hashes it and drops it).
pub fn decapsulate(
    set: &ParamSet,
    secret_key: &[u8],
    ciphertext: &[u8],
) -> Result<Vec<u8>, DecapsulateError> {
    let k = kem_for(set).map_err(DecapsulateError::Unavailable)?;
    let sk = k
        .secret_key_from_bytes(secret_key)
        .ok_or_else(|| DecapsulateError::Unavailable("secret key length".to_owned()))?;
    let ct = k
        .ciphertext_from_bytes(ciphertext)
        .ok_or_else(|| DecapsulateError::Unavailable("ciphertext length".to_owned()))?;
    let ss = k
        .decapsulate(sk, ct)
        .map_err(|e| DecapsulateError::Rejected(e.to_string()))?;
    Ok(ss.into_vec())
}
