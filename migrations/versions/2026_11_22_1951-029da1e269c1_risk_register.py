"""risk register

Revision ID: 029da1e269c1
Revises: ccf70383b221
Create Date: 2026-11-22 19:51:28.527408
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "029da1e269c1"
down_revision: str | None = "ccf70383b221"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "risk",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("partnership_id", sa.String(length=32), nullable=False),
        sa.Column("stage_key", sa.String(length=60), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.String(length=5000), nullable=False),
        sa.Column("likelihood", sa.Integer(), nullable=False),
        sa.Column("impact", sa.Integer(), nullable=False),
        sa.Column("owner_partner_id", sa.String(length=32), nullable=True),
        sa.Column("mitigation", sa.String(length=5000), nullable=False),
        sa.Column(
            "status",
            sa.Enum("open", "mitigated", "closed", name="riskstatus", native_enum=False, length=30),
            nullable=False,
        ),
        sa.Column("review_date", sa.Date(), nullable=True),
        sa.Column("common_key", sa.String(length=60), nullable=True),
        sa.Column("created_by", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("impact BETWEEN 1 AND 5", name=op.f("ck_risk_impact_scale")),
        sa.CheckConstraint("likelihood BETWEEN 1 AND 5", name=op.f("ck_risk_likelihood_scale")),
        sa.ForeignKeyConstraint(["created_by"], ["user.id"], name=op.f("fk_risk_created_by_user")),
        sa.ForeignKeyConstraint(
            ["owner_partner_id"], ["partner.id"], name=op.f("fk_risk_owner_partner_id_partner")
        ),
        sa.ForeignKeyConstraint(
            ["partnership_id"], ["partnership.id"], name=op.f("fk_risk_partnership_id_partnership")
        ),
        sa.ForeignKeyConstraint(["updated_by"], ["user.id"], name=op.f("fk_risk_updated_by_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risk")),
        sa.UniqueConstraint(
            "partnership_id", "common_key", name=op.f("uq_risk_partnership_id_common_key")
        ),
    )
    with op.batch_alter_table("risk", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_risk_partnership_id"), ["partnership_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("risk", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_risk_partnership_id"))

    op.drop_table("risk")
