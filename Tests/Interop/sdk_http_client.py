#!/usr/bin/env python3
"""Drive lustores-mcp's /mcp endpoint with the official Python SDK's Streamable HTTP client.

    python sdk_http_client.py URL KEY [--stateless | --mode MODE] [--tool T] [--arguments JSON]

Connects with ``mcp.client.streamable_http.streamable_http_client`` (an httpx client carrying
``Authorization: Bearer KEY``) through the SDK's ``Client``, lists the tools, calls the tool
(``get_status`` with ``{}`` by default), and prints one JSON summary on stdout:

    {"sdk": "mcp 2.3.0", "mode": "legacy", "protocolVersion": "2025-11-25", "tools": [...],
     "call": {"tool": "get_status", "isError": false, "structuredContent": {...}}}

``--stateless`` uses the 2026-07-28 protocol (server/discover probe, per-request _meta, the
MCP-Protocol-Version / Mcp-Method / Mcp-Name headers) and fails if the SDK fell back to initialize.
Exit status: 0 success, 1 any exception or SDK warning, 3 the call returned isError.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import traceback
from importlib.metadata import version
from typing import Any

import anyio
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client
from mcp_types.version import MODERN_PROTOCOL_VERSIONS
from sdk_stdio_client import list_tool_names  # found beside this script (its folder is on sys.path)


class WarningCollector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.records: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(f"{record.name}: {record.getMessage()}")


async def run(args: argparse.Namespace) -> tuple[dict[str, Any], int]:
    mode = "auto" if args.stateless else args.mode
    summary: dict[str, Any] = {"sdk": f"mcp {version('mcp')}", "mode": "stateless" if args.stateless else mode}
    http = create_mcp_http_client(headers={"Authorization": f"Bearer {args.key}"})
    with anyio.fail_after(args.timeout):
        async with http, Client(streamable_http_client(args.url, http_client=http), mode=mode,
                                read_timeout_seconds=args.timeout, cache=None) as client:
            summary["protocolVersion"] = client.protocol_version
            if args.stateless and client.protocol_version not in MODERN_PROTOCOL_VERSIONS:
                raise RuntimeError(f"fell back to the handshake ({client.protocol_version})")
            summary["serverInfo"] = client.server_info.model_dump(mode="json", exclude_none=True) if client.server_info else None
            summary["tools"] = await list_tool_names(client)
            if args.features:
                from sdk_features import exercise_features  # beside this script
                summary["features"] = await exercise_features(client)
            result = await client.call_tool(args.tool, json.loads(args.arguments))
            summary["call"] = {"tool": args.tool, "isError": bool(result.is_error),
                               "structuredContent": result.structured_content}
    return summary, (3 if result.is_error else 0)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url")
    parser.add_argument("key")
    parser.add_argument("--stateless", action="store_true")
    parser.add_argument("--features", action="store_true", help="also exercise resources, prompts and completions")
    parser.add_argument("--mode", default="legacy")
    parser.add_argument("--tool", default="get_status")
    parser.add_argument("--arguments", default="{}")
    parser.add_argument("--timeout", type=float, default=30.0)
    args = parser.parse_args()
    warnings = WarningCollector()
    logging.getLogger().addHandler(warnings)
    try:
        summary, status = anyio.run(run, args)
    except BaseException as exc:  # noqa: BLE001 - report everything the SDK raises
        traceback.print_exception(exc, file=sys.stderr)
        return 1
    print(json.dumps(summary))
    if warnings.records:
        print("SDK warnings:\n" + "\n".join(warnings.records), file=sys.stderr)
        return 1
    return status


if __name__ == "__main__":
    sys.exit(main())
