#!/usr/bin/env python3
"""Generates tests/data/hashes/generated.tsv: hashes made by real password-hashing
libraries and tools, each with the truth fx must read back from it.

Columns: scheme <TAB> hashcat_mode (or -) <TAB> params as JSON <TAB> the line.

Needs (see docs/hash-audit.md): PyPI passlib, bcrypt, argon2-cffi; Debian
openssl, whois (mkpasswd), apache2-utils (htpasswd). Run from the repository
root:  python3 tests/data/hashes/generate.py
The output is committed; the Rust test needs none of these tools.
"""

import base64
import hashlib
import json
import os
import subprocess
import sys

import argon2
import bcrypt
from passlib import hash as ph

PW = "correct horse battery staple"
CRYPT64 = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
rows = []


def add(scheme, mode, params, line):
    assert "\t" not in line and "\n" not in line, line
    rows.append((scheme, "-" if mode is None else str(mode), json.dumps(params, sort_keys=True), line))


def run(*argv):
    return subprocess.run(argv, check=True, capture_output=True, text=True).stdout.strip()


def crypt64_encode(raw):
    """Cisco's base64 over the crypt alphabet (big-endian bit order, like base64)."""
    std = base64.b64encode(raw).decode().rstrip("=")
    table = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", CRYPT64)
    return std.translate(table)


# --- bcrypt ------------------------------------------------------------------------------
for cost in (4, 5, 10, 12):
    for prefix in (b"2a", b"2b"):
        h = bcrypt.hashpw(PW.encode(), bcrypt.gensalt(cost, prefix=prefix)).decode()
        add("bcrypt", 3200, {"cost": cost, "salt_bytes": 16, "digest": 23}, h)
h = run("htpasswd", "-nbB", "-C", "6", "u", PW).split(":", 1)[1]
add("bcrypt", 3200, {"cost": 6, "salt_bytes": 16, "digest": 23}, h)  # $2y$

# --- sha-crypt, md5-crypt, apr1, DES, BSDi ----------------------------------------------
add("sha256crypt", 7400, {"rounds": 5000, "salt_bytes": 16, "digest": 32}, run("openssl", "passwd", "-5", "-salt", "0123456789abcdef", PW))
add("sha512crypt", 1800, {"rounds": 5000, "salt_bytes": 8, "digest": 64}, run("openssl", "passwd", "-6", "-salt", "saltsalt", PW))
add("sha512crypt", 1800, {"rounds": 10000, "salt_bytes": 8, "digest": 64}, run("mkpasswd", "-m", "sha512crypt", "-R", "10000", "-S", "abcdefgh", PW))
add("sha512crypt", 1800, {"rounds": 656000, "salt_bytes": 16, "digest": 64}, ph.sha512_crypt.using(rounds=656000).hash(PW))
add("sha256crypt", 7400, {"rounds": 535000, "salt_bytes": 16, "digest": 32}, ph.sha256_crypt.using(rounds=535000).hash(PW))
add("md5crypt", 500, {"rounds": 1000, "salt_bytes": 8, "digest": 16}, run("openssl", "passwd", "-1", "-salt", "12345678", PW))
add("md5crypt", 500, {"rounds": 1000, "salt_bytes": 4, "digest": 16}, run("openssl", "passwd", "-1", "-salt", "abcd", PW))
add("apr1", 1600, {"rounds": 1000, "salt_bytes": 8, "digest": 16}, run("openssl", "passwd", "-apr1", "-salt", "saltsalt", PW))
add("apr1", 1600, {"rounds": 1000, "salt_bytes": 8, "digest": 16}, run("htpasswd", "-nbm", "u", PW).split(":", 1)[1])
add("descrypt", 1500, {"rounds": 25, "salt_bits": 12, "digest": 8}, run("mkpasswd", "-m", "descrypt", "-S", "ab", PW))
add("bsdicrypt", 12400, {"rounds": 5001, "salt_bits": 24, "digest": 8}, ph.bsdi_crypt.using(rounds=5001).hash(PW))
add("sha1crypt", 15100, {"iterations": 480000, "salt_bytes": 8, "digest": 20}, ph.sha1_crypt.using(rounds=480000).hash(PW))

