//! The FIPS 205 backend (RustCrypto `slh-dsa`): SLH-DSA signature
//! verification for all twelve parameter sets (SHA2 and SHAKE, 128/192/256,
//! `s` and `f`).
//!
//! liboqs 0.13 (the newest `oqs` crate, 0.11) has only SPHINCS+ round 3,
//! which shares SLH-DSA's sizes but not its algorithm: it verifies no FIPS 205
//! signature. Verification here is *pure* SLH-DSA (FIPS 205 Algorithm 24,
//! `slh_verify`) with the empty context string, which is what X.509 uses
//! (RFC 9909, draft-ietf-lamps-x509-slhdsa): the signed message is
//! `0x00 ‖ 0x00 ‖ M`. HashSLH-DSA (the pre-hash variants, their own OIDs) is
//! not offered by the crate: [`prehash_unsupported`] says so and nothing
//! is guessed.

use fx_formats::pqc_params::{Family, ParamSet};
use slh_dsa::signature::Verifier;
use slh_dsa::{
    ParameterSet, Sha2_128f, Sha2_128s, Sha2_192f, Sha2_192s, Sha2_256f, Sha2_256s, Shake128f,
    Shake128s, Shake192f, Shake192s, Shake256f, Shake256s, Signature, VerifyingKey,
};

/// The backend and its version, as the `verify` step names it.
pub const BACKEND: &str = "slh-dsa 0.2.0-rc.5";

/// Whether this backend verifies `set` (every SLH-DSA parameter set).
pub fn supports(set: &ParamSet) -> bool {
    set.family == Family::SlhDsa
}

/// Why a HashSLH-DSA (pre-hash, `hash`) signature is not verified here.
pub fn prehash_unsupported(hash: &str) -> String {
    format!("HashSLH-DSA (pre-hash {hash}) is not implemented by {BACKEND}")
}

/// Verifies a pure SLH-DSA `signature` on `message` under `public_key`
/// with the empty context. `Ok(true/false)` is the verdict; `Err` means the
/// set is not SLH-DSA or a length does not fit it.
pub fn verify(
    set: &ParamSet,
    public_key: &[u8],
    message: &[u8],
    signature: &[u8],
) -> Result<bool, String> {
    match set.name {
        "SLH-DSA-SHA2-128s" => run::<Sha2_128s>(public_key, message, signature),
        "SLH-DSA-SHA2-128f" => run::<Sha2_128f>(public_key, message, signature),
        "SLH-DSA-SHA2-192s" => run::<Sha2_192s>(public_key, message, signature),
        "SLH-DSA-SHA2-192f" => run::<Sha2_192f>(public_key, message, signature),
        "SLH-DSA-SHA2-256s" => run::<Sha2_256s>(public_key, message, signature),
        "SLH-DSA-SHA2-256f" => run::<Sha2_256f>(public_key, message, signature),
        "SLH-DSA-SHAKE-128s" => run::<Shake128s>(public_key, message, signature),
        "SLH-DSA-SHAKE-128f" => run::<Shake128f>(public_key, message, signature),
        "SLH-DSA-SHAKE-192s" => run::<Shake192s>(public_key, message, signature),
        "SLH-DSA-SHAKE-192f" => run::<Shake192f>(public_key, message, signature),
        "SLH-DSA-SHAKE-256s" => run::<Shake256s>(public_key, message, signature),
        "SLH-DSA-SHAKE-256f" => run::<Shake256f>(public_key, message, signature),
        other => Err(format!("{other} is not an SLH-DSA parameter set")),
    }
}

fn run<P: ParameterSet>(
    public_key: &[u8],
    message: &[u8],
    signature: &[u8],
) -> Result<bool, String> {
    let vk = VerifyingKey::<P>::try_from(public_key).map_err(|_| "public key length")?;
    let sig = Signature::<P>::try_from(signature).map_err(|_| "signature length")?;
    // `Verifier::verify` is FIPS 205 slh_verify with the empty context.
    Ok(vk.verify(message, &sig).is_ok())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use fx_formats::pqc_params::by_name;
    use slh_dsa::SigningKey;

    fn set(name: &str) -> &'static ParamSet {
        by_name(name).unwrap()
    }

    /// The version `BACKEND` names is the one Cargo.lock resolved.
    #[test]
    fn backend_names_the_locked_version() {
        let lock = include_str!("../../../../Cargo.lock");
        let version = BACKEND.strip_prefix("slh-dsa ").unwrap();
        assert!(
            lock.contains(&format!("name = \"slh-dsa\"\nversion = \"{version}\"\n")),
            "Cargo.lock has another slh-dsa than {BACKEND}"
        );
    }

    #[test]
    fn every_slh_dsa_set_and_only_those_are_supported() {
        let names: Vec<&str> = fx_formats::pqc_params::PARAM_SETS
            .iter()
            .filter(|s| supports(s))
            .map(|s| s.name)
            .collect();
        assert_eq!(names.len(), 12, "{names:?}");
        for s in fx_formats::pqc_params::PARAM_SETS
            .iter()
            .filter(|s| supports(s))
        {
            // Lengths the backend refuses are errors, never a verdict.
            let pk = vec![0u8; s.public_key.unwrap()];
            let sig = vec![0u8; s.signature.unwrap().max()];
            assert_eq!(verify(s, &pk, b"m", &sig), Ok(false), "{}", s.name);
            assert!(verify(s, &pk[1..], b"m", &sig).is_err(), "{}", s.name);
            assert!(verify(s, &pk, b"m", &sig[1..]).is_err(), "{}", s.name);
        }
        assert!(!supports(set("ML-DSA-44")));
        assert!(verify(set("ML-DSA-44"), &[0; 1312], b"m", &[0; 2420]).is_err());
    }

    /// Pure SLH-DSA with the empty context (X.509): a signature made with
    /// another context, or of another message, does not verify.
    #[test]
    fn pure_signatures_with_the_empty_context_verify() {
        let sk = SigningKey::<Sha2_128f>::slh_keygen_internal(&[1; 16], &[2; 16], &[3; 16]);
        let pk = sk.as_ref().to_bytes();
        let s = set("SLH-DSA-SHA2-128f");
        let msg = b"tbsCertificate";
        let sig = sk.try_sign_with_context(msg, &[], None).unwrap().to_bytes();
        assert_eq!(verify(s, &pk, msg, &sig), Ok(true));
        assert_eq!(verify(s, &pk, b"tbsCertificatE", &sig), Ok(false));
        let ctx = sk
            .try_sign_with_context(msg, b"ctx", None)
            .unwrap()
            .to_bytes();
        assert_eq!(verify(s, &pk, msg, &ctx), Ok(false));
        // Same sizes, other hash family: no verdict of SHA2 carries over.
        assert_eq!(verify(set("SLH-DSA-SHAKE-128f"), &pk, msg, &sig), Ok(false));
    }
}
