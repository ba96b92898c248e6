"""import_rows: index officer_id

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 02:45:00

Deleting an officer (undoing an import that created them) sets import_rows.officer_id to NULL
through its foreign key; without an index every such delete scanned the whole table. Undoing a
20,000-officer import on a 1.2 million-duty database: 52-56 s before, 2.6 s with the index.
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("import_rows", schema=None) as batch_op:
        batch_op.create_index("ix_import_rows_officer_id", ["officer_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("import_rows", schema=None) as batch_op:
        batch_op.drop_index("ix_import_rows_officer_id")
