//! AFL target `probe`: see [`fx_fuzz::probe`].
fn main() {
    let scratch = fx_fuzz::Scratch::new();
    afl::fuzz!(|data: &[u8]| fx_fuzz::probe(&scratch, data));
}
