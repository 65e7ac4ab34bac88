#!/usr/bin/env python3
"""Drive a stdio MCP server with the official Python SDK's client and print a JSON summary.

    python sdk_stdio_client.py [--stateless] [options] -- /path/to/lustores-mcp serve --database X

Starts the command with the SDK's stdio transport (``mcp.client.stdio.stdio_client``, through the
SDK's high-level ``mcp.Client`` over a ``ClientSession``), connects, lists the tools, calls
``get_status`` with ``{}`` (``--tool``/``--arguments`` to change it) and prints one JSON object on
stdout:

    {"sdk": "mcp 2.3.0", "mode": "legacy", "protocolVersion": "2025-11-25", "serverInfo": {...},
     "capabilities": {...}, "discover": null, "tools": ["get_status", ...],
     "call": {"tool": "get_status", "isError": false, "structuredContent": {...}}}

Modes:
  (default)       --mode legacy: the initialize handshake. The SDK always offers its newest handshake
                  revision (2025-11-25); older revisions can't be requested through its API.
  --stateless     the 2026-07-28 stateless protocol: the SDK probes ``server/discover`` with the
                  per-request ``_meta`` envelope (Client mode "auto") and every later request carries
                  that envelope. Fails if the server did not answer the probe with a DiscoverResult
                  (the SDK would otherwise fall back to initialize silently).
  --mode 2026-07-28  stateless without the probe (the SDK synthesizes a DiscoverResult).
  --mode auto     whatever the SDK negotiates (discover, falling back to initialize).

Exit status: 0 on success; 1 on any exception the SDK raises (JSON-RPC error, pydantic validation
of a result against the negotiated revision, ``structuredContent`` not matching the tool's
``outputSchema``, timeout, the server dying) and also when the transport met a stdout line that
isn't a JSON-RPC message or the SDK logged a warning (e.g. a notification that failed validation,
which the SDK only logs); 3 when the call returned ``isError: true`` (unless --allow-tool-error).
Diagnostics go to stderr; the server's stderr is passed through to ours.

The server inherits this process's environment (the SDK passes only HOME, PATH, ... by default), so
``LUSTORES_DATABASE`` etc. reach it; ``--env K=V`` adds more.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import traceback
from importlib.metadata import version
from typing import Any

import anyio
from mcp import Client, StdioServerParameters
from mcp.client.session import IncomingMessage
from mcp_types.version import MODERN_PROTOCOL_VERSIONS


class WarningCollector(logging.Handler):
    """Collects WARNING+ records: the SDK logs (rather than raises) some protocol faults."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.records: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        text = f"{record.name}: {record.getMessage()}"
        if record.exc_info and record.exc_info[1] is not None:
            text += f" ({type(record.exc_info[1]).__name__}: {record.exc_info[1]})"
        self.records.append(text)


def leaf_exceptions(exc: BaseException) -> list[BaseException]:
    if isinstance(exc, BaseExceptionGroup):
        out: list[BaseException] = []
        for inner in exc.exceptions:
            out += leaf_exceptions(inner)
        return out
    return [exc]


async def list_tool_names(client: Any) -> list[str]:
    """Every tool's name, following tools/list pagination to its end (shared with sdk_http_client.py)."""
    names: list[str] = []
    cursor = None
    while True:
        page = await client.list_tools(cursor=cursor)
        names += [tool.name for tool in page.tools]
        cursor = page.next_cursor
        if not cursor:
            return names


def dump(model: Any) -> Any:
    return None if model is None else model.model_dump(by_alias=True, mode="json", exclude_none=True)


