"""Enter duties: many duties from paper without the mouse."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.core import hours
from desktop.core.domain import normalise_collar
from desktop.core.errors import CipDeskError, NotFoundError, ValidationError
from desktop.ui.context import AppContext
from desktop.ui.hours.common import ERROR_STYLE, date_text, show_message
from desktop.ui.hours.duty_form import DutyForm, OfficerField
from desktop.ui.widgets import CANCELLED, NOT_SAVED, error_label, save_with_lock_reason


class DutyEntryDialog(QDialog):
    """Record many duties from paper without the mouse.

    Collar → Date → Start → End (or Hours) → Type → Unit → Note; Enter saves and clears for the next
    duty, keeping date and type; Ctrl+Z undoes the last saved duty; Escape closes.
    """

    def __init__(
        self, ctx: AppContext, *, default_date: dt.date | None = None, parent: QWidget | None = None
    ):
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("Enter duties")
        self.setMinimumWidth(640)
        self.saved: list[hours.DutyRecord] = []
        self.reasons: dict[str, str] = {}
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Type the collar number, date, start and end (or hours), then press <b>Enter</b> to save and "
            "start the next. The date and type are kept. <b>Ctrl+Z</b> undoes the last one."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)

        self.officer = OfficerField(hours.officer_choices(ctx.db))
        self.officer.edit.submitted.connect(self.save)
        self.form = DutyForm(ctx.db)
        self.form.set_date(default_date or dt.date.today())
        top = QGridLayout()
        lab = QLabel("&Collar")
        lab.setBuddy(self.officer.edit)
        top.addWidget(lab, 0, 0)
        top.addWidget(self.officer, 0, 1)
        self.officer_error = error_label(ERROR_STYLE)
        top.addWidget(self.officer_error, 1, 1)
        top.setColumnMinimumWidth(0, 44)
        layout.addLayout(top)
        self.form.grid.setColumnMinimumWidth(0, 44)
        layout.addWidget(self.form)

        buttons = QHBoxLayout()
        self.status = QLabel()
        self.status.setWordWrap(True)
        buttons.addWidget(self.status, 1)
        self.save_button = QPushButton("&Save (Enter)")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.undo_button = QPushButton("&Undo last (Ctrl+Z)")
        self.undo_button.setEnabled(False)
        self.undo_button.clicked.connect(self.undo_last)
        self.close_button = QPushButton("Close (Esc)")
        self.close_button.setAutoDefault(False)
        self.close_button.clicked.connect(self.reject)
        for b in (self.save_button, self.undo_button, self.close_button):
            buttons.addWidget(b)
        self.undo_button.setAutoDefault(False)
        layout.addLayout(buttons)

        layout.addWidget(QLabel("Just entered (newest first):"))
        self.just_entered = QListWidget()
        self.just_entered.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.just_entered.setMinimumHeight(140)
        layout.addWidget(self.just_entered, 1)

        QShortcut(QKeySequence.StandardKey.Undo, self, activated=self.undo_last)
        order = [
            self.officer.edit,
            *self.form.focus_widgets(),
            self.save_button,
            self.undo_button,
            self.close_button,
        ]
        for a, b in zip(order, order[1:], strict=False):
            QWidget.setTabOrder(a, b)
        self.officer.edit.setFocus()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.save()
            return
        super().keyPressEvent(event)

    def save(self) -> hours.DutyRecord | None:
        data, errors = self.form.collect()
        choice = self.officer.officer()
        if choice is None:
            if not errors:  # say everything that is wrong at once
                errors.update(hours.validate_duty(self.ctx.db, data))
            errors["officer_id"] = (
                "Type the officer's collar number."
                if not self.officer.edit.text().strip()
                else f"No officer has collar number {normalise_collar(self.officer.edit.text())}."
            )
        else:
            data["officer_id"] = choice.id
        if errors:
            return self._fail(errors)
        try:
            rec = save_with_lock_reason(
                self, lambda reason: hours.add_duty(self.ctx.db, data, reason=reason), self.reasons
            )
        except ValidationError as exc:
            return self._fail(exc.errors)
        except CipDeskError as exc:
            return self._fail({"": str(exc)})
        if rec is CANCELLED:
            show_message(self.status, NOT_SAVED)
            return None
        self.saved.append(rec)
        self.form.base_date = rec.date
        self.just_entered.insertItem(0, self._line(rec))
        self.undo_button.setEnabled(True)
        show_message(self.officer_error, "")
        self.form.clear_for_next()
        self.form.set_date(rec.date)
        show_message(
            self.status,
            f"Saved: {rec.collar} {rec.name}, {hours.format_hours(rec.hours)} h on {date_text(rec.date)}.",
            ok=True,
        )
        self.officer.clear()
        self.officer.edit.setFocus()
        self.ctx.notify("duties")
        return rec

    def _fail(self, errors: dict[str, str]) -> None:
        show_message(self.officer_error, errors.pop("officer_id", ""))
        general = errors.pop("", "")
        self.form.show_errors(errors)
        show_message(self.status, general or "Not saved: see the reasons in red.")
        for key, widget in (
            ("officer_id", self.officer.edit),
            ("date", self.form.date_edit),
            ("start_time", self.form.start_edit),
            ("end_time", self.form.end_edit),
            ("hours", self.form.hours_edit),
            ("duty_type", self.form.type_combo),
            ("unit_id", self.form.unit_combo),
        ):
            if key in errors or (key == "officer_id" and self.officer_error.isVisible()):
                widget.setFocus()
                break
        return None

    @staticmethod
    def _line(rec: hours.DutyRecord) -> str:
        parts = [f"{rec.collar} {rec.name}", date_text(rec.date)]
        if rec.times_text:
            parts.append(rec.times_text)
        parts.append(f"{hours.format_hours(rec.hours)} h")
        parts.append(rec.type_text)
        if rec.note:
            parts.append(rec.note)
        return "  ·  ".join(parts)

    def undo_last(self) -> None:
        if not self.saved:
            return
        rec = self.saved[-1]
        try:
            done = save_with_lock_reason(
                self, lambda reason: hours.delete_duty(self.ctx.db, rec.id, reason=reason), self.reasons
            )
        except NotFoundError:
            done = None
        except CipDeskError as exc:
            show_message(self.status, str(exc))
            return
        if done is CANCELLED:
            show_message(self.status, "Not undone: a signed-off month needs a reason for any change.")
            return
        self.saved.pop()
        self.just_entered.takeItem(0)
        self.undo_button.setEnabled(bool(self.saved))
        show_message(
            self.status,
            f"Undone: {rec.collar} {rec.name}, {hours.format_hours(rec.hours)} h on {date_text(rec.date)}.",
            ok=True,
        )
        self.ctx.notify("duties")
