"""The roster table: a lazy table model that sorts and filters its own Python list.

No QSortFilterProxyModel (docs/measured.md: it calls ``data()`` per comparison and is slow over thousands
of rows). Sorting and filtering build a new list of row indexes and reset the model.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from operator import attrgetter
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from desktop.core.domain import STATUS_LABELS, STATUSES
from desktop.core.formats import collar_sort_key, hours_text, uk_date
from desktop.core.roster import OfficerRow
from desktop.ui.table_model import (
    ALIGNMENT,
    DISPLAY,
    LEFT_ALIGN,
    RIGHT_ALIGN,
    Column,
    ColumnTableModel,
    RowStyle,
)

# Status filter values besides a status code.
SERVING = "serving"
ALL = "all"
# Leavers whose leaving reason is not recorded (imported without one), listed for follow-up.
REASON_NOT_RECORDED = "left, reason not recorded"
# Team filter value for officers with no team.
NO_TEAM = "\x00none"

_KEEP = object()

FLAG_LABELS = {"expired": "Expired", "expiring": "Expiring"}


# The columns, in order; each is a Column of desktop/ui/table_model.py built by the model.
COLUMN_KEYS = (
    "collar",
    "name",
    "rank",
    "status",
    "team",
    "station",
    "joined",
    "independent_patrol",
    "hours",
    "quals",
)
_FLAG_ORDER = {"expired": 0, "expiring": 1}

_RED = QBrush(QColor("#b3261e"))
_AMBER = QBrush(QColor("#9a6700"))
_RED_BG = QBrush(QColor("#fde7e6"))
_AMBER_BG = QBrush(QColor("#fff4d6"))
_GREY = QBrush(QColor("#7a7a7a"))
_FLAG_COLOURS = {"expired": _RED, "expiring": _AMBER}
_FLAG_FILLS = {"expired": _RED_BG, "expiring": _AMBER_BG}
_FLAG_TIPS = {"expired": "A qualification has expired", "expiring": "A qualification expires soon"}


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


def plural(n: int, word: str) -> str:
    return f"{n:,} {word}" if n == 1 else f"{n:,} {word}s"


def _place_column(title: str, key: str) -> Column:
    """Team or station: as written, sorted without case or accents, blanks last."""
    value = attrgetter(key)
    return Column(
        title,
        lambda r: value(r) or "",
        sort=lambda r: fold(value(r)) if value(r) else None,
        align=LEFT_ALIGN,
        key=key,
    )


def _date_column(title: str, key: str, header_tip: str | None = None) -> Column:
    value = attrgetter(key)
    return Column(
        title,
        lambda r: uk_date(value(r)),
        sort=value,
        align=LEFT_ALIGN,
        header_tip=header_tip,
        key=key,
    )


class RosterTableModel(ColumnTableModel):
    """Officers of ``list_officers`` plus qualification flags; sort and filter happen here."""

    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self.columns = self._columns()
        self._by_key = {c.key: c for c in self.columns}
        self.row_style = RowStyle(foreground=lambda r: _GREY if r.status == "left" else None)
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

    def _columns(self) -> tuple[Column, ...]:
        """The roster's columns; their functions read the ranks and flags the model holds."""

        def flag(r: OfficerRow) -> str:
            return self._flags.get(r.id) or ""

        return (
            Column(
                "Collar no.",
                lambda r: r.collar,
                sort=lambda r: collar_sort_key(r.collar) if r.collar else None,
                align=LEFT_ALIGN,
                key="collar",
            ),
            Column(
                "Name",
                lambda r: r.name,
                sort=lambda r: (fold(r.surname), fold(r.forenames), r.collar),
                align=LEFT_ALIGN,
                tip=lambda r: f"{r.name} (known as {r.preferred_name})" if r.preferred_name else r.name,
                key="name",
            ),
            Column(
                "Rank",
                lambda r: self.rank_name(r.rank),
                sort=lambda r: (self._rank_pos.get(r.rank, len(self._rank_pos)), r.rank),
                align=LEFT_ALIGN,
                key="rank",
            ),
            Column(
                "Status",
                lambda r: STATUS_LABELS.get(r.status, r.status),
                sort=lambda r: STATUSES.index(r.status) if r.status in STATUSES else len(STATUSES),
                align=LEFT_ALIGN,
                tip=lambda r: (
                    f"Left on {uk_date(r.left_date)}" if r.status == "left" and r.left_date else None
                ),
                key="status",
            ),
            _place_column("Team", "team"),
            _place_column("Station", "station"),
            _date_column("Joined", "joined"),
            _date_column("Ind. patrol", "independent_patrol", "Date of independent patrol status"),
            Column(
                "Last month",
                lambda r: hours_text(r.hours_last_month),
                sort=lambda r: r.hours_last_month,
                align=RIGHT_ALIGN,
                header_tip="Hours recorded last month",
                key="hours",
            ),
            Column(
                "Qualifications",
                lambda r: FLAG_LABELS.get(flag(r), ""),
                sort=lambda r: _FLAG_ORDER.get(flag(r)),
                align=LEFT_ALIGN,
                tip=lambda r: _FLAG_TIPS.get(flag(r)),
                header_tip="A qualification has expired, or expires soon",
                foreground=lambda r: _FLAG_COLOURS.get(flag(r)),
                background=lambda r: _FLAG_FILLS.get(flag(r)),
                key="quals",
            ),
        )

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

    def _resort(self) -> None:
        """Sort by the column's sort value; None (a blank) always sorts last. Name and collar keys
        are worked out once, as they are the sorts used most."""
        column = self.columns[self.sort_column]
        key = column.key
        if key == "name":
            values: list[Any] = self._name_keys
        elif key == "collar":
            if len(self._collar_keys) != len(self._all):
                self._collar_keys = [collar_sort_key(r.collar) for r in self._all]
            values = [k or None for k in self._collar_keys]
        else:
            values = [column.sort_value(r) for r in self._all]
        filled = [i for i, v in enumerate(values) if v is not None]
        blanks = [i for i, v in enumerate(values) if v is None]
        # Ties in name order (then collar), whatever the direction.
        names = self._name_keys
        filled.sort(key=names.__getitem__)
        filled.sort(key=values.__getitem__, reverse=self.sort_order == Qt.SortOrder.DescendingOrder)
        blanks.sort(key=names.__getitem__)
        self._order = filled + blanks

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.columns):
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

    def row_at(self, row: int) -> OfficerRow | None:
        shown = self._rows
        return self._all[shown[row]] if 0 <= row < len(shown) else None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY) -> Any:
        if (
            int(role) == ALIGNMENT
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(self.columns)
        ):
            return self.columns[section].align  # headers line up with their cells
        return super().headerData(section, orientation, role)

    def display(self, row: int, key: str) -> str:
        """The text a cell shows (also used by tests)."""
        return self._by_key[key].text(self.officer(row))
