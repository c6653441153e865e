//! Inflating a compressed data packet (RFC 9580 §5.6) into a bounded
//! buffer, so that what it holds (a signed message's one-pass signature,
//! literal data and signature; a key) can be walked like any packets.
//! ZIP (raw deflate, RFC 1951) and ZLIB (RFC 1950) are inflated with
//! miniz_oxide; BZip2 is named, not inflated.

use fx_core::vocab::FailureKind;
use miniz_oxide::inflate::{self, TINFLStatus};

use super::fields::Defect;

/// What inflating gave.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inflated {
    /// The inflated bytes, at most the limit.
    pub data: Vec<u8>,
    /// False when the limit cut the output short.
    pub complete: bool,
}

fn defect(kind: FailureKind, detail: impl Into<String>) -> Defect {
    Defect {
        kind,
        offset: 0,
        detail: detail.into(),
    }
}

/// Inflates the body of a compressed data packet whose algorithm is
/// `algorithm` (the body's first octet, not included in `data`), keeping at
/// most `limit` bytes.
pub fn inflate(algorithm: u8, data: &[u8], limit: usize) -> Result<Inflated, Defect> {
    let r = match algorithm {
        0 => {
            return Ok(Inflated {
                data: data[..data.len().min(limit)].to_vec(),
                complete: data.len() <= limit,
            });
        }
        1 => inflate::decompress_to_vec_with_limit(data, limit),
        2 => inflate::decompress_to_vec_zlib_with_limit(data, limit),
        3 => {
            return Err(defect(
                FailureKind::UnsupportedAlgorithm,
                "BZip2 compressed data is not inflated",
            ));
        }
        a => {
            return Err(defect(
                FailureKind::UnsupportedAlgorithm,
                format!("compression algorithm {a}"),
            ));
        }
    };
    match r {
        Ok(data) => Ok(Inflated {
            data,
            complete: true,
        }),
        Err(e) if e.status == TINFLStatus::HasMoreOutput => Ok(Inflated {
            data: e.output,
            complete: false,
        }),
        Err(e) => Err(defect(
            FailureKind::InvalidValue,
            format!("compressed data does not inflate ({:?})", e.status),
        )),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn stored_deflate_and_limits() {
        // A raw deflate stored block: BFINAL=1 BTYPE=00, LEN=3, NLEN=!3, "PGP".
        let stored = [0x01, 0x03, 0x00, 0xFC, 0xFF, b'P', b'G', b'P'];
        let i = inflate(1, &stored, 1024).unwrap();
        assert_eq!(i.data, b"PGP");
        assert!(i.complete);
        let i = inflate(1, &stored, 2).unwrap();
        assert_eq!((i.data.len(), i.complete), (2, false));
        // The same as zlib: header 78 01, the block, Adler-32 of "PGP".
        let mut z = vec![0x78, 0x01];
        z.extend_from_slice(&stored);
        let a = {
            let (mut s1, mut s2) = (1u32, 0u32);
            for &b in b"PGP" {
                s1 = (s1 + u32::from(b)) % 65521;
                s2 = (s2 + s1) % 65521;
            }
            (s2 << 16) | s1
        };
        z.extend_from_slice(&a.to_be_bytes());
        assert_eq!(inflate(2, &z, 1024).unwrap().data, b"PGP");
        assert!(!inflate(0, b"abc", 2).unwrap().complete);
    }

    #[test]
    fn broken_streams_are_defects() {
        // BTYPE=11 is reserved.
        assert_eq!(
            inflate(1, &[0x07, 0, 0], 64).unwrap_err().kind,
            FailureKind::InvalidValue
        );
        assert_eq!(
            inflate(2, &[0x78, 0x02, 0, 0], 64).unwrap_err().kind,
            FailureKind::InvalidValue
        );
        assert_eq!(
            inflate(3, b"BZh9", 64).unwrap_err().kind,
            FailureKind::UnsupportedAlgorithm
        );
        for n in 0..64u8 {
            let junk: Vec<u8> = (0..200u16)
                .map(|i| (i as u8).wrapping_mul(n | 1) ^ n)
                .collect();
            let _ = (inflate(1, &junk, 4096), inflate(2, &junk, 4096));
        }
    }
}
