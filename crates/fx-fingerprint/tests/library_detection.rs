//! Which crypto libraries fx finds in real ELF binaries, scored against a
//! truth it never produced.
//!
//! `tests/data/elf_libraries.tsv` lists installed Debian 12 binaries (every
//! package is in `pipelines/setup.sh`) with the libraries each one is, links
//! directly, or carries compiled in, and the oracle behind each: `readelf -d`
//! (NEEDED), `dpkg -S` (which package a file or a needed library comes
//! from), `apt-cache show` (Built-Using), the Go toolchain (`go version -m`,
//! `go list -deps`) and the packages' own documentation. Each expected
//! library carries the role the oracles give it: `library` (the file's
//! package is the library and the file has a soname), `consumer` (NEEDED)
//! or `static_copy` (compiled in). The first test re-derives the truth from
//! those oracles, so the table cannot drift from them; the second scores
//! fx's light pass against it and prints precision and recall per library,
//! and how many roles agree:
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
    ("libgnutls-openssl27", "gnutls"),
    ("libbotan-2-19", "botan"),
    ("libcrypto++8", "cryptopp"),
];

/// Debian source packages named in Built-Using or X-Cargo-Built-Using
/// (what a Go or Rust package compiled in) that are a crypto library.
const BUILT_USING_LIBRARY: &[(&str, &str)] = &[
    ("golang-go.crypto", "go-crypto"),
    ("rust-ring", "ring"),
    ("rust-rustls", "rustls"),
    ("rust-sha1collisiondetection", "sha1dc"),
];

/// Directories a needed soname is looked up in.
const LIBRARY_DIRS: &[&str] = &[
    "/usr/lib/x86_64-linux-gnu",
    "/lib/x86_64-linux-gnu",
    "/usr/lib/x86_64-linux-gnu/android",
];

/// What fx gets right and wrong today over the table (`cargo test … --
/// --nocapture` prints the per-library rows). A change that moves any of
/// these figures must update them, and docs/fx-fingerprint.md with them.
const TRUE_POSITIVES: usize = 102;
const FALSE_POSITIVES: &[(&str, &str)] = &[];
const FALSE_NEGATIVES: &[(&str, &str)] = &[];
/// Found with another role than the oracle's: (path, library, fx's role).
const ROLE_MISMATCHES: &[(&str, &str, &str)] = &[];

struct Row {
    path: String,
    package: String,
    /// Library name → role (`library`, `consumer`, `static_copy`).
    expected: BTreeMap<String, String>,
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
            "-" => BTreeMap::new(),
            libs => libs
                .split(',')
                .map(|l| {
                    let (name, role) = l
                        .split_once(':')
                        .unwrap_or_else(|| panic!("{}:{}: library:role", p.display(), n + 1));
                    (name.to_string(), role.to_string())
                })
                .collect(),
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

/// `readelf -d`: the NEEDED libraries and whether the file has a SONAME.
fn readelf_dynamic(path: &str) -> (Vec<String>, bool) {
    let out = run(Command::new("readelf").args(["-dW", path]));
    assert!(out.status.success(), "readelf -d {path}");
    let text = String::from_utf8_lossy(&out.stdout);
    let needed = text
        .lines()
        .filter(|l| l.contains("(NEEDED)"))
        .filter_map(|l| {
            let (_, rest) = l.split_once('[')?;
            Some(rest.split_once(']')?.0.to_string())
        })
        .collect();
    (needed, text.contains("(SONAME)"))
}

/// Adds a library with a role; where several oracles speak, the file being
/// the library wins over linking it, and linking it over a compiled-in copy.
fn put_role(truth: &mut BTreeMap<String, String>, lib: &str, role: &str) {
    let rank = |r: &str| {
        ["static_copy", "consumer", "library"]
            .iter()
            .position(|x| *x == r)
    };
    let old = truth.get(lib).map(String::as_str);
    if old.is_none_or(|o| rank(role) > rank(o)) {
        truth.insert(lib.to_string(), role.to_string());
    }
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
    let dynamic: Vec<(Vec<String>, bool)> = rows.iter().map(|r| readelf_dynamic(&r.path)).collect();
    for n in dynamic.iter().flat_map(|d| &d.0) {
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
                .filter_map(|l| {
                    l.strip_prefix("Built-Using: ")
                        .or_else(|| l.strip_prefix("X-Cargo-Built-Using: "))
                })
                .collect::<Vec<_>>()
                .join(", ");
            m.insert(pkg.to_string(), field);
        }
        m
    };

