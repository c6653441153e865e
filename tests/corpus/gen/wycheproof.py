"""Files extracted from Wycheproof's test vectors (C2SP/wycheproof at commit
dac1dd4, Apache-2.0; the selection in ../shared/conformance/wycheproof/).
Each file is one vector's key or signature written as it is in the JSON
(hex → bytes, PEM as text); its tcId, flags and comment are recorded. The
flag/comment → failure shape table (WYCHEPROOF_SHAPES) is documented in
docs/accuracy.md; truth.py confirms each with asn1crypto."""

import json
import os
import re

from common import CORPUS, emit

WY = os.environ.get("FX_WYCHEPROOF_DIR", os.path.join(os.path.dirname(os.path.dirname(CORPUS)), "..", "shared", "conformance",
                                                      "wycheproof", "testvectors_v1"))
WY = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "..", "shared", "conformance",
                                   "wycheproof", "testvectors_v1")) if not os.path.isdir(WY) else WY
SRC = "Wycheproof (C2SP/wycheproof dac1dd4)"

# (regex on the comment, regex on the element the comment names) → shape.
# Element names: "sequence [r, s]" / "sequence" (the outer SEQUENCE, or the
# AlgorithmIdentifier: both variants exist in the PEM tests and the rule
# then must hold for both), "r", "s", "oid", "bit string".
WYCHEPROOF_SHAPES = [
    (r"^length of (.+) uses long form encoding$", "ber_not_der"),
    (r"^length of (.+) contains a leading 0$", "ber_not_der"),
    (r"^indefinite length$", "ber_not_der"),
    (r"^appending unused 0's to (sequence \[r, s\])$", "trailing_data"),
    (r"^appending garbage to (sequence \[r, s\])$", "trailing_data"),
    (r"^indefinite length with garbage$", "trailing_data"),
    (r"^lonely sequence tag$", "truncated"),
    (r"^truncated length of (sequence \[r, s\])$", "truncated"),
    (r"^length of (sequence \[r, s\]) = 2\*\*31 - 1$", "truncated"),
    (r"^length of (.+) = 2\*\*(31|32 - 1|40 - 1|64 - 1)$", "length_overflow"),
    (r"^uint(32|64) overflow in length of (.+)$", "length_overflow"),
    (r"^changing tag value of (.+)$", "bad_tag"),
    (r"^(128 unused bits|unused bits in empty bit-string|declaring bits as unused in bit string)$", "bad_bit_string"),
    (r"^prepending 0's to (r|s)$", "invalid_value"),
    (r"^dropping value of (r|s)$", "invalid_value"),
    (r"^(point is not on curve|public point not on curve|public point = \(0,0\))$", "point_not_on_curve"),
]


_taken = {}


def take(fname, comment, shape, per_shape=6):
    """At most one vector per (file, comment) and `per_shape` per (file,
    shape), in file order: a spread of defects, not 60 tag changes."""
    if (fname, comment) in _taken:
        return False
    n = sum(1 for (f, c), s in _taken.items() if f == fname and s == shape)
    if n >= per_shape:
        return False
    _taken[(fname, comment)] = shape
    return True


def shape_for(comment, flags):
    if "BerEncodedSignature" in flags:
        return "ber_not_der"
    for rx, shape in WYCHEPROOF_SHAPES:
        mm = re.match(rx, comment)
        if not mm:
            continue
        # an inner element whose length is 2**31-1 is longer than its parent
        if shape == "truncated" and "2**31 - 1" in comment and "sequence" not in comment:
            return "length_overflow"
        return shape
    return None


def load(name):
    with open(os.path.join(WY, name)) as f:
        return json.load(f)


def tests(d):
    for g in d["testGroups"]:
        for t in g["tests"]:
            yield g, t


def ecdsa():
    d = load("ecdsa_secp256r1_sha256_test.json")
    valid = 0
    for g, t in tests(d):
        sig = bytes.fromhex(t["sig"])
        if t["result"] == "valid" and "ValidSignature" in t["flags"] and valid < 6:
            valid += 1
            emit("wycheproof_valid", f"wycheproof/ecdsa-p256/tc{t['tcId']:04d}-valid.sig.der", sig,
                 f"{SRC}: ecdsa_secp256r1_sha256_test.json tcId {t['tcId']} ({t['comment'] or 'valid'})",
                 wycheproof={"file": "ecdsa_secp256r1_sha256_test.json", "tcId": t["tcId"], "flags": t["flags"], "comment": t["comment"],
                             "result": t["result"]}, object="ecdsa_signature")
            continue
        if t["result"] != "invalid" and "BerEncodedSignature" not in t["flags"]:
            continue
        shape = shape_for(t["comment"], t["flags"])
        if shape and take("ecdsa", t["comment"], shape):
            emit("malformed_wycheproof", f"wycheproof/ecdsa-p256/tc{t['tcId']:04d}-{shape}.sig.der", sig,
                 f"{SRC}: ecdsa_secp256r1_sha256_test.json tcId {t['tcId']} ({t['comment']})", shape=shape,
                 wycheproof={"file": "ecdsa_secp256r1_sha256_test.json", "tcId": t["tcId"], "flags": t["flags"], "comment": t["comment"],
                             "result": t["result"]})


