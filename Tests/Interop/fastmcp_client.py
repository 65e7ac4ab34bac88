#!/usr/bin/env python3
"""Drive lustores-mcp with fastmcp's client: list and read resources, get every prompt, complete.

    python fastmcp_client.py stdio -- /path/to/lustores-mcp serve --database X
    python fastmcp_client.py http URL KEY

Lists the resources and templates, reads each static resource that exists and a daily sales
report, gets every prompt (with the arguments of sdk_features.PROMPT_ARGUMENTS), and asks for
completions of prompt arguments and a template variable. Prints one JSON summary on stdout.
Exit status: 0 success, 1 any exception.
"""

from __future__ import annotations

import json
import sys
import traceback
from importlib.metadata import version
from typing import Any

import anyio
from fastmcp import Client
from fastmcp.client.transports import StdioTransport, StreamableHttpTransport
from mcp_types import PromptReference, ResourceTemplateReference
from sdk_features import PROMPT_ARGUMENTS  # beside this script


async def run(transport: Any) -> dict[str, Any]:
    summary: dict[str, Any] = {"client": f"fastmcp {version('fastmcp')}"}
    with anyio.fail_after(90):
        async with Client(transport) as client:
            resources = await client.list_resources()
            templates = await client.list_resource_templates()
            summary["resources"] = [str(resource.uri) for resource in resources]
            summary["templates"] = [template.uri_template for template in templates]
            reads: dict[str, Any] = {}
            for uri in [*summary["resources"], "lustores://reports/sales/yesterday"]:
                if uri == "lustores://tests/latest":
                    continue  # exists only once a test has run
                contents = await client.read_resource(uri)
                reads[uri] = [content.mime_type for content in contents]
            summary["reads"] = reads
            prompts = await client.list_prompts()
            summary["prompts"] = [prompt.name for prompt in prompts]
            summary["got"] = {}
            for prompt in prompts:
                result = await client.get_prompt(prompt.name, PROMPT_ARGUMENTS[prompt.name])
                summary["got"][prompt.name] = [message.content.type for message in result.messages]
            completion = await client.complete(PromptReference(type="ref/prompt", name="sales-report"),
                                               {"name": "charge_code", "value": "dept"})
            summary["chargeCodes"] = {"values": completion.values[:5], "total": completion.total}
            completion = await client.complete(ResourceTemplateReference(type="ref/resource", uri="lustores://reports/sales/{date}"),
                                               {"name": "date", "value": "y"})
            summary["dates"] = completion.values
    return summary


def main() -> int:
    if len(sys.argv) >= 4 and sys.argv[1] == "stdio" and sys.argv[2] == "--":
        transport: Any = StdioTransport(command=sys.argv[3], args=sys.argv[4:])
    elif len(sys.argv) == 4 and sys.argv[1] == "http":
        transport = StreamableHttpTransport(sys.argv[2], headers={"Authorization": f"Bearer {sys.argv[3]}"})
    else:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        summary = anyio.run(run, transport)
    except BaseException as exc:  # noqa: BLE001 - report everything the client raises
        traceback.print_exception(exc, file=sys.stderr)
        return 1
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
