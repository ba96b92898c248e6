"""The whole CiP Desk domain as SQLAlchemy 2 typed models.

Every table of docs/domain.md lives here so that later features add behaviour, not tables.
Schema changes go through an Alembic revision in ``desktop/core/migrations/versions``.

Conventions:
- Ranks are stored by their short code (``SC``, ``SSgt`` ...); the list itself is force data
  (table ``rank_defs``).
- Statuses are the strings of ``desktop.core.domain.STATUSES``.
- ``Officer.rank`` / ``Officer.status`` hold the *current* value; the dated history is in
  ``rank_changes`` / ``status_changes`` and is the source for "as at a date" questions.
- ``version`` columns are used for optimistic locking (a second writer gets StaleDataError).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    Time,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from desktop.core.formats import full_name


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


# ---------------------------------------------------------------------------------------------
# Force settings and reference data
# ---------------------------------------------------------------------------------------------


class Setting(Base):
    """Key/value force settings (force name, minimum hours, pathway in use, retention years...)."""

    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON, nullable=True)


class RankDef(Base):
    """One rank of the force, lowest first by ``position``."""

    __tablename__ = "rank_defs"
    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


# ---------------------------------------------------------------------------------------------
# Officers
# ---------------------------------------------------------------------------------------------


class Officer(Base):
    __tablename__ = "officers"

    id: Mapped[int] = mapped_column(primary_key=True)
    collar: Mapped[str] = mapped_column(String(32), unique=True, index=True)
    surname: Mapped[str] = mapped_column(String(120), index=True)
    forenames: Mapped[str | None] = mapped_column(String(160))
    preferred_name: Mapped[str | None] = mapped_column(String(80))
    rank: Mapped[str] = mapped_column(String(16), default="SC")
    status: Mapped[str] = mapped_column(String(24), default="active", index=True)
    team: Mapped[str | None] = mapped_column(String(120), index=True)
    station: Mapped[str | None] = mapped_column(String(120))
    joined: Mapped[dt.date | None] = mapped_column(Date)
    attested: Mapped[dt.date | None] = mapped_column(Date)
    independent_patrol: Mapped[dt.date | None] = mapped_column(Date)
    left_date: Mapped[dt.date | None] = mapped_column(Date)
    leaving_reason: Mapped[str | None] = mapped_column(String(40))
    date_of_birth: Mapped[dt.date | None] = mapped_column(Date)
    # Special-category data (migration 0005): None is "not stated". ``sex`` is "female" or "male";
    # ``ethnicity`` a category code of resources/ethnicity.json (W1, A2, ...) or a force's own code.
    sex: Mapped[str | None] = mapped_column(String(16))
    ethnicity: Mapped[str | None] = mapped_column(String(16))
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(160))
    address: Mapped[str | None] = mapped_column(Text)
    employer: Mapped[str | None] = mapped_column(String(160))
    esp: Mapped[bool] = mapped_column(Boolean, default=False)
    driving: Mapped[str | None] = mapped_column(String(24))  # none/basic/response/advanced/pursuit
    notes: Mapped[str | None] = mapped_column(Text)
    anonymised: Mapped[bool] = mapped_column(Boolean, default=False)
    created_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    updated_by: Mapped[str | None] = mapped_column(String(80))
    version: Mapped[int] = mapped_column(Integer, default=1, nullable=False)

    __mapper_args__ = {"version_id_col": version}

    # Undated history (held since joining) first, on SQLite and PostgreSQL alike (NULLs sort differently).
    rank_changes: Mapped[list[RankChange]] = relationship(
        back_populates="officer",
        cascade="all, delete-orphan",
        order_by=lambda: [RankChange.effective.is_not(None), RankChange.effective, RankChange.id],
    )
    status_changes: Mapped[list[StatusChange]] = relationship(
        back_populates="officer",
        cascade="all, delete-orphan",
        order_by=lambda: [StatusChange.effective.is_not(None), StatusChange.effective, StatusChange.id],
    )
    legacy_fields: Mapped[list[LegacyField]] = relationship(
        back_populates="officer", cascade="all, delete-orphan", order_by="LegacyField.name"
    )

    @property
    def display_name(self) -> str:
        return full_name(self.surname, self.forenames)


class RankChange(Base):
    """A rank held from ``effective``; acting ranks are kept too."""

    __tablename__ = "rank_changes"
    id: Mapped[int] = mapped_column(primary_key=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("officers.id", ondelete="CASCADE"), index=True)
    rank: Mapped[str] = mapped_column(String(16))
    effective: Mapped[dt.date | None] = mapped_column(Date)
    acting: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    officer: Mapped[Officer] = relationship(back_populates="rank_changes")


class StatusChange(Base):
    """A status held from ``effective``. A ``left`` status carries the leaving reason."""

    __tablename__ = "status_changes"
    id: Mapped[int] = mapped_column(primary_key=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("officers.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(24))
    effective: Mapped[dt.date | None] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(String(40))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    officer: Mapped[Officer] = relationship(back_populates="status_changes")


class LegacyField(Base):
    """A column of an imported spreadsheet the app does not know, kept with the officer."""

    __tablename__ = "legacy_fields"
    __table_args__ = (UniqueConstraint("officer_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("officers.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    value: Mapped[str | None] = mapped_column(Text)
    officer: Mapped[Officer] = relationship(back_populates="legacy_fields")


# ---------------------------------------------------------------------------------------------
# Career pathway
# ---------------------------------------------------------------------------------------------


class Pathway(Base):
    __tablename__ = "pathways"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    stages: Mapped[list[PathwayStage]] = relationship(
        back_populates="pathway", cascade="all, delete-orphan", order_by="PathwayStage.position"
    )


class PathwayStage(Base):
    __tablename__ = "pathway_stages"
    __table_args__ = (UniqueConstraint("pathway_id", "code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    pathway_id: Mapped[int] = mapped_column(ForeignKey("pathways.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(120))
    position: Mapped[int] = mapped_column(Integer, default=0)
    is_independent_patrol: Mapped[bool] = mapped_column(Boolean, default=False)
    is_attestation: Mapped[bool] = mapped_column(Boolean, default=False)
    # Codes of stages (same pathway) that must be achieved first.
    prerequisites: Mapped[list[Any]] = mapped_column(JSON, default=list)
    target_days: Mapped[int | None] = mapped_column(Integer)
    pathway: Mapped[Pathway] = relationship(back_populates="stages")


class StageAchieved(Base):
    __tablename__ = "stages_achieved"
    __table_args__ = (UniqueConstraint("officer_id", "stage_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("officers.id", ondelete="CASCADE"), index=True)
    stage_id: Mapped[int] = mapped_column(ForeignKey("pathway_stages.id", ondelete="RESTRICT"), index=True)
    achieved_on: Mapped[dt.date] = mapped_column(Date)
    assessor: Mapped[str | None] = mapped_column(String(120))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


# ---------------------------------------------------------------------------------------------
# Qualifications
# ---------------------------------------------------------------------------------------------


class QualificationType(Base):
    __tablename__ = "qualification_types"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    validity_months: Mapped[int | None] = mapped_column(Integer)  # None: never expires
    category: Mapped[str | None] = mapped_column(String(40))  # e.g. "driving", "safety", "skill"
    driving_level: Mapped[int | None] = mapped_column(
        Integer
    )  # basic 1 < response 2 < advanced 3 < pursuit 4
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class OfficerQualification(Base):
    __tablename__ = "officer_qualifications"
    id: Mapped[int] = mapped_column(primary_key=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("officers.id", ondelete="CASCADE"), index=True)
    type_id: Mapped[int] = mapped_column(
        ForeignKey("qualification_types.id", ondelete="RESTRICT"), index=True
    )
    achieved_on: Mapped[dt.date] = mapped_column(Date)
    expires_on: Mapped[dt.date | None] = mapped_column(Date, index=True)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


# ---------------------------------------------------------------------------------------------
# Vetting and long service awards
# ---------------------------------------------------------------------------------------------


class VettingRecord(Base):
    """Police vetting granted to an officer: a level (resources/vetting_levels.json, force data),
    granted on a date, due for review (or expiring) on another. The newest grant is the one held;
    earlier ones are the history."""

    __tablename__ = "vetting_records"
    id: Mapped[int] = mapped_column(primary_key=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("officers.id", ondelete="CASCADE"), index=True)
    level: Mapped[str] = mapped_column(String(24))
    granted_on: Mapped[dt.date] = mapped_column(Date)
    review_on: Mapped[dt.date | None] = mapped_column(Date, index=True)
    reference: Mapped[str | None] = mapped_column(String(60))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1, nullable=False)
    __mapper_args__ = {"version_id_col": version}


class LongServiceAward(Base):
    """The Special Constabulary Long Service Medal (``award`` "medal") or one of its clasps
    ("clasp", ``clasp_number`` 1, 2, ...): recommended by the chief officer, then presented."""

    __tablename__ = "long_service_awards"
    __table_args__ = (UniqueConstraint("officer_id", "award", "clasp_number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("officers.id", ondelete="CASCADE"), index=True)
    award: Mapped[str] = mapped_column(String(16))  # medal / clasp
    clasp_number: Mapped[int] = mapped_column(Integer, default=0)  # 0 for the medal
    recommended_on: Mapped[dt.date | None] = mapped_column(Date)
    recommended_by: Mapped[str | None] = mapped_column(String(120))
    presented_on: Mapped[dt.date | None] = mapped_column(Date)
    presented_by: Mapped[str | None] = mapped_column(String(120))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1, nullable=False)
    __mapper_args__ = {"version_id_col": version}


class ServiceYearConfirmation(Base):
    """A qualifying year of service confirmed by the team although its duties are not known (it
    rests on legacy monthly totals, which carry no count of duties): who, when and why."""

    __tablename__ = "service_year_confirmations"
    __table_args__ = (UniqueConstraint("officer_id", "year_from"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("officers.id", ondelete="CASCADE"), index=True)
    year_from: Mapped[dt.date] = mapped_column(Date)  # the joining anniversary that starts the year
    qualifies: Mapped[bool] = mapped_column(Boolean, default=True)
    reason: Mapped[str] = mapped_column(Text)
    confirmed_by: Mapped[str] = mapped_column(String(80))
    confirmed_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


# ---------------------------------------------------------------------------------------------
# Specialist units and attachments
# ---------------------------------------------------------------------------------------------


class Unit(Base):
    __tablename__ = "units"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    code: Mapped[str | None] = mapped_column(String(24))
    description: Mapped[str | None] = mapped_column(Text)
    capacity: Mapped[int | None] = mapped_column(Integer)  # None: no limit
    requires_independent_patrol: Mapped[bool] = mapped_column(Boolean, default=True)
    min_months_since_ip: Mapped[int | None] = mapped_column(Integer)
    min_driving_level: Mapped[int | None] = mapped_column(Integer)
    min_vetting_level: Mapped[str | None] = mapped_column(String(24))  # a code of the vetting levels
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    required_qualifications: Mapped[list[UnitRequirement]] = relationship(
        back_populates="unit", cascade="all, delete-orphan"
    )


class UnitRequirement(Base):
    """A qualification that must be valid on an attachment's start date."""

    __tablename__ = "unit_requirements"
    __table_args__ = (UniqueConstraint("unit_id", "qualification_type_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), index=True)
    qualification_type_id: Mapped[int] = mapped_column(
        ForeignKey("qualification_types.id", ondelete="RESTRICT")
    )
    unit: Mapped[Unit] = relationship(back_populates="required_qualifications")


class Attachment(Base):
    __tablename__ = "attachments"
    id: Mapped[int] = mapped_column(primary_key=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("officers.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="RESTRICT"), index=True)
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    supervisor: Mapped[str | None] = mapped_column(String(120))
    state: Mapped[str] = mapped_column(String(16), default="requested")  # requested/active/ended
    # An ended attachment that never started (a request withdrawn): no place held, nothing to count.
    withdrawn: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false(), nullable=False)
    override_reason: Mapped[str | None] = mapped_column(Text)
    overridden_by: Mapped[str | None] = mapped_column(String(80))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1, nullable=False)
    __mapper_args__ = {"version_id_col": version}


# ---------------------------------------------------------------------------------------------
# Duties and hours
# ---------------------------------------------------------------------------------------------


class Duty(Base):
    """One duty, or (``is_monthly_total``) a legacy monthly total dated the 1st of its month.

    Overnight duties count on their start date. ``hours`` is always filled.
    """

    __tablename__ = "duties"
    __table_args__ = (
        # Covering index for month/year aggregates (docs/measured.md: 200 ms -> 58 ms over 1M rows).
        Index("ix_duties_date_officer_hours", "date", "officer_id", "hours"),
        Index("ix_duties_officer", "officer_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("officers.id", ondelete="CASCADE"))
    date: Mapped[dt.date] = mapped_column(Date)
    start_time: Mapped[dt.time | None] = mapped_column(Time)
    end_time: Mapped[dt.time | None] = mapped_column(Time)
    hours: Mapped[float] = mapped_column(Float)
    duty_type: Mapped[str] = mapped_column(String(32), default="patrol")
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="SET NULL"))
    is_monthly_total: Mapped[bool] = mapped_column(Boolean, default=False)
    source: Mapped[str] = mapped_column(String(16), default="manual")  # manual/import/demo
    # Not indexed (migration 0002): every imported hours entry paid for it; only undo reads by batch.
    import_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1, nullable=False)
    __mapper_args__ = {"version_id_col": version}


# ---------------------------------------------------------------------------------------------
# Imports
# ---------------------------------------------------------------------------------------------


class ImportBatch(Base):
    __tablename__ = "import_batches"
    id: Mapped[int] = mapped_column(primary_key=True)
    file_name: Mapped[str] = mapped_column(String(260))
    file_path: Mapped[str | None] = mapped_column(Text)
    sheet: Mapped[str | None] = mapped_column(String(120))
    sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    header_row: Mapped[int | None] = mapped_column(Integer)
    mapping: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    user: Mapped[str | None] = mapped_column(String(80))
    started_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    rows: Mapped[int] = mapped_column(Integer, default=0)
    created: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    skipped: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)
    hours_entries: Mapped[int] = mapped_column(Integer, default=0)
    undone_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    undone_by: Mapped[str | None] = mapped_column(String(80))


