"""The risk register's pages, through the page checker."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.audit.models import AuditEvent
from app.risks import service
from app.risks.models import Risk
from app.risks.service import RiskFields
from app.risks.views import DASH
from app.wizard.definition import Roadmap
from tests.factories import TEST_ACTOR, World, post_form, sign_in
from tests.pages import check_page
from tests.risks.factories import make_risk

VALID = {
    "title": "Scope keeps growing",
    "description": "Each council adds its own services to the first phase.",
    "likelihood": "4",
    "impact": "4",
    "stage_key": "business-scope",
    "owner_partner_id": "",
    "mitigation": "",
    "review_date-day": "31",
    "review_date-month": "3",
    "review_date-year": "2027",
}


def _stored(db: Session, rid: str) -> Risk | None:
    """The risk as the requests committed it (not as this session last saw it)."""
    db.rollback()
    db.expire_all()
    return db.get(Risk, rid)


def test_the_register_as_the_lead_sees_it(
    client: TestClient, db: Session, world: World, roadmap: Roadmap
) -> None:
    make_risk(db, world, roadmap, title="Funding not agreed", likelihood=5, impact=4)
    make_risk(db, world, roadmap, title="A small one", likelihood=1, impact=2)
    db.commit()
    sign_in(client, world.users["lead"].email)
    pid = world.partnership.id
    soup = check_page(client.get(f"/partnerships/{pid}/risks"))
    assert soup.h1 is not None and soup.h1.get_text(strip=True) == "Risk register"
    register, heat, common = soup.find_all("table")
    rows = [[c.get_text(" ", strip=True) for c in r.find_all("td")] for r in register.tbody("tr")]
    assert rows[0][:5] == [
        "Funding not agreed",
        "Whole partnership",
        f"5 {DASH} Almost certain",
        f"4 {DASH} Major",
        "20 High",
    ]
    assert rows[1][4] == "2"  # no "High" tag
    assert register.find("strong", class_="govuk-tag--red", string="High")
    # The heat map: headers for both axes, and each square's band in words.
    assert heat.caption.get_text(strip=True) == "Open risks by likelihood and impact"
    assert [th.get_text(strip=True) for th in heat.thead("th")][:2] == ["Likelihood", "Impact"]
    squares = {
        (tr.th.get_text(strip=True), i): td.get_text(" ", strip=True)
        for tr in heat.tbody("tr")
        for i, td in enumerate(tr("td"), start=1)
    }
    assert squares[(f"5 {DASH} Almost certain", 4)].startswith("High: 1")
    assert squares[(f"1 {DASH} Rare", 2)].startswith("Low: 1")
    assert squares[(f"3 {DASH} Possible", 3)].startswith("Medium: 0")
    # The lead may add each common risk.
    assert len(common.find_all("form", action=f"/partnerships/{pid}/risks/adopt")) >= 7
    assert soup.find("a", href=f"/partnerships/{pid}/risks/new")


def test_a_viewer_reads_the_register_but_changes_nothing(
    client: TestClient, db: Session, world: World, roadmap: Roadmap
) -> None:
    risk = make_risk(db, world, roadmap)
    db.commit()
    sign_in(client, world.users["viewer"].email)
    pid = world.partnership.id
    soup = check_page(client.get(f"/partnerships/{pid}/risks"))
    assert not soup.find("a", href=f"/partnerships/{pid}/risks/new")
    assert not soup.find("form", action=f"/partnerships/{pid}/risks/adopt")
    assert "Your partnership lead can add" in soup.get_text()
    page = check_page(client.get(f"/risks/{risk.id}"))
    assert not page.find("a", href=f"/risks/{risk.id}/edit")
    check_page(client.get(f"/partnerships/{pid}/risks/new"), status=403)
    check_page(client.get(f"/risks/{risk.id}/edit"), status=403)


def test_an_outsider_sees_nothing(
    client: TestClient, db: Session, world: World, roadmap: Roadmap
) -> None:
    risk = make_risk(db, world, roadmap)
    db.commit()
    sign_in(client, world.users["outsider"].email)
    for path in (
        f"/partnerships/{world.partnership.id}/risks",
        f"/risks/{risk.id}",
        f"/risks/{risk.id}/edit",
    ):
        soup = check_page(client.get(path), status=404)
        assert risk.title not in soup.get_text()


def test_the_new_risk_form_links_each_error_to_its_field(client: TestClient, world: World) -> None:
    sign_in(client, world.users["officer"].email)
    url = f"/partnerships/{world.partnership.id}/risks/new"
    form = check_page(client.get(url)).find("form", action=url)
    assert form.find("input", {"name": "csrf_token"})
    assert [i["value"] for i in form.find_all("input", {"name": "likelihood"})] == list("12345")

    soup = check_page(post_form(client, url, {"review_date-day": "31"}), status=400)
    links = [a["href"] for a in soup.select(".govuk-error-summary a")]
    assert links == ["#review_date-month", "#title", "#description", "#likelihood", "#impact"]
    for href in links:
        assert soup.find(id=href[1:]), f"{href} links to nothing"
    assert soup.title is not None and soup.title.get_text().startswith("Error:")
    assert "Review date must include a month and year" in soup.get_text()
    assert soup.find("input", {"name": "review_date-day"})["value"] == "31"

    unreal = post_form(client, url, VALID | {"review_date-month": "2"})
    links = [a["href"] for a in check_page(unreal, status=400).select(".govuk-error-summary a")]
    assert links == ["#review_date-day"]


def test_add_a_risk_through_the_page(client: TestClient, world: World, db: Session) -> None:
    sign_in(client, world.users["other_officer"].email)
    pid = world.partnership.id
    added = post_form(client, f"/partnerships/{pid}/risks/new", VALID)
    assert added.status_code == 303
    assert added.headers["location"] == f"/partnerships/{pid}/risks"
    soup = check_page(client.get(added.headers["location"]))
    assert "Risk added to the register" in soup.get_text()
    row = soup.find("a", string="Scope keeps growing")
    assert row is not None
    risk = check_page(client.get(row["href"]))
    assert "31 March 2027" in risk.get_text()
    assert "Business scope" in risk.get_text()


def test_editing_after_someone_else_shows_their_version(
    client: TestClient, db: Session, world: World, roadmap: Roadmap
) -> None:
    risk = make_risk(db, world, roadmap, title="Original")
    db.commit()
    sign_in(client, world.users["officer"].email)
    edit = check_page(client.get(f"/risks/{risk.id}/edit"))
    assert edit.find("input", {"name": "version"})["value"] == "1"
    assert edit.find("input", {"name": "title"})["value"] == "Original"

    # Meanwhile, the other council's officer changes it.
    theirs = RiskFields(**{**vars(RiskFields.of(risk)), "title": "Their title", "impact": 5})
    service.update_risk(
        db,
        TEST_ACTOR,
        risk=risk,
        read_version=1,
        changes=theirs,
        roadmap=roadmap,
        user_id=world.users["other_officer"].id,
    )
    db.commit()

    mine = VALID | {"title": "My title", "status": "open", "version": "1"}
    soup = check_page(post_form(client, f"/risks/{risk.id}/edit", mine), status=409)
    assert [a["href"] for a in soup.select(".govuk-error-summary a")] == ["#conflict"]
    conflict = soup.find(id="conflict")
    assert conflict is not None
    text = soup.get_text(" ", strip=True)
    assert "Their title" in text and "Other_Officer" in text
    assert soup.find("input", {"name": "title"})["value"] == "My title"  # mine is kept
    assert soup.find("input", {"name": "version"})["value"] == "2"
    assert _stored(db, risk.id).title == "Their title"  # type: ignore[union-attr]

    # Saving again, having seen theirs, replaces it.
    saved = post_form(client, f"/risks/{risk.id}/edit", mine | {"version": "2"})
    assert saved.status_code == 303, saved.text
    stored = _stored(db, risk.id)
    assert stored is not None and (stored.title, stored.version) == ("My title", 3)


def test_the_lead_adopts_and_deletes(client: TestClient, db: Session, world: World) -> None:
    sign_in(client, world.users["lead"].email)
    pid = world.partnership.id
    adopted = post_form(client, f"/partnerships/{pid}/risks/adopt", {"common_key": "no-pilot"})
    assert adopted.status_code == 303
    soup = check_page(client.get(adopted.headers["location"]))
    assert "added to the register" in soup.get_text()
    assert not soup.find("input", {"name": "common_key", "value": "no-pilot"})
    again = post_form(client, f"/partnerships/{pid}/risks/adopt", {"common_key": "no-pilot"})
    assert again.status_code == 303
    assert "already in the register" in check_page(client.get(again.headers["location"])).text

    link = soup.find("a", string=re.compile("without a pilot"))
    rid = link["href"].rsplit("/", 1)[-1]
    confirm = check_page(client.get(f"/risks/{rid}/delete"))
    assert "close it instead" in confirm.get_text() or "closed instead" in confirm.get_text()
    deleted = post_form(client, f"/risks/{rid}/delete", {})
    assert deleted.status_code == 303
    assert _stored(db, rid) is None
    deletion = db.exec(select(AuditEvent).where(AuditEvent.action == "risk.deleted")).one()
    assert deletion.object_id == rid and deletion.before["common_key"] == "no-pilot"
    assert deletion.actor_id == world.users["lead"].id


def test_an_officer_cannot_delete_or_adopt(
    client: TestClient, db: Session, world: World, roadmap: Roadmap
) -> None:
    risk = make_risk(db, world, roadmap)
    db.commit()
    sign_in(client, world.users["officer"].email)
    page = check_page(client.get(f"/risks/{risk.id}"))
    assert page.find("a", href=f"/risks/{risk.id}/edit")
    assert not page.find("a", href=f"/risks/{risk.id}/delete")
    check_page(client.get(f"/risks/{risk.id}/delete"), status=403)
    assert post_form(client, f"/risks/{risk.id}/delete", {}).status_code == 403
    adopt = post_form(
        client, f"/partnerships/{world.partnership.id}/risks/adopt", {"common_key": "no-pilot"}
    )
    assert adopt.status_code == 403
