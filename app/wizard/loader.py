"""Read and validate the roadmap definition files, reporting every error with file and path."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from app.signatures.models import FUNDING
from app.wizard.definition import CHOICE_TYPES, QuestionType, Roadmap, RoadmapIndex, Stage

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


def _cross_check(
    index: RoadmapIndex, stages: dict[str, Stage], labels: dict[str, str]
) -> list[DefinitionError]:
    errors: list[DefinitionError] = []
    seen_numbers: dict[int, str] = {}
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
            where = f"hints[{i}]"
            source = stage.question(hint.if_question)
            if source is None:
                errors.append(
                    DefinitionError(
                        label, f"{where}.if_question", f"no question {hint.if_question!r}"
                    )
                )
            elif source.type not in CHOICE_TYPES and source.type is not QuestionType.YES_NO:
                errors.append(
                    DefinitionError(
                        label, f"{where}.if_question", "must be a choice or yes/no question"
                    )
                )
            else:
                allowed = (
                    {o.value for o in source.options}
                    if source.type in CHOICE_TYPES
                    else {"yes", "no"}
                )
                for value in hint.if_values:
                    if value not in allowed:
                        errors.append(
                            DefinitionError(
                                label,
                                f"{where}.if_values",
                                f"{value!r} is not an option of {hint.if_question!r}",
                            )
                        )
            target = stages.get(hint.then_stage)
            if target is None:
                errors.append(
                    DefinitionError(label, f"{where}.then_stage", f"no stage {hint.then_stage!r}")
                )
            elif target.question(hint.then_question) is None:
                errors.append(
                    DefinitionError(
                        label,
                        f"{where}.then_question",
                        f"stage {hint.then_stage!r} has no question {hint.then_question!r}",
                    )
                )
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
