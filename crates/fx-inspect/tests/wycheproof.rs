//! Failure shapes on Wycheproof's vectors (`../shared/conformance/wycheproof/
//! testvectors_v1` next to the repository, or `$FX_WYCHEPROOF`): every
//! vector of the ECDSA P-256 DER signature file, the ECDH P-256/P-384 and
//! X25519 PEM key files, the ML-DSA SPKI/PKCS#8 keys and the ML-KEM
//! encapsulation keys (wrapped in an SPKI) goes through `inspect`, and its
//! flags and comment — which name the defect Wycheproof put in — say which
//! DESIGN §9 shape the triage conclusion must hold (`Shape`), or that it
//! must hold none (`Clean`: a valid vector, or a defect of the values that
//! no encoding shows, such as r ≥ n). Vectors whose file-level shape depends
//! on how a reader walks the bytes are not scored (`Unscored`); they must
//! still not panic. The table is docs/fx-inspect.md's "Wycheproof flags →
//! failure shape"; docs/accuracy.md's corpus uses the same rules.
//!
//! The counts are exact: a change in either direction fails the test.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::path::PathBuf;

use fx_inspect::{InspectConfig, events, inspect};
use serde_json::Value;

fn dir() -> PathBuf {
    std::env::var_os("FX_WYCHEPROOF")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../../../shared/conformance/wycheproof/testvectors_v1")
        })
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Expect {
    Shape(&'static str),
    Clean,
    Unscored,
}

use Expect::*;

/// The shape of an encoding defect, by the vector's comment (the rules of
/// the `InvalidEncoding`/`InvalidPem`/`BerEncodedSignature` vectors).
fn encoding_shape(comment: &str) -> Expect {
    let c = comment;
    let of = |prefix: &str, suffix: &str| c.starts_with(prefix) && c.ends_with(suffix);
    if of("length of ", " uses long form encoding")
        || of("length of ", " contains a leading 0")
        || c == "indefinite length"
    {
        return Shape("ber_not_der");
    }
    if matches!(
        c,
        "appending unused 0's to sequence [r, s]" | "appending garbage to sequence [r, s]"
    ) {
        return Shape("trailing_data");
    }
    if matches!(
        c,
        "lonely sequence tag"
            | "truncated length of sequence [r, s]"
            | "length of sequence [r, s] = 2**31 - 1"
    ) {
        return Shape("truncated");
    }
    if c.starts_with("length of ")
        && ["= 2**31", "= 2**32 - 1", "= 2**40 - 1", "= 2**64 - 1"]
            .iter()
            .any(|s| c.ends_with(s))
        || c.starts_with("uint32 overflow in length of ")
        || c.starts_with("uint64 overflow in length of ")
    {
        return Shape("length_overflow");
    }
    // An inner element claiming 2**31 - 1 bytes is longer than its parent;
    // "sequence" alone is ambiguous (the outer one or the AlgorithmIdentifier).
    if c.starts_with("length of ") && c.ends_with("= 2**31 - 1") && !c.contains("sequence") {
        return Shape("length_overflow");
    }
    if c.starts_with("changing tag value of ") {
        return Shape("bad_tag");
    }
    if matches!(
        c,
        "128 unused bits"
            | "unused bits in empty bit-string"
            | "declaring bits as unused in bit string"
    ) {
        return Shape("bad_bit_string");
    }
    if matches!(
        c,
        "prepending 0's to r"
            | "prepending 0's to s"
            | "dropping value of r"
            | "dropping value of s"
    ) {
        return Shape("invalid_value");
    }
    Unscored
}

/// ECDSA-Sig-Value vectors (`sig`, DER).
fn ecdsa_shape(flags: &[String], comment: &str, result: &str) -> Expect {
    let has = |f: &str| flags.iter().any(|x| x == f);
    if has("BerEncodedSignature") {
        return Shape("ber_not_der");
    }
    if has("InvalidEncoding") {
        // The signature's only indefinite-length element is the outer one,
        // so garbage after its end-of-contents follows the whole signature
        // (in the key files the comment may mean the AlgorithmIdentifier).
        if comment == "indefinite length with garbage" {
            return Shape("trailing_data");
        }
        return encoding_shape(comment);
    }
    if has("InvalidTypesInSignature") {
        return Shape("bad_tag");
    }
    if has("MissingZero") {
        return Shape("invalid_value");
    }
    // Values: a negative or zero r or s is out of range on every curve and
    // visible in the encoding; r, s ≥ n needs the curve and is not a shape.
    if let Some(values) = comment.strip_prefix("Signature with special case values ") {
        return if ["r=0 ", "r=-1 ", "s=0", "s=-1"]
            .iter()
            .any(|v| values.contains(v) && (v.starts_with('r') || values.ends_with(v)))
        {
            Shape("invalid_value")
        } else {
            Clean
        };
    }
    if comment == "s == 0"
        || comment.starts_with("replacing r with zero")
        || comment.starts_with("replacing s with zero")
    {
        return Shape("invalid_value");
    }
    if let Some(expr) = comment
        .strip_prefix("replaced r by ")
        .or_else(|| comment.strip_prefix("replaced s by "))
    {
        if expr == "infinity" {
            return Shape("bad_tag");
        }
        // Negative: "-r", "-n - r", "r - n", "s - 2**256" (r, s < n < 2**256).
        return if expr.starts_with('-') || expr.starts_with("r - ") || expr.starts_with("s - ") {
            Shape("invalid_value")
        } else {
            Clean
        };
    }
    if has("ModifiedSignature") {
        return match comment {
            c if c.starts_with("changing tag value of ") => Shape("bad_tag"),
            "Replacing r with NULL" | "Replacing s with NULL" => Shape("bad_tag"),
            "leading ff in r" | "leading ff in s" => Shape("invalid_value"),
            _ => Unscored,
        };
    }
    let _ = result;
    Clean
}

/// Curves fx names (DESIGN §9): a valid key on one of them must be clean.
const NAMED: &[&str] = &[
    "secp224r1",
    "secp256r1",
    "secp384r1",
    "secp521r1",
    "secp256k1",
    "brainpoolP224r1",
    "brainpoolP256r1",
    "brainpoolP320r1",
    "brainpoolP384r1",
    "brainpoolP512r1",
];

/// EC SPKI vectors (`public`, PEM).
fn ecdh_shape(flags: &[String], comment: &str) -> Expect {
    let has = |f: &str| flags.iter().any(|x| x == f);
    if has("InvalidPem") {
        return encoding_shape(comment);
    }
    if has("InvalidEncoding") {
        // The one vector: a BIT STRING holding no point.
        return if comment.is_empty() {
            Shape("bad_length")
        } else {
            Unscored
        };
    }
    if has("UnnamedCurve") {
        // Explicit parameters with a modified prime, order, cofactor…: no §9 shape.
        return Unscored;
    }
    if has("InvalidCurveAttack") || has("ModifiedPublicPoint") || has("InvalidCompressedPublic") {
        return Shape("point_not_on_curve");
    }
    if has("WrongCurve") {
        if let Some(curve) = comment.strip_prefix("Public key uses wrong curve: ") {
            // A valid key on the curve its SPKI names.
            return if NAMED.contains(&curve) {
                Clean
            } else {
                Unscored
            };
        }
        // "invalid point of order 2 on secp256k1", "low order point on twist".
        return Shape("point_not_on_curve");
    }
    Clean
}

fn der_len(n: usize) -> Vec<u8> {
    if n < 0x80 {
        vec![n as u8]
    } else if n < 0x100 {
        vec![0x81, n as u8]
    } else {
        vec![0x82, (n >> 8) as u8, n as u8]
    }
}

fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut v = vec![tag];
    v.extend(der_len(content.len()));
    v.extend(content);
    v
}

