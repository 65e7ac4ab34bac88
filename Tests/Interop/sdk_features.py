"""Resources, prompts and completions of lustores-mcp through the official SDK's ``Client``.

Shared by sdk_stdio_client.py and sdk_http_client.py (``--features``): lists every resource and
template (following pagination), reads each listed resource that exists and a daily sales report,
gets every prompt with arguments it accepts, and asks for completions of prompt arguments and a
template variable. Returns a JSON-ready summary; raises on any protocol error.
"""

from __future__ import annotations

from typing import Any

from mcp_types import PromptReference, ResourceTemplateReference

# Arguments each prompt is got with (every prompt the server lists must be here).
PROMPT_ARGUMENTS: dict[str, dict[str, str]] = {
    "system-health-report": {},
    "sales-report": {"date": "yesterday"},
    "inventory-review": {},
    "test-run": {"test_type": "system"},
    "troubleshoot": {},
}


async def _all_pages(fetch: Any, field: str) -> list[Any]:
    items: list[Any] = []
    cursor = None
    while True:
        page = await fetch(cursor=cursor)
        items.extend(getattr(page, field))
        cursor = page.next_cursor
        if not cursor:
            return items


async def exercise_features(client: Any) -> dict[str, Any]:
    summary: dict[str, Any] = {}
    resources = await _all_pages(client.list_resources, "resources")
    templates = await _all_pages(client.list_resource_templates, "resource_templates")
    summary["resources"] = [str(resource.uri) for resource in resources]
    summary["templates"] = [template.uri_template for template in templates]
    reads: dict[str, Any] = {}
    for uri in [*summary["resources"], "lustores://reports/sales/yesterday"]:
        if uri == "lustores://tests/latest":
            continue  # exists only once a test has run
        result = await client.read_resource(uri)
        reads[uri] = [{"mimeType": content.mime_type, "length": len(getattr(content, "text", "") or "")}
                      for content in result.contents]
    summary["reads"] = reads
    prompts = await _all_pages(client.list_prompts, "prompts")
    summary["prompts"] = [prompt.name for prompt in prompts]
    got: dict[str, Any] = {}
    for prompt in prompts:
        result = await client.get_prompt(prompt.name, PROMPT_ARGUMENTS[prompt.name])
        got[prompt.name] = [message.content.type for message in result.messages]
    summary["got"] = got
    completions: dict[str, Any] = {}
    for prompt, argument, value in [("sales-report", "charge_code", "dept"), ("sales-report", "date", ""),
                                    ("inventory-review", "category", ""), ("test-run", "test_type", "s")]:
        result = await client.complete(PromptReference(type="ref/prompt", name=prompt), {"name": argument, "value": value})
        completions[f"{prompt}.{argument}"] = {"values": result.completion.values[:5], "total": result.completion.total,
                                               "hasMore": result.completion.has_more}
    result = await client.complete(ResourceTemplateReference(type="ref/resource", uri="lustores://reports/sales/{date}"),
                                   {"name": "date", "value": "to"})
    completions["reports.date"] = {"values": result.completion.values, "total": result.completion.total}
    summary["completions"] = completions
    return summary
