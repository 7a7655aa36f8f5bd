"""The agreement summary as data: one model for the JSON export and its published JSON Schema,
and the single source every other format (PDF, Word, OpenDocument) is rendered from."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, with_config
from typing_extensions import TypedDict

SCHEMA_VERSION = "1"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PartnerEntry(Strict):
    partner_id: str
    organisation: str
    is_lead: bool
    status: str


class AnswerEntry(Strict):
    key: str
    question: str
    answer: str = Field(description="The answer as a person reads it")


class StageEntry(Strict):
    key: str
    number: int
    title: str
    agreed: bool
    signed_by: int
    partners: int
    shared_answers: list[AnswerEntry]


class AcknowledgedEntry(Strict):
    """An open consistency warning the signer acknowledged when signing."""

    key: str
    message: str


class SignOffEntry(Strict):
    kind: str = Field(description='"stage" or "funding"')
    stage: str | None
    role: str = Field(description='"signatory", "ceo" or "cfo"')
    person: str
    organisation: str
    partner_id: str
    signed_at: datetime = Field(description="When the decision was made (signed or declined)")
    content_hash: str = Field(pattern=r"^[0-9a-f]{64}$")
    counts: bool = Field(description="Only a current signature counts")
    state: str = Field(
        default="current",
        description='"current", "superseded" (the content changed after), "revoked" or "declined"',
    )
    reason: str | None = Field(
        default=None, description="Why it was declined or revoked, as the person gave it"
    )
    acknowledged: list[AcknowledgedEntry] = Field(
        default_factory=list,
        description="The open consistency warnings the signer acknowledged before signing: "
        "part of the signed record",
    )


class AuthorityEntry(Strict):
    person: str
    organisation: str
    partner_id: str
    role: str = Field(description='"signatory", "ceo" or "cfo"')
    authority: str | None = Field(
        description="The decision the role rests on (a scheme of delegation or committee "
        "minute); null for a grant made before the service recorded one"
    )
    granted_by: str | None = Field(description="Who granted the role; null when not recorded")
    granted_at: datetime


class FundingRowEntry(Strict):
    partner_id: str
    organisation: str
    share_percent: str
    one_off: str
    per_year: list[str]
    total: str


class FundingEntry(Strict):
    terms: list[AnswerEntry] = Field(
        default_factory=list, description="The Day 1 terms, as the CEOs and CFOs signed them"
    )
    method: str | None
    agreed: bool
    content_hash: str
    one_off_cost: str | None
    annual_cost: str | None
    years: int | None
    rows: list[FundingRowEntry]
    grand_total: str | None


class PartnerFiguresEntry(Strict):
    population: str | None
    driver: str | None
    budget: str | None
    percentage: str | None


@with_config(ConfigDict(extra="forbid"))
class ScoreEntry(TypedDict):
    """A readiness score (0 to 4; null when not scored) with its evidence. A plain dict, not a
    model: a large partnership's export has tens of thousands of them."""

    score: int | None
    evidence: str | None
    evidence_url: str | None
    valid_until: str | None


class PartnerStageEntry(Strict):
    stage: str
    answers: dict[str, str] = Field(
        description="The partner's own questions: question key to the answer as people read "
        "it (the questions are in `questions`)"
    )
    scores: dict[str, ScoreEntry] = Field(
        description="Its readiness scores with their evidence, by statement key: only once "
        "every partner has submitted theirs for the stage (partners score blind until then)"
    )


class PartnerRecordEntry(Strict):
    partner_id: str
    organisation: str
    figures: PartnerFiguresEntry = Field(description="Its figures for the funding formula")
    stages: list[PartnerStageEntry]


class QuestionEntry(Strict):
    stage: str
    key: str
    text: str
    kind: str = Field(description='"question" (a partner answers it) or "statement" (scored)')


class RiskEntry(Strict):
    title: str
    stage: str | None
    likelihood: int
    impact: int
    score: int
    owner: str | None
    mitigation: str
    status: str


class ReadinessEntry(Strict):
    collected_at: datetime | None
    verdict: str
    dimensions: list[dict[str, str | None]]
    blockers: list[str]
    snapshot_hash: str | None


class AuditEntry(Strict):
    chain: str
    head_hash: str = Field(pattern=r"^[0-9a-f]{64}$")
    events: int = Field(description="The position of the head: the last change before export")
    seal: str | None = Field(
        default=None,
        description="The head's seal: an HMAC the service alone can make, so the head cannot "
        "be forged by someone who can only edit the database",
    )
    how_to_verify: str


class Agreement(Strict):
    """The agreement summary of one partnership."""

    schema_version: str = SCHEMA_VERSION
    partnership_id: str
    name: str
    service: str
    description: str
    roadmap_version: str
    generated_at: datetime
    draft: bool = Field(description="True until funding and every stage are agreed")
    verdict: str
    partners: list[PartnerEntry]
    stages: list[StageEntry]
    signoffs: list[SignOffEntry]
    authorities: list[AuthorityEntry] = Field(
        default_factory=list,
        description="Every signing role held when the agreement was generated, with the "
        "authority it was granted on (BRIEF rule 9)",
    )
    funding: FundingEntry
    questions: list[QuestionEntry] = Field(
        default_factory=list,
        description="The questions each partner answers for itself, and the readiness "
        "statements, that `partner_records` refer to by key",
    )
    partner_records: list[PartnerRecordEntry] = Field(
        default_factory=list, description="Each partner's own answers, scores and figures"
    )
    risks: list[RiskEntry]
    readiness: ReadinessEntry
    audit: AuditEntry


def json_schema() -> dict[str, object]:
    """The published JSON Schema of the JSON export."""
    schema = Agreement.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "/api/v1/agreement.schema.json"
    return schema
