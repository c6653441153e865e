//! Which crypto libraries fx finds in real ELF binaries, scored against a
//! truth it never produced.
//!
//! `tests/data/elf_libraries.tsv` lists installed Debian 12 binaries (every
//! package is in `pipelines/setup.sh`) with the libraries each one is, links
//! directly, or carries compiled in, and the oracle behind each: `readelf -d`
//! (NEEDED), `dpkg -S` (which package a file or a needed library comes
//! from), `apt-cache show` (Built-Using), the Go toolchain (`go version -m`,
//! `go list -deps`) and the packages' own documentation. The first test
//! re-derives the truth from those oracles, so the table cannot drift from
//! them; the second scores fx's light pass against it and prints precision
//! and recall per library:
//!
//! ```text
//! cargo test -p fx-fingerprint --test library_detection -- --nocapture
//! ```

#![allow(clippy::unwrap_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use fx_fingerprint::binary;

/// Debian binary packages that are (part of) a crypto library, by the
/// library's name in fx's table.
const PACKAGE_LIBRARY: &[(&str, &str)] = &[
    ("libssl3", "openssl"),
    ("android-libboringssl", "boringssl"),
    ("libgnutls30", "gnutls"),
    ("libnettle8", "nettle"),
    ("libhogweed6", "nettle"),
    ("libgcrypt20", "libgcrypt"),
    ("libnss3", "nss"),
    ("libsodium23", "libsodium"),
    ("libmbedcrypto7", "mbedtls"),
    ("libmbedtls14", "mbedtls"),
    ("libmbedx509-1", "mbedtls"),
    ("libwolfssl35", "wolfssl"),
    ("libtomcrypt1", "libtomcrypt"),
    ("libcrypt1", "libxcrypt"),
    ("libargon2-1", "libargon2"),
    ("libssh2-1", "libssh2"),
    ("libk5crypto3", "k5crypto"),
    ("libaprutil1", "apr-util"),
    ("putty-tools", "putty"),
];

/// Debian source packages named in Built-Using that are a crypto library.
const BUILT_USING_LIBRARY: &[(&str, &str)] = &[("golang-go.crypto", "go-crypto")];

/// Directories a needed soname is looked up in.
const LIBRARY_DIRS: &[&str] = &[
    "/usr/lib/x86_64-linux-gnu",
    "/lib/x86_64-linux-gnu",
    "/usr/lib/x86_64-linux-gnu/android",
];

