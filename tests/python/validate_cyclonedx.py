#!/usr/bin/env python3
"""Validates a CycloneDX JSON document against the official schema of its
version, with the validator of cyclonedx-python-lib (which ships the
bom-1.6/1.7 schemas and the spdx, jsf and cryptography-defs schemas they
reference). Installed by pipelines/setup.sh into target/python.

usage: validate_cyclonedx.py FILE VERSION   (VERSION: 1.6 or 1.7)
exit 0 valid, 1 invalid (errors on stdout), 2 usage, 3 package missing.
"""
import sys

try:
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator
except ImportError as e:  # pragma: no cover
    print(f"cyclonedx-python-lib is missing: {e}", file=sys.stderr)
    sys.exit(3)


def main() -> int:
    if len(sys.argv) != 3 or sys.argv[2] not in ("1.6", "1.7"):
        print(__doc__, file=sys.stderr)
        return 2
    version = {"1.6": SchemaVersion.V1_6, "1.7": SchemaVersion.V1_7}[sys.argv[2]]
    with open(sys.argv[1], encoding="utf-8") as f:
        data = f.read()
    errors = JsonStrictValidator(version).validate_str(data, all_errors=True)
    if errors:
        for e in list(errors)[:20]:
            print(e)
        return 1
    print(f"valid CycloneDX {sys.argv[2]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
