"""duties: drop the index on import_batch_id

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 02:40:00

Every hours entry of an import paid for this index (about a fifth of writing 240,000 entries);
only undoing an import reads duties by batch, and a scan of 1.2 million duties for that takes
about 0.2 s beside an undo that takes seconds. Officer and date lookups keep their indexes.
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("duties", schema=None) as batch_op:
        batch_op.drop_index("ix_duties_import_batch_id")


def downgrade() -> None:
    with op.batch_alter_table("duties", schema=None) as batch_op:
        batch_op.create_index("ix_duties_import_batch_id", ["import_batch_id"], unique=False)
