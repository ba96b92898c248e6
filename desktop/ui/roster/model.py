"""The roster table: a lazy table model that sorts and filters its own Python list.

No QSortFilterProxyModel (MEASURED.md: it calls ``data()`` per comparison and is slow over thousands
of rows). Sorting and filtering build a new list of row indexes and reset the model.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from desktop.core.domain import STATUS_LABELS, STATUSES
from desktop.core.roster import OfficerRow

# Status filter values besides a status code.
SERVING = "serving"
ALL = "all"
# Leavers whose leaving reason is not recorded (imported without one), listed for follow-up.
REASON_NOT_RECORDED = "left, reason not recorded"
# Team filter value for officers with no team.
NO_TEAM = "\x00none"

_KEEP = object()

FLAG_LABELS = {"expired": "Expired", "expiring": "Expiring"}


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    numeric: bool = False
    tip: str = ""


COLUMNS: tuple[Column, ...] = (
    Column("collar", "Collar no."),
    Column("name", "Name"),
    Column("rank", "Rank"),
    Column("status", "Status"),
    Column("team", "Team"),
    Column("station", "Station"),
    Column("joined", "Joined"),
    Column("independent_patrol", "Ind. patrol", tip="Date of independent patrol status"),
    Column("hours", "Last month", numeric=True, tip="Hours recorded last month"),
    Column("quals", "Qualifications", tip="A qualification has expired, or expires soon"),
)
COLUMN_KEYS = tuple(c.key for c in COLUMNS)

_RED = QBrush(QColor("#b3261e"))
_AMBER = QBrush(QColor("#9a6700"))
_RED_BG = QBrush(QColor("#fde7e6"))
_AMBER_BG = QBrush(QColor("#fff4d6"))
_GREY = QBrush(QColor("#7a7a7a"))
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_ALIGN = int(Qt.ItemDataRole.TextAlignmentRole)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
_BACKGROUND = int(Qt.ItemDataRole.BackgroundRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_USED_ROLES = frozenset((_DISPLAY, _ALIGN, _FOREGROUND, _BACKGROUND, _TOOLTIP))
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)


# Letters that NFKD leaves whole: Øster sorts with O, Łukasz with L, Strauß finds "strauss".
_UNDECOMPOSED = str.maketrans(
    {
        "Ø": "O",
        "ø": "o",
        "Æ": "AE",
        "æ": "ae",
        "Ł": "L",
        "ł": "l",
        "ß": "ss",
        "Đ": "D",
        "đ": "d",
        "Œ": "OE",
        "œ": "oe",
    }
)


def fold(text: str | None) -> str:
    """Lower case without accents, for searching (``Siân`` matches ``sian``)."""
    if not text:
        return ""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.translate(_UNDECOMPOSED))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def format_date(value: dt.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def format_hours(value: float) -> str:
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


_PARTS = re.compile(r"\d+|\D+")


def natural_key(text: str) -> tuple[tuple[int, int, str], ...]:
    """``SC2`` before ``SC10``; numbers before letters within a part."""
    if text.isdigit():
        return ((0, int(text), ""),)
    parts = _PARTS.findall(text.upper())
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts)


def plural(n: int, word: str) -> str:
    return f"{n:,} {word}" if n == 1 else f"{n:,} {word}s"


class RosterTableModel(QAbstractTableModel):
    """Officers of ``list_officers`` plus qualification flags; sort and filter happen here."""

    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self._all: list[OfficerRow] = []  # as loaded (surname, forenames order)
        self._flags: dict[int, str] = {}
        self._rank_names: dict[str, str] = {}
        self._rank_pos: dict[str, int] = {}
        self._haystack: list[str] = []
        self._collar_folded: list[str] = []
        self._collar_keys: list[tuple[tuple[int, int, str], ...]] = []
        self._name_keys: list[tuple[str, str, str]] = []
        self._order: list[int] = []  # indexes into _all, sorted
        self._rows: list[int] = []  # indexes into _all, sorted and filtered
        self.sort_column = 1
        self.sort_order = Qt.SortOrder.AscendingOrder
        self.search = ""
        self.status_filter = SERVING
        self.rank_filter: str | None = None
        self.team_filter: str | None = None
        self.quals_only = False

    # -- loading -------------------------------------------------------------------------------
    def set_data(
        self,
        rows: Sequence[OfficerRow],
        flags: dict[int, str] | None = None,
        ranks: Sequence[tuple[str, str]] = (),
    ) -> None:
        """Replace every row: officers (from ``roster.list_officers``), qualification flags by officer
        id (``qualifications.officer_flags``), and the force's ranks as (code, name), lowest first."""
        self.beginResetModel()
        self._all = list(rows)
        self._flags = dict(flags or {})
        self._rank_names = dict(ranks)
        self._rank_pos = {code: pos for pos, (code, _name) in enumerate(ranks)}
        self._haystack = [
            fold(" ".join(p for p in (r.collar, r.surname, r.forenames, r.preferred_name) if p))
            for r in self._all
        ]
        self._collar_folded = [fold(r.collar) for r in self._all]
        self._collar_keys = []  # computed on the first sort by collar number
        self._name_keys = [(fold(r.surname), fold(r.forenames), r.collar) for r in self._all]
        self._resort()
        self._refilter()
        self.endResetModel()

    # -- queries -------------------------------------------------------------------------------
    @property
    def total(self) -> int:
        return len(self._all)

    @property
    def serving(self) -> int:
        return sum(1 for r in self._all if r.serving)

    def officer(self, row: int) -> OfficerRow:
        return self._all[self._rows[row]]

    def officer_id(self, row: int) -> int:
        return self.officer(row).id

    def row_of(self, officer_id: int) -> int | None:
        for pos, index in enumerate(self._rows):
            if self._all[index].id == officer_id:
                return pos
        return None

    def teams(self) -> list[str]:
        return sorted({r.team for r in self._all if r.team}, key=fold)

    def has_unassigned_team(self) -> bool:
        return any(not r.team for r in self._all)

    def rank_name(self, code: str) -> str:
        return self._rank_names.get(code, code)

    def is_filtered(self) -> bool:
        return len(self._rows) != len(self._all)

    def count_text(self) -> str:
        """``1,312 officers, 1,204 serving`` or ``Showing 40 of 1,312 officers, 1,204 serving``."""
        total, serving = self.total, self.serving
        text = f"{plural(total, 'officer')}, {serving:,} serving"
        if self.is_filtered():
            return f"Showing {len(self._rows):,} of {text}"
        return text

    # -- filter and sort -----------------------------------------------------------------------
    def set_filters(
        self,
        *,
        search: str | None = None,
        status: str | None = None,
        rank: str | None | object = _KEEP,
        team: str | None | object = _KEEP,
        quals_only: bool | None = None,
    ) -> None:
        """Change any filter; ``rank``/``team`` None means every rank/team (omit to keep)."""
        if search is not None:
            self.search = search
        if status is not None:
            self.status_filter = status
        if rank is not _KEEP:
            self.rank_filter = rank if isinstance(rank, str) else None
        if team is not _KEEP:
            self.team_filter = team if isinstance(team, str) else None
        if quals_only is not None:
            self.quals_only = quals_only
        self.beginResetModel()
        self._refilter()
        self.endResetModel()

    def _matcher(self) -> Callable[[int], bool]:
        tokens = fold(self.search).split()
        compact = "".join(tokens)
        status, rank, team, quals = self.status_filter, self.rank_filter, self.team_filter, self.quals_only
        rows, hay, collars, flags = self._all, self._haystack, self._collar_folded, self._flags

        def match(i: int) -> bool:
            r = rows[i]
            if status == SERVING:
                if r.status == "left":
                    return False
            elif status == REASON_NOT_RECORDED:
                if not r.reason_not_recorded:
                    return False
            elif status != ALL and r.status != status:
                return False
            if rank is not None and r.rank != rank:
                return False
            if team is not None and (r.team or NO_TEAM) != team:
                return False
            if quals and r.id not in flags:
                return False
            if tokens:
                text = hay[i]
                if not all(t in text for t in tokens) and not collars[i].startswith(compact):
                    return False
            return True

        return match

    def _refilter(self) -> None:
        match = self._matcher()
        self._rows = [i for i in self._order if match(i)]

    def _sort_value(self, key: str, r: OfficerRow) -> Any:
        """The value a column sorts by, or None for a blank (blanks always sort last)."""
        if key == "collar":
            return natural_key(r.collar) if r.collar else None
        if key == "name":
            return (fold(r.surname), fold(r.forenames))
        if key == "rank":
            return (self._rank_pos.get(r.rank, len(self._rank_pos)), r.rank)
        if key == "status":
            return STATUSES.index(r.status) if r.status in STATUSES else len(STATUSES)
        if key in ("team", "station"):
            value = getattr(r, key)
            return fold(value) if value else None
        if key in ("joined", "independent_patrol"):
            return getattr(r, key)
        if key == "hours":
            return r.hours_last_month
        if key == "quals":
            flag = self._flags.get(r.id)
            return {"expired": 0, "expiring": 1}.get(flag) if flag else None
        raise KeyError(key)

    def _resort(self) -> None:
        key = COLUMN_KEYS[self.sort_column]
        if key == "name":
            values: list[Any] = self._name_keys
        elif key == "collar":
            if len(self._collar_keys) != len(self._all):
                self._collar_keys = [natural_key(r.collar) for r in self._all]
            values = [k or None for k in self._collar_keys]
        else:
            values = [self._sort_value(key, r) for r in self._all]
        filled = [i for i, v in enumerate(values) if v is not None]
        blanks = [i for i, v in enumerate(values) if v is None]
        # Ties in name order (then collar), whatever the direction.
        names = self._name_keys
        filled.sort(key=names.__getitem__)
        filled.sort(key=values.__getitem__, reverse=self.sort_order == Qt.SortOrder.DescendingOrder)
        blanks.sort(key=names.__getitem__)
        self._order = filled + blanks

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        self.beginResetModel()
        self.sort_column = column
        self.sort_order = order
        self._resort()
        self._refilter()
        self.endResetModel()

    # -- Qt model ------------------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        column = COLUMNS[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.title
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if column.numeric else _LEFT
        if role == Qt.ItemDataRole.ToolTipRole and column.tip:
            return column.tip
        return None

    def display(self, row: int, key: str) -> str:
        """The text a cell shows (also used by tests)."""
        r = self.officer(row)
        if key == "collar":
            return r.collar
        if key == "name":
            return r.name
        if key == "rank":
            return self.rank_name(r.rank)
        if key == "status":
            return STATUS_LABELS.get(r.status, r.status)
        if key in ("team", "station"):
            return getattr(r, key) or ""
        if key in ("joined", "independent_patrol"):
            return format_date(getattr(r, key))
        if key == "hours":
            return format_hours(r.hours_last_month)
        if key == "quals":
            return FLAG_LABELS.get(self._flags.get(r.id, ""), "")
        raise KeyError(key)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = _DISPLAY):
        role = int(role)
        if role not in _USED_ROLES or not index.isValid():
            return None
        row = index.row()
        if not (0 <= row < len(self._rows)):
            return None
        col = index.column()
        if role == _DISPLAY:
            return self.display(row, COLUMNS[col].key)
        if role == _ALIGN:
            return _RIGHT if COLUMNS[col].numeric else _LEFT
        r = self._all[self._rows[row]]
        key = COLUMNS[col].key
        if role == _FOREGROUND:
            if key == "quals":
                flag = self._flags.get(r.id)
                if flag:
                    return _RED if flag == "expired" else _AMBER
            if r.status == "left":
                return _GREY
            return None
        if role == _BACKGROUND:
            if key == "quals":
                flag = self._flags.get(r.id)
                if flag:
                    return _RED_BG if flag == "expired" else _AMBER_BG
            return None
        # Tool tips
        if key == "name":
            return f"{r.name} (known as {r.preferred_name})" if r.preferred_name else r.name
        if key == "quals" and r.id in self._flags:
            if self._flags[r.id] == "expired":
                return "A qualification has expired"
            return "A qualification expires soon"
        if key == "status" and r.status == "left" and r.left_date:
            return f"Left on {format_date(r.left_date)}"
        return None
