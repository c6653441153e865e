//! PEM armor: every `-----BEGIN <label>-----` line in the prefix, each label
//! mapped to the artifact labels and container it stands for.

use fx_core::vocab::{Container, Encoding, Label};
use fx_formats::pem;
use memchr::memmem;

use crate::findings::{Findings, conf};
use crate::input::Input;

/// PEM blocks examined at most.
const MAX_BLOCKS: usize = 256;
/// Longest label read.
const MAX_LABEL: usize = 64;

use Label::*;

/// What a PEM label stands for.
pub fn meaning(label: &str) -> (&'static [(Label, u16)], Option<Container>) {
    const C: u16 = conf::CERTAIN;
    const L: u16 = conf::LIKELY;
    const P: u16 = conf::PLAUSIBLE;
    match label {
        "CERTIFICATE" | "X509 CERTIFICATE" | "TRUSTED CERTIFICATE" => {
            (&[(Certificate, C)], Some(Container::X509Certificate))
        }
        "CERTIFICATE REQUEST" | "NEW CERTIFICATE REQUEST" => {
            (&[(Certificate, C)], Some(Container::X509Csr))
        }
        "X509 CRL" => (&[(Certificate, C)], Some(Container::X509Crl)),
        "ATTRIBUTE CERTIFICATE" => (&[(Certificate, C)], None),
        "CERTIFICATE PAIR" => (&[(Certificate, C)], Some(Container::CrossCertificatePair)),
        "PRIVATE KEY" => (&[(KeyMaterial, C)], Some(Container::Pkcs8PrivateKey)),
        "ENCRYPTED PRIVATE KEY" => (
            &[(KeyMaterial, C)],
            Some(Container::Pkcs8EncryptedPrivateKey),
        ),
        "PUBLIC KEY" => (&[(KeyMaterial, C)], Some(Container::SpkiPublicKey)),
        "RSA PRIVATE KEY" => (&[(KeyMaterial, C)], Some(Container::Pkcs1PrivateKey)),
        "RSA PUBLIC KEY" => (&[(KeyMaterial, C)], Some(Container::Pkcs1PublicKey)),
        "EC PRIVATE KEY" => (&[(KeyMaterial, C)], Some(Container::Sec1PrivateKey)),
        "DSA PRIVATE KEY" => (&[(KeyMaterial, C)], Some(Container::DsaPrivateKey)),
        "OPENSSH PRIVATE KEY" => (&[(KeyMaterial, C)], Some(Container::OpensshPrivateKey)),
        "SSH2 ENCRYPTED PRIVATE KEY" => (&[(KeyMaterial, C)], None),
        "EC PARAMETERS" => (&[(KeyMaterial, L)], Some(Container::EcParameters)),
        "DH PARAMETERS" | "X9.42 DH PARAMETERS" => {
            (&[(KeyMaterial, L)], Some(Container::DhParameters))
        }
        "DSA PARAMETERS" => (&[(KeyMaterial, L)], Some(Container::DsaParameters)),
        "PKCS7" | "PKCS #7 SIGNED DATA" => (
            &[(SignatureBlob, L), (Certificate, L)],
            Some(Container::Pkcs7),
        ),
        "CMS" => (
            &[(SignatureBlob, P), (SymmetricCiphertext, P)],
            Some(Container::Cms),
        ),
        "PKCS12" => (
            &[(KeyMaterial, C), (Certificate, L)],
            Some(Container::Pkcs12),
        ),
        "PGP MESSAGE" => (&[(SymmetricCiphertext, conf::STRONG)], None),
        "PGP SIGNATURE" | "SIGNATURE" => (&[(SignatureBlob, C)], None),
        "PGP PUBLIC KEY BLOCK" | "PGP PRIVATE KEY BLOCK" => (&[(KeyMaterial, C)], None),
        "SSL SESSION PARAMETERS" => (&[(KeyMaterial, L)], None),
        "OCSP REQUEST" => (&[(Certificate, L)], Some(Container::OcspRequest)),
        "OCSP RESPONSE" => (&[(Certificate, L)], Some(Container::OcspResponse)),
        _ if label.ends_with("PRIVATE KEY") || label.ends_with("PUBLIC KEY") => {
            (&[(KeyMaterial, L)], None)
        }
        _ if label.ends_with("CERTIFICATE") => (&[(Certificate, L)], None),
        _ => (&[], None),
    }
}

