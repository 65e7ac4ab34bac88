#!/usr/bin/env python3
"""Run a test suite through lustores-mcp with the official Python SDK's client and print a summary.

    python sdk_test_execution.py --test-type unit -- /path/to/lustores-mcp serve --database X --config C

Connects over stdio (initialize handshake), calls ``run_tests`` with ``{"test_type": ...}``, then
long-polls ``get_test_result`` (``wait_seconds`` 10, with a progress callback, so the server's
``notifications/progress`` reach the SDK) until the execution is no longer running, and prints one
JSON object on stdout:

    {"run": {...run_tests structuredContent...}, "result": {...get_test_result structuredContent...},
     "progress": [[progress, total, message], ...], "polls": N}

Exit status: 0 when every call succeeded (the SDK validates each structuredContent against the tool's
outputSchema), 1 on any exception or a tool error, 2 on bad usage. Diagnostics go to stderr.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import traceback

import anyio
from mcp import Client, StdioServerParameters


async def run(args: argparse.Namespace, command: list[str]) -> dict:
    params = StdioServerParameters(command=command[0], args=command[1:], env=dict(os.environ))
    progress: list[list] = []

    async def on_progress(value: float, total: float | None, message: str | None) -> None:
        progress.append([value, total, message])

    with anyio.fail_after(args.timeout):
        async with Client(params, mode="legacy", read_timeout_seconds=args.timeout, cache=None) as client:
            started = await client.call_tool("run_tests", {"test_type": args.test_type})
            if started.is_error:
                raise RuntimeError(f"run_tests failed: {started.structured_content}")
            execution_id = started.structured_content["execution_id"]
            polls = 0
            while True:
                polls += 1
                answer = await client.call_tool("get_test_result", {"execution_id": execution_id, "wait_seconds": 10},
                                                progress_callback=on_progress)
                if answer.is_error:
                    raise RuntimeError(f"get_test_result failed: {answer.structured_content}")
                if answer.structured_content["status"] != "running":
                    break
            return {"run": started.structured_content, "result": answer.structured_content, "progress": progress,
                    "polls": polls}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--test-type", default="sales")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds for the whole session (60)")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- then the server command and its arguments")
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.print_usage(sys.stderr)
        return 2
    try:
        summary = anyio.run(run, args, command)
    except Exception:  # noqa: BLE001 - report whatever the SDK raised
        traceback.print_exc()
        return 1
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
