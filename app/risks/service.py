"""The risk register: plain functions over a session; callers commit.

Every change names the version of the risk it read. A change against a version that is no
longer current is refused with StaleRisk (the caller shows both), never applied; the check is
a conditional UPDATE (`WHERE version = read`), so it holds under concurrent requests on
PostgreSQL as well as on SQLite's single writer. Every change writes an audit event in the same
transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.audit.service import Actor, record
from app.core.database import utcnow
from app.partnerships.models import Partner, PartnerStatus
from app.risks.common import COMMON_BY_KEY, COMMON_RISKS, CommonRisk
from app.risks.models import HIGH_RISK_SCORE, SCALE, Band, Risk, RiskStatus, band_of
from app.wizard.definition import Roadmap

TITLE_MAX = 200
TEXT_MAX = 5000


class RiskProblem(ValueError):
    """Input that cannot be saved; `message` is written for the person who gave it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field, self.message = field, message


class AlreadyAdopted(RiskProblem):
    """The common risk is already in the register (a conflict rather than invalid input)."""


class StaleRisk(Exception):
    """Someone else changed the risk since it was read; `current` is the risk as it is now
    (None when it has since been deleted)."""

    def __init__(self, current: Risk | None) -> None:
        super().__init__("the risk has changed since it was read")
        self.current = current


@dataclass(frozen=True)
class RiskFields:
    """Everything about a risk that people write (the rest the service keeps)."""

    title: str
    description: str
    likelihood: int
    impact: int
    stage_key: str | None = None
    owner_partner_id: str | None = None
    mitigation: str = ""
    status: RiskStatus = RiskStatus.OPEN
    review_date: date | None = None

    @classmethod
    def of(cls, risk: Risk) -> RiskFields:
        """The fields of a stored risk."""
        return cls(**{f.name: getattr(risk, f.name) for f in fields(cls)})

    def normalised(self) -> RiskFields:
        """Text trimmed; an empty stage or owner means none."""
        return replace(
            self,
            title=self.title.strip(),
            description=self.description.strip(),
            mitigation=self.mitigation.strip(),
            stage_key=self.stage_key or None,
            owner_partner_id=self.owner_partner_id or None,
        )


def problems(
    db: Session,
    *,
    partnership_id: str,
    roadmap: Roadmap,
    risk: RiskFields,
    previous_owner_id: str | None = None,
) -> list[RiskProblem]:
    """Every reason `risk` cannot be saved in this partnership (empty when it can)."""
    risk = risk.normalised()
    found: list[RiskProblem] = []
    if not risk.title:
        found.append(RiskProblem("title", "Enter a short title for the risk"))
    elif len(risk.title) > TITLE_MAX:
        found.append(RiskProblem("title", "Title must be 200 characters or fewer"))
    if not risk.description:
        found.append(
            RiskProblem("description", "Describe the risk: what could happen and what it would do")
        )
    elif len(risk.description) > TEXT_MAX:
        found.append(RiskProblem("description", "Description must be 5,000 characters or fewer"))
    if risk.likelihood not in SCALE:
        found.append(RiskProblem("likelihood", "Select how likely the risk is, from 1 to 5"))
    if risk.impact not in SCALE:
        found.append(RiskProblem("impact", "Select how severe the impact would be, from 1 to 5"))
    if risk.stage_key is not None and roadmap.stage(risk.stage_key) is None:
        found.append(
            RiskProblem("stage_key", "Select a stage of the roadmap, or the whole partnership")
        )
    # An owner who has since withdrawn may stay on a risk being edited; a new owner must be an
    # active partner of this partnership.
    if risk.owner_partner_id is not None and risk.owner_partner_id != previous_owner_id:
        owner = db.get(Partner, risk.owner_partner_id)
        if (
            owner is None
            or owner.partnership_id != partnership_id
            or owner.status is not PartnerStatus.ACTIVE
        ):
            found.append(
                RiskProblem(
                    "owner_partner_id", "Select a partner that is active in this partnership"
                )
            )
    if len(risk.mitigation) > TEXT_MAX:
        found.append(RiskProblem("mitigation", "Mitigation must be 5,000 characters or fewer"))
    elif risk.status is RiskStatus.MITIGATED and not risk.mitigation:
        found.append(
            RiskProblem("mitigation", "Describe the mitigation before marking the risk mitigated")
        )
    return found


