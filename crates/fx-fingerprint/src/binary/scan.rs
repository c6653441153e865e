//! The one multi-pattern pass over a binary's bytes (Aho-Corasick, DFA):
//! crypto constants, library version strings and markers, algorithm names,
//! Go build info and Rust toolchain traces are all found in a single scan.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

use super::constants::{self, Constant};
use super::libraries::{ALGORITHM_NAMES, LIBRARIES};

/// Hits kept per constant name, and in total.
pub const MAX_HITS_PER_CONSTANT: usize = 16;
/// Total constant hits kept.
pub const MAX_CONSTANT_HITS: usize = 512;
/// Rust crates kept.
pub const MAX_CRATES: usize = 512;

/// What a pattern stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Constant(usize),
    VersionAnchor(usize),
    Marker(usize),
    Algorithm(usize),
    RustcCommit,
    CargoRegistrySrc,
    DebianCargoRegistry,
    GoBuildInfo,
}

struct Patterns {
    ac: AhoCorasick,
    kinds: Vec<Kind>,
    constants: Vec<Constant>,
}

/// Magic of Go's build info blob.
pub const GO_BUILDINFO_MAGIC: &[u8] = b"\xff Go buildinf:";

fn patterns() -> &'static Patterns {
    static P: OnceLock<Patterns> = OnceLock::new();
    P.get_or_init(|| {
        let constants = constants::all();
        let mut pats: Vec<Vec<u8>> = Vec::new();
        let mut kinds = Vec::new();
        for (i, c) in constants.iter().enumerate() {
            pats.push(c.bytes.clone());
            kinds.push(Kind::Constant(i));
        }
        for (i, l) in LIBRARIES.iter().enumerate() {
            for a in l.version_anchors {
                pats.push(a.as_bytes().to_vec());
                kinds.push(Kind::VersionAnchor(i));
            }
            for m in l.markers {
                pats.push(m.as_bytes().to_vec());
                kinds.push(Kind::Marker(i));
            }
        }
        for (i, a) in ALGORITHM_NAMES.iter().enumerate() {
            let mut p = vec![0u8];
            p.extend_from_slice(a.as_bytes());
            p.push(0);
            pats.push(p);
            kinds.push(Kind::Algorithm(i));
        }
        pats.push(b"/rustc/".to_vec());
        kinds.push(Kind::RustcCommit);
        pats.push(b"/registry/src/".to_vec());
        kinds.push(Kind::CargoRegistrySrc);
        pats.push(b"/cargo/registry/".to_vec());
        kinds.push(Kind::DebianCargoRegistry);
        pats.push(GO_BUILDINFO_MAGIC.to_vec());
        kinds.push(Kind::GoBuildInfo);
        // Every pattern is fixed at build time; failing here is a bug in the tables.
        let ac = AhoCorasick::builder()
            .kind(Some(AhoCorasickKind::DFA))
            .match_kind(MatchKind::Standard)
            .build(&pats)
            .expect("the built-in pattern table compiles");
        Patterns {
            ac,
            kinds,
            constants,
        }
    })
}

/// One constant found (written as fx-facts' `ConstantHit`:
/// [`ConstantHit::record`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConstantHit {
    /// Constant name.
    pub name: &'static str,
    /// Algorithm family.
    pub algorithm: &'static str,
    /// Encoding of the match.
    pub encoding: &'static str,
    /// File offset.
    pub offset: u64,
    /// Section holding it, when known.
    pub section: Option<String>,
}

impl ConstantHit {
    /// The hit as the `constants` step's data records it.
    pub fn record(&self) -> fx_facts::library::ConstantHit {
        fx_facts::library::ConstantHit {
            name: self.name.to_owned(),
            algorithm: self.algorithm.to_owned(),
            encoding: self.encoding.to_owned(),
            offset: self.offset,
            section: self.section.clone(),
        }
    }
}

