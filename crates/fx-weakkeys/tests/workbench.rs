//! The workbench over a scratch run of keys made here from fixed primes:
//! each weakness found on the key built to have it (truth from how the key
//! was made, not from fx), a fine key without a record, the same bytes
//! whatever the artifact order, a hostile 1 MB modulus as a failure shape,
//! and no factor or private exponent in any file of the run.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

use base64::Engine as _;
use der::Encode;
use der::asn1::{AnyRef, BitStringRef, ObjectIdentifier, UintRef};
use fx_core::policy::Policy;
use fx_core::testing::{job_for, scratch_run};
use fx_weakkeys::{FINDINGS_FILE, Options, workbench};
use rug::Integer;
use rug::integer::{IsPrime, Order};
use sha2::{Digest, Sha256};

const RSA_OID: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");

/// A fixed pseudo-random number of `bits` bits (the top two set, so a
/// product of two has `2 * bits`), from SHA-256 of the seed.
fn fixed_random(bits: u32, seed: u64) -> Integer {
    let mut bytes = Vec::new();
    let mut i = 0u64;
    while bytes.len() * 8 < bits as usize {
        bytes.extend(Sha256::digest(
            [seed.to_be_bytes(), i.to_be_bytes()].concat(),
        ));
        i += 1;
    }
    let mut x = Integer::from_digits(&bytes, Order::Msf);
    x >>= (bytes.len() * 8) as u32 - bits;
    x.set_bit(bits - 1, true);
    x.set_bit(bits - 2, true);
    x
}

fn prime_near(bits: u32, seed: u64) -> Integer {
    fixed_random(bits, seed).next_prime()
}

fn be(n: &Integer) -> Vec<u8> {
    n.to_digits::<u8>(Order::Msf)
}

fn pkcs1(n: &Integer, e: &Integer) -> Vec<u8> {
    let (nb, eb) = (be(n), be(e));
    pkcs1::RsaPublicKey {
        modulus: UintRef::new(&nb).expect("n"),
        public_exponent: UintRef::new(&eb).expect("e"),
    }
    .to_der()
    .expect("pkcs1 der")
}

fn spki(n: &Integer, e: &Integer) -> Vec<u8> {
    let key = pkcs1(n, e);
    spki::SubjectPublicKeyInfoRef {
        algorithm: spki::AlgorithmIdentifierRef {
            oid: RSA_OID,
            parameters: Some(AnyRef::NULL),
        },
        subject_public_key: BitStringRef::from_bytes(&key).expect("bits"),
    }
    .to_der()
    .expect("spki der")
}

fn pem(label: &str, der: &[u8]) -> Vec<u8> {
    pem_rfc7468::encode_string(label, pem_rfc7468::LineEnding::LF, der)
        .expect("pem")
        .into_bytes()
}

fn ssh_rsa(n: &Integer, e: &Integer) -> Vec<u8> {
    let mut wire = Vec::new();
    let mpint = |b: Vec<u8>| {
        if b.first().is_some_and(|&x| x & 0x80 != 0) {
            [vec![0], b].concat()
        } else {
            b
        }
    };
    for s in [b"ssh-rsa".to_vec(), mpint(be(e)), mpint(be(n))] {
        wire.extend_from_slice(&(s.len() as u32).to_be_bytes());
        wire.extend_from_slice(&s);
    }
    format!(
        "ssh-rsa {} test@fx\n",
        base64::engine::general_purpose::STANDARD.encode(wire)
    )
    .into_bytes()
}

fn key_id(n: &Integer) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(be(n))))
}

/// A ROCA-style prime: k*M + (65537^a mod M), M the product of the first 39 primes.
fn roca_prime(bits: u32, seed: u64) -> Integer {
    let m = Integer::from(Integer::primorial(167));
    let g = Integer::from(65537)
        .pow_mod(&Integer::from(seed * 7919 + 11), &m)
        .expect("pow_mod");
    // k from 1.5 * 2^(bits-1) / M up: a product of two such primes has 2 * bits bits
    let mut k = (Integer::from(3) << (bits - 2)) / &m
        + fixed_random(bits - m.significant_bits() - 8, seed + 1000);
    loop {
        let p = Integer::from(&k * &m) + &g;
        if p.is_probably_prime(30) != IsPrime::No {
            return p;
        }
        k += 1;
    }
}

