//! AFL target `fingerprint_binary`: see [`fx_fuzz::fingerprint_binary`].
fn main() {
    let scratch = fx_fuzz::Scratch::new();
    afl::fuzz!(|data: &[u8]| fx_fuzz::fingerprint_binary(&scratch, data));
}
