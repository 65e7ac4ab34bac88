#!/usr/bin/env python3
"""Validate the messages an MCP server wrote against the official schema of their revision.

    python validate_messages.py [--schemas DIR] [--validator auto|schema|pydantic] TRANSCRIPT...

A transcript is JSON Lines (``-`` reads stdin); each line is

    {"revision": "2025-06-18", "request": <what the client sent, or null>, "message": <one server message>}

``revision`` is the revision negotiated for that exchange (the ``protocolVersion`` the server answered
to ``initialize``, or ``2026-07-28`` for requests carrying the stateless ``_meta`` envelope).
``request`` is the JSON-RPC request or notification the message answers or belongs to (for a
progress or log notification: the request in flight); ``null`` when there is none.

Which definition a message is checked against:

  response to initialize            JSONRPCResponse / JSONRPCResultResponse with result InitializeResult
  response to tools/list            ... ListToolsResult
  response to tools/call            ... CallToolResult (2026-07-28: InputRequiredResult when
                                    resultType is "input_required")
  response to ping, logging/setLevel ... EmptyResult, and exactly {} (handshake revisions)
  response to server/discover       ... DiscoverResult (2026-07-28)
  (also prompts/*, resources/*, completion/complete, subscriptions/listen)
  error response                    JSONRPCError (<= 2025-06-18) / JSONRPCErrorResponse (>= 2025-11-25);
                                    2026-07-28 codes -32020/-32021/-32022 also against their own
                                    HeaderMismatchError / MissingRequiredClientCapabilityError /
                                    UnsupportedProtocolVersionError
  notification                      JSONRPCNotification and its own type (ProgressNotification,
                                    LoggingMessageNotification, ...), looked up in ServerNotification
  request from the server           JSONRPCRequest and ServerRequest (none exist in 2026-07-28)

Validators: with the official JSON Schemas (``--schemas DIR``, default ``mcp-schema`` beside this
file) through jsonschema's Draft7Validator
(<= 2025-06-18) or Draft202012Validator (>= 2025-11-25) and a ``referencing`` registry holding each
schema document, so every ``$ref`` resolves. When that folder does not exist (and no ``--schemas``
was given) the pydantic wire models of the ``mcp-types`` distribution (import name ``mcp_types``,
which the ``mcp`` SDK depends on and re-exports as ``mcp.types``) are used instead, in strict mode.
Those models check every pre-2026 revision against the 2025-11-25 shapes, so the project rules below
carry the per-revision field gating in both modes. The first line of output names the validator.

Project rules (what the schemas can't say; skip with --schema-only):

  field-revision   Tool, ToolAnnotations, CallToolResult, ListToolsResult, InitializeResult,
                   DiscoverResult, Implementation (serverInfo), ServerCapabilities, content blocks and
                   their annotations, and the resource, template, prompt, prompt argument, resource
                   contents and completion objects and their list/read/get/complete results carry only
                   fields that exist in that revision: before 2025-06-18 no Tool title/outputSchema/_meta
                   and no structuredContent; before 2025-03-26 no annotations; no icons before
                   2025-11-25; no resultType/ttlMs/cacheScope before 2026-07-28; no deprecated logging
                   capability in 2026-07-28; and so on
  listen-stream    2026-07-28: notifications/subscriptions/acknowledged and notifications/resources/updated
                   carry _meta["io.modelcontextprotocol/subscriptionId"] equal to the id of the
                   subscriptions/listen request they belong to; a listen result carries it too
  empty-result     ping / logging/setLevel answer exactly {} in handshake revisions
  modern-result    2026-07-28: every result has resultType ("complete", "input_required" only on
                   tools/call, prompts/get, resources/read) and _meta["io.modelcontextprotocol/serverInfo"];
                   discover/list/read results have ttlMs (integer >= 0) and cacheScope (public|private)
  method-revision  a method the revision lacks (initialize or ping in 2026-07-28, server/discover
                   before it) gets an error, never a result
  negotiation      initialize echoes a requested handshake version; its protocolVersion is the
                   transcript's revision
  id-echo          a response carries the request's id, same JSON type; nothing answers a notification
  null-id          an error's id is never null (JSON-RPC allows it; no MCP schema does) unless
                   --allow-null-error-id
  error-code       2026-07-28: no -32002, no undefined code in the reserved -32020..-32099 range
  no-server-request  2026-07-28: the server sends no JSON-RPC requests
  read-contents    resources/read never answers with empty contents
  progress-token   a progress notification carries the token of the request it reports on
  log-opt-in       2026-07-28: notifications/message only for a request that set io.modelcontextprotocol/logLevel
  output-schema    a successful tools/call's structuredContent validates against the outputSchema the
                   same transcript's tools/list declared for that tool (and is present when one is declared)
  text-mirror      when structuredContent is present, a text block holds the same JSON

Exit status: 0 when every message is valid, 1 when any is not (one line per invalid message:
transcript line, revision, request method, JSON path of the error and its message), 2 on a usage
error (unreadable file, --schemas folder missing, no validator available).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

REVISIONS = ("2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25", "2026-07-28")
HANDSHAKE = REVISIONS[:4]
MODERN = ("2026-07-28",)

SCRIPT_DIR = Path(__file__).resolve().parent
REPO_ROOT = SCRIPT_DIR.parents[1]
DEFAULT_SCHEMAS = SCRIPT_DIR / "mcp-schema"

SERVER_INFO_KEY = "io.modelcontextprotocol/serverInfo"
LOG_LEVEL_KEY = "io.modelcontextprotocol/logLevel"
PROTOCOL_VERSION_KEY = "io.modelcontextprotocol/protocolVersion"
SUBSCRIPTION_ID_KEY = "io.modelcontextprotocol/subscriptionId"


def since(first: str, last: str | None = None) -> frozenset[str]:
    """The revisions from `first` to `last` (inclusive; default: the newest)."""
    lo = REVISIONS.index(first)
    hi = REVISIONS.index(last) if last else len(REVISIONS) - 1
    return frozenset(REVISIONS[lo : hi + 1])


ALL = since(REVISIONS[0])
ONLY_HANDSHAKE = frozenset(HANDSHAKE)
ONLY_MODERN = frozenset(MODERN)

# Result type of each client request, and the revisions in which the method exists.
RESULT_DEFS: dict[str, tuple[str, frozenset[str]]] = {
    "initialize": ("InitializeResult", ONLY_HANDSHAKE),
    "ping": ("EmptyResult", ONLY_HANDSHAKE),
    "logging/setLevel": ("EmptyResult", ONLY_HANDSHAKE),
    "resources/subscribe": ("EmptyResult", ONLY_HANDSHAKE),
    "resources/unsubscribe": ("EmptyResult", ONLY_HANDSHAKE),
    "server/discover": ("DiscoverResult", ONLY_MODERN),
    "subscriptions/listen": ("SubscriptionsListenResult", ONLY_MODERN),
    "tools/list": ("ListToolsResult", ALL),
    "tools/call": ("CallToolResult", ALL),
    "prompts/list": ("ListPromptsResult", ALL),
    "prompts/get": ("GetPromptResult", ALL),
    "resources/list": ("ListResourcesResult", ALL),
    "resources/templates/list": ("ListResourceTemplatesResult", ALL),
    "resources/read": ("ReadResourceResult", ALL),
    "completion/complete": ("CompleteResult", ALL),
}
EMPTY_RESULT_METHODS = {"ping", "logging/setLevel", "resources/subscribe", "resources/unsubscribe"}
CACHEABLE_METHODS = {"server/discover", "tools/list", "prompts/list", "resources/list",
                     "resources/templates/list", "resources/read"}
INPUT_REQUIRED_METHODS = {"tools/call", "prompts/get", "resources/read"}

# Fields each object may carry, per revision (read off the official schemas; the server's rule:
# a field a revision does not know is not sent to a client that negotiated it).
CONTENT_COMMON = {"type": ALL, "annotations": ALL, "_meta": since("2025-06-18")}
FIELDS: dict[str, dict[str, frozenset[str]]] = {
    "Tool": {"name": ALL, "description": ALL, "inputSchema": ALL, "annotations": since("2025-03-26"),
             "title": since("2025-06-18"), "outputSchema": since("2025-06-18"), "_meta": since("2025-06-18"),
             "icons": since("2025-11-25"), "execution": since("2025-11-25", "2025-11-25")},
    "ToolAnnotations": {"title": ALL, "readOnlyHint": ALL, "destructiveHint": ALL, "idempotentHint": ALL,
                        "openWorldHint": ALL},
    "CallToolResult": {"content": ALL, "isError": ALL, "_meta": ALL, "structuredContent": since("2025-06-18"),
                       "resultType": ONLY_MODERN},
    "ListToolsResult": {"tools": ALL, "nextCursor": ALL, "_meta": ALL, "resultType": ONLY_MODERN,
                        "ttlMs": ONLY_MODERN, "cacheScope": ONLY_MODERN},
    "InitializeResult": {"protocolVersion": ALL, "capabilities": ALL, "serverInfo": ALL, "instructions": ALL,
                         "_meta": ALL},
    "DiscoverResult": {"resultType": ALL, "supportedVersions": ALL, "capabilities": ALL, "instructions": ALL,
                       "_meta": ALL, "ttlMs": ALL, "cacheScope": ALL},
    "Implementation": {"name": ALL, "version": ALL, "title": since("2025-06-18"),
                       "description": since("2025-11-25"), "icons": since("2025-11-25"),
                       "websiteUrl": since("2025-11-25")},
    # logging still exists in the 2026-07-28 schema but is deprecated there: a server must not adopt it.
    "ServerCapabilities": {"experimental": ALL, "logging": ONLY_HANDSHAKE, "prompts": ALL, "resources": ALL, "tools": ALL,
                           "completions": since("2025-03-26"), "tasks": since("2025-11-25", "2025-11-25"),
                           "extensions": ONLY_MODERN},
    "Resource": {"uri": ALL, "name": ALL, "description": ALL, "mimeType": ALL, "size": ALL, "annotations": ALL,
                 "title": since("2025-06-18"), "_meta": since("2025-06-18"), "icons": since("2025-11-25")},
    "ResourceTemplate": {"uriTemplate": ALL, "name": ALL, "description": ALL, "mimeType": ALL, "annotations": ALL,
                         "title": since("2025-06-18"), "_meta": since("2025-06-18"), "icons": since("2025-11-25")},
    "ResourceContents": {"uri": ALL, "mimeType": ALL, "text": ALL, "blob": ALL, "_meta": since("2025-06-18")},
    "Prompt": {"name": ALL, "description": ALL, "arguments": ALL, "title": since("2025-06-18"),
               "_meta": since("2025-06-18"), "icons": since("2025-11-25")},
    "PromptArgument": {"name": ALL, "description": ALL, "required": ALL, "title": since("2025-06-18")},
    "PromptMessage": {"role": ALL, "content": ALL},
    "ListResourcesResult": {"resources": ALL, "nextCursor": ALL, "_meta": ALL, "resultType": ONLY_MODERN,
                            "ttlMs": ONLY_MODERN, "cacheScope": ONLY_MODERN},
    "ListResourceTemplatesResult": {"resourceTemplates": ALL, "nextCursor": ALL, "_meta": ALL,
                                    "resultType": ONLY_MODERN, "ttlMs": ONLY_MODERN, "cacheScope": ONLY_MODERN},
    "ListPromptsResult": {"prompts": ALL, "nextCursor": ALL, "_meta": ALL, "resultType": ONLY_MODERN,
                          "ttlMs": ONLY_MODERN, "cacheScope": ONLY_MODERN},
    "ReadResourceResult": {"contents": ALL, "_meta": ALL, "resultType": ONLY_MODERN, "ttlMs": ONLY_MODERN,
                           "cacheScope": ONLY_MODERN},
    "GetPromptResult": {"description": ALL, "messages": ALL, "_meta": ALL, "resultType": ONLY_MODERN},
    "CompleteResult": {"completion": ALL, "_meta": ALL, "resultType": ONLY_MODERN},
    "Completion": {"values": ALL, "total": ALL, "hasMore": ALL},
    "Annotations": {"audience": ALL, "priority": ALL, "lastModified": since("2025-06-18")},
    "text": {**CONTENT_COMMON, "text": ALL},
    "image": {**CONTENT_COMMON, "data": ALL, "mimeType": ALL},
    "audio": {**CONTENT_COMMON, "data": ALL, "mimeType": ALL},
    "resource": {**CONTENT_COMMON, "resource": ALL},
    "resource_link": {**CONTENT_COMMON, "uri": ALL, "name": ALL, "title": ALL, "description": ALL,
                      "mimeType": ALL, "size": ALL, "icons": since("2025-11-25")},
}
CONTENT_TYPES = {"text": ALL, "image": ALL, "resource": ALL, "audio": since("2025-03-26"),
                 "resource_link": since("2025-06-18")}
RESULT_TYPES = {"complete", "input_required", "task"}


class Problem:
    """One validation failure: a JSON path into the server message and what is wrong there."""

    def __init__(self, path: str, message: str, source: str) -> None:
        self.path, self.message, self.source = path, message, source

    def __str__(self) -> str:
        return f"{self.path}: {self.message} [{self.source}]"


def short(text: str, limit: int = 240) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def same_json(a: Any, b: Any) -> bool:
    """JSON equality (1 == 1.0 but True != 1)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b or (isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same_json(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same_json(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and a == b


# --------------------------------------------------------------------------- validators


class SchemaValidator:
    """The official JSON Schema of each revision, with a referencing registry for the $refs."""

    def __init__(self, folder: Path) -> None:
        import jsonschema
        from referencing import Registry, Resource

        self.jsonschema = jsonschema
        self.folder = folder
        self.docs: dict[str, dict[str, Any]] = {}
        self.uris: dict[str, str] = {}
        resources = []
        for revision in REVISIONS:
            path = folder / revision / "schema.json"
            if not path.is_file():
                continue
            doc = json.loads(path.read_text(encoding="utf-8"))
            uri = path.resolve().as_uri()
            self.docs[revision] = doc
            self.uris[revision] = uri
            resources.append((uri, Resource.from_contents(doc)))
        if not self.docs:
            raise FileNotFoundError(f"no <revision>/schema.json under {folder}")
        self.registry = Registry().with_resources(resources)
        self.cache: dict[tuple[str, str], Any] = {}
        self.description = f"json-schema (jsonschema {jsonschema_version()}; official schemas from {folder})"

    def defs(self, revision: str) -> dict[str, Any]:
        doc = self.docs[revision]
        return doc.get("definitions") or doc.get("$defs") or {}

    def ref(self, revision: str, name: str) -> dict[str, str]:
        key = "definitions" if "definitions" in self.docs[revision] else "$defs"
        return {"$ref": f"{self.uris[revision]}#/{key}/{name}"}

    def has(self, revision: str, name: str) -> bool:
        return revision in self.docs and name in self.defs(revision)

    def union_members(self, revision: str, union: str) -> dict[str, str]:
        """method -> definition name for the members of ServerNotification / ServerRequest."""
        out = {}
        for member in self.defs(revision).get(union, {}).get("anyOf", []):
            name = member["$ref"].rsplit("/", 1)[-1]
            method = self.defs(revision)[name].get("properties", {}).get("method", {}).get("const")
            if method:
                out[method] = name
        return out

    def check(self, revision: str, message: Any, parts: list[tuple[str | None, str]]) -> list[Problem]:
        """Validate `message` against allOf of definitions; (None, def) applies to the whole message,
        (member, def) to message[member]."""
        key = (revision, json.dumps(parts))
        validator = self.cache.get(key)
        if validator is None:
            clauses: list[dict[str, Any]] = []
            for member, name in parts:
                if member is None:
                    clauses.append(self.ref(revision, name))
                else:
                    clauses.append({"type": "object", "required": [member],
                                    "properties": {member: self.ref(revision, name)}})
            cls = (self.jsonschema.Draft202012Validator if "2020-12" in self.docs[revision].get("$schema", "")
                   else self.jsonschema.Draft7Validator)
            validator = cls({"allOf": clauses}, registry=self.registry)
            self.cache[key] = validator
        errors = list(validator.iter_errors(message))
        if not errors:
            return []
        errors.sort(key=self.jsonschema.exceptions.relevance)
        out = []
        for error in [self.jsonschema.exceptions.best_match(iter(errors))] + errors:
            problem = Problem(error.json_path, short(error.message), f"schema {revision} {'/'.join(n for _, n in parts)}")
            if all(str(p) != str(problem) for p in out):
                out.append(problem)
        return out

    # The interface the checker uses ---------------------------------------------------------

    def available(self, revision: str) -> bool:
        return revision in self.docs

    def result_response(self, revision: str, message: Any, result_def: str, method: str) -> list[Problem]:
        envelope = "JSONRPCResultResponse" if self.has(revision, "JSONRPCResultResponse") else "JSONRPCResponse"
        if not self.has(revision, result_def):
            return [Problem("$.result", f"{result_def} is not defined in {revision}", "schema")]
        return self.check(revision, message, [(None, envelope), ("result", result_def)])

    def error_response(self, revision: str, message: Any) -> list[Problem]:
        envelope = "JSONRPCErrorResponse" if self.has(revision, "JSONRPCErrorResponse") else "JSONRPCError"
        parts: list[tuple[str | None, str]] = [(None, envelope)]
        code = message.get("error", {}).get("code") if isinstance(message.get("error"), dict) else None
        specific = {-32020: "HeaderMismatchError", -32021: "MissingRequiredClientCapabilityError",
                    -32022: "UnsupportedProtocolVersionError"}.get(code) if is_int(code) else None
        if specific and self.has(revision, specific):
            parts.append((None, specific))
        return self.check(revision, message, parts)

    def notification(self, revision: str, message: Any, method: str) -> list[Problem]:
        name = self.union_members(revision, "ServerNotification").get(method)
        if name is None:
            return [Problem("$.method", f"{method!r} is not a server notification in {revision}", "schema")]
        return self.check(revision, message, [(None, "JSONRPCNotification"), (None, name)])

    def request(self, revision: str, message: Any, method: str) -> list[Problem]:
        name = self.union_members(revision, "ServerRequest").get(method)
        if name is None:
            return [Problem("$.method", f"{method!r} is not a server-to-client request in {revision}", "schema")]
        return self.check(revision, message, [(None, "JSONRPCRequest"), (None, name)])


class PydanticValidator:
    """Fallback: the wire models of the `mcp-types` distribution (strict mode)."""

    def __init__(self) -> None:
        from importlib.metadata import version

        import mcp_types  # noqa: F401
        from mcp_types import jsonrpc, methods
        from pydantic import TypeAdapter, ValidationError

        self.methods, self.jsonrpc = methods, jsonrpc
        self.TypeAdapter, self.ValidationError = TypeAdapter, ValidationError
        self.adapters: dict[Any, Any] = {}
        self.description = (f"pydantic (mcp-types {version('mcp-types')} wire models, strict; pre-2026 revisions "
                            f"use the 2025-11-25 shapes)")

    def available(self, revision: str) -> bool:
        return revision in REVISIONS

    def run(self, target: Any, data: Any, prefix: str, label: str) -> list[Problem]:
        adapter = self.adapters.get(target)
        if adapter is None:
            adapter = self.adapters[target] = self.TypeAdapter(target)
        try:
            adapter.validate_python(data, strict=True, by_name=False)
        except self.ValidationError as exc:
            out = []
            for err in exc.errors():
                # drop union-member tags (CallToolResult, function-after[...]) from the location
                loc = [p for p in err["loc"] if not (isinstance(p, str) and (p[:1].isupper() or "[" in p))]
                path = prefix + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc)
                problem = Problem(path, short(err["msg"]), f"pydantic {label}")
                if all(str(p) != str(problem) for p in out):
                    out.append(problem)
            return out
        return []

    def result_response(self, revision: str, message: Any, result_def: str, method: str) -> list[Problem]:
        problems = self.run(self.jsonrpc.JSONRPCResponse, message, "$", "JSONRPCResponse")
        target = self.methods.SERVER_RESULTS.get((method, revision))
        if target is None:
            return problems + [Problem("$.result", f"no {method} result is defined in {revision}", "pydantic")]
        if isinstance(message.get("result"), dict):
            problems += self.run(target, message["result"], "$.result", result_def)
        return problems

    def error_response(self, revision: str, message: Any) -> list[Problem]:
        checked = message
        if "id" not in message:
            if revision in ("2024-11-05", "2025-03-26", "2025-06-18"):
                return [Problem("$", f"'id' is a required property of an error in {revision}", "pydantic JSONRPCError")]
            checked = {**message, "id": None}  # optional from 2025-11-25 on
        problems = self.run(self.jsonrpc.JSONRPCError, checked, "$", "JSONRPCError")
        error = message.get("error")
        if isinstance(error, dict) and revision in MODERN:
            import mcp_types

            data_model = {-32021: mcp_types.MissingRequiredClientCapabilityErrorData,
                          -32022: mcp_types.UnsupportedProtocolVersionErrorData}.get(error.get("code"))
            if data_model is not None:
                problems += self.run(data_model, error.get("data"), "$.error.data", data_model.__name__)
        return problems

    def notification(self, revision: str, message: Any, method: str) -> list[Problem]:
        target = self.methods.SERVER_NOTIFICATIONS.get((method, revision))
        if target is None:
            return [Problem("$.method", f"{method!r} is not a server notification in {revision}", "pydantic")]
        return self.run(target, message, "$", target.__name__)

    def request(self, revision: str, message: Any, method: str) -> list[Problem]:
        target = self.methods.SERVER_REQUESTS.get((method, revision))
        if target is None:
            return [Problem("$.method", f"{method!r} is not a server-to-client request in {revision}", "pydantic")]
        return self.run(target, message, "$", target.__name__)


def jsonschema_version() -> str:
    from importlib.metadata import version

    return version("jsonschema")


# --------------------------------------------------------------------------- the checker


class Checker:
    def __init__(self, validator: Any, project_rules: bool, allow_null_error_id: bool) -> None:
        self.validator = validator
        self.project_rules = project_rules
        self.allow_null_error_id = allow_null_error_id
        # (revision, tool name) -> outputSchema, from tools/list results seen so far
        self.output_schemas: dict[tuple[str, str], Any] = {}
        self.kinds: Counter[str] = Counter()
        self.revisions: Counter[str] = Counter()
        self.rule_hits: Counter[str] = Counter()

    # ---- entry point

    def check_line(self, entry: Any) -> tuple[str, str, list[Problem]]:
        """Returns (revision, request method, problems) for one transcript entry."""
        if not isinstance(entry, dict) or "message" not in entry:
            return "?", "?", [Problem("$", "transcript line is not an object with revision/request/message", "transcript")]
        revision = entry.get("revision")
        request = entry.get("request")
        message = entry["message"]
        if isinstance(request, list):  # a batch (2025-03-26): pick the element this message answers
            request = next((r for r in request if isinstance(r, dict) and isinstance(message, dict)
                            and "id" in r and "id" in message and same_json(r["id"], message["id"])), None)
        if not isinstance(request, dict):
            request = None
        method = request.get("method") if request and isinstance(request.get("method"), str) else "-"
        if revision not in REVISIONS:
            return str(revision), method, [Problem("$", f"unknown revision {revision!r}; expected one of {', '.join(REVISIONS)}", "transcript")]
        self.revisions[revision] += 1
        if not self.validator.available(revision):
            return revision, method, [Problem("$", f"no schema for {revision} in {self.validator.folder}", "schema")]
        if not isinstance(message, dict):
            self.kinds["not-an-object"] += 1
            return revision, method, [Problem("$", f"server message is not a JSON object: {short(json.dumps(message), 120)}", "not-object")]
        return revision, method, self.check_message(revision, request, method, message)

    def rule(self, problems: list[Problem], name: str, path: str, message: str) -> None:
        if self.project_rules:
            problems.append(Problem(path, message, f"rule {name}"))
            self.rule_hits[name] += 1

    def check_message(self, revision: str, request: dict | None, method: str, message: dict) -> list[Problem]:
        problems: list[Problem] = []
        if "method" in message:
            if "id" in message:
                self.kinds["server request"] += 1
                if revision in MODERN:
                    self.rule(problems, "no-server-request", "$", "a 2026-07-28 server sends no JSON-RPC requests")
                problems += self.validator.request(revision, message, str(message["method"]))
            else:
                self.kinds["notification"] += 1
                problems += self.validator.notification(revision, message, str(message["method"]))
                self.notification_rules(revision, request, message, problems)
            return problems

        if "result" in message or "error" in message:
            if "result" in message and "error" in message:
                self.rule(problems, "json-rpc", "$", "a response carries both result and error")
            if request is not None and "id" not in request:
                self.rule(problems, "id-echo", "$", f"the server answered the notification {method}")
            elif request is not None and "id" not in message:
                self.rule(problems, "id-echo", "$", f"the response has no id; the request's id was {json.dumps(request['id'])}")
            elif request is not None and message["id"] is not None and not same_json(message["id"], request["id"]):
                self.rule(problems, "id-echo", "$.id",
                          f"id {json.dumps(message['id'])} does not echo the request's id {json.dumps(request['id'])}")

        if "error" in message:
            self.kinds["error"] += 1
            checked = message
            if message.get("id", 0) is None:
                if self.allow_null_error_id:
                    checked = {k: v for k, v in message.items() if k != "id"}
                    if revision in ("2024-11-05", "2025-03-26", "2025-06-18"):
                        checked["id"] = 0  # the schema requires an id here; JSON-RPC's null is tolerated
                else:
                    self.rule(problems, "null-id", "$.id", f"error id is null: the {revision} schema allows only a "
                              "string or integer id" + ("" if revision in ("2024-11-05", "2025-03-26", "2025-06-18")
                                                        else " or none") + " (see --allow-null-error-id)")
            problems += self.validator.error_response(revision, checked)
            self.error_rules(revision, message, problems)
            return problems

        if "result" in message:
            self.kinds["result"] += 1
            if request is None or method == "-":
                problems.append(Problem("$", "cannot choose a result type: the transcript gives no request for this "
                                        "response", "transcript"))
                return problems
            result_def, revisions = RESULT_DEFS.get(method, (None, frozenset()))
            if result_def is None:
                self.rule(problems, "method-revision", "$.result",
                          f"{method} is not a method this server serves; expected an error (-32601)")
                return problems
            if revision not in revisions:
                self.rule(problems, "method-revision", "$.result",
                          f"{method} does not exist in {revision}; expected an error (-32601), not a result")
                return problems
            result = message["result"]
            if (revision in MODERN and method in INPUT_REQUIRED_METHODS and isinstance(result, dict)
                    and result.get("resultType") == "input_required"):
                result_def = "InputRequiredResult"
            problems += self.validator.result_response(revision, message, result_def, method)
            if isinstance(result, dict):
                self.result_rules(revision, request, method, result_def, result, problems)
            return problems

        self.kinds["unrecognised"] += 1
        problems.append(Problem("$", "neither a response (result/error) nor a notification/request (method)", "json-rpc"))
        return problems

    # ---- project rules

    def fields(self, problems: list[Problem], revision: str, kind: str, obj: Any, path: str) -> None:
        if not isinstance(obj, dict):
            return
        table = FIELDS[kind]
        for key in obj:
            allowed = table.get(key)
            if allowed is None or revision not in allowed:
                first = min((r for r in (allowed or ())), key=REVISIONS.index, default=None)
                why = (f"{kind} has no field {key!r} in {revision}" +
                       (f" (it exists in {', '.join(sorted(allowed, key=REVISIONS.index))})" if first else ""))
                self.rule(problems, "field-revision", f"{path}.{key}", why)

    def content_rules(self, revision: str, content: Any, path: str, problems: list[Problem]) -> None:
        if not isinstance(content, list):
            return
        for i, block in enumerate(content):
            if not isinstance(block, dict):
                continue
            kind = block.get("type")
            where = f"{path}[{i}]"
            if kind in CONTENT_TYPES and revision not in CONTENT_TYPES[kind]:
                self.rule(problems, "field-revision", f"{where}.type", f"content type {kind!r} does not exist in {revision}")
            elif kind in FIELDS:
                self.fields(problems, revision, kind, block, where)
                self.fields(problems, revision, "Annotations", block.get("annotations"), f"{where}.annotations")

    def result_rules(self, revision: str, request: dict, method: str, result_def: str, result: dict,
                     problems: list[Problem]) -> None:
        if revision in HANDSHAKE:
            for key in ("resultType", "ttlMs", "cacheScope"):
                if key in result and result_def not in FIELDS:  # those with a table are checked there
                    self.rule(problems, "field-revision", f"$.result.{key}", f"{key} exists only in 2026-07-28")
            if method in EMPTY_RESULT_METHODS and result != {}:
                self.rule(problems, "empty-result", "$.result",
                          f"the result of {method} must be exactly {{}} in {revision}, got {short(json.dumps(result), 120)}")
        else:
            self.modern_result_rules(method, result, problems)

        if result_def == "InitializeResult":
            self.fields(problems, revision, "InitializeResult", result, "$.result")
            self.fields(problems, revision, "Implementation", result.get("serverInfo"), "$.result.serverInfo")
            self.fields(problems, revision, "ServerCapabilities", result.get("capabilities"), "$.result.capabilities")
            offered = (request.get("params") or {}).get("protocolVersion") if isinstance(request.get("params"), dict) else None
            answered = result.get("protocolVersion")
            if offered in HANDSHAKE and answered != offered:
                self.rule(problems, "negotiation", "$.result.protocolVersion",
                          f"the client asked for {offered}, which the server must support and echo; it answered {answered!r}")
            if answered != revision:
                self.rule(problems, "negotiation", "$.result.protocolVersion",
                          f"the server negotiated {answered!r} but the transcript says the revision is {revision}")
        elif result_def == "DiscoverResult":
            self.fields(problems, revision, "DiscoverResult", result, "$.result")
            self.fields(problems, revision, "ServerCapabilities", result.get("capabilities"), "$.result.capabilities")
        elif result_def == "ListToolsResult":
            self.fields(problems, revision, "ListToolsResult", result, "$.result")
            tools = result.get("tools")
            for i, tool in enumerate(tools if isinstance(tools, list) else []):
                self.fields(problems, revision, "Tool", tool, f"$.result.tools[{i}]")
                if isinstance(tool, dict):
                    self.fields(problems, revision, "ToolAnnotations", tool.get("annotations"),
                                f"$.result.tools[{i}].annotations")
                    if isinstance(tool.get("name"), str):
                        self.output_schemas[(revision, tool["name"])] = tool.get("outputSchema")
        elif result_def in ("ListResourcesResult", "ListResourceTemplatesResult", "ListPromptsResult"):
            self.fields(problems, revision, result_def, result, "$.result")
            key, kind = {"ListResourcesResult": ("resources", "Resource"),
                         "ListResourceTemplatesResult": ("resourceTemplates", "ResourceTemplate"),
                         "ListPromptsResult": ("prompts", "Prompt")}[result_def]
            items = result.get(key)
            for i, item in enumerate(items if isinstance(items, list) else []):
                self.fields(problems, revision, kind, item, f"$.result.{key}[{i}]")
                if kind == "Prompt" and isinstance(item, dict) and isinstance(item.get("arguments"), list):
                    for j, argument in enumerate(item["arguments"]):
                        self.fields(problems, revision, "PromptArgument", argument, f"$.result.{key}[{i}].arguments[{j}]")
        elif result_def == "ReadResourceResult":
            self.fields(problems, revision, result_def, result, "$.result")
            contents = result.get("contents")
            if contents == []:
                self.rule(problems, "read-contents", "$.result.contents",
                          "empty contents: a missing resource must be an error, never an empty read")
            for i, item in enumerate(contents if isinstance(contents, list) else []):
                self.fields(problems, revision, "ResourceContents", item, f"$.result.contents[{i}]")
        elif result_def == "GetPromptResult":
            self.fields(problems, revision, result_def, result, "$.result")
            messages = result.get("messages")
            for i, item in enumerate(messages if isinstance(messages, list) else []):
                self.fields(problems, revision, "PromptMessage", item, f"$.result.messages[{i}]")
                if isinstance(item, dict):
                    self.content_rules(revision, [item.get("content")], f"$.result.messages[{i}].content", problems)
                    resource = item.get("content", {}).get("resource") if isinstance(item.get("content"), dict) else None
                    self.fields(problems, revision, "ResourceContents", resource, f"$.result.messages[{i}].content.resource")
        elif result_def == "CompleteResult":
            self.fields(problems, revision, result_def, result, "$.result")
            self.fields(problems, revision, "Completion", result.get("completion"), "$.result.completion")
        elif result_def == "SubscriptionsListenResult":
            self.listen_id_rule(request, (result.get("_meta") or {}) if isinstance(result.get("_meta"), dict) else {},
                                "$.result._meta", problems)
        elif result_def == "CallToolResult":
            self.fields(problems, revision, "CallToolResult", result, "$.result")
            self.content_rules(revision, result.get("content"), "$.result.content", problems)
            self.call_rules(revision, request, result, problems)

        if revision in MODERN:
            self.fields(problems, revision, "Implementation", (result.get("_meta") or {}).get(SERVER_INFO_KEY)
                        if isinstance(result.get("_meta"), dict) else None, f"$.result._meta['{SERVER_INFO_KEY}']")

    def modern_result_rules(self, method: str, result: dict, problems: list[Problem]) -> None:
        result_type = result.get("resultType")
        if result_type is None:
            self.rule(problems, "modern-result", "$.result", "2026-07-28 results must carry resultType")
        elif result_type not in RESULT_TYPES:
            self.rule(problems, "modern-result", "$.result.resultType", f"unknown resultType {result_type!r}")
        elif result_type == "input_required" and method not in INPUT_REQUIRED_METHODS:
            self.rule(problems, "modern-result", "$.result.resultType",
                      f"input_required is allowed only on {', '.join(sorted(INPUT_REQUIRED_METHODS))}")
        meta = result.get("_meta")
        if not isinstance(meta, dict) or not isinstance(meta.get(SERVER_INFO_KEY), dict):
            self.rule(problems, "modern-result", "$.result._meta",
                      f"2026-07-28 results must carry _meta[{SERVER_INFO_KEY!r}]")
        else:
            info = meta[SERVER_INFO_KEY]
            for key in ("name", "version"):
                if not isinstance(info.get(key), str):
                    self.rule(problems, "modern-result", f"$.result._meta['{SERVER_INFO_KEY}'].{key}",
                              f"serverInfo.{key} must be a string")
        if method in CACHEABLE_METHODS and result_type in (None, "complete"):
            ttl = result.get("ttlMs")
            if "ttlMs" not in result:
                self.rule(problems, "modern-result", "$.result", f"{method} results must carry ttlMs")
            elif not is_int(ttl) or ttl < 0:
                self.rule(problems, "modern-result", "$.result.ttlMs", f"ttlMs must be a non-negative integer, got {json.dumps(ttl)}")
            scope = result.get("cacheScope")
            if "cacheScope" not in result:
                self.rule(problems, "modern-result", "$.result", f"{method} results must carry cacheScope")
            elif scope not in ("public", "private"):
                self.rule(problems, "modern-result", "$.result.cacheScope", f"cacheScope must be public or private, got {json.dumps(scope)}")

    def call_rules(self, revision: str, request: dict, result: dict, problems: list[Problem]) -> None:
        params = request.get("params") if isinstance(request.get("params"), dict) else {}
        name = params.get("name")
        has_structured = "structuredContent" in result
        if has_structured:
            structured = result["structuredContent"]
            texts = [b.get("text") for b in result.get("content") or [] if isinstance(b, dict) and b.get("type") == "text"]
            mirrored = False
            for text in texts:
                try:
                    mirrored = mirrored or same_json(json.loads(text), structured)
                except (TypeError, ValueError):
                    pass
            if not mirrored:
                self.rule(problems, "text-mirror", "$.result.content",
                          "no text block holds the same JSON as structuredContent")
        if result.get("isError") is True or (revision, name) not in self.output_schemas:
            return
        schema = self.output_schemas[(revision, name)]
        if not isinstance(schema, dict):
            return
        if not has_structured:
            self.rule(problems, "output-schema", "$.result",
                      f"tool {name} declares an outputSchema but returned no structuredContent")
            return
        try:
            from jsonschema import exceptions, validators
            from referencing import Registry

            cls = validators.validator_for(schema, default=validators.Draft202012Validator)
            cls.check_schema(schema)
            error = exceptions.best_match(cls(schema, registry=Registry()).iter_errors(result["structuredContent"]))
        except Exception as exc:  # an unusable schema is the tools/list message's fault, reported here
            self.rule(problems, "output-schema", "$.result.structuredContent",
                      f"cannot validate against tool {name}'s outputSchema: {short(str(exc), 160)}")
            return
        if error is not None:
            path = "$.result.structuredContent" + error.json_path[1:]
            self.rule(problems, "output-schema", path,
                      f"does not match tool {name}'s outputSchema: {short(error.message)}")

    def error_rules(self, revision: str, message: dict, problems: list[Problem]) -> None:
        error = message.get("error")
        code = error.get("code") if isinstance(error, dict) else None
        if revision in MODERN and is_int(code):
            if code == -32002:
                self.rule(problems, "error-code", "$.error.code", "-32002 must not be emitted in 2026-07-28 (use -32602)")
            elif -32099 <= code <= -32020 and code not in (-32020, -32021, -32022):
                self.rule(problems, "error-code", "$.error.code",
                          f"{code} is in the range reserved for the MCP spec and is not defined in 2026-07-28")

    def listen_id_rule(self, request: dict | None, meta: dict, path: str, problems: list[Problem]) -> None:
        """A listen stream's messages name the listen request's id as their subscriptionId."""
        if request is None or request.get("method") != "subscriptions/listen":
            self.rule(problems, "listen-stream", path, "a listen-stream message must answer a subscriptions/listen request")
        elif SUBSCRIPTION_ID_KEY not in meta:
            self.rule(problems, "listen-stream", path, f"_meta[{SUBSCRIPTION_ID_KEY!r}] is missing")
        elif not same_json(meta[SUBSCRIPTION_ID_KEY], request.get("id")):
            self.rule(problems, "listen-stream", f"{path}['{SUBSCRIPTION_ID_KEY}']",
                      f"subscriptionId {json.dumps(meta[SUBSCRIPTION_ID_KEY])} is not the listen request's id "
                      f"{json.dumps(request.get('id'))}")

    def notification_rules(self, revision: str, request: dict | None, message: dict, problems: list[Problem]) -> None:
        method = message.get("method")
        params = message.get("params") if isinstance(message.get("params"), dict) else {}
        if revision in MODERN and method in ("notifications/subscriptions/acknowledged", "notifications/resources/updated"):
            meta = params.get("_meta") if isinstance(params.get("_meta"), dict) else {}
            self.listen_id_rule(request, meta, "$.params._meta", problems)
        req_params = (request or {}).get("params") if isinstance((request or {}).get("params"), dict) else {}
        req_meta = req_params.get("_meta") if isinstance(req_params.get("_meta"), dict) else {}
        if method == "notifications/progress" and request is not None:
            if "progressToken" not in req_meta:
                self.rule(problems, "progress-token", "$.params.progressToken",
                          "progress for a request that set no progressToken")
            elif not same_json(params.get("progressToken"), req_meta["progressToken"]):
                self.rule(problems, "progress-token", "$.params.progressToken",
                          f"token {json.dumps(params.get('progressToken'))} is not the request's "
                          f"{json.dumps(req_meta['progressToken'])}")
        if method == "notifications/message" and revision in MODERN and request is not None and LOG_LEVEL_KEY not in req_meta:
            self.rule(problems, "log-opt-in", "$", f"notifications/message for a request without _meta[{LOG_LEVEL_KEY!r}]")


# --------------------------------------------------------------------------- main


def read_entries(paths: Iterable[str]) -> Iterable[tuple[str, int, Any, str | None]]:
    for path in paths:
        stream = sys.stdin if path == "-" else open(path, encoding="utf-8")
        with stream:
            for number, line in enumerate(stream, 1):
                if not line.strip():
                    continue
                try:
                    yield path, number, json.loads(line), None
                except ValueError as exc:
                    yield path, number, None, f"transcript line is not JSON: {exc}"


def choose_validator(args: argparse.Namespace) -> Any:
    folder = Path(args.schemas) if args.schemas else DEFAULT_SCHEMAS
    if args.validator in ("auto", "schema"):
        if folder.is_dir():
            return SchemaValidator(folder)
        if args.schemas or args.validator == "schema":
            raise SystemExit(f"validate_messages: schema folder {folder} does not exist")
    try:
        validator = PydanticValidator()
        if args.validator == "auto":
            validator.description += f" - no official schema folder at {folder}"
        return validator
    except ImportError as exc:
        raise SystemExit(f"validate_messages: no schema folder at {folder} and the mcp-types package is not "
                         f"importable ({exc}); pip install -r requirements.txt")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("transcripts", nargs="+", metavar="TRANSCRIPT", help="JSON Lines file, or - for stdin")
    parser.add_argument("--schemas", metavar="DIR",
                        help=f"folder holding <revision>/schema.json (default {DEFAULT_SCHEMAS} when it exists, "
                             "else the mcp-types pydantic models)")
    parser.add_argument("--validator", choices=("auto", "schema", "pydantic"), default="auto",
                        help="auto (default): schemas when the folder exists, else pydantic")
    parser.add_argument("--schema-only", action="store_true", help="skip the project rules")
    parser.add_argument("--allow-null-error-id", action="store_true",
                        help='accept "id": null on error responses (JSON-RPC parse errors)')
    parser.add_argument("-v", "--verbose", action="store_true", help="print every problem of an invalid message")
    args = parser.parse_args(argv)

    try:
        validator = choose_validator(args)
    except SystemExit as exc:
        print(exc, file=sys.stderr)
        return 2
    checker = Checker(validator, project_rules=not args.schema_only, allow_null_error_id=args.allow_null_error_id)
    print(f"validator: {validator.description}")

    total = invalid = 0
    try:
        for path, number, entry, read_error in read_entries(args.transcripts):
            total += 1
            if read_error:
                revision, method, problems = "?", "?", [Problem("$", read_error, "transcript")]
            else:
                revision, method, problems = checker.check_line(entry)
            if problems:
                invalid += 1
                more = f" (+{len(problems) - 1} more)" if len(problems) > 1 and not args.verbose else ""
                print(f"INVALID {path}:{number} revision={revision} request={method}: {problems[0]}{more}")
                if args.verbose:
                    for problem in problems[1:]:
                        print(f"    {problem}")
    except OSError as exc:
        print(f"validate_messages: {exc}", file=sys.stderr)
        return 2

    kinds = ", ".join(f"{k} {v}" for k, v in sorted(checker.kinds.items())) or "none"
    revisions = ", ".join(f"{r} {checker.revisions[r]}" for r in REVISIONS if checker.revisions[r]) or "none"
    print(f"checked {total} messages ({kinds}; by revision: {revisions}): {total - invalid} valid, {invalid} invalid")
    if checker.rule_hits:
        print("project-rule failures: " + ", ".join(f"{k} {v}" for k, v in sorted(checker.rule_hits.items())))
    return 1 if invalid else 0


if __name__ == "__main__":
    sys.exit(main())
