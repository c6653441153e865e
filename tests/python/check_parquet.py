#!/usr/bin/env python3
"""Reads fx-features tables with DuckDB and checks them against the schema.

    check_parquet.py FEATURES_DIR EXPECTED_ROWS [--recipe RECIPE.md RUN]

* the Parquet file has exactly the columns of feature_schema.json, in order,
  with the DuckDB types of their schema types, and EXPECTED_ROWS rows;
* the CSV file, read with those types, holds exactly the same rows (nulls
  and empty strings included);
* with --recipe, every ```sql block of the recipe runs against RUN (its
  `SET VARIABLE run = '…'` line pointed at RUN) and every SELECT returns rows.

Exit codes: 0 ok, 1 a check failed, 3 the duckdb package is missing.
"""
import json
import re
import sys

try:
    import duckdb
except ImportError:
    print("missing Python package 'duckdb': install it with `pip install duckdb`", file=sys.stderr)
    sys.exit(3)

DUCKDB_TYPES = {"int8": "TINYINT", "int64": "BIGINT", "float64": "DOUBLE", "string": "VARCHAR"}


def fail(msg):
    print(f"check_parquet: {msg}", file=sys.stderr)
    sys.exit(1)


def sql_str(s):
    return "'" + s.replace("'", "''") + "'"


def main(argv):
    if len(argv) not in (3, 6):
        fail("usage: check_parquet.py FEATURES_DIR EXPECTED_ROWS [--recipe RECIPE.md RUN]")
    features, expected = argv[1], int(argv[2])
    with open(f"{features}/feature_schema.json", encoding="utf-8") as f:
        schema = json.load(f)
    columns = schema["columns"]
    con = duckdb.connect()
    pq = f"read_parquet({sql_str(features + '/features.parquet')})"

    described = con.execute(f"DESCRIBE SELECT * FROM {pq}").fetchall()
    got = [(row[0], row[1]) for row in described]
    want = [(c["name"], DUCKDB_TYPES[c["type"]]) for c in columns]
    if got != want:
        diff = [(g, w) for g, w in zip(got, want) if g != w][:5]
        fail(f"Parquet columns differ from feature_schema.json ({len(got)} vs {len(want)}): {diff}")

    rows = con.execute(f"SELECT count(*) FROM {pq}").fetchone()[0]
    if rows != expected:
        fail(f"Parquet has {rows} rows, expected {expected}")

    types = ", ".join(f"{sql_str(c['name'])}: {sql_str(DUCKDB_TYPES[c['type']])}" for c in columns)
    csv = (
        f"read_csv({sql_str(features + '/features.csv')}, header = true, delim = ',', quote = '\"', "
        f"escape = '\"', allow_quoted_nulls = false, auto_detect = false, columns = {{{types}}})"
    )
    for a, b in ((pq, csv), (csv, pq)):
        extra = con.execute(f"SELECT count(*) FROM (SELECT * FROM {a} EXCEPT ALL SELECT * FROM {b})").fetchone()[0]
        if extra:
            fail(f"CSV and Parquet differ: {extra} rows of one are not in the other")
    csv_rows = con.execute(f"SELECT count(*) FROM {csv}").fetchone()[0]
    if csv_rows != expected:
        fail(f"CSV has {csv_rows} rows, expected {expected}")

    # Missing evidence is null, not zero: an unreadable artifact has no size.
    nulls = con.execute(f"SELECT count(*) FROM {pq} WHERE readable = 0 AND size IS NOT NULL").fetchone()[0]
    if nulls:
        fail(f"{nulls} unreadable artifacts have a size")

    if len(argv) == 6:
        if argv[3] != "--recipe":
            fail("expected --recipe")
        run_recipe(argv[4], argv[5])
    print(f"check_parquet: ok ({rows} rows, {len(columns)} columns, duckdb {duckdb.__version__})")


def run_recipe(path, run):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    blocks = re.findall(r"```sql\n(.*?)```", text, flags=re.S)
    if not blocks:
        fail(f"{path}: no ```sql block")
    con = duckdb.connect()
    for i, block in enumerate(blocks, 1):
        block = re.sub(r"SET VARIABLE run = '[^']*';", f"SET VARIABLE run = {sql_str(run)};", block)
        try:
            cur = con.execute(block)
            is_query = block.lstrip().upper().startswith("SELECT")
            rows = cur.fetchall() if is_query else None
        except Exception as e:  # noqa: BLE001 - report any DuckDB error with the block
            fail(f"{path}: sql block {i} failed: {e}\n{block}")
        if block.lstrip().upper().startswith("SELECT") and not rows:
            fail(f"{path}: sql block {i} returned no rows\n{block}")
    print(f"check_parquet: recipe ok ({len(blocks)} sql blocks)")


if __name__ == "__main__":
    main(sys.argv)
