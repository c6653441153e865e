//! Fuzz target: certificates, CSRs, CRLs must not panic on any input.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let l = fx_formats::der::WalkLimits::default();
    let _ = fx_inspect::x509::certificate(data, l);
    let _ = fx_inspect::x509::csr(data);
    let _ = fx_inspect::x509::crl(data, l);
});
