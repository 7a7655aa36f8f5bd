"""sealed outbox bodies: a mail's secret link waits encrypted, and only until delivery

Revision ID: 7b3e9f1c2a64
Revises: 3cd14d84aa87
Create Date: 2026-11-30 23:45:00
"""

import re
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "7b3e9f1c2a64"
down_revision: str | None = "3cd14d84aa87"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Links queued before this revision sit in plain text in `body`: they are replaced by the
# placeholder the service now stores (a waiting mail then goes out without its link; the
# recipient asks again), because the key to seal them is not available to a migration.
_LINK = re.compile(r"\S+\?token=\S+")
_PLACEHOLDER = "(link sent to the recipient only)"


def upgrade() -> None:
    with op.batch_alter_table("outbox_message") as batch_op:
        batch_op.add_column(sa.Column("sealed_body", sa.Text(), nullable=True))
    conn = op.get_bind()
    outbox = sa.table("outbox_message", sa.column("id", sa.String), sa.column("body", sa.String))
    rows = conn.execute(
        sa.select(outbox.c.id, outbox.c.body).where(outbox.c.body.contains("?token="))
    ).all()
    for id_, body in rows:
        conn.execute(
            outbox.update().where(outbox.c.id == id_).values(body=_LINK.sub(_PLACEHOLDER, body))
        )


def downgrade() -> None:
    with op.batch_alter_table("outbox_message") as batch_op:
        batch_op.drop_column("sealed_body")
