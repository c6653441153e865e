//! Base64 and hex text: the decoded prefix is sniffed again, one level deep
//! (a decoded payload that is itself encoded is not decoded again), and its
//! findings are kept with a `base64>`/`hex>` signal prefix at 85 % of their
//! confidence.

use base64::Engine as _;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use fx_core::vocab::{Encoding, Label};

use crate::findings::{Findings, conf};
use crate::input::Input;

/// Decoding layers followed at most.
const MAX_DEPTH: u8 = 1;
/// Scale of decoded findings, permille.
const DECODED_SCALE: u16 = 850;

const LENIENT: GeneralPurposeConfig = GeneralPurposeConfig::new()
    .with_decode_padding_mode(DecodePaddingMode::Indifferent)
    .with_decode_allow_trailing_bits(true);
const STD: GeneralPurpose = GeneralPurpose::new(&base64::alphabet::STANDARD, LENIENT);
const URL: GeneralPurpose = GeneralPurpose::new(&base64::alphabet::URL_SAFE, LENIENT);

/// Character classes of a text, counted in one pass.
#[derive(Default)]
struct Classes {
    chars: usize,
    hex: usize,
    upper: usize,
    lower: usize,
    digit: usize,
    std_only: usize,
    url_only: usize,
    pad: usize,
    pad_then_more: bool,
}

/// Counts the classes; `None` at the first byte that is neither base64,
/// hex nor whitespace (prose fails within a few bytes).
fn classes(b: &[u8]) -> Option<Classes> {
    let mut c = Classes::default();
    let mut spaces = false;
    for &x in b {
        if x.is_ascii_whitespace() {
            // Base64 text breaks lines but has no spaces; hex dumps may.
            spaces |= x == b' ' || x == b'\t';
            if spaces && c.hex < c.chars {
                return None;
            }
            continue;
        }
        if c.pad > 0 && x != b'=' {
            c.pad_then_more = true;
        }
        c.chars += 1;
        match x {
            b'0'..=b'9' => {
                c.digit += 1;
                c.hex += 1;
            }
            b'a'..=b'f' => {
                c.lower += 1;
                c.hex += 1;
            }
            b'A'..=b'F' => {
                c.upper += 1;
                c.hex += 1;
            }
            _ if spaces => return None,
            b'g'..=b'z' => c.lower += 1,
            b'G'..=b'Z' => c.upper += 1,
            b'+' | b'/' => c.std_only += 1,
            b'-' | b'_' => c.url_only += 1,
            b'=' => c.pad += 1,
            _ => return None,
        }
    }
    Some(c)
}

/// Adds the base64/hex findings of `inp`.
pub fn sniff(inp: &Input<'_>, f: &mut Findings) {
    if inp.depth >= MAX_DEPTH || !inp.stats.is_text {
        return;
    }
    // Armored or otherwise recognised text is decoded by the sniffer that knew it.
    if matches!(
        f.encoding_so_far(),
        Some((Encoding::Pem | Encoding::Base64, _))
    ) || f.best_except(&[Label::HashKdfMaterial]) >= conf::STRONG
        || f.confidence(Label::HashKdfMaterial) >= conf::STRONG
    {
        return;
    }
    let b = inp.bytes;
    let Some(c) = classes(b) else { return };
    if c.chars < 24 || c.pad_then_more || c.pad > 2 {
        return;
    }
    let complete = inp.complete();
    let hex_text = c.hex == c.chars && (c.chars % 2 == 0 || !complete);
    if !hex_text {
        let classes_present =
            usize::from(c.upper > 0) + usize::from(c.lower > 0) + usize::from(c.digit > 0);
        let varied = classes_present == 3 || classes_present == 2 && c.chars >= 64;
        if !varied || c.std_only > 0 && c.url_only > 0 {
            return;
        }
    }
    let compact: Vec<u8> = b
        .iter()
        .copied()
        .filter(|x| !x.is_ascii_whitespace())
        .collect();
    let (encoding, decoded) = if hex_text {
        let even = &compact[..compact.len() & !1];
        (Encoding::Hex, hex::decode(even).ok())
    } else {
        let usable = if complete {
            compact.len()
        } else {
            compact.len() & !3
        };
        let body = &compact[..usable];
        let engine = if c.url_only > 0 { &URL } else { &STD };
        (Encoding::Base64, engine.decode(body).ok())
    };
    let Some(decoded) = decoded.filter(|d| d.len() >= 8) else {
        return;
    };
    let tag = match encoding {
        Encoding::Hex => "hex>",
        _ => "base64>",
    };
    let size = complete.then_some(decoded.len() as u64);
    let inner = Input::new(&decoded, size, inp.depth + 1);
    let found = super::findings(&inner);
    f.absorb(found, tag, DECODED_SCALE);
    f.encoding(encoding, conf::STRONG);
}

#[cfg(test)]
mod tests {
    use super::*;
    use fx_core::vocab::Container;

    fn run(s: &str) -> crate::findings::Verdict {
        crate::sniff::sniff(s.as_bytes(), s.len() as u64)
    }

    #[test]
    fn base64_der_certificate_is_still_a_certificate() {
        // SEQUENCE { SEQUENCE { [0] { INTEGER 2 } INTEGER 1 … } … } is enough for the shape.
        let der = [
            0x30u8, 0x0e, 0x30, 0x07, 0xa0, 0x03, 0x02, 0x01, 0x02, 0x02, 0x00, 0x30, 0x00, 0x03,
            0x01, 0x00,
        ];
        let text = STD.encode(der);
        let v = run(&format!("{text}\n"));
        assert_eq!(v.labels[0].label, Label::Certificate, "{v:?}");
        assert_eq!(v.encoding, Some(Encoding::Base64));
        assert_eq!(v.container, Some(Container::X509Certificate));
        assert!(v.labels[0].signals[0].starts_with("base64>der:"));
    }

    #[test]
    fn spaced_hex_is_hex_and_prose_is_not_base64() {
        let v = run("1f 8b 08 00 00 00 00 00 00 03 cb c8 e4 02 00 00 00 00 00 00\n");
        assert_eq!(v.encoding, Some(Encoding::Hex));
        let v = run("these are plain words without any digits at all in them\n");
        assert_eq!(v.encoding, Some(Encoding::Text));
    }

    #[test]
    fn hex_gzip_and_prose_lookalike() {
        let v = run("1f8b0800000000000003cbc8e4020000000000\n");
        assert_eq!(v.encoding, Some(Encoding::Hex));
        assert_eq!(v.labels[0].label, Label::Compressed);
        let v = run("ThisIsJustAVeryLongIdentifierWithoutDigits\n");
        assert_ne!(v.encoding, Some(Encoding::Base64));
    }
}
