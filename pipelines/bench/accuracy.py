#!/usr/bin/env python3
"""Scores fx on the real-world conformance corpus (tests/corpus/): reads a
run's RUN/telemetry/jobs.jsonl, matches each job to its corpus file by
artifact.intake.path, compares the job's `summary` event with
tests/corpus/truth.jsonl, and prints per family and metric: n, hits,
accuracy. Standard library only.

    accuracy.py --run RUN [--run2 RUN2] [--truth FILE] [--misses FILE]
                [--show-misses N] [--check THRESHOLDS] [--write-thresholds THRESHOLDS]
                [--json FILE]

Metrics (a file counts in a metric only when its truth has the field):
  labels          route label set == the exact truth label set
  container       summary container == truth (PKCS#7 vs CMS in DER: either)
  encoding        summary encoding == truth (pem/der only)
  algorithm       summary algorithm == truth (public-key algorithm)
  key_size        algorithm and key_bits and curve all == truth
  oid             summary oid == truth (the algorithm OID read in the file)
  pqc_oid_name    PQC containers: algorithm and oid both == truth
  pqc_named       PQC files (a PQC key, or a PQC signature on a certificate/
                  CSR): the true parameter set is among the PQC names the
                  summary gives (algorithm, pqc.candidates, regions)
  no_pqc_claim    classical and non-crypto files: no PQC name anywhere in
                  the summary (algorithm, pqc.candidates, regions, labels),
                  size-only guesses included
  no_algorithm    non-crypto files: no algorithm at all (algorithm,
                  pqc.candidates, regions' algorithms, hash scheme)
  valid_structure PQC raw keys/signatures: pqc.valid_structure == truth
  failure         files with expected failure shapes (malformed, encrypted):
                  every expected shape is in summary.failures
  clean           well-formed files: summary.failures ⊆ the expected ones
  hashcat_mode    password hashes: hash.hashcat_mode == truth
  libraries_precision / libraries_recall
                  ELF files: (file, library name) pairs, micro-averaged
Exit status: 0; 1 when --check finds a figure below its threshold (or a
family's n changed, or the two runs differ); 2 on errors.
"""

import argparse
import hashlib
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
CORPUS = os.path.join(REPO, "tests", "corpus")

PQC_RX = re.compile(r"ML-?KEM|ML-?DSA|SLH-?DSA|Falcon|FN-DSA|Frodo|McEliece|NTRU|sntrup|HQC|BIKE|Kyber|Dilithium|SPHINCS|XMSS|\bLMS\b",
                    re.I)
METRICS = ["labels", "container", "encoding", "algorithm", "key_size", "oid", "pqc_oid_name", "pqc_named", "no_pqc_claim",
           "no_algorithm", "valid_structure", "failure", "clean", "hashcat_mode", "libraries_precision", "libraries_recall"]

# The targets: (name, families, metric, minimum accuracy or "zero misses")
TARGETS = [
    ("0 post-quantum claims on classical or non-crypto files", None, "no_pqc_claim", 1.0),
    ("0 algorithms claimed on non-crypto files", ["confuser"], "no_algorithm", 1.0),
    (">= 0.99 public-key algorithm and key size on real certificates and keys",
     ["x509_cert", "ca_store", "csr", "private_key", "public_key", "wycheproof_valid"], "key_size", 0.99),
    (">= 0.98 route label", None, "labels", 0.98),
    (">= 0.98 container", None, "container", 0.98),
    (">= 0.98 algorithm", None, "algorithm", 0.98),
    (">= 0.95 malformed inputs mapped to the right failure shape", ["malformed", "malformed_wycheproof"], "failure", 0.95),
    (">= 0.99 PQC OIDs and names (containers)", None, "pqc_oid_name", 0.99),
    (">= 0.99 PQC names (every file with PQC material, raw blobs included)", None, "pqc_named", 0.99),
    (">= 0.95 crypto libraries in binaries: precision", None, "libraries_precision", 0.95),
    (">= 0.95 crypto libraries in binaries: recall", None, "libraries_recall", 0.95),
]


def load_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(l) for l in f if l.strip()]


