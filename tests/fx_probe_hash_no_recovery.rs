//! The hash/KDF audit is structurally unable to recover passwords (DESIGN §7):
//! no fx command offers a wordlist, dictionary, cracking, guessing or
//! brute-force option; fx-probe depends on no password-hashing implementation
//! crate; and the audit's source computes no digest at all.

use std::collections::{BTreeMap, BTreeSet};
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

/// Parses Cargo.lock into name → dependency names (versions dropped).
fn lock_graph() -> BTreeMap<String, Vec<String>> {
    let text = std::fs::read_to_string("Cargo.lock").expect("Cargo.lock");
    let mut graph: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for block in text.split("[[package]]").skip(1) {
        let mut name = None;
        let mut deps = Vec::new();
        let mut in_deps = false;
        for line in block.lines() {
            let l = line.trim();
            if let Some(n) = l.strip_prefix("name = ") {
                name = Some(n.trim_matches('"').to_owned());
            } else if l.starts_with("dependencies = [") {
                in_deps = true;
            } else if in_deps && l == "]" {
                in_deps = false;
            } else if in_deps {
                let dep = l.trim_matches(|c| c == '"' || c == ',');
                if let Some(d) = dep.split_whitespace().next() {
                    deps.push(d.to_owned());
                }
            }
        }
        if let Some(n) = name {
            graph.entry(n).or_default().extend(deps);
        }
    }
    graph
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
    // Everything fx-probe can reach through Cargo.lock (a superset of what it links).
    let graph = lock_graph();
    assert!(graph.contains_key("fx-probe"), "fx-probe in Cargo.lock");
    let mut seen = BTreeSet::new();
    let mut todo = vec!["fx-probe".to_owned()];
    while let Some(n) = todo.pop() {
        if seen.insert(n.clone()) {
            todo.extend(graph.get(&n).cloned().unwrap_or_default());
        }
    }
    for c in FORBIDDEN_CRATES {
        assert!(
            !seen.contains(*c),
            "fx-probe reaches password-hashing crate {c}"
        );
    }
    println!(
        "fx-probe dependency closure: {} crates, none implements password hashing",
        seen.len()
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