/// What fx gets right and wrong today over the table (`cargo test … --
/// --nocapture` prints the per-library rows). A change that moves any of
/// these figures must update them, and docs/fx-fingerprint.md with them.
const TRUE_POSITIVES: usize = 44;
const FALSE_POSITIVES: &[(&str, &str)] = &[
    (
        "/usr/lib/x86_64-linux-gnu/android/libcrypto.so.0",
        "openssl",
    ),
    ("/usr/lib/x86_64-linux-gnu/android/libssl.so.0", "openssl"),
    ("/usr/lib/x86_64-linux-gnu/libssl3.so", "openssl"),
    ("/usr/lib/x86_64-linux-gnu/libwolfssl.so.35", "openssl"),
];
const FALSE_NEGATIVES: &[(&str, &str)] = &[
    (
        "/usr/lib/x86_64-linux-gnu/android/libcrypto.so.0",
        "boringssl",
    ),
    ("/usr/lib/x86_64-linux-gnu/android/libssl.so.0", "boringssl"),
    ("/usr/lib/x86_64-linux-gnu/libfreebl3.so", "nss"),
    ("/usr/lib/x86_64-linux-gnu/libtomcrypt.so.1", "libtomcrypt"),
    ("/usr/lib/x86_64-linux-gnu/libcrypt.so.1", "libxcrypt"),
    ("/usr/lib/x86_64-linux-gnu/libargon2.so.1", "libargon2"),
    ("/usr/lib/x86_64-linux-gnu/libssh2.so.1", "libssh2"),
    ("/usr/lib/x86_64-linux-gnu/libk5crypto.so.3", "k5crypto"),
    ("/usr/lib/x86_64-linux-gnu/libaprutil-1.so.0", "apr-util"),
    ("/usr/lib/x86_64-linux-gnu/libaprutil-1.so.0", "libxcrypt"),
    ("/usr/lib/x86_64-linux-gnu/libgit2.so.1.5", "libssh2"),
    ("/usr/lib/x86_64-linux-gnu/libgit2.so.1.5", "sha1dc"),
    ("/usr/lib/x86_64-linux-gnu/libcurl.so.4", "libssh2"),
    ("/usr/lib/x86_64-linux-gnu/libcryptsetup.so.12", "libargon2"),
    ("/usr/bin/ab", "apr-util"),
    ("/usr/lib/x86_64-linux-gnu/libcurl-gnutls.so.4", "libssh2"),
    ("/usr/lib/x86_64-linux-gnu/libwireshark.so.16", "k5crypto"),
    ("/usr/lib/x86_64-linux-gnu/libkrb5.so.3", "k5crypto"),
    ("/usr/lib/x86_64-linux-gnu/libgssapi_krb5.so.2", "k5crypto"),
    ("/usr/sbin/dropbear", "libtomcrypt"),
    ("/usr/sbin/dropbear", "libxcrypt"),
    ("/usr/bin/dbclient", "libtomcrypt"),
    ("/usr/bin/dropbearkey", "libtomcrypt"),
    ("/usr/bin/dropbearconvert", "libtomcrypt"),
    ("/usr/bin/perl", "libxcrypt"),
    ("/usr/lib/x86_64-linux-gnu/libperl.so.5.36", "libxcrypt"),
    (
        "/usr/lib/x86_64-linux-gnu/security/pam_unix.so",
        "libxcrypt",
    ),
    ("/usr/sbin/chpasswd", "libxcrypt"),
    ("/usr/bin/htpasswd", "apr-util"),
    ("/usr/bin/htpasswd", "libxcrypt"),
    ("/usr/bin/htdbm", "apr-util"),
    ("/usr/bin/htdbm", "libxcrypt"),
    ("/usr/bin/htdigest", "apr-util"),
    ("/usr/lib/go-1.19/pkg/tool/linux_amd64/buildid", "go-crypto"),
    ("/usr/lib/go-1.19/pkg/tool/linux_amd64/compile", "go-crypto"),
    ("/usr/lib/go-1.19/pkg/tool/linux_amd64/vet", "go-crypto"),
    ("/usr/bin/git", "sha1dc"),
    ("/usr/lib/git-core/git-remote-http", "sha1dc"),
    ("/usr/bin/puttygen", "putty"),
    ("/usr/bin/plink", "putty"),
    ("/usr/bin/pscp", "putty"),
    ("/usr/bin/psftp", "putty"),
    ("/usr/bin/psusan", "putty"),
];

struct Row {
    path: String,
    package: String,
    expected: BTreeSet<String>,
    oracle: Vec<String>,
}

fn table() -> Vec<Row> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/elf_libraries.tsv");
    let text = std::fs::read_to_string(&p).unwrap();
    let mut rows = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        assert_eq!(cols.len(), 4, "{}:{}: four columns", p.display(), n + 1);
        let expected = match cols[2] {
            "-" => BTreeSet::new(),
            libs => libs.split(',').map(str::to_string).collect(),
        };
        rows.push(Row {
            path: cols[0].to_string(),
            package: cols[1].to_string(),
            expected,
            oracle: cols[3].split(" ; ").map(str::to_string).collect(),
        });
    }
    rows
}

fn run(cmd: &mut Command) -> std::process::Output {
    let what = format!("{cmd:?}");
    cmd.env("LC_ALL", "C")
        .output()
        .unwrap_or_else(|e| panic!("{what}: {e} (Debian: binutils, dpkg, apt, golang-go)"))
}

