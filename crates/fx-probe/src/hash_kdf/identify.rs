//! One line of text → the hash it holds, in its context, and the ranked
//! catalogue rows that match it.
//!
//! Lines come as bare hashes, as `user:hash`, as `/etc/shadow` or `passwd`
//! lines (`user:$6$…:19000:0:99999:7:::`, `!` marking a locked account), as
//! pwdump lines (`user:rid:LM:NT:::`), or as LDAP `{CRYPT}` values. The
//! context is reported with the result, because it changes what is plausible.

use serde::Serialize;

use super::baseline::{Baseline, Finding, Traits, classify};
use super::catalogue::{ENTRIES, Entry, Pattern, lookup};
use super::codec::{is_digits, is_hex};
use super::params::Params;

/// Where the hash sat in its line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Context {
    /// The line is the hash.
    Bare,
    /// `user:hash`.
    UserHash,
    /// `/etc/shadow` or `passwd` line (7 or more fields).
    Shadow,
    /// pwdump / secretsdump `user:rid:LM:NT:::`.
    Pwdump,
    /// LDAP `{CRYPT}` wrapping a crypt(3) string.
    LdapCrypt,
}

impl Context {
    /// The wire name (`bare`, `user_hash`, `shadow`, `pwdump`, `ldap_crypt`),
    /// as serde writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Context::Bare => "bare",
            Context::UserHash => "user_hash",
            Context::Shadow => "shadow",
            Context::Pwdump => "pwdump",
            Context::LdapCrypt => "ldap_crypt",
        }
    }
}

/// The identification of one line.
#[derive(Clone, Debug)]
pub struct Identified<'a> {
    /// The hash string that was classified.
    pub hash: &'a str,
    /// Its context.
    pub context: Context,
    /// Matching rows, most plausible first (never empty).
    pub candidates: Vec<&'static Entry>,
    /// A shadow entry locked with `!` or `*`.
    pub locked: bool,
    /// A pwdump line whose LM half is not the empty-password constant.
    pub lm_present: bool,
}

/// The empty-password LM hash (pwdump writes it when LM storage is off).
const EMPTY_LM: &str = "aad3b435b51404eeaad3b435b51404ee";

impl Identified<'_> {
    /// The most plausible row.
    pub fn top(&self) -> &'static Entry {
        self.candidates[0]
    }

    /// Parameters of the most plausible row.
    pub fn params(&self) -> Params {
        (self.top().params)(self.hash)
    }

    /// Weaknesses of the most plausible row against a baseline.
    pub fn findings(&self, params: &Params, baseline: &Baseline) -> Vec<Finding> {
        let top = self.top();
        let traits = Traits {
            truncates: top.truncates,
            buggy_variant: self.hash.starts_with("$2x$"),
        };
        let mut out = classify(top.family, params, traits, baseline);
        if self.lm_present {
            out.push(Finding {
                id: "lm_hash_present",
                detail: "the pwdump line also stores an LM hash (7-character halves, upper-cased)"
                    .into(),
            });
        }
        out
    }
}

fn ntlm_row() -> &'static Entry {
    ENTRIES
        .iter()
        .find(|e| e.hashcat_mode == Some(1000))
        .unwrap_or(&ENTRIES[0])
}

fn htdigest_row() -> &'static Entry {
    ENTRIES
        .iter()
        .find(|e| e.scheme == "htdigest")
        .unwrap_or(&ENTRIES[0])
}

/// Identifies the hash in one line; `None` when nothing in it is recognised.
pub fn identify(line: &str) -> Option<Identified<'_>> {
    let line = line.trim();
    if line.is_empty() || line.starts_with('#') {
        return None;
    }
    if let Some(inner) = strip_ci(line, "{CRYPT}") {
        let mut id = identify(inner)?;
        id.context = Context::LdapCrypt;
        return Some(id);
    }
    // A bare hex line whose digits are not spread like a digest's (a table
    // of code points, a counter) is no hash.
    if line.len() >= 16
        && line.bytes().all(|b| b.is_ascii_hexdigit())
        && !fx_formats::digest::hex_looks_random(line)
    {
        return None;
    }
    let whole = lookup(line);
    let salted_hex = whole
        .first()
        .is_some_and(|e| matches!(e.pattern, Pattern::HexSalt(..)));
    if !whole.is_empty() && !salted_hex {
        return Some(bare(line, whole));
    }
    // `hexdigest:salt` keeps its reading unless the first field cannot be a digest.
    if line.contains(':')
        && !(salted_hex && line.split(':').next().is_some_and(is_hex))
        && let Some(id) = with_user(line)
    {
        return Some(id);
    }
    (!whole.is_empty()).then(|| bare(line, whole))
}

