"""truth.py (the corpus's independent oracles) plus the held-out kinds it does
not know: base64/hex-wrapped DER, mixed PEM bundles, passlib/htpasswd/mkpasswd
hashes of other schemes. Never uses fx."""

import base64
import crypt as _crypt
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import truth  # noqa: E402
from truth import FILES, Skip, pem_blocks, with_pqc  # noqa: E402
from cryptography import x509  # noqa: E402
from cryptography.hazmat.primitives import serialization as S  # noqa: E402
from passlib import hash as ph  # noqa: E402

PW = "correct horse battery staple"
_orig = truth.truth_for
HASH = dict(labels=["hash_kdf_material"], container="password_hash", pqc=False)


def hashed(t, mode):
    t = dict(t)
    if mode is not None:
        t["hashcat_mode"] = mode
    return t


def truth_for(rec):
    fam = rec["family"]
    i = rec.get("intent", {})
    path = os.path.join(FILES, rec["path"]) if not rec.get("external") else rec["path"]
    if fam == "wrapped":
        data = open(path, "rb").read().strip()
        der = base64.b64decode(data, validate=True) if i["wrap"] == "base64" else bytes.fromhex(data.decode())
        t, how = truth.cert_truth(der)
        keep = {k: t[k] for k in ("algorithm", "key_bits", "curve") if k in t}
        keep["pqc"] = False
        return keep, f"{i['wrap']} decoded; " + how
    if fam == "mixed_bundle":
        data = open(path, "rb").read()
        blocks = pem_blocks(data)
        if len(blocks) != i["members"]:
            raise Skip("member count")
        for label, der, _ in blocks:
            if label == "CERTIFICATE":
                x509.load_der_x509_certificate(der)
            else:
                S.load_der_private_key(der, None) if label == "PRIVATE KEY" else S.load_pem_private_key(
                    f"-----BEGIN {label}-----\n".encode() + base64.encodebytes(der) + f"-----END {label}-----\n".encode(), None)
        return (dict(labels=["certificate", "key_material"], container="pem_bundle", encoding="pem", pqc=False, failures=[]),
                "pyca loads every PEM member (key and certificates)")
    if fam == "hash" and ("scheme_passlib" in i or "scheme_crypt" in i or "htpasswd" in i or "scheme_argon2" in i):
        h = open(path).read().strip()
        if "scheme_passlib" in i:
            n = i["scheme_passlib"]
            cls = getattr(ph, {"bcrypt_2y": "bcrypt", "phpass_h": "phpass"}.get(n, n))
            ok = cls.verify(PW, h, user="alice") if n == "postgres_md5" else cls.verify(PW, h)
            how = f"passlib {n}.verify"
        elif "scheme_crypt" in i:
            ok = _crypt.crypt(PW, h) == h
            how = "libxcrypt crypt(3) verifies"
        elif "scheme_argon2" in i:
            ok = ph.argon2.verify(PW, h)
            how = "passlib argon2.verify"
        else:
            user, _, hh = h.partition(":")
            from passlib.apache import HtpasswdFile
            ht = HtpasswdFile.from_string(h + "\n")
            ok = ht.check_password(user, PW)
            how = "passlib.apache HtpasswdFile.check_password"
        if not ok:
            raise Skip("oracle does not verify")
        return hashed(HASH, i.get("hashcat")), how + "; hashcat mode from hashcat's mode list"
    return _orig(rec)


def main():
    import json
    recs = [json.loads(l) for l in open(truth.MANIFEST) if l.strip()]
    out, dropped = [], []
    for rec in recs:
        try:
            t, how = truth_for(rec)
        except SystemExit:
            raise
        except Exception as e:  # an oracle that cannot decide: the file is left out, never guessed
            dropped.append(rec["path"])
            print(f"heldout truth: {rec['path']}: left out ({type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''})", file=sys.stderr)
            continue
        if rec.get("intent", {}).get("ber"):
            t["encoding"] = "ber"
        row = {"path": rec["path"], "family": rec["family"], "made_by": rec["made_by"], "oracle": how, "expect": t}
        out.append(row)
    out.sort(key=lambda r: (r["family"], r["path"]))
    with open(truth.TRUTH, "w") as f:
        for r in out:
            f.write(json.dumps(r, sort_keys=True, ensure_ascii=False) + "\n")
    print(f"heldout truth: {len(out)} files, {len(dropped)} left out", file=sys.stderr)


truth.truth_for = truth_for
main()
