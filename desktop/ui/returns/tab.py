"""Returns tab: the monthly return for a chosen month, on screen, printed, saved and signed off.

- Month picker (newest first, default last month) with Earlier/Later buttons.
- Summary page: key figures, a chart of hours by team and one of compliance (QPainter widgets,
  desktop/reports/charts.py), and every figure of the return grouped as in the printout.
- Officers page: the per-officer table (own sorting and filtering, red/amber/green).
- Print preview…, Save as PDF…, Export to Excel…, Sign off and lock…
- A signed-off month shows the stored figures, with a banner saying whether today's data differs.
All figures come from ``desktop.core.returns``; the work runs off the UI thread.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QKeySequence, QPainter, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop.core import month_locks, returns, roster, settings
from desktop.core.domain import STATUS_LABELS, month_bounds
from desktop.core.formats import hours_text
from desktop.reports import charts
from desktop.ui import dialogs
from desktop.ui.context import AppContext
from desktop.ui.table_model import RIGHT_ALIGN, Column, ListTableModel
from desktop.ui.tasks import run_task
from desktop.ui.widgets import EmptyState

RAG_WORDS = {"green": "Met", "amber": "Below", "red": "Zero", "grey": "n/a"}
RAG_BACKGROUND = {"green": "#c8e6c9", "amber": "#ffe9a8", "red": "#f8c7c7", "grey": "#eeeeee"}
RAG_ORDER = {"red": 0, "amber": 1, "green": 2, "grey": 3}


# ---------------------------------------------------------------------------------------------
# Charts
# ---------------------------------------------------------------------------------------------


class HoursByTeamChart(QWidget):
    """Horizontal bars of hours by team, longest first."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.items: list[tuple[str, float]] = []
        self.setMinimumHeight(120)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

    def set_data(self, by_team: dict[str, float]) -> None:
        self.items = charts.team_bars(by_team)
        self.updateGeometry()
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(360, max(120, int(self.fontMetrics().height() * 1.9 * max(len(self.items), 1)) + 8))

    def paintEvent(self, _event: Any) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), self.palette().base())
        charts.paint_bars(painter, QRectF(self.rect().adjusted(6, 4, -6, -4)), self.items, font=self.font())
        painter.end()


