"""sealed audit chains

Every audit event gets a seal (an HMAC under a key derived from SECRET_KEY) and each chain a
sealed head record that says how long it is. A migration cannot compute seals (it does not
hold the key, and must not), so events already written keep a null seal: they are the
unsealed prefix of their chain, and `roadmap audit seal` gives each such chain its sealed
head, with the SECRET_KEY in use (see docs/decisions.md).

Revision ID: d6e63c4b210f
Revises: da1f540c6264
Create Date: 2026-11-30 22:17:50.174224
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "d6e63c4b210f"
down_revision: str | None = "da1f540c6264"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# The app only ever moves a head forward; on PostgreSQL the database refuses anything else,
# as it refuses changes to audit events (a database owner can still bypass both).
FORWARD_ONLY = """
CREATE FUNCTION audit_head_forward_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.chain = OLD.chain AND NEW.position > OLD.position THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit heads only move forward: % refused', TG_OP;
END;
$$;
CREATE TRIGGER audit_head_forward_only
    BEFORE UPDATE OR DELETE ON audit_head
    FOR EACH ROW EXECUTE FUNCTION audit_head_forward_only();
CREATE TRIGGER audit_head_no_truncate
    BEFORE TRUNCATE ON audit_head
    FOR EACH STATEMENT EXECUTE FUNCTION audit_head_forward_only();
"""


def upgrade() -> None:
    op.create_table(
        "audit_head",
        sa.Column("chain", sa.String(length=32), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("seal", sa.String(length=64), nullable=False),
        sa.Column("key_id", sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint("chain", name=op.f("pk_audit_head")),
    )
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("seal", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("key_id", sa.String(length=16), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        op.execute(FORWARD_ONLY)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_head_no_truncate ON audit_head")
        op.execute("DROP TRIGGER audit_head_forward_only ON audit_head")
        op.execute("DROP FUNCTION audit_head_forward_only()")
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_column("key_id")
        batch_op.drop_column("seal")
    op.drop_table("audit_head")