# --- Argon2 --------------------------------------------------------------------------------
for t, m, p, ty, name in (
    (2, 19456, 1, argon2.Type.ID, "argon2id"),
    (3, 65536, 4, argon2.Type.ID, "argon2id"),
    (1, 4096, 1, argon2.Type.ID, "argon2id"),
    (3, 65536, 4, argon2.Type.I, "argon2i"),
    (2, 32768, 2, argon2.Type.D, "argon2d"),
):
    h = argon2.PasswordHasher(time_cost=t, memory_cost=m, parallelism=p, hash_len=32, salt_len=16, type=ty).hash(PW)
    add(name, 34000, {"iterations": t, "memory_kib": m, "parallelism": p, "version": 19, "salt_bytes": 16, "digest": 32}, h)

# --- scrypt in its encodings, yescrypt ------------------------------------------------------
add("scrypt", 8900, {"n_log2": 16, "block_size": 8, "parallelism": 1, "memory_kib": 65536, "salt_bytes": 16, "digest": 32}, ph.scrypt.hash(PW))
add("scrypt", 8900, {"n_log2": 17, "block_size": 8, "parallelism": 1, "memory_kib": 131072, "salt_bytes": 16, "digest": 32}, ph.scrypt.using(rounds=17).hash(PW))
h = run("mkpasswd", "-m", "scrypt", PW)
# libxcrypt's default scrypt cost: N=2^14, r=32, p=1
add("scrypt", 8900, {"n_log2": 14, "block_size": 32, "parallelism": 1, "memory_kib": 65536, "digest": 32}, h)
salt = b"0123456789abcdef"
dk = hashlib.scrypt(PW.encode(), salt=salt, n=16384, r=8, p=1, dklen=32)
add("scrypt", 8900, {"n_log2": 14, "block_size": 8, "parallelism": 1, "memory_kib": 16384, "salt_bytes": 16, "digest": 32},
    "SCRYPT:16384:8:1:%s:%s" % (base64.b64encode(salt).decode(), base64.b64encode(dk).decode()))
dsalt = "DjangoSaltValue1"
dk = hashlib.scrypt(PW.encode(), salt=dsalt.encode(), n=16384, r=8, p=1, dklen=64)
add("scrypt", 8900, {"n_log2": 14, "block_size": 8, "parallelism": 1, "memory_kib": 16384, "salt_bytes": 16, "digest": 64},
    "scrypt$%s$16384$8$1$%s" % (dsalt, base64.b64encode(dk).decode()))
csalt = "abcdefghijklmn"
dk = hashlib.scrypt(PW.encode(), salt=csalt.encode(), n=16384, r=1, p=1, dklen=32)
add("cisco-type9", 9300, {"n_log2": 14, "block_size": 1, "parallelism": 1, "memory_kib": 2048, "salt_bytes": 14, "digest": 32},
    "$9$%s$%s" % (csalt, crypt64_encode(dk)))
add("yescrypt", None, {"n_log2": 12, "block_size": 32, "memory_kib": 16384}, run("mkpasswd", "-m", "yescrypt", PW))
add("yescrypt", None, {"n_log2": 14, "block_size": 32, "memory_kib": 65536}, run("mkpasswd", "-m", "yescrypt", "-R", "7", PW))
add("gost-yescrypt", None, {"n_log2": 12, "block_size": 32, "memory_kib": 16384}, run("mkpasswd", "-m", "gost-yescrypt", PW))