class ComplianceChart(QWidget):
    """One bar split green/amber/red, with a legend."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.compliance: dict[str, int] = {}
        self.setMinimumHeight(110)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_data(self, compliance: dict[str, int]) -> None:
        self.compliance = dict(compliance)
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(360, int(self.fontMetrics().height() * 7.2))

    def paintEvent(self, _event: Any) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), self.palette().base())
        charts.paint_compliance(
            painter, QRectF(self.rect().adjusted(6, 6, -6, -4)), self.compliance, font=self.font()
        )
        painter.end()


# ---------------------------------------------------------------------------------------------
# Officers table
# ---------------------------------------------------------------------------------------------


def _collar_key(row: dict[str, Any]) -> Any:
    collar = str(row["collar"])
    return (0, int(collar), collar) if collar.isdigit() else (1, 0, collar)


RAG_TIPS = {
    "green": "At or above the minimum hours.",
    "amber": "Some hours, below the minimum.",
    "red": "No hours this month.",
    "grey": "The minimum does not apply (not attested, on leave of absence, suspended or left).",
}
OFFICER_COLUMNS = (
    Column("Collar", lambda r: r["collar"], sort=_collar_key),
    Column("Name", lambda r: r["name"], sort=lambda r: r["name"].lower()),
    Column("Rank", lambda r: r["rank"], sort=lambda r: r["rank"] or ""),
    Column("Team", lambda r: r["team"] or "", sort=lambda r: (r["team"] or "~").lower()),
    Column(
        "Status",
        lambda r: STATUS_LABELS.get(r.get("status", ""), r.get("status", "")),
        sort=lambda r: r.get("status") or "",
    ),
    Column("Hours", lambda r: hours_text(r["hours"]), sort=lambda r: r["hours"], align=RIGHT_ALIGN),
    Column(
        "Year to date",
        lambda r: hours_text(r["ytd_hours"]),
        sort=lambda r: r["ytd_hours"],
        align=RIGHT_ALIGN,
    ),
    Column(
        "Minimum",
        lambda r: RAG_WORDS.get(r["rag"], r["rag"]),
        sort=lambda r: RAG_ORDER.get(r["rag"], 9),
        tip=lambda r: RAG_TIPS.get(r["rag"]),
        background=lambda r: QColor(RAG_BACKGROUND.get(r["rag"], "#ffffff")),
        foreground=lambda _r: QColor("#222222"),
    ),
)


class OfficersModel(ListTableModel):
    """The return's per-officer rows; sorts and filters its own list (thousands of rows)."""

    columns = OFFICER_COLUMNS

    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self.all_rows: list[dict[str, Any]] = []
        self.rows: list[dict[str, Any]] = []
        self.text = ""
        self.rag: str | None = None
        self.sort_column = 1
        self.sort_order = Qt.SortOrder.AscendingOrder

    def set_rows(self, rows: list[dict[str, Any]]) -> None:
        self.all_rows = list(rows)
        self._apply()

    def set_filter(self, text: str | None = None, rag: str | None | bool = False) -> None:
        if text is not None:
            self.text = text.strip().lower()
        if rag is not False:
            self.rag = rag or None  # type: ignore[assignment]
        self._apply()

    def _apply(self) -> None:
        self.beginResetModel()
        rows = self.all_rows
        if self.text:
            t = self.text
            rows = [
                r
                for r in rows
                if t in r["name"].lower() or t in str(r["collar"]).lower() or t in (r["team"] or "").lower()
            ]
        if self.rag:
            rows = [r for r in rows if r["rag"] == self.rag]
        rows = sorted(rows, key=lambda r: r["name"].lower())
        rows.sort(
            key=self.columns[self.sort_column].sort_value,
            reverse=self.sort_order == Qt.SortOrder.DescendingOrder,
        )
        self.rows = rows
        self.endResetModel()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.sort_column, self.sort_order = column, order
        self._apply()


# ---------------------------------------------------------------------------------------------
# The tab
# ---------------------------------------------------------------------------------------------


def _card(value: str, caption: str) -> tuple[QFrame, QLabel, QLabel]:
    frame = QFrame()
    frame.setFrameShape(QFrame.Shape.StyledPanel)
    frame.setStyleSheet("QFrame { background: palette(base); }")
    lay = QVBoxLayout(frame)
    lay.setContentsMargins(10, 6, 10, 6)
    lay.setSpacing(0)
    big = QLabel(value)
    big.setStyleSheet("font-size: 20px; font-weight: bold; color: #1f3b5c; border: none;")
    small = QLabel(caption)
    small.setWordWrap(True)
    small.setStyleSheet("color: palette(dark); border: none;")
    lay.addWidget(big)
    lay.addWidget(small)
    return frame, big, small