def ecdh_pem():
    for fname, tag in [("ecdh_secp256r1_pem_test.json", "p256"), ("ecdh_secp384r1_pem_test.json", "p384")]:
        d = load(fname)
        valid = 0
        for g, t in tests(d):
            info = {"file": fname, "tcId": t["tcId"], "flags": t["flags"], "comment": t["comment"], "result": t["result"]}
            if t["result"] == "valid" and valid < 4 and t["flags"] in (["Normal"], ["AdditionChain"], ["EdgeCaseSharedSecret"]):
                valid += 1
                emit("wycheproof_valid", f"wycheproof/ecdh-{tag}/tc{t['tcId']:04d}-public.pem", t["public"],
                     f"{SRC}: {fname} tcId {t['tcId']} public key", wycheproof=info)
                if valid <= 2:
                    emit("wycheproof_valid", f"wycheproof/ecdh-{tag}/tc{t['tcId']:04d}-private.pem", t["private"],
                         f"{SRC}: {fname} tcId {t['tcId']} private key", wycheproof=info)
                continue
            if not {"InvalidPem", "InvalidEncoding", "InvalidCurveAttack", "ModifiedPublicPoint"} & set(t["flags"]):
                continue
            shape = shape_for(t["comment"], t["flags"])
            if shape and take(fname, t["comment"], shape, 4):
                emit("malformed_wycheproof", f"wycheproof/ecdh-{tag}/tc{t['tcId']:04d}-{shape}.pem", t["public"],
                     f"{SRC}: {fname} tcId {t['tcId']} ({t['comment']})", shape=shape, wycheproof=info)
    d = load("x25519_pem_test.json")
    n = 0
    for g, t in tests(d):
        if t["result"] == "valid" and n < 3:
            n += 1
            info = {"file": "x25519_pem_test.json", "tcId": t["tcId"], "flags": t["flags"], "comment": t["comment"], "result": t["result"]}
            emit("wycheproof_valid", f"wycheproof/x25519/tc{t['tcId']:04d}-public.pem", t["public"],
                 f"{SRC}: x25519_pem_test.json tcId {t['tcId']} public key", wycheproof=info)
            emit("wycheproof_valid", f"wycheproof/x25519/tc{t['tcId']:04d}-private.pem", t["private"],
                 f"{SRC}: x25519_pem_test.json tcId {t['tcId']} private key", wycheproof=info)


