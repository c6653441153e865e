#!/usr/bin/env python3
"""The fx batch on Apache Spark: the per-job stages under ``RDD.pipe``.

    pipelines/spark_batch.py [--master URL] [--partitions P] [-j N] [-L]
        [--policy FILE] [--case C] [--source S] [--tenant T] [--intake I]
        [--cache DIR] INPUT... RUN

The same arguments as ``pipelines/forensics-batch.sh``, plus the Spark
master (default ``local[*]``) and the number of partitions. The run:

1. ``fx-ingest`` on the driver writes the blob store, the run manifest and
   the job lines (``RUN/spark/jobs.jsonl``);
2. Spark reads the job lines in ``P`` partitions and pipes each partition
   through ``fx-route | fx-inspect | fx-probe | fx-fingerprint``, every
   stage with ``-j1`` (the executors' cores are the parallelism); the
   partitions' output lines are saved under ``RUN/spark/staged/``;
3. ``fx-weakkeys --stream`` (the weak-key audit, over the whole run; a
   pass-through unless the policy allows heavy work) and ``fx-seq`` on the
   driver merge the partitions (fx-seq restores the
   ``artifact_seq`` order, whatever order they come back in), then
   ``fx-features`` and ``fx-report`` run as in the local batch.

The telemetry, features, reports and manifests are byte-identical to
``forensics-batch.sh`` over the same inputs (DESIGN §5): the evidence does
not depend on the engine, the partitioning or the number of executors.
``RUN`` must be a path every executor sees (shared storage); the fx
commands and the tools of the profile must be at the same paths on every
executor (the flake's Nix store paths are). docs/spark.md says how to
submit it to a cluster.

Commands are taken from ``$FX_BIN_DIR`` when set, else from ``PATH``, else
from this checkout's ``target/release`` (built when missing or stale).
PySpark is installed by ``pipelines/setup.sh`` into ``target/python``: run
this script with ``target/python/bin/python3``.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import NoReturn

REPO = Path(__file__).resolve().parent.parent
NAME = "spark_batch"

# The per-job stages, in pipeline order; each partition runs all of them.
PARTITION_STAGES = ("fx-route", "fx-inspect", "fx-probe", "fx-fingerprint")

# Runs one partition: the job lines on stdin through the per-job stages with
# -j1. Like forensics-batch.sh, each stage's messages are kept apart so that
# a failed stage is reported once, not as a cascade from the ones behind it.
# Arguments: $0 = the directory of the fx commands ('' for PATH), $1 = RUN,
# then the options every stage gets (--cache DIR).
PARTITION_SCRIPT = r"""
set -uo pipefail
bin=$0 run=$1
shift
names=(fx-route fx-inspect fx-probe fx-fingerprint)
errs=$(mktemp -d) || exit 1
trap 'rm -rf "$errs"' EXIT
"${bin}fx-route" --run "$run" -j 1 "$@" 2>"$errs/0" \
  | "${bin}fx-inspect" --run "$run" -j 1 "$@" 2>"$errs/1" \
  | "${bin}fx-probe" --run "$run" -j 1 "$@" 2>"$errs/2" \
  | "${bin}fx-fingerprint" --run "$run" -j 1 "$@" 2>"$errs/3"
st=("${PIPESTATUS[@]}")
for i in 0 1 2 3; do
  cat "$errs/$i" >&2
  if [ "${st[$i]}" != 0 ]; then
    echo "spark_batch: in a partition, ${names[$i]} failed (exit ${st[$i]})" >&2
    exit "${st[$i]}"
  fi
