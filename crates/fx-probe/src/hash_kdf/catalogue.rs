//! THE catalogue: one table, [`ENTRIES`], from syntax to scheme.
//!
//! Each row says how a hash string is recognised ([`Pattern`]), what scheme
//! it is, its hashcat mode and John the Ripper format, which family of
//! constructions it belongs to (what the baseline judges), a shape check and
//! a parameter extractor. Several rows may share one syntax (hashcat modes that
//! differ only in what produced the hash): they are all returned, ranked by
//! their order in the table, most plausible first.
//!
//! Lookup never runs a regex: prefix rows are bucketed by first byte, hex rows
//! by length, and a line is classified by one pass over its bytes.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::codec::{HexCase, hex_case, is_hex};
use super::params::{Family, Params};
use super::{argon2, bare_hex, bcrypt, crypt_sha, ldap, pbkdf2, phpass, scrypt};

/// How a row recognises a hash string.
#[derive(Clone, Copy, Debug)]
pub enum Pattern {
    /// A literal prefix (compared case-insensitively when it starts with `{`),
    /// then the row's shape check on the whole string.
    Prefix(&'static str),
    /// Exactly this many hex digits.
    Hex(u16),
    /// `hex(len) : …` with this many `:`-separated fields in all.
    HexSalt(u16, u8),
    /// Hex digits of any length the shape check accepts, ranked after the
    /// rows of that exact length (Cisco type 7 is upper-case hex of any even length).
    HexAny,
    /// No literal prefix: the shape check alone decides (tried last).
    Shape,
}

/// One row of the catalogue.
#[derive(Clone, Copy, Debug)]
pub struct Entry {
    /// fx's scheme name (stable; used in evidence and features).
    pub scheme: &'static str,
    /// hashcat `-m` mode, when hashcat has one.
    pub hashcat_mode: Option<u32>,
    /// John the Ripper `--format` name, when known.
    pub john_format: Option<&'static str>,
    /// How it is recognised.
    pub pattern: Pattern,
    /// What judges its parameters.
    pub family: Family,
    /// Whole-string shape check (after the pattern matched).
    pub check: fn(&str) -> bool,
    /// Parameter extractor.
    pub params: fn(&str) -> Params,
    /// Hex letter case that makes this row more plausible (LM, NTLM dumps, Oracle).
    pub case: Option<HexCase>,
    /// Truncates or case-folds the password.
    pub truncates: bool,
}

fn any(_: &str) -> bool {
    true
}
fn no_params(_: &str) -> Params {
    Params::default()
}

const NONE: u32 = u32::MAX;

const fn row(pattern: Pattern, mode: u32, scheme: &'static str, family: Family) -> Entry {
    Entry {
        scheme,
        hashcat_mode: if mode == NONE { None } else { Some(mode) },
        john_format: None,
        pattern,
        family,
        check: any,
        params: no_params,
        case: None,
        truncates: false,
    }
}
const fn pre(prefix: &'static str, mode: u32, scheme: &'static str, family: Family) -> Entry {
    row(Pattern::Prefix(prefix), mode, scheme, family)
}
const fn hex(len: u16, mode: u32, scheme: &'static str, family: Family) -> Entry {
    row(Pattern::Hex(len), mode, scheme, family).params(bare_hex::params_hex)
}
const fn hs(len: u16, mode: u32, scheme: &'static str) -> Entry {
    row(Pattern::HexSalt(len, 2), mode, scheme, Family::SaltedFast)
        .params(bare_hex::params_hex_salt)
}
const fn hs3(len: u16, fields: u8, mode: u32, scheme: &'static str, family: Family) -> Entry {
    row(Pattern::HexSalt(len, fields), mode, scheme, family).params(bare_hex::params_hex_salt)
}
const fn shape(check: fn(&str) -> bool, mode: u32, scheme: &'static str, family: Family) -> Entry {
    row(Pattern::Shape, mode, scheme, family).check(check)
}
const fn hex_any(
    check: fn(&str) -> bool,
    mode: u32,
    scheme: &'static str,
    family: Family,
) -> Entry {
    row(Pattern::HexAny, mode, scheme, family).check(check)
}

impl Entry {
    const fn john(self, f: &'static str) -> Entry {
        Entry {
            john_format: Some(f),
            ..self
        }
    }
    const fn check(self, f: fn(&str) -> bool) -> Entry {
        Entry { check: f, ..self }
    }
    const fn params(self, f: fn(&str) -> Params) -> Entry {
        Entry { params: f, ..self }
    }
    const fn upper(self) -> Entry {
        Entry {
            case: Some(HexCase::Upper),
            ..self
        }
    }
    const fn truncating(self) -> Entry {
        Entry {
            truncates: true,
            ..self
        }
    }
}

use Family::{
    Bcrypt as BC, Container as CT, DesCrypt as DES, Legacy as LEG, Md5Crypt as MD5C, Phpass as PHP,
    Protocol as PR, SaltedFast as SF, ShaCrypt as SHAC, UnsaltedFast as UF,
};

/// Every scheme fx recognises, most plausible first within a shared syntax.
pub static ENTRIES: &[Entry] = &[
    // --- modular crypt and password-hash KDFs (the audit's core) -------------------------
    pre("$2a$", 3200, "bcrypt", BC)
        .john("bcrypt")
        .check(bcrypt::check)
        .params(bcrypt::params),
    pre("$2b$", 3200, "bcrypt", BC)
        .john("bcrypt")
        .check(bcrypt::check)
        .params(bcrypt::params),
    pre("$2y$", 3200, "bcrypt", BC)
        .john("bcrypt")
        .check(bcrypt::check)
        .params(bcrypt::params),
    pre("$2x$", 3200, "bcrypt", BC)
        .john("bcrypt")
        .check(bcrypt::check)
        .params(bcrypt::params),
    // The original OpenBSD identifier: hashcat's bcrypt module does not take `$2$`.
    pre("$2$", NONE, "bcrypt", BC)
        .check(bcrypt::check)
        .params(bcrypt::params),
    pre("$bcrypt-sha256$", NONE, "passlib-bcrypt-sha256", BC)
        .check(bcrypt::check_sha256)
        .params(bcrypt::params_sha256),
    pre("bcrypt$", NONE, "django-bcrypt", BC)
        .check(bcrypt::check_django)
        .params(bcrypt::params_django),
    pre("bcrypt_sha256$", NONE, "django-bcrypt-sha256", BC)
        .check(bcrypt::check_django)
        .params(bcrypt::params_django),
    pre("$2a$", 28400, "bcrypt(sha512)", BC)
        .check(bcrypt::check)
        .params(bcrypt::params),
    pre("$2a$", 25600, "bcrypt(md5)", BC)
        .check(bcrypt::check)
        .params(bcrypt::params),
    pre("$2a$", 25800, "bcrypt(sha1)", BC)
        .check(bcrypt::check)
        .params(bcrypt::params),
    pre("$5$", 7400, "sha256crypt", SHAC)
        .john("sha256crypt")
        .check(crypt_sha::check_sha256)
        .params(crypt_sha::params_sha256),
    pre("$6$", 1800, "sha512crypt", SHAC)
        .john("sha512crypt")
        .check(crypt_sha::check_sha512)
        .params(crypt_sha::params_sha512),
    pre("$1$", 500, "md5crypt", MD5C)
        .john("md5crypt")
        .check(crypt_sha::check_md5)
        .params(crypt_sha::params_md5),
    pre("$apr1$", 1600, "apr1", MD5C)
        .john("md5crypt")
        .check(crypt_sha::check_apr1)
        .params(crypt_sha::params_md5),
    pre("$md5$", NONE, "sunmd5", MD5C)
        .john("SunMD5")
        .check(crypt_sha::check_sunmd5)
        .params(crypt_sha::params_sunmd5),
    pre("$md5,", NONE, "sunmd5", MD5C)
        .john("SunMD5")
        .check(crypt_sha::check_sunmd5)
        .params(crypt_sha::params_sunmd5),
    pre("$sha1$", 15100, "sha1crypt", SHAC)
        .john("sha1crypt")
        .check(crypt_sha::check_sha1crypt)
        .params(crypt_sha::params_sha1crypt),
    pre("_", 12400, "bsdicrypt", DES)
        .john("bsdicrypt")
        .check(crypt_sha::check_bsdi)
        .params(crypt_sha::params_bsdi)
        .truncating(),
    pre("$argon2id$", 34000, "argon2id", Family::Argon2("id"))
        .john("argon2")
        .check(argon2::check)
        .params(argon2::params),
    pre("$argon2i$", 34000, "argon2i", Family::Argon2("i"))
        .john("argon2")
        .check(argon2::check)
        .params(argon2::params),
    pre("$argon2d$", 34000, "argon2d", Family::Argon2("d"))
        .john("argon2")
        .check(argon2::check)
        .params(argon2::params),
    pre(
        "argon2$argon2id$",
        NONE,
        "django-argon2id",
        Family::Argon2("id"),
    )
    .check(argon2::check_django)
    .params(argon2::params_django),
    pre(
        "argon2$argon2i$",
        NONE,
        "django-argon2i",
        Family::Argon2("i"),
    )
    .check(argon2::check_django)
    .params(argon2::params_django),
    pre(
        "argon2$argon2d$",
        NONE,
        "django-argon2d",
        Family::Argon2("d"),
    )
    .check(argon2::check_django)
    .params(argon2::params_django),
    pre("$7$", 8900, "scrypt", Family::Scrypt)
        .john("scrypt")
        .check(scrypt::check_dollar7)
        .params(scrypt::params_dollar7),
    pre("$scrypt$", 8900, "scrypt", Family::Scrypt)
        .john("scrypt")
        .check(scrypt::check_passlib)
        .params(scrypt::params_passlib),
    pre("SCRYPT:", 8900, "scrypt", Family::Scrypt)
        .john("scrypt")
        .check(scrypt::check_hashcat)
        .params(scrypt::params_hashcat),
    pre("scrypt$", 8900, "scrypt", Family::Scrypt)
        .check(scrypt::check_django)
        .params(scrypt::params_django),
    pre("$9$", 9300, "cisco-type9", Family::Scrypt)
        .john("scrypt")
        .check(scrypt::check_cisco9)
        .params(scrypt::params_cisco9),
    pre("$y$", NONE, "yescrypt", Family::Yescrypt)
        .john("crypt")
        .check(scrypt::check_yescrypt)
        .params(scrypt::params_yescrypt),
    pre("$gy$", NONE, "gost-yescrypt", Family::Yescrypt)
        .john("crypt")
        .check(scrypt::check_yescrypt)
        .params(scrypt::params_yescrypt),
    pre(
        "pbkdf2_sha256$",
        10000,
        "django-pbkdf2-sha256",
        Family::Pbkdf2("sha256"),
    )
    .john("Django")
    .check(pbkdf2::check_django)
    .params(pbkdf2::params_django),
    pre(
        "pbkdf2_sha1$",
        NONE,
        "django-pbkdf2-sha1",
        Family::Pbkdf2("sha1"),
    )
    .check(pbkdf2::check_django)
    .params(pbkdf2::params_django),
    pre(
        "$pbkdf2-sha512$",
        20200,
        "passlib-pbkdf2-sha512",
        Family::Pbkdf2("sha512"),
    )
    .john("PBKDF2-HMAC-SHA512")
    .check(pbkdf2::check_passlib)
    .params(pbkdf2::params_passlib),
    pre(
        "$pbkdf2-sha256$",
        20300,
        "passlib-pbkdf2-sha256",
        Family::Pbkdf2("sha256"),
    )
    .john("PBKDF2-HMAC-SHA256")
    .check(pbkdf2::check_passlib)
    .params(pbkdf2::params_passlib),
    pre(
        "$pbkdf2$",
        20400,
        "passlib-pbkdf2-sha1",
        Family::Pbkdf2("sha1"),
    )
    .john("PBKDF2-HMAC-SHA1")
    .check(pbkdf2::check_passlib)
    .params(pbkdf2::params_passlib),
    pre(
        "pbkdf2:sha256",
        NONE,
        "werkzeug-pbkdf2-sha256",
        Family::Pbkdf2("sha256"),
    )
    .check(pbkdf2::check_werkzeug)
    .params(pbkdf2::params_werkzeug),
    pre(
        "pbkdf2:sha512",
        NONE,
        "werkzeug-pbkdf2-sha512",
        Family::Pbkdf2("sha512"),
    )
    .check(pbkdf2::check_werkzeug)
    .params(pbkdf2::params_werkzeug),
    pre(
        "pbkdf2:sha1",
        NONE,
        "werkzeug-pbkdf2-sha1",
        Family::Pbkdf2("sha1"),
    )
    .check(pbkdf2::check_werkzeug)
    .params(pbkdf2::params_werkzeug),
    pre("sha256:", 10900, "pbkdf2-sha256", Family::Pbkdf2("sha256"))
        .john("PBKDF2-HMAC-SHA256")
        .check(pbkdf2::check_hashcat)
        .params(pbkdf2::params_hashcat),
    pre("sha512:", 12100, "pbkdf2-sha512", Family::Pbkdf2("sha512"))
        .john("PBKDF2-HMAC-SHA512")
        .check(pbkdf2::check_hashcat)
        .params(pbkdf2::params_hashcat),
    pre("sha1:", 12000, "pbkdf2-sha1", Family::Pbkdf2("sha1"))
        .john("PBKDF2-HMAC-SHA1")
        .check(pbkdf2::check_hashcat)
        .params(pbkdf2::params_hashcat),
    pre("md5:", 11900, "pbkdf2-md5", Family::Pbkdf2("md5"))
        .john("PBKDF2-HMAC-MD5")
        .check(pbkdf2::check_hashcat)
        .params(pbkdf2::params_hashcat),
    pre(
        "{PKCS5S2}",
        12001,
        "atlassian-pbkdf2-sha1",
        Family::Pbkdf2("sha1"),
    )
    .john("atlassian")
    .check(pbkdf2::check_atlassian)
    .params(pbkdf2::params_atlassian),
    pre("$8$", 9200, "cisco-type8", Family::Pbkdf2("sha256"))
        .john("pbkdf2-hmac-sha256")
        .check(pbkdf2::check_cisco8)
        .params(pbkdf2::params_cisco8),
    pre(
        "{PBKDF2_SHA256}",
        10901,
        "389ds-pbkdf2-sha256",
        Family::Pbkdf2("sha256"),
    )
    .params(pbkdf2::params_389ds),
    pre(
        "grub.pbkdf2.sha512.",
        7200,
        "grub2-pbkdf2-sha512",
        Family::Pbkdf2("sha512"),
    )
    .john("PBKDF2-HMAC-SHA512")
    .params(pbkdf2::params_grub),
    pre(
        "$ml$",
        7100,
        "macos-pbkdf2-sha512",
        Family::Pbkdf2("sha512"),
    )
    .john("xsha512")
    .params(pbkdf2::params_macos),
    pre(
        "SCRAM-SHA-256$",
        28600,
        "postgres-scram-sha256",
        Family::Pbkdf2("sha256"),
    )
    .params(pbkdf2::params_scram),
    pre("pbkdf2(", 21600, "web2py-pbkdf2", Family::Pbkdf2("sha512")).params(pbkdf2::params_web2py),
    pre("{PBKDF2}", NONE, "ldap-pbkdf2-sha1", Family::Pbkdf2("sha1"))
        .check(pbkdf2::check_ldap)
        .params(pbkdf2::params_ldap),
    pre(
        "{PBKDF2-SHA256}",
        NONE,
        "ldap-pbkdf2-sha256",
        Family::Pbkdf2("sha256"),
    )
    .check(pbkdf2::check_ldap)
    .params(pbkdf2::params_ldap),
    pre(
        "{PBKDF2-SHA512}",
        NONE,
        "ldap-pbkdf2-sha512",
        Family::Pbkdf2("sha512"),
    )
    .check(pbkdf2::check_ldap)
    .params(pbkdf2::params_ldap),
    pre("$p5k2$", NONE, "cta-pbkdf2-sha1", Family::Pbkdf2("sha1"))
        .check(pbkdf2::check_cta)
        .params(pbkdf2::params_cta),
    pre("$p5k2$", NONE, "dlitz-pbkdf2-sha1", Family::Pbkdf2("sha1"))
        .check(pbkdf2::check_dlitz)
        .params(pbkdf2::params_dlitz),
    pre("$scram$", NONE, "passlib-scram", Family::Pbkdf2("sha1"))
        .check(pbkdf2::check_passlib_scram)
        .params(pbkdf2::params_passlib_scram),
    pre(
        "otm_sha256:",
        20600,
        "oracle-otm-sha256",
        Family::Pbkdf2("sha256"),
    )
    .params(pbkdf2::params_count_field),
    pre("$P$", 400, "phpass", PHP)
        .john("phpass")
        .check(phpass::check_phpass)
        .params(phpass::params),
    pre("$H$", 400, "phpass", PHP)
        .john("phpass")
        .check(phpass::check_phpass)
        .params(phpass::params),
    pre("$S$", 7900, "drupal7", PHP)
        .john("Drupal7")
        .check(phpass::check_drupal7)
        .params(phpass::params),
    pre("{ssha1}", 6700, "aix-ssha1", Family::Pbkdf2("sha1"))
        .john("aix-ssha1")
        .check(crypt_sha::check_aix)
        .params(crypt_sha::params_aix),
    pre("{ssha256}", 6400, "aix-ssha256", Family::Pbkdf2("sha256"))
        .john("aix-ssha256")
        .check(crypt_sha::check_aix)
        .params(crypt_sha::params_aix),
    pre("{ssha512}", 6500, "aix-ssha512", Family::Pbkdf2("sha512"))
        .john("aix-ssha512")
        .check(crypt_sha::check_aix)
        .params(crypt_sha::params_aix),
    pre("{smd5}", 6300, "aix-smd5", MD5C)
        .john("aix-smd5")
        .check(crypt_sha::check_aix_smd5),
    pre("$DCC2$", 2100, "mscash2", Family::Pbkdf2("sha1"))
        .john("mscash2")
        .params(pbkdf2::params_mscash2),
    // --- LDAP userPassword ----------------------------------------------------------------
    pre("{SHA}", 101, "ldap-sha1", UF)
        .john("nsldap")
        .check(ldap::check_plain)
        .params(ldap::params),
    pre("{SSHA}", 111, "ldap-ssha1", SF)
        .john("Salted-SHA1")
        .check(ldap::check_salted)
        .params(ldap::params),
    pre("{SHA256}", 1400, "ldap-sha256", UF)
        .check(ldap::check_plain)
        .params(ldap::params),
    pre("{SSHA256}", 1411, "ldap-ssha256", SF)
        .check(ldap::check_salted)
        .params(ldap::params),
    pre("{SHA384}", 10800, "ldap-sha384", UF)
        .check(ldap::check_plain)
        .params(ldap::params),
    pre("{SSHA384}", NONE, "ldap-ssha384", SF)
        .check(ldap::check_salted)
        .params(ldap::params),
    pre("{SHA512}", 1700, "ldap-sha512", UF)
        .check(ldap::check_plain)
        .params(ldap::params),
    pre("{SSHA512}", 1711, "ldap-ssha512", SF)
        .john("SSHA512")
        .check(ldap::check_salted)
        .params(ldap::params),
    pre("{MD5}", 0, "ldap-md5", UF)
        .check(ldap::check_plain)
        .params(ldap::params),
    pre("{SMD5}", NONE, "ldap-smd5", SF)
        .check(ldap::check_salted)
        .params(ldap::params),
    pre("{MD5}", NONE, "ldap-hex-md5", UF)
        .check(ldap::check_hex)
        .params(ldap::params_hex),
    pre("{SHA}", NONE, "ldap-hex-sha1", UF)
        .check(ldap::check_hex)
        .params(ldap::params_hex),
    pre("{FSHP", NONE, "fshp", SHAC)
        .check(ldap::check_fshp)
        .params(ldap::params_fshp),
    pre("$3$$", NONE, "bsd-nthash", UF)
        .check(|s| s.len() == 36 && s.get(4..).is_some_and(is_hex))
        .params(|s| bare_hex::params_hex(s.get(4..).unwrap_or(""))),
    pre("{x-issha, ", 10300, "sap-issha1", Family::Pbkdf2("sha1"))
        .john("saph")
        .params(pbkdf2::params_count_field),
    pre("{CRAM-MD5}", 16400, "dovecot-cram-md5", UF),
    // --- databases ------------------------------------------------------------------------
    pre("*", 300, "mysql41", UF)
        .john("mysql-sha1")
        .check(bare_hex::check_mysql41)
        .params(bare_hex::params_mysql41),
    pre("0x0100", 132, "mssql2005", SF)
        .john("mssql05")
        .check(bare_hex::check_mssql2005)
        .params(bare_hex::params_mssql),
    pre("0x0100", 131, "mssql2000", SF)
        .john("mssql")
        .check(bare_hex::check_mssql2000)
        .params(bare_hex::params_mssql),
    pre("0x0200", 1731, "mssql2012", SF)
        .john("mssql12")
        .check(bare_hex::check_mssql)
        .params(bare_hex::params_mssql),
    pre("0xc007", 8000, "sybase-ase", SF)
        .john("SybaseASE")
        .check(bare_hex::check_sybase),
    pre("S:", 112, "oracle11", SF)
        .john("oracle11")
        .check(bare_hex::check_oracle11)
        .params(bare_hex::params_oracle11),
    pre("md5", 12, "postgres-md5", SF)
        .john("postgres")
        .check(bare_hex::check_postgres_md5)
        .params(bare_hex::params_postgres_md5),
    pre("$mysql$A$", 7401, "mysql-sha256crypt", SHAC),
    pre("$postgres$", 11100, "postgres-cram-md5", PR).john("postgres"),
    pre("$mysqlna$", 11200, "mysql-cram-sha1", PR).john("mysqlna"),
    // --- operating systems, network devices, applications --------------------------------
    pre("sha1$", 124, "django-sha1", SF)
        .john("django")
        .check(bare_hex::check_dollar_salted)
        .params(bare_hex::params_dollar_salted),
    pre("sha1$$", NONE, "django-unsalted-sha1", UF)
        .check(bare_hex::check_dollar_unsalted)
        .params(bare_hex::params_dollar_salted),
    // Werkzeug's HMAC-MD5 and Django's salted MD5 share `md5$salt$hex`; hashcat reads the first.
    pre("md5$", 30000, "werkzeug-hmac-md5", SF)
        .check(bare_hex::check_dollar_salted)
        .params(bare_hex::params_dollar_salted),
    pre("md5$", NONE, "django-salted-md5", SF)
        .check(bare_hex::check_dollar_salted)
        .params(bare_hex::params_dollar_salted),
    pre("md5$$", NONE, "django-unsalted-md5", UF)
        .check(bare_hex::check_dollar_unsalted)
        .params(bare_hex::params_dollar_salted),
    pre("crypt$", NONE, "django-des-crypt", DES)
        .check(crypt_sha::check_django_des)
        .params(crypt_sha::params_des)
        .truncating(),
    pre("sha256$", 30120, "werkzeug-hmac-sha256", SF),
    pre("$episerver$*0*", 141, "episerver-sha1", SF).john("episerver"),
    pre("$episerver$*1*", 1441, "episerver-sha256", SF).john("episerver"),
    pre("$BLAKE2$", 600, "blake2b-512", UF)
        .john("Raw-Blake2")
        .check(|s| s.len() == 136),
    pre("$BLAKE2$", 610, "blake2b-512($pass.$salt)", SF),
    pre("$BLAKE2$", 620, "blake2b-512($salt.$pass)", SF),
    pre("$PHPS$", 2612, "phps", SF),
    pre("$B$", 3711, "mediawiki-b", SF).john("mediawiki"),
    pre("$SHA$", 20711, "authme-sha256", SF),
    pre("@m@", 19000, "qnx-md5", SF),
    pre("@s@", 19100, "qnx-sha256", SF),
    pre("@S@", 19200, "qnx-sha512", SF),
    pre("AK1", 7000, "fortigate", SF).john("Fortigate"),
    pre("SH2", 26300, "fortigate256", SF).john("Fortigate256"),
    pre("(G", 8700, "lotus-notes6", SF)
        .john("dominosec")
        .check(bare_hex::check_paren),
    pre("(H", 9100, "lotus-notes8", Family::Pbkdf2("sha1"))
        .john("dominosec8")
        .check(bare_hex::check_paren),
    pre(
        "v1;PPH1_MD4,",
        12800,
        "ms-azuresync",
        Family::Pbkdf2("sha256"),
    )
    .params(pbkdf2::params_count_field),
    pre("$racf$", 8500, "racf", LEG).john("RACF"),
    pre("$cram_md5$", 10200, "cram-md5", PR),
    pre("$sip$", 11400, "sip-digest", PR).john("SIP"),
    pre("$krb5tgs$23$", 13100, "krb5tgs-rc4", PR).john("krb5tgs"),
    pre("$krb5tgs$17$", 19600, "krb5tgs-aes128", PR).john("krb5tgs-sha1"),
    pre("$krb5tgs$18$", 19700, "krb5tgs-aes256", PR).john("krb5tgs-sha1"),
    pre("$krb5asrep$23$", 18200, "krb5asrep-rc4", PR).john("krb5asrep"),
    pre("$krb5asrep$17$", 32100, "krb5asrep-aes128", PR).john("krb5asrep"),
    pre("$krb5asrep$18$", 32200, "krb5asrep-aes256", PR).john("krb5asrep"),
    pre("$krb5pa$23$", 7500, "krb5pa-rc4", PR).john("krb5pa-md5"),
    pre("$krb5pa$17$", 19800, "krb5pa-aes128", PR).john("krb5pa-sha1"),
    pre("$krb5pa$18$", 19900, "krb5pa-aes256", PR).john("krb5pa-sha1"),
    pre("$krb5db$17$", 28800, "krb5db-aes128", SF),
    pre("$krb5db$18$", 28900, "krb5db-aes256", SF),
    pre("$tacacs-plus$", 16100, "tacacs-plus", PR).john("tacacs-plus"),
    pre("$SNMPv3$0$", 25000, "snmpv3-md5-sha1", PR),
    pre("$SNMPv3$1$", 25100, "snmpv3-md5", PR),
    pre("$SNMPv3$2$", 25200, "snmpv3-sha1", PR),
    pre("$SNMPv3$3$", 26700, "snmpv3-sha224", PR),
    pre("$SNMPv3$4$", 26800, "snmpv3-sha256", PR),
    pre("$SNMPv3$5$", 26900, "snmpv3-sha384", PR),
    pre("$SNMPv3$6$", 27300, "snmpv3-sha512", PR),
    pre("WPA*01*", 22000, "wpa-pbkdf2-pmkid-eapol", PR).john("wpapsk"),
    pre("WPA*02*", 22000, "wpa-pbkdf2-pmkid-eapol", PR).john("wpapsk"),
    pre("WPA*01*", 22001, "wpa-pmk-pmkid-eapol", PR),
    pre("WPA*02*", 22001, "wpa-pmk-pmkid-eapol", PR),
    pre("$xmpp-scram$", 23200, "xmpp-scram-sha1", PR),
    pre("$mongodb-scram$*0*", 24100, "mongodb-scram-sha1", PR),
    pre("$mongodb-scram$*1*", 24200, "mongodb-scram-sha256", PR),
    pre("$AWS-Sig-v4$", 28700, "aws4-hmac-sha256", PR),
    pre("$chacha20$", 15400, "chacha20", CT),
    pre("$radmin3$", 29200, "radmin3", PR),
    pre("$teamspeak$", 28300, "teamspeak3", SF),
    pre("$uido$", 26500, "iphone-passcode", CT),
    pre(
        "$knx-ip-secure-device-authentication-code$",
        25900,
        "knx-ip-secure",
        PR,
    ),
    // --- documents, archives, wallets, disks: KDF parameters read, not judged ----------------
    pre("$office$*2007*", 9400, "office2007", CT).john("office"),
    pre("$office$*2010*", 9500, "office2010", CT)
        .john("office")
        .params(pbkdf2::params_count_field),
    pre("$office$*2013*", 9600, "office2013", CT)
        .john("office")
        .params(pbkdf2::params_count_field),
    pre("$office$2016$", 25300, "office2016-sheet", CT).params(pbkdf2::params_count_field),
    pre("$oldoffice$0*", 9700, "oldoffice-md5-rc4", CT).john("oldoffice"),
    pre("$oldoffice$1*", 9700, "oldoffice-md5-rc4", CT).john("oldoffice"),
    pre("$oldoffice$0*", 9710, "oldoffice-md5-rc4-collider1", CT),
    pre("$oldoffice$0*", 9720, "oldoffice-md5-rc4-collider2", CT),
    pre("$oldoffice$3*", 9800, "oldoffice-sha1-rc4", CT).john("oldoffice"),
    pre("$oldoffice$4*", 9800, "oldoffice-sha1-rc4", CT).john("oldoffice"),
    pre("$oldoffice$3*", 9810, "oldoffice-sha1-rc4-collider1", CT),
    pre("$oldoffice$3*", 9820, "oldoffice-sha1-rc4-collider2", CT),
    pre("$pdf$1*", 10400, "pdf-1.1-1.3", CT).john("PDF"),
    pre("$pdf$1*", 10410, "pdf-1.1-1.3-collider1", CT),
    pre("$pdf$1*", 10420, "pdf-1.1-1.3-collider2", CT),
    pre("$pdf$2*", 10500, "pdf-1.4-1.6", CT).john("PDF"),
    pre("$pdf$2*", 25400, "pdf-1.4-1.6-user-owner", CT),
    pre("$pdf$4*", 10500, "pdf-1.4-1.6", CT).john("PDF"),
    pre("$pdf$5*5*", 10600, "pdf-1.7-level3", CT).john("PDF"),
    pre("$pdf$5*6*", 10700, "pdf-1.7-level8", CT).john("PDF"),
    pre("$7z$", 11600, "7z", CT).john("7z"),
    pre("$RAR3$*0*", 12500, "rar3-hp", CT).john("rar"),
    pre("$RAR3$*1*", 23800, "rar3-p-compressed", CT).john("rar"),
    pre("$RAR3$*1*", 23700, "rar3-p-uncompressed", CT).john("rar"),
    pre("$rar5$", 13000, "rar5", CT)
        .john("RAR5")
        .params(pbkdf2::params_count_field),
    pre("$zip2$", 13600, "winzip-aes", CT).john("ZIP"),
    pre("$zip3$*0*1*128*", 23001, "securezip-aes128", CT),
    pre("$zip3$*0*1*192*", 23002, "securezip-aes192", CT),
    pre("$zip3$*0*1*256*", 23003, "securezip-aes256", CT),
    pre("$pkzip2$", 17200, "pkzip-compressed", CT).john("PKZIP"),
    pre("$pkzip2$", 17210, "pkzip-uncompressed", CT).john("PKZIP"),
    pre("$pkzip2$", 17220, "pkzip-compressed-multi", CT).john("PKZIP"),
    pre("$pkzip2$", 17225, "pkzip-mixed-multi", CT).john("PKZIP"),
    pre("$pkzip2$", 17230, "pkzip-mixed-multi-checksum", CT).john("PKZIP"),
    pre("$bitcoin$", 11300, "bitcoin-wallet", CT)
        .john("Bitcoin")
        .params(pbkdf2::params_count_field),
    pre("$blockchain$v2$", 15200, "blockchain-v2", CT).john("Blockchain"),
    pre("$blockchain$", 12700, "blockchain", CT).john("Blockchain"),
    pre("$ethereum$p*", 15600, "ethereum-pbkdf2", CT)
        .john("ethereum")
        .params(pbkdf2::params_count_field),
    pre("$ethereum$s*", 15700, "ethereum-scrypt", CT).john("ethereum"),
    pre("$ethereum$w*", 16300, "ethereum-presale", CT).john("ethereum"),
    pre("$electrum$1*", 16600, "electrum-1-3", CT).john("electrum"),
    pre("$electrum$2*", 16600, "electrum-1-3", CT).john("electrum"),
    pre("$electrum$3*", 16600, "electrum-1-3", CT).john("electrum"),
    pre("$electrum$4*", 21700, "electrum-4", CT).john("electrum"),
    pre("$electrum$5*", 21800, "electrum-5", CT).john("electrum"),
    pre("$multibit$1*", 22500, "multibit-classic-key", CT).john("multibit"),
    pre("$multibit$2*", 22700, "multibit-hd", CT).john("multibit"),
    pre("$multibit$3*", 27700, "multibit-classic-wallet", CT).john("multibit"),
    pre("$metamask$", 26600, "metamask", CT),
    pre("$stellar$", 25500, "stellar-wallet", CT),
    pre("EXODUS:", 28200, "exodus-wallet", CT),
    pre("$keepass$*1*", 13400, "keepass1", CT).john("KeePass"),
    pre("$keepass$*2*", 13400, "keepass2", CT).john("KeePass"),
    pre("$keepass$*2*", 29700, "keepass-keyfile-only", CT),
    pre("$keepass$*1*", 29700, "keepass-keyfile-only", CT),
    pre("$bitwarden$", 23400, "bitwarden", CT).params(pbkdf2::params_count_field),
    pre("$ansible$", 16900, "ansible-vault", CT).john("ansible"),
    pre("$gpg$", 17010, "gpg", CT).john("gpg"),
    pre("$axcrypt_sha1$", 13300, "axcrypt1-sha1", CT),
    pre("$axcrypt$*1*", 13200, "axcrypt1", CT).john("axcrypt"),
    pre("$axcrypt$*2*", 23500, "axcrypt2-aes128", CT).john("axcrypt"),
    pre("$axcrypt$*2*", 23600, "axcrypt2-aes256", CT).john("axcrypt"),
    pre("$ASN$", 16200, "apple-secure-notes", CT),
    pre("$fvde$1$", 16700, "filevault2", CT).john("FVDE"),
    pre("$fvde$2$", 18300, "apfs", CT).john("FVDE"),
    pre("$odf$*1*", 18400, "odf-1.2", CT).john("ODF"),
    pre("$odf$*0*", 18600, "odf-1.1", CT).john("ODF"),
    pre("$ab$", 18900, "android-backup", CT).john("AndroidBackup"),
    pre("$fde$", 8800, "android-fde", CT).john("fde"),
    pre("$ecryptfs$", 12200, "ecryptfs", CT).john("eCryptfs"),
    pre("$cryptoapi$", 14500, "linux-cryptoapi", CT),
    pre("$itunes_backup$*9*", 14700, "itunes-backup-9", CT).john("itunes-backup"),
    pre("$itunes_backup$*10*", 14800, "itunes-backup-10", CT).john("itunes-backup"),
    pre("$DPAPImk$1*1*", 15300, "dpapi-mk-v1", CT).john("DPAPImk"),
    pre("$DPAPImk$1*2*", 15300, "dpapi-mk-v1", CT).john("DPAPImk"),
    pre("$DPAPImk$1*3*", 15310, "dpapi-mk-v1-ctx3", CT),
    pre("$DPAPImk$2*1*", 15900, "dpapi-mk-v2", CT).john("DPAPImk"),
    pre("$DPAPImk$2*2*", 15900, "dpapi-mk-v2", CT).john("DPAPImk"),
    pre("$DPAPImk$2*3*", 15910, "dpapi-mk-v2-ctx3", CT),
    pre("$jksprivk$", 15500, "jks-private-key", CT),
    pre("$bitlocker$", 22100, "bitlocker", CT)
        .john("BitLocker")
        .params(pbkdf2::params_count_field),
    pre("$telegram$0*", 22301, "telegram-passcode", CT),
    pre("$telegram$1*", 22600, "telegram-desktop-old", CT).params(pbkdf2::params_count_field),
    pre("$telegram$2*", 24500, "telegram-desktop", CT).params(pbkdf2::params_count_field),
    pre("$aescrypt$", 22400, "aescrypt", CT),
    pre("$sshng$0$", 22911, "ssh-private-key-0", CT).john("SSH"),
    pre("$sshng$6$", 22921, "ssh-private-key-6", CT).john("SSH"),
    pre("$sshng$1$", 22931, "ssh-private-key-1-3", CT).john("SSH"),
    pre("$sshng$3$", 22931, "ssh-private-key-1-3", CT).john("SSH"),
    pre("$sshng$4$", 22941, "ssh-private-key-4", CT).john("SSH"),
    pre("$sshng$5$", 22951, "ssh-private-key-5", CT).john("SSH"),
    pre("$keychain$", 23100, "apple-keychain", CT).john("keychain"),
    pre("$iwork$", 23300, "apple-iwork", CT).john("iwork"),
    pre("$bcve$", 23900, "bestcrypt-v3", CT),
    pre("$PEM$1$", 24410, "pkcs8-pbkdf2-sha1", CT),
    pre("$PEM$2$", 24420, "pkcs8-pbkdf2-sha256", CT),
    pre("SQLCIPHER*", 24600, "sqlcipher", CT).params(pbkdf2::params_count_field),
    pre("$mozilla$*3DES*", 26000, "mozilla-key3", CT),
    pre("$mozilla$*AES*", 26100, "mozilla-key4", CT),
    pre("$vmx$", 27400, "vmware-vmx", CT).params(pbkdf2::params_count_field),
    pre("$vbox$0$", 27500, "virtualbox-aes128", CT).params(pbkdf2::params_count_field),
    pre("$vbox$0$", 27600, "virtualbox-aes256", CT).params(pbkdf2::params_count_field),
    pre("$WINHELLO$", 28100, "windows-hello", CT),
    pre("$solarwinds$0$", 21500, "solarwinds-orion", SF),
    pre("$solarwinds$1$", 21501, "solarwinds-orion-v2", SF),
    pre("$diskcryptor$", 20011, "diskcryptor-xts512", CT),
    pre("$diskcryptor$", 20012, "diskcryptor-xts1024", CT),
    pre("$diskcryptor$", 20013, "diskcryptor-xts1536", CT),
    pre("$luks$1$sha1$aes$", 29511, "luks1-sha1-aes", CT),
    pre("$luks$1$sha1$serpent$", 29512, "luks1-sha1-serpent", CT),
    pre("$luks$1$sha1$twofish$", 29513, "luks1-sha1-twofish", CT),
    pre("$luks$1$sha256$aes$", 29521, "luks1-sha256-aes", CT),
    pre("$luks$1$sha256$serpent$", 29522, "luks1-sha256-serpent", CT),
    pre("$luks$1$sha256$twofish$", 29523, "luks1-sha256-twofish", CT),
    pre("$luks$1$sha512$aes$", 29531, "luks1-sha512-aes", CT),
    pre("$luks$1$sha512$serpent$", 29532, "luks1-sha512-serpent", CT),
    pre("$luks$1$sha512$twofish$", 29533, "luks1-sha512-twofish", CT),
    pre("$luks$1$ripemd160$aes$", 29541, "luks1-ripemd160-aes", CT),
    pre(
        "$luks$1$ripemd160$serpent$",
        29542,
        "luks1-ripemd160-serpent",
        CT,
    ),
    pre(
        "$luks$1$ripemd160$twofish$",
        29543,
        "luks1-ripemd160-twofish",
        CT,
    ),
    // TrueCrypt/VeraCrypt: the PRF and key size are not in the syntax; every mode is a candidate.
    pre("$truecrypt$", 29311, "truecrypt-ripemd160-xts512", CT),
    pre("$truecrypt$", 29312, "truecrypt-ripemd160-xts1024", CT),
    pre("$truecrypt$", 29313, "truecrypt-ripemd160-xts1536", CT),
    pre("$truecrypt$", 29321, "truecrypt-sha512-xts512", CT),
    pre("$truecrypt$", 29322, "truecrypt-sha512-xts1024", CT),
    pre("$truecrypt$", 29323, "truecrypt-sha512-xts1536", CT),
    pre("$truecrypt$", 29331, "truecrypt-whirlpool-xts512", CT),
    pre("$truecrypt$", 29332, "truecrypt-whirlpool-xts1024", CT),
    pre("$truecrypt$", 29333, "truecrypt-whirlpool-xts1536", CT),
    pre("$truecrypt$", 29341, "truecrypt-ripemd160-xts512-boot", CT),
    pre("$truecrypt$", 29342, "truecrypt-ripemd160-xts1024-boot", CT),
    pre("$truecrypt$", 29343, "truecrypt-ripemd160-xts1536-boot", CT),
    pre("$veracrypt$", 29411, "veracrypt-ripemd160-xts512", CT),
    pre("$veracrypt$", 29412, "veracrypt-ripemd160-xts1024", CT),
    pre("$veracrypt$", 29413, "veracrypt-ripemd160-xts1536", CT),
    pre("$veracrypt$", 29421, "veracrypt-sha512-xts512", CT),
    pre("$veracrypt$", 29422, "veracrypt-sha512-xts1024", CT),
    pre("$veracrypt$", 29423, "veracrypt-sha512-xts1536", CT),
    pre("$veracrypt$", 29431, "veracrypt-whirlpool-xts512", CT),
    pre("$veracrypt$", 29432, "veracrypt-whirlpool-xts1024", CT),
    pre("$veracrypt$", 29433, "veracrypt-whirlpool-xts1536", CT),
    pre("$veracrypt$", 29441, "veracrypt-ripemd160-xts512-boot", CT),
    pre("$veracrypt$", 29442, "veracrypt-ripemd160-xts1024-boot", CT),
    pre("$veracrypt$", 29443, "veracrypt-ripemd160-xts1536-boot", CT),
    pre("$veracrypt$", 29451, "veracrypt-sha256-xts512", CT),
    pre("$veracrypt$", 29452, "veracrypt-sha256-xts1024", CT),
    pre("$veracrypt$", 29453, "veracrypt-sha256-xts1536", CT),
    pre("$veracrypt$", 29461, "veracrypt-sha256-xts512-boot", CT),
    pre("$veracrypt$", 29462, "veracrypt-sha256-xts1024-boot", CT),
    pre("$veracrypt$", 29463, "veracrypt-sha256-xts1536-boot", CT),
    pre("$veracrypt$", 29471, "veracrypt-streebog-xts512", CT),
    pre("$veracrypt$", 29472, "veracrypt-streebog-xts1024", CT),
    pre("$veracrypt$", 29473, "veracrypt-streebog-xts1536", CT),
    pre("$veracrypt$", 29481, "veracrypt-streebog-xts512-boot", CT),
    pre("$veracrypt$", 29482, "veracrypt-streebog-xts1024-boot", CT),
    pre("$veracrypt$", 29483, "veracrypt-streebog-xts1536-boot", CT),
    pre("bc1q", 28503, "bitcoin-wif-p2wpkh-compressed", CT).check(bare_hex::check_bech32),
    pre("bc1q", 28504, "bitcoin-wif-p2wpkh-uncompressed", CT).check(bare_hex::check_bech32),
    // --- bare hex digests, ranked by how common each is at that length -------------------
    hex(32, 0, "md5", UF).john("Raw-MD5"),
    hex(32, 1000, "ntlm", UF).john("NT").upper(),
    hex(32, 900, "md4", UF).john("Raw-MD4"),
    hex(32, 3000, "lm", LEG).john("LM").upper().truncating(),
    hex(32, 2600, "md5(md5($pass))", UF),
    hex(32, 3500, "md5(md5(md5($pass)))", UF),
    hex(32, 4300, "md5(strtoupper(md5($pass)))", UF),
    hex(32, 4400, "md5(sha1($pass))", UF),
    hex(32, 20900, "md5(sha1.md5.sha1)", UF),
    hex(32, 70, "md5(utf16le($pass))", UF),
    hex(32, 8600, "lotus-notes5", UF).john("lotus5"),
    hex(32, 9900, "radmin2", UF).john("radmin"),
    // Salted by a user or realm name that the bare digest does not carry.
    hex(32, 1100, "mscash", SF).john("mscash"),
    hex(32, 2100, "mscash2", Family::Pbkdf2("sha1")).john("mscash2"),
    hex(32, NONE, "htdigest", SF),
    hex(40, 100, "sha1", UF).john("Raw-SHA1"),
    hex(40, 300, "mysql41", UF).john("mysql-sha1").upper(),
    hex(40, 6000, "ripemd160", UF).john("ripemd-160"),
    hex(40, 4500, "sha1(sha1($pass))", UF),
    hex(40, 4700, "sha1(md5($pass))", UF),
    hex(40, 18500, "sha1(md5(md5($pass)))", UF),
    hex(40, 170, "sha1(utf16le($pass))", UF),
    hex(56, 1300, "sha224", UF).john("Raw-SHA224"),
    hex(56, 17300, "sha3-224", UF),
    hex(56, 17700, "keccak-224", UF),
    hex(64, 1400, "sha256", UF).john("Raw-SHA256"),
    hex(64, 17400, "sha3-256", UF).john("Raw-SHA3"),
    hex(64, 17800, "keccak-256", UF).john("Raw-Keccak-256"),
    hex(64, 11700, "streebog-256", UF).john("Stribog-256"),
    hex(64, 6900, "gost-94", UF).john("gost"),
    hex(64, 1470, "sha256(utf16le($pass))", UF),
    hex(64, 20800, "sha256(md5($pass))", UF),
    hex(64, 21400, "sha256(sha256_bin($pass))", UF),
    hex(96, 10800, "sha384", UF).john("Raw-SHA384"),
    hex(96, 17500, "sha3-384", UF),
    hex(96, 17900, "keccak-384", UF),
    hex(96, 10870, "sha384(utf16le($pass))", UF),
    hex(128, 1700, "sha512", UF).john("Raw-SHA512"),
    hex(128, 17600, "sha3-512", UF).john("Raw-SHA3"),
    hex(128, 18000, "keccak-512", UF).john("Raw-Keccak"),
    hex(128, 6100, "whirlpool", UF).john("whirlpool"),
    hex(128, 11800, "streebog-512", UF).john("Stribog-512"),
    hex(128, 1770, "sha512(utf16le($pass))", UF),
    hex(128, 21000, "bitshares-sha512(sha512_bin)", UF),
    hex(16, 200, "mysql323", LEG).john("mysql"),
    hex(16, 3000, "lm-half", LEG)
        .john("LM")
        .upper()
        .truncating(),
    hex(16, 5100, "half-md5", UF),
    hex(16, 3100, "oracle7-10", LEG).john("oracle").upper(),
    hex(48, 122, "macos-10.4-sha1", SF)
        .john("xsha")
        .params(bare_hex::params_hex),
    hex(50, 125, "arubaos", SF),
    hex(70, 1421, "hmailserver", SF).john("hMailServer"),
    hex(136, 1722, "macos-10.7-sha512", SF).john("xsha512"),
    hex(160, 12900, "android-fde-samsung", CT),
    hex(160, 12300, "oracle12c", Family::Pbkdf2("sha512"))
        .john("oracle12c")
        .upper(),
    hex(24, 20500, "pkzip-master-key", CT),
    hex(24, 20510, "pkzip-master-key-6byte", CT),
    hex(10, 24700, "stuffit5", CT),
    hex(8, 18700, "java-hashcode", UF),
    // --- hex digest : salt (the construction is not in the syntax; all are candidates) ----
    hs(32, 10, "md5($pass.$salt)"),
    hs(32, 20, "md5($salt.$pass)"),
    hs(32, 12, "postgres-md5-user"),
    hs(32, 11, "joomla<2.5.18"),
    hs(32, 21, "oscommerce"),
    hs(32, 23, "skype"),
    hs(32, 24, "solarwinds-serv-u"),
    hs(32, 30, "md5(utf16le($pass).$salt)"),
    hs(32, 40, "md5($salt.utf16le($pass))"),
    hs(32, 50, "hmac-md5(key=$pass)"),
    hs(32, 60, "hmac-md5(key=$salt)"),
    hs(32, 1100, "mscash"),
    hs(32, 2611, "vbulletin<3.8.5"),
    hs(32, 2711, "vbulletin>=3.8.5"),
    hs(32, 2811, "mybb-ipb2"),
    hs(32, 3710, "md5($salt.md5($pass))"),
    hs(32, 3800, "md5($salt.$pass.$salt)"),
    hs(32, 3910, "md5(md5($pass).md5($salt))"),
    hs(32, 4010, "md5($salt.md5($salt.$pass))"),
    hs(32, 4110, "md5($salt.md5($pass.$salt))"),
    hs(32, 4410, "md5(sha1($pass).$salt)"),
    hs(32, 11000, "prestashop"),
    hs(32, 21200, "md5(sha1($salt).md5($pass))"),
    hs(32, 21300, "md5($salt.sha1($salt.$pass))"),
    hs(32, 26401, "aes-128-ecb-nokdf"),
    hs(32, 26402, "aes-192-ecb-nokdf"),
    hs(32, 26403, "aes-256-ecb-nokdf"),
    hs3(32, 3, 4800, "iscsi-chap", PR),
    hs3(32, 3, 6800, "lastpass", CT),
    hs3(32, 3, 16801, "wpa-pmkid-pmk", PR),
    hs3(32, 4, 16800, "wpa-pmkid-pbkdf2", PR),
    hs(40, 110, "sha1($pass.$salt)"),
    hs(40, 120, "sha1($salt.$pass)"),
    hs(40, 112, "oracle11"),
    hs(40, 121, "smf"),
    hs(40, 130, "sha1(utf16le($pass).$salt)"),
    hs(40, 140, "sha1($salt.utf16le($pass))"),
    hs(40, 150, "hmac-sha1(key=$pass)"),
    hs(40, 160, "hmac-sha1(key=$salt)"),
    hs(40, 4510, "sha1(sha1($pass).$salt)"),
    hs(40, 4520, "sha1($salt.sha1($pass))"),
    hs(40, 4521, "redmine"),
    hs(40, 4522, "punbb"),
    hs(40, 4710, "sha1(md5($pass).$salt)"),
    hs(40, 4711, "huawei-sha1(md5($pass).$salt)"),
    hs(40, 4900, "sha1($salt.$pass.$salt)"),
    hs(40, 5000, "sha1(sha1($salt.$pass.$salt))"),
    hs(40, 5800, "samsung-android-pin"),
    hs(40, 8400, "wbb3"),
    hs(40, 13500, "peoplesoft-ps-token"),
    hs(40, 13900, "opencart"),
    hs(40, 14400, "sha1(cx)"),
    hs(40, 19300, "sha1($salt1.$pass.$salt2)"),
    hs(40, 21100, "sha1(md5($pass.$salt))"),
    hs(40, 24300, "sha1($salt.sha1($pass.$salt))"),
    hs(40, 27200, "ruby-on-rails-restful-auth-one-round"),
    hs3(40, 3, 19500, "ruby-on-rails-restful-auth", SF),
    hs3(40, 3, 19300, "sha1($salt1.$pass.$salt2)", SF),
    hs3(40, 3, 29000, "sha1($salt.sha1(utf16le($username)...))", SF),
    hs(64, 1410, "sha256($pass.$salt)"),
    hs(64, 1420, "sha256($salt.$pass)"),
    hs(64, 1430, "sha256(utf16le($pass).$salt)"),
    hs(64, 1440, "sha256($salt.utf16le($pass))"),
    hs(64, 1450, "hmac-sha256(key=$pass)"),
    hs(64, 1460, "hmac-sha256(key=$salt)"),
    hs(64, 11750, "hmac-streebog256(key=$pass)"),
    hs(64, 11760, "hmac-streebog256(key=$salt)"),
    hs(64, 12600, "coldfusion10"),
    hs(64, 13800, "windows-phone8"),
    hs(64, 20710, "sha256(sha256($pass).$salt)"),
    hs(64, 20720, "sha256($salt.sha256($pass))"),
    hs(64, 21420, "sha256($salt.sha256_bin($pass))"),
    hs(64, 22300, "sha256($salt.$pass.$salt)"),
    hs3(64, 4, 8200, "1password-cloudkeychain", CT),
    hs(96, 10810, "sha384($pass.$salt)"),
    hs(96, 10820, "sha384($salt.$pass)"),
    hs(96, 10830, "sha384(utf16le($pass).$salt)"),
    hs(96, 10840, "sha384($salt.utf16le($pass))"),
    hs(128, 1710, "sha512($pass.$salt)"),
    hs(128, 1720, "sha512($salt.$pass)"),
    hs(128, 1730, "sha512(utf16le($pass).$salt)"),
    hs(128, 1740, "sha512($salt.utf16le($pass))"),
    hs(128, 1750, "hmac-sha512(key=$pass)"),
    hs(128, 1760, "hmac-sha512(key=$salt)"),
    hs(128, 11850, "hmac-streebog512(key=$pass)"),
    hs(128, 11860, "hmac-streebog512(key=$salt)"),
    hs(128, 15000, "filezilla-server"),
    hs3(16, 2, 3100, "oracle7-10", LEG).john("oracle").upper(),
    hs(16, 14000, "des(pt=$salt,key=$pass)"),
    hs(16, 14100, "3des(pt=$salt,key=$pass)"),
    hs(16, 28000, "crc64jones"),
    hs3(16, 4, 10100, "siphash", SF),
    hs(8, 11500, "crc32"),
    hs(8, 27900, "crc32c"),
    hs(8, 27800, "murmurhash3"),
    hs(8, 25700, "murmurhash"),
    hs(8, 14900, "skip32"),
    // --- shapes without a prefix --------------------------------------------------------
    shape(bare_hex::check_netntlmv1, 5500, "netntlmv1", PR).john("netntlm"),
    shape(bare_hex::check_netntlmv1, 27000, "netntlmv1-nt", PR),
    shape(bare_hex::check_netntlmv2, 5600, "netntlmv2", PR).john("netntlmv2"),
    shape(bare_hex::check_netntlmv2, 27100, "netntlmv2-nt", PR),
    shape(crypt_sha::check_des, 1500, "descrypt", DES)
        .john("descrypt")
        .params(crypt_sha::params_des)
        .truncating(),
    // bigcrypt with a password of 8 characters or fewer is plain DES crypt.
    shape(crypt_sha::check_bigcrypt, NONE, "bigcrypt", DES).params(crypt_sha::params_bigcrypt),
    shape(crypt_sha::check_crypt16, NONE, "crypt16", DES)
        .params(crypt_sha::params_crypt16)
        .truncating(),
    shape(bare_hex::check_cisco4, 5700, "cisco-type4", UF).params(bare_hex::params_cisco4),
    shape(bare_hex::check_pix, 2400, "cisco-pix-md5", UF)
        .john("pix-md5")
        .params(bare_hex::params_pix),
    // ASA salts with the user name, which the stored hash does not carry: same syntax as PIX.
    shape(bare_hex::check_pix, 2410, "cisco-asa-md5", SF)
        .john("asa-md5")
        .params(bare_hex::params_pix),
    shape(bare_hex::check_asa, 2410, "cisco-asa-md5", SF)
        .john("asa-md5")
        .params(bare_hex::params_pix),
    hex_any(bare_hex::check_type7, NONE, "cisco-type7", LEG).upper(),
    shape(
        bare_hex::check_progress,
        26200,
        "openedge-progress-encode",
        LEG,
    ),
    shape(
        bare_hex::check_p2pkh,
        28501,
        "bitcoin-wif-p2pkh-compressed",
        CT,
    ),
    shape(
        bare_hex::check_p2pkh,
        28502,
        "bitcoin-wif-p2pkh-uncompressed",
        CT,
    ),
    shape(
        bare_hex::check_p2sh,
        28505,
        "bitcoin-wif-p2sh-p2wpkh-compressed",
        CT,
    ),
    shape(
        bare_hex::check_p2sh,
        28506,
        "bitcoin-wif-p2sh-p2wpkh-uncompressed",
        CT,
    ),
    shape(bare_hex::check_totp, 18100, "totp-hmac-sha1", PR),
    shape(bare_hex::check_ipmi, 7300, "ipmi2-rakp-hmac-sha1", PR),
    shape(bare_hex::check_ike_md5, 5300, "ike-psk-md5", PR),
    shape(bare_hex::check_ike_sha1, 5400, "ike-psk-sha1", PR),
    shape(bare_hex::check_screenos, 22, "juniper-screenos", SF).john("md5ns"),
    shape(bare_hex::check_b64_sha1, 133, "peoplesoft", UF),
    shape(bare_hex::check_b64_sha1, 24800, "umbraco-hmac-sha1", SF),
    shape(bare_hex::check_jwt, 16500, "jwt", PR),
    shape(bare_hex::check_flask, 29100, "flask-session-cookie", PR),
    shape(
        bare_hex::check_agilekeychain,
        6600,
        "1password-agilekeychain",
        CT,
    ),
    shape(bare_hex::check_nsec3, 8300, "dnssec-nsec3", SF),
    shape(bare_hex::check_netscaler1, 8100, "netscaler-sha1", SF),
    shape(bare_hex::check_netscaler2, 22200, "netscaler-sha512", SF),
    shape(bare_hex::check_sap_b, 7700, "sap-codvn-b", LEG).john("sapb"),
    shape(bare_hex::check_sap_b, 7701, "sap-codvn-b-rfc", LEG),
    shape(bare_hex::check_sap_fg, 7800, "sap-codvn-fg", SF).john("sapg"),
    shape(bare_hex::check_sap_fg, 7801, "sap-codvn-fg-rfc", SF),
];

/// Bucketed view of [`ENTRIES`] built once.
struct Index {
    /// Modular-crypt rows (`$ident$…`) by their `$ident$`.
    by_ident: HashMap<&'static str, Vec<u16>>,
    /// Other prefix rows by the first byte of their prefix.
    by_first: Vec<Vec<u16>>,
    /// Bare hex rows by length.
    hex: Vec<(u16, Vec<u16>)>,
    /// Hex-salt rows by (digest length, field count).
    hex_salt: Vec<((u16, u8), Vec<u16>)>,
    /// Hex rows of any length.
    hex_any: Vec<u16>,
    /// Shape rows.
    shapes: Vec<u16>,
}

fn index() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut ix = Index {
            by_ident: HashMap::new(),
            by_first: vec![Vec::new(); 256],
            hex: Vec::new(),
            hex_salt: Vec::new(),
            hex_any: Vec::new(),
            shapes: Vec::new(),
        };
        for (i, e) in ENTRIES.iter().enumerate() {
            let i = u16::try_from(i).unwrap_or(u16::MAX);
            match e.pattern {
                Pattern::Prefix(p) => match ident(p) {
                    Some(id) => ix.by_ident.entry(id).or_default().push(i),
                    None => {
                        if let Some(&b) = p.as_bytes().first() {
                            ix.by_first[usize::from(b)].push(i);
                        }
                    }
                },
                Pattern::Hex(n) => match ix.hex.iter_mut().find(|(k, _)| *k == n) {
                    Some((_, v)) => v.push(i),
                    None => ix.hex.push((n, vec![i])),
                },
                Pattern::HexSalt(n, f) => {
                    match ix.hex_salt.iter_mut().find(|(k, _)| *k == (n, f)) {
                        Some((_, v)) => v.push(i),
                        None => ix.hex_salt.push(((n, f), vec![i])),
                    }
                }
                Pattern::HexAny => ix.hex_any.push(i),
                Pattern::Shape => ix.shapes.push(i),
            }
        }
        ix
    })
}

