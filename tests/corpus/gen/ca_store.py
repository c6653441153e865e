"""A Linux CA store: every root of Debian's `ca-certificates` package
(/usr/share/ca-certificates/mozilla/*.crt, Mozilla's root program as Debian
ships it). Copied as they are; the package and its version are recorded."""

import os
import subprocess

from common import emit

SRC = "/usr/share/ca-certificates/mozilla"


def generate():
    ver = subprocess.run(["dpkg-query", "-W", "-f", "${Version}", "ca-certificates"], capture_output=True, text=True).stdout
    if not ver or not os.path.isdir(SRC):
        raise SystemExit("ca_store: install Debian's ca-certificates package first")
    for name in sorted(os.listdir(SRC)):
        if not name.endswith(".crt"):
            continue
        with open(os.path.join(SRC, name), "rb") as f:
            data = f.read()
        # file names of the package keep spaces and non-ASCII; the copy's name
        # is made portable (the original is in made_by)
        safe = "".join(c if (c.isascii() and c.isalnum()) or c in "-_." else "_" for c in name)
        emit("ca_store", f"ca-store/{safe}", data, f"Debian ca-certificates {ver}: {SRC}/{name}")
