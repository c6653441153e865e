"""Seeds of the fingerprint_hello target: the ClientHello and ServerHello
bodies (after the 4-byte handshake header; DTLS: after its 12 bytes) found
in captures and raw TLS streams, by scanning for record headers.

    python3 fuzz/hellos.py OUT-DIR FILE...
"""
import hashlib
import os
import sys


def bodies(data):
    i = 0
    while True:
        i = data.find(b"\x16", i)
        if i < 0 or i + 5 > len(data):
            return
        tls = data[i + 1] == 3 and data[i + 2] <= 4
        dtls = data[i + 1] == 0xFE and data[i + 2] in (0xFD, 0xFF)
        hs = i + (5 if tls else 13)
        if (tls or dtls) and hs + 12 <= len(data) and data[hs] in (1, 2):
            n = int.from_bytes(data[hs + 1:hs + 4], "big")
            start = hs + (4 if tls else 12)
            if 38 <= n <= 16384 and start + n <= len(data):
                yield data[start:start + n]
        i += 1


def main():
    out, files = sys.argv[1], sys.argv[2:]
    seen = set()
    for path in files:
        if not os.path.isfile(path):
            continue
        with open(path, "rb") as f:
            for body in bodies(f.read()):
                h = hashlib.sha256(body).hexdigest()[:16]
                if h not in seen and len(seen) < 200:
                    seen.add(h)
                    with open(os.path.join(out, h), "wb") as g:
                        g.write(body)


if __name__ == "__main__":
    main()