def summaries(run):
    """intake path → summary data (the job's last `summary` event)."""
    out = {}
    for job in load_jsonl(os.path.join(run, "telemetry", "jobs.jsonl")):
        path = job.get("artifact", {}).get("intake", {}).get("path")
        if isinstance(path, dict):  # non-UTF-8 path: {"bytes": …}
            continue
        summ = None
        for e in job.get("events", []):
            if e.get("module") == "seq" and e.get("step") == "summary":
                summ = e.get("data") or {}
        out[path] = summ if summ is not None else {}
    return out


def corpus_key(intake_path):
    """`files/x/y` (a run over tests/corpus/files) → `x/y`; absolute paths stay."""
    p = intake_path.replace("\\", "/")
    if p.startswith("/"):
        return p
    i = p.find("files/")
    return p[i + len("files/"):] if i >= 0 else p


def pqc_claims(s):
    """Where the summary names a PQC scheme: {field: [names]}."""
    out = {}
    if isinstance(s.get("algorithm"), str) and PQC_RX.search(s["algorithm"]):
        out["algorithm"] = [s["algorithm"]]
    c = [c.get("algorithm") for c in (s.get("pqc") or {}).get("candidates") or [] if isinstance(c, dict)]
    c = [n for n in c if n and PQC_RX.search(str(n))]
    if c:
        out["pqc.candidates"] = c
    r = [r.get("algorithm") for r in s.get("regions") or [] if isinstance(r, dict)]
    r = [n for n in r if n and PQC_RX.search(str(n))]
    if r:
        out["regions"] = r
    l = [l for l in s.get("labels") or [] if PQC_RX.search(str(l))]
    if l:
        out["labels"] = l
    return out


def pqc_names(s):
    names = []
    if isinstance(s.get("algorithm"), str):
        names.append(s["algorithm"])
    for c in (s.get("pqc") or {}).get("candidates") or []:
        if isinstance(c, dict) and c.get("algorithm"):
            names.append(c["algorithm"])
    for r in s.get("regions") or []:
        if isinstance(r, dict) and r.get("algorithm"):
            names.append(r["algorithm"])
    for l in s.get("labels") or []:
        names.append(l)
    return [n for n in names if PQC_RX.search(str(n))]


def algorithms_claimed(s):
    names = []
    if s.get("algorithm"):
        names.append(s["algorithm"])
    for c in (s.get("pqc") or {}).get("candidates") or []:
        if isinstance(c, dict) and c.get("algorithm"):
            names.append(c["algorithm"])
    for r in s.get("regions") or []:
        if isinstance(r, dict) and r.get("algorithm"):
            names.append(r["algorithm"])
    h = s.get("hash")
    if isinstance(h, dict) and h.get("scheme"):
        names.append("hash:" + str(h["scheme"]))
    return names


def said(s):
    """What fx said, compactly, for the misses list."""
    keep = {k: s.get(k) for k in ("labels", "container", "encoding", "algorithm", "oid", "key_bits", "curve", "failures") if s.get(k) is not None}
    if s.get("pqc"):
        keep["pqc"] = {"candidates": [c.get("algorithm") for c in (s["pqc"].get("candidates") or [])][:6],
                       "valid_structure": s["pqc"].get("valid_structure")}
    regs = [r.get("algorithm") for r in s.get("regions") or [] if isinstance(r, dict) and r.get("algorithm")]
    if regs:
        keep["region_algorithms"] = regs[:6]
    if isinstance(s.get("hash"), dict):
        keep["hash"] = {k: s["hash"].get(k) for k in ("scheme", "hashcat_mode")}
    if s.get("libraries"):
        keep["libraries"] = [l.get("name") for l in s["libraries"] if isinstance(l, dict)]
    return keep


