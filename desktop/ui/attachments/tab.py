"""Attachments tab: specialist units with places used and free, each unit's members, requests and
history, Request / Start / End an attachment with the rules checked live, and "Who could join?".

The package: ``tables`` (the lists' columns), ``request_dialog`` (request, start or correct an
attachment), ``end_dialog`` (end or withdraw one), ``who_could_join`` and ``fields``; the officer's
Attachments page (desktop/ui/officer/attachments_page.py) uses the same dialogs and columns.
"""

from __future__ import annotations

import datetime as dt
import html

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.core import attachments as att
from desktop.ui.attachments.end_dialog import EndDialog
from desktop.ui.attachments.request_dialog import AttachmentDialog
from desktop.ui.attachments.tables import GREY, attachment_columns, make_table, unit_columns
from desktop.ui.attachments.who_could_join import WhoCouldJoinPanel
from desktop.ui.context import AppContext
from desktop.ui.officer.dialog import open_officer
from desktop.ui.settings.dialog import open_settings
from desktop.ui.table_model import ListTableModel, RowStyle, selected_row, set_column_widths
from desktop.ui.widgets import EmptyState


class AttachmentsTab(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.units: list[att.UnitInfo] = []
        self.detail: att.UnitAttachments | None = None
        outer = QVBoxLayout(self)
        self.stack = QStackedWidget()
        outer.addWidget(self.stack)

        self.empty = EmptyState(
            "No specialist units yet. Add the units where Specials are attached (with their requirements "
            "and places) in Settings, then request attachments here.",
            "Open Settings…",
        )
        if self.empty.button is not None:
            self.empty.button.clicked.connect(self._open_settings)
        self.stack.addWidget(self.empty)

        page = QWidget()
        self.stack.addWidget(page)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        bar = QHBoxLayout()
        self.request_button = QPushButton("&Request attachment…")
        self.request_button.setToolTip("Request an attachment to the selected unit (Ctrl+N)")
        self.request_button.clicked.connect(lambda: self.request_attachment())
        self.start_button = QPushButton("&Start attachment…")
        self.start_button.setToolTip("Start the selected requested attachment")
        self.start_button.clicked.connect(self.start_selected)
        self.end_button = QPushButton("&End attachment…")
        self.end_button.clicked.connect(self.end_selected)
        self.correct_button = QPushButton("Co&rrect…")
        self.correct_button.setToolTip("Put right the dates or supervisor of the selected attachment")
        self.correct_button.clicked.connect(self.correct_selected)
        self.open_button = QPushButton("&Open officer")
        self.open_button.clicked.connect(self.open_selected)
        self.show_inactive = QCheckBox("Show units not in use")
        self.show_inactive.toggled.connect(lambda _on: self.refresh())
        for w in (
            self.request_button,
            self.start_button,
            self.end_button,
            self.correct_button,
            self.open_button,
        ):
            bar.addWidget(w)
        bar.addStretch(1)
        bar.addWidget(self.show_inactive)
        layout.addLayout(bar)

        split = QSplitter(Qt.Orientation.Vertical)
        layout.addWidget(split, 1)
        self.unit_model = ListTableModel(self, columns=unit_columns())
        self.unit_model.row_style = RowStyle(foreground=lambda u: None if u.active else GREY)
        self.unit_view = make_table(self.unit_model)
        set_column_widths(self.unit_view, (250, 70, 75, 85, 60))
        self.unit_view.selectionModel().selectionChanged.connect(lambda *_: self._unit_changed())
        split.addWidget(self.unit_view)

        right = QWidget()
        rlay = QVBoxLayout(right)
        rlay.setContentsMargins(0, 6, 0, 0)
        self.title = QLabel()
        self.title.setStyleSheet("font-size: 16px; font-weight: bold;")
        self.title.setWordWrap(True)
        rlay.addWidget(self.title)
        self.requirements = QLabel()
        self.requirements.setWordWrap(True)
        rlay.addWidget(self.requirements)
        self.pages = QTabWidget()
        rlay.addWidget(self.pages, 1)
        self.lists: dict[str, tuple[QStackedWidget, ListTableModel, QTableView, EmptyState]] = {}
        for key in ("current", "requested", "history"):
            model = ListTableModel(self, columns=attachment_columns(unit=False, officer=True))
            view = make_table(model)
            set_column_widths(view, (90, 230, 160, 90, 90, 180, 70))
            view.doubleClicked.connect(lambda _i: self.open_selected())
            view.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
            empty = EmptyState("")
            stack = QStackedWidget()
            stack.addWidget(empty)
            stack.addWidget(view)
            self.lists[key] = (stack, model, view, empty)
            self.pages.addTab(stack, key.title())
        self.who = WhoCouldJoinPanel(ctx, self)
        self.who.request_wanted.connect(
            lambda officer_id, start: self.request_attachment(officer_id=officer_id, start=start)
        )
        self.pages.addTab(self.who, "Who could join?")
        self.pages.currentChanged.connect(self._page_changed)
        split.addWidget(right)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 5)
        split.setSizes([290, 470])

        QShortcut(QKeySequence("Ctrl+N"), self, activated=lambda: self.request_attachment())
        self.refresh()

    # -- data ----------------------------------------------------------------------------------------
    def refresh(self) -> None:
        keep = self.selected_unit_id()
        all_units = att.list_units(self.ctx.db)
        self.units = [u for u in all_units if u.active or self.show_inactive.isChecked() or u.used]
        if not all_units:
            self.stack.setCurrentWidget(self.empty)
            self.detail = None
            return
        self.stack.setCurrentIndex(1)
        self.unit_model.set_rows(self.units)
        row = next((i for i, u in enumerate(self.unit_model.rows) if u.id == keep), 0)
        if self.unit_model.rows:
            self.unit_view.selectRow(row)
        self._unit_changed()

    def selected_unit_id(self) -> int | None:
        unit = selected_row(self.unit_view) if hasattr(self, "unit_view") else None
        return unit.id if unit is not None else None

    def select_unit(self, unit_id: int) -> None:
        for i, u in enumerate(self.unit_model.rows):
            if u.id == unit_id:
                self.unit_view.selectRow(i)
                return

    def _unit_changed(self) -> None:
        unit_id = self.selected_unit_id()
        if unit_id is None:
            self.detail = None
            self.title.setText("Choose a unit")
            self.requirements.clear()
            for stack, model, _view, empty in self.lists.values():
                model.set_rows([])
                empty.set_text("Choose a unit on the left.")
                stack.setCurrentIndex(0)
            self.who.set_unit(None)
            self._update_buttons()
            return
        self.detail = att.unit_attachments(self.ctx.db, unit_id)
        u = self.detail.unit
        places = (
            f"{u.capacity} places: {u.active_count} attached, {u.requested_count} requested, {u.free} free"
            if u.capacity is not None
            else f"No limit on places: {u.active_count} attached, {u.requested_count} requested"
        )
        self.title.setText(html.escape(u.label) + ("" if u.active else " — not in use"))
        needs = u.requirements_summary()
        desc = f"<br>{html.escape(u.description)}" if u.description else ""
        self.requirements.setText(f"{places}.<br>Requires: {html.escape(needs)}.{desc}")
        name = u.name
        texts = {
            "current": f"Nobody is attached to {name} now. Request an attachment with Ctrl+N, "
            "or start a requested one.",
            "requested": f"No requests waiting for {name}. Request an attachment with Ctrl+N.",
            "history": f"No past attachments to {name} yet. Ended attachments are kept here.",
        }
        for key, rows in (
            ("current", self.detail.current),
            ("requested", self.detail.requested),
            ("history", self.detail.history),
        ):
            stack, model, _view, empty = self.lists[key]
            model.set_rows(rows)
            empty.set_text(texts[key])
            stack.setCurrentIndex(1 if rows else 0)
        self.pages.setTabText(0, f"Current members ({len(self.detail.current)})")
        self.pages.setTabText(1, f"Requested ({len(self.detail.requested)})")
        self.pages.setTabText(2, f"History ({len(self.detail.history)})")
        self.who.set_unit(unit_id)
        if self.pages.currentWidget() is self.who:
            self.who.refresh()
        self._update_buttons()

    def _page_changed(self, _index: int) -> None:
        if self.pages.currentWidget() is self.who:
            self.who.refresh()
        self._update_buttons()

    def current_attachment(self) -> att.AttachmentRow | None:
        page = self.pages.currentWidget()
        for stack, _model, view, _empty in self.lists.values():
            if stack is page:
                row = selected_row(view)
                return row if isinstance(row, att.AttachmentRow) else None
        return None

    def _update_buttons(self) -> None:
        row = self.current_attachment()
        has_units = any(u.active for u in self.units)
        self.request_button.setEnabled(has_units)
        self.start_button.setEnabled(row is not None and row.state == "requested")
        self.end_button.setEnabled(row is not None and row.state != "ended")
        self.correct_button.setEnabled(row is not None)
        self.end_button.setText(
            "&Withdraw request…" if row is not None and row.state == "requested" else "&End attachment…"
        )
        on_who = self.pages.currentWidget() is self.who
        self.open_button.setEnabled(row is not None or on_who)

    # -- actions -------------------------------------------------------------------------------------
    def _changed(self) -> None:
        self.refresh()

    def request_attachment(self, officer_id: int | None = None, start: dt.date | None = None) -> bool:
        unit_id = self.selected_unit_id()
        if unit_id is not None and not any(u.id == unit_id and u.active for u in self.units):
            unit_id = None
        dialog = AttachmentDialog(self.ctx, self, officer_id=officer_id, unit_id=unit_id, start=start)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.result_row is not None:
            self._changed()
            self.select_unit(dialog.result_row.unit_id)
            return True
        return False

    def start_selected(self) -> None:
        row = self.current_attachment()
        if row is None or row.state != "requested":
            return
        dialog = AttachmentDialog(self.ctx, self, attachment=row)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self._changed()

    def end_selected(self) -> None:
        row = self.current_attachment()
        if row is None or row.state == "ended":
            return
        if EndDialog(self.ctx, row, self).exec() == QDialog.DialogCode.Accepted:
            self._changed()

    def correct_selected(self) -> None:
        row = self.current_attachment()
        if row is None:
            return
        if (
            AttachmentDialog(self.ctx, self, attachment=row, correct=True).exec()
            == QDialog.DialogCode.Accepted
        ):
            self._changed()

    def open_selected(self) -> None:
        if self.pages.currentWidget() is self.who:
            cand = self.who.current()
            if cand is not None and open_officer(self, self.ctx, cand.officer_id):
                self._changed()
            return
        row = self.current_attachment()
        if row is not None and open_officer(self, self.ctx, row.officer_id):
            self._changed()

    def _open_settings(self) -> None:
        open_settings(self, self.ctx)
        self.refresh()
