//! OpenSSH public keys and certificates (`ssh-ed25519 AAAA… comment`, also
//! in `authorized_keys` with options and `known_hosts` with host names),
//! RFC 4716 `---- BEGIN SSH2 PUBLIC KEY ----` blocks and PuTTY key files.

use fx_core::vocab::{Container, Encoding, Label};
use fx_formats::pem;

use crate::findings::{Findings, conf};
use crate::input::Input;

/// Lines examined at most.
const MAX_LINES: usize = 1024;

/// Key type names OpenSSH writes before the base64 blob.
const KEY_TYPES: &[&str] = &[
    "ssh-ed25519",
    "ssh-ed448",
    "ssh-rsa",
    "ssh-dss",
    "ecdsa-sha2-nistp256",
    "ecdsa-sha2-nistp384",
    "ecdsa-sha2-nistp521",
    "sk-ssh-ed25519@openssh.com",
    "sk-ecdsa-sha2-nistp256@openssh.com",
    "sk-ssh-ed25519",
    "sk-ecdsa-sha2-nistp256",
    "rsa-sha2-256",
    "rsa-sha2-512",
];

/// Whether `token` is a key type, and whether it is a certificate type.
fn key_type(token: &str) -> Option<bool> {
    if let Some(base) = token.strip_suffix("-cert-v01@openssh.com") {
        return KEY_TYPES.contains(&base).then_some(true);
    }
    KEY_TYPES.contains(&token).then_some(false)
}

/// Key types a dropbear host key file (binary SSH wire format) starts with.
const DROPBEAR_TYPES: &[&[u8]] = &[
    b"ssh-rsa",
    b"ssh-dss",
    b"ssh-ed25519",
    b"ecdsa-sha2-nistp256",
    b"ecdsa-sha2-nistp384",
    b"ecdsa-sha2-nistp521",
];

/// A dropbear host key: an SSH string naming a key type, then its fields.
fn dropbear(inp: &Input<'_>, f: &mut Findings) {
    let b = inp.bytes;
    let Some(n) = b
        .get(..4)
        .map(|x| u32::from_be_bytes([x[0], x[1], x[2], x[3]]) as usize)
    else {
        return;
    };
    if b.get(4..4 + n).is_some_and(|t| DROPBEAR_TYPES.contains(&t)) && b.len() > 4 + n + 16 {
        f.add(Label::KeyMaterial, conf::STRONG, "ssh:dropbear_private_key");
        f.encoding(Encoding::Raw, conf::STRONG);
    }
}

/// Adds the OpenSSH findings of `inp`.
pub fn sniff(inp: &Input<'_>, f: &mut Findings) {
    let Some(text) = inp.text() else {
        dropbear(inp, f);
        return;
    };
    if text
        .trim_start()
        .as_bytes()
        .starts_with(pem::SSH2_PUBLIC_KEY_BEGIN)
    {
        f.add(Label::KeyMaterial, conf::CERTAIN, "ssh:rfc4716_public_key");
        f.container(Container::OpensshPublicKey, conf::CERTAIN);
        f.encoding(Encoding::Text, conf::STRONG);
        return;
    }
    if text
        .trim_start()
        .as_bytes()
        .starts_with(pem::SSH2_ENCRYPTED_PRIVATE_KEY_BEGIN)
    {
        f.add(Label::KeyMaterial, conf::CERTAIN, "ssh:sshcom_private_key");
        f.encoding(Encoding::Text, conf::STRONG);
        return;
    }
    if text.starts_with("PuTTY-User-Key-File-") {
        f.add(Label::KeyMaterial, conf::CERTAIN, "ssh:putty_key_file");
        f.encoding(Encoding::Text, conf::STRONG);
        return;
    }
    let (mut keys, mut certs, mut other) = (0usize, 0usize, 0usize);
    for line in text.lines().take(MAX_LINES) {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        // The key type is the first token, or follows options/host names.
        let mut tokens = line.split_ascii_whitespace();
        let mut found = None;
        for _ in 0..3 {
            let Some(t) = tokens.next() else { break };
            if let Some(cert) = key_type(t) {
                found = tokens
                    .next()
                    .filter(|b64| b64.starts_with("AAAA"))
                    .map(|_| cert);
                break;
            }
        }
        match found {
            Some(true) => certs += 1,
            Some(false) => keys += 1,
            None => other += 1,
        }
    }
    if keys + certs == 0 || other > keys + certs {
        return;
    }
    let k = if other == 0 {
        conf::CERTAIN
    } else {
        conf::LIKELY
    };
    if certs > 0 {
        f.add(Label::Certificate, k, "ssh:openssh_certificate");
        f.add(Label::KeyMaterial, k, "ssh:openssh_certificate");
        f.container(Container::OpensshCertificate, k);
    }
    if keys > 0 {
        f.add(Label::KeyMaterial, k, "ssh:openssh_public_key");
        f.container(
            Container::OpensshPublicKey,
            if certs > 0 { k - 1 } else { k },
        );
    }
    f.encoding(Encoding::Text, k);
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
    fn public_keys_certificates_and_lookalikes() {
        let v = run("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJ user@host\n");
        assert_eq!(v.labels[0].label, Label::KeyMaterial);
        assert_eq!(v.container, Some(Container::OpensshPublicKey));
        let v = run(
            "no-pty,command=\"x\" ssh-rsa AAAAB3NzaC1yc2E k\nhost.example ecdsa-sha2-nistp256 AAAAE2Vj\n",
        );
        assert_eq!(v.container, Some(Container::OpensshPublicKey));
        let v = run("ssh-ed25519-cert-v01@openssh.com AAAAIHNzaC1lZDI1NTE5LWNlcnQ c\n");
        assert!(v.has(Label::Certificate));
        assert_eq!(v.container, Some(Container::OpensshCertificate));
        assert_eq!(
            run("ssh-rsa is a key type\n").labels[0].label,
            Label::Unknown
        );
        assert_eq!(
            run("---- BEGIN SSH2 PUBLIC KEY ----\n").labels[0].label,
            Label::KeyMaterial
        );
    }
}
