"""Helpers shared by the corpus generator: where files go, the manifest
record of how each was made, and running the third-party tools.

Nothing here decides a truth value; truth.py does that from the files with
the oracles (pyca/cryptography, asn1crypto, openssl, ssh-keygen, readelf, …).
"""

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.dirname(HERE)
FILES = os.path.join(CORPUS, "files")
MANIFEST = os.path.join(CORPUS, "manifest.jsonl")

# One throwaway password for everything encrypted in the corpus.
PASSWORD = "corpus-password"

_records = []
_work = None
_group = None


def set_group(name):
    """The generator group the next records belong to (a --only unit)."""
    global _group
    _group = name


def work():
    """A scratch directory for tool runs (removed at exit by main)."""
    global _work
    if _work is None:
        _work = tempfile.mkdtemp(prefix="fx-corpus-")
    return _work


def cleanup():
    if _work is not None:
        shutil.rmtree(_work, ignore_errors=True)


def wpath(name):
    return os.path.join(work(), name)


def run(argv, input=None, cwd=None, check=True, env=None):
    """Runs a tool; returns stdout bytes. Fails loudly: the corpus must not
    silently lose a file."""
    e = dict(os.environ)
    e.update({"LC_ALL": "C", "TZ": "UTC"})
    if env:
        e.update(env)
    p = subprocess.run(argv, input=input, cwd=cwd or work(), capture_output=True, env=e)
    if check and p.returncode != 0:
        sys.stderr.write(f"command failed ({p.returncode}): {' '.join(argv)}\n{p.stderr.decode(errors='replace')}\n")
        raise SystemExit(1)
    return p.stdout


def sh(cmd, check=True):
    """Runs a shell command line in the scratch directory; returns stdout bytes."""
    return run(["bash", "-c", "set -euo pipefail; " + cmd], check=check)


def read(name):
    with open(wpath(name), "rb") as f:
        return f.read()


def tool_version(argv):
    try:
        out = subprocess.run(argv, capture_output=True).stdout + subprocess.run(argv, capture_output=True).stderr
        return out.decode(errors="replace").strip().splitlines()[0]
    except (OSError, IndexError):
        return "?"


def emit(family, rel, data, made_by, **intent):
    """Writes files/<rel> and records how it was made. `intent` holds what
    the generator knows by construction (a defect it introduced, the
    parameter set a raw key was made for, the Wycheproof flags); truth.py
    decides which of it it may use and confirms it with an oracle."""
    path = os.path.join(FILES, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(path, "wb") as f:
        f.write(data)
    rec = {"path": rel, "family": family, "group": _group, "made_by": made_by}
    if intent:
        rec["intent"] = intent
    _records.append(rec)
    return path


def external(family, path, made_by, **intent):
    """A file that is referenced, not committed (an installed ELF binary)."""
    rec = {"path": path, "family": family, "group": _group, "made_by": made_by, "external": True}
    if intent:
        rec["intent"] = intent
    _records.append(rec)


def old_records():
    if not os.path.exists(MANIFEST):
        return []
    with open(MANIFEST) as f:
        return [json.loads(l) for l in f if l.strip()]


def clear_group(group):
    """Removes the committed files an earlier run of `group` made."""
    for r in old_records():
        if r["group"] == group and not r.get("external"):
            p = os.path.join(FILES, r["path"])
            if os.path.exists(p):
                os.remove(p)


def write_manifest(groups):
    """Rewrites the manifest: records of the groups just generated replace
    the old ones, the others are kept."""
    old = old_records()
    keep = [r for r in old if r["group"] not in groups]
    recs = keep + _records
    recs.sort(key=lambda r: (r["group"], r["path"]))
    with open(MANIFEST, "w") as f:
        for r in recs:
            f.write(json.dumps(r, sort_keys=True) + "\n")


def det_bytes(label, n):
    """Deterministic bytes for seeds and keys where a library takes them
    (Ed25519/X25519/Ed448/X448 private keys, EC scalars, ML-KEM/ML-DSA
    seeds): SHA-256 in counter mode over a label."""
    out = b""
    i = 0
    while len(out) < n:
        out += hashlib.sha256(f"fx-corpus:{label}:{i}".encode()).digest()
        i += 1
    return out[:n]


def records():
    return _records