/// An SPKI around a raw ML-KEM encapsulation key.
fn mlkem_spki(set: u8, ek: &[u8]) -> Vec<u8> {
    let oid = [
        0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x04, set,
    ];
    let alg = tlv(0x30, &oid);
    let mut bits = vec![0u8];
    bits.extend(ek);
    let mut body = alg;
    body.extend(tlv(0x03, &bits));
    tlv(0x30, &body)
}

/// A PKCS#8 OneAsymmetricKey holding an ML-DSA seed (`[0] IMPLICIT OCTET STRING`).
fn mldsa_seed_pkcs8(set: &str, seed: &[u8]) -> Vec<u8> {
    let last = match set {
        "44" => 0x11,
        "65" => 0x12,
        _ => 0x13,
    };
    let oid = [
        0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x03, last,
    ];
    let mut body = vec![0x02, 0x01, 0x00];
    body.extend(tlv(0x30, &oid));
    body.extend(tlv(0x04, &tlv(0x80, seed)));
    tlv(0x30, &body)
}

fn failures(bytes: &[u8]) -> Vec<String> {
    let cfg = InspectConfig::default();
    let evs = events(&inspect(bytes, &cfg), &cfg);
    let t = serde_json::to_value(evs.last().unwrap().conclusion.as_ref().unwrap()).unwrap();
    t["failures"]
        .as_array()
        .map(|a| a.iter().map(|v| v.as_str().unwrap().to_owned()).collect())
        .unwrap_or_default()
}

fn load(name: &str) -> Value {
    serde_json::from_slice(&std::fs::read(dir().join(name)).unwrap()).unwrap()
}

