#!/usr/bin/env python3
"""RSA public keys with planted weaknesses, made with openssl, for
tests/fx_weakkeys.rs.

    gen_weak_rsa.py OUT_DIR SECRETS_FILE

OpenSSL makes the primes (`openssl prime -generate`), checks the primality
of the Fermat key's second prime (`openssl prime`) and encodes the keys
(`openssl asn1parse -genconf` writes the PKCS#1 RSAPublicKey DER, `openssl
rsa` turns it into a SubjectPublicKeyInfo PEM); Python only multiplies.
The truth is how the keys were made:

* shared-a.pub.pem, shared-b.pub.pem: n = p*q1 and n = p*q2 (shared_prime);
* fermat.pub.pem: n = r*s, s the first prime after r (fermat);

all 2048-bit moduli with e = 65537. Every prime goes to SECRETS_FILE, one
per line in decimal, for the test to search the run for.
"""
import os
import subprocess
import sys
import tempfile


def openssl(*args: str) -> str:
    return subprocess.run(["openssl", *args], check=True, capture_output=True,
                          text=True).stdout


def prime(bits: int) -> int:
    return int(openssl("prime", "-generate", "-bits", str(bits)).strip())


def is_prime(n: int) -> bool:
    return openssl("prime", str(n)).strip().endswith("is prime")


def public_key(n: int, e: int, path: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        conf = os.path.join(tmp, "key.conf")
        der = os.path.join(tmp, "key.der")
        with open(conf, "w") as f:
            f.write(f"asn1=SEQUENCE:key\n[key]\nn=INTEGER:0x{n:X}\ne=INTEGER:{e}\n")
        openssl("asn1parse", "-genconf", conf, "-out", der, "-noout")
        openssl("rsa", "-RSAPublicKey_in", "-inform", "DER", "-in", der,
                "-pubout", "-out", path)


def main() -> None:
    out, secrets = sys.argv[1], sys.argv[2]
    p, q1, q2, r = (prime(1024) for _ in range(4))
    s = r + 2
    while not is_prime(s):
        s += 2
    public_key(p * q1, 65537, os.path.join(out, "shared-a.pub.pem"))
    public_key(p * q2, 65537, os.path.join(out, "shared-b.pub.pem"))
    public_key(r * s, 65537, os.path.join(out, "fermat.pub.pem"))
    with open(secrets, "w") as f:
        for x in (p, q1, q2, r, s):
            f.write(f"{x}\n")


if __name__ == "__main__":
    main()
