"""OpenPGP keys, signatures and messages made by GnuPG and Sequoia `sq`:
public and secret keys (secret keys in the clear and passphrase-protected),
detached signatures (armored and binary, several hashes), a cleartext-signed
message, messages encrypted to a key and with a passphrase.

Truth comes from `gpg --list-packets` (truth.py), run on the files in an
empty keyring so it can decrypt nothing."""

import os

from common import PASSWORD, emit, read, run, tool_version, wpath

GPG = tool_version(["gpg", "--version"])
SQ = tool_version(["sq", "--version"])

# (name, primary algorithm, encryption subkey or None), as gpg --quick-gen-key spells them
GPG_KEYS = [
    ("rsa3072", "rsa3072", "rsa3072"),
    ("rsa4096", "rsa4096", None),
    ("dsa2048-elg", "dsa2048", "elg2048"),
    ("ed25519-cv25519", "ed25519", "cv25519"),
    ("nistp256", "nistp256", "nistp256"),
    ("nistp384", "nistp384", "nistp384"),
    ("nistp521", "nistp521", None),
    ("brainpoolP256r1", "brainpoolP256r1", "brainpoolP256r1"),
    ("brainpoolP384r1", "brainpoolP384r1", None),
    ("brainpoolP512r1", "brainpoolP512r1", None),
    ("secp256k1", "secp256k1", None),
]
# keys made with the corpus passphrase (their secret keys export encrypted)
PROTECTED = [("rsa3072-protected", "rsa3072", "rsa3072"), ("ed25519-protected", "ed25519", "cv25519")]
MESSAGE = b"fx corpus: a message to sign and encrypt.\n"


def gpg(home, *args, input=None, passphrase=""):
    return run(["gpg", "--homedir", home, "--batch", "--pinentry-mode", "loopback", "--passphrase", passphrase,
                "--no-emit-version", *args], input=input)


def fpr(home, uid):
    out = run(["gpg", "--homedir", home, "--batch", "--with-colons", "--list-keys", uid]).decode()
    return next(l.split(":")[9] for l in out.splitlines() if l.startswith("fpr:"))


def gpg_files():
    home = wpath("gnupg")
    os.makedirs(home, mode=0o700, exist_ok=True)
    d = "openpgp/gpg"
    with open(wpath("message.txt"), "wb") as f:
        f.write(MESSAGE)
    for name, prim, sub in GPG_KEYS + PROTECTED:
        pw = PASSWORD if name.endswith("-protected") else ""
        uid = f"corpus-{name}@example.org"
        gpg(home, "--quick-gen-key", f"fx corpus <{uid}>", prim, "sign", "never", passphrase=pw)
        made = f"{GPG}: gpg --quick-gen-key {prim} sign"
        if sub:
            gpg(home, "--quick-add-key", fpr(home, uid), sub, "encr", "never", passphrase=pw)
            made += f"; gpg --quick-add-key {sub} encr"
        if not pw:
            emit("openpgp", f"{d}/{name}.pub.asc", gpg(home, "--armor", "--export", uid), made + "; gpg --armor --export")
            emit("openpgp", f"{d}/{name}.pub.gpg", gpg(home, "--export", uid), made + "; gpg --export")
        sec_made = made + (f"; passphrase {PASSWORD}" if pw else "; no passphrase")
        emit("openpgp", f"{d}/{name}.sec.asc", gpg(home, "--armor", "--export-secret-keys", uid, passphrase=pw),
             sec_made + "; gpg --armor --export-secret-keys")
        if name in ("rsa3072", "ed25519-protected"):
            emit("openpgp", f"{d}/{name}.sec.gpg", gpg(home, "--export-secret-keys", uid, passphrase=pw),
                 sec_made + "; gpg --export-secret-keys")
    # detached signatures: armored and binary, several hashes
    for name, hashes in [("rsa3072", ["SHA1", "SHA256", "SHA512"]), ("dsa2048-elg", ["SHA256"]),
                         ("ed25519-cv25519", ["SHA256", "SHA512"]), ("nistp384", ["SHA384"]),
                         ("brainpoolP256r1", ["SHA256"]), ("secp256k1", ["SHA256"])]:
        uid = f"corpus-{name}@example.org"
        for h in hashes:
            base = f"{d}/sig/{name}.{h.lower()}"
            emit("openpgp", f"{base}.sig.asc", gpg(home, "-u", uid, "--digest-algo", h, "--armor", "--detach-sign",
                                                     "-o", "-", wpath("message.txt")),
                 f"{GPG}: gpg -u KEY({name}) --digest-algo {h} --armor --detach-sign")
            emit("openpgp", f"{base}.sig", gpg(home, "-u", uid, "--digest-algo", h, "--detach-sign", "-o", "-",
                                                 wpath("message.txt")),
                 f"{GPG}: gpg -u KEY({name}) --digest-algo {h} --detach-sign")
    for name in ("rsa3072", "ed25519-cv25519"):
        uid = f"corpus-{name}@example.org"
        emit("openpgp", f"{d}/msg/{name}.clearsigned.asc",
             gpg(home, "-u", uid, "--clearsign", "-o", "-", wpath("message.txt")),
             f"{GPG}: gpg -u KEY({name}) --clearsign")
    signed_messages(home)
    for name in ("rsa3072", "ed25519-cv25519", "nistp256", "dsa2048-elg"):
        uid = f"corpus-{name}@example.org"
        emit("openpgp", f"{d}/msg/{name}.encrypted.asc",
             gpg(home, "--trust-model", "always", "-r", uid, "--armor", "--encrypt", "-o", "-", wpath("message.txt")),
             f"{GPG}: gpg -r KEY({name}) --armor --encrypt")
        emit("openpgp", f"{d}/msg/{name}.encrypted.gpg",
             gpg(home, "--trust-model", "always", "-r", uid, "--encrypt", "-o", "-", wpath("message.txt")),
             f"{GPG}: gpg -r KEY({name}) --encrypt")
    for cipher in ("AES256", "AES128"):
        emit("openpgp", f"{d}/msg/symmetric-{cipher.lower()}.asc",
             gpg(home, "--symmetric", "--cipher-algo", cipher, "--armor", "-o", "-", wpath("message.txt"),
                 passphrase=PASSWORD),
             f"{GPG}: gpg --symmetric --cipher-algo {cipher} --armor; passphrase {PASSWORD}")
    emit("openpgp", f"{d}/msg/symmetric-aes256.gpg",
         gpg(home, "--symmetric", "--cipher-algo", "AES256", "-o", "-", wpath("message.txt"), passphrase=PASSWORD),
         f"{GPG}: gpg --symmetric --cipher-algo AES256; passphrase {PASSWORD}")