/// Everything the scan found.
#[derive(Clone, Debug, Default)]
pub struct ScanResult {
    /// Constant hits in file order (bounded).
    pub constants: Vec<ConstantHit>,
    /// Distinct constant names seen, with their total count.
    pub constant_counts: BTreeMap<&'static str, u64>,
    /// Per library index: versions read after its anchors, with counts.
    pub versions: BTreeMap<usize, BTreeMap<String, u64>>,
    /// Per library index: marker hits.
    pub markers: BTreeMap<usize, u64>,
    /// Algorithm names found as NUL-terminated strings.
    pub algorithms: Vec<&'static str>,
    /// rustc commit hashes.
    pub rustc_commits: Vec<String>,
    /// Rust crates seen in registry paths: name → versions.
    pub crates: BTreeMap<String, Vec<String>>,
    /// Offsets of Go build info headers (16-byte aligned, valid pointer size).
    pub go_buildinfo: Vec<u64>,
}

/// Reads a version token at the start of `b`: dotted digits (`3.0.13`), an
/// optional single letter (`1.0.2u`) and an optional `-suffix` (`-fips`).
pub fn version_token(b: &[u8]) -> Option<String> {
    let b = &b[..b.len().min(40)];
    let mut i = 0;
    let mut dots = 0;
    while i < b.len()
        && (b[i].is_ascii_digit()
            || (b[i] == b'.' && i > 0 && b.get(i + 1).is_some_and(u8::is_ascii_digit)))
    {
        dots += usize::from(b[i] == b'.');
        i += 1;
    }
    if dots == 0 || !b[0].is_ascii_digit() {
        return None;
    }
    if b.get(i).is_some_and(u8::is_ascii_lowercase)
        && !b.get(i + 1).is_some_and(u8::is_ascii_alphanumeric)
    {
        i += 1;
    }
    if b.get(i) == Some(&b'-') {
        let n = b[i + 1..]
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric())
            .count();
        if (1..=12).contains(&n) {
            i += 1 + n;
        }
    }
    if b.get(i).is_some_and(u8::is_ascii_alphanumeric) {
        return None; // glued to other text: not a version
    }
    std::str::from_utf8(&b[..i]).ok().map(str::to_string)
}

fn crate_version(component: &[u8]) -> Option<(String, String)> {
    let s = std::str::from_utf8(component).ok()?;
    let mut split = None;
    for (i, _) in s.match_indices('-') {
        if s[i + 1..].starts_with(|c: char| c.is_ascii_digit()) {
            split = Some(i);
            break;
        }
    }
    let i = split?;
    let (name, ver) = (&s[..i], &s[i + 1..]);
    (!name.is_empty() && name.len() <= 64 && ver.len() <= 32 && ver.contains('.'))
        .then(|| (name.to_string(), ver.to_string()))
}

