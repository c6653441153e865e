//! The chain written and checked on a small run directory: the stored
//! leaves and the root against `sha256sum` (an independent implementation
//! of SHA-256), and the finding for each kind of change.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::Command;

use fx_chain::{Chain, Writer, ZERO_HASH, check, record_tree};

fn sha256sum(bytes: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("input");
    std::fs::write(&f, bytes).unwrap();
    let out = Command::new("sha256sum").arg(&f).output().unwrap();
    String::from_utf8(out.stdout).unwrap()[..64].to_owned()
}

/// A run with `reports/` (text and binary, a subdirectory, a hidden
/// temporary file) and `features/`, both recorded.
fn run_with_reports() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let run = dir.path();
    std::fs::create_dir_all(run.join("reports/artifacts")).unwrap();
    std::fs::create_dir_all(run.join("features")).unwrap();
    std::fs::write(run.join("reports/summary.json"), "{\n  \"jobs\": 3\n}\n").unwrap();
    std::fs::write(
        run.join("reports/artifacts/0001.html"),
        "<p>a</p>\n<p>b</p>",
    )
    .unwrap();
    std::fs::write(run.join("reports/picture.png"), [0u8, 1, 2, 3, 255]).unwrap();
    std::fs::write(run.join("reports/.tmp-half-written"), "x").unwrap();
    std::fs::write(run.join("features/features.csv"), "a,b\n1,2\n3,4\n").unwrap();
    record_tree(run, Writer::Features).unwrap();
    record_tree(run, Writer::Report).unwrap();
    dir
}

fn problems(run: &Path) -> Vec<String> {
    check(run).unwrap().problems
}