class ImportRow(Base):
    """The outcome of one sheet row: created/updated/unchanged/skipped/rejected."""

    __tablename__ = "import_rows"
    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batches.id", ondelete="CASCADE"), index=True)
    row_number: Mapped[int] = mapped_column(Integer)  # the sheet's own row number (1-based)
    outcome: Mapped[str] = mapped_column(String(12))
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id", ondelete="SET NULL"), index=True)
    collar: Mapped[str | None] = mapped_column(String(32))
    # [{"column", "value", "why"}]: why a rejected or skipped row was not imported; for an imported
    # row (created, updated, unchanged) its warnings: what was assumed to import it.
    reasons: Mapped[list[Any] | None] = mapped_column(JSON)
    changes: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # {"field": [old, new]} for undo
    original: Mapped[list[Any] | None] = mapped_column(JSON)  # the row's cells as read


# ---------------------------------------------------------------------------------------------
# Monthly return locks
# ---------------------------------------------------------------------------------------------


class MonthLock(Base):
    __tablename__ = "month_locks"
    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[str] = mapped_column(String(7), unique=True)  # "YYYY-MM"
    signed_off_by: Mapped[str] = mapped_column(String(80))
    signed_off_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    figures: Mapped[dict[str, Any]] = mapped_column(JSON)
    note: Mapped[str | None] = mapped_column(Text)


# ---------------------------------------------------------------------------------------------
# Audit
# ---------------------------------------------------------------------------------------------


class AuditEvent(Base):
    """One change to one field of one record (or a create/delete of the record)."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_entity", "entity", "entity_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    user: Mapped[str] = mapped_column(String(80))
    machine: Mapped[str | None] = mapped_column(String(120))
    entity: Mapped[str] = mapped_column(String(40))  # table name
    entity_id: Mapped[int | None] = mapped_column(Integer)
    officer_id: Mapped[int | None] = mapped_column(Integer, index=True)  # no FK: survives deletion
    action: Mapped[str] = mapped_column(String(16))  # create/update/delete/import/undo/...
    field: Mapped[str | None] = mapped_column(String(60))
    old: Mapped[str | None] = mapped_column(Text)
    new: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(Text)
    batch_id: Mapped[int | None] = mapped_column(Integer, index=True)
