"""sign-offs and notifications

Revision ID: bb0fc92af4c0
Revises: 029da1e269c1
Create Date: 2026-11-22 19:58:55.356549
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "bb0fc92af4c0"
down_revision: str | None = "029da1e269c1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "notification",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("partnership_id", sa.String(length=32), nullable=False),
        sa.Column("message", sa.String(length=500), nullable=False),
        sa.Column("link", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnership.id"],
            name=op.f("fk_notification_partnership_id_partnership"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_notification_user_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification")),
    )
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notification_user_id"), ["user_id"], unique=False)

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
        batch_op.create_index(batch_op.f("ix_sign_off_partner_id"), ["partner_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_sign_off_partnership_id"), ["partnership_id"], unique=False
        )

    op.create_table(
        "sign_off_request",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("partnership_id", sa.String(length=32), nullable=False),
        sa.Column("stage_key", sa.String(length=60), nullable=False),
        sa.Column("partner_id", sa.String(length=32), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partner.id"], name=op.f("fk_sign_off_request_partner_id_partner")
        ),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnership.id"],
            name=op.f("fk_sign_off_request_partnership_id_partnership"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_off_request")),
        sa.UniqueConstraint(
            "partnership_id",
            "stage_key",
            "partner_id",
            name=op.f("uq_sign_off_request_partnership_id_stage_key_partner_id"),
        ),
    )
    with op.batch_alter_table("sign_off_request", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sign_off_request_partnership_id"), ["partnership_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("sign_off_request", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sign_off_request_partnership_id"))

    op.drop_table("sign_off_request")
    with op.batch_alter_table("sign_off", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sign_off_partnership_id"))
        batch_op.drop_index(batch_op.f("ix_sign_off_partner_id"))

    op.drop_table("sign_off")
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notification_user_id"))

    op.drop_table("notification")
