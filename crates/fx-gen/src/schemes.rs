//! The parameter sets fx-gen can make, and how: key generation, signing
//! and encapsulation, every byte of randomness from the object's
//! [`Drbg`].
//!
//! The sets are those of `fx_formats::pqc_params` that have a liboqs name
//! (the sets fx-probe checks with liboqs), one per liboqs algorithm:
//! * ML-KEM, FrodoKEM, HQC, Classic McEliece: liboqs (ML-KEM from its
//!   64-byte seed `d ‖ z`, FIPS 203 `KeyGen_internal`; the rest with
//!   liboqs' randomness hooked, [`crate::liboqs_rng`]);
//! * Falcon: liboqs, hooked the same way;
//! * ML-DSA: RustCrypto `ml-dsa` (FIPS 204 `KeyGen_internal` from a 32-byte
//!   seed ξ, so the IETF `both` private key can carry it; hedged signing
//!   with a 32-byte `rnd` from the stream), verified by fx-probe with liboqs;
//! * SLH-DSA: RustCrypto `slh-dsa` (FIPS 205 `slh_keygen_internal`, hedged
//!   signing with `opt_rand` from the stream). liboqs 0.13 has only SPHINCS+
//!   round 3, which is not FIPS 205.

use fx_formats::pqc_params::{self, Family, Kind, ParamSet};
use oqs::{kem, sig};
// One table of liboqs names (fx-probe's), not a copy of it.
use fx_probe::pqc::liboqs::{kem_algorithm, sig_algorithm};

use crate::drbg::Drbg;
use crate::liboqs_rng::with_stream;

/// Which implementation makes a set's objects.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// liboqs through the `oqs` crate.
    Liboqs,
    /// RustCrypto `ml-dsa`.
    MlDsa,
    /// RustCrypto `slh-dsa`.
    SlhDsa,
}

impl Backend {
    /// The name written to truth and provenance lines.
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Liboqs => "liboqs",
            Backend::MlDsa => "ml-dsa",
            Backend::SlhDsa => "slh-dsa",
        }
    }
}

/// A parameter set and its backend, or why fx-gen cannot make it.
#[derive(Clone, Debug)]
pub struct Scheme {
    /// The set (DESIGN §9 name, sizes, OIDs).
    pub set: &'static ParamSet,
    /// Its backend, or the reason it is unavailable in this build.
    pub backend: Result<Backend, &'static str>,
}

/// Every set fx-gen knows, in `pqc_params` table order: the first set of
/// each liboqs algorithm name (the one `by_liboqs_name` gives).
pub fn known() -> Vec<Scheme> {
    let mut seen: Vec<&str> = Vec::new();
    let mut out = Vec::new();
    for set in pqc_params::PARAM_SETS {
        let Some(name) = set.liboqs else { continue };
        if seen.contains(&name) {
            continue;
        }
        seen.push(name);
        let backend = match set.family {
            Family::MlDsa => Ok(Backend::MlDsa),
            Family::SlhDsa => Ok(Backend::SlhDsa),
            _ => match set.kind {
                Kind::Kem if kem_algorithm(name).is_some() => Ok(Backend::Liboqs),
                Kind::Signature if sig_algorithm(name).is_some() => Ok(Backend::Liboqs),
                _ => Err("not in this build's liboqs (oqs crate)"),
            },
        };
        out.push(Scheme { set, backend });
    }
    out
}

/// The scheme named `name` (DESIGN §9 name, case-insensitive).
pub fn by_name(name: &str) -> Option<Scheme> {
    known()
        .into_iter()
        .find(|s| s.set.name.eq_ignore_ascii_case(name))
}

/// A generated key pair.
#[derive(Clone, Debug)]
pub struct KeyPair {
    /// Public key bytes (the raw encoding of the set).
    pub public: Vec<u8>,
    /// Secret key bytes (the raw / expanded encoding liboqs and FIPS use).
    pub secret: Vec<u8>,
    /// The seed the secret key was generated from, where the set has a seed
    /// form (ML-KEM `d ‖ z`, ML-DSA ξ).
    pub seed: Option<Vec<u8>>,
}

/// A generation failure (a backend refused): the set and why.
pub type GenResult<T> = Result<T, String>;

