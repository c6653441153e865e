//! AFL target `fingerprint_hello`: see [`fx_fuzz::fingerprint_hello`].
fn main() {
    let scratch = fx_fuzz::Scratch::new();
    afl::fuzz!(|data: &[u8]| fx_fuzz::fingerprint_hello(&scratch, data));
}
