"""The Qualifications page of the officer dialog: status colours, record / renew, history."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QDate, QSignalBlocker, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.core import qualifications as quals
from desktop.core.domain import add_months
from desktop.core.formats import uk_date
from desktop.ui import dialogs
from desktop.ui.context import AppContext
from desktop.ui.officer.fields import EnterRuns, record_row
from desktop.ui.officer.page import RecordPage
from desktop.ui.table_model import Column, ListTableModel, RowStyle, row_table
from desktop.ui.widgets import NOT_SAVED, error_label, save_or_say_why

STATUS_BG = {"expired": QColor("#f8d7da"), "expiring": QColor("#fff3cd"), "valid": QColor("#d4edda")}
STATUS_FG = {"expired": QColor("#8a1c24"), "expiring": QColor("#7a5a00"), "valid": QColor("#1e5e2f")}


def days_left_text(rec: quals.QualRecord | quals.ExpiringRow) -> str:
    days = rec.days_left
    if days is None:
        return ""
    if days < 0:
        return f"expired {-days:,} day{'s' if days != -1 else ''} ago"
    if days == 0:
        return "expires today"
    return f"{days:,} day{'s' if days != 1 else ''} left"


class QualsModel(ListTableModel):
    """An officer's qualification records; ``history`` greys the records a renewal replaced."""

    def __init__(self, parent: Any = None, *, history: bool = False):
        super().__init__(parent)
        self.history = history
        self.rows: list[quals.QualRecord] = []
        grey = QColor("#888888")

        def live(rec: quals.QualRecord) -> bool:
            return rec.current or not self.history

        self.columns = (
            Column("Qualification", lambda r: r.type_name),
            Column("Achieved", lambda r: uk_date(r.achieved_on)),
            Column("Expires", lambda r: uk_date(r.expires_on) or "never"),
            Column(
                "Status",
                self.status_text,
                background=lambda r: STATUS_BG.get(r.status) if live(r) else None,
                foreground=lambda r: STATUS_FG.get(r.status) if live(r) else None,
            ),
            Column("Note", lambda r: r.note or ""),
        )
        self.row_style = RowStyle(foreground=lambda r: None if live(r) else grey)

    def status_text(self, rec: quals.QualRecord) -> str:
        if self.history and not rec.current:
            return "Renewed"
        if rec.status == "no_expiry":
            return "Does not expire"
        return f"{rec.status_label} ({days_left_text(rec)})" if rec.status != "valid" else "Valid"


