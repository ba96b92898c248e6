"""The monthly return as an Excel workbook.

Sheets: Summary (every figure, one a row: Section, Figure, Value), Officers, Teams, Units, and Details
(joiners, leavers, new independent patrol, attachments started/ended, qualifications expired or
expiring, inactive officers: one a row with a real date). Every sheet has a styled header in row 1,
frozen, with filters and widths that fit. Hours are numbers, dates are real Excel dates; every cell
goes through desktop.excel.writer, so text that came from users never becomes a formula.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from desktop.core.domain import STATUS_LABELS
from desktop.core.returns import ReturnFigures, month_label
from desktop.excel.writer import Book, Sheet, banner

RAG_WORDS = {"green": "Met", "amber": "Below", "red": "Zero", "grey": "n/a"}
RAG_FILLS = {"green": "C8E6C9", "amber": "FFE9A8", "red": "F8C7C7", "grey": "EEEEEE"}
HEADER_FILL = "1F3B5C"
DATE_FORMAT = "dd/mm/yyyy"
HEADER = banner(HEADER_FILL, vertical="center")
# The Summary's value column is at least this wide, and at most SUMMARY_WIDEST.
SUMMARY_NARROWEST = 16
SUMMARY_WIDEST = 80


def _pct(n: int, total: int) -> float | None:
    return n / total if total else None


SummaryRow = tuple[str, str, Any, str | None]


def summary_rows(f: ReturnFigures, settings: dict[str, Any]) -> list[SummaryRow]:
    """(section, figure, value, number format) for the Summary sheet."""
    return [
        *_return_rows(f, settings),
        *_headcount_rows(f),
        *_movement_rows(f),
        *_hours_rows(f),
        *_compliance_rows(f),
        *_attachment_rows(f),
        *_qualification_rows(f),
        *[("Note", "", note, None) for note in f.notes],
    ]


def _return_rows(f: ReturnFigures, settings: dict[str, Any]) -> list[SummaryRow]:
    rows: list[SummaryRow] = [
        ("Return", "Force", settings.get("force_name") or "", None),
        ("Return", "Month", f.first_day, "mmmm yyyy"),
        ("Return", "Figures as at", f.as_at, DATE_FORMAT),
        ("Return", "Financial year from", f.year_start, DATE_FORMAT),
        ("Return", "Minimum hours a month", f.minimum_hours, None),
    ]
    if f.signed_off:
        rows.append(("Return", "Signed off by", f.signed_off.by, None))
        rows.append(("Return", "Signed off on", f.signed_off.when, None))
    return rows


def _headcount_rows(f: ReturnFigures) -> list[SummaryRow]:
    hc = f.headcount
    return [
        ("Headcount", "Serving officers at month end", hc.total, None),
        *[("Headcount by rank", f.rank_names.get(code, code), n, None) for code, n in hc.by_rank.items()],
        *[("Headcount by status", STATUS_LABELS.get(st, st), n, None) for st, n in hc.by_status.items()],
        *[("Headcount by team", team, n, None) for team, n in hc.by_team.items()],
    ]


def _movement_rows(f: ReturnFigures) -> list[SummaryRow]:
    return [
        ("Joiners and leavers", "Joined in the month", f.joiners_count, None),
        ("Joiners and leavers", "Left in the month", f.leavers_count, None),
        *[("Leavers by reason", reason.capitalize(), n, None) for reason, n in f.leavers_by_reason.items()],
    ]


def _hours_rows(f: ReturnFigures) -> list[SummaryRow]:
    hours = f.hours
    return [
        ("Hours", "Hours in the month", hours.total, None),
        ("Hours", "Financial year to date", hours.year_to_date, None),
        *[("Hours by team", team, h, None) for team, h in hours.by_team.items()],
        *[("Hours by duty type", kind.capitalize(), h, None) for kind, h in hours.by_duty_type.items()],
        *[("Hours by unit", unit, h, None) for unit, h in hours.by_unit.items()],
    ]


def _compliance_rows(f: ReturnFigures) -> list[SummaryRow]:
    comp, ip = f.compliance, f.independent_patrol
    return [
        ("Minimum hours", "Applies to", comp.applies, None),
        ("Minimum hours", "Met", comp.met, None),
        ("Minimum hours", "Below", comp.below, None),
        ("Minimum hours", "Zero", comp.zero, None),
        ("Minimum hours", "Met (share)", _pct(comp.met, comp.applies), "0%"),
        ("Minimum hours", "No hours for three months", f.inactive_3_months_count, None),
        ("Independent patrol", "At month end", ip.total, None),
        ("Independent patrol", "New in the month", ip.new, None),
    ]


def _attachment_rows(f: ReturnFigures) -> list[SummaryRow]:
    att = f.attachments
    return [
        ("Attachments", "Active at month end", att.active_total, None),
        ("Attachments", "Started in the month", len(att.started), None),
        ("Attachments", "Ended in the month", len(att.ended), None),
        *[("Attachments active by unit", unit, n, None) for unit, n in att.active_by_unit.items()],
    ]


def _qualification_rows(f: ReturnFigures) -> list[SummaryRow]:
    q = f.qualifications
    if q is None:  # stored by a version that did not report them
        return []
    return [
        ("Qualifications", "Expired at month end", len(q.expired), None),
        ("Qualifications", f"Expiring within {q.warning_days} days", len(q.expiring_60_days), None),
    ]


def detail_rows(f: ReturnFigures) -> list[tuple[str, str, str, dt.date | None, str]]:
    """(what, collar, name, date, detail) for the Details sheet."""
    att, q = f.attachments, f.qualifications
    expired, expiring = (q.expired, q.expiring_60_days) if q else ([], [])
    return [
        *[("Joined", j.collar, j.name, j.date, j.team or "") for j in f.joiners],
        *[("Left", lv.collar, lv.name, lv.date, lv.reason or "") for lv in f.leavers],
        *[("Independent patrol", x.collar, x.name, x.date, "") for x in f.independent_patrol.new_officers],
        *[("Attachment started", x.collar, x.name, x.date, x.unit) for x in att.started],
        *[("Attachment ended", x.collar, x.name, x.date, x.unit) for x in att.ended],
        *[("Qualification expired", x.collar, x.name, x.expires, x.qualification) for x in expired],
        *[("Qualification expiring", x.collar, x.name, x.expires, x.qualification) for x in expiring],
        *[("No hours for three months", x.collar, x.name, None, x.team or "") for x in f.inactive_3_months],
    ]


def _table(
    book: Book, title: str, headers: list[str], rows: list[list[Any]], formats: dict[int, str] | None = None
) -> Sheet:
    """One sheet of the return: the styled header, the rows, widths that fit, header frozen, filters."""
    sheet = book.sheet(title, fit=True)
    sheet.header(headers, HEADER)
    sheet.rows(rows, formats=formats)
    sheet.fit_widths(len(headers))
    sheet.freeze("A2")
    sheet.filters(len(headers), len(rows))
    sheet.zoom(100)
    return sheet


def _summary_sheet(book: Book, srows: list[SummaryRow]) -> None:
    """Summary: the value column holds numbers, dates and (force name, notes) user text, each value
    in its own format, left-aligned."""
    sheet = _table(
        book, "Summary", ["Section", "Figure", "Value"], [[sec, fig, val] for sec, fig, val, _ in srows]
    )
    for r, (_, _, value, fmt) in enumerate(srows, start=2):
        if fmt and value is not None:
            sheet.set_format(r, 3, fmt)
        sheet.align(r, 3, horizontal="left")
    sheet.widths({3: min(max(sheet.width(3), SUMMARY_NARROWEST), SUMMARY_WIDEST)})


def _officers_sheet(book: Book, f: ReturnFigures) -> None:
    """Officers: one a row, the last column coloured red, amber, green or grey."""
    sheet = _table(
        book,
        "Officers",
        [
            "Collar number",
            "Name",
            "Rank",
            "Team",
            "Status",
            "Hours",
            "Year-to-date hours",
            "Minimum applies",
            "Against minimum",
        ],
        [
            [
                o.collar,
                o.name,
                o.rank,
                o.team,
                STATUS_LABELS.get(o.status, o.status),
                float(o.hours),
                float(o.ytd_hours),
                "Yes" if o.applies else "No",
                RAG_WORDS.get(o.rag, o.rag),
            ]
            for o in f.officers
        ],
    )
    for r, o in enumerate(f.officers, start=2):
        colour = RAG_FILLS.get(o.rag)
        if colour is not None:
            sheet.shade(r, 9, colour)


def export_return(figures: ReturnFigures, settings: dict[str, Any], path: str | Path) -> Path:
    """Write the workbook to ``path`` (written beside it first, then moved into place), a sheet at a time."""
    f = figures
    book = Book(title=f"Monthly return {month_label(f.month)}", creator="CiP Desk")
    _summary_sheet(book, summary_rows(f, settings))
    _officers_sheet(book, f)
    _table(
        book,
        "Teams",
        ["Team", "Officers", "Hours", "Minimum applies", "Met", "Below", "Zero", "Met (share)"],
        [
            [t.team, t.headcount, float(t.hours), t.applies, t.met, t.below, t.zero, _pct(t.met, t.applies)]
            for t in f.teams
        ],
        formats={8: "0%"},
    )
    _table(
        book,
        "Units",
        ["Unit", "Active at month end", "Started in the month", "Ended in the month", "Hours"],
        [[u.unit, u.active, u.started, u.ended, float(u.hours)] for u in f.units],
    )
    _table(
        book,
        "Details",
        ["What", "Collar number", "Name", "Date", "Detail"],
        [list(row) for row in detail_rows(f)],
        formats={4: DATE_FORMAT},
    )
    return book.save(path)