fn tests(d: &Value) -> impl Iterator<Item = (&Value, &Value)> {
    d["testGroups"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|g| g["tests"].as_array().unwrap().iter().map(move |t| (g, t)))
}

fn flags(t: &Value) -> Vec<String> {
    t["flags"]
        .as_array()
        .map(|a| a.iter().map(|f| f.as_str().unwrap().to_owned()).collect())
        .unwrap_or_default()
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len() / 2)
        .map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap())
        .collect()
}

#[derive(Default)]
struct Tally {
    /// (family, expectation) → (n, hits, hits where the shape is the only one)
    rows: BTreeMap<(&'static str, String), (usize, usize, usize)>,
    misses: Vec<String>,
}

impl Tally {
    fn score(&mut self, family: &'static str, id: String, expect: Expect, bytes: &[u8]) {
        let got = failures(bytes);
        let (key, hit) = match expect {
            Shape(s) => (s.to_owned(), got.iter().any(|g| g == s)),
            Clean => ("clean".to_owned(), got.is_empty()),
            Unscored => ("unscored".to_owned(), true),
        };
        let sole = hit && got.len() <= 1;
        let e = self.rows.entry((family, key.clone())).or_default();
        e.0 += 1;
        e.2 += usize::from(sole);
        if hit {
            e.1 += 1;
        } else {
            self.misses
                .push(format!("{family} {id}: expected {key}, got {got:?}"));
        }
    }
}

#[test]
fn wycheproof_vectors_map_to_their_failure_shapes() {
    if !dir().is_dir() {
        eprintln!(
            "Wycheproof vectors not found at {}: skipped",
            dir().display()
        );
        return;
    }
    let mut t = Tally::default();
    let d = load("ecdsa_secp256r1_sha256_test.json");
    for (_, v) in tests(&d) {
        let e = ecdsa_shape(
            &flags(v),
            v["comment"].as_str().unwrap(),
            v["result"].as_str().unwrap(),
        );
        let id = format!("tc{} {:?} {}", v["tcId"], flags(v), v["comment"]);
        t.score("ecdsa_p256_sig", id, e, &unhex(v["sig"].as_str().unwrap()));
    }
    for (file, fam) in [
        ("ecdh_secp256r1_pem_test.json", "ecdh_p256_spki"),
        ("ecdh_secp384r1_pem_test.json", "ecdh_p384_spki"),
    ] {
        let d = load(file);
        for (_, v) in tests(&d) {
            let e = ecdh_shape(&flags(v), v["comment"].as_str().unwrap());
            let id = format!("tc{} {:?} {}", v["tcId"], flags(v), v["comment"]);
            t.score(fam, id, e, v["public"].as_str().unwrap().as_bytes());
        }
    }
    let d = load("x25519_pem_test.json");
    for (_, v) in tests(&d) {
        let id = format!("tc{}", v["tcId"]);
        t.score(
            "x25519_spki",
            id.clone(),
            Clean,
            v["public"].as_str().unwrap().as_bytes(),
        );
        t.score(
            "x25519_pkcs8",
            id,
            Clean,
            v["private"].as_str().unwrap().as_bytes(),
        );
    }
    for set in ["44", "65", "87"] {
        let d = load(&format!("mldsa_{set}_verify_test.json"));
        for (i, g) in d["testGroups"].as_array().unwrap().iter().enumerate() {
            let bad = g["tests"]
                .as_array()
                .unwrap()
                .iter()
                .any(|v| flags(v).iter().any(|f| f == "IncorrectPublicKeyLength"));
            let e = if bad { Shape("bad_length") } else { Clean };
            t.score(
                "mldsa_spki",
                format!("{set} group {i}"),
                e,
                &unhex(g["publicKeyDer"].as_str().unwrap()),
            );
        }
        let d = load(&format!("mldsa_{set}_sign_seed_test.json"));
        for (i, g) in d["testGroups"].as_array().unwrap().iter().enumerate() {
            let k = g["privateKeyPkcs8"].as_str().unwrap_or("");
            // Groups with a seed of the wrong size carry no PKCS#8: the seed
            // is put in one (the seed form), as a key file would hold it.
            let der = if k.is_empty() {
                mldsa_seed_pkcs8(set, &unhex(g["privateSeed"].as_str().unwrap_or("")))
            } else {
                unhex(k)
            };
            let bad = g["tests"]
                .as_array()
                .unwrap()
                .iter()
                .any(|v| flags(v).iter().any(|f| f == "IncorrectPrivateKeyLength"));
            let e = if bad { Shape("bad_length") } else { Clean };
            t.score("mldsa_pkcs8", format!("{set} group {i}"), e, &der);
        }
    }
    for (set, oid) in [("512", 1u8), ("768", 2), ("1024", 3)] {
        let d = load(&format!("mlkem_{set}_encaps_test.json"));
        for (_, v) in tests(&d) {
            let comment = v["comment"].as_str().unwrap_or("");
            let e = if flags(v).iter().any(|f| f == "ModulusOverflow")
                || comment == "Public key not reduced"
            {
                Shape("unreduced_coefficient")
            } else if comment.starts_with("Public key is too") {
                Shape("bad_length")
            } else if v["result"] == "valid" {
                Clean
            } else {
                Unscored
            };
            let id = format!("{set} tc{} {comment}", v["tcId"]);
            t.score(
                "mlkem_spki",
                id,
                e,
                &mlkem_spki(oid, &unhex(v["ek"].as_str().unwrap())),
            );
        }
    }

    let mut table = String::from("family/expected                         n   hits   sole\n");
    let (mut n, mut hits, mut sole) = (0, 0, 0);
    for ((fam, key), (rn, rh, rs)) in &t.rows {
        table += &format!("{:<38} {rn:>4} {rh:>6} {rs:>6}\n", format!("{fam}/{key}"));
        if key != "unscored" {
            n += rn;
            hits += rh;
            sole += rs;
        }
    }
    table += &format!("scored: {hits}/{n} (the expected shape alone: {sole})\n");
    eprintln!("{table}");
    for m in t.misses.iter().take(60) {
        eprintln!("miss: {m}");
    }
    let got: Vec<(String, usize, usize, usize)> = t
        .rows
        .iter()
        .map(|((f, k), (rn, rh, rs))| (format!("{f}/{k}"), *rn, *rh, *rs))
        .collect();
    let want: Vec<(String, usize, usize, usize)> = EXPECTED
        .iter()
        .map(|(k, rn, rh, rs)| ((*k).to_owned(), *rn, *rh, *rs))
        .collect();
    assert_eq!(got, want, "\n{table}");
}

/// (family/expectation, vectors, hits, hits with no other shape): exact.
const EXPECTED: &[(&str, usize, usize, usize)] = &[
    ("ecdh_p256_spki/bad_bit_string", 3, 3, 3),
    ("ecdh_p256_spki/bad_length", 1, 1, 1),
    ("ecdh_p256_spki/bad_tag", 25, 25, 19),
    ("ecdh_p256_spki/ber_not_der", 12, 12, 12),
    ("ecdh_p256_spki/clean", 342, 342, 342),
    ("ecdh_p256_spki/length_overflow", 28, 28, 28),
    ("ecdh_p256_spki/point_not_on_curve", 26, 26, 26),
    ("ecdh_p256_spki/truncated", 2, 2, 1),
    ("ecdh_p256_spki/unscored", 173, 173, 145),
    ("ecdh_p384_spki/bad_bit_string", 3, 3, 3),
    ("ecdh_p384_spki/bad_length", 1, 1, 1),
    ("ecdh_p384_spki/bad_tag", 25, 25, 19),
    ("ecdh_p384_spki/ber_not_der", 12, 12, 12),
    ("ecdh_p384_spki/clean", 784, 784, 784),
    ("ecdh_p384_spki/length_overflow", 28, 28, 28),
    ("ecdh_p384_spki/point_not_on_curve", 19, 19, 19),
    ("ecdh_p384_spki/truncated", 2, 2, 1),
    ("ecdh_p384_spki/unscored", 173, 173, 145),
    ("ecdsa_p256_sig/bad_tag", 82, 82, 80),
    ("ecdsa_p256_sig/ber_not_der", 7, 7, 7),
    ("ecdsa_p256_sig/clean", 237, 237, 237),
    ("ecdsa_p256_sig/invalid_value", 45, 45, 45),
    ("ecdsa_p256_sig/length_overflow", 20, 20, 20),
    ("ecdsa_p256_sig/trailing_data", 3, 3, 1),
    ("ecdsa_p256_sig/truncated", 3, 3, 3),
    ("ecdsa_p256_sig/unscored", 87, 87, 60),
    ("mldsa_pkcs8/bad_length", 9, 9, 9),
    ("mldsa_pkcs8/clean", 103, 103, 103),
    ("mldsa_spki/bad_length", 12, 12, 12),
    ("mldsa_spki/clean", 66, 66, 66),
    ("mlkem_spki/bad_length", 60, 60, 60),
    ("mlkem_spki/clean", 399, 399, 399),
    ("mlkem_spki/unreduced_coefficient", 336, 336, 336),
    ("x25519_pkcs8/clean", 518, 518, 518),
    ("x25519_spki/clean", 518, 518, 518),
];
