//! The tool inventory (DESIGN §6): which external tools this run may use,
//! exactly which binaries they are, and the toolchain hash that names them.
//!
//! The profile's tools are listed once, in `tools.json` at the repository
//! root; the Nix flake reads the same file (`builtins.fromJSON`) to put the
//! tools on the wrapper's environment, and this module compiles it in. For
//! each tool, [`discover`] resolves the binary:
//!
//! 1. from the environment variable `FX_TOOL_<NAME>` (upper case, `-` → `_`)
//!    when it is set: a path to the binary, or to a package directory holding
//!    `bin/<binary>` (a Nix store path); set but empty means "absent"
//!    (a way to switch a tool off);
//! 2. otherwise from `PATH`, at ingest time only.
//!
//! It then records the first line of the tool's version output (run with a
//! cleared environment and a short timeout) and the `sha256:` of the binary
//! file with symlinks resolved. Later commands run tools through the
//! inventory's recorded path, never through `PATH` ([`crate::tool`]).
//!
//! The toolchain hash is the canonical hash of the whole inventory without
//! its `toolchain_hash` field: the tools, the linked library versions
//! (`liboqs`, read from `Cargo.lock` at build time), the fx build (version
//! plus a digest of `Cargo.lock`), and the `flake.lock` hash when the run was
//! made from the flake (`FX_FLAKE_LOCK_SHA256` or `fx-ingest --flake-lock`).

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::run::{ToolEntry, ToolInventory};

/// `tools.json`, compiled in: the one list of the profile's external tools.
pub const TOOLS_JSON: &str = include_str!("../../../tools.json");

/// The workspace `Cargo.lock`, compiled in: source of the linked library
/// versions and of the fx build id.
const CARGO_LOCK: &str = include_str!("../../../Cargo.lock");

/// Format tag of `tool_inventory.json`.
pub const INVENTORY_FORMAT: &str = "inventory/1";

/// Environment variable carrying the `sha256:` (or bare hex) of `flake.lock`.
pub const FLAKE_LOCK_ENV: &str = "FX_FLAKE_LOCK_SHA256";

/// How long a version query may take before the tool counts as absent.
const VERSION_TIMEOUT: Duration = Duration::from_secs(10);

/// Bytes of version output kept (only the first line is recorded).
const VERSION_CAP: u64 = 64 * 1024;

/// `tools.json` as a whole.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ToolList {
    /// Format tag, `tools/1`.
    pub fx: String,
    /// The tools, sorted by name.
    pub tools: Vec<ToolSpec>,
}

/// One external tool of the profile, as listed in `tools.json`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ToolSpec {
    /// Inventory name (`openssl`, `tshark`, …); also names `FX_TOOL_<NAME>`.
    pub name: String,
    /// File name of the binary looked up on `PATH` or under `<pkg>/bin/`.
    pub binary: String,
    /// Arguments that make the tool print its version.
    pub version_args: Vec<String>,
    /// nixpkgs attribute providing the tool (read by `flake.nix`).
    pub nixpkgs: String,
    /// Output of that attribute holding the binary (`out`, `bin`).
    pub output: String,
    /// Why fx uses the tool.
    pub purpose: String,
}

impl ToolSpec {
    /// The environment variable that overrides the tool's location.
    pub fn env_var(&self) -> String {
        format!(
            "FX_TOOL_{}",
            self.name.to_ascii_uppercase().replace('-', "_")
        )
    }
}

/// The profile's tools, parsed from the compiled-in `tools.json`.
pub fn profile() -> &'static [ToolSpec] {
    static PROFILE: OnceLock<Vec<ToolSpec>> = OnceLock::new();
    PROFILE.get_or_init(|| {
        serde_json::from_str::<ToolList>(TOOLS_JSON)
            .map(|l| l.tools)
            .expect("tools.json is valid (checked by the inventory tests)")
    })
}

/// Discovers every profile tool from the process environment.
///
/// `flake_lock_sha256` is the `sha256:` of the `flake.lock` the run was made
/// from; pass `None` to take it from `FX_FLAKE_LOCK_SHA256` (absent when that
/// is unset too).
pub fn discover(flake_lock_sha256: Option<String>) -> ToolInventory {
    let flake = flake_lock_sha256.or_else(flake_lock_from_env);
    discover_with(profile(), &|k| std::env::var_os(k), flake)
}

