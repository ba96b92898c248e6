"""Hours tab: the month grid (officers x days, total, minimum-hours status) and duty entry.

- ``GridModel`` is a lazy table model over ``hours.month_grid``; it filters (team, search) and sorts
  its own Python list. ``build_grid_model(db, month)`` builds one (timed by the bench).
- ``FrozenTableView`` keeps collar, name and team in view while the days scroll.
- ``DutyEntryDialog`` is the keyboard-fast entry: collar (type-ahead), date (kept), start, end or
  hours, type (kept; first letter selects), Enter saves and clears for the next duty.
- ``EventDutyDialog`` gives one duty each to many ticked officers; ``DayDutiesDialog`` lists one
  officer's duties of one day with add, edit and delete; ``DutyDialog`` adds or edits one duty.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QAbstractTableModel,
    QModelIndex,
    QSignalBlocker,
    QStringListModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QPushButton,
    QStackedWidget,
    QTableView,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.core import hours, month_locks
from desktop.core.db import Database
from desktop.core.domain import DUTY_TYPES, normalise_collar
from desktop.core.errors import CipDeskError, ConflictError, NotFoundError, ValidationError, plain_message
from desktop.ui import dialogs
from desktop.ui.context import AppContext
from desktop.ui.table_model import Index
from desktop.ui.widgets import CANCELLED as _CANCELLED
from desktop.ui.widgets import EmptyState, error_label, save_with_lock_reason

RAG_BACKGROUND = {
    "green": QColor("#c6e8c0"),
    "amber": QColor("#fbd99a"),
    "red": QColor("#f5b7b1"),
    "grey": QColor("#e3e3e3"),
}
RAG_TEXT = {"green": "Met", "amber": "Below", "red": "Zero", "grey": "n/a"}
RAG_ORDER = {"red": 0, "amber": 1, "green": 2, "grey": 3}
WEEKDAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
ERROR_STYLE = "color: #b00020;"
OK_STYLE = "color: #1b5e20;"


def _natural_key(text: str) -> tuple[Any, ...]:
    """Collar numbers sort as people read them: 99 before 100, SC9 before SC10."""
    return tuple(int(p) if p.isdigit() else p.lower() for p in re.split(r"(\d+)", text or ""))


def _type_label(duty_type: str) -> str:
    return duty_type[:1].upper() + duty_type[1:]


DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _date_text(day: dt.date) -> str:
    return f"{DAY_NAMES[day.weekday()]} {day:%d/%m/%Y}"


# ---------------------------------------------------------------------------------------------
# The grid model
# ---------------------------------------------------------------------------------------------


class GridModel(QAbstractTableModel):
    """Rows of ``hours.MonthGrid``; columns: collar, name, team, total, status (frozen), then
    [monthly entry], day 1..N.

    Filtering (team, text) and sorting work on the model's own list, then reset the model.
    """

    FROZEN = 5  # collar, name, team, total and status stay in view while the days scroll

    def __init__(self, grid: hours.MonthGrid | None = None, parent: Any = None):
        super().__init__(parent)
        self._weekend = QBrush(QColor("#e8edf4"))
        self._off = QBrush(QColor("#d4d4d4"), Qt.BrushStyle.BDiagPattern)
        self._today = QBrush(QColor("#fff7d6"))
        self._rag = {k: QBrush(v) for k, v in RAG_BACKGROUND.items()}
        self._bold = QFont()
        self._bold.setBold(True)
        self._centre = int(Qt.AlignmentFlag.AlignCenter)
        self._right = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self._team: str | None = None
        self._text = ""
        self._sort: tuple[int, Qt.SortOrder] | None = None
        self.grid = grid or hours.MonthGrid(
            "1970-01", dt.date(1970, 1, 1), dt.date(1970, 1, 31), 16, False, [], [], 0
        )
        self.rows: list[hours.GridRow] = []
        self._layout()
        self._apply()

    # -- contents ----------------------------------------------------------------------------
    def _layout(self) -> None:
        g = self.grid
        self.n_days = g.days
        self.has_monthly = any(r.monthly_total for r in g.rows)
        self.total_col = 3
        self.rag_col = 4
        self.monthly_col = 5 if self.has_monthly else -1
        self.first_day_col = 6 if self.has_monthly else 5
        self.weekend = [(g.first + dt.timedelta(days=i)).weekday() >= 5 for i in range(self.n_days)]
        today = dt.date.today()
        self.today_day = today.day if (today.year, today.month) == (g.first.year, g.first.month) else 0

    def set_grid(self, grid: hours.MonthGrid) -> None:
        self.beginResetModel()
        self.grid = grid
        if self._team is not None and self._team not in grid.teams:
            self._team = None
        self._layout()
        self._apply(reset=False)
        self.endResetModel()

    def set_filter(self, *, team: str | None | object = _CANCELLED, text: str | None = None) -> None:
        if team is not _CANCELLED:
            self._team = team  # type: ignore[assignment]
        if text is not None:
            self._text = text.strip().lower()
        self._apply()

    def _apply(self, reset: bool = True) -> None:
        if reset:
            self.beginResetModel()
        rows = self.grid.rows
        if self._team is not None:
            rows = [r for r in rows if (r.team or "") == self._team]
        if self._text:
            words = self._text.split()
            rows = [r for r in rows if all(w in f"{r.collar} {r.name}".lower() for w in words)]
        self.rows = list(rows)
        if self._sort is not None:
            self._sort_rows(*self._sort)
        if reset:
            self.endResetModel()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.layoutAboutToBeChanged.emit()
        self._sort = (column, order)
        self._sort_rows(column, order)
        self.layoutChanged.emit()

    def _sort_rows(self, column: int, order: Qt.SortOrder) -> None:
        key: Callable[[hours.GridRow], Any]
        if column == 0:
            key = lambda r: _natural_key(r.collar)  # noqa: E731
        elif column == 1:
            key = lambda r: (r.name.lower(), _natural_key(r.collar))  # noqa: E731
        elif column == 2:
            key = lambda r: ((r.team or "\uffff").lower(), r.name.lower())  # noqa: E731
        elif self.first_day_col <= column < self.first_day_col + self.n_days:
            i = column - self.first_day_col
            key = lambda r: (r.days[i], r.name.lower())  # noqa: E731
        elif column == self.monthly_col:
            key = lambda r: (r.monthly_total, r.name.lower())  # noqa: E731
        elif column == self.total_col:
            key = lambda r: (r.total, r.name.lower())  # noqa: E731
        else:
            key = lambda r: (RAG_ORDER[r.rag], r.total, r.name.lower())  # noqa: E731
        self.rows.sort(key=key, reverse=order == Qt.SortOrder.DescendingOrder)

    # -- helpers for the view ------------------------------------------------------------------
    def row_at(self, row: int) -> hours.GridRow:
        return self.rows[row]

    def day_of_column(self, column: int) -> int | None:
        if self.first_day_col <= column < self.first_day_col + self.n_days:
            return column - self.first_day_col + 1
        return None

    def date_of_column(self, column: int) -> dt.date | None:
        day = self.day_of_column(column)
        return self.grid.first.replace(day=day) if day else None

    def counts(self) -> dict[str, int]:
        out = {"green": 0, "amber": 0, "red": 0, "grey": 0}
        for r in self.rows:
            out[r.rag] += 1
        return out

    # -- Qt interface ------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self.first_day_col + self.n_days

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        day = self.day_of_column(section)
        if role == Qt.ItemDataRole.DisplayRole:
            if section < 3:
                return ("Collar", "Name", "Team")[section]
            if day:
                return f"{day}\n{WEEKDAYS[(self.grid.first.weekday() + day - 1) % 7]}"
            if section == self.monthly_col:
                return "Monthly\nentry"
            if section == self.total_col:
                return "Total"
            return "Minimum"
        if role == Qt.ItemDataRole.ToolTipRole:
            if day:
                return _date_text(self.grid.first.replace(day=day))
            if section == self.monthly_col:
                return "Hours imported as one total for the month (legacy spreadsheet); included in Total."
            if section == self.total_col:
                return "All hours of the month, monthly-total entries included."
            if section == self.rag_col:
                return (
                    f"Minimum {hours.format_hours(self.grid.minimum_hours)} hours: Met, Below (some hours), "
                    "Zero, or n/a where the minimum does not apply (not attested, LOA, suspended, left)."
                )
        if role == Qt.ItemDataRole.FontRole and day and day == self.today_day:
            return self._bold
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return row.collar
            if col == 1:
                return row.name
            if col == 2:
                return row.team or ""
            if col == self.total_col:
                return hours.format_hours(row.total) or "0"
            if col == self.rag_col:
                return RAG_TEXT[row.rag]
            if col == self.monthly_col:
                return hours.format_hours(row.monthly_total)
            return hours.format_hours(row.days[col - self.first_day_col])
        if role == Qt.ItemDataRole.BackgroundRole:
            if col == self.rag_col:
                return self._rag[row.rag]
            day = self.day_of_column(col)
            if day:
                if day < row.first_day or day > row.last_day:
                    return self._off
                if self.weekend[day - 1]:
                    return self._weekend
                if day == self.today_day:
                    return self._today
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if col < 3:
                return None
            if col in (self.total_col, self.monthly_col):
                return self._right
            return self._centre
        if role == Qt.ItemDataRole.FontRole:
            return self._bold if col == self.total_col else None
        if role == Qt.ItemDataRole.ToolTipRole:
            day = self.day_of_column(col)
            if day:
                when = _date_text(self.grid.first.replace(day=day))
                if day < row.first_day:
                    return f"{when}: before {row.name} joined"
                if day > row.last_day:
                    return f"{when}: after {row.name} left"
                h = row.days[day - 1]
                text = f"{row.name}, {when}: {hours.format_hours(h) or 'no'} hours"
                if day == 1 and row.monthly_total:
                    text += f" (plus {hours.format_hours(row.monthly_total)} h entered as a monthly total)"
                return text + ". Double-click or press Enter to see or add duties."
            if col == self.rag_col:
                return row.rag_reason
            if col == self.total_col and row.monthly_total:
                return (
                    f"Includes {hours.format_hours(row.monthly_total)} hours entered as a monthly total "
                    f"for {hours.month_label(self.grid.month)}."
                )
            return None
        if role == Qt.ItemDataRole.UserRole:
            return row.officer_id
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


def build_grid_model(db: Database, month: str, team: str | None = None) -> GridModel:
    """The Hours grid's model for ``month`` (YYYY-MM), ready to show (the bench times this)."""
    model = GridModel(hours.month_grid(db, month))
    if team is not None:
        model.set_filter(team=team)
    return model


