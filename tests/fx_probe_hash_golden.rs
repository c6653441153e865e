//! Golden snapshots of the audit of the bundled hash samples
//! (`samples/hashes/`): the `hash` conclusion and the event data, under both
//! baselines. A change in identification, parameters or weaknesses shows up
//! here as a reviewed snapshot diff.

use fx_probe::hash_kdf::audit::audit;
use fx_probe::hash_kdf::baseline::BASELINES;

#[test]
fn sample_audits() {
    let mut out = String::new();
    for name in ["mixed.txt", "shadow.txt", "pwdump.txt"] {
        let bytes = std::fs::read(format!("samples/hashes/{name}")).expect("sample");
        for b in BASELINES {
            let a = audit(&bytes, b, 10_000, 16 << 20);
            let record = serde_json::json!({
                "sample": name,
                "baseline": b.name,
                "hash": a.conclusion(b),
                "data": a.data(b),
            });
            out.push_str(&serde_json::to_string_pretty(&record).expect("json"));
            out.push('\n');
        }
    }
    insta::assert_snapshot!("hash_sample_audits", out);
}
