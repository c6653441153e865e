"""Truth for the crypto libraries in an installed ELF file, from oracles that
are not fx (stdlib only, so pipelines/bench/accuracy.py can recompute it on
a machine whose packages differ from the generator's):

- `readelf -d`: the NEEDED libraries (dynamic linking) and the file's own
  SONAME (the file is that library);
- `dpkg -S` and `dpkg-query -W -f '${Built-Using}'` / `${X-Cargo-Built-Using}`:
  what Debian says was compiled in statically (Go and Rust packages);
- `go version -m` (when Go is installed): confirms a Go binary.

A library is expected when the file IS it (SONAME, or a package whose source
is a crypto implementation: PuTTY), LINKS it directly (NEEDED; a library
pulled in through another one is that library's business), or CARRIES a
compiled-in copy (Built-Using / X-Cargo-Built-Using). Names are those of
fx's library table (docs/fx-fingerprint.md), which also counts password
hashing (libxcrypt, libargon2), SSH (libssh2), Kerberos (k5crypto), APR's
crypto (apr-util), PuTTY's own code and SHA-1 collision detection (sha1dc).
"""

import os
import re
import shutil
import subprocess

SONAMES = [
    (r"^lib(crypto|ssl)\.so\.", "openssl"),
    (r"^libgnutls(-openssl|-dane|xx)?\.so\.", "gnutls"),
    (r"^lib(nettle|hogweed)\.so\.", "nettle"),
    (r"^libgcrypt\.so\.", "libgcrypt"),
    (r"^lib(nss3|smime3|ssl3|freebl3|softokn3)\.so", "nss"),
    (r"^libsodium\.so\.", "libsodium"),
    (r"^libmbed(crypto|tls|x509)\.so\.", "mbedtls"),
    (r"^libwolfssl\.so\.", "wolfssl"),
    (r"^libbotan-\d\.so\.", "botan"),
    (r"^lib(crypto\+\+|cryptopp)\.so\.", "cryptopp"),
    (r"^liboqs\.so\.", "liboqs"),
    (r"^libtomcrypt\.so\.", "libtomcrypt"),
    (r"^libcrypt\.so\.", "libxcrypt"),
    (r"^libargon2\.so\.", "libargon2"),
    (r"^libssh2\.so\.", "libssh2"),
    (r"^libk5crypto\.so\.", "k5crypto"),
    (r"^libaprutil-1\.so\.", "apr-util"),
]
# Debian source packages whose binaries carry their own crypto implementation
SELF_SOURCE = {"putty": "putty"}
# Debian source packages compiled into Go/Rust binaries → library names
STATIC = [
    (r"^golang-go\.crypto$|^golang-golang-x-crypto", "go-crypto"),
    (r"^rust-ring$", "ring"),
    (r"^rust-rustls$", "rustls"),
    (r"^rust-sha1collisiondetection$", "sha1dc"),
    (r"^rust-(sha2|sha1|aes|aes-gcm|chacha20poly1305|chacha20|ed25519-dalek|x25519-dalek|p256|p384|hmac|blake2)$", "rustcrypto"),
]


def lib_name(soname):
    for rx, name in SONAMES:
        if re.match(rx, soname):
            return name
    return None


def readelf(path):
    out = subprocess.run(["readelf", "-d", "-W", path], capture_output=True, text=True).stdout
    needed = re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", out)
    soname = re.findall(r"\(SONAME\)\s+Library soname: \[([^\]]+)\]", out)
    return needed, soname[0] if soname else None


def dpkg_package(path):
    for p in (path, os.path.realpath(path), re.sub(r"^/usr/(s?bin)/", r"/\1/", path)):
        out = subprocess.run(["dpkg", "-S", p], capture_output=True, text=True).stdout
        if out:
            return out.split(":")[0].strip()
    return None


def dpkg_field(pkg, field):
    return subprocess.run(["dpkg-query", "-W", "-f", "${" + field + "}", pkg], capture_output=True, text=True).stdout


def truth(path):
    """(libraries sorted, oracle description) for an installed ELF file."""
    needed, soname = readelf(path)
    libs, how = set(), []
    for n in needed:
        name = lib_name(n)
        if name:
            libs.add(name)
            how.append(f"NEEDED {n}")
    if soname and lib_name(soname):
        libs.add(lib_name(soname))
        how.append(f"SONAME {soname}")
    pkg = dpkg_package(path)
    if pkg:
        ver = dpkg_field(pkg, "Version")
        how.append(f"dpkg -S: {pkg} {ver}")
        src = dpkg_field(pkg, "source:Package")
        if src in SELF_SOURCE:
            libs.add(SELF_SOURCE[src])
            how.append(f"source package {src} (its own crypto)")
        for field in ("Built-Using", "X-Cargo-Built-Using", "Static-Built-Using"):
            for dep in dpkg_field(pkg, field).split(","):
                src = dep.strip().split(" ")[0]
                for rx, name in STATIC:
                    if src and re.match(rx, src):
                        libs.add(name)
                        how.append(f"{field}: {src}")
    if shutil.which("go"):
        gv = subprocess.run(["go", "version", "-m", path], capture_output=True, text=True).stdout
        if gv.strip():
            how.append("go version -m: " + gv.splitlines()[0].split(": ")[-1])
    return sorted(libs), "readelf -d; " + "; ".join(how)
