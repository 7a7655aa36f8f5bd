"""`roadmap agreement verify`: every byte of an export, and the database behind it.

The exported JSON of a partnership with funding agreed and a stage signed is changed one leaf
at a time (every leaf); each change must be caught and named. The PDF carries the same JSON and
verifies the same way. A change made in the database behind the service's back (an answer, a
funding figure) is caught on the signature it breaks. The demo, which has no audit events of
its own, exports something that verifies.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.audit.models import AuditEvent
from app.core.canonical import content_hash
from app.demo import PARTNERSHIP_NAME, load_demo
from app.export.service import EXPORTED
from app.export.verification import NotAnAgreement, leaves, read_document, verify
from app.funding.models import FundingInput
from app.partnerships.models import Partnership
from app.signatures.models import Signature
from app.wizard.models import SHARED_SCOPE, Answer
from tests.factories import (
    PASSWORD,
    World,
    answer_terms,
    enter_populations,
    fill_stage,
    propose_funding,
    put_answer,
    sign_funding,
    sign_stage,
    three_councils,
)


def _agreed(client: TestClient, db: Session, app: Any) -> World:
    world = three_councils(db)
    propose_funding(client, world)
    enter_populations(client, world)
    answer_terms(client, world)
    for key in ("lead", "other", "third"):
        for role in ("ceo", "cfo"):
            assert sign_funding(client, world, f"{key}_{role}", role).status_code == 201
    governance = app.state.roadmap.stage("governance")
    fill_stage(client, world, governance)
    # A company board with no legal vehicle chosen: an open warning, acknowledged in signing,
    # so that the export's acknowledgement leaves are changed and caught too.
    put_answer(client, world, "officer", governance, "decision-body", "company-board")
    assert sign_stage(client, world, "signatory", governance).status_code == 422
    signed = client.post(
        f"/api/v1/partnerships/{world.partnership.id}/stages/governance/signoffs",
        headers=world.auth("signatory"),
        json={"password": PASSWORD, "acknowledged": ["company-needs-vehicle"]},
    )
    assert signed.status_code == 201, signed.text
    return world


def _export(client: TestClient, world: World, fmt: str = "json") -> bytes:
    response = client.get(
        f"/api/v1/partnerships/{world.partnership.id}/agreement.{fmt}",
        headers=world.auth("viewer"),
    )
    assert response.status_code == 200, response.text
    return response.content


def _mutated(value: Any) -> Any:
    """A different value of the same JSON kind (or of another kind for null)."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if isinstance(value, str):
        return value + "x"
    if value is None:
        return "x"
    if value == []:
        return ["x"]
    raise AssertionError(f"unexpected leaf {value!r}")


def _set(data: Any, path: list[str | int], value: Any) -> None:
    for step in path[:-1]:
        data = data[step]
    data[path[-1]] = value


def _steps(path: str) -> list[str | int]:
    steps: list[str | int] = []
    for part in path.replace("]", "").split("."):
        name, *indexes = part.split("[")
        steps.append(name)
        steps += [int(i) for i in indexes]
    return steps


def test_every_leaf_changed_is_caught_and_named(app: Any, client: TestClient, db: Session) -> None:
    world = _agreed(client, db, app)
    original = read_document(_export(client, world))
    db.rollback()
    assert verify(db, original) == []
    paths = [path for path, _ in leaves(original)]
    assert len(paths) > 150  # funding rows, sign-offs, stages' answers, the audit head...
    missed = []
    for path, value in leaves(original):
        document = json.loads(json.dumps(original))
        _set(document, _steps(path), _mutated(value))
        problems = verify(db, document)
        if not any(path in p for p in problems):
            missed.append((path, problems[:2]))
    assert missed == []


def test_a_float_or_a_missing_field_is_caught_too(
    app: Any, client: TestClient, db: Session
) -> None:
    world = three_councils(db)
    original = read_document(_export(client, world))
    db.rollback()
    floated = {**original, "audit": {**original["audit"], "events": 1.5}}
    assert any("audit.events" in p for p in verify(db, floated))
    shortened = {k: v for k, v in original.items() if k != "risks"}
    assert any(p.startswith("changed risks") for p in verify(db, shortened))
    with pytest.raises(NotAnAgreement):
        read_document(b"[1, 2]")
    with pytest.raises(NotAnAgreement):
        read_document(b"%PDF-1.7 not really")


def test_the_pdf_carries_the_json_and_verifies_the_same_way(
    app: Any, client: TestClient, db: Session
) -> None:
    world = three_councils(db)
    propose_funding(client, world)
    pdf = _export(client, world, "pdf")
    data = read_document(pdf)
    assert data == json.loads(_export(client, world, "json"))  # the same export, not rendered twice
    db.rollback()
    assert verify(db, data) == []
    # A PDF whose attached JSON was changed is caught on the field.
    from io import BytesIO

    from pypdf import PdfReader, PdfWriter

    changed = {**data, "name": "Someone else's partnership"}
    forged = PdfWriter()
    for page in PdfReader(BytesIO(pdf)).pages:
        forged.add_page(page)
    forged.add_attachment("agreement.json", json.dumps(changed).encode())
    out = BytesIO()
    forged.write(out)
    problems = verify(db, read_document(out.getvalue()))
    assert any(p.startswith("changed name:") for p in problems), problems
    # Two copies of the JSON, one forged: which is the document? Neither is trusted.
    doubled = PdfWriter(clone_from=PdfReader(BytesIO(pdf)))
    doubled.add_attachment("agreement.json", json.dumps(changed).encode())
    out = BytesIO()
    doubled.write(out)
    with pytest.raises(NotAnAgreement):
        read_document(out.getvalue())


