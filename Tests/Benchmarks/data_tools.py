#!/usr/bin/env python3
"""Benchmark of get_sales and get_inventory through the whole stdio path (stdlib only).

    python3 Tests/Benchmarks/data_tools.py --bench DIR [--sales 1000000] [--items 10000] [--no-peer] [--quick]

What it does, in order:
  1. builds the release binary (swift build -c release);
  2. times `lustores-mcp demo-data --sales N --items M` into a new database (the "1M sales in
     under a minute" figure), unless --no-demo;
  3. makes the benchmark harness's database with DIR/make_db.py (same N and M, seed 42),
     copies it and times the first open of the copy by our binary (migration 2 builds the sales
     totals and indexes); the Python SDK peer reads the harness's file, we read the copy: same rows;
  4. checks that both servers give the same structuredContent for every benchmark query and for
     the harness's 12 argument sets (compare.py check);
  5. runs DIR/stdio_bench.py for each query against our binary and, unless --no-peer,
     the Python SDK peer, and prints one table (p50/p99 latency of sequential calls, pipelined
     throughput, ratios) and writes it as JSON.

Everything goes to .build/bench-data/ (ignored by git). Needs the benchmark harness, which is not
part of this repository (--bench DIR or $LUSTORES_BENCH: make_db.py, stdio_bench.py, compare.py and
peers/python_sdk), with its virtual environment (.work/venv, made by its run.sh) for the peer.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
QUERIES = [  # (label, tool, arguments)
    ("sales page 1, unfiltered", "get_sales", {"limit": 50}),
    ("sales by charge code", "get_sales", {"limit": 50, "charge_code": "DEPT007"}),
    ("sales on one day", "get_sales", {"limit": 50, "date": "2026-10-01"}),
    ("sales by charge code on one day", "get_sales", {"limit": 50, "charge_code": "DEPT007", "date": "2026-10-01"}),
    ("sales page 10,000", "get_sales", {"limit": 50, "page": 10000}),
    ("inventory search", "get_inventory", {"limit": 50, "search": "kf40"}),
    ("inventory page 1", "get_inventory", {"limit": 50}),
]


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run(cmd: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, check=True, **kwargs)


def bench(bench_dir: str, name: str, cmd: list[str], tool: str, arguments: dict, latency: int, throughput: int,
          warmup: int, out: str, env: dict[str, str]) -> dict:
    """One stdio_bench.py run (no cold starts); its JSON report."""
    subprocess.run([sys.executable, os.path.join(bench_dir, "stdio_bench.py"), "--name", name, "--quiet",
                    "--skip", "cold", "--warmup", str(warmup), "--latency", str(latency),
                    "--throughput", str(throughput), "--tool", tool, "--args", json.dumps(arguments),
                    "--timeout", "120", "--load-timeout", "1200", "--no-samples", "--json", out, "--"] + cmd,
                   env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with open(out) as f:
        return json.load(f)


def figures(report: dict) -> dict:
    latency = report.get("latency", {}).get("us", {})
    return {"p50_us": latency.get("p50"), "p99_us": latency.get("p99"),
            "rps": report.get("throughput", {}).get("rps"), "ok": report.get("ok"),
            "cpu_us": report.get("throughput", {}).get("cpu_us_per_request"),
            "other_cpu_share": report.get("host", {}).get("other_cpu_share"),
            "problems": report.get("problems", [])[:3]}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sales", type=int, default=1_000_000)
    ap.add_argument("--items", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--bench", default=os.environ.get("LUSTORES_BENCH"), required="LUSTORES_BENCH" not in os.environ,
                    help="the benchmark harness's folder (default $LUSTORES_BENCH)")
    ap.add_argument("--work", default=os.path.join(ROOT, ".build", "bench-data"))
    ap.add_argument("--latency", type=int, default=2000, help="sequential calls measured per query (ours)")
    ap.add_argument("--throughput", type=int, default=5000, help="pipelined calls per query (ours)")
    ap.add_argument("--peer-latency", type=int, default=200, help="sequential calls per query (peer)")
    ap.add_argument("--peer-throughput", type=int, default=300, help="pipelined calls per query (peer)")
    ap.add_argument("--no-peer", action="store_true")
    ap.add_argument("--no-demo", action="store_true")
    ap.add_argument("--no-build", action="store_true")
    ap.add_argument("--quick", action="store_true", help="a tenth of the calls, for a smoke run")
    a = ap.parse_args()
    if a.quick:
        a.latency, a.throughput = a.latency // 10, a.throughput // 10
        a.peer_latency, a.peer_throughput = max(20, a.peer_latency // 10), max(30, a.peer_throughput // 10)
    os.makedirs(a.work, exist_ok=True)
    binary = os.path.join(ROOT, ".build", "release", "lustores-mcp")
    os.environ["LUSTORES_TIMEZONE"] = "UTC"  # the harness and its peers compute dates in UTC
    env = dict(os.environ, XDG_DATA_HOME=a.work)
    env.pop("LUSTORES_DATABASE", None)
    result: dict = {"sales": a.sales, "items": a.items, "seed": a.seed, "machine": f"{os.cpu_count()} cores",
                    "queries": []}

    if not a.no_build:
        log("bench: swift build -c release")
        t = time.perf_counter()
        run(["swift", "build", "-c", "release", "--package-path", ROOT], stdout=subprocess.DEVNULL)
        result["release_build_s"] = round(time.perf_counter() - t, 1)

    if not a.no_demo:
        demo = os.path.join(a.work, f"demo-s{a.sales}-i{a.items}-seed{a.seed}.sqlite")
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(demo + suffix):
                os.remove(demo + suffix)
        log(f"bench: demo-data --sales {a.sales} --items {a.items}")
        t = time.perf_counter()
        run([binary, "demo-data", "--sales", str(a.sales), "--items", str(a.items), "--seed", str(a.seed),
             "--database", demo], env=env, stdout=subprocess.DEVNULL)
        result["demo_data_s"] = round(time.perf_counter() - t, 1)
        result["demo_data_mib"] = round(os.path.getsize(demo) / 2**20)
        log(f"bench: demo-data took {result['demo_data_s']} s")

    kit = os.path.join(a.work, f"kit-s{a.sales}-i{a.items}-seed{a.seed}.sqlite")
    if not os.path.exists(kit):
        log("bench: make_db.py (the harness's database)")
        run([sys.executable, os.path.join(a.bench, "make_db.py"), "--out", kit, "--items", str(a.items),
             "--sales", str(a.sales), "--seed", str(a.seed)])
    ours = os.path.join(a.work, f"ours-s{a.sales}-i{a.items}-seed{a.seed}.sqlite")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(ours + suffix):
            os.remove(ours + suffix)
    shutil.copyfile(kit, ours)
    t = time.perf_counter()
    run([binary, "call", "get_status", "--database", ours], env=env, stdout=subprocess.DEVNULL)
    result["migration_2_s"] = round(time.perf_counter() - t, 1)
    log(f"bench: first open of the harness database (migration 2) took {result['migration_2_s']} s")

    ours_cmd = [binary, "serve", "--database", ours]
    peer_python = os.path.join(a.bench, ".work", "venv", "bin", "python")
    peer_cmd = [peer_python, os.path.join(a.bench, "peers", "python_sdk", "server.py"), "--database", kit]
    with_peer = not a.no_peer and os.path.exists(peer_python)
    if not a.no_peer and not with_peer:
        log(f"bench: no peer virtual environment at {peer_python} (run {a.bench}/run.sh once); ours only")

    if with_peer:
        sys.path.insert(0, a.bench)
        import compare  # noqa: E402  (the harness's module)
        calls = [(tool, arguments) for _, tool, arguments in QUERIES]
        mine = compare.session_calls(["sh", "-c", "exec " + " ".join(ours_cmd)], calls, timeout=600)
        theirs = compare.session_calls(peer_cmd, calls, timeout=600)
        same = []
        for (label, _, _), m, p in zip(QUERIES, mine, theirs):
            diff = compare.subset_diff(p["result"]["structuredContent"], m["result"]["structuredContent"])
            same.append(diff is None)
            if diff:
                log(f"bench: {label}: answers differ: {diff}")
        result["same_answers"] = all(same)
        check = subprocess.run([sys.executable, os.path.join(a.bench, "compare.py"), "check",
                                "--peer", "python_sdk=" + " ".join(peer_cmd), "--peer", "ours=" + " ".join(ours_cmd)],
                               env=env, capture_output=True, text=True)
        result["kit_check"] = check.stdout.strip().splitlines()
        log("bench: " + " | ".join(result["kit_check"]))

    for label, tool, arguments in QUERIES:
        entry = {"query": label, "tool": tool, "arguments": arguments}
        log(f"bench: {label}: ours")
        entry["ours"] = figures(bench(a.bench, "ours", ours_cmd, tool, arguments, a.latency, a.throughput, 200,
                                      os.path.join(a.work, "ours.json"), env))
        if with_peer:
            log(f"bench: {label}: python_sdk")
            entry["python_sdk"] = figures(bench(a.bench, "python_sdk", peer_cmd, tool, arguments, a.peer_latency,
                                                a.peer_throughput, 10, os.path.join(a.work, "peer.json"), env))
        result["queries"].append(entry)

    out = os.path.join(a.work, "data_tools.json")
    with open(out, "w") as f:
        json.dump(result, f, indent=1)

    def fmt(value, spec):
        return "-" if value is None else format(value, spec)

    print(f"lustores-mcp data tools, {a.sales:,} sales / {a.items:,} items, {os.cpu_count()} cores, "
          f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    if "demo_data_s" in result:
        print(f"demo-data --sales {a.sales} --items {a.items}: {result['demo_data_s']} s "
              f"({result['demo_data_mib']} MiB)")
    print(f"first open of the harness's database (migration 2: totals and indexes): {result['migration_2_s']} s")
    if with_peer:
        print(f"same structuredContent as the Python SDK peer on every query: {result['same_answers']}")
    print()
    head = "| query | ours p50 µs | ours p99 µs | ours req/s | ours CPU µs/req |"
    rule = "| --- | ---: | ---: | ---: | ---: |"
    if with_peer:
        head += " peer p50 µs | peer p99 µs | peer req/s | peer CPU µs/req | p50 ratio | req/s ratio | CPU ratio |"
        rule += " ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    print(head)
    print(rule)
    for entry in result["queries"]:
        o = entry["ours"]
        line = (f"| {entry['tool']} `{json.dumps(entry['arguments'], separators=(',', ':'))}` | "
                f"{fmt(o['p50_us'], '.0f')} | {fmt(o['p99_us'], '.0f')} | {fmt(o['rps'], '.0f')} | {fmt(o['cpu_us'], '.0f')} |")
        if with_peer:
            p = entry["python_sdk"]
            ratio_p50 = p["p50_us"] / o["p50_us"] if p["p50_us"] and o["p50_us"] else None
            ratio_rps = o["rps"] / p["rps"] if p["rps"] and o["rps"] else None
            ratio_cpu = p["cpu_us"] / o["cpu_us"] if p["cpu_us"] and o["cpu_us"] else None
            line += (f" {fmt(p['p50_us'], '.0f')} | {fmt(p['p99_us'], '.0f')} | {fmt(p['rps'], '.0f')} |"
                     f" {fmt(p['cpu_us'], '.0f')} | {fmt(ratio_p50, '.1f')}× | {fmt(ratio_rps, '.1f')}× |"
                     f" {fmt(ratio_cpu, '.1f')}× |")
        print(line)
    shares = [e[k]["other_cpu_share"] for e in result["queries"] for k in ("ours", "python_sdk") if k in e
              and e[k]["other_cpu_share"] is not None]
    if shares:
        print(f"\nother processes took up to {max(shares) * 100:.0f}% of the CPU during a run "
              f"(median {statistics.median(shares) * 100:.0f}%)")
    problems = [f"{e['query']} ({k}): {p}" for e in result["queries"] for k in ("ours", "python_sdk") if k in e
                for p in e[k]["problems"]]
    for problem in problems:
        print("problem: " + problem)
    print(f"\nreport: {out}")
    return 0 if not problems and result.get("same_answers", True) else 1


if __name__ == "__main__":
    sys.exit(main())
