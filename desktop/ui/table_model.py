"""Table models described by one column spec, over rows the model keeps in a Python list.

A table is a tuple of :class:`Column`: each names its header and says, side by side, how a row
shows in it (text, sort value, alignment, tooltip, colours, font). :class:`ColumnTableModel`
answers ``data()`` and ``headerData()`` from the spec, so a model only says where its rows come
from and how they are filtered. A style the whole row shares (grey for a leaver) is a row style,
used where the column has none of its own.

Models sort and filter their own lists and reset: ``QSortFilterProxyModel`` calls ``data()`` for
every comparison, far too slow over thousands of rows. ``data()`` runs for every cell painted, so
the spec's functions only look values up; anything costly is worked out when the rows are set.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QTableView

Index = QModelIndex | QPersistentModelIndex
CellValue = Callable[[Any], Any]

LEFT_ALIGN = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
RIGHT_ALIGN = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
CENTRE_ALIGN = int(Qt.AlignmentFlag.AlignCenter)

DISPLAY = int(Qt.ItemDataRole.DisplayRole)
ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole)
TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
BACKGROUND = int(Qt.ItemDataRole.BackgroundRole)
FONT = int(Qt.ItemDataRole.FontRole)
USER = int(Qt.ItemDataRole.UserRole)


@dataclass(frozen=True, slots=True)
class Column:
    """One column: its header and how a row shows in it. Only ``title`` and ``text`` are needed.

    ``sort(row)`` is the value it sorts by (default: the text, case-folded); ``align`` the cell's
    alignment (default: Qt's, left); ``tip(row)`` the cell's tooltip and ``header_tip`` the
    header's; ``foreground``, ``background`` and ``font`` give the cell's colour, fill and font,
    or None for the row's style. ``key`` names the column for code that looks it up.
    """

    title: str
    text: Callable[[Any], str]
    sort: CellValue | None = None
    align: int | None = None
    tip: Callable[[Any], str | None] | None = None
    header_tip: str | None = None
    foreground: CellValue | None = None
    background: CellValue | None = None
    font: CellValue | None = None
    key: str = ""
    # role -> the function for it, for the roles this column answers (data() looks them up)
    by_role: dict[int, CellValue] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_role", _by_role(self.tip, self.foreground, self.background, self.font))

    def sort_value(self, row: Any) -> Any:
        return self.sort(row) if self.sort is not None else self.text(row).casefold()


@dataclass(frozen=True, slots=True)
class RowStyle:
    """What every cell of a row shares, where its column says nothing: tooltip, colour, fill, font."""

    tip: Callable[[Any], str | None] | None = None
    foreground: CellValue | None = None
    background: CellValue | None = None
    font: CellValue | None = None
    by_role: dict[int, CellValue] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_role", _by_role(self.tip, self.foreground, self.background, self.font))


def _by_role(*functions: CellValue | None) -> dict[int, CellValue]:
    """(tip, foreground, background, font) as role -> function, leaving out those not given."""
    roles = (TOOLTIP, FOREGROUND, BACKGROUND, FONT)
    return {role: fn for role, fn in zip(roles, functions, strict=True) if fn is not None}


# The roles a cell answers; a view asks for others too (decoration, size hint...) for every cell.
_CELL_ROLES = frozenset((DISPLAY, ALIGNMENT, TOOLTIP, FOREGROUND, BACKGROUND, FONT))


class ColumnTableModel(QAbstractTableModel):
    """``data()`` and ``headerData()`` from ``columns``; a subclass gives ``rowCount`` and ``row_at``."""

    columns: Sequence[Column] = ()
    row_style: RowStyle = RowStyle()

    def __init__(self, parent: Any = None):
        super().__init__(parent)
        # data() runs for every cell painted, and looking a method up on a Qt object is slow.
        self._row_at = self.row_at

    def row_at(self, row: int) -> Any:
        """The object shown in table row ``row``, or None outside the table."""
        raise NotImplementedError

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.columns):
            return None
        role = int(role)
        if role == DISPLAY:
            return self.columns[section].title
        if role == TOOLTIP:
            return self.columns[section].header_tip
        return None

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        role = int(role)
        if role not in _CELL_ROLES or not index.isValid():
            return None
        column = self.columns[index.column()]
        if role == ALIGNMENT:
            return column.align
        if role == DISPLAY:
            row = self._row_at(index.row())
            return column.text(row) if row is not None else None
        own = column.by_role.get(role)
        shared = self.row_style.by_role.get(role)
        if own is None and shared is None:
            return None
        row = self._row_at(index.row())
        value = own(row) if own is not None and row is not None else None
        if value is None and shared is not None and row is not None:
            value = shared(row)
        return value


class ListTableModel(ColumnTableModel):
    """Rows in ``self.rows``, shown through ``columns``; sorting a column sorts the list itself,
    blanks last."""

    def __init__(self, parent: Any = None, columns: Sequence[Column] | None = None):
        super().__init__(parent)
        if columns is not None:
            self.columns = tuple(columns)
        self.rows: list[Any] = []

    def set_rows(self, rows: Iterable[Any]) -> None:
        """Replace every row (a copy of ``rows``) and tell the views."""
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> Any:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        spec = self.columns[column]

        def key(row: Any) -> tuple[bool, Any]:
            value = spec.sort_value(row)
            return (value is None or value == "", value if value is not None else 0)

        self.beginResetModel()
        self.rows.sort(key=key, reverse=order == Qt.SortOrder.DescendingOrder)
        self.endResetModel()


def row_table(
    model: QAbstractItemModel,
    selection: QAbstractItemView.SelectionMode = QAbstractItemView.SelectionMode.SingleSelection,
) -> QTableView:
    """A read-only table of whole rows: rows selected whole, never edited in place, no row numbers."""
    view = QTableView()
    view.setModel(model)
    view.verticalHeader().hide()
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(selection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setTabKeyNavigation(False)  # Tab leaves the table; arrows move inside it
    return view


def selected_row(view: QTableView) -> Any:
    """The row object of the first selected row of ``view`` (a ColumnTableModel's), or None."""
    model = view.model()
    rows = view.selectionModel().selectedRows() if view.selectionModel() else []
    if not rows or not isinstance(model, ColumnTableModel):
        return None
    return model.row_at(rows[0].row())


def set_column_widths(view: QTableView, widths: Sequence[int]) -> None:
    for i, width in enumerate(widths):
        view.setColumnWidth(i, width)
