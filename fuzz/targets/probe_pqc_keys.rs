//! AFL target `probe_pqc_keys`: see [`fx_fuzz::probe_pqc_keys`].
fn main() {
    let scratch = fx_fuzz::Scratch::new();
    afl::fuzz!(|data: &[u8]| fx_fuzz::probe_pqc_keys(&scratch, data));
}
