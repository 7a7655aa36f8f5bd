"""API documentation: an accessible reference at /docs, and Swagger UI at /docs/explorer.

The reference is rendered from the same OpenAPI document as `/openapi.json`, in the service's
own GOV.UK look, so that it passes the accessibility checks every page passes. Swagger UI (from
vendored files, no CDN) stays for trying requests out; its own markup has known accessibility
failures, which the accessibility statement lists.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_swagger_ui_html
from starlette.responses import HTMLResponse

from app.core.templating import render

router = APIRouter(include_in_schema=False)

METHODS = ("get", "post", "put", "patch", "delete")
REF = "#/components/schemas/"


@dataclass(frozen=True)
class Parameter:
    name: str
    where: str  # path, query, header
    required: bool
    kind: str
    description: str


@dataclass(frozen=True)
class Operation:
    anchor: str
    method: str
    path: str
    summary: str
    description: str
    parameters: list[Parameter]
    body: tuple[str, str | None] | None  # the request body's type, and the schema it names
    responses: list[tuple[str, str, tuple[str, str | None] | None]]  # status, words, type


@dataclass
class Section:
    tag: str
    operations: list[Operation] = field(default_factory=list)


@dataclass(frozen=True)
class Property:
    name: str
    kind: str
    required: bool
    description: str


def _kind(schema: dict[str, Any]) -> str:
    """A schema's type in a few words: "string", "list of RiskOut", "FundingRole or null"."""
    if "$ref" in schema:
        return str(schema["$ref"]).removeprefix(REF)
    for key in ("anyOf", "oneOf"):
        if key in schema:
            return " or ".join(_kind(s) for s in schema[key])
    if schema.get("type") == "array":
        return f"list of {_kind(schema.get('items', {}))}"
    if "enum" in schema:
        return "one of " + ", ".join(f"“{v}”" for v in schema["enum"])
    if "const" in schema:
        return f"“{schema['const']}”"
    return str(schema.get("type", "any"))


def _named(schema: dict[str, Any]) -> str | None:
    """The first schema that `schema` refers to, for a link to its fields."""
    if "$ref" in schema:
        return str(schema["$ref"]).removeprefix(REF)
    for key in ("anyOf", "oneOf"):
        for option in schema.get(key, []):
            if found := _named(option):
                return found
    return _named(schema["items"]) if "items" in schema else None


def _schema_of(content: dict[str, Any] | None) -> tuple[str, str | None] | None:
    """A body's type in words, and the schema to link to."""
    if not content:
        return None
    schema = next(iter(content.values())).get("schema")
    return (_kind(schema), _named(schema)) if schema else None


def reference(document: dict[str, Any]) -> tuple[list[Section], dict[str, list[Property]]]:
    """The operations grouped by tag, in the document's order, and every schema's fields."""
    sections: dict[str, Section] = {}
    for path, item in document.get("paths", {}).items():
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            tag = (op.get("tags") or ["other"])[0]
            sections.setdefault(tag, Section(tag)).operations.append(
                Operation(
                    anchor=str(op.get("operationId", f"{method}-{path}")),
                    method=method.upper(),
                    path=path,
                    summary=str(op.get("summary", "")),
                    description=str(op.get("description", "")),
                    parameters=[
                        Parameter(
                            p["name"],
                            p["in"],
                            bool(p.get("required")),
                            _kind(p.get("schema", {})),
                            str(p.get("description", "")),
                        )
                        for p in op.get("parameters", [])
                    ],
                    body=_schema_of(op.get("requestBody", {}).get("content")),
                    responses=[
                        (code, str(r.get("description", "")), _schema_of(r.get("content")))
                        for code, r in op.get("responses", {}).items()
                    ],
                )
            )
    schemas = {
        name: [
            Property(
                prop,
                _kind(spec),
                prop in schema.get("required", []),
                str(spec.get("description", "")),
            )
            for prop, spec in schema.get("properties", {}).items()
        ]
        for name, schema in sorted(document.get("components", {}).get("schemas", {}).items())
    }
    return list(sections.values()), schemas


@router.get("/docs")
def api_reference(request: Request) -> HTMLResponse:
    """The API reference, from the OpenAPI document, as an ordinary accessible page."""
    sections, schemas = reference(request.app.openapi())
    return render(
        request,
        "site/api-reference.html",
        {"sections": sections, "schemas": schemas, "title": request.app.title},
    )


@router.get("/docs/explorer")
def swagger_ui(request: Request) -> HTMLResponse:
    """Swagger UI for `/openapi.json`, with its files from /static and no outside requests."""
    return get_swagger_ui_html(
        openapi_url=request.app.openapi_url or "/openapi.json",
        title=f"{request.app.title}: API explorer",
        swagger_js_url="/static/swagger-ui/swagger-ui-bundle.js",
        swagger_css_url="/static/swagger-ui/swagger-ui.css",
        swagger_favicon_url="/static/favicon.svg",
        swagger_ui_parameters={"validatorUrl": None},
    )
