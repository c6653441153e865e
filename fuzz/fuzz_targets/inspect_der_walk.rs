//! Fuzz target: the generic DER/BER walker must not panic on any input.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let w = fx_formats::der::walk(data, fx_formats::der::WalkLimits::default());
    let _ = fx_formats::der::oids_in(data, &w);
});
