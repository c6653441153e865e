//! ECB vs CBC/CTR/GCM of one plaintext, random vs compressed vs encoded.
//!
//! Ciphertexts are made in the test with RustCrypto `aes` (ECB, CBC and CTR
//! are a few lines on top of the block cipher) and `aes-gcm`: no external
//! tool, no committed binary fixture, and the same bytes on every machine.
//! Compressed inputs come from the gzip/zstd/xz/bzip2 commands when present
//! (the test prints which were missing).
#![allow(clippy::unwrap_used)]

use aes::cipher::{BlockCipherEncrypt, KeyInit};
use aes_gcm::aead::Aead;
use serde_json::Value;

use super::*;

const KEY: [u8; 16] = *b"0123456789abcdef";

fn plaintext() -> Vec<u8> {
    // 2048 bytes of one repeated 16-byte block (an "image" with a flat area)
    // followed by 2048 bytes of varied text.
    let mut p = b"ATTACK AT DAWN!!".repeat(128);
    let mut x = 0x9e37_79b9_7f4a_7c15u64;
    for _ in 0..2048 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        p.push(b"abcdefghijklmnopqrstuvwxyz .,\n"[(x % 30) as usize]);
    }
    p
}

fn aes_block(b: &[u8]) -> [u8; 16] {
    let c = aes::Aes128::new_from_slice(&KEY).unwrap();
    let mut blk = aes::Block::try_from(b).unwrap();
    c.encrypt_block(&mut blk);
    blk.into()
}

fn ecb(p: &[u8]) -> Vec<u8> {
    p.chunks(16).flat_map(aes_block).collect()
}

fn cbc_with_iv(p: &[u8]) -> Vec<u8> {
    let mut padded = p.to_vec();
    let pad = 16 - p.len() % 16;
    padded.extend(std::iter::repeat_n(pad as u8, pad));
    let iv = [0x42u8; 16];
    let mut out = iv.to_vec();
    let mut prev = iv;
    for chunk in padded.chunks(16) {
        let x: Vec<u8> = chunk.iter().zip(prev).map(|(a, b)| a ^ b).collect();
        prev = aes_block(&x);
        out.extend_from_slice(&prev);
    }
    out
}

fn ctr(p: &[u8]) -> Vec<u8> {
    p.chunks(16)
        .enumerate()
        .flat_map(|(i, chunk)| {
            let mut ctrblk = [7u8; 16];
            ctrblk[8..].copy_from_slice(&(i as u64).to_be_bytes());
            let ks = aes_block(&ctrblk);
            chunk.iter().zip(ks).map(|(a, b)| a ^ b).collect::<Vec<_>>()
        })
        .collect()
}

fn gcm(p: &[u8]) -> Vec<u8> {
    let c = aes_gcm::Aes128Gcm::new_from_slice(&KEY).unwrap();
    let nonce_bytes = [9u8; 12];
    let nonce = aes_gcm::Nonce::try_from(&nonce_bytes[..]).unwrap();
    let mut out = nonce_bytes.to_vec();
    out.extend(c.encrypt(&nonce, p).unwrap());
    out
}

fn run(bytes: &[u8]) -> Analysis {
    analyze(bytes, &mut Budget::new(16 << 20))
}

fn hints(a: &Analysis) -> Vec<String> {
    a.cipher.mode_hints.clone().unwrap_or_default()
}

/// One field of the `cipher` object as it is written (`null` when absent).
fn field(a: &Analysis, k: &str) -> Value {
    serde_json::to_value(&a.cipher)
        .unwrap()
        .get(k)
        .cloned()
        .unwrap_or(Value::Null)
}

#[test]
fn ecb_is_told_from_cbc_ctr_and_gcm() {
    let p = plaintext();
    let e = run(&ecb(&p));
    assert_eq!(hints(&e), vec!["ecb"]);
    assert_eq!(field(&e, "block_size"), 16);
    assert_eq!(field(&e, "ecb_repeats"), 127);
    assert_eq!(field(&e, "class"), "ecb_like");
    let locs = field(&e, "ecb_locations");
    let locs = locs.as_array().unwrap();
    assert_eq!(locs[0], serde_json::json!({"offset": 16, "first": 0}));
    assert_eq!(e.labels, vec![Label::SymmetricCiphertext]);

    let c = run(&cbc_with_iv(&p));
    assert_eq!(hints(&c), vec!["cbc", "ctr", "gcm"]);
    assert_eq!(field(&c, "ecb_repeats"), 0);
    assert_eq!(field(&c, "class"), "random_like");
    assert_eq!(field(&c, "length"), 4096 + 16 + 16);
    assert!(
        field(&c, "layout_candidates")
            .as_array()
            .unwrap()
            .contains(&"iv16‖ct".into())
    );

    let mut p5 = p.clone();
    p5.extend_from_slice(b"tail!");
    let t = run(&ctr(&p5));
    assert_eq!(hints(&t)[0], "ctr");
    assert!(!hints(&t).contains(&"ecb".to_owned()));
    assert_eq!(field(&t, "mod16"), 5);
    assert!(field(&t, "block_size").is_null());

    let g = run(&gcm(&p5));
    assert_eq!(field(&g, "length"), 12 + 4101 + 16);
    assert!(hints(&g).contains(&"gcm".to_owned()));
    assert!(
        field(&g, "layout_candidates")
            .as_array()
            .unwrap()
            .contains(&"nonce12‖ct‖tag16".into())
    );
    // Stream modes hide ECB's repeats: the same plaintext shows none.
    assert_eq!(field(&g, "ecb_repeats"), 0);
}

