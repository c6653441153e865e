//! # fx-fuzz — the entry functions of fx's fuzz targets
//!
//! One function per AFL target (`fuzz/targets/<name>.rs` is a one-line
//! `afl::fuzz!` around it), listed once in [`TARGETS`]. Each feeds arbitrary
//! bytes to the public entry point of an untrusted-bytes parser, the way the
//! stage would, and panics only where fx has a bug: a parser panicking, or
//! an invariant the function asserts failing. Hangs and unbounded
//! allocation are caught by AFL's timeout and memory limit
//! (`pipelines/fuzz.sh`).
//!
//! The root package's `tests/fuzz_regressions.rs` compiles this same file
//! (`#[path]`) and replays every input of `fuzz/regressions/<target>/`
//! through [`TARGETS`], so the corpus the fuzzer grew is a plain
//! `cargo test` regression suite.

use fx_core::event::Event;
use fx_core::job::Job;
use fx_core::routing::Decision;
use fx_core::run::RunDir;
use fx_core::stage::StageCtx;

/// Longest line the line-reading targets accept: small, so that AFL's
/// inputs reach the too-long path too.
const MAX_LINE: usize = 64 * 1024;

/// What the stage-level targets need besides the bytes: a scratch run
/// directory (policy, blob store, run id) made once per fuzzing process,
/// and a job template for it.
pub struct Scratch {
    /// Keeps the run directory alive.
    _dir: tempfile::TempDir,
    /// The scratch run (`fx_core::testing::scratch_run`, default policy).
    run: RunDir,
    /// A job of that run with no events, cloned for every input.
    job: Job,
}

impl Scratch {
    /// Makes the scratch run. Panics when the temporary directory cannot be
    /// written: no target can run without it.
    pub fn new() -> Scratch {
        let dir = tempfile::tempdir().expect("fx-fuzz: a temporary directory");
        let run = fx_core::testing::scratch_run(dir.path(), Default::default())
            .expect("fx-fuzz: the scratch run");
        let job =
            fx_core::testing::job_for(&run, "fuzz.bin", b"", 0).expect("fx-fuzz: the template job");
        Scratch {
            _dir: dir,
            run,
            job,
        }
    }
}

impl Default for Scratch {
    fn default() -> Scratch {
        Scratch::new()
    }
}

