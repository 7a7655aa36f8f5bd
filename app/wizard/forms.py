"""The stage page's form: stored answers to form fields, and submitted fields back to values.

Field names: a question's own key (checkboxes repeat it; dates are KEY-day, KEY-month,
KEY-year, as the GOV.UK date input names them); a statement's are score:KEY, evidence:KEY,
url:KEY and until:KEY-day/-month/-year; every item carries the version it was read at in v:KEY.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from app.core.forms import Form
from app.wizard.definition import Question, QuestionType, Stage, Statement
from app.wizard.models import Answer
from app.wizard.values import InvalidValue

DATE_PARTS = ("day", "month", "year")


def version_field(key: str) -> str:
    return f"v:{key}"


def _date_fields(name: str, iso: str | None) -> dict[str, str]:
    if not iso:
        return {}
    date = dt.date.fromisoformat(iso)
    return {
        f"{name}-day": str(date.day),
        f"{name}-month": str(date.month),
        f"{name}-year": str(date.year),
    }


def _date_from(form: Form, name: str) -> str | None:
    parts = [form.get(f"{name}-{p}").strip() for p in DATE_PARTS]
    if not any(parts):
        return None
    if not all(parts):
        raise InvalidValue("The date must include a day, month and year")
    try:
        return dt.date(int(parts[2]), int(parts[1]), int(parts[0])).isoformat()
    except ValueError:
        raise InvalidValue("The date must be a real date") from None


def fields_of(item: Question | Statement, found: Answer | None) -> dict[str, Any]:
    """The form fields showing a stored answer (and the version it is at)."""
    fields: dict[str, Any] = {version_field(item.key): str(found.version if found else 0)}
    value = found.value if found else None
    if isinstance(item, Statement):
        value = value or {}
        fields |= {
            f"score:{item.key}": "" if value.get("score") is None else str(value["score"]),
            f"evidence:{item.key}": value.get("evidence") or "",
            f"url:{item.key}": value.get("evidence_url") or "",
        }
        return fields | _date_fields(f"until:{item.key}", value.get("valid_until"))
    if item.type is QuestionType.DATE:
        return fields | _date_fields(item.key, value)
    if item.type is QuestionType.MULTIPLE_CHOICE:
        return fields | {item.key: list(value or [])}
    return fields | {item.key: "" if value is None else str(value)}


def raw_of(item: Question | Statement, form: Form) -> Any:
    """The submitted value of an item, before normalising (InvalidValue for a broken date)."""
    if isinstance(item, Statement):
        return {
            "score": form.get(f"score:{item.key}"),
            "evidence": form.get(f"evidence:{item.key}"),
            "evidence_url": form.get(f"url:{item.key}"),
            "valid_until": _date_from(form, f"until:{item.key}"),
        }
    if item.type is QuestionType.DATE:
        return _date_from(form, item.key)
    if item.type is QuestionType.MULTIPLE_CHOICE:
        return form.get_list(item.key)
    return form.get(item.key)


def read_version(form: Form, key: str) -> int:
    raw = form.get(version_field(key), "0")
    return int(raw) if raw.isdigit() else 0


def field_id(item: Question | Statement) -> str:
    """The id an error message links to: the first input of the item."""
    if isinstance(item, Statement):
        return f"score:{item.key}"
    return f"{item.key}-day" if item.type is QuestionType.DATE else item.key


def editable_items(stage: Stage) -> list[Question | Statement]:
    """Everything a member answers on the stage page: shared, own, then readiness."""
    return [*stage.questions, *stage.statements]
