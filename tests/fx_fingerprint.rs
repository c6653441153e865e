//! End-to-end tests of `fx-fingerprint`: real captures (FoxIO's conformance
//! pcaps from `../shared`, fx's synthetic post-quantum sample) and real
//! binaries (`/usr/bin/openssl`), ingested with `fx-ingest`, routed with
//! `fx-route`, fingerprinted with the real binary.
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::Command;

use serde_json::Value;

mod common;

use common::repo;

fn run(name: &str, args: &[&str], stdin: &[u8]) -> (i32, Vec<u8>, String) {
    let out = common::run_cmd(name, args, stdin);
    (
        out.status.code().unwrap_or(-1),
        out.stdout,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

struct Fixture {
    _dir: tempfile::TempDir,
    run: String,
    routed: Vec<u8>,
}

/// Ingests and routes the test inputs into a fresh run.
fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("in");
    std::fs::create_dir_all(&inputs).unwrap();
    let tls12 = repo().join("../shared/conformance/ja4/pcap/tls12.pcap");
    std::fs::copy(&tls12, inputs.join("tls12.pcap"))
        .expect("shared/ must lie beside the repository");
    let pq = std::fs::read(repo().join("samples/captures/pq-hybrid-x25519mlkem768.pcap")).unwrap();
    std::fs::write(inputs.join("pq.pcap"), &pq).unwrap();
    std::fs::write(inputs.join("cut.pcap"), &pq[..1000]).unwrap();
    std::fs::copy("/usr/bin/openssl", inputs.join("openssl")).expect("/usr/bin/openssl is needed");
    std::fs::write(
        inputs.join("not-a-binary.elf"),
        b"\x7fELF\x02\x01\x01\0garbage",
    )
    .unwrap();
    let run_dir = dir.path().join("run").to_str().unwrap().to_owned();
    let mut args = vec!["--run", run_dir.as_str(), "--case", "fp"];
    let names = [
        "tls12.pcap",
        "pq.pcap",
        "cut.pcap",
        "openssl",
        "not-a-binary.elf",
    ];
    let paths: Vec<String> = names
        .iter()
        .map(|n| inputs.join(n).to_str().unwrap().to_owned())
        .collect();
    args.extend(paths.iter().map(String::as_str));
    let (code, jobs, err) = run("fx-ingest", &args, b"");
    assert_eq!(code, 0, "fx-ingest: {err}");
    let (code, routed, err) = run("fx-route", &["--run", &run_dir], &jobs);
    assert_eq!(code, 0, "fx-route: {err}");
    Fixture {
        _dir: dir,
        run: run_dir,
        routed,
    }
}

fn jobs(out: &[u8]) -> Vec<Value> {
    out.split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::from_slice(l).unwrap())
        .collect()
}

fn job_named<'a>(jobs: &'a [Value], name: &str) -> &'a Value {
    jobs.iter()
        .find(|j| {
            j["artifact"]["intake"]["path"]
                .as_str()
                .unwrap_or("")
                .ends_with(name)
        })
        .unwrap_or_else(|| panic!("no job for {name}"))
}

fn events<'a>(job: &'a Value, step: &str) -> Vec<&'a Value> {
    job["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["module"] == "fingerprint" && e["step"] == step)
        .collect()
}

