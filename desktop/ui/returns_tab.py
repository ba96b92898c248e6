"""Returns tab (its full behaviour arrives with its issue)."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout, QWidget

from desktop.ui.context import AppContext
from desktop.ui.widgets import EmptyState


class ReturnsTab(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        layout = QVBoxLayout(self)
        self.empty = EmptyState("No figures yet. Returns are built from the roster and hours.")
        layout.addWidget(self.empty)

    def refresh(self) -> None:
        """Nothing to reload yet."""
