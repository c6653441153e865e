//! Magic numbers: executables (ELF, PE, Mach-O thin and fat), captures
//! (pcap in all four byte-order/precision forms, pcapng), compression
//! (gzip, zlib, zstd, xz, bzip2, zip, 7z, lz4), encryption wrappers
//! (`openssl enc`'s `Salted__`, age), and ordinary non-crypto formats
//! (images, documents, fonts, media, compiled Python bytecode, gettext
//! catalogues, SQLite, WebAssembly): those are `plaintext` — recognised
//! content that is not encrypted — so neither their entropy nor their size
//! is taken for ciphertext or a key.

use fx_core::vocab::{Container, Encoding, Label};
use fx_formats::capture::{Magic, Timestamps};

use crate::findings::{Findings, conf};
use crate::input::Input;

fn u16_le(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}
fn u16_be(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(b.get(at..at + 2)?.try_into().ok()?))
}
fn u32_le(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}
fn u32_be(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// Adds the magic-number findings of `inp`.
pub fn sniff(inp: &Input<'_>, f: &mut Findings) {
    let b = inp.bytes;
    executables(inp, f);
    captures(b, f);
    compression(b, f);
    encryption(b, f);
    documents(b, f);
}

/// True when the magic numbers of `prefix` alone settle the type with
/// certainty as an executable, a capture or a compressed stream: reading
/// further would change nothing but the entropy figure.
pub fn settles(prefix: &[u8], size: Option<u64>) -> bool {
    let mut f = Findings::default();
    let inp = Input::bare(prefix, size);
    executables(&inp, &mut f);
    captures(prefix, &mut f);
    compression(prefix, &mut f);
    documents(prefix, &mut f);
    f.best() >= conf::CERTAIN
}

fn binary(f: &mut Findings, confidence: u16, signal: &str, container: Option<Container>) {
    f.add(Label::BinaryTarget, confidence, signal);
    if let Some(c) = container {
        f.container(c, confidence);
    }
    f.encoding(Encoding::Raw, confidence);
}

fn executables(inp: &Input<'_>, f: &mut Findings) {
    let b = inp.bytes;
    if b.starts_with(b"\x7fELF") {
        // EI_CLASS 1|2, EI_DATA 1|2, EI_VERSION 1.
        let valid = matches!(b.get(4), Some(1 | 2))
            && matches!(b.get(5), Some(1 | 2))
            && b.get(6) == Some(&1);
        if valid {
            binary(f, conf::CERTAIN, "magic:elf", Some(Container::Elf));
        } else {
            binary(f, conf::PLAUSIBLE, "magic:elf_bad_ident", None);
        }
    }
    if b.starts_with(b"MZ") {
        match u32_le(b, 0x3c) {
            Some(off) if b.get(off as usize..off as usize + 4) == Some(b"PE\0\0") => {
                binary(f, conf::CERTAIN, "magic:pe", Some(Container::Pe));
            }
            Some(off)
                if b.len() < off as usize + 4
                    && inp.size.is_none_or(|s| u64::from(off) + 4 <= s) =>
            {
                binary(f, conf::PLAUSIBLE, "magic:mz_pe_header_beyond_sniff", None);
            }
            _ if b.len() >= 64 => binary(f, conf::WEAK, "magic:mz_only", None),
            _ => {}
        }
    }
    match u32_be(b, 0) {
        Some(0xfeed_face | 0xfeed_facf) => {
            binary(f, conf::CERTAIN, "magic:macho_be", Some(Container::Macho))
        }
        Some(0xcefa_edfe | 0xcffa_edfe) => {
            binary(f, conf::CERTAIN, "magic:macho_le", Some(Container::Macho))
        }
        Some(0xcafe_babe) => {
            // Shared with Java class files: fat headers count architectures
            // (small), class files put a major version >= 45 at offset 6.
            match u32_be(b, 4) {
                Some(1..=32) => binary(f, conf::STRONG, "magic:macho_fat", Some(Container::Macho)),
                _ if u16_be(b, 6).is_some_and(|v| v >= 45) => {
                    binary(f, conf::LIKELY, "magic:java_class", None)
                }
                _ => {}
            }
        }
        Some(0xcafe_babf) if matches!(u32_be(b, 4), Some(1..=32)) => {
            binary(f, conf::STRONG, "magic:macho_fat64", Some(Container::Macho))
        }
        _ => {}
    }
}

fn capture(f: &mut Findings, confidence: u16, signal: &str, container: Container) {
    f.add(Label::ProtocolCapture, confidence, signal);
    f.container(container, confidence);
    f.encoding(Encoding::Raw, confidence);
}

fn captures(b: &[u8], f: &mut Findings) {
    // pcap: the magic gives byte order and timestamp precision; version 2.x follows.
    let Some(magic) = Magic::read(b) else { return };
    match magic {
        Magic::Pcap {
            timestamps: Timestamps::Modified,
            ..
        } => {}
        Magic::Pcap {
            big_endian,
            timestamps,
        } if magic.pcap_major_version(b) == Some(2) => {
            let signal = match (big_endian, timestamps) {
                (true, Timestamps::Micro) => "magic:pcap_be_us",
                (false, Timestamps::Micro) => "magic:pcap_le_us",
                (true, _) => "magic:pcap_be_ns",
                (false, _) => "magic:pcap_le_ns",
            };
            capture(f, conf::CERTAIN, signal, Container::Pcap)
        }
        Magic::Pcap { .. } => capture(f, conf::LIKELY, "magic:pcap_odd_version", Container::Pcap),
        // Section header block, then the byte-order magic in either order.
        Magic::Pcapng { big_endian } => match big_endian {
            Some(true) => capture(f, conf::CERTAIN, "magic:pcapng_be", Container::Pcapng),
            Some(false) => capture(f, conf::CERTAIN, "magic:pcapng_le", Container::Pcapng),
            None => capture(f, conf::PLAUSIBLE, "magic:pcapng_no_bom", Container::Pcapng),
        },
    }
}

fn compressed(f: &mut Findings, confidence: u16, signal: &str) {
    f.add(Label::Compressed, confidence, signal);
    f.encoding(Encoding::Raw, confidence);
}

fn compression(b: &[u8], f: &mut Findings) {
    if b.starts_with(&[0x1f, 0x8b, 0x08]) {
        compressed(f, conf::CERTAIN, "magic:gzip");
    } else if b.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        compressed(f, conf::CERTAIN, "magic:zstd");
    } else if b.starts_with(&[0xfd, b'7', b'z', b'X', b'Z', 0x00]) {
        compressed(f, conf::CERTAIN, "magic:xz");
    } else if b.starts_with(b"BZh") && matches!(b.get(3), Some(b'1'..=b'9')) {
        let block = b.get(4..10);
        if block == Some(&[0x31, 0x41, 0x59, 0x26, 0x53, 0x59])
            || block == Some(&[0x17, 0x72, 0x45, 0x38, 0x50, 0x90])
        {
            compressed(f, conf::CERTAIN, "magic:bzip2");
        } else {
            compressed(f, conf::PLAUSIBLE, "magic:bzip2_header_only");
        }
    } else if b.starts_with(b"PK\x03\x04")
        || b.starts_with(b"PK\x05\x06")
        || b.starts_with(b"PK\x07\x08")
    {
        compressed(f, conf::STRONG, "magic:zip");
    } else if b.starts_with(&[b'7', b'z', 0xbc, 0xaf, 0x27, 0x1c]) {
        compressed(f, conf::CERTAIN, "magic:7z");
    } else if b.starts_with(&[0x04, 0x22, 0x4d, 0x18]) {
        compressed(f, conf::STRONG, "magic:lz4");
    } else if b.len() >= 8 && fx_formats::zlib::plausible_stream(b) {
        // zlib: the two-byte header passes for one random string in a
        // thousand (a PQC signature did); the sniffed prefix must inflate.
        f.add(Label::Compressed, conf::PLAUSIBLE, "magic:zlib");
    }
}

