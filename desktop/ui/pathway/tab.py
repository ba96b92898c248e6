"""Pathway tab: a board with one column per stage, the SCO's counts, filters and bulk recording.

Each column is a QListView over a small list model whose cards are painted by a delegate, so
2,000 officers cost 2,000 list rows, not 2,000 widgets.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QDate,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QAction, QColor, QFont, QKeySequence, QPainter, QPalette, QPen, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QMenu,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.core import pathway
from desktop.core.errors import CipDeskError
from desktop.ui.context import AppContext
from desktop.ui.officer.dialog import open_officer
from desktop.ui.table_model import Column, ListTableModel
from desktop.ui.widgets import CANCELLED, EmptyState, save_with_lock_reason

CARD_ROLE = Qt.ItemDataRole.UserRole + 1
COLUMN_WIDTH = 210
RED = QColor("#c0392b")
OVERDUE_BG = QColor("#fdecea")


def days_text(days: int | None) -> str:
    if days is None:
        return "date unknown"
    return "1 day" if days == 1 else f"{days:,} days"


# ---------------------------------------------------------------------------------------------
# One column: model, delegate, view
# ---------------------------------------------------------------------------------------------


class CardListModel(QAbstractListModel):
    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self.cards: list[pathway.Card] = []

    def set_cards(self, cards: list[pathway.Card]) -> None:
        self.beginResetModel()
        self.cards = list(cards)
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.cards)

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid():
            return None
        card = self.cards[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return card.name
        if role == CARD_ROLE:
            return card
        if role == Qt.ItemDataRole.ToolTipRole:
            tip = f"{card.name} ({card.collar})"
            if card.team:
                tip += f"\nTeam: {card.team}"
            if card.since:
                tip += f"\nAt this stage since {pathway.fmt(card.since)} ({days_text(card.days)})"
            if card.overdue:
                tip += f"\nOverdue: the target is {card.target_days} days"
            return tip + "\nDouble-click to open the officer."
        return None


class CardDelegate(QStyledItemDelegate):
    """Paints one officer card: name, collar and team, days at the stage, overdue flag."""

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        fm = option.fontMetrics
        return QSize(COLUMN_WIDTH - 24, fm.height() * 3 + 16)

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        card: pathway.Card | None = index.data(CARD_ROLE)
        if card is None:
            return
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = option.palette
        rect = option.rect.adjusted(3, 3, -3, -3)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        if selected:
            bg = pal.color(QPalette.ColorRole.Highlight).lighter(170)
            border = pal.color(QPalette.ColorRole.Highlight)
        elif card.overdue:
            bg, border = OVERDUE_BG, RED.lighter(140)
        else:
            bg = pal.color(QPalette.ColorRole.Base)
            border = pal.color(QPalette.ColorRole.Mid)
        painter.setPen(QPen(border, 2 if selected else 1))
        painter.setBrush(bg)
        painter.drawRoundedRect(rect, 5, 5)
        if card.overdue:
            painter.fillRect(QRect(rect.left() + 1, rect.top() + 4, 4, rect.height() - 8), RED)
        fm = option.fontMetrics
        line = fm.height()
        inner = rect.adjusted(10, 5, -8, -5)
        text_color = pal.color(QPalette.ColorRole.Text)
        bold = QFont(option.font)
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(text_color)
        name_rect = QRect(inner.left(), inner.top(), inner.width(), line)
        painter.drawText(
            name_rect,
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            painter.fontMetrics().elidedText(card.name, Qt.TextElideMode.ElideRight, inner.width()),
        )
        painter.setFont(option.font)
        painter.setPen(pal.color(QPalette.ColorRole.PlaceholderText))
        second = card.collar + (f"  ·  {card.team}" if card.team else "")
        painter.drawText(
            QRect(inner.left(), inner.top() + line, inner.width(), line),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            fm.elidedText(second, Qt.TextElideMode.ElideRight, inner.width()),
        )
        third = QRect(inner.left(), inner.top() + 2 * line, inner.width(), line)
        if card.stage_code is None:
            painter.drawText(
                third, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, "No stage recorded"
            )
        else:
            painter.setPen(text_color)
            painter.drawText(
                third, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, days_text(card.days)
            )
            if card.overdue:
                painter.setFont(bold)
                painter.setPen(RED)
                painter.drawText(
                    third, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, "OVERDUE"
                )
        painter.restore()


class CardListView(QListView):
    """A column's list; says so when nobody is at the stage."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.placeholder = "Nobody at this stage"

    def paintEvent(self, event: Any) -> None:
        super().paintEvent(event)
        model = self.model()
        if model is not None and model.rowCount() == 0:
            painter = QPainter(self.viewport())
            painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(
                self.viewport().rect().adjusted(8, 16, -8, -8),
                Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap,
                self.placeholder,
            )
            painter.end()