# ---------------------------------------------------------------------------------------------
# The grid view: first columns frozen
# ---------------------------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------------------------
# Saving with a reason in locked months
# ---------------------------------------------------------------------------------------------


def _show(label: QLabel, text: str | None, ok: bool = False) -> None:
    label.setStyleSheet(OK_STYLE if ok else ERROR_STYLE)
    label.setText(text or "")
    label.setVisible(bool(text))


# ---------------------------------------------------------------------------------------------
# The duty form (date, times or hours, type, unit, note) shared by the dialogs
# ---------------------------------------------------------------------------------------------


class DutyForm(QWidget):
    """Fields of one duty with a red reason under each. ``collect()`` reads them as service data."""

    changed = Signal()

    def __init__(
        self,
        db: Database,
        *,
        with_date: bool = True,
        default_type: str = "patrol",
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.db = db
        self.base_date = dt.date.today()
        self.monthly_total = False
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(2)
        self.grid = grid
        self.errors: dict[str, QLabel] = {}
        self._row = 0

        self.date_edit = QLineEdit()
        self.date_edit.setPlaceholderText("dd/mm/yyyy")
        self.date_edit.setToolTip(
            "Type 12, 12/5 or 12/05/2026; the month and year default to the last date used."
        )
        self.date_edit.setFixedWidth(110)
        self.date_hint = QLabel()
        self.date_hint.setStyleSheet("color: palette(mid);")
        if with_date:
            self._add_row("&Date", "date", self.date_edit, self.date_hint)

        self.start_edit = QLineEdit()
        self.start_edit.setPlaceholderText("hh:mm")
        self.start_edit.setFixedWidth(70)
        self.end_edit = QLineEdit()
        self.end_edit.setPlaceholderText("hh:mm")
        self.end_edit.setFixedWidth(70)
        self.hours_edit = QLineEdit()
        self.hours_edit.setPlaceholderText("or hours")
        self.hours_edit.setFixedWidth(70)
        self.hours_edit.setToolTip("Hours alone, when there are no start and end times (7.5 or 7:30).")
        times = QWidget()
        tl = QHBoxLayout(times)
        tl.setContentsMargins(0, 0, 0, 0)
        tl.addWidget(self.start_edit)
        self.to_label = QLabel("to")
        tl.addWidget(self.to_label)
        tl.addWidget(self.end_edit)
        self.or_label = QLabel("  or hours")
        tl.addWidget(self.or_label)
        tl.addWidget(self.hours_edit)
        self.hours_hint = QLabel()
        self.hours_hint.setStyleSheet("color: palette(mid);")
        self.times_label = self._add_row(
            "&Start", "start_time", times, self.hours_hint, extra_keys=("end_time", "hours")
        )
        self.times_label.setBuddy(self.start_edit)

        self.type_combo = QComboBox()
        for t in DUTY_TYPES:
            self.type_combo.addItem(_type_label(t), t)
        self.type_combo.setToolTip(
            "Type the first letter to choose: Patrol, Response, Neighbourhood, Event, …"
        )
        self.type_combo.setCurrentIndex(max(0, DUTY_TYPES.index(default_type)))
        self._add_row("&Type", "duty_type", self.type_combo)

        self.unit_combo = QComboBox()
        self.unit_combo.addItem("(no unit)", 0)
        for uid, name in hours.units(db):
            self.unit_combo.addItem(name, uid)
        self.unit_combo.setToolTip("The specialist unit, for a specialist attachment duty.")
        self._add_row("&Unit", "unit_id", self.unit_combo)

        self.note_edit = QLineEdit()
        self.note_edit.setPlaceholderText("optional")
        self._add_row("N&ote", "note", self.note_edit)
        grid.setColumnStretch(1, 1)
        self.type_combo.setMinimumWidth(200)
        self.unit_combo.setMinimumWidth(200)
        self.note_edit.setMinimumWidth(300)

        for edit in (self.date_edit, self.start_edit, self.end_edit, self.hours_edit, self.note_edit):
            edit.textChanged.connect(self._update_hints)
        self.type_combo.currentIndexChanged.connect(self._type_changed)
        self._type_changed()
        self._update_hints()

    def _add_row(
        self,
        label: str,
        key: str,
        widget: QWidget,
        hint: QWidget | None = None,
        extra_keys: tuple[str, ...] = (),
    ) -> QLabel:
        lab = QLabel(label)
        lab.setBuddy(widget)
        self.grid.addWidget(lab, self._row, 0)
        cell = QHBoxLayout()
        cell.setContentsMargins(0, 0, 0, 0)
        cell.addWidget(widget)
        if hint is not None:
            cell.addWidget(hint)
        cell.addStretch(1)
        self.grid.addLayout(cell, self._row, 1)
        err = error_label(ERROR_STYLE)
        self.grid.addWidget(err, self._row + 1, 1)
        for k in (key, *extra_keys):
            self.errors[k] = err
        self._row += 2
        return lab

    def first_field(self) -> QWidget:
        return (
            self.date_edit
            if self.date_edit.parent() is not None and self.date_edit.isVisibleTo(self)
            else self.start_edit
        )

    def focus_widgets(self) -> list[QWidget]:
        out: list[QWidget] = []
        if self.date_edit.isVisibleTo(self):
            out.append(self.date_edit)
        out += [
            self.start_edit,
            self.end_edit,
            self.hours_edit,
            self.type_combo,
            self.unit_combo,
            self.note_edit,
        ]
        return out

    def set_monthly_total(self, on: bool) -> None:
        """A monthly-total entry: only hours and note can change."""
        self.monthly_total = on
        for w in (
            self.start_edit,
            self.end_edit,
            self.to_label,
            self.or_label,
            self.type_combo,
            self.unit_combo,
        ):
            w.setEnabled(not on)
        self.date_edit.setEnabled(not on)
        self.hours_edit.setPlaceholderText("hours" if on else "or hours")

    def _type_changed(self) -> None:
        attachment = self.type_combo.currentData() == hours.ATTACHMENT_TYPE
        has_unit = self.unit_combo.currentData() not in (0, None)
        self.unit_combo.setEnabled(not self.monthly_total and (attachment or has_unit))
        self.changed.emit()

    def _update_hints(self) -> None:
        try:
            day = hours.parse_date_text(self.date_edit.text(), self.base_date)
            self.date_hint.setText(_date_text(day) if day else "")
        except ValueError:
            self.date_hint.setText("")
        try:
            start = hours.parse_time_text(self.start_edit.text())
            end = hours.parse_time_text(self.end_edit.text())
        except ValueError:
            start = end = None
        text = ""
        if start and end and start != end:
            h = hours.duty_hours(start, end)
            text = f"= {hours.format_hours(h)} h" + (
                " (overnight, counts on the start date)" if end < start else ""
            )
        self.hours_hint.setText(text)
        self.hours_edit.setEnabled(
            self.monthly_total or not (self.start_edit.text().strip() or self.end_edit.text().strip())
        )
        self.changed.emit()

    # -- values ------------------------------------------------------------------------------
    def set_date(self, day: dt.date | None) -> None:
        if day is not None:
            self.base_date = day
            self.date_edit.setText(f"{day:%d/%m/%Y}")

    def set_type(self, duty_type: str) -> None:
        i = self.type_combo.findData(duty_type)
        if i >= 0:
            self.type_combo.setCurrentIndex(i)

    def set_record(self, rec: hours.DutyRecord) -> None:
        self.set_monthly_total(rec.is_monthly_total)
        self.set_date(rec.date)
        self.start_edit.setText(f"{rec.start_time:%H:%M}" if rec.start_time else "")
        self.end_edit.setText(f"{rec.end_time:%H:%M}" if rec.end_time else "")
        self.hours_edit.setText("" if rec.start_time else hours.format_hours(rec.hours))
        self.set_type(rec.duty_type)
        i = self.unit_combo.findData(rec.unit_id or 0)
        if i < 0 and rec.unit_id:
            self.unit_combo.addItem(rec.unit_name or f"Unit {rec.unit_id}", rec.unit_id)
            i = self.unit_combo.count() - 1
        self.unit_combo.setCurrentIndex(max(i, 0))
        self.note_edit.setText(rec.note or "")
        self._type_changed()

    def collect(self) -> tuple[dict[str, Any], dict[str, str]]:
        """Service data from the fields, and the reasons of fields that cannot be read."""
        errors: dict[str, str] = {}
        data: dict[str, Any] = {}
        try:
            data["date"] = hours.parse_date_text(self.date_edit.text(), self.base_date)
        except ValueError as exc:
            errors["date"] = str(exc)
        for key, edit in (("start_time", self.start_edit), ("end_time", self.end_edit)):
            try:
                data[key] = hours.parse_time_text(edit.text())
            except ValueError as exc:
                errors[key] = str(exc)
        try:
            data["hours"] = (
                hours.parse_hours_text(self.hours_edit.text()) if self.hours_edit.isEnabled() else None
            )
        except ValueError as exc:
            errors["hours"] = str(exc)
        if not self.monthly_total:
            data["duty_type"] = self.type_combo.currentData()
            data["unit_id"] = self.unit_combo.currentData() or None
        data["note"] = self.note_edit.text().strip() or None
        return data, errors

    def show_errors(self, errors: dict[str, str]) -> None:
        shown: dict[int, list[str]] = {}
        for key, label in self.errors.items():
            if key in errors:
                shown.setdefault(id(label), []).append(errors[key])
        for label in set(self.errors.values()):
            _show(label, " ".join(shown.get(id(label), [])))
        for key, widget in (
            ("date", self.date_edit),
            ("start_time", self.start_edit),
            ("end_time", self.end_edit),
            ("hours", self.hours_edit),
            ("duty_type", self.type_combo),
            ("unit_id", self.unit_combo),
        ):
            if key in errors:
                widget.setFocus()  # the cursor goes where the problem is
                break

    def clear_for_next(self) -> None:
        """After a save: clear times, hours and note; keep date, type and unit."""
        for edit in (self.start_edit, self.end_edit, self.hours_edit, self.note_edit):
            edit.clear()
        self.show_errors({})


# ---------------------------------------------------------------------------------------------
# Officer picker for the entry dialog
# ---------------------------------------------------------------------------------------------


class CollarEdit(QLineEdit):
    """The collar box: Enter submits (also when the type-ahead list is open, which would eat it)."""

    submitted = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            completer = self.completer()
            if completer is not None and completer.popup().isVisible():
                completer.popup().hide()
            event.accept()
            self.submitted.emit()
            return
        super().keyPressEvent(event)


class OfficerField(QWidget):
    """A collar number box with type-ahead on collar or name; says who it found beside it."""

    changed = Signal()

    def __init__(self, choices: list[hours.OfficerChoice], parent: QWidget | None = None):
        super().__init__(parent)
        self.choices = choices
        self.by_collar = {c.collar: c for c in choices}
        self.by_label = {c.label: c for c in choices}
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.edit = CollarEdit()
        self.edit.setPlaceholderText("collar number or name")
        self.edit.setMaximumWidth(160)
        self.completer = QCompleter(QStringListModel([c.label for c in choices]), self)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.completer.setMaxVisibleItems(12)
        self.edit.setCompleter(self.completer)
        self.who = QLabel()
        layout.addWidget(self.edit)
        layout.addWidget(self.who, 1)
        self.edit.textChanged.connect(self._update)

    def officer(self) -> hours.OfficerChoice | None:
        text = self.edit.text().strip()
        if not text:
            return None
        if text in self.by_label:
            return self.by_label[text]
        found = self.by_collar.get(normalise_collar(text))
        if found is not None:
            return found
        words = text.lower().split()
        matches = [c for c in self.choices if all(w in c.name.lower() for w in words)]
        return matches[0] if len(matches) == 1 else None

    def _update(self) -> None:
        choice = self.officer()
        text = self.edit.text().strip()
        if choice is not None:
            self.who.setStyleSheet("")
            extra = f"  ·  {choice.team}" if choice.team else ""
            if choice.left_date:
                extra += f"  (left {choice.left_date:%d/%m/%Y})"
            self.who.setText(f"<b>{choice.name}</b>{extra}")
        elif text:
            self.who.setStyleSheet("color: palette(mid);")
            self.who.setText("no officer with that collar number yet")
        else:
            self.who.setText("")
        self.changed.emit()

    def clear(self) -> None:
        self.edit.clear()


# ---------------------------------------------------------------------------------------------
# Keyboard-fast entry
# ---------------------------------------------------------------------------------------------


class DutyEntryDialog(QDialog):
    """Record many duties from paper without the mouse.

    Collar → Date → Start → End (or Hours) → Type → Unit → Note; Enter saves and clears for the next
    duty, keeping date and type; Ctrl+Z undoes the last saved duty; Escape closes.
    """

    def __init__(
        self, ctx: AppContext, *, default_date: dt.date | None = None, parent: QWidget | None = None
    ):
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("Enter duties")
        self.setMinimumWidth(640)
        self.saved: list[hours.DutyRecord] = []
        self.reasons: dict[str, str] = {}
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Type the collar number, date, start and end (or hours), then press <b>Enter</b> to save and "
            "start the next. The date and type are kept. <b>Ctrl+Z</b> undoes the last one."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)

        self.officer = OfficerField(hours.officer_choices(ctx.db))
        self.officer.edit.submitted.connect(self.save)
        self.form = DutyForm(ctx.db)
        self.form.set_date(default_date or dt.date.today())
        top = QGridLayout()
        lab = QLabel("&Collar")
        lab.setBuddy(self.officer.edit)
        top.addWidget(lab, 0, 0)
        top.addWidget(self.officer, 0, 1)
        self.officer_error = error_label(ERROR_STYLE)
        top.addWidget(self.officer_error, 1, 1)
        top.setColumnMinimumWidth(0, 44)
        layout.addLayout(top)
        self.form.grid.setColumnMinimumWidth(0, 44)
        layout.addWidget(self.form)

        buttons = QHBoxLayout()
        self.status = QLabel()
        self.status.setWordWrap(True)
        buttons.addWidget(self.status, 1)
        self.save_button = QPushButton("&Save (Enter)")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.undo_button = QPushButton("&Undo last (Ctrl+Z)")
        self.undo_button.setEnabled(False)
        self.undo_button.clicked.connect(self.undo_last)
        self.close_button = QPushButton("Close (Esc)")
        self.close_button.setAutoDefault(False)
        self.close_button.clicked.connect(self.reject)
        for b in (self.save_button, self.undo_button, self.close_button):
            buttons.addWidget(b)
        self.undo_button.setAutoDefault(False)
        layout.addLayout(buttons)

        layout.addWidget(QLabel("Just entered (newest first):"))
        self.just_entered = QListWidget()
        self.just_entered.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.just_entered.setMinimumHeight(140)
        layout.addWidget(self.just_entered, 1)

        QShortcut(QKeySequence.StandardKey.Undo, self, activated=self.undo_last)
        order = [
            self.officer.edit,
            *self.form.focus_widgets(),
            self.save_button,
            self.undo_button,
            self.close_button,
        ]
        for a, b in zip(order, order[1:], strict=False):
            QWidget.setTabOrder(a, b)
        self.officer.edit.setFocus()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.save()
            return
        super().keyPressEvent(event)

    def save(self) -> hours.DutyRecord | None:
        data, errors = self.form.collect()
        choice = self.officer.officer()
        if choice is None:
            if not errors:  # say everything that is wrong at once
                errors.update(hours.validate_duty(self.ctx.db, data))
            errors["officer_id"] = (
                "Type the officer's collar number."
                if not self.officer.edit.text().strip()
                else f"No officer has collar number {normalise_collar(self.officer.edit.text())}."
            )
        else:
            data["officer_id"] = choice.id
        if errors:
            return self._fail(errors)
        try:
            rec = save_with_lock_reason(
                self, lambda reason: hours.add_duty(self.ctx.db, data, reason=reason), self.reasons
            )
        except ValidationError as exc:
            return self._fail(exc.errors)
        except CipDeskError as exc:
            return self._fail({"": str(exc)})
        if rec is _CANCELLED:
            _show(self.status, "Not saved: a signed-off month needs a reason for any change.")
            return None
        self.saved.append(rec)
        self.form.base_date = rec.date
        self.just_entered.insertItem(0, self._line(rec))
        self.undo_button.setEnabled(True)
        _show(self.officer_error, "")
        self.form.clear_for_next()
        self.form.set_date(rec.date)
        _show(
            self.status,
            f"Saved: {rec.collar} {rec.name}, {hours.format_hours(rec.hours)} h on {_date_text(rec.date)}.",
            ok=True,
        )
        self.officer.clear()
        self.officer.edit.setFocus()
        self.ctx.notify("duties")
        return rec

    def _fail(self, errors: dict[str, str]) -> None:
        _show(self.officer_error, errors.pop("officer_id", ""))
        general = errors.pop("", "")
        self.form.show_errors(errors)
        _show(self.status, general or "Not saved: see the reasons in red.")
        for key, widget in (
            ("officer_id", self.officer.edit),
            ("date", self.form.date_edit),
            ("start_time", self.form.start_edit),
            ("end_time", self.form.end_edit),
            ("hours", self.form.hours_edit),
            ("duty_type", self.form.type_combo),
            ("unit_id", self.form.unit_combo),
        ):
            if key in errors or (key == "officer_id" and self.officer_error.isVisible()):
                widget.setFocus()
                break
        return None

    @staticmethod
    def _line(rec: hours.DutyRecord) -> str:
        parts = [f"{rec.collar} {rec.name}", _date_text(rec.date)]
        if rec.times_text:
            parts.append(rec.times_text)
        parts.append(f"{hours.format_hours(rec.hours)} h")
        parts.append(rec.type_text)
        if rec.note:
            parts.append(rec.note)
        return "  ·  ".join(parts)

    def undo_last(self) -> None:
        if not self.saved:
            return
        rec = self.saved[-1]
        try:
            done = save_with_lock_reason(
                self, lambda reason: hours.delete_duty(self.ctx.db, rec.id, reason=reason), self.reasons
            )
        except NotFoundError:
            done = None
        except CipDeskError as exc:
            _show(self.status, str(exc))
            return
        if done is _CANCELLED:
            _show(self.status, "Not undone: a signed-off month needs a reason for any change.")
            return
        self.saved.pop()
        self.just_entered.takeItem(0)
        self.undo_button.setEnabled(bool(self.saved))
        _show(
            self.status,
            f"Undone: {rec.collar} {rec.name}, {hours.format_hours(rec.hours)} h on {_date_text(rec.date)}.",
            ok=True,
        )
        self.ctx.notify("duties")