done
"""

# Spark's own log lines are noise beside the batch's output: a task whose
# stages failed is logged as pages of Java and Python stack, where the
# stage's own message and the batch's one line say it better. The level is
# FX_SPARK_LOG_LEVEL (default fatal; warn brings Spark's log back). The
# org.apache.spark logger is set to the root's level on purpose: PySpark
# counts as an interactive shell, and Spark announces on stderr at start
# when its level differs from the root's. Hadoop's warning about its missing
# native library (it falls back to Java) is dropped.
LOG4J2 = """\
rootLogger.level = @LEVEL@
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{yy/MM/dd HH:mm:ss} %p %c{1}: %m%n
logger.spark.name = org.apache.spark
logger.spark.level = @LEVEL@
logger.hadoop.name = org.apache.hadoop
logger.hadoop.level = error
"""


class BatchError(Exception):
    """A step of the batch failed; ``code`` is the exit status to give."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


def die(message: str, code: int = 2) -> NoReturn:
    """Prints a one-line error and exits."""
    print(f"{NAME}: {message}", file=sys.stderr)
    sys.exit(code)


def parse_args(argv: list[str]) -> argparse.Namespace:
    """The batch's options (forensics-batch.sh's), plus the Spark ones."""
    p = argparse.ArgumentParser(
        prog="spark_batch.py",
        description="The fx batch with the per-job stages under Spark RDD.pipe.",
    )
    p.add_argument("--master", default=os.environ.get("FX_SPARK_MASTER", "local[*]"),
                   help="Spark master URL (default local[*], or $FX_SPARK_MASTER)")
    p.add_argument("--partitions", type=int, default=0,
                   help="partitions of the job lines (default: the engine's parallelism)")
    p.add_argument("-j", dest="jobs", type=int,
                   help="threads of fx-ingest and fx-seq on the driver")
    p.add_argument("-L", "--follow", action="store_true",
                   help="follow symlinks inside the INPUT directories (fx-ingest)")
    for opt in ("--policy", "--case", "--source", "--tenant", "--intake"):
        p.add_argument(opt, help=f"passed to fx-ingest ({opt})")
    p.add_argument("--cache", metavar="DIR",
                   help="module cache shared across runs, passed to the per-job stages "
                        "(a path every executor sees)")
    p.add_argument("paths", nargs="+", metavar="INPUT... RUN")
    args = p.parse_args(argv)
    if len(args.paths) < 2:
        p.error("give at least one INPUT and the RUN directory")
    if args.partitions < 0:
        p.error("--partitions must be positive")
    if args.jobs is not None and args.jobs < 1:
        p.error("-j must be at least 1")
    return args


def bin_dir() -> str:
    """The directory of the fx commands, with a trailing slash ('' = PATH)."""
    env = os.environ.get("FX_BIN_DIR")
    if env:
        return str(Path(env).resolve()) + "/"
    if shutil.which("fx-ingest") and not os.environ.get("FX_PREFER_CHECKOUT"):
        return ""
    release = REPO / "target" / "release"
    report = release / "fx-report"
    stale = not report.exists()
    if not stale:
        built = report.stat().st_mtime
        for root in (REPO / "crates", REPO / "bin"):
            for path in root.rglob("*"):
                if path.is_file() and path.stat().st_mtime > built:
                    stale = True
                    break
            if stale:
                break
        for f in ("Cargo.toml", "Cargo.lock"):
            stale = stale or (REPO / f).stat().st_mtime > built
    if stale:
        print(f"{NAME}: building fx (cargo build --release)…", file=sys.stderr)
        subprocess.run(["cargo", "build", "--release", "--quiet", "--bins"],
                       cwd=REPO, check=True)
    return str(release) + "/"


def run_step(name: str, cmd: list[str], **kw) -> subprocess.CompletedProcess:
    """Runs a driver-side step; a failure becomes a BatchError naming it."""
    proc = subprocess.run(cmd, **kw)
    if proc.returncode != 0:
        raise BatchError(f"{name} failed (exit {proc.returncode}); the batch stopped there",
                         proc.returncode if proc.returncode > 0 else 1)
    return proc


