"""One duty added or edited for an officer, a duty deleted (asking first), and one officer's day."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.core import hours, month_locks
from desktop.core.errors import CipDeskError, ConflictError, NotFoundError, ValidationError
from desktop.ui import dialogs
from desktop.ui.context import AppContext
from desktop.ui.hours.common import ERROR_STYLE, date_text, show_message
from desktop.ui.hours.duty_form import DutyForm
from desktop.ui.widgets import CANCELLED, NOT_SAVED, error_label, save_with_lock_reason


class DutyDialog(QDialog):
    """Add a duty for one officer (date given) or edit an existing duty."""

    def __init__(
        self,
        ctx: AppContext,
        officer_id: int,
        *,
        record: hours.DutyRecord | None = None,
        day: dt.date | None = None,
        officer_label: str = "",
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.ctx = ctx
        self.officer_id = officer_id
        self.record = record
        self.result_record: hours.DutyRecord | None = None
        self.setWindowTitle(
            ("Edit duty" if record else "Add duty") + (f": {officer_label}" if officer_label else "")
        )
        layout = QVBoxLayout(self)
        if officer_label:
            who = QLabel(f"<b>{officer_label}</b>")
            layout.addWidget(who)
        self.form = DutyForm(ctx.db)
        if record is not None:
            self.form.set_record(record)
        else:
            self.form.set_date(day or dt.date.today())
        layout.addWidget(self.form)
        self.error = error_label(ERROR_STYLE)
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        (self.form.hours_edit if record and record.is_monthly_total else self.form.start_edit).setFocus()

    def save(self) -> None:
        data, errors = self.form.collect()
        if errors:
            self.form.show_errors(errors)
            return
        rec = self.record
        try:
            if rec is None:
                data["officer_id"] = self.officer_id
                result = save_with_lock_reason(
                    self, lambda reason: hours.add_duty(self.ctx.db, data, reason=reason)
                )
            else:
                if rec.is_monthly_total:
                    data = {"hours": data["hours"], "note": data["note"]}
                result = save_with_lock_reason(
                    self,
                    lambda reason: hours.update_duty(
                        self.ctx.db, rec.id, data, version=rec.version, reason=reason
                    ),
                )
        except ValidationError as exc:
            self.form.show_errors(exc.errors)
            show_message(self.error, exc.errors.get("officer_id", ""))
            return
        except (ConflictError, NotFoundError, CipDeskError) as exc:
            show_message(self.error, str(exc))
            return
        if result is CANCELLED:
            show_message(self.error, NOT_SAVED)
            return
        self.result_record = result
        self.ctx.notify("duties")
        self.accept()


def add_duty(parent: QWidget, ctx: AppContext, officer_id: int, officer_label: str, day: dt.date) -> bool:
    """The duty dialog for a new duty of the officer on ``day``; True when one was saved."""
    return bool(DutyDialog(ctx, officer_id, day=day, officer_label=officer_label, parent=parent).exec())


def edit_duty(
    parent: QWidget, ctx: AppContext, officer_id: int, officer_label: str, rec: hours.DutyRecord
) -> bool:
    """The duty dialog for ``rec``; True when it was saved."""
    return bool(DutyDialog(ctx, officer_id, record=rec, officer_label=officer_label, parent=parent).exec())


def delete_duty_asking(parent: QWidget, ctx: AppContext, rec: hours.DutyRecord) -> bool:
    """Confirm, then delete (asking a reason in a signed-off month). True when deleted."""
    what = f"{hours.format_hours(rec.hours)} h {rec.type_text.lower()}"
    if not dialogs.confirm(
        parent, "Delete duty", f"Delete the {what} of {date_text(rec.date)} for {rec.name}?"
    ):
        return False
    try:
        done = save_with_lock_reason(parent, lambda reason: hours.delete_duty(ctx.db, rec.id, reason=reason))
    except NotFoundError:
        done = None
    except CipDeskError as exc:
        dialogs.error(parent, "Delete duty", str(exc))
        return False
    if done is CANCELLED:
        return False
    ctx.notify("duties")
    return True


# ---------------------------------------------------------------------------------------------
# One officer's day
# ---------------------------------------------------------------------------------------------


class DayDutiesDialog(QDialog):
    """The duties of one officer on one day, with Add (Insert), Edit (Enter) and Delete (Del)."""

    def __init__(
        self,
        ctx: AppContext,
        officer_id: int,
        day: dt.date,
        officer_label: str,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.ctx = ctx
        self.officer_id = officer_id
        self.day = day
        self.officer_label = officer_label
        self.setWindowTitle(f"{officer_label}: {date_text(day)}")
        self.resize(680, 300)
        layout = QVBoxLayout(self)
        self.heading = QLabel()
        layout.addWidget(self.heading)
        self.list = QTreeWidget()
        self.list.setRootIsDecorated(False)
        self.list.setHeaderLabels(["Time", "Hours", "Type", "Note"])
        self.list.setColumnWidth(0, 190)
        self.list.setColumnWidth(1, 60)
        self.list.setColumnWidth(2, 190)
        self.list.itemActivated.connect(lambda *_: self.edit())
        layout.addWidget(self.list, 1)
        self.empty = QLabel("No duties on this day. Press Add (or Insert) to record one.")
        self.empty.setStyleSheet("color: palette(mid);")
        layout.addWidget(self.empty)
        row = QHBoxLayout()
        self.add_button = QPushButton("&Add…")
        self.edit_button = QPushButton("&Edit…")
        self.delete_button = QPushButton("&Delete")
        close = QPushButton("Close")
        for b in (self.add_button, self.edit_button, self.delete_button):
            b.setAutoDefault(False)
            row.addWidget(b)
        row.addStretch(1)
        row.addWidget(close)
        layout.addLayout(row)
        self.add_button.clicked.connect(self.add)
        self.edit_button.clicked.connect(self.edit)
        self.delete_button.clicked.connect(self.delete)
        close.clicked.connect(self.accept)
        QShortcut(QKeySequence(Qt.Key.Key_Insert), self, activated=self.add)
        QShortcut(QKeySequence.StandardKey.Delete, self.list, activated=self.delete)
        self.records: list[hours.DutyRecord] = []
        self.refresh()

    def refresh(self) -> None:
        self.records = hours.list_duties(self.ctx.db, self.officer_id, self.day, self.day)
        self.list.clear()
        for rec in self.records:
            item = QTreeWidgetItem(
                [rec.times_text or "hours only", hours.format_hours(rec.hours), rec.type_text, rec.note or ""]
            )
            item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.list.addTopLevelItem(item)
        total = sum(r.hours for r in self.records)
        self.heading.setText(
            f"<b>{self.officer_label}</b>, {date_text(self.day)}: "
            f"{hours.format_hours(total) or 'no'} hours"
            + (
                "  <span style='color:#8a6d00'>(signed-off month)</span>"
                if month_locks.is_signed_off(self.ctx.db, hours.month_key(self.day))
                else ""
            )
        )
        self.empty.setVisible(not self.records)
        self.list.setVisible(bool(self.records))
        has = bool(self.records)
        self.edit_button.setEnabled(has)
        self.delete_button.setEnabled(has)
        if has:
            self.list.setCurrentItem(self.list.topLevelItem(0))
            self.list.setFocus()
        else:
            self.add_button.setFocus()

    def current(self) -> hours.DutyRecord | None:
        item = self.list.currentItem()
        if item is None:
            return None
        return self.records[self.list.indexOfTopLevelItem(item)]

    def add(self) -> None:
        if add_duty(self, self.ctx, self.officer_id, self.officer_label, self.day):
            self.refresh()

    def edit(self) -> None:
        rec = self.current()
        if rec is not None and edit_duty(self, self.ctx, self.officer_id, self.officer_label, rec):
            self.refresh()

    def delete(self) -> None:
        rec = self.current()
        if rec is not None and delete_duty_asking(self, self.ctx, rec):
            self.refresh()
