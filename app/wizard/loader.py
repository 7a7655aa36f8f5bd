"""Read and validate the roadmap definition files, reporting every error with file and path."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from app.signatures.models import FUNDING
from app.wizard.definition import (
    CHOICE_TYPES,
    RANGE_TYPES,
    ConsistencyHint,
    Question,
    QuestionType,
    Roadmap,
    RoadmapIndex,
    Stage,
)

M = TypeVar("M", bound=BaseModel)

INDEX_FILE = "roadmap.yaml"
STAGES_DIR = "stages"


@dataclass(frozen=True)
class DefinitionError:
    """One mistake in a definition file."""

    file: str
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.path}" if self.path else self.file
        return f"{where}: {self.message}"


class InvalidRoadmap(Exception):
    """The roadmap definition cannot be used; `errors` says every reason."""

    def __init__(self, errors: list[DefinitionError]) -> None:
        self.errors = errors
        lines = "\n".join(f"  {e}" for e in errors)
        super().__init__(f"the roadmap definition has {len(errors)} error(s):\n{lines}")


def _json_path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _read_yaml(path: Path, label: str, errors: list[DefinitionError]) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        errors.append(DefinitionError(label, "", "file not found"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        errors.append(DefinitionError(label, where, f"not valid YAML: {problem}"))
    except UnicodeDecodeError:
        errors.append(DefinitionError(label, "", "not UTF-8 text"))
    return None


def _parse(model: type[M], data: Any, label: str, errors: list[DefinitionError]) -> M | None:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            loc = tuple(p for p in err["loc"] if not str(p).startswith("function-"))
            message = err["msg"].removeprefix("Value error, ")
            errors.append(DefinitionError(label, _json_path(loc), message))
        return None


def _fits(
    question: Question, values: list[str], numbers: list[Decimal | None], fields: tuple[str, str]
) -> list[tuple[str, str]]:
    """What is wrong with testing `question` against these values or numbers, as (field,
    message); `fields` names the rule's values field and its question field."""
    values_field, question_field = fields
    problems = []
    if values:
        if question.type in CHOICE_TYPES:
            allowed = {o.value for o in question.options}
        elif question.type is QuestionType.YES_NO:
            allowed = {"yes", "no"}
        else:
            return [(values_field, f"{question.key!r} is a {question.type} question: no values")]
        problems += [
            (values_field, f"{v!r} is not an option of {question.key!r}")
            for v in values
            if v not in allowed
        ]
    if any(n is not None for n in numbers) and question.type not in RANGE_TYPES:
        problems.append((question_field, f"{question.key!r} is a {question.type} question"))
    return problems


def _check_rule(
    rule: ConsistencyHint, stage: Stage, stages: dict[str, Stage], label: str, where: str
) -> list[DefinitionError]:
    """A consistency rule points at shared questions that exist, with values they can have."""
    errors = []
    source = stage.question(rule.if_question)
    if source is None or source.scope != "shared":
        errors.append(
            DefinitionError(
                label, f"{where}.if_question", f"no shared question {rule.if_question!r}"
            )
        )
    else:
        numbers = [rule.if_at_least, rule.if_at_most]
        fields = ("if_values", "if_question")
        for path, problem in _fits(source, rule.if_values, numbers, fields):
            errors.append(DefinitionError(label, f"{where}.{path}", problem))
    target = stages.get(rule.then_stage)
    then = target.question(rule.then_question) if target else None
    if target is None:
        errors.append(
            DefinitionError(label, f"{where}.then_stage", f"no stage {rule.then_stage!r}")
        )
    elif then is None or then.scope != "shared":
        errors.append(
            DefinitionError(
                label,
                f"{where}.then_question",
                f"stage {rule.then_stage!r} has no shared question {rule.then_question!r}",
            )
        )
    else:
        values = rule.then_values or rule.then_not_values
        numbers = [rule.then_at_least, rule.then_at_most]
        fields = ("then_values" if rule.then_values else "then_not_values", "then_question")
        for path, problem in _fits(then, values, numbers, fields):
            errors.append(DefinitionError(label, f"{where}.{path}", problem))
    return errors