/// Generates a key pair of `scheme` from `drbg`.
pub fn keypair(scheme: &Scheme, drbg: Drbg) -> GenResult<(KeyPair, Drbg)> {
    let set = scheme.set;
    let backend = scheme.backend.map_err(str::to_owned)?;
    match (backend, set.kind) {
        (Backend::MlDsa, _) => {
            let mut drbg = drbg;
            let xi: [u8; 32] = drbg.array();
            let (public, secret) = mldsa::keypair(set.name, &xi)?;
            Ok((
                KeyPair {
                    public,
                    secret,
                    seed: Some(xi.to_vec()),
                },
                drbg,
            ))
        }
        (Backend::SlhDsa, _) => {
            let mut drbg = drbg;
            let (public, secret) = slhdsa::keypair(set, &mut drbg)?;
            Ok((
                KeyPair {
                    public,
                    secret,
                    seed: None,
                },
                drbg,
            ))
        }
        (Backend::Liboqs, Kind::Kem) => {
            let alg = set.liboqs.and_then(kem_algorithm).ok_or("no liboqs KEM")?;
            let mut drbg = drbg;
            let k = kem::Kem::new(alg).map_err(|e| e.to_string())?;
            if k.length_keypair_seed() > 0 {
                // FIPS 203 KeyGen_internal from d ‖ z: the seed is known, so
                // the IETF `both` private key can carry it.
                let seed = drbg.bytes(k.length_keypair_seed());
                let s = k.keypair_seed_from_bytes(&seed).ok_or("seed length")?;
                let (pk, sk) = k.keypair_derand(s).map_err(|e| e.to_string())?;
                return Ok((
                    KeyPair {
                        public: pk.into_vec(),
                        secret: sk.into_vec(),
                        seed: Some(seed),
                    },
                    drbg,
                ));
            }
            let (r, drbg) = with_stream(drbg, || k.keypair())?;
            let (pk, sk) = r.map_err(|e| e.to_string())?;
            Ok((
                KeyPair {
                    public: pk.into_vec(),
                    secret: sk.into_vec(),
                    seed: None,
                },
                drbg,
            ))
        }
        (Backend::Liboqs, Kind::Signature) => {
            let alg = set
                .liboqs
                .and_then(sig_algorithm)
                .ok_or("no liboqs signature")?;
            let s = sig::Sig::new(alg).map_err(|e| e.to_string())?;
            let (r, drbg) = with_stream(drbg, || s.keypair())?;
            let (pk, sk) = r.map_err(|e| e.to_string())?;
            Ok((
                KeyPair {
                    public: pk.into_vec(),
                    secret: sk.into_vec(),
                    seed: None,
                },
                drbg,
            ))
        }
    }
}

/// Signs `message` (pure mode, empty context) with `kp`.
pub fn sign(scheme: &Scheme, kp: &KeyPair, message: &[u8], drbg: Drbg) -> GenResult<Vec<u8>> {
    let set = scheme.set;
    match scheme.backend.map_err(str::to_owned)? {
        Backend::MlDsa => {
            let mut drbg = drbg;
            let rnd: [u8; 32] = drbg.array();
            let seed = kp.seed.as_deref().ok_or("ML-DSA key without its seed")?;
            mldsa::sign(set.name, seed, message, &rnd)
        }
        Backend::SlhDsa => {
            let mut drbg = drbg;
            slhdsa::sign(set, &kp.secret, message, &mut drbg)
        }
        Backend::Liboqs => {
            let alg = set
                .liboqs
                .and_then(sig_algorithm)
                .ok_or("no liboqs signature")?;
            let s = sig::Sig::new(alg).map_err(|e| e.to_string())?;
            let sk = s
                .secret_key_from_bytes(&kp.secret)
                .ok_or("secret key length")?;
            let (r, _) = with_stream(drbg, || s.sign(message, sk))?;
            Ok(r.map_err(|e| e.to_string())?.into_vec())
        }
    }
}

/// Encapsulates to `public`: (ciphertext, shared secret).
pub fn encapsulate(scheme: &Scheme, public: &[u8], drbg: Drbg) -> GenResult<(Vec<u8>, Vec<u8>)> {
    let alg = scheme
        .set
        .liboqs
        .and_then(kem_algorithm)
        .ok_or("no liboqs KEM")?;
    let k = kem::Kem::new(alg).map_err(|e| e.to_string())?;
    let pk = k.public_key_from_bytes(public).ok_or("public key length")?;
    let (r, _) = with_stream(drbg, || k.encapsulate(pk))?;
    let (ct, ss) = r.map_err(|e| e.to_string())?;
    Ok((ct.into_vec(), ss.into_vec()))
}

/// ML-DSA with RustCrypto `ml-dsa` (FIPS 204).
mod mldsa {
    use ml_dsa::{B32, ExpandedSigningKey, MlDsa44, MlDsa65, MlDsa87, MlDsaParams};

    pub fn keypair(name: &str, xi: &[u8; 32]) -> Result<(Vec<u8>, Vec<u8>), String> {
        match name {
            "ML-DSA-44" => Ok(keygen::<MlDsa44>(xi)),
            "ML-DSA-65" => Ok(keygen::<MlDsa65>(xi)),
            "ML-DSA-87" => Ok(keygen::<MlDsa87>(xi)),
            other => Err(format!("{other}: not an ML-DSA set")),
        }
    }

    fn keygen<P: MlDsaParams>(xi: &[u8; 32]) -> (Vec<u8>, Vec<u8>) {
        let sk = ExpandedSigningKey::<P>::from_seed(&B32::from(*xi));
        let pk = sk.verifying_key().encode().to_vec();
        // skEncode (FIPS 204 Algorithm 24), the IETF `expandedKey` and
        // liboqs' secret key encoding.
        #[allow(deprecated)]
        let expanded = sk.to_expanded().to_vec();
        (pk, expanded)
    }

