"""The roadmap definition: stages, questions and readiness statements, as read from `roadmap/`.

These pydantic models are the single source of truth for the YAML format. The JSON Schema that
editors use (`roadmap/schema.json`) is generated from them by `roadmap roadmap schema`.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

Key = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=60)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]

SCALE_LEVELS = (0, 1, 2, 3, 4)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class QuestionType(StrEnum):
    SHORT_TEXT = "short_text"
    LONG_TEXT = "long_text"
    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"
    YES_NO = "yes_no"
    NUMBER = "number"
    MONEY = "money"
    DATE = "date"
    SCALE = "scale"


CHOICE_TYPES = {QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE}
RANGE_TYPES = {QuestionType.NUMBER, QuestionType.MONEY, QuestionType.SCALE}


class Driver(StrEnum):
    """FAME's enablers, read from the EFQM model: what drives a partnership's results."""

    LEADERSHIP = "leadership"
    PEOPLE = "people"
    POLICY_AND_STRATEGY = "policy_and_strategy"
    PARTNERSHIPS_AND_RESOURCES = "partnerships_and_resources"
    PROCESSES = "processes"


class Option(Strict):
    value: Key
    label: Text
    hint: Text | None = None


class Question(Strict):
    key: Key
    type: QuestionType
    label: Text = Field(description="The question as the officer reads it.")
    hint: Text | None = Field(default=None, description="One or two lines under the label.")
    scope: Literal["shared", "partner"] = Field(
        default="shared",
        description="shared: the partnership's joint position; partner: each organisation's own.",
    )
    required: bool = True
    options: list[Option] = Field(default_factory=list)
    min: Decimal | None = None
    max: Decimal | None = None
    max_length: int | None = Field(default=None, gt=0)

    @model_validator(mode="after")
    def _fits_its_type(self) -> Question:
        if self.type in CHOICE_TYPES:
            if len(self.options) < 2:
                raise ValueError(f"a {self.type} question needs at least two options")
            values = [o.value for o in self.options]
            if len(set(values)) != len(values):
                raise ValueError("option values must be unique within a question")
        elif self.options:
            raise ValueError(f"a {self.type} question cannot have options")
        if (self.min is not None or self.max is not None) and self.type not in RANGE_TYPES:
            raise ValueError(f"a {self.type} question cannot have min or max")
        if self.type is QuestionType.SCALE and (self.min is None or self.max is None):
            raise ValueError("a scale question needs both min and max")
        if self.min is not None and self.max is not None and self.min >= self.max:
            raise ValueError("min must be less than max")
        text_types = (QuestionType.SHORT_TEXT, QuestionType.LONG_TEXT)
        if self.max_length is not None and self.type not in text_types:
            raise ValueError(f"a {self.type} question cannot have max_length")
        return self


class Statement(Strict):
    """An assertive readiness statement that each partner scores 0-4 with evidence."""

    key: Key
    text: Text = Field(description='An assertion such as "We have a named senior sponsor".')
    driver: Driver
    weight: Decimal = Field(default=Decimal(1), gt=0, le=10, decimal_places=2)
    evidence: Text = Field(description="The evidence a partner is expected to give for its score.")
    levels: dict[int, Text] = Field(description="What each score from 0 to 4 means here.")

    @model_validator(mode="after")
    def _all_levels(self) -> Statement:
        if sorted(self.levels) != list(SCALE_LEVELS):
            raise ValueError("levels must describe exactly the scores 0, 1, 2, 3 and 4")
        return self


class ConsistencyHint(Strict):
    """A consistency rule: when one answer says something, another answer must agree with it.

    The rule fires when `if_question` (a shared question of this stage) is answered and its
    answer meets the condition: one of `if_values` (for a multiple choice, any one ticked),
    at least `if_at_least`, at most `if_at_most`, or, with none of these, any answer at all.
    It then requires the shared question `then_question` of stage `then_stage` to be answered
    and to meet every `then_` test given: one of `then_values` (a multiple choice: any one
    ticked), none of `then_not_values` (a multiple choice: none ticked), at least
    `then_at_least`, at most `then_at_most`. While it is not met, `message` is an open warning
    on both stages, which a signatory acknowledges before signing either.
    """

    key: Key
    if_question: Key
    if_values: list[str] = Field(
        default_factory=list, description="Fires on any of these values; empty: on any answer."
    )
    if_at_least: Decimal | None = Field(default=None, description="Fires on a number this or more.")
    if_at_most: Decimal | None = Field(default=None, description="Fires on a number this or less.")
    then_stage: Key
    then_question: Key
    then_values: list[str] = Field(
        default_factory=list, description="The other answer must be one of these."
    )
    then_not_values: list[str] = Field(
        default_factory=list, description="The other answer must be none of these."
    )
    then_at_least: Decimal | None = Field(
        default=None, description="The other answer must be this number or more."
    )
    then_at_most: Decimal | None = Field(
        default=None, description="The other answer must be this number or less."
    )
    message: Text

    @model_validator(mode="after")
    def _one_kind_of_condition(self) -> ConsistencyHint:
        numeric = self.if_at_least is not None or self.if_at_most is not None
        if self.if_values and numeric:
            raise ValueError("a rule fires on if_values or on a number, not both")
        if self.then_values and self.then_not_values:
            raise ValueError("give then_values or then_not_values, not both")
        wants_number = self.then_at_least is not None or self.then_at_most is not None
        if wants_number and (self.then_values or self.then_not_values):
            raise ValueError("a rule requires values or a number of the other answer, not both")
        return self


class Stage(Strict):
    key: Key
    number: int = Field(ge=0, le=9, description="0 for Day 1 funding, 1-9 for the dimensions.")
    kind: Literal["funding", "dimension"] = "dimension"
    title: Text
    purpose: Text = Field(description="One paragraph: what this stage settles and why.")
    guidance: Text = Field(description="Plain-English advice, paragraphs separated by blank lines.")
    questions: list[Question]
    statements: list[Statement]
    hints: list[ConsistencyHint] = Field(default_factory=list)

    @model_validator(mode="after")
    def _enough_and_unique(self) -> Stage:
        shared = [q for q in self.questions if q.scope == "shared"]
        if len(shared) < 6:
            raise ValueError(f"a stage needs at least six shared questions, found {len(shared)}")
        if len(self.statements) < 4:
            raise ValueError(
                f"a stage needs at least four readiness statements, found {len(self.statements)}"
            )
        keys = [q.key for q in self.questions] + [s.key for s in self.statements]
        duplicates = sorted({k for k in keys if keys.count(k) > 1})
        if duplicates:
            raise ValueError(f"question and statement keys must be unique: {', '.join(duplicates)}")
        if (self.kind == "funding") != (self.number == 0):
            raise ValueError("the funding stage, and only it, has number 0")
        return self

    def question(self, key: str) -> Question | None:
        """The question with this key, or None."""
        return next((q for q in self.questions if q.key == key), None)

    def item(self, key: str) -> Question | Statement | None:
        """The question or readiness statement with this key (they share one namespace)."""
        return self.question(key) or next((s for s in self.statements if s.key == key), None)


class RagThresholds(Strict):
    """Readiness scores (0-100) below `red_below` are red, below `amber_below` amber."""

    red_below: int = Field(ge=0, le=100)
    amber_below: int = Field(ge=0, le=100)

    @model_validator(mode="after")
    def _ordered(self) -> RagThresholds:
        if self.red_below > self.amber_below:
            raise ValueError("red_below must not be greater than amber_below")
        return self


class ReadyCondition(StrEnum):
    """What the verdict "ready" needs, each named in the roadmap data (`ready_requires`)."""

    EVERY_PARTNER_SUBMITTED = "every_partner_submitted"
    NO_DIMENSION_RED = "no_dimension_red"
    FUNDING_AGREED = "funding_agreed"
    EVERY_STAGE_AGREED = "every_stage_agreed"
    HIGH_RISKS_MITIGATED = "high_risks_mitigated"
    EVIDENCE_CURRENT = "evidence_current"


class ReadinessModel(Strict):
    scale: dict[int, Text] = Field(description="The general meaning of each score from 0 to 4.")
    rag: RagThresholds
    action_below: int = Field(
        ge=1, le=4, description="Statements scored below this go into the action plan."
    )
    ready_requires: list[ReadyCondition] = Field(
        default_factory=lambda: list(ReadyCondition),
        min_length=1,
        description="What the verdict 'ready' needs: every partner has submitted its scores for "
        "every dimension; no dimension's partnership score (its weakest partner's) is red; "
        "funding is agreed; every stage is agreed; no open high risk lacks a mitigation; no "
        "evidence has expired. Amber dimensions are shown beside the verdict as conditions.",
    )

    @model_validator(mode="after")
    def _all_levels(self) -> ReadinessModel:
        if sorted(self.scale) != list(SCALE_LEVELS):
            raise ValueError("scale must describe exactly the scores 0, 1, 2, 3 and 4")
        return self


class RoadmapIndex(Strict):
    """`roadmap/roadmap.yaml`: the version, the readiness model and the stages in order."""

    version: Annotated[str, StringConstraints(pattern=r"^\d{4}\.\d+$")] = Field(
        description="YEAR.N; a partnership stays pinned to the version it started with."
    )
    title: Text
    readiness: ReadinessModel
    stages: list[Key] = Field(min_length=1, description="Stage keys; each is stages/<key>.yaml.")


class Roadmap(Strict):
    """The whole definition in force: the index and every stage, in order."""

    model_config = ConfigDict(
        **Strict.model_config,
        json_schema_extra={
            "examples": [
                {
                    "version": "2026.1",
                    "title": "Shared-service partnership roadmap",
                    "readiness": {
                        "scale": {
                            "0": "We need to start work to understand what this statement means.",
                            "1": "We understand what it means, and have started to plan the work.",
                            "2": "The work is under way, but not yet complete or tested.",
                            "3": "This is in place for us, with evidence, though not yet proven.",
                            "4": "This is in place, working and reviewed, and we can show it.",
                        },
                        "rag": {"red_below": 50, "amber_below": 75},
                        "action_below": 3,
                    },
                    "stages": [
                        {
                            "key": "business-scope",
                            "number": 1,
                            "kind": "dimension",
                            "title": "Business scope",
                            "purpose": "What the shared service is for and what it covers.",
                            "guidance": "Start with the service, not the system.",
                            "questions": [
                                {
                                    "key": "services-in-scope",
                                    "type": "multiple_choice",
                                    "label": "Which services are in the scope of the shared "
                                    "service?",
                                    "hint": None,
                                    "scope": "shared",
                                    "required": True,
                                    "options": [
                                        {
                                            "value": "revenues-benefits",
                                            "label": "Revenues and benefits",
                                            "hint": None,
                                        },
                                        {
                                            "value": "contact-centre",
                                            "label": "Customer contact centre",
                                            "hint": None,
                                        },
                                    ],
                                    "min": None,
                                    "max": None,
                                    "max_length": None,
                                },
                                {
                                    "key": "scope-deliverable",
                                    "type": "scale",
                                    "label": "How confident are the partners that the first "
                                    "phase is narrow enough to deliver on time?",
                                    "hint": "1 means very broad; 5 means tightly defined.",
                                    "scope": "shared",
                                    "required": True,
                                    "options": [],
                                    "min": "1",
                                    "max": "5",
                                    "max_length": None,
                                },
                            ],
                            "statements": [
                                {
                                    "key": "business-owner",
                                    "text": "A named senior manager from the service itself owns "
                                    "the outcomes of this shared service for our organisation.",
                                    "driver": "leadership",
                                    "weight": "3",
                                    "evidence": "The name and post of the business owner.",
                                    "levels": {
                                        "0": "We need to start work to understand who owns it.",
                                        "1": "We know ownership must sit with the business.",
                                        "2": "A business owner is named but not yet active.",
                                        "3": "The business owner leads our part of the work.",
                                        "4": "The business owner is accountable for outcomes.",
                                    },
                                }
                            ],
                            "hints": [],
                        }
                    ],
                }
            ]
        },
    )

    version: str
    title: str
    readiness: ReadinessModel
    stages: list[Stage]

    def stage(self, key: str) -> Stage | None:
        """The stage with this key, or None."""
        return next((s for s in self.stages if s.key == key), None)

    @property
    def funding_stage(self) -> Stage:
        """Day 1: the one stage of kind "funding" (the loader refuses any other number)."""
        return next(s for s in self.stages if s.kind == "funding")