def _cross_check(
    index: RoadmapIndex, stages: dict[str, Stage], labels: dict[str, str]
) -> list[DefinitionError]:
    errors: list[DefinitionError] = []
    seen_numbers: dict[int, str] = {}
    rule_keys: dict[str, str] = {}  # a rule's key names its warning everywhere: unique
    for key, stage in stages.items():
        label = labels[key]
        if key == FUNDING:
            errors.append(
                DefinitionError(label, "key", f"{FUNDING!r} is reserved for the funding formula")
            )
        if stage.key != key:
            errors.append(
                DefinitionError(label, "key", f"is {stage.key!r} but the file is named {key!r}")
            )
        if stage.number in seen_numbers:
            errors.append(
                DefinitionError(
                    label, "number", f"{stage.number} is also used by {seen_numbers[stage.number]}"
                )
            )
        seen_numbers[stage.number] = key
        for i, hint in enumerate(stage.hints):
            errors += _check_rule(hint, stage, stages, label, f"hints[{i}]")
            if hint.key in rule_keys:
                errors.append(
                    DefinitionError(
                        label,
                        f"hints[{i}].key",
                        f"{hint.key!r} is also used in {rule_keys[hint.key]}",
                    )
                )
            rule_keys[hint.key] = label
    funding = [s for s in stages.values() if s.kind == "funding"]
    if len(funding) != 1:
        errors.append(
            DefinitionError(
                INDEX_FILE, "stages", f"needs exactly one funding stage, found {len(funding)}"
            )
        )
    elif index.stages[0] != funding[0].key:
        errors.append(DefinitionError(INDEX_FILE, "stages[0]", "the funding stage must come first"))
    return errors


def load_roadmap(directory: Path) -> Roadmap:
    """Load and validate the roadmap in `directory`; raise InvalidRoadmap listing every error."""
    errors: list[DefinitionError] = []
    raw_index = _read_yaml(directory / INDEX_FILE, INDEX_FILE, errors)
    index = _parse(RoadmapIndex, raw_index, INDEX_FILE, errors) if raw_index is not None else None
    if index is None:
        raise InvalidRoadmap(errors)

    stages: dict[str, Stage] = {}
    labels: dict[str, str] = {}
    for i, key in enumerate(index.stages):
        label = f"{STAGES_DIR}/{key}.yaml"
        if key in labels:
            errors.append(DefinitionError(INDEX_FILE, f"stages[{i}]", f"{key!r} is listed twice"))
            continue
        labels[key] = label
        raw = _read_yaml(directory / STAGES_DIR / f"{key}.yaml", label, errors)
        stage = _parse(Stage, raw, label, errors) if raw is not None else None
        if stage is not None:
            stages[key] = stage
    listed = set(index.stages)
    for extra in sorted((directory / STAGES_DIR).glob("*.yaml")):
        if extra.stem not in listed:
            errors.append(
                DefinitionError(f"{STAGES_DIR}/{extra.name}", "", f"not listed in {INDEX_FILE}")
            )
    if not errors:
        errors.extend(_cross_check(index, stages, labels))
    if errors:
        raise InvalidRoadmap(errors)
    return Roadmap(
        version=index.version,
        title=index.title,
        readiness=index.readiness,
        stages=[stages[k] for k in index.stages],
    )


@lru_cache(maxsize=4)
def cached_roadmap(directory: str) -> Roadmap:
    """The roadmap in `directory`, loaded once per process (the files change only on deploy)."""
    return load_roadmap(Path(directory))


def editor_schemas() -> dict[str, dict[str, Any]]:
    """The JSON Schemas for editors, by file name under `roadmap/schema/`."""
    return {
        "roadmap.schema.json": RoadmapIndex.model_json_schema(),
        "stage.schema.json": Stage.model_json_schema(),
    }
