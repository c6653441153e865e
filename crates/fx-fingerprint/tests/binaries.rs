//! Light fingerprints of real binaries: from the system (Debian packages
//! `openssl`, `libssl3`, `openssh-client`) and small ones built here with
//! `cc` (a table-only AES program and a program statically linked with
//! `libcrypto.a` from `libssl-dev`). Nothing suspicious is committed: each
//! fixture is a path or a build command, and its sha256 is printed.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

use fx_fingerprint::binary::{self, candidates::Candidate};
use sha2::{Digest, Sha256};

fn read_fixture(path: &Path) -> Vec<u8> {
    let b =
        std::fs::read(path).unwrap_or_else(|e| panic!("fixture {} is needed: {e}", path.display()));
    println!(
        "fixture {} sha256:{}",
        path.display(),
        hex::encode(Sha256::digest(&b))
    );
    b
}

fn find<'a>(c: &'a [Candidate], name: &str) -> &'a Candidate {
    c.iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("no {name} candidate in {c:?}"))
}

/// Builds a C program with `cc`; `None` (with a message) when cc is absent.
fn build_c(dir: &Path, name: &str, source: &str, flags: &[&str]) -> PathBuf {
    let src = dir.join(format!("{name}.c"));
    std::fs::write(&src, source).unwrap();
    let out = dir.join(name);
    let status = Command::new("cc")
        .arg("-O1")
        .arg("-o")
        .arg(&out)
        .arg(&src)
        .args(flags)
        .status()
        .expect("cc is needed for this test (Debian: gcc, libc6-dev, libssl-dev)");
    assert!(status.success(), "cc {name} {flags:?} failed");
    out
}

#[test]
fn openssl_command_is_a_consumer_of_libssl() {
    let b = read_fixture(Path::new("/usr/bin/openssl"));
    let r = binary::light(&b);
    let o = find(&r.candidates, "openssl");
    assert_eq!(o.role, "consumer");
    assert!(o.evidence.contains(&"needed"));
    // exactly the undefined dynamic symbols binutils lists with OpenSSL's prefixes
    let sig = fx_fingerprint::binary::libraries::by_name("openssl").unwrap();
    let nm = Command::new("nm")
        .args(["-D", "--undefined-only", "/usr/bin/openssl"])
        .output()
        .expect("nm is needed (Debian: binutils)");
    assert!(nm.status.success());
    let undefined = String::from_utf8_lossy(&nm.stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().last())
        .map(|s| s.split('@').next().unwrap_or(s))
        .filter(|s| sig.symbol_prefixes.iter().any(|p| s.starts_with(p)))
        .count();
    assert_eq!(o.detail.imported_symbols, undefined);
    assert_eq!(o.detail.defined_symbols, 0);
    assert_eq!(o.confidence, 950);
}

#[test]
fn libcrypto_is_the_openssl_library_with_its_constants() {
    let b = read_fixture(Path::new("/usr/lib/x86_64-linux-gnu/libcrypto.so.3"));
    let r = binary::light(&b);
    let o = &r.candidates[0];
    assert_eq!((o.name, o.role), ("openssl", "library"));
    assert!(
        o.version.as_deref().is_some_and(|v| v.starts_with("3.")),
        "{:?}",
        o.version
    );
    assert!(o.evidence.contains(&"constants") && o.evidence.contains(&"strings"));
    assert_eq!(o.confidence, 950);
    // OpenSSL's assembly keeps its tables next to the code: every hit is
    // placed in a section, whichever it is
    assert!(r.scan.constants.iter().any(|h| h.name == "AES S-box"));
    assert!(r.scan.constants.iter().all(|h| h.section.is_some()));
    // deep evidence: AES-NI in the code of libcrypto
    let d = binary::deep(&b, &r);
    let ins = d.instructions.expect("x86-64 decodable");
    assert!(
        ins.extensions.iter().any(|e| e == "AES-NI"),
        "{:?}",
        ins.extensions
    );
}