class StageColumn(QFrame):
    open_requested = Signal(int)
    selection_changed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("stageColumn")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setFixedWidth(COLUMN_WIDTH)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(4)
        self.title = QLabel()
        self.title.setWordWrap(True)
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.title.setMinimumHeight(self.title.fontMetrics().height() * 2 + 2)
        self.title.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.subtitle = QLabel()
        self.subtitle.setWordWrap(True)
        self.subtitle.setMinimumHeight(self.subtitle.fontMetrics().height() * 2 + 2)
        self.subtitle.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.title)
        layout.addWidget(self.subtitle)
        self.model = CardListModel(self)
        self.view = CardListView()
        self.view.setModel(self.model)
        self.view.setItemDelegate(CardDelegate(self.view))
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setUniformItemSizes(True)
        self.view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.view.setFrameShape(QFrame.Shape.NoFrame)
        self.view.doubleClicked.connect(self._open)
        self.view.activated.connect(self._open)
        self.view.selectionModel().selectionChanged.connect(lambda *_: self.selection_changed.emit())
        layout.addWidget(self.view, 1)
        self.column: pathway.BoardColumn | None = None

    def set_column(self, column: pathway.BoardColumn) -> None:
        self.column = column
        stage = column.stage
        self.title.setText(column.title)
        n = len(column.cards)
        overdue = sum(1 for c in column.cards if c.overdue)
        parts = ["1 officer" if n == 1 else f"{n:,} officers"]
        if overdue:
            parts.append(f"<span style='color:{RED.name()}'><b>{overdue:,} overdue</b></span>")
        second = ""
        if stage is not None and stage.target_days:
            second = f"Target {stage.target_days} days"
        elif stage is not None and stage.is_independent_patrol:
            second = "Independent patrol"
        elif stage is not None:
            second = "No target set"
        grey = "<span style='color:palette(placeholder-text)'>"
        self.subtitle.setText(" · ".join(parts) + (f"<br>{grey}{second}</span>" if second else ""))
        self.view.placeholder = (
            "Everyone here has a stage recorded." if stage is None else "Nobody at this stage"
        )
        self.model.set_cards(column.cards)

    def selected_ids(self) -> list[int]:
        rows = sorted(i.row() for i in self.view.selectionModel().selectedIndexes())
        return [self.model.cards[r].officer_id for r in rows]

    def _open(self, index: QModelIndex) -> None:
        card = index.data(CARD_ROLE)
        if card is not None:
            self.open_requested.emit(card.officer_id)


# ---------------------------------------------------------------------------------------------
# Bulk record dialog
# ---------------------------------------------------------------------------------------------


def _result_text(line: pathway.BulkLine) -> str:
    return "Will be recorded" if line.ok else f"Refused: {line.reason}"


class PreviewModel(ListTableModel):
    """Who a bulk recording would record, and who it would refuse and why (refusals first)."""

    columns = (
        Column("Collar", lambda line: line.collar, tip=lambda line: line.collar),
        Column("Name", lambda line: line.name, tip=lambda line: line.name),
        Column(
            "Result",
            _result_text,
            tip=_result_text,
            foreground=lambda line: QColor("#1e7b34") if line.ok else RED,
        ),
    )

    @property
    def lines(self) -> list[pathway.BulkLine]:
        return self.rows

    def set_lines(self, lines: list[pathway.BulkLine]) -> None:
        self.set_rows(sorted(lines, key=lambda x: (x.ok, x.name)))  # refusals first


