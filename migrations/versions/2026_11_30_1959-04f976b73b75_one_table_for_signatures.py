"""one table for signatures

Stage sign-offs (`sign_off`) and funding signatures (`funding_signoff`) move into one table,
`signature`, with a subject (a stage key, or "funding") and a role (signatory, ceo, cfo). Ids
are kept, so audit events that name a sign-off still name the same row.

A partial unique index now allows one current signature per partnership, subject, partner and
role. Before it is created, rows that the old code let stand side by side are settled as the
old code read them: funding signatures counted only while their hash matched the formula as it
stood, and a partner joining or leaving changed that without marking them. So, of several
unsuperseded signatures in one place the newest stays; a funding signature whose hash differs
from the partnership's newest funding signature, or older than a partner joining or leaving,
is marked superseded. `partnership.funding_agreed_at` is then computed from what remains.

Revision ID: 04f976b73b75
Revises: 837c88a8273c
Create Date: 2026-11-30 19:59:33.218996
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "04f976b73b75"
down_revision: str | None = "837c88a8273c"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CURRENT = "decision = 'signed' AND superseded_at IS NULL AND revoked_at IS NULL"
COLUMNS = (
    "id, partnership_id, subject, partner_id, role, user_id, decision, reason, content, "
    "content_hash, roadmap_version, created_at, superseded_at, superseded_by, revoked_at, "
    "revoked_by, revoke_reason"
)

signature = sa.table(
    "signature",
    sa.column("id", sa.String),
    sa.column("partnership_id", sa.String),
    sa.column("subject", sa.String),
    sa.column("partner_id", sa.String),
    sa.column("role", sa.String),
    sa.column("user_id", sa.String),
    sa.column("content_hash", sa.String),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("superseded_at", sa.DateTime(timezone=True)),
    sa.column("superseded_by", sa.JSON),
    sa.column("decision", sa.String),
    sa.column("revoked_at", sa.DateTime(timezone=True)),
)
partner = sa.table(
    "partner",
    sa.column("id", sa.String),
    sa.column("partnership_id", sa.String),
    sa.column("status", sa.String),
    sa.column("joined_at", sa.DateTime(timezone=True)),
    sa.column("withdrawn_at", sa.DateTime(timezone=True)),
)
partnership = sa.table(
    "partnership",
    sa.column("id", sa.String),
    sa.column("funding_agreed_at", sa.DateTime(timezone=True)),
)


def _create_signature_table() -> None:
    op.create_table(
        "signature",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("partnership_id", sa.String(length=32), nullable=False),
        sa.Column("subject", sa.String(length=60), nullable=False),
        sa.Column("partner_id", sa.String(length=32), nullable=False),
        sa.Column(
            "role",
            sa.Enum("signatory", "ceo", "cfo", name="signrole", native_enum=False, length=30),
            nullable=False,
        ),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column(
            "decision",
            sa.Enum("signed", "declined", name="decision", native_enum=False, length=30),
            nullable=False,
        ),
        sa.Column("reason", sa.String(length=2000), nullable=True),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("roadmap_version", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("superseded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("superseded_by", sa.JSON(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_by", sa.String(length=32), nullable=True),
        sa.Column("revoke_reason", sa.String(length=2000), nullable=True),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partner.id"], name=op.f("fk_signature_partner_id_partner")
        ),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnership.id"],
            name=op.f("fk_signature_partnership_id_partnership"),
        ),
        sa.ForeignKeyConstraint(
            ["revoked_by"], ["user.id"], name=op.f("fk_signature_revoked_by_user")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_signature_user_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signature")),
    )
    with op.batch_alter_table("signature", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_signature_partner_id"), ["partner_id"], unique=False)
        batch_op.create_index(
            "ix_signature_partnership_subject",
            ["partnership_id", "subject", "created_at"],
            unique=False,
        )


def _supersede(conn: sa.Connection, row: Any, at: Any, reason: str) -> None:
    conn.execute(
        sa.update(signature)
        .where(signature.c.id == row.id)
        .values(superseded_at=at, superseded_by={"key": "migration", "reason": reason})
    )


def _settle(conn: sa.Connection) -> None:
    """Leave at most one current row per place, as the old code counted them."""
    rows = conn.execute(
        sa.select(signature).where(sa.text(CURRENT)).order_by(signature.c.created_at.desc())
    ).all()
    newest: dict[tuple[str, str, str, str], Any] = {}
    for row in rows:
        place = (row.partnership_id, row.subject, row.partner_id, row.role)
        if place in newest:
            _supersede(conn, row, newest[place].created_at, "a newer signature in the same role")
        else:
            newest[place] = row
    latest_funding = {
        r.partnership_id: r
        for r in conn.execute(
            sa.select(signature)
            .where(signature.c.subject == "funding")
            .order_by(signature.c.created_at)
        ).all()
    }
    changes: dict[str, list[Any]] = {}
    for p in conn.execute(sa.select(partner)).all():
        changes.setdefault(p.partnership_id, []).extend(
            t for t in (p.joined_at, p.withdrawn_at) if t is not None
        )
    for (pid, subject, _, _), row in newest.items():
        if subject != "funding":
            continue
        if row.content_hash != latest_funding[pid].content_hash:
            _supersede(conn, row, latest_funding[pid].created_at, "the formula changed")
            continue
        later = sorted(t for t in changes.get(pid, []) if t > row.created_at)
        if later:
            _supersede(conn, row, later[0], "a partner joined or left")


def _funding_agreed(conn: sa.Connection) -> None:
    """Every active partner's CEO and CFO, two people, hold a current funding signature."""
    active: dict[str, set[str]] = {}
    for p in conn.execute(sa.select(partner).where(partner.c.status == "active")).all():
        active.setdefault(p.partnership_id, set()).add(p.id)
    signed: dict[str, dict[str, dict[str, Any]]] = {}
    for row in conn.execute(
        sa.select(signature).where(signature.c.subject == "funding", sa.text(CURRENT))
    ).all():
        signed.setdefault(row.partnership_id, {}).setdefault(row.partner_id, {})[row.role] = row
    for pid, partners in active.items():
        pairs = [signed.get(pid, {}).get(partner_id, {}) for partner_id in partners]
        if all(
            "ceo" in pair and "cfo" in pair and pair["ceo"].user_id != pair["cfo"].user_id
            for pair in pairs
        ):
            when = max(s.created_at for pair in pairs for s in pair.values())
            conn.execute(
                sa.update(partnership).where(partnership.c.id == pid).values(funding_agreed_at=when)
            )