#[test]
fn a_recorded_run_checks_clean_and_matches_sha256sum() {
    let dir = run_with_reports();
    let run = dir.path();
    let got = check(run).unwrap();
    assert_eq!(got.problems, Vec::<String>::new());
    assert_eq!(got.entries, 4, "csv, html, png, json; not the hidden file");

    // Leaves: line n of the file, newline included, at offset 32 (n - 1).
    let leaves =
        std::fs::read(run.join("manifests/evidence/fx-features/features/features.csv.leaves"))
            .unwrap();
    assert_eq!(leaves.len(), 3 * 32);
    assert_eq!(hex::encode(&leaves[32..64]), sha256sum(b"1,2\n"));
    // An unterminated last line is hashed as it is.
    let html =
        std::fs::read(run.join("manifests/evidence/fx-report/reports/artifacts/0001.html.leaves"))
            .unwrap();
    assert_eq!(hex::encode(&html[32..64]), sha256sum(b"<p>b</p>"));

    // The chain: sorted by path, linked by prev, the head its last line's hash.
    let chain = std::fs::read_to_string(run.join("manifests/evidence/fx-report.jsonl")).unwrap();
    let lines: Vec<&str> = chain.lines().collect();
    let paths: Vec<String> = lines
        .iter()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["path"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(
        paths,
        [
            "reports/artifacts/0001.html",
            "reports/picture.png",
            "reports/summary.json"
        ]
    );
    let png: serde_json::Value = serde_json::from_str(lines[1]).unwrap();
    assert_eq!(png["kind"], "file");
    assert_eq!(png["bytes"], 5);
    assert_eq!(png["sha256"], sha256sum(&[0u8, 1, 2, 3, 255]));
    assert_eq!(png["prev"], sha256sum(lines[0].as_bytes()));
    let first: serde_json::Value = serde_json::from_str(lines[0]).unwrap();
    assert_eq!(first["prev"], ZERO_HASH);

    // The root: sha256sum of the documented text.
    let root: serde_json::Value =
        serde_json::from_slice(&std::fs::read(run.join("manifests/evidence_root.json")).unwrap())
            .unwrap();
    let features =
        std::fs::read_to_string(run.join("manifests/evidence/fx-features.jsonl")).unwrap();
    let text = format!(
        "evidence_root/1\nfx-features 1 {}\nfx-report 3 {}\n",
        sha256sum(features.lines().last().unwrap().as_bytes()),
        sha256sum(lines[2].as_bytes()),
    );
    assert_eq!(root["root"], sha256sum(text.as_bytes()));
    assert_eq!(root["writers"][0]["writer"], "fx-features");
    assert_eq!(root["writers"][1]["entries"], 3);
}

#[test]
fn each_change_is_named() {
    let dir = run_with_reports();
    let run = dir.path();
    let reports = run.join("reports");

    std::fs::write(reports.join("summary.json"), "{\n  \"jobs\": 4\n}\n").unwrap();
    assert_eq!(
        problems(run),
        ["reports/summary.json:2: line edited (its SHA-256 differs from recorded leaf 2)"]
    );
    std::fs::write(reports.join("summary.json"), "{\n  \"jobs\": 3\n}\n").unwrap();
    assert!(problems(run).is_empty());

    std::fs::write(reports.join("picture.png"), [0u8, 1, 2, 3]).unwrap();
    let p = problems(run);
    assert_eq!(p.len(), 1);
    assert_eq!(
        p[0],
        format!(
            "reports/picture.png: content differs from manifests/evidence/fx-report.jsonl:2 (SHA-256 {}, 4 bytes; recorded {}, 5 bytes)",
            sha256sum(&[0u8, 1, 2, 3]),
            sha256sum(&[0u8, 1, 2, 3, 255])
        )
    );
    std::fs::write(reports.join("picture.png"), [0u8, 1, 2, 3, 255]).unwrap();

    std::fs::remove_file(reports.join("artifacts/0001.html")).unwrap();
    std::fs::write(reports.join("extra.svg"), "<svg/>\n").unwrap();
    assert_eq!(
        problems(run),
        [
            "reports/artifacts/0001.html: missing (manifests/evidence/fx-report.jsonl:1 records it)",
            "reports/extra.svg: not in the evidence chain (manifests/evidence/fx-report.jsonl)"
        ]
    );
}

#[test]
fn changes_to_the_chain_and_root_are_named() {
    let dir = run_with_reports();
    let run = dir.path();
    let chain_file = run.join("manifests/evidence/fx-report.jsonl");
    let chain = std::fs::read_to_string(&chain_file).unwrap();
    let lines: Vec<&str> = chain.lines().collect();

    // Two entries swapped.
    std::fs::write(
        &chain_file,
        format!("{}\n{}\n{}\n", lines[1], lines[0], lines[2]),
    )
    .unwrap();
    let p = problems(run);
    assert!(p.contains(&"manifests/evidence/fx-report.jsonl:1: `prev` is not zero on the first entry (lines removed or moved before it)".to_owned()), "{p:?}");
    assert!(p.contains(&"manifests/evidence/fx-report.jsonl:2: reports/artifacts/0001.html after reports/picture.png: entries are in path order (reordered)".to_owned()), "{p:?}");

    // An entry removed.
    std::fs::write(&chain_file, format!("{}\n{}\n", lines[0], lines[2])).unwrap();
    let p = problems(run);
    assert!(p.contains(&"manifests/evidence/fx-report.jsonl: 2 entries where manifests/evidence_root.json records 3 (lines removed)".to_owned()), "{p:?}");
    assert!(
        p.contains(
            &"reports/picture.png: not in the evidence chain (manifests/evidence/fx-report.jsonl)"
                .to_owned()
        ),
        "{p:?}"
    );

    // The leaves edited.
    std::fs::write(&chain_file, &chain).unwrap();
    let leaves = run.join("manifests/evidence/fx-report/reports/summary.json.leaves");
    let mut l = std::fs::read(&leaves).unwrap();
    l[0] ^= 1;
    std::fs::write(&leaves, &l).unwrap();
    let p = problems(run);
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(
        p[0].starts_with("manifests/evidence/fx-report/reports/summary.json.leaves: SHA-256 "),
        "{p:?}"
    );
    l[0] ^= 1;
    std::fs::write(&leaves, &l).unwrap();

    // The root: a writer's chain removed, then the root file removed.
    std::fs::remove_file(run.join("manifests/evidence/fx-features.jsonl")).unwrap();
    let p = problems(run);
    assert!(p.contains(&"manifests/evidence/fx-features.jsonl: missing, but manifests/evidence_root.json records it".to_owned()), "{p:?}");
    assert!(p.contains(&"features/: 1 file(s) (features/features.csv, …) but no evidence chain (manifests/evidence/fx-features.jsonl is missing)".to_owned()), "{p:?}");
    std::fs::remove_file(run.join("manifests/evidence_root.json")).unwrap();
    assert!(problems(run)[0].starts_with("manifests/evidence_root.json: missing"));
}

#[test]
fn rerecording_replaces_the_chain_and_drops_a_stale_signature() {
    let dir = run_with_reports();
    let run = dir.path();
    std::fs::write(run.join("manifests/evidence_root.sig"), [0u8; 64]).unwrap();
    let before = std::fs::read(run.join("manifests/evidence_root.json")).unwrap();
    std::fs::write(run.join("reports/summary.json"), "{}\n").unwrap();
    let mut chain = Chain::begin(run, Writer::Report).unwrap();
    chain.add_tree("reports").unwrap();
    let root = chain.commit().unwrap();
    assert!(check(run).unwrap().problems.is_empty());
    assert!(!run.join("manifests/evidence_root.sig").exists());
    assert_ne!(
        std::fs::read(run.join("manifests/evidence_root.json")).unwrap(),
        before
    );
    assert_eq!(root.writers.len(), 2);
    // Recording the same files again gives the same bytes.
    let chain_before = std::fs::read(run.join("manifests/evidence/fx-report.jsonl")).unwrap();
    record_tree(run, Writer::Report).unwrap();
    assert_eq!(
        std::fs::read(run.join("manifests/evidence/fx-report.jsonl")).unwrap(),
        chain_before
    );
    // What a killed pass left is removed by the next one.
    let stale = run.join("manifests/evidence/.staging-fx-report-999999999");
    std::fs::create_dir_all(stale.join("reports")).unwrap();
    std::fs::write(stale.join("reports/x.leaves"), [0u8; 32]).unwrap();
    record_tree(run, Writer::Report).unwrap();
    assert!(!stale.exists());
    // No staging directory is left behind.
    let names: Vec<String> = std::fs::read_dir(run.join("manifests/evidence"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.starts_with('.')), "{names:?}");
}