# --- PBKDF2 in its framework encodings --------------------------------------------------------
add("django-pbkdf2-sha256", 10000, {"iterations": 600000, "prf": "sha256", "salt_bytes": 12, "digest": 32}, ph.django_pbkdf2_sha256.using(rounds=600000).hash(PW))
add("django-pbkdf2-sha256", 10000, {"iterations": 20000, "prf": "sha256", "salt_bytes": 16, "digest": 32}, ph.django_pbkdf2_sha256.using(rounds=20000, salt_size=16).hash(PW))
add("django-pbkdf2-sha1", None, {"iterations": 36000, "prf": "sha1", "salt_bytes": 12, "digest": 20}, ph.django_pbkdf2_sha1.using(rounds=36000).hash(PW))
add("passlib-pbkdf2-sha256", 20300, {"iterations": 29000, "prf": "sha256", "salt_bytes": 16, "digest": 32}, ph.pbkdf2_sha256.hash(PW))
add("passlib-pbkdf2-sha512", 20200, {"iterations": 210000, "prf": "sha512", "salt_bytes": 16, "digest": 64}, ph.pbkdf2_sha512.using(rounds=210000).hash(PW))
add("passlib-pbkdf2-sha1", 20400, {"iterations": 1300000, "prf": "sha1", "salt_bytes": 16, "digest": 20}, ph.pbkdf2_sha1.using(rounds=1300000).hash(PW))
wsalt = "k3Yq2W0pLmN8vB1x"
wdk = hashlib.pbkdf2_hmac("sha256", PW.encode(), wsalt.encode(), 600000)
add("werkzeug-pbkdf2-sha256", None, {"iterations": 600000, "prf": "sha256", "salt_bytes": 16, "digest": 32}, "pbkdf2:sha256:600000$%s$%s" % (wsalt, wdk.hex()))
wdk = hashlib.pbkdf2_hmac("sha256", PW.encode(), wsalt.encode(), 150000)
add("werkzeug-pbkdf2-sha256", None, {"prf": "sha256", "salt_bytes": 16, "digest": 32}, "pbkdf2:sha256$%s$%s" % (wsalt, wdk.hex()))
add("atlassian-pbkdf2-sha1", 12001, {"iterations": 10000, "prf": "sha1", "salt_bytes": 16, "digest": 32}, ph.atlassian_pbkdf2_sha1.hash(PW))
c8salt = "abcdefghijklmn"
dk = hashlib.pbkdf2_hmac("sha256", PW.encode(), c8salt.encode(), 20000)
add("cisco-type8", 9200, {"iterations": 20000, "prf": "sha256", "salt_bytes": 14, "digest": 32}, "$8$%s$%s" % (c8salt, crypt64_encode(dk)))
for prf, mode, n, dlen in (("sha256", 10900, 1000, 32), ("sha1", 12000, 1000, 20), ("sha512", 12100, 100000, 64), ("md5", 11900, 1000, 16)):
    s = os.urandom(16)
    dk = hashlib.pbkdf2_hmac(prf, PW.encode(), s, n)
    add("pbkdf2-" + prf, mode, {"iterations": n, "prf": prf, "salt_bytes": 16, "digest": dlen},
        "%s:%d:%s:%s" % (prf, n, base64.b64encode(s).decode(), base64.b64encode(dk).decode()))
add("grub2-pbkdf2-sha512", 7200, {"iterations": 10000, "prf": "sha512", "salt_bytes": 64, "digest": 64}, ph.grub_pbkdf2_sha512.using(rounds=10000).hash(PW))

# --- LDAP ----------------------------------------------------------------------------------
add("ldap-sha1", 101, {"digest": 20}, ph.ldap_sha1.hash(PW))
add("ldap-ssha1", 111, {"digest": 20, "salt_bytes": 4}, ph.ldap_salted_sha1.using(salt_size=4).hash(PW))
add("ldap-ssha1", 111, {"digest": 20, "salt_bytes": 16}, ph.ldap_salted_sha1.using(salt_size=16).hash(PW))
add("ldap-ssha256", 1411, {"digest": 32, "salt_bytes": 8}, ph.ldap_salted_sha256.hash(PW))
add("ldap-ssha512", 1711, {"digest": 64, "salt_bytes": 8}, ph.ldap_salted_sha512.hash(PW))
add("ldap-md5", 0, {"digest": 16}, ph.ldap_md5.hash(PW))
add("ldap-smd5", None, {"digest": 16, "salt_bytes": 4}, ph.ldap_salted_md5.hash(PW))
add("sha512crypt", 1800, {"rounds": 5000, "salt_bytes": 16, "digest": 64}, ph.ldap_sha512_crypt.using(rounds=5000).hash(PW))  # {CRYPT}$6$
add("md5crypt", 500, {"rounds": 1000, "salt_bytes": 8, "digest": 16}, ph.ldap_md5_crypt.hash(PW))

# --- phpass, Drupal 7 ---------------------------------------------------------------------
add("phpass", 400, {"cost": 13, "iterations": 8192, "salt_bytes": 8, "digest": 16}, ph.phpass.using(rounds=13).hash(PW))
add("phpass", 400, {"cost": 8, "iterations": 256, "salt_bytes": 8, "digest": 16}, ph.phpass.using(rounds=8, ident="H").hash(PW))


