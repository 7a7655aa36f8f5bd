"""The three-council journey sends at most a third of the mail it sent before (issue 12).

The journey (tests/notify/journey.py) runs through the JSON API; the daily digest then runs
once, as cron would at the end of the day, and twice more to show that it sends nothing twice.
"""

from __future__ import annotations

from collections import Counter

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, col, func, select

from app.core.settings import Settings
from app.mail.models import OutboxMessage
from app.notify.service import send_digests
from tests.conftest import make_settings
from tests.notify.journey import PARTNERSHIP, run

# Measured on 2026-11-30 (commit fbd5899) with this same journey, before news went into a daily
# digest: 293 emails (150 "is agreed" to everyone, 42 signing-role announcements, 33 "X
# signed" to the lead, 14 invitations, 27 "ready to sign", 27 "no longer counts").
BASELINE = 293


@pytest.fixture
def settings(database_url: str) -> Settings:
    """The journey makes hundreds of changes through each token in a few seconds."""
    return make_settings(database_url, api_writes_per_minute=100_000)


def _subjects(db: Session) -> list[str]:
    db.expire_all()
    return list(db.exec(select(OutboxMessage.subject).order_by(col(OutboxMessage.created_at))))


def test_the_journey_sends_a_third_of_the_mail_and_every_subject_names_the_partnership(
    app: FastAPI, client: TestClient, db: Session
) -> None:
    run(client, db)
    assert send_digests(app.state.engine, base_url="http://testserver") > 0
    subjects = _subjects(db)
    print(f"{len(subjects)} emails:", *Counter(subjects).most_common(), sep="\n")
    assert len(subjects) <= BASELINE // 3
    assert all(PARTNERSHIP in subject for subject in subjects), subjects

    # Each person gets one digest; running it again (the same day, or by mistake) sends nothing.
    digests = [s for s in subjects if "daily summary" in s]
    recipients = db.exec(
        select(OutboxMessage.to).where(col(OutboxMessage.subject).in_(digests))
    ).all()
    assert len(recipients) == len(set(recipients))
    assert send_digests(app.state.engine, base_url="http://testserver") == 0
    assert int(db.exec(select(func.count()).select_from(OutboxMessage)).one()) == len(subjects)
