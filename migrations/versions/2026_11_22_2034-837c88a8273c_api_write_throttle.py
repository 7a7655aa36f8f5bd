"""api write throttle

Revision ID: 837c88a8273c
Revises: 08df92fee6f9
Create Date: 2026-11-22 20:34:28.991453
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "837c88a8273c"
down_revision: str | None = "08df92fee6f9"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "api_write",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("token_id", sa.String(length=32), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["token_id"], ["api_token.id"], name=op.f("fk_api_write_token_id_api_token")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_write")),
    )
    with op.batch_alter_table("api_write", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_write_token_id"), ["token_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("api_write", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_write_token_id"))

    op.drop_table("api_write")