/// The other spelling of a path under Debian's merged /usr (`dpkg -S` knows
/// each file by the path its package ships).
fn usrmerge_alias(path: &str) -> Option<String> {
    path.strip_prefix("/usr")
        .filter(|rest| {
            rest.starts_with("/lib/") || rest.starts_with("/bin/") || rest.starts_with("/sbin/")
        })
        .map(str::to_string)
        .or_else(|| {
            ["/lib/", "/bin/", "/sbin/"]
                .iter()
                .any(|p| path.starts_with(p))
                .then(|| format!("/usr{path}"))
        })
}

/// `dpkg -S` for many paths at once: path (as asked) → package.
fn dpkg_owners(paths: &[String]) -> BTreeMap<String, String> {
    let mut ask: Vec<String> = Vec::new();
    for p in paths {
        ask.push(p.clone());
        ask.extend(usrmerge_alias(p));
    }
    // exit status 1 when some path (an alias) is unknown: the others still print
    let out = run(Command::new("dpkg").arg("-S").args(&ask));
    let mut by_path = BTreeMap::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let Some((pkgs, path)) = line.split_once(": ") else {
            continue;
        };
        if pkgs.starts_with("diversion by") {
            continue;
        }
        let pkg = pkgs.split(", ").next().unwrap();
        let pkg = pkg.split(':').next().unwrap().to_string();
        by_path.insert(path.to_string(), pkg);
    }
    paths
        .iter()
        .filter_map(|p| {
            let owner = by_path
                .get(p)
                .or_else(|| usrmerge_alias(p).and_then(|a| by_path.get(&a)))?;
            Some((p.clone(), owner.clone()))
        })
        .collect()
}

fn readelf_needed(path: &str) -> Vec<String> {
    let out = run(Command::new("readelf").args(["-dW", path]));
    assert!(out.status.success(), "readelf -d {path}");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| l.contains("(NEEDED)"))
        .filter_map(|l| {
            let (_, rest) = l.split_once('[')?;
            Some(rest.split_once(']')?.0.to_string())
        })
        .collect()
}

fn soname_path(soname: &str) -> Option<String> {
    LIBRARY_DIRS
        .iter()
        .map(|d| Path::new(d).join(soname))
        .find(|p| p.exists())
        .map(|p| p.to_string_lossy().into_owned())
}

fn library_of_package(pkg: &str) -> Option<&'static str> {
    PACKAGE_LIBRARY
        .iter()
        .find(|(p, _)| *p == pkg)
        .map(|(_, l)| *l)
}