def mldsa():
    for ps in ("44", "65", "87"):
        alg = f"ML-DSA-{ps}"
        fname = f"mldsa_{ps}_verify_test.json"
        d = load(fname)
        seen_pk = set()
        nvalid = ninvalid = nhint = 0
        for g, t in tests(d):
            info = {"file": fname, "tcId": t["tcId"], "flags": t["flags"], "comment": t["comment"], "result": t["result"]}
            pkd = bytes.fromhex(g["publicKeyDer"]) if g.get("publicKeyDer") else None
            if "IncorrectPublicKeyLength" in t["flags"] and pkd and pkd not in seen_pk:
                seen_pk.add(pkd)
                emit("malformed_wycheproof", f"wycheproof/mldsa{ps}/tc{t['tcId']:04d}-bad_length.spki.der", pkd,
                     f"{SRC}: {fname} tcId {t['tcId']} publicKeyDer ({t['comment']})", shape="bad_length", wycheproof=info,
                     pqc_algorithm=alg)
                continue
            if t["flags"] == ["ValidSignature"] and t["result"] == "valid" and pkd and pkd not in seen_pk and nvalid < 3:
                seen_pk.add(pkd)
                nvalid += 1
                emit("wycheproof_valid", f"wycheproof/mldsa{ps}/tc{t['tcId']:04d}.spki.der", pkd,
                     f"{SRC}: {fname} tcId {t['tcId']} publicKeyDer", wycheproof=info, pqc_algorithm=alg)
                emit("wycheproof_valid", f"wycheproof/mldsa{ps}/tc{t['tcId']:04d}.sig", bytes.fromhex(t["sig"]),
                     f"{SRC}: {fname} tcId {t['tcId']} sig (raw)", wycheproof=info, pqc_algorithm=alg, pqc_object="signature",
                     valid_structure=True)
            if "InvalidHintsEncoding" in t["flags"] and t["result"] == "invalid" and nhint < 3:
                sig = bytes.fromhex(t["sig"])
                nhint += 1
                emit("wycheproof_pqc_invalid", f"wycheproof/mldsa{ps}/tc{t['tcId']:04d}-invalid-hints.sig", sig,
                     f"{SRC}: {fname} tcId {t['tcId']} sig ({t['comment']})", wycheproof=info, pqc_algorithm=alg,
                     pqc_object="signature", valid_structure=False)
        fname = f"mldsa_{ps}_sign_seed_test.json"
        d = load(fname)
        seen = set()
        for g, t in tests(d):
            p8 = g.get("privateKeyPkcs8")
            if not p8 or p8 in seen:
                continue
            seen.add(p8)
            info = {"file": fname, "tcId": t["tcId"], "flags": t["flags"], "comment": t["comment"], "result": t["result"]}
            if "IncorrectPrivateKeyLength" in t["flags"]:
                emit("malformed_wycheproof", f"wycheproof/mldsa{ps}/tc{t['tcId']:04d}-bad_length.pkcs8.der", bytes.fromhex(p8),
                     f"{SRC}: {fname} tcId {t['tcId']} privateKeyPkcs8 ({t['comment']})", shape="bad_length", wycheproof=info,
                     pqc_algorithm=alg)
            elif len(seen) <= 3:
                emit("wycheproof_valid", f"wycheproof/mldsa{ps}/tc{t['tcId']:04d}.pkcs8.der", bytes.fromhex(p8),
                     f"{SRC}: {fname} tcId {t['tcId']} privateKeyPkcs8 (seed)", wycheproof=info, pqc_algorithm=alg)


MLKEM_OIDS = {"ML-KEM-512": "2.16.840.1.101.3.4.4.1", "ML-KEM-768": "2.16.840.1.101.3.4.4.2", "ML-KEM-1024": "2.16.840.1.101.3.4.4.3"}


def mlkem():
    for ps in ("512", "768", "1024"):
        alg = f"ML-KEM-{ps}"
        fname = f"mlkem_{ps}_encaps_test.json"
        d = load(fname)
        nv = ni = 0
        for g, t in tests(d):
            info = {"file": fname, "tcId": t["tcId"], "flags": t["flags"], "comment": t.get("comment", ""), "result": t["result"]}
            ek = bytes.fromhex(t["ek"])
            if t["result"] == "valid" and nv < 3:
                nv += 1
                emit("wycheproof_valid", f"wycheproof/mlkem{ps}/tc{t['tcId']:04d}.ek", ek, f"{SRC}: {fname} tcId {t['tcId']} ek (raw)",
                     wycheproof=info, pqc_algorithm=alg, pqc_object="public_key", valid_structure=True)
                if t.get("c"):
                    emit("wycheproof_valid", f"wycheproof/mlkem{ps}/tc{t['tcId']:04d}.ct", bytes.fromhex(t["c"]),
                         f"{SRC}: {fname} tcId {t['tcId']} c (raw ciphertext)", wycheproof=info, pqc_algorithm=alg,
                         pqc_object="ciphertext")
            elif "ModulusOverflow" in t["flags"] and ni < 4:
                ni += 1
                emit("wycheproof_pqc_invalid", f"wycheproof/mlkem{ps}/tc{t['tcId']:04d}-modulus-overflow.ek", ek,
                     f"{SRC}: {fname} tcId {t['tcId']} ek (coefficient ≥ q)", wycheproof=info, pqc_algorithm=alg,
                     pqc_object="public_key", valid_structure=False, shape="unreduced_coefficient")
                if ni == 1:
                    import der
                    emit("malformed_wycheproof", f"wycheproof/mlkem{ps}/tc{t['tcId']:04d}-unreduced_coefficient.spki.der",
                         der.spki(MLKEM_OIDS[alg], ek), f"{SRC}: {fname} tcId {t['tcId']} ek (coefficient ≥ q) in an SPKI (der.py)",
                         shape="unreduced_coefficient", wycheproof=info, pqc_algorithm=alg)


def generate():
    if not os.path.isdir(WY):
        raise SystemExit(f"wycheproof: {WY} not found (shared/conformance beside the repository)")
    ecdsa()
    ecdh_pem()
    mldsa()
    mlkem()
