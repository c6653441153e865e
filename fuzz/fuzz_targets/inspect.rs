//! Fuzz target: the whole inspector (sniff, every parser, regions, events) must not panic on any input.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let cfg = fx_inspect::InspectConfig::default();
    let _ = fx_inspect::events(&fx_inspect::inspect(data, &cfg), &cfg);
});
