"""PySide6 6.12.0 on CPython 3.11 drops a reference to None per Qt call that passes None through, until
the interpreter aborts (docs/measured.md). Guard: fill a combo box and the roster model with 50,000 items,
scroll through the model and call data() for unused roles, and check None's refcount did not fall."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QTableView

from desktop.core.roster import OfficerRow
from desktop.ui.roster.model import RosterTableModel

pytestmark = pytest.mark.skipif(
    sys.version_info >= (3, 12), reason="None is immortal on Python 3.12+, its refcount does not move"
)

N = 50_000


def test_combo_box_with_50000_items_keeps_none(qapp):
    before = sys.getrefcount(None)
    combo = QComboBox()
    for i in range(N):
        combo.addItem(f"Team {i}", None)
    for i in range(0, N, 97):
        assert combo.itemData(i) is None
    combo.clear()
    del combo
    assert sys.getrefcount(None) >= before - 50


def test_table_model_with_50000_rows_keeps_none(qapp):
    rows = [
        OfficerRow(i, str(i), f"Surname{i}", None, "SC", "active", None, None, None, None, None, None, 0.0)
        for i in range(N)
    ]
    model = RosterTableModel()
    model.set_data(rows, {}, [("SC", "Special Constable")])
    view = QTableView()
    view.setModel(model)
    view.resize(900, 600)
    view.show()
    qapp.processEvents()
    before = sys.getrefcount(None)
    roles = (
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.DecorationRole,
        Qt.ItemDataRole.ForegroundRole,
        Qt.ItemDataRole.BackgroundRole,
        Qt.ItemDataRole.ToolTipRole,
        Qt.ItemDataRole.FontRole,
    )
    for r in range(0, N, 100):
        for c in range(model.columnCount()):
            index = model.index(r, c)
            for role in roles:
                model.data(index, role)
    bar = view.verticalScrollBar()
    for step in range(0, bar.maximum(), max(1, bar.maximum() // 20)):
        bar.setValue(step)
        view.viewport().repaint()
    model.sort(1, Qt.SortOrder.DescendingOrder)
    model.set_filters(search="surname4")
    qapp.processEvents()
    view.close()
    assert sys.getrefcount(None) >= before - 50