#[test]
fn openssl_salted_header_is_parsed() {
    let mut b = b"Salted__".to_vec();
    b.extend_from_slice(&[1, 2, 3, 4, 5, 6, 7, 8]);
    b.extend(cbc_with_iv(&plaintext())[16..].iter());
    let a = run(&b);
    assert_eq!(field(&a, "format"), "openssl_salted");
    assert_eq!(field(&a, "salt"), "0102030405060708");
    assert_eq!(field(&a, "layout"), "Salted__‖salt8‖ct");
    assert_eq!(field(&a, "block_size"), 16);
}

#[test]
fn real_openssl_enc_output_when_available() {
    let Ok(out) = std::process::Command::new("openssl")
        .args([
            // OpenSSL 3 omits the header when -S fixes the salt: let it pick one.
            "enc",
            "-aes-256-cbc",
            "-pbkdf2",
            "-pass",
            "pass:fx-test",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(&plaintext())?;
            child.wait_with_output()
        })
    else {
        println!("openssl absent: skipped");
        return;
    };
    let a = run(&out.stdout);
    assert_eq!(field(&a, "format"), "openssl_salted");
    assert_eq!(field(&a, "salt").as_str().map(str::len), Some(16));
    assert_eq!(field(&a, "ciphertext_length").as_u64().unwrap() % 16, 0);
}

#[test]
fn random_compressed_encoded_and_text_are_told_apart() {
    let random = entropy::tests_support::xorshift(99, 1 << 16);
    let r = run(&random);
    assert_eq!(field(&r, "class"), "random_like");
    assert_eq!(field(&r, "ecb_repeats"), 0);

    let b64 = {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.encode(&random[..3000])
    };
    let d = run(b64.as_bytes());
    assert_eq!(field(&d, "encoding"), "base64");
    assert_eq!(field(&d, "decoded_length"), 3000);
    assert_eq!(field(&d, "class"), "random_like");

    let h = run(hex::encode(&random[..2000]).as_bytes());
    assert_eq!(field(&h, "encoding"), "hex");
    assert_eq!(field(&h, "class"), "random_like");

    let text = run(&plaintext()[2048..]);
    assert!(text.labels.is_empty());

    let source =
        b"fx probes compressed data: the quick brown fox jumps over the lazy dog. ".repeat(300);
    let mut missing = Vec::new();
    for (tool, args, name) in [
        ("gzip", &["-n", "-c"][..], "gzip"),
        ("zstd", &["-q", "-c"][..], "zstd"),
        ("xz", &["-c"][..], "xz"),
        ("bzip2", &["-c"][..], "bzip2"),
    ] {
        let Ok(mut child) = std::process::Command::new(tool)
            .args(args)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
        else {
            missing.push(tool);
            continue;
        };
        {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(&source).unwrap();
        }
        let out = child.wait_with_output().unwrap();
        let c = run(&out.stdout);
        assert_eq!(field(&c, "class"), "compressed", "{tool}");
        assert_eq!(field(&c, "framing"), name, "{tool}");
        assert_eq!(c.labels, vec![Label::Compressed]);
    }
    println!("compression tools missing: {missing:?}");
}

#[test]
fn budget_caps_the_scan() {
    let random = entropy::tests_support::xorshift(5, 10_000);
    let mut b = Budget::new(4096);
    let a = analyze(&random, &mut b);
    assert_eq!(field(&a, "scanned_bytes"), 4096);
    assert_eq!(field(&a, "length"), 10_000);
    assert!(b.spent());
}

#[test]
fn eight_byte_block_ecb_is_seen() {
    // A 64-bit block cipher in ECB (3DES, Blowfish): one random-looking
    // 8-byte block repeated among others; 8-aligned, not 16-aligned.
    let r = entropy::tests_support::xorshift(77, 8 * 301);
    let rep = r[..8].to_vec();
    let mut b = Vec::new();
    for (i, chunk) in r.chunks(8).enumerate() {
        b.extend_from_slice(if i % 5 == 0 { &rep } else { chunk });
    }
    let a = run(&b);
    assert_eq!(field(&a, "block_size"), 8);
    assert_eq!(hints(&a), vec!["ecb"]);
    assert_eq!(field(&a, "ecb_repeats"), 60);
    assert_eq!(field(&a, "mod16"), 8);
}
