"""The Day 1 page: proposal, figures, tables, what-ifs and signatures, without JavaScript."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.factories import PASSWORD, answer_terms, post_form, sign_in
from tests.factories import enter_populations as _inputs
from tests.factories import propose_funding as _propose
from tests.factories import three_councils as _three_councils
from tests.pages import check_page


def test_day_one_through_the_page(client: TestClient, db: Session) -> None:
    world = _three_councils(db)
    url = f"/partnerships/{world.partnership.id}/funding"
    sign_in(client, world.users["lead"].email)
    page = check_page(client.get(url))
    assert "The partnership lead has not proposed" not in page.get_text()
    bad = post_form(
        client,
        f"{url}/proposal",
        {
            "method": "population",
            "one_off_cost": "abc",
            "annual_cost": "1000000",
            "years": "1",
            "version": "0",
        },
    )
    soup = check_page(bad, status=400)
    assert soup.select_one('.govuk-error-summary a[href="#one_off_cost"]')
    preview = post_form(
        client,
        f"{url}/proposal",
        {
            "method": "equal",
            "one_off_cost": "0",
            "annual_cost": "100",
            "years": "1",
            "version": "0",
            "recalculate": "1",
        },
    )
    shown = check_page(preview)
    assert "Not saved" in shown.get_text() and "£33.34" in shown.get_text()
    assert (
        post_form(
            client,
            f"{url}/proposal",
            {
                "method": "population",
                "one_off_cost": "0",
                "annual_cost": "1000000",
                "years": "1",
                "version": "0",
            },
        ).status_code
        == 303
    )
    _inputs(client, world)
    answer_terms(client, world)
    page = check_page(client.get(url))
    text = page.get_text()
    assert "£200,000.00" in text and "£300,000.00" in text and "£500,000.00" in text
    assert "Total over the term under every method" in text
    leaving = check_page(client.get(f"{url}?leave={world.other_partner.id}"))
    assert "If Eastbrook Borough Council left" in leaving.get_text()
    joining = check_page(client.get(f"{url}?join_name=Southvale&join_population=500000"))
    assert "If Southvale joined" in joining.get_text()

    sign_in(client, world.users["other_ceo"].email)
    wrong = post_form(client, f"{url}/sign", {"role": "ceo", "password": "not the password"})
    assert check_page(wrong, status=400).select_one('.govuk-error-summary a[href="#password"]')
    # The open warnings on the Day 1 terms must each be ticked; the error points at them.
    form = check_page(client.get(url))
    warnings = [box["value"] for box in form.select('input[name="acknowledge"]')]
    assert warnings, "the sample Day 1 terms open at least one warning"
    unticked = post_form(client, f"{url}/sign", {"role": "ceo", "password": PASSWORD})
    errors = check_page(unticked, status=400).select(".govuk-error-summary a")
    assert [a["href"] for a in errors] == ["#acknowledge"]
    ticked = {"role": "ceo", "password": PASSWORD, "acknowledge": warnings}
    assert post_form(client, f"{url}/sign", ticked).status_code == 303
    signed = check_page(client.get(url))
    assert signed.find(id="signatures") is not None
    assert "Signed" in signed.get_text()


def test_htmx_preview_returns_only_the_tables(client: TestClient, db: Session) -> None:
    world = _three_councils(db)
    _inputs(client, world)
    answer_terms(client, world)
    sign_in(client, world.users["lead"].email)
    from tests.factories import page_csrf

    response = client.post(
        f"/partnerships/{world.partnership.id}/funding/preview",
        data={
            "method": "population",
            "one_off_cost": "0",
            "annual_cost": "1000000",
            "years": "2",
            "annual_uplift_percent": "3",
        },
        headers={"HX-Request": "true", "X-CSRF-Token": page_csrf(client)},
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="funding-tables"')
    assert "£309,000.00" in response.text  # Eastbrook: 30% of year 2 (£1,000,000 + 3%)


def test_the_banner_and_the_task_list_follow_the_agreement(client: TestClient, db: Session) -> None:
    from tests.factories import sign_funding as _sign

    world = _three_councils(db)
    answer_terms(client, world)
    _propose(client, world, method="equal")
    sign_in(client, world.users["viewer"].email)
    roadmap = f"/partnerships/{world.partnership.id}/roadmap"
    assert "The funding formula is not agreed yet" in check_page(client.get(roadmap)).get_text()
    for key in ("lead", "other", "third"):
        for role in ("ceo", "cfo"):
            assert _sign(client, world, f"{key}_{role}", role).status_code == 201
    soup = check_page(client.get(roadmap))
    assert "The funding formula is not agreed yet" not in soup.get_text()
    assert soup.find(id="status-day1-funding").get_text(strip=True) == "Agreed"  # type: ignore[union-attr]
