"""`roadmap demo`: three councils forming a shared revenues and benefits service.

Each council has its own people, one in every role, and a site administrator runs the service.
Each council's signing roles are granted by its lead on a named authority, as the service asks
of everyone. Safe to run twice: everything is looked up by a natural key (organisation name,
email, partnership name) before it is created, and answers and roles already given are left as
they are. The demo password is printed, not secret: the command refuses to run in production.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, select

from app.core.database import make_engine, session_scope
from app.core.settings import Settings
from app.identity.models import Organisation, OrganisationKind, User
from app.identity.service import create_user, get_or_create_organisation, get_user_by_email
from app.partnerships.models import ROLE_LABELS, Partner, Partnership, Role
from app.partnerships.service import add_partner, create_partnership, grant_role
from app.wizard.definition import Roadmap
from app.wizard.loader import load_roadmap
from app.wizard.service import StaleAnswer, answer_scope, save_answer
from app.wizard.values import normalise

DEMO_PASSWORD = "demo-partnership-2026"  # noqa: S105 - printed for the demo, refused in production
PARTNERSHIP_NAME = "Northdale, Eastbrook and Westmoor shared revenues and benefits"

# What each demo account is for: its email is `<key>@<council slug>.example.org`. The lead of
# the first council is the partnership lead.
ROLES = [
    ("lead", (Role.LEAD, Role.PARTNER_LEAD, Role.OFFICER)),
    ("officer", (Role.OFFICER,)),
    ("signatory", (Role.SIGNATORY,)),
    ("ceo", (Role.CEO,)),
    ("cfo", (Role.CFO,)),
    ("viewer", (Role.VIEWER,)),
]


@dataclass(frozen=True)
class Council:
    name: str
    slug: str
    authority: str
    """What the council's signing roles are granted on."""
    people: dict[str, str]
    """Each role key of ROLES -> the name of the council's person in it."""


COUNCILS = [
    Council(
        "Northdale District Council",
        "northdale",
        "Northdale scheme of delegation, paragraph 4.2",
        {
            "lead": "Priya Shah",
            "officer": "Owen Clarke",
            "signatory": "Sam Okafor",
            "ceo": "Chris Bennett",
            "cfo": "Fran Walsh",
            "viewer": "Val Turner",
        },
    ),
    Council(
        "Eastbrook Borough Council",
        "eastbrook",
        "Eastbrook Cabinet minute 2026/114",
        {
            "lead": "Aisha Rahman",
            "officer": "Ben Hughes",
            "signatory": "Grace Evans",
            "ceo": "Martin Doyle",
            "cfo": "Helen Price",
            "viewer": "Tom Reid",
        },
    ),
    Council(
        "Westmoor District Council",
        "westmoor",
        "Westmoor scheme of delegation, section 3.1",
        {
            "lead": "Rhys Morgan",
            "officer": "Leah Fraser",
            "signatory": "Daniel Kerr",
            "ceo": "Ruth Adeyemi",
            "cfo": "Imran Malik",
            "viewer": "Jo Whitfield",
        },
    ),
]
# The site administrator runs the service (accounts, the outbox) for the host council, and
# holds no role in the partnership.
ADMIN_EMAIL = "admin@northdale.example.org"
ADMIN_NAME = "Kit Lawson"

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


def _council(db: Session, council: Council) -> tuple[Organisation, dict[str, User]]:
    organisation = get_or_create_organisation(
        db, name=council.name, kind=OrganisationKind.DISTRICT_COUNCIL
    )
    return organisation, {
        key: _person(db, organisation, council.slug, key, council.people[key]) for key, _ in ROLES
    }


def _admin(db: Session) -> User:
    host = get_or_create_organisation(
        db, name=COUNCILS[0].name, kind=OrganisationKind.DISTRICT_COUNCIL
    )
    admin = get_user_by_email(db, email=ADMIN_EMAIL)
    if admin is None:
        admin = create_user(
            db,
            email=ADMIN_EMAIL,
            name=ADMIN_NAME,
            organisation=host,
            password=DEMO_PASSWORD,
            is_admin=True,
        )
    return admin


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
    _admin(db)
    councils = {council.slug: (council, *_council(db, council)) for council in COUNCILS}
    lead_people = councils[COUNCILS[0].slug][2]
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
    for slug, (council, organisation, people) in councils.items():
        partner = _membership(db, partnership, organisation)
        for key, roles in ROLES:
            # The partnership lead invited each council's lead, who gave their colleagues
            # their roles: nobody gives themselves a signing role.
            grantor = lead_people["lead"] if key == "lead" else people["lead"]
            for granted in roles:
                if granted is not Role.LEAD or partner.is_lead:
                    grant_role(
                        db,
                        partner=partner,
                        user=people[key],
                        role=granted,
                        granted_by=grantor,
                        authority=council.authority,
                    )
        partners[slug] = (partner, people)

    lead_partner = partners[COUNCILS[0].slug][0]
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


def _described(council: Council, roles: tuple[Role, ...]) -> str:
    """What a demo person does, in words: "partnership lead", "chief executive"."""
    if Role.LEAD in roles:
        return "partnership lead" if council is COUNCILS[0] else "lead for the council"
    return ROLE_LABELS[roles[0]].lower()


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
    for council in COUNCILS:
        lines.append(f"  {council.name}:")
        for key, roles in ROLES:
            who = f"{council.people[key]} ({_described(council, roles)})"
            lines.append(f"    {_email(council.slug, key):<34} {who}")
    lines.append("  Site administrator (runs the service, sees no partnership):")
    lines.append(f"    {ADMIN_EMAIL:<34} {ADMIN_NAME}")
    return "\n".join(lines)
