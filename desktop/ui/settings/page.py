"""The one protocol every page of File > Settings follows; the dialog knows its pages only through it.

    TITLE           the page's name in the list on the left
    refresh()       read the settings again and show them
    is_dirty()      edits on screen not saved yet
    save()          save them (Ctrl+S saves the page shown): True when saved, or nothing to save;
                    False leaves the reason on the page
    SAVES_ON_CLOSE  closing the dialog saves the page's edits (Units, where leaving a unit saves
                    it too), instead of asking whether to discard them

Pages whose buttons save each change at once (stages, qualification types, ranks) are never dirty.
Every save is audited like any change, and tells the window with ``ctx.notify("settings")``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QSignalBlocker
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QWidget,
)

from desktop.core.errors import CipDeskError
from desktop.ui.context import AppContext
from desktop.ui.widgets import OK_STYLE, error_label, error_text


class SettingsPage(QWidget):
    """A Settings page. The helpers below use the page's ``error`` (red reason) and ``status``
    (what the last change did) labels, which each page builds and places."""

    TITLE = ""
    SAVES_ON_CLOSE = False
    error: QLabel
    status: QLabel

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx

    def refresh(self, select: Any = None) -> None:
        """Read again what the page shows; ``select``: the row to select afterwards."""

    def is_dirty(self) -> bool:
        return False

    def save(self) -> bool:
        return True

    def show_reason(self, exc: CipDeskError) -> None:
        self.error.setText(error_text(exc))
        self.error.show()

    def show_failure(self, exc: CipDeskError) -> None:
        """Why the last change was refused, in place of what the one before did."""
        self.status.clear()
        self.show_reason(exc)

    def add_outcome_rows(self, form: QFormLayout, *buttons: QPushButton) -> None:
        """The page's red reason, then a row with what its last change did and its buttons."""
        self.error = error_label()
        form.addRow("", self.error)
        row = QHBoxLayout()
        self.status = QLabel()
        self.status.setStyleSheet(OK_STYLE)
        row.addWidget(self.status, 1)
        for button in buttons:
            row.addWidget(button)
        form.addRow(row)

    def change(self, make: Callable[[], Any], done: str, select: Any = None) -> bool:
        """Make one change (a service call); then show it, ``select`` selected, and say ``done``; or
        say why it was refused. True when made."""
        try:
            make()
        except CipDeskError as exc:
            self.show_failure(exc)
            return False
        self.show_done(done, select)
        return True

    def show_done(self, text: str, select: Any = None) -> None:
        """A change was saved: show it (``select`` selected), say so, and tell the window."""
        self.refresh(select)
        self.error.hide()
        self.status.setText(text)
        self.ctx.notify("settings")


def settings_table(headers: Sequence[str], *, fit_others: bool = False) -> QTableWidget:
    """A read-only list of whole rows, one selected at a time, as the Settings pages show; the first
    column takes the room left (``fit_others``: the others fit their contents)."""
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(list(headers))
    table.verticalHeader().hide()
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    header = table.horizontalHeader()
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    for column in range(1, len(headers) if fit_others else 1):
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
    return table


def select_item(table: QTableWidget, items: Sequence[Any], matches: Callable[[Any], bool]) -> None:
    """Select the row of the first of ``items`` (the table's rows) that ``matches``; else none."""
    row = next((i for i, item in enumerate(items) if matches(item)), None)
    if row is not None:
        table.selectRow(row)
    else:
        table.clearSelection()


def selected_item(table: QTableWidget, items: Sequence[Any]) -> Any:
    """The item of the selected row, or None."""
    rows = table.selectionModel().selectedRows()
    return items[rows[0].row()] if rows else None


def unselect(table: QTableWidget) -> None:
    """No row selected, quietly (the form is being emptied for a new entry)."""
    with QSignalBlocker(table):
        table.clearSelection()
