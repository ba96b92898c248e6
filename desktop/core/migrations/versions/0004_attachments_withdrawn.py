"""attachments: a withdrawn request is marked as such

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 02:55:00

A request withdrawn before it started was stored as an ended attachment told apart only by the note
"Request withdrawn."; the monthly return counted it as started and ended. Existing withdrawals are
found by that note.
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("withdrawn", sa.Boolean(), server_default=sa.false(), nullable=False))
    attachments = sa.table("attachments", sa.column("withdrawn", sa.Boolean()), sa.column("note", sa.Text()))
    op.execute(
        attachments.update().where(attachments.c.note.like("%Request withdrawn.%")).values(withdrawn=True)
    )


def downgrade() -> None:
    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.drop_column("withdrawn")
