"""The Duties page of the officer dialog: one officer's duties by month, with add, edit and delete."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.core import hours, month_locks, roster
from desktop.core.domain import month_bounds
from desktop.core.errors import NotFoundError
from desktop.core.formats import month_label
from desktop.ui.context import AppContext
from desktop.ui.hours.common import date_text
from desktop.ui.hours.duty_dialogs import add_duty, delete_duty_asking, edit_duty
from desktop.ui.officer.fields import display_name
from desktop.ui.officer.page import RecordPage
from desktop.ui.widgets import EmptyState

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


class OfficerDutiesPage(RecordPage):
    """Duties of the last 12 months (or all), grouped by month with subtotals.

    Insert adds, Enter edits, Delete removes (a signed-off month asks for a reason)."""

    TITLE = "Duties"

    def __init__(self, ctx: AppContext, officer_id: int | None = None, parent: QWidget | None = None):
        super().__init__(ctx, officer_id, parent)
        self.records: list[hours.DutyRecord] = []
        self.label = ""
        layout = QVBoxLayout(self)

        top = QHBoxLayout()
        self.summary = QLabel()
        top.addWidget(self.summary, 1)
        self.period = QComboBox()
        self.period.addItem("Last 12 months", 12)
        self.period.addItem("All duties", 0)
        self.period.setToolTip("Which duties to list")
        top.addWidget(self.period)
        layout.addLayout(top)

        self.stack = QStackedWidget()
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Date", "Time", "Hours", "Type", "Note"])
        self.tree.setColumnWidth(0, 170)
        self.tree.setColumnWidth(1, 190)
        self.tree.setColumnWidth(2, 60)
        self.tree.setColumnWidth(3, 200)
        self.tree.setUniformRowHeights(True)
        self.tree.itemActivated.connect(lambda *_: self.edit())
        self.tree.currentItemChanged.connect(lambda *_: self._update_buttons())
        self.stack.addWidget(self.tree)
        self.empty = EmptyState("", "Add duty…")
        self.stack.addWidget(self.empty)
        layout.addWidget(self.stack, 1)

        buttons = QHBoxLayout()
        self.add_button = QPushButton("&Add duty…")
        self.edit_button = QPushButton("&Edit…")
        self.delete_button = QPushButton("&Delete")
        for b in (self.add_button, self.edit_button, self.delete_button):
            b.setAutoDefault(False)
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout.addLayout(buttons)

        self.add_button.clicked.connect(self.add)
        self.edit_button.clicked.connect(self.edit)
        self.delete_button.clicked.connect(self.delete)
        assert self.empty.button is not None
        self.empty.button.clicked.connect(self.add)
        self.period.currentIndexChanged.connect(lambda _i: self.refresh())
        QShortcut(QKeySequence(Qt.Key.Key_Insert), self, activated=self.add).setContext(
            Qt.ShortcutContext.WidgetWithChildrenShortcut
        )
        QShortcut(QKeySequence.StandardKey.Delete, self.tree, activated=self.delete).setContext(
            Qt.ShortcutContext.WidgetShortcut
        )
        if officer_id is not None:
            self.refresh()

    def _range(self) -> tuple[dt.date, dt.date]:
        today = dt.date.today()
        months = self.period.currentData()
        last = dt.date(2999, 12, 31)
        if not months:
            return dt.date(1900, 1, 1), last
        first = hours.month_key(today)
        return month_bounds(hours.shift_month(first, -(months - 1)))[0], last

    def refresh(self) -> None:
        self._read()
        self.tree.clear()
        months: dict[str, list[hours.DutyRecord]] = {}
        for rec in self.records:
            months.setdefault(hours.month_key(rec.date), []).append(rec)
        locked = month_locks.signed_off(self.ctx.db)
        for i, month in enumerate(sorted(months, reverse=True)):
            item = self._month_item(month, months[month], month in locked)
            self.tree.addTopLevelItem(item)
            item.setExpanded(i < 3)
        self._show_summary()
        self._update_buttons()

    def _read(self) -> None:
        """The officer's duties in the period chosen, and the officer's name for the duty dialogs."""
        first, last = self._range()
        try:
            self.records = hours.list_duties(self.ctx.db, self.officer_id, first, last)
        except NotFoundError:
            self.records = []
        try:
            values = roster.get_officer(self.ctx.db, self.officer_id).values
            self.label = f"{display_name(values)} ({values['collar']})"
        except NotFoundError:
            self.label = ""

    def _month_item(self, month: str, recs: list[hours.DutyRecord], signed_off: bool) -> QTreeWidgetItem:
        """A month in bold with its count and total hours, holding its duties, newest first."""
        title = month_label(month) + ("  (signed off)" if signed_off else "")
        n = len(recs)
        total = hours.format_hours(sum(r.hours for r in recs))
        item = QTreeWidgetItem([title, f"{n} dut{'y' if n == 1 else 'ies'}", total, "", ""])
        bold = QFont()
        bold.setBold(True)
        for col in range(3):
            item.setFont(col, bold)
        item.setTextAlignment(2, RIGHT)
        item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
        for rec in sorted(recs, key=lambda r: (r.date, r.start_time or dt.time(0), r.id), reverse=True):
            item.addChild(self._duty_item(rec))
        return item

    @staticmethod
    def _duty_item(rec: hours.DutyRecord) -> QTreeWidgetItem:
        item = QTreeWidgetItem(
            [
                date_text(rec.date) if not rec.is_monthly_total else "whole month",
                rec.times_text or "hours only",
                hours.format_hours(rec.hours),
                rec.type_text,
                rec.note or "",
            ]
        )
        item.setTextAlignment(2, RIGHT)
        item.setData(0, Qt.ItemDataRole.UserRole, rec.id)
        return item

    def _show_summary(self) -> None:
        """Hours in the period and this month, or why the list is empty."""
        period = "the last 12 months" if self.period.currentData() else "all time"
        if not self.records:
            self.summary.setText("")
            self.empty.set_text(f"No duties recorded in {period}. Add one with Add duty… (Insert).")
            self.stack.setCurrentWidget(self.empty)
            return
        total = sum(r.hours for r in self.records)
        this_month = sum(
            r.hours for r in self.records if hours.month_key(r.date) == hours.month_key(dt.date.today())
        )
        self.summary.setText(
            f"{hours.format_hours(total)} hours in {period} · {hours.format_hours(this_month) or '0'} this month"
        )
        self.stack.setCurrentWidget(self.tree)

    def _update_buttons(self) -> None:
        has = self.current() is not None
        self.edit_button.setEnabled(has)
        self.delete_button.setEnabled(has)

    def current(self) -> hours.DutyRecord | None:
        item = self.tree.currentItem()
        if item is None:
            return None
        duty_id = item.data(0, Qt.ItemDataRole.UserRole)
        return next((r for r in self.records if r.id == duty_id), None)

    def add(self) -> None:
        assert self.officer_id is not None
        if add_duty(self, self.ctx, self.officer_id, self.label, dt.date.today()):
            self.refresh()

    def edit(self) -> None:
        rec = self.current()
        if rec is not None and self.officer_id is not None:
            if edit_duty(self, self.ctx, self.officer_id, self.label, rec):
                self.refresh()

    def delete(self) -> None:
        rec = self.current()
        if rec is not None and delete_duty_asking(self, self.ctx, rec):
            self.refresh()