/// Ordinary formats with a distinctive magic number: (signal, test).
type DocumentMagic = (&'static str, fn(&[u8]) -> bool);

/// One table of non-crypto formats recognised by their magic numbers.
const DOCUMENTS: &[DocumentMagic] = &[
    ("magic:png", |b| b.starts_with(b"\x89PNG\r\n\x1a\n")),
    ("magic:jpeg", |b| b.starts_with(&[0xff, 0xd8, 0xff])),
    ("magic:gif", |b| {
        b.starts_with(b"GIF87a") || b.starts_with(b"GIF89a")
    }),
    ("magic:webp", |b| {
        b.starts_with(b"RIFF") && b.get(8..12) == Some(b"WEBP")
    }),
    ("magic:wav", |b| {
        b.starts_with(b"RIFF") && b.get(8..12) == Some(b"WAVE")
    }),
    ("magic:tiff", |b| {
        b.starts_with(b"II*\0") || b.starts_with(b"MM\0*")
    }),
    ("magic:pdf", |b| b.starts_with(b"%PDF-")),
    ("magic:ogg", |b| b.starts_with(b"OggS\0")),
    ("magic:flac", |b| b.starts_with(b"fLaC")),
    ("magic:id3", |b| {
        b.starts_with(b"ID3") && matches!(b.get(3), Some(2..=4))
    }),
    ("magic:iso_bmff", |b| b.get(4..8) == Some(b"ftyp")),
    ("magic:woff", |b| {
        b.starts_with(b"wOFF") || b.starts_with(b"wOF2")
    }),
    ("magic:otf", |b| b.starts_with(b"OTTO\0")),
    ("magic:sqlite", |b| b.starts_with(b"SQLite format 3\0")),
    ("magic:wasm", |b| b.starts_with(b"\0asm\x01\0\0\0")),
    ("magic:gettext_mo", |b| {
        b.starts_with(&[0xde, 0x12, 0x04, 0x95]) || b.starts_with(&[0x95, 0x04, 0x12, 0xde])
    }),
    ("magic:python_bytecode", python_bytecode),
];

/// CPython 3 `.pyc`: a two-byte magic number (3000–3999, little-endian)
/// followed by `\r\n`, then a 32-bit flags word of 0 to 3.
fn python_bytecode(b: &[u8]) -> bool {
    matches!(u16_le(b, 0), Some(3000..=3999))
        && b.get(2..4) == Some(b"\r\n")
        && matches!(u32_le(b, 4), Some(0..=3))
}

fn documents(b: &[u8], f: &mut Findings) {
    if let Some((signal, _)) = DOCUMENTS.iter().find(|(_, test)| test(b)) {
        f.add(Label::Plaintext, conf::CERTAIN, *signal);
        f.encoding(Encoding::Raw, conf::CERTAIN);
    }
}

fn encryption(b: &[u8], f: &mut Findings) {
    if b.starts_with(b"Salted__") && b.len() >= 16 {
        f.add(
            Label::SymmetricCiphertext,
            conf::CERTAIN,
            "magic:openssl_salted",
        );
        f.encoding(Encoding::Raw, conf::CERTAIN);
    }
    if b.starts_with(b"age-encryption.org/v1\n") {
        f.add(Label::SymmetricCiphertext, conf::CERTAIN, "magic:age");
        // The header wraps the file key for each recipient (X25519, ML-KEM hybrids).
        f.add(
            Label::KemTranscript,
            conf::PLAUSIBLE,
            "magic:age_recipient_stanzas",
        );
        // Post-quantum recipients (`-> mlkem768x25519 …`) wrap the file key
        // with a hybrid KEM: KEM ciphertext in the header, AEAD payload after.
        let header = &b[..b.len().min(4096)];
        if memchr::memmem::find(header, b"\n-> mlkem").is_some() {
            f.add(
                Label::HybridBlob,
                conf::LIKELY,
                "magic:age_pq_hybrid_recipient",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use fx_core::vocab::Label::*;

    fn run(b: &[u8]) -> crate::findings::Verdict {
        let mut f = Findings::default();
        sniff(&Input::new(b, Some(b.len() as u64), 0), &mut f);
        f.conclude("-")
    }

    #[test]
    fn executables() {
        let mut elf = b"\x7fELF\x02\x01\x01".to_vec();
        elf.resize(64, 0);
        let v = run(&elf);
        assert_eq!(
            (v.labels[0].label, v.container),
            (BinaryTarget, Some(Container::Elf))
        );
        let mut pe = vec![0u8; 0x90];
        pe[..2].copy_from_slice(b"MZ");
        pe[0x3c] = 0x80;
        pe[0x80..0x84].copy_from_slice(b"PE\0\0");
        assert_eq!(run(&pe).container, Some(Container::Pe));
        for m in [
            [0xfe, 0xed, 0xfa, 0xcf],
            [0xcf, 0xfa, 0xed, 0xfe],
            [0xce, 0xfa, 0xed, 0xfe],
        ] {
            let mut b = m.to_vec();
            b.resize(32, 0);
            assert_eq!(run(&b).container, Some(Container::Macho));
        }
        let fat = [0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 2, 0, 0, 0, 7];
        assert_eq!(run(&fat).container, Some(Container::Macho));
        let class = [0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 52, 0, 0];
        let v = run(&class);
        assert_eq!((v.labels[0].label, v.container), (BinaryTarget, None));
    }

    #[test]
    fn what_settles_early() {
        let mut elf = b"\x7fELF\x02\x01\x01".to_vec();
        elf.resize(64, 0);
        assert!(settles(&elf, Some(1 << 20)));
        assert!(settles(b"\x1f\x8b\x08\0", None));
        assert!(!settles(b"Salted__12345678", None));
        assert!(!settles(b"-----BEGIN CERTIFICATE-----", None));
        assert!(!settles(b"\x78\x9c\x01\x02\x03\x04\x05\x06", None));
    }

    #[test]
    fn pcap_all_magics_and_pcapng() {
        for (m, be) in [
            ([0xa1, 0xb2, 0xc3, 0xd4], true),
            ([0xd4, 0xc3, 0xb2, 0xa1], false),
            ([0xa1, 0xb2, 0x3c, 0x4d], true),
            ([0x4d, 0x3c, 0xb2, 0xa1], false),
        ] {
            let mut b = m.to_vec();
            b.extend_from_slice(if be { &[0, 2, 0, 4] } else { &[2, 0, 4, 0] });
            b.resize(24, 0);
            let v = run(&b);
            assert_eq!(v.container, Some(Container::Pcap), "{m:x?}");
            assert_eq!(v.labels[0].confidence, conf::CERTAIN);
        }
        let ng = [
            0x0a, 0x0d, 0x0d, 0x0a, 0x1c, 0, 0, 0, 0x4d, 0x3c, 0x2b, 0x1a,
        ];
        assert_eq!(run(&ng).container, Some(Container::Pcapng));
    }

    #[test]
    fn compression_and_encryption() {
        for b in [
            &b"\x1f\x8b\x08\0\0\0\0\0"[..],
            b"\x28\xb5\x2f\xfd\0\0",
            b"\xfd7zXZ\0\0",
            b"BZh91AY&SY",
            b"PK\x03\x04\x14\0",
            b"7z\xbc\xaf\x27\x1c\0",
            // zlib.compress(b"fx " * 200)
            b"\x78\x9c\x4b\xab\x50\x48\x1b\x45\xa3\x88\xda\x08\x00\x35\x27\xc6\x71",
        ] {
            assert_eq!(run(b).labels[0].label, Compressed, "{b:x?}");
        }
        // a zlib header on bytes that do not inflate (a stored block whose
        // length and complement disagree; a PQC signature's first bytes)
        for b in [
            &b"\x78\x9c\x01\x02\x03\x04\x05\x06"[..],
            b"\x48\xc7\x79\xe3\x01\x39\xf1\xb1\x4e\x12\x93\x29\x62\xeb\x1c\x2b",
        ] {
            assert!(
                run(b).labels.iter().all(|l| l.label != Compressed),
                "{b:x?}"
            );
        }
        assert_eq!(
            run(b"Salted__12345678abcdefgh").labels[0].label,
            SymmetricCiphertext
        );
        assert_eq!(run(b"hello world").labels[0].label, Unknown);
        let age = b"age-encryption.org/v1\n-> mlkem768x25519 abc\nxyz\n--- mac\n";
        assert!(run(age).has(HybridBlob));
    }
}
