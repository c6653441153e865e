#!/usr/bin/env python3
"""Generates tests/data/hash-corpus/corpus.jsonl: a reference corpus of password
hashes made by third-party implementations, each with the truth fx's hash/KDF
audit must read back from it (tests/fx_probe_hash_corpus.rs scores it).

Made with (the versions the committed file was generated with):
  * passlib 1.7.4 (PyPI), with bcrypt 4.0.1 and argon2-cffi 25.1.0 as its
    backends (bcrypt >= 4.1 breaks passlib 1.7.4's bcrypt self-test);
  * mkpasswd from Debian 12's whois 5.5.17 (libxcrypt 4.4.33);
  * OpenSSL 3.0 `openssl passwd`;
  * Python 3.11 hashlib, only for the formats passlib does not write (Cisco
    type 8/9, Django's unsalted and scrypt forms), from the documented layout.

    pip install passlib==1.7.4 bcrypt==4.0.1 argon2-cffi
    apt-get install whois openssl
    python3 tests/python/gen_hash_corpus.py
    # a held-out corpus, scored without the exact-count assertion:
    python3 tests/python/gen_hash_corpus.py --seed 7 --passwords 'Winter2024!,letmein-please-now,x,qwerty12' \
        --out /tmp/heldout.jsonl
    FX_HASH_CORPUS=/tmp/heldout.jsonl cargo test --test fx_probe_hash_corpus -- --nocapture

The truth never comes from fx: the scheme is the generating handler (passlib's
`handler.name`, or the tool and method), the parameters are those passed to it
or read back by passlib's own parser (`handler.from_string`/`parsehash`),
converted once here to the units of DESIGN §9 `hash.params`:

  * salt_bytes: the salt as the algorithm consumes it: decoded bytes for
    base64/hex salts (bcrypt's 22 characters are 16 bytes), the characters
    themselves for crypt(3)-style text salts (sha-crypt, md5-crypt, phpass,
    Sun MD5, Django); salt_bits for DES-family salts (12 or 24 bits);
  * digest: bytes of the stored hash output (bcrypt stores 23 of 24);
  * rounds / iterations / cost / memory_kib / parallelism / block_size /
    n_log2 / version / prf: as the scheme's own parameters name them.

Fixed passwords, fixed salts where the API takes one, and a seeded RNG for
the rest; the output is committed, so the Rust test needs none of these tools
and its counts never move. Where a tool picks its own salt (mkpasswd's
yescrypt, sunmd5), a rerun changes the line but not its truth.

Each line of the JSONL: family (for the per-family figures), source (what made
it), line, scheme (fx's name for it), hashcat_mode (null where hashcat has
none), params (every parameter fx must report, and nothing else), and for
syntax-ambiguous lines `class`: the schemes sharing that exact syntax, any of
which is an acceptable top answer (a bare 32-hex digest is MD5, NTLM, MD4,
LM… and must stay an ambiguity class, not a confident guess).
"""

import base64
import hashlib
import json
import os
import random
import subprocess
import sys
import warnings

warnings.filterwarnings("ignore")  # passlib 1.7.4 warns about bcrypt's missing __about__

from passlib import hash as ph  # noqa: E402

# `--seed N --passwords a,b,c,d --out PATH` make a held-out corpus of the same layout with other
# salts and passwords (the committed one is made with the defaults).
ARGS = dict(zip(sys.argv[1::2], sys.argv[2::2]))
PASSWORDS = ARGS.get("--passwords", "password,correct horse battery staple,Tr0ub4dor&3,hunter2").split(",")
assert len(PASSWORDS) == 4, "four passwords"
CRYPT64 = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
RNG = random.Random(int(ARGS.get("--seed", "20261207")))

# Ambiguity classes: schemes fx names that share one syntax exactly.
HEX16 = ["mysql323", "lm-half", "half-md5", "oracle7-10"]
HEX32 = ["md5", "ntlm", "md4", "lm"]
HEX40 = ["sha1", "ripemd160"]
HEX64 = ["sha256", "sha3-256", "keccak-256"]
HEX128 = ["sha512", "sha3-512", "keccak-512", "whirlpool"]
HEX32_SALT = ["md5($pass.$salt)", "md5($salt.$pass)", "mscash"]
DES13 = ["descrypt", "bigcrypt"]
DES24 = ["bigcrypt", "crypt16"]
CISCO_MD5 = ["cisco-pix-md5", "cisco-asa-md5"]
MD5_DOLLAR = ["django-salted-md5", "werkzeug-hmac-md5"]

rows = []


def clean(params):
    return {k: v for k, v in sorted(params.items()) if v is not None}


