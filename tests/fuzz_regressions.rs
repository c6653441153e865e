//! Replays the fuzz corpus: every input under `fuzz/regressions/<target>/`
//! (the inputs AFL++ kept because they found new coverage, minimized;
//! docs/fuzzing.md) goes through the same entry function the AFL target
//! calls ([`fx_fuzz::TARGETS`], compiled here from `fuzz/src/lib.rs`). An
//! entry function panics on a parser panic or a broken invariant, and so
//! fails this test, naming the input.
#![allow(clippy::unwrap_used)]

#[path = "../fuzz/src/lib.rs"]
#[allow(dead_code)]
mod fx_fuzz;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

#[test]
fn every_regression_input_replays_without_panic() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions");
    let scratch = fx_fuzz::Scratch::new();
    let mut failures = Vec::new();
    let mut replayed = 0usize;
    for (name, entry) in fx_fuzz::TARGETS {
        let dir = root.join(name);
        let mut inputs: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e} (every target keeps its corpus)", dir.display()))
            .map(|e| e.unwrap().path())
            .collect();
        inputs.sort();
        assert!(!inputs.is_empty(), "{}: no inputs", dir.display());
        for path in inputs {
            let bytes = std::fs::read(&path).unwrap();
            if catch_unwind(AssertUnwindSafe(|| entry(&scratch, &bytes))).is_err() {
                failures.push(path.display().to_string());
            }
            replayed += 1;
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {replayed} inputs panicked: {failures:#?}",
        failures.len()
    );
}

#[test]
fn every_target_has_a_binary_and_a_corpus() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
    let script = std::fs::read_to_string(root.join("../pipelines/fuzz.sh")).unwrap();
    for (name, _) in fx_fuzz::TARGETS {
        assert!(
            root.join("targets").join(format!("{name}.rs")).is_file(),
            "fuzz/targets/{name}.rs"
        );
        assert!(
            manifest.contains(&format!("name = \"{name}\"")),
            "fuzz/Cargo.toml [[bin]] {name}"
        );
        assert!(
            script.contains(name),
            "pipelines/fuzz.sh's target list lacks {name}"
        );
        assert!(
            root.join("regressions").join(name).is_dir(),
            "fuzz/regressions/{name}"
        );
    }
}
