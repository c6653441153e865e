//! Whether bytes open a zlib stream (RFC 1950): the two-byte header (CM 8,
//! a window ≤ 32 KiB, no preset dictionary, the check mod 31) holds for
//! about one uniform byte string in a thousand, so a header alone is a
//! hint, not a recognition. [`plausible_stream`] also inflates a bounded
//! prefix: random bytes fail within a few blocks (a reserved block type, an
//! impossible Huffman table, a stored block whose length and complement
//! disagree), a real stream — whole or cut short — does not.

use miniz_oxide::inflate::{TINFLStatus, decompress_to_vec_zlib_with_limit};

/// Most input inflated (a prefix is enough to reject random bytes).
pub const MAX_INPUT: usize = 64 * 1024;
/// Most output produced before the stream counts as plausible.
pub const MAX_OUTPUT: usize = 1024 * 1024;

/// True when `bytes` have a zlib header and at most [`MAX_INPUT`] of them
/// inflate without error (the end of the input or of the output budget may
/// come first; a complete stream must match its Adler-32).
pub fn plausible_stream(bytes: &[u8]) -> bool {
    if !header(bytes) {
        return false;
    }
    let input = &bytes[..bytes.len().min(MAX_INPUT)];
    match decompress_to_vec_zlib_with_limit(input, MAX_OUTPUT) {
        Ok(_) => true,
        Err(e) => matches!(
            e.status,
            TINFLStatus::FailedCannotMakeProgress
                | TINFLStatus::NeedsMoreInput
                | TINFLStatus::HasMoreOutput
        ),
    }
}

/// The RFC 1950 header test alone: CM = 8, CINFO ≤ 7, FDICT clear and
/// `(CMF·256 + FLG) % 31 == 0`.
pub fn header(bytes: &[u8]) -> bool {
    match bytes {
        [cmf, flg, ..] => {
            cmf & 0x0f == 8
                && cmf >> 4 <= 7
                && flg & 0x20 == 0
                && (u16::from(*cmf) << 8 | u16::from(*flg)) % 31 == 0
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `zlib.compress(b"fx " * 200)` (CPython's zlib, level 6).
    const STREAM: [u8; 17] = [
        0x78, 0x9c, 0x4b, 0xab, 0x50, 0x48, 0x1b, 0x45, 0xa3, 0x88, 0xda, 0x08, 0x00, 0x35, 0x27,
        0xc6, 0x71,
    ];

    #[test]
    fn a_real_stream_whole_or_cut_is_plausible() {
        assert!(plausible_stream(&STREAM));
        assert!(plausible_stream(&STREAM[..8]));
        let mut bad_adler = STREAM;
        bad_adler[16] ^= 1;
        assert!(!plausible_stream(&bad_adler));
    }

    #[test]
    fn a_header_on_random_bytes_is_not_a_stream() {
        // The first 16 bytes of a pqcrypto SLH-DSA-SHA2-256s signature:
        // `48 c7` passes the header check.
        let sig = [
            0x48, 0xc7, 0x79, 0xe3, 0x01, 0x39, 0xf1, 0xb1, 0x4e, 0x12, 0x93, 0x29, 0x62, 0xeb,
            0x1c, 0x2b,
        ];
        assert!(header(&sig));
        assert!(!plausible_stream(&sig));
        assert!(!header(&[0x78]));
        assert!(!header(&[0x78, 0x9d]));
    }
}
