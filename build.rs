//! Names the fx build: `FX_BUILD` = `<version>+src.<16 hex digits>`, the
//! first 64 bits of a sha256 over the sources the commands are compiled
//! from (every file under `crates/*/src` and `bin/`, each crate's
//! `Cargo.toml`, the workspace `Cargo.toml`, `Cargo.lock` and `tools.json`),
//! path and bytes, in path order. Two builds of the same sources get the
//! same id on any machine; any change to what the binaries are made of
//! changes it. fx-ingest records it in the run manifest (`fx_build`), and
//! fx-diff names it as a cause when two runs differ.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

fn main() {
    let root = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let mut files = Vec::new();
    for top in ["Cargo.toml", "Cargo.lock", "tools.json", "bin"] {
        collect(&root, &root.join(top), &mut files);
    }
    let mut crates: Vec<PathBuf> = std::fs::read_dir(root.join("crates"))
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    crates.sort();
    for c in &crates {
        collect(&root, &c.join("Cargo.toml"), &mut files);
        collect(&root, &c.join("src"), &mut files);
    }
    files.sort();
    let mut h = Sha256::new();
    for (rel, path) in &files {
        let bytes = std::fs::read(path).unwrap_or_default();
        h.update((rel.len() as u64).to_be_bytes());
        h.update(rel.as_bytes());
        h.update((bytes.len() as u64).to_be_bytes());
        h.update(&bytes);
    }
    let digest = h.finalize();
    let hex: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    println!(
        "cargo:rustc-env=FX_BUILD={}+src.{hex}",
        std::env::var("CARGO_PKG_VERSION").unwrap_or_default()
    );
}

/// Adds `path` (a file, or every file under a directory) to `files` as
/// (path relative to `root` with `/` separators, path), and asks cargo to
/// rerun this script when it changes.
fn collect(root: &Path, path: &Path, files: &mut Vec<(String, PathBuf)>) {
    if !path.exists() {
        return;
    }
    println!("cargo:rerun-if-changed={}", path.display());
    let mut stack = vec![path.to_path_buf()];
    while let Some(p) = stack.pop() {
        if p.is_dir() {
            if let Ok(rd) = std::fs::read_dir(&p) {
                stack.extend(rd.filter_map(|e| e.ok().map(|e| e.path())));
            }
        } else if let Ok(rel) = p.strip_prefix(root) {
            let rel = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            files.push((rel, p));
        }
    }
}
