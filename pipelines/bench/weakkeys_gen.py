#!/usr/bin/env python3
"""Generates the weak-key benchmark's keys (pipelines/bench/weakkeys.sh).

N RSA-2048 public keys (PKCS#1 PEM, 1000 to a file; seeded: the same
arguments give the same keys): SEMI plain keys made from two random 1024-bit
primes (gmpy2.next_prime), the planted keys below, and the rest "synthetic"
moduli: random odd 2048-bit numbers with no prime factor below 2^20. The
synthetic ones stand in for RSA moduli in the batch GCD's timing (its cost
depends only on the moduli's sizes): 200,000 primes of 1024 bits take hours
of CPU on a loaded 2-core machine. Two synthetic moduli can share a prime
above 2^20 (a few hundred pairs among 100,000); the comparison verifies every
pair fx reports with gmpy2. Planted weaknesses, truth from how they were made:

  shared_prime      10 pairs sharing one prime, and a triple E=xy, F=xz, G=yw
                    (E shares both of its primes: the batch GCD gives E itself)
  fermat            10 keys with |p - q| < 2^500 (found within 100 Fermat steps),
                    and 5 "near misses" with |p - q| about 2^530 (not found)
  small_factor      10 keys: a prime below 65537 times a prime of the rest of 2048 bits
  roca              10 keys of ROCA-style primes k*M + (65537^a mod M),
                    M the product of the first 39 primes
  small_exponent    5 with e = 3, 5 with e = 17
  unusual_exponent  5 with e = 65539

Writes DIR/keys/keys-NNNN.pem, DIR/truth.jsonl ({"key": "sha256:…", "planted": …})
and DIR/public.jsonl ({"key", "n" hex, "e", "planted"}: public values only; the
primes are never written).

usage: weakkeys_gen.py N DIR [SEMI] [SEED] [PROCS]
"""

import base64
import hashlib
import json
import multiprocessing
import os
import random
import sys

import gmpy2

M39 = 1
for _p in [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79,
           83, 89, 97, 101, 103, 107, 109, 113, 127, 131, 137, 139, 149, 151, 157, 163, 167]:
    M39 *= _p


def rand_prime(rng, bits):
    x = rng.getrandbits(bits) | (3 << (bits - 2)) | 1
    return int(gmpy2.next_prime(x))


def plain_pair(args):
    seed, i = args
    rng = random.Random(seed * 1_000_003 + i)
    return rand_prime(rng, 1024) * rand_prime(rng, 1024)


_P10 = int(gmpy2.primorial(1 << 10))
_P20 = None


def synthetic(args):
    """A random odd 2048-bit number with no prime factor below 2^20."""
    global _P20
    if _P20 is None:
        _P20 = gmpy2.primorial(1 << 20)
    seed, i = args
    rng = random.Random(seed * 7_000_003 + i)
    while True:
        x = gmpy2.mpz(rng.getrandbits(2048) | (3 << 2046) | 1)
        if gmpy2.gcd(x, _P10) == 1 and gmpy2.gcd(x, _P20) == 1:
            return int(x)


def der_len(n):
    if n < 0x80:
        return bytes([n])
    b = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(b)]) + b


