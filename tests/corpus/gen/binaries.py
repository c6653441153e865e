"""ELF files installed by Debian packages, referenced (not committed: they are
megabytes, and they are Debian's): programs and libraries with and without
crypto libraries. Truth comes from elf_truth.py (readelf, dpkg, go version -m).
A path missing on the machine that scores is reported and skipped."""

import hashlib
import os

from common import external

# path, the Debian package that installs it (for setup.sh)
BINARIES = [
    # consumers of a crypto library (dynamic) or static copies
    ("/usr/bin/openssl", "openssl"),
    ("/usr/bin/ssh", "openssh-client"),
    ("/usr/bin/ssh-keygen", "openssh-client"),
    ("/usr/bin/ssh-agent", "openssh-client"),
    ("/usr/bin/certtool", "gnutls-bin"),
    ("/usr/bin/gnutls-cli", "gnutls-bin"),
    ("/usr/bin/wget", "wget"),
    ("/usr/bin/gpg", "gpg"),
    ("/usr/bin/gpgv", "gpgv"),
    ("/usr/bin/gpg-agent", "gpg-agent"),
    ("/usr/bin/dirmngr", "dirmngr"),
    ("/usr/bin/sq", "sq"),
    ("/usr/bin/dropbearkey", "dropbear-bin"),
    ("/usr/sbin/dropbear", "dropbear-bin"),
    ("/usr/bin/age", "age"),
    ("/usr/bin/tldr", "tealdeer"),
    ("/usr/bin/puttygen", "putty-tools"),
    # the libraries themselves
    ("/usr/lib/x86_64-linux-gnu/libcrypto.so.3", "libssl3"),
    ("/usr/lib/x86_64-linux-gnu/libssl.so.3", "libssl3"),
    ("/usr/lib/x86_64-linux-gnu/libgnutls.so.30", "libgnutls30"),
    ("/usr/lib/x86_64-linux-gnu/libgnutls-openssl.so.27", "libgnutls-openssl27"),
    ("/usr/lib/x86_64-linux-gnu/libnettle.so.8", "libnettle8"),
    ("/usr/lib/x86_64-linux-gnu/libhogweed.so.6", "libhogweed6"),
    ("/usr/lib/x86_64-linux-gnu/libgcrypt.so.20", "libgcrypt20"),
    ("/usr/lib/x86_64-linux-gnu/libsodium.so.23", "libsodium23"),
    ("/usr/lib/x86_64-linux-gnu/libnss3.so", "libnss3"),
    ("/usr/lib/x86_64-linux-gnu/libmbedcrypto.so.7", "libmbedcrypto7"),
    ("/usr/lib/x86_64-linux-gnu/libmbedtls.so.14", "libmbedtls14"),
    ("/usr/lib/x86_64-linux-gnu/libwolfssl.so.35", "libwolfssl35"),
    ("/usr/lib/x86_64-linux-gnu/libbotan-2.so.19", "libbotan-2-19"),
    ("/usr/lib/x86_64-linux-gnu/libcrypto++.so.8", "libcrypto++8"),
    ("/usr/lib/x86_64-linux-gnu/libtomcrypt.so.1", "libtomcrypt1"),
    ("/usr/lib/x86_64-linux-gnu/libssh2.so.1", "libssh2-1"),
    ("/usr/lib/x86_64-linux-gnu/libcrypt.so.1", "libcrypt1"),
    ("/usr/lib/x86_64-linux-gnu/libargon2.so.1", "libargon2-1"),
    # no crypto library
    ("/usr/bin/ls", "coreutils"),
    ("/usr/bin/sha256sum", "coreutils"),
    ("/usr/bin/gzip", "gzip"),
    ("/usr/bin/xz", "xz-utils"),
    ("/usr/bin/zstd", "zstd"),
    ("/usr/bin/file", "file"),
    ("/usr/bin/grep", "grep"),
    ("/usr/bin/tar", "tar"),
]


def generate():
    for path, pkg in BINARIES:
        real = os.path.realpath(path)
        if not os.path.exists(real):
            raise SystemExit(f"binaries: {path} missing: apt-get install {pkg}")
        with open(real, "rb") as f:
            digest = hashlib.sha256(f.read()).hexdigest()
        external("binary", real, f"Debian package {pkg}: {path}", package=pkg, sha256=digest)
