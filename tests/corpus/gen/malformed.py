"""Malformed inputs: one known defect each, made from real files of the
corpus (openssl/pyca/certtool output committed under files/). The defect
introduced is the intent; truth.py keeps a file only where an independent
parser (asn1crypto strict decoding, pyca, openssl) confirms it — see the
shape table in docs/accuracy.md."""

import base64
import os
import random

import der
from common import FILES, emit

rng = random.Random(12)


def src(rel):
    with open(os.path.join(FILES, rel), "rb") as f:
        return f.read()


def pem_body(pem):
    lines = pem.decode().splitlines()
    b = [i for i, l in enumerate(lines) if l.startswith("-----BEGIN")][0]
    e = [i for i, l in enumerate(lines) if l.startswith("-----END")][0]
    return lines, b, e


def to_pem(label, data):
    b = base64.b64encode(data).decode()
    return (f"-----BEGIN {label}-----\n" + "\n".join(b[i:i + 64] for i in range(0, len(b), 64)) + f"\n-----END {label}-----\n").encode()


def m(shape, name, data, source, how):
    emit("malformed", f"malformed/{shape}/{name}", data, f"corpus mutation of {source}: {how}", shape=shape, source=source)


DER_CERTS = ["certs/openssl/rsa2048-selfsigned.der", "certs/openssl/p256-selfsigned.der", "certs/pyca/ed25519-leaf.der",
             "certs/openssl/dsa2048-selfsigned.der"]


