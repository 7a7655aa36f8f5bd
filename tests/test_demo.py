"""`roadmap demo`: people of their own in each council, a site administrator, and a README
that says how to sign in as each of them."""

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app import demo
from app.core.settings import Settings
from app.identity.models import Organisation, User
from app.partnerships.models import SIGNING_ROLES, Partner, PartnerRole, Partnership
from tests.factories import sign_in
from tests.pages import check_page

README = Path(__file__).resolve().parent.parent / "README.md"


def _people_by_council(db: Session) -> dict[str, set[str]]:
    """Each demo council's organisation name -> the names of its people in the partnership."""
    rows = db.exec(
        select(Organisation.name, User.name)
        .join(Partner, col(Partner.organisation_id) == Organisation.id)
        .join(PartnerRole, col(PartnerRole.partner_id) == Partner.id)
        .join(User, col(User.id) == PartnerRole.user_id)
    ).all()
    found: dict[str, set[str]] = {}
    for organisation, name in rows:
        found.setdefault(organisation, set()).add(name)
    return found


def test_each_council_has_people_of_its_own(settings: Settings, db: Session) -> None:
    demo.load_demo(settings)
    people = _people_by_council(db)
    assert set(people) == {c.name for c in demo.COUNCILS}
    for council in demo.COUNCILS:
        assert people[council.name] == set(council.people.values())
        assert len(people[council.name]) == len(demo.ROLES)  # one person per role
    everyone = [name for names in people.values() for name in names]
    assert len(everyone) == len(set(everyone)), "a name appears in two councils"


def test_a_site_administrator_runs_the_service_and_sees_no_partnership(
    settings: Settings, db: Session, client: TestClient
) -> None:
    demo.load_demo(settings)
    admin = db.exec(select(User).where(User.email == demo.ADMIN_EMAIL)).one()
    assert admin.is_admin and admin.name == demo.ADMIN_NAME
    assert admin.name not in {n for c in demo.COUNCILS for n in c.people.values()}
    assert db.exec(select(PartnerRole).where(PartnerRole.user_id == admin.id)).all() == []
    sign_in(client, demo.ADMIN_EMAIL, demo.DEMO_PASSWORD)
    check_page(client.get("/admin/outbox"))
    partnership = db.exec(select(Partnership)).one()
    check_page(client.get(f"/partnerships/{partnership.id}"), status=404)


def test_signing_roles_are_granted_by_another_person_on_an_authority(
    settings: Settings, db: Session
) -> None:
    demo.load_demo(settings)
    demo.load_demo(settings)  # safe twice: nothing granted again
    grants = db.exec(
        select(PartnerRole).where(col(PartnerRole.role).in_([r.value for r in SIGNING_ROLES]))
    ).all()
    assert len(grants) == len(SIGNING_ROLES) * len(demo.COUNCILS)
    for grant in grants:
        assert grant.granted_by is not None and grant.granted_by != grant.user_id
        assert grant.authority in {c.authority for c in demo.COUNCILS}


@pytest.mark.usefixtures("app")  # its teardown empties the tables the demo filled
def test_the_readme_and_the_printed_details_name_every_demo_account(settings: Settings) -> None:
    printed = demo.load_demo(settings)
    readme = README.read_text(encoding="utf-8")
    assert f"`{demo.DEMO_PASSWORD}`" in readme and demo.DEMO_PASSWORD in printed
    header = next(line for line in readme.splitlines() if line.startswith("| sign in as |"))
    assert [f"{c.name} (`{c.slug}`)" for c in demo.COUNCILS] == [
        cell.strip() for cell in header.strip("|").split("|")[1:]
    ]
    for key, _ in demo.ROLES:
        [row] = [line for line in readme.splitlines() if line.startswith(f"| `{key}@…` |")]
        names = [cell.strip().split(",")[0] for cell in row.strip("|").split("|")[1:]]
        assert names == [c.people[key] for c in demo.COUNCILS], row
        for council in demo.COUNCILS:
            email = f"{key}@{council.slug}.example.org"
            assert re.search(rf"{re.escape(email)}\s+{re.escape(council.people[key])} ", printed)
    assert f"signs in as `{demo.ADMIN_EMAIL}`" in readme
    assert f"The site administrator, {demo.ADMIN_NAME}," in readme
    assert re.search(rf"{re.escape(demo.ADMIN_EMAIL)}\s+{demo.ADMIN_NAME}", printed)