struct Fixture {
    /// (artifact name, bytes)
    artifacts: Vec<(String, Vec<u8>)>,
    /// expected: key id → weaknesses
    expected: BTreeMap<String, Vec<&'static str>>,
    /// key ids expected to have no record
    fine: Vec<String>,
    /// expected shared_with per key id
    shared: BTreeMap<String, Vec<String>>,
    /// values that must never be written
    secrets: Vec<Integer>,
    /// a blocklist entry (sha256 of a modulus)
    blocklist: Vec<String>,
    /// a public modulus stored as DER: the search for secrets must find it in its blob
    control: Integer,
}

fn fixture() -> Fixture {
    let e = Integer::from(65537);
    let p: Vec<Integer> = (1..=16).map(|s| prime_near(1024, s)).collect();
    let mut f = Fixture {
        artifacts: Vec::new(),
        expected: BTreeMap::new(),
        fine: Vec::new(),
        shared: BTreeMap::new(),
        secrets: p.clone(),
        blocklist: Vec::new(),
        control: Integer::new(),
    };
    let add = |f: &mut Fixture, name: &str, bytes: Vec<u8>| {
        f.artifacts.push((name.to_owned(), bytes));
    };
    // fine key, as SPKI PEM
    let fine = Integer::from(&p[0] * &p[1]);
    add(&mut f, "fine.pub.pem", pem("PUBLIC KEY", &spki(&fine, &e)));
    f.fine.push(key_id(&fine));
    // two moduli sharing p2
    let b = Integer::from(&p[2] * &p[3]);
    let c = Integer::from(&p[2] * &p[4]);
    add(&mut f, "b.rsa.pem", pem("RSA PUBLIC KEY", &pkcs1(&b, &e)));
    add(&mut f, "c.spki.der", spki(&c, &e));
    f.control = c.clone();
    // E shares both of its primes: with F (p5) and G (p6): gcd == N_E
    let ee = Integer::from(&p[5] * &p[6]);
    let ff = Integer::from(&p[5] * &p[7]);
    let gg = Integer::from(&p[6] * &p[8]);
    let mut bundle = pem("RSA PUBLIC KEY", &pkcs1(&ee, &e));
    bundle.extend(pem("RSA PUBLIC KEY", &pkcs1(&ff, &e)));
    add(&mut f, "efg.pem", bundle);
    add(&mut f, "g.pub", ssh_rsa(&gg, &e));
    for (k, others) in [
        (&b, vec![&c]),
        (&c, vec![&b]),
        (&ee, vec![&ff, &gg]),
        (&ff, vec![&ee]),
        (&gg, vec![&ee]),
    ] {
        f.expected.insert(key_id(k), vec!["shared_prime"]);
        let mut o: Vec<String> = others.into_iter().map(key_id).collect();
        o.sort();
        f.shared.insert(key_id(k), o);
    }
    // Fermat: q the next prime after p
    let fp = prime_near(1024, 100);
    let fq = Integer::from(&fp + 1).next_prime();
    let fermat = Integer::from(&fp * &fq);
    add(&mut f, "fermat.pem", pem("PUBLIC KEY", &spki(&fermat, &e)));
    f.expected.insert(key_id(&fermat), vec!["fermat"]);
    f.secrets.extend([fp, fq]);
    // small factor: 65521 times a 2033-bit prime (2049 bits in all)
    let big = prime_near(2033, 7);
    let sf = Integer::from(&big * 65521u32);
    add(
        &mut f,
        "smallfactor.pem",
        pem("RSA PUBLIC KEY", &pkcs1(&sf, &e)),
    );
    f.expected.insert(key_id(&sf), vec!["small_factor"]);
    f.secrets.push(big);
    // exponents
    let e3 = Integer::from(&p[9] * &p[10]);
    add(
        &mut f,
        "e3.pem",
        pem("RSA PUBLIC KEY", &pkcs1(&e3, &Integer::from(3))),
    );
    f.expected.insert(key_id(&e3), vec!["small_exponent"]);
    let eu = Integer::from(&p[11] * &p[12]);
    add(&mut f, "e65539.pub", ssh_rsa(&eu, &Integer::from(65539)));
    f.expected.insert(key_id(&eu), vec!["unusual_exponent"]);
    // too small: 1024 bits
    let s1 = prime_near(512, 3);
    let s2 = prime_near(512, 4);
    let small = Integer::from(&s1 * &s2);
    add(
        &mut f,
        "small.pem",
        pem("RSA PUBLIC KEY", &pkcs1(&small, &e)),
    );
    f.expected.insert(key_id(&small), vec!["too_small"]);
    f.secrets.extend([s1, s2]);
    // ROCA-style primes
    let r1 = roca_prime(1024, 1);
    let r2 = roca_prime(1024, 2);
    let roca = Integer::from(&r1 * &r2);
    add(&mut f, "roca.pem", pem("PUBLIC KEY", &spki(&roca, &e)));
    f.expected.insert(key_id(&roca), vec!["roca"]);
    f.secrets.extend([r1, r2]);
    // small private exponent (Wiener): d of 200 bits, e its inverse mod phi
    let phi = Integer::from(&p[13] - 1) * Integer::from(&p[14] - 1);
    let mut d = (Integer::from(1) << 200u32) + 1u32;
    while Integer::from(d.gcd_ref(&phi)) != 1 {
        d += 2;
    }
    let ew = d.clone().invert(&phi).expect("invertible");
    let nw = Integer::from(&p[13] * &p[14]);
    add(
        &mut f,
        "wiener.pem",
        pem("RSA PUBLIC KEY", &pkcs1(&nw, &ew)),
    );
    f.expected.insert(
        key_id(&nw),
        vec!["small_private_exponent", "unusual_exponent"],
    );
    f.secrets.push(d);
    // blocklisted: an otherwise fine key, listed by the SHA-256 of its modulus
    let bl = Integer::from(&p[15] * &prime_near(1024, 200));
    add(&mut f, "listed.pem", pem("PUBLIC KEY", &spki(&bl, &e)));
    f.expected.insert(key_id(&bl), vec!["blocklisted"]);
    f.blocklist.push(hex::encode(Sha256::digest(be(&bl))));
    // the same fine key again in another artifact: one key, two artifacts
    add(
        &mut f,
        "fine-again.rsa.pem",
        pem("RSA PUBLIC KEY", &pkcs1(&fine, &e)),
    );
    // EC: a real P-256 certificate (fine), its point with y changed (off
    // the curve), an X25519 key of order 2
    let cert = std::fs::read(repo().join("samples/pki/ec-p256.cert.pem")).expect("sample cert");
    add(&mut f, "ec.cert.pem", cert.clone());
    let (_, der) = pem_rfc7468::decode_vec(&cert).expect("cert pem");
    let spki_der = {
        use der::Decode;
        let c = x509_cert::Certificate::from_der(&der).expect("cert");
        c.tbs_certificate()
            .subject_public_key_info()
            .to_der()
            .expect("spki")
    };
    let mut bad = spki_der.clone();
    let last = bad.len() - 1;
    bad[last] ^= 0x01;
    add(&mut f, "ec-bad.pub.pem", pem("PUBLIC KEY", &bad));
    let point = &bad[bad.len() - 65..];
    f.expected.insert(
        format!("sha256:{}", hex::encode(Sha256::digest(point))),
        vec!["invalid_point"],
    );
    let mut x25519 = hex::decode("302a300506032b656e032100").expect("hex");
    x25519.extend([0u8; 32]);
    add(&mut f, "x25519-zero.der", x25519);
    f.expected.insert(
        format!("sha256:{}", hex::encode(Sha256::digest([0u8; 32]))),
        vec!["small_subgroup"],
    );
    f
}