def upgrade() -> None:
    with op.batch_alter_table("partnership", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("funding_agreed_at", sa.DateTime(timezone=True), nullable=True)
        )
    _create_signature_table()
    conn = op.get_bind()
    conn.execute(
        sa.text(
            f"INSERT INTO signature ({COLUMNS}) SELECT id, partnership_id, stage_key, "  # noqa: S608 - constant
            "partner_id, 'signatory', user_id, decision, reason, content, content_hash, "
            "roadmap_version, created_at, superseded_at, superseded_by, revoked_at, "
            "revoked_by, revoke_reason FROM sign_off"
        )
    )
    conn.execute(
        sa.text(
            f"INSERT INTO signature ({COLUMNS}) SELECT f.id, f.partnership_id, 'funding', "  # noqa: S608 - constant
            "f.partner_id, f.role, f.user_id, 'signed', NULL, f.content, f.content_hash, "
            "p.roadmap_version, f.created_at, f.superseded_at, NULL, NULL, NULL, NULL "
            "FROM funding_signoff f JOIN partnership p ON p.id = f.partnership_id"
        )
    )
    _settle(conn)
    _funding_agreed(conn)
    with op.batch_alter_table("signature", schema=None) as batch_op:
        batch_op.create_index(
            "uq_signature_current",
            ["partnership_id", "subject", "partner_id", "role"],
            unique=True,
            sqlite_where=sa.text(CURRENT),
            postgresql_where=sa.text(CURRENT),
        )
    with op.batch_alter_table("sign_off", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sign_off_partner_id"))
        batch_op.drop_index(batch_op.f("ix_sign_off_partnership_id"))
    op.drop_table("sign_off")
    with op.batch_alter_table("funding_signoff", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_funding_signoff_partnership_id"))
    op.drop_table("funding_signoff")


def downgrade() -> None:
    op.create_table(
        "funding_signoff",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("partnership_id", sa.String(length=32), nullable=False),
        sa.Column("partner_id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column(
            "role",
            sa.Enum("ceo", "cfo", name="fundingrole", native_enum=False, length=30),
            nullable=False,
        ),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("superseded_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partner.id"], name=op.f("fk_funding_signoff_partner_id_partner")
        ),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnership.id"],
            name=op.f("fk_funding_signoff_partnership_id_partnership"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_funding_signoff_user_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_funding_signoff")),
    )
    with op.batch_alter_table("funding_signoff", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_funding_signoff_partnership_id"), ["partnership_id"], unique=False
        )
    op.create_table(
        "sign_off",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("partnership_id", sa.String(length=32), nullable=False),
        sa.Column("stage_key", sa.String(length=60), nullable=False),
        sa.Column("partner_id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column(
            "decision",
            sa.Enum("signed", "declined", name="decision", native_enum=False, length=30),
            nullable=False,
        ),
        sa.Column("reason", sa.String(length=2000), nullable=True),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("roadmap_version", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("superseded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("superseded_by", sa.JSON(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_by", sa.String(length=32), nullable=True),
        sa.Column("revoke_reason", sa.String(length=2000), nullable=True),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partner.id"], name=op.f("fk_sign_off_partner_id_partner")
        ),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnership.id"],
            name=op.f("fk_sign_off_partnership_id_partnership"),
        ),
        sa.ForeignKeyConstraint(
            ["revoked_by"], ["user.id"], name=op.f("fk_sign_off_revoked_by_user")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_sign_off_user_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_off")),
    )
    with op.batch_alter_table("sign_off", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sign_off_partnership_id"), ["partnership_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_sign_off_partner_id"), ["partner_id"], unique=False)
    conn = op.get_bind()
    conn.execute(
        sa.text(
            "INSERT INTO sign_off (id, partnership_id, stage_key, partner_id, user_id, decision, "
            "reason, content, content_hash, roadmap_version, created_at, superseded_at, "
            "superseded_by, revoked_at, revoked_by, revoke_reason) SELECT id, partnership_id, "
            "subject, partner_id, user_id, decision, reason, content, content_hash, "
            "roadmap_version, created_at, superseded_at, superseded_by, revoked_at, revoked_by, "
            "revoke_reason FROM signature WHERE subject <> 'funding'"
        )
    )
    # The old table had no revocation: a revoked funding signature no longer counted.
    conn.execute(
        sa.text(
            "INSERT INTO funding_signoff (id, partnership_id, partner_id, user_id, role, content, "
            "content_hash, created_at, superseded_at) SELECT id, partnership_id, partner_id, "
            "user_id, role, content, content_hash, created_at, COALESCE(superseded_at, "
            "revoked_at) FROM signature WHERE subject = 'funding' AND decision = 'signed'"
        )
    )
    with op.batch_alter_table("signature", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_signature_current",
            sqlite_where=sa.text(CURRENT),
            postgresql_where=sa.text(CURRENT),
        )
        batch_op.drop_index("ix_signature_partnership_subject")
        batch_op.drop_index(batch_op.f("ix_signature_partner_id"))
    op.drop_table("signature")
    with op.batch_alter_table("partnership", schema=None) as batch_op:
        batch_op.drop_column("funding_agreed_at")