    pub fn sign(name: &str, seed: &[u8], msg: &[u8], rnd: &[u8; 32]) -> Result<Vec<u8>, String> {
        let xi = B32::try_from(seed).map_err(|_| "seed length".to_owned())?;
        match name {
            "ML-DSA-44" => Ok(sign_with::<MlDsa44>(&xi, msg, rnd)),
            "ML-DSA-65" => Ok(sign_with::<MlDsa65>(&xi, msg, rnd)),
            "ML-DSA-87" => Ok(sign_with::<MlDsa87>(&xi, msg, rnd)),
            other => Err(format!("{other}: not an ML-DSA set")),
        }
    }

    fn sign_with<P: MlDsaParams>(xi: &B32, msg: &[u8], rnd: &[u8; 32]) -> Vec<u8> {
        let sk = ExpandedSigningKey::<P>::from_seed(xi);
        // Pure ML-DSA with an empty context: M' = 0 ‖ 0 ‖ M (FIPS 204
        // Algorithm 2), hedged with `rnd`.
        sk.sign_internal(&[&[0u8, 0u8], msg], &B32::from(*rnd))
            .encode()
            .to_vec()
    }
}

/// SLH-DSA with RustCrypto `slh-dsa` (FIPS 205).
mod slhdsa {
    use fx_formats::pqc_params::ParamSet;
    use slh_dsa::{
        ParameterSet, Sha2_128f, Sha2_128s, Sha2_192f, Sha2_192s, Sha2_256f, Sha2_256s, Shake128f,
        Shake128s, Shake192f, Shake192s, Shake256f, Shake256s, SigningKey,
    };

    use crate::drbg::Drbg;

    macro_rules! dispatch {
        ($name:expr, $f:ident ( $($arg:expr),* )) => {
            match $name {
                "SLH-DSA-SHA2-128s" => $f::<Sha2_128s>($($arg),*),
                "SLH-DSA-SHA2-128f" => $f::<Sha2_128f>($($arg),*),
                "SLH-DSA-SHA2-192s" => $f::<Sha2_192s>($($arg),*),
                "SLH-DSA-SHA2-192f" => $f::<Sha2_192f>($($arg),*),
                "SLH-DSA-SHA2-256s" => $f::<Sha2_256s>($($arg),*),
                "SLH-DSA-SHA2-256f" => $f::<Sha2_256f>($($arg),*),
                "SLH-DSA-SHAKE-128s" => $f::<Shake128s>($($arg),*),
                "SLH-DSA-SHAKE-128f" => $f::<Shake128f>($($arg),*),
                "SLH-DSA-SHAKE-192s" => $f::<Shake192s>($($arg),*),
                "SLH-DSA-SHAKE-192f" => $f::<Shake192f>($($arg),*),
                "SLH-DSA-SHAKE-256s" => $f::<Shake256s>($($arg),*),
                "SLH-DSA-SHAKE-256f" => $f::<Shake256f>($($arg),*),
                other => Err(format!("{other}: not an SLH-DSA set")),
            }
        };
    }

    pub fn keypair(set: &ParamSet, drbg: &mut Drbg) -> Result<(Vec<u8>, Vec<u8>), String> {
        dispatch!(set.name, keygen(set, drbg))
    }

    fn keygen<P: ParameterSet>(
        set: &ParamSet,
        drbg: &mut Drbg,
    ) -> Result<(Vec<u8>, Vec<u8>), String> {
        let n = set.public_key.ok_or("no public key size")? / 2;
        let (sk_seed, sk_prf, pk_seed) = (drbg.bytes(n), drbg.bytes(n), drbg.bytes(n));
        let sk = SigningKey::<P>::slh_keygen_internal(&sk_seed, &sk_prf, &pk_seed);
        let secret = sk.to_bytes().to_vec();
        let public = secret[2 * n..].to_vec();
        Ok((public, secret))
    }

    pub fn sign(
        set: &ParamSet,
        secret: &[u8],
        msg: &[u8],
        drbg: &mut Drbg,
    ) -> Result<Vec<u8>, String> {
        dispatch!(set.name, sign_with(set, secret, msg, drbg))
    }

    fn sign_with<P: ParameterSet>(
        set: &ParamSet,
        secret: &[u8],
        msg: &[u8],
        drbg: &mut Drbg,
    ) -> Result<Vec<u8>, String> {
        let n = set.public_key.ok_or("no public key size")? / 2;
        let sk = SigningKey::<P>::try_from(secret).map_err(|e| e.to_string())?;
        let opt_rand = drbg.bytes(n);
        let sig = sk
            .try_sign_with_context(msg, b"", Some(&opt_rand))
            .map_err(|e| e.to_string())?;
        Ok(sig.to_bytes().to_vec())
    }
}
