#!/usr/bin/env python3
"""Benchmark of analyze_sales through the whole stdio path (stdlib only).

    python3 Tests/Benchmarks/analyze_sales.py [--sales 1000000] [--items 10000] [--samples 200] [--keep]

Builds the release binary, writes a demo database of N sales with `lustores-mcp demo-data`
(timed; reused from .build/bench-data/analysis-N.sqlite when it exists), starts `lustores-mcp serve`
on it, and times sequential tools/call requests (write -> answer line) of analyze_sales for every
group_by over the last full year of the data, printing p50/p99 in microseconds per grouping.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GROUPINGS = ["charge_code", "status", "day", "week", "month", "item", "category"]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sales", type=int, default=1_000_000)
    ap.add_argument("--items", type=int, default=10_000)
    ap.add_argument("--samples", type=int, default=200)
    ap.add_argument("--from", dest="start", default="2025-12-01")
    ap.add_argument("--to", dest="end", default="2026-12-01")
    ap.add_argument("--timezone", default="Europe/London")
    args = ap.parse_args()
    subprocess.run(["swift", "build", "-c", "release"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    binary = os.path.join(ROOT, ".build", "release", "lustores-mcp")
    out = os.path.join(ROOT, ".build", "bench-data")
    os.makedirs(out, exist_ok=True)
    database = os.path.join(out, f"analysis-{args.sales}.sqlite")
    if not os.path.exists(database):
        started = time.monotonic()
        subprocess.run([binary, "demo-data", "--database", database, "--sales", str(args.sales),
                        "--items", str(args.items)], check=True, stdout=subprocess.DEVNULL)
        print(f"demo-data --sales {args.sales} --items {args.items}: {time.monotonic() - started:.1f} s", file=sys.stderr)
    env = dict(os.environ, LUSTORES_TIMEZONE=args.timezone)
    server = subprocess.Popen([binary, "serve", "--database", database], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    ident = 0

    def call(message: dict) -> dict:
        nonlocal ident
        ident += 1
        message = dict(message, jsonrpc="2.0", id=ident)
        server.stdin.write((json.dumps(message) + "\n").encode())
        server.stdin.flush()
        return json.loads(server.stdout.readline())

    call({"method": "initialize", "params": {"protocolVersion": "2025-06-18", "capabilities": {},
                                              "clientInfo": {"name": "bench", "version": "1"}}})
    server.stdin.write(b'{"jsonrpc":"2.0","method":"notifications/initialized"}\n')
    print(f"| group_by | groups | p50 µs | p99 µs |\n| --- | ---: | ---: | ---: |")
    for grouping in GROUPINGS:
        arguments = {"group_by": grouping, "from": args.start, "to": args.end}
        request = {"method": "tools/call", "params": {"name": "analyze_sales", "arguments": arguments}}
        answer = call(request)
        result = answer["result"]
        assert not result.get("isError"), result
        groups = len(result["structuredContent"]["groups"])
        for _ in range(5):
            call(request)
        samples = []
        for _ in range(args.samples):
            started = time.perf_counter_ns()
            call(request)
            samples.append((time.perf_counter_ns() - started) / 1000)
        samples.sort()
        p99 = samples[min(len(samples) - 1, int(len(samples) * 0.99))]
        print(f"| {grouping} | {groups} | {statistics.median(samples):.0f} | {p99:.0f} |", flush=True)
    server.stdin.close()
    server.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
