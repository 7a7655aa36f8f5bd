"""What someone with database access but without SECRET_KEY can do to the audit trail.

Everything goes through plain SQL on the session's connection, as such a person would; on
PostgreSQL the append-only triggers are bypassed with `session_replication_role = replica`,
as the database owner could.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from app.audit.chain import event_content
from app.audit.models import AuditEvent, AuditHead
from app.audit.sealing import derive_key, seal
from app.core.canonical import content_hash


def _connection(db: Session) -> sa.Connection:
    conn = db.connection()
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
    return conn


def _done(db: Session) -> None:
    db.commit()
    db.expire_all()  # what this session loaded before no longer says what is stored


def events(db: Session, chain: str) -> list[AuditEvent]:
    """The chain's rows as stored, oldest first."""
    query = select(AuditEvent).where(AuditEvent.chain == chain).order_by(col(AuditEvent.position))
    return list(db.exec(query.execution_options(populate_existing=True)).all())


def head(db: Session, chain: str) -> AuditHead:
    query = select(AuditHead).where(AuditHead.chain == chain)
    return db.exec(query.execution_options(populate_existing=True)).one()


def edit(db: Session, chain: str, position: int, **values: Any) -> None:
    """Change one event's columns, leaving its hash as it was."""
    _connection(db).execute(
        sa.update(AuditEvent)
        .where(col(AuditEvent.chain) == chain, col(AuditEvent.position) == position)
        .values(**values)
    )
    _done(db)


def delete(db: Session, chain: str, positions: list[int]) -> None:
    """Delete these events of the chain."""
    _connection(db).execute(
        sa.delete(AuditEvent).where(
            col(AuditEvent.chain) == chain, col(AuditEvent.position).in_(positions)
        )
    )
    _done(db)


def set_head(db: Session, chain: str, **values: Any) -> None:
    """Change the chain's head record."""
    _connection(db).execute(
        sa.update(AuditHead).where(col(AuditHead.chain) == chain).values(**values)
    )
    _done(db)


def delete_head(db: Session, chain: str) -> None:
    _connection(db).execute(sa.delete(AuditHead).where(col(AuditHead.chain) == chain))
    _done(db)


def guessed_seal(kind: str, chain: str, position: int, hash_: str) -> str:
    """A seal as the attacker can make one: the right algorithm, but not the key."""
    return seal(derive_key("a guess at the SECRET_KEY"), kind, chain, position, hash_)


def rewrite(
    db: Session,
    chain: str,
    position: int,
    *,
    reseal: bool = False,
    strip_seals: bool = False,
    **values: Any,
) -> None:
    """Change an event and recompute every hash from it to the head, as the code does.

    The head record gets the new last hash. `reseal` also replaces the changed events' seals
    (and the head's) with ones made under a guessed key, copying the real key id;
    `strip_seals` removes every seal in the chain instead.
    """
    conn = _connection(db)
    rows = events(db, chain)
    for row in rows:
        db.expunge(row)  # worked on as plain copies: the session must not write them back
    prev = rows[position - 2].hash if position > 1 else "0" * 64
    for row in rows[position - 1 :]:
        if row.position == position:
            for name, value in values.items():
                setattr(row, name, value)
        row.prev_hash = prev
        row.hash = content_hash(event_content(row))
        prev = row.hash
        changes: dict[str, Any] = {**values} if row.position == position else {}
        changes |= {"prev_hash": row.prev_hash, "hash": row.hash}
        if reseal:
            changes["seal"] = guessed_seal("event", chain, row.position, row.hash)
        conn.execute(sa.update(AuditEvent).where(col(AuditEvent.id) == row.id).values(**changes))
    if strip_seals:
        conn.execute(
            sa.update(AuditEvent)
            .where(col(AuditEvent.chain) == chain)
            .values(seal=None, key_id=None)
        )
    last = rows[-1]
    update: dict[str, Any] = {"hash": last.hash}
    if reseal:
        update["seal"] = guessed_seal("head", chain, last.position, last.hash)
    conn.execute(sa.update(AuditHead).where(col(AuditHead.chain) == chain).values(**update))
    _done(db)
