//! Fuzz target: OpenSSH keys must not panic on any input.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = fx_inspect::openssh::private_key(data);
    let _ = fx_inspect::openssh::public_keys(data);
});
