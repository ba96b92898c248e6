"""Roster tab (its full behaviour arrives with its issue)."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout, QWidget

from desktop.ui.context import AppContext
from desktop.ui.widgets import EmptyState


class RosterTab(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        layout = QVBoxLayout(self)
        self.empty = EmptyState(
            "No officers yet. Add one with Ctrl+N, or import a roster with File > Import roster."
        )
        layout.addWidget(self.empty)

    def refresh(self) -> None:
        """Nothing to reload yet."""