# ---------------------------------------------------------------------------------------------
# One duty: add (officer fixed) or edit
# ---------------------------------------------------------------------------------------------


class DutyDialog(QDialog):
    """Add a duty for one officer (date given) or edit an existing duty."""

    def __init__(
        self,
        ctx: AppContext,
        officer_id: int,
        *,
        record: hours.DutyRecord | None = None,
        day: dt.date | None = None,
        officer_label: str = "",
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.ctx = ctx
        self.officer_id = officer_id
        self.record = record
        self.result_record: hours.DutyRecord | None = None
        self.setWindowTitle(
            ("Edit duty" if record else "Add duty") + (f": {officer_label}" if officer_label else "")
        )
        layout = QVBoxLayout(self)
        if officer_label:
            who = QLabel(f"<b>{officer_label}</b>")
            layout.addWidget(who)
        self.form = DutyForm(ctx.db)
        if record is not None:
            self.form.set_record(record)
        else:
            self.form.set_date(day or dt.date.today())
        layout.addWidget(self.form)
        self.error = error_label(ERROR_STYLE)
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        (self.form.hours_edit if record and record.is_monthly_total else self.form.start_edit).setFocus()

    def save(self) -> None:
        data, errors = self.form.collect()
        if errors:
            self.form.show_errors(errors)
            return
        rec = self.record
        try:
            if rec is None:
                data["officer_id"] = self.officer_id
                result = save_with_lock_reason(
                    self, lambda reason: hours.add_duty(self.ctx.db, data, reason=reason)
                )
            else:
                if rec.is_monthly_total:
                    data = {"hours": data["hours"], "note": data["note"]}
                result = save_with_lock_reason(
                    self,
                    lambda reason: hours.update_duty(
                        self.ctx.db, rec.id, data, version=rec.version, reason=reason
                    ),
                )
        except ValidationError as exc:
            self.form.show_errors(exc.errors)
            _show(self.error, exc.errors.get("officer_id", ""))
            return
        except (ConflictError, NotFoundError, CipDeskError) as exc:
            _show(self.error, str(exc))
            return
        if result is _CANCELLED:
            _show(self.error, "Not saved: a signed-off month needs a reason for any change.")
            return
        self.result_record = result
        self.ctx.notify("duties")
        self.accept()


def delete_duty_asking(parent: QWidget, ctx: AppContext, rec: hours.DutyRecord) -> bool:
    """Confirm, then delete (asking a reason in a signed-off month). True when deleted."""
    what = f"{hours.format_hours(rec.hours)} h {rec.type_text.lower()}"
    if not dialogs.confirm(
        parent, "Delete duty", f"Delete the {what} of {_date_text(rec.date)} for {rec.name}?"
    ):
        return False
    try:
        done = save_with_lock_reason(parent, lambda reason: hours.delete_duty(ctx.db, rec.id, reason=reason))
    except NotFoundError:
        done = None
    except CipDeskError as exc:
        dialogs.error(parent, "Delete duty", str(exc))
        return False
    if done is _CANCELLED:
        return False
    ctx.notify("duties")
    return True


# ---------------------------------------------------------------------------------------------
# One officer's day
# ---------------------------------------------------------------------------------------------


class DayDutiesDialog(QDialog):
    """The duties of one officer on one day, with Add (Insert), Edit (Enter) and Delete (Del)."""

    def __init__(
        self,
        ctx: AppContext,
        officer_id: int,
        day: dt.date,
        officer_label: str,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.ctx = ctx
        self.officer_id = officer_id
        self.day = day
        self.officer_label = officer_label
        self.setWindowTitle(f"{officer_label}: {_date_text(day)}")
        self.resize(680, 300)
        layout = QVBoxLayout(self)
        self.heading = QLabel()
        layout.addWidget(self.heading)
        self.list = QTreeWidget()
        self.list.setRootIsDecorated(False)
        self.list.setHeaderLabels(["Time", "Hours", "Type", "Note"])
        self.list.setColumnWidth(0, 190)
        self.list.setColumnWidth(1, 60)
        self.list.setColumnWidth(2, 190)
        self.list.itemActivated.connect(lambda *_: self.edit())
        layout.addWidget(self.list, 1)
        self.empty = QLabel("No duties on this day. Press Add (or Insert) to record one.")
        self.empty.setStyleSheet("color: palette(mid);")
        layout.addWidget(self.empty)
        row = QHBoxLayout()
        self.add_button = QPushButton("&Add…")
        self.edit_button = QPushButton("&Edit…")
        self.delete_button = QPushButton("&Delete")
        close = QPushButton("Close")
        for b in (self.add_button, self.edit_button, self.delete_button):
            b.setAutoDefault(False)
            row.addWidget(b)
        row.addStretch(1)
        row.addWidget(close)
        layout.addLayout(row)
        self.add_button.clicked.connect(self.add)
        self.edit_button.clicked.connect(self.edit)
        self.delete_button.clicked.connect(self.delete)
        close.clicked.connect(self.accept)
        QShortcut(QKeySequence(Qt.Key.Key_Insert), self, activated=self.add)
        QShortcut(QKeySequence.StandardKey.Delete, self.list, activated=self.delete)
        self.records: list[hours.DutyRecord] = []
        self.refresh()

    def refresh(self) -> None:
        self.records = hours.list_duties(self.ctx.db, self.officer_id, self.day, self.day)
        self.list.clear()
        for rec in self.records:
            item = QTreeWidgetItem(
                [rec.times_text or "hours only", hours.format_hours(rec.hours), rec.type_text, rec.note or ""]
            )
            item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.list.addTopLevelItem(item)
        total = sum(r.hours for r in self.records)
        self.heading.setText(
            f"<b>{self.officer_label}</b>, {_date_text(self.day)}: "
            f"{hours.format_hours(total) or 'no'} hours"
            + (
                "  <span style='color:#8a6d00'>(signed-off month)</span>"
                if month_locks.is_signed_off(self.ctx.db, hours.month_key(self.day))
                else ""
            )
        )
        self.empty.setVisible(not self.records)
        self.list.setVisible(bool(self.records))
        has = bool(self.records)
        self.edit_button.setEnabled(has)
        self.delete_button.setEnabled(has)
        if has:
            self.list.setCurrentItem(self.list.topLevelItem(0))
            self.list.setFocus()
        else:
            self.add_button.setFocus()

    def current(self) -> hours.DutyRecord | None:
        item = self.list.currentItem()
        if item is None:
            return None
        return self.records[self.list.indexOfTopLevelItem(item)]

    def add(self) -> None:
        dlg = DutyDialog(
            self.ctx, self.officer_id, day=self.day, officer_label=self.officer_label, parent=self
        )
        if dlg.exec():
            self.refresh()

    def edit(self) -> None:
        rec = self.current()
        if rec is None:
            return
        dlg = DutyDialog(self.ctx, self.officer_id, record=rec, officer_label=self.officer_label, parent=self)
        if dlg.exec():
            self.refresh()

    def delete(self) -> None:
        rec = self.current()
        if rec is not None and delete_duty_asking(self, self.ctx, rec):
            self.refresh()


# ---------------------------------------------------------------------------------------------
# Event duty: one duty each for many officers
# ---------------------------------------------------------------------------------------------


class OfficerCheckModel(QAbstractListModel):
    """Officers with a tick box, filtered in Python (thousands of rows stay fast)."""

    ticked_changed = Signal()

    def __init__(self, choices: list[hours.OfficerChoice], parent: Any = None):
        super().__init__(parent)
        self.all = choices
        self.shown = list(choices)
        self.ticked: set[int] = set()

    def set_filter(self, text: str) -> None:
        words = text.lower().split()
        self.beginResetModel()
        self.shown = [c for c in self.all if all(w in c.label.lower() for w in words)]
        self.endResetModel()

    def set_ticked(self, ids: set[int]) -> None:
        self.beginResetModel()
        self.ticked = set(ids)
        self.endResetModel()
        self.ticked_changed.emit()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.shown)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        c = self.shown[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return c.label
        if role == Qt.ItemDataRole.CheckStateRole:
            return Qt.CheckState.Checked if c.id in self.ticked else Qt.CheckState.Unchecked
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if role != Qt.ItemDataRole.CheckStateRole or not index.isValid():
            return False
        c = self.shown[index.row()]
        on = value in (Qt.CheckState.Checked, Qt.CheckState.Checked.value, 2)
        if on:
            self.ticked.add(c.id)
        else:
            self.ticked.discard(c.id)
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])
        self.ticked_changed.emit()
        return True

    def toggle(self, row: int) -> None:
        c = self.shown[row]
        idx = self.index(row, 0)
        self.setData(
            idx,
            Qt.CheckState.Unchecked if c.id in self.ticked else Qt.CheckState.Checked,
            Qt.ItemDataRole.CheckStateRole,
        )

    def flags(self, index: Index) -> Qt.ItemFlag:
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsUserCheckable


