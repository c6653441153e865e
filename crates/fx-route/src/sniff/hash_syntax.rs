//! Password-hash and KDF syntax, line by line: modular crypt (`$2b$`,
//! `$6$`, `$argon2id$`, `$y$`, `$pbkdf2-sha256$`, …), LDAP `{SSHA}`-style,
//! Django and Werkzeug forms, MySQL 4.1 `*…`, shadow and pwdump lines,
//! `user:hash` pairs, and files of bare hex digests.
//!
//! Routing only needs to know *that* this is hash/KDF material (so that it
//! reaches nothing but the audit path); naming the scheme precisely, with
//! its hashcat mode, is fx-probe's audit. The family found is a signal.

use fx_core::vocab::{Container, Encoding, Label};

use crate::findings::{Findings, conf};
use crate::input::Input;

/// Lines examined at most.
const MAX_LINES: usize = 4096;

/// Modular-crypt identifiers (`$id$…`) that name a password hash or KDF.
const CRYPT_IDS: &[&str] = &[
    "1",
    "2",
    "2a",
    "2b",
    "2x",
    "2y",
    "3",
    "5",
    "6",
    "7",
    "8",
    "9",
    "y",
    "gy",
    "7",
    "md5",
    "sha1",
    "apr1",
    "argon2i",
    "argon2d",
    "argon2id",
    "scrypt",
    "pbkdf2",
    "pbkdf2-sha1",
    "pbkdf2-sha256",
    "pbkdf2-sha512",
    "P",
    "H",
    "S",
    "bcrypt-sha256",
    "sm3",
    "sha256",
    "sha512",
    "krb5tgs",
    "krb5asrep",
    "krb5pa",
    "NT",
    "nt",
    "dcc2",
    "DCC2",
    "ml",
    "episerver",
    "django",
    "yescrypt",
];

/// Django's `<algorithm>$…` prefixes.
const DJANGO: &[&str] = &[
    "pbkdf2_sha256$",
    "pbkdf2_sha1$",
    "argon2$",
    "bcrypt_sha256$",
    "bcrypt$",
    "scrypt$",
    "sha1$",
    "md5$",
    "unsalted_md5$",
    "unsalted_sha1$",
    "crypt$",
];

/// What one token looks like.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// A hash whose syntax names its family.
    Scheme(&'static str),
    /// A bare hex string of a digest length.
    HexDigest,
}

fn is_hex(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_hexdigit())
}

fn hex_digest(s: &str) -> bool {
    matches!(s.len(), 32 | 40 | 56 | 64 | 96 | 128) && is_hex(s)
}

/// Characters of crypt salts and digests (crypt base64, standard base64, hex, separators).
fn crypt_chars(s: &str) -> bool {
    s.bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"./+=,-_*$:".contains(&b))
}

fn token(t: &str) -> Option<Kind> {
    if t.len() < 13 || t.len() > 1024 {
        return None;
    }
    if let Some(rest) = t.strip_prefix('$') {
        let (id, tail) = rest.split_once('$')?;
        if !crypt_chars(tail) || tail.is_empty() {
            return None;
        }
        if CRYPT_IDS.contains(&id) {
            return Some(Kind::Scheme("modular_crypt"));
        }
        let plausible_id = !id.is_empty()
            && id.len() <= 24
            && id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        return (plausible_id && tail.matches('$').count() >= 1)
            .then_some(Kind::Scheme("modular_crypt_generic"));
    }
    if let Some(rest) = t.strip_prefix('{') {
        let (scheme, tail) = rest.split_once('}')?;
        let ok = (2..=24).contains(&scheme.len())
            && scheme
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-')
            && tail.len() >= 8
            && crypt_chars(tail);
        return ok.then_some(Kind::Scheme("ldap"));
    }
    if let Some(hex) = t.strip_prefix('*') {
        return (hex.len() == 40 && is_hex(hex)).then_some(Kind::Scheme("mysql41"));
    }
    if DJANGO.iter().any(|p| t.starts_with(p)) && t.matches('$').count() >= 2 && crypt_chars(t) {
        return Some(Kind::Scheme("django"));
    }
    if (t.starts_with("pbkdf2:") || t.starts_with("scrypt:"))
        && t.matches('$').count() == 2
        && crypt_chars(t)
    {
        return Some(Kind::Scheme("werkzeug"));
    }
    if hex_digest(t) {
        return Some(Kind::HexDigest);
    }
    // `digest:salt` (many hashcat salted modes) with a hex digest first.
    if let Some((d, salt)) = t.split_once(':')
        && hex_digest(d)
        && !salt.is_empty()
        && salt.len() <= 64
    {
        return Some(Kind::HexDigest);
    }
    None
}

