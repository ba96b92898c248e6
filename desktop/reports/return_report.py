"""The monthly return as a printed document: HTML laid out by QTextDocument, painted page by page on
A4 with the force name and month at the top of every page and "Page n of N" at the bottom.

- ``write_pdf(figures, settings, path)``: a PDF file (QPdfWriter, 300 dpi, fonts embedded).
- ``preview(parent, figures, settings)``: Qt's print preview, from which the user prints.
- ``build_html(figures, settings)``: the HTML (also used by tests and the tab).

``figures`` are a month's ``ReturnFigures`` (``desktop.core.returns``): today's, or the stored figures
of a signed-off month with ``signed_off`` set; ``settings`` is ``settings.get_all(db)``.
Styles: ``resources/report.css``. The per-officer table repeats its header row on every page.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
from html import escape
from pathlib import Path
from typing import Any

from PySide6.QtCore import QMarginsF, QPointF, QRectF, QSizeF, Qt, QUrl
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QColor,
    QFont,
    QFontMetricsF,
    QGuiApplication,
    QPagedPaintDevice,
    QPageLayout,
    QPageSize,
    QPaintDevice,
    QPainter,
    QPdfWriter,
    QPen,
    QTextDocument,
    QTextTable,
)

from desktop.core.domain import STATUS_LABELS
from desktop.core.formats import hours_text, long_date
from desktop.core.paths import resources_dir
from desktop.core.private_files import private_output
from desktop.core.returns import OfficerRow, ReturnFigures, month_label, shift_month
from desktop.reports import charts

_app: Any = None
TEAM_CHART_WIDTH = 680  # CSS pixels (1/96 inch)
COMPLIANCE_CHART = (320, 96)


def _team_chart_height(bars: int) -> int:
    return 22 * bars + 6


RAG_WORDS = {"green": "Met", "amber": "Below", "red": "Zero", "grey": "n/a"}


def ensure_gui_app() -> None:
    """Text layout needs a Qt GUI application; make one (offscreen when there is no display).

    It is a QApplication (widgets), not a bare QGuiApplication, so that a window or a test opened
    later in the same process can still make widgets."""
    global _app
    if QGuiApplication.instance() is not None:
        return
    if (
        sys.platform.startswith("linux")
        and not os.environ.get("DISPLAY")
        and not os.environ.get("WAYLAND_DISPLAY")
    ):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    _app = QApplication(sys.argv[:1])


def _css() -> str:
    try:
        return (resources_dir() / "report.css").read_text(encoding="utf-8")
    except OSError:
        return ""


# ---------------------------------------------------------------------------------------------
# HTML
# ---------------------------------------------------------------------------------------------


def _e(value: Any) -> str:
    return escape("" if value is None else str(value))


def _h(value: Any) -> str:
    return hours_text(float(value or 0))


def _n(value: Any) -> str:
    """A count with thousands separators."""
    return f"{int(value):,}"


def _pct(n: int, total: int) -> str:
    return f"{round(100 * n / total)}%" if total else "–"


def _table(
    headers: list[str],
    rows: list[list[str]],
    *,
    num: set[int] | None = None,
    width: str = "100%",
    total: list[str] | None = None,
    empty: str = "None.",
) -> str:
    """A table; cells in ``rows`` are already-escaped HTML. Columns in ``num`` align right."""
    if not rows:
        return f'<p class="muted">{_e(empty)}</p>'
    num = num or set()
    out = [f'<table width="{width}" cellspacing="0" cellpadding="3" border="1"><thead><tr>']
    for i, h in enumerate(headers):
        out.append(f"<th{' class=num' if i in num else ''}>{_e(h)}</th>")
    out.append("</tr></thead><tbody>")
    for r, row in enumerate(rows):
        out.append('<tr class="alt">' if r % 2 else "<tr>")
        for i, cell in enumerate(row):
            out.append(f"<td{' class=num' if i in num else ''}>{cell}</td>")
        out.append("</tr>")
    if total:
        out.append('<tr class="total">')
        for i, cell in enumerate(total):
            out.append(f"<td{' class=num' if i in num else ''}><b>{cell}</b></td>")
        out.append("</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _side_by_side(*blocks: str) -> str:
    cells = "".join(f'<td valign="top" width="{100 // len(blocks)}%">{b}</td>' for b in blocks)
    # class "layout": report.css gives tables a border; a layout table must not draw one
    return f'<table class="layout" width="100%" cellspacing="0" cellpadding="0" border="0"><tr>{cells}</tr></table>'


def build_html(
    figures: ReturnFigures,
    settings: dict[str, Any],
    *,
    charts_inline: bool = True,
    officers_table: bool = True,
    cards: bool = True,
    list_limit: int | None = None,
) -> str:
    """The return as HTML, a section at a time. The printout paints the per-officer table itself
    (``officers_table=False``): Qt's text layout of a 2,000-row table takes seconds, painting it row
    by row a fraction of that."""
    f = figures
    parts = [
        _title(f, settings),
        _key_figures(f) if cards else "",
        "".join(f'<p class="note">Note: {_e(note)}</p>' for note in f.notes),
        _minimum_hours(f, charts_inline),
        _headcount(f),
        _hours(f, charts_inline),
        _joiners_and_leavers(f),
        _inactive(f),
        _independent_patrol(f),
        _attachments(f),
        _qualifications(f, list_limit),
        _officers(f) if officers_table else _no_officers(f),
    ]
    return "<html><body>" + "".join(parts).replace("<h2>", _GAP + "<h2>") + "</body></html>"


def _title(f: ReturnFigures, settings: dict[str, Any]) -> str:
    force = settings.get("force_name") or "Special Constabulary"
    out = [
        f"<h1>Special Constabulary monthly return: {_e(month_label(f.month))}</h1>",
        f'<p class="sub">{_e(force)} · figures as at {long_date(f.as_at)} · '
        f"financial year from {long_date(f.year_start)} · minimum {_h(f.minimum_hours)} hours a month</p>",
    ]
    signed = f.signed_off
    if signed:
        note = f" Note: {_e(signed.note)}" if signed.note else ""
        out.append(
            f'<p class="locked">Signed off by {_e(signed.by)} on {_e(signed.when)}; '
            f"these are the figures as signed off.{note}</p>"
        )
    return "".join(out)


def _key_figures(f: ReturnFigures) -> str:
    comp, ip = f.compliance, f.independent_patrol
    card_list = [
        (_n(f.headcount.total), "serving officers"),
        (_h(f.hours.total), "hours this month"),
        (_h(f.hours.year_to_date), "hours this financial year"),
        (_pct(comp.met, comp.applies), f"met the minimum ({comp.met:,} of {comp.applies:,})"),
        (_n(f.joiners_count), "joined"),
        (_n(f.leavers_count), "left"),
        (_n(f.inactive_3_months_count), "no hours for 3 months"),
        (_n(ip.total), f"on independent patrol ({ip.new} new)"),
    ]
    out = ['<table width="100%" cellspacing="0" cellpadding="5" border="1">']
    for row in range(0, len(card_list), 4):
        out.append("<tr>")
        for big, label in card_list[row : row + 4]:
            out.append(
                f'<td width="25%"><span style="font-size:14pt; font-weight:bold; color:#1f3b5c">'
                f"{_e(big)}</span><br/>{_e(label)}</td>"
            )
        out.append("</tr>")
    out.append("</table>")
    return "".join(out)


def _minimum_hours(f: ReturnFigures, charts_inline: bool) -> str:
    comp = f.compliance
    applies = comp.applies
    out = [
        "<h2>Minimum hours</h2>",
        f"<p>The minimum of {_h(f.minimum_hours)} hours applies to {applies:,} officers (attested, serving, "
        "not on leave of absence or suspended at month end).</p>",
    ]
    rag_rows = [
        ('<td class="green">Met</td>', comp.met, "hours at or above the minimum"),
        ('<td class="amber">Below</td>', comp.below, "some hours, below the minimum"),
        ('<td class="red">Zero</td>', comp.zero, "no hours in the month"),
    ]
    table = [
        '<table width="100%" cellspacing="0" cellpadding="3" border="1"><thead><tr><th></th>'
        '<th class="num">Officers</th><th class="num">Share</th><th>Meaning</th></tr></thead>'
    ]
    for cell, n, meaning in rag_rows:
        table.append(
            f'<tr>{cell}<td class="num">{n:,}</td><td class="num">{_pct(n, applies)}</td>'
            f"<td>{meaning}</td></tr>"
        )
    table.append("</table>")
    w, h = COMPLIANCE_CHART
    chart = f'<img src="chart://compliance" width="{w}" height="{h}"/>' if charts_inline and applies else ""
    out.append(_side_by_side("".join(table), chart) if chart else "".join(table))
    return "".join(out)


def _headcount(f: ReturnFigures) -> str:
    hc, comp = f.headcount, f.compliance
    rank_rows = [[_e(f.rank_names.get(code, code)), _e(code), _n(n)] for code, n in hc.by_rank.items()]
    status_rows = [[_e(STATUS_LABELS.get(st, st)), _n(n)] for st, n in hc.by_status.items()]
    team_rows = [
        [_e(t.team), _n(t.headcount), _h(t.hours), _n(t.applies), _n(t.met), _n(t.below), _n(t.zero)]
        for t in f.teams
    ]
    return "".join(
        [
            "<h2>Headcount at month end</h2>",
            _side_by_side(
                "<h3>By rank</h3>"
                + _table(
                    ["Rank", "", "Officers"],
                    rank_rows,
                    num={2},
                    width="96%",
                    total=["Total", "", _n(hc.total)],
                ),
                "<h3>By status</h3>"
                + _table(
                    ["Status", "Officers"], status_rows, num={1}, width="96%", total=["Total", _n(hc.total)]
                ),
            ),
            "<h3>By team</h3>",
            _table(
                ["Team", "Officers", "Hours", "Minimum applies", "Met", "Below", "Zero"],
                team_rows,
                num={1, 2, 3, 4, 5, 6},
                total=[
                    "Total",
                    _n(hc.total),
                    _h(f.hours.total),
                    _n(comp.applies),
                    _n(comp.met),
                    _n(comp.below),
                    _n(comp.zero),
                ],
                empty="No teams.",
            ),
        ]
    )


def _hours(f: ReturnFigures, charts_inline: bool) -> str:
    hours = f.hours
    out = ["<h2>Hours in the month</h2>"]
    if charts_inline and hours.by_team:
        n_bars = len(charts.team_bars(f.team_hours()))
        out.append(
            f'<p><img src="chart://teams" width="{TEAM_CHART_WIDTH}" height="{_team_chart_height(n_bars)}"/></p>'
        )
    type_rows = [[_e(k.capitalize()), _h(v)] for k, v in hours.by_duty_type.items()]
    unit_rows = [[_e(k), _h(v)] for k, v in hours.by_unit.items()]
    out.append(
        _side_by_side(
            "<h3>By duty type</h3>"
            + _table(
                ["Duty type", "Hours"], type_rows, num={1}, width="96%", total=["Total", _h(hours.total)]
            ),
            "<h3>On specialist units</h3>"
            + _table(
                ["Unit", "Hours"],
                unit_rows,
                num={1},
                width="96%",
                empty="No hours recorded on a unit this month.",
            ),
        )
    )
    return "".join(out)


def _joiners_and_leavers(f: ReturnFigures) -> str:
    label = _e(month_label(f.month))
    joiners = [[_e(j.collar), _e(j.name), long_date(j.date), _e(j.rank), _e(j.team or "")] for j in f.joiners]
    leavers = [
        [_e(x.collar), _e(x.name), long_date(x.date), _e(x.reason), _e(x.team or "")] for x in f.leavers
    ]
    out = [
        "<h2>Joiners and leavers</h2>",
        f"<h3>Joined in {label} ({len(joiners)})</h3>",
        _table(["Collar", "Name", "Joined", "Rank", "Team"], joiners, empty="Nobody joined."),
        f"<h3>Left in {label} ({len(leavers)})</h3>",
        _table(["Collar", "Name", "Left", "Reason", "Team"], leavers, empty="Nobody left."),
    ]
    by_reason = {k: v for k, v in f.leavers_by_reason.items() if v}
    if by_reason:
        out.append("<p>By reason: " + _e(", ".join(f"{k} {v}" for k, v in by_reason.items())) + ".</p>")
    return "".join(out)


def _inactive(f: ReturnFigures) -> str:
    inactive = [[_e(x.collar), _e(x.name), _e(x.rank), _e(x.team or "")] for x in f.inactive_3_months]
    first3 = month_label(shift_month(f.month, -2))
    return "".join(
        [
            f"<h2>No hours for three months ({len(inactive)})</h2>",
            f'<p class="muted">Officers the minimum applies to with no hours from {_e(first3)} to '
            f"{_e(month_label(f.month))}.</p>",
            _table(["Collar", "Name", "Rank", "Team"], inactive, empty="Nobody."),
        ]
    )


def _independent_patrol(f: ReturnFigures) -> str:
    ip = f.independent_patrol
    out = [
        "<h2>Independent patrol</h2>",
        f"<p>{ip.total} serving officers have independent patrol status; {ip.new} gained it "
        f"in {_e(month_label(f.month))}.</p>",
    ]
    rows = [[_e(x.collar), _e(x.name), long_date(x.date)] for x in ip.new_officers]
    if rows:
        out.append(_table(["Collar", "Name", "Independent patrol from"], rows))
    return "".join(out)


def _attachments(f: ReturnFigures) -> str:
    att, label = f.attachments, _e(month_label(f.month))
    unit_rows = [[_e(u.unit), _n(u.active), _n(u.started), _n(u.ended), _h(u.hours)] for u in f.units]
    started = [[_e(x.collar), _e(x.name), _e(x.unit), long_date(x.date)] for x in att.started]
    ended = [[_e(x.collar), _e(x.name), _e(x.unit), long_date(x.date)] for x in att.ended]
    return "".join(
        [
            "<h2>Specialist attachments</h2>",
            _table(
                ["Unit", "Active at month end", "Started", "Ended", "Hours"],
                unit_rows,
                num={1, 2, 3, 4},
                total=[
                    "Total",
                    _n(att.active_total),
                    _n(len(att.started)),
                    _n(len(att.ended)),
                    _h(sum(f.hours.by_unit.values())),
                ],
                empty="No units.",
            ),
            f"<h3>Started in {label} ({len(started)})</h3>",
            _table(["Collar", "Name", "Unit", "Started"], started, empty="None started."),
            f"<h3>Ended in {label} ({len(ended)})</h3>",
            _table(["Collar", "Name", "Unit", "Ended"], ended, empty="None ended."),
        ]
    )


def _qualifications(f: ReturnFigures, list_limit: int | None) -> str:
    """Expired and expiring qualifications by type, then each one unless there are more than
    ``list_limit`` (those go to the tab and the Excel export)."""
    q = f.qualifications
    if q is None:  # stored by a version that did not report them
        return ""
    days = q.warning_days
    exp = [[_e(x.collar), _e(x.name), _e(x.qualification), long_date(x.expires)] for x in q.expired]
    soon = [[_e(x.collar), _e(x.name), _e(x.qualification), long_date(x.expires)] for x in q.expiring_60_days]
    by_type: dict[str, list[int]] = {}
    for x in q.expired:
        by_type.setdefault(x.qualification, [0, 0])[0] += 1
    for x in q.expiring_60_days:
        by_type.setdefault(x.qualification, [0, 0])[1] += 1
    out = [
        "<h2>Qualifications</h2>",
        f"<p>{len(exp)} qualifications of serving officers had expired at month end and {len(soon)} "
        f"expire within {days} days of it.</p>",
    ]
    if by_type:
        out.append(
            _table(
                ["Qualification", "Expired", f"Expiring within {days} days"],
                [[_e(name), _n(a), _n(b)] for name, (a, b) in sorted(by_type.items())],
                num={1, 2},
                total=["Total", _n(len(exp)), _n(len(soon))],
            )
        )
    if list_limit is None or len(exp) + len(soon) <= list_limit:
        out.append(f"<h3>Expired at month end ({len(exp)})</h3>")
        out.append(_table(["Collar", "Name", "Qualification", "Expired"], exp, empty="None expired."))
        out.append(f"<h3>Expiring within {days} days ({len(soon)})</h3>")
        out.append(_table(["Collar", "Name", "Qualification", "Expires"], soon, empty="None expiring."))
    else:
        out.append(
            '<p class="muted">The officers concerned are listed on the Returns tab and in the Excel '
            "export of this return (Details sheet).</p>"
        )
    return "".join(out)


def _officers(f: ReturnFigures) -> str:
    """The per-officer table as HTML (the screen; the printout paints it, see _OfficerPages)."""
    officers = f.officers
    note = OFFICERS_NOTE.format(month=month_label(f.month), minimum=_h(f.minimum_hours))
    out = [
        f'<h2 class="pagebreak" style="page-break-before: always">Officers ({len(officers):,})</h2>',
        f'<p class="muted">{_e(note)}</p>',
    ]
    if not officers:
        out.append(f'<p class="muted">{NOBODY}</p>')
        return "".join(out)
    rows = [
        '<table width="100%" cellspacing="0" cellpadding="2" border="1"><thead><tr>'
        "<th>Collar</th><th>Name</th><th>Rank</th><th>Team</th><th>Status</th>"
        '<th class="num">Hours</th><th class="num">Year to date</th><th>Minimum</th></tr></thead><tbody>'
    ]
    for i, o in enumerate(officers):
        status = STATUS_LABELS.get(o.status, o.status)
        rag = o.rag
        rows.append(
            f"<tr{' class=alt' if i % 2 else ''}><td>{_e(o.collar)}</td><td>{_e(o.name)}</td><td>{_e(o.rank)}</td>"
            f"<td>{_e(o.team or '')}</td><td>{_e(status)}</td><td class=num>{_h(o.hours)}</td>"
            f"<td class=num>{_h(o.ytd_hours)}</td><td class={rag}>{RAG_WORDS.get(rag, rag)}</td></tr>"
        )
    rows.append("</tbody></table>")
    out.append("".join(rows))
    return "".join(out)


def _no_officers(f: ReturnFigures) -> str:
    """Where the per-officer table is left out: a word only when there is nobody to list."""
    if f.officers:
        return ""
    return _GAP + f'<h2>Officers (0)</h2><p class="muted">{NOBODY}</p>'


_GAP = '<p style="font-size:3pt; margin:0">&nbsp;</p>'
QUALIFICATION_LIST_LIMIT = 60  # longer lists go to the tab and the Excel export, not the printout
NOBODY = "Nobody was serving at the end of the month, and nobody recorded hours in it."
OFFICERS_NOTE = "Serving at month end, and anyone with hours in {month}. Met / Below / Zero against the minimum of {minimum} hours; n/a where it does not apply."


# ---------------------------------------------------------------------------------------------
# Document and painting
# ---------------------------------------------------------------------------------------------


def build_document(figures: ReturnFigures, settings: dict[str, Any]) -> QTextDocument:
    ensure_gui_app()
    doc = QTextDocument()
    doc.setDefaultStyleSheet(_css())
    font = QFont("DejaVu Sans")
    font.setPointSizeF(9)
    doc.setDefaultFont(font)
    doc.setDocumentMargin(0)
    if figures.hours.by_team:
        bars = charts.team_bars(figures.team_hours())
        h = _team_chart_height(len(bars))
        doc.addResource(
            QTextDocument.ResourceType.ImageResource,
            QUrl("chart://teams"),
            charts.render_image("bars", bars, TEAM_CHART_WIDTH, h),
        )
    if figures.compliance.applies:
        doc.addResource(
            QTextDocument.ResourceType.ImageResource,
            QUrl("chart://compliance"),
            charts.render_image("compliance", figures.compliance.to_json(), *COMPLIANCE_CHART),
        )
    doc.setHtml(build_html(figures, settings, officers_table=False, list_limit=QUALIFICATION_LIST_LIMIT))
    _repeat_table_headers(doc)
    return doc


def _repeat_table_headers(doc: QTextDocument) -> None:
    """Every table with a <thead> repeats it at the top of each page it continues onto."""
    stack = [doc.rootFrame()]
    while stack:
        frame = stack.pop()
        for child in frame.childFrames():
            stack.append(child)
            if isinstance(child, QTextTable):
                fmt = child.format()
                if fmt.headerRowCount() == 0 and child.rows() > 2:
                    first = child.cellAt(0, 0).format().toCharFormat()
                    if first.fontWeight() >= QFont.Weight.Bold:
                        fmt.setHeaderRowCount(1)
                        child.setFormat(fmt)


# The per-officer table's columns: (title, right-aligned, wraps, largest share of the body width).
# A column that does not wrap is as wide as its widest value (the rank code, collar number, status),
# up to its share; Name and Team share what is left and wrap onto more lines when a value is longer.
OFFICER_COLUMNS = (
    ("Collar", False, False, 0.14),
    ("Name", False, True, 1.0),
    ("Rank", False, False, 0.12),
    ("Team", False, True, 0.30),
    ("Status", False, False, 0.18),
    ("Hours", True, False, 0.10),
    ("Year to date", True, False, 0.13),
    ("Minimum", False, False, 0.12),
)
NAME_COLUMN, TEAM_COLUMN, RAG_COLUMN = 1, 3, 7
MAX_LINES = 3  # a wrapped name or team takes at most three lines; anything longer ends in "…"
NAVY = QColor("#1f3b5c")
GRID = QColor("#b8c4d0")
ALT = QColor("#f3f6f9")
RAG_FILL = {"green": "#c8e6c9", "amber": "#ffe9a8", "red": "#f8c7c7", "grey": "#eeeeee"}
RAG_TEXT = {"green": "#1b5e20", "amber": "#6d4c00", "red": "#8e0000", "grey": "#555555"}


def _font(points: float, bold: bool = False) -> QFont:
    font = QFont()
    font.setFamilies(["DejaVu Sans", "Segoe UI", "Arial", "Helvetica"])
    font.setPointSizeF(points)
    font.setBold(bold)
    return font


def _officer_values(o: OfficerRow) -> tuple[str, ...]:
    return (
        str(o.collar or ""),
        " ".join(str(o.name or "").split()),
        str(o.rank or ""),
        " ".join(str(o.team or "").split()),
        STATUS_LABELS.get(o.status, o.status),
        hours_text(o.hours),
        hours_text(o.ytd_hours),
        RAG_WORDS.get(o.rag, o.rag),
    )


def _words(text: str) -> list[str]:
    """The pieces a cell may wrap between, each with the space after it: words, and a hyphenated
    word split after its hyphen. ``"".join(pieces)`` is the text again."""
    return _WORD.findall(text.strip())


def _join(words: list[str]) -> str:
    return "".join(words).rstrip()


_WORD = re.compile(r"\S+?-(?=\S)|\S+\s*")


class _OfficerPages:
    """The per-officer table painted row by row: rows never split, the header row on every page.

    Column widths come from the values (measured once); a name or team too long for its column
    wraps onto more lines (up to MAX_LINES) and that row is taller, so pages hold rows of different heights."""

    def __init__(self, figures: ReturnFigures, device: QPaintDevice, body: QRectF):
        self.rows = figures.officers
        self.month = figures.month
        self.minimum = figures.minimum_hours
        self.body = body
        self.font = _font(8)
        self.bold = _font(8, True)
        self.title_font = _font(12, True)
        self.fm = QFontMetricsF(self.font, device)
        self.bold_fm = QFontMetricsF(self.bold, device)
        self.pad = self.fm.height() * 0.3
        self.row_h = self.fm.height() * 1.45
        self.line_h = self.fm.lineSpacing()
        self.title_h = QFontMetricsF(self.title_font, device).height() * 1.3 + self.fm.height() * 2.8
        self._advances: dict[str, float] = {}
        self.values = [_officer_values(o) for o in self.rows]
        self.widths = self._column_widths(body.width())
        self.xs = [body.left()]
        for w in self.widths:
            self.xs.append(self.xs[-1] + w)
        self.lines: list[list[list[str]]] = []
        self.heights: list[float] = []
        for values in self.values:
            cells = [self._cell_lines(c, v) for c, v in enumerate(values)]
            self.lines.append(cells)
            self.heights.append(self.row_h + (max(len(x) for x in cells) - 1) * self.line_h)
        self.slices = self._paginate()

    # -- layout ----------------------------------------------------------------------------------

    def _advance(self, text: str) -> float:
        width = self._advances.get(text)
        if width is None:
            width = self._advances[text] = self.fm.horizontalAdvance(text)
        return width

    def _column_widths(self, total: float) -> list[float]:
        natural = []
        for c, (title, _right, _wraps, _share) in enumerate(OFFICER_COLUMNS):
            widest = max((self._advance(v[c]) for v in self.values), default=0.0)
            natural.append(max(widest, self.bold_fm.horizontalAdvance(title)) + 2 * self.pad + 1)
        widths = [
            0.0 if wraps else min(natural[c], share * total)
            for c, (*_, wraps, share) in enumerate(OFFICER_COLUMNS)
        ]
        rest = total - sum(widths)
        name, team = natural[NAME_COLUMN], natural[TEAM_COLUMN]
        if name + team <= rest:
            # everything fits on one line: spread the spare room over every column
            widths[NAME_COLUMN], widths[TEAM_COLUMN] = name, team
            scale = total / sum(widths)
            return [w * scale for w in widths]
        # Name and Team wrap: Team keeps its width up to its share, but each is at least as wide as
        # its longest word, so a line breaks between words rather than inside one
        name_word, team_word = (
            max(
                (self._advance(word.rstrip()) for v in self.values for word in _words(v[c])),
                default=0.0,
            )
            + 2 * self.pad
            + 1
            for c in (NAME_COLUMN, TEAM_COLUMN)
        )
        team = max(min(team, OFFICER_COLUMNS[TEAM_COLUMN][3] * total, rest * 0.45), min(team_word, rest / 2))
        if rest - team < name_word:
            team = max(rest - name_word, min(team_word, rest / 2))
        widths[TEAM_COLUMN], widths[NAME_COLUMN] = team, rest - team
        return widths

    def _cell_lines(self, column: int, text: str) -> list[str]:
        width = self.widths[column] - 2 * self.pad
        if self._advance(text) <= width:
            return [text]
        if not OFFICER_COLUMNS[column][2]:
            return [self.fm.elidedText(text, Qt.TextElideMode.ElideRight, width)]
        words = _words(text)
        lines: list[str] = []
        current = ""
        for i, word in enumerate(words):
            trial = current + word
            if not current or self.fm.horizontalAdvance(trial.rstrip()) <= width:
                current = trial
                continue
            lines.append(current.rstrip())
            if len(lines) == MAX_LINES - 1:
                current = _join(words[i:])
                break
            current = word
        lines.append(current.rstrip())
        return [self.fm.elidedText(line, Qt.TextElideMode.ElideRight, width) for line in lines]

    def _paginate(self) -> list[tuple[int, int]]:
        slices: list[tuple[int, int]] = []
        room = self.body.height() - self.title_h - self.row_h  # page 1: title, note, header row
        start, used = 0, 0.0
        for index, h in enumerate(self.heights):
            if used + h > room and index > start:
                slices.append((start, index))
                start, used, room = index, 0.0, self.body.height() - self.row_h
            used += h
        if self.rows:
            slices.append((start, len(self.rows)))
        return slices

    def page_count(self) -> int:
        return len(self.slices)

    # -- painting --------------------------------------------------------------------------------

    def paint(self, painter: QPainter, page: int) -> None:
        body, fm, xs, pad = self.body, self.fm, self.xs, self.pad
        y = body.top()
        if page == 0:
            painter.setFont(self.title_font)
            painter.setPen(NAVY)
            th = QFontMetricsF(self.title_font, painter.device()).height() * 1.3
            painter.drawText(
                QRectF(body.left(), y, body.width(), th),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                f"Officers ({len(self.rows):,})",
            )
            painter.setFont(self.font)
            painter.setPen(QColor("#666666"))
            note = OFFICERS_NOTE.format(month=month_label(self.month), minimum=hours_text(self.minimum))
            painter.drawText(
                QRectF(body.left(), y + th, body.width(), fm.height() * 2.6),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap,
                note,
            )
            y += self.title_h
        left = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        # header row
        painter.fillRect(QRectF(body.left(), y, body.width(), self.row_h), NAVY)
        painter.setFont(self.bold)
        painter.setPen(QColor("#ffffff"))
        for i, (title, is_right, _, _) in enumerate(OFFICER_COLUMNS):
            cell = QRectF(xs[i] + pad, y, xs[i + 1] - xs[i] - 2 * pad, self.row_h)
            painter.drawText(cell, right if is_right else left, title)
        top = y
        y += self.row_h
        rules = [y]
        start, end = self.slices[page]
        painter.setFont(self.font)
        for index in range(start, end):
            h = self.heights[index]
            if index % 2:
                painter.fillRect(QRectF(body.left(), y, body.width(), h), ALT)
            rag = self.rows[index].rag
            painter.fillRect(
                QRectF(xs[RAG_COLUMN], y, xs[RAG_COLUMN + 1] - xs[RAG_COLUMN], h),
                QColor(RAG_FILL.get(rag, "#ffffff")),
            )
            for i, lines in enumerate(self.lines[index]):
                if i == RAG_COLUMN:
                    painter.setFont(self.bold if rag != "grey" else self.font)
                    painter.setPen(QColor(RAG_TEXT.get(rag, "#222222")))
                else:
                    painter.setPen(QColor("#222222"))
                align = right if OFFICER_COLUMNS[i][1] else left
                for n, text in enumerate(lines):
                    cell = QRectF(xs[i] + pad, y + n * self.line_h, xs[i + 1] - xs[i] - 2 * pad, self.row_h)
                    painter.drawText(cell, align, text)
                if i == RAG_COLUMN:
                    painter.setFont(self.font)
            y += h
            rules.append(y)
        pen = QPen(GRID)
        pen.setWidthF(max(1.0, painter.device().logicalDpiY() / 25.4 * 0.15))
        painter.setPen(pen)
        for yy in rules:
            painter.drawLine(QPointF(body.left(), yy), QPointF(body.right(), yy))
        for x in xs:
            painter.drawLine(QPointF(x, top), QPointF(x, y))
        painter.drawLine(QPointF(body.left(), top), QPointF(body.right(), top))


class Printout:
    """The return laid out on pages of ``device`` (a PDF writer, a printer, or an image for a
    thumbnail or a test): the summary document, then the per-officer table, and on every page a
    running header (force, month) and footer (printed, page n of N).

    The page body lies between header and footer; nothing of the summary or the table is painted
    outside it (Qt draws the outer border of a table that runs across a page break as far as the
    next page, so the body is clipped)."""

    def __init__(
        self, doc: QTextDocument, device: QPaintDevice, figures: ReturnFigures, settings: dict[str, Any]
    ):
        self.doc, self.figures = doc, figures
        self.width, self.height = float(device.width()), float(device.height())
        self.mm = device.logicalDpiY() / 25.4
        head_h, foot_h = 9 * self.mm, 8 * self.mm
        self.body = QRectF(0, head_h, self.width, self.height - head_h - foot_h)
        self.layout = doc.documentLayout()
        self.layout.setPaintDevice(device)
        doc.setPageSize(QSizeF(self.body.width(), self.body.height()))
        self.doc_pages = doc.pageCount()
        self.table = _OfficerPages(figures, device, self.body)
        self.pages = self.doc_pages + self.table.page_count()
        self.small = _font(8)
        self.small_fm = QFontMetricsF(self.small, device)
        self.force = str(settings.get("force_name") or "")
        self.printed = f"Printed {dt.datetime.now():%d/%m/%Y %H:%M}"

    def paint_page(self, painter: QPainter, page: int) -> None:
        body = self.body
        painter.save()
        painter.setClipRect(body)
        if page < self.doc_pages:
            painter.translate(body.left(), body.top() - page * body.height())
            ctx = QAbstractTextDocumentLayout.PaintContext()
            ctx.clip = QRectF(0, page * body.height(), body.width(), body.height())
            self.layout.draw(painter, ctx)
        else:
            self.table.paint(painter, page - self.doc_pages)
        painter.restore()
        self._paint_header_footer(painter, page)

    def _paint_header_footer(self, painter: QPainter, page: int) -> None:
        width, mm, month = self.width, self.mm, month_label(self.figures.month)
        line = self.small_fm.height() * 1.3
        painter.setFont(self.small)
        painter.setPen(NAVY)
        top = QRectF(0, 0, width, line)
        painter.drawText(top, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, self.force)
        painter.drawText(
            top, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, f"Monthly return · {month}"
        )
        painter.setPen(QPen(GRID, max(1.0, mm * 0.2)))
        painter.drawLine(QPointF(0, top.bottom() + mm), QPointF(width, top.bottom() + mm))
        bottom = QRectF(0, self.height - line, width, line)
        painter.setPen(QColor("#555555"))
        painter.drawText(bottom, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, self.printed)
        painter.drawText(
            bottom, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignVCenter, f"{self.force} · {month}"
        )
        painter.drawText(
            bottom,
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            f"Page {page + 1} of {self.pages}",
        )


def paint(
    doc: QTextDocument, device: QPagedPaintDevice, figures: ReturnFigures, settings: dict[str, Any]
) -> int:
    """Lay ``doc`` out on ``device``'s pages, then the per-officer table, with a running header and
    footer on every page; returns the page count."""
    painter = QPainter()
    if not painter.begin(device):
        raise OSError("Could not start printing (the file or printer could not be opened).")
    try:
        printout = Printout(doc, device, figures, settings)
        for page in range(printout.pages):
            if page:
                device.newPage()
            printout.paint_page(painter, page)
        return printout.pages
    finally:
        painter.end()


def _setup_page(device: QPagedPaintDevice) -> None:
    device.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    device.setPageOrientation(QPageLayout.Orientation.Portrait)
    device.setPageMargins(QMarginsF(14, 12, 14, 12), QPageLayout.Unit.Millimeter)


def write_pdf(figures: ReturnFigures, settings: dict[str, Any], path: str | Path) -> int:
    """Write the return as an A4 PDF at ``path``; returns the number of pages."""
    ensure_gui_app()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with private_output(path) as tmp:
        writer = QPdfWriter(str(tmp))
        writer.setResolution(300)
        _setup_page(writer)
        writer.setTitle(f"{settings.get('force_name') or ''} monthly return {month_label(figures.month)}")
        writer.setCreator("CiP Desk")
        doc = build_document(figures, settings)
        try:
            pages = paint(doc, writer, figures, settings)
        finally:
            del writer  # flushes and closes the file
    return pages


def preview(parent: Any, figures: ReturnFigures, settings: dict[str, Any]) -> None:
    """Qt's print preview of the return (A4); the user prints from it."""
    from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    _setup_page(printer)
    printer.setDocName(f"Monthly return {month_label(figures.month)}")
    doc = build_document(figures, settings)
    dialog = QPrintPreviewDialog(printer, parent)
    dialog.setWindowTitle(f"Print preview: monthly return {month_label(figures.month)}")
    dialog.resize(1000, 800)
    dialog.paintRequested.connect(lambda p: paint(doc, p, figures, settings))
    dialog.exec()
