//! From evidence to library candidates: which crypto libraries a binary
//! links, contains or is, with version, role and confidence.
//!
//! Roles:
//! * `consumer` — linked dynamically (needed library, imported symbols) and
//!   not compiled in: `/usr/bin/openssl` is a consumer of libssl;
//! * `static_copy` — the implementation is compiled into this binary
//!   (defined symbols, its own version strings, constants);
//! * `library` — this file *is* the library (its soname is one of the
//!   library's names), e.g. `libcrypto.so.3`.

use std::collections::BTreeMap;

use fx_facts::library::{Library, LibraryCandidate, LibraryDetail};

use super::go_buildinfo::GoBuildInfo;
use super::libraries::{
    GO_CRYPTO, LIBRARIES, LibrarySig, RUST_CRATES, by_name, needed_matches, soname_version,
};
use super::object::ObjectInfo;
use super::scan::ScanResult;

/// One library candidate (written as fx-facts' [`LibraryCandidate`] and
/// [`Library`]: [`Candidate::record`], [`Candidate::library`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    /// Library name from the table.
    pub name: &'static str,
    /// Version, when one was read.
    pub version: Option<String>,
    /// `consumer`, `static_copy` or `library`.
    pub role: &'static str,
    /// Kinds of evidence: `needed`, `symbols`, `strings`, `constants`.
    pub evidence: Vec<&'static str>,
    /// Confidence in permille.
    pub confidence: u32,
    /// Details behind the evidence.
    pub detail: CandidateDetail,
}

/// The numbers behind a candidate (written as fx-facts' [`LibraryDetail`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CandidateDetail {
    /// Needed libraries that matched.
    pub needed: Vec<String>,
    /// Imported symbols with the library's prefixes.
    pub imported_symbols: usize,
    /// Defined symbols with the library's prefixes.
    pub defined_symbols: usize,
    /// Version strings read, with counts.
    pub version_strings: BTreeMap<String, u64>,
    /// Marker strings seen.
    pub markers: u64,
    /// Constants only this library carries, found in the file.
    pub constants: Vec<&'static str>,
    /// Algorithms the build offers (liboqs symbols, provider names).
    pub algorithms: Vec<String>,
    /// Rust crates behind it, `name@version`.
    pub crates: Vec<String>,
}

impl Candidate {
    /// The candidate as the `libraries` step's data records it.
    pub fn record(&self) -> LibraryCandidate {
        LibraryCandidate {
            name: self.name.to_owned(),
            version: self.version.clone(),
            role: self.role.to_owned(),
            evidence: self.evidence.iter().map(|e| (*e).to_owned()).collect(),
            confidence: self.confidence,
            detail: self.detail.record(),
        }
    }

    /// The candidate as the DESIGN §9 `libraries` conclusion records it.
    pub fn library(&self) -> Library {
        Library {
            name: self.name.to_owned(),
            version: self.version.clone(),
            role: Some(self.role.to_owned()),
            evidence: self.evidence.iter().map(|e| (*e).to_owned()).collect(),
            confidence: Some(self.confidence),
        }
    }
}

impl CandidateDetail {
    /// The numbers as fx-facts records them.
    pub fn record(&self) -> LibraryDetail {
        LibraryDetail {
            needed: self.needed.clone(),
            imported_symbols: self.imported_symbols as u64,
            defined_symbols: self.defined_symbols as u64,
            version_strings: self.version_strings.clone(),
            markers: self.markers,
            constants: self.constants.iter().map(|c| (*c).to_owned()).collect(),
            algorithms: self.algorithms.clone(),
            crates: self.crates.clone(),
        }
    }
}

/// Symbols that are the library's own: one of its prefixes or whole names.
fn count_own(symbols: &[String], sig: &LibrarySig) -> usize {
    if sig.symbol_prefixes.is_empty() && sig.symbols.is_empty() {
        return 0;
    }
    symbols
        .iter()
        .filter(|s| {
            sig.symbol_prefixes.iter().any(|p| s.starts_with(p))
                || sig.symbols.iter().any(|n| n == s)
        })
        .count()
}

/// A Go program: its build info parsed, a valid build-info header found, or
/// one of the sections the Go linker writes.
fn is_go_binary(obj: &ObjectInfo, scan: &ScanResult, go: Option<&GoBuildInfo>) -> bool {
    go.is_some()
        || !scan.go_buildinfo.is_empty()
        || obj.sections.iter().any(|s| {
            matches!(
                s.name.as_str(),
                ".go.buildinfo" | ".gopclntab" | ".note.go.buildid"
            ) || s.name.ends_with(",__go_buildinfo")
                || s.name.ends_with(",__gopclntab")
        })
}

