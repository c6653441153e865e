//! Hashes made by real libraries and tools (`tests/data/hashes/generate.py`:
//! passlib, bcrypt, argon2-cffi, hashlib, openssl passwd, mkpasswd, htpasswd)
//! with known scheme and parameters: fx must name the scheme and hashcat mode
//! and read back every parameter the generator set.

use fx_probe::hash_kdf::identify;

#[test]
fn generated_hashes_are_identified_with_their_parameters() {
    let text =
        std::fs::read_to_string("tests/data/hashes/generated.tsv").expect("generated hashes");
    let mut checked = 0usize;
    let mut failures = Vec::new();
    for (n, row) in text.lines().enumerate() {
        if row.starts_with('#') || row.is_empty() {
            continue;
        }
        let cols: Vec<&str> = row.splitn(4, '\t').collect();
        let [scheme, mode, params, line] = cols[..] else {
            panic!("line {}: expected 4 tab-separated columns", n + 1);
        };
        let want_mode: Option<u32> = mode.parse().ok();
        let want: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(params).expect("params JSON");
        checked += 1;
        let Some(id) = identify(line) else {
            failures.push(format!("line {}: {scheme} not identified: {line}", n + 1));
            continue;
        };
        let top = id.top();
        if top.scheme != scheme || top.hashcat_mode != want_mode {
            failures.push(format!(
                "line {}: want {scheme} {want_mode:?}, got {} {:?}",
                n + 1,
                top.scheme,
                top.hashcat_mode
            ));
            continue;
        }
        let got = serde_json::to_value(id.params()).expect("params serialize");
        for (key, value) in &want {
            if got.get(key) != Some(value) {
                failures.push(format!(
                    "line {}: {scheme} {key}: want {value}, got {:?}",
                    n + 1,
                    got.get(key)
                ));
            }
        }
    }
    println!(
        "generated hashes: {checked} lines checked, {} failures",
        failures.len()
    );
    assert!(checked >= 80, "too few generated hashes: {checked}");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
