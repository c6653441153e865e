//! Conformance: every file of the five IETF PQC hackathon provider zips
//! (`../shared/conformance/pqc-certificates` next to the repository, or
//! `$FX_PQC_CONFORMANCE`)
//! gets the algorithm and OID its file name states — certificates and
//! public keys by their SPKI, private keys by their PKCS#8 algorithm,
//! `_ciphertext.bin` by size (the stated algorithm must be among the
//! candidate regions: sizes collide, e.g. FrodoKEM-976-AES/-SHAKE).
//!
//! Files whose bytes carry no algorithm are exceptions, listed with the
//! reason: `_ss.bin` (a 32-byte shared secret), `.raw` (bare seeds and raw
//! composite private keys: no identifier, sizes shared by all three ML-DSA
//! sets).
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::io::Read;
use std::path::PathBuf;

use fx_inspect::{InspectConfig, events, inspect};
use serde_json::Value;

fn dir() -> PathBuf {
    std::env::var_os("FX_PQC_CONFORMANCE")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../../../shared/conformance/pqc-certificates")
        })
}

/// Dotted OIDs written in a file name.
fn oids_in_name(name: &str) -> Vec<String> {
    name.split(|c: char| !(c.is_ascii_digit() || c == '.'))
        .map(|t| t.trim_matches('.'))
        .filter(|t| t.matches('.').count() >= 3 && t.split('.').all(|p| !p.is_empty()))
        .map(str::to_owned)
        .collect()
}

fn triage(events: &[fx_core::Event]) -> Value {
    let t = events.iter().find(|e| e.step == "triage").unwrap();
    serde_json::to_value(t.conclusion.as_ref().unwrap()).unwrap()
}

/// Every algorithm OID the inspection read (SPKI, signature, alt algorithms, components).
fn all_oids(events: &[fx_core::Event]) -> Vec<String> {
    let mut out = Vec::new();
    let s = serde_json::to_string(events).unwrap();
    for tok in s.split('"') {
        if tok.matches('.').count() >= 3
            && tok
                .split('.')
                .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
        {
            out.push(tok.to_owned());
        }
    }
    out
}