/// `$ident$` of a modular-crypt string (looked at within its first 64 bytes).
fn ident(s: &str) -> Option<&str> {
    let b = s.as_bytes();
    if b.first() != Some(&b'$') {
        return None;
    }
    let end = b.iter().take(64).skip(1).position(|c| *c == b'$')? + 2;
    s.get(..end)
}

fn prefix_matches(s: &str, p: &str) -> bool {
    if p.starts_with('{') {
        s.len() >= p.len() && s.as_bytes()[..p.len()].eq_ignore_ascii_case(p.as_bytes())
    } else {
        s.starts_with(p)
    }
}

/// The rows matching one hash string, most plausible first (empty: not identified).
pub fn lookup(s: &str) -> Vec<&'static Entry> {
    let ix = index();
    let mut out: Vec<&'static Entry> = Vec::new();
    let Some(&first) = s.as_bytes().first() else {
        return out;
    };
    // 1. Literal prefixes: the longest matching prefix wins; rows sharing it are all candidates.
    let mut best = 0usize;
    let by_ident = ident(s)
        .and_then(|id| ix.by_ident.get(id))
        .map_or(&[][..], Vec::as_slice);
    for &i in by_ident.iter().chain(&ix.by_first[usize::from(first)]) {
        let e = &ENTRIES[usize::from(i)];
        let Pattern::Prefix(p) = e.pattern else {
            continue;
        };
        if p.len() >= best && prefix_matches(s, p) && (e.check)(s) {
            if p.len() > best {
                out.clear();
                best = p.len();
            }
            out.push(e);
        }
    }
    if !out.is_empty() {
        return out;
    }
    // 2. Hex digests, bare or with a salt field, then prefix-less shapes.
    let (head, fields) = match memchr_colon(s) {
        Some(pos) => (&s[..pos], 1 + s.bytes().filter(|b| *b == b':').count()),
        None => (s, 1),
    };
    if is_hex(head) {
        let len = u16::try_from(head.len()).unwrap_or(0);
        if fields == 1 {
            if let Some((_, rows)) = ix.hex.iter().find(|(k, _)| *k == len) {
                out.extend(rows.iter().map(|&i| &ENTRIES[usize::from(i)]));
            }
            out.extend(
                ix.hex_any
                    .iter()
                    .map(|&i| &ENTRIES[usize::from(i)])
                    .filter(|e| (e.check)(s)),
            );
        } else {
            let f = u8::try_from(fields).unwrap_or(0);
            if let Some((_, rows)) = ix.hex_salt.iter().find(|(k, _)| *k == (len, f)) {
                out.extend(rows.iter().map(|&i| &ENTRIES[usize::from(i)]));
            }
        }
        if !out.is_empty() {
            let case = hex_case(head);
            if case == HexCase::Upper {
                // Dumps of NT/LM/Oracle hashes are upper-case; MD5/SHA tools print lower-case.
                out.sort_by_key(|e| e.case != Some(HexCase::Upper));
            }
        }
    }
    // Shapes only when no hex row matched: no shape row accepts a hex digest form.
    if out.is_empty() {
        out.extend(
            ix.shapes
                .iter()
                .map(|&i| &ENTRIES[usize::from(i)])
                .filter(|e| (e.check)(s)),
        );
    }
    out
}

