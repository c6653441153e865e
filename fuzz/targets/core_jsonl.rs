//! AFL target `core_jsonl`: see [`fx_fuzz::core_jsonl`].
fn main() {
    let scratch = fx_fuzz::Scratch::new();
    afl::fuzz!(|data: &[u8]| fx_fuzz::core_jsonl(&scratch, data));
}
