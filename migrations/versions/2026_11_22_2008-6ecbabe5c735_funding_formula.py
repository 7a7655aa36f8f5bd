"""funding formula

Revision ID: 6ecbabe5c735
Revises: bb0fc92af4c0
Create Date: 2026-11-22 20:08:27.231146
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "6ecbabe5c735"
down_revision: str | None = "bb0fc92af4c0"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "funding_proposal",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("partnership_id", sa.String(length=32), nullable=False),
        sa.Column(
            "method",
            sa.Enum(
                "equal",
                "population",
                "driver",
                "budget",
                "fixed",
                "hybrid",
                name="method",
                native_enum=False,
                length=30,
            ),
            nullable=False,
        ),
        sa.Column("one_off_cost", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("annual_cost", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("years", sa.Integer(), nullable=False),
        sa.Column("annual_uplift_percent", sa.Numeric(precision=7, scale=4), nullable=False),
        sa.Column("base_share_percent", sa.Numeric(precision=7, scale=4), nullable=True),
        sa.Column("driver_name", sa.String(length=100), nullable=True),
        sa.Column("savings_method", sa.String(length=100), nullable=True),
        sa.Column("exit_terms", sa.String(length=5000), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_by", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnership.id"],
            name=op.f("fk_funding_proposal_partnership_id_partnership"),
        ),
        sa.ForeignKeyConstraint(
            ["updated_by"], ["user.id"], name=op.f("fk_funding_proposal_updated_by_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_funding_proposal")),
        sa.UniqueConstraint("partnership_id", name=op.f("uq_funding_proposal_partnership_id")),
    )
    op.create_table(
        "funding_input",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("partnership_id", sa.String(length=32), nullable=False),
        sa.Column("partner_id", sa.String(length=32), nullable=False),
        sa.Column("population", sa.Numeric(precision=18, scale=2), nullable=True),
        sa.Column("driver", sa.Numeric(precision=18, scale=2), nullable=True),
        sa.Column("budget", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("percentage", sa.Numeric(precision=7, scale=4), nullable=True),
        sa.Column("updated_by", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partner.id"], name=op.f("fk_funding_input_partner_id_partner")
        ),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnership.id"],
            name=op.f("fk_funding_input_partnership_id_partnership"),
        ),
        sa.ForeignKeyConstraint(
            ["updated_by"], ["user.id"], name=op.f("fk_funding_input_updated_by_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_funding_input")),
        sa.UniqueConstraint(
            "partnership_id", "partner_id", name=op.f("uq_funding_input_partnership_id_partner_id")
        ),
    )
    with op.batch_alter_table("funding_input", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_funding_input_partnership_id"), ["partnership_id"], unique=False
        )

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


def downgrade() -> None:
    with op.batch_alter_table("funding_signoff", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_funding_signoff_partnership_id"))

    op.drop_table("funding_signoff")
    with op.batch_alter_table("funding_input", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_funding_input_partnership_id"))

    op.drop_table("funding_input")
    op.drop_table("funding_proposal")
