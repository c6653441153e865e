//! S/MIME messages (RFC 8551): MIME headers naming a PKCS #7 type. The
//! labels follow what the message carries: signed data (`multipart/signed`,
//! `smime-type=signed-data`) is a signature with its certificates,
//! enveloped data is ciphertext. Where the headers do not say, the content
//! type OID at the start of the base64 part does.

use base64::Engine as _;
use fx_core::vocab::{Container, Encoding, Label};

use crate::findings::{Findings, conf};
use crate::input::Input;

/// Bytes of headers examined.
const HEAD: usize = 8192;

/// `1.2.840.113549.1.7` (PKCS #7 content types).
const PKCS7: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07];

/// What the CMS object is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Signed,
    Enveloped,
    Unknown,
}

/// The PKCS #7 content type at the start of a base64 body, when it is one.
fn content_type_of(body: &str) -> Kind {
    let mut b64: String = body
        .chars()
        .filter(|c| !c.is_ascii_whitespace())
        .take(32)
        .collect();
    b64.truncate(b64.len() / 4 * 4);
    let Ok(der) = base64::engine::general_purpose::STANDARD.decode(b64) else {
        return Kind::Unknown;
    };
    let Some(at) = der.windows(PKCS7.len()).position(|w| w == PKCS7) else {
        return Kind::Unknown;
    };
    match der.get(at + PKCS7.len()) {
        Some(2) => Kind::Signed,
        Some(3) => Kind::Enveloped,
        _ => Kind::Unknown,
    }
}

/// Adds the S/MIME findings of `inp`.
pub fn sniff(inp: &Input<'_>, f: &mut Findings) {
    let Some(text) = inp.text() else { return };
    let head = &text[..text.len().min(HEAD)];
    let lower = head.to_ascii_lowercase();
    // MIME headers first (a Content-Type in the first header block).
    let header_end = lower.find("\n\n").or_else(|| lower.find("\r\n\r\n"));
    let Some(end) = header_end else { return };
    if !lower[..end].contains("content-type:") {
        return;
    }
    let kind = if lower.contains("multipart/signed") && lower.contains("pkcs7-signature") {
        Kind::Signed
    } else if let Some(at) = lower.find("pkcs7-mime") {
        let tail = &lower[at..];
        if tail.starts_with("pkcs7-mime; smime-type=\"enveloped-data\"")
            || tail.contains("smime-type=enveloped-data")
            || tail.contains("smime-type=\"enveloped-data\"")
        {
            Kind::Enveloped
        } else if tail.contains("smime-type=signed-data")
            || tail.contains("smime-type=\"signed-data\"")
        {
            Kind::Signed
        } else {
            // No smime-type: the body's content type says.
            let body_at = lower[at..]
                .find("\n\n")
                .or_else(|| lower[at..].find("\r\n\r\n"))
                .map(|i| at + i);
            body_at.map_or(Kind::Unknown, |i| content_type_of(&head[i..]))
        }
    } else {
        return;
    };
    match kind {
        Kind::Signed => {
            f.add(Label::SignatureBlob, conf::CERTAIN, "smime:signed");
            f.add(Label::Certificate, conf::STRONG, "smime:signed");
        }
        Kind::Enveloped => {
            f.add(Label::SymmetricCiphertext, conf::CERTAIN, "smime:enveloped");
        }
        Kind::Unknown => f.add(Label::SignatureBlob, conf::LIKELY, "smime:pkcs7"),
    }
    f.container(Container::Smime, conf::CERTAIN);
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
    fn signed_and_enveloped_messages() {
        let signed = "MIME-Version: 1.0\nContent-Type: multipart/signed; protocol=\"application/x-pkcs7-signature\"; boundary=\"B\"\n\n--B\nhello\n--B\nContent-Type: application/x-pkcs7-signature\n\nMIIB\n--B--\n";
        let v = run(signed);
        assert!(v.has(Label::SignatureBlob) && v.has(Label::Certificate));
        assert_eq!(v.container, Some(Container::Smime));
        let env = "MIME-Version: 1.0\nContent-Type: application/pkcs7-mime; smime-type=enveloped-data; name=smime.p7m\nContent-Transfer-Encoding: base64\n\nMIIB\n";
        let v = run(env);
        assert_eq!(v.labels[0].label, Label::SymmetricCiphertext);
        // No smime-type: signedData's OID at the start of the body.
        let opaque = "Content-Type: application/pkcs7-mime; name=smime.p7m\n\nMIIFmwYJKoZIhvcNAQcCoIIFjDCC\n";
        assert!(run(opaque).has(Label::SignatureBlob));
        assert_eq!(run("Content-Type: text/plain\n\nhello\n").container, None);
    }
}