def score_file(exp, s):
    """{metric: hit(bool)} for one file; libraries handled apart."""
    r = {}
    if "labels" in exp:
        r["labels"] = sorted(set(s.get("labels") or [])) == sorted(set(exp["labels"]))
    if "container" in exp:
        r["container"] = s.get("container") == exp["container"]
    elif "container_any" in exp:
        r["container"] = s.get("container") in exp["container_any"]
    if exp.get("encoding") in ("pem", "der"):
        r["encoding"] = s.get("encoding") == exp["encoding"]
    algs = exp.get("algorithm_any") or [exp.get("algorithm")]
    if "algorithm" in exp:
        r["algorithm"] = s.get("algorithm") in algs
    if "key_bits" in exp or "curve" in exp:
        r["key_size"] = (s.get("algorithm") in algs and s.get("key_bits") == exp.get("key_bits")
                         and s.get("curve") == exp.get("curve"))
    if "oid" in exp:
        r["oid"] = s.get("oid") == exp["oid"]
        if PQC_RX.search(exp.get("algorithm") or ""):
            r["pqc_oid_name"] = s.get("oid") == exp["oid"] and s.get("algorithm") == exp.get("algorithm")
    if exp.get("pqc") is True:
        r["pqc_named"] = exp["pqc_algorithm"] in pqc_names(s)
    elif exp.get("pqc") is False:
        r["no_pqc_claim"] = not pqc_names(s)
    if exp.get("no_algorithm"):
        r["no_algorithm"] = not algorithms_claimed(s)
    if "valid_structure" in exp:
        r["valid_structure"] = (s.get("pqc") or {}).get("valid_structure") == exp["valid_structure"]
    fx_fail = set(s.get("failures") or [])
    exp_fail = set(exp.get("failures") or [])
    if exp_fail:
        r["failure"] = exp_fail <= fx_fail
    if "failures" in exp and not (exp_fail - {"encrypted"}):
        r["clean"] = fx_fail <= exp_fail
    if "hashcat_mode" in exp:
        r["hashcat_mode"] = (s.get("hash") or {}).get("hashcat_mode") == exp["hashcat_mode"]
    return r


