//! Signing the evidence root: an Ed25519 signature (RFC 8032, by the
//! `ed25519-dalek` crate) of the exact bytes of
//! `RUN/manifests/evidence_root.json`, stored raw (64 bytes) in
//! `RUN/manifests/evidence_root.sig`.
//!
//! Keys are PEM files as OpenSSL writes them: the private key PKCS#8
//! (`openssl genpkey -algorithm ed25519 -out key.pem`), the public key
//! SubjectPublicKeyInfo (`openssl pkey -in key.pem -pubout -out pub.pem`).
//! The private key is only read, never copied into the run. The same
//! signature checks with `openssl pkeyutl -verify -pubin -inkey pub.pem
//! -rawin -in RUN/manifests/evidence_root.json -sigfile RUN/manifests/evidence_root.sig`.

use std::path::{Path, PathBuf};

use ed25519_dalek::pkcs8::{DecodePrivateKey, DecodePublicKey};
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use fx_chain::{ROOT_FILE, SIGNATURE_FILE};

/// What can stop signing or checking a signature.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SignatureError {
    /// A key or run file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A key file that is not the expected PEM key.
    #[error("{}: not an Ed25519 {what} key in PEM ({reason})", path.display())]
    BadKey {
        /// The key file.
        path: PathBuf,
        /// `private (PKCS#8)` or `public (SubjectPublicKeyInfo)`.
        what: &'static str,
        /// The decoder's message.
        reason: String,
    },
}

fn io(path: &Path, source: std::io::Error) -> SignatureError {
    SignatureError::Io {
        path: path.to_owned(),
        source,
    }
}

fn read_text(path: &Path) -> Result<String, SignatureError> {
    std::fs::read_to_string(path).map_err(|e| io(path, e))
}

/// Reads a PKCS#8 PEM Ed25519 private key.
pub fn signing_key(path: &Path) -> Result<SigningKey, SignatureError> {
    SigningKey::from_pkcs8_pem(&read_text(path)?).map_err(|e| SignatureError::BadKey {
        path: path.to_owned(),
        what: "private (PKCS#8)",
        reason: e.to_string(),
    })
}

/// Reads a SubjectPublicKeyInfo PEM Ed25519 public key.
pub fn verifying_key(path: &Path) -> Result<VerifyingKey, SignatureError> {
    VerifyingKey::from_public_key_pem(&read_text(path)?).map_err(|e| SignatureError::BadKey {
        path: path.to_owned(),
        what: "public (SubjectPublicKeyInfo)",
        reason: e.to_string(),
    })
}

/// Signs the run's root file with the key in `key_file`; writes
/// `manifests/evidence_root.sig` (temporary file, then rename).
pub fn sign(run: &Path, key_file: &Path) -> Result<(), SignatureError> {
    let key = signing_key(key_file)?;
    let root = run.join(ROOT_FILE);
    let bytes = std::fs::read(&root).map_err(|e| io(&root, e))?;
    let sig = key.sign(&bytes);
    let path = run.join(SIGNATURE_FILE);
    let tmp = path.with_file_name(format!(".evidence_root.sig.tmp-{}", std::process::id()));
    std::fs::write(&tmp, sig.to_bytes()).map_err(|e| io(&tmp, e))?;
    std::fs::rename(&tmp, &path).map_err(|e| io(&path, e))
}

/// Checks the run's signature against the public key in `key_file`;
/// returns the problem, if any, as a verify line.
pub fn check(run: &Path, key_file: &Path) -> Result<Option<String>, SignatureError> {
    let key = verifying_key(key_file)?;
    let root = run.join(ROOT_FILE);
    let bytes = match std::fs::read(&root) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok(Some(format!(
                "{ROOT_FILE}: missing: nothing to check the signature of"
            )));
        }
        Err(e) => return Err(io(&root, e)),
    };
    let sig_path = run.join(SIGNATURE_FILE);
    let sig = match std::fs::read(&sig_path) {
        Ok(s) => s,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok(Some(format!(
                "{SIGNATURE_FILE}: missing: the evidence root is not signed (fx-seq --run RUN --sign KEY)"
            )));
        }
        Err(e) => return Err(io(&sig_path, e)),
    };
    let Ok(sig) = Signature::from_slice(&sig) else {
        return Ok(Some(format!(
            "{SIGNATURE_FILE}: {} bytes; an Ed25519 signature is 64",
            sig.len()
        )));
    };
    Ok(match key.verify_strict(&bytes, &sig) {
        Ok(()) => None,
        Err(_) => Some(format!(
            "{SIGNATURE_FILE}: does not verify {ROOT_FILE} with the key {}: the root was edited, or another key signed it",
            key_file.display()
        )),
    })
}