/// `go version -m` names the main package; `go list -deps` its crypto imports.
fn go_list_crypto(path: &str, import_path: &str, gotmp: &Path) -> bool {
    let go = |args: &[&str]| {
        let out = run(Command::new("go")
            .args(args)
            .env("GOCACHE", gotmp.join("cache"))
            .env("GOPATH", gotmp.join("path"))
            .env("GOFLAGS", "")
            .env("HOME", gotmp));
        assert!(
            out.status.success(),
            "go {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let version = go(&["version", "-m", path]);
    assert!(
        version
            .lines()
            .any(|l| l.split('\t').collect::<Vec<_>>() == ["", "path", import_path]),
        "go version -m {path} does not name {import_path}: {version}"
    );
    go(&["list", "-deps", import_path]).lines().any(|p| {
        p.starts_with("crypto/")
            || p.starts_with("golang.org/x/crypto/")
            || p.starts_with("vendor/golang.org/x/crypto/")
    })
}

fn doc_says(file: &str, text: &str) -> bool {
    let out = run(Command::new("zcat").args(["-f", file]));
    assert!(out.status.success(), "zcat -f {file}");
    String::from_utf8_lossy(&out.stdout).contains(text)
}

#[test]
fn the_table_agrees_with_its_oracles() {
    let rows = table();
    let gotmp = tempfile::tempdir().unwrap();
    let paths: Vec<String> = rows.iter().map(|r| r.path.clone()).collect();
    let owners = dpkg_owners(&paths);
    let mut sonames: BTreeSet<String> = BTreeSet::new();
    let needed: Vec<Vec<String>> = rows.iter().map(|r| readelf_needed(&r.path)).collect();
    for n in needed.iter().flatten() {
        sonames.insert(n.clone());
    }
    let soname_paths: BTreeMap<String, String> = sonames
        .iter()
        .filter_map(|s| Some((s.clone(), soname_path(s)?)))
        .collect();
    let soname_owners = dpkg_owners(&soname_paths.values().cloned().collect::<Vec<_>>());
    let soname_library = |s: &str| {
        soname_paths
            .get(s)
            .and_then(|p| soname_owners.get(p))
            .and_then(|pkg| library_of_package(pkg))
    };
    let built_using = {
        let pkgs: BTreeSet<&str> = rows
            .iter()
            .filter(|r| r.oracle.iter().any(|o| o.starts_with("built-using ")))
            .map(|r| r.package.as_str())
            .collect();
        let mut m: BTreeMap<String, String> = BTreeMap::new();
        for pkg in pkgs {
            let out = run(Command::new("apt-cache").args(["show", "--no-all-versions", pkg]));
            assert!(out.status.success(), "apt-cache show {pkg}");
            let text = String::from_utf8_lossy(&out.stdout).into_owned();
            let field = text
                .lines()
                .find_map(|l| l.strip_prefix("Built-Using: "))
                .unwrap_or("")
                .to_string();
            m.insert(pkg.to_string(), field);
        }
        m
    };

    let mut problems = Vec::new();
    for (row, needed) in rows.iter().zip(&needed) {
        let owner = owners.get(&row.path).map(String::as_str);
        if owner != Some(row.package.as_str()) {
            problems.push(format!(
                "{}: dpkg -S says {owner:?}, the table {}",
                row.path, row.package
            ));
        }
        let mut truth: BTreeSet<String> = BTreeSet::new();
        for token in &row.oracle {
            let mut parts = token.splitn(2, ' ');
            let kind = parts.next().unwrap();
            let arg = parts.next().unwrap_or("");
            match kind {
                "none" => {}
                "self" => match library_of_package(&row.package) {
                    Some(lib) => {
                        truth.insert(lib.to_string());
                    }
                    None => problems.push(format!(
                        "{}: self, but {} is no library package",
                        row.path, row.package
                    )),
                },
                "needed" => match (needed.iter().any(|n| n == arg), soname_library(arg)) {
                    (true, Some(lib)) => {
                        truth.insert(lib.to_string());
                    }
                    (has, lib) => problems.push(format!(
                        "{}: needed {arg}: in NEEDED {has}, library {lib:?}",
                        row.path
                    )),
                },
                "built-using" => {
                    let field = built_using
                        .get(&row.package)
                        .map(String::as_str)
                        .unwrap_or("");
                    let lib = BUILT_USING_LIBRARY
                        .iter()
                        .find(|(s, _)| *s == arg)
                        .map(|(_, l)| *l);
                    match lib {
                        Some(lib)
                            if field.split(", ").any(|e| e.split(' ').next() == Some(arg)) =>
                        {
                            truth.insert(lib.to_string());
                        }
                        _ => problems
                            .push(format!("{}: Built-Using {field:?} lacks {arg}", row.path)),
                    }
                }
                "go-list" => {
                    if go_list_crypto(&row.path, arg, gotmp.path()) {
                        truth.insert("go-crypto".to_string());
                    }
                }
                "doc" => {
                    let mut p = arg.splitn(3, ' ');
                    let (lib, file, text) = (
                        p.next().unwrap(),
                        p.next().unwrap_or(""),
                        p.next().unwrap_or(""),
                    );
                    if doc_says(file, text) {
                        truth.insert(lib.to_string());
                    } else {
                        problems.push(format!("{}: {file} does not say {text:?}", row.path));
                    }
                }
                other => problems.push(format!("{}: unknown oracle {other}", row.path)),
            }
        }
        // completeness: every NEEDED crypto library, and the file's own
        // package, must be in the truth whatever the row's tokens say
        for n in needed {
            if let Some(lib) = soname_library(n) {
                if !row.oracle.iter().any(|o| o == &format!("needed {n}")) {
                    problems.push(format!(
                        "{}: NEEDED {n} ({lib}) has no oracle token",
                        row.path
                    ));
                }
            }
        }
        if library_of_package(&row.package).is_some() && !row.oracle.iter().any(|o| o == "self") {
            problems.push(format!(
                "{}: {} is a library package: self is missing",
                row.path, row.package
            ));
        }
        if truth != row.expected {
            problems.push(format!(
                "{}: the oracles say {truth:?}, the table {:?}",
                row.path, row.expected
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[derive(Default)]
struct Score {
    tp: usize,
    fp: usize,
    fn_: usize,
}

fn ratio(n: usize, d: usize) -> f64 {
    if d == 0 { 1.0 } else { n as f64 / d as f64 }
}

#[test]
fn precision_and_recall_over_the_table() {
    let rows = table();
    let mut per_lib: BTreeMap<String, Score> = BTreeMap::new();
    let mut false_pos: Vec<(String, String)> = Vec::new();
    let mut false_neg: Vec<(String, String)> = Vec::new();
    for row in &rows {
        let bytes = std::fs::read(&row.path)
            .unwrap_or_else(|e| panic!("{} ({}) is needed: {e}", row.path, row.package));
        let report = binary::light(&bytes);
        let found: BTreeSet<String> = report
            .candidates
            .iter()
            .map(|c| c.name.to_string())
            .collect();
        for lib in found.union(&row.expected) {
            let s = per_lib.entry(lib.clone()).or_default();
            match (found.contains(lib), row.expected.contains(lib)) {
                (true, true) => s.tp += 1,
                (true, false) => {
                    s.fp += 1;
                    false_pos.push((row.path.clone(), lib.clone()));
                }
                _ => {
                    s.fn_ += 1;
                    false_neg.push((row.path.clone(), lib.clone()));
                }
            }
        }
    }
    let (tp, fp, fn_) = per_lib
        .values()
        .fold((0, 0, 0), |a, s| (a.0 + s.tp, a.1 + s.fp, a.2 + s.fn_));
    let negatives = rows.iter().filter(|r| r.expected.is_empty()).count();
    println!(
        "{} binaries ({negatives} with no crypto library), {} expected (binary, library) pairs",
        rows.len(),
        tp + fn_
    );
    println!(
        "{:<12} {:>4} {:>4} {:>4} {:>9} {:>7}",
        "library", "TP", "FP", "FN", "precision", "recall"
    );
    for (lib, s) in &per_lib {
        println!(
            "{lib:<12} {:>4} {:>4} {:>4} {:>9.3} {:>7.3}",
            s.tp,
            s.fp,
            s.fn_,
            ratio(s.tp, s.tp + s.fp),
            ratio(s.tp, s.tp + s.fn_)
        );
    }
    println!(
        "{:<12} {tp:>4} {fp:>4} {fn_:>4} {:>9.3} {:>7.3}",
        "all",
        ratio(tp, tp + fp),
        ratio(tp, tp + fn_)
    );
    for (p, l) in &false_pos {
        println!("false positive: {p}: {l}");
    }
    for (p, l) in &false_neg {
        println!("false negative: {p}: {l}");
    }
    let owned = |v: &[(&str, &str)]| -> Vec<(String, String)> {
        v.iter()
            .map(|(p, l)| (p.to_string(), l.to_string()))
            .collect()
    };
    assert_eq!(false_pos, owned(FALSE_POSITIVES), "false positives changed");
    assert_eq!(false_neg, owned(FALSE_NEGATIVES), "false negatives changed");
    assert_eq!(tp, TRUE_POSITIVES, "true positives changed");
}
