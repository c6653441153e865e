//! The hash/KDF audit is structurally unable to recover passwords (DESIGN §7):
//! no fx command offers a wordlist, dictionary, cracking, guessing or
//! brute-force option; fx-probe depends on no password-hashing implementation
//! crate; and the audit's source computes no digest at all.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

/// Words that would mean a recovery feature in an option name or description.
const FORBIDDEN_OPTION_WORDS: &[&str] = &[
    "wordlist",
    "word-list",
    "dictionary",
    "crack",
    "guess",
    "brute",
    "candidate",
    "mask",
    "rules",
];

/// Crates that implement password hashing (so could verify or recover a guess).
const FORBIDDEN_CRATES: &[&str] = &[
    "bcrypt",
    "bcrypt-pbkdf",
    "argon2",
    "rust-argon2",
    "pbkdf2",
    "scrypt",
    "password-hash",
    "sha-crypt",
    "pwhash",
    "yescrypt",
    "balloon-hash",
    "md5-crypt",
    "djangohashers",
];

fn fx_binaries() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir("bin")
        .expect("bin/")
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            e.file_name()
                .to_str()
                .and_then(|n| n.strip_suffix(".rs"))
                .map(str::to_owned)
        })
        .collect();
    names.sort();
    names
}

#[test]
fn no_command_offers_a_recovery_option() {
    let bins = fx_binaries();
    assert!(
        bins.iter().any(|b| b == "fx-probe"),
        "fx-probe binary listed: {bins:?}"
    );
    for name in &bins {
        let out = Command::new(assert_cmd::cargo::cargo_bin(name))
            .arg("--help")
            .output()
            .expect("run --help");
        let help = String::from_utf8_lossy(&out.stdout).to_lowercase()
            + &String::from_utf8_lossy(&out.stderr).to_lowercase();
        assert!(
            help.contains("usage"),
            "{name} --help prints a usage: {help}"
        );
        // Option lines: lines whose first non-blank character is '-'.
        for line in help.lines().filter(|l| l.trim_start().starts_with('-')) {
            for word in FORBIDDEN_OPTION_WORDS {
                assert!(
                    !line.contains(word),
                    "{name} --help offers a recovery-like option: {line:?}"
                );
            }
        }
        // Option names anywhere in the text.
        for token in help.split_whitespace().filter(|t| t.starts_with("--")) {
            for word in FORBIDDEN_OPTION_WORDS {
                assert!(!token.contains(word), "{name} --help names option {token}");
            }
        }
    }
}

/// The crates fx-probe is built with: `cargo tree -p fx-probe` with the
/// features fx-probe itself enables (normal and build dependencies, this
/// host's target). Cargo.lock is not the graph to walk: it lists a package's
/// dependencies with the features the whole workspace enables, so it names
/// pkcs8 → pkcs5 → pbkdf2/scrypt under fx-probe (through slh-dsa's pkcs8)
/// only because fx-inspect decrypts PKCS#8 files with pkcs8's `encryption`
/// feature.
fn fx_probe_crates() -> BTreeSet<String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let out = Command::new(cargo)
        .args([
            "tree",
            "--offline",
            "--locked",
            "-p",
            "fx-probe",
            "-e",
            "normal,build",
            "--prefix",
            "none",
            "--format",
            "{lib}|{p}",
        ])
        .output()
        .expect("cargo tree");
    assert!(
        out.status.success(),
        "cargo tree: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split('|').nth(1))
        .filter_map(|p| p.split_whitespace().next())
        .map(str::to_owned)
        .collect()
}

#[test]
fn fx_probe_depends_on_no_password_hashing_crate() {
    let manifest =
        std::fs::read_to_string("crates/fx-probe/Cargo.toml").expect("fx-probe manifest");
    for c in FORBIDDEN_CRATES {
        assert!(
            !manifest
                .lines()
                .any(|l| l.trim_start().starts_with(&format!("{c} "))
                    || l.trim_start().starts_with(&format!("{c}."))
                    || l.trim_start().starts_with(&format!("{c}="))),
            "crates/fx-probe/Cargo.toml names {c}"
        );
    }
    // Everything fx-probe is built with.
    let crates = fx_probe_crates();
    assert!(
        crates.contains("fx-probe") && crates.contains("fx-core"),
        "cargo tree lists fx-probe and its dependencies: {crates:?}"
    );
    for c in FORBIDDEN_CRATES {
        assert!(
            !crates.contains(*c),
            "fx-probe is built with password-hashing crate {c}"
        );
    }
    // And the fx-probe command as built for these tests (package fx, whose
    // other commands do pull pkcs5 in) links no function of such a crate:
    // no demangled symbol lies in `<crate>::`.
    let nm = Command::new("nm")
        .args(["-C", "--defined-only"])
        .arg(assert_cmd::cargo::cargo_bin("fx-probe"))
        .output()
        .expect("nm (binutils) on PATH");
    assert!(nm.status.success(), "nm fx-probe");
    let symbols = String::from_utf8_lossy(&nm.stdout);
    let mut linked = BTreeSet::new();
    for line in symbols.lines() {
        let name = line.splitn(3, ' ').nth(2).unwrap_or("");
        for c in FORBIDDEN_CRATES {
            let path = format!("{}::", c.replace('-', "_"));
            if name.starts_with(&path)
                || name.contains(&format!("<{path}"))
                || name.contains(&format!(" {path}"))
            {
                linked.insert(*c);
            }
        }
    }
    assert!(
        linked.is_empty(),
        "the fx-probe binary links password-hashing crates {linked:?}"
    );
    println!(
        "fx-probe is built with {} crates, none implements password hashing; its binary links none",
        crates.len()
    );
}

#[test]
fn the_audit_computes_no_digest() {
    let dir = Path::new("crates/fx-probe/src/hash_kdf");
    let mut files = 0;
    for entry in std::fs::read_dir(dir).expect("hash_kdf sources") {
        let path = entry.expect("entry").path();
        let src = std::fs::read_to_string(&path).expect("source");
        files += 1;
        for needle in [
            "use sha2",
            "use sha1",
            "use md5",
            "use md_5",
            "use hmac",
            "use pbkdf2",
            "use bcrypt",
            "use argon2",
            "use scrypt",
            "sha2::",
            "md5::",
            "::Digest",
            "Digest::",
            "hmac::",
            "pbkdf2_hmac",
            "hashpw",
            "verify_password",
        ] {
            assert!(
                !src.contains(needle),
                "{} mentions {needle}: the audit must not hash anything",
                path.display()
            );
        }
    }
    assert!(files >= 10, "hash_kdf sources found: {files}");
}
