"""Small shared widgets: the empty state shown where a list has nothing yet."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget


class EmptyState(QWidget):
    """A centred sentence saying why the list is empty and, optionally, a button to fix it."""

    def __init__(self, text: str, button: str | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        self.label = QLabel(text)
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label.setWordWrap(True)
        self.label.setStyleSheet("color: palette(mid); font-size: 14px;")
        layout.addWidget(self.label)
        self.button: QPushButton | None = None
        if button:
            self.button = QPushButton(button)
            self.button.setSizePolicy(
                self.button.sizePolicy().horizontalPolicy(), self.button.sizePolicy().verticalPolicy()
            )
            layout.addWidget(self.button, 0, Qt.AlignmentFlag.AlignCenter)
        layout.addStretch(2)

    def set_text(self, text: str) -> None:
        self.label.setText(text)