def elf_truth_now(row):
    """Truth for an installed ELF file: the generator's, when the file is the
    one it saw (same sha256); otherwise recomputed with the same oracles."""
    path = row["path"]
    with open(path, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    if digest == row.get("sha256"):
        return row["expect"]["libraries"], None
    sys.path.insert(0, os.path.join(CORPUS, "gen"))
    sys.dont_write_bytecode = True
    import elf_truth
    libs, how = elf_truth.truth(path)
    return libs, f"{path}: not the binary the truth was made from; truth recomputed ({how})"


def evaluate(run, truth_rows):
    summ = summaries(run)
    by_key = {corpus_key(p): s for p, s in summ.items()}
    table = {}  # (family, metric) → [n, hits]
    misses, notes, missing = [], [], {}
    lib_pairs = {}  # family → [tp, fx_total, truth_total]
    for row in truth_rows:
        fam, exp = row["family"], row["expect"]
        key = row["path"]
        if row.get("external") and not os.path.exists(key):
            missing.setdefault(fam, []).append(key)
            continue
        s = by_key.get(key)
        if s is None:
            notes.append(f"no job for {key}")
            missing.setdefault(fam, []).append(key)
            continue
        res = score_file(exp, s)
        if row.get("external"):
            libs, note = elf_truth_now(row)
            if note:
                notes.append(note)
            got = {l.get("name") for l in s.get("libraries") or [] if isinstance(l, dict)}
            t = lib_pairs.setdefault(fam, [0, 0, 0])
            t[0] += len(got & set(libs))
            t[1] += len(got)
            t[2] += len(libs)
            if got != set(libs):
                misses.append({"path": key, "family": fam, "metric": "libraries", "expected": libs, "fx": sorted(got)})
        for metric, hit in res.items():
            cell = table.setdefault((fam, metric), [0, 0])
            cell[0] += 1
            cell[1] += int(hit)
            if not hit:
                miss = {"path": key, "family": fam, "metric": metric, "expected": expected_for(metric, exp), "fx": said(s)}
                if metric == "no_pqc_claim":
                    miss["claimed_in"] = sorted(pqc_claims(s))
                misses.append(miss)
    for fam, (tp, nfx, ntruth) in lib_pairs.items():
        table[(fam, "libraries_precision")] = [nfx, tp]
        table[(fam, "libraries_recall")] = [ntruth, tp]
    return table, misses, notes, missing


def expected_for(metric, exp):
    if metric == "key_size":
        return {k: exp.get(k) for k in ("algorithm", "key_bits", "curve") if k in exp}
    if metric in ("algorithm",) and "algorithm_any" in exp:
        return exp["algorithm_any"]
    if metric in ("pqc_named",):
        return exp.get("pqc_algorithm")
    if metric == "pqc_oid_name":
        return {"algorithm": exp.get("algorithm"), "oid": exp.get("oid")}
    if metric == "no_pqc_claim":
        return "no PQC name"
    if metric == "no_algorithm":
        return "no algorithm"
    if metric in ("failure", "clean"):
        return exp.get("failures")
    if metric == "container" and "container_any" in exp:
        return exp["container_any"]
    return exp.get({"hashcat_mode": "hashcat_mode"}.get(metric, metric))


def aggregate(table, families=None, metric=None):
    n = hits = 0
    for (fam, m), (cn, ch) in table.items():
        if m == metric and (families is None or fam in families):
            n += cn
            hits += ch
    return n, hits


def fmt_acc(n, hits):
    return f"{hits / n:.4f}" if n else "-"


def compare_dirs(a, b):
    """Byte comparison of telemetry/, features/, reports/ of two runs."""
    diffs = []
    for part in ("telemetry", "features", "reports"):
        fa, fb = {}, {}
        for base, store in ((a, fa), (b, fb)):
            top = os.path.join(base, part)
            for root, _, files in os.walk(top):
                for f in files:
                    p = os.path.join(root, f)
                    store[os.path.relpath(p, base)] = p
        for k in sorted(set(fa) | set(fb)):
            if k not in fa or k not in fb:
                diffs.append(f"{k}: only in {'first' if k in fa else 'second'} run")
                continue
            with open(fa[k], "rb") as x, open(fb[k], "rb") as y:
                if x.read() != y.read():
                    diffs.append(f"{k}: differs")
    return diffs


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--run", required=True)
    ap.add_argument("--run2", help="a second run of the same corpus: telemetry/, features/, reports/ must be byte-identical")
    ap.add_argument("--truth", default=os.path.join(CORPUS, "truth.jsonl"))
    ap.add_argument("--misses", help="write every miss (path, metric, expected, what fx said) as JSON lines here")
    ap.add_argument("--show-misses", type=int, default=0, help="also print the first N misses of each family/metric")
    ap.add_argument("--check", help="thresholds JSON: exit 1 when a figure is below it")
    ap.add_argument("--write-thresholds", help="write the hits achieved now as the thresholds JSON")
    ap.add_argument("--json", help="write the table as JSON here")
    args = ap.parse_args()

    try:
        truth_rows = load_jsonl(args.truth)
        table, misses, notes, missing = evaluate(args.run, truth_rows)
    except (OSError, ValueError, KeyError) as e:
        print(f"accuracy: {e}", file=sys.stderr)
        return 2

    determinism = None
    if args.run2:
        diffs = compare_dirs(args.run, args.run2)
        determinism = not diffs

    fams = sorted({f for f, _ in table})
    print(f"{'family/metric':44} {'n':>6} {'hits':>6} {'accuracy':>9}")
    for fam in fams:
        for m in METRICS:
            if (fam, m) in table:
                n, h = table[(fam, m)]
                print(f"{fam + '/' + m:44} {n:>6} {h:>6} {fmt_acc(n, h):>9}")
    print()
    for m in METRICS:
        n, h = aggregate(table, None, m)
        if n:
            print(f"{'ALL/' + m:44} {n:>6} {h:>6} {fmt_acc(n, h):>9}")
    print()
    print("targets (issue 12):")
    for name, families, metric, goal in TARGETS:
        n, h = aggregate(table, families, metric)
        if not n:
            continue
        ok = (h == n) if goal == 1.0 else (h / n >= goal)
        extra = f"  ({n - h} miss{'es' if n - h != 1 else ''})" if goal == 1.0 else ""
        print(f"  [{'met' if ok else 'not met'}] {name}: {h}/{n} = {fmt_acc(n, h)}{extra}")
    if determinism is not None:
        print(f"  [{'met' if determinism else 'not met'}] two runs give byte-identical telemetry/, features/, reports/"
              + ("" if determinism else f": {len(diffs)} file(s) differ, e.g. {diffs[:3]}"))
    for fam, paths in sorted(missing.items()):
        print(f"skipped in {fam}: {len(paths)} file(s) absent on this machine or without a job "
              f"(e.g. {paths[0]}; install the packages listed in docs/accuracy.md)", file=sys.stderr)
    for n in notes[:20]:
        print(f"note: {n}", file=sys.stderr)

    misses.sort(key=lambda m: (m["family"], m["metric"], m["path"]))
    if args.misses:
        with open(args.misses, "w", encoding="utf-8") as f:
            for m in misses:
                f.write(json.dumps(m, sort_keys=True, ensure_ascii=False) + "\n")
    if args.show_misses:
        shown = {}
        print("\nmisses:")
        for m in misses:
            k = (m["family"], m["metric"])
            shown[k] = shown.get(k, 0) + 1
            if shown[k] <= args.show_misses:
                print(f"  {m['family']}/{m['metric']}: {m['path']}\n      expected {json.dumps(m['expected'])}\n      fx said  {json.dumps(m['fx'])}")

    current = {f"{fam}/{m}": {"n": n, "hits": h} for (fam, m), (n, h) in sorted(table.items())}
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"figures": current, "determinism": determinism, "missing": missing}, f, indent=1, sort_keys=True)
    if args.write_thresholds:
        out = {"_comment": ["Hits fx achieves on tests/corpus per family/metric (n = files scored). These are floors",
                            "that may only go up: tests/accuracy.rs fails when a figure drops below its hits or when n",
                            "changes (for libraries_precision, n is the pairs fx names: its wrong ones may not rise).",
                            "Regenerate after an improvement (or after regenerating the corpus) with",
                            "FX_BIN_DIR=target/debug pipelines/bench/accuracy.sh --determinism --write-thresholds"],
               "figures": current}
        if determinism is not None:
            out["determinism"] = determinism
        skipped = sorted(missing)
        if skipped:
            out["incomplete_families"] = skipped
        with open(args.write_thresholds, "w") as f:
            json.dump(out, f, indent=1, sort_keys=True)
            f.write("\n")
        print(f"thresholds written to {args.write_thresholds}", file=sys.stderr)
    if args.check:
        with open(args.check) as f:
            th = json.load(f)
        bad = []
        for key, want in sorted(th.get("figures", {}).items()):
            fam = key.split("/")[0]
            if fam in missing:
                print(f"check: {key} not checked: {len(missing[fam])} file(s) of {fam} absent here", file=sys.stderr)
                continue
            got = current.get(key)
            if key.endswith("/libraries_precision") and got is not None:
                # n = the pairs fx names, so it moves: true positives may not drop, false positives may not rise
                if got["hits"] < want["hits"] or got["n"] - got["hits"] > want["n"] - want["hits"]:
                    bad.append(f"{key}: {got['hits']} right of {got['n']} named, below the threshold "
                               f"({want['hits']} right, at most {want['n'] - want['hits']} wrong)")
                continue
            if got is None:
                bad.append(f"{key}: no longer scored (expected n={want['n']})")
            elif got["n"] != want["n"]:
                bad.append(f"{key}: n changed {want['n']} -> {got['n']} (corpus changed: regenerate the thresholds)")
            elif got["hits"] < want["hits"]:
                bad.append(f"{key}: {got['hits']}/{got['n']} hits, below the threshold {want['hits']}")
        if th.get("determinism") and determinism is False:
            bad.append("determinism: the two runs differ")
        if bad:
            print("accuracy check FAILED:", file=sys.stderr)
            for b in bad:
                print("  " + b, file=sys.stderr)
            return 1
        print(f"accuracy check passed ({len(th.get('figures', {}))} figures)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
