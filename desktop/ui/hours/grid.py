"""The Hours grid's model: officers x days of one month, with total and minimum-hours status.

Columns: collar, name, team, total, status (kept in view while the days scroll), then the monthly
entry when a legacy import left one, then day 1..N. Each is a :class:`Column` built for the month
shown; filtering (team, text) and sorting work on the model's own list.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from desktop.core import hours
from desktop.core.db import Database
from desktop.core.formats import collar_sort_key, month_label
from desktop.ui.hours.common import RAG_BACKGROUND, RAG_ORDER, RAG_TEXT, WEEKDAYS, date_text
from desktop.ui.table_model import CENTRE_ALIGN, FONT, RIGHT_ALIGN, USER, Column, ColumnTableModel, Index

_KEEP = object()


def _then_name(value: Any) -> Any:
    return lambda r: (value(r), r.name.lower())


class GridModel(ColumnTableModel):
    """Rows of ``hours.MonthGrid``; filtering (team, text) and sorting work on the model's own
    list, then reset the model."""

    FROZEN = 5  # collar, name, team, total and status stay in view while the days scroll

    def __init__(self, grid: hours.MonthGrid | None = None, parent: Any = None):
        super().__init__(parent)
        self._weekend = QBrush(QColor("#e8edf4"))
        self._off = QBrush(QColor("#d4d4d4"), Qt.BrushStyle.BDiagPattern)
        self._today = QBrush(QColor("#fff7d6"))
        self._rag = {k: QBrush(v) for k, v in RAG_BACKGROUND.items()}
        self._bold = QFont()
        self._bold.setBold(True)
        self._team: str | None = None
        self._text = ""
        self._sort: tuple[int, Qt.SortOrder] | None = None
        self.grid = grid or hours.MonthGrid(
            "1970-01", dt.date(1970, 1, 1), dt.date(1970, 1, 31), 16, False, [], [], 0
        )
        self.rows: list[hours.GridRow] = []
        self._layout()
        self._apply()

    # -- columns -------------------------------------------------------------------------------
    def _layout(self) -> None:
        g = self.grid
        self.n_days = g.days
        self.has_monthly = any(r.monthly_total for r in g.rows)
        self.total_col = 3
        self.rag_col = 4
        self.monthly_col = 5 if self.has_monthly else -1
        self.first_day_col = 6 if self.has_monthly else 5
        today = dt.date.today()
        self.today_day = today.day if (today.year, today.month) == (g.first.year, g.first.month) else 0
        monthly = [self._monthly_column()] if self.has_monthly else []
        days = [self._day_column(day) for day in range(1, self.n_days + 1)]
        self.columns = (*self._officer_columns(), self._total_column(), self._rag_column(), *monthly, *days)

    @staticmethod
    def _officer_columns() -> tuple[Column, ...]:
        return (
            Column("Collar", lambda r: r.collar, sort=lambda r: collar_sort_key(r.collar)),
            Column("Name", lambda r: r.name, sort=lambda r: (r.name.lower(), collar_sort_key(r.collar))),
            Column(
                "Team", lambda r: r.team or "", sort=lambda r: ((r.team or "\uffff").lower(), r.name.lower())
            ),
        )

    def _total_column(self) -> Column:
        month = month_label(self.grid.month)

        def tip(r: hours.GridRow) -> str | None:
            if not r.monthly_total:
                return None
            return f"Includes {hours.format_hours(r.monthly_total)} hours entered as a monthly total for {month}."

        return Column(
            "Total",
            lambda r: hours.format_hours(r.total) or "0",
            sort=_then_name(lambda r: r.total),
            align=RIGHT_ALIGN,
            tip=tip,
            header_tip="All hours of the month, monthly-total entries included.",
            font=lambda _r: self._bold,
        )

    def _rag_column(self) -> Column:
        return Column(
            "Minimum",
            lambda r: RAG_TEXT[r.rag],
            sort=lambda r: (RAG_ORDER[r.rag], r.total, r.name.lower()),
            align=CENTRE_ALIGN,
            tip=lambda r: r.rag_reason,
            header_tip=(
                f"Minimum {hours.format_hours(self.grid.minimum_hours)} hours: Met, Below (some hours), "
                "Zero, or n/a where the minimum does not apply (not attested, LOA, suspended, left)."
            ),
            background=lambda r: self._rag[r.rag],
        )

    @staticmethod
    def _monthly_column() -> Column:
        return Column(
            "Monthly\nentry",
            lambda r: hours.format_hours(r.monthly_total),
            sort=_then_name(lambda r: r.monthly_total),
            align=RIGHT_ALIGN,
            header_tip="Hours imported as one total for the month (legacy spreadsheet); included in Total.",
        )

    def _day_column(self, day: int) -> Column:
        i = day - 1
        when = date_text(self.grid.first.replace(day=day))
        weekend = self.grid.first.replace(day=day).weekday() >= 5
        today = day == self.today_day

        def background(r: hours.GridRow) -> QBrush | None:
            if day < r.first_day or day > r.last_day:
                return self._off
            if weekend:
                return self._weekend
            return self._today if today else None

        def tip(r: hours.GridRow) -> str:
            if day < r.first_day:
                return f"{when}: before {r.name} joined"
            if day > r.last_day:
                return f"{when}: after {r.name} left"
            text = f"{r.name}, {when}: {hours.format_hours(r.days[i]) or 'no'} hours"
            if day == 1 and r.monthly_total:
                text += f" (plus {hours.format_hours(r.monthly_total)} h entered as a monthly total)"
            return text + ". Double-click or press Enter to see or add duties."

        return Column(
            f"{day}\n{WEEKDAYS[self.grid.first.replace(day=day).weekday()]}",
            lambda r: hours.format_hours(r.days[i]),
            sort=_then_name(lambda r: r.days[i]),
            align=CENTRE_ALIGN,
            tip=tip,
            header_tip=when,
            background=background,
        )

    # -- contents ------------------------------------------------------------------------------
    def set_grid(self, grid: hours.MonthGrid) -> None:
        self.beginResetModel()
        self.grid = grid
        if self._team is not None and self._team not in grid.teams:
            self._team = None
        self._layout()
        self._apply(reset=False)
        self.endResetModel()

    def set_filter(self, *, team: str | None | object = _KEEP, text: str | None = None) -> None:
        if team is not _KEEP:
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
        # A column kept from a longer month sorts as the status column does.
        spec = self.columns[column] if 0 <= column < len(self.columns) else self.columns[self.rag_col]
        self.rows.sort(key=spec.sort_value, reverse=order == Qt.SortOrder.DescendingOrder)

    # -- helpers for the view --------------------------------------------------------------------
    def row_at(self, row: int) -> Any:
        return self.rows[row] if 0 <= row < len(self.rows) else None

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

    # -- Qt interface ----------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if int(role) == FONT and orientation == Qt.Orientation.Horizontal:
            day = self.day_of_column(section)
            return self._bold if day and day == self.today_day else None
        return super().headerData(section, orientation, role)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if int(role) == USER and index.isValid():
            return self.rows[index.row()].officer_id
        return super().data(index, role)

    def flags(self, index: Index) -> Qt.ItemFlag:
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


def build_grid_model(db: Database, month: str, team: str | None = None) -> GridModel:
    """The Hours grid's model for ``month`` (YYYY-MM), ready to show (the bench times this)."""
    model = GridModel(hours.month_grid(db, month))
    if team is not None:
        model.set_filter(team=team)
    return model
