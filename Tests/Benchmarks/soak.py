#!/usr/bin/env python3
"""Soak benchmark of the HTTP shim: wrk with 256 connections for 60 s against status, data and /mcp.

    python3 Tests/Benchmarks/soak.py [--duration 60] [--connections 256] [--sales 20000] [--no-build]

What it does, in order:
  1. checks that wrk is installed (Debian/Ubuntu: apt-get install wrk);
  2. builds the release binary (swift build -c release), unless --no-build;
  3. makes a database with `lustores-mcp demo-data --sales N` and a keys file of 257 hashed keys
     from `lustores-mcp keys new` (256 "good" keys and one "hot" key), and a configuration file with
     that keys file and rate limits of 5,000 a minute for status and for data: in a minute a good key
     makes about 0.14 × its class's requests per second, the hot key 15 ×, so the hot key is
     limited above about 330 req/s and no good key below about 35,000;
  4. starts `lustores-mcp http` on a free port and opens 8 MCP sessions (initialize, then
     notifications/initialized) for the /mcp target;
  5. runs three wrk processes at once for the duration, the connections split between them:
     GET /api/mcp/status, GET /api/mcp/sales?limit=50 and POST /mcp (tools/call get_inventory on
     one of the sessions). Each request's key (Tests/Benchmarks/soak.lua): 60 % one of the good keys
     (each stays under its limits), 25 % the hot key (over its limits: 429), 15 % a wrong key (401,
     then 429 from the failed-authentication limit of the address);
  6. samples the server's resident memory (VmRSS of /proc/PID/status), its open descriptors and the
     connections it closed to make room (its log) every second;
  7. checks halfway, from another address (127.0.0.2), that a good key is served (200) and the hot
     key limited (429); after the run, stops the server with SIGTERM and expects exit status 0.

It prints, per target, requests, status codes by class (and 401/429), socket errors and latency
percentiles (p50/p99/max, of every request, answered 2xx or not), then the RSS at 10 s, its peak
after 10 s and at the end. It exits 1 when any answer was 5xx, the RSS grew by 10 MiB or more
after the first 10 s, the check halfway failed or the server did not exit cleanly. Everything goes to
.build/bench-data/soak/ (ignored by git); the report is also written as soak.json there.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LUA = os.path.join(ROOT, "Tests", "Benchmarks", "soak.lua")
GOOD_KEYS = 256
RATE_LIMIT_PER_MINUTE = 5_000
SESSIONS = 8
TARGETS = ("status", "data", "mcp")
MIB = 1024 * 1024


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def make_keys(binary: str, work: str) -> tuple[str, str, str]:
    """The keys file (mode 600), the file of good plaintext keys for the wrk script, the hot key."""
    lines, good = [], []
    hot = ""
    for index in range(GOOD_KEYS + 1):
        name = f"good-{index}" if index < GOOD_KEYS else "hot"
        made = subprocess.run([binary, "keys", "new", "--name", name, "--scopes", "status,data"],
                              check=True, capture_output=True, text=True)
        key, line = made.stdout.split("\n")[:2]
        lines.append(line)
        if index < GOOD_KEYS:
            good.append(key)
        else:
            hot = key
    keys_file = os.path.join(work, "keys")
    with open(os.open(keys_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as f:
        f.write("\n".join(lines) + "\n")
    good_file = os.path.join(work, "good-keys.txt")
    with open(good_file, "w") as f:
        f.write("\n".join(good) + "\n")
    return keys_file, good_file, hot


def wait_for_port(stderr_path: str, server: subprocess.Popen, timeout: float = 60) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with open(stderr_path) as f:
            found = re.search(r"listening on http://127\.0\.0\.1:(\d+)\n", f.read())
        if found:
            return int(found.group(1))
        if server.poll() is not None:
            break
        time.sleep(0.05)
    raise SystemExit(f"the server did not start; its stderr is in {stderr_path}")


def post_mcp(url: str, key: str, message: dict, session: str | None = None) -> tuple[int, dict[str, str], bytes]:
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json",
               "Accept": "application/json, text/event-stream", "MCP-Protocol-Version": "2025-06-18"}
    if session:
        headers["Mcp-Session-Id"] = session
    request = urllib.request.Request(url + "/mcp", data=json.dumps(message).encode(), headers=headers, method="POST")
    with urllib.request.urlopen(request, timeout=30) as answer:
        return answer.status, dict(answer.headers), answer.read()


def open_session(url: str, key: str) -> str:
    initialize = {"jsonrpc": "2.0", "id": 0, "method": "initialize",
                  "params": {"protocolVersion": "2025-06-18", "capabilities": {},
                             "clientInfo": {"name": "soak", "version": "1"}}}
    status, headers, _ = post_mcp(url, key, initialize)
    session = {name.lower(): value for name, value in headers.items()}.get("mcp-session-id")
    if status != 200 or not session:
        raise SystemExit(f"initialize answered {status} without a session")
    status, _, _ = post_mcp(url, key, {"jsonrpc": "2.0", "method": "notifications/initialized"}, session)
    if status != 202:
        raise SystemExit(f"notifications/initialized answered {status}")
    return session


def statuses_of(port: int, key: str, count: int) -> dict[int, int]:
    """The statuses of `count` GET /api/mcp/status with `key`, one after another on one
    connection from 127.0.0.2 (wrk's connections fill 127.0.0.1's cap of 256), by status."""
    found: dict[int, int] = {}
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30, source_address=("127.0.0.2", 0))
    try:
        for _ in range(count):
            connection.request("GET", "/api/mcp/status", headers={"Authorization": f"Bearer {key}"})
            answer = connection.getresponse()
            answer.read()
            found[answer.status] = found.get(answer.status, 0) + 1
    finally:
        connection.close()
    return found


def evictions(server_log: str) -> int:
    """Connections the server closed to make room, by its log."""
    return sum(int(n) for n in re.findall(r"out of connection slots: closed (\d+)", server_log))


class RSSSampler(threading.Thread):
    """Once a second: seconds since start, VmRSS of `pid` in KiB, its open descriptors, and the
    connections it has closed to make room so far (from its log at `log_path`)."""

    def __init__(self, pid: int, log_path: str):
        super().__init__(daemon=True)
        self.pid = pid
        self.log_path = log_path
        self.samples: list[tuple[float, int, int, int]] = []
        self.stopping = threading.Event()

    def run(self) -> None:
        start = time.monotonic()
        while not self.stopping.is_set():
            try:
                with open(f"/proc/{self.pid}/status") as f:
                    rss = next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))
                descriptors = len(os.listdir(f"/proc/{self.pid}/fd"))
                with open(self.log_path) as f:
                    evicted = evictions(f.read())
            except (OSError, StopIteration):
                return
            self.samples.append((time.monotonic() - start, rss, descriptors, evicted))
            self.stopping.wait(1.0 - (time.monotonic() - start) % 1.0)


def peak_memory_kib(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/status") as f:
            return next(int(line.split()[1]) for line in f if line.startswith("VmHWM:"))
    except (OSError, StopIteration):
        return None


def split_connections(total: int, targets: list[str]) -> dict[str, int]:
    share = total // len(targets)
    counts = {target: share for target in targets}
    counts[targets[0]] += total - share * len(targets)
    return counts


def summarise(target: str, report: dict) -> dict:
    statuses = {int(code): count for code, count in report["statuses"].items()}
    by_class = {f"{digit}xx": sum(count for code, count in statuses.items() if code // 100 == digit) for digit in range(1, 6)}
    seconds = report["duration_us"] / 1e6
    return {"target": target, "requests": report["requests"], "req_per_s": round(report["requests"] / seconds),
            "p50_ms": report["p50_us"] / 1000, "p90_ms": report["p90_us"] / 1000, "p99_ms": report["p99_us"] / 1000,
            "max_ms": report["max_us"] / 1000, "classes": by_class, "401": statuses.get(401, 0),
            "429": statuses.get(429, 0), "statuses": statuses, "socket_errors": report["errors"]}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--duration", type=int, default=60, help="seconds of load (default 60)")
    ap.add_argument("--connections", type=int, default=256, help="connections in all, split over the three targets")
    ap.add_argument("--sales", type=int, default=20_000)
    ap.add_argument("--no-build", action="store_true", help="use the release binary as it is")
    ap.add_argument("--targets", default=",".join(TARGETS), help="some of status,data,mcp (to find what grows)")
    args = ap.parse_args()

    wrk = shutil.which("wrk")
    if not wrk:
        log("wrk is not installed: on Debian or Ubuntu, apt-get install wrk")
        return 2
    if not args.no_build:
        log("== swift build -c release")
        subprocess.run(["swift", "build", "-c", "release"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    binary = os.path.join(ROOT, ".build", "release", "lustores-mcp")
    work = os.path.join(ROOT, ".build", "bench-data", "soak")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    database = os.path.join(work, "store.sqlite")
    log(f"== demo-data --sales {args.sales}")
    subprocess.run([binary, "demo-data", "--sales", str(args.sales), "--database", database], check=True,
                   stdout=subprocess.DEVNULL)
    keys_file, good_file, hot = make_keys(binary, work)
    config = os.path.join(work, "config.json")
    with open(config, "w") as f:
        json.dump({"api_keys_file": keys_file,
                   "rate_limits": {"status": RATE_LIMIT_PER_MINUTE, "data_retrieval": RATE_LIMIT_PER_MINUTE}}, f)

    stderr_path = os.path.join(work, "server.stderr")
    environment = {name: value for name, value in os.environ.items() if not name.startswith("LUSTORES_")}
    with open(stderr_path, "w") as stderr:
        server = subprocess.Popen([binary, "http", "--port", "0", "--database", database, "--config", config],
                                  stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=stderr, env=environment)
    try:
        port = wait_for_port(stderr_path, server)
        url = f"http://127.0.0.1:{port}"
        good = open(good_file).read().split()
        sessions = [open_session(url, good[index]) for index in range(SESSIONS)]
        # The sessions' connections count against the address's cap of 256 until the server has
        # seen them close; wrk's 256 arriving before that would cost one of them its slot.
        time.sleep(1)
        sampler = RSSSampler(server.pid, stderr_path)
        sampler.start()
        load_before = os.getloadavg()
        log(f"== wrk, {args.connections} connections for {args.duration} s against {url} (load average {load_before[0]:.2f})")
        runs = {}
        for target, connections in split_connections(args.connections, args.targets.split(",")).items():
            command = [wrk, "-t1", f"-c{connections}", f"-d{args.duration}s", "--latency", "--timeout", "10s",
                       "-s", LUA, url, "--", target, good_file, hot]
            if target == "mcp":
                command.append(",".join(sessions))
            runs[target] = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        # Halfway (at most 30 s in, before its first minute's requests leave the window), while the
        # hot key's window is full: a good key is served, the hot key is not.
        time.sleep(min(30, args.duration / 2))
        midway = {"good key": statuses_of(port, good[-1], 10), "hot key": statuses_of(port, hot, 20)}
        reports = {}
        for target, run in runs.items():
            output = run.communicate()[0]
            found = re.search(r"^SOAK (\{.*\})$", output, re.MULTILINE)
            if run.returncode != 0 or not found:
                log(output)
                raise SystemExit(f"wrk against {target} failed")
            reports[target] = summarise(target, json.loads(found.group(1)))
        load_after = os.getloadavg()
        peak_kib = peak_memory_kib(server.pid)
        sampler.stopping.set()
        sampler.join()
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            exit_status = server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
            exit_status = None

    samples = [sample for sample in sampler.samples if sample[0] <= args.duration + 0.5]
    settled = next((rss for seconds, rss, _, _ in samples if seconds >= 10), samples[-1][1])
    later = [rss for seconds, rss, _, _ in samples if seconds >= 10] or [settled]
    rss = {"at_10s_mib": settled / 1024, "peak_after_10s_mib": max(later) / 1024, "end_mib": samples[-1][1] / 1024,
           "growth_after_10s_mib": (max(later) - settled) / 1024, "vmhwm_mib": (peak_kib or 0) / 1024,
           "samples": len(samples)}
    evicted_during = samples[-1][3]
    eviction_times = [round(seconds) for (seconds, _, _, count), (_, _, _, before) in zip(samples[1:], samples) if count > before]
    most_descriptors = max(descriptors for _, _, descriptors, _ in samples)
    five_xx = sum(report["classes"]["5xx"] for report in reports.values())

    print(f"soak: {args.connections} connections, {args.duration} s, {args.sales} sales; load average "
          f"{load_before[0]:.2f} before, {load_after[0]:.2f} after; {os.cpu_count()} CPUs")
    print("| target | requests | req/s | 2xx | 4xx (401 / 429) | 5xx | socket errors | p50 ms | p99 ms | max ms |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for report in reports.values():
        errors = report["socket_errors"]
        socket_errors = errors["connect"] + errors["read"] + errors["write"] + errors["timeout"]
        print(f"| {report['target']} | {report['requests']:,} | {report['req_per_s']:,} | {report['classes']['2xx']:,} | "
              f"{report['classes']['4xx']:,} ({report['401']:,} / {report['429']:,}) | {report['classes']['5xx']:,} | "
              f"{socket_errors:,} | {report['p50_ms']:.2f} | {report['p99_ms']:.2f} | {report['max_ms']:.1f} |")
    print(f"RSS: {rss['at_10s_mib']:.1f} MiB at 10 s, peak after 10 s {rss['peak_after_10s_mib']:.1f} MiB, "
          f"{rss['end_mib']:.1f} MiB at the end: growth {rss['growth_after_10s_mib']:.2f} MiB; VmHWM {rss['vmhwm_mib']:.1f} MiB")
    every_ten = [f"{rss_kib / 1024:.1f}" for seconds, rss_kib, _, _ in samples if round(seconds) % 10 == 0]
    print(f"RSS every 10 s (MiB): {', '.join(every_ten)}")
    print(f"connections closed to make room during the run: {evicted_during} (in the second(s) ending at {eviction_times} s); "
          f"most descriptors open: {most_descriptors}")
    print(f"halfway, statuses of a good key ×10 and the hot key ×20: {midway}; server exit status {exit_status}")

    with open(os.path.join(work, "soak.json"), "w") as f:
        json.dump({"connections": args.connections, "duration_s": args.duration, "sales": args.sales,
                   "load_average": [load_before[0], load_after[0]], "targets": reports, "rss": rss,
                   "samples": [{"s": round(t, 2), "rss_kib": r, "descriptors": d, "evicted": e} for t, r, d, e in samples],
                   "midway": midway, "evictions": evicted_during, "exit_status": exit_status}, f, indent=1)

    failures = []
    if five_xx:
        failures.append(f"{five_xx} answers were 5xx")
    if rss["growth_after_10s_mib"] >= 10:
        failures.append(f"RSS grew by {rss['growth_after_10s_mib']:.1f} MiB after the first 10 s")
    if set(midway["good key"]) != {200} or not midway["hot key"].get(429):
        failures.append(f"halfway, expected a good key served and the hot key limited: {midway}")
    if exit_status != 0:
        failures.append(f"the server exited with {exit_status} after SIGTERM")
    for failure in failures:
        log("FAILED: " + failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
