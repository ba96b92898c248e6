"""The attachments lists' columns (attachments, units, who could join) and the table that shows them."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QHeaderView, QTableView

from desktop.core import attachments as att
from desktop.core.formats import uk_date
from desktop.ui.table_model import RIGHT_ALIGN, Column, ListTableModel, row_table

GREY = QBrush(QColor("#7a7a7a"))
RED = QBrush(QColor("#b3261e"))


def make_table(model: ListTableModel) -> QTableView:
    view = row_table(model)
    view.setAlternatingRowColors(True)
    view.setSortingEnabled(True)
    view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
    view.verticalHeader().setDefaultSectionSize(24)
    view.horizontalHeader().setStretchLastSection(True)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    view.setWordWrap(False)
    return view


def _override_text(row: att.AttachmentRow) -> str:
    return "Yes" if row.override_reason else ""


def _override_tip(row: att.AttachmentRow) -> str | None:
    if not row.override_reason:
        return None
    return f"Overridden by {row.overridden_by or 'unknown'}:\n{row.override_reason}"


def _end_text(row: att.AttachmentRow) -> str:
    if row.end_date is None:
        return ""
    if row.state == "active" and row.end_date <= dt.date.today():
        return f"{uk_date(row.end_date)} (due: end it)"
    return uk_date(row.end_date)


def attachment_columns(*, unit: bool, officer: bool) -> list[Column]:
    cols: list[Column] = []
    if officer:
        cols += [
            Column("Collar no.", lambda r: r.collar),
            Column("Name", lambda r: r.officer_name),
            Column("Team", lambda r: r.team or ""),
        ]
    if unit:
        cols += [Column("Unit", lambda r: r.unit_name), Column("State", lambda r: r.state_label)]
    cols += [
        Column("Start", lambda r: uk_date(r.start_date), sort=lambda r: r.start_date),
        Column(
            "End",
            _end_text,
            sort=lambda r: r.end_date,
            foreground=lambda r: (
                RED if r.state == "active" and r.end_date and r.end_date <= dt.date.today() else None
            ),
        ),
        Column("Supervisor", lambda r: r.supervisor or ""),
        Column(
            "Override",
            _override_text,
            tip=_override_tip,
            foreground=lambda r: RED if r.override_reason else None,
        ),
        Column("Note", lambda r: (r.note or "").replace("\n", " · "), tip=lambda r: r.note or None),
    ]
    return cols


def candidate_columns(with_missing: bool) -> list[Column]:
    cols = [
        Column("Collar no.", lambda c: c.collar),
        Column("Name", lambda c: c.name),
        Column("Rank", lambda c: c.rank),
        Column("Team", lambda c: c.team or ""),
    ]
    if with_missing:
        cols.append(
            Column(
                "What is missing", lambda c: c.missing, tip=lambda c: "\n".join(f.message for f in c.failures)
            )
        )
    return cols


def _places(u: att.UnitInfo) -> str:
    return "no limit" if u.capacity is None else str(u.capacity)


def unit_columns() -> list[Column]:
    return [
        Column(
            "Unit",
            lambda u: u.name + ("" if u.active else " (not in use)"),
            tip=lambda u: u.description or None,
        ),
        Column(
            "Places",
            _places,
            sort=lambda u: u.capacity if u.capacity is not None else 10**9,
            align=RIGHT_ALIGN,
        ),
        Column("Attached", lambda u: str(u.active_count), sort=lambda u: u.active_count, align=RIGHT_ALIGN),
        Column(
            "Requested", lambda u: str(u.requested_count), sort=lambda u: u.requested_count, align=RIGHT_ALIGN
        ),
        Column(
            "Free",
            lambda u: "—" if u.free is None else str(u.free),
            sort=lambda u: u.free if u.free is not None else 10**9,
            align=RIGHT_ALIGN,
            foreground=lambda u: RED if u.free == 0 else None,
        ),
        Column("Requirements", lambda u: u.requirements_summary(), tip=lambda u: u.requirements_summary()),
    ]
