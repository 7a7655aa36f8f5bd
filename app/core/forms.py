"""HTML forms the GOV.UK way: read, check, and re-show with errors linked to their fields."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import Depends, Request


@dataclass
class Form:
    """Submitted values and the errors found in them, keyed by field id."""

    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    def get(self, name: str, default: str = "") -> str:
        value = self.values.get(name, default)
        return value if isinstance(value, str) else default

    def get_list(self, name: str) -> list[str]:
        value = self.values.get(name, [])
        return [value] if isinstance(value, str) else list(value)

    def error(self, name: str, message: str) -> None:
        self.errors.setdefault(name, message)

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> list[dict[str, str]]:
        """The GOV.UK error summary's list: each message links to its field."""
        return [{"text": message, "href": f"#{name}"} for name, message in self.errors.items()]

    def message(self, name: str) -> dict[str, str] | None:
        """The `errorMessage` parameter of a GOV.UK field macro."""
        return {"text": self.errors[name]} if name in self.errors else None


async def read_form(request: Request) -> Form:
    """The submitted form; repeated names (checkboxes) become lists."""
    data = await request.form()
    values: dict[str, Any] = {}
    for key in data:
        items = [str(v) for v in data.getlist(key)]
        values[key] = items if len(items) > 1 else items[0]
    return Form(values)


def safe_next(target: str | None, default: str = "/partnerships") -> str:
    """A redirect target within this site only (never an open redirect)."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target


# Routes take the form as a dependency so that they can be plain functions, run in a worker
# thread: an `async def` route that queries the database blocks the whole event loop.
FormData = Annotated[Form, Depends(read_form)]
