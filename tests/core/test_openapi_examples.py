"""Every JSON body the API takes or gives has an example in /openapi.json, and it fits."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from jsonschema import Draft202012Validator


def _refs(schema: Any) -> list[str]:
    """The component names a body schema points at: itself, its items, its alternatives."""
    if not isinstance(schema, dict):
        return []
    if "$ref" in schema:
        return [schema["$ref"].rsplit("/", 1)[-1]]
    found = _refs(schema.get("items"))
    for key in ("anyOf", "oneOf", "allOf"):
        for part in schema.get(key, []):
            found += _refs(part)
    return found


def _bodies(spec: dict[str, Any]) -> dict[str, set[str]]:
    """Component name -> the operations that take or give it as JSON."""
    used: dict[str, set[str]] = {}
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            contents = [operation.get("requestBody", {}).get("content", {})]
            contents += [
                response.get("content", {})
                for status, response in operation["responses"].items()
                if status.startswith("2")
            ]
            for content in contents:
                for media, body in content.items():
                    if media.endswith("json"):
                        for name in _refs(body.get("schema")):
                            used.setdefault(name, set()).add(f"{method.upper()} {path}")
    return used


def test_every_json_body_has_an_example_that_fits_its_schema(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    components = spec["components"]
    used = _bodies(spec)
    assert {"PartnershipCreate", "PartnershipOut", "FundingOut", "RiskOut"} <= set(used)
    missing = sorted(name for name in used if not components["schemas"][name].get("examples"))
    assert missing == [], f"no examples: {missing}"
    # FastAPI drops nulls inside examples; app/core/openapi.py puts them back.
    [signed, *_] = components["schemas"]["SignatureOut"]["examples"]
    assert "revoked_at" in signed and signed["revoked_at"] is None
    for name in used:
        validator = Draft202012Validator(
            {"$ref": f"#/components/schemas/{name}", "components": components}
        )
        for example in components["schemas"][name]["examples"]:
            errors = [e.message for e in validator.iter_errors(example)]
            assert errors == [], (name, errors)
