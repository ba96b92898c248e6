"""officers' sex and ethnicity; vetting; long service awards; a unit's minimum vetting level

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 16:30:00

For the workforce return (headcount and diversity), vetting with its review dates, and the Special
Constabulary Long Service Medal. Existing officers get no value ("not stated"); nothing else changes.
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("officers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sex", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("ethnicity", sa.String(length=16), nullable=True))
    with op.batch_alter_table("units", schema=None) as batch_op:
        batch_op.add_column(sa.Column("min_vetting_level", sa.String(length=24), nullable=True))
    op.create_table(
        "vetting_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("officer_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(length=24), nullable=False),
        sa.Column("granted_on", sa.Date(), nullable=False),
        sa.Column("review_on", sa.Date(), nullable=True),
        sa.Column("reference", sa.String(length=60), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["officer_id"], ["officers.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_vetting_records_officer_id", "vetting_records", ["officer_id"])
    op.create_index("ix_vetting_records_review_on", "vetting_records", ["review_on"])
    op.create_table(
        "long_service_awards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("officer_id", sa.Integer(), nullable=False),
        sa.Column("award", sa.String(length=16), nullable=False),
        sa.Column("clasp_number", sa.Integer(), nullable=False),
        sa.Column("recommended_on", sa.Date(), nullable=True),
        sa.Column("recommended_by", sa.String(length=120), nullable=True),
        sa.Column("presented_on", sa.Date(), nullable=True),
        sa.Column("presented_by", sa.String(length=120), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["officer_id"], ["officers.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("officer_id", "award", "clasp_number"),
    )
    op.create_index("ix_long_service_awards_officer_id", "long_service_awards", ["officer_id"])
    op.create_table(
        "service_year_confirmations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("officer_id", sa.Integer(), nullable=False),
        sa.Column("year_from", sa.Date(), nullable=False),
        sa.Column("qualifies", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("confirmed_by", sa.String(length=80), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["officer_id"], ["officers.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("officer_id", "year_from"),
    )
    op.create_index("ix_service_year_confirmations_officer_id", "service_year_confirmations", ["officer_id"])


def downgrade() -> None:
    op.drop_table("service_year_confirmations")
    op.drop_table("long_service_awards")
    op.drop_table("vetting_records")
    with op.batch_alter_table("units", schema=None) as batch_op:
        batch_op.drop_column("min_vetting_level")
    with op.batch_alter_table("officers", schema=None) as batch_op:
        batch_op.drop_column("ethnicity")
        batch_op.drop_column("sex")
