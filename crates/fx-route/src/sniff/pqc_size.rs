//! Known sizes of whole raw artifacts: post-quantum public/secret keys,
//! ciphertexts and signatures (every parameter set of
//! [`fx_formats::pqc_params`]) and a few classical raw sizes (32-byte keys,
//! 64-byte signatures, uncompressed EC points). Every plausible reading is
//! kept: sizes collide, and the probe decides.

use fx_core::vocab::Label;
use fx_formats::pqc_params::{Object, by_any_size};

use crate::findings::{Findings, conf};
use crate::input::Input;

/// Below this size a size match says little (too many things are 32 bytes).
const DISTINCTIVE: u64 = 256;

fn label_of(object: Object) -> Label {
    match object {
        Object::Ciphertext => Label::KemTranscript,
        Object::Signature => Label::SignatureBlob,
        _ => Label::KeyMaterial,
    }
}

/// Adds the size findings of `inp`.
pub fn sniff(inp: &Input<'_>, f: &mut Findings) {
    let Some(size) = inp.size else { return };
    // Text, or bytes whose structure is already known, are not raw objects.
    if size == 0 || inp.stats.is_text || f.best() >= conf::STRONG {
        return;
    }
    let Ok(len) = usize::try_from(size) else {
        return;
    };
    let mut shared_secret = false;
    for m in by_any_size(len) {
        if m.object == Object::SharedSecret {
            shared_secret = true;
            continue;
        }
        let confidence = match (m.exact, size >= DISTINCTIVE) {
            (true, true) => conf::PLAUSIBLE,
            _ => conf::WEAK,
        };
        let form = m
            .form
            .map(|fm| format!(":{}", fm.as_str()))
            .unwrap_or_default();
        f.add(
            label_of(m.object),
            confidence,
            format!("pqc_size:{}:{}{form}", m.set.name, m.object.as_str()),
        );
    }
    if shared_secret {
        f.add(Label::KeyMaterial, conf::WEAK, "pqc_size:kem_shared_secret");
    }
    let first = inp.bytes.first().copied();
    match (size, first) {
        (16 | 24 | 32, _) => f.add(
            Label::KeyMaterial,
            conf::WEAK,
            format!("size:{size}_raw_symmetric_or_curve_key"),
        ),
        (64, _) => f.add(
            Label::SignatureBlob,
            conf::WEAK,
            "size:64_ed25519_or_ecdsa_raw_signature",
        ),
        (65 | 97 | 133, Some(0x04)) => f.add(
            Label::KeyMaterial,
            conf::PLAUSIBLE,
            "size:uncompressed_ec_point",
        ),
        (33 | 49 | 67, Some(0x02 | 0x03)) => f.add(
            Label::KeyMaterial,
            conf::PLAUSIBLE,
            "size:compressed_ec_point",
        ),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(b: &[u8]) -> crate::findings::Verdict {
        let mut f = Findings::default();
        sniff(&Input::new(b, Some(b.len() as u64), 0), &mut f);
        f.conclude("-")
    }

    #[test]
    fn ml_kem_and_ml_dsa_sizes() {
        let noise = |n: usize| crate::input::tests::noise(n, n as u64);
        let v = run(&noise(1088));
        assert_eq!(v.labels[0].label, Label::KemTranscript);
        assert!(
            v.labels[0]
                .signals
                .iter()
                .any(|s| s == "pqc_size:ML-KEM-768:ciphertext"),
            "{v:?}"
        );
        // 1568 bytes: ML-KEM-1024 public key and ciphertext alike; both kept.
        let v = run(&noise(1568));
        assert!(v.has(Label::KemTranscript) && v.has(Label::KeyMaterial));
        let v = run(&noise(3309));
        assert_eq!(v.labels[0].label, Label::SignatureBlob);
        let v = run(&noise(32));
        assert!(v.has(Label::KeyMaterial));
        assert!(v.labels.iter().all(|l| l.confidence <= conf::WEAK));
        assert_eq!(run(&noise(1000)).labels[0].label, Label::Unknown);
    }
}
