# Writes N small artifacts of the samples/ mix, each with bytes of its own,
# for pipelines/bench/batch-1m.sh: artifact i is a variant of the i-th file
# of samples/ (in sorted order, cycling), number i // len(samples) of it,
# changed where the change keeps it the same kind of artifact:
#   der   DER (certificate, CSR, CRL, CMS, PKCS#7, PKCS#12, SPKI): the last
#         3 bytes of its last BIT or OCTET STRING of 8 bytes or more (a
#         signature, a public key, a MAC);
#   der1  SEC1 EC key: the same in its first OCTET STRING (the private
#         scalar, so the public point stays a point);
#   b64   a base64 DER certificate: decoded, changed as der, re-encoded;
#   ws    text (PEM, hash lists, JSON, CSV, scripts): a last line of 21
#         spaces and tabs spelling the variant number;
#   tail  raw bytes (ML-KEM objects, an ML-DSA key, ciphertext, random, a
#         truncated certificate): the last 3 bytes, the size kept;
#   head  an ML-DSA signature: its first 3 bytes (the challenge seed; its
#         last bytes are the hints, which must stay in range);
#   gzip  the header's mtime; pcap  the first packet's timestamp;
#   tls   the ClientHello random; elf  3 bytes appended.
# Signatures and MACs of the variants no longer verify; nothing else that
# fx reads changes. Files go to OUT/dNNNN/ (1,000 a directory).
#
#   python3 batch-1m-gen.py SAMPLES OUT N
import base64, os, sys

samples, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
files = sorted(
    os.path.join(d, f) for d, _, fs in os.walk(samples) for f in fs
)


def der_strings(b, at=0, end=None, found=None):
    """(offset, length) of every BIT/OCTET STRING's content, in order;
    constructed values are walked, and an OCTET STRING that holds DER too."""
    found = [] if found is None else found
    end = len(b) if end is None else end
    while at + 2 <= end:
        tag, ln = b[at], b[at + 1]
        at += 2
        if ln & 0x80:
            k = ln & 0x7F
            if k == 0 or k > 4 or at + k > end:
                return found
            ln = int.from_bytes(b[at:at + k], "big")
            at += k
        if at + ln > end:
            return found
        if tag & 0x20:
            der_strings(b, at, at + ln, found)
        elif tag in (0x03, 0x04):
            found.append((at, ln))
            if tag == 0x04 and ln > 2 and b[at] == 0x30:
                der_strings(b, at, at + ln, found)
        at += ln
    return found




def xor3(b, at, v):
    v += 1
    for k in range(3):
        b[at + k] ^= (v >> (8 * k)) & 0xFF
    return b


def mode_of(path, b):
    name = os.path.basename(path)
    if name == "ec-sec1.der":
        return "der1"
    if name == "truncated-cert.der":
        return "tail"
    if name.startswith("mldsa") and ("sig" in name):
        return "head"
    if name.endswith(".b64"):
        return "b64"
    if b[:2] == b"\x1f\x8b":
        return "gzip"
    if b[:4] in (b"\xd4\xc3\xb2\xa1", b"\xa1\xb2\xc3\xd4"):
        return "pcap"
    if b[:4] == b"\x7fELF":
        return "elf"
    if b[:3] == b"\x16\x03\x01" and name.endswith(".tls"):
        return "tls"
    if b[:1] == b"\x30" and der_strings(b):
        return "der"
    try:
        b.decode("utf-8")
        return "ws"
    except UnicodeDecodeError:
        return "tail"


def variant(mode, b, v):
    if mode in ("der", "der1"):
        s = [x for x in der_strings(b) if x[1] >= 8]
        at, ln = s[0] if mode == "der1" else s[-1]
        return bytes(xor3(bytearray(b), at + ln - 3, v))
    if mode == "b64":
        der = base64.b64decode(b"".join(b.split()))
        enc = base64.b64encode(variant("der", der, v))
        width = len(b.split(b"\n")[0]) or 64
        lines = [enc[i:i + width] for i in range(0, len(enc), width)]
        return b"\n".join(lines) + (b"\n" if b.endswith(b"\n") else b"")
    if mode == "ws":
        pad = bytes(0x09 if (v >> k) & 1 else 0x20 for k in range(21))
        return b + (b"" if b.endswith(b"\n") else b"\n") + pad + b"\n"
    if mode == "tail":
        return bytes(xor3(bytearray(b), len(b) - 3, v))
    if mode == "head":
        return bytes(xor3(bytearray(b), 0, v))
    if mode == "gzip":
        return bytes(xor3(bytearray(b), 4, v))
    if mode == "pcap":
        return bytes(xor3(bytearray(b), 24, v))
    if mode == "tls":
        return bytes(xor3(bytearray(b), 11, v))
    if mode == "elf":
        return b + (v + 1).to_bytes(3, "little")
    raise ValueError(mode)


src = []
for p in files:
    b = open(p, "rb").read()
    src.append((os.path.basename(p), b, mode_of(p, b)))
if os.environ.get("FX_GEN_LIST"):
    for p, (_, b, m) in zip(files, src):
        print(f"{m:5} {len(b):6} {p}")
    sys.exit(0)
k = len(src)
for d in range(0, n, 1000):
    dd = os.path.join(out, f"d{d // 1000:04d}")
    os.makedirs(dd, exist_ok=True)
    for i in range(d, min(n, d + 1000)):
        name, b, mode = src[i % k]
        with open(os.path.join(dd, f"{i:07d}-{name}"), "wb") as f:
            f.write(variant(mode, b, i // k))
