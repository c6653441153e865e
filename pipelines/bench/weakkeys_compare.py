#!/usr/bin/env python3
"""Compares fx-weakkeys' findings with the planted truth and with badkeys
(pipelines/bench/weakkeys.sh).

usage: weakkeys_compare.py GEN_DIR RUN SUBSET

GEN_DIR holds public.jsonl (every key's public n, e and what was planted, or
"synthetic" for the random stand-in moduli) from weakkeys_gen.py; RUN is the
run fx-weakkeys wrote weakkeys/findings.jsonl to. badkeys (its offline
checks: fermat, roca, smallfactors, rsainvalid, rsawarnings, smalld; not the
blocklist, which needs a download) runs over every planted key and the first
SUBSET plain semiprimes, timed per key. Prints per weakness: planted keys fx
found (recall), fx's findings on plain keys (false positives), every
shared_prime pair fx names checked with gmpy2, and fx against badkeys on the
keys badkeys checked. Only check names and counts are printed: badkeys'
results, which hold factors, are dropped as soon as they are read.
"""

import json
import sys
import time

import badkeys
import gmpy2


def badkeys_ids(results):
    """badkeys checks (and subtests) as the fx ids they correspond to."""
    out = set()
    for check, r in results.items():
        if check == "fermat":
            out.add("fermat")
        elif check == "roca":
            out.add("roca")
        elif check == "smallfactors":
            out.add("small_factor")
        elif check == "smalld":
            out.add("small_private_exponent")
        elif check == "rsainvalid":
            out.add("exponent")  # invalid_e (e < 3) or e_too_large
        elif check == "rsawarnings":
            sub = r.get("subtest")
            if sub in ("exponent_3", "exponent_not_65537"):
                out.add("exponent")
            elif sub in ("too_small", "extremely_small"):
                out.add("too_small")
    return out


def fx_ids(weaknesses):
    out = set(weaknesses)
    if out & {"small_exponent", "unusual_exponent"}:
        out -= {"small_exponent", "unusual_exponent"}
        out.add("exponent")
    return out


COMPARED = ["fermat", "roca", "small_factor", "exponent", "small_private_exponent", "too_small"]


def main():
    gen, run, subset = sys.argv[1], sys.argv[2], int(sys.argv[3])
    fx = {}
    shared_with = {}
    with open(f"{run}/weakkeys/findings.jsonl") as f:
        for line in f:
            r = json.loads(line)
            fx[r["key"]] = r["weaknesses"]
            shared_with[r["key"]] = r.get("shared_with", [])
    keys = []
    with open(f"{gen}/public.jsonl") as f:
        for line in f:
            keys.append(json.loads(line))
    planted = [k for k in keys if k["planted"] and k["planted"] != "synthetic"]
    synth = [k for k in keys if k["planted"] == "synthetic"]
    plain = [k for k in keys if not k["planted"]]
    n_of = {k["key"]: int(k["n"], 16) for k in keys}

    print("truth (from how the keys were made):")
    for kind in sorted({k["planted"] for k in planted}):
        group = [k for k in planted if k["planted"] == kind]
        if kind == "none":
            hits = sum(1 for k in group if fx.get(k["key"]))
            print(f"  near-miss Fermat (|p-q| ~ 2^530): {len(group)} keys, fx flagged {hits} (want 0)")
            continue
        found = sum(1 for k in group if kind in fx.get(k["key"], []))
        print(f"  {kind:17s} planted {len(group):3d}  fx found {found:3d}  recall {found / len(group):.3f}")
    fp = sum(1 for k in plain if fx.get(k["key"]))
    print(f"  plain semiprime keys: {len(plain)}, fx findings on them: {fp} (want 0)")
    # every shared_prime pair fx names, checked with gmpy2
    claims = [(k, o) for k, others in shared_with.items() for o in others]
    verified = sum(1 for k, o in claims if gmpy2.gcd(n_of[k], n_of[o]) > 1)
    print(f"  shared_prime pairs fx names: {len(claims)}, gmpy2 gcd > 1 for {verified}")
    if synth:
        flagged = [k for k in synth if fx.get(k["key"])]
        other = sum(1 for k in flagged if set(fx[k["key"]]) != {"shared_prime"})
        print(f"  synthetic moduli: {len(synth)}, fx flagged {len(flagged)} as sharing a factor "
              f"(random numbers can), {other} with another finding (want 0)")

    # badkeys on every planted key and SUBSET plain semiprimes
    sample = planted + plain[:subset]
    checks = ["fermat", "roca", "smallfactors", "rsainvalid", "rsawarnings", "smalld"]
    agree = {c: [0, 0, 0] for c in COMPARED}  # both, only fx, only badkeys
    t0 = time.perf_counter()
    bk = {}
    for k in sample:
        res = badkeys.checkrsa(int(k["n"], 16), e=k["e"], checks=checks)
        bk[k["key"]] = badkeys_ids(res)
        del res
    seconds = time.perf_counter() - t0
    for k in sample:
        a, b = fx_ids(fx.get(k["key"], [])), bk[k["key"]]
        for c in COMPARED:
            if c in a and c in b:
                agree[c][0] += 1
            elif c in a:
                agree[c][1] += 1
            elif c in b:
                agree[c][2] += 1
    version = getattr(badkeys, "__version__", "")
    print(f"badkeys {version} over {len(sample)} keys ({len(planted)} planted + "
          f"{min(subset, len(plain))} plain): {seconds:.2f} s, {seconds / len(sample) * 1000:.3f} ms per key")
    print("fx vs badkeys (keys flagged by both / only fx / only badkeys):")
    for c in COMPARED:
        both, ofx, obk = agree[c]
        print(f"  {c:22s} {both:4d} / {ofx:4d} / {obk:4d}")
    print(f"BADKEYS_SECONDS_PER_KEY={seconds / len(sample):.6f}")


if __name__ == "__main__":
    main()
