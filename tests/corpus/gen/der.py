"""A minimal DER encoder for the few structures no tool writes yet (ML-DSA and
ML-KEM certificates and CSRs while OpenSSL 3.0's CLI and pyca's builders do
not make them, expanded-form PQC private keys, mutations of real files).
Names and extensions are encoded by asn1crypto; signatures are made by
pyca/cryptography over the encoded TBS bytes."""


def length(n):
    if n < 0x80:
        return bytes([n])
    b = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(b)]) + b


def tlv(tag, content):
    return bytes([tag]) + length(len(content)) + content


def seq(*items):
    return tlv(0x30, b"".join(items))


def set_(*items):
    return tlv(0x31, b"".join(items))


def integer(v):
    if v == 0:
        return tlv(0x02, b"\x00")
    b = v.to_bytes((v.bit_length() + 8) // 8, "big", signed=True)
    return tlv(0x02, b)


def oid(dotted):
    parts = [int(p) for p in dotted.split(".")]
    body = [40 * parts[0] + parts[1]] + parts[2:]
    out = b""
    for p in body:
        enc = [p & 0x7F]
        p >>= 7
        while p:
            enc.append(0x80 | (p & 0x7F))
            p >>= 7
        out += bytes(reversed(enc))
    return tlv(0x06, out)


def octets(b):
    return tlv(0x04, b)


def bits(b, unused=0):
    return tlv(0x03, bytes([unused]) + b)


def explicit(n, content):
    return tlv(0xA0 | n, content)


def implicit_prim(n, content):
    return tlv(0x80 | n, content)


def utctime(s):
    return tlv(0x17, s.encode())


def alg(dotted):
    """AlgorithmIdentifier with absent parameters (the PQC convention)."""
    return seq(oid(dotted))


def spki(alg_oid, key):
    return seq(alg(alg_oid), bits(key))


def pkcs8(alg_oid, private_key_octets):
    """OneAsymmetricKey v0: version, algorithm, privateKey OCTET STRING."""
    return seq(integer(0), alg(alg_oid), octets(private_key_octets))


def read_tlv(data, off=0):
    """(tag, header_length, content_length) of the element at `off`."""
    tag = data[off]
    n = data[off + 1]
    if n < 0x80:
        return tag, 2, n
    k = n & 0x7F
    return tag, 2 + k, int.from_bytes(data[off + 2:off + 2 + k], "big")


class Node:
    """A DER element: tag byte, and either children (constructed) or
    content bytes (primitive)."""

    def __init__(self, tag, content=None, children=None):
        self.tag = tag
        self.content = content
        self.children = children

    def encode(self):
        if self.children is not None:
            return tlv(self.tag, b"".join(c.encode() for c in self.children))
        return tlv(self.tag, self.content)


def parse(data):
    """Parses one DER element (definite lengths, single-byte tags) into a
    Node tree; BIT STRINGs and OCTET STRINGs stay primitive."""
    node, end = _parse(data, 0)
    if end != len(data):
        raise ValueError("trailing data")
    return node


def _parse(data, off):
    tag, hl, n = read_tlv(data, off)
    start, end = off + hl, off + hl + n
    if end > len(data):
        raise ValueError("truncated")
    if tag & 0x20:
        kids, p = [], start
        while p < end:
            k, p = _parse(data, p)
            kids.append(k)
        return Node(tag, children=kids), end
    return Node(tag, content=data[start:end]), end
