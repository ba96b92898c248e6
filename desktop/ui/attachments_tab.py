"""Attachments tab (its full behaviour arrives with its issue)."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout, QWidget

from desktop.ui.context import AppContext
from desktop.ui.widgets import EmptyState


class AttachmentsTab(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        layout = QVBoxLayout(self)
        self.empty = EmptyState("No attachments yet. Add units in Settings, then request an attachment.")
        layout.addWidget(self.empty)

    def refresh(self) -> None:
        """Nothing to reload yet."""
