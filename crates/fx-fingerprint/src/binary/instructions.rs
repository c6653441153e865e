//! Instruction-level evidence: hardware crypto instructions in code sections.
//!
//! * x86/x86-64: decoded with `iced-x86` (decoder only) — AES-NI, VAES,
//!   SHA-NI, PCLMULQDQ/VPCLMULQDQ.
//! * AArch64: instructions are fixed 32-bit little-endian words, so the
//!   ARMv8 crypto extension (AESE/AESD/AESMC/AESIMC, SHA1/SHA256, PMULL) is
//!   recognised by opcode masks from the Arm ARM on aligned words — exact for
//!   code, and code sections are all that is read.
//!
//! Work is bounded by bytes decoded, never by time, so the evidence is the
//! same on any machine.

use iced_x86::{Decoder, DecoderOptions, Mnemonic};

use super::object::Section;

/// Code bytes decoded per binary.
pub const MAX_CODE_BYTES: u64 = 64 * 1024 * 1024;

/// Instruction counts by mnemonic, with the extensions they belong to:
/// fx-facts' record, filled here (decoding stops at [`MAX_CODE_BYTES`]).
pub use fx_facts::library::InstructionEvidence;

/// Which decoder an architecture name calls for.
pub fn isa_of(arch: &str) -> Option<&'static str> {
    let a = arch.to_ascii_lowercase();
    if a.contains("x86_64") || a.contains("x86-64") || a.contains("amd64") {
        Some("x86_64")
    } else if a.contains("aarch64") || a.contains("arm64") {
        Some("aarch64")
    } else if a == "x86" || a.contains("386") || a.contains("i386") {
        Some("x86")
    } else {
        None
    }
}

fn x86_extension(m: Mnemonic) -> Option<&'static str> {
    use Mnemonic::*;
    Some(match m {
        Aesenc | Aesenclast | Aesdec | Aesdeclast | Aeskeygenassist | Aesimc => "AES-NI",
        Vaesenc | Vaesenclast | Vaesdec | Vaesdeclast | Vaeskeygenassist | Vaesimc => "AES-NI/VAES",
        Sha256rnds2 | Sha256msg1 | Sha256msg2 | Sha1rnds4 | Sha1nexte | Sha1msg1 | Sha1msg2 => {
            "SHA-NI"
        }
        Pclmulqdq | Vpclmulqdq => "PCLMULQDQ",
        _ => return None,
    })
}

/// AArch64 crypto instructions: (mask, value, mnemonic, extension).
const ARM64: &[(u32, u32, &str, &str)] = &[
    (0xffff_fc00, 0x4e28_4800, "AESE", "ARMv8-AES"),
    (0xffff_fc00, 0x4e28_5800, "AESD", "ARMv8-AES"),
    (0xffff_fc00, 0x4e28_6800, "AESMC", "ARMv8-AES"),
    (0xffff_fc00, 0x4e28_7800, "AESIMC", "ARMv8-AES"),
    (0xffe0_fc00, 0x5e00_4000, "SHA256H", "ARMv8-SHA2"),
    (0xffe0_fc00, 0x5e00_5000, "SHA256H2", "ARMv8-SHA2"),
    (0xffff_fc00, 0x5e28_2800, "SHA256SU0", "ARMv8-SHA2"),
    (0xffe0_fc00, 0x5e00_6000, "SHA256SU1", "ARMv8-SHA2"),
    (0xffe0_fc00, 0x5e00_0000, "SHA1C", "ARMv8-SHA1"),
    (0xffe0_fc00, 0x5e00_2000, "SHA1M", "ARMv8-SHA1"),
    (0xbfe0_fc00, 0x0ee0_e000, "PMULL", "ARMv8-PMULL"),
];

/// Decodes the code sections of a binary.
pub fn scan(bytes: &[u8], sections: &[Section], isa: &str) -> InstructionEvidence {
    let mut ev = InstructionEvidence {
        isa: isa.to_string(),
        ..InstructionEvidence::default()
    };
    let mut ext: Vec<String> = Vec::new();
    for s in sections.iter().filter(|s| s.code) {
        let start = usize::try_from(s.offset).unwrap_or(usize::MAX);
        let end = usize::try_from(s.offset.saturating_add(s.size))
            .unwrap_or(usize::MAX)
            .min(bytes.len());
        let Some(code) = bytes.get(start..end) else {
            continue;
        };
        let room = MAX_CODE_BYTES - ev.code_bytes;
        let code = if code.len() as u64 > room {
            ev.capped = true;
            &code[..room as usize]
        } else {
            code
        };
        ev.code_bytes += code.len() as u64;
        match isa {
            "x86_64" | "x86" => {
                let bits = if isa == "x86" { 32 } else { 64 };
                let mut dec = Decoder::new(bits, code, DecoderOptions::NONE);
                let mut instr = iced_x86::Instruction::default();
                while dec.can_decode() {
                    dec.decode_out(&mut instr);
                    if let Some(e) = x86_extension(instr.mnemonic()) {
                        *ev.counts
                            .entry(format!("{:?}", instr.mnemonic()).to_ascii_uppercase())
                            .or_default() += 1;
                        if !ext.iter().any(|x| x == e) {
                            ext.push(e.to_string());
                        }
                    }
                }
            }
            "aarch64" => {
                for w in code.chunks_exact(4) {
                    let word = u32::from_le_bytes([w[0], w[1], w[2], w[3]]);
                    for (mask, value, name, e) in ARM64 {
                        if word & mask == *value {
                            *ev.counts.entry((*name).to_string()).or_default() += 1;
                            if !ext.iter().any(|x| x == e) {
                                ext.push((*e).to_string());
                            }
                        }
                    }
                }
            }
            _ => {}
        }
        if ev.capped {
            break;
        }
    }
    ext.sort();
    ev.extensions = ext;
    ev
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn x86_aesni_and_arm64_aese() {
        // aesenc xmm1, xmm2 = 66 0f 38 dc ca ; pclmulqdq xmm0, xmm1, 0 = 66 0f 3a 44 c1 00
        let code = [
            0x66, 0x0f, 0x38, 0xdc, 0xca, 0x66, 0x0f, 0x3a, 0x44, 0xc1, 0x00, 0xc3,
        ];
        let sec = [Section {
            name: ".text".into(),
            offset: 0,
            size: code.len() as u64,
            code: true,
        }];
        let ev = scan(&code, &sec, "x86_64");
        assert_eq!(ev.counts.get("AESENC"), Some(&1));
        assert_eq!(
            ev.extensions,
            vec!["AES-NI".to_string(), "PCLMULQDQ".to_string()]
        );
        // aese v0.16b, v1.16b = 0x4e284820
        let arm = 0x4e28_4820u32.to_le_bytes();
        let sec = [Section {
            name: ".text".into(),
            offset: 0,
            size: 4,
            code: true,
        }];
        let ev = scan(&arm, &sec, "aarch64");
        assert_eq!(ev.counts.get("AESE"), Some(&1));
    }
}
