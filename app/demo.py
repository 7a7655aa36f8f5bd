"""`roadmap demo`: three councils forming a shared revenues and benefits service.

Safe to run twice: everything is looked up by a natural key (organisation name, email,
partnership name) before it is created, and answers already given are left as they are.
The demo password is printed, not secret: the command refuses to run in production.
"""

from __future__ import annotations

import contextlib
from typing import Any

from sqlmodel import Session, select

from app.core.database import make_engine, session_scope
from app.core.settings import Settings
from app.identity.models import Organisation, OrganisationKind, User
from app.identity.service import create_user, get_or_create_organisation, get_user_by_email
from app.partnerships.models import Partner, Partnership, Role
from app.partnerships.service import add_partner, create_partnership, grant_role
from app.wizard.definition import Roadmap
from app.wizard.loader import load_roadmap
from app.wizard.service import StaleAnswer, answer_scope, save_answer
from app.wizard.values import normalise

DEMO_PASSWORD = "demo-partnership-2026"  # noqa: S105 - printed for the demo, refused in production
PARTNERSHIP_NAME = "Northdale, Eastbrook and Westmoor shared revenues and benefits"

COUNCILS = [
    ("Northdale District Council", "northdale"),
    ("Eastbrook Borough Council", "eastbrook"),
    ("Westmoor District Council", "westmoor"),
]
# One person per role in each council; the partnership lead is Northdale's.
PEOPLE = [
    ("lead", "Priya Lead", (Role.LEAD, Role.PARTNER_LEAD, Role.OFFICER)),
    ("officer", "Owen Officer", (Role.OFFICER,)),
    ("signatory", "Sam Signatory", (Role.SIGNATORY,)),
    ("ceo", "Chris Chief-Executive", (Role.CEO,)),
    ("cfo", "Fran Finance-Director", (Role.CFO,)),
    ("viewer", "Val Viewer", (Role.VIEWER,)),
]

SHARED_ANSWERS: dict[tuple[str, str], Any] = {
    ("business-scope", "business-need"): (
        "Three councils each run a small revenues and benefits team that struggles to recruit "
        "and to keep up with changes to the law. Residents wait too long for benefit decisions."
    ),
    ("business-scope", "outcomes"): (
        "New benefit claims decided within 14 days; council tax collection at 98% or better; "
        "running costs 15% lower by the third year."
    ),
    ("business-scope", "services-in-scope"): ["revenues-benefits"],
    ("business-scope", "business-case-status"): "outline",
    ("business-scope", "service-users"): ["residents", "businesses"],
    ("business-scope", "staff-transfer"): "yes",
    ("business-scope", "scope-deliverable"): 4,
    ("governance", "decision-body"): "joint-committee",
    ("governance", "voting-rule"): "one-partner-one-vote",
    ("governance", "meetings-per-year"): "4",
    ("day1-funding", "savings-sharing"): "same-as-costs",
    ("day1-funding", "tolerance-band-percent"): "3",
    ("day1-funding", "notice-period-months"): "12",
}
PARTNER_ANSWERS: dict[tuple[str, str], dict[str, Any]] = {
    ("business-scope", "partner-staff-in-scope"): {"northdale": "24", "eastbrook": "31"},
}


def _email(slug: str, role: str) -> str:
    return f"{role}@{slug}.example.org"


def _person(db: Session, organisation: Organisation, slug: str, role: str, name: str) -> User:
    email = _email(slug, role)
    user = get_user_by_email(db, email=email)
    if user is None:
        user = create_user(
            db, email=email, name=name, organisation=organisation, password=DEMO_PASSWORD
        )
    return user


def _answer(
    db: Session,
    roadmap: Roadmap,
    partnership: Partnership,
    partner: Partner,
    user: User,
    stage_key: str,
    question_key: str,
    raw: Any,
) -> None:
    stage = roadmap.stage(stage_key)
    question = stage.question(question_key) if stage else None
    if stage is None or question is None:
        raise LookupError(
            f"the demo answers {stage_key}/{question_key}, which is not in the roadmap"
        )
    # Already answered (the demo ran before, or someone changed it since): keep it.
    with contextlib.suppress(StaleAnswer):
        save_answer(
            db,
            partnership_id=partnership.id,
            stage_key=stage_key,
            key=question.key,
            scope=answer_scope(question, partner.id),
            value=normalise(question, raw),
            read_version=0,
            user_id=user.id,
        )


def _council(db: Session, name: str, slug: str) -> tuple[Organisation, dict[str, User]]:
    organisation = get_or_create_organisation(db, name=name, kind=OrganisationKind.DISTRICT_COUNCIL)
    return organisation, {
        role: _person(db, organisation, slug, role, who) for role, who, _ in PEOPLE
    }


def _membership(db: Session, partnership: Partnership, organisation: Organisation) -> Partner:
    partner = db.exec(
        select(Partner).where(
            Partner.partnership_id == partnership.id,
            Partner.organisation_id == organisation.id,
        )
    ).first()
    return partner or add_partner(
        db, partnership=partnership, organisation=organisation, active=True
    )


def _build(db: Session, roadmap: Roadmap) -> Partnership:
    councils = {slug: _council(db, name, slug) for name, slug in COUNCILS}
    lead_people = councils[COUNCILS[0][1]][1]
    partnership = db.exec(select(Partnership).where(Partnership.name == PARTNERSHIP_NAME)).first()
    if partnership is None:
        partnership, _ = create_partnership(
            db,
            name=PARTNERSHIP_NAME,
            service="Revenues and benefits",
            description="A single revenues and benefits service for three district councils, "
            "hosted by Northdale.",
            creator=lead_people["lead"],
            roadmap_version=roadmap.version,
        )
    partners: dict[str, tuple[Partner, dict[str, User]]] = {}
    for slug, (organisation, people) in councils.items():
        partner = _membership(db, partnership, organisation)
        for role, _, roles in PEOPLE:
            for granted in roles:
                if granted is not Role.LEAD or partner.is_lead:
                    grant_role(db, partner=partner, user=people[role], role=granted)
        partners[slug] = (partner, people)

    lead_partner = partners[COUNCILS[0][1]][0]
    for (stage_key, question_key), raw in SHARED_ANSWERS.items():
        _answer(
            db,
            roadmap,
            partnership,
            lead_partner,
            lead_people["officer"],
            stage_key,
            question_key,
            raw,
        )
    for (stage_key, question_key), by_council in PARTNER_ANSWERS.items():
        for slug, raw in by_council.items():
            partner, people = partners[slug]
            _answer(
                db, roadmap, partnership, partner, people["officer"], stage_key, question_key, raw
            )
    return partnership


def load_demo(settings: Settings) -> str:
    """Create (or complete) the demo partnership; return how to sign in."""
    roadmap = load_roadmap(settings.roadmap_dir)
    engine = make_engine(settings.database_url)
    try:
        info = {"base_url": settings.base_url, "roadmap": roadmap}
        with session_scope(engine, write=True, info=info) as db:
            _build(db, roadmap)
    finally:
        engine.dispose()
    lines = [
        f"Demo partnership: {PARTNERSHIP_NAME}",
        f"Sign in at {settings.base_url}/sign-in with any of these, password {DEMO_PASSWORD}",
    ]
    for council, slug in COUNCILS:
        lines.append(f"  {council}:")
        for role, name, _ in PEOPLE:
            lines.append(f"    {_email(slug, role):<34} {name} ({role.replace('-', ' ')})")
    return "\n".join(lines)