class EventDutyDialog(QDialog):
    """Pick officers (type to find, Enter ticks the only match or the highlighted one; Space ticks),
    then one duty each: same date, times or hours, type (default Event), note."""

    def __init__(
        self, ctx: AppContext, *, default_date: dt.date | None = None, parent: QWidget | None = None
    ):
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("Event duty for many officers")
        self.resize(900, 560)
        self.reasons: dict[str, str] = {}
        layout = QHBoxLayout(self)

        left = QVBoxLayout()
        lab = QLabel("&Find officers (collar or name; Enter ticks, Space toggles):")
        self.search = QLineEdit()
        self.search.setPlaceholderText("type a collar number or a name")
        self.search.setClearButtonEnabled(True)
        lab.setBuddy(self.search)
        left.addWidget(lab)
        left.addWidget(self.search)
        choices = [c for c in hours.officer_choices(ctx.db) if c.status != "left"]
        self.model = OfficerCheckModel(choices, self)
        self.list = QListView()
        self.list.setModel(self.model)
        self.list.setUniformItemSizes(True)
        left.addWidget(self.list, 1)
        row = QHBoxLayout()
        self.tick_shown = QPushButton("Tick all shown")
        self.untick_all = QPushButton("Untick all")
        for b in (self.tick_shown, self.untick_all):
            b.setAutoDefault(False)
            row.addWidget(b)
        row.addStretch(1)
        self.count = QLabel()
        row.addWidget(self.count)
        left.addLayout(row)
        layout.addLayout(left, 3)

        right = QVBoxLayout()
        self.form = DutyForm(ctx.db, default_type="event")
        self.form.set_date(default_date or dt.date.today())
        right.addWidget(self.form)
        self.error = error_label(ERROR_STYLE)
        right.addWidget(self.error)
        self.result_label = QLabel()
        self.result_label.setWordWrap(True)
        self.result_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        right.addWidget(self.result_label, 1)
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton("&Save one duty each", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Close)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        right.addWidget(buttons)
        layout.addLayout(right, 2)

        self.search.textChanged.connect(self.model.set_filter)
        self.search.returnPressed.connect(self._tick_from_search)
        self.search.installEventFilter(self)
        self.tick_shown.clicked.connect(
            lambda: self.model.set_ticked(self.model.ticked | {c.id for c in self.model.shown})
        )
        self.untick_all.clicked.connect(lambda: self.model.set_ticked(set()))
        self.model.ticked_changed.connect(self._update_count)
        self.model.modelReset.connect(self._update_count)
        self._update_count()
        self.search.setFocus()

    def eventFilter(self, obj: Any, event: Any) -> bool:  # noqa: N802
        # Down arrow from the search box moves into the list.
        if obj is self.search and event.type() == event.Type.KeyPress and event.key() == Qt.Key.Key_Down:
            self.list.setFocus()
            if self.model.rowCount() and not self.list.currentIndex().isValid():
                self.list.setCurrentIndex(self.model.index(0, 0))
            return True
        return super().eventFilter(obj, event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if self.search.hasFocus():
                return  # handled by returnPressed
            if self.list.hasFocus() and self.list.currentIndex().isValid():
                self.model.toggle(self.list.currentIndex().row())
                return
        super().keyPressEvent(event)

    def _tick_from_search(self) -> None:
        if len(self.model.shown) == 1:
            self.model.toggle(0)
            self.search.clear()
        elif not self.search.text().strip():
            self.form.first_field().setFocus()

    def _update_count(self) -> None:
        n = len(self.model.ticked)
        self.count.setText(f"{n} ticked · {len(self.model.shown)} shown")
        self.save_button.setText(f"&Save {n} dut{'y' if n == 1 else 'ies'}" if n else "&Save one duty each")

    def save(self) -> None:
        data, errors = self.form.collect()
        if errors:
            self.form.show_errors(errors)
            return
        ids = sorted(self.model.ticked)
        try:
            result = save_with_lock_reason(
                self,
                lambda reason: hours.add_event_duties(self.ctx.db, ids, data, reason=reason),
                self.reasons,
            )
        except ValidationError as exc:
            self.form.show_errors(exc.errors)
            _show(self.error, exc.errors.get("officer_id", ""))
            return
        except CipDeskError as exc:
            _show(self.error, str(exc))
            return
        if result is _CANCELLED:
            _show(self.error, "Not saved: a signed-off month needs a reason for any change.")
            return
        self.form.show_errors({})
        _show(self.error, "")
        if result.saved:
            self.ctx.notify("duties")
        self.last_result = result
        if not result.refused:
            self.accept()
            return
        # Keep the refused ones ticked so the user sees who is left; list why.
        self.model.set_ticked({r.officer_id for r in result.refused})
        from html import escape

        n = len(result.saved)
        saved = f"Saved {n} dut{'y' if n == 1 else 'ies'}." if n else "Nothing saved."
        refused = "".join(f"<li>{escape(r.text)}</li>" for r in result.refused)
        self.result_label.setStyleSheet("")
        self.result_label.setText(
            f"<p style='color:#1b5e20'>{saved}</p><p style='color:#b00020'>Not saved for "
            f"{len(result.refused)} (still ticked):</p><ul style='color:#b00020; margin-left:-20px'>{refused}</ul>"
        )


# ---------------------------------------------------------------------------------------------
# The tab
# ---------------------------------------------------------------------------------------------


class HoursTab(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        today = dt.date.today()
        self.month = hours.month_key(today)
        self.last_date: dt.date | None = None
        self._loaded = False
        layout = QVBoxLayout(self)

        bar = QHBoxLayout()
        self.prev_button = QPushButton("◀")
        self.prev_button.setToolTip("Previous month (Alt+Left)")
        self.prev_button.setFixedWidth(34)
        self.month_combo = QComboBox()
        self.month_combo.setMinimumWidth(150)
        self.month_combo.setToolTip("Month shown")
        self.next_button = QPushButton("▶")
        self.next_button.setToolTip("Next month (Alt+Right)")
        self.next_button.setFixedWidth(34)
        self.this_month = QPushButton("This month")
        bar.addWidget(self.prev_button)
        bar.addWidget(self.month_combo)
        bar.addWidget(self.next_button)
        bar.addWidget(self.this_month)
        bar.addSpacing(16)
        team_label = QLabel("&Team:")
        self.team_combo = QComboBox()
        self.team_combo.setMaximumWidth(300)
        self.team_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.team_combo.setMinimumContentsLength(14)
        team_label.setBuddy(self.team_combo)
        bar.addWidget(team_label)
        bar.addWidget(self.team_combo)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Find collar or name")
        self.search.setToolTip("Find an officer by collar number or name (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(160)
        self.search.setMaximumWidth(260)
        bar.addWidget(self.search)
        bar.addStretch(1)
        self.enter_button = QPushButton("&Enter duties…")
        self.enter_button.setToolTip("Record duties one after another from the keyboard (Ctrl+D)")
        self.event_button = QPushButton("E&vent duty…")
        self.event_button.setToolTip("One duty each for many officers (an event, a training day)")
        bar.addWidget(self.enter_button)
        bar.addWidget(self.event_button)
        layout.addLayout(bar)

        info = QHBoxLayout()
        self.summary = QLabel()
        info.addWidget(self.summary, 1)
        self.legend = QLabel(self._legend_html())
        info.addWidget(self.legend)
        layout.addLayout(info)
        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet("background: #fff4d6; border: 1px solid #e0c46c; padding: 4px;")
        self.banner.hide()
        layout.addWidget(self.banner)

        self.stack = QStackedWidget()
        self.model = GridModel(parent=self)
        self.view = FrozenTableView()
        self.view.setModel(self.model)
        self.view.setAlternatingRowColors(False)
        self.view.setFrameShape(QFrame.Shape.StyledPanel)
        self.stack.addWidget(self.view)
        self.empty = EmptyState("", "Enter duties…")
        self.stack.addWidget(self.empty)
        layout.addWidget(self.stack, 1)
        self.hint = QLabel(
            "Double-click a day, or select it and press Enter, to see, add or change that day's duties."
        )
        self.hint.setStyleSheet("color: palette(mid);")
        layout.addWidget(self.hint)

        self._fill_months(self.month)
        self.prev_button.clicked.connect(lambda: self.set_month(hours.shift_month(self.month, -1)))
        self.next_button.clicked.connect(lambda: self.set_month(hours.shift_month(self.month, 1)))
        self.this_month.clicked.connect(lambda: self.set_month(hours.month_key(dt.date.today())))
        self.month_combo.activated.connect(lambda _i: self.set_month(self.month_combo.currentData()))
        self.team_combo.activated.connect(self._team_changed)
        self.search.textChanged.connect(self._search_changed)
        self.enter_button.clicked.connect(self.open_entry)
        self.event_button.clicked.connect(self.open_event)
        self.view.open_cell.connect(self.open_cell)
        assert self.empty.button is not None
        self.empty.button.clicked.connect(self._empty_action)
        ctx_scope = Qt.ShortcutContext.WidgetWithChildrenShortcut
        for keys, slot in (
            ("Ctrl+D", self.open_entry),
            ("Ctrl+F", self._focus_search),
            ("Alt+Left", lambda: self.set_month(hours.shift_month(self.month, -1))),
            ("Alt+Right", lambda: self.set_month(hours.shift_month(self.month, 1))),
        ):
            sc = QShortcut(QKeySequence(keys), self, activated=slot)
            sc.setContext(ctx_scope)

        self._reload_timer = QTimer(self)
        self._reload_timer.setSingleShot(True)
        self._reload_timer.setInterval(200)
        self._reload_timer.timeout.connect(self.reload)
        self.reload()

    @staticmethod
    def _legend_html() -> str:
        chips = []
        for rag in ("green", "amber", "red", "grey"):
            colour = RAG_BACKGROUND[rag].name()
            chips.append(f"<span style='background:{colour}'>&nbsp;{RAG_TEXT[rag]}&nbsp;</span>")
        return " ".join(chips)

    # -- month and filters ---------------------------------------------------------------------
    def _fill_months(self, around: str) -> None:
        today = hours.month_key(dt.date.today())
        start = min(hours.shift_month(today, -36), around)
        end = max(hours.shift_month(today, 3), around)
        with QSignalBlocker(self.month_combo):
            self.month_combo.clear()
            m = end
            while m >= start:
                self.month_combo.addItem(hours.month_label(m), m)
                m = hours.shift_month(m, -1)
            self.month_combo.setCurrentIndex(self.month_combo.findData(around))

    def set_month(self, month: str) -> None:
        if not month:
            return
        self.month = month
        if self.month_combo.findData(month) < 0:
            self._fill_months(month)
        with QSignalBlocker(self.month_combo):
            self.month_combo.setCurrentIndex(self.month_combo.findData(month))
        self.reload()

    def _team_changed(self, _index: int = 0) -> None:
        data = self.team_combo.currentData()
        self.model.set_filter(team=None if data is None else data)
        self._after_filter()

    def _search_changed(self, text: str) -> None:
        self.model.set_filter(text=text)
        self._after_filter()

    def _focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    # -- loading ---------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Data changed somewhere: reload soon (several saves in a row reload once)."""
        self._reload_timer.start()

    def reload(self) -> None:
        self._reload_timer.stop()
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            grid = hours.month_grid(self.ctx.db, self.month)
        except Exception as exc:
            QApplication.restoreOverrideCursor()
            message = plain_message(exc)
            if message is None:
                raise
            self.empty.set_text(message)
            self.stack.setCurrentWidget(self.empty)
            return
        QApplication.restoreOverrideCursor()
        current_team = self.team_combo.currentData()
        with QSignalBlocker(self.team_combo):
            self.team_combo.clear()
            self.team_combo.addItem("All teams", None)
            for team in grid.teams:
                self.team_combo.addItem(team or "(no team)", team)
            i = self.team_combo.findData(current_team) if current_team is not None else 0
            self.team_combo.setCurrentIndex(max(i, 0))
        team = self.team_combo.currentData()
        self.model.set_filter(team=team)
        self.model.set_grid(grid)
        self.view.horizontalHeader().setSortIndicatorShown(self.model._sort is not None)
        self._loaded = True
        self._after_filter()

    def _after_filter(self) -> None:
        g = self.model.grid
        label = hours.month_label(self.month)
        if g.locked:
            self.banner.setText(
                f"{label} has been signed off and locked. You can still correct a duty, but CiP Desk will ask "
                "why, and the reason is kept in the audit log."
            )
        self.banner.setVisible(g.locked)
        if g.officers_in_database == 0:
            self._show_empty(
                "No officers yet. Add officers on the Roster tab, or import a roster with File > Import "
                "roster; then record their duties here.",
                None,
            )
            return
        if not g.rows:
            self._show_empty(f"No officers were serving in {label}. Pick another month with ◀ ▶.", None)
            return
        if not self.model.rows:
            what = f"“{self.search.text().strip()}”" if self.search.text().strip() else "this team"
            self._show_empty(f"No officer of {label} matches {what}.", "Clear search and team")
            return
        self.stack.setCurrentWidget(self.view)
        self.hint.show()
        self.enter_button.setEnabled(True)
        self.event_button.setEnabled(True)
        counts = self.model.counts()
        total = sum(r.total for r in self.model.rows)
        n = len(self.model.rows)
        text = (
            f"<b>{label}</b>: {n:,} officer{'s' if n != 1 else ''} serving at some time in the month · "
            f"{hours.format_hours(total) or '0'} hours · "
            f"minimum {hours.format_hours(g.minimum_hours)} h: {counts['green']} met, {counts['amber']} below, "
            f"{counts['red']} zero, {counts['grey']} n/a"
        )
        if not any(r.total for r in g.rows):
            text += " · <i>no duties recorded this month yet: press Ctrl+D to enter some</i>"
        self.summary.setText(text)

    def _show_empty(self, text: str, button: str | None) -> None:
        self.summary.setText(f"<b>{hours.month_label(self.month)}</b>")
        self.hint.hide()
        has_officers = self.model.grid.officers_in_database > 0
        self.enter_button.setEnabled(has_officers)
        self.event_button.setEnabled(has_officers)
        self.empty.set_text(text)
        if self.empty.button is not None:
            self.empty.button.setText(button or "Enter duties…")
            self.empty.button.setVisible(button is not None or self.model.grid.officers_in_database > 0)
        self.stack.setCurrentWidget(self.empty)

    def _empty_action(self) -> None:
        if self.model.grid.rows and not self.model.rows:
            with QSignalBlocker(self.search):
                self.search.clear()
            self.team_combo.setCurrentIndex(0)
            self.model.set_filter(team=None, text="")
            self._after_filter()
        else:
            self.open_entry()

    # -- actions ---------------------------------------------------------------------------------
    def _default_date(self) -> dt.date:
        if self.last_date is not None and hours.month_key(self.last_date) == self.month:
            return self.last_date
        today = dt.date.today()
        return today if hours.month_key(today) == self.month else self.model.grid.first

    def open_entry(self) -> DutyEntryDialog | None:
        if not self.enter_button.isEnabled():  # no officers yet
            return None
        dlg = DutyEntryDialog(self.ctx, default_date=self._default_date(), parent=self)
        dlg.finished.connect(lambda _r: self._remember(dlg.form.base_date))
        dlg.open()
        return dlg

    def _remember(self, day: dt.date) -> None:
        self.last_date = day

    def open_event(self) -> EventDutyDialog:
        dlg = EventDutyDialog(self.ctx, default_date=self._default_date(), parent=self)
        dlg.open()
        return dlg

    def open_cell(self, index: QModelIndex) -> DayDutiesDialog | None:
        if not index.isValid():
            return None
        row = self.model.row_at(index.row())
        day = self.model.date_of_column(index.column())
        if day is None:
            return None
        dlg = DayDutiesDialog(self.ctx, row.officer_id, day, f"{row.name} ({row.collar})", parent=self)
        dlg.finished.connect(lambda _r: self.refresh())
        dlg.open()
        return dlg
