#!/usr/bin/env python3
"""Generates fx's real-world conformance corpus (tests/corpus/files/) with
third-party programs and libraries, and records how each file was made in
tests/corpus/manifest.jsonl. Run it through tests/corpus/generate.sh, which
checks the tools first and computes truth.jsonl afterwards.

    generate.py [--only GROUP[,GROUP…]]

Groups (each a unit that can be regenerated alone): pki, keys, params,
ca_store, pqc, hashes, confusers, malformed, wycheproof, binaries, openpgp.
`malformed` reads files that `pki` and `keys` wrote, so regenerate it after
them. Keys cannot be made from a seed by openssl/ssh-keygen/certtool/dropbear/
puttygen, so those files change on every run: the committed files are the
corpus, and this script is how they were made.
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import common  # noqa: E402

GROUPS = ["pki", "keys", "params", "ca_store", "pqc", "hashes", "confusers", "malformed", "wycheproof", "binaries", "openpgp"]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", default=",".join(GROUPS))
    args = ap.parse_args()
    groups = [g for g in args.only.split(",") if g]
    for g in groups:
        if g not in GROUPS:
            ap.error(f"unknown group {g}")
    try:
        for g in GROUPS:
            if g not in groups:
                continue
            print(f"== {g}", file=sys.stderr)
            common.clear_group(g)
            common.set_group(g)
            n0 = len(common.records())
            __import__(g).generate()
            print(f"   {len(common.records()) - n0} files", file=sys.stderr)
        common.write_manifest(groups)
    finally:
        common.cleanup()


if __name__ == "__main__":
    main()
