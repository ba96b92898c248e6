"""Event duty: one duty each for many ticked officers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.core import hours
from desktop.core.errors import CipDeskError, ValidationError
from desktop.ui.context import AppContext
from desktop.ui.hours.common import ERROR_STYLE, show_message
from desktop.ui.hours.duty_form import DutyForm
from desktop.ui.table_model import Index
from desktop.ui.widgets import CANCELLED, NOT_SAVED, error_label, save_with_lock_reason


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
            show_message(self.error, exc.errors.get("officer_id", ""))
            return
        except CipDeskError as exc:
            show_message(self.error, str(exc))
            return
        if result is CANCELLED:
            show_message(self.error, NOT_SAVED)
            return
        self.form.show_errors({})
        show_message(self.error, "")
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