/// Classifies one line: a hash token, possibly after `user:`, or a shadow/pwdump record.
fn line(l: &str) -> Option<Kind> {
    if l.contains(char::is_whitespace) {
        return None;
    }
    if let Some(k) = token(l) {
        return Some(k);
    }
    let fields: Vec<&str> = l.splitn(10, ':').collect();
    match fields.as_slice() {
        // shadow(5): name:hash:lastchg:min:max:warn:inactive:expire:reserved
        [_, hash, rest @ ..]
            if fields.len() == 9 && rest.iter().all(|f| f.bytes().all(|b| b.is_ascii_digit())) =>
        {
            if token(hash).is_some()
                || matches!(*hash, "*" | "!" | "!!" | "!*" | "*LK*" | "")
                || hash.starts_with('!')
            {
                Some(Kind::Scheme("shadow"))
            } else {
                None
            }
        }
        // pwdump: user:rid:LM:NT:::
        [_, rid, lm, nt, ..]
            if rid.bytes().all(|b| b.is_ascii_digit())
                && lm.len() == 32
                && nt.len() == 32
                && is_hex(lm)
                && is_hex(nt) =>
        {
            Some(Kind::Scheme("pwdump"))
        }
        [user, hash] | [user, hash, ..] if !user.is_empty() && user.len() <= 64 => {
            // `user:hash` — the hash itself may contain ':' (Werkzeug), so
            // classify everything after the first ':'.
            let after = &l[user.len() + 1..];
            token(after).or_else(|| token(hash))
        }
        _ => None,
    }
}

/// Adds the hash/KDF findings of `inp`.
pub fn sniff(inp: &Input<'_>, f: &mut Findings) {
    let Some(text) = inp.text() else { return };
    let (mut schemes, mut hex, mut total) = (0usize, 0usize, 0usize);
    let mut hex_len = None::<usize>;
    let mut uniform_hex = true;
    let mut families: Vec<&'static str> = Vec::new();
    let mut lines = text.lines().take(MAX_LINES).peekable();
    while let Some(l) = lines.next() {
        // The last line may be cut by the end of the prefix: do not judge it.
        if lines.peek().is_none() && !inp.complete() && total > 0 {
            break;
        }
        let l = l.trim();
        if l.is_empty() || l.starts_with('#') {
            continue;
        }
        total += 1;
        match line(l) {
            Some(Kind::Scheme(fam)) => {
                schemes += 1;
                if families.len() < 8 && !families.contains(&fam) {
                    families.push(fam);
                }
            }
            Some(Kind::HexDigest) => {
                hex += 1;
                let n = l.len();
                uniform_hex &= hex_len.is_none_or(|h| h == n);
                hex_len = Some(n);
            }
            None => {}
        }
    }
    if total == 0 || schemes + hex == 0 {
        embedded(text, f);
        return;
    }
    let hits = schemes + hex;
    let mostly = hits * 10 >= total * 8;
    let confidence = match () {
        _ if schemes > 0 && mostly => conf::CERTAIN,
        _ if schemes > 0 && hits * 2 >= total => conf::LIKELY,
        _ if schemes > 0 => conf::PLAUSIBLE,
        // Bare hex only: many same-length digests are a hash list; one or two
        // could as well be a key or an id written in hex.
        _ if mostly && hex >= 3 && uniform_hex => conf::STRONG,
        _ if mostly => conf::PLAUSIBLE,
        _ => conf::WEAK,
    };
    for fam in &families {
        f.add(Label::HashKdfMaterial, confidence, format!("hash:{fam}"));
    }
    if hex > 0 {
        f.add(
            Label::HashKdfMaterial,
            confidence,
            if uniform_hex && hex >= 3 {
                "hash:hex_digest_lines"
            } else {
                "hash:hex_digest"
            },
        );
    }
    f.add(
        Label::HashKdfMaterial,
        confidence,
        format!("hash:lines:{hits}/{total}"),
    );
    f.container(Container::PasswordHash, confidence);
    f.encoding(Encoding::Text, confidence);
}

/// `$` and `{` positions examined at most for embedded hashes.
const MAX_EMBEDDED_CANDIDATES: usize = 4096;