def drupal7(pw, salt, log2):
    """Drupal 7's _password_crypt('sha512', …), truncated to its stored 55 characters."""
    h = hashlib.sha512(salt.encode() + pw.encode()).digest()
    for _ in range(1 << log2):
        h = hashlib.sha512(h + pw.encode()).digest()
    out, i = "", 0
    while i < len(h):  # phpass _password_base64_encode
        v = h[i]; i += 1
        out += CRYPT64[v & 0x3f]
        if i < len(h): v |= h[i] << 8
        out += CRYPT64[(v >> 6) & 0x3f]
        if i >= len(h): break
        i += 1
        if i < len(h): v |= h[i] << 16
        out += CRYPT64[(v >> 12) & 0x3f]
        if i >= len(h): break
        i += 1
        out += CRYPT64[(v >> 18) & 0x3f]
    return ("$S$" + CRYPT64[log2] + salt + out)[:55]


add("drupal7", 7900, {"cost": 15, "iterations": 32768, "salt_bytes": 8}, drupal7(PW, "Xn5fT2qa", 15))

# --- databases ----------------------------------------------------------------------------
add("mysql41", 300, {"digest": 20}, ph.mysql41.hash(PW))
add("mysql323", 200, {"digest": 8}, ph.mysql323.hash(PW))
add("mssql2000", 131, {"salt_bytes": 4, "digest": 40}, ph.mssql2000.hash(PW))
add("mssql2005", 132, {"salt_bytes": 4, "digest": 20}, ph.mssql2005.hash(PW))
add("postgres-md5", 12, {"digest": 16}, ph.postgres_md5.hash(PW, user="postgres"))
add("oracle7-10", 3100, {"digest": 8, "salt_bytes": 6}, ph.oracle10.hash(PW, user="SYSTEM") + ":SYSTEM")
add("oracle11", 112, {"digest": 20, "salt_bytes": 10}, ph.oracle11.hash(PW))

# --- Windows, bare digests, context lines --------------------------------------------------
nt = ph.nthash.hash(PW)
lm = ph.lmhash.hash(PW)
add("md5", 0, {"digest": 16}, hashlib.md5(PW.encode()).hexdigest())
add("ntlm", 1000, {"digest": 16}, nt.upper())
add("ntlm", 1000, {"digest": 16}, "Administrator:500:aad3b435b51404eeaad3b435b51404ee:%s:::" % nt)
add("ntlm", 1000, {"digest": 16}, "alice:1001:%s:%s:::" % (lm, nt))
add("sha1", 100, {"digest": 20}, hashlib.sha1(PW.encode()).hexdigest())
add("sha224", 1300, {"digest": 28}, hashlib.sha224(PW.encode()).hexdigest())
add("sha256", 1400, {"digest": 32}, hashlib.sha256(PW.encode()).hexdigest())
add("sha384", 10800, {"digest": 48}, hashlib.sha384(PW.encode()).hexdigest())
add("sha512", 1700, {"digest": 64}, hashlib.sha512(PW.encode()).hexdigest())
add("md5", 0, {"digest": 16}, "bob:" + hashlib.md5(PW.encode()).hexdigest())
add("md5($pass.$salt)", 10, {"digest": 16, "salt_bytes": 8}, hashlib.md5((PW + "s4ltS4lt").encode()).hexdigest() + ":s4ltS4lt")
add("sha1($pass.$salt)", 110, {"digest": 20, "salt_bytes": 6}, hashlib.sha1((PW + "pepper").encode()).hexdigest() + ":pepper")
add("sha512crypt", 1800, {"rounds": 5000, "salt_bytes": 8, "digest": 64},
    "root:%s:19700:0:99999:7:::" % run("openssl", "passwd", "-6", "-salt", "rootsalt", PW))
add("yescrypt", None, {"n_log2": 12, "block_size": 32, "memory_kib": 16384},
    "carol:%s:19700:0:99999:7:::" % run("mkpasswd", "-m", "yescrypt", PW))
add("cisco-type4", 5700, {"digest": 32}, crypt64_encode(hashlib.sha256(PW.encode()).digest()))

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "generated.tsv")
with open(out, "w") as f:
    f.write("# scheme\thashcat_mode\tparams\tline  (generated by tests/data/hashes/generate.py; password: %r)\n" % PW)
    for r in rows:
        f.write("\t".join(r) + "\n")
print("wrote %d lines to %s" % (len(rows), out), file=sys.stderr)