def test_exporting_records_the_documents_digest_in_the_audit_chain(
    client: TestClient, db: Session
) -> None:
    world = three_councils(db)
    first = _export(client, world)
    again = _export(client, world)
    assert again == first
    db.rollback()
    events = db.exec(
        select(AuditEvent).where(
            AuditEvent.chain == world.partnership.id, AuditEvent.action == EXPORTED
        )
    ).all()
    assert len(events) == 1  # the same content exported twice is one export
    document = json.loads(first)
    assert events[0].after["generated_at"] == document.pop("generated_at")
    assert events[0].after["content_digest"] == content_hash(document)
    # The document's head is the last change before the export, not the export itself.
    assert document["audit"]["events"] == events[0].position - 1


def test_a_change_behind_the_services_back_is_caught_on_the_signature_it_breaks(
    app: Any, client: TestClient, db: Session
) -> None:
    world = _agreed(client, db, app)
    data = read_document(_export(client, world))
    db.rollback()
    assert verify(db, data) == []
    db.rollback()
    with db.begin():
        answer = db.exec(
            select(Answer).where(
                Answer.partnership_id == world.partnership.id,
                Answer.stage_key == "governance",
                Answer.scope == SHARED_SCOPE,
            )
        ).first()
        assert answer is not None
        db.execute(
            sa.update(Answer).where(col(Answer.id) == answer.id).values(value="Edited in SQL")
        )
    problems = verify(db, data)
    assert any(
        "signatory signature" in p and "Governance" in p and "no longer matches" in p
        for p in problems
    ), problems
    db.rollback()
    with db.begin():
        db.execute(
            sa.update(FundingInput)
            .where(col(FundingInput.partnership_id) == world.partnership.id)
            .values(population=1)
        )
    problems = verify(db, data)
    assert sum("the funding formula" in p for p in problems) == 6, problems  # 3 CEOs, 3 CFOs


def test_an_acknowledgement_edited_in_the_database_is_caught(
    app: Any, client: TestClient, db: Session
) -> None:
    world = _agreed(client, db, app)
    data = read_document(_export(client, world))
    [entry] = [e for e in data["signoffs"] if e["stage"] == "governance"]
    assert [w["key"] for w in entry["acknowledged"]] == ["company-needs-vehicle"]
    db.rollback()
    assert verify(db, data) == []
    for edited in ([], [{"key": "company-needs-vehicle", "message": "Nothing to worry about."}]):
        db.rollback()
        with db.begin():
            db.execute(
                sa.update(Signature)
                .where(
                    col(Signature.partnership_id) == world.partnership.id,
                    col(Signature.subject) == "governance",
                )
                .values(acknowledged=edited)
            )
        problems = verify(db, data)
        assert any(
            "Governance" in p and "acknowledged" in p and "audit trail" in p for p in problems
        ), problems


def test_the_demo_with_no_events_of_its_own_exports_something_that_verifies(
    client: TestClient, db: Session, app: Any
) -> None:
    load_demo(app.state.settings)
    demo = db.exec(select(Partnership).where(Partnership.name == PARTNERSHIP_NAME)).one()
    from app.identity.models import User
    from app.partnerships.models import Partner, PartnerRole
    from tests.factories import make_token

    lead = db.exec(
        select(User)
        .join(PartnerRole, col(PartnerRole.user_id) == User.id)
        .join(Partner, col(Partner.id) == PartnerRole.partner_id)
        .where(Partner.partnership_id == demo.id)
    ).first()
    assert lead is not None
    token = make_token(db, lead)
    db.commit()
    response = client.get(
        f"/api/v1/partnerships/{demo.id}/agreement.json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200
    db.rollback()
    assert verify(db, read_document(response.content)) == []


def test_history_cut_back_behind_an_export_is_caught_by_its_sealed_head(
    client: TestClient, db: Session
) -> None:
    """Someone with the database deletes the last changes before the export, and the head
    record with them: the export's sealed head says how far the chain reached."""
    from tests.audit import attacker

    world = three_councils(db)
    propose_funding(client, world)
    data = read_document(_export(client, world))
    db.rollback()
    assert verify(db, data) == []
    head = data["audit"]["events"]
    every = [e.position for e in attacker.events(db, world.partnership.id)]
    attacker.delete(db, world.partnership.id, [p for p in every if p >= head - 1])
    attacker.delete_head(db, world.partnership.id)
    problems = verify(db, data)
    assert any("missing (deleted)" in p or "audit trail" in p for p in problems), problems
    assert any(f"event {head}" in p for p in problems), problems
