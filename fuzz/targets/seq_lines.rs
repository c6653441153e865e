//! AFL target `seq_lines`: see [`fx_fuzz::seq_lines`].
fn main() {
    let scratch = fx_fuzz::Scratch::new();
    afl::fuzz!(|data: &[u8]| fx_fuzz::seq_lines(&scratch, data));
}
