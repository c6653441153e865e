//! Password-hash and KDF syntax, line by line: modular crypt (`$2b$`,
//! `$6$`, `$argon2id$`, `$y$`, `$pbkdf2-sha256$`, `$md5,rounds=`, …), LDAP
//! `{SSHA}`-style and FSHP `{FSHP1|…}`, Django and Werkzeug forms, MySQL
//! 4.1 `*…`, MSSQL `0x0100…`, Oracle `S:…`, PostgreSQL `md5…`, GRUB 2,
//! shadow, pwdump and `.htdigest` lines, `user:hash` pairs, files of bare
//! hex digests, and prefix-less crypt shapes (DES crypt, bigcrypt, crypt16,
//! BSDi, Cisco PIX/ASA, type 4 and type 7).
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
    /// A prefix-less shape (DES crypt, Cisco PIX…): a family's syntax, but
    /// one a random token can have too, so never certain on its own.
    Shape(&'static str),
}

fn is_hex(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_hexdigit())
}

fn hex_digest(s: &str) -> bool {
    matches!(s.len(), 16 | 32 | 40 | 56 | 64 | 96 | 128)
        && is_hex(s)
        && fx_formats::digest::hex_looks_random(s)
}

/// Characters of crypt salts and digests (crypt base64, standard base64, hex, separators).
fn crypt_chars(s: &str) -> bool {
    s.bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"./+=,-_*$:#".contains(&b))
}

/// Value of a crypt(3) alphabet character (`./0-9A-Za-z`).
fn crypt64(b: u8) -> Option<u8> {
    match b {
        b'.' => Some(0),
        b'/' => Some(1),
        b'0'..=b'9' => Some(b - b'0' + 2),
        b'A'..=b'Z' => Some(b - b'A' + 12),
        b'a'..=b'z' => Some(b - b'a' + 38),
        _ => None,
    }
}

/// Crypt-alphabet text mixing at least two of lower case, upper case, and
/// digits or `./` (a hash does; a word or a number seldom does).
fn crypt_mixed(s: &str) -> bool {
    let b = s.as_bytes();
    let lower = b.iter().any(u8::is_ascii_lowercase);
    let upper = b.iter().any(u8::is_ascii_uppercase);
    let other = b
        .iter()
        .any(|c| c.is_ascii_digit() || *c == b'.' || *c == b'/');
    b.iter().all(|c| crypt64(*c).is_some())
        && u8::from(lower) + u8::from(upper) + u8::from(other) >= 2
}

/// DES crypt and its extensions: 2 salt characters then 11-character blocks,
/// each ending on a character whose value is a multiple of 4 (64 bits in 66).
fn des_blocks(s: &str) -> bool {
    s.len() >= 13
        && (s.len() - 2).is_multiple_of(11)
        && crypt_mixed(s)
        && s.as_bytes()[2..].chunks(11).all(|block| {
            block
                .last()
                .and_then(|c| crypt64(*c))
                .is_some_and(|v| v % 4 == 0)
        })
}

/// Cisco IOS type 7: two decimal digits (offset 00–15), then upper-case hex.
fn cisco_type7(s: &str) -> bool {
    let b = s.as_bytes();
    (8..=130).contains(&b.len())
        && b.len().is_multiple_of(2)
        && b[0].is_ascii_digit()
        && b[1].is_ascii_digit()
        && (b[0] - b'0') * 10 + (b[1] - b'0') <= 15
        && b[2..]
            .iter()
            .all(|c| c.is_ascii_digit() || (b'A'..=b'F').contains(c))
        && b[2..].iter().any(u8::is_ascii_uppercase)
        && fx_formats::digest::hex_looks_random(&s[2..])
}