def _checked(
    db: Session,
    *,
    partnership_id: str,
    roadmap: Roadmap,
    risk: RiskFields,
    previous_owner_id: str | None = None,
) -> RiskFields:
    found = problems(
        db,
        partnership_id=partnership_id,
        roadmap=roadmap,
        risk=risk,
        previous_owner_id=previous_owner_id,
    )
    if found:
        raise found[0]
    return risk.normalised()


def risk_content(risk: Risk) -> dict[str, Any]:
    """What the audit trail keeps of a risk (JSON-safe)."""
    return {
        "title": risk.title,
        "description": risk.description,
        "stage_key": risk.stage_key,
        "likelihood": risk.likelihood,
        "impact": risk.impact,
        "owner_partner_id": risk.owner_partner_id,
        "mitigation": risk.mitigation,
        "status": RiskStatus(risk.status).value,
        "review_date": risk.review_date.isoformat() if risk.review_date else None,
        "common_key": risk.common_key,
    }


_BY_SCORE = (col(Risk.likelihood) * col(Risk.impact)).desc()


def list_risks(db: Session, *, partnership_id: str) -> list[Risk]:
    """The partnership's risks, highest score first (oldest first within a score)."""
    return list(
        db.exec(
            select(Risk)
            .where(Risk.partnership_id == partnership_id)
            .order_by(_BY_SCORE, col(Risk.created_at), col(Risk.id))
        ).all()
    )


def create_risk(
    db: Session,
    actor: Actor,
    *,
    partnership_id: str,
    roadmap: Roadmap,
    risk: RiskFields,
    user_id: str,
    common_key: str | None = None,
) -> Risk:
    """Add a risk to the register (raises RiskProblem when it cannot be saved)."""
    checked = _checked(db, partnership_id=partnership_id, roadmap=roadmap, risk=risk)
    row = Risk(
        partnership_id=partnership_id,
        common_key=common_key,
        created_by=user_id,
        updated_by=user_id,
        **{f.name: getattr(checked, f.name) for f in fields(checked)},
    )
    row.updated_at = row.created_at
    try:
        with db.begin_nested():
            db.add(row)
    except IntegrityError:
        # Only the unique (partnership, common risk) can fail here: a second adoption won a race.
        raise AlreadyAdopted("common_key", "This common risk is already in the register") from None
    record(
        db,
        actor,
        "risk.created",
        object_type="risk",
        object_id=row.id,
        partnership_id=partnership_id,
        after=risk_content(row),
    )
    return row