/// The most frequent version string (ties: the highest text, for determinism).
fn best_version(versions: &BTreeMap<String, u64>) -> Option<String> {
    versions
        .iter()
        .max_by(|a, b| a.1.cmp(b.1).then(a.0.cmp(b.0)))
        .map(|(v, _)| v.clone())
}

/// liboqs algorithm names from its symbols (`OQS_KEM_ml_kem_768_keypair`).
fn oqs_algorithms(defined: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for s in defined {
        for (prefix, suffix) in [("OQS_KEM_", "_keypair"), ("OQS_SIG_", "_sign")] {
            if let Some(mid) = s.strip_prefix(prefix).and_then(|r| r.strip_suffix(suffix))
                && !mid.is_empty()
                && !mid.contains("new")
                && out.len() < 256
                && !out.iter().any(|o| o == mid)
            {
                out.push(mid.to_string());
            }
        }
    }
    out.sort();
    out
}

/// `ring_core_0_17_8_…` → `0.17.8`.
fn ring_version(defined: &[String]) -> Option<String> {
    defined.iter().find_map(|s| {
        let rest = s.strip_prefix("ring_core_")?;
        let parts: Vec<&str> = rest.splitn(4, '_').collect();
        (parts.len() == 4
            && parts[..3]
                .iter()
                .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit())))
        .then(|| parts[..3].join("."))
    })
}

/// Builds the candidates, best first.
pub fn candidates(obj: &ObjectInfo, scan: &ScanResult, go: Option<&GoBuildInfo>) -> Vec<Candidate> {
    let crypto_constants = !scan.constants.is_empty();
    let go_binary = is_go_binary(obj, scan, go);
    let mut out = Vec::new();
    for (idx, sig) in LIBRARIES.iter().enumerate() {
        if let Some(c) = candidate(idx, sig, obj, scan, go, go_binary, crypto_constants) {
            out.push(c);
        }
    }
    resolve_shadows(&mut out);
    out.sort_by(|a, b| b.confidence.cmp(&a.confidence).then(a.name.cmp(b.name)));
    out
}

/// Compatibility layers and forks export the API names (and often the
/// sonames and version strings) of the library they stand in for: wolfSSL's
/// and GnuTLS's OpenSSL layers, NSS's `SSL_*`, BoringSSL's `libcrypto.so.0`.
/// Where such a library is a candidate, the reading of the library it
/// shadows is its own, unless that library is linked under its own name
/// beside it (the shadowing one is only a consumer, itself linked by name,
/// and the shadowed one has a needed library of its own). A shadowed
/// reading that called the file the library itself passes that role on.
fn resolve_shadows(out: &mut Vec<Candidate>) {
    let mut drop: Vec<&'static str> = Vec::new();
    let mut becomes_library: Vec<&'static str> = Vec::new();
    for c in out.iter() {
        let Some(sig) = by_name(c.name) else {
            continue;
        };
        for shadowed in sig.shadows {
            let Some(s) = out.iter().find(|o| o.name == *shadowed) else {
                continue;
            };
            let linked_apart =
                c.role == "consumer" && !c.detail.needed.is_empty() && !s.detail.needed.is_empty();
            if linked_apart {
                continue;
            }
            drop.push(s.name);
            // the file bears the shadowed library's name (BoringSSL's
            // libssl.so.0): it is the shadowing library, unless that one is
            // linked by its own name (then the file is a shim over it)
            if s.role == "library" && c.detail.needed.is_empty() {
                becomes_library.push(c.name);
            }
        }
    }
    out.retain(|c| !drop.contains(&c.name));
    for c in out.iter_mut() {
        if becomes_library.contains(&c.name) {
            c.role = "library";
            c.confidence = c.confidence.max(850);
        }
    }
}

