"""The read-only tables of an officer's record pages (history, audit trail, legacy fields)."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem


def record_table(headers: list[str]) -> QTableWidget:
    """A read-only table with these column titles; rows are chosen whole."""
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.verticalHeader().setVisible(False)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    header = table.horizontalHeader()
    header.setStretchLastSection(True)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    return table


def fill_table(table: QTableWidget, rows: list[list[str]]) -> None:
    """Show ``rows`` (each a list of texts); a long or multi-line text shows whole in its tooltip."""
    table.setRowCount(len(rows))
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            item = QTableWidgetItem(" / ".join(value.splitlines()))
            if len(value) > 60 or "\n" in value:
                item.setToolTip(value)
            table.setItem(r, c, item)
    table.resizeColumnsToContents()
    for c in range(table.columnCount() - 1):
        if table.columnWidth(c) > 320:
            table.setColumnWidth(c, 320)
