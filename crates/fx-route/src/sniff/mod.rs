//! The sniffers: one small unit per kind of evidence, listed in one table
//! and run in table order over the same [`Input`]. Adding a sniffer touches
//! one file and one line of [`SNIFFERS`].
//!
//! Order matters in one way only: the sniffers that conclude from the
//! *absence* of structure (`pqc_size`, `entropy`, `text`) run last and look
//! at what the structural ones found.

use crate::findings::{Findings, Verdict};
use crate::input::Input;

pub mod der;
pub mod encoded;
pub mod entropy;
pub mod hash_syntax;
pub mod jose;
pub mod magic;
pub mod openssh;
pub mod pem;
pub mod pqc_size;
pub mod smime;
pub mod tls;

/// A sniffer: reads the input, adds to the findings. Never panics, never
/// allocates in proportion to a length read from the input.
pub type SniffFn = fn(&Input<'_>, &mut Findings);

/// Every sniffer, in the order they run.
pub const SNIFFERS: &[(&str, SniffFn)] = &[
    ("magic", magic::sniff),
    ("tls", tls::sniff),
    ("der", der::sniff),
    ("pem", pem::sniff),
    ("smime", smime::sniff),
    ("openssh", openssh::sniff),
    ("hash_syntax", hash_syntax::sniff),
    ("jose", jose::sniff),
    ("encoded", encoded::sniff),
    ("pqc_size", pqc_size::sniff),
    ("entropy", entropy::sniff),
];

/// Runs every sniffer over `input` and returns the raw findings.
pub fn findings(input: &Input<'_>) -> Findings {
    let mut f = Findings::default();
    for (_, sniffer) in SNIFFERS {
        sniffer(input, &mut f);
    }
    f
}

/// Sniffs a prefix of an artifact of `size` bytes and concludes.
///
/// This is the library entry point of the router (used by the stage, the
/// tests and the fuzz target): it reads nothing but `prefix`.
pub fn sniff(prefix: &[u8], size: u64) -> Verdict {
    let input = Input::new(prefix, Some(size), 0);
    let f = findings(&input);
    if size == 0 {
        return f.conclude("size:empty");
    }
    f.conclude("nothing:fits")
}
