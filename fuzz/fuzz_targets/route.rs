//! Fuzz target of the router's sniffers: any bytes, any claimed size.
//! The first 8 bytes choose the claimed artifact size (the stage trusts the
//! job line's size, which a hostile line may get wrong); the rest is the
//! sniffed prefix.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (size, prefix) = match data.split_first_chunk::<8>() {
        Some((head, rest)) if head[0] & 1 == 1 => (u64::from_le_bytes(*head), rest),
        Some((_, rest)) => (rest.len() as u64, rest),
        None => (data.len() as u64, data),
    };
    let verdict = fx_route::sniff(prefix, size);
    assert!(!verdict.labels.is_empty());
});
