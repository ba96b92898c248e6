"""Hours tab: the month grid (officers x days, total, minimum-hours status) and duty entry.

The Hours package: ``grid`` (the month's table model; ``build_grid_model`` is timed by the bench),
``grid_view`` (collar, name and team stay in view while the days scroll), ``duty_form`` (the fields
of one duty and the collar box), ``entry`` (keyboard-fast entry of many duties), ``event`` (one duty
each for many officers), ``duty_dialogs`` (one officer's day; add, edit or delete one duty).
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QModelIndex, QSignalBlocker, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.core import hours, returns
from desktop.core.errors import plain_message
from desktop.core.formats import month_label
from desktop.ui.context import AppContext
from desktop.ui.hours.common import RAG_BACKGROUND, RAG_TEXT
from desktop.ui.hours.duty_dialogs import DayDutiesDialog
from desktop.ui.hours.entry import DutyEntryDialog
from desktop.ui.hours.event import EventDutyDialog
from desktop.ui.hours.grid import GridModel
from desktop.ui.hours.grid_view import FrozenTableView
from desktop.ui.widgets import EmptyState, add_labelled, fill_choices

MONTH_TIP = "Month shown. Alt+Left: the month before; Alt+Right: the month after."


class HoursTab(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        # where the work is: the latest month with hours, not an empty month
        self.month = returns.opening_month(ctx.db)
        self.last_date: dt.date | None = None
        self._loaded = False
        layout = QVBoxLayout(self)

        bar = QHBoxLayout()
        self.prev_button = QPushButton("◀")
        self.prev_button.setToolTip("Previous month (Alt+Left)")
        self.prev_button.setFixedWidth(34)
        self.month_combo = QComboBox()
        self.month_combo.setMinimumWidth(150)
        self.month_combo.setToolTip(MONTH_TIP)
        self.next_button = QPushButton("▶")
        self.next_button.setToolTip("Next month (Alt+Right)")
        self.next_button.setFixedWidth(34)
        self.this_month = QPushButton("This month")
        bar.addWidget(self.prev_button)
        bar.addWidget(self.month_combo)
        bar.addWidget(self.next_button)
        bar.addWidget(self.this_month)
        bar.addSpacing(16)
        self.team_combo = QComboBox()
        self.team_combo.setMaximumWidth(300)
        self.team_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.team_combo.setMinimumContentsLength(14)
        add_labelled(bar, "&Team:", self.team_combo)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Find collar or name")
        self.search.setToolTip("Find an officer by collar number or name (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(160)
        self.search.setMaximumWidth(260)
        bar.addWidget(self.search)
        bar.addStretch(1)
        self.enter_button = QPushButton("&Enter duties…")
        self.enter_button.setToolTip("Record duties one after another from the keyboard (Ctrl+D)")
        self.event_button = QPushButton("E&vent duty…")
        self.event_button.setToolTip("One duty each for many officers (an event, a training day)")
        bar.addWidget(self.enter_button)
        bar.addWidget(self.event_button)
        layout.addLayout(bar)

        info = QHBoxLayout()
        self.summary = QLabel()
        info.addWidget(self.summary, 1)
        self.legend = QLabel(self._legend_html())
        info.addWidget(self.legend)
        layout.addLayout(info)
        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet("background: #fff4d6; border: 1px solid #e0c46c; padding: 4px;")
        self.banner.hide()
        layout.addWidget(self.banner)

        self.stack = QStackedWidget()
        self.model = GridModel(parent=self)
        self.view = FrozenTableView()
        self.view.setModel(self.model)
        self.view.setAlternatingRowColors(False)
        self.view.setFrameShape(QFrame.Shape.StyledPanel)
        self.stack.addWidget(self.view)
        self.empty = EmptyState("", "Enter duties…")
        self.stack.addWidget(self.empty)
        layout.addWidget(self.stack, 1)
        self.hint = QLabel(
            "Double-click a day, or select it and press Enter, to see, add or change that day's duties."
        )
        self.hint.setStyleSheet("color: palette(mid);")
        layout.addWidget(self.hint)

        self._fill_months(self.month)
        self.prev_button.clicked.connect(lambda: self.set_month(hours.shift_month(self.month, -1)))
        self.next_button.clicked.connect(lambda: self.set_month(hours.shift_month(self.month, 1)))
        self.this_month.clicked.connect(lambda: self.set_month(hours.month_key(dt.date.today())))
        self.month_combo.activated.connect(lambda _i: self.set_month(self.month_combo.currentData()))
        self.team_combo.activated.connect(self._team_changed)
        self.search.textChanged.connect(self._search_changed)
        self.enter_button.clicked.connect(self.open_entry)
        self.event_button.clicked.connect(self.open_event)
        self.view.open_cell.connect(self.open_cell)
        assert self.empty.button is not None
        self.empty.button.clicked.connect(self._empty_action)
        ctx_scope = Qt.ShortcutContext.WidgetWithChildrenShortcut
        for keys, slot in (
            ("Ctrl+D", self.open_entry),
            ("Ctrl+F", self._focus_search),
            ("Alt+Left", lambda: self.set_month(hours.shift_month(self.month, -1))),
            ("Alt+Right", lambda: self.set_month(hours.shift_month(self.month, 1))),
        ):
            sc = QShortcut(QKeySequence(keys), self, activated=slot)
            sc.setContext(ctx_scope)

        self._reload_timer = QTimer(self)
        self._reload_timer.setSingleShot(True)
        self._reload_timer.setInterval(200)
        self._reload_timer.timeout.connect(self.reload)
        ctx.month_wanted.connect(self.show_month)
        self.reload()

    @staticmethod
    def _legend_html() -> str:
        chips = []
        for rag in ("green", "amber", "red", "grey"):
            colour = RAG_BACKGROUND[rag].name()
            chips.append(f"<span style='background:{colour}'>&nbsp;{RAG_TEXT[rag]}&nbsp;</span>")
        return " ".join(chips)

    # -- month and filters ---------------------------------------------------------------------
    def _fill_months(self, around: str) -> None:
        today = hours.month_key(dt.date.today())
        start = min(hours.shift_month(today, -36), around)
        end = max(hours.shift_month(today, 3), around)
        with QSignalBlocker(self.month_combo):
            self.month_combo.clear()
            m = end
            while m >= start:
                self.month_combo.addItem(month_label(m), m)
                m = hours.shift_month(m, -1)
            self.month_combo.setCurrentIndex(self.month_combo.findData(around))

    def set_month(self, month: str) -> None:
        if not month:
            return
        self.month = month
        if self.month_combo.findData(month) < 0:
            self._fill_months(month)
        with QSignalBlocker(self.month_combo):
            self.month_combo.setCurrentIndex(self.month_combo.findData(month))
        self.reload()

    def show_month(self, month: str) -> None:
        """Show ``month`` (after an import, its latest month); reloads soon, with any refresh."""
        self.month = month
        if self.month_combo.findData(month) < 0:
            self._fill_months(month)
        with QSignalBlocker(self.month_combo):
            self.month_combo.setCurrentIndex(self.month_combo.findData(month))
        self.refresh()

    def _team_changed(self, _index: int = 0) -> None:
        data = self.team_combo.currentData()
        self.model.set_filter(team=None if data is None else data)
        self._after_filter()

    def _search_changed(self, text: str) -> None:
        self.model.set_filter(text=text)
        self._after_filter()

    def _focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    # -- loading ---------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Data changed somewhere: reload soon (several saves in a row reload once)."""
        self._reload_timer.start()

    def reload(self) -> None:
        self._reload_timer.stop()
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            grid = hours.month_grid(self.ctx.db, self.month)
        except Exception as exc:
            QApplication.restoreOverrideCursor()
            message = plain_message(exc)
            if message is None:
                raise
            self.empty.set_text(message)
            self.stack.setCurrentWidget(self.empty)
            return
        QApplication.restoreOverrideCursor()
        teams = [(team or "(no team)", team) for team in grid.teams]
        fill_choices(self.team_combo, "All teams", teams, self.team_combo.currentData())
        team = self.team_combo.currentData()
        self.model.set_filter(team=team)
        self.model.set_grid(grid)
        self.view.horizontalHeader().setSortIndicatorShown(self.model._sort is not None)
        self._loaded = True
        self._after_filter()

    def _after_filter(self) -> None:
        g = self.model.grid
        label = month_label(self.month)
        if g.locked:
            self.banner.setText(
                f"{label} has been signed off and locked. You can still correct a duty, but CiP Desk will ask "
                "why, and the reason is kept in the audit log."
            )
        self.banner.setVisible(g.locked)
        if g.officers_in_database == 0:
            self._show_empty(
                "No officers yet. Add officers on the Roster tab, or import a roster with File > Import "
                "roster; then record their duties here.",
                None,
            )
            return
        if not g.rows:
            self._show_empty(f"No officers were serving in {label}. Pick another month with ◀ ▶.", None)
            return
        if not self.model.rows:
            what = f"“{self.search.text().strip()}”" if self.search.text().strip() else "this team"
            self._show_empty(f"No officer of {label} matches {what}.", "Clear search and team")
            return
        self.stack.setCurrentWidget(self.view)
        self.hint.show()
        self.enter_button.setEnabled(True)
        self.event_button.setEnabled(True)
        counts = self.model.counts()
        total = sum(r.total for r in self.model.rows)
        n = len(self.model.rows)
        text = (
            f"<b>{label}</b>: {n:,} officer{'s' if n != 1 else ''} serving at some time in the month · "
            f"{hours.format_hours(total) or '0'} hours · "
            f"minimum {hours.format_hours(g.minimum_hours)} h: {counts['green']} met, {counts['amber']} below, "
            f"{counts['red']} zero, {counts['grey']} n/a"
        )
        if not any(r.total for r in g.rows):
            text += " · <i>no duties recorded this month yet: press Ctrl+D to enter some</i>"
        self.summary.setText(text)

    def _show_empty(self, text: str, button: str | None) -> None:
        self.summary.setText(f"<b>{month_label(self.month)}</b>")
        self.hint.hide()
        has_officers = self.model.grid.officers_in_database > 0
        self.enter_button.setEnabled(has_officers)
        self.event_button.setEnabled(has_officers)
        self.empty.set_text(text)
        if self.empty.button is not None:
            self.empty.button.setText(button or "Enter duties…")
            self.empty.button.setVisible(button is not None or self.model.grid.officers_in_database > 0)
        self.stack.setCurrentWidget(self.empty)

    def _empty_action(self) -> None:
        if self.model.grid.rows and not self.model.rows:
            with QSignalBlocker(self.search):
                self.search.clear()
            self.team_combo.setCurrentIndex(0)
            self.model.set_filter(team=None, text="")
            self._after_filter()
        else:
            self.open_entry()

    # -- actions ---------------------------------------------------------------------------------
    def _default_date(self) -> dt.date:
        if self.last_date is not None and hours.month_key(self.last_date) == self.month:
            return self.last_date
        today = dt.date.today()
        return today if hours.month_key(today) == self.month else self.model.grid.first

    def open_entry(self) -> DutyEntryDialog | None:
        if not self.enter_button.isEnabled():  # no officers yet
            return None
        dlg = DutyEntryDialog(self.ctx, default_date=self._default_date(), parent=self)
        dlg.finished.connect(lambda _r: self._remember(dlg.form.base_date))
        dlg.open()
        return dlg

    def _remember(self, day: dt.date) -> None:
        self.last_date = day

    def open_event(self) -> EventDutyDialog:
        dlg = EventDutyDialog(self.ctx, default_date=self._default_date(), parent=self)
        dlg.open()
        return dlg

    def open_cell(self, index: QModelIndex) -> DayDutiesDialog | None:
        if not index.isValid():
            return None
        row = self.model.row_at(index.row())
        day = self.model.date_of_column(index.column())
        if day is None:
            return None
        dlg = DayDutiesDialog(self.ctx, row.officer_id, day, f"{row.name} ({row.collar})", parent=self)
        dlg.finished.connect(lambda _r: self.refresh())
        dlg.open()
        return dlg