#[test]
fn ssh_is_a_consumer_of_libcrypto() {
    let b = read_fixture(Path::new("/usr/bin/ssh"));
    let r = binary::light(&b);
    let o = find(&r.candidates, "openssl");
    assert_eq!(o.role, "consumer");
    assert_eq!(o.version.as_deref(), Some("3"));
}

const AES_TABLE_PROGRAM: &str = r#"
static const unsigned char sbox[32] = {
  0x63,0x7c,0x77,0x7b,0xf2,0x6b,0x6f,0xc5,0x30,0x01,0x67,0x2b,0xfe,0xd7,0xab,0x76,
  0xca,0x82,0xc9,0x7d,0xfa,0x59,0x47,0xf0,0xad,0xd4,0xa2,0xaf,0x9c,0xa4,0x72,0xc0};
int main(int argc, char **argv) { (void)argv; return sbox[argc & 31]; }
"#;

#[test]
fn a_static_program_with_an_aes_table_shows_the_constant_and_no_library() {
    let dir = tempfile::tempdir().unwrap();
    let exe = build_c(dir.path(), "aes_table", AES_TABLE_PROGRAM, &["-static"]);
    let b = read_fixture(&exe);
    let r = binary::light(&b);
    let info = r.object.as_ref().unwrap();
    assert!(info.statically_linked);
    let hit = r
        .scan
        .constants
        .iter()
        .find(|h| h.name == "AES S-box")
        .expect("S-box found");
    assert_eq!(hit.section.as_deref(), Some(".rodata"));
    assert!(r.candidates.iter().all(|c| c.role != "library"));
    assert_eq!(
        binary::heavy::gate(true, &r.candidates, true),
        binary::heavy::Gate::Run("constants_without_library")
    );
}

const SHA256_PROGRAM: &str = r#"
#include <openssl/sha.h>
#include <stdio.h>
int main(void) {
  unsigned char d[SHA256_DIGEST_LENGTH];
  SHA256((const unsigned char *)"fx", 2, d);
  printf("%02x\n", d[0]);
  return 0;
}
"#;

#[test]
fn a_program_statically_linked_with_libcrypto_is_a_static_copy() {
    if !Path::new("/usr/lib/x86_64-linux-gnu/libcrypto.a").exists() {
        panic!("libcrypto.a is needed (Debian: libssl-dev)");
    }
    let dir = tempfile::tempdir().unwrap();
    let exe = build_c(
        dir.path(),
        "sha256_static",
        SHA256_PROGRAM,
        &["-static", "-lcrypto", "-lpthread"],
    );
    let b = read_fixture(&exe);
    let r = binary::light(&b);
    let o = find(&r.candidates, "openssl");
    assert_eq!(o.role, "static_copy", "{o:?}");
    assert!(
        o.version.as_deref().is_some_and(|v| v.starts_with("3.")),
        "{o:?}"
    );
    assert!(o.evidence.contains(&"symbols") && o.evidence.contains(&"strings"));
    assert!(!o.evidence.contains(&"needed"));
}

/// This test program is itself a Rust binary built with RustCrypto crates
/// (sha2, aes, hkdf…): its registry paths and rustc commit are traces, and
/// the library table's marker strings it carries do not make it a copy of
/// every library in the table.
#[test]
fn a_rust_binary_shows_its_toolchain_and_rustcrypto_crates() {
    let exe = std::env::current_exe().unwrap();
    let b = read_fixture(&exe);
    let r = binary::light(&b);
    assert!(!r.scan.rustc_commits.is_empty());
    assert!(
        r.scan.crates.contains_key("sha2"),
        "{:?}",
        r.scan.crates.keys()
    );
    let rc = find(&r.candidates, "rustcrypto");
    assert_eq!(rc.role, "static_copy");
    assert!(
        rc.detail.crates.iter().any(|c| c.starts_with("sha2@0.")),
        "{:?}",
        rc.detail.crates
    );
    assert!(rc.detail.crates.iter().all(|c| !c.contains('\0')));
    for name in ["boringssl", "wolfssl", "nss", "botan", "liboqs"] {
        assert!(
            r.candidates.iter().all(|c| c.name != name),
            "marker-only {name} candidate"
        );
    }
}
