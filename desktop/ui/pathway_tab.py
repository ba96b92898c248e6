"""Pathway tab (its full behaviour arrives with its issue)."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout, QWidget

from desktop.ui.context import AppContext
from desktop.ui.widgets import EmptyState


class PathwayTab(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        layout = QVBoxLayout(self)
        self.empty = EmptyState(
            "No pathway progress recorded yet. Record a stage from an officer's record, or import a roster."
        )
        layout.addWidget(self.empty)

    def refresh(self) -> None:
        """Nothing to reload yet."""