def ingest(bins: str, args: argparse.Namespace, inputs: list[str], run: Path,
           jobs_file: Path) -> None:
    """fx-ingest on the driver: blobs, manifest, and the job lines to a file."""
    cmd = [f"{bins}fx-ingest", "--run", str(run)]
    if args.follow:
        cmd.append("--follow")
    for opt in ("policy", "case", "source", "tenant", "intake"):
        value = getattr(args, opt)
        if value is not None:
            cmd += [f"--{opt}", value]
    if args.jobs:
        cmd += ["-j", str(args.jobs)]
    cmd += inputs
    tmp = jobs_file.with_suffix(".partial")
    with open(tmp, "wb") as out:
        run_step("fx-ingest", cmd, stdout=out)
    os.replace(tmp, jobs_file)


def spark_context(master: str, log_conf: Path):
    """A SparkContext for the batch, quiet, with no UI."""
    try:
        from pyspark import SparkConf, SparkContext
    except ImportError:
        die("PySpark is not installed here: run pipelines/setup.sh, then use "
            f"{REPO / 'target/python/bin/python3'}", 1)
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    # Spark puts SPARK_CONF_DIR on the JVM's class path, where log4j2 finds
    # log4j2.properties; a cluster's own configuration directory is kept.
    os.environ.setdefault("SPARK_CONF_DIR", str(log_conf.parent))
    java_opts = f"-Dlog4j2.configurationFile=file:{log_conf}"
    conf = (
        SparkConf()
        .setMaster(master)
        .setAppName("fx-batch")
        .set("spark.ui.enabled", "false")
        .set("spark.ui.showConsoleProgress", "false")
        .set("spark.driver.extraJavaOptions", java_opts)
        .set("spark.executor.extraJavaOptions", java_opts)
        # A failed stage fails its task; retrying it would give the same
        # failure, so the batch stops at the first one.
        .set("spark.task.maxFailures", "1")
    )
    if master.startswith("local"):
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        conf.set("spark.driver.host", "127.0.0.1").set("spark.driver.bindAddress", "127.0.0.1")
    return SparkContext(conf=conf)


def stage_env() -> dict[str, str]:
    """The environment of the partition pipelines (RDD.pipe starts them with
    only what it is given): the driver's PATH, locale and temp dir, and the
    FX_ variables the stages read."""
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "TZ")
    env = {k: v for k, v in os.environ.items() if k in keep or k.startswith("FX_")}
    env.setdefault("PATH", "/usr/bin:/bin")
    return env


def per_job_stages(sc, bins: str, run: Path, jobs_file: Path, staged: Path,
                   partitions: int, stage_opts: list[str]) -> int:
    """Pipes the job lines' partitions through the per-job stages; returns
    the number of partitions."""
    n = partitions or max(sc.defaultParallelism, 1)
    lines = sc.textFile(jobs_file.as_uri(), minPartitions=n)
    # pipe() splits its command with shlex: quote every word.
    command = " ".join(shlex.quote(w) for w in
                       ["bash", "-c", PARTITION_SCRIPT, bins, str(run), *stage_opts])
    lines.pipe(command, env=stage_env(), checkCode=True).saveAsTextFile(staged.as_uri())
    return lines.getNumPartitions()


