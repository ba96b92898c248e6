"""Pathway tab: a board with one column per stage, the SCO's counts, filters and bulk recording.

The package: ``board`` (the stage columns and their cards), ``bulk`` (record one stage for several
officers after a preview); an officer's own pathway is a page of the officer's record
(desktop/ui/officer/pathway_page.py).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.core import pathway
from desktop.ui.context import AppContext
from desktop.ui.officer.dialog import open_officer
from desktop.ui.pathway.board import CARD_ROLE, StageColumn, days_text
from desktop.ui.pathway.bulk import BulkRecordDialog
from desktop.ui.widgets import EmptyState, add_labelled, fill_choices


class PathwayTab(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.board_data: pathway.Board | None = None
        layout = QVBoxLayout(self)

        bar = QHBoxLayout()
        self.pathway_label = QLabel()
        font = self.pathway_label.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.pathway_label.setFont(font)
        bar.addWidget(self.pathway_label)
        bar.addStretch(1)
        self.team = QComboBox()
        self.team.setMinimumContentsLength(14)
        add_labelled(bar, "&Team:", self.team)
        self.intake = QComboBox()
        self.intake.setMinimumContentsLength(12)
        add_labelled(bar, "&Intake:", self.intake)
        self.sort = QComboBox()
        self.sort.addItem("Longest at stage first", "days")
        self.sort.addItem("By name", "name")
        self.sort.setToolTip("Order of the cards in each column")
        bar.addWidget(self.sort)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Find name or collar…")
        self.search.setClearButtonEnabled(True)
        self.search.setMaximumWidth(200)
        bar.addWidget(self.search)
        self.bulk_button = QPushButton("&Record stage for selected…")
        self.bulk_button.setToolTip(
            "Select cards (Ctrl+click, Shift+click, Ctrl+A in a column), then record one stage for all"
        )
        bar.addWidget(self.bulk_button)
        layout.addLayout(bar)

        self.counts = QLabel()
        self.counts.setWordWrap(True)
        self.counts.setTextFormat(Qt.TextFormat.RichText)
        self.counts.setStyleSheet(
            "QLabel { background: palette(alternate-base); border: 1px solid palette(mid);"
            " border-radius: 4px; padding: 6px; }"
        )
        layout.addWidget(self.counts)

        self.stack = QStackedWidget()
        self.empty = EmptyState(
            "No serving officers yet. Add officers in the Roster tab, or import a roster with "
            "File > Import roster; then record their stages here."
        )
        self.no_match = EmptyState("No officers match these filters.", "Clear filters")
        assert self.no_match.button is not None
        self.no_match.button.clicked.connect(self.clear_filters)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.board_widget = QWidget()
        self.columns_layout = QHBoxLayout(self.board_widget)
        self.columns_layout.setContentsMargins(0, 0, 0, 0)
        self.columns_layout.setSpacing(6)
        self.columns_layout.addStretch(1)
        self.scroll.setWidget(self.board_widget)
        self.stack.addWidget(self.scroll)
        self.stack.addWidget(self.empty)
        self.stack.addWidget(self.no_match)
        layout.addWidget(self.stack, 1)
        self.columns: list[StageColumn] = []

        self.team.currentIndexChanged.connect(self._filters_changed)
        self.intake.currentIndexChanged.connect(self._filters_changed)
        self.search.textChanged.connect(self._apply_search)
        self.sort.currentIndexChanged.connect(self._apply_search)
        self.bulk_button.clicked.connect(self.bulk_record)
        QShortcut(QKeySequence("Ctrl+R"), self, self.bulk_record)
        self._loading = False
        self.refresh()

    # -- data ------------------------------------------------------------------------------------
    def refresh(self) -> None:
        team = self.team.currentData()
        intake = self.intake.currentData()
        board = pathway.board(self.ctx.db, team=team, intake=intake)
        if team and team not in board.teams or intake and intake not in board.intakes:
            board = pathway.board(self.ctx.db)
        self.board_data = board
        self._loading = True
        try:
            fill_choices(self.team, "All teams", [(t, t) for t in board.teams], team)
            fill_choices(
                self.intake, "All intakes", [(pathway.intake_label(m), m) for m in board.intakes], intake
            )
        finally:
            self._loading = False
        self.pathway_label.setText(board.pathway.name)
        self._show_board(board)

    def _filters_changed(self) -> None:
        if not self._loading:
            self.refresh()

    def clear_filters(self) -> None:
        self._loading = True
        self.team.setCurrentIndex(0)
        self.intake.setCurrentIndex(0)
        self.search.clear()
        self._loading = False
        self.refresh()

    def _show_board(self, board: pathway.Board) -> None:
        while len(self.columns) < len(board.columns):
            col = StageColumn()
            col.open_requested.connect(self.open_officer)
            col.selection_changed.connect(self._update_buttons)
            col.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
            col.view.customContextMenuRequested.connect(lambda pos, c=col: self._context_menu(c, pos))
            self.columns_layout.insertWidget(len(self.columns), col)
            self.columns.append(col)
        while len(self.columns) > len(board.columns):
            col = self.columns.pop()
            col.setParent(None)
            col.deleteLater()
        self._apply_search()
        self._update_counts(board)
        if board.total:
            self.stack.setCurrentWidget(self.scroll)
        elif self.team.currentData() or self.intake.currentData():
            self.stack.setCurrentWidget(self.no_match)
        else:
            self.stack.setCurrentWidget(self.empty)
        self._update_buttons()

    def _apply_search(self) -> None:
        board = self.board_data
        if board is None:
            return
        needle = self.search.text().strip().lower()
        by_days = self.sort.currentData() == "days"
        for widget, column in zip(self.columns, board.columns, strict=False):
            cards = column.cards
            if needle:
                cards = [c for c in cards if needle in c.name.lower() or needle in c.collar.lower()]
            if by_days:
                cards = sorted(cards, key=lambda c: -(c.days if c.days is not None else -1))
            widget.set_column(pathway.BoardColumn(column.stage, cards))
        self._update_buttons()

    def _update_counts(self, board: pathway.Board) -> None:
        c = board.counts
        parts = [f"<b>{board.total:,}</b> serving officer{'s' if board.total != 1 else ''} on the board"]
        if c.not_started:
            parts.append(f"{c.not_started:,} with no stage yet")
        if c.median_days_to_ip is None:
            parts.append("Median joining → independent patrol (last 12 months): <i>nobody reached it</i>")
        else:
            parts.append(
                f"Median joining → independent patrol (last 12 months): <b>{c.median_days_to_ip:,.0f} days</b>"
                f" over {c.ip_in_last_year} officer{'s' if c.ip_in_last_year != 1 else ''}"
            )
        text = " &nbsp;·&nbsp; ".join(parts)
        if c.longest_waiting:
            names = {st.code: st.name for st in board.pathway.stages}
            waits = [
                f"{_esc(w.name)} ({_esc(w.collar)}) {days_text(w.days)} at {_esc(names.get(w.stage_code or '', ''))}"
                for w in c.longest_waiting[:3]
            ]
            text += "<br>Waiting longest: " + "; ".join(waits)
        self.counts.setText(text)

    def _update_buttons(self) -> None:
        n = len(self.selected_ids())
        self.bulk_button.setText(f"&Record stage for {n} selected…" if n else "&Record stage for selected…")
        self.bulk_button.setEnabled(n > 0)

    # -- actions ---------------------------------------------------------------------------------
    def selected_ids(self) -> list[int]:
        ids: list[int] = []
        for col in self.columns:
            ids.extend(col.selected_ids())
        return ids

    def _suggested_stage(self) -> int | None:
        """The stage after the column most of the selection sits in."""
        board = self.board_data
        if board is None:
            return None
        best, best_n = None, 0
        for col, data in zip(self.columns, board.columns, strict=False):
            n = len(col.selected_ids())
            if n > best_n:
                best, best_n = data.stage, n
        stages = board.pathway.stages
        if best is None:
            return stages[0].id if stages else None
        i = next((k for k, st in enumerate(stages) if st.id == best.id), -1)
        return stages[i + 1].id if 0 <= i < len(stages) - 1 else best.id

    def bulk_record(self) -> BulkRecordDialog | None:
        ids = self.selected_ids()
        if not ids:
            self.bulk_button.setEnabled(False)
            return None
        dlg = BulkRecordDialog(self.ctx, ids, self, stage_id=self._suggested_stage())
        dlg.finished.connect(lambda code: self._bulk_done(dlg, code))
        dlg.open()
        return dlg

    def _bulk_done(self, dlg: BulkRecordDialog, code: int) -> None:
        if code == QDialog.DialogCode.Accepted and dlg.result_value is not None:
            self.ctx.notify("pathway")
            self.refresh()

    def open_officer(self, officer_id: int) -> None:
        open_officer(self, self.ctx, officer_id)

    def _context_menu(self, col: StageColumn, pos: Any) -> None:
        index = col.view.indexAt(pos)
        menu = QMenu(self)
        if index.isValid():
            card = index.data(CARD_ROLE)
            act = QAction(f"Open {card.name}", menu)
            act.triggered.connect(lambda: self.open_officer(card.officer_id))
            menu.addAction(act)
        bulk = QAction("Record stage for selected…", menu)
        bulk.setEnabled(bool(self.selected_ids()))
        bulk.triggered.connect(self.bulk_record)
        menu.addAction(bulk)
        select_all = QAction("Select everyone in this column", menu)
        select_all.triggered.connect(col.view.selectAll)
        menu.addAction(select_all)
        menu.exec(col.view.viewport().mapToGlobal(pos))


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
