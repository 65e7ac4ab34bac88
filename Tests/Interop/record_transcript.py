#!/usr/bin/env python3
"""Pipe JSON-RPC lines into a stdio MCP server and write the transcript validate_messages.py reads.

    python record_transcript.py [--revision auto|REV] [--timeout S] [--out FILE] REQUESTS -- CMD ARGS...

REQUESTS is a file (``-`` for stdin) with one line per client message, sent in order. A line that
is a JSON-RPC request (it has ``id`` and ``method``) is answered before the next line is sent; the
notifications the server writes meanwhile are recorded against that request. Notifications are
sent without waiting. A line that is not JSON is sent as it is (for malformed-input tests). After
the last line the server's stdin is closed and its remaining output read until it exits.

Each server line becomes ``{"revision", "request", "message"}``; a line that is not JSON is kept as
a string, so the validator reports it. ``--revision auto`` (default) takes the revision from the
request's ``_meta["io.modelcontextprotocol/protocolVersion"]`` (stateless 2026-07-28 requests), else
from the protocolVersion the server answered to the last ``initialize``, else from what that
``initialize`` asked for, else the revision of the previous line (so a 2026 request with a missing
or unknown version in its envelope stays in 2026-07-28). Pass ``--revision`` to fix it instead.

Stdlib only. Exit 0 when every request was answered, 1 when one timed out or the server died first.
"""

from __future__ import annotations

import argparse
import json
import queue
import subprocess
import sys
import threading
import time
from typing import Any

PROTOCOL_VERSION_KEY = "io.modelcontextprotocol/protocolVersion"
KNOWN_REVISIONS = ("2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25", "2026-07-28")


def id_key(value: Any) -> str:
    return json.dumps(value, sort_keys=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("requests", help="client messages, one per line (- for stdin)")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- then the server command")
    parser.add_argument("--revision", default="auto")
    parser.add_argument("--timeout", type=float, default=15.0, help="seconds to wait for each response (15)")
    parser.add_argument("--out", help="transcript file (default stdout)")
    parser.add_argument("--stderr", help="file for the server's stderr (default: this process's stderr)")
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("give the server command after --")

    source = sys.stdin if args.requests == "-" else open(args.requests, encoding="utf-8")
    with source:
        lines = [line.rstrip("\n") for line in source if line.strip()]

    err = open(args.stderr, "w") if args.stderr else None
    proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err,
                            text=True, encoding="utf-8", errors="replace", bufsize=1)
    incoming: queue.Queue[str | None] = queue.Queue()

    def reader() -> None:
        assert proc.stdout
        for raw in proc.stdout:
            incoming.put(raw.rstrip("\n"))
        incoming.put(None)

    threading.Thread(target=reader, daemon=True).start()

    out = open(args.out, "w", encoding="utf-8") if args.out else sys.stdout
    sent: dict[str, Any] = {}  # id -> request
    state: dict[str, Any] = {"negotiated": None, "offered": None, "last": None}
    ok = True
    eof = False

    def revision_for(request: Any) -> str:
        if args.revision != "auto":
            return args.revision
        if isinstance(request, dict):
            meta = (request.get("params") or {}).get("_meta") if isinstance(request.get("params"), dict) else None
            if isinstance(meta, dict) and meta.get(PROTOCOL_VERSION_KEY) in KNOWN_REVISIONS:
                state["last"] = meta[PROTOCOL_VERSION_KEY]
                return state["last"]
        if state["negotiated"] in KNOWN_REVISIONS or state["offered"] in KNOWN_REVISIONS:
            state["last"] = state["negotiated"] if state["negotiated"] in KNOWN_REVISIONS else state["offered"]
        return state["last"] or "unknown"

    def record(raw: str, current: Any) -> Any:
        """Write one server line to the transcript; return the parsed message (or the raw string)."""
        try:
            message: Any = json.loads(raw)
        except ValueError:
            message = raw
        request = current
        if isinstance(message, dict) and "id" in message and ("result" in message or "error" in message):
            request = sent.get(id_key(message["id"]), current)
            if isinstance(request, dict) and request.get("method") == "initialize" and isinstance(message.get("result"), dict):
                state["negotiated"] = message["result"].get("protocolVersion")
        out.write(json.dumps({"revision": revision_for(request), "request": request, "message": message}) + "\n")
        out.flush()
        return message

    def next_line(deadline: float) -> str | None | bool:
        """A server line, None at EOF, False on timeout."""
        try:
            return incoming.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            return False

    try:
        for line in lines:
            try:
                request: Any = json.loads(line)
            except ValueError:
                request = line
            if isinstance(request, dict) and request.get("method") == "initialize":
                params = request.get("params") if isinstance(request.get("params"), dict) else {}
                state["offered"], state["negotiated"] = params.get("protocolVersion"), None
            awaited = isinstance(request, dict) and "id" in request and "method" in request
            if awaited:
                sent[id_key(request["id"])] = request
            try:
                assert proc.stdin
                proc.stdin.write(line + "\n")
                proc.stdin.flush()
            except (BrokenPipeError, OSError):
                print("record_transcript: the server closed its stdin", file=sys.stderr)
                ok = False
                break
            if not awaited:
                continue
            deadline = time.monotonic() + args.timeout
            while True:
                raw = next_line(deadline)
                if raw is False:
                    print(f"record_transcript: no response to {line[:120]} within {args.timeout}s", file=sys.stderr)
                    ok = False
                    break
                if raw is None:
                    print("record_transcript: the server closed stdout before answering", file=sys.stderr)
                    ok, eof = False, True
                    break
                if not raw.strip():
                    continue
                message = record(raw, request)
                if isinstance(message, dict) and "method" not in message and "id" in message \
                        and id_key(message["id"]) == id_key(request["id"]):
                    break
            if eof or not ok:
                break
    finally:
        try:
            if proc.stdin:
                proc.stdin.close()
        except OSError:
            pass
        deadline = time.monotonic() + args.timeout
        while not eof:
            raw = next_line(deadline)
            if raw is None or raw is False:
                break
            if raw.strip():
                record(raw, None)
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if out is not sys.stdout:
            out.close()
        if err:
            err.close()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