/// A target: its name (the binary and the `fuzz/regressions/` folder) and
/// its entry function.
pub type Target = (&'static str, fn(&Scratch, &[u8]));

/// Every target, in the order `pipelines/fuzz.sh` runs them.
pub static TARGETS: &[Target] = &[
    ("route", route),
    ("inspect", inspect),
    ("inspect_parsers", inspect_parsers),
    ("probe", probe),
    ("probe_hash_lines", probe_hash_lines),
    ("probe_pqc_keys", probe_pqc_keys),
    ("fingerprint_binary", fingerprint_binary),
    ("fingerprint_capture", fingerprint_capture),
    ("fingerprint_hello", fingerprint_hello),
    ("core_jsonl", core_jsonl),
    ("seq_lines", seq_lines),
];

/// fx-route's sniffers over any prefix and any claimed size. With the low
/// bit of the first byte set, the first 8 bytes are the claimed artifact
/// size (the stage trusts the job line's size, which a hostile line may get
/// wrong); otherwise the whole input is the artifact. The verdict always
/// has a label and serialises.
pub fn route(_: &Scratch, data: &[u8]) {
    let (size, prefix) = match data.split_first_chunk::<8>() {
        Some((head, rest)) if head[0] & 1 == 1 => (u64::from_le_bytes(*head), rest),
        _ => (data.len() as u64, data),
    };
    let verdict = fx_route::sniff(prefix, size);
    assert!(!verdict.labels.is_empty(), "a verdict without a label");
    assert!(
        serde_json::to_vec(&verdict).is_ok(),
        "an unserialisable verdict"
    );
}

/// The whole inspector: sniff, every parser, candidate regions, events.
/// Every event serialises.
pub fn inspect(_: &Scratch, data: &[u8]) {
    let cfg = fx_inspect::InspectConfig::default();
    let events = fx_inspect::events(&fx_inspect::inspect(data, &cfg), &cfg);
    assert!(!events.is_empty(), "an inspection without events");
    assert!(serde_json::to_vec(&events).is_ok(), "unserialisable events");
}

/// fx-inspect's parsers one by one, without the sniff in front: the first
/// byte picks the parser, the rest is its input (so a parser also sees what
/// the sniff would have sent elsewhere).
pub fn inspect_parsers(_: &Scratch, data: &[u8]) {
    use fx_inspect::{capture, cms, keys, openssh, pkcs12, tls, x509};
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    let limits = fx_formats::der::WalkLimits::default();
    match which % 12 {
        0 => drop(fx_formats::pem::scan(rest, 64)),
        1 => {
            let w = fx_formats::der::walk(rest, limits);
            drop(fx_formats::der::oids_in(rest, &w));
        }
        2 => {
            drop(x509::certificate(rest, limits));
            drop(x509::csr(rest));
            drop(x509::crl(rest, limits));
            drop(x509::cross_pair(rest, limits));
        }
        3 => {
            drop(keys::pkcs8(rest));
            drop(keys::encrypted_pkcs8(rest));
            drop(keys::encrypted_pkcs8_unlabelled(rest));
            drop(keys::spki(rest));
        }
        4 => {
            drop(keys::pkcs1_private(rest));
            drop(keys::pkcs1_public(rest));
            drop(keys::pkcs1_public_unlabelled(rest));
            drop(keys::sec1(rest));
            drop(keys::dsa_private(rest));
        }
        5 => drop(pkcs12::pkcs12(rest)),
        6 => drop(cms::cms(rest)),
        7 => {
            drop(openssh::private_key(rest));
            drop(openssh::public_keys(rest));
        }
        8 => drop(capture::capture(rest)),
        9 => drop(tls::records(rest)),
        10 => {
            drop(fx_inspect::ocsp::request(rest));
            drop(fx_inspect::ocsp::response(rest));
        }
        _ => {
            drop(fx_inspect::jose::jose(rest));
            drop(fx_inspect::putty::ppk(rest));
            drop(fx_inspect::dropbear::host_key(rest));
            drop(fx_inspect::sshcom::private_key(rest));
            drop(fx_inspect::smime::message(rest));
        }
    }
}

/// Every probe of fx-probe ([`fx_probe::PROBES`]: hash/KDF audit,
/// symmetric, PQC, hybrid) on the input as an artifact, labelled the way
/// fx-route labels it, under a route decision that allows every target.
/// Every probe leaves an event, and the events serialise.
pub fn probe(scratch: &Scratch, data: &[u8]) {
    let verdict = fx_route::sniff(data, data.len() as u64);
    let labels: Vec<_> = verdict.labels.iter().map(|l| l.label).collect();
    let mut job = fx_core::testing::with_labels(scratch.job.clone(), &labels);
    job.artifact.size = Some(data.len() as u64);
    job.push(Event::ok("route", "decision").with_data(Decision::from_fn(|_| Ok(()))));
    let ctx = StageCtx { run: &scratch.run };
    let events = fx_probe::probe_job(&job, data, &ctx);
    assert!(
        events.len() >= fx_probe::PROBES.len(),
        "a probe left no event"
    );
    assert!(serde_json::to_vec(&events).is_ok(), "unserialisable events");
}

/// The password-hash line parser: the audit of a hash file (every line
/// identified, parameters read, weaknesses judged) and [`identify`] on each
/// line alone. The audit's record serialises.
///
/// [`identify`]: fx_probe::hash_kdf::identify
pub fn probe_hash_lines(_: &Scratch, data: &[u8]) {
    use fx_probe::hash_kdf::{audit, baseline, identify};
    let base = &baseline::OWASP_2025;
    let a = audit::audit(data, base, 1_000, 1 << 20);
    assert!(
        serde_json::to_vec(&a.record(base)).is_ok(),
        "unserialisable audit"
    );
    for line in data.split(|&b| b == b'\n').take(64) {
        if let Ok(text) = std::str::from_utf8(line)
            && let Some(id) = identify(text)
        {
            let params = id.params();
            drop(id.findings(&params, base));
        }
    }
}

/// fx-probe's PQC key readers: a PKCS#8 private key or an SPKI public key
/// naming a PQC set by OID (seed, expanded and `both` forms), and the
/// structure check of each part against the named set.
pub fn probe_pqc_keys(_: &Scratch, data: &[u8]) {
    use fx_probe::pqc::keys;
    drop(keys::private_key(data));
    drop(keys::public_key(data));
}

/// fx-fingerprint's binary reader: ELF/PE/Mach-O structure (goblin), the
/// constant and version scan, Go build info, library candidates, and the
/// deep instruction scan. The conclusion serialises.
pub fn fingerprint_binary(_: &Scratch, data: &[u8]) {
    use fx_fingerprint::binary;
    let light = binary::light(data);
    drop(light.libraries_conclusion());
    assert!(
        serde_json::to_vec(&light.constants_data()).is_ok(),
        "unserialisable constants"
    );
    drop(binary::deep(data, &light));
}

/// fx-fingerprint's capture reader: pcap/pcapng frames, link layers, TCP
/// reassembly, TLS, DTLS and QUIC Initial ClientHellos, ServerHellos.
pub fn fingerprint_capture(_: &Scratch, data: &[u8]) {
    use fx_fingerprint::capture;
    let _ = capture::sniff(data);
    drop(capture::analyze(data, capture::CaptureLimits::default()));
}

/// fx-fingerprint's hello parsers on a bare handshake body: TLS and DTLS
/// ClientHello (then JA3 and JA4 of what parsed) and ServerHello.
pub fn fingerprint_hello(_: &Scratch, data: &[u8]) {
    use fx_fingerprint::capture::{client_hello, ja3, ja4};
    for (hello, transport) in [
        (
            client_hello::parse_client_hello(data),
            ja4::Ja4Transport::Tcp,
        ),
        (
            client_hello::parse_dtls_client_hello(data),
            ja4::Ja4Transport::Dtls,
        ),
    ] {
        if let Some(ch) = hello {
            drop(ja3::ja3_hash(&ja3::ja3_string(&ch)));
            drop(ja4::ja4(&ch, transport));
        }
    }
    drop(client_hello::parse_server_hello(data));
}

/// fx-core's strict JSONL reader of job lines (every stage's input): lines
/// read until the first error. A job that parsed serialises, and what it
/// wrote parses again (equality is not asserted: serde_json's float parsing
/// is not exactly round-trip without its `float_roundtrip` feature).
pub fn core_jsonl(_: &Scratch, data: &[u8]) {
    let mut reader = fx_core::jsonl::JsonlReader::new(data, MAX_LINE);
    while let Ok(Some(job)) = reader.next_record::<Job>() {
        let text = serde_json::to_vec(&job).expect("a parsed job serialises");
        let back = serde_json::from_slice::<Job>(&text);
        assert!(back.is_ok(), "a written job does not parse");
    }
}

/// fx-seq's line scanner (the read phase: lines, offsets, `artifact_seq`
/// from the opening bytes or a full parse) and the record of each line it
/// accepted, checked against the scratch run (copy-through or
/// re-serialization).
pub fn seq_lines(scratch: &Scratch, data: &[u8]) {
    let mut keys = Vec::new();
    let mut input = data;
    let scanned = fx_seq::input::scan(&mut input, None, MAX_LINE, 0, |k| {
        keys.push(k);
        Ok(())
    });
    for k in keys.iter().take(16) {
        let start = usize::try_from(k.off).expect("an offset inside the input");
        let line = &data[start..start + k.len as usize];
        assert!(line.len() <= MAX_LINE, "a line over the limit was accepted");
        drop(fx_seq::record::from_line(
            &scratch.run,
            line.to_vec(),
            k.line,
        ));
    }
    if let Ok(s) = scanned {
        assert_eq!(s.lines, keys.len() as u64, "a line without its key");
    }
}