    let mut problems = Vec::new();
    for (row, (needed, has_soname)) in rows.iter().zip(&dynamic) {
        let owner = owners.get(&row.path).map(String::as_str);
        if owner != Some(row.package.as_str()) {
            problems.push(format!(
                "{}: dpkg -S says {owner:?}, the table {}",
                row.path, row.package
            ));
        }
        // library: the file is it (its package is the library and it has a
        // soname); consumer: it links it; static_copy: compiled in
        let mut truth: BTreeMap<String, String> = BTreeMap::new();
        for token in &row.oracle {
            let mut parts = token.splitn(2, ' ');
            let kind = parts.next().unwrap();
            let arg = parts.next().unwrap_or("");
            match kind {
                "none" => {}
                "self" => match library_of_package(&row.package) {
                    Some(lib) => {
                        let role = if *has_soname {
                            "library"
                        } else {
                            "static_copy"
                        };
                        put_role(&mut truth, lib, role);
                    }
                    None => problems.push(format!(
                        "{}: self, but {} is no library package",
                        row.path, row.package
                    )),
                },
                "needed" => match (needed.iter().any(|n| n == arg), soname_library(arg)) {
                    (true, Some(lib)) => put_role(&mut truth, lib, "consumer"),
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
                            put_role(&mut truth, lib, "static_copy");
                        }
                        _ => problems
                            .push(format!("{}: Built-Using {field:?} lacks {arg}", row.path)),
                    }
                }
                "go-list" => {
                    if go_list_crypto(&row.path, arg, gotmp.path()) {
                        put_role(&mut truth, "go-crypto", "static_copy");
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
                        put_role(&mut truth, lib, "static_copy");
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
            if let Some(lib) = soname_library(n)
                && !row.oracle.iter().any(|o| o == &format!("needed {n}"))
            {
                problems.push(format!(
                    "{}: NEEDED {n} ({lib}) has no oracle token",
                    row.path
                ));
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
    let mut role_mismatches: Vec<(String, String, String)> = Vec::new();
    let mut roles_right = 0;
    for row in &rows {
        let bytes = std::fs::read(&row.path)
            .unwrap_or_else(|e| panic!("{} ({}) is needed: {e}", row.path, row.package));
        let report = binary::light(&bytes);
        let found: BTreeSet<String> = report
            .candidates
            .iter()
            .map(|c| c.name.to_string())
            .collect();
        let expected: BTreeSet<String> = row.expected.keys().cloned().collect();
        for lib in found.union(&expected) {
            let s = per_lib.entry(lib.clone()).or_default();
            match (found.contains(lib), expected.contains(lib)) {
                (true, true) => {
                    s.tp += 1;
                    let role = report
                        .candidates
                        .iter()
                        .find(|c| c.name == lib.as_str())
                        .map_or("", |c| c.role);
                    if row.expected.get(lib).map(String::as_str) == Some(role) {
                        roles_right += 1;
                    } else {
                        role_mismatches.push((row.path.clone(), lib.clone(), role.to_string()));
                    }
                }
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
    println!("role as the oracle says: {roles_right}/{tp}");
    for (p, l, r) in &role_mismatches {
        println!("role mismatch: {p}: {l} is {r}");
    }
    let owned = |v: &[(&str, &str)]| -> Vec<(String, String)> {
        v.iter()
            .map(|(p, l)| (p.to_string(), l.to_string()))
            .collect()
    };
    assert_eq!(false_pos, owned(FALSE_POSITIVES), "false positives changed");
    assert_eq!(false_neg, owned(FALSE_NEGATIVES), "false negatives changed");
    assert_eq!(tp, TRUE_POSITIVES, "true positives changed");
    let roles: Vec<(String, String, String)> = ROLE_MISMATCHES
        .iter()
        .map(|(p, l, r)| (p.to_string(), l.to_string(), r.to_string()))
        .collect();
    assert_eq!(role_mismatches, roles, "roles changed");
}
