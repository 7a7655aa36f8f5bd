"""readiness submissions and comments

Revision ID: ccf70383b221
Revises: 6e34b92e119e
Create Date: 2026-11-22 19:48:07.882448
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "ccf70383b221"
down_revision: str | None = "6e34b92e119e"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "comment",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("partnership_id", sa.String(length=32), nullable=False),
        sa.Column("stage_key", sa.String(length=60), nullable=False),
        sa.Column("question_key", sa.String(length=60), nullable=False),
        sa.Column("author_id", sa.String(length=32), nullable=False),
        sa.Column("partner_id", sa.String(length=32), nullable=False),
        sa.Column("body", sa.String(length=5000), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_by", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(["author_id"], ["user.id"], name=op.f("fk_comment_author_id_user")),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partner.id"], name=op.f("fk_comment_partner_id_partner")
        ),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnership.id"],
            name=op.f("fk_comment_partnership_id_partnership"),
        ),
        sa.ForeignKeyConstraint(
            ["resolved_by"], ["user.id"], name=op.f("fk_comment_resolved_by_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comment")),
    )
    with op.batch_alter_table("comment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_comment_partnership_id"), ["partnership_id"], unique=False
        )

    op.create_table(
        "score_submission",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("partnership_id", sa.String(length=32), nullable=False),
        sa.Column("stage_key", sa.String(length=60), nullable=False),
        sa.Column("partner_id", sa.String(length=32), nullable=False),
        sa.Column("submitted_by", sa.String(length=32), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partner.id"], name=op.f("fk_score_submission_partner_id_partner")
        ),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnership.id"],
            name=op.f("fk_score_submission_partnership_id_partnership"),
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by"], ["user.id"], name=op.f("fk_score_submission_submitted_by_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_score_submission")),
        sa.UniqueConstraint(
            "partnership_id",
            "stage_key",
            "partner_id",
            name=op.f("uq_score_submission_partnership_id_stage_key_partner_id"),
        ),
    )
    with op.batch_alter_table("score_submission", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_score_submission_partnership_id"), ["partnership_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("score_submission", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_score_submission_partnership_id"))

    op.drop_table("score_submission")
    with op.batch_alter_table("comment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_comment_partnership_id"))

    op.drop_table("comment")
