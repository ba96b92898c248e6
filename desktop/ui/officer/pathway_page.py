"""The Pathway page of the officer dialog: stages met, record the next one, correct or remove."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.core import pathway
from desktop.core.errors import CipDeskError, ValidationError
from desktop.ui.context import AppContext
from desktop.ui.officer.fields import EnterRuns, record_row
from desktop.ui.officer.page import RecordPage
from desktop.ui.table_model import Column, ListTableModel, RowStyle, row_table
from desktop.ui.widgets import CANCELLED, error_label, save_or_say_why, save_with_lock_reason

SOURCE_TEXT = {
    "roster": "Date from the roster (no stage record)",
    "implied": "Taken as met: a later stage is recorded",
}


def _date_edit(value: Any = None) -> QDateEdit:
    edit = QDateEdit(QDate(value) if value else QDate.currentDate())
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("dd/MM/yyyy")
    return edit


class StagesModel(ListTableModel):
    """Every stage of the pathway with what the officer has met; the next stage in bold. A row is a
    (stage, entry or None) pair."""

    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self.rows: list[tuple[pathway.Stage, pathway.Entry | None]] = []
        self.next_code: str | None = None
        bold = QFont()
        bold.setBold(True)
        implied = QColor("#6b6b6b")
        unreached = QColor("#888888")

        def not_recorded(row: Any) -> bool:
            return row[1] is not None and row[1].source != "record"

        def implied_colour(row: Any) -> QColor | None:
            return implied if not_recorded(row) else None

        self.columns = (
            Column("Stage", _stage_name),
            Column("Achieved", self._achieved, foreground=implied_colour),
            Column("Assessor", lambda row: (row[1].assessor or "") if row[1] is not None else ""),
            Column("Note", _note, foreground=implied_colour),
        )
        self.row_style = RowStyle(
            tip=lambda row: SOURCE_TEXT[row[1].source] if not_recorded(row) else None,
            foreground=lambda row: unreached if row[1] is None and row[0].code != self.next_code else None,
            font=lambda row: bold if row[0].code == self.next_code else None,
        )

    def set_progress(self, prog: pathway.Progress) -> None:
        self.beginResetModel()
        met = {e.stage_code: e for e in prog.entries}
        self.rows = [(st, met.get(st.code)) for st in prog.pathway.stages]
        self.next_code = prog.next.code if prog.next else None
        self.endResetModel()

    def entry(self, row: int) -> pathway.Entry | None:
        return self.rows[row][1] if 0 <= row < len(self.rows) else None

    def _achieved(self, row: Any) -> str:
        stage, entry = row
        if entry is None:
            return "Next" if stage.code == self.next_code else "—"
        return pathway.fmt(entry.achieved_on) if entry.achieved_on else "met, date unknown"


def _stage_name(row: Any) -> str:
    """The stage's name, saying when it is the attestation or independent-patrol stage without its
    name saying so."""
    stage = row[0]
    flags = []
    if stage.is_attestation and "attest" not in stage.name.lower():
        flags.append("attestation")
    if stage.is_independent_patrol and "independent" not in stage.name.lower():
        flags.append("independent patrol")
    return stage.name + (f"  ({', '.join(flags)})" if flags else "")


def _note(row: Any) -> str:
    entry = row[1]
    return (entry.note or SOURCE_TEXT.get(entry.source, "")) if entry is not None else ""


class EntryDialog(QDialog):
    """Correct (date, assessor, note) or remove a recorded stage; either needs a reason."""

    def __init__(self, ctx: AppContext, entry: pathway.Entry, *, remove: bool, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.entry = entry
        self.remove = remove
        self.setWindowTitle(f"Remove {entry.stage_name}" if remove else f"Correct {entry.stage_name}")
        layout = QVBoxLayout(self)
        intro = (
            f"Remove <b>{entry.stage_name}</b> recorded on {pathway.fmt(entry.achieved_on)}? "
            "Use this for an entry made by mistake."
            if remove
            else f"Correct <b>{entry.stage_name}</b>."
        )
        label = QLabel(intro)
        label.setWordWrap(True)
        layout.addWidget(label)
        form = QFormLayout()
        self.date = _date_edit(entry.achieved_on)
        self.assessor = QLineEdit(entry.assessor or "")
        self.note = QLineEdit(entry.note or "")
        if not remove:
            form.addRow("&Date:", self.date)
            self.date_error = error_label()
            form.addRow("", self.date_error)
            form.addRow("&Assessor:", self.assessor)
            form.addRow("&Note:", self.note)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("Why? Kept in the audit log (required)")
        form.addRow("&Reason:", self.reason)
        self.reason_error = error_label()
        form.addRow("", self.reason_error)
        layout.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok = buttons.addButton(
            "Remove" if remove else "Save correction", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.ok.setDefault(True)
        buttons.accepted.connect(self.apply)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.reason.setFocus()
        self.resize(460, self.sizeHint().height())

    def apply(self) -> None:
        for label in (self.reason_error, getattr(self, "date_error", None)):
            if label is not None:
                label.hide()
        assert self.entry.id is not None
        try:
            entry_id = self.entry.id
            if self.remove:
                done = save_with_lock_reason(
                    self,
                    lambda locked: pathway.remove_entry(
                        self.ctx.db, entry_id, reason=self.reason.text(), locked_reason=locked
                    ),
                )
            else:
                done = save_with_lock_reason(
                    self,
                    lambda locked: pathway.correct_entry(
                        self.ctx.db,
                        entry_id,
                        on=self.date.date().toPython(),
                        assessor=self.assessor.text(),
                        note=self.note.text(),
                        reason=self.reason.text(),
                        locked_reason=locked,
                    ),
                )
            if done is CANCELLED:
                return
        except ValidationError as exc:
            for key, text in exc.errors.items():
                label = self.reason_error if key in ("reason", "stage") or self.remove else self.date_error
                label.setText(text)
                label.show()
            return
        except CipDeskError as exc:
            self.reason_error.setText(str(exc))
            self.reason_error.show()
            return
        self.accept()


class OfficerPathwayPage(RecordPage):
    """Shown inside the officer dialog. ``changed`` fires after anything is saved."""

    TITLE = "Pathway"

    def __init__(self, ctx: AppContext, officer_id: int | None = None, parent: QWidget | None = None):
        super().__init__(ctx, officer_id, parent)
        self.progress: pathway.Progress | None = None
        layout = QVBoxLayout(self)
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.heading.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.heading)

        self.model = StagesModel(self)
        self.table = row_table(self.model)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.doubleClicked.connect(lambda _i: self.correct_selected())
        layout.addWidget(self.table, 1)

        row = QHBoxLayout()
        self.correct_button = QPushButton("&Correct…")
        self.remove_button = QPushButton("Re&move…")
        self.correct_button.setToolTip(
            "Change the date, assessor or note of the selected stage (with a reason)"
        )
        self.remove_button.setToolTip("Remove the selected stage, recorded by mistake (with a reason)")
        self.correct_button.clicked.connect(self.correct_selected)
        self.remove_button.clicked.connect(self.remove_selected)
        row.addWidget(self.correct_button)
        row.addWidget(self.remove_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())

        box = QGroupBox("Record a stage")
        form = QFormLayout(box)
        self.stage = QComboBox()
        self.date = _date_edit()
        self.assessor = QLineEdit()
        self.assessor.setPlaceholderText("Who assessed or signed it off")
        self.note = QLineEdit()
        form.addRow("&Stage:", self.stage)
        form.addRow("&Date:", self.date)
        form.addRow("&Assessor:", self.assessor)
        form.addRow("&Note:", self.note)
        self.error = error_label()
        form.addRow("", self.error)
        self.record_button = QPushButton("&Record stage")
        self.done = record_row(form, self.record_button, self.record)
        self.enter = EnterRuns.on(self.record, self, (self.stage, self.date, self.assessor, self.note))
        self.stage.currentIndexChanged.connect(lambda _i: self.error.hide())
        self.date.dateChanged.connect(lambda _d: self.error.hide())
        layout.addWidget(box)
        if officer_id is not None:
            self.refresh()

    # -- data ------------------------------------------------------------------------------------
    def refresh(self) -> None:
        prog = pathway.officer_progress(self.ctx.db, self.officer_id)
        self.progress = prog
        self.model.set_progress(prog)
        self.heading.setText(self._heading(prog))
        met = {e.stage_code for e in prog.entries if e.source == "record"}
        self.stage.blockSignals(True)
        self.stage.clear()
        for st in prog.pathway.stages:
            if st.code not in met:
                self.stage.addItem(st.name, st.id)
        if prog.next is not None:
            self.stage.setCurrentIndex(max(0, self.stage.findData(prog.next.id)))
        self.stage.blockSignals(False)
        can_record = self.stage.count() > 0
        self.record_button.setEnabled(can_record)
        self.stage.setEnabled(can_record)
        self._update_buttons()

    @staticmethod
    def _heading(prog: pathway.Progress) -> str:
        name = f"<b>{prog.pathway.name}</b>"
        if prog.current is None:
            where = "No stage recorded yet."
        else:
            where = f"At <b>{prog.current.name}</b>"
            if prog.since:
                where += f" since {pathway.fmt(prog.since)} ({prog.days_at_stage:,} days"
                if prog.current.target_days:
                    where += f"; target {prog.current.target_days} days"
                where += ")"
            where += "."
            if prog.overdue:
                where += " <span style='color:#b3261e'><b>Overdue.</b></span>"
        nxt = f" Next: <b>{prog.next.name}</b>." if prog.next else " The pathway is complete."
        return f"{name}<br>{where}{nxt}"

    def selected_entry(self) -> pathway.Entry | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.entry(rows[0].row()) if rows else None

    def _update_buttons(self) -> None:
        entry = self.selected_entry()
        editable = entry is not None and entry.source == "record"
        self.correct_button.setEnabled(editable)
        self.remove_button.setEnabled(editable)

    # -- actions ---------------------------------------------------------------------------------
    def record(self) -> bool:
        self.error.hide()
        self.done.clear()
        stage_id = self.stage.currentData()
        if stage_id is None:
            return False
        on = self.date.date().toPython()
        if not save_or_say_why(
            self,
            self.error,
            lambda locked: pathway.record_stage(
                self.ctx.db,
                self.officer_id,
                int(stage_id),
                on,
                self.assessor.text(),
                self.note.text(),
                locked_reason=locked,
            ),
        ):
            return False
        name = self.stage.currentText()
        self.note.clear()
        self._saved()
        self.done.setText(f"Recorded {name} on {pathway.fmt(on)}.")
        return True

    def correct_selected(self) -> EntryDialog | None:
        return self._entry_dialog(remove=False)

    def remove_selected(self) -> EntryDialog | None:
        return self._entry_dialog(remove=True)

    def _entry_dialog(self, *, remove: bool) -> EntryDialog | None:
        entry = self.selected_entry()
        if entry is None or entry.source != "record":
            return None
        dlg = EntryDialog(self.ctx, entry, remove=remove, parent=self)
        dlg.accepted.connect(self._saved)
        dlg.open()
        return dlg

    def _saved(self) -> None:
        self.refresh()
        self.changed.emit()
        self.ctx.notify("pathway")