fn repo() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn make_run(dir: &Path, artifacts: &[(String, Vec<u8>)]) -> fx_core::run::RunDir {
    let mut policy = Policy::default();
    policy.safety.heavy_work = true;
    let run = scratch_run(dir, policy).expect("scratch run");
    let mut lines = Vec::new();
    for (seq, (name, bytes)) in artifacts.iter().enumerate() {
        let job = job_for(&run, name, bytes, seq as u64).expect("job");
        serde_json::to_writer(&mut lines, &job).expect("job line");
        lines.push(b'\n');
    }
    std::fs::create_dir_all(dir.join("telemetry")).expect("telemetry");
    std::fs::write(dir.join("telemetry/jobs.jsonl"), lines).expect("jobs");
    run
}

fn records(dir: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(dir.join(FINDINGS_FILE))
        .expect("findings")
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect()
}

fn all_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read_dir").flatten() {
        let p = entry.path();
        if p.is_dir() {
            all_files(&p, out);
        } else {
            out.push(p);
        }
    }
}

#[test]
fn each_weakness_on_its_key_and_nothing_secret_written() {
    let f = fixture();
    let tmp = tempfile::tempdir().expect("tempdir");
    let run = make_run(tmp.path(), &f.artifacts);
    let options = Options {
        blocklist: f.blocklist.clone(),
        memory_cap: 0, // every product-tree level goes through a scratch file
    };
    let m = workbench(&run, &options).expect("workbench");
    let recs = records(tmp.path());
    let got: BTreeMap<String, Vec<String>> = recs
        .iter()
        .map(|r| {
            let w = r["weaknesses"]
                .as_array()
                .expect("weaknesses")
                .iter()
                .map(|x| x.as_str().expect("id").to_owned())
                .collect();
            (r["key"].as_str().expect("key").to_owned(), w)
        })
        .collect();
    let want: BTreeMap<String, Vec<String>> = f
        .expected
        .iter()
        .map(|(k, v)| (k.clone(), v.iter().map(|s| (*s).to_owned()).collect()))
        .collect();
    assert_eq!(got, want);
    for fine in &f.fine {
        assert!(!got.contains_key(fine), "the fine key got a record");
    }
    for r in &recs {
        let key = r["key"].as_str().expect("key");
        if let Some(others) = f.shared.get(key) {
            let listed: Vec<String> = r["shared_with"]
                .as_array()
                .expect("shared_with")
                .iter()
                .map(|x| x.as_str().expect("id").to_owned())
                .collect();
            assert_eq!(&listed, others, "shared_with of {key}");
        }
        assert_eq!(r["status"], "weak");
    }
    assert!(m.spilled_levels > 0, "memory cap 0 spills");
    assert_eq!(m.ec_keys, 3);
    assert_eq!(m.per_weakness.get("shared_prime"), Some(&5));
    // the fine key appears in two artifacts but is one key
    assert_eq!(m.rsa_keys as usize, 1 + 5 + 1 + 1 + 2 + 1 + 1 + 1 + 1);
    // no factor or private exponent, in decimal or hex (either case) or
    // as raw bytes, in any file of the run
    let mut files = Vec::new();
    all_files(tmp.path(), &mut files);
    assert!(files.len() > 20);
    // the search works: the public modulus is found in its blob
    let control = be(&f.control);
    assert!(files.iter().any(|path| {
        let bytes = std::fs::read(path).expect("read");
        bytes
            .windows(control.len())
            .any(|w| w == control.as_slice())
    }));
    for path in &files {
        let bytes = std::fs::read(path).expect("read");
        let text = String::from_utf8_lossy(&bytes).to_ascii_lowercase();
        for s in &f.secrets {
            let dec = s.to_string();
            let hexs = s.to_string_radix(16);
            assert!(
                !text.contains(&dec),
                "{} holds a secret (decimal)",
                path.display()
            );
            assert!(
                !text.contains(&hexs),
                "{} holds a secret (hex)",
                path.display()
            );
            let raw = be(s);
            assert!(
                !bytes.windows(raw.len()).any(|w| w == raw.as_slice()),
                "{} holds a secret (bytes)",
                path.display()
            );
        }
    }
    // no scratch file left
    assert!(
        !files
            .iter()
            .any(|p| p.to_string_lossy().contains(".spill-"))
    );
}

