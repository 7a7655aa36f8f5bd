"""The partnership pages, through the page checker, for the roles that see them."""

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.partnerships.models import Partner, PartnerStatus
from tests.factories import make_world, post_form, sign_in
from tests.pages import check_page


def test_pages_a_lead_sees(client: TestClient, db: Session) -> None:
    world = make_world(db)
    sign_in(client, world.users["lead"].email)
    pid = world.partnership.id
    listing = check_page(client.get("/partnerships"))
    assert listing.find("a", href=f"/partnerships/{pid}")
    assert "Westmoor alone" not in listing.get_text()  # an outsider's partnership
    home = check_page(client.get(f"/partnerships/{pid}"))
    assert "Northdale District Council" in home.get_text()
    people = check_page(client.get(f"/partnerships/{pid}/people"))
    assert people.find("a", href=f"/partnerships/{pid}/invite")
    assert people.find("a", href=f"/partners/{world.other_partner.id}/withdraw")
    for path in (
        f"/partnerships/{pid}/invite",
        f"/partnerships/{pid}/activity",
        f"/partners/{world.other_partner.id}/invite",
        f"/partners/{world.other_partner.id}/withdraw",
        f"/partners/{world.other_partner.id}/people/{world.users['other_officer'].id}/roles",
        "/partnerships/new",
        "/account",
        "/account/password",
    ):
        check_page(client.get(path))


def test_an_officer_of_another_partner_sees_no_lead_actions(
    client: TestClient, db: Session
) -> None:
    world = make_world(db)
    sign_in(client, world.users["other_officer"].email)
    people = check_page(client.get(f"/partnerships/{world.partnership.id}/people"))
    assert not people.find("a", href=f"/partnerships/{world.partnership.id}/invite")
    assert not people.find("a", string=lambda s: bool(s and "Withdraw" in s))
    assert not people.find("a", string=lambda s: bool(s and "Change roles" in s))
    assert client.get(f"/partnerships/{world.partnership.id}/invite").status_code == 403


def test_an_outsider_sees_nothing(client: TestClient, db: Session) -> None:
    world = make_world(db)
    sign_in(client, world.users["outsider"].email)
    for path in (
        f"/partnerships/{world.partnership.id}",
        f"/partnerships/{world.partnership.id}/people",
        f"/partnerships/{world.partnership.id}/activity",
    ):
        soup = check_page(client.get(path), status=404)
        assert world.partnership.name not in soup.get_text()


def test_invite_form_errors_are_linked_to_fields(client: TestClient, db: Session) -> None:
    world = make_world(db)
    sign_in(client, world.users["lead"].email)
    response = post_form(
        client,
        f"/partnerships/{world.partnership.id}/invite",
        {"organisation": "", "email": "not-an-email"},
    )
    soup = check_page(response, status=400)
    links = {a["href"] for a in soup.select(".govuk-error-summary a")}
    assert links == {"#organisation", "#email", "#roles"}
    assert soup.title and soup.title.get_text().startswith("Error:")


def test_withdraw_through_the_page(client: TestClient, db: Session) -> None:
    world = make_world(db)
    sign_in(client, world.users["lead"].email)
    url = f"/partners/{world.other_partner.id}/withdraw"
    check_page(post_form(client, url, {"reason": " "}), status=400)
    done = post_form(client, url, {"reason": "Leaving to join another partnership"})
    assert done.status_code == 303
    db.expire_all()  # see what the request committed, not the objects this session made
    partner = db.exec(select(Partner).where(Partner.id == world.other_partner.id)).one()
    assert partner.status is PartnerStatus.WITHDRAWN
    activity = check_page(client.get(f"/partnerships/{world.partnership.id}/activity"))
    assert "Leaving to join another partnership" in activity.get_text()


def test_start_a_partnership_through_the_page(client: TestClient, db: Session) -> None:
    world = make_world(db)
    sign_in(client, world.users["outsider"].email)
    check_page(post_form(client, "/partnerships/new", {"name": "", "service": ""}), status=400)
    created = post_form(client, "/partnerships/new", {"name": "Shared HR", "service": "HR"})
    assert created.status_code == 303
    home = check_page(client.get(created.headers["location"]))
    assert "Partnership started" in home.get_text()
