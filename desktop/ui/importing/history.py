"""File > Import history…: every import with its counts, and Undo (with the reason when refused)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QStackedWidget, QVBoxLayout, QWidget

from desktop import importing as importer
from desktop.ui import dialogs
from desktop.ui.context import AppContext
from desktop.ui.table_model import RIGHT_ALIGN, Column, ListTableModel, RowStyle, row_table
from desktop.ui.tasks import run_task
from desktop.ui.widgets import EmptyState


def _state(b: importer.BatchInfo) -> str:
    return f"Undone {b.undone_at.strftime('%d/%m/%Y %H:%M')} by {b.undone_by}" if b.undone_at else "Imported"


def _count(title: str, name: str) -> Column:
    return Column(title, lambda b: str(getattr(b, name)), align=RIGHT_ALIGN)


COLUMNS = (
    Column("Import", lambda b: str(b.id), align=RIGHT_ALIGN),
    Column("When", lambda b: b.started_at.strftime("%d/%m/%Y %H:%M")),
    Column("File", lambda b: b.file_name),
    Column("Sheet", lambda b: b.sheet or ""),
    Column("By", lambda b: b.user or ""),
    _count("Rows", "rows"),
    _count("New", "created"),
    _count("Updated", "updated"),
    _count("Unchanged", "unchanged"),
    _count("Skipped", "skipped"),
    _count("Rejected", "rejected"),
    _count("Hours entries", "hours_entries"),
    Column("State", _state),
)
_UNDONE = QBrush(QColor("#888888"))


class BatchModel(ListTableModel):
    """Every import, newest first; an undone one greyed."""

    columns = COLUMNS
    row_style = RowStyle(foreground=lambda b: _UNDONE if b.undone else None)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.rows: list[importer.BatchInfo] = []


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
