"""Jinja2 set up once: our templates beside GOV.UK Frontend's macros, strict about mistakes."""

from __future__ import annotations

import sys
from datetime import datetime
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
    pass_context,
    select_autoescape,
)
from jinja2.utils import missing
from starlette.responses import HTMLResponse
from starlette.templating import Jinja2Templates

from app.core.flash import take_flash
from app.core.paths import TEMPLATES_DIR
from app.core.security import csrf_token
from app.core.settings import get_settings

GOVUK_TEMPLATES = "govuk_frontend_jinja"


class StrictVariableUndefined(Undefined):
    """In our templates an undefined variable raises; in GOV.UK Frontend's macros it is empty.

    The GOV.UK macros test optional parameters and helper names that are often not defined,
    so they need Jinja's lenient default; but a variable one of our views forgot to pass is a
    bug and should fail loudly. Which template is asking is read from the calling frame.
    """

    __slots__ = ()

    def _check(self) -> None:
        if self._undefined_obj is not missing:
            return  # a missing key or attribute (`params.classes`): empty, as GOV.UK expects
        frame = sys._getframe(2)
        while frame is not None and not frame.f_code.co_filename.endswith((".html", ".txt")):
            frame = frame.f_back  # type: ignore[assignment]
        if frame is None or GOVUK_TEMPLATES not in frame.f_code.co_filename:
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


@pass_context
def _csrf_token(context: Any) -> str:
    return csrf_token(context["request"])


def _format_datetime(value: datetime | None) -> str:
    """ "3 March 2027 at 2:05pm" (UTC), the GOV.UK style for dates and times."""
    if value is None:
        return ""
    time = value.strftime("%-I:%M%p").lower().replace(":00", "")
    return f"{value.day} {value.strftime('%B %Y')} at {time}"


def _option_items(options: list[Any], chosen: list[str]) -> list[dict[str, Any]]:
    """Radio or checkbox items (components/fields.html) for roadmap options, ticked where
    chosen."""
    return [
        {"value": o.value, "text": o.label, "checked": o.value in chosen, "hint": o.hint}
        for o in options
    ]


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
        autoescape=select_autoescape(enabled_extensions=("html",), default=False),
        undefined=StrictVariableUndefined,
        # Compiled once; checking every template file's time on every use costs hundreds of
        # `stat` calls a page. Development with `--reload` re-reads them.
        auto_reload=get_settings().template_reload,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["service_name"] = get_settings().service_name
    env.globals["csrf_token"] = _csrf_token
    env.globals["option_items"] = _option_items
    env.filters["paragraphs"] = _paragraphs
    env.filters["datetime"] = _format_datetime
    return env


@lru_cache
def templates() -> Jinja2Templates:
    return Jinja2Templates(env=environment())


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, *, status_code: int = 200
) -> HTMLResponse:
    """Render a page with the signed-in user (if known) and any message from a redirect."""
    response = HTMLResponse(status_code=status_code)
    page_context = {
        "current_user": getattr(getattr(request.state, "principal", None), "user", None),
        "flash_message": take_flash(request, response),
        **(context or {}),
    }
    rendered = templates().TemplateResponse(request, name, page_context, status_code=status_code)
    for key, value in response.raw_headers:
        if key == b"set-cookie":
            rendered.raw_headers.append((key, value))
    return rendered
