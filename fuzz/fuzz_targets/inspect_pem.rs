//! Fuzz target: PEM scanning must not panic on any input.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = fx_formats::pem::scan(data, 64);
});