class BulkRecordDialog(QDialog):
    """Record one stage for several officers, after a preview of who would be refused and why."""

    def __init__(
        self, ctx: AppContext, officer_ids: list[int], parent: QWidget | None = None, *, stage_id=None
    ):
        super().__init__(parent)
        self.ctx = ctx
        self.officer_ids = officer_ids
        self.result_value: pathway.BulkResult | None = None
        self.setWindowTitle("Record a stage for several officers")
        self.resize(640, 520)
        self.pw = pathway.get_pathway(ctx.db)
        layout = QVBoxLayout(self)
        n = len(officer_ids)
        layout.addWidget(QLabel(f"{n} officer{'s' if n != 1 else ''} selected on the board."))
        form = QFormLayout()
        self.stage = QComboBox()
        for st in self.pw.stages:
            self.stage.addItem(st.name, st.id)
        if stage_id is not None:
            self.stage.setCurrentIndex(max(0, self.stage.findData(stage_id)))
        self.date = QDateEdit(QDate.currentDate())
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("dd/MM/yyyy")
        self.assessor = QLineEdit()
        self.assessor.setPlaceholderText("e.g. Special Chief Inspector Ahmed")
        self.note = QLineEdit()
        self.note.setPlaceholderText("e.g. attestation ceremony at headquarters")
        form.addRow("&Stage:", self.stage)
        form.addRow("&Date:", self.date)
        form.addRow("&Assessor:", self.assessor)
        form.addRow("&Note:", self.note)
        layout.addLayout(form)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.preview = PreviewModel(self)
        self.table = QTableView()
        self.table.setModel(self.preview)
        self.table.verticalHeader().hide()
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.setWordWrap(False)
        layout.addWidget(self.table, 1)
        self.error = QLabel()
        self.error.setStyleSheet(f"color: {RED.name()};")
        self.error.setWordWrap(True)
        self.error.hide()
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok = self.buttons.addButton("Record", QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok.setDefault(True)
        self.buttons.accepted.connect(self._record)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.stage.currentIndexChanged.connect(self.update_preview)
        self.date.dateChanged.connect(self.update_preview)
        self.update_preview()

    def chosen(self) -> tuple[int, dt.date]:
        return int(self.stage.currentData()), self.date.date().toPython()

    def update_preview(self) -> None:
        stage_id, on = self.chosen()
        lines = pathway.preview_bulk(self.ctx.db, self.officer_ids, stage_id, on)
        self.preview.set_lines(lines)
        self.table.resizeColumnToContents(0)
        self.table.resizeColumnToContents(1)
        good = sum(1 for x in lines if x.ok)
        bad = len(lines) - good
        text = f"<b>{good}</b> will be recorded"
        if bad:
            text += (
                f", <b style='color:{RED.name()}'>{bad} refused</b> (reasons below; they are left unchanged)"
            )
        self.summary.setText(text + ".")
        self.ok.setText(f"Record for {good} officer{'s' if good != 1 else ''}")
        self.ok.setEnabled(good > 0)

    def _record(self) -> None:
        stage_id, on = self.chosen()
        try:
            result = save_with_lock_reason(
                self,
                lambda locked: pathway.record_bulk(
                    self.ctx.db,
                    self.officer_ids,
                    stage_id,
                    on,
                    self.assessor.text(),
                    self.note.text(),
                    locked_reason=locked,
                ),
            )
            if result is CANCELLED:
                return
            self.result_value = result
        except CipDeskError as exc:
            self.error.setText(str(exc))
            self.error.show()
            return
        self.accept()


# ---------------------------------------------------------------------------------------------
# The tab
# ---------------------------------------------------------------------------------------------


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
        team_label = QLabel("&Team:")
        bar.addWidget(team_label)
        self.team = QComboBox()
        self.team.setMinimumContentsLength(14)
        team_label.setBuddy(self.team)
        bar.addWidget(self.team)
        intake_label = QLabel("&Intake:")
        bar.addWidget(intake_label)
        self.intake = QComboBox()
        self.intake.setMinimumContentsLength(12)
        intake_label.setBuddy(self.intake)
        bar.addWidget(self.intake)
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
            self._fill_combo(self.team, "All teams", [(t, t) for t in board.teams], team)
            self._fill_combo(
                self.intake, "All intakes", [(pathway.intake_label(m), m) for m in board.intakes], intake
            )
        finally:
            self._loading = False
        self.pathway_label.setText(board.pathway.name)
        self._show_board(board)

    @staticmethod
    def _fill_combo(combo: QComboBox, all_text: str, items: list[tuple[str, str]], keep: str | None) -> None:
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(all_text, None)
        for text, value in items:
            combo.addItem(text, value)
        index = combo.findData(keep) if keep else 0
        combo.setCurrentIndex(max(0, index))
        combo.blockSignals(False)

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
