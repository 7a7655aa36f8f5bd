"""signature acknowledged warnings

The open consistency warnings a signatory acknowledged when signing (each one's key and the
message as it read), kept with the signature as part of the signed record. Signatures made
before this migration have none recorded (NULL), which the register shows as nothing
acknowledged.

Revision ID: 3b7c1e9d4a52
Revises: 5e0a7c3d9b21
Create Date: 2026-11-30 23:35:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "3b7c1e9d4a52"
down_revision: str | None = "5e0a7c3d9b21"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("signature", schema=None) as batch_op:
        batch_op.add_column(sa.Column("acknowledged", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("signature", schema=None) as batch_op:
        batch_op.drop_column("acknowledged")
