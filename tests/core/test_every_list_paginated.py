"""Every list the API returns is paginated (`limit`), or bounded by its nature for a reason
written here: issue 13 found a stage's 1,000 comments returned all at once.

The test reads the OpenAPI document, so a new GET route that returns an array (or an object
carrying one) fails here until it takes `limit` or is added to BOUNDED with its reason.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

# Lists whose length the data cannot grow without bound, and why.
BOUNDED = {
    "/api/v1/partnerships/{pid}": "the partnership's partners and their people: a handful of "
    "councils, each with its own few people",
    "/api/v1/roadmap": "the stages of the roadmap in force: fixed by its files",
    "/api/v1/partnerships/{pid}/stages/{stage}/signoffs/preview": "one stage's content for one "
    "partner, and the open warnings: the consistency rules in the roadmap's files",
    "/api/v1/partnerships/{pid}/stages": "one row per stage of the roadmap",
    "/api/v1/partnerships/{pid}/stages/{stage}": "the stage's questions and statements (from "
    "the roadmap), one answer each, and one set per partner",
    "/api/v1/partnerships/{pid}/risks/heat-map": "five by five cells",
    "/api/v1/partnerships/{pid}/risks/common": "a fixed catalogue in the code",
    "/api/v1/me/notifications": "the newest 50 unread (notify.service.unread)",
    "/api/v1/admin/outbox": "the newest 100 messages (identity.api.outbox)",
    "/api/v1/partnerships/{pid}/funding": "one row per partner, one per method, and the "
    "problems found in them",
    "/api/v1/partnerships/{pid}/funding/what-if/leave/{partner_id}": "the problems found, one "
    "per rule at most",
    "/api/v1/partnerships/{pid}/funding/what-if/join": "the problems found, one per rule at most",
}


def _resolve(schema: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _is_array(schema: dict[str, Any], components: dict[str, Any]) -> bool:
    options = schema.get("anyOf", [schema])
    return any(_resolve(o, components).get("type") == "array" for o in options)


def list_routes(app: FastAPI) -> dict[str, bool]:
    """Each GET path that returns a list, or an object carrying one: does it take `limit`?"""
    document = app.openapi()
    components = document["components"]["schemas"]
    found: dict[str, bool] = {}
    for path, operations in document["paths"].items():
        operation = operations.get("get")
        if operation is None:
            continue
        content = operation["responses"].get("200", {}).get("content", {})
        schema = content.get("application/json", {}).get("schema")
        if schema is None:
            continue  # a file download, not a list
        body = _resolve(schema, components)
        carries = _is_array(body, components) or any(
            _is_array(p, components) for p in body.get("properties", {}).values()
        )
        if carries:
            names = {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
            found[path] = "limit" in names
    return found


def test_every_list_route_is_paginated_or_bounded_for_a_reason(app: FastAPI) -> None:
    routes = list_routes(app)
    unpaginated = {path for path, paged in routes.items() if not paged}
    assert "/api/v1/partnerships/{pid}/stages/{stage}/comments" in routes  # the walk sees lists
    unexplained = unpaginated - BOUNDED.keys()
    assert not unexplained, f"lists without `limit`: {sorted(unexplained)}"
    stale = BOUNDED.keys() - unpaginated
    assert not stale, f"BOUNDED names routes that are paginated or gone: {sorted(stale)}"
