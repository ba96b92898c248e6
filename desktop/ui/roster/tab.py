"""Roster tab: every officer in one sortable, searchable table, with filters and the officer record.

Keys: Ctrl+F search, Ctrl+N new officer, Enter (or double-click) opens the selected officer.
A spreadsheet dropped on the tab starts the import wizard.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.core import qualifications, roster, settings
from desktop.core.domain import STATUS_LABELS, STATUSES
from desktop.ui.context import AppContext
from desktop.ui.officer import dialog as officer_dialog
from desktop.ui.roster.model import ALL, NO_TEAM, REASON_NOT_RECORDED, SERVING, RosterTableModel
from desktop.ui.widgets import EmptyState, add_labelled, fill_choices

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".csv")


def dropped_spreadsheet(urls) -> str | None:
    """The first local spreadsheet file among dropped URLs, or None."""
    for url in urls:
        if url.isLocalFile():
            path = url.toLocalFile()
            if Path(path).suffix.lower() in SPREADSHEET_SUFFIXES:
                return path
    return None


class RosterView(QTableView):
    """The table; Enter opens the current officer."""

    open_requested = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.open_requested.emit()
            return
        super().keyPressEvent(event)


class RosterTab(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.model = RosterTableModel(self)
        self.setAcceptDrops(True)
        self._build()
        self.refresh()

    # -- building --------------------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 4)
        layout.addLayout(self._build_bar())
        layout.addLayout(self._build_filters())
        self.stack = QStackedWidget()
        self.stack.addWidget(self._build_empty_state())
        self.stack.addWidget(self._build_table())
        layout.addWidget(self.stack, 1)
        layout.addLayout(self._build_footer())
        QShortcut(QKeySequence.StandardKey.Find, self, activated=self.focus_search)
        QShortcut(QKeySequence.StandardKey.New, self, activated=self.new_officer)

    def _build_bar(self) -> QHBoxLayout:
        """New officer, Open, Record leaving, the search and Import roster."""
        bar = QHBoxLayout()
        self.new_button = QPushButton("New officer")
        self.new_button.setToolTip("Add an officer (Ctrl+N)")
        self.new_button.clicked.connect(lambda: self.new_officer())
        self.open_button = QPushButton("Open")
        self.open_button.setToolTip("Open the selected officer's record (Enter)")
        self.open_button.clicked.connect(self.open_selected)
        self.leave_button = QPushButton("Record leaving…")
        self.leave_button.setToolTip("The selected officer left: record the date and reason")
        self.leave_button.clicked.connect(self.record_leaving)
        self.import_button = QPushButton("Import roster…")
        self.import_button.setToolTip("Import officers and hours from a spreadsheet (or drop the file here)")
        self.import_button.clicked.connect(lambda: self.import_roster())
        for button in (self.new_button, self.open_button, self.leave_button):
            bar.addWidget(button)
        # The search sits with the buttons so the filter row below never runs out of room.
        bar.addSpacing(12)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search collar number or name (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(280)
        self.search.textChanged.connect(self._apply_filters)
        self.search.returnPressed.connect(self._search_enter)
        bar.addWidget(self.search, 1)
        bar.addSpacing(12)
        bar.addWidget(self.import_button)
        return bar

    def _build_filters(self) -> QHBoxLayout:
        """Status, rank, team, qualifications, Clear filters."""
        filters = QHBoxLayout()
        self.status_filter = QComboBox()
        self.status_filter.setToolTip("Show officers by status")
        self.status_filter.addItem("Serving (not left)", SERVING)
        self.status_filter.addItem("All statuses", ALL)
        for status in STATUSES:
            self.status_filter.addItem(STATUS_LABELS.get(status, status), status)
        self.status_filter.addItem("Leaving reason not recorded", REASON_NOT_RECORDED)
        self.status_filter.setItemData(
            self.status_filter.count() - 1,
            "Leavers whose leaving reason is not recorded (e.g. imported without one): to follow up",
            Qt.ItemDataRole.ToolTipRole,
        )
        self.rank_filter = QComboBox()
        self.rank_filter.setToolTip("Show one rank")
        self.team_filter = QComboBox()
        self.team_filter.setToolTip("Show one team")
        self.team_filter.setMinimumContentsLength(14)
        self.team_filter.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.quals_filter = QCheckBox("Qualification expiring or expired")
        self.quals_filter.setToolTip("Only officers with a qualification expired or expiring soon")
        add_labelled(filters, "Status:", self.status_filter)
        add_labelled(filters, "Rank:", self.rank_filter)
        add_labelled(filters, "Team:", self.team_filter)
        filters.addWidget(self.quals_filter)
        self.clear_button = QPushButton("Clear filters")
        self.clear_button.clicked.connect(self.clear_filters)
        filters.addWidget(self.clear_button)
        filters.addStretch(1)
        self.status_filter.currentIndexChanged.connect(self._apply_filters)
        self.rank_filter.currentIndexChanged.connect(self._apply_filters)
        self.team_filter.currentIndexChanged.connect(self._apply_filters)
        self.quals_filter.toggled.connect(self._apply_filters)
        return filters

    def _build_empty_state(self) -> EmptyState:
        """What an empty roster shows: Add an officer, Import a roster."""
        self.empty = EmptyState(
            "No officers yet.\nAdd your first officer, or import your roster from a spreadsheet "
            "(you can also drop the file here)."
        )
        empty_buttons = QHBoxLayout()
        empty_buttons.addStretch(1)
        self.empty_add = QPushButton("Add an officer")
        self.empty_add.clicked.connect(lambda: self.new_officer())
        self.empty_import = QPushButton("Import a roster…")
        self.empty_import.clicked.connect(lambda: self.import_roster())
        empty_buttons.addWidget(self.empty_add)
        empty_buttons.addWidget(self.empty_import)
        empty_buttons.addStretch(1)
        empty_layout = self.empty.layout()
        assert isinstance(empty_layout, QVBoxLayout)
        empty_layout.insertLayout(2, empty_buttons)
        return self.empty

    def _build_table(self) -> RosterView:
        self.table = RosterView()
        self.table.setModel(self.model)
        self.table.horizontalHeader().setSortIndicator(self.model.sort_column, self.model.sort_order)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.setHighlightSections(False)
        widths = {
            "collar": 85,
            "name": 185,
            "rank": 150,
            "status": 112,
            "team": 130,
            "station": 100,
            "joined": 84,
            "independent_patrol": 90,
            "hours": 88,
            "quals": 100,
        }
        for i, column in enumerate(self.model.columns):
            self.table.setColumnWidth(i, widths.get(column.key, 100))
        self.table.doubleClicked.connect(lambda _index: self.open_selected())
        self.table.open_requested.connect(self.open_selected)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._sync_buttons())
        return self.table

    def _build_footer(self) -> QHBoxLayout:
        """The count of officers shown, and why nobody is shown."""
        footer = QHBoxLayout()
        self.count_label = QLabel()
        self.count_label.setAccessibleName("Officer count")
        footer.addWidget(self.count_label)
        footer.addStretch(1)
        self.no_match = QLabel()
        self.no_match.setStyleSheet("color: #9a6700;")
        footer.addWidget(self.no_match)
        return footer

    # -- data ------------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Reload every officer (one aggregate query) and keep the selection where possible."""
        keep = self.selected_id()
        rows = roster.list_officers(self.ctx.db)
        flags = qualifications.officer_flags(self.ctx.db)
        ranks = settings.ranks(self.ctx.db)
        self.model.set_data(rows, flags, ranks)
        self._fill_filter_choices(ranks)
        self.stack.setCurrentWidget(self.empty if self.model.total == 0 else self.table)
        self._update_count()
        if keep is not None:
            self.select_officer(keep)
        self._sync_buttons()

    def _fill_filter_choices(self, ranks: list[tuple[str, str]]) -> None:
        teams = [(team, team) for team in self.model.teams()]
        if self.model.has_unassigned_team():
            teams.append(("(no team)", NO_TEAM))
        for combo, everything, items in (
            (self.rank_filter, "All ranks", [(name, code) for code, name in ranks]),
            (self.team_filter, "All teams", teams),
        ):
            if not fill_choices(combo, everything, items, combo.currentData()):
                self._apply_filters()  # the rank or team chosen is no longer there

    def _apply_filters(self) -> None:
        keep = self.selected_id()
        self.model.set_filters(
            search=self.search.text(),
            status=self.status_filter.currentData(),
            rank=self.rank_filter.currentData(),
            team=self.team_filter.currentData(),
            quals_only=self.quals_filter.isChecked(),
        )
        if keep is not None:
            self.select_officer(keep)
        self._update_count()
        self._sync_buttons()

    def _filters_active(self) -> bool:
        return bool(
            self.search.text().strip()
            or self.status_filter.currentData() != SERVING
            or self.rank_filter.currentData() is not None
            or self.team_filter.currentData() is not None
            or self.quals_filter.isChecked()
        )

    def _update_count(self) -> None:
        self.count_label.setText(self.model.count_text() if self.model.total else "No officers yet")
        nothing = self.model.total > 0 and self.model.rowCount() == 0
        self.no_match.setText(
            "No officer matches the search and filters. Clear filters to see everyone." if nothing else ""
        )
        self.clear_button.setEnabled(self._filters_active())

    def clear_filters(self) -> None:
        filters = (self.status_filter, self.rank_filter, self.team_filter, self.quals_filter, self.search)
        for widget in filters:
            widget.blockSignals(True)
        self.search.clear()
        self.status_filter.setCurrentIndex(0)
        self.rank_filter.setCurrentIndex(0)
        self.team_filter.setCurrentIndex(0)
        self.quals_filter.setChecked(False)
        for widget in filters:
            widget.blockSignals(False)
        self._apply_filters()

    # -- selection -------------------------------------------------------------------------------
    def selected_id(self) -> int | None:
        index = self.table.currentIndex()
        selection = self.table.selectionModel()
        if not index.isValid() or not selection.isRowSelected(index.row(), index.parent()):
            return None
        return self.model.officer_id(index.row())

    def select_officer(self, officer_id: int) -> bool:
        row = self.model.row_of(officer_id)
        if row is None:
            return False
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        )
        self.table.scrollTo(index)
        return True

    def _sync_buttons(self) -> None:
        oid = self.selected_id()
        self.open_button.setEnabled(oid is not None)
        row = self.model.row_of(oid) if oid is not None else None
        self.leave_button.setEnabled(row is not None and self.model.officer(row).status != "left")

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def _search_enter(self) -> None:
        """Enter in the search box: open the only match, else move to the table."""
        if self.model.rowCount() == 1:
            self.select_officer(self.model.officer_id(0))
            self.open_selected()
        elif self.model.rowCount() > 1:
            if self.selected_id() is None:
                self.select_officer(self.model.officer_id(0))
            self.table.setFocus()

    # -- actions ---------------------------------------------------------------------------------
    def new_officer(self) -> None:
        officer_id = officer_dialog.new_officer(self.window(), self.ctx)
        if officer_id is None:
            return
        self.refresh()
        if not self.select_officer(officer_id):
            # The filters hide the new officer: show everyone so the user sees it was added.
            self.clear_filters()
            self.select_officer(officer_id)

    def open_selected(self) -> None:
        oid = self.selected_id()
        if oid is None:
            return
        if officer_dialog.open_officer(self.window(), self.ctx, oid):
            self.refresh()

    def record_leaving(self) -> None:
        oid = self.selected_id()
        if oid is None:
            return
        if officer_dialog.record_leaving_dialog(self.window(), self.ctx, oid) is not None:
            self.refresh()

    def import_roster(self, path: str | None = None) -> None:
        from desktop.ui.importing.wizard import run_import_wizard  # the spreadsheet readers load on first use

        if path:
            run_import_wizard(self.window(), self.ctx, path=path)
        else:
            run_import_wizard(self.window(), self.ctx)

    # -- drag and drop -----------------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        if event.mimeData().hasUrls() and dropped_spreadsheet(event.mimeData().urls()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event) -> None:  # noqa: N802
        if event.mimeData().hasUrls() and dropped_spreadsheet(event.mimeData().urls()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        path = dropped_spreadsheet(event.mimeData().urls()) if event.mimeData().hasUrls() else None
        if path is None:
            event.ignore()
            return
        event.acceptProposedAction()
        self.import_roster(path)
