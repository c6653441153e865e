//! Fuzz target: PKCS#12 must not panic on any input.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = fx_inspect::pkcs12::pkcs12(data);
});
