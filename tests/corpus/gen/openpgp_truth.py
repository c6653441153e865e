"""Truth for the `openpgp` family: what `gpg --list-packets` (GnuPG's
packet dumper, run with an empty keyring so it decrypts nothing) says a
file holds. The public-key algorithm ids and curve OIDs gpg prints are
named after RFC 9580 §9.1/§9.2 in fx's §9 vocabulary; EdDSALegacy (22)
names a scheme without its curve, so a signature made with it names no
algorithm (the signature packet does not carry the curve)."""

import os
import re
import subprocess
import tempfile

# RFC 9580 §9.1 public-key algorithm ids → §9 names (keys: with bits or curve)
RSA_DSA_ELG = {1: "RSA", 2: "RSA", 3: "RSA", 16: "ElGamal", 17: "DSA"}
NATIVE = {25: "X25519", 26: "X448", 27: "Ed25519", 28: "Ed448"}
# RFC 9580 §9.2 curve OIDs (and secp256k1) → §9 curve names
EC_CURVES = {"1.2.840.10045.3.1.7": "P-256", "1.3.132.0.34": "P-384", "1.3.132.0.35": "P-521",
             "1.3.132.0.10": "secp256k1", "1.3.36.3.3.2.8.1.1.7": "brainpoolP256r1",
             "1.3.36.3.3.2.8.1.1.11": "brainpoolP384r1", "1.3.36.3.3.2.8.1.1.13": "brainpoolP512r1"}
ED25519_LEGACY = "1.3.6.1.4.1.11591.15.1"
CURVE25519_LEGACY = "1.3.6.1.4.1.3029.1.5.1"
SIG_BEGIN = b"-----BEGIN PGP SIGNATURE-----"


def gpg_version():
    out = subprocess.run(["gpg", "--version"], capture_output=True).stdout.decode()
    return out.splitlines()[0] if out else "gpg ?"


def list_packets(data):
    """gpg --list-packets over `data`: [(tag, [lines])]."""
    with tempfile.TemporaryDirectory() as home:
        p = subprocess.run(["gpg", "--homedir", home, "--batch", "--list-packets"], input=data,
                           capture_output=True, env=dict(os.environ, LC_ALL="C"))
    packets = []
    for line in p.stdout.decode(errors="replace").splitlines():
        m = re.match(r"# off=\d+ ctb=[0-9a-f]+ tag=(\d+) ", line)
        if m:
            packets.append((int(m.group(1)), []))
        elif packets:
            packets[-1][1].append(line.strip())
    return packets


def key_fields(lines):
    """§9 fields of a key packet from its dump lines."""
    algo = int(re.search(r"version \d+, algo (\d+)", "\n".join(lines)).group(1))
    pkey0 = next(l for l in lines if l.startswith("pkey[0]:"))
    if algo in RSA_DSA_ELG:
        return dict(algorithm=RSA_DSA_ELG[algo], key_bits=int(re.search(r"\[(\d+) bits\]", pkey0).group(1)))
    if algo in NATIVE:
        return dict(algorithm=NATIVE[algo])
    oid = re.search(r"\(([\d.]+)\)", pkey0).group(1)
    if algo in (18, 19) and oid in EC_CURVES:
        return dict(algorithm="EC", curve=EC_CURVES[oid])
    if algo == 18 and oid == CURVE25519_LEGACY:
        return dict(algorithm="X25519")
    if algo == 22 and oid == ED25519_LEGACY:
        return dict(algorithm="Ed25519")
    raise ValueError(f"gpg says algo {algo} curve {oid}: no §9 name")


def signature_fields(lines):
    algo = int(re.search(r"algo (\d+)", lines[0]).group(1))
    name = RSA_DSA_ELG.get(algo) or NATIVE.get(algo) or ("EC" if algo == 19 else None)
    return dict(algorithm=name) if name else {}


def truth(data):
    """(expect, oracle text) for one OpenPGP file."""
    how = f"{gpg_version()} --list-packets"
    if data.startswith(b"-----BEGIN PGP SIGNED MESSAGE-----"):
        data = data[data.index(SIG_BEGIN):]
        how += " of the signature block"
    packets = list_packets(data)
    if not packets:
        raise ValueError("gpg lists no packet")
    t = dict(container="openpgp", pqc=False, failures=[])
    tag, lines = packets[0]
    if tag in (5, 6):
        t.update(key_fields(lines))
        t["labels"] = ["key_material"]
        secret = [l for tg, l in packets if tg in (5, 7)]
        if any(any("protected" in x for x in l) for l in secret):
            t["failures"] = ["encrypted"]
        return t, how + (f": {len(secret)} secret key packet(s)" if secret else ": public key")
    if tag == 2:
        t.update(signature_fields(lines))
        t["labels"] = ["signature_blob"]
        return t, how + ": " + lines[0]
    if tag in (4, 8, 11):
        sigs = [l for tg, l in packets if tg == 2]
        if sigs:
            t.update(signature_fields(sigs[0]))
            t["labels"] = ["signature_blob"]
            return t, how + ": signed message, " + sigs[0][0]
        if tag == 8:
            t["labels"] = ["compressed"]
            return t, how + ": compressed data without a signature"
    if tag in (1, 3):
        t["labels"] = ["symmetric_ciphertext"]
        t["failures"] = ["encrypted"]
        return t, how + ": " + lines[0]
    raise ValueError(f"first packet tag {tag}: no truth rule")
