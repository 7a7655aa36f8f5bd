"""Signatures under concurrency, on both databases: a signature and a save that run at once can
never leave a signature counting on content its signer did not see, and the database allows
one current signature per partnership, subject, partner and role.

Each round starts a signature and an answer save together (threads, each with its own session
and connection, as two requests would have), the save after a varying delay so that rounds
sweep across the moment the signer reads the content. Afterwards every current signature's
content is recomputed from the database and must match its hash.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from sqlmodel import Session, select

from app.audit.service import SYSTEM
from app.core.database import open_session
from app.identity.deps import Principal
from app.partnerships.models import Role
from app.partnerships.permissions import member_or_404
from app.signatures import flows
from app.signatures.models import Signature, SignRole
from app.signatures.service import current_signatures, stale, status
from app.wizard import flows as wizard
from app.wizard.models import Answer
from app.wizard.signing import STAGE
from tests.factories import PASSWORD, World, join, make_user, make_world, sample_value

ROUNDS = 24


def _session(app: FastAPI) -> Session:
    return open_session(
        app.state.engine,
        write=True,
        info={"base_url": app.state.settings.base_url, "roadmap": app.state.roadmap},
    )


def _as(db: Session, world: World, who: str) -> Any:
    user = world.users[who]
    return member_or_404(db, Principal(user=user), world.partnership.id)


def _at_once(*actions: Callable[[], Any]) -> list[Any]:
    """Run `actions` in threads released together; their results (or exceptions)."""
    results: list[Any] = [None] * len(actions)
    barrier = threading.Barrier(len(actions))

    def run(i: int, action: Callable[[], Any]) -> None:
        barrier.wait()
        try:
            results[i] = action()
        except Exception as exc:
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def _prepared(app: FastAPI, db: Session) -> tuple[World, Any]:
    """A world whose governance stage has every required answer, ready to sign."""
    world = make_world(db)
    stage = app.state.roadmap.stage("governance")
    east = make_user(
        db, email="signatory@eastbrook.example.org", organisation="Eastbrook Borough Council"
    )
    join(db, world.partnership, east, [Role.SIGNATORY])
    world.users["other_signatory"] = east
    db.commit()
    for q in stage.questions:
        if not q.required:
            continue
        for who in ("officer",) if q.scope == "shared" else ("officer", "other_officer"):
            member = _as(db, world, who)
            wizard.answer(
                db,
                SYSTEM,
                member=member,
                stage=stage,
                key=q.key,
                value=sample_value(q),
                read_version=0,
                base_url="",
            )
    db.commit()
    return world, stage


def _sign(app: FastAPI, world: World, who: str, stage: Any) -> Signature:
    with _session(app) as db:
        signature = flows.sign(
            db,
            SYSTEM,
            member=_as(db, world, who),
            subject=stage.key,
            source=STAGE,
            role=SignRole.SIGNATORY,
            password=PASSWORD,
            shown_hash=None,
        )
        db.commit()
        return signature


def _save(app: FastAPI, world: World, stage: Any, key: str, value: str, delay: float) -> None:
    time.sleep(delay)
    with _session(app) as db:
        member = _as(db, world, "officer")
        current = db.exec(
            select(Answer).where(
                Answer.partnership_id == world.partnership.id,
                Answer.stage_key == stage.key,
                Answer.question_key == key,
            )
        ).one()
        wizard.answer(
            db,
            SYSTEM,
            member=member,
            stage=stage,
            key=key,
            value=value,
            read_version=current.version,
            base_url="",
        )
        db.commit()


def _revoke_current(app: FastAPI, world: World, stage: Any) -> None:
    """Clear the way for the lead council's signatory to sign again."""
    with _session(app) as db:
        for signature in current_signatures(
            db, world.partnership.id, stage.key, [world.lead_partner.id]
        ):
            flows.revoke(
                db, SYSTEM, member=_as(db, world, "signatory"), signature=signature, reason="again"
            )
        db.commit()


def test_a_signature_never_counts_for_content_its_signer_did_not_see(
    app: FastAPI, db: Session
) -> None:
    world, stage = _prepared(app, db)
    text = next(q for q in stage.questions if q.scope == "shared" and q.type.value == "long_text")
    # How long a signature takes here (mostly the password hash) sets the sweep's range.
    started = time.perf_counter()
    _sign(app, world, "signatory", stage)
    took = time.perf_counter() - started
    superseded = kept = 0
    for n in range(ROUNDS):
        _revoke_current(app, world, stage)
        delay = took * 1.5 * n / (ROUNDS - 1)
        results = _at_once(
            lambda: _sign(app, world, "signatory", stage),
            lambda n=n, delay=delay: _save(app, world, stage, text.key, f"Round {n}", delay),
        )
        assert not any(
            isinstance(r, Exception) and not isinstance(r, flows.NotNow) for r in results
        ), results
        db.rollback()  # a fresh look at what the two committed
        assert stale(db, world.partnership, stage.key, STAGE) == []
        signature = results[0]
        if isinstance(signature, Signature):
            row = db.get(Signature, signature.id)
            assert row is not None
            if row.current:
                kept += 1
            else:
                superseded += 1
    # Both orders happened: some signatures came after the save, some before it.
    assert kept and superseded, (kept, superseded, took)
    assert kept + superseded == ROUNDS


def test_one_current_signature_per_partner_and_role_under_a_race(app: FastAPI, db: Session) -> None:
    world, stage = _prepared(app, db)
    second = make_user(
        db, email="deputy@northdale.example.org", organisation="Northdale District Council"
    )
    join(db, world.partnership, second, [Role.SIGNATORY])
    world.users["second_signatory"] = second
    db.commit()
    for _ in range(6):
        results = _at_once(
            lambda: _sign(app, world, "signatory", stage),
            lambda: _sign(app, world, "second_signatory", stage),
        )
        signed = [r for r in results if isinstance(r, Signature)]
        refused = [r for r in results if isinstance(r, flows.NotNow)]
        assert len(signed) == 1 and len(refused) == 1, results
        db.rollback()
        current = current_signatures(db, world.partnership.id, stage.key, [world.lead_partner.id])
        assert len(current) == 1
        _revoke_current(app, world, stage)


def test_many_signatories_sign_one_stage_at_once(app: FastAPI, db: Session) -> None:
    """Twenty partners' signatories sign the same stage at the same moment: all succeed."""
    world, stage = _prepared(app, db)
    signers, names = 20, []
    for n in range(signers - 2):
        officer = make_user(db, email=f"officer@c{n}.example.org", organisation=f"Council {n}")
        signatory = make_user(db, email=f"signatory@c{n}.example.org", organisation=f"Council {n}")
        join(db, world.partnership, officer, [Role.OFFICER])
        join(db, world.partnership, signatory, [Role.SIGNATORY])
        world.users[f"officer{n}"], world.users[f"signatory{n}"] = officer, signatory
        names.append(f"signatory{n}")
    db.commit()
    for q in stage.questions:
        if q.required and q.scope == "partner":
            for n in range(signers - 2):
                member = _as(db, world, f"officer{n}")
                wizard.answer(
                    db,
                    SYSTEM,
                    member=member,
                    stage=stage,
                    key=q.key,
                    value=sample_value(q),
                    read_version=0,
                    base_url="",
                )
    db.commit()
    results = _at_once(
        *[
            (lambda who=who: _sign(app, world, who, stage))
            for who in ["signatory", "other_signatory", *names]
        ]
    )
    assert all(isinstance(r, Signature) for r in results), results
    db.rollback()
    assert status(db, world.partnership.id, stage.key).agreed
