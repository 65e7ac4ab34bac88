#!/usr/bin/env python3
"""Run mcpscore against lustores-mcp and fail on any failing rule not listed in mcpscore-exceptions.txt.

    python mcpscore_check.py stdio -- /path/to/lustores-mcp serve --database X
    python mcpscore_check.py http URL KEY

Prints the failing rules and the score; exit status 0 when every failing rule is a listed exception
(applicable rules otherwise all pass), 1 otherwise, 2 on usage or when mcpscore produced no report.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))


def exceptions() -> dict[str, str]:
    listed: dict[str, str] = {}
    with open(os.path.join(HERE, "mcpscore-exceptions.txt"), encoding="utf-8") as file:
        for line in file:
            line = line.strip()
            if line and not line.startswith("#"):
                rule, _, reason = line.partition("  ")
                listed[rule] = reason.strip()
    return listed


def failing(report: Any) -> set[str]:
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "rule_id" in node and node.get("passed") is False:
                found.add(node["rule_id"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(report)
    return found


def main() -> int:
    mcpscore = os.path.join(os.path.dirname(sys.executable), "mcpscore")
    if len(sys.argv) >= 4 and sys.argv[1] == "stdio" and sys.argv[2] == "--":
        command = [mcpscore, "--no-config", "--json", "--stdio", *sys.argv[3:]]
    elif len(sys.argv) == 4 and sys.argv[1] == "http":
        command = [mcpscore, "--no-config", "--json", "--token", sys.argv[3], sys.argv[2]]
    else:
        print(__doc__, file=sys.stderr)
        return 2
    run = subprocess.run(command, capture_output=True, text=True, timeout=600)
    try:
        report = json.loads(run.stdout)
    except json.JSONDecodeError:
        print(f"mcpscore wrote no JSON report (exit {run.returncode}):\n{run.stderr[-4000:]}", file=sys.stderr)
        return 2
    failed = failing(report)
    listed = exceptions()
    unexpected = sorted(failed - listed.keys())
    print(json.dumps({"score": report.get("score"), "max_score": report.get("max_score"), "failing": sorted(failed),
                      "unexpected": unexpected}))
    for rule in unexpected:
        print(f"UNEXPECTED FAILURE {rule}", file=sys.stderr)
    return 1 if unexpected else 0


if __name__ == "__main__":
    sys.exit(main())