fn memchr_colon(s: &str) -> Option<usize> {
    s.bytes().position(|b| b == b':')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn top(s: &str) -> Option<u32> {
        lookup(s).first().and_then(|e| e.hashcat_mode)
    }

    #[test]
    fn core_schemes() {
        assert_eq!(
            top("$2b$12$GhvMmNVjRW29ulnudl.LbuAnUtN/LRfe1JsBm1Xu6LE3059z5Tr8m"),
            Some(3200)
        );
        assert_eq!(top("$1$38652870$DUjsu4TTlTsOe/xxZ05uf/"), Some(500));
        assert_eq!(
            top("{SSHA}FLzWcQqyle6Mo7NvrwXCMAmRzXQxNjYxMTYzNw=="),
            Some(111)
        );
        assert_eq!(
            top("{ssha}FLzWcQqyle6Mo7NvrwXCMAmRzXQxNjYxMTYzNw=="),
            Some(111)
        );
        assert_eq!(top("8743b52063cd84097a65d1633f5c74f5"), Some(0));
        assert_eq!(top("B4B9B02E6F09A9BD760F388B67351E2B"), Some(1000));
        assert_eq!(top("24leDr0hHfb3A"), Some(1500));
        assert!(lookup("hello world").is_empty());
        assert!(lookup("").is_empty());
    }

    #[test]
    fn table_is_consistent() {
        for e in ENTRIES {
            assert!(!e.scheme.is_empty());
            if let Pattern::Prefix(p) = e.pattern {
                assert!(!p.is_empty(), "{}", e.scheme);
            }
        }
    }
}
