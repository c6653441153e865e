//! AFL target `route`: see [`fx_fuzz::route`].
fn main() {
    let scratch = fx_fuzz::Scratch::new();
    afl::fuzz!(|data: &[u8]| fx_fuzz::route(&scratch, data));
}
