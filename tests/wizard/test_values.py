"""Answer values are checked and stored in one canonical form per question type."""

from decimal import Decimal
from typing import Any

import pytest

from app.wizard.definition import Option, Question, QuestionType
from app.wizard.values import InvalidValue, normalise

OPTIONS = [Option(value="a", label="A"), Option(value="b", label="B"), Option(value="c", label="C")]


def q(type_: str, **extra: Any) -> Question:
    return Question(key="q", label="Q", type=QuestionType(type_), **extra)


@pytest.mark.parametrize(
    ("question", "raw", "stored"),
    [
        (q("short_text"), "  Northdale  ", "Northdale"),
        (q("long_text"), "line one\r\nline two", "line one\nline two"),
        (q("long_text"), "   ", None),
        (q("single_choice", options=OPTIONS), "b", "b"),
        (q("multiple_choice", options=OPTIONS), ["c", "a"], ["a", "c"]),
        (q("multiple_choice", options=OPTIONS), "b", ["b"]),
        (q("multiple_choice", options=OPTIONS), [], None),
        (q("yes_no"), "yes", "yes"),
        (q("yes_no"), False, "no"),
        (q("number"), "12.50", "12.5"),
        (q("number"), "1,000", "1000"),
        (q("number"), "0.00", "0"),
        (q("money"), "£1,250.5", "1250.50"),
        (q("money"), 3, "3.00"),
        (q("date"), "2027-04-01", "2027-04-01"),
        (q("scale", min=Decimal(1), max=Decimal(5)), "4", 4),
        (q("short_text"), None, None),
    ],
)
def test_valid_values_are_normalised(question: Question, raw: Any, stored: Any) -> None:
    assert normalise(question, raw) == stored


@pytest.mark.parametrize(
    ("question", "raw", "message"),
    [
        (q("short_text", max_length=5), "too long", "5 characters or fewer"),
        (q("short_text"), 12, "Enter text"),
        (q("single_choice", options=OPTIONS), "z", "Select one of the options"),
        (q("multiple_choice", options=OPTIONS), ["a", "z"], "Select only the options shown"),
        (q("yes_no"), "maybe", "Select yes or no"),
        (q("number"), "twelve", "Enter a number"),
        (q("number"), "NaN", "Enter a number"),
        (q("number"), "1e400", "Enter a number"),
        (q("number", min=Decimal(0)), "-1", "0 or more"),
        (q("money"), "12.345", "pounds and pence"),
        (q("money"), True, "Enter an amount"),
        (q("date"), "2027-02-30", "Enter a real date"),
        (q("scale", min=Decimal(1), max=Decimal(5)), "6", "5 or less"),
        (q("scale", min=Decimal(1), max=Decimal(5)), "2.5", "whole number"),
    ],
)
def test_invalid_values_say_what_to_do(question: Question, raw: Any, message: str) -> None:
    with pytest.raises(InvalidValue, match=message):
        normalise(question, raw)
