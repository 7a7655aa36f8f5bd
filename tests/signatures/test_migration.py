"""The migration to one signatures table keeps every sign-off, and settles them as the old code
counted them, so that the new one-current-signature index can hold (both databases)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from app.core.database import make_engine
from app.core.migrations import downgrade, upgrade

BEFORE = "837c88a8273c"  # the last revision with sign_off and funding_signoff
T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def _at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def _seed(conn: sa.Connection) -> None:
    def insert(table: str, **values: Any) -> None:
        columns = ", ".join(values)
        marks = ", ".join(f":{k}" for k in values)
        statement = f'INSERT INTO "{table}" ({columns}) VALUES ({marks})'  # noqa: S608 - test data
        conn.execute(sa.text(statement), values)

    insert("organisation", id="o1", name="Northdale", kind="other", created_at=T0)
    insert("organisation", id="o2", name="Eastbrook", kind="other", created_at=T0)
    for uid, org in (("u1", "o1"), ("u2", "o1"), ("u3", "o2"), ("u4", "o2")):
        insert(
            "user",
            id=uid,
            email=f"{uid}@example.org",
            name=uid,
            organisation_id=org,
            is_admin=False,
            is_active=True,
            created_at=T0,
        )
    for pid in ("p1", "p2"):
        insert(
            "partnership",
            id=pid,
            name=pid,
            service="ICT",
            description="",
            roadmap_version="2026.1",
            created_by="u1",
            created_at=T0,
        )
    # p1: two councils from the start. p2: Eastbrook joined after the funding was signed.
    for partner_id, pid, org, joined in (
        ("a1", "p1", "o1", _at(0)),
        ("a2", "p1", "o2", _at(0)),
        ("b1", "p2", "o1", _at(0)),
        ("b2", "p2", "o2", _at(50)),
    ):
        insert(
            "partner",
            id=partner_id,
            partnership_id=pid,
            organisation_id=org,
            is_lead=org == "o1",
            status="active",
            created_at=T0,
            joined_at=joined,
        )

    def funding(
        fid: str, pid: str, partner: str, user: str, role: str, digest: str, at: int
    ) -> None:
        insert(
            "funding_signoff",
            id=fid,
            partnership_id=pid,
            partner_id=partner,
            user_id=user,
            role=role,
            content='{"formula": "' + digest + '"}',
            content_hash=digest * 64,
            created_at=_at(at),
        )

    # p1: every CEO and CFO signed hash a; then Northdale's CEO signed again (hash a), leaving
    # two unsuperseded rows for one place. p1 is agreed.
    funding("f1", "p1", "a1", "u1", "ceo", "a", 10)
    funding("f2", "p1", "a1", "u2", "cfo", "a", 11)
    funding("f3", "p1", "a2", "u3", "ceo", "a", 12)
    funding("f4", "p1", "a2", "u4", "cfo", "a", 13)
    funding("f5", "p1", "a1", "u1", "ceo", "a", 14)
    # p2: Northdale signed hash b; a partner joined later (b2 at minute 50), which silently
    # stopped the signatures counting in the old code. Then a stale one with another hash.
    funding("f6", "p2", "b1", "u1", "ceo", "c", 5)
    funding("f7", "p2", "b1", "u1", "ceo", "b", 20)
    funding("f8", "p2", "b1", "u2", "cfo", "b", 21)
    insert(
        "sign_off",
        id="s1",
        partnership_id="p1",
        stage_key="governance",
        partner_id="a1",
        user_id="u1",
        decision="signed",
        content='{"stage": "governance"}',
        content_hash="d" * 64,
        roadmap_version="2026.1",
        created_at=_at(30),
    )
    insert(
        "sign_off",
        id="s2",
        partnership_id="p1",
        stage_key="governance",
        partner_id="a2",
        user_id="u3",
        decision="declined",
        reason="Not yet",
        content='{"stage": "governance"}',
        content_hash="e" * 64,
        roadmap_version="2026.1",
        created_at=_at(31),
    )


def test_every_signature_moves_and_the_old_counting_is_kept(empty_database_url: str) -> None:
    upgrade(empty_database_url, BEFORE)
    engine = make_engine(empty_database_url)
    try:
        with engine.begin() as conn:
            _seed(conn)
        upgrade(empty_database_url)
        with engine.connect() as conn:
            rows = {
                r.id: r
                for r in conn.execute(
                    sa.text(
                        "SELECT id, subject, role, decision, superseded_at, content_hash "
                        "FROM signature"
                    )
                )
            }
            agreed = dict(
                conn.execute(sa.text("SELECT id, funding_agreed_at FROM partnership")).all()
            )
        assert set(rows) == {"f1", "f2", "f3", "f4", "f5", "f6", "f7", "f8", "s1", "s2"}
        assert (rows["s1"].subject, rows["s1"].role) == ("governance", "signatory")
        assert (rows["s2"].decision, rows["s2"].superseded_at) == ("declined", None)
        assert (rows["f1"].subject, rows["f1"].role) == ("funding", "ceo")
        current = {i for i, r in rows.items() if r.superseded_at is None}
        # f1 gave way to the newer f5; f6 had another hash; f7 and f8 predate a partner joining.
        assert current == {"f2", "f3", "f4", "f5", "s1", "s2"}
        assert agreed["p1"] is not None and agreed["p2"] is None

        downgrade(empty_database_url, BEFORE)
        with engine.connect() as conn:
            back = {r[0] for r in conn.execute(sa.text("SELECT id FROM funding_signoff"))}
            stages = {r[0] for r in conn.execute(sa.text("SELECT id FROM sign_off"))}
        assert back == {"f1", "f2", "f3", "f4", "f5", "f6", "f7", "f8"}
        assert stages == {"s1", "s2"}
    finally:
        engine.dispose()
