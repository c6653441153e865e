//! DESIGN §8 for every command at once: `--help` and `--version` exit 0,
//! bad usage is one line naming the command and exits 2, a missing `--run`
//! names the missing argument, and a run directory that does not exist is a
//! one-line failure (exit 1; 2 for fx-report, whose 1 means `--fail-on`).
#![allow(clippy::unwrap_used)]

mod common;

const COMMANDS: &[&str] = &[
    "fx-ingest",
    "fx-route",
    "fx-inspect",
    "fx-probe",
    "fx-fingerprint",
    "fx-seq",
    "fx-features",
    "fx-report",
];

fn one_line_from(name: &str, stderr: &[u8]) -> String {
    let err = String::from_utf8(stderr.to_vec()).unwrap();
    assert!(
        err.starts_with(&format!("{name}: ")) && err.lines().count() == 1,
        "{name}: not a one-line error: {err:?}"
    );
    err
}

#[test]
fn help_version_and_bad_usage() {
    for name in COMMANDS {
        let help = common::run_cmd(name, &["--help"], b"");
        assert!(help.status.success(), "{name} --help");
        assert!(!help.stdout.is_empty(), "{name} --help printed nothing");
        let version = common::run_cmd(name, &["--version"], b"");
        assert!(version.status.success(), "{name} --version");
        assert!(
            String::from_utf8_lossy(&version.stdout).contains(env!("CARGO_PKG_VERSION")),
            "{name} --version"
        );
        let bad = common::run_cmd(name, &["--no-such-flag"], b"");
        assert_eq!(bad.status.code(), Some(2), "{name} --no-such-flag");
        let err = one_line_from(name, &bad.stderr);
        assert!(err.contains("--no-such-flag"), "{name}: {err}");
    }
}

#[test]
fn missing_run_is_named_and_a_missing_run_directory_is_one_line() {
    for name in COMMANDS.iter().filter(|n| **n != "fx-ingest") {
        let out = std::process::Command::new(common::bin(name))
            .env_remove("FX_RUN")
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{name} without --run");
        let err = one_line_from(name, &out.stderr);
        assert!(err.contains("--run"), "{name}: {err}");

        let out = common::run_cmd(name, &["--run", "/nonexistent/fx-run"], b"{}\n");
        // fx-report keeps 1 for `--fail-on` (a finding at or above the
        // threshold), so bad input, a missing run included, is 2 there.
        let expected = if *name == "fx-report" { 2 } else { 1 };
        assert_eq!(
            out.status.code(),
            Some(expected),
            "{name} with a missing run"
        );
        let err = one_line_from(name, &out.stderr);
        assert!(err.contains("/nonexistent/fx-run"), "{name}: {err}");
    }
}
