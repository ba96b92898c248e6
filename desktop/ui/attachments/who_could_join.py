"""Who could join a unit on a date: who meets every requirement, and who misses by one rule."""

from __future__ import annotations

import datetime as dt
import html

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSplitter, QTableView, QVBoxLayout, QWidget

from desktop.core import attachments as att
from desktop.ui import dialogs
from desktop.ui.attachments.fields import date_edit, from_qdate, to_qdate
from desktop.ui.attachments.tables import candidate_columns, make_table
from desktop.ui.context import AppContext
from desktop.ui.officer.dialog import open_officer
from desktop.ui.table_model import ListTableModel, selected_row, set_column_widths
from desktop.ui.widgets import ERROR_STYLE


class WhoCouldJoinPanel(QWidget):
    """Serving officers who meet every requirement of a unit on a date, and who miss by one rule.

    ``request_wanted(officer_id, start)``: the user asked to request an attachment for the officer
    selected, starting on the date shown."""

    request_wanted = Signal(int, object)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.unit_id: int | None = None
        self.result: att.JoinCandidates | None = None
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(QLabel("Starting on:"))
        self.on = date_edit()
        self._timer = QTimer(self)  # typing a date changes it digit by digit: wait for a pause
        self._timer.setSingleShot(True)
        self._timer.setInterval(300)
        self._timer.timeout.connect(self.refresh)
        self.on.dateChanged.connect(lambda _d: self._timer.start())
        top.addWidget(self.on)
        self.today_button = QPushButton("Today")
        self.today_button.clicked.connect(lambda: self.on.setDate(to_qdate(dt.date.today())))
        top.addWidget(self.today_button)
        top.addStretch(1)
        self.request_button = QPushButton("Request for selected officer…")
        self.request_button.clicked.connect(self._request)
        top.addWidget(self.request_button)
        layout.addLayout(top)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        split = QSplitter(Qt.Orientation.Vertical)
        self.eligible_model = ListTableModel(self, columns=candidate_columns(False))
        self.near_model = ListTableModel(self, columns=candidate_columns(True))
        self.eligible_view = make_table(self.eligible_model)
        self.near_view = make_table(self.near_model)
        self.eligible_title = QLabel()
        self.near_title = QLabel()
        for title, view in ((self.eligible_title, self.eligible_view), (self.near_title, self.near_view)):
            box = QWidget()
            lay = QVBoxLayout(box)
            lay.setContentsMargins(0, 4, 0, 0)
            lay.addWidget(title)
            lay.addWidget(view)
            split.addWidget(box)
            view.doubleClicked.connect(lambda _i, v=view: self._open(v))
            view.clicked.connect(lambda _i, v=view: self._clear_other(v))
        set_column_widths(self.eligible_view, (90, 220, 60, 160))
        set_column_widths(self.near_view, (90, 220, 60, 160))
        layout.addWidget(split, 1)

    def _clear_other(self, view: QTableView) -> None:
        other = self.near_view if view is self.eligible_view else self.eligible_view
        other.clearSelection()

    def current(self) -> att.Candidate | None:
        return selected_row(self.eligible_view) or selected_row(self.near_view)

    def set_unit(self, unit_id: int | None) -> None:
        self.unit_id = unit_id

    def refresh(self) -> None:
        self._timer.stop()
        if self.unit_id is None:
            self.eligible_model.set_rows([])
            self.near_model.set_rows([])
            self.summary.setText("Choose a unit.")
            return
        on = from_qdate(self.on.date())
        result = att.who_could_join(self.ctx.db, self.unit_id, on)
        self.result = result
        self.eligible_model.set_rows(result.eligible)
        self.near_model.set_rows(result.near)
        unit = result.unit.name
        self.eligible_title.setText(f"<b>Meet every requirement ({len(result.eligible)})</b>")
        self.near_title.setText(
            f"<b>Miss by one rule ({len(result.near)})</b> — double-click to open the officer"
        )
        text = (
            f"Of {result.considered} serving officers not already attached to {html.escape(unit)}, "
            f"{len(result.eligible)} could join on {att.fmt_date(on)} and {len(result.near)} miss by one rule."
        )
        if result.full is not None:
            text += (
                f"<br><span style='{ERROR_STYLE}'>{html.escape(result.full.message)} Nobody can join then "
                "without an override; those below who miss only this rule meet every other requirement. "
                "Try a later date, or end an attachment.</span>"
            )
        self.summary.setText(text)

    def _open(self, view: QTableView) -> None:
        cand = selected_row(view)
        if cand is not None and open_officer(self, self.ctx, cand.officer_id):
            self.refresh()

    def _request(self) -> None:
        cand = self.current()
        if cand is None:
            dialogs.info(self, "Request attachment", "Select an officer in one of the lists first.")
            return
        self.request_wanted.emit(cand.officer_id, from_qdate(self.on.date()))
