"""Small shared widgets: the empty state shown where a list has nothing yet, the red label that gives a
field's reason, saving with a reason in a signed-off month, and fitting a dialog to the screen."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QSignalBlocker, QSize, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from desktop.core import hours
from desktop.core.errors import CipDeskError, ValidationError
from desktop.ui import dialogs

ERROR_STYLE = "color: #b3261e;"
OK_STYLE = "color: #1e7b34;"
HINT_STYLE = "color: palette(mid);"


def error_label(style: str = ERROR_STYLE, *, selectable: bool = False) -> QLabel:
    """A word-wrapped label for a reason next to a field (red by default), hidden until it has one;
    ``selectable``: its text can be selected and copied."""
    label = QLabel()
    label.setStyleSheet(style)
    label.setWordWrap(True)
    label.hide()
    if selectable:
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def with_error(widget: QWidget, error: QLabel, spacing: int = 2) -> QWidget:
    """``widget`` with its reason label right under it, as one field of a form."""
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(spacing)
    layout.addWidget(widget)
    layout.addWidget(error)
    return box


def error_text(exc: CipDeskError, sep: str = "; ") -> str:
    """The reasons of a ValidationError joined into one line; any other error's own message."""
    return sep.join(exc.errors.values()) if isinstance(exc, ValidationError) else str(exc)


def fill_choices(combo: QComboBox, everything: str, items: list[tuple[str, Any]], keep: Any) -> bool:
    """Refill a filter's choices: ``everything`` first (no filter, data None), then the ``(label,
    value)`` items. ``keep`` stays chosen where it is still offered, else ``everything``; no signal
    fires. False when ``keep`` is no longer offered."""
    with QSignalBlocker(combo):
        combo.clear()
        combo.addItem(everything, None)
        for label, value in items:
            combo.addItem(label, value)
        index = combo.findData(keep) if keep is not None else 0
        combo.setCurrentIndex(max(index, 0))
    return index >= 0


def add_labelled(row: QHBoxLayout, caption: str, widget: QWidget) -> None:
    """``caption``, then ``widget``, in a row of controls; the caption's & key reaches the widget."""
    label = QLabel(caption)
    label.setBuddy(widget)
    row.addWidget(label)
    row.addWidget(widget)


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


# Returned by save_with_lock_reason when the user gave no reason: nothing was saved.
CANCELLED = object()
NOT_SAVED = "Not saved: a signed-off month needs a reason for any change."


def save_with_lock_reason(
    parent: QWidget | None, fn: Callable[[str | None], Any], reasons: dict[str, str] | None = None
) -> Any:
    """Call ``fn(reason)``; if the month is signed off, warn, ask for a reason and call it again.

    ``reasons`` (month -> reason) remembers an answer so a run of entries asks once per month.
    Returns ``fn``'s result, or ``CANCELLED`` when the user gave no reason (nothing saved).
    """
    remembered = None
    try:
        return fn(None)
    except hours.LockedMonthError as exc:
        key = ", ".join(exc.months)
        remembered = (reasons or {}).get(key)
        if remembered is None:
            plural = len(exc.months) > 1
            text = dialogs.ask_text(
                parent,
                "Signed-off months" if plural else "Signed-off month",
                f"{exc.describe()} {'Their returns were' if plural else 'Its return was'} printed "
                "with the figures as they were.\n\nIf this change must be made, say why "
                "(kept in the audit log):",
            )
            if text is None or not text.strip():
                return CANCELLED
            remembered = text.strip()
            if reasons is not None:
                reasons[key] = remembered
    return fn(remembered)


def save_or_say_why(
    parent: QWidget, error: QLabel, fn: Callable[[str | None], Any], cancelled: str | None = None
) -> bool:
    """``save_with_lock_reason(parent, fn)``; True when saved. Refused, the reason shows in
    ``error``; with no reason given for a signed-off month, ``cancelled`` does (if any)."""
    try:
        done = save_with_lock_reason(parent, fn)
    except CipDeskError as exc:
        error.setText(error_text(exc))
        error.show()
        return False
    if done is CANCELLED:
        if cancelled:
            error.setText(cancelled)
            error.show()
        return False
    return True


def fit_to_screen(wanted: QSize, widget: QWidget | None = None) -> QSize:
    """``wanted``, made smaller where the screen (less room for the taskbar and title bar) is smaller:
    a 1366x768 force laptop must show a dialog's buttons."""
    screen = (widget.screen() if widget is not None else None) or QGuiApplication.primaryScreen()
    if screen is None:
        return wanted
    room = screen.availableGeometry()
    return QSize(min(wanted.width(), room.width() - 40), min(wanted.height(), room.height() - 60))
