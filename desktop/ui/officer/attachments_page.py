"""The Attachments page of an officer's record: attachments past and present, request a new one,
start or end one."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QStackedWidget, QVBoxLayout, QWidget

from desktop.core import attachments as att
from desktop.ui.attachments.end_dialog import EndDialog
from desktop.ui.attachments.request_dialog import AttachmentDialog
from desktop.ui.attachments.tables import attachment_columns, make_table
from desktop.ui.context import AppContext
from desktop.ui.officer.page import RecordPage
from desktop.ui.table_model import ListTableModel, selected_row, set_column_widths
from desktop.ui.widgets import EmptyState


class OfficerAttachmentsPage(RecordPage):
    TITLE = "Attachments"

    def __init__(self, ctx: AppContext, officer_id: int | None = None, parent: QWidget | None = None):
        super().__init__(ctx, officer_id, parent)
        self.rows: list[att.AttachmentRow] = []
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.request_button = QPushButton("&Request attachment…")
        self.request_button.clicked.connect(self.request_attachment)
        self.start_button = QPushButton("&Start…")
        self.start_button.clicked.connect(self.start_selected)
        self.end_button = QPushButton("&End…")
        self.end_button.clicked.connect(self.end_selected)
        self.correct_button = QPushButton("Co&rrect…")
        self.correct_button.setToolTip("Put right the dates or supervisor of the selected attachment")
        self.correct_button.clicked.connect(self.correct_selected)
        for w in (self.request_button, self.start_button, self.end_button, self.correct_button):
            bar.addWidget(w)
        bar.addStretch(1)
        self.summary = QLabel()
        bar.addWidget(self.summary)
        layout.addLayout(bar)
        self.model = ListTableModel(self, columns=attachment_columns(unit=True, officer=False))
        self.view = make_table(self.model)
        set_column_widths(self.view, (200, 75, 85, 85, 120, 65))
        self.view.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.view.doubleClicked.connect(lambda _i: self._double_clicked())
        self.empty = EmptyState(
            "No attachments yet. Request one to a specialist unit with Request attachment."
        )
        self.stack = QStackedWidget()
        self.stack.addWidget(self.empty)
        self.stack.addWidget(self.view)
        layout.addWidget(self.stack, 1)
        if officer_id is not None:
            self.refresh()

    def refresh(self) -> None:
        self.rows = att.officer_attachments(self.ctx.db, self.officer_id)
        self.model.set_rows(self.rows)
        self.stack.setCurrentIndex(1 if self.rows else 0)
        active = sum(1 for r in self.rows if r.state == "active")
        requested = sum(1 for r in self.rows if r.state == "requested")
        self.summary.setText(
            f"{active} active, {requested} requested, {len(self.rows)} in all" if self.rows else ""
        )
        self._update_buttons()

    def current(self) -> att.AttachmentRow | None:
        row = selected_row(self.view)
        return row if isinstance(row, att.AttachmentRow) else None

    def _update_buttons(self) -> None:
        row = self.current()
        self.start_button.setEnabled(row is not None and row.state == "requested")
        self.end_button.setEnabled(row is not None and row.state != "ended")
        self.correct_button.setEnabled(row is not None)
        self.end_button.setText("&Withdraw…" if row is not None and row.state == "requested" else "&End…")

    def _double_clicked(self) -> None:
        row = self.current()
        if row is None:
            return
        if row.state == "requested":
            self.start_selected()
        elif row.state == "active":
            self.end_selected()

    def request_attachment(self) -> bool:
        dialog = AttachmentDialog(self.ctx, self, officer_id=self.officer_id)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.refresh()
            return True
        return False

    def start_selected(self) -> None:
        row = self.current()
        if row is not None and row.state == "requested":
            if AttachmentDialog(self.ctx, self, attachment=row).exec() == QDialog.DialogCode.Accepted:
                self.refresh()

    def end_selected(self) -> None:
        row = self.current()
        if row is not None and row.state != "ended":
            if EndDialog(self.ctx, row, self).exec() == QDialog.DialogCode.Accepted:
                self.refresh()

    def correct_selected(self) -> None:
        row = self.current()
        if row is not None:
            dialog = AttachmentDialog(self.ctx, self, attachment=row, correct=True)
            if dialog.exec() == QDialog.DialogCode.Accepted:
                self.refresh()
