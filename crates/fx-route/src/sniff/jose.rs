//! JSON text, JOSE objects (JWK, JWK sets, JWS and JWE in JSON and compact
//! serialisation, JWTs).

use fx_core::vocab::{Encoding, Label};
use memchr::memmem;

use crate::findings::{Findings, conf};
use crate::input::Input;

fn has(b: &[u8], key: &str) -> bool {
    memmem::find(b, key.as_bytes()).is_some()
}

fn b64url(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Adds the JSON/JOSE findings of `inp`.
pub fn sniff(inp: &Input<'_>, f: &mut Findings) {
    let Some(text) = inp.text() else { return };
    let t = text.trim();
    if t.starts_with('{') || t.starts_with('[') {
        json(t.as_bytes(), inp.complete(), f);
        return;
    }
    // Compact serialisation: base64url parts joined by dots, the header
    // being base64url JSON (`eyJ` = `{"`).
    if t.starts_with("eyJ") && !t.contains(char::is_whitespace) {
        let parts: Vec<&str> = t.split('.').take(6).collect();
        let ok = parts
            .iter()
            .enumerate()
            .all(|(i, p)| b64url(p) || (p.is_empty() && i > 0));
        match parts.len() {
            3 if ok => {
                f.add(Label::SignatureBlob, conf::STRONG, "jose:compact_jws");
                f.encoding(Encoding::Base64, conf::STRONG);
            }
            5 if ok => {
                f.add(Label::SymmetricCiphertext, conf::STRONG, "jose:compact_jwe");
                f.add(
                    Label::KemTranscript,
                    conf::WEAK,
                    "jose:compact_jwe_encrypted_key",
                );
                f.encoding(Encoding::Base64, conf::STRONG);
            }
            _ => {}
        }
    }
}

fn json(b: &[u8], complete: bool, f: &mut Findings) {
    let closed = matches!(b.last(), Some(b'}' | b']'));
    if !closed && complete {
        f.add(Label::Plaintext, conf::PLAUSIBLE, "json:unterminated");
        return;
    }
    if has(b, "\"kty\"") {
        let signal = if has(b, "\"keys\"") {
            "jose:jwk_set"
        } else {
            "jose:jwk"
        };
        f.add(Label::KeyMaterial, conf::CERTAIN, signal);
    } else if has(b, "\"ciphertext\"") && (has(b, "\"iv\"") || has(b, "\"protected\"")) {
        f.add(Label::SymmetricCiphertext, conf::STRONG, "jose:json_jwe");
    } else if has(b, "\"signature\"") && (has(b, "\"protected\"") || has(b, "\"payload\"")) {
        f.add(Label::SignatureBlob, conf::STRONG, "jose:json_jws");
    } else {
        f.add(Label::Plaintext, conf::LIKELY, "json:document");
    }
    f.encoding(Encoding::Text, conf::STRONG);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(s: &str) -> crate::findings::Verdict {
        let mut f = Findings::default();
        sniff(&Input::new(s.as_bytes(), Some(s.len() as u64), 0), &mut f);
        f.conclude("-")
    }

    #[test]
    fn jose_objects() {
        assert_eq!(
            run(r#"{"kty":"OKP","crv":"Ed25519","x":"11qY"}"#).labels[0].label,
            Label::KeyMaterial
        );
        assert_eq!(
            run(r#"{"keys":[{"kty":"RSA"}]}"#).labels[0].signals,
            vec!["jose:jwk_set"]
        );
        assert_eq!(
            run("eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln").labels[0].label,
            Label::SignatureBlob
        );
        assert_eq!(
            run("eyJhbGciOiJSU0EtT0FFUCJ9.a.b.c.d").labels[0].label,
            Label::SymmetricCiphertext
        );
        assert_eq!(run(r#"{"a": 1}"#).labels[0].label, Label::Plaintext);
        assert_eq!(
            run(r#"{"protected":"x","payload":"y","signature":"z"}"#).labels[0].label,
            Label::SignatureBlob
        );
    }
}
