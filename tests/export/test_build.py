"""The agreement gathered from the database, and `roadmap agreement verify` months later."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.cli import main as cli
from app.core.settings import get_settings
from app.export.build import build
from app.signatures.models import Signature as SignOff
from tests.factories import PASSWORD, answer_terms, fill_stage, put_answer, sign_stage
from tests.factories import enter_populations as _inputs
from tests.factories import propose_funding as _propose
from tests.factories import sign_funding as _sign
from tests.factories import three_councils as _three_councils


def _agreed_world(client: TestClient, db: Session):  # type: ignore[no-untyped-def]
    world = _three_councils(db)
    _propose(client, world)
    _inputs(client, world)
    answer_terms(client, world)
    for key in ("lead", "other", "third"):
        for role in ("ceo", "cfo"):
            assert _sign(client, world, f"{key}_{role}", role).status_code == 201
    return world


def test_the_agreement_carries_partners_funding_signoffs_and_the_chain_head(
    app: Any, client: TestClient, db: Session
) -> None:
    world = _agreed_world(client, db)
    db.rollback()
    agreement = build(db, world.partnership, app.state.roadmap)
    assert {p.organisation for p in agreement.partners} == {
        "Northdale District Council",
        "Eastbrook Borough Council",
        "Westmoor Council",
    }
    assert agreement.funding.agreed and agreement.funding.grand_total == "1000000.00"
    assert len([s for s in agreement.signoffs if s.kind == "funding" and s.counts]) == 6
    assert agreement.draft  # the nine stages are not agreed yet
    assert len(agreement.stages) == 9


def test_the_register_says_what_was_revoked_and_acknowledged(
    app: Any, client: TestClient, db: Session
) -> None:
    world = _three_councils(db)
    governance = app.state.roadmap.stage("governance")
    fill_stage(client, world, governance)
    put_answer(client, world, "officer", governance, "decision-body", "company-board")
    base = f"/api/v1/partnerships/{world.partnership.id}/stages/governance/signoffs"
    signed = client.post(
        base,
        headers=world.auth("signatory"),
        json={"password": PASSWORD, "acknowledged": ["company-needs-vehicle"]},
    )
    assert signed.status_code == 201, signed.text
    revoked = client.post(
        f"/api/v1/signoffs/{signed.json()['id']}/revoke",
        headers=world.auth("signatory"),
        json={"reason": "Signed before our cabinet met"},
    )
    assert revoked.status_code == 200
    db.rollback()
    [entry] = build(db, world.partnership, app.state.roadmap).signoffs
    assert (entry.state, entry.counts) == ("revoked", False)
    assert entry.reason == "Signed before our cabinet met"
    assert [w.key for w in entry.acknowledged] == ["company-needs-vehicle"]
    assert entry.acknowledged[0].message.startswith("Decisions are to be taken by a company")


@pytest.fixture
def cli_db(database_url: str, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DATABASE_URL", database_url)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_roadmap_agreement_verify_valid_then_tampered(
    app: Any,
    client: TestClient,
    db: Session,
    tmp_path: Path,
    cli_db: None,
    capsys: pytest.CaptureFixture[str],
) -> None:
    world = _agreed_world(client, db)
    governance = app.state.roadmap.stage("governance")
    fill_stage(client, world, governance)
    # The governance stage needs signatories of every partner; the lead council's will do here.
    signed = sign_stage(client, world, "signatory", governance)
    assert signed.status_code == 201
    exported = client.get(
        f"/api/v1/partnerships/{world.partnership.id}/agreement.json", headers=world.auth("viewer")
    )
    assert exported.status_code == 200
    path = tmp_path / "agreement.json"
    path.write_bytes(exported.content)
    assert cli(["agreement", "verify", str(path)]) == 0
    assert "valid" in capsys.readouterr().out

    document = json.loads(exported.content)
    stage_entry = next(s for s in document["signoffs"] if s["kind"] == "stage")
    stage_entry["content_hash"] = "f" * 64
    path.write_text(json.dumps(document))
    assert cli(["agreement", "verify", str(path)]) == 1
    index = document["signoffs"].index(stage_entry)
    assert f"changed signoffs[{index}].content_hash" in capsys.readouterr().out

    path.write_bytes(exported.content)
    with db.begin():
        db.execute(
            sa.update(SignOff)
            .where(col(SignOff.id) == signed.json()["id"])
            .values(content={"changed": "behind the service's back"})
        )
    assert cli(["agreement", "verify", str(path)]) == 1
    assert "its stored content no longer matches its hash" in capsys.readouterr().out


def test_the_schema_is_published_and_the_export_validates(client: TestClient, db: Session) -> None:
    schema = client.get("/api/v1/agreement.schema.json")
    assert schema.status_code == 200
    world = _three_councils(db)
    exported = client.get(
        f"/api/v1/partnerships/{world.partnership.id}/agreement.json", headers=world.auth("viewer")
    ).json()
    required = set(schema.json()["required"])
    assert required <= set(exported)
    assert (
        client.get(
            f"/api/v1/partnerships/{world.partnership.id}/agreement.json",
            headers=world.auth("outsider"),
        ).status_code
        == 404
    )


def test_the_agreement_page_and_every_download(client: TestClient, db: Session) -> None:
    from tests.factories import sign_in
    from tests.pages import check_page

    world = _three_councils(db)
    _propose(client, world)
    _inputs(client, world)
    answer_terms(client, world)
    sign_in(client, world.users["viewer"].email)
    page = check_page(client.get(f"/partnerships/{world.partnership.id}/agreement"))
    assert "draft" in page.get_text().lower()
    links = [a["href"] for a in page.select("#downloads a[download]")]
    assert len(links) == 4
    signatures = {"pdf": b"%PDF", "docx": b"PK", "odt": b"PK", "json": b"{"}
    for link in links:
        response = client.get(link)
        assert response.status_code == 200, link
        assert response.content.startswith(signatures[link.rsplit(".", 1)[1]])
        assert "attachment" in response.headers["content-disposition"]


def test_the_same_content_is_rendered_once(client: TestClient, db: Session) -> None:
    """A second request for unchanged content gets the stored document (the very bytes, down
    to the time it was generated); a change renders it afresh, replacing the stored one."""
    from app.export.models import RenderedAgreement

    world = _three_councils(db)
    url = f"/api/v1/partnerships/{world.partnership.id}/agreement.json"
    first = client.get(url, headers=world.auth("viewer"))
    again = client.get(url, headers=world.auth("officer"))
    assert first.status_code == again.status_code == 200
    assert again.content == first.content
    _propose(client, world)  # the funding proposal is part of the agreement
    changed = client.get(url, headers=world.auth("viewer"))
    assert changed.content != first.content
    assert json.loads(changed.content)["generated_at"] > json.loads(first.content)["generated_at"]
    db.rollback()
    stored = db.exec(select(RenderedAgreement)).all()
    assert [(r.format, r.body) for r in stored] == [("json", changed.content)]