/// Adds the PEM findings of `inp`.
pub fn sniff(inp: &Input<'_>, f: &mut Findings) {
    let Some(text) = inp.text() else { return };
    let b = text.as_bytes();
    let mut blocks = 0usize;
    let mut containers: Vec<Container> = Vec::new();
    let mut at = 0usize;
    for pos in memmem::find_iter(b, pem::BEGIN) {
        if pos < at || blocks >= MAX_BLOCKS {
            continue;
        }
        let Some((span, after)) = pem::label_span(b, pos, pem::BEGIN, MAX_LABEL) else {
            continue;
        };
        if !pem::is_conventional_label(&b[span.clone()]) {
            continue;
        }
        let label = &text[span];
        blocks += 1;
        at = after;
        let footer = format!("-----END {label}-----");
        let closed = memmem::find(&b[at..], footer.as_bytes()).is_some();
        // A block whose footer is missing although the whole file was read is broken armor.
        let whole = inp.complete();
        let scale: u32 = if closed {
            1000
        } else if whole {
            700
        } else {
            900
        };
        let signal = if closed {
            format!("pem:{label}")
        } else if whole {
            format!("pem:{label}:no_footer")
        } else {
            format!("pem:{label}:footer_beyond_sniff")
        };
        let (labels, container) = meaning(label);
        if labels.is_empty() {
            f.add(Plaintext, conf::WEAK, signal.clone());
        }
        for &(l, c) in labels {
            f.add(l, (u32::from(c) * scale / 1000) as u16, signal.clone());
        }
        if closed
            && text[at..]
                .trim_start()
                .starts_with("Proc-Type: 4,ENCRYPTED")
        {
            f.add(KeyMaterial, conf::CERTAIN, "pem:legacy_encrypted");
        }
        if let Some(c) = container
            && !containers.contains(&c)
        {
            containers.push(c);
        }
        if let Some(e) = memmem::find(&b[at..], footer.as_bytes()) {
            at += e + footer.len();
        }
    }
    if blocks == 0 {
        return;
    }
    f.encoding(Encoding::Pem, conf::CERTAIN);
    match (blocks, containers.as_slice()) {
        (1, [c]) => f.container(*c, conf::CERTAIN),
        (1, _) => {}
        _ => f.container(Container::PemBundle, conf::CERTAIN),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(s: &str) -> crate::findings::Verdict {
        let mut f = Findings::default();
        sniff(&Input::new(s.as_bytes(), Some(s.len() as u64), 0), &mut f);
        f.conclude("-")
    }

    fn block(label: &str) -> String {
        format!("-----BEGIN {label}-----\nMIIBAAA=\n-----END {label}-----\n")
    }

    #[test]
    fn labels_map_to_types() {
        for (label, want, container) in [
            ("CERTIFICATE", Certificate, Some(Container::X509Certificate)),
            ("CERTIFICATE REQUEST", Certificate, Some(Container::X509Csr)),
            ("X509 CRL", Certificate, Some(Container::X509Crl)),
            ("PRIVATE KEY", KeyMaterial, Some(Container::Pkcs8PrivateKey)),
            (
                "ENCRYPTED PRIVATE KEY",
                KeyMaterial,
                Some(Container::Pkcs8EncryptedPrivateKey),
            ),
            ("PUBLIC KEY", KeyMaterial, Some(Container::SpkiPublicKey)),
            (
                "RSA PRIVATE KEY",
                KeyMaterial,
                Some(Container::Pkcs1PrivateKey),
            ),
            (
                "EC PRIVATE KEY",
                KeyMaterial,
                Some(Container::Sec1PrivateKey),
            ),
            (
                "OPENSSH PRIVATE KEY",
                KeyMaterial,
                Some(Container::OpensshPrivateKey),
            ),
            ("PKCS7", SignatureBlob, Some(Container::Pkcs7)),
            ("PGP MESSAGE", SymmetricCiphertext, None),
        ] {
            let v = run(&block(label));
            assert_eq!(v.labels[0].label, want, "{label}");
            assert_eq!(v.container, container, "{label}");
            assert_eq!(v.encoding, Some(Encoding::Pem));
        }
    }

    #[test]
    fn bundles_and_broken_armor() {
        let chain = format!(
            "subject=CN=x\n{}{}",
            block("CERTIFICATE"),
            block("PRIVATE KEY")
        );
        let v = run(&chain);
        assert_eq!(v.container, Some(Container::PemBundle));
        assert!(v.has(Certificate) && v.has(KeyMaterial));
        let cut = "-----BEGIN CERTIFICATE-----\nMIIB\n";
        let v = run(cut);
        assert_eq!(v.labels[0].signals, vec!["pem:CERTIFICATE:no_footer"]);
        assert!(v.labels[0].confidence < conf::CERTAIN);
        assert_eq!(run("-----BEGIN lower-----\n").labels[0].label, Unknown);
    }
}
