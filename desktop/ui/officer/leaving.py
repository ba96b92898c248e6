"""Record that an officer left: date, reason and note. The officer is kept, never deleted."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.core import roster
from desktop.core.domain import LEAVING_REASONS
from desktop.core.errors import ConflictError, NotFoundError, ValidationError, plain_message
from desktop.ui import dialogs
from desktop.ui.context import AppContext
from desktop.ui.officer.fields import DateField, display_name, reason_label, sentence, with_reason
from desktop.ui.widgets import CANCELLED, save_with_lock_reason


class LeavingDialog(QDialog):
    """Record that an officer left: date, reason, note. The officer is kept, never deleted."""

    def __init__(self, ctx: AppContext, officer_id: int, version: int | None, title: str, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.officer_id = officer_id
        self.version = version
        self.record: roster.OfficerRecord | None = None
        self.conflict: str | None = None
        self.setWindowTitle("Record leaving")
        layout = QVBoxLayout(self)
        intro = QLabel(
            f"Record that <b>{title}</b> left. The record is kept (with its history and hours) and "
            "shows as Left; nothing is deleted."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.date = DateField()
        self.date.set_date(dt.date.today())
        self.reason = QComboBox()
        self.reason.addItem("Choose a reason…", None)
        for reason in LEAVING_REASONS:
            self.reason.addItem(sentence(reason), reason)
        self.note = QLineEdit()
        self.note.setPlaceholderText("optional, kept in the audit log")
        self.errors = {name: reason_label() for name in ("left_date", "leaving_reason", "note")}
        form.addRow("Leaving date:", with_reason(self.date, self.errors["left_date"]))
        form.addRow("Reason:", with_reason(self.reason, self.errors["leaving_reason"]))
        form.addRow("Note:", with_reason(self.note, self.errors["note"]))
        layout.addLayout(form)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.ok = QPushButton("Record leaving")
        self.ok.setDefault(True)
        self.ok.clicked.connect(self.save)
        cancel = QPushButton("Cancel")
        cancel.clicked.connect(self.reject)
        buttons.addWidget(self.ok)
        buttons.addWidget(cancel)
        layout.addLayout(buttons)
        self.resize(480, self.sizeHint().height())

    def show_errors(self, errors: dict[str, str]) -> None:
        for label in self.errors.values():
            label.clear()
            label.setVisible(False)
        for name, text in errors.items():
            label = self.errors.get(name, self.errors["note"])
            label.setText((label.text() + "\n" if label.text() else "") + text)
            label.setVisible(True)
        first = next((n for n in ("left_date", "leaving_reason") if n in errors), None)
        if first == "left_date":
            self.date.setFocus()
        elif first == "leaving_reason":
            self.reason.setFocus()

    def save(self) -> None:
        errors: dict[str, str] = {}
        try:
            when = self.date.date()
        except ValueError as exc:
            when = None
            errors["left_date"] = str(exc)
        if when is None and "left_date" not in errors:
            errors["left_date"] = "Enter the date the officer left."
        reason = self.reason.currentData()
        if not reason:
            errors["leaving_reason"] = "Choose why the officer left."
        if errors or when is None:
            self.show_errors(errors)
            return
        try:
            record = save_with_lock_reason(
                self,
                lambda locked_reason: roster.record_leaving(
                    self.ctx.db,
                    self.officer_id,
                    when,
                    reason,
                    note=self.note.text().strip() or None,
                    version=self.version,
                    locked_reason=locked_reason,
                ),
            )
            if record is CANCELLED:
                return
            self.record = record
        except ValidationError as exc:
            self.show_errors(exc.errors)
            return
        except ConflictError as exc:
            self.conflict = str(exc)
            self.reject()
            return
        except Exception as exc:
            message = plain_message(exc)
            if message is None:
                raise
            dialogs.error(self, "Cannot record leaving", message)
            return
        self.accept()


def record_leaving_dialog(
    parent: QWidget | None, ctx: AppContext, officer_id: int, *, version: int | None = None
) -> roster.OfficerRecord | None:
    """Ask for leaving date and reason and record it; the new record, or None if nothing changed."""
    try:
        current = roster.get_officer(ctx.db, officer_id)
    except NotFoundError as exc:
        dialogs.error(parent, "Record leaving", str(exc))
        return None
    name = f"{current['collar']} {display_name(current.values)}"
    dlg = LeavingDialog(ctx, officer_id, version if version is not None else current.version, name, parent)
    dlg.exec()
    if dlg.conflict:
        dialogs.error(parent, "Someone else changed this officer", dlg.conflict)
        return None
    if dlg.record is not None:
        ctx.notify("officers")
    return dlg.record
