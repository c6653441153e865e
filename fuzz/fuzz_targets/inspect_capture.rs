//! Fuzz target: pcap/pcapng structure must not panic on any input.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = fx_inspect::capture::capture(data);
});