fn candidate(
    idx: usize,
    sig: &LibrarySig,
    obj: &ObjectInfo,
    scan: &ScanResult,
    go: Option<&GoBuildInfo>,
    go_binary: bool,
    crypto_constants: bool,
) -> Option<Candidate> {
    let mut d = CandidateDetail {
        needed: obj
            .needed
            .iter()
            .filter(|n| needed_matches(sig, n))
            .cloned()
            .collect(),
        imported_symbols: count_own(&obj.imports, sig),
        defined_symbols: count_own(&obj.defined, sig),
        version_strings: scan.versions.get(&idx).cloned().unwrap_or_default(),
        markers: scan.markers.get(&idx).copied().unwrap_or(0),
        constants: sig
            .constants
            .iter()
            .copied()
            .filter(|c| scan.constant_counts.contains_key(c))
            .collect(),
        ..CandidateDetail::default()
    };
    for (krate, lib) in RUST_CRATES {
        if *lib == sig.name
            && let Some(vs) = scan.crates.get(*krate)
        {
            for v in vs {
                d.crates.push(format!("{krate}@{v}"));
            }
        }
    }
    let is_self = obj
        .soname
        .as_deref()
        .is_some_and(|s| needed_matches(sig, s));
    let go_crypto = sig.name == GO_CRYPTO && go_binary && d.markers > 0;
    // a version string read after an anchor counts where the library's
    // markers are there too ("-Release-0.78" is PuTTY's only beside
    // "PuTTY-User-Key-File-")
    let versioned = !d.version_strings.is_empty() && (sig.markers.is_empty() || d.markers > 0);
    let strings = versioned || d.markers > 0;
    // marker strings alone prove nothing (fx's own binary holds them all):
    // they only support a candidate that has another sign
    // imports without a needed library of that name are a host's or a
    // sibling's functions (a plugin, a library built from derived code):
    // a few names are not enough
    let any = !d.needed.is_empty()
        || is_self
        || d.imported_symbols >= 3
        || d.defined_symbols >= 3
        || versioned
        || !d.crates.is_empty()
        || go_crypto
        || !d.constants.is_empty();
    if !any {
        return None;
    }
    if !versioned {
        d.version_strings.clear();
    }
    let compiled_in = d.defined_symbols >= 20
        || (d.defined_symbols >= 3 && strings)
        || !d.crates.is_empty()
        || go_crypto
        || !d.constants.is_empty()
        || (versioned && d.needed.is_empty() && crypto_constants);
    // linked by name and not defining the library's functions itself: a
    // consumer, whatever it says about the library (Rust bindings crates,
    // version strings, the odd copied variable such as gnutls_free)
    let links_it = !d.needed.is_empty() && d.defined_symbols < d.imported_symbols.max(20);
    let role = if is_self {
        "library"
    } else if links_it {
        "consumer"
    } else if compiled_in {
        "static_copy"
    } else if !d.needed.is_empty() || d.imported_symbols > 0 {
        "consumer"
    } else {
        "static_copy"
    };

    let mut evidence = Vec::new();
    if !d.needed.is_empty() {
        evidence.push("needed");
    }
    if d.imported_symbols > 0 || d.defined_symbols > 0 {
        evidence.push("symbols");
    }
    if strings || !d.crates.is_empty() || go_crypto {
        evidence.push("strings");
    }
    if (crypto_constants && role != "consumer") || !d.constants.is_empty() {
        evidence.push("constants");
    }

    let mut version = match role {
        "consumer" => d.needed.iter().find_map(|n| soname_version(n)),
        "library" => best_version(&d.version_strings)
            .or_else(|| obj.soname.as_deref().and_then(soname_version)),
        _ => best_version(&d.version_strings),
    };
    if sig.name == "ring" {
        version = ring_version(&obj.defined).or(version);
    }
    // "rustcrypto" is a family of crates, each with its own version (in detail.crates)
    if version.is_none()
        && sig.name != "rustcrypto"
        && let Some(first) = d.crates.first()
    {
        version = first.split_once('@').map(|(_, v)| v.to_string());
    }
    if go_crypto {
        version = go.map(|g| g.go_version.clone());
    }
    if sig.name == "liboqs" {
        d.algorithms = oqs_algorithms(&obj.defined);
    }
    if matches!(sig.name, "openssl" | "boringssl" | "aws-lc" | "liboqs") && role != "consumer" {
        for a in &scan.algorithms {
            if !d.algorithms.iter().any(|x| x == a) {
                d.algorithms.push((*a).to_string());
            }
        }
    }

    let confidence = match role {
        "library" => 850 + if version.is_some() { 100 } else { 0 },
        "consumer" => {
            600 + if d.imported_symbols > 0 { 150 } else { 0 }
                + if d.needed.is_empty() { 0 } else { 150 }
                + if version.is_some() { 50 } else { 0 }
        }
        _ => {
            300 + if d.defined_symbols >= 20 {
                250
            } else if d.defined_symbols > 0 {
                100
            } else {
                0
            } + if d.version_strings.is_empty() { 0 } else { 200 }
                + if d.markers > 0 { 50 } else { 0 }
                + if crypto_constants { 100 } else { 0 }
                + if d.crates.is_empty() && !go_crypto && d.constants.is_empty() {
                    0
                } else {
                    300
                }
        }
    }
    .min(990);
    Some(Candidate {
        name: sig.name,
        version,
        role,
        evidence,
        confidence,
        detail: d,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn object(
        soname: Option<&str>,
        needed: &[&str],
        imports: &[&str],
        defined: &[&str],
    ) -> ObjectInfo {
        let owned = |v: &[&str]| v.iter().map(|s| (*s).to_string()).collect::<Vec<_>>();
        ObjectInfo {
            soname: soname.map(str::to_string),
            needed: owned(needed),
            imports: owned(imports),
            defined: owned(defined),
            ..ObjectInfo::default()
        }
    }

    fn names(c: &[Candidate]) -> Vec<(&'static str, &'static str)> {
        let mut v: Vec<_> = c.iter().map(|c| (c.name, c.role)).collect();
        v.sort();
        v
    }

    const COMPAT: &[&str] = &[
        "SSL_CTX_set_tmp_dh_callback",
        "SSL_SESSION_set1_id",
        "ERR_load_SSL_strings",
    ];

    #[test]
    fn a_compatibility_layer_is_its_own_library_not_the_one_it_imitates() {
        let mut defined: Vec<&str> = vec!["wolfSSL_Init", "wolfSSL_new", "wc_InitRng"];
        defined.extend(COMPAT);
        let lib = object(Some("libwolfssl.so.35"), &["libc.so.6"], &[], &defined);
        let c = candidates(&lib, &ScanResult::default(), None);
        assert_eq!(names(&c), [("wolfssl", "library")]);

        let mut imports: Vec<&str> = vec!["wolfSSL_new"];
        imports.extend(COMPAT);
        let user = object(None, &["libwolfssl.so.35"], &imports, &[]);
        let c = candidates(&user, &ScanResult::default(), None);
        assert_eq!(names(&c), [("wolfssl", "consumer")]);

        // both linked by name: both are used
        let both = object(None, &["libwolfssl.so.35", "libcrypto.so.3"], &imports, &[]);
        let c = candidates(&both, &ScanResult::default(), None);
        assert_eq!(
            names(&c),
            [("openssl", "consumer"), ("wolfssl", "consumer")]
        );
    }

    #[test]
    fn a_fork_under_the_original_soname_is_the_fork() {
        let lib = object(
            Some("libcrypto.so.0"),
            &["libc.so.6"],
            &[],
            &[
                "CBB_init",
                "CBB_add_u8",
                "CBS_init",
                "EVP_sha256",
                "OPENSSL_free",
            ],
        );
        let c = candidates(&lib, &ScanResult::default(), None);
        assert_eq!(names(&c), [("boringssl", "library")]);
    }

    #[test]
    fn a_few_imports_without_the_library_linked_prove_nothing() {
        // Wireshark's libwsutil carries its own sober128 and exports its names
        let user = object(
            None,
            &["libwsutil.so.14"],
            &["crypt_argchk", "find_cipher"],
            &[],
        );
        assert!(candidates(&user, &ScanResult::default(), None).is_empty());
        let linked = object(None, &["libtomcrypt.so.1"], &["crypt_argchk"], &[]);
        let c = candidates(&linked, &ScanResult::default(), None);
        assert_eq!(names(&c), [("libtomcrypt", "consumer")]);
        assert_eq!(c[0].version.as_deref(), Some("1"));
    }

    #[test]
    fn a_version_string_counts_beside_the_library_markers_only() {
        let putty = LIBRARIES
            .iter()
            .position(|l| l.name == "putty")
            .unwrap_or(0);
        let mut scan = ScanResult::default();
        scan.versions
            .entry(putty)
            .or_default()
            .insert("0.78".into(), 1);
        let obj = object(None, &["libc.so.6"], &[], &[]);
        assert!(
            candidates(&obj, &scan, None).is_empty(),
            "a bare -Release-0.78"
        );
        scan.markers.insert(putty, 2);
        let c = candidates(&obj, &scan, None);
        assert_eq!(names(&c), [("putty", "static_copy")]);
        assert_eq!(c[0].version.as_deref(), Some("0.78"));
    }

    #[test]
    fn go_crypto_needs_a_go_binary() {
        let go = LIBRARIES
            .iter()
            .position(|l| l.name == GO_CRYPTO)
            .unwrap_or(0);
        let mut scan = ScanResult::default();
        scan.markers.insert(go, 12);
        let c_program = object(None, &["libc.so.6"], &[], &[]);
        assert!(candidates(&c_program, &scan, None).is_empty());
        let mut go_program = c_program.clone();
        go_program.sections.push(super::super::object::Section {
            name: ".go.buildinfo".into(),
            offset: 4096,
            size: 256,
            code: false,
        });
        let c = candidates(&go_program, &scan, None);
        assert_eq!(names(&c), [(GO_CRYPTO, "static_copy")]);
    }
}