/// Hashes inside other text (a JSON or SQL dump, a config file): tokens
/// that start with `$` or `{` and classify as a hash scheme. Fail-closed:
/// such a file is hash material too (at `PLAUSIBLE`: most of it is
/// something else, which keeps its own label).
fn embedded(text: &str, f: &mut Findings) {
    let b = text.as_bytes();
    let delimiter = |c: &u8| c.is_ascii_whitespace() || b"\"'`,;<>()[]".contains(c);
    let mut found = 0usize;
    for at in memchr::memchr2_iter(b'$', b'{', b).take(MAX_EMBEDDED_CANDIDATES) {
        // A token starts the text or follows a delimiter.
        if at > 0 && !delimiter(&b[at - 1]) {
            continue;
        }
        let len = b[at..].iter().position(delimiter).unwrap_or(b.len() - at);
        if matches!(token(&text[at..at + len]), Some(Kind::Scheme(_))) {
            found += 1;
        }
    }
    if found > 0 {
        f.add(
            Label::HashKdfMaterial,
            conf::PLAUSIBLE,
            "hash:embedded_token",
        );
        f.add(
            Label::HashKdfMaterial,
            conf::PLAUSIBLE,
            format!("hash:embedded_tokens:{found}"),
        );
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

    #[test]
    fn schemes() {
        for h in [
            "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW",
            "$6$rounds=5000$saltsalt$qFmFH.bQmmtXzyBY0s9v7Oicd2z4XSIecDzlB5KiA2/jctKu9YterLp8wwnSq.qc.eoxqOmSuNp2xS0ktL3nh/",
            "$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG",
            "$y$j9T$F5Jx5fExrKuPp53xLKQ..1$X3DX6M94c7o.9agCG9G317fhZg9SqC.5i5rd.RhAtQ7",
            "$pbkdf2-sha256$29000$N2bs3dt7bw3hnBOC8D4nxA$ThBq.3eFNS.6wm4BYn8hBWLH0jTC6CU9ttiv7pcoqYo",
            "{SSHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g5Tlh5",
            "pbkdf2_sha256$600000$salt$hashhashhashhash",
            "pbkdf2:sha256:600000$salt$0123456789abcdef",
            "*2470C0C06DEE42FD1618BB99005ADCA2EC9D1E19",
            "root:$6$salt$hash.hash.hash:19000:0:99999:7:::",
            "Administrator:500:aad3b435b51404eeaad3b435b51404ee:31d6cfe0d16ae931b73c59d7e0c089c0:::",
            "alice:$apr1$r31.....$HqJZimcKQFAMYayBlzkrA/",
        ] {
            let v = run(&format!("{h}\n"));
            assert_eq!(v.labels[0].label, Label::HashKdfMaterial, "{h}");
            assert_eq!(v.labels[0].confidence, conf::CERTAIN, "{h}");
            assert_eq!(v.container, Some(Container::PasswordHash), "{h}");
        }
    }

    #[test]
    fn hashes_embedded_in_other_text() {
        let json = r#"[{"user":"alice","pw":"$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW"}]"#;
        let v = run(json);
        assert_eq!(v.labels[0].label, Label::HashKdfMaterial);
        assert_eq!(v.labels[0].confidence, conf::PLAUSIBLE);
        assert_eq!(v.container, None);
        let sql =
            "INSERT INTO users VALUES (1, 'bob', '{SSHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g5Tlh5');\n";
        assert!(run(sql).has(Label::HashKdfMaterial));
        assert_eq!(
            run("costs $5 or ${HOME}/x and {a}\n").labels[0].label,
            Label::Unknown
        );
    }

    #[test]
    fn hex_lists_and_lookalikes() {
        let list = "5f4dcc3b5aa765d61d8327deb882cf99\n098f6bcd4621d373cade4e832627b4f6\nd41d8cd98f00b204e9800998ecf8427e\n";
        let v = run(list);
        assert_eq!(v.labels[0].confidence, conf::STRONG);
        let one = run("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n");
        assert_eq!(one.labels[0].confidence, conf::PLAUSIBLE);
        assert_eq!(
            run("hello world\nthis is prose\n").labels[0].label,
            Label::Unknown
        );
        assert_eq!(
            run("price: $5 and $6 dollars\n").labels[0].label,
            Label::Unknown
        );
        // passwd lines hold no hashes.
        assert_eq!(
            run("root:x:0:0:root:/root:/bin/bash\n").labels[0].label,
            Label::Unknown
        );
    }
}