/// Discovers `specs` with `env` standing for the environment (testable form
/// of [`discover`]). Deterministic: the same environment and binaries give
/// the same inventory, byte for byte.
pub fn discover_with(
    specs: &[ToolSpec],
    env: &dyn Fn(&str) -> Option<OsString>,
    flake_lock_sha256: Option<String>,
) -> ToolInventory {
    let path_var = env("PATH");
    let located: Vec<(String, Option<PathBuf>, &ToolSpec)> = specs
        .iter()
        .map(|s| (s.name.clone(), locate(s, env, path_var.as_deref()), s))
        .collect();
    // Version queries run side by side: a few of them take a noticeable
    // fraction of a second each.
    let mut tools: Vec<ToolEntry> = std::thread::scope(|scope| {
        let handles: Vec<_> = located
            .iter()
            .map(|(name, path, spec)| {
                scope.spawn(move || match path {
                    Some(p) => probe_tool(name, p, spec),
                    None => absent(name),
                })
            })
            .collect();
        handles
            .into_iter()
            .zip(located.iter())
            .map(|(h, (name, _, _))| h.join().unwrap_or_else(|_| absent(name)))
            .collect()
    });
    tools.sort_by(|a, b| a.name.cmp(&b.name));
    finish(tools, flake_lock_sha256)
}

/// Assembles an inventory from entries and computes its toolchain hash.
pub fn finish(mut tools: Vec<ToolEntry>, flake_lock_sha256: Option<String>) -> ToolInventory {
    tools.sort_by(|a, b| a.name.cmp(&b.name));
    let mut inv = ToolInventory {
        fx: INVENTORY_FORMAT.into(),
        tools,
        libraries: libraries(),
        fx_version: fx_build(),
        flake_lock_sha256: flake_lock_sha256.map(|h| normalise_sha256(&h)),
        toolchain_hash: String::new(),
    };
    inv.toolchain_hash = toolchain_hash(&inv);
    inv
}

/// The canonical hash of an inventory without its `toolchain_hash` field.
pub fn toolchain_hash(inv: &ToolInventory) -> String {
    let mut v = serde_json::to_value(inv).unwrap_or(serde_json::Value::Null);
    if let Some(m) = v.as_object_mut() {
        m.remove("toolchain_hash");
    }
    crate::ids::canonical_hash(&v)
}

/// Linked library versions known at build time: `liboqs` is the version of
/// the `oqs-sys` crate in `Cargo.lock` (it names the bundled liboqs), or
/// `none` when fx is built without it.
pub fn libraries() -> BTreeMap<String, String> {
    let mut m = BTreeMap::new();
    m.insert(
        "liboqs".to_owned(),
        lock_version(CARGO_LOCK, "oqs-sys").unwrap_or_else(|| "none".to_owned()),
    );
    m
}

/// The fx build: `<version>+lock.<first 16 hex digits of sha256(Cargo.lock)>`,
/// so two builds of the same version from different dependency sets differ.
pub fn fx_build() -> String {
    let digest = crate::hashing::sha256_hex(CARGO_LOCK.as_bytes());
    format!("{}+lock.{}", crate::FX_VERSION, &digest[..16])
}

/// The `flake.lock` hash from `FX_FLAKE_LOCK_SHA256`, when set and non-empty.
pub fn flake_lock_from_env() -> Option<String> {
    std::env::var(FLAKE_LOCK_ENV)
        .ok()
        .filter(|s| !s.trim().is_empty())
        .map(|s| normalise_sha256(s.trim()))
}

/// `sha256:<hex>` whether given with or without the prefix.
fn normalise_sha256(s: &str) -> String {
    let hex = s.strip_prefix(crate::hashing::SHA256_PREFIX).unwrap_or(s);
    format!(
        "{}{}",
        crate::hashing::SHA256_PREFIX,
        hex.to_ascii_lowercase()
    )
}

/// The version of package `name` in a `Cargo.lock` text.
fn lock_version(lock: &str, name: &str) -> Option<String> {
    let wanted = format!("name = \"{name}\"");
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == wanted {
            let v = lines.next()?.trim();
            return v
                .strip_prefix("version = \"")
                .and_then(|r| r.strip_suffix('"'))
                .map(str::to_owned);
        }
    }
    None
}

/// Where a tool's binary is, or `None` when it is absent.
fn locate(
    spec: &ToolSpec,
    env: &dyn Fn(&str) -> Option<OsString>,
    path_var: Option<&std::ffi::OsStr>,
) -> Option<PathBuf> {
    if let Some(over) = env(&spec.env_var()) {
        if over.is_empty() {
            return None;
        }
        let p = PathBuf::from(over);
        if p.is_dir() {
            let inner = p.join("bin").join(&spec.binary);
            return is_executable(&inner).then_some(inner);
        }
        return is_executable(&p).then_some(p);
    }
    let path_var = path_var?;
    std::env::split_paths(path_var)
        .filter(|d| d.is_absolute())
        .map(|d| d.join(&spec.binary))
        .find(|p| is_executable(p))
}

fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

fn absent(name: &str) -> ToolEntry {
    ToolEntry {
        name: name.to_owned(),
        status: "absent".into(),
        version: None,
        path: None,
        sha256: None,
    }
}

/// Hashes the binary and asks its version; a binary that cannot be read or
/// hashed is absent.
fn probe_tool(name: &str, path: &Path, spec: &ToolSpec) -> ToolEntry {
    let Ok(real) = std::fs::canonicalize(path) else {
        return absent(name);
    };
    let Ok((hex, _)) = std::fs::File::open(&real)
        .and_then(|f| crate::hashing::sha256_reader(std::io::BufReader::new(f)))
    else {
        return absent(name);
    };
    let version =
        crate::tool::query_version(path, &spec.version_args, VERSION_TIMEOUT, VERSION_CAP);
    ToolEntry {
        name: name.to_owned(),
        status: "present".into(),
        version,
        path: Some(path.to_string_lossy().into_owned()),
        sha256: Some(format!("{}{hex}", crate::hashing::SHA256_PREFIX)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tools_json_lists_the_profile() {
        let list: ToolList = serde_json::from_str(TOOLS_JSON).expect("tools.json parses");
        assert_eq!(list.fx, "tools/1");
        let names: Vec<&str> = list.tools.iter().map(|t| t.name.as_str()).collect();
        for want in [
            "bwrap", "file", "objdump", "openssl", "radare2", "readelf", "tshark", "unshare",
        ] {
            assert!(names.contains(&want), "{want} missing from tools.json");
        }
        let mut sorted = names.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(
            sorted, names,
            "tools.json is sorted by name, without duplicates"
        );
        for t in &list.tools {
            assert!(!t.binary.is_empty() && !t.binary.contains('/'));
            assert!(!t.version_args.is_empty(), "{} has no version args", t.name);
            assert!(!t.nixpkgs.is_empty());
        }
        assert_eq!(
            list.tools
                .iter()
                .find(|t| t.name == "openssl")
                .map(|t| (t.nixpkgs.as_str(), t.output.as_str())),
            Some(("openssl_3", "bin"))
        );
    }

    #[test]
    fn inventory_is_deterministic() {
        let a = discover(None);
        let b = discover(None);
        let ja = serde_json::to_vec_pretty(&a).expect("serializes");
        let jb = serde_json::to_vec_pretty(&b).expect("serializes");
        assert_eq!(ja, jb);
        assert_eq!(a.tools.len(), profile().len());
        assert_eq!(a.toolchain_hash, toolchain_hash(&a));
        assert!(a.toolchain_hash.starts_with("sha256:"));
    }

    #[test]
    fn env_override_absent_and_flake_lock_change_the_hash() {
        let spec = ToolSpec {
            name: "sh".into(),
            binary: "sh".into(),
            version_args: vec!["-c".into(), "echo shell 1.0; echo second".into()],
            nixpkgs: "bash".into(),
            output: "out".into(),
            purpose: "test".into(),
        };
        let env_sh = |k: &str| (k == "FX_TOOL_SH").then(|| OsString::from("/bin/sh"));
        let inv = discover_with(std::slice::from_ref(&spec), &env_sh, None);
        let e = &inv.tools[0];
        assert_eq!(e.status, "present");
        assert_eq!(e.path.as_deref(), Some("/bin/sh"));
        assert_eq!(e.version.as_deref(), Some("shell 1.0"));
        assert!(
            e.sha256
                .as_deref()
                .is_some_and(|h| h.starts_with("sha256:"))
        );

        let env_off = |k: &str| (k == "FX_TOOL_SH").then(OsString::new);
        let off = discover_with(std::slice::from_ref(&spec), &env_off, None);
        assert_eq!(off.tools[0].status, "absent");
        assert_ne!(off.toolchain_hash, inv.toolchain_hash);

        let flake = discover_with(std::slice::from_ref(&spec), &env_sh, Some("ABCDEF".into()));
        assert_eq!(flake.flake_lock_sha256.as_deref(), Some("sha256:abcdef"));
        assert_ne!(flake.toolchain_hash, inv.toolchain_hash);
    }

    #[test]
    fn lock_versions_are_read() {
        let lock = "[[package]]\nname = \"oqs-sys\"\nversion = \"0.11.0+liboqs-0.13.0\"\n";
        assert_eq!(
            lock_version(lock, "oqs-sys").as_deref(),
            Some("0.11.0+liboqs-0.13.0")
        );
        assert_eq!(lock_version(lock, "nope"), None);
        assert!(fx_build().starts_with(crate::FX_VERSION));
    }
}