/// Hash shapes without a prefix.
fn shape(t: &str) -> Option<Kind> {
    if cisco_type7(t) {
        return Some(Kind::Shape("cisco_type7"));
    }
    if des_blocks(t) {
        return Some(Kind::Shape("des_crypt"));
    }
    if let Some(rest) = t.strip_prefix('_')
        && rest.len() == 19
        && crypt_mixed(rest)
    {
        return Some(Kind::Shape("bsdi_crypt"));
    }
    match t.len() {
        16 if crypt_mixed(t) && !is_hex(t) => Some(Kind::Shape("cisco_pix")),
        43 if crypt_mixed(t) => Some(Kind::Shape("cisco_type4")),
        _ => None,
    }
}

fn token(t: &str) -> Option<Kind> {
    if t.len() < 13 || t.len() > 1024 {
        return cisco_type7(t).then_some(Kind::Shape("cisco_type7"));
    }
    if let Some(rest) = t.strip_prefix('$') {
        let (id, tail) = rest.split_once('$')?;
        if !crypt_chars(tail) || tail.is_empty() {
            return None;
        }
        // Sun MD5 writes its cost into the identifier: `$md5,rounds=5000$`.
        let id = id.split_once(",rounds=").map_or(id, |(head, _)| head);
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
        // FSHP carries its variant, salt size and rounds in the braces: `{FSHP1|16|480000}`.
        let ok = (2..=24).contains(&scheme.len())
            && scheme
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-' || b == b'|')
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
    // Database forms: MSSQL `0x0100`/`0x0200` + salt + SHA, Oracle 11g `S:`, PostgreSQL `md5`.
    if let Some(h) = t.strip_prefix("0x01").or_else(|| t.strip_prefix("0x02"))
        && matches!(h.len(), 50 | 90 | 138)
        && is_hex(h)
    {
        return Some(Kind::Scheme("mssql"));
    }
    if let Some(h) = t.strip_prefix("S:")
        && h.len() == 60
        && is_hex(h)
    {
        return Some(Kind::Scheme("oracle11"));
    }
    if let Some(h) = t.strip_prefix("md5")
        && h.len() == 32
        && is_hex(h)
    {
        return Some(Kind::Scheme("postgres_md5"));
    }
    if t.starts_with("grub.pbkdf2.") && t.split('.').count() == 6 && crypt_chars(t) {
        return Some(Kind::Scheme("grub_pbkdf2"));
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
    shape(t)
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
        // Apache .htdigest: user:realm:md5(user:realm:password)
        [user, realm, digest]
            if !user.is_empty()
                && !realm.is_empty()
                && !is_hex(realm)
                && digest.len() == 32
                && is_hex(digest) =>
        {
            Some(Kind::Scheme("htdigest"))
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

/// Where a line stands relative to an armored block (PEM, OpenPGP and
/// RFC 4716 armor, PuTTY's counted `*-Lines:` blocks). Base64 lines in
/// such a block are the armor's body, not hash lines: a 16-character last
/// line of a PEM body has the shape of a Cisco PIX hash.
enum Armor {
    /// Not in an armored block.
    Outside,
    /// Inside a `-----BEGIN`/`---- BEGIN` block, until its END line.
    Delimited,
    /// Inside a PuTTY `Public-Lines: n`/`Private-Lines: n` block: lines left.
    Counted(usize),
}

impl Armor {
    /// Whether `l` (trimmed) is armor — a delimiter, a header or a body
    /// line — and so no hash line; advances the state.
    fn body(&mut self, l: &str) -> bool {
        match self {
            Armor::Delimited => {
                if is_armor_end(l) {
                    *self = Armor::Outside;
                }
                true
            }
            Armor::Counted(n) => {
                *n -= 1;
                if *n == 0 {
                    *self = Armor::Outside;
                }
                true
            }
            Armor::Outside if is_armor_begin(l) => {
                *self = Armor::Delimited;
                true
            }
            Armor::Outside => {
                if let Some(n) = putty_line_count(l) {
                    if n > 0 {
                        *self = Armor::Counted(n);
                    }
                    return true;
                }
                false
            }
        }
    }
}

/// A PEM/OpenPGP (`-----BEGIN `) or RFC 4716 (`---- BEGIN `) opening line.
fn is_armor_begin(l: &str) -> bool {
    l.starts_with("-----BEGIN ") || l.starts_with("---- BEGIN ")
}

/// The line that closes a delimited armored block.
fn is_armor_end(l: &str) -> bool {
    l.starts_with("-----END ") || l.starts_with("---- END ")
}

/// The line count of a PuTTY `Public-Lines: n` / `Private-Lines: n` header.
fn putty_line_count(l: &str) -> Option<usize> {
    let n = l
        .strip_prefix("Public-Lines:")
        .or_else(|| l.strip_prefix("Private-Lines:"))?;
    n.trim().parse().ok()
}

/// Adds the hash/KDF findings of `inp`.
pub fn sniff(inp: &Input<'_>, f: &mut Findings) {
    let Some(text) = inp.text() else { return };
    let (mut schemes, mut hex, mut shapes, mut total) = (0usize, 0usize, 0usize, 0usize);
    let mut hex_len = None::<usize>;
    let mut uniform_hex = true;
    let mut short_hex = false;
    let mut families: Vec<&'static str> = Vec::new();
    let mut armor = Armor::Outside;
    let mut lines = text.lines().take(MAX_LINES).peekable();
    while let Some(l) = lines.next() {
        // The last line may be cut by the end of the prefix: do not judge it.
        if lines.peek().is_none() && !inp.complete() && total > 0 {
            break;
        }
        let l = l.trim();
        if armor.body(l) || l.is_empty() || l.starts_with('#') {
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
                // 16 hex digits (MySQL 3, Oracle 7-10, half an LM hash) are also any 64-bit id.
                short_hex |= n < 32;
                hex_len = Some(n);
            }
            Some(Kind::Shape(fam)) => {
                shapes += 1;
                if families.len() < 8 && !families.contains(&fam) {
                    families.push(fam);
                }
            }
            None => {}
        }
    }
    if total == 0 || schemes + hex + shapes == 0 {
        embedded(text, f);
        return;
    }
    let hits = schemes + hex + shapes;
    let mostly = hits * 10 >= total * 8;
    // Prefix-less shapes in a minority of lines, with nothing else: the
    // other lines are something else, and a 13- or 16-character token of
    // the crypt alphabet there is as likely the short last line of wrapped
    // base64 or a word as a hash. That is no evidence.
    if schemes == 0 && hex == 0 && !mostly {
        embedded(text, f);
        return;
    }
    let confidence = match () {
        _ if schemes > 0 && mostly => conf::CERTAIN,
        _ if schemes > 0 && hits * 2 >= total => conf::LIKELY,
        _ if schemes > 0 => conf::PLAUSIBLE,
        // Bare hex and prefix-less shapes only: many same-length digests, or
        // many lines of crypt shapes, are a hash list; one or two could as
        // well be a key, an id or a word.
        _ if mostly && shapes >= 3 && hex == 0 => conf::STRONG,
        _ if mostly && hex >= 3 && shapes == 0 && uniform_hex && !short_hex => conf::STRONG,
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

    /// A PEM body whose last line has the shape of a Cisco PIX hash (16
    /// characters of the crypt alphabet) is armor, not a hash line: this
    /// tail once made a freshly generated RSA key `hash_kdf_material`.
    #[test]
    fn armored_bodies_are_not_hash_lines() {
        let body = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj";
        for text in [
            format!(
                "-----BEGIN PRIVATE KEY-----\n{body}\nAbCdEfGh01234567\n-----END PRIVATE KEY-----\n"
            ),
            format!(
                "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n{body}\nAbCdEfGh01234567\n=Ab1c\n-----END PGP PUBLIC KEY BLOCK-----\n"
            ),
            format!(
                "---- BEGIN SSH2 PUBLIC KEY ----\nComment: \"k\"\n{body}\nAbCdEfGh01234567\n---- END SSH2 PUBLIC KEY ----\n"
            ),
            format!(
                "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nPublic-Lines: 2\n{body}\nAbCdEfGh01234567\nPrivate-Lines: 1\nAbCdEfGh01234567\n"
            ),
        ] {
            let v = run(&text);
            assert!(
                !v.labels.iter().any(|l| l.label == Label::HashKdfMaterial),
                "{text}: {:?}",
                v.labels
            );
        }
        // Bare wrapped base64 with such a tail is no hash list either.
        let v = run(&format!("{body}\n{body}\n{body}\nAbCdEfGh01234567\n"));
        assert!(
            !v.labels.iter().any(|l| l.label == Label::HashKdfMaterial),
            "{:?}",
            v.labels
        );
        // Outside the armor the same line is still judged.
        let v = run(
            "-----BEGIN PRIVATE KEY-----\nAbCd\n-----END PRIVATE KEY-----\nAbCdEfGh01234567\nAbCdEfGh01234560\nAbCdEfGh01234561\n",
        );
        assert!(
            v.labels.iter().any(|l| l.label == Label::HashKdfMaterial),
            "{:?}",
            v.labels
        );
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
            "$md5,rounds=5000$G5fVKyyD$$.l/wkp1VS4SyR35NJ6spJ/",
            "{FSHP1|16|480000}noZOWljwEcqYnJ31qVJqkj89rR1AGDbmSdv2weGkf7MtkGrFxm0lMAuQBAnBiswL",
            "$DCC2$10240#alice#91b7662a84653a08c3b3418007fc5dad",
            "0x0100E3FEEB4EC62A41ADD922BDEEBE42643A726744F6577D6331",
            "S:6DE6BBF90B1E7136988761854472C3DFF0A627383BECD6D8222374CDB0EC",
            "md532e12f215ba27cb750c9e093ce4b5127",
            "admin:Restricted:db9024371ff21be80a048efe01f49fa6",
        ] {
            let v = run(&format!("{h}\n"));
            assert_eq!(v.labels[0].label, Label::HashKdfMaterial, "{h}");
            assert_eq!(v.labels[0].confidence, conf::CERTAIN, "{h}");
            assert_eq!(v.container, Some(Container::PasswordHash), "{h}");
        }
    }

    #[test]
    fn prefixless_shapes_are_labelled_but_not_certain() {
        for h in [
            "d6tAJazxJcnuo",
            "XxXt88ALBellgHaRp5Y2ndvcOuWoH48IBZ.VaSWpWKv6po",
            "_7C/.YsEThvd2gFkS0Jw",
            "NuLKvvWGg.x9HEKO",
            "LcV6aBcc/53FoCJjXQMd7rBUDEpeevrK8V5jQVoJEhU",
            "070C285F4D06",
        ] {
            let v = run(&format!("{h}\n"));
            assert_eq!(v.labels[0].label, Label::HashKdfMaterial, "{h}");
            assert_eq!(v.labels[0].confidence, conf::PLAUSIBLE, "{h}");
        }
        let list = "d6tAJazxJcnuo\n60OcquwTQNZBw\nmsC8/2lyw8Hms\n";
        assert_eq!(run(list).labels[0].confidence, conf::STRONG);
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
        // 16 hex digits are as likely an id: a list of them is never more than plausible.
        let ids = "5d2e19393cc5ef67\n3c814ebd0491233c\n6986c27d06386097\n";
        assert_eq!(run(ids).labels[0].confidence, conf::PLAUSIBLE);
        // Words: one class of letters, or a last character no DES block ends on.
        for w in ["relationships\n", "International\n", "abcdefghijklmnop\n"] {
            assert_eq!(run(w).labels[0].label, Label::Unknown, "{w}");
        }
        // passwd lines hold no hashes.
        assert_eq!(
            run("root:x:0:0:root:/root:/bin/bash\n").labels[0].label,
            Label::Unknown
        );
    }
}