def merge(bins: str, args: argparse.Namespace, run: Path, staged: Path) -> None:
    """fx-weakkeys --stream, then fx-seq, on the driver over every
    partition's output, in any order. The weak-key audit checks the keys of
    the whole run against each other, so it runs here, once, not in the
    partitions; under a policy without heavy work it passes the lines on."""
    jobs = ["-j", str(args.jobs)] if args.jobs else []
    audit = subprocess.Popen(
        [f"{bins}fx-weakkeys", "--run", str(run), "--stream", *jobs],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    seq = subprocess.Popen([f"{bins}fx-seq", "--run", str(run), *jobs],
                           stdin=audit.stdout)
    assert audit.stdin is not None and audit.stdout is not None
    audit.stdout.close()  # fx-seq holds it now
    parts = sorted(p for p in staged.iterdir() if p.name.startswith("part-"))
    try:
        for part in parts:
            with open(part, "rb") as f:
                shutil.copyfileobj(f, audit.stdin, 1 << 20)
        audit.stdin.close()
    except BrokenPipeError:
        pass
    audit_code = audit.wait()
    code = seq.wait()
    if audit_code != 0:
        raise BatchError(
            f"fx-weakkeys failed (exit {audit_code}); the batch stopped there", audit_code)
    if code != 0:
        raise BatchError(f"fx-seq failed (exit {code}); the batch stopped there", code)


def engine_error(text: str) -> str:
    """One line for a failed Spark job: a partition's stage (whose own
    message is already on stderr), or the engine's deepest cause."""
    if "PIPE_FUNCTION_EXITED" in text:
        return ("the per-job stages failed in a partition (the failed stage's message "
                "is above); the batch stopped there")
    causes = [l.strip() for l in text.splitlines()
              if l.strip().startswith("Caused by:") or "Exception:" in l]
    cause = causes[-1] if causes else next((l for l in text.splitlines() if l.strip()), "")
    return (f"Spark failed: {cause[:300]} (FX_SPARK_LOG_LEVEL=warn shows Spark's own log)")


def write_metrics(run: Path, facts: dict) -> None:
    """RUN/metrics/spark_batch.json: how the engine ran (not evidence)."""
    metrics = run / "metrics"
    metrics.mkdir(parents=True, exist_ok=True)
    tmp = metrics / "spark_batch.json.partial"
    tmp.write_text(json.dumps(facts, indent=2, sort_keys=True) + "\n")
    os.replace(tmp, metrics / "spark_batch.json")


def main(argv: list[str]) -> int:
    """Runs the batch; returns the exit status."""
    args = parse_args(argv)
    *inputs, run_arg = args.paths
    run = Path(run_arg).resolve()
    for i in inputs:
        if not os.path.lexists(i):
            die(f"{i}: no such file or directory")
    bins = bin_dir()
    work = run / "spark"
    staged = work / "staged"
    jobs_file = work / "jobs.jsonl"
    timings: dict[str, float] = {}

    def timed(name: str, fn, *a):
        t = time.monotonic()
        out = fn(*a)
        timings[name] = round(time.monotonic() - t, 3)
        return out

    run.mkdir(parents=True, exist_ok=True)
    # A run cut short (a kill, a failed task) leaves partition output behind;
    # the same command again starts the engine's part afresh.
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    timed("ingest_s", ingest, bins, args, inputs, run, jobs_file)

    with tempfile.TemporaryDirectory(prefix="fx-spark-") as tmp:
        log_conf = Path(tmp) / "log4j2.properties"
        level = os.environ.get("FX_SPARK_LOG_LEVEL", "fatal")
        log_conf.write_text(LOG4J2.replace("@LEVEL@", level))
        t = time.monotonic()
        sc = spark_context(args.master, log_conf)
        timings["engine_start_s"] = round(time.monotonic() - t, 3)
        try:
            sc.setLogLevel("ERROR")
            stage_opts = ["--cache", str(Path(args.cache).resolve())] if args.cache else []
            parts = timed("per_job_stages_s", per_job_stages, sc, bins, run, jobs_file,
                          staged, args.partitions, stage_opts)
            parallelism = sc.defaultParallelism
        except Exception as e:  # the engine's error is a Java stack: say it in a line
            raise BatchError(engine_error(str(e))) from None
        finally:
            sc.stop()

    timed("seq_s", merge, bins, args, run, staged)
    timed("features_s", run_step, "fx-features", [f"{bins}fx-features", "--run", str(run)])
    timed("report_s", run_step, "fx-report", [f"{bins}fx-report", "--run", str(run)])
    shutil.rmtree(work)
    write_metrics(run, {"master": args.master, "partitions": parts,
                        "default_parallelism": parallelism, "seconds": timings})
    return 0


if __name__ == "__main__":
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    try:
        sys.exit(main(sys.argv[1:]))
    except BatchError as e:
        print(f"{NAME}: {e}", file=sys.stderr)
        sys.exit(e.code)
    except KeyboardInterrupt:
        sys.exit(130)