class OfficerQualificationsPage(RecordPage):
    """Shown inside the officer dialog. ``changed`` fires after anything is saved."""

    TITLE = "Qualifications"

    def __init__(self, ctx: AppContext, officer_id: int | None = None, parent: QWidget | None = None):
        super().__init__(ctx, officer_id, parent)
        self.records: list[quals.QualRecord] = []
        self.types: list[quals.QualType] = []
        layout = QVBoxLayout(self)
        self.summary = QLabel()
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)

        self.current_model = QualsModel(self)
        self.current = self._table(self.current_model)
        layout.addWidget(self.current, 2)
        actions = QHBoxLayout()
        self.renew_button = QPushButton("Re&new selected…")
        self.renew_button.setToolTip("Fill in the form below to renew the selected qualification")
        self.renew_button.clicked.connect(self.renew_selected)
        self.remove_button = QPushButton("Re&move record…")
        self.remove_button.setToolTip("Remove a record entered by mistake (with a reason)")
        self.remove_button.clicked.connect(self.remove_selected)
        actions.addWidget(self.renew_button)
        actions.addWidget(self.remove_button)
        actions.addStretch(1)
        layout.addLayout(actions)

        self.history_label = QLabel()
        layout.addWidget(self.history_label)
        self.history_model = QualsModel(self, history=True)
        self.history = self._table(self.history_model)
        layout.addWidget(self.history, 1)

        box = QGroupBox("Record or renew a qualification")
        form = QFormLayout(box)
        self.type = QComboBox()
        self.date = QDateEdit(QDate.currentDate())
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("dd/MM/yyyy")
        self.expiry = QLabel()
        self.note = QLineEdit()
        self.note.setPlaceholderText("e.g. course reference or provider")
        form.addRow("&Qualification:", self.type)
        form.addRow("&Achieved:", self.date)
        form.addRow("Expires:", self.expiry)
        form.addRow("&Note:", self.note)
        self.error = error_label()
        form.addRow("", self.error)
        self.record_button = QPushButton("&Record")
        self.done = record_row(form, self.record_button, self.record)
        layout.addWidget(box)
        self.enter = EnterRuns.on(self.record, self, (self.type, self.date, self.note))
        self.type.currentIndexChanged.connect(self._form_changed)
        self.date.dateChanged.connect(self._form_changed)
        self.current.selectionModel().selectionChanged.connect(lambda *_: self._selection_changed())
        if officer_id is not None:
            self.refresh()

    @staticmethod
    def _table(model: QualsModel) -> QTableView:
        view = row_table(model)
        header = view.horizontalHeader()
        for col in range(4):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        return view

    # -- data ------------------------------------------------------------------------------------
    def refresh(self) -> None:
        selected = self.selected()
        keep_type = selected.type_id if selected else None
        self.records = quals.officer_qualifications(self.ctx.db, self.officer_id)
        self.types = quals.list_types(self.ctx.db, include_inactive=False)
        current = [r for r in self.records if r.current]
        self.current_model.set_rows(current)
        self.summary.setText(self._summary(current))
        self._offer_types()
        if keep_type is not None:
            for row, rec in enumerate(current):
                if rec.type_id == keep_type:
                    self.current.selectRow(row)
        self._selection_changed()
        self._form_changed()

    def _summary(self, current: list[quals.QualRecord]) -> str:
        """How many are held, and how many of them expired or expire soon."""
        if not current:
            return "No qualifications recorded yet. Record one below."
        text = f"{len(current)} qualification{'s' if len(current) != 1 else ''} held."
        expired = sum(1 for r in current if r.status == "expired")
        expiring = sum(1 for r in current if r.status == "expiring")
        if expired:
            text += f" <b style='color:#8a1c24'>{expired} expired.</b>"
        if expiring:
            days = quals.warning_days(self.ctx.db)
            text += f" <b style='color:#7a5a00'>{expiring} expiring within {days} days.</b>"
        return text

    def _offer_types(self) -> None:
        """The types to record, keeping the one chosen; at first, one the officer does not hold."""
        chosen = self.type.currentData()
        with QSignalBlocker(self.type):
            self.type.clear()
            for t in self.types:
                self.type.addItem(f"{t.name}  ({t.validity_text.lower()})", t.id)
            if chosen is None:
                held = {r.type_id for r in self.records}
                chosen = next((t.id for t in self.types if t.id not in held), None)
            self.type.setCurrentIndex(max(0, self.type.findData(chosen)))
        self.record_button.setEnabled(bool(self.types))

    def selected(self) -> quals.QualRecord | None:
        rows = self.current.selectionModel().selectedRows() if self.current.selectionModel() else []
        return self.current_model.rows[rows[0].row()] if rows else None

    def _selection_changed(self) -> None:
        rec = self.selected()
        self.renew_button.setEnabled(rec is not None)
        self.remove_button.setEnabled(rec is not None)
        if rec is None:
            self.history_label.setText("History: select a qualification above to see every record of it.")
            self.history_model.set_rows([])
            return
        history = [r for r in self.records if r.type_id == rec.type_id]
        self.history_label.setText(
            f"History of {rec.type_name} ({len(history)} record{'s' if len(history) != 1 else ''}):"
        )
        self.history_model.set_rows(history)

    def _form_changed(self) -> None:
        self.error.hide()
        type_id = self.type.currentData()
        qtype = next((t for t in self.types if t.id == type_id), None)
        if qtype is None:
            self.expiry.setText("")
            return
        on = self.date.date().toPython()
        if qtype.validity_months:
            self.expiry.setText(f"{uk_date(add_months(on, qtype.validity_months))} ({qtype.validity_text})")
        else:
            self.expiry.setText("Does not expire")
        held = any(r.type_id == qtype.id for r in self.records)
        self.record_button.setText("&Renew" if held else "&Record")

    # -- actions ---------------------------------------------------------------------------------
    def renew_selected(self) -> None:
        rec = self.selected()
        if rec is None:
            return
        index = self.type.findData(rec.type_id)
        if index < 0:
            self.error.setText(f"{rec.type_name} is no longer in use, so it cannot be renewed.")
            self.error.show()
            return
        self.type.setCurrentIndex(index)
        self.date.setDate(QDate.currentDate())
        self.date.setFocus()

    def record(self) -> bool:
        self.error.hide()
        self.done.clear()
        type_id = self.type.currentData()
        if type_id is None:
            return False
        on = self.date.date().toPython()
        held = any(r.type_id == type_id for r in self.records)
        save = quals.renew if held else quals.record
        note = self.note.text()
        if not save_or_say_why(
            self,
            self.error,
            lambda locked: save(self.ctx.db, self.officer_id, int(type_id), on, note, locked_reason=locked),
            NOT_SAVED,
        ):
            return False
        name = next((t.name for t in self.types if t.id == type_id), "Qualification")
        self.note.clear()
        self._saved()
        self.done.setText(f"{'Renewed' if held else 'Recorded'} {name} on {uk_date(on)}.")
        return True

    def remove_selected(self) -> bool:
        rec = self.selected()
        if rec is None:
            return False
        reason = dialogs.ask_text(
            self,
            "Remove qualification record",
            f"Remove {rec.type_name} achieved {uk_date(rec.achieved_on)}?\nSay why (kept in the audit log):",
        )
        if reason is None:
            return False
        if not save_or_say_why(
            self,
            self.error,
            lambda locked: quals.remove_record(self.ctx.db, rec.id, reason=reason, locked_reason=locked),
            "Not removed: a signed-off month needs a reason for any change.",
        ):
            return False
        self._saved()
        self.done.setText(f"Removed {rec.type_name} ({uk_date(rec.achieved_on)}).")
        return True

    def _saved(self) -> None:
        self.refresh()
        self.changed.emit()
        self.ctx.notify("qualifications")