def truncated():
    for s in DER_CERTS:
        d = src(s)
        n = len(d) * 6 // 10
        m("truncated", os.path.basename(s) + f".cut{n}", d[:n], s, f"first {n} of {len(d)} bytes")
    for s in ["keys/openssl/rsa2048.pkcs8.der", "crl/pyca/rsa3072.crl.der"]:
        d = src(s)
        m("truncated", os.path.basename(s) + ".minus1", d[:-1], s, "last byte removed")
    d = src("csr/openssl/rsa2048.csr.der")
    m("truncated", "rsa2048.csr.der.header-only", d[:4], "csr/openssl/rsa2048.csr.der", "first 4 bytes (the outer header) only")
    for s, label in [("certs/openssl/rsa2048-selfsigned.pem", "CERTIFICATE"), ("keys/openssl/p256.pkcs8.pem", "PRIVATE KEY")]:
        lines, b, e = pem_body(src(s))
        body = base64.b64decode("".join(lines[b + 1:e]))
        cut = body[:len(body) // 2]
        m("truncated", os.path.basename(s) + ".half-body", to_pem(label, cut), s, "PEM re-armored around the first half of its DER body")
    d = src("keys/ssh/ed25519.openssh")
    lines, b, e = pem_body(d)
    body = base64.b64decode("".join(lines[b + 1:e]))
    # openssh-key-v1\0, ciphername, kdfname, kdfoptions, nkeys, public key, private section:
    # cut where the private section's length field should begin
    p = len(b"openssh-key-v1\0")
    for _ in range(3):
        p += 4 + int.from_bytes(body[p:p + 4], "big")
    p += 4
    p += 4 + int.from_bytes(body[p:p + 4], "big")
    m("truncated", "ed25519.openssh.no-private-section", to_pem("OPENSSH PRIVATE KEY", body[:p]), "keys/ssh/ed25519.openssh",
      "OpenSSH key re-armored around its binary body cut before the private section (ends where a length field begins)")


def trailing():
    for s in DER_CERTS[:2] + ["keys/openssl/p384.spki.der"]:
        d = src(s)
        m("trailing_data", os.path.basename(s) + ".garbage16", d + bytes(rng.randrange(256) for _ in range(16)), s, "16 random bytes appended")
    d = src("certs/openssl/p256-selfsigned.der")
    m("trailing_data", "two-certs-concatenated.der", d + src("certs/openssl/rsa2048-selfsigned.der"),
      "certs/openssl/p256-selfsigned.der", "a second DER certificate appended")
    d = src("keys/openssl/rsa2048.pkcs8.der")
    m("trailing_data", "rsa2048.pkcs8.der.zeros", d + b"\x00" * 8, "keys/openssl/rsa2048.pkcs8.der", "8 zero bytes appended")
    lines, b, e = pem_body(src("certs/openssl/p384-selfsigned.pem"))
    body = base64.b64decode("".join(lines[b + 1:e]))
    m("trailing_data", "p384-selfsigned.pem.body-garbage", to_pem("CERTIFICATE", body + b"\xde\xad\xbe\xef" * 4),
      "certs/openssl/p384-selfsigned.pem", "16 bytes appended to the DER body inside the PEM armor")


def bad_tag():
    for s in ["certs/openssl/rsa2048-selfsigned.der", "keys/openssl/ed25519.spki.der"]:
        d = bytearray(src(s))
        d[0] = 0x31
        m("bad_tag", os.path.basename(s) + ".outer-set", bytes(d), s, "outer SEQUENCE tag 0x30 replaced by SET 0x31")
    t = der.parse(src("certs/openssl/p256-selfsigned.der"))
    t.children[0].tag = 0xA3
    m("bad_tag", "p256-selfsigned.der.tbs-tag", t.encode(), "certs/openssl/p256-selfsigned.der", "TBSCertificate tag 0x30 replaced by [3] 0xA3")
    t = der.parse(src("keys/openssl/p256.spki.der"))
    t.children[1].tag = 0x04
    m("bad_tag", "p256.spki.der.octet-key", t.encode(), "keys/openssl/p256.spki.der", "subjectPublicKey BIT STRING tag replaced by OCTET STRING")
    t = der.parse(src("keys/openssl/rsa2048.pkcs8.der"))
    t.children[0].tag = 0x0A
    m("bad_tag", "rsa2048.pkcs8.der.version-enum", t.encode(), "keys/openssl/rsa2048.pkcs8.der", "version INTEGER tag replaced by ENUMERATED")


def length_overflow():
    for s in ["certs/openssl/rsa2048-selfsigned.der", "certs/pyca/p256-leaf.der"]:
        d = bytearray(src(s))
        tag, hl, n = der.read_tlv(d, 0)
        # the TBS header follows the outer header; make its length 40 bytes larger
        ttag, thl, tn = der.read_tlv(d, hl)
        assert thl == 4
        d[hl + 2:hl + 4] = (tn + 40).to_bytes(2, "big")
        m("length_overflow", os.path.basename(s) + ".tbs-longer", bytes(d), s, "TBSCertificate length +40: longer than its parent")
    d = src("keys/openssl/ed25519.spki.der")
    tag, hl, n = der.read_tlv(d, 0)
    bad = bytes([0x30, 0x89, 0x01] + [0] * 7 + [n]) + d[hl:]
    m("length_overflow", "ed25519.spki.der.9-octet-length", bad, "keys/openssl/ed25519.spki.der", "outer length written with 9 length octets")
    d = src("keys/openssl/p384.spki.der")
    tag, hl, n = der.read_tlv(d, 0)
    bad = bytes([0x30, 0x84, 0xFF, 0xFF, 0xFF, 0xF0]) + d[hl:]
    m("length_overflow", "p384.spki.der.4GiB-length", bad, "keys/openssl/p384.spki.der", "outer length 0xFFFFFFF0 (≥ 2 GiB)")


def ber():
    for s in ["certs/openssl/rsa2048-selfsigned.der", "keys/openssl/rsa2048.pkcs8.der"]:
        d = src(s)
        tag, hl, n = der.read_tlv(d, 0)
        body = d[hl:]
        m("ber_not_der", os.path.basename(s) + ".long-length", bytes([0x30, 0x84]) + n.to_bytes(4, "big") + body, s,
          "outer length in 4 octets (non-minimal)")
        m("ber_not_der", os.path.basename(s) + ".indefinite", bytes([0x30, 0x80]) + body + b"\x00\x00", s, "outer length indefinite (0x80 … 00 00)")
    d = src("keys/openssl/ed25519.spki.der")
    tag, hl, n = der.read_tlv(d, 0)
    m("ber_not_der", "ed25519.spki.der.long-length", bytes([0x30, 0x81, n]) + d[hl:], "keys/openssl/ed25519.spki.der",
      "outer length 0x81 NN for a length under 128")


def pem_armor():
    s = "certs/openssl/rsa2048-selfsigned.pem"
    lines, b, e = pem_body(src(s))
    m("bad_pem_armor", "rsa2048-selfsigned.pem.no-end", ("\n".join(lines[:e]) + "\n").encode(), s, "END line removed")
    m("bad_pem_armor", "rsa2048-selfsigned.pem.label-mismatch",
      ("\n".join(lines[:e] + ["-----END X509 CRL-----"]) + "\n").encode(), s, "END label differs from BEGIN")
    s = "keys/openssl/p256.pkcs8.pem"
    lines, b, e = pem_body(src(s))
    lines[b] = lines[b].replace("-----BEGIN", "----BEGIN")
    m("bad_pem_armor", "p256.pkcs8.pem.four-dashes", ("\n".join(lines) + "\n").encode(), s, "BEGIN line with four leading dashes")
    s = "csr/openssl/p256.csr.pem"
    lines, b, e = pem_body(src(s))
    m("bad_pem_armor", "p256.csr.pem.no-end", ("\n".join(lines[:e]) + "\n").encode(), s, "END line removed")


def bad_base64():
    for s, pos in [("certs/openssl/rsa2048-selfsigned.pem", 3), ("keys/openssl/rsa3072.spki.pem", 2)]:
        lines, b, e = pem_body(src(s))
        l = lines[b + pos]
        lines[b + pos] = l[:10] + "*" + l[11:]
        m("bad_base64", os.path.basename(s) + ".star", ("\n".join(lines) + "\n").encode(), s, "one base64 character replaced by '*'")
    s = "csr/openssl/rsa2048.csr.pem"
    lines, b, e = pem_body(src(s))
    l = lines[b + 2]
    lines[b + 2] = l[:20] + "==" + l[22:]
    m("bad_base64", "rsa2048.csr.pem.inner-padding", ("\n".join(lines) + "\n").encode(), s, "'==' padding in the middle of the body")


def unknown_oid():
    d = src("keys/openssl/ed25519.spki.der")
    i = d.find(bytes.fromhex("06032b6570"))
    m("unknown_oid", "ed25519.spki.der.oid-1.3.101.99", d[:i] + bytes.fromhex("06032b6563") + d[i + 5:], "keys/openssl/ed25519.spki.der",
      "algorithm OID 1.3.101.112 changed to the unassigned 1.3.101.99")
    for s in ["keys/openssl/p256.spki.der", "certs/openssl/p256-selfsigned.der", "keys/openssl/p384.pkcs8.der"]:
        d = src(s)
        o = bytes.fromhex("06072a8648ce3d0201")  # id-ecPublicKey
        i = d.find(o)
        m("unknown_oid", os.path.basename(s) + ".oid-ecPublicKey-99", d[:i] + bytes.fromhex("06072a8648ce3d0263") + d[i + len(o):], s,
          "id-ecPublicKey 1.2.840.10045.2.1 changed to the unassigned 1.2.840.10045.2.99")


PQC_SIZES = {"2.16.840.1.101.3.4.3.17": 1312, "2.16.840.1.101.3.4.3.18": 1952, "2.16.840.1.101.3.4.4.2": 1184}


def bad_length():
    for s, delta in [("pqc/pyca/mldsa44-1.spki.der", -1), ("pqc/pyca/mldsa65-1.spki.der", +1), ("pqc/pyca/mlkem768-1.spki.der", -16)]:
        t = der.parse(src(s))
        key = t.children[1].content[1:]
        key = key[:delta] if delta < 0 else key + b"\x00" * delta
        t.children[1].content = b"\x00" + key
        m("bad_length", os.path.basename(s) + f".key{delta:+d}", t.encode(), s, f"public key {delta:+d} bytes (lengths re-encoded)")
    t = der.parse(src("pqc/pyca/mldsa65-1.pkcs8.der"))
    inner = der.parse(t.children[2].content)  # [0] IMPLICIT seed
    inner.content = inner.content[:31]
    t.children[2].content = inner.encode()
    m("bad_length", "mldsa65-1.pkcs8.der.seed31", t.encode(), "pqc/pyca/mldsa65-1.pkcs8.der", "ML-DSA seed of 31 bytes instead of 32")


def bad_bit_string():
    for s_ in ["keys/openssl/p256.spki.der", "keys/openssl/rsa2048.spki.der"]:
        t = der.parse(src(s_))
        t.children[1].content = b"\x09" + t.children[1].content[1:]
        m("bad_bit_string", os.path.basename(s_) + ".unused-bits-9", t.encode(), s_, "subjectPublicKey BIT STRING with 9 unused bits")
    t = der.parse(src("certs/openssl/p256-selfsigned.der"))
    sig = t.children[2]
    sig.content = b"\x03" + sig.content[1:-1] + bytes([sig.content[-1] | 0x07])
    m("bad_bit_string", "p256-selfsigned.der.sig-padding-bits", t.encode(), "certs/openssl/p256-selfsigned.der",
      "signatureValue BIT STRING declaring 3 unused bits that are not zero")


def bad_version():
    for s_ in ["certs/openssl/rsa2048-selfsigned.der", "certs/openssl/ed25519-selfsigned.der"]:
        t = der.parse(src(s_))
        t.children[0].children[0].children[0].content = b"\x07"
        m("bad_version", os.path.basename(s_) + ".version-7", t.encode(), s_, "certificate version 7 (X.509 knows 0-2)")
    t = der.parse(src("keys/openssl/ed25519.pkcs8.der"))
    t.children[0].content = b"\x09"
    m("bad_version", "ed25519.pkcs8.der.version-9", t.encode(), "keys/openssl/ed25519.pkcs8.der", "PKCS#8 version 9 (0-1 allowed)")


def invalid_value():
    t = der.parse(src("certs/openssl/p256-selfsigned.der"))
    t.children[0].children[1].content = b""
    m("invalid_value", "p256-selfsigned.der.empty-serial", t.encode(), "certs/openssl/p256-selfsigned.der",
      "serialNumber INTEGER with no content octets")
    t = der.parse(src("certs/openssl/rsa3072-selfsigned.der"))
    t.children[0].children[4].children[0].content = b"2601AB000000Z"
    m("invalid_value", "rsa3072-selfsigned.der.bad-utctime", t.encode(), "certs/openssl/rsa3072-selfsigned.der",
      "notBefore UTCTime '2601AB000000Z'")
    t = der.parse(src("certs/openssl/rsa2048-selfsigned.der"))
    serial = t.children[0].children[1]
    serial.content = b"\x00\x00" + serial.content.lstrip(b"\x00")
    m("invalid_value", "rsa2048-selfsigned.der.serial-leading-zeros", t.encode(), "certs/openssl/rsa2048-selfsigned.der",
      "serialNumber INTEGER with two leading zero octets (non-minimal)")
    d = src("certs/openssl/root-ca.pem")
    lines, b, e = pem_body(d)
    body = base64.b64decode("".join(lines[b + 1:e]))
    i = body.find(bytes.fromhex("0101ff"))  # the first BOOLEAN TRUE (basicConstraints critical)
    bad = body[:i] + bytes.fromhex("010101") + body[i + 3:]
    m("invalid_value", "root-ca.pem.boolean-01", to_pem("CERTIFICATE", bad), "certs/openssl/root-ca.pem",
      "a BOOLEAN encoded 01 (DER allows only 00 and FF)")


def point_not_on_curve():
    for s_ in ["keys/openssl/p256.spki.der", "keys/openssl/p384.spki.der"]:
        t = der.parse(src(s_))
        pt = bytearray(t.children[1].content)
        pt[-1] ^= 0x01  # y changes: (x, y) leaves the curve
        t.children[1].content = bytes(pt)
        m("point_not_on_curve", os.path.basename(s_) + ".y-flipped", t.encode(), s_, "last bit of the public point's y flipped")
    t = der.parse(src("certs/pyca/p256-leaf.der"))
    spki = t.children[0].children[6]
    pt = bytearray(spki.children[1].content)
    pt[-1] ^= 0x01
    spki.children[1].content = bytes(pt)
    m("point_not_on_curve", "p256-leaf.der.y-flipped", t.encode(), "certs/pyca/p256-leaf.der",
      "last bit of the subject public point's y flipped (certificate)")


def generate():
    truncated()
    trailing()
    bad_tag()
    length_overflow()
    ber()
    pem_armor()
    bad_base64()
    unknown_oid()
    bad_length()
    bad_bit_string()
    bad_version()
    invalid_value()
    point_not_on_curve()
