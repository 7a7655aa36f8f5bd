"""The lean field macros (templates/components/fields.html) print exactly what GOV.UK Frontend's
own macros print for the same arguments, so that the stage page keeps GOV.UK's markup."""

from __future__ import annotations

import re
from typing import Any

import pytest

from app.core.templating import environment

IMPORTS = """
{% from "govuk_frontend_jinja/components/input/macro.html" import govukInput %}
{% from "govuk_frontend_jinja/components/textarea/macro.html" import govukTextarea %}
{% from "govuk_frontend_jinja/components/character-count/macro.html" import govukCharacterCount %}
{% from "govuk_frontend_jinja/components/radios/macro.html" import govukRadios %}
{% from "govuk_frontend_jinja/components/checkboxes/macro.html" import govukCheckboxes %}
{% from "govuk_frontend_jinja/components/date-input/macro.html" import govukDateInput %}
{% from "govuk_frontend_jinja/components/details/macro.html" import govukDetails %}
{% import "components/fields.html" as fields %}
"""


def _normal(html: str) -> str:
    """Markup with insignificant white space removed: between tags, and around text."""
    html = re.sub(r">\s+", ">", html.strip())
    html = re.sub(r"\s+<", "<", html)
    return re.sub(r"\s+", " ", html)


def _both(govuk: str, lean: str, **context: Any) -> tuple[str, str]:
    env = environment()
    theirs = env.from_string(IMPORTS + "{{ " + govuk + " }}").render(**context)
    ours = env.from_string(IMPORTS + "{{ " + lean + " }}").render(**context)
    return _normal(theirs), _normal(ours)


HINTS = [None, "A hint with <b>markup</b> & an ampersand"]
ERRORS = [None, "Enter an answer"]


@pytest.mark.parametrize("hint", HINTS)
@pytest.mark.parametrize("error", ERRORS)
@pytest.mark.parametrize(
    ("extra_govuk", "extra_lean"),
    [
        ("", ""),
        (
            ', "inputmode": "decimal", "spellcheck": false, "prefix": {"text": "£"}, '
            '"classes": "govuk-input--width-10"',
            ', inputmode="decimal", spellcheck=false, prefix="£", classes="govuk-input--width-10"',
        ),
        (', "type": "url", "spellcheck": false', ', type="url", spellcheck=false'),
    ],
)
def test_input(hint: str | None, error: str | None, extra_govuk: str, extra_lean: str) -> None:
    govuk = (
        'govukInput({"label": {"text": "Name <i>", "classes": "govuk-label--s"}, "id": "k", '
        '"name": "k", "value": value, "hint": ({"text": hint} if hint else none), '
        '"errorMessage": ({"text": error} if error else none)' + extra_govuk + "})"
    )
    lean = (
        'fields.input("k", "k", "Name <i>", value, hint, error, label_classes="govuk-label--s"'
        + extra_lean
        + ")"
    )
    theirs, ours = _both(govuk, lean, value='1 < 2 & "3"', hint=hint, error=error)
    assert ours == theirs


@pytest.mark.parametrize("hint", HINTS)
@pytest.mark.parametrize("error", ERRORS)
def test_textarea_and_character_count(hint: str | None, error: str | None) -> None:
    common = '"id": "t", "name": "t", "value": value, "hint": ({"text": hint} if hint else none), '
    common += '"errorMessage": ({"text": error} if error else none)'
    theirs, ours = _both(
        'govukTextarea({"label": {"text": "Why"}, "rows": 3, ' + common + "})",
        'fields.textarea("t", "t", "Why", value, hint, error, rows=3)',
        value="Line one\nline <two>",
        hint=hint,
        error=error,
    )
    assert ours == theirs
    theirs, ours = _both(
        'govukCharacterCount({"label": {"text": "Need", "classes": "govuk-label--s"}, '
        '"maxlength": 3000, ' + common + "})",
        'fields.character_count("t", "t", "Need", 3000, value, hint, error, '
        'label_classes="govuk-label--s")',
        value="abc",
        hint=hint,
        error=error,
    )
    assert ours == theirs


ITEMS = [
    {"value": "0", "text": "0", "hint": "We need to start <work>", "checked": False},
    {"value": "1", "text": "One & more", "checked": True},
    {"value": "2", "text": "2", "hint": "Some", "checked": False},
]


@pytest.mark.parametrize("kind", ["radios", "checkboxes"])
@pytest.mark.parametrize("hint", HINTS)
@pytest.mark.parametrize("error", ERRORS)
@pytest.mark.parametrize("classes", ["", "govuk-radios--small"])
def test_choices(kind: str, hint: str | None, error: str | None, classes: str) -> None:
    macro = "govukRadios" if kind == "radios" else "govukCheckboxes"
    theirs, ours = _both(
        macro + '({"name": "s", "idPrefix": "s", "fieldset": {"legend": {"text": "Pick <one>", '
        '"classes": "govuk-fieldset__legend--s"}}, "hint": ({"text": hint} if hint else none), '
        '"errorMessage": ({"text": error} if error else none), "classes": classes, '
        '"items": govuk_items})',
        f'fields.{kind}("s", "s", "Pick <one>", items, hint, error, '
        'legend_classes="govuk-fieldset__legend--s", classes=classes)',
        hint=hint,
        error=error,
        classes=classes,
        items=ITEMS,
        govuk_items=[{**i, "hint": {"text": i["hint"]}} if "hint" in i else i for i in ITEMS],
    )
    assert ours == theirs


@pytest.mark.parametrize("hint", HINTS)
@pytest.mark.parametrize("error", ERRORS)
def test_date_input(hint: str | None, error: str | None) -> None:
    wrong = " govuk-input--error" if error else ""
    theirs, ours = _both(
        'govukDateInput({"id": "d", "namePrefix": "d", "fieldset": {"legend": {"text": "When", '
        '"classes": "govuk-fieldset__legend--s"}}, "hint": ({"text": hint} if hint else none), '
        '"errorMessage": ({"text": error} if error else none), "items": ['
        '{"name": "day", "classes": "govuk-input--width-2" ~ wrong, "value": "1"}, '
        '{"name": "month", "classes": "govuk-input--width-2" ~ wrong, "value": ""}, '
        '{"name": "year", "classes": "govuk-input--width-4" ~ wrong, "value": "2027"}]})',
        'fields.date_input("d", "d", "When", ["1", "", "2027"], hint, error, '
        'legend_classes="govuk-fieldset__legend--s")',
        hint=hint,
        error=error,
        wrong=wrong,
    )
    assert ours == theirs


@pytest.mark.parametrize("is_open", [False, True])
def test_details(is_open: bool) -> None:
    env = environment()
    theirs = env.from_string(
        IMPORTS + '{{ govukDetails({"summaryText": "Comments (1 open)", "html": "<p>x</p>", '
        '"open": is_open}) }}'
    ).render(is_open=is_open)
    ours = env.from_string(
        IMPORTS + "{% call fields.details('Comments (1 open)', is_open) %}<p>x</p>{% endcall %}"
    ).render(is_open=is_open)
    assert _normal(ours) == _normal(theirs)
