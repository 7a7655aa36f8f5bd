"""Jinja2 set up once: our templates beside GOV.UK Frontend's macros, strict about mistakes."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from fastapi import Request
from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PackageLoader,
    PrefixLoader,
    Undefined,
    select_autoescape,
)
from jinja2.utils import missing
from starlette.responses import HTMLResponse
from starlette.templating import Jinja2Templates

from app.core.paths import TEMPLATES_DIR
from app.core.settings import get_settings


class StrictVariableUndefined(Undefined):
    """An undefined variable raises; a missing key or attribute is simply empty.

    GOV.UK Frontend's macros read optional parameters as `params.classes`, so missing keys must
    be falsy; but a variable a view forgot to pass is a bug and should fail loudly.
    """

    __slots__ = ()

    def _check(self) -> None:
        if self._undefined_obj is missing:
            self._fail_with_undefined_error()

    def __str__(self) -> str:
        self._check()
        return ""

    def __bool__(self) -> bool:
        self._check()
        return False

    def __iter__(self):  # type: ignore[no-untyped-def]
        self._check()
        return iter(())

    def __len__(self) -> int:
        self._check()
        return 0


def _paragraphs(text: str) -> list[str]:
    """Split plain text on blank lines, for guidance written as paragraphs."""
    return [p.strip() for p in text.split("\n\n") if p.strip()]


@lru_cache
def environment() -> Environment:
    """The one Jinja environment; undefined variables raise rather than print nothing."""
    env = Environment(
        loader=ChoiceLoader(
            [
                FileSystemLoader(TEMPLATES_DIR),
                PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
            ]
        ),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictVariableUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["service_name"] = get_settings().service_name
    env.filters["paragraphs"] = _paragraphs
    return env


@lru_cache
def templates() -> Jinja2Templates:
    return Jinja2Templates(env=environment())


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, *, status_code: int = 200
) -> HTMLResponse:
    """Render a page; every page also gets the request (for the navigation)."""
    return templates().TemplateResponse(request, name, context or {}, status_code=status_code)
