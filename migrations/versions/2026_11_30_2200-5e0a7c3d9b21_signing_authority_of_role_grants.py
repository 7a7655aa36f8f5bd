"""signing authority of role grants

Who granted each role and, for the signing roles (signatory, chief executive, finance
director), the authority the grant rests on; an invitation carries the authority its inviter
stated. A check constraint refuses a signing role granted by a person without an authority or
to themselves. Grants made before this migration have no grantor and no authority: they stay,
and the people page says their authority was not recorded.

Revision ID: 5e0a7c3d9b21
Revises: 95682e6bda24
Create Date: 2026-11-30 22:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5e0a7c3d9b21"
down_revision: str | None = "95682e6bda24"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# As app.partnerships.models.SIGNING_GRANT_CHECK when this was written (a migration never
# imports the app).
SIGNING_GRANT_CHECK = (
    "role NOT IN ('signatory', 'ceo', 'cfo') OR granted_by IS NULL OR "
    "(authority IS NOT NULL AND trim(authority) <> '' AND granted_by <> user_id)"
)


def upgrade() -> None:
    with op.batch_alter_table("partner_role", schema=None) as batch_op:
        batch_op.add_column(sa.Column("granted_by", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("authority", sa.String(length=200), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_partner_role_granted_by_user"), "user", ["granted_by"], ["id"]
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_partner_role_signing_authority"), sa.text(SIGNING_GRANT_CHECK)
        )
    with op.batch_alter_table("invitation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("authority", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("invitation", schema=None) as batch_op:
        batch_op.drop_column("authority")
    with op.batch_alter_table("partner_role", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_partner_role_signing_authority"), type_="check")
        batch_op.drop_constraint(batch_op.f("fk_partner_role_granted_by_user"), type_="foreignkey")
        batch_op.drop_column("authority")
        batch_op.drop_column("granted_by")
