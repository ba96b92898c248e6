"""The grid's view: collar, name, team, total and status stay in view while the days scroll."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from desktop.ui.hours.grid import GridModel
from desktop.ui.table_model import Index


class FrozenTableView(QTableView):
    """A table whose first ``GridModel.FROZEN`` columns stay put while the rest scroll sideways
    (an overlay view on the same model and selection, as in Qt's frozen-column example).
    Enter or double-click on a cell emits ``open_cell``."""

    open_cell = Signal(QModelIndex)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setTabKeyNavigation(False)  # Tab moves on to the next control, arrows move in the grid
        self.frozen_count = GridModel.FROZEN
        self.frozen = QTableView(self)
        self.frozen.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.frozen.verticalHeader().hide()
        self.frozen.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.frozen.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.frozen.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.frozen.setStyleSheet("QTableView { border: none; border-right: 2px solid palette(mid); }")
        self.frozen.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.frozen.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.verticalHeader().hide()
        for view in (self, self.frozen):
            view.horizontalHeader().setSortIndicator(1, Qt.SortOrder.AscendingOrder)  # by name
            view.verticalHeader().setDefaultSectionSize(22)
            view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
            view.setWordWrap(False)
            view.setSortingEnabled(True)
            view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
            view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.horizontalHeader().sectionResized.connect(self._section_resized)
        self.frozen.verticalScrollBar().valueChanged.connect(self.verticalScrollBar().setValue)
        self.verticalScrollBar().valueChanged.connect(self.frozen.verticalScrollBar().setValue)
        self.frozen.horizontalHeader().sortIndicatorChanged.connect(self._frozen_sorted)
        self.doubleClicked.connect(self.open_cell.emit)
        self.frozen.doubleClicked.connect(self.open_cell.emit)

    def setModel(self, model: Any) -> None:  # noqa: N802 - Qt name
        super().setModel(model)
        self.frozen.setModel(model)
        self.frozen.setSelectionModel(self.selectionModel())
        model.modelReset.connect(self._columns_changed)
        self._columns_changed()

    def _columns_changed(self) -> None:
        model = self.model()
        if model is None:
            return
        for col in range(model.columnCount()):
            self.frozen.setColumnHidden(col, col >= self.frozen_count)
        widths = (64, 180, 124, 52, 64)
        for col, width in enumerate(widths[: self.frozen_count]):
            self.setColumnWidth(col, width)
            self.frozen.setColumnWidth(col, width)
        grid_model = model if isinstance(model, GridModel) else None
        if grid_model is not None:
            day_width = self.fontMetrics().horizontalAdvance("88.75") + 10
            for col in range(grid_model.first_day_col, grid_model.first_day_col + grid_model.n_days):
                self.setColumnWidth(col, day_width)
            if grid_model.monthly_col >= 0:
                self.setColumnWidth(grid_model.monthly_col, 62)
        self._update_frozen_geometry()

    def _section_resized(self, index: int, _old: int, new: int) -> None:
        if index < self.frozen_count:
            self.frozen.setColumnWidth(index, new)
            self._update_frozen_geometry()

    def _frozen_sorted(self, column: int, order: Qt.SortOrder) -> None:
        if self.horizontalHeader().sortIndicatorSection() != column or (
            self.horizontalHeader().sortIndicatorOrder() != order
        ):
            self.horizontalHeader().setSortIndicator(column, order)

    def frozen_width(self) -> int:
        return sum(self.columnWidth(c) for c in range(self.frozen_count))

    def resizeEvent(self, event: Any) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._update_frozen_geometry()

    def _update_frozen_geometry(self) -> None:
        fw = self.frameWidth()
        self.frozen.setGeometry(
            fw, fw, self.frozen_width() + 2, self.viewport().height() + self.horizontalHeader().height()
        )
        self.frozen.horizontalHeader().setFixedHeight(self.horizontalHeader().height())

    def moveCursor(
        self, action: QAbstractItemView.CursorAction, modifiers: Qt.KeyboardModifier
    ) -> QModelIndex:  # noqa: N802
        current = super().moveCursor(action, modifiers)
        if (
            action == QAbstractItemView.CursorAction.MoveLeft
            and current.column() >= self.frozen_count
            and self.visualRect(current).topLeft().x() < self.frozen_width()
        ):
            new_value = (
                self.horizontalScrollBar().value()
                + self.visualRect(current).topLeft().x()
                - self.frozen_width()
            )
            self.horizontalScrollBar().setValue(new_value)
        return current

    def scrollTo(
        self, index: Index, hint: QAbstractItemView.ScrollHint = QAbstractItemView.ScrollHint.EnsureVisible
    ) -> None:  # noqa: N802
        if index.column() >= self.frozen_count:
            super().scrollTo(index, hint)
        else:  # keep the horizontal position; only scroll rows into view
            h = self.horizontalScrollBar().value()
            super().scrollTo(index, hint)
            self.horizontalScrollBar().setValue(h)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.open_cell.emit(self.currentIndex())
            return
        super().keyPressEvent(event)