def signed_messages(home):
    """Signed (not detached) messages: compressed with ZIP and ZLIB, and
    uncompressed (one-pass signature, literal data, signature)."""
    d = "openpgp/gpg/msg"
    for name, args, tag in [("rsa3072", [], "signed"), ("rsa3072", ["--compress-algo", "zlib"], "signed-zlib"),
                            ("nistp256", ["-z", "0"], "signed-uncompressed")]:
        uid = f"corpus-{name}@example.org"
        for armor in (False, True):
            ext = "asc" if armor else "gpg"
            emit("openpgp", f"{d}/{name}.{tag}.{ext}",
                 gpg(home, "-u", uid, *args, *(["--armor"] if armor else []), "--sign", "-o", "-", wpath("message.txt")),
                 f"{GPG}: gpg -u KEY({name}) {' '.join(args + (['--armor'] if armor else []))} --sign".replace("  ", " "))


def sq_files():
    d = "openpgp/sq"
    for suite in ("rsa3k", "rsa4k", "cv25519"):
        key = wpath(f"sq-{suite}.pgp")
        run(["sq", "key", "generate", "--userid", f"<corpus-sq-{suite}@example.org>", "--cipher-suite", suite,
             "--export", key])
        made = f"{SQ}: sq key generate --cipher-suite {suite}"
        emit("openpgp", f"{d}/{suite}.key.asc", read(key), made)
        cert = run(["sq", "key", "extract-cert", key])
        emit("openpgp", f"{d}/{suite}.cert.asc", cert, made + "; sq key extract-cert")
        with open(wpath(f"sq-{suite}.cert"), "wb") as f:
            f.write(cert)
        emit("openpgp", f"{d}/{suite}.sig.asc",
             run(["sq", "sign", "--detached", "--signer-key", key, wpath("message.txt")]),
             made + "; sq sign --detached")
        emit("openpgp", f"{d}/{suite}.sig",
             run(["sq", "sign", "--detached", "--binary", "--signer-key", key, wpath("message.txt")]),
             made + "; sq sign --detached --binary")
        emit("openpgp", f"{d}/{suite}.encrypted.pgp",
             run(["sq", "encrypt", "--binary", "--recipient-cert", wpath(f"sq-{suite}.cert"), wpath("message.txt")]),
             made + "; sq encrypt --binary --recipient-cert")
    emit("openpgp", f"{d}/signed.pgp",
         run(["sq", "sign", "--binary", "--signer-key", wpath("sq-rsa3k.pgp"), wpath("message.txt")]),
         f"{SQ}: sq sign --binary (rsa3k key)")
    emit("openpgp", f"{d}/cleartext.asc",
         run(["sq", "sign", "--cleartext-signature", "--signer-key", wpath("sq-cv25519.pgp"), wpath("message.txt")]),
         f"{SQ}: sq sign --cleartext-signature (cv25519 key)")


def generate():
    gpg_files()
    sq_files()