#[test]
fn captures_and_binaries_end_to_end() {
    let f = fixture();
    let (code, out, err) = run("fx-fingerprint", &["--run", &f.run, "-j", "2"], &f.routed);
    assert_eq!(code, 0, "{err}");
    let jobs = jobs(&out);
    assert_eq!(jobs.len(), 5);

    // FoxIO's tls12.pcap: the reference JA4
    let tls = events(job_named(&jobs, "tls12.pcap"), "tls");
    assert_eq!(tls[0]["status"], "ok");
    assert_eq!(tls[0]["conclusion"]["container"], "pcap");
    assert_eq!(
        tls[0]["conclusion"]["tls"]["ja4"][0],
        "t13d1715h2_5b57614c22b0_3d5424432f57"
    );
    assert_eq!(
        tls[0]["conclusion"]["tls"]["sni"][0],
        "contile.services.mozilla.com"
    );

    // the hybrid sample: PQ group named, key share size, ServerHello's choice
    let pq = events(job_named(&jobs, "pq.pcap"), "tls");
    let c = &pq[0]["conclusion"]["tls"];
    assert_eq!(c["pq_groups"], serde_json::json!(["X25519MLKEM768"]));
    assert_eq!(c["versions"], serde_json::json!(["TLS 1.3", "TLS 1.2"]));
    let stream = &pq[0]["data"]["streams"][0];
    assert_eq!(stream["client_hellos"][0]["key_shares"][0]["bytes"], 1216);
    assert_eq!(
        stream["server_hellos"][0]["group"]["name"],
        "X25519MLKEM768"
    );

    // a capture cut inside a record: what was read is kept, the cut is a failure shape
    let cut = events(job_named(&jobs, "cut.pcap"), "tls");
    assert_eq!(cut[0]["status"], "ok");
    assert_eq!(
        cut[0]["conclusion"]["failures"],
        serde_json::json!(["truncated"])
    );

    // tshark is in the run's inventory (pipelines/setup.sh installs it): it
    // ran on every capture, and agreed
    for name in ["tls12.pcap", "pq.pcap"] {
        let job = job_named(&jobs, name);
        let tool = events(job, "tool:tshark");
        assert_eq!(tool.len(), 1, "{name}");
        assert_eq!(tool[0]["status"], "ok", "{name}: {}", tool[0]);
        let x = events(job, "tshark_crosscheck");
        assert_eq!(x.len(), 1, "{name}");
        assert_eq!(x[0]["status"], "ok", "{name}: {}", x[0]);
        assert_eq!(x[0]["data"]["agree"], true, "{name}: {}", x[0]);
    }

    // /usr/bin/openssl links libssl: a consumer, not a copy of OpenSSL
    let libs = events(job_named(&jobs, "openssl"), "libraries");
    let first = &libs[0]["conclusion"]["libraries"][0];
    assert_eq!(first["name"], "openssl");
    assert_eq!(first["role"], "consumer");
    assert!(
        first["evidence"]
            .as_array()
            .unwrap()
            .contains(&Value::from("needed"))
    );
    let deep = events(job_named(&jobs, "openssl"), "deep");
    assert_eq!(deep[0]["status"], "skipped");

    // garbage with an ELF magic: a failure shape, not a crash; the byte
    // scans still run and find nothing
    let bad = job_named(&jobs, "not-a-binary.elf");
    let object = events(bad, "object");
    assert_eq!(object.len(), 1);
    assert_eq!(object[0]["status"], "error");
    assert_eq!(object[0]["error"]["kind"], "truncated", "{}", object[0]);
    assert_eq!(events(bad, "libraries")[0]["status"], "ok");
    assert_eq!(events(bad, "deep")[0]["reason"], "not_needed:confident");
}

#[test]
fn output_is_identical_at_any_thread_count() {
    let f = fixture();
    let (code, one, err) = run("fx-fingerprint", &["--run", &f.run, "-j", "1"], &f.routed);
    assert_eq!(code, 0, "-j 1: {err}");
    let (code, four, err) = run("fx-fingerprint", &["--run", &f.run, "-j", "4"], &f.routed);
    assert_eq!(code, 0, "-j 4: {err}");
    assert_eq!(jobs(&one).len(), 5);
    assert_eq!(one, four);
}

#[test]
fn cli_conventions() {
    let (code, out, _) = run("fx-fingerprint", &["--help"], b"");
    assert_eq!(code, 0);
    assert!(String::from_utf8_lossy(&out).contains("fx-fingerprint --run"));
    let (code, _, err) = run("fx-fingerprint", &["--bogus"], b"");
    assert_eq!(code, 2, "{err}");
    let f = fixture();
    let (code, out, err) = run("fx-fingerprint", &["--run", &f.run], b"{not json\n");
    assert_eq!(code, 1, "{err}");
    assert!(out.is_empty(), "no partial line is written");
    assert!(err.starts_with("fx-fingerprint: line 1: "), "{err}");
}

