//! AFL target `probe_hash_lines`: see [`fx_fuzz::probe_hash_lines`].
fn main() {
    let scratch = fx_fuzz::Scratch::new();
    afl::fuzz!(|data: &[u8]| fx_fuzz::probe_hash_lines(&scratch, data));
}