#[test]
fn same_bytes_whatever_the_order() {
    let f = fixture();
    let a = tempfile::tempdir().expect("tempdir");
    let b = tempfile::tempdir().expect("tempdir");
    let run_a = make_run(a.path(), &f.artifacts);
    let mut reversed = f.artifacts.clone();
    reversed.reverse();
    let run_b = make_run(b.path(), &reversed);
    let opts = Options {
        blocklist: f.blocklist.clone(),
        memory_cap: 1 << 30,
    };
    workbench(&run_a, &opts).expect("a");
    workbench(&run_b, &opts).expect("b");
    let fa = std::fs::read(a.path().join(FINDINGS_FILE)).expect("a findings");
    let fb = std::fs::read(b.path().join(FINDINGS_FILE)).expect("b findings");
    assert!(!fa.is_empty());
    assert_eq!(fa, fb);
}

#[test]
fn hostile_huge_modulus_is_a_failure_not_a_stall() {
    // a 1 MB modulus (8,388,608 bits) and a 20,000-bit exponent
    let mut n = Integer::from(1) << (8 * 1024 * 1024 - 1);
    n += 12345u32;
    let e_big = (Integer::from(1) << 20000u32) + 1u32;
    let normal = Integer::from(&prime_near(1024, 1) * &prime_near(1024, 2));
    let artifacts = vec![
        (
            "huge.pem".to_owned(),
            pem("RSA PUBLIC KEY", &pkcs1(&n, &Integer::from(65537))),
        ),
        (
            "bige.pem".to_owned(),
            pem("RSA PUBLIC KEY", &pkcs1(&normal, &e_big)),
        ),
    ];
    let tmp = tempfile::tempdir().expect("tempdir");
    let run = make_run(tmp.path(), &artifacts);
    let start = Instant::now();
    let m = workbench(&run, &Options::default()).expect("workbench");
    assert!(start.elapsed().as_secs() < 20, "the huge modulus stalled");
    assert_eq!(m.failed_keys, 2);
    assert_eq!(m.rsa_keys, 0);
    let recs = records(tmp.path());
    let mut failures: Vec<(&str, &str)> = recs
        .iter()
        .map(|r| {
            assert_eq!(r["status"], "failed");
            assert_eq!(r["weaknesses"].as_array().map(Vec::len), Some(0));
            (
                r["key"].as_str().expect("key"),
                r["failure"].as_str().expect("failure"),
            )
        })
        .collect();
    failures.sort();
    let mut want = [
        (key_id(&n), "modulus_too_large"),
        (key_id(&normal), "exponent_too_large"),
    ];
    want.sort();
    let want: Vec<(&str, &str)> = want.iter().map(|(k, w)| (k.as_str(), *w)).collect();
    assert_eq!(failures, want);
}

#[test]
fn an_empty_run_gives_an_empty_findings_file() {
    // the library runs on any run; the command checks the policy (tests/fx_weakkeys.rs)
    let tmp = tempfile::tempdir().expect("tempdir");
    let run = scratch_run(tmp.path(), Policy::default()).expect("run");
    assert!(!run.policy().safety.heavy_work);
    std::fs::create_dir_all(tmp.path().join("telemetry")).expect("dir");
    std::fs::write(tmp.path().join("telemetry/jobs.jsonl"), b"").expect("jobs");
    let m = workbench(&run, &Options::default()).expect("empty run");
    assert_eq!(m.rsa_keys + m.ec_keys, 0);
    assert_eq!(
        std::fs::read(tmp.path().join(FINDINGS_FILE)).expect("findings"),
        b""
    );
}
