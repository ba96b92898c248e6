"""File > Import history…: every import with its counts, and Undo (with the reason when refused)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QStackedWidget, QVBoxLayout, QWidget

from desktop.core import importer
from desktop.ui import dialogs
from desktop.ui.context import AppContext
from desktop.ui.table_model import Column, ListTableModel, row_table
from desktop.ui.tasks import run_task
from desktop.ui.widgets import EmptyState

COLUMNS = ("Import", "When", "File", "Sheet", "By", "Rows", "New", "Updated", "Unchanged", "Skipped",
           "Rejected", "Hours entries", "State")  # fmt: skip


class BatchModel(ListTableModel):
    columns = tuple(Column(title, str) for title in COLUMNS)  # shown by data() below

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.rows: list[importer.BatchInfo] = []

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        b = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            values: tuple[Any, ...] = (
                b.id,
                b.started_at.strftime("%d/%m/%Y %H:%M"),
                b.file_name,
                b.sheet or "",
                b.user or "",
                b.rows,
                b.created,
                b.updated,
                b.unchanged,
                b.skipped,
                b.rejected,
                b.hours_entries,
                f"Undone {b.undone_at.strftime('%d/%m/%Y %H:%M')} by {b.undone_by}"
                if b.undone_at
                else "Imported",
            )
            return str(values[index.column()])
        if role == Qt.ItemDataRole.ForegroundRole and b.undone:
            return QBrush(QColor("#888888"))
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in (0, *range(5, 12)):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class ImportHistoryDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("Import history")
        self.resize(1100, 480)
        lay = QVBoxLayout(self)
        self.stack = QStackedWidget()
        self.empty = EmptyState("No roster has been imported yet. Use File > Import roster… to import one.")
        self.model = BatchModel(self)
        self.view = row_table(self.model)
        self.view.horizontalHeader().setStretchLastSection(True)
        for col, width in enumerate((55, 115, 170, 70, 60, 45, 45, 60, 75, 60, 65, 90)):
            self.view.setColumnWidth(col, width)
        self.stack.addWidget(self.empty)
        self.stack.addWidget(self.view)
        lay.addWidget(self.stack, 1)
        self.reason = QLabel()
        self.reason.setWordWrap(True)
        lay.addWidget(self.reason)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.undo_btn = QPushButton("&Undo import…")
        self.undo_btn.clicked.connect(self.undo)
        close = QPushButton("Close")
        close.clicked.connect(self.accept)
        buttons.addWidget(self.undo_btn)
        buttons.addWidget(close)
        lay.addLayout(buttons)
        self.view.selectionModel().currentRowChanged.connect(lambda *_: self._explain())
        self.refresh()

    def refresh(self) -> None:
        self.model.set_rows(importer.list_batches(self.ctx.db))
        self.stack.setCurrentIndex(1 if self.model.rows else 0)
        if self.model.rows:
            self.view.selectRow(0)
        self._explain()

    def selected(self) -> importer.BatchInfo | None:
        index = self.view.currentIndex()
        return self.model.rows[index.row()] if index.isValid() and self.model.rows else None

    def _explain(self) -> None:
        batch = self.selected()
        why = importer.can_undo(self.ctx.db, batch.id) if batch else None
        self.undo_btn.setEnabled(batch is not None and why is None)
        if batch is None:
            self.reason.setText("")
        elif why:
            self.reason.setStyleSheet("color: #b00020;")
            self.reason.setText(f"Import {batch.id} cannot be undone: {why}")
        else:
            self.reason.setStyleSheet("")
            self.reason.setText(
                f"Undoing import {batch.id} removes the {batch.created} officers it created (with their hours) "
                f"and puts back the values it changed for {batch.updated} officer{'s' if batch.updated != 1 else ''}."
            )

    def undo(self) -> None:
        batch = self.selected()
        if batch is None:
            return
        text = (
            f"Undo import {batch.id} of {batch.file_name} ({batch.started_at:%d/%m/%Y %H:%M})?\n\n"
            f"{batch.created} officers it created will be removed with their hours, and the values it "
            f"changed for {batch.updated} officer{'s' if batch.updated != 1 else ''} will be put back. A backup is taken first."
        )
        if not dialogs.confirm(self, "Undo import", text):
            return
        self._run_undo(batch, None)

    def _run_undo(self, batch: importer.BatchInfo, lock_reason: str | None) -> None:
        db = self.ctx.db

        def done(_count: Any) -> None:
            self.ctx.notify("all")
            self.refresh()

        def failed(exc: BaseException) -> None:
            from desktop.core.errors import plain_message
            from desktop.core.month_locks import LockedMonthError

            if isinstance(exc, LockedMonthError) and lock_reason is None:
                why = dialogs.ask_text(
                    self,
                    "Signed-off months",
                    f"Undoing import {batch.id}: {exc.describe()} Their returns were printed with the "
                    "figures as they were.\n\nIf the import must be undone, say why (kept in the audit log):",
                )
                if why and why.strip():
                    self._run_undo(batch, why.strip())
                    return
                self.reason.setStyleSheet("color: #b00020;")
                self.reason.setText(f"Import {batch.id} was not undone: a signed-off month needs a reason.")
                return
            self.reason.setStyleSheet("color: #b00020;")
            self.reason.setText(plain_message(exc) or f"Undo failed unexpectedly: {exc}")

        run_task(
            self,
            "Undoing the import",
            lambda progress: importer.undo_batch(
                db, batch.id, progress=progress, backup=lock_reason is None, lock_reason=lock_reason
            ),
            on_done=done,
            on_error=failed,
        )


def show_import_history(parent: QWidget | None, ctx: AppContext) -> ImportHistoryDialog:
    dialog = ImportHistoryDialog(ctx, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.show()
    return dialog
