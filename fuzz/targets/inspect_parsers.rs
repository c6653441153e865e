//! AFL target `inspect_parsers`: see [`fx_fuzz::inspect_parsers`].
fn main() {
    let scratch = fx_fuzz::Scratch::new();
    afl::fuzz!(|data: &[u8]| fx_fuzz::inspect_parsers(&scratch, data));
}
