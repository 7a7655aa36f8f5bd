"""Checking and normalising answer values by question type (pure functions).

Values are stored as JSON in one canonical form per type, so that equal answers hash equally
when a sign-off binds them:

| type            | stored as                                   |
| --------------- | ------------------------------------------- |
| short/long text | the text, trimmed (line endings as \\n)      |
| single choice   | the option's value                          |
| multiple choice | a list of option values, in the roadmap's order |
| yes/no          | "yes" or "no"                               |
| number          | a decimal string, no exponent ("12.5")      |
| money           | pounds as a decimal string with two places  |
| date            | "YYYY-MM-DD"                                |
| scale           | an integer                                  |

An empty answer is None: allowed while drafting, refused at sign-off for a required question.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from app.wizard.definition import Question, QuestionType, Statement

PENNY = Decimal("0.01")
MAX_TEXT = {QuestionType.SHORT_TEXT: 500, QuestionType.LONG_TEXT: 20_000}
MAX_NUMBER = Decimal("1e15")


class InvalidValue(ValueError):
    """The value does not fit the question; the message is written for the person answering."""


def _is_empty(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip()) or raw == []


def _text(question: Question, raw: Any) -> str:
    if not isinstance(raw, str):
        raise InvalidValue("Enter text")
    text = raw.replace("\r\n", "\n").strip()
    limit = question.max_length or MAX_TEXT[question.type]
    if len(text) > limit:
        raise InvalidValue(f"Answer must be {limit:,} characters or fewer")
    return text


def _decimal(question: Question, raw: Any, what: str) -> Decimal:
    if isinstance(raw, bool) or not isinstance(raw, str | int | Decimal):
        raise InvalidValue(f"Enter {what}")
    cleaned = str(raw).strip().replace(",", "").removeprefix("£")
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        raise InvalidValue(f"Enter {what}") from None
    if not number.is_finite() or abs(number) >= MAX_NUMBER:
        raise InvalidValue(f"Enter {what}")
    if question.min is not None and number < question.min:
        raise InvalidValue(f"Answer must be {question.min} or more")
    if question.max is not None and number > question.max:
        raise InvalidValue(f"Answer must be {question.max} or less")
    return number


def _choice(question: Question, raw: Any) -> str:
    allowed = {o.value for o in question.options}
    if not isinstance(raw, str) or raw not in allowed:
        raise InvalidValue("Select one of the options")
    return raw


def _choices(question: Question, raw: Any) -> list[str]:
    chosen = [raw] if isinstance(raw, str) else raw
    if not isinstance(chosen, list) or not all(isinstance(c, str) for c in chosen):
        raise InvalidValue("Select the options that apply")
    allowed = [o.value for o in question.options]
    unknown = set(chosen) - set(allowed)
    if unknown:
        raise InvalidValue("Select only the options shown")
    return [value for value in allowed if value in chosen]


def _yes_no(raw: Any) -> str:
    if raw is True or raw == "yes":
        return "yes"
    if raw is False or raw == "no":
        return "no"
    raise InvalidValue("Select yes or no")


def _date(raw: Any) -> str:
    if isinstance(raw, dt.date):
        return raw.isoformat()
    if isinstance(raw, str):
        try:
            return dt.date.fromisoformat(raw.strip()).isoformat()
        except ValueError:
            pass
    raise InvalidValue("Enter a real date")


def _scale(question: Question, raw: Any) -> int:
    number = _decimal(question, raw, "a whole number")
    if number != number.to_integral_value():
        raise InvalidValue("Enter a whole number")
    return int(number)


def normalise(question: Question, raw: Any) -> Any:
    """The canonical stored form of `raw` for `question`, or None when empty.

    Raises InvalidValue with a message fit to show next to the field.
    """
    if _is_empty(raw):
        return None
    match question.type:
        case QuestionType.SHORT_TEXT | QuestionType.LONG_TEXT:
            return _text(question, raw)
        case QuestionType.SINGLE_CHOICE:
            return _choice(question, raw)
        case QuestionType.MULTIPLE_CHOICE:
            return _choices(question, raw)
        case QuestionType.YES_NO:
            return _yes_no(raw)
        case QuestionType.NUMBER:
            number = _decimal(question, raw, "a number")
            return format(number.normalize(), "f") if number else "0"
        case QuestionType.MONEY:
            pounds = _decimal(question, raw, "an amount in pounds, like 1250.50")
            if pounds != pounds.quantize(PENNY, rounding=ROUND_HALF_UP):
                raise InvalidValue("Enter an amount in pounds and pence, like 1250.50")
            return format(pounds.quantize(PENNY), "f")
        case QuestionType.DATE:
            return _date(raw)
        case QuestionType.SCALE:
            return _scale(question, raw)
    raise AssertionError(f"unhandled question type {question.type}")  # pragma: no cover


def normalise_score(statement: Statement, raw: Any) -> dict[str, Any] | None:
    """A readiness score: {"score": 0-4, "evidence": text, "evidence_url", "valid_until"}.

    A score above 0 needs evidence, a note or a link; 0 ("we need to start work to understand
    what this means for us") needs none. Empty (no score and nothing else) is None.
    """
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise InvalidValue("Give a score from 0 to 4")
    score_raw = raw.get("score")
    evidence = str(raw.get("evidence") or "").replace("\r\n", "\n").strip()
    url = str(raw.get("evidence_url") or "").strip()
    valid_until = raw.get("valid_until") or None
    if _is_empty(score_raw) and not evidence and not url and not valid_until:
        return None
    if isinstance(score_raw, bool) or str(score_raw).strip() not in {"0", "1", "2", "3", "4"}:
        raise InvalidValue("Select a score from 0 to 4")
    score = int(str(score_raw).strip())
    if len(evidence) > MAX_TEXT[QuestionType.LONG_TEXT]:
        raise InvalidValue("Evidence must be 20,000 characters or fewer")
    if url and not url.startswith(("https://", "http://")):
        raise InvalidValue("Enter a link that starts with https://")
    if len(url) > 2000:
        raise InvalidValue("The link must be 2,000 characters or fewer")
    if score > 0 and not evidence and not url:
        raise InvalidValue(f"Give the evidence for a score of {score}: a note, a link, or both")
    return {
        "score": score,
        "evidence": evidence,
        "evidence_url": url or None,
        "valid_until": _date(valid_until) if valid_until else None,
    }
