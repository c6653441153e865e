"""Password hashes of the throwaway password below, made by libxcrypt
(mkpasswd from Debian's whois package), openssl passwd, the argon2 CLI
(Debian's argon2, the reference implementation) and passlib, with fixed
salts where the tool takes one. One hash per file, plus a shadow file and an
htpasswd file."""

import passlib
from passlib import hash as ph

from common import emit, run, tool_version

PW = "correct horse battery staple"
OPENSSL = tool_version(["openssl", "version"])
MKPASSWD = "mkpasswd (libxcrypt " + (__import__("os").popen("dpkg-query -W -f '${Version}' libcrypt1 2>/dev/null").read() or "?") + ")"
ARGON2 = "argon2 CLI (Debian argon2 " + (__import__("os").popen("dpkg-query -W -f '${Version}' argon2 2>/dev/null").read() or "?") + ")"
PASSLIB = f"passlib {passlib.__version__}"


def generate():
    d = "hashes"
    lines = {}
    for method, salt, extra in [("yescrypt", None, []), ("gost-yescrypt", None, []), ("scrypt", None, []),
                                ("bcrypt", None, ["-R", "10"]), ("bcrypt-a", None, ["-R", "8"]), ("sha512crypt", "fxcorpus512salt", []),
                                ("sha512crypt", "fxcorpusrounds", ["-R", "100000"]),
                                ("sha256crypt", "fxcorpus256salt", []), ("md5crypt", "fxcorpus", []), ("descrypt", "fx", []),
                                ("bsdicrypt", None, []), ("sunmd5", None, [])]:
        argv = ["mkpasswd", "-m", method, *extra]
        if salt:
            argv += ["-S", salt]
        h = run(argv + [PW]).decode().strip()
        tag = method + ("-rounds" if "-R" in extra and method.startswith("sha") else "")
        lines[tag] = h
        emit("hash", f"{d}/mkpasswd-{tag}.txt", h + "\n", f"{MKPASSWD}: mkpasswd -m {method} {' '.join(extra)}", scheme=method)
    for flag, salt in [("-1", "fxossl1"), ("-5", "fxcorpus5"), ("-6", "fxcorpus6"), ("-apr1", "fxcorpus")]:
        h = run(["openssl", "passwd", flag, "-salt", salt, PW]).decode().strip()
        emit("hash", f"{d}/openssl-passwd{flag}.txt", h + "\n", f"{OPENSSL}: openssl passwd {flag} -salt {salt}",
             scheme={"-1": "md5crypt", "-5": "sha256crypt", "-6": "sha512crypt", "-apr1": "apr1"}[flag])
    for variant, args in [("argon2id", ["-id", "-t", "3", "-m", "16", "-p", "4"]), ("argon2i", ["-i", "-t", "4", "-m", "12", "-p", "1"]),
                          ("argon2d", ["-d", "-t", "2", "-m", "14", "-p", "2"])]:
        h = run(["argon2", "fxcorpussaltvalue", *args, "-e"], input=PW.encode()).decode().strip()
        emit("hash", f"{d}/argon2-{variant}.txt", h + "\n", f"{ARGON2}: argon2 <salt> {' '.join(args)} -e", scheme=variant)
    salt16 = b"fx-corpus-salt16"
    for name, h in [
        ("pbkdf2_sha256", ph.pbkdf2_sha256.using(salt=salt16, rounds=29000).hash(PW)),
        ("pbkdf2_sha512", ph.pbkdf2_sha512.using(salt=salt16, rounds=25000).hash(PW)),
        ("pbkdf2_sha1", ph.pbkdf2_sha1.using(salt=salt16, rounds=131000).hash(PW)),
        ("django_pbkdf2_sha256", ph.django_pbkdf2_sha256.using(salt="fxcorpussalt", rounds=600000).hash(PW)),
        ("ldap_salted_sha1", ph.ldap_salted_sha1.using(salt=b"fxsalt").hash(PW)),
        ("ldap_sha1", ph.ldap_sha1.hash(PW)),
        ("ldap_salted_sha512", ph.ldap_salted_sha512.using(salt=b"fxcorpussalt1234").hash(PW)),
        ("atlassian_pbkdf2_sha1", ph.atlassian_pbkdf2_sha1.using(salt=salt16).hash(PW)),
        ("phpass", ph.phpass.using(salt="fxcorpus", rounds=17).hash(PW)),
        ("mysql41", ph.mysql41.hash(PW)),
        ("scrypt", ph.scrypt.using(salt=salt16, rounds=14).hash(PW)),
        ("grub_pbkdf2_sha512", ph.grub_pbkdf2_sha512.using(salt=salt16, rounds=10000).hash(PW)),
    ]:
        emit("hash", f"{d}/passlib-{name}.txt", h + "\n", f"{PASSLIB}: passlib.hash.{name} (fixed salt)", scheme=name)
    shadow = "".join(f"user{i}:{h}:19723:0:99999:7:::\n" for i, h in
                     enumerate([lines["yescrypt"], lines["sha512crypt"], lines["bcrypt"], lines["md5crypt"]]))
    shadow = "root:*:19723:0:99999:7:::\ndaemon:!:19723:0:99999:7:::\n" + shadow
    emit("hash", f"{d}/shadow", shadow, f"{MKPASSWD}: mkpasswd hashes as /etc/shadow lines (two locked accounts)", scheme="shadow")
    ht = "".join(f"user{i}:{h}\n" for i, h in enumerate([run(["openssl", "passwd", "-apr1", "-salt", f"ht{i}", PW]).decode().strip()
                                                          for i in range(3)]))
    emit("hash", f"{d}/htpasswd", ht, f"{OPENSSL}: openssl passwd -apr1, as htpasswd lines", scheme="apr1")
