//! AFL target `fingerprint_capture`: see [`fx_fuzz::fingerprint_capture`].
fn main() {
    let scratch = fx_fuzz::Scratch::new();
    afl::fuzz!(|data: &[u8]| fx_fuzz::fingerprint_capture(&scratch, data));
}
