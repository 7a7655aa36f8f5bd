"""The OpenAPI document, with the models' examples exactly as they were written.

FastAPI encodes the document with `exclude_none=True`, which also drops every null inside an
example (fastapi#5559): an example of a field that is required but may be null would lose that
field and no longer fit its own schema. So the examples of every model that an operation takes
or gives, nested models included, are put back from the models themselves.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, get_args

from fastapi import FastAPI
from fastapi.routing import APIRoute
from pydantic import BaseModel


def _models(annotation: Any, seen: set[type[BaseModel]]) -> Iterator[type[BaseModel]]:
    """The models in a type annotation (`list[X]`, `X | None`, …) and in their fields."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation in seen:
            return
        seen.add(annotation)
        yield annotation
        for field in annotation.model_fields.values():
            yield from _models(field.annotation, seen)
        return
    for arg in get_args(annotation):
        yield from _models(arg, seen)


def _examples(model: type[BaseModel]) -> list[Any] | None:
    extra = model.model_config.get("json_schema_extra")
    return extra.get("examples") if isinstance(extra, dict) else None  # type: ignore[return-value]


def restore_examples(spec: dict[str, Any], routes: Sequence[APIRoute]) -> None:
    """Put each component's examples back as its model states them, nulls and all."""
    seen: set[type[BaseModel]] = set()
    components = spec.get("components", {}).get("schemas", {})
    for route in routes:
        if not route.include_in_schema:
            continue
        annotations = [route.response_model]
        annotations += [param.field_info.annotation for param in route.dependant.body_params]
        for annotation in annotations:
            for model in _models(annotation, seen):
                examples = _examples(model)
                component = components.get(model.__name__)
                if examples is not None and component is not None:
                    component["examples"] = examples


def install(app: FastAPI, routes: Sequence[APIRoute]) -> None:
    """Serve the document with the examples restored (built once, on first request).

    `routes` are the API's routes (`app.main.all_routes()`: FastAPI includes routers lazily).
    """
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            restore_examples(build(), routes)
        return app.openapi_schema  # type: ignore[return-value]

    app.openapi = openapi  # type: ignore[method-assign]
