"""Truth for the crypto libraries in an installed ELF file, from oracles that
are not fx (stdlib only, so pipelines/bench/accuracy.py can recompute it on
a machine whose packages differ from the generator's):

- `readelf -d`: the NEEDED libraries (dynamic linking) and the file's own
  SONAME (the file is that library);
- `dpkg -S` and `dpkg-query -W -f '${Built-Using}'` / `${X-Cargo-Built-Using}`:
  what Debian says was compiled in statically (Go and Rust packages);
- `go version -m` (when Go is installed): confirms a Go binary.

Only direct NEEDED entries count (what the file itself links); a library
pulled in through another one (curl → libcurl → libssl) is that library's
business, so binaries where the two differ are not used.
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
]
# Debian source packages compiled into Go/Rust binaries → library names
STATIC = [
    (r"^golang-go\.crypto$|^golang-golang-x-crypto", "go-crypto"),
    (r"^rust-ring$", "ring"),
    (r"^rust-rustls$", "rustls"),
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
    for p in (path, os.path.realpath(path)):
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