def der_int(v):
    b = v.to_bytes((v.bit_length() + 8) // 8, "big")  # a leading 0 where the top bit is set
    return b"\x02" + der_len(len(b)) + b


def pkcs1(n, e):
    body = der_int(n) + der_int(e)
    return b"\x30" + der_len(len(body)) + body


def pem(der):
    b = base64.b64encode(der).decode()
    lines = [b[i:i + 64] for i in range(0, len(b), 64)]
    return "-----BEGIN RSA PUBLIC KEY-----\n" + "\n".join(lines) + "\n-----END RSA PUBLIC KEY-----\n"


def key_id(n):
    return "sha256:" + hashlib.sha256(n.to_bytes((n.bit_length() + 7) // 8, "big")).hexdigest()


def roca_prime(rng, bits):
    g = pow(65537, rng.getrandbits(64), M39)
    kbits = bits - M39.bit_length()
    while True:
        k = rng.getrandbits(kbits) | (3 << (kbits - 2))
        p = k * M39 + g
        if gmpy2.is_prime(p, 30):
            return p


def planted(seed):
    """(n, e, planted-id) of every planted key."""
    rng = random.Random(seed ^ 0x5EED)
    out = []
    for _ in range(10):
        s = rand_prime(rng, 1024)
        out.append((s * rand_prime(rng, 1024), 65537, "shared_prime"))
        out.append((s * rand_prime(rng, 1024), 65537, "shared_prime"))
    x, y, z, w = (rand_prime(rng, 1024) for _ in range(4))
    out += [(x * y, 65537, "shared_prime"), (x * z, 65537, "shared_prime"), (y * w, 65537, "shared_prime")]
    for _ in range(10):
        p = rand_prime(rng, 1024)
        q = int(gmpy2.next_prime(p + rng.getrandbits(500)))
        out.append((p * q, 65537, "fermat"))
    for _ in range(5):
        p = rand_prime(rng, 1024)
        q = int(gmpy2.next_prime(p + (1 << 530) + rng.getrandbits(520)))
        out.append((p * q, 65537, "none"))
    for _ in range(10):
        small = int(gmpy2.prev_prime(rng.randrange(3, 65537)))
        big = rand_prime(rng, 2048 - small.bit_length())
        out.append((small * big, 65537, "small_factor"))
    for _ in range(10):
        out.append((roca_prime(rng, 1024) * roca_prime(rng, 1024), 65537, "roca"))
    for e in [3] * 5 + [17] * 5:
        out.append((rand_prime(rng, 1024) * rand_prime(rng, 1024), e, "small_exponent"))
    for _ in range(5):
        out.append((rand_prime(rng, 1024) * rand_prime(rng, 1024), 65539, "unusual_exponent"))
    return out


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: weakkeys_gen.py N DIR [SEMI] [SEED] [PROCS]")
    n_keys, out_dir = int(sys.argv[1]), sys.argv[2]
    semi = int(sys.argv[3]) if len(sys.argv) > 3 else 2000
    seed = int(sys.argv[4]) if len(sys.argv) > 4 else 1
    procs = int(sys.argv[5]) if len(sys.argv) > 5 else os.cpu_count() or 1
    plant = planted(seed)
    semi = min(semi, max(0, n_keys - len(plant)))
    n_synth = max(0, n_keys - len(plant) - semi)
    with multiprocessing.Pool(procs) as pool:
        plain = pool.map(plain_pair, [(seed, i) for i in range(semi)], chunksize=16)
        synth = pool.map(synthetic, [(seed, i) for i in range(n_synth)], chunksize=256)
    keys = [(n, 65537, None) for n in plain] + [(n, 65537, "synthetic") for n in synth] + plant
    # planted keys spread through the files, deterministically
    random.Random(seed).shuffle(keys)
    os.makedirs(os.path.join(out_dir, "keys"), exist_ok=True)
    with open(os.path.join(out_dir, "truth.jsonl"), "w") as truth, \
            open(os.path.join(out_dir, "public.jsonl"), "w") as public:
        for start in range(0, len(keys), 1000):
            chunk = keys[start:start + 1000]
            with open(os.path.join(out_dir, "keys", f"keys-{start // 1000:04d}.pem"), "w") as f:
                for n, e, what in chunk:
                    f.write(pem(pkcs1(n, e)))
                    public.write(json.dumps({"key": key_id(n), "n": format(n, "x"), "e": e,
                                             "planted": what}) + "\n")
                    if what and what != "synthetic":
                        truth.write(json.dumps({"key": key_id(n), "planted": what}) + "\n")
    print(f"weakkeys_gen: {len(keys)} keys ({len(plant)} planted, {semi} plain semiprimes, "
          f"{n_synth} synthetic) in {out_dir}/keys", file=sys.stderr)


if __name__ == "__main__":
    main()
