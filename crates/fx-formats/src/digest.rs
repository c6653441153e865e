//! Whether a bare hex string can be a digest.
//!
//! A hash or KDF output is indistinguishable from uniform random bytes, so
//! its hex digits are spread evenly. Tables of code points, counters and
//! padded numbers (a Tcl `.enc` encoding file is lines of 64 hex digits such
//! as `0000000100020003…`) have the length of a SHA-256 digest but not its
//! spread: the router and the hash audit must not take them for hashes.

/// True when no hex digit of `s` occurs more than `len / 4 + 3` times
/// (case-insensitive; `s` is assumed to be hex). For uniform digits the
/// mean count is `len / 16`, so the bound is several standard deviations
/// away at every digest length (16 digits: at most 7; 32: 11; 64: 19),
/// while a counter such as `0080008100820083…` has one digit in half of
/// its places.
pub fn hex_looks_random(s: &str) -> bool {
    let mut counts = [0usize; 16];
    for b in s.bytes() {
        if let Some(v) = (b as char).to_digit(16) {
            counts[v as usize] += 1;
        }
    }
    let max = counts.iter().copied().max().unwrap_or(0);
    max <= s.len() / 4 + 3
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_pass_and_counters_do_not() {
        // MD5(""), SHA-1(""), SHA-256(""), NTLM(""), LM("").
        for d in [
            "d41d8cd98f00b204e9800998ecf8427e",
            "da39a3ee5e6b4b0d3255bfef95601890afd80709",
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "31d6cfe0d16ae931b73c59d7e0c089c0",
            "aad3b435b51404eeaad3b435b51404ee",
            "5f4dcc3b5aa765d61d8327deb882cf99",
        ] {
            assert!(hex_looks_random(d), "{d}");
        }
        for t in [
            "0000000100020003000400050006000700080009000A000B000C000D000E000F",
            "0080008100820083008400850086008700880089008A008B008C008D008E008F",
            "00000000000000000000000000000000",
            "ffffffffffffffffffffffffffffffffffffffff",
        ] {
            assert!(!hex_looks_random(t), "{t}");
        }
    }
}