#[test]
fn every_conformance_file_gets_its_stated_algorithm() {
    let d = dir();
    if !d.is_dir() {
        eprintln!("conformance data not found at {}: skipped", d.display());
        return;
    }
    let cfg = InspectConfig::default();
    let mut zips: Vec<PathBuf> = std::fs::read_dir(&d)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "zip"))
        .collect();
    zips.sort();
    assert_eq!(zips.len(), 5, "expected the five provider zips");
    let (mut tried, mut matched) = (0usize, 0usize);
    let mut failures: Vec<String> = Vec::new();
    let mut exceptions: BTreeMap<&'static str, usize> = BTreeMap::new();
    for z in &zips {
        let mut archive = zip::ZipArchive::new(std::fs::File::open(z).unwrap()).unwrap();
        for i in 0..archive.len() {
            let mut f = archive.by_index(i).unwrap();
            if f.is_dir() {
                continue;
            }
            let path = f.name().to_owned();
            let name = path.rsplit('/').next().unwrap().to_owned();
            let mut bytes = Vec::new();
            f.read_to_end(&mut bytes).unwrap();
            if name.ends_with("_ss.bin") {
                *exceptions
                    .entry("_ss.bin: 32-byte shared secret, no algorithm in the bytes")
                    .or_default() += 1;
                continue;
            }
            if name.ends_with(".raw") {
                *exceptions
                    .entry(".raw: bare seed / raw composite key, no identifier")
                    .or_default() += 1;
                continue;
            }
            let stated = oids_in_name(&name);
            assert!(!stated.is_empty(), "no OID in {name}");
            tried += 1;
            let ins = inspect(&bytes, &cfg);
            let evs = events(&ins, &cfg);
            let t = triage(&evs);
            let ok = if name.ends_with("_ciphertext.bin") {
                let alg = fx_formats::oids::name(&stated[0]).unwrap_or("?");
                t["regions"].as_array().into_iter().flatten().any(|r| {
                    r["kind"] == "kem_ciphertext"
                        && r["algorithm"] == alg
                        && r["length"] == bytes.len()
                }) || {
                    // The cap may have dropped it; the regions event lists what was dropped.
                    serde_json::to_string(&evs)
                        .unwrap()
                        .contains(&format!("\"algorithm\":\"{alg}\""))
                }
            } else if stated.len() > 1 {
                let seen = all_oids(&evs);
                stated.iter().all(|o| seen.contains(o))
            } else {
                let want_name = fx_formats::oids::name(&stated[0]);
                t["oid"] == stated[0].as_str()
                    && want_name.is_some()
                    && t["algorithm"] == want_name.unwrap()
                    && !t["failures"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .any(|f| f == "bad_length" || f == "unknown_oid")
            };
            // Composite certificates also get their components as regions.
            let composite = fx_formats::oids::lookup(&stated[0]).is_some_and(|e| {
                matches!(
                    e.kind,
                    fx_formats::oids::OidKind::CompositeSignature
                        | fx_formats::oids::OidKind::CompositeKem
                )
            });
            let ok = ok
                && (!(composite && (name.ends_with("_ta.der") || name.ends_with("_ee.der")))
                    || t["regions"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .any(|r| r["source"] == "composite"));
            if ok {
                matched += 1;
            } else {
                failures.push(format!("{path}: stated {stated:?}, got {t}"));
            }
        }
    }
    println!("pqc conformance coverage: {matched} files matched / {tried} files tried");
    for (why, n) in &exceptions {
        println!("  exception ({n} files): {why}");
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(matched, tried);
}

/// A DER TLV.
fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let n = content.len();
    if n < 0x80 {
        out.push(n as u8);
    } else {
        let bytes: Vec<u8> = n
            .to_be_bytes()
            .into_iter()
            .skip_while(|b| *b == 0)
            .collect();
        out.push(0x80 | bytes.len() as u8);
        out.extend(bytes);
    }
    out.extend_from_slice(content);
    out
}

/// A dotted OID's DER content (X.690 §8.19).
fn oid_content(dotted: &str) -> Vec<u8> {
    let arcs: Vec<u64> = dotted.split('.').map(|a| a.parse().unwrap()).collect();
    let mut out = Vec::new();
    for arc in std::iter::once(arcs[0] * 40 + arcs[1]).chain(arcs[2..].iter().copied()) {
        let mut groups = vec![(arc & 0x7f) as u8];
        let mut rest = arc >> 7;
        while rest > 0 {
            groups.push((rest & 0x7f) as u8 | 0x80);
            rest >>= 7;
        }
        groups.reverse();
        out.extend(groups);
    }
    out
}

/// A PKCS#8 v1 `PrivateKeyInfo` of `oid` (no parameters) holding `key`.
fn pkcs8(oid: &str, key: &[u8]) -> Vec<u8> {
    let mut body = vec![0x02, 0x01, 0x00];
    body.extend(tlv(0x30, &tlv(0x06, &oid_content(oid))));
    body.extend(tlv(0x04, key));
    tlv(0x30, &body)
}

/// The files of one provider zip, by file name.
fn zip_files(zip_name: &str) -> Option<BTreeMap<String, Vec<u8>>> {
    let path = dir().join(zip_name);
    if !path.is_file() {
        eprintln!("{} not found: skipped", path.display());
        return None;
    }
    let mut archive = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut out = BTreeMap::new();
    for i in 0..archive.len() {
        let mut f = archive.by_index(i).unwrap();
        if f.is_dir() {
            continue;
        }
        let name = f.name().rsplit('/').next().unwrap().to_owned();
        let mut bytes = Vec::new();
        f.read_to_end(&mut bytes).unwrap();
        out.insert(name, bytes);
    }
    Some(out)
}

/// The triage conclusion of inspecting `bytes`, and every event as JSON text.
fn inspected(bytes: &[u8]) -> (Value, String) {
    let cfg = InspectConfig::default();
    let evs = events(&inspect(bytes, &cfg), &cfg);
    (triage(&evs), serde_json::to_string(&evs).unwrap())
}

fn failures(t: &Value) -> Vec<String> {
    t["failures"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| f.as_str().unwrap().to_owned())
        .collect()
}

/// NTRU (round 3) keys are held to the submission's sizes: BouncyCastle's
/// three NTRU end-entity certificates carry public keys of exactly the
/// specification's public-key bytes (930, 1230, 1138); a PKCS#8 private key
/// of each of the four sets is clean at the specification's secret-key
/// bytes (raw or in an OCTET STRING) and `bad_length`, naming the expected
/// size, one byte short. The sizes here are the specification's table, not
/// fx's.
#[test]
fn ntru_keys_have_the_round_3_sizes() {
    let Some(bc) = zip_files("bc-artifacts_certs_r5.zip") else {
        return;
    };
    // (OID, name, public key, secret key): NTRU round-3 submission.
    let spec = [
        ("1.3.6.1.4.1.22554.5.5.1", "NTRU-HPS-2048-509", 699, 935),
        ("1.3.6.1.4.1.22554.5.5.2", "NTRU-HPS-2048-677", 930, 1234),
        ("1.3.6.1.4.1.22554.5.5.3", "NTRU-HPS-4096-821", 1230, 1590),
        ("1.3.6.1.4.1.22554.5.5.4", "NTRU-HRSS-701", 1138, 1450),
    ];
    let mut certificates = 0;
    for (name, bytes) in &bc {
        let Some(&(_, alg, pk, _)) = spec.iter().find(|s| name.contains(s.0)) else {
            continue;
        };
        let (t, all) = inspected(bytes);
        assert_eq!(t["algorithm"], alg, "{name}");
        assert!(failures(&t).is_empty(), "{name}: {t}");
        assert!(
            all.contains(&format!("\"expected_len\":{pk},\"key_len\":{pk}")),
            "{name}: {all}"
        );
        certificates += 1;
    }
    assert_eq!(certificates, 3, "BC's three NTRU certificates");
    for (oid, alg, _, sk) in spec {
        let raw = vec![0x5a; sk];
        for key in [raw.clone(), tlv(0x04, &raw)] {
            let (t, _) = inspected(&pkcs8(oid, &key));
            assert_eq!(t["algorithm"], alg);
            assert!(failures(&t).is_empty(), "{alg}: {t}");
        }
        let (t, all) = inspected(&pkcs8(oid, &raw[1..]));
        assert_eq!(failures(&t), ["bad_length"], "{alg}: {t}");
        assert!(
            all.contains(&format!("expected {sk} bytes, found {}", sk - 1)),
            "{all}"
        );
    }
}

/// Composite ML-DSA private keys (draft-ietf-lamps-pq-composite-sigs: the
/// 32-byte ML-DSA seed, then the traditional private key): every composite
/// `_priv.der` of BouncyCastle, the reference implementation and
/// leancrypto reads clean (and so does each of BC's composite ML-KEM keys:
/// the 64-byte ML-KEM seed, then the traditional key), an RSA component's modulus has the size the
/// composite names; the reference implementation's `.raw` keys, wrapped
/// here in PKCS#8 (byte-identical to its `_priv.der`), then altered, give
/// the shape the alteration makes.
#[test]
fn composite_private_keys_are_a_seed_and_a_traditional_key() {
    let (mut clean, mut kem) = (0, 0);
    for zip_name in [
        "bc-artifacts_certs_r5.zip",
        "composite-sigs-ref-impl-artifacts_certs_r5.zip",
        "leancrypto-artifacts_certs_r5.zip",
    ] {
        let Some(files) = zip_files(zip_name) else {
            return;
        };
        for (name, bytes) in &files {
            let upper = name.to_ascii_uppercase();
            if !(name.ends_with("_priv.der") && name.contains("1.3.6.1.5.5.7.6.")) {
                continue;
            }
            kem += usize::from(upper.contains("MLKEM"));
            let (t, _) = inspected(bytes);
            assert!(failures(&t).is_empty(), "{zip_name} {name}: {t}");
            if let Some(bits) = upper.split("-RSA").nth(1).and_then(|r| r.get(..4)) {
                assert_eq!(t["key_bits"], bits.parse::<u64>().unwrap(), "{name}");
            }
            clean += 1;
        }
    }
    assert_eq!(
        (clean - kem, kem),
        (18 + 18 + 3, 12),
        "composite ML-DSA (and BC's ML-KEM) private keys of the three providers"
    );

    let Some(reference) = zip_files("composite-sigs-ref-impl-artifacts_certs_r5.zip") else {
        return;
    };
    let raw = |stem: &str| -> (String, Vec<u8>) {
        let (name, bytes) = reference
            .iter()
            .find(|(n, _)| {
                n.starts_with(&format!("id-{stem}-1.3.6.1.5.5.7.6.")) && n.ends_with("_priv.raw")
            })
            .unwrap();
        let oid = oids_in_name(name).remove(0);
        let der = &reference[&name.replace(".raw", ".der")];
        assert_eq!(&pkcs8(&oid, bytes), der, "the wrapper rebuilds {name}");
        (oid, bytes.clone())
    };
    let shape = |oid: &str, key: &[u8]| -> (Vec<String>, String) {
        let (t, all) = inspected(&pkcs8(oid, key));
        (failures(&t), all)
    };
    let (p256, ec) = raw("MLDSA65-ECDSA-P256-SHA512");
    let (_, brainpool) = raw("MLDSA65-ECDSA-brainpoolP256r1-SHA512");
    let (ed_oid, ed) = raw("MLDSA44-Ed25519-SHA512");
    let (rsa2048, rsa) = raw("MLDSA44-RSA2048-PSS-SHA256");
    let (_, rsa3072) = raw("MLDSA65-RSA3072-PSS-SHA512");

    // The ECPrivateKey cut short, or followed by a byte.
    assert_eq!(shape(&p256, &ec[..ec.len() - 1]).0, ["truncated"]);
    let mut longer = ec.clone();
    longer.push(0);
    assert_eq!(shape(&p256, &longer).0, ["trailing_data"]);
    // Another curve's key under the P-256 composite.
    let mut other_curve = ec[..32].to_vec();
    other_curve.extend_from_slice(&brainpool[32..]);
    assert_eq!(shape(&p256, &other_curve).0, ["invalid_value"]);
    // A 3072-bit RSA key under the RSA2048 composite.
    let mut big = rsa[..32].to_vec();
    big.extend_from_slice(&rsa3072[32..]);
    let (f, all) = shape(&rsa2048, &big);
    assert_eq!(f, ["invalid_value"]);
    assert!(all.contains("3072-bit modulus"), "{all}");
    // The traditional part is no SEQUENCE.
    let mut not_der = rsa[..32].to_vec();
    not_der.extend(tlv(0x04, &rsa[36..]));
    assert_eq!(shape(&rsa2048, &not_der).0, ["bad_tag"]);
    // A SEQUENCE that is no RSAPrivateKey.
    let mut not_rsa = rsa[..32].to_vec();
    not_rsa.extend(tlv(0x30, &[0x05, 0x00]));
    assert_eq!(shape(&rsa2048, &not_rsa).0, ["malformed_header"]);
    // The Ed25519 key one byte short; the seed alone.
    assert_eq!(shape(&ed_oid, &ed[..63]).0, ["bad_length"]);
    let (f, all) = shape(&ed_oid, &ed[..32]);
    assert_eq!(f, ["bad_length"]);
    assert!(
        all.contains("leave nothing after the 32-byte ML-DSA-44 seed"),
        "{all}"
    );
    // ML-DSA-44's expanded private key (FIPS 204: 2560 bytes) where the seed belongs.
    let mut expanded = vec![0x11; 2560];
    expanded.extend_from_slice(&ed[32..]);
    let (f, all) = shape(&ed_oid, &expanded);
    assert_eq!(f, ["bad_length"]);
    assert!(
        all.contains("expanded ML-DSA-44 private key (2560 bytes)"),
        "{all}"
    );
}
