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
from desktop.core.returns import month_label
from desktop.excel.writer import Book, Sheet, banner

RAG_WORDS = {"green": "Met", "amber": "Below", "red": "Zero", "grey": "n/a"}
RAG_FILLS = {"green": "C8E6C9", "amber": "FFE9A8", "red": "F8C7C7", "grey": "EEEEEE"}
HEADER_FILL = "1F3B5C"
DATE_FORMAT = "dd/mm/yyyy"
HEADER = banner(HEADER_FILL, vertical="center")
# The Summary's value column is at least this wide, and at most SUMMARY_WIDEST.
SUMMARY_NARROWEST = 16
SUMMARY_WIDEST = 80


def _date(iso: str | None) -> dt.date | None:
    return dt.date.fromisoformat(iso) if iso else None


def _pct(n: int, total: int) -> float | None:
    return n / total if total else None


def summary_rows(f: dict[str, Any], settings: dict[str, Any]) -> list[tuple[str, str, Any, str | None]]:
    """(section, figure, value, number format) for the Summary sheet."""
    hc, hours, comp = f["headcount"], f["hours"], f["compliance"]
    names = f.get("rank_names", {})
    first = _date(f.get("first_day")) or dt.date.fromisoformat(f["month"] + "-01")
    rows: list[tuple[str, str, Any, str | None]] = [
        ("Return", "Force", settings.get("force_name") or "", None),
        ("Return", "Month", first, "mmmm yyyy"),
        ("Return", "Figures as at", _date(f.get("as_at")), DATE_FORMAT),
        ("Return", "Financial year from", _date(f.get("year_start")), DATE_FORMAT),
        ("Return", "Minimum hours a month", f["minimum_hours"], None),
    ]
    signed = f.get("signed_off")
    if signed:
        rows.append(("Return", "Signed off by", signed.get("by"), None))
        rows.append(("Return", "Signed off on", signed.get("at"), None))
    rows.append(("Headcount", "Serving officers at month end", hc["total"], None))
    rows += [("Headcount by rank", names.get(code, code), n, None) for code, n in hc["by_rank"].items()]
    rows += [("Headcount by status", STATUS_LABELS.get(st, st), n, None) for st, n in hc["by_status"].items()]
    rows += [("Headcount by team", team, n, None) for team, n in hc["by_team"].items()]
    rows.append(("Joiners and leavers", "Joined in the month", len(f["joiners"]), None))
    rows.append(("Joiners and leavers", "Left in the month", len(f["leavers"]), None))
    rows += [
        ("Leavers by reason", reason.capitalize(), n, None)
        for reason, n in f.get("leavers_by_reason", {}).items()
    ]
    rows.append(("Hours", "Hours in the month", hours["total"], None))
    rows.append(("Hours", "Financial year to date", hours["year_to_date"], None))
    rows += [("Hours by team", team, h, None) for team, h in hours["by_team"].items()]
    rows += [("Hours by duty type", kind.capitalize(), h, None) for kind, h in hours["by_duty_type"].items()]
    rows += [("Hours by unit", unit, h, None) for unit, h in hours["by_unit"].items()]
    applies = int(comp["applies"])
    rows += [
        ("Minimum hours", "Applies to", applies, None),
        ("Minimum hours", "Met", comp["met"], None),
        ("Minimum hours", "Below", comp["below"], None),
        ("Minimum hours", "Zero", comp["zero"], None),
        ("Minimum hours", "Met (share)", _pct(comp["met"], applies), "0%"),
        ("Minimum hours", "No hours for three months", len(f["inactive_3_months"]), None),
        ("Independent patrol", "At month end", f["independent_patrol"]["total"], None),
        ("Independent patrol", "New in the month", f["independent_patrol"]["new"], None),
    ]
    att = f["attachments"]
    rows.append(("Attachments", "Active at month end", sum(att["active_by_unit"].values()), None))
    rows.append(("Attachments", "Started in the month", len(att["started"]), None))
    rows.append(("Attachments", "Ended in the month", len(att["ended"]), None))
    rows += [("Attachments active by unit", unit, n, None) for unit, n in att["active_by_unit"].items()]
    q = f.get("qualifications")
    if q is not None:
        rows.append(("Qualifications", "Expired at month end", len(q["expired"]), None))
        rows.append(
            (
                "Qualifications",
                f"Expiring within {q.get('warning_days', 60)} days",
                len(q["expiring_60_days"]),
                None,
            )
        )
    rows += [("Note", "", note, None) for note in f.get("notes", [])]
    return rows