async def run(args: argparse.Namespace, command: list[str], transport_faults: list[str]) -> tuple[dict[str, Any], int]:
    env = dict(os.environ)
    for item in args.env:
        key, _, value = item.partition("=")
        env[key] = value
    params = StdioServerParameters(command=command[0], args=command[1:], env=env, cwd=args.cwd)

    async def on_message(message: IncomingMessage) -> None:
        if isinstance(message, Exception):
            transport_faults.append(f"{type(message).__name__}: {message}")

    mode = "auto" if args.stateless else args.mode
    summary: dict[str, Any] = {"sdk": f"mcp {version('mcp')}", "mode": "stateless" if args.stateless else mode}
    with anyio.fail_after(args.timeout):
        async with Client(params, mode=mode, read_timeout_seconds=args.timeout, message_handler=on_message,
                          cache=None) as client:
            session = client.session
            summary["protocolVersion"] = client.protocol_version
            if args.stateless and (session.discover_result is None
                                   or client.protocol_version not in MODERN_PROTOCOL_VERSIONS):
                raise RuntimeError(f"the server did not answer server/discover at a stateless revision; the SDK "
                                   f"fell back to the initialize handshake ({client.protocol_version})")
            summary["serverInfo"] = dump(client.server_info)
            summary["capabilities"] = dump(client.server_capabilities)
            discover = session.discover_result
            summary["discover"] = None if discover is None else {
                "supportedVersions": discover.supported_versions, "ttlMs": discover.ttl_ms,
                "cacheScope": discover.cache_scope}
            summary["tools"] = await list_tool_names(client)
            if args.features:
                from sdk_features import exercise_features  # beside this script
                summary["features"] = await exercise_features(client)
            result = await client.call_tool(args.tool, json.loads(args.arguments))
            summary["call"] = {"tool": args.tool, "isError": bool(result.is_error),
                               "structuredContent": result.structured_content,
                               "content": [dump(block) for block in result.content] if args.show_content else None}
            if not args.show_content:
                del summary["call"]["content"]
    return summary, (3 if result.is_error and not args.allow_tool_error else 0)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    parser.add_argument("--stateless", action="store_true", help="use the 2026-07-28 stateless protocol (server/discover)")
    parser.add_argument("--features", action="store_true", help="also exercise resources, prompts and completions")
    parser.add_argument("--mode", default="legacy", choices=["legacy", "auto", *MODERN_PROTOCOL_VERSIONS],
                        help="SDK connect mode when not --stateless (default legacy)")
    parser.add_argument("--tool", default="get_status")
    parser.add_argument("--arguments", default="{}", help="JSON object of tool arguments (default {})")
    parser.add_argument("--allow-tool-error", action="store_true", help="exit 0 even if the call returns isError")
    parser.add_argument("--show-content", action="store_true", help="include the content blocks in the summary")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds for the whole session (60)")
    parser.add_argument("--cwd", help="working directory for the server")
    parser.add_argument("--env", action="append", default=[], metavar="K=V", help="extra environment for the server")
    parser.add_argument("--verbose", action="store_true", help="tracebacks on failure")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- then the server command and its arguments")
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("give the server command after --")
    try:
        json.loads(args.arguments)
    except ValueError as exc:
        parser.error(f"--arguments is not JSON: {exc}")

    warnings = WarningCollector()
    logging.getLogger().addHandler(warnings)
    transport_faults: list[str] = []
    try:
        summary, status = anyio.run(run, args, command, transport_faults)
    except BaseException as exc:  # every failure must surface as a non-zero exit
        if isinstance(exc, KeyboardInterrupt):
            raise
        for leaf in leaf_exceptions(exc):
            detail = str(leaf) or repr(leaf)
            if isinstance(leaf, TimeoutError):
                detail = f"no answer within {args.timeout}s"
            print(f"sdk_stdio_client: FAILED: {type(leaf).__module__}.{type(leaf).__qualname__}: {detail}",
                  file=sys.stderr)
            if args.verbose:
                traceback.print_exception(leaf, file=sys.stderr)
        for fault in transport_faults:
            print(f"sdk_stdio_client: transport fault: {fault}", file=sys.stderr)
        for record in warnings.records:
            print(f"sdk_stdio_client: SDK warning: {record}", file=sys.stderr)
        return 1
    problems = [f"stdout line that is not a JSON-RPC message: {f}" for f in transport_faults]
    problems += [f"SDK warning: {w}" for w in warnings.records]
    summary["problems"] = problems
    print(json.dumps(summary, indent=2, sort_keys=False))
    for problem in problems:
        print(f"sdk_stdio_client: FAILED: {problem}", file=sys.stderr)
    if problems:
        return 1
    if status == 3:
        print(f"sdk_stdio_client: {args.tool} returned isError: true", file=sys.stderr)
    return status


if __name__ == "__main__":
    sys.exit(main())
