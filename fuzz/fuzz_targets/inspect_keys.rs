//! Fuzz target: PKCS#8, encrypted PKCS#8, SPKI, PKCS#1, SEC1 must not panic on any input.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = fx_inspect::keys::pkcs8(data);
    let _ = fx_inspect::keys::encrypted_pkcs8(data);
    let _ = fx_inspect::keys::spki(data);
    let _ = fx_inspect::keys::pkcs1_private(data);
    let _ = fx_inspect::keys::pkcs1_public(data);
    let _ = fx_inspect::keys::sec1(data);
});
