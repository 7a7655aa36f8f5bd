"""The funding formula as a subject of signatures: what its CEOs and CFOs sign, and which
changes alter it (the proposal, a partner's figures, the Day 1 terms, the set of partners).

The rules of signing live in `app.signatures`; this module tells it what the formula's content
is and when it may have changed (rule 3).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from app.funding.models import FundingInput, FundingProposal
from app.funding.service import blank_terms, content, problems
from app.partnerships.models import Partner, Partnership, PartnerStatus
from app.signatures.flows import touch
from app.signatures.models import FUNDING
from app.wizard.models import SHARED_SCOPE, Answer
from app.wizard.service import roadmap_of


class FundingSource:
    """The funding formula (see `app.signatures.service.Source`)."""

    def contents(
        self, db: Session, partnership: Partnership, subject: str, partner_ids: Collection[str]
    ) -> dict[str, dict[str, Any]]:
        signed = content(db, partnership, roadmap_of(db))
        return dict.fromkeys(partner_ids, signed)  # every partner signs the same formula

    def refusal(
        self, db: Session, partnership: Partnership, subject: str, content: Any
    ) -> str | None:
        found = problems(db, partnership)
        if found is None:
            return "There is no funding proposal to sign yet"
        if found:
            return "The formula cannot be signed until every figure is in: " + "; ".join(
                p.message for p in found
            )
        blank = blank_terms(roadmap_of(db), content["terms"])
        if blank:
            return (
                "The formula cannot be signed until the Day 1 terms signed with it are "
                "answered: " + "; ".join(q.label for q in blank)
            )
        return None

    def title(self, db: Session, subject: str) -> str:
        return "the funding formula"

    def page(self, partnership_id: str, subject: str) -> str:
        return f"/partnerships/{partnership_id}/funding"

    def sign_page(self, partnership_id: str, subject: str) -> str:
        return f"/partnerships/{partnership_id}/funding#signatures"


FUNDING_SOURCE = FundingSource()


def _touch(target: Any, partnership_id: str, cause: dict[str, Any]) -> None:
    db = sa.orm.object_session(target)
    if db is not None:
        touch(
            db, partnership_id=partnership_id, subject=FUNDING, source=FUNDING_SOURCE, cause=cause
        )


@sa.event.listens_for(FundingProposal, "after_insert")
@sa.event.listens_for(FundingProposal, "after_update")
def _proposal_changed(_mapper: Any, _connection: Any, row: FundingProposal) -> None:
    _touch(row, row.partnership_id, {"key": "proposal", "user_id": row.updated_by})


@sa.event.listens_for(FundingInput, "after_insert")
@sa.event.listens_for(FundingInput, "after_update")
def _figures_changed(_mapper: Any, _connection: Any, row: FundingInput) -> None:
    _touch(
        row,
        row.partnership_id,
        {"key": "figures", "scope": row.partner_id, "user_id": row.updated_by},
    )


@sa.event.listens_for(Answer, "after_insert")
@sa.event.listens_for(Answer, "after_update")
def _terms_changed(_mapper: Any, _connection: Any, answer: Answer) -> None:
    """A Day 1 shared answer is one of the terms signed with the formula."""
    db = sa.orm.object_session(answer)
    if db is None or answer.scope != SHARED_SCOPE:
        return
    roadmap = db.info.get("roadmap")
    day1 = roadmap.funding_stage.key if roadmap is not None else None
    if day1 is None or answer.stage_key == day1:
        _touch(
            answer,
            answer.partnership_id,
            {"key": answer.question_key, "scope": SHARED_SCOPE, "user_id": answer.updated_by},
        )


@sa.event.listens_for(Partner, "after_insert")
def _partner_added(_mapper: Any, _connection: Any, partner: Partner) -> None:
    """The set of active partners is part of what is signed: joining changes it."""
    if partner.status is PartnerStatus.ACTIVE:
        _touch(partner, partner.partnership_id, {"key": "partners", "scope": partner.id})


@sa.event.listens_for(Partner, "before_update")
def _partner_changed(_mapper: Any, _connection: Any, partner: Partner) -> None:
    """...and so do joining after an invitation, and withdrawing."""
    if sa.inspect(partner).attrs.status.history.has_changes():
        _touch(partner, partner.partnership_id, {"key": "partners", "scope": partner.id})
