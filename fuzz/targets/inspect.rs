//! AFL target `inspect`: see [`fx_fuzz::inspect`].
fn main() {
    let scratch = fx_fuzz::Scratch::new();
    afl::fuzz!(|data: &[u8]| fx_fuzz::inspect(&scratch, data));
}
