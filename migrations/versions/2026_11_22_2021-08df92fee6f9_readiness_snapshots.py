"""readiness snapshots

Revision ID: 08df92fee6f9
Revises: 6ecbabe5c735
Create Date: 2026-11-22 20:21:54.726787
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "08df92fee6f9"
down_revision: str | None = "6ecbabe5c735"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "readiness_snapshot",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("partnership_id", sa.String(length=32), nullable=False),
        sa.Column("collected_by", sa.String(length=32), nullable=False),
        sa.Column("collected_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("verdict", sa.String(length=20), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["collected_by"], ["user.id"], name=op.f("fk_readiness_snapshot_collected_by_user")
        ),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnership.id"],
            name=op.f("fk_readiness_snapshot_partnership_id_partnership"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_readiness_snapshot")),
    )
    with op.batch_alter_table("readiness_snapshot", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_readiness_snapshot_partnership_id"), ["partnership_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("readiness_snapshot", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_readiness_snapshot_partnership_id"))

    op.drop_table("readiness_snapshot")
