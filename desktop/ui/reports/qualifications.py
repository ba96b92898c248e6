"""Reports > Qualifications expiring or expired: the list, filters, and Export to Excel."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.core import qualifications as quals
from desktop.core.formats import uk_date
from desktop.ui import dialogs
from desktop.ui.context import AppContext
from desktop.ui.officer.dialog import open_officer
from desktop.ui.officer.qualifications_page import STATUS_BG, STATUS_FG
from desktop.ui.table_model import Column, ListTableModel, row_table
from desktop.ui.widgets import EmptyState, add_labelled, fill_choices


def _status_text(r: quals.ExpiringRow) -> str:
    days = r.days_left
    if days < 0:
        return f"Expired {-days:,} day{'s' if days != -1 else ''} ago"
    if days == 0:
        return "Expires today"
    return f"Expires in {days:,} day{'s' if days != 1 else ''}"


COLUMNS = (
    Column("Collar", lambda r: r.collar, sort=lambda r: r.collar),
    Column("Name", lambda r: r.name, sort=lambda r: r.name.lower()),
    Column("Team", lambda r: r.team or "", sort=lambda r: (r.team or "").lower()),
    Column("Qualification", lambda r: r.type_name, sort=lambda r: r.type_name.lower()),
    Column("Achieved", lambda r: uk_date(r.achieved_on), sort=lambda r: r.achieved_on),
    Column("Expires", lambda r: uk_date(r.expires_on), sort=lambda r: r.expires_on),
    Column(
        "Status",
        _status_text,
        sort=lambda r: r.days_left,
        background=lambda r: STATUS_BG.get(r.status),
        foreground=lambda r: STATUS_FG.get(r.status, QColor("black")),
    ),
)


class ExpiringModel(ListTableModel):
    """Sorts and filters its own Python list; keeps the column it is sorted by for the next filter."""

    columns = COLUMNS

    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self.all_rows: list[quals.ExpiringRow] = []
        self.rows: list[quals.ExpiringRow] = []
        self.sort_column, self.sort_order = 5, Qt.SortOrder.AscendingOrder

    def set_rows(self, rows: list[quals.ExpiringRow], *, show: str, team: str | None, text: str) -> None:  # type: ignore[override]
        needle = text.strip().lower()
        out = [
            r
            for r in rows
            if (show == "all" or r.status == show)
            and (not team or r.team == team)
            and (
                not needle
                or needle in r.name.lower()
                or needle in r.collar.lower()
                or needle in r.type_name.lower()
            )
        ]
        self.beginResetModel()
        self.all_rows = rows
        self.rows = out
        self._sort()
        self.endResetModel()

    def _sort(self) -> None:
        key = self.columns[self.sort_column].sort_value
        self.rows.sort(key=key, reverse=self.sort_order == Qt.SortOrder.DescendingOrder)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.sort_column, self.sort_order = column, order
        self.beginResetModel()
        self._sort()
        self.endResetModel()


class ExpiringDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("Qualifications expiring or expired")
        self.resize(980, 600)
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.show_combo = QComboBox()
        self.show_combo.addItem("Expired and expiring", "all")
        self.show_combo.addItem("Expired only", "expired")
        self.show_combo.addItem("Expiring only", "expiring")
        add_labelled(bar, "&Show:", self.show_combo)
        self.window = QSpinBox()
        self.window.setRange(0, 730)
        self.window.setSuffix(" days")
        self.window.setValue(quals.warning_days(ctx.db))
        add_labelled(bar, "&within", self.window)
        self.team = QComboBox()
        self.team.setMinimumContentsLength(14)
        add_labelled(bar, "&Team:", self.team)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Find name, collar or qualification…")
        self.search.setClearButtonEnabled(True)
        bar.addWidget(self.search, 1)
        layout.addLayout(bar)
        self.model = ExpiringModel(self)
        self.table = row_table(self.model, QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(5, Qt.SortOrder.AscendingOrder)
        self.table.setWordWrap(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.doubleClicked.connect(self._open)
        self.table.setToolTip("Double-click a row to open the officer")
        self.empty = EmptyState("No qualifications are expired or expiring. Nothing to chase.")
        self.stack = QStackedWidget()
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty)
        layout.addWidget(self.stack, 1)
        bottom = QHBoxLayout()
        self.count = QLabel()
        bottom.addWidget(self.count, 1)
        self.export_button = QPushButton("&Export to Excel…")
        self.export_button.clicked.connect(self.export)
        close = QPushButton("Close")
        close.clicked.connect(self.accept)
        bottom.addWidget(self.export_button)
        bottom.addWidget(close)
        layout.addLayout(bottom)
        QShortcut(QKeySequence("Ctrl+E"), self, self.export)
        self.show_combo.currentIndexChanged.connect(self.apply_filters)
        self.team.currentIndexChanged.connect(self.apply_filters)
        self.search.textChanged.connect(self.apply_filters)
        self.window.valueChanged.connect(self.refresh)
        ctx.changed.connect(self._on_changed)
        self.refresh()

    def _on_changed(self, what: str) -> None:
        if what in ("qualifications", "officers", "settings", "all"):
            self.refresh()

    def refresh(self) -> None:
        self.on = dt.date.today()
        self.rows = quals.expiring(self.ctx.db, on=self.on, window=self.window.value())
        teams = sorted({r.team for r in self.rows if r.team})
        fill_choices(self.team, "All teams", [(t, t) for t in teams], self.team.currentData())
        self.apply_filters()

    def apply_filters(self) -> None:
        self.model.set_rows(
            self.rows,
            show=self.show_combo.currentData(),
            team=self.team.currentData(),
            text=self.search.text(),
        )
        shown = self.model.rows
        expired = sum(1 for r in shown if r.status == "expired")
        self.count.setText(
            f"{len(shown):,} shown: {expired:,} expired, {len(shown) - expired:,} expiring "
            f"(as at {uk_date(self.on)})"
        )
        if shown:
            self.stack.setCurrentWidget(self.table)
            self.table.resizeColumnsToContents()
        else:
            filtered = len(self.rows) > 0
            self.empty.set_text(
                "No qualifications match these filters."
                if filtered
                else f"No qualifications are expired or expiring within {self.window.value()} days. "
                "Nothing to chase."
            )
            self.stack.setCurrentWidget(self.empty)
        self.export_button.setEnabled(bool(shown))

    def _open(self, index: QModelIndex) -> None:
        open_officer(self, self.ctx, self.model.rows[index.row()].officer_id)

    def export(self) -> None:
        rows = list(self.model.rows)
        if not rows:
            return
        path = dialogs.save_file(
            self, "Export qualifications to Excel", f"qualifications-expiring-{self.on:%Y-%m-%d}.xlsx"
        )
        if not path:
            return
        if not path.lower().endswith(".xlsx"):
            path += ".xlsx"
        on, window = self.on, self.window.value()

        def work(progress: Any) -> str:
            from desktop.excel.qualifications_export import export_expiring

            progress(0, 1, "Writing the workbook")
            export_expiring(rows, path, on=on, window=window)
            return path

        from desktop.ui.tasks import run_task

        run_task(
            self,
            "Exporting qualifications",
            work,
            on_done=lambda p: dialogs.info(self, "Exported", f"Saved {len(rows):,} rows to {p}."),
        )


def show_expiring(parent: QWidget | None, ctx: AppContext) -> ExpiringDialog:
    dlg = ExpiringDialog(ctx, parent)
    dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dlg.show()
    return dlg
