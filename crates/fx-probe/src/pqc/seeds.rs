//! Seed and expanded forms of ML-KEM and ML-DSA private keys.
//!
//! The IETF private-key CHOICE (draft-ietf-lamps-kyber-certificates,
//! draft-ietf-lamps-dilithium-certificates) has a `seed` form, an
//! `expandedKey` form and `both`. A `both` key whose expanded key is not
//! the one its seed generates is malformed, and the drafts say a recipient
//! that checks must reject it. [`both_mismatch`] runs that check: the seed
//! is expanded with the set's deterministic key generation (ML-KEM: liboqs'
//! derandomised `KeyGen`, FIPS 203 Algorithm 16; ML-DSA: RustCrypto
//! `ml-dsa`, FIPS 204 Algorithm 6 `KeyGen_internal`, as liboqs 0.13 has
//! none for ML-DSA) and compared with the expanded key.

use fx_formats::pqc_params::{Family, ParamSet};
use ml_dsa::{B32, ExpandedSigningKey, MlDsa44, MlDsa65, MlDsa87, MlDsaParams};

use super::liboqs;

/// The expanded private key that `seed` generates for `set` (ML-KEM: the
/// 64-byte `d ‖ z`; ML-DSA: the 32-byte `ξ`). `Err` when the family has no
/// seed form here or the seed has the wrong length.
pub fn expand(set: &ParamSet, seed: &[u8]) -> Result<Vec<u8>, String> {
    match set.family {
        Family::MlKem => liboqs::expand_kem_seed(set, seed),
        Family::MlDsa => match set.name {
            "ML-DSA-44" => mldsa::<MlDsa44>(seed),
            "ML-DSA-65" => mldsa::<MlDsa65>(seed),
            "ML-DSA-87" => mldsa::<MlDsa87>(seed),
            other => Err(format!("{other}: no seed expansion")),
        },
        _ => Err(format!("{}: no seed form", set.name)),
    }
}

fn mldsa<P: MlDsaParams>(seed: &[u8]) -> Result<Vec<u8>, String> {
    let xi = B32::try_from(seed).map_err(|_| "seed length".to_owned())?;
    // skEncode of the generated key (FIPS 204 Algorithm 24): the encoding
    // the IETF `expandedKey` carries; deprecated in ml-dsa only as a storage
    // format, which is what is compared here.
    #[allow(deprecated)]
    let sk = ExpandedSigningKey::<P>::from_seed(&xi).to_expanded();
    Ok(sk.to_vec())
}

/// For a `both` key: `Some(offset)` of the first byte where `expanded`
/// differs from what `seed` generates (its length when one is a prefix of
/// the other), `None` when they agree or when the check cannot run (no
/// expansion for the set, a seed of the wrong length: the size checks
/// report those).
pub fn both_mismatch(set: &ParamSet, seed: &[u8], expanded: &[u8]) -> Option<usize> {
    let want = expand(set, seed).ok()?;
    if want == expanded {
        return None;
    }
    Some(
        want.iter()
            .zip(expanded)
            .position(|(a, b)| a != b)
            .unwrap_or(want.len().min(expanded.len())),
    )
}