class ReturnsTab(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.figures: returns.ReturnFigures | None = None
        self.lock: returns.SignedOff | None = None
        self.diffs: list[returns.Difference] = []
        self.force: dict[str, Any] = {}
        self._token = 0
        self.busy = False
        self._wanted: str | None = None  # a month asked for before the list of months held it

        outer = QVBoxLayout(self)
        outer.addLayout(self._build_toolbar())
        self._build_messages(outer)
        self._build_pages(outer)
        self.pages.addTab(self._build_summary(), "Summary")
        self.pages.addTab(self._build_officers(), "Officers")
        self._connect()
        self._set_actions(False)
        self.refresh()

    # -- building ----------------------------------------------------------------------------------
    def _build_toolbar(self) -> QHBoxLayout:
        """Month, Earlier and Later; Print preview, Save as PDF, Export to Excel, Sign off."""
        bar = QHBoxLayout()
        month_label = QLabel("&Month:")
        self.month_combo = QComboBox()
        self.month_combo.setMinimumContentsLength(16)
        self.month_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.month_combo.setMaxVisibleItems(24)
        month_label.setBuddy(self.month_combo)
        self.month_combo.setToolTip(
            "The month of the return. Alt+Left: the month before; Alt+Right: the month after."
        )
        self.earlier = QPushButton("◀ Earlier")
        self.earlier.setToolTip("The month before (Alt+Left)")
        self.later = QPushButton("Later ▶")
        self.later.setToolTip("The month after (Alt+Right)")
        bar.addWidget(month_label)
        bar.addWidget(self.month_combo)
        bar.addWidget(self.earlier)
        bar.addWidget(self.later)
        bar.addStretch(1)
        self.preview_button = QPushButton("Print pre&view…")
        self.pdf_button = QPushButton("Save as &PDF…")
        self.excel_button = QPushButton("Export to E&xcel…")
        self.sign_button = QPushButton("&Sign off and lock…")
        for b in (self.preview_button, self.pdf_button, self.excel_button, self.sign_button):
            bar.addWidget(b)
        return bar

    def _build_messages(self, outer: QVBoxLayout) -> None:
        """The signed-off banner and the line saying what was last saved."""
        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.banner.hide()
        outer.addWidget(self.banner)
        self.status = QLabel()
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status.setStyleSheet("color: palette(dark);")
        self.status.hide()
        outer.addWidget(self.status)

    def _build_pages(self, outer: QVBoxLayout) -> None:
        """No officers yet, working it out, or the Summary and Officers pages."""
        self.stack = QStackedWidget()
        outer.addWidget(self.stack, 1)
        self.empty = EmptyState(
            "No officers yet. Import a roster (File › Import roster…) or add officers on the Roster tab: "
            "the monthly return is worked out from them and their hours."
        )
        self.stack.addWidget(self.empty)
        self.loading = EmptyState("Working out the return…")
        self.stack.addWidget(self.loading)

        self.pages = QTabWidget()
        self.pages.setDocumentMode(True)
        self.stack.addWidget(self.pages)

    def _build_summary(self) -> QSplitter:
        """The return as on paper, beside the key figures and the two charts."""
        summary = QSplitter(Qt.Orientation.Horizontal)
        self.browser = QTextBrowser()
        self.browser.setOpenLinks(False)
        self.browser.document().setDefaultStyleSheet(_screen_css())
        summary.addWidget(self.browser)
        side = QWidget()
        side_lay = QVBoxLayout(side)
        side_lay.setContentsMargins(6, 0, 0, 0)
        grid = QGridLayout()
        grid.setSpacing(6)
        self.cards: dict[str, tuple[QLabel, QLabel]] = {}
        for i, key in enumerate(("headcount", "hours", "ytd", "met", "joiners", "leavers")):
            frame, big, small = _card("–", "")
            self.cards[key] = (big, small)
            grid.addWidget(frame, i // 3, i % 3)
        side_lay.addLayout(grid)
        box = QGroupBox("Minimum hours")
        lay = QVBoxLayout(box)
        self.compliance_chart = ComplianceChart()
        lay.addWidget(self.compliance_chart)
        side_lay.addWidget(box)
        box = QGroupBox("Hours by team")
        lay = QVBoxLayout(box)
        self.team_chart = HoursByTeamChart()
        lay.addWidget(self.team_chart)
        side_lay.addWidget(box)
        side_lay.addStretch(1)
        summary.addWidget(side)
        summary.setStretchFactor(0, 3)
        summary.setStretchFactor(1, 2)
        summary.setSizes([640, 440])
        return summary

    def _build_officers(self) -> QWidget:
        """The per-officer table, with its search and red/amber/green filter."""
        officers = QWidget()
        olay = QVBoxLayout(officers)
        olay.setContentsMargins(0, 6, 0, 0)
        frow = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setPlaceholderText("Find by name, collar number or team")
        self.search.setClearButtonEnabled(True)
        self.rag_filter = QComboBox()
        for text, value in (
            ("Everyone", None),
            ("Zero hours (red)", "red"),
            ("Below the minimum (amber)", "amber"),
            ("Met the minimum (green)", "green"),
            ("Minimum does not apply", "grey"),
        ):
            self.rag_filter.addItem(text, value)
        self.shown = QLabel()
        frow.addWidget(self.search, 2)
        frow.addWidget(self.rag_filter)
        frow.addStretch(1)
        frow.addWidget(self.shown)
        olay.addLayout(frow)
        self.model = OfficersModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(1, Qt.SortOrder.AscendingOrder)
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        for col, width in enumerate((80, 240, 70, 180, 130, 70, 100, 80)):
            self.table.setColumnWidth(col, width)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        olay.addWidget(self.table, 1)
        return officers

    def _connect(self) -> None:
        self.month_combo.currentIndexChanged.connect(lambda _i: self._load())
        self.earlier.clicked.connect(lambda: self._step(-1))
        self.later.clicked.connect(lambda: self._step(1))
        QShortcut(QKeySequence("Alt+Left"), self, activated=lambda: self._step(-1))
        QShortcut(QKeySequence("Alt+Right"), self, activated=lambda: self._step(1))
        self.preview_button.clicked.connect(self.print_preview)
        self.pdf_button.clicked.connect(self.save_pdf)
        self.excel_button.clicked.connect(self.export_excel)
        self.sign_button.clicked.connect(self.sign_off)
        self.ctx.month_wanted.connect(self.open_month)
        self.search.textChanged.connect(lambda t: (self.model.set_filter(text=t), self._update_shown()))
        self.rag_filter.currentIndexChanged.connect(
            lambda _i: (self.model.set_filter(rag=self.rag_filter.currentData()), self._update_shown())
        )

    # -- month picker ------------------------------------------------------------------------------
    @property
    def month(self) -> str | None:
        return self.month_combo.currentData()

    def refresh(self) -> None:
        """Reload the list of months and the figures of the chosen month."""
        months = returns.available_months(self.ctx.db)
        # where the work is: the latest finished month with hours, unless a month was chosen
        current = self._wanted or self.month or returns.opening_month(self.ctx.db, ended=True)
        self._wanted = None
        self.month_combo.blockSignals(True)
        self.month_combo.clear()
        locked = month_locks.signed_off(self.ctx.db) if months else set()
        for m in months:
            self.month_combo.addItem(returns.month_label(m) + ("  (signed off)" if m in locked else ""), m)
        index = self.month_combo.findData(current)
        if index < 0 and months:
            index = self.month_combo.findData(roster.last_month())  # a month no longer offered
        self.month_combo.setCurrentIndex(max(index, 0) if months else -1)
        self.month_combo.blockSignals(False)
        if not months:
            self.figures = None
            self.stack.setCurrentWidget(self.empty)
            self.banner.hide()
            self._set_actions(False)
            self._update_steps()
            return
        self._load()

    def show_month(self, month: str) -> None:
        index = self.month_combo.findData(month)
        if index >= 0:
            self.month_combo.setCurrentIndex(index)

    def open_month(self, month: str) -> None:
        """Show ``month`` now (after an import: its latest month), the list of months read again."""
        self._wanted = month
        self.refresh()

    def _step(self, delta: int) -> None:
        # the list is newest first: Earlier goes down the list
        index = self.month_combo.currentIndex() - delta
        if 0 <= index < self.month_combo.count():
            self.month_combo.setCurrentIndex(index)

    def _update_steps(self) -> None:
        i, n = self.month_combo.currentIndex(), self.month_combo.count()
        self.earlier.setEnabled(0 <= i < n - 1)
        self.later.setEnabled(i > 0)

    # -- loading ----------------------------------------------------------------------------------
    def _load(self) -> None:
        month = self.month
        self._update_steps()
        if month is None:
            return
        self._token += 1
        token = self._token
        db = self.ctx.db
        self.busy = True
        self._set_actions(False)
        if self.figures is None:
            self.stack.setCurrentWidget(self.loading)

        def work(_progress: Any) -> tuple[returns.ReturnView, dict[str, Any]]:
            return returns.view(db, month), settings.get_all(db)

        def done(result: tuple[returns.ReturnView, dict[str, Any]]) -> None:
            if token != self._token:
                return  # the user has moved on to another month
            self.busy = False
            self._show(*result)

        def failed(exc: BaseException) -> None:
            if token != self._token:
                return
            self.busy = False
            from desktop.core.errors import plain_message

            self.stack.setCurrentWidget(self.empty)
            self.empty.set_text(
                f"The return for {returns.month_label(month)} could not be worked out: "
                f"{plain_message(exc) or exc}"
            )

        run_task(
            self,
            f"Working out the return for {returns.month_label(month)}",
            work,
            on_done=done,
            on_error=failed,
        )

    def _show(self, shown: returns.ReturnView, force: dict[str, Any]) -> None:
        from desktop.reports.return_report import build_html

        self.force = force
        self.lock = shown.signed_off
        self.diffs = shown.drift
        self.figures = f = shown.figures
        comp = f.compliance
        pct = f"{round(100 * comp.met / comp.applies)}%" if comp.applies else "–"
        values = {
            "headcount": (f"{f.headcount.total:,}", "serving officers at month end"),
            "hours": (hours_text(f.hours.total), "hours this month"),
            "ytd": (hours_text(f.hours.year_to_date), f"hours since {_short_date(f.year_start)}"),
            "met": (pct, f"met the minimum ({comp.met:,} of {comp.applies:,})"),
            "joiners": (str(f.joiners_count), "joined this month"),
            "leavers": (str(f.leavers_count), "left this month"),
        }
        for key, (big, small) in values.items():
            self.cards[key][0].setText(big)
            self.cards[key][1].setText(small)
        self.compliance_chart.set_data(comp.to_json())
        self.team_chart.set_data(f.team_hours())
        scroll = self.browser.verticalScrollBar().value()
        self.browser.setHtml(build_html(f, force, charts_inline=False, officers_table=False, cards=False))
        self.browser.verticalScrollBar().setValue(scroll)
        self.model.set_rows([o.to_json() for o in f.officers])
        self._update_shown()
        self.pages.setTabText(1, f"Officers ({len(f.officers):,})")
        self.pages.setTabToolTip(
            1,
            "Officers serving at month end, and leavers who did hours in the month (the headcount "
            "counts only those serving at month end).",
        )
        self._show_banner()
        self.stack.setCurrentWidget(self.pages)
        self._set_actions(True)

    def _update_shown(self) -> None:
        total = len(self.model.all_rows)
        n = self.model.rowCount()
        self.shown.setText(f"{n:,} of {total:,} shown" if n != total else f"{total:,} officers")

    def _show_banner(self) -> None:
        lock = self.lock
        if lock is None:
            self.banner.hide()
            return
        when = f"{lock.at:%d/%m/%Y at %H:%M}"
        head = (
            f"<b>{returns.month_label(self.month or '')} is signed off</b> by {lock.by} on {when}"
            + (f" ({_esc(lock.note)})" if lock.note else "")
            + ". These are the figures as signed off."
        )
        if self.diffs:
            lines = returns.summarise(self.diffs, limit=4)
            body = (
                f"<br/><b>Today's data differs in {len(self.diffs)} figure{'s' if len(self.diffs) != 1 else ''}</b>"
                " (hover for the full list):" + "".join(f"<br/>&nbsp;&nbsp;• {_esc(line)}" for line in lines)
            )
            self.banner.setToolTip("\n".join(returns.summarise(self.diffs, limit=60)))
            style = "background: #fff4ce; border: 1px solid #f2a900;"
        else:
            body = " Today's data gives the same figures."
            self.banner.setToolTip("")
            style = "background: #e3eef9; border: 1px solid #8fb3d9;"
        self.banner.setText(head + body)
        self.banner.setStyleSheet(f"QLabel {{ {style} padding: 6px; border-radius: 3px; }}")
        self.banner.show()

    def _set_actions(self, enabled: bool) -> None:
        for b in (self.preview_button, self.pdf_button, self.excel_button):
            b.setEnabled(enabled)
        month = self.month
        can_sign = enabled and month is not None and self.lock is None
        tip = "Keep this month's figures exactly as they are now; later changes to the month will warn."
        if month is not None and enabled:
            _, last = month_bounds(month)
            if self.lock is not None:
                tip = "This month is already signed off."
            elif last >= dt.date.today():
                can_sign = False
                tip = f"{returns.month_label(month)} has not ended yet: sign it off once it has."
        self.sign_button.setEnabled(can_sign)
        self.sign_button.setToolTip(tip)

    # -- actions ----------------------------------------------------------------------------------
    def _suggested(self, ext: str) -> str:
        return f"Monthly return {self.month}{ext}"

    def print_preview(self) -> None:
        if self.figures is None:
            return
        from desktop.reports.return_report import preview

        preview(self, self.figures, self.force)

    def save_pdf(self) -> None:
        if self.figures is None:
            return
        path = dialogs.save_file(self, "Save the return as PDF", self._suggested(".pdf"), dialogs.PDF_FILTER)
        if not path:
            return
        if not path.lower().endswith(".pdf"):
            path += ".pdf"
        figures, force = self.figures, self.force

        def work(_progress: Any) -> int:
            from desktop.reports.return_report import write_pdf

            return write_pdf(figures, force, path)

        run_task(
            self,
            "Saving the return as PDF",
            work,
            on_done=lambda pages: self._say(f"Saved {path} ({pages} page{'s' if pages != 1 else ''})."),
        )

    def export_excel(self) -> None:
        if self.figures is None:
            return
        path = dialogs.save_file(
            self, "Export the return to Excel", self._suggested(".xlsx"), dialogs.EXCEL_FILTER
        )
        if not path:
            return
        if not path.lower().endswith(".xlsx"):
            path += ".xlsx"
        figures, force = self.figures, self.force

        def work(_progress: Any) -> str:
            from desktop.excel.return_export import export_return

            export_return(figures, force, path)
            return path

        run_task(self, "Exporting the return to Excel", work, on_done=lambda p: self._say(f"Saved {p}."))

    def sign_off(self) -> None:
        month = self.month
        if month is None or self.figures is None or self.lock is not None:
            return
        label = returns.month_label(month)
        f = self.figures
        if not dialogs.confirm(
            self,
            "Sign off and lock",
            f"Sign off the return for {label}?\n\n"
            f"{f.headcount.total} serving officers, {hours_text(f.hours.total)} hours, "
            f"{f.compliance.met} of {f.compliance.applies} met the minimum.\n\n"
            "These figures will be kept exactly as they are now. Later changes to duties or officers in "
            f"{label} will warn, and this tab will show what differs.",
        ):
            return
        from desktop.core.errors import CipDeskError

        try:
            returns.sign_off(self.ctx.db, month)
        except CipDeskError as exc:
            dialogs.error(self, "Sign off and lock", str(exc))
            self.refresh()
            return
        self._say(f"{label} is signed off.")
        self.ctx.notify("returns")
        self.refresh()

    def _say(self, text: str) -> None:
        self.status.setText(text)
        self.status.show()


def _esc(text: Any) -> str:
    from html import escape

    return escape(str(text))


def _short_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _screen_css() -> str:
    from desktop.core.paths import resources_dir

    try:
        css = (resources_dir() / "report.css").read_text(encoding="utf-8")
    except OSError:
        return ""
    return css.replace("font-size: 9pt;", "")