/// Scans `bytes` once; `section_of` names the section of a file offset.
pub fn scan(bytes: &[u8], section_of: &dyn Fn(u64) -> Option<String>) -> ScanResult {
    let p = patterns();
    let mut r = ScanResult::default();
    // overlapping: a marker ("OpenSSL") must not hide the anchor ("OpenSSL ") it prefixes
    for m in p.ac.find_overlapping_iter(bytes) {
        let kind = p.kinds[m.pattern().as_usize()];
        let tail = bytes.get(m.end()..).unwrap_or(&[]);
        match kind {
            Kind::Constant(i) => {
                let c = &p.constants[i];
                let count = r.constant_counts.entry(c.name).or_default();
                *count += 1;
                if *count as usize <= MAX_HITS_PER_CONSTANT && r.constants.len() < MAX_CONSTANT_HITS
                {
                    r.constants.push(ConstantHit {
                        name: c.name,
                        algorithm: c.algorithm,
                        encoding: c.encoding,
                        offset: m.start() as u64,
                        section: section_of(m.start() as u64),
                    });
                }
            }
            Kind::VersionAnchor(i) => {
                if let Some(v) = version_token(tail) {
                    *r.versions.entry(i).or_default().entry(v).or_default() += 1;
                }
            }
            Kind::Marker(i) => *r.markers.entry(i).or_default() += 1,
            Kind::Algorithm(i) => {
                if !r.algorithms.contains(&ALGORITHM_NAMES[i]) {
                    r.algorithms.push(ALGORITHM_NAMES[i]);
                }
            }
            Kind::RustcCommit => {
                if let Some(h) = tail.get(..40)
                    && h.iter().all(u8::is_ascii_hexdigit)
                    && r.rustc_commits.len() < 4
                {
                    let h = String::from_utf8_lossy(h).into_owned();
                    if !r.rustc_commits.contains(&h) {
                        r.rustc_commits.push(h);
                    }
                }
            }
            Kind::CargoRegistrySrc | Kind::DebianCargoRegistry => {
                // the path ends at the first byte that cannot be part of it
                let window = &tail[..tail.len().min(256)];
                let end = window
                    .iter()
                    .position(|b| !(b.is_ascii_graphic() && *b != b'"' && *b != b'\\'))
                    .unwrap_or(window.len());
                let window = &window[..end];
                let mut parts = window.split(|b| *b == b'/');
                if kind == Kind::CargoRegistrySrc {
                    parts.next(); // index.crates.io-<hash>
                }
                if let Some((name, ver)) = parts.next().and_then(crate_version)
                    && (r.crates.len() < MAX_CRATES || r.crates.contains_key(&name))
                {
                    let vs = r.crates.entry(name).or_default();
                    if !vs.contains(&ver) && vs.len() < 8 {
                        vs.push(ver);
                    }
                }
            }
            Kind::GoBuildInfo => {
                // the Go linker aligns the header to 16 bytes and writes the
                // pointer size right after the magic; fx's own copy of the
                // magic is neither
                let header = m.start() % 16 == 0 && matches!(tail.first(), Some(4 | 8));
                if header && r.go_buildinfo.len() < 4 {
                    r.go_buildinfo.push(m.start() as u64);
                }
            }
        }
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_pass_finds_constants_versions_and_traces() {
        let mut b = vec![0u8; 64];
        b.extend_from_slice(
            &hex::decode("637c777bf26b6fc53001672bfed7ab76ca82c97dfa5947f0add4a2af9ca472c0")
                .unwrap_or_default(),
        );
        b.extend_from_slice(b"\0OpenSSL 3.0.13 30 Jan 2024\0");
        b.extend_from_slice(b"/rustc/0123456789abcdef0123456789abcdef01234567/library/core");
        b.extend_from_slice(b"/home/u/.cargo/registry/src/index.crates.io-6f17d22bba15001f/ring-0.17.8/src/aead.rs\0");
        b.extend_from_slice(b"\0ML-KEM-768\0");
        let r = scan(&b, &|o| (o >= 64).then(|| ".rodata".to_string()));
        assert_eq!(r.constants.len(), 1);
        assert_eq!(r.constants[0].name, "AES S-box");
        assert_eq!(r.constants[0].offset, 64);
        assert_eq!(r.constants[0].section.as_deref(), Some(".rodata"));
        let ossl = LIBRARIES
            .iter()
            .position(|l| l.name == "openssl")
            .unwrap_or(0);
        assert!(r.versions[&ossl].contains_key("3.0.13"));
        assert_eq!(r.rustc_commits.len(), 1);
        assert_eq!(r.crates["ring"], vec!["0.17.8".to_string()]);
        assert_eq!(r.algorithms, vec!["ML-KEM-768"]);
    }

    #[test]
    fn version_tokens() {
        assert_eq!(version_token(b"3.0.13 30 Jan").as_deref(), Some("3.0.13"));
        assert_eq!(
            version_token(b"1.0.2u-fips ").as_deref(),
            Some("1.0.2u-fips")
        );
        assert_eq!(version_token(b"is great"), None);
        assert_eq!(version_token(b"3"), None);
        assert_eq!(version_token(b"0.13.0no"), None);
        assert_eq!(version_token(b"0.13.0\0"), Some("0.13.0".into()));
        assert_eq!(version_token(b"1.1.1w  11 Sep").as_deref(), Some("1.1.1w"));
    }
}
