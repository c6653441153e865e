//! Writes the fx-probe sample artifacts (`samples/crypto/`): PQC objects
//! made with liboqs, an ML-KEM hybrid blob, ECB and CBC ciphertexts of one
//! plaintext. Keys are fresh on every run (nothing asserted depends on them).
//!
//! `cargo run -p fx-probe --example pqc_samples -- samples/crypto`
#![allow(clippy::unwrap_used, missing_docs)]

use std::path::Path;

use aes::cipher::{BlockCipherEncrypt, KeyInit};
use aes_gcm::aead::Aead;

fn write(dir: &Path, name: &str, bytes: &[u8]) {
    std::fs::write(dir.join(name), bytes).unwrap();
}

fn aes_block(key: &[u8; 16], b: &[u8]) -> [u8; 16] {
    let c = aes::Aes128::new_from_slice(key).unwrap();
    let mut blk = aes::Block::try_from(b).unwrap();
    c.encrypt_block(&mut blk);
    blk.into()
}

fn main() {
    let out = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "samples/crypto".into());
    let dir = Path::new(&out);
    std::fs::create_dir_all(dir).unwrap();
    oqs::init();

    let kem = oqs::kem::Kem::new(oqs::kem::Algorithm::MlKem768).unwrap();
    let (pk, sk) = kem.keypair().unwrap();
    let (ct, ss) = kem.encapsulate(&pk).unwrap();
    write(dir, "mlkem768.pk", pk.as_ref());
    write(dir, "mlkem768.sk", sk.as_ref());
    write(dir, "mlkem768.ct", ct.as_ref());
    write(dir, "mlkem768.ss", ss.as_ref());

    let sig = oqs::sig::Sig::new(oqs::sig::Algorithm::MlDsa44).unwrap();
    let (spk, ssk) = sig.keypair().unwrap();
    let msg = b"fx sample message signed with ML-DSA-44\n";
    let s = sig.sign(msg, &ssk).unwrap();
    write(dir, "mldsa44.pk", spk.as_ref());
    write(dir, "mldsa44.sig", s.as_ref());
    write(dir, "mldsa44.msg", msg);

    // Hybrid: u16 length ‖ ML-KEM-768 ciphertext ‖ nonce12 ‖ AES-GCM ct ‖ tag16.
    let key = [0x5au8; 16];
    let gcm = aes_gcm::Aes128Gcm::new_from_slice(&key).unwrap();
    let nonce = [3u8; 12];
    let body = gcm
        .encrypt(
            &aes_gcm::Nonce::try_from(&nonce[..]).unwrap(),
            &b"hybrid payload "[..].repeat(40)[..],
        )
        .unwrap();
    let mut hybrid = (ct.as_ref().len() as u16).to_be_bytes().to_vec();
    hybrid.extend_from_slice(ct.as_ref());
    hybrid.extend_from_slice(&nonce);
    hybrid.extend_from_slice(&body);
    write(dir, "hybrid-mlkem768-aesgcm.bin", &hybrid);

    // ECB vs CBC of one plaintext with a flat area.
    let mut plain = b"FLAT AREA BLOCK!".repeat(64);
    plain.extend((0..1024u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8));
    let ecb: Vec<u8> = plain.chunks(16).flat_map(|b| aes_block(&key, b)).collect();
    write(dir, "aes128-ecb.bin", &ecb);
    let mut prev = [0x11u8; 16];
    let mut cbc = prev.to_vec();
    for b in plain.chunks(16) {
        let x: Vec<u8> = b.iter().zip(prev).map(|(a, c)| a ^ c).collect();
        prev = aes_block(&key, &x);
        cbc.extend_from_slice(&prev);
    }
    write(dir, "aes128-cbc-iv.bin", &cbc);
    println!("wrote samples to {}", dir.display());
}