def member_params(member, line, own):
    """What another scheme of an ambiguity class would read from the same string."""
    if member in ("bigcrypt", "crypt16") and len(line) == 24:
        return {"rounds": 25 if member == "bigcrypt" else 20, "salt_bits": 12, "digest": 16}
    if member in ("descrypt", "bigcrypt"):
        return DES_TRUTH
    if member == "cisco-type7":
        return {}
    if all(c in "0123456789abcdefABCDEF" for c in line):
        return {"digest": len(line) // 2}  # a bare digest of whatever hash the member names
    return own  # the members share one parameter layout (PIX/ASA, `md5$salt$hex`, `hex:salt`)


def add(family, source, line, scheme, mode, params, klass=None):
    assert "\n" not in line and "\t" not in line, line
    row = {
        "family": family,
        "source": source,
        "line": line,
        "scheme": scheme,
        "hashcat_mode": mode,
        "params": clean(params),
    }
    if klass:
        # An ambiguous syntax: any member is an acceptable answer, with the parameters that
        # member would have (for the generating scheme, those are `params`).
        assert scheme in klass, (scheme, klass)
        row["class"] = klass
        row["class_params"] = {m: clean(params if m == scheme else member_params(m, line, params)) for m in klass}
    rows.append(row)


def run(*argv):
    return subprocess.run(argv, check=True, capture_output=True, text=True).stdout.strip()


def salt_text(n, alphabet=CRYPT64):
    return "".join(RNG.choice(alphabet) for _ in range(n))


def salt_raw(n):
    return bytes(RNG.randrange(256) for _ in range(n))


def crypt64_be(raw):
    """base64 over the crypt alphabet, big-endian bit order (Cisco type 4/8/9)."""
    std = base64.b64encode(raw).decode().rstrip("=")
    table = str.maketrans(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", CRYPT64
    )
    return std.translate(table)


def parsed(handler, h):
    """passlib's own parse of a hash it (or another tool) wrote; unwraps prefix wrappers."""
    inner = getattr(handler, "wrapped", None)
    if inner is not None:
        prefix = handler.prefix
        assert h.startswith(prefix), (h, prefix)
        return parsed(inner, getattr(handler, "orig_prefix", "") + h[len(prefix):])
    return handler.from_string(h)


def nbytes(v):
    return len(v) if v is not None else None


# --- bcrypt --------------------------------------------------------------------------------
def bcrypt_truth(obj):
    # 22 salt characters carry 128 bits; 31 checksum characters carry 184 of the 192 output bits.
    assert len(obj.salt) == 22 and len(obj.checksum) == 31
    return {"cost": obj.rounds, "salt_bytes": 16, "digest": 23}


def bcrypt_salt():
    # The 22nd character holds 2 bits: only every 16th alphabet value is canonical.
    return salt_text(21) + RNG.choice(".Oeu")


for ident in ("2a", "2b", "2y", "2"):
    for cost in (4, 5, 10, 12) if ident != "2" else (4, 6):
        for pw in PASSWORDS[:2]:
            h = ph.bcrypt.using(ident=ident, rounds=cost, salt=bcrypt_salt()).hash(pw)
            add("bcrypt", "passlib bcrypt ident=%s" % ident, h, "bcrypt",
                3200 if ident != "2" else None, bcrypt_truth(parsed(ph.bcrypt, h)))
for method, cost in (("bcrypt", 5), ("bcrypt", 11), ("bcrypt-a", 7)):
    h = run("mkpasswd", "-m", method, "-R", str(cost), PASSWORDS[1])
    add("bcrypt", "mkpasswd -m %s" % method, h, "bcrypt", 3200, bcrypt_truth(parsed(ph.bcrypt, h)))
for cost in (4, 12):
    h = ph.ldap_bcrypt.using(rounds=cost, salt=bcrypt_salt()).hash(PASSWORDS[0])
    add("ldap", "passlib ldap_bcrypt", h, "bcrypt", 3200, bcrypt_truth(parsed(ph.ldap_bcrypt, h)))
for version, cost in ((2, 12), (2, 5), (1, 6)):
    h = ph.bcrypt_sha256.using(version=version, rounds=cost, salt=bcrypt_salt()).hash(PASSWORDS[1])
    add("bcrypt", "passlib bcrypt_sha256 version=%d" % version, h, "passlib-bcrypt-sha256", None,
        bcrypt_truth(parsed(ph.bcrypt_sha256, h)))

# --- sha-crypt, sha1-crypt, md5-crypt, Sun MD5 ----------------------------------------------
SHA_CRYPT = {"sha256_crypt": ("sha256crypt", 7400, 32, "sha256"), "sha512_crypt": ("sha512crypt", 1800, 64, "sha512")}


def sha_crypt_truth(handler_name, obj):
    scheme, mode, digest, prf = SHA_CRYPT[handler_name]
    return {"rounds": obj.rounds, "salt_bytes": len(obj.salt), "digest": digest, "prf": prf}


for name in SHA_CRYPT:
    handler = getattr(ph, name)
    scheme, mode = SHA_CRYPT[name][:2]
    for rounds, salt_len in ((5000, 16), (1000, 8), (80000, 16), (535000, 12), (5000, 4)):
        pw = PASSWORDS[rounds % 4]
        h = handler.using(rounds=rounds, salt=salt_text(salt_len)).hash(pw)
        add("sha_crypt", "passlib %s" % name, h, scheme, mode, sha_crypt_truth(name, parsed(handler, h)))
    ldap = getattr(ph, "ldap_" + name)
    h = ldap.using(rounds=10000, salt=salt_text(16)).hash(PASSWORDS[0])
    add("ldap", "passlib ldap_%s" % name, h, scheme, mode, sha_crypt_truth(name, parsed(ldap, h)))
for flag, name in (("-5", "sha256_crypt"), ("-6", "sha512_crypt")):
    h = run("openssl", "passwd", flag, "-salt", salt_text(16), PASSWORDS[2])
    add("sha_crypt", "openssl passwd %s" % flag, h, SHA_CRYPT[name][0], SHA_CRYPT[name][1],
        sha_crypt_truth(name, parsed(getattr(ph, name), h)))
for method, name, rounds in (("sha512crypt", "sha512_crypt", 656000), ("sha256crypt", "sha256_crypt", 20000)):
    h = run("mkpasswd", "-m", method, "-R", str(rounds), "-S", salt_text(16), PASSWORDS[1])
    add("sha_crypt", "mkpasswd -m %s" % method, h, SHA_CRYPT[name][0], SHA_CRYPT[name][1],
        sha_crypt_truth(name, parsed(getattr(ph, name), h)))


def sha1_crypt_truth(obj):
    # NetBSD's count is PBKDF1-style HMAC-SHA1 iterations; 28 characters hold the 20-byte HMAC.
    return {"iterations": obj.rounds, "salt_bytes": len(obj.salt), "digest": 20, "prf": "sha1"}


for rounds, salt_len in ((480000, 8), (5000, 8), (40000, 4)):
    h = ph.sha1_crypt.using(rounds=rounds, salt=salt_text(salt_len)).hash(PASSWORDS[rounds % 3])
    add("bsd", "passlib sha1_crypt", h, "sha1crypt", 15100, sha1_crypt_truth(parsed(ph.sha1_crypt, h)))
h = ph.ldap_sha1_crypt.using(rounds=8000, salt=salt_text(8)).hash(PASSWORDS[0])
add("ldap", "passlib ldap_sha1_crypt", h, "sha1crypt", 15100, sha1_crypt_truth(parsed(ph.ldap_sha1_crypt, h)))


def md5_crypt_truth(obj):
    # md5-crypt's 1000 rounds are fixed by the algorithm; 22 characters hold 16 bytes.
    return {"rounds": 1000, "salt_bytes": len(obj.salt), "digest": 16, "prf": "md5"}


for salt_len, pw in ((8, PASSWORDS[0]), (8, PASSWORDS[1]), (6, PASSWORDS[2]), (2, PASSWORDS[3])):
    h = ph.md5_crypt.using(salt=salt_text(salt_len)).hash(pw)
    add("md5_crypt", "passlib md5_crypt", h, "md5crypt", 500, md5_crypt_truth(parsed(ph.md5_crypt, h)))
    h = ph.apr_md5_crypt.using(salt=salt_text(salt_len)).hash(pw)
    add("md5_crypt", "passlib apr_md5_crypt", h, "apr1", 1600, md5_crypt_truth(parsed(ph.apr_md5_crypt, h)))
h = run("openssl", "passwd", "-1", "-salt", salt_text(8), PASSWORDS[1])
add("md5_crypt", "openssl passwd -1", h, "md5crypt", 500, md5_crypt_truth(parsed(ph.md5_crypt, h)))
h = run("openssl", "passwd", "-apr1", "-salt", salt_text(8), PASSWORDS[1])
add("md5_crypt", "openssl passwd -apr1", h, "apr1", 1600, md5_crypt_truth(parsed(ph.apr_md5_crypt, h)))
h = run("mkpasswd", "-m", "md5crypt", "-S", salt_text(8), PASSWORDS[2])
add("md5_crypt", "mkpasswd -m md5crypt", h, "md5crypt", 500, md5_crypt_truth(parsed(ph.md5_crypt, h)))
h = ph.ldap_md5_crypt.using(salt=salt_text(8)).hash(PASSWORDS[0])
add("ldap", "passlib ldap_md5_crypt", h, "md5crypt", 500, md5_crypt_truth(parsed(ph.ldap_md5_crypt, h)))
for pw in PASSWORDS[:3]:
    # Cisco IOS type 5 is md5-crypt with a 4-character salt.
    h = ph.md5_crypt.using(salt=salt_text(4)).hash(pw)
    add("cisco", "passlib md5_crypt salt_size=4 (Cisco type 5)", h, "md5crypt", 500,
        md5_crypt_truth(parsed(ph.md5_crypt, h)))


def sun_md5_truth(obj):
    # Sun MD5 runs 4096 basic rounds plus the `rounds=` written (passlib's `rounds`, 0 when absent:
    # its raw_sun_md5_crypt uses 4096 + rounds); 22 characters hold 16 bytes.
    return {"rounds": 4096 + obj.rounds, "salt_bytes": len(obj.salt), "digest": 16, "prf": "md5"}


for rounds, pw in ((0, PASSWORDS[0]), (5000, PASSWORDS[1]), (34000, PASSWORDS[2]), (904, PASSWORDS[3])):
    h = ph.sun_md5_crypt.using(rounds=rounds, salt=salt_text(8)).hash(pw)
    add("sun_md5", "passlib sun_md5_crypt", h, "sunmd5", None, sun_md5_truth(parsed(ph.sun_md5_crypt, h)))
for pw in PASSWORDS[:2]:
    h = run("mkpasswd", "-m", "sunmd5", pw)
    add("sun_md5", "mkpasswd -m sunmd5", h, "sunmd5", None, sun_md5_truth(parsed(ph.sun_md5_crypt, h)))

# --- DES family: traditional, bigcrypt, crypt16, BSDi --------------------------------------
DES_TRUTH = {"rounds": 25, "salt_bits": 12, "digest": 8}
for pw in PASSWORDS:
    h = ph.des_crypt.using(salt=salt_text(2)).hash(pw)
    add("des", "passlib des_crypt", h, "descrypt", 1500, DES_TRUTH, DES13)
    h = ph.bigcrypt.using(salt=salt_text(2)).hash(pw)
    blocks = len(parsed(ph.bigcrypt, h).checksum) // 11
    # bigcrypt: one 11-character DES block (25 rounds, 8 bytes) per 8 password characters.
    truth = {"rounds": 25, "salt_bits": 12, "digest": 8 * blocks}
    add("des", "passlib bigcrypt", h, "bigcrypt", None, truth,
        DES13 if blocks == 1 else DES24 if blocks == 2 else None)
    h = ph.crypt16.using(salt=salt_text(2)).hash(pw)
    # crypt16: two DES blocks, the first of 20 rounds (the second of 5), 16 bytes in all.
    add("des", "passlib crypt16", h, "crypt16", None, {"rounds": 20, "salt_bits": 12, "digest": 16}, DES24)
h = run("mkpasswd", "-m", "descrypt", "-S", salt_text(2), PASSWORDS[0])
add("des", "mkpasswd -m descrypt", h, "descrypt", 1500, DES_TRUTH, DES13)
h = ph.ldap_des_crypt.using(salt=salt_text(2)).hash(PASSWORDS[2])
add("ldap", "passlib ldap_des_crypt", h, "descrypt", 1500, DES_TRUTH, DES13)


def bsdi_truth(obj):
    # 4 characters of salt decode to 24 bits; 4 characters of count to the rounds.
    return {"rounds": obj.rounds, "salt_bits": 24, "digest": 8}


for rounds in (5001, 1001, 725, 12345):
    h = ph.bsdi_crypt.using(rounds=rounds, salt=salt_text(4)).hash(PASSWORDS[rounds % 4])
    add("bsd", "passlib bsdi_crypt", h, "bsdicrypt", 12400, bsdi_truth(parsed(ph.bsdi_crypt, h)))
h = run("mkpasswd", "-m", "bsdicrypt", PASSWORDS[1])
add("bsd", "mkpasswd -m bsdicrypt", h, "bsdicrypt", 12400, bsdi_truth(parsed(ph.bsdi_crypt, h)))
h = ph.ldap_bsdi_crypt.using(rounds=5001, salt=salt_text(4)).hash(PASSWORDS[0])
add("ldap", "passlib ldap_bsdi_crypt", h, "bsdicrypt", 12400, bsdi_truth(parsed(ph.ldap_bsdi_crypt, h)))

# --- Argon2 ----------------------------------------------------------------------------------
def argon2_truth(obj):
    return {"version": obj.version, "memory_kib": obj.memory_cost, "iterations": obj.rounds,
            "parallelism": obj.parallelism, "salt_bytes": len(obj.salt), "digest": len(obj.checksum)}


for typ, m, t, p, salt_len, dlen in (
    ("ID", 19456, 2, 1, 16, 32), ("ID", 65536, 3, 4, 16, 32), ("ID", 4096, 1, 1, 8, 16),
    ("ID", 47104, 1, 1, 16, 32), ("I", 65536, 3, 4, 16, 32), ("I", 8192, 4, 2, 32, 64),
    ("D", 32768, 2, 2, 16, 32), ("D", 1024, 1, 1, 16, 24),
):
    h = ph.argon2.using(type=typ, memory_cost=m, rounds=t, parallelism=p, salt=salt_raw(salt_len),
                        digest_size=dlen).hash(PASSWORDS[t % 4])
    add("argon2", "passlib argon2 type=%s" % typ, h, "argon2" + typ.lower(), 34000,
        argon2_truth(parsed(ph.argon2, h)))

# --- scrypt, yescrypt ------------------------------------------------------------------------
def scrypt_truth(n_log2, r, p, salt_bytes, digest):
    return {"n_log2": n_log2, "block_size": r, "parallelism": p,
            "memory_kib": (128 << n_log2) * r // 1024, "salt_bytes": salt_bytes, "digest": digest}


for ln, r, p, salt_len in ((16, 8, 1, 16), (14, 8, 2, 16), (17, 8, 1, 24), (12, 4, 1, 8)):
    h = ph.scrypt.using(rounds=ln, block_size=r, parallelism=p, salt=salt_raw(salt_len)).hash(PASSWORDS[ln % 4])
    o = parsed(ph.scrypt, h)
    add("scrypt", "passlib scrypt", h, "scrypt", 8900,
        scrypt_truth(o.rounds, o.block_size, o.parallelism, len(o.salt), len(o.checksum)))
for ln, r in ((14, 8), (10, 16)):
    h = ph.scrypt.using(ident="$7$", rounds=ln, block_size=r, salt=salt_text(16).encode()).hash(PASSWORDS[1])
    o = parsed(ph.scrypt, h)
    add("scrypt", "passlib scrypt ident=$7$", h, "scrypt", 8900,
        scrypt_truth(o.rounds, o.block_size, o.parallelism, len(o.salt), len(o.checksum)))
for count in (None, "6"):
    h = run("mkpasswd", "-m", "scrypt", *(["-R", count] if count else []), PASSWORDS[2])
    o = parsed(ph.scrypt, h)  # passlib reads libxcrypt's `$7$` too
    add("scrypt", "mkpasswd -m scrypt", h, "scrypt", 8900,
        scrypt_truth(o.rounds, o.block_size, o.parallelism, len(o.salt), len(o.checksum)))
dsalt = salt_text(22, CRYPT64[2:])
dk = hashlib.scrypt(PASSWORDS[1].encode(), salt=dsalt.encode(), n=1 << 15, r=8, p=1, dklen=64, maxmem=64 << 20)
add("django", "Django ScryptPasswordHasher layout (hashlib.scrypt)",
    "scrypt$%s$%d$8$1$%s" % (dsalt, 1 << 15, base64.b64encode(dk).decode()),
    "scrypt", 8900, scrypt_truth(15, 8, 1, len(dsalt), 64))

# libxcrypt's yescrypt cost: -R count (3..11) gives N = 2^(count+7), r = 32, p = 1, and a 16-byte
# salt (crypt-yescrypt.c). Checked here by peak memory, 128·N·r: mkpasswd's maximum RSS grows by
# 4 MiB at count 3, 16 MiB at 5, 64 MiB at 7, 256 MiB at 9 (GNU time -f %M, whois 5.5.17).
for method, scheme, counts in (("yescrypt", "yescrypt", (5, 3, 9)), ("gost-yescrypt", "gost-yescrypt", (5, 7))):
    for count in counts:
        h = run("mkpasswd", "-m", method, "-R", str(count), PASSWORDS[count % 4])
        add("yescrypt", "mkpasswd -m %s -R %d" % (method, count), h, scheme, None,
            scrypt_truth(count + 7, 32, 1, 16, 32))

# --- PBKDF2 in its many encodings -------------------------------------------------------------
PBKDF2 = {"pbkdf2_sha1": ("passlib-pbkdf2-sha1", 20400, "sha1", 20),
          "pbkdf2_sha256": ("passlib-pbkdf2-sha256", 20300, "sha256", 32),
          "pbkdf2_sha512": ("passlib-pbkdf2-sha512", 20200, "sha512", 64)}


def pbkdf2_truth(obj, prf):
    # passlib holds these salts and keys as raw bytes (decoded from their base64/hex).
    assert isinstance(obj.salt, bytes) and isinstance(obj.checksum, bytes)
    return {"iterations": obj.rounds, "salt_bytes": len(obj.salt), "digest": len(obj.checksum), "prf": prf}


for name, (scheme, mode, prf, dlen) in PBKDF2.items():
    handler = getattr(ph, name)
    for rounds, salt_len in ((29000, 16), (1000, 8), (600000, 16), (131000, 32)):
        h = handler.using(rounds=rounds, salt=salt_raw(salt_len)).hash(PASSWORDS[rounds % 4])
        add("pbkdf2", "passlib %s" % name, h, scheme, mode, pbkdf2_truth(parsed(handler, h), prf))
    ldap = getattr(ph, "ldap_" + name)
    h = ldap.using(rounds=25000, salt=salt_raw(16)).hash(PASSWORDS[1])
    add("ldap", "passlib ldap_%s" % name, h, "ldap-" + scheme.replace("passlib-", ""), None,
        pbkdf2_truth(parsed(ldap, h), prf))
for rounds in (10000, 25000):
    h = ph.grub_pbkdf2_sha512.using(rounds=rounds, salt=salt_raw(64)).hash(PASSWORDS[0])
    add("pbkdf2", "passlib grub_pbkdf2_sha512", h, "grub2-pbkdf2-sha512", 7200,
        pbkdf2_truth(parsed(ph.grub_pbkdf2_sha512, h), "sha512"))
for pw in PASSWORDS[:3]:
    h = ph.atlassian_pbkdf2_sha1.using(salt=salt_raw(16)).hash(pw)
    o = parsed(ph.atlassian_pbkdf2_sha1, h)
    # Atlassian's 10,000 iterations are fixed by the scheme, not written in the hash.
    add("pbkdf2", "passlib atlassian_pbkdf2_sha1", h, "atlassian-pbkdf2-sha1", 12001,
        {"iterations": 10000, "salt_bytes": len(o.salt), "digest": len(o.checksum), "prf": "sha1"})
for rounds, salt_len in ((1000, 16), (131000, 8), (10000, 20)):
    h = ph.cta_pbkdf2_sha1.using(rounds=rounds, salt=salt_raw(salt_len)).hash(PASSWORDS[rounds % 4])
    add("pbkdf2", "passlib cta_pbkdf2_sha1", h, "cta-pbkdf2-sha1", None,
        pbkdf2_truth(parsed(ph.cta_pbkdf2_sha1, h), "sha1"))
for rounds, salt_len in ((1000, 16), (131000, 8), (400, 16)):
    h = ph.dlitz_pbkdf2_sha1.using(rounds=rounds, salt=salt_text(salt_len)).hash(PASSWORDS[rounds % 4])
    o = parsed(ph.dlitz_pbkdf2_sha1, h)
    # dlitz: the salt text is the salt; 32 characters of checksum hold a 24-byte key.
    add("pbkdf2", "passlib dlitz_pbkdf2_sha1", h, "dlitz-pbkdf2-sha1", None,
        {"iterations": o.rounds, "salt_bytes": len(o.salt), "digest": 24, "prf": "sha1"})
for name, scheme, mode, prf, dlen in (("django_pbkdf2_sha256", "django-pbkdf2-sha256", 10000, "sha256", 32),
                                      ("django_pbkdf2_sha1", "django-pbkdf2-sha1", None, "sha1", 20)):
    handler = getattr(ph, name)
    for rounds, salt_len in ((600000, 12), (20000, 22), (870000, 22)):
        h = handler.using(rounds=rounds, salt=salt_text(salt_len, CRYPT64[2:])).hash(PASSWORDS[rounds % 4])
        o = parsed(handler, h)
        add("django", "passlib %s" % name, h, scheme, mode,
            {"iterations": o.rounds, "salt_bytes": len(o.salt), "digest": dlen, "prf": prf})


def scram_truth(obj):
    # The stored digests are judged by the weakest PRF listed (sha-1 is always present).
    first = obj.algs[0]
    return {"iterations": obj.rounds, "salt_bytes": len(obj.salt), "digest": len(obj.checksum[first]),
            "prf": first.replace("-", "")}


for rounds, algs, salt_len in ((100000, None, 12), (4096, "sha-1,sha-256", 16), (20000, "sha-1,sha-512", 12),
                               (600000, "sha-1", 24)):
    handler = ph.scram.using(rounds=rounds, salt=salt_raw(salt_len), **({"algs": algs} if algs else {}))
    h = handler.hash(PASSWORDS[rounds % 4])
    add("scram", "passlib scram algs=%s" % (algs or "default"), h, "passlib-scram", None, scram_truth(parsed(ph.scram, h)))

FSHP = {0: ("sha1", 20), 1: ("sha256", 32), 2: ("sha384", 48), 3: ("sha512", 64)}
for variant, salt_len, rounds in ((0, 8, 4096), (1, 16, 480000), (2, 8, 10000), (3, 16, 50000), (1, 0, 4096)):
    h = ph.fshp.using(variant=variant, salt=salt_raw(salt_len), rounds=rounds).hash(PASSWORDS[variant])
    o = parsed(ph.fshp, h)
    prf, dlen = FSHP[o.variant]
    assert len(o.checksum) == dlen
    add("fshp", "passlib fshp variant=%d" % variant, h, "fshp", None,
        {"rounds": o.rounds, "salt_bytes": len(o.salt) or None, "digest": dlen, "prf": prf})

# --- phpass ----------------------------------------------------------------------------------
for ident, cost in (("P", 8), ("P", 11), ("P", 13), ("H", 8), ("H", 17)):
    h = ph.phpass.using(ident=ident, rounds=cost, salt=salt_text(8)).hash(PASSWORDS[cost % 4])
    o = parsed(ph.phpass, h)
    # The 8 salt characters are hashed as they are; 22 characters hold the 16-byte MD5.
    add("phpass", "passlib phpass ident=%s" % ident, h, "phpass", 400,
        {"cost": o.rounds, "iterations": 1 << o.rounds, "salt_bytes": len(o.salt), "digest": 16, "prf": "md5"})

# --- LDAP ------------------------------------------------------------------------------------
for pw in PASSWORDS[:2]:
    add("ldap", "passlib ldap_md5", ph.ldap_md5.hash(pw), "ldap-md5", 0, {"digest": 16})
    add("ldap", "passlib ldap_sha1", ph.ldap_sha1.hash(pw), "ldap-sha1", 101, {"digest": 20})
    add("ldap", "passlib ldap_hex_md5", ph.ldap_hex_md5.hash(pw), "ldap-hex-md5", None, {"digest": 16})
    add("ldap", "passlib ldap_hex_sha1", ph.ldap_hex_sha1.hash(pw), "ldap-hex-sha1", None, {"digest": 20})
for name, scheme, mode, dlen in (("ldap_salted_md5", "ldap-smd5", None, 16), ("ldap_salted_sha1", "ldap-ssha1", 111, 20),
                                 ("ldap_salted_sha256", "ldap-ssha256", 1411, 32),
                                 ("ldap_salted_sha512", "ldap-ssha512", 1711, 64)):
    handler = getattr(ph, name)
    for salt_len in (4, 8, 16):
        h = handler.using(salt=salt_raw(salt_len)).hash(PASSWORDS[salt_len % 4])
        o = parsed(handler, h)
        add("ldap", "passlib %s" % name, h, scheme, mode, {"salt_bytes": len(o.salt), "digest": len(o.checksum)})

# --- Django ----------------------------------------------------------------------------------
for pw in PASSWORDS[:3]:
    h = ph.django_salted_sha1.using(salt=salt_text(12, CRYPT64[2:])).hash(pw)
    o = parsed(ph.django_salted_sha1, h)
    add("django", "passlib django_salted_sha1", h, "django-sha1", 124, {"salt_bytes": len(o.salt), "digest": 20})
    h = ph.django_salted_md5.using(salt=salt_text(12, CRYPT64[2:])).hash(pw)
    o = parsed(ph.django_salted_md5, h)
    add("django", "passlib django_salted_md5", h, "django-salted-md5", None,
        {"salt_bytes": len(o.salt), "digest": 16}, MD5_DOLLAR)
    h = ph.django_des_crypt.using(salt=salt_text(2)).hash(pw)
    add("django", "passlib django_des_crypt", h, "django-des-crypt", None, DES_TRUTH)
for cost in (10, 12):
    h = ph.django_bcrypt.using(rounds=cost, salt=bcrypt_salt()).hash(PASSWORDS[0])
    add("django", "passlib django_bcrypt", h, "django-bcrypt", None, bcrypt_truth(parsed(ph.django_bcrypt, h)))
    h = ph.django_bcrypt_sha256.using(rounds=cost, salt=bcrypt_salt()).hash(PASSWORDS[1])
    add("django", "passlib django_bcrypt_sha256", h, "django-bcrypt-sha256", None,
        bcrypt_truth(parsed(ph.django_bcrypt_sha256, h)))
for typ, m, t, p in (("ID", 19456, 2, 1), ("I", 512, 2, 2), ("ID", 102400, 8, 8)):
    h = ph.django_argon2.using(type=typ, memory_cost=m, rounds=t, parallelism=p, salt=salt_raw(16)).hash(PASSWORDS[2])
    o = ph.argon2.from_string(h[len("argon2"):])
    add("django", "passlib django_argon2 type=%s" % typ, h, "django-argon2" + typ.lower(), None, argon2_truth(o))
for pw in PASSWORDS[:2]:
    # Django's UnsaltedSHA1PasswordHasher / UnsaltedMD5PasswordHasher stored forms (not in passlib).
    add("django", "Django UnsaltedSHA1PasswordHasher layout (hashlib)", "sha1$$" + hashlib.sha1(pw.encode()).hexdigest(),
        "django-unsalted-sha1", None, {"digest": 20})
    add("django", "Django UnsaltedMD5PasswordHasher layout (hashlib)", "md5$$" + hashlib.md5(pw.encode()).hexdigest(),
        "django-unsalted-md5", None, {"digest": 16})

# --- Cisco -----------------------------------------------------------------------------------
for pw in (PASSWORDS[0], PASSWORDS[2], PASSWORDS[3], "cisco123"):  # PIX/ASA take at most 16 bytes
    # PIX and ASA share one syntax: 16 characters holding 12 of MD5's 16 bytes.
    add("cisco", "passlib cisco_pix", ph.cisco_pix.hash(pw), "cisco-pix-md5", 2400, {"digest": 12}, CISCO_MD5)
    add("cisco", "passlib cisco_pix user=admin", ph.cisco_pix.hash(pw, user="admin"), "cisco-pix-md5", 2400,
        {"digest": 12}, CISCO_MD5)
    add("cisco", "passlib cisco_asa user=enable_15", ph.cisco_asa.hash(pw, user="enable_15"), "cisco-asa-md5", 2410,
        {"digest": 12}, CISCO_MD5)
for pw, salt in ((PASSWORDS[0], 2), (PASSWORDS[1], 9), (PASSWORDS[2], 4), (PASSWORDS[3], 15), ("cisco", 7),
                 ("enable-secret-2024", 11)):
    h = ph.cisco_type7.using(salt=salt).hash(pw)
    # Type 7 is a reversible encoding, not a hash: identified only, nothing to measure.
    n = len(h)
    klass = {16: HEX16 + ["cisco-type7"], 32: HEX32 + ["cisco-type7"], 40: HEX40 + ["cisco-type7"]}.get(n)
    add("cisco", "passlib cisco_type7", h, "cisco-type7", None, {}, klass)
for pw in PASSWORDS[:3]:
    # Type 4: unsalted SHA-256 in Cisco's crypt64; type 8: PBKDF2-HMAC-SHA256, 20,000 iterations,
    # 14-character salt; type 9: scrypt N=2^14, r=1, p=1 (IOS's fixed parameters).
    add("cisco", "Cisco type 4 layout (hashlib)", crypt64_be(hashlib.sha256(pw.encode()).digest()), "cisco-type4",
        5700, {"digest": 32})
    s = salt_text(14, CRYPT64[2:])
    dk = hashlib.pbkdf2_hmac("sha256", pw.encode(), s.encode(), 20000)
    add("cisco", "Cisco type 8 layout (hashlib)", "$8$%s$%s" % (s, crypt64_be(dk)), "cisco-type8", 9200,
        {"iterations": 20000, "salt_bytes": 14, "digest": 32, "prf": "sha256"})
    s = salt_text(14, CRYPT64[2:])
    dk = hashlib.scrypt(pw.encode(), salt=s.encode(), n=1 << 14, r=1, p=1, dklen=32)
    add("cisco", "Cisco type 9 layout (hashlib)", "$9$%s$%s" % (s, crypt64_be(dk)), "cisco-type9", 9300,
        scrypt_truth(14, 1, 1, 14, 32))

# --- Windows, BSD nthash -----------------------------------------------------------------------
for pw in PASSWORDS:
    nt = ph.nthash.hash(pw)
    add("windows", "passlib nthash", nt, "ntlm", 1000, {"digest": 16}, HEX32)
    add("windows", "passlib nthash (upper case, as dumps print it)", nt.upper(), "ntlm", 1000, {"digest": 16}, HEX32)
    add("windows", "passlib lmhash", ph.lmhash.hash(pw), "lm", 3000, {"digest": 16}, HEX32)
    add("bsd", "passlib bsd_nthash", ph.bsd_nthash.hash(pw), "bsd-nthash", None, {"digest": 16})
    add("windows", "passlib msdcc user=Administrator", ph.msdcc.hash(pw, user="Administrator"), "mscash", 1100,
        {"digest": 16}, HEX32 + ["mscash"])
    add("windows", "passlib msdcc2 user=Administrator", ph.msdcc2.hash(pw, user="Administrator"), "mscash2", 2100,
        {"digest": 16}, HEX32 + ["mscash2"])
    # The forms hashcat reads them in: `hash:user` (1100) and `$DCC2$10240#user#hash` (2100).
    add("windows", "passlib msdcc, hashcat layout hash:user", ph.msdcc.hash(pw, user="alice") + ":alice", "mscash",
        1100, {"digest": 16, "salt_bytes": 5}, HEX32_SALT)
    add("windows", "passlib msdcc2, hashcat layout $DCC2$", "$DCC2$10240#alice#" + ph.msdcc2.hash(pw, user="alice"),
        "mscash2", 2100, {"iterations": 10240, "salt_bytes": 5, "digest": 16, "prf": "sha1"})
h = run("mkpasswd", "-m", "nt", "S3cure!nt")
add("bsd", "mkpasswd -m nt", h, "bsd-nthash", None, {"digest": 16})

# --- databases -------------------------------------------------------------------------------
for pw in PASSWORDS:
    add("mysql", "passlib mysql41", ph.mysql41.hash(pw), "mysql41", 300, {"digest": 20})
    add("mysql", "passlib mysql323", ph.mysql323.hash(pw), "mysql323", 200, {"digest": 8}, HEX16)
    h = ph.mssql2000.using(salt=salt_raw(4)).hash(pw)
    o = parsed(ph.mssql2000, h)
    # MSSQL 2000 stores two SHA-1 digests (of the password as typed and upper-cased).
    add("mssql", "passlib mssql2000", h, "mssql2000", 131, {"salt_bytes": len(o.salt), "digest": len(o.checksum)})
    h = ph.mssql2005.using(salt=salt_raw(4)).hash(pw)
    o = parsed(ph.mssql2005, h)
    add("mssql", "passlib mssql2005", h, "mssql2005", 132, {"salt_bytes": len(o.salt), "digest": len(o.checksum)})
    add("oracle", "passlib oracle10 user=SYSTEM", ph.oracle10.hash(pw, user="SYSTEM"), "oracle7-10", 3100,
        {"digest": 8}, HEX16)
    add("oracle", "passlib oracle10, hashcat layout hash:user", ph.oracle10.hash(pw, user="SCOTT") + ":SCOTT",
        "oracle7-10", 3100, {"digest": 8, "salt_bytes": 5})
    h = ph.oracle11.using(salt=salt_raw(10).hex().upper()).hash(pw)
    add("oracle", "passlib oracle11", h, "oracle11", 112, {"salt_bytes": 10, "digest": 20})
    for user in ("postgres", "app_user"):
        add("postgres", "passlib postgres_md5 user=%s" % user, ph.postgres_md5.hash(pw, user=user), "postgres-md5",
            12, {"digest": 16})

# --- htdigest ----------------------------------------------------------------------------------
for pw in PASSWORDS:
    h = ph.htdigest.hash(pw, user="admin", realm="Restricted")
    add("htdigest", "passlib htdigest", h, "htdigest", None, {"digest": 16}, HEX32 + ["htdigest"])
    # As an Apache htdigest file stores it: user:realm:hash.
    add("htdigest", "passlib htdigest, .htdigest file line", "admin:Restricted:" + h, "htdigest", None, {"digest": 16})

# --- bare hex digests --------------------------------------------------------------------------
for name, klass in (("hex_md4", HEX32), ("hex_md5", HEX32), ("hex_sha1", HEX40), ("hex_sha256", HEX64),
                    ("hex_sha512", HEX128)):
    handler = getattr(ph, name)
    scheme = name[4:]
    for pw in PASSWORDS:
        h = handler.hash(pw)
        add("hex", "passlib %s" % name, h, scheme, {"md4": 900, "md5": 0, "sha1": 100, "sha256": 1400,
                                                    "sha512": 1700}[scheme], {"digest": len(h) // 2}, klass)

out = ARGS.get("--out") or os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "hash-corpus",
                                         "corpus.jsonl")
os.makedirs(os.path.dirname(out), exist_ok=True)
lines = set()
with open(out, "w") as f:
    for r in rows:
        assert r["line"] not in lines, r["line"]
        lines.add(r["line"])
        f.write(json.dumps(r, sort_keys=True, ensure_ascii=False) + "\n")
print("wrote %d lines to %s" % (len(rows), os.path.normpath(out)), file=sys.stderr)
