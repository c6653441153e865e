//! Prints fx-inspect's events for the files named on the command line
//! (library entry point, no run directory): `cargo run -p fx-inspect
//! --example inspect_file -- cert.pem`.
#![allow(clippy::unwrap_used)]

fn main() {
    let cfg = fx_inspect::InspectConfig::default();
    for path in std::env::args().skip(1) {
        let bytes = std::fs::read(&path).unwrap();
        let evs = fx_inspect::events(&fx_inspect::inspect(&bytes, &cfg), &cfg);
        println!(
            "{}",
            serde_json::to_string(&serde_json::json!({"path": path, "events": evs})).unwrap()
        );
    }
}