def detail_rows(f: dict[str, Any]) -> list[tuple[str, str, str, dt.date | None, str]]:
    """(what, collar, name, date, detail) for the Details sheet."""
    out: list[tuple[str, str, str, dt.date | None, str]] = []
    for j in f["joiners"]:
        out.append(("Joined", j["collar"], j["name"], _date(j["date"]), j.get("team") or ""))
    for lv in f["leavers"]:
        out.append(("Left", lv["collar"], lv["name"], _date(lv["date"]), lv.get("reason") or ""))
    for x in f["independent_patrol"].get("new_officers", []):
        out.append(("Independent patrol", x["collar"], x["name"], _date(x["date"]), ""))
    for x in f["attachments"]["started"]:
        out.append(("Attachment started", x["collar"], x["name"], _date(x["date"]), x["unit"]))
    for x in f["attachments"]["ended"]:
        out.append(("Attachment ended", x["collar"], x["name"], _date(x["date"]), x["unit"]))
    q = f.get("qualifications") or {}
    for x in q.get("expired", []):
        out.append(("Qualification expired", x["collar"], x["name"], _date(x["expires"]), x["qualification"]))
    for x in q.get("expiring_60_days", []):
        out.append(
            ("Qualification expiring", x["collar"], x["name"], _date(x["expires"]), x["qualification"])
        )
    for x in f["inactive_3_months"]:
        out.append(("No hours for three months", x["collar"], x["name"], None, x.get("team") or ""))
    return out


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


def _summary_sheet(book: Book, srows: list[tuple[str, str, Any, str | None]]) -> None:
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


def _officers_sheet(book: Book, officers: list[dict[str, Any]]) -> None:
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
                o["collar"],
                o["name"],
                o["rank"],
                o["team"],
                STATUS_LABELS.get(o.get("status", ""), o.get("status", "")),
                float(o["hours"]),
                float(o["ytd_hours"]),
                "Yes" if o.get("applies", o["rag"] != "grey") else "No",
                RAG_WORDS.get(o["rag"], o["rag"]),
            ]
            for o in officers
        ],
    )
    for r, o in enumerate(officers, start=2):
        colour = RAG_FILLS.get(o["rag"])
        if colour is not None:
            sheet.shade(r, 9, colour)


def export_return(figures: dict[str, Any], settings: dict[str, Any], path: str | Path) -> Path:
    """Write the workbook to ``path`` (written beside it first, then moved into place)."""
    f = figures
    book = Book(title=f"Monthly return {month_label(f['month'])}", creator="CiP Desk")
    _summary_sheet(book, summary_rows(f, settings))
    _officers_sheet(book, f["officers"])
    _table(
        book,
        "Teams",
        ["Team", "Officers", "Hours", "Minimum applies", "Met", "Below", "Zero", "Met (share)"],
        [
            [
                t["team"],
                t["headcount"],
                float(t["hours"]),
                t["applies"],
                t["met"],
                t["below"],
                t["zero"],
                _pct(t["met"], t["applies"]),
            ]
            for t in f.get("teams", [])
        ],
        formats={8: "0%"},
    )
    units = f.get("units") or [
        {"unit": u, "active": n, "started": 0, "ended": 0, "hours": f["hours"]["by_unit"].get(u, 0.0)}
        for u, n in f["attachments"]["active_by_unit"].items()
    ]
    _table(
        book,
        "Units",
        ["Unit", "Active at month end", "Started in the month", "Ended in the month", "Hours"],
        [[u["unit"], u["active"], u["started"], u["ended"], float(u["hours"])] for u in units],
    )
    _table(
        book,
        "Details",
        ["What", "Collar number", "Name", "Date", "Detail"],
        [list(row) for row in detail_rows(f)],
        formats={4: DATE_FORMAT},
    )
    return book.save(path)
