"""The pathway board's columns: one per stage, each a list of officer cards painted by a delegate,
so 2,000 officers cost 2,000 list rows, not 2,000 widgets."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPalette, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QLabel,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from desktop.core import pathway

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