/// Deep work: gated in by `--heavy-work` and a trigger (crypto constants
/// with no library), capped by the run's lock files, cached: a second run of
/// the stage hits the cache and writes byte-identical events.
#[test]
fn deep_work_is_gated_capped_and_cached() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("aes.c");
    std::fs::write(
        &src,
        "static const unsigned char s[32]={0x63,0x7c,0x77,0x7b,0xf2,0x6b,0x6f,0xc5,0x30,0x01,0x67,0x2b,0xfe,0xd7,0xab,0x76,\
         0xca,0x82,0xc9,0x7d,0xfa,0x59,0x47,0xf0,0xad,0xd4,0xa2,0xaf,0x9c,0xa4,0x72,0xc0};\n\
         int main(int c, char **v){(void)v; return s[c & 31];}\n",
    )
    .unwrap();
    let exe = dir.path().join("aes-table");
    let ok = Command::new("cc")
        .args(["-O1", "-static", "-o"])
        .arg(&exe)
        .arg(&src)
        .status()
        .expect("cc is needed (Debian: gcc, libc6-dev)")
        .success();
    assert!(ok);
    let exe_s = exe.to_str().unwrap();
    for (heavy, expect) in [(false, "skipped"), (true, "ok")] {
        let run_dir = dir
            .path()
            .join(format!("run-{heavy}"))
            .to_str()
            .unwrap()
            .to_owned();
        let mut args = vec!["--run", run_dir.as_str()];
        if heavy {
            args.push("--heavy-work");
        }
        args.push(exe_s);
        let (code, jobs_out, err) = run("fx-ingest", &args, b"");
        assert_eq!(code, 0, "{err}");
        let (code, routed, err) = run("fx-route", &["--run", &run_dir], &jobs_out);
        assert_eq!(code, 0, "fx-route: {err}");
        let (code, first, err) = run("fx-fingerprint", &["--run", &run_dir], &routed);
        assert_eq!(code, 0, "{err}");
        let j = jobs(&first);
        let deep = events(&j[0], "deep");
        assert_eq!(deep[0]["status"], expect, "{}", deep[0]);
        if heavy {
            assert_eq!(deep[0]["data"]["trigger"], "constants_without_library");
            assert_eq!(deep[0]["data"]["instructions"]["isa"], "x86_64");
            assert_eq!(events(&j[0], "radare2")[0]["reason"], "tool_unavailable");
            let (code, second, err) = run("fx-fingerprint", &["--run", &run_dir], &routed);
            assert_eq!(code, 0, "second run: {err}");
            assert_eq!(
                first, second,
                "a cache hit yields exactly the events a miss did"
            );
            let metrics = std::fs::read_to_string(
                Path::new(&run_dir).join("metrics/fingerprint_cache.jsonl"),
            )
            .unwrap();
            assert!(
                metrics.contains("\"miss\"") && metrics.contains("\"hit\""),
                "{metrics}"
            );
            assert!(Path::new(&run_dir).join("locks/heavy-0").exists());
        } else {
            assert_eq!(deep[0]["reason"], "policy:heavy_work_disabled");
        }
    }
}

/// The manual names every step the stage writes and the conformance figure.
#[test]
fn docs_page_matches_the_events() {
    let doc = std::fs::read_to_string(repo().join("docs/fx-fingerprint.md")).unwrap();
    for step in [
        "tls",
        "tshark_crosscheck",
        "tool:tshark",
        "object",
        "constants",
        "libraries",
        "deep",
        "radare2",
    ] {
        assert!(
            doc.contains(&format!("\"step\":\"{step}\"")) || doc.contains(&format!("### `{step}`")),
            "{step}"
        );
    }
    for reason in [
        "not_needed:confident",
        "policy:heavy_work_disabled",
        "tool_unavailable",
    ] {
        assert!(doc.contains(reason), "{reason}");
    }
    assert!(doc.contains("160/160"));
}