fn bare<'a>(line: &'a str, candidates: Vec<&'static Entry>) -> Identified<'a> {
    Identified {
        hash: line,
        context: Context::Bare,
        candidates,
        locked: false,
        lm_present: false,
    }
}

fn strip_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

fn with_user(line: &str) -> Option<Identified<'_>> {
    let mut it = line.split(':');
    let _user = it.next()?;
    let second = it.next()?;
    let third = it.next();
    let fourth = it.next();
    let n_fields = line.split(':').count();
    // pwdump: user:rid:LM:NT:::
    if let (Some(lm), Some(nt)) = (third, fourth)
        && is_digits(second)
        && lm.len() == 32
        && nt.len() == 32
        && is_hex(lm)
        && is_hex(nt)
    {
        return Some(Identified {
            hash: nt,
            context: Context::Pwdump,
            candidates: vec![ntlm_row()],
            locked: false,
            lm_present: !lm.eq_ignore_ascii_case(EMPTY_LM),
        });
    }
    // Apache `.htdigest`: `user:realm:md5(user:realm:password)`.
    if n_fields == 3
        && let Some(digest) = third
        && digest.len() == 32
        && is_hex(digest)
        && !second.is_empty()
        && !is_hex(second)
    {
        return Some(Identified {
            hash: digest,
            context: Context::UserHash,
            candidates: vec![htdigest_row()],
            locked: false,
            lm_present: false,
        });
    }
    // hashcat's `--username` form: `user:<hash with its own colons>` (e.g. `user:hex:salt`).
    if (3..7).contains(&n_fields)
        && let Some((_, rest)) = line.split_once(':')
    {
        let candidates = lookup(rest);
        if !candidates.is_empty() {
            return Some(Identified {
                hash: rest,
                context: Context::UserHash,
                candidates,
                locked: false,
                lm_present: false,
            });
        }
    }
    let (hash, locked) = match second.strip_prefix(['!', '*']) {
        Some(rest) => (rest, true),
        None => (second, false),
    };
    let candidates = lookup(hash);
    if candidates.is_empty() {
        return None;
    }
    let fields = n_fields;
    Some(Identified {
        hash,
        context: if fields >= 7 {
            Context::Shadow
        } else {
            Context::UserHash
        },
        candidates,
        locked,
        lm_present: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contexts() {
        let s = identify("root:$6$rounds=5000$abcdefgh$ujCT.FZYDb0i3xNu9qeZgWWpAdJr0rGFgvSOPOpNydj8jQPbyPDQDt4qY7DqYxnaj/9d4sUl3wJZzlsIFXkIc0:19000:0:99999:7:::").expect("shadow");
        assert_eq!(s.context, Context::Shadow);
        assert_eq!(s.top().hashcat_mode, Some(1800));
        let p = identify("Administrator:500:aad3b435b51404eeaad3b435b51404ee:31d6cfe0d16ae931b73c59d7e0c089c0:::").expect("pwdump");
        assert_eq!(
            (p.context, p.top().hashcat_mode, p.lm_present),
            (Context::Pwdump, Some(1000), false)
        );
        let u = identify("alice:5f4dcc3b5aa765d61d8327deb882cf99").expect("user:hash");
        assert_eq!(
            (u.context, u.top().hashcat_mode),
            (Context::UserHash, Some(0))
        );
        let h = identify("3d83c8e717ff0e7ecfe187f088d69954:343141").expect("hash:salt");
        assert_eq!((h.context, h.top().hashcat_mode), (Context::Bare, Some(10)));
        let w = identify("bob:3d83c8e717ff0e7ecfe187f088d69954:343141").expect("user:hash:salt");
        assert_eq!(
            (w.context, w.top().hashcat_mode, w.hash),
            (
                Context::UserHash,
                Some(10),
                "3d83c8e717ff0e7ecfe187f088d69954:343141"
            )
        );
        let d = identify("admin:Restricted:db9024371ff21be80a048efe01f49fa6").expect("htdigest");
        assert_eq!(
            (d.context, d.top().scheme, d.hash.len()),
            (Context::UserHash, "htdigest", 32)
        );
        let c = identify("{CRYPT}$1$38652870$DUjsu4TTlTsOe/xxZ05uf/").expect("ldap crypt");
        assert_eq!(
            (c.context, c.top().hashcat_mode),
            (Context::LdapCrypt, Some(500))
        );
        let l =
            identify("bob:!$1$38652870$DUjsu4TTlTsOe/xxZ05uf/:19000:0:99999:7:::").expect("locked");
        assert!(l.locked);
        assert!(identify("   ").is_none());
        assert!(identify("daemon:*:19000:0:99999:7:::").is_none());
    }
}