def update_risk(
    db: Session,
    actor: Actor,
    *,
    risk: Risk,
    read_version: int,
    changes: RiskFields,
    roadmap: Roadmap,
    user_id: str,
) -> Risk:
    """Change a risk if it is still at `read_version`; saving it unchanged changes nothing."""
    if risk.version != read_version:
        raise StaleRisk(risk)
    checked = _checked(
        db,
        partnership_id=risk.partnership_id,
        roadmap=roadmap,
        risk=changes,
        previous_owner_id=risk.owner_partner_id,
    )
    before = risk_content(risk)
    values = {
        f.name: getattr(checked, f.name)
        for f in fields(checked)
        if getattr(checked, f.name) != getattr(risk, f.name)
    }
    if not values:
        return risk
    result = db.execute(
        sa.update(Risk)
        .where(col(Risk.id) == risk.id, col(Risk.version) == read_version)
        .values(**values, version=read_version + 1, updated_by=user_id, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise StaleRisk(db.get(Risk, risk.id, populate_existing=True))
    db.refresh(risk)
    after = risk_content(risk)
    changed = sorted(k for k in after if after[k] != before[k])
    record(
        db,
        actor,
        "risk.updated",
        object_type="risk",
        object_id=risk.id,
        partnership_id=risk.partnership_id,
        before={k: before[k] for k in changed} | {"version": read_version},
        after={k: after[k] for k in changed} | {"version": risk.version},
    )
    return risk


def delete_risk(db: Session, actor: Actor, *, risk: Risk) -> None:
    """Remove a risk recorded by mistake; the audit trail keeps what it said.

    Closing a risk is the normal way to finish with it. Only the partnership lead deletes
    (the route's permission checks that).
    """
    record(
        db,
        actor,
        "risk.deleted",
        object_type="risk",
        object_id=risk.id,
        partnership_id=risk.partnership_id,
        before=risk_content(risk) | {"version": risk.version},
    )
    db.delete(risk)
    db.flush()


def adopted_keys(db: Session, *, partnership_id: str) -> set[str]:
    """The keys of the common risks already in the partnership's register."""
    return {
        key
        for key in db.exec(
            select(Risk.common_key).where(
                Risk.partnership_id == partnership_id, col(Risk.common_key).is_not(None)
            )
        ).all()
        if key is not None
    }


def common_risks_to_adopt(db: Session, *, partnership_id: str) -> list[CommonRisk]:
    """The common risks not yet in the partnership's register, highest score first."""
    taken = adopted_keys(db, partnership_id=partnership_id)
    waiting = [c for c in COMMON_RISKS if c.key not in taken]
    return sorted(waiting, key=lambda c: -c.score)


def adopt_common_risk(
    db: Session,
    actor: Actor,
    *,
    partnership_id: str,
    roadmap: Roadmap,
    common_key: str,
    user_id: str,
) -> Risk:
    """Add a common risk, with its suggested score and mitigation, to the register (once).

    Only the partnership lead adopts (the route's permission checks that).
    """
    common = COMMON_BY_KEY.get(common_key)
    if common is None:
        raise RiskProblem("common_key", "Choose one of the common risks")
    if common_key in adopted_keys(db, partnership_id=partnership_id):
        raise AlreadyAdopted("common_key", f"“{common.title}” is already in the register")
    return create_risk(
        db,
        actor,
        partnership_id=partnership_id,
        roadmap=roadmap,
        risk=RiskFields(
            title=common.title,
            description=common.description,
            likelihood=common.likelihood,
            impact=common.impact,
            # A partnership pinned to an older roadmap may lack the stage: then it is a risk
            # to the whole partnership.
            stage_key=common.stage_key if roadmap.stage(common.stage_key) else None,
            mitigation=common.mitigation,
        ),
        user_id=user_id,
        common_key=common.key,
    )


@dataclass(frozen=True)
class HeatCell:
    """One square of the heat map: how many open risks have this likelihood and impact."""

    likelihood: int
    impact: int
    count: int

    @property
    def score(self) -> int:
        return self.likelihood * self.impact

    @property
    def band(self) -> Band:
        return band_of(self.score)


@dataclass(frozen=True)
class HeatMap:
    """How many open risks there are at each likelihood and impact (five by five)."""

    counts: dict[tuple[int, int], int]

    def cell(self, likelihood: int, impact: int) -> HeatCell:
        """The square at this likelihood and impact."""
        return HeatCell(likelihood, impact, self.counts.get((likelihood, impact), 0))

    def cells(self) -> list[HeatCell]:
        """Every square, most likely first, then by impact."""
        return [self.cell(li, im) for li in reversed(SCALE) for im in SCALE]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def heat_map(db: Session, *, partnership_id: str) -> HeatMap:
    """Count the partnership's open risks by likelihood and impact."""
    rows = db.exec(
        select(col(Risk.likelihood), col(Risk.impact), sa.func.count(col(Risk.id)))
        .where(Risk.partnership_id == partnership_id, Risk.status == RiskStatus.OPEN)
        .group_by(col(Risk.likelihood), col(Risk.impact))
    ).all()
    return HeatMap({(likelihood, impact): count for likelihood, impact, count in rows})


def open_high_without_mitigation(db: Session, *, partnership_id: str) -> list[Risk]:
    """Open risks scoring HIGH_RISK_SCORE or more with no mitigation: readiness blockers."""
    return list(
        db.exec(
            select(Risk)
            .where(
                Risk.partnership_id == partnership_id,
                Risk.status == RiskStatus.OPEN,
                col(Risk.likelihood) * col(Risk.impact) >= HIGH_RISK_SCORE,
                sa.func.trim(col(Risk.mitigation)) == "",
            )
            .order_by(_BY_SCORE, col(Risk.created_at), col(Risk.id))
        ).all()
    )
